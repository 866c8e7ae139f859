/*
 * merge_int.h - private to merge*.c: the per-call merge context shared by the
 * entry point (merge.c), the household registers (merge_household.c) and the
 * events (merge_event.c). Not installed, not part of the proto API.
 */
#ifndef MAIAM_MERGE_INT_H
#define MAIAM_MERGE_INT_H

#include <stdint.h>
#include <sqlite3.h>
#include "maiam/changeset.h"
#include "maiam/merge.h"
#include "maiam/schema.h"
#include "fields_int.h"

/*
 * Where each field of a kind lives in its table, derived once per call from
 * the field table (fields.c), so that SQL and wire ids cannot drift apart.
 * A REF field takes two columns, <column>_origin and <column>_serial.
 */
typedef struct proto_merge_layout {
	const proto_kind_fields *fields; /* by_id[f] NULL: the kind has no field f */
	int col[PROTO_MAX_FIELDS + 1];   /* 0-based column in 'SELECT <fields>' */
	int is_ref[PROTO_MAX_FIELDS + 1];
	int ncols; /* value columns (REF counts twice) */
} proto_merge_layout;

/* Prepared statements live for one proto_merge call; NULL until first use. */
typedef struct proto_merge_ctx {
	sqlite3 *db;
	proto_merge_stats stats; /* this call's counts, handed out on success */
	proto_merge_layout layout[PROTO_KIND_MAX + 1];

	sqlite3_stmt *hh_insert; /* INSERT OR IGNORE a whole new household */
	sqlite3_stmt *hh_row;    /* SELECT the value columns of one household */
	sqlite3_stmt *hh_stamps; /* SELECT field, stamp, writer of one household */
	sqlite3_stmt *hh_stamp_put;
	sqlite3_stmt *hh_update[PROTO_MAX_FIELDS + 1];
	sqlite3_stmt *conflict_put;
	sqlite3_stmt *ev_insert[PROTO_KIND_MAX + 1];
	sqlite3_stmt *ev_select[PROTO_KIND_MAX + 1];
} proto_merge_ctx;

/* The table of an event or household kind, or NULL. */
const char *proto_merge_table(uint8_t kind);

/* Prepare *st from sql unless already prepared. */
proto_result proto_merge_prepare(proto_merge_ctx *c, sqlite3_stmt **st, const char *sql);

/*
 * Append the column list of a kind ("a, b_origin, b_serial, ...") or as many
 * "?" placeholders to out.
 */
proto_result proto_merge_cols(const proto_merge_layout *l, proto_buf *out, int placeholders);

/* Bind v at parameter idx (idx and idx + 1 for a REF slot). Text is not copied. */
int proto_merge_bind(sqlite3_stmt *st, int idx, int is_ref, const proto_value *v);
/* Bind every field of rec at first + its column (REF: two). SQLITE_OK or the first error. */
int proto_merge_bind_fields(sqlite3_stmt *st, int first, const proto_merge_layout *l,
			    const proto_record *rec);
/* 1 if result column col (col, col + 1 for a REF slot) of st holds v. */
int proto_merge_column_eq(sqlite3_stmt *st, int col, int is_ref, const proto_value *v);

proto_result proto_merge_household(proto_merge_ctx *c, const proto_record *rec);
proto_result proto_merge_event(proto_merge_ctx *c, const proto_record *rec);

#endif
