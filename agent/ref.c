/*
 * ref.c - household ids and short references.
 * A full id is "<origin as 16 hex>-<serial>". The short reference is the top
 * 20 bits of the origin key id in Crockford base32 (4 characters, no I L O U
 * to misread) + "-" + serial, e.g. "7KQ2-15": short enough to read aloud on
 * the phone, and the origin part tells laptops apart (docs/AGENT.md).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void agent_id_format(proto_id id, char out[40])
{
	snprintf(out, 40, "%016llx-%llu", (unsigned long long)id.origin, (unsigned long long)id.serial);
}

static int parse_serial(const char *s, uint64_t *out)
{
	int64_t v;

	if (cli_parse_int(s, 1, INT64_MAX, &v) != 0 || *s == '-')
		return -1;
	*out = (uint64_t)v;
	return 0;
}

int agent_id_parse(const char *s, proto_id *out)
{
	uint64_t origin;

	if (strlen(s) < 18 || s[16] != '-' || proto_key_id_parse(s, &origin) != 0)
		return -1;
	if (parse_serial(s + 17, &out->serial) != 0)
		return -1;
	out->origin = origin;
	return 0;
}

void agent_ref_make(uint64_t origin, uint64_t serial, char out[32])
{
	unsigned top = (unsigned)(origin >> 44); /* 20 bits = 4 base32 digits */

	snprintf(out, 32, "%c%c%c%c-%llu", crockford[(top >> 15) & 31], crockford[(top >> 10) & 31],
		 crockford[(top >> 5) & 31], crockford[top & 31], (unsigned long long)serial);
}

int agent_ref_normalize(const char *s, char out[32])
{
	char head[5];
	uint64_t serial;

	if (strlen(s) < 6 || s[4] != '-')
		return -1;
	for (int i = 0; i < 4; i++) {
		int c = toupper((unsigned char)s[i]);

		if (c == 'I' || c == 'L')
			c = '1';
		else if (c == 'O')
			c = '0';
		if (!c || !strchr(crockford, c))
			return -1;
		head[i] = (char)c;
	}
	head[4] = '\0';
	if (parse_serial(s + 5, &serial) != 0)
		return -1;
	snprintf(out, 32, "%s-%llu", head, (unsigned long long)serial);
	return 0;
}
