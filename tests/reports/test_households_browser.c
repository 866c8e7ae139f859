/*
 * test_households_browser.c - the household browser in headless Chromium
 * on the dashboard of the test's own listener (dashtest.h, plain HTTP on
 * 127.0.0.1): an operator signs in, opens "Danh sách hộ", finds a household
 * typed without diacritics, narrows by a filter, follows a row to the
 * household's page; screenshots at 1366 and 390 px under the build tree
 * (tests/browser/households-1366.png, households-390.png).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "maiam/schema.h"
#include "hub.h"
#include "report.h"
#include "browse_schema.h"
#include "reptest.h"
#include "dashtest.h"
#include "browser.h"

static struct fixture {
	rt_db t;
	server s;
	int open;
	wb_browser w;
} fx;

/* Besides the 37 houses of dt_seed: Nguyễn Văn Đức in another commune of
 * Vĩnh Châu, with its hamlet and ref, and a proposed household. */
static void more_households(rt_db *t)
{
	rt_batch b;
	proto_id a;
	char err[256];
	int commune = rt_commune_of(t, 950);

	assert_int_equal(hub_browse_migrate(t->db, err, sizeof(err)), HUB_OK);
	rt_batch_init(&b, 0x0f0f0f0f0f0f0f0full);
	a = rt_household(&b, commune, "Nguyễn Văn Đức", "079012345678", "approved");
	rt_household_set(&b, a, PROTO_HH_REF, "36S0-2", 0);
	rt_household_set(&b, a, PROTO_HH_HAMLET, "Ấp Đầu Giồng", 0);
	rt_milestone(&b, a, "surveyed", "2023-06-05", NULL);
	rt_milestone(&b, a, "approved", "2023-06-08", NULL);
	rt_household(&b, commune, "Trần Thị Đào", "079099999999", "proposed");
	rt_flush(&b, t->db);
	assert_int_equal(hub_browse_words_flush(t->db), HUB_OK); /* no ledger row: words now */
	rt_batch_release(&b);
}

static void shot(wb_browser *w, const char *name, int width, int height)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/tests/browser", MAIAM_BUILD_DIR);
	mkdir(path, 0755); /* may be there already */
	snprintf(path, sizeof(path), "%s/tests/browser/%s.png", MAIAM_BUILD_DIR, name);
	wb_screenshot(w, path, width, height);
}

static void test_households_in_chromium(void **state)
{
	wb_browser *w = &fx.w;
	char url[256];

	(void)state;
	dt_open(&fx.t, &fx.s);
	fx.open = 1;
	more_households(&fx.t);
	wb_start(w, fx.t.dir);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/households", fx.s.port);
	wb_go(w, url);
	wb_wait_for(w, "Đăng nhập dành cho", NULL);
	wb_type(w, "#name", "lan");
	wb_type(w, "#password", "mật khẩu dài");
	wb_click(w, "#submit");
	wb_wait_for(w, "Bảng theo dõi", NULL);

	wb_click(w, "#households-link"); /* from the dashboard's page */
	wb_wait_for(w, "Danh sách hộ", NULL);
	wb_wait_script(w, "return document.querySelector('#count b').textContent;", "\"39\"");
	wb_type(w, "#q", "nguyen van duc");
	wb_click(w, "#filter-go");
	wb_wait_script(w, "return document.querySelector('#count b').textContent;", "\"1\"");
	wb_source(w);
	assert_non_null(strstr(w->buf, "Nguyễn Văn Đức"));
	assert_non_null(strstr(w->buf, "Ấp Đầu Giồng"));
	assert_null(strstr(w->buf, "Thạch Sà Rên"));
	shot(w, "households-1366", 1366, 768);
	shot(w, "households-390", 390, 844);

	/* a filter alone: the proposed one */
	wb_type(w, "#q", "");
	wb_call(w, "POST", "execute/sync",
		"{\"script\": \"document.getElementById('review').value = 'proposed'; return 1;\","
		" \"args\": []}");
	wb_click(w, "#filter-go");
	/* the page before also counted 1: wait for this one's row */
	wb_wait_for(w, "Trần Thị Đào", NULL);
	wb_wait_script(w, "return document.querySelector('#count b').textContent;", "\"1\"");

	/* a row opens its household's page */
	wb_type(w, "#q", "36s0 2");
	wb_call(w, "POST", "execute/sync",
		"{\"script\": \"document.getElementById('review').value = ''; return 1;\", \"args\": []}");
	wb_click(w, "#filter-go");
	wb_wait_for(w, "36S0-2", NULL); /* not on the page before */
	wb_wait_script(w, "return document.querySelector('#count b').textContent;", "\"1\"");
	wb_click(w, "#households tbody a");
	wb_wait_for(w, "Hộ Nguyễn Văn Đức", NULL);
}

static int teardown(void **state)
{
	(void)state;
	wb_stop(&fx.w);
	if (fx.open)
		dt_close(&fx.t, &fx.s);
	fx.open = 0;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_households_in_chromium, teardown),
	};
	/* cmocka's skip() counts as a pass: ctest must show the test as skipped */
	if (!wb_available()) {
		printf("SKIP: chromium or chromedriver missing: run scripts/deps to install them\n");
		return 77; /* SKIP_RETURN_CODE in CMakeLists.txt */
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
