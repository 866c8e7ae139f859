/*
 * ingest_limits.c - the per-agent quotas of ingest (docs/HUB.md, "Quotas at
 * ingest"): their defaults (HUB_LIMITS_OPTS in ctx.h are the options serve
 * and import share to set them), and the measures they need (decoded text of
 * a change-set, time to the next day in Vietnam, where the daily counters
 * roll over).
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
