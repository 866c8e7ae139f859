/*
 * merge_event.c - events (milestone, contribution, void) merge by union on id.
 *
 * An event is immutable: inserted once, never updated. Meeting an id again
 * with the same stamp, writer and fields is a re-apply ('already'); meeting
 * it with anything different is a forged or corrupted change-set and the
 * whole change-set is refused with PROTO_EVALUE (docs/MERGE.md).
 */
#include <stdio.h>
#include <sqlite3.h>

#include "maiam/schema.h"
#include "merge_int.h"

static proto_result prepare_event(proto_merge_ctx *c, uint8_t kind)
{
	const proto_merge_layout *l = &c->layout[kind];
	const char *table = proto_merge_table(kind);
	proto_buf sql;
	proto_result res = PROTO_OK;

	if (c->ev_insert[kind])
		return PROTO_OK;
	proto_buf_init(&sql, 16384);
	if (!res)
		res = proto_buf_appendf(&sql,
					"INSERT OR IGNORE INTO %s(id_origin, id_serial,"
					" stamp, writer, ",
					table);
	if (!res)
		res = proto_merge_cols(l, &sql, 0);
	if (!res)
		res = proto_buf_append_str(&sql, ") VALUES (?, ?, ?, ?, ");
	if (!res)
		res = proto_merge_cols(l, &sql, 1);
	if (!res)
		res = proto_buf_append_str(&sql, ")");
	if (!res)
		res = proto_buf_append_byte(&sql, 0);
	if (!res)
		res = proto_merge_prepare(c, &c->ev_insert[kind], (const char *)sql.data);
	proto_buf_reset(&sql);
	if (!res)
		res = proto_buf_append_str(&sql, "SELECT stamp, writer, ");
	if (!res)
		res = proto_merge_cols(l, &sql, 0);
	if (!res)
		res = proto_buf_appendf(&sql, " FROM %s WHERE id_origin = ?1 AND id_serial = ?2", table);
	if (!res)
		res = proto_buf_append_byte(&sql, 0);
	if (!res)
		res = proto_merge_prepare(c, &c->ev_select[kind], (const char *)sql.data);
	proto_buf_release(&sql);
	return res;
}

/* The value rec carries for field f, or NULL if absent (stored as NULL). */
static const proto_value *value_of(const proto_record *rec, uint8_t f)
{
	for (size_t i = 0; i < rec->nfields; i++)
		if (rec->fields[i].field == f)
			return &rec->fields[i].value;
	return NULL;
}

/* Is the stored event with rec's id exactly rec? */
static proto_result same_event(proto_merge_ctx *c, const proto_record *rec, int *same)
{
	static const proto_value null_value = { .type = PROTO_V_NULL };
	const proto_merge_layout *l = &c->layout[rec->kind];
	sqlite3_stmt *st = c->ev_select[rec->kind];
	proto_result res = PROTO_OK;

	*same = 0;
	sqlite3_bind_int64(st, 1, proto_u2i(rec->id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(rec->id.serial));
	if (sqlite3_step(st) != SQLITE_ROW) {
		res = PROTO_EDB;
		goto out;
	}
	if (proto_i2u(sqlite3_column_int64(st, 0)) != rec->stamp ||
	    proto_i2u(sqlite3_column_int64(st, 1)) != rec->writer)
		goto out;
	for (int f = 1; f <= (int)PROTO_MAX_FIELDS; f++) {
		const proto_value *v;

		if (!l->fields->by_id[f])
			continue;
		v = value_of(rec, (uint8_t)f);
		if (!proto_merge_column_eq(st, 2 + l->col[f], l->is_ref[f], v ? v : &null_value))
			goto out;
	}
	*same = 1;
out:
	sqlite3_reset(st);
	return res;
}

proto_result proto_merge_event(proto_merge_ctx *c, const proto_record *rec)
{
	const proto_merge_layout *l = &c->layout[rec->kind];
	sqlite3_stmt *st;
	proto_result res;
	int rc, same = 0;

	res = prepare_event(c, rec->kind);
	if (res != PROTO_OK)
		return res;
	st = c->ev_insert[rec->kind];
	sqlite3_clear_bindings(st);
	sqlite3_bind_int64(st, 1, proto_u2i(rec->id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(rec->id.serial));
	sqlite3_bind_int64(st, 3, proto_u2i(rec->stamp));
	sqlite3_bind_int64(st, 4, proto_u2i(rec->writer));
	if (proto_merge_bind_fields(st, 5, l, rec) != SQLITE_OK) {
		sqlite3_reset(st);
		return PROTO_EDB;
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return PROTO_EDB;
	if (sqlite3_changes(c->db) > 0) {
		c->stats.applied++;
		return PROTO_OK;
	}
	res = same_event(c, rec, &same);
	if (res != PROTO_OK)
		return res;
	if (!same)
		return PROTO_EVALUE;
	c->stats.already++;
	return PROTO_OK;
}
