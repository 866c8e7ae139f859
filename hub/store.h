/*
 * store.h - the hub's tables: every statement on them runs in a store*.c
 * file (their SQL in store_sql.c); the tables are made in schema.c.
 * Callers own transactions.
 *
 * Every function that can fail returns a hub_result: HUB_OK, HUB_EDB (the
 * database failed, or holds a row the hub never writes) or HUB_ENOMEM. A
 * lookup that may find nothing says so through a bool out-parameter (found,
 * held...), set on HUB_OK; its other outputs are only meaningful when it is
 * true. A walk's callback returning non-zero stops the walk, which is still
 * HUB_OK.
 */
#ifndef HUB_STORE_H
#define HUB_STORE_H

#include <stdbool.h>
#include "ctx.h"
#include "result.h"
#include "schema.h"

struct hub_verdict;

typedef struct hub_agent {
	uint64_t id;
	uint8_t pub[PROTO_PUBKEY_LEN];
	hub_scope scope;
	int64_t enrolled;
	int64_t revoked; /* 0 if not */
	int reads;       /* the highest change-set format version its laptop reads (1: said none) */
} hub_agent;

/* Token states seen by hub_token_consume. */
/* HUB_TOKEN_AGAIN: already used, by this same key (its answer was lost) */
enum {
	HUB_TOKEN_OK = 0,
	HUB_TOKEN_UNKNOWN,
	HUB_TOKEN_USED,
	HUB_TOKEN_EXPIRED,
	HUB_TOKEN_REVOKED,
	HUB_TOKEN_AGAIN
};

/* How a serve thread sets up its connection (hub/worker.c), one statement
 * each: SQLite's default 2 MiB page cache made the writer re-read the index
 * pages of the tables it merges into from the OS (pread was a tenth of its
 * time under bench_sync), 64 MiB holds a province's indexes; every push is a
 * savepoint, whose sub-journal passed 64 KiB into a temp file (a fifth of
 * the serve process under perf), in memory it costs a copy. The benches
 * that stand for the hub's writer set theirs the same way. */
#define HUB_SERVE_CACHE_SQL "PRAGMA cache_size = -65536"
#define HUB_SERVE_TEMP_SQL "PRAGMA temp_store = MEMORY"

/* Keep this thread's prepared statements on db until hub_store_cache_end
 * (which must come before db is closed). For threads that own a connection. */
hub_result hub_store_cache_begin(sqlite3 *db);
void hub_store_cache_end(void);
/* A setting into out; *found false if there is none. One that does not
 * fit outlen is HUB_EDB. */
hub_result hub_meta_get(sqlite3 *db, const char *key, char *out, size_t outlen, bool *found);
hub_result hub_meta_set(sqlite3 *db, const char *key, const char *value);
/* A numeric setting; a missing one reads as 0, one that is not a number is HUB_EDB. */
/* hub_meta key: the ledger row that last changed the commune of a household
 * that had one (a move, or the commune cleared); ingest writes it, the
 * pulls' cache of communes is true while it stays (pull_cache.c). */
#define HUB_META_COMMUNE_CHANGED "commune_changed"
hub_result hub_meta_get_u64(sqlite3 *db, const char *key, uint64_t *out);
hub_result hub_meta_set_u64(sqlite3 *db, const char *key, uint64_t v);

/* A new one-time token (64 hex) and its number; HUB_ECRYPTO when no random
 * bytes could be had. */
hub_result hub_token_add(sqlite3 *db, const hub_scope *scope, int64_t now, int64_t ttl, char token[65],
			 int64_t *id);
/* Check and use a token in the current transaction: *state is HUB_TOKEN_*. */
hub_result hub_token_consume(sqlite3 *db, const char *token, int64_t now, uint64_t agent, int *state,
			     hub_scope *scope, int64_t *token_id);
hub_result hub_agent_insert(sqlite3 *db, const uint8_t pub[PROTO_PUBKEY_LEN], const hub_scope *scope,
			    int64_t now, int64_t token_id);
hub_result hub_agent_get(sqlite3 *db, uint64_t id, hub_agent *out, bool *found);
/* Keep what the agent's laptop said it reads (1..255; proto/FORMAT.md, "How
 * the format evolves"); a pull leaves out the kinds it does not. */
hub_result hub_agent_set_reads(sqlite3 *db, uint64_t id, int reads);
/* Revoke by agent key id (16 hex) or token number; *done false when
 * nothing matched (or id is neither). */
hub_result hub_agent_revoke(sqlite3 *db, const char *id, int64_t now, bool *done);
typedef int (*hub_agent_row_cb)(void *arg, int64_t token_id, const char *status, const hub_scope *scope,
				uint64_t agent, int64_t created, int64_t expires, uint64_t last_seq);
hub_result hub_agent_each(sqlite3 *db, int64_t now, hub_agent_row_cb cb, void *arg);

/* Ledger: the chain head of an origin (seq 0 if none), a seq's hash. Both
 * see refused links (hub_refused). */
hub_result hub_ledger_head(sqlite3 *db, uint64_t origin, uint64_t *seq, uint8_t hash[32]);
/* Where hub_ledger_hash_at found the seq's hash. */
typedef enum hub_link_at {
	HUB_LINK_NONE = 0, /* nowhere: hash untouched */
	HUB_LINK_LEDGER,   /* an accepted change-set's ledger row */
	HUB_LINK_REFUSED,  /* a refused link (hub_refused) */
} hub_link_at;
hub_result hub_ledger_hash_at(sqlite3 *db, uint64_t origin, uint64_t seq, uint8_t hash[32],
			      hub_link_at *at);
hub_result hub_ledger_insert(sqlite3 *db, uint64_t origin, uint64_t seq, const uint8_t hash[32],
			     const uint8_t *sealed, size_t len, int64_t now);
/* The id of the row hub_ledger_insert just wrote on db. */
int64_t hub_ledger_last_id(sqlite3 *db);
/* One ledger row as stored; cb returning non-zero stops a walk. */
typedef struct hub_ledger_row {
	int64_t id;
	uint64_t origin, seq;
	const uint8_t *hash, *sealed; /* borrowed until the callback returns */
	size_t hash_len, len;
	int64_t received; /* hub_ledger_each_by_origin only (else 0) */
} hub_ledger_row;
typedef int (*hub_ledger_full_cb)(void *arg, const hub_ledger_row *row);
/*
 * The area index: which communes (and their districts) a ledger row touches,
 * written in the row's own transaction. commune 0 with a district: a
 * contribution to the district as a whole.
 */
hub_result hub_area_add(sqlite3 *db, int64_t ledger, int64_t commune, int64_t district);
/* A household moved out of 'from': every earlier row indexed under 'from'
 * is indexed under 'to' as well (see docs/HUB.md, "Pull and the area index"). */
hub_result hub_area_follow(sqlite3 *db, int64_t ledger, int64_t from, int64_t to, int64_t to_district);
/* Ledger row 'ledger' moved household out of commune 'from' (hub_move). The
 * commune a household left is told by pulls. */
hub_result hub_move_add(sqlite3 *db, int64_t ledger, proto_id household, int64_t from);
hub_result hub_moved_from(sqlite3 *db, int64_t ledger, proto_id household, int64_t *from, bool *found);
/* Rows after 'after' that touch scope (plus rows ledgered before the index
 * existed, which are not indexed), in order, at most limit. */
hub_result hub_ledger_each_area(sqlite3 *db, const hub_scope *scope, int64_t after, int limit,
				hub_ledger_full_cb cb, void *arg);
/* Every ledger row with its stored seq, hash and received time, by origin
 * then seq (for audit). */
hub_result hub_ledger_each_by_origin(sqlite3 *db, hub_ledger_full_cb cb, void *arg);
hub_result hub_rejection_add(sqlite3 *db, const char *source, uint64_t origin, uint64_t seq,
			     const char *code, const char *message, int64_t now);
/* The same for a change-set whose sealed bytes hash to hash (SHA-256): a
 * later ledger row of the same origin, seq and hash closes it. */
hub_result hub_rejection_add_sealed(sqlite3 *db, const char *source, uint64_t origin, uint64_t seq,
				    const uint8_t hash[32], const char *code, const char *message,
				    int64_t now);

/* Shared-table lookups for scope checks (read only). A household's commune:
 * *found false for no such household, or one with no commune yet. */
hub_result hub_household_commune(sqlite3 *db, proto_id id, int64_t *commune, bool *found);
/* An event's household (ref) or unit: *has_household tells which one is set. */
hub_result hub_event_anchor(sqlite3 *db, proto_id id, int *has_household, proto_id *household,
			    int64_t *unit, bool *found);

typedef struct hub_household_row {
	proto_id id;
	const char *ref, *name, *national_id, *hamlet, *category, *review_status;
	const char *withdrawn; /* the reason it was taken out of every count, or NULL */
	int64_t commune, members;
	int has_commune, has_members;
} hub_household_row;
typedef int (*hub_household_cb)(void *arg, const hub_household_row *row);
/* commune 0: all. */
hub_result hub_household_each(sqlite3 *db, int64_t commune, hub_household_cb cb, void *arg);
/* The households whose stored short reference is exactly ref ("36S0-2"), in
 * the order of hub_household_each (household_ref.c normalizes what people type). */
hub_result hub_household_by_ref(sqlite3 *db, const char *ref, hub_household_cb cb, void *arg);
/* A milestone or contribution of a household, voided ones too. Its strings
 * are borrowed for the callback only; NULL where the record has no value. */
typedef struct hub_event_row {
	uint8_t kind; /* PROTO_KIND_MILESTONE or PROTO_KIND_CONTRIBUTION */
	proto_id id;
	const char *date, *note;
	const char *stage, *forced;            /* milestones */
	const char *source, *donor, *material; /* contributions */
	int64_t money, labour_days, material_value;
	int has_money, has_labour_days, has_material_value;
	int voided;
	const char *void_reason;
} hub_event_row;
typedef int (*hub_event_cb)(void *arg, const hub_event_row *row);
/* Milestones first, then contributions, each by date then id. */
hub_result hub_household_events(sqlite3 *db, proto_id id, hub_event_cb cb, void *arg);
typedef void (*hub_column_cb)(void *arg, const char *name, const char *value /* NULL */);
/* Every stored column of one household; *found false for an unknown one. */
hub_result hub_household_show(sqlite3 *db, proto_id id, hub_column_cb cb, void *arg, bool *found);
/* The stored stamp of one household field (0 if none). */
hub_result hub_household_stamp(sqlite3 *db, proto_id id, int field, uint64_t *stamp);

/* store_chain.c: refused links (hub_refused). Verified change-sets refused on
 * their content: they hold their chain position, nothing of them applied. */
typedef struct hub_refused_link {
	uint8_t hash[32], prev[32];
	int status;
	char code[32];
	char message[256];
	char rule[32], record[40], field[32]; /* "" when not a rulebook refusal */
} hub_refused_link;
/* v: the refusal (status, code, message, rule, record, field, hash, prev). */
hub_result hub_refused_add(sqlite3 *db, const struct hub_verdict *v, int64_t now);
hub_result hub_refused_get(sqlite3 *db, uint64_t origin, uint64_t seq, hub_refused_link *out, bool *found);
/* Does the hub hold this entity (kind's table, by id)? */
hub_result hub_entity_held(sqlite3 *db, uint8_t kind, proto_id id, bool *held);
/* Per agent per day counters (day "YYYY-MM-DD"): read (0 if none), add. */
hub_result hub_quota_get(sqlite3 *db, uint64_t agent, const char *day, int64_t *records, int64_t *bytes);
hub_result hub_quota_add(sqlite3 *db, uint64_t agent, const char *day, int64_t records, int64_t bytes);
/* A rejection row unless one with the same source, origin, seq and code
 * exists (audit findings stay one item however often audit runs): *added
 * says whether this call wrote it. */
hub_result hub_rejection_add_once(sqlite3 *db, const char *source, uint64_t origin, uint64_t seq,
				  const char *code, const char *message, int64_t now, bool *added);

/* A sorted set of agent key ids (the revoked ones), for the TLS verify
 * callback: hub_idset_has is a binary search. */
typedef struct hub_idset {
	uint64_t *ids;
	size_t n;
} hub_idset;
bool hub_idset_has(const hub_idset *s, uint64_t id);
/* Load the revoked agents' key ids from db (read only); replaces *s. */
hub_result hub_revoked_load(sqlite3 *db, hub_idset *s);
void hub_idset_release(hub_idset *s);
/*
 * store_anon.c: refusals of anonymous requests (enrolments) are counted per
 * code per hour (table hub_anon_refusal), not a durable row each: a stranger
 * can send thousands. hub_anon_count is thread-safe and only counts in
 * memory; hub_anon_flush writes what was counted in one transaction (the
 * writer thread, on a timer, and serve at its end).
 */
void hub_anon_count(const char *code);
/* How many (hour, code) counts wait for hub_anon_flush. */
int hub_anon_pending(void);
/* On failure the counts are kept for the next flush. */
hub_result hub_anon_flush(sqlite3 *db);
/* The state of a token without using it (a read-only connection): the
 * enrolment's pre-check on the opener thread. *state is HUB_TOKEN_*. */
hub_result hub_token_peek(sqlite3 *db, const char *token, int64_t now, uint64_t agent, int *state);

#endif
