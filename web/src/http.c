/*
 * http.c - security headers, replies, request facts and static files on
 * libevent's evhttp (web_http.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include "maiam/web.h"
#include "maiam/web_http.h"

int web_security_headers(struct evkeyvalq *h, const web_policy *p)
{
	static const web_policy defaults;

	if (!p)
		p = &defaults;
	if (evhttp_add_header(h, "Cache-Control", p->cache_control ? p->cache_control : "no-store") ||
	    evhttp_add_header(h, "X-Content-Type-Options", "nosniff") ||
	    /* same-origin, not no-referrer: with no-referrer a browser sends
	     * "Origin: null" on our own forms, and the Origin check needs it */
	    evhttp_add_header(h, "Referrer-Policy",
			      p->referrer_policy ? p->referrer_policy : "same-origin") ||
	    (p->hsts && evhttp_add_header(h, "Strict-Transport-Security", p->hsts)) ||
	    evhttp_add_header(h, "Content-Security-Policy", p->csp ? p->csp : WEB_CSP_SELF_CONTAINED))
		return -1;
	return 0;
}

int web_reply(struct evhttp_request *req, int status, const char *ctype, const void *body, size_t len,
	      const web_policy *p)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct evbuffer *buf = evbuffer_new();
	int rc = buf ? 0 : -1;

	evhttp_add_header(h, "Content-Type", ctype);
	web_security_headers(h, p);
	if (buf && body && len && evbuffer_add(buf, body, len))
		rc = -1;
	evhttp_send_reply(req, status, NULL, buf);
	if (buf)
		evbuffer_free(buf);
	return rc;
}

int web_request_tls(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;

	return bev && bufferevent_openssl_get_ssl(bev) ? 1 : 0;
}

void web_request_peer(struct evhttp_request *req, char *out, size_t outlen)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	char *host = NULL;
	ev_uint16_t port = 0;

	if (evcon)
		evhttp_connection_get_peer(evcon, &host, &port);
	snprintf(out, outlen, "%s", host ? host : "?");
}

int web_request_same_origin(struct evhttp_request *req)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);

	return web_same_origin(web_request_tls(req) ? "https" : "http", evhttp_find_header(in, "Host"),
			       evhttp_find_header(in, "Origin"), evhttp_find_header(in, "Referer"));
}

const char *web_content_type(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".html", "text/html; charset=utf-8" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".woff2", "font/woff2" },
	};
	const char *dot = path ? strrchr(path, '.') : NULL;
	size_t i;

	for (i = 0; dot && !strchr(dot, '/') && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

const web_asset *web_asset_find(const web_asset *table, size_t n, const char *path)
{
	size_t i;

	for (i = 0; path && i < n; i++)
		if (strcmp(table[i].path, path) == 0)
			return &table[i];
	return NULL;
}

int web_asset_serve(struct evhttp_request *req, const web_asset *table, size_t n, int max_age,
		    const web_policy *p)
{
	static const char not_found[] = "no such file\n", wrong_method[] = "use GET\n";
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const web_asset *a = web_asset_find(table, n,
					    evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req)));
	web_policy cached = p ? *p : (web_policy){ 0 };
	char cache[64];

	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
		web_reply(req, 405, "text/plain; charset=utf-8", wrong_method, strlen(wrong_method), p);
		return 405;
	}
	if (!a) {
		web_reply(req, 404, "text/plain; charset=utf-8", not_found, strlen(not_found), p);
		return 404;
	}
	snprintf(cache, sizeof(cache), "public, max-age=%d", max_age > 0 ? max_age : 0);
	cached.cache_control = cache;
	web_reply(req, 200, a->content_type ? a->content_type : web_content_type(a->path), a->data,
		  a->len, &cached);
	return 200;
}
