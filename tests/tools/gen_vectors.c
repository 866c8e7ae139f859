/*
 * gen_vectors.c - regenerate the golden vectors of the change-set format and
 * of the hub files (tests/vectors/, described in proto/FORMAT.md). Built with the tests, never
 * run by ctest: the committed files are the reference, and test_seal.c checks
 * that today's code still produces them byte for byte.
 *
 *   gen_vectors DIR     # reuses DIR/codec-test.key if present, else makes one
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include "maiam/proto.h"
#include "golden_records.h"
#include "golden_award.h"
#include "golden_records_target.h"
#include "golden_hubfiles.h"
#include "zdict.h"

static int write_file(const char *dir, const char *name, const void *p, size_t len, mode_t mode)
{
	char path[4096];
	proto_result r;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	r = proto_write_file_atomic(path, p, len, mode);
	if (r != PROTO_OK) {
		fprintf(stderr, "gen_vectors: cannot write '%s': %s\n", path, proto_strerror(r));
		return -1;
	}
	printf("wrote %s (%zu bytes)\n", path, len);
	return 0;
}

/*
 * The forgery: inflate the body, change GOLDEN_TEXT to GOLDEN_FORGED_TEXT,
 * deflate again, patch zbody_len in the header, keep key id and signature.
 * Everything but the signature is then valid, so only the signature check
 * can catch it.
 */
static uint8_t *find(uint8_t *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return hay + i;
	return NULL;
}

/* zlib with the format's preset dictionary, both ways (FORMAT.md, "Compression"). */
static int zinflate(const uint8_t *z, size_t zlen, uint8_t *out, size_t len)
{
	z_stream s;
	int zr, ok = 0;

	memset(&s, 0, sizeof s);
	if (inflateInit(&s) != Z_OK)
		return 0;
	s.next_in = (Bytef *)z;
	s.avail_in = (uInt)zlen;
	s.next_out = out;
	s.avail_out = (uInt)len;
	zr = inflate(&s, Z_FINISH);
	if (zr == Z_NEED_DICT && inflateSetDictionary(&s, proto_zdict(), (uInt)proto_zdict_len()) == Z_OK)
		zr = inflate(&s, Z_FINISH);
	ok = zr == Z_STREAM_END && s.total_out == len;
	inflateEnd(&s);
	return ok;
}

static int zdeflate(const uint8_t *in, size_t len, uint8_t *out, size_t *zlen)
{
	z_stream s;
	int ok;

	memset(&s, 0, sizeof s);
	if (deflateInit2(&s, 9, Z_DEFLATED, 15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	ok = deflateSetDictionary(&s, proto_zdict(), (uInt)proto_zdict_len()) == Z_OK;
	s.next_in = (Bytef *)in;
	s.avail_in = (uInt)len;
	s.next_out = out;
	s.avail_out = (uInt)*zlen;
	ok = ok && deflate(&s, Z_FINISH) == Z_STREAM_END;
	*zlen = s.total_out;
	deflateEnd(&s);
	return ok;
}

static int forge(const uint8_t *sealed, size_t len, const proto_header *h, const char *text,
		 const char *forged_text, proto_buf *out)
{
	size_t hlen = 79 + strlen(h->campaign);
	size_t blen = h->body_len, zlen;
	uint8_t *body = malloc(blen), *z = NULL, *hit;
	int rc = -1;

	(void)len;
	if (!body || !zinflate(sealed + hlen, h->zbody_len, body, blen))
		goto out;
	hit = find(body, blen, text);
	if (!hit)
		goto out;
	memcpy(hit, forged_text, strlen(forged_text));
	zlen = compressBound(blen) + 64;
	z = malloc(zlen);
	if (!z || !zdeflate(body, blen, z, &zlen))
		goto out;
	if (proto_buf_append(out, sealed, hlen - 4) || proto_buf_put_be32(out, (uint32_t)zlen) ||
	    proto_buf_append(out, z, zlen) || proto_buf_append(out, sealed + hlen + h->zbody_len, 72))
		goto out;
	rc = 0;
out:
	free(body);
	free(z);
	return rc;
}

/* Flip one byte of a signed file at off, keeping its signature. */
static int write_forged(const char *dir, const char *name, proto_buf *b, size_t off)
{
	int rc;

	b->data[off] ^= 0x01;
	rc = write_file(dir, name, b->data, b->len, 0644);
	b->data[off] ^= 0x01;
	return rc;
}

/* The enrolment file, the update file and the claim, each with a forgery:
 * one byte of a field changed (the enrolment token's last character, the
 * cursor's last byte, the claim token's first character), the signature
 * kept. */
static int hubfiles(const char *dir, const proto_key *key, const uint8_t *item, size_t len)
{
	proto_enrol_file e;
	proto_update_file u;
	proto_claim_file c;
	proto_buf enrol, update, claim;
	const uint8_t *items[1] = { item };
	size_t lens[1] = { len };
	uint8_t *at;
	int rc = -1;

	proto_buf_init(&enrol, PROTO_ENROL_MAX_FILE);
	proto_buf_init(&update, PROTO_UPDATE_MAX_FILE);
	proto_buf_init(&claim, PROTO_CLAIM_MAX_FILE);
	golden_enrol(&e, key);
	golden_claim(&c, key);
	golden_update(&u, GOLDEN_UPDATE_AGENT);
	if (proto_enrol_write(&enrol, &e, key) != PROTO_OK ||
	    proto_update_write(&update, &u, items, lens, 1, key) != PROTO_OK ||
	    proto_claim_write(&claim, &c, key) != PROTO_OK) {
		fprintf(stderr, "gen_vectors: could not write the hub files\n");
		goto out;
	}
	at = find(enrol.data, enrol.len, e.token);
	if (!at || write_file(dir, "enrol-1.maiam", enrol.data, enrol.len, 0644) ||
	    write_forged(dir, "enrol-forged-1.maiam", &enrol,
			 (size_t)(at - enrol.data) + strlen(e.token) - 1))
		goto out;
	/* the cursor field (tag 18, length 8) is the fifth of the header */
	for (at = update.data; at + 5 <= update.data + update.len; at++)
		if (memcmp(at, "\x12\0\0\0\x08", 5) == 0)
			break;
	if (at + 5 > update.data + update.len)
		at = NULL;
	if (!at || write_file(dir, "update-1.maiam", update.data, update.len, 0644) ||
	    write_forged(dir, "update-forged-1.maiam", &update, (size_t)(at - update.data) + 12))
		goto out;
	/* version 2, with the hub's feedback: its forgery changes the
	 * national id's last digit */
	proto_buf_reset(&update);
	golden_update2(&u, GOLDEN_UPDATE_AGENT);
	at = proto_update_write(&update, &u, items, lens, 1, key) == PROTO_OK
		     ? find(update.data, update.len, "094185000123")
		     : NULL;
	if (!at || write_file(dir, "update-2.maiam", update.data, update.len, 0644) ||
	    write_forged(dir, "update-forged-2.maiam", &update, (size_t)(at - update.data) + 11))
		goto out;
	at = find(claim.data, claim.len, c.token);
	if (!at || write_file(dir, "claim-1.maiam", claim.data, claim.len, 0644) ||
	    write_forged(dir, "claim-forged-1.maiam", &claim, (size_t)(at - claim.data)))
		goto out;
	rc = 0;
out:
	proto_buf_release(&claim);
	proto_buf_release(&enrol);
	proto_buf_release(&update);
	return rc;
}

/* Seal build's records with key as golden change-set stem ("golden-2"):
 * STEM.bin and STEM.sha256 written. 0 or -1 (said). */
static int seal_golden(const char *dir, const proto_key *key, const char *stem,
		       proto_result (*build)(proto_changeset *, uint64_t), proto_changeset *cs,
		       proto_buf *sealed)
{
	uint8_t hash[32];
	char hex[65], name[64];
	proto_result r = build(cs, proto_key_id(key));

	if (r == PROTO_OK)
		r = proto_seal(cs, key, sealed, hash);
	if (r != PROTO_OK) {
		fprintf(stderr, "gen_vectors: sealing the records of %s failed: %s\n", stem,
			proto_strerror(r));
		return -1;
	}
	proto_hex(hash, 32, hex);
	hex[64] = '\n';
	snprintf(name, sizeof(name), "%s.bin", stem);
	if (write_file(dir, name, sealed->data, sealed->len, 0644))
		return -1;
	snprintf(name, sizeof(name), "%s.sha256", stem);
	return write_file(dir, name, hex, 65, 0644);
}

/*
 * Golden change-set 2 (format version 2, photo records) and its two
 * forgeries: forged-2.bin changes the first photo's hash in the body (a
 * bad signature), v1-photo-2.bin is the same change-set with header
 * version 1 and a valid signature over that header: a version 1 change-set
 * cannot carry a photo, so only the body decoder can refuse it.
 */
static int version2(const char *dir, const proto_key *key, proto_changeset *cs, proto_buf *sealed,
		    proto_buf *forged)
{
	uint8_t sig[PROTO_SIG_LEN];
	size_t signed_len;

	if (seal_golden(dir, key, "golden-2", golden2_build, cs, sealed))
		return -1;
	if (forge(sealed->data, sealed->len, &cs->hdr, GOLDEN2_SHA256, "8", forged) ||
	    write_file(dir, "forged-2.bin", forged->data, forged->len, 0644)) {
		fprintf(stderr, "gen_vectors: could not build forgery 2\n");
		return -1;
	}
	/* the version byte follows the 4-byte magic; sign again over the new header */
	signed_len = sealed->len - 8 - PROTO_SIG_LEN;
	sealed->data[4] = 1;
	if (proto_sign(key, sealed->data, signed_len, sig) != PROTO_OK)
		return -1;
	memcpy(sealed->data + signed_len + 8, sig, PROTO_SIG_LEN);
	return write_file(dir, "v1-photo-2.bin", sealed->data, sealed->len, 0644);
}

/*
 * Golden change-set 3 (format version 3, decisions signed with the
 * operator's name) and its forgery: forged-3.bin changes the first
 * operator's name in the body, the signature kept.
 */
static int version3(const char *dir, const proto_key *key, proto_changeset *cs, proto_buf *sealed,
		    proto_buf *forged)
{
	if (seal_golden(dir, key, "golden-3", golden3_build, cs, sealed))
		return -1;
	if (forge(sealed->data, sealed->len, &cs->hdr, GOLDEN3_WHO, GOLDEN3_FORGED_WHO, forged) ||
	    write_file(dir, "forged-3.bin", forged->data, forged->len, 0644)) {
		fprintf(stderr, "gen_vectors: could not build forgery 3\n");
		return -1;
	}
	return 0;
}

/*
 * Golden change-set 3-award (award nominations: decision fields 8..13 in
 * format version 3) and its forgery: forged-3-award.bin changes the number
 * of houses in the achievements after signing.
 */
static int version3_award(const char *dir, const proto_key *key, proto_changeset *cs, proto_buf *sealed,
			  proto_buf *forged)
{
	if (seal_golden(dir, key, "golden-3-award", golden_award_build, cs, sealed))
		return -1;
	if (forge(sealed->data, sealed->len, &cs->hdr, GOLDEN_AWARD_TEXT, GOLDEN_AWARD_FORGED_TEXT,
		  forged) ||
	    write_file(dir, "forged-3-award.bin", forged->data, forged->len, 0644)) {
		fprintf(stderr, "gen_vectors: could not build the award forgery\n");
		return -1;
	}
	return 0;
}

/*
 * Golden change-set 3-target (commune targets, decision field 7) and its
 * forgery: forged-3-target.bin changes the first target's commune code in
 * the body, the signature kept.
 */
static int version3_target(const char *dir, const proto_key *key, proto_changeset *cs, proto_buf *sealed,
			   proto_buf *forged)
{
	if (seal_golden(dir, key, "golden-3-target", golden3_target_build, cs, sealed))
		return -1;
	if (forge(sealed->data, sealed->len, &cs->hdr, GOLDEN_TARGET_COMMUNE, GOLDEN_TARGET_FORGED,
		  forged) ||
	    write_file(dir, "forged-3-target.bin", forged->data, forged->len, 0644)) {
		fprintf(stderr, "gen_vectors: could not build forgery 3-target\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir;
	char path[4096], hex[65], *pem = NULL;
	proto_key *key = NULL;
	proto_changeset cs;
	proto_buf sealed, forged;
	uint8_t hash[32];
	struct stat st;
	proto_result r;
	int rc = 1;

	proto_buf_init(&sealed, PROTO_MAX_ZBODY + 4096);
	proto_buf_init(&forged, PROTO_MAX_ZBODY + 4096);
	memset(&cs, 0, sizeof cs);
	if (argc != 2) {
		fprintf(stderr, "usage: gen_vectors DIR\n");
		return 2;
	}
	dir = argv[1];
	snprintf(path, sizeof path, "%s/codec-test.key", dir);
	if (stat(path, &st) == 0) {
		r = proto_key_load_private(path, &key);
	} else {
		r = proto_key_generate(&key);
		if (r == PROTO_OK)
			r = proto_key_save_private(key, path);
	}
	if (r == PROTO_OK)
		r = proto_key_public_pem(key, &pem);
	if (r != PROTO_OK) {
		fprintf(stderr, "gen_vectors: key '%s': %s\n", path, proto_strerror(r));
		goto out;
	}
	if (write_file(dir, "codec-test.pub", pem, strlen(pem), 0644))
		goto out;
	r = golden_build(&cs, proto_key_id(key));
	if (r == PROTO_OK)
		r = proto_seal(&cs, key, &sealed, hash);
	if (r != PROTO_OK) {
		fprintf(stderr, "gen_vectors: sealing the golden records failed: %s\n", proto_strerror(r));
		goto out;
	}
	proto_hex(hash, 32, hex);
	hex[64] = '\n';
	if (write_file(dir, "golden-1.bin", sealed.data, sealed.len, 0644) ||
	    write_file(dir, "golden-1.sha256", hex, 65, 0644))
		goto out;
	if (forge(sealed.data, sealed.len, &cs.hdr, GOLDEN_TEXT, GOLDEN_FORGED_TEXT, &forged)) {
		fprintf(stderr, "gen_vectors: could not build the forged copy\n");
		goto out;
	}
	if (write_file(dir, "forged-1.bin", forged.data, forged.len, 0644))
		goto out;
	if (hubfiles(dir, key, sealed.data, sealed.len))
		goto out;
	proto_changeset_release(&cs);
	sealed.len = forged.len = 0;
	if (version2(dir, key, &cs, &sealed, &forged))
		goto out;
	proto_changeset_release(&cs);
	sealed.len = forged.len = 0;
	if (version3(dir, key, &cs, &sealed, &forged))
		goto out;
	proto_changeset_release(&cs);
	sealed.len = forged.len = 0;
	if (version3_award(dir, key, &cs, &sealed, &forged))
		goto out;
	proto_changeset_release(&cs);
	sealed.len = forged.len = 0;
	if (version3_target(dir, key, &cs, &sealed, &forged))
		goto out;
	rc = 0;
out:
	free(pem);
	proto_key_free(key);
	proto_changeset_release(&cs);
	proto_buf_release(&sealed);
	proto_buf_release(&forged);
	return rc;
}
