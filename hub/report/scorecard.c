/*
 * scorecard.c - the numbers of the scorecards (scorecard.h): the progress
 * of the districts and of their communes (report_progress_load_in, with the
 * communes' targets), the open items of the reconcile queue's walk laid on
 * the commune of the household each is about, the households the province
 * rejected, and the contributions of report_fund by unit and source.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/rules.h"
#include "maiam/schema.h"
#include "report_int.h"
#include "scorecard.h"

void report_scorecard_free(report_scorecard *s)
{
	free(s->units);
	s->units = NULL;
	s->n = 0;
}

static scorecard_unit *unit_of(report_scorecard *s, int code)
{
	size_t i;

	for (i = 0; code && i < s->n; i++)
		if (s->units[i].code == code)
			return &s->units[i];
	return NULL;
}

static void take_line(scorecard_unit *u, const proto_campaign *c, const char *as_of,
		      const report_line *l, bool commune)
{
	u->code = l->code;
	u->name = l->name;
	u->commune = commune;
	u->district = l->district;
	u->target = l->target;
	u->registered = l->v[SLOT_REGISTERED];
	u->approved = l->v[SLOT_APPROVED];
	u->handed_over = l->v[SLOT_HANDED_OVER];
	u->on_time = l->on_time;
	u->on_track = report_on_track(c, as_of, l) == TRACK_ON;
}

/* Each district of the progress, then its communes. */
static hub_result add_progress(sqlite3 *db, const proto_campaign *c, report_scorecard *s, char *err,
			       size_t errlen)
{
	report_progress d, k;
	hub_result rc;
	size_t i, j;

	if ((rc = report_progress_load_in(db, c, s->as_of, 0, s->district, &d, err, errlen)) != HUB_OK)
		return rc;
	if ((rc = report_progress_load_in(db, c, s->as_of, 1, s->district, &k, err, errlen)) != HUB_OK) {
		report_progress_release(&d);
		return rc;
	}
	s->units = calloc(d.n + k.n + 1, sizeof(*s->units));
	if (!s->units) {
		snprintf(err, errlen, "out of memory");
		rc = HUB_ENOMEM;
		goto out;
	}
	for (i = 0; i < d.n; i++) {
		take_line(&s->units[s->n++], c, s->as_of, &d.a[i], false);
		for (j = 0; j < k.n; j++)
			if (k.a[j].district == d.a[i].code)
				take_line(&s->units[s->n++], c, s->as_of, &k.a[j], true);
	}
out:
	report_progress_release(&d);
	report_progress_release(&k);
	return rc;
}

/* Add n to a counter of the commune and of its district (checked). */
static hub_result count_in(report_scorecard *s, const proto_campaign *c, int commune, size_t field,
			   int64_t n)
{
	scorecard_unit *u[2] = { unit_of(s, commune),
				 unit_of(s, proto_units_district_of(&c->units, commune)) };
	size_t i;

	for (i = 0; i < 2; i++) {
		int64_t *v;

		if (!u[i] || (i == 1 && u[0] == u[1]))
			continue;
		v = (int64_t *)((char *)u[i] + field);
		if (__builtin_add_overflow(*v, n, v))
			return HUB_ERANGE;
	}
	return HUB_OK;
}

typedef struct unit_sum {
	report_scorecard *s;
	const proto_campaign *c;
} unit_sum;

/* One (commune, households) row into the commune's and its district's count. */
static hub_result add_rejected_row(void *arg, sqlite3_stmt *row)
{
	unit_sum *us = arg;

	return count_in(us->s, us->c, sqlite3_column_int(row, 0), offsetof(scorecard_unit, rejected),
			sqlite3_column_int64(row, 1));
}

/* The households the province rejected, by commune: their review now, as
 * the progress counts registrations (households carry no event date). */
static hub_result add_rejected(sqlite3 *db, const proto_campaign *c, report_scorecard *s)
{
	unit_sum us = { s, c };

	return report_sum_query(db,
				"SELECT commune, count(*) FROM household WHERE review_status = 'rejected'"
				" GROUP BY commune",
				s->as_of, add_rejected_row, &us);
}

/* What the walk over the open items needs. */
typedef struct item_walk {
	report_scorecard *s;
	const proto_campaign *c;
	sqlite3_stmt *commune; /* a household's commune by id */
	hub_result rc;
} item_walk;

/* The commune of the first household an item's JSON members name
 * ("0123456789abcdef-12"), or 0. */
static int item_commune(item_walk *w, const char *extra)
{
	const char *p = extra;
	int commune = 0;

	while (p && (p = strchr(p, '"')) != NULL) {
		unsigned long long origin, serial;
		int used = 0;

		p++;
		if (sscanf(p, "%16llx-%llu\"%n", &origin, &serial, &used) == 2 && used > 17 &&
		    p[16] == '-') {
			sqlite3_reset(w->commune);
			sqlite3_bind_int64(w->commune, 1, proto_u2i(origin));
			sqlite3_bind_int64(w->commune, 2, proto_u2i(serial));
			if (sqlite3_step(w->commune) == SQLITE_ROW)
				commune = sqlite3_column_int(w->commune, 0);
			sqlite3_reset(w->commune);
			return commune;
		}
	}
	return 0;
}

static rc_next on_item(void *arg, rc_item *it)
{
	item_walk *w = arg;
	int commune;

	if (it->resolved)
		return RC_ON;
	if (proto_buf_append_byte(&it->extra, '\0')) {
		w->rc = HUB_ENOMEM;
		return RC_FAIL;
	}
	it->extra.len--;
	commune = item_commune(w, (const char *)it->extra.data);
	if (!commune)
		return RC_ON; /* about no household: the province's, not a unit's */
	w->rc = count_in(w->s, w->c, commune, offsetof(scorecard_unit, open_items), 1);
	if (w->rc == HUB_OK && it->kind == RK_CONFLICT)
		w->rc = count_in(w->s, w->c, commune, offsetof(scorecard_unit, open_conflicts), 1);
	if (w->rc == HUB_OK && it->kind == RK_DUPLICATE)
		w->rc = count_in(w->s, w->c, commune, offsetof(scorecard_unit, open_duplicates), 1);
	if (w->rc == HUB_OK && it->kind == RK_EVIDENCE)
		w->rc = count_in(w->s, w->c, commune, offsetof(scorecard_unit, open_missing_evidence), 1);
	return w->rc == HUB_OK ? RC_ON : RC_FAIL;
}

static hub_result add_items(sqlite3 *db, const proto_campaign *c, report_scorecard *s)
{
	const rc_request req = { 0, -1, 0, 0, 0, REPORT_VI, 0 }; /* every district: sorted here */
	item_walk w = { s, c, NULL, HUB_OK };
	hub_result rc;

	if (sqlite3_prepare_v2(db, "SELECT commune FROM household WHERE id_origin = ?1 AND id_serial = ?2",
			       -1, &w.commune, NULL) != SQLITE_OK)
		return HUB_EDB;
	rc = rc_walk_queue(db, c, s->as_of, 1, &req, on_item, &w);
	sqlite3_finalize(w.commune);
	return rc != HUB_OK ? rc : w.rc;
}

/* A source's place in the rulebook's list (unknown ones count as the last, "other"). */
static size_t source_index(const char *source)
{
	const char *const *keys = proto_rules_enum(PROTO_KIND_CONTRIBUTION, PROTO_CT_SOURCE);
	size_t i;

	for (i = 0; keys && keys[i] && i < SCORECARD_NSOURCES - 1; i++)
		if (source && strcmp(source, keys[i]) == 0)
			return i;
	return SCORECARD_NSOURCES - 1;
}

static hub_result add_fund_to(scorecard_unit *u, size_t src, sqlite3_stmt *row)
{
	int64_t v[5];
	scorecard_fund *f[2] = { &u->funds[src], &u->fund };
	size_t i, k;

	for (k = 0; k < 5; k++)
		v[k] = sqlite3_column_int64(row, 2 + (int)k);
	for (i = 0; i < 2; i++)
		if (__builtin_add_overflow(f[i]->n, v[0], &f[i]->n) ||
		    __builtin_add_overflow(f[i]->money, v[1], &f[i]->money) ||
		    __builtin_add_overflow(f[i]->labour, v[2], &f[i]->labour) ||
		    __builtin_add_overflow(f[i]->mat_n, v[3], &f[i]->mat_n) ||
		    __builtin_add_overflow(f[i]->mat_value, v[4], &f[i]->mat_value))
			return HUB_ERANGE;
	return HUB_OK;
}

/* One (unit, source) sum: to the commune and its district, or to the district. */
static hub_result add_fund(void *arg, sqlite3_stmt *row)
{
	unit_sum *fw = arg;
	int code = sqlite3_column_int(row, 0);
	size_t src = source_index((const char *)sqlite3_column_text(row, 1));
	scorecard_unit *u = unit_of(fw->s, code);
	scorecard_unit *d = unit_of(fw->s, proto_units_district_of(&fw->c->units, code));
	hub_result rc = HUB_OK;

	if (sqlite3_column_int(row, 7))
		return HUB_ERANGE; /* a trigger's addition overflowed into a float */
	if (u)
		rc = add_fund_to(u, src, row);
	if (rc == HUB_OK && d && d != u)
		rc = add_fund_to(d, src, row);
	return rc;
}

static hub_result add_funds(sqlite3 *db, const proto_campaign *c, report_scorecard *s)
{
	/* the sums the funds report reads, kept by unit (the commune of a
	 * household's contribution, or the unit it was given to) */
	static const char sql[] =
		"SELECT unit, source, sum(n), sum(money), sum(labour), sum(mat_n), sum(mat_value),"
		" max(typeof(n) <> 'integer' OR typeof(money) <> 'integer' OR typeof(labour) <>"
		" 'integer' OR typeof(mat_n) <> 'integer' OR typeof(mat_value) <> 'integer')"
		" FROM report_fund WHERE date <= ?1 GROUP BY unit, source";
	unit_sum fw = { s, c };

	return report_sum_query(db, sql, s->as_of, add_fund, &fw);
}

hub_result report_scorecard_load(sqlite3 *db, const proto_campaign *c, const char *as_of, int district,
				 report_scorecard *s, char *err, size_t errlen)
{
	hub_result rc;

	memset(s, 0, sizeof(*s));
	snprintf(s->as_of, sizeof(s->as_of), "%s", as_of);
	s->district = district;
	if ((rc = add_progress(db, c, s, err, errlen)) != HUB_OK)
		return rc;
	if ((rc = add_rejected(db, c, s)) == HUB_OK && (rc = add_items(db, c, s)) == HUB_OK)
		rc = add_funds(db, c, s);
	if (rc == HUB_ERANGE)
		snprintf(err, errlen,
			 "scorecard sums overflow 64-bit integers: run maiam-hub audit verify");
	else if (rc == HUB_ENOMEM)
		report_too_large(err, errlen);
	else if (rc != HUB_OK)
		report_db_error(db, "read the scorecards", err, errlen);
	if (rc != HUB_OK)
		report_scorecard_free(s);
	return rc;
}
