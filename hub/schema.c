/*
 * schema.c - every table of the hub, made when the hub opens its database
 * (hub_open, and init): the shared tables of proto (proto_db_open), the
 * hub-only tables below (meta, enrolment, ledger, refusals, quotas), and the
 * report tables with the triggers that keep them current on every merge
 * (schema_report.c). Each part carries a version in hub_meta; an older hub.db
 * is upgraded here, a newer one is refused.
 */
#include <stdio.h>
#include <string.h>
#include "schema.h"
#include "browse_schema.h"
#include "epoch.h"
#include "photo_index.h"
#include "photo_near.h"
#include "store.h"
#include "i18n.h"
#include "schema.h"

/* 2: hub_ledger_area (the pull index). A version-1 hub gains the table; its
 * older ledger rows are not indexed and every pull still reads them
 * ('area_from' in hub_meta is the first indexed row). */
/* 3: hub_refused (refused links) and hub_quota (per agent per day). */
/* 4: hub_rejection.hash, the SHA-256 of a rejected change-set's sealed bytes
 * (NULL when none was read), and its index by chain place: the ledger row of
 * the very same change-set closes the rejection (schema_report.c); and
 * succession (docs/HUB.md, "Re-enrolment"): hub_token.replaces, the revoked
 * agent a token enrols a successor for, and hub_agent.predecessor. */
/* 5: hub_agent.reads, the highest change-set format version the agent's
 * laptop reads (NULL: it never said, so 1); pulls leave out newer kinds. */
/* 6: hub_photo (the photos stored under photos/, photo_store.c) and
 * hub_photo_quota (photo bytes per agent per day). */
#define HUB_STORE_VERSION "6"

/* Add table.column of the given type unless it is there: a version 1 to 4
 * hub.db has the tables without the columns of the versions after it. */
static int add_column(sqlite3 *db, const char *table, const char *column, const char *type)
{
	sqlite3_stmt *st = NULL;
	char sql[128];
	int has, rc = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2", -1, &st,
			       NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	has = sqlite3_column_int(st, 0);
	snprintf(sql, sizeof(sql), "ALTER TABLE %s ADD COLUMN %s %s", table, column, type);
	rc = has || sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
out:
	sqlite3_finalize(st);
	return rc;
}

static const char hub_tables_sql[] =
	"CREATE TABLE IF NOT EXISTS hub_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS hub_token ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" hash BLOB NOT NULL UNIQUE," /* SHA-256 of the token: the token itself is never stored */
	" scope_kind INTEGER NOT NULL, scope_code INTEGER NOT NULL,"
	" created INTEGER NOT NULL, expires INTEGER NOT NULL,"
	" used INTEGER, agent INTEGER, revoked INTEGER,"
	" replaces INTEGER);" /* a revoked agent: the token enrols its successor */
	"CREATE TABLE IF NOT EXISTS hub_agent ("
	" id INTEGER PRIMARY KEY," /* the agent's key id */
	" pub BLOB NOT NULL,"
	" scope_kind INTEGER NOT NULL, scope_code INTEGER NOT NULL,"
	" enrolled INTEGER NOT NULL, revoked INTEGER, token INTEGER,"
	" predecessor INTEGER," /* the revoked agent this one succeeds */
	" reads INTEGER);"      /* format version its laptop reads; NULL: 1 */
	"CREATE TABLE IF NOT EXISTS hub_ledger ("
	" id INTEGER PRIMARY KEY," /* the pull cursor */
	" origin INTEGER NOT NULL, seq INTEGER NOT NULL, hash BLOB NOT NULL,"
	" sealed BLOB NOT NULL, received INTEGER NOT NULL,"
	" UNIQUE (origin, seq));"
	"CREATE TABLE IF NOT EXISTS hub_rejection ("
	" id INTEGER PRIMARY KEY, received INTEGER NOT NULL, source TEXT NOT NULL,"
	" origin INTEGER, seq INTEGER, code TEXT NOT NULL, message TEXT NOT NULL, hash BLOB);"
	"CREATE INDEX IF NOT EXISTS hub_rejection_link ON hub_rejection(origin, seq);"
	"CREATE TABLE IF NOT EXISTS hub_ledger_area ("
	" commune INTEGER NOT NULL," /* 0: a district as a whole */
	" ledger INTEGER NOT NULL, district INTEGER NOT NULL,"
	" PRIMARY KEY (commune, ledger, district)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS hub_ledger_area_district ON hub_ledger_area(district, ledger);"
	/* households a ledger row moved out of a commune (pulls tell that commune) */
	"CREATE TABLE IF NOT EXISTS hub_move ("
	" ledger INTEGER NOT NULL, id_origin INTEGER NOT NULL, id_serial INTEGER NOT NULL,"
	" from_commune INTEGER NOT NULL,"
	" PRIMARY KEY (ledger, id_origin, id_serial)) WITHOUT ROWID;"
	/* verified change-sets refused on their content: they hold their place in
	 * the origin's chain (docs/HUB.md, "Refused links"); never relayed */
	"CREATE TABLE IF NOT EXISTS hub_refused ("
	" origin INTEGER NOT NULL, seq INTEGER NOT NULL, hash BLOB NOT NULL, prev BLOB NOT NULL,"
	" received INTEGER NOT NULL, status INTEGER NOT NULL, code TEXT NOT NULL,"
	" message TEXT NOT NULL, rule TEXT, record TEXT, field TEXT,"
	" PRIMARY KEY (origin, seq));"
	/* what each agent sent per day (Vietnam time), for the daily quotas */
	"CREATE TABLE IF NOT EXISTS hub_quota ("
	" agent INTEGER NOT NULL, day TEXT NOT NULL,"
	" records INTEGER NOT NULL CHECK (records >= 0), bytes INTEGER NOT NULL CHECK (bytes >= 0),"
	" PRIMARY KEY (agent, day)) WITHOUT ROWID;"
	/* refusals of anonymous requests, counted per code per hour (store_anon.c) */
	"CREATE TABLE IF NOT EXISTS hub_anon_refusal ("
	" hour INTEGER NOT NULL," /* unix time / 3600 */
	" code TEXT NOT NULL, n INTEGER NOT NULL,"
	" PRIMARY KEY (hour, code)) WITHOUT ROWID;"
	/* the photos whose bytes the hub holds (photos/XX/<hex>): a thumbnail
	 * and dHash made at store time, NULL when the JPEG could not be read */
	"CREATE TABLE IF NOT EXISTS hub_photo ("
	" sha256 BLOB PRIMARY KEY, bytes INTEGER NOT NULL, stored_at INTEGER NOT NULL,"
	" agent INTEGER NOT NULL, thumb BLOB, dhash INTEGER);"
	/* photos near (photo_near.c) a photo of another household, noted when
	 * the later one's bytes were stored; the queue rechecks the records */
	"CREATE TABLE IF NOT EXISTS hub_photo_near ("
	" id INTEGER PRIMARY KEY, photo TEXT NOT NULL, other TEXT NOT NULL,"
	" distance INTEGER NOT NULL, UNIQUE (photo, other));"
	"CREATE TABLE IF NOT EXISTS hub_photo_quota ("
	" agent INTEGER NOT NULL, day TEXT NOT NULL, bytes INTEGER NOT NULL CHECK (bytes >= 0),"
	" PRIMARY KEY (agent, day)) WITHOUT ROWID;";

/* Rows from here on are in hub_ledger_area; rows before it are read by every pull. */
static int set_area_from(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int64_t next = 1;
	char v[32];

	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) + 1 FROM hub_ledger", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		next = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	snprintf(v, sizeof(v), "%lld", (long long)next);
	return hub_meta_set(db, "area_from", v);
}

hub_result hub_store_migrate(sqlite3 *db)
{
	char have[16];
	bool found;
	hub_result rc = HUB_EDB;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return HUB_EDB;
	if (sqlite3_exec(db, hub_tables_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    hub_photo_index_install(db) != HUB_OK)
		goto fail;
	if (hub_meta_get(db, "hub_schema", have, sizeof(have), &found) != HUB_OK)
		goto fail;
	if (!found) {
		if (set_area_from(db) || hub_meta_set(db, "hub_schema", HUB_STORE_VERSION))
			goto fail;
	} else {
		int older = strcmp(have, "1") == 0 || strcmp(have, "2") == 0 || strcmp(have, "3") == 0 ||
			    strcmp(have, "4") == 0 || strcmp(have, "5") == 0;

		if (strcmp(have, "1") == 0 && set_area_from(db))
			goto fail;
		/* the new tables came with hub_tables_sql; the new columns come here */
		if (older && (add_column(db, "hub_rejection", "hash", "BLOB") ||
			      add_column(db, "hub_token", "replaces", "INTEGER") ||
			      add_column(db, "hub_agent", "predecessor", "INTEGER") ||
			      add_column(db, "hub_agent", "reads", "INTEGER") ||
			      hub_meta_set(db, "hub_schema", HUB_STORE_VERSION)))
			goto fail;
		if (!older && strcmp(have, HUB_STORE_VERSION) != 0) {
			rc = HUB_REFUSED; /* newer hub tables than this program knows */
			goto fail;
		}
	}
	/* a ledger epoch for a new hub.db, and for an older one that had none
	 * (epoch.h): pulls name it from now on */
	if (hub_epoch_ensure(db) != HUB_OK)
		goto fail;
	/* photos stored before the near-duplicate index noted them (photo_near.h) */
	if (hub_photo_near_backfill(db, HUB_PHOTO_BACKFILL_PER_OPEN, NULL, NULL) != HUB_OK)
		goto fail;
	/* the hub's live store: the SQL guard behind the rulebook is on
	 * (docs/RULES.md); the audit's scratch rebuild leaves it off */
	if (proto_db_guard(db, 1) != PROTO_OK || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return HUB_OK;
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

hub_result hub_schema_install(sqlite3 *db, char *err, size_t errlen)
{
	hub_result rc = hub_store_migrate(db);

	if (rc == HUB_REFUSED)
		snprintf(err, errlen, "%s",
			 _("a newer maiam-hub made these hub tables: use a newer"
			   " maiam-hub"));
	else if (rc != HUB_OK)
		snprintf(err, errlen,
			 _("cannot prepare the hub tables (%s): check that the disk has"
			   " room"),
			 sqlite3_errmsg(db));
	else
		rc = hub_report_migrate(db, err, errlen);
	if (rc == HUB_OK)
		rc = hub_browse_migrate(db, err, errlen);
	return rc;
}
