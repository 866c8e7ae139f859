/*
 * decode.c - JPEG (libjpeg-turbo's TurboJPEG API) and PNG (libpng) into
 * pixels. Both check the size the header declares against PHOTO_MAX_PIXELS
 * before they allocate a pixel, and both tell a file cut short (the common
 * case: a copy from the phone that did not finish) from one that is damaged.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <string.h>
#include <png.h>
#include <turbojpeg.h>
#include "maiam/alloc.h"
#include "photo_int.h"

static bool over_cap(int width, int height)
{
	return (uint64_t)width * (uint64_t)height > PHOTO_MAX_PIXELS;
}

/* The smallest of TurboJPEG's scales (never above 1/1) that keeps the long
 * side >= min_long_side; 1/1 when none does. Decoding at 1/2 or 1/4 skips
 * most of the inverse DCT work, and the area filter then does the rest. */
static tjscalingfactor pick_scale(int width, int height, int min_long_side)
{
	tjscalingfactor best = { 1, 1 };
	int n = 0, long_side = width > height ? width : height, best_long = long_side;
	tjscalingfactor *f = tjGetScalingFactors(&n);

	for (int i = 0; f && i < n; i++) {
		if (f[i].num > f[i].denom)
			continue;
		int s = TJSCALED(long_side, f[i]);
		if (s >= min_long_side && s < best_long) {
			best = f[i];
			best_long = s;
		}
	}
	return best;
}

/* Why a JPEG header did not parse: bytes that end inside the header
 * segments are a cut copy, anything else is damage. */
static photo_result header_failure(const uint8_t *p, size_t len)
{
	const uint8_t *exif;
	size_t exif_len;

	return photo_jpeg_walk(p, len, &exif, &exif_len) == PHOTO_WALK_CUT ? PHOTO_ETRUNCATED
									   : PHOTO_ECORRUPT;
}

photo_result photo_jpeg_decode(const uint8_t *p, size_t len, int min_long_side, int channels,
			       photo_image *out, int *full_width, int *full_height)
{
	tjhandle tj = tjInitDecompress();
	int width = 0, height = 0, subsamp = 0, colorspace = 0;
	photo_result r = PHOTO_OK;

	if (!tj)
		return PHOTO_ENOMEM;
	if (len > (size_t)UINT32_MAX / 2 ||
	    tjDecompressHeader3(tj, p, (unsigned long)len, &width, &height, &subsamp, &colorspace) != 0) {
		r = header_failure(p, len);
		goto out;
	}
	if (width <= 0 || height <= 0) {
		r = PHOTO_ECORRUPT;
		goto out;
	}
	if (over_cap(width, height)) {
		r = PHOTO_ETOOBIG;
		goto out;
	}
	if (colorspace == TJCS_CMYK || colorspace == TJCS_YCCK) {
		r = PHOTO_EUNSUPPORTED;
		goto out;
	}
	if (full_width)
		*full_width = width;
	if (full_height)
		*full_height = height;
	tjscalingfactor scale = pick_scale(width, height, min_long_side);
	r = photo_image_alloc(out, TJSCALED(width, scale), TJSCALED(height, scale), channels);
	if (r != PHOTO_OK)
		goto out;
	/* LIMITSCANS: a progressive JPEG of thousands of scans is a CPU bomb */
	if (tjDecompress2(tj, p, (unsigned long)len, out->px, out->width, 0, out->height,
			  channels == 1 ? TJPF_GRAY : TJPF_RGB, TJFLAG_LIMITSCANS) != 0) {
		const char *why = tjGetErrorStr2(tj);
		if (why && strstr(why, "Premature end"))
			r = PHOTO_ETRUNCATED;
		else if (tjGetErrorCode(tj) != TJERR_WARNING)
			r = PHOTO_ECORRUPT;
		/* other warnings (stray bytes before a marker) leave a whole image */
	}
out:
	if (r != PHOTO_OK)
		photo_image_release(out);
	tjDestroy(tj);
	return r;
}

/* What the PNG decoder works on: the bytes it reads from, what it makes,
 * and why it stopped. Kept outside the function that calls setjmp, so
 * nothing it needs after a longjmp lives in that function's registers. */
typedef struct png_job {
	const uint8_t *p;
	size_t len, pos;
	bool cut;       /* the bytes ended before libpng was done */
	photo_result r; /* a failure of ours (too big, no memory) */
	uint8_t *rgba;
	png_bytep *rows;
	int width, height;
} png_job;

static void png_read_bytes(png_structp png, png_bytep out, size_t n)
{
	png_job *job = png_get_io_ptr(png);

	if (n > job->len - job->pos) {
		job->cut = true;
		png_error(png, "cut short");
	}
	memcpy(out, job->p + job->pos, n);
	job->pos += n;
}

static void png_fail(png_structp png, png_const_charp msg)
{
	(void)msg;
	png_longjmp(png, 1);
}

static void png_warn(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* Every colour type and depth to 8-bit RGBA: palettes and grey expanded,
 * tRNS made alpha, 16 bits scaled, opaque images given an opaque alpha. */
static void png_to_rgba(png_structp png, png_infop info)
{
	int type = png_get_color_type(png, info);

	if (type == PNG_COLOR_TYPE_PALETTE)
		png_set_palette_to_rgb(png);
	if (type == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8)
		png_set_expand_gray_1_2_4_to_8(png);
	if (png_get_valid(png, info, PNG_INFO_tRNS))
		png_set_tRNS_to_alpha(png);
	png_set_scale_16(png);
	if (type == PNG_COLOR_TYPE_GRAY || type == PNG_COLOR_TYPE_GRAY_ALPHA)
		png_set_gray_to_rgb(png);
	png_set_filler(png, 0xFF, PNG_FILLER_AFTER);
	png_set_interlace_handling(png);
	png_read_update_info(png, info);
}

static void png_run(png_structp png, png_infop info, png_job *job)
{
	if (setjmp(png_jmpbuf(png)))
		return;
	png_set_read_fn(png, job, png_read_bytes);
	/* text and other ancillary chunks are never kept: small cap */
	png_set_chunk_malloc_max(png, 1u << 20);
	/* libpng's own width limit would call a big PNG damaged: ours decides */
	png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
	png_read_info(png, info);
	job->width = (int)png_get_image_width(png, info);
	job->height = (int)png_get_image_height(png, info);
	if (job->width <= 0 || job->height <= 0 || over_cap(job->width, job->height)) {
		job->r = PHOTO_ETOOBIG;
		return;
	}
	png_to_rgba(png, info);
	if (png_get_rowbytes(png, info) != (size_t)job->width * 4) {
		job->r = PHOTO_ECORRUPT;
		return;
	}
	job->rgba = proto_malloc((size_t)job->width * (size_t)job->height * 4);
	job->rows = proto_malloc((size_t)job->height * sizeof *job->rows);
	if (!job->rgba || !job->rows) {
		job->r = PHOTO_ENOMEM;
		return;
	}
	for (int y = 0; y < job->height; y++)
		job->rows[y] = job->rgba + (size_t)y * (size_t)job->width * 4;
	png_read_image(png, job->rows);
	job->r = PHOTO_OK;
}

photo_result photo_png_decode(const uint8_t *p, size_t len, photo_image *out)
{
	png_job job = { .p = p, .len = len, .r = PHOTO_ECORRUPT };
	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail, png_warn);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	photo_result r;

	if (!info) {
		r = PHOTO_ENOMEM;
		goto out;
	}
	png_run(png, info, &job);
	r = job.cut ? PHOTO_ETRUNCATED : job.r;
	if (r != PHOTO_OK)
		goto out;
	r = photo_image_alloc(out, job.width, job.height, 3);
	if (r != PHOTO_OK)
		goto out;
	/* alpha over white: a transparent screenshot edge reads as paper */
	size_t n = (size_t)job.width * (size_t)job.height;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *s = job.rgba + 4 * i;
		unsigned a = s[3];
		for (int c = 0; c < 3; c++)
			out->px[3 * i + c] = (uint8_t)((s[c] * a + 255 * (255 - a) + 127) / 255);
	}
out:
	png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
	free(job.rows);
	free(job.rgba);
	return r;
}
