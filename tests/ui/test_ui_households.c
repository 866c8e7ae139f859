/*
 * test_ui_households.c - the app's Households page (GET /households) from
 * outside, with libcurl: the real "maiam-agent ui" on a store the CLI made
 * (uitest.c's ui_store_households: four households to filter and 120 more
 * to page through). The search finds names typed without diacritics, as
 * "household find" does; each filter, each sort and the paging give the
 * rows they say; withdrawn households stay out until asked for; a hostile
 * query value gets 400 and a message beside its control, never a 500; an
 * empty store says how to begin, in English under LANG=C.
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
#include "uitest.h"
#include "webtest.h"

#define NBULK 120

static ui_fixture fx;
static wt_resp resp; /* large: not on the stack */

static int setup(void **state)
{
	(void)state;
	ui_store_households(&fx, NBULK);
	ui_start(&fx, "vi_VN.UTF-8");
	ui_session(&fx);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ui_stop(&fx);
	return 0;
}

/* GET /households?query (NULL: no query); its status. */
static long get(const char *query)
{
	char url[4096];
	wt_req q = { .cookie = fx.cookie };

	snprintf(url, sizeof(url), "%shouseholds%s%s", fx.base, query ? "?" : "", query ? query : "");
	assert_int_equal(wt_fetch(url, &q, &resp), 0);
	return resp.status;
}

/* The names the list shows, in order, joined by '|'. */
static const char *names(void)
{
	static char out[16384];
	const char *p = strstr(resp.body, "<tbody>"), *text, *end;
	size_t o = 0;

	out[0] = '\0';
	while (p && (p = strstr(p, "<a href=\"/household/")) && (text = strchr(p, '>')) &&
	       (end = strstr(text, "</a>"))) {
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%.*s", o ? "|" : "",
				      (int)(end - text - 1), text + 1);
		p = end;
	}
	return out;
}

static void assert_names(const char *query, const char *want)
{
	assert_int_equal(get(query), 200);
	if (strcmp(names(), want) != 0)
		fail_msg("GET /households?%s shows '%s', not '%s'", query ? query : "", names(), want);
}

static void assert_has(const char *text)
{
	if (!strstr(resp.body, text))
		fail_msg("the page lacks '%s':\n%s", text, resp.body);
}

/* 400 with the message of field (err-FIELD, its control marked), the
 * rest of the page there, no 500. */
static void assert_refused(const char *query, const char *field)
{
	char want[128];

	assert_int_equal(get(query), 400);
	snprintf(want, sizeof(want), "<p class=\"error\" id=\"err-%s\" role=\"alert\">", field);
	assert_has(want);
	if (strcmp(field, "form") != 0) {
		snprintf(want, sizeof(want),
			 "id=\"f-%s\" name=\"%s\" aria-invalid=\"true\" aria-describedby=\"err-%s\"",
			 field, field, field);
		assert_has(want);
	}
	assert_has("<form id=\"filters\"");
	assert_has("</html>");
}

static void search_ignores_case_and_diacritics(void **state)
{
	(void)state;
	assert_names("q=nguyen+van+an", "Nguyễn Văn Ân");
	assert_has("value=\"nguyen van an\" id=\"f-q\" name=\"q\"");
	assert_has("Dòng 1–1 trên tổng số 1");
	/* the withdrawn Nguyễn Thị Mai only when asked for, marked */
	assert_names("q=NGUYEN", "Nguyễn Văn Ân");
	assert_names("q=nguyen&withdrawn=1", "Nguyễn Thị Mai|Nguyễn Văn Ân");
	assert_has("Nguyễn Thị Mai</a><span class=\"tag\">(đã rút)</span>");
	assert_has("id=\"f-withdrawn\" name=\"withdrawn\" checked>");
	/* as household find: part of the national id; the name with its marks */
	assert_names("q=078001", "Nguyễn Văn Ân");
	assert_names("q=H%E1%BB%99+Th%E1%BB%AD+007", "Hộ Thử 007");
	assert_names("q=lam+thi", "Lâm Thị Hoa");
	/* a row: its link, ref, hamlet, stage and review in words */
	assert_has("<td data-label=\"Ấp\">Ấp 3</td><td data-label=\"Tiến độ\">Khảo sát</td>"
		   "<td data-label=\"Xác nhận của tỉnh\">Đã xác nhận</td>");
	assert_names("q=zzzz", "");
	assert_has("Không có hộ nào khớp");
}

static void each_filter_narrows_the_list(void **state)
{
	(void)state;
	assert_names("hamlet=%E1%BA%A4p+3", "Lâm Thị Hoa|Trần Văn Bé");
	assert_has("<option value=\"Ấp 3\" selected>Ấp 3</option>");
	/* the hamlets of the store, each once */
	assert_has(
		"<option value=\"Ấp 1\">Ấp 1</option><option value=\"Ấp 2\">Ấp 2</option>"
		"<option value=\"Ấp 3\" selected>Ấp 3</option><option value=\"Ấp 9\">Ấp 9</option></select>");
	assert_names("category=near_poor", "Lâm Thị Hoa");
	assert_has("<option value=\"near_poor\" selected>Hộ cận nghèo</option>");
	/* a label typed without diacritics names its code, as in the CLI */
	assert_names("category=ho+ngheo", "Nguyễn Văn Ân|Trần Văn Bé");
	assert_names("stage=surveyed", "Lâm Thị Hoa|Nguyễn Văn Ân");
	assert_names("stage=none&hamlet=%E1%BA%A4p+3", "Trần Văn Bé");
	assert_names("review=approved", "Lâm Thị Hoa");
	assert_names("review=proposed&hamlet=%E1%BA%A4p+3", "Trần Văn Bé");
	assert_names("q=nguyen&stage=surveyed&category=poor&review=proposed", "Nguyễn Văn Ân");
	/* the hamlet of the withdrawn household alone: nothing until asked */
	assert_names("hamlet=%E1%BA%A4p+2", "");
	assert_names("hamlet=%E1%BA%A4p+2&withdrawn=1", "Nguyễn Thị Mai");
}

static void each_sort_orders_the_rows(void **state)
{
	(void)state;
	/* Bé was added before Hoa, and Hoa surveyed since */
	assert_names("hamlet=%E1%BA%A4p+3", "Lâm Thị Hoa|Trần Văn Bé");
	assert_names("hamlet=%E1%BA%A4p+3&sort=name", "Lâm Thị Hoa|Trần Văn Bé");
	assert_names("hamlet=%E1%BA%A4p+3&sort=ref", "Trần Văn Bé|Lâm Thị Hoa");
	assert_names("hamlet=%E1%BA%A4p+3&sort=stage", "Trần Văn Bé|Lâm Thị Hoa");
	assert_names("hamlet=%E1%BA%A4p+3&sort=changed", "Lâm Thị Hoa|Trần Văn Bé");
	assert_has("<option value=\"changed\" selected>");
	assert_names("q=nguyen&withdrawn=1&sort=hamlet", "Nguyễn Văn Ân|Nguyễn Thị Mai");
	/* the imported ones are the newest changes */
	assert_names("category=other&sort=changed&page=3", "Hộ Thử 020|Hộ Thử 019|Hộ Thử 018|Hộ Thử 017|"
							   "Hộ Thử 016|Hộ Thử 015|Hộ Thử 014|Hộ Thử 013|"
							   "Hộ Thử 012|Hộ Thử 011|Hộ Thử 010|Hộ Thử 009|"
							   "Hộ Thử 008|Hộ Thử 007|Hộ Thử 006|Hộ Thử 005|"
							   "Hộ Thử 004|Hộ Thử 003|Hộ Thử 002|Hộ Thử 001");
}

static void paging_shows_fifty_rows_a_page(void **state)
{
	(void)state;
	/* 120 imported and three of the four: the withdrawn one is hidden */
	assert_int_equal(get(NULL), 200);
	assert_has("<p id=\"count\" role=\"status\">Dòng 1–50 trên tổng số 123</p>");
	assert_non_null(strstr(names(), "Hộ Thử 001|Hộ Thử 002|"));
	assert_non_null(strstr(names(), "|Hộ Thử 050"));
	assert_null(strstr(names(), "Hộ Thử 051"));
	assert_has("<span aria-current=\"page\">1</span>");
	assert_has("<a href=\"/households?page=2\">Trang sau</a>");
	assert_has("<a href=\"/households?page=3\">3</a>");
	assert_null(strstr(resp.body, "Trang trước"));
	assert_int_equal(get("page=2"), 200);
	assert_has("Dòng 51–100 trên tổng số 123");
	assert_has("<a href=\"/households?page=1\">Trang trước</a>");
	/* the last page: what is left */
	assert_names("page=3",
		     "Hộ Thử 101|Hộ Thử 102|Hộ Thử 103|Hộ Thử 104|Hộ Thử 105|Hộ Thử 106|Hộ Thử 107|"
		     "Hộ Thử 108|Hộ Thử 109|Hộ Thử 110|Hộ Thử 111|Hộ Thử 112|Hộ Thử 113|Hộ Thử 114|"
		     "Hộ Thử 115|Hộ Thử 116|Hộ Thử 117|Hộ Thử 118|Hộ Thử 119|Hộ Thử 120|"
		     "Lâm Thị Hoa|Nguyễn Văn Ân|Trần Văn Bé");
	assert_has("Dòng 101–123 trên tổng số 123");
	assert_null(strstr(resp.body, "Trang sau"));
	/* past the end (an old link after a filter changed): the last page */
	assert_int_equal(get("page=4"), 200);
	assert_has("Dòng 101–123 trên tổng số 123");
	assert_int_equal(get("page=999999"), 200);
	assert_has("Dòng 101–123 trên tổng số 123");
	/* the links keep the filters, encoded */
	assert_int_equal(get("hamlet=%E1%BA%A4p+9&sort=ref&q=th%E1%BB%AD&page=2"), 200);
	assert_has("Dòng 51–100 trên tổng số 120");
	assert_has(
		"<a href=\"/households?q=th%E1%BB%AD&amp;hamlet=%E1%BA%A4p%209&amp;sort=ref&amp;page=3\">3</a>");
	/* one page: no page links */
	assert_int_equal(get("hamlet=%E1%BA%A4p+3"), 200);
	assert_null(strstr(resp.body, "class=\"pages\""));
	/* page numbers that are none: the first page and a message */
	assert_refused("page=0", "form");
	assert_has("Dòng 1–50 trên tổng số 123");
	assert_refused("page=-1", "form");
	assert_refused("page=abc", "form");
	assert_refused("page=1000000", "form");
	assert_refused("page=99999999999999999999999", "form");
	assert_int_equal(get("page="), 200); /* the form's own "no page": the first */
}

static void hostile_values_get_a_message_never_a_crash(void **state)
{
	char query[600];

	(void)state;
	memset(query, 0, sizeof(query));
	memcpy(query, "q=", 2);
	memset(query + 2, 'a', 300);
	assert_refused(query, "q");
	assert_has("quá dài");
	assert_refused("q=a&q=b", "q");
	assert_refused("hamlet=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "hamlet");
	assert_null(strstr(resp.body, "<script>alert"));
	assert_has("ấp &#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;");
	assert_refused("category=rich", "category");
	assert_has("&#39;rich&#39; không phải là một diện hộ; hãy chọn một trong: Hộ nghèo, Hộ cận nghèo");
	/* the bad filter is left out: the whole list */
	assert_has("Dòng 1–50 trên tổng số 123");
	assert_refused("stage=built", "stage");
	assert_refused("review=%22%3E%3Cb%3E", "review");
	assert_null(strstr(resp.body, "\"><b>"));
	assert_refused("sort=1;DROP+TABLE+household", "sort");
	assert_refused("withdrawn=yes", "withdrawn");
	/* a query that cannot be read at all: every household, one message */
	assert_refused("q=%FF", "form");
	assert_refused("q=a%00b", "form");
	assert_refused("q=%E1%BA", "form");
	assert_refused("q=%zz", "form");
	assert_has("Dòng 1–50 trên tổng số 123");
	/* keys the page does not know are nobody's business */
	assert_int_equal(get("utm=1&q="), 200);
	assert_int_equal(get("&&q&"), 200);
}

static void search_as_you_type_is_a_script_of_its_own(void **state)
{
	char url[256];
	wt_req q = { .cookie = fx.cookie };

	(void)state;
	assert_int_equal(get(NULL), 200);
	/* one script, from our own route (the CSP allows no inline one) */
	assert_has("<script src=\"/js/households.js\" defer></script>");
	assert_null(strstr(strstr(resp.body, "<script") + 1, "<script"));
	assert_has("<form id=\"filters\" method=\"get\" action=\"/households\" role=\"search\">");
	assert_has("<label for=\"f-q\">");
	assert_has("<button type=\"submit\" id=\"save\">Tìm</button>");
	snprintf(url, sizeof(url), "%sjs/households.js", fx.base);
	assert_int_equal(wt_fetch(url, &q, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.content_type, "text/javascript; charset=utf-8");
	assert_has("getElementById('filters')");
	/* no session, no list */
	snprintf(url, sizeof(url), "%shouseholds?q=nguyen", fx.base);
	assert_int_equal(wt_fetch(url, NULL, &resp), 0);
	assert_int_equal(resp.status, 403);
	assert_null(strstr(resp.body, "Nguyễn Văn Ân"));
}

/* Another laptop, in English: an empty store says how to begin; a
 * household the CLI adds while the page is served is on it at once. */
static ui_fixture en; /* its own server; the group's keeps running */

static int stop_en(void **state)
{
	(void)state;
	ui_stop(&en);
	return 0;
}

static void an_empty_store_then_english(void **state)
{
	char url[256];
	wt_req q = { .cookie = NULL };

	(void)state;
	ui_store_new(&en);
	ui_start(&en, "C");
	ui_session(&en);
	q.cookie = en.cookie;
	snprintf(url, sizeof(url), "%shouseholds?q=nguyen", en.base);
	assert_int_equal(wt_fetch(url, &q, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_has("No households yet. <a href=\"/household/new\">Add a household</a>");
	assert_null(strstr(resp.body, "<table"));
	ui_agent(&en, "household add --name 'Nguyễn Văn Ân' --hamlet 'Ấp 1' --members 5 --category poor");
	assert_int_equal(wt_fetch(url, &q, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_has("<p id=\"count\" role=\"status\">Rows 1–1 of 1</p>");
	assert_has("<th scope=\"col\">Head of household</th>");
	assert_has(
		"<td data-label=\"Stage\">no stage yet</td><td data-label=\"Province&#39;s review\">proposed</td>");
	assert_string_equal(names(), "Nguyễn Văn Ân");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(search_ignores_case_and_diacritics),
		cmocka_unit_test(each_filter_narrows_the_list),
		cmocka_unit_test(each_sort_orders_the_rows),
		cmocka_unit_test(paging_shows_fifty_rows_a_page),
		cmocka_unit_test(hostile_values_get_a_message_never_a_crash),
		cmocka_unit_test(search_as_you_type_is_a_script_of_its_own),
		/* last: it points MAIAM_HOME at its own store */
		cmocka_unit_test_teardown(an_empty_store_then_english, stop_en),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, setup, teardown);
}
