/*
 * test_charts.c - the dashboard's charts, date and drill-down: the SVG of a
 * known dataset (the bars, the percentages on them, the legend's words, the
 * straight line's end at the deadline, by day and by week), the page's
 * figures against "report progress" for two dates picked with the as-of
 * form, and the links from the province to a district, from a district to
 * its communes' households, each keeping the date. The dashboard runs on
 * the test's own listener (dashtest.c); Chromium looks at the page in
 * test_charts_browser.c.
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
#include "hub.h"
#include "report.h"
#include "chart.h"
#include "reptest.h"
#include "dashtest.h"

#define VINH_CHAU 950 /* target 260: dt_seed hands over 37 there on 2023-08-01 */
#define SOC_TRANG 941 /* target 20 */

/* dt_seed's data, and 5 houses handed over in Sóc Trăng on 2023-06-20 and
 * 15 more on 2023-08-20 (its whole target). */
static void seed_more(rt_db *t)
{
	int commune = rt_commune_of(t, SOC_TRANG);
	rt_batch b;
	int i;

	rt_batch_init(&b, 0x0e0e0e0e0e0e0e0eull);
	for (i = 0; i < 20; i++) {
		proto_id h = rt_household(&b, commune, "Lý Văn Tư", NULL, "approved");
		rt_milestone(&b, h, "handed_over", i < 5 ? "2023-06-20" : "2023-08-20", NULL);
	}
	rt_flush(&b, t->db);
	rt_batch_release(&b);
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (hay = strstr(hay, needle); hay; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

/* text holds every string of want (NULL-ended); the first missing one fails. */
static void expect_all(const char *text, const char *const *want)
{
	for (; *want; want++)
		if (!strstr(text, *want))
			fail_msg("no '%s' in:\n%.3000s", *want, text);
}

/* The text from 'from' (found after 'at') to the next '<'. */
static void text_after(const char *page, const char *at, const char *from, char *out, size_t outlen)
{
	const char *p = strstr(page, at);

	if (!p || !(p = strstr(p, from)))
		fail_msg("no '%s' after '%s' in the page", from, at);
	p += strlen(from);
	snprintf(out, outlen, "%.*s", (int)strcspn(p, "<"), p);
}

static void test_bars_of_a_known_dataset(void **state)
{
	rt_db t;
	report_progress p;
	proto_buf b;
	char err[256], *svg;

	(void)state;
	rt_db_open(&t);
	dt_seed(&t);
	seed_more(&t);
	proto_buf_init(&b, 1 << 24);
	assert_int_equal(report_progress_load(t.db, &t.campaign, "2023-08-31", 0, &p, err, sizeof(err)),
			 HUB_OK);

	/* the bars: one per district, the percentage written on each, the
	 * state in words beside its colour, the legend's words */
	assert_int_equal(chart_progress_bars(&t.campaign, &p, &b), HUB_OK);
	assert_int_equal(proto_buf_append_byte(&b, '\0'), 0);
	svg = (char *)b.data;
	assert_int_equal(count_of(svg, "<g class=\"bar\""), t.campaign.ntargets);
	expect_all(svg,
		   (const char *const[]){ "<title id=\"progress-title\">", "<desc id=\"progress-desc\">",
					  ">Đúng tiến độ</text>", /* the legend */
					  ">Chậm tiến độ</text>", ">Chỉ tiêu</text>", NULL });
	/* the widths are shares of the widest (Kế Sách's 320): they fit any width */
	expect_all(svg, (const char *const[]){ "data-code=\"950\">",
					       "width=\"11.56%\" height=\"20\" fill=\"#c62828\"",
					       ">14,2% · 37 / 260</text>", ">100,0% · 20 / 20</text>",
					       "fill=\"#c62828\">Chậm tiến độ</tspan>", /* Vĩnh Châu */
					       "fill=\"#2e7d32\">Đúng tiến độ</tspan>", /* Sóc Trăng */
					       NULL });
	assert_null(strstr(svg, "width=\"7")); /* no width in pixels: nothing cut at 390 px */

	report_progress_release(&p);
	proto_buf_release(&b);
	rt_db_close(&t);
}

/* One more house handed over in Vĩnh Châu on date. */
static void late_handover(rt_db *t, const char *date)
{
	rt_batch b;

	rt_batch_init(&b, 0x0b0b0b0b0b0b0b0bull);
	rt_milestone(&b, rt_household(&b, rt_commune_of(t, VINH_CHAU), "Sơn Thị Mai", NULL, "approved"),
		     "handed_over", date, NULL);
	rt_flush(&b, t->db);
	rt_batch_release(&b);
}

/* What a line's series was: its points, and whether the last is the
 * report's hand-overs. */
typedef struct line_seen {
	int bucket;
	size_t npoints;
	int last_as_report;
} line_seen;

/* Vĩnh Châu's line as of the date, into b (NUL-ended): the SVG. */
static const char *vinh_chau_line(rt_db *t, const char *as_of, proto_buf *b, line_seen *seen)
{
	report_progress p;
	chart_series s;
	char err[256];
	size_t k;

	assert_int_equal(report_progress_load(t->db, &t->campaign, as_of, 0, &p, err, sizeof(err)),
			 HUB_OK);
	assert_int_equal(chart_series_load(t->db, &t->campaign, as_of, &s, err, sizeof(err)), HUB_OK);
	for (k = 0; k < t->campaign.ntargets && t->campaign.targets[k].district != VINH_CHAU; k++)
		;
	assert_true(k < t->campaign.ntargets);
	seen->bucket = s.bucket;
	seen->npoints = s.npoints;
	seen->last_as_report = s.npoints && s.cum[k * s.npoints + s.npoints - 1] == p.a[k].v[8];
	proto_buf_reset(b);
	assert_int_equal(chart_handover_line(&t->campaign, &p, &s, k, b), HUB_OK);
	assert_int_equal(proto_buf_append_byte(b, '\0'), 0);
	chart_series_release(&s);
	report_progress_release(&p);
	return (const char *)b->data;
}

static void test_lines_of_a_known_dataset(void **state)
{
	rt_db t;
	proto_buf b;
	line_seen seen;
	const char *svg;

	(void)state;
	rt_db_open(&t);
	dt_seed(&t);
	seed_more(&t);
	proto_buf_init(&b, 1 << 24);

	/* Vĩnh Châu over time, by day (1/6 to 2/9 is 94 days): the straight
	 * line from nothing on the start day ends on the deadline, at the top
	 * of the plot (the target is the highest value), the deadline marked */
	svg = vinh_chau_line(&t, "2023-08-31", &b, &seen);
	assert_int_equal(seen.bucket, 1);
	assert_int_equal(seen.npoints, 92);
	assert_true(seen.last_as_report);
	assert_non_null(strstr(svg, "id=\"timeline-950\""));
	assert_non_null(strstr(svg, "<title id=\"timeline-950-title\">Thị xã Vĩnh Châu:"));
	assert_non_null(
		strstr(svg, "class=\"target-line\" x1=\"0.0\" y1=\"140.0\" x2=\"1000.0\" y2=\"10.0\""));
	expect_all(svg, (const char *const[]){ "class=\"deadline\" x1=\"1000.0\"", ">Hạn 02/09/2023</text>",
					       ">Chỉ tiêu 260</text>", "cộng dồn theo ngày", NULL });
	/* nothing before 1/8, 37 from then on: the last point is 31/8's */
	expect_all(svg, (const char *const[]){ " 645.2,140.0 655.9,121.5 ", " 978.5,121.5\"/>",
					       ">Đã bàn giao (cộng dồn)</text>",
					       ">Đường thẳng đến chỉ tiêu</text>",
					       ">Hạn bàn giao</text>", "Chậm tiến độ</tspan>", NULL });

	/* a month after the deadline: with no hand-over since, the axis stops
	 * at the deadline, years later too */
	svg = vinh_chau_line(&t, "2023-10-01", &b, &seen);
	assert_int_equal(seen.bucket, 1);
	assert_true(seen.last_as_report);
	expect_all(svg, (const char *const[]){ "x2=\"1000.0\" y2=\"10.0\"", " 1000.0,121.5\"/>", NULL });
	svg = vinh_chau_line(&t, "2026-12-01", &b, &seen);
	assert_int_equal(seen.bucket, 1);
	assert_non_null(strstr(svg, " 1000.0,121.5\"/>"));

	/* one more handed over late, on 30/9: the axis runs to it (122 days,
	 * a point a week), the deadline inside it (93 of 121 days) where the
	 * straight line still ends; the line's last point is 30/9's */
	late_handover(&t, "2023-09-30");
	svg = vinh_chau_line(&t, "2023-10-01", &b, &seen);
	assert_int_equal(seen.bucket, 7);
	assert_true(seen.last_as_report);
	expect_all(svg, (const char *const[]){
				"class=\"target-line\" x1=\"0.0\" y1=\"140.0\" x2=\"768.6\" y2=\"10.0\"",
				"class=\"deadline\" x1=\"768.6\"", "cộng dồn theo tuần",
				" 1000.0,121.0\"/>", ">38 / 260 — ", NULL });
	assert_non_null(strstr(vinh_chau_line(&t, "2026-12-01", &b, &seen), "x2=\"768.6\" y2=\"10.0\""));

	/* before the start: no line of hand-overs, the straight line still there */
	svg = vinh_chau_line(&t, "2023-05-01", &b, &seen);
	assert_int_equal(seen.npoints, 0);
	assert_null(strstr(svg, "<polyline"));
	assert_non_null(strstr(svg, "class=\"target-line\""));

	proto_buf_release(&b);
	rt_db_close(&t);
}

/* The page's bar of district code says what "report progress --as-of" says. */
static void expect_bar_as_report(rt_db *t, const char *page, const char *as_of, int code)
{
	char *json = rt_report(t, HUB_REPORT_PROGRESS, HUB_FMT_JSON, as_of, 0);
	char at[64], from[64], want[128], got[128], hs[32], ts[32], pct[16];
	const char *obj;
	long long h, target;

	snprintf(from, sizeof(from), "\"code\": %d,", code);
	h = rt_json_int(json, from, "handed_over");
	target = rt_json_int(json, from, "target");
	assert_true(h >= 0 && target > 0);
	report_fmt_group(h, hs, sizeof(hs));
	report_fmt_group(target, ts, sizeof(ts));
	chart_fmt_percent(100.0 * (double)h / (double)target, pct);
	snprintf(want, sizeof(want), "%s · %s / %s", pct, hs, ts);
	snprintf(at, sizeof(at), "data-code=\"%d\"", code);
	text_after(page, at, "class=\"pct\"", got, sizeof(got));
	assert_non_null(strchr(got, '>'));
	assert_string_equal(strchr(got, '>') + 1, want);
	/* the state in words, as the report's on_track */
	text_after(page, at, "<tspan", got, sizeof(got));
	obj = strstr(json, from);
	assert_non_null(obj);
	obj = strstr(obj, "\"on_track\": ");
	assert_non_null(obj);
	assert_non_null(strstr(got, strncmp(obj + 12, "true", 4) == 0 ? "Đúng tiến độ" : "Chậm tiến độ"));
	free(json);
}

/* Every district's bar on the page says what "report progress" says. */
static void expect_bars_as_report(rt_db *t, const char *page, const char *as_of)
{
	size_t k;

	for (k = 0; k < t->campaign.ntargets; k++)
		expect_bar_as_report(t, page, as_of, t->campaign.targets[k].district);
}

/* The text of the n-th cell after 'at' in the page (1: the next one). */
static void cell_after(const char *page, const char *at, int n, char *out, size_t outlen)
{
	const char *p = strstr(page, at);

	while (p && n-- > 0)
		p = strstr(p + 1, "<td");
	if (!p || !(p = strchr(p, '>')))
		fail_msg("no cell %d after '%s'", n, at);
	p++;
	snprintf(out, outlen, "%.*s", (int)strcspn(p, "<"), p);
}

/* Each commune of the district on its page has the hand-overs of "report
 * progress --by commune" (the page's handed-over cell is the 6th after the
 * name: target, registered, approved, started, completed, handed over). */
static void expect_communes_as_report(rt_db *t, const char *page, const char *as_of, int district)
{
	char *json = rt_report(t, HUB_REPORT_PROGRESS, HUB_FMT_JSON, as_of, 1);
	char at[64], from[64], got[64], want[32];
	size_t i, seen = 0;

	for (i = 0; i < t->campaign.units.n; i++) {
		const proto_unit *u = &t->campaign.units.a[i];
		if (u->level != PROTO_UNIT_COMMUNE ||
		    proto_units_district_of(&t->campaign.units, u->code) != district)
			continue;
		snprintf(from, sizeof(from), "\"code\": %d,", u->code);
		report_fmt_group(rt_json_int(json, from, "handed_over"), want, sizeof(want));
		snprintf(at, sizeof(at), "<a href=\"/households?commune=%d\">", u->code);
		cell_after(page, at, 6, got, sizeof(got));
		assert_string_equal(got, want);
		seen++;
	}
	assert_true(seen > 1);
	snprintf(from, sizeof(from), "\"code\": %d,", rt_commune_of(t, district));
	assert_int_equal(rt_json_int(json, from, "handed_over"), 37); /* the commune of the 37 */
	free(json);
}

static void test_as_of_and_drill_down(void **state)
{
	rt_db t;
	server s;
	resp r;
	char session[128], want[256];
	size_t i, communes = 0;

	(void)state;
	dt_open(&t, &s);
	seed_more(&t);
	dt_login_from(&s, "127.0.0.1", "lan", GOOD_PW, &r);
	assert_int_equal(r.status, 303);
	dt_session_of(&r, session, sizeof(session));

	/* the date picker: a GET form with a date field, today's date in it */
	dt_req(&s, "/", session, NULL, &r);
	assert_int_equal(r.status, 200);
	expect_all(r.body, (const char *const[]){ "<form id=\"as-of-form\" method=\"get\" action=\"/\"",
						  "type=\"date\"", "href=\"/?district=950\"",
						  "href=\"/report?kind=progress&amp;format=csv\"", NULL });

	/* the figures follow the date, as the report's do */
	dt_req(&s, "/?as-of=2023-07-15", session, NULL, &r);
	assert_int_equal(r.status, 200);
	expect_all(r.body, (const char *const[]){ "name=\"as-of\" type=\"date\" value=\"2023-07-15\"",
						  "Số liệu đến ngày 15/07/2023", ">25,0% · 5 / 20</text>",
						  ">0,0% · 0 / 260</text>", NULL });
	expect_bars_as_report(&t, r.body, "2023-07-15");
	/* every link keeps the date: the districts, the downloads */
	assert_non_null(strstr(r.body, "href=\"/?as-of=2023-07-15&amp;district=950\""));
	assert_non_null(
		strstr(r.body, "href=\"/report?kind=progress&amp;format=csv&amp;as_of=2023-07-15\""));
	assert_int_equal(count_of(r.body, "class=\"timeline\""), t.campaign.ntargets);

	dt_req(&s, "/?as-of=2023-08-31", session, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, ">100,0% · 20 / 20</text>"));
	assert_non_null(strstr(r.body, ">14,2% · 37 / 260</text>"));
	expect_bars_as_report(&t, r.body, "2023-08-31");

	/* a district: its line over time, its communes each a link to their
	 * households, the way back to the province keeping the date */
	dt_req(&s, "/?as-of=2023-08-31&district=950", session, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<h2 id=\"district\">Thị xã Vĩnh Châu</h2>"));
	assert_non_null(strstr(r.body, "id=\"timeline-950\""));
	assert_int_equal(count_of(r.body, "class=\"timeline\""), 1);
	expect_all(r.body, (const char *const[]){ "<input type=\"hidden\" name=\"district\" value=\"950\">",
						  "href=\"/?as-of=2023-08-31\">← Toàn tỉnh</a>",
						  "href=\"/households?district=950\"", NULL });
	for (i = 0; i < t.campaign.units.n; i++) {
		const proto_unit *u = &t.campaign.units.a[i];
		if (u->level != PROTO_UNIT_COMMUNE ||
		    proto_units_district_of(&t.campaign.units, u->code) != VINH_CHAU)
			continue;
		snprintf(want, sizeof(want), "<a href=\"/households?commune=%d\">", u->code);
		assert_non_null(strstr(r.body, want));
		communes++;
	}
	assert_true(communes > 1);
	assert_int_equal(count_of(r.body, "<a href=\"/households?commune="),
			 communes); /* none of another's */
	/* the commune of the 37 shows them, as "report progress --by commune" */
	snprintf(want, sizeof(want), "<a href=\"/households?commune=%d\">", rt_commune_of(&t, VINH_CHAU));
	assert_non_null(strstr(r.body, want));
	expect_communes_as_report(&t, r.body, "2023-08-31", VINH_CHAU);

	/* refused: a date that is not one, a district code that is not a number
	 * (400); a district the campaign does not have (404, its own page) */
	dt_req(&s, "/?as-of=2023-02-30", session, NULL, &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "as-of=YYYY-MM-DD"));
	dt_req(&s, "/?district=95x", session, NULL, &r);
	assert_int_equal(r.status, 400);
	dt_req(&s, "/?district=123", session, NULL, &r);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "Không có huyện này"));
	/* an empty date (the picker cleared) is today */
	dt_req(&s, "/?as-of=&district=950", session, NULL, &r);
	assert_int_equal(r.status, 200);
	/* still nothing for a stranger */
	dt_req(&s, "/?as-of=2023-08-31&district=950", NULL, NULL, &r);
	assert_non_null(strstr(r.body, "Đăng nhập"));
	assert_null(strstr(r.body, "Thị xã Vĩnh Châu"));

	dt_close(&t, &s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bars_of_a_known_dataset),
		cmocka_unit_test(test_lines_of_a_known_dataset),
		cmocka_unit_test(test_as_of_and_drill_down),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
