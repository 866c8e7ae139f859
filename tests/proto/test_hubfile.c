/*
 * test_hubfile.c - the enrolment file, the update file and the enrolment
 * claim (proto/FORMAT.md "Hub files"): today's writer rebuilds the golden
 * files byte for byte (the update file in both versions), the reader
 * gives back what was written, and every forged, foreign, replayed-into-the-
 * wrong-hands, cut, padded or reordered file is refused with its own code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "maiam/fsutil.h"
#include "maiam/hubfile.h"
#include "protofix.h"
#include "../tools/golden_hubfiles.h"

#define VEC(name) MAIAM_VECTORS_DIR "/" name

static proto_key *test_key(void)
{
	proto_key *k = NULL;

	assert_int_equal(proto_key_load_private(VEC("codec-test.key"), &k), PROTO_OK);
	return k;
}

static void load(const char *path, proto_buf *b)
{
	proto_buf_init(b, PROTO_UPDATE_MAX_FILE);
	assert_int_equal(proto_read_file(path, b), PROTO_OK);
}

static void write_enrol(proto_buf *out, proto_key *k)
{
	proto_enrol_file e;

	golden_enrol(&e, k);
	proto_buf_init(out, PROTO_ENROL_MAX_FILE);
	assert_int_equal(proto_enrol_write(out, &e, k), PROTO_OK);
}

static void write_update(proto_buf *out, proto_key *k, const proto_buf *item, int version)
{
	proto_update_file u;
	const uint8_t *items[1] = { item->data };
	size_t lens[1] = { item->len };

	if (version == 2)
		golden_update2(&u, GOLDEN_UPDATE_AGENT);
	else
		golden_update(&u, GOLDEN_UPDATE_AGENT);
	proto_buf_init(out, PROTO_UPDATE_MAX_FILE);
	assert_int_equal(proto_update_write(out, &u, items, lens, 1, k), PROTO_OK);
}

static void golden_files_rebuild_exactly(void **state)
{
	proto_key *k = test_key();
	proto_buf enrol, update, want, item;

	(void)state;
	load(VEC("golden-1.bin"), &item);
	write_enrol(&enrol, k);
	load(VEC("enrol-1.maiam"), &want);
	assert_int_equal(enrol.len, want.len);
	assert_memory_equal(enrol.data, want.data, want.len);
	proto_buf_release(&want);
	write_update(&update, k, &item, 1);
	load(VEC("update-1.maiam"), &want);
	assert_int_equal(update.len, want.len);
	assert_memory_equal(update.data, want.data, want.len);
	proto_buf_release(&want);
	proto_buf_release(&update);
	/* with feedback, version 2; without, still version 1 byte for byte */
	write_update(&update, k, &item, 2);
	load(VEC("update-2.maiam"), &want);
	assert_int_equal(update.len, want.len);
	assert_memory_equal(update.data, want.data, want.len);
	assert_memory_equal(update.data, PROTO_UPDATE_MAGIC2, 8);
	proto_buf_release(&want);
	proto_buf_release(&enrol);
	proto_buf_release(&update);
	proto_buf_release(&item);
	proto_key_free(k);
}

static void enrol_reads_back(void **state)
{
	proto_key *k = test_key();
	proto_enrol_file want, got;
	proto_buf b;

	(void)state;
	load(VEC("enrol-1.maiam"), &b);
	golden_enrol(&want, k);
	assert_int_equal(proto_enrol_read(b.data, b.len, &got), PROTO_OK);
	assert_string_equal(got.campaign, want.campaign);
	assert_string_equal(got.hub_url, want.hub_url);
	assert_string_equal(got.ca_pem, want.ca_pem);
	assert_memory_equal(got.hub_pub, want.hub_pub, PROTO_PUBKEY_LEN);
	assert_string_equal(got.token, want.token);
	assert_int_equal(got.area_kind, PROTO_AREA_COMMUNE);
	assert_int_equal(got.area_code, 31471);
	assert_int_equal(got.issued, want.issued);
	assert_int_equal(got.expires, want.expires);
	proto_buf_release(&b);
	proto_key_free(k);
}

/* The golden update file name reads back: the golden header, one item
 * (golden-1.bin) and feedback, borrowed from the file (NULL: none). */
static void read_golden_update(const char *name, const char *feedback)
{
	proto_key *k = test_key();
	proto_update_file u;
	proto_buf b, item;
	const uint8_t *it;
	size_t n;

	load(name, &b);
	load(VEC("golden-1.bin"), &item);
	assert_int_equal(proto_update_read(b.data, b.len, k, &u), PROTO_OK);
	assert_string_equal(u.campaign, "soc-trang-2023");
	assert_true(u.agent == GOLDEN_UPDATE_AGENT);
	assert_int_equal(u.after, 41);
	assert_int_equal(u.cursor, 57);
	if (feedback) {
		assert_int_equal(u.feedback_len, strlen(feedback));
		assert_memory_equal(u.feedback, feedback, u.feedback_len);
		assert_true((const uint8_t *)u.feedback > b.data &&
			    (const uint8_t *)u.feedback + u.feedback_len < b.data + b.len);
	} else {
		assert_null(u.feedback);
		assert_int_equal(u.feedback_len, 0);
	}
	assert_int_equal(u.nitems, 1);
	assert_int_equal(proto_update_next(&u, &it, &n), PROTO_OK);
	assert_int_equal(n, item.len);
	assert_memory_equal(it, item.data, n);
	assert_int_equal(proto_update_next(&u, &it, &n), PROTO_OK);
	assert_null(it);
	assert_int_equal(n, 0);
	proto_buf_release(&item);
	proto_buf_release(&b);
	proto_key_free(k);
}

static void update_reads_back_with_its_items(void **state)
{
	(void)state;
	read_golden_update(VEC("update-1.maiam"), NULL);
}

/* Version 2 reads back its feedback as well. */
static void update2_reads_back_its_feedback(void **state)
{
	(void)state;
	read_golden_update(VEC("update-2.maiam"), GOLDEN_UPDATE_FEEDBACK);
}

/* The committed forgeries: one byte of a field changed, signature kept. */
static void forgeries_fail_the_signature(void **state)
{
	proto_key *k = test_key();
	proto_enrol_file e;
	proto_update_file u;
	proto_buf b;

	(void)state;
	load(VEC("enrol-forged-1.maiam"), &b);
	assert_int_equal(proto_enrol_read(b.data, b.len, &e), PROTO_ESIGNATURE);
	proto_buf_release(&b);
	load(VEC("update-forged-1.maiam"), &b);
	assert_int_equal(proto_update_read(b.data, b.len, k, &u), PROTO_ESIGNATURE);
	proto_buf_release(&b);
	/* a digit of the feedback's national id changed */
	load(VEC("update-forged-2.maiam"), &b);
	assert_int_equal(proto_update_read(b.data, b.len, k, &u), PROTO_ESIGNATURE);
	proto_buf_release(&b);
	proto_key_free(k);
}

/* An update file from another hub is refused before any field is read; an
 * enrolment file whose signer is not the key it carries is too. */
static void foreign_signer_is_refused(void **state)
{
	proto_key *k = test_key(), *other = NULL;
	proto_update_file u;
	proto_enrol_file e;
	proto_buf b, item, out;
	const uint8_t *items[1];
	size_t lens[1];

	(void)state;
	assert_int_equal(proto_key_generate(&other), PROTO_OK);
	load(VEC("update-1.maiam"), &b);
	assert_int_equal(proto_update_read(b.data, b.len, other, &u), PROTO_EKEYID);
	proto_buf_release(&b);

	/* written by another hub: its own key verifies it, ours does not */
	load(VEC("golden-1.bin"), &item);
	items[0] = item.data;
	lens[0] = item.len;
	golden_update(&u, GOLDEN_UPDATE_AGENT);
	proto_buf_init(&out, PROTO_UPDATE_MAX_FILE);
	assert_int_equal(proto_update_write(&out, &u, items, lens, 1, other), PROTO_OK);
	assert_int_equal(proto_update_read(out.data, out.len, k, &u), PROTO_EKEYID);
	assert_int_equal(proto_update_read(out.data, out.len, other, &u), PROTO_OK);
	proto_buf_release(&out);

	/* an enrolment file naming our key, signed by another: the writer
	 * refuses to make it, and a hand-made one fails the key id check */
	golden_enrol(&e, k);
	proto_buf_init(&out, PROTO_ENROL_MAX_FILE);
	assert_int_equal(proto_enrol_write(&out, &e, other), PROTO_EKEYID);
	assert_int_equal(out.len, 0);
	write_enrol(&b, k);
	/* the signer id sits just before the signature */
	for (int i = 0; i < 8; i++)
		b.data[b.len - PROTO_SIG_LEN - 8 + i] ^= 0xff;
	assert_int_equal(proto_enrol_read(b.data, b.len, &e), PROTO_EKEYID);
	proto_buf_release(&b);
	proto_buf_release(&out);
	proto_buf_release(&item);
	proto_key_free(other);
	proto_key_free(k);
}

/* Every prefix of a file is refused (never read past the end); so is a
 * byte after the signature, and the other kind's magic. */
static void cut_padded_or_wrong_kind(void **state)
{
	proto_key *k = test_key();
	proto_enrol_file e;
	proto_update_file u;
	proto_buf b;
	proto_result r;

	(void)state;
	write_enrol(&b, k);
	for (size_t n = 0; n < b.len; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		assert_non_null(copy);
		memcpy(copy, b.data, n);
		r = proto_enrol_read(copy, n, &e);
		assert_true(r == PROTO_EMAGIC || r == PROTO_ETRUNCATED);
		free(copy);
	}
	assert_int_equal(proto_buf_append_byte(&b, 0), PROTO_OK);
	assert_int_equal(proto_enrol_read(b.data, b.len, &e), PROTO_ETRAILING);
	b.len--;
	assert_int_equal(proto_update_read(b.data, b.len, k, &u), PROTO_EMAGIC);
	proto_buf_release(&b);
	proto_key_free(k);
}

/*
 * A body re-signed with the right key but breaking a rule of the format:
 * each is refused with the code that names the rule. The bodies are built
 * here field by field, as a hostile hub (or a bug) could.
 */
typedef struct body_case {
	const char *what;
	const uint8_t *body;
	size_t len;
	proto_result want;
} body_case;

static void sign_body(proto_buf *out, const char *magic, const uint8_t *body, size_t len, proto_key *k)
{
	uint8_t sig[PROTO_SIG_LEN];

	proto_buf_init(out, PROTO_ENROL_MAX_FILE);
	assert_int_equal(proto_buf_append(out, magic, 8), PROTO_OK);
	assert_int_equal(proto_buf_put_be32(out, (uint32_t)len), PROTO_OK);
	assert_int_equal(proto_buf_append(out, body, len), PROTO_OK);
	assert_int_equal(proto_buf_put_be64(out, proto_key_id(k)), PROTO_OK);
	assert_int_equal(proto_sign(k, out->data, out->len, sig), PROTO_OK);
	assert_int_equal(proto_buf_append(out, sig, sizeof(sig)), PROTO_OK);
}

#define HDR(tag, n) (tag), 0, 0, 0, (n)
#define CAMPAIGN HDR(1, 3), 'a', 'b', 'c'
#define ISSUED HDR(2, 8), 0, 0, 0, 0, 0x64, 0x78, 0xe0, 0
#define AGENT HDR(16, 8), 1, 2, 3, 4, 5, 6, 7, 8
#define AFTER(v) HDR(17, 8), 0, 0, 0, 0, 0, 0, 0, (v)
#define CURSOR(v) HDR(18, 8), 0, 0, 0, 0, 0, 0, 0, (v)
#define ITEM HDR(32, 2), 'z', 'z'

/* Each body signed with the right key under magic, read: the result each
 * case wants; a body read is one of two items and feedback_len bytes of
 * feedback when it is the first case (the well formed one). */
static void read_bodies(const char *magic, const body_case *cases, size_t n, size_t feedback_len)
{
	proto_key *k = test_key();

	for (size_t i = 0; i < n; i++) {
		proto_update_file u;
		proto_buf b;
		proto_result r;

		sign_body(&b, magic, cases[i].body, cases[i].len, k);
		r = proto_update_read(b.data, b.len, k, &u);
		if (r != cases[i].want)
			fail_msg("%s: got %s, want %s", cases[i].what, proto_strerror(r),
				 proto_strerror(cases[i].want));
		if (r == PROTO_OK) {
			assert_int_equal(u.nitems, 2);
			assert_int_equal(u.feedback_len, i == 0 ? feedback_len : 0);
		}
		proto_buf_release(&b);
	}
	proto_key_free(k);
}

static void update_body_rules(void **state)
{
	static const uint8_t ok[] = { CAMPAIGN, ISSUED, AGENT, AFTER(1), CURSOR(2), ITEM, ITEM };
	static const uint8_t reordered[] = { ISSUED, CAMPAIGN, AGENT, AFTER(1), CURSOR(2) };
	static const uint8_t twice[] = { CAMPAIGN, CAMPAIGN, ISSUED, AGENT, AFTER(1), CURSOR(2) };
	static const uint8_t missing[] = { CAMPAIGN, ISSUED, AGENT, CURSOR(2) };
	static const uint8_t unknown[] = { CAMPAIGN, ISSUED, AGENT, AFTER(1), CURSOR(2), HDR(21, 1), 0 };
	static const uint8_t enrol_field[] = { CAMPAIGN, ISSUED,   HDR(6, 1), 't',
					       AGENT,    AFTER(1), CURSOR(2) };
	static const uint8_t after_item[] = { CAMPAIGN, ISSUED, AGENT, AFTER(1), ITEM, CURSOR(2) };
	static const uint8_t backwards[] = { CAMPAIGN, ISSUED, AGENT, AFTER(5), CURSOR(2) };
	static const uint8_t short_int[] = { CAMPAIGN, ISSUED, AGENT, HDR(17, 7), 0, 0,
					     0,        0,      0,     0,          1, CURSOR(2) };
	static const uint8_t bad_utf8[] = { HDR(1, 2), 0xc3, 0x28, ISSUED, AGENT, AFTER(1), CURSOR(2) };
	static const uint8_t empty_item[] = { CAMPAIGN, ISSUED, AGENT, AFTER(1), CURSOR(2), HDR(32, 0) };
	static const uint8_t cut_field[] = { CAMPAIGN,  ISSUED,     AGENT, AFTER(1),
					     CURSOR(2), HDR(32, 9), 'z' };
	static const body_case cases[] = {
		{ "well formed, two items", ok, sizeof(ok), PROTO_OK },
		{ "tags out of order", reordered, sizeof(reordered), PROTO_EBODY },
		{ "a field twice", twice, sizeof(twice), PROTO_EBODY },
		{ "a required field missing", missing, sizeof(missing), PROTO_EBODY },
		{ "an unknown tag", unknown, sizeof(unknown), PROTO_EBODY },
		{ "an enrolment field", enrol_field, sizeof(enrol_field), PROTO_EBODY },
		{ "a field after the items", after_item, sizeof(after_item), PROTO_EBODY },
		{ "cursor before after", backwards, sizeof(backwards), PROTO_EVALUE },
		{ "a 7-byte integer", short_int, sizeof(short_int), PROTO_EBODY },
		{ "campaign not UTF-8", bad_utf8, sizeof(bad_utf8), PROTO_EUTF8 },
		{ "an empty item", empty_item, sizeof(empty_item), PROTO_ELIMIT },
		{ "a field longer than the body", cut_field, sizeof(cut_field), PROTO_ETRUNCATED },
	};
	(void)state;
	read_bodies(PROTO_UPDATE_MAGIC, cases, sizeof(cases) / sizeof(cases[0]), 0);
}

#define FEEDBACK HDR(21, 2), '{', '}'

/* Version 2 takes the feedback field (once, before the items, 1 byte or
 * more of UTF-8) and everything version 1 takes; version 1 never takes it
 * ("an unknown tag" above). */
static void update2_body_rules(void **state)
{
	static const uint8_t ok[] = { CAMPAIGN, ISSUED, AGENT, AFTER(1), CURSOR(2), FEEDBACK, ITEM, ITEM };
	static const uint8_t no_feedback[] = { CAMPAIGN, ISSUED, AGENT, AFTER(1), CURSOR(2), ITEM, ITEM };
	static const uint8_t twice[] = { CAMPAIGN, ISSUED, AGENT, AFTER(1), CURSOR(2), FEEDBACK, FEEDBACK };
	static const uint8_t after_item[] = { CAMPAIGN,  ISSUED, AGENT,   AFTER(1),
					      CURSOR(2), ITEM,   FEEDBACK };
	static const uint8_t empty[] = { CAMPAIGN, ISSUED, AGENT, AFTER(1), CURSOR(2), HDR(21, 0) };
	static const uint8_t bad_utf8[] = { CAMPAIGN,  ISSUED,     AGENT, AFTER(1),
					    CURSOR(2), HDR(21, 2), 0xc3,  0x28 };
	static const uint8_t unknown[] = { CAMPAIGN, ISSUED, AGENT, AFTER(1), CURSOR(2), HDR(22, 1), 0 };
	static const body_case cases[] = {
		{ "well formed, feedback and two items", ok, sizeof(ok), PROTO_OK },
		{ "well formed, no feedback", no_feedback, sizeof(no_feedback), PROTO_OK },
		{ "feedback twice", twice, sizeof(twice), PROTO_EBODY },
		{ "feedback after the items", after_item, sizeof(after_item), PROTO_EBODY },
		{ "empty feedback", empty, sizeof(empty), PROTO_ELIMIT },
		{ "feedback not UTF-8", bad_utf8, sizeof(bad_utf8), PROTO_EUTF8 },
		{ "a tag no version has", unknown, sizeof(unknown), PROTO_EBODY },
	};
	(void)state;
	read_bodies(PROTO_UPDATE_MAGIC2, cases, sizeof(cases) / sizeof(cases[0]), 2);
}

/* The writer refuses what the reader would refuse, and writes nothing. */
static void writer_checks_values(void **state)
{
	proto_key *k = test_key();
	proto_enrol_file e;
	proto_update_file u;
	proto_buf out;

	(void)state;
	proto_buf_init(&out, PROTO_ENROL_MAX_FILE);
	golden_enrol(&e, k);
	e.area_kind = 3;
	assert_int_equal(proto_enrol_write(&out, &e, k), PROTO_EVALUE);
	golden_enrol(&e, k);
	e.expires = e.issued;
	assert_int_equal(proto_enrol_write(&out, &e, k), PROTO_EVALUE);
	golden_enrol(&e, k);
	e.area_code = 100000;
	assert_int_equal(proto_enrol_write(&out, &e, k), PROTO_EVALUE);
	golden_enrol(&e, k);
	snprintf(e.token, sizeof(e.token), "has space");
	assert_int_equal(proto_enrol_write(&out, &e, k), PROTO_EVALUE);
	golden_enrol(&e, k);
	e.token[0] = '\0';
	assert_int_equal(proto_enrol_write(&out, &e, k), PROTO_ELIMIT);
	golden_enrol(&e, k);
	snprintf(e.campaign, sizeof(e.campaign), "bad \xc3");
	assert_int_equal(proto_enrol_write(&out, &e, k), PROTO_EUTF8);
	golden_update(&u, 0);
	assert_int_equal(proto_update_write(&out, &u, NULL, NULL, 0, k), PROTO_EVALUE);
	golden_update(&u, 1);
	u.after = -1;
	assert_int_equal(proto_update_write(&out, &u, NULL, NULL, 0, k), PROTO_EVALUE);
	golden_update2(&u, 1);
	u.feedback_len = 0;
	assert_int_equal(proto_update_write(&out, &u, NULL, NULL, 0, k), PROTO_ELIMIT);
	golden_update2(&u, 1);
	u.feedback = "{\"x\": \"\xc3\"}";
	u.feedback_len = strlen(u.feedback);
	assert_int_equal(proto_update_write(&out, &u, NULL, NULL, 0, k), PROTO_EUTF8);
	assert_int_equal(out.len, 0);
	/* an update with no items is a valid file: nothing new since the cursor */
	golden_update(&u, 1);
	assert_int_equal(proto_update_write(&out, &u, NULL, NULL, 0, k), PROTO_OK);
	assert_int_equal(proto_update_read(out.data, out.len, k, &u), PROTO_OK);
	assert_int_equal(u.nitems, 0);
	proto_buf_release(&out);
	proto_key_free(k);
}

/* The claim: rebuilt byte for byte, read back, its forgery refused, and it
 * can only be made with the key it names. */
static void claim_is_the_laptops_own(void **state)
{
	proto_key *k = test_key(), *other = NULL;
	proto_claim_file c, got;
	proto_buf b, want;

	(void)state;
	golden_claim(&c, k);
	proto_buf_init(&b, PROTO_CLAIM_MAX_FILE);
	assert_int_equal(proto_claim_write(&b, &c, k), PROTO_OK);
	load(VEC("claim-1.maiam"), &want);
	assert_int_equal(b.len, want.len);
	assert_memory_equal(b.data, want.data, want.len);
	assert_int_equal(proto_claim_read(want.data, want.len, &got), PROTO_OK);
	assert_string_equal(got.campaign, c.campaign);
	assert_string_equal(got.token, c.token);
	assert_memory_equal(got.agent_pub, c.agent_pub, PROTO_PUBKEY_LEN);
	assert_int_equal(got.issued, c.issued);
	proto_buf_release(&want);
	load(VEC("claim-forged-1.maiam"), &want);
	assert_int_equal(proto_claim_read(want.data, want.len, &got), PROTO_ESIGNATURE);
	proto_buf_release(&want);
	/* a claim for our key, made with another: the writer refuses */
	assert_int_equal(proto_key_generate(&other), PROTO_OK);
	b.len = 0;
	assert_int_equal(proto_claim_write(&b, &c, other), PROTO_EKEYID);
	assert_int_equal(b.len, 0);
	/* nor is a claim an enrolment file, or the reverse */
	assert_int_equal(proto_claim_write(&b, &c, k), PROTO_OK);
	assert_int_equal(proto_enrol_read(b.data, b.len, &(proto_enrol_file){ 0 }), PROTO_EMAGIC);
	for (size_t n = 0; n < b.len; n++) {
		proto_result r = proto_claim_read(b.data, n, &got);
		assert_true(r == PROTO_EMAGIC || r == PROTO_ETRUNCATED);
	}
	proto_buf_release(&b);
	proto_key_free(other);
	proto_key_free(k);
}

/* The optional client certificate and acknowledged seq of an update file
 * travel and are signed. */
static void update_carries_a_client_certificate(void **state)
{
	proto_key *k = test_key();
	proto_update_file u, got;
	proto_buf b;

	(void)state;
	golden_update(&u, 7);
	snprintf(u.client_cert, sizeof(u.client_cert), "%s", GOLDEN_CA_PEM);
	u.acked = 12;
	proto_buf_init(&b, PROTO_UPDATE_MAX_FILE);
	assert_int_equal(proto_update_write(&b, &u, NULL, NULL, 0, k), PROTO_OK);
	assert_int_equal(proto_update_read(b.data, b.len, k, &got), PROTO_OK);
	assert_string_equal(got.client_cert, GOLDEN_CA_PEM);
	assert_int_equal(got.acked, 12);
	b.data[b.len - PROTO_SIG_LEN - 8 - 10] ^= 1; /* inside the certificate */
	assert_int_equal(proto_update_read(b.data, b.len, k, &got), PROTO_ESIGNATURE);
	proto_buf_release(&b);
	proto_key_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_files_rebuild_exactly),
		cmocka_unit_test(enrol_reads_back),
		cmocka_unit_test(update_reads_back_with_its_items),
		cmocka_unit_test(update2_reads_back_its_feedback),
		cmocka_unit_test(forgeries_fail_the_signature),
		cmocka_unit_test(foreign_signer_is_refused),
		cmocka_unit_test(cut_padded_or_wrong_kind),
		cmocka_unit_test(update_body_rules),
		cmocka_unit_test(update2_body_rules),
		cmocka_unit_test(writer_checks_values),
		cmocka_unit_test(claim_is_the_laptops_own),
		cmocka_unit_test(update_carries_a_client_certificate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
