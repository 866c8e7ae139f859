/*
 * result.c - hub_strerror (result.h).
 */
#include <assert.h>
#include "result.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const result_text[] = {
	[HUB_OK] = "ok",
	[HUB_REFUSED] = "refused",
	[HUB_EDB] = "database error",
	[HUB_ENOMEM] = "out of memory",
};
_Static_assert(ARRAY_SIZE(result_text) == HUB_RESULT_COUNT, "one text per hub_result");

const char *hub_strerror(hub_result r)
{
	assert((unsigned)r < HUB_RESULT_COUNT);
	return (unsigned)r < HUB_RESULT_COUNT ? result_text[r] : "unknown result";
}
