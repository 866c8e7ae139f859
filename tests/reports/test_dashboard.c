/*
 * test_dashboard.c - the dashboard's handlers on an evhttp listener of the
 * test's own (127.0.0.1, port 0), driven with libcurl: sign-in failure and
 * success, the cookie's attributes, the page's content, session expiry,
 * sign-out, and requests it must refuse. TLS and the real "maiam-hub serve"
 * are covered by the browser test.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include "hub.h"
#include "report.h"
#include "reptest.h"

typedef struct server {
	struct event_base *base;
	struct evhttp *http;
	hub_dashboard *dash;
	int port;
	pthread_t thread;
	atomic_int taken; /* requests the loop has handed to the dashboard */
} server;

/* What the loop does: count the request, then the dashboard's own handler. */
static void counted(struct evhttp_request *r, void *arg)
{
	server *s = arg;
	atomic_fetch_add(&s->taken, 1);
	hub_dashboard_handle(r, s->dash);
}

/* Something else the same loop serves (as /v1/health is in the hub). */
static void ping(struct evhttp_request *r, void *arg)
{
	(void)arg;
	evhttp_send_reply(r, 200, "OK", NULL);
}

typedef struct resp {
	long status;
	char body[1 << 18];
	size_t len;
	char cookie[256];
	char location[64];
	char retry_after[16];
	int hsts;
} resp;

/* How a request is sent: from which local address, with which Origin or
 * Referer ("" sends none; NULL sends our own origin on a POST). */
typedef struct how {
	const char *from;
	const char *origin;
	const char *referer;
} how;

static void *loop(void *arg)
{
	server *s = arg;
	event_base_dispatch(s->base);
	return NULL;
}

static void start(server *s, rt_db *t)
{
	struct evhttp_bound_socket *bound;
	char err[512];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	assert_int_equal(hub_meta_set(t->db, "campaign_path",
				      MAIAM_SOURCE_DIR "/campaigns/soc-trang-2023.campaign"), 0);
	s->dash = hub_dashboard_new(t->dir, err, sizeof(err));
	if (!s->dash)
		fail_msg("dashboard: %s", err);
	assert_int_equal(evthread_use_pthreads(), 0);
	s->base = event_base_new();
	s->http = evhttp_new(s->base);
	{
		static const char *const paths[] = { "/", "/login", "/logout", "/report" };
		size_t i;
		for (i = 0; i < 4; i++)
			assert_int_equal(evhttp_set_cb(s->http, paths[i], counted, s), 0);
		assert_int_equal(evhttp_set_cb(s->http, "/ping", ping, s), 0);
		atomic_init(&s->taken, 0);
	}
	bound = evhttp_bind_socket_with_handle(s->http, "127.0.0.1", 0);
	assert_non_null(bound);
	assert_int_equal(getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&ss, &sl), 0);
	s->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	assert_int_equal(pthread_create(&s->thread, NULL, loop, s), 0);
}

static void stop(server *s)
{
	event_base_loopbreak(s->base);
	pthread_join(s->thread, NULL);
	evhttp_free(s->http);
	hub_dashboard_free(s->dash); /* before the base: it frees its event on it */
	event_base_free(s->base);
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	resp *r = arg;
	size_t len = size * n;
	if (r->len + len >= sizeof(r->body))
		len = sizeof(r->body) - r->len - 1;
	memcpy(r->body + r->len, p, len);
	r->len += len;
	r->body[r->len] = '\0';
	return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	resp *r = arg;
	size_t len = size * n;
	if (len > 12 && strncasecmp(p, "Set-Cookie: ", 12) == 0)
		snprintf(r->cookie, sizeof(r->cookie), "%.*s", (int)(len - 14), p + 12);
	if (len > 10 && strncasecmp(p, "Location: ", 10) == 0)
		snprintf(r->location, sizeof(r->location), "%.*s", (int)(len - 12), p + 10);
	if (len > 13 && strncasecmp(p, "Retry-After: ", 13) == 0)
		snprintf(r->retry_after, sizeof(r->retry_after), "%.*s", (int)(len - 15), p + 13);
	if (len > 27 && strncasecmp(p, "Strict-Transport-Security: ", 27) == 0 &&
	    strncmp(p + 27, "max-age=", 8) == 0)
		r->hsts = 1;
	return len;
}

/* One request as 'h' says; cookie is "name=value" or NULL; post is the form or NULL. */
static void req_how(server *s, const how *h, const char *path, const char *cookie,
		    const char *post, resp *r)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hdr = NULL;
	char url[256], line[300];

	memset(r, 0, sizeof(*r));
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", s->port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	if (h && h->from)
		curl_easy_setopt(c, CURLOPT_INTERFACE, h->from);
	if (cookie)
		curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
	if (post) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
		if (!h || !h->origin) {
			snprintf(line, sizeof(line), "Origin: http://127.0.0.1:%d", s->port);
			hdr = curl_slist_append(hdr, line);
		} else if (h->origin[0]) {
			snprintf(line, sizeof(line), "Origin: %s", h->origin);
			hdr = curl_slist_append(hdr, line);
		}
		if (h && h->referer && h->referer[0]) {
			snprintf(line, sizeof(line), "Referer: %s", h->referer);
			hdr = curl_slist_append(hdr, line);
		}
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	}
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
}

static void req(server *s, const char *path, const char *cookie, const char *post, resp *r)
{
	req_how(s, NULL, path, cookie, post, r);
}

/* "maiam_session=<64 hex>" from a Set-Cookie value. */
static void session_of(const resp *r, char *out, size_t outlen)
{
	snprintf(out, outlen, "%.*s", (int)strcspn(r->cookie, ";"), r->cookie);
}

static void seed(rt_db *t)
{
	rt_batch b;
	proto_id h;
	char err[256];
	int commune = 0;
	size_t i;

	for (i = 0; i < t->campaign.units.n && !commune; i++)
		if (t->campaign.units.a[i].level == PROTO_UNIT_COMMUNE &&
		    proto_units_district_of(&t->campaign.units, t->campaign.units.a[i].code) == 950)
			commune = t->campaign.units.a[i].code;
	assert_int_equal(rt_report_migrate(t), 0);
	rt_batch_init(&b, 0x0c0c0c0c0c0c0c0cull);
	for (i = 0; i < 37; i++) {
		h = rt_household(&b, commune, "Thạch Sà Rên", NULL, "approved");
		rt_milestone(&b, h, "handed_over", "2023-08-01", NULL);
	}
	rt_flush(&b, t->db);
	rt_batch_release(&b);
	assert_int_equal(hub_operator_set(t->db, "lan", "mật khẩu dài", err, sizeof(err)), 0);
}

static void test_sign_in_and_page(void **state)
{
	rt_db t;
	server s;
	resp r;
	char session[128];
	sqlite3_stmt *st;

	(void)state;
	rt_db_open(&t);
	seed(&t);
	start(&s, &t);

	req(&s, "/", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Đăng nhập"));
	assert_null(strstr(r.body, "Thị xã Vĩnh Châu")); /* nothing shown before sign-in */
	req(&s, "/report?kind=progress&format=csv", NULL, NULL, &r);
	assert_int_equal(r.status, 401);

	req(&s, "/login", NULL, "name=lan&password=sai+m%E1%BA%ADt+kh%E1%BA%A9u", &r);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body, "Sai tên đăng nhập hoặc mật khẩu"));
	assert_string_equal(r.cookie, "");
	req(&s, "/login", NULL, "name=ai&password=m%E1%BA%ADt+kh%E1%BA%A9u+d%C3%A0i", &r);
	assert_int_equal(r.status, 401);

	req(&s, "/login", NULL, "name=lan&password=m%E1%BA%ADt+kh%E1%BA%A9u+d%C3%A0i", &r);
	assert_int_equal(r.status, 303);
	assert_string_equal(r.location, "/");
	assert_non_null(strstr(r.cookie, "HttpOnly"));
	assert_non_null(strstr(r.cookie, "Secure"));
	assert_non_null(strstr(r.cookie, "SameSite=Strict"));
	assert_non_null(strstr(r.cookie, "Max-Age="));
	session_of(&r, session, sizeof(session));
	assert_int_equal(strlen(session), strlen("maiam_session=") + 64);

	/* the token itself is not in the database, only its hash */
	assert_int_equal(sqlite3_prepare_v2(t.db, "SELECT count(*) FROM report_session WHERE"
					    " hex(hash) = upper(?) OR hash = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, session + 14, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, session + 14, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);

	req(&s, "/", session, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Thị xã Vĩnh Châu"));
	assert_non_null(strstr(r.body, "<svg"));
	assert_non_null(strstr(r.body, "37 / 260")); /* handed over / target in the chart */
	assert_non_null(strstr(r.body, "1.200"));
	assert_non_null(strstr(r.body, "Hàng đợi đối soát"));
	assert_non_null(strstr(r.body, ">lan</b>"));
	assert_null(strstr(r.body, "<script"));
	req(&s, "/report?kind=funds&format=json", session, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"districts\""));
	req(&s, "/report?kind=nope", session, NULL, &r);
	assert_int_equal(r.status, 400);

	/* a forged or garbled cookie is a stranger */
	req(&s, "/", "maiam_session=00000000000000000000000000000000000000000000000000000000000000ff",
	    NULL, &r);
	assert_non_null(strstr(r.body, "Đăng nhập"));
	req(&s, "/", "maiam_session=<script>", NULL, &r);
	assert_non_null(strstr(r.body, "Đăng nhập"));

	/* sign out ends the session for good */
	req(&s, "/logout", session, "", &r);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(r.cookie, "Max-Age=0"));
	req(&s, "/", session, NULL, &r);
	assert_non_null(strstr(r.body, "Đăng nhập"));
	assert_null(strstr(r.body, "Thị xã Vĩnh Châu"));

	stop(&s);
	rt_db_close(&t);
}

static void test_session_expires(void **state)
{
	rt_db t;
	server s;
	resp r;
	char session[128];

	(void)state;
	rt_db_open(&t);
	seed(&t);
	start(&s, &t);
	/* long enough that a loaded machine (sign-in is a slow hash) still sees
	 * the page once before the session runs out */
	hub_dashboard_set_ttl(s.dash, 5);
	req(&s, "/login", NULL, "name=lan&password=m%E1%BA%ADt+kh%E1%BA%A9u+d%C3%A0i", &r);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(r.cookie, "Max-Age=5"));
	session_of(&r, session, sizeof(session));
	req(&s, "/", session, NULL, &r);
	assert_non_null(strstr(r.body, "Thị xã Vĩnh Châu"));
	sleep(6);
	req(&s, "/", session, NULL, &r);
	assert_non_null(strstr(r.body, "Đăng nhập"));
	assert_null(strstr(r.body, "Thị xã Vĩnh Châu"));
	stop(&s);
	rt_db_close(&t);
}

static void test_refusals(void **state)
{
	rt_db t;
	server s;
	resp r;
	char big[6000];
	int i;

	(void)state;
	rt_db_open(&t);
	seed(&t);
	start(&s, &t);
	req(&s, "/login", NULL, NULL, &r);
	assert_int_equal(r.status, 405);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "name=", 5);
	req(&s, "/login", NULL, big, &r);
	assert_int_equal(r.status, 413);
	req(&s, "/login", NULL, "name=lan&password=%zz", &r); /* malformed escape */
	assert_int_equal(r.status, 401);
	req(&s, "/login", NULL, "name=lan&password=%00abc", &r); /* NUL inside */
	assert_int_equal(r.status, 401);
	/* a flood of wrong passwords is cut off before it costs PBKDF2 time */
	for (i = 0; i < 12; i++)
		req(&s, "/login", NULL, "name=lan&password=wrong-password", &r);
	assert_int_equal(r.status, 429);
	stop(&s);
	rt_db_close(&t);
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
	rt_db_open(&t);
	seed(&t);
	start(&s, &t);
	snprintf(ref, sizeof(ref), "http://127.0.0.1:%d/", s.port);
	snprintf(bad, sizeof(bad), "http://127.0.0.1:%d.evil.example/", s.port);
	by_referer.referer = ref;
	bad_referer.referer = bad;

	req(&s, "/", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(r.hsts);
	req_how(&s, &evil, "/login", NULL, pw, &r);
	assert_int_equal(r.status, 403);
	assert_true(r.hsts);
	assert_string_equal(r.cookie, "");
	req_how(&s, &none, "/login", NULL, pw, &r);
	assert_int_equal(r.status, 403);
	req_how(&s, &null_origin, "/login", NULL, pw, &r);
	assert_int_equal(r.status, 403);
	req_how(&s, &other_port, "/login", NULL, pw, &r);
	assert_int_equal(r.status, 403);
	req_how(&s, &bad_referer, "/login", NULL, pw, &r);
	assert_int_equal(r.status, 403);
	/* a browser that sends only Referer, of our own page */
	req_how(&s, &by_referer, "/login", NULL, pw, &r);
	assert_int_equal(r.status, 303);
	req(&s, "/login", NULL, pw, &r);
	assert_int_equal(r.status, 303);
	assert_true(r.hsts);
	session_of(&r, session, sizeof(session));

	/* a cross-site sign-out is refused and the session lives on */
	req_how(&s, &evil, "/logout", session, "", &r);
	assert_int_equal(r.status, 403);
	req_how(&s, &none, "/logout", session, "", &r);
	assert_int_equal(r.status, 403);
	req(&s, "/", session, NULL, &r);
	assert_true(r.hsts);
	assert_non_null(strstr(r.body, "Thị xã Vĩnh Châu"));
	req(&s, "/report?kind=awards&format=csv", session, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(r.hsts);
	stop(&s);
	rt_db_close(&t);
}

static void login_from(server *s, const char *from, const char *name, const char *pw, resp *r)
{
	how h = { from, NULL, NULL };
	char form[256];

	snprintf(form, sizeof(form), "name=%s&password=%s", name, pw);
	req_how(s, &h, "/login", NULL, form, r);
}

#define GOOD_PW "m%E1%BA%ADt+kh%E1%BA%A9u+d%C3%A0i"

/* Bad sign-ins from 127.0.0.2 for lan hold back that address (any name)
 * and the name lan (any address), nobody else. */
static void test_throttle(void **state)
{
	hub_dashboard_limits lim;
	rt_db t;
	server s;
	resp r;
	char err[256];
	int i;

	(void)state;
	rt_db_open(&t);
	seed(&t);
	assert_int_equal(hub_operator_set(t.db, "binh", "mật khẩu dài", err, sizeof(err)), 0);
	start(&s, &t);
	hub_dashboard_limits_default(&lim);
	lim.free_addr = 3;
	lim.free_name = 3;
	lim.backoff_s = 600; /* long here: no race with the clock */
	lim.max_addr_s = 3600;
	lim.max_name_s = 3600;
	assert_int_equal(hub_dashboard_set_limits(s.dash, &lim), 0);

	for (i = 0; i < 10; i++) {
		login_from(&s, "127.0.0.2", "lan", "wrong-password", &r);
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
	login_from(&s, "127.0.0.2", "lan", GOOD_PW, &r);
	assert_int_equal(r.status, 429);
	/* the address waits for any name */
	login_from(&s, "127.0.0.2", "binh", GOOD_PW, &r);
	assert_int_equal(r.status, 429);
	/* another operator from another address: untouched */
	login_from(&s, "127.0.0.3", "binh", GOOD_PW, &r);
	assert_int_equal(r.status, 303);
	/* the name waits from any address */
	login_from(&s, "127.0.0.3", "lan", GOOD_PW, &r);
	assert_int_equal(r.status, 429);
	stop(&s);

	/* with a short name wait: once it is over, lan signs in from elsewhere */
	start(&s, &t);
	lim.backoff_s = 1;
	lim.max_name_s = 1;
	assert_int_equal(hub_dashboard_set_limits(s.dash, &lim), 0);
	r.status = 0;
	for (i = 0; i < 10 && r.status != 429; i++)
		login_from(&s, "127.0.0.2", "lan", "wrong-password", &r);
	assert_int_equal(r.status, 429);
	sleep((unsigned)atoi(r.retry_after) + 1);
	login_from(&s, "127.0.0.3", "lan", GOOD_PW, &r);
	assert_int_equal(r.status, 303);
	stop(&s);
	rt_db_close(&t);
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
	seed(&t);
	assert_int_equal(hub_operator_set(t.db, "binh", "mật khẩu dài", err, sizeof(err)), 0);
	start(&s, &t);
	req(&s, "/login", NULL, "name=lan&password=" GOOD_PW, &r);
	assert_int_equal(r.status, 303);
	session_of(&r, a, sizeof(a));
	req(&s, "/login", NULL, "name=binh&password=" GOOD_PW, &r);
	assert_int_equal(r.status, 303);
	session_of(&r, b, sizeof(b));
	req(&s, "/", a, NULL, &r);
	assert_non_null(strstr(r.body, ">lan</b>"));

	assert_int_equal(hub_operator_set(t.db, "lan", "mật khẩu mới hẳn", err, sizeof(err)), 0);
	req(&s, "/", a, NULL, &r);
	assert_non_null(strstr(r.body, "Đăng nhập"));
	assert_null(strstr(r.body, ">lan</b>"));
	req(&s, "/report?kind=awards&format=csv", a, NULL, &r);
	assert_int_equal(r.status, 401);
	/* another operator's session is not touched */
	req(&s, "/", b, NULL, &r);
	assert_non_null(strstr(r.body, ">binh</b>"));
	/* the old password no longer opens one, the new one does */
	req(&s, "/login", NULL, "name=lan&password=" GOOD_PW, &r);
	assert_int_equal(r.status, 401);
	req(&s, "/login", NULL, "name=lan&password=m%E1%BA%ADt+kh%E1%BA%A9u+m%E1%BB%9Bi+h%E1%BA%B3n",
	    &r);
	assert_int_equal(r.status, 303);
	stop(&s);
	rt_db_close(&t);
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
	req(b->s, b->path, b->cookie, b->post, &b->r);
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
	char session[128];

	(void)state;
	rt_db_open(&t);
	seed(&t);
	start(&s, &t);
	req(&s, "/login", NULL, "name=lan&password=" GOOD_PW, &r);
	assert_int_equal(r.status, 303);
	session_of(&r, session, sizeof(session));

	/* the sign-in's session write (after its PBKDF2) cannot finish while
	 * we hold the write lock: it sits in the worker, not on the loop */
	assert_int_equal(sqlite3_exec(t.db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	atomic_store(&s.taken, 0);
	bg_start(&login, &s, "/login", NULL, "name=lan&password=" GOOD_PW);
	wait_taken(&s, 1);
	bg_start(&logout, &s, "/logout", session, "");
	wait_taken(&s, 2);
	/* pages go on, on their own worker and read-only connection */
	req(&s, "/", session, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, ">lan</b>"));
	/* and the loop answers others */
	req(&s, "/ping", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(atomic_load(&login.done), 0);
	assert_int_equal(atomic_load(&logout.done), 0);
	assert_int_equal(sqlite3_exec(t.db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	pthread_join(login.th, NULL);
	pthread_join(logout.th, NULL);
	assert_int_equal(login.r.status, 303);
	assert_int_equal(logout.r.status, 303);
	stop(&s);
	rt_db_close(&t);
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
	seed(&t);
	assert_int_equal(sqlite3_exec(t.db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
				      " FROM n WHERE i < 20000) INSERT INTO hub_rejection(received,"
				      " source, origin, seq, code, message) SELECT 1700000000 + i,"
				      " 'enroll', 0, 0, 'bad_token', 'junk ' || i FROM n",
				      NULL, NULL, NULL), SQLITE_OK);
	start(&s, &t);
	hub_dashboard_limits_default(&lim);
	lim.queue_items = 7;
	assert_int_equal(hub_dashboard_set_limits(s.dash, &lim), 0);
	req(&s, "/login", NULL, "name=lan&password=" GOOD_PW, &r);
	assert_int_equal(r.status, 303);
	session_of(&r, session, sizeof(session));
	req(&s, "/", session, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "20.000"));
	for (p = r.body; (p = strstr(p, "<tr><td>R-")) != NULL; p++)
		rows++;
	assert_int_equal(rows, 7);
	assert_non_null(strstr(r.body, "junk 20000")); /* the newest first */
	assert_null(strstr(r.body, "junk 19993"));
	req(&s, "/report?kind=reconcile&format=csv&limit=50&page=2", session, NULL, &r);
	assert_int_equal(r.status, 200);
	/* the second page: none of the first's newest, one row per item */
	assert_non_null(strstr(r.body, "R-19950,"));
	assert_null(strstr(r.body, "R-20000,"));
	for (rows = 0, p = r.body; (p = strstr(p, "\nR-")) != NULL; p++)
		rows++;
	assert_true(rows > 0 && rows <= 50);
	req(&s, "/report?kind=reconcile&format=csv&limit=5000", session, NULL, &r);
	assert_int_equal(r.status, 400);
	req(&s, "/report?kind=reconcile&format=csv&page=0", session, NULL, &r);
	assert_int_equal(r.status, 400);
	stop(&s);
	rt_db_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_in_and_page),
		cmocka_unit_test(test_session_expires),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_origin_and_hsts),
		cmocka_unit_test(test_throttle),
		cmocka_unit_test(test_password_ends_sessions),
		cmocka_unit_test(test_loop_stays_free),
		cmocka_unit_test(test_queue_flood),
	};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
