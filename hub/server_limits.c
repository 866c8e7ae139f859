/*
 * server_limits.c - the accounting behind the limits at the door: who is
 * revoked (reloaded when the database changes, for the TLS verify callback),
 * connections per key and per address, the enrolment rate per address, and
 * the bytes of request bodies held across all connections (docs/HUB.md).
 * Everything here runs on the event loop's thread.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <event2/bufferevent.h>
#include "server_int.h"

/* Linux's "peer closed its side" poll event: <poll.h> hides it behind
 * _GNU_SOURCE, which the build does not set (banned.h is included first) */
#if defined(__linux__) && !defined(POLLRDHUP)
#define POLLRDHUP 0x2000
#endif

void hub_door_defaults(struct hub_door_opts *d)
{
	d->anon_deadline_s = 30;
	d->anon_grace_s = 5;
	d->anon_min_rate = 64;
	d->max_per_addr = 32;
	d->max_per_key = 4;
	d->enroll_per_min = 10;
	d->max_buffered_mib = 256;
}

int hub_limits_start(server *srv)
{
	char path[PATH_MAX];

	srv->rates = calloc(RATE_SLOTS, sizeof(*srv->rates));
	if (!srv->rates || hub_path(srv->ctx, HUB_DB_FILE, path, sizeof(path)) ||
	    sqlite3_open_v2(path, &srv->watch, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(srv->watch, 1000) != SQLITE_OK)
		return -1;
	srv->data_version = -1;
	hub_limits_refresh(srv);
	hub_tls_set_revoked(srv->ssl, &srv->revoked);
	return srv->data_version < 0 ? -1 : 0;
}

void hub_limits_stop(server *srv)
{
	if (srv->ssl)
		hub_tls_set_revoked(srv->ssl, NULL);
	hub_idset_release(&srv->revoked);
	sqlite3_close(srv->watch);
	srv->watch = NULL;
	free(srv->rates);
	srv->rates = NULL;
}

/*
 * 'maiam-hub agent revoke' is another process: PRAGMA data_version on our
 * own connection changes when any other connection commits, so a sweep
 * (every SWEEP_MS) costs one pragma, and a reload (a few hundred rows at
 * most) happens only after a commit.
 */
void hub_limits_refresh(server *srv)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;
	conn *c;

	if (!srv->watch)
		return;
	if (sqlite3_prepare_v2(srv->watch, "PRAGMA data_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (v < 0 || v == srv->data_version)
		return;
	if (hub_revoked_load(srv->watch, &srv->revoked) != HUB_OK)
		return; /* try again at the next sweep */
	srv->data_version = v;
	/* connections made before the revocation go too */
	for (c = srv->conns; c; c = c->next)
		if (c->peer && !c->dropped && hub_idset_has(&srv->revoked, c->peer))
			c->kill = 1;
}

/* Has o's client gone: its FIN or RST came (POLLRDHUP sees a FIN even with
 * bytes still unread before it)? evhttp reads nothing from a connection
 * whose request a worker holds, so it learns only when it writes the answer. */
static int peer_gone(const conn *o)
{
	struct pollfd p = { bufferevent_getfd(o->bev), POLLRDHUP, 0 };

	return p.fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

int hub_limits_same_key(server *srv, const conn *c)
{
	const conn *o;
	int n = 0;

	/* a laptop killed (or cut off) during a long merge comes back while the
	 * hub still holds its old connection, in CLOSE_WAIT until the answer is
	 * written: that one is no live peer and holds no slot of the key. It is
	 * still answered as usual (a client that only half-closed gets it). */
	for (o = srv->conns; o; o = o->next)
		if (o->peer == c->peer && !hub_conn_leaving(o) && (o == c || !peer_gone(o)))
			n++;
	return n;
}

int hub_limits_same_addr(server *srv, const conn *c)
{
	const conn *o;
	int n = 0;

	for (o = srv->conns; o; o = o->next)
		if (!o->peer && o->admitted && !hub_conn_leaving(o) &&
		    memcmp(&o->addr, &c->addr, sizeof(c->addr)) == 0)
			n++;
	return n;
}

static size_t addr_hash(const struct in6_addr *a)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < sizeof(a->s6_addr); i++)
		h = (h ^ a->s6_addr[i]) * 1099511628211ull;
	return (size_t)(h % RATE_SLOTS);
}

/* A token bucket per address: enroll_per_min tokens, refilled evenly over
 * a minute. 8 slots are probed; a new address takes the least recent. */
int hub_limits_enroll(server *srv, const struct in6_addr *addr)
{
	double rate = (double)srv->opts->door.enroll_per_min / 60000.0; /* per ms */
	uint64_t now = hub_mono_ms();
	rate_slot *s = NULL, *oldest = NULL;
	size_t i, h = addr_hash(addr);

	if (!srv->rates)
		return 0;
	for (i = 0; i < 8; i++) {
		rate_slot *t = &srv->rates[(h + i) % RATE_SLOTS];
		if (t->used && memcmp(&t->addr, addr, sizeof(*addr)) == 0) {
			s = t;
			break;
		}
		if (!oldest || !t->used || (oldest->used && t->last_ms < oldest->last_ms))
			oldest = t;
	}
	if (!s) {
		s = oldest;
		s->used = 1;
		s->addr = *addr;
		s->tokens = srv->opts->door.enroll_per_min;
		s->last_ms = now;
	}
	s->tokens += (double)(now - s->last_ms) * rate;
	if (s->tokens > srv->opts->door.enroll_per_min)
		s->tokens = srv->opts->door.enroll_per_min;
	s->last_ms = now;
	if (s->tokens >= 1.0) {
		s->tokens -= 1.0;
		return 0;
	}
	return (int)((1.0 - s->tokens) / rate / 1000.0) + 1; /* rounded up, in seconds */
}

int hub_limits_reserve(conn *c)
{
	server *srv = c->srv;
	uint64_t want = c->chunked ? HUB_MAX_BODY : c->clen;
	uint64_t cap = (uint64_t)srv->opts->door.max_buffered_mib << 20;

	hub_limits_release(c);
	if (want > HUB_MAX_BODY) /* evhttp answers 413 before reading it */
		return 0;
	if (srv->buffered + want > cap)
		return -1;
	c->reserved = want;
	srv->buffered += want;
	return 0;
}

void hub_limits_release(conn *c)
{
	c->srv->buffered -= c->reserved;
	c->reserved = 0;
}
