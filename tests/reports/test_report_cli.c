/*
 * test_report_cli.c - the commands through the real maiam-hub binary:
 * "reconcile resolve --keep loser" turns the losing value of a conflict into
 * a signed hub edit that wins (and is in the ledger for the laptops), the
 * resolution is recorded and the conflict row kept; report exit codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hub.h"
#include "report.h"
#include "reptest.h"
#include "testutil.h"
#include "testmain.h"

/* "maiam-hub ARGS --dir DIR", quiet; its exit code */
static int run(const char *dir, const char *args)
{
	char cmd[2048];
	int rc;

	snprintf(cmd, sizeof(cmd), "'%s' %s --dir '%s' >/dev/null 2>&1", MAIAM_HUB_BIN, args, dir);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static long long one(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void test_keep_loser(void **state)
{
	char *dir = test_mkdtemp(), path[1024], err[256];
	sqlite3 *db;
	rt_batch a, b;
	proto_id h;
	long long ledger;
	sqlite3_stmt *st;

	(void)state;
	assert_int_equal(run(dir, "init"), 0);
	snprintf(path, sizeof(path), "%s/hub.db", dir);
	assert_int_equal(proto_db_open(path, &db), PROTO_OK);
	assert_int_equal(hub_report_migrate(db, err, sizeof(err)), HUB_OK);
	rt_batch_init(&a, 0x0e0e0e0e0e0e0e0eull);
	h = rt_household(&a, 9199, "Lâm Văn A", NULL, "proposed");
	rt_flush(&a, db);
	rt_batch_init(&b, 0x0f0f0f0f0f0f0f0full);
	b.stamp = a.stamp + 10;
	rt_household_set(&b, h, PROTO_HH_NAME, "Lâm Văn B", 0); /* concurrent: B wins */
	rt_flush(&b, db);
	assert_int_equal(one(db, "SELECT count(*) FROM conflict"), 1);
	ledger = one(db, "SELECT count(*) FROM hub_ledger");
	sqlite3_close(db);

	assert_int_equal(run(dir, "reconcile resolve C-1 --note 'theo CCCD' --keep loser --by lan"), 0);
	assert_int_equal(run(dir, "reconcile resolve C-1 --note again"), 1);
	assert_int_equal(run(dir, "reconcile resolve C-1 --note x --keep neither"), 2);
	assert_int_equal(run(dir, "report awards --as-of 2023-02-30"), 2);

	assert_int_equal(proto_db_open(path, &db), PROTO_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM household", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "Lâm Văn A");
	sqlite3_finalize(st);
	assert_int_equal(one(db, "SELECT count(*) FROM hub_ledger"), ledger + 1); /* signed edit */
	assert_int_equal(one(db, "SELECT count(*) FROM conflict"), 1);            /* kept */
	assert_int_equal(one(db, "SELECT count(*) FROM report_resolution WHERE item = 'C-1'"
				 " AND resolved_by = 'lan' AND keep = 'loser'"),
			 1);
	/* the same change-set signs who resolved it, about the household */
	assert_int_equal(one(db, "SELECT count(*) FROM decision d JOIN household h"
				 " ON h.id_origin = d.target_origin AND h.id_serial = d.target_serial"
				 " WHERE d.item = 'C-1' AND d.operator = 'lan' AND d.action = 'resolved'"
				 " AND d.keep = 'loser' AND d.note = 'theo CCCD'"),
			 1);
	sqlite3_close(db);
	rt_batch_release(&a);
	rt_batch_release(&b);
	test_rmtree(dir);
	free(dir);
}

TEST_MAIN(cmocka_unit_test(test_keep_loser))
