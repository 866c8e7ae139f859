/*
 * web.h - the web layer both programs may build their pages on: what a
 * browser sends (form bodies, query strings, a Cookie header, Origin and
 * Referer), what a page needs (HTML escaping, session and CSRF tokens, the
 * Set-Cookie line). Nothing here knows of the hub or the agent. Every parser
 * takes hostile input: it never reads past the given length, checks every
 * %-escape, refuses NUL bytes and hands back only valid UTF-8 (docs/WEB.md).
 *
 * Ownership: out buffers are the caller's; nothing is kept between calls.
 * The evhttp side (headers, replies, static files) is in web_http.h, the
 * sign-in throttle in web_throttle.h.
 */
#ifndef MAIAM_WEB_H
#define MAIAM_WEB_H

#include <stddef.h>
#include <stdint.h>
#include "maiam/buf.h"

typedef enum web_result {
	WEB_OK = 0,     /* found (a lookup) or done */
	WEB_ABSENT,     /* the key or cookie is not there: out is "" */
	WEB_EMALFORMED, /* a bad or cut %-escape, a NUL, a pair without a key, bad UTF-8 */
	WEB_EDUPLICATE, /* the key is there more than once: neither value is taken */
	WEB_ETOOLONG,   /* the value does not fit in out with its NUL */
	WEB_EARG,       /* a NULL or empty key, a NULL or zero-sized out */
	WEB_ENOMEM,
	WEB_ECRYPTO, /* OpenSSL could not give random bytes or a MAC */
} web_result;

/* A lowercase phrase for r ("malformed input"...), never NULL. */
const char *web_strerror(web_result r);

/* ---- HTML ----------------------------------------------------------------- */

/* Append s with & < > " ' escaped, fit for element text and quoted
 * attribute values. 0 ok, -1 the buffer's cap was reached. */
int web_html_escape(proto_buf *b, const char *s);

/* ---- forms and query strings (application/x-www-form-urlencoded) ------- */

/*
 * The decoded value of 'key' in the first len bytes of a form ('&'-separated
 * "key=value" pairs, '+' for space, %XX escapes; keys are decoded too, and a
 * pair "key" without '=' has the value ""; empty pairs are skipped). The
 * whole form must be well formed, wherever the key sits in it. On WEB_OK
 * out holds the value, NUL-terminated; on anything else out is "" (wiped:
 * it may have held half a password).
 */
web_result web_form_value(const char *form, size_t len, const char *key, char *out, size_t outlen);
/* The same for a NUL-terminated query string (the part after '?'; NULL is
 * an empty query). */
web_result web_query_value(const char *query, const char *key, char *out, size_t outlen);

/* ---- forms with files (multipart/form-data, RFC 7578) ------------------- */

#define WEB_BOUNDARY_MAX 70 /* RFC 2046: at most 70 characters */

/* The boundary of a Content-Type header "multipart/form-data; boundary=X"
 * (quoted or not) into out (at least WEB_BOUNDARY_MAX + 1 bytes). WEB_OK;
 * WEB_ABSENT for another type (NULL too); WEB_EMALFORMED for a missing,
 * empty, too long or ill-formed boundary. */
web_result web_multipart_boundary(const char *content_type, char *out, size_t outlen);

/* One part of a multipart body. data points into the body (borrowed). */
typedef struct web_part {
	char name[64];      /* the field's name */
	char filename[256]; /* the file's name without any folder, "" if not a file */
	int is_file;        /* a filename parameter was sent (a file input, maybe empty) */
	char type[128];     /* its Content-Type, "" if none was sent */
	const uint8_t *data;
	size_t len;
} web_part;

/*
 * The part of body (len bytes, boundary from web_multipart_boundary) that
 * starts at *pos (0 for the first); *pos is moved past it. WEB_OK with
 * part filled; WEB_ABSENT after the last part; WEB_EMALFORMED for a body
 * that is cut, lacks a delimiter, has a part without a form-data name,
 * headers over 8 KiB, or a name or filename that is not printable UTF-8.
 * A part's bytes are not looked at: a file is the caller's to check.
 */
web_result web_multipart_next(const void *body, size_t len, const char *boundary, size_t *pos,
			      web_part *part);
/*
 * The text field key of a multipart body, as web_form_value gives a form's:
 * the whole body must be well formed; the value must be UTF-8 without NUL;
 * a key sent twice is WEB_EDUPLICATE; a file part of that name is
 * WEB_ABSENT (web_multipart_next reads files).
 */
web_result web_multipart_value(const void *body, size_t len, const char *boundary, const char *key,
			       char *out, size_t outlen);

/* ---- cookies (RFC 6265) --------------------------------------------------- */

/*
 * The value of cookie 'name' in a NUL-terminated Cookie header ("a=1; b=2";
 * NULL: none). Values are not %-decoded; one in double quotes is unquoted.
 * The named cookie's value must be cookie-octets only; other cookies are
 * skipped whatever they hold. A name sent twice is WEB_EDUPLICATE: a cookie
 * set for another path or by a sibling host must not be taken for ours.
 */
web_result web_cookie_value(const char *header, const char *name, char *out, size_t outlen);

/* Cookie attributes a session cookie wants: only over HTTPS (a server on
 * loopback over plain HTTP leaves WEB_COOKIE_SECURE out), never to scripts,
 * never on a request another site starts. */
enum {
	WEB_COOKIE_SECURE = 1 << 0,
	WEB_COOKIE_HTTPONLY = 1 << 1,
	WEB_COOKIE_SAMESITE_STRICT = 1 << 2,
	WEB_COOKIE_SESSION = WEB_COOKIE_SECURE | WEB_COOKIE_HTTPONLY | WEB_COOKIE_SAMESITE_STRICT,
};

/*
 * A Set-Cookie value into out: "name=value; Max-Age=N; Path=/" and the
 * attributes of flags, in the order HttpOnly, Secure, SameSite=Strict.
 * value "" with max_age 0 deletes the cookie. name must be a token and
 * value cookie-octets (WEB_EMALFORMED otherwise); WEB_ETOOLONG if it does
 * not fit (out is then "").
 */
web_result web_cookie_format(char *out, size_t outlen, const char *name, const char *value, int max_age,
			     unsigned flags);

/* ---- session and CSRF tokens --------------------------------------------- */

#define WEB_TOKEN_BYTES 32
#define WEB_TOKEN_HEX (2 * WEB_TOKEN_BYTES) /* characters, without the NUL */

/* A new session token: 32 random bytes as 64 lowercase hex characters. A
 * server keeps only its web_token_hash, so a copy of its database opens no
 * session. WEB_OK or WEB_ECRYPTO (out is then ""). */
web_result web_token_new(char out[WEB_TOKEN_HEX + 1]);
/* Is tok exactly 64 lowercase hex characters? 1 yes, 0 no (NULL: no). */
int web_token_valid(const char *tok);
/* SHA-256 of the token's characters: what a server stores. */
void web_token_hash(const char *tok, uint8_t out[32]);

/*
 * A CSRF token bound to one session: HMAC-SHA256 of the session token
 * under the server's secret key, 64 hex. A form carries it in a hidden
 * field; web_csrf_check compares in constant time. 1 it matches, 0 not
 * (a NULL or malformed token is 0).
 */
web_result web_csrf_token(const uint8_t key[32], const char *session, char out[WEB_TOKEN_HEX + 1]);
int web_csrf_check(const uint8_t key[32], const char *session, const char *given);

/* ---- where a request comes from ------------------------------------------ */

/*
 * Was a POST sent by one of our own pages? scheme ("https" or "http") and
 * host (the Host header: "name[:port]") say where the server is reached.
 * Origin, when the browser sends it, must name exactly that origin (scheme,
 * host and port; "null" does not); without Origin, Referer must be a URL
 * of that origin. Neither: 0 (every browser sends Origin on a POST; a client
 * that sends neither is not a browser form). Parsed with libcurl's URL API.
 * 1 same origin, 0 not.
 */
int web_same_origin(const char *scheme, const char *host, const char *origin, const char *referer);

/*
 * Is host (a Host header) this loopback server's own name: exactly
 * "127.0.0.1:PORT" or "localhost:PORT" (any case) for port? A server bound
 * to loopback alone still gets requests a page of another site sends
 * through a name it made resolve to 127.0.0.1 (DNS rebinding): such a
 * request names that site in its Host. 1 ours, 0 not (NULL: not).
 */
int web_host_loopback(const char *host, int port);

#endif
