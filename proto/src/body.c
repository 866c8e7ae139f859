/*
 * body.c - the change-set body codec: records to bytes and back, before
 * compression. Layout in proto/FORMAT.md ("Body"). The decoder treats every
 * byte as hostile: each read is bounds-checked, each count and length is
 * capped before anything is allocated, and every field is checked against
 * the schema with the same rules the builder applies (changeset.c).
 */
#include <stdlib.h>
#include <string.h>
#include "maiam/alloc.h"
#include "maiam/changeset.h"
#include "maiam/schema.h"
#include "changeset_int.h"

#define REC_ID_ORIGIN 0x01u /* id origin follows (else: header origin) */
#define REC_WRITER 0x02u    /* writer follows (else: header origin) */
#define REF_FOREIGN 1u      /* REF tag: 8-byte origin follows */

/*
 * Stamp deltas are taken modulo 2^64 and zigzagged in unsigned arithmetic,
 * so every pair of stamps has exactly one encoding and no signed overflow
 * can happen on either side.
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

static proto_result put_field(proto_buf *out, const proto_changeset *cs, const proto_record *rec,
			      const proto_field *f)
{
	proto_result r;

	r = proto_buf_append_byte(out, (uint8_t)(f->field | ((unsigned)f->value.type << 6)));
	if (r == PROTO_OK && rec->kind == PROTO_KIND_HOUSEHOLD)
		r = proto_buf_put_varint(out, f->base ? rec->stamp - f->base : 0);
	if (r != PROTO_OK)
		return r;
	switch (f->value.type) {
	case PROTO_V_INT:
		return proto_buf_put_svarint(out, f->value.i);
	case PROTO_V_TEXT:
		r = proto_buf_put_varint(out, f->value.len);
		if (r == PROTO_OK)
			r = proto_buf_append(out, f->value.text, f->value.len);
		return r;
	case PROTO_V_REF:
		r = proto_buf_put_varint(out, f->value.ref.serial);
		if (r != PROTO_OK)
			return r;
		if (f->value.ref.origin == cs->hdr.origin)
			return proto_buf_append_byte(out, 0);
		r = proto_buf_append_byte(out, REF_FOREIGN);
		if (r == PROTO_OK)
			r = proto_buf_put_be64(out, f->value.ref.origin);
		return r;
	default:
		return PROTO_OK;
	}
}

static proto_result put_record(proto_buf *out, const proto_changeset *cs, const proto_record *rec,
			       uint64_t prev_stamp)
{
	uint8_t flags = 0;
	proto_result r;

	if (rec->id.origin != cs->hdr.origin)
		flags |= REC_ID_ORIGIN;
	if (rec->writer != cs->hdr.origin)
		flags |= REC_WRITER;
	r = proto_buf_append_byte(out, rec->kind);
	if (r == PROTO_OK)
		r = proto_buf_append_byte(out, flags);
	if (r == PROTO_OK && (flags & REC_ID_ORIGIN))
		r = proto_buf_put_be64(out, rec->id.origin);
	if (r == PROTO_OK)
		r = proto_buf_put_varint(out, rec->id.serial);
	if (r == PROTO_OK)
		r = proto_buf_put_varint(out, zigzag_delta(prev_stamp, rec->stamp));
	if (r == PROTO_OK && (flags & REC_WRITER))
		r = proto_buf_put_be64(out, rec->writer);
	if (r == PROTO_OK)
		r = proto_buf_put_varint(out, rec->nfields);
	for (size_t i = 0; r == PROTO_OK && i < rec->nfields; i++)
		r = put_field(out, cs, rec, &rec->fields[i]);
	return r;
}

/* All or nothing: on failure out is back at its old length. */
proto_result proto_body_encode(proto_changeset *cs, proto_buf *out)
{
	size_t start;
	uint64_t prev, nchanges = 0;
	proto_result r = PROTO_OK;

	if (!cs || !out || (cs->nrecords && !cs->records))
		return PROTO_EINVAL;
	if (cs->nrecords > PROTO_MAX_RECORDS)
		return PROTO_ELIMIT;
	start = out->len;
	prev = cs->hdr.created;
	for (size_t i = 0; i < cs->nrecords; i++) {
		const proto_record *rec = &cs->records[i];
		r = proto_cs_check_record(rec);
		if (r == PROTO_OK)
			r = put_record(out, cs, rec, prev);
		if (r != PROTO_OK)
			goto fail;
		prev = rec->stamp;
		nchanges += rec->nfields;
	}
	cs->hdr.nrecords = (uint32_t)cs->nrecords;
	cs->hdr.nchanges = (uint32_t)nchanges;
	return PROTO_OK;
fail:
	out->len = start;
	return r;
}

static proto_result get_value(proto_reader *rd, const proto_header *hdr, proto_value *v)
{
	proto_result r = PROTO_OK;
	uint64_t u;

	switch (v->type) {
	case PROTO_V_INT:
		return proto_get_svarint(rd, &v->i);
	case PROTO_V_TEXT: {
		const uint8_t *p;
		char *copy;
		r = proto_get_varint(rd, &u);
		if (r != PROTO_OK)
			return r;
		if (u > PROTO_MAX_TEXT)
			return PROTO_ELIMIT;
		r = proto_get_bytes(rd, (size_t)u, &p);
		if (r != PROTO_OK)
			return r;
		if (!proto_utf8_valid((const char *)p, (size_t)u))
			return PROTO_EUTF8;
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
	case PROTO_V_REF: {
		uint8_t tag;
		r = proto_get_varint(rd, &v->ref.serial);
		if (r == PROTO_OK && v->ref.serial == 0)
			r = PROTO_EVALUE;
		if (r == PROTO_OK)
			r = proto_get_u8(rd, &tag);
		if (r != PROTO_OK)
			return r;
		if (tag == 0) {
			v->ref.origin = hdr->origin;
			return PROTO_OK;
		}
		if (tag != REF_FOREIGN)
			return PROTO_EBODY;
		r = proto_get_be64(rd, &v->ref.origin);
		/* canonical form: the header origin is always written implicitly */
		if (r == PROTO_OK && v->ref.origin == hdr->origin)
			r = PROTO_EBODY;
		return r;
	}
	default:
		return PROTO_OK;
	}
}

/* Decode one field into the next slot of rec; rec->nfields counts it on success. */
static proto_result get_field(proto_reader *rd, const proto_header *hdr, proto_record *rec)
{
	proto_field *f = &rec->fields[rec->nfields];
	const proto_field_desc *d;
	proto_result r;
	uint8_t b;
	uint64_t dbase;

	r = proto_get_u8(rd, &b);
	if (r != PROTO_OK)
		return r;
	f->field = b & 0x3f;
	f->value.type = (proto_vtype)(b >> 6);
	if (f->field == 0 || (rec->nfields > 0 && f->field <= rec->fields[rec->nfields - 1].field))
		return PROTO_EBODY;
	d = proto_field_lookup(rec->kind, f->field);
	if (!d || !(d->types & PROTO_T(f->value.type)))
		return PROTO_EBODY;
	if (rec->kind == PROTO_KIND_HOUSEHOLD) {
		r = proto_get_varint(rd, &dbase);
		if (r != PROTO_OK)
			return r;
		if (dbase >= rec->stamp)
			return PROTO_EVALUE;
		f->base = dbase ? rec->stamp - dbase : 0;
	}
	r = get_value(rd, hdr, &f->value);
	if (r != PROTO_OK)
		return r;
	rec->nfields++;
	return PROTO_OK;
}

static proto_result get_record(proto_reader *rd, const proto_header *hdr, uint64_t prev_stamp,
			       proto_record *rec)
{
	proto_result r;
	uint8_t flags;
	uint64_t u, nfields;

	r = proto_get_u8(rd, &rec->kind);
	if (r != PROTO_OK)
		return r;
	if (rec->kind < 1 || rec->kind > PROTO_KIND_MAX)
		return PROTO_EBODY;
	r = proto_get_u8(rd, &flags);
	if (r != PROTO_OK)
		return r;
	if (flags & ~(REC_ID_ORIGIN | REC_WRITER))
		return PROTO_EBODY;
	rec->id.origin = hdr->origin;
	if (flags & REC_ID_ORIGIN) {
		r = proto_get_be64(rd, &rec->id.origin);
		if (r != PROTO_OK)
			return r;
		if (rec->id.origin == hdr->origin)
			return PROTO_EBODY; /* non-canonical: must be implicit */
	}
	r = proto_get_varint(rd, &rec->id.serial);
	if (r != PROTO_OK)
		return r;
	if (rec->id.serial == 0)
		return PROTO_EVALUE;
	r = proto_get_varint(rd, &u);
	if (r != PROTO_OK)
		return r;
	rec->stamp = unzigzag_apply(prev_stamp, u);
	if (rec->stamp == 0)
		return PROTO_EVALUE;
	rec->writer = hdr->origin;
	if (flags & REC_WRITER) {
		r = proto_get_be64(rd, &rec->writer);
		if (r != PROTO_OK)
			return r;
		if (rec->writer == hdr->origin)
			return PROTO_EBODY;
	}
	r = proto_get_varint(rd, &nfields);
	if (r != PROTO_OK)
		return r;
	if (nfields == 0 || nfields > PROTO_MAX_FIELDS)
		return PROTO_EBODY;
	rec->fields = proto_calloc((size_t)nfields, sizeof(*rec->fields));
	if (!rec->fields)
		return PROTO_ENOMEM;
	while (rec->nfields < nfields) {
		r = get_field(rd, hdr, rec);
		if (r != PROTO_OK)
			return r;
	}
	/* what is left: required fields of events (and a cross-check of the rest) */
	return proto_cs_check_record(rec);
}

/* On failure cs holds no records: nothing half-decoded escapes. */
proto_result proto_body_decode(proto_changeset *cs, const uint8_t *body, size_t len)
{
	proto_reader rd;
	proto_result r = PROTO_OK;
	uint64_t prev, nchanges = 0;

	if (!cs || (!body && len) || cs->nrecords != 0)
		return PROTO_EINVAL;
	proto_reader_init(&rd, body, len);
	prev = cs->hdr.created;
	while (proto_reader_left(&rd) > 0) {
		proto_record *rec;
		/* more records than declared: stop before allocating for them */
		if (cs->nrecords >= cs->hdr.nrecords) {
			r = PROTO_ECOUNT;
			goto fail;
		}
		r = proto_cs_push_record(cs, &rec);
		if (r == PROTO_OK)
			r = get_record(&rd, &cs->hdr, prev, rec);
		if (r != PROTO_OK)
			goto fail;
		prev = rec->stamp;
		nchanges += rec->nfields;
	}
	if (cs->nrecords != cs->hdr.nrecords || nchanges != cs->hdr.nchanges) {
		r = PROTO_ECOUNT;
		goto fail;
	}
	return PROTO_OK;
fail:
	proto_changeset_release(cs);
	return r;
}
