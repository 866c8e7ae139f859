/*
 * body_size.c - how much one record can add to an encoded body, measured
 * without encoding it: a caller that gathers records from many change-sets
 * into one (the hub's pull) stops before a record that would take the body
 * past an encoder limit, instead of learning it from a failed seal.
 */
#include "maiam/changeset.h"
#include "body_int.h"

#define VARINT_MAX 10u /* a 64-bit varint */
#define ORIGIN_LEN 8u

static size_t varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >>= 7)
		n++;
	return n;
}

/*
 * Every text is counted as if it were written in full (the dictionary can
 * only make it smaller), every delta and stamp at the widest varint, every
 * id, writer and reference as foreign (8 bytes more each).
 */
proto_result proto_record_measure(const proto_record *rec, proto_record_bound *size)
{
	uint64_t body, text = 0;
	size_t i;

	if (!rec || !size || (rec->nfields && !rec->fields))
		return PROTO_EINVAL;
	/* kind, flags, serial delta, stamp delta + counter, id origin, writer, nfields */
	body = 1 + 1 + VARINT_MAX + 2 * VARINT_MAX + 2 * ORIGIN_LEN + varint_len(rec->nfields);
	for (i = 0; i < rec->nfields; i++) {
		const proto_value *v = &rec->fields[i].value;

		body += 1; /* field id and type */
		if (rec->kind == PROTO_KIND_HOUSEHOLD)
			body += VARINT_MAX; /* base delta */
		switch (v->type) {
		case PROTO_V_INT:
			body += VARINT_MAX;
			break;
		case PROTO_V_TEXT:
			/* dictionary index 0, length, bytes (an index alone is shorter) */
			body += 1 + varint_len(v->len) + v->len;
			text += v->len;
			break;
		case PROTO_V_REF:
			body += VARINT_MAX + 1 + ORIGIN_LEN;
			break;
		default:
			break;
		}
	}
	size->body = body;
	size->text = text;
	return PROTO_OK;
}

/* The body's own part: the stamp unit, each stream's length, the column
 * directory (count, then kind, field and length of every column). */
uint64_t proto_body_fixed_max(void)
{
	return 1 + (uint64_t)NSTREAMS * VARINT_MAX + VARINT_MAX + (uint64_t)NCOLUMNS * (2 + VARINT_MAX);
}

uint64_t proto_body_text_max(void)
{
	return TEXT_BUDGET;
}
