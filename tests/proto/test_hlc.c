/*
 * test_hlc.c - the hybrid logical clock never goes backwards, orders a change
 * made after a received one after it, and refuses stamps from far future.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "maiam/hlc.h"
#include "testmain.h"

static void monotonic_when_wall_clock_goes_back(void **state)
{
	proto_hlc c;
	uint64_t prev, s;
	/* the wall clock jumps around, including backwards by an hour */
	const uint64_t walls[] = { 1000000, 1000000, 1000001, 999000, 3600000, 5, 5, 3600001, 3600001 };

	proto_hlc_init(&c, 0);
	prev = 0;
	for (size_t i = 0; i < sizeof walls / sizeof walls[0]; i++) {
		s = proto_hlc_now(&c, walls[i]);
		assert_true(s > prev);
		prev = s;
	}
	/* physical part follows the wall clock when it is ahead */
	assert_int_equal(proto_hlc_ms(proto_hlc_now(&c, 7200000)), 7200000);
}

static void counter_overflow_carries(void **state)
{
	proto_hlc c;
	uint64_t s, prev;

	proto_hlc_init(&c, proto_hlc_make(500, 0xfffe));
	prev = c.last;
	for (int i = 0; i < 4; i++) {
		s = proto_hlc_now(&c, 100); /* wall clock far behind */
		assert_true(s > prev);
		prev = s;
	}
	assert_int_equal(proto_hlc_ms(prev), 501);
}

static void observe_moves_past_remote(void **state)
{
	proto_hlc c;
	uint64_t remote = proto_hlc_make(2000000, 7);

	proto_hlc_init(&c, 0);
	(void)proto_hlc_now(&c, 1000000);
	assert_int_equal(proto_hlc_observe(&c, remote, 1000000), PROTO_OK);
	/* a change made after receiving 'remote' sorts after it */
	assert_true(proto_hlc_now(&c, 1000000) > remote);
	/* observing an older stamp does not move the clock back */
	uint64_t before = c.last;
	assert_int_equal(proto_hlc_observe(&c, proto_hlc_make(10, 0), 1000000), PROTO_OK);
	assert_true(c.last == before);
}

static void far_future_stamp_is_refused(void **state)
{
	proto_hlc c;
	uint64_t wall = 1700000000000ull;
	uint64_t future = proto_hlc_make(wall + PROTO_HLC_MAX_DRIFT_MS + 1, 0);

	proto_hlc_init(&c, proto_hlc_make(wall, 0));
	assert_int_equal(proto_hlc_observe(&c, future, wall), PROTO_ECLOCK);
	assert_true(c.last == proto_hlc_make(wall, 0));
	/* just inside the drift allowance is accepted */
	assert_int_equal(proto_hlc_observe(&c, proto_hlc_make(wall + PROTO_HLC_MAX_DRIFT_MS, 0), wall),
			 PROTO_OK);
}

static void wall_clock_is_plausible(void **state)
{
	/* after 2023-01-01 and the 48-bit field holds it */
	uint64_t now = proto_wall_ms();
	assert_true(now > 1672531200000ull);
	assert_true(now < ((uint64_t)1 << 48));
}

TEST_MAIN(cmocka_unit_test(monotonic_when_wall_clock_goes_back),
	  cmocka_unit_test(counter_overflow_carries), cmocka_unit_test(observe_moves_past_remote),
	  cmocka_unit_test(far_future_stamp_is_refused), cmocka_unit_test(wall_clock_is_plausible))
