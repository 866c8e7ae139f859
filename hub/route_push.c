/*
 * route_push.c - POST /v1/push: the body is one sealed change-set. Runs in the
 * writer thread; the checks and the merge are hub_ingest's, the same ones a
 * USB import makes. The answer is JSON, success or not.
 */
#include <stdio.h>
#include "hub.h"

void hub_route_push(hub_ctx *ctx, hub_job *job)
{
	hub_verdict v;
	proto_buf *b = &job->resp;
	char hash[65];
	int rc;

	rc = hub_ingest(ctx, job->body, job->len, job->peer, "push", &v);
	job->status = v.status;
	job->ctype = "application/json";
	proto_buf_reset(b);
	if (rc == 0) {
		proto_hex(v.hash, 32, hash);
		if (proto_buf_appendf(b, "{\"status\": \"%s\", \"seq\": %llu, \"hash\": \"%s\","
				      " \"applied\": %zu, \"already\": %zu, \"stale\": %zu,"
				      " \"conflicts\": %zu}\n", v.code, (unsigned long long)v.seq, hash,
				      v.stats.applied, v.stats.already, v.stats.stale, v.stats.conflicts))
			hub_job_error(job, 500, "internal", "answer too large");
		return;
	}
	if (proto_buf_append_str(b, "{\"error\": ") || hub_json_str(b, v.code) ||
	    proto_buf_append_str(b, ", \"message\": ") || hub_json_str(b, v.message))
		goto fail;
	if (v.expected_seq && proto_buf_appendf(b, ", \"expected_seq\": %llu",
						(unsigned long long)v.expected_seq))
		goto fail;
	if (v.has_expected_hash) {
		proto_hex(v.expected_hash, 32, hash);
		if (proto_buf_appendf(b, ", \"expected_prev\": \"%s\"", hash))
			goto fail;
	}
	if (proto_buf_append_str(b, "}\n"))
		goto fail;
	return;
fail:
	hub_job_error(job, 500, "internal", "answer too large");
}
