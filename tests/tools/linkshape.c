/*
 * linkshape.c - how linkproxy moves bytes (see linkshape.h). Each direction
 * is pumped by one function, dir_pump, called whenever something may have
 * become possible: bytes arrived, the far side drained, a timer for tokens or
 * for the head of the delay line went off. Delay is a timestamp on each
 * chunk, never a sleep, so order is kept and nothing blocks.
 */
#include <errno.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include "linkshape.h"

/* The bucket waits until a whole segment may leave, not byte by byte. */
#define LINK_SEGMENT 1448
/* Chunks in one delay line; those stamped within the same millisecond share
 * one entry, so this covers a second of delay before it throttles. */
#define LINK_MARKS 1024
/* Before a cut, how often (1 ms apart) to wait for the server's kernel to
 * take the last bytes, so the reset does not throw them away. */
#define LINK_DRAIN_POLLS 10000

typedef struct link_mark {
	int64_t due_us; /* when the chunk reaches the far side */
	size_t len;
} link_mark;

typedef struct link_dir {
	struct link_conn *conn;
	struct bufferevent *src, *dst; /* borrowed from the connection */
	struct evbuffer *inflight;     /* sent into the link, not yet arrived */
	link_mark marks[LINK_MARKS];   /* a ring over inflight, oldest first */
	size_t mark_head, mark_count;
	struct event *timer;
	link_bucket *bucket; /* borrowed from the proxy */
	bool up;             /* client to server: the direction cuts count */
	bool src_eof;        /* the source sent its FIN */
	bool dst_shut;       /* and it was passed on */
} link_dir;

typedef struct link_conn {
	link_proxy *px;
	struct link_conn *next;
	struct bufferevent *client, *server;
	link_dir up, down;
	uint64_t cut_left; /* upstream bytes before its own cut, or LINK_NO_CUT */
	bool server_up;    /* the upstream connect finished */
	bool cutting;      /* its budget is spent: drain, then reset */
	bool client_spoke; /* the client sent bytes since the server's last turn */
	int drain_polls;
} link_conn;

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void link_bucket_init(link_bucket *b, uint64_t bits_per_s)
{
	memset(b, 0, sizeof *b);
	b->rate = (double)bits_per_s / 8.0;
	b->burst = b->rate / 100.0 < LINK_BURST_MIN ? LINK_BURST_MIN : b->rate / 100.0;
	b->tokens = b->burst;
	b->last_us = now_us();
}

static void bucket_refill(link_bucket *b, int64_t now)
{
	b->tokens += (double)(now - b->last_us) * b->rate / 1e6;
	if (b->tokens > b->burst)
		b->tokens = b->burst;
	b->last_us = now;
}

static void on_count_read(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	*(uint64_t *)arg += info->n_added;
}

static void on_count_written(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	*(uint64_t *)arg += info->n_deleted;
}

/* Unlink and free c; with reset, both sides get an RST (SO_LINGER 0). */
static void conn_close(link_conn *c, bool reset)
{
	link_proxy *px = c->px;
	struct linger hard = { .l_onoff = 1, .l_linger = 0 };
	struct bufferevent *bevs[2] = { c->client, c->server };
	link_dir *dirs[2] = { &c->up, &c->down };

	for (int i = 0; i < 2; i++) {
		int fd = bevs[i] ? bufferevent_getfd(bevs[i]) : -1;
		if (reset && fd >= 0)
			(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
		if (bevs[i])
			bufferevent_free(bevs[i]);
		if (dirs[i]->timer)
			event_free(dirs[i]->timer);
		if (dirs[i]->inflight)
			evbuffer_free(dirs[i]->inflight);
	}
	for (link_conn **at = &px->conns; *at; at = &(*at)->next)
		if (*at == c) { /* at most LINK_MAX_CONNS to walk */
			*at = c->next;
			break;
		}
	px->nconns--;
	free(c);
	if (px->on_change)
		px->on_change(px);
}

void link_close_all(link_proxy *px)
{
	while (px->conns)
		conn_close(px->conns, false);
}

/* Upstream bytes c may still send before a cut. */
static uint64_t up_budget(const link_conn *c)
{
	const link_proxy *px = c->px;
	uint64_t budget = c->cutting ? 0 : c->cut_left;

	if (px->cut_every && px->next_cut_at - px->up_total < budget)
		budget = px->next_cut_at - px->up_total;
	return budget;
}

/* How many bytes d could send into the link now, tokens aside. */
static size_t dir_want(const link_dir *d)
{
	size_t avail = evbuffer_get_length(bufferevent_get_input(d->src));
	size_t held = evbuffer_get_length(d->inflight);
	size_t want = held >= LINK_QUEUE_CAP ? 0 : LINK_QUEUE_CAP - held;

	if (avail < want)
		want = avail;
	if (d->up && up_budget(d->conn) < want)
		want = (size_t)up_budget(d->conn);
	if (d->mark_count == LINK_MARKS && want > 0) {
		/* a full ring still takes bytes stamped in the newest entry's millisecond */
		const link_mark *last = &d->marks[(d->mark_head + d->mark_count - 1) % LINK_MARKS];
		if (now_us() - last->due_us + d->conn->px->delay_us >= 1000)
			want = 0;
	}
	return want;
}

/* Move n bytes from the source into the delay line, due at now + delay. */
static void dir_send(link_dir *d, size_t n, int64_t now)
{
	link_conn *c = d->conn;
	link_proxy *px = c->px;
	int64_t due = now + px->delay_us;
	link_mark *last = d->mark_count ? &d->marks[(d->mark_head + d->mark_count - 1) % LINK_MARKS]
					: NULL;

	evbuffer_remove_buffer(bufferevent_get_input(d->src), d->inflight, n);
	if (last && due - last->due_us < 1000) {
		last->len += n;
	} else {
		link_mark *m = &d->marks[(d->mark_head + d->mark_count) % LINK_MARKS];
		m->due_us = due;
		m->len = n;
		d->mark_count++;
	}
	if (!d->up)
		return;
	px->up_total += n;
	if (c->cut_left != LINK_NO_CUT)
		c->cut_left -= n;
	bool every = px->cut_every && px->up_total >= px->next_cut_at;
	if (every)
		px->next_cut_at += px->cut_every;
	if (every || c->cut_left == 0) {
		c->cutting = true;
		bufferevent_disable(c->client, EV_READ);
	}
}

/* Hand the chunks whose time has come to the far side, while it has room. */
static void dir_deliver(link_dir *d, int64_t now)
{
	struct evbuffer *out = bufferevent_get_output(d->dst);
	link_conn *c = d->conn;

	while (d->mark_count && d->marks[d->mark_head].due_us <= now &&
	       evbuffer_get_length(out) < LINK_QUEUE_CAP) {
		/* A turn: the server's bytes reach a client that spoke since the
		 * last one, so it waited a round trip for them. Bytes after the
		 * client's FIN (the answer to its close_notify) are no wait. */
		if (!d->up && c->client_spoke && !c->up.src_eof) {
			c->px->st.turns++;
			c->client_spoke = false;
		}
		evbuffer_remove_buffer(d->inflight, out, d->marks[d->mark_head].len);
		d->mark_head = (d->mark_head + 1) % LINK_MARKS;
		d->mark_count--;
	}
}

static void timer_at(link_dir *d, int64_t when, int64_t now)
{
	int64_t wait = when > now ? when - now : 0;
	struct timeval tv = { .tv_sec = wait / 1000000, .tv_usec = wait % 1000000 };
	evtimer_add(d->timer, &tv);
}

/* After a pump: pass a FIN on, reset a connection whose cut is due, close a
 * finished one. false when c was freed. */
static bool conn_settle(link_conn *c)
{
	link_dir *dirs[2] = { &c->up, &c->down };

	for (int i = 0; i < 2; i++) {
		link_dir *d = dirs[i];
		bool connected = d->up ? c->server_up : true;
		if (d->src_eof && !d->dst_shut && connected && !c->cutting &&
		    evbuffer_get_length(bufferevent_get_input(d->src)) == 0 && d->mark_count == 0 &&
		    evbuffer_get_length(bufferevent_get_output(d->dst)) == 0) {
			shutdown(bufferevent_getfd(d->dst), SHUT_WR);
			d->dst_shut = true;
		}
	}
	if (c->cutting && c->server_up && c->up.mark_count == 0 &&
	    evbuffer_get_length(bufferevent_get_output(c->server)) == 0) {
		int unsent = 0;
		if (ioctl(bufferevent_getfd(c->server), SIOCOUTQ, &unsent) == 0 && unsent > 0 &&
		    c->drain_polls++ < LINK_DRAIN_POLLS) {
			timer_at(&c->up, now_us() + 1000, now_us());
			return true;
		}
		c->px->st.cuts++;
		conn_close(c, true);
		return false;
	}
	if (c->up.dst_shut && c->down.dst_shut) {
		conn_close(c, false);
		return false;
	}
	return true;
}

/* Do all d can do now and arm its timer for what it must wait for.
 * false when the connection was freed. */
static bool dir_pump(link_dir *d)
{
	int64_t now = now_us();
	int64_t wake = INT64_MAX;
	link_bucket *b = d->bucket;
	size_t want;

	dir_deliver(d, now);
	while ((want = dir_want(d)) > 0) {
		size_t n = want;
		if (b->rate > 0) {
			size_t need = want < LINK_SEGMENT ? want : LINK_SEGMENT;
			bucket_refill(b, now);
			if (b->tokens < (double)need) {
				wake = now + (int64_t)((need - b->tokens) * 1e6 / b->rate) + 1;
				break;
			}
			if ((double)n > b->tokens)
				n = (size_t)b->tokens;
			b->tokens -= (double)n;
		}
		dir_send(d, n, now);
	}
	dir_deliver(d, now);
	struct evbuffer *out = bufferevent_get_output(d->dst);
	if (d->mark_count && evbuffer_get_length(out) < LINK_QUEUE_CAP &&
	    d->marks[d->mark_head].due_us < wake)
		wake = d->marks[d->mark_head].due_us;
	if (wake != INT64_MAX)
		timer_at(d, wake, now);
	/* Reading stops while the source's buffer is full (the backpressure).
	 * The read watermark alone is not enough: libevent 2.1 then calls the
	 * read callback again and again without reading, a busy loop. */
	if (!d->src_eof && !(d->up && d->conn->cutting)) {
		if (evbuffer_get_length(bufferevent_get_input(d->src)) >= LINK_QUEUE_CAP)
			bufferevent_disable(d->src, EV_READ);
		else
			bufferevent_enable(d->src, EV_READ);
	}
	return conn_settle(d->conn);
}

static link_dir *dir_of_src(link_conn *c, struct bufferevent *bev)
{
	return bev == c->client ? &c->up : &c->down;
}

static void on_readable(struct bufferevent *bev, void *arg)
{
	link_conn *c = arg;
	if (bev == c->client)
		c->client_spoke = true;
	(void)dir_pump(dir_of_src(c, bev));
}

/* The far side took everything it was given: room for more, or a FIN. */
static void on_drained(struct bufferevent *bev, void *arg)
{
	link_conn *c = arg;
	(void)dir_pump(bev == c->server ? &c->up : &c->down);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)dir_pump(arg);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	link_conn *c = arg;

	if (what & BEV_EVENT_CONNECTED) {
		int one = 1;
		(void)setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		c->server_up = true;
		if (dir_pump(&c->up))
			(void)dir_pump(&c->down);
		return;
	}
	if (what & BEV_EVENT_ERROR) { /* a reset, a refused connect: the link dies both ways */
		conn_close(c, true);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		link_dir *d = dir_of_src(c, bev);
		d->src_eof = true;
		(void)dir_pump(d);
	}
}

static int dir_init(link_conn *c, link_dir *d, bool up)
{
	link_proxy *px = c->px;

	d->conn = c;
	d->up = up;
	d->src = up ? c->client : c->server;
	d->dst = up ? c->server : c->client;
	d->bucket = up ? &px->up_bucket : &px->down_bucket;
	d->inflight = evbuffer_new();
	d->timer = evtimer_new(px->base, on_timer, d);
	if (!d->inflight || !d->timer)
		return -1;
	/* no single read takes the source's buffer past the cap */
	bufferevent_setwatermark(d->src, EV_READ, 0, LINK_QUEUE_CAP);
	evbuffer_add_cb(bufferevent_get_input(d->src), on_count_read,
			up ? &px->st.up_read : &px->st.down_read);
	evbuffer_add_cb(bufferevent_get_output(d->dst), on_count_written,
			up ? &px->st.up_written : &px->st.down_written);
	return 0;
}

int link_accept(link_proxy *px, int fd)
{
	int one = 1;
	link_conn *c;

	px->st.connections++;
	if (px->nconns >= LINK_MAX_CONNS || !(c = calloc(1, sizeof *c))) {
		struct linger hard = { .l_onoff = 1, .l_linger = 0 };
		(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
		close(fd);
		px->st.refused++;
		return -1;
	}
	c->px = px;
	c->next = px->conns;
	px->conns = c;
	px->nconns++;
	uint64_t index = px->st.connections;
	c->cut_left = index <= px->ncut_after && px->cut_after[index - 1] ? px->cut_after[index - 1]
									  : LINK_NO_CUT;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->client = bufferevent_socket_new(px->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->server = bufferevent_socket_new(px->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!c->client || !c->server) {
		if (!c->client)
			close(fd);
		goto fail;
	}
	if (dir_init(c, &c->up, true) < 0 || dir_init(c, &c->down, false) < 0)
		goto fail;
	bufferevent_setcb(c->client, on_readable, on_drained, on_event, c);
	bufferevent_setcb(c->server, on_readable, on_drained, on_event, c);
	if (bufferevent_socket_connect(c->server, (struct sockaddr *)&px->target, (int)px->target_len) < 0)
		goto fail;
	bufferevent_enable(c->client, EV_READ | EV_WRITE);
	bufferevent_enable(c->server, EV_READ | EV_WRITE);
	return 0;
fail:
	conn_close(c, true);
	return -1;
}
