/*
 * hubfile.h - the signed files of a commune that is never online: the
 * enrolment file (the hub's: the laptop's first contact with its hub), the
 * enrolment claim (the laptop's answer, the first item of its first USB
 * bundle: its public key and the token's proof) and the update file (the
 * hub's: what a pull would have brought, review decisions and the area's
 * records). All travel on a USB stick; proto/FORMAT.md, section "Hub
 * files", is the normative description.
 *
 *   file  = magic (8)  body_len (u32 BE)  body  signer (u64 BE)  sig (64)
 *   body  = field*     field = tag (u8)  len (u32 BE)  value (len bytes)
 *
 * The Ed25519 signature covers every byte before it. Tags rise strictly, so
 * each field comes at most once and a file has one encoding; only the item
 * tag of an update file repeats, and it comes last. An unknown tag, a field
 * a kind does not carry, a missing required field, a value out of range or
 * a byte after the signature is refused: these formats change by a new magic.
 *
 * Reading trusts nothing: every length is checked against the bytes that are
 * there before it is used, and nothing is returned from a file whose
 * signature does not verify.
 */
#ifndef MAIAM_HUBFILE_H
#define MAIAM_HUBFILE_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "changeset.h"
#include "keys.h"
#include "result.h"

#define PROTO_HUBFILE_MAGIC_LEN 8
#define PROTO_ENROL_MAGIC "MAIMENR1"
#define PROTO_UPDATE_MAGIC "MAIMUPD1"
/* version 2 of the update file: version 1 and the hub's feedback */
#define PROTO_UPDATE_MAGIC2 "MAIMUPD2"
#define PROTO_CLAIM_MAGIC "MAIMCLM1"

#define PROTO_ENROL_MAX_FILE (64u << 10)   /* a CA certificate and a few names */
#define PROTO_UPDATE_MAX_FILE (256u << 20) /* a commune's campaign, with room */
#define PROTO_CLAIM_MAX_FILE 1024u         /* a key, a token and a name */
#define PROTO_UPDATE_MAX_ITEMS 65536u
#define PROTO_UPDATE_FEEDBACK_MAX (4u << 20) /* two lists of at most 1,000 items */
#define PROTO_HUBFILE_URL_MAX 512
#define PROTO_HUBFILE_PEM_MAX 8192
#define PROTO_HUBFILE_TOKEN_MAX 128

/* Enrolment areas: the same numbers as the hub's scopes. */
#define PROTO_AREA_COMMUNE 1
#define PROTO_AREA_DISTRICT 2

/*
 * What an enrolment file says. Its signer is hub_pub itself: the file is
 * trusted because it came by hand from the province, like the CA file of an
 * online enrolment; the signature makes any change on the way detectable
 * and binds the token to this hub, campaign and area.
 */
typedef struct proto_enrol_file {
	char campaign[PROTO_CAMPAIGN_MAX + 1];
	char hub_url[PROTO_HUBFILE_URL_MAX + 1]; /* "" when the laptop cannot reach the hub */
	char ca_pem[PROTO_HUBFILE_PEM_MAX + 1];  /* the hub's TLS CA, for a later online sync */
	uint8_t hub_pub[PROTO_PUBKEY_LEN];       /* the hub's Ed25519 key, the signer */
	char token[PROTO_HUBFILE_TOKEN_MAX + 1]; /* one-time enrolment token */
	uint8_t area_kind;                       /* PROTO_AREA_COMMUNE or _DISTRICT */
	int64_t area_code;                       /* national unit code, 1..99999 */
	int64_t issued;                          /* Unix seconds */
	int64_t expires;                         /* the token's end, after issued */
} proto_enrol_file;

/*
 * Append the signed enrolment file for f to out, signed with hub (whose
 * public key must be f->hub_pub: PROTO_EKEYID otherwise). Every field is
 * checked as the reader checks it (PROTO_EVALUE, PROTO_EUTF8); on any error
 * out is left as it was.
 */
proto_result proto_enrol_write(proto_buf *out, const proto_enrol_file *f, const proto_key *hub);

/*
 * Read and verify an enrolment file: magic (PROTO_EMAGIC), lengths
 * (PROTO_ETRUNCATED, PROTO_ELIMIT, PROTO_ETRAILING), fields (PROTO_EBODY,
 * PROTO_EUTF8, PROTO_EVALUE), signer = id of hub_pub (PROTO_EKEYID), then the
 * signature (PROTO_ESIGNATURE). *f is filled only on PROTO_OK. Expiry and the
 * campaign are the caller's to judge: they need a clock and a campaign.
 */
proto_result proto_enrol_read(const uint8_t *data, size_t len, proto_enrol_file *f);

/*
 * The header of an update file: for which laptop, and the pull cursors it
 * spans. A laptop imports it only when after is its own cursor (an older
 * file is a replay, a newer one would leave a gap) and agent is its own key.
 */
typedef struct proto_update_file {
	char campaign[PROTO_CAMPAIGN_MAX + 1];
	uint64_t agent; /* key id of the laptop it is for, not 0 */
	int64_t after;  /* the laptop's cursor this file continues, >= 0 */
	int64_t cursor; /* the cursor once it is imported, >= after */
	int64_t issued; /* Unix seconds */
	/* the laptop's client certificate (PEM), "" if none: for a laptop
	 * enrolled from a file that later reaches the hub online */
	char client_cert[PROTO_HUBFILE_PEM_MAX + 1];
	/* the highest seq of the laptop's own chain the hub holds (accepted or
	 * kept as a refused link), 0 if none: the laptop stops resending up to
	 * it, as a push's answer tells it online */
	int64_t acked;
	/* the hub's feedback (docs/PROTOCOL.md, "GET /v1/feedback": the JSON
	 * object a laptop online gets), feedback_len UTF-8 bytes without a NUL
	 * at the end; NULL when the file has none (a version 1 file). Writing:
	 * the caller's, a file with feedback is version 2 (PROTO_UPDATE_MAGIC2);
	 * reading: borrowed from the file's bytes. */
	const char *feedback;
	size_t feedback_len;
	size_t nitems; /* sealed change-sets it carries (reading fills it) */
	/* the reader's place among the items (set by proto_update_read) */
	proto_reader items;
} proto_update_file;

/*
 * Append the signed update file for f's header (nitems is ignored; version 2
 * when f->feedback is not NULL, then of 1..PROTO_UPDATE_FEEDBACK_MAX bytes
 * of UTF-8 without NUL, version 1 otherwise) and the n
 * items (sealed change-sets of 1..PROTO_BUNDLE_MAX_ITEM bytes each, at most
 * PROTO_UPDATE_MAX_ITEMS) to out, signed with hub. On error out is unchanged.
 */
proto_result proto_update_write(proto_buf *out, const proto_update_file *f, const uint8_t *const *items,
				const size_t *lens, size_t n, const proto_key *hub);

/*
 * Read and verify an update file signed by hub (the key the laptop enrolled
 * with), of version 1 or 2 (PROTO_EMAGIC for any other): the same checks as
 * proto_enrol_read, the signer must be hub. On
 * PROTO_OK *f holds the header and the item count; the items are borrowed
 * from data, which must outlive f.
 */
proto_result proto_update_read(const uint8_t *data, size_t len, const proto_key *hub,
			       proto_update_file *f);

/* Next item of a read update file: *item points into the file bytes; at the
 * end PROTO_OK with *item = NULL and *len = 0. */
proto_result proto_update_next(proto_update_file *f, const uint8_t **item, size_t *len);

/*
 * The enrolment claim: a laptop enrolled from a file puts it first in its
 * first USB bundle. Signed with the laptop's own key (the signer must be
 * the id of agent_pub), it carries the one-time token: the hub enrols the
 * key as an online enrolment would, and the signature proves the laptop
 * holds the private key. A bundle item is a claim when it starts with
 * PROTO_CLAIM_MAGIC (a sealed change-set never does).
 */
typedef struct proto_claim_file {
	char campaign[PROTO_CAMPAIGN_MAX + 1];
	char token[PROTO_HUBFILE_TOKEN_MAX + 1];
	uint8_t agent_pub[PROTO_PUBKEY_LEN];
	int64_t issued; /* Unix seconds, >= 0 */
} proto_claim_file;

/* Append the claim, signed with agent (whose public key must be
 * f->agent_pub: PROTO_EKEYID otherwise). On error out is unchanged. */
proto_result proto_claim_write(proto_buf *out, const proto_claim_file *f, const proto_key *agent);
/* Read and verify a claim: the checks of proto_enrol_read, the signer being
 * the carried agent_pub. *f is filled only on PROTO_OK. */
proto_result proto_claim_read(const uint8_t *data, size_t len, proto_claim_file *f);

#endif
