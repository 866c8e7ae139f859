/*
 * test_hub_ingest.c - what ingest refuses, against a real maiam-hub: the
 * rulebook refuses bad values, no laptop can take another's next id, a
 * refused change-set holds its place in the chain (the laptop goes on), the
 * quotas refuse oversized change-sets before the merge, and audit verify
 * lists what the rulebook would refuse among rows accepted before it.
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
#include "maiam/bundle.h"
#include "hubtest.h"
#include "testmain.h"

#define COMMUNE 31498 /* Phường 5, Thành phố Sóc Trăng */
#define OTHER_COMMUNE 31501
#define THIRD_COMMUNE 31507

static ht_hub hub;
static ht_agent alice; /* COMMUNE */
static char out[32768];

static long long sql(const char *q)
{
	return ht_sql(&hub, q);
}

/* Push b as who; status and body in r. */
static void push(const ht_hub *h, const ht_agent *who, const proto_buf *b, ht_resp *r)
{
	assert_int_equal(ht_request(h, who, "POST", "/v1/push", b->data, b->len, r), 0);
}

/* Push and expect status and error code (NULL: applied); also must be in the body. */
static void expect(const ht_hub *h, const ht_agent *who, const proto_buf *b, long status,
		   const char *code, const char *also)
{
	char want[96];
	ht_resp r;

	push(h, who, b, &r);
	if (code)
		snprintf(want, sizeof(want), "\"error\": \"%s\"", code);
	else
		snprintf(want, sizeof(want), "\"status\": \"applied\"");
	if (r.status != status || !strstr(r.body, want) || (also && !strstr(r.body, also)))
		print_error("got %ld %s\n", r.status, r.body);
	assert_int_equal(r.status, status);
	assert_non_null(strstr(r.body, want));
	if (also)
		assert_non_null(strstr(r.body, also));
	ht_resp_free(&r);
}

/* One ordinary change-set of n households: must be applied. */
static void good_push(const ht_hub *h, ht_agent *who, int commune, int n)
{
	proto_buf b;

	proto_buf_init(&b, 1 << 20);
	assert_int_equal(ht_households(who, NULL, commune, n, &b, 0), 0);
	expect(h, who, &b, 200, NULL, NULL);
	proto_buf_release(&b);
}

/* a's next household in commune and a milestone with id ms on it, sealed
 * into b (emptied first). */
static void seal_household_milestone(ht_agent *a, int commune, proto_id ms, proto_buf *b)
{
	proto_changeset cs;
	proto_id own = { a->id, a->serial + 1 };

	proto_buf_reset(b);
	assert_int_equal(ht_cs_begin(a, &cs), 0);
	assert_int_equal(ht_cs_household(a, &cs, own, commune, 3), 0);
	assert_int_equal(ht_cs_milestone(a, &cs, ms, own, "surveyed"), 0);
	assert_int_equal(ht_cs_seal(a, &cs, b, 0), 0);
	proto_changeset_release(&cs);
}

static int group_setup(void **state)
{
	(void)state;
	return ht_hub_up(&hub, &alice, COMMUNE, NULL);
}

static int group_teardown(void **state)
{
	(void)state;
	ht_agent_free(&alice);
	ht_hub_stop(&hub, SIGTERM);
	return ht_hub_remove(&hub);
}

/* A value the rulebook refuses: 422 invalid naming rule, record and field,
 * nothing applied, kept, chained; the laptop's next change-set lands. */
static void test_rulebook_at_ingest(void **state)
{
	long long hh = sql("SELECT count(*) FROM household");
	long long rej = sql("SELECT count(*) FROM hub_rejection WHERE code = 'invalid'");
	proto_changeset cs;
	proto_buf b;
	ht_resp r;

	(void)state;
	proto_buf_init(&b, 1 << 20);
	assert_int_equal(ht_cs_begin(&alice, &cs), 0);
	assert_int_equal(ht_cs_household(&alice, &cs, (proto_id){ alice.id, alice.serial + 1 }, COMMUNE, 4),
			 0);
	assert_int_equal(ht_cs_household(&alice, &cs, (proto_id){ alice.id, alice.serial + 2 }, COMMUNE,
					 -7),
			 0);
	assert_int_equal(ht_cs_seal(&alice, &cs, &b, 0), 0);
	proto_changeset_release(&cs);
	push(&hub, &alice, &b, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "\"error\": \"invalid\""));
	assert_non_null(strstr(r.body, "\"rule\": \"range\""));
	assert_non_null(strstr(r.body, "\"field\": \"members\""));
	assert_non_null(strstr(r.body, "\"record\": \""));
	assert_non_null(strstr(r.body, "\"chained\": true"));
	ht_resp_free(&r);
	/* the same bytes again: the same refusal, recorded once, not a gap */
	expect(&hub, &alice, &b, 422, "invalid", "\"field\": \"members\"");
	expect(&hub, &alice, &b, 422, "invalid", "\"chained\": true");
	assert_true(sql("SELECT count(*) FROM household") == hh);
	assert_true(sql("SELECT count(*) FROM hub_rejection WHERE code = 'invalid'") == rej + 1);
	assert_true(sql("SELECT count(*) FROM hub_refused") == 1);
	good_push(&hub, &alice, COMMUNE, 2);
	assert_true(sql("SELECT count(*) FROM household") == hh + 2);
	proto_buf_release(&b);
}

/* ID squatting: a laptop pushed a household under another laptop's
 * next id and a milestone under a third's; both were accepted and the
 * victims' next syncs failed forever. Now: 403 foreign_id, the victims sync. */
static void test_id_squatting(void **state)
{
	ht_agent bob, carol, dave;
	proto_changeset cs;
	proto_buf b;

	(void)state;
	proto_buf_init(&b, 1 << 20);
	assert_int_equal(ht_agent_enrol(&hub, &bob, "bob", OTHER_COMMUNE), 0);
	assert_int_equal(ht_agent_enrol(&hub, &carol, "carol", THIRD_COMMUNE), 0);
	assert_int_equal(ht_agent_enrol(&hub, &dave, "dave", OTHER_COMMUNE), 0);

	/* alice: a household under bob's next id, in her own commune */
	assert_int_equal(ht_cs_begin(&alice, &cs), 0);
	assert_int_equal(ht_cs_household(&alice, &cs, (proto_id){ bob.id, bob.serial + 1 }, COMMUNE, 3),
			 0);
	assert_int_equal(ht_cs_seal(&alice, &cs, &b, 0), 0);
	proto_changeset_release(&cs);
	expect(&hub, &alice, &b, 403, "foreign_id", "\"chained\": true");

	/* alice: her own household and a milestone under carol's next id */
	seal_household_milestone(&alice, COMMUNE, (proto_id){ carol.id, carol.serial + 2 }, &b);
	expect(&hub, &alice, &b, 403, "foreign_id", NULL);

	/* the victims sync: bob's household, carol's household and milestone */
	good_push(&hub, &bob, OTHER_COMMUNE, 1);
	seal_household_milestone(&carol, THIRD_COMMUNE, (proto_id){ carol.id, carol.serial + 2 }, &b);
	expect(&hub, &carol, &b, 200, NULL, NULL);
	good_push(&hub, &bob, OTHER_COMMUNE, 1);
	good_push(&hub, &carol, THIRD_COMMUNE, 1);

	/* a foreign id is fine for an edit of a household the hub holds, in
	 * scope (dave shares bob's commune), and refused out of scope (alice),
	 * whatever commune her change-set claims for it */
	proto_buf_reset(&b);
	assert_int_equal(ht_cs_begin(&dave, &cs), 0);
	assert_int_equal(ht_cs_household(&dave, &cs, (proto_id){ bob.id, 1 }, OTHER_COMMUNE, 6), 0);
	assert_int_equal(ht_cs_seal(&dave, &cs, &b, 0), 0);
	proto_changeset_release(&cs);
	expect(&hub, &dave, &b, 200, NULL, NULL);
	proto_buf_reset(&b);
	assert_int_equal(ht_cs_begin(&alice, &cs), 0);
	assert_int_equal(ht_cs_household(&alice, &cs, (proto_id){ bob.id, 1 }, COMMUNE, 6), 0);
	assert_int_equal(ht_cs_seal(&alice, &cs, &b, 0), 0);
	proto_changeset_release(&cs);
	expect(&hub, &alice, &b, 403, "out_of_scope", "\"chained\": true");
	/* an event naming a household the hub holds elsewhere: its stored commune decides */
	proto_buf_reset(&b);
	assert_int_equal(ht_cs_begin(&alice, &cs), 0);
	assert_int_equal(ht_cs_milestone(&alice, &cs, (proto_id){ alice.id, alice.serial + 1 },
					 (proto_id){ bob.id, 1 }, "surveyed"),
			 0);
	assert_int_equal(ht_cs_seal(&alice, &cs, &b, 0), 0);
	proto_changeset_release(&cs);
	expect(&hub, &alice, &b, 403, "out_of_scope", NULL);

	{
		char q[200];
		snprintf(q, sizeof(q),
			 "SELECT commune FROM household WHERE id_origin = %lld"
			 " AND id_serial = 1",
			 (long long)proto_u2i(bob.id));
		assert_true(sql(q) == OTHER_COMMUNE);
	}
	/* and the squatter goes on too */
	good_push(&hub, &alice, COMMUNE, 1);
	ht_agent_free(&bob);
	ht_agent_free(&carol);
	ht_agent_free(&dave);
	proto_buf_release(&b);
}

/* An event sent again with other content (a merge PROTO_EVALUE): a recorded
 * 422 invalid, chained, never a 500. */
static void test_merge_evalue(void **state)
{
	proto_changeset cs;
	proto_buf b;
	proto_id hh, ms;

	(void)state;
	proto_buf_init(&b, 1 << 20);
	hh = (proto_id){ alice.id, alice.serial + 1 };
	ms = (proto_id){ alice.id, alice.serial + 2 };
	assert_int_equal(ht_cs_begin(&alice, &cs), 0);
	assert_int_equal(ht_cs_household(&alice, &cs, hh, COMMUNE, 2), 0);
	assert_int_equal(ht_cs_milestone(&alice, &cs, ms, hh, "surveyed"), 0);
	assert_int_equal(ht_cs_seal(&alice, &cs, &b, 0), 0);
	proto_changeset_release(&cs);
	expect(&hub, &alice, &b, 200, NULL, NULL);
	proto_buf_reset(&b);
	assert_int_equal(ht_cs_begin(&alice, &cs), 0);
	assert_int_equal(ht_cs_milestone(&alice, &cs, ms, hh, "approved"), 0);
	assert_int_equal(ht_cs_seal(&alice, &cs, &b, 0), 0);
	proto_changeset_release(&cs);
	expect(&hub, &alice, &b, 422, "invalid", "\"chained\": true");
	good_push(&hub, &alice, COMMUNE, 1);
	proto_buf_release(&b);
}

/* The 433 KB push of 262,144 households that held the writer 8 s: refused
 * (413, before the body is even inflated), and the laptop goes on. */
static void test_too_many_records(void **state)
{
	long long hh = sql("SELECT count(*) FROM household");
	proto_buf b;

	(void)state;
	proto_buf_init(&b, 1 << 25);
	assert_int_equal(ht_households(&alice, NULL, COMMUNE, 262144, &b, 0), 0);
	expect(&hub, &alice, &b, 413, "too_many_records", "\"chained\": true");
	assert_true(sql("SELECT count(*) FROM household") == hh);
	good_push(&hub, &alice, COMMUNE, 1);
	proto_buf_release(&b);
}

/* Refused links hold their places: audit verify walks the chains through them. */
static void test_audit_with_refused_links(void **state)
{
	(void)state;
	assert_true(sql("SELECT count(*) FROM hub_refused") >= 5);
	if (ht_run(out, sizeof(out), "audit verify --dir %s/hub", hub.dir) != 0)
		print_error("%s\n", out);
	assert_int_equal(ht_run(out, sizeof(out), "audit verify --dir %s/hub", hub.dir), 0);
	assert_non_null(strstr(out, "audit passed"));
	assert_non_null(strstr(out, "refused links: "));
	/* the operator sees each one in the reconcile queue, skipped */
	assert_int_equal(ht_run(out, sizeof(out), "report reconcile --format json --dir %s/hub", hub.dir),
			 0);
	assert_non_null(strstr(out, "foreign_id"));
	assert_non_null(strstr(out, "refused link: nothing applied"));
}

/* Every per-change-set cap and the daily quota, run small. */
static void test_quotas(void **state)
{
	ht_hub q;
	ht_agent a, save;
	proto_buf big, text, many, b;
	char opts[256];
	ht_resp r;

	(void)state;
	proto_buf_init(&big, 1 << 20);
	proto_buf_init(&text, 1 << 20);
	proto_buf_init(&many, 1 << 20);
	proto_buf_init(&b, 1 << 20);
	assert_int_equal(ht_hub_init(&q), 0);
	assert_int_equal(ht_agent_new(&a, &q, "quota"), 0);
	/* measured first, so the caps sit between the change-sets */
	save = a;
	assert_int_equal(ht_big_households(&a, COMMUNE, 10, 64, 7, &big), 0);
	a = save;
	snprintf(opts, sizeof(opts),
		 "--max-records 10 --max-text-bytes 900 --max-sealed-bytes %zu"
		 " --day-records 30",
		 big.len - 1);
	assert_int_equal(ht_hub_start(&q, opts), 0);
	{
		char token[128];
		assert_int_equal(ht_token(&q, "--commune", COMMUNE, NULL, token), 0);
		assert_int_equal(ht_enroll(&q, &a, token, &r), 0);
		assert_int_equal(r.status, 200);
		ht_resp_free(&r);
	}
	/* sealed bytes: refused before anything (not chained), every time */
	expect(&q, &a, &big, 413, "too_large", NULL);
	expect(&q, &a, &big, 413, "too_large", NULL);
	/* records: chained */
	assert_int_equal(ht_households(&a, NULL, COMMUNE, 11, &many, 0), 0);
	expect(&q, &a, &many, 413, "too_many_records", "\"chained\": true");
	/* decoded text: 7 x (128-byte note + name) > 900, chained */
	assert_int_equal(ht_big_households(&a, COMMUNE, 7, 64, 9, &text), 0);
	expect(&q, &a, &text, 413, "too_much_text", "\"chained\": true");
	assert_true(ht_sql(&q, "SELECT count(*) FROM household") == 0);
	/* 11 + 7 records counted today; 10 more fit the 30 of the day */
	good_push(&q, &a, COMMUNE, 10);
	assert_int_equal(ht_households(&a, NULL, COMMUNE, 5, &b, 0), 0);
	push(&q, &a, &b, &r);
	assert_int_equal(r.status, 429);
	assert_non_null(strstr(r.body, "\"error\": \"quota_exceeded\""));
	assert_null(strstr(r.body, "\"chained\""));
	assert_true(atoll(r.retry_after) > 0 && atoll(r.retry_after) <= 86400);
	ht_resp_free(&r);
	assert_true(ht_sql(&q, "SELECT count(*) FROM hub_refused") == 2);
	assert_true(ht_sql(&q, "SELECT count(*) FROM household") == 10);
	assert_true(ht_sql(&q, "SELECT records FROM hub_quota") == 28);
	ht_agent_free(&a);
	ht_hub_stop(&q, SIGTERM);
	ht_hub_remove(&q);
	proto_buf_release(&big);
	proto_buf_release(&text);
	proto_buf_release(&many);
	proto_buf_release(&b);
}

/* A row the rulebook refuses, ledgered as a hub before the rulebook did:
 * audit verify passes, lists it, and keeps it once in the reconcile queue. */
static void test_audit_replays_rules(void **state)
{
	ht_hub h;
	ht_agent a;
	proto_changeset cs, opened;
	proto_key *pub = NULL;
	uint8_t raw[PROTO_PUBKEY_LEN], hash[32];
	proto_buf b;
	char path[400];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	(void)state;
	proto_buf_init(&b, 1 << 20);
	assert_int_equal(ht_hub_up(&h, &a, COMMUNE, NULL), 0);
	assert_int_equal(ht_hub_stop(&h, SIGTERM), 0);
	assert_int_equal(ht_cs_begin(&a, &cs), 0);
	assert_int_equal(ht_cs_household(&a, &cs, (proto_id){ a.id, 1 }, COMMUNE, -7), 0);
	assert_int_equal(ht_cs_seal(&a, &cs, &b, 0), 0);
	proto_changeset_release(&cs);
	/* what a hub without the rulebook did: merge and ledger, nothing checked */
	proto_key_public_raw(a.key, raw);
	assert_int_equal(proto_key_from_public(raw, &pub), PROTO_OK);
	assert_int_equal(proto_open(b.data, b.len, pub, &opened, hash), PROTO_OK);
	snprintf(path, sizeof(path), "%s/hub/hub.db", h.dir);
	assert_int_equal(proto_db_open(path, &db), PROTO_OK);
	/* such a hub had no SQL guard either */
	assert_int_equal(proto_db_guard(db, 0), PROTO_OK);
	assert_int_equal(proto_merge(db, &opened, NULL), PROTO_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "INSERT INTO hub_ledger(origin, seq, hash, sealed,"
					    " received) VALUES (?, 1, ?, ?, strftime('%s'))",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, proto_u2i(a.id));
	sqlite3_bind_blob(st, 2, hash, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, b.data, (int)b.len, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	proto_changeset_release(&opened);
	proto_key_free(pub);

	assert_int_equal(ht_run(out, sizeof(out), "audit verify --dir %s/hub", h.dir), 0);
	assert_non_null(strstr(out, "audit passed"));
	assert_non_null(strstr(out, "rulebook replay: 1 ledger row"));
	/* the hub's live store has its guard on again (the audit opened it) */
	assert_true(ht_sql(&h, "SELECT enforce FROM proto_rule_guard") == 1);
	assert_int_equal(ht_run(out, sizeof(out), "audit verify --dir %s/hub --json", h.dir), 0);
	assert_non_null(strstr(out, "\"ok\": true"));
	assert_non_null(strstr(out, "\"rule_findings\": [{"));
	assert_true(ht_sql(&h, "SELECT count(*) FROM hub_rejection WHERE source = 'audit'"
			       " AND code = 'invalid_before_rules'") == 1);
	assert_int_equal(ht_run(out, sizeof(out), "report reconcile --format json --dir %s/hub", h.dir),
			 0);
	assert_non_null(strstr(out, "invalid_before_rules"));
	ht_agent_free(&a);
	ht_hub_remove(&h);
	proto_buf_release(&b);
}

/* USB import takes the same path: the same rulebook, the same refused link,
 * the same quotas (import takes serve's options). */
static void test_import_same_rules(void **state)
{
	ht_hub h;
	ht_agent a;
	proto_changeset cs;
	proto_buf bad, good, many, bundle;
	const uint8_t *items[3];
	size_t lens[3];
	char path[400];

	(void)state;
	proto_buf_init(&bad, 1 << 20);
	proto_buf_init(&good, 1 << 20);
	proto_buf_init(&many, 1 << 20);
	proto_buf_init(&bundle, 1 << 22);
	assert_int_equal(ht_hub_up(&h, &a, COMMUNE, NULL), 0);
	assert_int_equal(ht_cs_begin(&a, &cs), 0);
	assert_int_equal(ht_cs_household(&a, &cs, (proto_id){ a.id, 1 }, COMMUNE, 100), 0);
	assert_int_equal(ht_cs_seal(&a, &cs, &bad, 0), 0);
	proto_changeset_release(&cs);
	assert_int_equal(ht_households(&a, NULL, COMMUNE, 2, &good, 0), 0);
	assert_int_equal(ht_households(&a, NULL, COMMUNE, 4, &many, 0), 0);
	items[0] = bad.data, lens[0] = bad.len;
	items[1] = good.data, lens[1] = good.len;
	items[2] = many.data, lens[2] = many.len;
	assert_int_equal(proto_bundle_write(&bundle, items, lens, 3), PROTO_OK);
	snprintf(path, sizeof(path), "%s/usb.bundle", h.dir);
	assert_int_equal(proto_write_file_atomic(path, bundle.data, bundle.len, 0600), PROTO_OK);
	assert_int_equal(ht_run(out, sizeof(out), "import --dir %s/hub --max-records 3 %s", h.dir, path),
			 4);
	assert_non_null(strstr(out, "item 1"));
	assert_non_null(strstr(out, "rejected: invalid: household"));
	assert_non_null(strstr(out, "members '100'"));
	assert_non_null(strstr(out, "item 3"));
	assert_non_null(strstr(out, "rejected: too_many_records"));
	assert_non_null(strstr(out, "1 applied, 0 already applied, 2 rejected"));
	assert_true(ht_sql(&h, "SELECT count(*) FROM household") == 2);
	assert_true(ht_sql(&h, "SELECT count(*) FROM hub_refused") == 2);
	/* the same file again: the same refusals, nothing new */
	assert_int_equal(ht_run(out, sizeof(out), "import --dir %s/hub --max-records 3 %s", h.dir, path),
			 4);
	assert_non_null(strstr(out, "0 applied, 1 already applied, 2 rejected"));
	assert_true(ht_sql(&h, "SELECT count(*) FROM hub_rejection") == 2);
	/* an unknown quota value is a usage error */
	assert_int_equal(ht_run(out, sizeof(out), "import --dir %s/hub --max-records 0 %s 2>/dev/null",
				h.dir, path),
			 2);
	ht_agent_free(&a);
	ht_hub_stop(&h, SIGTERM);
	ht_hub_remove(&h);
	proto_buf_release(&bad);
	proto_buf_release(&good);
	proto_buf_release(&many);
	proto_buf_release(&bundle);
}

TEST_MAIN_WITH(group_setup, group_teardown, cmocka_unit_test(test_rulebook_at_ingest),
	       cmocka_unit_test(test_id_squatting), cmocka_unit_test(test_merge_evalue),
	       cmocka_unit_test(test_too_many_records), cmocka_unit_test(test_audit_with_refused_links),
	       cmocka_unit_test(test_quotas), cmocka_unit_test(test_audit_replays_rules),
	       cmocka_unit_test(test_import_same_rules))
