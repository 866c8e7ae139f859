/*
 * store_sql.c - every statement the store files run on the hub's tables and
 * the shared ones, indexed by hub_stmt (store_int.h), and the per-thread
 * cache that keeps them prepared.
 */
#include <assert.h>
#include <stdlib.h>
#include "store.h"
#include "store_int.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const stmt_sql[] = {
	[HUB_STMT_META_GET] = "SELECT value FROM hub_meta WHERE key = ?",
	[HUB_STMT_META_SET] = "INSERT INTO hub_meta(key, value) VALUES (?, ?)"
			      " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[HUB_STMT_TOKEN_ADD] = "INSERT INTO hub_token(hash, scope_kind, scope_code, created, expires)"
			       " VALUES (?, ?, ?, ?, ?)",
	[HUB_STMT_TOKEN_FIND] = "SELECT id, scope_kind, scope_code, expires, used, revoked, agent"
				" FROM hub_token WHERE hash = ?",
	[HUB_STMT_TOKEN_USE] = "UPDATE hub_token SET used = ?, agent = ? WHERE id = ? AND used IS NULL",
	[HUB_STMT_AGENT_INSERT] = "INSERT INTO hub_agent(id, pub, scope_kind, scope_code,"
				  " enrolled, token) VALUES (?, ?, ?, ?, ?, ?)",
	[HUB_STMT_AGENT_GET] = "SELECT pub, scope_kind, scope_code, enrolled,"
			       " coalesce(revoked, 0), coalesce(reads, 1) FROM hub_agent WHERE id = ?",
	[HUB_STMT_AGENT_REVOKE] = "UPDATE hub_agent SET revoked = ? WHERE id = ? AND revoked IS NULL",
	[HUB_STMT_TOKEN_REVOKE] = "UPDATE hub_token SET revoked = ? WHERE id = ? AND revoked IS NULL",
	[HUB_STMT_AGENT_REVOKE_BY_TOKEN] =
		"UPDATE hub_agent SET revoked = ?1 WHERE revoked IS NULL AND id IN"
		" (SELECT agent FROM hub_token WHERE revoked IS NOT NULL AND agent IS NOT NULL);",
	[HUB_STMT_TOKEN_REVOKE_BY_AGENT] = "UPDATE hub_token SET revoked = ?1 WHERE revoked IS NULL AND agent IN"
					   " (SELECT id FROM hub_agent WHERE revoked IS NOT NULL)",
	[HUB_STMT_AGENT_EACH] = "SELECT t.id, t.scope_kind, t.scope_code, t.created, t.expires, t.used, t.revoked,"
				" t.agent, (SELECT max(seq) FROM hub_ledger l WHERE l.origin = t.agent)"
				" FROM hub_token t ORDER BY t.id",
	[HUB_STMT_LEDGER_HEAD] = "SELECT seq, hash FROM hub_ledger WHERE origin = ?"
				 " ORDER BY seq DESC LIMIT 1",
	[HUB_STMT_REFUSED_HEAD] = "SELECT seq, hash FROM hub_refused WHERE origin = ?"
				  " ORDER BY seq DESC LIMIT 1",
	[HUB_STMT_LEDGER_HASH_AT] = "SELECT hash FROM hub_ledger WHERE origin = ? AND seq = ?",
	[HUB_STMT_LEDGER_INSERT] = "INSERT INTO hub_ledger(origin, seq, hash, sealed, received)"
				   " VALUES (?, ?, ?, ?, ?)",
	[HUB_STMT_AREA_ADD] = "INSERT OR IGNORE INTO hub_ledger_area(commune, ledger, district)"
			      " VALUES (?, ?, ?)",
	[HUB_STMT_AREA_FOLLOW] = "INSERT OR IGNORE INTO hub_ledger_area(commune, ledger, district)"
				 " SELECT ?3, ledger, ?4 FROM hub_ledger_area"
				 " WHERE commune = ?2 AND ledger <= ?1",
	[HUB_STMT_MOVE_ADD] = "INSERT OR IGNORE INTO hub_move(ledger, id_origin, id_serial,"
			      " from_commune) VALUES (?, ?, ?, ?)",
	[HUB_STMT_MOVED_FROM] = "SELECT from_commune FROM hub_move WHERE ledger = ?"
				" AND id_origin = ? AND id_serial = ?",
	[HUB_STMT_LEDGER_ROW] = "SELECT origin, seq, hash, sealed FROM hub_ledger WHERE id = ?",
	[HUB_STMT_LEDGER_BY_ORIGIN] = "SELECT id, origin, seq, hash, sealed, received FROM hub_ledger"
				      " ORDER BY origin, seq",
	[HUB_STMT_REJECTION_ADD] = "INSERT INTO hub_rejection(received, source, origin, seq,"
				   " code, message, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[HUB_STMT_HOUSEHOLD_COMMUNE] = "SELECT commune FROM household"
				       " WHERE id_origin = ? AND id_serial = ?",
	[HUB_STMT_EVENT_ANCHOR] = "SELECT household_origin, household_serial, NULL FROM milestone"
				  " WHERE id_origin = ?1 AND id_serial = ?2"
				  " UNION ALL SELECT household_origin, household_serial, unit FROM contribution"
				  " WHERE id_origin = ?1 AND id_serial = ?2",
	[HUB_STMT_HOUSEHOLD_EACH] = "SELECT id_origin, id_serial, ref, name, national_id, hamlet, category,"
				    " review_status, commune, members, withdrawn FROM household"
				    " WHERE ?1 = 0 OR commune = ?1 ORDER BY commune, id_origin, id_serial",
	/* the same columns: one row reader serves both */
	[HUB_STMT_HOUSEHOLD_BY_REF] = "SELECT id_origin, id_serial, ref, name, national_id, hamlet, category,"
				      " review_status, commune, members, withdrawn FROM household"
				      " WHERE ref = ?1 ORDER BY commune, id_origin, id_serial",
	[HUB_STMT_HOUSEHOLD_EVENTS] =
		"SELECT 2, m.id_origin, m.id_serial, m.date, m.note, m.stage, m.forced,"
		" NULL, NULL, NULL, NULL, NULL, NULL, NOT" PROTO_SQL_MILESTONE_LIVE(
			"m") ","
			     " (SELECT v.reason FROM void_event v WHERE v.target_origin = m.id_origin"
			     "  AND v.target_serial = m.id_serial AND v.target_kind = 2 ORDER BY v.stamp LIMIT 1)"
			     " FROM milestone m WHERE m.household_origin = ?1 AND m.household_serial = ?2"
			     " UNION ALL SELECT 3, c.id_origin, c.id_serial, c.date, c.note, NULL, NULL,"
			     " c.source, c.donor, c.material, c.money_vnd, c.labour_days, c.material_value_vnd,"
			     " NOT" PROTO_SQL_CONTRIBUTION_LIVE(
				     "c") ","
					  " (SELECT v.reason FROM void_event v WHERE v.target_origin = c.id_origin"
					  "  AND v.target_serial = c.id_serial AND v.target_kind = 3 ORDER BY v.stamp LIMIT 1)"
					  " FROM contribution c WHERE c.household_origin = ?1 AND c.household_serial = ?2"
					  " ORDER BY 1, 4, 2, 3",
	[HUB_STMT_HOUSEHOLD_STAMP] = "SELECT stamp FROM household_stamp"
				     " WHERE id_origin = ? AND id_serial = ? AND field = ?",
	[HUB_STMT_HOUSEHOLD_SHOW] = "SELECT * FROM household WHERE id_origin = ? AND id_serial = ?",
	[HUB_STMT_AREA_BY_COMMUNE] = "SELECT id FROM hub_ledger WHERE id > ?1 AND id < ?2"
				     " UNION SELECT ledger FROM hub_ledger_area WHERE commune = ?3 AND ledger > ?1"
				     " ORDER BY 1 LIMIT ?4",
	[HUB_STMT_AREA_BY_DISTRICT] = "SELECT id FROM hub_ledger WHERE id > ?1 AND id < ?2"
				      " UNION SELECT ledger FROM hub_ledger_area WHERE district = ?3 AND ledger > ?1"
				      " ORDER BY 1 LIMIT ?4",
	[HUB_STMT_REFUSED_ADD] = "INSERT INTO hub_refused(origin, seq, hash, prev, received,"
				 " status, code, message, rule, record, field)"
				 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[HUB_STMT_REFUSED_GET] = "SELECT hash, prev, status, code, message, rule, record, field"
				 " FROM hub_refused WHERE origin = ? AND seq = ?",
	[HUB_STMT_QUOTA_GET] = "SELECT records, bytes FROM hub_quota WHERE agent = ? AND day = ?",
	[HUB_STMT_QUOTA_ADD] = "INSERT INTO hub_quota(agent, day, records, bytes) VALUES (?, ?, ?, ?)"
			       " ON CONFLICT(agent, day) DO UPDATE SET records = records + excluded.records,"
			       " bytes = bytes + excluded.bytes",
	[HUB_STMT_REJECTION_FIND] = "SELECT 1 FROM hub_rejection WHERE source = ? AND origin = ?"
				    " AND seq = ? AND code = ?",
	[HUB_STMT_HELD_HOUSEHOLD] = "SELECT 1 FROM household WHERE id_origin = ? AND id_serial = ?",
	[HUB_STMT_HELD_MILESTONE] = "SELECT 1 FROM milestone WHERE id_origin = ? AND id_serial = ?",
	[HUB_STMT_HELD_CONTRIBUTION] = "SELECT 1 FROM contribution WHERE id_origin = ? AND id_serial = ?",
	[HUB_STMT_HELD_VOID] = "SELECT 1 FROM void_event WHERE id_origin = ? AND id_serial = ?",
	[HUB_STMT_REPORT_DIRTY_NOTE] = hub_report_sql_dirty_note,
	[HUB_STMT_REPORT_DIRTY_ANY] = hub_report_sql_dirty_any,
	[HUB_STMT_REPORT_NEW] = hub_report_sql_new,
	[HUB_STMT_REPORT_NEW_INC] = hub_report_sql_new_inc,
	[HUB_STMT_REPORT_VOID_PROBE] = hub_report_sql_void_probe,
	[HUB_STMT_REPORT_COUNT_MOVE] = hub_report_sql_count_move,
	[HUB_STMT_REPORT_HH_FRESH] = hub_report_sql_hh_fresh,
	[HUB_STMT_REPORT_COUNT_FRESH] = hub_report_sql_count_fresh,
	[HUB_STMT_REPORT_DATES] = hub_report_sql_dates,
	[HUB_STMT_REPORT_TWICE] = hub_report_sql_twice,
	[HUB_STMT_REPORT_NEW_CLEAR] = hub_report_sql_new_clear,
	[HUB_STMT_REPORT_DIRTY_CLEAR] = hub_report_sql_dirty_clear,
	[HUB_STMT_REPORT_FUND_ANY] = hub_report_sql_fund_any,
	[HUB_STMT_REPORT_FUND] = hub_report_sql_fund,
	[HUB_STMT_REPORT_FUND_CLEAR] = hub_report_sql_fund_clear,
};
_Static_assert(ARRAY_SIZE(stmt_sql) == HUB_STMT_COUNT, "one SQL text per hub_stmt");

/*
 * Statement cache. The serve threads each own one connection for their whole
 * life and run the same few statements for every push and pull, so preparing
 * them every time was a tenth of a push (docs/BENCHMARKS.md). A thread that
 * called hub_store_cache_begin(db) keeps the statements it prepares on db,
 * one slot per hub_stmt; other callers (the one-shot commands) prepare and
 * finalize as before, so sqlite3_close never meets a leftover statement.
 */
typedef struct stmt_cache {
	sqlite3 *db;
	sqlite3_stmt *st[HUB_STMT_COUNT];
} stmt_cache;

static _Thread_local stmt_cache *tls_cache;

hub_result hub_store_cache_begin(sqlite3 *db)
{
	assert(db);
	if (tls_cache)
		hub_store_cache_end();
	tls_cache = proto_calloc(1, sizeof(*tls_cache));
	if (!tls_cache)
		return HUB_ENOMEM;
	tls_cache->db = db;
	return HUB_OK;
}

void hub_store_cache_end(void)
{
	size_t i;

	if (!tls_cache)
		return;
	for (i = 0; i < HUB_STMT_COUNT; i++)
		sqlite3_finalize(tls_cache->st[i]);
	free(tls_cache);
	tls_cache = NULL;
}

sqlite3_stmt *hub_store_prep(sqlite3 *db, hub_stmt id)
{
	stmt_cache *c = tls_cache;
	sqlite3_stmt *st = NULL;

	assert(id < HUB_STMT_COUNT && stmt_sql[id]);
	if (c && c->db == db) {
		/* busy: a caller up the stack is still stepping it; this use gets
		 * a statement of its own, finalized by hub_store_unprep */
		if (c->st[id] && !sqlite3_stmt_busy(c->st[id]))
			return c->st[id];
		if (sqlite3_prepare_v3(db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
		    SQLITE_OK)
			return NULL;
		if (!c->st[id])
			c->st[id] = st;
		return st;
	}
	if (sqlite3_prepare_v2(db, stmt_sql[id], -1, &st, NULL) != SQLITE_OK)
		return NULL;
	return st;
}

sqlite3_stmt *hub_store_prep_pair(sqlite3 *db, hub_stmt id, uint64_t a, uint64_t b)
{
	sqlite3_stmt *st = hub_store_prep(db, id);

	if (st && (sqlite3_bind_int64(st, 1, proto_u2i(a)) != SQLITE_OK ||
		   sqlite3_bind_int64(st, 2, proto_u2i(b)) != SQLITE_OK)) {
		hub_store_unprep(st);
		return NULL;
	}
	return st;
}

hub_result hub_store_step(sqlite3_stmt *st, bool *row)
{
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*row = true;
		return HUB_OK;
	case SQLITE_DONE:
		*row = false;
		return HUB_OK;
	default:
		*row = false;
		return HUB_EDB;
	}
}

hub_result hub_store_step_hashes(sqlite3_stmt *st, int first, int n, bool *row)
{
	hub_result rc = hub_store_step(st, row);
	int i;

	for (i = first; *row && i < first + n; i++)
		if (sqlite3_column_bytes(st, i) != 32)
			*row = false, rc = HUB_EDB;
	return rc;
}

hub_result hub_store_exec(sqlite3_stmt *st)
{
	return sqlite3_step(st) == SQLITE_DONE ? HUB_OK : HUB_EDB;
}

hub_result hub_store_walk(sqlite3_stmt *st, hub_store_row_fn fn, void *arg)
{
	int step = SQLITE_ERROR;

	while (st && (step = sqlite3_step(st)) == SQLITE_ROW && !fn(arg, st))
		;
	hub_store_unprep(st);
	return step == SQLITE_DONE || step == SQLITE_ROW ? HUB_OK : HUB_EDB;
}

/* The end of one use: a cached statement is reset for the next, any other finalized. */
void hub_store_unprep(sqlite3_stmt *st)
{
	stmt_cache *c = tls_cache;
	size_t i;

	if (!st)
		return;
	for (i = 0; c && i < HUB_STMT_COUNT; i++) {
		if (c->st[i] == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return;
		}
	}
	sqlite3_finalize(st);
}
