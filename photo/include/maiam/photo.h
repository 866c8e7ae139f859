/*
 * photo.h - the photo evidence library both programs link: the laptop's
 * reduction of a phone photo to the copy that travels (photo_reduce), the
 * hub's thumbnail (photo_thumbnail) and the perceptual hash that finds a
 * photo reused on two households (photo_dhash, photo_hamming).
 * docs/PHOTOS.md says why each number below is what it is.
 *
 * Ownership: photo_reduce and photo_thumbnail fill a photo_jpeg whose bytes
 * the caller releases with photo_jpeg_release (a plain free()). Input bytes
 * are borrowed and never kept. Every allocation goes through proto_malloc,
 * so a test can fail any of them. Nothing here keeps state: every function
 * may run on several threads at once.
 */
#ifndef MAIAM_PHOTO_H
#define MAIAM_PHOTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What went wrong; each refused file has its own code (docs/PHOTOS.md). */
typedef enum photo_result {
	PHOTO_OK = 0,
	PHOTO_ENOMEM, /* no memory */
	PHOTO_EINVAL, /* a NULL where the caller owed a pointer */

	/* the file is not a photo this library reads, and says what it is */
	PHOTO_EEMPTY,       /* the file holds no bytes */
	PHOTO_EHEIF,        /* a HEIC/HEIF (or AVIF) photo, an ISO "ftyp" box */
	PHOTO_EOTHER,       /* another image format: GIF, WebP, BMP, TIFF */
	PHOTO_ETEXT,        /* text, not an image */
	PHOTO_EUNKNOWN,     /* neither JPEG nor PNG nor anything recognised */
	PHOTO_ETRUNCATED,   /* a JPEG or PNG that ends before its image does */
	PHOTO_ECORRUPT,     /* a JPEG or PNG whose data cannot be decoded */
	PHOTO_EUNSUPPORTED, /* a JPEG kind the decoder cannot turn into RGB (CMYK) */
	PHOTO_ETOOBIG,      /* over PHOTO_MAX_PIXELS or PHOTO_MAX_INPUT_BYTES */
	PHOTO_EENCODE,      /* the JPEG encoder failed */
	PHOTO_RESULT_MAX
} photo_result;

/* Static text for a result code, saying what the file is and what to do
 * ("the file is cut short: copy it again from the phone"); never NULL. */
const char *photo_strerror(photo_result r);

/* What the first bytes of a file say it is (photo_sniff). */
typedef enum photo_kind {
	PHOTO_KIND_NONE = 0, /* not an image this library reads */
	PHOTO_KIND_JPEG,     /* FF D8 FF: JPEG start of image */
	PHOTO_KIND_PNG,      /* the 8-byte PNG signature */
} photo_kind;

/* Refused before any decoding: a header may declare any size, and a 100 kB
 * file can claim 65535 x 65535 pixels (12 GB of RGB). 60 MP is above every
 * phone's default photo (12 to 50 MP) and bounds the decode to 180 MB. */
#define PHOTO_MAX_PIXELS 60000000ull
/* The largest file read at all: a 50 MP phone JPEG is under 30 MB. */
#define PHOTO_MAX_INPUT_BYTES (64u * 1024 * 1024)
/* The copy that travels: long side at most this many pixels, never upscaled. */
#define PHOTO_LONG_SIDE 1600
/* Baseline JPEG, 4:2:0 chroma, this quality (docs/PHOTOS.md, "Quality"). */
#define PHOTO_QUALITY 80
/* The hub's thumbnail: long side at most this, and its quality. */
#define PHOTO_THUMB_LONG_SIDE 240
#define PHOTO_THUMB_QUALITY 75
/* Two dHashes this many bits apart or fewer are the same picture
 * (measured in tests/photo/test_photo_dhash.c, docs/PHOTOS.md). */
#define PHOTO_NEAR_BITS 10
/* The camera text: "Make Model" in printable UTF-8, cut to fit this. */
#define PHOTO_CAMERA_MAX 64

/* The offset a camera's local time is taken in when the photo does not say:
 * the campaigns are in Vietnam (UTC+7, no daylight saving). */
#define PHOTO_ASSUMED_TZ_MINUTES (7 * 60)

/*
 * What a photo's EXIF says, read before its metadata is stripped; it goes
 * into the signed record, never into the image that travels.
 */
typedef struct photo_evidence {
	bool has_taken_at;
	/* ISO 8601 with the offset: "2023-06-20T09:30:05+07:00" */
	char taken_at[32];
	int64_t taken_at_epoch; /* seconds since 1970 UTC */
	int tz_minutes;         /* the offset east of UTC in taken_at */
	/* no OffsetTimeOriginal: the camera's clock was taken as Vietnam time */
	bool tz_assumed;

	bool has_position;
	double latitude;  /* degrees, north positive */
	double longitude; /* degrees, east positive */

	char camera[PHOTO_CAMERA_MAX]; /* "samsung SM-A525F"; "" when unknown */
	int orientation;               /* EXIF 1..8 as found; 1 when absent */
} photo_evidence;

/* Bytes of a JPEG this library made; owned by the holder. */
typedef struct photo_jpeg {
	uint8_t *bytes; /* released by photo_jpeg_release */
	size_t len;
	int width, height;
} photo_jpeg;

/* The result of photo_reduce: the JPEG that travels and what was read. */
typedef struct photo_reduced {
	photo_jpeg jpeg;
	uint8_t sha256[32]; /* of jpeg.bytes: the photo's name everywhere */
	photo_kind source_kind;
	int source_width, source_height; /* as stored, before orientation */
	photo_evidence evidence;
} photo_reduced;

/* An empty photo_jpeg / photo_reduced (no allocation). */
void photo_jpeg_init(photo_jpeg *j);
void photo_reduced_init(photo_reduced *r);
/* Free the bytes and empty the struct; safe on an empty one. */
void photo_jpeg_release(photo_jpeg *j);
void photo_reduced_release(photo_reduced *r);

/* The kind of the len bytes at p by content, not by name. PHOTO_OK and
 * *kind set for JPEG or PNG; otherwise the code naming what it looks like
 * (PHOTO_EEMPTY, PHOTO_EHEIF, PHOTO_EOTHER, PHOTO_ETEXT, PHOTO_EUNKNOWN). */
photo_result photo_sniff(const uint8_t *p, size_t len, photo_kind *kind);

/*
 * The copy that travels, made from a whole file's bytes: sniffed, the pixel
 * cap checked against the header before any pixel is decoded, the EXIF
 * evidence read, decoded (JPEG or PNG; PNG alpha over white), oriented as
 * EXIF says, scaled to PHOTO_LONG_SIDE at most, encoded as a baseline JFIF
 * JPEG with no other metadata. The same bytes in give the same bytes out.
 * *out is overwritten (release an earlier result first); on success it
 * owns the JPEG (photo_reduced_release), on failure it is empty.
 */
photo_result photo_reduce(const uint8_t *in, size_t len, photo_reduced *out);

/*
 * Only the evidence of a JPEG or PNG (what photo_reduce puts in
 * out->evidence), without decoding the image. A file without EXIF gives
 * PHOTO_OK and an evidence with nothing set (orientation 1).
 */
photo_result photo_read_evidence(const uint8_t *in, size_t len, photo_evidence *ev);

/*
 * A thumbnail of a JPEG (a reduced photo: already oriented, no EXIF read):
 * long side at most PHOTO_THUMB_LONG_SIDE, never upscaled. *out as for
 * photo_reduce (overwritten, owned after success, empty after failure).
 */
photo_result photo_thumbnail(const uint8_t *jpeg, size_t len, photo_jpeg *out);

/*
 * The 64-bit difference hash of a JPEG: its grey image reduced to 9 x 8 by
 * area average, bit (row * 8 + column) set when a pixel is brighter than
 * its right-hand neighbour. Reused or re-encoded photos stay within
 * PHOTO_NEAR_BITS of each other (photo_hamming).
 */
photo_result photo_dhash(const uint8_t *jpeg, size_t len, uint64_t *hash);

/* The number of bits in which a and b differ (0..64). */
unsigned photo_hamming(uint64_t a, uint64_t b);

#endif
