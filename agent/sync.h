/*
 * sync.h - what enroll and sync keep in the agent's store (store_sync.c):
 * the hub's address and pinned key, this laptop's scope, the pull cursor,
 * and the acknowledgement of sealed change-sets. The SQL stays in store*.c.
 */
#ifndef MAIAM_AGENT_SYNC_H
#define MAIAM_AGENT_SYNC_H
#include "agent.h"

typedef struct agent_hub_info {
	char url[512];
	char hub_key_id[17]; /* 16 hex digits */
	char hub_pem[1024];  /* the hub's Ed25519 public key, pinned for pulls */
	char agent_id[17];
	char scope_kind[16]; /* "commune" or "district" */
	int64_t scope_code;
	int64_t cursor; /* pull cursor: the hub's Maiam-Cursor last merged */
	char epoch[17]; /* the hub's ledger epoch the cursor is of ("" before the hub named one) */
} agent_hub_info;

/* The enrolment into info when *enrolled; PROTO_EVALUE when it is damaged. */
proto_result agent_hub_load(agent_ctx *ctx, agent_hub_info *info, int *enrolled);
/* One transaction: the enrolment into meta, cursor 0; campaign adopted when
 * none is recorded. */
proto_result agent_hub_save(agent_ctx *ctx, const agent_hub_info *info, const char *campaign);
/* Re-enrolment: one transaction of agent_store_reseal (store.h) to new_id
 * and the new enrolment, the pull cursor kept; ctx->key_id is new_id after. */
proto_result agent_hub_save_successor(agent_ctx *ctx, const agent_hub_info *info, const char *campaign,
				      uint64_t new_id, size_t *nrecords);

/* The first sealed change-set not acknowledged with seq > after: *found,
 * with seq, hash and bytes filled; *found 0 when none is left. */
proto_result agent_sealed_next(agent_ctx *ctx, uint64_t after, uint64_t *seq, uint8_t hash[32],
			       proto_buf *bytes, int *found);
/* The hub holds change-set seq: mark it acknowledged (its own commit). */
proto_result agent_sealed_ack(agent_ctx *ctx, uint64_t seq, const char *when);
/* The hub lacks change-sets from..below-1 it once acknowledged (a hub
 * restored from a backup older than them): mark them not acknowledged, so
 * they are sent again (their own commit); *reopened: how many. */
proto_result agent_sealed_reopen(agent_ctx *ctx, uint64_t from, uint64_t below, int *reopened);

/* Exit code of sync when the hub sent what this laptop refuses (a record in
 * its own name or outside its area, a cursor that moved back): not a network
 * problem to retry (3), not a refusal of ours (4): it failed (1), and the
 * message says the operator must look at the hub. DESIGN.md fixes the exit
 * codes at 0-4, so this is AGENT_FAIL under a name that says why. */
#define AGENT_HUB_REFUSED AGENT_FAIL

/* The laptop's area, from its enrolment scope (pull_check.c). */
typedef struct agent_area {
	int district; /* 1: code is a district, 0: a commune */
	int64_t code;
	proto_units units; /* district: which communes it holds */
	int have_units;
} agent_area;

/* The area of scope kind ("commune", "district") and code: PROTO_EVALUE for
 * another kind; a district needs the admin units file (PROTO_EIO and others
 * of proto_units_load when it cannot be read). */
proto_result agent_area_load(agent_area *a, const char *kind, int64_t code);
void agent_area_release(agent_area *a);
/* Is commune one of the area's? */
int agent_area_has(const agent_area *a, int64_t commune);

/* Households taken on trust from a pull answer that said "more" (below). */
typedef struct agent_pull_pending {
	proto_id *a;
	size_t n, cap;
} agent_pull_pending;
/* Beyond this many, an answer with more households elsewhere is refused. */
#define AGENT_PULL_PENDING_MAX 65536u
void agent_pull_pending_release(agent_pull_pending *p);

/* The hub refused change-set seq as a link of the chain: it stays
 * in the store with the hub's code and reason, and is not sent again. */
proto_result agent_sealed_refuse(agent_ctx *ctx, uint64_t seq, const char *when, const char *code,
				 const char *message);
/* Every refused change-set, oldest first: those of the keys retired by a
 * re-enrolment (origin: the retired key's id, its chain in sealed_retired),
 * then the current key's (origin 0); cb returning other than PROTO_OK stops
 * the walk, and that is returned. */
typedef proto_result (*agent_refused_cb)(void *arg, uint64_t origin, uint64_t seq, const char *when,
					 const char *code, const char *message);
proto_result agent_sealed_refused_each(agent_ctx *ctx, agent_refused_cb cb, void *arg);

/*
 * The checks of one verified pull answer (pull_check.c). Each returns
 * PROTO_OK with *refused 0 when the answer passes, or 1 when it is refused
 * (why says which record and why); anything else is a store error
 * (PROTO_EDB: sqlite3_errmsg) or PROTO_ENOMEM. check_own: a record whose
 * writer is one of this laptop's keys (own[0..nown): agent_own_key_ids,
 * the retired ones too). area_mark, before the merge, notes
 * where each record's anchor (household, unit, voided event) is in the
 * store (before[] has one byte per record); area_check, after the merge in
 * the same transaction, refuses a record whose anchor is in the area neither
 * before nor after. One exception: when pending is not NULL (the answer said
 * "more"), a household the laptop did not hold that is elsewhere after the
 * merge is noted in pending instead, because a household that moved into
 * the area comes with its history first and the record that moves it may be
 * in the next answer; pending_check, at the end of the pull, refuses any of
 * them still outside the area.
 */
proto_result agent_pull_check_own(const uint64_t *own, size_t nown, const proto_changeset *cs,
				  int *refused, char *why, size_t n);
proto_result agent_pull_area_mark(sqlite3 *db, const agent_area *a, const proto_changeset *cs,
				  uint8_t *before);
proto_result agent_pull_area_check(sqlite3 *db, const agent_area *a, const proto_changeset *cs,
				   const uint8_t *before, agent_pull_pending *pending, int *refused,
				   char *why, size_t n);
proto_result agent_pull_pending_check(sqlite3 *db, const agent_area *a, const agent_pull_pending *pending,
				      int *refused, char *why, size_t n);

/*
 * cmd_pull.c, the command layer: check (above) and merge one verified pull answer and store the new cursor
 * in one transaction, moving the clock past every stamp in it. AGENT_OK,
 * AGENT_HUB_REFUSED (printed: a record is not this laptop's to take), or
 * AGENT_FAIL (printed); on either failure nothing is merged and the cursor
 * is unchanged.
 */
int agent_pull_apply(agent_ctx *ctx, const agent_area *area, const proto_changeset *cs, int64_t cursor,
		     agent_pull_pending *pending, proto_merge_stats *stats);
/*
 * cmd_pull.c: the hub's feedback (docs/PROTOCOL.md, "GET /v1/feedback"),
 * len bytes of JSON from a sync or an update file, in one transaction: the
 * list of duplicate national ids replaced by the hub's, and each refused
 * change-set recorded as a push's answer records it (agent_sealed_refuse;
 * one the hub had already acknowledged stays as it is), each newly refused
 * one said on stderr and counted in *refused. AGENT_OK, or AGENT_FAIL
 * (printed; nothing of it kept).
 */
int agent_feedback_apply(agent_ctx *ctx, const char *json, size_t len, size_t *refused);
/* A pull with nothing for us still moves the cursor. */
proto_result agent_cursor_save(agent_ctx *ctx, int64_t cursor);
/* The hub's ledger epoch the cursor is now of (meta "hub_epoch"); saved
 * only after the cursor of that epoch is (docs/SYNC.md: a crash between
 * costs a pull again, never a skipped update). */
proto_result agent_epoch_save(agent_ctx *ctx, const char *epoch);
/* The highest seq the hub acknowledged (or refused as a link): *seq, 0 for none. */
proto_result agent_sealed_acked_max(agent_ctx *ctx, uint64_t *seq);

#endif
