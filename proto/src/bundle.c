/*
 * bundle.c - framing of several sealed change-sets into one file for a USB
 * stick (bundle.h). Writing is all-or-nothing on the output buffer; reading
 * checks every declared length against its bound and the bytes present.
 */
#include <string.h>

#include "maiam/bundle.h"
#include "maiam/changeset.h"

proto_result proto_bundle_write(proto_buf *out, const uint8_t *const *items, const size_t *lens, size_t n)
{
	size_t start;
	proto_result res = PROTO_OK;

	if (!out || (n && (!items || !lens)))
		return PROTO_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!items[i] || lens[i] == 0 || lens[i] > PROTO_BUNDLE_MAX_ITEM)
			return PROTO_EINVAL;
	start = out->len;
	res = proto_buf_append(out, PROTO_BUNDLE_MAGIC, PROTO_BUNDLE_MAGIC_LEN);
	for (size_t i = 0; res == PROTO_OK && i < n; i++) {
		res = proto_buf_put_be32(out, (uint32_t)lens[i]);
		if (res == PROTO_OK)
			res = proto_buf_append(out, items[i], lens[i]);
	}
	if (res != PROTO_OK)
		out->len = start; /* nothing half-written stays in the buffer */
	return res;
}

proto_result proto_bundle_open(proto_bundle_reader *br, const uint8_t *data, size_t len)
{
	const uint8_t *magic = NULL;

	if (!br || (!data && len))
		return PROTO_EINVAL;
	proto_reader_init(&br->r, data, len);
	br->index = 0;
	if (proto_get_bytes(&br->r, PROTO_BUNDLE_MAGIC_LEN, &magic) != PROTO_OK ||
	    memcmp(magic, PROTO_BUNDLE_MAGIC, PROTO_BUNDLE_MAGIC_LEN) != 0)
		return PROTO_EMAGIC;
	return PROTO_OK;
}

proto_result proto_bundle_next(proto_bundle_reader *br, const uint8_t **item, size_t *len)
{
	size_t mark;
	uint32_t n = 0;
	proto_result res;

	if (!br || !item || !len)
		return PROTO_EINVAL;
	*item = NULL;
	*len = 0;
	if (proto_reader_left(&br->r) == 0)
		return PROTO_OK;
	mark = br->r.pos;
	res = proto_get_be32(&br->r, &n);
	if (res != PROTO_OK)
		goto fail;
	if (n == 0 || n > PROTO_BUNDLE_MAX_ITEM) {
		res = PROTO_ELIMIT;
		goto fail;
	}
	res = proto_get_bytes(&br->r, n, item);
	if (res != PROTO_OK)
		goto fail;
	*len = n;
	br->index++;
	return PROTO_OK;
fail:
	br->r.pos = mark;
	*item = NULL;
	return res;
}
