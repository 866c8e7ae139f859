/*
 * test_hub_signed.c - a hub whose ledger was written before decisions
 * carried the operator's name still verifies: a review sealed as the hub
 * sealed it then (format version 1, the household record alone, with the
 * old encoder's path: proto_seal with the hub's key, merged and ledgered)
 * passes 'audit verify' and shows in the household's history without a
 * name; decisions made now carry the name beside it; and once the hub signs
 * names, a review without its decision record fails the audit.
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
static proto_key *hubkey;
static char out[16384];

/* The full id of the agent's household 'serial', as the CLI takes it. */
static const char *household(uint64_t serial)
{
	static char id[3][40];
	static int next;
	char *s = id[next++ % 3];

	snprintf(s, sizeof(id[0]), "%016llx-%llu", (unsigned long long)agent.id,
		 (unsigned long long)serial);
	return s;
}

/*
 * A review as the hub wrote it before version 3: one household record
 * (review_status, review_reason NULL) in the hub's next change-set, sealed
 * with its key, merged into hub.db and appended to its ledger, in one
 * transaction, as hub_ingest_own did.
 */
/* sql prepared on db with the hub's origin bound to ?1. */
static sqlite3_stmt *with_origin(sqlite3 *db, const char *sql, uint64_t origin)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare '%s': %s", sql, sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, proto_u2i(origin));
	return st;
}

static void old_review(uint64_t serial, const char *status)
{
	char path[512];
	sqlite3 *db;
	sqlite3_stmt *st;
	proto_changeset cs;
	proto_buf sealed;
	uint8_t prev[32] = { 0 }, hash[32];
	uint64_t seq = 0, stamp = proto_hlc_make(proto_wall_ms(), 0);
	uint64_t origin = proto_key_id(hubkey);
	proto_id hh = { agent.id, serial };

	snprintf(path, sizeof(path), "%s/hub/hub.db", hub.dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	st = with_origin(db,
			 "SELECT seq, hash FROM hub_ledger WHERE origin = ?1 ORDER BY seq DESC LIMIT 1",
			 origin);
	if (sqlite3_step(st) == SQLITE_ROW) {
		seq = (uint64_t)sqlite3_column_int64(st, 0);
		memcpy(prev, sqlite3_column_blob(st, 1), 32);
	}
	sqlite3_finalize(st);

	proto_buf_init(&sealed, 1 << 20);
	if (proto_changeset_init(&cs, "soc-trang-2023", origin, seq + 1, prev, stamp) ||
	    proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, hh, stamp, origin) ||
	    proto_changeset_add_text(&cs, PROTO_HH_REVIEW_STATUS, 0, status, strlen(status)) ||
	    proto_changeset_add_null(&cs, PROTO_HH_REVIEW_REASON, 0) ||
	    proto_seal(&cs, hubkey, &sealed, hash))
		fail_msg("cannot seal the old review");
	assert_int_equal(sealed.data[4], 1); /* what every hub decision was */
	assert_int_equal(proto_merge(db, &cs, NULL), PROTO_OK);
	st = with_origin(db,
			 "INSERT INTO hub_ledger(origin, seq, hash, sealed, received)"
			 " VALUES (?1, ?2, ?3, ?4, strftime('%s', 'now'))",
			 origin);
	sqlite3_bind_int64(st, 2, (int64_t)(seq + 1));
	sqlite3_bind_blob(st, 3, hash, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, sealed.data, (int)sealed.len, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	proto_buf_release(&sealed);
	proto_changeset_release(&cs);
}

static int group_setup(void **state)
{
	char path[400];
	proto_buf b;
	ht_resp r = { 0 };
	int pushed;

	(void)state;
	setenv("LANG", "C", 1);
	unsetenv("LANGUAGE");
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	if (ht_hub_up(&hub, &agent, COMMUNE, NULL))
		return -1;
	snprintf(path, sizeof(path), "%s/hub/hub.key", hub.dir);
	if (proto_key_load_private(path, &hubkey) != PROTO_OK)
		return -1;
	/* four households of the laptop, then the hub directory alone */
	proto_buf_init(&b, 1 << 20);
	pushed = !ht_households(&agent, NULL, COMMUNE, 4, &b, 0) &&
		 !ht_request(&hub, &agent, "POST", "/v1/push", b.data, b.len, &r) && r.status == 200;
	ht_resp_free(&r);
	proto_buf_release(&b);
	return pushed && ht_hub_stop(&hub, SIGTERM) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	proto_key_free(hubkey);
	ht_agent_free(&agent);
	ht_hub_remove(&hub);
	return 0;
}

static void old_ledger_still_verifies(void **state)
{
	(void)state;
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM household"), 4);
	old_review(1, "approved");
	assert_int_equal(ht_run(out, sizeof(out), "audit verify --dir %s/hub", hub.dir), 0);
	assert_non_null(strstr(out, "audit passed"));
	assert_non_null(strstr(out, "decisions: 0 signed with the operator's name, 1 reviews from before"));
	/* the history shows it, with no name to show */
	assert_int_equal(ht_run(out, sizeof(out), "household show %s --json --dir %s/hub", household(1),
				hub.dir),
			 0);
	assert_non_null(strstr(out, "\"history\": [{\"at\": \""));
	assert_non_null(strstr(out, "\"operator\": null, \"action\": \"approved\""));
	assert_non_null(strstr(out, "\"signed\": false}]"));
	assert_int_equal(ht_run(out, sizeof(out), "household show %s --dir %s/hub", household(1), hub.dir),
			 0);
	assert_non_null(strstr(out, "decided before decisions carried the operator's name"));
}

static void signed_beside_old(void **state)
{
	(void)state;
	assert_int_equal(ht_run(out, sizeof(out),
				"household reject %s --reason 'thiếu giấy tờ' --by 'Trần Thị Bích'"
				" --dir %s/hub",
				household(2), hub.dir),
			 0);
	/* a household decided the old way, then the new: only the new shows */
	assert_int_equal(ht_run(out, sizeof(out), "household approve %s --by lan --dir %s/hub",
				household(1), hub.dir),
			 0);
	assert_int_equal(ht_run(out, sizeof(out), "household show %s --json --dir %s/hub", household(1),
				hub.dir),
			 0);
	assert_non_null(strstr(out, "\"operator\": \"lan\", \"action\": \"approved\""));
	assert_null(strstr(out, "\"signed\": false"));
	assert_int_equal(ht_run(out, sizeof(out), "audit verify --json --dir %s/hub", hub.dir), 0);
	assert_non_null(strstr(out, "\"ok\": true"));
	assert_non_null(strstr(out, "\"decisions_signed\": 2, \"reviews_before_names\": 1"));
	assert_non_null(
		strstr(out, "\"decision\": {\"rows\": 2, \"only_in_db\": 0, \"only_in_ledger\": 0}"));
}

/* Once the hub signs names, a review without one is someone's forgery with
 * the hub's key or a hub that lost its decision record: the audit says so. */
static void unnamed_after_named_fails(void **state)
{
	(void)state;
	old_review(3, "rejected");
	assert_int_equal(ht_run(out, sizeof(out), "audit verify --dir %s/hub", hub.dir), 1);
	assert_non_null(strstr(out, "a review without the decision record naming who decided"));
}

TEST_MAIN_WITH(group_setup, group_teardown, cmocka_unit_test(old_ledger_still_verifies),
	       cmocka_unit_test(signed_beside_old), cmocka_unit_test(unnamed_after_named_fails))
