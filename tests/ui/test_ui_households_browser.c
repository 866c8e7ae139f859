/*
 * test_ui_households_browser.c - the Households page in headless Chromium
 * (tests/support/browser.c): typing a name without diacritics in the
 * search box sends the form by itself once typing stops (/js/households.js)
 * and leaves the focus in the box; the filters' form sent with the
 * keyboard alone narrows the list; nothing is wider than a 390 px window.
 * Screenshots at 1366x768 and 390 px are kept under the build tree
 * (tests/ui/ui-households-1366.png, -390.png). Skipped (77) without
 * chromium and chromedriver.
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

	snprintf(path, sizeof(path), "%s/tests/ui/%s-1366.png", MAIAM_BUILD_DIR, name);
	wb_screenshot(&w, path, 1366, 768);
	snprintf(path, sizeof(path), "%s/tests/ui/%s-390.png", MAIAM_BUILD_DIR, name);
	wb_screenshot(&w, path, 390, 844);
}

static void the_list_searches_as_the_worker_types(void **state)
{
	char url[256], shot[1024];

	(void)state;
	ui_store_households(&fx, 60);
	ui_start(&fx, "vi_VN.UTF-8");
	wb_start(&w, fx.dir);
	wb_go(&w, fx.url);
	wb_wait_for(&w, "Số hộ theo tiến độ", NULL);
	snprintf(url, sizeof(url), "%shouseholds", fx.base);
	wb_go(&w, url);
	wb_wait_for(&w, "Dòng 1–50 trên tổng số 63", NULL);
	wb_wait_script(&w, "return document.querySelector('header a[aria-current]').getAttribute('href')",
		       "\"/households\"");
	/* the whole list, then a narrow window: cards, nothing cut */
	shots("ui-households");
	wb_wait_script(&w, "return document.documentElement.scrollWidth <= window.innerWidth", "true");
	/* the cards, below the filters on a phone */
	wb_wait_script(&w, "document.getElementById('count').scrollIntoView(); return true", "true");
	snprintf(shot, sizeof(shot), "%s/tests/ui/ui-households-390-list.png", MAIAM_BUILD_DIR);
	wb_screenshot(&w, shot, 390, 844);
	wb_wait_script(&w, "return getComputedStyle(document.querySelector('#households tr')).display",
		       "\"block\"");
	/* typing stops: the script sends the form, the focus stays in the box */
	wb_type(&w, "#f-q", "nguyen van");
	wb_wait_for(&w, "Dòng 1–1 trên tổng số 1", NULL);
	wb_wait_script(&w, "return location.search",
		       "\"?q=nguyen+van&hamlet=&category=&stage=&review=&sort=name\"");
	wb_wait_script(&w, "return document.querySelector('#households tbody a').textContent",
		       "\"Nguyễn Văn Ân\"");
	wb_wait_script(&w, "return document.activeElement.id", "\"f-q\"");
	/* a filter chosen and sent with the button */
	wb_go(&w, url);
	wb_wait_for(&w, "Dòng 1–50 trên tổng số 63", NULL);
	wb_wait_script(&w,
		       "var s = document.getElementById('f-stage'); s.value = 'surveyed';"
		       "return s.value",
		       "\"surveyed\"");
	wb_click(&w, "#save");
	wb_wait_for(&w, "Dòng 1–2 trên tổng số 2", NULL);
	wb_wait_script(&w,
		       "return [...document.querySelectorAll('#households tbody a')].map(a => a.textContent)"
		       ".join('|')",
		       "\"Lâm Thị Hoa|Nguyễn Văn Ân\"");
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
		cmocka_unit_test_teardown(the_list_searches_as_the_worker_types, teardown),
	};
	/* cmocka's skip() counts as a pass: ctest must show the test as skipped */
	if (!wb_available()) {
		printf("SKIP: chromium or chromedriver missing: run scripts/deps to install them\n");
		return 77;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
