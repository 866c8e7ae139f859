/*
 * server.c - the HTTPS front of maiam-hub: libevent's evhttp over
 * bufferevent_openssl, with what evhttp lacks built around it (issue 4):
 * TCP_NODELAY, body and header caps, no lingering close, a connection cap
 * (the listener pauses when full), a deadline for slow or absent headers, a
 * byte budget for connections without a client certificate (so a stranger
 * cannot make the hub buffer an upload), and a graceful SIGTERM. The loop
 * only moves bytes; routes run in the worker threads (writer.c): a push on
 * the opener and then the writer, a pull on the reader, the rest on the writer.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include "hub.h"
#include "report/report.h"

/* Bytes a connection without a verified client certificate may send in all:
 * room for a few enrolment requests, far below any change-set upload. */
#define ANON_BUDGET (64u << 10)
#define SWEEP_MS 200

enum { C_IDLE, C_HEADERS, C_BODY, C_BUSY };

typedef struct server server;

typedef struct conn {
	server *srv;
	struct bufferevent *bev;
	SSL *ssl;
	int state;
	int kill;          /* drop at the next sweep */
	int checked;       /* certificate looked at (after the handshake) */
	uint64_t peer;     /* key id of the verified client certificate, 0 if none */
	uint64_t nread;
	uint64_t deadline; /* monotonic ms by which headers must be complete; 0 none */
	unsigned char tail[3];
	struct conn *prev, *next;
} conn;

struct server {
	hub_ctx *ctx;
	const hub_serve_opts *opts;
	struct event_base *base;
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	SSL_CTX *ssl;
	hub_writer *writer;
	hub_writer *opener; /* pushes: verified and decoded here, then merged by writer */
	hub_checkpointer *ckpt; /* the writer's WAL checkpoints (NULL: it makes its own) */
	hub_writer *reader;  /* pulls, on a read-only connection */
	hub_dashboard *dash; /* operators' pages at "/" (hub/report/dashboard.c) */
	struct event *done_ev, *sweep_ev, *term_ev, *int_ev;
	conn *conns;
	int nconns;
	int paused;
	int stopping;
	uint64_t stop_by;
};

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
};

static int conn_idx = -1;

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void listener_pause(server *srv, int pause)
{
	struct evconnlistener *l;

	if (!srv->bound || srv->paused == pause)
		return;
	l = evhttp_bound_socket_get_listener(srv->bound);
	if (pause)
		evconnlistener_disable(l);
	else
		evconnlistener_enable(l);
	srv->paused = pause;
}

/* Called by OpenSSL when the connection's SSL object is freed, which evhttp
 * does when it frees the connection: the one place we learn it is gone. */
static void conn_free_cb(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
	conn *c = ptr;
	server *srv;

	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	if (!c)
		return;
	srv = c->srv;
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	srv->nconns--;
	if (!srv->stopping && srv->nconns < srv->opts->max_conns)
		listener_pause(srv, 0);
	free(c);
}

static void check_peer(conn *c)
{
	X509 *cert;
	EVP_PKEY *pk;
	uint8_t raw[PROTO_PUBKEY_LEN];
	size_t n = sizeof(raw);

	c->checked = 1;
	cert = SSL_get0_peer_certificate(c->ssl);
	if (!cert || SSL_get_verify_result(c->ssl) != X509_V_OK)
		return;
	pk = X509_get0_pubkey(cert);
	if (pk && EVP_PKEY_get_base_id(pk) == EVP_PKEY_ED25519 &&
	    EVP_PKEY_get_raw_public_key(pk, raw, &n) == 1 && n == sizeof(raw))
		c->peer = proto_key_id_of_raw(raw);
}

static void set_nodelay(conn *c)
{
	int one = 1;
	evutil_socket_t fd = bufferevent_getfd(c->bev);

	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* Watch the bytes evhttp is about to parse: find the end of each request's
 * headers (to stop the header clock) and count what strangers send. */
static void on_input(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	conn *c = arg;
	struct evbuffer_ptr pos;
	struct evbuffer_iovec vec[8];
	size_t len = evbuffer_get_length(buf);
	int n, i;

	if (info->n_added == 0 || c->kill)
		return;
	if (!c->checked) {
		check_peer(c);
		set_nodelay(c);
	}
	c->nread += info->n_added;
	if (!c->peer && c->nread > ANON_BUDGET) {
		c->kill = 1;
		bufferevent_disable(c->bev, EV_READ);
		event_active(c->srv->sweep_ev, EV_TIMEOUT, 0);
		return;
	}
	if (c->state != C_IDLE && c->state != C_HEADERS)
		return;
	c->state = C_HEADERS;
	if (evbuffer_ptr_set(buf, &pos, len - info->n_added, EVBUFFER_PTR_SET) != 0)
		return;
	n = evbuffer_peek(buf, (ev_ssize_t)info->n_added, &pos, vec, 8);
	for (i = 0; i < n && i < 8 && c->state == C_HEADERS; i++) {
		const unsigned char *p = vec[i].iov_base;
		size_t k;
		for (k = 0; k < vec[i].iov_len; k++) {
			/* "\r\n\r\n" or a bare "\n\n" ends the headers */
			if (p[k] == '\n' && (c->tail[2] == '\n' ||
					     (c->tail[2] == '\r' && c->tail[1] == '\n'))) {
				c->state = C_BODY;
				c->deadline = 0;
				break;
			}
			c->tail[0] = c->tail[1];
			c->tail[1] = c->tail[2];
			c->tail[2] = p[k];
		}
	}
}

static struct bufferevent *on_accept(struct event_base *base, void *arg)
{
	server *srv = arg;
	SSL *ssl = SSL_new(srv->ssl);
	conn *c = calloc(1, sizeof(*c));
	struct bufferevent *bev = NULL;

	if (ssl && c)
		bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
						     BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		/* out of memory: evhttp then reads this one connection as plain
		 * HTTP; a TLS hello is not HTTP, so it is answered 400 and closed */
		if (ssl)
			SSL_free(ssl);
		free(c);
		return NULL;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	c->srv = srv;
	c->bev = bev;
	c->ssl = ssl;
	c->deadline = mono_ms() + (uint64_t)srv->opts->header_deadline_s * 1000u;
	c->next = srv->conns;
	if (c->next)
		c->next->prev = c;
	srv->conns = c;
	srv->nconns++;
	SSL_set_ex_data(ssl, conn_idx, c);
	evbuffer_add_cb(bufferevent_get_input(bev), on_input, c);
	/* evhttp gives us no way to refuse a connection here: pause the listener
	 * instead, so over-cap clients wait in the kernel backlog for free */
	if (srv->nconns >= srv->opts->max_conns)
		listener_pause(srv, 1);
	return bev;
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
	return ssl ? SSL_get_ex_data(ssl, conn_idx) : NULL;
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
	for (i = 0; job && i < 2; i++)
		if (job->hname[i][0])
			evhttp_add_header(out, job->hname[i], job->hval[i]);
	if (srv->stopping)
		evhttp_add_header(out, "Connection", "close");
	if (buf && len)
		evbuffer_add(buf, body, len);
	if (c) { /* ready for the next request: its headers are on the clock */
		c->state = C_IDLE;
		c->deadline = mono_ms() + (uint64_t)srv->opts->header_deadline_s * 1000u;
		memset(c->tail, 0, sizeof(c->tail));
	}
	evhttp_send_reply(req, status, NULL, buf);
	if (buf)
		evbuffer_free(buf);
}

static void reply_error(server *srv, struct evhttp_request *req, int status, const char *code,
			const char *message)
{
	proto_buf b;

	proto_buf_init(&b, 4096);
	if (hub_json_error(&b, code, message) == 0)
		send_reply(srv, req, status, "application/json", b.data, b.len, NULL);
	else
		send_reply(srv, req, status, NULL, NULL, 0, NULL);
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

	if (!path) {
		reply_error(srv, req, 400, "bad_request", "request has no path");
		return;
	}
	if (strcmp(path, "/v1/health") == 0) {
		static const char ok[] = "{\"status\": \"ok\"}\n"; /* no DB touched */
		send_reply(srv, req, 200, "application/json", (const uint8_t *)ok, sizeof(ok) - 1, NULL);
		return;
	}
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(path, routes[i].path) == 0)
			rt = &routes[i];
	if (!rt && srv->dash && hub_dashboard_path(path)) {
		/* the operators' pages answer at once, on the loop (their reads are
		 * milliseconds, on a read-only connection of their own) */
		if (c) {
			c->state = C_IDLE;
			c->deadline = mono_ms() + (uint64_t)srv->opts->header_deadline_s * 1000u;
			memset(c->tail, 0, sizeof(c->tail));
		}
		hub_dashboard_handle(req, srv->dash);
		return;
	}
	if (!rt) {
		reply_error(srv, req, 404, "not_found", "no such endpoint: see docs/PROTOCOL.md");
		return;
	}
	if (evhttp_request_get_command(req) != rt->method) {
		reply_error(srv, req, 405, "method_not_allowed",
			    rt->method == EVHTTP_REQ_POST ? "use POST" : "use GET");
		return;
	}
	if (rt->needs_cert && (!c || !c->peer)) {
		reply_error(srv, req, 401, "certificate_required", "this endpoint needs the client"
			    " certificate issued at enrolment: run 'maiam-agent enroll' first");
		return;
	}
	if (query && strlen(query) >= sizeof(job->query)) {
		reply_error(srv, req, 414, "bad_request", "query string too long");
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
	snprintf(job->query, sizeof(job->query), "%s", query ? query : "");
	proto_buf_init(&job->resp, (size_t)HUB_MAX_BODY * 2);
	if (c)
		c->state = C_BUSY;
	if (rt->run == hub_route_pull) {
		hub_writer_submit(srv->reader, job);
	} else if (rt->run == hub_route_push && srv->opener) {
		job->run = hub_route_open;
		job->then = srv->writer;
		hub_writer_submit(srv->opener, job);
	} else {
		hub_writer_submit(srv->writer, job);
	}
}

static void on_done(evutil_socket_t fd, short what, void *arg)
{
	server *srv = arg;
	hub_writer *from[3] = { srv->writer, srv->reader, srv->opener };
	int i;

	(void)fd, (void)what;
	for (i = 0; i < 3; i++) {
		hub_job *job = from[i] ? hub_writer_take_done(from[i]) : NULL;
		while (job) {
			hub_job *next = job->next;
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

static void drop(conn *c)
{
	/* evhttp's error path frees the connection (and so c) as if the peer
	 * had gone; a request in the writer is detached and freed on reply */
	bufferevent_trigger_event(c->bev, BEV_EVENT_ERROR | BEV_EVENT_READING, 0);
}

static void on_sweep(evutil_socket_t fd, short what, void *arg)
{
	server *srv = arg;
	uint64_t now = mono_ms();
	conn *c = srv->conns;
	int busy = 0;

	(void)fd, (void)what;
	while (c) {
		conn *next = c->next;
		if (c->kill || (c->deadline && now > c->deadline) ||
		    (srv->stopping && c->state == C_IDLE))
			drop(c);
		else if (c->state != C_IDLE)
			busy++;
		c = next;
	}
	/* the opener first: a job counts in the writer before it stops counting
	 * in the opener, so read in this order none can slip between the two */
	if (srv->stopping && ((busy == 0 && (!srv->opener || hub_writer_pending(srv->opener) == 0) &&
			       hub_writer_pending(srv->writer) == 0 &&
			       hub_writer_pending(srv->reader) == 0) ||
			      now > srv->stop_by))
		event_base_loopexit(srv->base, NULL);
}

static void on_term(evutil_socket_t sig, short what, void *arg)
{
	server *srv = arg;

	(void)what;
	if (srv->stopping)
		return;
	fprintf(stderr, "maiam-hub: signal %d: no new connections, finishing in-flight work\n",
		(int)sig);
	srv->stopping = 1;
	srv->stop_by = mono_ms() + (uint64_t)srv->opts->drain_s * 1000u;
	if (srv->bound) {
		evhttp_del_accept_socket(srv->http, srv->bound);
		srv->bound = NULL;
	}
	event_active(srv->sweep_ev, EV_TIMEOUT, 0);
}

static int split_listen(const char *listen, char *host, size_t hostlen, unsigned short *port)
{
	const char *colon = strrchr(listen, ':');
	long p;

	if (!colon || colon == listen || (size_t)(colon - listen) >= hostlen ||
	    hub_parse_int(colon + 1, 0, 65535, &p))
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

int hub_serve(hub_ctx *ctx, const hub_serve_opts *opts)
{
	server srv;
	struct timeval sweep = { 0, SWEEP_MS * 1000 };
	char host[256], err[256];
	unsigned short port;
	int one = 1, rc = HUB_EXIT_FAIL;
	evutil_socket_t lfd;

	memset(&srv, 0, sizeof(srv));
	srv.ctx = ctx;
	srv.opts = opts;
	if (split_listen(opts->listen, host, sizeof(host), &port)) {
		hub_errorf("--listen '%s' is not ADDR:PORT (for example 127.0.0.1:8443)", opts->listen);
		return HUB_EXIT_USAGE;
	}
	if (conn_idx < 0)
		conn_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, conn_free_cb);
	srv.ssl = hub_tls_server_ctx(ctx->dir, err, sizeof(err));
	if (!srv.ssl) {
		hub_errorf("%s", err);
		return HUB_EXIT_FAIL;
	}
	signal(SIGPIPE, SIG_IGN);
	if (evthread_use_pthreads() != 0 || !(srv.base = event_base_new()) ||
	    !(srv.http = evhttp_new(srv.base))) {
		hub_errorf("cannot start the event loop");
		goto out;
	}
	evhttp_set_max_body_size(srv.http, HUB_MAX_BODY);
	evhttp_set_max_headers_size(srv.http, HUB_MAX_HEADERS);
	evhttp_set_timeout(srv.http, opts->idle_timeout_s);
	evhttp_set_flags(srv.http, 0); /* no lingering close: answer 413 at once */
	evhttp_set_allowed_methods(srv.http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
					     EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS);
	evhttp_set_bevcb(srv.http, on_accept, &srv);
	evhttp_set_gencb(srv.http, on_request, &srv);
	srv.dash = hub_dashboard_new(ctx->dir, err, sizeof(err));
	if (!srv.dash) {
		hub_errorf("cannot start the dashboard: %s", err);
		goto out;
	}
	srv.bound = evhttp_bind_socket_with_handle(srv.http, host, port);
	if (!srv.bound) {
		hub_errorf("cannot listen on '%s': address in use or not local", opts->listen);
		rc = HUB_EXIT_NETWORK;
		goto out;
	}
	lfd = evhttp_bound_socket_get_fd(srv.bound);
	/* accepted sockets inherit it on Linux; set again per connection anyway */
	setsockopt(lfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	srv.done_ev = event_new(srv.base, -1, 0, on_done, &srv);
	srv.sweep_ev = event_new(srv.base, -1, EV_PERSIST, on_sweep, &srv);
	srv.term_ev = evsignal_new(srv.base, SIGTERM, on_term, &srv);
	srv.int_ev = evsignal_new(srv.base, SIGINT, on_term, &srv);
	if (!srv.done_ev || !srv.sweep_ev || !srv.term_ev || !srv.int_ev ||
	    event_add(srv.sweep_ev, &sweep) || event_add(srv.term_ev, NULL) ||
	    event_add(srv.int_ev, NULL)) {
		hub_errorf("cannot set up the event loop");
		goto out;
	}
	srv.ckpt = hub_checkpointer_start(ctx);
	if (srv.ckpt)
		hub_checkpointer_attach(srv.ckpt, ctx->db);
	srv.writer = hub_writer_start(ctx, wake_loop, &srv);
	if (!srv.writer) {
		hub_errorf("cannot start the writer thread");
		goto out;
	}
	srv.reader = hub_reader_start(ctx, wake_loop, &srv);
	if (!srv.reader) {
		hub_errorf("cannot start the pull reader thread on a read-only connection to"
			   " '%s/%s': check the file's permissions", ctx->dir, HUB_DB_FILE);
		goto out;
	}
	/* without an opener (out of memory, no read-only connection) the
	 * writer opens pushes itself, as it did before there was one */
	srv.opener = hub_opener_start(ctx, wake_loop, &srv);
	printf("listening on https://%s:%d\n", strchr(host, ':') ? "[::1]" : host,
	       bound_port(srv.bound));
	fflush(stdout);
	event_base_dispatch(srv.base);
	rc = HUB_EXIT_OK;
out:
	/* the writer finishes what it holds (merges are never cut), then the
	 * loop's objects go; conn_free_cb may still run from event_base_free */
	srv.stopping = 1;
	hub_writer_stop(srv.opener); /* first: what it holds goes on to the writer */
	hub_writer_stop(srv.reader);
	hub_writer_stop(srv.writer);
	hub_checkpointer_stop(srv.ckpt, ctx->db);
	if (srv.http)
		evhttp_free(srv.http);
	hub_dashboard_free(srv.dash);
	if (srv.done_ev)
		event_free(srv.done_ev);
	if (srv.sweep_ev)
		event_free(srv.sweep_ev);
	if (srv.term_ev)
		event_free(srv.term_ev);
	if (srv.int_ev)
		event_free(srv.int_ev);
	if (srv.base)
		event_base_free(srv.base);
	SSL_CTX_free(srv.ssl);
	return rc;
}
