/*
 * test_ui_household_browser.c - a household's page in headless Chromium
 * (tests/support/browser.c): the household the CLI recorded
 * (uihousehold.h), with the hub's feedback about its national id, shows
 * its timeline with the photos loaded from the laptop's store; screenshots
 * at 1366x768 and 390 px are kept under the build tree
 * (tests/ui/ui-household-1366.png, -390.png), nothing wider than the small
 * window; a contribution is voided with a reason from the page, as a field
 * worker does it, and shows struck through. Skipped (77) without chromium
 * and chromedriver.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "browser.h"
#include "uihousehold.h"
#include "uitest.h"

static ui_fixture fx;
static ui_household hh;
static wb_browser w;

static void shot(int width, int height)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/tests/ui/ui-household-%d.png", MAIAM_BUILD_DIR, width);
	wb_screenshot(&w, path, width, height);
}

static void the_household_page_in_a_browser(void **state)
{
	char url[512], css[128], script[512];

	(void)state;
	ui_store_household(&fx, &hh);
	ui_store_duplicate(&fx, "Phường Vĩnh Phước");
	ui_start(&fx, "vi_VN.UTF-8");
	wb_start(&w, fx.dir);
	wb_go(&w, fx.url);
	wb_wait_for(&w, "Số hộ theo tiến độ", NULL);
	snprintf(url, sizeof(url), "%shousehold/%s", fx.base, hh.ref);
	wb_go(&w, url);
	wb_wait_for(&w, "Được duyệt hỗ trợ", NULL);
	/* every thumbnail came from the photo route and decoded */
	wb_wait_script(&w,
		       "return [...document.images].filter(i => i.complete && i.naturalWidth > 0).length",
		       "3");
	wb_wait_script(&w, "return document.querySelectorAll('#feedback li').length", "1");
	shot(1366, 768);
	/* the small window at the timeline, the photos in sight: sized
	 * first, so the scroll is not undone by the page flowing again */
	shot(390, 844);
	wb_wait_script(&w, "document.getElementById('timeline').scrollIntoView(); return true", "true");
	shot(390, 844);
	wb_wait_script(&w, "return document.documentElement.scrollWidth <= window.innerWidth", "true");
	/* void the gift: open its form, give the reason, press the button */
	snprintf(css, sizeof(css), "#rec-%s details.void summary", hh.gift);
	wb_click(&w, css);
	snprintf(css, sizeof(css), "#f-reason-%s", hh.gift);
	wb_type(&w, css, "Nhập trùng");
	snprintf(css, sizeof(css), "#void-%s", hh.gift);
	wb_click(&w, css);
	wb_wait_for(&w, "Đã hủy: Nhập trùng", NULL);
	snprintf(script, sizeof(script),
		 "return getComputedStyle(document.querySelector('#rec-%s .line')).textDecorationLine",
		 hh.gift);
	wb_wait_script(&w, script, "\"line-through\"");
	wb_wait_script(&w, "return location.hash", "\"#contributions\"");
}

static int teardown(void **state)
{
	(void)state;
	ui_browser_end(&w, &fx);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(the_household_page_in_a_browser, teardown),
	};

	return ui_browser_tests("test_ui_household_browser", tests, sizeof(tests) / sizeof(tests[0]));
}
