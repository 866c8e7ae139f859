/*
 * hub.h - what the files of maiam-hub share: the hub context (its directory,
 * database, key and campaign), the store API (all SQL of hub-only tables
 * lives in store.c), TLS, the ingest path, the writer thread and the server.
 * Only main.c decides to exit; everything here returns a result.
 */
#ifndef HUB_H
#define HUB_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "schema.h"

/* Exit codes (DESIGN.md): the same numbers the agent uses. */
#define HUB_EXIT_OK 0
#define HUB_EXIT_FAIL 1
#define HUB_EXIT_USAGE 2
#define HUB_EXIT_NETWORK 3
#define HUB_EXIT_REJECTED 4

#define HUB_DB_FILE "hub.db"
#define HUB_KEY_FILE "hub.key"
#define HUB_CA_FILE "ca.pem"
#define HUB_CA_KEY_FILE "ca.key"
#define HUB_CERT_FILE "server.pem"
#define HUB_CERT_KEY_FILE "server.key"

#define HUB_TOKEN_TTL_S (7 * 24 * 3600)
#define HUB_MAX_BODY (PROTO_MAX_ZBODY + 4096u) /* one sealed change-set */
#define HUB_MAX_HEADERS 8192

/* ---- the hub context (ctx.c) ------------------------------------------- */

typedef struct hub_ctx {
	char dir[PATH_MAX];
	sqlite3 *db;
	proto_key *key;  /* the hub's private key */
	uint64_t key_id;
	char campaign_id[PROTO_CAMPAIGN_MAX + 1];
	proto_campaign campaign;
	int have_campaign;
	/* set by the serve writer thread for its connection (NULL elsewhere):
	 * merges keep their prepared statements across change-sets */
	proto_merger *merger;
	/* the serve pull thread's decoded ledger rows (pull_cache.c), or NULL */
	struct hub_pull_cache *pull_cache;
} hub_ctx;

/* Path of a file in the hub directory; fails (-1) if it does not fit. */
int hub_path(const hub_ctx *ctx, const char *name, char *out, size_t outlen);
/* Open an initialised hub directory: db, key, campaign. err gets one line. */
int hub_open(hub_ctx *ctx, const char *dir, char *err, size_t errlen);
void hub_close(hub_ctx *ctx);
/* Print "maiam-hub: <msg>" on stderr. */
void hub_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parse an unsigned decimal in [lo, hi]; -1 if s is anything else. */
int hub_parse_int(const char *s, long lo, long hi, long *out);
/* --dir default: $MAIAM_HUB_DIR, else the current directory. */
const char *hub_default_dir(void);
/* argv[*i] == name: take its value (1), missing value (-1, reported); else 0. */
int hub_opt(int argc, char **argv, int *i, const char *name, const char **value);
/* Household id as "ORIGINHEX-SERIAL" (the form listings print). */
int hub_parse_household_id(const char *s, proto_id *out);
/* 16 hex digits -> key id; -1 if not exactly that. */
int hub_parse_keyid(const char *s, uint64_t *out);

/* ---- store.c: every SQL statement on hub-only tables -------------------- */

#define HUB_SCOPE_COMMUNE 1
#define HUB_SCOPE_DISTRICT 2

typedef struct hub_scope {
	int kind; /* HUB_SCOPE_* */
	int code;
} hub_scope;

typedef struct hub_agent {
	uint64_t id;
	uint8_t pub[PROTO_PUBKEY_LEN];
	hub_scope scope;
	int64_t enrolled;
	int64_t revoked; /* 0 if not */
} hub_agent;

/* Token states seen by hub_token_consume. */
/* HUB_TOKEN_AGAIN: already used, by this same key (its answer was lost) */
enum { HUB_TOKEN_OK = 0, HUB_TOKEN_UNKNOWN, HUB_TOKEN_USED, HUB_TOKEN_EXPIRED, HUB_TOKEN_REVOKED,
       HUB_TOKEN_AGAIN };

/* Keep this thread's prepared statements on db until hub_store_cache_end
 * (which must come before db is closed). For threads that own a connection. */
int hub_store_cache_begin(sqlite3 *db);
void hub_store_cache_end(void);
int hub_meta_get(sqlite3 *db, const char *key, char *out, size_t outlen); /* 1 found, 0 not, -1 error */
int hub_meta_set(sqlite3 *db, const char *key, const char *value);
int hub_meta_get_u64(sqlite3 *db, const char *key, uint64_t *out);    /* missing -> 0 */
int hub_meta_set_u64(sqlite3 *db, const char *key, uint64_t v);

int hub_token_add(sqlite3 *db, const hub_scope *scope, int64_t now, int64_t ttl,
		  char token[65], int64_t *id);
/* Check and use a token in the current transaction: *state is HUB_TOKEN_*. */
int hub_token_consume(sqlite3 *db, const char *token, int64_t now, uint64_t agent,
		      int *state, hub_scope *scope, int64_t *token_id);
int hub_agent_insert(sqlite3 *db, const uint8_t pub[PROTO_PUBKEY_LEN], const hub_scope *scope,
		     int64_t now, int64_t token_id);
int hub_agent_get(sqlite3 *db, uint64_t id, hub_agent *out); /* 1 found, 0 not, -1 error */
/* Revoke by agent key id (16 hex) or token number; 1 done, 0 nothing matched. */
int hub_agent_revoke(sqlite3 *db, const char *id, int64_t now);
typedef int (*hub_agent_row_cb)(void *arg, int64_t token_id, const char *status,
				const hub_scope *scope, uint64_t agent, int64_t created,
				int64_t expires, uint64_t last_seq);
int hub_agent_each(sqlite3 *db, int64_t now, hub_agent_row_cb cb, void *arg);

/* Ledger: the chain head of an origin (seq 0 if none), a seq's hash. Both
 * see refused links (hub_refused): hash_at returns 1 for a ledger row, 2 for
 * a refused link, 0 none, -1 error. */
int hub_ledger_head(sqlite3 *db, uint64_t origin, uint64_t *seq, uint8_t hash[32]);
int hub_ledger_hash_at(sqlite3 *db, uint64_t origin, uint64_t seq, uint8_t hash[32]); /* 1/0/-1 */
int hub_ledger_insert(sqlite3 *db, uint64_t origin, uint64_t seq, const uint8_t hash[32],
		      const uint8_t *sealed, size_t len, int64_t now);
/* The id of the row hub_ledger_insert just wrote on db. */
int64_t hub_ledger_last_id(sqlite3 *db);
/* One ledger row as stored; cb returning non-zero stops a walk. */
typedef struct hub_ledger_row {
	int64_t id;
	uint64_t origin, seq;
	const uint8_t *hash, *sealed; /* borrowed until the callback returns */
	size_t hash_len, len;
	int64_t received;             /* hub_ledger_each_by_origin only (else 0) */
} hub_ledger_row;
typedef int (*hub_ledger_full_cb)(void *arg, const hub_ledger_row *row);
/*
 * The area index: which communes (and their districts) a ledger row touches,
 * written in the row's own transaction. commune 0 with a district: a
 * contribution to the district as a whole.
 */
int hub_area_add(sqlite3 *db, int64_t ledger, int64_t commune, int64_t district);
/* A household moved out of 'from': every earlier row indexed under 'from'
 * is indexed under 'to' as well (see docs/HUB.md, "Pull and the area index"). */
int hub_area_follow(sqlite3 *db, int64_t ledger, int64_t from, int64_t to, int64_t to_district);
/* Ledger row 'ledger' moved household out of commune 'from' (hub_move). The
 * commune a household left is told by pulls; hub_moved_from: 1/0/-1. */
int hub_move_add(sqlite3 *db, int64_t ledger, proto_id household, int64_t from);
int hub_moved_from(sqlite3 *db, int64_t ledger, proto_id household, int64_t *from);
/* Rows after 'after' that touch scope (plus rows ledgered before the index
 * existed, which are not indexed), in order, at most limit. */
int hub_ledger_each_area(sqlite3 *db, const hub_scope *scope, int64_t after, int limit,
			 hub_ledger_full_cb cb, void *arg);
/*
 * pull_cache.c: open a ledger row for a pull (proto_open_stored), or take it
 * from the cache of rows already opened. *cs points into the cache or at
 * scratch; release scratch in any case. c may be NULL (no cache).
 */
typedef struct hub_pull_cache hub_pull_cache;
/*
 * The budget of one pull answer made of several ledger rows (route_pull.c,
 * docs/HUB.md "Pull answers are bounded"): the answer stops before the row
 * that would take it past one of these; a row over them alone is an answer
 * of its own. Each is well under its encoder limit (changeset.h).
 */
#define HUB_PULL_MAX_ROWS 512             /* ledger rows read per pull */
#define HUB_PULL_MAX_RECORDS 20000u       /* records relayed per answer */
#define HUB_PULL_MAX_TEXT (8u << 20)      /* decoded text bytes per answer */
#define HUB_PULL_MAX_BODY (8u << 20)      /* body bytes per answer (upper bound) */
#define HUB_PULL_MAX_SKIPS 8              /* unrelayable rows passed per pull */
hub_pull_cache *hub_pull_cache_new(void);
void hub_pull_cache_free(hub_pull_cache *c);
proto_result hub_pull_cache_open(hub_pull_cache *c, const hub_ledger_row *row,
				 const proto_changeset **cs, proto_changeset *scratch);
/* A pull passed over ledger row id (it cannot be relayed): 1 the first time
 * this cache hears of it (record it), 0 after (or c NULL: 1). */
int hub_pull_cache_note_skip(hub_pull_cache *c, int64_t id);
/* Every ledger row with its stored seq, hash and received time, by origin
 * then seq (for audit). */
int hub_ledger_each_by_origin(sqlite3 *db, hub_ledger_full_cb cb, void *arg);
int hub_rejection_add(sqlite3 *db, const char *source, uint64_t origin, uint64_t seq,
		      const char *code, const char *message, int64_t now);

/* Shared-table lookups for scope checks (read only). 1 found, 0 not, -1 error. */
int hub_household_commune(sqlite3 *db, proto_id id, int64_t *commune);
/* An event's household (ref) or unit: *has_household tells which one is set. */
int hub_event_anchor(sqlite3 *db, proto_id id, int *has_household, proto_id *household,
		     int64_t *unit);

typedef struct hub_household_row {
	proto_id id;
	const char *ref, *name, *national_id, *hamlet, *category, *review_status;
	int64_t commune, members;
	int has_commune, has_members;
} hub_household_row;
typedef int (*hub_household_cb)(void *arg, const hub_household_row *row);
/* commune 0: all. */
int hub_household_each(sqlite3 *db, int64_t commune, hub_household_cb cb, void *arg);
typedef void (*hub_column_cb)(void *arg, const char *name, const char *value /* NULL */);
/* Every stored column of one household: 1 shown, 0 unknown, -1 error. */
int hub_household_show(sqlite3 *db, proto_id id, hub_column_cb cb, void *arg);
/* The stored stamp of one household field (0 if none). */
int hub_household_stamp(sqlite3 *db, proto_id id, int field, uint64_t *stamp);

/* ---- tls.c -------------------------------------------------------------- */

/* Make ca.pem/ca.key and server.pem/server.key in dir unless server.pem exists. */
int hub_tls_init(const char *dir, const char *const *hosts, size_t nhosts, char *err, size_t errlen);
/* A client certificate for an agent's Ed25519 key, signed by the hub CA (PEM, free()). */
int hub_tls_issue_client(const char *dir, const uint8_t pub[PROTO_PUBKEY_LEN], char **pem,
			 char *err, size_t errlen);
struct ssl_ctx_st;
/* The server context: TLS 1.2+, modern ciphers, optional client certificates. */
struct ssl_ctx_st *hub_tls_server_ctx(const char *dir, char *err, size_t errlen);

/* ---- ingest.c: the one verify + merge + ledger path ---------------------- */

typedef struct hub_verdict {
	int status;          /* HTTP status: 200 applied/already, 4xx rejected, 500 */
	const char *code;    /* "applied", "already_applied", or the error code */
	char message[256];
	uint64_t origin, seq;
	uint64_t expected_seq; /* gap/fork: what the hub expects next (0: none) */
	int has_expected_hash;
	uint8_t expected_hash[32];
	uint8_t hash[32];
	proto_merge_stats stats;
	/* issue 9: a refusal after the signature and chain position were
	 * verified takes its place in the chain (docs/HUB.md, "Refused links") */
	int chained;
	uint8_t prev[32];       /* the change-set's prev (from its header) */
	uint32_t nrecords;      /* its record count (from its header) */
	const char *rule;       /* invalid by the rulebook: proto_rule_name, else NULL */
	char record[40];        /* ... the record's id ("ORIGINHEX-SERIAL") */
	const char *field;      /* ... the field's column name (or NULL) */
	int64_t retry_after;    /* 429: seconds until the quota opens again (0: none) */
} hub_verdict;

/*
 * Check one sealed change-set and, if every check passes, merge it with its
 * ledger row in one transaction. 'peer' is the key id the sender proved over
 * TLS (0 for a USB import). A rejection is stored with its reason.
 * Returns 0 when accepted (applied or already applied), 1 when rejected,
 * -1 on an internal error (v->status 500). 'pre': see hub_ingest_open (or NULL).
 */
typedef struct hub_opened hub_opened;
int hub_ingest(hub_ctx *ctx, const uint8_t *data, size_t len, uint64_t peer, const char *source,
	       const hub_opened *pre, hub_verdict *v);
/*
 * The checks that write nothing (header, sender, signature, body, campaign),
 * made ahead of the writer on a read-only connection by serve's opening
 * thread: the writer is the one thread that cannot be multiplied, so it
 * should not spend a tenth of its time verifying signatures (BENCHMARKS.md).
 * o->rc: 0 opened (o->cs), 1 refused (o->v says why, not yet recorded),
 * -1 could not tell (the writer then opens it itself).
 */
struct hub_opened {
	int rc;
	hub_verdict v;
	proto_changeset cs;
};
int hub_ingest_open(hub_ctx *ctx, const uint8_t *data, size_t len, uint64_t peer, hub_opened *o);
void hub_opened_free(hub_opened *o); /* NULL is fine */
/* hub_ingest inside a write transaction the caller holds (the writer's group
 * commit): the change-set goes in its own savepoint, undone alone if it fails;
 * nothing is durable until the caller commits. 'pre' (or NULL) is what
 * hub_ingest_open found for these bytes; the sender's enrolment is checked
 * again on ctx's connection, which sees every revocation. */
int hub_ingest_batched(hub_ctx *ctx, const uint8_t *data, size_t len, uint64_t peer,
		       const char *source, const hub_opened *pre, hub_verdict *v);
/* Seal records with the hub key as the hub's next change-set and ledger it. */
int hub_ingest_own(hub_ctx *ctx, proto_changeset *cs, char *err, size_t errlen);
/* Is commune inside scope (using the campaign's units)? */
int hub_in_scope(const hub_ctx *ctx, const hub_scope *scope, int64_t commune);

/* ---- issue 9: ingest ---- */

/*
 * Per-agent quotas (docs/HUB.md, "Quotas at ingest"), settings of serve and
 * import. A change-set over a per-change-set cap is refused (413) before it
 * is merged; records or bytes of one agent over its daily cap: 429
 * quota_exceeded with Retry-After (the day is Vietnam's, UTC+7).
 * HUB_MAX_DECODED_TEXT is the most text one change-set may decode to: a pull
 * answer can then always relay any accepted change-set alone (its body stays
 * far below PROTO_MAX_BODY); --max-text may lower it, never raise it.
 */
#define HUB_DEFAULT_MAX_RECORDS 8192u            /* records per change-set (agent seals 4096) */
#define HUB_DEFAULT_MAX_SEALED HUB_MAX_BODY      /* sealed bytes per change-set */
#define HUB_MAX_DECODED_TEXT (8u << 20)          /* decoded text bytes per change-set */
#define HUB_DEFAULT_DAY_RECORDS 1000000LL        /* records per agent per day */
#define HUB_DEFAULT_DAY_BYTES (512LL << 20)      /* sealed bytes per agent per day */

typedef struct hub_limits {
	uint32_t max_records;
	size_t max_sealed;
	size_t max_text;
	int64_t day_records;
	int64_t day_bytes;
} hub_limits;

/* The defaults above. */
void hub_limits_default(hub_limits *l);
/* The limits ingest applies, process-wide: set once before any thread starts
 * (serve, import). NEEDSWORK: belongs in the split hub_ctx (next issue). */
void hub_limits_set(const hub_limits *l);
const hub_limits *hub_limits_get(void);
/* argv[*i] is one of the quota options (--max-records N, --max-sealed-bytes N,
 * --max-text-bytes N, --day-records N, --day-bytes N): 1 taken, 0 not one of
 * them, -1 bad value (reported). */
int hub_limits_opt(int argc, char **argv, int *i, hub_limits *l);
#define HUB_LIMITS_USAGE "[--max-records N] [--max-sealed-bytes N] [--max-text-bytes N]" \
	" [--day-records N] [--day-bytes N]"
/* Text bytes the records of cs decode to. */
size_t hub_changeset_text_bytes(const proto_changeset *cs);
/* Seconds from t to the next midnight in Vietnam (UTC+7). */
int64_t hub_seconds_to_vn_midnight(int64_t t);

/* ingest_area.c: the communes (as stored before the merge) of the households
 * cs writes, *old[i] for record i (-1 none); free() it. Then, after the
 * merge, index ledger row 'ledger' under every commune it touches. */
int hub_ingest_communes_before(hub_ctx *ctx, const proto_changeset *cs, int64_t **old);
int hub_ingest_index_area(hub_ctx *ctx, const proto_changeset *cs, const int64_t *old,
			  int64_t ledger);
/* Fill a refusal (ingest.c and ingest_scope.c). */
void hub_verdict_reject(hub_verdict *v, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* ingest_scope.c: every record inside the agent's area, written by the agent,
 * no hub-only field, a new entity only under the sender's own id. 0 good,
 * 1 refused (v filled), -1 internal error. */
int hub_ingest_check_scope(hub_ctx *ctx, const proto_changeset *cs, const hub_scope *scope,
			   hub_verdict *v);

/* store.c: refused links (hub_refused). Verified change-sets refused on
 * their content: they hold their chain position, nothing of them applied. */
typedef struct hub_refused_link {
	uint8_t hash[32], prev[32];
	int status;
	char code[32];
	char message[256];
	char rule[32], record[40], field[32]; /* "" when not a rulebook refusal */
} hub_refused_link;
/* v: the refusal (status, code, message, rule, record, field, hash, prev). */
int hub_refused_add(sqlite3 *db, const hub_verdict *v, int64_t now);
int hub_refused_get(sqlite3 *db, uint64_t origin, uint64_t seq, hub_refused_link *out); /* 1/0/-1 */
/* Does the hub hold this entity (kind's table, by id)? 1/0/-1. */
int hub_entity_held(sqlite3 *db, uint8_t kind, proto_id id);
/* Per agent per day counters (day "YYYY-MM-DD"): read, add. */
int hub_quota_get(sqlite3 *db, uint64_t agent, const char *day, int64_t *records, int64_t *bytes);
int hub_quota_add(sqlite3 *db, uint64_t agent, const char *day, int64_t records, int64_t bytes);
/* A rejection row unless one with the same source, origin, seq and code
 * exists (audit findings stay one item however often audit runs). 1 added, 0 had, -1. */
int hub_rejection_add_once(sqlite3 *db, const char *source, uint64_t origin, uint64_t seq,
			   const char *code, const char *message, int64_t now);

/* ---- json.c: the small JSON the protocol needs -------------------------- */

/* Append s as a JSON string (with quotes), or null when s is NULL. */
int hub_json_str(proto_buf *b, const char *s);
/* Find "key": "string" in a flat JSON object; value copied, unescaped. 1/0/-1 (malformed). */
int hub_json_get_str(const char *json, size_t len, const char *key, char *out, size_t outlen);
/* Append a JSON error object. */
int hub_json_error(proto_buf *b, const char *code, const char *message);

/* ---- HTTP jobs: the event loop hands them to the writer thread ---------- */

typedef struct hub_job hub_job;
typedef void (*hub_route_fn)(hub_ctx *ctx, hub_job *job);

struct hub_job {
	hub_route_fn run;
	void *req;            /* struct evhttp_request *, only touched on the loop */
	uint64_t peer;        /* key id from the client certificate, 0 if none */
	uint8_t *body;
	size_t len;
	char query[256];
	/* filled by the route in the writer thread */
	int status;
	const char *ctype;
	proto_buf resp;
	char hname[2][24];
	char hval[2][64];
	/* a push: what the opening thread found, then the writer that merges it */
	hub_opened *opened;
	struct hub_writer *then;
	hub_job *next;
};

/* Set a JSON error response on a job. */
void hub_job_error(hub_job *job, int status, const char *code, const char *message);
void hub_job_header(hub_job *job, const char *name, const char *value);

void hub_route_enroll(hub_ctx *ctx, hub_job *job);
void hub_route_push(hub_ctx *ctx, hub_job *job);
/* Several queued pushes in one transaction (group commit), each answered
 * only after the COMMIT; jobs[] all have run == hub_route_push. */
void hub_route_push_batch(hub_ctx *ctx, hub_job **jobs, size_t n);
void hub_route_pull(hub_ctx *ctx, hub_job *job);
/* The opening stage of a push (hub_ingest_open), on a read-only connection. */
void hub_route_open(hub_ctx *ctx, hub_job *job);

/* writer.c */
typedef struct hub_writer hub_writer;
typedef void (*hub_writer_done_fn)(void *arg);
/* Start the thread; done(arg) is called from it when a job has finished
 * (it must be thread-safe: it only wakes the event loop). */
hub_writer *hub_writer_start(hub_ctx *ctx, hub_writer_done_fn done, void *arg);
/* The same queue and thread, on a read-only connection of its own: for pulls. */
hub_writer *hub_reader_start(hub_ctx *ctx, hub_writer_done_fn done, void *arg);
/* checkpointer.c: WAL checkpoints on their own thread and connection; attach
 * before the writer starts, stop after it ended (autocheckpoint comes back). */
typedef struct hub_checkpointer hub_checkpointer;
hub_checkpointer *hub_checkpointer_start(hub_ctx *ctx);
void hub_checkpointer_attach(hub_checkpointer *c, sqlite3 *writer_db);
void hub_checkpointer_stop(hub_checkpointer *c, sqlite3 *writer_db); /* NULL c is fine */
/* Another read-only worker: opens pushes (hub_route_open) for the writer. */
hub_writer *hub_opener_start(hub_ctx *ctx, hub_writer_done_fn done, void *arg);
void hub_writer_submit(hub_writer *w, hub_job *job);
/* Finished jobs, in completion order (the caller owns them). */
hub_job *hub_writer_take_done(hub_writer *w);
size_t hub_writer_pending(hub_writer *w);
/* Finish queued jobs, stop and join the thread, free w. */
void hub_writer_stop(hub_writer *w);
void hub_job_free(hub_job *job);

/* ---- issue 9: server ---- */

/*
 * The limits at the door (docs/HUB.md, "Limits at the door"): settings of
 * serve, defaults from hub_door_defaults. "Anonymous" is a connection without
 * a verified client certificate; per-address limits apply to those only
 * (communes share addresses behind carrier NAT), enrolled laptops are
 * limited per key.
 */
struct hub_door_opts {
	int anon_deadline_s;  /* whole request of an anonymous connection */
	int anon_grace_s;     /* ... after which it must keep up anon_min_rate */
	int anon_min_rate;    /* bytes/s */
	int max_per_addr;     /* anonymous connections per client address */
	int max_per_key;      /* connections per agent key */
	int enroll_per_min;   /* enrolments per client address per minute */
	int max_buffered_mib; /* request bodies held across all connections */
};
void hub_door_defaults(struct hub_door_opts *d);

/* A sorted set of agent key ids (the revoked ones), for the TLS verify
 * callback: hub_idset_has is a binary search. */
typedef struct hub_idset {
	uint64_t *ids;
	size_t n;
} hub_idset;
int hub_idset_has(const hub_idset *s, uint64_t id);
/* Load the revoked agents' key ids from db (read only); replaces *s. */
int hub_revoked_load(sqlite3 *db, hub_idset *s);
void hub_idset_release(hub_idset *s);
/* tls.c: the verify callback refuses a client certificate whose key is in
 * *set (borrowed: it must outlive ctx or be unset with NULL). */
void hub_tls_set_revoked(struct ssl_ctx_st *ctx, const hub_idset *set);

/*
 * store_anon.c: refusals of anonymous requests (enrolments) are counted per
 * code per hour (table hub_anon_refusal), not a durable row each: a stranger
 * can send thousands. hub_anon_count is thread-safe and only counts in
 * memory; hub_anon_flush writes what was counted in one transaction (the
 * writer thread, on a timer, and serve at its end).
 */
void hub_anon_count(const char *code);
int hub_anon_pending(void);
int hub_anon_flush(sqlite3 *db);
/* Totals per code (all hours), for the reconcile report; no table: none. */
typedef int (*hub_anon_cb)(void *arg, const char *code, int64_t n, int64_t first, int64_t last);
int hub_anon_each(sqlite3 *db, hub_anon_cb cb, void *arg);
/* The state of a token without using it (a read-only connection): the
 * enrolment's pre-check on the opener thread. *state is HUB_TOKEN_*. */
int hub_token_peek(sqlite3 *db, const char *token, int64_t now, uint64_t agent, int *state);

/* route_enroll.c: the checks that write nothing, on a read-only connection;
 * a refusal is answered there, a pass goes on to hub_route_enroll. */
void hub_route_enroll_check(hub_ctx *ctx, hub_job *job);
/* The writer's job that writes the anonymous counters (hub_anon_flush). */
void hub_route_anon_flush(hub_ctx *ctx, hub_job *job);

/* ---- end issue 9: server ---- */

/* server.c */
struct evhttp_request;
/*
 * Pages served beside the protocol routes, answered at once on the event
 * loop: the operators' dashboard (hub/report), which the command layer
 * hands to the server so that hub_core does not depend on it. claims(path)
 * says whether a path is theirs; handle(req, arg) answers it. claims NULL:
 * no pages.
 */
typedef struct hub_pages {
	int (*claims)(const char *path);
	void (*handle)(struct evhttp_request *req, void *arg);
	void *arg;
} hub_pages;
typedef struct hub_serve_opts {
	const char *listen; /* "ADDR:PORT" */
	int max_conns;
	int header_deadline_s;
	int idle_timeout_s;
	int drain_s;        /* how long SIGTERM waits for in-flight work */
	struct hub_door_opts door; /* issue 9: the limits at the door (below) */
	hub_pages pages;    /* borrowed: must outlive hub_serve */
} hub_serve_opts;
int hub_serve(hub_ctx *ctx, const hub_serve_opts *opts);

/* command entry points */
int hub_cmd_init(int argc, char **argv);
int hub_cmd_serve(int argc, char **argv);
int hub_cmd_agent(int argc, char **argv);
int hub_cmd_import(int argc, char **argv);
int hub_cmd_household(int argc, char **argv);
int hub_cmd_audit(int argc, char **argv);

#endif
