/*
 * test_body_size.c - proto_record_measure is an upper bound of what a record
 * adds to an encoded body, however the record is placed (first, after
 * others, every value at its widest, every id foreign, texts that miss or hit
 * the dictionary), and its text count is exact. The hub's pull relies on it
 * to stop before an encoder limit. proto_seal_stored seals what deflates
 * past the ratio a reader accepts, and any reader opens it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "maiam/changeset.h"
#include "maiam/keys.h"
#include "maiam/schema.h"
#include "maiam/seal.h"

#define ORIGIN 0x1122334455667788ull
#define FOREIGN 0xfedcba9876543210ull
#define CREATED ((uint64_t)1688000000000ull << 16)

static char big[PROTO_MAX_TEXT + 1];

/* A household with every value at its widest: max text, extreme ints, wide stamps. */
static void add_wide_household(proto_changeset *cs, uint64_t serial, uint64_t stamp, size_t note)
{
	proto_id id = { FOREIGN, serial };

	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, id, stamp, FOREIGN), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_HH_NAME, stamp - 1, big, 200), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_HH_COMMUNE, stamp - 1, INT64_MIN), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_HH_MEMBERS, 0, INT64_MAX), PROTO_OK);
	assert_int_equal(proto_changeset_add_null(cs, PROTO_HH_PHONE, stamp / 2), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_HH_NOTE, stamp - 1, big, note), PROTO_OK);
}

static void add_events(proto_changeset *cs, uint64_t serial, uint64_t stamp)
{
	proto_id hh = { FOREIGN, UINT64_MAX - serial };

	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_MILESTONE, (proto_id){ FOREIGN, serial },
					       stamp, FOREIGN),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_ref(cs, PROTO_MS_HOUSEHOLD, 0, hh), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_MS_STAGE, 0, "roof", 4), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_MS_DATE, 0, "2023-08-01", 10), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_MS_NOTE, 0, big, PROTO_MAX_TEXT), PROTO_OK);
	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_CONTRIBUTION,
					       (proto_id){ FOREIGN, serial + 1 }, stamp + 1, FOREIGN),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_null(cs, PROTO_CT_HOUSEHOLD, 0), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_CT_UNIT, 0, INT64_MIN), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_CT_SOURCE, 0, "donor", 5), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_CT_MONEY, 0, INT64_MAX), PROTO_OK);
	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_VOID, (proto_id){ FOREIGN, serial + 2 },
					       stamp + 2, FOREIGN),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_ref(cs, PROTO_VO_TARGET, 0, hh), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_VO_TARGET_KIND, 0, PROTO_KIND_MILESTONE),
			 PROTO_OK);
}

/* The encoded body is never larger than the fixed part plus the bounds. */
static void check_bound(proto_changeset *cs)
{
	proto_buf body;
	uint64_t bound = proto_body_fixed_max(), text = 0, real_text = 0;

	for (size_t i = 0; i < cs->nrecords; i++) {
		proto_record_bound b;
		assert_int_equal(proto_record_measure(&cs->records[i], &b), PROTO_OK);
		bound += b.body;
		text += b.text;
		for (size_t k = 0; k < cs->records[i].nfields; k++)
			if (cs->records[i].fields[k].value.type == PROTO_V_TEXT)
				real_text += cs->records[i].fields[k].value.len;
	}
	assert_int_equal(text, real_text);
	proto_buf_init(&body, PROTO_MAX_BODY);
	assert_int_equal(proto_body_encode(cs, &body), PROTO_OK);
	assert_true(body.len <= bound);
	proto_buf_release(&body);
}

static void test_one_record_each_kind(void **state)
{
	proto_changeset cs;

	(void)state;
	assert_int_equal(proto_changeset_init(&cs, "soc-trang-2023", ORIGIN, 1, NULL, CREATED), PROTO_OK);
	add_wide_household(&cs, UINT64_MAX, UINT64_MAX, PROTO_MAX_TEXT);
	check_bound(&cs);
	proto_changeset_release(&cs);
	assert_int_equal(proto_changeset_init(&cs, "soc-trang-2023", ORIGIN, 1, NULL, CREATED), PROTO_OK);
	add_events(&cs, 1, UINT64_MAX - 3);
	check_bound(&cs);
	proto_changeset_release(&cs);
}

/* Stamps that jump back and forth, serials far apart, texts repeated
 * (dictionary hits) and distinct (past the dictionary's 4096 entries). */
static void test_many_records(void **state)
{
	proto_changeset cs;
	uint64_t stamps[] = { 2, UINT64_MAX - 16, CREATED, 7, UINT64_MAX / 3 };

	(void)state;
	assert_int_equal(proto_changeset_init(&cs, "soc-trang-2023", ORIGIN, 1, NULL, CREATED), PROTO_OK);
	for (uint64_t i = 0; i < 5000; i++) {
		big[i % 64] = (char)('a' + i % 26); /* a new text most of the time */
		add_wide_household(&cs, i % 2 ? i : UINT64_MAX - i, stamps[i % 5] + i % 8, 64 + i % 3);
		if (i % 100 == 0)
			add_events(&cs, i * 1000 + 1, stamps[(i + 1) % 5]);
	}
	check_bound(&cs);
	proto_changeset_release(&cs);
}

static void test_fixed_and_budget(void **state)
{
	proto_record_bound b;
	proto_record rec = { 0 };

	(void)state;
	/* the directory of every column fits in a few KiB: a pull can afford it */
	assert_true(proto_body_fixed_max() < 8192);
	assert_true(proto_body_text_max() <= PROTO_MAX_BODY);
	assert_int_equal(proto_record_measure(NULL, &b), PROTO_EINVAL);
	rec.nfields = 1;
	assert_int_equal(proto_record_measure(&rec, &b), PROTO_EINVAL);
}

/* Alike records, a second apart: proto_seal refuses them (ratio), stored
 * blocks carry them, and they open to the same records. */
static void test_stored_seal(void **state)
{
	proto_changeset cs, back;
	proto_key *key;
	proto_buf out;
	uint8_t zeros[32] = { 0 }, hash[32];
	uint64_t t0 = CREATED;

	(void)state;
	assert_int_equal(proto_key_generate(&key), PROTO_OK);
	assert_int_equal(proto_changeset_init(&cs, "soc-trang-2023", proto_key_id(key), 1, zeros,
					      t0 + ((uint64_t)4000 * 1000 << 16)),
			 PROTO_OK);
	for (uint64_t i = 0; i < 4000; i++) {
		assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD,
						       (proto_id){ FOREIGN, i + 1 },
						       t0 + (i * 1000 << 16), FOREIGN),
				 PROTO_OK);
		assert_int_equal(proto_changeset_add_text(&cs, PROTO_HH_NOTE, 0, big, 2000), PROTO_OK);
	}
	proto_buf_init(&out, PROTO_MAX_ZBODY + 4096);
	assert_int_equal(proto_seal(&cs, key, &out, hash), PROTO_ERATIO);
	assert_int_equal(out.len, 0);
	assert_int_equal(proto_seal_stored(&cs, key, &out, hash), PROTO_OK);
	assert_true(cs.hdr.zbody_len >= cs.hdr.body_len);
	assert_int_equal(proto_open(out.data, out.len, key, &back, NULL), PROTO_OK);
	assert_int_equal(back.nrecords, 4000);
	assert_int_equal(back.records[3999].fields[0].value.len, 2000);
	proto_changeset_release(&back);
	proto_changeset_release(&cs);
	proto_buf_release(&out);
	proto_key_free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_record_each_kind),
		cmocka_unit_test(test_many_records),
		cmocka_unit_test(test_fixed_and_budget),
		cmocka_unit_test(test_stored_seal),
	};

	memset(big, 'x', PROTO_MAX_TEXT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
