/*
 * test_labels.c - value-list labels (labels.h): every code of every list
 * has a built-in label, labels and codes map both ways, and what a person
 * types is matched with or without diacritics and in any case, while
 * anything else names no code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "testmain.h"
#include "maiam/labels.h"
#include "maiam/rules.h"
#include "maiam/schema.h"

static void every_code_labelled(void **state)
{
	for (int l = 0; l < PROTO_LIST_N; l++) {
		const char *const *codes = proto_list_codes((proto_list)l);
		size_t n = 0;

		assert_non_null(proto_list_name((proto_list)l));
		assert_non_null(codes);
		for (; codes[n]; n++) {
			const char *label = proto_label(NULL, (proto_list)l, codes[n]);

			assert_non_null(label);
			assert_true(strlen(label) <= PROTO_LABEL_MAX);
			/* the label leads back to its code, and so does the code */
			assert_string_equal(proto_label_code(NULL, (proto_list)l, label), codes[n]);
			assert_string_equal(proto_label_code(NULL, (proto_list)l, codes[n]), codes[n]);
		}
		assert_true(n >= 2 && n <= PROTO_LIST_MAX_CODES);
	}
	assert_null(proto_list_name(PROTO_LIST_N));
	assert_null(proto_list_codes(PROTO_LIST_N));
}

/* (list, what is given, what must come back; NULL: nothing) */
typedef struct row {
	proto_list list;
	const char *in, *want;
} row;

static void glossary_words(void **state)
{
	static const row rows[] = {
		{ PROTO_LIST_CATEGORY, "poor", "Hộ nghèo" },
		{ PROTO_LIST_STAGE, "approved", "Được duyệt hỗ trợ" },
		{ PROTO_LIST_REVIEW_STATUS, "approved", "Đã xác nhận" },
		{ PROTO_LIST_SOURCE, "household", "Gia đình đối ứng" },
		{ PROTO_LIST_SUPPORT_KIND, "repair", "Sửa chữa" },
		{ PROTO_LIST_LAND_STATUS, "rented", "Đất thuê, mượn" },
		{ PROTO_LIST_CATEGORY, "rich", NULL },
		{ PROTO_LIST_CATEGORY, NULL, NULL },
		{ PROTO_LIST_N, "poor", NULL },
	};

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const char *got = proto_label(NULL, rows[i].list, rows[i].in);

		if (rows[i].want ? !got || strcmp(got, rows[i].want) != 0 : got != NULL)
			fail_msg("row %zu: '%s'", i, got ? got : "NULL");
	}
}

static void typed(void **state)
{
	static const row rows[] = {
		{ PROTO_LIST_CATEGORY, "hộ nghèo", "poor" },
		{ PROTO_LIST_CATEGORY, "ho ngheo", "poor" },
		{ PROTO_LIST_CATEGORY, "  HO   NGHEO ", "poor" },
		{ PROTO_LIST_CATEGORY, "Hộ cận nghèo", "near_poor" },
		{ PROTO_LIST_CATEGORY, "Near-poor", "near_poor" },
		{ PROTO_LIST_CATEGORY, "near poor", "near_poor" },
		{ PROTO_LIST_STAGE, "khởi công", "started" },
		{ PROTO_LIST_STAGE, "KHOI CONG", "started" },
		{ PROTO_LIST_STAGE, "ban giao", "handed_over" },
		{ PROTO_LIST_STAGE, "handed-over", "handed_over" },
		/* decomposed marks, as some phones send them: "Khởi" with U+031B U+0309 */
		{ PROTO_LIST_STAGE, "Kho\xcc\x9b\xcc\x89i co\xcc\x82ng", "started" },
		{ PROTO_LIST_LAND_STATUS, "dat cua gia dinh, dong ho", "family_land" },
		{ PROTO_LIST_LAND_STATUS, "Đất của gia đình dòng họ", "family_land" },
		{ PROTO_LIST_LAND_STATUS, "dat thue muon.", "rented" },
		{ PROTO_LIST_LAND_STATUS, "dat thue , muon", "rented" },
		{ PROTO_LIST_LAND_STATUS, "dat thue - muon", NULL },
		/* the same code name in two lists is two different things */
		{ PROTO_LIST_REVIEW_STATUS, "da xac nhan", "approved" },
		{ PROTO_LIST_REVIEW_STATUS, "duoc duyet ho tro", NULL },
		/* near misses name nothing */
		{ PROTO_LIST_CATEGORY, "ngheo", NULL },
		{ PROTO_LIST_CATEGORY, "hộ nghèo x", NULL },
		{ PROTO_LIST_CATEGORY, "", NULL },
		{ PROTO_LIST_CATEGORY, "\xff", NULL },
		{ PROTO_LIST_CATEGORY, NULL, NULL },
		{ PROTO_LIST_N, "poor", NULL },
	};

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const char *got = proto_label_code(NULL, rows[i].list, rows[i].in);

		if (rows[i].want ? !got || strcmp(got, rows[i].want) != 0 : got != NULL)
			fail_msg("row %zu '%s': '%s'", i, rows[i].in ? rows[i].in : "NULL",
				 got ? got : "NULL");
	}
}

static void overridden(void **state)
{
	proto_labels l = { 0 };
	char all[256];

	l.label[PROTO_LIST_SUPPORT_KIND][0] = strdup("Làm nhà mới");
	assert_string_equal(proto_label(&l, PROTO_LIST_SUPPORT_KIND, "new_build"), "Làm nhà mới");
	/* the one not given keeps the built-in label */
	assert_string_equal(proto_label(&l, PROTO_LIST_SUPPORT_KIND, "repair"), "Sửa chữa");
	assert_string_equal(proto_label_code(&l, PROTO_LIST_SUPPORT_KIND, "lam nha moi"), "new_build");
	assert_null(proto_label_code(&l, PROTO_LIST_SUPPORT_KIND, "xay moi"));
	proto_label_all(&l, PROTO_LIST_SUPPORT_KIND, all, sizeof all);
	assert_string_equal(all, "Làm nhà mới, Sửa chữa");
	proto_label_all(&l, PROTO_LIST_SUPPORT_KIND, all, 12);
	assert_string_equal(all, "");
	proto_labels_release(&l);
	assert_null(l.label[PROTO_LIST_SUPPORT_KIND][0]);
	proto_labels_release(NULL);
}

static void list_of_field(void **state)
{
	proto_list l;

	assert_true(proto_list_of(PROTO_KIND_HOUSEHOLD, PROTO_HH_CATEGORY, &l));
	assert_int_equal(l, PROTO_LIST_CATEGORY);
	assert_true(proto_list_of(PROTO_KIND_CONTRIBUTION, PROTO_CT_SOURCE, &l));
	assert_int_equal(l, PROTO_LIST_SOURCE);
	assert_true(proto_list_of(PROTO_KIND_MILESTONE, PROTO_MS_STAGE, &l));
	assert_int_equal(l, PROTO_LIST_STAGE);
	assert_false(proto_list_of(PROTO_KIND_HOUSEHOLD, PROTO_HH_CONDITION, &l));
	/* every enum of the rulebook has a list, so nothing is shown as a bare code */
	for (uint8_t k = 1; k <= 4; k++)
		for (uint8_t f = 1; f <= 20; f++)
			if (proto_rules_enum(k, f))
				assert_true(proto_list_of(k, f, &l));
}

TEST_MAIN(cmocka_unit_test(every_code_labelled), cmocka_unit_test(glossary_words),
	  cmocka_unit_test(typed), cmocka_unit_test(overridden), cmocka_unit_test(list_of_field))
