/*
 * web_http.h - the evhttp side of the web layer: the security headers every
 * answer carries, set in one call; a reply with them; where a request comes
 * from (TLS or not, peer address, same origin); and a table of static files
 * served with their Content-Type and caching. Call these on the thread that
 * runs the evhttp's event loop, as evhttp itself requires.
 */
#ifndef MAIAM_WEB_HTTP_H
#define MAIAM_WEB_HTTP_H

#include <stddef.h>

struct evhttp_request;
struct evkeyvalq;

/* Nothing but the page itself: inline styles, inline SVG and data: images,
 * forms to the same origin, never in a frame, no <base>, no script. */
#define WEB_CSP_SELF_CONTAINED \
	"default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self';" \
	" frame-ancestors 'none'; base-uri 'none'"
/* HTTPS only, for a year (a server reached over plain HTTP sends none). */
#define WEB_HSTS_YEAR "max-age=31536000"

/* The headers of web_security_headers; a NULL field takes the default. */
typedef struct web_policy {
	const char *csp;             /* Content-Security-Policy; default WEB_CSP_SELF_CONTAINED */
	const char *hsts;            /* Strict-Transport-Security; default none */
	const char *cache_control;   /* default "no-store": pages hold private data */
	const char *referrer_policy; /* default "same-origin" (see web_http.c) */
} web_policy;

/*
 * Add to h, in this order: Cache-Control, X-Content-Type-Options: nosniff,
 * Referrer-Policy, Strict-Transport-Security (if p->hsts), Content-Security-
 * Policy. p may be NULL (every default). 0 ok, -1 evhttp refused a header.
 */
int web_security_headers(struct evkeyvalq *h, const web_policy *p);

/* Answer req: Content-Type ctype, the headers of p, the len bytes of body
 * (copied; NULL with len 0 for none). A HEAD request gets the headers only
 * (evhttp drops the body). 0 ok, -1 out of memory (the reply is then sent
 * without its body). */
int web_reply(struct evhttp_request *req, int status, const char *ctype, const void *body, size_t len,
	      const web_policy *p);

/* Did req come over TLS (an OpenSSL bufferevent)? 1 yes, 0 no. */
int web_request_tls(struct evhttp_request *req);
/* The peer's address ("127.0.0.1", "::1"; "?" if unknown) into out. */
void web_request_peer(struct evhttp_request *req, char *out, size_t outlen);
/* web_same_origin for req: its scheme (web_request_tls), its Host, Origin
 * and Referer headers. 1 same origin, 0 not. */
int web_request_same_origin(struct evhttp_request *req);

/* ---- static files -------------------------------------------------------- */

/* One file compiled into the program. Borrowed: the table outlives the
 * server. content_type NULL: by the path's extension (web_content_type). */
typedef struct web_asset {
	const char *path; /* "/static/app.css" */
	const char *content_type;
	const void *data;
	size_t len;
} web_asset;

/* The Content-Type for a path's extension (.css .js .svg .png .ico .html
 * .txt .json .woff2), "application/octet-stream" for any other. */
const char *web_content_type(const char *path);
/* The asset of table[0..n) at path, NULL if none. */
const web_asset *web_asset_find(const web_asset *table, size_t n, const char *path);
/*
 * Serve req from table[0..n): GET or HEAD of a known path is 200 with its
 * Content-Type, nosniff and "Cache-Control: public, max-age=max_age"
 * (the other headers from p); an unknown path 404, another method 405 with
 * Allow. Returns the status sent.
 */
int web_asset_serve(struct evhttp_request *req, const web_asset *table, size_t n, int max_age,
		    const web_policy *p);

#endif
