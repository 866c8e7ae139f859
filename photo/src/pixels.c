/*
 * pixels.c - what is done to pixels between decode and encode: the area
 * (box) resize to an exact size, the EXIF orientation, and the baseline
 * JPEG encoder. Integer arithmetic throughout, so the same pixels give the
 * same bytes on every run (photo_reduce promises it; the hash names the
 * photo).
 */
#include <string.h>
#include <turbojpeg.h>
#include "maiam/alloc.h"
#include "photo_int.h"

void photo_image_init(photo_image *im)
{
	memset(im, 0, sizeof *im);
}

void photo_image_release(photo_image *im)
{
	free(im->px);
	photo_image_init(im);
}

photo_result photo_image_alloc(photo_image *im, int width, int height, int channels)
{
	if (width <= 0 || height <= 0 || (uint64_t)width * (uint64_t)height > PHOTO_MAX_PIXELS)
		return PHOTO_ETOOBIG;
	im->px = proto_malloc((size_t)width * (size_t)height * (size_t)channels);
	if (!im->px)
		return PHOTO_ENOMEM;
	im->width = width;
	im->height = height;
	im->channels = channels;
	return PHOTO_OK;
}

void photo_fit(int width, int height, int long_side, int *out_width, int *out_height)
{
	int l = width > height ? width : height;

	*out_width = width;
	*out_height = height;
	if (l <= long_side)
		return;
	/* rounded to the nearest pixel: 4000 x 3000 gives exactly 1600 x 1200 */
	int64_t w = ((int64_t)width * long_side + l / 2) / l;
	int64_t h = ((int64_t)height * long_side + l / 2) / l;
	*out_width = w < 1 ? 1 : (int)w;
	*out_height = h < 1 ? 1 : (int)h;
}

/* Which source pixels each of n_out output pixels covers along one axis of
 * n_src, and by how much: output o spans [o * n_src, (o + 1) * n_src) in
 * units of 1/n_out source pixel, so its overlaps sum to n_src exactly. */
typedef struct axis_table {
	int *first; /* first source pixel of each output pixel */
	int *count; /* how many source pixels it covers */
	size_t *at; /* where its overlaps start in overlap[] */
	uint32_t *overlap;
} axis_table;

static void axis_release(axis_table *t)
{
	free(t->first);
	free(t->count);
	free(t->at);
	free(t->overlap);
}

static photo_result axis_build(axis_table *t, int n_out, int n_src)
{
	/* each source pixel meets at most two outputs and vice versa */
	size_t cap = (size_t)n_src + 2 * (size_t)n_out, used = 0;

	memset(t, 0, sizeof *t);
	t->first = proto_malloc((size_t)n_out * sizeof *t->first);
	t->count = proto_malloc((size_t)n_out * sizeof *t->count);
	t->at = proto_malloc((size_t)n_out * sizeof *t->at);
	t->overlap = proto_malloc(cap * sizeof *t->overlap);
	if (!t->first || !t->count || !t->at || !t->overlap)
		return PHOTO_ENOMEM;
	for (int o = 0; o < n_out; o++) {
		uint64_t lo = (uint64_t)o * (uint64_t)n_src, hi = lo + (uint64_t)n_src;
		int first = (int)(lo / (uint64_t)n_out), last = (int)((hi - 1) / (uint64_t)n_out);
		t->first[o] = first;
		t->count[o] = last - first + 1;
		t->at[o] = used;
		for (int i = first; i <= last; i++) {
			uint64_t a = (uint64_t)i * (uint64_t)n_out, b = a + (uint64_t)n_out;
			t->overlap[used++] = (uint32_t)((hi < b ? hi : b) - (lo > a ? lo : a));
		}
	}
	return PHOTO_OK;
}

/* One source line averaged across into row (n_out pixels of ch channels,
 * each the sum of overlap x value: divided later, once, with the rows). */
static void reduce_line(const uint8_t *line, const axis_table *tx, int n_out, int ch, uint64_t *row)
{
	for (int x = 0; x < n_out; x++) {
		const uint32_t *w = tx->overlap + tx->at[x];
		const uint8_t *s = line + (size_t)tx->first[x] * (size_t)ch;
		uint64_t a0 = 0, a1 = 0, a2 = 0;
		if (ch == 3) {
			for (int j = 0; j < tx->count[x]; j++, s += 3) {
				a0 += (uint64_t)w[j] * s[0];
				a1 += (uint64_t)w[j] * s[1];
				a2 += (uint64_t)w[j] * s[2];
			}
			row[3 * (size_t)x] = a0;
			row[3 * (size_t)x + 1] = a1;
			row[3 * (size_t)x + 2] = a2;
		} else {
			for (int j = 0; j < tx->count[x]; j++)
				a0 += (uint64_t)w[j] * s[j];
			row[x] = a0;
		}
	}
}

photo_result photo_image_resize(const photo_image *src, int width, int height, photo_image *out)
{
	axis_table tx, ty;
	uint64_t *row = NULL, *acc = NULL;
	int ch = src->channels, line_in_row = -1;
	size_t n = (size_t)width * (size_t)ch;
	photo_result r = axis_build(&tx, width, src->width);

	if (r == PHOTO_OK)
		r = axis_build(&ty, height, src->height);
	else
		memset(&ty, 0, sizeof ty);
	if (r != PHOTO_OK)
		goto out;
	if (ch != 1 && ch != 3) {
		r = PHOTO_EINVAL;
		goto out;
	}
	row = proto_malloc(n * sizeof *row);
	acc = proto_malloc(n * sizeof *acc);
	if (!row || !acc) {
		r = PHOTO_ENOMEM;
		goto out;
	}
	r = photo_image_alloc(out, width, height, ch);
	if (r != PHOTO_OK)
		goto out;
	/* divide by total as a multiply (a division per byte was a third of the
	 * time): with m = floor(2^64 / total) + 1 and e = m * total - 2^64 <= total,
	 * (a * m) >> 64 is exactly floor(a / total) while a * e < 2^64, and
	 * a <= 256 * total <= 256 * 60 M keeps a * e under 2^60 */
	uint64_t total = (uint64_t)src->width * (uint64_t)src->height;
	unsigned __int128 m = ((unsigned __int128)1 << 64) / total + 1;
	for (int y = 0; y < height; y++) {
		memset(acc, 0, n * sizeof *acc);
		for (int k = 0; k < ty.count[y]; k++) {
			int j = ty.first[y] + k;
			uint64_t wy = ty.overlap[ty.at[y] + (size_t)k];
			/* the line an output row shares with the one above is done once */
			if (j != line_in_row)
				reduce_line(src->px + (size_t)j * (size_t)src->width * (size_t)ch, &tx,
					    width, ch, row);
			line_in_row = j;
			for (size_t i = 0; i < n; i++)
				acc[i] += row[i] * wy;
		}
		uint8_t *dst = out->px + (size_t)y * n;
		for (size_t i = 0; i < n; i++)
			dst[i] = (uint8_t)(((unsigned __int128)(acc[i] + total / 2) * m) >> 64);
	}
out:
	axis_release(&tx);
	axis_release(&ty);
	free(row);
	free(acc);
	return r;
}

/* The stored pixel shown at (x, y) of the turned image, for a stored image
 * of w x h: EXIF orientation 2 is a mirror, 3 a half turn, 4 a flip, 5 the
 * transpose, 6 a quarter turn clockwise, 7 the anti-transpose, 8 a quarter
 * turn anticlockwise. */
static void source_of(int orientation, int w, int h, int x, int y, int *sx, int *sy)
{
	switch (orientation) {
	case 2:
		*sx = w - 1 - x, *sy = y;
		break;
	case 3:
		*sx = w - 1 - x, *sy = h - 1 - y;
		break;
	case 4:
		*sx = x, *sy = h - 1 - y;
		break;
	case 5:
		*sx = y, *sy = x;
		break;
	case 6:
		*sx = y, *sy = h - 1 - x;
		break;
	case 7:
		*sx = w - 1 - y, *sy = h - 1 - x;
		break;
	case 8:
		*sx = w - 1 - y, *sy = x;
		break;
	default:
		*sx = x, *sy = y;
		break;
	}
}

photo_result photo_image_orient(const photo_image *src, int orientation, photo_image *out)
{
	bool swap = orientation >= 5 && orientation <= 8;
	int w = swap ? src->height : src->width, h = swap ? src->width : src->height, ch = src->channels;
	photo_result r = photo_image_alloc(out, w, h, ch);

	if (r != PHOTO_OK)
		return r;
	/* along an output row the source moves by a fixed step: find it once */
	for (int y = 0; y < h; y++) {
		int sx0, sy0, sx1, sy1;
		source_of(orientation, src->width, src->height, 0, y, &sx0, &sy0);
		source_of(orientation, src->width, src->height, w > 1 ? 1 : 0, y, &sx1, &sy1);
		ptrdiff_t step = ((ptrdiff_t)(sy1 - sy0) * src->width + (sx1 - sx0)) * ch;
		ptrdiff_t at = ((ptrdiff_t)sy0 * src->width + sx0) * ch;
		uint8_t *d = out->px + (size_t)y * (size_t)w * (size_t)ch;
		for (int x = 0; x < w; x++, at += step, d += ch)
			memcpy(d, src->px + at, (size_t)ch);
	}
	return PHOTO_OK;
}

photo_result photo_jpeg_encode(const photo_image *im, int quality, photo_jpeg *out)
{
	tjhandle tj = tjInitCompress();
	unsigned char *buf = NULL;
	unsigned long size = 0;
	photo_result r = PHOTO_OK;

	if (!tj)
		return PHOTO_ENOMEM;
	/* no TJFLAG_PROGRESSIVE: baseline, which every viewer and the hub's
	 * scaled decode read; libjpeg writes a JFIF APP0 and nothing else */
	if (tjCompress2(tj, im->px, im->width, 0, im->height, im->channels == 1 ? TJPF_GRAY : TJPF_RGB,
			&buf, &size, im->channels == 1 ? TJSAMP_GRAY : TJSAMP_420, quality, 0) != 0) {
		r = PHOTO_EENCODE;
		goto out;
	}
	out->bytes = proto_malloc(size);
	if (!out->bytes) {
		r = PHOTO_ENOMEM;
		goto out;
	}
	memcpy(out->bytes, buf, size);
	out->len = size;
	out->width = im->width;
	out->height = im->height;
out:
	tjFree(buf);
	tjDestroy(tj);
	return r;
}
