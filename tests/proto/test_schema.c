/*
 * test_schema.c - proto_db_open creates the shared tables once, with the
 * durability settings every store relies on, and refuses what it cannot read:
 * a newer schema or a file that is not SQLite, leaving that file untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "maiam/schema.h"
#include "protofix.h"
#include "testmain.h"

/* Every schema object's SQL, in name order: equal strings = same schema. */
static char *schema_dump(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	size_t len = 0;
	char *out = calloc(1, 1);

	assert_non_null(out);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT type || ' ' || name || ' ' || "
					    "coalesce(sql, '') FROM sqlite_master ORDER BY name",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *row = (const char *)sqlite3_column_text(st, 0);
		size_t n = strlen(row);
		char *p = realloc(out, len + n + 2);

		assert_non_null(p);
		out = p;
		memcpy(out + len, row, n);
		out[len + n] = '\n';
		out[len + n + 1] = '\0';
		len += n + 1;
	}
	sqlite3_finalize(st);
	return out;
}

/* Write a store as another program (or an older version) would: sql run
 * on path with plain SQLite, nothing of proto_db_open. */
static void write_raw(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void fresh_store_has_every_table(void **state)
{
	struct protofix *f = *state;
	static const char *const tables[] = { "household",    "household_stamp", "milestone",
					      "contribution", "void_event",      "photo",
					      "decision",     "conflict" };
	static const char *const indexes[] = {
		"household_national_id",  "household_commune", "milestone_household_stage",
		"contribution_household", "void_event_target", "photo_target",
		"photo_sha256",           "decision_target",   "decision_item",
		"decision_action"
	};
	sqlite3 *db = NULL;
	char sql[256], mode[32];

	assert_int_equal(proto_db_open(f->path, &db), PROTO_OK);
	assert_non_null(db);
	assert_int_equal(protofix_query_int(db, "PRAGMA user_version"), PROTO_SCHEMA_VERSION);
	assert_int_equal(PROTO_SCHEMA_VERSION, 8);
	/* the guard behind the rulebook is there, and off until a program turns it on */
	assert_int_equal(protofix_query_int(db, "SELECT enforce FROM proto_rule_guard"), 0);
	assert_int_equal(protofix_query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
						" AND name LIKE 'proto_guard_%'"),
			 4);
	assert_int_equal(protofix_query_int(db, "SELECT count(*) FROM pragma_table_info('household_stamp')"
						" WHERE name = 'base'"),
			 1);
	assert_int_equal(protofix_query_int(db, "SELECT count(*) FROM pragma_table_info('household')"
						" WHERE name = 'withdrawn'"),
			 1);
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'",
			 tables[i]);
		assert_int_equal(protofix_query_int(db, sql), 1);
	}
	for (size_t i = 0; i < sizeof(indexes) / sizeof(indexes[0]); i++) {
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '%s'",
			 indexes[i]);
		assert_int_equal(protofix_query_int(db, sql), 1);
	}
	/* step 8's index begins with the household: the one before it is gone */
	assert_int_equal(protofix_query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
						" AND name = 'milestone_household'"),
			 0);
	/* every household field of the field table has its column */
	for (uint8_t fid = 1; fid <= PROTO_HH_NFIELDS; fid++) {
		const proto_field_desc *d = proto_field_lookup(PROTO_KIND_HOUSEHOLD, fid);

		assert_non_null(d);
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM pragma_table_info('household') WHERE name = '%s'",
			 d->column);
		assert_int_equal(protofix_query_int(db, sql), 1);
	}
	protofix_query_text(db, "PRAGMA journal_mode", mode, sizeof(mode));
	assert_string_equal(mode, "wal");
	assert_int_equal(protofix_query_int(db, "PRAGMA synchronous"), 2); /* FULL */
	assert_int_equal(protofix_query_int(db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(protofix_query_int(db, "PRAGMA busy_timeout"), 5000);
	sqlite3_close(db);
}

static void reopening_changes_nothing(void **state)
{
	struct protofix *f = *state;
	sqlite3 *db = NULL;
	char *before, *after;

	assert_int_equal(proto_db_open(f->path, &db), PROTO_OK);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO household(id_origin, id_serial, name)"
				      " VALUES (7, 1, 'Lê Văn Tám')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	before = schema_dump(db);
	sqlite3_close(db);

	assert_int_equal(proto_db_open(f->path, &db), PROTO_OK);
	after = schema_dump(db);
	assert_string_equal(before, after);
	assert_int_equal(protofix_query_int(db, "PRAGMA user_version"), PROTO_SCHEMA_VERSION);
	assert_int_equal(protofix_query_int(db, "SELECT count(*) FROM household"), 1);
	/* migrating an up-to-date store directly is a no-op too */
	assert_int_equal(proto_schema_migrate(db), PROTO_OK);
	free(after);
	after = schema_dump(db);
	assert_string_equal(before, after);
	free(before);
	free(after);
	sqlite3_close(db);
}

static void newer_store_is_refused_untouched(void **state)
{
	struct protofix *f = *state;
	sqlite3 *db = NULL;
	char mode[32];

	write_raw(f->path, "CREATE TABLE future(x); PRAGMA user_version = 99");
	db = (sqlite3 *)1;
	assert_int_equal(proto_db_open(f->path, &db), PROTO_ESCHEMA);
	assert_null(db);

	/* still version 99, still in its old journal mode, no tables added */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(protofix_query_int(db, "PRAGMA user_version"), 99);
	protofix_query_text(db, "PRAGMA journal_mode", mode, sizeof(mode));
	assert_string_equal(mode, "delete");
	assert_int_equal(protofix_query_int(db, "SELECT count(*) FROM sqlite_master"), 1);
	assert_int_equal(proto_schema_migrate(db), PROTO_ESCHEMA);
	sqlite3_close(db);
}

static void garbage_file_is_refused_untouched(void **state)
{
	struct protofix *f = *state;
	static const char junk[] = "this is a commune spreadsheet, not a database\n"
				   "................................................................"
				   "................................................................";
	char back[sizeof(junk)];
	sqlite3 *db = NULL;
	FILE *fp;

	fp = fopen(f->path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(junk, 1, sizeof(junk), fp), sizeof(junk));
	fclose(fp);

	assert_int_equal(proto_db_open(f->path, &db), PROTO_EDB);
	assert_null(db);
	fp = fopen(f->path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(back, 1, sizeof(back), fp), sizeof(junk));
	assert_int_equal(fgetc(fp), EOF);
	fclose(fp);
	assert_memory_equal(back, junk, sizeof(junk));
}

/* A failing step leaves no half-made schema behind and the version unchanged. */
static void failed_migration_is_atomic(void **state)
{
	struct protofix *f = *state;
	sqlite3 *db = NULL;

	/* a program's own table that happens to take one of our index names */
	write_raw(f->path, "CREATE TABLE household_commune(x)");
	assert_int_equal(proto_db_open(f->path, &db), PROTO_EDB);
	assert_null(db);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(protofix_query_int(db, "PRAGMA user_version"), 0);
	assert_int_equal(protofix_query_int(db, "SELECT count(*) FROM sqlite_master"), 1);
	sqlite3_close(db);
}

static void bad_arguments(void **state)
{
	struct protofix *f = *state;
	sqlite3 *db = (sqlite3 *)1;

	assert_int_equal(proto_db_open(NULL, &db), PROTO_EINVAL);
	assert_null(db);
	assert_int_equal(proto_db_open("", &db), PROTO_EINVAL);
	assert_int_equal(proto_db_open(f->path, NULL), PROTO_EINVAL);
	assert_int_equal(proto_schema_migrate(NULL), PROTO_EINVAL);
	/* a directory that does not exist */
	assert_int_equal(proto_db_open("/nonexistent-maiam-dir/x.db", &db), PROTO_EDB);
	assert_null(db);

	/* migration runs its own transactions: refused inside the caller's */
	assert_int_equal(proto_db_open(f->path, &db), PROTO_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(proto_schema_migrate(db), PROTO_EINVAL);
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* A store written by version 1 (no stamp bases) keeps its rows and gains base 0. */
static void version_1_store_migrates(void **state)
{
	struct protofix *f = *state;
	sqlite3 *db = NULL;

	write_raw(f->path,
		  "CREATE TABLE household (id_origin INTEGER, id_serial INTEGER, name TEXT, members INTEGER);"
		  "CREATE TABLE contribution (id_origin INTEGER, id_serial INTEGER, money_vnd INTEGER,"
		  " labour_days INTEGER, material_value_vnd INTEGER);"
		  "CREATE TABLE milestone (id_origin INTEGER, id_serial INTEGER, household_origin INTEGER,"
		  " household_serial INTEGER, stage TEXT, date TEXT);"
		  "CREATE INDEX milestone_household ON milestone(household_origin, household_serial);"
		  "CREATE TABLE household_stamp (id_origin INTEGER NOT NULL, id_serial INTEGER NOT NULL,"
		  " field INTEGER NOT NULL CHECK (field BETWEEN 1 AND 63),"
		  " stamp INTEGER NOT NULL CHECK (stamp <> 0), writer INTEGER NOT NULL,"
		  " PRIMARY KEY (id_origin, id_serial, field)) WITHOUT ROWID;"
		  "INSERT INTO household_stamp VALUES (7, 1, 2, 12345, 7);"
		  "PRAGMA user_version = 1");
	assert_int_equal(proto_db_open(f->path, &db), PROTO_OK);
	assert_int_equal(protofix_query_int(db, "PRAGMA user_version"), PROTO_SCHEMA_VERSION);
	assert_int_equal(protofix_query_int(db, "SELECT stamp FROM household_stamp WHERE id_origin = 7"),
			 12345);
	assert_int_equal(protofix_query_int(db, "SELECT base FROM household_stamp WHERE id_origin = 7"),
			 0);
	/* step 8: the milestones' index by household and stage replaces the old one */
	assert_int_equal(protofix_query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
						" AND name IN ('milestone_household_stage', 'milestone_household')"
						" AND tbl_name = 'milestone'"),
			 1);
	assert_int_equal(protofix_query_int(db, "SELECT count(*) FROM pragma_index_info("
						"'milestone_household_stage')"),
			 4);
	sqlite3_close(db);
}

/* The primary result code (proto_db_open turns extended codes on). */
static int exec_rc(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) & 0xff;
}

/* The guard: with it on, SQL itself refuses what the rulebook refuses
 * (members outside 1..99, negative or fractional amounts), at the bound and
 * one past it; with it off (the default), such rows are taken as they come. */
static void guard_refuses_bad_values(void **state)
{
	struct protofix *f = *state;
	sqlite3 *db = NULL;

	assert_int_equal(proto_db_open(f->path, &db), PROTO_OK);
	/* off: a replay of what was accepted before the rulebook goes in */
	assert_int_equal(exec_rc(db,
				 "INSERT INTO household(id_origin, id_serial, members) VALUES (1, 1, -7)"),
			 SQLITE_OK);
	assert_int_equal(exec_rc(db, "INSERT INTO contribution(id_origin, id_serial, stamp, writer, money_vnd)"
				     " VALUES (1, 1, 1, 1, -5)"),
			 SQLITE_OK);
	assert_int_equal(proto_db_guard(db, 1), PROTO_OK);
	assert_int_equal(protofix_query_int(db, "SELECT enforce FROM proto_rule_guard"), 1);

	/* members: whole numbers 1..99 or none, on insert and update alike; an
	 * INSERT OR IGNORE does not get round the guard */
	static const struct {
		const char *sql;
		int rc;
	} members[] = {
		{ "INSERT INTO household(id_origin, id_serial, members) VALUES (1, 2, 0)",
		  SQLITE_CONSTRAINT },
		{ "INSERT INTO household(id_origin, id_serial, members) VALUES (1, 2, 100)",
		  SQLITE_CONSTRAINT },
		{ "INSERT INTO household(id_origin, id_serial, members) VALUES (1, 2, 4.5)",
		  SQLITE_CONSTRAINT },
		{ "INSERT OR IGNORE INTO household(id_origin, id_serial, members) VALUES (1, 2, -1)",
		  SQLITE_CONSTRAINT },
		{ "INSERT INTO household(id_origin, id_serial, members) VALUES (1, 2, 1)", SQLITE_OK },
		{ "INSERT INTO household(id_origin, id_serial, members) VALUES (1, 3, 99)", SQLITE_OK },
		{ "INSERT INTO household(id_origin, id_serial, members) VALUES (1, 4, NULL)", SQLITE_OK },
		{ "UPDATE household SET members = 100 WHERE id_serial = 3", SQLITE_CONSTRAINT },
		{ "UPDATE household SET members = 0 WHERE id_serial = 3", SQLITE_CONSTRAINT },
		{ "UPDATE household SET members = 98 WHERE id_serial = 3", SQLITE_OK },
	};
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		int rc = exec_rc(db, members[i].sql);

		if (rc != members[i].rc)
			fail_msg("'%s' gave %d, want %d", members[i].sql, rc, members[i].rc);
		if (rc == SQLITE_CONSTRAINT) {
			assert_int_equal(sqlite3_extended_errcode(db), SQLITE_CONSTRAINT_TRIGGER);
			assert_non_null(strstr(sqlite3_errmsg(db), "members"));
		}
	}
	/* the old row stays readable and editable in its other fields */
	assert_int_equal(protofix_query_int(db, "SELECT members FROM household WHERE id_serial = 1"), -7);
	assert_int_equal(exec_rc(db, "UPDATE household SET name = 'Lê Thị Hoa' WHERE id_serial = 1"),
			 SQLITE_OK);
	assert_int_equal(exec_rc(db, "UPDATE household SET members = 3 WHERE id_serial = 1"), SQLITE_OK);

	static const char *const amounts[] = { "money_vnd", "labour_days", "material_value_vnd" };
	for (size_t i = 0; i < 3; i++) {
		char sql[256];

		snprintf(sql, sizeof(sql),
			 "INSERT INTO contribution(id_origin, id_serial, stamp, writer, %s)"
			 " VALUES (2, %zu, 1, 1, -1)",
			 amounts[i], 10 + i);
		assert_int_equal(exec_rc(db, sql), SQLITE_CONSTRAINT);
		snprintf(sql, sizeof(sql),
			 "INSERT INTO contribution(id_origin, id_serial, stamp, writer, %s)"
			 " VALUES (2, %zu, 1, 1, 0.5)",
			 amounts[i], 10 + i);
		assert_int_equal(exec_rc(db, sql), SQLITE_CONSTRAINT);
		snprintf(sql, sizeof(sql),
			 "INSERT INTO contribution(id_origin, id_serial, stamp, writer, %s)"
			 " VALUES (2, %zu, 1, 1, 0)",
			 amounts[i], 10 + i);
		assert_int_equal(exec_rc(db, sql), SQLITE_OK);
		snprintf(sql, sizeof(sql), "UPDATE contribution SET %s = -1 WHERE id_serial = %zu",
			 amounts[i], 10 + i);
		assert_int_equal(exec_rc(db, sql), SQLITE_CONSTRAINT);
	}
	assert_int_equal(exec_rc(db, "INSERT INTO contribution(id_origin, id_serial, stamp, writer, money_vnd)"
				     " VALUES (2, 20, 1, 1, 9223372036854775807)"),
			 SQLITE_OK);
	assert_int_equal(protofix_query_int(db, "SELECT money_vnd FROM contribution WHERE id_serial = 1"),
			 -5);
	/* off again: replays go through */
	assert_int_equal(proto_db_guard(db, 0), PROTO_OK);
	assert_int_equal(exec_rc(db,
				 "INSERT INTO household(id_origin, id_serial, members) VALUES (1, 9, 0)"),
			 SQLITE_OK);
	assert_int_equal(proto_db_guard(NULL, 1), PROTO_EINVAL);
	sqlite3_close(db);
}

/* A store of version 2 holding rows the rulebook would refuse opens,
 * migrates to 3 and keeps them; the guard then refuses only new bad values. */
static void version_2_store_with_bad_rows_migrates(void **state)
{
	struct protofix *f = *state;
	sqlite3 *db = NULL;

	/* a version 2 store is a current store without the objects of steps 3 to 6 */
	assert_int_equal(proto_db_open(f->path, &db), PROTO_OK);
	sqlite3_close(db);
	write_raw(f->path,
		  "DROP TABLE decision;"
		  "DROP TABLE photo;"
		  "ALTER TABLE household DROP COLUMN withdrawn;"
		  "DROP TRIGGER proto_guard_members_insert; DROP TRIGGER proto_guard_members_update;"
		  "DROP TRIGGER proto_guard_amounts_insert; DROP TRIGGER proto_guard_amounts_update;"
		  "DROP TABLE proto_rule_guard;"
		  "INSERT INTO household(id_origin, id_serial, name, members) VALUES (5, 1, 'A', -7);"
		  "INSERT INTO contribution(id_origin, id_serial, stamp, writer, money_vnd, labour_days)"
		  " VALUES (5, 2, 1, 5, -9223372036854775807, -3);"
		  "PRAGMA user_version = 2");

	assert_int_equal(proto_db_open(f->path, &db), PROTO_OK);
	assert_int_equal(protofix_query_int(db, "PRAGMA user_version"), PROTO_SCHEMA_VERSION);
	assert_int_equal(protofix_query_int(db, "SELECT members FROM household WHERE id_origin = 5"), -7);
	/* step 6: no decision was signed with a name before it */
	assert_int_equal(protofix_query_int(db, "SELECT count(*) FROM decision"), 0);
	/* step 4: the rows kept count, as every household did before withdrawals */
	assert_int_equal(protofix_query_int(db, "SELECT count(*) FROM household WHERE withdrawn IS NULL"),
			 1);
	assert_int_equal(protofix_query_int(db, "SELECT labour_days FROM contribution WHERE id_origin = 5"),
			 -3);
	assert_int_equal(proto_db_guard(db, 1), PROTO_OK);
	assert_int_equal(protofix_query_int(db, "SELECT count(*) FROM household WHERE members < 1"), 1);
	assert_int_equal(exec_rc(db, "UPDATE household SET name = 'B' WHERE id_origin = 5"), SQLITE_OK);
	assert_int_equal(exec_rc(db,
				 "INSERT INTO household(id_origin, id_serial, members) VALUES (5, 3, -7)"),
			 SQLITE_CONSTRAINT);
	sqlite3_close(db);
	/* the setting is kept in the file */
	assert_int_equal(proto_db_open(f->path, &db), PROTO_OK);
	assert_int_equal(protofix_query_int(db, "SELECT enforce FROM proto_rule_guard"), 1);
	sqlite3_close(db);
}

TEST_MAIN(PROTOFIX_TEST(fresh_store_has_every_table), PROTOFIX_TEST(reopening_changes_nothing),
	  PROTOFIX_TEST(newer_store_is_refused_untouched),
	  PROTOFIX_TEST(garbage_file_is_refused_untouched), PROTOFIX_TEST(failed_migration_is_atomic),
	  PROTOFIX_TEST(bad_arguments), PROTOFIX_TEST(version_1_store_migrates),
	  PROTOFIX_TEST(guard_refuses_bad_values), PROTOFIX_TEST(version_2_store_with_bad_rows_migrates))
