/*
 * exif.c - the evidence a phone writes into its photo (time taken, GPS
 * position, camera, orientation), read with libexif from the JPEG's APP1
 * segment or the PNG's eXIf chunk. We find the segment ourselves, so
 * libexif only ever sees one bounded TIFF block; what it returns is checked
 * for format, count and range before it is believed, because a wrong
 * time or place in a signed record is worse than none.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <libexif/exif-data.h>
#include "maiam/alloc.h"
#include "photo_int.h"

static const uint8_t exif_header[6] = { 'E', 'x', 'i', 'f', 0, 0 };

photo_walk photo_jpeg_walk(const uint8_t *p, size_t len, const uint8_t **exif, size_t *exif_len)
{
	size_t i = 2; /* after SOI */

	*exif = NULL;
	*exif_len = 0;
	for (;;) {
		if (i + 2 > len)
			return PHOTO_WALK_CUT;
		if (p[i] != 0xFF)
			return PHOTO_WALK_MALFORMED;
		uint8_t marker = p[i + 1];
		if (marker == 0xFF) { /* fill byte before a marker */
			i++;
			continue;
		}
		if (marker == 0xDA)
			return PHOTO_WALK_SCAN;
		if (marker == 0xD9 || marker == 0xD8 || marker == 0x00)
			return PHOTO_WALK_MALFORMED;
		if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { /* no length */
			i += 2;
			continue;
		}
		if (i + 4 > len)
			return PHOTO_WALK_CUT;
		size_t seg = (size_t)p[i + 2] << 8 | p[i + 3];
		if (seg < 2)
			return PHOTO_WALK_MALFORMED;
		if (seg > len - i - 2)
			return PHOTO_WALK_CUT;
		if (marker == 0xE1 && !*exif && seg - 2 > sizeof exif_header &&
		    memcmp(p + i + 4, exif_header, sizeof exif_header) == 0) {
			*exif = p + i + 4;
			*exif_len = seg - 2;
		}
		i += 2 + seg;
	}
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The eXIf chunk of a PNG (after its signature), or NULL. PNG's eXIf holds
 * the TIFF block without the "Exif\0\0" that JPEG's APP1 puts first. */
static const uint8_t *png_exif_chunk(const uint8_t *p, size_t len, size_t *chunk_len)
{
	size_t i = 8;

	while (i + 12 <= len) {
		uint32_t n = be32(p + i);
		if (n > len - i - 12)
			break;
		if (memcmp(p + i + 4, "eXIf", 4) == 0) {
			*chunk_len = n;
			return p + i + 8;
		}
		if (memcmp(p + i + 4, "IEND", 4) == 0)
			break;
		i += 12 + (size_t)n;
	}
	return NULL;
}

static ExifEntry *entry(ExifData *ed, ExifIfd ifd, ExifTag tag)
{
	return exif_content_get_entry(ed->ifd[ifd], tag);
}

/* An ASCII entry's text up to its NUL, cut to fit out; false if absent. */
static bool ascii(ExifData *ed, ExifIfd ifd, ExifTag tag, char *out, size_t n)
{
	ExifEntry *e = entry(ed, ifd, tag);
	size_t k = 0;

	out[0] = '\0';
	if (!e || e->format != EXIF_FORMAT_ASCII || !e->data)
		return false;
	while (k < e->size && k + 1 < n && e->data[k]) {
		out[k] = (char)e->data[k];
		k++;
	}
	out[k] = '\0';
	return k > 0;
}

static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* "+07:00" or "-03:30" to minutes east of UTC; false if it is not one. */
static bool parse_offset(const char *s, int *minutes)
{
	if (strlen(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
		return false;
	int h = digits(s + 1, 2), m = digits(s + 4, 2);
	if (h < 0 || h > 14 || m < 0 || m > 59)
		return false;
	*minutes = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
	return true;
}

/* DateTimeOriginal "YYYY:MM:DD HH:MM:SS" with its offset, or the assumed
 * Vietnam offset when the camera wrote none. Cameras without a set clock
 * write zeros or spaces: those are no time at all. */
static void read_taken_at(ExifData *ed, photo_evidence *ev)
{
	char dt[24], off[8];

	if (!ascii(ed, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, dt, sizeof dt) || strlen(dt) != 19 ||
	    dt[4] != ':' || dt[7] != ':' || dt[10] != ' ' || dt[13] != ':' || dt[16] != ':')
		return;
	int y = digits(dt, 4), mo = digits(dt + 5, 2), d = digits(dt + 8, 2);
	int h = digits(dt + 11, 2), mi = digits(dt + 14, 2), s = digits(dt + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || s < 0 || s > 59)
		return;
	int tz = PHOTO_ASSUMED_TZ_MINUTES;
	ev->tz_assumed = true;
	if (ascii(ed, EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME_ORIGINAL, off, sizeof off) &&
	    parse_offset(off, &tz))
		ev->tz_assumed = false;
	int atz = tz < 0 ? -tz : tz;
	/* every value is range-checked above, but the compiler cannot see it
	 * in every build: a buffer for any int, then the length checked */
	char text[96];
	int n = snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, mo, d, h, mi,
			 s, tz < 0 ? '-' : '+', atz / 60, atz % 60);
	if (n < 0 || (size_t)n >= sizeof ev->taken_at)
		return;
	memcpy(ev->taken_at, text, (size_t)n + 1);
	ev->taken_at_epoch = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - (int64_t)tz * 60;
	ev->tz_minutes = tz;
	ev->has_taken_at = true;
}

/* One GPS coordinate: three rationals (degrees, minutes, seconds) and its
 * reference letter; false when either is missing or out of range. */
static bool read_coordinate(ExifData *ed, ExifTag value_tag, ExifTag ref_tag, char positive,
			    char negative, double limit, double *out)
{
	ExifEntry *e = entry(ed, EXIF_IFD_GPS, value_tag);
	ExifByteOrder order = exif_data_get_byte_order(ed);
	char ref[4];
	double v = 0, unit = 1;

	if (!e || e->format != EXIF_FORMAT_RATIONAL || e->components != 3 || e->size < 24 || !e->data)
		return false;
	if (!ascii(ed, EXIF_IFD_GPS, ref_tag, ref, sizeof ref) ||
	    (ref[0] != positive && ref[0] != negative))
		return false;
	for (int i = 0; i < 3; i++, unit *= 60) {
		ExifRational r = exif_get_rational(e->data + 8 * i, order);
		if (r.denominator == 0)
			return false;
		v += (double)r.numerator / (double)r.denominator / unit;
	}
	if (v > limit)
		return false;
	*out = ref[0] == negative ? -v : v;
	return true;
}

static void read_position(ExifData *ed, photo_evidence *ev)
{
	double lat, lon;

	if (!read_coordinate(ed, EXIF_TAG_GPS_LATITUDE, EXIF_TAG_GPS_LATITUDE_REF, 'N', 'S', 90, &lat) ||
	    !read_coordinate(ed, EXIF_TAG_GPS_LONGITUDE, EXIF_TAG_GPS_LONGITUDE_REF, 'E', 'W', 180, &lon))
		return;
	/* phones without a fix have been seen to write 0/0: no place at all */
	if (lat == 0 && lon == 0)
		return;
	ev->latitude = lat;
	ev->longitude = lon;
	ev->has_position = true;
}

/* Length of the UTF-8 sequence at s (at most n bytes) naming a printable
 * character, or 0: C0 and C1 controls, DEL, overlong forms, surrogates and
 * bytes that are no UTF-8 are not printable. */
static size_t printable_utf8(const unsigned char *s, size_t n)
{
	uint32_t c;
	size_t k;

	if (s[0] < 0x80)
		return s[0] >= 0x20 && s[0] != 0x7F;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		k = 2, c = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		k = 3, c = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		k = 4, c = s[0] & 0x07;
	else
		return 0;
	if (k > n)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3F);
	}
	if ((k == 3 && c < 0x800) || (k == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF) || (c >= 0x80 && c < 0xA0))
		return 0;
	return k;
}

/* Append text to out (of size n, holding *used bytes) as printable UTF-8:
 * anything else becomes '?', white space runs become one space, none at
 * the ends, never a character cut in two. */
static void append_clean(char *out, size_t n, size_t *used, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t len = strlen(text);
	bool space = *used > 0;

	for (size_t i = 0; i < len;) {
		size_t k = printable_utf8(s + i, len - i);
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			space = *used > 0;
			i++;
			continue;
		}
		size_t w = k ? k : 1;
		if (*used + (space ? 1 : 0) + w + 1 > n)
			break;
		if (space)
			out[(*used)++] = ' ';
		space = false;
		if (k)
			memcpy(out + *used, s + i, k);
		else
			out[*used] = '?';
		*used += w;
		i += w;
	}
	out[*used] = '\0';
}

/* "Make Model", or only Model when it already starts with Make ("Apple"
 * and "Apple iPhone 12" are one camera). */
static void read_camera(ExifData *ed, photo_evidence *ev)
{
	char make[PHOTO_CAMERA_MAX * 2], model[PHOTO_CAMERA_MAX * 2];
	size_t used = 0;

	ascii(ed, EXIF_IFD_0, EXIF_TAG_MAKE, make, sizeof make);
	ascii(ed, EXIF_IFD_0, EXIF_TAG_MODEL, model, sizeof model);
	if (!make[0] || strncasecmp(model, make, strlen(make)) != 0)
		append_clean(ev->camera, sizeof ev->camera, &used, make);
	append_clean(ev->camera, sizeof ev->camera, &used, model);
}

static void read_orientation(ExifData *ed, photo_evidence *ev)
{
	ExifEntry *e = entry(ed, EXIF_IFD_0, EXIF_TAG_ORIENTATION);

	if (!e || e->format != EXIF_FORMAT_SHORT || e->components < 1 || e->size < 2 || !e->data)
		return;
	int o = exif_get_short(e->data, exif_data_get_byte_order(ed));
	if (o >= 1 && o <= 8)
		ev->orientation = o;
}

/* Load a TIFF block (with "Exif\0\0" in front) and read every field. */
static photo_result read_block(const uint8_t *block, size_t len, photo_evidence *ev)
{
	ExifData *ed = exif_data_new();

	if (!ed)
		return PHOTO_ENOMEM;
	/* read what the phone wrote, not what libexif thinks it should have */
	exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	exif_data_load_data(ed, block, (unsigned int)len);
	read_taken_at(ed, ev);
	read_position(ed, ev);
	read_camera(ed, ev);
	read_orientation(ed, ev);
	exif_data_unref(ed);
	return PHOTO_OK;
}

photo_result photo_evidence_read(const uint8_t *p, size_t len, photo_kind kind, photo_evidence *ev)
{
	const uint8_t *exif = NULL;
	size_t exif_len = 0;
	uint8_t *copy = NULL;
	photo_result r = PHOTO_OK;

	memset(ev, 0, sizeof *ev);
	ev->orientation = 1;
	if (kind == PHOTO_KIND_JPEG) {
		photo_walk walk = photo_jpeg_walk(p, len, &exif, &exif_len);
		if (exif)
			r = read_block(exif, exif_len, ev);
		if (r == PHOTO_OK && walk != PHOTO_WALK_SCAN)
			r = walk == PHOTO_WALK_CUT ? PHOTO_ETRUNCATED : PHOTO_ECORRUPT;
		goto out;
	}
	exif = png_exif_chunk(p, len, &exif_len);
	if (!exif || exif_len > UINT32_MAX - sizeof exif_header)
		goto out;
	copy = proto_malloc(exif_len + sizeof exif_header);
	if (!copy) {
		r = PHOTO_ENOMEM;
		goto out;
	}
	memcpy(copy, exif_header, sizeof exif_header);
	memcpy(copy + sizeof exif_header, exif, exif_len);
	r = read_block(copy, exif_len + sizeof exif_header, ev);
out:
	free(copy);
	return r;
}
