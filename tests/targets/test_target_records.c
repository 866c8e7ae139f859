/*
 * test_target_records.c - the commune target in the format: decision field 7
 * (number) with action "target". Golden vector 3-target re-seals byte for
 * byte and reads back; its forgery (a commune code changed after signing)
 * and every bit flip fail; the rulebook requires the commune's code and the
 * number with that action, a code that is a commune of the campaign, and a
 * number within 0..PROTO_RULE_TARGET_MAX; golden vector 3, without the field,
 * is unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "maiam/proto.h"
#include "maiam/rules.h"
#include "maiam/seal.h"
#include "golden_records.h"
#include "golden_records_target.h"
#include "testmain.h"

/* golden-3-target.bin's SHA-256, pinned here as in golden-3-target.sha256 */
#define TARGET_HASH "112e81b7c72f9b22a1ed4b036b50f25d37b417eae473c97e52f001d830aa1a36"

#define VEC(name) MAIAM_VECTORS_DIR "/" name

/* The test key signs and, by its public half, checks. */
static proto_key *key;
static proto_campaign campaign;

static void load(const char *path, proto_buf *b)
{
	proto_buf_init(b, 1 << 20);
	assert_int_equal(proto_read_file(path, b), PROTO_OK);
}

static int setup(void **state)
{
	char err[256];

	(void)state;
	return proto_key_load_private(VEC("codec-test.key"), &key) != PROTO_OK ||
			       proto_campaign_load(MAIAM_SOURCE_DIR "/campaigns/soc-trang-2023.campaign",
						   &campaign, err, sizeof(err)) != PROTO_OK
		       ? -1
		       : 0;
}

static int teardown(void **state)
{
	(void)state;
	proto_key_free(key);
	proto_campaign_release(&campaign);
	return 0;
}

static void vector_reseals_and_reads_back(void **state)
{
	proto_buf file, mine, hexfile;
	proto_changeset cs, back;
	uint8_t hash[32];
	char hex[65];

	(void)state;
	load(VEC("golden-3-target.bin"), &file);
	load(VEC("golden-3-target.sha256"), &hexfile);
	proto_buf_init(&mine, 1 << 20);
	assert_int_equal(golden3_target_build(&cs, proto_key_id(key)), PROTO_OK);
	assert_int_equal(proto_records_version(cs.records, cs.nrecords), 3);
	assert_int_equal(proto_seal(&cs, key, &mine, hash), PROTO_OK);
	assert_int_equal(mine.len, file.len);
	assert_memory_equal(mine.data, file.data, file.len);
	proto_hex(hash, 32, hex);
	assert_string_equal(hex, TARGET_HASH);
	assert_memory_equal(hexfile.data, TARGET_HASH, 64);

	assert_int_equal(proto_open(file.data, file.len, key, &back, NULL), PROTO_OK);
	assert_int_equal(back.nrecords, 2);
	assert_int_equal(back.records[0].kind, PROTO_KIND_DECISION);
	assert_int_equal(back.records[0].nfields, 4);
	assert_int_equal(back.records[0].fields[0].field, PROTO_DE_OPERATOR);
	assert_string_equal(back.records[0].fields[0].value.text, GOLDEN_TARGET_WHO);
	assert_string_equal(back.records[0].fields[1].value.text, "target");
	assert_string_equal(back.records[0].fields[2].value.text, GOLDEN_TARGET_COMMUNE);
	assert_int_equal(back.records[0].fields[3].field, PROTO_DE_NUMBER);
	assert_int_equal(back.records[0].fields[3].value.i, 12);
	assert_string_equal(back.records[1].fields[2].value.text, GOLDEN_TARGET_SECOND);
	assert_int_equal(back.records[1].fields[3].value.i, 8);
	proto_changeset_release(&back);
	proto_changeset_release(&cs);
	proto_buf_release(&mine);
	proto_buf_release(&hexfile);
	proto_buf_release(&file);
}

static void forgery_and_bit_flips_fail(void **state)
{
	proto_buf forged, file;
	proto_changeset cs;
	size_t i;

	(void)state;
	load(VEC("forged-3-target.bin"), &forged);
	load(VEC("golden-3-target.bin"), &file);
	assert_int_equal(proto_open(forged.data, forged.len, key, &cs, NULL), PROTO_ESIGNATURE);
	proto_changeset_release(&cs);
	for (i = 0; i < file.len * 8; i++) {
		file.data[i / 8] ^= (uint8_t)(1u << (i % 8));
		assert_int_not_equal(proto_open(file.data, file.len, key, &cs, NULL), PROTO_OK);
		proto_changeset_release(&cs);
		file.data[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	proto_buf_release(&forged);
	proto_buf_release(&file);
}

/* A target decision as a record: number NO_NUMBER leaves it out, commune NULL too. */
#define NO_NUMBER INT64_MIN
static proto_rule check_target(const char *action, const char *commune, int64_t number, proto_violation *v)
{
	proto_changeset cs;
	proto_rules rules;
	proto_rule r;

	assert_int_equal(proto_changeset_init(&cs, GOLDEN_CAMPAIGN, 7, 1, NULL, GOLDEN_CREATED), PROTO_OK);
	assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_DECISION, (proto_id){ 7, 1 },
					       GOLDEN_CREATED + 1, 7),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_text(&cs, PROTO_DE_OPERATOR, 0, "lan", 3), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(&cs, PROTO_DE_ACTION, 0, action, strlen(action)),
			 PROTO_OK);
	if (commune)
		assert_int_equal(proto_changeset_add_text(&cs, PROTO_DE_ITEM, 0, commune, strlen(commune)),
				 PROTO_OK);
	if (number != NO_NUMBER)
		assert_int_equal(proto_changeset_add_int(&cs, PROTO_DE_NUMBER, 0, number), PROTO_OK);
	proto_rules_init(&rules, &campaign, NULL);
	r = proto_rules_check_record(&rules, &cs.records[0], v);
	proto_changeset_release(&cs);
	return r;
}

static void rulebook_checks_a_target(void **state)
{
	proto_violation v;
	char text[512];

	(void)state;
	assert_int_equal(check_target("target", "31498", 12, &v), PROTO_RULE_OK);
	assert_int_equal(check_target("target", "31498", 0, &v), PROTO_RULE_OK); /* clears */
	assert_int_equal(check_target("target", "31498", PROTO_RULE_TARGET_MAX, &v), PROTO_RULE_OK);
	assert_int_equal(check_target("target", "31498", PROTO_RULE_TARGET_MAX + 1, &v), PROTO_RULE_RANGE);
	assert_int_equal(v.field, PROTO_DE_NUMBER);
	assert_int_equal(check_target("target", "31498", -5, &v), PROTO_RULE_RANGE);
	/* both halves required with the action */
	assert_int_equal(check_target("target", "31498", NO_NUMBER, &v), PROTO_RULE_REQUIRED);
	assert_int_equal(v.field, PROTO_DE_NUMBER);
	assert_int_equal(check_target("target", NULL, 12, &v), PROTO_RULE_REQUIRED);
	assert_int_equal(v.field, PROTO_DE_ITEM);
	proto_violation_text(&v, text, sizeof(text));
	assert_non_null(strstr(text, "item is required"));
	/* a district, a code of no unit, and no code at all are no commune */
	assert_int_equal(check_target("target", "941", 12, &v), PROTO_RULE_UNIT);
	assert_int_equal(v.field, PROTO_DE_ITEM);
	assert_int_equal(check_target("target", "99999", 12, &v), PROTO_RULE_UNIT);
	assert_int_equal(check_target("target", "031498", 12, &v), PROTO_RULE_UNIT);
	assert_int_equal(check_target("target", "C-3", 12, &v), PROTO_RULE_UNIT);
	assert_int_equal(check_target("target", "", 12, &v), PROTO_RULE_UNIT);
	/* an action of no such name is still refused; a resolution needs no number */
	assert_int_equal(check_target("targets", "31498", 12, &v), PROTO_RULE_ENUM);
	assert_int_equal(check_target("resolved", "C-3", NO_NUMBER, &v), PROTO_RULE_OK);
}

TEST_MAIN_WITH(setup, teardown, cmocka_unit_test(vector_reseals_and_reads_back),
	       cmocka_unit_test(forgery_and_bit_flips_fail), cmocka_unit_test(rulebook_checks_a_target))
