/*
 * keys.c - Ed25519 keys with OpenSSL 3 (EVP_PKEY), key ids and signatures.
 * Private keys live only in the laptop's (or hub's) key file, mode 0600,
 * written atomically; buffers that held them are wiped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include "maiam/alloc.h"
#include "maiam/buf.h"
#include "maiam/fsutil.h"
#include "maiam/keys.h"

#define KEY_FILE_MAX 16384

struct proto_key {
	EVP_PKEY *pkey;
	int has_private;
	uint8_t pub[PROTO_PUBKEY_LEN];
	uint64_t id;
};

static proto_result wrap(EVP_PKEY *pkey, int has_private, proto_key **out)
{
	proto_key *k;
	size_t n = PROTO_PUBKEY_LEN;

	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(pkey);
		return PROTO_EKEYFILE;
	}
	k = proto_calloc(1, sizeof *k);
	if (!k) {
		EVP_PKEY_free(pkey);
		return PROTO_ENOMEM;
	}
	if (EVP_PKEY_get_raw_public_key(pkey, k->pub, &n) != 1 || n != PROTO_PUBKEY_LEN) {
		EVP_PKEY_free(pkey);
		free(k);
		return PROTO_ECRYPTO;
	}
	k->pkey = pkey;
	k->has_private = has_private;
	k->id = proto_key_id_of_raw(k->pub);
	*out = k;
	return PROTO_OK;
}

proto_result proto_key_generate(proto_key **out)
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	*out = NULL;
	if (!pkey)
		return PROTO_ECRYPTO;
	return wrap(pkey, 1, out);
}

proto_result proto_key_save_private(const proto_key *k, const char *path)
{
	BIO *bio = NULL;
	char *pem = NULL;
	long n;
	proto_result r = PROTO_ECRYPTO;

	if (!k || !k->has_private)
		return PROTO_EINVAL;
	bio = BIO_new(BIO_s_secmem());
	if (!bio)
		goto out;
	if (PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL, NULL) != 1)
		goto out;
	n = BIO_get_mem_data(bio, &pem);
	if (n <= 0)
		goto out;
	r = proto_write_file_atomic(path, pem, (size_t)n, 0600);
out:
	BIO_free(bio); /* a secure-heap BIO wipes its memory */
	return r;
}

proto_result proto_key_load_private(const char *path, proto_key **out)
{
	proto_buf b;
	BIO *bio = NULL;
	EVP_PKEY *pkey = NULL;
	proto_result r;

	*out = NULL;
	proto_buf_init(&b, KEY_FILE_MAX);
	r = proto_read_file(path, &b);
	if (r != PROTO_OK) {
		r = r == PROTO_ETOOBIG ? PROTO_EKEYFILE : r;
		goto out;
	}
	r = PROTO_EKEYFILE;
	bio = BIO_new_mem_buf(b.data, (int)b.len);
	if (!bio)
		goto out;
	pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	if (!pkey)
		goto out;
	r = wrap(pkey, 1, out);
out:
	BIO_free(bio);
	if (b.data)
		OPENSSL_cleanse(b.data, b.len);
	proto_buf_release(&b);
	return r;
}

proto_result proto_key_from_public(const uint8_t raw[PROTO_PUBKEY_LEN], proto_key **out)
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw, PROTO_PUBKEY_LEN);
	*out = NULL;
	if (!pkey)
		return PROTO_EKEYFILE;
	return wrap(pkey, 0, out);
}

proto_result proto_key_public_pem(const proto_key *k, char **out)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p = NULL;
	long n;
	proto_result r = PROTO_ECRYPTO;

	*out = NULL;
	if (!bio)
		return PROTO_ENOMEM;
	if (PEM_write_bio_PUBKEY(bio, k->pkey) != 1)
		goto out;
	n = BIO_get_mem_data(bio, &p);
	if (n <= 0)
		goto out;
	*out = proto_strndup(p, (size_t)n);
	r = *out ? PROTO_OK : PROTO_ENOMEM;
out:
	BIO_free(bio);
	return r;
}

proto_result proto_key_from_public_pem(const char *pem, size_t len, proto_key **out)
{
	BIO *bio;
	EVP_PKEY *pkey;

	*out = NULL;
	if (len > KEY_FILE_MAX || len > INT32_MAX)
		return PROTO_EKEYFILE;
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return PROTO_ENOMEM;
	pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!pkey)
		return PROTO_EKEYFILE;
	return wrap(pkey, 0, out);
}

void proto_key_public_raw(const proto_key *k, uint8_t raw[PROTO_PUBKEY_LEN])
{
	memcpy(raw, k->pub, PROTO_PUBKEY_LEN);
}

uint64_t proto_key_id(const proto_key *k)
{
	return k->id;
}

uint64_t proto_key_id_of_raw(const uint8_t raw[PROTO_PUBKEY_LEN])
{
	uint8_t h[32];
	uint64_t id = 0;

	proto_sha256(raw, PROTO_PUBKEY_LEN, h);
	for (int i = 0; i < 8; i++)
		id = id << 8 | h[i];
	return id;
}

int proto_key_has_private(const proto_key *k)
{
	return k && k->has_private;
}

void proto_key_free(proto_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey); /* OpenSSL wipes the private key material */
	OPENSSL_cleanse(k, sizeof *k);
	free(k);
}

proto_result proto_sign(const proto_key *k, const uint8_t *msg, size_t len, uint8_t sig[PROTO_SIG_LEN])
{
	EVP_MD_CTX *ctx;
	size_t siglen = PROTO_SIG_LEN;
	proto_result r = PROTO_ECRYPTO;

	if (!k || !k->has_private)
		return PROTO_EINVAL;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return PROTO_ENOMEM;
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
	    EVP_DigestSign(ctx, sig, &siglen, msg, len) == 1 && siglen == PROTO_SIG_LEN)
		r = PROTO_OK;
	EVP_MD_CTX_free(ctx);
	return r;
}

proto_result proto_verify(const proto_key *k, const uint8_t *msg, size_t len,
			  const uint8_t sig[PROTO_SIG_LEN])
{
	EVP_MD_CTX *ctx;
	proto_result r = PROTO_ESIGNATURE;

	if (!k)
		return PROTO_EINVAL;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return PROTO_ENOMEM;
	if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k->pkey) != 1)
		r = PROTO_ECRYPTO;
	else if (EVP_DigestVerify(ctx, sig, PROTO_SIG_LEN, msg, len) == 1)
		r = PROTO_OK;
	EVP_MD_CTX_free(ctx);
	return r;
}

void proto_sha256(const uint8_t *p, size_t len, uint8_t out[32])
{
	unsigned int n = 32;
	/* EVP_Digest with SHA-256 cannot fail for in-memory input short of OOM */
	if (EVP_Digest(p, len, out, &n, EVP_sha256(), NULL) != 1)
		memset(out, 0, 32);
}

void proto_hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

void proto_key_id_hex(uint64_t id, char out[17])
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(id >> (56 - 8 * i));
	proto_hex(b, 8, out);
}

int proto_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int proto_key_id_parse(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!s)
		return -1;
	for (int i = 0; i < 16; i++) {
		int d = proto_hex_digit((unsigned char)s[i]); /* a NUL stops here: -1 */

		if (d < 0)
			return -1;
		v = (v << 4) | (uint64_t)d;
	}
	*out = v;
	return 0;
}
