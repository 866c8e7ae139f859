/*
 * test_rules.c - the rulebook (rules.h): every bound at the bound and one
 * past it, calendar days, the campaign's period and units, national ID,
 * phone, text content, every enum, events' required fields, and the one line
 * a violation prints (record, field, value shown safely, rule).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "maiam/rules.h"
#include "maiam/schema.h"
#include "testmain.h"

#define CAMPAIGN_FILE MAIAM_SOURCE_DIR "/campaigns/soc-trang-2023.campaign"

static proto_campaign camp;
static proto_rules rules; /* the campaign, latest 2023-08-01 */
static proto_rules bare;  /* no campaign, no latest */

static int setup(void **state)
{
	char err[512];

	(void)state;
	if (proto_campaign_load(CAMPAIGN_FILE, &camp, err, sizeof err) != PROTO_OK) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	proto_rules_init(&rules, &camp, "2023-08-01");
	proto_rules_init(&bare, NULL, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	proto_campaign_release(&camp);
	return 0;
}

static proto_value ival(int64_t i)
{
	proto_value v = { .type = PROTO_V_INT, .i = i };
	return v;
}

static proto_value tval(const char *s)
{
	proto_value v = { .type = PROTO_V_TEXT, .text = s, .len = strlen(s) };
	return v;
}

static proto_value nval(void)
{
	proto_value v = { .type = PROTO_V_NULL };
	return v;
}

static proto_rule chk(const proto_rules *r, uint8_t kind, uint8_t field, proto_value v)
{
	proto_violation out;

	return proto_rules_check_value(r, kind, field, &v, &out);
}

/* Each text of a NULL-terminated list checks as want for (kind, field). */
static void expect_texts(const proto_rules *r, uint8_t kind, uint8_t field, proto_rule want,
			 const char *const *texts)
{
	for (size_t i = 0; texts[i]; i++) {
		proto_rule got = chk(r, kind, field, tval(texts[i]));

		if (got != want)
			fail_msg("'%s': rule %s, want %s", texts[i], proto_rule_name(got),
				 proto_rule_name(want));
	}
}

#define HH PROTO_KIND_HOUSEHOLD
#define MS PROTO_KIND_MILESTONE
#define CT PROTO_KIND_CONTRIBUTION
#define VO PROTO_KIND_VOID

static void test_ranges(void **state)
{
	static const struct {
		uint8_t field;
		int64_t max;
	} amounts[] = {
		{ PROTO_CT_MONEY, PROTO_RULE_MONEY_MAX },
		{ PROTO_CT_LABOUR, PROTO_RULE_LABOUR_MAX },
		{ PROTO_CT_MATERIAL_VALUE, PROTO_RULE_MATERIAL_VALUE_MAX },
	};
	proto_violation out;
	proto_value v;

	(void)state;
	assert_int_equal(chk(&rules, HH, PROTO_HH_MEMBERS, ival(1)), PROTO_RULE_OK);
	assert_int_equal(chk(&rules, HH, PROTO_HH_MEMBERS, ival(0)), PROTO_RULE_RANGE);
	assert_int_equal(chk(&rules, HH, PROTO_HH_MEMBERS, ival(99)), PROTO_RULE_OK);
	assert_int_equal(chk(&rules, HH, PROTO_HH_MEMBERS, ival(100)), PROTO_RULE_RANGE);
	assert_int_equal(chk(&rules, HH, PROTO_HH_MEMBERS, ival(-7)), PROTO_RULE_RANGE);
	for (size_t i = 0; i < sizeof amounts / sizeof amounts[0]; i++) {
		assert_int_equal(chk(&rules, CT, amounts[i].field, ival(0)), PROTO_RULE_OK);
		assert_int_equal(chk(&rules, CT, amounts[i].field, ival(-1)), PROTO_RULE_RANGE);
		assert_int_equal(chk(&rules, CT, amounts[i].field, ival(amounts[i].max)), PROTO_RULE_OK);
		assert_int_equal(chk(&rules, CT, amounts[i].field, ival(amounts[i].max + 1)),
				 PROTO_RULE_RANGE);
		assert_int_equal(chk(&rules, CT, amounts[i].field, ival(INT64_MIN)), PROTO_RULE_RANGE);
		assert_int_equal(chk(&rules, CT, amounts[i].field, ival(INT64_MAX)), PROTO_RULE_RANGE);
	}
	v = ival(PROTO_RULE_MONEY_MAX + 1);
	assert_int_equal(proto_rules_check_value(&rules, CT, PROTO_CT_MONEY, &v, &out), PROTO_RULE_RANGE);
	assert_int_equal(out.min, 0);
	assert_int_equal(out.max, PROTO_RULE_MONEY_MAX);
	assert_string_equal(out.value, "100000000001");
	/* a NULL clears an optional value; the wrong type is refused */
	assert_int_equal(chk(&rules, CT, PROTO_CT_MONEY, nval()), PROTO_RULE_OK);
	assert_int_equal(chk(&rules, CT, PROTO_CT_MONEY, tval("5")), PROTO_RULE_TYPE);
	assert_int_equal(chk(&rules, HH, 63, ival(1)), PROTO_RULE_TYPE);
}

static void test_dates(void **state)
{
	static const uint8_t kinds[2][2] = { { MS, PROTO_MS_DATE }, { CT, PROTO_CT_DATE } };
	proto_violation out;
	proto_value v;
	proto_rules late;

	(void)state;
	for (int k = 0; k < 2; k++) {
		uint8_t kind = kinds[k][0], f = kinds[k][1];

		assert_int_equal(chk(&rules, kind, f, tval("2023-06-01")), PROTO_RULE_OK);
		assert_int_equal(chk(&rules, kind, f, tval("2023-05-31")), PROTO_RULE_DATE_PERIOD);
		assert_int_equal(chk(&rules, kind, f, tval("2023-08-01")), PROTO_RULE_OK);
		assert_int_equal(chk(&rules, kind, f, tval("2023-08-02")), PROTO_RULE_DATE_FUTURE);
		assert_int_equal(chk(&rules, kind, f, tval("2023-02-30")), PROTO_RULE_DATE_CALENDAR);
		assert_int_equal(chk(&rules, kind, f, tval("9999-99-99")), PROTO_RULE_DATE_CALENDAR);
		assert_int_equal(chk(&rules, kind, f, tval("2023-6-01")), PROTO_RULE_DATE_FORMAT);
		assert_int_equal(chk(&rules, kind, f, tval("01/06/2023")), PROTO_RULE_DATE_FORMAT);
		assert_int_equal(chk(&rules, kind, f, tval("2023-06-01 ")), PROTO_RULE_DATE_FORMAT);
		assert_int_equal(chk(&rules, kind, f, tval("")), PROTO_RULE_DATE_FORMAT);
	}
	/* in the future and after the period: the future is said first */
	assert_int_equal(chk(&rules, MS, PROTO_MS_DATE, tval("2023-09-08")), PROTO_RULE_DATE_FUTURE);
	/* the report due date is the last day, even with latest far after it */
	proto_rules_init(&late, &camp, "2030-01-01");
	assert_int_equal(chk(&late, MS, PROTO_MS_DATE, tval("2023-09-07")), PROTO_RULE_OK);
	assert_int_equal(chk(&late, MS, PROTO_MS_DATE, tval("2023-09-08")), PROTO_RULE_DATE_PERIOD);
	/* a hand-over after the deadline (2023-09-02) is valid: reported late, not refused */
	assert_int_equal(chk(&late, MS, PROTO_MS_DATE, tval("2023-09-03")), PROTO_RULE_OK);
	v = tval("2023-09-08");
	proto_rules_check_value(&late, MS, PROTO_MS_DATE, &v, &out);
	assert_int_equal(out.detail, PROTO_DETAIL_AFTER_DUE);
	assert_int_equal(out.min, 20230601);
	assert_int_equal(out.max, 20230907);
	v = tval("2023-05-31");
	proto_rules_check_value(&late, MS, PROTO_MS_DATE, &v, &out);
	assert_int_equal(out.detail, PROTO_DETAIL_BEFORE_START);
	v = tval("2023-08-02");
	proto_rules_check_value(&rules, MS, PROTO_MS_DATE, &v, &out);
	assert_int_equal(out.max, 20230801);
	/* calendar days without a campaign */
	{
		static const char *const real[] = { "2024-02-29", "2000-02-29", "2023-12-31", NULL };
		static const char *const unreal[] = { "2023-02-29", "2100-02-29", "2023-04-31",
						      "2023-13-01", "2023-00-10", "2023-01-00",
						      "0000-01-01", NULL };

		expect_texts(&bare, MS, PROTO_MS_DATE, PROTO_RULE_OK, real);
		expect_texts(&bare, MS, PROTO_MS_DATE, PROTO_RULE_DATE_CALENDAR, unreal);
	}
}

static void test_day(void **state)
{
	static const struct {
		time_t t;
		int offset;
		const char *want;
	} days[] = {
		/* 2023-07-31 16:59:59 UTC is 23:59:59 in Vietnam; one second later it is August */
		{ 1690822799, 0, "2023-07-31" },
		{ 1690822800, 0, "2023-08-01" },
		{ 1690822800, 1, "2023-08-02" },
		{ 1690822799, -31, "2023-06-30" },
		/* across a year and a leap day */
		{ 1704041999, 0, "2023-12-31" }, /* 2023-12-31 16:59:59 UTC */
		{ 1704042000, 0, "2024-01-01" },
		{ 1704042000, 59, "2024-02-29" },
		{ 0, 0, "1970-01-01" },
		{ -25201, 0, "1969-12-31" }, /* 1969-12-31 16:59:59 UTC + 7 h = 23:59:59 */
	};
	char d[11];

	(void)state;
	for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
		proto_rules_day(days[i].t, days[i].offset, d);
		assert_string_equal(d, days[i].want);
	}
}

static void test_national_id(void **state)
{
	static const char *const good[] = { "094123456789", "001300000001", "094323456789", NULL };
	static const char *const bad[] = { "09412345678", "0941234567890", "not-a-cccd", NULL };
	static const struct {
		const char *text;
		int detail;
	} why[] = {
		{ "09412345678a", PROTO_DETAIL_NID_DIGITS },
		{ "003123456789", PROTO_DETAIL_NID_PROVINCE }, /* 003 is no province */
		{ "094423456789", PROTO_DETAIL_NID_CENTURY },  /* century digit 4 */
	};

	(void)state;
	expect_texts(&rules, HH, PROTO_HH_NATIONAL_ID, PROTO_RULE_OK, good);
	expect_texts(&rules, HH, PROTO_HH_NATIONAL_ID, PROTO_RULE_NATIONAL_ID, bad);
	for (size_t i = 0; i < sizeof why / sizeof why[0]; i++) {
		proto_violation out;
		proto_value v = tval(why[i].text);

		proto_rules_check_value(&rules, HH, PROTO_HH_NATIONAL_ID, &v, &out);
		assert_int_equal(out.rule, PROTO_RULE_NATIONAL_ID);
		assert_int_equal(out.detail, why[i].detail);
	}
	assert_int_equal(chk(&rules, HH, PROTO_HH_NATIONAL_ID, nval()), PROTO_RULE_OK);
}

static void test_phone(void **state)
{
	static const char *const good[] = { "0912345678", "+84912345678", NULL };
	static const char *const bad[] = { "091234567",    "09123456789",  "1912345678", "+8491234567",
					   "0912 345 678", "+85912345678", NULL };

	(void)state;
	expect_texts(&rules, HH, PROTO_HH_PHONE, PROTO_RULE_OK, good);
	expect_texts(&rules, HH, PROTO_HH_PHONE, PROTO_RULE_PHONE, bad);
}

static void test_text(void **state)
{
	static const struct {
		uint8_t kind, field;
		size_t max;
	} fields[] = {
		{ HH, PROTO_HH_NAME, 200 },          { HH, PROTO_HH_HAMLET, 200 },
		{ CT, PROTO_CT_DONOR, 200 },         { HH, PROTO_HH_ADDRESS, 500 },
		{ HH, PROTO_HH_CONDITION, 500 },     { CT, PROTO_CT_MATERIAL, 500 },
		{ MS, PROTO_MS_FORCED, 500 },        { VO, PROTO_VO_REASON, 500 },
		{ HH, PROTO_HH_REVIEW_REASON, 500 }, { HH, PROTO_HH_NOTE, 2000 },
		{ MS, PROTO_MS_NOTE, 2000 },         { CT, PROTO_CT_NOTE, 2000 },
	};
	char buf[2100];
	proto_violation out;
	proto_value v;

	(void)state;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		uint8_t k = fields[i].kind, f = fields[i].field;

		assert_int_equal(proto_rules_text_max(k, f), fields[i].max);
		memset(buf, 'x', fields[i].max + 1);
		buf[fields[i].max] = '\0';
		assert_int_equal(chk(&rules, k, f, tval(buf)), PROTO_RULE_OK);
		buf[fields[i].max] = 'x';
		buf[fields[i].max + 1] = '\0';
		v = tval(buf);
		assert_int_equal(proto_rules_check_value(&rules, k, f, &v, &out), PROTO_RULE_TEXT_LENGTH);
		assert_int_equal(out.max, (int64_t)fields[i].max);
		assert_int_equal(out.len, fields[i].max + 1);
		assert_int_equal(chk(&rules, k, f, tval("A\001B")), PROTO_RULE_TEXT_CONTROL);
		assert_int_equal(chk(&rules, k, f, tval("A\tB")), PROTO_RULE_TEXT_CONTROL);
		assert_int_equal(chk(&rules, k, f,
				     tval("A\x7f"
					  "B")),
				 PROTO_RULE_TEXT_CONTROL);
		assert_int_equal(chk(&rules, k, f,
				     tval("A\xc2\x9b"
					  "31m")),
				 PROTO_RULE_TEXT_CONTROL);
		assert_int_equal(chk(&rules, k, f, tval("A\xc2\x80")), PROTO_RULE_TEXT_CONTROL);
		assert_int_equal(chk(&rules, k, f, tval("A\xc2\x9f")), PROTO_RULE_TEXT_CONTROL);
		assert_int_equal(chk(&rules, k, f,
				     tval("A\xc2\xa0"
					  "B")),
				 PROTO_RULE_OK); /* NBSP */
		assert_int_equal(chk(&rules, k, f, tval("Nguy\xe1n")), PROTO_RULE_TEXT_UTF8);
		assert_int_equal(chk(&rules, k, f, tval("\xc0\xaf")), PROTO_RULE_TEXT_UTF8);
		assert_int_equal(chk(&rules, k, f, tval("Nguyễn Văn Ân")), PROTO_RULE_OK);
	}
	/* a multi-byte character at the limit counts in bytes */
	memset(buf, 'x', 198);
	memcpy(buf + 198, "\xc3\xa2", 3); /* 200 bytes */
	assert_int_equal(chk(&rules, HH, PROTO_HH_NAME, tval(buf)), PROTO_RULE_OK);
	memcpy(buf + 197, "\xe1\xba\xa5", 4); /* 200 bytes */
	assert_int_equal(chk(&rules, HH, PROTO_HH_NAME, tval(buf)), PROTO_RULE_OK);
	buf[197] = 'x';
	memcpy(buf + 198, "\xe1\xba\xa5", 4); /* 201 bytes */
	assert_int_equal(chk(&rules, HH, PROTO_HH_NAME, tval(buf)), PROTO_RULE_TEXT_LENGTH);
	/* the text rule on its own */
	assert_int_equal(proto_rules_check_text("abc", 3, 3), PROTO_RULE_OK);
	assert_int_equal(proto_rules_check_text("abcd", 4, 3), PROTO_RULE_TEXT_LENGTH);
	assert_int_equal(proto_rules_check_text("a\x1b[2J", 5, 0), PROTO_RULE_TEXT_CONTROL);
	assert_int_equal(proto_rules_text_max(HH, PROTO_HH_MEMBERS), 0);
}

static void test_enums(void **state)
{
	static const struct {
		uint8_t kind, field;
		const char *good, *bad;
		size_t n;
	} enums[] = {
		{ HH, PROTO_HH_CATEGORY, "near_poor", "evil", 5 },
		{ HH, PROTO_HH_LAND_STATUS, "family_land", "owned", 6 },
		{ HH, PROTO_HH_SUPPORT_KIND, "repair", "rebuild", 2 },
		{ HH, PROTO_HH_REVIEW_STATUS, "approved", "maybe", 3 },
		{ MS, PROTO_MS_STAGE, "handed_over", "bogus_stage", 8 },
		{ CT, PROTO_CT_SOURCE, "provincial_police", "police", 7 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof enums / sizeof enums[0]; i++) {
		const char *const *codes = proto_rules_enum(enums[i].kind, enums[i].field);
		size_t n = 0;

		assert_non_null(codes);
		while (codes[n]) {
			assert_int_equal(chk(&rules, enums[i].kind, enums[i].field, tval(codes[n])),
					 PROTO_RULE_OK);
			n++;
		}
		assert_int_equal(n, enums[i].n);
		assert_int_equal(chk(&rules, enums[i].kind, enums[i].field, tval(enums[i].good)),
				 PROTO_RULE_OK);
		assert_int_equal(chk(&rules, enums[i].kind, enums[i].field, tval(enums[i].bad)),
				 PROTO_RULE_ENUM);
		/* codes are stored normalised: case and a prefix do not pass */
		assert_int_equal(chk(&rules, enums[i].kind, enums[i].field, tval("")), PROTO_RULE_ENUM);
		assert_int_equal(chk(&rules, enums[i].kind, enums[i].field, tval("POOR")),
				 PROTO_RULE_ENUM);
	}
	assert_int_equal(chk(&rules, HH, PROTO_HH_CATEGORY, tval("poo")), PROTO_RULE_ENUM);
	assert_int_equal(chk(&rules, HH, PROTO_HH_CATEGORY, tval("poor ")), PROTO_RULE_ENUM);
	assert_null(proto_rules_enum(HH, PROTO_HH_NAME));
	{
		proto_value empty = { .type = PROTO_V_TEXT, .text = NULL, .len = 0 };
		proto_violation out;

		assert_int_equal(proto_rules_check_value(&rules, HH, PROTO_HH_CATEGORY, &empty, &out),
				 PROTO_RULE_ENUM);
		assert_int_equal(proto_rules_check_value(&rules, HH, PROTO_HH_NAME, &empty, &out),
				 PROTO_RULE_OK);
		assert_string_equal(out.value, "");
	}
	/* a void targets an event kind */
	assert_int_equal(chk(&rules, VO, PROTO_VO_TARGET_KIND, ival(PROTO_KIND_MILESTONE)), PROTO_RULE_OK);
	assert_int_equal(chk(&rules, VO, PROTO_VO_TARGET_KIND, ival(PROTO_KIND_CONTRIBUTION)),
			 PROTO_RULE_OK);
	assert_int_equal(chk(&rules, VO, PROTO_VO_TARGET_KIND, ival(PROTO_KIND_HOUSEHOLD)),
			 PROTO_RULE_ENUM);
	assert_int_equal(chk(&rules, VO, PROTO_VO_TARGET_KIND, ival(PROTO_KIND_VOID)), PROTO_RULE_ENUM);
	assert_int_equal(chk(&rules, VO, PROTO_VO_TARGET_KIND, ival(-1)), PROTO_RULE_ENUM);
}

static void test_units(void **state)
{
	(void)state;
	assert_int_equal(chk(&rules, HH, PROTO_HH_COMMUNE, ival(31498)), PROTO_RULE_OK);
	assert_int_equal(chk(&rules, HH, PROTO_HH_COMMUNE, ival(941)), PROTO_RULE_UNIT); /* district */
	assert_int_equal(chk(&rules, HH, PROTO_HH_COMMUNE, ival(94)), PROTO_RULE_UNIT);  /* province */
	assert_int_equal(chk(&rules, HH, PROTO_HH_COMMUNE, ival(1)), PROTO_RULE_UNIT);
	assert_int_equal(chk(&rules, HH, PROTO_HH_COMMUNE, ival(-31498)), PROTO_RULE_UNIT);
	assert_int_equal(chk(&rules, HH, PROTO_HH_COMMUNE, ival((int64_t)1 << 32 | 31498)),
			 PROTO_RULE_UNIT);
	assert_int_equal(chk(&rules, CT, PROTO_CT_UNIT, ival(31498)), PROTO_RULE_OK);
	assert_int_equal(chk(&rules, CT, PROTO_CT_UNIT, ival(941)), PROTO_RULE_OK);
	assert_int_equal(chk(&rules, CT, PROTO_CT_UNIT, ival(94)), PROTO_RULE_UNIT);
	assert_int_equal(chk(&rules, CT, PROTO_CT_UNIT, ival(26734)), PROTO_RULE_UNIT); /* Hà Nội */
	/* without a campaign there are no units to hold a code to */
	assert_int_equal(chk(&bare, HH, PROTO_HH_COMMUNE, ival(26734)), PROTO_RULE_OK);
}

/* A milestone record built by hand, so fields may be left out or NULL. */
static void milestone(proto_changeset *cs, int omit, const char *stage)
{
	proto_id id = { 0x1f2e3d4c5b6a7980ULL, 12 }, hh = { 0x1f2e3d4c5b6a7980ULL, 3 };

	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_MILESTONE, id, 1000, id.origin), PROTO_OK);
	if (omit != PROTO_MS_HOUSEHOLD)
		assert_int_equal(proto_changeset_add_ref(cs, PROTO_MS_HOUSEHOLD, 0, hh), PROTO_OK);
	if (omit != PROTO_MS_STAGE)
		assert_int_equal(proto_changeset_add_text(cs, PROTO_MS_STAGE, 0, stage, strlen(stage)),
				 PROTO_OK);
	if (omit != PROTO_MS_DATE)
		assert_int_equal(proto_changeset_add_text(cs, PROTO_MS_DATE, 0, "2023-07-01", 10),
				 PROTO_OK);
}

static void test_records(void **state)
{
	proto_changeset cs;
	proto_violation out;
	proto_id hh = { 0x1f2e3d4c5b6a7980ULL, 3 };
	char line[256];

	(void)state;
	assert_int_equal(proto_changeset_init(&cs, "soc-trang-2023", 0x1f2e3d4c5b6a7980ULL, 1, NULL, 1),
			 PROTO_OK);
	milestone(&cs, 0, "roof");
	assert_int_equal(proto_rules_check_record(&rules, &cs.records[0], &out), PROTO_RULE_OK);
	milestone(&cs, PROTO_MS_DATE, "roof");
	assert_int_equal(proto_rules_check_record(&rules, &cs.records[1], &out), PROTO_RULE_REQUIRED);
	assert_int_equal(out.field, PROTO_MS_DATE);
	proto_violation_text(&out, line, sizeof line);
	assert_string_equal(line, "milestone 1f2e3d4c5b6a7980-12: date is required");
	milestone(&cs, 0, "");
	assert_int_equal(proto_rules_check_record(&rules, &cs.records[2], &out), PROTO_RULE_REQUIRED);
	assert_int_equal(out.field, PROTO_MS_STAGE);
	/* a NULL where an event needs a value (the builder refuses it; a forger need not) */
	{
		proto_field f[3] = { cs.records[0].fields[0], cs.records[0].fields[1],
				     cs.records[0].fields[2] };
		proto_record rec = cs.records[0];

		f[1].value.type = PROTO_V_NULL;
		rec.fields = f;
		assert_int_equal(proto_rules_check_record(&rules, &rec, &out), PROTO_RULE_REQUIRED);
		assert_int_equal(out.field, PROTO_MS_STAGE);
		proto_violation_text(&out, line, sizeof line);
		assert_string_equal(line, "milestone 1f2e3d4c5b6a7980-12: stage is required");
		f[1] = cs.records[0].fields[1];
		f[2].value.text = "2023-02-30";
		assert_int_equal(proto_rules_check_record(&rules, &rec, &out), PROTO_RULE_DATE_CALENDAR);
		f[2].value.type = PROTO_V_INT;
		assert_int_equal(proto_rules_check_record(&rules, &rec, &out), PROTO_RULE_TYPE);
	}
	/* the first violation of a change-set says which record */
	assert_int_equal(proto_rules_check_changeset(&rules, &cs, &out), PROTO_RULE_REQUIRED);
	assert_int_equal(out.record, 1);
	proto_changeset_release(&cs);

	/* a household carries only what changed: nothing is required */
	assert_int_equal(proto_changeset_init(&cs, "soc-trang-2023", hh.origin, 1, NULL, 1), PROTO_OK);
	assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, hh, 1000, hh.origin), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(&cs, PROTO_HH_MEMBERS, 0, 4), PROTO_OK);
	assert_int_equal(proto_rules_check_changeset(&rules, &cs, &out), PROTO_RULE_OK);
	assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, hh, 1001, hh.origin), PROTO_OK);
	assert_int_equal(proto_changeset_add_null(&cs, PROTO_HH_NAME, 0), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(&cs, PROTO_HH_MEMBERS, 0, -7), PROTO_OK);
	assert_int_equal(proto_rules_check_changeset(&rules, &cs, &out), PROTO_RULE_RANGE);
	assert_int_equal(out.record, 1);
	assert_int_equal(out.field, PROTO_HH_MEMBERS);
	assert_true(proto_id_eq(out.id, hh));
	proto_violation_text(&out, line, sizeof line);
	assert_string_equal(line, "household 1f2e3d4c5b6a7980-3: members '-7' is outside 1..99");
	proto_changeset_release(&cs);
	/* NULL rules: no campaign, no latest */
	assert_int_equal(proto_changeset_init(&cs, "soc-trang-2023", hh.origin, 1, NULL, 1), PROTO_OK);
	milestone(&cs, 0, "walls");
	assert_int_equal(proto_rules_check_changeset(NULL, &cs, NULL), PROTO_RULE_OK);
	proto_changeset_release(&cs);
}

static void test_violation_text(void **state)
{
	proto_violation out;
	proto_value v;
	char line[256], big[300];

	(void)state;
	v = tval("2023-02-30");
	proto_rules_check_value(&rules, MS, PROTO_MS_DATE, &v, &out);
	out.id.origin = 0x1f2e3d4c5b6a7980ULL;
	out.id.serial = 12;
	proto_violation_text(&out, line, sizeof line);
	assert_string_equal(line,
			    "milestone 1f2e3d4c5b6a7980-12: date '2023-02-30' is not a calendar day");
	assert_string_equal(proto_rule_name(out.rule), "date_calendar");

	/* terminal escapes, C1 and bad bytes are shown as '?' */
	v = tval("evil\x1b[2J\xc2\x9b"
		 "31m\xff"
		 "end");
	proto_rules_check_value(&rules, HH, PROTO_HH_CATEGORY, &v, &out);
	assert_string_equal(out.value, "evil?[2J?31m?end");
	proto_violation_text(&out, line, sizeof line);
	assert_string_equal(line,
			    "household 0000000000000000-0: category 'evil?[2J?31m?end' is not valid UTF-8");
	v = tval("evil\x1b[2J");
	proto_rules_check_value(&rules, HH, PROTO_HH_CATEGORY, &v, &out);
	proto_violation_text(&out, line, sizeof line);
	assert_string_equal(
		line, "household 0000000000000000-0: category 'evil?[2J' contains a control character");
	v = tval("evil");
	proto_rules_check_value(&rules, HH, PROTO_HH_CATEGORY, &v, &out);
	proto_violation_text(&out, line, sizeof line);
	assert_string_equal(line,
			    "household 0000000000000000-0: category 'evil' is not one of the allowed codes");

	/* a long value is cut at a character boundary, with "..." */
	memset(big, 0, sizeof big);
	for (size_t i = 0; i + 2 < 260; i += 2)
		memcpy(big + i, "\xc3\xa2", 2);
	v = tval(big);
	proto_rules_check_value(&rules, HH, PROTO_HH_NAME, &v, &out);
	assert_int_equal(out.rule, PROTO_RULE_TEXT_LENGTH);
	assert_true(strlen(out.value) < sizeof out.value);
	assert_non_null(strstr(out.value, "..."));
	assert_int_equal((strlen(out.value) - 3) % 2, 0);
	proto_violation_text(&out, line, sizeof line);
	assert_non_null(strstr(line, "name '"));
	assert_non_null(strstr(line, "is 258 bytes, more than 200"));

	{
		static const struct {
			uint8_t kind, field;
			proto_value v;
			const char *says;
		} said[] = {
			{ CT,
			  PROTO_CT_DATE,
			  { .type = PROTO_V_TEXT, .text = "2023-05-31", .len = 10 },
			  "contribution 0000000000000000-0: date '2023-05-31' is outside the campaign period 2023-06-01 to 2023-09-07" },
			{ CT,
			  PROTO_CT_DATE,
			  { .type = PROTO_V_TEXT, .text = "2023-08-02", .len = 10 },
			  "'2023-08-02' is later than 2023-08-01" },
			{ CT,
			  PROTO_CT_LABOUR,
			  { .type = PROTO_V_INT, .i = -9 },
			  "labour_days '-9' is outside 0..100000" },
			{ HH,
			  PROTO_HH_NATIONAL_ID,
			  { .type = PROTO_V_TEXT, .text = "003123456789", .len = 12 },
			  "national_id '003123456789' is not a national ID" },
		};

		for (size_t i = 0; i < sizeof said / sizeof said[0]; i++) {
			proto_rules_check_value(&rules, said[i].kind, said[i].field, &said[i].v, &out);
			proto_violation_text(&out, line, sizeof line);
			if (!strstr(line, said[i].says))
				fail_msg("'%s' does not say '%s'", line, said[i].says);
		}
	}

	/* every rule has a stable name */
	for (int r = 0; r < PROTO_RULE_MAX; r++)
		assert_string_not_equal(proto_rule_name((proto_rule)r), "unknown");
	assert_string_equal(proto_rule_name(PROTO_RULE_MAX), "unknown");
	assert_string_equal(proto_rule_name(PROTO_RULE_RANGE), "range");
}

/* The calendar rule alone, as the campaign loader and the reports' --as-of
 * use it: the shape, then the day, the year handed back. */
static void test_calendar_day(void **state)
{
	static const struct {
		const char *day;
		size_t len;
		proto_rule want;
	} days[] = {
		{ "2024-02-29", 10, PROTO_RULE_OK },
		{ "2023-02-29", 10, PROTO_RULE_DATE_CALENDAR },
		{ "1900-02-29", 10, PROTO_RULE_DATE_CALENDAR },
		{ "2000-02-29", 10, PROTO_RULE_OK },
		{ "2023-04-31", 10, PROTO_RULE_DATE_CALENDAR },
		{ "2023-13-01", 10, PROTO_RULE_DATE_CALENDAR },
		{ "2023-00-10", 10, PROTO_RULE_DATE_CALENDAR },
		{ "2023-01-00", 10, PROTO_RULE_DATE_CALENDAR },
		{ "9999-99-99", 10, PROTO_RULE_DATE_CALENDAR },
		{ "2023-9-02", 9, PROTO_RULE_DATE_FORMAT },
		{ "2023/09/02", 10, PROTO_RULE_DATE_FORMAT },
		{ "2023-09-02", 9, PROTO_RULE_DATE_FORMAT },
		{ "+023-09-02", 10, PROTO_RULE_DATE_FORMAT },
	};
	int y = 0;

	(void)state;
	assert_int_equal(proto_rules_calendar_day("2023-09-02", 10, &y), PROTO_RULE_OK);
	assert_int_equal(y, 2023);
	for (size_t i = 0; i < sizeof days / sizeof days[0]; i++)
		if (proto_rules_calendar_day(days[i].day, days[i].len, NULL) != days[i].want)
			fail_msg("'%.*s' is not %s", (int)days[i].len, days[i].day,
				 proto_rule_name(days[i].want));
	assert_int_equal(proto_rules_calendar_day(NULL, 10, NULL), PROTO_RULE_DATE_FORMAT);
}

TEST_MAIN_WITH(setup, teardown, cmocka_unit_test(test_ranges), cmocka_unit_test(test_dates),
	       cmocka_unit_test(test_day), cmocka_unit_test(test_national_id),
	       cmocka_unit_test(test_phone), cmocka_unit_test(test_text), cmocka_unit_test(test_enums),
	       cmocka_unit_test(test_units), cmocka_unit_test(test_records),
	       cmocka_unit_test(test_violation_text), cmocka_unit_test(test_calendar_day))
