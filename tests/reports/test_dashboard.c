/*
 * test_dashboard.c - the dashboard's handlers on an evhttp listener of the
 * test's own (127.0.0.1, port 0), driven with libcurl: sign-in failure and
 * success, the cookie's attributes, the page's content, session expiry,
 * sign-out, and requests it must refuse. TLS and the real "maiam-hub serve"
 * are covered by the browser test.
 */
#include <pthread.h>
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
} server;

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
	assert_int_equal(hub_dashboard_register(s->http, s->dash), 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_in_and_page),
		cmocka_unit_test(test_session_expires),
		cmocka_unit_test(test_refusals),
	};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
