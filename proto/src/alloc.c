/*
 * alloc.c - the allocation hook. Production code pays one branch; tests use
 * proto_alloc_fail_after() to fail each allocation in turn.
 */
#include <stdlib.h>
#include <string.h>
#include "maiam/alloc.h"

/*
 * Per thread: the hub allocates from several threads at once, and a shared
 * counter written by all of them is a data race (ThreadSanitizer). A test
 * injects failures into the thread that calls proto_alloc_fail_after, and
 * the other threads are never touched by it.
 */
static _Thread_local long fail_after = -1;
static _Thread_local long attempts;

static int should_fail(void)
{
	attempts++;
	if (fail_after < 0)
		return 0;
	if (fail_after == 0)
		return 1;
	fail_after--;
	return 0;
}

void *proto_malloc(size_t n)
{
	return should_fail() ? NULL : malloc(n ? n : 1);
}

void *proto_calloc(size_t n, size_t size)
{
	return should_fail() ? NULL : calloc(n ? n : 1, size ? size : 1);
}

void *proto_realloc(void *p, size_t n)
{
	return should_fail() ? NULL : realloc(p, n ? n : 1);
}

char *proto_strndup(const char *s, size_t n)
{
	char *d = proto_malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

long proto_alloc_fail_after(long n)
{
	long a = attempts;
	attempts = 0;
	fail_after = n;
	return a;
}
