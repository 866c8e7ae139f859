/*
 * test_charts_browser.c - the dashboard's charts, date picker and drill-down
 * in headless Chromium against a real "maiam-hub serve" (TLS, port 0): the
 * operator signs in, picks a date with the form (a GET form: the page has
 * no script), sees the figures of that date, goes down to a district and
 * back with the date kept; at 390 px nothing is wider than the window and
 * every bar and its words end inside it. Screenshots under the build tree:
 * tests/browser/report-1366.png, report-390.png, report-district-1366.png,
 * report-district-390.png. Every wait is on the page (tests/support/browser.c);
 * without chromium and chromedriver the test is skipped (exit 77).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "hub.h"
#include "report.h"
#include "reptest.h"
#include "testutil.h"
#include "browser.h"
#include "hubtest.h"

static struct fixture {
	ht_hub hub; /* the real maiam-hub serve (tests/hub/hubtest.c) */
	int started;
	wb_browser w;
} fx;

/* Hand-overs in three districts on two dates (Kế Sách, the largest target,
 * nearly done: its bar is the widest) and the operator lan, in the hub
 * directory dir (made by ht_hub_init, not serving yet). */
static void seed_hub(const char *dir)
{
	static const struct {
		int district, n;
		const char *date;
	} handed[] = { { 943, 150, "2023-07-10" },
		       { 943, 150, "2023-08-25" },
		       { 950, 37, "2023-08-01" },
		       { 941, 20, "2023-06-20" } };
	char cmd[2048], path[1024], err[512];
	rt_db t;
	rt_batch b;
	size_t i;
	int k;

	memset(&t, 0, sizeof(t));
	snprintf(path, sizeof(path), "%s/hub.db", dir);
	assert_int_equal(proto_db_open(path, &t.db), PROTO_OK);
	assert_int_equal(proto_campaign_load(MAIAM_SOURCE_DIR "/campaigns/soc-trang-2023.campaign",
					     &t.campaign, err, sizeof(err)),
			 PROTO_OK);
	assert_int_equal(hub_report_migrate(t.db, err, sizeof(err)), HUB_OK);
	rt_batch_init(&b, 0x0f0f0f0f0f0f0f0full);
	for (i = 0; i < sizeof(handed) / sizeof(handed[0]); i++)
		for (k = 0; k < handed[i].n; k++)
			rt_milestone(&b,
				     rt_household(&b, rt_commune_of(&t, handed[i].district),
						  "Trần Thị Bé", NULL, "approved"),
				     "handed_over", handed[i].date, NULL);
	rt_flush(&b, t.db);
	rt_batch_release(&b);
	sqlite3_close(t.db);
	proto_campaign_release(&t.campaign);
	snprintf(cmd, sizeof(cmd),
		 "printf '%%s\\n' 'mật khẩu dài' | '%s' operator add lan --role admin --dir '%s' >/dev/null",
		 MAIAM_HUB_BIN, dir);
	assert_int_equal(system(cmd), 0);
}

/* A date typed into the picker and sent: the page of that date. */
static void pick_date(wb_browser *w, const char *iso, const char *shown)
{
	char js[128];

	snprintf(js, sizeof(js), "document.getElementById('as-of').value = '%s'; return true", iso);
	wb_wait_script(w, js, "true");
	wb_click(w, "#as-of-go");
	wb_wait_for(w, shown, NULL);
}

/* The page at a laptop's width and at a phone's, saved as
 * tests/browser/<name>-1366.png and <name>-390.png under the build tree. At
 * 390 px the page is no wider than the window, and every bar of the chart
 * and the words on it end inside it. */
static void shots(wb_browser *w, const char *name)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/tests/browser", MAIAM_BUILD_DIR);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/tests/browser/%s-1366.png", MAIAM_BUILD_DIR, name);
	wb_screenshot(w, path, 1366, 768);
	snprintf(path, sizeof(path), "%s/tests/browser/%s-390.png", MAIAM_BUILD_DIR, name);
	wb_screenshot(w, path, 390, 844);
	wb_wait_script(w, "return document.documentElement.scrollWidth <= window.innerWidth", "true");
	wb_wait_script(w,
		       "const right = document.documentElement.clientWidth;"
		       " return Array.from(document.querySelectorAll('svg rect, svg text, svg line'))"
		       ".filter(e => e.getBoundingClientRect().right > right + 0.5).length",
		       "0");
}

static void test_charts_in_chromium(void **state)
{
	wb_browser *w = &fx.w;
	char url[256], dir[300];

	(void)state;
	assert_int_equal(ht_hub_init(&fx.hub), 0);
	snprintf(dir, sizeof(dir), "%s/hub", fx.hub.dir);
	seed_hub(dir);
	assert_int_equal(ht_hub_start(&fx.hub, NULL), 0);
	fx.started = 1;
	wb_start(w, fx.hub.dir);

	snprintf(url, sizeof(url), "https://127.0.0.1:%d/", fx.hub.port);
	wb_go(w, url);
	wb_wait_for(w, "Đăng nhập dành cho", NULL);
	wb_type(w, "#name", "lan");
	wb_type(w, "#password", "mật khẩu dài");
	wb_click(w, "#submit");
	wb_wait_for(w, "Bảng theo dõi", NULL);

	/* a date picked in the form: the figures of that day (Kế Sách's second
	 * 150 came later), in the address, so it can be kept and sent */
	pick_date(w, "2023-08-10", "Số liệu đến ngày 10/08/2023");
	wb_wait_script(w, "return location.search", "\"?as-of=2023-08-10\"");
	wb_source(w);
	assert_non_null(strstr(w->buf, "46,9% · 150 / 320"));
	assert_non_null(strstr(w->buf, "14,2% · 37 / 260"));
	assert_non_null(strstr(w->buf, "Chậm tiến độ"));
	assert_non_null(strstr(w->buf, "Đúng tiến độ"));
	wb_wait_script(w, "return document.querySelectorAll('svg.timeline').length > 1", "true");
	pick_date(w, "2023-08-31", "Số liệu đến ngày 31/08/2023");
	assert_non_null(strstr(w->buf, "93,8% · 300 / 320")); /* the widest bar, its words inside */
	shots(w, "report");
	wb_wait_script(w, "document.getElementById('progress-chart').scrollIntoView(); return true",
		       "true");
	shots(w, "report-bars");
	wb_wait_script(w, "document.getElementById('timelines').scrollIntoView(); return true", "true");
	shots(w, "report-timelines");

	/* down to Vĩnh Châu, the date kept; its communes link to their households */
	assert_int_equal(wb_call(w, "POST", "window/rect", "{\"width\":1366,\"height\":768}"), 200);
	wb_click(w, "a[href='/?as-of=2023-08-31&district=950']");
	wb_wait_for(w, "Tiến độ theo xã", NULL);
	wb_wait_script(w, "return location.search", "\"?as-of=2023-08-31&district=950\"");
	wb_wait_script(w, "return document.querySelectorAll('svg.timeline').length", "1");
	wb_wait_script(w,
		       "return document.querySelectorAll('a[href^=\"/households?commune=\"]').length > 1",
		       "true");
	wb_source(w);
	assert_non_null(strstr(w->buf, "Số liệu đến ngày 31/08/2023"));
	shots(w, "report-district");

	/* another date on the district's page stays on the district */
	pick_date(w, "2023-07-20", "Số liệu đến ngày 20/07/2023");
	wb_wait_script(w, "return location.search", "\"?as-of=2023-07-20&district=950\"");
	wb_source(w);
	assert_non_null(strstr(w->buf, "0 / 260"));

	/* and back to the province, on the same date */
	wb_click(w, "#province");
	wb_wait_for(w, "Bàn giao so với chỉ tiêu theo huyện", NULL);
	wb_wait_script(w, "return location.search", "\"?as-of=2023-07-20\"");
	wb_source(w);
	assert_non_null(strstr(w->buf, "46,9% · 150 / 320"));
}

static int teardown(void **state)
{
	(void)state;
	wb_stop(&fx.w);
	if (fx.started)
		ht_hub_stop(&fx.hub, 15);
	fx.started = 0;
	ht_hub_remove(&fx.hub);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_charts_in_chromium, teardown),
	};
	if (!wb_available()) {
		printf("SKIP: chromium or chromedriver missing: run scripts/deps to install them\n");
		return 77; /* SKIP_RETURN_CODE in CMakeLists.txt */
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
