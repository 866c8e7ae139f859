/*
 * body.c - the change-set body codec: records to bytes and back, before
 * compression. Layout in proto/FORMAT.md ("Body").
 *
 * The body is columnar: the same part of every record (kinds, stamps, ids,
 * the values of one field) is stored together. Deflate then sees long runs of
 * alike bytes instead of a different field every few bytes; on realistic
 * campaign data this halves the compressed size (docs/BENCHMARKS.md).
 *
 * The decoder treats every byte as hostile: each stream is a bounded reader
 * over the body, each count and length is capped before anything is
 * allocated, every stream must be consumed exactly, and every field is
 * checked against the schema with the same rules the builder applies.
 */
#include <stdlib.h>
#include <string.h>
#include "maiam/alloc.h"
#include "maiam/changeset.h"
#include "maiam/hlc.h"
#include "maiam/schema.h"
#include "changeset_int.h"

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
#define COL(kind, field) ((size_t)(kind) * 64 + (field))

/*
 * Deltas are taken modulo 2^64 and zigzagged in unsigned arithmetic, so every
 * pair of values has exactly one encoding and no signed overflow can happen.
 */
static uint64_t zigzag_delta(uint64_t from, uint64_t to)
{
	uint64_t d = to - from;
	return (d << 1) ^ (0 - (d >> 63));
}

static uint64_t unzigzag_apply(uint64_t from, uint64_t zz)
{
	uint64_t d = (zz >> 1) ^ (0 - (zz & 1));
	return from + d;
}

/*
 * A text column remembers its first DICT_MAX distinct values so a repeated
 * one (a hamlet, a category, a stage) is written as a small index instead of
 * again. Both sides keep the same table: the encoder to find indices, the
 * decoder to resolve them and to refuse a "new" value it already remembers
 * (one encoding per body). Texts are borrowed: from the change-set when
 * encoding, from the body when decoding.
 */
typedef struct textdict {
	struct {
		const uint8_t *p;
		size_t len;
	} entry[DICT_MAX];
	uint16_t slot[2 * DICT_MAX]; /* open addressing, 1-based entry index; load <= 1/2 */
	uint32_t n;
} textdict;

static uint32_t text_hash(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* The slot where text is, or the empty slot where it would go. */
static uint16_t *dict_slot(textdict *d, const uint8_t *p, size_t len)
{
	size_t mask = 2 * DICT_MAX - 1, i = text_hash(p, len) & mask;

	for (;; i = (i + 1) & mask) {
		uint16_t k = d->slot[i];
		if (!k || (d->entry[k - 1].len == len && memcmp(d->entry[k - 1].p, p, len) == 0))
			return &d->slot[i];
	}
}

/* The 1-based index of text in d, or 0 (after remembering it while d has room). */
static uint32_t dict_find_or_add(textdict *d, const uint8_t *p, size_t len)
{
	uint16_t *slot = dict_slot(d, p, len);

	if (*slot)
		return *slot;
	if (d->n < DICT_MAX) {
		d->entry[d->n].p = p;
		d->entry[d->n].len = len;
		*slot = (uint16_t)++d->n;
	}
	return 0;
}

/* ---- encoder ------------------------------------------------------------- */

typedef struct encoder {
	proto_buf s[NSTREAMS];
	proto_buf *col[NCOLUMNS]; /* allocated on first use */
	textdict *dict[NCOLUMNS]; /* text columns only, allocated on first use */
	uint64_t text_bytes;      /* what the decoder will copy out: capped the same */
	unsigned stamp_unit;      /* 1 or 1000 ms */
} encoder;

static proto_buf *column(encoder *e, uint8_t kind, uint8_t field, proto_result *r)
{
	size_t c = COL(kind, field);
	if (!e->col[c]) {
		e->col[c] = proto_malloc(sizeof(proto_buf));
		if (!e->col[c]) {
			*r = PROTO_ENOMEM;
			return NULL;
		}
		proto_buf_init(e->col[c], PROTO_MAX_BODY);
	}
	return e->col[c];
}

static proto_result put_value(encoder *e, const proto_changeset *cs, const proto_record *rec,
			      const proto_field *f)
{
	proto_result r = PROTO_OK;
	proto_buf *c = column(e, rec->kind, f->field, &r);

	if (!c)
		return r;
	switch (f->value.type) {
	case PROTO_V_INT:
		return proto_buf_put_svarint(c, f->value.i);
	case PROTO_V_TEXT: {
		size_t ci = COL(rec->kind, f->field);
		uint32_t k;
		/* refuse to write what the decoder would refuse to expand */
		e->text_bytes += f->value.len;
		if (e->text_bytes > TEXT_BUDGET)
			return PROTO_ELIMIT;
		if (!e->dict[ci] && !(e->dict[ci] = proto_calloc(1, sizeof(textdict))))
			return PROTO_ENOMEM;
		k = dict_find_or_add(e->dict[ci], (const uint8_t *)f->value.text, f->value.len);
		r = proto_buf_put_varint(c, k);
		if (r != PROTO_OK || k)
			return r;
		r = proto_buf_put_varint(c, f->value.len);
		if (r == PROTO_OK)
			r = proto_buf_append(c, f->value.text, f->value.len);
		return r;
	}
	case PROTO_V_REF:
		/* a reference usually points at a record just before this one */
		r = proto_buf_put_varint(c, zigzag_delta(rec->id.serial, f->value.ref.serial));
		if (r != PROTO_OK)
			return r;
		if (f->value.ref.origin == cs->hdr.origin)
			return proto_buf_append_byte(c, 0);
		r = proto_buf_append_byte(c, REF_FOREIGN);
		if (r == PROTO_OK)
			r = proto_buf_put_be64(&e->s[S_ORIGIN], f->value.ref.origin);
		return r;
	default:
		return PROTO_OK;
	}
}

/* The physical part from which a record's stamp is a delta, in stamp units. */
static uint64_t stamp_origin_ms(uint64_t created, const proto_record *prev, unsigned unit)
{
	uint64_t ms = prev ? proto_hlc_ms(prev->stamp) : proto_hlc_ms(created);
	return ms - ms % unit;
}

/* Physical delta in units (zigzag), then the logical counter. */
static proto_result put_stamp(encoder *e, const proto_changeset *cs, const proto_record *rec,
			      const proto_record *prev)
{
	uint64_t from = stamp_origin_ms(cs->hdr.created, prev, e->stamp_unit);
	uint64_t ms = proto_hlc_ms(rec->stamp);
	proto_result r;

	r = proto_buf_put_varint(&e->s[S_STAMP], zigzag_delta(from / e->stamp_unit, ms / e->stamp_unit));
	if (r == PROTO_OK)
		r = proto_buf_put_varint(&e->s[S_STAMP], rec->stamp & PROTO_HLC_LOGICAL_MASK);
	return r;
}

static proto_result put_record(encoder *e, const proto_changeset *cs, const proto_record *rec,
			       const proto_record *prev)
{
	uint8_t flags = 0;
	proto_result r;

	if (rec->id.origin != cs->hdr.origin)
		flags |= REC_ID_ORIGIN;
	if (rec->writer != cs->hdr.origin)
		flags |= REC_WRITER;
	r = proto_buf_append_byte(&e->s[S_KIND], rec->kind);
	if (r == PROTO_OK)
		r = proto_buf_append_byte(&e->s[S_FLAGS], flags);
	if (r == PROTO_OK)
		r = proto_buf_put_varint(&e->s[S_SERIAL], zigzag_delta(prev ? prev->id.serial : 0, rec->id.serial));
	if (r == PROTO_OK)
		r = put_stamp(e, cs, rec, prev);
	if (r == PROTO_OK && (flags & REC_ID_ORIGIN))
		r = proto_buf_put_be64(&e->s[S_ORIGIN], rec->id.origin);
	if (r == PROTO_OK && (flags & REC_WRITER))
		r = proto_buf_put_be64(&e->s[S_ORIGIN], rec->writer);
	if (r == PROTO_OK)
		r = proto_buf_put_varint(&e->s[S_NFIELDS], rec->nfields);
	for (size_t i = 0; r == PROTO_OK && i < rec->nfields; i++) {
		const proto_field *f = &rec->fields[i];
		r = proto_buf_append_byte(&e->s[S_FIELD], (uint8_t)(f->field | ((unsigned)f->value.type << 6)));
		if (r == PROTO_OK && rec->kind == PROTO_KIND_HOUSEHOLD)
			r = proto_buf_put_varint(&e->s[S_BASE], f->base ? rec->stamp - f->base : 0);
		if (r == PROTO_OK)
			r = put_value(e, cs, rec, f);
	}
	return r;
}

/* Streams, then the column directory and columns, each with its length. */
static proto_result emit(encoder *e, proto_buf *out)
{
	proto_result r = PROTO_OK;
	size_t ncols = 0;

	for (int i = 0; r == PROTO_OK && i < NSTREAMS; i++) {
		r = proto_buf_put_varint(out, e->s[i].len);
		if (r == PROTO_OK)
			r = proto_buf_append(out, e->s[i].data, e->s[i].len);
	}
	for (size_t c = 0; c < NCOLUMNS; c++)
		ncols += e->col[c] && e->col[c]->len > 0;
	if (r == PROTO_OK)
		r = proto_buf_put_varint(out, ncols);
	for (size_t c = 0; r == PROTO_OK && c < NCOLUMNS; c++) {
		proto_buf *b = e->col[c];
		if (!b || b->len == 0)
			continue;
		r = proto_buf_append_byte(out, (uint8_t)(c / 64));
		if (r == PROTO_OK)
			r = proto_buf_append_byte(out, (uint8_t)(c % 64));
		if (r == PROTO_OK)
			r = proto_buf_put_varint(out, b->len);
		if (r == PROTO_OK)
			r = proto_buf_append(out, b->data, b->len);
	}
	return r;
}

static void encoder_release(encoder *e)
{
	for (int i = 0; i < NSTREAMS; i++)
		proto_buf_release(&e->s[i]);
	for (size_t c = 0; c < NCOLUMNS; c++) {
		if (e->col[c])
			proto_buf_release(e->col[c]);
		free(e->col[c]);
		free(e->dict[c]);
	}
}

/* All or nothing: on failure out is back at its old length. */
proto_result proto_body_encode(proto_changeset *cs, proto_buf *out)
{
	encoder *e;
	size_t start;
	uint64_t nchanges = 0;
	proto_result r = PROTO_OK;

	if (!cs || !out || (cs->nrecords && !cs->records))
		return PROTO_EINVAL;
	if (cs->nrecords > PROTO_MAX_RECORDS)
		return PROTO_ELIMIT;
	e = proto_calloc(1, sizeof *e);
	if (!e)
		return PROTO_ENOMEM;
	for (int i = 0; i < NSTREAMS; i++)
		proto_buf_init(&e->s[i], PROTO_MAX_BODY);
	start = out->len;
	/* people type records seconds apart: whole-second stamps cost a byte less each */
	e->stamp_unit = 1000;
	for (size_t i = 0; i < cs->nrecords; i++)
		if (proto_hlc_ms(cs->records[i].stamp) % 1000)
			e->stamp_unit = 1;
	r = proto_buf_append_byte(&e->s[S_STAMP], e->stamp_unit == 1000 ? STAMP_S : STAMP_MS);
	if (r != PROTO_OK)
		goto out;
	for (size_t i = 0; i < cs->nrecords; i++) {
		const proto_record *rec = &cs->records[i];
		r = proto_cs_check_record(rec);
		if (r == PROTO_OK)
			r = put_record(e, cs, rec, i ? &cs->records[i - 1] : NULL);
		if (r != PROTO_OK)
			goto out;
		nchanges += rec->nfields;
	}
	r = emit(e, out);
	if (r != PROTO_OK)
		goto out;
	cs->hdr.nrecords = (uint32_t)cs->nrecords;
	cs->hdr.nchanges = (uint32_t)nchanges;
out:
	if (r != PROTO_OK)
		out->len = start;
	encoder_release(e);
	free(e);
	return r;
}

/* ---- decoder ------------------------------------------------------------- */

typedef struct decoder {
	proto_reader s[NSTREAMS];
	proto_reader col[NCOLUMNS];
	unsigned char has_col[NCOLUMNS];
	textdict *dict[NCOLUMNS]; /* distinct texts seen, borrowed from the body */
	uint64_t text_bytes;
	unsigned stamp_unit;
	int off_second; /* some record stamp is not on a whole second */
} decoder;

/* A length-prefixed slice of the body becomes its own bounded reader. */
static proto_result get_slice(proto_reader *body, proto_reader *slice)
{
	uint64_t n;
	const uint8_t *p;
	proto_result r = proto_get_varint(body, &n);

	if (r != PROTO_OK)
		return r;
	if (n > proto_reader_left(body))
		return PROTO_ETRUNCATED;
	r = proto_get_bytes(body, (size_t)n, &p);
	if (r == PROTO_OK)
		proto_reader_init(slice, p, (size_t)n);
	return r;
}

static proto_result decoder_init(decoder *d, const uint8_t *body, size_t len)
{
	proto_reader rd;
	proto_result r = PROTO_OK;
	uint64_t ncols;
	size_t last = 0;

	proto_reader_init(&rd, body, len);
	for (int i = 0; r == PROTO_OK && i < NSTREAMS; i++)
		r = get_slice(&rd, &d->s[i]);
	if (r == PROTO_OK)
		r = proto_get_varint(&rd, &ncols);
	if (r != PROTO_OK)
		return r;
	if (ncols > NCOLUMNS)
		return PROTO_EBODY;
	for (uint64_t i = 0; i < ncols; i++) {
		uint8_t kind, field;
		size_t c;

		r = proto_get_u8(&rd, &kind);
		if (r == PROTO_OK)
			r = proto_get_u8(&rd, &field);
		if (r != PROTO_OK)
			return r;
		c = COL(kind, field);
		/* known columns only, strictly ascending: one encoding per body */
		if (!proto_field_lookup(kind, field) || c <= last)
			return PROTO_EBODY;
		last = c;
		r = get_slice(&rd, &d->col[c]);
		if (r != PROTO_OK)
			return r;
		if (proto_reader_left(&d->col[c]) == 0)
			return PROTO_EBODY; /* empty columns are never written */
		d->has_col[c] = 1;
	}
	return proto_reader_left(&rd) ? PROTO_ETRAILING : PROTO_OK;
}

static proto_result get_origin(decoder *d, const proto_header *hdr, uint64_t *origin)
{
	proto_result r = proto_get_be64(&d->s[S_ORIGIN], origin);
	if (r == PROTO_ETRUNCATED)
		return PROTO_EBODY; /* a stream shorter than its records say */
	/* canonical form: the header origin is always written implicitly */
	if (r == PROTO_OK && *origin == hdr->origin)
		return PROTO_EBODY;
	return r;
}

/* A text: 0 then a new value (remembered), or k >= 1 for the k-th remembered one. */
static proto_result get_text(decoder *d, size_t ci, proto_value *v)
{
	proto_reader *c = &d->col[ci];
	const uint8_t *p;
	char *copy;
	uint64_t k, u;
	proto_result r = proto_get_varint(c, &k);

	if (r != PROTO_OK)
		return r;
	if (!d->dict[ci] && !(d->dict[ci] = proto_calloc(1, sizeof(textdict))))
		return PROTO_ENOMEM;
	if (k) {
		if (k > d->dict[ci]->n)
			return PROTO_EBODY; /* refers past what was remembered */
		p = d->dict[ci]->entry[k - 1].p;
		u = d->dict[ci]->entry[k - 1].len;
	} else {
		r = proto_get_varint(c, &u);
		if (r != PROTO_OK)
			return r;
		if (u > PROTO_MAX_TEXT)
			return PROTO_ELIMIT;
		r = proto_get_bytes(c, (size_t)u, &p);
		if (r != PROTO_OK)
			return r;
		if (!proto_utf8_valid((const char *)p, (size_t)u))
			return PROTO_EUTF8;
		/* a remembered value must be referred to, never written again */
		if (dict_find_or_add(d->dict[ci], p, (size_t)u))
			return PROTO_EBODY;
	}
	d->text_bytes += u;
	if (d->text_bytes > TEXT_BUDGET)
		return PROTO_ELIMIT;
	copy = proto_malloc((size_t)u + 1);
	if (!copy)
		return PROTO_ENOMEM;
	if (u)
		memcpy(copy, p, (size_t)u);
	copy[u] = '\0';
	v->text = copy;
	v->len = (size_t)u;
	return PROTO_OK;
}

static proto_result get_value(decoder *d, const proto_header *hdr, const proto_record *rec,
			      uint8_t field, proto_value *v)
{
	proto_reader *c = &d->col[COL(rec->kind, field)];
	proto_result r;
	uint64_t u;
	uint8_t tag;

	if (v->type == PROTO_V_NULL)
		return PROTO_OK;
	if (!d->has_col[COL(rec->kind, field)])
		return PROTO_EBODY;
	switch (v->type) {
	case PROTO_V_INT:
		r = proto_get_svarint(c, &v->i);
		break;
	case PROTO_V_TEXT:
		r = get_text(d, COL(rec->kind, field), v);
		break;
	case PROTO_V_REF:
		r = proto_get_varint(c, &u);
		if (r == PROTO_OK)
			r = proto_get_u8(c, &tag);
		if (r != PROTO_OK)
			break;
		v->ref.serial = unzigzag_apply(rec->id.serial, u);
		if (v->ref.serial == 0)
			return PROTO_EVALUE;
		if (tag == 0)
			v->ref.origin = hdr->origin;
		else if (tag == REF_FOREIGN)
			r = get_origin(d, hdr, &v->ref.origin);
		else
			r = PROTO_EBODY;
		break;
	default:
		r = PROTO_EBODY;
	}
	/* inside the body, a column that runs out is malformed, not truncated */
	return r == PROTO_ETRUNCATED ? PROTO_EBODY : r;
}

static proto_result get_field(decoder *d, const proto_header *hdr, proto_record *rec)
{
	proto_field *f = &rec->fields[rec->nfields];
	const proto_field_desc *desc;
	proto_result r;
	uint8_t b;
	uint64_t dbase;

	r = proto_get_u8(&d->s[S_FIELD], &b);
	if (r != PROTO_OK)
		return PROTO_ECOUNT;
	f->field = b & 0x3f;
	f->value.type = (proto_vtype)(b >> 6);
	if (f->field == 0 || (rec->nfields > 0 && f->field <= rec->fields[rec->nfields - 1].field))
		return PROTO_EBODY;
	desc = proto_field_lookup(rec->kind, f->field);
	if (!desc || !(desc->types & PROTO_T(f->value.type)))
		return PROTO_EBODY;
	if (rec->kind == PROTO_KIND_HOUSEHOLD) {
		r = proto_get_varint(&d->s[S_BASE], &dbase);
		if (r != PROTO_OK)
			return r == PROTO_ETRUNCATED ? PROTO_EBODY : r;
		if (dbase >= rec->stamp)
			return PROTO_EVALUE;
		f->base = dbase ? rec->stamp - dbase : 0;
	}
	r = get_value(d, hdr, rec, f->field, &f->value);
	if (r != PROTO_OK)
		return r;
	rec->nfields++;
	return PROTO_OK;
}

static proto_result get_stamp(decoder *d, const proto_header *hdr, const proto_record *prev,
			      uint64_t *stamp)
{
	uint64_t from = stamp_origin_ms(hdr->created, prev, d->stamp_unit) / d->stamp_unit;
	uint64_t delta, units, logical;

	if (proto_get_varint(&d->s[S_STAMP], &delta) != PROTO_OK ||
	    proto_get_varint(&d->s[S_STAMP], &logical) != PROTO_OK)
		return PROTO_EBODY;
	units = unzigzag_apply(from, delta);
	/* the physical part must fit its 48 bits, the logical part its 16 */
	if (units > MS_MAX / d->stamp_unit || logical > PROTO_HLC_LOGICAL_MASK)
		return PROTO_EVALUE;
	*stamp = proto_hlc_make(units * d->stamp_unit, logical);
	if (d->stamp_unit == 1 && units % 1000)
		d->off_second = 1;
	return *stamp ? PROTO_OK : PROTO_EVALUE;
}

static proto_result get_record(decoder *d, const proto_header *hdr, const proto_record *prev,
			       proto_record *rec)
{
	proto_result r;
	uint8_t flags;
	uint64_t u, nfields;

	r = proto_get_u8(&d->s[S_KIND], &rec->kind);
	if (r != PROTO_OK)
		return PROTO_ECOUNT; /* fewer records than the header declares */
	if (rec->kind < 1 || rec->kind > PROTO_KIND_MAX)
		return PROTO_EBODY;
	if (proto_get_u8(&d->s[S_FLAGS], &flags) != PROTO_OK)
		return PROTO_EBODY;
	if (flags & ~(REC_ID_ORIGIN | REC_WRITER))
		return PROTO_EBODY;
	if (proto_get_varint(&d->s[S_SERIAL], &u) != PROTO_OK)
		return PROTO_EBODY;
	rec->id.serial = unzigzag_apply(prev ? prev->id.serial : 0, u);
	if (rec->id.serial == 0)
		return PROTO_EVALUE;
	r = get_stamp(d, hdr, prev, &rec->stamp);
	if (r != PROTO_OK)
		return r;
	rec->id.origin = hdr->origin;
	if ((flags & REC_ID_ORIGIN) && (r = get_origin(d, hdr, &rec->id.origin)) != PROTO_OK)
		return r;
	rec->writer = hdr->origin;
	if ((flags & REC_WRITER) && (r = get_origin(d, hdr, &rec->writer)) != PROTO_OK)
		return r;
	if (proto_get_varint(&d->s[S_NFIELDS], &nfields) != PROTO_OK)
		return PROTO_EBODY;
	if (nfields == 0 || nfields > PROTO_MAX_FIELDS)
		return PROTO_EBODY;
	rec->fields = proto_calloc((size_t)nfields, sizeof(*rec->fields));
	if (!rec->fields)
		return PROTO_ENOMEM;
	while (rec->nfields < nfields) {
		r = get_field(d, hdr, rec);
		if (r != PROTO_OK)
			return r;
	}
	/* what is left: required fields of events (and a cross-check of the rest) */
	return proto_cs_check_record(rec);
}

/* Every stream and column must be used up exactly by the records. */
static proto_result decoder_finish(const decoder *d)
{
	/* canonical unit: milliseconds only when some stamp needs them */
	if (d->stamp_unit == 1 && !d->off_second)
		return PROTO_EBODY;
	if (proto_reader_left(&d->s[S_KIND]) || proto_reader_left(&d->s[S_FIELD]))
		return PROTO_ECOUNT;
	for (int i = 0; i < NSTREAMS; i++)
		if (proto_reader_left(&d->s[i]))
			return PROTO_EBODY;
	for (size_t c = 0; c < NCOLUMNS; c++)
		if (d->has_col[c] && proto_reader_left(&d->col[c]))
			return PROTO_EBODY;
	return PROTO_OK;
}

/* On failure cs holds no records: nothing half-decoded escapes. */
proto_result proto_body_decode(proto_changeset *cs, const uint8_t *body, size_t len)
{
	decoder *d;
	proto_result r;
	uint64_t nchanges = 0;

	if (!cs || (!body && len) || cs->nrecords != 0)
		return PROTO_EINVAL;
	d = proto_calloc(1, sizeof *d);
	if (!d)
		return PROTO_ENOMEM;
	r = decoder_init(d, body, len);
	if (r != PROTO_OK)
		goto out;
	/* the unit byte is there even with no records: one layout, no special case */
	{
		uint8_t unit;
		if (proto_get_u8(&d->s[S_STAMP], &unit) != PROTO_OK || unit > STAMP_S) {
			r = PROTO_EBODY;
			goto out;
		}
		d->stamp_unit = unit == STAMP_S ? 1000 : 1;
	}
	/* the KIND stream holds one byte per record: a header that lies about
	 * the count is caught before anything is allocated for it */
	if (proto_reader_left(&d->s[S_KIND]) != cs->hdr.nrecords ||
	    proto_reader_left(&d->s[S_FIELD]) != cs->hdr.nchanges) {
		r = PROTO_ECOUNT;
		goto out;
	}
	for (uint32_t i = 0; i < cs->hdr.nrecords; i++) {
		proto_record *rec;
		r = proto_cs_push_record(cs, &rec);
		if (r == PROTO_OK)
			r = get_record(d, &cs->hdr, i ? &cs->records[i - 1] : NULL, rec);
		if (r != PROTO_OK)
			goto out;
		nchanges += rec->nfields;
	}
	r = decoder_finish(d);
	if (r == PROTO_OK && nchanges != cs->hdr.nchanges)
		r = PROTO_ECOUNT;
out:
	for (size_t c = 0; c < NCOLUMNS; c++)
		free(d->dict[c]);
	free(d);
	if (r != PROTO_OK)
		proto_changeset_release(cs);
	return r;
}
