/*
 * test_hub_succession.c - re-enrolment against a real maiam-hub: a token
 * made with --replaces enrols the successor of a revoked agent, which may
 * then send records whose ids and writer are its predecessor's (and its
 * predecessor's predecessor's), and nothing else: not another laptop's, and
 * no laptop that is not a successor gains anything. One successor per
 * revoked agent, whichever token comes first. Pulls relay the records of a
 * lost laptop's line to every laptop of its area but its successors, which
 * hold them already.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hubtest.h"
#include "testmain.h"

#define COMMUNE 31498 /* Phường 5, Thành phố Sóc Trăng */

static ht_hub hub;
/* the laptop that is lost, its successor and theirs, another laptop of the
 * commune, one that comes too late to succeed: all freed in the teardown,
 * which also runs when an assertion fails half way */
static ht_agent alice, alice2, alice3, bob, late;
static char out[32768];

static long long sql(const char *q)
{
	return ht_sql(&hub, q);
}

/* Push b as who; expect status and error code (NULL: applied). */
static void expect(const ht_agent *who, const proto_buf *b, long status, const char *code)
{
	char want[96];
	ht_resp r;

	assert_int_equal(ht_request(&hub, who, "POST", "/v1/push", b->data, b->len, &r), 0);
	if (code)
		snprintf(want, sizeof(want), "\"error\": \"%s\"", code);
	else
		snprintf(want, sizeof(want), "\"status\": \"applied\"");
	if (r.status != status || !strstr(r.body, want))
		print_error("got %ld %s\n", r.status, r.body);
	assert_int_equal(r.status, status);
	assert_non_null(strstr(r.body, want));
	ht_resp_free(&r);
}

/* Seal, as who, one household with id {origin, serial} written by writer. */
static void seal_as(ht_agent *who, uint64_t origin, uint64_t serial, uint64_t writer, proto_buf *b)
{
	proto_changeset cs;

	proto_buf_reset(b);
	assert_int_equal(ht_cs_begin(who, &cs), 0);
	assert_int_equal(ht_cs_household(who, &cs, (proto_id){ origin, serial }, COMMUNE, 3), 0);
	cs.records[cs.nrecords - 1].writer = writer;
	assert_int_equal(ht_cs_seal(who, &cs, b, 0), 0);
	proto_changeset_release(&cs);
}

/* Pull everything as who: how many records in all and how many by each
 * writer of the lost line (alice, alice2). */
static void pull_all(const ht_agent *who, size_t *total, size_t *by_alice, size_t *by_alice2)
{
	char path[400];
	proto_key *hubkey = NULL;
	proto_changeset cs;
	ht_resp r;

	*total = *by_alice = *by_alice2 = 0;
	snprintf(path, sizeof(path), "%s/hub/hub.key", hub.dir);
	assert_int_equal(proto_key_load_private(path, &hubkey), PROTO_OK);
	assert_int_equal(ht_request(&hub, who, "GET", "/v1/pull?after=0", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(proto_open(r.bin, r.bin_len, hubkey, &cs, NULL), PROTO_OK);
	for (size_t i = 0; i < cs.nrecords; i++) {
		*by_alice += cs.records[i].writer == alice.id;
		*by_alice2 += cs.records[i].writer == alice2.id;
	}
	*total = cs.nrecords;
	proto_changeset_release(&cs);
	ht_resp_free(&r);
	proto_key_free(hubkey);
}

static void revoke(const ht_agent *a)
{
	char hex[17];

	proto_key_id_hex(a->id, hex);
	assert_int_equal(ht_run(out, sizeof(out), "agent revoke %s --dir %s/hub", hex, hub.dir), 0);
}

/* A token for the successor of a (revoked). */
static void successor_token(const ht_agent *a, char token[128])
{
	char hex[17], extra[64];

	proto_key_id_hex(a->id, hex);
	snprintf(extra, sizeof(extra), "--replaces %s", hex);
	assert_int_equal(ht_token(&hub, "--commune", COMMUNE, extra, token), 0);
}

/* Enrol next with token: expect status; on 200 the answer names the agent it replaces. */
static void enrol(ht_agent *next, const char *name, const char *token, long status,
		  const ht_agent *replaces)
{
	char hex[17], got[32];
	ht_resp r;

	assert_int_equal(ht_agent_new(next, &hub, name), 0);
	assert_int_equal(ht_enroll(&hub, next, token, &r), 0);
	if (r.status != status)
		print_error("got %ld %s\n", r.status, r.body);
	assert_int_equal(r.status, status);
	if (status == 200) {
		proto_key_id_hex(replaces->id, hex);
		assert_int_equal(ht_json_member(r.body, "replaces", got, sizeof(got)), 0);
		assert_string_equal(got, hex);
		assert_int_equal(ht_agent_keep_cert(next, r.body), 0);
	}
	ht_resp_free(&r);
}

static int hub_up(void **state)
{
	(void)state;
	return ht_hub_up(&hub, &alice, COMMUNE, NULL);
}

static int hub_down(void **state)
{
	ht_agent *all[] = { &alice, &alice2, &alice3, &bob, &late };

	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		ht_agent_free(all[i]);
	ht_hub_stop(&hub, SIGTERM);
	return ht_hub_remove(&hub);
}

static void test_successor_sends_only_its_lineage(void **state)
{
	char token[128], second[128], hex[17];
	size_t total, by_alice, by_alice2;
	proto_buf b;
	uint64_t lost = alice.serial + 1; /* the lost laptop's next id */

	(void)state;
	proto_buf_init(&b, 1 << 20);
	assert_int_equal(ht_agent_enrol(&hub, &bob, "bob", COMMUNE), 0);
	proto_key_id_hex(alice.id, hex);

	/* --replaces only for a revoked agent, and only a known one */
	snprintf(out, sizeof(out), "--replaces %s", hex);
	assert_int_not_equal(ht_token(&hub, "--commune", COMMUNE, out, token), 0);
	assert_int_not_equal(ht_token(&hub, "--commune", COMMUNE, "--replaces 0123456789abcdef", token),
			     0);
	revoke(&alice);
	/* two tokens for one successor: the first used wins */
	successor_token(&alice, token);
	successor_token(&alice, second);
	enrol(&alice2, "alice2", token, 200, &alice);
	enrol(&late, "late", second, 409, NULL);
	assert_true(sql("SELECT count(*) FROM hub_agent WHERE predecessor IS NOT NULL") == 1);

	/* the successor: the predecessor's id and writer are its own */
	seal_as(&alice2, alice.id, lost, alice.id, &b);
	expect(&alice2, &b, 200, NULL);
	/* its own edits of that household, and records of its own */
	seal_as(&alice2, alice.id, lost, alice2.id, &b);
	expect(&alice2, &b, 200, NULL);
	/* another laptop's id or writer: refused as before */
	seal_as(&alice2, bob.id, bob.serial + 1, alice2.id, &b);
	expect(&alice2, &b, 403, "foreign_id");
	seal_as(&alice2, alice2.id, alice2.serial + 1, bob.id, &b);
	expect(&alice2, &b, 403, "relayed_record");
	/* a laptop that succeeds nobody gains nothing from the succession */
	seal_as(&bob, alice.id, lost + 1, alice.id, &b);
	expect(&bob, &b, 403, "relayed_record");
	seal_as(&bob, alice.id, lost + 1, bob.id, &b);
	expect(&bob, &b, 403, "foreign_id");

	/* a successor's successor inherits the whole line */
	revoke(&alice2);
	successor_token(&alice2, token);
	enrol(&alice3, "alice3", token, 200, &alice2);
	seal_as(&alice3, alice.id, lost + 2, alice.id, &b);
	expect(&alice3, &b, 200, NULL);
	seal_as(&alice3, alice2.id, alice2.serial + 1, alice2.id, &b);
	expect(&alice3, &b, 200, NULL);
	/* the household of the lost laptop's next id and two more of its line */
	assert_true(sql("SELECT count(*) FROM household") == 3);

	/* pulls: the line's records reach bob; the last successor gets bob's
	 * and none of its predecessors' (they are its own work) */
	seal_as(&bob, bob.id, bob.serial + 1, bob.id, &b);
	expect(&bob, &b, 200, NULL);
	pull_all(&bob, &total, &by_alice, &by_alice2);
	assert_int_equal(by_alice, 2);  /* two households */
	assert_int_equal(by_alice2, 2); /* an edit of one, a household */
	assert_int_equal(total, 4);
	pull_all(&alice3, &total, &by_alice, &by_alice2);
	assert_int_equal(by_alice, 0);
	assert_int_equal(by_alice2, 0);
	assert_int_equal(total, 1);

	/* agent list names each one's predecessor */
	assert_int_equal(ht_run(out, sizeof(out), "agent list --json --dir %s/hub", hub.dir), 0);
	assert_non_null(strstr(out, hex));
	assert_non_null(strstr(out, "\"replaces\": null"));
	assert_int_equal(ht_run(out, sizeof(out), "audit verify --dir %s/hub", hub.dir), 0);
	proto_buf_release(&b);
}

TEST_MAIN(cmocka_unit_test_setup_teardown(test_successor_sends_only_its_lineage, hub_up, hub_down))
