/*
 * test_households.c - the province's household browser: the query
 * (hub_browse: search without diacritics, each filter, sorts, paging, a
 * district's scope) over households merged before its index was built and
 * after, and the dashboard's /households page on the test's listener.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "maiam/schema.h"
#include "hub.h"
#include "report.h"
#include "browse.h"
#include "browse_schema.h"
#include "store.h"
#include "reptest.h"
#include "dashtest.h"

/* The names a query found, in its order, joined by '|'. */
typedef struct found {
	char names[2048];
	int n;
} found;

static int collect(void *arg, const hub_browse_row *r)
{
	found *f = arg;
	size_t len = strlen(f->names);

	snprintf(f->names + len, sizeof(f->names) - len, "%s%s", f->n++ ? "|" : "",
		 r->name ? r->name : "?");
	return 0;
}

/* Run q as of the day within scope: the names of its page, its total. */
static int64_t ask(rt_db *t, const char *as_of, int scope, const hub_browse_query *q, found *f)
{
	int64_t total = -1;

	memset(f, 0, sizeof(*f));
	assert_int_equal(hub_browse(t->db, &t->campaign, as_of, scope, q, collect, f, &total), HUB_OK);
	assert_true(total >= f->n);
	return total;
}

/* The search text alone: how many it finds. */
static int64_t search(rt_db *t, const char *text, found *f)
{
	hub_browse_query q;

	hub_browse_query_init(&q);
	q.text = text;
	return ask(t, "2023-08-15", 0, &q, f);
}

/* A commune of a district other than 950 (Vĩnh Châu). */
static int other_commune(const rt_db *t, int *district)
{
	size_t i;

	for (i = 0; i < t->campaign.units.n; i++) {
		const proto_unit *u = &t->campaign.units.a[i];
		int d = proto_units_district_of(&t->campaign.units, u->code);

		if (u->level == PROTO_UNIT_COMMUNE && d != 950) {
			*district = d;
			return u->code;
		}
	}
	fail_msg("the campaign has one district only");
	return 0;
}

typedef struct world {
	rt_db t;
	int vc, other, other_district;
	proto_id a, b, c;
} world;

/* Đức handed over on time (with its photo), Đào at the walls without the
 * survey's photo, Hoa rejected and handed over late; after the index is
 * built, five households with no milestone and Đức's hamlet. */
static void build(world *w)
{
	static const uint8_t zeros[32];
	rt_batch b;
	char err[256];
	found f;
	int i;

	rt_db_open(&w->t);
	assert_int_equal(rt_report_migrate(&w->t), 0);
	w->vc = rt_commune_of(&w->t, 950);
	w->other = other_commune(&w->t, &w->other_district);
	rt_batch_init(&b, 0x0e0e0e0e0e0e0e0eull);
	w->a = rt_household(&b, w->vc, "Nguyễn Văn Đức", "079012345678", "approved");
	rt_household_set(&b, w->a, PROTO_HH_REF, "36S0-2", 0);
	rt_photo(&b, rt_milestone(&b, w->a, "handed_over", "2023-08-01", NULL), PROTO_KIND_MILESTONE,
		 "00000000000000000000000000000000000000000000000000000000000000a1");
	w->b = rt_household(&b, w->other, "Trần Thị Đào", "079099999999", "proposed");
	rt_household_set(&b, w->b, PROTO_HH_REF, "7KQ1-5", 0);
	rt_household_set(&b, w->b, PROTO_HH_CATEGORY, "near_poor", 0);
	rt_milestone(&b, w->b, "surveyed", "2023-06-10", NULL);
	rt_milestone(&b, w->b, "approved", "2023-06-12", NULL);
	rt_milestone(&b, w->b, "started", "2023-06-20", NULL);
	rt_milestone(&b, w->b, "foundation", "2023-07-01", NULL);
	rt_milestone(&b, w->b, "walls", "2023-07-10", NULL);
	w->c = rt_household(&b, w->vc, "Lâm Thị Hoa", "079055555555", "rejected");
	rt_photo(&b, rt_milestone(&b, w->c, "handed_over", "2023-09-20", NULL), PROTO_KIND_MILESTONE,
		 "00000000000000000000000000000000000000000000000000000000000000c3");
	rt_flush(&b, w->t.db);
	/* the index from the households already there, then kept by triggers */
	assert_int_equal(hub_browse_migrate(w->t.db, err, sizeof(err)), HUB_OK);
	for (i = 0; i < 5; i++)
		rt_household(&b, w->vc, "Thạch Sà Rên", NULL, "approved");
	rt_household_set(&b, w->a, PROTO_HH_HAMLET, "Ấp Đầu Giồng", 0);
	rt_flush(&b, w->t.db);
	rt_batch_release(&b);
	/* their words are searched once the change-set's ledger row is written */
	assert_int_equal(search(&w->t, "thach sa ren", &f), 0);
	assert_int_equal(hub_ledger_insert(w->t.db, 0x0e0e0e0e0e0e0e0eull, 1, zeros, zeros,
					   sizeof(zeros), 1700000000),
			 HUB_OK);
}

/* Every query test on its own world (build), closed after it. */
static world wd;

static int world_up(void **state)
{
	(void)state;
	build(&wd);
	return 0;
}

static int world_down(void **state)
{
	(void)state;
	rt_db_close(&wd.t);
	return 0;
}

static void test_search_without_diacritics(void **state)
{
	found f;

	(void)state;
	assert_int_equal(search(&wd.t, "nguyen van duc", &f), 1);
	assert_string_equal(f.names, "Nguyễn Văn Đức");
	assert_int_equal(search(&wd.t, "NGUYỄN  Văn", &f), 1);
	assert_int_equal(search(&wd.t, "ngu d", &f), 1); /* words' beginnings */
	assert_int_equal(search(&wd.t, "dao", &f), 1);
	assert_string_equal(f.names, "Trần Thị Đào");
	assert_int_equal(search(&wd.t, "Đào", &f), 1);
	assert_int_equal(search(&wd.t, "079012", &f), 1); /* a national ID's beginning */
	assert_string_equal(f.names, "Nguyễn Văn Đức");
	assert_int_equal(search(&wd.t, "36s0-2", &f), 1); /* a ref, in any case */
	assert_int_equal(search(&wd.t, "7KQ1-5", &f), 1);
	assert_string_equal(f.names, "Trần Thị Đào");
	assert_int_equal(search(&wd.t, "dau giong", &f), 1); /* the hamlet set after the rebuild */
	assert_string_equal(f.names, "Nguyễn Văn Đức");
	assert_int_equal(search(&wd.t, "thach sa ren", &f), 5); /* merged after the rebuild */
	assert_int_equal(search(&wd.t, "khong co ai", &f), 0);
	assert_int_equal(search(&wd.t, "\"*(", &f), 8); /* no word: every household */
	assert_int_equal(search(&wd.t, "", &f), 8);
}

static void test_each_filter(void **state)
{
	hub_browse_query q;
	found f;

	(void)state;
	hub_browse_query_init(&q);
	q.district = 950;
	assert_int_equal(ask(&wd.t, "2023-08-15", 0, &q, &f), 7);
	q.district = wd.other_district;
	assert_int_equal(ask(&wd.t, "2023-08-15", 0, &q, &f), 1);
	assert_string_equal(f.names, "Trần Thị Đào");

	hub_browse_query_init(&q);
	q.commune = wd.other;
	assert_int_equal(ask(&wd.t, "2023-08-15", 0, &q, &f), 1);
	hub_browse_query_init(&q);
	q.category = "near_poor";
	assert_int_equal(ask(&wd.t, "2023-08-15", 0, &q, &f), 1);
	assert_string_equal(f.names, "Trần Thị Đào");

	hub_browse_query_init(&q);
	q.review = "proposed";
	assert_int_equal(ask(&wd.t, "2023-08-15", 0, &q, &f), 1);
	q.review = "rejected";
	assert_int_equal(ask(&wd.t, "2023-08-15", 0, &q, &f), 1);
	assert_string_equal(f.names, "Lâm Thị Hoa");
	q.review = "approved";
	assert_int_equal(ask(&wd.t, "2023-08-15", 0, &q, &f), 6);

	hub_browse_query_init(&q);
	q.stage = 8; /* handed over */
	assert_int_equal(ask(&wd.t, "2023-08-15", 0, &q, &f), 2);
	assert_string_equal(f.names, "Lâm Thị Hoa|Nguyễn Văn Đức");
	q.stage = 5; /* walls */
	assert_int_equal(ask(&wd.t, "2023-08-15", 0, &q, &f), 1);
	assert_string_equal(f.names, "Trần Thị Đào");
	q.stage = 0; /* nothing recorded */
	assert_int_equal(ask(&wd.t, "2023-08-15", 0, &q, &f), 5);

	hub_browse_query_init(&q);
	q.timing = HUB_BROWSE_ON_TIME;
	assert_int_equal(ask(&wd.t, "2023-08-15", 0, &q, &f), 1);
	assert_string_equal(f.names, "Nguyễn Văn Đức");
	q.timing = HUB_BROWSE_LATE; /* before the deadline: only the one handed over after it */
	assert_int_equal(ask(&wd.t, "2023-08-15", 0, &q, &f), 1);
	assert_string_equal(f.names, "Lâm Thị Hoa");
	/* after the deadline every household not handed over is late too */
	assert_int_equal(ask(&wd.t, "2023-12-31", 0, &q, &f), 7);

	hub_browse_query_init(&q);
	q.missing_photo = true; /* Đào's survey has no photo; the hand-overs have theirs */
	assert_int_equal(ask(&wd.t, "2023-12-31", 0, &q, &f), 1);
	assert_string_equal(f.names, "Trần Thị Đào");
	assert_int_equal(ask(&wd.t, "2023-06-01", 0, &q, &f), 0); /* not surveyed yet that day */

	hub_browse_query_init(&q);
	/* as the reconcile queue has them: Đức's hand-over with no stage before
	 * it (out of order), Đào's missing photo; Hoa, rejected, counts in no
	 * item of the queue */
	q.open_items = true;
	assert_int_equal(rt_open_of(&wd.t, "out_of_order", "2023-12-31"), 1);
	assert_int_equal(rt_open_of(&wd.t, "missing_evidence", "2023-12-31"), 1);
	assert_int_equal(rt_open_of(&wd.t, "late", "2023-12-31"), 0);
	assert_int_equal(ask(&wd.t, "2023-12-31", 0, &q, &f), 2);
	assert_string_equal(f.names, "Nguyễn Văn Đức|Trần Thị Đào");
	{
		char sql[256];

		snprintf(sql, sizeof(sql),
			 "INSERT INTO report_resolution(item, resolved_at, resolved_by, note) VALUES"
			 " ('O-%016llx-%llu', '2023-10-01T00:00:00Z', 'lan', 'đã rõ')",
			 (unsigned long long)wd.a.origin, (unsigned long long)wd.a.serial);
		assert_int_equal(sqlite3_exec(wd.t.db, sql, NULL, NULL, NULL), SQLITE_OK);
	}
	assert_int_equal(rt_open_of(&wd.t, "out_of_order", "2023-12-31"), 0);
	assert_int_equal(ask(&wd.t, "2023-12-31", 0, &q, &f), 1); /* resolved: no longer open */
	assert_string_equal(f.names, "Trần Thị Đào");

	/* filters together, and a district operator's scope */
	hub_browse_query_init(&q);
	q.text = "thi";
	q.district = 950;
	assert_int_equal(ask(&wd.t, "2023-08-15", 0, &q, &f), 1);
	assert_string_equal(f.names, "Lâm Thị Hoa");
	hub_browse_query_init(&q);
	q.text = "thi";
	assert_int_equal(ask(&wd.t, "2023-08-15", wd.other_district, &q, &f), 1);
	assert_string_equal(f.names, "Trần Thị Đào");
	q.district = 950; /* another district than its own: nothing */
	assert_int_equal(ask(&wd.t, "2023-08-15", wd.other_district, &q, &f), 0);
}

static void test_sort_and_pages(void **state)
{
	hub_browse_query q;
	found f;

	(void)state;
	hub_browse_query_init(&q);
	q.per_page = 3;
	assert_int_equal(ask(&wd.t, "2023-08-15", 0, &q, &f), 8);
	assert_string_equal(f.names, "Lâm Thị Hoa|Nguyễn Văn Đức|Thạch Sà Rên");
	q.page = 3;
	assert_int_equal(ask(&wd.t, "2023-08-15", 0, &q, &f), 8);
	assert_string_equal(f.names, "Thạch Sà Rên|Trần Thị Đào");
	q.page = 4;
	assert_int_equal(ask(&wd.t, "2023-08-15", 0, &q, &f), 8);
	assert_int_equal(f.n, 0);

	hub_browse_query_init(&q);
	q.sort = HUB_BROWSE_BY_STAGE; /* furthest first, then by name */
	q.per_page = 3;
	ask(&wd.t, "2023-08-15", 0, &q, &f);
	assert_string_equal(f.names, "Lâm Thị Hoa|Nguyễn Văn Đức|Trần Thị Đào");
	q.sort = HUB_BROWSE_BY_REF; /* those without a ref first */
	q.text = "079";
	ask(&wd.t, "2023-08-15", 0, &q, &f);
	assert_string_equal(f.names, "Lâm Thị Hoa|Nguyễn Văn Đức|Trần Thị Đào");
	q.sort = HUB_BROWSE_BY_COMMUNE;
	q.text = NULL;
	q.commune = wd.other;
	ask(&wd.t, "2023-08-15", 0, &q, &f);
	assert_string_equal(f.names, "Trần Thị Đào");
	q.commune = 0;
	q.sort = HUB_BROWSE_BY_CHANGED; /* the hamlet, set last */
	q.per_page = 1;
	ask(&wd.t, "2023-08-15", 0, &q, &f);
	assert_string_equal(f.names, "Nguyễn Văn Đức");

	/* out of range: refused, not guessed */
	q.per_page = HUB_BROWSE_PAGE_MAX + 1;
	assert_int_equal(hub_browse(wd.t.db, &wd.t.campaign, "2023-08-15", 0, &q, collect, &f, NULL),
			 HUB_REFUSED);
}

/* What the browser's tables hold of each household, in id order: its
 * row (but the rowid) and its words. */
static char *browse_dump(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	proto_buf out;
	int k;

	proto_buf_init(&out, 1 << 20);
	assert_int_equal(
		sqlite3_prepare_v2(db,
				   "SELECT b.id_origin, b.id_serial, b.changed, b.name, b.ref, b.commune,"
				   " b.category, b.review, b.stage, b.handed, f.words FROM browse_hh b"
				   " LEFT JOIN browse_fts f ON f.rowid = b.id"
				   " ORDER BY b.id_origin, b.id_serial",
				   -1, &st, NULL),
		SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (k = 0; k < sqlite3_column_count(st); k++) {
			const char *v = (const char *)sqlite3_column_text(st, k);

			assert_int_equal(proto_buf_appendf(&out, "%s%s", k ? "|" : "", v ? v : "-"), 0);
		}
		assert_int_equal(proto_buf_append_str(&out, "\n"), 0);
	}
	sqlite3_finalize(st);
	assert_int_equal(proto_buf_append_byte(&out, 0), 0);
	return (char *)out.data;
}

/* sqlite3_exec's callback: stops at the first row (SQLITE_ABORT says one came). */
static int found_one(void *arg, int n, char **values, char **names)
{
	(void)arg;
	(void)n;
	(void)values;
	(void)names;
	return 1;
}

/* The newest stamp of any household field or milestone in db. */
static uint64_t latest_stamp(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	uint64_t stamp;

	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT max((SELECT max(stamp) FROM household_stamp),"
					    " (SELECT max(stamp) FROM milestone))",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	stamp = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return stamp;
}

/* The triggers keep the browser's tables as a rebuild from the households
 * makes them, through changes of every column they keep (a name, a
 * commune, a review, stages reached, one taken back by a void), and an
 * older version of the tables is built again; a newer one is refused. */
static void test_triggers_keep_what_rebuild_makes(void **state)
{
	char err[256], *kept, *rebuilt;
	rt_batch b;
	proto_id late;
	found f;

	(void)state;
	/* another laptop, later than everything the world holds */
	rt_batch_init(&b, 0x0f0f0f0f0f0f0f0full);
	b.stamp = latest_stamp(wd.t.db);
	rt_household_set(&b, wd.c, PROTO_HH_NAME, "Lâm Thị Hòa", 0);
	rt_household_set(&b, wd.b, PROTO_HH_REVIEW_STATUS, "approved", 0);
	rt_household_set_int(&b, wd.b, PROTO_HH_COMMUNE, wd.vc, 0);
	rt_milestone(&b, wd.b, "roof", "2023-07-20", NULL);
	rt_milestone(&b, wd.b, "walls", "2023-07-05", NULL);       /* earlier: the stage stays */
	rt_milestone(&b, wd.c, "handed_over", "2023-09-18", NULL); /* earlier: handed then */
	late = rt_milestone(&b, wd.a, "handed_over", "2023-07-30", NULL);
	rt_flush(&b, wd.t.db);
	rt_void(&b, late, PROTO_KIND_MILESTONE);
	rt_flush(&b, wd.t.db);
	rt_batch_release(&b);
	assert_int_equal(hub_browse_words_flush(wd.t.db), HUB_OK); /* no ledger row here */
	assert_int_equal(search(&wd.t, "lam thi hoa", &f), 1);
	assert_string_equal(f.names, "Lâm Thị Hòa");

	kept = browse_dump(wd.t.db);
	assert_int_equal(hub_meta_set(wd.t.db, "browse_schema", "1"), HUB_OK);
	assert_int_equal(hub_browse_migrate(wd.t.db, err, sizeof(err)), HUB_OK);
	rebuilt = browse_dump(wd.t.db);
	assert_string_equal(kept, rebuilt);
	assert_non_null(strstr(kept, "|Trần Thị Đào|7KQ1-5|")); /* moved, approved, at the roof */
	assert_non_null(strstr(kept, "|approved|6|-|"));
	assert_non_null(strstr(kept, "|Lâm Thị Hòa|-|"));
	assert_non_null(strstr(kept, "|rejected|8|2023-09-18|"));

	/* a table made again (by its own schema's upgrade) without the
	 * browser's trigger on it: the browser's tables are built again */
	assert_int_equal(sqlite3_exec(wd.t.db, "DROP TRIGGER browse_words_ledger", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(hub_browse_migrate(wd.t.db, err, sizeof(err)), HUB_OK);
	free(rebuilt);
	rebuilt = browse_dump(wd.t.db);
	assert_string_equal(kept, rebuilt);
	assert_int_equal(sqlite3_exec(wd.t.db,
				      "SELECT 1 FROM sqlite_master WHERE name = 'browse_words_ledger'",
				      found_one, NULL, NULL),
			 SQLITE_ABORT);

	assert_int_equal(hub_meta_set(wd.t.db, "browse_schema", "99"), HUB_OK);
	assert_int_equal(hub_browse_migrate(wd.t.db, err, sizeof(err)), HUB_REFUSED);
	assert_non_null(strstr(err, "version '99', this maiam-hub knows '5'"));
	free(kept);
	free(rebuilt);
}

/* The page on the test's listener: signed in, a search and its rows; the
 * form keeps what was typed; a malformed filter is a 400. */
static void test_households_page(void **state)
{
	char cookie[128], err[256], path[512];
	server s;
	rt_db t;
	resp r;

	(void)state;
	dt_open(&t, &s);
	assert_int_equal(hub_browse_migrate(t.db, err, sizeof(err)), HUB_OK);
	dt_req(&s, "/households?q=thach", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Đăng nhập")); /* signed out: the sign-in page */
	assert_null(strstr(r.body, "Thạch Sà Rên"));
	dt_login_from(&s, "127.0.0.1", "lan", GOOD_PW, &r);
	assert_int_equal(r.status, 303);
	dt_session_of(&r, cookie, sizeof(cookie));

	dt_req(&s, "/households?q=thach+sa+ren&district=950&review=approved&stage=handed_over", cookie,
	       NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "id=\"count\">Tìm thấy <b>37</b> hộ"));
	assert_non_null(strstr(r.body, "Thạch Sà Rên"));
	assert_non_null(strstr(r.body, "value=\"thach sa ren\""));
	assert_non_null(strstr(r.body, "<a href=\"/household?id=0c0c0c0c0c0c0c0c-"));
	assert_non_null(strstr(r.body, "Trang 1/1"));

	/* an escaped search is shown escaped, and finds nothing */
	dt_req(&s, "/households?q=%3Cb%3Ex%22", cookie, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "value=\"&lt;b&gt;x&quot;\""));
	assert_non_null(strstr(r.body, "Tìm thấy <b>0</b> hộ"));

	static const char *const bad[] = { "page=0",   "district=1", "stage=roof2",  "timing=soon",
					   "sort=age", "open=yes",   "review=maybe", "commune=950" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(path, sizeof(path), "/households?%s", bad[i]);
		dt_req(&s, path, cookie, NULL, &r);
		assert_int_equal(r.status, 400);
		assert_non_null(strstr(r.body, "use /households?"));
	}
	dt_close(&t, &s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_search_without_diacritics, world_up, world_down),
		cmocka_unit_test_setup_teardown(test_each_filter, world_up, world_down),
		cmocka_unit_test_setup_teardown(test_sort_and_pages, world_up, world_down),
		cmocka_unit_test_setup_teardown(test_triggers_keep_what_rebuild_makes, world_up,
						world_down),
		cmocka_unit_test(test_households_page),
	};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
