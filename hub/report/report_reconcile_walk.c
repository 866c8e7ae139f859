/*
 * report_reconcile_walk.c - walking the reconcile queue: each kind of item
 * in turn (rc_sources), each item with its latest resolution, passed over,
 * handed to the caller or ending the page; in a district's walk, those of
 * other districts left out before anything else (report_reconcile_scope.c).
 *
 * The queue is read by pages (docs/REPORTS.md, "Paging"): rejected
 * change-sets can number hundreds of thousands (an enrolment flood), so
 * their page is an SQL LIMIT/OFFSET, most recent first, and their counts
 * are SQL counts; nothing here reads the whole hub_rejection table into
 * memory.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "report_reconcile_kinds.h"

int rc_missing_table(sqlite3 *db)
{
	return sqlite3_errcode(db) == SQLITE_ERROR && strstr(sqlite3_errmsg(db), "no such table");
}

/* Look up how w->it was resolved, if it was. */
static hub_result find_resolution(rc_walk *w)
{
	rc_item *it = &w->it;
	const char *by, *note;
	hub_result rc = HUB_OK;

	it->resolved = 0;
	it->by[0] = it->note[0] = '\0';
	sqlite3_bind_text(w->resolution, 1, it->id, -1, SQLITE_TRANSIENT);
	switch (sqlite3_step(w->resolution)) {
	case SQLITE_ROW:
		it->resolved = 1;
		by = (const char *)sqlite3_column_text(w->resolution, 0);
		note = (const char *)sqlite3_column_text(w->resolution, 1);
		snprintf(it->by, sizeof(it->by), "%s", by ? by : "");
		snprintf(it->note, sizeof(it->note), "%s", note ? note : "");
		break;
	case SQLITE_DONE:
		break;
	default:
		rc = HUB_EDB;
	}
	sqlite3_reset(w->resolution);
	return rc;
}

/* One described item: resolved ones only when asked for, the first
 * req.skip passed over, then req.limit handed over; one more ends the walk. */
static rc_next emit(rc_walk *w)
{
	rc_item *it = &w->it;
	rc_next next = RC_ON;

	assert(it->kind >= 0 && it->kind < NKINDS && it->id[0]);
	if (w->req.district && !it->in_district)
		next = RC_ON; /* another district's: not in this queue at all */
	else if (find_resolution(w))
		next = RC_FAIL;
	else if (it->resolved && !w->req.all)
		next = RC_ON;
	else if (w->req.skip > 0)
		w->req.skip--;
	else if (w->req.limit == 0)
		next = RC_STOP;
	else {
		next = w->fn(w->arg, it);
		if (w->req.limit > 0)
			w->req.limit--;
	}
	proto_buf_reset(&it->subject);
	proto_buf_reset(&it->detail);
	proto_buf_reset(&it->extra);
	return next;
}

/* The items of one kind, until the walk stops. */
static hub_result walk_source(rc_walk *w, const rc_source *src)
{
	sqlite3_stmt *st = NULL, *aux = NULL;
	hub_result rc = HUB_EDB;
	int step = SQLITE_DONE;
	rc_next next = RC_ON;

	if (sqlite3_prepare_v2(w->db, src->sql, -1, &st, NULL) != SQLITE_OK) {
		if (src->hub_table && rc_missing_table(w->db))
			rc = HUB_OK; /* a hub without the table has none */
		goto out;
	}
	if (src->aux_sql && sqlite3_prepare_v2(w->db, src->aux_sql, -1, &aux, NULL) != SQLITE_OK)
		goto out;
	if (src->bind)
		src->bind(w, st);
	while (next == RC_ON && (step = sqlite3_step(st)) == SQLITE_ROW) {
		w->it.kind = src->kind;
		w->it.id[0] = '\0';
		w->it.in_district = 0;
		rc = src->describe(w, st, aux);
		if (rc != HUB_OK)
			goto out;
		rc = HUB_EDB;
		next = emit(w);
	}
	if (next == RC_STOP)
		w->stop = 1;
	else if (next == RC_FAIL || step != SQLITE_DONE)
		goto out;
	rc = HUB_OK;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(aux);
	return rc;
}

hub_result rc_walk_queue(sqlite3 *db, const proto_campaign *c, const char *as_of, int detail,
			 const rc_request *req, rc_item_fn fn, void *arg)
{
	/* one district's: the households of an item of several are read to know */
	rc_walk w = { .db = db,
		      .c = c,
		      .as_of = as_of,
		      .detail = detail || req->district,
		      .fn = fn,
		      .arg = arg,
		      .req = *req };
	hub_result rc = HUB_EDB;
	size_t k;

	assert(req->limit >= -1 && req->skip >= 0);
	proto_buf_init(&w.it.subject, 1 << 20);
	proto_buf_init(&w.it.detail, 1 << 20);
	proto_buf_init(&w.it.extra, 1 << 20);
	if (rc_position_install(db) != HUB_OK ||
	    sqlite3_prepare_v2(db,
			       "SELECT resolved_by, note FROM report_resolution WHERE item = ?"
			       " ORDER BY id DESC LIMIT 1",
			       -1, &w.resolution, NULL) != SQLITE_OK)
		goto out;
	for (k = 0; k < ARRAY_SIZE(rc_sources) && !w.stop; k++) {
		const rc_source *src = &rc_sources[k];

		assert(src->kind == (int)k);
		if (src->kind == RK_REJECTED ? !w.req.rejected || w.req.limit == 0
					     : w.req.rejection_id != 0)
			continue; /* not asked for, or the page is full */
		rc = walk_source(&w, src);
		if (rc != HUB_OK)
			goto out;
	}
	rc = HUB_OK;
out:
	sqlite3_finalize(w.resolution);
	proto_buf_release(&w.it.subject);
	proto_buf_release(&w.it.detail);
	proto_buf_release(&w.it.extra);
	return rc;
}
