/*
 * test_hub_json.c - the hub's reading of a request body (hub/json.c, the
 * enrolment object): string members found and unescaped, and duplicates,
 * escaped NULs, bad UTF-8, non-string members and deep nesting refused (-1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "hub.h"
#include "testmain.h"
#include "testutil.h"

/* 1 found, 0 not there, -1 refused: the three answers the tests tell apart */
static int get_n(const char *json, size_t len, const char *key, char *out, size_t n)
{
	bool found = false;
	hub_result r = hub_json_get_str(json, len, key, out, n, &found);

	if (r != HUB_OK && r != HUB_REFUSED)
		fail_msg("hub_json_get_str: %s", hub_strerror(r));
	return r != HUB_OK ? -1 : found ? 1 : 0;
}

static int get(const char *json, const char *key, char *out, size_t n)
{
	return get_n(json, strlen(json), key, out, n);
}

static void test_enrol_body(void **state)
{
	char s[128];

	(void)state;
	assert_int_equal(get("{\"token\": \"abc-1\", \"public_key\": \"-----BEGIN\\nX\\n\"}", "token", s,
			     sizeof s),
			 1);
	assert_string_equal(s, "abc-1");
	assert_int_equal(get("{\"token\": \"abc-1\", \"public_key\": \"-----BEGIN\\nX\\n\"}",
			     "public_key", s, sizeof s),
			 1);
	assert_string_equal(s, "-----BEGIN\nX\n");
	assert_int_equal(get(" { } ", "token", s, sizeof s), 0);
	assert_int_equal(get("{\"a\": \"b\"}", "token", s, sizeof s), 0);
	/* any Unicode escape, not only ASCII, and a surrogate pair */
	assert_int_equal(get("{\"t\": \"Ph\\u01b0\\u1eddng \\ud83c\\udfe0\"}", "t", s, sizeof s), 1);
	assert_string_equal(s, "Phường \xf0\x9f\x8f\xa0");
	/* not NUL-terminated: only len bytes are read */
	assert_int_equal(get_n("{\"t\": \"x\"}junk", 10, "t", s, sizeof s), 1);
	assert_string_equal(s, "x");
}

static void test_hostile(void **state)
{
	static const char *const bad[] = {
		"",
		"{",
		"[]",
		"\"t\"",
		"{\"t\": \"x\"} trailing",
		"{\"t\": \"x\",}",
		/* a member named twice: ambiguous */
		"{\"t\": \"a\", \"t\": \"b\"}",
		"{\"t\": \"a\", \"u\": \"1\", \"u\": \"2\"}",
		/* an escaped NUL, raw controls */
		"{\"t\": \"a\\u0000b\"}",
		"{\"t\": \"a\nb\"}",
		/* bytes that are not UTF-8 */
		"{\"t\": \"\x80\"}",
		"{\"t\": \"\xc0\xaf\"}",
		"{\"t\": \"\xed\xa0\x80\"}",
		"{\"t\": \"\xe1\xbb\"}",
		"{\"t\": \"\xff\"}",
		"{\"\xff\": \"x\"}",
		/* lone or reversed surrogates */
		"{\"t\": \"\\ud83c\"}",
		"{\"t\": \"\\udc00\"}",
		"{\"t\": \"\\udfe0\\ud83c\"}",
		/* only string members are part of the protocol */
		"{\"t\": \"x\", \"n\": 1}",
		"{\"t\": \"x\", \"o\": {}}",
		"{\"t\": null}",
	};
	static char deep[8200];
	char s[16];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(get(bad[i], "t", s, sizeof s), -1);
	/* too long for the caller's buffer: an error, not a truncation */
	assert_int_equal(get("{\"t\": \"0123456789abcdef\"}", "t", s, sizeof s), -1);
	/* nesting past jansson's depth limit: refused without recursing further */
	assert_non_null(test_json_nested(deep, sizeof deep, "t", 4000));
	assert_int_equal(get(deep, "t", s, sizeof s), -1);
}

TEST_MAIN(cmocka_unit_test(test_enrol_body), cmocka_unit_test(test_hostile))
