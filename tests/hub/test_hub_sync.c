/*
 * test_hub_sync.c - maiam-hub end to end: a real hub process on 127.0.0.1
 * port 0 with its own CA, real TLS with the CA pinned, agents with fresh
 * keys. Enrolment, push in order and every rejection (each must leave the
 * ledger untouched and a rejection row behind), pull of a hub decision,
 * USB import twice. The tests share one hub and run in order.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "maiam/bundle.h"
#include "hubtest.h"
#include "testmain.h"

#define COMMUNE 31498 /* Phường 5, Thành phố Sóc Trăng */
#define OTHER_COMMUNE 31501

static ht_hub hub;
static ht_agent alice; /* enrolled for COMMUNE */
static char hub_pem[1024];

static long long ledger_rows(void)
{
	return ht_sql(&hub, "SELECT count(*) FROM hub_ledger");
}
static long long rejections(void)
{
	return ht_sql(&hub, "SELECT count(*) FROM hub_rejection");
}

static int group_setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ht_hub_init(&hub) || ht_hub_start(&hub, "--header-timeout 2"))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[400];
	(void)state;
	ht_hub_stop(&hub, SIGTERM);
	ht_agent_free(&alice);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", hub.dir);
	if (system(cmd) != 0)
		return -1;
	curl_global_cleanup();
	return 0;
}

static void test_init_files(void **state)
{
	static const char *const secret[] = { "hub.key", "ca.key", "server.key" };
	char path[400];
	struct stat st;
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/hub/%s", hub.dir, secret[i]);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	snprintf(path, sizeof(path), "%s/hub/ca.pem", hub.dir);
	assert_int_equal(stat(path, &st), 0);
	/* init again: keeps everything, same campaign */
	assert_int_equal(ht_run(NULL, 0, "init --dir %s/hub", hub.dir), 0);
	/* a usage error is exit code 2 */
	assert_int_equal(ht_run(NULL, 0, "init --bogus 2>/dev/null"), 2);
}

static void test_enroll(void **state)
{
	char token[128];
	ht_agent other;
	ht_resp r;
	const char *p;

	(void)state;
	assert_int_equal(ht_agent_new(&alice, &hub, "alice"), 0);
	assert_int_equal(ht_token(&hub, "--commune", COMMUNE, NULL, token), 0);
	assert_int_equal(ht_enroll(&hub, &alice, token, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"campaign\": \"soc-trang-2023\""));
	assert_non_null(strstr(r.body, "\"code\": 31498"));
	p = strstr(r.body, "\"hub_public_key\": \"");
	assert_non_null(p);
	p += 19;
	{
		size_t o = 0;
		for (; *p && *p != '"' && o + 1 < sizeof(hub_pem); p++) {
			if (*p == '\\' && p[1] == 'n') {
				hub_pem[o++] = '\n';
				p++;
			} else {
				hub_pem[o++] = *p;
			}
		}
		hub_pem[o] = '\0';
	}
	ht_resp_free(&r);

	/* the same token again from the same laptop (its first answer was lost
	 * on the way): the same enrolment again, nothing new recorded */
	assert_int_equal(ht_enroll(&hub, &alice, token, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"code\": 31498"));
	{
		char hex[17], want[40];
		proto_key_id_hex(alice.id, hex);
		snprintf(want, sizeof(want), "\"agent_id\": \"%s\"", hex);
		assert_non_null(strstr(r.body, want));
	}
	ht_resp_free(&r);
	assert_true(ht_sql(&hub, "SELECT count(*) FROM hub_agent") == 1);

	/* the same token again, from another laptop */
	assert_int_equal(ht_agent_new(&other, &hub, "other"), 0);
	assert_int_equal(ht_enroll(&hub, &other, token, &r), 0);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "\"error\": \"token_used\""));
	ht_resp_free(&r);

	/* an expired token */
	assert_int_equal(ht_token(&hub, "--commune", COMMUNE, "--ttl 1", token), 0);
	sleep(2);
	assert_int_equal(ht_enroll(&hub, &other, token, &r), 0);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "\"error\": \"token_expired\""));
	ht_resp_free(&r);

	/* not JSON */
	assert_int_equal(ht_request(&hub, NULL, "POST", "/v1/enroll", "token=x", 7, &r), 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "\"error\": \"bad_request\""));
	ht_resp_free(&r);
	assert_true(ht_sql(&hub, "SELECT count(*) FROM hub_agent") == 1);
	ht_agent_free(&other);
}

static void push(const proto_buf *b, ht_resp *r, const ht_agent *who)
{
	assert_int_equal(ht_request(&hub, who, "POST", "/v1/push", b->data, b->len, r), 0);
}

static void test_push_in_order(void **state)
{
	proto_buf b;
	ht_resp r;

	(void)state;
	proto_buf_init(&b, 1 << 24);
	assert_int_equal(ht_households(&alice, NULL, COMMUNE, 3, &b, 0), 0);
	push(&b, &r, &alice);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"status\": \"applied\""));
	ht_resp_free(&r);
	proto_buf_reset(&b);
	assert_int_equal(ht_households(&alice, NULL, COMMUNE, 2, &b, 0), 0);
	push(&b, &r, &alice);
	assert_int_equal(r.status, 200);
	ht_resp_free(&r);
	assert_true(ht_sql(&hub, "SELECT count(*) FROM household") == 5);
	assert_true(ledger_rows() == 2);

	/* the same bytes again: acknowledged, not applied twice */
	push(&b, &r, &alice);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"status\": \"already_applied\""));
	ht_resp_free(&r);
	assert_true(ledger_rows() == 2);
	assert_true(ht_sql(&hub, "SELECT count(*) FROM household") == 5);
	proto_buf_release(&b);
}

/* Send b as alice, expect status + error code, and that nothing was applied
 * and the rejection was kept. */
static void expect_rejected(const proto_buf *b, long status, const char *code, const char *also)
{
	long long ledger = ledger_rows(), rej = rejections();
	long long households = ht_sql(&hub, "SELECT count(*) FROM household");
	char want[64];
	ht_resp r;

	push(b, &r, &alice);
	snprintf(want, sizeof(want), "\"error\": \"%s\"", code);
	if (r.status != status || !strstr(r.body, want))
		print_error("got %ld %s\n", r.status, r.body);
	assert_int_equal(r.status, status);
	assert_non_null(strstr(r.body, want));
	assert_non_null(strstr(r.body, "\"message\": "));
	if (also)
		assert_non_null(strstr(r.body, also));
	ht_resp_free(&r);
	assert_true(ledger_rows() == ledger);
	assert_true(ht_sql(&hub, "SELECT count(*) FROM household") == households);
	assert_true(rejections() == rej + 1);
}

static void test_push_rejections(void **state)
{
	proto_buf b;
	ht_agent save;
	size_t n = strlen("soc-trang-2023");

	(void)state;
	proto_buf_init(&b, 1 << 24);

	/* a tampered byte in the compressed body */
	assert_int_equal(ht_households(&alice, NULL, COMMUNE, 2, &b, 1), 0);
	b.data[79 + n + 3] ^= 0x01;
	expect_rejected(&b, 422, "bad_signature", NULL);

	/* a replay under a new sequence number: seq 2 renumbered 3 */
	proto_buf_reset(&b);
	save = alice;
	alice.seq = 1; /* re-make seq 2 content with a valid prev, then renumber */
	assert_int_equal(ht_households(&alice, NULL, COMMUNE, 2, &b, 1), 0);
	alice = save;
	b.data[15 + n + 7] = 3;
	expect_rejected(&b, 422, "bad_signature", NULL);

	/* a gap: seq 4 while the hub expects 3 */
	proto_buf_reset(&b);
	alice.seq++;
	assert_int_equal(ht_households(&alice, NULL, COMMUNE, 1, &b, 1), 0);
	alice.seq--;
	expect_rejected(&b, 409, "gap", "\"expected_seq\": 3");

	/* a fork: another seq 3 whose prev is not the hub's head */
	proto_buf_reset(&b);
	save = alice;
	memset(alice.last_hash, 0x5a, 32);
	assert_int_equal(ht_households(&alice, NULL, COMMUNE, 1, &b, 1), 0);
	alice = save;
	expect_rejected(&b, 409, "fork", "\"expected_seq\": 3");

	/* a fork at an applied seq: a different seq 2 */
	proto_buf_reset(&b);
	save = alice;
	alice.seq = 1;
	assert_int_equal(ht_households(&alice, NULL, COMMUNE, 4, &b, 1), 0);
	alice = save;
	expect_rejected(&b, 409, "fork", "\"expected_prev\": ");

	/* outside the agent's commune: verified, so it takes its place in the
	 * chain as a refused link (docs/HUB.md); the same bytes again get the same
	 * refusal, recorded once */
	proto_buf_reset(&b);
	assert_int_equal(ht_households(&alice, NULL, OTHER_COMMUNE, 1, &b, 0), 0);
	expect_rejected(&b, 403, "out_of_scope", "\"chained\": true");
	{
		long long rej = rejections();
		ht_resp r;
		push(&b, &r, &alice);
		assert_int_equal(r.status, 403);
		assert_non_null(strstr(r.body, "\"chained\": true"));
		assert_non_null(strstr(r.body, "\"error\": \"out_of_scope\""));
		ht_resp_free(&r);
		assert_true(rejections() == rej);
	}

	/* another campaign */
	proto_buf_reset(&b);
	assert_int_equal(ht_households(&alice, "other-2024", COMMUNE, 1, &b, 1), 0);
	expect_rejected(&b, 422, "wrong_campaign", NULL);

	/* garbage */
	proto_buf_reset(&b);
	proto_buf_append_str(&b, "not a change-set at all");
	expect_rejected(&b, 400, "malformed", NULL);

	/* and the right next one still goes in */
	proto_buf_reset(&b);
	assert_int_equal(ht_households(&alice, NULL, COMMUNE, 1, &b, 0), 0);
	{
		ht_resp r;
		push(&b, &r, &alice);
		assert_int_equal(r.status, 200);
		ht_resp_free(&r);
	}
	assert_true(ledger_rows() == 3);
	proto_buf_release(&b);
}

static void test_push_needs_certificate(void **state)
{
	proto_buf b;
	ht_resp r;
	long long ledger = ledger_rows();

	(void)state;
	proto_buf_init(&b, 1 << 24);
	assert_int_equal(ht_households(&alice, NULL, COMMUNE, 1, &b, 1), 0);
	push(&b, &r, NULL);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body, "\"error\": \"certificate_required\""));
	ht_resp_free(&r);
	assert_true(ledger_rows() == ledger);
	proto_buf_release(&b);
}

static void test_oversized_body(void **state)
{
	size_t len = (17u << 20);
	uint8_t *big = calloc(1, len);
	long long ledger = ledger_rows();
	ht_resp r;
	int rc;

	(void)state;
	assert_non_null(big);
	rc = ht_request(&hub, &alice, "POST", "/v1/push", big, len, &r);
	/* either a readable 413 or the connection closed under the upload */
	assert_true(rc != 0 || r.status == 413);
	ht_resp_free(&r);
	free(big);
	assert_true(ledger_rows() == ledger);
	/* the hub is still there */
	assert_int_equal(ht_request(&hub, NULL, "GET", "/v1/health", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	ht_resp_free(&r);
}

static void test_revoked(void **state)
{
	char token[128], hex[17];
	ht_agent bob;
	proto_buf b;
	ht_resp r;
	long long ledger, n403, kept;

	(void)state;
	proto_buf_init(&b, 1 << 24);
	assert_int_equal(ht_agent_new(&bob, &hub, "bob"), 0);
	assert_int_equal(ht_token(&hub, "--commune", COMMUNE, NULL, token), 0);
	assert_int_equal(ht_enroll(&hub, &bob, token, &r), 0);
	assert_int_equal(r.status, 200);
	ht_resp_free(&r);
	assert_int_equal(ht_households(&bob, NULL, COMMUNE, 1, &b, 0), 0);
	assert_int_equal(ht_request(&hub, &bob, "POST", "/v1/push", b.data, b.len, &r), 0);
	assert_int_equal(r.status, 200);
	ht_resp_free(&r);
	proto_key_id_hex(bob.id, hex);
	assert_int_equal(ht_run(NULL, 0, "agent revoke --dir %s/hub %s", hub.dir, hex), 0);
	proto_buf_reset(&b);
	assert_int_equal(ht_households(&bob, NULL, COMMUNE, 1, &b, 0), 0);
	ledger = ledger_rows();
	/* The serve process learns of the revocation (made by another process)
	 * at its next sweep, within 200 ms: until then the push gets through the
	 * handshake and is refused 403 revoked at ingest; from then on the TLS
	 * handshake itself fails (docs/HUB.md, "Limits at the door"). Either
	 * way nothing is applied; the handshake must fail within 5 s. */
	for (n403 = 0;; n403++) {
		assert_true(n403 < 50);
		if (ht_request(&hub, &bob, "POST", "/v1/push", b.data, b.len, &r) != 0)
			break; /* the handshake was refused */
		if (r.status != 403 || !strstr(r.body, "\"error\": \"revoked\""))
			fail_msg("push of a revoked agent: HTTP %ld %s", r.status, r.body);
		ht_resp_free(&r);
		usleep(100 * 1000);
	}
	ht_resp_free(&r);
	assert_true(ledger_rows() == ledger);
	/* each push that reached ingest was refused and kept. The push that
	 * ended the loop may have reached ingest too: the sweep that learns of
	 * the revocation closes the agent's open connections, and on a busy
	 * machine it can close this one after ingest kept the refusal but
	 * before the 403 went out (the laptop sees a cut and retries). */
	kept = ht_sql(&hub, "SELECT count(*) FROM hub_rejection WHERE code = 'revoked'");
	if (kept != n403 && kept != n403 + 1)
		fail_msg("%lld refusals kept for %lld answered 403 (and at most one cut)", kept, n403);
	/* nor can it enrol again with its old token (revoking the agent revoked
	 * the token it used) */
	assert_int_equal(ht_enroll(&hub, &bob, token, &r), 0);
	if (r.status != 403 || !strstr(r.body, "\"error\": \"token_revoked\""))
		fail_msg("re-enrolment of a revoked agent: HTTP %ld %s", r.status, r.body);
	ht_resp_free(&r);
	proto_buf_release(&b);
	ht_agent_free(&bob);
}

static void test_pull_decision(void **state)
{
	char out[8192], id[64];
	proto_key *hubkey = NULL;
	proto_changeset cs;
	ht_resp r;
	size_t i;
	int found = 0;

	(void)state;
	/* bob (another laptop of the same commune) recorded a household: alice gets it */
	assert_int_equal(ht_request(&hub, &alice, "GET", "/v1/pull?after=0", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	ht_resp_free(&r);

	assert_int_equal(ht_run(out, sizeof(out), "household list --dir %s/hub --json", hub.dir), 0);
	{
		const char *p = strstr(out, "\"id\": \"");
		assert_non_null(p);
		snprintf(id, sizeof(id), "%.*s", (int)strcspn(p + 7, "\""), p + 7);
	}
	assert_int_equal(ht_run(NULL, 0, "household approve --dir %s/hub %s", hub.dir, id), 0);
	assert_int_equal(ht_request(&hub, &alice, "GET", "/v1/pull?after=0", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_true(r.cursor[0] != '\0');
	assert_int_equal(proto_key_from_public_pem(hub_pem, strlen(hub_pem), &hubkey), PROTO_OK);
	assert_int_equal(proto_open(r.bin, r.bin_len, hubkey, &cs, NULL), PROTO_OK);
	assert_true(cs.hdr.origin == proto_key_id(hubkey));
	for (i = 0; i < cs.nrecords; i++) {
		const proto_record *rec = &cs.records[i];
		size_t k;
		assert_true(rec->writer != alice.id); /* its own records are not sent back */
		for (k = 0; k < rec->nfields; k++)
			if (rec->fields[k].field == PROTO_HH_REVIEW_STATUS &&
			    rec->fields[k].value.type == PROTO_V_TEXT &&
			    strcmp(rec->fields[k].value.text, "approved") == 0 &&
			    rec->writer == proto_key_id(hubkey))
				found = 1;
	}
	assert_true(found);
	proto_changeset_release(&cs);
	ht_resp_free(&r);
	assert_true(ht_sql(&hub, "SELECT count(*) FROM household WHERE review_status = 'approved'") == 1);
	proto_key_free(hubkey);

	/* a bad cursor is a clear 400 */
	assert_int_equal(ht_request(&hub, &alice, "GET", "/v1/pull?after=-1", NULL, 0, &r), 0);
	assert_int_equal(r.status, 400);
	ht_resp_free(&r);
}

static void test_import_twice(void **state)
{
	char token[128], path[400], out[4096];
	ht_agent carol;
	proto_buf b1, b2, bundle;
	const uint8_t *items[2];
	size_t lens[2];
	ht_resp r;
	long long ledger, households;
	FILE *f;

	(void)state;
	assert_int_equal(ht_agent_new(&carol, &hub, "carol"), 0);
	assert_int_equal(ht_token(&hub, "--district", 941, NULL, token), 0);
	assert_int_equal(ht_enroll(&hub, &carol, token, &r), 0);
	assert_int_equal(r.status, 200);
	ht_resp_free(&r);
	proto_buf_init(&b1, 1 << 24);
	proto_buf_init(&b2, 1 << 24);
	proto_buf_init(&bundle, 1 << 25);
	assert_int_equal(ht_households(&carol, NULL, OTHER_COMMUNE, 3, &b1, 0), 0);
	assert_int_equal(ht_households(&carol, NULL, COMMUNE, 2, &b2, 0), 0);
	items[0] = b1.data, lens[0] = b1.len;
	items[1] = b2.data, lens[1] = b2.len;
	assert_int_equal(proto_bundle_write(&bundle, items, lens, 2), PROTO_OK);
	snprintf(path, sizeof(path), "%s/usb.bundle", hub.dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(bundle.data, 1, bundle.len, f), bundle.len);
	fclose(f);

	ledger = ledger_rows();
	households = ht_sql(&hub, "SELECT count(*) FROM household");
	assert_int_equal(ht_run(out, sizeof(out), "import --dir %s/hub %s", hub.dir, path), 0);
	assert_true(ledger_rows() == ledger + 2);
	assert_true(ht_sql(&hub, "SELECT count(*) FROM household") == households + 5);
	assert_int_equal(ht_run(out, sizeof(out), "import --dir %s/hub %s", hub.dir, path), 0);
	assert_non_null(strstr(out, "0 applied, 2 already applied"));
	assert_true(ledger_rows() == ledger + 2);
	assert_true(ht_sql(&hub, "SELECT count(*) FROM household") == households + 5);

	/* a damaged file: refused whole, exit 4 */
	bundle.data[bundle.len - 1] ^= 1;
	bundle.len -= 10;
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(bundle.data, 1, bundle.len, f), bundle.len);
	fclose(f);
	assert_int_equal(ht_run(out, sizeof(out), "import --dir %s/hub %s 2>/dev/null", hub.dir, path), 4);
	assert_true(ledger_rows() == ledger + 2);
	proto_buf_release(&b1);
	proto_buf_release(&b2);
	proto_buf_release(&bundle);
	ht_agent_free(&carol);
}

TEST_MAIN_WITH(group_setup, group_teardown, cmocka_unit_test(test_init_files),
	       cmocka_unit_test(test_enroll), cmocka_unit_test(test_push_in_order),
	       cmocka_unit_test(test_push_rejections), cmocka_unit_test(test_push_needs_certificate),
	       cmocka_unit_test(test_oversized_body), cmocka_unit_test(test_revoked),
	       cmocka_unit_test(test_pull_decision), cmocka_unit_test(test_import_twice))
