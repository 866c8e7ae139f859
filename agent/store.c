/*
 * store.c - the agent-only tables and the write path. meta holds what init
 * learnt plus the clock and serial counter; outbox holds every record not yet
 * sealed; sealed holds change-sets until the hub acknowledges them. Each
 * command writes its rows, its outbox records and meta in ONE transaction, so
 * a dead battery leaves either all of a change or none of it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "maiam/bundle.h"
#include "agent.h"
#include "store.h"

/* 2: sealed.refused_code/refused_message (issue 9): change-sets the hub
 * refused as links of the chain, kept with the hub's reason */
#define AGENT_SCHEMA_VERSION 2
/* Records per sealed change-set: keeps each one far below the body caps. */
#define SEAL_BATCH 4096
/* Decoded text one change-set may carry: half the hub's cap on what a
 * change-set may decode to (HUB_MAX_DECODED_TEXT, 8 MiB, docs/HUB.md), so
 * that a laptop whose households carry every text at its rulebook maximum
 * (about 3.4 KB each) seals smaller change-sets instead of refused ones. */
#define SEAL_TEXT_MAX (4u << 20)

enum { S_META_GET, S_META_SET, S_OUTBOX_PUT, S_LAST_SEALED, S_SEALED_PUT, S_OUTBOX_BATCH,
       S_OUTBOX_DEL, S_UNACKED };

static const char *const agent_schema_v1 =
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE outbox ("
	" n INTEGER PRIMARY KEY,"
	" stamp INTEGER NOT NULL,"     /* the record's stamp: the body's delta base */
	" nchanges INTEGER NOT NULL,"  /* field count, checked when decoding */
	" record BLOB NOT NULL);"      /* proto_body_encode of a one-record change-set */
	"CREATE TABLE sealed ("
	" seq INTEGER PRIMARY KEY,"
	" hash BLOB NOT NULL, prev BLOB NOT NULL, bytes BLOB NOT NULL,"
	" created INTEGER NOT NULL, nrecords INTEGER NOT NULL,"
	" acked_at TEXT);";

static const char *const agent_schema_v2 =
	"ALTER TABLE sealed ADD COLUMN refused_code TEXT;"
	"ALTER TABLE sealed ADD COLUMN refused_message TEXT;";

/* Bring a store of an older version up to AGENT_SCHEMA_VERSION, in one transaction. */
static int migrate(agent_ctx *ctx, int64_t version)
{
	char buf[16];

	if (version >= AGENT_SCHEMA_VERSION)
		return 0;
	if (sqlite3_exec(ctx->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	if (version < 2 && sqlite3_exec(ctx->db, agent_schema_v2, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	snprintf(buf, sizeof buf, "%d", AGENT_SCHEMA_VERSION);
	if (agent_meta_set(ctx, "agent_schema", buf) != PROTO_OK ||
	    sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

sqlite3_stmt *agent_stmt(agent_ctx *ctx, int slot, const char *sql)
{
	sqlite3_stmt **st = &ctx->stmts[slot];

	if (!*st && sqlite3_prepare_v3(ctx->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) !=
			    SQLITE_OK)
		return NULL;
	sqlite3_reset(*st);
	sqlite3_clear_bindings(*st);
	return *st;
}

int agent_meta_get(agent_ctx *ctx, const char *key, char *out, size_t n)
{
	sqlite3_stmt *st = agent_stmt(ctx, S_META_GET, "SELECT value FROM meta WHERE key = ?");
	int rc = -1;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

proto_result agent_meta_set(agent_ctx *ctx, const char *key, const char *value)
{
	sqlite3_stmt *st = agent_stmt(ctx, S_META_SET,
				      "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
	int rc;

	if (!st)
		return PROTO_EDB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PROTO_OK : PROTO_EDB;
}

static int meta_u64(agent_ctx *ctx, const char *key, uint64_t *out)
{
	char buf[32];
	char *end = NULL;

	if (agent_meta_get(ctx, key, buf, sizeof buf) != 0)
		return -1;
	errno = 0;
	*out = strtoull(buf, &end, 0);
	return (errno || end == buf || *end) ? -1 : 0;
}

static proto_result meta_set_u64(agent_ctx *ctx, const char *key, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRIu64, v);
	return agent_meta_set(ctx, key, buf);
}

/* The clock and the serial counter: re-read inside every write transaction,
 * since another maiam-agent may have written since this one opened. */
static int load_counters(agent_ctx *ctx)
{
	uint64_t hlc = 0;

	if (meta_u64(ctx, "hlc_last", &hlc) != 0 || meta_u64(ctx, "next_serial", &ctx->next_serial) != 0)
		return -1;
	proto_hlc_init(&ctx->hlc, hlc);
	return 0;
}

static int load_meta(agent_ctx *ctx)
{
	char buf[64];
	int64_t commune;

	if (agent_meta_get(ctx, "key_id", buf, sizeof buf) != 0 ||
	    meta_u64(ctx, "key_id", &ctx->key_id) != 0 ||
	    agent_meta_get(ctx, "commune", buf, sizeof buf) != 0 ||
	    cli_parse_int(buf, 1, 99999, &commune) != 0 ||
	    agent_meta_get(ctx, "campaign", ctx->campaign, sizeof ctx->campaign) != 0 ||
	    agent_meta_get(ctx, "period_start", ctx->period_start, sizeof ctx->period_start) != 0 ||
	    agent_meta_get(ctx, "deadline", ctx->deadline, sizeof ctx->deadline) != 0 ||
	    agent_meta_get(ctx, "period_end", ctx->period_end, sizeof ctx->period_end) != 0 ||
	    load_counters(ctx) != 0)
		return -1;
	ctx->commune = (int)commune;
	if (agent_meta_get(ctx, "commune_name", ctx->commune_name, sizeof ctx->commune_name) != 0)
		ctx->commune_name[0] = '\0';
	return 0;
}

int agent_store_exists(const char *home)
{
	char path[AGENT_PATH_MAX];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int found = 0;

	if (agent_path_join(path, sizeof path, home, "agent.db") != 0 || access(path, F_OK) != 0)
		return 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto out;
	/* Anything we cannot read counts as existing: never overwrite it. */
	found = 1;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM meta WHERE key = 'key_id'", -1, &st, NULL) ==
	    SQLITE_OK)
		found = sqlite3_step(st) == SQLITE_ROW;
	else if (strstr(sqlite3_errmsg(db), "no such table"))
		found = 0; /* an init that died before its meta committed */
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return found;
}

static int open_db(agent_ctx *ctx, const char *path)
{
	proto_result r = proto_db_open(path, &ctx->db);

	if (r != PROTO_OK) {
		agent_err(_("cannot open the store '%s': %s; check the file or pass another --home"),
			  path, proto_strerror(r));
		return AGENT_FAIL;
	}
	return AGENT_OK;
}

int agent_store_create(agent_ctx *ctx, const agent_init_info *info)
{
	char path[AGENT_PATH_MAX], side[AGENT_PATH_MAX + 8], buf[32];
	const char *sfx[] = { "", "-wal", "-shm", "-journal" };
	proto_result r = PROTO_OK;

	if (agent_path_join(path, sizeof path, ctx->home, "agent.db") != 0)
		return AGENT_FAIL;
	/* Leftovers of an init that never finished hold nothing recorded. */
	for (size_t i = 0; i < 4; i++) {
		snprintf(side, sizeof side, "%s%s", path, sfx[i]);
		unlink(side);
	}
	if (open_db(ctx, path) != AGENT_OK)
		return AGENT_FAIL;
	if (sqlite3_exec(ctx->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(ctx->db, agent_schema_v1, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(ctx->db, agent_schema_v2, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	snprintf(buf, sizeof buf, "%d", AGENT_SCHEMA_VERSION);
	if (!r) r = agent_meta_set(ctx, "agent_schema", buf);
	snprintf(buf, sizeof buf, "0x%016" PRIx64, info->key_id);
	if (!r) r = agent_meta_set(ctx, "key_id", buf);
	snprintf(buf, sizeof buf, "%d", info->commune);
	if (!r) r = agent_meta_set(ctx, "commune", buf);
	if (!r) r = agent_meta_set(ctx, "commune_name", info->commune_name);
	if (!r) r = agent_meta_set(ctx, "campaign", info->campaign);
	if (!r) r = agent_meta_set(ctx, "period_start", info->period_start);
	if (!r) r = agent_meta_set(ctx, "deadline", info->deadline);
	if (!r) r = agent_meta_set(ctx, "period_end", info->period_end);
	if (!r) r = agent_meta_set(ctx, "hlc_last", "0");
	if (!r) r = agent_meta_set(ctx, "next_serial", "1");
	if (r || sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (load_meta(ctx) != 0)
		goto fail;
	return AGENT_OK;
fail:
	agent_err(_("cannot create the store '%s': %s; check the disk and try again"), path,
		  sqlite3_errmsg(ctx->db));
	sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
	return AGENT_FAIL;
}

int agent_store_open(agent_ctx *ctx)
{
	char path[AGENT_PATH_MAX], buf[16];
	int64_t version = 0;

	if (ctx->db)
		return AGENT_OK;
	if (agent_home_resolve(ctx) != AGENT_OK)
		return AGENT_FAIL;
	if (agent_path_join(path, sizeof path, ctx->home, "agent.db") != 0)
		return AGENT_FAIL;
	if (!agent_store_exists(ctx->home)) {
		agent_err(_("no store in '%s'; run 'maiam-agent init --commune CODE' first, or pass --home DIR"),
			  ctx->home);
		return AGENT_FAIL;
	}
	if (open_db(ctx, path) != AGENT_OK)
		return AGENT_FAIL;
	if (agent_meta_get(ctx, "agent_schema", buf, sizeof buf) != 0 ||
	    cli_parse_int(buf, 1, INT32_MAX, &version) != 0 || version > AGENT_SCHEMA_VERSION) {
		agent_err(_("the store '%s' was made by a newer maiam-agent; install that version"), path);
		goto fail;
	}
	if (migrate(ctx, version) != 0) {
		agent_err(_("cannot upgrade the store '%s': %s; is another maiam-agent running?"), path,
			  sqlite3_errmsg(ctx->db));
		goto fail;
	}
	if (load_meta(ctx) != 0) {
		agent_err(_("the store '%s' is damaged (its settings cannot be read); restore a backup"), path);
		goto fail;
	}
	return AGENT_OK;
fail:
	agent_store_close(ctx);
	return AGENT_FAIL;
}

void agent_store_close(agent_ctx *ctx)
{
	for (size_t i = 0; i < sizeof ctx->stmts / sizeof ctx->stmts[0]; i++) {
		sqlite3_finalize(ctx->stmts[i]);
		ctx->stmts[i] = NULL;
	}
	sqlite3_close(ctx->db);
	ctx->db = NULL;
}

int agent_tx_begin(agent_ctx *ctx)
{
	if (sqlite3_exec(ctx->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		agent_err(_("cannot write to the store: %s; is another maiam-agent running?"),
			  sqlite3_errmsg(ctx->db));
		return AGENT_FAIL;
	}
	ctx->meta_dirty = 0;
	if (load_counters(ctx) != 0) {
		agent_err(_("the store's settings cannot be read; restore a backup"));
		agent_tx_rollback(ctx);
		return AGENT_FAIL;
	}
	return AGENT_OK;
}

int agent_tx_commit(agent_ctx *ctx)
{
	if (ctx->meta_dirty && (meta_set_u64(ctx, "hlc_last", ctx->hlc.last) != PROTO_OK ||
				meta_set_u64(ctx, "next_serial", ctx->next_serial) != PROTO_OK))
		goto fail;
	if (sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	ctx->meta_dirty = 0;
	return AGENT_OK;
fail:
	agent_err(_("cannot save to the store: %s; nothing was recorded, try again"),
		  sqlite3_errmsg(ctx->db));
	agent_tx_rollback(ctx);
	return AGENT_FAIL;
}

void agent_tx_rollback(agent_ctx *ctx)
{
	if (!sqlite3_get_autocommit(ctx->db))
		sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
	ctx->meta_dirty = 0;
}

uint64_t agent_take_serial(agent_ctx *ctx)
{
	ctx->meta_dirty = 1;
	return ctx->next_serial++;
}

uint64_t agent_stamp(agent_ctx *ctx)
{
	ctx->meta_dirty = 1;
	/* whole seconds: the wire codes second-aligned stamps compactly (FORMAT.md, STAMP) */
	return proto_hlc_now(&ctx->hlc, proto_wall_ms() / 1000 * 1000);
}

proto_result agent_cs_init(agent_ctx *ctx, proto_changeset *cs)
{
	return proto_changeset_init(cs, ctx->campaign, ctx->key_id, 1, NULL, ctx->hlc.last ? ctx->hlc.last : 1);
}

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
	st = agent_stmt(ctx, S_OUTBOX_PUT,
			"INSERT INTO outbox (stamp, nchanges, record) VALUES (?, ?, ?)");
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

	r = proto_merge(ctx->db, cs, NULL);
	if (r != PROTO_OK)
		return r;
	proto_buf_init(&body, PROTO_MAX_BODY);
	for (size_t i = 0; r == PROTO_OK && i < cs->nrecords; i++)
		r = outbox_put(ctx, &cs->records[i], &body);
	proto_buf_release(&body);
	return r;
}

static proto_result count(agent_ctx *ctx, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	proto_result r = PROTO_EDB;

	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		r = PROTO_OK;
	}
	sqlite3_finalize(st);
	return r;
}

proto_result agent_store_counts(agent_ctx *ctx, agent_counts *c)
{
	proto_result r = count(ctx, "SELECT count(*) FROM outbox", &c->outbox);

	if (!r) r = count(ctx, "SELECT count(*) FROM sealed WHERE acked_at IS NULL", &c->sealed);
	if (!r) r = count(ctx, "SELECT coalesce(sum(nrecords), 0) FROM sealed WHERE acked_at IS NULL",
			  &c->sealed_records);
	if (!r) r = count(ctx, "SELECT count(*) FROM household", &c->households);
	if (!r) r = count(ctx, "SELECT count(*) FROM milestone", &c->milestones);
	if (!r) r = count(ctx, "SELECT count(*) FROM contribution", &c->contributions);
	return r;
}

/* Decode outbox row columns (stamp, nchanges, record) back into cs. */
static proto_result outbox_decode(agent_ctx *ctx, sqlite3_stmt *st, int col, proto_changeset *cs)
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

	*nrec = 0;
	proto_buf_init(&out, PROTO_BUNDLE_MAX_ITEM);
	memset(&cs, 0, sizeof cs);
	st = agent_stmt(ctx, S_LAST_SEALED, "SELECT seq, hash FROM sealed ORDER BY seq DESC LIMIT 1");
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
	st = agent_stmt(ctx, S_OUTBOX_BATCH,
			"SELECT n, stamp, nchanges, record FROM outbox ORDER BY n LIMIT ?");
	r = PROTO_EDB;
	if (!st)
		goto out;
	sqlite3_bind_int(st, 1, SEAL_BATCH);
	r = PROTO_OK;
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t more = 0;

		r = outbox_decode(ctx, st, 1, &one);
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
	st = agent_stmt(ctx, S_SEALED_PUT, "INSERT INTO sealed (seq, hash, prev, bytes, created, nrecords)"
					   " VALUES (?, ?, ?, ?, ?, ?)");
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
	st = agent_stmt(ctx, S_OUTBOX_DEL, "DELETE FROM outbox WHERE n <= ?");
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
	sqlite3_stmt *st = agent_stmt(ctx, S_UNACKED,
				      "SELECT bytes FROM sealed WHERE acked_at IS NULL ORDER BY seq");
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
