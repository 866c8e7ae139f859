/*
 * store_seal.c - the write path from a command's change-set to sealed bytes:
 * merge it into the shared tables and keep each record in the outbox
 * (agent_store_record), then, on export or sync, sign the outbox into the
 * next change-sets of this laptop's chain (agent_store_seal) and hand every
 * change-set the hub has not acknowledged over as one bundle.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/bundle.h"
#include "agent.h"
#include "store_int.h"

/* Records per sealed change-set: keeps each one far below the body caps. */
#define SEAL_BATCH 4096
/* Decoded text one change-set may carry: half the hub's cap on what a
 * change-set may decode to (HUB_MAX_DECODED_TEXT, 8 MiB, docs/HUB.md), so
 * that a laptop whose households carry every text at its rulebook maximum
 * (about 3.4 KB each) seals smaller change-sets instead of refused ones. */
#define SEAL_TEXT_MAX (4u << 20)

/* One outbox row per record, encoded as a one-record body whose delta base
 * (the header's created stamp) is the record's own stamp. */
static proto_result outbox_put(agent_ctx *ctx, const proto_record *rec, proto_buf *body)
{
	proto_changeset one;
	sqlite3_stmt *st;
	proto_result r;

	r = proto_changeset_init(&one, ctx->campaign, ctx->key_id, 1, NULL, rec->stamp);
	if (r != PROTO_OK)
		return r;
	r = proto_changeset_copy_record(&one, rec);
	proto_buf_reset(body);
	if (r == PROTO_OK)
		r = proto_body_encode(&one, body);
	if (r != PROTO_OK)
		goto out;
	st = agent_stmt(ctx, AGENT_STMT_OUTBOX_PUT);
	r = PROTO_EDB;
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, proto_u2i(rec->stamp));
	sqlite3_bind_int64(st, 2, (int64_t)one.hdr.nchanges);
	sqlite3_bind_blob(st, 3, body->data, (int)body->len, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		r = PROTO_OK;
	sqlite3_reset(st);
out:
	proto_changeset_release(&one);
	return r;
}

proto_result agent_store_record(agent_ctx *ctx, proto_changeset *cs)
{
	proto_buf body;
	proto_result r;

	/* the records and their rows are one transaction (store.c) */
	assert(!sqlite3_get_autocommit(ctx->db));
	r = proto_merge(ctx->db, cs, NULL);
	if (r != PROTO_OK)
		return r;
	proto_buf_init(&body, PROTO_MAX_BODY);
	for (size_t i = 0; r == PROTO_OK && i < cs->nrecords; i++)
		r = outbox_put(ctx, &cs->records[i], &body);
	proto_buf_release(&body);
	return r;
}

proto_result agent_store_counts(agent_ctx *ctx, agent_counts *c)
{
	proto_result r;

	memset(c, 0, sizeof *c);
	r = agent_sql_count(ctx->db, "SELECT count(*) FROM outbox", &c->outbox);
	if (!r) r = agent_sql_count(ctx->db, "SELECT count(*) FROM sealed WHERE acked_at IS NULL",
				    &c->sealed);
	if (!r) r = agent_sql_count(ctx->db, "SELECT coalesce(sum(nrecords), 0) FROM sealed"
				    " WHERE acked_at IS NULL", &c->sealed_records);
	/* what counts: no withdrawn household, nothing voided nor of a withdrawn household */
	if (!r) r = agent_sql_count(ctx->db, "SELECT count(*) FROM household h WHERE"
				    PROTO_SQL_HOUSEHOLD_COUNTS("h"), &c->households);
	if (!r) r = agent_sql_count(ctx->db, "SELECT count(*) FROM household WHERE withdrawn IS NOT NULL",
				    &c->withdrawn);
	if (!r) r = agent_sql_count(ctx->db, "SELECT count(*) FROM milestone m LEFT JOIN household h"
				    " ON h.id_origin = m.household_origin AND h.id_serial = m.household_serial"
				    " WHERE" PROTO_SQL_MILESTONE_LIVE("m") "AND" PROTO_SQL_HOUSEHOLD_COUNTS("h"),
				    &c->milestones);
	if (!r) r = agent_sql_count(ctx->db, "SELECT count(*) FROM contribution c LEFT JOIN household h"
				    " ON h.id_origin = c.household_origin AND h.id_serial = c.household_serial"
				    " WHERE" PROTO_SQL_CONTRIBUTION_LIVE("c") "AND" PROTO_SQL_HOUSEHOLD_COUNTS("h"),
				    &c->contributions);
	return r;
}

proto_result agent_outbox_decode(agent_ctx *ctx, sqlite3_stmt *st, int col, proto_changeset *cs)
{
	proto_result r = proto_changeset_init(cs, ctx->campaign, ctx->key_id, 1, NULL,
					      proto_i2u(sqlite3_column_int64(st, col)));

	if (r != PROTO_OK)
		return r;
	cs->hdr.nrecords = 1;
	cs->hdr.nchanges = (uint32_t)sqlite3_column_int64(st, col + 1);
	return proto_body_decode(cs, sqlite3_column_blob(st, col + 2),
				 (size_t)sqlite3_column_bytes(st, col + 2));
}

proto_result agent_store_load_key(agent_ctx *ctx)
{
	char path[AGENT_PATH_MAX];
	proto_result r;

	if (ctx->key)
		return PROTO_OK;
	if (agent_path_join(path, sizeof path, ctx->home, "agent.key") != 0)
		return PROTO_EINVAL;
	r = proto_key_load_private(path, &ctx->key);
	if (r == PROTO_OK && proto_key_id(ctx->key) != ctx->key_id) {
		proto_key_free(ctx->key);
		ctx->key = NULL;
		r = PROTO_EKEYID;
	}
	return r;
}

/* Seal up to SEAL_BATCH outbox records into the next change-set of the chain. */
static proto_result seal_batch(agent_ctx *ctx, size_t *nrec)
{
	sqlite3_stmt *st;
	proto_changeset cs, one;
	proto_buf out;
	uint8_t prev[32] = { 0 }, hash[32];
	uint64_t seq = 1;
	int64_t last_n = 0;
	size_t text = 0;
	proto_result r;
	int rc;

	assert(ctx->key && !sqlite3_get_autocommit(ctx->db)); /* agent_store_seal loaded it */
	*nrec = 0;
	proto_buf_init(&out, PROTO_BUNDLE_MAX_ITEM);
	memset(&cs, 0, sizeof cs);
	st = agent_stmt(ctx, AGENT_STMT_SEALED_LAST);
	if (!st)
		return PROTO_EDB;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		seq = proto_i2u(sqlite3_column_int64(st, 0)) + 1;
		if (sqlite3_column_bytes(st, 1) != 32) {
			sqlite3_reset(st);
			return PROTO_EDB;
		}
		memcpy(prev, sqlite3_column_blob(st, 1), 32);
	} else if (rc != SQLITE_DONE) {
		return PROTO_EDB;
	}
	sqlite3_reset(st);
	r = proto_changeset_init(&cs, ctx->campaign, ctx->key_id, seq, prev, agent_stamp(ctx));
	if (r != PROTO_OK)
		return r;
	st = agent_stmt(ctx, AGENT_STMT_OUTBOX_BATCH);
	r = PROTO_EDB;
	if (!st)
		goto out;
	sqlite3_bind_int(st, 1, SEAL_BATCH);
	r = PROTO_OK;
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t more = 0;

		r = agent_outbox_decode(ctx, st, 1, &one);
		for (size_t f = 0; r == PROTO_OK && f < one.records[0].nfields; f++)
			if (one.records[0].fields[f].value.type == PROTO_V_TEXT)
				more += one.records[0].fields[f].value.len;
		if (r == PROTO_OK && cs.nrecords > 0 && text + more > SEAL_TEXT_MAX) {
			/* the rest waits for the next change-set of the chain */
			proto_changeset_release(&one);
			rc = SQLITE_DONE;
			break;
		}
		if (r == PROTO_OK)
			r = proto_changeset_copy_record(&cs, &one.records[0]);
		if (r == PROTO_OK) {
			last_n = sqlite3_column_int64(st, 0);
			text += more;
		}
		proto_changeset_release(&one);
	}
	if (r == PROTO_OK && rc != SQLITE_DONE)
		r = PROTO_EDB;
	sqlite3_reset(st);
	if (r != PROTO_OK || cs.nrecords == 0)
		goto out;
	r = proto_seal(&cs, ctx->key, &out, hash);
	if (r != PROTO_OK)
		goto out;
	r = PROTO_EDB;
	st = agent_stmt(ctx, AGENT_STMT_SEALED_PUT);
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, proto_u2i(seq));
	sqlite3_bind_blob(st, 2, hash, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, prev, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, out.data, (int)out.len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, proto_u2i(cs.hdr.created));
	sqlite3_bind_int64(st, 6, (int64_t)cs.nrecords);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto out;
	st = agent_stmt(ctx, AGENT_STMT_OUTBOX_DEL);
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, last_n);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto out;
	*nrec = cs.nrecords;
	r = PROTO_OK;
out:
	proto_changeset_release(&cs);
	proto_buf_release(&out);
	return r;
}

proto_result agent_store_seal(agent_ctx *ctx, size_t *ncs, size_t *nrecords)
{
	proto_result r = agent_store_load_key(ctx);
	size_t n = 0;

	*ncs = 0;
	*nrecords = 0;
	while (r == PROTO_OK) {
		r = seal_batch(ctx, &n);
		if (r != PROTO_OK || n == 0)
			break;
		(*ncs)++;
		*nrecords += n;
	}
	return r;
}

proto_result agent_store_bundle(agent_ctx *ctx, proto_buf *out, size_t *ncs)
{
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_SEALED_UNACKED);
	uint8_t **items = NULL;
	size_t *lens = NULL, n = 0, cap = 0;
	proto_result r = PROTO_EDB;
	int rc;

	*ncs = 0;
	if (!st)
		return PROTO_EDB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_bytes(st, 0);

		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			uint8_t **ni = realloc(items, ncap * sizeof *ni);
			size_t *nl = ni ? realloc(lens, ncap * sizeof *nl) : NULL;

			if (ni)
				items = ni;
			if (!ni || !nl) {
				r = PROTO_ENOMEM;
				goto out;
			}
			lens = nl;
			cap = ncap;
		}
		items[n] = malloc(len ? len : 1);
		if (!items[n]) {
			r = PROTO_ENOMEM;
			goto out;
		}
		memcpy(items[n], sqlite3_column_blob(st, 0), len);
		lens[n++] = len;
	}
	if (rc != SQLITE_DONE)
		goto out;
	r = proto_bundle_write(out, (const uint8_t *const *)items, lens, n);
	*ncs = n;
out:
	sqlite3_reset(st);
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
	free(lens);
	return r;
}
