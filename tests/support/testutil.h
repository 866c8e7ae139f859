/*
 * testutil.h - small helpers shared by the cmocka tests: temp directories,
 * hostile JSON.
 * Header-only so each test stays one translation unit.
 */
#ifndef MAIAM_TESTUTIL_H
#define MAIAM_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Make a fresh temp dir under $TMPDIR (or /tmp); returns a malloc'd path. */
static inline char *test_mkdtemp(void)
{
	const char *base = getenv("TMPDIR");
	char tmpl[4096];
	snprintf(tmpl, sizeof tmpl, "%s/maiam-test-XXXXXX", base && *base ? base : "/tmp");
	char *d = mkdtemp(tmpl);
	return d ? strdup(d) : NULL;
}

/* rm -rf dir (test scratch space only). */
static inline void test_rmtree(const char *dir)
{
	char cmd[4200];
	if (!dir || !strstr(dir, "maiam-test-"))
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* {"member": [[...]]} with depth brackets each way into out (cap bytes):
 * valid JSON nested depth deep, for the JSON readers' depth limits.
 * Returns out, or NULL when it does not fit. */
static inline char *test_json_nested(char *out, size_t cap, const char *member, int depth)
{
	int o = snprintf(out, cap, "{\"%s\": ", member);

	if (o < 0 || depth < 0 || (size_t)o + 2 * (size_t)depth + 2 > cap)
		return NULL;
	memset(out + o, '[', (size_t)depth);
	memset(out + o + depth, ']', (size_t)depth);
	memcpy(out + o + 2 * depth, "}", 2);
	return out;
}

#endif
