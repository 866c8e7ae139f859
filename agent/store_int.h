/*
 * store_int.h - what the store files (store*.c) share and nothing else
 * needs: the statement cache and a one-number query. The commands see
 * store.h only.
 */
#ifndef MAIAM_AGENT_STORE_INT_H
#define MAIAM_AGENT_STORE_INT_H
#include "store.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/*
 * Statement id from the one table in store_stmt.c, prepared on first use and
 * kept in ctx->stmts until agent_store_close; returned reset, bindings
 * cleared. NULL when SQLite cannot prepare it (sqlite3_errmsg says why).
 * Reset it when done: the next caller of the same id resets it anyway, so
 * an id must not be used again while an outer loop is still stepping it.
 */
sqlite3_stmt *agent_stmt(agent_ctx *ctx, agent_stmt_id id);
/* Finalize every cached statement (before closing the database). */
void agent_stmts_finalize(agent_ctx *ctx);
/* The first column of the first row of sql, added to *add; PROTO_EDB on error. */
proto_result agent_sql_count(sqlite3 *db, const char *sql, int64_t *add);
/* Decode the outbox row columns col.. (stamp, nchanges, record) of st into cs
 * (initialised here; release it even on failure). */
proto_result agent_outbox_decode(agent_ctx *ctx, sqlite3_stmt *st, int col, proto_changeset *cs);
/* An SQLite step result as a proto_result: SQLITE_DONE and SQLITE_ROW are fine. */
static inline proto_result agent_step_result(int rc)
{
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? PROTO_OK : PROTO_EDB;
}

/* Ids in two INTEGER columns (or parameters) from col on: origin, serial. */
static inline proto_id agent_column_id(sqlite3_stmt *st, int col)
{
	proto_id id = { proto_i2u(sqlite3_column_int64(st, col)),
			proto_i2u(sqlite3_column_int64(st, col + 1)) };

	return id;
}

static inline void agent_bind_id(sqlite3_stmt *st, int param, proto_id id)
{
	sqlite3_bind_int64(st, param, proto_u2i(id.origin));
	sqlite3_bind_int64(st, param + 1, proto_u2i(id.serial));
}

static inline const char *agent_col_text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

/* The end of a walk over st (see the foreach functions): st reset, and the
 * callback's stop r, or else how stepping ended (rc). */
static inline proto_result agent_walk_done(sqlite3_stmt *st, proto_result r, int rc)
{
	sqlite3_reset(st);
	return r != PROTO_OK ? r : agent_step_result(rc);
}

#endif
