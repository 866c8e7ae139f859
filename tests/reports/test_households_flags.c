/*
 * test_households_flags.c - the household browser's "open items" and
 * "missing photo" filters answered from the flags browse_hh keeps
 * (browse_schema.h: open_since, photo_since) give exactly the households
 * the reconcile queue's rules give, on every as-of day, in the province and
 * in a commune: over a varied store (stages out of order, late, one stage
 * on two days by two laptops, photos and their voids, shared national IDs,
 * concurrent edits, withdrawals, rejections), built before the browser's
 * tables and after, then after resolutions of every kind, after more
 * merges closed by their ledger row, and after a merge not yet closed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "maiam/schema.h"
#include "hub.h"
#include "report.h"
#include "browse.h"
#include "browse_schema.h"
#include "store.h"
#include "reptest.h"

#define NHH 240
#define LIST_MAX 8192

static const char *const as_ofs[] = {
	"2023-01-01", "2023-05-01", "2023-05-20", "2023-06-01", "2023-06-15", "2023-07-01",
	"2023-07-10", "2023-07-20", "2023-08-01", "2023-08-10", "2023-08-20", "2023-09-01",
	"2023-09-02", "2023-09-03", "2023-09-10", "2023-09-20", "2023-10-01", "2023-10-15",
	"2023-11-01", "2023-11-20", "2023-12-01", "2023-12-31", "2024-06-30",
};

typedef struct world {
	rt_db t;
	int communes[2];
	proto_id hh[NHH];
	proto_id ms[NHH][10]; /* each household's milestones, {0, 0} none */
	uint64_t rng;
	uint64_t ledger_seq;
} world;

static world w;

static unsigned pick(unsigned n)
{
	w.rng = w.rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)((w.rng >> 33) % n);
}

/* A day of 2023 from day-of-year-like offset d (0..239 from May 1st). */
static void day(char out[11], unsigned d)
{
	static const int mdays[] = { 31, 30, 31, 31, 30, 31, 30, 31 }; /* May .. December */
	int m = 0;

	while (m < 7 && d >= (unsigned)mdays[m])
		d -= (unsigned)mdays[m++];
	/* written wide, then the ten characters a day has: the compiler cannot
	 * see that m and d stay in range, and -Wformat-truncation (-O0) says so */
	char wide[32];

	snprintf(wide, sizeof(wide), "2023-%02d-%02u", m + 5, d + 1);
	memcpy(out, wide, 10);
	out[10] = '\0';
}

static const char *sha(unsigned k)
{
	static char s[65];

	snprintf(s, sizeof(s), "%064x", k + 1);
	return s;
}

/* The change-sets merged so far closed by a ledger row, as ingest does. */
static void ledger_row(void)
{
	static const uint8_t zeros[32];
	uint8_t hash[32] = { 0 };

	w.ledger_seq++;
	memcpy(hash, &w.ledger_seq, sizeof(w.ledger_seq));
	assert_int_equal(hub_ledger_insert(w.t.db, 0x0d0d0d0d0d0d0d0dull, w.ledger_seq, hash, zeros,
					   sizeof(zeros), 1700000000 + (int64_t)w.ledger_seq),
			 HUB_OK);
}

/* Households first..last-1 of a varied province into the store. */
static void merge_some(int first, int last)
{
	static const char *const status[] = { "approved", "approved", "approved", "proposed", "rejected" };
	rt_batch a, b;
	char nid[16], name[64], date[11];
	unsigned photo = 1000u * (unsigned)first;
	int i, k;

	rt_batch_init(&a, 0x0a0a0a0a0a0a0a0aull + (uint64_t)first);
	rt_batch_init(&b, 0x0b0b0b0b0b0b0b0bull + (uint64_t)first);
	a.serial = b.serial = 1000u * (unsigned)first;
	for (i = first; i < last; i++) {
		unsigned reach = pick(9), d = pick(60);

		snprintf(name, sizeof(name), "Hộ %d", i);
		snprintf(nid, sizeof(nid), "0790%08u", pick(NHH)); /* some shared */
		w.hh[i] = rt_household(&a, w.communes[i % 2], name, pick(8) ? nid : NULL,
				       status[pick(ARRAY_SIZE(status))]);
		if (pick(2)) /* most with their photos: the other items not hidden behind */
			rt_photo(&a, w.hh[i], PROTO_KIND_HOUSEHOLD, sha(photo++));
		for (k = 0; k < (int)reach; k++) {
			d += pick(30); /* many handed over after the deadline */
			if (!pick(10))
				continue; /* a stage skipped: out of order */
			day(date, d > 239 ? 239 : d);
			w.ms[i][k] = rt_milestone(&a, w.hh[i], proto_stages[k], date, NULL);
			if (pick(5))
				rt_photo(&a, w.ms[i][k], PROTO_KIND_MILESTONE, sha(photo++));
			if (!pick(8)) { /* the same stage by another laptop, another day or the same */
				day(date, d + pick(3) > 239 ? 239 : d + pick(3));
				w.ms[i][9] = rt_milestone(&b, w.hh[i], proto_stages[k], date, NULL);
			}
		}
		if (!pick(15))
			rt_household_set(&b, w.hh[i], PROTO_HH_NAME, "Tên khác", 0); /* concurrent: C- */
		if (!pick(20))
			rt_household_set(&a, w.hh[i], PROTO_HH_WITHDRAWN, "chuyển đi", 0);
	}
	rt_flush(&a, w.t.db);
	rt_flush(&b, w.t.db);
	/* some voids: of milestones, and of the photos just made (serials after) */
	for (i = first; i < last; i++)
		for (k = 0; k < 9; k++)
			if (w.ms[i][k].origin && !pick(12))
				rt_void(&a, w.ms[i][k], PROTO_KIND_MILESTONE);
	rt_flush(&a, w.t.db);
	rt_batch_release(&a);
	rt_batch_release(&b);
}

/* The first six stages' days of the households made in order below. */
static const char *const stage_days[] = { "2023-05-02", "2023-05-10", "2023-06-01",
					  "2023-06-20", "2023-07-10", "2023-08-01" };

/* A household with every stage in order and photographed, completed and
 * handed over on the days given (handed NULL: not yet): late by one of
 * them alone, its only item. */
static void late_only(rt_batch *a, const char *completed, const char *handed)
{
	static unsigned photo = 50000;
	proto_id hh = rt_household(a, w.communes[0], "Trễ hạn", NULL, "approved");
	int k;

	rt_photo(a, hh, PROTO_KIND_HOUSEHOLD, sha(photo++));
	for (k = 0; k < 6; k++)
		rt_photo(a, rt_milestone(a, hh, proto_stages[k], stage_days[k], NULL),
			 PROTO_KIND_MILESTONE, sha(photo++));
	rt_milestone(a, hh, "completed", completed, NULL);
	if (handed)
		rt_photo(a, rt_milestone(a, hh, "handed_over", handed, NULL), PROTO_KIND_MILESTONE,
			 sha(photo++));
}

/* A household with its first `stages` stages in order, photographed (the
 * survey through the household's own photo), then, when given, completed
 * and handed over (photographed) on those days with the stages between
 * skipped: no item but that one. */
static proto_id in_order(rt_batch *a, const char *name, int stages, const char *completed,
			 const char *handed)
{
	static unsigned photo = 70000;
	proto_id hh = rt_household(a, w.communes[0], name, NULL, "approved");
	int k;

	rt_photo(a, hh, PROTO_KIND_HOUSEHOLD, sha(photo++));
	for (k = 0; k < stages; k++)
		rt_milestone(a, hh, proto_stages[k], stage_days[k], NULL);
	if (completed)
		rt_milestone(a, hh, "completed", completed, "xong trước khi lợp mái");
	if (handed)
		rt_photo(a, rt_milestone(a, hh, "handed_over", handed, NULL), PROTO_KIND_MILESTONE,
			 sha(photo++));
	return hh;
}

/* browse_hh's open_since of household hh, "-" when none */
static void open_since_of(proto_id hh, char out[16])
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(w.t.db,
					    "SELECT coalesce(open_since, '-') FROM browse_hh"
					    " WHERE id_origin = ?1 AND id_serial = ?2",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, proto_u2i(hh.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(hh.serial));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, 16, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* The ids (browse_hh) the rule gives as of the day in commune (0: all),
 * "id,id,..." in the households' id order (as hub_browse_each), into out; how many. */
static int by_rule(int photo, const char *as_of, int commune, char *out)
{
	char ev[160];
	sqlite3_stmt *st;
	int n = 0;
	size_t len = 0;
	const char *sql =
		photo ? "SELECT b.id FROM browse_hh b JOIN household h ON h.id_origin = b.id_origin AND"
			" h.id_serial = b.id_serial LEFT JOIN report_hh r ON r.id_origin = h.id_origin AND"
			" r.id_serial = h.id_serial WHERE (?4 = 0 OR b.commune = ?4) AND" BROWSE_MISSING_PHOTO_AT(
				"?1", "?3") " ORDER BY h.id_origin, h.id_serial"
		      : "SELECT b.id FROM browse_hh b JOIN household h ON h.id_origin = b.id_origin AND"
			" h.id_serial = b.id_serial LEFT JOIN report_hh r ON r.id_origin = h.id_origin AND"
			" r.id_serial = h.id_serial WHERE (?4 = 0 OR b.commune = ?4) AND" BROWSE_OPEN_ITEMS_AT(
				"?1", "?2", "?3") " ORDER BY h.id_origin, h.id_serial";

	hub_browse_evidence(&w.t.campaign, ev, sizeof(ev));
	assert_int_equal(sqlite3_prepare_v2(w.t.db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, as_of, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, w.t.campaign.deadline, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ev, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, commune);
	out[0] = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		len += (size_t)snprintf(out + len, LIST_MAX - len, "%lld,", sqlite3_column_int64(st, 0));
		assert_true(len < LIST_MAX);
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

typedef struct listed {
	char ids[LIST_MAX];
	size_t len;
	int n;
} listed;

/* browse_hh's id of a household the browser hands over */
static int collect(void *arg, const hub_browse_row *r)
{
	listed *l = arg;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(w.t.db,
					    "SELECT id FROM browse_hh WHERE id_origin = ?1 AND id_serial = ?2",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, proto_u2i(r->id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(r->id.serial));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	l->len += (size_t)snprintf(l->ids + l->len, LIST_MAX - l->len, "%lld,",
				   sqlite3_column_int64(st, 0));
	assert_true(l->len < LIST_MAX);
	l->n++;
	sqlite3_finalize(st);
	return 0;
}

/* The browser's answer as of the day (every household, in id order, and
 * its count) is the rule's, for both filters, in the province and in each
 * commune; the households with an open item on the last day into *open. */
static void expect_same(int *open, int *early)
{
	static listed got;
	static char want[LIST_MAX];
	hub_browse_query q;
	int64_t total;
	size_t i;
	int photo, c, n;

	for (i = 0; i < ARRAY_SIZE(as_ofs); i++)
		for (photo = 0; photo < 2; photo++)
			for (c = 0; c < 3; c++) {
				int commune = c ? w.communes[c - 1] : 0;

				hub_browse_query_init(&q);
				q.commune = commune;
				q.open_items = !photo;
				q.missing_photo = photo;
				n = by_rule(photo, as_ofs[i], commune, want);
				memset(&got, 0, sizeof(got));
				assert_int_equal(hub_browse_each(w.t.db, &w.t.campaign, as_ofs[i], 0, &q,
								 collect, &got),
						 HUB_OK);
				if (strcmp(got.ids, want) != 0)
					fail_msg("%s as of %s in commune %d: flags give %s, rules %s",
						 photo ? "missing photo" : "open items", as_ofs[i],
						 commune, got.ids, want);
				assert_int_equal(hub_browse(w.t.db, &w.t.campaign, as_ofs[i], 0, &q,
							    NULL, NULL, &total),
						 HUB_OK);
				assert_int_equal(total, n);
				if (!photo && !c && i == ARRAY_SIZE(as_ofs) - 1)
					*open = n;
				if (!photo && !c && i == 4)
					*early = n;
			}
}

/* Resolve one item of each kind the queue has for households of the
 * browser that match on the last day. */
static void resolve_some(void)
{
	static const char *const sql[] = {
		/* a concurrent edit */
		"INSERT INTO report_resolution(item, resolved_at, resolved_by, note)"
		" SELECT 'C-' || id, '2023-12-01T00:00:00Z', 'lan', 'giữ' FROM conflict"
		" WHERE resolved_at IS NULL ORDER BY id LIMIT 2",
		/* a shared national ID */
		"INSERT INTO report_resolution(item, resolved_at, resolved_by, note)"
		" SELECT 'N-' || national_id, '2023-12-01T00:00:00Z', 'lan', 'khác người' FROM report_nid"
		" WHERE n > 1 ORDER BY national_id LIMIT 2",
		/* out of order, late, one stage twice, a missing photo */
		"INSERT INTO report_resolution(item, resolved_at, resolved_by, note)"
		" SELECT 'O-' || printf('%016x-%d', id_origin, id_serial), '2023-12-01T00:00:00Z', 'lan',"
		" 'đã rõ' FROM report_hh WHERE disorder AND counted ORDER BY id_serial LIMIT 3",
		"INSERT INTO report_resolution(item, resolved_at, resolved_by, note)"
		" SELECT 'L-' || printf('%016x-%d', id_origin, id_serial), '2023-12-01T00:00:00Z', 'lan',"
		" 'trễ' FROM report_hh WHERE counted AND d8 > '2023-09-02' ORDER BY id_serial LIMIT 3",
		"INSERT INTO report_resolution(item, resolved_at, resolved_by, note)"
		" SELECT 'S-' || printf('%016x-%d', id_origin, id_serial) || '-' || stage,"
		" '2023-12-01T00:00:00Z', 'lan', 'một ngày' FROM report_twice ORDER BY id_serial LIMIT 3",
		"INSERT INTO report_resolution(item, resolved_at, resolved_by, note)"
		" SELECT 'E-' || printf('%016x-%d', household_origin, household_serial) || '-' || stage,"
		" '2023-12-01T00:00:00Z', 'lan', 'ảnh giấy' FROM milestone WHERE stage IN"
		" ('surveyed', 'handed_over') ORDER BY id_serial LIMIT 6",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sql); i++)
		assert_int_equal(sqlite3_exec(w.t.db, sql[i], NULL, NULL, NULL), SQLITE_OK);
}

static int64_t one(const char *sql)
{
	sqlite3_stmt *st;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(w.t.db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void test_flags_answer_as_the_rules(void **state)
{
	char err[256];
	int open, early, open2, early2;

	(void)state;
	memset(&w, 0, sizeof(w));
	w.rng = 14;
	rt_db_open(&w.t);
	assert_int_equal(rt_report_migrate(&w.t), 0);
	w.communes[0] = rt_commune_of(&w.t, 950);
	w.communes[1] = rt_commune_of(&w.t, 941);
	assert_true(w.communes[0] > 0 && w.communes[1] > 0);

	/* a hub with households before the browser's tables: built from them */
	merge_some(0, NHH / 2);
	assert_int_equal(hub_browse_migrate(w.t.db, err, sizeof(err)), HUB_OK);
	assert_false(hub_browse_flags_usable(w.t.db, &w.t.campaign)); /* no basis yet */
	assert_int_equal(hub_browse_flags_basis(w.t.db, &w.t.campaign), HUB_OK);
	assert_true(hub_browse_flags_usable(w.t.db, &w.t.campaign));
	/* the rest merged through the triggers, closed by their ledger row */
	merge_some(NHH / 2, NHH);
	{
		rt_batch a;

		rt_batch_init(&a, 0x0e0e0e0e0e0e0e0eull);
		late_only(&a, "2023-08-30", "2023-09-10"); /* handed over late */
		late_only(&a, "2023-09-05", NULL);         /* completed late */
		late_only(&a, "2023-09-05", "2023-09-12"); /* both: the first counts */
		late_only(&a, "2023-08-01", "2023-08-20"); /* on time: no item */
		late_only(&a, "2023-09-02", "2023-09-02"); /* on the deadline: on time */
		rt_flush(&a, w.t.db);
		rt_batch_release(&a);
	}
	assert_false(hub_browse_flags_usable(w.t.db, &w.t.campaign)); /* not closed yet */
	ledger_row();
	assert_true(hub_browse_flags_usable(w.t.db, &w.t.campaign));
	assert_int_equal(one("SELECT count(*) FROM browse_flags_due"), 0);
	/* every kind of item is there, and the flags move with the as-of day */
	assert_true(one("SELECT count(*) FROM conflict WHERE resolved_at IS NULL") > 0);
	assert_true(one("SELECT count(*) FROM report_nid WHERE n > 1") > 0);
	assert_true(one("SELECT count(*) FROM report_hh WHERE disorder AND counted") > 0);
	assert_true(one("SELECT count(*) FROM report_twice") > 0);
	assert_true(one("SELECT count(*) FROM void_event") > 0);
	assert_true(one("SELECT count(DISTINCT open_since) FROM browse_hh") > 5);
	assert_true(one("SELECT count(DISTINCT photo_since) FROM browse_hh") > 5);
	/* late from the day of the hand-over or completion past the deadline */
	assert_int_equal(one("SELECT count(*) FROM browse_hh WHERE name = 'Trễ hạn' AND"
			     " open_since = '2023-09-10'"),
			 1);
	assert_int_equal(one("SELECT count(*) FROM browse_hh WHERE name = 'Trễ hạn' AND"
			     " open_since = '2023-09-05'"),
			 2);
	assert_int_equal(one("SELECT count(*) FROM browse_hh WHERE name = 'Trễ hạn' AND"
			     " open_since IS NULL AND photo_since IS NULL"),
			 2);
	expect_same(&open, &early);
	assert_true(early > 0 && early < open);

	/* resolutions of every kind, written as an operator's decision is
	 * (no ledger row): judged at once */
	resolve_some();
	assert_true(hub_browse_flags_usable(w.t.db, &w.t.campaign));
	expect_same(&open2, &early2);
	assert_true(open2 < open);

	/* the same as a rebuild from scratch makes them */
	{
		char *kept, *rebuilt;
		const char *dump = "SELECT group_concat(id_serial || ':' || coalesce(open_since, '-') || ':'"
				   " || coalesce(photo_since, '-'), ' ') FROM (SELECT * FROM browse_hh"
				   " ORDER BY id_origin, id_serial)";
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(w.t.db, dump, -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		kept = strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		assert_int_equal(hub_meta_set(w.t.db, "browse_schema", "2"), HUB_OK);
		assert_int_equal(hub_browse_migrate(w.t.db, err, sizeof(err)), HUB_OK);
		assert_false(hub_browse_flags_usable(w.t.db, &w.t.campaign)); /* rules until judged */
		expect_same(&open, &early);
		assert_int_equal(hub_browse_flags_basis(w.t.db, &w.t.campaign), HUB_OK);
		assert_int_equal(sqlite3_prepare_v2(w.t.db, dump, -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		rebuilt = strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		assert_string_equal(kept, rebuilt);
		free(kept);
		free(rebuilt);
	}

	/* a merge that adds photos, voids some and adds milestones, closed by
	 * its ledger row; then one not closed yet: the rules answer meanwhile */
	{
		rt_batch b;
		int i;

		rt_batch_init(&b, 0x0c0c0c0c0c0c0c0cull);
		b.stamp = (uint64_t)one("SELECT max(stamp) FROM milestone") + 1000;
		for (i = 0; i < NHH; i += 7) {
			if (w.ms[i][0].origin)
				rt_photo(&b, w.ms[i][0], PROTO_KIND_MILESTONE, sha(90000u + (unsigned)i));
			if (w.ms[i][7].origin)
				rt_void(&b, w.ms[i][7], PROTO_KIND_MILESTONE);
			rt_milestone(&b, w.hh[i], "handed_over", "2023-10-05", NULL);
			rt_household_set(&b, w.hh[i], PROTO_HH_REVIEW_STATUS, "approved", b.stamp);
		}
		rt_flush(&b, w.t.db);
		ledger_row();
		assert_true(hub_browse_flags_usable(w.t.db, &w.t.campaign));
		expect_same(&open, &early);
		for (i = 3; i < NHH; i += 11)
			rt_household_set(&b, w.hh[i], PROTO_HH_NATIONAL_ID, "079000000003", b.stamp);
		rt_flush(&b, w.t.db);
		rt_batch_release(&b);
		assert_false(hub_browse_flags_usable(w.t.db, &w.t.campaign));
		expect_same(&open, &early);
		ledger_row();
		assert_true(hub_browse_flags_usable(w.t.db, &w.t.campaign));
		expect_same(&open, &early);
	}

	/* change-sets of milestones alone, no photo, no household edit, as a
	 * night of the campaign brings them: stages out of order and back in,
	 * completed and handed over late, a stage another laptop recorded,
	 * evidence stages without their photo (a milestone is then all that
	 * tells the flags to move: a trigger that judged only some of them
	 * would fail here, as those tried for bench_campaign's night 60 were
	 * checked to, BENCHMARKS.md) */
	{
		rt_batch a, b;
		char date[11];
		int i, round;

		rt_batch_init(&a, 0x0a0a0a0a0a0a0a0aull);
		rt_batch_init(&b, 0x0b0b0b0b0b0b0b0bull);
		a.serial = b.serial = 900000;
		a.stamp = b.stamp = (uint64_t)one("SELECT max(stamp) FROM milestone") + 1000;
		for (round = 0; round < 3; round++) {
			for (i = 0; i < NHH; i += 1 + (int)pick(3)) {
				day(date, 20 + pick(200));
				rt_milestone(pick(6) ? &a : &b, w.hh[i], proto_stages[pick(8)], date,
					     NULL);
			}
			rt_flush(&a, w.t.db);
			rt_flush(&b, w.t.db);
			ledger_row();
			assert_true(hub_browse_flags_usable(w.t.db, &w.t.campaign));
			expect_same(&open, &early);
		}
		rt_batch_release(&a);
		rt_batch_release(&b);
	}

	/* a night of milestones each of which moves one household's flag
	 * while looking next in order at a glance: a roof dated before the
	 * walls (out of order from then on), a roof that puts a completed and
	 * handed-over house back in order, walls a second laptop records on
	 * another day (a stage on two days, which the report's flush finds),
	 * a completion in order past the deadline (the late rule), a third
	 * laptop's walls on a day between a pair's (the stage on two days
	 * from an earlier day). A trigger that judged only the milestones
	 * that look as if they could move a flag missed each of these
	 * (BENCHMARKS.md, "The browser's flags on the night a stage opens",
	 * "Night 60's flush"). */
	{
		rt_batch a, b, c;
		proto_id back, fixed, twice, late, third;
		char since[16];

		rt_batch_init(&a, 0x0f0f0f0f0f0f0f0full);
		rt_batch_init(&b, 0x0b0b0b0b0b0b0b0bull);
		rt_batch_init(&c, 0x0c0c0c0c0c0c0c0cull);
		a.serial = 950000;
		b.serial = 960000;
		c.serial = 970000;
		a.stamp = b.stamp = c.stamp = (uint64_t)one("SELECT max(stamp) FROM milestone") + 1000;
		back = in_order(&a, "Lùi ngày", 5, NULL, NULL);
		fixed = in_order(&a, "Sửa thứ tự", 5, "2023-08-20", "2023-08-25");
		twice = in_order(&a, "Hai máy", 5, NULL, NULL);
		late = in_order(&a, "Xong trễ", 6, NULL, NULL);
		third = in_order(&a, "Ba máy", 5, NULL, NULL); /* walls 07-10 */
		rt_flush(&a, w.t.db);
		rt_milestone(&b, third, "walls", "2023-07-25", NULL);
		rt_flush(&b, w.t.db);
		ledger_row();
		open_since_of(back, since);
		assert_string_equal(since, "-");
		open_since_of(fixed, since);
		assert_string_equal(since, ""); /* out of order: no roof */
		open_since_of(twice, since);
		assert_string_equal(since, "-");
		open_since_of(late, since);
		assert_string_equal(since, "-");
		open_since_of(third, since);
		assert_string_equal(since, "2023-07-25");

		rt_milestone(&a, back, "roof", "2023-07-01", NULL); /* walls were 07-10 */
		rt_milestone(&a, fixed, "roof", "2023-08-10", NULL);
		rt_milestone(&b, twice, "walls", "2023-07-20", NULL);
		rt_milestone(&a, late, "completed", "2023-09-05", NULL); /* deadline 09-02 */
		rt_milestone(&c, third, "walls", "2023-07-15", NULL);
		rt_flush(&a, w.t.db);
		rt_flush(&b, w.t.db);
		rt_flush(&c, w.t.db);
		ledger_row();
		open_since_of(back, since);
		assert_string_equal(since, "");
		open_since_of(fixed, since);
		assert_string_equal(since, "-");
		open_since_of(twice, since);
		assert_string_equal(since, "2023-07-20");
		open_since_of(late, since);
		assert_string_equal(since, "2023-09-05");
		open_since_of(third, since);
		assert_string_equal(since, "2023-07-15");
		expect_same(&open, &early);
		rt_batch_release(&a);
		rt_batch_release(&b);
		rt_batch_release(&c);
	}
	rt_db_close(&w.t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags_answer_as_the_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
