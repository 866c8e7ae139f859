/*
 * store.h - the agent's local store: the shared tables (proto_db_open) plus
 * the agent's own meta, outbox and sealed tables (store.c), and the reads
 * the commands make of the shared tables (store_query.c); sealing in
 * store_seal.c, enrol and sync in store_sync.c, the check in store_check.c,
 * the campaign's labels in store_labels.c.
 * Every statement's SQL is in store_stmt.c.
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
	const proto_labels *labels; /* the campaign's [labels], kept in the store; NULL: none */
} agent_init_info;

/*
 * Below the command layer every store function that can fail returns a
 * proto_result: PROTO_EDB with sqlite3_errmsg(ctx->db) saying why, PROTO_EIO
 * with proto_errno(), or the proto_ code of what failed. "Not there" is not
 * an error: it comes back through a found out-parameter. Nothing here prints;
 * the commands (cmds.h) say what failed and what to do, and choose the exit
 * code.
 */

/* Create home/agent.db with meta filled and loaded into ctx; the caller made
 * sure none exists. */
proto_result agent_store_create(agent_ctx *ctx, const agent_init_info *info);
/* The campaign's labels (store_labels.c): save, inside the creating
 * transaction, the entries labels holds; load them into *out (release it),
 * an empty proto_labels when the store keeps none. */
proto_result agent_labels_save(agent_ctx *ctx, const proto_labels *labels);
proto_result agent_labels_load(agent_ctx *ctx, proto_labels *out);
/* Open the database at path (ctx->db). */
proto_result agent_store_open_db(agent_ctx *ctx, const char *path);
/* Bring the agent's tables up to this version: PROTO_ESCHEMA when a newer
 * maiam-agent made them, PROTO_EDB when the upgrade cannot be written. */
proto_result agent_store_upgrade(agent_ctx *ctx);
/* Load meta into ctx: PROTO_EVALUE when a setting is missing or garbled. */
proto_result agent_store_load_meta(agent_ctx *ctx);
/* Finalize the cached statements and close ctx->db; safe to call twice. */
void agent_store_close(agent_ctx *ctx);
/* 1 when home holds a finished store (meta has a key id), 0 if not. */
int agent_store_exists(const char *home);

/* One write transaction per command: BEGIN IMMEDIATE ... COMMIT. begin
 * re-reads the clock and serial counter (PROTO_EVALUE if garbled); commit
 * persists them in meta first. cmds.h's agent_tx_begin/agent_tx_commit print. */
proto_result agent_store_begin(agent_ctx *ctx);
proto_result agent_store_commit(agent_ctx *ctx);
void agent_tx_rollback(agent_ctx *ctx);
uint64_t agent_take_serial(agent_ctx *ctx);
uint64_t agent_stamp(agent_ctx *ctx);
/* Start a one-use change-set of this agent (campaign, origin) to build records in. */
proto_result agent_cs_init(agent_ctx *ctx, proto_changeset *cs);
/* Inside the transaction: merge cs into the store and append each of its
 * records to the outbox. */
proto_result agent_store_record(agent_ctx *ctx, proto_changeset *cs);

/* meta value of key into out (truncated to n). found NULL: the key must be
 * there (PROTO_EVALUE if not); else *found says whether it was (out "" if not). */
proto_result agent_meta_get(agent_ctx *ctx, const char *key, char *out, size_t n, int *found);
proto_result agent_meta_set(agent_ctx *ctx, const char *key, const char *value);

typedef struct agent_counts {
	int64_t outbox; /* records not sealed yet */
	int64_t sealed; /* change-sets sealed, waiting for the hub */
	int64_t sealed_records;
	/* what counts (docs/AGENT.md): households not withdrawn, events not voided
	 * and not of a withdrawn household */
	int64_t households, milestones, contributions;
	int64_t withdrawn; /* households withdrawn, out of every count */
} agent_counts;
proto_result agent_store_counts(agent_ctx *ctx, agent_counts *c);

/* Load home/agent.key (once) and check it is the key of this store. */
proto_result agent_store_load_key(agent_ctx *ctx);
/*
 * Re-enrolment (docs/SYNC.md): the new key waits as AGENT_KEY_NEXT in the
 * home until the store names it. agent_store_reseal, in the caller's
 * transaction: every change-set the hub has not acknowledged and every
 * outbox record go to the outbox under new_id's origin (ids, writer, stamps
 * kept: the records are the revoked key's), the old chain moves to
 * sealed_retired, and new_id becomes the store's key id (ctx->key_id).
 * agent_key_promote, after the commit: agent.key is kept as
 * agent.key.revoked-<old_id> and AGENT_KEY_NEXT becomes agent.key.
 */
#define AGENT_KEY_NEXT "agent.key.next"
proto_result agent_store_reseal(agent_ctx *ctx, uint64_t new_id, size_t *nrecords);
proto_result agent_key_promote(agent_ctx *ctx, uint64_t old_id);
/* This laptop's key ids: the store's key first, then the retired ones
 * (meta.retired_key_ids), into ids[0..*n) (PROTO_ELIMIT past max). */
#define AGENT_OWN_KEYS_MAX 32
proto_result agent_own_key_ids(agent_ctx *ctx, uint64_t *ids, size_t max, size_t *n);
/* export: seal the outbox into change-sets (inside the caller's transaction). */
proto_result agent_store_seal(agent_ctx *ctx, size_t *ncs, size_t *nrecords);
/* Every sealed change-set the hub has not acknowledged, as a bundle. */
proto_result agent_store_bundle(agent_ctx *ctx, proto_buf *out, size_t *ncs);

/* check: re-read outbox and sealed, verify they cover the tables exactly. */
typedef struct agent_check_report {
	int integrity_ok;
	int64_t records;    /* records in outbox + sealed */
	int64_t duplicates; /* the same (kind, id, stamp) twice */
	int64_t missing;    /* own rows with no record */
	int64_t bad_chain;  /* sealed change-sets that do not verify or chain */
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
/* The household with this id into out (release it) when *found. */
proto_result agent_hh_get(agent_ctx *ctx, proto_id id, agent_row *out, int *found);
/* Households whose short reference is ref: *n is 0, 1 (its id in out) or 2 (two or more). */
proto_result agent_hh_by_ref(agent_ctx *ctx, const char *ref, proto_id *out, int *n);
/* Another household than self with this national id: *found, and its id in other. */
proto_result agent_hh_by_national_id(agent_ctx *ctx, const char *nid, proto_id self, proto_id *other,
				     int *found);
/* The stamp of one field of a household, 0 if it was never written. */
proto_result agent_hh_field_stamp(agent_ctx *ctx, proto_id id, int field, uint64_t *stamp);
/*
 * The foreach functions call fn for every row, in the order said; fn
 * returns PROTO_OK to go on, anything else stops the walk and is returned.
 * PROTO_EDB when the store cannot be read.
 */
/* Every household in id order. */
proto_result agent_hh_foreach(agent_ctx *ctx, proto_result (*fn)(agent_row *row, void *arg), void *arg);
/* The households keep says 1 of (-1: out of memory, PROTO_ENOMEM), in id
 * order. keep sees a row of the id, ref, name and national id only, valid
 * during the call; fn gets the whole row with its stage. */
proto_result agent_hh_foreach_if(agent_ctx *ctx, int (*keep)(const agent_row *row, void *arg),
				 proto_result (*fn)(agent_row *row, void *arg), void *arg);
/* The stamp of every household's last change (a field of its own, a
 * milestone or a contribution of it), in no order. */
proto_result agent_hh_changed_foreach(agent_ctx *ctx,
				      proto_result (*fn)(proto_id id, uint64_t stamp, void *arg),
				      void *arg);
/* National ids of every household, for import's duplicate check. */
proto_result agent_nid_foreach(agent_ctx *ctx,
			       proto_result (*fn)(const char *nid, proto_id id, void *arg), void *arg);

/*
 * A milestone or contribution as the walks below hand it over. The strings
 * are valid during the callback only. The household columns come from the
 * household the event names, when the store holds it.
 */
typedef struct agent_ms {
	proto_id id;
	int rank;
	char stage[24], date[11];
	const char *note, *forced;
	proto_id household;
	const char *household_ref; /* NULL: the household is not in the store */
	int64_t commune;           /* the household's commune, -1 if unknown */
	const char *withdrawn;     /* the household's withdrawal reason, or NULL */
	int voided;                /* a void names it: it counts no more */
	const char *void_reason;   /* the first void's reason (may be NULL when voided) */
} agent_ms;
typedef struct agent_ct {
	proto_id id;
	const char *source, *donor, *material, *date, *note;
	int64_t money, labour, material_value; /* -1 when absent */
	int has_household;                     /* 0: given to the unit as a whole */
	proto_id household;
	const char *household_ref;
	int64_t unit;    /* admin code of the commune or district */
	int64_t commune; /* where it belongs: the household's commune, else unit */
	const char *withdrawn;
	int voided;
	const char *void_reason;
} agent_ct;

/* Which events a walk visits: every one when zeroed. */
typedef struct agent_event_filter {
	int has_id;
	proto_id id; /* only this event */
	int has_household;
	proto_id household;  /* only the events of this household */
	int live_only;       /* leave out voided events */
	int unit_level_only; /* contributions: only those without a household */
} agent_event_filter;

/* Milestones, oldest date first. */
proto_result agent_ms_walk(agent_ctx *ctx, const agent_event_filter *f,
			   proto_result (*fn)(const agent_ms *m, void *arg), void *arg);
/* Contributions in the order they were recorded. */
proto_result agent_ct_walk(agent_ctx *ctx, const agent_event_filter *f,
			   proto_result (*fn)(const agent_ct *c, void *arg), void *arg);
/* Milestones of a household that are not voided, oldest first. */
proto_result agent_ms_foreach(agent_ctx *ctx, proto_id hh,
			      proto_result (*fn)(const agent_ms *m, void *arg), void *arg);
/*
 * Events of kind (PROTO_KIND_MILESTONE or PROTO_KIND_CONTRIBUTION) whose short
 * reference (agent_ref_make of its id) is ref: *n is 0, 1 (its id in out) or
 * 2 (two or more).
 */
proto_result agent_event_by_ref(agent_ctx *ctx, uint8_t kind, const char *ref, proto_id *out, int *n);

#endif
