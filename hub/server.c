/*
 * server.c - the HTTPS front of maiam-hub: libevent's evhttp over
 * bufferevent_openssl, with what evhttp lacks built around it (issues 4
 * and 9): TCP_NODELAY, body and header caps, no lingering close, the limits
 * at the door (server_conn.c, server_limits.c, docs/HUB.md), one answer per
 * ambiguous request, and a graceful SIGTERM. The loop
 * only moves bytes; routes run in the worker threads (worker.c): a push on
 * the opener and then the writer, a pull on the reader, the rest on the writer.
 */
#include <arpa/inet.h>
#include <assert.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <openssl/ssl.h>
#include "maiam/cli.h"
#include "server_int.h"
#include "i18n.h"
#include "epoch.h"
#include "log.h"
#include "metrics.h"

typedef struct route {
	const char *path;
	enum evhttp_cmd_type method;
	int needs_cert;
	hub_route_fn run;
} route;

static const route routes[] = {
	{ "/v1/enroll", EVHTTP_REQ_POST, 0, hub_route_enroll },
	{ "/v1/push", EVHTTP_REQ_POST, 1, hub_route_push },
	{ "/v1/pull", EVHTTP_REQ_GET, 1, hub_route_pull },
	{ "/v1/feedback", EVHTTP_REQ_GET, 1, hub_route_feedback },
	{ "/v1/photos/want", EVHTTP_REQ_POST, 1, hub_route_photo_want },
	/* a path ending in '/' is a prefix: the rest names the photo */
	{ "/v1/photos/", EVHTTP_REQ_PUT, 1, hub_route_photo_put },
	{ "/v1/photos/", EVHTTP_REQ_HEAD, 1, hub_route_photo_head },
};

/* Does route path rp answer path? Exactly, or as a prefix with a rest of
 * one part (no '/') that is not a route of its own. */
static int route_matches(const char *rp, const char *path)
{
	size_t n = strlen(rp);

	if (rp[n - 1] != '/')
		return strcmp(rp, path) == 0;
	return strncmp(rp, path, n) == 0 && path[n] && !strchr(path + n, '/') &&
	       strcmp(path, "/v1/photos/want") != 0;
}

static conn *conn_of(struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev;
	SSL *ssl;

	if (!evcon)
		return NULL;
	bev = evhttp_connection_get_bufferevent(evcon);
	ssl = bev ? bufferevent_openssl_get_ssl(bev) : NULL;
	return ssl ? SSL_get_ex_data(ssl, hub_conn_idx) : NULL;
}

static void send_reply(server *srv, struct evhttp_request *req, int status, const char *ctype,
		       const uint8_t *body, size_t len, hub_job *job)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	struct evbuffer *buf = evbuffer_new();
	conn *c = conn_of(req);
	int i;

	if (ctype)
		evhttp_add_header(out, "Content-Type", ctype);
	evhttp_add_header(out, "Cache-Control", "no-store");
	/* HTTPS only, from now on: a browser never tries the hub in clear */
	evhttp_add_header(out, "Strict-Transport-Security", "max-age=31536000");
	for (i = 0; job && i < HUB_JOB_HEADERS; i++)
		if (job->hname[i][0])
			evhttp_add_header(out, job->hname[i], job->hval[i]);
	/* a request pipelined behind one a worker held: its bytes came while
	 * the loop was not parsing; close rather than answer it late (no client
	 * of ours pipelines) */
	if ((srv->stopping || (c && c->pipelined)) && !evhttp_find_header(out, "Connection"))
		evhttp_add_header(out, "Connection", "close");
	if (buf && len)
		evbuffer_add(buf, body, len);
	if (c) /* ready for the next request: its headers are on the clock */
		hub_conn_idle(c);
	evhttp_send_reply(req, status, NULL, buf);
	if (buf)
		evbuffer_free(buf);
}

/* An error answer; retry_after > 0 adds Retry-After, close ends the connection. */
static void reply_error_ex(server *srv, struct evhttp_request *req, int status, const char *code,
			   const char *message, int retry_after, int close)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	proto_buf b;
	char secs[16];

	if (retry_after > 0) {
		snprintf(secs, sizeof(secs), "%d", retry_after);
		evhttp_add_header(out, "Retry-After", secs);
	}
	if (close)
		evhttp_add_header(out, "Connection", "close");
	proto_buf_init(&b, 4096);
	if (hub_json_error(&b, code, message) == HUB_OK)
		send_reply(srv, req, status, "application/json", b.data, b.len, NULL);
	else
		send_reply(srv, req, status, NULL, NULL, 0, NULL);
	proto_buf_release(&b);
}

static void reply_error(server *srv, struct evhttp_request *req, int status, const char *code,
			const char *message)
{
	reply_error_ex(srv, req, status, code, message, 0, 0);
}

/* Two Content-Length headers, or one with Transfer-Encoding: which body
 * length is meant is a guess, and a proxy in front may guess otherwise. */
static int ambiguous_length(struct evhttp_request *req)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	struct evkeyval *h;
	int ncl = 0, nte = 0;

	for (h = in ? in->tqh_first : NULL; h; h = h->next.tqe_next) {
		if (evutil_ascii_strcasecmp(h->key, "Content-Length") == 0)
			ncl++;
		else if (evutil_ascii_strcasecmp(h->key, "Transfer-Encoding") == 0)
			nte++;
	}
	return ncl > 1 || (ncl && nte);
}

/* Maiam-Reads (docs/PROTOCOL.md): 1..255, 1 when absent, -1 when not a number. */
static int request_reads(struct evhttp_request *req)
{
	const char *v = evhttp_find_header(evhttp_request_get_input_headers(req), "Maiam-Reads");
	int64_t n;

	if (!v)
		return 1;
	return cli_parse_int(v, 1, 255, &n) ? -1 : (int)n;
}

/* Maiam-Epoch (docs/PROTOCOL.md): the epoch of the laptop's pull cursor
 * into out (17 bytes), "" when absent; -1 when it is not one (epoch.h). */
static int request_epoch(struct evhttp_request *req, char *out)
{
	const char *v = evhttp_find_header(evhttp_request_get_input_headers(req), "Maiam-Epoch");

	out[0] = '\0';
	if (!v)
		return 0;
	if (!hub_epoch_valid(v))
		return -1;
	memcpy(out, v, HUB_EPOCH_LEN + 1);
	return 0;
}

static const char *method_name(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET:
		return "GET";
	case EVHTTP_REQ_POST:
		return "POST";
	case EVHTTP_REQ_HEAD:
		return "HEAD";
	case EVHTTP_REQ_PUT:
		return "PUT";
	case EVHTTP_REQ_DELETE:
		return "DELETE";
	case EVHTTP_REQ_OPTIONS:
		return "OPTIONS";
	default:
		return "OTHER";
	}
}

/* A request's answer is sent (evhttp's on_complete): its log line, and a
 * push's or pull's time in the histogram. Who: the laptop's key id, the
 * operator of a dashboard page, or "-". Never the query string (a search
 * of the households may hold a name) nor anything of the body. */
static void on_complete(struct evhttp_request *req, void *arg)
{
	conn *c = conn_of(req);
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	const char *out = evhttp_find_header(evhttp_request_get_output_headers(req), "Content-Length");
	int status = evhttp_request_get_response_code(req);
	double us = c ? (double)(hub_mono_us() - c->log_start_us) : 0;
	hub_log_level level = HUB_LOG_INFO;
	hub_log_line l;
	int64_t n = 0;

	(void)arg;
	if (path && strcmp(path, "/v1/push") == 0 && status > 0)
		hub_metrics_sync_seconds(HUB_METRICS_PUSH, us / 1e6);
	else if (path && strcmp(path, "/v1/pull") == 0 && status > 0)
		hub_metrics_sync_seconds(HUB_METRICS_PULL, us / 1e6);
	/* a monitor's polls (health, a scrape every 15 s) would bury the
	 * laptops' lines: debug, unless they fail */
	if (status >= 500)
		level = HUB_LOG_WARN;
	else if (status == 200 && path &&
		 (strcmp(path, "/v1/health") == 0 || strcmp(path, "/metrics") == 0))
		level = HUB_LOG_DEBUG;
	if (!hub_log_wants(level))
		return;
	hub_log_begin(&l, level, "request");
	if (c && c->peer)
		hub_log_hex(&l, "agent", c->peer);
	else if (c && c->page)
		hub_log_str(&l, "operator", c->who[0] ? c->who : "-");
	else
		hub_log_str(&l, "agent", "-");
	hub_log_str(&l, "method", method_name(evhttp_request_get_command(req)));
	hub_log_str(&l, "route", path ? path : "-");
	hub_log_int(&l, "status", status);
	hub_log_int(&l, "bytes_in", c ? (long long)c->log_in : 0);
	if (out && cli_parse_int(out, 0, INT64_MAX, &n))
		n = 0;
	hub_log_int(&l, "bytes_out", (long long)n);
	hub_log_ms(&l, "ms", us / 1000.0);
	hub_log_end(&l);
}

void hub_server_note_operator(struct evhttp_request *req, const char *name)
{
	conn *c = conn_of(req);

	if (c)
		snprintf(c->who, sizeof(c->who), "%s", name ? name : "");
}

/* 127.0.0.1 or ::1: a client on the hub's own machine (a local Prometheus,
 * an operator's curl). Not the rest of 127/8: the tests reach the hub from
 * 127.0.0.2 as a client from elsewhere would. */
static int from_localhost(const conn *c)
{
	static const unsigned char v4[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1 };

	return c && c->admitted &&
	       (memcmp(c->addr.s6_addr, v4, 16) == 0 || IN6_IS_ADDR_LOOPBACK(&c->addr));
}

/* The server's gauges for /metrics, on the loop. */
static void live_gauges(void *arg, hub_metrics_live *m)
{
	server *srv = arg;
	char wal[PATH_MAX];
	struct stat st;
	sqlite3_stmt *q = NULL;
	conn *c;

	m->writer_queue = srv->writer ? (int64_t)hub_worker_pending(srv->writer) : -1;
	if (hub_path(srv->ctx, HUB_DB_FILE "-wal", wal, sizeof(wal)) == 0)
		m->wal_bytes = stat(wal, &st) == 0 ? (int64_t)st.st_size : errno == ENOENT ? 0 : -1;
	m->conns_sync = m->conns_dashboard = m->conns_other = 0;
	for (c = srv->conns; c; c = c->next) {
		if (c->dropped)
			continue;
		if (c->peer)
			m->conns_sync++;
		else if (c->dashboard)
			m->conns_dashboard++;
		else
			m->conns_other++;
	}
	/* the watcher's read-only connection: a count in WAL mode waits on no one */
	if (srv->watch &&
	    sqlite3_prepare_v2(srv->watch, "SELECT count(*) FROM hub_photo", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		m->photos = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
}

/* /metrics for a client on this machine (the dashboard answers it for a
 * signed-in admin from elsewhere: hub_metrics_render there). */
static void reply_metrics(server *srv, struct evhttp_request *req)
{
	proto_buf b;

	proto_buf_init(&b, 1 << 20);
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
	    evhttp_request_get_command(req) != EVHTTP_REQ_HEAD)
		reply_error(srv, req, 405, "method_not_allowed", "use GET");
	else if (hub_metrics_render(&b) != HUB_OK)
		reply_error(srv, req, 503, "busy", "the metrics do not fit their buffer: retry later");
	else
		send_reply(srv, req, 200, HUB_METRICS_CTYPE, b.data, b.len, NULL);
	proto_buf_release(&b);
}

static void on_request(struct evhttp_request *req, void *arg)
{
	server *srv = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	const char *query = uri ? evhttp_uri_get_query(uri) : NULL;
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	const route *rt = NULL;
	hub_job *job = NULL;
	conn *c = conn_of(req);
	size_t i, len;
	char epoch[HUB_EPOCH_LEN + 1];

	evhttp_request_set_on_complete_cb(req, on_complete, srv);
	if (c) { /* what its log line says, as the request came */
		c->log_start_us = c->req_start_us;
		c->log_in = c->req_bytes;
		c->page = 0;
		c->who[0] = '\0';
	}
	if (!path) {
		reply_error(srv, req, 400, "bad_request", "request has no path");
		return;
	}
	if (ambiguous_length(req)) {
		reply_error_ex(srv, req, 400, "bad_request",
			       "request has two Content-Length"
			       " headers, or one and Transfer-Encoding: send one Content-Length",
			       0, 1);
		return;
	}
	if (strcmp(path, "/v1/health") == 0) {
		static const char ok[] = "{\"status\": \"ok\"}\n"; /* no DB touched */
		send_reply(srv, req, 200, "application/json", (const uint8_t *)ok, sizeof(ok) - 1, NULL);
		return;
	}
	/* the route of this path and method, else the first of this path (405) */
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (route_matches(routes[i].path, path) &&
		    (!rt || (rt->method != evhttp_request_get_command(req) &&
			     routes[i].method == evhttp_request_get_command(req))))
			rt = &routes[i];
	if (strcmp(path, "/metrics") == 0 && from_localhost(c)) {
		reply_metrics(srv, req);
		return;
	}
	if (!rt && srv->opts->pages.claims && srv->opts->pages.claims(path)) {
		assert(srv->opts->pages.handle); /* a path claimed is a path answered */
		/* the operators' pages answer at once, on the loop (their reads are
		 * milliseconds, on a read-only connection of their own) */
		if (c) {
			hub_conn_idle(c);
			c->page = c->dashboard = 1;
		}
		srv->opts->pages.handle(req, srv->opts->pages.arg);
		return;
	}
	if (!rt) {
		reply_error(srv, req, 404, "not_found", "no such endpoint: see docs/PROTOCOL.md");
		return;
	}
	if (evhttp_request_get_command(req) != rt->method) {
		reply_error(srv, req, 405, "method_not_allowed",
			    rt->method == EVHTTP_REQ_POST  ? "use POST"
			    : rt->method == EVHTTP_REQ_GET ? "use GET"
							   : "use PUT or HEAD");
		return;
	}
	if (rt->needs_cert && (!c || !c->peer)) {
		reply_error(srv, req, 401, "certificate_required",
			    "this endpoint needs the client"
			    " certificate issued at enrolment: run 'maiam-agent enroll' first");
		return;
	}
	if (rt->run == hub_route_enroll && c && !c->peer && c->admitted) {
		int wait = hub_limits_enroll(srv, &c->addr);
		if (wait) {
			hub_anon_count("rate_limited");
			reply_error_ex(srv, req, 429, "rate_limited",
				       "too many enrolments from this"
				       " address: wait the Retry-After seconds and try again",
				       wait, 0);
			return;
		}
	}
	if (query && strlen(query) >= sizeof(job->query)) {
		reply_error(srv, req, 414, "bad_request", "query string too long");
		return;
	}
	if (request_reads(req) < 0) {
		reply_error(srv, req, 400, "bad_request",
			    "Maiam-Reads must be the format version the laptop reads, a number 1..255");
		return;
	}
	if (request_epoch(req, epoch) < 0) {
		reply_error(srv, req, 400, "bad_request",
			    "Maiam-Epoch must be the ledger epoch of the laptop's last pull, 16 hex digits");
		return;
	}
	job = calloc(1, sizeof(*job));
	len = evbuffer_get_length(in);
	if (!job || (len && !(job->body = malloc(len)))) {
		hub_job_free(job);
		reply_error(srv, req, 503, "busy", "hub is out of memory: retry later");
		return;
	}
	if (len && evbuffer_remove(in, job->body, len) != (int)len) {
		hub_job_free(job);
		reply_error(srv, req, 500, "internal", "cannot read the request body");
		return;
	}
	job->len = len;
	job->run = rt->run;
	job->req = req;
	job->peer = c ? c->peer : 0;
	job->reads = request_reads(req);
	memcpy(job->epoch, epoch, sizeof(job->epoch));
	snprintf(job->query, sizeof(job->query), "%s", query ? query : "");
	if (rt->path[strlen(rt->path) - 1] == '/') { /* a photo: its name and range */
		const char *range = evhttp_find_header(evhttp_request_get_input_headers(req),
						       "Content-Range");
		snprintf(job->target, sizeof(job->target), "%s", path + strlen(rt->path));
		snprintf(job->range, sizeof(job->range), "%s", range ? range : "");
	}
	proto_buf_init(&job->resp, (size_t)HUB_MAX_BODY * 2);
	if (c) {
		c->state = C_BUSY;
		/* more bytes than this request: the client pipelines */
		if (evbuffer_get_length(bufferevent_get_input(c->bev)) > 0)
			c->pipelined = 1;
	}
	if (rt->run == hub_route_pull || rt->run == hub_route_feedback ||
	    rt->run == hub_route_photo_want || rt->run == hub_route_photo_head) {
		hub_worker_submit(srv->reader, job);
	} else if (rt->run == hub_route_push && srv->opener) {
		job->run = hub_route_open;
		job->then = srv->writer;
		hub_worker_submit(srv->opener, job);
	} else if (rt->run == hub_route_enroll && srv->opener) {
		/* the checks that write nothing go first, on a read-only
		 * connection: junk never reaches the writer */
		job->run = hub_route_enroll_check;
		job->then = srv->writer;
		hub_worker_submit(srv->opener, job);
	} else {
		hub_worker_submit(srv->writer, job);
	}
}

static void on_done(evutil_socket_t fd, short what, void *arg)
{
	server *srv = arg;
	hub_worker *from[3] = { srv->writer, srv->reader, srv->opener };
	int i;

	(void)fd, (void)what;
	for (i = 0; i < 3; i++) {
		hub_job *job = from[i] ? hub_worker_take_done(from[i]) : NULL;
		while (job) {
			hub_job *next = job->next;
			if (job->req && job->run == hub_route_push)
				hub_metrics_push(job->code);
			if (job->req) /* NULL: the loop's own job (the counters' flush) */
				send_reply(srv, job->req, job->status, job->ctype, job->resp.data,
					   job->resp.len, job);
			hub_job_free(job);
			job = next;
		}
	}
}

/* Thread-safe: called by the worker threads. */
static void wake_loop(void *arg)
{
	server *srv = arg;
	event_active(srv->done_ev, EV_READ, 0);
}

/* Write the anonymous refusal counters now and then, on the writer. */
static void flush_counters(server *srv, uint64_t now)
{
	hub_job *job;

	if (now - srv->last_flush < ANON_FLUSH_MS || !hub_anon_pending())
		return;
	srv->last_flush = now;
	job = calloc(1, sizeof(*job));
	if (!job)
		return;
	job->run = hub_route_anon_flush;
	proto_buf_init(&job->resp, 4096);
	hub_worker_submit(srv->writer, job);
}

static void on_sweep(evutil_socket_t fd, short what, void *arg)
{
	server *srv = arg;
	uint64_t now = hub_mono_ms();
	conn *c;
	int busy = 0;

	(void)fd, (void)what;
	hub_limits_refresh(srv);
	hub_conn_sweep(srv, now);
	flush_counters(srv, now);
	for (c = srv->conns; c; c = c->next)
		if (!c->dropped && !hub_conn_quiet(c))
			busy++;
	/* the opener first: a job counts in the writer before it stops counting
	 * in the opener, so read in this order none can slip between the two */
	if (srv->stopping &&
	    ((busy == 0 && (!srv->opener || hub_worker_pending(srv->opener) == 0) &&
	      hub_worker_pending(srv->writer) == 0 && hub_worker_pending(srv->reader) == 0) ||
	     now > srv->stop_by))
		event_base_loopexit(srv->base, NULL);
}

static void on_term(evutil_socket_t sig, short what, void *arg)
{
	server *srv = arg;

	(void)what;
	if (srv->stopping)
		return;
	srv->stopping = 1;
	srv->stop_by = hub_mono_ms() + (uint64_t)srv->opts->drain_s * 1000u;
	if (srv->bound) {
		evhttp_del_accept_socket(srv->http, srv->bound);
		srv->bound = NULL;
	}
	/* said once it is true: a test (or an operator's script) may wait for it */
	hub_logf(HUB_LOG_INFO, "stopping", _("signal %d: no new connections, finishing in-flight work"),
		 (int)sig);
	event_active(srv->sweep_ev, EV_TIMEOUT, 0);
}

static int split_listen(const char *listen, char *host, size_t hostlen, unsigned short *port)
{
	const char *colon = strrchr(listen, ':');
	int64_t p;

	if (!colon || colon == listen || (size_t)(colon - listen) >= hostlen ||
	    cli_parse_int(colon + 1, 0, 65535, &p))
		return -1;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') { /* [::1]:443 */
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	*port = (unsigned short)p;
	return 0;
}

static int bound_port(struct evhttp_bound_socket *bound)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	evutil_socket_t fd = evhttp_bound_socket_get_fd(bound);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* The pages end before the loop's base: they made events on it. */
static void pages_stop(const hub_serve_opts *opts)
{
	if (opts->pages.stop)
		opts->pages.stop(opts->pages.arg);
}

hub_result hub_serve(hub_ctx *ctx, const hub_serve_opts *opts)
{
	server srv;
	struct timeval sweep = { 0, SWEEP_MS * 1000 };
	char host[256], err[256];
	unsigned short port;
	hub_result rc = HUB_ENOMEM;
	int one = 1;
	evutil_socket_t lfd;

	memset(&srv, 0, sizeof(srv));
	srv.ctx = ctx;
	srv.opts = opts;
	if (split_listen(opts->listen, host, sizeof(host), &port)) {
		hub_errorf(_("--listen '%s' is not ADDR:PORT (for example 127.0.0.1:8443)"), opts->listen);
		pages_stop(opts);
		return HUB_REFUSED;
	}
	if (hub_conn_idx < 0)
		hub_conn_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, hub_conn_free_cb);
	srv.ssl = hub_tls_server_ctx(ctx->cfg->dir, err, sizeof(err));
	if (!srv.ssl) {
		hub_errorf("%s", err);
		pages_stop(opts);
		return HUB_ECRYPTO;
	}
	signal(SIGPIPE, SIG_IGN);
	if (evthread_use_pthreads() != 0 || !(srv.base = event_base_new()) ||
	    !(srv.http = evhttp_new(srv.base))) {
		hub_errorf("%s", _("cannot start the event loop"));
		goto out;
	}
	evhttp_set_max_body_size(srv.http, HUB_MAX_BODY);
	evhttp_set_max_headers_size(srv.http, HUB_MAX_HEADERS);
	evhttp_set_timeout(srv.http, opts->idle_timeout_s);
	evhttp_set_flags(srv.http, 0); /* no lingering close: answer 413 at once */
	evhttp_set_allowed_methods(srv.http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
						     EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
						     EVHTTP_REQ_OPTIONS);
	evhttp_set_bevcb(srv.http, hub_conn_accept, &srv);
	evhttp_set_gencb(srv.http, on_request, &srv);
	srv.bound = evhttp_bind_socket_with_handle(srv.http, host, port);
	if (!srv.bound) {
		hub_errorf(_("cannot listen on '%s': address in use or not local"), opts->listen);
		rc = HUB_ENET;
		goto out;
	}
	lfd = evhttp_bound_socket_get_fd(srv.bound);
	/* accepted sockets inherit it on Linux; set again per connection anyway */
	setsockopt(lfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	srv.done_ev = event_new(srv.base, -1, 0, on_done, &srv);
	srv.sweep_ev = event_new(srv.base, -1, EV_PERSIST, on_sweep, &srv);
	srv.term_ev = evsignal_new(srv.base, SIGTERM, on_term, &srv);
	srv.int_ev = evsignal_new(srv.base, SIGINT, on_term, &srv);
	srv.admit_ev = event_new(srv.base, -1, 0, hub_conn_admit, &srv);
	if (!srv.done_ev || !srv.sweep_ev || !srv.term_ev || !srv.int_ev || !srv.admit_ev ||
	    event_add(srv.sweep_ev, &sweep) || event_add(srv.term_ev, NULL) ||
	    event_add(srv.int_ev, NULL)) {
		hub_errorf("%s", _("cannot set up the event loop"));
		goto out;
	}
	if (hub_limits_start(&srv)) {
		hub_errorf(_("cannot read the revoked agents in '%s/%s': check the file"), ctx->cfg->dir,
			   HUB_DB_FILE);
		rc = HUB_EDB;
		goto out;
	}
	srv.last_flush = hub_mono_ms();
	hub_metrics_set_live(live_gauges, &srv);
	srv.ckpt = hub_checkpointer_start(ctx);
	if (srv.ckpt)
		hub_checkpointer_attach(srv.ckpt, ctx->db);
	srv.writer = hub_worker_start_writer(ctx, wake_loop, &srv);
	if (!srv.writer) {
		hub_errorf("%s", _("cannot start the writer thread"));
		goto out;
	}
	srv.keep_cuts = 1;
	srv.reader = hub_worker_start_reader(ctx, wake_loop, &srv);
	if (!srv.reader) {
		hub_errorf(_("cannot start the pull reader thread on a read-only connection to"
			     " '%s/%s': check the file's permissions"),
			   ctx->cfg->dir, HUB_DB_FILE);
		rc = HUB_EDB;
		goto out;
	}
	/* without an opener (out of memory, no read-only connection) the
	 * writer opens pushes itself, as it did before there was one */
	srv.opener = hub_worker_start_opener(ctx, wake_loop, &srv);
	/* the one line scripts read to learn the port (tests/sync/lib.sh,
	 * scripts/demo): the same in every language */
	printf("listening on https://%s:%d\n", strchr(host, ':') ? "[::1]" : host, bound_port(srv.bound));
	fflush(stdout);
	event_base_dispatch(srv.base);
	rc = HUB_OK;
out:
	/* the writer finishes what it holds (merges are never cut), then the
	 * loop's objects go; conn_free_cb may still run from event_base_free */
	srv.stopping = 1;
	hub_metrics_set_live(NULL, NULL);
	srv.keep_cuts = 0;           /* evhttp_free below ends connections: the writer is gone then */
	hub_worker_stop(srv.opener); /* first: what it holds goes on to the writer */
	hub_worker_stop(srv.reader);
	hub_worker_stop(srv.writer);
	hub_checkpointer_stop(srv.ckpt, ctx->db);
	hub_anon_flush(ctx->db); /* the writer has stopped: its connection is ours */
	if (srv.http)
		evhttp_free(srv.http);
	pages_stop(opts);
	{
		struct event *evs[] = { srv.done_ev, srv.sweep_ev, srv.term_ev, srv.int_ev, srv.admit_ev };
		size_t i;

		for (i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
			if (evs[i])
				event_free(evs[i]);
	}
	if (srv.base)
		event_base_free(srv.base);
	hub_limits_stop(&srv);
	SSL_CTX_free(srv.ssl);
	return rc;
}
