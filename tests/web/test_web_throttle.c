/*
 * test_web_throttle.c - the failed-attempt table on a clock the test holds:
 * the free allowance, the doubling wait and its cap, forgetting after a
 * quiet period, reset and forgive, keys cut at the maximum, and a table
 * filled by a stranger (waits may shorten, never lengthen).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "maiam/web_throttle.h"
#include "testmain.h"

static const web_throttle_rule rule = { 2, 10, 60 }; /* 2 free, 10 s, doubling to 60 s */

static void test_backoff(void **state)
{
	static const int64_t waits[] = { 0, 0, 10, 20, 40, 60, 60 };
	web_throttle *t = web_throttle_new(8, 3600);
	int64_t now = 1000;
	size_t i;

	(void)state;
	assert_non_null(t);
	for (i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
		web_throttle_fail(t, "a:10.0.0.1", &rule, now);
		assert_int_equal(web_throttle_wait(t, "a:10.0.0.1", now), waits[i]);
	}
	assert_int_equal(web_throttle_wait(t, "a:10.0.0.1", now + 59), 1);
	assert_int_equal(web_throttle_wait(t, "a:10.0.0.1", now + 60), 0);
	assert_int_equal(web_throttle_wait(t, "a:10.0.0.2", now), 0); /* nobody else */
	/* an hour of quiet forgets it all: two free failures again */
	now += 60 + 3600;
	web_throttle_fail(t, "a:10.0.0.1", &rule, now);
	web_throttle_fail(t, "a:10.0.0.1", &rule, now);
	assert_int_equal(web_throttle_wait(t, "a:10.0.0.1", now), 0);
	web_throttle_fail(t, "a:10.0.0.1", &rule, now);
	assert_int_equal(web_throttle_wait(t, "a:10.0.0.1", now), 10);
	web_throttle_free(t);
}

static void test_reset_and_forgive(void **state)
{
	web_throttle *t = web_throttle_new(8, 3600);

	(void)state;
	web_throttle_fail(t, "n:lan", &rule, 0);
	web_throttle_fail(t, "n:lan", &rule, 0);
	web_throttle_forgive(t, "n:lan"); /* one back: the next is still free */
	web_throttle_fail(t, "n:lan", &rule, 0);
	assert_int_equal(web_throttle_wait(t, "n:lan", 0), 0);
	web_throttle_fail(t, "n:lan", &rule, 0);
	assert_int_equal(web_throttle_wait(t, "n:lan", 0), 10);
	web_throttle_reset(t, "n:lan");
	assert_int_equal(web_throttle_wait(t, "n:lan", 0), 0);
	web_throttle_forgive(t, "n:nobody"); /* no slot: nothing happens */
	web_throttle_reset(t, "n:nobody");
	web_throttle_free(t);
}

/* Keys past WEB_THROTTLE_KEY_MAX are the same key when their first
 * WEB_THROTTLE_KEY_MAX bytes are; shorter keys are never confused. */
static void test_long_keys(void **state)
{
	web_throttle *t = web_throttle_new(8, 3600);
	char a[300], b[300];

	(void)state;
	memset(a, 'k', sizeof(a) - 1);
	a[sizeof(a) - 1] = '\0';
	memcpy(b, a, sizeof(b));
	b[250] = 'x';
	web_throttle_fail(t, a, &rule, 0);
	web_throttle_fail(t, a, &rule, 0);
	web_throttle_fail(t, b, &rule, 0);
	assert_int_equal(web_throttle_wait(t, a, 0), 10);
	assert_int_equal(web_throttle_wait(t, "k", 0), 0);
	a[WEB_THROTTLE_KEY_MAX - 1] = '\0'; /* one byte shorter than the cut: another key */
	assert_int_equal(web_throttle_wait(t, a, 0), 0);
	web_throttle_free(t);
}

/* A stranger fills a small table with new keys: the key that waits longest
 * keeps its wait while there is a slot that waits less. */
static void test_full_table(void **state)
{
	web_throttle *t = web_throttle_new(4, 3600);
	char key[32];
	int i;

	(void)state;
	for (i = 0; i < 5; i++)
		web_throttle_fail(t, "a:victim", &rule, 0); /* waits 40 s */
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "a:stranger%d", i);
		web_throttle_fail(t, key, &rule, 1);
		web_throttle_fail(t, key, &rule, 1);
		web_throttle_fail(t, key, &rule, 1); /* waits 10 s */
	}
	assert_int_equal(web_throttle_wait(t, "a:victim", 1), 39);
	assert_null(web_throttle_new(1, 3600));
	web_throttle_free(NULL);
	assert_int_equal(web_throttle_wait(NULL, "a", 0), 0);
	web_throttle_fail(NULL, "a", &rule, 0);
	assert_true(web_now() >= 0);
	web_throttle_free(t);
}

TEST_MAIN(cmocka_unit_test(test_backoff), cmocka_unit_test(test_reset_and_forgive),
	  cmocka_unit_test(test_long_keys), cmocka_unit_test(test_full_table))
