/*
 * schema.c - open a Mái Ấm SQLite store and migrate its shared tables.
 *
 * The tables written by the merge rules (merge.c) are created here and only
 * here, as an ordered list of migration steps; PRAGMA user_version counts the
 * steps applied. docs/MERGE.md explains the choices.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maiam/schema.h"

/*
 * Migration steps. Step i takes user_version from i to i + 1, in one
 * transaction. Never edit a released step: append a new one.
 *
 * No FOREIGN KEY from events to household: events may arrive before the
 * household they name (another origin's change-set, a hub update), and the
 * merge must not depend on arrival order. CHECKs guard what C code validates
 * anyway, so a bug elsewhere cannot store an id or stamp of 0.
 */
static const char *const migration_steps[] = {
	/* 1: the shared tables */
	"CREATE TABLE household ("
	" id_origin INTEGER NOT NULL,"
	" id_serial INTEGER NOT NULL CHECK (id_serial <> 0),"
	" ref TEXT, name TEXT, national_id TEXT, commune INTEGER, hamlet TEXT,"
	" address TEXT, members INTEGER, category TEXT, land_status TEXT,"
	" condition TEXT, phone TEXT, note TEXT, support_kind TEXT,"
	" review_status TEXT, review_reason TEXT,"
	" PRIMARY KEY (id_origin, id_serial)) WITHOUT ROWID;"
	"CREATE INDEX household_national_id ON household(national_id);"
	"CREATE INDEX household_commune ON household(commune);"

	"CREATE TABLE household_stamp ("
	" id_origin INTEGER NOT NULL,"
	" id_serial INTEGER NOT NULL,"
	" field INTEGER NOT NULL CHECK (field BETWEEN 1 AND 63),"
	" stamp INTEGER NOT NULL CHECK (stamp <> 0),"
	" writer INTEGER NOT NULL,"
	" PRIMARY KEY (id_origin, id_serial, field)) WITHOUT ROWID;"

	"CREATE TABLE milestone ("
	" id_origin INTEGER NOT NULL,"
	" id_serial INTEGER NOT NULL CHECK (id_serial <> 0),"
	" stamp INTEGER NOT NULL CHECK (stamp <> 0),"
	" writer INTEGER NOT NULL,"
	" household_origin INTEGER, household_serial INTEGER,"
	" stage TEXT, date TEXT, note TEXT, forced TEXT,"
	" PRIMARY KEY (id_origin, id_serial)) WITHOUT ROWID;"
	"CREATE INDEX milestone_household ON milestone(household_origin, household_serial);"

	"CREATE TABLE contribution ("
	" id_origin INTEGER NOT NULL,"
	" id_serial INTEGER NOT NULL CHECK (id_serial <> 0),"
	" stamp INTEGER NOT NULL CHECK (stamp <> 0),"
	" writer INTEGER NOT NULL,"
	" household_origin INTEGER, household_serial INTEGER,"
	" unit INTEGER, source TEXT, donor TEXT, money_vnd INTEGER,"
	" labour_days INTEGER, material TEXT, material_value_vnd INTEGER,"
	" date TEXT, note TEXT,"
	" PRIMARY KEY (id_origin, id_serial)) WITHOUT ROWID;"
	"CREATE INDEX contribution_household ON contribution(household_origin, household_serial);"
	"CREATE INDEX contribution_unit ON contribution(unit);"

	"CREATE TABLE void_event ("
	" id_origin INTEGER NOT NULL,"
	" id_serial INTEGER NOT NULL CHECK (id_serial <> 0),"
	" stamp INTEGER NOT NULL CHECK (stamp <> 0),"
	" writer INTEGER NOT NULL,"
	" target_origin INTEGER, target_serial INTEGER,"
	" target_kind INTEGER, reason TEXT,"
	" PRIMARY KEY (id_origin, id_serial)) WITHOUT ROWID;"
	"CREATE INDEX void_event_target ON void_event(target_origin, target_serial);"

	/* Values keep their SQLite type (NULL/INTEGER/TEXT); a REF is the text
	 * "origin16hex-serial". The UNIQUE key makes a re-applied conflict a no-op. */
	"CREATE TABLE conflict ("
	" id INTEGER PRIMARY KEY,"
	" kind INTEGER NOT NULL,"
	" id_origin INTEGER NOT NULL, id_serial INTEGER NOT NULL,"
	" field INTEGER NOT NULL,"
	" winner_stamp INTEGER NOT NULL, winner_writer INTEGER NOT NULL, winner_value,"
	" loser_stamp INTEGER NOT NULL, loser_writer INTEGER NOT NULL, loser_value,"
	" resolved_at TEXT, resolved_by TEXT, resolution TEXT,"
	" UNIQUE (id_origin, id_serial, field, winner_stamp, winner_writer,"
	"         loser_stamp, loser_writer));"
	"CREATE INDEX conflict_open ON conflict(resolved_at);",

	/* 2: the base of the change that set each field's value. A stale change
	 * the stored value's writer had already seen (its stamp is not newer
	 * than that base) is history, not a concurrent edit (docs/MERGE.md). */
	"ALTER TABLE household_stamp ADD COLUMN base INTEGER NOT NULL DEFAULT 0;",

	/* 3: the SQL guard behind the rulebook (docs/RULES.md): members 1..99 and
	 * amounts that are non-negative whole numbers. Triggers, not a table
	 * rebuild, so rows accepted before the rulebook stay readable; and only
	 * where proto_db_guard switched them on (the hub's live store): a store
	 * that replays what was accepted before - the audit's rebuild, a laptop
	 * pulling old rows - must still take them. A trigger on UPDATE OF a
	 * column fires only when that column is written, so an old row may be
	 * edited in its other fields. */
	"CREATE TABLE proto_rule_guard ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" enforce INTEGER NOT NULL DEFAULT 0 CHECK (enforce IN (0, 1)));"
	"INSERT INTO proto_rule_guard(id, enforce) VALUES (1, 0);"
	"CREATE TRIGGER proto_guard_members_insert BEFORE INSERT ON household"
	" WHEN NEW.members IS NOT NULL"
	"  AND (typeof(NEW.members) <> 'integer' OR NEW.members NOT BETWEEN 1 AND 99)"
	"  AND (SELECT enforce FROM proto_rule_guard)"
	" BEGIN SELECT RAISE(ABORT, 'household.members must be 1..99 (docs/RULES.md)'); END;"
	"CREATE TRIGGER proto_guard_members_update BEFORE UPDATE OF members ON household"
	" WHEN NEW.members IS NOT NULL"
	"  AND (typeof(NEW.members) <> 'integer' OR NEW.members NOT BETWEEN 1 AND 99)"
	"  AND (SELECT enforce FROM proto_rule_guard)"
	" BEGIN SELECT RAISE(ABORT, 'household.members must be 1..99 (docs/RULES.md)'); END;"
	"CREATE TRIGGER proto_guard_amounts_insert BEFORE INSERT ON contribution"
	" WHEN (typeof(NEW.money_vnd) NOT IN ('integer', 'null') OR NEW.money_vnd < 0"
	"   OR typeof(NEW.labour_days) NOT IN ('integer', 'null') OR NEW.labour_days < 0"
	"   OR typeof(NEW.material_value_vnd) NOT IN ('integer', 'null') OR NEW.material_value_vnd < 0)"
	"  AND (SELECT enforce FROM proto_rule_guard)"
	" BEGIN SELECT RAISE(ABORT, 'contribution amounts must be whole numbers >= 0 (docs/RULES.md)'); END;"
	"CREATE TRIGGER proto_guard_amounts_update"
	" BEFORE UPDATE OF money_vnd, labour_days, material_value_vnd ON contribution"
	" WHEN (typeof(NEW.money_vnd) NOT IN ('integer', 'null') OR NEW.money_vnd < 0"
	"   OR typeof(NEW.labour_days) NOT IN ('integer', 'null') OR NEW.labour_days < 0"
	"   OR typeof(NEW.material_value_vnd) NOT IN ('integer', 'null') OR NEW.material_value_vnd < 0)"
	"  AND (SELECT enforce FROM proto_rule_guard)"
	" BEGIN SELECT RAISE(ABORT, 'contribution amounts must be whole numbers >= 0 (docs/RULES.md)'); END;",

	/* 4: household.withdrawn (PROTO_HH_WITHDRAWN), the reason a household
	 * was taken out of every count; NULL for every household before it. */
	"ALTER TABLE household ADD COLUMN withdrawn TEXT;",

	/* 5: photo records (format version 2, PROTO_KIND_PHOTO): the evidence
	 * of one photo by its hash; the bytes are stored apart. The sha256
	 * index finds one photo on two households. */
	"CREATE TABLE photo ("
	" id_origin INTEGER NOT NULL,"
	" id_serial INTEGER NOT NULL CHECK (id_serial <> 0),"
	" stamp INTEGER NOT NULL CHECK (stamp <> 0),"
	" writer INTEGER NOT NULL,"
	" target_origin INTEGER, target_serial INTEGER, target_kind INTEGER,"
	" sha256 TEXT, bytes INTEGER, type TEXT, width INTEGER, height INTEGER,"
	" taken_at TEXT, lat INTEGER, lon INTEGER, camera TEXT, note TEXT,"
	" PRIMARY KEY (id_origin, id_serial)) WITHOUT ROWID;"
	"CREATE INDEX photo_target ON photo(target_origin, target_serial);"
	"CREATE INDEX photo_sha256 ON photo(sha256);",

	/* 6: decision records (format version 3, PROTO_KIND_DECISION): who at
	 * the hub decided what about a household, signed with what it changed.
	 * The target index gives a household's history of decisions. */
	"CREATE TABLE decision ("
	" id_origin INTEGER NOT NULL,"
	" id_serial INTEGER NOT NULL CHECK (id_serial <> 0),"
	" stamp INTEGER NOT NULL CHECK (stamp <> 0),"
	" writer INTEGER NOT NULL,"
	" target_origin INTEGER, target_serial INTEGER,"
	" operator TEXT, action TEXT, item TEXT, note TEXT, keep TEXT,"
	" PRIMARY KEY (id_origin, id_serial)) WITHOUT ROWID;"
	"CREATE INDEX decision_target ON decision(target_origin, target_serial);",

	/* 7: decision field 7, number: a commune's target (action "target",
	 * item the commune's code), and an award nomination's fields (8..13,
	 * PROTO_DE_UNIT...), NULL for every decision before. The action index
	 * finds a commune's latest target; the item index a nomination's accept
	 * or return. */
	"ALTER TABLE decision ADD COLUMN number INTEGER;"
	"ALTER TABLE decision ADD COLUMN unit TEXT;"
	"ALTER TABLE decision ADD COLUMN nominee_kind TEXT;"
	"ALTER TABLE decision ADD COLUMN nominee TEXT;"
	"ALTER TABLE decision ADD COLUMN position TEXT;"
	"ALTER TABLE decision ADD COLUMN achievements TEXT;"
	"ALTER TABLE decision ADD COLUMN backing TEXT;"
	"CREATE INDEX decision_action ON decision(action, item, stamp);"
	"CREATE INDEX decision_item ON decision(item);",

	/* 8: a household's milestones by stage, with their dates: what the
	 * hub's report flush and the browser's flags read of them (stage,
	 * date, the id for the void test) is in the index, not one table row
	 * a milestone, and one stage of a household is a range of it
	 * (docs/BENCHMARKS.md, "Night 60's flush"). It replaces the index on
	 * the household alone, which it begins with. */
	"CREATE INDEX IF NOT EXISTS milestone_household_stage ON milestone(household_origin,"
	" household_serial, stage, date);"
	"DROP INDEX IF EXISTS milestone_household;",
};

#define NSTEPS (sizeof(migration_steps) / sizeof(migration_steps[0]))

/* PROTO_SQL_MILESTONE_LIVE, _CONTRIBUTION_LIVE and _PHOTO_LIVE spell these. */
_Static_assert(PROTO_KIND_MILESTONE == 2 && PROTO_KIND_CONTRIBUTION == 3 && PROTO_KIND_PHOTO == 5,
	       "schema.h: the kind numbers in the *_LIVE SQL");
_Static_assert(NSTEPS == PROTO_SCHEMA_VERSION,
	       "PROTO_SCHEMA_VERSION must equal the number of migration steps");

static proto_result read_user_version(sqlite3 *db, int *version)
{
	sqlite3_stmt *st = NULL;
	proto_result res = PROTO_EDB;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	*version = sqlite3_column_int(st, 0);
	res = PROTO_OK;
out:
	sqlite3_finalize(st);
	return res;
}

/* Apply step 'step' (0-based) unless another connection got there first. */
static proto_result apply_step(sqlite3 *db, int step)
{
	char sql[64];
	int version = 0;
	proto_result res = PROTO_EDB;

	/* IMMEDIATE takes the write lock before we re-read the version, so two
	 * processes opening a fresh store cannot both run the same step. */
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return PROTO_EDB;
	res = read_user_version(db, &version);
	if (res != PROTO_OK)
		goto fail;
	if (version > PROTO_SCHEMA_VERSION) {
		res = PROTO_ESCHEMA;
		goto fail;
	}
	if (version > step) { /* done meanwhile by someone else */
		res = PROTO_OK;
		goto fail;
	}
	res = PROTO_EDB;
	if (sqlite3_exec(db, migration_steps[step], NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", step + 1);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return PROTO_OK;
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return res;
}

proto_result proto_schema_migrate(sqlite3 *db)
{
	int version = 0;
	proto_result res;

	if (!db)
		return PROTO_EINVAL;
	/* Each step is its own transaction: it cannot nest in the caller's. */
	if (!sqlite3_get_autocommit(db))
		return PROTO_EINVAL;
	res = read_user_version(db, &version);
	if (res != PROTO_OK)
		return res;
	if (version < 0 || version > PROTO_SCHEMA_VERSION)
		return PROTO_ESCHEMA;
	for (int step = version; step < (int)NSTEPS; step++) {
		res = apply_step(db, step);
		if (res != PROTO_OK)
			return res;
	}
	return PROTO_OK;
}

/* Run a PRAGMA that returns one text row and check the answer. */
static proto_result pragma_expect(sqlite3 *db, const char *sql, const char *want, const char *also_ok)
{
	sqlite3_stmt *st = NULL;
	proto_result res = PROTO_EDB;
	const char *got;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	got = (const char *)sqlite3_column_text(st, 0);
	if (got && (sqlite3_stricmp(got, want) == 0 || (also_ok && sqlite3_stricmp(got, also_ok) == 0)))
		res = PROTO_OK;
out:
	sqlite3_finalize(st);
	return res;
}

/* A new database file is created readable by its owner only, whatever the
 * umask: it holds households' personal data (SQLite's journal and WAL take
 * the database file's mode). ":memory:" and URIs are SQLite's to open. */
static void create_owner_only(const char *path)
{
	int fd;

	if (path[0] == ':' || strncmp(path, "file:", 5) == 0)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return; /* there already, or SQLite will say why it cannot open it */
	(void)fchmod(fd, 0600);
	close(fd);
}

proto_result proto_db_open(const char *path, sqlite3 **out)
{
	return proto_db_open_why(path, out, NULL, 0);
}

proto_result proto_db_open_why(const char *path, sqlite3 **out, char *why, size_t n)
{
	sqlite3 *db = NULL;
	int version = 0;
	proto_result res = PROTO_EDB;

	if (!out)
		return PROTO_EINVAL;
	*out = NULL;
	if (!path || !*path)
		return PROTO_EINVAL;
	create_owner_only(path);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_extended_result_codes(db, 1);
	if (sqlite3_busy_timeout(db, 5000) != SQLITE_OK)
		goto fail;
	/* Check the version before anything writes to the file: a newer store
	 * (or a file that is not SQLite at all) must be left exactly as it was. */
	res = read_user_version(db, &version);
	if (res != PROTO_OK)
		goto fail;
	if (version < 0 || version > PROTO_SCHEMA_VERSION) {
		res = PROTO_ESCHEMA;
		goto fail;
	}
	res = PROTO_EDB;
	/* An in-memory database answers "memory"; that is fine for tests. */
	if (pragma_expect(db, "PRAGMA journal_mode = WAL", "wal", "memory") != PROTO_OK)
		goto fail;
	if (sqlite3_exec(db, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON", NULL, NULL, NULL) !=
	    SQLITE_OK)
		goto fail;
	res = proto_schema_migrate(db);
	if (res != PROTO_OK)
		goto fail;
	*out = db;
	return PROTO_OK;
fail:
	if (why && n) /* the handle, and SQLite's words with it, goes now */
		snprintf(why, n, "%s", db ? sqlite3_errmsg(db) : "out of memory");
	sqlite3_close(db);
	return res;
}

proto_result proto_db_guard(sqlite3 *db, int on)
{
	char sql[64];

	if (!db)
		return PROTO_EINVAL;
	snprintf(sql, sizeof(sql), "UPDATE proto_rule_guard SET enforce = %d", on ? 1 : 0);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK || sqlite3_changes(db) != 1)
		return PROTO_EDB;
	return PROTO_OK;
}
