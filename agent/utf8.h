/* utf8.h - decoding helpers private to the agent (utf8.c). */
#ifndef MAIAM_AGENT_UTF8_H
#define MAIAM_AGENT_UTF8_H
#include <stddef.h>
#include <stdint.h>
/* Decode one code point at *pp (NUL-terminated text) and advance. */
uint32_t agent_utf8_next(const unsigned char **pp);
/* Encode c into out (room for 4 bytes); returns bytes written. */
size_t agent_utf8_put(uint32_t c, char *out);
#endif
