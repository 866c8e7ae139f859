/*
 * gen_rows.h - a generated household (gen.h) the two ways the benchmarks
 * write it: as the fields of a household record in a change-set, and as the
 * bound columns of a raw INSERT for the baselines. One list of the thirteen
 * fields, so the merged rows and the baseline rows stay the same rows.
 * Header-only: each bench is one program.
 */
#ifndef MAIAM_BENCH_GEN_ROWS_H
#define MAIAM_BENCH_GEN_ROWS_H

#include <string.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "gen.h"
#include "bench_util.h"

/* Add h's thirteen fields, in the order of gen_bind_household, to the
 * household record just begun in cs; a NULL text (no note) is left out, as
 * an agent leaves out what was not typed. */
static inline proto_result gen_add_household(proto_changeset *cs, const gen_household *h)
{
	const struct {
		uint8_t field;
		const char *text;
		int64_t i;
	} f[] = {
		{ PROTO_HH_REF, h->ref, 0 },
		{ PROTO_HH_NAME, h->name, 0 },
		{ PROTO_HH_NATIONAL_ID, h->national_id, 0 },
		{ PROTO_HH_COMMUNE, NULL, h->commune },
		{ PROTO_HH_HAMLET, h->hamlet, 0 },
		{ PROTO_HH_ADDRESS, h->address, 0 },
		{ PROTO_HH_MEMBERS, NULL, h->members },
		{ PROTO_HH_CATEGORY, h->category, 0 },
		{ PROTO_HH_LAND_STATUS, h->land_status, 0 },
		{ PROTO_HH_CONDITION, h->condition, 0 },
		{ PROTO_HH_PHONE, h->phone, 0 },
		{ PROTO_HH_NOTE, h->note, 0 },
		{ PROTO_HH_SUPPORT_KIND, h->support_kind, 0 },
	};
	proto_result r = PROTO_OK;

	for (size_t i = 0; r == PROTO_OK && i < sizeof f / sizeof f[0]; i++) {
		int is_int = f[i].field == PROTO_HH_COMMUNE || f[i].field == PROTO_HH_MEMBERS;
		if (is_int)
			r = proto_changeset_add_int(cs, f[i].field, 0, f[i].i);
		else if (f[i].text)
			r = proto_changeset_add_text(cs, f[i].field, 0, f[i].text, strlen(f[i].text));
	}
	return r;
}

/* Bind h's thirteen columns from parameter 'first' on, in the order ref,
 * name, national_id, commune, hamlet, address, members, category,
 * land_status, condition, phone, note, support_kind. */
static inline void gen_bind_household(sqlite3_stmt *st, int first, const gen_household *h)
{
	/* the integers (commune, members) are bound by position below */
	const char *const text[13] = { h->ref,     h->name, h->national_id, NULL,           h->hamlet,
				       h->address, NULL,    h->category,    h->land_status, h->condition,
				       h->phone,   h->note, h->support_kind };

	for (int k = 0; k < 13; k++) {
		if (k == 3)
			sqlite3_bind_int(st, first + k, h->commune);
		else if (k == 6)
			sqlite3_bind_int(st, first + k, h->members);
		else
			bench_bind_text(st, first + k, text[k]);
	}
}

#endif
