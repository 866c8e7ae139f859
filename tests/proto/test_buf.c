/*
 * test_buf.c - the capped buffer never passes its cap, the reader never reads
 * past its end, and varints have exactly one accepted encoding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "maiam/alloc.h"
#include "maiam/buf.h"
#include "testmain.h"

static void cap_is_hard(void **state)
{
	proto_buf b;
	uint8_t x[10] = { 0 };

	proto_buf_init(&b, 16);
	assert_int_equal(proto_buf_append(&b, x, 10), PROTO_OK);
	assert_int_equal(proto_buf_append(&b, x, 6), PROTO_OK);
	assert_int_equal(b.len, 16);
	/* one more byte is refused and the contents stay as they were */
	assert_int_equal(proto_buf_append_byte(&b, 1), PROTO_ETOOBIG);
	assert_int_equal(b.len, 16);
	assert_true(b.cap <= 16);
	/* a length that would overflow size_t arithmetic is refused too */
	assert_int_equal(proto_buf_reserve(&b, SIZE_MAX), PROTO_ETOOBIG);
	proto_buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.max, 16);
}

static void appendf_refuses_to_truncate(void **state)
{
	proto_buf b;

	proto_buf_init(&b, 8);
	assert_int_equal(proto_buf_appendf(&b, "%d", 1234567), PROTO_OK);
	assert_int_equal(b.len, 7);
	assert_memory_equal(b.data, "1234567", 7);
	assert_int_equal(proto_buf_appendf(&b, "%s", "toolong"), PROTO_ETOOBIG);
	assert_int_equal(b.len, 7);
	proto_buf_release(&b);
}

static void oom_leaves_buffer_intact(void **state)
{
	proto_buf b;

	proto_buf_init(&b, 1 << 20);
	assert_int_equal(proto_buf_append(&b, "abc", 3), PROTO_OK);
	proto_alloc_fail_after(0);
	assert_int_equal(proto_buf_reserve(&b, 100000), PROTO_ENOMEM);
	proto_alloc_fail_after(-1);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "abc", 3);
	proto_buf_release(&b);
}

static void varint_roundtrip(void **state)
{
	const uint64_t u[] = { 0,         1, 127, 128, 300, 16383, 16384, UINT32_MAX, (uint64_t)1 << 63,
			       UINT64_MAX };
	const int64_t s[] = { 0, -1, 1, -64, 64, INT32_MIN, INT64_MIN, INT64_MAX };
	proto_buf b;
	proto_reader r;

	proto_buf_init(&b, 1024);
	for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
		assert_int_equal(proto_buf_put_varint(&b, u[i]), PROTO_OK);
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		assert_int_equal(proto_buf_put_svarint(&b, s[i]), PROTO_OK);
	proto_reader_init(&r, b.data, b.len);
	for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
		uint64_t v;
		assert_int_equal(proto_get_varint(&r, &v), PROTO_OK);
		assert_true(v == u[i]);
	}
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
		int64_t v;
		assert_int_equal(proto_get_svarint(&r, &v), PROTO_OK);
		assert_true(v == s[i]);
	}
	assert_int_equal(proto_reader_left(&r), 0);
	proto_buf_release(&b);
}

static void varint_rejects_hostile_encodings(void **state)
{
	const uint8_t overlong[] = { 0x80, 0x00 }; /* 0 in two bytes */
	const uint8_t eleven[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x81, 0x00 };
	const uint8_t too_big[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 };
	const uint8_t cut[] = { 0x80, 0x80 };
	proto_reader r;
	uint64_t v;

	proto_reader_init(&r, overlong, sizeof overlong);
	assert_int_equal(proto_get_varint(&r, &v), PROTO_EBODY);
	proto_reader_init(&r, eleven, sizeof eleven);
	assert_int_not_equal(proto_get_varint(&r, &v), PROTO_OK);
	proto_reader_init(&r, too_big, sizeof too_big);
	assert_int_equal(proto_get_varint(&r, &v), PROTO_EBODY);
	proto_reader_init(&r, cut, sizeof cut);
	assert_int_equal(proto_get_varint(&r, &v), PROTO_ETRUNCATED);
}

static void reader_never_reads_past_end(void **state)
{
	const uint8_t d[5] = { 1, 2, 3, 4, 5 };
	proto_reader r;
	uint32_t v32;
	uint64_t v64;
	const uint8_t *p;

	proto_reader_init(&r, d, sizeof d);
	assert_int_equal(proto_get_be32(&r, &v32), PROTO_OK);
	assert_int_equal(v32, 0x01020304);
	assert_int_equal(proto_get_be32(&r, &v32), PROTO_ETRUNCATED);
	assert_int_equal(proto_get_be64(&r, &v64), PROTO_ETRUNCATED);
	assert_int_equal(proto_get_bytes(&r, SIZE_MAX, &p), PROTO_ETRUNCATED);
	assert_int_equal(proto_get_bytes(&r, 1, &p), PROTO_OK);
	assert_int_equal(*p, 5);
	assert_int_equal(proto_reader_left(&r), 0);
}

TEST_MAIN(cmocka_unit_test(cap_is_hard), cmocka_unit_test(appendf_refuses_to_truncate),
	  cmocka_unit_test(oom_leaves_buffer_intact), cmocka_unit_test(varint_roundtrip),
	  cmocka_unit_test(varint_rejects_hostile_encodings),
	  cmocka_unit_test(reader_never_reads_past_end))
