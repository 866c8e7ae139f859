/*
 * store.h - the agent's local store: the shared tables (proto_db_open) plus
 * the agent's own meta, outbox and sealed tables (store.c), and the reads
 * the commands make of the shared tables (store_query.c). All the agent's
 * SQL lives in those two files.
 */
#ifndef MAIAM_AGENT_STORE_H
#define MAIAM_AGENT_STORE_H
#include "agent.h"

/* What init records in meta until enrolment brings the hub's campaign. */
typedef struct agent_init_info {
	uint64_t key_id;
	int commune;
	const char *commune_name;
	const char *campaign;
	const char *period_start;
	const char *deadline;
	const char *period_end;
} agent_init_info;

/* Create home/agent.db with meta filled; the caller made sure none exists. */
int agent_store_create(agent_ctx *ctx, const agent_init_info *info);
/* Open an existing store and load meta into ctx. Prints the error. */
int agent_store_open(agent_ctx *ctx);
void agent_store_close(agent_ctx *ctx);
/* 1 when home holds a finished store (meta has a key id), 0 if not. */
int agent_store_exists(const char *home);

/* A statement cached in ctx->stmts[slot], reset and ready to bind. */
sqlite3_stmt *agent_stmt(agent_ctx *ctx, int slot, const char *sql);

/* One write transaction per command: BEGIN IMMEDIATE ... COMMIT. commit
 * persists the clock and serial counter in meta first. */
int agent_tx_begin(agent_ctx *ctx);
int agent_tx_commit(agent_ctx *ctx);
void agent_tx_rollback(agent_ctx *ctx);
uint64_t agent_take_serial(agent_ctx *ctx);
uint64_t agent_stamp(agent_ctx *ctx);
/* Start a one-use change-set of this agent (campaign, origin) to build records in. */
proto_result agent_cs_init(agent_ctx *ctx, proto_changeset *cs);
/* Inside the transaction: merge cs into the store and append each of its
 * records to the outbox. */
proto_result agent_store_record(agent_ctx *ctx, proto_changeset *cs);

int agent_meta_get(agent_ctx *ctx, const char *key, char *out, size_t n); /* 0 if found */
proto_result agent_meta_set(agent_ctx *ctx, const char *key, const char *value);

typedef struct agent_counts {
	int64_t outbox;       /* records not sealed yet */
	int64_t sealed;       /* change-sets sealed, waiting for the hub */
	int64_t sealed_records;
	int64_t households, milestones, contributions;
} agent_counts;
proto_result agent_store_counts(agent_ctx *ctx, agent_counts *c);

/* Load home/agent.key (once) and check it is the key of this store. */
proto_result agent_store_load_key(agent_ctx *ctx);
/* export: seal the outbox into change-sets (inside the caller's transaction). */
proto_result agent_store_seal(agent_ctx *ctx, size_t *ncs, size_t *nrecords);
/* Every sealed change-set the hub has not acknowledged, as a bundle. */
proto_result agent_store_bundle(agent_ctx *ctx, proto_buf *out, size_t *ncs);

/* check: re-read outbox and sealed, verify they cover the tables exactly. */
typedef struct agent_check_report {
	int integrity_ok;
	int64_t records;      /* records in outbox + sealed */
	int64_t duplicates;   /* the same (kind, id, stamp) twice */
	int64_t missing;      /* own rows with no record */
	int64_t bad_chain;    /* sealed change-sets that do not verify or chain */
} agent_check_report;
proto_result agent_store_check(agent_ctx *ctx, agent_check_report *rep);

/* store_query.c: reads of the shared tables. A row holds every household
 * column as text (NULL for SQL NULL); agent_row_release frees it. */
typedef struct agent_row {
	proto_id id;
	char *v[PROTO_HH_NFIELDS + 1];
	int stage; /* rank of the latest recorded stage, 0 if none */
} agent_row;
void agent_row_release(agent_row *r);
/* 1 found, 0 not found, -1 error. */
int agent_hh_get(agent_ctx *ctx, proto_id id, agent_row *out);
/* Resolve a typed full id or short reference; prints what is wrong. */
int agent_hh_resolve(agent_ctx *ctx, const char *text, proto_id *out);
/*
 * The same, for recording on the household: refused (AGENT_FAIL, said why)
 * when it has moved to another commune, as a pull tells a laptop. The hub
 * would refuse the change as outside this laptop's area, and a refused
 * change-set stops every later sync of the laptop until an operator acts.
 */
int agent_hh_resolve_here(agent_ctx *ctx, const char *text, proto_id *out);
/* Another household with this national id: 1 (and its id), 0 none, -1 error. */
int agent_hh_by_national_id(agent_ctx *ctx, const char *nid, proto_id self, proto_id *other);
uint64_t agent_hh_field_stamp(agent_ctx *ctx, proto_id id, int field);
/* Calls fn for every household in id order; stops early when fn returns nonzero. */
int agent_hh_foreach(agent_ctx *ctx, int (*fn)(agent_row *row, void *arg), void *arg);
/* National ids of every household, for import's duplicate check. */
int agent_nid_foreach(agent_ctx *ctx, int (*fn)(const char *nid, proto_id id, void *arg), void *arg);

/* Milestones of a household that are not voided, oldest first. */
typedef struct agent_ms {
	proto_id id;
	int rank;
	char stage[24], date[11];
	const char *note, *forced; /* valid during the callback only */
} agent_ms;
int agent_ms_foreach(agent_ctx *ctx, proto_id hh, int (*fn)(const agent_ms *m, void *arg), void *arg);
/* Contributions of household hh; with hh.serial == 0, those of the unit whose
 * admin code is hh.origin given for the unit as a whole. */
typedef struct agent_ct {
	proto_id id;
	const char *source, *donor, *material, *date, *note;
	int64_t money, labour, material_value; /* -1 when absent */
} agent_ct;
int agent_ct_foreach(agent_ctx *ctx, proto_id hh, int (*fn)(const agent_ct *c, void *arg), void *arg);

#endif
