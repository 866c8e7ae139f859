/*
 * alloc.h - allocation hook of the proto library.
 *
 * All allocation in proto/ goes through proto_malloc/proto_realloc/
 * proto_calloc so that tests can fail the Nth allocation (SQLite's oom tests,
 * curl's torture mode) and check that every path fails cleanly.
 * Memory they return is released with plain free().
 */
#ifndef MAIAM_ALLOC_H
#define MAIAM_ALLOC_H

#include <stddef.h>

void *proto_malloc(size_t n);
void *proto_calloc(size_t n, size_t size);
void *proto_realloc(void *p, size_t n);
char *proto_strndup(const char *s, size_t n);

/*
 * Testing only: make the allocation after 'n' more successful ones fail
 * (n = 0 fails the next one); a negative n switches failures off.
 * Returns how many allocations were attempted since the last call.
 * Both the countdown and the count belong to the calling thread: failures
 * are injected only into its allocations, never into other threads'.
 */
long proto_alloc_fail_after(long n);

#endif
