/*
 * hostile_bytes.c - bytes that are not a change-set, or a change-set whose
 * header, zlib stream or body breaks proto/FORMAT.md while its signature is
 * good (sealed by hand with the attacker's key, so only the format check can
 * refuse it): garbage, magic, version, truncation, trailing bytes, limits,
 * ratio, deflate bombs, streams without the dictionary, unknown kinds and
 * fields, bad UTF-8, missing required fields, lying counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hostile.h"

static int put(hs_env *e, hs_answer *a, const void *p, size_t n)
{
	proto_buf_reset(&e->sealed);
	if (n && proto_buf_append(&e->sealed, p, n) != PROTO_OK)
		return -1;
	return hs_push(e, a);
}

static int garbage(hs_env *e, hs_answer *a)
{
	return put(e, a, "not a change-set at all", 23);
}
static int empty(hs_env *e, hs_answer *a)
{
	return put(e, a, NULL, 0);
}
static int magic_prefix(hs_env *e, hs_answer *a)
{
	return put(e, a, "MAI", 3);
}

/*
 * One household record (serial 9, stamp created + 1, one field) as in
 * FORMAT.md's example, with the field byte and its column given.
 */
static size_t body_one(uint8_t *out, uint8_t kind, uint8_t fbyte, int base, const uint8_t *col,
		       size_t collen)
{
	size_t n = 0;
	uint8_t head[] = { 1, kind, 1, 0, 1, 0x12, 3, 1, 0, 1, 0, 1, 1, 1, fbyte };

	memcpy(out, head, sizeof(head));
	n = sizeof(head);
	if (base) {
		out[n++] = 1;
		out[n++] = 0;
	} else {
		out[n++] = 0;
	}
	out[n++] = 1; /* one column */
	memcpy(out + n, col, collen);
	return n + collen;
}

/* Hand-seal a body as the attacker's next change-set and push it. */
static int push_body(hs_env *e, hs_answer *a, const uint8_t *body, size_t blen, uint32_t nrecords,
		     uint32_t nchanges)
{
	if (hs_seal_raw(e, e->atk.seq + 1, e->atk.last_hash, nrecords, nchanges, body, blen, 0, NULL, 0,
			&e->sealed))
		return -1;
	return hs_push(e, a);
}

static const uint8_t col_members[] = { 1, 7, 1, 8 }; /* household.members = 4 */

/* A valid sealed change-set, then one header field spoilt (not re-signed:
 * the header check comes first). */
static int valid_then(hs_env *e, hs_answer *a, size_t at, uint8_t v, long cut)
{
	uint8_t body[64];
	size_t blen = body_one(body, 1, 0x47, 1, col_members, sizeof(col_members));

	if (hs_seal_raw(e, e->atk.seq + 1, e->atk.last_hash, 1, 1, body, blen, 0, NULL, 0, &e->sealed))
		return -1;
	if (at)
		e->sealed.data[at] = v;
	if (cut < 0)
		e->sealed.len -= (size_t)-cut;
	else if (cut > 0 && proto_buf_append(&e->sealed, "\0\0\0\0\0\0\0\0", (size_t)cut))
		return -1;
	return hs_push(e, a);
}

static int wrong_magic(hs_env *e, hs_answer *a)
{
	return valid_then(e, a, 3, 'X', 0);
}
/* a version no hub knows (2 is photos, 3 decisions, proto/FORMAT.md) */
static int version_4(hs_env *e, hs_answer *a)
{
	return valid_then(e, a, 4, 4, 0);
}
static int flags_set(hs_env *e, hs_answer *a)
{
	return valid_then(e, a, 5, 1, 0);
}
static int campaign_upper(hs_env *e, hs_answer *a)
{
	return valid_then(e, a, 7, 'S', 0);
}
static int truncated(hs_env *e, hs_answer *a)
{
	return valid_then(e, a, 0, 0, -10);
}
static int trailing(hs_env *e, hs_answer *a)
{
	return valid_then(e, a, 0, 0, 1);
}
static int nrecords_over(hs_env *e, hs_answer *a)
{
	/* nrecords = 0x00040001 = 262145 */
	size_t at = 63 + strlen(HS_CAMPAIGN);
	uint8_t body[64];
	size_t blen = body_one(body, 1, 0x47, 1, col_members, sizeof(col_members));

	if (hs_seal_raw(e, e->atk.seq + 1, e->atk.last_hash, 1, 1, body, blen, 0, NULL, 0, &e->sealed))
		return -1;
	e->sealed.data[at + 1] = 0x04;
	e->sealed.data[at + 3] = 0x01;
	return hs_push(e, a);
}

static int seq_zero(hs_env *e, hs_answer *a)
{
	uint8_t body[64], zero[32] = { 0 };
	size_t blen = body_one(body, 1, 0x47, 1, col_members, sizeof(col_members));

	if (hs_seal_raw(e, 0, zero, 1, 1, body, blen, 0, NULL, 0, &e->sealed))
		return -1;
	return hs_push(e, a);
}

/* 32 MiB declared for a small stream: over the ratio, refused unopened. */
static int ratio(hs_env *e, hs_answer *a)
{
	uint8_t body[64];
	size_t blen = body_one(body, 1, 0x47, 1, col_members, sizeof(col_members));

	if (hs_seal_raw(e, e->atk.seq + 1, e->atk.last_hash, 1, 1, body, blen, 32u << 20, NULL, 0,
			&e->sealed))
		return -1;
	return hs_push(e, a);
}

/* A deflate bomb inside the ratio: 8 MiB of zeros (about 8 KiB deflated)
 * declared as 100 x its compressed size; it inflates past the declaration. */
static int bomb(hs_env *e, hs_answer *a)
{
	size_t n = 8u << 20;
	uint8_t *zeros = calloc(1, n);
	proto_buf z;
	int rc = -1;

	proto_buf_init(&z, 1u << 24);
	if (zeros && !hs_deflate(zeros, n, 1, &z) &&
	    !hs_seal_raw(e, e->atk.seq + 1, e->atk.last_hash, 1, 1, NULL, 0, (uint32_t)(z.len * 100),
			 z.data, z.len, &e->sealed))
		rc = hs_push(e, a);
	free(zeros);
	proto_buf_release(&z);
	return rc;
}

/* A zlib stream of the right body, with a fault. */
static int stream(hs_env *e, hs_answer *a, int dict, int trail, uint32_t extra_len, int corrupt)
{
	uint8_t body[64];
	size_t blen = body_one(body, 1, 0x47, 1, col_members, sizeof(col_members));
	proto_buf z;
	int rc = -1;

	proto_buf_init(&z, 1u << 20);
	if (hs_deflate(body, blen, dict, &z))
		goto out;
	if (trail && proto_buf_append(&z, "XY", 2))
		goto out;
	if (corrupt)
		z.data[7] ^= 0xff;
	if (!hs_seal_raw(e, e->atk.seq + 1, e->atk.last_hash, 1, 1, NULL, 0, (uint32_t)blen + extra_len,
			 z.data, z.len, &e->sealed))
		rc = hs_push(e, a);
out:
	proto_buf_release(&z);
	return rc;
}

static int no_dictionary(hs_env *e, hs_answer *a)
{
	return stream(e, a, 0, 0, 0, 0);
}
static int zlib_trailing(hs_env *e, hs_answer *a)
{
	return stream(e, a, 1, 1, 0, 0);
}
static int body_shorter(hs_env *e, hs_answer *a)
{
	return stream(e, a, 1, 0, 10, 0);
}
static int zlib_corrupt(hs_env *e, hs_answer *a)
{
	return stream(e, a, 1, 0, 0, 1);
}

static int body_case(hs_env *e, hs_answer *a, uint8_t kind, uint8_t fbyte, int base, const uint8_t *col,
		     size_t collen, uint32_t nrecords)
{
	uint8_t body[128];
	size_t blen = body_one(body, kind, fbyte, base, col, collen);

	return push_body(e, a, body, blen, nrecords, nrecords);
}

static int unknown_kind(hs_env *e, hs_answer *a)
{
	static const uint8_t col[] = { 5, 7, 1, 8 };
	return body_case(e, a, 5, 0x47, 1, col, sizeof(col), 1);
}

static int unknown_field(hs_env *e, hs_answer *a)
{
	static const uint8_t col[] = { 1, 20, 1, 8 };
	return body_case(e, a, 1, 0x40 | 20, 1, col, sizeof(col), 1);
}

static int field_zero(hs_env *e, hs_answer *a)
{
	static const uint8_t col[] = { 1, 0, 1, 8 };
	return body_case(e, a, 1, 0x40, 1, col, sizeof(col), 1);
}

static int wrong_type(hs_env *e, hs_answer *a)
{
	/* members (an INT field) as TEXT "4" */
	static const uint8_t col[] = { 1, 7, 3, 0, 1, '4' };
	return body_case(e, a, 1, 0x80 | 7, 1, col, sizeof(col), 1);
}

#define TEXT_CASE(fn, ...) \
	static int fn(hs_env *e, hs_answer *a) \
	{ \
		static const uint8_t col[] = { 1, 2, 0, 0, __VA_ARGS__ }; \
		uint8_t c[sizeof(col)]; \
		memcpy(c, col, sizeof(col)); \
		c[2] = (uint8_t)(sizeof(col) - 3); /* column length */ \
		c[4] = (uint8_t)(sizeof(col) - 5); /* text length */ \
		return body_case(e, a, 1, 0x80 | 2, 1, c, sizeof(c), 1); \
	}
/* column (1, 2) household.name: k = 0 (new value), length, bytes */
TEXT_CASE(utf8_invalid, 'A', 0xc3, 0x28)
TEXT_CASE(utf8_overlong, 'A', 0xc0, 0xaf)
TEXT_CASE(utf8_surrogate, 'A', 0xed, 0xa0, 0x80)
TEXT_CASE(utf8_nul, 'A', 0x00, 'B')
TEXT_CASE(utf8_past_10ffff, 0xf4, 0x90, 0x80, 0x80)

/* count lies: the header says 2 records, the body holds 1 */
static int count_mismatch(hs_env *e, hs_answer *a)
{
	return body_case(e, a, 1, 0x47, 1, col_members, sizeof(col_members), 2);
}

/* a milestone with its household only: stage and date are required */
static int event_missing_field(hs_env *e, hs_answer *a)
{
	/* ref serial 1 from id serial 9: zigzag(-8) = 15, tag 0 (the header origin) */
	static const uint8_t col[] = { 2, 1, 2, 15, 0 };
	return body_case(e, a, 2, 0xc0 | 1, 0, col, sizeof(col), 1);
}

/* a column of text referring to a value it never remembered */
static int dict_ref_unknown(hs_env *e, hs_answer *a)
{
	static const uint8_t col[] = { 1, 2, 1, 3 };
	return body_case(e, a, 1, 0x80 | 2, 1, col, sizeof(col), 1);
}

#define B(name, fn, st, code) \
	{ \
		name, "", fn, st, code, HS_REC, 0, NULL, NULL \
	}
static const hs_row rows[] = {
	B("garbage", garbage, 400, "malformed"),
	B("empty body", empty, 400, "malformed"),
	B("magic prefix only", magic_prefix, 400, "malformed"),
	B("wrong magic", wrong_magic, 400, "malformed"),
	B("version 4", version_4, 400, "malformed"),
	B("reserved flags set", flags_set, 400, "malformed"),
	B("campaign id with a capital", campaign_upper, 400, "malformed"),
	B("truncated by 10 bytes", truncated, 400, "malformed"),
	B("one trailing byte", trailing, 400, "malformed"),
	B("262145 records declared", nrecords_over, 400, "malformed"),
	B("seq 0", seq_zero, 400, "malformed"),
	B("32 MiB declared for 20 bytes (ratio)", ratio, 400, "malformed"),
	B("deflate bomb inside the ratio", bomb, 422, "invalid"),
	B("zlib without the preset dictionary", no_dictionary, 422, "invalid"),
	B("bytes after the zlib stream", zlib_trailing, 422, "invalid"),
	B("body shorter than declared", body_shorter, 422, "invalid"),
	B("corrupt deflate data", zlib_corrupt, 422, "invalid"),
	B("unknown kind 5", unknown_kind, 422, "invalid"),
	B("unknown field 20", unknown_field, 422, "invalid"),
	B("field 0", field_zero, 422, "invalid"),
	B("INT field sent as TEXT", wrong_type, 422, "invalid"),
	B("bad UTF-8 (C3 28)", utf8_invalid, 422, "invalid"),
	B("overlong UTF-8 (C0 AF)", utf8_overlong, 422, "invalid"),
	B("UTF-8 surrogate (ED A0 80)", utf8_surrogate, 422, "invalid"),
	B("NUL inside a text", utf8_nul, 422, "invalid"),
	B("UTF-8 past U+10FFFF", utf8_past_10ffff, 422, "invalid"),
	B("header counts lie", count_mismatch, 422, "invalid"),
	B("event missing a required field", event_missing_field, 422, "invalid"),
	B("text reference to nothing", dict_ref_unknown, 422, "invalid"),
};

const hs_family hs_family_bytes = { "bytes", NULL, rows, sizeof(rows) / sizeof(rows[0]) };
