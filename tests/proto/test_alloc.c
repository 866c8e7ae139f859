/*
 * test_alloc.c - the allocation hook's fault injection belongs to the thread
 * that asks for it: another thread's allocations neither count nor fail
 * (the hub allocates from several threads; a shared counter was a data race).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "testmain.h"
#include "maiam/alloc.h"

#define OTHER_ALLOCS 1000

/* allocates OTHER_ALLOCS times; returns how many of them failed */
static void *other_thread(void *arg)
{
	long *failed = arg;

	for (int i = 0; i < OTHER_ALLOCS; i++) {
		void *p = proto_malloc(16);
		if (!p)
			(*failed)++;
		free(p);
	}
	return NULL;
}

static void other_threads_do_not_count(void **state)
{
	long failed = 0;
	pthread_t t;

	(void)state;
	proto_alloc_fail_after(-1);
	assert_int_equal(pthread_create(&t, NULL, other_thread, &failed), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	for (int i = 0; i < 10; i++)
		free(proto_malloc(8));
	assert_int_equal(proto_alloc_fail_after(-1), 10);
	assert_int_equal(failed, 0);
}

static void failures_stay_in_their_thread(void **state)
{
	long failed = 0;
	pthread_t t;
	void *p;

	(void)state;
	proto_alloc_fail_after(0); /* this thread's next allocation fails */
	assert_int_equal(pthread_create(&t, NULL, other_thread, &failed), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(failed, 0);
	p = proto_malloc(8);
	assert_null(p);
	proto_alloc_fail_after(-1);
	p = proto_malloc(8);
	assert_non_null(p);
	free(p);
}

TEST_MAIN(cmocka_unit_test(other_threads_do_not_count), cmocka_unit_test(failures_stay_in_their_thread))
