/*
 * test_report_paging.c - the reconcile queue is read by pages (an
 * enrolment flood): with 200,000 rejected change-sets a page lists its own
 * items only, most recent rejection first, the counts per kind cover the
 * whole queue, "more" says how many follow, resolving one rejection does not
 * walk the others, and "maiam-hub report reconcile --limit --page" pages
 * the same way. Times are printed, never asserted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <cmocka.h>
#include "hub.h"
#include "report.h"
#include "reptest.h"
#include "testutil.h"
#include "testmain.h"

#define NREJECTED 200000

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void flood(sqlite3 *db)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "INSERT INTO hub_rejection(received, source, origin,"
					    " seq, code, message) VALUES (?, 'enroll', NULL, NULL,"
					    " 'unknown_token', 'the enrolment token is not known:"
					    " ask the province for a new one')",
					    -1, &st, NULL),
			 SQLITE_OK);
	for (int i = 1; i <= NREJECTED; i++) {
		sqlite3_bind_int64(st, 1, 1700000000 + i);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
}

/* Render a page as JSON (NUL-terminated, free()); *more set. */
static char *page(rt_db *t, int64_t limit, int64_t pg, int all, int64_t *more, double *secs)
{
	hub_report_opts o = rt_opts(HUB_REPORT_RECONCILE, HUB_FMT_JSON, "2023-09-30");
	proto_buf out;
	char err[256];
	double t0 = now_s();

	o.limit = limit;
	o.page = pg;
	o.all = all;
	proto_buf_init(&out, HUB_REPORT_MAX_OUT);
	if (hub_reconcile_page(t->db, &t->campaign, &o, &out, more, err, sizeof(err)))
		fail_msg("%s", err);
	if (secs)
		*secs = now_s() - t0;
	assert_int_equal(proto_buf_append_byte(&out, 0), PROTO_OK);
	return (char *)out.data;
}

static int items(const char *json)
{
	int n = 0;

	for (const char *p = json; (p = strstr(p, "{\"id\": ")); p++)
		n++;
	return n;
}

static void test_pages_of_a_flood(void **state)
{
	rt_db t;
	rt_batch b;
	int64_t counts[HUB_RECONCILE_NKINDS], resolved, more;
	char err[256], *json, *first;
	double secs, t0;

	(void)state;
	rt_db_open(&t);
	assert_int_equal(rt_report_migrate(&t), 0);
	/* one item of another kind: two households with the same national ID */
	rt_batch_init(&b, 0x0e0e0e0e0e0e0e0eull);
	rt_household(&b, 31498, "Lâm Văn A", "094123456789", "proposed");
	rt_household(&b, 31498, "Lâm Văn B", "094123456789", "proposed");
	rt_flush(&b, t.db);
	rt_batch_release(&b);
	flood(t.db);
	/* resolving finds a rejection by its id */
	t0 = now_s();
	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, "R-199999", "lan", "rác", NULL, 1, err,
					      sizeof(err)),
			 0);
	printf("# resolve one of %d rejections: %.3f s\n", NREJECTED, now_s() - t0);
	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, "R-5", "lan", "rác", NULL, 1, err,
					      sizeof(err)),
			 0);
	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, "R-200001", "lan", "x", NULL, 1, err,
					      sizeof(err)),
			 HUB_REFUSED);
	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, "R-5x", "lan", "x", NULL, 1, err,
					      sizeof(err)),
			 HUB_REFUSED);

	t0 = now_s();
	assert_int_equal(hub_reconcile_counts(t.db, &t.campaign, "2023-09-30", counts, &resolved, err,
					      sizeof(err)),
			 0);
	printf("# counts of the queue: %.3f s\n", now_s() - t0);
	assert_int_equal(counts[HUB_RECONCILE_NKINDS - 1], NREJECTED - 2); /* rejections: the last kind */
	assert_int_equal(counts[1], 1);
	assert_int_equal(resolved, 2);

	/* page 1: the duplicate, then the newest open rejections */
	json = page(&t, 0, 0, 0, &more, &secs);
	printf("# page 1 of %d items (%zu bytes of JSON): %.3f s\n", NREJECTED, strlen(json), secs);
	assert_int_equal(items(json), HUB_RECONCILE_PAGE);
	assert_int_equal(more, NREJECTED - 2 + 1 - HUB_RECONCILE_PAGE);
	first = strstr(json, "\"R-");
	assert_non_null(first);
	assert_int_equal(strncmp(first, "\"R-200000\"", 10), 0);
	assert_null(strstr(json, "\"R-199999\"")); /* resolved: not listed */
	assert_true(strstr(json, "\"R-199998\"") > first);
	assert_true(rt_json_int(json, NULL, "rejected_changeset") == NREJECTED - 2);
	assert_true(rt_json_int(json, NULL, "more") == more);
	free(json);
	/* a page far down reads only its own rows */
	json = page(&t, 100, 1500, 0, &more, &secs);
	printf("# page 1500 of 100 items: %.3f s\n", secs);
	assert_int_equal(items(json), 100);
	/* 1 duplicate + 149,899 rejections before it; the newest open id is
	 * 200000, then 199998 (199999 resolved) */
	assert_non_null(strstr(json, "{\"id\": \"R-50100\""));
	assert_int_equal(more, NREJECTED - 2 + 1 - 150000);
	free(json);
	/* the last page, and past it */
	json = page(&t, 1000, 200, 0, &more, NULL);
	assert_int_equal(items(json), NREJECTED - 2 + 1 - 199000);
	assert_int_equal(more, 0);
	assert_non_null(strstr(json, "\"R-1\""));
	free(json);
	json = page(&t, 1000, 201, 0, &more, NULL);
	assert_int_equal(items(json), 0);
	assert_int_equal(more, 0);
	free(json);
	/* --all lists the resolved ones in their place */
	json = page(&t, 3, 1, 1, &more, NULL);
	assert_int_equal(items(json), 3);
	assert_non_null(strstr(json, "\"R-199999\""));
	assert_int_equal(more, NREJECTED + 1 - 3);
	free(json);
	rt_db_close(&t);
}

/* The command line: --limit and --page, and a line that says how many more. */
static void test_cli_pages(void **state)
{
	char *dir = test_mkdtemp(), path[1024], cmd[2048], line[4096], err[256];
	sqlite3 *db;
	FILE *p;
	int found = 0, rc, ids = 0;
	static const struct {
		const char *lang, *more;
	} langs[] = { { "C", "5 more items (--page 3)" }, { "vi_VN.UTF-8", "còn 5 mục nữa (--page 3)" } };

	(void)state;
	snprintf(cmd, sizeof(cmd), "'%s' init --dir '%s' >/dev/null 2>&1", MAIAM_HUB_BIN, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/hub.db", dir);
	assert_int_equal(proto_db_open(path, &db), PROTO_OK);
	assert_int_equal(hub_report_migrate(db, err, sizeof(err)), HUB_OK);
	for (int i = 0; i < 25; i++)
		assert_int_equal(hub_rejection_add(db, "enroll", 0, 0, "unknown_token", "no", i), HUB_OK);
	sqlite3_close(db);
	/* the table says where the page stands in the operator's language */
	for (size_t l = 0; l < sizeof(langs) / sizeof(langs[0]); l++) {
		snprintf(cmd, sizeof(cmd),
			 "env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=%s '%s' report reconcile"
			 " --limit 10 --page 2 --dir '%s'",
			 langs[l].lang, MAIAM_HUB_BIN, dir);
		p = popen(cmd, "r");
		assert_non_null(p);
		found = ids = 0;
		while (fgets(line, sizeof(line), p)) {
			if (strstr(line, langs[l].more))
				found = 1;
			if (strstr(line, "R-"))
				ids++;
		}
		rc = pclose(p);
		assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
		assert_int_equal(found, 1);
		assert_int_equal(ids, 10);
	}
	snprintf(cmd, sizeof(cmd), "'%s' report reconcile --limit 0 --dir '%s' 2>/dev/null",
		 MAIAM_HUB_BIN, dir);
	rc = system(cmd);
	assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 2);
	snprintf(cmd, sizeof(cmd), "'%s' report funds --page 2 --dir '%s' 2>/dev/null", MAIAM_HUB_BIN,
		 dir);
	rc = system(cmd);
	assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 2);
	test_rmtree(dir);
	free(dir);
}

TEST_MAIN(cmocka_unit_test(test_pages_of_a_flood), cmocka_unit_test(test_cli_pages))
