/*
 * backupfile.c - the pieces both programs' backups share (backupfile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include "maiam/alloc.h"
#include "maiam/backupfile.h"

#define SEAL_MAGIC "MAIAM-SEALED-KEY 1\n"
#define SALT_LEN 16
#define NONCE_LEN 12
#define TAG_LEN 16
#define SCRYPT_N 32768u
#define SCRYPT_R 8u
#define SCRYPT_P 1u
#define COPY_CHUNK (64u << 10)

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

proto_result proto_passphrase_seal(const char *passphrase, const char *aad, const uint8_t *plain,
				   size_t len, proto_buf *out)
{
	size_t head = strlen(SEAL_MAGIC);
	uint8_t key[32], *p;
	proto_result rc = PROTO_ECRYPTO;

	proto_buf_reset(out);
	if (len > (size_t)INT32_MAX ||
	    proto_buf_reserve(out, head + SALT_LEN + NONCE_LEN + len + TAG_LEN) != PROTO_OK)
		return PROTO_ENOMEM;
	p = out->data;
	memcpy(p, SEAL_MAGIC, head);
	if (RAND_bytes(p + head, SALT_LEN + NONCE_LEN) != 1 || derive(passphrase, p + head, key) ||
	    gcm(1, key, p + head + SALT_LEN, aad, plain, len, p + head + SALT_LEN + NONCE_LEN,
		p + head + SALT_LEN + NONCE_LEN + len))
		goto done;
	out->len = head + SALT_LEN + NONCE_LEN + len + TAG_LEN;
	rc = PROTO_OK;
done:
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

proto_result proto_passphrase_open(const char *passphrase, const char *aad, const uint8_t *sealed,
				   size_t len, proto_buf *out)
{
	size_t head = strlen(SEAL_MAGIC), body;
	uint8_t key[32], tag[TAG_LEN];
	const uint8_t *salt = sealed + head, *nonce = salt + SALT_LEN;
	proto_result rc = PROTO_ESIGNATURE;

	proto_buf_reset(out);
	if (len < head + SALT_LEN + NONCE_LEN + TAG_LEN || memcmp(sealed, SEAL_MAGIC, head) != 0)
		return PROTO_EMAGIC;
	body = len - head - SALT_LEN - NONCE_LEN - TAG_LEN;
	memcpy(tag, sealed + len - TAG_LEN, TAG_LEN);
	if (body > (size_t)INT32_MAX || proto_buf_reserve(out, body + 1) != PROTO_OK)
		return PROTO_ENOMEM;
	if (derive(passphrase, salt, key) ||
	    gcm(0, key, nonce, aad, nonce + NONCE_LEN, body, out->data, tag)) {
		OPENSSL_cleanse(out->data, body);
		goto done;
	}
	out->len = body;
	rc = PROTO_OK;
done:
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

proto_result proto_passphrase_read(const char *file, char *out, size_t size)
{
	int from_stdin = strcmp(file, "-") == 0;
	FILE *f;
	size_t n;
	proto_result rc = PROTO_EVALUE;

	if (from_stdin && isatty(STDIN_FILENO))
		return PROTO_EINVAL;
	f = from_stdin ? stdin : fopen(file, "re");
	if (!f)
		return proto_eio(errno);
	out[0] = '\0';
	if (fgets(out, (int)size, f)) {
		n = strcspn(out, "\r\n");
		if (n > 0 && (out[n] || feof(f))) /* the line ended within size */
			rc = PROTO_OK;
		out[n] = '\0';
	}
	if (!from_stdin)
		fclose(f);
	return rc;
}

proto_result proto_copy_file_sha256(const char *src, const char *dest, mode_t mode, uint8_t sha[32],
				    uint64_t *size)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, err = 0;
	uint8_t *chunk = proto_malloc(COPY_CHUNK);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned hlen = 0;
	ssize_t n;

	*size = 0;
	if (!chunk || !md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		err = ENOMEM;
		goto done;
	}
	if (in < 0 || (dest && (out = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) < 0)) {
		err = errno;
		goto done;
	}
	while ((n = read(in, chunk, COPY_CHUNK)) > 0) {
		if (dest && write(out, chunk, (size_t)n) != n) {
			err = errno ? errno : EIO;
			goto done;
		}
		EVP_DigestUpdate(md, chunk, (size_t)n);
		*size += (uint64_t)n;
	}
	if (n < 0 || (dest && fsync(out) != 0))
		err = errno;
	else
		EVP_DigestFinal_ex(md, sha, &hlen);
done:
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0 && !err)
		err = errno;
	if (err && out >= 0)
		unlink(dest);
	free(chunk);
	EVP_MD_CTX_free(md);
	return err ? proto_eio(err) : PROTO_OK;
}
