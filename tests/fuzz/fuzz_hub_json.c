/*
 * fuzz_hub_json.c - libFuzzer target for the hub's reading of JSON request
 * bodies (hub/json.c, the enrolment object), with output buffers both large
 * and small enough to hit the too-long refusal.
 */
#include <stddef.h>
#include <stdint.h>
#include "hub.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char big[4096], small[8];
	bool found;

	(void)hub_json_get_str((const char *)data, size, "token", big, sizeof big, &found);
	(void)hub_json_get_str((const char *)data, size, "public_key", big, sizeof big, &found);
	(void)hub_json_get_str((const char *)data, size, "token", small, sizeof small, &found);
	return 0;
}
