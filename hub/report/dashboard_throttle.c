/*
 * dashboard_throttle.c - failed sign-ins counted per client address and per
 * operator name (hub_dashboard_limits), on the web layer's throttle table.
 * Touched only on the event loop thread: the loop counts an attempt before
 * handing it to the worker, and forgives it when the worker says the
 * password was right.
 */
#include <stdio.h>
#include "dashboard_int.h"

static void key_of(char out[WEB_THROTTLE_KEY_MAX + 1], char kind, const char *v)
{
	snprintf(out, WEB_THROTTLE_KEY_MAX + 1, "%c:%s", kind, v);
}

int64_t dash_throttle_wait(hub_dashboard *d, const char *addr, const char *name, int64_t now)
{
	char ka[WEB_THROTTLE_KEY_MAX + 1], kn[WEB_THROTTLE_KEY_MAX + 1];
	int64_t wa, wn;

	key_of(ka, 'a', addr);
	key_of(kn, 'n', name);
	wa = web_throttle_wait(d->throttle, ka, now);
	wn = web_throttle_wait(d->throttle, kn, now);
	return wa > wn ? wa : wn;
}

void dash_throttle_attempt(hub_dashboard *d, const char *addr, const char *name, int64_t now)
{
	web_throttle_rule by_addr = { d->lim.free_addr, d->lim.backoff_s, d->lim.max_addr_s };
	web_throttle_rule by_name = { d->lim.free_name, d->lim.backoff_s, d->lim.max_name_s };
	char k[WEB_THROTTLE_KEY_MAX + 1];

	key_of(k, 'a', addr);
	web_throttle_fail(d->throttle, k, &by_addr, now);
	if (!name[0])
		return; /* a form without a name costs no hash: the address pays */
	key_of(k, 'n', name);
	web_throttle_fail(d->throttle, k, &by_name, now);
}

void dash_throttle_success(hub_dashboard *d, const char *addr, const char *name)
{
	char k[WEB_THROTTLE_KEY_MAX + 1];

	/* the name proved itself: its count starts again; the address only
	 * gets this attempt back, so an operator of its own cannot launder
	 * guesses at other names through it */
	key_of(k, 'n', name);
	web_throttle_reset(d->throttle, k);
	key_of(k, 'a', addr);
	web_throttle_forgive(d->throttle, k);
}
