/*
 * backup_keys.c - a key file sealed with a passphrase for a backup
 * (backup.h): scrypt (N 2^15, r 8, p 1: about 32 MiB and a tenth of a
 * second, once per backup or restore) derives an AES-256-GCM key from the
 * passphrase and a random salt; the part's name is authenticated with it,
 * so a sealed key cannot be passed off as another.
 *
 * Layout: "MAIAM-SEALED-KEY 1\n", salt (16), nonce (12), ciphertext, tag (16).
 */
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include "backup.h"
#include "i18n.h"

#define SEAL_MAGIC "MAIAM-SEALED-KEY 1\n"
#define SALT_LEN 16
#define NONCE_LEN 12
#define TAG_LEN 16
#define SCRYPT_N 32768u
#define SCRYPT_R 8u
#define SCRYPT_P 1u

static int derive(const char *passphrase, const uint8_t salt[SALT_LEN], uint8_t key[32])
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
	EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	uint64_t n = SCRYPT_N;
	uint32_t r = SCRYPT_R, p = SCRYPT_P;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)passphrase,
						  strlen(passphrase)),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, SALT_LEN),
		OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
		OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
		OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
		OSSL_PARAM_construct_end(),
	};
	int rc = kctx && EVP_KDF_derive(kctx, key, 32, params) == 1 ? 0 : -1;

	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return rc;
}

/* AES-256-GCM one way or the other over in (len bytes) into out. */
static int gcm(int seal, const uint8_t key[32], const uint8_t nonce[NONCE_LEN], const char *aad,
	       const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[TAG_LEN])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, ok;

	ok = c && EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, key, nonce, seal) == 1 &&
	     EVP_CipherUpdate(c, NULL, &n, (const uint8_t *)aad, (int)strlen(aad)) == 1 &&
	     (len == 0 || EVP_CipherUpdate(c, out, &n, in, (int)len) == 1) &&
	     (seal || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1) &&
	     EVP_CipherFinal_ex(c, out + n, &n) == 1 &&
	     (!seal || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) == 1);
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

hub_result hub_backup_seal_key(const char *passphrase, const char *name, const uint8_t *plain,
			       size_t len, proto_buf *out, char *err, size_t errlen)
{
	uint8_t key[32], *p;
	size_t head = strlen(SEAL_MAGIC);
	hub_result rc = HUB_ECRYPTO;

	proto_buf_reset(out);
	if (proto_buf_reserve(out, head + SALT_LEN + NONCE_LEN + len + TAG_LEN) != PROTO_OK) {
		snprintf(err, errlen, _("out of memory sealing '%s'"), name);
		return HUB_ENOMEM;
	}
	p = out->data;
	memcpy(p, SEAL_MAGIC, head);
	if (RAND_bytes(p + head, SALT_LEN + NONCE_LEN) != 1 || derive(passphrase, p + head, key) ||
	    gcm(1, key, p + head + SALT_LEN, name, plain, len, p + head + SALT_LEN + NONCE_LEN,
		p + head + SALT_LEN + NONCE_LEN + len)) {
		snprintf(err, errlen, _("cannot seal '%s' with the passphrase (OpenSSL failed)"), name);
		goto done;
	}
	out->len = head + SALT_LEN + NONCE_LEN + len + TAG_LEN;
	rc = HUB_OK;
done:
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

hub_result hub_backup_open_key(const char *passphrase, const char *name, const uint8_t *sealed,
			       size_t len, proto_buf *out, char *err, size_t errlen)
{
	uint8_t key[32], tag[TAG_LEN];
	size_t head = strlen(SEAL_MAGIC), body;
	const uint8_t *salt = sealed + head, *nonce = salt + SALT_LEN;
	hub_result rc = HUB_REFUSED;

	proto_buf_reset(out);
	if (len < head + SALT_LEN + NONCE_LEN + TAG_LEN || memcmp(sealed, SEAL_MAGIC, head) != 0) {
		snprintf(err, errlen, _("the backup's '%s' is not a sealed key"), name);
		return HUB_REFUSED;
	}
	body = len - head - SALT_LEN - NONCE_LEN - TAG_LEN;
	memcpy(tag, sealed + len - TAG_LEN, TAG_LEN);
	if (proto_buf_reserve(out, body + 1) != PROTO_OK) {
		snprintf(err, errlen, _("out of memory opening '%s'"), name);
		return HUB_ENOMEM;
	}
	if (derive(passphrase, salt, key) ||
	    gcm(0, key, nonce, name, nonce + NONCE_LEN, body, out->data, tag)) {
		OPENSSL_cleanse(out->data, body);
		snprintf(err, errlen,
			 _("the passphrase does not open the backup's keys: give the passphrase"
			   " the backup was made with"));
		goto done;
	}
	out->len = body;
	rc = HUB_OK;
done:
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}
