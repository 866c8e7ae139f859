/*
 * test_awards.c - the award quotas the real campaign file yields, checked for
 * every assigned target 0..400 against the plan's sentences coded here by
 * hand (not through the parser), and for the 11 districts of the plan.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "maiam/campaign.h"
#include "testmain.h"

#define CAMPAIGN MAIAM_SOURCE_DIR "/campaigns/soc-trang-2023.campaign"

/*
 * Tập thể: "dưới 100 căn ... 02 tập thể; ... trên 100 căn ... 03 tập thể;
 * ... trên 200 căn ... 04 tập thể". Exactly 100 and 200 go to the higher
 * tier (docs/CAMPAIGN.md explains why).
 */
static int plan_collectives(int target)
{
	if (target < 100)
		return 2;
	if (target < 200)
		return 3;
	return 4;
}

/*
 * Cá nhân: "dưới 40 → 01; từ 40 - 50 → 02; từ 50 - 100 → 03; từ 100 - 200 →
 * 04; từ 200 - 300 → 07; từ 300 trở lên → 09". "từ N" includes N, so each
 * touching end belongs to the range that starts there.
 */
static int plan_individuals(int target)
{
	if (target < 40)
		return 1;
	if (target >= 40 && target < 50)
		return 2;
	if (target >= 50 && target < 100)
		return 3;
	if (target >= 100 && target < 200)
		return 4;
	if (target >= 200 && target < 300)
		return 7;
	return 9;
}

static int setup(void **state)
{
	static proto_campaign c;
	char err[512];

	if (proto_campaign_load(CAMPAIGN, &c, err, sizeof err) != PROTO_OK) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	*state = &c;
	return 0;
}

static int teardown(void **state)
{
	proto_campaign_release(*state);
	return 0;
}

static void test_every_target(void **state)
{
	const proto_campaign *c = *state;
	int t;

	for (t = 0; t <= 400; t++) {
		const proto_award_range *rc = proto_award_lookup(&c->collectives, t);
		const proto_award_range *ri = proto_award_lookup(&c->individuals, t);

		assert_non_null(rc);
		assert_non_null(ri);
		if (rc->count != plan_collectives(t) || ri->count != plan_individuals(t))
			fail_msg("target %d: file gives %d collectives (%s), %d individuals (%s); "
				 "plan gives %d and %d",
				 t, rc->count, rc->text, ri->count, ri->text, plan_collectives(t),
				 plan_individuals(t));
		/* the range reported is the one that contains t */
		assert_true(t >= rc->lo && (rc->hi < 0 || t <= rc->hi));
		assert_true(t >= ri->lo && (ri->hi < 0 || t <= ri->hi));
	}
	assert_int_equal(proto_award_lookup(&c->individuals, 1000000)->count, 9);
	assert_null(proto_award_lookup(&c->individuals, -1));
}

static void test_boundaries_text(void **state)
{
	const proto_campaign *c = *state;

	/* the rule is shown to the operator exactly as written in the file */
	assert_string_equal(proto_award_lookup(&c->collectives, 99)->text, "0-99 = 2");
	assert_string_equal(proto_award_lookup(&c->collectives, 100)->text, "100-199 = 3");
	assert_string_equal(proto_award_lookup(&c->collectives, 200)->text, "200+ = 4");
	assert_string_equal(proto_award_lookup(&c->individuals, 40)->text, "40-49 = 2");
	assert_string_equal(proto_award_lookup(&c->individuals, 50)->text, "50-99 = 3");
	assert_string_equal(proto_award_lookup(&c->individuals, 300)->text, "300+ = 9");
	assert_int_equal(c->collectives.n, 3);
	assert_int_equal(c->individuals.n, 6);
}

static void test_districts_of_plan(void **state)
{
	static const struct {
		int code;
		int target, collectives, individuals;
	} plan[] = {
		{ 941, 20, 2, 1 },  /* Thành phố Sóc Trăng */
		{ 944, 40, 2, 2 },  /* Huyện Mỹ Tú */
		{ 948, 40, 2, 2 },  /* Thị xã Ngã Năm */
		{ 945, 55, 2, 3 },  /* Huyện Cù Lao Dung */
		{ 942, 70, 2, 3 },  /* Huyện Châu Thành */
		{ 951, 70, 2, 3 },  /* Huyện Trần Đề */
		{ 946, 75, 2, 3 },  /* Huyện Long Phú */
		{ 947, 120, 3, 4 }, /* Huyện Mỹ Xuyên */
		{ 949, 130, 3, 4 }, /* Huyện Thạnh Trị */
		{ 950, 260, 4, 7 }, /* Thị xã Vĩnh Châu */
		{ 943, 320, 4, 9 }, /* Huyện Kế Sách */
	};
	const proto_campaign *c = *state;
	int ncoll = 0, nind = 0;
	size_t i;

	for (i = 0; i < sizeof plan / sizeof plan[0]; i++) {
		int t = proto_campaign_target(c, plan[i].code);

		assert_int_equal(t, plan[i].target);
		assert_int_equal(proto_award_lookup(&c->collectives, t)->count, plan[i].collectives);
		assert_int_equal(proto_award_lookup(&c->individuals, t)->count, plan[i].individuals);
		ncoll += plan[i].collectives;
		nind += plan[i].individuals;
	}
	/* district quotas of the whole province: 28 collectives, 41 individuals */
	assert_int_equal(ncoll, 28);
	assert_int_equal(nind, 41);
	assert_int_equal(c->province_collectives, 6);
	assert_int_equal(c->province_individuals, 6);
	assert_int_equal(c->working_group_individuals, 8);
}

TEST_MAIN_WITH(setup, teardown, cmocka_unit_test(test_every_target),
	       cmocka_unit_test(test_boundaries_text), cmocka_unit_test(test_districts_of_plan))
