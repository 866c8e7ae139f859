/*
 * changeset.h - the change-set: what one origin recorded, in memory and as
 * body bytes. The exact byte layout is proto/FORMAT.md; keep them in step.
 *
 * A change-set is a header plus an ordered list of records. A record is one
 * entity (household, milestone, contribution, void) with one stamp and a list
 * of fields. For a household each field is a last-writer-wins register change
 * and carries the base stamp it replaced; events are immutable and carry all
 * their fields once.
 *
 * Ownership: a proto_changeset owns its records, fields and text copies.
 * Values handed to the builder are copied. proto_changeset_release frees them.
 */
#ifndef MAIAM_CHANGESET_H
#define MAIAM_CHANGESET_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "result.h"

/*
 * Format versions (FORMAT.md, "How the format evolves"): a change-set's
 * header carries the lowest version that has every kind it carries, so
 * change-sets of kinds 1..4 stay version 1, byte for byte. This code reads
 * and writes versions PROTO_FORMAT_VERSION_MIN..PROTO_FORMAT_VERSION.
 */
#define PROTO_FORMAT_VERSION_MIN 1
#define PROTO_FORMAT_VERSION 3
#define PROTO_CAMPAIGN_MAX 64       /* bytes of campaign id */
#define PROTO_MAX_RECORDS 262144u   /* records in one change-set */
#define PROTO_MAX_FIELDS 63u        /* field ids 1..63 */
#define PROTO_MAX_TEXT 4096u        /* bytes of one text value */
#define PROTO_MAX_BODY (32u << 20)  /* inflated body bytes */
#define PROTO_MAX_ZBODY (16u << 20) /* compressed body bytes */
#define PROTO_MAX_RATIO 100u        /* body_len <= max(64 KiB, 100 * zbody_len) */
#define PROTO_RATIO_FLOOR (64u << 10)

/* A global entity id: the key id of the origin that created it + its serial there. */
typedef struct proto_id {
	uint64_t origin;
	uint64_t serial; /* >= 1 */
} proto_id;

static inline int proto_id_eq(proto_id a, proto_id b)
{
	return a.origin == b.origin && a.serial == b.serial;
}

typedef enum proto_kind {
	PROTO_KIND_HOUSEHOLD = 1,    /* mutable: per-field LWW */
	PROTO_KIND_MILESTONE = 2,    /* event */
	PROTO_KIND_CONTRIBUTION = 3, /* event */
	PROTO_KIND_VOID = 4,         /* event that voids another event */
	PROTO_KIND_PHOTO = 5,        /* event: a photo's hash and evidence (version 2) */
	PROTO_KIND_DECISION = 6,     /* event: who at the hub decided what (version 3) */
} proto_kind;
#define PROTO_KIND_MAX 6

typedef enum proto_vtype {
	PROTO_V_NULL = 0,
	PROTO_V_INT = 1,
	PROTO_V_TEXT = 2,
	PROTO_V_REF = 3, /* a proto_id */
} proto_vtype;

typedef struct proto_value {
	proto_vtype type;
	int64_t i;        /* PROTO_V_INT */
	const char *text; /* PROTO_V_TEXT: UTF-8, no NUL inside, NUL-terminated copy */
	size_t len;       /* PROTO_V_TEXT: bytes, without the terminator */
	proto_id ref;     /* PROTO_V_REF */
} proto_value;

typedef struct proto_field {
	uint8_t field; /* 1..63, meaning depends on the kind (schema.h) */
	uint64_t base; /* households: stamp of the value replaced (0 = none); events: 0 */
	proto_value value;
} proto_field;

typedef struct proto_record {
	uint8_t kind; /* proto_kind */
	proto_id id;
	uint64_t stamp;  /* HLC stamp of the change, != 0 */
	uint64_t writer; /* origin that made the change (the header origin unless relayed) */
	size_t nfields;
	proto_field *fields; /* ascending by field id, no duplicates */
} proto_record;

typedef struct proto_header {
	uint8_t version;
	char campaign[PROTO_CAMPAIGN_MAX + 1];
	uint64_t origin;  /* key id of the signer */
	uint64_t seq;     /* 1, 2, 3 ... per origin */
	uint8_t prev[32]; /* SHA-256 of the previous sealed change-set; zeros for seq 1 */
	uint64_t created; /* HLC stamp when sealed */
	uint32_t nrecords;
	uint32_t nchanges;  /* total fields over all records */
	uint32_t body_len;  /* inflated body bytes */
	uint32_t zbody_len; /* compressed body bytes */
} proto_header;

typedef struct proto_changeset {
	proto_header hdr;
	size_t nrecords;
	proto_record *records;
	size_t cap_records; /* private */
	int shared;         /* private: records added by proto_changeset_add_shared */
} proto_changeset;

/* The first format version that has 'kind' (1 or 2), or 0 for no known kind. */
uint8_t proto_kind_since(uint8_t kind);
/* The version a change-set of these records is sealed in: the lowest that
 * has every kind they carry (PROTO_FORMAT_VERSION_MIN for none). */
uint8_t proto_records_version(const proto_record *records, size_t n);

/* No allocation. campaign must be 1..64 bytes of [a-z0-9._-]. */
proto_result proto_changeset_init(proto_changeset *cs, const char *campaign, uint64_t origin,
				  uint64_t seq, const uint8_t prev[32], uint64_t created);
void proto_changeset_release(proto_changeset *cs);

/* Start a new record; following proto_changeset_add_* calls add its fields. */
proto_result proto_changeset_begin(proto_changeset *cs, proto_kind kind, proto_id id, uint64_t stamp,
				   uint64_t writer);
/* Fields must be added in ascending field order. base is 0 for events. */
proto_result proto_changeset_add_null(proto_changeset *cs, uint8_t field, uint64_t base);
proto_result proto_changeset_add_int(proto_changeset *cs, uint8_t field, uint64_t base, int64_t v);
proto_result proto_changeset_add_text(proto_changeset *cs, uint8_t field, uint64_t base, const char *s,
				      size_t len);
proto_result proto_changeset_add_ref(proto_changeset *cs, uint8_t field, uint64_t base, proto_id ref);
/* Copy one whole record (e.g. from a decoded change-set) onto the end. */
proto_result proto_changeset_copy_record(proto_changeset *cs, const proto_record *rec);
/*
 * Append a record that stays owned by someone else, neither copied nor
 * checked again: rec must be a record of a change-set opened by proto_open*
 * (whose decoder checked it with the rules seal checks) and not changed
 * since, and its fields and texts must outlive every use of cs. A change-set
 * holds shared records only (proto_changeset_begin refuses it, as this one
 * refuses a change-set with records of its own); proto_changeset_release
 * then frees the record array only.
 */
proto_result proto_changeset_add_shared(proto_changeset *cs, const proto_record *rec);

/*
 * Body codec (no compression, no signature): encode appends the records to
 * out and sets hdr.nrecords/nchanges; decode parses 'body' with the header's
 * origin and created stamp as context, validates every field against the
 * schema (known field for the kind, allowed type, UTF-8, ranges), and checks
 * the counts against the header.
 */
proto_result proto_body_encode(proto_changeset *cs, proto_buf *out);
proto_result proto_body_decode(proto_changeset *cs, const uint8_t *body, size_t len);

/* Strict UTF-8 check (no overlongs, no surrogates, no NUL). 1 if valid. */
int proto_utf8_valid(const char *s, size_t len);
/* Columns a NUL-terminated text takes on a terminal (combining marks 0, East
 * Asian wide 2); a byte that is not UTF-8 counts as one. NULL is 0. */
size_t proto_utf8_width(const char *s);
/* Decode one code point at *pp (NUL-terminated text) and advance past it.
 * A byte that does not start a valid sequence (overlong, surrogate, cut)
 * decodes as U+FFFD and advances one byte, so no caller stalls or reads past
 * the NUL on hostile text. */
uint32_t proto_utf8_next(const unsigned char **pp);

/*
 * Measuring a record before adding it (body_size.c). proto_record_measure gives
 * an upper bound of the body bytes the record adds to any change-set
 * (every text in full, every id foreign, every varint at its widest) and
 * the exact text bytes the decoder will copy out for it. A body holds at
 * most proto_body_fixed_max() bytes besides its records, and its texts may
 * total at most proto_body_text_max() bytes (the encoder and the decoder
 * refuse more with PROTO_ELIMIT). A caller gathering records for one seal
 * keeps the sums under PROTO_MAX_RECORDS, PROTO_MAX_BODY, that text budget
 * and, for the compressed size, PROTO_MAX_ZBODY less deflate's worst-case
 * growth; only the compression ratio (PROTO_MAX_RATIO) cannot be known
 * before deflating.
 */
typedef struct proto_record_bound {
	uint64_t body; /* upper bound of encoded bytes */
	uint64_t text; /* decoded text bytes, exact */
} proto_record_bound;
proto_result proto_record_measure(const proto_record *rec, proto_record_bound *size);
uint64_t proto_body_fixed_max(void);
uint64_t proto_body_text_max(void);

#endif
