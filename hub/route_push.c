/*
 * route_push.c - POST /v1/push: the body is one sealed change-set. The opener
 * thread makes the checks that write nothing (hub_route_open), then the
 * writer thread the rest and the merge; all of them are hub_ingest's, the
 * same ones a USB import makes. The answer is JSON, success or not. Pushes that queued up
 * while the writer was busy are merged together (group commit): one
 * transaction, a savepoint each, every answer held back until the COMMIT.
 */
#include <stdio.h>
#include <stdlib.h>
#include "ctx.h"
#include "store.h"
#include "ingest.h"
#include "json.h"
#include "server.h"

static void answer(hub_job *job, hub_result rc, const hub_verdict *v)
{
	proto_buf *b = &job->resp;
	char hash[65];

	job->status = v->status;
	job->ctype = "application/json";
	job->code = v->code;
	proto_buf_reset(b);
	if (rc == HUB_OK) {
		proto_hex(v->hash, 32, hash);
		if (proto_buf_appendf(b,
				      "{\"status\": \"%s\", \"seq\": %llu, \"hash\": \"%s\","
				      " \"applied\": %zu, \"already\": %zu, \"stale\": %zu,"
				      " \"conflicts\": %zu}\n",
				      v->code, (unsigned long long)v->seq, hash, v->stats.applied,
				      v->stats.already, v->stats.stale, v->stats.conflicts))
			hub_job_error(job, 500, "internal", "answer too large");
		return;
	}
	if (proto_buf_append_str(b, "{\"error\": ") || hub_json_str(b, v->code) ||
	    proto_buf_append_str(b, ", \"message\": ") || hub_json_str(b, v->message))
		goto fail;
	if (v->expected_seq &&
	    proto_buf_appendf(b, ", \"expected_seq\": %llu", (unsigned long long)v->expected_seq))
		goto fail;
	if (v->has_expected_hash) {
		proto_hex(v->expected_hash, 32, hash);
		if (proto_buf_appendf(b, ", \"expected_prev\": \"%s\"", hash))
			goto fail;
	}
	/* where the rulebook was broken; a refused link; when to retry */
	if (v->rule && (proto_buf_append_str(b, ", \"rule\": ") || hub_json_str(b, v->rule) ||
			proto_buf_append_str(b, ", \"record\": ") || hub_json_str(b, v->record) ||
			proto_buf_append_str(b, ", \"field\": ") || hub_json_str(b, v->field)))
		goto fail;
	/* "link" says the same as "chained" as a string, for readers without booleans */
	if (v->chained && proto_buf_appendf(b,
					    ", \"chained\": true, \"link\": \"refused\","
					    " \"seq\": %llu",
					    (unsigned long long)v->seq))
		goto fail;
	if (v->retry_after > 0) {
		char secs[24];
		snprintf(secs, sizeof(secs), "%lld", (long long)v->retry_after);
		hub_job_header(job, "Retry-After", secs);
	}
	if (proto_buf_append_str(b, "}\n"))
		goto fail;
	return;
fail:
	hub_job_error(job, 500, "internal", "answer too large");
}

void hub_route_push(hub_ctx *ctx, hub_job *job)
{
	hub_verdict v;
	hub_result rc = hub_ingest(ctx, job->body, job->len, job->peer, "push", job->opened, &v);

	answer(job, rc, &v);
}

/* The opening stage (its own thread and read-only connection): what it
 * finds travels with the job to the writer, which merges or records it. */
void hub_route_open(hub_ctx *ctx, hub_job *job)
{
	hub_opened *o = proto_calloc(1, sizeof(*o));

	if (o) {
		hub_ingest_open(ctx, job->body, job->len, job->peer, o);
		job->opened = o;
	}
	job->run = hub_route_push; /* without o the writer opens it itself */
}

void hub_route_push_batch(hub_ctx *ctx, hub_job **jobs, size_t n)
{
	hub_verdict v;
	size_t i;

	if (n == 1 || sqlite3_exec(ctx->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		for (i = 0; i < n; i++)
			hub_route_push(ctx, jobs[i]);
		return;
	}
	for (i = 0; i < n; i++)
		answer(jobs[i],
		       hub_ingest_batched(ctx, jobs[i]->body, jobs[i]->len, jobs[i]->peer, "push",
					  jobs[i]->opened, &v),
		       &v);
	if (sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return;
	/* nothing of the batch is durable: no push may be told it was applied */
	sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
	for (i = 0; i < n; i++)
		hub_job_error(jobs[i], 503, "busy", "the hub could not commit this push: send it again");
}
