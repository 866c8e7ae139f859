/*
 * test_bundle.c - the USB bundle frames change-sets exactly, and its reader
 * refuses every malformed file (bad magic, cut lengths, cut items, zero or
 * oversized lengths) without reading past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "maiam/bundle.h"
#include "maiam/changeset.h"
#include "testmain.h"

static void round_trip(void **state)
{
	const uint8_t a[] = { 1, 2, 3 };
	const uint8_t b[] = { 9 };
	const uint8_t *items[] = { a, b };
	size_t lens[] = { sizeof a, sizeof b };
	proto_buf out;
	proto_bundle_reader br;
	const uint8_t *it;
	size_t n;

	proto_buf_init(&out, 1024);
	assert_int_equal(proto_bundle_write(&out, items, lens, 2), PROTO_OK);
	assert_int_equal(out.len, 8 + 4 + 3 + 4 + 1);
	assert_memory_equal(out.data, "MAIMBDL1\0\0\0\3\1\2\3\0\0\0\1\x09", out.len);
	assert_int_equal(proto_bundle_open(&br, out.data, out.len), PROTO_OK);
	assert_int_equal(proto_bundle_next(&br, &it, &n), PROTO_OK);
	assert_int_equal(n, 3);
	assert_memory_equal(it, a, 3);
	assert_int_equal(proto_bundle_next(&br, &it, &n), PROTO_OK);
	assert_int_equal(n, 1);
	assert_int_equal(it[0], 9);
	assert_int_equal(proto_bundle_next(&br, &it, &n), PROTO_OK);
	assert_null(it);
	assert_int_equal(n, 0);
	assert_int_equal(br.index, 2);
	proto_buf_release(&out);
}

static void empty_bundle_is_valid(void **state)
{
	proto_buf out;
	proto_bundle_reader br;
	const uint8_t *it = (const uint8_t *)"x";
	size_t n = 5;

	proto_buf_init(&out, 64);
	assert_int_equal(proto_bundle_write(&out, NULL, NULL, 0), PROTO_OK);
	assert_int_equal(out.len, 8);
	assert_int_equal(proto_bundle_open(&br, out.data, out.len), PROTO_OK);
	assert_int_equal(proto_bundle_next(&br, &it, &n), PROTO_OK);
	assert_null(it);
	assert_int_equal(n, 0);
	proto_buf_release(&out);
}

static void bad_magic(void **state)
{
	proto_bundle_reader br;

	assert_int_equal(proto_bundle_open(&br, (const uint8_t *)"MAIMBDL2", 8), PROTO_EMAGIC);
	assert_int_equal(proto_bundle_open(&br, (const uint8_t *)"MAIM", 4), PROTO_EMAGIC);
	assert_int_equal(proto_bundle_open(&br, NULL, 0), PROTO_EMAGIC);
}

/* Every prefix of a valid bundle either ends cleanly between items or is
 * reported as truncated: never read past the end, never an item too short. */
static void every_prefix(void **state)
{
	const uint8_t a[] = { 1, 2, 3, 4, 5 };
	const uint8_t *items[] = { a, a };
	size_t lens[] = { 5, 5 };
	proto_buf out;

	proto_buf_init(&out, 1024);
	assert_int_equal(proto_bundle_write(&out, items, lens, 2), PROTO_OK);
	for (size_t cut = 8; cut <= out.len; cut++) {
		/* copy so ASan sees a read past the prefix */
		uint8_t *p = malloc(cut);
		proto_bundle_reader br;
		const uint8_t *it;
		size_t n, got = 0;
		proto_result r;

		assert_non_null(p);
		memcpy(p, out.data, cut);
		assert_int_equal(proto_bundle_open(&br, p, cut), PROTO_OK);
		while ((r = proto_bundle_next(&br, &it, &n)) == PROTO_OK && it)
			got++;
		if (cut == 8 || cut == 17 || cut == 26)
			assert_int_equal(r, PROTO_OK);
		else
			assert_int_equal(r, PROTO_ETRUNCATED);
		assert_int_equal(got, (cut >= 26) + (cut >= 17));
		free(p);
	}
	proto_buf_release(&out);
}

static void bad_lengths(void **state)
{
	uint8_t zero[] = { 'M', 'A', 'I', 'M', 'B', 'D', 'L', '1', 0, 0, 0, 0 };
	uint8_t huge[] = { 'M', 'A', 'I', 'M', 'B', 'D', 'L', '1', 0xff, 0xff, 0xff, 0xff, 1 };
	proto_bundle_reader br;
	const uint8_t *it;
	size_t n;

	assert_int_equal(proto_bundle_open(&br, zero, sizeof zero), PROTO_OK);
	assert_int_equal(proto_bundle_next(&br, &it, &n), PROTO_ELIMIT);
	assert_null(it);
	assert_int_equal(proto_bundle_open(&br, huge, sizeof huge), PROTO_OK);
	assert_int_equal(proto_bundle_next(&br, &it, &n), PROTO_ELIMIT);
	/* the reader stays on the failing item: asking again fails again */
	assert_int_equal(proto_bundle_next(&br, &it, &n), PROTO_ELIMIT);
}

static void write_refuses_bad_items(void **state)
{
	const uint8_t a[] = { 1 };
	const uint8_t *items[] = { a, NULL };
	size_t lens[] = { 1, 1 };
	size_t zero[] = { 0 };
	proto_buf out;

	proto_buf_init(&out, 1024);
	assert_int_equal(proto_buf_append(&out, "keep", 4), PROTO_OK);
	assert_int_equal(proto_bundle_write(&out, items, lens, 2), PROTO_EINVAL);
	assert_int_equal(proto_bundle_write(&out, items, zero, 1), PROTO_EINVAL);
	assert_int_equal(out.len, 4);
	proto_buf_release(&out);
	/* a cap too small: nothing of the bundle stays in the buffer */
	proto_buf_init(&out, 10);
	assert_int_equal(proto_buf_append(&out, "keep", 4), PROTO_OK);
	assert_int_equal(proto_bundle_write(&out, items, lens, 1), PROTO_ETOOBIG);
	assert_int_equal(out.len, 4);
	assert_memory_equal(out.data, "keep", 4);
	proto_buf_release(&out);
}

TEST_MAIN(cmocka_unit_test(round_trip), cmocka_unit_test(empty_bundle_is_valid),
	  cmocka_unit_test(bad_magic), cmocka_unit_test(every_prefix), cmocka_unit_test(bad_lengths),
	  cmocka_unit_test(write_refuses_bad_items))
