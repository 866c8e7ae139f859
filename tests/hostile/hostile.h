/*
 * hostile.h - the hostile-input catalogue (docs/HOSTILE.md): rows of
 * hostile inputs, grouped in families, each family run against one real
 * maiam-hub process. A row says what it sends (its 'act'), what the hub must
 * answer, and the runner checks the rest: nothing applied, the refusal kept,
 * honest laptops of the same and of another commune still sync, and (per
 * family) `maiam-hub audit verify` passes. How to add a row: docs/HOSTILE.md.
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <stddef.h>
#include <stdint.h>
#include "maiam/proto.h"
#include "maiam/bundle.h"
#include "maiam/rules.h"
#include "../hub/hubtest.h"

#define HS_COMMUNE 31498       /* the attacker's commune (Phường 5, district 941) */
#define HS_OTHER_COMMUNE 31569 /* another district's commune (Châu Thành, 942) */
#define HS_NEAR_COMMUNE 31501  /* same district as HS_COMMUNE, another commune */
#define HS_DISTRICT 941
#define HS_CAMPAIGN "soc-trang-2023"
#define HS_DATE "2023-07-15" /* a date inside the campaign's period */

/* Expected answers that are not an HTTP status. */
#define HS_CLOSED 0       /* no HTTP answer: the hub closed the connection */
#define HS_HANDSHAKE (-1) /* the TLS handshake is refused */
#define HS_TIMEOUT (-2)   /* the hub neither answered nor closed in time */

/* Row flags. */
#define HS_REC 0x01      /* one hub_rejection row with the row's code is added */
#define HS_CHAIN 0x02    /* refused after the chain check: "chained": true (docs/PROTOCOL.md) */
#define HS_MAYAPPLY 0x04 /* an accepted answer (alt) may change the tables */
#define HS_ANON \
	0x08          /* anonymous enrolment refusal: hub_rejection row on main,
			  * counted in aggregate once `server` is merged */
#define HS_EXIT 0x10  /* status is the exit code of a maiam-hub command */
#define HS_SLOW 0x20  /* informational: a row that costs seconds */
#define HS_NOATK 0x40 /* the attacker may not go on (a daily quota: "retry tomorrow") */

/* What the hub answered. */
typedef struct hs_answer {
	long status;     /* HTTP status, HS_CLOSED, HS_HANDSHAKE, or an exit code */
	char body[4096]; /* start of the body (JSON errors fit) */
	char retry_after[32];
	int chained; /* the body says "chained": true */
	int hsts;    /* a Strict-Transport-Security header came */
} hs_answer;

/* One family's world: a hub, an attacker and two honest laptops. */
typedef struct hs_env {
	ht_hub hub;
	ht_agent atk;   /* the attacker: an enrolled laptop of HS_COMMUNE */
	ht_agent same;  /* honest, HS_COMMUNE */
	ht_agent other; /* honest, HS_OTHER_COMMUNE */
	proto_key *hubkey;
	proto_buf sealed;      /* the attacker's last sealed change-set (what a row pushed) */
	int nagents;           /* agents enrolled (names) */
	char tmp[64];          /* row scratch: a token, a file name */
	uint64_t same_serial0; /* same.serial before the row (squatting rows) */
	uint8_t snap[32];
	long long rej_total, rej_code;
} hs_env;

typedef int (*hs_act)(hs_env *e, hs_answer *a); /* 0 ran, -1 could not build the input */

typedef struct hs_row {
	const char *name;
	const char *needs; /* the part of the hub that defends against it (docs/HOSTILE.md, ".needs"; "" = held before) */
	hs_act act;
	long status;
	const char *code; /* "error" (or "status" of a 200); NULL: not checked */
	unsigned flags;
	long alt_status; /* a second acceptable answer (0: none) */
	const char *alt_code;
	const char *also; /* the answer must also contain this (e.g. the field's name) */
} hs_row;

typedef struct hs_family {
	const char *name;
	const char *serve; /* extra `serve` options */
	const hs_row *rows;
	size_t nrows;
} hs_family;

/* --- hostile_util.c --- */
int hs_env_up(hs_env *e, const char *serve);
void hs_env_down(hs_env *e);
/* A new agent enrolled for scope_opt ("--commune"/"--district") code. 0 or -1. */
int hs_enrol(hs_env *e, ht_agent *a, const char *scope_opt, int code);
/* Digest of household, milestone, contribution, void_event (and their stamps). */
int hs_digest(const hs_env *e, uint8_t out[32]);
/* Retake the "before" snapshot (a row that needs setup pushes first). */
int hs_snapshot(hs_env *e, const char *code);

/* HTTPS request with libcurl: cert of 'who' (NULL none), extra header lines
 * (NULL-terminated, may be NULL), from source address 'from' (NULL: any). */
int hs_http(hs_env *e, const ht_agent *who, const char *method, const char *path, const void *body,
	    size_t len, const char *const *headers, const char *from, hs_answer *a);
/* Raw bytes over TLS (OpenSSL), then read the answer until close or 5 s.
 * tls12: cap the version at TLS 1.2, so a refused certificate fails the handshake. */
int hs_raw(hs_env *e, const ht_agent *who, const void *req, size_t len, int tls12, hs_answer *a);
/* Anonymous TLS: send req, then stall; HS_CLOSED if the hub closes within
 * wait_s seconds, HS_TIMEOUT if not, or the status of an answer. */
int hs_raw_stall(hs_env *e, const void *req, size_t len, int wait_s, hs_answer *a);
/* POST /v1/enroll with a JSON body from a fresh 127.0.0.x address. */
int hs_enroll_body(hs_env *e, const char *json, hs_answer *a);
/* Push e->sealed as the attacker; a chained refusal advances its chain. */
int hs_push(hs_env *e, hs_answer *a);
/* Push bytes as 'who' (no chain bookkeeping). */
int hs_push_as(hs_env *e, const ht_agent *who, const proto_buf *b, hs_answer *a);
/* Seal from's next change-set (one household of HS_COMMUNE, chained) and push it as 'who'. */
int hs_push_household(hs_env *e, ht_agent *from, const ht_agent *who, hs_answer *a);
/* Write b as a one-item USB bundle (or raw, if raw) and run `maiam-hub import`. */
int hs_import(hs_env *e, const uint8_t *data, size_t len, int raw, hs_answer *a);

/* Change-sets of the attacker. hs_cs_begin starts one (seq = atk.seq + 1,
 * prev = its head); hs_cs_seal seals it into e->sealed (the chain advances
 * only when the hub accepts or chains it). */
int hs_cs_begin(hs_env *e, proto_changeset *cs);
int hs_cs_seal(hs_env *e, proto_changeset *cs);
/* The next id serial of the attacker. */
uint64_t hs_serial(hs_env *e);
/* A complete valid household of the attacker in commune (record started, not sealed). */
int hs_add_household(hs_env *e, proto_changeset *cs, proto_id id, int commune);
/* A void by the attacker of target, an event of target_kind (record started, not sealed). */
int hs_add_void(hs_env *e, proto_changeset *cs, proto_id id, proto_id target, int64_t target_kind);
/* A valid milestone / contribution on household hh. */
int hs_add_milestone(hs_env *e, proto_changeset *cs, proto_id id, proto_id hh, const char *stage,
		     const char *date);
/* Seal by hand: header fields as given, zbody = deflate(body) with the preset
 * dictionary (or, if zbody != NULL, those bytes as they are), signed with the
 * attacker's key. body_len 0: the real length. */
int hs_seal_raw(hs_env *e, uint64_t seq, const uint8_t prev[32], uint32_t nrecords, uint32_t nchanges,
		const uint8_t *body, size_t blen, uint32_t body_len, const uint8_t *zbody, size_t zlen,
		proto_buf *out);
/* Deflate with (dict = 1) or without the preset dictionary. */
int hs_deflate(const uint8_t *p, size_t n, int dict, proto_buf *out);

/* --- the families --- */
extern const hs_family hs_family_rules;
extern const hs_family hs_family_ids;
extern const hs_family hs_family_chain;
extern const hs_family hs_family_bytes;
extern const hs_family hs_family_http;
extern const hs_family hs_family_enrol;
extern const hs_family hs_family_quota;
extern const hs_family hs_family_dash;
extern const hs_family hs_family_poison;
extern const hs_family hs_family_door;
extern const hs_family hs_family_import;

#endif
