/*
 * hlc.c - hybrid logical clock (Kulkarni et al.): physical milliseconds in
 * the high 48 bits, a counter in the low 16. Orders changes across laptops
 * whose clocks disagree, without ever going backwards on one laptop.
 */
#include <time.h>
#include "maiam/hlc.h"

void proto_hlc_init(proto_hlc *c, uint64_t last)
{
	c->last = last;
}

uint64_t proto_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t proto_hlc_now(proto_hlc *c, uint64_t wall_ms)
{
	uint64_t wall = proto_hlc_make(wall_ms, 0);

	/*
	 * If the wall clock is ahead, take it; otherwise count up from the last
	 * stamp. A counter overflow simply carries into the millisecond part,
	 * which keeps stamps strictly increasing.
	 */
	if (wall > c->last)
		c->last = wall;
	else
		c->last = c->last + 1;
	return c->last;
}

proto_result proto_hlc_observe(proto_hlc *c, uint64_t remote, uint64_t wall_ms)
{
	if (proto_hlc_ms(remote) > wall_ms + PROTO_HLC_MAX_DRIFT_MS)
		return PROTO_ECLOCK;
	if (remote > c->last)
		c->last = remote;
	return PROTO_OK;
}
