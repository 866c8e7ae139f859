/*
 * test_report_evidence.c - photo evidence in the reconcile queue: one photo
 * (one sha256) on two households, directly or through their milestones,
 * listed in every format, cleared by a void or a withdrawal, resolvable
 * like any other item, the same after a rebuild of the report tables; a
 * stage the campaign file wants a photo of recorded without one; near
 * photos, also when the bytes came before the record; a photo's time; and
 * its position: two photos of one household far apart, a photo outside the
 * province (docs/REPORTS.md, "reconcile").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <math.h>
#include "hub.h"
#include "maiam/photo.h"
#include "photo_gen.h"
#include "photo_index.h"
#include "photo_near.h"
#include "report.h"
#include "report_reconcile_kinds.h"
#include "reptest.h"
#include "testmain.h"

#define END_2023 "2023-12-31"
#define LAPTOP_A 0xaaaa000000000001ull
#define LAPTOP_B 0xbbbb000000000002ull
#define SHA_ROOF "1111111111111111111111111111111111111111111111111111111111111111"
#define SHA_OWN "2222222222222222222222222222222222222222222222222222222222222222"

static long long open_of(rt_db *t, const char *kind)
{
	return rt_open_of(t, kind, END_2023);
}

static void test_same_photo(void **state)
{
	rt_db t;
	rt_batch a, b;
	proto_id one, two, own, roof_one, roof_two, photo_two;
	char item[96], hid[48], err[256];
	int c941;

	(void)state;
	rt_db_open(&t);
	c941 = rt_commune_of(&t, 941);
	assert_int_equal(rt_report_migrate(&t), 0);
	rt_batch_init(&a, LAPTOP_A);
	rt_batch_init(&b, LAPTOP_B);
	one = rt_household(&a, c941, "Lý Văn Một", NULL, "approved");
	two = rt_household(&a, c941, "Lý Thị Hai", NULL, "approved");
	own = rt_household(&a, c941, "Lý Văn Ba", NULL, "approved");
	roof_one = rt_milestone(&a, one, "roof", "2023-07-10", NULL);
	roof_two = rt_milestone(&a, two, "roof", "2023-07-11", NULL);
	rt_photo(&a, roof_one, PROTO_KIND_MILESTONE, SHA_ROOF);
	/* one photo twice on one household (itself and its milestone): no item */
	rt_photo(&a, own, PROTO_KIND_HOUSEHOLD, SHA_OWN);
	rt_photo(&a, rt_milestone(&a, own, "roof", "2023-07-12", NULL), PROTO_KIND_MILESTONE, SHA_OWN);
	rt_flush(&a, t.db);
	assert_int_equal(open_of(&t, "same_photo"), 0);

	/* laptop B takes the same photo as evidence for another household */
	photo_two = rt_photo(&b, two, PROTO_KIND_HOUSEHOLD, SHA_ROOF);
	rt_flush(&b, t.db);
	assert_int_equal(open_of(&t, "same_photo"), 1);
	snprintf(item, sizeof(item), "P-%s", SHA_ROOF);
	snprintf(hid, sizeof(hid), "%016llx-%llu", (unsigned long long)two.origin,
		 (unsigned long long)two.serial);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023, item, 1);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023, "\"kind\": \"same_photo\"", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023, hid, 1);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023, "2 hộ cùng ảnh:", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_CSV, END_2023, "Trùng ảnh", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_HTML, END_2023, "Trùng ảnh", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_TABLE, END_2023, "Same photo", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_TABLE, END_2023, "2 households with this photo:", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023, SHA_OWN, 0);
	rt_expect_rebuild_same(&t, END_2023);

	/* B's record voided: nothing left; through B's milestone it is back */
	rt_void(&b, photo_two, PROTO_KIND_PHOTO);
	rt_flush(&b, t.db);
	assert_int_equal(open_of(&t, "same_photo"), 0);
	rt_photo(&b, roof_two, PROTO_KIND_MILESTONE, SHA_ROOF);
	rt_flush(&b, t.db);
	assert_int_equal(open_of(&t, "same_photo"), 1);
	/* the milestone voided takes its photo with it */
	rt_void(&a, roof_two, PROTO_KIND_MILESTONE);
	rt_flush(&a, t.db);
	assert_int_equal(open_of(&t, "same_photo"), 0);
	rt_photo(&b, two, PROTO_KIND_HOUSEHOLD, SHA_ROOF);
	rt_flush(&b, t.db);
	assert_int_equal(open_of(&t, "same_photo"), 1);
	rt_expect_rebuild_same(&t, END_2023);

	/* resolved like any other item, once */
	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, item, "lan", "ảnh chung của xóm", NULL,
					      1, err, sizeof(err)),
			 HUB_OK);
	assert_int_equal(open_of(&t, "same_photo"), 0);
	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, item, "lan", "again", NULL, 1, err,
					      sizeof(err)),
			 HUB_REFUSED);
	assert_non_null(strstr(err, "already resolved by 'lan'"));

	/* a withdrawn household is nobody's: the other photo's item goes with it */
	rt_photo(&b, two, PROTO_KIND_HOUSEHOLD, SHA_OWN);
	rt_flush(&b, t.db);
	assert_int_equal(open_of(&t, "same_photo"), 1);
	rt_household_set(&a, two, PROTO_HH_WITHDRAWN, "trùng hộ", 0);
	rt_flush(&a, t.db);
	assert_int_equal(open_of(&t, "same_photo"), 0);
	rt_expect_rebuild_same(&t, END_2023);
	rt_batch_release(&a);
	rt_batch_release(&b);
	rt_db_close(&t);
}

/* The missing-evidence item of household hh's stage is (not) in the queue. */
static void expect_missing(rt_db *t, proto_id hh, const char *stage, int present)
{
	char item[96];

	snprintf(item, sizeof(item), "\"E-%016llx-%llu-%s\"", (unsigned long long)hh.origin,
		 (unsigned long long)hh.serial, stage);
	rt_expect_reconcile_text(t, HUB_FMT_JSON, END_2023, item, present);
}

static void test_missing_evidence(void **state)
{
	rt_db t;
	rt_batch a;
	proto_id bare, shot, own, later, hand_one, hand_two;
	char item[96], err[256];
	int c941;

	(void)state;
	rt_db_open(&t);
	/* the campaign file names the survey and the hand-over */
	assert_int_equal(t.campaign.evidence_stages, 1u << 0 | 1u << 7);
	c941 = rt_commune_of(&t, 941);
	assert_int_equal(rt_report_migrate(&t), 0);
	rt_batch_init(&a, LAPTOP_A);
	bare = rt_household(&a, c941, "Trần Văn Một", NULL, "approved");
	shot = rt_household(&a, c941, "Trần Thị Hai", NULL, "approved");
	own = rt_household(&a, c941, "Trần Văn Ba", NULL, "approved");
	later = rt_household(&a, c941, "Trần Thị Bốn", NULL, "approved");
	rt_milestone(&a, bare, "surveyed", "2023-06-05", NULL);
	rt_milestone(&a, bare, "roof", "2023-07-05", NULL); /* no photo needed */
	rt_photo(&a, rt_milestone(&a, shot, "surveyed", "2023-06-06", NULL), PROTO_KIND_MILESTONE,
		 SHA_ROOF);
	rt_milestone(&a, own, "surveyed", "2023-06-07", NULL);
	rt_photo(&a, own, PROTO_KIND_HOUSEHOLD, SHA_OWN); /* the survey's photo on the household */
	hand_one = rt_milestone(&a, later, "handed_over", "2023-08-30", NULL);
	rt_flush(&a, t.db);
	assert_int_equal(open_of(&t, "missing_evidence"), 2);
	expect_missing(&t, bare, "surveyed", 1);
	expect_missing(&t, bare, "roof", 0);
	expect_missing(&t, shot, "surveyed", 0);
	expect_missing(&t, own, "surveyed", 0);
	expect_missing(&t, later, "handed_over", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023, "\"kind\": \"missing_evidence\"", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023, "Khảo sát ngày 2023-06-05 chưa có ảnh", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_CSV, END_2023, "Thiếu ảnh", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_HTML, END_2023, "Thiếu ảnh", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_TABLE, END_2023, "Missing photo", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_TABLE, END_2023, "Khảo sát on 2023-06-05 has no photo", 1);
	rt_expect_rebuild_same(&t, END_2023);

	/* a photo on the household is not one of the hand-over; on a second
	 * record of the hand-over it is, and voiding that record brings it back */
	rt_photo(&a, later, PROTO_KIND_HOUSEHOLD, SHA_ROOF);
	rt_flush(&a, t.db);
	expect_missing(&t, later, "handed_over", 1);
	hand_two = rt_milestone(&a, later, "handed_over", "2023-08-31", NULL);
	rt_photo(&a, hand_two, PROTO_KIND_MILESTONE, SHA_OWN);
	rt_flush(&a, t.db);
	expect_missing(&t, later, "handed_over", 0);
	rt_void(&a, hand_two, PROTO_KIND_MILESTONE);
	rt_flush(&a, t.db);
	expect_missing(&t, later, "handed_over", 1);
	/* the whole hand-over voided: nothing to show a photo of */
	rt_void(&a, hand_one, PROTO_KIND_MILESTONE);
	rt_flush(&a, t.db);
	expect_missing(&t, later, "handed_over", 0);

	/* resolved like any other item, once; a withdrawn household none */
	snprintf(item, sizeof(item), "E-%016llx-%llu-surveyed", (unsigned long long)bare.origin,
		 (unsigned long long)bare.serial);
	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, item, "lan", "ảnh giấy ở xã", NULL, 1,
					      err, sizeof(err)),
			 HUB_OK);
	assert_int_equal(open_of(&t, "missing_evidence"), 0);
	rt_milestone(&a, shot, "handed_over", "2023-08-20", NULL);
	rt_flush(&a, t.db);
	assert_int_equal(open_of(&t, "missing_evidence"), 1);
	rt_household_set(&a, shot, PROTO_HH_WITHDRAWN, "chuyển đi", 0);
	rt_flush(&a, t.db);
	assert_int_equal(open_of(&t, "missing_evidence"), 0);
	rt_expect_rebuild_same(&t, END_2023);

	/* a campaign that names no stage asks for no photo */
	rt_milestone(&a, own, "handed_over", "2023-08-21", NULL);
	rt_flush(&a, t.db);
	assert_int_equal(open_of(&t, "missing_evidence"), 1);
	t.campaign.evidence_stages = 0;
	assert_int_equal(open_of(&t, "missing_evidence"), 0);
	rt_batch_release(&a);
	rt_db_close(&t);
}

/* ---- missing photos: the queue against the rule read milestone by milestone */

/* The rule as the queue read it before it read report_hh's first dates:
 * every live milestone of an [evidence] stage on or before the date,
 * grouped by household and stage, its first date kept. The queue must list
 * exactly these items, in this order, with these dates. */
#define MISSING_BY_MILESTONES \
	"SELECT printf('E-%016x-%d-%s %s', h.id_origin, h.id_serial, m.stage, min(m.date))" \
	" FROM milestone m JOIN household h ON h.id_origin = m.household_origin" \
	" AND h.id_serial = m.household_serial WHERE instr(?1, ',' || m.stage || ',') > 0" \
	" AND m.date <= ?2 AND" PROTO_SQL_MILESTONE_LIVE("m") "AND" PROTO_SQL_HOUSEHOLD_COUNTS( \
		"h") "AND NOT EXISTS (SELECT 1 FROM milestone m2 JOIN photo p ON p.target_kind = 2" \
		     " AND p.target_origin = m2.id_origin AND p.target_serial = m2.id_serial" \
		     " WHERE m2.household_origin = h.id_origin AND m2.household_serial = h.id_serial" \
		     " AND m2.stage = m.stage AND" PROTO_SQL_MILESTONE_LIVE("m2") "AND" PROTO_SQL_PHOTO_LIVE( \
			     "p") ") AND NOT (m.stage = 'surveyed' AND EXISTS (SELECT 1 FROM photo p" \
				  " WHERE p.target_kind = 1 AND p.target_origin = h.id_origin" \
				  " AND p.target_serial = h.id_serial AND" PROTO_SQL_PHOTO_LIVE( \
					  "p") ")) GROUP BY h.id_origin, h.id_serial, m.stage" \
					       " ORDER BY h.id_origin, h.id_serial, m.stage"

/* Each missing-photo item the queue lists as "ID DATE\n" into b. */
static rc_next missing_line(void *arg, rc_item *it)
{
	proto_buf *b = arg;
	const char *extra = (const char *)it->extra.data, *date;

	if (it->kind != RK_EVIDENCE)
		return RC_ON;
	assert_non_null(extra);
	date = strstr(extra, "\"date\": \"");
	assert_non_null(date);
	assert_int_equal(proto_buf_appendf(b, "%s %.10s\n", it->id, date + 9), 0);
	return RC_ON;
}

static void expect_missing_as_by_milestones(rt_db *t, const char *as_of)
{
	rc_request all = { .skip = 0, .limit = -1, .all = 1, .lang = REPORT_VI };
	char stages[160] = ",";
	proto_buf queue, rule;
	sqlite3_stmt *st;
	size_t k, n = 1;

	for (k = 0; proto_stages[k]; k++)
		if (t->campaign.evidence_stages & (1u << k))
			n += (size_t)snprintf(stages + n, sizeof(stages) - n, "%s,", proto_stages[k]);
	proto_buf_init(&queue, 1 << 20);
	proto_buf_init(&rule, 1 << 20);
	assert_int_equal(rc_walk_queue(t->db, &t->campaign, as_of, 1, &all, missing_line, &queue), 0);
	assert_int_equal(sqlite3_prepare_v2(t->db, MISSING_BY_MILESTONES, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, stages, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, as_of, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		assert_int_equal(proto_buf_appendf(&rule, "%s\n", sqlite3_column_text(st, 0)), 0);
	sqlite3_finalize(st);
	assert_int_equal(proto_buf_append_byte(&queue, 0), 0);
	assert_int_equal(proto_buf_append_byte(&rule, 0), 0);
	assert_string_equal((const char *)queue.data, (const char *)rule.data);
	proto_buf_release(&queue);
	proto_buf_release(&rule);
}

static void test_missing_evidence_dates(void **state)
{
	static const char *const days[] = { "2023-06-04", "2023-06-05", "2023-07-01",
					    "2023-08-01", "2023-09-01", END_2023 };
	rt_db t;
	rt_batch a, b;
	proto_id hh, m;
	unsigned stages;
	size_t d;
	int c941, i;

	(void)state;
	rt_db_open(&t);
	c941 = rt_commune_of(&t, 941);
	assert_int_equal(rt_report_migrate(&t), 0);
	rt_batch_init(&a, LAPTOP_A);
	rt_batch_init(&b, LAPTOP_B);
	/* two records of the survey, the first before some report dates */
	hh = rt_household(&a, c941, "Lý Văn Một", NULL, "approved");
	rt_milestone(&a, hh, "surveyed", "2023-06-05", NULL);
	rt_milestone(&b, hh, "surveyed", "2023-09-01", NULL);
	/* only after some report dates */
	hh = rt_household(&a, c941, "Lý Thị Hai", NULL, "approved");
	rt_milestone(&a, hh, "surveyed", "2023-09-01", NULL);
	/* the first record voided: the second's date */
	hh = rt_household(&a, c941, "Lý Văn Ba", NULL, "approved");
	rt_void(&a, rt_milestone(&a, hh, "surveyed", "2023-06-05", NULL), PROTO_KIND_MILESTONE);
	rt_milestone(&a, hh, "surveyed", "2023-08-01", NULL);
	/* a photo voided; a photo on a voided record; a photo of another stage */
	hh = rt_household(&a, c941, "Lý Thị Bốn", NULL, "approved");
	rt_void(&a,
		rt_photo(&a, rt_milestone(&a, hh, "handed_over", "2023-08-30", NULL),
			 PROTO_KIND_MILESTONE, SHA_ROOF),
		PROTO_KIND_PHOTO);
	m = rt_milestone(&a, hh, "surveyed", "2023-06-06", NULL);
	rt_photo(&a, m, PROTO_KIND_MILESTONE, SHA_OWN);
	rt_void(&a, m, PROTO_KIND_MILESTONE);
	rt_milestone(&b, hh, "surveyed", "2023-07-01", NULL);
	rt_photo(&a, rt_milestone(&a, hh, "roof", "2023-07-20", NULL), PROTO_KIND_MILESTONE, SHA_ROOF);
	/* every stage, the survey's photo on the household, then one withdrawn */
	for (i = 0; i < 2; i++) {
		hh = rt_household(&a, c941, i ? "Lý Văn Sáu" : "Lý Văn Năm", NULL, "approved");
		for (d = 0; proto_stages[d]; d++)
			rt_milestone(i ? &b : &a, hh, proto_stages[d], days[d % 6], NULL);
		rt_photo(&a, hh, PROTO_KIND_HOUSEHOLD, SHA_OWN);
	}
	rt_household_set(&a, hh, PROTO_HH_WITHDRAWN, "chuyển đi", 0);
	rt_flush(&a, t.db);
	rt_flush(&b, t.db);
	/* the campaign's stages, then every stage (each of d1..d8), then none */
	for (stages = t.campaign.evidence_stages, i = 0; i < 3; i++) {
		t.campaign.evidence_stages = i == 0 ? stages : i == 1 ? 0xffu : 0;
		for (d = 0; d < sizeof(days) / sizeof(days[0]); d++)
			expect_missing_as_by_milestones(&t, days[d]);
	}
	t.campaign.evidence_stages = stages;
	assert_int_equal(open_of(&t, "missing_evidence"), 6);
	rt_batch_release(&a);
	rt_batch_release(&b);
	rt_db_close(&t);
}

/* A generated scene as a JPEG: its SHA-256 (bytes and hex) and dHash. */
static void scene(uint32_t seed, int width, int height, int quality, uint8_t sha[32], char hex[65],
		  uint64_t *dhash)
{
	size_t len;
	uint8_t *jpeg = photo_gen_jpeg(width, height, seed, quality, NULL, &len);

	assert_non_null(jpeg);
	proto_sha256(jpeg, len, sha);
	proto_hex(sha, 32, hex);
	assert_int_equal(photo_dhash(jpeg, len, dhash), PHOTO_OK);
	free(jpeg);
}

static void test_near_photo(void **state)
{
	rt_db t;
	rt_batch a;
	proto_id one, two, three, roof_two, photo_two;
	uint8_t sha_a[32], sha_b[32], sha_c[32];
	char hex_a[65], hex_b[65], hex_c[65], err[256];
	uint64_t d_a, d_b, d_c;
	int c941;

	(void)state;
	/* one scene taken twice (as docs/PHOTOS.md measures), another scene */
	scene(7, 2400, 1800, 92, sha_a, hex_a, &d_a);
	scene(7, 1800, 1350, 60, sha_b, hex_b, &d_b);
	scene(8, 2400, 1800, 92, sha_c, hex_c, &d_c);
	assert_string_not_equal(hex_a, hex_b);
	assert_true(photo_hamming(d_a, d_b) <= HUB_PHOTO_NEAR_DISTANCE);
	assert_true(photo_hamming(d_a, d_c) > HUB_PHOTO_NEAR_DISTANCE);

	rt_db_open(&t);
	c941 = rt_commune_of(&t, 941);
	assert_int_equal(rt_report_migrate(&t), 0);
	rt_batch_init(&a, LAPTOP_A);
	one = rt_household(&a, c941, "Võ Văn Một", NULL, "approved");
	two = rt_household(&a, c941, "Võ Thị Hai", NULL, "approved");
	three = rt_household(&a, c941, "Võ Văn Ba", NULL, "approved");
	roof_two = rt_milestone(&a, two, "roof", "2023-07-11", NULL);
	rt_photo(&a, one, PROTO_KIND_HOUSEHOLD, hex_a);
	rt_photo(&a, one, PROTO_KIND_HOUSEHOLD, hex_c); /* one's own other photo */
	photo_two = rt_photo(&a, roof_two, PROTO_KIND_MILESTONE, hex_b);
	rt_photo(&a, three, PROTO_KIND_HOUSEHOLD, hex_c); /* far from both: no near item */
	rt_flush(&a, t.db);
	/* the bytes arrive: noted as the photo store notes them */
	assert_int_equal(hub_photo_near_note(t.db, sha_a, d_a), HUB_OK);
	assert_int_equal(hub_photo_near_note(t.db, sha_c, d_c), HUB_OK);
	assert_int_equal(rt_open_of(&t, "near_photo", END_2023), 0);
	assert_int_equal(hub_photo_near_note(t.db, sha_b, d_b), HUB_OK);
	assert_int_equal(hub_photo_near_note(t.db, sha_b, d_b), HUB_OK); /* again: nothing new */
	assert_int_equal(rt_open_of(&t, "near_photo", END_2023), 1);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023, "\"id\": \"D-1\"", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023, "\"kind\": \"near_photo\"", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023, hex_a, 1);
	rt_expect_reconcile_text(&t, HUB_FMT_CSV, END_2023, "Ảnh gần giống", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_HTML, END_2023, "Ảnh gần giống", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_TABLE, END_2023, "Near-duplicate photo", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_TABLE, END_2023, "near photo", 1);
	rt_expect_rebuild_same(&t, END_2023);

	/* the later photo's record voided: nothing left to compare */
	rt_void(&a, photo_two, PROTO_KIND_PHOTO);
	rt_flush(&a, t.db);
	assert_int_equal(rt_open_of(&t, "near_photo", END_2023), 0);
	rt_photo(&a, two, PROTO_KIND_HOUSEHOLD, hex_b);
	rt_flush(&a, t.db);
	assert_int_equal(rt_open_of(&t, "near_photo", END_2023), 1);

	/* resolved like any other item, once */
	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, "D-1", "lan", "hai nhà cạnh nhau", NULL,
					      1, err, sizeof(err)),
			 HUB_OK);
	assert_int_equal(rt_open_of(&t, "near_photo", END_2023), 0);
	assert_int_equal(hub_reconcile_record(t.db, &t.campaign, "D-1", "lan", "again", NULL, 1, err,
					      sizeof(err)),
			 HUB_REFUSED);
	rt_batch_release(&a);
	rt_db_close(&t);
}

/* The bytes of photo hex arrived at the hub at unix time stored_at. */
static void arrived(rt_db *t, const char *hex, long long stored_at)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO hub_photo (sha256, bytes, stored_at, agent) VALUES (x'%s', 200000, %lld, 1)",
		 hex, stored_at);
	assert_int_equal(sqlite3_exec(t->db, sql, NULL, NULL, NULL), SQLITE_OK);
}

/* The photo-time item of photo p is (not) in the queue. */
static void expect_time(rt_db *t, proto_id p, int present)
{
	char item[96];

	snprintf(item, sizeof(item), "\"T-%016llx-%llu\"", (unsigned long long)p.origin,
		 (unsigned long long)p.serial);
	rt_expect_reconcile_text(t, HUB_FMT_JSON, END_2023, item, present);
}

static void test_photo_time(void **state)
{
	rt_db t;
	rt_batch a;
	proto_id hh, roof, near, far, untimed, early, late;
	int c941;

	(void)state;
	rt_db_open(&t);
	t.campaign.evidence_max_days = 30;
	c941 = rt_commune_of(&t, 941);
	assert_int_equal(rt_report_migrate(&t), 0);
	rt_batch_init(&a, LAPTOP_A);
	hh = rt_household(&a, c941, "Lâm Văn Một", NULL, "approved");
	roof = rt_milestone(&a, hh, "roof", "2023-07-10", NULL);
	near = rt_photo_at(&a, roof, PROTO_KIND_MILESTONE, SHA_ROOF, "2023-08-09T17:00:00+07:00");
	far = rt_photo_at(&a, roof, PROTO_KIND_MILESTONE, SHA_OWN, "2023-08-10T08:00:00+07:00");
	untimed = rt_photo(&a, roof, PROTO_KIND_MILESTONE,
			   "3333333333333333333333333333333333333333333333333333333333333333");
	early = rt_photo_at(&a, hh, PROTO_KIND_HOUSEHOLD,
			    "4444444444444444444444444444444444444444444444444444444444444444",
			    "2023-06-01T09:00:00+07:00");
	late = rt_photo_at(&a, hh, PROTO_KIND_HOUSEHOLD,
			   "5555555555555555555555555555555555555555555555555555555555555555",
			   "2023-06-02T09:00:00+07:00");
	rt_flush(&a, t.db);
	/* 30 days from the roof is within; 31 is not */
	assert_int_equal(rt_open_of(&t, "photo_time", END_2023), 1);
	expect_time(&t, near, 0);
	expect_time(&t, far, 1);
	expect_time(&t, untimed, 0);
	rt_expect_reconcile_text(&t, HUB_FMT_TABLE, END_2023, "Photo time", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_CSV, END_2023, "Giờ chụp ảnh", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023,
				 "chụp lúc 2023-08-10T08:00:00+07:00; Xong mái ngày 2023-07-10", 1);
	/* taken after the bytes arrived: 2023-06-02 02:00 UTC is 1685671200 */
	arrived(&t, "4444444444444444444444444444444444444444444444444444444444444444", 1685671200);
	arrived(&t, "5555555555555555555555555555555555555555555555555555555555555555", 1685671200);
	expect_time(&t, early, 0);
	expect_time(&t, late, 0); /* taken the very second it arrived */
	arrived(&t, "3333333333333333333333333333333333333333333333333333333333333333", 1);
	expect_time(&t, untimed, 0); /* no time taken, nothing to compare */
	sqlite3_exec(t.db, "UPDATE hub_photo SET stored_at = 1685671199", NULL, NULL, NULL);
	expect_time(&t, late, 1);
	expect_time(&t, early, 0);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023, "ảnh đến hub lúc 2023-06-02T01:59:59Z", 1);
	rt_expect_rebuild_same(&t, END_2023);
	/* a campaign without the key leaves the milestone's date unchecked */
	t.campaign.evidence_max_days = 0;
	expect_time(&t, far, 0);
	expect_time(&t, late, 1);
	rt_batch_release(&a);
	rt_db_close(&t);
}

/* A photo record with a position (degrees * 1e7, as the record has it). */
static proto_id photo_pos(rt_batch *b, proto_id target, int target_kind, const char *sha, int32_t lat,
			  int32_t lon)
{
	proto_id id = rt_photo(b, target, target_kind, sha);

	assert_int_equal(proto_changeset_add_int(&b->cs, PROTO_PH_LAT, 0, lat), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(&b->cs, PROTO_PH_LON, 0, lon), PROTO_OK);
	return id;
}

/* The id of the item of id (G- of a household, B- of a photo). */
static const char *item_id(char out[96], const char *prefix, proto_id id)
{
	snprintf(out, 96, "%s%016llx-%llu", prefix, (unsigned long long)id.origin,
		 (unsigned long long)id.serial);
	return out;
}

/* The item prefix+id is (not) in the queue. */
static void expect_item(rt_db *t, const char *prefix, proto_id id, int present)
{
	char item[96], quoted[100];

	snprintf(quoted, sizeof(quoted), "\"%s\"", item_id(item, prefix, id));
	rt_expect_reconcile_text(t, HUB_FMT_JSON, END_2023, quoted, present);
}

/* What a's batch holds gives household hh one open item of kind; withdrawn,
 * the household has none. */
static void withdrawn_has_none(rt_db *t, rt_batch *a, proto_id hh, const char *kind)
{
	rt_flush(a, t->db);
	assert_int_equal(rt_open_of(t, kind, END_2023), 1);
	rt_household_set(a, hh, PROTO_HH_WITHDRAWN, "chuyển đi", 0);
	rt_flush(a, t->db);
	assert_int_equal(rt_open_of(t, kind, END_2023), 0);
}

#define SHA_A \
	"a1a1a1a1" \
	"a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
#define SHA_B \
	"b2b2b2b2" \
	"b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
#define SHA_C \
	"c3c3c3c3" \
	"c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"
#define SHA_D \
	"d4d4d4d4" \
	"d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4"
#define SHA_E \
	"e5e5e5e5" \
	"e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5"

/* The documents name kind by its Vietnamese label, the table (LANG unset)
 * by its English one; and its detail reads en in the table. */
static void in_every_format(rt_db *t, const char *label, const char *english, const char *en)
{
	rt_expect_reconcile_text(t, HUB_FMT_CSV, END_2023, label, 1);
	rt_expect_reconcile_text(t, HUB_FMT_HTML, END_2023, label, 1);
	rt_expect_reconcile_text(t, HUB_FMT_TABLE, END_2023, english, 1);
	rt_expect_reconcile_text(t, HUB_FMT_TABLE, END_2023, en, 1);
	rt_expect_rebuild_same(t, END_2023);
}

/* A hub database with the campaign, laptop A's batch begun: commune of 941. */
static int start(rt_db *t, rt_batch *a)
{
	int c941;

	rt_db_open(t);
	c941 = rt_commune_of(t, 941);
	assert_int_equal(rt_report_migrate(t), 0);
	rt_batch_init(a, LAPTOP_A);
	return c941;
}

/* item resolved like any other, and only once; kind has no open item left. */
static void resolved_once(rt_db *t, const char *item, const char *kind, const char *note)
{
	char err[256];

	assert_int_equal(hub_reconcile_record(t->db, &t->campaign, item, "lan", note, NULL, 1, err,
					      sizeof(err)),
			 HUB_OK);
	assert_int_equal(rt_open_of(t, kind, END_2023), 0);
	assert_int_equal(hub_reconcile_record(t->db, &t->campaign, item, "lan", "again", NULL, 1, err,
					      sizeof(err)),
			 HUB_REFUSED);
	assert_non_null(strstr(err, "already resolved by 'lan'"));
}

static void test_distance_math(void **state)
{
	(void)state;
	/* a degree of the equator; Sóc Trăng city to Hồ Chí Minh City */
	assert_true(fabs(rc_distance_m(0, 0, 0, 1) - 111195.08) < 0.01);
	assert_true(fabs(rc_distance_m(9.6033, 105.98, 10.7769, 106.7009) - 152493.35) < 0.01);
	assert_true(rc_distance_m(9.6, 105.9, 9.6, 105.9) == 0);
	/* antipodes: rounding must not take asin past 1 */
	assert_true(fabs(rc_distance_m(10, 20, -10, -160) - 20015114.4) < 1);
}

static void test_photo_distance(void **state)
{
	rt_db t;
	rt_batch a, b;
	proto_id one, two, roof, far, other_roof;
	char item[96];
	int c941 = start(&t, &a);

	(void)state;
	/* the campaign file: 500 m */
	assert_int_equal(t.campaign.evidence_max_distance_m, 500);
	rt_batch_init(&b, LAPTOP_B);
	one = rt_household(&a, c941, "Thạch Văn Một", NULL, "approved");
	two = rt_household(&a, c941, "Thạch Thị Hai", NULL, "approved");
	roof = rt_milestone(&a, one, "roof", "2023-07-10", NULL);
	/* the old house and the roof 300 m apart, one photo with no position */
	photo_pos(&a, one, PROTO_KIND_HOUSEHOLD, SHA_A, 96033000, 1059800000);
	photo_pos(&a, roof, PROTO_KIND_MILESTONE, SHA_B, 96060000, 1059800000);
	rt_photo(&a, roof, PROTO_KIND_MILESTONE, SHA_E);
	/* another household's photo 925 m away is not one's */
	other_roof = rt_milestone(&a, two, "roof", "2023-07-11", NULL);
	photo_pos(&a, other_roof, PROTO_KIND_MILESTONE, SHA_D, 96100000, 1059850000);
	rt_flush(&a, t.db);
	assert_int_equal(rt_open_of(&t, "photo_distance", END_2023), 0);

	/* laptop B's photo of one's roof 925 m from the old house: the farthest pair */
	far = photo_pos(&b, roof, PROTO_KIND_MILESTONE, SHA_C, 96100000, 1059850000);
	rt_flush(&b, t.db);
	assert_int_equal(rt_open_of(&t, "photo_distance", END_2023), 1);
	expect_item(&t, "G-", one, 1);
	expect_item(&t, "G-", two, 0);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023, "\"kind\": \"photo_distance\"", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023,
				 "ảnh a1a1a1a1 và c3c3c3c3 cách nhau 925 m (quá 500 m)", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023, "\"distance_m\": 925", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023, SHA_C, 1);
	in_every_format(&t, "Ảnh chụp xa nhau", "Photos far apart",
			"photos a1a1a1a1 and c3c3c3c3 are 925 m apart (more than 500 m)");

	/* a larger distance in the campaign, or none, and it is gone */
	t.campaign.evidence_max_distance_m = 925;
	assert_int_equal(rt_open_of(&t, "photo_distance", END_2023), 0);
	t.campaign.evidence_max_distance_m = 0;
	assert_int_equal(rt_open_of(&t, "photo_distance", END_2023), 0);
	t.campaign.evidence_max_distance_m = 500;

	/* the far photo voided: nothing left; on the household again it is back */
	rt_void(&b, far, PROTO_KIND_PHOTO);
	rt_flush(&b, t.db);
	assert_int_equal(rt_open_of(&t, "photo_distance", END_2023), 0);
	photo_pos(&b, one, PROTO_KIND_HOUSEHOLD, SHA_C, 96100000, 1059850000);
	rt_flush(&b, t.db);
	assert_int_equal(rt_open_of(&t, "photo_distance", END_2023), 1);

	/* resolved like any other item, once; a withdrawn household has none */
	resolved_once(&t, item_id(item, "G-", one), "photo_distance", "nhà cũ ở ruộng khác");
	photo_pos(&a, two, PROTO_KIND_HOUSEHOLD, SHA_A, 96033000, 1059800000);
	withdrawn_has_none(&t, &a, two, "photo_distance");
	rt_batch_release(&a);
	rt_batch_release(&b);
	rt_db_close(&t);
}

static void test_photo_outside(void **state)
{
	rt_db t;
	rt_batch a;
	proto_id hh, roof, saigon, sea, edge, blank;
	char item[96];
	int c941 = start(&t, &a);

	(void)state;
	/* the campaign file's box of Sóc Trăng */
	assert_int_equal(t.campaign.evidence_has_bounds, 1);
	hh = rt_household(&a, c941, "Sơn Văn Một", NULL, "approved");
	roof = rt_milestone(&a, hh, "roof", "2023-07-10", NULL);
	photo_pos(&a, hh, PROTO_KIND_HOUSEHOLD, SHA_A, 96033000, 1059800000);
	saigon = photo_pos(&a, roof, PROTO_KIND_MILESTONE, SHA_B, 107769000, 1067009000);
	sea = photo_pos(&a, hh, PROTO_KIND_HOUSEHOLD, SHA_C, 91799999, 1060000000);
	edge = photo_pos(&a, hh, PROTO_KIND_HOUSEHOLD, SHA_D, 91800000, 1063500000);
	blank = rt_photo(&a, hh, PROTO_KIND_HOUSEHOLD, SHA_E);
	rt_flush(&a, t.db);
	/* Hồ Chí Minh City, and a hair south of the box; its very edge is in */
	assert_int_equal(rt_open_of(&t, "photo_outside", END_2023), 2);
	expect_item(&t, "B-", saigon, 1);
	expect_item(&t, "B-", sea, 1);
	expect_item(&t, "B-", edge, 0);
	expect_item(&t, "B-", blank, 0);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023, "\"kind\": \"photo_outside\"", 1);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023,
				 "chụp tại 10.77690, 106.70090: ngoài khung tọa độ của tỉnh (vĩ độ "
				 "9.18000 đến 9.99000, kinh độ 105.51000 đến 106.35000)",
				 1);
	rt_expect_reconcile_text(&t, HUB_FMT_JSON, END_2023, "\"lat\": 10.7769000", 1);
	in_every_format(&t, "Ảnh ngoài tỉnh", "Photo outside the province", "outside the province's box");

	/* voided with its milestone; a campaign without bounds checks none */
	rt_void(&a, roof, PROTO_KIND_MILESTONE);
	rt_flush(&a, t.db);
	expect_item(&t, "B-", saigon, 0);
	t.campaign.evidence_has_bounds = 0;
	assert_int_equal(rt_open_of(&t, "photo_outside", END_2023), 0);
	t.campaign.evidence_has_bounds = 1;

	/* resolved like any other item, once; a withdrawn household none */
	resolved_once(&t, item_id(item, "B-", sea), "photo_outside", "máy mất định vị");
	photo_pos(&a, hh, PROTO_KIND_HOUSEHOLD, SHA_B, 107769000, 1067009000);
	withdrawn_has_none(&t, &a, hh, "photo_outside");
	rt_batch_release(&a);
	rt_db_close(&t);
}

TEST_MAIN(cmocka_unit_test(test_same_photo), cmocka_unit_test(test_missing_evidence),
	  cmocka_unit_test(test_missing_evidence_dates), cmocka_unit_test(test_near_photo),
	  cmocka_unit_test(test_photo_time), cmocka_unit_test(test_distance_math),
	  cmocka_unit_test(test_photo_distance), cmocka_unit_test(test_photo_outside))
