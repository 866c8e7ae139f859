/*
 * test_target_sums.c - commune targets read back from merged decision
 * records: the latest assignment by stamp wins (whatever order the records
 * merge in), 0 clears, the district's sum against its target and the
 * warning's condition; a district operator's scope; the progress by commune
 * counts against the commune's target; the scorecards' numbers are those of
 * the progress, reconcile and funds reports for the same day.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "maiam/proto.h"
#include "report_int.h"
#include "reptest.h"
#include "scorecard.h"
#include "target.h"
#include "golden_records.h"
#include "golden_records_target.h"
#include "testmain.h"

#define HUB 0x4848484848484848ull /* the hub's origin, writing the decisions */
#define C5 31498                  /* Phường 5 of 941 (target 20) */
#define C7 31501                  /* Phường 7 of 941 */
#define DAY "2023-09-02"

/* Merge one target decision at stamp offset 'at' (serial = at). */
static void assign(rt_db *t, uint64_t at, int commune, int64_t houses)
{
	proto_changeset cs;
	char code[16];
	const uint64_t stamp = proto_hlc_make(1690000000000ull, 0) + at;

	snprintf(code, sizeof(code), "%d", commune);
	assert_int_equal(proto_changeset_init(&cs, GOLDEN_CAMPAIGN, HUB, 1, NULL, stamp), PROTO_OK);
	assert_int_equal(golden_target(&cs, HUB, at, stamp, "Lâm Văn Sơn", code, houses), PROTO_OK);
	assert_int_equal(proto_merge(t->db, &cs, NULL), PROTO_OK);
	proto_changeset_release(&cs);
}

static const target_district *district_of(const target_table *tt, int code)
{
	size_t i;

	for (i = 0; i < tt->ndistricts; i++)
		if (tt->districts[i].code == code)
			return &tt->districts[i];
	fail_msg("no district %d", code);
	return NULL;
}

static void latest_wins_and_sums(void **state)
{
	rt_db t;
	target_table tt;
	char err[256];
	const target_district *d;

	(void)state;
	rt_db_open(&t);
	assign(&t, 10, C5, 12);
	assign(&t, 20, C7, 5);
	assign(&t, 30, C5, 9);
	assign(&t, 25, C5, 40); /* merged later, stamped earlier: not the latest */
	assert_int_equal(target_load(t.db, &t.campaign, 0, &tt, err, sizeof(err)), HUB_OK);
	assert_int_equal(target_of(&tt, C5), 9);
	assert_int_equal(target_of(&tt, C7), 5);
	assert_int_equal(target_of(&tt, 31504), -1);
	d = district_of(&tt, 941);
	assert_int_equal(d->target, 20);
	assert_int_equal(d->sum, 14);
	assert_true(target_below(d));
	assert_int_equal(district_of(&tt, 943)->sum, 0);
	assert_string_equal(tt.communes[d->first].by, "Lâm Văn Sơn");
	target_table_release(&tt);

	assign(&t, 40, C7, 11); /* 9 + 11 = 20: at the target, no warning */
	assert_int_equal(target_load(t.db, &t.campaign, 941, &tt, err, sizeof(err)), HUB_OK);
	assert_int_equal(tt.ndistricts, 1);
	assert_int_equal(tt.districts[0].sum, 20);
	assert_false(target_below(&tt.districts[0]));
	target_table_release(&tt);

	assign(&t, 50, C5, 0); /* cleared */
	assert_int_equal(target_load(t.db, &t.campaign, 941, &tt, err, sizeof(err)), HUB_OK);
	assert_int_equal(target_of(&tt, C5), -1);
	assert_int_equal(tt.districts[0].sum, 11);
	target_table_release(&tt);
	rt_db_close(&t);
}

static void scope_of_a_district(void **state)
{
	rt_db t;
	int why;

	(void)state;
	rt_db_open(&t);
	assert_int_equal(target_commune_check(&t.campaign, C5, 0, &why), HUB_OK);
	assert_int_equal(target_commune_check(&t.campaign, C5, 941, &why), HUB_OK);
	assert_int_equal(target_commune_check(&t.campaign, C5, 943, &why), HUB_REFUSED);
	assert_int_equal(why, 2);
	assert_int_equal(target_commune_check(&t.campaign, 941, 0, &why), HUB_REFUSED);
	assert_int_equal(why, 1);
	assert_int_equal(target_commune_check(&t.campaign, 99999, 941, &why), HUB_REFUSED);
	assert_int_equal(why, 1);
	rt_db_close(&t);
}

/* Households of Phường 5: two handed over (one late), one rejected, two
 * sharing a national ID; contributions of two sources. */
static void seed(rt_db *t)
{
	rt_batch b;
	proto_id a, c;

	rt_batch_init(&b, 0x0a0a0a0a0a0a0a0aull);
	a = rt_household(&b, C5, "Nguyễn Văn Ân", "094212345678", "approved");
	rt_milestone(&b, a, "handed_over", "2023-08-20", NULL);
	c = rt_household(&b, C5, "Trần Thị Út", "094212345678", "approved");
	rt_milestone(&b, c, "handed_over", "2023-09-01", NULL);
	rt_household(&b, C5, "Lâm Sa-Rươl", NULL, "rejected");
	rt_household(&b, C7, "Thạch Phol", NULL, "proposed");
	rt_contribution(&b, &a, C5, "mps", 40000000, 0, NULL, 0, "2023-07-10");
	rt_contribution(&b, NULL, C7, "business", 1000000, 0, "Xi măng", 7500000, "2023-07-12");
	rt_contribution(&b, NULL, 941, "donor", 2000000, 5, NULL, 0, "2023-07-13");
	rt_contribution(&b, NULL, C5, "household", 0, 12, NULL, 0, "2023-09-20"); /* after DAY */
	rt_flush(&b, t->db);
	rt_batch_release(&b);
}

static const scorecard_unit *unit(const report_scorecard *s, int code)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->units[i].code == code)
			return &s->units[i];
	fail_msg("no unit %d", code);
	return NULL;
}

static void progress_and_scorecards(void **state)
{
	rt_db t;
	report_progress p;
	report_scorecard s;
	scorecard_criterion k[SCORECARD_MAX_CRITERIA];
	const scorecard_unit *d, *c5, *c7;
	char err[256];
	size_t i;

	(void)state;
	rt_db_open(&t);
	assert_int_equal(rt_report_migrate(&t), 0); /* triggers see every merge */
	seed(&t);
	assign(&t, 10, C5, 2);
	/* the progress by commune counts against the commune's target */
	assert_int_equal(report_progress_load_in(t.db, &t.campaign, DAY, 1, 941, &p, err, sizeof(err)),
			 HUB_OK);
	for (i = 0; i < p.n && p.a[i].code != C5; i++)
		;
	assert_true(i < p.n);
	assert_int_equal(p.a[i].target, 2);
	assert_int_equal(p.a[i].v[SLOT_HANDED_OVER], 2);
	assert_true(report_percent(&p.a[i]) == 100.0);
	assert_int_equal(report_on_track(&t.campaign, DAY, &p.a[i]), TRACK_ON);
	assert_int_equal(p.a[i + 1].target, -1);
	assert_int_equal(report_on_track(&t.campaign, DAY, &p.a[i + 1]), TRACK_NO_TARGET);
	report_progress_release(&p);

	assert_int_equal(report_scorecard_load(t.db, &t.campaign, DAY, 941, &s, err, sizeof(err)), HUB_OK);
	d = unit(&s, 941);
	c5 = unit(&s, C5);
	c7 = unit(&s, C7);
	assert_false(d->commune);
	assert_true(c5->commune);
	assert_ptr_equal(&s.units[0], d); /* the district first, then its communes */
	assert_int_equal(d->target, 20);
	assert_int_equal(d->handed_over, 2);
	assert_int_equal(c5->target, 2);
	assert_int_equal(c5->on_time, 2);
	assert_int_equal(c7->target, -1);
	assert_int_equal(c5->approved, 2);
	assert_int_equal(c5->rejected, 1);
	assert_int_equal(d->rejected, 1);
	/* the open items are the reconcile report's */
	assert_int_equal(d->open_duplicates, rt_open_of(&t, "duplicate_national_id", DAY));
	assert_int_equal(c5->open_duplicates, 1);
	assert_int_equal(d->open_missing_evidence, rt_open_of(&t, "missing_evidence", DAY));
	assert_true(d->open_items >= d->open_duplicates + d->open_missing_evidence);
	/* the funds: the commune's own, the district's with its communes' and its own */
	assert_int_equal(c5->fund.money, 40000000);
	assert_int_equal(c5->fund.labour, 0); /* the labour days come after DAY */
	assert_int_equal(c7->funds[3].mat_value, 7500000);
	assert_int_equal(d->fund.money, 43000000);
	assert_int_equal(d->fund.labour, 5);
	assert_int_equal(d->funds[4].money, 2000000);

	assert_int_equal(scorecard_criteria(&t.campaign, &s, d, REPORT_VI, k), 5);
	assert_string_equal(k[0].ref, "IV.1.2 (1)");
	assert_non_null(strstr(k[0].numbers, "Chỉ tiêu 20 căn; đã bàn giao 2, đúng hạn 2"));
	assert_int_equal(k[0].met, 0);
	assert_int_equal(k[1].met, 0); /* an open duplicate */
	assert_int_equal(k[2].met, -1);
	assert_non_null(strstr(k[3].numbers, "Doanh nghiệp và nhà hảo tâm: 2 lượt"));
	assert_string_equal(k[4].text, "Phân bổ, sử dụng kinh phí và quyết toán đúng quy định.");
	assert_int_equal(scorecard_criteria(&t.campaign, &s, c5, REPORT_VI, k), 4);
	assert_int_equal(k[0].met, 1);
	assert_non_null(strstr(k[0].text, "(do UBND cấp huyện giao)"));
	assert_int_equal(scorecard_criteria(&t.campaign, &s, c7, REPORT_VI, k), 4);
	assert_non_null(strstr(k[0].numbers, "Chưa được huyện giao chỉ tiêu"));
	assert_int_equal(k[0].met, -1);
	report_scorecard_free(&s);

	/* the province: every district, each followed by its communes */
	assert_int_equal(report_scorecard_load(t.db, &t.campaign, DAY, 0, &s, err, sizeof(err)), HUB_OK);
	assert_int_equal(unit(&s, 941)->handed_over, 2);
	for (i = 1; i < s.n; i++)
		assert_true(!s.units[i].commune || s.units[i].district == s.units[i - 1].district ||
			    s.units[i].district == s.units[i - 1].code);
	report_scorecard_free(&s);
	rt_db_close(&t);
}

TEST_MAIN(cmocka_unit_test(latest_wins_and_sums), cmocka_unit_test(scope_of_a_district),
	  cmocka_unit_test(progress_and_scorecards))
