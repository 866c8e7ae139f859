/*
 * throttle.c - failed attempts per key with a doubling wait, in a table of
 * fixed size (web_throttle.h). Linear scans: the table is a few thousand
 * slots at most and is touched once per sign-in, not per request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "maiam/web_throttle.h"

typedef struct slot {
	char key[WEB_THROTTLE_KEY_MAX + 1]; /* "" free */
	int fails;
	int64_t until;     /* refused before this (monotonic seconds) */
	int64_t last_fail; /* monotonic seconds */
} slot;

struct web_throttle {
	int n, forget_s;
	slot *slots;
};

int64_t web_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

web_throttle *web_throttle_new(int slots, int forget_s)
{
	web_throttle *t;

	if (slots < 2 || !(t = calloc(1, sizeof(*t))))
		return NULL;
	if (!(t->slots = calloc((size_t)slots, sizeof(*t->slots)))) {
		free(t);
		return NULL;
	}
	t->n = slots;
	t->forget_s = forget_s;
	return t;
}

void web_throttle_free(web_throttle *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t);
}

/* A slot whose failures are old enough is as good as empty. */
static int stale(const web_throttle *t, const slot *s, int64_t now)
{
	return !s->key[0] || (now >= s->until && now - s->last_fail >= t->forget_s);
}

/* Is s the slot of key, as the table holds keys (cut to WEB_THROTTLE_KEY_MAX)? */
static int same_key(const slot *s, const char *key)
{
	return s->key[0] && strncmp(s->key, key, WEB_THROTTLE_KEY_MAX) == 0 &&
	       strlen(s->key) == strnlen(key, WEB_THROTTLE_KEY_MAX);
}

static slot *find(web_throttle *t, const char *key, int64_t now)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (same_key(&t->slots[i], key)) {
			if (stale(t, &t->slots[i], now)) {
				t->slots[i].fails = 0;
				t->slots[i].until = 0;
			}
			return &t->slots[i];
		}
	return NULL;
}

/* The slot for key, taking one if it has none (see the header for which). */
static slot *take(web_throttle *t, const char *key, int64_t now)
{
	slot *s = find(t, key, now), *best = NULL;
	int i, best_rank = 3, rank;

	if (s)
		return s;
	for (i = 0; i < t->n; i++) {
		slot *c = &t->slots[i];
		rank = stale(t, c, now) ? 0 : now >= c->until ? 1 : 2;
		if (!best || rank < best_rank ||
		    (rank == best_rank &&
		     (rank == 2 ? c->until < best->until : c->last_fail < best->last_fail))) {
			best = c;
			best_rank = rank;
		}
		if (rank == 0)
			break;
	}
	memset(best, 0, sizeof(*best));
	snprintf(best->key, sizeof(best->key), "%s", key);
	return best;
}

int64_t web_throttle_wait(web_throttle *t, const char *key, int64_t now)
{
	slot *s = t && key ? find(t, key, now) : NULL;

	return s && s->until > now ? s->until - now : 0;
}

void web_throttle_fail(web_throttle *t, const char *key, const web_throttle_rule *rule, int64_t now)
{
	slot *s;
	int64_t wait;
	int over;

	if (!t || !key || !rule)
		return;
	s = take(t, key, now);
	wait = rule->backoff_s;
	s->fails++;
	s->last_fail = now;
	over = s->fails - rule->free;
	if (over <= 0)
		return;
	while (--over > 0 && wait < rule->max_s)
		wait *= 2;
	s->until = now + (wait < rule->max_s ? wait : rule->max_s);
}

void web_throttle_reset(web_throttle *t, const char *key)
{
	int i;

	for (i = 0; t && key && i < t->n; i++)
		if (same_key(&t->slots[i], key))
			memset(&t->slots[i], 0, sizeof(t->slots[i]));
}

void web_throttle_forgive(web_throttle *t, const char *key)
{
	int i;

	for (i = 0; t && key && i < t->n; i++)
		if (same_key(&t->slots[i], key) && t->slots[i].fails > 0)
			t->slots[i].fails--;
}
