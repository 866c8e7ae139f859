/*
 * test_web_multipart.c - multipart/form-data as the web layer reads it
 * (maiam/web.h, web/src/multipart.c): the body a browser sends for a form
 * with text fields and files, and the bodies a broken client or an
 * attacker sends: a preamble, a quoted boundary, CRLF and the boundary
 * inside a file's bytes, a body cut short, no close delimiter, headers
 * over 8 KiB, a name that is not UTF-8, a file name with a folder, a key
 * sent twice. Every body is copied into a heap block of exactly its size,
 * so a read past its end is an ASan report.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "maiam/web.h"
#include "testmain.h"

#define B "----WebKitFormBoundaryx7Qm2Zp9"

/* A body of len bytes in a block of exactly that size; the caller frees it. */
static char *exact(const char *bytes, size_t len)
{
	char *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, bytes, len);
	return p;
}

/* What Chromium sends for name, hamlet, two photos and the token. */
static const char browser_body[] = "--" B "\r\n"
				   "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
				   "abc123\r\n"
				   "--" B "\r\n"
				   "Content-Disposition: form-data; name=\"name\"\r\n\r\n"
				   "Nguyễn Văn An\r\n"
				   "--" B "\r\n"
				   "Content-Disposition: form-data; name=\"photo\"; filename=\"mái nhà.jpg\"\r\n"
				   "Content-Type: image/jpeg\r\n\r\n"
				   "\xff\xd8\xff\xe0\r\n\r\n--not-the-boundary\r\n\x00\x01\xff\xd9\r\n"
				   "--" B "\r\n"
				   "Content-Disposition: form-data; name=\"photo\"; filename=\"tuong.jpg\"\r\n"
				   "Content-Type: image/jpeg\r\n\r\n"
				   "\xff\xd8 text --" B " in the middle of a line\xff\xd9\r\n"
				   "--" B "\r\n"
				   "Content-Disposition: form-data; name=\"hamlet\"\r\n\r\n"
				   "Ấp 3\r\n"
				   "--" B "--\r\n";

static void test_browser_body(void **state)
{
	char *body = exact(browser_body, sizeof(browser_body) - 1);
	size_t len = sizeof(browser_body) - 1, pos = 0;
	static const char photo1[] = "\xff\xd8\xff\xe0\r\n\r\n--not-the-boundary\r\n\x00\x01\xff\xd9";
	static const char photo2[] = "\xff\xd8 text --" B " in the middle of a line\xff\xd9";
	web_part part;
	char v[64];

	(void)state;
	assert_int_equal(web_multipart_next(body, len, B, &pos, &part), WEB_OK);
	assert_string_equal(part.name, "csrf");
	assert_false(part.is_file);
	assert_int_equal(part.len, 6);
	assert_memory_equal(part.data, "abc123", 6);
	assert_int_equal(web_multipart_next(body, len, B, &pos, &part), WEB_OK);
	assert_string_equal(part.name, "name");
	/* CRLF, a line that starts with "--" and a NUL inside a file: its bytes */
	assert_int_equal(web_multipart_next(body, len, B, &pos, &part), WEB_OK);
	assert_string_equal(part.name, "photo");
	assert_true(part.is_file);
	assert_string_equal(part.filename, "mái nhà.jpg");
	assert_string_equal(part.type, "image/jpeg");
	assert_int_equal(part.len, sizeof(photo1) - 1);
	assert_memory_equal(part.data, photo1, sizeof(photo1) - 1);
	/* the boundary inside a file, not at a line's start, is data */
	assert_int_equal(web_multipart_next(body, len, B, &pos, &part), WEB_OK);
	assert_string_equal(part.filename, "tuong.jpg");
	assert_int_equal(part.len, sizeof(photo2) - 1);
	assert_memory_equal(part.data, photo2, sizeof(photo2) - 1);
	assert_int_equal(web_multipart_next(body, len, B, &pos, &part), WEB_OK);
	assert_string_equal(part.name, "hamlet");
	assert_int_equal(web_multipart_next(body, len, B, &pos, &part), WEB_ABSENT);

	assert_int_equal(web_multipart_value(body, len, B, "name", v, sizeof(v)), WEB_OK);
	assert_string_equal(v, "Nguyễn Văn An");
	assert_int_equal(web_multipart_value(body, len, B, "hamlet", v, sizeof(v)), WEB_OK);
	assert_string_equal(v, "Ấp 3");
	/* a file is never a text value */
	assert_int_equal(web_multipart_value(body, len, B, "photo", v, sizeof(v)), WEB_ABSENT);
	assert_string_equal(v, "");
	assert_int_equal(web_multipart_value(body, len, B, "note", v, sizeof(v)), WEB_ABSENT);
	/* a value one byte too long for out */
	assert_int_equal(web_multipart_value(body, len, B, "csrf", v, 6), WEB_ETOOLONG);
	assert_string_equal(v, "");
	assert_int_equal(web_multipart_value(body, len, B, "csrf", v, 7), WEB_OK);
	free(body);
}

static void test_boundary_header(void **state)
{
	char out[WEB_BOUNDARY_MAX + 1];

	(void)state;
	assert_int_equal(web_multipart_boundary("multipart/form-data; boundary=" B, out, sizeof(out)),
			 WEB_OK);
	assert_string_equal(out, B);
	assert_int_equal(web_multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b:c\"",
						out, sizeof(out)),
			 WEB_OK);
	assert_string_equal(out, "a b:c");
	assert_int_equal(web_multipart_boundary("multipart/form-data;boundary=x; charset=utf-8", out,
						sizeof(out)),
			 WEB_OK);
	assert_string_equal(out, "x");
	assert_int_equal(web_multipart_boundary("application/x-www-form-urlencoded", out, sizeof(out)),
			 WEB_ABSENT);
	assert_int_equal(web_multipart_boundary(NULL, out, sizeof(out)), WEB_ABSENT);
	assert_int_equal(web_multipart_boundary("multipart/form-datax; boundary=a", out, sizeof(out)),
			 WEB_ABSENT);
	assert_int_equal(web_multipart_boundary("multipart/form-data", out, sizeof(out)), WEB_EMALFORMED);
	assert_int_equal(web_multipart_boundary("multipart/form-data; boundary=", out, sizeof(out)),
			 WEB_EMALFORMED);
	assert_int_equal(web_multipart_boundary("multipart/form-data; boundary=\"abc", out, sizeof(out)),
			 WEB_EMALFORMED);
	assert_int_equal(web_multipart_boundary("multipart/form-data; boundary=a\"b", out, sizeof(out)),
			 WEB_EMALFORMED);
	assert_int_equal(web_multipart_boundary("multipart/form-data; boundary="
						"12345678901234567890123456789012345678901234567890"
						"123456789012345678901",
						out, sizeof(out)),
			 WEB_EMALFORMED);
	assert_int_equal(web_multipart_boundary("multipart/form-data; boundary=x", out, 10), WEB_EARG);
}

/* A quoted boundary with a space, a preamble before the first delimiter,
 * transport padding after a delimiter and an epilogue after the last. */
static void test_preamble_quoted(void **state)
{
	static const char text[] = "This is a preamble a client may send.\r\n"
				   "--a b:c  \r\n"
				   "Content-Disposition: form-data; name=note\r\n\r\n"
				   "mái tôn\r\n"
				   "--a b:c--\r\nand an epilogue\r\n";
	char boundary[WEB_BOUNDARY_MAX + 1], v[64];
	char *body = exact(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(web_multipart_boundary("multipart/form-data; boundary=\"a b:c\"", boundary,
						sizeof(boundary)),
			 WEB_OK);
	assert_int_equal(web_multipart_value(body, sizeof(text) - 1, boundary, "note", v, sizeof(v)),
			 WEB_OK);
	assert_string_equal(v, "mái tôn");
	free(body);
}

/* A body whose last bytes are cut off at every length: never a value,
 * never a read past the end. */
static void test_cut_body(void **state)
{
	static const char text[] = "--" B "\r\n"
				   "Content-Disposition: form-data; name=\"name\"\r\n\r\n"
				   "An\r\n"
				   "--" B "--";
	char v[64];

	(void)state;
	for (size_t len = 0; len < sizeof(text) - 1; len++) {
		char *body = exact(text, len);
		web_result r = web_multipart_value(body, len, B, "name", v, sizeof(v));

		if (r != WEB_EMALFORMED)
			fail_msg("cut at %zu: %s, want malformed", len, web_strerror(r));
		assert_string_equal(v, "");
		free(body);
	}
}

static void expect_malformed(const char *what, const char *text, size_t len, const char *key)
{
	char *body = exact(text, len), v[64];
	web_result r = web_multipart_value(body, len, B, key, v, sizeof(v));

	if (r != WEB_EMALFORMED)
		fail_msg("%s: %s, want malformed", what, web_strerror(r));
	assert_string_equal(v, "");
	free(body);
}

/* A part's start with its Content-Disposition, and the close after a value. */
#define HEAD(disposition) "--" B "\r\nContent-Disposition: " disposition "\r\n\r\n"
#define CLOSE "\r\n--" B "--\r\n"
#define HOSTILE(what, body) \
	{ \
		what, body, sizeof(body) - 1 \
	}

static void test_hostile(void **state)
{
	static const struct {
		const char *what, *text;
		size_t len; /* a NUL may be inside */
	} cases[] = {
		HOSTILE("no close delimiter", HEAD("form-data; name=\"name\"") "An\r\n--" B),
		HOSTILE("no close delimiter, CRLF", HEAD("form-data; name=\"name\"") "An\r\n--" B "\r\n"),
		HOSTILE("no delimiter at all", "name=An&hamlet=3"),
		HOSTILE("a name that is not UTF-8", HEAD("form-data; name=\"n\xc3\x28\"") "An" CLOSE),
		HOSTILE("a part without a name", HEAD("form-data; filename=\"a.jpg\"") "An" CLOSE),
		HOSTILE("not form-data", HEAD("attachment; name=\"name\"") "An" CLOSE),
		HOSTILE("a value that is not UTF-8", HEAD("form-data; name=\"name\"") "A\xff" CLOSE),
		HOSTILE("a NUL in a value", HEAD("form-data; name=\"name\"") "A\0n" CLOSE),
		HOSTILE("two dispositions, the first a file's",
			HEAD("form-data; name=\"name\"; filename=\"a.jpg\"\r\n"
			     "Content-Disposition: form-data; name=\"name\"") "An" CLOSE),
		HOSTILE("a header without a colon", HEAD("form-data; name=\"name\"\r\ngarbage") "An" CLOSE),
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_malformed(cases[i].what, cases[i].text, cases[i].len, "name");
}

/* A part's headers are at most 8 KiB: a longer block is refused whatever
 * it holds, a block just under is read. */
static void test_long_headers(void **state)
{
	const char *head = "--" B "\r\nContent-Disposition: form-data; name=\"name\"\r\nX-Pad: ";
	const char *tail = "\r\n\r\nAn\r\n--" B "--\r\n";
	size_t fixed = strlen("Content-Disposition: form-data; name=\"name\"\r\nX-Pad: ");
	char v[64];

	(void)state;
	for (int over = 0; over <= 1; over++) {
		size_t pad = 8192 - fixed + (size_t)over, len = strlen(head) + pad + strlen(tail);
		char *text = malloc(len), *body;

		assert_non_null(text);
		memcpy(text, head, strlen(head));
		memset(text + strlen(head), 'x', pad);
		memcpy(text + strlen(head) + pad, tail, strlen(tail));
		body = exact(text, len);
		assert_int_equal(web_multipart_value(body, len, B, "name", v, sizeof(v)),
				 over ? WEB_EMALFORMED : WEB_OK);
		free(body);
		free(text);
	}
}

/* A file name is the client's name only: no folder of its machine, with
 * '/' or '\' (old browsers sent "C:\x\y.jpg"; a backslash is no escape
 * there, browsers write '"' as %22). */
static void test_filename_folder(void **state)
{
	static const struct {
		const char *sent, *kept;
	} cases[] = {
		{ "C:\\x\\y.jpg", "y.jpg" },
		{ "/home/an/Ảnh/nhà.jpg", "nhà.jpg" },
		{ "../../etc/passwd", "passwd" },
		{ "a%22b.jpg", "a%22b.jpg" },
		{ "", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512], *body;
		int len = snprintf(text, sizeof(text),
				   "--" B "\r\nContent-Disposition: form-data; name=\"photo\"; "
				   "filename=\"%s\"\r\nContent-Type: image/jpeg\r\n\r\nJPEG\r\n--" B
				   "--\r\n",
				   cases[i].sent);
		size_t pos = 0;
		web_part part;

		assert_true(len > 0 && (size_t)len < sizeof(text));
		body = exact(text, (size_t)len);
		assert_int_equal(web_multipart_next(body, (size_t)len, B, &pos, &part), WEB_OK);
		assert_true(part.is_file);
		assert_string_equal(part.filename, cases[i].kept);
		assert_int_equal(part.len, 4);
		free(body);
	}
}

static void test_duplicate_key(void **state)
{
	static const char text[] = "--" B "\r\n"
				   "Content-Disposition: form-data; name=\"name\"\r\n\r\n"
				   "An\r\n"
				   "--" B "\r\n"
				   "Content-Disposition: form-data; name=\"name\"\r\n\r\n"
				   "Binh\r\n"
				   "--" B "\r\n"
				   "Content-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n\r\n"
				   "x\r\n"
				   "--" B "\r\n"
				   "Content-Disposition: form-data; name=\"photo\"; filename=\"b.jpg\"\r\n\r\n"
				   "y\r\n"
				   "--" B "--\r\n";
	char *body = exact(text, sizeof(text) - 1), v[64];

	(void)state;
	assert_int_equal(web_multipart_value(body, sizeof(text) - 1, B, "name", v, sizeof(v)),
			 WEB_EDUPLICATE);
	assert_string_equal(v, "");
	/* two files of one name are two photos, not a duplicate text value */
	assert_int_equal(web_multipart_value(body, sizeof(text) - 1, B, "photo", v, sizeof(v)),
			 WEB_ABSENT);
	free(body);
}

static void test_bad_arguments(void **state)
{
	size_t pos = 0;
	web_part part;
	char v[8];

	(void)state;
	assert_int_equal(web_multipart_next("x", 1, "", &pos, &part), WEB_EARG);
	assert_int_equal(web_multipart_next("x", 1, NULL, &pos, &part), WEB_EARG);
	assert_int_equal(web_multipart_next(NULL, 1, B, &pos, &part), WEB_EARG);
	assert_int_equal(web_multipart_next("x", 1, B, NULL, &part), WEB_EARG);
	assert_int_equal(web_multipart_value("x", 1, B, "", v, sizeof(v)), WEB_EARG);
	assert_int_equal(web_multipart_value("x", 1, B, "a", v, 0), WEB_EARG);
	/* an empty body has no delimiter */
	assert_int_equal(web_multipart_next(NULL, 0, B, &pos, &part), WEB_EMALFORMED);
}

TEST_MAIN(cmocka_unit_test(test_browser_body), cmocka_unit_test(test_boundary_header),
	  cmocka_unit_test(test_preamble_quoted), cmocka_unit_test(test_cut_body),
	  cmocka_unit_test(test_hostile), cmocka_unit_test(test_long_headers),
	  cmocka_unit_test(test_filename_folder), cmocka_unit_test(test_duplicate_key),
	  cmocka_unit_test(test_bad_arguments))
