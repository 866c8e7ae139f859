/*
 * linkshape.h - the weak link inside linkproxy: each accepted connection is
 * two directions, each a small model of a link (a queue in, a token bucket
 * serialising bytes at the rate, a delay line of stamped chunks, the far
 * socket out), plus the cuts injected in the client-to-server direction.
 * linkproxy.c parses the command line, listens and reports; this half moves
 * the bytes. Only linkproxy links it.
 */
#ifndef MAIAM_LINKSHAPE_H
#define MAIAM_LINKSHAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <event2/event.h>

/* Bytes each stage of a direction may hold: the reading side's buffer, the
 * delay line, the writing side's buffer. A side is read only while the queue
 * toward the other side is under this, so a connection holds at most about
 * three times this much per direction, whatever its peers do. */
#define LINK_QUEUE_CAP (256 * 1024)
/* Connections open at once; one more is accepted and reset at once. */
#define LINK_MAX_CONNS 256
/* Entries of --cut-after. */
#define LINK_MAX_CUT_LIST 64
/* No cut planned. */
#define LINK_NO_CUT UINT64_MAX

/* A token bucket (tbf's): bytes may leave while tokens last; tokens come
 * back at rate, up to burst. rate 0 means unshaped. */
typedef struct link_bucket {
	double rate;   /* bytes per second */
	double burst;  /* bytes */
	double tokens; /* bytes */
	int64_t last_us;
} link_bucket;

/* What the proxy counted since it started. */
typedef struct link_stats {
	uint64_t connections; /* accepted, in order: the Nth has index N */
	uint64_t refused;     /* accepted over LINK_MAX_CONNS and reset */
	uint64_t cuts;        /* connections reset on purpose */
	uint64_t up_read;     /* client-to-server bytes read from clients */
	uint64_t up_written;  /* ... written to servers' sockets */
	uint64_t down_read;   /* server-to-client bytes read from servers */
	uint64_t down_written;
	uint64_t turns; /* server bytes reaching a client that spoke since the last
			 * turn: the round trips clients waited (handshakes included) */
} link_stats;

struct link_conn;

/* The proxy: settings (filled by linkproxy.c before the first accept) and
 * state. Owns every open connection. */
typedef struct link_proxy {
	struct event_base *base; /* borrowed */
	struct sockaddr_storage target;
	socklen_t target_len;
	link_bucket up_bucket, down_bucket; /* shared by all connections, as one link is */
	int64_t delay_us;                   /* one way, each direction */
	uint64_t cut_after[LINK_MAX_CUT_LIST];
	size_t ncut_after;    /* the Nth connection is cut after cut_after[N-1] bytes (0: not cut) */
	uint64_t cut_every;   /* 0, or cut at each multiple of this many upstream bytes */
	uint64_t next_cut_at; /* the next such multiple */
	uint64_t up_total;    /* upstream bytes sent into the link, all connections */
	void (*on_change)(struct link_proxy *px); /* after a connection ends; may be NULL */
	link_stats st;
	struct link_conn *conns;
	size_t nconns;
} link_proxy;

/* Set a bucket for bits_per_s (0: unshaped). The burst is 10 ms at the rate
 * and at least LINK_BURST_MIN bytes. */
#define LINK_BURST_MIN 4096
void link_bucket_init(link_bucket *b, uint64_t bits_per_s);

/* Forward the accepted socket fd to px->target. Takes fd (closes it on
 * failure). 0, or -1 when the upstream connection could not be started. */
int link_accept(link_proxy *px, int fd);

/* Close every open connection (a plain close, not a cut). */
void link_close_all(link_proxy *px);

#endif
