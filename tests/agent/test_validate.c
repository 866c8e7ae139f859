/*
 * test_validate.c - the rules every typed or imported value must meet:
 * national id (length, province code, century digit), dates, members,
 * categories, phone numbers, text, amounts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "agent.h"
#include "validate.h"

static char err[512];

static void national_id(void **state)
{
	assert_int_equal(agent_check_national_id("094123456789", err, sizeof err), 0);
	assert_int_equal(agent_check_national_id("001300000001", err, sizeof err), 0);
	assert_int_equal(agent_check_national_id("09412345678", err, sizeof err), -1);
	assert_non_null(strstr(err, "12 digits"));
	assert_int_equal(agent_check_national_id("0941234567890", err, sizeof err), -1);
	assert_int_equal(agent_check_national_id("09412345678a", err, sizeof err), -1);
	assert_int_equal(agent_check_national_id("003123456789", err, sizeof err), -1); /* no 003 */
	assert_non_null(strstr(err, "province"));
	assert_int_equal(agent_check_national_id("097123456789", err, sizeof err), -1);
	assert_int_equal(agent_check_national_id("094523456789", err, sizeof err), -1); /* 4th digit */
}

static void dates(void **state)
{
	assert_int_equal(agent_check_date("2023-07-15", "2023-06-01", "2023-09-07", err, sizeof err), 0);
	assert_int_equal(agent_check_date("2023-06-01", "2023-06-01", "2023-09-07", err, sizeof err), 0);
	assert_int_equal(agent_check_date("2023-05-31", "2023-06-01", "2023-09-07", err, sizeof err), -1);
	assert_non_null(strstr(err, "campaign period"));
	assert_int_equal(agent_check_date("2023-09-08", "2023-06-01", "2023-09-07", err, sizeof err), -1);
	assert_int_equal(agent_check_date("2023-02-29", NULL, NULL, err, sizeof err), -1);
	assert_int_equal(agent_check_date("2024-02-29", NULL, NULL, err, sizeof err), 0);
	assert_int_equal(agent_check_date("2023-13-01", NULL, NULL, err, sizeof err), -1);
	assert_int_equal(agent_check_date("15/07/2023", NULL, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "YYYY-MM-DD"));
	assert_int_equal(agent_check_date("2023-7-15", NULL, NULL, err, sizeof err), -1);
	assert_int_equal(agent_check_date("9999-12-31", NULL, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "future"));
	assert_int_equal(agent_check_date("2099-06-01", "2023-06-01", "2023-09-07", err, sizeof err), -1);
	assert_non_null(strstr(err, "future"));
	assert_int_equal(agent_check_date("2023-09-07", "2023-06-01", "2023-09-07", err, sizeof err), 0);
	assert_int_equal(agent_check_date("2023-02-30", "2023-06-01", "2023-09-07", err, sizeof err), -1);
	assert_non_null(strstr(err, "calendar"));
}

static void household_fields(void **state)
{
	agent_hh h;

	memset(&h, 0, sizeof h);
	assert_int_equal(agent_hh_missing(&h), PROTO_HH_NAME);
	assert_int_equal(agent_hh_set(&h, PROTO_HH_NAME, "  Nguyễn   Văn Ân ", err, sizeof err), 0);
	assert_string_equal(h.text[PROTO_HH_NAME], "Nguyễn Văn Ân");
	assert_int_equal(agent_hh_set(&h, PROTO_HH_NAME, "", err, sizeof err), -1);
	assert_int_equal(agent_hh_set(&h, PROTO_HH_MEMBERS, "0", err, sizeof err), -1);
	assert_int_equal(agent_hh_set(&h, PROTO_HH_MEMBERS, "100", err, sizeof err), -1);
	assert_int_equal(agent_hh_set(&h, PROTO_HH_MEMBERS, "4x", err, sizeof err), -1);
	assert_non_null(strstr(err, "from 1 to 99"));
	assert_int_equal(agent_hh_set(&h, PROTO_HH_MEMBERS, "-7", err, sizeof err), -1);
	assert_int_equal(agent_hh_set(&h, PROTO_HH_MEMBERS, "99", err, sizeof err), 0);
	assert_int_equal(agent_hh_set(&h, PROTO_HH_MEMBERS, "1", err, sizeof err), 0);
	assert_int_equal(agent_hh_set(&h, PROTO_HH_MEMBERS, "4", err, sizeof err), 0);
	assert_int_equal(h.num[PROTO_HH_MEMBERS], 4);
	assert_int_equal(agent_hh_set(&h, PROTO_HH_CATEGORY, "Near-Poor", err, sizeof err), 0);
	assert_string_equal(h.text[PROTO_HH_CATEGORY], "near_poor");
	assert_int_equal(agent_hh_set(&h, PROTO_HH_CATEGORY, "rich", err, sizeof err), -1);
	assert_non_null(strstr(err, "housing_hardship"));
	assert_int_equal(agent_hh_set(&h, PROTO_HH_LAND_STATUS, "owned", err, sizeof err), -1);
	assert_int_equal(agent_hh_set(&h, PROTO_HH_SUPPORT_KIND, "repair", err, sizeof err), 0);
	assert_int_equal(agent_hh_set(&h, PROTO_HH_PHONE, "0912 345 678", err, sizeof err), 0);
	assert_string_equal(h.text[PROTO_HH_PHONE], "0912345678");
	assert_int_equal(agent_hh_set(&h, PROTO_HH_PHONE, "+84912345678", err, sizeof err), 0);
	assert_int_equal(agent_hh_set(&h, PROTO_HH_PHONE, "12345", err, sizeof err), -1);
	assert_int_equal(agent_hh_set(&h, PROTO_HH_PHONE, "0912.345.67", err, sizeof err), -1);
	assert_non_null(strstr(err, "'091234567'"));
	assert_int_equal(agent_hh_set(&h, PROTO_HH_CONDITION,
				      "nhà \xc2\x9b"
				      "dột",
				      err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "control character"));
	assert_int_equal(agent_hh_set(&h, PROTO_HH_HAMLET, "Ấp\xff", err, sizeof err), -1);
	assert_non_null(strstr(err, "UTF-8"));
	assert_int_equal(agent_hh_set(&h, PROTO_HH_HAMLET, "Ấp 3", err, sizeof err), 0);
	assert_int_equal(agent_hh_missing(&h), 0);
	/* clearing an optional field is allowed, a required one is not */
	assert_int_equal(agent_hh_set(&h, PROTO_HH_NATIONAL_ID, "", err, sizeof err), 0);
	assert_true(h.is_null[PROTO_HH_NATIONAL_ID]);
	assert_int_equal(agent_hh_set(&h, PROTO_HH_MEMBERS, " ", err, sizeof err), -1);
	agent_hh_release(&h);
}

static void amounts(void **state)
{
	const uint8_t ct = PROTO_KIND_CONTRIBUTION;
	int64_t v;

	assert_int_equal(agent_check_amount(ct, PROTO_CT_MONEY, "50000000", 1, &v, err, sizeof err), 0);
	assert_int_equal(v, 50000000);
	assert_int_equal(agent_check_amount(ct, PROTO_CT_MONEY, "0", 1, &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "from 1 to 100000000000"));
	assert_int_equal(agent_check_amount(ct, PROTO_CT_MATERIAL_VALUE, "0", 0, &v, err, sizeof err), 0);
	assert_int_equal(agent_check_amount(ct, PROTO_CT_MONEY, "-5", 1, &v, err, sizeof err), -1);
	assert_int_equal(agent_check_amount(ct, PROTO_CT_MATERIAL_VALUE, "-5", 0, &v, err, sizeof err),
			 -1);
	/* dots group thousands, as Vietnamese write money; nothing else is read as a number */
	assert_int_equal(agent_check_amount(ct, PROTO_CT_MONEY, "25.000.000", 1, &v, err, sizeof err), 0);
	assert_int_equal(v, 25000000);
	assert_int_equal(agent_check_amount(ct, PROTO_CT_MONEY, "5.5", 1, &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "25.000.000"));
	assert_int_equal(agent_check_amount(ct, PROTO_CT_MONEY, "5,000", 1, &v, err, sizeof err), -1);
	assert_int_equal(agent_check_amount(ct, PROTO_CT_MONEY, "99999999999999999999", 1, &v, err,
					    sizeof err),
			 -1);
	assert_int_equal(agent_check_amount(ct, PROTO_CT_MONEY, "", 1, &v, err, sizeof err), -1);
	/* the rulebook's bounds, at the bound and one past it */
	assert_int_equal(agent_check_amount(ct, PROTO_CT_MONEY, "100000000000", 1, &v, err, sizeof err),
			 0);
	assert_int_equal(agent_check_amount(ct, PROTO_CT_MONEY, "100000000001", 1, &v, err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "'100000000001'"));
	assert_int_equal(agent_check_amount(ct, PROTO_CT_LABOUR, "100000", 1, &v, err, sizeof err), 0);
	assert_int_equal(agent_check_amount(ct, PROTO_CT_LABOUR, "100001", 1, &v, err, sizeof err), -1);
	assert_int_equal(agent_check_amount(ct, PROTO_CT_MATERIAL_VALUE, "100000000001", 0, &v, err,
					    sizeof err),
			 -1);
}

static void texts(void **state)
{
	const uint8_t ms = PROTO_KIND_MILESTONE;
	char buf[600];

	memset(buf, 'x', 500);
	buf[500] = '\0';
	assert_int_equal(agent_check_text(ms, PROTO_MS_FORCED, buf, err, sizeof err), 0);
	buf[500] = 'x';
	buf[501] = '\0';
	assert_int_equal(agent_check_text(ms, PROTO_MS_FORCED, buf, err, sizeof err), -1);
	assert_non_null(strstr(err, "501 bytes, at most 500"));
	assert_int_equal(agent_check_text(ms, PROTO_MS_NOTE,
					  "A\x7f"
					  "B",
					  err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "control character"));
	/* C1: U+009B (CSI) is two bytes of UTF-8 and as dangerous as ESC [ */
	assert_int_equal(agent_check_text(ms, PROTO_MS_NOTE,
					  "A\xc2\x9b"
					  "2J",
					  err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "control character"));
	assert_int_equal(agent_check_text(ms, PROTO_MS_NOTE, "Mái Ấm", err, sizeof err), 0);
}

static void references(void **state)
{
	char ref[32], norm[32];
	proto_id id;

	agent_ref_make(0x25f33fe1941e8f4bULL, 15, ref);
	assert_int_equal(strlen(ref), 7);
	assert_int_equal(ref[4], '-');
	assert_int_equal(agent_ref_normalize("4qsk-15", norm), 0);
	assert_string_equal(norm, "4QSK-15");
	assert_int_equal(agent_ref_normalize("4OSL-15", norm), 0);
	assert_string_equal(norm, "40S1-15");
	assert_int_equal(agent_ref_normalize("4QSU-15", norm), -1); /* U is not Crockford */
	assert_int_equal(agent_ref_normalize("4QSK-0", norm), -1);
	assert_int_equal(agent_ref_normalize("4QSK-", norm), -1);
	assert_int_equal(agent_id_parse("25f33fe1941e8f4b-15", &id), 0);
	assert_true(id.origin == 0x25f33fe1941e8f4bULL && id.serial == 15);
	assert_int_equal(agent_id_parse("25f33fe1941e8f4-15", &id), -1);
	assert_int_equal(agent_id_parse("25f33fe1941e8f4g-15", &id), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(national_id),
		cmocka_unit_test(dates),
		cmocka_unit_test(household_fields),
		cmocka_unit_test(amounts),
		cmocka_unit_test(texts),
		cmocka_unit_test(references),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
