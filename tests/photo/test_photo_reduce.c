/*
 * test_photo_reduce.c - the laptop's copy that travels (photo_reduce): the
 * evidence read back exactly as the generator wrote it, the size (long side
 * 1600, never upscaled), every EXIF orientation turning the pixels the right
 * way, no metadata but JFIF left, the same bytes on every run, PNG of every
 * colour type, and every allocation failure failing cleanly.
 */
#define _GNU_SOURCE /* memmem */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <png.h>
#include "testmain.h"
#include "photo_gen.h"
#include "maiam/alloc.h"
#include "maiam/keys.h"
#include "maiam/photo.h"

static const photo_gen_exif field_photo = {
	.datetime = "2023:06:20 09:30:05",
	.offset = "+07:00",
	.gps = true,
	.latitude = 9.603456,
	.longitude = 105.974321,
	.make = "samsung",
	.model = "SM-A525F",
	.orientation = 1,
};

/* Reduce a generated JPEG; the test fails on any error. */
static void reduce_jpeg(int w, int h, uint32_t seed, const photo_gen_exif *exif, photo_reduced *out)
{
	size_t len = 0;
	uint8_t *jpeg = photo_gen_jpeg(w, h, seed, 92, exif, &len);

	assert_non_null(jpeg);
	photo_reduced_init(out);
	assert_int_equal(photo_reduce(jpeg, len, out), PHOTO_OK);
	free(jpeg);
}

static void evidence_reads_back_exactly(void **state)
{
	photo_reduced r;

	(void)state;
	reduce_jpeg(640, 480, 1, &field_photo, &r);
	const photo_evidence *ev = &r.evidence;
	assert_true(ev->has_taken_at);
	assert_string_equal(ev->taken_at, "2023-06-20T09:30:05+07:00");
	assert_int_equal(ev->taken_at_epoch, 1687228205); /* 02:30:05 UTC */
	assert_int_equal(ev->tz_minutes, 420);
	assert_false(ev->tz_assumed);
	assert_true(ev->has_position);
	assert_true(fabs(ev->latitude - 9.603456) < 1e-9);
	assert_true(fabs(ev->longitude - 105.974321) < 1e-9);
	assert_string_equal(ev->camera, "samsung SM-A525F");
	assert_int_equal(ev->orientation, 1);
	assert_int_equal(r.source_kind, PHOTO_KIND_JPEG);
	assert_int_equal(r.source_width, 640);
	photo_reduced_release(&r);
}

static void evidence_big_endian_south_west_and_offset(void **state)
{
	photo_gen_exif x = field_photo;
	photo_reduced r;

	(void)state;
	x.big_endian = true;
	x.latitude = -33.8688;
	x.longitude = -70.5;
	x.offset = "-03:30";
	reduce_jpeg(320, 240, 2, &x, &r);
	assert_string_equal(r.evidence.taken_at, "2023-06-20T09:30:05-03:30");
	assert_int_equal(r.evidence.taken_at_epoch, 1687266005); /* 13:00:05 UTC */
	assert_int_equal(r.evidence.tz_minutes, -210);
	assert_true(fabs(r.evidence.latitude + 33.8688) < 1e-9);
	assert_true(fabs(r.evidence.longitude + 70.5) < 1e-9);
	photo_reduced_release(&r);
}

static void no_offset_is_taken_as_vietnam_time(void **state)
{
	photo_gen_exif x = field_photo;
	photo_reduced r;

	(void)state;
	x.offset = NULL;
	reduce_jpeg(320, 240, 3, &x, &r);
	assert_true(r.evidence.tz_assumed);
	assert_int_equal(r.evidence.tz_minutes, PHOTO_ASSUMED_TZ_MINUTES);
	assert_string_equal(r.evidence.taken_at, "2023-06-20T09:30:05+07:00");
	assert_int_equal(r.evidence.taken_at_epoch, 1687228205);
	photo_reduced_release(&r);
}

static void no_exif_sets_nothing(void **state)
{
	photo_reduced r;

	(void)state;
	reduce_jpeg(320, 240, 4, NULL, &r);
	assert_false(r.evidence.has_taken_at);
	assert_false(r.evidence.has_position);
	assert_string_equal(r.evidence.camera, "");
	assert_int_equal(r.evidence.orientation, 1);
	photo_reduced_release(&r);
}

/* A clock never set, a day that does not exist, a latitude past the pole
 * and a zero fix are no evidence at all, not wrong evidence. */
static void impossible_values_are_not_set(void **state)
{
	static const char *const bad_dates[] = { "0000:00:00 00:00:00", "2023:02:30 10:00:00",
						 "    :  :     :  :  ", "2023-06-20 09:30:05",
						 "2023:06:20 24:00:00" };
	photo_gen_exif x = field_photo;
	photo_reduced r;

	(void)state;
	for (size_t i = 0; i < sizeof bad_dates / sizeof bad_dates[0]; i++) {
		x.datetime = bad_dates[i];
		reduce_jpeg(64, 48, 5, &x, &r);
		assert_false(r.evidence.has_taken_at);
		assert_string_equal(r.evidence.taken_at, "");
		photo_reduced_release(&r);
	}
	x = field_photo;
	x.latitude = 95;
	reduce_jpeg(64, 48, 5, &x, &r);
	assert_false(r.evidence.has_position);
	photo_reduced_release(&r);
	x.latitude = 0;
	x.longitude = 0;
	reduce_jpeg(64, 48, 5, &x, &r);
	assert_false(r.evidence.has_position);
	photo_reduced_release(&r);
	x = field_photo;
	x.orientation = 9;
	reduce_jpeg(64, 48, 5, &x, &r);
	assert_int_equal(r.evidence.orientation, 1);
	photo_reduced_release(&r);
}

static void camera_text_is_printable_and_capped(void **state)
{
	char long_model[200];
	photo_gen_exif x = field_photo;
	photo_reduced r;

	(void)state;
	x.make = "Apple";
	x.model = "Apple iPhone 12";
	reduce_jpeg(64, 48, 6, &x, &r);
	assert_string_equal(r.evidence.camera, "Apple iPhone 12");
	photo_reduced_release(&r);

	x.make = "  Canon\x1b[31m ";
	x.model = "EOS\t\t\xff\xfe  Điện\x7f";
	reduce_jpeg(64, 48, 6, &x, &r);
	assert_string_equal(r.evidence.camera, "Canon?[31m EOS ?? Điện?");
	photo_reduced_release(&r);

	memset(long_model, 'M', sizeof long_model - 1);
	long_model[sizeof long_model - 1] = '\0';
	memcpy(long_model + 60, "ệệệ", 9); /* a 3-byte character across the cap */
	x.make = NULL;
	x.model = long_model;
	reduce_jpeg(64, 48, 6, &x, &r);
	assert_true(strlen(r.evidence.camera) < PHOTO_CAMERA_MAX);
	assert_int_equal(strlen(r.evidence.camera), 63);
	assert_memory_equal(r.evidence.camera + 60, "ệ", 3);
	photo_reduced_release(&r);
}

static void long_side_is_1600_and_never_upscaled(void **state)
{
	static const int cases[][4] = {
		{ 4000, 3000, 1600, 1200 }, { 1200, 900, 1200, 900 }, { 3000, 4000, 1200, 1600 },
		{ 1601, 1000, 1600, 999 },  { 1600, 50, 1600, 50 },   { 4000, 20, 1600, 8 },
	};
	photo_reduced r;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		reduce_jpeg(cases[i][0], cases[i][1], 7, &field_photo, &r);
		assert_int_equal(r.jpeg.width, cases[i][2]);
		assert_int_equal(r.jpeg.height, cases[i][3]);
		int w, h;
		uint8_t *px = photo_gen_decode(r.jpeg.bytes, r.jpeg.len, &w, &h);
		assert_non_null(px);
		assert_int_equal(w, cases[i][2]);
		assert_int_equal(h, cases[i][3]);
		free(px);
		photo_reduced_release(&r);
	}
}

/* The pixel near a corner (0 top left, 1 top right, 2 bottom left, 3
 * bottom right) of a decoded image, as 0xRRGGBB. */
static uint32_t near_corner(const uint8_t *px, int w, int h, int corner)
{
	int x = corner & 1 ? w - 1 - w / 32 : w / 32, y = corner & 2 ? h - 1 - h / 32 : h / 32;
	const uint8_t *p = px + ((size_t)y * (size_t)w + (size_t)x) * 3;
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static bool close_to(uint32_t got, uint32_t want)
{
	for (int s = 0; s < 24; s += 8)
		if (abs((int)((got >> s) & 255) - (int)((want >> s) & 255)) > 24)
			return false;
	return true;
}

static void every_orientation_turns_the_pixels(void **state)
{
	/* where the stored top-left (red) and top-right (green) blocks show */
	static const int red_at[9] = { 0, 0, 1, 3, 2, 0, 1, 3, 2 };
	static const int green_at[9] = { 0, 1, 0, 2, 3, 2, 3, 1, 0 };
	photo_gen_exif x = field_photo;
	photo_reduced r;

	(void)state;
	for (int o = 1; o <= 8; o++) {
		x.orientation = o;
		reduce_jpeg(400, 300, 8, &x, &r);
		bool swap = o >= 5;
		assert_int_equal(r.jpeg.width, swap ? 300 : 400);
		assert_int_equal(r.jpeg.height, swap ? 400 : 300);
		assert_int_equal(r.evidence.orientation, o);
		int w, h;
		uint8_t *px = photo_gen_decode(r.jpeg.bytes, r.jpeg.len, &w, &h);
		assert_non_null(px);
		if (!close_to(near_corner(px, w, h, red_at[o]), PHOTO_GEN_TOP_LEFT) ||
		    !close_to(near_corner(px, w, h, green_at[o]), PHOTO_GEN_TOP_RIGHT))
			fail_msg("orientation %d: red at corner %d is %06x, green at %d is %06x", o,
				 red_at[o], near_corner(px, w, h, red_at[o]), green_at[o],
				 near_corner(px, w, h, green_at[o]));
		free(px);
		photo_reduced_release(&r);
	}
}

/* Orientation with scaling: a 4000 x 3000 portrait photo (6) travels as
 * 1200 x 1600 with its top where the camera meant. */
static void orientation_6_and_8_on_a_phone_photo(void **state)
{
	photo_gen_exif x = field_photo;
	photo_reduced r;
	int w, h;

	(void)state;
	x.orientation = 6;
	reduce_jpeg(4000, 3000, 9, &x, &r);
	assert_int_equal(r.jpeg.width, 1200);
	assert_int_equal(r.jpeg.height, 1600);
	uint8_t *px = photo_gen_decode(r.jpeg.bytes, r.jpeg.len, &w, &h);
	assert_true(close_to(near_corner(px, w, h, 1), PHOTO_GEN_TOP_LEFT));
	free(px);
	photo_reduced_release(&r);

	x.orientation = 8;
	reduce_jpeg(4000, 3000, 9, &x, &r);
	assert_int_equal(r.jpeg.width, 1200);
	assert_int_equal(r.jpeg.height, 1600);
	px = photo_gen_decode(r.jpeg.bytes, r.jpeg.len, &w, &h);
	assert_true(close_to(near_corner(px, w, h, 2), PHOTO_GEN_TOP_LEFT));
	free(px);
	photo_reduced_release(&r);
}

/* The JPEG's segments before its scan: only SOI, APP0 "JFIF", DQT, SOF0
 * (baseline), DHT; no APP1 (EXIF, XMP), APP2 (ICC) or comment. */
static void only_jfif_travels(void **state)
{
	photo_reduced r;
	bool jfif = false, baseline = false;

	(void)state;
	reduce_jpeg(2000, 1500, 10, &field_photo, &r);
	const uint8_t *p = r.jpeg.bytes;
	size_t len = r.jpeg.len, i = 2;
	assert_true(p[0] == 0xFF && p[1] == 0xD8);
	while (i + 4 <= len && p[i + 1] != 0xDA) {
		uint8_t m = p[i + 1];
		assert_int_equal(p[i], 0xFF);
		assert_true(m == 0xE0 || m == 0xDB || m == 0xC0 || m == 0xC4 || m == 0xDD);
		jfif |= m == 0xE0 && memcmp(p + i + 4, "JFIF", 5) == 0;
		baseline |= m == 0xC0;
		i += 2 + ((size_t)p[i + 2] << 8 | p[i + 3]);
	}
	assert_true(jfif);
	assert_true(baseline);
	assert_null(memmem(p, len, "Exif", 4));
	assert_null(memmem(p, len, "samsung", 7));
	assert_true(p[len - 2] == 0xFF && p[len - 1] == 0xD9);
	photo_reduced_release(&r);
}

static void same_input_same_bytes(void **state)
{
	size_t len = 0;
	uint8_t *jpeg = photo_gen_jpeg(3000, 2000, 11, 92, &field_photo, &len), sha[32];
	photo_reduced a, b;

	(void)state;
	photo_reduced_init(&a);
	photo_reduced_init(&b);
	assert_int_equal(photo_reduce(jpeg, len, &a), PHOTO_OK);
	assert_int_equal(photo_reduce(jpeg, len, &b), PHOTO_OK);
	assert_int_equal(a.jpeg.len, b.jpeg.len);
	assert_memory_equal(a.jpeg.bytes, b.jpeg.bytes, a.jpeg.len);
	assert_memory_equal(a.sha256, b.sha256, 32);
	proto_sha256(a.jpeg.bytes, a.jpeg.len, sha);
	assert_memory_equal(a.sha256, sha, 32);
	photo_reduced_release(&a);
	photo_reduced_release(&b);
	free(jpeg);
}

static void png_of_every_colour_type(void **state)
{
	static const int types[][2] = {
		{ PNG_COLOR_TYPE_RGB, 8 },        { PNG_COLOR_TYPE_RGB_ALPHA, 8 },
		{ PNG_COLOR_TYPE_GRAY, 8 },       { PNG_COLOR_TYPE_GRAY_ALPHA, 16 },
		{ PNG_COLOR_TYPE_RGB, 16 },       { PNG_COLOR_TYPE_PALETTE, 8 },
		{ PNG_COLOR_TYPE_RGB_ALPHA, 16 }, { PNG_COLOR_TYPE_GRAY, 16 },
	};
	photo_reduced r;

	(void)state;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		int type = types[i][0];
		size_t len = 0;
		uint8_t *png = photo_gen_png(800, 600, 12, type, types[i][1], NULL, &len);
		assert_non_null(png);
		photo_reduced_init(&r);
		assert_int_equal(photo_reduce(png, len, &r), PHOTO_OK);
		assert_int_equal(r.source_kind, PHOTO_KIND_PNG);
		assert_int_equal(r.jpeg.width, 800);
		assert_int_equal(r.jpeg.height, 600);
		int w, h;
		uint8_t *px = photo_gen_decode(r.jpeg.bytes, r.jpeg.len, &w, &h);
		bool alpha = type == PNG_COLOR_TYPE_RGB_ALPHA || type == PNG_COLOR_TYPE_GRAY_ALPHA ||
			     type == PNG_COLOR_TYPE_PALETTE;
		bool grey = type == PNG_COLOR_TYPE_GRAY || type == PNG_COLOR_TYPE_GRAY_ALPHA;
		uint32_t bottom_right = near_corner(px, w, h, 3);
		if (alpha) /* transparent over white */
			assert_true(close_to(bottom_right, 0xFFFFFF));
		else if (!grey)
			assert_true(close_to(bottom_right, PHOTO_GEN_BOTTOM_RIGHT));
		if (!grey)
			assert_true(close_to(near_corner(px, w, h, 0), PHOTO_GEN_TOP_LEFT));
		free(px);
		photo_reduced_release(&r);
		free(png);
	}
}

static void png_is_scaled_and_its_exif_read(void **state)
{
	photo_gen_exif x = field_photo;
	size_t len = 0;
	photo_reduced r;

	(void)state;
	x.orientation = 6;
	uint8_t *png = photo_gen_png(2400, 1800, 13, PNG_COLOR_TYPE_RGB, 8, &x, &len);
	photo_reduced_init(&r);
	assert_int_equal(photo_reduce(png, len, &r), PHOTO_OK);
	assert_int_equal(r.jpeg.width, 1200);
	assert_int_equal(r.jpeg.height, 1600);
	assert_string_equal(r.evidence.taken_at, "2023-06-20T09:30:05+07:00");
	assert_string_equal(r.evidence.camera, "samsung SM-A525F");
	assert_true(r.evidence.has_position);
	photo_reduced_release(&r);

	photo_evidence ev;
	assert_int_equal(photo_read_evidence(png, len, &ev), PHOTO_OK);
	assert_int_equal(ev.orientation, 6);
	free(png);
}

/* Fail each allocation of a reduction of in in turn: each fails with
 * PHOTO_ENOMEM and leaves nothing behind (ASan builds check the leaks). */
static void fail_each_allocation(const uint8_t *in, size_t len)
{
	photo_reduced r;
	photo_result got = PHOTO_ENOMEM;

	for (long n = 0; got == PHOTO_ENOMEM; n++) {
		proto_alloc_fail_after(n);
		got = photo_reduce(in, len, &r);
		proto_alloc_fail_after(-1);
		if (got == PHOTO_ENOMEM) {
			assert_null(r.jpeg.bytes);
			assert_true(n < 100);
		}
	}
	assert_int_equal(got, PHOTO_OK);
	photo_reduced_release(&r);
}

static void every_allocation_failure_is_clean(void **state)
{
	size_t len = 0;
	uint8_t *jpeg = photo_gen_jpeg(2000, 1200, 14, 90, &field_photo, &len);

	(void)state;
	fail_each_allocation(jpeg, len);
	free(jpeg);
	uint8_t *png = photo_gen_png(300, 200, 14, PNG_COLOR_TYPE_RGB_ALPHA, 8, &field_photo, &len);
	fail_each_allocation(png, len);
	free(png);
}

TEST_MAIN(cmocka_unit_test(evidence_reads_back_exactly),
	  cmocka_unit_test(evidence_big_endian_south_west_and_offset),
	  cmocka_unit_test(no_offset_is_taken_as_vietnam_time), cmocka_unit_test(no_exif_sets_nothing),
	  cmocka_unit_test(impossible_values_are_not_set),
	  cmocka_unit_test(camera_text_is_printable_and_capped),
	  cmocka_unit_test(long_side_is_1600_and_never_upscaled),
	  cmocka_unit_test(every_orientation_turns_the_pixels),
	  cmocka_unit_test(orientation_6_and_8_on_a_phone_photo), cmocka_unit_test(only_jfif_travels),
	  cmocka_unit_test(same_input_same_bytes), cmocka_unit_test(png_of_every_colour_type),
	  cmocka_unit_test(png_is_scaled_and_its_exif_read),
	  cmocka_unit_test(every_allocation_failure_is_clean))
