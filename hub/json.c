/*
 * json.c - the little JSON the protocol needs: writing strings and error
 * objects, and reading string members of the one flat object a request
 * carries (enrolment). Anything else in a request body is refused.
 */
#include <string.h>
#include "hub.h"

int hub_json_str(proto_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s)
		return proto_buf_append_str(b, "null") ? -1 : 0;
	if (proto_buf_append_byte(b, '"'))
		return -1;
	for (; *p; p++) {
		int r;
		if (*p == '"' || *p == '\\')
			r = proto_buf_appendf(b, "\\%c", *p);
		else if (*p == '\n')
			r = proto_buf_append_str(b, "\\n");
		else if (*p < 0x20)
			r = proto_buf_appendf(b, "\\u%04x", *p);
		else
			r = proto_buf_append_byte(b, *p);
		if (r)
			return -1;
	}
	return proto_buf_append_byte(b, '"') ? -1 : 0;
}

int hub_json_error(proto_buf *b, const char *code, const char *message)
{
	if (proto_buf_append_str(b, "{\"error\": ") || hub_json_str(b, code) ||
	    proto_buf_append_str(b, ", \"message\": ") || hub_json_str(b, message) ||
	    proto_buf_append_str(b, "}\n"))
		return -1;
	return 0;
}

static size_t skip_ws(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse a string at s[i] == '"'; copy (unescaped) into out if out != NULL.
 * Returns the index after the closing quote, or 0 on malformed input. */
static size_t parse_str(const char *s, size_t len, size_t i, char *out, size_t outlen, size_t *n)
{
	size_t o = 0;

	if (i >= len || s[i] != '"')
		return 0;
	for (i++; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"') {
			if (out)
				out[o] = '\0';
			*n = o;
			return i + 1;
		}
		if (c < 0x20)
			return 0;
		if (c == '\\') {
			if (++i >= len)
				return 0;
			switch (s[i]) {
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			case '/': c = '/'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u': {
				/* only ASCII escapes: keys and PEM text need nothing more */
				int v = 0, k;
				if (i + 4 >= len)
					return 0;
				for (k = 1; k <= 4; k++) {
					int h = hexval(s[i + k]);
					if (h < 0)
						return 0;
					v = v * 16 + h;
				}
				if (v == 0 || v > 0x7f)
					return 0;
				c = (unsigned char)v;
				i += 4;
				break;
			}
			default:
				return 0;
			}
		}
		if (out) {
			if (o + 1 >= outlen)
				return 0;
			out[o] = (char)c;
		}
		o++;
	}
	return 0;
}

int hub_json_get_str(const char *s, size_t len, const char *key, char *out, size_t outlen)
{
	size_t i = skip_ws(s, len, 0), n;
	int found = 0;
	char name[64];

	if (i >= len || s[i] != '{')
		return -1;
	i = skip_ws(s, len, i + 1);
	if (i < len && s[i] == '}')
		return skip_ws(s, len, i + 1) == len ? 0 : -1;
	for (;;) {
		size_t j = parse_str(s, len, i, name, sizeof(name), &n);
		int match;
		if (!j)
			return -1;
		match = strcmp(name, key) == 0;
		i = skip_ws(s, len, j);
		if (i >= len || s[i] != ':')
			return -1;
		i = skip_ws(s, len, i + 1);
		if (match && found)
			return -1; /* duplicate member: ambiguous, refuse */
		j = parse_str(s, len, i, match ? out : NULL, outlen, &n);
		if (!j)
			return -1; /* only string members are part of the protocol */
		if (match)
			found = 1;
		i = skip_ws(s, len, j);
		if (i < len && s[i] == ',') {
			i = skip_ws(s, len, i + 1);
			continue;
		}
		if (i < len && s[i] == '}')
			break;
		return -1;
	}
	if (skip_ws(s, len, i + 1) != len)
		return -1;
	return found;
}
