/*
 * photo.c - the photo library's entry points: what a file is (by its first
 * bytes, never its name), the reduction to the copy that travels, the
 * hub's thumbnail and the difference hash. The steps themselves live in
 * exif.c, decode.c and pixels.c.
 */
#include <string.h>
#include "maiam/keys.h"
#include "photo_int.h"

const char *photo_strerror(photo_result r)
{
	switch (r) {
	case PHOTO_OK:
		return "ok";
	case PHOTO_ENOMEM:
		return "out of memory";
	case PHOTO_EINVAL:
		return "invalid argument";
	case PHOTO_EEMPTY:
		return "the file is empty: copy the photo again from the phone";
	case PHOTO_EHEIF:
		return "the photo is HEIC/HEIF, not JPEG: set the phone to save JPEG (Most compatible) "
		       "or convert it";
	case PHOTO_EOTHER:
		return "the file is a GIF, WebP, BMP or TIFF image or a video, not a JPEG or PNG photo: "
		       "convert it to JPEG";
	case PHOTO_ETEXT:
		return "the file is text, not a photo: choose the photo file itself";
	case PHOTO_EUNKNOWN:
		return "the file is not a JPEG or PNG photo: choose the photo file itself";
	case PHOTO_ETRUNCATED:
		return "the file is cut short: copy it again from the phone";
	case PHOTO_ECORRUPT:
		return "the photo is damaged and cannot be read: copy it again from the phone";
	case PHOTO_EUNSUPPORTED:
		return "the JPEG is CMYK or of a kind that cannot be read: save it again as an ordinary JPEG";
	case PHOTO_ETOOBIG:
		return "the photo is too large (over 60 megapixels or 64 MB): take it at the phone's "
		       "normal size";
	case PHOTO_EENCODE:
		return "the photo could not be encoded again";
	case PHOTO_RESULT_MAX:
		break;
	}
	return "unknown photo error";
}

void photo_jpeg_init(photo_jpeg *j)
{
	memset(j, 0, sizeof *j);
}

void photo_jpeg_release(photo_jpeg *j)
{
	free(j->bytes);
	photo_jpeg_init(j);
}

void photo_reduced_init(photo_reduced *r)
{
	memset(r, 0, sizeof *r);
	r->evidence.orientation = 1;
}

void photo_reduced_release(photo_reduced *r)
{
	photo_jpeg_release(&r->jpeg);
	photo_reduced_init(r);
}

static bool starts(const uint8_t *p, size_t len, const void *sig, size_t n)
{
	return len >= n && memcmp(p, sig, n) == 0;
}

/* An ISO base media "ftyp" box whose brand is HEIF's (phones' HEIC,
 * Android's HEIF, AVIF); another brand is a video. */
static bool heif_brand(const uint8_t *p, size_t len)
{
	static const char *const brands[] = { "heic", "heix", "hevc", "hevx", "heim", "heis",
					      "hevm", "hevs", "mif1", "msf1", "avif", "avis" };

	for (size_t i = 0; i < sizeof brands / sizeof brands[0]; i++)
		if (len >= 12 && memcmp(p + 8, brands[i], 4) == 0)
			return true;
	return false;
}

/* No control byte but white space in the first 512: what an editor shows
 * as text (UTF-8 included), what a phone never writes as an image. */
static bool looks_like_text(const uint8_t *p, size_t len)
{
	size_t n = len < 512 ? len : 512;

	for (size_t i = 0; i < n; i++)
		if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' && p[i] != '\f') ||
		    p[i] == 0x7F)
			return false;
	return true;
}

photo_result photo_sniff(const uint8_t *p, size_t len, photo_kind *kind)
{
	static const uint8_t jpeg[3] = { 0xFF, 0xD8, 0xFF };
	static const uint8_t png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

	*kind = PHOTO_KIND_NONE;
	if (!p || len == 0)
		return PHOTO_EEMPTY;
	if (starts(p, len, jpeg, sizeof jpeg)) {
		*kind = PHOTO_KIND_JPEG;
		return PHOTO_OK;
	}
	if (starts(p, len, png, sizeof png)) {
		*kind = PHOTO_KIND_PNG;
		return PHOTO_OK;
	}
	/* the first bytes of a JPEG or PNG signature and nothing more */
	if (len < sizeof png &&
	    (memcmp(p, png, len) == 0 || (len < sizeof jpeg && memcmp(p, jpeg, len) == 0)))
		return PHOTO_ETRUNCATED;
	if (len >= 12 && memcmp(p + 4, "ftyp", 4) == 0)
		return heif_brand(p, len) ? PHOTO_EHEIF : PHOTO_EOTHER;
	if (starts(p, len, "GIF8", 4) ||
	    (starts(p, len, "RIFF", 4) && len >= 12 && memcmp(p + 8, "WEBP", 4) == 0) ||
	    starts(p, len, "BM", 2) || starts(p, len, "II*\0", 4) || starts(p, len, "MM\0*", 4))
		return PHOTO_EOTHER;
	return looks_like_text(p, len) ? PHOTO_ETEXT : PHOTO_EUNKNOWN;
}

/* Sniffed and within the input cap: the checks every entry point makes. */
static photo_result admit(const uint8_t *in, size_t len, photo_kind *kind)
{
	photo_result r = photo_sniff(in, len, kind);

	if (r == PHOTO_OK && len > PHOTO_MAX_INPUT_BYTES)
		r = PHOTO_ETOOBIG;
	return r;
}

photo_result photo_read_evidence(const uint8_t *in, size_t len, photo_evidence *ev)
{
	photo_kind kind;
	photo_result r;

	if (!ev)
		return PHOTO_EINVAL;
	memset(ev, 0, sizeof *ev);
	ev->orientation = 1;
	r = admit(in, len, &kind);
	if (r != PHOTO_OK)
		return r;
	return photo_evidence_read(in, len, kind, ev);
}

/* im scaled to long_side and turned by orientation, encoded at quality. */
static photo_result finish(const photo_image *im, int full_width, int full_height, int long_side,
			   int orientation, int quality, photo_jpeg *out)
{
	photo_image scaled, turned;
	int w, h;
	photo_result r;

	photo_image_init(&scaled);
	photo_image_init(&turned);
	/* the size from the stored one, the scaled decode only brings it near */
	photo_fit(full_width, full_height, long_side, &w, &h);
	w = w > im->width ? im->width : w;
	h = h > im->height ? im->height : h;
	r = photo_image_resize(im, w, h, &scaled);
	if (r != PHOTO_OK)
		goto out;
	if (orientation != 1) {
		r = photo_image_orient(&scaled, orientation, &turned);
		if (r != PHOTO_OK)
			goto out;
	}
	r = photo_jpeg_encode(orientation != 1 ? &turned : &scaled, quality, out);
out:
	photo_image_release(&scaled);
	photo_image_release(&turned);
	return r;
}

photo_result photo_reduce(const uint8_t *in, size_t len, photo_reduced *out)
{
	photo_image decoded;
	photo_kind kind;
	photo_result r;

	if (!out)
		return PHOTO_EINVAL;
	photo_image_init(&decoded);
	photo_reduced_init(out);
	r = admit(in, len, &kind);
	if (r != PHOTO_OK)
		goto out;
	r = photo_evidence_read(in, len, kind, &out->evidence);
	if (r != PHOTO_OK)
		goto out;
	if (kind == PHOTO_KIND_JPEG) {
		r = photo_jpeg_decode(in, len, PHOTO_LONG_SIDE, 3, &decoded, &out->source_width,
				      &out->source_height);
	} else {
		r = photo_png_decode(in, len, &decoded);
		out->source_width = decoded.width;
		out->source_height = decoded.height;
	}
	if (r != PHOTO_OK)
		goto out;
	r = finish(&decoded, out->source_width, out->source_height, PHOTO_LONG_SIDE,
		   out->evidence.orientation, PHOTO_QUALITY, &out->jpeg);
	if (r != PHOTO_OK)
		goto out;
	out->source_kind = kind;
	proto_sha256(out->jpeg.bytes, out->jpeg.len, out->sha256);
out:
	photo_image_release(&decoded);
	if (r != PHOTO_OK)
		photo_reduced_release(out);
	return r;
}

/* A JPEG given to the hub's functions: JPEG by content, within the cap. */
static photo_result admit_jpeg(const uint8_t *in, size_t len)
{
	photo_kind kind;
	photo_result r = admit(in, len, &kind);

	if (r == PHOTO_OK && kind != PHOTO_KIND_JPEG)
		r = PHOTO_EUNKNOWN;
	return r;
}

photo_result photo_thumbnail(const uint8_t *jpeg, size_t len, photo_jpeg *out)
{
	photo_image decoded;
	int w = 0, h = 0;
	photo_result r;

	if (!out)
		return PHOTO_EINVAL;
	photo_image_init(&decoded);
	photo_jpeg_init(out);
	r = admit_jpeg(jpeg, len);
	if (r != PHOTO_OK)
		goto out;
	r = photo_jpeg_decode(jpeg, len, PHOTO_THUMB_LONG_SIDE, 3, &decoded, &w, &h);
	if (r != PHOTO_OK)
		goto out;
	r = finish(&decoded, w, h, PHOTO_THUMB_LONG_SIDE, 1, PHOTO_THUMB_QUALITY, out);
out:
	photo_image_release(&decoded);
	return r;
}

/* The grey image the hash is taken from is decoded at a scale whose long
 * side is at least this: 8 to 30 source pixels per cell, enough to average
 * away JPEG noise, small enough that a 1/8 scaled decode serves. */
#define DHASH_DECODE_LONG_SIDE 64

photo_result photo_dhash(const uint8_t *jpeg, size_t len, uint64_t *hash)
{
	photo_image grey, cells;
	photo_result r;

	if (!hash)
		return PHOTO_EINVAL;
	*hash = 0;
	photo_image_init(&grey);
	photo_image_init(&cells);
	r = admit_jpeg(jpeg, len);
	if (r != PHOTO_OK)
		goto out;
	r = photo_jpeg_decode(jpeg, len, DHASH_DECODE_LONG_SIDE, 1, &grey, NULL, NULL);
	if (r != PHOTO_OK)
		goto out;
	r = photo_image_resize(&grey, 9, 8, &cells);
	if (r != PHOTO_OK)
		goto out;
	for (int y = 0; y < 8; y++)
		for (int x = 0; x < 8; x++)
			if (cells.px[y * 9 + x] > cells.px[y * 9 + x + 1])
				*hash |= (uint64_t)1 << (y * 8 + x);
out:
	photo_image_release(&grey);
	photo_image_release(&cells);
	return r;
}

unsigned photo_hamming(uint64_t a, uint64_t b)
{
	return (unsigned)__builtin_popcountll(a ^ b);
}
