/*
 * utf8.c - strict UTF-8 validation for text that crosses the wire, and the
 * display width of text on a terminal. Every text value in a change-set is
 * checked here on encode and decode, so a name cannot hide an overlong '/'
 * or a NUL that truncates it in SQLite. Both programs' text tables measure
 * their cells with proto_utf8_width; both decode with proto_utf8_next.
 */
#include <stddef.h>
#include <stdint.h>
#include "maiam/changeset.h"

/*
 * RFC 3629 table 3-7: each lead byte of a multi-byte sequence, the number of
 * continuation bytes after it, and the range of the first of them. That
 * range is what rules out overlongs (E0 80..9F, F0 80..8F), surrogates
 * (ED A0..BF) and code points past U+10FFFF (F4 90..); later continuation
 * bytes are 80..BF. Leads not listed (80..C1, F5..FF) start nothing.
 */
static const struct utf8_lead {
	uint8_t first, last; /* lead bytes first..last */
	uint8_t ncont;       /* continuation bytes that follow */
	uint8_t lo, hi;      /* range of the first continuation byte */
} utf8_leads[] = {
	{ 0xc2, 0xdf, 1, 0x80, 0xbf }, { 0xe0, 0xe0, 2, 0xa0, 0xbf }, { 0xe1, 0xec, 2, 0x80, 0xbf },
	{ 0xed, 0xed, 2, 0x80, 0x9f }, { 0xee, 0xef, 2, 0x80, 0xbf }, { 0xf0, 0xf0, 3, 0x90, 0xbf },
	{ 0xf1, 0xf3, 3, 0x80, 0xbf }, { 0xf4, 0xf4, 3, 0x80, 0x8f },
};

static const struct utf8_lead *utf8_lead_of(uint8_t c)
{
	for (size_t k = 0; k < sizeof(utf8_leads) / sizeof(utf8_leads[0]); k++)
		if (c >= utf8_leads[k].first && c <= utf8_leads[k].last)
			return &utf8_leads[k];
	return NULL;
}

int proto_utf8_valid(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;

	if (!s)
		return len == 0;
	while (i < len) {
		const struct utf8_lead *lead;

		if (p[i] == 0)
			return 0;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		lead = utf8_lead_of(p[i]);
		if (!lead || len - i <= lead->ncont)
			return 0;
		if (p[i + 1] < lead->lo || p[i + 1] > lead->hi)
			return 0;
		for (size_t k = 2; k <= lead->ncont; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
		i += lead->ncont + 1;
	}
	return 1;
}

/* Columns a terminal gives one code point: 0 for combining marks and
 * zero-width characters, 2 for East Asian wide and fullwidth forms and
 * emoji, 1 otherwise. Vietnamese precomposed letters (U+1EA0..U+1EF9) are 1. */
static int cp_width(uint32_t c)
{
	if ((c >= 0x300 && c <= 0x36f) || (c >= 0x1ab0 && c <= 0x1aff) || (c >= 0x1dc0 && c <= 0x1dff) ||
	    (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe20 && c <= 0xfe2f) || c == 0x200b || c == 0x200d ||
	    c == 0xfeff)
		return 0;
	if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) ||
	    (c >= 0x1f300 && c <= 0x1faff) || (c >= 0x20000 && c <= 0x3fffd))
		return 2;
	return 1;
}

uint32_t proto_utf8_next(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	uint32_t c = p[0];
	int n;

	if (c < 0x80) {
		*pp = p + 1;
		return c;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 1, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 2, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 3, c &= 0x07;
	else
		goto bad;
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 2 && c < 0x800) || (n == 3 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*pp = p + n + 1;
	return c;
bad:
	*pp = p + 1;
	return 0xfffd;
}

size_t proto_utf8_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	while (p && *p) {
		uint32_t cp = proto_utf8_next(&p);

		/* a byte that is not UTF-8 is shown as one replacement character */
		w += cp == 0xfffd ? 1 : (size_t)cp_width(cp);
	}
	return w;
}
