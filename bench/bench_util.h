/*
 * bench_util.h - what every benchmark program needs the same way: a
 * monotonic clock, a comparator for sorting timings, and the two SQLite
 * helpers of the raw-insert baselines. Header-only: each bench is one program.
 */
#ifndef MAIAM_BENCH_UTIL_H
#define MAIAM_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sqlite3.h>

/* Seconds on the monotonic clock (only differences mean anything). */
static inline double bench_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* qsort comparator for doubles, ascending. */
static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Bind s as text, or NULL when s is NULL (the text must outlive the step). */
static inline void bench_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Run an INSERT to completion and make it ready for the next row; a
 * benchmark whose baseline fails has nothing to report, so it exits. */
static inline void bench_step_reset(const char *prog, sqlite3 *db, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE) {
		fprintf(stderr, "%s: sqlite: %s\n", prog, sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_reset(st);
}

#endif
