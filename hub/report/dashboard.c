/*
 * dashboard.c - the operators' page served by maiam-hub at "/": sign-in,
 * progress per district as an inline SVG chart, the awards table and the
 * reconcile queue's counts, plus report downloads. Pages read through a
 * read-only SQLite connection of their own (never the hub's writer thread);
 * sign-in and sessions write on a second small connection with a busy timeout.
 * Everything is one self-contained HTML page: no scripts, fonts or links out.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>
#include "hub.h"
#include "report_int.h"
#include "webparse.h"

#define FORM_MAX 4096
#define COOKIE_NAME "maiam_session"
#define FAIL_WINDOW_S 60
#define FAIL_MAX 10 /* failed sign-ins per minute before answering 429 */

struct hub_dashboard {
	char dir[PATH_MAX];
	sqlite3 *ro, *rw;
	proto_campaign campaign;
	int have_campaign;
	int ttl;
	int64_t fail_window;
	int fails;
};

hub_dashboard *hub_dashboard_new(const char *dir, char *err, size_t errlen)
{
	hub_dashboard *d = calloc(1, sizeof(*d));
	char path[PATH_MAX + 16], cpath[PATH_MAX], perr[256];

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->ttl = HUB_SESSION_TTL_S;
	if ((size_t)snprintf(d->dir, sizeof(d->dir), "%s", dir) >= sizeof(d->dir) ||
	    (size_t)snprintf(path, sizeof(path), "%s/" HUB_DB_FILE, dir) >= sizeof(path)) {
		snprintf(err, errlen, "hub directory path '%s' is too long", dir);
		goto fail;
	}
	if (sqlite3_open_v2(path, &d->rw, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(d->rw, 5000) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open '%s' for the dashboard: run 'maiam-hub init' first",
			 path);
		goto fail;
	}
	if (hub_report_migrate(d->rw, err, errlen))
		goto fail;
	if (sqlite3_open_v2(path, &d->ro, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(d->ro, 5000) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open '%s' read-only: %s", path, sqlite3_errmsg(d->ro));
		goto fail;
	}
	if (hub_meta_get(d->rw, "campaign_path", cpath, sizeof(cpath)) != 1) {
		snprintf(err, errlen, "hub in '%s' has no campaign: run 'maiam-hub init' again", dir);
		goto fail;
	}
	if (proto_campaign_load(cpath, &d->campaign, perr, sizeof(perr)) != PROTO_OK) {
		snprintf(err, errlen, "cannot load campaign: %s", perr);
		goto fail;
	}
	d->have_campaign = 1;
	return d;
fail:
	hub_dashboard_free(d);
	return NULL;
}

void hub_dashboard_free(hub_dashboard *d)
{
	if (!d)
		return;
	sqlite3_close(d->ro);
	sqlite3_close(d->rw);
	if (d->have_campaign)
		proto_campaign_release(&d->campaign);
	free(d);
}

void hub_dashboard_set_ttl(hub_dashboard *d, int seconds)
{
	d->ttl = seconds > 0 ? seconds : 1;
}

static const char *const dash_paths[] = { "/", "/login", "/logout", "/report" };

int hub_dashboard_path(const char *path)
{
	size_t i;

	for (i = 0; path && i < sizeof(dash_paths) / sizeof(dash_paths[0]); i++)
		if (strcmp(path, dash_paths[i]) == 0)
			return 1;
	return 0;
}

int hub_dashboard_register(struct evhttp *http, hub_dashboard *d)
{
	size_t i;

	for (i = 0; i < sizeof(dash_paths) / sizeof(dash_paths[0]); i++)
		if (evhttp_set_cb(http, dash_paths[i], hub_dashboard_handle, d) != 0)
			return -1;
	return 0;
}

static void reply(struct evhttp_request *req, int status, const char *ctype, const proto_buf *body,
		  const char *cookie, const char *location)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct evbuffer *buf = evbuffer_new();

	evhttp_add_header(h, "Content-Type", ctype);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	/* nothing but the page itself: inline styles, inline SVG, forms to us */
	evhttp_add_header(h, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline';"
			  " img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
	if (cookie)
		evhttp_add_header(h, "Set-Cookie", cookie);
	if (location)
		evhttp_add_header(h, "Location", location);
	if (buf && body && body->len)
		evbuffer_add(buf, body->data, body->len);
	evhttp_send_reply(req, status, NULL, buf);
	if (buf)
		evbuffer_free(buf);
}

static void reply_text(struct evhttp_request *req, int status, const char *msg)
{
	proto_buf b;

	proto_buf_init(&b, 4096);
	proto_buf_appendf(&b, "%s\n", msg);
	reply(req, status, "text/plain; charset=utf-8", &b, NULL, NULL);
	proto_buf_release(&b);
}

/* The session token from the Cookie header into tok (64 hex), or "". */
static void session_cookie(struct evhttp_request *req, char tok[65])
{
	const char *c = evhttp_find_header(evhttp_request_get_input_headers(req), "Cookie");

	if (hub_cookie_value(c, COOKIE_NAME, tok, 65) != 1 || strlen(tok) != 64 ||
	    strspn(tok, "0123456789abcdef") != 64)
		tok[0] = '\0';
}

static int login_page(hub_dashboard *d, proto_buf *b, const char *error)
{
	if (report_html_head(b, "Mái Ấm — Đăng nhập") ||
	    proto_buf_append_str(b, "<h1>Mái Ấm</h1><p>") ||
	    report_html_text(b, d->campaign.name) ||
	    proto_buf_append_str(b, "</p><h2>Đăng nhập dành cho cán bộ vận hành</h2>"))
		return -1;
	if (error && (proto_buf_append_str(b, "<p class=\"err\" id=\"error\">") ||
		      report_html_text(b, error) || proto_buf_append_str(b, "</p>")))
		return -1;
	return proto_buf_append_str(b,
		"<form method=\"post\" action=\"/login\">"
		"<label for=\"name\">Tên đăng nhập</label>"
		"<input id=\"name\" name=\"name\" autocomplete=\"username\" required>"
		"<label for=\"password\">Mật khẩu</label>"
		"<input id=\"password\" name=\"password\" type=\"password\""
		" autocomplete=\"current-password\" required>"
		"<button id=\"submit\" type=\"submit\">Đăng nhập</button></form>"
		"</body></html>\n") ? -1 : 0;
}

static int queue_table(hub_dashboard *d, const char *as_of, proto_buf *b)
{
	int64_t counts[NKINDS], resolved, open = 0;
	char err[256], n[32];
	int k;

	if (report_reconcile_counts(d->ro, &d->campaign, as_of, counts, &resolved, err, sizeof(err)))
		return -1;
	if (proto_buf_append_str(b, "<h2>Hàng đợi đối soát</h2><table id=\"queue\"><thead><tr>"
				    "<th>Loại</th><th>Chờ xử lý</th></tr></thead><tbody>"))
		return -1;
	for (k = 0; k < NKINDS; k++) {
		open += counts[k];
		report_fmt_group(counts[k], n, sizeof(n));
		if (proto_buf_appendf(b, "<tr><td>%s</td><td class=\"n\">%s</td></tr>",
				      report_kind_labels[k], n))
			return -1;
	}
	report_fmt_group(open, n, sizeof(n));
	if (proto_buf_appendf(b, "<tr class=\"t\"><td>Tổng cộng</td><td class=\"n\">%s</td></tr>", n))
		return -1;
	report_fmt_group(resolved, n, sizeof(n));
	return proto_buf_appendf(b, "</tbody></table><p>Đã xử lý: %s mục.</p>\n", n) ? -1 : 0;
}

static int dashboard_page(hub_dashboard *d, const char *who, proto_buf *b)
{
	static const char *const kinds[] = { "progress", "awards", "funds", "reconcile" };
	report_progress p;
	report_grid g;
	char as_of[11], err[256];
	int rc = -1;
	size_t i;

	hub_report_today(as_of);
	if (report_progress_load(d->ro, &d->campaign, as_of, 0, &p, err, sizeof(err)))
		return -1;
	if (report_html_head(b, "Mái Ấm — Bảng điều khiển") ||
	    proto_buf_append_str(b, "<h1>Mái Ấm — Bảng điều khiển</h1><p>") ||
	    report_html_text(b, d->campaign.name) ||
	    proto_buf_appendf(b, "</p><p>Số liệu đến ngày %.2s/%.2s/%.4s. Cán bộ: <b id=\"who\">",
			      as_of + 8, as_of + 5, as_of) ||
	    report_html_text(b, who) ||
	    proto_buf_append_str(b, "</b></p><form method=\"post\" action=\"/logout\">"
				    "<button type=\"submit\">Đăng xuất</button></form>"
				    "<h2>Bàn giao so với chỉ tiêu theo huyện</h2>") ||
	    report_progress_svg(&p, b) || report_progress_table(&d->campaign, &p, b))
		goto out;
	if (report_awards_grid(d->ro, &d->campaign, as_of, &g, err, sizeof(err)))
		goto out;
	rc = report_grid_html_table(&g, b);
	report_grid_release(&g);
	if (rc || queue_table(d, as_of, b) || proto_buf_append_str(b, "<h2>Tải báo cáo</h2><ul>")) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < 4; i++)
		if (proto_buf_appendf(b, "<li>%s: <a href=\"/report?kind=%s&amp;format=csv\">CSV</a>,"
				      " <a href=\"/report?kind=%s&amp;format=html\">HTML</a>,"
				      " <a href=\"/report?kind=%s&amp;format=json\">JSON</a></li>",
				      kinds[i], kinds[i], kinds[i], kinds[i])) {
			rc = -1;
			goto out;
		}
	rc = proto_buf_append_str(b, "</ul></body></html>\n") ? -1 : 0;
out:
	report_progress_release(&p);
	return rc;
}

/* A report download: /report?kind=K&format=F[&as_of=D] */
static void serve_report(hub_dashboard *d, struct evhttp_request *req)
{
	const char *q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	static const char *const kinds[] = { "progress", "awards", "funds", "reconcile" };
	static const char *const fmts[] = { "table", "csv", "json", "html" };
	static const char *const ctypes[] = { "text/plain; charset=utf-8", "text/csv; charset=utf-8",
					      "application/json", "text/html; charset=utf-8" };
	char kind[32] = "", fmt[16] = "html", err[256];
	hub_report_opts o;
	proto_buf out;
	int i;

	memset(&o, 0, sizeof(o));
	o.kind = (hub_report_kind)-1;
	o.format = HUB_FMT_HTML;
	if (!q || hub_query_value(q, "kind", kind, sizeof(kind)) != 1 ||
	    hub_query_value(q, "format", fmt, sizeof(fmt)) < 0 ||
	    hub_query_value(q, "as_of", o.as_of, sizeof(o.as_of)) < 0) {
		reply_text(req, 400, "use /report?kind=progress|awards|funds|reconcile&format=csv|html|json");
		return;
	}
	for (i = 0; i < 4; i++) {
		if (strcmp(kind, kinds[i]) == 0)
			o.kind = (hub_report_kind)i;
		if (strcmp(fmt, fmts[i]) == 0)
			o.format = (hub_report_format)i;
	}
	if ((int)o.kind < 0 || strcmp(fmt, fmts[o.format]) != 0 ||
	    (o.as_of[0] && !hub_report_valid_date(o.as_of))) {
		reply_text(req, 400, "use /report?kind=progress|awards|funds|reconcile&format=csv|html|json"
				     "[&as_of=YYYY-MM-DD]");
		return;
	}
	proto_buf_init(&out, HUB_REPORT_MAX_OUT);
	if (hub_report_render(d->ro, &d->campaign, &o, &out, err, sizeof(err)))
		reply_text(req, 500, err);
	else
		reply(req, 200, ctypes[o.format], &out, NULL, NULL);
	proto_buf_release(&out);
}

static void do_login(hub_dashboard *d, struct evhttp_request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	char form[FORM_MAX + 1], name[HUB_OPERATOR_NAME_MAX + 1], pw[HUB_PASSWORD_MAX + 1];
	char tok[65], cookie[256];
	int64_t now = (int64_t)time(NULL);
	proto_buf b;
	int ok = 0;

	proto_buf_init(&b, 1 << 20);
	if (len > FORM_MAX) {
		reply_text(req, 413, "sign-in form too large");
		goto out;
	}
	if (now - d->fail_window >= FAIL_WINDOW_S) {
		d->fail_window = now;
		d->fails = 0;
	}
	if (d->fails >= FAIL_MAX) {
		/* every check costs ~0.1 s of PBKDF2 on the event loop: refuse a flood */
		reply_text(req, 429, "too many failed sign-ins: wait a minute and try again");
		goto out;
	}
	evbuffer_remove(in, form, len);
	form[len] = '\0';
	if (hub_form_value(form, len, "name", name, sizeof(name)) == 1 &&
	    hub_form_value(form, len, "password", pw, sizeof(pw)) == 1)
		ok = hub_operator_check(d->rw, name, pw) == 1;
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(form, sizeof(form));
	if (!ok) {
		d->fails++;
		if (login_page(d, &b, "Sai tên đăng nhập hoặc mật khẩu.") == 0)
			reply(req, 401, "text/html; charset=utf-8", &b, NULL, NULL);
		else
			reply_text(req, 500, "out of memory");
		goto out;
	}
	if (report_session_new(d->rw, name, now, d->ttl, tok)) {
		reply_text(req, 503, "cannot start a session: the hub database is busy, try again");
		goto out;
	}
	snprintf(cookie, sizeof(cookie), COOKIE_NAME "=%s; Path=/; Max-Age=%d; HttpOnly; Secure;"
		 " SameSite=Strict", tok, d->ttl);
	OPENSSL_cleanse(tok, sizeof(tok));
	reply(req, 303, "text/plain; charset=utf-8", NULL, cookie, "/");
out:
	proto_buf_release(&b);
}

void hub_dashboard_handle(struct evhttp_request *req, void *arg)
{
	hub_dashboard *d = arg;
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	char tok[65], who[HUB_OPERATOR_NAME_MAX + 1];
	int signed_in = 0;
	proto_buf b;

	if (!path)
		path = "/";
	session_cookie(req, tok);
	if (tok[0])
		signed_in = report_session_check(d->rw, tok, (int64_t)time(NULL), who, sizeof(who)) == 1;
	proto_buf_init(&b, 8u << 20);
	if (strcmp(path, "/login") == 0) {
		if (cmd != EVHTTP_REQ_POST)
			reply_text(req, 405, "use POST for /login");
		else
			do_login(d, req);
	} else if (strcmp(path, "/logout") == 0) {
		if (cmd != EVHTTP_REQ_POST) {
			reply_text(req, 405, "use POST for /logout");
		} else {
			if (tok[0])
				report_session_end(d->rw, tok);
			reply(req, 303, "text/plain; charset=utf-8", NULL, COOKIE_NAME "=; Path=/;"
			      " Max-Age=0; HttpOnly; Secure; SameSite=Strict", "/");
		}
	} else if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		reply_text(req, 405, "use GET");
	} else if (!signed_in) {
		if (strcmp(path, "/") != 0)
			reply_text(req, 401, "sign in first at /");
		else if (login_page(d, &b, NULL) == 0)
			reply(req, 200, "text/html; charset=utf-8", &b, NULL, NULL);
		else
			reply_text(req, 500, "out of memory");
	} else if (strcmp(path, "/report") == 0) {
		serve_report(d, req);
	} else if (dashboard_page(d, who, &b) == 0) {
		reply(req, 200, "text/html; charset=utf-8", &b, NULL, NULL);
	} else {
		reply_text(req, 500, "cannot read the hub database: see the hub's log");
	}
	proto_buf_release(&b);
}
