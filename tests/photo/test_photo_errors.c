/*
 * test_photo_errors.c - what the field worker hands over instead of a
 * photo: each gets its own code and a message that says what the file is
 * and what to do, and a decompression bomb is refused from its header,
 * before a single pixel is allocated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <png.h>
#include <turbojpeg.h>
#include "testmain.h"
#include "photo_gen.h"
#include "maiam/alloc.h"
#include "maiam/photo.h"

static const photo_gen_exif some_exif = { .datetime = "2023:06:20 09:30:05",
					  .make = "Apple",
					  .model = "iPhone 12" };

/* photo_reduce and photo_read_evidence on len bytes of p give want. */
static void refused(const void *p, size_t len, photo_result want)
{
	photo_reduced r;
	photo_evidence ev;

	photo_reduced_init(&r);
	photo_result got = photo_reduce(p, len, &r);
	if (got != want)
		fail_msg("photo_reduce gave %s, wanted %s", photo_strerror(got), photo_strerror(want));
	assert_null(r.jpeg.bytes);
	assert_int_equal(r.jpeg.len, 0);
	/* what the first bytes tell, the evidence reader tells too; it decodes
	 * no pixel, so what only decoding finds is photo_reduce's alone */
	if (want != PHOTO_ETRUNCATED && want != PHOTO_ECORRUPT && want != PHOTO_ETOOBIG &&
	    want != PHOTO_EUNSUPPORTED)
		assert_int_equal(photo_read_evidence(p, len, &ev), want);
}

static void the_messages_say_what_to_do(void **state)
{
	(void)state;
	assert_string_equal(photo_strerror(PHOTO_ETRUNCATED),
			    "the file is cut short: copy it again from the phone");
	assert_non_null(strstr(photo_strerror(PHOTO_EHEIF),
			       "set the phone to save JPEG (Most compatible) or convert it"));
	assert_non_null(strstr(photo_strerror(PHOTO_ETEXT), "text"));
	assert_non_null(strstr(photo_strerror(PHOTO_EOTHER), "GIF"));
	assert_string_equal(photo_strerror(PHOTO_RESULT_MAX), "unknown photo error");
	for (int a = 0; a < PHOTO_RESULT_MAX; a++)
		for (int b = a + 1; b < PHOTO_RESULT_MAX; b++)
			assert_string_not_equal(photo_strerror((photo_result)a),
						photo_strerror((photo_result)b));
}

static void not_a_photo(void **state)
{
	size_t len = 0;
	uint8_t *heic = photo_gen_heic_like(&len);
	static const uint8_t gif[] = "GIF89a\x10\x00\x10\x00\x80\x00\x00";
	static const uint8_t webp[] = "RIFF\x24\x00\x00\x00WEBPVP8 ";
	static const uint8_t bmp[] = "BM\x36\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00";
	static const uint8_t mp4[] = "\x00\x00\x00\x20"
				     "ftypisom\x00\x00\x02\x00";
	static const uint8_t binary[] = "\x00\x01\x02\x03\x04\x05\xfe\xff";

	(void)state;
	refused("", 0, PHOTO_EEMPTY);
	refused(NULL, 0, PHOTO_EEMPTY);
	refused(heic, len, PHOTO_EHEIF);
	free(heic);
	uint8_t *text = photo_gen_text(&len);
	refused(text, len, PHOTO_ETEXT);
	free(text);
	refused(gif, sizeof gif - 1, PHOTO_EOTHER);
	refused(webp, sizeof webp - 1, PHOTO_EOTHER);
	refused(bmp, sizeof bmp - 1, PHOTO_EOTHER);
	refused(mp4, sizeof mp4 - 1, PHOTO_EOTHER);
	refused(binary, sizeof binary - 1, PHOTO_EUNKNOWN);
}

static void cut_short_anywhere(void **state)
{
	size_t len = 0;
	uint8_t *jpeg = photo_gen_jpeg(800, 600, 1, 92, &some_exif, &len);
	uint8_t *png;

	(void)state;
	refused(jpeg, len / 2, PHOTO_ETRUNCATED); /* in the scan */
	refused(jpeg, 60, PHOTO_ETRUNCATED);      /* in the EXIF segment */
	refused(jpeg, 2, PHOTO_ETRUNCATED);       /* the start of image alone */
	refused(jpeg, len - 200, PHOTO_ETRUNCATED);
	free(jpeg);
	png = photo_gen_png(800, 600, 1, PNG_COLOR_TYPE_RGB, 8, NULL, &len);
	refused(png, len / 2, PHOTO_ETRUNCATED);
	refused(png, 40, PHOTO_ETRUNCATED);
	refused(png, 5, PHOTO_ETRUNCATED);
	free(png);
}

static void damaged(void **state)
{
	size_t len = 0;
	uint8_t *jpeg = photo_gen_jpeg(400, 300, 2, 92, NULL, &len);
	uint8_t *png;

	(void)state;
	jpeg[3] = 0x00; /* APP0's marker is no marker */
	refused(jpeg, len, PHOTO_ECORRUPT);
	free(jpeg);
	png = photo_gen_png(400, 300, 2, PNG_COLOR_TYPE_RGB, 8, NULL, &len);
	png[20] ^= 0x01; /* IHDR no longer matches its CRC */
	refused(png, len, PHOTO_ECORRUPT);
	free(png);
}

/* A tiny file whose header claims 65000 x 65000 pixels (12.7 GB as RGB) is
 * refused from its header: not one allocation is made. */
static void a_bomb_is_refused_before_any_allocation(void **state)
{
	size_t len = 0;
	uint8_t *jpeg = photo_gen_jpeg(64, 48, 3, 92, NULL, &len);
	uint8_t *png = NULL;
	photo_reduced r;

	(void)state;
	assert_true(photo_gen_set_declared_size(jpeg, len, 65000, 65000));
	proto_alloc_fail_after(-1);
	photo_reduced_init(&r);
	assert_int_equal(photo_reduce(jpeg, len, &r), PHOTO_ETOOBIG);
	assert_int_equal(proto_alloc_fail_after(-1), 0);
	/* just over the cap: 7746 x 7746 is 60.0 MP and one pixel row more */
	assert_true(photo_gen_set_declared_size(jpeg, len, 7746, 7746));
	assert_int_equal(photo_reduce(jpeg, len, &r), PHOTO_ETOOBIG);
	assert_int_equal(proto_alloc_fail_after(-1), 0);
	assert_int_equal(photo_thumbnail(jpeg, len, &r.jpeg), PHOTO_ETOOBIG);
	uint64_t hash;
	assert_int_equal(photo_dhash(jpeg, len, &hash), PHOTO_ETOOBIG);
	assert_int_equal(proto_alloc_fail_after(-1), 0);
	free(jpeg);

	png = photo_gen_png(64, 48, 3, PNG_COLOR_TYPE_RGB, 8, NULL, &len);
	assert_true(photo_gen_set_declared_size(png, len, 65000, 65000));
	assert_int_equal(photo_reduce(png, len, &r), PHOTO_ETOOBIG);
	assert_int_equal(proto_alloc_fail_after(-1), 0);
	free(png);
}

static void too_many_bytes(void **state)
{
	size_t len = PHOTO_MAX_INPUT_BYTES + 1;
	uint8_t *big = calloc(1, len);

	(void)state;
	assert_non_null(big);
	memcpy(big, "\xff\xd8\xff\xe0", 4);
	refused(big, len, PHOTO_ETOOBIG);
	free(big);
}

/* w x h of the generated scene encoded by TurboJPEG as pixel format pf
 * (TJPF_CMYK makes an Adobe CMYK JPEG), subsampling and flags. */
static uint8_t *encoded_as(int w, int h, int pf, int subsamp, int flags, size_t *len)
{
	uint8_t *rgb = photo_gen_rgb(w, h, 5), *px = malloc((size_t)w * (size_t)h * 4), *out = NULL;
	unsigned char *jpeg = NULL;
	unsigned long size = 0;
	tjhandle tj = tjInitCompress();

	assert_non_null(rgb);
	assert_non_null(px);
	for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
		for (int c = 0; c < 3; c++) /* CMYK: the inks are the complements */
			px[4 * i + (size_t)c] = pf == TJPF_CMYK ? (uint8_t)(255 - rgb[3 * i + (size_t)c])
								: rgb[3 * i + (size_t)c];
		px[4 * i + 3] = pf == TJPF_CMYK ? 0 : 255;
	}
	assert_int_equal(tjCompress2(tj, px, w, 0, h, pf, &jpeg, &size, subsamp, 90, flags), 0);
	out = malloc(size);
	memcpy(out, jpeg, size);
	*len = size;
	tjFree(jpeg);
	tjDestroy(tj);
	free(px);
	free(rgb);
	return out;
}

/* A CMYK JPEG (from a print workflow, never a phone) is refused by name;
 * progressive and grey JPEGs are photos like any other. */
static void other_kinds_of_jpeg(void **state)
{
	size_t len = 0;
	uint8_t *jpeg = encoded_as(320, 240, TJPF_CMYK, TJSAMP_444, 0, &len);
	photo_reduced r;

	(void)state;
	refused(jpeg, len, PHOTO_EUNSUPPORTED);
	free(jpeg);
	jpeg = encoded_as(2000, 1000, TJPF_RGBX, TJSAMP_420, TJFLAG_PROGRESSIVE, &len);
	assert_int_equal(photo_reduce(jpeg, len, &r), PHOTO_OK);
	assert_int_equal(r.jpeg.width, 1600);
	assert_int_equal(r.jpeg.height, 800);
	photo_reduced_release(&r);
	free(jpeg);
	jpeg = encoded_as(320, 240, TJPF_RGBX, TJSAMP_GRAY, 0, &len);
	assert_int_equal(photo_reduce(jpeg, len, &r), PHOTO_OK);
	assert_int_equal(r.jpeg.width, 320);
	photo_reduced_release(&r);
	free(jpeg);
}

/* The hub's functions take only JPEG: what travels is always one. */
static void hub_side_takes_jpeg_only(void **state)
{
	size_t len = 0;
	uint8_t *png = photo_gen_png(64, 48, 4, PNG_COLOR_TYPE_RGB, 8, NULL, &len);
	photo_jpeg thumb;
	uint64_t hash = 1;

	(void)state;
	assert_int_equal(photo_thumbnail(png, len, &thumb), PHOTO_EUNKNOWN);
	assert_null(thumb.bytes);
	assert_int_equal(photo_dhash(png, len, &hash), PHOTO_EUNKNOWN);
	assert_int_equal(hash, 0);
	assert_int_equal(photo_dhash(png, len, NULL), PHOTO_EINVAL);
	assert_int_equal(photo_reduce(png, len, NULL), PHOTO_EINVAL);
	free(png);
}

TEST_MAIN(cmocka_unit_test(the_messages_say_what_to_do), cmocka_unit_test(not_a_photo),
	  cmocka_unit_test(cut_short_anywhere), cmocka_unit_test(damaged),
	  cmocka_unit_test(a_bomb_is_refused_before_any_allocation), cmocka_unit_test(too_many_bytes),
	  cmocka_unit_test(other_kinds_of_jpeg), cmocka_unit_test(hub_side_takes_jpeg_only))
