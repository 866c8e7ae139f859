/*
 * test_report_exact.c - money and counts in the reports are 64-bit integers
 * summed with overflow checks, never floats: a report is exact up to
 * INT64_MAX or fails with an error that names the district and the way out
 * (two contributions of INT64_MAX once made the funds report show
 * 9.2e18 đ). Values are written straight into the report tables, as the
 * rulebook would stop them at ingest: the reports must be right on their own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "report.h"
#include "reptest.h"

/* Rows written straight into the report tables. Commune 31498 is Phường 5
 * of Thành phố Sóc Trăng (district 941), 31569 Thị trấn Châu Thành of
 * Huyện Châu Thành (942). */
#define FUNDS "INSERT INTO report_fund(unit, source, date, n, money, labour, mat_n, mat_value) VALUES "
#define COUNTS "INSERT INTO report_count(commune, slot, date, n) VALUES "
#define MAX "9223372036854775807"   /* INT64_MAX */
#define MAX_1 "9223372036854775806" /* INT64_MAX - 1 */

/* A report that must come out exact: what it must show. */
typedef struct exact_case {
	const char *what, *sql;
	hub_report_kind kind;
	hub_report_format format;
	const char *as_of, *shows;
	const char *total_money; /* JSON funds: the total's money_vnd, or NULL */
} exact_case;

/* INT64_MAX - 10 and - 3, then 10 and 3: the sums are INT64_MAX exactly */
#define TO_THE_LAST_DONG \
	FUNDS "(31498, 'mps', '2023-06-01', 1, 9223372036854775797, 9223372036854775804, 0, 0)," \
	      " (31498, 'mps', '2023-06-02', 1, 10, 3, 0, 0)"

static const exact_case exact_cases[] = {
	{ "funds exact to the last dong", TO_THE_LAST_DONG, HUB_REPORT_FUNDS, HUB_FMT_JSON, "2023-09-30",
	  "\"money_vnd\": " MAX ", \"labour_days\": " MAX, MAX },
	{ "funds in CSV print the digits, not 9.2e18", TO_THE_LAST_DONG, HUB_REPORT_FUNDS, HUB_FMT_CSV,
	  "2023-09-30", MAX, NULL },
	{ "funds exact before the day that overflows",
	  FUNDS "(31498, 'mps', '2023-06-01', 1, " MAX ", 0, 0, 0),"
		" (31498, 'mps', '2023-06-02', 1, 1, 0, 0, 0)",
	  HUB_REPORT_FUNDS, HUB_FMT_JSON, "2023-06-01", NULL, MAX },
	{ "progress counts up to INT64_MAX",
	  COUNTS "(31498, 0, '', 9223372036854775802), (31498, 0, '2023-06-01', 5)", HUB_REPORT_PROGRESS,
	  HUB_FMT_JSON, "2023-09-30", MAX, NULL },
};

/* A report that must fail: what its message must say. */
typedef struct overflow_case {
	const char *what, *sql;
	hub_report_kind kind;
	const char *says, *way_out;
} overflow_case;

static const overflow_case overflow_cases[] = {
	{ "funds overflow names the district",
	  FUNDS "(31498, 'mps', '2023-06-01', 1, " MAX ", 0, 0, 0),"
		" (31498, 'mps', '2023-06-02', 1, 1, 0, 0, 0)",
	  HUB_REPORT_FUNDS, "funds of district Thành phố Sóc Trăng (941) overflow",
	  "run maiam-hub audit verify" },
	/* the triggers add with SQL "+", which turns an overflow into a float: a
	 * stored float fails the report instead of saturating */
	{ "an overflowed counter is not saturated",
	  FUNDS "(31498, 'mps', '2023-06-01', 1, " MAX ", 0, 0, 0);"
		" UPDATE report_fund SET money = money + " MAX,
	  HUB_REPORT_FUNDS, "funds of district Thành phố Sóc Trăng (941) overflow",
	  "run maiam-hub audit verify" },
	{ "each district fits, the province's total does not",
	  FUNDS "(31498, 'mps', '2023-06-01', 1, " MAX_1 ", 0, 0, 0),"
		" (31569, 'mps', '2023-06-01', 1, " MAX_1 ", 0, 0, 0)",
	  HUB_REPORT_FUNDS, "funds of the whole campaign overflow", "run maiam-hub audit verify" },
	{ "the same households counted in another district: the total overflows",
	  COUNTS "(31498, 0, '', 9223372036854775802), (31498, 0, '2023-06-01', 5),"
		 " (31569, 0, '', 1)",
	  HUB_REPORT_PROGRESS, "progress counts overflow", "audit verify" },
};

/* A hub database whose report tables hold sql's rows. */
static void db_with(rt_db *t, const char *sql)
{
	char *msg = NULL;

	rt_db_open(t);
	assert_int_equal(rt_report_migrate(t), 0);
	if (sqlite3_exec(t->db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static void test_exact(void **state)
{
	const exact_case *x = *state;
	hub_report_opts o = rt_opts(x->kind, x->format, x->as_of);
	char err[512], *text;
	rt_db t;

	db_with(&t, x->sql);
	if (rt_render(&t, &o, &text, err, sizeof(err)) != 0)
		fail_msg("%s: %s", x->what, err);
	if (x->shows)
		assert_non_null(strstr(text, x->shows));
	if (x->total_money)
		assert_true(rt_json_int(text, "\"total\"", "money_vnd") ==
			    strtoll(x->total_money, NULL, 10));
	free(text);
	rt_db_close(&t);
}

static void test_overflow(void **state)
{
	const overflow_case *x = *state;
	hub_report_opts o = rt_opts(x->kind, HUB_FMT_JSON, "2023-09-30");
	char err[512], *text;
	rt_db t;

	db_with(&t, x->sql);
	assert_int_equal(rt_render(&t, &o, &text, err, sizeof(err)), HUB_ERANGE);
	assert_null(text);
	printf("# %s\n", err);
	assert_non_null(strstr(err, x->says));
	assert_non_null(strstr(err, x->way_out));
	rt_db_close(&t);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(exact_cases) + ARRAY_SIZE(overflow_cases)];
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(exact_cases); i++)
		tests[n++] = (struct CMUnitTest){ exact_cases[i].what, test_exact, NULL, NULL,
						  (void *)&exact_cases[i] };
	for (i = 0; i < ARRAY_SIZE(overflow_cases); i++)
		tests[n++] = (struct CMUnitTest){ overflow_cases[i].what, test_overflow, NULL, NULL,
						  (void *)&overflow_cases[i] };
	return _cmocka_run_group_tests("test_report_exact", tests, n, NULL, NULL);
}
