/*
 * test_household_ref.c - the hub's one household resolver (hub/household_ref.c):
 * a short ref is normalized as a listener writes it down (any case, I/L for
 * 1, O for 0), a full id is looked up as it is, a ref two households share is
 * refused with both as candidates (ten at most, then how many more), and
 * text that is neither is malformed. Runs on an in-memory store with the
 * shared tables, in the C locale: the messages are the English ones (the
 * Vietnamese are checked through the real binary, tests/hub/e2e_hub_cli.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "household_ref.h"
#include "testmain.h"

static sqlite3 *db;

static void add(uint64_t origin, uint64_t serial, const char *ref, const char *name, int commune)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db,
					    "INSERT INTO household(id_origin, id_serial, ref,"
					    " name, commune) VALUES (?, ?, ?, ?, ?)",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, proto_u2i(origin));
	sqlite3_bind_int64(st, 2, proto_u2i(serial));
	sqlite3_bind_text(st, 3, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, commune);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static int setup(void **state)
{
	(void)state;
	if (proto_db_open(":memory:", &db) != PROTO_OK)
		return -1;
	/* refs as the laptops stored them: two laptops whose keys begin alike share 36S0-2 */
	add(0x3672c00000000001ull, 2, "36S0-2", "Nguyễn Văn Ân", 31498);
	add(0xfedcba9876543210ull, 2, "36S0-2", "Lâm Thị Hoa", 31501);
	add(0x0000012345678901ull, 7, "0000-7", "Trần Thị Đào", 31498);
	add(0x9000000000000001ull, 1, "J1KM-1", "Lý Văn Hùng", 31528);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sqlite3_close(db);
	return 0;
}

static void test_normalize(void **state)
{
	char out[HUB_REF_MAX];

	(void)state;
	assert_int_equal(hub_ref_normalize("36S0-2", out), 0);
	assert_string_equal(out, "36S0-2");
	assert_int_equal(hub_ref_normalize("36so-2", out), 0); /* lower case, O for 0 */
	assert_string_equal(out, "36S0-2");
	assert_int_equal(hub_ref_normalize("jilm-01", out), 0); /* I and L for 1, leading 0 */
	assert_string_equal(out, "J11M-1");
	assert_int_equal(hub_ref_normalize("36S0-", out), -1);
	assert_int_equal(hub_ref_normalize("36S0-0", out), -1);
	assert_int_equal(hub_ref_normalize("36S0--2", out), -1);
	assert_int_equal(hub_ref_normalize("36SU-2", out), -1); /* no U in the alphabet */
	assert_int_equal(hub_ref_normalize("36S-2", out), -1);
	assert_int_equal(hub_ref_normalize("36S0-2x", out), -1);
	assert_int_equal(hub_ref_normalize("", out), -1);
	assert_int_equal(hub_ref_normalize(NULL, out), -1);
}

static void test_resolve(void **state)
{
	hub_ref_match m;
	proto_id id;

	(void)state;
	assert_int_equal(hub_household_resolve(db, "0000-7", &id, &m), HUB_OK);
	assert_int_equal(m, HUB_REF_ONE);
	assert_true(id.origin == 0x0000012345678901ull && id.serial == 7);
	assert_int_equal(hub_household_resolve(db, "oooo-7", &id, &m), HUB_OK);
	assert_int_equal(m, HUB_REF_ONE);
	assert_int_equal(hub_household_resolve(db, "9000000000000001-1", &id, &m), HUB_OK);
	assert_int_equal(m, HUB_REF_ONE);
	assert_true(id.origin == 0x9000000000000001ull && id.serial == 1);
	assert_int_equal(hub_household_resolve(db, "9000000000000001-2", &id, &m), HUB_OK);
	assert_int_equal(m, HUB_REF_NONE);
	assert_int_equal(hub_household_resolve(db, "0000-8", &id, &m), HUB_OK);
	assert_int_equal(m, HUB_REF_NONE);
	assert_int_equal(hub_household_resolve(db, "36S0-2", &id, &m), HUB_OK);
	assert_int_equal(m, HUB_REF_MANY);
	assert_int_equal(hub_household_resolve(db, "Nguyễn", &id, &m), HUB_OK);
	assert_int_equal(m, HUB_REF_MALFORMED);
}

static void test_name_says(void **state)
{
	char err[2048];
	hub_ref_match m;
	proto_id id;

	(void)state;
	assert_int_equal(hub_household_name(db, "36s0-2", &id, &m, err, sizeof(err)), HUB_REFUSED);
	assert_int_equal(m, HUB_REF_MANY);
	assert_non_null(strstr(err, "reference '36s0-2' names more than one household"));
	assert_non_null(strstr(err, "36S0-2  Nguyễn Văn Ân  commune 31498  3672c00000000001-2"));
	assert_non_null(strstr(err, "36S0-2  Lâm Thị Hoa  commune 31501  fedcba9876543210-2"));
	assert_int_equal(hub_household_name(db, "0000-8", &id, NULL, err, sizeof(err)), HUB_REFUSED);
	assert_non_null(strstr(err, "no household '0000-8' at the hub"));
	assert_int_equal(hub_household_name(db, "x", &id, &m, err, sizeof(err)), HUB_REFUSED);
	assert_int_equal(m, HUB_REF_MALFORMED);
	/* a message cut short stays a string */
	assert_int_equal(hub_household_name(db, "36S0-2", &id, &m, err, 40), HUB_REFUSED);
	assert_true(strlen(err) < 40);
	assert_int_equal(hub_household_name(db, "0000-7", &id, &m, err, sizeof(err)), HUB_OK);
	assert_true(id.serial == 7);
}

/* Refs are short: many households may share one. The operator sees ten and
 * the count of the others, each candidate on its own line. */
static void test_many_candidates(void **state)
{
	char err[4096];
	const char *p;
	hub_ref_match m;
	proto_id id;
	size_t lines = 0;
	uint64_t k;

	(void)state;
	for (k = 1; k <= 12; k++)
		add(0x7700000000000000ull + k, 5, "77AA-5", "Hộ trùng mã", 31498);
	assert_int_equal(hub_household_name(db, "77aa-5", &id, &m, err, sizeof(err)), HUB_REFUSED);
	assert_int_equal(m, HUB_REF_MANY);
	for (p = err; (p = strstr(p, "\n  77AA-5  Hộ trùng mã  commune 31498  77000000000000")); p++)
		lines++;
	assert_int_equal(lines, 10);
	assert_non_null(strstr(err, "\n  ... and 2 more"));
	assert_null(strchr(strstr(err, "... and 2 more"), '\n')); /* the count ends the message */
}

TEST_MAIN_WITH(setup, teardown, cmocka_unit_test(test_normalize), cmocka_unit_test(test_resolve),
	       cmocka_unit_test(test_name_says), cmocka_unit_test(test_many_candidates))
