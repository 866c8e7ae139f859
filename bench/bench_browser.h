/*
 * bench_browser.h - bench_reports' household browser part: 400 questions
 * asked as the /households page asks them, timed, with the slowest shapes
 * of question named, and the browser's triggers taken off a database for a
 * while so that a merge can be timed with the report triggers alone.
 * Header-only, included by bench_reports.c alone (each bench is one program).
 */
#ifndef MAIAM_BENCH_BROWSER_H
#define MAIAM_BENCH_BROWSER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/text.h"
#include "gen.h"
#include "bench_util.h"
#include "browse.h"

/* Words an operator types: a surname and a given name, a hamlet, a full
 * name, typed without diacritics as often as with. */
static void browser_text(gen_rng *r, char *out, size_t n)
{
	const char *sur = gen_surnames[gen_pick(r, GEN_N(gen_surnames))];
	const char *giv = gen_givens[gen_pick(r, GEN_N(gen_givens))];
	char typed[128];
	char *folded;

	switch (gen_pick(r, 4)) {
	case 0:
		snprintf(typed, sizeof(typed), "%s %s", sur, giv);
		break;
	case 1:
		snprintf(typed, sizeof(typed), "%s", gen_hamlets[gen_pick(r, GEN_N(gen_hamlets))] + 4);
		break;
	case 2:
		snprintf(typed, sizeof(typed), "%s %s %s", sur,
			 gen_middles[gen_pick(r, GEN_N(gen_middles))], giv);
		break;
	default:
		snprintf(typed, sizeof(typed), "%s", giv);
		break;
	}
	folded = gen_pick(r, 2) ? proto_fold(typed) : NULL;
	snprintf(out, n, "%s", folded ? folded : typed);
	free(folded);
}

static int browser_row(void *arg, const hub_browse_row *row)
{
	(void)row;
	++*(long *)arg;
	return 0;
}

/* The shapes of question the bench asks (the filters; the sort is apart). */
enum {
	SHAPE_SEARCH,
	SHAPE_DISTRICT,
	SHAPE_COMMUNE_REVIEW,
	SHAPE_STAGE,
	SHAPE_TIMING,
	SHAPE_DISTRICT_CATEGORY,
	SHAPE_COMMUNE_OPEN_ITEMS,
	SHAPE_COMMUNE_MISSING_PHOTO,
	SHAPE_REVIEW,
	NSHAPES
};
static const char *const browser_shape_names[NSHAPES] = {
	"search", "district",          "commune+review",     "stage",
	"timing", "district+category", "commune+open items", "commune+missing photo",
	"review",
};

/* A filter of shape over commune's district or commune. */
static void browser_filter(gen_rng *r, const proto_campaign *c, int shape, int commune,
			   hub_browse_query *q)
{
	static const char *const reviews[] = { "proposed", "approved", "rejected" };

	switch (shape) {
	case SHAPE_DISTRICT:
		q->district = proto_units_district_of(&c->units, commune);
		break;
	case SHAPE_COMMUNE_REVIEW:
		q->commune = commune;
		q->review = reviews[gen_pick(r, 3)];
		break;
	case SHAPE_STAGE:
		q->stage = (int)gen_pick(r, 9);
		break;
	case SHAPE_TIMING:
		q->timing = gen_pick(r, 2) ? HUB_BROWSE_LATE : HUB_BROWSE_ON_TIME;
		break;
	case SHAPE_DISTRICT_CATEGORY:
		q->category = gen_categories[gen_pick(r, GEN_N(gen_categories))];
		q->district = proto_units_district_of(&c->units, commune);
		break;
	case SHAPE_COMMUNE_OPEN_ITEMS:
		q->commune = commune;
		q->open_items = true;
		break;
	case SHAPE_COMMUNE_MISSING_PHOTO:
		q->commune = commune;
		q->missing_photo = true;
		break;
	default:
		q->review = reviews[gen_pick(r, 3)];
		break;
	}
}

typedef struct browser_timing {
	double ms, cpu_ms; /* wall clock; CPU time, which a loaded machine does not stretch */
	int shape;
	hub_browse_sort sort;
} browser_timing;

static int browser_timing_cmp(const void *a, const void *b)
{
	return bench_cmp_double(&((const browser_timing *)a)->ms, &((const browser_timing *)b)->ms);
}

static int browser_cpu_cmp(const void *a, const void *b)
{
	return bench_cmp_double(&((const browser_timing *)a)->cpu_ms,
				&((const browser_timing *)b)->cpu_ms);
}

/* The CPU ms this process has used. */
static double browser_cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Each shape and sort among the questions: how many, the median and the
 * slowest, the slowest first (t sorted by time). */
static void browser_print_shapes(const browser_timing *t, int n)
{
	static int done[NSHAPES][HUB_BROWSE_NSORTS];
	int i, j, printed = 0;

	memset(done, 0, sizeof(done));
	printf("household browser, slowest shapes (filter, sort: questions, median, slowest, slowest"
	       " CPU):\n");
	for (i = n - 1; i >= 0 && printed < 12; i--) {
		double same[64], cpu = 0;
		int k = 0;

		if (done[t[i].shape][t[i].sort])
			continue;
		done[t[i].shape][t[i].sort] = 1;
		for (j = 0; j < n && k < 64; j++)
			if (t[j].shape == t[i].shape && t[j].sort == t[i].sort) {
				same[k++] = t[j].ms;
				cpu = t[j].cpu_ms > cpu ? t[j].cpu_ms : cpu;
			}
		printf("  %-22s %-8s %3d  %8.1f ms  %8.1f ms  %8.1f ms\n", browser_shape_names[t[i].shape],
		       hub_browse_sort_names[t[i].sort], k, same[k / 2], t[i].ms, cpu);
		printed++;
	}
}

/*
 * The household browser as the /households page asks it (the count, then
 * a page of 50): half searches, half filters (district, commune, review,
 * stage, on time or late, category, with the open-items and missing-photo
 * filters inside a commune), every sort, pages 1 to 20. The 99th
 * percentile in ms; *worst_ms the slowest, *cpu_p99_ms the 99th percentile
 * of CPU time.
 */
static double browser_p99_ms(sqlite3 *db, const proto_campaign *c, const int *communes, int ncommunes,
			     double *worst_ms, double *cpu_p99_ms)
{
	enum { NQ = 400 };
	static browser_timing t[NQ];
	gen_rng r = { 7 };
	char text[160];
	long rows = 0;
	int i;

	for (i = 0; i < NQ; i++) {
		hub_browse_query q;
		int64_t total;
		double t0, c0;

		hub_browse_query_init(&q);
		q.sort = (hub_browse_sort)gen_pick(&r, HUB_BROWSE_NSORTS);
		q.page = 1 + (gen_pick(&r, 4) == 0 ? gen_pick(&r, 20) : 0);
		t[i].sort = q.sort;
		t[i].shape = SHAPE_SEARCH;
		if (i % 2 == 0) {
			browser_text(&r, text, sizeof(text));
			q.text = text;
		} else {
			int commune = communes[gen_pick(&r, (unsigned)ncommunes)];

			t[i].shape = SHAPE_DISTRICT + (int)gen_pick(&r, 8);
			browser_filter(&r, c, t[i].shape, commune, &q);
		}
		c0 = browser_cpu_ms();
		t0 = bench_now_s();
		if (hub_browse(db, c, "2023-12-31", 0, &q, browser_row, &rows, &total) != HUB_OK) {
			fprintf(stderr, "bench_reports: browse: %s\n", sqlite3_errmsg(db));
			exit(1);
		}
		t[i].ms = (bench_now_s() - t0) * 1000.0;
		t[i].cpu_ms = browser_cpu_ms() - c0;
		if (getenv("BROWSE_TRACE") && t[i].ms > 50)
			fprintf(stderr,
				"SLOW %.0f ms (CPU %.0f ms): text=%s d=%d c=%d rev=%s st=%d tim=%d cat=%s open=%d ph=%d sort=%d page=%lld total=%lld\n",
				t[i].ms, t[i].cpu_ms, q.text ? q.text : "", q.district, q.commune,
				q.review ? q.review : "", q.stage, q.timing,
				q.category ? q.category : "", q.open_items, q.missing_photo, q.sort,
				(long long)q.page, (long long)total);
	}
	qsort(t, NQ, sizeof(t[0]), browser_cpu_cmp);
	*cpu_p99_ms = t[NQ * 99 / 100].cpu_ms;
	printf("household browser, CPU time: median %.1f ms, p99 %.1f ms, worst %.1f ms\n",
	       t[NQ / 2].cpu_ms, t[NQ * 99 / 100].cpu_ms, t[NQ - 1].cpu_ms);
	qsort(t, NQ, sizeof(t[0]), browser_timing_cmp);
	*worst_ms = t[NQ - 1].ms;
	printf("household browser: %d queries (%ld rows shown): median %.1f ms, p99 %.1f ms, worst"
	       " %.1f ms\n",
	       NQ, rows, t[NQ / 2].ms, t[NQ * 99 / 100].ms, t[NQ - 1].ms);
	browser_print_shapes(t, NQ);
	return t[NQ * 99 / 100].ms;
}

/* The browser's triggers (their CREATE statements, ';'-joined, into
 * saved), dropped from db, so that a merge runs the report triggers alone. */
static void browser_triggers_drop(sqlite3 *db, char *saved, size_t n)
{
	sqlite3_stmt *st = NULL;
	char drops[2048];
	size_t len = 0, dlen = 0;

	saved[0] = drops[0] = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND"
			       " name LIKE 'browse\\_%' ESCAPE '\\'",
			       -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_reports: triggers: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		int w, d;

		w = snprintf(saved + len, n - len, "%s;", (const char *)sqlite3_column_text(st, 1));
		d = snprintf(drops + dlen, sizeof(drops) - dlen, "DROP TRIGGER %s;",
			     (const char *)sqlite3_column_text(st, 0));

		if (w < 0 || (size_t)w >= n - len || d < 0 || (size_t)d >= sizeof(drops) - dlen) {
			fprintf(stderr, "bench_reports: the browser's triggers are too long\n");
			exit(1);
		}
		len += (size_t)w;
		dlen += (size_t)d;
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(db, drops, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_reports: drop triggers: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
}

/* The triggers browser_triggers_drop took off, back. */
static void browser_triggers_restore(sqlite3 *db, const char *saved)
{
	if (sqlite3_exec(db, saved, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_reports: restore triggers: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
}

#endif
