/*
 * test_text.c - dates, amounts and times as Vietnamese people write and read
 * them (text.h): both date spellings in, one out per style; dotted and plain
 * amounts in, grouped out; UTC instants shown in Vietnam time across the
 * day, month and year boundaries; near misses refused. Table-driven: each
 * row is one spelling and what must come of it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "testmain.h"
#include "maiam/text.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void date_parse(void **state)
{
	static const struct {
		const char *typed;
		proto_rule rule;
		const char *iso; /* "" when refused */
	} rows[] = {
		{ "20/06/2023", PROTO_RULE_OK, "2023-06-20" },
		{ "2/9/2023", PROTO_RULE_OK, "2023-09-02" },
		{ " 2023-06-20 ", PROTO_RULE_OK, "2023-06-20" },
		{ "29/02/2024", PROTO_RULE_OK, "2024-02-29" },
		{ "30/02/2023", PROTO_RULE_DATE_CALENDAR, "" },
		{ "20/13/2023", PROTO_RULE_DATE_CALENDAR, "" },
		{ "0/6/2023", PROTO_RULE_DATE_CALENDAR, "" },
		{ "2023-02-30", PROTO_RULE_DATE_CALENDAR, "" },
		{ "20/06/23", PROTO_RULE_DATE_FORMAT, "" },
		{ "120/06/2023", PROTO_RULE_DATE_FORMAT, "" },
		{ "20/06/2023x", PROTO_RULE_DATE_FORMAT, "" },
		{ "20/06", PROTO_RULE_DATE_FORMAT, "" },
		{ "20-06-2023", PROTO_RULE_DATE_FORMAT, "" },
		{ "20.06.2023", PROTO_RULE_DATE_FORMAT, "" },
		{ "/06/2023", PROTO_RULE_DATE_FORMAT, "" },
		{ "", PROTO_RULE_DATE_FORMAT, "" },
		{ NULL, PROTO_RULE_DATE_FORMAT, "" },
	};
	char out[11];

	for (size_t i = 0; i < N(rows); i++) {
		proto_rule r = proto_date_parse(rows[i].typed, out);

		if (r != rows[i].rule || strcmp(out, rows[i].iso) != 0)
			fail_msg("'%s': rule %d '%s', want %d '%s'",
				 rows[i].typed ? rows[i].typed : "NULL", r, out, rows[i].rule,
				 rows[i].iso);
	}
}

/* Dates and times shown: a style, a buffer size, what must come out. */
static void shown(void **state)
{
	static const struct {
		int time; /* 1: proto_time_show, 0: proto_date_show */
		const char *in;
		proto_date_style style;
		size_t n;
		const char *want;
	} rows[] = {
		{ 0, "2023-09-02", PROTO_DATES_VN, 16, "02/09/2023" },
		{ 0, "2023-09-02", PROTO_DATES_ISO, 16, "2023-09-02" },
		{ 0, "2023-02-30", PROTO_DATES_VN, 16, "2023-02-30" }, /* never half-converted */
		{ 0, NULL, PROTO_DATES_VN, 16, "" },
		{ 0, "2023-09-02", PROTO_DATES_VN, 6, "02/09" },
		{ 1, "2023-06-20T07:05:09Z", PROTO_DATES_VN, 32, "20/06/2023 14:05" },
		{ 1, "2023-06-20T07:05:09Z", PROTO_DATES_ISO, 32, "2023-06-20 14:05" },
		/* 17:00 UTC is midnight in Vietnam: the next day, month, year */
		{ 1, "2023-06-20T17:00:00Z", PROTO_DATES_VN, 32, "21/06/2023 00:00" },
		{ 1, "2023-06-30T23:59:59Z", PROTO_DATES_VN, 32, "01/07/2023 06:59" },
		{ 1, "2023-12-31T20:00:00Z", PROTO_DATES_ISO, 32, "2024-01-01 03:00" },
		{ 1, "2024-02-28T18:00:00Z", PROTO_DATES_VN, 32, "29/02/2024 01:00" },
		/* what is no UTC instant is shown as it is */
		{ 1, "never", PROTO_DATES_VN, 32, "never" },
		{ 1, "2023-06-20T25:00:00Z", PROTO_DATES_VN, 32, "2023-06-20T25:00:00Z" },
		{ 1, "2023-06-20T07:05:09+02:00", PROTO_DATES_VN, 32, "2023-06-20T07:05:09+02:00" },
		{ 1, "2023-06-20T07:0", PROTO_DATES_VN, 32, "2023-06-20T07:0" },
		{ 1, NULL, PROTO_DATES_VN, 32, "" },
	};
	char out[32];

	for (size_t i = 0; i < N(rows); i++) {
		if (rows[i].time)
			proto_time_show(rows[i].in, rows[i].style, out, rows[i].n);
		else
			proto_date_show(rows[i].in, rows[i].style, out, rows[i].n);
		if (strcmp(out, rows[i].want) != 0)
			fail_msg("row %zu '%s': '%s', want '%s'", i, rows[i].in ? rows[i].in : "NULL",
				 out, rows[i].want);
	}
}

static void amount_parse(void **state)
{
	static const struct {
		const char *typed;
		int ok;
		int64_t v;
	} rows[] = {
		{ "25.000.000", 1, 25000000 },
		{ "25000000", 1, 25000000 },
		{ "1.200", 1, 1200 },
		{ " 500 ", 1, 500 },
		{ "0", 1, 0 },
		{ "9.223.372.036.854.775.807", 1, INT64_MAX },
		{ "9223372036854775808", 0, 0 },
		{ "25.00.000", 0, 0 },
		{ "2500.000", 0, 0 },
		{ "25.000.0000", 0, 0 },
		{ ".500", 0, 0 },
		{ "500.", 0, 0 },
		{ "5..000", 0, 0 },
		{ "5,5", 0, 0 },
		{ "25,000,000", 0, 0 },
		{ "-5", 0, 0 },
		{ "+5", 0, 0 },
		{ "25 000 000", 0, 0 },
		{ "", 0, 0 },
		{ NULL, 0, 0 },
	};

	for (size_t i = 0; i < N(rows); i++) {
		int64_t v = 7;
		int rc = proto_amount_parse(rows[i].typed, &v);

		if (rows[i].ok ? rc != 0 || v != rows[i].v : rc != -1 || v != 7)
			fail_msg("'%s': %d %lld", rows[i].typed ? rows[i].typed : "NULL", rc,
				 (long long)v);
	}
}

static void amount_show(void **state)
{
	static const struct {
		int64_t v;
		char sep;
		size_t n;
		const char *want;
	} rows[] = {
		{ 40000000, '.', 40, "40.000.000" },
		{ 1200, '.', 40, "1.200" },
		{ 999, '.', 40, "999" },
		{ 0, '.', 40, "0" },
		{ 1234567, ',', 40, "1,234,567" },
		{ 1234567, 0, 40, "1234567" },
		{ -1500, '.', 40, "-1.500" },
		{ INT64_MIN, '.', 40, "-9.223.372.036.854.775.808" },
		{ 40000000, '.', 5, "40.0" },
	};
	char out[40];

	for (size_t i = 0; i < N(rows); i++) {
		proto_amount_show(rows[i].v, rows[i].sep, out, rows[i].n);
		if (strcmp(out, rows[i].want) != 0)
			fail_msg("%lld: '%s', want '%s'", (long long)rows[i].v, out, rows[i].want);
	}
}

TEST_MAIN(cmocka_unit_test(date_parse), cmocka_unit_test(shown), cmocka_unit_test(amount_parse),
	  cmocka_unit_test(amount_show))
