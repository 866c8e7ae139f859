/*
 * merge_household.c - household fields as last-writer-wins registers.
 *
 * Each field has its own (stamp, writer, base) in household_stamp; the larger
 * (stamp, writer) wins, compared as uint64 in C. Two changes of a field were
 * made concurrently when neither writer had seen the other's value:
 *  - an incoming winner whose base is not the stored stamp;
 *  - an incoming loser newer than the stored value's base (the stored
 *    value's writer cannot have seen it).
 * Both still resolve by LWW, and if their values differ both are recorded in
 * the conflict table for a human. A loser the stored value's writer had seen
 * is history: re-applying an old change-set records nothing new.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "maiam/schema.h"
#include "merge_int.h"

enum action { ACT_APPLY = 1, ACT_ALREADY, ACT_STALE };

/* What one household has stored, loaded once per record. */
struct stored {
	int have[PROTO_MAX_FIELDS + 1];
	uint64_t stamp[PROTO_MAX_FIELDS + 1];
	uint64_t writer[PROTO_MAX_FIELDS + 1];
	uint64_t base[PROTO_MAX_FIELDS + 1];
};

static int newer(uint64_t s1, uint64_t w1, uint64_t s2, uint64_t w2)
{
	return s1 > s2 || (s1 == s2 && w1 > w2);
}

/* Prepare the statements built from the column layout, once per call. */
static proto_result prepare_household(proto_merge_ctx *c)
{
	const proto_merge_layout *l = &c->layout[PROTO_KIND_HOUSEHOLD];
	proto_buf sql;
	proto_result res = PROTO_OK;

	if (c->hh_insert)
		return PROTO_OK;
	proto_buf_init(&sql, 16384);
	if (!res)
		res = proto_buf_append_str(&sql, "INSERT OR IGNORE INTO household(id_origin, id_serial, ");
	if (!res)
		res = proto_merge_cols(l, &sql, 0);
	if (!res)
		res = proto_buf_append_str(&sql, ") VALUES (?, ?, ");
	if (!res)
		res = proto_merge_cols(l, &sql, 1);
	if (!res)
		res = proto_buf_append_str(&sql, ")");
	if (!res)
		res = proto_buf_append_byte(&sql, 0);
	if (!res)
		res = proto_merge_prepare(c, &c->hh_insert, (const char *)sql.data);
	proto_buf_reset(&sql);
	if (!res)
		res = proto_buf_append_str(&sql, "SELECT ");
	if (!res)
		res = proto_merge_cols(l, &sql, 0);
	if (!res)
		res = proto_buf_append_str(&sql,
					   " FROM household WHERE id_origin = ?1 AND id_serial = ?2");
	if (!res)
		res = proto_buf_append_byte(&sql, 0);
	if (!res)
		res = proto_merge_prepare(c, &c->hh_row, (const char *)sql.data);
	if (!res)
		res = proto_merge_prepare(c, &c->hh_stamps,
					  "SELECT field, stamp, writer, base FROM household_stamp"
					  " WHERE id_origin = ?1 AND id_serial = ?2");
	if (!res)
		res = proto_merge_prepare(
			c, &c->hh_stamp_put,
			"INSERT INTO household_stamp(id_origin, id_serial, field, stamp, writer, base)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id_origin, id_serial, field)"
			" DO UPDATE SET stamp = excluded.stamp, writer = excluded.writer,"
			" base = excluded.base");
	if (!res)
		res = proto_merge_prepare(
			c, &c->conflict_put,
			"INSERT OR IGNORE INTO conflict(kind, id_origin, id_serial, field,"
			" winner_stamp, winner_writer, winner_value, loser_stamp, loser_writer, loser_value)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
	proto_buf_release(&sql);
	return res;
}

static proto_result step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PROTO_OK : PROTO_EDB;
}

static proto_result put_stamp(proto_merge_ctx *c, const proto_record *rec, const proto_field *fl)
{
	sqlite3_stmt *st = c->hh_stamp_put;

	sqlite3_bind_int64(st, 1, proto_u2i(rec->id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(rec->id.serial));
	sqlite3_bind_int(st, 3, fl->field);
	sqlite3_bind_int64(st, 4, proto_u2i(rec->stamp));
	sqlite3_bind_int64(st, 5, proto_u2i(rec->writer));
	sqlite3_bind_int64(st, 6, proto_u2i(fl->base));
	return step_done(st);
}

/* A REF as conflict text "origin16hex-serial"; other values as they are. */
static int bind_ref_text(sqlite3_stmt *st, int idx, proto_id ref)
{
	char text[48];

	snprintf(text, sizeof(text), "%016" PRIx64 "-%" PRIu64, ref.origin, ref.serial);
	return sqlite3_bind_text(st, idx, text, -1, SQLITE_TRANSIENT);
}

static int bind_new_value(sqlite3_stmt *st, int idx, const proto_value *v)
{
	if (v->type == PROTO_V_REF)
		return bind_ref_text(st, idx, v->ref);
	return proto_merge_bind(st, idx, 0, v);
}

static int bind_stored_value(sqlite3_stmt *st, int idx, sqlite3_stmt *row, int col, int is_ref)
{
	proto_id ref;

	if (!is_ref)
		return sqlite3_bind_value(st, idx, sqlite3_column_value(row, col));
	if (sqlite3_column_type(row, col) == SQLITE_NULL)
		return sqlite3_bind_null(st, idx);
	ref.origin = proto_i2u(sqlite3_column_int64(row, col));
	ref.serial = proto_i2u(sqlite3_column_int64(row, col + 1));
	return bind_ref_text(st, idx, ref);
}

/* Record both values of a concurrent edit; re-applying is a no-op (UNIQUE). */
static proto_result put_conflict(proto_merge_ctx *c, const proto_record *rec, const proto_field *fl,
				 const struct stored *s, int incoming_wins)
{
	const proto_merge_layout *l = &c->layout[PROTO_KIND_HOUSEHOLD];
	sqlite3_stmt *st = c->conflict_put;
	int col = l->col[fl->field], is_ref = l->is_ref[fl->field];
	int win = incoming_wins ? 5 : 8, lose = incoming_wins ? 8 : 5;
	proto_result res;

	sqlite3_bind_int(st, 1, PROTO_KIND_HOUSEHOLD);
	sqlite3_bind_int64(st, 2, proto_u2i(rec->id.origin));
	sqlite3_bind_int64(st, 3, proto_u2i(rec->id.serial));
	sqlite3_bind_int(st, 4, fl->field);
	sqlite3_bind_int64(st, win, proto_u2i(rec->stamp));
	sqlite3_bind_int64(st, win + 1, proto_u2i(rec->writer));
	sqlite3_bind_int64(st, lose, proto_u2i(s->stamp[fl->field]));
	sqlite3_bind_int64(st, lose + 1, proto_u2i(s->writer[fl->field]));
	if (bind_new_value(st, win + 2, &fl->value) != SQLITE_OK ||
	    bind_stored_value(st, lose + 2, c->hh_row, col, is_ref) != SQLITE_OK) {
		sqlite3_reset(st);
		return PROTO_EDB;
	}
	res = step_done(st);
	if (res == PROTO_OK && sqlite3_changes(c->db) > 0)
		c->stats.conflicts++;
	return res;
}

/* Set one column of an existing household and its stamp. */
static proto_result apply_field(proto_merge_ctx *c, const proto_record *rec, const proto_field *fl)
{
	const proto_merge_layout *l = &c->layout[PROTO_KIND_HOUSEHOLD];
	sqlite3_stmt **st = &c->hh_update[fl->field];
	proto_result res = PROTO_OK;

	if (!*st) {
		const char *col = l->fields->by_id[fl->field]->column;
		char sql[256];

		if (l->is_ref[fl->field])
			snprintf(sql, sizeof(sql),
				 "UPDATE household SET %s_origin = ?3, %s_serial = ?4"
				 " WHERE id_origin = ?1 AND id_serial = ?2",
				 col, col);
		else
			snprintf(sql, sizeof(sql),
				 "UPDATE household SET %s = ?3"
				 " WHERE id_origin = ?1 AND id_serial = ?2",
				 col);
		res = proto_merge_prepare(c, st, sql);
		if (res != PROTO_OK)
			return res;
	}
	sqlite3_bind_int64(*st, 1, proto_u2i(rec->id.origin));
	sqlite3_bind_int64(*st, 2, proto_u2i(rec->id.serial));
	if (proto_merge_bind(*st, 3, l->is_ref[fl->field], &fl->value) != SQLITE_OK) {
		sqlite3_reset(*st);
		return PROTO_EDB;
	}
	res = step_done(*st);
	if (res == PROTO_OK)
		res = put_stamp(c, rec, fl);
	return res;
}

/* Fast path: try to create the whole row at once. *created says if it did. */
static proto_result insert_new(proto_merge_ctx *c, const proto_record *rec, int *created)
{
	const proto_merge_layout *l = &c->layout[PROTO_KIND_HOUSEHOLD];
	sqlite3_stmt *st = c->hh_insert;
	proto_result res;

	sqlite3_clear_bindings(st);
	sqlite3_bind_int64(st, 1, proto_u2i(rec->id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(rec->id.serial));
	if (proto_merge_bind_fields(st, 3, l, rec) != SQLITE_OK) {
		sqlite3_reset(st);
		return PROTO_EDB;
	}
	res = step_done(st);
	*created = res == PROTO_OK && sqlite3_changes(c->db) > 0;
	return res;
}

static proto_result load_stamps(proto_merge_ctx *c, const proto_record *rec, struct stored *s)
{
	sqlite3_stmt *st = c->hh_stamps;
	int rc;

	memset(s->have, 0, sizeof(s->have));
	sqlite3_bind_int64(st, 1, proto_u2i(rec->id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(rec->id.serial));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int f = sqlite3_column_int(st, 0);

		if (f < 1 || f > (int)PROTO_MAX_FIELDS)
			continue; /* CHECK in the schema makes this unreachable */
		s->have[f] = 1;
		s->stamp[f] = proto_i2u(sqlite3_column_int64(st, 1));
		s->writer[f] = proto_i2u(sqlite3_column_int64(st, 2));
		s->base[f] = proto_i2u(sqlite3_column_int64(st, 3));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PROTO_OK : PROTO_EDB;
}

/*
 * Decide every field of rec against the stored row and record conflicts,
 * while hh_row still points at the stored values; nothing in household is
 * written until the row has been reset (its values may live in page memory).
 */
static proto_result decide(proto_merge_ctx *c, const proto_record *rec, const struct stored *s,
			   enum action *act)
{
	const proto_merge_layout *l = &c->layout[PROTO_KIND_HOUSEHOLD];
	sqlite3_stmt *row = c->hh_row;
	proto_result res = PROTO_OK;
	int rc;

	sqlite3_bind_int64(row, 1, proto_u2i(rec->id.origin));
	sqlite3_bind_int64(row, 2, proto_u2i(rec->id.serial));
	rc = sqlite3_step(row);
	if (rc != SQLITE_ROW) {
		res = PROTO_EDB;
		goto out;
	}
	for (size_t i = 0; i < rec->nfields && res == PROTO_OK; i++) {
		const proto_field *fl = &rec->fields[i];
		uint8_t f = fl->field;
		int same_value, wins;

		if (!s->have[f]) {
			act[i] = ACT_APPLY;
			continue;
		}
		same_value = proto_merge_column_eq(row, l->col[f], l->is_ref[f], &fl->value);
		if (rec->stamp == s->stamp[f] && rec->writer == s->writer[f]) {
			/* One (stamp, writer) names one value: anything else is a
			 * forged or corrupted change, not something to merge. */
			if (!same_value)
				res = PROTO_EVALUE;
			act[i] = ACT_ALREADY;
			continue;
		}
		wins = newer(rec->stamp, rec->writer, s->stamp[f], s->writer[f]);
		act[i] = wins ? ACT_APPLY : ACT_STALE;
		if (same_value)
			continue;
		if (wins ? fl->base != s->stamp[f] : rec->stamp > s->base[f])
			res = put_conflict(c, rec, fl, s, wins);
	}
out:
	sqlite3_reset(row);
	return res;
}

proto_result proto_merge_household(proto_merge_ctx *c, const proto_record *rec)
{
	enum action act[PROTO_MAX_FIELDS];
	struct stored s;
	int created = 0;
	proto_result res;

	res = prepare_household(c);
	if (res != PROTO_OK)
		return res;
	res = insert_new(c, rec, &created);
	if (res != PROTO_OK)
		return res;
	if (created) {
		for (size_t i = 0; i < rec->nfields && res == PROTO_OK; i++)
			res = put_stamp(c, rec, &rec->fields[i]);
		if (res == PROTO_OK)
			c->stats.applied += rec->nfields;
		return res;
	}
	res = load_stamps(c, rec, &s);
	if (res == PROTO_OK)
		res = decide(c, rec, &s, act);
	for (size_t i = 0; i < rec->nfields && res == PROTO_OK; i++) {
		switch (act[i]) {
		case ACT_APPLY:
			res = apply_field(c, rec, &rec->fields[i]);
			c->stats.applied++;
			break;
		case ACT_ALREADY:
			c->stats.already++;
			break;
		default:
			c->stats.stale++;
			break;
		}
	}
	return res;
}
