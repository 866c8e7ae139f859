/*
 * test_golden_award.c - golden vector golden-3-award (FORMAT.md, "Test
 * vectors"): award nominations as decision records with fields 8..13 in
 * format version 3. Its records (tests/tools/golden_award.h) re-seal to the
 * committed file byte for byte, with the committed hash; it opens with the
 * test key and reads back every field; the rulebook accepts it and refuses
 * a field over its size or out of its codes; forged-3-award.bin (the number
 * of houses changed after signing) and every bit flip are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "maiam/proto.h"
#include "maiam/fsutil.h"
#include "maiam/rules.h"
#include "maiam/seal.h"
#include "../tools/golden_award.h"

static proto_key *key, *pub;

static void read_vector(const char *name, proto_buf *out)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", MAIAM_VECTORS_DIR, name);
	proto_buf_init(out, 1 << 20);
	if (proto_read_file(path, out) != PROTO_OK)
		fail_msg("cannot read vector '%s'", path);
}

static int setup(void **state)
{
	char path[4096];
	proto_buf pem;

	(void)state;
	snprintf(path, sizeof path, "%s/codec-test.key", MAIAM_VECTORS_DIR);
	if (proto_key_load_private(path, &key) != PROTO_OK)
		return -1;
	read_vector("codec-test.pub", &pem);
	if (proto_key_from_public_pem((const char *)pem.data, pem.len, &pub) != PROTO_OK)
		return -1;
	proto_buf_release(&pem);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	proto_key_free(key);
	proto_key_free(pub);
	return 0;
}

/* The text of field f of rec, or NULL. */
static const char *text_of(const proto_record *rec, uint8_t f)
{
	size_t i;

	for (i = 0; i < rec->nfields; i++)
		if (rec->fields[i].field == f && rec->fields[i].value.type == PROTO_V_TEXT)
			return rec->fields[i].value.text;
	return NULL;
}

static void reseals_and_reads_back(void **state)
{
	proto_buf file, hexfile, mine;
	proto_changeset cs, back;
	proto_rules rules;
	proto_violation v;
	uint8_t hash[32];
	char hex[65];

	(void)state;
	read_vector("golden-3-award.bin", &file);
	read_vector("golden-3-award.sha256", &hexfile);
	proto_buf_init(&mine, 1 << 20);
	assert_int_equal(golden_award_build(&cs, proto_key_id(key)), PROTO_OK);
	/* fields 8..13 need no version above 3 */
	assert_int_equal(proto_records_version(cs.records, cs.nrecords), 3);
	assert_int_equal(proto_seal(&cs, key, &mine, hash), PROTO_OK);
	assert_int_equal(mine.len, file.len);
	assert_memory_equal(mine.data, file.data, file.len);
	proto_hex(hash, 32, hex);
	assert_true(hexfile.len >= 64);
	assert_memory_equal(hex, hexfile.data, 64);
	proto_changeset_release(&cs);

	assert_int_equal(proto_open(file.data, file.len, pub, &back, NULL), PROTO_OK);
	assert_int_equal(back.hdr.version, 3);
	assert_int_equal(back.nrecords, 4);
	assert_int_equal(back.records[0].kind, PROTO_KIND_DECISION);
	assert_null(text_of(&back.records[0], PROTO_DE_TARGET)); /* no household */
	assert_string_equal(text_of(&back.records[0], PROTO_DE_ACTION), "nominated");
	assert_string_equal(text_of(&back.records[0], PROTO_DE_ITEM), "A-1");
	assert_string_equal(text_of(&back.records[0], PROTO_DE_UNIT), "943");
	assert_string_equal(text_of(&back.records[0], PROTO_DE_NOMINEE_KIND), "collective");
	assert_string_equal(text_of(&back.records[0], PROTO_DE_NOMINEE), GOLDEN_AWARD_NOMINEE);
	assert_string_equal(text_of(&back.records[0], PROTO_DE_ACHIEVEMENTS), GOLDEN_AWARD_ACHIEVEMENTS);
	assert_string_equal(text_of(&back.records[0], PROTO_DE_BACKING), GOLDEN_AWARD_BACKING);
	assert_null(text_of(&back.records[0], PROTO_DE_POSITION));
	assert_string_equal(text_of(&back.records[1], PROTO_DE_POSITION),
			    "T\xe1\xbb\x95 tr\xc6\xb0\xe1\xbb\x9fng");
	assert_string_equal(text_of(&back.records[2], PROTO_DE_ACTION), "returned");
	assert_string_equal(text_of(&back.records[2], PROTO_DE_NOTE),
			    "thi\xe1\xba\xbfu h\xe1\xbb\x93 s\xc6\xa1");
	assert_string_equal(text_of(&back.records[3], PROTO_DE_ACTION), "accepted");
	proto_rules_init(&rules, NULL, NULL);
	assert_int_equal(proto_rules_check_changeset(&rules, &back, &v), PROTO_RULE_OK);
	proto_changeset_release(&back);
	proto_buf_release(&mine);
	proto_buf_release(&hexfile);
	proto_buf_release(&file);
}

/* The rulebook's bounds of the nomination's fields. */
static void rules_bound_the_fields(void **state)
{
	proto_rules rules;
	proto_violation v;
	char big[PROTO_MAX_TEXT + 2];
	proto_value val = { .type = PROTO_V_TEXT };

	(void)state;
	proto_rules_init(&rules, NULL, NULL);
	val.text = "group";
	val.len = 5;
	assert_int_equal(proto_rules_check_value(&rules, PROTO_KIND_DECISION, PROTO_DE_NOMINEE_KIND,
						 &val, &v),
			 PROTO_RULE_ENUM);
	val.text = "nominated";
	val.len = 9;
	assert_int_equal(proto_rules_check_value(&rules, PROTO_KIND_DECISION, PROTO_DE_ACTION, &val, &v),
			 PROTO_RULE_OK);
	memset(big, 'a', sizeof big);
	big[PROTO_RULE_AWARD_UNIT_MAX + 1] = '\0';
	val.text = big;
	val.len = PROTO_RULE_AWARD_UNIT_MAX + 1;
	assert_int_equal(proto_rules_check_value(&rules, PROTO_KIND_DECISION, PROTO_DE_UNIT, &val, &v),
			 PROTO_RULE_TEXT_LENGTH);
	memset(big, 'a', sizeof big);
	big[201] = '\0';
	val.len = 201;
	assert_int_equal(proto_rules_check_value(&rules, PROTO_KIND_DECISION, PROTO_DE_NOMINEE, &val, &v),
			 PROTO_RULE_TEXT_LENGTH);
	val.len = 200;
	big[200] = '\0';
	assert_int_equal(proto_rules_check_value(&rules, PROTO_KIND_DECISION, PROTO_DE_NOMINEE, &val, &v),
			 PROTO_RULE_OK);
	assert_int_equal(proto_rules_text_max(PROTO_KIND_DECISION, PROTO_DE_BACKING),
			 PROTO_RULE_AWARD_BACKING_MAX);
	assert_int_equal(proto_rules_text_max(PROTO_KIND_DECISION, PROTO_DE_ACHIEVEMENTS), PROTO_MAX_TEXT);
}

/* The achievements changed after signing fail the signature; so does every
 * bit flip. */
static void forgeries_refused(void **state)
{
	proto_buf forged, file;
	proto_changeset cs;
	size_t i;

	(void)state;
	read_vector("forged-3-award.bin", &forged);
	read_vector("golden-3-award.bin", &file);
	assert_int_equal(proto_open(forged.data, forged.len, pub, &cs, NULL), PROTO_ESIGNATURE);
	assert_int_equal(cs.nrecords, 0);
	proto_changeset_release(&cs);
	for (i = 0; i < file.len * 8; i++) {
		proto_result r;

		file.data[i / 8] ^= (uint8_t)(1u << (i % 8));
		r = proto_open(file.data, file.len, pub, &cs, NULL);
		proto_changeset_release(&cs);
		file.data[i / 8] ^= (uint8_t)(1u << (i % 8));
		if (r == PROTO_OK)
			fail_msg("bit %zu flipped was accepted", i);
	}
	proto_buf_release(&forged);
	proto_buf_release(&file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reseals_and_reads_back),
		cmocka_unit_test(rules_bound_the_fields),
		cmocka_unit_test(forgeries_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
