/*
 * bundle.h - the USB bundle: several sealed change-sets in one file.
 *
 * bundle = "MAIMBDL1" (8 bytes) then, repeated to end of file,
 *          [u32 big-endian length][that many bytes: one item]
 * An item is a sealed change-set, an enrolment claim ("MAIMCLM1", hubfile.h)
 * or, after the change-sets, a photo's bytes:
 *          "MAIMPHO1" | origin u64be | SHA-256 (32 bytes) | the photo's bytes
 * (proto/FORMAT.md, section "USB bundle"). This layer only frames bytes: each
 * change-set is still opened with proto_open, which checks signature and
 * chain, and each photo is taken only if a signed record names its hash.
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

/* A photo item: its magic differs from a change-set's first five bytes
 * ("MAIM", version 1 or 2), so a reader that knows no photo item refuses it
 * as a change-set of an unknown version and still reads the others. */
#define PROTO_BUNDLE_PHOTO_MAGIC "MAIMPHO1"
#define PROTO_BUNDLE_PHOTO_HEAD (8u + 8u + 32u) /* magic, origin, SHA-256 */
/* The most bytes one photo may have: the hub's cap on a photo (the laptop's
 * reduction makes about 130 kB). */
#define PROTO_BUNDLE_PHOTO_MAX (8u << 20)
/* The most photo bytes the laptop puts in one bundle: one day of the hub's
 * photo quota per laptop, so one import never runs into it by itself. */
#define PROTO_BUNDLE_PHOTOS_MAX ((uint64_t)256 << 20)

/* One photo item, read: pointers into the bundle's bytes. */
typedef struct proto_bundle_photo {
	uint64_t origin;       /* the key id of the laptop whose records name it */
	const uint8_t *sha256; /* 32 bytes: the name the records give it */
	const uint8_t *bytes;  /* the photo */
	size_t len;            /* 1..PROTO_BUNDLE_PHOTO_MAX */
} proto_bundle_photo;

/* 1 when the item (as proto_bundle_next returned it) is a photo item. */
int proto_bundle_is_photo(const uint8_t *item, size_t len);
/*
 * Append one photo item (its u32 length first) to out, origin's photo of
 * len bytes (1..PROTO_BUNDLE_PHOTO_MAX) named by sha256; its hash is not
 * checked here (the reader checks it). On error out is left as it was.
 */
proto_result proto_bundle_put_photo(proto_buf *out, uint64_t origin, const uint8_t sha256[32],
				    const uint8_t *bytes, size_t len);
/*
 * Read a photo item: PROTO_EMAGIC if it is none, PROTO_ETRUNCATED if it ends
 * before its first photo byte, PROTO_ELIMIT if the photo is over
 * PROTO_BUNDLE_PHOTO_MAX, PROTO_EVALUE for origin 0. Its hash is not checked
 * (proto_bundle_photo_verify): a photo whose bytes are wrong is refused
 * alone, the rest of the bundle still read.
 */
proto_result proto_bundle_photo_open(const uint8_t *item, size_t len, proto_bundle_photo *photo);
/* PROTO_OK when the photo's bytes hash to its name, else PROTO_EHASH. */
proto_result proto_bundle_photo_verify(const proto_bundle_photo *photo);

#endif
