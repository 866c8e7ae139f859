/*
 * test_ui_households_browser.c - the Households page in headless Chromium
 * (tests/support/browser.c): nothing is wider than a 390 px window, where
 * the table becomes cards; typing a name without diacritics in the search
 * box sends the form by itself once typing stops (/js/households.js) and
 * leaves the focus in the box; a filter sent with the button narrows the
 * list.
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
static char list_url[256];

/* One server and one browser for the group, the session opened. */
static int setup(void **state)
{
	(void)state;
	ui_store_households(&fx, 60);
	ui_start(&fx, "vi_VN.UTF-8");
	wb_start(&w, fx.dir);
	wb_go(&w, fx.url);
	wb_wait_for(&w, "Số hộ theo tiến độ", NULL);
	snprintf(list_url, sizeof(list_url), "%shouseholds", fx.base);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return ui_browser_end(&w, &fx);
}

static void the_list_fits_a_laptop_and_a_phone(void **state)
{
	(void)state;
	wb_go(&w, list_url);
	wb_wait_for(&w, "Dòng 1–50 trên tổng số 63", NULL);
	wb_wait_script(&w, "return document.querySelector('header a[aria-current]').getAttribute('href')",
		       "\"/households\"");
	/* the whole list, then a narrow window: cards, nothing cut */
	ui_shots(&w, "ui-households");
	wb_wait_script(&w, "return document.documentElement.scrollWidth <= window.innerWidth", "true");
	wb_wait_script(&w, "return getComputedStyle(document.querySelector('#households tr')).display",
		       "\"block\"");
	/* the cards, below the filters on a phone */
	wb_wait_script(&w, "document.getElementById('count').scrollIntoView(); return true", "true");
	ui_shot(&w, "ui-households-390-list", 390, 844);
}

static void the_search_sends_itself_when_typing_stops(void **state)
{
	(void)state;
	wb_go(&w, list_url);
	wb_wait_for(&w, "Dòng 1–50 trên tổng số 63", NULL);
	wb_type(&w, "#f-q", "nguyen van");
	wb_wait_for(&w, "Dòng 1–1 trên tổng số 1", NULL);
	wb_wait_script(&w, "return location.search",
		       "\"?q=nguyen+van&hamlet=&category=&stage=&review=&sort=name\"");
	wb_wait_script(&w, "return document.querySelector('#households tbody a').textContent",
		       "\"Nguyễn Văn Ân\"");
	/* the worker goes on typing where they were */
	wb_wait_script(&w, "return document.activeElement.id", "\"f-q\"");
}

static void a_filter_is_sent_with_the_button(void **state)
{
	(void)state;
	wb_go(&w, list_url);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_list_fits_a_laptop_and_a_phone),
		cmocka_unit_test(the_search_sends_itself_when_typing_stops),
		cmocka_unit_test(a_filter_is_sent_with_the_button),
	};
	return ui_browser_run("test_ui_households_browser", tests, sizeof(tests) / sizeof(tests[0]),
			      setup, teardown);
}
