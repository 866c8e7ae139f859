/*
 * test_ui_browser.c - "maiam-agent ui" in a real browser: headless Chromium
 * (tests/support/browser.c) opens the URL the real binary printed, is sent
 * on to the home page with its session, and sees the commune and the
 * households the CLI recorded; screenshots at a laptop's 1366x768 and a
 * phone's 390 px width are kept under the build tree (tests/ui/ui-home*.png).
 * Skipped (77) without chromium and chromedriver.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "browser.h"
#include "uitest.h"

static ui_fixture fx;
static wb_browser w;

static void shots(const char *name)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/tests/ui/%s.png", MAIAM_BUILD_DIR, name);
	wb_screenshot(&w, path, 1366, 768);
	snprintf(path, sizeof(path), "%s/tests/ui/%s-390.png", MAIAM_BUILD_DIR, name);
	wb_screenshot(&w, path, 390, 844);
}

static void the_printed_url_opens_the_home_page(void **state)
{
	(void)state;
	ui_store_two_households(&fx);
	ui_store_duplicate(&fx, "Phường Vĩnh Phước");
	ui_start(&fx, "vi_VN.UTF-8");
	wb_start(&w, fx.dir);
	wb_go(&w, fx.url);
	wb_wait_for(&w, "Số hộ theo tiến độ", NULL);
	/* the secret is gone from the address bar: the redirect took it off */
	wb_wait_script(&w, "return location.search", "\"\"");
	wb_wait_script(&w, "return document.querySelector('header .commune').textContent", "\"Phường 5\"");
	wb_wait_script(&w,
		       "return [...document.querySelectorAll('#stages tr')]"
		       ".filter(r => r.textContent.includes('Khảo sát'))[0].querySelector('td').textContent",
		       "\"1\"");
	/* shots() leaves the window at 390 px: nothing is wider than it */
	wb_wait_script(&w, "return document.querySelectorAll('#attention.warn li').length", "1");
	shots("ui-home");
	wb_wait_script(&w, "return document.documentElement.scrollWidth <= window.innerWidth", "true");
	/* the URL again in this browser, which holds the session: home */
	wb_go(&w, fx.url);
	wb_wait_for(&w, "Số hộ theo tiến độ", NULL);
	wb_wait_script(&w, "return location.search", "\"\"");
	/* without the session the URL works no more: it shows no data */
	assert_int_equal(wb_call(&w, "DELETE", "cookie", NULL), 200);
	wb_go(&w, fx.url);
	wb_wait_for(&w, "maiam-agent ui", NULL);
	assert_null(strstr(w.buf, "Số hộ theo tiến độ"));
}

static int teardown(void **state)
{
	(void)state;
	wb_stop(&w);
	ui_stop(&fx);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(the_printed_url_opens_the_home_page, teardown),
	};
	/* cmocka's skip() counts as a pass: ctest must show the test as skipped */
	if (!wb_available()) {
		printf("SKIP: chromium or chromedriver missing: run scripts/deps to install them\n");
		return 77;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
