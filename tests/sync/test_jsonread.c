/*
 * test_jsonread.c - the agent's reading of hub answers: members found at the
 * top level and one level down, escapes and UTF-8, and every malformed or
 * hostile answer refused rather than misread; plus the --hub URL check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "net.h"
#include "utf8.h"
#include "testmain.h"
#include "testutil.h"

static int get_str(const char *json, const char *path, char *out, size_t n)
{
	return agent_json_get_str(json, strlen(json), path, out, n);
}

static void test_enrol_answer(void **state)
{
	const char *j = "{\"agent_id\": \"9f03c2d1e4b5a687\", \"hub_public_key\": "
			"\"-----BEGIN PUBLIC KEY-----\\nMCowBQ==\\n-----END PUBLIC KEY-----\\n\","
			" \"scope\": {\"kind\": \"commune\", \"code\": 31498}, \"n\": [1, {\"a\": null}]}\n";
	char s[128];
	int64_t v = 0;

	(void)state;
	assert_int_equal(get_str(j, "agent_id", s, sizeof s), 1);
	assert_string_equal(s, "9f03c2d1e4b5a687");
	assert_int_equal(get_str(j, "hub_public_key", s, sizeof s), 1);
	assert_string_equal(s, "-----BEGIN PUBLIC KEY-----\nMCowBQ==\n-----END PUBLIC KEY-----\n");
	assert_int_equal(get_str(j, "scope.kind", s, sizeof s), 1);
	assert_string_equal(s, "commune");
	assert_int_equal(agent_json_get_int(j, strlen(j), "scope.code", &v), 1);
	assert_int_equal(v, 31498);
	/* absent members, and members of the wrong type */
	assert_int_equal(get_str(j, "client_cert", s, sizeof s), 0);
	assert_int_equal(get_str(j, "scope.nothing", s, sizeof s), 0);
	assert_int_equal(get_str(j, "scope", s, sizeof s), -1);
	assert_int_equal(agent_json_get_int(j, strlen(j), "agent_id", &v), -1);
	/* a nested member is not a top-level one */
	assert_int_equal(get_str(j, "kind", s, sizeof s), 0);
}

static void test_escapes(void **state)
{
	char s[64];

	(void)state;
	assert_int_equal(get_str("{\"m\": \"Ph\\u01b0\\u1eddng 5 \\\"A\\\" \\\\ \\/\"}", "m", s, sizeof s),
			 1);
	assert_string_equal(s, "Phường 5 \"A\" \\ /");
	assert_int_equal(get_str("{\"m\": \"\\ud83c\\udfe0\"}", "m", s, sizeof s), 1);
	assert_string_equal(s, "\xf0\x9f\x8f\xa0");
	/* raw UTF-8 passes through */
	assert_int_equal(get_str("{\"m\": \"Sóc Trăng\"}", "m", s, sizeof s), 1);
	assert_string_equal(s, "Sóc Trăng");
}

static void test_hostile(void **state)
{
	static const char *const bad[] = {
		"",
		"{",
		"}",
		"[]",
		"{\"m\": \"x\"",
		"{\"m\" \"x\"}",
		"{\"m\": \"x\",}",
		"{\"m\": \"x\"} trailing",
		"{\"m\": \"\\ud83c\"}",
		"{\"m\": \"\\udc00\"}",
		"{\"m\": \"\\u0000\"}",
		"{\"m\": \"\\x\"}",
		"{\"m\": \"a\nb\"}",
		"{\"m\": tru}",
		"{\"m\": \"\\u12\"}",
		"{,\"m\": \"x\"}",
		"{\"m\": [1,]}",
		"{\"m\": \"x\" \"n\": 1}",
	};
	static char deep[8200];
	char s[16];
	int64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(get_str(bad[i], "m", s, sizeof s), -1);
	/* nesting beyond jansson's depth limit (2048) is refused, not recursed into */
	assert_non_null(test_json_nested(deep, sizeof deep, "m", 10));
	assert_int_equal(get_str(deep, "x", s, sizeof s), 0);
	assert_non_null(test_json_nested(deep, sizeof deep, "m", 4000));
	assert_int_equal(get_str(deep, "x", s, sizeof s), -1);
	/* a value longer than the caller's buffer is an error, not a truncation */
	assert_int_equal(get_str("{\"m\": \"0123456789abcdef0123\"}", "m", s, sizeof s), -1);
	/* integers: no fractions, exponents or overflow */
	assert_int_equal(agent_json_get_int("{\"n\": 1.5}", 10, "n", &v), -1);
	assert_int_equal(agent_json_get_int("{\"n\": 1e3}", 10, "n", &v), -1);
	assert_int_equal(agent_json_get_int("{\"n\": 99999999999999999999}", 27, "n", &v), -1);
	assert_int_equal(agent_json_get_int("{\"n\": -7}", 9, "n", &v), 1);
	assert_int_equal(v, -7);
	/* not NUL-terminated: only len bytes are read */
	assert_int_equal(agent_json_get_str("{\"m\": \"x\"}GARBAGE", 10, "m", s, sizeof s), 1);
	assert_string_equal(s, "x");
}

/* What the laptop's old hand-written JSON readers disagreed on: now one answer each. */
static void test_strict(void **state)
{
	char s[64];

	(void)state;
	/* a member named twice is ambiguous: refused, whichever is asked */
	assert_int_equal(get_str("{\"m\": \"a\", \"m\": \"b\"}", "m", s, sizeof s), -1);
	assert_int_equal(get_str("{\"m\": \"a\", \"n\": 1, \"n\": 2}", "m", s, sizeof s), -1);
	assert_int_equal(get_str("{\"o\": {\"k\": \"a\", \"k\": \"b\"}}", "o.k", s, sizeof s), -1);
	/* an escaped NUL would cut a C string short */
	assert_int_equal(get_str("{\"m\": \"ab\\u0000cd\"}", "m", s, sizeof s), -1);
	/* raw bytes that are not UTF-8: a lone continuation, an overlong '/', a
	 * UTF-16 surrogate encoded in UTF-8, a truncated sequence, 0xff */
	assert_int_equal(get_str("{\"m\": \"\x80\"}", "m", s, sizeof s), -1);
	assert_int_equal(get_str("{\"m\": \"\xc0\xaf\"}", "m", s, sizeof s), -1);
	assert_int_equal(get_str("{\"m\": \"\xed\xa0\x80\"}", "m", s, sizeof s), -1);
	assert_int_equal(get_str("{\"m\": \"\xe1\xbb\"}", "m", s, sizeof s), -1);
	assert_int_equal(get_str("{\"m\": \"ok\", \"n\": \"\xff\"}", "m", s, sizeof s), -1);
	/* surrogate escapes: a pair is one code point, a reversed pair is not */
	assert_int_equal(get_str("{\"m\": \"\\uD83C\\uDFE0\"}", "m", s, sizeof s), 1);
	assert_string_equal(s, "\xf0\x9f\x8f\xa0");
	assert_int_equal(get_str("{\"m\": \"\\udfe0\\ud83c\"}", "m", s, sizeof s), -1);
	assert_int_equal(get_str("{\"m\": \"\\ud83cx\"}", "m", s, sizeof s), -1);
	/* C1 controls are valid UTF-8 and read as such: display strips them (utf8.c) */
	assert_int_equal(get_str("{\"m\": \"a\\u009b2Jb\"}", "m", s, sizeof s), 1);
	assert_string_equal(s, "a\xc2\x9b"
			       "2Jb");
}

/* What the terminal shows of the hub's words: no C0, DEL or C1 control
 * (U+009B is CSI, an escape sequence in one code point), no stray bytes. */
static void test_printable(void **state)
{
	char s[64];

	(void)state;
	snprintf(s, sizeof s, "%s",
		 "a\x1b[2Jb\tc\nd\re\x7f"
		 "f");
	assert_string_equal(agent_utf8_printable(s), "a [2Jb c d e f");
	snprintf(s, sizeof s, "%s",
		 "x\xc2\x9b"
		 "2Jy\xc2\x80z\xc2\x9f.");
	assert_string_equal(agent_utf8_printable(s), "x 2Jy z .");
	/* Vietnamese stays, U+00A0 and up stay, bad bytes are '?' */
	snprintf(s, sizeof s, "%s", "Ph\xc6\xb0\xe1\xbb\x9dng \xc2\xa0\xef\xbf\xbd \xff\xc2");
	assert_string_equal(agent_utf8_printable(s), "Ph\xc6\xb0\xe1\xbb\x9dng \xc2\xa0\xef\xbf\xbd ??");
	/* what the hub's error message reader returns */
	{
		agent_http h;
		const char *j = "{\"error\": \"x\", \"message\": \"bad\\u009b31m\\u001b]0;pwn\\u0007 news\"}";

		agent_http_init(&h);
		h.status = 422;
		assert_int_equal(proto_buf_append(&h.body, j, strlen(j)), PROTO_OK);
		agent_http_message(&h, s, sizeof s);
		assert_string_equal(s, "bad 31m ]0;pwn  news");
		agent_http_release(&h);
	}
}

/* An enrolment answer's PEM: exactly one block of the expected label. */
static void test_pem_single(void **state)
{
	const char *key = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n";
	char two[256];

	(void)state;
	assert_true(agent_pem_single(key, "PUBLIC KEY"));
	assert_true(agent_pem_single("\n  -----BEGIN CERTIFICATE-----\nMII=\n-----END CERTIFICATE-----",
				     "CERTIFICATE"));
	assert_false(agent_pem_single(key, "CERTIFICATE"));
	snprintf(two, sizeof two, "%s%s", key, key);
	assert_false(agent_pem_single(two, "PUBLIC KEY"));
	snprintf(two, sizeof two, "%s-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n", key);
	assert_false(agent_pem_single(two, "PUBLIC KEY"));
	snprintf(two, sizeof two, "%sjunk\n", key);
	assert_false(agent_pem_single(two, "PUBLIC KEY"));
	snprintf(two, sizeof two, "junk\n%s", key);
	assert_false(agent_pem_single(two, "PUBLIC KEY"));
	assert_false(agent_pem_single("-----BEGIN PUBLIC KEY-----\nMCow\n", "PUBLIC KEY"));
	assert_false(agent_pem_single("", "PUBLIC KEY"));
}

static void test_hub_url(void **state)
{
	char b[64];

	(void)state;
	assert_int_equal(agent_net_base("https://127.0.0.1:8443/", b, sizeof b), 0);
	assert_string_equal(b, "https://127.0.0.1:8443");
	assert_int_equal(agent_net_base("HTTPS://hub.example//", b, sizeof b), 0);
	assert_string_equal(b, "https://hub.example");
	assert_int_equal(agent_net_base("https://hub.example/maiam/", b, sizeof b), 0);
	assert_string_equal(b, "https://hub.example/maiam");
	assert_int_equal(agent_net_base("http://hub.example", b, sizeof b), -1);
	assert_int_equal(agent_net_base("https://", b, sizeof b), -1);
	assert_int_equal(agent_net_base("https:///x", b, sizeof b), -1);
	assert_int_equal(agent_net_base("https://user:pw@hub.example", b, sizeof b), -1);
	assert_int_equal(agent_net_base("https://hub.example/?x=1", b, sizeof b), -1);
	assert_int_equal(agent_net_base("https://hub example", b, sizeof b), -1);
	assert_int_equal(agent_net_base("https://a-very-long-host-name-that-does-not-fit.example:8443",
					b, 32),
			 -1);
}

TEST_MAIN(cmocka_unit_test(test_enrol_answer), cmocka_unit_test(test_escapes),
	  cmocka_unit_test(test_hostile), cmocka_unit_test(test_strict), cmocka_unit_test(test_printable),
	  cmocka_unit_test(test_pem_single), cmocka_unit_test(test_hub_url))
