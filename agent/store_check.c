/*
 * store_check.c - prove the store is whole: SQLite's integrity check, every
 * sealed change-set verifies and chains to the one before, every record in
 * outbox and sealed appears once, and every row this agent created has its
 * record (so a crash can neither lose a change nor send it twice).
 */
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "store_int.h"

/* One record of the chain or the outbox, as the rows store its id. */
typedef struct seen_rec {
	int64_t origin, serial, stamp;
	int kind;
} seen_rec;

/*
 * Every record seen, in memory (32 bytes each: 17 MB for a commune's half
 * million), sorted once and then merged with each table read in its
 * primary key's order. A temporary SQLite table did this before, with
 * untyped columns its index could not serve against the INTEGER ids: every
 * row of ours scanned every record of its kind (52 s on 31,307 households).
 */
typedef struct seen_set {
	seen_rec *v;
	size_t n, cap;
} seen_set;

static proto_result note_records(seen_set *seen, const proto_changeset *cs)
{
	for (size_t i = 0; i < cs->nrecords; i++) {
		const proto_record *rec = &cs->records[i];

		if (seen->n == seen->cap) {
			size_t cap = seen->cap * 2;
			seen_rec *v = realloc(seen->v, cap * sizeof *v);

			if (!v)
				return PROTO_ENOMEM;
			seen->v = v;
			seen->cap = cap;
		}
		seen->v[seen->n++] = (seen_rec){ proto_u2i(rec->id.origin), proto_u2i(rec->id.serial),
						 proto_u2i(rec->stamp), rec->kind };
	}
	return PROTO_OK;
}

/* SQLite's order of the ids (signed integers), then kind and stamp. */
static int cmp_id(int64_t ao, int64_t as, int64_t bo, int64_t bs)
{
	if (ao != bo)
		return ao < bo ? -1 : 1;
	return as < bs ? -1 : as > bs;
}

static int cmp_seen(const void *pa, const void *pb)
{
	const seen_rec *a = pa, *b = pb;
	int c;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	c = cmp_id(a->origin, a->serial, b->origin, b->serial);
	if (c)
		return c;
	return a->stamp < b->stamp ? -1 : a->stamp > b->stamp;
}

/* How many records came more than once (each such record counted once). */
static int64_t count_duplicates(const seen_set *seen)
{
	int64_t dups = 0;

	for (size_t i = 1; i < seen->n; i++)
		if (cmp_seen(&seen->v[i - 1], &seen->v[i]) == 0 &&
		    (i < 2 || cmp_seen(&seen->v[i - 2], &seen->v[i - 1]) != 0))
			dups++;
	return dups;
}

/*
 * Merge the table of kind (in primary key order) with the sorted records
 * [from, to) of that kind: a row of ours (origin self) without a record,
 * and each record without its row, add to *missing.
 */
static proto_result count_missing(agent_ctx *ctx, const char *table, const seen_rec *from,
				  const seen_rec *to, int64_t self, int64_t *missing)
{
	char sql[128];
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_DONE;
	proto_result r = PROTO_EDB;

	snprintf(sql, sizeof sql, "SELECT id_origin, id_serial FROM %s ORDER BY id_origin, id_serial",
		 table);
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t o = sqlite3_column_int64(st, 0), s = sqlite3_column_int64(st, 1);
		int found = 0;

		for (; from < to && cmp_id(from->origin, from->serial, o, s) < 0; from++)
			(*missing)++; /* a record whose row is not there */
		for (; from < to && cmp_id(from->origin, from->serial, o, s) == 0; from++)
			found = 1;
		if (!found && o == self)
			(*missing)++;
	}
	if (rc == SQLITE_DONE) {
		*missing += to - from; /* records past the last row */
		r = PROTO_OK;
	}
out:
	sqlite3_finalize(st);
	return r;
}

static proto_result check_sealed(agent_ctx *ctx, seen_set *seen, agent_check_report *rep)
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
			r = note_records(seen, &cs);
		}
		proto_changeset_release(&cs);
		memcpy(prev, hash, 32);
		want_seq++;
	}
out:
	sqlite3_finalize(st);
	return r;
}

static proto_result check_outbox(agent_ctx *ctx, seen_set *seen, agent_check_report *rep)
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
			r = note_records(seen, &cs);
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
	seen_set seen = { NULL, 0, 0 };
	const seen_rec *from, *to;
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
	/* never NULL, so that its bounds are pointers even for an empty store */
	seen.cap = 4096;
	seen.v = malloc(seen.cap * sizeof *seen.v);
	if (!seen.v)
		return PROTO_ENOMEM;
	/* One read transaction: a snapshot, even if another agent exports now. */
	if (sqlite3_exec(ctx->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		free(seen.v);
		return PROTO_EDB;
	}
	r = check_sealed(ctx, &seen, rep);
	if (r == PROTO_OK)
		r = check_outbox(ctx, &seen, rep);
	if (r == PROTO_OK) {
		qsort(seen.v, seen.n, sizeof *seen.v, cmp_seen);
		rep->duplicates = count_duplicates(&seen);
	}
	from = seen.v;
	for (size_t i = 0; r == PROTO_OK && i < ARRAY_SIZE(kinds); i++) {
		/* records of kinds not in the list (photos, decisions) are passed over */
		while (from < seen.v + seen.n && from->kind < kinds[i].kind)
			from++;
		for (to = from; to < seen.v + seen.n && to->kind == kinds[i].kind; to++)
			;
		r = count_missing(ctx, kinds[i].table, from, to, proto_u2i(ctx->key_id), &rep->missing);
		from = to;
	}
	sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL);
	free(seen.v);
	return r;
}
