/*
 * parse.c - form, query and cookie values from what a browser sends
 * (web.h). Splitting a form and decoding its values is libevent's
 * evhttp_parse_query_str; what libevent lets through is refused here first:
 * it keeps a bad escape as it stands, cuts a value at an escaped NUL and
 * never looks at UTF-8. The whole input is checked even after the key is
 * found, so the answer never depends on where in a malformed form the key
 * sits. Fuzzed by tests/fuzz/fuzz_webparse.c.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h> /* TAILQ_FOREACH over an evkeyvalq */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>
#include "maiam/changeset.h"
#include "maiam/keys.h"
#include "maiam/web.h"

/* Far more than any form a page of ours sends; bounds what a caller that
 * forgot its own cap lets this allocate. */
#define WEB_INPUT_MAX ((size_t)1 << 20)

const char *web_strerror(web_result r)
{
	switch (r) {
	case WEB_OK:
		return "no error";
	case WEB_ABSENT:
		return "not there";
	case WEB_EMALFORMED:
		return "malformed input (a bad %-escape, a NUL byte, a pair without a"
		       " name or text that is not UTF-8)";
	case WEB_EDUPLICATE:
		return "the same name is sent more than once";
	case WEB_ETOOLONG:
		return "value too long";
	case WEB_EARG:
		return "bad argument";
	case WEB_ENOMEM:
		return "out of memory";
	case WEB_ECRYPTO:
		return "cryptography failed (OpenSSL)";
	}
	return "unknown error";
}

static web_result refuse(char *out, size_t outlen, web_result r)
{
	if (out && outlen)
		OPENSSL_cleanse(out, outlen); /* it may hold half a password */
	return r;
}

/*
 * Check form[0..len) and copy it to canon in the shape evhttp takes: no
 * empty pairs, every pair with its '=', NUL-terminated. WEB_OK, or
 * WEB_EMALFORMED for a raw NUL, a cut or non-hex escape, an escaped NUL or
 * a pair without a key. canon holds at least 2 * len + 1 bytes.
 */
static web_result canonical(const char *form, size_t len, char *canon)
{
	size_t pos = 0, o = 0;

	while (pos < len) {
		const char *p = form + pos, *amp = memchr(p, '&', len - pos);
		size_t n = amp ? (size_t)(amp - p) : len - pos, i;
		int has_eq = 0, hi, lo;

		pos += n + (amp ? 1 : 0);
		if (n == 0)
			continue; /* "a=1&&b=2": browsers never send it, harmless */
		if (p[0] == '=')
			return WEB_EMALFORMED;
		for (i = 0; i < n; i++) {
			if (p[i] == '\0')
				return WEB_EMALFORMED;
			if (p[i] == '=')
				has_eq = 1;
			if (p[i] != '%')
				continue;
			if (n - i < 3 || (hi = proto_hex_digit((unsigned char)p[i + 1])) < 0 ||
			    (lo = proto_hex_digit((unsigned char)p[i + 2])) < 0 || hi * 16 + lo == 0)
				return WEB_EMALFORMED;
			i += 2;
		}
		if (o)
			canon[o++] = '&';
		memcpy(canon + o, p, n);
		o += n;
		if (!has_eq)
			canon[o++] = '=';
	}
	canon[o] = '\0';
	return WEB_OK;
}

/* Does the urlencoded key raw decode to key? 1 yes, 0 no, -1 out of memory. */
static int key_is(const char *raw, const char *key)
{
	size_t n = 0;
	char *k = evhttp_uridecode(raw, 1, &n);
	int same;

	if (!k)
		return -1;
	same = n == strlen(key) && memcmp(k, key, n) == 0;
	free(k);
	return same;
}

web_result web_form_value(const char *form, size_t len, const char *key, char *out, size_t outlen)
{
	struct evkeyvalq q;
	struct evkeyval *kv;
	const char *value = NULL;
	char *canon = NULL;
	size_t canon_size = 0;
	web_result r;
	int same;

	TAILQ_INIT(&q);
	if (out && outlen)
		out[0] = '\0';
	if (!key || !*key || !out || !outlen)
		return refuse(out, outlen, WEB_EARG);
	if (!form || len == 0)
		return WEB_ABSENT;
	if (len > WEB_INPUT_MAX)
		return refuse(out, outlen, WEB_ETOOLONG);
	canon_size = 2 * len + 1;
	if (!(canon = malloc(canon_size)))
		return refuse(out, outlen, WEB_ENOMEM);
	if ((r = canonical(form, len, canon)) != WEB_OK)
		goto out;
	r = WEB_ABSENT;
	if (!canon[0])
		goto out;
	if (evhttp_parse_query_str(canon, &q) != 0) {
		r = WEB_EMALFORMED; /* canonical() let nothing through that it refuses */
		goto out;
	}
	r = WEB_OK;
	TAILQ_FOREACH(kv, &q, next)
	{
		if ((same = key_is(kv->key, key)) < 0) {
			r = WEB_ENOMEM;
			goto out;
		}
		if (same && value) {
			r = WEB_EDUPLICATE; /* "name=a&name=b": which one? neither */
			goto out;
		}
		if (same)
			value = kv->value;
	}
	if (!value)
		r = WEB_ABSENT;
	else if (strlen(value) + 1 > outlen)
		r = WEB_ETOOLONG;
	else if (!proto_utf8_valid(value, strlen(value)))
		r = WEB_EMALFORMED;
	else
		memcpy(out, value, strlen(value) + 1);
out:
	TAILQ_FOREACH(kv, &q, next)
	OPENSSL_cleanse(kv->value, strlen(kv->value));
	evhttp_clear_headers(&q);
	if (canon)
		OPENSSL_cleanse(canon, canon_size);
	free(canon);
	return r == WEB_OK || r == WEB_ABSENT ? r : refuse(out, outlen, r);
}

web_result web_query_value(const char *query, const char *key, char *out, size_t outlen)
{
	return web_form_value(query, query ? strlen(query) : 0, key, out, outlen);
}

/* RFC 6265 cookie-octet: visible ASCII but DQUOTE, comma, semicolon, backslash */
static int cookie_octet(int c)
{
	return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

static const char *skip_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *trim_blank(const char *p, const char *end)
{
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return end;
}

web_result web_cookie_value(const char *header, const char *name, char *out, size_t outlen)
{
	size_t nlen = name ? strlen(name) : 0, vlen, i;
	const char *p = header;
	int found = 0;

	if (out && outlen)
		out[0] = '\0';
	if (!nlen || !out || !outlen)
		return refuse(out, outlen, WEB_EARG);
	while (p && *p) {
		const char *semi = strchr(p, ';'), *end = semi ? semi : p + strlen(p), *eq, *v;

		p = skip_blank(p, end);
		end = trim_blank(p, end);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq && (size_t)(trim_blank(p, eq) - p) == nlen && memcmp(p, name, nlen) == 0) {
			if (found)
				return refuse(out, outlen, WEB_EDUPLICATE);
			v = skip_blank(eq + 1, end);
			vlen = (size_t)(end - v);
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
				v++;
				vlen -= 2;
			}
			if (vlen + 1 > outlen)
				return refuse(out, outlen, WEB_ETOOLONG);
			for (i = 0; i < vlen; i++)
				if (!cookie_octet((unsigned char)v[i]))
					return refuse(out, outlen, WEB_EMALFORMED);
			memcpy(out, v, vlen);
			out[vlen] = '\0';
			found = 1;
		}
		p = semi ? semi + 1 : NULL;
	}
	return found ? WEB_OK : WEB_ABSENT;
}

int web_html_escape(proto_buf *b, const char *s)
{
	for (; s && *s; s++) {
		const char *ent = NULL;
		switch (*s) {
		case '&':
			ent = "&amp;";
			break;
		case '<':
			ent = "&lt;";
			break;
		case '>':
			ent = "&gt;";
			break;
		case '"':
			ent = "&quot;";
			break;
		case '\'':
			ent = "&#39;";
			break;
		}
		if (ent ? proto_buf_append_str(b, ent) : proto_buf_append_byte(b, (uint8_t)*s))
			return -1;
	}
	return 0;
}
