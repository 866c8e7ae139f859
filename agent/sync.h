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
	char hub_key_id[17];   /* 16 hex digits */
	char hub_pem[1024];    /* the hub's Ed25519 public key, pinned for pulls */
	char agent_id[17];
	char scope_kind[16];   /* "commune" or "district" */
	int64_t scope_code;
	int64_t cursor;        /* pull cursor: the hub's Maiam-Cursor last merged */
} agent_hub_info;

/* 1 enrolled (info filled), 0 not enrolled, -1 the stored enrolment is damaged. */
int agent_hub_load(agent_ctx *ctx, agent_hub_info *info);
/* One transaction: the enrolment into meta, cursor 0; campaign adopted when
 * none is recorded. AGENT_OK or AGENT_FAIL (printed). */
int agent_hub_save(agent_ctx *ctx, const agent_hub_info *info, const char *campaign);

/* The first sealed change-set not acknowledged with seq > after:
 * 1 (seq, hash, bytes filled), 0 none left, -1 store error. */
int agent_sealed_next(agent_ctx *ctx, uint64_t after, uint64_t *seq, uint8_t hash[32],
		      proto_buf *bytes);
/* The hub holds change-set seq: mark it acknowledged (its own commit). */
proto_result agent_sealed_ack(agent_ctx *ctx, uint64_t seq, const char *when);

/* The hub refused change-set seq as a link of the chain (issue 9): it stays
 * in the store with the hub's code and reason, and is not sent again. */
proto_result agent_sealed_refuse(agent_ctx *ctx, uint64_t seq, const char *when, const char *code,
				 const char *message);
/* Every refused change-set, by seq; cb returning non-zero stops. 0 or -1. */
typedef int (*agent_refused_cb)(void *arg, uint64_t seq, const char *when, const char *code,
				const char *message);
int agent_sealed_refused_each(agent_ctx *ctx, agent_refused_cb cb, void *arg);

/*
 * Merge one verified pull answer and store the new cursor in one transaction,
 * moving the clock past every stamp in it. AGENT_OK, or AGENT_FAIL (printed;
 * nothing merged, cursor unchanged).
 */
int agent_pull_apply(agent_ctx *ctx, const proto_changeset *cs, int64_t cursor,
		     proto_merge_stats *stats);
/* A pull with nothing for us still moves the cursor. */
proto_result agent_cursor_save(agent_ctx *ctx, int64_t cursor);

#endif
