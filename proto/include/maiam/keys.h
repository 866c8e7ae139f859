/*
 * keys.h - Ed25519 keys (OpenSSL 3), key ids, signing.
 *
 * A proto_key holds a private or a public Ed25519 key. The key id is the
 * first 8 bytes (big-endian) of SHA-256 over the 32-byte raw public key; it
 * is also the "origin" of every change-set signed by that key.
 * Private key files are PKCS#8 PEM, written atomically with mode 0600.
 * proto_key_free wipes and frees; proto_key_free(NULL) is a no-op.
 */
#ifndef MAIAM_KEYS_H
#define MAIAM_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include "result.h"

#define PROTO_PUBKEY_LEN 32
#define PROTO_SIG_LEN 64

typedef struct proto_key proto_key;

proto_result proto_key_generate(proto_key **out);
proto_result proto_key_save_private(const proto_key *k, const char *path);
proto_result proto_key_load_private(const char *path, proto_key **out);
proto_result proto_key_from_public(const uint8_t raw[PROTO_PUBKEY_LEN], proto_key **out);
/* Public key as PEM (SubjectPublicKeyInfo) text and back, for files and HTTP. */
proto_result proto_key_public_pem(const proto_key *k, char **out /* free() */);
proto_result proto_key_from_public_pem(const char *pem, size_t len, proto_key **out);
void proto_key_public_raw(const proto_key *k, uint8_t raw[PROTO_PUBKEY_LEN]);
uint64_t proto_key_id(const proto_key *k);
uint64_t proto_key_id_of_raw(const uint8_t raw[PROTO_PUBKEY_LEN]);
int proto_key_has_private(const proto_key *k);
void proto_key_free(proto_key *k);

/* Ed25519 (pure, no prehash) over msg. Sign needs a private key. */
proto_result proto_sign(const proto_key *k, const uint8_t *msg, size_t len, uint8_t sig[PROTO_SIG_LEN]);
proto_result proto_verify(const proto_key *k, const uint8_t *msg, size_t len,
			  const uint8_t sig[PROTO_SIG_LEN]);

/* SHA-256 */
void proto_sha256(const uint8_t *p, size_t len, uint8_t out[32]);
/* Lowercase hex of n bytes into out (2n+1 chars incl. NUL). */
void proto_hex(const uint8_t *p, size_t n, char *out);
/* Key id as 16 lowercase hex digits. */
void proto_key_id_hex(uint64_t id, char out[17]);
/* The value of one hex digit (either case), or -1 if c is none. */
int proto_hex_digit(int c);
/* A key id from the 16 hex digits (either case) that start s: 0, or -1 if
 * s ends or has another byte before 16 digits. It reads no further: callers
 * check what follows (the end of a key id, the '-' of ORIGIN-SERIAL). The
 * one reader of what proto_key_id_hex writes, for both programs. */
int proto_key_id_parse(const char *s, uint64_t *out);

#endif
