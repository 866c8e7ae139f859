/*
 * test_report_data.c - progress, funds and reconcile over a generated
 * campaign of thousands of households whose counts the test works out on
 * its own while generating (not by asking SQL), including voids, rejected
 * and withdrawn households (and withdrawals undone), late hand-overs,
 * out-of-order stages, a stage two laptops recorded on different days and
 * --as-of. The same data
 * loaded before and after the report tables exist must give the same reports
 * (triggers and the one-time rebuild agree).
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

#define NHH 3000
#define AS_OF "2023-07-20"

typedef struct expect {
	int code;
	long long registered, approved, started, completed, handed, on_time;
	long long started_asof, handed_asof;
	long long money, labour, mat_n, mat_value, n_contrib;
} expect;

typedef struct world {
	expect d[16];
	size_t nd;
	long long late, disorder, duplicates, twice;
	int communes[200], commune_district[200];
	size_t nc;
} world;

static expect *district(world *w, int code)
{
	size_t i;
	for (i = 0; i < w->nd; i++)
		if (w->d[i].code == code)
			return &w->d[i];
	return NULL;
}

static void date_plus(char out[11], int days)
{
	/* June has 30 days, July and August 31: enough for this campaign */
	int m = 6, d = 1 + days;
	while (d > (m == 6 || m == 9 ? 30 : 31)) {
		d -= (m == 6 || m == 9) ? 30 : 31;
		m++;
	}
	/* the modulo tells the compiler both fit two digits */
	snprintf(out, 11, "2023-%02u-%02u", (unsigned)m % 100u, (unsigned)d % 100u);
}

/* Households taken out of every count: withdrawn in the household record
 * itself (i % 23 == 5) or by a later edit (i % 23 == 12), which every other
 * time is undone (i % 46 == 12: the field set back to NULL). */
static int withdrawn_at(size_t i)
{
	return i % 23 == 5 || (i % 23 == 12 && i % 46 != 12);
}

/* Household i's first stage (surveyed, dated first) recorded again, by
 * another laptop (other) or the same one (b): on the next day (i % 61 == 1:
 * by b; 2: by other; 4: by other, then voided) or the same day (3). Only 2
 * is an item of the queue: two laptops, two days, both live. */
static void record_again(rt_batch *b, rt_batch *other, size_t i, proto_id hh)
{
	char day[11], next[11];

	date_plus(day, 7 + (int)(i % 5));
	date_plus(next, 8 + (int)(i % 5));
	switch (i % 61) {
	case 1:
		rt_milestone(b, hh, "surveyed", next, NULL);
		break;
	case 2:
		rt_milestone(other, hh, "surveyed", next, NULL);
		break;
	case 3:
		rt_milestone(other, hh, "surveyed", day, NULL);
		break;
	case 4:
		rt_void(other, rt_milestone(other, hh, "surveyed", next, NULL), PROTO_KIND_MILESTONE);
		break;
	}
}

/* Generate the campaign into db, counting what the reports must show. */
static void generate(rt_db *t, world *w)
{
	const proto_campaign *c = &t->campaign;
	rt_batch b, other;
	size_t i;
	proto_id prev_hh = { 0, 0 };
	char prev_nid[13] = "";

	memset(w, 0, sizeof(*w));
	for (i = 0; i < c->ntargets; i++)
		w->d[w->nd++].code = c->targets[i].district;
	for (i = 0; i < c->units.n; i++)
		if (c->units.a[i].level == PROTO_UNIT_COMMUNE) {
			w->communes[w->nc] = c->units.a[i].code;
			w->commune_district[w->nc++] = proto_units_district_of(&c->units,
									       c->units.a[i].code);
		}
	assert_true(w->nc > 50);
	rt_batch_init(&b, 0x1111222233334444ull);
	rt_batch_init(&other, 0x2222333344445555ull);
	for (i = 0; i < NHH; i++) {
		size_t ci = i % w->nc;
		expect *e = district(w, w->commune_district[ci]);
		int rejected = i % 20 == 0, reach = (int)(i % 9), k, voided_top = 0;
		int out = withdrawn_at(i);
		const char *status = rejected ? "rejected" : i % 3 == 0 ? "approved" : "proposed";
		char nid[13], name[64], dates[9][11];
		proto_id hh, top = { 0, 0 };

		snprintf(nid, sizeof(nid), "094%09zu", i);
		if (i % 500 == 3) { /* the same person registered twice */
			snprintf(nid, sizeof(nid), "%s", prev_nid);
			w->duplicates += !out && !withdrawn_at(i - 1);
		}
		snprintf(name, sizeof(name), "Hộ %zu", i);
		hh = rt_household(&b, w->communes[ci], name, nid, status);
		if (i % 23 == 5) /* recorded already withdrawn */
			assert_int_equal(proto_changeset_add_text(&b.cs, PROTO_HH_WITHDRAWN, 0,
								  "chuyển đi", strlen("chuyển đi")),
					 PROTO_OK);
		for (k = 1; k <= reach; k++) {
			date_plus(dates[k], k * 7 + (int)(i % 5));
			if (k == 8 && i % 50 == 8)
				snprintf(dates[k], 11, "2023-09-10"); /* late hand-over */
			top = rt_milestone(&b, hh, proto_stages[k - 1], dates[k], NULL);
		}
		if (reach >= 3 && i % 41 == 0) { /* the top milestone was a mistake */
			rt_void(&b, top, PROTO_KIND_MILESTONE);
			voided_top = 1;
		}
		if (i % 97 == 1 && reach < 6) {
			/* handed over recorded before the roof: out of order, forced */
			rt_milestone(&b, hh, "handed_over", "2023-06-02", "giấy tờ bàn giao trước");
			rt_milestone(&b, hh, "roof", "2023-06-20", NULL);
			if (!rejected && !out)
				w->disorder++;
		}
		if (reach >= 2) {
			record_again(&b, &other, i, hh);
			w->twice += i % 61 == 2 && !rejected && !out;
		}
		if (!rejected && !out) {
			int top_stage = voided_top ? reach - 1 : reach;
			const char *d3 = top_stage >= 3 ? dates[3] : NULL;
			const char *d7 = top_stage >= 7 ? dates[7] : NULL;
			const char *d8 = top_stage >= 8 ? dates[8] : NULL;
			int forced = i % 97 == 1 && reach < 6;

			e->registered++;
			e->approved += strcmp(status, "approved") == 0;
			if (forced) { /* reached every stage on 2023-06-02 */
				e->started++, e->completed++, e->handed++, e->on_time++;
				e->started_asof++, e->handed_asof++;
			} else {
				e->started += d3 != NULL;
				e->completed += d7 != NULL;
				e->handed += d8 != NULL;
				e->on_time += d8 && strcmp(d8, "2023-09-02") <= 0;
				e->started_asof += d3 && strcmp(d3, AS_OF) <= 0;
				e->handed_asof += d8 && strcmp(d8, AS_OF) <= 0;
				w->late += d8 && strcmp(d8, "2023-09-02") > 0;
			}
		}
		if (i % 4 == 0) {
			rt_contribution(&b, &hh, 0, "mps", 40000000, 0, NULL, 0, "2023-07-01");
			if (!out)
				e->money += 40000000, e->n_contrib++;
		}
		if (i % 7 == 0) {
			proto_id ct = rt_contribution(&b, &hh, 0, "household", 0, 3, "tre, lá dừa",
						      150000, "2023-07-02");
			if (i % 14 == 0) {
				rt_void(&b, ct, PROTO_KIND_CONTRIBUTION);
			} else if (!out) {
				e->labour += 3, e->mat_n++, e->mat_value += 150000, e->n_contrib++;
			}
		}
		if (i % 23 == 12) { /* withdrawn after its events were counted */
			rt_household_set(&b, hh, PROTO_HH_WITHDRAWN, "trùng hộ", 0);
			if (i % 46 == 12) /* and back: a mistake */
				rt_household_set(&b, hh, PROTO_HH_WITHDRAWN, NULL, b.stamp);
		}
		prev_hh = hh;
		snprintf(prev_nid, sizeof(prev_nid), "%s", nid);
		if (i % 200 == 199)
			rt_flush(&b, t->db);
	}
	(void)prev_hh;
	for (i = 0; i < w->nd; i++) { /* a district-wide gift from a business */
		rt_contribution(&b, NULL, w->d[i].code, "business", 10000000, 0, "xi măng", 5000000,
				"2023-06-15");
		w->d[i].money += 10000000, w->d[i].mat_n++, w->d[i].mat_value += 5000000;
		w->d[i].n_contrib++;
	}
	rt_flush(&b, t->db);
	rt_flush(&other, t->db); /* the other laptop's records come after */
	rt_batch_release(&b);
	rt_batch_release(&other);
}

/* A number each district's line must show: its JSON member and where the
 * test keeps what it worked out. */
typedef struct member {
	const char *key;
	size_t at; /* offsetof(expect, ...) */
} member;

#define MEMBER(key, field) \
	{ \
		key, offsetof(expect, field) \
	}

static const member progress_members[] = {
	MEMBER("registered", registered), MEMBER("approved", approved),
	MEMBER("started", started),       MEMBER("completed", completed),
	MEMBER("handed_over", handed),    MEMBER("handed_over_on_time", on_time),
};
/* as of AS_OF; registration has no date: the same as of any day */
static const member progress_asof_members[] = {
	MEMBER("started", started_asof),
	MEMBER("handed_over", handed_asof),
	MEMBER("registered", registered),
};
static const member funds_members[] = {
	MEMBER("money_vnd", money),         MEMBER("labour_days", labour),
	MEMBER("materials", mat_n),         MEMBER("material_value_vnd", mat_value),
	MEMBER("contributions", n_contrib),
};

static long long value_of(const expect *e, const member *m)
{
	return *(const long long *)(const void *)((const char *)e + m->at);
}

/* Every district's line in json shows the members as worked out. */
static void check_districts(const world *w, const char *json, const member *members, size_t n)
{
	size_t i, k;

	for (i = 0; i < w->nd; i++) {
		char at[32];

		snprintf(at, sizeof(at), "\"code\": %d,", w->d[i].code);
		for (k = 0; k < n; k++)
			if (rt_json_int(json, at, members[k].key) != value_of(&w->d[i], &members[k]))
				fail_msg("district %d %s: %lld, want %lld", w->d[i].code, members[k].key,
					 rt_json_int(json, at, members[k].key),
					 value_of(&w->d[i], &members[k]));
	}
}

/* The province's total of one member, as worked out. */
static long long total_of(const world *w, const member *m)
{
	long long sum = 0;
	size_t i;

	for (i = 0; i < w->nd; i++)
		sum += value_of(&w->d[i], m);
	return sum;
}

static void check_progress(rt_db *t, world *w)
{
	char *json = rt_report(t, HUB_REPORT_PROGRESS, HUB_FMT_JSON, "2023-09-30", 0);
	char *asof = rt_report(t, HUB_REPORT_PROGRESS, HUB_FMT_JSON, AS_OF, 0);

	check_districts(w, json, progress_members, ARRAY_SIZE(progress_members));
	check_districts(w, asof, progress_asof_members, ARRAY_SIZE(progress_asof_members));
	assert_int_equal(rt_json_int(json, "\"total\"", "registered"), total_of(w, &progress_members[0]));
	assert_int_equal(rt_json_int(json, "\"total\"", "handed_over"), total_of(w, &progress_members[4]));
	assert_non_null(strstr(json, "\"as_of\": \"2023-09-30\""));
	assert_non_null(strstr(json, "\"name\": \"Huyện Kế Sách\""));
	free(json);
	free(asof);
}

static void check_funds(rt_db *t, world *w)
{
	char *json = rt_report(t, HUB_REPORT_FUNDS, HUB_FMT_JSON, "2023-12-31", 0);
	char *early = rt_report(t, HUB_REPORT_FUNDS, HUB_FMT_JSON, "2023-06-30", 0);
	size_t i;

	check_districts(w, json, funds_members, ARRAY_SIZE(funds_members));
	/* before July only the district gifts of 15 June count */
	for (i = 0; i < w->nd; i++) {
		char at[32];

		snprintf(at, sizeof(at), "\"code\": %d,", w->d[i].code);
		assert_int_equal(rt_json_int(early, at, "money_vnd"), 10000000);
	}
	assert_int_equal(rt_json_int(json, "\"total\"", "money_vnd"), total_of(w, &funds_members[0]));
	assert_int_equal(rt_json_int(json, "\"unplaced\"", "contributions"), 0);
	free(json);
	free(early);
}

static void check_reconcile(rt_db *t, world *w)
{
	char *json = rt_report(t, HUB_REPORT_RECONCILE, HUB_FMT_JSON, "2023-12-31", 0);
	char *before = rt_report(t, HUB_REPORT_RECONCILE, HUB_FMT_JSON, "2023-09-05", 0);

	assert_int_equal(rt_json_int(json, "\"counts\"", "duplicate_national_id"), w->duplicates);
	assert_int_equal(rt_json_int(json, "\"counts\"", "out_of_order"), w->disorder);
	assert_int_equal(rt_json_int(json, "\"counts\"", "late"), w->late);
	assert_int_equal(rt_json_int(json, "\"counts\"", "conflict"), 0);
	assert_int_equal(rt_json_int(json, "\"counts\"", "rejected_changeset"), 0);
	assert_int_equal(rt_json_int(json, "\"counts\"", "stage_two_dates"), w->twice);
	assert_non_null(strstr(json, "\"laptop\": \"2222333344445555\""));
	/* the late hand-overs of 10 September had not happened on the 5th */
	assert_int_equal(rt_json_int(before, "\"counts\"", "late"), 0);
	assert_non_null(strstr(json, "giấy tờ bàn giao trước")); /* the forced reason */
	assert_true(w->late >= 5 && w->disorder > 10 && w->duplicates > 3 && w->twice > 10);
	free(json);
	free(before);
}

/* The rows the queries sql[0..nsql-1] answer on db, one line each
 * (columns as text, '|' between them, "-" for NULL), a blank line after
 * each query's; the caller frees it. */
static char *rows_of(sqlite3 *db, const char *const *sql, size_t nsql)
{
	size_t cap = 1 << 16, n = 0, q;
	char *out = malloc(cap);

	assert_non_null(out);
	for (q = 0; q < nsql; q++) {
		sqlite3_stmt *st = NULL;

		assert_int_equal(sqlite3_prepare_v2(db, sql[q], -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			int c, nc = sqlite3_column_count(st);

			for (c = 0; c < nc; c++) {
				const char *v = (const char *)sqlite3_column_text(st, c);
				size_t len = v ? strlen(v) : 1;

				while (n + len + 3 > cap) {
					cap *= 2;
					out = realloc(out, cap);
					assert_non_null(out);
				}
				memcpy(out + n, v ? v : "-", len);
				n += len;
				out[n++] = c + 1 < nc ? '|' : '\n';
			}
		}
		sqlite3_finalize(st);
		out[n++] = '\n';
	}
	out[n] = '\0';
	return out;
}

/* The rows of the derived tables the reports read: households that have a
 * date or a household row (a row the merge made for a milestone voided
 * since counts for nothing, and the rebuild does not make it), the
 * counters that are not zero, and report_twice. The triggers, the flush
 * and the rebuild must make the same. */
static char *derived_rows(sqlite3 *db)
{
	static const char *const sql[] = {
		"SELECT * FROM report_hh WHERE present OR coalesce(d1, d2, d3, d4, d5, d6, d7, d8)"
		" IS NOT NULL ORDER BY id_origin, id_serial",
		"SELECT * FROM report_count WHERE n <> 0 ORDER BY commune, slot, date",
		"SELECT * FROM report_twice ORDER BY 1, 2, 3",
	};

	return rows_of(db, sql, sizeof(sql) / sizeof(sql[0]));
}

static void test_generated_campaign(void **state)
{
	rt_db t;
	world w;

	(void)state;
	rt_db_open(&t);
	assert_int_equal(rt_report_migrate(&t), 0); /* triggers see every merge */
	generate(&t, &w);
	check_progress(&t, &w);
	check_funds(&t, &w);
	check_reconcile(&t, &w);
	rt_db_close(&t);
}

/* The rebuild from existing data and the triggers give the same reports. */
static void test_rebuild_matches_triggers(void **state)
{
	rt_db a, b;
	world w;
	int kind;

	(void)state;
	rt_db_open(&a);
	rt_db_open(&b);
	assert_int_equal(rt_report_migrate(&a), 0);
	generate(&a, &w);
	generate(&b, &w);
	assert_int_equal(rt_report_migrate(&b), 0);
	assert_int_equal(rt_report_migrate(&b), 0); /* a second time does nothing */
	for (kind = HUB_REPORT_PROGRESS; kind <= HUB_REPORT_RECONCILE; kind++) {
		char *x = rt_report(&a, kind, HUB_FMT_JSON, AS_OF, 0);
		char *y = rt_report(&b, kind, HUB_FMT_JSON, AS_OF, 0);
		assert_string_equal(x, y);
		free(x);
		free(y);
	}
	{
		char *x = derived_rows(a.db), *y = derived_rows(b.db);

		assert_string_equal(x, y);
		free(x);
		free(y);
	}
	rt_db_close(&a);
	rt_db_close(&b);
}

/* A number a report must show: the member key after the text at. */
typedef struct shows {
	const char *at, *key;
	long long value;
} shows;

static void expect_shows(rt_db *t, int kind, const char *as_of, const shows *s, size_t n)
{
	char *json = rt_report(t, kind, HUB_FMT_JSON, as_of, 0);
	size_t i;

	for (i = 0; i < n; i++)
		if (rt_json_int(json, s[i].at, s[i].key) != s[i].value)
			fail_msg("as of %s, %s %s: %lld, want %lld", as_of, s[i].at, s[i].key,
				 rt_json_int(json, s[i].at, s[i].key), s[i].value);
	free(json);
}

/* The report of KIND as of the day shows each { at, key, value }. */
#define EXPECT(t, kind, as_of, ...) \
	do { \
		const shows shows_[] = { __VA_ARGS__ }; \
		expect_shows(t, kind, as_of, shows_, ARRAY_SIZE(shows_)); \
	} while (0)

#define END_2023 "2023-12-31"
#define D941 "\"code\": 941,"
#define D943 "\"code\": 943,"

/* A database with the report tables, and a commune of Thành phố Sóc Trăng
 * (941) and one of Kế Sách (943). */
static void open_941_943(rt_db *t, int *c941, int *c943)
{
	rt_db_open(t);
	*c941 = rt_commune_of(t, 941);
	*c943 = rt_commune_of(t, 943);
	assert_true(*c941 && *c943);
	assert_int_equal(rt_report_migrate(t), 0);
}

/* Events that arrive before their household, a household that moves
 * commune, and a void that comes before the event it voids. */
static void check_rebuild_same(rt_db *t);

static void test_arrival_order(void **state)
{
	rt_db t;
	rt_batch b, h, g;
	proto_id hh = { 0x5555000000000001ull, 1 }, late_ms = { 0x6666000000000001ull, 99 };
	proto_id gift_only = { 0x5555000000000002ull, 1 };
	int c941 = 0, c943 = 0;

	(void)state;
	open_941_943(&t, &c941, &c943);
	rt_batch_init(&b, 0x6666000000000001ull);
	rt_milestone(&b, hh, "handed_over", "2023-08-01", NULL);
	rt_contribution(&b, &hh, 0, "donor", 7000000, 0, NULL, 0, "2023-08-01");
	/* a household named by a contribution alone, nothing else of it yet */
	rt_contribution(&b, &gift_only, 0, "donor", 2000000, 0, NULL, 0, "2023-08-01");
	rt_void(&b, late_ms, PROTO_KIND_MILESTONE); /* voids an event not seen yet */
	rt_flush(&b, t.db);
	EXPECT(&t, HUB_REPORT_FUNDS, END_2023, { "\"unplaced\"", "money_vnd", 9000000 });
	EXPECT(&t, HUB_REPORT_PROGRESS, END_2023, { "\"total\"", "handed_over", 0 }); /* no household yet */

	rt_batch_init(&h, hh.origin);
	assert_true(rt_household(&h, c941, "Lâm Thị Hoa", NULL, "approved").serial == 1);
	rt_flush(&h, t.db);
	EXPECT(&t, HUB_REPORT_FUNDS, END_2023, { D941, "money_vnd", 7000000 },
	       { "\"unplaced\"", "money_vnd", 2000000 });
	/* its household arrives: the money follows it into its commune */
	rt_batch_init(&g, gift_only.origin);
	assert_true(rt_household(&g, c941, "Lâm Văn Tư", NULL, "proposed").serial == 1);
	rt_flush(&g, t.db);
	rt_batch_release(&g);
	EXPECT(&t, HUB_REPORT_FUNDS, END_2023, { D941, "money_vnd", 9000000 },
	       { "\"unplaced\"", "money_vnd", 0 });
	EXPECT(&t, HUB_REPORT_PROGRESS, END_2023, { D941, "registered", 2 }, { D941, "approved", 1 });
	EXPECT(&t, HUB_REPORT_PROGRESS, END_2023, { D941, "handed_over", 1 }, { D941, "approved", 1 });

	/* moved to a commune of Kế Sách: its counts and money follow it */
	rt_household_set_int(&h, hh, PROTO_HH_COMMUNE, c943, h.stamp);
	rt_flush(&h, t.db);
	EXPECT(&t, HUB_REPORT_FUNDS, END_2023, { D941, "money_vnd", 2000000 },
	       { D943, "money_vnd", 7000000 });
	EXPECT(&t, HUB_REPORT_PROGRESS, END_2023, { D941, "handed_over", 0 }, { D943, "handed_over", 1 });

	/* the voided milestone arrives after its void: never counted */
	{
		rt_batch v;
		rt_batch_init(&v, late_ms.origin);
		v.serial = late_ms.serial - 1;
		v.stamp = b.stamp + 100;
		rt_milestone(&v, (proto_id){ hh.origin, hh.serial }, "started", "2023-07-01", NULL);
		rt_flush(&v, t.db);
		rt_batch_release(&v);
	}
	EXPECT(&t, HUB_REPORT_PROGRESS, "2023-07-15", { D943, "started", 0 });

	/* rejected: out of every count, its money stays with the commune */
	rt_household_set(&h, hh, PROTO_HH_REVIEW_STATUS, "rejected", h.stamp - 1);
	rt_flush(&h, t.db);
	EXPECT(&t, HUB_REPORT_PROGRESS, END_2023, { "\"total\"", "registered", 1 },
	       { "\"total\"", "handed_over", 0 });
	check_rebuild_same(&t);
	rt_batch_release(&h);
	rt_batch_release(&b);
	rt_db_close(&t);
}

/* The report of t as JSON, kind by kind, and the derived tables' rows,
 * after an upgrade from report tables of version 1 rebuilt them from the
 * data: the same as before. */
static void check_rebuild_same(rt_db *t)
{
	int kind;
	char *before[HUB_REPORT_RECONCILE + 1], *rows = derived_rows(t->db), *rebuilt;

	for (kind = HUB_REPORT_PROGRESS; kind <= HUB_REPORT_RECONCILE; kind++)
		before[kind] = rt_report(t, kind, HUB_FMT_JSON, "2023-12-31", 0);
	assert_int_equal(hub_meta_set(t->db, "report_schema", "1"), HUB_OK);
	assert_int_equal(rt_report_migrate(t), 0);
	for (kind = HUB_REPORT_PROGRESS; kind <= HUB_REPORT_RECONCILE; kind++) {
		char *after = rt_report(t, kind, HUB_FMT_JSON, "2023-12-31", 0);
		assert_string_equal(before[kind], after);
		free(before[kind]);
		free(after);
	}
	rebuilt = derived_rows(t->db);
	assert_string_equal(rows, rebuilt);
	free(rows);
	free(rebuilt);
}

/* Commune 941's households started and money, then the same after a rebuild. */
static void expect_941(rt_db *t, long long started, long long money)
{
	char *json = rt_report(t, HUB_REPORT_PROGRESS, HUB_FMT_JSON, "2023-12-31", 0);

	assert_int_equal(rt_json_int(json, "\"code\": 941,", "started"), started);
	free(json);
	json = rt_report(t, HUB_REPORT_FUNDS, HUB_FMT_JSON, "2023-12-31", 0);
	assert_int_equal(rt_json_int(json, "\"code\": 941,", "money_vnd"), money);
	free(json);
	check_rebuild_same(t);
}

/* A void takes out only an event of the kind it names: a milestone named as
 * a contribution (and the reverse) stays counted, by the triggers and by the
 * rebuild of an upgrade alike; the right kind then takes each out once. */
static void test_void_names_its_kind(void **state)
{
	rt_db t;
	rt_batch b;
	proto_id hh, ms, ct;
	int c941;

	(void)state;
	rt_db_open(&t);
	c941 = rt_commune_of(&t, 941);
	assert_true(c941 != 0);
	assert_int_equal(rt_report_migrate(&t), 0);
	rt_batch_init(&b, 0x7777000000000001ull);
	hh = rt_household(&b, c941, "Trần Văn Bảy", NULL, "approved");
	ms = rt_milestone(&b, hh, "started", "2023-07-01", NULL);
	ct = rt_contribution(&b, &hh, 0, "donor", 5000000, 0, NULL, 0, "2023-07-02");
	rt_void(&b, ms, PROTO_KIND_CONTRIBUTION);
	rt_void(&b, ct, PROTO_KIND_MILESTONE);
	rt_flush(&b, t.db);
	expect_941(&t, 1, 5000000);

	rt_void(&b, ms, PROTO_KIND_MILESTONE);
	rt_void(&b, ct, PROTO_KIND_CONTRIBUTION);
	rt_void(&b, ct, PROTO_KIND_CONTRIBUTION); /* a repeated void takes nothing more */
	rt_flush(&b, t.db);
	expect_941(&t, 0, 0);
	rt_batch_release(&b);
	rt_db_close(&t);
}

/* The stamps of the fields a test edits, each edit based on the last one
 * (so that none is a concurrent edit). */
typedef struct hh_stamps {
	uint64_t commune, withdrawn;
} hh_stamps;

/* Withdraw (or undo the withdrawal of) household hh, moving it to commune
 * when not 0, in one edit (reason NULL: undone). */
static void withdraw(rt_batch *b, proto_id hh, const char *reason, int commune, hh_stamps *st)
{
	if (commune) {
		rt_household_set_int(b, hh, PROTO_HH_COMMUNE, commune, st->commune);
		st->commune = b->stamp;
		if (reason)
			assert_int_equal(proto_changeset_add_text(&b->cs, PROTO_HH_WITHDRAWN,
								  st->withdrawn, reason, strlen(reason)),
					 PROTO_OK);
		else
			assert_int_equal(proto_changeset_add_null(&b->cs, PROTO_HH_WITHDRAWN,
								  st->withdrawn),
					 PROTO_OK);
	} else {
		rt_household_set(b, hh, PROTO_HH_WITHDRAWN, reason, st->withdrawn);
	}
	st->withdrawn = b->stamp;
}

/* A withdrawn household leaves every count with its milestones, its
 * contributions and its national ID, however its events arrive; undone, it
 * comes back with what is live then; the rebuild agrees at each step. */
static void test_withdrawn(void **state)
{
	rt_db t;
	rt_batch b, early;
	proto_id hh, ct, gone = { 0x9999000000000001ull, 1 };
	hh_stamps st = { 0, 0 };
	int c941, c943;

	(void)state;
	open_941_943(&t, &c941, &c943);
	rt_batch_init(&b, 0x8888000000000001ull);
	hh = rt_household(&b, c941, "Huỳnh Văn Tư", "094000000001", "approved");
	st.commune = b.stamp;
	rt_household(&b, c943, "Huỳnh Văn Tư", "094000000001", "proposed"); /* the same person */
	rt_milestone(&b, hh, "started", "2023-07-01", NULL);
	rt_milestone(&b, hh, "handed_over", "2023-09-20", NULL); /* late, stages missing */
	rt_contribution(&b, &hh, 0, "donor", 5000000, 0, NULL, 0, "2023-07-02");
	ct = rt_contribution(&b, &hh, 0, "mps", 40000000, 0, NULL, 0, "2023-07-03");
	rt_contribution(&b, NULL, c941, "business", 1000000, 0, NULL, 0, "2023-07-04");
	rt_flush(&b, t.db);
	EXPECT(&t, HUB_REPORT_PROGRESS, END_2023, { D941, "registered", 1 }, { D941, "approved", 1 },
	       { D941, "started", 1 }, { D941, "handed_over", 1 });
	EXPECT(&t, HUB_REPORT_FUNDS, END_2023, { D941, "money_vnd", 46000000 });
	EXPECT(&t, HUB_REPORT_RECONCILE, END_2023, { "\"counts\"", "duplicate_national_id", 1 },
	       { "\"counts\"", "late", 1 }, { "\"counts\"", "out_of_order", 1 });

	withdraw(&b, hh, "chuyển đi nơi khác", 0, &st);
	rt_flush(&b, t.db);
	EXPECT(&t, HUB_REPORT_PROGRESS, END_2023, { D941, "registered", 0 }, { D941, "approved", 0 },
	       { D941, "started", 0 }, { D941, "handed_over", 0 }, { D943, "registered", 1 });
	EXPECT(&t, HUB_REPORT_FUNDS, END_2023, { D941, "money_vnd", 1000000 },
	       { D941, "contributions", 1 });
	EXPECT(&t, HUB_REPORT_RECONCILE, END_2023, { "\"counts\"", "duplicate_national_id", 0 },
	       { "\"counts\"", "late", 0 }, { "\"counts\"", "out_of_order", 0 });
	check_rebuild_same(&t);

	/* while it is out: a new contribution, a void and a move change no count */
	rt_contribution(&b, &hh, 0, "donor", 2000000, 0, NULL, 0, "2023-07-05");
	rt_void(&b, ct, PROTO_KIND_CONTRIBUTION);
	rt_household_set_int(&b, hh, PROTO_HH_COMMUNE, c943, st.commune);
	st.commune = b.stamp;
	rt_flush(&b, t.db);
	EXPECT(&t, HUB_REPORT_FUNDS, END_2023, { D941, "money_vnd", 1000000 }, { D943, "money_vnd", 0 });
	EXPECT(&t, HUB_REPORT_PROGRESS, END_2023, { D943, "registered", 1 }, { D943, "started", 0 });
	check_rebuild_same(&t);

	/* undone (the field back to NULL): back in its new commune with what is live */
	withdraw(&b, hh, NULL, 0, &st);
	rt_flush(&b, t.db);
	EXPECT(&t, HUB_REPORT_FUNDS, END_2023, { D941, "money_vnd", 1000000 },
	       { D943, "money_vnd", 7000000 }, { D943, "contributions", 2 });
	EXPECT(&t, HUB_REPORT_PROGRESS, END_2023, { D943, "registered", 2 }, { D943, "started", 1 },
	       { D943, "handed_over", 1 }, { D941, "registered", 0 });
	EXPECT(&t, HUB_REPORT_RECONCILE, END_2023, { "\"counts\"", "duplicate_national_id", 1 },
	       { "\"counts\"", "late", 1 });
	check_rebuild_same(&t);

	/* withdrawn and moved back in one edit: out of both communes */
	withdraw(&b, hh, "gia đình tự xây", c941, &st);
	rt_flush(&b, t.db);
	EXPECT(&t, HUB_REPORT_FUNDS, END_2023, { D941, "money_vnd", 1000000 }, { D943, "money_vnd", 0 });
	EXPECT(&t, HUB_REPORT_PROGRESS, END_2023, { D941, "registered", 0 }, { D943, "registered", 1 },
	       { D943, "handed_over", 0 });
	check_rebuild_same(&t);

	/* events before their household, which arrives already withdrawn */
	rt_batch_init(&early, gone.origin);
	early.serial = 1;
	rt_milestone(&early, gone, "started", "2023-07-01", NULL);
	rt_contribution(&early, &gone, 0, "donor", 3000000, 0, NULL, 0, "2023-07-01");
	rt_flush(&early, t.db);
	EXPECT(&t, HUB_REPORT_FUNDS, END_2023, { "\"unplaced\"", "money_vnd", 3000000 });
	rt_batch_init(&early, gone.origin);
	assert_true(rt_household(&early, c941, "Lý Thị Năm", NULL, "approved").serial == gone.serial);
	assert_int_equal(proto_changeset_add_text(&early.cs, PROTO_HH_WITHDRAWN, 0, "mất liên lạc",
						  strlen("mất liên lạc")),
			 PROTO_OK);
	rt_flush(&early, t.db);
	EXPECT(&t, HUB_REPORT_FUNDS, END_2023, { "\"unplaced\"", "money_vnd", 0 },
	       { D941, "money_vnd", 1000000 });
	EXPECT(&t, HUB_REPORT_PROGRESS, END_2023, { D941, "registered", 0 }, { D941, "started", 0 });
	EXPECT(&t, HUB_REPORT_RECONCILE, END_2023, { "\"counts\"", "conflict", 0 });
	check_rebuild_same(&t);
	rt_batch_release(&early);
	rt_batch_release(&b);
	rt_db_close(&t);
}

/* report_fund's rows that count, one line each (the flush's and the
 * rebuild's must be the same rows with the same sums). */
static char *fund_rows(rt_db *t)
{
	static const char *const sql[] = {
		"SELECT unit, source, date, n, money, labour, mat_n, mat_value FROM report_fund"
		" WHERE n <> 0 OR money <> 0 OR labour <> 0 ORDER BY 1, 2, 3",
	};

	return rows_of(t->db, sql, 1);
}

/* Contributions join report_fund at the end of their change-set: one voided,
 * one whose household moves and one whose household is withdrawn, each in
 * the very change-set that brings the contribution, count as the rebuild
 * counts them; and one voided in a later change-set leaves. */
static void test_funds_at_changeset_end(void **state)
{
	rt_db t;
	rt_batch b;
	proto_id stay, moves, out, voided, later;
	hh_stamps ms = { 0, 0 }, os = { 0, 0 };
	char *kept, *rebuilt;
	int c941, c943;

	(void)state;
	open_941_943(&t, &c941, &c943);
	rt_batch_init(&b, 0x7777000000000001ull);
	stay = rt_household(&b, c941, "Lý Thị Ba", "094000000101", "approved");
	moves = rt_household(&b, c941, "Lý Văn Bốn", "094000000102", "approved");
	ms.commune = b.stamp;
	out = rt_household(&b, c941, "Lý Văn Năm", "094000000103", "approved");
	os.commune = b.stamp;
	rt_contribution(&b, &stay, 0, "donor", 1000000, 0, NULL, 0, "2023-07-01");
	voided = rt_contribution(&b, &stay, 0, "donor", 3000000, 0, NULL, 0, "2023-07-01");
	rt_void(&b, voided, PROTO_KIND_CONTRIBUTION);
	later = rt_contribution(&b, &stay, 0, "mps", 40000000, 0, NULL, 0, "2023-07-01");
	rt_contribution(&b, &moves, 0, "donor", 5000000, 0, NULL, 0, "2023-07-01");
	rt_household_set_int(&b, moves, PROTO_HH_COMMUNE, c943, ms.commune);
	rt_contribution(&b, &out, 0, "household", 0, 4, NULL, 0, "2023-07-01");
	withdraw(&b, out, "chuyển đi nơi khác", 0, &os);
	rt_flush(&b, t.db);
	EXPECT(&t, HUB_REPORT_FUNDS, END_2023, { D941, "money_vnd", 41000000 },
	       { D941, "contributions", 2 }, { D941, "labour_days", 0 }, { D943, "money_vnd", 5000000 });
	rt_void(&b, later, PROTO_KIND_CONTRIBUTION);
	rt_flush(&b, t.db);
	EXPECT(&t, HUB_REPORT_FUNDS, END_2023, { D941, "money_vnd", 1000000 });
	kept = fund_rows(&t);
	check_rebuild_same(&t);
	rebuilt = fund_rows(&t);
	assert_string_equal(kept, rebuilt);
	rt_batch_release(&b);
	free(kept);
	free(rebuilt);
	rt_db_close(&t);
}

/* A stage's first date from the change-set's own milestones (the flush
 * notes them, hub/schema_report_flush.c): the earliest of several in one
 * change-set, whatever their order and with a household's milestones in two
 * runs; then an earlier one in a later change-set moves the day, a later
 * one does not, and a void of the earliest gives the day back to the next. */
static void test_first_dates_in_changeset(void **state)
{
	rt_db t;
	rt_batch b;
	proto_id one, two, first;
	int c941 = 0, c943 = 0;

	(void)state;
	open_941_943(&t, &c941, &c943);
	rt_batch_init(&b, 0x7777000000000001ull);
	one = rt_household(&b, c941, "Trần Văn Một", NULL, "approved");
	two = rt_household(&b, c941, "Trần Văn Hai", NULL, "approved");
	rt_milestone(&b, one, "started", "2023-07-20", NULL);
	first = rt_milestone(&b, one, "started", "2023-07-10", NULL); /* after a later one */
	rt_milestone(&b, two, "started", "2023-07-25", NULL);
	rt_milestone(&b, one, "started", "2023-07-15", NULL); /* a second run of one's */
	rt_flush(&b, t.db);
	EXPECT(&t, HUB_REPORT_PROGRESS, "2023-07-09", { D941, "started", 0 });
	EXPECT(&t, HUB_REPORT_PROGRESS, "2023-07-10", { D941, "started", 1 });
	EXPECT(&t, HUB_REPORT_PROGRESS, "2023-07-24", { D941, "started", 1 });
	EXPECT(&t, HUB_REPORT_PROGRESS, "2023-07-25", { D941, "started", 2 });
	check_rebuild_same(&t);

	rt_milestone(&b, two, "started", "2023-07-05", NULL); /* earlier: two from the 5th */
	rt_milestone(&b, one, "started", "2023-07-30", NULL); /* later: one stays at the 10th */
	rt_flush(&b, t.db);
	EXPECT(&t, HUB_REPORT_PROGRESS, "2023-07-04", { D941, "started", 0 });
	EXPECT(&t, HUB_REPORT_PROGRESS, "2023-07-05", { D941, "started", 1 });
	EXPECT(&t, HUB_REPORT_PROGRESS, "2023-07-10", { D941, "started", 2 });
	check_rebuild_same(&t);

	rt_void(&b, first, PROTO_KIND_MILESTONE); /* one's earliest: the 15th is next */
	rt_flush(&b, t.db);
	EXPECT(&t, HUB_REPORT_PROGRESS, "2023-07-14", { D941, "started", 1 });
	EXPECT(&t, HUB_REPORT_PROGRESS, "2023-07-15", { D941, "started", 2 });
	check_rebuild_same(&t);
	rt_batch_release(&b);
	rt_db_close(&t);
}

TEST_MAIN(cmocka_unit_test(test_generated_campaign), cmocka_unit_test(test_rebuild_matches_triggers),
	  cmocka_unit_test(test_arrival_order), cmocka_unit_test(test_void_names_its_kind),
	  cmocka_unit_test(test_withdrawn), cmocka_unit_test(test_funds_at_changeset_end),
	  cmocka_unit_test(test_first_dates_in_changeset))
