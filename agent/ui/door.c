/*
 * door.c - every request's way in to the field worker's pages (ui.h). In
 * this order: a Host that is not this loopback server's own name is refused
 * (DNS rebinding); the URL's one-time secret becomes the session cookie and
 * a redirect to "/"; without that session nothing but a page saying where
 * the link is; a POST must carry the session's CSRF token and, when the
 * browser sends one, our own Origin, or nothing is done; then the page of
 * routes.c answers. Every answer carries the security headers.
 */
#include <string.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>
#include "maiam/web_http.h"
#include "ui.h"

/* Our own pages, their inline style, forms to ourselves; nothing else,
 * never in a frame, and no address of ours handed to another site
 * ("same-origin": under "no-referrer" a browser sends "Origin: null" with
 * our own forms, which the Origin check refuses). */
static const web_policy ui_policy = {
	.csp = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
	       " form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	.referrer_policy = "same-origin",
};

void agent_ui_reply_type(agent_ui_req *r, int status, const char *ctype, const void *data, size_t len)
{
	web_reply(r->req, status, ctype, data, len, &ui_policy);
}

void agent_ui_reply(agent_ui_req *r, int status, const proto_buf *page)
{
	agent_ui_reply_type(r, status, "text/html; charset=utf-8", page->data, page->len);
}

/* A short page that says what happened and what to do. */
static void reply_said(struct evhttp_request *req, int status, const char *title, const char *text)
{
	proto_buf b;

	proto_buf_init(&b, AGENT_UI_PAGE_MAX);
	agent_ui_page_open(&b, title, NULL);
	proto_buf_append_str(&b, "<main><h1>");
	agent_ui_text(&b, title);
	proto_buf_append_str(&b, "</h1>\n<p>");
	agent_ui_text(&b, text);
	proto_buf_append_str(&b, "</p>\n</main>\n");
	agent_ui_page_close(&b);
	web_reply(req, status, "text/html; charset=utf-8", b.data, b.len, &ui_policy);
	proto_buf_release(&b);
}

void agent_ui_said(agent_ui_req *r, int status, const char *title, const char *text)
{
	reply_said(r->req, status, title, text);
}

void agent_ui_store_failed(agent_ui_req *r)
{
	agent_ui_said(r, 500, _("Cannot read the store"),
		      _("The laptop's store cannot be read; run 'maiam-agent check' and ask for help."));
}

static void reply_no_session(struct evhttp_request *req)
{
	reply_said(req, 403, _("Open the link maiam-agent printed"),
		   _("This page needs the link that 'maiam-agent ui' printed when it started; a link works "
		     "once. Run 'maiam-agent ui' again for a new one."));
}

/* The session cookie's token into tok when it is this process's session;
 * 1 yes, 0 no. */
static int session_of(agent_ui *ui, struct evhttp_request *req, char tok[WEB_TOKEN_HEX + 1])
{
	const char *c = evhttp_find_header(evhttp_request_get_input_headers(req), "Cookie");
	uint8_t hash[32];

	if (!ui->have_session || web_cookie_value(c, AGENT_UI_COOKIE, tok, WEB_TOKEN_HEX + 1) != WEB_OK ||
	    !web_token_valid(tok))
		return 0;
	web_token_hash(tok, hash);
	return CRYPTO_memcmp(hash, ui->session_hash, sizeof(hash)) == 0;
}

/* 303 to location; with the session's cookie when one was just opened. */
static void redirect(struct evhttp_request *req, const char *location, const char *cookie)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	if (cookie)
		evhttp_add_header(h, "Set-Cookie", cookie);
	evhttp_add_header(h, "Location", location);
	web_reply(req, 303, "text/plain; charset=utf-8", NULL, 0, &ui_policy);
}

void agent_ui_redirect(agent_ui_req *r, const char *location)
{
	redirect(r->req, location, NULL);
}

/* GET /?k=SECRET: the first use opens the session; the secret is then
 * forgotten, so a copy of the URL (a browser's history) opens nothing. */
static void open_session(agent_ui *ui, struct evhttp_request *req, const char *given)
{
	char tok[WEB_TOKEN_HEX + 1], cookie[256];

	if (!ui->secret[0] || strlen(given) != WEB_TOKEN_HEX ||
	    CRYPTO_memcmp(given, ui->secret, WEB_TOKEN_HEX) != 0) {
		reply_no_session(req);
		return;
	}
	if (web_token_new(tok) != WEB_OK ||
	    web_cookie_format(cookie, sizeof(cookie), AGENT_UI_COOKIE, tok, 0x7fffffff,
			      WEB_COOKIE_HTTPONLY | WEB_COOKIE_SAMESITE_STRICT) != WEB_OK) {
		reply_said(req, 500, _("Cannot open a session"),
			   _("The laptop could not make a session key; run 'maiam-agent ui' again."));
		return;
	}
	OPENSSL_cleanse(ui->secret, sizeof(ui->secret));
	web_token_hash(tok, ui->session_hash);
	ui->have_session = 1;
	OPENSSL_cleanse(tok, sizeof(tok));
	redirect(req, "/", cookie);
}

web_result agent_ui_field(const agent_ui_req *r, const char *key, char *out, size_t n)
{
	if (!r->post)
		return web_query_value(r->query, key, out, n);
	if (r->multipart)
		return web_multipart_value(r->body, r->body_len, r->boundary, key, out, n);
	return web_form_value(r->body, r->body_len, key, out, n);
}

void agent_ui_csrf_input(proto_buf *b, const agent_ui_req *r)
{
	proto_buf_appendf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->csrf);
}

/* A POST: our Origin when one is sent, the session's CSRF token in the
 * form (either encoding); r->body set. 1 it may go on, 0 refused
 * (answered 403 or 413). */
static int post_allowed(agent_ui_req *r, const char *session)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(r->req);
	const char *origin = evhttp_find_header(in, "Origin");
	struct evbuffer *body = evhttp_request_get_input_buffer(r->req);
	size_t len = evbuffer_get_length(body);
	char given[WEB_TOKEN_HEX + 1];
	web_result mp;

	mp = web_multipart_boundary(evhttp_find_header(in, "Content-Type"), r->boundary,
				    sizeof(r->boundary));
	r->multipart = mp == WEB_OK;
	if (len > (r->multipart ? (size_t)AGENT_UI_UPLOAD_MAX : (size_t)AGENT_UI_BODY_MAX)) {
		reply_said(r->req, 413, _("Form too large"),
			   _("Nothing was written; go back and try again."));
		return 0;
	}
	r->body = len ? (const char *)evbuffer_pullup(body, (ev_ssize_t)len) : "";
	r->body_len = r->body ? len : 0;
	if ((origin && !web_same_origin("http", evhttp_find_header(in, "Host"), origin, NULL)) ||
	    !r->body || mp == WEB_EMALFORMED || agent_ui_field(r, "csrf", given, sizeof(given)) != WEB_OK ||
	    !web_csrf_check(r->ui->csrf_key, session, given)) {
		reply_said(r->req, 403, _("Form refused"),
			   _("This form did not come from this laptop's own page; nothing was written. "
			     "Go back to the page, reload it and try again."));
		return 0;
	}
	return 1;
}

/* The route of path: an exact path, or the longest one ending in '/' that
 * path begins with; NULL if none. */
static const agent_ui_route *route_of(const char *path)
{
	const agent_ui_route *best = NULL;

	for (size_t i = 0; i < agent_ui_nroutes; i++) {
		const agent_ui_route *rt = &agent_ui_routes[i];
		size_t n = strlen(rt->path);

		if (strcmp(path, rt->path) == 0)
			return rt;
		if (n > 1 && rt->path[n - 1] == '/' && strncmp(path, rt->path, n) == 0 &&
		    (!best || n > strlen(best->path)))
			best = rt;
	}
	return best;
}

void agent_ui_door(struct evhttp_request *req, void *arg)
{
	agent_ui *ui = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = evhttp_uri_get_path(uri), *query = evhttp_uri_get_query(uri);
	const char *host = evhttp_find_header(evhttp_request_get_input_headers(req), "Host");
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	char session[WEB_TOKEN_HEX + 1] = "", given[WEB_TOKEN_HEX + 2];
	const agent_ui_route *rt;
	agent_ui_req rq = { 0 };
	web_result r;

	/* "//x" parses as a host and no path: no page of ours */
	if (!path || !*path || evhttp_uri_get_host(uri))
		path = "";
	if (!web_host_loopback(host, ui->port)) {
		reply_said(req, 421, _("Wrong address"),
			   _("These pages answer only at the address 'maiam-agent ui' printed."));
		goto done;
	}
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD && cmd != EVHTTP_REQ_POST) {
		reply_said(req, 405, _("Not allowed"), _("Use the page's links and buttons."));
		goto done;
	}
	r = web_query_value(query, "k", given, sizeof(given));
	if (r != WEB_ABSENT && strcmp(path, "/") == 0 && cmd == EVHTTP_REQ_GET) {
		if (session_of(ui, req, session)) /* the URL again, in a session's tab */
			redirect(req, "/", NULL);
		else
			open_session(ui, req, r == WEB_OK ? given : "");
		goto done;
	}
	if (!session_of(ui, req, session)) {
		reply_no_session(req);
		goto done;
	}
	rt = route_of(path);
	if (!rt) {
		reply_said(req, 404, _("No such page"), _("Go back to the home page: /"));
		goto done;
	}
	memset(&rq, 0, sizeof(rq));
	rq.ui = ui;
	rq.req = req;
	rq.path = path;
	rq.query = query;
	rq.post = cmd == EVHTTP_REQ_POST;
	rq.body = "";
	if (web_csrf_token(ui->csrf_key, session, rq.csrf) != WEB_OK) {
		reply_said(req, 500, _("Cannot open a session"),
			   _("The laptop could not make a session key; run 'maiam-agent ui' again."));
		goto done;
	}
	/* a POST's token first: a forged one is refused the same everywhere */
	if (rq.post && !post_allowed(&rq, session))
		goto done;
	if (!(rq.post ? rt->post : rt->get)) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
				  rt->post && rt->get ? "GET, HEAD, POST"
				  : rt->post          ? "POST"
						      : "GET, HEAD");
		reply_said(req, 405, _("Not allowed"), _("Use the page's links and buttons."));
		goto done;
	}
	(rq.post ? rt->post : rt->get)(&rq);
done:
	OPENSSL_cleanse(session, sizeof(session));
	OPENSSL_cleanse(given, sizeof(given));
	OPENSSL_cleanse(rq.csrf, sizeof(rq.csrf));
}
