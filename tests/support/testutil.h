/*
 * testutil.h - small helpers shared by the cmocka tests: temp directories.
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

#endif
