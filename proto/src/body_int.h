/*
 * body_int.h - what the body encoder (body_encode.c) and decoder
 * (body_decode.c) share: the stream and column layout of proto/FORMAT.md
 * ("Body"), the delta coding, and the per-column text dictionary.
 */
#ifndef MAIAM_BODY_INT_H
#define MAIAM_BODY_INT_H

#include <stddef.h>
#include <stdint.h>
#include "maiam/changeset.h"
#include "maiam/hlc.h"

#define REC_ID_ORIGIN 0x01u /* id origin is the next ORIGIN entry (else: header origin) */
#define REC_WRITER 0x02u    /* writer is the next ORIGIN entry (else: header origin) */
#define REF_FOREIGN 1u      /* REF tag: origin is the next ORIGIN entry */
#define STAMP_MS 0u         /* STAMP unit byte: physical deltas in milliseconds */
#define STAMP_S 1u          /* ... in whole seconds (every record stamp on a second) */
#define DICT_MAX 4096u      /* distinct texts remembered per column */
#define MS_MAX (((uint64_t)1 << 48) - 1)
/*
 * A dictionary reference costs a byte or two but is copied out in full: the
 * decoded texts of one body may total at most this many bytes (ELIMIT), so a
 * 32 MiB body cannot make the decoder allocate gigabytes.
 */
#define TEXT_BUDGET ((uint64_t)PROTO_MAX_BODY)

/* The record streams, in body order. */
enum { S_KIND, S_FLAGS, S_SERIAL, S_STAMP, S_ORIGIN, S_NFIELDS, S_FIELD, S_BASE, NSTREAMS };

/* One value column per (kind, field): kinds 1..4, fields 1..63. */
#define NCOLUMNS ((PROTO_KIND_MAX + 1) * 64)
#define COL(kind, field) ((size_t)(kind)*64 + (field))

/*
 * Deltas are taken modulo 2^64 and zigzagged in unsigned arithmetic, so every
 * pair of values has exactly one encoding and no signed overflow can happen.
 */
static inline uint64_t zigzag_delta(uint64_t from, uint64_t to)
{
	uint64_t d = to - from;
	return (d << 1) ^ (0 - (d >> 63));
}

static inline uint64_t unzigzag_apply(uint64_t from, uint64_t zz)
{
	uint64_t d = (zz >> 1) ^ (0 - (zz & 1));
	return from + d;
}

/* The physical part from which a record's stamp is a delta, in ms, rounded to the unit. */
static inline uint64_t stamp_origin_ms(uint64_t created, const proto_record *prev, unsigned unit)
{
	uint64_t ms = prev ? proto_hlc_ms(prev->stamp) : proto_hlc_ms(created);
	return ms - ms % unit;
}

/*
 * A text column remembers its first DICT_MAX distinct values so a repeated
 * one (a hamlet, a category, a stage) is written as a small index instead of
 * again. Both sides keep the same table: the encoder to find indices, the
 * decoder to resolve them and to refuse a "new" value it already remembers
 * (one encoding per body). Texts are borrowed: from the change-set when
 * encoding, from the body when decoding.
 */
typedef struct textdict textdict;

/* A dictionary for a column that can hold at most 'values' texts; NULL on OOM. */
textdict *body_dict_new(size_t values);
void body_dict_free(textdict *d);
/* The 1-based index of text in d, or 0 (after remembering it while d has room). */
uint32_t body_dict_find_or_add(textdict *d, const uint8_t *p, size_t len);
uint32_t body_dict_count(const textdict *d);
/* The k-th remembered text, 1 <= k <= body_dict_count(d). */
void body_dict_get(const textdict *d, uint32_t k, const uint8_t **p, size_t *len);

#endif
