/*
 * test_text.c - dates, amounts and times as Vietnamese people write and read
 * them (text.h): both date spellings in, one out per style; dotted and plain
 * amounts in, grouped out; UTC instants shown in Vietnam time across the
 * day, month and year boundaries; near misses refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "testmain.h"
#include "maiam/text.h"

static void date_parse(void **state)
{
	char out[11];

	assert_int_equal(proto_date_parse("20/06/2023", out), PROTO_RULE_OK);
	assert_string_equal(out, "2023-06-20");
	assert_int_equal(proto_date_parse("2/9/2023", out), PROTO_RULE_OK);
	assert_string_equal(out, "2023-09-02");
	assert_int_equal(proto_date_parse(" 2023-06-20 ", out), PROTO_RULE_OK);
	assert_string_equal(out, "2023-06-20");
	assert_int_equal(proto_date_parse("29/02/2024", out), PROTO_RULE_OK);
	assert_string_equal(out, "2024-02-29");

	assert_int_equal(proto_date_parse("30/02/2023", out), PROTO_RULE_DATE_CALENDAR);
	assert_string_equal(out, "");
	assert_int_equal(proto_date_parse("20/13/2023", out), PROTO_RULE_DATE_CALENDAR);
	assert_int_equal(proto_date_parse("0/6/2023", out), PROTO_RULE_DATE_CALENDAR);
	assert_int_equal(proto_date_parse("2023-02-30", out), PROTO_RULE_DATE_CALENDAR);
	assert_int_equal(proto_date_parse("20/06/23", out), PROTO_RULE_DATE_FORMAT);
	assert_int_equal(proto_date_parse("120/06/2023", out), PROTO_RULE_DATE_FORMAT);
	assert_int_equal(proto_date_parse("20/06/2023x", out), PROTO_RULE_DATE_FORMAT);
	assert_int_equal(proto_date_parse("20/06", out), PROTO_RULE_DATE_FORMAT);
	assert_int_equal(proto_date_parse("20-06-2023", out), PROTO_RULE_DATE_FORMAT);
	assert_int_equal(proto_date_parse("20.06.2023", out), PROTO_RULE_DATE_FORMAT);
	assert_int_equal(proto_date_parse("/06/2023", out), PROTO_RULE_DATE_FORMAT);
	assert_int_equal(proto_date_parse("", out), PROTO_RULE_DATE_FORMAT);
	assert_int_equal(proto_date_parse(NULL, out), PROTO_RULE_DATE_FORMAT);
}

static void date_show(void **state)
{
	char out[16];

	proto_date_show("2023-09-02", PROTO_DATES_VN, out, sizeof out);
	assert_string_equal(out, "02/09/2023");
	proto_date_show("2023-09-02", PROTO_DATES_ISO, out, sizeof out);
	assert_string_equal(out, "2023-09-02");
	/* not a date: shown as it is, never half-converted */
	proto_date_show("2023-02-30", PROTO_DATES_VN, out, sizeof out);
	assert_string_equal(out, "2023-02-30");
	proto_date_show(NULL, PROTO_DATES_VN, out, sizeof out);
	assert_string_equal(out, "");
	proto_date_show("2023-09-02", PROTO_DATES_VN, out, 6);
	assert_string_equal(out, "02/09");
}

static void time_show(void **state)
{
	char out[32];

	proto_time_show("2023-06-20T07:05:09Z", PROTO_DATES_VN, out, sizeof out);
	assert_string_equal(out, "20/06/2023 14:05");
	proto_time_show("2023-06-20T07:05:09Z", PROTO_DATES_ISO, out, sizeof out);
	assert_string_equal(out, "2023-06-20 14:05");
	/* 17:00 UTC is midnight in Vietnam: the next day, month, year */
	proto_time_show("2023-06-20T17:00:00Z", PROTO_DATES_VN, out, sizeof out);
	assert_string_equal(out, "21/06/2023 00:00");
	proto_time_show("2023-06-30T23:59:59Z", PROTO_DATES_VN, out, sizeof out);
	assert_string_equal(out, "01/07/2023 06:59");
	proto_time_show("2023-12-31T20:00:00Z", PROTO_DATES_ISO, out, sizeof out);
	assert_string_equal(out, "2024-01-01 03:00");
	proto_time_show("2024-02-28T18:00:00Z", PROTO_DATES_VN, out, sizeof out);
	assert_string_equal(out, "29/02/2024 01:00");
	/* what is no UTC instant is shown as it is */
	proto_time_show("never", PROTO_DATES_VN, out, sizeof out);
	assert_string_equal(out, "never");
	proto_time_show("2023-06-20T25:00:00Z", PROTO_DATES_VN, out, sizeof out);
	assert_string_equal(out, "2023-06-20T25:00:00Z");
	proto_time_show("2023-06-20T07:05:09+02:00", PROTO_DATES_VN, out, sizeof out);
	assert_string_equal(out, "2023-06-20T07:05:09+02:00");
	proto_time_show("2023-06-20T07:0", PROTO_DATES_VN, out, sizeof out);
	assert_string_equal(out, "2023-06-20T07:0");
}

static void amount_parse(void **state)
{
	int64_t v = -1;

	assert_int_equal(proto_amount_parse("25.000.000", &v), 0);
	assert_int_equal(v, 25000000);
	assert_int_equal(proto_amount_parse("25000000", &v), 0);
	assert_int_equal(v, 25000000);
	assert_int_equal(proto_amount_parse("1.200", &v), 0);
	assert_int_equal(v, 1200);
	assert_int_equal(proto_amount_parse(" 500 ", &v), 0);
	assert_int_equal(v, 500);
	assert_int_equal(proto_amount_parse("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(proto_amount_parse("9.223.372.036.854.775.807", &v), 0);
	assert_int_equal(v, INT64_MAX);

	v = 7;
	assert_int_equal(proto_amount_parse("9223372036854775808", &v), -1);
	assert_int_equal(proto_amount_parse("25.00.000", &v), -1);
	assert_int_equal(proto_amount_parse("2500.000", &v), -1);
	assert_int_equal(proto_amount_parse("25.000.0000", &v), -1);
	assert_int_equal(proto_amount_parse(".500", &v), -1);
	assert_int_equal(proto_amount_parse("500.", &v), -1);
	assert_int_equal(proto_amount_parse("5..000", &v), -1);
	assert_int_equal(proto_amount_parse("5,5", &v), -1);
	assert_int_equal(proto_amount_parse("25,000,000", &v), -1);
	assert_int_equal(proto_amount_parse("-5", &v), -1);
	assert_int_equal(proto_amount_parse("+5", &v), -1);
	assert_int_equal(proto_amount_parse("25 000 000", &v), -1);
	assert_int_equal(proto_amount_parse("", &v), -1);
	assert_int_equal(proto_amount_parse(NULL, &v), -1);
	assert_int_equal(v, 7);
}

static void amount_show(void **state)
{
	char out[40];

	proto_amount_show(40000000, '.', out, sizeof out);
	assert_string_equal(out, "40.000.000");
	proto_amount_show(1200, '.', out, sizeof out);
	assert_string_equal(out, "1.200");
	proto_amount_show(999, '.', out, sizeof out);
	assert_string_equal(out, "999");
	proto_amount_show(0, '.', out, sizeof out);
	assert_string_equal(out, "0");
	proto_amount_show(1234567, ',', out, sizeof out);
	assert_string_equal(out, "1,234,567");
	proto_amount_show(1234567, 0, out, sizeof out);
	assert_string_equal(out, "1234567");
	proto_amount_show(-1500, '.', out, sizeof out);
	assert_string_equal(out, "-1.500");
	proto_amount_show(INT64_MIN, '.', out, sizeof out);
	assert_string_equal(out, "-9.223.372.036.854.775.808");
	proto_amount_show(40000000, '.', out, 5);
	assert_string_equal(out, "40.0");
}

TEST_MAIN(cmocka_unit_test(date_parse),
	  cmocka_unit_test(date_show),
	  cmocka_unit_test(time_show),
	  cmocka_unit_test(amount_parse),
	  cmocka_unit_test(amount_show))
