/*
 * test_hub_audit.c - maiam-hub audit verify catches what an auditor fears:
 * a row of hub.db edited behind the ledger's back, a ledger row whose bytes
 * were altered (which pulls refuse to relay too), a ledger row deleted from a
 * chain. A clean hub passes, with
 * the hub's own decisions (approve) in its own chain.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "hubtest.h"
#include "testmain.h"

#define COMMUNE 31498 /* Phường 5, Thành phố Sóc Trăng */

static ht_hub hub;
static ht_agent agent;
static char out[16384];

/* Write to hub.db directly, as someone with shell access to the server could. */
static void tamper(const char *sql)
{
	char path[512];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/hub/hub.db", hub.dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("tamper '%s': %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

static int audit(void)
{
	return ht_run(out, sizeof(out), "audit verify --dir %s/hub", hub.dir);
}

static int group_setup(void **state)
{
	char token[128], id[64];
	proto_buf b;
	ht_resp r;

	(void)state;
	if (ht_hub_init(&hub) || ht_hub_start(&hub, NULL) || ht_agent_new(&agent, &hub, "audit") ||
	    ht_token(&hub, "--commune", COMMUNE, NULL, token) || ht_enroll(&hub, &agent, token, &r))
		return -1;
	ht_resp_free(&r);
	for (int i = 0; i < 3; i++) {
		proto_buf_init(&b, 1 << 20);
		if (ht_households(&agent, NULL, COMMUNE, 4, &b, 0) ||
		    ht_request(&hub, &agent, "POST", "/v1/push", b.data, b.len, &r) || r.status != 200)
			return -1;
		ht_resp_free(&r);
		proto_buf_release(&b);
	}
	/* a hub decision: the hub's own chain in the ledger */
	if (ht_run(out, sizeof(out), "household list --dir %s/hub --json", hub.dir))
		return -1;
	const char *p = strstr(out, "\"id\": \"");
	if (!p)
		return -1;
	snprintf(id, sizeof(id), "%.*s", (int)strcspn(p + 7, "\""), p + 7);
	return ht_run(NULL, 0, "household approve --dir %s/hub %s", hub.dir, id) ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	ht_hub_stop(&hub, SIGTERM);
	ht_agent_free(&agent);
	return 0;
}

static void clean_hub_passes(void **state)
{
	(void)state;
	assert_int_equal(audit(), 0);
	assert_non_null(strstr(out, "4 change-sets from 2 origins"));
	assert_non_null(strstr(out, "household 12"));
	assert_non_null(strstr(out, "audit passed"));
	/* and it says so for scripts */
	assert_int_equal(ht_run(out, sizeof(out), "audit verify --json --dir %s/hub", hub.dir), 0);
	assert_non_null(strstr(out, "\"ok\": true"));
	assert_int_equal(ht_run(NULL, 0, "audit --dir %s/hub 2>/dev/null", hub.dir), 2);
	/* "--x=v" is "--x v", as for the agent */
	assert_int_equal(ht_run(out, sizeof(out), "audit verify --json --dir=%s/hub", hub.dir), 0);
	assert_non_null(strstr(out, "\"ok\": true"));
	assert_int_equal(ht_run(out, sizeof(out), "household list --dir=%s/hub --commune=31498 --json",
				hub.dir),
			 0);
	assert_int_equal(ht_run(NULL, 0, "household list --dir=%s/hub --commune=x 2>/dev/null", hub.dir),
			 2);
}

static void edited_row_is_caught(void **state)
{
	char sql[256];
	long long members = ht_sql(&hub, "SELECT members FROM household"
					 " WHERE id_serial = (SELECT min(id_serial) FROM household)");

	(void)state;
	assert_true(members >= 1 && members != 9);
	tamper("UPDATE household SET members = 9 WHERE id_serial = (SELECT min(id_serial) FROM household)");
	assert_int_equal(audit(), 1);
	assert_non_null(strstr(out, "audit FAILED"));
	assert_non_null(strstr(out, "household: 1 row(s) in hub.db that the ledger does not give"));
	/* a row added from nowhere is caught too */
	tamper("INSERT INTO milestone(id_origin, id_serial, stamp, writer, household_origin,"
	       " household_serial, stage, date) VALUES (1, 1, 1, 1, 1, 1, 'handed_over', '2023-08-01')");
	assert_int_equal(ht_run(out, sizeof(out), "audit verify --json --dir %s/hub", hub.dir), 1);
	assert_non_null(strstr(out, "\"ok\": false"));
	assert_non_null(strstr(out, "\"milestone\": {\"rows\": 1, \"only_in_db\": 1"));
	/* put the truth back: what the ledger gives */
	tamper("DELETE FROM milestone WHERE id_origin = 1");
	snprintf(sql, sizeof(sql),
		 "UPDATE household SET members = %lld"
		 " WHERE id_serial = (SELECT min(id_serial) FROM household)",
		 members);
	tamper(sql);
	assert_int_equal(audit(), 0);
}

static void altered_ledger_bytes_are_caught(void **state)
{
	(void)state;
	/* one byte of an agent's seq 2, inside its compressed body */
	/* (a byte that differs from the one there: setting 0 over a 0 would be no change) */
	tamper("UPDATE hub_ledger SET sealed = CAST(substr(sealed, 1, 200) ||"
	       " CASE WHEN substr(sealed, 201, 1) = X'00' THEN X'01' ELSE X'00' END ||"
	       " substr(sealed, 202) AS BLOB) WHERE seq = 2 AND origin <> (SELECT origin FROM hub_ledger"
	       " ORDER BY id DESC LIMIT 1)");
	assert_int_equal(audit(), 1);
	assert_non_null(strstr(out, "seq 2): signature does not verify"));

	/* the serving hub does not relay the altered records either: a pull by
	 * another laptop of the commune finds the row's bytes differ from its
	 * recorded hash and fails, saying so */
	{
		ht_agent other;
		ht_resp r;
		char token[128];

		assert_int_equal(ht_agent_new(&other, &hub, "other"), 0);
		assert_int_equal(ht_token(&hub, "--commune", COMMUNE, NULL, token), 0);
		assert_int_equal(ht_enroll(&hub, &other, token, &r), 0);
		assert_int_equal(r.status, 200);
		ht_resp_free(&r);
		assert_int_equal(ht_request(&hub, &other, "GET", "/v1/pull?after=0", NULL, 0, &r), 0);
		assert_int_equal(r.status, 500);
		assert_non_null(strstr(r.body, "cannot read the hub ledger"));
		ht_resp_free(&r);
		ht_agent_free(&other);
	}
}

static void deleted_ledger_row_is_caught(void **state)
{
	(void)state;
	tamper("DELETE FROM hub_ledger WHERE seq = 2 AND origin <> (SELECT origin FROM hub_ledger"
	       " ORDER BY id DESC LIMIT 1)");
	assert_int_equal(audit(), 1);
	assert_non_null(strstr(out, "seq 3 follows seq 1 (a gap or a deleted row)"));
	/* the 4 households that change-set gave are now in hub.db without a ledger row */
	assert_non_null(strstr(out, "household: "));
}

TEST_MAIN_WITH(group_setup, group_teardown, cmocka_unit_test(clean_hub_passes),
	       cmocka_unit_test(edited_row_is_caught), cmocka_unit_test(altered_ledger_bytes_are_caught),
	       cmocka_unit_test(deleted_ledger_row_is_caught))
