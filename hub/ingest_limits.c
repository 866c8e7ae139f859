/*
 * ingest_limits.c - the per-agent quotas of ingest (docs/HUB.md, "Quotas at
 * ingest"): their defaults, the options serve and import share to set them,
 * and the measures they need (decoded text of a change-set, time to the next
 * day in Vietnam, where the daily counters roll over).
 */
#include <stdio.h>
#include <string.h>
#include "ctx.h"
#include "ingest.h"

void hub_limits_default(hub_limits *l)
{
	l->max_records = HUB_DEFAULT_MAX_RECORDS;
	l->max_sealed = HUB_DEFAULT_MAX_SEALED;
	l->max_text = HUB_MAX_DECODED_TEXT;
	l->day_records = HUB_DEFAULT_DAY_RECORDS;
	l->day_bytes = HUB_DEFAULT_DAY_BYTES;
}

int hub_limits_opt(int argc, char **argv, int *i, hub_limits *l)
{
	static const struct {
		const char *name;
		long hi;
	} opts[] = {
		{ "--max-records", (long)PROTO_MAX_RECORDS },
		{ "--max-sealed-bytes", (long)HUB_MAX_BODY },
		{ "--max-text-bytes", (long)HUB_MAX_DECODED_TEXT },
		{ "--day-records", 1000000000L },
		{ "--day-bytes", 0x7fffffffL },
	};
	const char *v;
	long n;
	size_t k;
	int o;

	for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
		o = hub_opt(argc, argv, i, opts[k].name, &v);
		if (o == 0)
			continue;
		if (o < 0)
			return -1;
		if (hub_parse_int(v, 1, opts[k].hi, &n)) {
			hub_errorf("'%s' for '%s' is not a number from 1 to %ld", v, opts[k].name,
				   opts[k].hi);
			return -1;
		}
		switch (k) {
		case 0: l->max_records = (uint32_t)n; break;
		case 1: l->max_sealed = (size_t)n; break;
		case 2: l->max_text = (size_t)n; break;
		case 3: l->day_records = n; break;
		default: l->day_bytes = n; break;
		}
		return 1;
	}
	return 0;
}

size_t hub_changeset_text_bytes(const proto_changeset *cs)
{
	size_t i, k, n = 0;

	/* at most PROTO_MAX_RECORDS * PROTO_MAX_FIELDS * PROTO_MAX_TEXT: no overflow in size_t */
	for (i = 0; i < cs->nrecords; i++)
		for (k = 0; k < cs->records[i].nfields; k++)
			if (cs->records[i].fields[k].value.type == PROTO_V_TEXT)
				n += cs->records[i].fields[k].value.len;
	return n;
}

int64_t hub_seconds_to_vn_midnight(int64_t t)
{
	int64_t local = t + 7 * 3600, day = 86400;
	int64_t into = ((local % day) + day) % day;

	return day - into;
}
