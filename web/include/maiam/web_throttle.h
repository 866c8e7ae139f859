/*
 * web_throttle.h - failed attempts (sign-ins) counted per key, with a
 * doubling wait past a free allowance, in a table of fixed size. A caller
 * picks its keys ("a:" + client address, "n:" + user name...) and a rule for
 * each kind. When the table is full a stale slot is reused first, then one
 * no longer waiting (the oldest failure), then the one whose wait ends
 * first: someone filling the table can shorten waits, never lengthen them,
 * and never spends more than the table's memory.
 *
 * Not thread-safe: one thread (an event loop) owns a web_throttle.
 */
#ifndef MAIAM_WEB_THROTTLE_H
#define MAIAM_WEB_THROTTLE_H

#include <stdint.h>

/* Keys longer than this are cut to it (a caller bounds its keys below it). */
#define WEB_THROTTLE_KEY_MAX 127

typedef struct web_throttle web_throttle;

/* How one kind of key is held back: 'free' failures cost nothing; the next
 * waits backoff_s seconds, each further one twice as long, up to max_s. */
typedef struct web_throttle_rule {
	int free, backoff_s, max_s;
} web_throttle_rule;

/* A table of 'slots' keys (at least 2); failures older than forget_s
 * seconds are forgotten. NULL if out of memory or slots < 2. Free it with
 * web_throttle_free (NULL is a no-op). */
web_throttle *web_throttle_new(int slots, int forget_s);
void web_throttle_free(web_throttle *t);

/* Seconds key must still wait at monotonic time now, 0 if it may try. */
int64_t web_throttle_wait(web_throttle *t, const char *key, int64_t now);
/* Count a failure for key (before the attempt is checked, so that parallel
 * guesses count at once). */
void web_throttle_fail(web_throttle *t, const char *key, const web_throttle_rule *rule, int64_t now);
/* Forget every failure of key (it proved itself). */
void web_throttle_reset(web_throttle *t, const char *key);
/* Give key one failure back (an attempt counted in advance that was right). */
void web_throttle_forgive(web_throttle *t, const char *key);

/* Monotonic seconds, the clock the functions above take. */
int64_t web_now(void);

#endif
