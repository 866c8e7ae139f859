/*
 * test_web_session.c - what a signed-in page rests on: session tokens (made,
 * checked, hashed), CSRF tokens bound to a session and compared in constant
 * time, the Set-Cookie line, and the same-origin check on Origin and Referer
 * against what an attacker sends (other hosts, ports, schemes, user names,
 * ports that are not numbers, "null", paths in Origin).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "maiam/keys.h"
#include "maiam/web.h"
#include "testmain.h"

static void test_token(void **state)
{
	char a[WEB_TOKEN_HEX + 1], b[WEB_TOKEN_HEX + 1], hex[65];
	uint8_t h[32];

	(void)state;
	assert_int_equal(web_token_new(a), WEB_OK);
	assert_int_equal(web_token_new(b), WEB_OK);
	assert_int_equal(strlen(a), WEB_TOKEN_HEX);
	assert_true(web_token_valid(a));
	assert_string_not_equal(a, b);
	assert_false(web_token_valid(NULL));
	assert_false(web_token_valid(""));
	b[0] = 'G';
	assert_false(web_token_valid(b));
	b[0] = 'A'; /* uppercase is not what we hand out */
	assert_false(web_token_valid(b));
	a[WEB_TOKEN_HEX - 1] = '\0';
	assert_false(web_token_valid(a));
	/* the stored hash is the SHA-256 of the token's characters */
	web_token_hash("abc", h);
	proto_hex(h, sizeof(h), hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_csrf(void **state)
{
	static const uint8_t key[32] = { 1, 2, 3 }, other_key[32] = { 9 };
	char session[WEB_TOKEN_HEX + 1], tok[WEB_TOKEN_HEX + 1], again[WEB_TOKEN_HEX + 1];

	(void)state;
	assert_int_equal(web_token_new(session), WEB_OK);
	assert_int_equal(web_csrf_token(key, session, tok), WEB_OK);
	assert_true(web_token_valid(tok));
	assert_int_equal(web_csrf_token(key, session, again), WEB_OK);
	assert_string_equal(tok, again); /* one per session, the same on every page */
	assert_int_equal(web_csrf_check(key, session, tok), 1);
	assert_int_equal(web_csrf_check(other_key, session, tok), 0);
	assert_int_equal(web_csrf_check(key, "another session", tok), 0);
	assert_int_equal(web_csrf_check(key, session, NULL), 0);
	assert_int_equal(web_csrf_check(key, session, ""), 0);
	tok[10] = tok[10] == '0' ? '1' : '0';
	assert_int_equal(web_csrf_check(key, session, tok), 0);
	assert_int_equal(web_csrf_token(key, NULL, tok), WEB_EARG);
	assert_string_equal(tok, "");
}

static void test_cookie_format(void **state)
{
	char c[256], small[24];

	(void)state;
	assert_int_equal(web_cookie_format(c, sizeof(c), "maiam_session", "ab12", 28800,
					   WEB_COOKIE_SESSION),
			 WEB_OK);
	assert_string_equal(c, "maiam_session=ab12; Max-Age=28800; Path=/; HttpOnly; Secure;"
			       " SameSite=Strict");
	assert_int_equal(web_cookie_format(c, sizeof(c), "maiam_session", "", 0, WEB_COOKIE_SESSION),
			 WEB_OK);
	assert_string_equal(c, "maiam_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict");
	/* on loopback over plain HTTP: not Secure, still HttpOnly and strict */
	assert_int_equal(web_cookie_format(c, sizeof(c), "s", "v", 60,
					   WEB_COOKIE_HTTPONLY | WEB_COOKIE_SAMESITE_STRICT),
			 WEB_OK);
	assert_string_equal(c, "s=v; Max-Age=60; Path=/; HttpOnly; SameSite=Strict");
	/* a name or value that would add an attribute or a header of its own */
	assert_int_equal(web_cookie_format(c, sizeof(c), "s", "a; Domain=evil", 60, 0), WEB_EMALFORMED);
	assert_int_equal(web_cookie_format(c, sizeof(c), "s", "a\r\nX: y", 60, 0), WEB_EMALFORMED);
	assert_int_equal(web_cookie_format(c, sizeof(c), "s=t", "a", 60, 0), WEB_EMALFORMED);
	assert_int_equal(web_cookie_format(c, sizeof(c), "", "a", 60, 0), WEB_EARG);
	assert_int_equal(web_cookie_format(c, sizeof(c), "s", NULL, 60, 0), WEB_EARG);
	assert_int_equal(web_cookie_format(c, sizeof(c), "s", "a", -1, 0), WEB_EARG);
	assert_int_equal(web_cookie_format(small, sizeof(small), "maiam_session", "0123456789", 60,
					   WEB_COOKIE_SESSION),
			 WEB_ETOOLONG);
	assert_string_equal(small, "");
}

static void test_same_origin(void **state)
{
	static const struct {
		const char *scheme, *host, *origin, *referer;
		int want;
	} cases[] = {
		{ "https", "127.0.0.1:8443", "https://127.0.0.1:8443", NULL, 1 },
		{ "https", "hub.example:8443", "HTTPS://HUB.example:8443", NULL, 1 },
		{ "https", "hub.example", "https://hub.example:443", NULL, 1 }, /* default port */
		{ "http", "127.0.0.1:8080", "http://127.0.0.1:8080", NULL, 1 },
		{ "https", "[::1]:8443", "https://[::1]:8443", NULL, 1 },
		/* Origin says another site: refused whatever Referer says */
		{ "https", "127.0.0.1:8443", "https://evil.example", "https://127.0.0.1:8443/", 0 },
		{ "https", "127.0.0.1:8443", "null", NULL, 0 },
		{ "https", "127.0.0.1:8443", "", NULL, 0 },
		{ "https", "127.0.0.1:8443", "https://127.0.0.1:1", NULL, 0 },
		{ "https", "127.0.0.1:8443", "http://127.0.0.1:8443", NULL, 0 },
		{ "https", "127.0.0.1:8443", "https://127.0.0.1:8443/", NULL, 0 },
		{ "https", "127.0.0.1:8443", "https://127.0.0.1:8443/login", NULL, 0 },
		{ "https", "127.0.0.1:8443", "https://u@127.0.0.1:8443", NULL, 0 },
		{ "https", "127.0.0.1:8443", "https://127.0.0.1:8443?x", NULL, 0 },
		{ "https", "127.0.0.1:8443", "ftp://127.0.0.1:8443", NULL, 0 },
		{ "https", "127.0.0.1:8443", " https://127.0.0.1:8443", NULL, 0 },
		/* no Origin: Referer of our own pages */
		{ "https", "127.0.0.1:8443", NULL, "https://127.0.0.1:8443/", 1 },
		{ "https", "127.0.0.1:8443", NULL, "https://127.0.0.1:8443/login?x=1", 1 },
		{ "https", "127.0.0.1:8443", NULL, "https://127.0.0.1:8443", 1 },
		{ "https", "127.0.0.1:8443", NULL, "https://127.0.0.1:8443.evil.example/", 0 },
		{ "https", "127.0.0.1:8443", NULL, "https://127.0.0.1:8443@evil.example/", 0 },
		{ "https", "127.0.0.1:8443", NULL, "https://u:p@127.0.0.1:8443/", 0 },
		{ "https", "127.0.0.1:8443", NULL, "https://127.0.0.1:84430/", 0 },
		{ "https", "127.0.0.1:8443", NULL, "/relative", 0 },
		{ "https", "127.0.0.1:8443", NULL, NULL, 0 },
		/* a Host that is not a host */
		{ "https", "", "https://", NULL, 0 },
		{ "https", NULL, "https://127.0.0.1:8443", NULL, 0 },
		{ "https", "evil.example/x", "https://evil.example", NULL, 0 },
		{ "https", "u@127.0.0.1", "https://127.0.0.1", NULL, 0 },
		{ "https", "127.0.0.1 x", "https://127.0.0.1", NULL, 0 },
		{ NULL, "127.0.0.1:8443", "https://127.0.0.1:8443", NULL, 0 },
	};
	char huge[4096];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (web_same_origin(cases[i].scheme, cases[i].host, cases[i].origin, cases[i].referer) !=
		    cases[i].want)
			fail_msg("case %zu: host '%s' origin '%s' referer '%s': want %d", i,
				 cases[i].host ? cases[i].host : "(null)",
				 cases[i].origin ? cases[i].origin : "(null)",
				 cases[i].referer ? cases[i].referer : "(null)", cases[i].want);
	/* a Host too long for any URL of ours */
	memset(huge, 'a', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	assert_int_equal(web_same_origin("https", huge, "https://a", NULL), 0);
}

TEST_MAIN(cmocka_unit_test(test_token), cmocka_unit_test(test_csrf),
	  cmocka_unit_test(test_cookie_format), cmocka_unit_test(test_same_origin))
