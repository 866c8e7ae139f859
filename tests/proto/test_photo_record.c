/*
 * test_photo_record.c - the photo record (format version 2; its golden
 * vector and forgeries are test_seal's): the rulebook of its values, and
 * photos merge as immutable events that a void takes out of the live ones.
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

TEST_MAIN(cmocka_unit_test(photo_rules), PROTOFIX_TEST(photo_merges_once_and_voids))
