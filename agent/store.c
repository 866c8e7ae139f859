/*
 * store.c - the agent-only tables and the transaction. meta holds what init
 * learnt plus the clock and serial counter; outbox holds every record not yet
 * sealed; sealed holds change-sets until the hub acknowledges them
 * (store_seal.c writes both). Each command writes its rows, its outbox
 * records and meta in ONE transaction, so a dead battery leaves either all of
 * a change or none of it.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "agent.h"
#include "store_int.h"
#include "sync_photos.h"
#include "validate.h"

/* 2: sealed.refused_code/refused_message: change-sets the hub refused as
 * links of the chain, kept with the hub's reason */
/* 3: sealed_retired: the chain of a key the hub revoked, kept when the
 * laptop re-enrols with a new key (store_seal.c, agent_store_reseal) */
/* 4: campaign_label: the campaign file's [labels] (store_labels.c); a store
 * made before has none, and keeps the built-in labels */
/* 5: hub_duplicate: the national ids the hub last said are held elsewhere
 * too (store_attention.c, agent_duplicates_replace) */
#define AGENT_SCHEMA_VERSION 6

static const char *const agent_schema_v1 =
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE outbox ("
	" n INTEGER PRIMARY KEY,"
	" stamp INTEGER NOT NULL,"    /* the record's stamp: the body's delta base */
	" nchanges INTEGER NOT NULL," /* field count, checked when decoding */
	" record BLOB NOT NULL);"     /* proto_body_encode of a one-record change-set */
	"CREATE TABLE sealed ("
	" seq INTEGER PRIMARY KEY,"
	" hash BLOB NOT NULL, prev BLOB NOT NULL, bytes BLOB NOT NULL,"
	" created INTEGER NOT NULL, nrecords INTEGER NOT NULL,"
	" acked_at TEXT);";

static const char *const agent_schema_v2 = "ALTER TABLE sealed ADD COLUMN refused_code TEXT;"
					   "ALTER TABLE sealed ADD COLUMN refused_message TEXT;";

/* origin: the revoked key's id; resealed: 1 when its records went to the
 * outbox to be sealed under the new key (it was not acknowledged) */
static const char *const agent_schema_v3 = "CREATE TABLE sealed_retired ("
					   " origin INTEGER NOT NULL, seq INTEGER NOT NULL,"
					   " hash BLOB NOT NULL, prev BLOB NOT NULL, bytes BLOB NOT NULL,"
					   " created INTEGER NOT NULL, nrecords INTEGER NOT NULL,"
					   " acked_at TEXT, refused_code TEXT, refused_message TEXT,"
					   " resealed INTEGER NOT NULL,"
					   " PRIMARY KEY (origin, seq));";

/* list: proto_list_name; code: one of its codes */
static const char *const agent_schema_v4 = "CREATE TABLE campaign_label ("
					   " list TEXT NOT NULL, code TEXT NOT NULL, label TEXT NOT NULL,"
					   " PRIMARY KEY (list, code)) WITHOUT ROWID;";

/* commune: the other household's; commune_name as the hub named it (NULL
 * when it did not) */
static const char *const agent_schema_v5 = "CREATE TABLE hub_duplicate ("
					   " id_origin INTEGER NOT NULL, id_serial INTEGER NOT NULL,"
					   " national_id TEXT NOT NULL, commune INTEGER NOT NULL,"
					   " commune_name TEXT,"
					   " PRIMARY KEY (id_origin, id_serial, national_id, commune))"
					   " WITHOUT ROWID;";

/* the photos of this laptop's records the hub said it holds (sync_photos.c):
 * never asked about again */
static const char *const agent_schema_v6 = "CREATE TABLE photo_upload ("
					   " sha256 TEXT PRIMARY KEY, uploaded_at TEXT NOT NULL) WITHOUT ROWID;";

static proto_result exec(agent_ctx *ctx, const char *sql)
{
	return sqlite3_exec(ctx->db, sql, NULL, NULL, NULL) == SQLITE_OK ? PROTO_OK : PROTO_EDB;
}

/* Bring a store of an older version up to AGENT_SCHEMA_VERSION, in one transaction. */
static proto_result migrate(agent_ctx *ctx, int64_t version)
{
	char buf[16];
	proto_result r;

	if (version >= AGENT_SCHEMA_VERSION)
		return PROTO_OK;
	r = exec(ctx, "BEGIN IMMEDIATE");
	if (r != PROTO_OK)
		return r;
	if (version < 2)
		r = exec(ctx, agent_schema_v2);
	if (r == PROTO_OK && version < 3)
		r = exec(ctx, agent_schema_v3);
	if (r == PROTO_OK && version < 4)
		r = exec(ctx, agent_schema_v4);
	if (r == PROTO_OK && version < 5)
		r = exec(ctx, agent_schema_v5);
	if (r == PROTO_OK && version < 6)
		r = exec(ctx, agent_schema_v6);
	snprintf(buf, sizeof buf, "%d", AGENT_SCHEMA_VERSION);
	if (r == PROTO_OK)
		r = agent_meta_set(ctx, "agent_schema", buf);
	if (r == PROTO_OK)
		r = exec(ctx, "COMMIT");
	if (r != PROTO_OK)
		sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

proto_result agent_meta_get(agent_ctx *ctx, const char *key, char *out, size_t n, int *found)
{
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_META_GET);
	int rc;

	assert(out && n > 0);
	out[0] = '\0';
	if (found)
		*found = 0;
	if (!st)
		return PROTO_EDB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (rc == SQLITE_ROW && found)
		*found = 1;
	if (rc == SQLITE_DONE && !found)
		return PROTO_EVALUE; /* a setting every store has */
	return agent_step_result(rc);
}

proto_result agent_meta_set(agent_ctx *ctx, const char *key, const char *value)
{
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_META_SET);
	int rc;

	if (!st)
		return PROTO_EDB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? PROTO_OK : PROTO_EDB;
}

static proto_result meta_u64(agent_ctx *ctx, const char *key, uint64_t *out)
{
	char buf[32];
	char *end = NULL;
	proto_result r = agent_meta_get(ctx, key, buf, sizeof buf, NULL);

	if (r != PROTO_OK)
		return r;
	errno = 0;
	*out = strtoull(buf, &end, 0);
	return (errno || end == buf || *end) ? PROTO_EVALUE : PROTO_OK;
}

static proto_result meta_set_u64(agent_ctx *ctx, const char *key, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRIu64, v);
	return agent_meta_set(ctx, key, buf);
}

/* The clock and the serial counter: re-read inside every write transaction,
 * since another maiam-agent may have written since this one opened. */
static proto_result load_counters(agent_ctx *ctx)
{
	uint64_t hlc = 0;
	proto_result r = meta_u64(ctx, "hlc_last", &hlc);

	if (r == PROTO_OK)
		r = meta_u64(ctx, "next_serial", &ctx->next_serial);
	if (r == PROTO_OK)
		proto_hlc_init(&ctx->hlc, hlc);
	return r;
}

/* The campaign's labels, for what the laptop shows and reads (i18n.c). */
static proto_result use_labels(agent_ctx *ctx)
{
	proto_labels labels;
	proto_result r = agent_labels_load(ctx, &labels);

	if (r == PROTO_OK)
		agent_labels_use(&labels);
	return r;
}

proto_result agent_store_load_meta(agent_ctx *ctx)
{
	char buf[64];
	int64_t commune;
	int found;
	proto_result r = meta_u64(ctx, "key_id", &ctx->key_id);

	if (!r)
		r = agent_meta_get(ctx, "commune", buf, sizeof buf, NULL);
	if (!r && cli_parse_int(buf, 1, 99999, &commune) != 0)
		r = PROTO_EVALUE;
	if (!r)
		r = agent_meta_get(ctx, "campaign", ctx->campaign, sizeof ctx->campaign, NULL);
	if (!r)
		r = agent_meta_get(ctx, "period_start", ctx->period_start, sizeof ctx->period_start, NULL);
	if (!r)
		r = agent_meta_get(ctx, "deadline", ctx->deadline, sizeof ctx->deadline, NULL);
	if (!r)
		r = agent_meta_get(ctx, "period_end", ctx->period_end, sizeof ctx->period_end, NULL);
	if (!r)
		r = load_counters(ctx);
	/* a store made before communes had names has none: shown empty */
	if (!r)
		r = agent_meta_get(ctx, "commune_name", ctx->commune_name, sizeof ctx->commune_name,
				   &found);
	if (!r)
		ctx->commune = (int)commune;
	if (!r)
		r = use_labels(ctx);
	return r;
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
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM meta WHERE key = 'key_id'", -1, &st, NULL) == SQLITE_OK)
		found = sqlite3_step(st) == SQLITE_ROW;
	else if (strstr(sqlite3_errmsg(db), "no such table"))
		found = 0; /* an init that died before its meta committed */
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return found;
}

proto_result agent_store_open_db(agent_ctx *ctx, const char *path)
{
	assert(!ctx->db);
	proto_result r;

	ctx->db_error[0] = '\0';
	r = proto_db_open_why(path, &ctx->db, ctx->db_error, sizeof ctx->db_error);
	/* the app ("ui") and a command may write at once: the second waits
	 * for the first's transaction (they are short) instead of failing */
	if (r == PROTO_OK)
		sqlite3_busy_timeout(ctx->db, AGENT_BUSY_WAIT_MS);
	return r;
}

proto_result agent_store_create(agent_ctx *ctx, const agent_init_info *info)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char path[AGENT_PATH_MAX], side[AGENT_PATH_MAX + 8], buf[32];
	proto_result r;

	if (agent_path_join(path, sizeof path, ctx->home, "agent.db") != 0)
		return PROTO_EINVAL;
	/* Leftovers of an init that never finished hold nothing recorded. */
	for (size_t i = 0; i < ARRAY_SIZE(sfx); i++) {
		snprintf(side, sizeof side, "%s%s", path, sfx[i]);
		unlink(side);
	}
	r = agent_store_open_db(ctx, path);
	if (r != PROTO_OK)
		return r;
	r = exec(ctx, "BEGIN IMMEDIATE");
	if (!r)
		r = exec(ctx, agent_schema_v1);
	if (!r)
		r = exec(ctx, agent_schema_v2);
	if (!r)
		r = exec(ctx, agent_schema_v3);
	if (!r)
		r = exec(ctx, agent_schema_v4);
	if (!r)
		r = exec(ctx, agent_schema_v5);
	if (!r)
		r = exec(ctx, agent_schema_v6);
	if (!r)
		r = agent_labels_save(ctx, info->labels);
	snprintf(buf, sizeof buf, "%d", AGENT_SCHEMA_VERSION);
	if (!r)
		r = agent_meta_set(ctx, "agent_schema", buf);
	snprintf(buf, sizeof buf, "0x%016" PRIx64, info->key_id);
	if (!r)
		r = agent_meta_set(ctx, "key_id", buf);
	snprintf(buf, sizeof buf, "%d", info->commune);
	if (!r)
		r = agent_meta_set(ctx, "commune", buf);
	if (!r)
		r = agent_meta_set(ctx, "commune_name", info->commune_name);
	if (!r)
		r = agent_meta_set(ctx, "campaign", info->campaign);
	if (!r)
		r = agent_meta_set(ctx, "period_start", info->period_start);
	if (!r)
		r = agent_meta_set(ctx, "deadline", info->deadline);
	if (!r)
		r = agent_meta_set(ctx, "period_end", info->period_end);
	if (!r)
		r = agent_meta_set(ctx, "hlc_last", "0");
	if (!r)
		r = agent_meta_set(ctx, "next_serial", "1");
	if (!r)
		r = exec(ctx, "COMMIT");
	if (!r)
		r = agent_store_load_meta(ctx);
	if (r != PROTO_OK)
		sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

proto_result agent_store_upgrade(agent_ctx *ctx)
{
	char buf[16];
	int64_t version = 0;
	proto_result r = agent_meta_get(ctx, "agent_schema", buf, sizeof buf, NULL);

	if (r == PROTO_EDB)
		return r;
	if (r != PROTO_OK || cli_parse_int(buf, 1, INT32_MAX, &version) != 0 ||
	    version > AGENT_SCHEMA_VERSION)
		return PROTO_ESCHEMA;
	return migrate(ctx, version);
}

void agent_store_close(agent_ctx *ctx)
{
	agent_stmts_finalize(ctx);
	sqlite3_close(ctx->db);
	ctx->db = NULL;
}

proto_result agent_store_begin(agent_ctx *ctx)
{
	proto_result r = exec(ctx, "BEGIN IMMEDIATE");

	if (r != PROTO_OK)
		return r;
	ctx->meta_dirty = 0;
	r = load_counters(ctx);
	if (r != PROTO_OK)
		agent_tx_rollback(ctx);
	return r;
}

proto_result agent_store_commit(agent_ctx *ctx)
{
	proto_result r = PROTO_OK;

	assert(!sqlite3_get_autocommit(ctx->db)); /* inside agent_store_begin's transaction */
	if (ctx->meta_dirty) {
		r = meta_set_u64(ctx, "hlc_last", ctx->hlc.last);
		if (r == PROTO_OK)
			r = meta_set_u64(ctx, "next_serial", ctx->next_serial);
	}
	if (r == PROTO_OK)
		r = exec(ctx, "COMMIT");
	if (r == PROTO_OK)
		ctx->meta_dirty = 0;
	return r;
}

void agent_tx_rollback(agent_ctx *ctx)
{
	if (!sqlite3_get_autocommit(ctx->db))
		sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
	ctx->meta_dirty = 0;
}

uint64_t agent_take_serial(agent_ctx *ctx)
{
	assert(!sqlite3_get_autocommit(ctx->db)); /* the counter is saved by the commit */
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
	return proto_changeset_init(cs, ctx->campaign, ctx->key_id, 1, NULL,
				    ctx->hlc.last ? ctx->hlc.last : 1);
}

/* ---- photo uploads (sync_photos.c, its header says what they do) ---- */

proto_result agent_photo_pending(agent_ctx *ctx, size_t max, agent_photo_cb cb, void *arg)
{
	/* its own records, and those of the key it re-enrolled from (the hub
	 * takes those from a successor too) */
	static const char sql[] = "SELECT sha256, max(bytes) FROM photo p WHERE (writer = ?1 OR writer IN"
				  " (SELECT origin FROM sealed_retired)) AND sha256 IS NOT NULL AND NOT EXISTS"
				  " (SELECT 1 FROM photo_upload u WHERE u.sha256 = p.sha256)"
				  " GROUP BY sha256 ORDER BY min(id_serial) LIMIT ?2";
	sqlite3_stmt *st = NULL;
	proto_result r = PROTO_EDB;
	int rc;

	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
		return PROTO_EDB;
	sqlite3_bind_int64(st, 1, proto_u2i(ctx->key_id));
	sqlite3_bind_int64(st, 2, (int64_t)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *hex = (const char *)sqlite3_column_text(st, 0);
		if (hex && strlen(hex) == 64 && cb(arg, hex, sqlite3_column_int64(st, 1)))
			break;
	}
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		r = PROTO_OK;
	sqlite3_finalize(st);
	return r;
}

proto_result agent_photo_uploaded(agent_ctx *ctx, const char *hex, const char *when)
{
	sqlite3_stmt *st = NULL;
	proto_result r = PROTO_EDB;

	if (sqlite3_prepare_v2(ctx->db,
			       "INSERT OR REPLACE INTO photo_upload (sha256, uploaded_at) VALUES (?1, ?2)",
			       -1, &st, NULL) != SQLITE_OK)
		return PROTO_EDB;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, when, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		r = PROTO_OK;
	sqlite3_finalize(st);
	return r;
}
