/*
 * fuzz_webparse.c - libFuzzer target for the web layer's parsers of browser
 * input (web/include/maiam/web.h): the input is a form body (in a heap block
 * of exactly its size, so a read past len is caught by ASan), then a query
 * and a Cookie header (NUL-terminated copy), then a multipart/form-data
 * body with the boundary "xB" (what a browser's file form sends: each part,
 * then text fields by name) and the copy as a Content-Type header. The
 * first byte picks the output size, so the "value too long" edges are
 * reached; each answer's promises are checked.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/changeset.h"
#include "maiam/web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What every parser promises: found means a NUL-terminated value that fits;
 * not found or refused means an empty out; no answer outside the enum. */
static void check(web_result rc, const char *out, size_t outlen, int utf8)
{
	size_t n = strnlen(out, outlen);

	if (rc < WEB_OK || rc > WEB_ECRYPTO || rc == WEB_EARG || n >= outlen)
		abort();
	if (rc != WEB_OK && n != 0)
		abort();
	if (rc == WEB_OK && utf8 && !proto_utf8_valid(out, n))
		abort();
}

/* Every part of a multipart body, then its text fields: a part lies
 * inside the body and its names are NUL-terminated printable strings. */
static void multipart(const char *body, const char *str, size_t size, char *out, size_t outlen)
{
	static const char *const keys[] = { "csrf", "name", "photo" };
	char boundary[WEB_BOUNDARY_MAX + 1];
	size_t pos = 0, last = 0;
	web_part part;
	web_result r;

	while ((r = web_multipart_next(body, size, "xB", &pos, &part)) == WEB_OK) {
		if (part.data < (const uint8_t *)body || part.len > size ||
		    part.data + part.len > (const uint8_t *)body + size || pos <= last || pos > size ||
		    strnlen(part.name, sizeof(part.name)) == sizeof(part.name) ||
		    strnlen(part.filename, sizeof(part.filename)) == sizeof(part.filename) ||
		    (!part.is_file && part.filename[0]))
			abort();
		last = pos;
	}
	if (r != WEB_ABSENT && r != WEB_EMALFORMED)
		abort();
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		check(web_multipart_value(body, size, "xB", keys[i], out, outlen), out, outlen, 1);
	r = web_multipart_boundary(str, boundary, sizeof(boundary));
	if (r != WEB_OK && r != WEB_ABSENT && r != WEB_EMALFORMED)
		abort();
	if (r == WEB_OK && (!boundary[0] || strlen(boundary) > WEB_BOUNDARY_MAX))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "name", "password", "kind", "as_of" };
	char out[300], *body, *str;
	size_t outlen, i;

	if (size == 0)
		return 0;
	outlen = 1 + data[0] % sizeof(out);
	data++;
	size--;
	body = malloc(size ? size : 1);
	str = malloc(size + 1);
	if (!body || !str)
		abort();
	memcpy(body, data, size);
	memcpy(str, data, size);
	str[size] = '\0';
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		check(web_form_value(body, size, keys[i], out, outlen), out, outlen, 1);
		check(web_query_value(str, keys[i], out, outlen), out, outlen, 1);
	}
	check(web_cookie_value(str, "maiam_session", out, outlen), out, outlen, 0);
	check(web_cookie_value(str, "a", out, outlen), out, outlen, 0);
	(void)web_same_origin("https", "127.0.0.1:8443", str, NULL);
	(void)web_same_origin("https", "127.0.0.1:8443", NULL, str);
	multipart(body, str, size, out, outlen);
	free(body);
	free(str);
	return 0;
}
