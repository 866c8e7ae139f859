/*
 * test_award_quota.c - award nominations within the quotas (hub/report/award.h)
 * on a real hub directory made by 'maiam-hub init': for a district of each
 * quota band and for the province's two groups, nominations up to the quota
 * pass and the next is refused with the quota and the count; a returned
 * nomination frees its place; who may nominate (a district operator only for
 * its district) and who may appraise (only an appraiser); the 3.1.a flag on
 * the collectives of a district below 100 % of its target on time; each
 * step a signed decision record naming who.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "maiam/proto.h"
#include "award.h"
#include "reptest.h"
#include "testutil.h"

typedef struct fixture {
	char *dir;
	hub_ctx ctx;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	char cmd[1024], err[512];

	assert_non_null(f);
	f->dir = test_mkdtemp();
	assert_non_null(f->dir);
	snprintf(cmd, sizeof(cmd), "'%s' init --dir '%s/hub' >/dev/null", MAIAM_HUB_BIN, f->dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/hub", f->dir);
	if (hub_open(&f->ctx, cmd, err, sizeof(err)) != HUB_OK)
		fail_msg("hub_open: %s", err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	char cmd[600];

	hub_close(&f->ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f->dir);
	free(f);
	return 0;
}

static const award_actor terminal = { "Trần Thị Bích", HUB_ROLE_ADMIN, 0, true };

/* Nominate one of unit as who: the result, the id in id (may be NULL). */
static hub_result nominate(fixture *f, const award_actor *who, const char *unit, bool individual, int n,
			   char *err, size_t errlen, char *id)
{
	char name[64], mine[AWARD_ID_MAX];
	award_entry e = { unit,
			  individual,
			  name,
			  individual ? "Trưởng ấp" : NULL,
			  "vận động xây 20 căn nhà đúng hạn",
			  NULL,
			  0 };

	snprintf(name, sizeof(name), "%s %s %d", individual ? "Ông" : "Tập thể", unit, n);
	return award_nominate(&f->ctx, who, &e, REPORT_OPERATOR, id ? id : mine, err, errlen);
}

/* unit's quota of a kind is quota: that many pass, the next is refused
 * naming the quota and the count. */
static void fill_quota(fixture *f, const char *unit, bool individual, int quota)
{
	char err[768], want[64];
	int i;

	assert_int_equal(award_quota(&f->ctx.cfg->campaign, unit, individual), quota);
	for (i = 0; i < quota; i++) {
		err[0] = '\0';
		if (nominate(f, &terminal, unit, individual, i, err, sizeof(err), NULL) != HUB_OK)
			fail_msg("%s nomination %d of %d: %s", unit, i + 1, quota, err);
	}
	assert_int_equal(nominate(f, &terminal, unit, individual, quota, err, sizeof(err), NULL),
			 HUB_REFUSED);
	snprintf(want, sizeof(want), "may nominate %d %s and already has %d nominations", quota,
		 individual ? "individuals" : "collectives", quota);
	if (!strstr(err, want))
		fail_msg("refusal '%s' lacks '%s'", err, want);
}

/* Every quota band of the campaign's rules, and the province's groups. */
static void quotas_by_band(void **state)
{
	fixture *f = *state;
	static const struct {
		const char *unit;
		int collectives, individuals;
	} bands[] = {
		{ "941", 2, 1 },               /* target 20 */
		{ "944", 2, 2 },               /* 40 */
		{ "945", 2, 3 },               /* 55 */
		{ "947", 3, 4 },               /* 120 */
		{ "950", 4, 7 },               /* 260 */
		{ "943", 4, 9 },               /* 320 */
		{ AWARD_PROVINCE, 6, 6 },      /* the steering committee and departments */
		{ AWARD_WORKING_GROUP, 0, 8 }, /* individuals only */
	};
	award_list l;
	char err[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bands); i++) {
		fill_quota(f, bands[i].unit, false, bands[i].collectives);
		fill_quota(f, bands[i].unit, true, bands[i].individuals);
	}
	assert_int_equal(award_list_load(f->ctx.db, &f->ctx.cfg->campaign, "943", &l, err, sizeof(err)),
			 HUB_OK);
	assert_int_equal(l.n, 13);
	assert_string_equal(l.a[0].nominated_by, "Trần Thị Bích");
	assert_int_equal(l.a[0].district, 943);
	assert_int_equal(award_places_used(&l, "943", true), 9);
	award_list_release(&l);
}

/* A returned nomination gives its place back; an accepted one keeps it. */
static void returned_frees_its_place(void **state)
{
	fixture *f = *state;
	award_actor appraiser = { "Công an tỉnh", HUB_ROLE_APPRAISER, 0, false };
	char err[768], first[AWARD_ID_MAX], second[AWARD_ID_MAX];
	award_list l;
	bool found;

	assert_int_equal(nominate(f, &terminal, "941", false, 1, err, sizeof(err), first), HUB_OK);
	assert_int_equal(nominate(f, &terminal, "941", false, 2, err, sizeof(err), second), HUB_OK);
	assert_int_equal(nominate(f, &terminal, "941", false, 3, err, sizeof(err), NULL), HUB_REFUSED);
	/* a return needs its note */
	assert_int_equal(award_decide(&f->ctx, &appraiser, first, false, "", REPORT_OPERATOR, &found,
				      err, sizeof(err)),
			 HUB_REFUSED);
	assert_int_equal(award_decide(&f->ctx, &appraiser, second, true, NULL, REPORT_OPERATOR, &found,
				      err, sizeof(err)),
			 HUB_OK);
	assert_true(found);
	assert_int_equal(award_decide(&f->ctx, &appraiser, first, false, "thiếu hồ sơ", REPORT_OPERATOR,
				      &found, err, sizeof(err)),
			 HUB_OK);
	/* decided once */
	assert_int_equal(award_decide(&f->ctx, &appraiser, first, true, NULL, REPORT_OPERATOR, &found,
				      err, sizeof(err)),
			 HUB_REFUSED);
	assert_int_equal(award_decide(&f->ctx, &appraiser, "A-99", true, NULL, REPORT_OPERATOR, &found,
				      err, sizeof(err)),
			 HUB_OK);
	assert_false(found);
	assert_int_equal(nominate(f, &terminal, "941", false, 4, err, sizeof(err), NULL), HUB_OK);
	assert_int_equal(nominate(f, &terminal, "941", false, 5, err, sizeof(err), NULL), HUB_REFUSED);
	assert_int_equal(award_list_load(f->ctx.db, &f->ctx.cfg->campaign, "941", &l, err, sizeof(err)),
			 HUB_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.a[0].status, AWARD_RETURNED);
	assert_string_equal(l.a[0].note, "thiếu hồ sơ");
	assert_string_equal(l.a[0].decided_by, "Công an tỉnh");
	assert_true(l.a[0].decided_at > l.a[0].nominated_at);
	assert_int_equal(l.a[1].status, AWARD_ACCEPTED);
	assert_int_equal(l.a[2].status, AWARD_PROPOSED);
	assert_null(l.a[2].decided_by);
	award_list_release(&l);
}

/* A district operator nominates for its own district only; admins for
 * every unit; viewers and appraisers nominate nothing; only an appraiser
 * accepts or returns. */
static void who_may_do_what(void **state)
{
	fixture *f = *state;
	award_actor district = { "phuoc", HUB_ROLE_DISTRICT, 950, false };
	award_actor admin = { "lan", HUB_ROLE_ADMIN, 0, false };
	award_actor viewer = { "xem", HUB_ROLE_VIEWER, 0, false };
	award_actor appraiser = { "ca", HUB_ROLE_APPRAISER, 0, false };
	char err[768], id[AWARD_ID_MAX];
	bool found;

	assert_int_equal(nominate(f, &district, "950", false, 1, err, sizeof(err), id), HUB_OK);
	assert_int_equal(nominate(f, &district, "943", false, 1, err, sizeof(err), NULL), HUB_REFUSED);
	assert_non_null(strstr(err, "phuoc may not nominate for Huyện Kế Sách"));
	assert_int_equal(nominate(f, &district, AWARD_PROVINCE, true, 1, err, sizeof(err), NULL),
			 HUB_REFUSED);
	assert_int_equal(nominate(f, &admin, AWARD_PROVINCE, true, 1, err, sizeof(err), NULL), HUB_OK);
	assert_int_equal(nominate(f, &admin, AWARD_WORKING_GROUP, true, 1, err, sizeof(err), NULL),
			 HUB_OK);
	assert_int_equal(nominate(f, &viewer, "950", false, 2, err, sizeof(err), NULL), HUB_REFUSED);
	assert_int_equal(nominate(f, &appraiser, "950", false, 2, err, sizeof(err), NULL), HUB_REFUSED);
	/* an unknown unit names the units there are */
	assert_int_equal(nominate(f, &admin, "94101", false, 2, err, sizeof(err), NULL), HUB_REFUSED);
	assert_non_null(strstr(err, "'94101' is not a nominating unit"));
	assert_int_equal(award_decide(&f->ctx, &district, id, true, NULL, REPORT_OPERATOR, &found, err,
				      sizeof(err)),
			 HUB_REFUSED);
	assert_non_null(strstr(err, "only an appraiser"));
	assert_int_equal(award_decide(&f->ctx, &admin, id, true, NULL, REPORT_OPERATOR, &found, err,
				      sizeof(err)),
			 HUB_REFUSED);
	assert_int_equal(award_decide(&f->ctx, &appraiser, id, true, NULL, REPORT_OPERATOR, &found, err,
				      sizeof(err)),
			 HUB_OK);
	/* the same refusal in the document's words */
	assert_int_equal(nominate(f, &district, "943", false, 1, err, sizeof(err), NULL), HUB_REFUSED);
	assert_int_equal(award_nominate(&f->ctx, &district,
					&(award_entry){ "943", false, "Tập thể", NULL, "x", NULL, 0 },
					REPORT_VI, id, err, sizeof(err)),
			 HUB_REFUSED);
	assert_non_null(strstr(err, "không được đề nghị khen thưởng cho Huyện Kế Sách"));
}

/* Backing records must be records the hub holds; the texts are checked. */
static void entries_are_checked(void **state)
{
	fixture *f = *state;
	rt_batch b;
	proto_id hh;
	char err[768], id[AWARD_ID_MAX], hid[48];
	const char *backing[2] = { hid, "0123456789abcdef-1" };
	award_list l;

	rt_batch_init(&b, 0x0102030405060708ULL);
	hh = rt_household(&b, rt_commune_of(&(rt_db){ .campaign = f->ctx.cfg->campaign }, 941),
			  "Nguyễn Văn Ân", NULL, NULL);
	rt_flush(&b, f->ctx.db);
	rt_batch_release(&b);
	snprintf(hid, sizeof(hid), "%016llx-%llu", (unsigned long long)hh.origin,
		 (unsigned long long)hh.serial);
	assert_int_equal(award_nominate(&f->ctx, &terminal,
					&(award_entry){ "941", true, "Ông A", NULL, "x", backing, 2 },
					REPORT_OPERATOR, id, err, sizeof(err)),
			 HUB_REFUSED);
	assert_non_null(strstr(err, "the hub holds no record '0123456789abcdef-1'"));
	assert_int_equal(award_nominate(&f->ctx, &terminal,
					&(award_entry){ "941", true, "Ông A", NULL, "nhiều\ndòng",
							backing, 1 },
					REPORT_OPERATOR, id, err, sizeof(err)),
			 HUB_REFUSED);
	assert_int_equal(award_nominate(&f->ctx, &terminal,
					&(award_entry){ "941", true, "", NULL, "x", backing, 1 },
					REPORT_OPERATOR, id, err, sizeof(err)),
			 HUB_REFUSED);
	assert_int_equal(award_nominate(&f->ctx, &terminal,
					&(award_entry){ "941", true, "Ông A", "Trưởng ấp", "x", backing, 1 },
					REPORT_OPERATOR, id, err, sizeof(err)),
			 HUB_OK);
	assert_string_equal(id, "A-1");
	assert_int_equal(award_list_load(f->ctx.db, &f->ctx.cfg->campaign, NULL, &l, err, sizeof(err)),
			 HUB_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.a[0].backing, hid);
	assert_string_equal(l.a[0].position, "Trưởng ấp");
	assert_true(l.a[0].individual);
	award_list_release(&l);
}

/* 941's target is 20: with 20 houses handed over by the deadline its
 * collectives are not flagged; 944's (none handed over) are; individuals
 * never are. The flag does not refuse. */
static void flag_below_target_on_time(void **state)
{
	fixture *f = *state;
	rt_db t = { .campaign = f->ctx.cfg->campaign };
	rt_batch b;
	char err[768];
	award_list l;
	int i;

	rt_batch_init(&b, 0x0102030405060708ULL);
	for (i = 0; i < 20; i++)
		rt_milestone(&b, rt_household(&b, rt_commune_of(&t, 941), "Hộ", NULL, NULL),
			     "handed_over", "2023-08-01", NULL);
	rt_flush(&b, f->ctx.db);
	rt_batch_release(&b);
	assert_int_equal(nominate(f, &terminal, "941", false, 1, err, sizeof(err), NULL), HUB_OK);
	assert_int_equal(nominate(f, &terminal, "944", false, 1, err, sizeof(err), NULL), HUB_OK);
	assert_int_equal(nominate(f, &terminal, "944", true, 1, err, sizeof(err), NULL), HUB_OK);
	assert_int_equal(award_list_load(f->ctx.db, &f->ctx.cfg->campaign, NULL, &l, err, sizeof(err)),
			 HUB_OK);
	assert_int_equal(l.n, 3);
	assert_false(l.a[0].flagged);
	assert_true(l.a[1].flagged);
	assert_false(l.a[2].flagged);
	award_list_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(quotas_by_band, setup, teardown),
		cmocka_unit_test_setup_teardown(returned_frees_its_place, setup, teardown),
		cmocka_unit_test_setup_teardown(who_may_do_what, setup, teardown),
		cmocka_unit_test_setup_teardown(entries_are_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(flag_below_target_on_time, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
