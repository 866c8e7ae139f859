/*
 * test_bundle.c - the USB bundle frames change-sets exactly, and its reader
 * refuses every malformed file (bad magic, cut lengths, cut items, zero or
 * oversized lengths) without reading past the end. Photo items: the golden
 * bundle (golden-2 and its photo) rebuilt byte for byte, its forgery (a
 * photo byte changed) refused by its hash, and every malformed photo item
 * (cut, over the bound, no origin) refused alone.
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
#include "maiam/fsutil.h"
#include "maiam/keys.h"
#include "maiam/seal.h"
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

#define VEC(name) MAIAM_VECTORS_DIR "/" name
/* SHA-256 of "test": the sha256 golden-2's first photo record names. */
static const char golden_photo_hex[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

static void read_vector(const char *path, proto_buf *b)
{
	proto_buf_init(b, 1 << 20);
	assert_int_equal(proto_read_file(path, b), PROTO_OK);
}

/* golden-2 then its photo ("test", named by the record): the bundle the
 * laptop writes, byte for byte; read back, the photo follows the change-set
 * and hashes to the name the record gives it. */
static void golden_photo_bundle(void **state)
{
	proto_buf cs, file, out;
	proto_header hdr;
	proto_bundle_reader br;
	proto_bundle_photo ph;
	const uint8_t *item, *cs_item;
	size_t len, cs_len;
	uint8_t sha[32];
	char hex[65];

	read_vector(VEC("golden-2.bin"), &cs);
	read_vector(VEC("bundle-photo-1.maiam"), &file);
	assert_int_equal(proto_peek(cs.data, cs.len, &hdr), PROTO_OK);
	proto_sha256((const uint8_t *)"test", 4, sha);
	proto_buf_init(&out, 1 << 20);
	cs_item = cs.data;
	cs_len = cs.len;
	assert_int_equal(proto_bundle_write(&out, &cs_item, &cs_len, 1), PROTO_OK);
	assert_int_equal(proto_bundle_put_photo(&out, hdr.origin, sha, (const uint8_t *)"test", 4),
			 PROTO_OK);
	assert_int_equal(out.len, file.len);
	assert_memory_equal(out.data, file.data, file.len);

	assert_int_equal(proto_bundle_open(&br, file.data, file.len), PROTO_OK);
	assert_int_equal(proto_bundle_next(&br, &item, &len), PROTO_OK);
	assert_int_equal(len, cs.len);
	assert_false(proto_bundle_is_photo(item, len));
	assert_int_equal(proto_bundle_next(&br, &item, &len), PROTO_OK);
	assert_int_equal(len, PROTO_BUNDLE_PHOTO_HEAD + 4);
	assert_true(proto_bundle_is_photo(item, len));
	assert_int_equal(proto_bundle_photo_open(item, len, &ph), PROTO_OK);
	assert_true(ph.origin == hdr.origin);
	assert_int_equal(ph.len, 4);
	assert_memory_equal(ph.bytes, "test", 4);
	proto_hex(ph.sha256, 32, hex);
	assert_string_equal(hex, golden_photo_hex);
	assert_int_equal(proto_bundle_photo_verify(&ph), PROTO_OK);
	/* a reader that knows no photo item opens it as a change-set of a
	 * version it does not read, and goes on with the next item */
	assert_int_equal(proto_peek(item, len, &hdr), PROTO_EVERSION);
	assert_int_equal(proto_bundle_next(&br, &item, &len), PROTO_OK);
	assert_null(item);
	proto_buf_release(&out);
	proto_buf_release(&file);
	proto_buf_release(&cs);
}

/* The forgery: the photo's last byte changed on the stick ("test" ->
 * "tesu"). The framing is whole, the change-set still opens; the photo
 * alone is refused by its hash. */
static void forged_photo_refused(void **state)
{
	proto_buf file;
	proto_bundle_reader br;
	proto_bundle_photo ph;
	const uint8_t *item;
	size_t len, n = 0;

	read_vector(VEC("bundle-photo-forged-1.maiam"), &file);
	assert_int_equal(proto_bundle_open(&br, file.data, file.len), PROTO_OK);
	while (proto_bundle_next(&br, &item, &len) == PROTO_OK && item) {
		n++;
		if (!proto_bundle_is_photo(item, len))
			continue;
		assert_int_equal(proto_bundle_photo_open(item, len, &ph), PROTO_OK);
		assert_memory_equal(ph.bytes, "tesu", 4);
		assert_int_equal(proto_bundle_photo_verify(&ph), PROTO_EHASH);
	}
	assert_int_equal(n, 2);
	proto_buf_release(&file);
}

/* Build a photo item's bytes (without its length) of n photo bytes. */
static uint8_t *photo_item(uint64_t origin, size_t n, size_t *len)
{
	uint8_t *p = calloc(1, PROTO_BUNDLE_PHOTO_HEAD + n);

	assert_non_null(p);
	memcpy(p, PROTO_BUNDLE_PHOTO_MAGIC, 8);
	for (int i = 0; i < 8; i++)
		p[8 + i] = (uint8_t)(origin >> (56 - 8 * i));
	*len = PROTO_BUNDLE_PHOTO_HEAD + n;
	return p;
}

static void photo_item_bounds(void **state)
{
	proto_bundle_photo ph;
	uint8_t sha[32] = { 0 };
	size_t len;
	uint8_t *big = photo_item(7, PROTO_BUNDLE_PHOTO_MAX + 1, &len);
	uint8_t *max = photo_item(7, PROTO_BUNDLE_PHOTO_MAX, &len);
	uint8_t *zero = photo_item(0, 1, &len);
	proto_buf out;

	/* a length past the bound: the bundle frames it, the photo is refused */
	assert_true(PROTO_BUNDLE_PHOTO_HEAD + PROTO_BUNDLE_PHOTO_MAX + 1 <= PROTO_BUNDLE_MAX_ITEM);
	assert_int_equal(proto_bundle_photo_open(big, PROTO_BUNDLE_PHOTO_HEAD + PROTO_BUNDLE_PHOTO_MAX + 1,
						 &ph),
			 PROTO_ELIMIT);
	assert_null(ph.bytes);
	assert_int_equal(proto_bundle_photo_open(max, PROTO_BUNDLE_PHOTO_HEAD + PROTO_BUNDLE_PHOTO_MAX,
						 &ph),
			 PROTO_OK);
	assert_int_equal(ph.len, PROTO_BUNDLE_PHOTO_MAX);
	/* no origin; cut before its first photo byte, in its hash, its origin */
	assert_int_equal(proto_bundle_photo_open(zero, PROTO_BUNDLE_PHOTO_HEAD + 1, &ph), PROTO_EVALUE);
	for (size_t cut = 8; cut <= PROTO_BUNDLE_PHOTO_HEAD; cut++)
		assert_int_equal(proto_bundle_photo_open(max, cut, &ph), PROTO_ETRUNCATED);
	assert_int_equal(proto_bundle_photo_open((const uint8_t *)"MAIM\2", 5, &ph), PROTO_EMAGIC);
	assert_false(proto_bundle_is_photo((const uint8_t *)"MAIMPHO", 7));
	/* the writer refuses what the reader would */
	proto_buf_init(&out, 64);
	assert_int_equal(proto_bundle_put_photo(&out, 7, sha, max, 0), PROTO_EINVAL);
	assert_int_equal(proto_bundle_put_photo(&out, 0, sha, max, 1), PROTO_EINVAL);
	assert_int_equal(proto_bundle_put_photo(&out, 7, sha, max, PROTO_BUNDLE_PHOTO_MAX + 1),
			 PROTO_EINVAL);
	/* a cap too small: nothing of the item stays */
	assert_int_equal(proto_bundle_put_photo(&out, 7, sha, max, 100), PROTO_ETOOBIG);
	assert_int_equal(out.len, 0);
	proto_buf_release(&out);
	free(big);
	free(max);
	free(zero);
}

TEST_MAIN(cmocka_unit_test(round_trip), cmocka_unit_test(empty_bundle_is_valid),
	  cmocka_unit_test(bad_magic), cmocka_unit_test(every_prefix), cmocka_unit_test(bad_lengths),
	  cmocka_unit_test(write_refuses_bad_items), cmocka_unit_test(golden_photo_bundle),
	  cmocka_unit_test(forged_photo_refused), cmocka_unit_test(photo_item_bounds))
