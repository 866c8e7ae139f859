/*
 * ingest.c - the one path by which a sealed change-set enters the hub, shared
 * by HTTPS push and USB import so both make exactly the same checks. Nothing
 * is written before every check has passed; then the merge and the ledger row
 * go in one transaction. Every rejection is kept with its reason. A change-set
 * refused on its content after its signature and chain place were verified
 * is a refused link (docs/HUB.md): it holds that place, so the laptop goes on.
 * The checks that write nothing: ingest_open.c; scope and ids: ingest_scope.c;
 * quotas: ingest_limits.c; area index: ingest_area.c.
 * The merge also keeps the report tables current through their triggers,
 * made with every other table when the hub opened its database (schema.c,
 * schema_report.c).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ctx.h"
#include "store.h"
#include "ingest.h"
#include "ingest_int.h"
#include "photo_near.h"
#include "schema.h"
#include "i18n.h"

#define reject hub_verdict_reject

/* Refuse stamps from a laptop whose clock is far ahead: they would win every
 * later edit and drag the hub clock forward (HUB_REFUSED). *max_stamp gets
 * the largest stamp. */
static hub_result check_clock(const proto_changeset *cs, uint64_t *max_stamp)
{
	uint64_t wall = proto_wall_ms(), m = cs->hdr.created;
	proto_hlc probe;
	size_t i;

	for (i = 0; i < cs->nrecords; i++)
		if (cs->records[i].stamp > m)
			m = cs->records[i].stamp;
	proto_hlc_init(&probe, 0);
	*max_stamp = m;
	return proto_hlc_observe(&probe, m, wall) == PROTO_OK ? HUB_OK : HUB_REFUSED;
}

/* Move the hub clock past 'stamp' inside the current transaction. */
static hub_result observe_stamp(sqlite3 *db, uint64_t stamp)
{
	uint64_t last;
	proto_hlc c;
	hub_result rc = hub_meta_get_u64(db, "hlc_last", &last);

	if (rc != HUB_OK)
		return rc;
	proto_hlc_init(&c, last);
	if (proto_hlc_observe(&c, stamp, proto_wall_ms()) != PROTO_OK)
		return HUB_REFUSED; /* check_clock let through a stamp it should not have */
	return c.last == last ? HUB_OK : hub_meta_set_u64(db, "hlc_last", c.last);
}

/* Inside the caller's transaction: merge cs, bring the report tables up to
 * date, ledger its sealed bytes, index the row's area, move the hub clock and
 * (an agent's) count its daily quota.
 * *mr: the merge's own result (PROTO_EVALUE: a value the store refuses). */
static hub_result merge_and_ledger(hub_ctx *ctx, const proto_changeset *cs, const uint8_t *data,
				   size_t len, const uint8_t hash[32], uint64_t max_stamp,
				   const char *day, proto_merge_stats *stats, hub_commune_memo *memo,
				   proto_result *mr, char *err, size_t errlen)
{
	int64_t *old = NULL;
	proto_result r;
	hub_result rc;

	*mr = PROTO_OK;
	rc = hub_ingest_communes_before(ctx, cs, memo, &old);
	if (rc != HUB_OK) {
		snprintf(err, errlen, "cannot read the communes before the merge: %s", hub_strerror(rc));
		goto out;
	}
	r = ctx->merger ? proto_merger_apply(ctx->merger, cs, stats) : proto_merge(ctx->db, cs, stats);
	if (r != PROTO_OK) {
		*mr = r;
		snprintf(err, errlen, "merge failed: %s", proto_strerror(r));
		rc = r == PROTO_ENOMEM ? HUB_ENOMEM : r == PROTO_EVALUE ? HUB_REFUSED : HUB_EDB;
		goto out;
	}
	/* the report tables catch up once a change-set, not once a record */
	rc = hub_report_flush(ctx->db, cs, err, errlen);
	if (rc != HUB_OK)
		goto out;
	if (hub_ledger_insert(ctx->db, cs->hdr.origin, cs->hdr.seq, hash, data, len,
			      (int64_t)(proto_wall_ms() / 1000)) ||
	    hub_ingest_index_area(ctx, cs, old, hub_ledger_last_id(ctx->db), memo) ||
	    observe_stamp(ctx->db, max_stamp) || hub_photo_records_noted(ctx->db, cs) ||
	    (day && hub_quota_add(ctx->db, cs->hdr.origin, day, (int64_t)cs->nrecords, (int64_t)len))) {
		snprintf(err, errlen, "ledger write failed: %s", sqlite3_errmsg(ctx->db));
		rc = HUB_EDB;
		goto out;
	}
	rc = HUB_OK;
out:
	free(old);
	return rc;
}

/* Its own transaction, or (batched: the writer's group commit holds one) its
 * own savepoint, so that a failing step is undone alone. */
static hub_result step_begin(hub_ctx *ctx, int batched)
{
	return sqlite3_exec(ctx->db, batched ? "SAVEPOINT hub_ingest" : "BEGIN IMMEDIATE", NULL, NULL,
			    NULL) == SQLITE_OK
		       ? HUB_OK
		       : HUB_EDB;
}

static hub_result step_commit(hub_ctx *ctx, int batched)
{
	return sqlite3_exec(ctx->db, batched ? "RELEASE hub_ingest" : "COMMIT", NULL, NULL, NULL) ==
			       SQLITE_OK
		       ? HUB_OK
		       : HUB_EDB;
}

static void step_rollback(hub_ctx *ctx, int batched)
{
	if (batched)
		sqlite3_exec(ctx->db, "ROLLBACK TO hub_ingest; RELEASE hub_ingest", NULL, NULL, NULL);
	else
		sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
}

static hub_result commit_merge(hub_ctx *ctx, const proto_changeset *cs, const uint8_t *data, size_t len,
			       const uint8_t hash[32], uint64_t max_stamp, const char *day,
			       proto_merge_stats *stats, int batched, hub_commune_memo *memo,
			       proto_result *mr, char *err, size_t errlen)
{
	hub_result rc;

	*mr = PROTO_OK;
	rc = step_begin(ctx, batched);
	if (rc != HUB_OK) {
		snprintf(err, errlen, "database busy: %s", sqlite3_errmsg(ctx->db));
		return rc;
	}
	rc = merge_and_ledger(ctx, cs, data, len, hash, max_stamp, day, stats, memo, mr, err, errlen);
	if (rc != HUB_OK)
		goto fail;
	rc = step_commit(ctx, batched);
	if (rc != HUB_OK) {
		snprintf(err, errlen, "commit failed: %s", sqlite3_errmsg(ctx->db));
		goto fail;
	}
	return HUB_OK;
fail:
	step_rollback(ctx, batched);
	return rc;
}

/*
 * A verified change-set refused on its content (v says why) takes its place
 * in the origin's chain: the refused link, its rejection row for the
 * operator and its share of the daily quota go in one step.
 */
static hub_result refuse_link(hub_ctx *ctx, const char *source, const char *day, size_t len, int batched,
			      hub_verdict *v)
{
	char kept[sizeof(v->message) + 96];
	int64_t now = (int64_t)(proto_wall_ms() / 1000);

	v->chained = 1;
	/* the operator's copy says it was skipped and that later ones go on */
	snprintf(kept, sizeof(kept),
		 "%s [refused link: nothing applied, the laptop's later"
		 " change-sets go on]",
		 v->message);
	if (step_begin(ctx, batched) != HUB_OK)
		return HUB_EDB;
	if (hub_refused_add(ctx->db, v, now) ||
	    hub_rejection_add(ctx->db, source, v->origin, v->seq, v->code, kept, now) ||
	    hub_quota_add(ctx->db, v->origin, day, (int64_t)v->nrecords, (int64_t)len) ||
	    step_commit(ctx, batched)) {
		step_rollback(ctx, batched);
		return HUB_EDB;
	}
	return HUB_OK;
}

/* The stored code of a refused link as one of the codes' own strings (a
 * verdict's code outlives the row it was read from). */
static const char *link_code(const char *code)
{
	static const char *const codes[] = {
		"invalid",        "foreign_id",           "out_of_scope",
		"hub_only_field", "relayed_record",       "too_many_records",
		"too_much_text",  "photo_target_unknown", "photo_target_voided",
		"too_many_photos"
	};
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(code, codes[i]) == 0)
			return codes[i];
	return "refused";
}

/* A stored rulebook refusal's rule, record and field back into a verdict
 * (rule and field as the rulebook's and schema's own strings). */
static void link_where(const hub_refused_link *link, hub_verdict *v)
{
	const proto_field_desc *fd;
	int r, k;

	for (r = 1; r < PROTO_RULE_MAX && !v->rule; r++)
		if (strcmp(link->rule, proto_rule_name((proto_rule)r)) == 0)
			v->rule = proto_rule_name((proto_rule)r);
	if (!v->rule)
		return;
	snprintf(v->record, sizeof(v->record), "%s", link->record);
	for (k = PROTO_KIND_HOUSEHOLD; k <= PROTO_KIND_MAX && !v->field; k++) {
		fd = proto_field_by_name((uint8_t)k, link->field);
		if (fd)
			v->field = fd->column;
	}
}

/* The verdict on a change-set the ledger already holds, byte for byte. */
static void already_applied(hub_verdict *v, const char *origin_hex)
{
	v->status = 200;
	v->code = "already_applied";
	snprintf(v->message, sizeof(v->message), "change-set %s/%llu was already applied", origin_hex,
		 (unsigned long long)v->seq);
}

/*
 * One change-set from open to ledger: HUB_OK (applied, or already applied:
 * v->code says which), HUB_REFUSED (v says why, and it is kept: a rejection
 * row, or a refused link of the chain when v->chained) or HUB_EDB (v is a
 * 500; nothing was kept).
 */
static hub_result ingest(hub_ctx *ctx, const uint8_t *data, size_t len, uint64_t peer,
			 const char *source, int batched, const hub_opened *pre, hub_verdict *v)
{
	const hub_limits *lim = &ctx->cfg->limits;
	proto_changeset own, *cs = &own;
	hub_verdict refusal;
	hub_refused_link link;
	hub_link_at link_at;
	hub_result scoped;
	hub_agent agent;
	hub_commune_memo memo;
	bool found;
	uint8_t at[32], head_hash[32], sealed_hash[32];
	uint64_t head = 0, max_stamp = 0;
	int64_t now = (int64_t)(proto_wall_ms() / 1000), day_records = 0, day_bytes = 0;
	char hex[17], err[200], day[11];
	proto_result mr = PROTO_OK;
	hub_result rc = HUB_EDB;
	bool opened = false, content_refused = false;

	memset(v, 0, sizeof(*v));
	proto_rules_day((time_t)now, 0, day);
	if (pre && pre->res != HUB_EDB) {
		/* opened on the opening stage's read-only connection; the sender's
		 * enrolment is checked again here, where revocations are written */
		*v = pre->v;
		if (pre->res == HUB_REFUSED && !pre->on_content)
			goto rejected;
		cs = pre->res == HUB_OK ? (proto_changeset *)&pre->cs : NULL;
		content_refused = pre->on_content;
		rc = hub_ingest_agent(ctx, v->origin, &agent, v);
	} else {
		rc = hub_ingest_open_step(ctx, data, len, peer, &agent, cs, v, &content_refused);
		opened = rc == HUB_OK;
		if (rc == HUB_REFUSED && content_refused) {
			cs = NULL;
			rc = HUB_OK;
		}
	}
	if (rc == HUB_REFUSED)
		goto rejected;
	if (rc != HUB_OK)
		goto internal;
	refusal = *v; /* a content refusal waits until the chain position is known */
	proto_key_id_hex(v->origin, hex);
	/* the chain: resend (applied or refused), fork, gap */
	if (hub_ledger_head(ctx->db, v->origin, &head, head_hash))
		goto internal;
	if (hub_refused_get(ctx->db, v->origin, v->seq, &link, &found) != HUB_OK)
		goto internal;
	if (found && memcmp(link.hash, v->hash, 32) == 0) {
		/* the same bytes again: the same refusal, not a gap (already kept) */
		v->status = link.status;
		v->code = link_code(link.code);
		snprintf(v->message, sizeof(v->message), "%s", link.message);
		link_where(&link, v);
		v->chained = 1;
		rc = HUB_REFUSED;
		goto out;
	}
	if (hub_ledger_hash_at(ctx->db, v->origin, v->seq, at, &link_at) != HUB_OK)
		goto internal;
	if (link_at == HUB_LINK_LEDGER && memcmp(at, v->hash, 32) == 0) {
		already_applied(v, hex);
		rc = HUB_OK;
		goto out;
	}
	v->expected_seq = head + 1;
	if (link_at != HUB_LINK_NONE || (v->seq == head + 1 && memcmp(v->prev, head_hash, 32) != 0)) {
		v->has_expected_hash = head > 0;
		memcpy(v->expected_hash, head_hash, 32);
		reject(v, 409, "fork",
		       "change-set %s/%llu forks the chain: the hub holds a"
		       " different history; it expects seq %llu after the hash it names",
		       hex, (unsigned long long)v->seq, (unsigned long long)(head + 1));
		goto rejected;
	}
	if (v->seq != head + 1) {
		reject(v, 409, "gap",
		       "change-set %s/%llu leaves a gap: the hub expects seq %llu;"
		       " send the missing change-sets first",
		       hex, (unsigned long long)v->seq, (unsigned long long)(head + 1));
		goto rejected;
	}
	v->expected_seq = 0;
	/* the daily quota: not a link, the same change-set is welcome tomorrow */
	if (hub_quota_get(ctx->db, v->origin, day, &day_records, &day_bytes))
		goto internal;
	if (day_records + (int64_t)v->nrecords > lim->day_records ||
	    day_bytes + (int64_t)len > lim->day_bytes) {
		v->retry_after = hub_seconds_to_vn_midnight(now);
		reject(v, 429, "quota_exceeded",
		       "agent %s has sent %lld records and %lld bytes"
		       " today, this one would pass the daily limit of %lld records or %lld bytes:"
		       " sync again tomorrow or ask the operator to raise it",
		       hex, (long long)day_records, (long long)day_bytes, (long long)lim->day_records,
		       (long long)lim->day_bytes);
		goto rejected;
	}
	if (content_refused) {
		memcpy(v, &refusal, sizeof(*v));
		goto refused_link;
	}
	hub_commune_memo_clear(&memo);
	scoped = hub_ingest_check_scope(ctx, cs, &agent.scope, &memo, v);
	if (scoped == HUB_REFUSED)
		goto refused_link;
	if (scoped != HUB_OK)
		goto internal;
	if (hub_ingest_rules(ctx, cs, v) == HUB_REFUSED)
		goto refused_link;
	if (check_clock(cs, &max_stamp)) {
		reject(v, 422, "clock_ahead",
		       "change-set %s/%llu carries stamps more than a day"
		       " ahead of the hub: fix the laptop's date and time",
		       hex, (unsigned long long)v->seq);
		goto rejected;
	}
	/* the scope check's communes serve the merge's "before" (nothing wrote
	 * a household in between: the savepoint begins after it) */
	if (commit_merge(ctx, cs, data, len, v->hash, max_stamp, day, &v->stats, batched, &memo, &mr,
			 err, sizeof(err))) {
		if (mr == PROTO_EVALUE) {
			/* a value the store's rules refuse: the laptop's fault, not the hub's */
			reject(v, 422, "invalid",
			       "change-set %s/%llu holds a value the hub's store"
			       " refuses (%s): nothing of it was applied",
			       hex, (unsigned long long)v->seq, proto_strerror(mr));
			goto refused_link;
		}
		/* a concurrent writer (import, approve) may have taken the seq meanwhile */
		if (hub_ledger_hash_at(ctx->db, v->origin, v->seq, at, &link_at) == HUB_OK &&
		    link_at == HUB_LINK_LEDGER && memcmp(at, v->hash, 32) == 0) {
			already_applied(v, hex);
			rc = HUB_OK;
			goto out;
		}
		reject(v, 500, "internal", "%s", err);
		rc = HUB_EDB;
		goto out;
	}
	v->status = 200;
	v->code = "applied";
	snprintf(v->message, sizeof(v->message), "change-set %s/%llu applied", hex,
		 (unsigned long long)v->seq);
	rc = HUB_OK;
	goto out;
internal:
	reject(v, 500, "internal", "hub database error: %s", sqlite3_errmsg(ctx->db));
	rc = HUB_EDB;
	goto out;
refused_link:
	rc = HUB_REFUSED;
	if (refuse_link(ctx, source, day, len, batched, v)) {
		/* not kept: the laptop must not take it for a link and move on */
		v->chained = 0;
		v->rule = NULL;
		reject(v, 500, "internal", "hub database error: %s: send it again",
		       sqlite3_errmsg(ctx->db));
		rc = HUB_EDB;
	}
	goto out;
rejected:
	rc = HUB_REFUSED;
	/* the sealed bytes' hash, as the ledger keeps it: the very same change-set
	 * taken later closes this rejection (docs/REPORTS.md, "reconcile") */
	if (v->origin && data)
		proto_sha256(data, len, sealed_hash);
	if (hub_rejection_add_sealed(ctx->db, source, v->origin, v->seq,
				     v->origin && data ? sealed_hash : NULL, v->code, v->message, now)) {
		reject(v, 500, "internal", "hub database error: %s: send it again",
		       sqlite3_errmsg(ctx->db));
		rc = HUB_EDB; /* not kept: the caller must not pretend it was */
	}
out:
	if (opened)
		proto_changeset_release(&own);
	return rc;
}

/* What ingest promises its callers, checked where it answers them. */
static hub_result ingest_checked(hub_result rc, const hub_verdict *v)
{
	assert(rc == HUB_OK || rc == HUB_REFUSED || rc == HUB_EDB);
	assert(rc != HUB_EDB || v->status == 500);
	return rc;
}

hub_result hub_ingest(hub_ctx *ctx, const uint8_t *data, size_t len, uint64_t peer, const char *source,
		      const hub_opened *pre, hub_verdict *v)
{
	return ingest_checked(ingest(ctx, data, len, peer, source, 0, pre, v), v);
}

hub_result hub_ingest_batched(hub_ctx *ctx, const uint8_t *data, size_t len, uint64_t peer,
			      const char *source, const hub_opened *pre, hub_verdict *v)
{
	return ingest_checked(ingest(ctx, data, len, peer, source, 1, pre, v), v);
}

hub_result hub_ingest_own(hub_ctx *ctx, proto_changeset *cs, char *err, size_t errlen)
{
	proto_buf sealed;
	uint8_t hash[32], head_hash[32];
	uint64_t head = 0, max_stamp = cs->hdr.created;
	proto_result r, mr;
	size_t i;
	hub_result rc = HUB_EDB;

	proto_buf_init(&sealed, HUB_MAX_BODY);
	for (i = 0; i < cs->nrecords; i++)
		if (cs->records[i].stamp > max_stamp)
			max_stamp = cs->records[i].stamp;
	if (sqlite3_exec(ctx->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen,
			 _("hub database is busy (%s): try again when the other"
			   " maiam-hub command has finished"),
			 sqlite3_errmsg(ctx->db));
		goto out;
	}
	/* the hub's own chain, continued inside the write lock */
	if (hub_ledger_head(ctx->db, ctx->cfg->key_id, &head, head_hash))
		goto fail;
	cs->hdr.seq = head + 1;
	memcpy(cs->hdr.prev, head_hash, 32);
	r = proto_seal(cs, ctx->cfg->key, &sealed, hash);
	if (r != PROTO_OK) {
		snprintf(err, errlen, _("cannot seal the hub change-set: %s"), proto_strerror(r));
		rc = r == PROTO_ENOMEM ? HUB_ENOMEM : HUB_REFUSED;
		goto rollback;
	}
	rc = merge_and_ledger(ctx, cs, sealed.data, sealed.len, hash, max_stamp, NULL, NULL, NULL, &mr,
			      err, errlen);
	if (rc != HUB_OK) {
		if (rc == HUB_REFUSED)
			rc = HUB_EDB; /* the hub's own edit refused by its own store */
		goto rollback;
	}
	rc = HUB_EDB;
	if (sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	rc = HUB_OK;
	goto out;
fail:
	snprintf(err, errlen, _("hub database error: %s"), sqlite3_errmsg(ctx->db));
rollback:
	sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
out:
	proto_buf_release(&sealed);
	return rc;
}
