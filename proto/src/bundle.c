/*
 * bundle.c - framing of several sealed change-sets into one file for a USB
 * stick (bundle.h). Writing is all-or-nothing on the output buffer; reading
 * checks every declared length against its bound and the bytes present.
 * Photo items (after the change-sets) are framed and read here; whether a
 * signed record names them is the hub's to check.
 */
#include <string.h>

#include "maiam/bundle.h"
#include "maiam/changeset.h"
#include "maiam/keys.h"

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

int proto_bundle_is_photo(const uint8_t *item, size_t len)
{
	return item && len >= 8 && memcmp(item, PROTO_BUNDLE_PHOTO_MAGIC, 8) == 0;
}

proto_result proto_bundle_put_photo(proto_buf *out, uint64_t origin, const uint8_t sha256[32],
				    const uint8_t *bytes, size_t len)
{
	size_t start;
	proto_result res;

	if (!out || !sha256 || !bytes || len == 0 || len > PROTO_BUNDLE_PHOTO_MAX || origin == 0)
		return PROTO_EINVAL;
	start = out->len;
	res = proto_buf_put_be32(out, (uint32_t)(PROTO_BUNDLE_PHOTO_HEAD + len));
	if (res == PROTO_OK)
		res = proto_buf_append(out, PROTO_BUNDLE_PHOTO_MAGIC, 8);
	if (res == PROTO_OK)
		res = proto_buf_put_be64(out, origin);
	if (res == PROTO_OK)
		res = proto_buf_append(out, sha256, 32);
	if (res == PROTO_OK)
		res = proto_buf_append(out, bytes, len);
	if (res != PROTO_OK)
		out->len = start;
	return res;
}

proto_result proto_bundle_photo_open(const uint8_t *item, size_t len, proto_bundle_photo *photo)
{
	proto_reader r;
	const uint8_t *magic = NULL;
	proto_result res;

	if (!photo || (!item && len))
		return PROTO_EINVAL;
	memset(photo, 0, sizeof(*photo));
	proto_reader_init(&r, item, len);
	if (proto_get_bytes(&r, 8, &magic) != PROTO_OK || memcmp(magic, PROTO_BUNDLE_PHOTO_MAGIC, 8) != 0)
		return PROTO_EMAGIC;
	res = proto_get_be64(&r, &photo->origin);
	if (res == PROTO_OK)
		res = proto_get_bytes(&r, 32, &photo->sha256);
	if (res == PROTO_OK && proto_reader_left(&r) == 0)
		res = PROTO_ETRUNCATED; /* a photo has at least one byte */
	if (res == PROTO_OK && proto_reader_left(&r) > PROTO_BUNDLE_PHOTO_MAX)
		res = PROTO_ELIMIT;
	if (res == PROTO_OK && photo->origin == 0)
		res = PROTO_EVALUE;
	if (res == PROTO_OK) {
		photo->len = proto_reader_left(&r);
		res = proto_get_bytes(&r, photo->len, &photo->bytes);
	}
	if (res != PROTO_OK)
		memset(photo, 0, sizeof(*photo));
	return res;
}

proto_result proto_bundle_photo_verify(const proto_bundle_photo *photo)
{
	uint8_t got[32];

	if (!photo || !photo->sha256 || !photo->bytes)
		return PROTO_EINVAL;
	proto_sha256(photo->bytes, photo->len, got);
	return memcmp(got, photo->sha256, 32) == 0 ? PROTO_OK : PROTO_EHASH;
}
