/*
 * test_photo_dhash.c - the hub's thumbnail and the difference hash that
 * finds a photo reused on two households. The near-duplicate threshold
 * (PHOTO_NEAR_BITS) is measured here: the same scene sent again at another
 * quality and size stays within it, different scenes stay beyond it. The
 * distances are printed; docs/PHOTOS.md records them.
 */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "testmain.h"
#include "photo_gen.h"
#include "maiam/photo.h"

#define SCENES 24

/* The reduced photo of scene seed taken at w x h and quality q. */
static void travelling(uint32_t seed, int w, int h, int quality, photo_reduced *out)
{
	static const photo_gen_exif exif = { .datetime = "2023:06:20 09:30:05", .orientation = 1 };
	size_t len = 0;
	uint8_t *jpeg = photo_gen_jpeg(w, h, seed, quality, &exif, &len);

	assert_non_null(jpeg);
	assert_int_equal(photo_reduce(jpeg, len, out), PHOTO_OK);
	free(jpeg);
}

static uint64_t dhash_of(const photo_jpeg *j)
{
	uint64_t h = 0;

	assert_int_equal(photo_dhash(j->bytes, j->len, &h), PHOTO_OK);
	return h;
}

static void thumbnail_sizes(void **state)
{
	static const int cases[][4] = { { 4000, 3000, 240, 180 },
					{ 3000, 4000, 180, 240 },
					{ 200, 150, 200, 150 } };
	photo_reduced r;
	photo_jpeg thumb;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		travelling(1, cases[i][0], cases[i][1], 92, &r);
		assert_int_equal(photo_thumbnail(r.jpeg.bytes, r.jpeg.len, &thumb), PHOTO_OK);
		assert_int_equal(thumb.width, cases[i][2]);
		assert_int_equal(thumb.height, cases[i][3]);
		int w, h;
		uint8_t *px = photo_gen_decode(thumb.bytes, thumb.len, &w, &h);
		assert_non_null(px);
		assert_int_equal(w, cases[i][2]);
		free(px);
		assert_null(memmem(thumb.bytes, thumb.len, "Exif", 4));
		photo_jpeg_release(&thumb);
		photo_reduced_release(&r);
	}
}

static void hamming_counts_bits(void **state)
{
	(void)state;
	assert_int_equal(photo_hamming(0, 0), 0);
	assert_int_equal(photo_hamming(0, UINT64_MAX), 64);
	assert_int_equal(photo_hamming(0xF0, 0x0F), 8);
	assert_int_equal(photo_hamming((uint64_t)1 << 63, 1), 2);
}

/* Each scene against itself sent again (taken at 1800 x 1350, quality 60,
 * instead of 2400 x 1800 at 92: scaled, then not; and its thumbnail), and against every other
 * scene. */
static void near_stays_near_and_far_stays_far(void **state)
{
	uint64_t first[SCENES];
	unsigned worst_near = 0, closest_far = 64, sum_far = 0, n_far = 0;
	photo_reduced r;
	photo_jpeg thumb;

	(void)state;
	for (uint32_t s = 0; s < SCENES; s++) {
		travelling(100 + s, 2400, 1800, 92, &r);
		first[s] = dhash_of(&r.jpeg);
		assert_int_equal(photo_thumbnail(r.jpeg.bytes, r.jpeg.len, &thumb), PHOTO_OK);
		unsigned d = photo_hamming(first[s], dhash_of(&thumb));
		worst_near = d > worst_near ? d : worst_near;
		photo_jpeg_release(&thumb);
		photo_reduced_release(&r);

		travelling(100 + s, 1800, 1350, 60, &r);
		d = photo_hamming(first[s], dhash_of(&r.jpeg));
		worst_near = d > worst_near ? d : worst_near;
		photo_reduced_release(&r);
	}
	for (int a = 0; a < SCENES; a++)
		for (int b = a + 1; b < SCENES; b++) {
			unsigned d = photo_hamming(first[a], first[b]);
			closest_far = d < closest_far ? d : closest_far;
			sum_far += d;
			n_far++;
		}
	print_message("dhash: same scene re-sent: at most %u bits apart; %u pairs of different scenes: at least %u, "
		      "mean %.1f bits apart; threshold %d\n",
		      worst_near, n_far, closest_far, (double)sum_far / n_far, PHOTO_NEAR_BITS);
	assert_true(worst_near <= PHOTO_NEAR_BITS);
	assert_true(closest_far > PHOTO_NEAR_BITS);
}

TEST_MAIN(cmocka_unit_test(thumbnail_sizes), cmocka_unit_test(hamming_counts_bits),
	  cmocka_unit_test(near_stays_near_and_far_stays_far))
