/*
 * token.c - session tokens, CSRF tokens and the Set-Cookie line (web.h).
 * Randomness, SHA-256 and HMAC are OpenSSL's; every comparison of a secret
 * is constant-time (CRYPTO_memcmp) so its timing tells a guesser nothing.
 */
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include "maiam/keys.h"
#include "maiam/web.h"

web_result web_token_new(char out[WEB_TOKEN_HEX + 1])
{
	uint8_t raw[WEB_TOKEN_BYTES];
	web_result r = WEB_ECRYPTO;

	out[0] = '\0';
	if (RAND_bytes(raw, sizeof(raw)) == 1) {
		proto_hex(raw, sizeof(raw), out);
		r = WEB_OK;
	}
	OPENSSL_cleanse(raw, sizeof(raw));
	return r;
}

int web_token_valid(const char *tok)
{
	return tok && strlen(tok) == WEB_TOKEN_HEX && strspn(tok, "0123456789abcdef") == WEB_TOKEN_HEX;
}

void web_token_hash(const char *tok, uint8_t out[32])
{
	proto_sha256((const uint8_t *)tok, tok ? strlen(tok) : 0, out);
}

web_result web_csrf_token(const uint8_t key[32], const char *session, char out[WEB_TOKEN_HEX + 1])
{
	uint8_t mac[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	out[0] = '\0';
	if (!session)
		return WEB_EARG;
	if (!HMAC(EVP_sha256(), key, 32, (const unsigned char *)session, strlen(session), mac, &n) ||
	    n != WEB_TOKEN_BYTES)
		return WEB_ECRYPTO;
	proto_hex(mac, WEB_TOKEN_BYTES, out);
	OPENSSL_cleanse(mac, sizeof(mac));
	return WEB_OK;
}

int web_csrf_check(const uint8_t key[32], const char *session, const char *given)
{
	char want[WEB_TOKEN_HEX + 1];
	int same;

	if (!web_token_valid(given) || web_csrf_token(key, session, want) != WEB_OK)
		return 0;
	same = CRYPTO_memcmp(want, given, WEB_TOKEN_HEX) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return same;
}

/* RFC 6265 cookie-name: an RFC 7230 token */
static int token_char(int c)
{
	return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c);
}

web_result web_cookie_format(char *out, size_t outlen, const char *name, const char *value, int max_age,
			     unsigned flags)
{
	size_t i;
	int n;

	if (!out || !outlen)
		return WEB_EARG;
	out[0] = '\0';
	if (!name || !*name || !value || max_age < 0)
		return WEB_EARG;
	for (i = 0; name[i]; i++)
		if (!token_char((unsigned char)name[i]))
			return WEB_EMALFORMED;
	for (i = 0; value[i]; i++)
		if (value[i] <= 0x20 || value[i] >= 0x7f || strchr("\",;\\", value[i]))
			return WEB_EMALFORMED;
	n = snprintf(out, outlen, "%s=%s; Max-Age=%d; Path=/%s%s%s", name, value, max_age,
		     flags & WEB_COOKIE_HTTPONLY ? "; HttpOnly" : "",
		     flags & WEB_COOKIE_SECURE ? "; Secure" : "",
		     flags & WEB_COOKIE_SAMESITE_STRICT ? "; SameSite=Strict" : "");
	if (n < 0 || (size_t)n >= outlen) {
		OPENSSL_cleanse(out, outlen);
		return WEB_ETOOLONG;
	}
	return WEB_OK;
}
