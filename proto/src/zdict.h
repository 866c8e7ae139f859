/*
 * zdict.h - private: the preset dictionary every change-set's zlib stream is
 * compressed with (seal.c). Its Adler-32 is the stream's DICTID; a stream
 * naming another dictionary, or none, is refused (proto/FORMAT.md).
 */
#ifndef MAIAM_ZDICT_H
#define MAIAM_ZDICT_H

#include <stddef.h>
#include <stdint.h>

/* Adler-32 of the dictionary bytes: the DICTID in every change-set's zlib header. */
#define PROTO_ZDICT_ID 0xa033757bul
#define PROTO_ZDICT_LEN 1944u

/* The dictionary bytes (UTF-8, no terminator) and their length. */
const uint8_t *proto_zdict(void);
size_t proto_zdict_len(void);

#endif
