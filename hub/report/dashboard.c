/*
 * dashboard.c - the operators' pages served by maiam-hub at "/", "/login",
 * "/logout", "/report", "/household", "/operators" and
 * "/photo/<sha256>[/thumb]". The event loop only parses a request, checks
 * its Origin, a form's CSRF token and the sign-in throttle, and hands it to one of two worker threads
 * owned here (sign-in with its slow PBKDF2 on a read-write connection; pages
 * and reports on a read-only one), so neither ever holds up the laptops'
 * traffic; the answer comes back to the loop through an event, and only the
 * loop touches evhttp. Pages are built in dashboard_pages.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include "maiam/web_http.h"
#include "hub.h"
#include "dashboard_int.h"
#include "metrics.h"
#include "server.h"

#define FORM_MAX 4096

void hub_dashboard_limits_default(hub_dashboard_limits *lim)
{
	lim->free_addr = HUB_LOGIN_FREE_ADDR;
	lim->free_name = HUB_LOGIN_FREE_NAME;
	lim->backoff_s = HUB_LOGIN_BACKOFF_S;
	lim->max_addr_s = HUB_LOGIN_MAX_ADDR_S;
	lim->max_name_s = HUB_LOGIN_MAX_NAME_S;
	lim->forget_s = HUB_LOGIN_FORGET_S;
	lim->slots = HUB_LOGIN_SLOTS;
	lim->login_queue = HUB_DASH_LOGIN_QUEUE;
	lim->page_queue = HUB_DASH_PAGE_QUEUE;
	lim->queue_items = HUB_DASH_QUEUE_ITEMS;
}

hub_result hub_dashboard_set_limits(hub_dashboard *d, const hub_dashboard_limits *lim)
{
	web_throttle *t, *old;

	if (lim->slots < 2 || lim->backoff_s < 1 || lim->login_queue < 1 || lim->page_queue < 1)
		return HUB_REFUSED;
	t = web_throttle_new(lim->slots, lim->forget_s);
	if (!t)
		return HUB_ENOMEM;
	pthread_mutex_lock(&d->mu); /* set by another thread than the loop's (tests) */
	old = d->throttle;
	d->throttle = t;
	d->lim = *lim;
	pthread_mutex_unlock(&d->mu);
	web_throttle_free(old);
	return HUB_OK;
}

static void *worker_main(void *arg);

static int worker_start(hub_dashboard *d, dash_worker *w)
{
	w->d = d;
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
		return -1;
	w->started = 1;
	return 0;
}

hub_dashboard *hub_dashboard_new(const char *dir, char *err, size_t errlen)
{
	hub_dashboard *d = calloc(1, sizeof(*d));
	char path[PATH_MAX + 16], cpath[PATH_MAX], perr[256];
	hub_dashboard_limits lim;
	bool found;

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cond, NULL);
	d->ttl = HUB_SESSION_TTL_S;
	if (RAND_bytes(d->csrf_key, sizeof(d->csrf_key)) != 1) {
		snprintf(err, errlen, "cannot make the dashboard's form key (OpenSSL failed)");
		goto fail;
	}
	hub_dashboard_limits_default(&lim);
	if (hub_dashboard_set_limits(d, &lim)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((size_t)snprintf(d->dir, sizeof(d->dir), "%s", dir) >= sizeof(d->dir) ||
	    (size_t)snprintf(path, sizeof(path), "%s/" HUB_DB_FILE, dir) >= sizeof(path)) {
		snprintf(err, errlen, "hub directory path '%s' is too long", dir);
		goto fail;
	}
	if (sqlite3_open_v2(path, &d->login.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(d->login.db, 5000) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open '%s' for the dashboard: run 'maiam-hub init' first",
			 path);
		goto fail;
	}
	if (sqlite3_open_v2(path, &d->page.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(d->page.db, 5000) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open '%s' read-only: %s", path, sqlite3_errmsg(d->page.db));
		goto fail;
	}
	if (hub_meta_get(d->login.db, "campaign_path", cpath, sizeof(cpath), &found) != HUB_OK || !found) {
		snprintf(err, errlen, "hub in '%s' has no campaign: run 'maiam-hub init' again", dir);
		goto fail;
	}
	if (proto_campaign_load(cpath, &d->campaign, perr, sizeof(perr)) != PROTO_OK) {
		snprintf(err, errlen, "cannot load campaign: %s", perr);
		goto fail;
	}
	d->have_campaign = 1;
	if (worker_start(d, &d->login) || worker_start(d, &d->page)) {
		snprintf(err, errlen, "cannot start the dashboard's worker threads");
		goto fail;
	}
	return d;
fail:
	hub_dashboard_free(d);
	return NULL;
}

static void job_free(dash_job *job)
{
	if (!job)
		return;
	OPENSSL_cleanse(job->pw, sizeof(job->pw));
	OPENSSL_cleanse(job->tok, sizeof(job->tok));
	OPENSSL_cleanse(job->cookie, sizeof(job->cookie));
	if (job->form.data)
		OPENSSL_cleanse(job->form.data, job->form.len); /* may hold passwords */
	proto_buf_release(&job->form);
	proto_buf_release(&job->body);
	free(job);
}

static void jobs_free(dash_job *job)
{
	while (job) {
		dash_job *next = job->next;
		job_free(job);
		job = next;
	}
}

/* Call it after the event loop has stopped and before its base is freed
 * (it frees the event it made on that base). The requests of jobs still
 * queued belong to evhttp, which frees them with their connections. */
void hub_dashboard_free(hub_dashboard *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->mu);
	d->stopping = 1;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->mu);
	if (d->login.started)
		pthread_join(d->login.thread, NULL);
	if (d->page.started)
		pthread_join(d->page.thread, NULL);
	jobs_free(d->login.head);
	jobs_free(d->page.head);
	jobs_free(d->done);
	if (d->done_ev)
		event_free(d->done_ev);
	sqlite3_close(d->page.db);
	sqlite3_close(d->login.db);
	if (d->have_campaign)
		proto_campaign_release(&d->campaign);
	web_throttle_free(d->throttle);
	OPENSSL_cleanse(d->csrf_key, sizeof(d->csrf_key));
	pthread_cond_destroy(&d->cond);
	pthread_mutex_destroy(&d->mu);
	free(d);
}

void hub_dashboard_set_ttl(hub_dashboard *d, int seconds)
{
	pthread_mutex_lock(&d->mu);
	d->ttl = seconds > 0 ? seconds : 1;
	pthread_mutex_unlock(&d->mu);
}

static const char *const dash_paths[] = { "/",
					  "/login",
					  "/logout",
					  "/report",
					  "/household",
					  "/households",
					  "/household/decide",
					  "/household/resolve",
					  "/operators",
					  "/households/decide",
					  "/reconcile/resolve",
					  "/awards",
					  "/targets",
					  "/scorecard",
					  "/operators/reads",
					  "/metrics" };

/* A page of the dashboard's own, or not (the photos' paths are checked by
 * dash_photo_parse). */
static int dash_page_known(const char *path)
{
	size_t i;

	for (i = 0; path && i < sizeof(dash_paths) / sizeof(dash_paths[0]); i++)
		if (strcmp(path, dash_paths[i]) == 0)
			return 1;
	return dash_photo_path(path);
}

/* Every path outside the laptops' API (/v1/, and /vN/ of a laptop newer than
 * this hub) is the operators': a mistyped page gets an HTML page in their
 * language, not the API's JSON 404. */
int hub_dashboard_path(const char *path)
{
	size_t digits;

	if (!path || path[0] != '/')
		return 0;
	if (path[1] != 'v')
		return 1;
	digits = strspn(path + 2, "0123456789");
	return digits == 0 || (path[2 + digits] != '/' && path[2 + digits] != '\0');
}

hub_result hub_dashboard_register(struct evhttp *http, hub_dashboard *d)
{
	size_t i;
	int r;

	for (i = 0; i < sizeof(dash_paths) / sizeof(dash_paths[0]); i++) {
		r = evhttp_set_cb(http, dash_paths[i], hub_dashboard_handle, d);
		if (r != 0)
			return r == -1 ? HUB_REFUSED : HUB_ENOMEM; /* -1: the path is taken */
	}
	return HUB_OK;
}

/* ---- the workers ---------------------------------------------------------- */

static void *worker_main(void *arg)
{
	dash_worker *w = arg;
	hub_dashboard *d = w->d;
	dash_job *job, **tail;

	for (;;) {
		pthread_mutex_lock(&d->mu);
		while (!d->stopping && !w->head)
			pthread_cond_wait(&d->cond, &d->mu);
		if (d->stopping) {
			pthread_mutex_unlock(&d->mu);
			return NULL;
		}
		job = w->head;
		w->head = job->next;
		if (!w->head)
			w->tail = NULL;
		pthread_mutex_unlock(&d->mu);

		job->next = NULL;
		dash_work(d, w->db, job);

		pthread_mutex_lock(&d->mu);
		for (tail = &d->done; *tail; tail = &(*tail)->next)
			;
		*tail = job;
		pthread_mutex_unlock(&d->mu);
		event_active(d->done_ev, EV_READ, 0); /* thread-safe: evthread_use_pthreads */
	}
}

static void submit(hub_dashboard *d, dash_worker *w, dash_job *job)
{
	w->pending++;
	pthread_mutex_lock(&d->mu);
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->mu);
}

/* ---- answers, on the loop ------------------------------------------------- */

/* The pages' policy: self-contained pages (inline style, no script) that
 * show the hub's own photos, and nothing from anywhere else. */
#define DASH_CSP \
	"default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self';" \
	" frame-ancestors 'none'; base-uri 'none'"

static void reply_cached(struct evhttp_request *req, int status, const char *ctype,
			 const proto_buf *body, const char *cookie, const char *location,
			 int64_t retry_after, const char *cache_control)
{
	/* HSTS even on the test's plain listener: the hub itself is HTTPS only */
	web_policy policy = { .csp = DASH_CSP, .hsts = HUB_HSTS, .cache_control = cache_control };
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	char n[24];

	if (cookie && cookie[0])
		evhttp_add_header(h, "Set-Cookie", cookie);
	if (location)
		evhttp_add_header(h, "Location", location);
	if (retry_after > 0) {
		snprintf(n, sizeof(n), "%lld", (long long)retry_after);
		evhttp_add_header(h, "Retry-After", n);
	}
	web_reply(req, status, ctype, body ? body->data : NULL, body ? body->len : 0, &policy);
}

static void reply(struct evhttp_request *req, int status, const char *ctype, const proto_buf *body,
		  const char *cookie, const char *location, int64_t retry_after)
{
	reply_cached(req, status, ctype, body, cookie, location, retry_after, NULL);
}

static void reply_text(struct evhttp_request *req, int status, const char *msg, int64_t retry_after)
{
	proto_buf b;

	proto_buf_init(&b, 4096);
	proto_buf_appendf(&b, "%s\n", msg);
	reply(req, status, "text/plain; charset=utf-8", &b, NULL, NULL, retry_after);
	proto_buf_release(&b);
}

static void on_done(evutil_socket_t fd, short what, void *arg)
{
	hub_dashboard *d = arg;
	dash_job *job;

	(void)fd, (void)what;
	pthread_mutex_lock(&d->mu);
	job = d->done;
	d->done = NULL;
	pthread_mutex_unlock(&d->mu);
	while (job) {
		dash_job *next = job->next;
		if (job->kind == DJ_LOGIN || job->kind == DJ_LOGOUT || job->kind == DJ_OPERATORS ||
		    job->kind == DJ_DECIDE || job->kind == DJ_RESOLVE || job->kind == DJ_BATCH ||
		    job->kind == DJ_REJECTION || job->kind == DJ_AWARDS || job->kind == DJ_TARGETS)
			d->login.pending--;
		else
			d->page.pending--;
		if (job->login_ok)
			dash_throttle_success(d, job->addr, job->name);
		else if (job->kind == DJ_LOGIN)
			hub_metrics_login_failed();
		/* the request's log line names its operator (server.c) */
		hub_server_note_operator(job->req, job->login_ok ? job->name : job->who.name);
		/* an admin's /metrics: the page is made here, on the loop, where
		 * the server's gauges are read */
		if (job->kind == DJ_METRICS && job->status == 200) {
			proto_buf_reset(&job->body);
			if (hub_metrics_render(&job->body) != HUB_OK)
				dash_answer_text(job, 503,
						 "the metrics do not fit their buffer: try again");
		}
		if (job->disposition[0]) /* a download: the name it is saved under */
			evhttp_add_header(evhttp_request_get_output_headers(job->req),
					  "Content-Disposition", job->disposition);
		reply_cached(job->req, job->status, job->ctype, &job->body, job->cookie, job->location,
			     0, job->cache_control);
		job_free(job);
		job = next;
	}
}

/* ---- parsing, on the loop ------------------------------------------------- */

/* The session token from the Cookie header into tok (64 hex), or "". */
static void session_cookie(struct evhttp_request *req, char tok[WEB_TOKEN_HEX + 1])
{
	const char *c = evhttp_find_header(evhttp_request_get_input_headers(req), "Cookie");

	if (web_cookie_value(c, HUB_SESSION_COOKIE, tok, WEB_TOKEN_HEX + 1) != WEB_OK ||
	    !web_token_valid(tok))
		tok[0] = '\0';
}

/* A form or query value that is there but malformed, repeated or too long:
 * the request is refused, not read as if the value were missing. */
static int refused_value(web_result r)
{
	return r != WEB_OK && r != WEB_ABSENT;
}

static void start_login(hub_dashboard *d, struct evhttp_request *req, dash_job *job)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	unsigned char *form;
	int64_t now = web_now(), wait;
	proto_buf b;

	if (len > FORM_MAX) {
		reply_text(req, 413, "sign-in form too large", 0);
		goto refused;
	}
	form = evbuffer_pullup(in, (ev_ssize_t)len);
	if (len && !form) {
		reply_text(req, 503, "hub is out of memory: try again", 1);
		goto refused;
	}
	job->form_ok = web_form_value((const char *)form, len, "name", job->name, sizeof(job->name)) ==
			       WEB_OK &&
		       web_form_value((const char *)form, len, "password", job->pw, sizeof(job->pw)) ==
			       WEB_OK;
	if (len)
		OPENSSL_cleanse(form, len);
	if (!job->form_ok)
		job->name[0] = '\0';
	web_request_peer(req, job->addr, sizeof(job->addr));
	wait = dash_throttle_wait(d, job->addr, job->name, now);
	if (wait > 0) {
		proto_buf_init(&b, 1 << 16);
		if (dash_throttled_page(d, &b, wait) == 0)
			reply(req, 429, "text/html; charset=utf-8", &b, NULL, NULL, wait);
		else
			reply_text(req, 429, "too many failed sign-ins: wait and try again", wait);
		proto_buf_release(&b);
		goto refused;
	}
	if (d->login.pending >= d->lim.login_queue) {
		/* each waiting sign-in costs a PBKDF2: do not queue without end */
		reply_text(req, 503, "too many sign-ins at once: try again in a moment", 1);
		goto refused;
	}
	dash_throttle_attempt(d, job->addr, job->name, now);
	submit(d, &d->login, job);
	return;
refused:
	job_free(job);
}

/* The count 1..max in the query's key into *out (left alone when the key is
 * absent). 0 ok, -1 not a count in range or a refused query. */
static int query_count(const char *q, const char *key, long long max, int64_t *out)
{
	char num[24], *end;
	long long v;
	web_result r = web_query_value(q, key, num, sizeof(num));

	if (r == WEB_ABSENT)
		return 0;
	if (r != WEB_OK)
		return -1;
	v = strtoll(num, &end, 10);
	if (*end || v < 1 || v > max)
		return -1;
	*out = v;
	return 0;
}

/* /report?kind=K&format=F[&as_of=D], checked here so a bad one costs no
 * worker time. 0 ok, -1 answered 400. */
static int parse_report(struct evhttp_request *req, hub_report_opts *o)
{
	const char *q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	/* in the order of hub_report_kind and hub_report_format */
	static const char *const kinds[] = { "progress", "awards", "funds", "reconcile", "households" };
	static const char *const fmts[] = { "table", "csv", "json", "html", "xlsx" };
	char kind[32] = "", fmt[16] = "html";
	int i;

	memset(o, 0, sizeof(*o));
	o->kind = (hub_report_kind)-1;
	o->format = HUB_FMT_HTML;
	if (!q || web_query_value(q, "kind", kind, sizeof(kind)) != WEB_OK ||
	    refused_value(web_query_value(q, "format", fmt, sizeof(fmt))) ||
	    refused_value(web_query_value(q, "as_of", o->as_of, sizeof(o->as_of))))
		goto bad;
	if (!fmt[0])
		snprintf(fmt, sizeof(fmt), "html");
	o->links = 1; /* an HTML page of the dashboard links to its household pages */
	/* the reconcile queue by pages, never more than a page's worth at once */
	if (query_count(q, "page", INT32_MAX, &o->page) ||
	    query_count(q, "limit", HUB_RECONCILE_PAGE, &o->limit))
		goto bad;
	for (i = 0; i < 5; i++) {
		if (strcmp(kind, kinds[i]) == 0)
			o->kind = (hub_report_kind)i;
		if (strcmp(fmt, fmts[i]) == 0)
			o->format = (hub_report_format)i;
	}
	if ((int)o->kind >= 0 && strcmp(fmt, fmts[o->format]) == 0 &&
	    (o->kind != HUB_REPORT_HOUSEHOLDS || o->format == HUB_FMT_XLSX) &&
	    (!o->as_of[0] || hub_report_valid_date(o->as_of)))
		return 0;
bad:
	reply_text(req, 400,
		   "use /report?kind=progress|awards|funds|reconcile&format=csv|html|json|xlsx"
		   "[&as_of=YYYY-MM-DD][&page=N][&limit=1..1000], or"
		   " /report?kind=households&format=xlsx for the household list",
		   0);
	return -1;
}

/* A decision or a resolution from a household's page (its form, CSRF
 * checked, in job->form): the read-write worker checks the session and
 * the operator's role and district, and does it. */
static void start_household_post(hub_dashboard *d, struct evhttp_request *req, dash_job *job,
				 const char *path, enum evhttp_cmd_type cmd)
{
	if (cmd != EVHTTP_REQ_POST) {
		reply_text(req, 405,
			   "use POST: this form is sent from a household's page, the household list"
			   " or the reconcile queue",
			   0);
		goto refused;
	}
	if (d->login.pending >= d->lim.login_queue) {
		/* each holds its form: the queue a stranger could fill is bounded */
		reply_text(req, 503, "the hub is busy with other decisions: try again in a moment", 1);
		goto refused;
	}
	job->kind = strcmp(path, "/household/decide") == 0    ? DJ_DECIDE
		    : strcmp(path, "/household/resolve") == 0 ? DJ_RESOLVE
		    : strcmp(path, "/households/decide") == 0 ? DJ_BATCH
							      : DJ_REJECTION;
	submit(d, &d->login, job);
	return;
refused:
	job_free(job);
}

/* /household?id=REF: the id as typed ("" with no id: the search form), or
 * -1 answered 400 for a query that is malformed or too long. */
static int parse_household(struct evhttp_request *req, dash_job *job)
{
	const char *q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));

	job->kind = DJ_HOUSEHOLD;
	if (!q || !refused_value(web_query_value(q, "id", job->typed, sizeof(job->typed))))
		return 0;
	reply_text(req, 400,
		   "use /household?id=ID, ID a household's full id (0123456789abcdef-12)"
		   " or its short ref (36S0-2)",
		   0);
	return -1;
}

/* Every form posted to the dashboard but /login (which opens the session
 * the token is bound to) carries its session's CSRF token in the field
 * "csrf": checked here, for all of them, before any worker sees the form,
 * which is kept in job->form. 0 ok, -1 answered (403, 413, 503). */
static int check_post_form(hub_dashboard *d, struct evhttp_request *req, dash_job *job)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t len = evbuffer_get_length(in);
	char given[WEB_TOKEN_HEX + 1];
	unsigned char *form;

	if (len > DASH_POST_FORM_MAX) {
		reply_text(req, 413, "form too large: a reason or note is at most 4096 bytes", 0);
		return -1;
	}
	form = evbuffer_pullup(in, (ev_ssize_t)len);
	if ((len && !form) || proto_buf_append(&job->form, form, len)) {
		reply_text(req, 503, "hub is out of memory: try again", 1);
		return -1;
	}
	if (len)
		OPENSSL_cleanse(form, len);
	if (web_form_value((const char *)job->form.data, job->form.len, "csrf", given, sizeof(given)) !=
		    WEB_OK ||
	    !job->tok[0] || !web_csrf_check(d->csrf_key, job->tok, given)) {
		reply_text(req, 403,
			   "this form is out of date or was not sent from the dashboard:"
			   " reload the page, sign in again if asked, and try again",
			   0);
		return -1;
	}
	return 0;
}

/* /households?...: the query kept for the worker (dashboard_households.c
 * reads the filters), or -1 answered 414 when it is too long. */
static int parse_households(struct evhttp_request *req, dash_job *job)
{
	const char *q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));

	job->kind = DJ_HOUSEHOLDS;
	if ((size_t)snprintf(job->query, sizeof(job->query), "%s", q ? q : "") < sizeof(job->query))
		return 0;
	reply_text(req, 414, "the search and filters are too long: type a shorter search", 0);
	return -1;
}

void hub_dashboard_handle(struct evhttp_request *req, void *arg)
{
	hub_dashboard *d = arg;
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	dash_job *job;

	if (!path)
		path = "/";
	/* settings (ttl, limits) are changed under mu by whichever thread
	 * calls the setters: taking it here orders them before this request */
	pthread_mutex_lock(&d->mu);
	pthread_mutex_unlock(&d->mu);
	if (!d->done_ev && evcon)
		d->done_ev = event_new(evhttp_connection_get_base(evcon), -1, 0, on_done, d);
	job = calloc(1, sizeof(*job));
	if (!job || !d->done_ev) {
		free(job);
		reply_text(req, 503, "hub is out of memory: try again", 1);
		return;
	}
	job->req = req;
	proto_buf_init(&job->body, HUB_REPORT_MAX_OUT);
	proto_buf_init(&job->form, DASH_POST_FORM_MAX);
	session_cookie(req, job->tok);
	/* the hub's origin is the scheme it is reached by (https unless the
	 * test's plain listener) and the Host the browser asked for */
	if (cmd == EVHTTP_REQ_POST && !web_request_same_origin(req)) {
		reply_text(req, 403,
			   "this form must be sent from the hub's own dashboard page:"
			   " open the dashboard and try again",
			   0);
		goto refused;
	}
	if (!dash_page_known(path)) {
		if (dash_not_found_page(d, &job->body) == 0)
			reply(req, 404, "text/html; charset=utf-8", &job->body, NULL, NULL, 0);
		else
			reply_text(req, 404, "no such page: open the dashboard at /", 0);
		goto refused;
	}
	if (cmd == EVHTTP_REQ_POST && strcmp(path, "/login") != 0 && check_post_form(d, req, job))
		goto refused;
	if (strcmp(path, "/operators") == 0 || strcmp(path, "/awards") == 0 ||
	    strcmp(path, "/targets") == 0) {
		/* their POSTs write (a nomination and a target are signed), and
		 * they are small: the read-write worker */
		job->kind = path[1] == 'a' ? DJ_AWARDS : path[1] == 't' ? DJ_TARGETS : DJ_OPERATORS;
		if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD && cmd != EVHTTP_REQ_POST) {
			reply_text(req, 405,
				   job->kind == DJ_AWARDS    ? "use GET or POST for /awards"
				   : job->kind == DJ_TARGETS ? "use GET or POST for /targets"
							     : "use GET or POST for /operators",
				   0);
			goto refused;
		}
		submit(d, &d->login, job);
		return;
	}
	if (strcmp(path, "/login") == 0 || strcmp(path, "/logout") == 0) {
		int login = strcmp(path, "/login") == 0;
		if (cmd != EVHTTP_REQ_POST) {
			reply_text(req, 405, login ? "use POST for /login" : "use POST for /logout", 0);
			goto refused;
		}
		job->kind = login ? DJ_LOGIN : DJ_LOGOUT;
		if (job->kind == DJ_LOGIN) {
			start_login(d, req, job);
			return;
		}
		submit(d, &d->login, job); /* sign-out is one small write: no queue limit */
		return;
	}
	if (strncmp(path, "/household/", 11) == 0 || strcmp(path, "/households/decide") == 0 ||
	    strcmp(path, "/reconcile/resolve") == 0) {
		start_household_post(d, req, job, path, cmd);
		return;
	}
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		reply_text(req, 405, "use GET", 0);
		goto refused;
	}
	job->kind = strcmp(path, "/report") == 0 ? DJ_REPORT : DJ_PAGE;
	if (strcmp(path, "/operators/reads") == 0)
		job->kind = DJ_READS;
	if (strcmp(path, "/metrics") == 0)
		job->kind = DJ_METRICS;
	if (job->kind == DJ_REPORT && parse_report(req, &job->opts))
		goto refused;
	if (strcmp(path, "/household") == 0 && parse_household(req, job))
		goto refused;
	if (strcmp(path, "/") == 0 &&
	    dash_view_parse(evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req)), &job->view)) {
		reply_text(req, 400, DASH_VIEW_USAGE, 0);
		goto refused;
	}
	if (strcmp(path, "/scorecard") == 0 && (job->kind = DJ_SCORECARD) &&
	    dash_view_parse(evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req)), &job->view)) {
		reply_text(req, 400, "use /scorecard?as-of=YYYY-MM-DD&district=CODE (both optional)", 0);
		goto refused;
	}
	if (strcmp(path, "/households") == 0 && parse_households(req, job))
		goto refused;
	if (dash_photo_path(path)) {
		/* malformed or not, whoever asks: the shape of the address is no secret */
		if (dash_photo_parse(path, job->photo, &job->thumb)) {
			reply_text(req, 400,
				   "a photo's address is /photo/<its 64-digit SHA-256>, or"
				   " /photo/<SHA-256>/thumb for its thumbnail",
				   0);
			goto refused;
		}
		job->kind = DJ_PHOTO;
	}
	if (d->page.pending >= d->lim.page_queue) {
		reply_text(req, 503, "the dashboard is busy: try again in a moment", 1);
		goto refused;
	}
	submit(d, &d->page, job);
	return;
refused:
	job_free(job);
}
