/*
 * fuzz_campaign.c - libFuzzer target for the campaign file and the admin
 * units CSV (proto_campaign_load, proto_units_load). They read only from a
 * path, so the input is written to files in a private temporary directory:
 * the bytes before the first NUL are campaigns/fuzz.campaign, the bytes after
 * it data/soc-trang-units.csv, the path the real campaign file names.
 */
#define _GNU_SOURCE /* memmem */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "maiam/campaign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* plain stdio, not proto_write_file_atomic: an fsync per run would be most of the run */
static void put_file(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		abort(); /* a test harness: a full /tmp is no finding */
}

static char dir[64], campaign_path[128], units_path[128];

static void cleanup(void)
{
	static const char *const subdirs[] = { "campaigns", "data" };
	char sub[96];

	unlink(campaign_path);
	unlink(units_path);
	for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
		snprintf(sub, sizeof sub, "%s/%s", dir, subdirs[i]);
		rmdir(sub);
	}
	rmdir(dir);
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char sub[96];

	if (dir[0])
		return;
	snprintf(dir, sizeof dir, "%s/fuzz_campaign.XXXXXX", tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort(); /* a test harness: no directory, no fuzzing */
	snprintf(sub, sizeof sub, "%s/campaigns", dir);
	if (mkdir(sub, 0700) != 0)
		abort();
	snprintf(sub, sizeof sub, "%s/data", dir);
	if (mkdir(sub, 0700) != 0)
		abort();
	snprintf(campaign_path, sizeof campaign_path, "%s/campaigns/fuzz.campaign", dir);
	snprintf(units_path, sizeof units_path, "%s/data/soc-trang-units.csv", dir);
	atexit(cleanup);
}

/*
 * The campaign names its units file by path: an input naming a device, a
 * FIFO or a kernel file (/dev/stdin blocks for ever) would fuzz the machine,
 * not the parser. The operator chooses that path; it is not hostile input.
 */
static int names_special_file(const uint8_t *data, size_t size)
{
	static const char *const bad[] = { "/dev", "/proc", "/sys", "/run", "/tmp" };

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (memmem(data, size, bad[i], strlen(bad[i])))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t clen = nul ? (size_t)(nul - data) : size;
	proto_campaign c;
	proto_units u;
	char err[512];

	if (names_special_file(data, clen))
		return 0;
	setup();
	put_file(campaign_path, data, clen);
	if (nul) {
		put_file(units_path, nul + 1, size - clen - 1);
	} else {
		unlink(units_path);
	}
	if (proto_units_load(units_path, &u, err, sizeof err) == PROTO_OK)
		proto_units_release(&u);
	if (proto_campaign_load(campaign_path, &c, err, sizeof err) == PROTO_OK)
		proto_campaign_release(&c);
	/* the error is one line the operator reads: always terminated */
	if (!memchr(err, '\0', sizeof err))
		abort();
	return 0;
}
