/*
 * photo_gen.c - synthetic phone photos (photo_gen.h). The scene is smooth
 * light, a few wall-like rectangles and fine grain: the grain makes a 12 MP
 * JPEG at quality 92 weigh what a phone's does (2 to 4 MB), the light and
 * walls differ by seed so two scenes are two different pictures to a
 * perceptual hash. The EXIF TIFF block is written by hand, so the tests do
 * not read back what the library under test wrote.
 */
#include "photo_gen.h"
#include <math.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>
#include <turbojpeg.h>
#include <zlib.h>

/* A well-mixed 32-bit hash of three values (the grain, the seeds). */
static uint32_t mix(uint32_t a, uint32_t b, uint32_t c)
{
	uint32_t h = a * 0x9E3779B1u ^ (b + 0x7F4A7C15u) * 0x85EBCA77u ^ (c + 0x165667B1u) * 0xC2B2AE3Du;
	h ^= h >> 15;
	h *= 0x2C1B3C6Du;
	h ^= h >> 12;
	h *= 0x297A2D39u;
	h ^= h >> 15;
	return h;
}

/* Which corner block (x, y) is in: 0 top left .. 3 bottom right, -1 none. */
static int corner(int width, int height, int x, int y)
{
	int bw = width / 8 > 0 ? width / 8 : 1, bh = height / 8 > 0 ? height / 8 : 1;
	bool left = x < bw, right = x >= width - bw, top = y < bh, bottom = y >= height - bh;

	if (top && left)
		return 0;
	if (top && right)
		return 1;
	if (bottom && left)
		return 2;
	if (bottom && right)
		return 3;
	return -1;
}

static const uint32_t corner_rgb[4] = { PHOTO_GEN_TOP_LEFT, PHOTO_GEN_TOP_RIGHT, PHOTO_GEN_BOTTOM_LEFT,
					PHOTO_GEN_BOTTOM_RIGHT };

static uint8_t clamp(int v)
{
	return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

uint8_t *photo_gen_rgb(int width, int height, uint32_t seed)
{
	uint8_t *px = malloc((size_t)width * (size_t)height * 3);
	float *col = malloc((size_t)width * 3 * sizeof *col),
	      *row = malloc((size_t)height * 3 * sizeof *row);
	int walls[8][7];

	if (!px || !col || !row) {
		free(px);
		px = NULL;
		goto out;
	}
	/* light: per channel, a wave across times a wave down, seed's own */
	for (int c = 0; c < 3; c++) {
		double fx = 1 + mix(seed, (uint32_t)c, 1) % 4, fy = 1 + mix(seed, (uint32_t)c, 2) % 4;
		double px0 = (mix(seed, (uint32_t)c, 3) % 628) / 100.0,
		       py0 = (mix(seed, (uint32_t)c, 4) % 628) / 100.0;
		for (int x = 0; x < width; x++)
			col[x * 3 + c] = (float)sin(px0 + fx * 3.14159 * x / width);
		for (int y = 0; y < height; y++)
			row[y * 3 + c] = (float)cos(py0 + fy * 3.14159 * y / height);
	}
	/* walls placed in thousandths of the frame: the same scene at any size */
	for (int k = 0; k < 8; k++) {
		int64_t x0 = mix(seed, (uint32_t)k, 5) % 1000, y0 = mix(seed, (uint32_t)k, 6) % 1000;
		int64_t x1 = x0 + 166 + mix(seed, (uint32_t)k, 7) % 333,
			y1 = y0 + 166 + mix(seed, (uint32_t)k, 8) % 333;
		walls[k][0] = (int)(x0 * width / 1000);
		walls[k][1] = (int)(y0 * height / 1000);
		walls[k][2] = (int)(x1 * width / 1000);
		walls[k][3] = (int)(y1 * height / 1000);
		for (int c = 0; c < 3; c++)
			walls[k][4 + c] = (int)(mix(seed, (uint32_t)k, 9 + (uint32_t)c) % 200) - 100;
	}
	for (int y = 0; y < height; y++)
		for (int x = 0; x < width; x++) {
			uint8_t *p = px + ((size_t)y * (size_t)width + (size_t)x) * 3;
			int k = corner(width, height, x, y);
			if (k >= 0) {
				p[0] = (uint8_t)(corner_rgb[k] >> 16),
				p[1] = (uint8_t)(corner_rgb[k] >> 8);
				p[2] = (uint8_t)corner_rgb[k];
				continue;
			}
			uint32_t grain = mix((uint32_t)x, (uint32_t)y, seed);
			for (int c = 0; c < 3; c++) {
				int v = 128 + (int)(90 * col[x * 3 + c] * row[y * 3 + c]);
				for (int w = 0; w < 8; w++)
					if (x >= walls[w][0] && x < walls[w][2] && y >= walls[w][1] &&
					    y < walls[w][3])
						v += walls[w][4 + c];
				v += (int)((grain >> (8 * c)) & 31) - 16;
				p[c] = clamp(v);
			}
		}
out:
	free(col);
	free(row);
	return px;
}

/* ---- EXIF: a TIFF block of three IFDs (0, Exif, GPS), written by hand ---- */

enum { T_BYTE = 1, T_ASCII = 2, T_SHORT = 3, T_LONG = 4, T_RATIONAL = 5 };

typedef struct tag {
	uint16_t id, type;
	uint32_t count;
	uint8_t data[64]; /* the value in the block's byte order */
	size_t size;
} tag;

static void put16(uint8_t *p, uint32_t v, bool be)
{
	p[be ? 0 : 1] = (uint8_t)(v >> 8);
	p[be ? 1 : 0] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v, bool be)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

static void tag_ascii(tag *t, uint16_t id, const char *s)
{
	size_t n = strlen(s) + 1;
	if (n > sizeof t->data)
		n = sizeof t->data;
	*t = (tag){ .id = id, .type = T_ASCII, .count = (uint32_t)n, .size = n };
	memcpy(t->data, s, n - 1);
}

static void tag_int(tag *t, uint16_t id, uint16_t type, uint32_t v, bool be)
{
	*t = (tag){ .id = id, .type = type, .count = 1, .size = type == T_SHORT ? 2 : 4 };
	if (type == T_SHORT)
		put16(t->data, v, be);
	else
		put32(t->data, v, be);
}

/* |degrees| as three rationals: whole degrees, whole minutes, seconds in
 * millionths (what phones write, give or take the denominator). */
static void tag_dms(tag *t, uint16_t id, double degrees, bool be)
{
	double a = fabs(degrees), d = floor(a), m = floor((a - d) * 60);
	uint32_t s = (uint32_t)llround(((a - d) * 60 - m) * 60 * 1e6);
	uint32_t v[6] = { (uint32_t)d, 1, (uint32_t)m, 1, s, 1000000 };

	*t = (tag){ .id = id, .type = T_RATIONAL, .count = 3, .size = 24 };
	for (int i = 0; i < 6; i++)
		put32(t->data + 4 * i, v[i], be);
}

static size_t ifd_size(const tag *t, int n)
{
	size_t size = 2 + 12 * (size_t)n + 4;
	for (int i = 0; i < n; i++)
		if (t[i].size > 4)
			size += (t[i].size + 1) & ~(size_t)1;
	return size;
}

/* One IFD at offset at of the TIFF block b: entries, then the values that
 * do not fit in four bytes. Tags must come in ascending order. */
static void ifd_write(uint8_t *b, size_t at, const tag *t, int n, bool be)
{
	size_t data = at + 2 + 12 * (size_t)n + 4;

	put16(b + at, (uint32_t)n, be);
	for (int i = 0; i < n; i++) {
		uint8_t *e = b + at + 2 + 12 * (size_t)i;
		put16(e, t[i].id, be);
		put16(e + 2, t[i].type, be);
		put32(e + 4, t[i].count, be);
		if (t[i].size <= 4) {
			memcpy(e + 8, t[i].data, t[i].size);
			continue;
		}
		put32(e + 8, (uint32_t)data, be);
		memcpy(b + data, t[i].data, t[i].size);
		data += (t[i].size + 1) & ~(size_t)1;
	}
	put32(b + at + 2 + 12 * (size_t)n, 0, be);
}

uint8_t *photo_gen_exif_block(const photo_gen_exif *x, size_t *len)
{
	tag ifd0[5], exif[2], gps[5];
	int n0 = 0, ne = 0, ng = 0;
	bool be = x->big_endian;

	if (x->make)
		tag_ascii(&ifd0[n0++], 0x010F, x->make);
	if (x->model)
		tag_ascii(&ifd0[n0++], 0x0110, x->model);
	if (x->orientation)
		tag_int(&ifd0[n0++], 0x0112, T_SHORT, (uint32_t)x->orientation, be);
	if (x->datetime)
		tag_ascii(&exif[ne++], 0x9003, x->datetime);
	if (x->offset)
		tag_ascii(&exif[ne++], 0x9011, x->offset);
	if (x->gps) {
		gps[ng] = (tag){ .id = 0, .type = T_BYTE, .count = 4, .size = 4, .data = { 2, 2, 0, 0 } };
		ng++;
		tag_ascii(&gps[ng++], 1, x->latitude < 0 ? "S" : "N");
		tag_dms(&gps[ng++], 2, x->latitude, be);
		tag_ascii(&gps[ng++], 3, x->longitude < 0 ? "W" : "E");
		tag_dms(&gps[ng++], 4, x->longitude, be);
	}
	/* the pointers' sizes are known before their values */
	int n0_all = n0 + (ne > 0) + (ng > 0);
	size_t at0 = 8, at_exif = at0 + ifd_size(ifd0, n0) + 12 * (size_t)(n0_all - n0);
	size_t at_gps = at_exif + (ne ? ifd_size(exif, ne) : 0),
	       size = at_gps + (ng ? ifd_size(gps, ng) : 0);
	if (ne)
		tag_int(&ifd0[n0++], 0x8769, T_LONG, (uint32_t)at_exif, be);
	if (ng)
		tag_int(&ifd0[n0++], 0x8825, T_LONG, (uint32_t)at_gps, be);

	uint8_t *block = calloc(1, 6 + size);
	if (!block)
		return NULL;
	memcpy(block, "Exif\0\0", 6);
	uint8_t *b = block + 6;
	memcpy(b, be ? "MM" : "II", 2);
	put16(b + 2, 42, be);
	put32(b + 4, 8, be);
	ifd_write(b, at0, ifd0, n0, be);
	if (ne)
		ifd_write(b, at_exif, exif, ne, be);
	if (ng)
		ifd_write(b, at_gps, gps, ng, be);
	*len = 6 + size;
	return block;
}

uint8_t *photo_gen_jpeg(int width, int height, uint32_t seed, int quality, const photo_gen_exif *exif,
			size_t *len)
{
	uint8_t *rgb = photo_gen_rgb(width, height, seed), *out = NULL, *block = NULL;
	unsigned char *jpeg = NULL;
	unsigned long size = 0;
	size_t block_len = 0;
	tjhandle tj = tjInitCompress();

	if (!rgb || !tj ||
	    tjCompress2(tj, rgb, width, 0, height, TJPF_RGB, &jpeg, &size, TJSAMP_420, quality, 0) != 0)
		goto out;
	if (exif) {
		block = photo_gen_exif_block(exif, &block_len);
		if (!block || block_len > 65533)
			goto out;
	}
	size_t app1 = exif ? 4 + block_len : 0;
	out = malloc(size + app1);
	if (!out)
		goto out;
	memcpy(out, jpeg, 2); /* SOI */
	if (exif) {
		out[2] = 0xFF, out[3] = 0xE1;
		out[4] = (uint8_t)((block_len + 2) >> 8), out[5] = (uint8_t)(block_len + 2);
		memcpy(out + 6, block, block_len);
	}
	memcpy(out + 2 + app1, jpeg + 2, size - 2);
	*len = size + app1;
out:
	free(rgb);
	free(block);
	tjFree(jpeg);
	if (tj)
		tjDestroy(tj);
	return out;
}

/* ---- PNG ---- */

typedef struct png_sink {
	uint8_t *b;
	size_t len, cap;
	bool failed;
} png_sink;

static void sink_write(png_structp png, png_bytep p, size_t n)
{
	png_sink *s = png_get_io_ptr(png);
	if (s->len + n > s->cap) {
		size_t cap = (s->cap + n) * 2;
		uint8_t *b = realloc(s->b, cap);
		if (!b) {
			s->failed = true;
			png_error(png, "out of memory");
		}
		s->b = b, s->cap = cap;
	}
	memcpy(s->b + s->len, p, n);
	s->len += n;
}

static void sink_flush(png_structp png)
{
	(void)png;
}

/* One pixel of the scene in the PNG's layout at out (bytes per sample bps). */
static void png_pixel(const uint8_t *rgb, int k, int color_type, int bps, uint8_t *out)
{
	uint8_t v[4] = { rgb[0], rgb[1], rgb[2], (uint8_t)(k == 3 ? 0 : 255) };
	int n = 0;

	if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) {
		v[0] = (uint8_t)((rgb[0] * 77 + rgb[1] * 150 + rgb[2] * 29) >> 8);
		v[1] = v[3];
		n = color_type == PNG_COLOR_TYPE_GRAY ? 1 : 2;
	} else
		n = color_type == PNG_COLOR_TYPE_RGB ? 3 : 4;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < bps; j++)
			out[i * bps + j] = v[i]; /* 16 bits: v * 257 */
}

static void png_write_scene(png_structp png, png_infop info, int width, int height, const uint8_t *rgb,
			    int color_type, int bit_depth, uint8_t *line)
{
	int bps = bit_depth / 8;
	size_t stride = png_get_rowbytes(png, info);

	for (int y = 0; y < height; y++) {
		memset(line, 0, stride);
		for (int x = 0; x < width; x++) {
			const uint8_t *p = rgb + ((size_t)y * (size_t)width + (size_t)x) * 3;
			int k = corner(width, height, x, y);
			if (color_type == PNG_COLOR_TYPE_PALETTE)
				line[x] = (uint8_t)(k >= 0 ? k : 4 + (((x >> 3) + (y >> 3)) & 3));
			else
				png_pixel(p, k, color_type, bps,
					  line + (size_t)x * stride / (size_t)width);
		}
		png_write_row(png, line);
	}
}

uint8_t *photo_gen_png(int width, int height, uint32_t seed, int color_type, int bit_depth,
		       const photo_gen_exif *exif, size_t *len)
{
	png_sink sink = { 0 };
	uint8_t *rgb = photo_gen_rgb(width, height, seed), *line = malloc((size_t)width * 8),
		*block = NULL;
	size_t block_len = 0;
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;

	if (!rgb || !line || !info || (exif && !(block = photo_gen_exif_block(exif, &block_len))))
		goto fail;
	if (setjmp(png_jmpbuf(png)))
		goto fail;
	png_set_write_fn(png, &sink, sink_write, sink_flush);
	png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, bit_depth, color_type,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (color_type == PNG_COLOR_TYPE_PALETTE) {
		png_color palette[8];
		png_byte alpha[4] = { 255, 255, 255, 0 };
		for (int i = 0; i < 4; i++)
			palette[i] = (png_color){ (png_byte)(corner_rgb[i] >> 16),
						  (png_byte)(corner_rgb[i] >> 8),
						  (png_byte)corner_rgb[i] };
		for (int i = 4; i < 8; i++)
			palette[i] = (png_color){ (png_byte)(40 * i), (png_byte)(40 * i),
						  (png_byte)(40 * i) };
		png_set_PLTE(png, info, palette, 8);
		png_set_tRNS(png, info, alpha, 4, NULL);
	}
	if (block)
		png_set_eXIf_1(png, info, (png_uint_32)(block_len - 6), block + 6);
	png_write_info(png, info);
	png_write_scene(png, info, width, height, rgb, color_type, bit_depth, line);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(rgb);
	free(line);
	free(block);
	*len = sink.len;
	return sink.b;
fail:
	png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
	free(rgb);
	free(line);
	free(block);
	free(sink.b);
	return NULL;
}

bool photo_gen_set_declared_size(uint8_t *f, size_t len, int width, int height)
{
	if (len > 33 && memcmp(f + 12, "IHDR", 4) == 0) {
		put32(f + 16, (uint32_t)width, true);
		put32(f + 20, (uint32_t)height, true);
		put32(f + 29, (uint32_t)crc32(0, f + 12, 17), true);
		return true;
	}
	for (size_t i = 2; i + 9 < len;) {
		if (f[i] != 0xFF)
			return false;
		uint8_t m = f[i + 1];
		if (m == 0xC0 || m == 0xC1 || m == 0xC2) {
			put16(f + i + 5, (uint32_t)height, true);
			put16(f + i + 7, (uint32_t)width, true);
			return true;
		}
		i += 2 + ((size_t)f[i + 2] << 8 | f[i + 3]);
	}
	return false;
}

uint8_t *photo_gen_decode(const uint8_t *jpeg, size_t len, int *width, int *height)
{
	tjhandle tj = tjInitDecompress();
	int sub = 0, cs = 0;
	uint8_t *px = NULL;

	if (!tj || tjDecompressHeader3(tj, jpeg, (unsigned long)len, width, height, &sub, &cs) != 0)
		goto out;
	px = malloc((size_t)*width * (size_t)*height * 3);
	if (px && tjDecompress2(tj, jpeg, (unsigned long)len, px, *width, 0, *height, TJPF_RGB, 0) != 0) {
		free(px);
		px = NULL;
	}
out:
	if (tj)
		tjDestroy(tj);
	return px;
}

uint8_t *photo_gen_heic_like(size_t *len)
{
	static const uint8_t box[] = { 0,   0,   0, 0x18, 'f', 't',  'y', 'p', 'h', 'e', 'i',
				       'c', 0,   0, 0,    0,   'm',  'i', 'f', '1', 'h', 'e',
				       'i', 'c', 0, 0,    0,   0x10, 'm', 'e', 't', 'a' };
	uint8_t *p = malloc(sizeof box);

	if (p)
		memcpy(p, box, sizeof box);
	*len = sizeof box;
	return p;
}

uint8_t *photo_gen_text(size_t *len)
{
	static const char text[] =
		"ma_ho,ho_ten,xa\nST-0001,Nguyễn Văn An,Long Phú\nST-0002,Trần Thị Bình,Mỹ Xuyên\n";
	uint8_t *p = malloc(sizeof text - 1);

	if (p)
		memcpy(p, text, sizeof text - 1);
	*len = sizeof text - 1;
	return p;
}
