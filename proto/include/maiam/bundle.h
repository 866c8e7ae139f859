/*
 * bundle.h - the USB bundle: several sealed change-sets in one file.
 *
 * bundle = "MAIMBDL1" (8 bytes) then, repeated to end of file,
 *          [u32 big-endian length][that many bytes: one sealed change-set]
 * (proto/FORMAT.md, section "USB bundle"). This layer only frames bytes: each
 * item is still opened with proto_open, which checks signature and chain.
 * Reading trusts nothing: every length is bounded and checked against the
 * bytes that are really there.
 */
#ifndef MAIAM_BUNDLE_H
#define MAIAM_BUNDLE_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "result.h"

#define PROTO_BUNDLE_MAGIC "MAIMBDL1"
#define PROTO_BUNDLE_MAGIC_LEN 8
/* Largest item accepted: a sealed change-set is its compressed body plus a
 * header, key id and signature, all far smaller than 4 KiB. */
#define PROTO_BUNDLE_MAX_ITEM (PROTO_MAX_ZBODY + 4096u)

/*
 * Append a whole bundle holding the n items (items[i] of lens[i] bytes, each
 * 1..PROTO_BUNDLE_MAX_ITEM) to out. On error out is left as it was.
 * n = 0 gives a valid empty bundle (the magic alone).
 */
proto_result proto_bundle_write(proto_buf *out, const uint8_t *const *items, const size_t *lens, size_t n);

/* A reader over borrowed bundle bytes (they must outlive it). */
typedef struct proto_bundle_reader {
	proto_reader r;
	size_t index; /* items returned so far */
} proto_bundle_reader;

/* Check the magic; PROTO_EMAGIC if the bytes are not a bundle. */
proto_result proto_bundle_open(proto_bundle_reader *br, const uint8_t *data, size_t len);

/*
 * Next item: on PROTO_OK *item points into the bundle bytes and *len > 0;
 * at the clean end of the bundle PROTO_OK with *item = NULL and *len = 0.
 * A length cut short or an item shorter than its length: PROTO_ETRUNCATED;
 * a length of 0 or over PROTO_BUNDLE_MAX_ITEM: PROTO_ELIMIT. After an error
 * the reader stays at the failing item (it does not resynchronise).
 */
proto_result proto_bundle_next(proto_bundle_reader *br, const uint8_t **item, size_t *len);

#endif
