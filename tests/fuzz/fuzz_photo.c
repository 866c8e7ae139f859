/*
 * fuzz_photo.c - libFuzzer target for the photo a field worker hands the
 * laptop: the input is a whole file given to photo_read_evidence and
 * photo_reduce (sniffing, EXIF through libexif, the JPEG and PNG decoders,
 * resize, orientation, encoder); a reduced photo then goes through the
 * hub's photo_thumbnail and photo_dhash. The library's promises are
 * checked: a reduced photo is a JPEG within PHOTO_LONG_SIDE, its evidence
 * text is terminated and its orientation 1..8.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/photo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_evidence(const photo_evidence *ev)
{
	if (memchr(ev->taken_at, 0, sizeof ev->taken_at) == NULL ||
	    memchr(ev->camera, 0, sizeof ev->camera) == NULL || ev->orientation < 1 || ev->orientation > 8)
		abort();
	if (ev->has_position &&
	    (ev->latitude < -90 || ev->latitude > 90 || ev->longitude < -180 || ev->longitude > 180))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	photo_evidence ev;
	photo_reduced r;
	photo_jpeg thumb;
	uint64_t hash;

	if (photo_read_evidence(data, size, &ev) == PHOTO_OK)
		check_evidence(&ev);
	photo_reduced_init(&r);
	if (photo_reduce(data, size, &r) != PHOTO_OK)
		return 0;
	check_evidence(&r.evidence);
	if (r.jpeg.len < 4 || r.jpeg.bytes[0] != 0xFF || r.jpeg.bytes[1] != 0xD8 || r.jpeg.width < 1 ||
	    r.jpeg.height < 1 || r.jpeg.width > PHOTO_LONG_SIDE || r.jpeg.height > PHOTO_LONG_SIDE)
		abort();
	if (photo_thumbnail(r.jpeg.bytes, r.jpeg.len, &thumb) != PHOTO_OK ||
	    photo_dhash(r.jpeg.bytes, r.jpeg.len, &hash) != PHOTO_OK)
		abort(); /* what we made, we read */
	if (thumb.width > PHOTO_THUMB_LONG_SIDE || thumb.height > PHOTO_THUMB_LONG_SIDE)
		abort();
	photo_jpeg_release(&thumb);
	photo_reduced_release(&r);
	return 0;
}
