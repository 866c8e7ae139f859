/*
 * test_web_http.c - the web layer on a real evhttp listener (127.0.0.1, port
 * 0, a loop thread of the test's own), asked with libcurl (webtest.c): the
 * security headers of web_reply, static files with their Content-Type and
 * caching (GET, HEAD, unknown paths, other methods), the peer's address and
 * the same-origin check of a request.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include "maiam/web.h"
#include "maiam/web_http.h"
#include "webtest.h"

static const char css[] = "body{color:#222}";
static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
static const web_asset assets[] = {
	{ "/static/app.css", NULL, css, sizeof(css) - 1 },
	{ "/static/logo.png", NULL, png, sizeof(png) },
	{ "/static/data", "application/x-test", "xyz", 3 },
};

typedef struct server {
	struct event_base *base;
	struct evhttp *http;
	int port;
	pthread_t thread;
} server;

static void on_page(struct evhttp_request *req, void *arg)
{
	static const web_policy hsts = { .hsts = WEB_HSTS_YEAR };
	static const char page[] = "<!DOCTYPE html><p>ok</p>";

	(void)arg;
	web_reply(req, 200, "text/html; charset=utf-8", page, strlen(page), &hsts);
}

/* 200 and the peer's address for a same-origin POST, 403 otherwise */
static void on_post(struct evhttp_request *req, void *arg)
{
	char peer[64];

	(void)arg;
	web_request_peer(req, peer, sizeof(peer));
	if (web_request_same_origin(req) && !web_request_tls(req))
		web_reply(req, 200, "text/plain; charset=utf-8", peer, strlen(peer), NULL);
	else
		web_reply(req, 403, "text/plain; charset=utf-8", "no\n", 3, NULL);
}

static void on_static(struct evhttp_request *req, void *arg)
{
	(void)arg;
	web_asset_serve(req, assets, sizeof(assets) / sizeof(assets[0]), 3600, NULL);
}

static void *loop(void *arg)
{
	server *s = arg;
	event_base_dispatch(s->base);
	return NULL;
}

static int start(void **state)
{
	static server s;
	struct evhttp_bound_socket *bound;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	memset(&s, 0, sizeof(s));
	/* stop() breaks the loop from the test's thread */
	if (evthread_use_pthreads() != 0)
		return -1;
	s.base = event_base_new();
	s.http = evhttp_new(s.base);
	if (!s.base || !s.http || evhttp_set_cb(s.http, "/page", on_page, NULL) ||
	    evhttp_set_cb(s.http, "/post", on_post, NULL))
		return -1;
	evhttp_set_gencb(s.http, on_static, NULL);
	evhttp_set_allowed_methods(s.http,
				   EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST | EVHTTP_REQ_PUT);
	bound = evhttp_bind_socket_with_handle(s.http, "127.0.0.1", 0);
	if (!bound || getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&ss, &sl) != 0)
		return -1;
	s.port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (pthread_create(&s.thread, NULL, loop, &s) != 0)
		return -1;
	*state = &s;
	return 0;
}

static int stop(void **state)
{
	server *s = *state;

	event_base_loopbreak(s->base);
	pthread_join(s->thread, NULL);
	evhttp_free(s->http);
	event_base_free(s->base);
	return 0;
}

static void fetch(server *s, const char *path, const wt_req *q, wt_resp *r)
{
	char url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", s->port, path);
	assert_int_equal(wt_fetch(url, q, r), 0);
}

/* The answer's status and the headers every answer carries. */
static void expect(const wt_resp *r, long status, const char *ctype, const char *cache)
{
	assert_int_equal(r->status, status);
	assert_string_equal(r->content_type, ctype);
	assert_string_equal(r->cache_control, cache);
	assert_string_equal(r->nosniff, "nosniff");
	assert_string_equal(r->csp, WEB_CSP_SELF_CONTAINED);
}

static void test_security_headers(void **state)
{
	static wt_resp r;

	fetch(*state, "/page", NULL, &r);
	expect(&r, 200, "text/html; charset=utf-8", "no-store");
	assert_string_equal(r.csp, WEB_CSP_SELF_CONTAINED);
	assert_non_null(strstr(r.csp, "frame-ancestors 'none'"));
	assert_true(r.hsts);
	assert_string_equal(r.body, "<!DOCTYPE html><p>ok</p>");
}

static void test_static_files(void **state)
{
	static wt_resp r;
	wt_req head = { .method = "HEAD" }, put = { .method = "PUT", .post = "x" };

	fetch(*state, "/static/app.css", NULL, &r);
	expect(&r, 200, "text/css; charset=utf-8", "public, max-age=3600");
	assert_string_equal(r.body, css);
	assert_false(r.hsts); /* not asked for: a plain-HTTP server on loopback */
	fetch(*state, "/static/logo.png", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.content_type, "image/png");
	assert_int_equal(r.len, sizeof(png));
	assert_memory_equal(r.body, png, sizeof(png));
	fetch(*state, "/static/data", NULL, &r);
	assert_string_equal(r.content_type, "application/x-test");
	fetch(*state, "/static/app.css", &head, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 0);
	assert_string_equal(r.content_type, "text/css; charset=utf-8");
	fetch(*state, "/static/nothing.css", NULL, &r);
	expect(&r, 404, "text/plain; charset=utf-8", "no-store");
	fetch(*state, "/static/../static/app.css", NULL, &r); /* curl folds the dots itself */
	assert_int_equal(r.status, 200);
	fetch(*state, "/static/app.css", &put, &r);
	assert_int_equal(r.status, 405);
}

static void test_content_type(void **state)
{
	(void)state;
	assert_string_equal(web_content_type("/a/b.JS"), "text/javascript; charset=utf-8");
	assert_string_equal(web_content_type("/x.svg"), "image/svg+xml");
	assert_string_equal(web_content_type("/x.woff2"), "font/woff2");
	assert_string_equal(web_content_type("/x.json"), "application/json");
	assert_string_equal(web_content_type("/x.exe"), "application/octet-stream");
	assert_string_equal(web_content_type("/dir.css/x"), "application/octet-stream");
	assert_string_equal(web_content_type(NULL), "application/octet-stream");
	assert_null(web_asset_find(assets, 3, NULL));
	assert_ptr_equal(web_asset_find(assets, 3, "/static/data"), &assets[2]);
}

static void test_request_origin(void **state)
{
	static wt_resp r;
	server *s = *state;
	char own[64], ref[80];
	wt_req q = { .post = "a=1", .origin = own };
	wt_req by_referer = { .post = "a=1", .referer = ref };
	wt_req evil = { .post = "a=1", .origin = "http://evil.example" };
	wt_req none = { .post = "a=1" };
	wt_req from2 = { .post = "a=1", .origin = own, .from = "127.0.0.2" };

	snprintf(own, sizeof(own), "http://127.0.0.1:%d", s->port);
	snprintf(ref, sizeof(ref), "http://127.0.0.1:%d/page", s->port);
	fetch(s, "/post", &q, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "127.0.0.1");
	fetch(s, "/post", &by_referer, &r);
	assert_int_equal(r.status, 200);
	fetch(s, "/post", &evil, &r);
	assert_int_equal(r.status, 403);
	fetch(s, "/post", &none, &r);
	assert_int_equal(r.status, 403);
	fetch(s, "/post", &from2, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "127.0.0.2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_security_headers),
		cmocka_unit_test(test_static_files),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_request_origin),
	};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, start, stop);
}
