/*
 * test_hub_batch.c - group commit: pushes that queue while the writer is busy
 * are merged in one transaction, each in its own savepoint. One of them is
 * rejected by the checks (out of its agent's area); another fails inside its
 * merge (a trigger the test adds to hub.db refuses its households, standing
 * for any database error mid-merge) and must be undone alone. Neither lands;
 * every other push is answered 'applied' and is in the ledger. And the WAL
 * those pushes filled is checkpointed into hub.db while the hub keeps serving
 * (the checkpointer thread: the writer no longer does it).
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <sqlite3.h>
#include "hubtest.h"
#include "testmain.h"

#define COMMUNE 31498
#define OTHER_COMMUNE 31501
#define NPUSH 8
#define BAD 3    /* the push that is out of its agent's area */
#define POISON 5 /* the push whose merge fails */

static ht_hub hub;

typedef struct pusher {
	ht_agent a;
	proto_buf sealed;
	ht_resp r;
	int rc;
} pusher;

static pusher big, small[NPUSH];

static int group_setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return ht_hub_init(&hub) || ht_hub_start(&hub, "--max-records 65536") ? -1 : 0;
}

static int group_teardown(void **state)
{
	char cmd[400];
	(void)state;
	ht_hub_stop(&hub, SIGTERM);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", hub.dir);
	curl_global_cleanup();
	return system(cmd) == 0 ? 0 : -1;
}

static void *send_push(void *arg)
{
	pusher *p = arg;
	p->rc = ht_request(&hub, &p->a, "POST", "/v1/push", p->sealed.data, p->sealed.len, &p->r);
	return NULL;
}

static void enrol(pusher *p, const char *name)
{
	assert_int_equal(ht_agent_enrol(&hub, &p->a, name, COMMUNE), 0);
	proto_buf_init(&p->sealed, 1 << 25);
}

static long long db_file_size(void)
{
	char path[400];
	struct stat st;

	snprintf(path, sizeof(path), "%s/hub/hub.db", hub.dir);
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Run one statement on the hub's database beside the running hub. */
static void hub_exec(const char *sql)
{
	char path[400];
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/hub/hub.db", hub.dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_one_rejected_in_a_batch(void **state)
{
	char sql[300];
	struct timespec pause = { 0, 150 * 1000 * 1000 };
	long long before, after = 0;
	pthread_t tbig, t[NPUSH];
	char name[16];
	int i;

	(void)state;
	before = db_file_size();
	assert_true(before > 0);
	/* a large change-set keeps the writer busy while the small ones queue */
	enrol(&big, "big");
	assert_int_equal(ht_households(&big.a, NULL, COMMUNE, 20000, &big.sealed, 0), 0);
	for (i = 0; i < NPUSH; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		enrol(&small[i], name);
		assert_int_equal(ht_households(&small[i].a, NULL, i == BAD ? OTHER_COMMUNE : COMMUNE, 5,
					       &small[i].sealed, 0),
				 0);
	}
	snprintf(sql, sizeof(sql),
		 "CREATE TRIGGER test_poison BEFORE INSERT ON household"
		 " WHEN NEW.id_origin = %lld BEGIN SELECT RAISE(ABORT, 'poisoned by the test'); END",
		 (long long)proto_u2i(small[POISON].a.id));
	hub_exec(sql);
	assert_int_equal(pthread_create(&tbig, NULL, send_push, &big), 0);
	nanosleep(&pause, NULL);
	for (i = 0; i < NPUSH; i++)
		assert_int_equal(pthread_create(&t[i], NULL, send_push, &small[i]), 0);
	pthread_join(tbig, NULL);
	for (i = 0; i < NPUSH; i++)
		pthread_join(t[i], NULL);

	assert_int_equal(big.rc, 0);
	assert_int_equal(big.r.status, 200);
	for (i = 0; i < NPUSH; i++) {
		assert_int_equal(small[i].rc, 0);
		if (i == BAD) {
			assert_int_equal(small[i].r.status, 403);
			assert_non_null(strstr(small[i].r.body, "\"error\": \"out_of_scope\""));
			assert_non_null(strstr(small[i].r.body, "\"chained\": true"));
		} else if (i == POISON) {
			assert_int_equal(small[i].r.status, 500);
			assert_non_null(strstr(small[i].r.body, "\"error\": \"internal\""));
		} else {
			assert_int_equal(small[i].r.status, 200);
			assert_non_null(strstr(small[i].r.body, "\"status\": \"applied\""));
		}
	}
	/* exactly the accepted ones landed, and the rejection is kept */
	assert_true(ht_sql(&hub, "SELECT count(*) FROM hub_ledger") == 1 + NPUSH - 2);
	assert_true(ht_sql(&hub, "SELECT count(*) FROM household") == 20000 + 5 * (NPUSH - 2));
	assert_true(ht_sql(&hub, "SELECT count(*) FROM household WHERE commune = 31501") == 0);
	assert_true(ht_sql(&hub, "SELECT count(*) FROM hub_rejection WHERE code = 'out_of_scope'") == 1);
	assert_true(ht_sql(&hub, "SELECT count(DISTINCT ledger) FROM hub_ledger_area") == 1 + NPUSH - 2);
	/* nothing of the failed merge is left: no milestone, stamp or counter row */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM household_stamp WHERE id_origin = %lld",
		 (long long)proto_u2i(small[POISON].a.id));
	assert_true(ht_sql(&hub, sql) == 0);

	/* the checkpointer copies the WAL's pages into hub.db while the hub runs
	 * (nothing else here could: the test's own connections only read until
	 * the next statement); 20,000 households are several MB */
	for (i = 0; i < 100 && after < before + (2 << 20); i++) {
		after = db_file_size();
		nanosleep(&pause, NULL);
	}
	if (after < before + (2 << 20))
		fail_msg("hub.db grew from %lld to %lld bytes only: the WAL was not checkpointed",
			 before, after);

	/* the database is healed: the same bytes again land whole */
	hub_exec("DROP TRIGGER test_poison");
	ht_resp_free(&small[POISON].r);
	send_push(&small[POISON]);
	assert_int_equal(small[POISON].r.status, 200);
	assert_non_null(strstr(small[POISON].r.body, "\"status\": \"applied\""));

	/* the refused change-set holds its place in the laptop's chain (a refused
	 * link, written in the batch's savepoint): the next one follows it */
	assert_true(ht_sql(&hub, "SELECT count(*) FROM hub_refused") == 1);
	ht_resp_free(&small[BAD].r);
	proto_buf_reset(&small[BAD].sealed);
	assert_int_equal(ht_households(&small[BAD].a, NULL, COMMUNE, 5, &small[BAD].sealed, 0), 0);
	send_push(&small[BAD]);
	assert_int_equal(small[BAD].r.status, 200);
	assert_true(ht_sql(&hub, "SELECT count(*) FROM hub_ledger") == 1 + NPUSH);
	assert_true(ht_sql(&hub, "SELECT count(*) FROM household") == 20000 + 5 * NPUSH);

	ht_resp_free(&big.r);
	proto_buf_release(&big.sealed);
	ht_agent_free(&big.a);
	for (i = 0; i < NPUSH; i++) {
		ht_resp_free(&small[i].r);
		proto_buf_release(&small[i].sealed);
		ht_agent_free(&small[i].a);
	}
}

TEST_MAIN_WITH(group_setup, group_teardown, cmocka_unit_test(test_one_rejected_in_a_batch))
