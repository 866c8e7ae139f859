/*
 * server_int.h - what the files of the HTTPS front share (private to
 * server.c, server_conn.c and server_limits.c): the server, its connections
 * and the accounting of the limits at the door (docs/HUB.md).
 */
#ifndef HUB_SERVER_INT_H
#define HUB_SERVER_INT_H

#include <netinet/in.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/ssl.h>
#include "ctx.h"
#include "json.h"
#include "metrics.h"
#include "server.h"
#include "store.h"
#include "tls.h"

/* Bytes a connection without a verified client certificate may send in all:
 * room for a few enrolment requests, far below any change-set upload. */
#define ANON_BUDGET (64u << 10)
#define SWEEP_MS 200
/* How often the anonymous refusal counters go to the database. */
#define ANON_FLUSH_MS 5000
/* Client addresses remembered by the enrolment rate limit (oldest forgotten). */
#define RATE_SLOTS 4096

enum { C_IDLE, C_HEADERS, C_BODY, C_BUSY };

typedef struct server server;

typedef struct conn {
	server *srv;
	struct bufferevent *bev;
	SSL *ssl;
	int state;
	int kill;             /* drop at the next sweep */
	int dropped;          /* cut (hub_conn_drop): freed at the loop's next turn */
	int checked;          /* certificate looked at (after the handshake) */
	int admitted;         /* address known and counted */
	uint64_t peer;        /* key id of the verified client certificate, 0 if none */
	struct in6_addr addr; /* client address (IPv4 mapped) once admitted */
	uint64_t nread;
	uint64_t born;      /* monotonic ms of the accept */
	uint64_t deadline;  /* monotonic ms by which headers must be complete; 0 none */
	uint64_t req_start; /* current request's first byte (accept for the first) */
	uint64_t req_bytes; /* bytes of the current request so far */
	uint64_t clen;      /* the current request's Content-Length, as we read it */
	uint64_t reserved;  /* its share of srv->buffered */
	int chunked;
	int pipelined; /* a next request came while a worker held this one */
	unsigned char tail[3];
	char line[128]; /* start of the header line being read, as sent */
	size_t linelen;
	int line_cut; /* the line is longer than 'line' */
	/* what a photo range's body cut short needs (server_conn.c, keep_cut_body): the
	 * request line and Content-Range as sent, how many Content-Length and
	 * Content-Range headers came, and where the body starts in req_bytes */
	char first[128];
	char crange[80];
	int nclen, ncrange;
	int odd; /* a line too long or folded: nothing of this body is kept */
	uint64_t body_at;
	/* the log and /metrics (log.h, metrics.h): the current request's start
	 * (monotonic us) and bytes as on_request saw them, whether it is a
	 * dashboard page and its operator (hub_server_note_operator), and why
	 * the hub cut the connection (a refusal, logged as it is freed) */
	uint64_t req_start_us, log_start_us, log_in;
	int page, dashboard;
	char who[72];
	hub_closed why;
	struct conn *prev, *next;
} conn;

typedef struct rate_slot {
	struct in6_addr addr;
	uint64_t last_ms;
	double tokens;
	int used;
} rate_slot;

struct server {
	hub_ctx *ctx;
	const hub_serve_opts *opts;
	struct event_base *base;
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	SSL_CTX *ssl;
	hub_worker *writer;
	hub_worker *opener;     /* pushes: verified and decoded here, then merged by writer */
	hub_checkpointer *ckpt; /* the writer's WAL checkpoints (NULL: it makes its own) */
	hub_worker *reader;     /* pulls, on a read-only connection */
	struct event *done_ev, *sweep_ev, *term_ev, *int_ev, *admit_ev;
	conn *conns;
	int nconns;
	int ndropped; /* of nconns, cut and waiting to be freed */
	int stopping;
	uint64_t stop_by;
	/* the limits at the door (server_limits.c) */
	uint64_t buffered; /* bytes of request bodies reserved, all connections */
	sqlite3 *watch;    /* read-only: PRAGMA data_version, revoked keys */
	int64_t data_version;
	hub_idset revoked;
	uint64_t last_flush;
	rate_slot *rates; /* RATE_SLOTS */
	int keep_cuts;    /* the writer takes the bodies cut short (server_conn.c, keep_cut_body) */
};

/* server_conn.c: connections, from accept to free, and their deadlines */
extern int hub_conn_idx;
struct bufferevent *hub_conn_accept(struct event_base *base, void *arg);
void hub_conn_free_cb(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp);
void hub_conn_admit(evutil_socket_t fd, short what, void *arg);
void hub_conn_sweep(server *srv, uint64_t now);
/* Cut c: evhttp frees it as if the client had gone. Its memory lives on
 * until the loop's next turn (libevent finalizes a freed bufferevent
 * there), so c stays in srv->conns, marked dropped; a second call does
 * nothing. */
void hub_conn_drop(conn *c);
/* On its way out (dropped, or to be at the next sweep): it holds no slot
 * of its key or address and is no one's victim. */
static inline int hub_conn_leaving(const conn *c)
{
	return c->kill || c->dropped;
}
void hub_conn_check_peer(conn *c);
/* Ready for the next request: its headers are on the clock. */
void hub_conn_idle(conn *c);
/* Between requests with its last answer sent: a connection a stopping hub
 * may close. An answer still in the output buffer is in-flight work (the
 * state is idle as soon as the answer is queued). */
int hub_conn_quiet(const conn *c);
uint64_t hub_mono_ms(void);
uint64_t hub_mono_us(void);

/* server_limits.c */
int hub_limits_start(server *srv);
void hub_limits_stop(server *srv);
/* Reload the revoked keys if the database changed; drop their connections. */
void hub_limits_refresh(server *srv);
/* Take one enrolment from addr's bucket: 0 allowed, else seconds to wait. */
int hub_limits_enroll(server *srv, const struct in6_addr *addr);
/* Count c's connections of the same key (peer) or, anonymous, the same address. */
int hub_limits_same_key(server *srv, const conn *c);
int hub_limits_same_addr(server *srv, const conn *c);
/* Reserve c's Content-Length in the body budget: 0 done, -1 over the cap. */
int hub_limits_reserve(conn *c);
void hub_limits_release(conn *c);

#endif
