/*
 * bench_read_audit.c - the read audit's note (hub/report/read_audit.c), as
 * a dashboard worker writes it for every household page, photo and
 * download: hub_read_audit_add with its INSERT kept prepared on the
 * connection, against the baseline of the same insert prepared, run and
 * finalized every time (what read_audit.c did before), in the same run, on
 * a file database in WAL mode with synchronous=NORMAL as the dashboard's
 * audit connection has it. Rounds alternate the two so the machine's load
 * falls on both alike; the median round is reported.
 *
 * Usage: bench_read_audit [NOTES_PER_ROUND [ROUNDS]]   (default 20000 7)
 * Last stdout line: one JSON object.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "bench_util.h"
#include "read_audit.h"

#define MAX_ROUNDS 51

static const char *prog = "bench_read_audit";

/* The baseline: read_audit.c's note before the cached statement. */
static int note_prepared_each_time(sqlite3 *db, const hub_read *r)
{
	const char *const texts[] = { r->operator_name, r->what, r->household, r->detail };
	sqlite3_stmt *st = NULL;
	int ok;

	if (sqlite3_prepare_v2(db,
			       "INSERT INTO read_audit (at, operator, what, household, detail)"
			       " VALUES (?1, ?2, ?3, ?4, ?5)",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, r->at);
	for (int i = 0; i < 4; i++)
		sqlite3_bind_text(st, i + 2, texts[i], -1, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

/* Seconds for n notes, one transaction each (as the workers write them). */
static double run(sqlite3 *db, long n, int cached)
{
	char household[32], detail[32];
	hub_read r = { 1700000000, "huyen", "household", household, detail };
	double t0 = bench_now_s();

	for (long i = 0; i < n; i++) {
		snprintf(household, sizeof(household), "%016llx-%ld", 0x36a0c0ffee12ULL, i % 5000 + 1);
		snprintf(detail, sizeof(detail), "36S0-%ld", i % 5000 + 1);
		r.at++;
		if (cached ? hub_read_audit_add(db, &r) != HUB_OK : note_prepared_each_time(db, &r) != 0) {
			fprintf(stderr, "%s: the note failed: %s\n", prog, sqlite3_errmsg(db));
			exit(1);
		}
	}
	return bench_now_s() - t0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000;
	int rounds = argc > 2 ? atoi(argv[2]) : 7;
	double base[MAX_ROUNDS], cached[MAX_ROUNDS], b, c;
	char path[] = "/tmp/bench_read_audit.XXXXXX", db_path[64];
	sqlite3 *db = NULL;

	if (n < 1 || rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: %s [NOTES_PER_ROUND [ROUNDS (1..%d)]]\n", prog, MAX_ROUNDS);
		return 2;
	}
	if (!mkdtemp(path)) {
		perror(prog);
		return 1;
	}
	snprintf(db_path, sizeof(db_path), "%s/hub.db", path);
	if (sqlite3_open(db_path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", NULL, NULL,
			 NULL) != SQLITE_OK ||
	    hub_read_audit_schema(db) != HUB_OK) {
		fprintf(stderr, "%s: cannot make %s: %s\n", prog, db_path, sqlite3_errmsg(db));
		return 1;
	}
	run(db, n / 10 + 1, 1); /* warm: the file's first pages, the cache */
	for (int i = 0; i < rounds; i++) {
		if (i % 2) {
			cached[i] = run(db, n, 1);
			base[i] = run(db, n, 0);
		} else {
			base[i] = run(db, n, 0);
			cached[i] = run(db, n, 1);
		}
	}
	hub_read_audit_close(db);
	unlink(db_path);
	snprintf(db_path, sizeof(db_path), "%s/hub.db-wal", path);
	unlink(db_path);
	snprintf(db_path, sizeof(db_path), "%s/hub.db-shm", path);
	unlink(db_path);
	rmdir(path);
	qsort(base, (size_t)rounds, sizeof(double), bench_cmp_double);
	qsort(cached, (size_t)rounds, sizeof(double), bench_cmp_double);
	b = base[rounds / 2] / (double)n * 1e6;
	c = cached[rounds / 2] / (double)n * 1e6;
	printf("read audit note, %ld notes a round, median of %d rounds:\n", n, rounds);
	printf("  prepared each time (baseline): %.2f us a note\n", b);
	printf("  cached statement:              %.2f us a note (%.2fx the baseline's speed)\n", c, b / c);
	printf("{\"bench\": \"read_audit\", \"notes\": %ld, \"rounds\": %d, \"baseline_us\": %.3f,"
	       " \"cached_us\": %.3f, \"speedup\": %.3f}\n",
	       n, rounds, b, c, b / c);
	return 0;
}
