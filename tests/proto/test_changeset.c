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
	assert_int_equal(proto_changeset_add_text(cs, PROTO_HH_NAME, 0, VN_NAME, strlen(VN_NAME)), PROTO_OK);
	assert_int_equal(proto_changeset_add_null(cs, PROTO_HH_NATIONAL_ID, s - 3), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_HH_COMMUNE, 1, INT64_MIN), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_HH_MEMBERS, 0, INT64_MAX), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_HH_NOTE, 0, "", 0), PROTO_OK);
	/* relayed edit of a foreign household, stamp older than the previous record */
	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, far, CREATED - 1000, FOREIGN),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_HH_MEMBERS, CREATED - 2000, -1), PROTO_OK);
	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_MILESTONE, (proto_id){ ORIGIN, 2 }, s + 1, ORIGIN),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_ref(cs, PROTO_MS_HOUSEHOLD, 0, own), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_MS_STAGE, 0, "roof", 4), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_MS_DATE, 0, "2023-08-01", 10), PROTO_OK);
	assert_int_equal(proto_changeset_add_null(cs, PROTO_MS_NOTE, 0), PROTO_OK);
	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_CONTRIBUTION, (proto_id){ ORIGIN, 3 }, s + 2,
					       FOREIGN), PROTO_OK);
	assert_int_equal(proto_changeset_add_ref(cs, PROTO_CT_HOUSEHOLD, 0, far), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_CT_UNIT, 0, 31234), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_CT_SOURCE, 0, "mps", 3), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_CT_MONEY, 0, 60000000), PROTO_OK);
	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_CONTRIBUTION, (proto_id){ FOREIGN, 4 }, s + 3,
					       ORIGIN), PROTO_OK);
	assert_int_equal(proto_changeset_add_null(cs, PROTO_CT_HOUSEHOLD, 0), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_CT_UNIT, 0, 941), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_CT_SOURCE, 0, "donor", 5), PROTO_OK);
	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_VOID, (proto_id){ ORIGIN, 5 }, UINT64_MAX,
					       ORIGIN), PROTO_OK);
	assert_int_equal(proto_changeset_add_ref(cs, PROTO_VO_TARGET, 0, (proto_id){ ORIGIN, 3 }), PROTO_OK);
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

/* Implicit origins and stamp deltas keep a typical record small. */
static void encoding_is_compact(void **state)
{
	proto_changeset cs;
	proto_buf b;

	proto_buf_init(&b, 1024);
	init_cs(&cs);
	assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, (proto_id){ ORIGIN, 9 },
					       CREATED + 1, ORIGIN), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(&cs, PROTO_HH_MEMBERS, 0, 4), PROTO_OK);
	assert_int_equal(proto_body_encode(&cs, &b), PROTO_OK);
	/* kind flags serial delta nfields | field base value */
	static const uint8_t want[] = { 1, 0, 9, 2, 1, 0x47, 0, 8 };
	assert_int_equal(b.len, sizeof want);
	assert_memory_equal(b.data, want, sizeof want);
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
	assert_int_equal(proto_changeset_begin(&cs, (proto_kind)5, id, CREATED, ORIGIN), PROTO_EBODY);
	assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, (proto_id){ ORIGIN, 0 }, CREATED,
					       ORIGIN), PROTO_EVALUE);
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
	assert_int_equal(proto_changeset_add_null(&cs, PROTO_HH_REF, 0), PROTO_EBODY);   /* order */
	assert_int_equal(cs.records[0].nfields, 1);

	/* events: base must be 0, required fields must all be there */
	assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_MILESTONE, (proto_id){ ORIGIN, 2 }, CREATED,
					       ORIGIN), PROTO_OK);
	assert_int_equal(proto_changeset_add_ref(&cs, PROTO_MS_HOUSEHOLD, 0, (proto_id){ ORIGIN, 0 }),
			 PROTO_EVALUE);
	assert_int_equal(proto_changeset_add_ref(&cs, PROTO_MS_HOUSEHOLD, 5, id), PROTO_EVALUE);
	assert_int_equal(proto_changeset_add_ref(&cs, PROTO_MS_HOUSEHOLD, 0, id), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(&cs, PROTO_MS_STAGE, 0, "roof", 4), PROTO_OK);
	assert_int_equal(proto_body_encode(&cs, &b), PROTO_EBODY); /* no date */
	assert_int_equal(b.len, 0);                               /* nothing half-written */
	assert_int_equal(proto_changeset_copy_record(&cs, &cs.records[1]), PROTO_EBODY);
	assert_int_equal(cs.nrecords, 2);
	proto_changeset_release(&cs);
	proto_buf_release(&b);
}

struct hostile {
	const char *what;
	uint8_t bytes[24];
	size_t len;
	uint32_t nrecords, nchanges;
	proto_result want;
};

/* Each case: body bytes, the counts its header declares, the code expected. */
static const struct hostile hostile[] = {
	{ "valid", { 1, 0, 1, 0, 1, 0x82, 0, 1, 'A' }, 9, 1, 1, PROTO_OK },
	{ "empty body, one declared", { 0 }, 0, 1, 1, PROTO_ECOUNT },
	{ "record cut after kind", { 1 }, 1, 1, 1, PROTO_ETRUNCATED },
	{ "varint cut short", { 1, 0, 0x81 }, 3, 1, 1, PROTO_ETRUNCATED },
	{ "overlong varint", { 1, 0, 0x81, 0x00, 0, 1, 0x82, 0, 1, 'A' }, 10, 1, 1, PROTO_EBODY },
	{ "11-byte varint", { 1, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 },
	  13, 1, 1, PROTO_EBODY },
	{ "varint past 64 bits", { 1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 },
	  12, 1, 1, PROTO_EBODY },
	{ "unknown kind 5", { 5, 0, 1, 0, 1, 0x82, 0, 1, 'A' }, 9, 1, 1, PROTO_EBODY },
	{ "kind 0", { 0, 0, 1, 0, 1, 0x82, 0, 1, 'A' }, 9, 1, 1, PROTO_EBODY },
	{ "unknown record flag", { 1, 4, 1, 0, 1, 0x82, 0, 1, 'A' }, 9, 1, 1, PROTO_EBODY },
	{ "explicit id origin = header origin",
	  { 1, 1, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 1, 0, 1, 0x82, 0, 1, 'A' }, 17, 1, 1,
	  PROTO_EBODY },
	{ "serial 0", { 1, 0, 0, 0, 1, 0x82, 0, 1, 'A' }, 9, 1, 1, PROTO_EVALUE },
	{ "no fields", { 1, 0, 1, 0, 0 }, 5, 1, 0, PROTO_EBODY },
	{ "64 fields", { 1, 0, 1, 0, 64, 0x82, 0, 1, 'A' }, 9, 1, 64, PROTO_EBODY },
	{ "field id 0", { 1, 0, 1, 0, 1, 0x80, 0, 1, 'A' }, 9, 1, 1, PROTO_EBODY },
	{ "unknown field 16", { 1, 0, 1, 0, 1, 0x90, 0, 1, 'A' }, 9, 1, 1, PROTO_EBODY },
	{ "REF not allowed for name", { 1, 0, 1, 0, 1, 0xc2, 0, 1, 0 }, 9, 1, 1, PROTO_EBODY },
	{ "fields out of order", { 1, 0, 1, 0, 2, 0x82, 0, 1, 'A', 0x01, 0 }, 11, 1, 2, PROTO_EBODY },
	{ "field repeated", { 1, 0, 1, 0, 2, 0x82, 0, 1, 'A', 0x02, 0 }, 11, 1, 2, PROTO_EBODY },
	{ "base >= stamp", { 1, 0, 1, 0, 1, 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
			      0x01, 1, 'A' }, 18, 1, 1, PROTO_EVALUE },
	{ "bad UTF-8", { 1, 0, 1, 0, 1, 0x82, 0, 2, 0xc3, 0x28 }, 10, 1, 1, PROTO_EUTF8 },
	{ "surrogate", { 1, 0, 1, 0, 1, 0x82, 0, 3, 0xed, 0xa0, 0x80 }, 11, 1, 1, PROTO_EUTF8 },
	{ "NUL in text", { 1, 0, 1, 0, 1, 0x82, 0, 3, 'a', 0, 'b' }, 11, 1, 1, PROTO_EUTF8 },
	{ "text too long", { 1, 0, 1, 0, 1, 0x82, 0, 0x81, 0x20 }, 9, 1, 1, PROTO_ELIMIT },
	{ "text past the end", { 1, 0, 1, 0, 1, 0x82, 0, 5, 'A' }, 9, 1, 1, PROTO_ETRUNCATED },
	{ "more records than declared", { 1, 0, 1, 0, 1, 0x82, 0, 1, 'A', 1 }, 10, 1, 1, PROTO_ECOUNT },
	{ "fewer records than declared", { 1, 0, 1, 0, 1, 0x82, 0, 1, 'A' }, 9, 2, 2, PROTO_ECOUNT },
	{ "changes miscounted", { 1, 0, 1, 0, 1, 0x82, 0, 1, 'A' }, 9, 1, 2, PROTO_ECOUNT },
	{ "milestone without date", { 2, 0, 1, 0, 2, 0xc1, 1, 0, 0x82, 1, 'x' }, 11, 1, 2, PROTO_EBODY },
	{ "contribution without source", { 3, 0, 1, 0, 1, 0x42, 0 }, 7, 1, 1, PROTO_EBODY },
	{ "REF serial 0", { 4, 0, 1, 0, 2, 0xc1, 0, 0, 0x42, 8 }, 10, 1, 2, PROTO_EVALUE },
	{ "REF tag 2", { 4, 0, 1, 0, 2, 0xc1, 3, 2, 0x42, 8 }, 10, 1, 2, PROTO_EBODY },
	{ "REF tag 1 naming header origin",
	  { 4, 0, 1, 0, 2, 0xc1, 3, 1, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x42, 8 }, 18, 1, 2,
	  PROTO_EBODY },
	{ "void: valid", { 4, 0, 1, 0, 2, 0xc1, 3, 0, 0x42, 8 }, 10, 1, 2, PROTO_OK },
};

static void hostile_bodies(void **state)
{
	for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		const struct hostile *h = &hostile[i];
		proto_changeset cs;
		proto_result r = decode(h->bytes, h->len, h->nrecords, h->nchanges, &cs);
		if (r != h->want)
			fail_msg("'%s': got %s, want %s", h->what, proto_strerror(r), proto_strerror(h->want));
		if (r != PROTO_OK)
			assert_int_equal(cs.nrecords, 0); /* nothing half-decoded is kept */
		proto_changeset_release(&cs);
	}
}

/* A stamp delta that lands on 0 is refused; one that wraps is fine. */
static void stamp_zero_refused(void **state)
{
	proto_changeset cs;
	proto_buf b;
	uint64_t zz = 2 * CREATED - 1; /* zigzag(-CREATED) */

	proto_buf_init(&b, 64);
	assert_int_equal(proto_buf_append(&b, "\x01\x00\x01", 3), PROTO_OK);
	assert_int_equal(proto_buf_put_varint(&b, zz), PROTO_OK);
	assert_int_equal(proto_buf_append(&b, "\x01\x82\x00\x01" "A", 5), PROTO_OK);
	assert_int_equal(decode(b.data, b.len, 1, 1, &cs), PROTO_EVALUE);
	proto_changeset_release(&cs);
	proto_buf_release(&b);
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
	assert_true(proto_utf8_valid("\xf0\x9f\x8f\xa0", 4));  /* U+1F3E0 */
	assert_true(proto_utf8_valid("\xf4\x8f\xbf\xbf", 4));  /* U+10FFFF */
	assert_true(proto_utf8_valid("\xed\x9f\xbf", 3));      /* U+D7FF */
	assert_false(proto_utf8_valid("a\0", 2));
	assert_false(proto_utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
	assert_false(proto_utf8_valid("\xc1\xbf", 2));
	assert_false(proto_utf8_valid("\xe0\x80\xaf", 3));
	assert_false(proto_utf8_valid("\xf0\x80\x80\xaf", 4));
	assert_false(proto_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(proto_utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
	assert_false(proto_utf8_valid("\xf5\x80\x80\x80", 4));
	assert_false(proto_utf8_valid("\x80", 1));
	assert_false(proto_utf8_valid("\xe1\xba", 2));         /* cut short */
	assert_false(proto_utf8_valid("\xe1\x41\x80", 3));
	assert_false(proto_utf8_valid("\xff", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrip_every_kind_and_type),
		cmocka_unit_test(encoding_is_compact),
		cmocka_unit_test(builder_refuses_bad_records),
		cmocka_unit_test(hostile_bodies),
		cmocka_unit_test(stamp_zero_refused),
		cmocka_unit_test(decode_out_of_memory),
		cmocka_unit_test(utf8_strict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
