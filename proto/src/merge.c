/*
 * merge.c - proto_merge: apply a change-set to a store, all or nothing.
 *
 * This file holds the entry points, the savepoint, the statement cache (per
 * call, or kept by a proto_merger across change-sets) and the value helpers; the rules themselves are in merge_household.c
 * (per-field last-writer-wins) and merge_event.c (union of immutable events).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "maiam/alloc.h"
#include "maiam/merge.h"
#include "maiam/schema.h"
#include "changeset_int.h"
#include "merge_int.h"

const char *proto_merge_table(uint8_t kind)
{
	switch (kind) {
	case PROTO_KIND_HOUSEHOLD:
		return "household";
	case PROTO_KIND_MILESTONE:
		return "milestone";
	case PROTO_KIND_CONTRIBUTION:
		return "contribution";
	case PROTO_KIND_VOID:
		return "void_event";
	case PROTO_KIND_PHOTO:
		return "photo";
	case PROTO_KIND_DECISION:
		return "decision";
	default:
		return NULL;
	}
}

proto_result proto_merge_prepare(proto_merge_ctx *c, sqlite3_stmt **st, const char *sql)
{
	if (*st)
		return PROTO_OK;
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return PROTO_EDB;
	}
	return PROTO_OK;
}

proto_result proto_merge_cols(const proto_merge_layout *l, proto_buf *out, int placeholders)
{
	proto_result res = PROTO_OK;
	int first = 1;

	for (int f = 1; f <= (int)PROTO_MAX_FIELDS && res == PROTO_OK; f++) {
		const proto_field_desc *d = l->fields->by_id[f];

		if (!d)
			continue;
		for (int half = 0; half < (l->is_ref[f] ? 2 : 1) && res == PROTO_OK; half++) {
			if (placeholders)
				res = proto_buf_append_str(out, first ? "?" : ", ?");
			else if (l->is_ref[f])
				res = proto_buf_appendf(out, "%s%s_%s", first ? "" : ", ", d->column,
							half ? "serial" : "origin");
			else
				res = proto_buf_appendf(out, "%s%s", first ? "" : ", ", d->column);
			first = 0;
		}
	}
	return res;
}

/* Derive every kind's column layout from the field table. */
static proto_result build_layouts(proto_merge_ctx *c)
{
	for (uint8_t kind = 1; kind <= PROTO_KIND_MAX; kind++) {
		proto_merge_layout *l = &c->layout[kind];

		l->fields = proto_kind_fields_of(kind);
		assert(l->fields);
		for (uint8_t f = 1; f <= PROTO_MAX_FIELDS; f++) {
			const proto_field_desc *d = l->fields->by_id[f];

			if (!d)
				continue;
			/* A REF column pair cannot also hold text or an integer. */
			if ((d->types & PROTO_T(PROTO_V_REF)) &&
			    (d->types & ~(PROTO_T(PROTO_V_REF) | PROTO_T(PROTO_V_NULL))))
				return PROTO_EINVAL;
			l->col[f] = l->ncols;
			l->is_ref[f] = (d->types & PROTO_T(PROTO_V_REF)) != 0;
			l->ncols += l->is_ref[f] ? 2 : 1;
		}
	}
	return PROTO_OK;
}

int proto_merge_bind(sqlite3_stmt *st, int idx, int is_ref, const proto_value *v)
{
	int rc;

	if (is_ref) {
		if (v->type != PROTO_V_REF) {
			rc = sqlite3_bind_null(st, idx);
			return rc != SQLITE_OK ? rc : sqlite3_bind_null(st, idx + 1);
		}
		rc = sqlite3_bind_int64(st, idx, proto_u2i(v->ref.origin));
		return rc != SQLITE_OK ? rc : sqlite3_bind_int64(st, idx + 1, proto_u2i(v->ref.serial));
	}
	switch (v->type) {
	case PROTO_V_INT:
		return sqlite3_bind_int64(st, idx, v->i);
	case PROTO_V_TEXT:
		/* The change-set outlives the statement's use of it: no copy. An
		 * empty text may come without a pointer; SQLite would bind that
		 * as NULL, and an empty text is not a cleared value. */
		return sqlite3_bind_text(st, idx, v->text ? v->text : "", (int)v->len, SQLITE_STATIC);
	default:
		return sqlite3_bind_null(st, idx);
	}
}

int proto_merge_bind_fields(sqlite3_stmt *st, int first, const proto_merge_layout *l,
			    const proto_record *rec)
{
	for (size_t i = 0; i < rec->nfields; i++) {
		const proto_field *fl = &rec->fields[i];
		int rc = proto_merge_bind(st, first + l->col[fl->field], l->is_ref[fl->field], &fl->value);

		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

int proto_merge_column_eq(sqlite3_stmt *st, int col, int is_ref, const proto_value *v)
{
	int t = sqlite3_column_type(st, col);

	if (is_ref) {
		int t2 = sqlite3_column_type(st, col + 1);

		if (v->type != PROTO_V_REF)
			return t == SQLITE_NULL && t2 == SQLITE_NULL;
		return t == SQLITE_INTEGER && t2 == SQLITE_INTEGER &&
		       proto_i2u(sqlite3_column_int64(st, col)) == v->ref.origin &&
		       proto_i2u(sqlite3_column_int64(st, col + 1)) == v->ref.serial;
	}
	switch (v->type) {
	case PROTO_V_NULL:
		return t == SQLITE_NULL;
	case PROTO_V_INT:
		return t == SQLITE_INTEGER && sqlite3_column_int64(st, col) == v->i;
	case PROTO_V_TEXT: {
		const unsigned char *s;

		if (t != SQLITE_TEXT)
			return 0;
		s = sqlite3_column_text(st, col);
		return (size_t)sqlite3_column_bytes(st, col) == v->len &&
		       (v->len == 0 || memcmp(s, v->text, v->len) == 0);
	}
	default:
		return 0;
	}
}

typedef void (*stmt_fn)(sqlite3_stmt *);

static void each_stmt(proto_merge_ctx *c, stmt_fn fn, int clear)
{
	sqlite3_stmt **one[] = { &c->hh_insert, &c->hh_row, &c->hh_stamps, &c->hh_stamp_put,
				 &c->conflict_put };

	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		fn(*one[i]);
		if (clear)
			*one[i] = NULL;
	}
	for (int f = 0; f <= (int)PROTO_MAX_FIELDS; f++) {
		fn(c->hh_update[f]);
		if (clear)
			c->hh_update[f] = NULL;
	}
	for (int k = 0; k <= PROTO_KIND_MAX; k++) {
		fn(c->ev_insert[k]);
		fn(c->ev_select[k]);
		if (clear)
			c->ev_insert[k] = c->ev_select[k] = NULL;
	}
}

static void reset_one(sqlite3_stmt *st)
{
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st); /* bound text belongs to the change-set */
	}
}

static void finalize_one(sqlite3_stmt *st)
{
	sqlite3_finalize(st); /* NULL is a no-op */
}

proto_result proto_merger_new(sqlite3 *db, proto_merger **out)
{
	proto_merge_ctx *c;
	proto_result res;

	*out = NULL;
	if (!db)
		return PROTO_EINVAL;
	/* About 80 statement pointers and the layouts: keep them off the stack. */
	c = proto_calloc(1, sizeof(*c));
	if (!c)
		return PROTO_ENOMEM;
	c->db = db;
	res = build_layouts(c);
	if (res != PROTO_OK) {
		free(c);
		return res;
	}
	*out = c;
	return PROTO_OK;
}

void proto_merger_free(proto_merger *c)
{
	if (!c)
		return;
	each_stmt(c, finalize_one, 1);
	free(c);
}

proto_result proto_merger_apply(proto_merger *c, const proto_changeset *cs, proto_merge_stats *stats)
{
	sqlite3 *db;
	proto_result res = PROTO_OK;

	if (!c || !cs || (cs->nrecords && !cs->records))
		return PROTO_EINVAL;
	db = c->db;
	memset(&c->stats, 0, sizeof(c->stats));
	/* Validate everything first: a bad record is refused before any write. */
	for (size_t i = 0; i < cs->nrecords; i++) {
		res = proto_cs_check_record(&cs->records[i]);
		if (res != PROTO_OK)
			return res;
	}
	/* A savepoint starts a transaction if there is none, or nests in the
	 * caller's (the hub writes its ledger row in the same one). */
	if (sqlite3_exec(db, "SAVEPOINT proto_merge", NULL, NULL, NULL) != SQLITE_OK)
		return PROTO_EDB;
	for (size_t i = 0; i < cs->nrecords && res == PROTO_OK; i++) {
		const proto_record *rec = &cs->records[i];

		if (rec->kind == PROTO_KIND_HOUSEHOLD)
			res = proto_merge_household(c, rec);
		else
			res = proto_merge_event(c, rec);
	}
	/* Statements must not hold the tables while we roll back or commit;
	 * they stay prepared for the next change-set. */
	each_stmt(c, reset_one, 0);
	if (res == PROTO_OK && sqlite3_exec(db, "RELEASE proto_merge", NULL, NULL, NULL) != SQLITE_OK)
		res = PROTO_EDB;
	if (res != PROTO_OK) {
		sqlite3_exec(db, "ROLLBACK TO proto_merge", NULL, NULL, NULL);
		sqlite3_exec(db, "RELEASE proto_merge", NULL, NULL, NULL);
		return res;
	}
	if (stats) {
		stats->applied += c->stats.applied;
		stats->already += c->stats.already;
		stats->stale += c->stats.stale;
		stats->conflicts += c->stats.conflicts;
	}
	return PROTO_OK;
}

proto_result proto_merge(sqlite3 *db, const proto_changeset *cs, proto_merge_stats *stats)
{
	proto_merger *m;
	proto_result res;

	if (!db || !cs || (cs->nrecords && !cs->records))
		return PROTO_EINVAL;
	res = proto_merger_new(db, &m);
	if (res != PROTO_OK)
		return res;
	res = proto_merger_apply(m, cs, stats);
	proto_merger_free(m);
	return res;
}
