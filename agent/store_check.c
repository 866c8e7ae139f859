/*
 * store_check.c - prove the store is whole: SQLite's integrity check, every
 * sealed change-set verifies and chains to the one before, every record in
 * outbox and sealed appears once, and every row this agent created has its
 * record (so a crash can neither lose a change nor send it twice).
 */
#include <string.h>
#include "agent.h"
#include "store_int.h"

static proto_result note_records(sqlite3_stmt *ins, const proto_changeset *cs)
{
	for (size_t i = 0; i < cs->nrecords; i++) {
		const proto_record *rec = &cs->records[i];

		sqlite3_reset(ins);
		sqlite3_bind_int(ins, 1, rec->kind);
		sqlite3_bind_int64(ins, 2, proto_u2i(rec->id.origin));
		sqlite3_bind_int64(ins, 3, proto_u2i(rec->id.serial));
		sqlite3_bind_int64(ins, 4, proto_u2i(rec->stamp));
		if (sqlite3_step(ins) != SQLITE_DONE)
			return PROTO_EDB;
	}
	return PROTO_OK;
}

static proto_result check_sealed(agent_ctx *ctx, sqlite3_stmt *ins, agent_check_report *rep)
{
	sqlite3_stmt *st = NULL;
	uint8_t prev[32] = { 0 }, hash[32];
	uint64_t want_seq = 1;
	proto_result r = PROTO_EDB;
	int rc;

	if (sqlite3_prepare_v2(ctx->db, "SELECT seq, bytes FROM sealed ORDER BY seq", -1, &st, NULL) !=
	    SQLITE_OK)
		goto out;
	r = PROTO_OK;
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		proto_changeset cs;
		proto_result o = proto_open(sqlite3_column_blob(st, 1),
					    (size_t)sqlite3_column_bytes(st, 1), ctx->key, &cs, hash);

		if (o != PROTO_OK || cs.hdr.seq != want_seq ||
		    proto_i2u(sqlite3_column_int64(st, 0)) != want_seq ||
		    memcmp(cs.hdr.prev, prev, 32) != 0)
			rep->bad_chain++;
		if (o == PROTO_OK) {
			rep->records += (int64_t)cs.nrecords;
			r = note_records(ins, &cs);
		}
		proto_changeset_release(&cs);
		memcpy(prev, hash, 32);
		want_seq++;
	}
out:
	sqlite3_finalize(st);
	return r;
}

static proto_result check_outbox(agent_ctx *ctx, sqlite3_stmt *ins, agent_check_report *rep)
{
	sqlite3_stmt *st = NULL;
	proto_result r = PROTO_EDB;

	if (sqlite3_prepare_v2(ctx->db, "SELECT stamp, nchanges, record FROM outbox ORDER BY n", -1, &st,
			       NULL) != SQLITE_OK)
		goto out;
	r = PROTO_OK;
	while (r == PROTO_OK && sqlite3_step(st) == SQLITE_ROW) {
		proto_changeset cs;
		proto_result d = agent_outbox_decode(ctx, st, 0, &cs);

		if (d != PROTO_OK) {
			rep->bad_chain++; /* an undecodable outbox row is as bad */
		} else {
			rep->records++;
			r = note_records(ins, &cs);
		}
		proto_changeset_release(&cs);
	}
out:
	sqlite3_finalize(st);
	return r;
}

proto_result agent_store_check(agent_ctx *ctx, agent_check_report *rep)
{
	static const struct {
		int kind;
		const char *table;
	} kinds[] = {
		{ 1, "household" },
		{ 2, "milestone" },
		{ 3, "contribution" },
		{ 4, "void_event" },
	};
	sqlite3_stmt *ins = NULL;
	char sql[512];
	proto_result r;

	memset(rep, 0, sizeof *rep);
	rep->integrity_ok = 0;
	r = agent_sql_count(ctx->db,
			    "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'",
			    &rep->records);
	if (r != PROTO_OK)
		return r;
	rep->integrity_ok = rep->records == 1;
	rep->records = 0;
	r = agent_store_load_key(ctx);
	if (r != PROTO_OK)
		return r;
	r = PROTO_EDB;
	if (sqlite3_exec(ctx->db,
			 "CREATE TEMP TABLE IF NOT EXISTS seen (kind, origin, serial, stamp);"
			 "CREATE INDEX IF NOT EXISTS temp.seen_k ON seen (kind, origin, serial, stamp);"
			 "DELETE FROM temp.seen",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ctx->db, "INSERT INTO temp.seen VALUES (?, ?, ?, ?)", -1, &ins, NULL) !=
		    SQLITE_OK)
		goto out;
	/* One read transaction: a snapshot, even if another agent exports now. */
	if (sqlite3_exec(ctx->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	r = check_sealed(ctx, ins, rep);
	if (r == PROTO_OK)
		r = check_outbox(ctx, ins, rep);
	if (r == PROTO_OK)
		r = agent_sql_count(ctx->db,
				    "SELECT count(*) FROM (SELECT 1 FROM temp.seen"
				    " GROUP BY kind, origin, serial, stamp HAVING count(*) > 1)",
				    &rep->duplicates);
	for (size_t i = 0; r == PROTO_OK && i < ARRAY_SIZE(kinds); i++) {
		/* a row of ours without a record, or a record without its row */
		snprintf(sql, sizeof sql,
			 "SELECT (SELECT count(*) FROM %s t WHERE t.id_origin = %lld AND NOT EXISTS"
			 " (SELECT 1 FROM temp.seen s WHERE s.kind = %d AND s.origin = t.id_origin"
			 " AND s.serial = t.id_serial)) + (SELECT count(*) FROM temp.seen s WHERE"
			 " s.kind = %d AND NOT EXISTS (SELECT 1 FROM %s t WHERE t.id_origin = s.origin"
			 " AND t.id_serial = s.serial))",
			 kinds[i].table, (long long)proto_u2i(ctx->key_id), kinds[i].kind, kinds[i].kind,
			 kinds[i].table);
		r = agent_sql_count(ctx->db, sql, &rep->missing);
	}
	sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL);
out:
	sqlite3_finalize(ins);
	return r;
}
