/*
 * body_encode.c - records to body bytes (before compression), in the
 * columnar layout of proto/FORMAT.md ("Body"): the same part of every record
 * is stored together, so deflate sees long runs of alike bytes.
 */
#include <stdlib.h>
#include <string.h>
#include "maiam/alloc.h"
#include "maiam/changeset.h"
#include "maiam/schema.h"
#include "body_int.h"
#include "changeset_int.h"

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
		/* a column holds at most one value per record */
		if (!e->dict[ci] && !(e->dict[ci] = body_dict_new(cs->nrecords)))
			return PROTO_ENOMEM;
		k = body_dict_find_or_add(e->dict[ci], (const uint8_t *)f->value.text, f->value.len);
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
		r = proto_buf_put_varint(&e->s[S_SERIAL],
					 zigzag_delta(prev ? prev->id.serial : 0, rec->id.serial));
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
		r = proto_buf_append_byte(&e->s[S_FIELD],
					  (uint8_t)(f->field | ((unsigned)f->value.type << 6)));
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
		body_dict_free(e->dict[c]);
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
		/* shared records were checked by the decoder they come from
		 * (proto_changeset_add_shared) */
		r = cs->shared ? PROTO_OK : proto_cs_check_record(rec);
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
