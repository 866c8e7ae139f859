/*
 * utf8.c - making text from outside printable. Decoding is proto's
 * (proto_utf8_next): invalid bytes decode as U+FFFD one byte at a time, so
 * callers never stall or read past the end on hostile text.
 */
#include <string.h>
#include "agent.h"
#include "utf8.h"

uint32_t agent_utf8_next(const unsigned char **pp)
{
	return proto_utf8_next(pp);
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
