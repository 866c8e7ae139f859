/*
 * test_dashboard.c - the dashboard's handlers on an evhttp listener of the
 * test's own (dashtest.c), driven with libcurl: sign-in failure and success,
 * the cookie's attributes, the page's content, session expiry, sign-out,
 * requests it must refuse, Origin checks and HSTS, and a flood of
 * rejections in the reconcile queue. TLS and the real "maiam-hub serve" are
 * covered by the browser test; throttle, sessions and the worker threads by
 * test_dashboard_guard.c.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include "hub.h"
#include "report.h"
#include "reptest.h"
#include "dashtest.h"

static void test_sign_in_and_page(void **state)
{
	rt_db t;
	server s;
	resp r;
	char session[128], csrf[80];
	sqlite3_stmt *st;

	(void)state;
	dt_open(&t, &s);

	dt_req(&s, "/", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Đăng nhập"));
	assert_null(strstr(r.body, "Thị xã Vĩnh Châu")); /* nothing shown before sign-in */
	dt_req(&s, "/report?kind=progress&format=csv", NULL, NULL, &r);
	assert_int_equal(r.status, 401);

	dt_req(&s, "/login", NULL, "name=lan&password=sai+m%E1%BA%ADt+kh%E1%BA%A9u", &r);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body, "Sai tên đăng nhập hoặc mật khẩu"));
	assert_string_equal(r.cookie, "");
	dt_req(&s, "/login", NULL, "name=ai&password=m%E1%BA%ADt+kh%E1%BA%A9u+d%C3%A0i", &r);
	assert_int_equal(r.status, 401);

	dt_req(&s, "/login", NULL, "name=lan&password=m%E1%BA%ADt+kh%E1%BA%A9u+d%C3%A0i", &r);
	assert_int_equal(r.status, 303);
	assert_string_equal(r.location, "/");
	assert_non_null(strstr(r.cookie, "HttpOnly"));
	assert_non_null(strstr(r.cookie, "Secure"));
	assert_non_null(strstr(r.cookie, "SameSite=Strict"));
	assert_non_null(strstr(r.cookie, "Max-Age="));
	dt_session_of(&r, session, sizeof(session));
	assert_int_equal(strlen(session), strlen("maiam_session=") + 64);

	/* the token itself is not in the database, only its hash */
	assert_int_equal(sqlite3_prepare_v2(t.db,
					    "SELECT count(*) FROM report_session WHERE"
					    " hex(hash) = upper(?) OR hash = ?",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, session + 14, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, session + 14, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);

	dt_req(&s, "/", session, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Thị xã Vĩnh Châu"));
	assert_non_null(strstr(r.body, "<svg"));
	assert_non_null(strstr(r.body, "37 / 260")); /* handed over / target in the chart */
	assert_non_null(strstr(r.body, "1.200"));
	assert_non_null(strstr(r.body, "Hàng đợi đối soát"));
	assert_non_null(strstr(r.body, ">lan</b>"));
	assert_null(strstr(r.body, "<script"));
	dt_req(&s, "/report?kind=funds&format=json", session, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"districts\""));
	dt_req(&s, "/report?kind=nope", session, NULL, &r);
	assert_int_equal(r.status, 400);

	/* a forged or garbled cookie is a stranger */
	dt_req(&s, "/", "maiam_session=00000000000000000000000000000000000000000000000000000000000000ff",
	       NULL, &r);
	assert_non_null(strstr(r.body, "Đăng nhập"));
	dt_req(&s, "/", "maiam_session=<script>", NULL, &r);
	assert_non_null(strstr(r.body, "Đăng nhập"));

	/* sign out ends the session for good (its form carries the CSRF token) */
	dt_req(&s, "/logout", session, "", &r);
	assert_int_equal(r.status, 403);
	dt_csrf(&s, session, csrf, sizeof(csrf));
	dt_req(&s, "/logout", session, csrf, &r);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(r.cookie, "Max-Age=0"));
	dt_req(&s, "/", session, NULL, &r);
	assert_non_null(strstr(r.body, "Đăng nhập"));
	assert_null(strstr(r.body, "Thị xã Vĩnh Châu"));

	dt_close(&t, &s);
}

static void test_session_expires(void **state)
{
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	rt_db t;
	server s;
	resp r;
	char session[128];
	time_t started;

	(void)state;
	dt_open(&t, &s);
	/* long enough that a loaded machine (sign-in is a slow hash) still sees
	 * the page once before the session runs out */
	hub_dashboard_set_ttl(s.dash, 5);
	started = time(NULL);
	dt_req(&s, "/login", NULL, "name=lan&password=m%E1%BA%ADt+kh%E1%BA%A9u+d%C3%A0i", &r);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(r.cookie, "Max-Age=5"));
	dt_session_of(&r, session, sizeof(session));
	dt_req(&s, "/", session, NULL, &r);
	assert_non_null(strstr(r.body, "Thị xã Vĩnh Châu"));
	/* the page until the session has run out: at 5 s, or a little later
	 * on a busy machine, never at all would fail the test */
	while (strstr(r.body, "Thị xã Vĩnh Châu") && time(NULL) < started + 120) {
		nanosleep(&pause, NULL);
		dt_req(&s, "/", session, NULL, &r);
	}
	assert_true(time(NULL) >= started + 5);
	assert_non_null(strstr(r.body, "Đăng nhập"));
	assert_null(strstr(r.body, "Thị xã Vĩnh Châu"));
	dt_close(&t, &s);
}

static void test_refusals(void **state)
{
	rt_db t;
	server s;
	resp r;
	char big[6000];
	int i;

	(void)state;
	dt_open(&t, &s);
	dt_req(&s, "/login", NULL, NULL, &r);
	assert_int_equal(r.status, 405);
	/* a mistyped page is an HTML page in Vietnamese with a way back, not
	 * the API's JSON; the laptops' /v1/ paths are not the dashboard's */
	dt_req(&s, "/bao-cao", NULL, NULL, &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(r.content_type, "text/html; charset=utf-8");
	assert_non_null(strstr(r.body, "Không có trang này"));
	assert_non_null(strstr(r.body, "<a href=\"/\">"));
	assert_null(strstr(r.body, "not_found"));
	assert_true(hub_dashboard_path("/report/x"));
	assert_false(hub_dashboard_path("/v1/push"));
	assert_false(hub_dashboard_path("/v1"));
	assert_false(hub_dashboard_path("/v2/push")); /* a newer laptop's API */
	assert_true(hub_dashboard_path("/vung"));
	assert_true(hub_dashboard_path("/v1x"));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "name=", 5);
	dt_req(&s, "/login", NULL, big, &r);
	assert_int_equal(r.status, 413);
	dt_req(&s, "/login", NULL, "name=lan&password=%zz", &r); /* malformed escape */
	assert_int_equal(r.status, 401);
	dt_req(&s, "/login", NULL, "name=lan&password=%00abc", &r); /* NUL inside */
	assert_int_equal(r.status, 401);
	/* a flood of wrong passwords is cut off before it costs PBKDF2 time */
	for (i = 0; i < 12; i++)
		dt_req(&s, "/login", NULL, "name=lan&password=wrong-password", &r);
	assert_int_equal(r.status, 429);
	dt_close(&t, &s);
}

/* Cross-site POSTs are refused, with or without a session; HSTS everywhere. */
static void test_origin_and_hsts(void **state)
{
	rt_db t;
	server s;
	resp r;
	char session[128], ref[96], bad[96];
	static const char pw[] = "name=lan&password=m%E1%BA%ADt+kh%E1%BA%A9u+d%C3%A0i";
	how evil = { NULL, "https://evil.example", NULL }, none = { NULL, "", NULL };
	how null_origin = { NULL, "null", NULL }, other_port = { NULL, "http://127.0.0.1:1", NULL };
	how by_referer = { NULL, "", NULL }, bad_referer = { NULL, "", NULL };

	(void)state;
	dt_open(&t, &s);
	snprintf(ref, sizeof(ref), "http://127.0.0.1:%d/", s.port);
	snprintf(bad, sizeof(bad), "http://127.0.0.1:%d.evil.example/", s.port);
	by_referer.referer = ref;
	bad_referer.referer = bad;

	dt_req(&s, "/", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(r.hsts);
	dt_req_how(&s, &evil, "/login", NULL, pw, &r);
	assert_int_equal(r.status, 403);
	assert_true(r.hsts);
	assert_string_equal(r.cookie, "");
	dt_req_how(&s, &none, "/login", NULL, pw, &r);
	assert_int_equal(r.status, 403);
	dt_req_how(&s, &null_origin, "/login", NULL, pw, &r);
	assert_int_equal(r.status, 403);
	dt_req_how(&s, &other_port, "/login", NULL, pw, &r);
	assert_int_equal(r.status, 403);
	dt_req_how(&s, &bad_referer, "/login", NULL, pw, &r);
	assert_int_equal(r.status, 403);
	/* a browser that sends only Referer, of our own page */
	dt_req_how(&s, &by_referer, "/login", NULL, pw, &r);
	assert_int_equal(r.status, 303);
	dt_req(&s, "/login", NULL, pw, &r);
	assert_int_equal(r.status, 303);
	assert_true(r.hsts);
	dt_session_of(&r, session, sizeof(session));

	/* a cross-site sign-out is refused and the session lives on */
	dt_req_how(&s, &evil, "/logout", session, "", &r);
	assert_int_equal(r.status, 403);
	dt_req_how(&s, &none, "/logout", session, "", &r);
	assert_int_equal(r.status, 403);
	dt_req(&s, "/", session, NULL, &r);
	assert_true(r.hsts);
	assert_non_null(strstr(r.body, "Thị xã Vĩnh Châu"));
	dt_req(&s, "/report?kind=awards&format=csv", session, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(r.hsts);
	dt_close(&t, &s);
}

/* A flood of rejections: the page counts them all but lists only the newest
 * few, and the reconcile download comes by pages. */
static void test_queue_flood(void **state)
{
	hub_dashboard_limits lim;
	rt_db t;
	server s;
	resp r;
	char session[128];
	const char *p;
	int rows = 0;

	(void)state;
	rt_db_open(&t);
	dt_seed(&t);
	assert_int_equal(sqlite3_exec(t.db,
				      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
				      " FROM n WHERE i < 20000) INSERT INTO hub_rejection(received,"
				      " source, origin, seq, code, message) SELECT 1700000000 + i,"
				      " 'enroll', 0, 0, 'bad_token', 'junk ' || i FROM n",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	dt_start(&s, &t);
	hub_dashboard_limits_default(&lim);
	lim.queue_items = 7;
	assert_int_equal(hub_dashboard_set_limits(s.dash, &lim), HUB_OK);
	dt_req(&s, "/login", NULL, "name=lan&password=" GOOD_PW, &r);
	assert_int_equal(r.status, 303);
	dt_session_of(&r, session, sizeof(session));
	dt_req(&s, "/", session, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "20.000"));
	for (p = r.body; (p = strstr(p, "<tr><td>R-")) != NULL; p++)
		rows++;
	assert_int_equal(rows, 7);
	assert_non_null(strstr(r.body, "junk 20000")); /* the newest first */
	assert_null(strstr(r.body, "junk 19993"));
	dt_req(&s, "/report?kind=reconcile&format=csv&limit=50&page=2", session, NULL, &r);
	assert_int_equal(r.status, 200);
	/* the second page: none of the first's newest, one row per item */
	assert_non_null(strstr(r.body, "R-19950,"));
	assert_null(strstr(r.body, "R-20000,"));
	for (rows = 0, p = r.body; (p = strstr(p, "\nR-")) != NULL; p++)
		rows++;
	assert_true(rows > 0 && rows <= 50);
	dt_req(&s, "/report?kind=reconcile&format=csv&limit=5000", session, NULL, &r);
	assert_int_equal(r.status, 400);
	dt_req(&s, "/report?kind=reconcile&format=csv&page=0", session, NULL, &r);
	assert_int_equal(r.status, 400);
	dt_close(&t, &s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_in_and_page), cmocka_unit_test(test_session_expires),
		cmocka_unit_test(test_refusals),         cmocka_unit_test(test_origin_and_hsts),
		cmocka_unit_test(test_queue_flood),
	};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
