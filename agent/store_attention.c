/*
 * store_attention.c - the reads behind attention.h: the conflicts this
 * laptop lost, the review decisions, and a refused change-set's records.
 * The merge (proto/) writes the conflict table and the hub's review into
 * household; the agent only reads them here. One-shot statements: these run
 * once per status, not in a loop.
 */
#include <string.h>
#include "attention.h"
#include "store.h"

static const char *text_or_null(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

/* Prepare sql on the store, or PROTO_EDB. */
static proto_result prepare(agent_ctx *ctx, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v2(ctx->db, sql, -1, st, NULL) == SQLITE_OK ? PROTO_OK : PROTO_EDB;
}

proto_result agent_lost_each(agent_ctx *ctx, proto_result (*fn)(const agent_lost *l, void *arg),
			     void *arg)
{
	/* the loser is this laptop's own writing; an open conflict only */
	static const char sql[] =
		"SELECT c.id_origin, c.id_serial, h.ref, c.field, c.loser_value, c.winner_value"
		" FROM conflict c LEFT JOIN household h"
		" ON h.id_origin = c.id_origin AND h.id_serial = c.id_serial"
		" WHERE c.kind = ?1 AND c.loser_writer = ?2 AND c.resolved_at IS NULL ORDER BY c.id";
	sqlite3_stmt *st = NULL;
	proto_result r = prepare(ctx, sql, &st);
	int rc = SQLITE_DONE;

	if (r != PROTO_OK)
		goto out;
	sqlite3_bind_int(st, 1, PROTO_KIND_HOUSEHOLD);
	sqlite3_bind_int64(st, 2, proto_u2i(ctx->key_id));
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		agent_lost l;

		l.id.origin = proto_i2u(sqlite3_column_int64(st, 0));
		l.id.serial = proto_i2u(sqlite3_column_int64(st, 1));
		l.ref = text_or_null(st, 2);
		l.field = sqlite3_column_int(st, 3);
		l.mine = text_or_null(st, 4);
		l.kept = text_or_null(st, 5);
		r = fn(&l, arg);
	}
	if (r == PROTO_OK && rc != SQLITE_DONE)
		r = PROTO_EDB;
out:
	sqlite3_finalize(st);
	return r;
}

proto_result agent_rejected_each(agent_ctx *ctx,
				 proto_result (*fn)(const agent_review *r, void *arg), void *arg)
{
	static const char sql[] =
		"SELECT id_origin, id_serial, ref, name, review_reason FROM household"
		" WHERE review_status = 'rejected' AND withdrawn IS NULL ORDER BY ref, id_origin, id_serial";
	sqlite3_stmt *st = NULL;
	proto_result r = prepare(ctx, sql, &st);
	int rc = SQLITE_DONE;

	if (r != PROTO_OK)
		goto out;
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		agent_review v;

		v.id.origin = proto_i2u(sqlite3_column_int64(st, 0));
		v.id.serial = proto_i2u(sqlite3_column_int64(st, 1));
		v.ref = text_or_null(st, 2);
		v.name = text_or_null(st, 3);
		v.reason = text_or_null(st, 4);
		r = fn(&v, arg);
	}
	if (r == PROTO_OK && rc != SQLITE_DONE)
		r = PROTO_EDB;
out:
	sqlite3_finalize(st);
	return r;
}

proto_result agent_review_count(agent_ctx *ctx, agent_review_counts *out)
{
	static const char sql[] =
		"SELECT coalesce(review_status, 'proposed'), count(*) FROM household"
		" WHERE withdrawn IS NULL GROUP BY 1";
	sqlite3_stmt *st = NULL;
	proto_result r = prepare(ctx, sql, &st);
	int rc = SQLITE_DONE;

	memset(out, 0, sizeof *out);
	if (r != PROTO_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *status = text_or_null(st, 0);
		int64_t n = sqlite3_column_int64(st, 1);

		if (status && strcmp(status, "approved") == 0)
			out->approved += n;
		else if (status && strcmp(status, "rejected") == 0)
			out->rejected += n;
		else
			out->proposed += n;
	}
	if (rc != SQLITE_DONE)
		r = PROTO_EDB;
out:
	sqlite3_finalize(st);
	return r;
}

proto_result agent_sealed_open(agent_ctx *ctx, uint64_t seq, proto_changeset *cs, int *found)
{
	sqlite3_stmt *st = NULL;
	proto_result r = prepare(ctx, "SELECT hash, bytes FROM sealed WHERE seq = ?1", &st);

	*found = 0;
	memset(cs, 0, sizeof *cs);
	if (r != PROTO_OK)
		goto out;
	sqlite3_bind_int64(st, 1, proto_u2i(seq));
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		if (sqlite3_column_bytes(st, 0) != 32) {
			r = PROTO_EVALUE;
			break;
		}
		/* sealed here and hashed when sealed: the hash stands for the signature */
		r = proto_open_stored(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
				      sqlite3_column_blob(st, 0), cs);
		*found = r == PROTO_OK;
		break;
	case SQLITE_DONE:
		break;
	default:
		r = PROTO_EDB;
	}
out:
	sqlite3_finalize(st);
	return r;
}
