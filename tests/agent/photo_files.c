/*
 * photo_files.c - writes the files e2e_photos.sh hands to maiam-agent into
 * the folder named by its argument (tests/support/photo_gen.c makes them):
 *   phone.jpg   a 3200 x 2400 phone JPEG with EXIF (time with its offset,
 *               GPS, camera, orientation 6: turned a quarter)
 *   second.jpg  another scene, 1200 x 900, EXIF time without offset
 *   house.png   an 800 x 600 RGB PNG, no EXIF
 *   cut.jpg     a phone JPEG cut in the middle of its image data
 *   iphone.jpg  what an iPhone's HEIC photo starts with, named .jpg
 *   list.jpg    a text file named .jpg
 *   empty.jpg   no bytes at all
 * A tool of the tests, not a test; exits 1 when a file cannot be written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <png.h>
#include "photo_gen.h"

static int put(const char *dir, const char *name, const uint8_t *data, size_t len)
{
	char path[4096];
	FILE *f;
	int ok;

	if (!data && len)
		return -1;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	ok = len == 0 || fwrite(data, 1, len, f) == len; /* fwrite(NULL, ...) is undefined */
	ok = fclose(f) == 0 && ok;
	return ok ? 0 : -1;
}

/* Write one made file and free it; -1 when making or writing failed. */
static int put_made(const char *dir, const char *name, uint8_t *data, size_t len)
{
	int rc = data ? put(dir, name, data, len) : -1;

	free(data);
	return rc;
}

int main(int argc, char **argv)
{
	const photo_gen_exif phone = {
		.datetime = "2023:06:20 09:30:05",
		.offset = "+07:00",
		.gps = true,
		.latitude = 9.6031234,
		.longitude = 105.9801234,
		.make = "samsung",
		.model = "SM-A525F",
		.orientation = 6,
	};
	const photo_gen_exif second = {
		.datetime = "2023:07:02 15:04:00", .make = "Apple", .model = "iPhone 12", .orientation = 1
	};
	uint8_t *data;
	size_t len = 0;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: photo_files DIR\n");
		return 2;
	}
	/* each file made before its length is read: one statement each */
	data = photo_gen_jpeg(3200, 2400, 1, 92, &phone, &len);
	rc |= put_made(argv[1], "phone.jpg", data, len);
	data = photo_gen_jpeg(1200, 900, 2, 90, &second, &len);
	rc |= put_made(argv[1], "second.jpg", data, len);
	data = photo_gen_png(800, 600, 3, PNG_COLOR_TYPE_RGB, 8, NULL, &len);
	rc |= put_made(argv[1], "house.png", data, len);
	data = photo_gen_jpeg(1600, 1200, 4, 92, &phone, &len);
	rc |= put_made(argv[1], "cut.jpg", data, len / 2);
	data = photo_gen_heic_like(&len);
	rc |= put_made(argv[1], "iphone.jpg", data, len);
	data = photo_gen_text(&len);
	rc |= put_made(argv[1], "list.jpg", data, len);
	rc |= put(argv[1], "empty.jpg", NULL, 0);
	if (rc)
		fprintf(stderr, "photo_files: cannot write the files into %s\n", argv[1]);
	return rc ? 1 : 0;
}
