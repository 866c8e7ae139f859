/*
 * cmd_pull.c - one verified pull answer into the store, for sync: the
 * laptop's own checks (pull_check.c), the merge and the new cursor in one
 * transaction, so a sync killed at any moment either has the whole answer
 * and the new cursor or neither (the next pull repeats it). Then the hub's
 * feedback (refused change-sets, duplicate national ids), from a sync or an
 * update file alike. This is the command layer: each failure is said here,
 * and becomes an exit code.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "attention.h"
#include "cmds.h"
#include "refusal.h"
#include "store.h"
#include "sync.h"
#include "utf8.h"

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

/* ---- the hub's feedback ------------------------------------------------- */

/* Bounds of what a feedback item may hold (the hub's are far below). */
#define FEEDBACK_NID_MAX 64
#define FEEDBACK_NAME_MAX 256
#define FEEDBACK_CODE_MAX 32
#define FEEDBACK_MESSAGE_MAX 512

/* A string member of o of 1..max-1 bytes into out, made printable: 0, or
 * -1 when it is not there (and not optional) or not such a string. A
 * missing or null optional member is "". */
static int member_str(json_t *o, const char *name, int optional, char *out, size_t max)
{
	json_t *v = json_object_get(o, name);

	out[0] = '\0';
	if ((!v || json_is_null(v)) && optional)
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= max)
		return -1;
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	agent_utf8_printable(out); /* shown as it is, but not trusted */
	return 0;
}

static int member_int(json_t *o, const char *name, int64_t lo, int64_t hi, int64_t *out)
{
	json_t *v = json_object_get(o, name);

	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return -1;
	*out = (int64_t)json_integer_value(v);
	return 0;
}

/* Every item of list as the hub sends it: PROTO_EVALUE for an item not
 * understood. With write, what it says is written in the transaction the
 * caller holds; without, the items are only checked (nothing is said). */
static proto_result take_duplicates(agent_ctx *ctx, json_t *list, int write)
{
	char household[48], nid[FEEDBACK_NID_MAX], name[FEEDBACK_NAME_MAX];
	proto_result r = write ? agent_duplicates_clear(ctx) : PROTO_OK;
	size_t i;
	json_t *o;

	json_array_foreach(list, i, o)
	{
		agent_duplicate d = { .national_id = nid, .commune_name = name };

		if (r != PROTO_OK)
			break;
		if (!json_is_object(o) || member_str(o, "household", 0, household, sizeof household) ||
		    agent_id_parse(household, &d.id) || member_str(o, "national_id", 0, nid, sizeof nid) ||
		    member_int(o, "commune", 1, 99999, &d.commune) ||
		    member_str(o, "commune_name", 1, name, sizeof name))
			return PROTO_EVALUE;
		if (!name[0])
			d.commune_name = NULL;
		if (write)
			r = agent_duplicate_add(ctx, &d);
	}
	return r;
}

/* Each refused change-set recorded as a push's answer records it (as
 * take_duplicates, with write); *fresh counts those not known refused before
 * (each is said, as a sync says it). */
static proto_result take_refused(agent_ctx *ctx, json_t *list, int write, size_t *fresh)
{
	char code[FEEDBACK_CODE_MAX], msg[FEEDBACK_MESSAGE_MAX], text[640], when[32];
	proto_result r = PROTO_OK;
	int64_t seq;
	size_t i;
	json_t *o;

	agent_now_utc(when);
	json_array_foreach(list, i, o)
	{
		if (!json_is_object(o) || member_int(o, "seq", 1, INT64_MAX, &seq) ||
		    member_str(o, "code", 0, code, sizeof code) ||
		    member_str(o, "message", 0, msg, sizeof msg))
			return PROTO_EVALUE;
		if (!write)
			continue;
		/* only a change-set still waiting for the hub's answer changes */
		r = agent_sealed_refuse(ctx, (uint64_t)seq, when, code, msg);
		if (r != PROTO_OK)
			return r;
		if (sqlite3_changes(ctx->db) > 0) {
			agent_refusal_text(code, msg, text, sizeof text);
			agent_err(_("the hub refused change-set %llu (%s): %s; it is kept and listed by 'maiam-agent status', the next change-sets go on"),
				  (unsigned long long)seq, code, text);
			(*fresh)++;
		}
	}
	return r;
}

int agent_feedback_apply(agent_ctx *ctx, const char *json, size_t len, size_t *refused)
{
	json_t *root = json ? json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
	json_t *dups = json_object_get(root, "duplicates"), *refs = json_object_get(root, "refused");
	proto_result r;
	int rc = AGENT_FAIL;

	*refused = 0;
	/* both lists are there, even empty: a list left out would not say that
	 * what the laptop knows is over */
	if (!json_is_object(root) || !json_is_array(dups) || !json_is_array(refs)) {
		r = PROTO_EVALUE;
		goto said;
	}
	/* every item checked before anything is written or said */
	r = take_duplicates(ctx, dups, 0);
	if (r == PROTO_OK)
		r = take_refused(ctx, refs, 0, refused);
	if (r != PROTO_OK)
		goto said;
	if (agent_tx_begin(ctx) != AGENT_OK)
		goto out;
	r = take_duplicates(ctx, dups, 1);
	if (r == PROTO_OK)
		r = take_refused(ctx, refs, 1, refused);
	if (r != PROTO_OK) {
		agent_tx_rollback(ctx);
		*refused = 0;
		goto said;
	}
	rc = agent_tx_commit(ctx);
	goto out;
said:
	if (r == PROTO_EVALUE)
		agent_err(_(
			"the hub's feedback (refused change-sets, duplicate national ids) is not understood; nothing of it was kept: ask the operator which maiam-agent version the hub needs"));
	else
		agent_err(_("cannot record the hub's feedback (refused change-sets, duplicate national ids): %s; run 'maiam-agent sync' or the import again"),
			  agent_store_cause(ctx, r));
out:
	json_decref(root);
	return rc;
}
