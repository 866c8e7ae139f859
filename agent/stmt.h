/*
 * stmt.h - every statement the agent's store prepares, by name. One enum for
 * all the store files; its SQL is in one table (store_stmt.c), so a reader
 * finds every query in one place and no two files can claim the same slot.
 */
#ifndef MAIAM_AGENT_STMT_H
#define MAIAM_AGENT_STMT_H

typedef enum agent_stmt_id {
	/* meta, outbox and sealed: the agent's own tables (store.c, store_seal.c) */
	AGENT_STMT_META_GET,
	AGENT_STMT_META_SET,
	AGENT_STMT_OUTBOX_PUT,
	AGENT_STMT_OUTBOX_BATCH,
	AGENT_STMT_OUTBOX_DEL,
	AGENT_STMT_SEALED_LAST,
	AGENT_STMT_SEALED_PUT,
	AGENT_STMT_SEALED_UNACKED,
	/* enrol and sync (store_sync.c) */
	AGENT_STMT_SEALED_NEXT,
	AGENT_STMT_SEALED_ACK,
	AGENT_STMT_SEALED_REFUSE,
	AGENT_STMT_SEALED_REFUSED,
	/* reads of the shared tables (store_query.c) */
	AGENT_STMT_HH_GET,
	AGENT_STMT_HH_ALL,
	AGENT_STMT_HH_BY_REF,
	AGENT_STMT_HH_BY_NID,
	AGENT_STMT_HH_NIDS,
	AGENT_STMT_HH_STAMP,
	AGENT_STMT_HH_TOP_STAGE,
	AGENT_STMT_HH_CHANGED,
	/* events, voided or not, and their households (store_event.c) */
	AGENT_STMT_MS_WALK,
	AGENT_STMT_CT_WALK,
	AGENT_STMT_MS_BY_SERIAL,
	AGENT_STMT_CT_BY_SERIAL,

	AGENT_STMT_COUNT
} agent_stmt_id;

#endif
