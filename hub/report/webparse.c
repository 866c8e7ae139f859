/*
 * webparse.c - form, query and cookie parsing for the dashboard (webparse.h).
 * Written for hostile input and fuzzed (tests/fuzz/fuzz_webparse.c): every
 * index is checked against the length before it is read, and the whole input
 * is validated even after the key is found, so the answer never depends on
 * where in a malformed form the wanted key happens to sit.
 */
#include <string.h>
#include "maiam/changeset.h"
#include "maiam/keys.h"
#include "webparse.h"

/* The next decoded byte of an urlencoded key or value p[*i..n), advancing
 * *i; -1 for a truncated or non-hex escape and for a NUL, raw or escaped. */
static int next_byte(const char *p, size_t n, size_t *i)
{
	int c = (unsigned char)p[*i], hi, lo;

	if (c == '+') {
		c = ' ';
	} else if (c == '%') {
		if (n - *i < 3 || (hi = proto_hex_digit((unsigned char)p[*i + 1])) < 0 ||
		    (lo = proto_hex_digit((unsigned char)p[*i + 2])) < 0)
			return -1;
		c = hi * 16 + lo;
		*i += 2;
	}
	(*i)++;
	return c == 0 ? -1 : c;
}

/* 1 when the decoded p[0..n) equals key, 0 when not, -1 when malformed. */
static int key_equals(const char *p, size_t n, const char *key)
{
	size_t i = 0, k = 0;
	int same = 1, c;

	while (i < n) {
		if ((c = next_byte(p, n, &i)) < 0)
			return -1;
		if (same && key[k] != '\0' && (unsigned char)key[k] == c)
			k++;
		else
			same = 0;
	}
	return same && key[k] == '\0';
}

static int fail(char *out, size_t outlen)
{
	if (out && outlen)
		memset(out, 0, outlen); /* it may hold half a password */
	return -1;
}

int hub_form_value(const char *form, size_t len, const char *key, char *out, size_t outlen)
{
	size_t pos = 0;
	int found = 0;

	if (out && outlen)
		out[0] = '\0';
	if (!key || !*key || !out || !outlen)
		return fail(out, outlen);
	while (form && pos < len) {
		const char *p = form + pos, *amp = memchr(p, '&', len - pos);
		size_t n = amp ? (size_t)(amp - p) : len - pos, klen, i;
		const char *eq = memchr(p, '=', n);
		int match;

		pos += n + (amp ? 1 : 0);
		if (n == 0)
			continue; /* "a=1&&b=2": browsers never send it, harmless */
		klen = eq ? (size_t)(eq - p) : n;
		if (klen == 0 || (match = key_equals(p, klen, key)) < 0)
			return fail(out, outlen);
		if (match && found)
			return fail(out, outlen); /* "name=a&name=b": which one? neither */
		i = eq ? klen + 1 : n;
		if (match) {
			size_t o = 0;
			while (i < n) {
				int c = next_byte(p, n, &i);
				if (c < 0 || o + 1 >= outlen)
					return fail(out, outlen);
				out[o++] = (char)c;
			}
			out[o] = '\0';
			if (!proto_utf8_valid(out, o))
				return fail(out, outlen);
			found = 1;
		} else {
			while (i < n)
				if (next_byte(p, n, &i) < 0)
					return fail(out, outlen);
		}
	}
	return found;
}

int hub_query_value(const char *query, const char *key, char *out, size_t outlen)
{
	return hub_form_value(query, query ? strlen(query) : 0, key, out, outlen);
}

/* RFC 6265 cookie-octet: visible ASCII but DQUOTE, comma, semicolon, backslash */
static int cookie_octet(int c)
{
	return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

int hub_cookie_value(const char *header, const char *name, char *out, size_t outlen)
{
	size_t nlen = name ? strlen(name) : 0;
	const char *p = header;
	int found = 0;

	if (out && outlen)
		out[0] = '\0';
	if (!nlen || !out || !outlen)
		return fail(out, outlen);
	while (p && *p) {
		const char *semi = strchr(p, ';'), *end = semi ? semi : p + strlen(p), *eq, *v;
		size_t vlen, i;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq) {
			const char *kend = eq;
			while (kend > p && (kend[-1] == ' ' || kend[-1] == '\t'))
				kend--;
			if ((size_t)(kend - p) == nlen && memcmp(p, name, nlen) == 0) {
				if (found)
					return fail(out, outlen);
				v = eq + 1;
				while (v < end && (*v == ' ' || *v == '\t'))
					v++;
				vlen = (size_t)(end - v);
				if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
					v++;
					vlen -= 2;
				}
				if (vlen + 1 > outlen)
					return fail(out, outlen);
				for (i = 0; i < vlen; i++)
					if (!cookie_octet((unsigned char)v[i]))
						return fail(out, outlen);
				memcpy(out, v, vlen);
				out[vlen] = '\0';
				found = 1;
			}
		}
		p = semi ? semi + 1 : NULL;
	}
	return found;
}
