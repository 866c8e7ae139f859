/*
 * store_sync.c - the store side of enroll and sync: enrolment facts in meta,
 * acknowledgement of sealed change-sets, and the merge of a pull answer with
 * its cursor in one transaction, so a sync killed at any moment either has
 * the whole answer and the new cursor or neither (the next pull repeats it).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "store.h"
#include "sync.h"

int agent_hub_load(agent_ctx *ctx, agent_hub_info *info)
{
	char buf[32];

	memset(info, 0, sizeof *info);
	if (agent_meta_get(ctx, "hub_url", info->url, sizeof info->url) != 0)
		return 0;
	if (agent_meta_get(ctx, "hub_key_id", info->hub_key_id, sizeof info->hub_key_id) != 0 ||
	    agent_meta_get(ctx, "hub_public_key", info->hub_pem, sizeof info->hub_pem) != 0 ||
	    agent_meta_get(ctx, "agent_id", info->agent_id, sizeof info->agent_id) != 0 ||
	    agent_meta_get(ctx, "scope_kind", info->scope_kind, sizeof info->scope_kind) != 0 ||
	    agent_meta_get(ctx, "scope_code", buf, sizeof buf) != 0 ||
	    cli_parse_int(buf, 1, 99999, &info->scope_code) != 0 ||
	    agent_meta_get(ctx, "pull_cursor", buf, sizeof buf) != 0 ||
	    cli_parse_int(buf, 0, INT64_MAX, &info->cursor) != 0)
		return -1;
	return 1;
}

int agent_hub_save(agent_ctx *ctx, const agent_hub_info *info, const char *campaign)
{
	char code[32];
	proto_result r = PROTO_OK;

	if (agent_tx_begin(ctx) != AGENT_OK)
		return AGENT_FAIL;
	snprintf(code, sizeof code, "%" PRId64, info->scope_code);
	if (!r) r = agent_meta_set(ctx, "hub_url", info->url);
	if (!r) r = agent_meta_set(ctx, "hub_key_id", info->hub_key_id);
	if (!r) r = agent_meta_set(ctx, "hub_public_key", info->hub_pem);
	if (!r) r = agent_meta_set(ctx, "agent_id", info->agent_id);
	if (!r) r = agent_meta_set(ctx, "scope_kind", info->scope_kind);
	if (!r) r = agent_meta_set(ctx, "scope_code", code);
	if (!r) r = agent_meta_set(ctx, "pull_cursor", "0");
	if (!r && !ctx->campaign[0]) {
		r = agent_meta_set(ctx, "campaign", campaign);
		snprintf(ctx->campaign, sizeof ctx->campaign, "%s", campaign);
	}
	if (r != PROTO_OK) {
		agent_err(_("cannot save the enrolment: %s; run 'maiam-agent enroll' again with a new token"),
			  sqlite3_errmsg(ctx->db));
		agent_tx_rollback(ctx);
		return AGENT_FAIL;
	}
	return agent_tx_commit(ctx);
}

int agent_sealed_next(agent_ctx *ctx, uint64_t after, uint64_t *seq, uint8_t hash[32],
		      proto_buf *bytes)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	if (sqlite3_prepare_v2(ctx->db, "SELECT seq, hash, bytes FROM sealed"
				       " WHERE acked_at IS NULL AND seq > ? ORDER BY seq LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, proto_u2i(after));
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 0;
		goto out;
	}
	if (step != SQLITE_ROW || sqlite3_column_bytes(st, 1) != 32)
		goto out;
	*seq = proto_i2u(sqlite3_column_int64(st, 0));
	memcpy(hash, sqlite3_column_blob(st, 1), 32);
	proto_buf_reset(bytes);
	if (proto_buf_append(bytes, sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2)) !=
	    PROTO_OK)
		goto out;
	rc = 1;
out:
	sqlite3_finalize(st);
	return rc;
}

proto_result agent_sealed_ack(agent_ctx *ctx, uint64_t seq, const char *when)
{
	sqlite3_stmt *st = NULL;
	proto_result r = PROTO_EDB;

	if (sqlite3_prepare_v2(ctx->db, "UPDATE sealed SET acked_at = ? WHERE seq = ? AND acked_at IS NULL",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, when, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, proto_u2i(seq));
	if (sqlite3_step(st) == SQLITE_DONE)
		r = PROTO_OK;
out:
	sqlite3_finalize(st);
	return r;
}

proto_result agent_sealed_refuse(agent_ctx *ctx, uint64_t seq, const char *when, const char *code,
				 const char *message)
{
	sqlite3_stmt *st = NULL;
	proto_result r = PROTO_EDB;

	if (sqlite3_prepare_v2(ctx->db, "UPDATE sealed SET acked_at = ?, refused_code = ?,"
				       " refused_message = ? WHERE seq = ? AND acked_at IS NULL",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, when, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, message, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, proto_u2i(seq));
	if (sqlite3_step(st) == SQLITE_DONE)
		r = PROTO_OK;
out:
	sqlite3_finalize(st);
	return r;
}

int agent_sealed_refused_each(agent_ctx *ctx, agent_refused_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	if (sqlite3_prepare_v2(ctx->db, "SELECT seq, acked_at, refused_code, refused_message FROM sealed"
				       " WHERE refused_code IS NOT NULL ORDER BY seq", -1, &st, NULL) !=
	    SQLITE_OK)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (cb(arg, proto_i2u(sqlite3_column_int64(st, 0)),
		       (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2),
		       (const char *)sqlite3_column_text(st, 3)))
			break;
	if (step == SQLITE_DONE || step == SQLITE_ROW)
		rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

proto_result agent_cursor_save(agent_ctx *ctx, int64_t cursor)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRId64, cursor);
	return agent_meta_set(ctx, "pull_cursor", buf);
}

/* The laptop's own checks of a pull answer, inside the merge transaction:
 * 0 passed and merged, AGENT_HUB_REFUSED or AGENT_FAIL (printed). */
static int pull_checked_merge(agent_ctx *ctx, const agent_area *area, const proto_changeset *cs,
			      agent_pull_pending *pending, proto_merge_stats *stats)
{
	char why[256];
	uint8_t *before = NULL;
	proto_result r;
	int k, rc = AGENT_FAIL;

	k = agent_pull_check_own(ctx->key_id, cs, why, sizeof why);
	if (k == 0) {
		before = proto_malloc(cs->nrecords ? cs->nrecords : 1);
		k = before ? agent_pull_area_mark(ctx->db, area, cs, before) : -1;
	}
	if (k == 0) {
		r = proto_merge(ctx->db, cs, stats);
		if (r != PROTO_OK) {
			agent_err_proto(_("cannot merge the hub's updates"), r,
					_("nothing was changed; run 'maiam-agent sync' again"));
			goto out;
		}
		k = agent_pull_area_check(ctx->db, area, cs, before, pending, why, sizeof why);
	}
	if (k < 0) {
		agent_err(_("cannot check the hub's updates against the store: %s; run 'maiam-agent sync' again"),
			  sqlite3_errmsg(ctx->db));
		goto out;
	}
	if (k > 0) {
		agent_err(_("the hub sent updates this laptop refuses: %s; nothing was merged: ask the operator to check the hub"),
			  why);
		rc = AGENT_HUB_REFUSED;
		goto out;
	}
	rc = AGENT_OK;
out:
	free(before);
	return rc;
}

int agent_pull_apply(agent_ctx *ctx, const agent_area *area, const proto_changeset *cs,
		     int64_t cursor, agent_pull_pending *pending, proto_merge_stats *stats)
{
	uint64_t wall = proto_wall_ms();
	proto_merge_stats got;
	proto_result r;
	size_t npending;
	int rc;

	if (agent_tx_begin(ctx) != AGENT_OK)
		return AGENT_FAIL;
	/* Observe first: a stamp from a day ahead means this laptop's date is
	 * wrong, and merging before knowing that would mix clocks. */
	for (size_t i = 0; i < cs->nrecords; i++) {
		r = proto_hlc_observe(&ctx->hlc, cs->records[i].stamp, wall);
		if (r != PROTO_OK) {
			agent_tx_rollback(ctx);
			agent_err(_("the hub's updates are stamped more than a day after this laptop's clock; set the laptop's date and time, then run 'maiam-agent sync' again"));
			return AGENT_FAIL;
		}
	}
	ctx->meta_dirty = 1;
	/* stats count only what is committed */
	memset(&got, 0, sizeof got);
	npending = pending ? pending->n : 0;
	rc = pull_checked_merge(ctx, area, cs, pending, &got);
	if (rc != AGENT_OK)
		goto fail;
	r = agent_cursor_save(ctx, cursor);
	if (r != PROTO_OK) {
		agent_err_proto(_("cannot save the pull cursor"), r,
				_("nothing was changed; run 'maiam-agent sync' again"));
		rc = AGENT_FAIL;
		goto fail;
	}
	rc = agent_tx_commit(ctx);
	if (rc != AGENT_OK)
		goto fail;
	stats->applied += got.applied;
	stats->conflicts += got.conflicts;
	return AGENT_OK;
fail:
	agent_tx_rollback(ctx);
	/* what was noted of an answer not merged is not pending */
	if (pending)
		pending->n = npending;
	return rc;
}
