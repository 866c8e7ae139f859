/*
 * photo_int.h - what the photo library's files share and nobody else sees:
 * an image in memory, the JPEG and PNG decoders, the area resize, the
 * orientation and the encoder that photo.c puts together.
 *
 * Ownership: every photo_image filled here owns its pixels (proto_malloc),
 * released with photo_image_release; inputs are borrowed.
 */
#ifndef MAIAM_PHOTO_INT_H
#define MAIAM_PHOTO_INT_H

#include <stddef.h>
#include <stdint.h>
#include "maiam/photo.h"

/* Pixels row after row, no padding: channels 3 (RGB) or 1 (grey). */
typedef struct photo_image {
	uint8_t *px;
	int width, height, channels;
} photo_image;

void photo_image_init(photo_image *im);
void photo_image_release(photo_image *im);
/* Allocate width x height x channels bytes into an empty *im. */
photo_result photo_image_alloc(photo_image *im, int width, int height, int channels);

/* Where a walk of a JPEG's marker segments ends (photo_jpeg_walk). */
typedef enum photo_walk {
	PHOTO_WALK_SCAN,      /* reached the start of scan: the header is whole */
	PHOTO_WALK_CUT,       /* the bytes end inside the header segments */
	PHOTO_WALK_MALFORMED, /* something that is not a marker segment */
} photo_walk;

/* Walk the marker segments of a JPEG (after its SOI) up to the start of
 * scan; *exif and *exif_len get the first APP1 "Exif\0\0" segment's payload
 * (pointing into p) or NULL/0. */
photo_walk photo_jpeg_walk(const uint8_t *p, size_t len, const uint8_t **exif, size_t *exif_len);

/* The evidence of a file already sniffed as kind (exif.c). */
photo_result photo_evidence_read(const uint8_t *p, size_t len, photo_kind kind, photo_evidence *ev);

/*
 * Decode a JPEG into channels 3 (RGB) or 1 (grey), at the smallest of
 * libjpeg-turbo's scales whose long side is still >= min_long_side (never
 * above full size). The pixel cap is checked on the header first.
 * *full_width and *full_height get the stored size (either may be NULL).
 */
photo_result photo_jpeg_decode(const uint8_t *p, size_t len, int min_long_side, int channels,
			       photo_image *out, int *full_width, int *full_height);
/* Decode a PNG of any colour type and depth into RGB, alpha over white. */
photo_result photo_png_decode(const uint8_t *p, size_t len, photo_image *out);

/* width x height scaled so that its long side is at most long_side, the
 * ratio kept, never upscaled, neither side below 1. */
void photo_fit(int width, int height, int long_side, int *out_width, int *out_height);
/* src averaged over areas into an image of exactly width x height. */
photo_result photo_image_resize(const photo_image *src, int width, int height, photo_image *out);
/* src turned the way EXIF orientation 1..8 says the camera meant it. */
photo_result photo_image_orient(const photo_image *src, int orientation, photo_image *out);
/* An RGB image as a baseline JFIF JPEG, 4:2:0, at quality, nothing else. */
photo_result photo_jpeg_encode(const photo_image *im, int quality, photo_jpeg *out);

#endif
