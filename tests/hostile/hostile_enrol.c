/*
 * hostile_enrol.c - enrolment from strangers: unknown, used, expired and
 * revoked tokens, bodies that are not the JSON asked for, keys that are not
 * Ed25519 or are the hub's own, a key enrolled twice, and a flood of junk from
 * one address (429 once `server` is in). Each comes from its own 127.0.0.x.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "hostile.h"

static int with_key(hs_env *e, hs_answer *a, const char *token)
{
	proto_key *k = NULL;
	char json[2048];
	int rc = -1;

	if (proto_key_generate(&k) == PROTO_OK && !ht_enroll_body_key(k, token, json, sizeof(json)))
		rc = hs_enroll_body(e, json, a);
	proto_key_free(k);
	return rc;
}

static int token_unknown(hs_env *e, hs_answer *a)
{
	return with_key(e, a, "3c113f018fef059d93f6e42bfcc6816be4ec568ca4018c4e");
}

static int token_used(hs_env *e, hs_answer *a)
{
	ht_agent x;
	char token[128], json[2048];
	hs_answer first;
	int rc = -1;

	/* used by a laptop, then offered with another key */
	if (ht_agent_new(&x, &e->hub, "used") || ht_token(&e->hub, "--commune", HS_COMMUNE, NULL, token) ||
	    ht_enroll_body_key(x.key, token, json, sizeof(json)) || hs_enroll_body(e, json, &first) ||
	    first.status != 200)
		goto out;
	if (hs_snapshot(e, "token_used"))
		goto out;
	rc = with_key(e, a, token);
out:
	ht_agent_free(&x);
	return rc;
}

static int token_expired(hs_env *e, hs_answer *a)
{
	char token[128];

	if (ht_token(&e->hub, "--commune", HS_COMMUNE, "--ttl 1", token))
		return -1;
	sleep(2);
	return with_key(e, a, token);
}

static int token_revoked(hs_env *e, hs_answer *a)
{
	ht_agent x;
	char hex[17], token[128], json[2048];
	hs_answer first;
	int rc = -1;

	if (ht_agent_new(&x, &e->hub, "revoked") ||
	    ht_token(&e->hub, "--commune", HS_COMMUNE, NULL, token) ||
	    ht_enroll_body_key(x.key, token, json, sizeof(json)) || hs_enroll_body(e, json, &first) ||
	    first.status != 200)
		goto out;
	proto_key_id_hex(x.id, hex);
	if (ht_run(NULL, 0, "agent revoke --dir %s/hub %s", e->hub.dir, hex) ||
	    hs_snapshot(e, "token_revoked"))
		goto out;
	rc = hs_enroll_body(e, json, a); /* the same laptop tries again */
out:
	ht_agent_free(&x);
	return rc;
}

static int not_json(hs_env *e, hs_answer *a)
{
	return hs_enroll_body(e, "token=x", a);
}
static int json_array(hs_env *e, hs_answer *a)
{
	return hs_enroll_body(e, "[\"token\", 1]", a);
}
static int json_number(hs_env *e, hs_answer *a)
{
	return hs_enroll_body(e, "{\"token\": 7, \"public_key\": \"x\"}", a);
}
static int no_key(hs_env *e, hs_answer *a)
{
	return hs_enroll_body(e, "{\"token\": \"abc\"}", a);
}
static int unterminated(hs_env *e, hs_answer *a)
{
	return hs_enroll_body(e, "{\"token\": \"abc", a);
}
static int key_not_pem(hs_env *e, hs_answer *a)
{
	char token[128], json[400];

	if (ht_token(&e->hub, "--commune", HS_COMMUNE, NULL, token))
		return -1;
	snprintf(json, sizeof(json), "{\"token\": \"%s\", \"public_key\": \"not a key\"}", token);
	return hs_enroll_body(e, json, a);
}

static int key_is_hubs(hs_env *e, hs_answer *a)
{
	char token[128], json[2048];

	if (ht_token(&e->hub, "--commune", HS_COMMUNE, NULL, token) ||
	    ht_enroll_body_key(e->hubkey, token, json, sizeof(json)))
		return -1;
	return hs_enroll_body(e, json, a);
}

static int key_enrolled_twice(hs_env *e, hs_answer *a)
{
	char token[128], json[2048];

	if (ht_token(&e->hub, "--commune", HS_COMMUNE, NULL, token) ||
	    ht_enroll_body_key(e->same.key, token, json, sizeof(json)))
		return -1;
	return hs_enroll_body(e, json, a);
}

/* A P-256 key where an Ed25519 one is asked for. */
static int key_p256(hs_env *e, hs_answer *a)
{
	char token[128], json[2048];
	const char *pem = "-----BEGIN PUBLIC KEY-----\\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEtxS3n2o2bA2l1v8dZg"
			  "8Y6zG5h4p3FJq1wA8G1Ny0s2l0xH0dQ4A0bY0m3vZ0jJ8x3e2D6xQz2t1a4b0c9d8e7Q==\\n"
			  "-----END PUBLIC KEY-----\\n";

	if (ht_token(&e->hub, "--commune", HS_COMMUNE, NULL, token))
		return -1;
	snprintf(json, sizeof(json), "{\"token\": \"%s\", \"public_key\": \"%s\"}", token, pem);
	return hs_enroll_body(e, json, a);
}

/* Junk enrolments from one address until the hub says 429 (at most 300). */
static int flood(hs_env *e, hs_answer *a)
{
	static const char *const ct[] = { "Content-Type: application/json", NULL };
	static const char junk[] = "{\"token\": \"00\", \"public_key\": \"x\"}";

	for (int i = 0; i < 300; i++) {
		if (hs_http(e, NULL, "POST", "/v1/enroll", junk, sizeof(junk) - 1, ct, "127.0.0.251", a))
			return -1;
		if (a->status == 429)
			break;
	}
	return 0;
}

#define E(name, needs, fn, st, code) \
	{ \
		name, needs, fn, st, code, HS_ANON, 0, NULL, NULL \
	}
static const hs_row rows[] = {
	E("token unknown", "", token_unknown, 403, "token_unknown"),
	E("token used by another key", "", token_used, 403, "token_used"),
	E("token expired", "", token_expired, 403, "token_expired"),
	E("token of a revoked agent", "", token_revoked, 403, "token_revoked"),
	E("body not JSON", "", not_json, 400, "bad_request"),
	E("body a JSON array", "", json_array, 400, "bad_request"),
	E("token a number", "", json_number, 400, "bad_request"),
	E("no public key", "", no_key, 400, "bad_request"),
	E("unterminated JSON", "", unterminated, 400, "bad_request"),
	E("public key not PEM", "", key_not_pem, 400, "bad_public_key"),
	E("public key of P-256", "", key_p256, 400, "bad_public_key"),
	E("public key is the hub's", "", key_is_hubs, 400, "bad_public_key"),
	E("key already enrolled", "", key_enrolled_twice, 409, "already_enrolled"),
	{ "junk enrolment flood", "server", flood, 429, "rate_limited", HS_ANON | HS_SLOW, 0, NULL, NULL },
};

const hs_family hs_family_enrol = { "enrol", NULL, rows, sizeof(rows) / sizeof(rows[0]) };
