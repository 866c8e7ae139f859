/*
 * test_refusal.c - a hub refusal is shown from its code: the laptop's own
 * sentence for a known code, never the hub's English; for a code the laptop
 * does not know, the hub's words marked as the hub's (one line, no terminal
 * control); for an answer without a body, its HTTP status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "agent.h"
#include "refusal.h"

/* What the laptop shows for an answer with this status and body (NULL: none). */
static void shown(long status, const char *body, char *out, size_t n)
{
	agent_http h;

	agent_http_init(&h);
	h.status = status;
	if (body)
		assert_int_equal(proto_buf_append_str(&h.body, body), PROTO_OK);
	agent_hub_refusal(&h, out, n);
	agent_http_release(&h);
}

static void known_code(void **state)
{
	char out[640];

	(void)state;
	shown(413, "{\"error\":\"too_many_records\",\"message\":\"over this hub's limit of 2\"}", out,
	      sizeof out);
	assert_non_null(strstr(out, "more records than the hub takes"));
	assert_null(strstr(out, "over this hub's limit"));
	assert_non_null(agent_refusal_sentence("revoked"));
	assert_non_null(agent_refusal_sentence("token_expired"));
	assert_null(agent_refusal_sentence("no_such_code"));
	assert_null(agent_refusal_sentence(NULL));
	agent_refusal_text("fork", "ignored", out, sizeof out);
	assert_null(strstr(out, "ignored"));
}

static void unknown_code(void **state)
{
	char out[640];

	(void)state;
	shown(403, "{\"error\":\"new_code\",\"message\":\"a new rule\\u001b[2J refused it\"}", out,
	      sizeof out);
	assert_non_null(strstr(out, "the hub says, in its own words: \"a new rule"));
	assert_null(strchr(out, 0x1b));
	agent_refusal_text("new_code", NULL, out, sizeof out);
	assert_string_equal(out, "the hub gave no reason: tell the operator");
}

static void no_body(void **state)
{
	char out[640];

	(void)state;
	shown(502, NULL, out, sizeof out);
	assert_non_null(strstr(out, "HTTP 502"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_code),
		cmocka_unit_test(unknown_code),
		cmocka_unit_test(no_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
