/*
 * utf8.c - a small UTF-8 decoder shared by folding and display width.
 * Invalid bytes decode as U+FFFD one byte at a time, so callers never stall
 * or read past the end on hostile text.
 */
#include <string.h>
#include "agent.h"
#include "utf8.h"

uint32_t agent_utf8_next(const unsigned char **pp)
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

size_t agent_utf8_put(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

char *agent_utf8_printable(char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *o = s;

	/* the output never outgrows the input: a control of 1 or 2 bytes
	 * becomes 1, a bad byte (decoded as U+FFFD from 1 byte) becomes 1 */
	while (*p) {
		const unsigned char *at = p;
		uint32_t c = agent_utf8_next(&p);

		if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
			*o++ = ' ';
		} else if (c == 0xfffd && p - at == 1) {
			*o++ = '?';
		} else {
			memmove(o, at, (size_t)(p - at));
			o += p - at;
		}
	}
	*o = '\0';
	return s;
}
