/*
 * utf8.c - strict UTF-8 validation for text that crosses the wire.
 * Every text value in a change-set is checked here on encode and decode, so
 * a name cannot hide an overlong '/' or a NUL that truncates it in SQLite.
 */
#include <stddef.h>
#include <stdint.h>
#include "maiam/changeset.h"

/*
 * Byte ranges follow RFC 3629 table 3-7: the second byte's range depends on
 * the lead byte, which is what rules out overlongs (E0 80..9F, F0 80..8F),
 * surrogates (ED A0..BF) and code points past U+10FFFF (F4 90..).
 */
int proto_utf8_valid(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;

	if (!s)
		return len == 0;
	while (i < len) {
		uint8_t c = p[i];
		uint8_t lo = 0x80, hi = 0xbf;
		size_t ncont;

		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			ncont = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			ncont = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			ncont = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else {
			return 0; /* 80..C1 (continuation or overlong lead), F5..FF */
		}
		if (len - i <= ncont)
			return 0;
		if (p[i + 1] < lo || p[i + 1] > hi)
			return 0;
		for (size_t k = 2; k <= ncont; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
		i += ncont + 1;
	}
	return 1;
}
