/*
 * test_format_v2.c - format version 2 and how the format evolves
 * (FORMAT.md): golden vector 1 still seals and opens as version 1, byte for
 * byte; golden vector 2 (photo records) is reproduced and opened; its
 * forgeries (a changed body, a version 1 header over a photo) are refused;
 * the photo's rulebook; photos merge as immutable events and a void takes
 * them out of the live ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "maiam/merge.h"
#include "maiam/rules.h"
#include "../tools/golden_records.h"
#include "protofix.h"
#include "testmain.h"

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

/* Today's change-sets are version 1, unchanged: the field reads them. */
static void golden_1_stays_version_1(void **state)
{
	proto_buf file, mine;
	proto_changeset cs;
	proto_header h;

	(void)state;
	read_vector("golden-1.bin", &file);
	proto_buf_init(&mine, 1 << 20);
	assert_int_equal(proto_peek(file.data, file.len, &h), PROTO_OK);
	assert_int_equal(h.version, 1);
	assert_int_equal(file.data[4], 1);
	assert_int_equal(golden_build(&cs, proto_key_id(key)), PROTO_OK);
	assert_int_equal(proto_records_version(cs.records, cs.nrecords), 1);
	assert_int_equal(proto_seal(&cs, key, &mine, NULL), PROTO_OK);
	assert_int_equal(cs.hdr.version, 1);
	assert_int_equal(mine.len, file.len);
	assert_memory_equal(mine.data, file.data, file.len);
	proto_changeset_release(&cs);
	proto_buf_release(&mine);
	proto_buf_release(&file);
}

static void golden_2_vector(void **state)
{
	proto_buf file, hexfile, mine;
	proto_changeset cs, back;
	uint8_t hash[32];
	char hex[65];

	(void)state;
	read_vector("golden-2.bin", &file);
	read_vector("golden-2.sha256", &hexfile);
	proto_buf_init(&mine, 1 << 20);
	assert_int_equal(golden2_build(&cs, proto_key_id(key)), PROTO_OK);
	assert_int_equal(proto_records_version(cs.records, cs.nrecords), 2);
	assert_int_equal(proto_seal(&cs, key, &mine, hash), PROTO_OK);
	assert_int_equal(mine.len, file.len);
	assert_memory_equal(mine.data, file.data, file.len);
	proto_hex(hash, 32, hex);
	assert_true(hexfile.len >= 64);
	assert_memory_equal(hex, hexfile.data, 64);

	assert_int_equal(proto_open(file.data, file.len, pub, &back, NULL), PROTO_OK);
	assert_int_equal(back.hdr.version, 2);
	assert_int_equal(back.nrecords, 5);
	assert_int_equal(back.records[2].kind, PROTO_KIND_PHOTO);
	assert_int_equal(back.records[2].nfields, 12);
	assert_string_equal(back.records[2].fields[2].value.text, GOLDEN2_SHA256);
	assert_int_equal(back.records[3].nfields, 7);
	assert_int_equal(back.records[4].kind, PROTO_KIND_VOID);
	assert_int_equal(back.records[4].fields[1].value.i, PROTO_KIND_PHOTO);
	proto_changeset_release(&back);
	proto_changeset_release(&cs);
	proto_buf_release(&mine);
	proto_buf_release(&hexfile);
	proto_buf_release(&file);
}

/* A changed body keeps a good frame and fails the signature; a version 1
 * header over a photo has a good signature and fails the body: version 1
 * has no photo. Every bit flip of golden 2 is refused. */
static void golden_2_forgeries(void **state)
{
	proto_buf forged, v1, file;
	proto_changeset cs;
	proto_header h;

	(void)state;
	read_vector("forged-2.bin", &forged);
	read_vector("v1-photo-2.bin", &v1);
	read_vector("golden-2.bin", &file);
	assert_int_equal(proto_peek(forged.data, forged.len, &h), PROTO_OK);
	assert_int_equal(proto_open(forged.data, forged.len, pub, &cs, NULL), PROTO_ESIGNATURE);
	proto_changeset_release(&cs);
	assert_int_equal(proto_peek(v1.data, v1.len, &h), PROTO_OK);
	assert_int_equal(h.version, 1);
	assert_int_equal(proto_open(v1.data, v1.len, pub, &cs, NULL), PROTO_EBODY);
	assert_int_equal(cs.nrecords, 0);
	proto_changeset_release(&cs);
	/* a version no reader knows is still EVERSION */
	v1.data[4] = PROTO_FORMAT_VERSION + 1;
	assert_int_equal(proto_peek(v1.data, v1.len, &h), PROTO_EVERSION);
	for (size_t i = 0; i < file.len * 8; i++) {
		proto_result r;

		file.data[i / 8] ^= (uint8_t)(1u << (i % 8));
		r = proto_open(file.data, file.len, pub, &cs, NULL);
		file.data[i / 8] ^= (uint8_t)(1u << (i % 8));
		proto_changeset_release(&cs);
		if (r == PROTO_OK)
			fail_msg("bit %zu flipped was accepted", i);
	}
	proto_buf_release(&file);
	proto_buf_release(&v1);
	proto_buf_release(&forged);
}

/* The body decoder alone: a version 1 header refuses a photo column even
 * with no photo record, and a photo record. */
static void version_1_body_has_no_photo(void **state)
{
	proto_changeset cs, back;
	proto_buf body;

	(void)state;
	proto_buf_init(&body, 1 << 16);
	assert_int_equal(golden2_build(&cs, proto_key_id(key)), PROTO_OK);
	assert_int_equal(proto_body_encode(&cs, &body), PROTO_OK);
	assert_int_equal(proto_changeset_init(&back, GOLDEN_CAMPAIGN, cs.hdr.origin, 1, NULL,
					      cs.hdr.created),
			 PROTO_OK);
	back.hdr.nrecords = cs.hdr.nrecords;
	back.hdr.nchanges = cs.hdr.nchanges;
	back.hdr.version = 1;
	assert_int_equal(proto_body_decode(&back, body.data, body.len), PROTO_EBODY);
	assert_int_equal(back.nrecords, 0);
	back.hdr.version = 2;
	assert_int_equal(proto_body_decode(&back, body.data, body.len), PROTO_OK);
	proto_changeset_release(&back);
	proto_changeset_release(&cs);
	proto_buf_release(&body);
}

static proto_rule photo_value(uint8_t field, proto_value v)
{
	return proto_rules_check_value(NULL, PROTO_KIND_PHOTO, field, &v, NULL);
}

static proto_value ival(int64_t i)
{
	return (proto_value){ .type = PROTO_V_INT, .i = i };
}

static proto_value tval(const char *s)
{
	return (proto_value){ .type = PROTO_V_TEXT, .text = s, .len = strlen(s) };
}

static void photo_rules(void **state)
{
	static const char *const good_times[] = { "2023-07-01T09:30:00+07:00", "2023-07-01T02:30:00Z",
						  "2024-02-29T23:59:59-03:30" };
	static const char *const bad_times[] = {
		"2023-07-01T09:30:00",       "2023-07-01 09:30:00+07:00", "2023-02-30T09:30:00+07:00",
		"2023-07-01T24:00:00+07:00", "2023-07-01T09:60:00+07:00", "2023-07-01T09:30:00+15:00",
		"2023-07-01T09:30:00+0700",  "2023-07-01T09:30:00.5Z",    "",
	};
	char camera[PROTO_RULE_CAMERA_MAX + 2];
	char text[120];
	proto_violation v;

	(void)state;
	assert_int_equal(photo_value(PROTO_PH_SHA256, tval(GOLDEN2_SHA256)), PROTO_RULE_OK);
	assert_int_equal(
		photo_value(PROTO_PH_SHA256,
			    tval("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08")),
		PROTO_RULE_SHA256);
	assert_int_equal(photo_value(PROTO_PH_SHA256, tval("9f86d0")), PROTO_RULE_SHA256);
	assert_int_equal(photo_value(PROTO_PH_TARGET_KIND, ival(1)), PROTO_RULE_OK);
	assert_int_equal(photo_value(PROTO_PH_TARGET_KIND, ival(2)), PROTO_RULE_OK);
	assert_int_equal(photo_value(PROTO_PH_TARGET_KIND, ival(3)), PROTO_RULE_RANGE);
	assert_int_equal(photo_value(PROTO_PH_BYTES, ival(0)), PROTO_RULE_RANGE);
	assert_int_equal(photo_value(PROTO_PH_BYTES, ival(8 << 20)), PROTO_RULE_OK);
	assert_int_equal(photo_value(PROTO_PH_BYTES, ival((8 << 20) + 1)), PROTO_RULE_RANGE);
	assert_int_equal(photo_value(PROTO_PH_TYPE, tval("image/jpeg")), PROTO_RULE_OK);
	assert_int_equal(photo_value(PROTO_PH_TYPE, tval("image/png")), PROTO_RULE_ENUM);
	assert_int_equal(photo_value(PROTO_PH_WIDTH, ival(1600)), PROTO_RULE_OK);
	assert_int_equal(photo_value(PROTO_PH_WIDTH, ival(1601)), PROTO_RULE_RANGE);
	assert_int_equal(photo_value(PROTO_PH_HEIGHT, ival(0)), PROTO_RULE_RANGE);
	assert_int_equal(photo_value(PROTO_PH_LAT, ival(900000000)), PROTO_RULE_OK);
	assert_int_equal(photo_value(PROTO_PH_LAT, ival(-900000001)), PROTO_RULE_RANGE);
	assert_int_equal(photo_value(PROTO_PH_LON, ival(-1800000000)), PROTO_RULE_OK);
	assert_int_equal(photo_value(PROTO_PH_LON, ival(1800000001)), PROTO_RULE_RANGE);
	for (size_t i = 0; i < sizeof good_times / sizeof good_times[0]; i++)
		assert_int_equal(photo_value(PROTO_PH_TAKEN_AT, tval(good_times[i])), PROTO_RULE_OK);
	for (size_t i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++)
		if (photo_value(PROTO_PH_TAKEN_AT, tval(bad_times[i])) != PROTO_RULE_TIMESTAMP)
			fail_msg("taken_at '%s' was not refused as a timestamp", bad_times[i]);
	memset(camera, 'x', sizeof camera);
	camera[PROTO_RULE_CAMERA_MAX] = '\0';
	assert_int_equal(photo_value(PROTO_PH_CAMERA, tval(camera)), PROTO_RULE_OK);
	camera[PROTO_RULE_CAMERA_MAX] = 'x';
	camera[PROTO_RULE_CAMERA_MAX + 1] = '\0';
	assert_int_equal(photo_value(PROTO_PH_CAMERA, tval(camera)), PROTO_RULE_TEXT_LENGTH);
	/* a void may name a photo */
	assert_int_equal(proto_rules_check_value(NULL, PROTO_KIND_VOID, PROTO_VO_TARGET_KIND,
						 &(proto_value){ .type = PROTO_V_INT,
								 .i = PROTO_KIND_PHOTO },
						 NULL),
			 PROTO_RULE_OK);
	/* the new rules have names and words */
	assert_string_equal(proto_rule_name(PROTO_RULE_SHA256), "sha256");
	assert_string_equal(proto_rule_name(PROTO_RULE_TIMESTAMP), "timestamp");
	proto_rules_check_value(NULL, PROTO_KIND_PHOTO, PROTO_PH_SHA256,
				&(proto_value){ .type = PROTO_V_TEXT, .text = "ab", .len = 2 }, &v);
	proto_violation_text(&v, text, sizeof text);
	assert_non_null(strstr(text, "photo"));
	assert_non_null(strstr(text, "sha256 'ab' is not a SHA-256"));
}

static proto_merge_stats merge_ok(sqlite3 *db, const proto_changeset *cs)
{
	proto_merge_stats st;

	memset(&st, 0, sizeof st);
	assert_int_equal(proto_merge(db, cs, &st), PROTO_OK);
	return st;
}

/* A copy of photo record rec with another hash under the same id. */
static void liar_photo(proto_changeset *liar, const proto_record *rec)
{
	assert_int_equal(proto_changeset_init(liar, GOLDEN_CAMPAIGN, rec->id.origin, 1, NULL,
					      GOLDEN_CREATED),
			 PROTO_OK);
	assert_int_equal(proto_changeset_begin(liar, PROTO_KIND_PHOTO, rec->id, rec->stamp, rec->writer),
			 PROTO_OK);
	for (size_t i = 0; i < rec->nfields; i++) {
		const proto_field *fl = &rec->fields[i];

		if (fl->field == PROTO_PH_SHA256)
			assert_int_equal(proto_changeset_add_text(liar, fl->field, 0, GOLDEN2_SHA256_B, 64),
					 PROTO_OK);
		else if (fl->value.type == PROTO_V_INT)
			assert_int_equal(proto_changeset_add_int(liar, fl->field, 0, fl->value.i),
					 PROTO_OK);
		else if (fl->value.type == PROTO_V_TEXT)
			assert_int_equal(proto_changeset_add_text(liar, fl->field, 0, fl->value.text,
								  fl->value.len),
					 PROTO_OK);
		else
			assert_int_equal(proto_changeset_add_ref(liar, fl->field, 0, fl->value.ref),
					 PROTO_OK);
	}
}

/* A photo is inserted once; again is a re-apply; a different record under
 * its id is refused; its void takes it out of the live photos. */
static void photo_merges_once_and_voids(void **state)
{
	struct protofix *f = *state;
	sqlite3 *db = protofix_db(f);
	proto_changeset cs, liar;
	proto_merge_stats st;
	char sha[80];

	assert_int_equal(golden2_build(&cs, 0x0a0b0c0d0e0f1011ull), PROTO_OK);
	st = merge_ok(db, &cs);
	assert_int_equal(st.applied, 7); /* three household fields, four events */
	assert_int_equal(protofix_query_int(db, "SELECT count(*) FROM photo"), 2);
	protofix_query_text(db, "SELECT sha256 FROM photo WHERE id_serial = 3", sha, sizeof sha);
	assert_string_equal(sha, GOLDEN2_SHA256);
	assert_int_equal(protofix_query_int(db, "SELECT lat FROM photo WHERE id_serial = 3"), 96031234);
	assert_int_equal(protofix_query_int(db, "SELECT target_kind FROM photo WHERE id_serial = 3"), 2);
	assert_int_equal(protofix_query_int(db, "SELECT count(*) FROM photo WHERE id_serial = 4 AND "
						"taken_at IS NULL AND lat IS NULL AND camera IS NULL"),
			 1);
	/* photo 4 was voided in the same change-set; photo 3 lives */
	assert_int_equal(
		protofix_query_int(
			db, "SELECT group_concat(id_serial) FROM photo p WHERE" PROTO_SQL_PHOTO_LIVE("p")),
		3);
	/* a void that names the photo with another kind voids nothing */
	assert_int_equal(protofix_query_int(
				 db,
				 "SELECT count(*) FROM milestone m WHERE" PROTO_SQL_MILESTONE_LIVE("m")),
			 1);
	st = merge_ok(db, &cs);
	assert_int_equal(st.applied, 0);
	assert_int_equal(st.already, 7);
	assert_int_equal(protofix_query_int(db, "SELECT count(*) FROM photo"), 2);

	/* the same id with another hash is a forgery: the whole change-set goes */
	liar_photo(&liar, &cs.records[2]);
	assert_int_equal(proto_merge(db, &liar, NULL), PROTO_EVALUE);
	protofix_query_text(db, "SELECT sha256 FROM photo WHERE id_serial = 3", sha, sizeof sha);
	assert_string_equal(sha, GOLDEN2_SHA256);
	proto_changeset_release(&liar);
	proto_changeset_release(&cs);
	sqlite3_close(db);
}

TEST_MAIN_WITH(setup, teardown, cmocka_unit_test(golden_1_stays_version_1),
	       cmocka_unit_test(golden_2_vector), cmocka_unit_test(golden_2_forgeries),
	       cmocka_unit_test(version_1_body_has_no_photo), cmocka_unit_test(photo_rules),
	       PROTOFIX_TEST(photo_merges_once_and_voids))
