/*
 * test_report_queue.c - two items of the reconcile queue: one stage of a
 * house recorded by two laptops on different days (flagged with both dates
 * and both laptops, cleared by a void or a withdrawal, resolvable like any
 * other item, the same after a rebuild), and a rejected change-set closed
 * when the ledger later takes the very same change-set (origin, seq and
 * hash; docs/REPORTS.md, "reconcile").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hub.h"
#include "report.h"
#include "reptest.h"
#include "testmain.h"

#define END_2023 "2023-12-31"
#define LAPTOP_A 0xaaaa000000000001ull
#define LAPTOP_B 0xbbbb000000000002ull

/* The reconcile report as of the end of 2023 holds text (or not). */
static void expect_text(rt_db *t, int format, const char *text, int present)
{
	rt_expect_reconcile_text(t, format, END_2023, text, present);
}

static void expect_rebuild_same(rt_db *t)
{
	rt_expect_rebuild_same(t, END_2023);
}

static void test_stage_two_dates(void **state)
{
	rt_db t;
	rt_batch a, b;
	proto_id hh, quiet, alone, roof_b;
	char item[96], err[256];
	int c941;

	(void)state;
	rt_db_open(&t);
	c941 = rt_commune_of(&t, 941);
	assert_int_equal(rt_report_migrate(&t), 0);
	rt_batch_init(&a, LAPTOP_A);
	rt_batch_init(&b, LAPTOP_B);
	hh = rt_household(&a, c941, "Đặng Văn Sáu", NULL, "approved");
	quiet = rt_household(&a, c941, "Đặng Thị Bảy", NULL, "approved");
	alone = rt_household(&a, c941, "Đặng Văn Tám", NULL, "approved");
	rt_milestone(&a, hh, "roof", "2023-07-10", NULL);
	rt_milestone(&a, quiet, "roof", "2023-07-10", NULL);
	rt_milestone(&a, alone, "roof", "2023-07-10", NULL);
	rt_milestone(&a, alone, "roof", "2023-07-11", NULL); /* one laptop, two days: no item */
	rt_flush(&a, t.db);
	rt_milestone(&b, quiet, "roof", "2023-07-10", NULL); /* two laptops, one day: no item */
	roof_b = rt_milestone(&b, hh, "roof", "2023-07-12", NULL);
	rt_flush(&b, t.db);
	assert_int_equal(rt_open_of(&t, "stage_two_dates", END_2023), 1);
	/* as of the 11th, laptop B's record had not happened */
	assert_int_equal(rt_open_of(&t, "stage_two_dates", "2023-07-11"), 0);
	snprintf(item, sizeof(item), "S-%016llx-%llu-roof", (unsigned long long)hh.origin,
		 (unsigned long long)hh.serial);
	expect_text(&t, HUB_FMT_JSON, item, 1);
	expect_text(&t, HUB_FMT_JSON, "\"kind\": \"stage_two_dates\"", 1);
	expect_text(&t, HUB_FMT_JSON, "{\"date\": \"2023-07-10\", \"laptop\": \"aaaa000000000001\"", 1);
	expect_text(&t, HUB_FMT_JSON, "{\"date\": \"2023-07-12\", \"laptop\": \"bbbb000000000002\"", 1);
	/* the documents in Vietnamese; the table in the operator's language,
	 * English here (this process never chose a locale: "C") */
	expect_text(&t, HUB_FMT_CSV, "Một mốc, hai ngày", 1);
	expect_text(&t, HUB_FMT_CSV,
		    "Xong mái ghi ngày khác nhau: 2023-07-10 (máy aaaa000000000001),"
		    " 2023-07-12 (máy bbbb000000000002)",
		    1);
	expect_text(&t, HUB_FMT_JSON,
		    "Xong mái ghi ngày khác nhau: 2023-07-10 (máy aaaa000000000001),"
		    " 2023-07-12 (máy bbbb000000000002)",
		    1);
	expect_text(&t, HUB_FMT_TABLE, "One stage, two days", 1);
	expect_text(&t, HUB_FMT_TABLE,
		    "Xong mái recorded on different days: 2023-07-10 (laptop aaaa000000000001),"
		    " 2023-07-12 (laptop bbbb000000000002)",
		    1);
	expect_rebuild_same(&t);

	/* B's record voided: nothing left to reconcile; a third day brings it back */
	rt_void(&b, roof_b, PROTO_KIND_MILESTONE);
	rt_flush(&b, t.db);
	assert_int_equal(rt_open_of(&t, "stage_two_dates", END_2023), 0);
	rt_milestone(&b, hh, "roof", "2023-07-14", NULL);
	rt_flush(&b, t.db);
	assert_int_equal(rt_open_of(&t, "stage_two_dates", END_2023), 1);
	expect_rebuild_same(&t);

	/* resolved like any other item, once */
	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, item, "lan", "ngày 14 đúng", NULL, 1,
					      err, sizeof(err)),
			 HUB_OK);
	assert_int_equal(rt_open_of(&t, "stage_two_dates", END_2023), 0);
	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, item, "lan", "again", NULL, 1, err,
					      sizeof(err)),
			 HUB_REFUSED);
	assert_non_null(strstr(err, "already resolved by 'lan'"));
	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, item, "lan", "x", "loser", -1, err,
					      sizeof(err)),
			 HUB_REFUSED);

	/* a withdrawn household is nobody's item */
	rt_milestone(&b, quiet, "roof", "2023-07-15", NULL);
	rt_flush(&b, t.db);
	assert_int_equal(rt_open_of(&t, "stage_two_dates", END_2023), 1);
	rt_household_set(&a, quiet, PROTO_HH_WITHDRAWN, "trùng hộ", 0);
	rt_flush(&a, t.db);
	assert_int_equal(rt_open_of(&t, "stage_two_dates", END_2023), 0);
	expect_rebuild_same(&t);
	rt_batch_release(&a);
	rt_batch_release(&b);
	rt_db_close(&t);
}

/* The resolution of item, as "by|note", or "" when it has none. */
static void resolution_of(sqlite3 *db, const char *item, char *out, size_t outlen)
{
	sqlite3_stmt *st;

	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT resolved_by || '|' || note, count(*) OVER ()"
					    " FROM report_resolution WHERE item = ?",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, item, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		assert_int_equal(sqlite3_column_int(st, 1), 1); /* never twice */
		snprintf(out, outlen, "%s", (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
}

static void test_superseded_rejection(void **state)
{
	rt_db t;
	uint8_t same[32], other[32], sealed[40];
	char err[256], got[512];
	int64_t counts[HUB_RECONCILE_NKINDS], resolved;

	(void)state;
	rt_db_open(&t);
	assert_int_equal(rt_report_migrate(&t), 0);
	memset(sealed, 7, sizeof(sealed));
	proto_sha256(sealed, sizeof(sealed), same);
	memset(other, 0x5a, sizeof(other));
	/* refused (unknown laptop); R-2: other bytes at the same place (a
	 * fork); R-3: no hash known; R-4: the same bytes at another place; R-5:
	 * the same change-set refused again, but an operator resolved it first */
	assert_int_equal(hub_rejection_add_sealed(t.db, "import:a0.maiam", LAPTOP_A, 1, same,
						  "unknown_agent", "not enrolled", 100),
			 HUB_OK);
	assert_int_equal(hub_rejection_add_sealed(t.db, "push", LAPTOP_A, 1, other, "fork", "fork", 101),
			 HUB_OK);
	assert_int_equal(hub_rejection_add(t.db, "push", LAPTOP_A, 1, "malformed", "?", 102), HUB_OK);
	assert_int_equal(hub_rejection_add_sealed(t.db, "push", LAPTOP_A, 2, same, "gap", "gap", 103),
			 HUB_OK);
	assert_int_equal(hub_rejection_add_sealed(t.db, "import:a0.maiam", LAPTOP_A, 1, same,
						  "unknown_agent", "not enrolled", 104),
			 HUB_OK);
	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, "R-5", "lan", "đã đăng ký máy", NULL, 1,
					      err, sizeof(err)),
			 HUB_OK);
	assert_int_equal(rt_open_of(&t, "rejected_changeset", END_2023), 4);

	/* the ledger takes the very same change-set */
	assert_int_equal(hub_ledger_insert(t.db, LAPTOP_A, 1, same, sealed, sizeof(sealed), 1690000000),
			 HUB_OK);
	resolution_of(t.db, "R-1", got, sizeof(got));
	assert_non_null(strstr(got, "maiam-hub|tự động đóng: chính gói dữ liệu này"));
	assert_non_null(strstr(got, "sổ cái #1"));
	resolution_of(t.db, "R-5", got, sizeof(got));
	assert_string_equal(got, "lan|đã đăng ký máy"); /* the operator's, kept as it was */
	resolution_of(t.db, "R-2", got, sizeof(got));
	assert_string_equal(got, "");
	resolution_of(t.db, "R-3", got, sizeof(got));
	assert_string_equal(got, "");
	resolution_of(t.db, "R-4", got, sizeof(got));
	assert_string_equal(got, "");
	assert_int_equal(hub_reconcile_counts(t.db, &t.campaign, END_2023, counts, &resolved, err,
					      sizeof(err)),
			 HUB_OK);
	assert_int_equal(counts[HUB_RECONCILE_NKINDS - 1], 3);
	assert_int_equal(resolved, 2);
	expect_text(&t, HUB_FMT_JSON, "\"id\": \"R-1\"", 0);
	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, "R-1", "lan", "x", NULL, 1, err,
					      sizeof(err)),
			 HUB_REFUSED);
	assert_non_null(strstr(err, "already resolved by 'maiam-hub'"));
	/* --all lists it with who closed it and why */
	{
		hub_report_opts o = rt_opts(HUB_REPORT_RECONCILE, HUB_FMT_JSON, END_2023);
		char *json;

		o.all = 1;
		assert_int_equal(rt_render(&t, &o, &json, err, sizeof(err)), 0);
		assert_non_null(strstr(json, "\"id\": \"R-1\""));
		assert_non_null(strstr(json, "\"resolved_by\": \"maiam-hub\""));
		free(json);
	}
	/* a rebuild of the report tables closes nothing twice */
	expect_rebuild_same(&t);
	resolution_of(t.db, "R-1", got, sizeof(got)); /* still one row */
	assert_non_null(strstr(got, "maiam-hub|"));
	rt_db_close(&t);
}

TEST_MAIN(cmocka_unit_test(test_stage_two_dates), cmocka_unit_test(test_superseded_rejection))
