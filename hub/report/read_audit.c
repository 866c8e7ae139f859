/*
 * read_audit.c - the read audit's table (read_audit.h). One row a read; the
 * index on the time keeps "--since" and the newest-first list cheap, the
 * one on the household the question "who saw this family's record".
 */
#include "read_audit.h"
#include <stdio.h>
#include <string.h>

static const char schema_sql[] = "CREATE TABLE IF NOT EXISTS read_audit ("
				 " at INTEGER NOT NULL,"
				 " operator TEXT NOT NULL,"
				 " what TEXT NOT NULL CHECK (what IN ('household', 'photo', 'report')),"
				 " household TEXT NOT NULL DEFAULT '',"
				 " detail TEXT NOT NULL DEFAULT '');"
				 "CREATE INDEX IF NOT EXISTS read_audit_at ON read_audit (at);"
				 "CREATE INDEX IF NOT EXISTS read_audit_household ON read_audit (household, at)"
				 " WHERE household <> '';";

hub_result hub_read_audit_schema(sqlite3 *rw)
{
	return sqlite3_exec(rw, schema_sql, NULL, NULL, NULL) == SQLITE_OK ? HUB_OK : HUB_EDB;
}

static const char insert_sql[] = "INSERT INTO read_audit (at, operator, what, household, detail)"
				 " VALUES (?1, ?2, ?3, ?4, ?5)";

/* The connection's prepared INSERT, kept from one note to the next: each
 * page view a worker answers notes one read, and preparing the statement
 * again each time cost more than the insert itself (bench_read_audit).
 * SQLite keeps the list of a connection's statements, so the cache needs no
 * storage of its own: the one whose text is insert_sql is ours. */
static sqlite3_stmt *insert_stmt(sqlite3 *rw)
{
	sqlite3_stmt *st = NULL;

	while ((st = sqlite3_next_stmt(rw, st)))
		if (!sqlite3_stmt_busy(st) && strcmp(sqlite3_sql(st), insert_sql) == 0)
			return st;
	if (sqlite3_prepare_v3(rw, insert_sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return NULL;
	return st;
}

hub_result hub_read_audit_add(sqlite3 *rw, const hub_read *r)
{
	/* ?2 to ?5, in the columns' order */
	const char *const texts[] = { r->operator_name, r->what, r->household, r->detail };
	sqlite3_stmt *st = insert_stmt(rw);
	hub_result res = HUB_EDB;
	int i;

	if (!st)
		return HUB_EDB;
	sqlite3_bind_int64(st, 1, r->at);
	for (i = 0; i < 4; i++)
		sqlite3_bind_text(st, i + 2, texts[i] ? texts[i] : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		res = HUB_OK;
	/* ready for the next note, and the borrowed strings let go */
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return res;
}

void hub_read_audit_close(sqlite3 *rw)
{
	sqlite3_stmt *st;

	while ((st = sqlite3_next_stmt(rw, NULL)))
		sqlite3_finalize(st);
	sqlite3_close(rw);
}

static const char *text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? (const char *)t : "";
}

hub_result hub_read_audit_each(sqlite3 *db, const hub_read_filter *f, int64_t limit, hub_read_cb cb,
			       void *arg)
{
	sqlite3_stmt *st = NULL;
	hub_result res = HUB_EDB;
	hub_read r;
	int rc;

	rc = sqlite3_prepare_v2(db,
				"SELECT at, operator, what, household, detail FROM read_audit"
				" WHERE (?1 = '' OR operator = ?1) AND (?2 = '' OR household = ?2)"
				" AND at >= ?3 ORDER BY at DESC, rowid DESC LIMIT ?4",
				-1, &st, NULL);
	if (rc != SQLITE_OK) {
		/* an older hub.db that nobody has read from yet */
		res = strstr(sqlite3_errmsg(db), "no such table") ? HUB_OK : HUB_EDB;
		goto out;
	}
	sqlite3_bind_text(st, 1, f->operator_name ? f->operator_name : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->household ? f->household : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, f->since);
	sqlite3_bind_int64(st, 4, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.at = sqlite3_column_int64(st, 0);
		r.operator_name = text(st, 1);
		r.what = text(st, 2);
		r.household = text(st, 3);
		r.detail = text(st, 4);
		if ((res = cb(arg, &r)) != HUB_OK)
			goto out;
	}
	res = rc == SQLITE_DONE ? HUB_OK : HUB_EDB;
out:
	sqlite3_finalize(st);
	return res;
}
