/*
 * test_photo_near.c - the near-duplicate index's backfill (hub/photo_near.c)
 * on a hub database: photos stored before the index noted them are noted
 * in the order they were stored, at most the asked number per call, each
 * once; a photo no live record names yet, or without a dHash, is passed
 * over, and the record that names it later notes it (hub_photo_near_named);
 * a second call after the last photo changes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "maiam/proto.h"
#include "photo_near.h"
#include "schema.h"
#include "testmain.h"
#include "testutil.h"

static char *dir;
static sqlite3 *db;

static int setup(void **state)
{
	char path[512];

	(void)state;
	dir = test_mkdtemp();
	snprintf(path, sizeof(path), "%s/hub.db", dir);
	if (proto_db_open(path, &db) != PROTO_OK || hub_store_migrate(db) != HUB_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sqlite3_close(db);
	test_rmtree(dir);
	free(dir);
	return 0;
}

static void exec(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void exec(const char *fmt, ...)
{
	char sql[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
}

static int first_value(void *arg, int ncols, char **values, char **names)
{
	(void)names;
	*(long long *)arg = ncols > 0 && values[0] ? atoll(values[0]) : -1;
	return 0;
}

/* The single number sql answers (-1: none). */
static long long count(const char *sql)
{
	long long v = -1;

	assert_int_equal(sqlite3_exec(db, sql, first_value, &v, NULL), SQLITE_OK);
	return v;
}

/* Photo n's hash: 64 times the hex digit n. */
static const char *hash_of(int n, char hex[65])
{
	memset(hex, "0123456789abcdef"[n], 64);
	hex[64] = '\0';
	return hex;
}

/* A live record of household hh's naming photo n. */
static void record(int n, int hh)
{
	char hex[65];

	exec("INSERT INTO photo (id_origin, id_serial, stamp, writer, target_origin, target_serial,"
	     " target_kind, sha256) VALUES (2, %d, %d, 2, 1, %d, 1, '%s')",
	     n, n, hh, hash_of(n, hex));
}

/* Photo n of household hh (record 0: no record names it yet), its bytes
 * stored with dhash (< 0: none, a JPEG the hub could not read). */
static void photo(int n, int hh, int with_record, long long dhash)
{
	char hex[65];

	if (with_record)
		record(n, hh);
	hash_of(n, hex);
	if (dhash >= 0)
		exec("INSERT INTO hub_photo (sha256, bytes, stored_at, agent, dhash)"
		     " VALUES (x'%s', 1000, 1, 2, %lld)",
		     hex, dhash);
	else
		exec("INSERT INTO hub_photo (sha256, bytes, stored_at, agent) VALUES (x'%s', 1000, 1, 2)",
		     hex);
}

static void test_backfill_bounded_once(void **state)
{
	size_t noted;
	bool more;
	char hex[65];

	(void)state;
	exec("INSERT INTO household (id_origin, id_serial, name, commune) VALUES"
	     " (1, 1, 'Một', 31498), (1, 2, 'Hai', 31498), (1, 3, 'Ba', 31498)");
	/* 1 and 2 near (1 bit) on two households, 3 far, 4 with no record yet,
	 * 5 a JPEG the hub could not hash, 6 near 1 on the third household */
	photo(1, 1, 1, 0x1000);
	photo(2, 2, 1, 0x1001);
	photo(3, 2, 1, 0x7fff0000ffff);
	photo(4, 3, 0, 0x5a5a5a5a00000000);
	photo(5, 3, 1, -1);
	photo(6, 3, 1, 0x1003);
	/* two at a time, in the order stored */
	assert_int_equal(hub_photo_near_backfill(db, 2, &noted, &more), HUB_OK);
	assert_int_equal(noted, 2);
	assert_true(more);
	assert_int_equal(count("SELECT count(*) FROM photo_dhash"), 2);
	assert_int_equal(count("SELECT count(*) FROM hub_photo_near"), 1);
	assert_int_equal(count("SELECT CAST(value AS INTEGER) FROM hub_meta WHERE key = '" HUB_PHOTO_BACKFILL_KEY
			       "'"),
			 2);
	/* 3 noted; 4 (no record) and 5 (no dHash) passed over */
	assert_int_equal(hub_photo_near_backfill(db, 3, &noted, &more), HUB_OK);
	assert_int_equal(noted, 2); /* 3 and 4 handed over; 4 names no household */
	assert_int_equal(count("SELECT count(*) FROM photo_dhash"), 3);
	assert_int_equal(hub_photo_near_backfill(db, 100, &noted, &more), HUB_OK);
	assert_false(more);
	assert_int_equal(count("SELECT count(*) FROM photo_dhash"), 4);
	/* 6 found 1 and 2: pairs (2, 1), (6, 1), (6, 2) */
	assert_int_equal(count("SELECT count(*) FROM hub_photo_near"), 3);
	/* again: the cursor is past everything */
	assert_int_equal(hub_photo_near_backfill(db, 100, &noted, &more), HUB_OK);
	assert_int_equal(noted, 0);
	assert_false(more);
	/* the cursor went past 4; its record, when it comes, notes it */
	photo(7, 1, 0, -1); /* a later row: the table does not end at 4 */
	record(4, 3);
	assert_int_equal(hub_photo_near_named(db, hash_of(4, hex), 64), HUB_OK);
	assert_int_equal(count("SELECT count(*) FROM photo_dhash"), 5);
	/* a name that is no hash of the hub's, or bytes not stored: nothing */
	assert_int_equal(hub_photo_near_named(db, "not hex", 7), HUB_OK);
	assert_int_equal(hub_photo_near_named(db, hash_of(9, hex), 64), HUB_OK);
	assert_int_equal(count("SELECT count(*) FROM photo_dhash"), 5);
	/* noting again changes nothing, whichever way round a pair was found */
	assert_int_equal(hub_photo_near_named(db, hash_of(1, hex), 64), HUB_OK);
	assert_int_equal(count("SELECT count(*) FROM hub_photo_near"), 3);
}

TEST_MAIN_WITH(setup, teardown, cmocka_unit_test(test_backfill_bounded_once))
