/*
 * route_enroll.c - POST /v1/enroll: a laptop trades a one-time token and its
 * Ed25519 public key for its agent id, the hub's public key, the campaign,
 * its scope and a client certificate for later push and pull connections.
 * First the checks that write nothing, on the opener's read-only connection
 * (hub_route_enroll_check): junk never reaches the writer, and its refusals
 * are counted per code per hour (store_anon.c), not a durable row each.
 * Then the writer: the token is used up in the same transaction that
 * records the agent, so a token can never enrol two laptops, and only then
 * is a certificate signed. The same
 * laptop (the same key) sending the same token again gets the same answer
 * again, with a fresh certificate for that key: on 3G the first answer can be
 * lost after the hub committed it. Nothing in the answer is secret, and the
 * certificate is useless without the laptop's private key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/cli.h"
#include "ctx.h"
#include "store.h"
#include "tls.h"
#include "json.h"
#include "enrol.h"
#include "server.h"

#define TOKEN_MAX 128
#define PEM_MAX 1024

/* Enrolments come from connections without a client certificate: anyone
 * can send thousands, so a refusal is a counter, not a hub_rejection row. */
static void refuse(hub_ctx *ctx, hub_job *job, int status, const char *code, const char *msg)
{
	(void)ctx;
	hub_anon_count(code);
	hub_job_error(job, status, code, msg);
}

/*
 * The body's token, key and "reads" (the highest change-set format version
 * the laptop reads, proto/FORMAT.md "How the format evolves"; a string
 * member like the others, so that hubs which take only string members still
 * enrol a newer laptop; absent: 1); 0, or refused (answered) -1.
 */
static int parse(hub_ctx *ctx, hub_job *job, char *token, size_t tokenlen, proto_key **key, int *reads)
{
	char pem[PEM_MAX], num[8];
	bool has_token = false, has_key = false, has_reads = false;
	int64_t n = 1;

	if (hub_json_get_str((const char *)job->body, job->len, "token", token, tokenlen, &has_token) !=
		    HUB_OK ||
	    !has_token ||
	    hub_json_get_str((const char *)job->body, job->len, "public_key", pem, sizeof(pem),
			     &has_key) != HUB_OK ||
	    !has_key) {
		refuse(ctx, job, 400, "bad_request",
		       "enrolment body must be a JSON object with"
		       " string members \"token\" and \"public_key\" (PEM)");
		return -1;
	}
	if (hub_json_get_str((const char *)job->body, job->len, "reads", num, sizeof(num), &has_reads) !=
		    HUB_OK ||
	    (has_reads && cli_parse_int(num, 1, 255, &n))) {
		refuse(ctx, job, 400, "bad_request",
		       "\"reads\" must be the format version the laptop reads, a number 1..255 in a"
		       " string");
		return -1;
	}
	*reads = (int)n;
	if (proto_key_from_public_pem(pem, strlen(pem), key) != PROTO_OK) {
		refuse(ctx, job, 400, "bad_public_key",
		       "\"public_key\" is not an Ed25519 public key"
		       " in PEM form");
		return -1;
	}
	if (proto_key_id(*key) == ctx->cfg->key_id) {
		refuse(ctx, job, 400, "bad_public_key", "that is the hub's own key");
		return -1;
	}
	return 0;
}

void hub_route_enroll_check(hub_ctx *ctx, hub_job *job)
{
	char token[TOKEN_MAX];
	proto_key *key = NULL;
	int state = HUB_TOKEN_UNKNOWN, reads;

	job->run = hub_route_enroll;
	if (parse(ctx, job, token, sizeof(token), &key, &reads)) {
		job->then = NULL; /* answered here */
		goto out;
	}
	/* a database error: the writer looks again */
	if (hub_token_peek(ctx->db, token, (int64_t)(proto_wall_ms() / 1000), proto_key_id(key),
			   &state) == HUB_OK &&
	    state != HUB_TOKEN_OK && state != HUB_TOKEN_AGAIN) {
		hub_enrolment e;

		hub_enrol_token_refusal(state, &e);
		refuse(ctx, job, e.status, e.code, e.message);
		job->then = NULL;
	}
out:
	proto_key_free(key);
}

void hub_route_anon_flush(hub_ctx *ctx, hub_job *job)
{
	if (hub_anon_flush(ctx->db) != HUB_OK)
		hub_errorf("cannot write the anonymous refusal counters: they are kept for the"
			   " next try");
	job->status = 204;
}

static int write_response(hub_ctx *ctx, hub_job *job, uint64_t agent, const hub_scope *scope,
			  const char *cert, uint64_t predecessor)
{
	char hex[17], hub_hex[17], old_hex[17], *hub_pem = NULL;
	proto_buf *b = &job->resp;
	int rc = -1;

	if (proto_key_public_pem(ctx->cfg->key, &hub_pem) != PROTO_OK)
		return -1;
	proto_key_id_hex(agent, hex);
	proto_key_id_hex(ctx->cfg->key_id, hub_hex);
	proto_key_id_hex(predecessor, old_hex);
	proto_buf_reset(b);
	if (proto_buf_append_str(b, "{\"agent_id\": ") || hub_json_str(b, hex) ||
	    proto_buf_append_str(b, ", \"hub_key_id\": ") || hub_json_str(b, hub_hex) ||
	    proto_buf_append_str(b, ", \"hub_public_key\": ") || hub_json_str(b, hub_pem) ||
	    proto_buf_append_str(b, ", \"campaign\": ") || hub_json_str(b, ctx->cfg->campaign_id) ||
	    proto_buf_appendf(b, ", \"scope\": {\"kind\": \"%s\", \"code\": %d}",
			      scope->kind == HUB_SCOPE_DISTRICT ? "district" : "commune", scope->code) ||
	    proto_buf_append_str(b, ", \"client_cert\": ") || hub_json_str(b, cert) ||
	    (predecessor && (proto_buf_append_str(b, ", \"replaces\": ") || hub_json_str(b, old_hex))) ||
	    proto_buf_append_str(b, "}\n"))
		goto out;
	job->status = 200;
	job->ctype = "application/json";
	rc = 0;
out:
	free(hub_pem);
	return rc;
}

/* The certificate for the agent's key and the answer (after the commit:
 * if signing fails, the laptop's retry is the "same key, same token" case). */
static void answer(hub_ctx *ctx, hub_job *job, uint64_t id, const uint8_t *pub, const hub_scope *scope,
		   uint64_t predecessor)
{
	char err[256], *cert = NULL;

	if (hub_tls_issue_client(ctx->cfg->dir, pub, &cert, err, sizeof(err)))
		hub_job_error(job, 500, "internal", err);
	else if (write_response(ctx, job, id, scope, cert, predecessor))
		hub_job_error(job, 500, "internal", "cannot build the enrolment answer");
	free(cert);
}

void hub_route_enroll(hub_ctx *ctx, hub_job *job)
{
	char token[TOKEN_MAX];
	uint8_t pub[PROTO_PUBKEY_LEN];
	proto_key *key = NULL;
	hub_enrolment e;
	int reads;

	if (parse(ctx, job, token, sizeof(token), &key, &reads))
		goto out;
	proto_key_public_raw(key, pub);
	switch (hub_enrol(ctx->db, token, pub, (int64_t)(proto_wall_ms() / 1000), &e)) {
	case HUB_OK:
		/* after the enrolment's commit: a failure here is answered as one
		 * and the laptop's retry is the "same key, same token" case */
		if (hub_agent_set_reads(ctx->db, proto_key_id(key), reads) != HUB_OK) {
			hub_job_error(job, 500, "internal", "hub database error: try again later");
			break;
		}
		answer(ctx, job, proto_key_id(key), pub, &e.scope, e.predecessor);
		break;
	case HUB_REFUSED:
		refuse(ctx, job, e.status, e.code, e.message);
		break;
	default:
		hub_job_error(job, 500, "internal", "hub database error: try again later");
		break;
	}
out:
	proto_key_free(key);
}
