/*
 * test_webparse.c - the dashboard's form, query and cookie parsers on what
 * browsers send and on what an attacker sends: bad and truncated escapes,
 * NUL bytes raw and escaped, invalid UTF-8, duplicate keys, values one byte
 * too long, and inputs that are not NUL-terminated (read past len = ASan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "webparse.h"

static int form(const char *s, const char *key, char *out, size_t outlen)
{
	return hub_form_value(s, strlen(s), key, out, outlen);
}

static void test_form_plain(void **state)
{
	char v[64];

	(void)state;
	assert_int_equal(form("name=an&password=b%C3%AD+m%E1%BA%ADt", "name", v, sizeof(v)), 1);
	assert_string_equal(v, "an");
	assert_int_equal(form("name=an&password=b%C3%AD+m%E1%BA%ADt", "password", v, sizeof(v)), 1);
	assert_string_equal(v, "bí mật");
	assert_int_equal(form("name=an&password=x", "pass", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	assert_int_equal(form("name=an", "nam", v, sizeof(v)), 0);
	assert_int_equal(form("", "name", v, sizeof(v)), 0);
	assert_int_equal(form("name=", "name", v, sizeof(v)), 1);
	assert_string_equal(v, "");
	assert_int_equal(form("a=1&name", "name", v, sizeof(v)), 1);
	assert_string_equal(v, "");
	assert_int_equal(form("a=1&&name=x&", "name", v, sizeof(v)), 1);
	assert_string_equal(v, "x");
	/* an escaped key is the same key; '=' inside a value is data */
	assert_int_equal(form("n%61me=a=b", "name", v, sizeof(v)), 1);
	assert_string_equal(v, "a=b");
	assert_int_equal(form("name=%26%3D%25", "name", v, sizeof(v)), 1);
	assert_string_equal(v, "&=%");
}

static void test_form_hostile(void **state)
{
	char v[8];

	(void)state;
	assert_int_equal(form("name=%", "name", v, sizeof(v)), -1);
	assert_int_equal(form("name=%4", "name", v, sizeof(v)), -1);
	assert_int_equal(form("name=%zz", "name", v, sizeof(v)), -1);
	assert_int_equal(form("name=%00", "name", v, sizeof(v)), -1);
	assert_int_equal(form("name=%C3", "name", v, sizeof(v)), -1);       /* cut UTF-8 */
	assert_int_equal(form("name=%C0%AF", "name", v, sizeof(v)), -1);    /* overlong */
	assert_int_equal(form("name=%ED%A0%80", "name", v, sizeof(v)), -1); /* surrogate */
	assert_int_equal(form("=x&name=a", "name", v, sizeof(v)), -1);
	assert_int_equal(form("name=a&name=b", "name", v, sizeof(v)), -1);
	assert_int_equal(form("na%me=a", "name", v, sizeof(v)), -1);
	/* a malformed pair anywhere spoils the form, before or after the key */
	assert_int_equal(form("x=%G1&name=a", "name", v, sizeof(v)), -1);
	assert_int_equal(form("name=a&x=%", "name", v, sizeof(v)), -1);
	assert_string_equal(v, "");
	/* 7 bytes and the NUL fit in 8, 8 do not */
	assert_int_equal(form("name=1234567", "name", v, sizeof(v)), 1);
	assert_int_equal(form("name=12345678", "name", v, sizeof(v)), -1);
	assert_int_equal(form("name=%31%32%33%34%35%36%37%38", "name", v, sizeof(v)), -1);
	assert_int_equal(form("name=a", "name", v, 0), -1);
	assert_int_equal(form("name=a", "", v, sizeof(v)), -1);
	/* a raw NUL inside len */
	assert_int_equal(hub_form_value("name=a\0b", 8, "name", v, sizeof(v)), -1);
	assert_int_equal(hub_form_value("x=a\0&name=b", 11, "name", v, sizeof(v)), -1);
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
		(void)hub_form_value(p, n, "name", v, sizeof(v));
		free(p);
	}
	/* len stops the parser before the rest of the buffer */
	assert_int_equal(hub_form_value("name=ab&x=%", 7, "name", v, sizeof(v)), 1);
	assert_string_equal(v, "ab");
	assert_int_equal(hub_form_value("name=ab", 6, "name", v, sizeof(v)), 1);
	assert_string_equal(v, "a");
	assert_int_equal(hub_form_value(NULL, 0, "name", v, sizeof(v)), 0);
}

static void test_query(void **state)
{
	char v[16];

	(void)state;
	assert_int_equal(hub_query_value("kind=awards&format=csv", "format", v, sizeof(v)), 1);
	assert_string_equal(v, "csv");
	assert_int_equal(hub_query_value("kind=awards", "format", v, sizeof(v)), 0);
	assert_int_equal(hub_query_value(NULL, "format", v, sizeof(v)), 0);
	assert_int_equal(hub_query_value("kind=a&kind=b", "kind", v, sizeof(v)), -1);
	assert_int_equal(hub_query_value("as_of=2024-01-0%", "as_of", v, sizeof(v)), -1);
}

static void test_cookie(void **state)
{
	char v[16];

	(void)state;
	assert_int_equal(hub_cookie_value("s=abc", "s", v, sizeof(v)), 1);
	assert_string_equal(v, "abc");
	assert_int_equal(hub_cookie_value("a=1; s=abc; b=2", "s", v, sizeof(v)), 1);
	assert_string_equal(v, "abc");
	assert_int_equal(hub_cookie_value("a=1;s=x;b", "s", v, sizeof(v)), 1);
	assert_string_equal(v, "x");
	assert_int_equal(hub_cookie_value(" s = \"q\" ", "s", v, sizeof(v)), 1);
	assert_string_equal(v, "q");
	assert_int_equal(hub_cookie_value("xs=1; sx=2; s", "s", v, sizeof(v)), 0);
	assert_int_equal(hub_cookie_value(NULL, "s", v, sizeof(v)), 0);
	assert_int_equal(hub_cookie_value("", "s", v, sizeof(v)), 0);
	/* other cookies may hold anything; ours may not */
	assert_int_equal(hub_cookie_value("a=\\\",; s=ok", "s", v, sizeof(v)), 1);
	assert_int_equal(hub_cookie_value("s=a b", "s", v, sizeof(v)), -1);
	assert_int_equal(hub_cookie_value("s=a\\b", "s", v, sizeof(v)), -1);
	assert_int_equal(hub_cookie_value("s=\xc3\xad", "s", v, sizeof(v)), -1);
	assert_int_equal(hub_cookie_value("s=a\x01", "s", v, sizeof(v)), -1);
	/* two of ours: a tossed cookie must not pass for the real one */
	assert_int_equal(hub_cookie_value("s=abc; s=def", "s", v, sizeof(v)), -1);
	assert_string_equal(v, "");
	assert_int_equal(hub_cookie_value("s=123456789012345", "s", v, sizeof(v)), 1);
	assert_int_equal(hub_cookie_value("s=1234567890123456", "s", v, sizeof(v)), -1);
	assert_int_equal(hub_cookie_value("s=1", "", v, sizeof(v)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_plain),   cmocka_unit_test(test_form_hostile),
		cmocka_unit_test(test_form_no_overread), cmocka_unit_test(test_query),
		cmocka_unit_test(test_cookie),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
