/*
 * store_sync.c - the store side of enroll and sync: enrolment facts in meta,
 * acknowledgement of sealed change-sets, the refused ones, and the pull
 * cursor (which cmd_pull.c saves in the transaction that merges the answer).
 * A re-enrolled laptop's enrolment and its re-sealed records are one
 * transaction (agent_hub_save_successor).
 */
#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"
#include "sync.h"

proto_result agent_hub_load(agent_ctx *ctx, agent_hub_info *info, int *enrolled)
{
	char buf[32];
	proto_result r;
	int found;

	memset(info, 0, sizeof *info);
	r = agent_meta_get(ctx, "hub_url", info->url, sizeof info->url, enrolled);
	if (r != PROTO_OK || !*enrolled)
		return r;
	/* enrolment writes all of these in one transaction (agent_hub_save) */
	if (!r)
		r = agent_meta_get(ctx, "hub_key_id", info->hub_key_id, sizeof info->hub_key_id, NULL);
	if (!r)
		r = agent_meta_get(ctx, "hub_public_key", info->hub_pem, sizeof info->hub_pem, NULL);
	if (!r)
		r = agent_meta_get(ctx, "agent_id", info->agent_id, sizeof info->agent_id, NULL);
	if (!r)
		r = agent_meta_get(ctx, "scope_kind", info->scope_kind, sizeof info->scope_kind, NULL);
	if (!r)
		r = agent_meta_get(ctx, "scope_code", buf, sizeof buf, NULL);
	if (!r && cli_parse_int(buf, 1, 99999, &info->scope_code) != 0)
		r = PROTO_EVALUE;
	if (!r)
		r = agent_meta_get(ctx, "pull_cursor", buf, sizeof buf, NULL);
	if (!r && cli_parse_int(buf, 0, INT64_MAX, &info->cursor) != 0)
		r = PROTO_EVALUE;
	/* absent until a hub named its epoch (and in older stores) */
	if (!r)
		r = agent_meta_get(ctx, "hub_epoch", info->epoch, sizeof info->epoch, &found);
	return r;
}

/* The enrolment into meta, in the caller's transaction; the pull cursor
 * to 0 unless keep_cursor (a successor reads on where the revoked key
 * stopped: the hub's ledger is the same). */
static proto_result hub_write(agent_ctx *ctx, const agent_hub_info *info, const char *campaign,
			      int keep_cursor)
{
	char code[32];
	proto_result r = PROTO_OK;

	snprintf(code, sizeof code, "%" PRId64, info->scope_code);
	if (!r)
		r = agent_meta_set(ctx, "hub_url", info->url);
	if (!r)
		r = agent_meta_set(ctx, "hub_key_id", info->hub_key_id);
	if (!r)
		r = agent_meta_set(ctx, "hub_public_key", info->hub_pem);
	if (!r)
		r = agent_meta_set(ctx, "agent_id", info->agent_id);
	if (!r)
		r = agent_meta_set(ctx, "scope_kind", info->scope_kind);
	if (!r)
		r = agent_meta_set(ctx, "scope_code", code);
	if (!r && !keep_cursor)
		r = agent_meta_set(ctx, "pull_cursor", "0");
	if (!r && !ctx->campaign[0]) {
		r = agent_meta_set(ctx, "campaign", campaign);
		snprintf(ctx->campaign, sizeof ctx->campaign, "%s", campaign);
	}
	return r;
}

proto_result agent_hub_save(agent_ctx *ctx, const agent_hub_info *info, const char *campaign)
{
	proto_result r = agent_store_begin(ctx);

	if (!r)
		r = hub_write(ctx, info, campaign, 0);
	if (!r)
		r = agent_store_commit(ctx);
	if (r != PROTO_OK)
		agent_tx_rollback(ctx);
	return r;
}

proto_result agent_hub_save_successor(agent_ctx *ctx, const agent_hub_info *info, const char *campaign,
				      uint64_t new_id, size_t *nrecords)
{
	uint64_t old = ctx->key_id;
	proto_result r = agent_store_begin(ctx);

	if (!r)
		r = agent_store_reseal(ctx, new_id, nrecords);
	if (!r)
		r = hub_write(ctx, info, campaign, 1);
	if (!r)
		r = agent_store_commit(ctx);
	if (r != PROTO_OK) {
		agent_tx_rollback(ctx);
		ctx->key_id = old;
	}
	return r;
}

proto_result agent_sealed_next(agent_ctx *ctx, uint64_t after, uint64_t *seq, uint8_t hash[32],
			       proto_buf *bytes, int *found)
{
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_SEALED_NEXT);
	proto_result r;
	int rc;

	*found = 0;
	if (!st)
		return PROTO_EDB;
	sqlite3_bind_int64(st, 1, proto_u2i(after));
	rc = sqlite3_step(st);
	r = agent_step_result(rc);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 1) != 32)
		r = PROTO_EHASH; /* not a hash this agent stored */
	if (rc == SQLITE_ROW && r == PROTO_OK) {
		*seq = proto_i2u(sqlite3_column_int64(st, 0));
		memcpy(hash, sqlite3_column_blob(st, 1), 32);
		proto_buf_reset(bytes);
		r = proto_buf_append(bytes, sqlite3_column_blob(st, 2),
				     (size_t)sqlite3_column_bytes(st, 2));
		*found = r == PROTO_OK;
	}
	sqlite3_reset(st);
	return r;
}

/* Close sealed change-set seq with when (and the hub's refusal, when code is not NULL). */
static proto_result sealed_close(agent_ctx *ctx, uint64_t seq, const char *when, const char *code,
				 const char *message)
{
	sqlite3_stmt *st = agent_stmt(ctx, code ? AGENT_STMT_SEALED_REFUSE : AGENT_STMT_SEALED_ACK);
	int n = 1, rc;

	if (!st)
		return PROTO_EDB;
	sqlite3_bind_text(st, n++, when, -1, SQLITE_STATIC);
	if (code) {
		sqlite3_bind_text(st, n++, code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, n++, message, -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(st, n, proto_u2i(seq));
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PROTO_OK : PROTO_EDB;
}

proto_result agent_sealed_ack(agent_ctx *ctx, uint64_t seq, const char *when)
{
	return sealed_close(ctx, seq, when, NULL, NULL);
}

proto_result agent_sealed_reopen(agent_ctx *ctx, uint64_t from, uint64_t below, int *reopened)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*reopened = 0;
	if (sqlite3_prepare_v2(ctx->db,
			       "UPDATE sealed SET acked_at = NULL, refused_code = NULL, refused_message = NULL"
			       " WHERE seq >= ?1 AND seq < ?2 AND acked_at IS NOT NULL",
			       -1, &st, NULL) != SQLITE_OK)
		return PROTO_EDB;
	sqlite3_bind_int64(st, 1, proto_u2i(from));
	sqlite3_bind_int64(st, 2, proto_u2i(below));
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		*reopened = sqlite3_changes(ctx->db);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? PROTO_OK : PROTO_EDB;
}

proto_result agent_sealed_refuse(agent_ctx *ctx, uint64_t seq, const char *when, const char *code,
				 const char *message)
{
	assert(code && message);
	return sealed_close(ctx, seq, when, code, message);
}

proto_result agent_sealed_refused_each(agent_ctx *ctx, agent_refused_cb cb, void *arg)
{
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_SEALED_REFUSED);
	proto_result r = PROTO_OK;
	int rc = SQLITE_DONE;

	if (!st)
		return PROTO_EDB;
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		r = cb(arg, proto_i2u(sqlite3_column_int64(st, 0)),
		       proto_i2u(sqlite3_column_int64(st, 1)), (const char *)sqlite3_column_text(st, 2),
		       (const char *)sqlite3_column_text(st, 3), (const char *)sqlite3_column_text(st, 4));
	return agent_walk_done(st, r, rc);
}

proto_result agent_cursor_save(agent_ctx *ctx, int64_t cursor)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRId64, cursor);
	return agent_meta_set(ctx, "pull_cursor", buf);
}

proto_result agent_epoch_save(agent_ctx *ctx, const char *epoch)
{
	return agent_meta_set(ctx, "hub_epoch", epoch);
}

proto_result agent_sealed_acked_max(agent_ctx *ctx, uint64_t *seq)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*seq = 0;
	if (sqlite3_prepare_v2(ctx->db,
			       "SELECT coalesce(max(seq), 0) FROM sealed WHERE acked_at IS NOT NULL", -1,
			       &st, NULL) != SQLITE_OK)
		return PROTO_EDB;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*seq = proto_i2u(sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? PROTO_OK : PROTO_EDB;
}
