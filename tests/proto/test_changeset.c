/*
 * test_changeset.c - the change-set builder and body codec: every kind and
 * value type survives encode/decode unchanged, the builder refuses what the
 * decoder would refuse, and hostile bodies each get their own error code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "maiam/alloc.h"
#include "maiam/changeset.h"
#include "maiam/schema.h"
#include "testmain.h"

#define ORIGIN 0x1122334455667788ull
#define FOREIGN 0x0102030405060708ull
#define CREATED ((uint64_t)1688000000000ull << 16)
#define VN_NAME "Nguy\xe1\xbb\x85n V\xc4\x83n \xc3\x82n" /* Nguyễn Văn Ân */

static void init_cs(proto_changeset *cs)
{
	assert_int_equal(proto_changeset_init(cs, "soc-trang-2023", ORIGIN, 1, NULL, CREATED), PROTO_OK);
}

/* One record of every kind, every value type, both id and ref origins. */
static void build_all(proto_changeset *cs)
{
	proto_id own = { ORIGIN, 1 }, far = { FOREIGN, 77 };
	uint64_t s = CREATED + 5;

	init_cs(cs);
	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, own, s, ORIGIN), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_HH_NAME, 0, VN_NAME, strlen(VN_NAME)),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_null(cs, PROTO_HH_NATIONAL_ID, s - 3), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_HH_COMMUNE, 1, INT64_MIN), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_HH_MEMBERS, 0, INT64_MAX), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_HH_NOTE, 0, "", 0), PROTO_OK);
	/* relayed edit of a foreign household, stamp older than the previous record */
	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, far, CREATED - 1000, FOREIGN),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_HH_MEMBERS, CREATED - 2000, -1), PROTO_OK);
	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_MILESTONE, (proto_id){ ORIGIN, 2 }, s + 1,
					       ORIGIN),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_ref(cs, PROTO_MS_HOUSEHOLD, 0, own), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_MS_STAGE, 0, "roof", 4), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_MS_DATE, 0, "2023-08-01", 10), PROTO_OK);
	assert_int_equal(proto_changeset_add_null(cs, PROTO_MS_NOTE, 0), PROTO_OK);
	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_CONTRIBUTION, (proto_id){ ORIGIN, 3 },
					       s + 2, FOREIGN),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_ref(cs, PROTO_CT_HOUSEHOLD, 0, far), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_CT_UNIT, 0, 31234), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_CT_SOURCE, 0, "mps", 3), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_CT_MONEY, 0, 60000000), PROTO_OK);
	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_CONTRIBUTION, (proto_id){ FOREIGN, 4 },
					       s + 3, ORIGIN),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_null(cs, PROTO_CT_HOUSEHOLD, 0), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_CT_UNIT, 0, 941), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_CT_SOURCE, 0, "donor", 5), PROTO_OK);
	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_VOID, (proto_id){ ORIGIN, 5 }, UINT64_MAX,
					       ORIGIN),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_ref(cs, PROTO_VO_TARGET, 0, (proto_id){ ORIGIN, 3 }),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_VO_TARGET_KIND, 0, PROTO_KIND_CONTRIBUTION),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_VO_REASON, 0, "nh\xe1\xba\xa7m", 6), PROTO_OK);
}

static void assert_cs_equal(const proto_changeset *a, const proto_changeset *b)
{
	assert_int_equal(a->nrecords, b->nrecords);
	for (size_t i = 0; i < a->nrecords; i++) {
		const proto_record *x = &a->records[i], *y = &b->records[i];
		assert_int_equal(x->kind, y->kind);
		assert_true(proto_id_eq(x->id, y->id));
		assert_true(x->stamp == y->stamp);
		assert_true(x->writer == y->writer);
		assert_int_equal(x->nfields, y->nfields);
		for (size_t j = 0; j < x->nfields; j++) {
			const proto_field *f = &x->fields[j], *g = &y->fields[j];
			assert_int_equal(f->field, g->field);
			assert_true(f->base == g->base);
			assert_int_equal(f->value.type, g->value.type);
			switch (f->value.type) {
			case PROTO_V_INT:
				assert_true(f->value.i == g->value.i);
				break;
			case PROTO_V_TEXT:
				assert_int_equal(f->value.len, g->value.len);
				assert_memory_equal(f->value.text, g->value.text, f->value.len + 1);
				break;
			case PROTO_V_REF:
				assert_true(proto_id_eq(f->value.ref, g->value.ref));
				break;
			default:
				break;
			}
		}
	}
}

/* Decode 'body' as if the header declared nrecords/nchanges. */
static proto_result decode(const uint8_t *body, size_t len, uint32_t nrecords, uint32_t nchanges,
			   proto_changeset *out)
{
	init_cs(out);
	out->hdr.nrecords = nrecords;
	out->hdr.nchanges = nchanges;
	return proto_body_decode(out, body, len);
}

static void roundtrip_every_kind_and_type(void **state)
{
	proto_changeset cs, back, again;
	proto_buf b1, b2;

	proto_buf_init(&b1, 1 << 20);
	proto_buf_init(&b2, 1 << 20);
	build_all(&cs);
	assert_int_equal(proto_body_encode(&cs, &b1), PROTO_OK);
	assert_int_equal(cs.hdr.nrecords, 6);
	assert_int_equal(cs.hdr.nchanges, 20);
	assert_int_equal(decode(b1.data, b1.len, cs.hdr.nrecords, cs.hdr.nchanges, &back), PROTO_OK);
	assert_cs_equal(&cs, &back);
	/* decoded text is NUL-terminated for callers that want a C string */
	assert_string_equal(back.records[0].fields[0].value.text, VN_NAME);
	/* the encoding is canonical: re-encoding the decoded records gives the same bytes */
	assert_int_equal(proto_body_encode(&back, &b2), PROTO_OK);
	assert_int_equal(b1.len, b2.len);
	assert_memory_equal(b1.data, b2.data, b1.len);
	/* copy_record makes an equal, independent copy */
	init_cs(&again);
	for (size_t i = 0; i < back.nrecords; i++)
		assert_int_equal(proto_changeset_copy_record(&again, &back.records[i]), PROTO_OK);
	proto_changeset_release(&back);
	assert_cs_equal(&cs, &again);
	proto_changeset_release(&again);
	proto_changeset_release(&cs);
	proto_changeset_release(&cs); /* twice is harmless */
	proto_buf_release(&b1);
	proto_buf_release(&b2);
}

/*
 * One record is dearer than in a row layout (each stream carries its own
 * length), but a run of alike records costs a few bytes each before deflate.
 */
static void encoding_is_compact(void **state)
{
	proto_changeset cs;
	proto_buf b;

	proto_buf_init(&b, 1 << 16);
	init_cs(&cs);
	assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, (proto_id){ ORIGIN, 9 },
					       CREATED + 1, ORIGIN),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_int(&cs, PROTO_HH_MEMBERS, 0, 4), PROTO_OK);
	assert_int_equal(proto_body_encode(&cs, &b), PROTO_OK);
	static const uint8_t want[] = {
		1, 1,          /* KIND: household */
		1, 0,          /* FLAGS: id origin and writer implicit */
		1, 18,         /* SERIAL: +9 (zigzag 18) */
		3, 1,    0, 1, /* STAMP: unit seconds, +0 s, logical 1 */
		0,             /* ORIGIN: empty */
		1, 1,          /* NFIELDS: 1 */
		1, 0x47,       /* FIELD: 7 (members) | INT << 6 */
		1, 0,          /* BASE: none */
		1,             /* one column */
		1, 7,    1, 8, /* household.members: INT 4 (zigzag 8) */
	};
	assert_int_equal(b.len, sizeof want);
	assert_memory_equal(b.data, want, sizeof want);
	proto_changeset_release(&cs);

	/* 100 households a second apart: 9 bytes each before deflate, plus framing */
	proto_buf_reset(&b);
	init_cs(&cs);
	for (unsigned i = 1; i <= 100; i++) {
		assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, (proto_id){ ORIGIN, i },
						       CREATED + ((uint64_t)i * 1000 << 16), ORIGIN),
				 PROTO_OK);
		assert_int_equal(proto_changeset_add_text(&cs, PROTO_HH_CATEGORY, 0,
							  i % 2 ? "poor" : "near_poor", i % 2 ? 4 : 9),
				 PROTO_OK);
	}
	assert_int_equal(proto_body_encode(&cs, &b), PROTO_OK);
	assert_true(b.len <= 100 * 9 + 64);
	proto_changeset_release(&cs);
	proto_buf_release(&b);
}

static void builder_refuses_bad_records(void **state)
{
	proto_changeset cs;
	proto_buf b;
	char big[PROTO_MAX_TEXT + 1];
	uint8_t prev[32] = { 1 };
	proto_id id = { ORIGIN, 1 };

	memset(big, 'a', sizeof big);
	assert_int_equal(proto_changeset_init(&cs, "Soc Trang", ORIGIN, 1, NULL, CREATED), PROTO_EINVAL);
	assert_int_equal(proto_changeset_init(&cs, "", ORIGIN, 1, NULL, CREATED), PROTO_EINVAL);
	assert_int_equal(proto_changeset_init(&cs, "x", ORIGIN, 0, NULL, CREATED), PROTO_EINVAL);
	assert_int_equal(proto_changeset_init(&cs, "x", ORIGIN, 1, NULL, 0), PROTO_EINVAL);
	assert_int_equal(proto_changeset_init(&cs, "x", ORIGIN, 1, prev, CREATED), PROTO_EINVAL);
	assert_int_equal(proto_changeset_init(&cs, "x", ORIGIN, 2, NULL, CREATED), PROTO_EINVAL);
	assert_int_equal(proto_changeset_init(&cs, "x", ORIGIN, 2, prev, CREATED), PROTO_OK);

	proto_buf_init(&b, 1 << 16);
	init_cs(&cs);
	assert_int_equal(proto_changeset_add_int(&cs, PROTO_HH_MEMBERS, 0, 1), PROTO_EINVAL);
	assert_int_equal(proto_changeset_begin(&cs, (proto_kind)0, id, CREATED, ORIGIN), PROTO_EBODY);
	assert_int_equal(proto_changeset_begin(&cs, (proto_kind)(PROTO_KIND_MAX + 1), id, CREATED, ORIGIN),
			 PROTO_EBODY);
	assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, (proto_id){ ORIGIN, 0 },
					       CREATED, ORIGIN),
			 PROTO_EVALUE);
	assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, id, 0, ORIGIN), PROTO_EVALUE);
	assert_int_equal(cs.nrecords, 0);

	assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, id, CREATED, ORIGIN), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(&cs, 0, 0, 1), PROTO_EBODY);
	assert_int_equal(proto_changeset_add_int(&cs, 16, 0, 1), PROTO_EBODY);
	assert_int_equal(proto_changeset_add_int(&cs, 64, 0, 1), PROTO_EBODY);
	assert_int_equal(proto_changeset_add_ref(&cs, PROTO_HH_NAME, 0, id), PROTO_EBODY);
	assert_int_equal(proto_changeset_add_int(&cs, PROTO_HH_NAME, 0, 1), PROTO_EBODY);
	assert_int_equal(proto_changeset_add_text(&cs, PROTO_HH_NAME, CREATED, "a", 1), PROTO_EVALUE);
	assert_int_equal(proto_changeset_add_text(&cs, PROTO_HH_NAME, 0, "a\0b", 3), PROTO_EUTF8);
	assert_int_equal(proto_changeset_add_text(&cs, PROTO_HH_NAME, 0, "\xc0\xaf", 2), PROTO_EUTF8);
	assert_int_equal(proto_changeset_add_text(&cs, PROTO_HH_NAME, 0, big, sizeof big), PROTO_ELIMIT);
	assert_int_equal(proto_changeset_add_text(&cs, PROTO_HH_NAME, 0, big, PROTO_MAX_TEXT), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(&cs, PROTO_HH_NAME, 0, 1), PROTO_EBODY); /* repeat */
	assert_int_equal(proto_changeset_add_null(&cs, PROTO_HH_REF, 0), PROTO_EBODY);    /* order */
	assert_int_equal(cs.records[0].nfields, 1);

	/* events: base must be 0, required fields must all be there */
	assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_MILESTONE, (proto_id){ ORIGIN, 2 },
					       CREATED, ORIGIN),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_ref(&cs, PROTO_MS_HOUSEHOLD, 0, (proto_id){ ORIGIN, 0 }),
			 PROTO_EVALUE);
	assert_int_equal(proto_changeset_add_ref(&cs, PROTO_MS_HOUSEHOLD, 5, id), PROTO_EVALUE);
	assert_int_equal(proto_changeset_add_ref(&cs, PROTO_MS_HOUSEHOLD, 0, id), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(&cs, PROTO_MS_STAGE, 0, "roof", 4), PROTO_OK);
	assert_int_equal(proto_body_encode(&cs, &b), PROTO_EBODY); /* no date */
	assert_int_equal(b.len, 0);                                /* nothing half-written */
	assert_int_equal(proto_changeset_copy_record(&cs, &cs.records[1]), PROTO_EBODY);
	assert_int_equal(cs.nrecords, 2);
	proto_changeset_release(&cs);
	proto_buf_release(&b);
}

/*
 * A test-side body builder, written from FORMAT.md and not from the codec: the
 * eight record streams (each a varint length then its bytes), the column
 * count, each column (kind, field, varint length, bytes), then any extra
 * bytes. A case with 'raw' set uses those bytes as the whole body instead.
 */
/* cases name only what they need; the rest is zero (no tail, not raw) */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

typedef struct bytes {
	const char *p;
	size_t n;
} bytes;
#define B(lit) \
	{ \
		lit, sizeof(lit) - 1 \
	}

struct hcol {
	uint8_t kind, field;
	bytes v;
};

struct hostile {
	const char *what;
	bytes s[8]; /* KIND FLAGS SERIAL STAMP ORIGIN NFIELDS FIELD BASE */
	size_t ncols;
	struct hcol col[3];
	uint32_t nrecords, nchanges;
	proto_result want;
	bytes tail, raw;
};

static void build_body(const struct hostile *h, proto_buf *b)
{
	proto_buf_init(b, 1 << 16);
	if (h->raw.p) {
		assert_int_equal(proto_buf_append(b, h->raw.p, h->raw.n), PROTO_OK);
		return;
	}
	for (int i = 0; i < 8; i++) {
		assert_int_equal(proto_buf_put_varint(b, h->s[i].n), PROTO_OK);
		if (h->s[i].n)
			assert_int_equal(proto_buf_append(b, h->s[i].p, h->s[i].n), PROTO_OK);
	}
	assert_int_equal(proto_buf_put_varint(b, h->ncols), PROTO_OK);
	for (size_t i = 0; i < h->ncols; i++) {
		const struct hcol *c = &h->col[i];
		assert_int_equal(proto_buf_append_byte(b, c->kind), PROTO_OK);
		assert_int_equal(proto_buf_append_byte(b, c->field), PROTO_OK);
		assert_int_equal(proto_buf_put_varint(b, c->v.n), PROTO_OK);
		if (c->v.n)
			assert_int_equal(proto_buf_append(b, c->v.p, c->v.n), PROTO_OK);
	}
	if (h->tail.n)
		assert_int_equal(proto_buf_append(b, h->tail.p, h->tail.n), PROTO_OK);
}

/* ORIGIN (the header origin) and FOREIGN as the ORIGIN stream holds them */
#define O_HDR "\x11\x22\x33\x44\x55\x66\x77\x88"
#define O_FAR "\x01\x02\x03\x04\x05\x06\x07\x08"

/*
 * Streams of one household, serial 1, stamp = created (unit seconds, +0,
 * logical 0), one field: name (TEXT), no base. Cases override what they test.
 */
#define HH(kind, flags, serial, stamp, origin, nfields, field, base) \
	{ \
		B(kind), B(flags), B(serial), B(stamp), B(origin), B(nfields), B(field), B(base) \
	}
#define HH1 HH("\x01", "\x00", "\x02", "\x01\x00\x00", "", "\x01", "\x82", "\x00")
#define NAME(v) \
	{ \
		1, 2, B(v) \
	}
#define NAME_A \
	NAME("\x00\x01" \
	     "A")
/* a void record, serial 3: target (REF) in column (4,1), target_kind 3 in (4,2) */
#define VOID1(origin) HH("\x04", "\x00", "\x06", "\x01\x00\x00", origin, "\x02", "\xc1\x42", "")
#define VOID_COLS(ref) 2, { { 4, 1, B(ref) }, { 4, 2, B("\x06") } }, 1, 2

static const struct hostile hostile[] = {
	{ "valid", HH1, 1, { NAME_A }, 1, 1, PROTO_OK },
	/* framing */
	{ "empty body", .raw = B(""), .nrecords = 0, .nchanges = 0, .want = PROTO_ETRUNCATED },
	{ "stream length cut short", .raw = B("\x80"), .nrecords = 1, .nchanges = 1,
	  .want = PROTO_ETRUNCATED },
	{ "stream length past the end", .raw = B("\x05\x01\x01"), .nrecords = 1, .nchanges = 1,
	  .want = PROTO_ETRUNCATED },
	{ "overlong stream length", .raw = B("\x81\x00\x01"), .nrecords = 1, .nchanges = 1,
	  .want = PROTO_EBODY },
	{ "column directory missing", .raw = B("\x00\x00\x00\x01\x01\x00\x00\x00\x00"), .nrecords = 0,
	  .nchanges = 0, .want = PROTO_ETRUNCATED },
	{ "column length past the end", .raw = B("\x00\x00\x00\x01\x01\x00\x00\x00\x00\x01\x01\x02\x09"),
	  .nrecords = 0, .nchanges = 0, .want = PROTO_ETRUNCATED },
	{ "trailing byte after the columns", HH1, 1, { NAME_A }, 1, 1, PROTO_ETRAILING, .tail = B("\x00") },
	{ "unknown column (1,16)", HH1, 2, { NAME_A, { 1, 16, B("\x02") } }, 1, 1, PROTO_EBODY },
	{ "column of unknown kind 5", HH1, 2, { NAME_A, { 5, 1, B("\x02") } }, 1, 1, PROTO_EBODY },
	{ "column (2,6): no such milestone field", HH1, 2, { NAME_A, { 2, 6, B("\x02") } }, 1, 1, PROTO_EBODY },
	{ "duplicate column", HH1, 2, { NAME_A, NAME_A }, 1, 1, PROTO_EBODY },
	{ "columns out of order",
	  HH1,
	  2,
	  { NAME_A,
	    { 1, 1,
	      B("\x00\x01"
		"B") } },
	  1,
	  1,
	  PROTO_EBODY },
	{ "empty column", HH1, 1, { NAME("") }, 1, 1, PROTO_EBODY },
	{ "column nobody reads", HH1, 2, { NAME_A, { 1, 7, B("\x08") } }, 1, 1, PROTO_EBODY },
	{ "value column missing", HH1, 0, { { 0 } }, 1, 1, PROTO_EBODY },
	{ "more columns declared than there are", .raw = B("\x00\x00\x00\x01\x01\x00\x00\x00\x00\x01"),
	  .nrecords = 0, .nchanges = 0, .want = PROTO_ETRUNCATED },
	/* counts */
	{ "fewer KIND bytes than declared records", HH1, 1, { NAME_A }, 2, 2, PROTO_ECOUNT },
	{ "more KIND bytes than declared records",
	  HH("\x01\x01", "\x00", "\x02", "\x01\x00\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_ECOUNT },
	{ "FIELD bytes differ from nchanges", HH1, 1, { NAME_A }, 1, 2, PROTO_ECOUNT },
	{ "NFIELDS says 2, FIELD holds 1",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x00", "", "\x02", "\x82", "\x00\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_ECOUNT },
	{ "no fields",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x00", "", "\x00", "", ""),
	  0,
	  { { 0 } },
	  1,
	  0,
	  PROTO_EBODY },
	{ "64 fields",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x00", "", "\x40", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	/* leftovers and shortfalls in each stream */
	{ "leftover FLAGS",
	  HH("\x01", "\x00\x00", "\x02", "\x01\x00\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "leftover SERIAL",
	  HH("\x01", "\x00", "\x02\x02", "\x01\x00\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "leftover STAMP",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x00\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "leftover ORIGIN",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x00", O_FAR, "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "leftover NFIELDS",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x00", "", "\x01\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "leftover BASE",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x00", "", "\x01", "\x82", "\x00\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "leftover in a column",
	  HH1,
	  1,
	  { NAME("\x00\x01"
		 "A"
		 "\x01") },
	  1,
	  1,
	  PROTO_EBODY },
	{ "FLAGS short",
	  HH("\x01", "", "\x02", "\x01\x00\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "SERIAL short",
	  HH("\x01", "\x00", "", "\x01\x00\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "STAMP holds only the unit",
	  HH("\x01", "\x00", "\x02", "\x01", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "NFIELDS short",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x00", "", "", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "BASE short",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x00", "", "\x01", "\x82", ""),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "column runs out inside a text",
	  HH1,
	  1,
	  { NAME("\x00\x05"
		 "A") },
	  1,
	  1,
	  PROTO_EBODY },
	{ "overlong varint in SERIAL",
	  HH("\x01", "\x00", "\x82\x00", "\x01\x00\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	/* records */
	{ "unknown kind 5",
	  HH("\x05", "\x00", "\x02", "\x01\x00\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "kind 0",
	  HH("\x00", "\x00", "\x02", "\x01\x00\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "unknown record flag",
	  HH("\x01", "\x04", "\x02", "\x01\x00\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "explicit id origin = header origin",
	  HH("\x01", "\x01", "\x02", "\x01\x00\x00", O_HDR, "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "explicit writer = header origin",
	  HH("\x01", "\x02", "\x02", "\x01\x00\x00", O_HDR, "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "foreign id origin and writer",
	  HH("\x01", "\x03", "\x02", "\x01\x00\x00", O_FAR O_FAR, "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_OK },
	{ "ORIGIN short",
	  HH("\x01", "\x01", "\x02", "\x01\x00\x00", "\x01\x02\x03", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "serial 0",
	  HH("\x01", "\x00", "\x00", "\x01\x00\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EVALUE },
	/* stamps (created = 1688000000000 ms, a whole second) */
	{ "stamp unit byte 2",
	  HH("\x01", "\x00", "\x02", "\x02\x00\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "no unit byte, no records", HH("", "", "", "", "", "", "", ""), 0, { { 0 } }, 0, 0, PROTO_EBODY },
	{ "no records", HH("", "", "", "\x01", "", "", "", ""), 0, { { 0 } }, 0, 0, PROTO_OK },
	{ "unit ms, +1 ms",
	  HH("\x01", "\x00", "\x02", "\x00\x02\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_OK },
	{ "unit ms though every stamp is on a second",
	  HH("\x01", "\x00", "\x02", "\x00\x00\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	{ "physical part 2^48 - 1 ms",
	  HH("\x01", "\x00", "\x02", "\x00\xfe\xbf\xe0\xb5\xdf\x9d\x7f\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_OK },
	{ "physical part 2^48 ms",
	  HH("\x01", "\x00", "\x02", "\x00\x80\xc0\xe0\xb5\xdf\x9d\x7f\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EVALUE },
	{ "physical part past 48 bits in seconds",
	  HH("\x01", "\x00", "\x02", "\x01\x8e\xd7\xd3\xc9\xa4\x10\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EVALUE },
	{ "logical 0xffff",
	  HH("\x01", "\x00", "\x02", "\x01\x00\xff\xff\x03", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_OK },
	{ "logical 0x10000",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x80\x80\x04", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EVALUE },
	{ "stamp 0",
	  HH("\x01", "\x00", "\x02", "\x01\xff\xd7\xe6\xc9\x0c\x00", "", "\x01", "\x82", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EVALUE },
	/* fields */
	{ "field id 0",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x00", "", "\x01", "\x80", "\x00"),
	  0,
	  { { 0 } },
	  1,
	  1,
	  PROTO_EBODY },
	{ "unknown field 16",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x00", "", "\x01", "\x90", "\x00"),
	  0,
	  { { 0 } },
	  1,
	  1,
	  PROTO_EBODY },
	{ "REF not allowed for name",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x00", "", "\x01", "\xc2", "\x00"),
	  1,
	  { NAME("\x02\x00") },
	  1,
	  1,
	  PROTO_EBODY },
	{ "fields out of order",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x00", "", "\x02", "\x82\x01", "\x00\x00"),
	  1,
	  { NAME_A },
	  1,
	  2,
	  PROTO_EBODY },
	{ "field repeated",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x00", "", "\x02", "\x82\x02", "\x00\x00"),
	  1,
	  { NAME_A },
	  1,
	  2,
	  PROTO_EBODY },
	{ "base >= stamp",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x00", "", "\x01", "\x82",
	     "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EVALUE },
	{ "NULL name needs no column",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x00", "", "\x01", "\x02", "\x00"),
	  0,
	  { { 0 } },
	  1,
	  1,
	  PROTO_OK },
	{ "NULL name with a column",
	  HH("\x01", "\x00", "\x02", "\x01\x00\x00", "", "\x01", "\x02", "\x00"),
	  1,
	  { NAME_A },
	  1,
	  1,
	  PROTO_EBODY },
	/* text columns */
	{ "dictionary: new, then the 1st",
	  HH("\x01\x01", "\x00\x00", "\x02\x02", "\x01\x00\x00\x00\x00", "", "\x01\x01", "\x82\x82",
	     "\x00\x00"),
	  1,
	  { NAME("\x00\x01"
		 "A"
		 "\x01") },
	  2,
	  2,
	  PROTO_OK },
	{ "dictionary: index 2, one remembered",
	  HH("\x01\x01", "\x00\x00", "\x02\x02", "\x01\x00\x00\x00\x00", "", "\x01\x01", "\x82\x82",
	     "\x00\x00"),
	  1,
	  { NAME("\x00\x01"
		 "A"
		 "\x02") },
	  2,
	  2,
	  PROTO_EBODY },
	{ "dictionary: index 1, none remembered", HH1, 1, { NAME("\x01") }, 1, 1, PROTO_EBODY },
	{ "dictionary: a remembered value written again",
	  HH("\x01\x01", "\x00\x00", "\x02\x02", "\x01\x00\x00\x00\x00", "", "\x01\x01", "\x82\x82",
	     "\x00\x00"),
	  1,
	  { NAME("\x00\x01"
		 "A"
		 "\x00\x01"
		 "A") },
	  2,
	  2,
	  PROTO_EBODY },
	{ "bad UTF-8", HH1, 1, { NAME("\x00\x02\xc3\x28") }, 1, 1, PROTO_EUTF8 },
	{ "surrogate", HH1, 1, { NAME("\x00\x03\xed\xa0\x80") }, 1, 1, PROTO_EUTF8 },
	{ "NUL in text",
	  HH1,
	  1,
	  { NAME("\x00\x03"
		 "a\0b") },
	  1,
	  1,
	  PROTO_EUTF8 },
	{ "text too long", HH1, 1, { NAME("\x00\x81\x20") }, 1, 1, PROTO_ELIMIT },
	/* events and references */
	{ "void: valid", VOID1(""), VOID_COLS("\x01\x00"), PROTO_OK },
	{ "void: REF to a foreign origin", VOID1(O_FAR), VOID_COLS("\x01\x01"), PROTO_OK },
	{ "REF delta to serial 0", VOID1(""), VOID_COLS("\x05\x00"), PROTO_EVALUE },
	{ "REF tag 2", VOID1(""), VOID_COLS("\x01\x02"), PROTO_EBODY },
	{ "REF tag 1 naming the header origin", VOID1(O_HDR), VOID_COLS("\x01\x01"), PROTO_EBODY },
	{ "REF tag 1, ORIGIN empty", VOID1(""), VOID_COLS("\x01\x01"), PROTO_EBODY },
	{ "milestone without date",
	  HH("\x02", "\x00", "\x02", "\x01\x00\x00", "", "\x02", "\xc1\x82", ""),
	  2,
	  { { 2, 1, B("\x00\x00") },
	    { 2, 2,
	      B("\x00\x04"
		"roof") } },
	  1,
	  2,
	  PROTO_EBODY },
	{ "milestone with date",
	  HH("\x02", "\x00", "\x02", "\x01\x00\x00", "", "\x03", "\xc1\x82\x83", ""),
	  3,
	  { { 2, 1, B("\x00\x00") },
	    { 2, 2,
	      B("\x00\x04"
		"roof") },
	    { 2, 3,
	      B("\x00\x0a"
		"2023-08-01") } },
	  1,
	  3,
	  PROTO_OK },
	{ "contribution without source",
	  HH("\x03", "\x00", "\x02", "\x01\x00\x00", "", "\x01", "\x42", ""),
	  1,
	  { { 3, 2, B("\x02") } },
	  1,
	  1,
	  PROTO_EBODY },
};

static void hostile_bodies(void **state)
{
	for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		const struct hostile *h = &hostile[i];
		proto_changeset cs;
		proto_buf b;
		proto_result r;

		build_body(h, &b);
		r = decode(b.data, b.len, h->nrecords, h->nchanges, &cs);
		if (r != h->want)
			fail_msg("'%s': got %s, want %s", h->what, proto_strerror(r),
				 proto_strerror(h->want));
		if (r != PROTO_OK)
			assert_int_equal(cs.nrecords, 0); /* nothing half-decoded is kept */
		proto_changeset_release(&cs);
		proto_buf_release(&b);
	}
}

/* A dictionary reference decodes to its own copy of the remembered text. */
static void dictionary_references(void **state)
{
	const struct hostile *h = &hostile[0];
	proto_changeset cs, back;
	proto_buf b;

	while (strcmp(h->what, "dictionary: new, then the 1st") != 0)
		h++;
	build_body(h, &b);
	assert_int_equal(decode(b.data, b.len, 2, 2, &cs), PROTO_OK);
	assert_string_equal(cs.records[0].fields[0].value.text, "A");
	assert_string_equal(cs.records[1].fields[0].value.text, "A");
	assert_ptr_not_equal(cs.records[0].fields[0].value.text, cs.records[1].fields[0].value.text);
	assert_int_equal(cs.records[1].id.serial, 2);
	proto_changeset_release(&cs);
	proto_buf_release(&b);

	/* the encoder writes exactly that for two households named "A" */
	init_cs(&cs);
	for (uint64_t i = 1; i <= 2; i++) {
		assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD,
						       (proto_id){ ORIGIN, i }, CREATED, ORIGIN),
				 PROTO_OK);
		assert_int_equal(proto_changeset_add_text(&cs, PROTO_HH_NAME, 0, "A", 1), PROTO_OK);
	}
	proto_buf_init(&b, 1 << 16);
	assert_int_equal(proto_body_encode(&cs, &b), PROTO_OK);
	{
		proto_buf want;
		build_body(h, &want);
		assert_int_equal(b.len, want.len);
		assert_memory_equal(b.data, want.data, b.len);
		proto_buf_release(&want);
	}
	assert_int_equal(decode(b.data, b.len, 2, 2, &back), PROTO_OK);
	assert_cs_equal(&cs, &back);
	proto_changeset_release(&back);
	proto_changeset_release(&cs);
	proto_buf_release(&b);
}

/* An empty change-set encodes (unit byte and all) and decodes. */
static void empty_roundtrip(void **state)
{
	proto_changeset cs, back;
	proto_buf b;

	proto_buf_init(&b, 1 << 10);
	init_cs(&cs);
	assert_int_equal(proto_body_encode(&cs, &b), PROTO_OK);
	assert_int_equal(decode(b.data, b.len, 0, 0, &back), PROTO_OK);
	assert_int_equal(back.nrecords, 0);
	proto_changeset_release(&back);
	proto_changeset_release(&cs);
	proto_buf_release(&b);
}

/*
 * References are a byte each but decode to full copies: the texts of one body
 * may total PROTO_MAX_BODY bytes, on both sides, so a small body cannot make
 * the decoder allocate gigabytes.
 */
static void text_expansion_capped(void **state)
{
	enum { N = PROTO_MAX_BODY / PROTO_MAX_TEXT + 1 };
	proto_changeset cs, back;
	proto_buf body, col, b;
	char *big = malloc(PROTO_MAX_TEXT);

	assert_non_null(big);
	memset(big, 'x', PROTO_MAX_TEXT);
	proto_buf_init(&body, 1 << 20);
	proto_buf_init(&col, 1 << 20);
	/* streams of N households, each one field: name, the same 4096 bytes */
	for (int s = 0; s < 8; s++) {
		proto_buf_init(&b, 1 << 20);
		if (s == 3)
			assert_int_equal(proto_buf_append_byte(&b, 1), PROTO_OK); /* unit: seconds */
		for (int i = 0; i < N; i++) {
			static const uint8_t per[8][2] = { { 1 }, { 0 }, { 2 },    { 0, 0 },
							   { 0 }, { 1 }, { 0x82 }, { 0 } };
			size_t n = s == 3 ? 2 : s == 4 ? 0 : 1;
			assert_int_equal(proto_buf_append(&b, per[s], n), PROTO_OK);
		}
		assert_int_equal(proto_buf_put_varint(&body, b.len), PROTO_OK);
		assert_int_equal(proto_buf_append(&body, b.data, b.len), PROTO_OK);
		proto_buf_release(&b);
	}
	assert_int_equal(proto_buf_put_varint(&col, 0), PROTO_OK);
	assert_int_equal(proto_buf_put_varint(&col, PROTO_MAX_TEXT), PROTO_OK);
	assert_int_equal(proto_buf_append(&col, big, PROTO_MAX_TEXT), PROTO_OK);
	for (int i = 1; i < N; i++)
		assert_int_equal(proto_buf_append_byte(&col, 1), PROTO_OK);
	assert_int_equal(proto_buf_append(&body, "\x01\x01\x02", 3), PROTO_OK);
	assert_int_equal(proto_buf_put_varint(&body, col.len), PROTO_OK);
	assert_int_equal(proto_buf_append(&body, col.data, col.len), PROTO_OK);
	assert_true(body.len < 128 * 1024);
	assert_int_equal(decode(body.data, body.len, N, N, &back), PROTO_ELIMIT);
	assert_int_equal(back.nrecords, 0);
	proto_changeset_release(&back);

	/* N - 1 texts of 4096 bytes are exactly the budget: fine both ways */
	init_cs(&cs);
	for (uint64_t i = 1; i < N; i++) {
		assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD,
						       (proto_id){ ORIGIN, i }, CREATED, ORIGIN),
				 PROTO_OK);
		assert_int_equal(proto_changeset_add_text(&cs, PROTO_HH_NAME, 0, big, PROTO_MAX_TEXT),
				 PROTO_OK);
	}
	proto_buf_init(&b, PROTO_MAX_BODY);
	assert_int_equal(proto_body_encode(&cs, &b), PROTO_OK);
	assert_true(b.len < 128 * 1024);
	assert_int_equal(decode(b.data, b.len, cs.hdr.nrecords, cs.hdr.nchanges, &back), PROTO_OK);
	assert_int_equal(back.nrecords, N - 1);
	proto_changeset_release(&back);
	/* one more: the encoder refuses what the decoder would, and writes nothing */
	assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, (proto_id){ ORIGIN, N },
					       CREATED, ORIGIN),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_text(&cs, PROTO_HH_NAME, 0, big, PROTO_MAX_TEXT), PROTO_OK);
	proto_buf_reset(&b);
	assert_int_equal(proto_body_encode(&cs, &b), PROTO_ELIMIT);
	assert_int_equal(b.len, 0);
	proto_changeset_release(&cs);
	proto_buf_release(&b);
	proto_buf_release(&body);
	proto_buf_release(&col);
	free(big);
}

/* Every allocation the decoder makes can fail, cleanly (ASan checks for leaks). */
static void decode_out_of_memory(void **state)
{
	proto_changeset cs, back;
	proto_buf b;
	proto_result r;
	long n;

	proto_buf_init(&b, 1 << 20);
	build_all(&cs);
	assert_int_equal(proto_body_encode(&cs, &b), PROTO_OK);
	for (n = 0; n < 1000; n++) {
		proto_alloc_fail_after(n);
		r = decode(b.data, b.len, cs.hdr.nrecords, cs.hdr.nchanges, &back);
		proto_alloc_fail_after(-1);
		if (r == PROTO_OK)
			break;
		assert_int_equal(r, PROTO_ENOMEM);
		assert_int_equal(back.nrecords, 0);
	}
	assert_int_equal(r, PROTO_OK);
	assert_true(n > 5);
	assert_cs_equal(&cs, &back);
	proto_changeset_release(&back);
	proto_changeset_release(&cs);
	proto_buf_release(&b);
}

static void utf8_strict(void **state)
{
	assert_true(proto_utf8_valid(VN_NAME, strlen(VN_NAME)));
	assert_true(proto_utf8_valid("", 0));
	assert_true(proto_utf8_valid("\xf0\x9f\x8f\xa0", 4)); /* U+1F3E0 */
	assert_true(proto_utf8_valid("\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF */
	assert_true(proto_utf8_valid("\xed\x9f\xbf", 3));     /* U+D7FF */
	assert_false(proto_utf8_valid("a\0", 2));
	assert_false(proto_utf8_valid("\xc0\xaf", 2)); /* overlong '/' */
	assert_false(proto_utf8_valid("\xc1\xbf", 2));
	assert_false(proto_utf8_valid("\xe0\x80\xaf", 3));
	assert_false(proto_utf8_valid("\xf0\x80\x80\xaf", 4));
	assert_false(proto_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(proto_utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
	assert_false(proto_utf8_valid("\xf5\x80\x80\x80", 4));
	assert_false(proto_utf8_valid("\x80", 1));
	assert_false(proto_utf8_valid("\xe1\xba", 2)); /* cut short */
	assert_false(proto_utf8_valid("\xe1\x41\x80", 3));
	assert_false(proto_utf8_valid("\xff", 1));
}

TEST_MAIN(cmocka_unit_test(roundtrip_every_kind_and_type), cmocka_unit_test(encoding_is_compact),
	  cmocka_unit_test(builder_refuses_bad_records), cmocka_unit_test(hostile_bodies),
	  cmocka_unit_test(dictionary_references), cmocka_unit_test(empty_roundtrip),
	  cmocka_unit_test(text_expansion_capped), cmocka_unit_test(decode_out_of_memory),
	  cmocka_unit_test(utf8_strict))
