/*
 * test_web_parse.c - the web layer's form, query and cookie parsers and its
 * HTML escaping, on what browsers send and on what an attacker sends: bad
 * and truncated escapes, NUL bytes raw and escaped, invalid UTF-8, repeated
 * keys, values one byte too long, huge inputs, and inputs that are not
 * NUL-terminated (a read past len is an ASan report). Table-driven: one row
 * per input, its key, the answer and the value.
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

/* One row: the input, the key or cookie name, the answer, and the value
 * out must hold (on anything but WEB_OK it must be ""). */
typedef struct lookup_case {
	const char *input;
	const char *key;
	web_result want;
	const char *value;
} lookup_case;

typedef web_result (*lookup_fn)(const char *input, const char *key, char *out, size_t outlen);

/* web_form_value on a NUL-terminated input, for the tables */
static web_result form_lookup(const char *input, const char *key, char *out, size_t outlen)
{
	return web_form_value(input, input ? strlen(input) : 0, key, out, outlen);
}

static void run_cases(const lookup_case *c, size_t n, lookup_fn lookup, size_t outlen)
{
	char v[64];
	size_t i;

	assert_true(outlen <= sizeof(v));
	for (i = 0; i < n; i++) {
		web_result r = lookup(c[i].input, c[i].key, v, outlen);
		if (r != c[i].want)
			fail_msg("input '%s', key '%s': %s, want %s", c[i].input ? c[i].input : "(null)",
				 c[i].key ? c[i].key : "(null)", web_strerror(r), web_strerror(c[i].want));
		assert_string_equal(v, c[i].want == WEB_OK ? c[i].value : "");
	}
}

static void test_form_plain(void **state)
{
	static const lookup_case cases[] = {
		{ "name=an&password=b%C3%AD+m%E1%BA%ADt", "name", WEB_OK, "an" },
		{ "name=an&password=b%C3%AD+m%E1%BA%ADt", "password", WEB_OK, "bí mật" },
		{ "name=an&password=x", "pass", WEB_ABSENT, NULL },
		{ "name=an", "nam", WEB_ABSENT, NULL },
		{ "", "name", WEB_ABSENT, NULL },
		{ "&&&", "name", WEB_ABSENT, NULL },
		{ "name=", "name", WEB_OK, "" },
		{ "a=1&name", "name", WEB_OK, "" },
		{ "a=1&&name=x&", "name", WEB_OK, "x" },
		/* an escaped key is the same key; '=' inside a value is data */
		{ "n%61me=a=b", "name", WEB_OK, "a=b" },
		{ "name=%26%3D%25", "name", WEB_OK, "&=%" },
		{ "full+name=a+b", "full name", WEB_OK, "a b" },
		{ "name=%e1%ba%ad", "name", WEB_OK, "ậ" }, /* lowercase hex */
	};

	(void)state;
	run_cases(cases, sizeof(cases) / sizeof(cases[0]), form_lookup, 64);
}

static void test_form_hostile(void **state)
{
	/* the inputs of each refusal, looked up with key "name" */
	static const struct {
		web_result want;
		const char *inputs[16];
	} refusals[] = {
		{ WEB_EMALFORMED,
		  { "name=%", "name=%4", "name=%zz", "name=%00", "name=%C3", /* cut UTF-8 */
		    "name=%C0%AF",                                           /* overlong */
		    "name=%ED%A0%80",                                        /* surrogate */
		    "name=\xff",                                             /* raw bad UTF-8 */
		    "=x&name=a", "na%me=a",
		    /* a malformed pair anywhere spoils the form, before or after the key */
		    "x=%G1&name=a", "name=a&x=%", "name=a&x=%00", NULL } },
		{ WEB_EDUPLICATE, { "name=a&name=b", "name=a&n%61me=a", "name=a&name", NULL } },
		/* 7 bytes and the NUL fit in 8, 8 do not */
		{ WEB_ETOOLONG, { "name=12345678", "name=%31%32%33%34%35%36%37%38", NULL } },
	};
	size_t i, j;
	char v[8];

	(void)state;
	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		for (j = 0; refusals[i].inputs[j]; j++) {
			const char *in = refusals[i].inputs[j];
			if (form_lookup(in, "name", v, sizeof(v)) != refusals[i].want)
				fail_msg("form '%s': want %s", in, web_strerror(refusals[i].want));
			assert_string_equal(v, "");
		}
	assert_int_equal(form_lookup("name=1234567", "name", v, sizeof(v)), WEB_OK);
	assert_string_equal(v, "1234567");
	assert_int_equal(form_lookup("name=a", "", v, sizeof(v)), WEB_EARG);
	assert_int_equal(web_form_value("name=a", 6, "name", v, 0), WEB_EARG);
	assert_int_equal(web_form_value("name=a", 6, NULL, v, sizeof(v)), WEB_EARG);
	assert_int_equal(web_form_value("name=a", 6, "name", NULL, 8), WEB_EARG);
	/* a raw NUL inside len */
	assert_int_equal(web_form_value("name=a\0b", 8, "name", v, sizeof(v)), WEB_EMALFORMED);
	assert_int_equal(web_form_value("x=a\0&name=b", 11, "name", v, sizeof(v)), WEB_EMALFORMED);
	assert_string_equal(v, "");
}

/* A form of a megabyte and more: refused, not allocated without end; one
 * just under the cap with the value at its very end is read. */
static void test_form_huge(void **state)
{
	size_t n = (1 << 20) + 1;
	char *big = malloc(n), v[16];

	(void)state;
	assert_non_null(big);
	memset(big, 'a', n);
	memcpy(big, "x=", 2);
	assert_int_equal(web_form_value(big, n, "name", v, sizeof(v)), WEB_ETOOLONG);
	memcpy(big + (1 << 20) - 8, "&name=ok", 8);
	assert_int_equal(web_form_value(big, 1 << 20, "name", v, sizeof(v)), WEB_OK);
	assert_string_equal(v, "ok");
	free(big);
}

/* The input sits at the very end of a heap block: one byte read past len is
 * an ASan report in the sanitizer build. */
static void test_form_no_overread(void **state)
{
	static const char *const cases[] = { "name=%", "name=%4", "name", "name=ab", "n%", "x=1&" };
	char v[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = strlen(cases[i]);
		char *p = malloc(n ? n : 1);
		assert_non_null(p);
		memcpy(p, cases[i], n);
		(void)web_form_value(p, n, "name", v, sizeof(v));
		free(p);
	}
	/* len stops the parser before the rest of the buffer */
	assert_int_equal(web_form_value("name=ab&x=%", 7, "name", v, sizeof(v)), WEB_OK);
	assert_string_equal(v, "ab");
	assert_int_equal(web_form_value("name=ab", 6, "name", v, sizeof(v)), WEB_OK);
	assert_string_equal(v, "a");
	assert_int_equal(web_form_value(NULL, 0, "name", v, sizeof(v)), WEB_ABSENT);
}

static void test_query(void **state)
{
	static const lookup_case cases[] = {
		{ "kind=awards&format=csv", "format", WEB_OK, "csv" },
		{ "kind=awards", "format", WEB_ABSENT, NULL },
		{ NULL, "format", WEB_ABSENT, NULL },
		{ "kind=a&kind=b", "kind", WEB_EDUPLICATE, NULL },
		{ "as_of=2024-01-0%", "as_of", WEB_EMALFORMED, NULL },
		{ "page=1&limit=50", "limit", WEB_OK, "50" },
	};

	(void)state;
	run_cases(cases, sizeof(cases) / sizeof(cases[0]), web_query_value, 16);
}

static void test_cookie(void **state)
{
	static const lookup_case cases[] = {
		{ "s=abc", "s", WEB_OK, "abc" },
		{ "a=1; s=abc; b=2", "s", WEB_OK, "abc" },
		{ "a=1;s=x;b", "s", WEB_OK, "x" },
		{ " s = \"q\" ", "s", WEB_OK, "q" },
		{ "xs=1; sx=2; s", "s", WEB_ABSENT, NULL },
		{ NULL, "s", WEB_ABSENT, NULL },
		{ "", "s", WEB_ABSENT, NULL },
		/* other cookies may hold anything; ours may not */
		{ "a=\\\",; s=ok", "s", WEB_OK, "ok" },
		{ "s=a b", "s", WEB_EMALFORMED, NULL },
		{ "s=a\\b", "s", WEB_EMALFORMED, NULL },
		{ "s=\xc3\xad", "s", WEB_EMALFORMED, NULL },
		{ "s=a\x01", "s", WEB_EMALFORMED, NULL },
		/* two of ours: a tossed cookie must not pass for the real one */
		{ "s=abc; s=def", "s", WEB_EDUPLICATE, NULL },
		{ "s=123456789012345", "s", WEB_OK, "123456789012345" },
		{ "s=1234567890123456", "s", WEB_ETOOLONG, NULL },
		{ "s=1", "", WEB_EARG, NULL },
		{ "s=1", NULL, WEB_EARG, NULL },
	};

	(void)state;
	run_cases(cases, sizeof(cases) / sizeof(cases[0]), web_cookie_value, 16);
}

/* A Cookie header of a megabyte, ours at its end, and another with ours
 * too long: read to the end, never past a buffer. */
static void test_cookie_huge(void **state)
{
	size_t n = 1 << 20, i;
	char *big = malloc(n + 1), v[70];

	(void)state;
	assert_non_null(big);
	for (i = 0; i + 4 <= n; i += 4)
		memcpy(big + i, "a=1;", 4);
	snprintf(big + n - 8, 9, "; s=abc ");
	assert_int_equal(web_cookie_value(big, "s", v, sizeof(v)), WEB_OK);
	assert_string_equal(v, "abc");
	memset(big, 'x', n);
	memcpy(big, "s=", 2);
	big[n] = '\0';
	assert_int_equal(web_cookie_value(big, "s", v, sizeof(v)), WEB_ETOOLONG);
	assert_string_equal(v, "");
	free(big);
}

static void test_html_escape(void **state)
{
	proto_buf b;

	(void)state;
	proto_buf_init(&b, 256);
	assert_int_equal(web_html_escape(&b, "<a href=\"x\">Tom & 'Jerry'</a> Đặng"), 0);
	assert_int_equal(proto_buf_append_byte(&b, 0), 0);
	assert_string_equal((const char *)b.data, "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;"
						  "&lt;/a&gt; Đặng");
	proto_buf_release(&b);
	/* the buffer's cap is an error, not a cut page */
	proto_buf_init(&b, 8);
	assert_int_equal(web_html_escape(&b, "<<<"), -1);
	proto_buf_release(&b);
	proto_buf_init(&b, 8);
	assert_int_equal(web_html_escape(&b, NULL), 0);
	assert_int_equal(b.len, 0);
	proto_buf_release(&b);
}

static void test_strerror(void **state)
{
	int r;

	(void)state;
	for (r = WEB_OK; r <= WEB_ECRYPTO; r++)
		assert_non_null(web_strerror((web_result)r));
	assert_string_equal(web_strerror((web_result)99), "unknown error");
}

TEST_MAIN(cmocka_unit_test(test_form_plain), cmocka_unit_test(test_form_hostile),
	  cmocka_unit_test(test_form_huge), cmocka_unit_test(test_form_no_overread),
	  cmocka_unit_test(test_query), cmocka_unit_test(test_cookie), cmocka_unit_test(test_cookie_huge),
	  cmocka_unit_test(test_html_escape), cmocka_unit_test(test_strerror))
