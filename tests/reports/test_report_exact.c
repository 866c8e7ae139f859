/*
 * test_report_exact.c - money and counts in the reports are 64-bit integers
 * summed with overflow checks, never floats: a report is exact up to
 * INT64_MAX or fails with an error that names the district and the way out
 * (issue 9: two contributions of INT64_MAX made the funds report show
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

#define COMMUNE_941 31498 /* Phường 5, Thành phố Sóc Trăng (941) */
#define COMMUNE_942 31569 /* Thị trấn Châu Thành, Huyện Châu Thành (942) */

static void exec(rt_db *t, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(t->db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static void fund(rt_db *t, int unit, const char *date, int64_t money, int64_t labour)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "INSERT INTO report_fund(unit, source, date, n, money, labour,"
		 " mat_n, mat_value) VALUES (%d, 'mps', '%s', 1, %lld, %lld, 0, 0)", unit, date,
		 (long long)money, (long long)labour);
	exec(t, sql);
}

/* Render; 0 with the JSON in *json (free()), or -1 with the error in err. */
static int render(rt_db *t, hub_report_kind kind, const char *as_of, char **json, char *err,
		  size_t errlen)
{
	hub_report_opts o;
	proto_buf out;
	int rc;

	memset(&o, 0, sizeof(o));
	o.kind = kind;
	o.format = HUB_FMT_JSON;
	snprintf(o.as_of, sizeof(o.as_of), "%s", as_of);
	proto_buf_init(&out, HUB_REPORT_MAX_OUT);
	rc = hub_report_render(t->db, &t->campaign, &o, &out, err, errlen);
	*json = NULL;
	if (rc == 0) {
		assert_int_equal(proto_buf_append_byte(&out, 0), PROTO_OK);
		*json = (char *)out.data;
	} else {
		proto_buf_release(&out);
	}
	return rc;
}

static void test_funds_exact_to_the_last_dong(void **state)
{
	rt_db t;
	char err[512], *json;

	(void)state;
	rt_db_open(&t);
	assert_int_equal(rt_report_migrate(&t), 0);
	fund(&t, COMMUNE_941, "2023-06-01", INT64_MAX - 10, INT64_MAX - 3);
	fund(&t, COMMUNE_941, "2023-06-02", 10, 3);
	assert_int_equal(render(&t, HUB_REPORT_FUNDS, "2023-09-30", &json, err, sizeof(err)), 0);
	assert_non_null(strstr(json, "\"money_vnd\": 9223372036854775807, \"labour_days\":"
				     " 9223372036854775807"));
	assert_true(rt_json_int(json, "\"total\"", "money_vnd") == INT64_MAX);
	free(json);
	/* the table and CSV print the same digits, not 9.2e18 */
	json = rt_report(&t, HUB_REPORT_FUNDS, HUB_FMT_CSV, "2023-09-30", 0);
	assert_non_null(strstr(json, "9223372036854775807"));
	free(json);
	rt_db_close(&t);
}

static void test_funds_overflow_names_the_district(void **state)
{
	rt_db t;
	char err[512], *json;

	(void)state;
	rt_db_open(&t);
	assert_int_equal(rt_report_migrate(&t), 0);
	fund(&t, COMMUNE_941, "2023-06-01", INT64_MAX, 0);
	fund(&t, COMMUNE_941, "2023-06-02", 1, 0);
	assert_int_equal(render(&t, HUB_REPORT_FUNDS, "2023-09-30", &json, err, sizeof(err)), -1);
	printf("# %s\n", err);
	assert_non_null(strstr(err, "funds of district Thành phố Sóc Trăng (941) overflow"));
	assert_non_null(strstr(err, "run maiam-hub audit verify"));
	/* before the day that overflows, the report is exact */
	assert_int_equal(render(&t, HUB_REPORT_FUNDS, "2023-06-01", &json, err, sizeof(err)), 0);
	assert_true(rt_json_int(json, "\"total\"", "money_vnd") == INT64_MAX);
	free(json);
	rt_db_close(&t);
}

/* The triggers add with SQL "+", which turns an overflow into a float: a
 * stored float fails the report instead of saturating. */
static void test_overflowed_counter_is_not_saturated(void **state)
{
	rt_db t;
	char err[512], *json;

	(void)state;
	rt_db_open(&t);
	assert_int_equal(rt_report_migrate(&t), 0);
	fund(&t, COMMUNE_941, "2023-06-01", INT64_MAX, 0);
	exec(&t, "UPDATE report_fund SET money = money + 9223372036854775807");
	assert_int_equal(render(&t, HUB_REPORT_FUNDS, "2023-09-30", &json, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "funds of district Thành phố Sóc Trăng (941) overflow"));
	rt_db_close(&t);
}

/* Each district fits, the province's total does not. */
static void test_total_overflow(void **state)
{
	rt_db t;
	char err[512], *json;

	(void)state;
	rt_db_open(&t);
	assert_int_equal(rt_report_migrate(&t), 0);
	fund(&t, COMMUNE_941, "2023-06-01", INT64_MAX - 1, 0);
	fund(&t, COMMUNE_942, "2023-06-01", INT64_MAX - 1, 0);
	assert_int_equal(render(&t, HUB_REPORT_FUNDS, "2023-09-30", &json, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "funds of the whole campaign overflow"));
	rt_db_close(&t);
}

static void test_progress_counts_overflow(void **state)
{
	rt_db t;
	char err[512], *json, sql[256];

	(void)state;
	rt_db_open(&t);
	assert_int_equal(rt_report_migrate(&t), 0);
	snprintf(sql, sizeof(sql), "INSERT INTO report_count(commune, slot, date, n) VALUES"
		 " (%d, 0, '', %lld), (%d, 0, '2023-06-01', 5)", COMMUNE_941,
		 (long long)INT64_MAX - 5, COMMUNE_941);
	exec(&t, sql);
	assert_int_equal(render(&t, HUB_REPORT_PROGRESS, "2023-09-30", &json, err, sizeof(err)), 0);
	assert_non_null(strstr(json, "9223372036854775807"));
	free(json);
	/* the same households counted in another district: the total overflows */
	snprintf(sql, sizeof(sql), "INSERT INTO report_count(commune, slot, date, n) VALUES"
		 " (%d, 0, '', 1)", COMMUNE_942);
	exec(&t, sql);
	assert_int_equal(render(&t, HUB_REPORT_PROGRESS, "2023-09-30", &json, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "progress counts overflow"));
	assert_non_null(strstr(err, "audit verify"));
	rt_db_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_funds_exact_to_the_last_dong),
		cmocka_unit_test(test_funds_overflow_names_the_district),
		cmocka_unit_test(test_overflowed_counter_is_not_saturated),
		cmocka_unit_test(test_total_overflow),
		cmocka_unit_test(test_progress_counts_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
