/*
 * multipart.c - the parts of a multipart/form-data body (web.h), the way
 * a browser sends a form with files: "--B CRLF headers CRLF CRLF data
 * CRLF --B ... --B--". Everything is bounded by the given length; a part's
 * data is handed back as a pointer into the body, never copied. Only the
 * headers a browser sends are read (Content-Disposition's name and
 * filename, Content-Type); the rest are skipped. Fuzzed by
 * tests/fuzz/fuzz_webparse.c.
 */
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include "maiam/changeset.h"
#include "maiam/web.h"

#define PART_HEADERS_MAX 8192

/* The first n-byte needle in hay[0..len), or NULL. */
static const uint8_t *find(const uint8_t *hay, size_t len, const char *needle, size_t n)
{
	for (size_t i = 0; n && i + n <= len; i++)
		if (hay[i] == (uint8_t)needle[0] && memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

/* RFC 2046 bcharsnospace, with space allowed inside. */
static int boundary_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       strchr("'()+_,-./:=? ", c) != NULL;
}

web_result web_multipart_boundary(const char *content_type, char *out, size_t outlen)
{
	static const char type[] = "multipart/form-data";
	const char *p, *end;
	size_t n;

	if (!out || outlen < WEB_BOUNDARY_MAX + 1)
		return WEB_EARG;
	out[0] = '\0';
	if (!content_type || strncasecmp(content_type, type, sizeof(type) - 1) != 0 ||
	    (content_type[sizeof(type) - 1] && content_type[sizeof(type) - 1] != ';' &&
	     content_type[sizeof(type) - 1] != ' '))
		return WEB_ABSENT;
	for (p = content_type + sizeof(type) - 1; *p; p++) {
		p += strspn(p, " ;\t");
		if (strncasecmp(p, "boundary=", 9) == 0)
			break;
		p += strcspn(p, ";");
		if (!*p)
			return WEB_EMALFORMED;
	}
	if (!*p)
		return WEB_EMALFORMED;
	p += 9;
	if (*p == '"') {
		end = strchr(++p, '"');
		if (!end)
			return WEB_EMALFORMED;
	} else {
		end = p + strcspn(p, "; \t");
	}
	n = (size_t)(end - p);
	if (n == 0 || n > WEB_BOUNDARY_MAX || p[n - 1] == ' ')
		return WEB_EMALFORMED;
	for (size_t i = 0; i < n; i++)
		if (!boundary_char(p[i]))
			return WEB_EMALFORMED;
	memcpy(out, p, n);
	out[n] = '\0';
	return WEB_OK;
}

/* A parameter's value (quoted or a token) of a Content-Disposition header
 * value hv[0..len) into out; 1 found, 0 not, -1 malformed or too long.
 * Browsers write '"', CR and LF of a name as %22, %0D, %0A and leave '\\'
 * as it is (HTML's form encoding), so a backslash is no escape here: an
 * old browser's "C:\\x\\y.jpg" keeps its folders for the caller to drop. */
static int disposition_param(const char *hv, size_t len, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key), i = 0, o = 0;

	while (i < len) {
		while (i < len && hv[i] != ';') { /* to the next parameter */
			if (hv[i] == '"')         /* a ';' inside quotes is no separator */
				for (i++; i < len && hv[i] != '"'; i++)
					;
			i++;
		}
		for (i++; i < len && (hv[i] == ' ' || hv[i] == '\t'); i++)
			;
		if (i + klen + 1 > len || strncasecmp(hv + i, key, klen) != 0 || hv[i + klen] != '=')
			continue;
		i += klen + 1;
		if (i < len && hv[i] == '"') {
			for (i++; i < len && hv[i] != '"'; i++) {
				if (o + 1 >= outlen)
					return -1;
				out[o++] = hv[i];
			}
			if (i >= len)
				return -1;
		} else {
			for (; i < len && hv[i] != ';' && hv[i] != ' '; i++) {
				if (o + 1 >= outlen)
					return -1;
				out[o++] = hv[i];
			}
		}
		out[o] = '\0';
		return 1;
	}
	return 0;
}

/* Printable UTF-8: no byte below 0x20, no DEL. */
static int printable(const char *s)
{
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	return proto_utf8_valid(s, strlen(s));
}

/* The headers h[0..len) of one part into part; 0, or -1 malformed. */
static int part_headers(const char *h, size_t len, web_part *part)
{
	size_t i = 0, eol, colon;
	int have_name = 0;

	while (i < len) {
		const uint8_t *crlf = find((const uint8_t *)h + i, len - i, "\r\n", 2);
		const char *v;
		size_t vlen;

		eol = crlf ? (size_t)((const char *)crlf - h) : len;
		for (colon = i; colon < eol && h[colon] != ':'; colon++)
			;
		if (colon == eol)
			return -1;
		v = h + colon + 1;
		vlen = eol - colon - 1;
		while (vlen && (*v == ' ' || *v == '\t'))
			v++, vlen--;
		if (colon - i == 19 && strncasecmp(h + i, "Content-Disposition", 19) == 0) {
			char file[4 * sizeof(part->filename)]; /* with the client's folders */
			const char *base;
			int got;

			/* a second disposition would leave the first one's file name */
			if (have_name || vlen < 9 || strncasecmp(v, "form-data", 9) != 0 ||
			    disposition_param(v, vlen, "name", part->name, sizeof(part->name)) != 1)
				return -1;
			have_name = 1;
			got = disposition_param(v, vlen, "filename", file, sizeof(file));
			if (got < 0)
				return -1;
			part->is_file = got;
			if (got) {
				/* the client's name only: no folder of its machine */
				base = strrchr(file, '/');
				base = base ? base + 1 : file;
				if (strrchr(base, '\\'))
					base = strrchr(base, '\\') + 1;
				if (strlen(base) >= sizeof(part->filename))
					return -1;
				memcpy(part->filename, base, strlen(base) + 1);
			}
		} else if (colon - i == 12 && strncasecmp(h + i, "Content-Type", 12) == 0) {
			if (vlen >= sizeof(part->type))
				return -1;
			memcpy(part->type, v, vlen);
			part->type[vlen] = '\0';
		}
		i = eol + 2;
	}
	if (!have_name || !printable(part->name) || !printable(part->filename) || !printable(part->type))
		return -1;
	return 0;
}

web_result web_multipart_next(const void *body, size_t len, const char *boundary, size_t *pos,
			      web_part *part)
{
	const uint8_t *b = body, *hdr_end, *next;
	char delim[WEB_BOUNDARY_MAX + 5]; /* CRLF "--" boundary */
	size_t dlen, at;

	if (!boundary || !*boundary || strlen(boundary) > WEB_BOUNDARY_MAX || !pos || !part ||
	    (!body && len))
		return WEB_EARG;
	memset(part, 0, sizeof(*part));
	dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
	at = *pos;
	if (at == 0) { /* the first delimiter: at the start, or after a preamble */
		if (len >= dlen - 2 && memcmp(b, delim + 2, dlen - 2) == 0) {
			at = dlen - 2;
		} else {
			next = find(b, len, delim, dlen);
			if (!next)
				return WEB_EMALFORMED;
			at = (size_t)(next - b) + dlen;
		}
	}
	if (at > len)
		return WEB_EMALFORMED;
	if (len - at >= 2 && b[at] == '-' && b[at + 1] == '-')
		return WEB_ABSENT; /* the close delimiter; an epilogue is ignored */
	while (at < len && (b[at] == ' ' || b[at] == '\t'))
		at++;
	if (len - at < 2 || b[at] != '\r' || b[at + 1] != '\n')
		return WEB_EMALFORMED;
	at += 2;
	hdr_end = find(b + at, len - at > PART_HEADERS_MAX + 4 ? PART_HEADERS_MAX + 4 : len - at,
		       "\r\n\r\n", 4);
	if (!hdr_end || part_headers((const char *)b + at, (size_t)(hdr_end - b) - at, part) != 0) {
		memset(part, 0, sizeof(*part));
		return WEB_EMALFORMED;
	}
	at = (size_t)(hdr_end - b) + 4;
	next = find(b + at, len - at, delim, dlen);
	if (!next) {
		memset(part, 0, sizeof(*part));
		return WEB_EMALFORMED;
	}
	part->data = b + at;
	part->len = (size_t)(next - b) - at;
	*pos = (size_t)(next - b) + dlen;
	return WEB_OK;
}

web_result web_multipart_value(const void *body, size_t len, const char *boundary, const char *key,
			       char *out, size_t outlen)
{
	web_result r, found = WEB_ABSENT;
	size_t pos = 0;
	web_part part;

	if (!key || !*key || !out || !outlen)
		return WEB_EARG;
	out[0] = '\0';
	while ((r = web_multipart_next(body, len, boundary, &pos, &part)) == WEB_OK) {
		if (strcmp(part.name, key) != 0 || part.is_file)
			continue;
		if (found != WEB_ABSENT) {
			found = WEB_EDUPLICATE;
			continue;
		}
		if (memchr(part.data, '\0', part.len) ||
		    !proto_utf8_valid((const char *)part.data, part.len))
			found = WEB_EMALFORMED;
		else if (part.len + 1 > outlen)
			found = WEB_ETOOLONG;
		else {
			memcpy(out, part.data, part.len);
			out[part.len] = '\0';
			found = WEB_OK;
		}
	}
	if (r != WEB_ABSENT)
		found = r;
	if (found != WEB_OK)
		OPENSSL_cleanse(out, outlen);
	return found;
}
