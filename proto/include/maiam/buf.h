/*
 * buf.h - the one growable byte buffer, with a hard cap.
 *
 * Everything that comes from the network, a file or zlib is collected in a
 * proto_buf. Its cap ('max') is set at init and is never exceeded: an append
 * that would pass it fails with PROTO_ETOOBIG and leaves the buffer as it was.
 * Invariant: data is NULL or holds cap bytes of which len are used;
 * len <= cap and len <= max. The buffer owns data; proto_buf_release frees it.
 */
#ifndef MAIAM_BUF_H
#define MAIAM_BUF_H

#include <stddef.h>
#include <stdint.h>
#include "result.h"

typedef struct proto_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t max;
} proto_buf;

/* No allocation. max is the hard cap in bytes. */
void proto_buf_init(proto_buf *b, size_t max);
/* Frees the contents; the buffer is left initialised and empty (same max). */
void proto_buf_release(proto_buf *b);
/* Make room for at least n more bytes. */
proto_result proto_buf_reserve(proto_buf *b, size_t n);
proto_result proto_buf_append(proto_buf *b, const void *p, size_t n);
proto_result proto_buf_append_byte(proto_buf *b, uint8_t c);
proto_result proto_buf_append_str(proto_buf *b, const char *s);
/* printf-style append; fails with PROTO_ETOOBIG rather than truncating. */
proto_result proto_buf_appendf(proto_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append LEB128 unsigned varint / zigzag signed varint / big-endian ints. */
proto_result proto_buf_put_varint(proto_buf *b, uint64_t v);
proto_result proto_buf_put_svarint(proto_buf *b, int64_t v);
proto_result proto_buf_put_be32(proto_buf *b, uint32_t v);
proto_result proto_buf_put_be64(proto_buf *b, uint64_t v);
void proto_buf_reset(proto_buf *b); /* len = 0, keeps memory */
/* Hand the data to the caller (who frees it with free()); buffer becomes empty. */
uint8_t *proto_buf_detach(proto_buf *b, size_t *len);

/*
 * A bounds-checked reader over borrowed bytes. Every get fails with
 * PROTO_ETRUNCATED instead of reading past end; varints reject overlong and
 * over-64-bit encodings with PROTO_EBODY.
 */
typedef struct proto_reader {
	const uint8_t *p;
	size_t len;
	size_t pos;
} proto_reader;

void proto_reader_init(proto_reader *r, const uint8_t *p, size_t len);
size_t proto_reader_left(const proto_reader *r);
proto_result proto_get_u8(proto_reader *r, uint8_t *v);
proto_result proto_get_be32(proto_reader *r, uint32_t *v);
proto_result proto_get_be64(proto_reader *r, uint64_t *v);
proto_result proto_get_bytes(proto_reader *r, size_t n, const uint8_t **p);
proto_result proto_get_varint(proto_reader *r, uint64_t *v);
proto_result proto_get_svarint(proto_reader *r, int64_t *v);

#endif
