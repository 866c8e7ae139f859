/*
 * test_dashboard_guard.c - the dashboard under pressure (dashtest.c's
 * listener): the sign-in throttle per client address and per operator name
 * (127.0.0.2, 127.0.0.3), a new password ending sessions, and the worker
 * threads keeping the event loop free while sign-ins wait for the database.
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

/* Bad sign-ins from 127.0.0.2 for lan hold back that address (any name)
 * and the name lan (any address), nobody else. */
static void test_throttle(void **state)
{
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	time_t deadline;
	hub_dashboard_limits lim;
	rt_db t;
	server s;
	resp r;
	char err[256];
	int i;

	(void)state;
	rt_db_open(&t);
	dt_seed(&t);
	assert_int_equal(hub_operator_set(t.db, "binh", "mật khẩu dài", err, sizeof(err)), HUB_OK);
	dt_start(&s, &t);
	hub_dashboard_limits_default(&lim);
	lim.free_addr = 3;
	lim.free_name = 3;
	lim.backoff_s = 600; /* long here: no race with the clock */
	lim.max_addr_s = 3600;
	lim.max_name_s = 3600;
	assert_int_equal(hub_dashboard_set_limits(s.dash, &lim), HUB_OK);

	for (i = 0; i < 10; i++) {
		dt_login_from(&s, "127.0.0.2", "lan", "wrong-password", &r);
		if (r.status == 429)
			break;
		assert_int_equal(r.status, 401);
	}
	/* the free allowance, one more that starts the wait, then refused */
	assert_int_equal(i, 4);
	assert_int_equal(r.status, 429);
	assert_true(atoi(r.retry_after) >= 1);
	assert_non_null(strstr(r.body, "Tạm khóa đăng nhập"));
	assert_non_null(strstr(r.body, "thử lại sau"));
	assert_true(r.hsts);
	/* even the right password waits: no oracle for the guesser */
	dt_login_from(&s, "127.0.0.2", "lan", GOOD_PW, &r);
	assert_int_equal(r.status, 429);
	/* the address waits for any name */
	dt_login_from(&s, "127.0.0.2", "binh", GOOD_PW, &r);
	assert_int_equal(r.status, 429);
	/* another operator from another address: untouched */
	dt_login_from(&s, "127.0.0.3", "binh", GOOD_PW, &r);
	assert_int_equal(r.status, 303);
	/* the name waits from any address */
	dt_login_from(&s, "127.0.0.3", "lan", GOOD_PW, &r);
	assert_int_equal(r.status, 429);
	dt_stop(&s);

	/* with a short name wait: once it is over, lan signs in from elsewhere */
	dt_start(&s, &t);
	lim.backoff_s = 1;
	lim.max_name_s = 1;
	assert_int_equal(hub_dashboard_set_limits(s.dash, &lim), HUB_OK);
	r.status = 0;
	for (i = 0; i < 10 && r.status != 429; i++)
		dt_login_from(&s, "127.0.0.2", "lan", "wrong-password", &r);
	assert_int_equal(r.status, 429);
	/* lan from elsewhere, until the name's wait is over (a refused try
	 * counts for nothing); on a busy machine that may be a little later */
	deadline = time(NULL) + atoi(r.retry_after) + 120;
	do {
		nanosleep(&pause, NULL);
		dt_login_from(&s, "127.0.0.3", "lan", GOOD_PW, &r);
	} while (r.status == 429 && time(NULL) < deadline);
	assert_int_equal(r.status, 303);
	dt_close(&t, &s);
}

/* A new password ends the sessions opened with the old one. */
static void test_password_ends_sessions(void **state)
{
	rt_db t;
	server s;
	resp r;
	char a[128], b[128], err[256];

	(void)state;
	rt_db_open(&t);
	dt_seed(&t);
	assert_int_equal(hub_operator_set(t.db, "binh", "mật khẩu dài", err, sizeof(err)), HUB_OK);
	dt_start(&s, &t);
	dt_req(&s, "/login", NULL, "name=lan&password=" GOOD_PW, &r);
	assert_int_equal(r.status, 303);
	dt_session_of(&r, a, sizeof(a));
	dt_req(&s, "/login", NULL, "name=binh&password=" GOOD_PW, &r);
	assert_int_equal(r.status, 303);
	dt_session_of(&r, b, sizeof(b));
	dt_req(&s, "/", a, NULL, &r);
	assert_non_null(strstr(r.body, ">lan</b>"));

	assert_int_equal(hub_operator_set(t.db, "lan", "mật khẩu mới hẳn", err, sizeof(err)), HUB_OK);
	dt_req(&s, "/", a, NULL, &r);
	assert_non_null(strstr(r.body, "Đăng nhập"));
	assert_null(strstr(r.body, ">lan</b>"));
	dt_req(&s, "/report?kind=awards&format=csv", a, NULL, &r);
	assert_int_equal(r.status, 401);
	/* another operator's session is not touched */
	dt_req(&s, "/", b, NULL, &r);
	assert_non_null(strstr(r.body, ">binh</b>"));
	/* the old password no longer opens one, the new one does */
	dt_req(&s, "/login", NULL, "name=lan&password=" GOOD_PW, &r);
	assert_int_equal(r.status, 401);
	dt_req(&s, "/login", NULL, "name=lan&password=m%E1%BA%ADt+kh%E1%BA%A9u+m%E1%BB%9Bi+h%E1%BA%B3n",
	       &r);
	assert_int_equal(r.status, 303);
	dt_close(&t, &s);
}

typedef struct bg {
	server *s;
	const char *path, *cookie, *post;
	resp r;
	atomic_int done;
	pthread_t th;
} bg;

static void *bg_main(void *arg)
{
	bg *b = arg;
	dt_req(b->s, b->path, b->cookie, b->post, &b->r);
	atomic_store(&b->done, 1);
	return NULL;
}

static void bg_start(bg *b, server *s, const char *path, const char *cookie, const char *post)
{
	memset(b, 0, sizeof(*b));
	b->s = s;
	b->path = path;
	b->cookie = cookie;
	b->post = post;
	atomic_init(&b->done, 0);
	assert_int_equal(pthread_create(&b->th, NULL, bg_main, b), 0);
}

static void wait_taken(server *s, int n)
{
	while (atomic_load(&s->taken) < n)
		usleep(1000);
}

/* While a sign-in and a sign-out are stuck in the dashboard's worker (the
 * test holds the database's write lock), pages are still served and the
 * loop still answers other requests: before the workers, the loop itself
 * sat in SQLite's busy wait and /ping came after the sign-in. */
static void test_loop_stays_free(void **state)
{
	rt_db t;
	server s;
	resp r;
	bg login, logout;
	char session[128], csrf[80];

	(void)state;
	dt_open(&t, &s);
	dt_req(&s, "/login", NULL, "name=lan&password=" GOOD_PW, &r);
	assert_int_equal(r.status, 303);
	dt_session_of(&r, session, sizeof(session));
	dt_csrf(&s, session, csrf, sizeof(csrf));

	/* the sign-in's session write (after its PBKDF2) cannot finish while
	 * we hold the write lock: it sits in the worker, not on the loop */
	assert_int_equal(sqlite3_exec(t.db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	atomic_store(&s.taken, 0);
	bg_start(&login, &s, "/login", NULL, "name=lan&password=" GOOD_PW);
	wait_taken(&s, 1);
	bg_start(&logout, &s, "/logout", session, csrf);
	wait_taken(&s, 2);
	/* pages go on, on their own worker and read-only connection */
	dt_req(&s, "/", session, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, ">lan</b>"));
	/* and the loop answers others */
	dt_req(&s, "/ping", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(atomic_load(&login.done), 0);
	assert_int_equal(atomic_load(&logout.done), 0);
	assert_int_equal(sqlite3_exec(t.db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	pthread_join(login.th, NULL);
	pthread_join(logout.th, NULL);
	assert_int_equal(login.r.status, 303);
	assert_int_equal(logout.r.status, 303);
	dt_close(&t, &s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_throttle),
		cmocka_unit_test(test_password_ends_sessions),
		cmocka_unit_test(test_loop_stays_free),
	};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
