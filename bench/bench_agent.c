/*
 * bench_agent.c - how fast the field worker's commands are, through the very
 * code path of the CLI (agent_run from agent_core): latency of recording one
 * household (WAL, synchronous=FULL: one durable commit each), and the time to
 * import and to export 100,000 households. The baseline is a bare SQLite
 * commit of one row with the same settings in the same directory, so the
 * ratio shows what the agent adds on top of the disk's fsync. Then the
 * app's households page (agent/ui/page_households.c) rendered in-process
 * over 5,000 households, whole and searched.
 * Usage: bench_agent [DIR] [N_RECORD] [N_IMPORT]; last line is JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>
#include "agent.h"
#include "bench_util.h"
#include "cmds.h"
#include "ui/ui.h"

#define UI_HOUSEHOLDS 5000 /* the households page's store */
#define UI_RENDERS 250     /* renders of each page timed, for a p99 */
#define UI_WARMUP 5        /* renders before them, not timed */

static double now_ms(void)
{
	return bench_now_s() * 1e3;
}

static double pct(double *a, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);

	return a[i < n ? i : n - 1];
}

/* Run one CLI command line (a fresh argv each time: agent_run reorders it). */
static int run(agent_ctx *ctx, const char *const *args)
{
	char *argv[32];
	int argc = 0;

	while (args[argc] && argc < 31) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	return agent_run(ctx, argc, argv);
}

/* Run one command and time it in seconds; a failure is said, naming the command. */
static int timed_run(agent_ctx *ctx, const char *const *args, double *seconds)
{
	double t0 = now_ms();

	if (run(ctx, args) != 0) {
		fprintf(stderr, "bench_agent: %s %s failed\n", args[0], args[1] ? args[1] : "");
		return -1;
	}
	*seconds = (now_ms() - t0) / 1e3;
	return 0;
}

static int open_home(agent_ctx *ctx, const char *home, FILE *devnull)
{
	const char *init[] = { "init", "--commune", "31498", NULL };

	agent_ctx_init(ctx);
	ctx->home_opt = home;
	ctx->out = devnull;
	return run(ctx, init);
}

/* One-row commits on a bare table: the floor any durable recorder pays. */
static double baseline_commit_p50(const char *dir, size_t n)
{
	char path[AGENT_PATH_MAX + 16];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	double *t = calloc(n, sizeof *t), p50 = -1;

	snprintf(path, sizeof path, "%s/baseline.db", dir);
	if (!t || sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			 "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO t (b) VALUES ('Nguyễn Văn Ân')", -1, &st, NULL) !=
		    SQLITE_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		double t0 = now_ms();

		sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		sqlite3_step(st);
		sqlite3_reset(st);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		t[i] = now_ms() - t0;
	}
	qsort(t, n, sizeof *t, bench_cmp_double);
	p50 = pct(t, n, 0.5);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(t);
	return p50;
}

static int write_csv(const char *path, size_t n)
{
	static const char *const cats[] = { "poor", "near_poor", "housing_hardship", "policy_family",
					    "other" };
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs("\xef\xbb\xbfname,national_id,hamlet,address,members,category,phone\r\n", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f,
			"\"Nguyễn Văn Thử %zu\",0942%08zu,Ấp %zu,\"Số %zu, đường 30/4\",%zu,%s,09%08zu\r\n",
			i, i, i % 12, i, 1 + i % 9, cats[i % 5], i);
	return fclose(f);
}

/* Render times of the households page (p50 and p99, ms). */
typedef struct ui_times {
	double page_p50, page_p99;     /* the first page, no filter */
	double search_p50, search_p99; /* searching "nguyen" */
} ui_times;

/* Render the households page for query UI_RENDERS times, as the app's
 * GET /households does: its p50 and p99 in ms; -1 when a render fails. */
static int households_render_ms(agent_ctx *ctx, const char *query, double *p50, double *p99)
{
	agent_ui ui = { .ctx = ctx };
	double t[UI_RENDERS], t0;
	proto_buf b;

	/* the first renders prepare the statements and grow the heap: a
	 * server that has answered once is the steady state */
	for (size_t i = 0; i < UI_WARMUP + UI_RENDERS; i++) {
		proto_buf_init(&b, AGENT_UI_PAGE_MAX);
		t0 = now_ms();
		if (agent_ui_households_render(&ui, query, &b) != 200) {
			fprintf(stderr, "bench_agent: the households page (%s) failed\n",
				query ? query : "");
			proto_buf_release(&b);
			return -1;
		}
		if (i >= UI_WARMUP)
			t[i - UI_WARMUP] = now_ms() - t0;
		proto_buf_release(&b);
	}
	qsort(t, UI_RENDERS, sizeof *t, bench_cmp_double);
	*p50 = pct(t, UI_RENDERS, 0.5);
	*p99 = pct(t, UI_RENDERS, 0.99);
	return 0;
}

/* 3. the app's households page over UI_HOUSEHOLDS imported households. */
static int bench_ui(const char *home, const char *csv, FILE *devnull, ui_times *ut)
{
	const char *imp[] = { "household", "import", csv, NULL };
	agent_ctx ctx;
	int rc = -1;

	if (write_csv(csv, UI_HOUSEHOLDS) != 0 || open_home(&ctx, home, devnull) != 0 ||
	    run(&ctx, imp) != 0 || agent_store_open(&ctx) != AGENT_OK) {
		fprintf(stderr, "bench_agent: cannot prepare the households page's store\n");
		goto out;
	}
	if (households_render_ms(&ctx, NULL, &ut->page_p50, &ut->page_p99) == 0 &&
	    households_render_ms(&ctx, "q=nguyen", &ut->search_p50, &ut->search_p99) == 0)
		rc = 0;
out:
	agent_ctx_release(&ctx);
	return rc;
}

int main(int argc, char **argv)
{
	const char *base = argc > 1 ? argv[1] : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");

	size_t nrec = argc > 2 ? strtoul(argv[2], NULL, 10) : 2000;
	size_t nimp = argc > 3 ? strtoul(argv[3], NULL, 10) : 100000;
	char dir[1024], home1[AGENT_PATH_MAX], home2[AGENT_PATH_MAX], csv[AGENT_PATH_MAX];
	char out[AGENT_PATH_MAX], name[64], home3[AGENT_PATH_MAX], csv3[AGENT_PATH_MAX];
	FILE *devnull = fopen("/dev/null", "w");
	agent_ctx ctx;
	double *t = NULL, t0, import_s, export_s, base_p50, p50, p99, mean = 0;
	ui_times ut;
	int rc = 1;

	if (nrec < 10 || nimp < 1 || !devnull) {
		fprintf(stderr, "usage: bench_agent [DIR] [N_RECORD >= 10] [N_IMPORT >= 1]\n");
		return 2;
	}
	if (strlen(base) > 900) {
		fprintf(stderr, "bench_agent: directory path too long\n");
		return 2;
	}
	snprintf(dir, sizeof dir, "%s/bench_agent.%ld", base, (long)getpid());
	if (mkdir(dir, 0700) != 0) {
		fprintf(stderr, "bench_agent: cannot create '%s': %s\n", dir, strerror(errno));
		return 1;
	}
	snprintf(home1, sizeof home1, "%s/record", dir);
	snprintf(home2, sizeof home2, "%s/import", dir);
	snprintf(csv, sizeof csv, "%s/households.csv", dir);
	snprintf(out, sizeof out, "%s/usb.maiam", dir);
	snprintf(home3, sizeof home3, "%s/ui", dir);
	snprintf(csv3, sizeof csv3, "%s/ui.csv", dir);
	t = calloc(nrec, sizeof *t);

	/* 1. recording one household, the CLI path, durable commit each time */
	if (!t || open_home(&ctx, home1, devnull) != 0) {
		fprintf(stderr, "bench_agent: init failed (is MAIAM_DATA_DIR right?)\n");
		goto out;
	}
	for (size_t i = 0; i < nrec; i++) {
		const char *add[] = { "household",     "add",       "--name",  name,         "--hamlet",
				      "Ấp Hòa Mỹ",     "--members", "4",       "--category", "poor",
				      "--land-status", "certified", "--phone", "0912345678", NULL };

		snprintf(name, sizeof name, "Nguyễn Văn Ân %zu", i);
		t0 = now_ms();
		if (run(&ctx, add) != 0) {
			fprintf(stderr, "bench_agent: household add failed\n");
			agent_ctx_release(&ctx);
			goto out;
		}
		t[i] = now_ms() - t0;
		mean += t[i];
	}
	agent_ctx_release(&ctx);
	qsort(t, nrec, sizeof *t, bench_cmp_double);
	p50 = pct(t, nrec, 0.5);
	p99 = pct(t, nrec, 0.99);
	mean /= (double)nrec;
	base_p50 = baseline_commit_p50(dir, nrec < 500 ? nrec : 500);
	printf("record one household (%zu runs, WAL + synchronous=FULL, in %s):\n", nrec, base);
	printf("  p50 %.3f ms  p99 %.3f ms  mean %.3f ms  max %.3f ms\n", p50, p99, mean, t[nrec - 1]);
	printf("  baseline bare SQLite one-row commit p50 %.3f ms; ratio %.1fx\n", base_p50,
	       base_p50 > 0 ? p50 / base_p50 : 0.0);

	/* 2. importing a generated CSV of nimp households, one transaction */
	if (write_csv(csv, nimp) != 0 || open_home(&ctx, home2, devnull) != 0) {
		fprintf(stderr, "bench_agent: cannot prepare the import\n");
		goto out;
	}
	{
		const char *imp[] = { "household", "import", csv, NULL };
		const char *exp[] = { "export", "--out", out, NULL };

		if (timed_run(&ctx, imp, &import_s) != 0 || timed_run(&ctx, exp, &export_s) != 0) {
			agent_ctx_release(&ctx);
			goto out;
		}
	}
	agent_ctx_release(&ctx);
	printf("import %zu households from CSV: %.2f s (%.0f rows/s)\n", nimp, import_s,
	       (double)nimp / import_s);
	printf("export (seal + sign + bundle) %zu households: %.2f s\n", nimp, export_s);

	if (bench_ui(home3, csv3, devnull, &ut) != 0)
		goto out;
	printf("households page, %d households, %d renders each: p50 %.3f ms p99 %.3f ms whole;"
	       " p50 %.3f ms p99 %.3f ms searching \"nguyen\"\n",
	       UI_HOUSEHOLDS, UI_RENDERS, ut.page_p50, ut.page_p99, ut.search_p50, ut.search_p99);
	printf("{\"record_p50_ms\":%.3f,\"record_p99_ms\":%.3f,\"record_mean_ms\":%.3f,"
	       "\"baseline_commit_p50_ms\":%.3f,\"record_runs\":%zu,\"import_n\":%zu,"
	       "\"import_100k_s\":%.3f,\"export_s\":%.3f,\"ui_households_p50_ms\":%.3f,"
	       "\"ui_households_p99_ms\":%.3f,\"ui_search_p50_ms\":%.3f,\"ui_search_p99_ms\":%.3f}\n",
	       p50, p99, mean, base_p50, nrec, nimp, import_s * 100000.0 / (double)nimp, export_s,
	       ut.page_p50, ut.page_p99, ut.search_p50, ut.search_p99);
	rc = 0;
out:
	free(t);
	fclose(devnull);
	/* leave nothing behind in DIR */
	{
		const char *files[] = { "record/agent.db",
					"record/agent.db-wal",
					"record/agent.db-shm",
					"record/agent.key",
					"import/agent.db",
					"import/agent.db-wal",
					"import/agent.db-shm",
					"import/agent.key",
					"ui/agent.db",
					"ui/agent.db-wal",
					"ui/agent.db-shm",
					"ui/agent.key",
					"ui.csv",
					"households.csv",
					"usb.maiam",
					"baseline.db",
					"baseline.db-wal",
					"baseline.db-shm" };
		const char *homes[] = { "record", "import", "ui" };
		char p[AGENT_PATH_MAX + 64];

		for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
			snprintf(p, sizeof p, "%s/%s", dir, files[i]);
			unlink(p);
		}
		for (size_t i = 0; i < sizeof homes / sizeof homes[0]; i++) {
			snprintf(p, sizeof p, "%s/%s", dir, homes[i]);
			rmdir(p);
		}
		rmdir(dir);
	}
	return rc;
}
