/*
 * test_epoch.c - the ledger epoch (hub/epoch.c, docs/SYNC.md "After the hub
 * was restored"): where a pull starts for a laptop of each epoch (the
 * current one, an older one, one after two restores, one the history does
 * not hold, none at all), and the epochs in hub_meta: made by the open of a
 * new or an older hub.db (the migration), kept by the next open, a new one
 * per restore with its restore point, the oldest forgotten past the cap.
 * Runs on an in-memory store with the hub's tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "epoch.h"
#include "schema.h"
#include "store.h"
#include "testmain.h"

#define E0 "00000000000000a0"
#define E1 "00000000000000a1"
#define E2 "00000000000000a2"

/* the pure choice of where a pull starts */
static void test_start(void **state)
{
	const char *one = E0 ":-";
	const char *restored = E0 ":- " E1 ":40";
	const char *twice = E0 ":- " E1 ":40 " E2 ":55";

	(void)state;
	/* an older agent names no epoch: its cursor, as before epochs */
	assert_int_equal(hub_epoch_start(twice, "", 90), 90);
	assert_int_equal(hub_epoch_start(twice, NULL, 90), 90);
	/* the current epoch: the cursor holds */
	assert_int_equal(hub_epoch_start(one, E0, 90), 90);
	assert_int_equal(hub_epoch_start(restored, E1, 90), 90);
	/* an older epoch: from the restore point, never past the cursor */
	assert_int_equal(hub_epoch_start(restored, E0, 90), 40);
	assert_int_equal(hub_epoch_start(restored, E0, 12), 12);
	assert_int_equal(hub_epoch_start(restored, E0, 40), 40);
	/* two restores since: the lower point (the first restore's rows after
	 * 40 are not the ones before it) */
	assert_int_equal(hub_epoch_start(twice, E0, 90), 40);
	assert_int_equal(hub_epoch_start(twice, E1, 90), 55);
	assert_int_equal(hub_epoch_start(twice, E2, 90), 90);
	/* an epoch this ledger never had, or forgot: from the start */
	assert_int_equal(hub_epoch_start(twice, "00000000000000ff", 90), 0);
	assert_int_equal(hub_epoch_start("", E0, 90), 0);
	/* a restore of an empty ledger: from the start for the older epochs */
	assert_int_equal(hub_epoch_start(E0 ":- " E1 ":0", E0, 90), 0);
	/* a history that does not read is not trusted for the current epoch */
	assert_int_equal(hub_epoch_start("garbage", E0, 90), 0);
}

static void test_valid(void **state)
{
	(void)state;
	assert_true(hub_epoch_valid("0123456789abcdef"));
	assert_false(hub_epoch_valid("0123456789ABCDEF"));
	assert_false(hub_epoch_valid("0123456789abcde"));
	assert_false(hub_epoch_valid("0123456789abcdef0"));
	assert_false(hub_epoch_valid("0123456789abcdeg"));
	assert_false(hub_epoch_valid(""));
	assert_false(hub_epoch_valid(NULL));
}

static sqlite3 *open_hub(void)
{
	sqlite3 *db = NULL;

	assert_int_equal(proto_db_open(":memory:", &db), PROTO_OK);
	assert_int_equal(hub_store_migrate(db), HUB_OK);
	return db;
}

static void meta(sqlite3 *db, const char *key, char *out, size_t n)
{
	bool found;

	assert_int_equal(hub_meta_get(db, key, out, n, &found), HUB_OK);
	if (!found)
		out[0] = '\0';
}

/* a new hub.db, an older one without an epoch, and the next open */
static void test_migration(void **state)
{
	char epoch[HUB_EPOCH_LEN + 1], again[HUB_EPOCH_LEN + 1], hist[HUB_EPOCHS_TEXT], want[64];
	sqlite3 *db = open_hub();

	(void)state;
	assert_int_equal(hub_epoch_get(db, epoch, hist, sizeof(hist)), HUB_OK);
	assert_true(hub_epoch_valid(epoch));
	snprintf(want, sizeof(want), "%s:-", epoch);
	assert_string_equal(hist, want);
	/* the next open keeps it */
	assert_int_equal(hub_store_migrate(db), HUB_OK);
	assert_int_equal(hub_epoch_get(db, again, NULL, 0), HUB_OK);
	assert_string_equal(again, epoch);
	/* a hub.db from before epochs: none in hub_meta, one at open */
	assert_int_equal(sqlite3_exec(db,
				      "DELETE FROM hub_meta WHERE key IN ('ledger_epoch', 'ledger_epochs')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(hub_epoch_get(db, again, NULL, 0), HUB_EDB);
	assert_int_equal(hub_store_migrate(db), HUB_OK);
	assert_int_equal(hub_epoch_get(db, again, hist, sizeof(hist)), HUB_OK);
	assert_true(hub_epoch_valid(again));
	assert_string_not_equal(again, epoch);
	snprintf(want, sizeof(want), "%s:-", again);
	assert_string_equal(hist, want);
	sqlite3_close(db);
}

/* restores: a new epoch with its point; pulls of the old one start there */
static void test_restores(void **state)
{
	char first[HUB_EPOCH_LEN + 1], now[HUB_EPOCH_LEN + 1], hist[HUB_EPOCHS_TEXT], text[32];
	sqlite3 *db = open_hub();
	int64_t after;
	uint64_t acked;
	int i;

	(void)state;
	assert_int_equal(hub_epoch_get(db, first, NULL, 0), HUB_OK);
	assert_int_equal(hub_epoch_new(db, 7), HUB_OK);
	assert_int_equal(hub_epoch_get(db, now, hist, sizeof(hist)), HUB_OK);
	assert_string_not_equal(now, first);
	meta(db, HUB_META_RESTORED_AT, text, sizeof(text));
	assert_string_equal(text, "7");
	after = 30;
	assert_int_equal(hub_epoch_pull(db, 42, first, &after, now, &acked), HUB_OK);
	assert_int_equal(after, 7);
	assert_int_equal(acked, 0); /* agent 42 has no change-set here */
	after = 30;
	assert_int_equal(hub_epoch_pull(db, 42, now, &after, now, &acked), HUB_OK);
	assert_int_equal(after, 30);
	/* past the cap the oldest epochs are forgotten: from the start */
	for (i = 0; i < HUB_EPOCHS_MAX + 3; i++)
		assert_int_equal(hub_epoch_new(db, 100 + i), HUB_OK);
	assert_int_equal(hub_epoch_get(db, now, hist, sizeof(hist)), HUB_OK);
	{
		int n = 0;
		for (const char *p = hist; *p; p++)
			n += *p == ':';
		assert_int_equal(n, HUB_EPOCHS_MAX);
	}
	assert_null(strstr(hist, first));
	after = 300;
	assert_int_equal(hub_epoch_pull(db, 42, first, &after, now, &acked), HUB_OK);
	assert_int_equal(after, 0);
	sqlite3_close(db);
}

TEST_MAIN(cmocka_unit_test(test_start), cmocka_unit_test(test_valid), cmocka_unit_test(test_migration),
	  cmocka_unit_test(test_restores))
