/* utf8.h - decoding helpers private to the agent (utf8.c). */
#ifndef MAIAM_AGENT_UTF8_H
#define MAIAM_AGENT_UTF8_H
#include <stddef.h>
#include <stdint.h>
/* Decode one code point at *pp (NUL-terminated text) and advance. */
uint32_t agent_utf8_next(const unsigned char **pp);
/* Make text from outside safe to show on a terminal, in place: every C0 and
 * C1 control (U+0000..U+001F, U+007F..U+009F: ESC, CSI, newline...) becomes
 * one space, and bytes that are not UTF-8 become '?'. Returns s. */
char *agent_utf8_printable(char *s);
#endif
