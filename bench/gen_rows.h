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
	const struct { uint8_t field; const char *text; int64_t i; } f[] = {
		{ PROTO_HH_REF, h->ref, 0 }, { PROTO_HH_NAME, h->name, 0 },
		{ PROTO_HH_NATIONAL_ID, h->national_id, 0 }, { PROTO_HH_COMMUNE, NULL, h->commune },
		{ PROTO_HH_HAMLET, h->hamlet, 0 }, { PROTO_HH_ADDRESS, h->address, 0 },
		{ PROTO_HH_MEMBERS, NULL, h->members }, { PROTO_HH_CATEGORY, h->category, 0 },
		{ PROTO_HH_LAND_STATUS, h->land_status, 0 }, { PROTO_HH_CONDITION, h->condition, 0 },
		{ PROTO_HH_PHONE, h->phone, 0 }, { PROTO_HH_NOTE, h->note, 0 },
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
	bench_bind_text(st, first, h->ref);
	bench_bind_text(st, first + 1, h->name);
	bench_bind_text(st, first + 2, h->national_id);
	sqlite3_bind_int(st, first + 3, h->commune);
	bench_bind_text(st, first + 4, h->hamlet);
	bench_bind_text(st, first + 5, h->address);
	sqlite3_bind_int(st, first + 6, h->members);
	bench_bind_text(st, first + 7, h->category);
	bench_bind_text(st, first + 8, h->land_status);
	bench_bind_text(st, first + 9, h->condition);
	bench_bind_text(st, first + 10, h->phone);
	bench_bind_text(st, first + 11, h->note);
	bench_bind_text(st, first + 12, h->support_kind);
}

#endif
