/*
 * store_attention.c - the reads behind attention.h: the conflicts this
 * laptop lost, the review decisions, a refused change-set's records, and
 * the national ids the hub found elsewhere too (the one list written here:
 * each feedback from the hub replaces it).
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

/* Run sql with ?1 ?2 bound to p1 p2 (when it has them) and hand each row to
 * fn, which returns PROTO_OK to go on. */
static proto_result each_row(agent_ctx *ctx, const char *sql, int64_t p1, int64_t p2,
			     proto_result (*fn)(sqlite3_stmt *st, void *arg), void *arg)
{
	sqlite3_stmt *st = NULL;
	proto_result r = prepare(ctx, sql, &st);
	int rc = SQLITE_DONE;

	if (r != PROTO_OK)
		goto out;
	if (sqlite3_bind_parameter_count(st) >= 2) {
		sqlite3_bind_int64(st, 1, p1);
		sqlite3_bind_int64(st, 2, p2);
	}
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		r = fn(st, arg);
	if (r == PROTO_OK && rc != SQLITE_DONE)
		r = PROTO_EDB;
out:
	sqlite3_finalize(st);
	return r;
}

/* The caller's callback of one walk, and its argument. */
typedef struct walk {
	proto_result (*lost)(const agent_lost *l, void *arg);
	proto_result (*rejected)(const agent_review *r, void *arg);
	proto_result (*duplicate)(const agent_duplicate *d, void *arg);
	void *arg;
} walk;

/* Columns 0 and 1: an id. */
static proto_id row_id(sqlite3_stmt *st)
{
	proto_id id = { proto_i2u(sqlite3_column_int64(st, 0)), proto_i2u(sqlite3_column_int64(st, 1)) };

	return id;
}

static proto_result lost_row(sqlite3_stmt *st, void *arg)
{
	walk *w = arg;
	agent_lost l = { row_id(st), text_or_null(st, 2), sqlite3_column_int(st, 3), text_or_null(st, 4),
			 text_or_null(st, 5) };

	return w->lost(&l, w->arg);
}

proto_result agent_lost_each(agent_ctx *ctx, proto_result (*fn)(const agent_lost *l, void *arg), void *arg)
{
	/* the loser is this laptop's own writing; an open conflict whose
	 * winner still holds the field (a later edit, such as the field
	 * worker recording the value again, settles it) */
	static const char sql[] =
		"SELECT c.id_origin, c.id_serial, h.ref, c.field, c.loser_value, c.winner_value"
		" FROM conflict c LEFT JOIN household h"
		" ON h.id_origin = c.id_origin AND h.id_serial = c.id_serial"
		" WHERE c.kind = ?1 AND c.loser_writer = ?2 AND c.resolved_at IS NULL"
		" AND NOT EXISTS (SELECT 1 FROM household_stamp s WHERE s.id_origin = c.id_origin"
		"  AND s.id_serial = c.id_serial AND s.field = c.field AND s.stamp > c.winner_stamp)"
		" ORDER BY c.id";
	walk w = { fn, NULL, NULL, arg };

	return each_row(ctx, sql, PROTO_KIND_HOUSEHOLD, proto_u2i(ctx->key_id), lost_row, &w);
}

static proto_result rejected_row(sqlite3_stmt *st, void *arg)
{
	walk *w = arg;
	agent_review v = { row_id(st), text_or_null(st, 2), text_or_null(st, 3), text_or_null(st, 4) };

	return w->rejected(&v, w->arg);
}

proto_result agent_rejected_each(agent_ctx *ctx, proto_result (*fn)(const agent_review *r, void *arg),
				 void *arg)
{
	static const char sql[] =
		"SELECT id_origin, id_serial, ref, name, review_reason FROM household"
		" WHERE review_status = 'rejected' AND withdrawn IS NULL ORDER BY ref, id_origin, id_serial";
	walk w = { NULL, fn, NULL, arg };

	return each_row(ctx, sql, 0, 0, rejected_row, &w);
}

static proto_result count_row(sqlite3_stmt *st, void *arg)
{
	agent_review_counts *out = arg;
	const char *status = text_or_null(st, 0);
	int64_t n = sqlite3_column_int64(st, 1);

	if (status && strcmp(status, "approved") == 0)
		out->approved += n;
	else if (status && strcmp(status, "rejected") == 0)
		out->rejected += n;
	else
		out->proposed += n;
	return PROTO_OK;
}

proto_result agent_review_count(agent_ctx *ctx, agent_review_counts *out)
{
	static const char sql[] = "SELECT coalesce(review_status, 'proposed'), count(*) FROM household"
				  " WHERE withdrawn IS NULL GROUP BY 1";

	memset(out, 0, sizeof *out);
	return each_row(ctx, sql, 0, 0, count_row, out);
}

proto_result agent_sealed_open(agent_ctx *ctx, uint64_t origin, uint64_t seq, proto_changeset *cs,
			       int *found)
{
	sqlite3_stmt *st = NULL;
	proto_result r = prepare(ctx,
				 origin ? "SELECT hash, bytes FROM sealed_retired WHERE seq = ?1 AND origin = ?2"
					: "SELECT hash, bytes FROM sealed WHERE seq = ?1",
				 &st);

	*found = 0;
	memset(cs, 0, sizeof *cs);
	if (r != PROTO_OK)
		goto out;
	sqlite3_bind_int64(st, 1, proto_u2i(seq));
	if (origin)
		sqlite3_bind_int64(st, 2, proto_u2i(origin));
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

static proto_result duplicate_row(sqlite3_stmt *st, void *arg)
{
	walk *w = arg;
	agent_duplicate d = { row_id(st),          text_or_null(st, 2),         text_or_null(st, 3),
			      text_or_null(st, 4), sqlite3_column_int64(st, 5), text_or_null(st, 6) };

	return w->duplicate(&d, w->arg);
}

proto_result agent_duplicates_each(agent_ctx *ctx,
				   proto_result (*fn)(const agent_duplicate *d, void *arg), void *arg)
{
	/* a household withdrawn here since counts no more, as at the hub */
	static const char sql[] =
		"SELECT d.id_origin, d.id_serial, h.ref, h.name, d.national_id, d.commune,"
		" d.commune_name FROM hub_duplicate d LEFT JOIN household h"
		" ON h.id_origin = d.id_origin AND h.id_serial = d.id_serial"
		" WHERE h.withdrawn IS NULL ORDER BY h.ref, d.id_origin, d.id_serial, d.commune";
	walk w = { NULL, NULL, fn, arg };

	return each_row(ctx, sql, 0, 0, duplicate_row, &w);
}

proto_result agent_duplicates_clear(agent_ctx *ctx)
{
	return sqlite3_exec(ctx->db, "DELETE FROM hub_duplicate", NULL, NULL, NULL) == SQLITE_OK
		       ? PROTO_OK
		       : PROTO_EDB;
}

proto_result agent_duplicate_add(agent_ctx *ctx, const agent_duplicate *d)
{
	sqlite3_stmt *st = NULL;
	proto_result r = prepare(ctx,
				 "INSERT OR IGNORE INTO hub_duplicate(id_origin, id_serial, national_id,"
				 " commune, commune_name) VALUES (?1, ?2, ?3, ?4, ?5)",
				 &st);

	if (r != PROTO_OK)
		goto out;
	sqlite3_bind_int64(st, 1, proto_u2i(d->id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(d->id.serial));
	sqlite3_bind_text(st, 3, d->national_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, d->commune);
	sqlite3_bind_text(st, 5, d->commune_name, -1, SQLITE_STATIC);
	r = sqlite3_step(st) == SQLITE_DONE ? PROTO_OK : PROTO_EDB;
out:
	sqlite3_finalize(st);
	return r;
}
