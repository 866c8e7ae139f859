/*
 * bench_agent.c - how fast the field worker's commands are, through the very
 * code path of the CLI (agent_run from agent_core): latency of recording one
 * household (WAL, synchronous=FULL: one durable commit each), and the time to
 * import and to export 100,000 households. The baseline is a bare SQLite
 * commit of one row with the same settings in the same directory, so the
 * ratio shows what the agent adds on top of the disk's fsync. Then the
 * app's households page (agent/ui/page_households.c) rendered in-process
 * over 5,000 households, whole and searched. Then the laptop at commune
 * scale: the imported store gets its milestones (stages 1..k, k = 0..8 by
 * household) and a contribution on every third household, through the
 * store API the commands use, and check, household list, find (a name typed
 * without diacritics, a national ID), status and the export of one new
 * change are timed through agent_run on it; the baseline is a bare SQLite
 * scan of the household table in the same store (the least any of them
 * could read).
 * Usage: bench_agent [DIR] [N_RECORD] [N_IMPORT] | bench_agent --smoke [DIR];
 * --smoke runs every part on a few hundred households (ctest). Last line is JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>
#include "agent.h"
#include "bench_util.h"
#include "cmds.h"
#include "store.h"
#include "sync.h"
#include "ui/ui.h"

#define UI_HOUSEHOLDS 5000 /* the households page's store */
#define UI_RENDERS 250     /* renders of each page timed, for a p99 */
#define UI_WARMUP 5        /* renders before them, not timed */

/* --smoke: every part on a few hundred households, to keep it from rotting */
static size_t ui_households = UI_HOUSEHOLDS;
static size_t ui_renders = UI_RENDERS;

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
	size_t nt = ui_renders;
	proto_buf b;

	/* the first renders prepare the statements and grow the heap: a
	 * server that has answered once is the steady state */
	for (size_t i = 0; i < UI_WARMUP + nt; i++) {
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
	qsort(t, nt, sizeof *t, bench_cmp_double);
	*p50 = pct(t, nt, 0.5);
	*p99 = pct(t, nt, 0.99);
	return 0;
}

/* 3. the app's households page over UI_HOUSEHOLDS imported households. */
static int bench_ui(const char *home, const char *csv, FILE *devnull, ui_times *ut)
{
	const char *imp[] = { "household", "import", csv, NULL };
	agent_ctx ctx;
	int rc = -1;

	if (write_csv(csv, ui_households) != 0 || open_home(&ctx, home, devnull) != 0 ||
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

/* The commune-scale figures (section 4). */
typedef struct scale_times {
	size_t milestones, contributions;
	double events_s; /* recording them, one transaction */
	double scan_ms;  /* baseline: a bare scan of household */
	double check_s, list_s, list_json_s;
	double find_name_ms, find_nid_ms, status_ms;
	/* the CPU time of each (user + system): on a machine other work
	 * shares, the wall time waits for a core too */
	double check_cpu_s, list_cpu_s, find_name_cpu_ms, find_nid_cpu_ms, status_cpu_ms, export_cpu_s,
		record_cpu_ms;
	double record_ms, export_s; /* one new milestone, then its export */
} scale_times;

/* This process's CPU time so far (user + system), in seconds. */
static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double last_cpu_s; /* the CPU time of the last fresh_run */

/* Run one command as a process of its own would: a fresh context opening
 * the store, its output to devnull; its wall time in seconds (its CPU time
 * in last_cpu_s). */
static int fresh_run(const char *home, FILE *devnull, int json, const char *const *args, double *seconds)
{
	agent_ctx ctx;
	double c0 = cpu_s();
	int rc;

	agent_ctx_init(&ctx);
	ctx.home_opt = home;
	ctx.out = devnull;
	ctx.json = json;
	rc = timed_run(&ctx, args, seconds);
	agent_ctx_release(&ctx);
	last_cpu_s = cpu_s() - c0;
	return rc;
}

/* The milestones and contributions of a commune's campaign, recorded through
 * the store API the commands use (agent_store_record), in one transaction:
 * household i has stages 1..i%9 (0 to 8, about 4 each) dated a day apart
 * from the campaign's start, every third one a contribution. */
static int add_events(agent_ctx *ctx, scale_times *st)
{
	sqlite3_stmt *q = NULL;
	proto_changeset cs;
	int rc = -1, srk;
	size_t i = 0;
	char day[11];
	proto_result r = PROTO_OK;

	if (agent_store_open(ctx) != AGENT_OK || agent_store_begin(ctx) != PROTO_OK)
		return -1;
	if (sqlite3_prepare_v2(ctx->db,
			       "SELECT id_origin, id_serial FROM household ORDER BY id_origin, id_serial",
			       -1, &q, NULL) != SQLITE_OK)
		goto out;
	while (r == PROTO_OK && (srk = sqlite3_step(q)) == SQLITE_ROW) {
		proto_id hh = { proto_i2u(sqlite3_column_int64(q, 0)),
				proto_i2u(sqlite3_column_int64(q, 1)) };
		int k = (int)(i % 9);

		for (int s = 1; r == PROTO_OK && s <= k; s++) {
			proto_id id = { ctx->key_id, agent_take_serial(ctx) };
			const char *stage = proto_stages[s - 1];

			snprintf(day, sizeof day, "%.8s%02d", ctx->period_start, 1 + s * 3);
			r = agent_cs_init(ctx, &cs);
			if (!r)
				r = proto_changeset_begin(&cs, PROTO_KIND_MILESTONE, id,
							  agent_stamp(ctx), ctx->key_id);
			if (!r)
				r = proto_changeset_add_ref(&cs, PROTO_MS_HOUSEHOLD, 0, hh);
			if (!r)
				r = proto_changeset_add_text(&cs, PROTO_MS_STAGE, 0, stage, strlen(stage));
			if (!r)
				r = proto_changeset_add_text(&cs, PROTO_MS_DATE, 0, day, strlen(day));
			if (!r)
				r = agent_store_record(ctx, &cs);
			proto_changeset_release(&cs);
			st->milestones++;
		}
		if (r == PROTO_OK && i % 3 == 0) {
			proto_id id = { ctx->key_id, agent_take_serial(ctx) };

			snprintf(day, sizeof day, "%.8s15", ctx->period_start);
			r = agent_cs_init(ctx, &cs);
			if (!r)
				r = proto_changeset_begin(&cs, PROTO_KIND_CONTRIBUTION, id,
							  agent_stamp(ctx), ctx->key_id);
			if (!r)
				r = proto_changeset_add_ref(&cs, PROTO_CT_HOUSEHOLD, 0, hh);
			if (!r)
				r = proto_changeset_add_int(&cs, PROTO_CT_UNIT, 0, ctx->commune);
			if (!r)
				r = proto_changeset_add_text(&cs, PROTO_CT_SOURCE, 0, "fatherland_front",
							     16);
			if (!r)
				r = proto_changeset_add_int(&cs, PROTO_CT_MONEY, 0,
							    1000000 * (int64_t)(1 + i % 20));
			if (!r)
				r = proto_changeset_add_text(&cs, PROTO_CT_DATE, 0, day, strlen(day));
			if (!r)
				r = agent_store_record(ctx, &cs);
			proto_changeset_release(&cs);
			st->contributions++;
		}
		i++;
	}
	if (r == PROTO_OK && srk == SQLITE_DONE && agent_store_commit(ctx) == PROTO_OK)
		rc = 0;
out:
	sqlite3_finalize(q);
	if (rc != 0) {
		fprintf(stderr, "bench_agent: cannot record the milestones: %s\n",
			sqlite3_errmsg(ctx->db));
		agent_tx_rollback(ctx);
	}
	return rc;
}

/* The id of the first household (the order of add_events), as the CLI takes it. */
static int first_household(agent_ctx *ctx, char out[40])
{
	sqlite3_stmt *q = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(ctx->db,
			       "SELECT id_origin, id_serial FROM household ORDER BY id_origin, id_serial"
			       " LIMIT 1",
			       -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW) {
		proto_id id = { proto_i2u(sqlite3_column_int64(q, 0)),
				proto_i2u(sqlite3_column_int64(q, 1)) };

		agent_id_format(id, out);
		rc = 0;
	}
	sqlite3_finalize(q);
	return rc;
}

/* The hub's acknowledgement of every change-set sealed, through the call a
 * sync makes for each (agent_sealed_ack). */
static int ack_all(agent_ctx *ctx)
{
	sqlite3_stmt *q = NULL;
	int64_t last = 0;
	int rc = -1;

	if (sqlite3_prepare_v2(ctx->db, "SELECT coalesce(max(seq), 0) FROM sealed", -1, &q, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		last = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (agent_store_begin(ctx) != PROTO_OK)
		return -1;
	rc = 0;
	for (int64_t seq = 1; rc == 0 && seq <= last; seq++)
		if (agent_sealed_ack(ctx, (uint64_t)seq, "2026-07-01T20:00:00Z") != PROTO_OK)
			rc = -1;
	if (rc == 0 && agent_store_commit(ctx) != PROTO_OK)
		rc = -1;
	if (rc != 0)
		agent_tx_rollback(ctx);
	return rc;
}

/* The baseline: every household row read by bare SQLite, in ms. */
static double household_scan_ms(agent_ctx *ctx)
{
	sqlite3_stmt *q = NULL;
	double t0 = now_ms(), ms = -1;
	size_t bytes = 0;

	if (sqlite3_prepare_v2(ctx->db, "SELECT name, national_id, ref FROM household", -1, &q, NULL) !=
	    SQLITE_OK)
		return -1;
	while (sqlite3_step(q) == SQLITE_ROW)
		bytes += (size_t)sqlite3_column_bytes(q, 0);
	if (bytes)
		ms = now_ms() - t0;
	sqlite3_finalize(q);
	return ms;
}

/* 4. the laptop at commune scale: home holds nimp imported households,
 * exported; give them their events, seal those, and time the commands. */
static int bench_scale(const char *home, size_t nimp, FILE *devnull, scale_times *st)
{
	const char *check[] = { "check", NULL };
	const char *list[] = { "household", "list", NULL };
	const char *status[] = { "status", NULL };
	char nid[32], day[11], out[AGENT_PATH_MAX + 16], first[40];
	/* the first household has no stage yet (add_events: i % 9 == 0) */
	const char *ms[] = { "milestone", first, "surveyed", "--date", day, NULL };
	const char *find_name[] = { "household", "find", "nguyen van thu 4242", NULL };
	const char *find_nid[] = { "household", "find", nid, NULL };
	const char *exp_out[] = { "export", "--out", out, NULL };
	agent_ctx ctx;
	double t0, s;
	int rc = -1;

	memset(st, 0, sizeof *st);
	agent_ctx_init(&ctx);
	ctx.home_opt = home;
	ctx.out = devnull;
	t0 = now_ms();
	if (add_events(&ctx, st) != 0)
		goto out;
	st->events_s = (now_ms() - t0) / 1e3;
	st->scan_ms = household_scan_ms(&ctx);
	snprintf(day, sizeof day, "%.10s", ctx.period_start);
	if (first_household(&ctx, first) != 0)
		goto out;
	snprintf(out, sizeof out, "%s/one.maiam", home);
	/* the events go out sealed, as after an evening's export */
	if (timed_run(&ctx, exp_out, &s) != 0)
		goto out;
	/* and the hub acknowledged them, as the night's sync does: the next
	 * export carries only what is new (an unacknowledged chain goes out
	 * whole on every export: 3.3 MB at this size) */
	if (ack_all(&ctx) != 0) {
		fprintf(stderr, "bench_agent: cannot mark the change-sets acknowledged\n");
		goto out;
	}
	agent_ctx_release(&ctx);
	unlink(out);
	snprintf(nid, sizeof nid, "0942%08zu", nimp / 2);
	if (fresh_run(home, devnull, 0, check, &st->check_s) != 0)
		goto out;
	st->check_cpu_s = last_cpu_s;
	if (fresh_run(home, devnull, 0, list, &st->list_s) != 0)
		goto out;
	st->list_cpu_s = last_cpu_s;
	if (fresh_run(home, devnull, 1, list, &st->list_json_s) != 0 ||
	    fresh_run(home, devnull, 0, find_name, &s) != 0)
		goto out;
	st->find_name_ms = s * 1e3;
	st->find_name_cpu_ms = last_cpu_s * 1e3;
	if (fresh_run(home, devnull, 0, find_nid, &s) != 0)
		goto out;
	st->find_nid_ms = s * 1e3;
	st->find_nid_cpu_ms = last_cpu_s * 1e3;
	if (fresh_run(home, devnull, 0, status, &s) != 0)
		goto out;
	st->status_ms = s * 1e3;
	st->status_cpu_ms = last_cpu_s * 1e3;
	if (fresh_run(home, devnull, 0, ms, &s) != 0)
		goto out;
	st->record_ms = s * 1e3;
	st->record_cpu_ms = last_cpu_s * 1e3;
	if (fresh_run(home, devnull, 0, exp_out, &st->export_s) != 0)
		goto out;
	st->export_cpu_s = last_cpu_s;
	unlink(out);
	rc = 0;
out:
	agent_ctx_release(&ctx);
	return rc;
}

int main(int argc, char **argv)
{
	int smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
	const char *base, *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	size_t nrec, nimp;

	if (smoke) {
		argv++;
		argc--;
		ui_households = 300;
		ui_renders = 20;
	}
	base = argc > 1 ? argv[1] : tmp;
	nrec = argc > 2 ? strtoul(argv[2], NULL, 10) : smoke ? 10 : 2000;
	nimp = argc > 3 ? strtoul(argv[3], NULL, 10) : smoke ? 300 : 100000;
	char dir[1024], home1[AGENT_PATH_MAX], home2[AGENT_PATH_MAX], csv[AGENT_PATH_MAX];
	char out[AGENT_PATH_MAX], name[64], home3[AGENT_PATH_MAX], csv3[AGENT_PATH_MAX];
	FILE *devnull = fopen("/dev/null", "w");
	agent_ctx ctx;
	double *t = NULL, t0, import_s, export_s, base_p50, p50, p99, mean = 0;
	ui_times ut;
	scale_times sc;
	int rc = 1;

	if (nrec < 10 || nimp < 1 || !devnull) {
		fprintf(stderr, "usage: bench_agent [--smoke] [DIR] [N_RECORD >= 10] [N_IMPORT >= 1]\n");
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
	if (bench_scale(home2, nimp, devnull, &sc) != 0)
		goto out;
	printf("commune scale: %zu households, %zu milestones, %zu contributions (recorded in %.2f s,"
	       " then sealed)\n",
	       nimp, sc.milestones, sc.contributions, sc.events_s);
	printf("  baseline: bare SQLite scan of the households %.1f ms\n", sc.scan_ms);
	printf("  check %.3f s  household list %.3f s (--json %.3f s)\n", sc.check_s, sc.list_s,
	       sc.list_json_s);
	printf("  find a name without diacritics %.1f ms, a national ID %.1f ms  status %.1f ms\n",
	       sc.find_name_ms, sc.find_nid_ms, sc.status_ms);
	printf("  one new milestone %.1f ms, then export %.3f s\n", sc.record_ms, sc.export_s);
	printf("  CPU: check %.3f s, list %.3f s, find %.1f ms / %.1f ms, status %.1f ms,"
	       " milestone %.1f ms, export %.3f s\n",
	       sc.check_cpu_s, sc.list_cpu_s, sc.find_name_cpu_ms, sc.find_nid_cpu_ms, sc.status_cpu_ms,
	       sc.record_cpu_ms, sc.export_cpu_s);
	printf("  goals (each <= 1 s, find and status <= 100 ms): %s\n",
	       sc.check_s <= 1 && sc.list_s <= 1 && sc.export_s <= 1 && sc.find_name_ms <= 100 &&
			       sc.find_nid_ms <= 100 && sc.status_ms <= 100
		       ? "met"
		       : "NOT met");

	if (bench_ui(home3, csv3, devnull, &ut) != 0)
		goto out;
	printf("households page, %zu households, %zu renders each: p50 %.3f ms p99 %.3f ms whole;"
	       " p50 %.3f ms p99 %.3f ms searching \"nguyen\"\n",
	       ui_households, ui_renders, ut.page_p50, ut.page_p99, ut.search_p50, ut.search_p99);
	printf("{\"record_p50_ms\":%.3f,\"record_p99_ms\":%.3f,\"record_mean_ms\":%.3f,"
	       "\"baseline_commit_p50_ms\":%.3f,\"record_runs\":%zu,\"import_n\":%zu,"
	       "\"import_100k_s\":%.3f,\"export_s\":%.3f,\"ui_households_p50_ms\":%.3f,"
	       "\"ui_households_p99_ms\":%.3f,\"ui_search_p50_ms\":%.3f,\"ui_search_p99_ms\":%.3f,"
	       "\"scale_households\":%zu,\"scale_milestones\":%zu,\"scale_contributions\":%zu,"
	       "\"scan_baseline_ms\":%.3f,\"check_100k_s\":%.3f,\"list_100k_s\":%.3f,"
	       "\"list_json_100k_s\":%.3f,\"find_100k_ms\":%.3f,\"find_name_100k_ms\":%.3f,\"find_nid_100k_ms\":%.3f,"
	       "\"status_100k_ms\":%.3f,\"record_100k_ms\":%.3f,\"export_100k_s\":%.3f,"
	       "\"check_vs_scan\":%.1f,\"check_cpu_s\":%.3f,\"list_cpu_s\":%.3f,"
	       "\"find_name_cpu_ms\":%.3f,\"find_nid_cpu_ms\":%.3f,\"status_cpu_ms\":%.3f,"
	       "\"export_cpu_s\":%.3f,\"record_cpu_ms\":%.3f,\"smoke\":%s}\n",
	       p50, p99, mean, base_p50, nrec, nimp, import_s * 100000.0 / (double)nimp, export_s,
	       ut.page_p50, ut.page_p99, ut.search_p50, ut.search_p99, nimp, sc.milestones,
	       sc.contributions, sc.scan_ms, sc.check_s, sc.list_s, sc.list_json_s,
	       sc.find_name_ms > sc.find_nid_ms ? sc.find_name_ms : sc.find_nid_ms, sc.find_name_ms,
	       sc.find_nid_ms, sc.status_ms, sc.record_ms, sc.export_s,
	       sc.scan_ms > 0 ? sc.check_s * 1e3 / sc.scan_ms : 0.0, sc.check_cpu_s, sc.list_cpu_s,
	       sc.find_name_cpu_ms, sc.find_nid_cpu_ms, sc.status_cpu_ms, sc.export_cpu_s,
	       sc.record_cpu_ms, smoke ? "true" : "false");
	rc = 0;
out:
	free(t);
	fclose(devnull);
	/* leave nothing behind in DIR */
	{
		const char *files[] = { "import/one.maiam",    "record/agent.db",
					"record/agent.db-wal", "record/agent.db-shm",
					"record/agent.key",    "import/agent.db",
					"import/agent.db-wal", "import/agent.db-shm",
					"import/agent.key",    "ui/agent.db",
					"ui/agent.db-wal",     "ui/agent.db-shm",
					"ui/agent.key",        "ui.csv",
					"households.csv",      "usb.maiam",
					"baseline.db",         "baseline.db-wal",
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
