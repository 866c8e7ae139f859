/*
 * photo_gen.h - deterministic phone-like photos for the photo tests, the
 * fuzz seeds and bench_photos: a textured scene with a coloured block in
 * each corner (so a test can see where orientation put them), encoded as a
 * JPEG with an EXIF APP1 segment built byte by byte, or as a PNG of any
 * colour type; and the broken files phones and people hand over.
 *
 * Ownership: every function returning a pointer returns malloc'd memory the
 * caller frees with free(); NULL only when memory runs out.
 */
#ifndef MAIAM_PHOTO_GEN_H
#define MAIAM_PHOTO_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The colours of the corner blocks of the stored (unturned) scene; each
 * block is width/8 x height/8 and has no texture. */
#define PHOTO_GEN_TOP_LEFT 0xE61414u     /* red */
#define PHOTO_GEN_TOP_RIGHT 0x14C814u    /* green */
#define PHOTO_GEN_BOTTOM_LEFT 0x1414E6u  /* blue */
#define PHOTO_GEN_BOTTOM_RIGHT 0xF0E614u /* yellow; transparent in PNGs with alpha */

/* What the EXIF segment says; a NULL text or a false flag leaves the tag out. */
typedef struct photo_gen_exif {
	const char *datetime; /* DateTimeOriginal, "2023:06:20 09:30:05" */
	const char *offset;   /* OffsetTimeOriginal, "+07:00" */
	bool gps;
	double latitude, longitude; /* signed degrees: south and west negative */
	const char *make, *model;
	int orientation; /* 1..8; 0 leaves the tag out */
	bool big_endian; /* "MM" byte order instead of the phones' usual "II" */
} photo_gen_exif;

/* The scene as RGB, width x height x 3; seed picks its shapes and light. */
uint8_t *photo_gen_rgb(int width, int height, uint32_t seed);

/* The scene as a 4:2:0 JPEG at quality (phones: 90 to 95) with exif's APP1
 * right after SOI, where phones put it (exif NULL: no APP1). */
uint8_t *photo_gen_jpeg(int width, int height, uint32_t seed, int quality, const photo_gen_exif *exif,
			size_t *len);

/* The scene as a PNG: color_type is libpng's PNG_COLOR_TYPE_* (GRAY,
 * GRAY_ALPHA, RGB, RGB_ALPHA, PALETTE), bit_depth 8 or 16 (PALETTE: 8).
 * With alpha (or a palette) the bottom-right block is fully transparent.
 * exif non-NULL adds an eXIf chunk. */
uint8_t *photo_gen_png(int width, int height, uint32_t seed, int color_type, int bit_depth,
		       const photo_gen_exif *exif, size_t *len);

/* The EXIF block alone: "Exif\0\0" then the TIFF structure. */
uint8_t *photo_gen_exif_block(const photo_gen_exif *exif, size_t *len);

/* Rewrite the size a JPEG's SOF (or a PNG's IHDR, its CRC made good again)
 * declares, leaving the pixels as they are: a decompression bomb's header.
 * false if there is no such header. */
bool photo_gen_set_declared_size(uint8_t *file, size_t len, int width, int height);

/* A JPEG decoded to RGB at full size, for tests to look at pixels. */
uint8_t *photo_gen_decode(const uint8_t *jpeg, size_t len, int *width, int *height);

/* What an iPhone's HEIC photo starts with: an "ftyp" box, brand "heic". */
uint8_t *photo_gen_heic_like(size_t *len);
/* A text file named .jpg: a few lines of a household list. */
uint8_t *photo_gen_text(size_t *len);

#endif
