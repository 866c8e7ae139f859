/*
 * seal.c - sealing and opening change-sets: header bytes, zlib deflate with
 * the format's preset dictionary (zdict.c), Ed25519 signature, SHA-256 chain
 * hash. Byte layout: proto/FORMAT.md.
 * Opening checks the cheap, bounded things first (header, lengths, key id),
 * then the signature over the compressed bytes, and only then inflates,
 * into a buffer of exactly the declared size.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "maiam/alloc.h"
#include "maiam/seal.h"
#include "changeset_int.h"
#include "zdict.h"

static const uint8_t magic[4] = { 'M', 'A', 'I', 'M' };

/* magic, version, flags, campaign_len + the fixed part after the campaign */
#define HDR_FIXED (4 + 1 + 1 + 1 + 8 + 8 + 32 + 8 + 4 + 4 + 4 + 4)
#define TRAILER (8 + PROTO_SIG_LEN)
/* Level 9 measured smallest on our bodies at no cost that matters (FORMAT.md). */
#define DEFLATE_LEVEL 9

static size_t header_len(const proto_header *h)
{
	return HDR_FIXED + strlen(h->campaign);
}

static int all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* Rules on header values shared by seal and peek; lengths not included. */
static proto_result check_header(const proto_header *h)
{
	size_t clen = strnlen(h->campaign, sizeof(h->campaign));

	if (h->version < PROTO_FORMAT_VERSION_MIN || h->version > PROTO_FORMAT_VERSION)
		return PROTO_EVERSION;
	if (clen == sizeof(h->campaign) || !proto_cs_campaign_ok(h->campaign, clen))
		return PROTO_EHEADER;
	if (h->seq == 0 || h->created == 0 || (h->seq == 1) != all_zero(h->prev, 32))
		return PROTO_EHEADER;
	if (h->nrecords > PROTO_MAX_RECORDS || h->body_len > PROTO_MAX_BODY ||
	    h->zbody_len > PROTO_MAX_ZBODY ||
	    (uint64_t)h->nchanges > (uint64_t)h->nrecords * PROTO_MAX_FIELDS)
		return PROTO_ELIMIT;
	/* every record carries at least one field */
	if (h->nchanges < h->nrecords)
		return PROTO_EHEADER;
	if ((uint64_t)h->body_len > PROTO_RATIO_FLOOR &&
	    (uint64_t)h->body_len > (uint64_t)PROTO_MAX_RATIO * h->zbody_len)
		return PROTO_ERATIO;
	return PROTO_OK;
}

static proto_result put_header(proto_buf *out, const proto_header *h)
{
	size_t clen = strlen(h->campaign);
	proto_result r;

	r = proto_buf_append(out, magic, sizeof(magic));
	if (r == PROTO_OK)
		r = proto_buf_append_byte(out, h->version);
	if (r == PROTO_OK)
		r = proto_buf_append_byte(out, 0); /* flags */
	if (r == PROTO_OK)
		r = proto_buf_append_byte(out, (uint8_t)clen);
	if (r == PROTO_OK)
		r = proto_buf_append(out, h->campaign, clen);
	if (r == PROTO_OK)
		r = proto_buf_put_be64(out, h->origin);
	if (r == PROTO_OK)
		r = proto_buf_put_be64(out, h->seq);
	if (r == PROTO_OK)
		r = proto_buf_append(out, h->prev, 32);
	if (r == PROTO_OK)
		r = proto_buf_put_be64(out, h->created);
	if (r == PROTO_OK)
		r = proto_buf_put_be32(out, h->nrecords);
	if (r == PROTO_OK)
		r = proto_buf_put_be32(out, h->nchanges);
	if (r == PROTO_OK)
		r = proto_buf_put_be32(out, h->body_len);
	if (r == PROTO_OK)
		r = proto_buf_put_be32(out, h->zbody_len);
	return r;
}

/* zlib's own allocations go through the proto hook, so torture tests reach them. */
static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	return proto_calloc(items, size);
}

static void z_free(voidpf opaque, voidpf p)
{
	(void)opaque;
	free(p);
}

/*
 * One deflate state per thread, reset between seals. deflateInit2 at
 * memLevel 9 allocates and clears about 400 KiB; the allocator handed those
 * pages back to the kernel after every seal and faulted them in again on the
 * next, which was half the cost of sealing a hub's pull answer (perf,
 * docs/BENCHMARKS.md). deflateReset plus the dictionary gives the same bytes
 * as a fresh state (test_seal seals the golden vector twice in one thread).
 * The state is freed when its thread ends, and the main thread's at exit.
 */
static pthread_key_t deflater_key;
static pthread_once_t deflater_once = PTHREAD_ONCE_INIT;
static int deflater_keyed;

static void deflater_free(void *p)
{
	if (p) {
		deflateEnd(p);
		free(p);
	}
}

static void deflater_at_exit(void)
{
	deflater_free(pthread_getspecific(deflater_key));
	pthread_setspecific(deflater_key, NULL);
}

static void deflater_key_make(void)
{
	deflater_keyed = pthread_key_create(&deflater_key, deflater_free) == 0 &&
			 atexit(deflater_at_exit) == 0;
}

/* This thread's deflate state, ready for a new stream; NULL and *r set on failure. */
static z_stream *deflater_get(proto_result *r)
{
	z_stream *s = NULL;
	int zr;

	pthread_once(&deflater_once, deflater_key_make);
	if (deflater_keyed)
		s = pthread_getspecific(deflater_key);
	if (s) {
		if (deflateReset(s) == Z_OK)
			return s;
		pthread_setspecific(deflater_key, NULL);
		deflater_free(s);
	}
	s = proto_calloc(1, sizeof(*s));
	if (!s) {
		*r = PROTO_ENOMEM;
		return NULL;
	}
	s->zalloc = z_alloc;
	s->zfree = z_free;
	zr = deflateInit2(s, DEFLATE_LEVEL, Z_DEFLATED, 15, 9, Z_DEFAULT_STRATEGY);
	if (zr != Z_OK) {
		free(s);
		*r = zr == Z_MEM_ERROR ? PROTO_ENOMEM : PROTO_ECRYPTO;
		return NULL;
	}
	if (deflater_keyed && pthread_setspecific(deflater_key, s) != 0) {
		deflater_free(s);
		*r = PROTO_ENOMEM;
		return NULL;
	}
	return s;
}

/* Give back a state deflater_get could not keep for the thread. */
static void deflater_put(z_stream *s)
{
	if (!deflater_keyed)
		deflater_free(s);
}

/* A stream of stored blocks (level 0) for proto_seal_stored, freed after use. */
static z_stream *deflater_stored(proto_result *r)
{
	z_stream *s = proto_calloc(1, sizeof(*s));
	int zr;

	if (!s) {
		*r = PROTO_ENOMEM;
		return NULL;
	}
	s->zalloc = z_alloc;
	s->zfree = z_free;
	zr = deflateInit2(s, 0, Z_DEFLATED, 15, 9, Z_DEFAULT_STRATEGY);
	if (zr != Z_OK) {
		free(s);
		*r = zr == Z_MEM_ERROR ? PROTO_ENOMEM : PROTO_ECRYPTO;
		return NULL;
	}
	return s;
}

/* level 0: stored blocks; 1..9: the thread's state, set to that level */
static proto_result deflate_body(const proto_buf *body, proto_buf *z, int level)
{
	proto_result r = PROTO_OK;
	int stored = level == 0;
	z_stream *s = stored ? deflater_stored(&r) : deflater_get(&r);
	uLong bound;
	int zr;

	if (!s)
		return r;
	/* after deflateReset no input is pending, so this only sets the level
	 * (no block is flushed); the zlib header's FLEVEL bits follow it, which
	 * inflate ignores */
	if (!stored && deflateParams(s, level, Z_DEFAULT_STRATEGY) != Z_OK) {
		deflater_put(s);
		return PROTO_ECRYPTO;
	}
	/* the preset dictionary is part of the format: FDICT set, DICTID its Adler-32 */
	if (deflateSetDictionary(s, proto_zdict(), (uInt)proto_zdict_len()) != Z_OK) {
		r = PROTO_ECRYPTO;
		goto out;
	}
	bound = deflateBound(s, (uLong)body->len);
	if (bound > PROTO_MAX_ZBODY)
		bound = PROTO_MAX_ZBODY;
	r = proto_buf_reserve(z, bound);
	if (r != PROTO_OK)
		goto out;
	s->next_in = body->data ? body->data : (Bytef *)"";
	s->avail_in = (uInt)body->len;
	s->next_out = z->data;
	s->avail_out = (uInt)(z->cap < z->max ? z->cap : z->max);
	zr = deflate(s, Z_FINISH);
	if (zr != Z_STREAM_END) {
		/* only possible if the output passed PROTO_MAX_ZBODY */
		r = zr == Z_OK || zr == Z_BUF_ERROR ? PROTO_ELIMIT : PROTO_ENOMEM;
		goto out;
	}
	z->len = s->total_out;
out:
	if (stored)
		deflater_free(s);
	else
		deflater_put(s);
	return r;
}

static proto_result seal(proto_changeset *cs, const proto_key *key, proto_buf *out, uint8_t hash[32],
			 int level)
{
	proto_buf body, z;
	proto_result r;
	size_t start = out ? out->len : 0;
	uint8_t sig[PROTO_SIG_LEN];

	proto_buf_init(&body, PROTO_MAX_BODY);
	proto_buf_init(&z, PROTO_MAX_ZBODY);
	if (!cs || !key || !out) {
		r = PROTO_EINVAL;
		goto out;
	}
	if (!proto_key_has_private(key) || proto_key_id(key) != cs->hdr.origin) {
		r = proto_key_has_private(key) ? PROTO_EKEYID : PROTO_EINVAL;
		goto out;
	}
	r = proto_body_encode(cs, &body);
	if (r == PROTO_ETOOBIG)
		r = PROTO_ELIMIT;
	if (r != PROTO_OK)
		goto out;
	r = deflate_body(&body, &z, level);
	if (r == PROTO_ETOOBIG)
		r = PROTO_ELIMIT;
	if (r != PROTO_OK)
		goto out;
	/* the lowest version with every kind carried: kinds 1..4 stay version 1 */
	cs->hdr.version = proto_records_version(cs->records, cs->nrecords);
	cs->hdr.body_len = (uint32_t)body.len;
	cs->hdr.zbody_len = (uint32_t)z.len;
	/* refuse to write what proto_open would refuse to read */
	r = check_header(&cs->hdr);
	if (r != PROTO_OK)
		goto out;
	r = put_header(out, &cs->hdr);
	if (r == PROTO_OK)
		r = proto_buf_append(out, z.data, z.len);
	if (r == PROTO_OK)
		r = proto_sign(key, out->data + start, out->len - start, sig);
	if (r == PROTO_OK)
		r = proto_buf_put_be64(out, cs->hdr.origin);
	if (r == PROTO_OK)
		r = proto_buf_append(out, sig, sizeof(sig));
	if (r != PROTO_OK) {
		out->len = start; /* no partial change-set is ever left in out */
		goto out;
	}
	if (hash)
		proto_sha256(out->data + start, out->len - start, hash);
out:
	proto_buf_release(&body);
	proto_buf_release(&z);
	return r;
}

proto_result proto_seal(proto_changeset *cs, const proto_key *key, proto_buf *out, uint8_t hash[32])
{
	return seal(cs, key, out, hash, DEFLATE_LEVEL);
}

proto_result proto_seal_stored(proto_changeset *cs, const proto_key *key, proto_buf *out, uint8_t hash[32])
{
	return seal(cs, key, out, hash, 0);
}

proto_result proto_seal_level(proto_changeset *cs, const proto_key *key, proto_buf *out,
			      uint8_t hash[32], int level)
{
	if (level < 1 || level > 9)
		return PROTO_EINVAL;
	return seal(cs, key, out, hash, level);
}

proto_result proto_peek(const uint8_t *data, size_t len, proto_header *hdr)
{
	proto_reader rd;
	proto_header h;
	const uint8_t *p;
	uint8_t flags, clen;
	uint64_t total;
	proto_result r;

	if ((!data && len) || !hdr)
		return PROTO_EINVAL;
	memset(&h, 0, sizeof(h));
	proto_reader_init(&rd, data, len);
	/* a prefix of the magic is a truncation; anything else is not ours */
	if (len < sizeof(magic))
		return memcmp(data ? data : magic, magic, len) ? PROTO_EMAGIC : PROTO_ETRUNCATED;
	r = proto_get_bytes(&rd, sizeof(magic), &p);
	if (r == PROTO_OK && memcmp(p, magic, sizeof(magic)) != 0)
		return PROTO_EMAGIC;
	if (r == PROTO_OK)
		r = proto_get_u8(&rd, &h.version);
	if (r != PROTO_OK)
		return r;
	if (h.version < PROTO_FORMAT_VERSION_MIN || h.version > PROTO_FORMAT_VERSION)
		return PROTO_EVERSION;
	r = proto_get_u8(&rd, &flags);
	if (r != PROTO_OK)
		return r;
	if (flags != 0)
		return PROTO_EHEADER;
	r = proto_get_u8(&rd, &clen);
	if (r != PROTO_OK)
		return r;
	if (clen == 0 || clen > PROTO_CAMPAIGN_MAX)
		return PROTO_EHEADER;
	r = proto_get_bytes(&rd, clen, &p);
	if (r != PROTO_OK)
		return r;
	if (!proto_cs_campaign_ok((const char *)p, clen))
		return PROTO_EHEADER;
	memcpy(h.campaign, p, clen);
	r = proto_get_be64(&rd, &h.origin);
	if (r == PROTO_OK)
		r = proto_get_be64(&rd, &h.seq);
	if (r == PROTO_OK)
		r = proto_get_bytes(&rd, 32, &p);
	if (r == PROTO_OK)
		memcpy(h.prev, p, 32);
	if (r == PROTO_OK)
		r = proto_get_be64(&rd, &h.created);
	if (r == PROTO_OK)
		r = proto_get_be32(&rd, &h.nrecords);
	if (r == PROTO_OK)
		r = proto_get_be32(&rd, &h.nchanges);
	if (r == PROTO_OK)
		r = proto_get_be32(&rd, &h.body_len);
	if (r == PROTO_OK)
		r = proto_get_be32(&rd, &h.zbody_len);
	if (r != PROTO_OK)
		return r;
	r = check_header(&h);
	if (r != PROTO_OK)
		return r;
	total = (uint64_t)rd.pos + h.zbody_len + TRAILER;
	if ((uint64_t)len < total)
		return PROTO_ETRUNCATED;
	if ((uint64_t)len > total)
		return PROTO_ETRAILING;
	*hdr = h;
	return PROTO_OK;
}

/*
 * Inflate exactly hdr->body_len bytes into body (cap = that size). A stream
 * that would produce more is caught by asking zlib for one byte past the end
 * into a scratch byte, so nothing is ever allocated beyond the declaration.
 */
static proto_result inflate_body(const uint8_t *zdata, size_t zlen, size_t body_len, proto_buf *body)
{
	z_stream s;
	uint8_t extra;
	proto_result r = PROTO_OK;
	int zr;

	memset(&s, 0, sizeof(s));
	s.zalloc = z_alloc;
	s.zfree = z_free;
	if (body_len > 0) {
		r = proto_buf_reserve(body, body_len);
		if (r != PROTO_OK)
			return r;
	}
	zr = inflateInit(&s);
	if (zr != Z_OK)
		return zr == Z_MEM_ERROR ? PROTO_ENOMEM : PROTO_EINFLATE;
	s.next_in = (Bytef *)zdata;
	s.avail_in = (uInt)zlen;
	/*
	 * With no room for output, inflate reads only the zlib header and must
	 * stop there asking for a dictionary: a stream with no DICTID, or one
	 * naming another dictionary, is not a change-set body of this format.
	 */
	s.next_out = &extra;
	s.avail_out = 0;
	zr = inflate(&s, Z_FINISH);
	if (zr != Z_NEED_DICT || s.adler != PROTO_ZDICT_ID) {
		r = PROTO_EINFLATE;
		goto out;
	}
	zr = inflateSetDictionary(&s, proto_zdict(), (uInt)proto_zdict_len());
	if (zr != Z_OK) {
		r = zr == Z_MEM_ERROR ? PROTO_ENOMEM : PROTO_EINFLATE;
		goto out;
	}
	s.next_out = body_len ? body->data : &extra;
	s.avail_out = (uInt)body_len;
	zr = body_len ? inflate(&s, Z_FINISH) : Z_BUF_ERROR;
	if (zr != Z_STREAM_END && s.avail_out == 0 && (zr == Z_OK || zr == Z_BUF_ERROR)) {
		/* output is full: the stream must end now, without one more byte */
		s.next_out = &extra;
		s.avail_out = 1;
		zr = inflate(&s, Z_FINISH);
		if (s.avail_out == 0) {
			r = PROTO_ELENGTH;
			goto out;
		}
	}
	switch (zr) {
	case Z_STREAM_END:
		break;
	case Z_MEM_ERROR:
		r = PROTO_ENOMEM;
		goto out;
	default: /* Z_DATA_ERROR, a second Z_NEED_DICT, or a stream cut short */
		r = PROTO_EINFLATE;
		goto out;
	}
	if (s.total_out != body_len) {
		r = PROTO_ELENGTH;
		goto out;
	}
	if (s.avail_in != 0) {
		r = PROTO_ETRAILING; /* bytes after the end of the zlib stream */
		goto out;
	}
	body->len = body_len;
out:
	inflateEnd(&s);
	return r;
}

/* proto_open and proto_open_stored: the signature by 'key', or (key NULL)
 * SHA-256(data) equal to 'stored', proves the bytes before anything inflates. */
static proto_result open_checked(const uint8_t *data, size_t len, const proto_key *key,
				 const uint8_t stored[32], proto_changeset *out, uint8_t hash[32])
{
	proto_header hdr;
	proto_buf body;
	proto_result r;
	size_t hlen, signed_len;
	uint64_t keyid = 0;
	uint8_t digest[32];

	proto_buf_init(&body, 0);
	if (!out)
		return PROTO_EINVAL;
	memset(out, 0, sizeof(*out));
	if (!key && !stored) {
		r = PROTO_EINVAL;
		goto out;
	}
	r = proto_peek(data, len, &hdr);
	if (r != PROTO_OK)
		goto out;
	out->hdr = hdr; /* so a caller can say whose change-set it rejected */
	hlen = header_len(&hdr);
	signed_len = hlen + hdr.zbody_len;
	for (size_t i = 0; i < 8; i++)
		keyid = keyid << 8 | data[signed_len + i];
	if (keyid != hdr.origin || (key && proto_key_id(key) != hdr.origin)) {
		r = PROTO_EKEYID;
		goto out;
	}
	if (key) {
		r = proto_verify(key, data, signed_len, data + signed_len + 8);
	} else {
		proto_sha256(data, len, digest);
		r = memcmp(digest, stored, 32) == 0 ? PROTO_OK : PROTO_EHASH;
	}
	if (r != PROTO_OK)
		goto out;
	proto_buf_init(&body, hdr.body_len);
	r = inflate_body(data + hlen, hdr.zbody_len, hdr.body_len, &body);
	if (r != PROTO_OK)
		goto out;
	r = proto_body_decode(out, body.data, body.len);
	if (r != PROTO_OK)
		goto out;
	if (hash)
		proto_sha256(data, len, hash);
out:
	proto_buf_release(&body);
	return r;
}

proto_result proto_open(const uint8_t *data, size_t len, const proto_key *key, proto_changeset *out,
			uint8_t hash[32])
{
	if (!key) {
		if (out)
			memset(out, 0, sizeof(*out));
		return PROTO_EINVAL;
	}
	return open_checked(data, len, key, NULL, out, hash);
}

proto_result proto_open_stored(const uint8_t *data, size_t len, const uint8_t hash[32],
			       proto_changeset *out)
{
	if (!hash) {
		if (out)
			memset(out, 0, sizeof(*out));
		return PROTO_EINVAL;
	}
	return open_checked(data, len, NULL, hash, out, NULL);
}
