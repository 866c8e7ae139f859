/*
 * chart_series.c - the hand-overs over time that chart_handover_line draws:
 * report_count's hand-over rows (one per commune and date, kept by the
 * hub's triggers) summed per district into points of a day, a week or more,
 * then made cumulative. The last point of a district is its hand-overs as
 * of the date, the same sum report_progress_load makes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "chart.h"

/* Days a point covers so the axis has at most CHART_MAX_POINTS of them: a
 * day while that fits, else a week, else as many days as it takes. */
static int bucket_days(long span)
{
	if (span <= CHART_MAX_POINTS)
		return 1;
	if (span <= 7L * CHART_MAX_POINTS)
		return 7;
	return (int)((span + CHART_MAX_POINTS - 1) / CHART_MAX_POINTS);
}

/* Where one row of report_count goes. */
typedef struct series_fill {
	chart_series *s;
	const proto_campaign *c;
} series_fill;

static long district_index(const proto_campaign *c, int commune)
{
	int district = proto_units_district_of(&c->units, commune);
	size_t i;

	for (i = 0; district && i < c->ntargets; i++)
		if (c->targets[i].district == district)
			return (long)i;
	return -1;
}

/* One row (commune, date, n): added to its district's point, not yet
 * cumulative; every addition checked. */
static hub_result add_row(void *arg, sqlite3_stmt *row)
{
	series_fill *f = arg;
	chart_series *s = f->s;
	const char *date = (const char *)sqlite3_column_text(row, 1);
	int64_t n = sqlite3_column_int64(row, 2), *slot;
	long d = district_index(f->c, sqlite3_column_int(row, 0)), day, k;

	if (sqlite3_column_type(row, 2) != SQLITE_INTEGER)
		return HUB_ERANGE; /* a trigger's addition overflowed into a float */
	if (d < 0 || !date || !hub_report_valid_date(date))
		return HUB_OK; /* not a district of the campaign: the report leaves it out too */
	day = report_days(date);
	if (day < s->start) {
		slot = &s->before[d];
	} else {
		k = (day - s->start) / s->bucket;
		if ((size_t)k >= s->npoints)
			return HUB_OK; /* after the last day shown: latest_day made it the last */
		slot = &s->cum[(size_t)d * s->npoints + (size_t)k];
	}
	return __builtin_add_overflow(*slot, n, slot) ? HUB_ERANGE : HUB_OK;
}

/* Each district's points from "handed over in this point" to "handed over
 * up to the end of this point". */
static hub_result accumulate(chart_series *s)
{
	size_t d, k;

	for (d = 0; d < s->ndistricts; d++) {
		int64_t sum = s->before[d];
		for (k = 0; k < s->npoints; k++) {
			int64_t *v = &s->cum[d * s->npoints + k];
			if (__builtin_add_overflow(sum, *v, &sum))
				return HUB_ERANGE;
			*v = sum;
		}
	}
	return HUB_OK;
}

/* The latest date of the query's one row, when later than *(long *)arg. */
static hub_result latest_day(void *arg, sqlite3_stmt *row)
{
	const char *date = (const char *)sqlite3_column_text(row, 0);
	long *last = arg;

	if (date && hub_report_valid_date(date) && report_days(date) > *last)
		*last = report_days(date);
	return HUB_OK;
}

hub_result chart_series_load(sqlite3 *db, const proto_campaign *c, const char *as_of, chart_series *s,
			     char *err, size_t errlen)
{
	series_fill f = { s, c };
	hub_result r;

	memset(s, 0, sizeof(*s));
	s->start = report_days(c->start);
	s->deadline = report_days(c->deadline);
	s->as_of = report_days(as_of);
	s->shown = s->as_of;
	if (s->as_of > s->deadline) {
		/* months after the campaign, the axis stops where the hand-overs did */
		long last = s->deadline;
		if ((r = report_sum_query(db,
					  "SELECT max(date) FROM report_count WHERE slot = 8 AND n != 0"
					  " AND date <= ?1",
					  as_of, latest_day, &last)) != HUB_OK) {
			report_db_error(db, "read the last hand-over's date", err, errlen);
			return r;
		}
		s->shown = last;
	}
	s->end = s->shown > s->deadline ? s->shown : s->deadline;
	if (s->end <= s->start)
		s->end = s->start + 1; /* a campaign of one day still has an axis */
	s->bucket = bucket_days(s->end - s->start + 1);
	s->npoints = s->shown < s->start ? 0 : (size_t)((s->shown - s->start) / s->bucket + 1);
	s->ndistricts = c->ntargets;
	s->before = calloc(s->ndistricts + 1, sizeof(*s->before));
	s->cum = calloc(s->ndistricts * s->npoints + 1, sizeof(*s->cum));
	if (!s->before || !s->cum) {
		chart_series_release(s);
		snprintf(err, errlen, "out of memory");
		return HUB_ENOMEM;
	}
	r = report_sum_query(db,
			     "SELECT commune, date, sum(n) FROM report_count WHERE slot = 8"
			     " AND date <= ?1 GROUP BY commune, date",
			     as_of, add_row, &f);
	if (r == HUB_OK)
		r = accumulate(s);
	if (r == HUB_ERANGE)
		snprintf(err, errlen,
			 "hand-over counts overflow 64-bit integers: run maiam-hub audit verify");
	else if (r != HUB_OK)
		report_db_error(db, "read the hand-overs by date", err, errlen);
	if (r != HUB_OK)
		chart_series_release(s);
	return r;
}

void chart_series_release(chart_series *s)
{
	free(s->before);
	free(s->cum);
	s->before = NULL;
	s->cum = NULL;
	s->npoints = 0;
	s->ndistricts = 0;
}
