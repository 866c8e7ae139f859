/*
 * test_seal.c - sealed change-sets: the golden vector is reproduced byte for
 * byte and its forgery fails; every truncation and bit flip is rejected;
 * zip bombs and lying lengths/counts, signed with the right key, are caught
 * by the codec with their own codes; failures leave nothing behind. Format
 * version 2: golden-1 still seals as version 1, golden-2 (photos) is
 * reproduced, and its forgeries are refused. Version 3: golden-3 (decisions
 * signed with the operator's name) is reproduced; its forged name is refused;
 * so is golden-3-award (award nominations, decision fields 8..13).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>
#include "maiam/alloc.h"
#include "maiam/fsutil.h"
#include "maiam/seal.h"
#include "../tools/golden_records.h"
#include "../tools/golden_award.h"
#include "maiam/rules.h"
#include "zdict.h"
#include "testmain.h"

static proto_key *key, *pub;
/* The committed vectors, read once by setup: golden-1.bin and its forgery. */
static proto_buf golden, forged;

static void read_vector(const char *name, proto_buf *out)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", MAIAM_VECTORS_DIR, name);
	proto_buf_init(out, 1 << 20);
	if (proto_read_file(path, out) != PROTO_OK)
		fail_msg("cannot read vector '%s'", path);
}

static int setup(void **state)
{
	char path[4096];
	proto_buf pem;

	snprintf(path, sizeof path, "%s/codec-test.key", MAIAM_VECTORS_DIR);
	if (proto_key_load_private(path, &key) != PROTO_OK)
		return -1;
	read_vector("codec-test.pub", &pem);
	if (proto_key_from_public_pem((const char *)pem.data, pem.len, &pub) != PROTO_OK)
		return -1;
	proto_buf_release(&pem);
	read_vector("golden-1.bin", &golden);
	read_vector("forged-1.bin", &forged);
	return proto_key_id(key) == proto_key_id(pub) ? 0 : -1;
}

static int teardown(void **state)
{
	proto_key_free(key);
	proto_key_free(pub);
	proto_buf_release(&golden);
	proto_buf_release(&forged);
	return 0;
}

static void golden_vector(void **state)
{
	proto_changeset cs, back;
	const proto_buf *file = &golden;
	proto_buf hexfile, mine;
	uint8_t hash[32], hash2[32];
	char hex[65];

	read_vector("golden-1.sha256", &hexfile);
	proto_buf_init(&mine, 1 << 20);
	assert_int_equal(golden_build(&cs, proto_key_id(key)), PROTO_OK);
	assert_int_equal(proto_seal(&cs, key, &mine, hash), PROTO_OK);
	/* today's code must produce exactly the committed bytes */
	assert_int_equal(mine.len, file->len);
	assert_memory_equal(mine.data, file->data, file->len);
	/* again in the same thread: the reused deflate state gives the same bytes */
	mine.len = 0;
	assert_int_equal(proto_seal(&cs, key, &mine, hash), PROTO_OK);
	assert_int_equal(mine.len, file->len);
	assert_memory_equal(mine.data, file->data, file->len);
	proto_hex(hash, 32, hex);
	assert_true(hexfile.len >= 64);
	assert_memory_equal(hex, hexfile.data, 64);

	assert_int_equal(proto_open(file->data, file->len, pub, &back, hash2), PROTO_OK);
	assert_memory_equal(hash, hash2, 32);
	assert_int_equal(back.nrecords, 9);
	assert_int_equal(back.hdr.nrecords, 9);
	/* the figures FORMAT.md quotes for this vector */
	assert_int_equal(back.hdr.nchanges, 37);
	assert_int_equal(back.hdr.body_len, 487);
	assert_int_equal(back.hdr.zbody_len, 326);
	assert_true(back.hdr.created == GOLDEN_CREATED);
	assert_string_equal(back.hdr.campaign, GOLDEN_CAMPAIGN);
	assert_string_equal(back.records[0].fields[0].value.text, GOLDEN_TEXT);
	assert_true(back.records[2].writer == GOLDEN_FOREIGN);
	assert_true(back.records[3].fields[0].base == GOLDEN_CREATED + 1);
	proto_changeset_release(&back);
	proto_changeset_release(&cs);
	proto_buf_release(&hexfile);
	proto_buf_release(&mine);
}

/* The forgery is well-formed in every way but the signature. */
static void forged_vector(void **state)
{
	proto_header h;
	proto_changeset cs;

	assert_int_equal(proto_peek(forged.data, forged.len, &h), PROTO_OK);
	assert_int_equal(proto_open(forged.data, forged.len, pub, &cs, NULL), PROTO_ESIGNATURE);
	assert_int_equal(cs.nrecords, 0);
	proto_changeset_release(&cs);
}

/* Each bit of file flipped in turn (and flipped back): refused by
 * proto_open_stored with stored_hash, or by proto_open with the test key
 * when stored_hash is NULL. */
static void every_bit_flip_refused(proto_buf *file, const uint8_t *stored_hash)
{
	proto_changeset cs;

	for (size_t i = 0; i < file->len * 8; i++) {
		proto_result r;

		file->data[i / 8] ^= (uint8_t)(1u << (i % 8));
		r = stored_hash ? proto_open_stored(file->data, file->len, stored_hash, &cs)
				: proto_open(file->data, file->len, pub, &cs, NULL);
		file->data[i / 8] ^= (uint8_t)(1u << (i % 8));
		if (r == PROTO_OK)
			fail_msg("bit %zu flipped was accepted", i);
		proto_changeset_release(&cs);
	}
}

/* proto_open_stored of b with hash refuses it with want, decoding nothing. */
static void expect_refused_stored(const proto_buf *b, const uint8_t *hash, proto_result want)
{
	proto_changeset cs;

	assert_int_equal(proto_open_stored(b->data, b->len, hash, &cs), want);
	assert_int_equal(cs.nrecords, 0);
	proto_changeset_release(&cs);
}

/* Stored bytes open by their recorded hash alone; any change to the bytes,
 * or the wrong hash, is refused before anything is inflated. */
static void open_stored(void **state)
{
	proto_changeset cs;
	uint8_t hash[32], other[32];

	(void)state;
	proto_sha256(golden.data, golden.len, hash);
	assert_int_equal(proto_open_stored(golden.data, golden.len, hash, &cs), PROTO_OK);
	assert_int_equal(cs.nrecords, 9);
	assert_string_equal(cs.records[0].fields[0].value.text, GOLDEN_TEXT);
	proto_changeset_release(&cs);

	/* the forgery differs from the golden bytes: the golden hash refuses it */
	expect_refused_stored(&forged, hash, PROTO_EHASH);
	every_bit_flip_refused(&golden, hash);
	memcpy(other, hash, 32);
	other[31] ^= 1;
	expect_refused_stored(&golden, other, PROTO_EHASH);
	expect_refused_stored(&golden, NULL, PROTO_EINVAL);
}

static void every_truncation_and_bit_flip(void **state)
{
	proto_changeset cs;
	proto_header h;

	for (size_t n = 0; n < golden.len; n++) {
		/* a fresh allocation of exactly n bytes lets ASan catch any over-read */
		uint8_t *copy = malloc(n ? n : 1);
		assert_non_null(copy);
		memcpy(copy, golden.data, n);
		assert_int_not_equal(proto_peek(copy, n, &h), PROTO_OK);
		assert_int_not_equal(proto_open(copy, n, pub, &cs, NULL), PROTO_OK);
		proto_changeset_release(&cs);
		free(copy);
	}
	every_bit_flip_refused(&golden, NULL);
}

/*
 * Hand-made sealed change-sets, signed with the test key, so that what
 * rejects them is the codec and not the signature. Written independently of
 * seal.c, from FORMAT.md.
 */
struct raw {
	const char *campaign;
	uint8_t version, flags;
	uint64_t origin, seq, created;
	uint32_t nrecords, nchanges, body_len;
};

static void be(proto_buf *b, uint64_t v, int n)
{
	while (n-- > 0)
		assert_int_equal(proto_buf_append_byte(b, (uint8_t)(v >> (8 * n))), PROTO_OK);
}

static void make_sealed(const struct raw *h, const uint8_t *z, size_t zlen, proto_buf *out)
{
	uint8_t sig[64], prev[32] = { 0 };
	size_t clen = strlen(h->campaign);

	proto_buf_init(out, 64 << 20);
	assert_int_equal(proto_buf_append(out, "MAIM", 4), PROTO_OK);
	be(out, h->version, 1);
	be(out, h->flags, 1);
	be(out, clen, 1);
	assert_int_equal(proto_buf_append(out, h->campaign, clen), PROTO_OK);
	be(out, h->origin, 8);
	be(out, h->seq, 8);
	assert_int_equal(proto_buf_append(out, prev, 32), PROTO_OK);
	be(out, h->created, 8);
	be(out, h->nrecords, 4);
	be(out, h->nchanges, 4);
	be(out, h->body_len, 4);
	be(out, zlen, 4);
	if (zlen)
		assert_int_equal(proto_buf_append(out, z, zlen), PROTO_OK);
	assert_int_equal(proto_sign(key, out->data, out->len, sig), PROTO_OK);
	be(out, h->origin, 8);
	assert_int_equal(proto_buf_append(out, sig, 64), PROTO_OK);
}

static struct raw raw_default(uint32_t body_len)
{
	struct raw h = { "soc-trang-2023", 1, 0, proto_key_id(key), 1, GOLDEN_CREATED, 1, 1, body_len };
	return h;
}

enum zmode { Z_OURS, Z_NODICT, Z_OTHERDICT };

/* zlib-compress as a writer would: with the preset dictionary, or not. */
static void zcompress(const uint8_t *in, size_t n, int level, enum zmode mode, uint8_t **out, size_t *zlen)
{
	static const char other[] = "poor near_poor roof walls";
	z_stream s;

	memset(&s, 0, sizeof s);
	assert_int_equal(deflateInit2(&s, level, Z_DEFLATED, 15, 9, Z_DEFAULT_STRATEGY), Z_OK);
	if (mode == Z_OURS)
		assert_int_equal(deflateSetDictionary(&s, proto_zdict(), (uInt)proto_zdict_len()), Z_OK);
	else if (mode == Z_OTHERDICT)
		assert_int_equal(deflateSetDictionary(&s, (const Bytef *)other, sizeof other - 1), Z_OK);
	*zlen = deflateBound(&s, (uLong)n);
	*out = malloc(*zlen);
	assert_non_null(*out);
	s.next_in = (Bytef *)(n ? in : (const uint8_t *)"");
	s.avail_in = (uInt)n;
	s.next_out = *out;
	s.avail_out = (uInt)*zlen;
	assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
	*zlen = s.total_out;
	deflateEnd(&s);
}

static proto_result open_raw_mode(const struct raw *h, const uint8_t *body, size_t blen, int level,
				  enum zmode mode)
{
	uint8_t *z;
	size_t zlen;
	proto_buf sealed;
	proto_changeset cs;
	proto_result r;

	zcompress(body, blen, level, mode, &z, &zlen);
	make_sealed(h, z, zlen, &sealed);
	r = proto_open(sealed.data, sealed.len, pub, &cs, NULL);
	if (r != PROTO_OK)
		assert_int_equal(cs.nrecords, 0);
	proto_changeset_release(&cs);
	proto_buf_release(&sealed);
	free(z);
	return r;
}

static proto_result open_raw(const struct raw *h, const uint8_t *body, size_t blen, int level)
{
	return open_raw_mode(h, body, blen, level, Z_OURS);
}

/* household 1, stamp = created, name "A": the eight streams, then one column */
static const uint8_t one_record[] = {
	1, 1, 1, 0, 1, 2, 3,   1, 0, 0, 0, 1, 1, 1, 0x82, 1, 0, /* KIND..BASE */
	1, 1, 2, 3, 0, 1, 'A',                                  /* household.name: new "A" */
};

/*
 * The dictionary is part of the format: its bytes are pinned by their
 * Adler-32 (the DICTID on the wire) and length, so an edit fails here first.
 * A stream without it, or with another, is refused once the signature holds.
 */
static void preset_dictionary(void **state)
{
	struct raw h = raw_default(sizeof one_record);
	uint8_t *z;
	size_t zlen;

	assert_int_equal(proto_zdict_len(), 1944);
	assert_int_equal(PROTO_ZDICT_LEN, proto_zdict_len());
	assert_true(adler32(1, proto_zdict(), (uInt)proto_zdict_len()) == 0xa033757bul);
	assert_true(PROTO_ZDICT_ID == 0xa033757bul);
	assert_true(proto_utf8_valid((const char *)proto_zdict(), proto_zdict_len()));

	assert_int_equal(open_raw_mode(&h, one_record, sizeof one_record, 9, Z_OURS), PROTO_OK);
	assert_int_equal(open_raw_mode(&h, one_record, sizeof one_record, 9, Z_NODICT), PROTO_EINFLATE);
	assert_int_equal(open_raw_mode(&h, one_record, sizeof one_record, 9, Z_OTHERDICT), PROTO_EINFLATE);
	assert_int_equal(open_raw_mode(&h, one_record, sizeof one_record, 0, Z_NODICT), PROTO_EINFLATE);

	/* what a writer emits: FDICT set, DICTID = the dictionary's Adler-32 */
	zcompress(one_record, sizeof one_record, 9, Z_OURS, &z, &zlen);
	assert_true(zlen > 6);
	assert_true(z[1] & 0x20);
	assert_memory_equal(z + 2, "\xa0\x33\x75\x7b", 4);
	free(z);
}

static void signed_lies(void **state)
{
	struct raw h = raw_default(sizeof one_record);

	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_OK);
	h.nrecords = 2, h.nchanges = 2;
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_ECOUNT);
	h = raw_default(sizeof one_record);
	h.nchanges = 2;
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_ECOUNT);
	h.nchanges = 64; /* more than 63 per record */
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_ELIMIT);
	h = raw_default(sizeof one_record);
	h.nrecords = PROTO_MAX_RECORDS + 1;
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_ELIMIT);
	h = raw_default(sizeof one_record);
	h.nchanges = 0; /* fewer changes than records */
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_EHEADER);
	/* body_len lies both ways */
	h = raw_default(sizeof one_record + 1);
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_ELENGTH);
	h = raw_default(sizeof one_record - 1);
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_ELENGTH);
	h = raw_default(0);
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_ELENGTH);
	/* header values */
	h = raw_default(sizeof one_record);
	h.version = PROTO_FORMAT_VERSION + 1; /* a version this code does not know */
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_EVERSION);
	h = raw_default(sizeof one_record);
	h.version = 0;
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_EVERSION);
	h = raw_default(sizeof one_record);
	h.flags = 1;
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_EHEADER);
	h = raw_default(sizeof one_record);
	h.campaign = "Soc-Trang";
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_EHEADER);
	h.campaign = "";
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_EHEADER);
	h = raw_default(sizeof one_record);
	h.seq = 0;
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_EHEADER);
	h.seq = 2; /* prev all zeros is only for seq 1 */
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_EHEADER);
	h = raw_default(sizeof one_record);
	h.created = 0;
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_EHEADER);
	/* a record that is fine on its own but for a different origin: wrong key id */
	h = raw_default(sizeof one_record);
	h.origin ^= 1;
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 9), PROTO_EKEYID);
	/* a stored (uncompressed) deflate block is legal zlib */
	h = raw_default(sizeof one_record);
	assert_int_equal(open_raw(&h, one_record, sizeof one_record, 0), PROTO_OK);
}

static void zip_bombs(void **state)
{
	size_t big = 8u << 20;
	uint8_t *zeros = calloc(1, big);
	struct raw h;

	assert_non_null(zeros);
	/* 8 MiB of zeros deflate to ~8 KiB: ratio ~1000, refused before inflating */
	h = raw_default((uint32_t)big);
	assert_int_equal(open_raw(&h, zeros, big, 9), PROTO_ERATIO);
	/* declared small (the ratio floor), really 8 MiB: inflation stops at the cap */
	h = raw_default(PROTO_RATIO_FLOOR);
	assert_int_equal(open_raw(&h, zeros, big, 9), PROTO_ELENGTH);
	proto_alloc_fail_after(-1);
	h = raw_default(PROTO_MAX_BODY + 1);
	assert_int_equal(open_raw(&h, zeros, 1024, 9), PROTO_ELIMIT);
	free(zeros);
}

/* The inflated size cap is the declared body_len: only that is ever allocated. */
static void inflate_allocates_only_the_cap(void **state)
{
	uint8_t body[4096] = { 0 };
	struct raw h = raw_default(100);
	uint8_t *z;
	size_t zlen;
	proto_buf sealed;
	proto_changeset cs;
	long n, attempts;

	zcompress(body, sizeof body, 9, Z_OURS, &z, &zlen);
	make_sealed(&h, z, zlen, &sealed);
	free(z);
	/* fail every allocation in turn: never a crash, never OK, ELENGTH once all succeed */
	for (n = 0; n < 100; n++) {
		proto_result r;
		proto_alloc_fail_after(n);
		r = proto_open(sealed.data, sealed.len, pub, &cs, NULL);
		attempts = proto_alloc_fail_after(-1);
		proto_changeset_release(&cs);
		if (r == PROTO_ELENGTH)
			break;
		assert_int_equal(r, PROTO_ENOMEM);
	}
	assert_true(n < 100);
	assert_true(attempts <= n + 1);
	proto_buf_release(&sealed);
}

static void garbage_and_trailing_streams(void **state)
{
	uint8_t junk[64];
	uint8_t *zc, z[128];
	size_t zlen;
	proto_buf sealed;
	proto_changeset cs;
	struct raw h = raw_default(sizeof one_record);

	memset(junk, 0xa5, sizeof junk);
	make_sealed(&h, junk, sizeof junk, &sealed);
	assert_int_equal(proto_open(sealed.data, sealed.len, pub, &cs, NULL), PROTO_EINFLATE);
	proto_changeset_release(&cs);
	proto_buf_release(&sealed);

	/* a valid stream, then a stray byte still inside zbody_len */
	zcompress(one_record, sizeof one_record, 9, Z_OURS, &zc, &zlen);
	assert_true(zlen < sizeof z);
	memcpy(z, zc, zlen);
	free(zc);
	z[zlen++] = 0;
	make_sealed(&h, z, zlen, &sealed);
	assert_int_equal(proto_open(sealed.data, sealed.len, pub, &cs, NULL), PROTO_ETRAILING);
	proto_changeset_release(&cs);
	/* the stream cut one byte short (adler32 missing) */
	proto_buf_release(&sealed);
	make_sealed(&h, z, zlen - 2, &sealed);
	assert_int_equal(proto_open(sealed.data, sealed.len, pub, &cs, NULL), PROTO_EINFLATE);
	proto_changeset_release(&cs);
	proto_buf_release(&sealed);
}

static void frame_errors(void **state)
{
	const proto_buf *file = &golden;
	proto_buf copy;
	proto_changeset cs;
	proto_header hd;
	proto_key *other = NULL;

	proto_buf_init(&copy, 1 << 20);
	assert_int_equal(proto_buf_append(&copy, file->data, file->len), PROTO_OK);
	assert_int_equal(proto_buf_append_byte(&copy, 0), PROTO_OK);
	assert_int_equal(proto_peek(copy.data, copy.len, &hd), PROTO_ETRAILING);
	assert_int_equal(proto_peek(file->data, file->len - 1, &hd), PROTO_ETRUNCATED);
	assert_int_equal(proto_peek((const uint8_t *)"MAI", 3, &hd), PROTO_ETRUNCATED);
	assert_int_equal(proto_peek((const uint8_t *)"PK\3\4", 4, &hd), PROTO_EMAGIC);
	assert_int_equal(proto_peek((const uint8_t *)"X", 1, &hd), PROTO_EMAGIC);
	assert_int_equal(proto_peek(NULL, 0, &hd), PROTO_ETRUNCATED);

	/* limits are checked on the header alone, before the length is compared */
	copy.len = file->len;
	{
		size_t zoff = 79 + strlen(GOLDEN_CAMPAIGN) - 4, boff = zoff - 4;
		uint8_t zsave[4], bsave[4];
		memcpy(zsave, copy.data + zoff, 4);
		memcpy(bsave, copy.data + boff, 4);
		memcpy(copy.data + zoff, "\x01\x00\x00\x01", 4); /* 16 MiB + 1 */
		assert_int_equal(proto_peek(copy.data, copy.len, &hd), PROTO_ELIMIT);
		memcpy(copy.data + zoff, zsave, 4);
		memcpy(copy.data + boff, "\x02\x00\x00\x01", 4); /* 32 MiB + 1 */
		assert_int_equal(proto_peek(copy.data, copy.len, &hd), PROTO_ELIMIT);
		memcpy(copy.data + boff, "\x00\x10\x00\x00", 4); /* 1 MiB from 326 bytes */
		assert_int_equal(proto_peek(copy.data, copy.len, &hd), PROTO_ERATIO);
		memcpy(copy.data + boff, bsave, 4);
		assert_int_equal(proto_peek(copy.data, copy.len, &hd), PROTO_OK);
	}

	/* key id trailer differs from the origin */
	copy.len = file->len;
	copy.data[file->len - 64 - 1] ^= 1;
	assert_int_equal(proto_open(copy.data, copy.len, pub, &cs, NULL), PROTO_EKEYID);
	proto_changeset_release(&cs);
	/* right bytes, wrong key */
	assert_int_equal(proto_key_generate(&other), PROTO_OK);
	assert_int_equal(proto_open(file->data, file->len, other, &cs, NULL), PROTO_EKEYID);
	proto_changeset_release(&cs);
	/* signature damaged */
	copy.data[file->len - 64 - 1] ^= 1;
	copy.data[file->len - 1] ^= 0x10;
	assert_int_equal(proto_open(copy.data, copy.len, pub, &cs, NULL), PROTO_ESIGNATURE);
	/* the rejected change-set still says whose it was */
	assert_true(cs.hdr.origin == proto_key_id(pub));
	proto_changeset_release(&cs);
	proto_key_free(other);
	proto_buf_release(&copy);
}

static void seal_chain_and_refusals(void **state)
{
	proto_changeset cs, cs2, back;
	proto_buf out;
	proto_key *other = NULL;
	uint8_t h1[32], h2[32];
	size_t first, before;

	proto_buf_init(&out, 1 << 20);
	assert_int_equal(golden_build(&cs, proto_key_id(key)), PROTO_OK);
	assert_int_equal(proto_seal(&cs, key, &out, h1), PROTO_OK);
	first = out.len;
	/* seq 2 names seq 1's hash */
	assert_int_equal(proto_changeset_init(&cs2, GOLDEN_CAMPAIGN, proto_key_id(key), 2, h1,
					      GOLDEN_CREATED + 100),
			 PROTO_OK);
	assert_int_equal(proto_changeset_copy_record(&cs2, &cs.records[0]), PROTO_OK);
	assert_int_equal(proto_seal(&cs2, key, &out, h2), PROTO_OK); /* appended */
	assert_int_equal(proto_open(out.data + first, out.len - first, pub, &back, NULL), PROTO_OK);
	assert_memory_equal(back.hdr.prev, h1, 32);
	assert_true(back.hdr.seq == 2);
	proto_changeset_release(&back);

	/* refusals leave out untouched */
	before = out.len;
	assert_int_equal(proto_key_generate(&other), PROTO_OK);
	assert_int_equal(proto_seal(&cs2, other, &out, NULL), PROTO_EKEYID);
	assert_int_equal(proto_seal(&cs2, pub, &out, NULL), PROTO_EINVAL);
	/* an incomplete event (no household, no date) cannot be sealed */
	assert_int_equal(proto_changeset_begin(&cs2, PROTO_KIND_MILESTONE, (proto_id){ 1, 1 }, 5, 1),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_text(&cs2, PROTO_MS_STAGE, 0, "roof", 4), PROTO_OK);
	assert_int_equal(proto_seal(&cs2, key, &out, NULL), PROTO_EBODY);
	assert_int_equal(out.len, before);
	proto_key_free(other);
	proto_changeset_release(&cs);
	proto_changeset_release(&cs2);
	proto_buf_release(&out);
}

/* Every allocation of seal and open fails in turn, cleanly, with no partial output. */
static void seal_and_open_out_of_memory(void **state)
{
	proto_changeset cs, back;
	proto_buf out;
	proto_result r;
	long n;

	assert_int_equal(golden_build(&cs, proto_key_id(key)), PROTO_OK);
	proto_buf_init(&out, 1 << 20);
	for (n = 0; n < 1000; n++) {
		proto_alloc_fail_after(n);
		r = proto_seal(&cs, key, &out, NULL);
		proto_alloc_fail_after(-1);
		if (r == PROTO_OK)
			break;
		assert_true(r == PROTO_ENOMEM || r == PROTO_ECRYPTO);
		assert_int_equal(out.len, 0);
	}
	assert_int_equal(r, PROTO_OK);
	for (n = 0; n < 1000; n++) {
		proto_alloc_fail_after(n);
		r = proto_open(out.data, out.len, pub, &back, NULL);
		proto_alloc_fail_after(-1);
		proto_changeset_release(&back);
		if (r == PROTO_OK)
			break;
		assert_true(r == PROTO_ENOMEM || r == PROTO_ECRYPTO);
	}
	assert_int_equal(r, PROTO_OK);
	proto_changeset_release(&cs);
	proto_buf_release(&out);
}

/* ---- format version 2 (FORMAT.md, "How the format evolves") ---- */

/* Today's change-sets are version 1, unchanged: the field reads them. */
static void golden_1_stays_version_1(void **state)
{
	proto_buf file, mine;
	proto_changeset cs;
	proto_header h;

	(void)state;
	read_vector("golden-1.bin", &file);
	proto_buf_init(&mine, 1 << 20);
	assert_int_equal(proto_peek(file.data, file.len, &h), PROTO_OK);
	assert_int_equal(h.version, 1);
	assert_int_equal(file.data[4], 1);
	assert_int_equal(golden_build(&cs, proto_key_id(key)), PROTO_OK);
	assert_int_equal(proto_records_version(cs.records, cs.nrecords), 1);
	assert_int_equal(proto_seal(&cs, key, &mine, NULL), PROTO_OK);
	assert_int_equal(cs.hdr.version, 1);
	assert_int_equal(mine.len, file.len);
	assert_memory_equal(mine.data, file.data, file.len);
	proto_changeset_release(&cs);
	proto_buf_release(&mine);
	proto_buf_release(&file);
}

/* build's records re-seal to 'file' byte for byte, as format 'version';
 * the hash in hex (65 bytes) to hex. */
static void reseals_to(proto_result (*build)(proto_changeset *, uint64_t), uint8_t version,
		       const proto_buf *file, char *hex)
{
	proto_changeset cs;
	proto_buf mine;
	uint8_t hash[32];

	proto_buf_init(&mine, 1 << 20);
	assert_int_equal(build(&cs, proto_key_id(key)), PROTO_OK);
	assert_int_equal(proto_records_version(cs.records, cs.nrecords), version);
	assert_int_equal(proto_seal(&cs, key, &mine, hash), PROTO_OK);
	assert_int_equal(mine.len, file->len);
	assert_memory_equal(mine.data, file->data, file->len);
	proto_hex(hash, 32, hex);
	proto_changeset_release(&cs);
	proto_buf_release(&mine);
}

static void golden_2_vector(void **state)
{
	proto_buf file, hexfile;
	proto_changeset back;
	char hex[65];

	(void)state;
	read_vector("golden-2.bin", &file);
	read_vector("golden-2.sha256", &hexfile);
	reseals_to(golden2_build, 2, &file, hex);
	assert_true(hexfile.len >= 64);
	assert_memory_equal(hex, hexfile.data, 64);

	assert_int_equal(proto_open(file.data, file.len, pub, &back, NULL), PROTO_OK);
	assert_int_equal(back.hdr.version, 2);
	assert_int_equal(back.nrecords, 5);
	assert_int_equal(back.records[2].kind, PROTO_KIND_PHOTO);
	assert_int_equal(back.records[2].nfields, 12);
	assert_string_equal(back.records[2].fields[2].value.text, GOLDEN2_SHA256);
	assert_int_equal(back.records[3].nfields, 7);
	assert_int_equal(back.records[4].kind, PROTO_KIND_VOID);
	assert_int_equal(back.records[4].fields[1].value.i, PROTO_KIND_PHOTO);
	proto_changeset_release(&back);
	proto_buf_release(&hexfile);
	proto_buf_release(&file);
}

/* Every single bit flipped in file is refused by proto_open. */
static void refuses_each_bit_flip(proto_buf *file)
{
	proto_changeset cs;

	for (size_t i = 0; i < file->len * 8; i++) {
		proto_result r;

		file->data[i / 8] ^= (uint8_t)(1u << (i % 8));
		r = proto_open(file->data, file->len, pub, &cs, NULL);
		file->data[i / 8] ^= (uint8_t)(1u << (i % 8));
		proto_changeset_release(&cs);
		if (r == PROTO_OK)
			fail_msg("bit %zu flipped was accepted", i);
	}
}

/* The body of build's records decodes under a header of 'version': the
 * codec's answer. */
static proto_result decode_as(proto_result (*build)(proto_changeset *, uint64_t), uint8_t version)
{
	proto_changeset cs, back;
	proto_buf body;
	proto_result r;

	proto_buf_init(&body, 1 << 16);
	assert_int_equal(build(&cs, proto_key_id(key)), PROTO_OK);
	assert_int_equal(proto_body_encode(&cs, &body), PROTO_OK);
	assert_int_equal(proto_changeset_init(&back, GOLDEN_CAMPAIGN, cs.hdr.origin, 1, NULL,
					      cs.hdr.created),
			 PROTO_OK);
	back.hdr.nrecords = cs.hdr.nrecords;
	back.hdr.nchanges = cs.hdr.nchanges;
	back.hdr.version = version;
	r = proto_body_decode(&back, body.data, body.len);
	if (r != PROTO_OK)
		assert_int_equal(back.nrecords, 0);
	proto_changeset_release(&back);
	proto_changeset_release(&cs);
	proto_buf_release(&body);
	return r;
}

/* A changed body keeps a good frame and fails the signature; a version 1
 * header over a photo has a good signature and fails the body: version 1
 * has no photo. Every bit flip of golden 2 is refused. */
static void golden_2_forgeries(void **state)
{
	proto_buf forged2, v1, file;
	proto_changeset cs;
	proto_header h;

	(void)state;
	read_vector("forged-2.bin", &forged2);
	read_vector("v1-photo-2.bin", &v1);
	read_vector("golden-2.bin", &file);
	assert_int_equal(proto_peek(forged2.data, forged2.len, &h), PROTO_OK);
	assert_int_equal(proto_open(forged2.data, forged2.len, pub, &cs, NULL), PROTO_ESIGNATURE);
	proto_changeset_release(&cs);
	assert_int_equal(proto_peek(v1.data, v1.len, &h), PROTO_OK);
	assert_int_equal(h.version, 1);
	assert_int_equal(proto_open(v1.data, v1.len, pub, &cs, NULL), PROTO_EBODY);
	assert_int_equal(cs.nrecords, 0);
	proto_changeset_release(&cs);
	/* a version no reader knows is still EVERSION */
	v1.data[4] = PROTO_FORMAT_VERSION + 1;
	assert_int_equal(proto_peek(v1.data, v1.len, &h), PROTO_EVERSION);
	refuses_each_bit_flip(&file);
	proto_buf_release(&file);
	proto_buf_release(&v1);
	proto_buf_release(&forged2);
}

/* The body decoder alone: a version 1 header refuses a photo column even
 * with no photo record, and a photo record. */
static void version_1_body_has_no_photo(void **state)
{
	(void)state;
	assert_int_equal(decode_as(golden2_build, 1), PROTO_EBODY);
	assert_int_equal(decode_as(golden2_build, 2), PROTO_OK);
}

/* Golden change-set 3's SHA-256, pinned here as well as in golden-3.sha256,
 * and its header (79 + 14 bytes): format version 3, 4 records, 16 changes,
 * body 278 bytes, zbody 202 bytes. */
#define GOLDEN3_HASH "317867b44cb1ad03502f2a1c91d7b045fc62aedc884decee4db8617c52f61567"
static const char golden3_header[] = "4d41494d" /* MAIM */
				     "03"
				     "00"
				     "0e" /* version 3, flags, campaign length */
				     "736f632d7472616e672d32303233" /* soc-trang-2023 */
				     "50ee02756181f728"             /* origin: the test key */
				     "0000000000000001"             /* seq 1 */
				     "0000000000000000000000000000000000000000000000000000000000000000"
				     "01890ebfd4000000" /* created */
				     "00000004"
				     "00000010"
				     "00000116"
				     "000000ca";

/* The hub's decisions, signed with who decided: the records re-seal to the
 * vector byte for byte, and read back with every name and word. */
static void golden_3_vector(void **state)
{
	proto_buf file;
	proto_changeset back;
	char hex[65], head[2 * 93 + 1];
	const proto_record *rec;

	(void)state;
	read_vector("golden-3.bin", &file);
	reseals_to(golden3_build, 3, &file, hex);
	assert_string_equal(hex, GOLDEN3_HASH);
	proto_hex(file.data, 93, head);
	assert_string_equal(head, golden3_header);

	assert_int_equal(proto_open(file.data, file.len, pub, &back, NULL), PROTO_OK);
	assert_int_equal(back.hdr.version, 3);
	assert_int_equal(back.nrecords, 4);
	rec = &back.records[1];
	assert_int_equal(rec->kind, PROTO_KIND_DECISION);
	assert_int_equal(rec->nfields, 4);
	assert_int_equal(rec->fields[0].field, PROTO_DE_TARGET);
	assert_true(proto_id_eq(rec->fields[0].value.ref, back.records[0].id));
	assert_string_equal(rec->fields[1].value.text, GOLDEN3_OPERATOR);
	assert_string_equal(rec->fields[2].value.text, "rejected");
	assert_string_equal(rec->fields[3].value.text, GOLDEN3_REASON);
	rec = &back.records[2];
	assert_int_equal(rec->nfields, 6);
	assert_string_equal(rec->fields[3].value.text, "C-3");
	assert_string_equal(rec->fields[5].value.text, "loser");
	rec = &back.records[3];
	assert_int_equal(rec->fields[0].field, PROTO_DE_OPERATOR); /* no household */
	assert_string_equal(rec->fields[0].value.text, GOLDEN3_OPERATOR);
	assert_string_equal(rec->fields[2].value.text, "R-12");
	proto_changeset_release(&back);
	proto_buf_release(&file);
}

/* The operator's name changed after signing fails the signature; so does
 * every bit flip. A decision record under an older version's header is
 * refused by the body decoder even with a good signature. */
static void golden_3_forgeries(void **state)
{
	proto_buf forged3, file;
	proto_changeset cs;
	uint8_t sig[PROTO_SIG_LEN];
	size_t signed_len;

	(void)state;
	read_vector("forged-3.bin", &forged3);
	read_vector("golden-3.bin", &file);
	assert_int_equal(proto_open(forged3.data, forged3.len, pub, &cs, NULL), PROTO_ESIGNATURE);
	assert_int_equal(cs.nrecords, 0);
	proto_changeset_release(&cs);
	refuses_each_bit_flip(&file);
	/* header version 2, signed again: version 2 has no decision kind */
	signed_len = file.len - 8 - PROTO_SIG_LEN;
	file.data[4] = 2;
	assert_int_equal(proto_sign(key, file.data, signed_len, sig), PROTO_OK);
	memcpy(file.data + signed_len + 8, sig, PROTO_SIG_LEN);
	assert_int_equal(proto_open(file.data, file.len, pub, &cs, NULL), PROTO_EBODY);
	proto_changeset_release(&cs);

	assert_int_equal(decode_as(golden3_build, 2), PROTO_EBODY);
	assert_int_equal(decode_as(golden3_build, 3), PROTO_OK);
	proto_buf_release(&file);
	proto_buf_release(&forged3);
}

/* The text of field f of rec, or NULL. */
static const char *award_text_of(const proto_record *rec, uint8_t f)
{
	size_t i;

	for (i = 0; i < rec->nfields; i++)
		if (rec->fields[i].field == f && rec->fields[i].value.type == PROTO_V_TEXT)
			return rec->fields[i].value.text;
	return NULL;
}

/* Award nominations (golden-3-award: decision fields 8..13 in format
 * version 3) re-seal byte for byte, read back every field and pass the
 * rulebook. */
static void golden_award_vector(void **state)
{
	proto_buf file, hexfile;
	proto_changeset back;
	proto_rules rules;
	proto_violation v;
	char hex[65];

	(void)state;
	read_vector("golden-3-award.bin", &file);
	read_vector("golden-3-award.sha256", &hexfile);
	/* fields 8..13 need no version above 3 */
	reseals_to(golden_award_build, 3, &file, hex);
	assert_true(hexfile.len >= 64);
	assert_memory_equal(hex, hexfile.data, 64);

	assert_int_equal(proto_open(file.data, file.len, pub, &back, NULL), PROTO_OK);
	assert_int_equal(back.hdr.version, 3);
	assert_int_equal(back.nrecords, 4);
	assert_int_equal(back.records[0].kind, PROTO_KIND_DECISION);
	assert_null(award_text_of(&back.records[0], PROTO_DE_TARGET)); /* no household */
	assert_string_equal(award_text_of(&back.records[0], PROTO_DE_ACTION), "nominated");
	assert_string_equal(award_text_of(&back.records[0], PROTO_DE_ITEM), "A-1");
	assert_string_equal(award_text_of(&back.records[0], PROTO_DE_UNIT), "943");
	assert_string_equal(award_text_of(&back.records[0], PROTO_DE_NOMINEE_KIND), "collective");
	assert_string_equal(award_text_of(&back.records[0], PROTO_DE_NOMINEE), GOLDEN_AWARD_NOMINEE);
	assert_string_equal(award_text_of(&back.records[0], PROTO_DE_ACHIEVEMENTS),
			    GOLDEN_AWARD_ACHIEVEMENTS);
	assert_string_equal(award_text_of(&back.records[0], PROTO_DE_BACKING), GOLDEN_AWARD_BACKING);
	assert_null(award_text_of(&back.records[0], PROTO_DE_POSITION));
	assert_string_equal(award_text_of(&back.records[1], PROTO_DE_POSITION),
			    "T\xe1\xbb\x95 tr\xc6\xb0\xe1\xbb\x9fng");
	assert_string_equal(award_text_of(&back.records[2], PROTO_DE_ACTION), "returned");
	assert_string_equal(award_text_of(&back.records[2], PROTO_DE_NOTE),
			    "thi\xe1\xba\xbfu h\xe1\xbb\x93 s\xc6\xa1");
	assert_string_equal(award_text_of(&back.records[3], PROTO_DE_ACTION), "accepted");
	proto_rules_init(&rules, NULL, NULL);
	assert_int_equal(proto_rules_check_changeset(&rules, &back, &v), PROTO_RULE_OK);
	proto_changeset_release(&back);
	proto_buf_release(&hexfile);
	proto_buf_release(&file);
}

/* The rulebook's bounds of the nomination's fields. */
static void golden_award_rules(void **state)
{
	proto_rules rules;
	proto_violation v;
	char big[PROTO_MAX_TEXT + 2];
	proto_value val = { .type = PROTO_V_TEXT };

	(void)state;
	proto_rules_init(&rules, NULL, NULL);
	val.text = "group";
	val.len = 5;
	assert_int_equal(proto_rules_check_value(&rules, PROTO_KIND_DECISION, PROTO_DE_NOMINEE_KIND,
						 &val, &v),
			 PROTO_RULE_ENUM);
	val.text = "nominated";
	val.len = 9;
	assert_int_equal(proto_rules_check_value(&rules, PROTO_KIND_DECISION, PROTO_DE_ACTION, &val, &v),
			 PROTO_RULE_OK);
	memset(big, 'a', sizeof big);
	big[PROTO_RULE_AWARD_UNIT_MAX + 1] = '\0';
	val.text = big;
	val.len = PROTO_RULE_AWARD_UNIT_MAX + 1;
	assert_int_equal(proto_rules_check_value(&rules, PROTO_KIND_DECISION, PROTO_DE_UNIT, &val, &v),
			 PROTO_RULE_TEXT_LENGTH);
	memset(big, 'a', sizeof big);
	big[201] = '\0';
	val.len = 201;
	assert_int_equal(proto_rules_check_value(&rules, PROTO_KIND_DECISION, PROTO_DE_NOMINEE, &val, &v),
			 PROTO_RULE_TEXT_LENGTH);
	val.len = 200;
	big[200] = '\0';
	assert_int_equal(proto_rules_check_value(&rules, PROTO_KIND_DECISION, PROTO_DE_NOMINEE, &val, &v),
			 PROTO_RULE_OK);
	assert_int_equal(proto_rules_text_max(PROTO_KIND_DECISION, PROTO_DE_BACKING),
			 PROTO_RULE_AWARD_BACKING_MAX);
	assert_int_equal(proto_rules_text_max(PROTO_KIND_DECISION, PROTO_DE_ACHIEVEMENTS), PROTO_MAX_TEXT);
}

/* The achievements changed after signing fail the signature; so does every
 * bit flip. */
static void golden_award_forgeries(void **state)
{
	proto_buf forged_award, file;
	proto_changeset cs;

	(void)state;
	read_vector("forged-3-award.bin", &forged_award);
	read_vector("golden-3-award.bin", &file);
	assert_int_equal(proto_open(forged_award.data, forged_award.len, pub, &cs, NULL),
			 PROTO_ESIGNATURE);
	assert_int_equal(cs.nrecords, 0);
	proto_changeset_release(&cs);
	refuses_each_bit_flip(&file);
	proto_buf_release(&forged_award);
	proto_buf_release(&file);
}

TEST_MAIN_WITH(setup, teardown, cmocka_unit_test(golden_vector), cmocka_unit_test(forged_vector),
	       cmocka_unit_test(every_truncation_and_bit_flip), cmocka_unit_test(open_stored),
	       cmocka_unit_test(preset_dictionary), cmocka_unit_test(signed_lies),
	       cmocka_unit_test(zip_bombs), cmocka_unit_test(inflate_allocates_only_the_cap),
	       cmocka_unit_test(garbage_and_trailing_streams), cmocka_unit_test(frame_errors),
	       cmocka_unit_test(seal_chain_and_refusals), cmocka_unit_test(seal_and_open_out_of_memory),
	       cmocka_unit_test(golden_1_stays_version_1), cmocka_unit_test(golden_2_vector),
	       cmocka_unit_test(golden_2_forgeries), cmocka_unit_test(version_1_body_has_no_photo),
	       cmocka_unit_test(golden_3_vector), cmocka_unit_test(golden_3_forgeries),
	       cmocka_unit_test(golden_award_vector), cmocka_unit_test(golden_award_rules),
	       cmocka_unit_test(golden_award_forgeries))
