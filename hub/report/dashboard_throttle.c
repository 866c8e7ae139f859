/*
 * dashboard_throttle.c - failed sign-ins counted per client address and per
 * operator name, with a doubling wait past a free allowance, in a fixed-size
 * table (hub_dashboard_limits). Touched only on the event loop thread: the
 * loop counts an attempt before handing it to the worker, and forgives it
 * when the worker says the password was right.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "dashboard_int.h"

int64_t dash_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static void slot_key(char *out, size_t outlen, char kind, const char *v)
{
	snprintf(out, outlen, "%c:%s", kind, v);
}

/* A slot whose failures are old enough is as good as empty. */
static int slot_stale(const hub_dashboard *d, const dash_slot *s, int64_t now)
{
	return !s->key[0] || (now >= s->until && now - s->last_fail >= d->lim.forget_s);
}

static dash_slot *slot_find(hub_dashboard *d, const char *key, int64_t now)
{
	int i;

	for (i = 0; i < d->lim.slots; i++)
		if (strcmp(d->slots[i].key, key) == 0) {
			if (slot_stale(d, &d->slots[i], now)) {
				d->slots[i].fails = 0;
				d->slots[i].until = 0;
			}
			return &d->slots[i];
		}
	return NULL;
}

/* The slot for key, taking one if it has none: a stale one first, else one
 * no longer waiting (the oldest failure), else the one whose wait ends
 * first. Someone filling the table can thus shorten waits, never lengthen
 * them, and never spend more than the table's memory. */
static dash_slot *slot_take(hub_dashboard *d, const char *key, int64_t now)
{
	dash_slot *s = slot_find(d, key, now), *best = NULL;
	int i, best_rank = 3, rank;

	if (s)
		return s;
	for (i = 0; i < d->lim.slots; i++) {
		dash_slot *c = &d->slots[i];
		rank = slot_stale(d, c, now) ? 0 : now >= c->until ? 1 : 2;
		if (!best || rank < best_rank ||
		    (rank == best_rank && (rank == 2 ? c->until < best->until :
					   c->last_fail < best->last_fail))) {
			best = c;
			best_rank = rank;
		}
		if (rank == 0)
			break;
	}
	if (!best)
		return NULL;
	memset(best, 0, sizeof(*best));
	snprintf(best->key, sizeof(best->key), "%s", key);
	return best;
}

static int64_t slot_wait(const dash_slot *s, int64_t now)
{
	return s && s->until > now ? s->until - now : 0;
}

int64_t dash_throttle_wait(hub_dashboard *d, const char *addr, const char *name, int64_t now)
{
	char ka[sizeof(d->slots[0].key)], kn[sizeof(d->slots[0].key)];
	int64_t wa, wn;

	if (!d->slots)
		return 0;
	slot_key(ka, sizeof(ka), 'a', addr);
	slot_key(kn, sizeof(kn), 'n', name);
	wa = slot_wait(slot_find(d, ka, now), now);
	wn = slot_wait(slot_find(d, kn, now), now);
	return wa > wn ? wa : wn;
}

static void fail_one(dash_slot *s, int free_n, int base, int max, int64_t now)
{
	int64_t wait = base;
	int over;

	if (!s)
		return;
	s->fails++;
	s->last_fail = now;
	over = s->fails - free_n;
	if (over <= 0)
		return;
	while (--over > 0 && wait < max)
		wait *= 2;
	s->until = now + (wait < max ? wait : max);
}

void dash_throttle_attempt(hub_dashboard *d, const char *addr, const char *name, int64_t now)
{
	char k[sizeof(d->slots[0].key)];

	if (!d->slots)
		return;
	slot_key(k, sizeof(k), 'a', addr);
	fail_one(slot_take(d, k, now), d->lim.free_addr, d->lim.backoff_s, d->lim.max_addr_s, now);
	if (!name[0])
		return; /* a form without a name costs no hash: the address pays */
	slot_key(k, sizeof(k), 'n', name);
	fail_one(slot_take(d, k, now), d->lim.free_name, d->lim.backoff_s, d->lim.max_name_s, now);
}

void dash_throttle_success(hub_dashboard *d, const char *addr, const char *name)
{
	char k[sizeof(d->slots[0].key)];
	dash_slot *s;
	int i;

	if (!d->slots)
		return;
	/* the name proved itself: its count starts again; the address only
	 * gets this attempt back, so an operator of its own cannot launder
	 * guesses at other names through it */
	slot_key(k, sizeof(k), 'n', name);
	for (i = 0; i < d->lim.slots; i++)
		if (strcmp(d->slots[i].key, k) == 0)
			memset(&d->slots[i], 0, sizeof(d->slots[i]));
	slot_key(k, sizeof(k), 'a', addr);
	for (i = 0, s = d->slots; i < d->lim.slots; i++, s++)
		if (strcmp(s->key, k) == 0 && s->fails > 0)
			s->fails--;
}
