/*
 * store_seal.c - the write path from a command's change-set to sealed bytes:
 * merge it into the shared tables and keep each record in the outbox
 * (agent_store_record), then, on export or sync, sign the outbox into the
 * next change-sets of this laptop's chain (agent_store_seal) and hand every
 * change-set the hub has not acknowledged over as one bundle. After the hub
 * revoked this laptop's key, agent_store_reseal moves the pending records
 * under the new key (re-enrolment, docs/SYNC.md).
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include "maiam/bundle.h"
#include "agent.h"
#include "store_int.h"
#include "sync.h"

/* Records per sealed change-set: keeps each one far below the body caps. */
#define SEAL_BATCH 4096
/* Decoded text one change-set may carry: half the hub's cap on what a
 * change-set may decode to (HUB_MAX_DECODED_TEXT, 8 MiB, docs/HUB.md), so
 * that a laptop whose households carry every text at its rulebook maximum
 * (about 3.4 KB each) seals smaller change-sets instead of refused ones. */
#define SEAL_TEXT_MAX (4u << 20)

/* One outbox row per record, encoded as a one-record body whose delta base
 * (the header's created stamp) is the record's own stamp. */
/* The row's origin is this laptop's key id when it was written: a record of
 * another origin (or writer) is encoded with it explicit. */
static proto_result outbox_put(agent_ctx *ctx, uint64_t origin, const proto_record *rec, proto_buf *body)
{
	proto_changeset one;
	sqlite3_stmt *st;
	proto_result r;

	r = proto_changeset_init(&one, ctx->campaign, origin, 1, NULL, rec->stamp);
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
		r = outbox_put(ctx, ctx->key_id, &cs->records[i], &body);
	proto_buf_release(&body);
	return r;
}

/*
 * The events of table t (kind k) that count: not voided, and of no
 * withdrawn household (an event whose household the store lacks counts).
 * Said as "all, less the voided, less the live ones of withdrawn
 * households": the join of every event with its household was 150 ms of
 * CPU for 400,000 milestones; the voids and the withdrawn are few, and
 * CROSS JOIN keeps SQLite walking the households first. Equal to
 *   SELECT count(*) FROM t m LEFT JOIN household h ON h = m's household
 *   WHERE <m live> AND h.withdrawn IS NULL
 * (test_store_counts checks both on a crafted store).
 */
#define EVENTS_COUNTING(t, k) \
	"SELECT (SELECT count(*) FROM " t ") - (SELECT count(*) FROM " t " m" \
	" WHERE (m.id_origin, m.id_serial) IN (SELECT target_origin, target_serial" \
	" FROM void_event WHERE target_kind = " k ")) - (SELECT count(*) FROM household h" \
	" CROSS JOIN " t " m ON m.household_origin = h.id_origin AND m.household_serial = h.id_serial" \
	" WHERE NOT (" PROTO_SQL_HOUSEHOLD_COUNTS("h") ") AND" PROTO_SQL_LIVE_("m", k) ")"

proto_result agent_store_counts(agent_ctx *ctx, agent_counts *c)
{
	proto_result r;

	memset(c, 0, sizeof *c);
	r = agent_sql_count(ctx->db, "SELECT count(*) FROM outbox", &c->outbox);
	if (!r)
		r = agent_sql_count(ctx->db, "SELECT count(*) FROM sealed WHERE acked_at IS NULL",
				    &c->sealed);
	if (!r)
		r = agent_sql_count(ctx->db,
				    "SELECT coalesce(sum(nrecords), 0) FROM sealed"
				    " WHERE acked_at IS NULL",
				    &c->sealed_records);
	/* what counts: no withdrawn household, nothing voided nor of a withdrawn household */
	if (!r)
		r = agent_sql_count(ctx->db,
				    "SELECT count(*) FROM household h WHERE" PROTO_SQL_HOUSEHOLD_COUNTS("h"),
				    &c->households);
	if (!r)
		r = agent_sql_count(ctx->db, "SELECT count(*) FROM household WHERE withdrawn IS NOT NULL",
				    &c->withdrawn);
	if (!r)
		r = agent_sql_count(ctx->db, EVENTS_COUNTING("milestone", "2"), &c->milestones);
	if (!r)
		r = agent_sql_count(ctx->db, EVENTS_COUNTING("contribution", "3"), &c->contributions);
	return r;
}

/* An outbox row written while origin was this laptop's key id. */
static proto_result outbox_decode_as(agent_ctx *ctx, uint64_t origin, sqlite3_stmt *st, int col,
				     proto_changeset *cs)
{
	proto_result r = proto_changeset_init(cs, ctx->campaign, origin, 1, NULL,
					      proto_i2u(sqlite3_column_int64(st, col)));

	if (r != PROTO_OK)
		return r;
	cs->hdr.nrecords = 1;
	cs->hdr.nchanges = (uint32_t)sqlite3_column_int64(st, col + 1);
	return proto_body_decode(cs, sqlite3_column_blob(st, col + 2),
				 (size_t)sqlite3_column_bytes(st, col + 2));
}

proto_result agent_outbox_decode(agent_ctx *ctx, sqlite3_stmt *st, int col, proto_changeset *cs)
{
	return outbox_decode_as(ctx, ctx->key_id, st, col, cs);
}

proto_result agent_key_promote(agent_ctx *ctx, uint64_t old_id)
{
	char cur[AGENT_PATH_MAX], next[AGENT_PATH_MAX], kept[AGENT_PATH_MAX], name[64], hex[17];

	proto_key_id_hex(old_id, hex);
	snprintf(name, sizeof name, "agent.key.revoked-%s", hex);
	if (agent_path_join(cur, sizeof cur, ctx->home, "agent.key") != 0 ||
	    agent_path_join(next, sizeof next, ctx->home, AGENT_KEY_NEXT) != 0 ||
	    agent_path_join(kept, sizeof kept, ctx->home, name) != 0)
		return PROTO_EINVAL;
	/* a second name first, so that no moment is without either key; it
	 * exists already when an earlier promotion was cut short */
	if (link(cur, kept) != 0 && errno != EEXIST && errno != ENOENT)
		return proto_eio(errno);
	if (rename(next, cur) != 0)
		return proto_eio(errno);
	return PROTO_OK;
}

/*
 * The store says key_id but agent.key is another key: a re-enrolment whose
 * store committed but whose key files were not swapped yet (a crash in
 * between). Finish it when agent.key.next is the store's key.
 */
static proto_result key_promote_pending(agent_ctx *ctx, const char *cur)
{
	char next[AGENT_PATH_MAX];
	proto_key *old = NULL, *fresh = NULL;
	proto_result r = PROTO_EKEYID;

	if (agent_path_join(next, sizeof next, ctx->home, AGENT_KEY_NEXT) != 0 || access(next, F_OK) != 0)
		return PROTO_EKEYID;
	if (proto_key_load_private(cur, &old) == PROTO_OK &&
	    proto_key_load_private(next, &fresh) == PROTO_OK && proto_key_id(fresh) == ctx->key_id)
		r = agent_key_promote(ctx, proto_key_id(old));
	proto_key_free(old);
	proto_key_free(fresh);
	return r;
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
		r = key_promote_pending(ctx, path);
		if (r == PROTO_OK)
			r = proto_key_load_private(path, &ctx->key);
		if (r == PROTO_OK && proto_key_id(ctx->key) != ctx->key_id)
			r = PROTO_EKEYID;
		if (r != PROTO_OK) {
			proto_key_free(ctx->key);
			ctx->key = NULL;
		}
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

/* Put the records of the change-sets not acknowledged (in chain order) into
 * the outbox under origin, after its rows; *n counts them. */
static proto_result reseal_sealed(agent_ctx *ctx, uint64_t origin, proto_buf *body, size_t *n)
{
	proto_changeset cs;
	proto_buf bytes;
	uint8_t hash[32];
	uint64_t seq = 0;
	int found = 1;
	proto_result r = PROTO_OK;

	proto_buf_init(&bytes, PROTO_BUNDLE_MAX_ITEM);
	while (r == PROTO_OK && found) {
		r = agent_sealed_next(ctx, seq, &seq, hash, &bytes, &found);
		if (r != PROTO_OK || !found)
			break;
		/* bytes this laptop sealed and stored with their hash */
		r = proto_open_stored(bytes.data, bytes.len, hash, &cs);
		for (size_t i = 0; r == PROTO_OK && i < cs.nrecords; i++, (*n)++)
			r = outbox_put(ctx, origin, &cs.records[i], body);
		proto_changeset_release(&cs);
	}
	proto_buf_release(&bytes);
	return r;
}

/* Re-encode the outbox rows up to last (written under old) under origin,
 * after every other row, then drop the old rows; *n counts them. */
static proto_result reseal_outbox(agent_ctx *ctx, uint64_t old, uint64_t origin, int64_t last,
				  proto_buf *body, size_t *n)
{
	sqlite3_stmt *st = NULL, *del = NULL;
	proto_changeset one;
	proto_result r = PROTO_EDB;
	int rc = SQLITE_DONE;

	if (sqlite3_prepare_v2(ctx->db,
			       "SELECT n, stamp, nchanges, record FROM outbox"
			       " WHERE n <= ?1 ORDER BY n",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ctx->db, "DELETE FROM outbox WHERE n <= ?1", -1, &del, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, last);
	r = PROTO_OK;
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = outbox_decode_as(ctx, old, st, 1, &one);
		if (r == PROTO_OK)
			r = outbox_put(ctx, origin, &one.records[0], body);
		proto_changeset_release(&one);
		(*n)++;
	}
	if (r == PROTO_OK && rc != SQLITE_DONE)
		r = PROTO_EDB;
	sqlite3_bind_int64(del, 1, last);
	if (r == PROTO_OK && sqlite3_step(del) != SQLITE_DONE)
		r = PROTO_EDB;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(del);
	return r;
}

proto_result agent_store_reseal(agent_ctx *ctx, uint64_t new_id, size_t *nrecords)
{
	uint64_t old = ctx->key_id;
	int64_t last = 0;
	char buf[32], retired[512];
	int found;
	proto_buf body;
	proto_result r;

	assert(!sqlite3_get_autocommit(ctx->db)); /* one transaction with the enrolment */
	*nrecords = 0;
	proto_buf_init(&body, PROTO_MAX_BODY);
	r = agent_sql_count(ctx->db, "SELECT coalesce(max(n), 0) FROM outbox", &last);
	/* the sealed records first: they are older than the outbox's */
	if (r == PROTO_OK)
		r = reseal_sealed(ctx, new_id, &body, nrecords);
	if (r == PROTO_OK)
		r = reseal_outbox(ctx, old, new_id, last, &body, nrecords);
	if (r == PROTO_OK) {
		char sql[400];

		snprintf(sql, sizeof sql,
			 "INSERT INTO sealed_retired (origin, seq, hash, prev, bytes, created, nrecords,"
			 " acked_at, refused_code, refused_message, resealed) SELECT %lld, seq, hash,"
			 " prev, bytes, created, nrecords, acked_at, refused_code, refused_message,"
			 " acked_at IS NULL FROM sealed; DELETE FROM sealed;",
			 (long long)proto_u2i(old));
		r = sqlite3_exec(ctx->db, sql, NULL, NULL, NULL) == SQLITE_OK ? PROTO_OK : PROTO_EDB;
	}
	/* the revoked ids, oldest first: what 'status' and a later audit can name */
	if (r == PROTO_OK)
		r = agent_meta_get(ctx, "retired_key_ids", retired, sizeof retired, &found);
	if (r == PROTO_OK && strlen(retired) + 20 >= sizeof retired)
		r = PROTO_ELIMIT;
	if (r == PROTO_OK) {
		snprintf(retired + strlen(retired), sizeof retired - strlen(retired), "%s%016" PRIx64,
			 found && retired[0] ? " " : "", old);
		r = agent_meta_set(ctx, "retired_key_ids", retired);
	}
	snprintf(buf, sizeof buf, "0x%016" PRIx64, new_id);
	if (r == PROTO_OK)
		r = agent_meta_set(ctx, "key_id", buf);
	if (r == PROTO_OK)
		ctx->key_id = new_id;
	proto_buf_release(&body);
	return r;
}

proto_result agent_own_key_ids(agent_ctx *ctx, uint64_t *ids, size_t max, size_t *n)
{
	char retired[512], *at, *end;
	int found;
	proto_result r;

	*n = 0;
	if (max == 0)
		return PROTO_ELIMIT;
	ids[(*n)++] = ctx->key_id;
	r = agent_meta_get(ctx, "retired_key_ids", retired, sizeof retired, &found);
	for (at = retired; r == PROTO_OK && *at; at = end) {
		uint64_t id = strtoull(at, &end, 16);

		if (end == at || (*end && *end != ' '))
			return PROTO_EVALUE; /* a store this program did not write */
		if (*n == max)
			return PROTO_ELIMIT;
		ids[(*n)++] = id;
		end += *end == ' ';
	}
	return r;
}
