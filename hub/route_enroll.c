/*
 * route_enroll.c - POST /v1/enroll: a laptop trades a one-time token and its
 * Ed25519 public key for its agent id, the hub's public key, the campaign,
 * its scope and a client certificate for later push and pull connections.
 * Runs in the writer thread: the token is used up in the same transaction
 * that records the agent, so a token can never enrol two laptops. The same
 * laptop (the same key) sending the same token again gets the same answer
 * again, with a fresh certificate for that key: on 3G the first answer can be
 * lost after the hub committed it. Nothing in the answer is secret, and the
 * certificate is useless without the laptop's private key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hub.h"

#define TOKEN_MAX 128
#define PEM_MAX 1024

static void refuse(hub_ctx *ctx, hub_job *job, int status, const char *code, const char *msg)
{
	hub_rejection_add(ctx->db, "enroll", 0, 0, code, msg, (int64_t)(proto_wall_ms() / 1000));
	hub_job_error(job, status, code, msg);
}

static int write_response(hub_ctx *ctx, hub_job *job, uint64_t agent, const hub_scope *scope,
			  const char *cert)
{
	char hex[17], hub_hex[17], *hub_pem = NULL;
	proto_buf *b = &job->resp;
	int rc = -1;

	if (proto_key_public_pem(ctx->key, &hub_pem) != PROTO_OK)
		return -1;
	proto_key_id_hex(agent, hex);
	proto_key_id_hex(ctx->key_id, hub_hex);
	proto_buf_reset(b);
	if (proto_buf_append_str(b, "{\"agent_id\": ") || hub_json_str(b, hex) ||
	    proto_buf_append_str(b, ", \"hub_key_id\": ") || hub_json_str(b, hub_hex) ||
	    proto_buf_append_str(b, ", \"hub_public_key\": ") || hub_json_str(b, hub_pem) ||
	    proto_buf_append_str(b, ", \"campaign\": ") || hub_json_str(b, ctx->campaign_id) ||
	    proto_buf_appendf(b, ", \"scope\": {\"kind\": \"%s\", \"code\": %d}",
			      scope->kind == HUB_SCOPE_DISTRICT ? "district" : "commune", scope->code) ||
	    proto_buf_append_str(b, ", \"client_cert\": ") || hub_json_str(b, cert) ||
	    proto_buf_append_str(b, "}\n"))
		goto out;
	job->status = 200;
	job->ctype = "application/json";
	rc = 0;
out:
	free(hub_pem);
	return rc;
}

void hub_route_enroll(hub_ctx *ctx, hub_job *job)
{
	char token[TOKEN_MAX], pem[PEM_MAX], err[256], *cert = NULL;
	uint8_t pub[PROTO_PUBKEY_LEN];
	proto_key *key = NULL;
	hub_agent existing;
	hub_scope scope = { 0, 0 };
	int64_t token_id = 0, now = (int64_t)(proto_wall_ms() / 1000);
	int state = HUB_TOKEN_UNKNOWN, in_txn = 0;
	uint64_t id;

	if (hub_json_get_str((const char *)job->body, job->len, "token", token, sizeof(token)) != 1 ||
	    hub_json_get_str((const char *)job->body, job->len, "public_key", pem, sizeof(pem)) != 1) {
		refuse(ctx, job, 400, "bad_request", "enrolment body must be a JSON object with"
		       " string members \"token\" and \"public_key\" (PEM)");
		goto out;
	}
	if (proto_key_from_public_pem(pem, strlen(pem), &key) != PROTO_OK) {
		refuse(ctx, job, 400, "bad_public_key", "\"public_key\" is not an Ed25519 public key"
		       " in PEM form");
		goto out;
	}
	proto_key_public_raw(key, pub);
	id = proto_key_id(key);
	if (id == ctx->key_id) {
		refuse(ctx, job, 400, "bad_public_key", "that is the hub's own key");
		goto out;
	}
	/* issued before the transaction: it is pure computation, and if it fails
	 * the token is still unused */
	if (hub_tls_issue_client(ctx->dir, pub, &cert, err, sizeof(err))) {
		hub_job_error(job, 500, "internal", err);
		goto out;
	}
	if (sqlite3_exec(ctx->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto internal;
	in_txn = 1;
	if (hub_token_consume(ctx->db, token, now, id, &state, &scope, &token_id))
		goto internal;
	if (state == HUB_TOKEN_AGAIN) {
		int found = hub_agent_get(ctx->db, id, &existing);
		sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL); /* nothing was written */
		in_txn = 0;
		if (found < 0)
			goto internal;
		if (found == 1 && existing.revoked) {
			refuse(ctx, job, 403, "revoked", "agent was revoked by the hub operator:"
			       " ask the province for a new enrolment");
			goto out;
		}
		if (found == 1) {
			if (write_response(ctx, job, id, &existing.scope, cert))
				hub_job_error(job, 500, "internal", "cannot build the enrolment answer");
			goto out;
		}
		state = HUB_TOKEN_USED; /* the token's agent is gone: treat as used */
	}
	if (state != HUB_TOKEN_OK) {
		static const char *const codes[] = { "", "token_unknown", "token_used",
						     "token_expired", "token_revoked" };
		static const char *const msgs[] = {
			"", "enrolment token is not known to this hub: check it or ask for a new one",
			"enrolment token was already used: ask the hub operator for a new one",
			"enrolment token has expired: ask the hub operator for a new one",
			"enrolment token was revoked: ask the hub operator for a new one" };
		sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
		in_txn = 0;
		refuse(ctx, job, 403, codes[state], msgs[state]);
		goto out;
	}
	switch (hub_agent_get(ctx->db, id, &existing)) {
	case 0:
		break;
	case 1:
		sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
		in_txn = 0;
		refuse(ctx, job, 409, "already_enrolled", "this public key is already enrolled:"
		       " each laptop enrols once with its own key");
		goto out;
	default:
		goto internal;
	}
	if (hub_agent_insert(ctx->db, pub, &scope, now, token_id) ||
	    sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto internal;
	in_txn = 0;
	if (write_response(ctx, job, id, &scope, cert))
		hub_job_error(job, 500, "internal", "cannot build the enrolment answer");
	goto out;
internal:
	if (in_txn)
		sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
	hub_job_error(job, 500, "internal", "hub database error: try again later");
out:
	free(cert);
	proto_key_free(key);
}
