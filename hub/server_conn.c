/*
 * server_conn.c - the connections of the HTTPS front, from accept to free:
 * admission (at the per-address cap and at the connection cap the eviction of
 * an anonymous or idle connection rather than a refusal or a paused
 * listener), the bytes
 * each sends (end of headers, Content-Length, the stranger's budget) and the
 * sweep that cuts what is late or too slow (docs/HUB.md, "Limits at the door").
 */
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/x509.h>
#include "photo_store.h"
#include "log.h"
#include "metrics.h"
#include "server_int.h"

int hub_conn_idx = -1;

uint64_t hub_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t hub_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The refusal event of a connection the hub cut, or of one that ended
 * without an answer to the request it was sending (evhttp's own refusals
 * of an oversized request, a laptop gone mid-upload), as it is freed. The
 * client's address is there for a firewall rule; nothing it sent is. */
static void log_closed(const conn *c)
{
	hub_closed why = c->why;
	hub_log_line l;
	char addr[INET6_ADDRSTRLEN];

	if (why == HUB_CLOSED_NONE && c->admitted && !SSL_is_init_finished(c->ssl))
		why = HUB_CLOSED_TLS_HANDSHAKE; /* refused at the handshake (a revoked key) or never spoken */
	if (why == HUB_CLOSED_NONE && (c->state == C_HEADERS || c->state == C_BODY) &&
	    c->req_bytes > 0 && !c->srv->stopping)
		why = HUB_CLOSED_UNANSWERED;
	if (why == HUB_CLOSED_NONE)
		return;
	hub_metrics_conn_closed(why);
	if (!hub_log_wants(HUB_LOG_INFO))
		return;
	hub_log_begin(&l, HUB_LOG_INFO, "conn_closed");
	hub_log_str(&l, "reason", hub_closed_name(why));
	if (c->peer)
		hub_log_hex(&l, "agent", c->peer);
	else
		hub_log_str(&l, "agent", "-");
	if (c->admitted) {
		if (IN6_IS_ADDR_V4MAPPED(&c->addr))
			inet_ntop(AF_INET, &c->addr.s6_addr[12], addr, sizeof(addr));
		else
			inet_ntop(AF_INET6, &c->addr, addr, sizeof(addr));
		hub_log_str(&l, "addr", addr);
	}
	hub_log_str(&l, "state",
		    c->state == C_HEADERS ? "headers"
		    : c->state == C_BODY  ? "body"
		    : c->state == C_BUSY  ? "busy"
					  : "idle");
	hub_log_int(&l, "bytes_in", (long long)c->nread);
	hub_log_end(&l);
}

/* The photo a request line "PUT /v1/photos/<64 hex> HTTP/1.x" names (its
 * hash into hex), nothing else: 0, or -1. */
static int photo_put_of(const char *line, char hex[65])
{
	static const char put[] = "PUT /v1/photos/";

	if (strncmp(line, put, sizeof(put) - 1) != 0)
		return -1;
	line += sizeof(put) - 1;
	snprintf(hex, 65, "%.64s", line);
	if (!hub_photo_hex_ok(hex))
		return -1;
	line += 64;
	return strcmp(line, " HTTP/1.1") == 0 || strcmp(line, " HTTP/1.0") == 0 ? 0 : -1;
}

/*
 * The connection of an enrolled laptop ended during the body of a PUT of a
 * photo range: what came of the body goes to the writer (a job without a
 * request to answer), which appends it to the partial only where the whole
 * range would have been (hub_route_photo_cut). Called as c is freed. evhttp
 * (2.1) leaves a Content-Length body in the connection's input until all of
 * it is there, so the input holds the body's first bytes and nothing else:
 * as many as on_input counted after the headers, else nothing is kept.
 */
static void keep_cut_body(conn *c)
{
	server *srv = c->srv;
	struct evbuffer *in;
	hub_job *job;
	char hex[65];
	size_t n;

	if (!srv->keep_cuts || c->state != C_BODY || !c->peer || c->kill || c->pipelined || c->chunked ||
	    c->odd || c->nclen != 1 || c->ncrange != 1 || c->clen > HUB_MAX_BODY ||
	    hub_idset_has(&srv->revoked, c->peer) || photo_put_of(c->first, hex))
		return;
	in = bufferevent_get_input(c->bev);
	n = evbuffer_get_length(in);
	if (n == 0 || n >= c->clen || n != c->req_bytes - c->body_at)
		return;
	job = calloc(1, sizeof(*job));
	if (!job || !(job->body = malloc(n)) || evbuffer_copyout(in, job->body, n) != (ev_ssize_t)n) {
		hub_job_free(job);
		return;
	}
	job->run = hub_route_photo_cut;
	job->peer = c->peer;
	job->len = n;
	job->declared = c->clen;
	snprintf(job->target, sizeof(job->target), "%s", hex);
	snprintf(job->range, sizeof(job->range), "%s", c->crange);
	proto_buf_init(&job->resp, 4096);
	hub_worker_submit(srv->writer, job);
}

/* Called by OpenSSL when the connection's SSL object is freed, which evhttp
 * does when it frees the connection: the one place we learn it is gone. */
void hub_conn_free_cb(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
	conn *c = ptr;
	server *srv;

	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	if (!c)
		return;
	srv = c->srv;
	/* OpenSSL drops the session of a connection freed without our
	 * close_notify, and a cut or a closed laptop leaves none sent: keep it
	 * (its handshake was whole), the laptop resumes it after a cut */
	if (SSL_is_init_finished(c->ssl))
		SSL_set_shutdown(c->ssl, SSL_get_shutdown(c->ssl) | SSL_SENT_SHUTDOWN);
	log_closed(c);
	keep_cut_body(c);
	hub_limits_release(c);
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	srv->nconns--;
	if (c->dropped)
		srv->ndropped--;
	free(c);
}

void hub_conn_drop(conn *c)
{
	/* A burst of newcomers from one address is admitted in one turn of
	 * the loop: without the mark each would pick, and cut again, the same
	 * victim, and the address keep more than its share. And a second
	 * error on a bufferevent being finalized would free it twice. */
	if (c->dropped)
		return;
	c->dropped = 1;
	c->srv->ndropped++;
	/* evhttp's error path frees the connection (and so c) as if the peer
	 * had gone; a request in the writer is detached and freed on reply */
	bufferevent_trigger_event(c->bev, BEV_EVENT_ERROR | BEV_EVENT_READING, 0);
}

static void kill_soon(conn *c, hub_closed why)
{
	c->why = why;
	c->kill = 1;
	bufferevent_disable(c->bev, EV_READ);
	event_active(c->srv->sweep_ev, EV_TIMEOUT, 0);
}

void hub_conn_check_peer(conn *c)
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
	/* a resumed session skips the handshake's check of the revoked set
	 * (tls.c, verify_cb): an agent revoked since its session began is
	 * known as nobody (a request already read is a stranger's) and cut */
	if (c->peer && hub_idset_has(&c->srv->revoked, c->peer)) {
		if (hub_log_wants(HUB_LOG_WARN)) { /* its id goes with it: say it here */
			hub_log_line l;
			hub_log_begin(&l, HUB_LOG_WARN, "revoked_key");
			hub_log_hex(&l, "agent", c->peer);
			hub_log_end(&l);
		}
		kill_soon(c, HUB_CLOSED_REVOKED);
		c->peer = 0;
		return;
	}
	/* one laptop needs one connection or two: more is a stuck or hostile
	 * client holding slots (and body buffers) the others need */
	if (c->peer && hub_limits_same_key(c->srv, c) > c->srv->opts->door.max_per_key)
		kill_soon(c, HUB_CLOSED_PER_KEY);
}

static void set_nodelay(conn *c)
{
	int one = 1;
	evutil_socket_t fd = bufferevent_getfd(c->bev);

	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* The value of header line c->line after its name, blanks around it off. */
static void header_value(const conn *c, size_t name_len, char *out, size_t outlen)
{
	const char *p = c->line + name_len;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	snprintf(out, outlen, "%.*s", (int)n, p);
}

/* A line of the headers ended: the request line kept, Content-Length and
 * Transfer-Encoding noted to size the body before evhttp reads it, and
 * Content-Range kept for a photo body that may be cut (keep_cut_body). */
static void header_line(conn *c)
{
	static const char cl[] = "content-length:", te[] = "transfer-encoding:", cr[] = "content-range:";

	c->line[c->linelen] = '\0';
	if (!c->first[0]) {
		snprintf(c->first, sizeof(c->first), "%s", c->line);
		if (c->line_cut || !c->first[0])
			c->odd = 1;
	} else if (c->line[0] == ' ' || c->line[0] == '\t') {
		c->odd = 1; /* a folded line: evhttp would join it to the last */
	} else if (strncasecmp(c->line, cl, sizeof(cl) - 1) == 0) {
		const char *p = c->line + sizeof(cl) - 1;
		uint64_t v = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		for (; *p >= '0' && *p <= '9' && v < ((uint64_t)1 << 40); p++)
			v = v * 10 + (uint64_t)(*p - '0');
		if (v > c->clen)
			c->clen = v;
		c->nclen++;
	} else if (strncasecmp(c->line, te, sizeof(te) - 1) == 0) {
		c->chunked = 1;
	} else if (strncasecmp(c->line, cr, sizeof(cr) - 1) == 0) {
		header_value(c, sizeof(cr) - 1, c->crange, sizeof(c->crange));
		if (c->line_cut)
			c->odd = 1;
		c->ncrange++;
	}
	c->linelen = 0;
	c->line_cut = 0;
}

/* Watch the bytes evhttp is about to parse: find the end of each request's
 * headers (to stop the header clock, size the body) and count what
 * strangers send. */
static void on_input(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	conn *c = arg;
	struct evbuffer_ptr pos;
	struct evbuffer_iovec vec[8];
	size_t len = evbuffer_get_length(buf);
	uint64_t at;
	int n, i;

	if (info->n_added == 0 || hub_conn_leaving(c))
		return;
	if (!c->checked) {
		hub_conn_check_peer(c);
		set_nodelay(c);
		if (c->kill)
			return;
	}
	c->nread += info->n_added;
	if (!c->peer && c->nread > ANON_BUDGET) {
		kill_soon(c, HUB_CLOSED_ANON_BUDGET);
		return;
	}
	if (c->state == C_BUSY)
		c->pipelined = 1; /* bytes of a next request while this one runs */
	if (c->state != C_IDLE && c->state != C_HEADERS) {
		c->req_bytes += info->n_added;
		return;
	}
	if (c->state == C_IDLE) {
		c->state = C_HEADERS;
		if (c->nread > info->n_added) { /* the first request's clock runs from the accept */
			c->req_start = hub_mono_ms();
			c->req_start_us = hub_mono_us();
		}
		c->req_bytes = 0;
		c->clen = 0;
		c->chunked = 0;
		c->linelen = 0;
		c->line_cut = 0;
		c->first[0] = c->crange[0] = '\0';
		c->nclen = c->ncrange = c->odd = 0;
		c->body_at = 0;
	}
	at = c->req_bytes; /* this request's bytes before these */
	c->req_bytes += info->n_added;
	if (evbuffer_ptr_set(buf, &pos, len - info->n_added, EVBUFFER_PTR_SET) != 0)
		return;
	n = evbuffer_peek(buf, (ev_ssize_t)info->n_added, &pos, vec, 8);
	for (i = 0; i < n && i < 8 && c->state == C_HEADERS; i++) {
		const unsigned char *p = vec[i].iov_base;
		size_t k;
		for (k = 0; k < vec[i].iov_len; k++) {
			/* "\r\n\r\n" or a bare "\n\n" ends the headers */
			if (p[k] == '\n' &&
			    (c->tail[2] == '\n' || (c->tail[2] == '\r' && c->tail[1] == '\n'))) {
				c->state = C_BODY;
				c->deadline = 0;
				c->body_at = at + k + 1;
				if (hub_limits_reserve(c))
					kill_soon(c, HUB_CLOSED_MAX_BUFFERED);
				break;
			}
			if (p[k] == '\n')
				header_line(c);
			else if (p[k] != '\r' && c->linelen < sizeof(c->line) - 1)
				c->line[c->linelen++] = (char)p[k];
			else if (p[k] != '\r')
				c->line_cut = 1;
			c->tail[0] = c->tail[1];
			c->tail[1] = c->tail[2];
			c->tail[2] = p[k];
		}
		at += vec[i].iov_len;
	}
}

struct bufferevent *hub_conn_accept(struct event_base *base, void *arg)
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
	c->born = c->req_start = hub_mono_ms();
	c->req_start_us = hub_mono_us();
	c->deadline = c->born + (uint64_t)srv->opts->header_deadline_s * 1000u;
	c->next = srv->conns;
	if (c->next)
		c->next->prev = c;
	srv->conns = c;
	srv->nconns++;
	SSL_set_ex_data(ssl, hub_conn_idx, c);
	evbuffer_add_cb(bufferevent_get_input(bev), on_input, c);
	/* evhttp gives the socket to the bufferevent after this returns: the
	 * address is known when the admission event runs, before any byte of
	 * the handshake is read */
	event_active(srv->admit_ev, EV_TIMEOUT, 0);
	return bev;
}

/* The connection to give up for a newcomer at the cap: an anonymous one
 * first, else an idle enrolled one; the oldest of them. Never one whose
 * request a worker holds, never 'except'. */
static conn *victim(server *srv, const conn *except)
{
	conn *c, *best = NULL;
	int best_rank = 0;

	for (c = srv->conns; c; c = c->next) {
		int rank;
		if (c == except || hub_conn_leaving(c) || c->state == C_BUSY)
			continue;
		if (!c->peer)
			rank = 2;
		else if (c->state == C_IDLE)
			rank = 1;
		else
			continue;
		if (rank > best_rank || (rank == best_rank && c->born < best->born)) {
			best = c;
			best_rank = rank;
		}
	}
	return best;
}

/* The oldest anonymous connection from c's address but c, not busy. */
static conn *victim_same_addr(server *srv, const conn *c)
{
	conn *o, *best = NULL;

	for (o = srv->conns; o; o = o->next)
		if (o != c && !o->peer && o->admitted && !hub_conn_leaving(o) && o->state != C_BUSY &&
		    memcmp(&o->addr, &c->addr, sizeof(c->addr)) == 0 && (!best || o->born < best->born))
			best = o;
	return best;
}

static int admit_one(server *srv, conn *c)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	evutil_socket_t fd = bufferevent_getfd(c->bev);
	conn *v;

	if (fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &sl) != 0)
		return -1;
	c->admitted = 1;
	memset(&c->addr, 0, sizeof(c->addr));
	if (ss.ss_family == AF_INET) {
		c->addr.s6_addr[10] = c->addr.s6_addr[11] = 0xff;
		memcpy(&c->addr.s6_addr[12], &((struct sockaddr_in *)&ss)->sin_addr, 4);
	} else if (ss.ss_family == AF_INET6) {
		c->addr = ((struct sockaddr_in6 *)&ss)->sin6_addr;
	}
	/* over the cap for its address: the newcomer may be a laptop behind the
	 * same NAT, not yet known by its certificate; the oldest stranger of
	 * that address makes room (strangers there only take turns) */
	if (hub_limits_same_addr(srv, c) > srv->opts->door.max_per_addr) {
		v = victim_same_addr(srv, c);
		if (!v)
			return -1;
		v->why = HUB_CLOSED_EVICTED_PER_ADDR;
		hub_conn_drop(v);
	}
	if (srv->nconns - srv->ndropped <= srv->opts->max_conns)
		return 0;
	v = victim(srv, c);
	if (!v)
		return -1;
	v->why = HUB_CLOSED_EVICTED;
	hub_conn_drop(v);
	return 0;
}

/* The admission event: every connection accepted since the last one. */
void hub_conn_admit(evutil_socket_t fd, short what, void *arg)
{
	server *srv = arg;
	conn *c;

	(void)fd, (void)what;
	/* from the head each time: a drop may free a connection (libevent
	 * defers it today, but nothing here should count on that) */
	for (;;) {
		for (c = srv->conns; c && (c->admitted || hub_conn_leaving(c)); c = c->next)
			;
		if (!c)
			break;
		if (admit_one(srv, c)) {
			c->why = HUB_CLOSED_NO_ROOM;
			c->admitted = 1;
			hub_conn_drop(c);
		}
	}
}

void hub_conn_idle(conn *c)
{
	c->state = C_IDLE;
	c->deadline = hub_mono_ms() + (uint64_t)c->srv->opts->header_deadline_s * 1000u;
	memset(c->tail, 0, sizeof(c->tail));
	hub_limits_release(c);
}

int hub_conn_quiet(const conn *c)
{
	return c->state == C_IDLE && evbuffer_get_length(bufferevent_get_output(c->bev)) == 0;
}

/* Too late or too slow: a stranger's request must be whole within the
 * deadline and, after the grace period, arrive at the minimum rate. */
static int too_slow(const conn *c, uint64_t now)
{
	const struct hub_door_opts *d = &c->srv->opts->door;
	uint64_t took = now - c->req_start;

	if (c->peer || (c->state != C_HEADERS && c->state != C_BODY))
		return 0;
	if (took > (uint64_t)d->anon_deadline_s * 1000u)
		return 1;
	return took > (uint64_t)d->anon_grace_s * 1000u &&
	       c->req_bytes * 1000u < (uint64_t)d->anon_min_rate * took;
}

void hub_conn_sweep(server *srv, uint64_t now)
{
	conn *c;

	/* a certificate shown but no byte sent yet: count it by its key */
	for (c = srv->conns; c; c = c->next)
		if (!c->checked && !hub_conn_leaving(c) && SSL_is_init_finished(c->ssl))
			hub_conn_check_peer(c);
	c = srv->conns;
	while (c) {
		conn *next = c->next;
		if (c->dropped) {
			/* already cut: freed at this turn's end */
		} else if (c->kill) {
			hub_conn_drop(c);
		} else if (c->deadline && now > c->deadline) {
			/* a silent idle connection is let go, not refused */
			if (c->state != C_IDLE)
				c->why = HUB_CLOSED_HEADER_DEADLINE;
			hub_conn_drop(c);
		} else if (too_slow(c, now)) {
			c->why = HUB_CLOSED_TOO_SLOW;
			hub_conn_drop(c);
		} else if (srv->stopping && hub_conn_quiet(c)) {
			hub_conn_drop(c);
		}
		c = next;
	}
}
