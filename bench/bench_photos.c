/*
 * bench_photos.c - what a photo costs the laptop: N generated phone photos
 * (4000 x 3000, quality 92, 2 to 4 MB, with EXIF: tests/support/photo_gen.c)
 * through photo_reduce, the time per photo and the bytes that travel. The
 * baseline, measured in the same run on the same files, is a plain full-size
 * decode with libjpeg-turbo: the least any reduction has to do, so the
 * ratio shows what the scaled decode, resize and encode add or save. The
 * hub's thumbnail and dHash of the reduced photo are timed too.
 * Usage: bench_photos [N]; last line is JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <turbojpeg.h>
#include "bench_util.h"
#include "photo_gen.h"
#include "maiam/photo.h"

#define WIDTH 4000
#define HEIGHT 3000

typedef struct input {
	uint8_t *bytes;
	size_t len;
} input;

/* CPU seconds of this process: on a shared machine the wall clock also
 * counts the other programs' turns, the CPU time does not. */
static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_photos: %s\n", what);
	exit(1);
}

/* Full-size decode of every input, in ms per photo (wall; *cpu_ms the CPU). */
static double decode_baseline(const input *in, int n, double *cpu_ms)
{
	tjhandle tj = tjInitDecompress();
	uint8_t *px = malloc((size_t)WIDTH * HEIGHT * 3);
	double t0 = bench_now_s(), c0 = cpu_s();

	if (!tj || !px)
		die("out of memory for the baseline");
	for (int i = 0; i < n; i++)
		if (tjDecompress2(tj, in[i].bytes, (unsigned long)in[i].len, px, WIDTH, 0, HEIGHT,
				  TJPF_RGB, 0) != 0)
			die("the baseline decode failed");
	double ms = (bench_now_s() - t0) * 1e3 / n;
	*cpu_ms = (cpu_s() - c0) * 1e3 / n;
	free(px);
	tjDestroy(tj);
	return ms;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 12;
	input *in = calloc((size_t)(n > 0 ? n : 1), sizeof *in);
	photo_reduced *out = calloc((size_t)(n > 0 ? n : 1), sizeof *out);
	double in_bytes = 0, out_bytes = 0;

	if (n <= 0 || !in || !out)
		die("usage: bench_photos [N >= 1]");
	for (int i = 0; i < n; i++) {
		photo_gen_exif exif = { .datetime = "2023:06:20 09:30:05",
					.offset = "+07:00",
					.gps = true,
					.latitude = 9.6 + i * 1e-4,
					.longitude = 105.97,
					.make = "samsung",
					.model = "SM-A525F",
					.orientation = i % 4 == 3 ? 6 : 1 };
		in[i].bytes = photo_gen_jpeg(WIDTH, HEIGHT, (uint32_t)(1000 + i), 92, &exif, &in[i].len);
		if (!in[i].bytes)
			die("could not generate the photos");
		in_bytes += (double)in[i].len;
	}
	double decode_cpu_ms, decode_ms = decode_baseline(in, n, &decode_cpu_ms);

	double t0 = bench_now_s(), c0 = cpu_s();
	for (int i = 0; i < n; i++) {
		photo_reduced_init(&out[i]);
		photo_result r = photo_reduce(in[i].bytes, in[i].len, &out[i]);
		if (r != PHOTO_OK)
			die(photo_strerror(r));
	}
	double reduce_ms = (bench_now_s() - t0) * 1e3 / n, reduce_cpu_ms = (cpu_s() - c0) * 1e3 / n;

	t0 = bench_now_s();
	for (int i = 0; i < n; i++) {
		photo_jpeg thumb;
		uint64_t hash;
		if (photo_thumbnail(out[i].jpeg.bytes, out[i].jpeg.len, &thumb) != PHOTO_OK ||
		    photo_dhash(thumb.bytes, thumb.len, &hash) != PHOTO_OK)
			die("the thumbnail or its hash failed");
		photo_jpeg_release(&thumb);
	}
	double hub_ms = (bench_now_s() - t0) * 1e3 / n;

	for (int i = 0; i < n; i++) {
		out_bytes += (double)out[i].jpeg.len;
		photo_reduced_release(&out[i]);
		free(in[i].bytes);
	}
	printf("photos: %d of %d x %d, %.0f bytes each on average (quality 92, EXIF)\n", n, WIDTH,
	       HEIGHT, in_bytes / n);
	printf("baseline, full-size decode: %.1f ms per photo (CPU %.1f ms)\n", decode_ms, decode_cpu_ms);
	printf("photo_reduce: %.1f ms per photo (CPU %.1f ms, %.2f x the decode's), %.0f bytes travel "
	       "(%.1f %% of the file)\n",
	       reduce_ms, reduce_cpu_ms, reduce_cpu_ms / decode_cpu_ms, out_bytes / n,
	       100 * out_bytes / in_bytes);
	printf("hub, thumbnail + dHash of the reduced photo: %.1f ms per photo\n", hub_ms);
	printf("{\"photos\": %d, \"input_bytes_per_photo\": %.0f, \"decode_ms_per_photo\": %.2f, "
	       "\"reduce_ms_per_photo\": %.2f, \"decode_cpu_ms_per_photo\": %.2f, \"reduce_cpu_ms_per_photo\": %.2f, "
	       "\"reduce_over_decode_cpu\": %.3f, \"bytes_per_photo\": %.0f, \"thumb_dhash_ms_per_photo\": %.2f}\n",
	       n, in_bytes / n, decode_ms, reduce_ms, decode_cpu_ms, reduce_cpu_ms,
	       reduce_cpu_ms / decode_cpu_ms, out_bytes / n, hub_ms);
	free(in);
	free(out);
	return 0;
}
