/*
 * buf.c - the capped growable buffer and the bounds-checked reader.
 * Everything read from the network, a file or zlib passes through these, so
 * every size computation is checked for overflow before it is used.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/alloc.h"
#include "maiam/buf.h"

void proto_buf_init(proto_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void proto_buf_release(proto_buf *b)
{
	free(b->data);
	proto_buf_init(b, b->max);
}

void proto_buf_reset(proto_buf *b)
{
	b->len = 0;
}

proto_result proto_buf_reserve(proto_buf *b, size_t n)
{
	size_t want, ncap;
	uint8_t *p;

	if (n > b->max || b->len > b->max - n)
		return PROTO_ETOOBIG;
	want = b->len + n;
	if (want <= b->cap && b->data)
		return PROTO_OK;
	/* grow geometrically, but never past the cap */
	ncap = b->cap ? b->cap : 64;
	while (ncap < want)
		ncap = ncap > SIZE_MAX / 2 ? want : ncap * 2;
	if (ncap > b->max)
		ncap = b->max;
	if (ncap < want)
		ncap = want;
	p = proto_realloc(b->data, ncap);
	if (!p)
		return PROTO_ENOMEM;
	b->data = p;
	b->cap = ncap;
	return PROTO_OK;
}

proto_result proto_buf_append(proto_buf *b, const void *p, size_t n)
{
	proto_result r;

	if (n == 0)
		return PROTO_OK;
	r = proto_buf_reserve(b, n);
	if (r != PROTO_OK)
		return r;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return PROTO_OK;
}

proto_result proto_buf_append_byte(proto_buf *b, uint8_t c)
{
	return proto_buf_append(b, &c, 1);
}

proto_result proto_buf_append_str(proto_buf *b, const char *s)
{
	return proto_buf_append(b, s, strlen(s));
}

proto_result proto_buf_appendf(proto_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	proto_result r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return PROTO_EINVAL;
	/* +1 for vsnprintf's terminator, which is not counted in len */
	r = proto_buf_reserve(b, (size_t)n + 1);
	if (r != PROTO_OK)
		return r;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return PROTO_OK;
}

proto_result proto_buf_put_varint(proto_buf *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;

	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		tmp[n++] = c | (v ? 0x80 : 0);
	} while (v);
	return proto_buf_append(b, tmp, n);
}

proto_result proto_buf_put_svarint(proto_buf *b, int64_t v)
{
	/* zigzag: small magnitudes of either sign become small varints */
	uint64_t u = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
	return proto_buf_put_varint(b, u);
}

/* The low n (at most 8) bytes of v, most significant first. */
static proto_result put_be(proto_buf *b, size_t n, uint64_t v)
{
	uint8_t t[8];

	assert(n <= 8);
	for (size_t i = 0; i < n; i++)
		t[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return proto_buf_append(b, t, n);
}

proto_result proto_buf_put_be32(proto_buf *b, uint32_t v)
{
	return put_be(b, 4, v);
}

proto_result proto_buf_put_be64(proto_buf *b, uint64_t v)
{
	return put_be(b, 8, v);
}

uint8_t *proto_buf_detach(proto_buf *b, size_t *len)
{
	uint8_t *p = b->data;
	if (len)
		*len = b->len;
	proto_buf_init(b, b->max);
	return p;
}

void proto_reader_init(proto_reader *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->pos = 0;
}

size_t proto_reader_left(const proto_reader *r)
{
	return r->len - r->pos;
}

proto_result proto_get_bytes(proto_reader *r, size_t n, const uint8_t **p)
{
	if (n > proto_reader_left(r))
		return PROTO_ETRUNCATED;
	*p = r->p + r->pos;
	r->pos += n;
	return PROTO_OK;
}

proto_result proto_get_u8(proto_reader *r, uint8_t *v)
{
	if (proto_reader_left(r) < 1)
		return PROTO_ETRUNCATED;
	*v = r->p[r->pos++];
	return PROTO_OK;
}

/* The next n (at most 8) bytes as a big-endian unsigned integer. */
static proto_result get_be(proto_reader *r, size_t n, uint64_t *v)
{
	const uint8_t *p;
	proto_result res = proto_get_bytes(r, n, &p);

	assert(n <= 8);
	if (res != PROTO_OK)
		return res;
	*v = 0;
	for (size_t i = 0; i < n; i++)
		*v = *v << 8 | p[i];
	return PROTO_OK;
}

proto_result proto_get_be32(proto_reader *r, uint32_t *v)
{
	uint64_t wide;
	proto_result res = get_be(r, 4, &wide);

	if (res == PROTO_OK)
		*v = (uint32_t)wide;
	return res;
}

proto_result proto_get_be64(proto_reader *r, uint64_t *v)
{
	return get_be(r, 8, v);
}

/*
 * LEB128, strict: at most 10 bytes, the 10th may only carry the top bit,
 * and the last byte may not be 0 unless it is the only byte (minimal form),
 * so every value has exactly one encoding.
 */
proto_result proto_get_varint(proto_reader *r, uint64_t *v)
{
	uint64_t x = 0;

	for (unsigned i = 0; i < 10; i++) {
		uint8_t c;
		if (proto_get_u8(r, &c) != PROTO_OK)
			return PROTO_ETRUNCATED;
		if (i == 9 && c > 1)
			return PROTO_EBODY;
		x |= (uint64_t)(c & 0x7f) << (7 * i);
		if (!(c & 0x80)) {
			if (c == 0 && i > 0)
				return PROTO_EBODY;
			*v = x;
			return PROTO_OK;
		}
	}
	return PROTO_EBODY;
}

proto_result proto_get_svarint(proto_reader *r, int64_t *v)
{
	uint64_t u;
	proto_result res = proto_get_varint(r, &u);
	if (res != PROTO_OK)
		return res;
	*v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
	return PROTO_OK;
}
