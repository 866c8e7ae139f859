/*
 * body_decode.c - body bytes to records. Every byte is hostile: each stream
 * is a bounded reader over the body, each count and length is capped before
 * anything is allocated, every stream must be consumed exactly, and every
 * field is checked against the schema with the same rules the builder
 * applies (changeset.c). Layout: proto/FORMAT.md ("Body").
 */
#include <stdlib.h>
#include <string.h>
#include "maiam/alloc.h"
#include "maiam/changeset.h"
#include "maiam/schema.h"
#include "body_int.h"
#include "changeset_int.h"

typedef struct decoder {
	proto_reader s[NSTREAMS];
	proto_reader col[NCOLUMNS];
	unsigned char has_col[NCOLUMNS];
	textdict *dict[NCOLUMNS]; /* distinct texts seen, borrowed from the body */
	uint64_t text_bytes;
	size_t nrecords; /* declared, and checked against the KIND stream */
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

static proto_result decoder_init(decoder *d, uint8_t version, const uint8_t *body, size_t len)
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
		/* a kind newer than the header's version is unknown to that version */
		if (proto_kind_since(kind) > version)
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
	/* a column holds at most one value per record, and each takes a byte */
	if (!d->dict[ci] && !(d->dict[ci] = body_dict_new(d->nrecords < c->len ? d->nrecords : c->len)))
		return PROTO_ENOMEM;
	if (k) {
		size_t len;
		if (k > body_dict_count(d->dict[ci]))
			return PROTO_EBODY; /* refers past what was remembered */
		body_dict_get(d->dict[ci], (uint32_t)k, &p, &len);
		u = len;
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
		if (body_dict_find_or_add(d->dict[ci], p, (size_t)u))
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
	if (rec->kind < 1 || rec->kind > PROTO_KIND_MAX || proto_kind_since(rec->kind) > hdr->version)
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
	r = decoder_init(d, cs->hdr.version, body, len);
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
	d->nrecords = cs->hdr.nrecords;
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
		body_dict_free(d->dict[c]);
	free(d);
	if (r != PROTO_OK)
		proto_changeset_release(cs);
	return r;
}
