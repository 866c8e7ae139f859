/*
 * webtest.h - an HTTP(S) client for the tests of web pages (the hub's
 * dashboard, the web layer, a laptop's own pages): one request with a
 * chosen local address, Origin, Referer, cookie and form, and the answer's
 * status, body and the headers a page test looks at (read back with
 * libcurl's curl_easy_header, not parsed by hand).
 */
#ifndef MAIAM_WEBTEST_H
#define MAIAM_WEBTEST_H

#include <stddef.h>

typedef struct wt_resp {
	long status;        /* 0: no answer (connection refused, timeout) */
	char body[1 << 18]; /* cut to fit, always NUL-terminated */
	size_t len;
	char cookie[256]; /* Set-Cookie, "" if none */
	char location[64];
	char retry_after[16];
	char content_type[128];
	char cache_control[128];
	char csp[256];    /* Content-Security-Policy */
	char nosniff[16]; /* X-Content-Type-Options */
	int hsts;         /* Strict-Transport-Security: max-age=... was sent */
} wt_resp;

/* What to send; every field may be NULL/0. */
typedef struct wt_req {
	const char *from;    /* local address to send from, e.g. "127.0.0.2" */
	const char *origin;  /* Origin header */
	const char *referer; /* Referer header */
	const char *cookie;  /* "name=value" */
	const char *post;    /* a form body: the request is a POST */
	const char *method;  /* another method than GET/POST ("HEAD", "PUT") */
	int insecure;        /* the server's certificate is the test's own: not checked */
	long timeout_s;      /* 0: two minutes */
	int *sent;           /* set to 1 (atomically) once the whole request is sent */
} wt_req;

/* A libcurl write callback into a fixed buffer: what does not fit is cut,
 * buf stays NUL-terminated (cap counts the NUL). */
typedef struct wt_sink {
	char *buf;
	size_t len, cap;
} wt_sink;
size_t wt_sink_write(char *p, size_t size, size_t n, void *arg);

/* One request to url as q says (NULL: a plain GET) into r (cleared first).
 * 0 the server answered, else the CURLcode (r->status is then 0). */
int wt_fetch(const char *url, const wt_req *q, wt_resp *r);

#endif
