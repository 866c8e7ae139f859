/*
 * metrics.h - what serve counts for /metrics (docs/OPERATIONS.md,
 * "Metrics"), in the Prometheus text exposition format, version 0.0.4.
 *
 * The counters and histograms are process-wide atomics, bumped by whichever
 * thread sees the event (relaxed: a scrape needs no order between them);
 * the gauges (queue depth, WAL size, connections, photos) are read when the
 * page is made, from the server (hub_metrics_set_live). hub_metrics_push and
 * hub_metrics_render run on the event loop only.
 */
#ifndef HUB_METRICS_H
#define HUB_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include "maiam/proto.h"
#include "result.h"

/* The media type of the page. */
#define HUB_METRICS_CTYPE "text/plain; version=0.0.4; charset=utf-8"

/* A push answered with code ("applied", "already_applied" or the refusal's
 * code, a literal kept as it is). Loop only. */
void hub_metrics_push(const char *code);
/* A push or pull request took 'seconds' from its first byte to its answer
 * sent; route is HUB_METRICS_PUSH or HUB_METRICS_PULL. Any thread. */
enum { HUB_METRICS_PUSH, HUB_METRICS_PULL };
void hub_metrics_sync_seconds(int route, double seconds);
/* The writer merged n pushes in one transaction (group commit). Any thread. */
void hub_metrics_group(size_t n);
/* Why the hub closed a connection (server_conn.c), named in the log's
 * conn_closed lines and on /metrics by hub_closed_name, the one table of
 * the names: docs/OPERATIONS.md says what each means. */
typedef enum hub_closed {
	HUB_CLOSED_NONE = 0,         /* not a refusal: a client that left, a stopping hub */
	HUB_CLOSED_EVICTED_PER_ADDR, /* over --max-conns-per-addr: made room */
	HUB_CLOSED_EVICTED,          /* at --max-conns: made room */
	HUB_CLOSED_NO_ROOM,          /* at --max-conns with no one to evict */
	HUB_CLOSED_PER_KEY,          /* over --max-conns-per-key */
	HUB_CLOSED_HEADER_DEADLINE,  /* headers not whole within --header-timeout */
	HUB_CLOSED_TOO_SLOW,         /* a stranger under --anon-min-rate or past --anon-deadline */
	HUB_CLOSED_ANON_BUDGET,      /* a stranger over ANON_BUDGET bytes */
	HUB_CLOSED_MAX_BUFFERED,     /* a body over --max-buffered in flight */
	HUB_CLOSED_REVOKED,          /* a revoked laptop */
	HUB_CLOSED_TLS_HANDSHAKE,    /* a handshake refused or never begun */
	HUB_CLOSED_UNANSWERED,       /* the client left mid-request */
	HUB_CLOSED_N
} hub_closed;
/* The reason's name ("evicted_max_conns_per_addr"), NULL for
 * HUB_CLOSED_NONE or a value out of range. */
const char *hub_closed_name(hub_closed why);
/* A connection closed for reason why (NONE: not counted). Any thread. */
void hub_metrics_conn_closed(hub_closed why);
/* A dashboard sign-in failed (wrong name or password). Any thread. */
void hub_metrics_login_failed(void);

/* The gauges, read from the server when the page is made; -1: unknown (the
 * sample is left out). */
typedef struct hub_metrics_live {
	int64_t writer_queue;
	int64_t wal_bytes;
	int64_t conns_sync;      /* with a verified client certificate */
	int64_t conns_dashboard; /* that asked for a dashboard page */
	int64_t conns_other;     /* neither yet: enrolment, health, a handshake */
	int64_t photos;
} hub_metrics_live;
typedef void (*hub_metrics_live_fn)(void *arg, hub_metrics_live *out);
/* The server's gauges (fn NULL: none, all unknown). Loop only. */
void hub_metrics_set_live(hub_metrics_live_fn fn, void *arg);

/* The page into out (appended). HUB_OK, or HUB_ENOMEM when out is full. */
hub_result hub_metrics_render(proto_buf *out);
/* A label value as the format wants it: '\\', '"' and newline escaped. */
hub_result hub_metrics_label(proto_buf *out, const char *value);

#endif
