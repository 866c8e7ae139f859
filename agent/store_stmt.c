/*
 * store_stmt.c - the SQL of every statement the agent's store caches, in one
 * table keyed by agent_stmt_id (stmt.h), and the cache itself. The merge
 * code in proto/ writes the shared tables; the agent reads them with the
 * statements below and writes only meta, outbox and sealed.
 */
#include <assert.h>
#include "store_int.h"

/*
 * Column i + 2 of this list is household field i + 1 (schema.h order).
 * Only the hub writes review_status; until it decides, a household is
 * "proposed" (docs/AGENT.md).
 */
#define HH_COLUMNS \
	"id_origin, id_serial, ref, name, national_id, commune, hamlet, address," \
	" members, category, land_status, condition, phone, note, support_kind," \
	" coalesce(review_status, 'proposed'), review_reason, withdrawn"
/*
 * The walks over events (store_event.c): the event's own columns, then its
 * household's ref, commune and withdrawal (NULL when the store lacks it),
 * whether a void names it and the first void's reason. The parameters are
 * the filter: ?1 ?2 one event, ?3 ?4 one household, ?5 not NULL: live
 * events only, ?6 not NULL: contributions without a household only.
 */
#define VOID_REASON(t, kind) \
	"(SELECT v.reason FROM void_event v WHERE v.target_origin = " t ".id_origin" \
	" AND v.target_serial = " t ".id_serial AND v.target_kind = " kind " ORDER BY v.stamp LIMIT 1)"
#define EVENT_HOUSEHOLD(t) \
	" LEFT JOIN household h ON h.id_origin = " t ".household_origin" \
	" AND h.id_serial = " t ".household_serial"
#define EVENT_FILTER(t) \
	" WHERE (?1 IS NULL OR (" t ".id_origin = ?1 AND " t ".id_serial = ?2))" \
	" AND (?3 IS NULL OR (" t ".household_origin = ?3 AND " t ".household_serial = ?4))"

static const char *const stmt_sql[] = {
	[AGENT_STMT_META_GET] = "SELECT value FROM meta WHERE key = ?",
	[AGENT_STMT_META_SET] = "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
	[AGENT_STMT_OUTBOX_PUT] = "INSERT INTO outbox (stamp, nchanges, record) VALUES (?, ?, ?)",
	[AGENT_STMT_OUTBOX_BATCH] = "SELECT n, stamp, nchanges, record FROM outbox ORDER BY n LIMIT ?",
	[AGENT_STMT_OUTBOX_DEL] = "DELETE FROM outbox WHERE n <= ?",
	[AGENT_STMT_SEALED_LAST] = "SELECT seq, hash FROM sealed ORDER BY seq DESC LIMIT 1",
	[AGENT_STMT_SEALED_PUT] = "INSERT INTO sealed (seq, hash, prev, bytes, created, nrecords)"
				  " VALUES (?, ?, ?, ?, ?, ?)",
	[AGENT_STMT_SEALED_UNACKED] = "SELECT bytes FROM sealed WHERE acked_at IS NULL ORDER BY seq",
	[AGENT_STMT_SEALED_NEXT] = "SELECT seq, hash, bytes FROM sealed"
				   " WHERE acked_at IS NULL AND seq > ? ORDER BY seq LIMIT 1",
	[AGENT_STMT_SEALED_ACK] = "UPDATE sealed SET acked_at = ? WHERE seq = ? AND acked_at IS NULL",
	[AGENT_STMT_SEALED_REFUSE] = "UPDATE sealed SET acked_at = ?, refused_code = ?,"
				     " refused_message = ? WHERE seq = ? AND acked_at IS NULL",
	/* the revoked keys' chains too (re-enrolment): sealed before the current one */
	[AGENT_STMT_SEALED_REFUSED] = "SELECT 0, seq, acked_at, refused_code, refused_message, created"
				      " FROM sealed WHERE refused_code IS NOT NULL UNION ALL"
				      " SELECT origin, seq, acked_at, refused_code, refused_message, created"
				      " FROM sealed_retired WHERE refused_code IS NOT NULL"
				      " ORDER BY created, seq",
	[AGENT_STMT_HH_GET] = "SELECT " HH_COLUMNS " FROM household WHERE id_origin = ? AND id_serial = ?",
	[AGENT_STMT_HH_ALL] = "SELECT " HH_COLUMNS " FROM household ORDER BY id_origin, id_serial",
	[AGENT_STMT_HH_BY_REF] = "SELECT id_origin, id_serial FROM household WHERE ref = ? LIMIT 2",
	[AGENT_STMT_HH_BY_NID] = "SELECT id_origin, id_serial FROM household"
				 " WHERE national_id = ? AND NOT (id_origin = ? AND id_serial = ?) LIMIT 1",
	[AGENT_STMT_HH_NIDS] = "SELECT national_id, id_origin, id_serial FROM household"
			       " WHERE national_id IS NOT NULL",
	[AGENT_STMT_HH_STAMP] = "SELECT stamp FROM household_stamp"
				" WHERE id_origin = ? AND id_serial = ? AND field = ?",
	[AGENT_STMT_HH_TOP_STAGE] =
		"SELECT stage FROM milestone m"
		" WHERE household_origin = ? AND household_serial = ? AND" PROTO_SQL_MILESTONE_LIVE("m"),
	/* a household's last change: its fields' stamps and its events' */
	[AGENT_STMT_HH_CHANGED] = "SELECT o, s, max(stamp) FROM ("
				  " SELECT id_origin o, id_serial s, stamp FROM household_stamp UNION ALL"
				  " SELECT household_origin, household_serial, stamp FROM milestone UNION ALL"
				  " SELECT household_origin, household_serial, stamp FROM contribution)"
				  " WHERE o IS NOT NULL GROUP BY o, s",
	[AGENT_STMT_MS_WALK] = "SELECT m.id_origin, m.id_serial, m.stage, m.date, m.note, m.forced,"
			       " m.household_origin, m.household_serial, h.ref, h.commune, h.withdrawn,"
			       " NOT" PROTO_SQL_MILESTONE_LIVE(
				       "m") "," VOID_REASON("m",
							    "2") " FROM milestone m" EVENT_HOUSEHOLD("m")
				       EVENT_FILTER("m") " AND (?5 IS NULL OR" PROTO_SQL_MILESTONE_LIVE(
					       "m") ")"
						    " ORDER BY m.date, m.stamp",
	[AGENT_STMT_CT_WALK] = "SELECT c.id_origin, c.id_serial, c.source, c.donor, c.money_vnd,"
			       " c.labour_days, c.material, c.material_value_vnd, c.date, c.note,"
			       " c.household_origin, c.household_serial, h.ref, c.unit, h.commune,"
			       " h.withdrawn, NOT" PROTO_SQL_CONTRIBUTION_LIVE("c") "," VOID_REASON(
				       "c", "3") " FROM contribution c" EVENT_HOUSEHOLD("c")
				       EVENT_FILTER("c") " AND (?5 IS NULL OR" PROTO_SQL_CONTRIBUTION_LIVE(
					       "c") ")"
						    " AND (?6 IS NULL OR c.household_serial IS NULL)"
						    " ORDER BY c.stamp",
	[AGENT_STMT_MS_BY_SERIAL] = "SELECT id_origin, id_serial FROM milestone WHERE id_serial = ?",
	[AGENT_STMT_CT_BY_SERIAL] = "SELECT id_origin, id_serial FROM contribution WHERE id_serial = ?",
};
_Static_assert(ARRAY_SIZE(stmt_sql) == AGENT_STMT_COUNT, "one SQL text for each agent_stmt_id");
_Static_assert(ARRAY_SIZE(((agent_ctx *)0)->stmts) == AGENT_STMT_COUNT,
	       "one cache slot for each agent_stmt_id");

sqlite3_stmt *agent_stmt(agent_ctx *ctx, agent_stmt_id id)
{
	sqlite3_stmt **st;

	assert(ctx->db && (unsigned)id < AGENT_STMT_COUNT && stmt_sql[id]);
	st = &ctx->stmts[id];
	if (!*st && sqlite3_prepare_v3(ctx->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, st, NULL) !=
			    SQLITE_OK)
		return NULL;
	sqlite3_reset(*st);
	sqlite3_clear_bindings(*st);
	return *st;
}

void agent_stmts_finalize(agent_ctx *ctx)
{
	for (size_t i = 0; i < ARRAY_SIZE(ctx->stmts); i++) {
		sqlite3_finalize(ctx->stmts[i]);
		ctx->stmts[i] = NULL;
	}
}

proto_result agent_sql_count(sqlite3 *db, const char *sql, int64_t *add)
{
	sqlite3_stmt *st = NULL;
	proto_result r = PROTO_EDB;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		*add += sqlite3_column_int64(st, 0);
		r = PROTO_OK;
	}
	sqlite3_finalize(st);
	return r;
}
