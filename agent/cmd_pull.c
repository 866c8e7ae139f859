/*
 * cmd_pull.c - one verified pull answer into the store, for sync: the
 * laptop's own checks (pull_check.c), the merge and the new cursor in one
 * transaction, so a sync killed at any moment either has the whole answer
 * and the new cursor or neither (the next pull repeats it). This is the
 * command layer: each failure is said here, and becomes an exit code.
 */
#include <stdlib.h>
#include <string.h>
#include "cmds.h"
#include "store.h"
#include "sync.h"

/* The laptop's own checks of a pull answer, inside the merge transaction:
 * 0 passed and merged, AGENT_HUB_REFUSED or AGENT_FAIL (printed). */
static int pull_checked_merge(agent_ctx *ctx, const agent_area *area, const proto_changeset *cs,
			      agent_pull_pending *pending, proto_merge_stats *stats)
{
	char why[256];
	uint64_t own[AGENT_OWN_KEYS_MAX];
	size_t nown;
	uint8_t *before = NULL;
	proto_result r;
	int refused = 0, rc = AGENT_FAIL;

	r = agent_own_key_ids(ctx, own, AGENT_OWN_KEYS_MAX, &nown);
	if (r == PROTO_OK)
		r = agent_pull_check_own(own, nown, cs, &refused, why, sizeof why);
	if (r == PROTO_OK && !refused) {
		before = proto_malloc(cs->nrecords ? cs->nrecords : 1);
		r = before ? agent_pull_area_mark(ctx->db, area, cs, before) : PROTO_ENOMEM;
		if (r == PROTO_OK) {
			r = proto_merge(ctx->db, cs, stats);
			if (r != PROTO_OK) {
				agent_err_proto(_("cannot merge the hub's updates"), r,
						_("nothing was changed; run 'maiam-agent sync' again"));
				goto out;
			}
			r = agent_pull_area_check(ctx->db, area, cs, before, pending, &refused, why,
						  sizeof why);
		}
	}
	if (r != PROTO_OK) {
		agent_err(_("cannot check the hub's updates against the store: %s; run 'maiam-agent sync' again"),
			  agent_store_cause(ctx, r));
		goto out;
	}
	if (refused) {
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

int agent_pull_apply(agent_ctx *ctx, const agent_area *area, const proto_changeset *cs, int64_t cursor,
		     agent_pull_pending *pending, proto_merge_stats *stats)
{
	uint64_t wall = proto_wall_ms();
	proto_merge_stats got;
	proto_result r;
	size_t npending;
	int rc;

	r = agent_store_begin(ctx);
	if (r != PROTO_OK) {
		agent_err(_("cannot write to the store: %s; is another maiam-agent running?"),
			  sqlite3_errmsg(ctx->db));
		return AGENT_FAIL;
	}
	/* Observe first: a stamp from a day ahead means this laptop's date is
	 * wrong, and merging before knowing that would mix clocks. */
	for (size_t i = 0; i < cs->nrecords; i++) {
		r = proto_hlc_observe(&ctx->hlc, cs->records[i].stamp, wall);
		if (r != PROTO_OK) {
			agent_tx_rollback(ctx);
			agent_err(_(
				"the hub's updates are stamped more than a day after this laptop's clock; set the laptop's date and time, then run 'maiam-agent sync' again"));
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
	r = agent_store_commit(ctx);
	if (r != PROTO_OK) {
		agent_err(_("cannot save to the store: %s; nothing was recorded, try again"),
			  sqlite3_errmsg(ctx->db));
		rc = AGENT_FAIL;
		goto fail;
	}
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
