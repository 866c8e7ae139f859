/*
 * result.c - hub_strerror and hub_eio (result.h).
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "result.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const result_text[] = {
	[HUB_OK] = "ok",
	[HUB_REFUSED] = "refused",
	[HUB_EDB] = "database error",
	[HUB_ENOMEM] = "out of memory",
	[HUB_EIO] = "input/output error",
	[HUB_ERANGE] = "number out of range",
	[HUB_ECRYPTO] = "cryptography error",
	[HUB_ENET] = "network error",
};
_Static_assert(ARRAY_SIZE(result_text) == HUB_RESULT_COUNT, "one text per hub_result");

const char *hub_strerror(hub_result r)
{
	assert((unsigned)r < HUB_RESULT_COUNT);
	return (unsigned)r < HUB_RESULT_COUNT ? result_text[r] : "unknown result";
}

hub_result hub_eio(char *err, size_t errlen, const char *what, const char *path, const char *way_out)
{
	int saved = errno;

	snprintf(err, errlen, "%s '%s': %s%s%s", what, path, strerror(saved), way_out ? ": " : "",
		 way_out ? way_out : "");
	errno = saved;
	return HUB_EIO;
}
