/*
 * hlc.h - hybrid logical clock.
 *
 * A stamp is a uint64_t: the high 48 bits are milliseconds since the Unix
 * epoch (UTC), the low 16 bits a logical counter. Stamps from one clock are
 * strictly increasing even when the wall clock jumps back; observing a remote
 * stamp moves the clock past it, so a change made after receiving another
 * always sorts after it. Stamp 0 means "no stamp".
 */
#ifndef MAIAM_HLC_H
#define MAIAM_HLC_H

#include <stdint.h>
#include "result.h"

#define PROTO_HLC_LOGICAL_BITS 16
#define PROTO_HLC_LOGICAL_MASK ((uint64_t)0xffff)
/* A remote stamp more than this far ahead of our wall clock is refused. */
#define PROTO_HLC_MAX_DRIFT_MS ((uint64_t)24 * 3600 * 1000)

typedef struct proto_hlc {
	uint64_t last; /* the last stamp issued or observed; persist it */
} proto_hlc;

static inline uint64_t proto_hlc_ms(uint64_t stamp)
{
	return stamp >> PROTO_HLC_LOGICAL_BITS;
}
static inline uint64_t proto_hlc_make(uint64_t ms, uint64_t logical)
{
	return (ms << PROTO_HLC_LOGICAL_BITS) | (logical & PROTO_HLC_LOGICAL_MASK);
}

/* Start from a persisted last stamp (0 for a new clock). */
void proto_hlc_init(proto_hlc *c, uint64_t last);
/* Wall clock in ms since the epoch (CLOCK_REALTIME). */
uint64_t proto_wall_ms(void);
/* Issue a new stamp, strictly greater than every earlier one of this clock. */
uint64_t proto_hlc_now(proto_hlc *c, uint64_t wall_ms);
/*
 * Observe a stamp received from elsewhere. Returns PROTO_ECLOCK (and leaves
 * the clock untouched) if it is more than PROTO_HLC_MAX_DRIFT_MS ahead of
 * wall_ms: one laptop with a wrong date must not drag every clock forward.
 */
proto_result proto_hlc_observe(proto_hlc *c, uint64_t remote, uint64_t wall_ms);

#endif
