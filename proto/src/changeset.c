/*
 * changeset.c - the in-memory change-set: building it record by record,
 * copying and freeing it, and the validity rules every record obeys. The
 * byte codec is body_encode.c and body_decode.c; sealing is seal.c; the
 * layout is proto/FORMAT.md.
 */
#include <stdlib.h>
#include <string.h>
#include "maiam/alloc.h"
#include "maiam/changeset.h"
#include "maiam/schema.h"
#include "changeset_int.h"
#include "fields_int.h"

int proto_cs_campaign_ok(const char *campaign, size_t len)
{
	if (!campaign || len == 0 || len > PROTO_CAMPAIGN_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = campaign[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static int all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

proto_result proto_changeset_init(proto_changeset *cs, const char *campaign, uint64_t origin,
				  uint64_t seq, const uint8_t prev[32], uint64_t created)
{
	static const uint8_t zeros[32];
	size_t clen;

	if (!cs)
		return PROTO_EINVAL;
	memset(cs, 0, sizeof(*cs));
	cs->hdr.version = PROTO_FORMAT_VERSION;
	if (!prev)
		prev = zeros;
	clen = campaign ? strnlen(campaign, PROTO_CAMPAIGN_MAX + 1) : 0;
	/* seq 1 starts the chain (prev all zeros); later ones must name a hash */
	if (!proto_cs_campaign_ok(campaign, clen) || seq == 0 || created == 0 ||
	    (seq == 1) != all_zero(prev, 32))
		return PROTO_EINVAL;
	memcpy(cs->hdr.campaign, campaign, clen);
	cs->hdr.campaign[clen] = '\0';
	cs->hdr.origin = origin;
	cs->hdr.seq = seq;
	memcpy(cs->hdr.prev, prev, 32);
	cs->hdr.created = created;
	return PROTO_OK;
}

void proto_cs_record_release(proto_record *rec)
{
	if (!rec)
		return;
	for (size_t i = 0; i < rec->nfields; i++)
		if (rec->fields[i].value.type == PROTO_V_TEXT)
			free((void *)rec->fields[i].value.text);
	free(rec->fields);
	rec->fields = NULL;
	rec->nfields = 0;
}

void proto_changeset_release(proto_changeset *cs)
{
	if (!cs)
		return;
	/* shared records belong to the change-set they were decoded in */
	for (size_t i = 0; !cs->shared && i < cs->nrecords; i++)
		proto_cs_record_release(&cs->records[i]);
	free(cs->records);
	cs->records = NULL;
	cs->nrecords = 0;
	cs->cap_records = 0;
	cs->shared = 0;
}

/*
 * One field of a record of 'kind' stamped 'stamp' against its descriptor d
 * (NULL: the kind has no such field). A TEXT of length 0 is the empty text
 * (FORMAT.md: a byte length of 0), whatever its pointer: NULL is allowed.
 */
static inline proto_result check_field(const proto_field_desc *d, uint8_t kind, uint64_t stamp,
				       const proto_field *f)
{
	if (!d || (unsigned)f->value.type > PROTO_V_REF || !(d->types & PROTO_T(f->value.type)))
		return PROTO_EBODY;
	/* a base names an earlier value, so it is strictly older than the change */
	if (kind == PROTO_KIND_HOUSEHOLD ? f->base >= stamp : f->base != 0)
		return PROTO_EVALUE;
	switch (f->value.type) {
	case PROTO_V_TEXT:
		if (f->value.len > PROTO_MAX_TEXT)
			return PROTO_ELIMIT;
		if (f->value.len > 0 && !f->value.text)
			return PROTO_EINVAL;
		if (!proto_utf8_valid(f->value.text, f->value.len))
			return PROTO_EUTF8;
		break;
	case PROTO_V_REF:
		if (f->value.ref.serial == 0)
			return PROTO_EVALUE;
		break;
	default:
		break;
	}
	return PROTO_OK;
}

proto_result proto_cs_check_field(uint8_t kind, uint64_t stamp, const proto_field *f)
{
	const proto_kind_fields *kf = proto_kind_fields_of(kind);

	if (!kf || f->field == 0 || f->field > PROTO_MAX_FIELDS)
		return PROTO_EBODY;
	return check_field(kf->by_id[f->field], kind, stamp, f);
}

/*
 * The builder, the encoder, the decoder and the merge all check records here.
 * It runs for every record merged, so the field descriptors and the required
 * fields come from the per-kind index (one lookup per record, a mask test).
 */
proto_result proto_cs_check_record(const proto_record *rec)
{
	const proto_kind_fields *kf = proto_kind_fields_of(rec->kind);
	uint64_t seen = 0;
	proto_result r;

	if (!kf)
		return PROTO_EBODY;
	if (rec->id.serial == 0 || rec->stamp == 0)
		return PROTO_EVALUE;
	if (rec->nfields == 0 || rec->nfields > PROTO_MAX_FIELDS || !rec->fields)
		return PROTO_EBODY;
	for (size_t i = 0; i < rec->nfields; i++) {
		const proto_field *f = &rec->fields[i];

		if (f->field == 0 || f->field > PROTO_MAX_FIELDS ||
		    (i > 0 && f->field <= rec->fields[i - 1].field))
			return PROTO_EBODY;
		r = check_field(kf->by_id[f->field], rec->kind, rec->stamp, f);
		if (r != PROTO_OK)
			return r;
		seen |= PROTO_FIELD_BIT(f->field);
	}
	/* events are immutable: they must be complete when first written */
	if ((seen & kf->required) != kf->required)
		return PROTO_EBODY;
	return PROTO_OK;
}

proto_result proto_cs_push_record(proto_changeset *cs, proto_record **out)
{
	if (cs->nrecords >= PROTO_MAX_RECORDS)
		return PROTO_ELIMIT;
	if (cs->nrecords == cs->cap_records) {
		size_t ncap = cs->cap_records ? cs->cap_records * 2 : 16;
		proto_record *p;
		if (ncap > PROTO_MAX_RECORDS)
			ncap = PROTO_MAX_RECORDS;
		p = proto_realloc(cs->records, ncap * sizeof(*p));
		if (!p)
			return PROTO_ENOMEM;
		cs->records = p;
		cs->cap_records = ncap;
	}
	*out = &cs->records[cs->nrecords++];
	memset(*out, 0, sizeof(**out));
	return PROTO_OK;
}

proto_result proto_changeset_begin(proto_changeset *cs, proto_kind kind, proto_id id, uint64_t stamp,
				   uint64_t writer)
{
	proto_record *rec;
	proto_result r;

	if (!cs)
		return PROTO_EINVAL;
	if ((int)kind < 1 || (int)kind > PROTO_KIND_MAX)
		return PROTO_EBODY;
	if (id.serial == 0 || stamp == 0)
		return PROTO_EVALUE;
	if (cs->shared) /* its records are someone else's: no fields added to them */
		return PROTO_EINVAL;
	r = proto_cs_push_record(cs, &rec);
	if (r != PROTO_OK)
		return r;
	rec->kind = (uint8_t)kind;
	rec->id = id;
	rec->stamp = stamp;
	rec->writer = writer;
	return PROTO_OK;
}

/* Field arrays grow by doubling; the capacity is implied by nfields. */
static size_t fields_cap(size_t n)
{
	size_t cap = 4;
	while (cap < n)
		cap *= 2;
	return cap;
}

/* Check f against the open record and append it; f's text is copied. */
static proto_result add_field(proto_changeset *cs, const proto_field *f)
{
	proto_record *rec;
	proto_field *slot;
	proto_result r;
	char *copy = NULL;

	if (!cs || cs->nrecords == 0 || cs->shared) /* a shared record is not ours to grow */
		return PROTO_EINVAL;
	rec = &cs->records[cs->nrecords - 1];
	if (rec->nfields > 0 && f->field <= rec->fields[rec->nfields - 1].field)
		return PROTO_EBODY;
	r = proto_cs_check_field(rec->kind, rec->stamp, f);
	if (r != PROTO_OK)
		return r;
	if (f->value.type == PROTO_V_TEXT) {
		copy = proto_malloc(f->value.len + 1);
		if (!copy)
			return PROTO_ENOMEM;
		if (f->value.len)
			memcpy(copy, f->value.text, f->value.len);
		copy[f->value.len] = '\0';
	}
	if (rec->nfields == 0 || rec->nfields == fields_cap(rec->nfields)) {
		size_t ncap = rec->nfields == 0 ? 4 : rec->nfields * 2;
		proto_field *p = proto_realloc(rec->fields, ncap * sizeof(*p));
		if (!p) {
			free(copy);
			return PROTO_ENOMEM;
		}
		rec->fields = p;
	}
	slot = &rec->fields[rec->nfields++];
	*slot = *f;
	if (copy)
		slot->value.text = copy;
	else
		slot->value.text = NULL;
	if (slot->value.type != PROTO_V_TEXT)
		slot->value.len = 0;
	return PROTO_OK;
}

proto_result proto_changeset_add_null(proto_changeset *cs, uint8_t field, uint64_t base)
{
	proto_field f = { .field = field, .base = base, .value = { .type = PROTO_V_NULL } };
	return add_field(cs, &f);
}

proto_result proto_changeset_add_int(proto_changeset *cs, uint8_t field, uint64_t base, int64_t v)
{
	proto_field f = { .field = field, .base = base, .value = { .type = PROTO_V_INT, .i = v } };
	return add_field(cs, &f);
}

proto_result proto_changeset_add_text(proto_changeset *cs, uint8_t field, uint64_t base, const char *s,
				      size_t len)
{
	proto_field f = { .field = field,
			  .base = base,
			  .value = { .type = PROTO_V_TEXT, .text = s, .len = len } };
	return add_field(cs, &f);
}

proto_result proto_changeset_add_ref(proto_changeset *cs, uint8_t field, uint64_t base, proto_id ref)
{
	proto_field f = { .field = field, .base = base, .value = { .type = PROTO_V_REF, .ref = ref } };
	return add_field(cs, &f);
}

/* All or nothing: a record that fails half way is taken off again. */
proto_result proto_changeset_copy_record(proto_changeset *cs, const proto_record *rec)
{
	proto_result r;

	if (!cs || !rec)
		return PROTO_EINVAL;
	r = proto_cs_check_record(rec);
	if (r != PROTO_OK)
		return r;
	r = proto_changeset_begin(cs, (proto_kind)rec->kind, rec->id, rec->stamp, rec->writer);
	if (r != PROTO_OK)
		return r;
	for (size_t i = 0; i < rec->nfields; i++) {
		r = add_field(cs, &rec->fields[i]);
		if (r != PROTO_OK)
			goto fail;
	}
	return PROTO_OK;
fail:
	proto_cs_record_release(&cs->records[--cs->nrecords]);
	return r;
}

/*
 * The hub's pull answers relay records it decoded from its own ledger, each
 * to about eight laptops a night: copying them (a malloc per text, the field
 * array, and the checks again) was most of the reader's libc time, and
 * checking them again when sealing 5 % of it (docs/BENCHMARKS.md). The
 * decoder ran proto_cs_check_record on each (body_decode.c), the very check
 * seal would run, and a shared record is const to everyone here: sealing a
 * change-set of shared records skips it (proto_body_encode). Records from
 * outside the process never take this path: they are decoded, and checked,
 * first.
 */
proto_result proto_changeset_add_shared(proto_changeset *cs, const proto_record *rec)
{
	proto_record *slot;
	proto_result r;

	if (!cs || !rec || (cs->nrecords > 0 && !cs->shared))
		return PROTO_EINVAL;
	r = proto_cs_push_record(cs, &slot);
	if (r != PROTO_OK)
		return r;
	*slot = *rec;
	cs->shared = 1;
	return PROTO_OK;
}
