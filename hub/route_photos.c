/*
 * route_photos.c - the photos' bytes (docs/PROTOCOL.md, "Photos"), after
 * the records that name them:
 *   POST /v1/photos/want  {"photos": [hex, ...]}: which the hub lacks, from
 *        where to resume each; a hash no accepted record of this agent names
 *        is refused, never wanted (reader thread);
 *   HEAD /v1/photos/<hex>: Maiam-Offset, the bytes the hub has of it
 *        (reader thread);
 *   PUT  /v1/photos/<hex> with Content-Range: bytes START-END/TOTAL: one
 *        range, appended to this agent's partial of it if START is where the
 *        partial ends; with the last byte its SHA-256 is checked and the
 *        photo stored (writer thread, photo_store.c). When the connection
 *        ends during the body, the bytes that came are appended the same
 *        way, after the same checks (hub_route_photo_cut, from
 *        server_conn.c): the next HEAD or want resumes after them.
 * "This agent" is the agent or one of its line of predecessors.
 * A body is at most HUB_MAX_BODY, held like a push's (server_limits.c):
 * nothing here reads more than one request's bytes.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "ingest.h"
#include "json.h"
#include "photo_accept.h"
#include "photo_store.h"
#include "server.h"

static void set_offset(hub_job *job, int64_t offset)
{
	char v[24];

	snprintf(v, sizeof(v), "%lld", (long long)offset);
	hub_job_header(job, "Maiam-Offset", v);
}

static void answer_json(hub_job *job, int status, const char *state, int64_t offset)
{
	job->status = status;
	job->ctype = "application/json";
	proto_buf_reset(&job->resp);
	if (proto_buf_appendf(&job->resp, "{\"status\": \"%s\", \"offset\": %lld}\n", state,
			      (long long)offset))
		hub_job_error(job, 500, "internal", "answer too large");
	set_offset(job, offset);
}

/* The bytes the hub has of a named photo: its size when stored, else its
 * partial's. A partial as long as the photo or longer is dropped: one that
 * could not be stored after its last byte is sent again, whole. */
static hub_result have_of(hub_ctx *ctx, uint64_t agent, const char *hex, int64_t bytes, int64_t *have,
			  bool *held)
{
	hub_result rc = hub_photo_held(ctx->db, hex, held);

	*have = bytes;
	if (rc != HUB_OK || *held)
		return rc;
	rc = hub_photo_partial_size(ctx, agent, hex, have);
	if (rc == HUB_OK && *have >= bytes) {
		hub_photo_partial_drop(ctx, agent, hex);
		*have = 0;
	}
	return rc;
}

/* One item of the want answer. HUB_OK, HUB_EDB, HUB_EIO or HUB_ENOMEM. */
static hub_result want_one(hub_ctx *ctx, hub_job *job, const char *hex, proto_buf *b)
{
	int64_t bytes = 0, have = 0;
	bool held = false;
	const char *refusal = NULL;
	hub_result rc = hub_photo_may_send(ctx->db, job->peer, hex, &bytes, &refusal);

	if (rc != HUB_OK)
		return rc;
	if (refusal)
		return proto_buf_appendf(b, "\"status\": \"refused\", \"error\": \"%s\"", refusal)
			       ? HUB_ENOMEM
			       : HUB_OK;
	rc = have_of(ctx, job->peer, hex, bytes, &have, &held);
	if (rc != HUB_OK)
		return rc;
	return proto_buf_appendf(b, "\"status\": \"%s\", \"offset\": %lld, \"bytes\": %lld",
				 held ? "held" : "wanted", (long long)have, (long long)bytes)
		       ? HUB_ENOMEM
		       : HUB_OK;
}

void hub_route_photo_want(hub_ctx *ctx, hub_job *job)
{
	json_t *root = json_loadb((const char *)job->body, job->len, JSON_REJECT_DUPLICATES, NULL);
	json_t *list = root ? json_object_get(root, "photos") : NULL;
	proto_buf *b = &job->resp;
	size_t i, n;
	hub_result rc = HUB_OK;

	if (!json_is_array(list)) {
		hub_job_error(job, 400, "bad_request", "send {\"photos\": [\"<sha256 hex>\", ...]}");
		goto out;
	}
	n = json_array_size(list);
	if (n > HUB_PHOTO_WANT_MAX) {
		hub_job_error(job, 413, "too_many",
			      "at most 1000 hashes in one want: ask for the rest after");
		goto out;
	}
	proto_buf_reset(b);
	if (proto_buf_append_str(b, "{\"photos\": ["))
		rc = HUB_ENOMEM;
	for (i = 0; i < n && rc == HUB_OK; i++) {
		const char *hex = json_string_value(json_array_get(list, i));
		if (!hex || strlen(hex) != 64) {
			hub_job_error(job, 400, "bad_request",
				      "each photo is its SHA-256 in 64 lowercase hex digits");
			goto out;
		}
		if (proto_buf_appendf(b, "%s{\"sha256\": \"%s\", ", i ? ", " : "", hex))
			rc = HUB_ENOMEM;
		if (rc == HUB_OK)
			rc = want_one(ctx, job, hex, b);
		if (rc == HUB_OK && proto_buf_append_str(b, "}"))
			rc = HUB_ENOMEM;
	}
	if (rc == HUB_OK && proto_buf_append_str(b, "]}\n"))
		rc = HUB_ENOMEM;
	if (rc != HUB_OK) {
		hub_job_error(job, 503, "busy", "the hub could not answer this want: send it again");
		goto out;
	}
	job->status = 200;
	job->ctype = "application/json";
out:
	json_decref(root);
}

/* The path's hash, checked, and whether an accepted record of this agent
 * names it (its size in *bytes). 0 go on, -1 the job holds the refusal. */
static int named_target(hub_ctx *ctx, hub_job *job, int64_t *bytes)
{
	const char *refusal = NULL;

	if (hub_photo_may_send(ctx->db, job->peer, job->target, bytes, &refusal) != HUB_OK) {
		hub_job_error(job, 503, "busy", "the hub could not read its records: retry later");
		return -1;
	}
	if (!refusal)
		return 0;
	if (strcmp(refusal, "bad_hash") == 0)
		hub_job_error(job, 400, refusal,
			      "the path ends in the photo's SHA-256, 64 lowercase hex digits");
	else if (strcmp(refusal, "not_named") == 0)
		hub_job_error(
			job, 403, refusal,
			"no accepted photo record of this laptop names this hash: sync the records first");
	else
		hub_job_error(job, 413, refusal, "the hub takes photos of at most 8 MiB");
	return -1;
}

void hub_route_photo_head(hub_ctx *ctx, hub_job *job)
{
	int64_t bytes, have;
	bool held;

	if (named_target(ctx, job, &bytes))
		return;
	if (have_of(ctx, job->peer, job->target, bytes, &have, &held) != HUB_OK) {
		hub_job_error(job, 503, "busy", "the hub could not read its photos: retry later");
		return;
	}
	answer_json(job, 200, held ? "held" : "partial", have);
}

/* "bytes START-END/TOTAL", END inclusive, nothing else. 0 or -1. */
static int parse_range(const char *s, int64_t *start, int64_t *end, int64_t *total)
{
	long long a, b, t;
	int used = -1;

	if (sscanf(s, "bytes %19lld-%19lld/%19lld%n", &a, &b, &t, &used) != 3 || used < 0 ||
	    s[used] != '\0' || a < 0 || b < a || t <= b)
		return -1;
	*start = a, *end = b, *total = t;
	return 0;
}

/* The last byte came: the hash checked, the photo stored (photo_accept.c,
 * the same step as a USB bundle's photo). */
static void finish(hub_ctx *ctx, hub_job *job, int64_t total)
{
	hub_photo_offer offer = { job->peer, job->target, NULL, 0, (int64_t)time(NULL) };
	hub_photo_verdict v;
	hub_result rc = hub_photo_accept(ctx, &offer, &v);

	if (rc == HUB_OK && v.outcome == HUB_PHOTO_REFUSED) {
		hub_job_error(job, 422, "wrong_hash",
			      "the bytes do not hash to the photo's name: the upload was dropped,"
			      " send the photo again from its first byte");
		set_offset(job, 0);
		return;
	}
	if (rc != HUB_OK) {
		hub_job_error(job, 503, "busy",
			      "the hub could not store the photo: send its last range again");
		return;
	}
	answer_json(job, 201, "stored", total);
}

/* A range as its headers give it, and where the partial ends. */
typedef struct range_plan {
	int64_t start, end, total;
	char day[11]; /* Vietnam's day, for the quota */
} range_plan;

/* The checks a range passes before any of its bytes are kept, whole or cut
 * short: a photo a record of this agent's line names, its Content-Range,
 * TOTAL its record's size, 'declared' (the Content-Length) the range's
 * length, not held, START where the partial ends, 'bytes' more within the
 * day's quota. 0: append at plan->start; -1: the job holds the answer. */
static int range_ok(hub_ctx *ctx, hub_job *job, size_t declared, size_t bytes, int64_t now,
		    range_plan *plan)
{
	int64_t size, have, sent_today = 0;
	bool held;

	if (named_target(ctx, job, &size))
		return -1;
	if (parse_range(job->range, &plan->start, &plan->end, &plan->total)) {
		hub_job_error(job, 400, "bad_range", "send Content-Range: bytes START-END/TOTAL");
		return -1;
	}
	if (plan->total != size) {
		hub_job_error(job, 400, "wrong_size", "TOTAL is not the size the photo's record gives it");
		return -1;
	}
	if ((uint64_t)(plan->end - plan->start + 1) != declared) {
		hub_job_error(job, 400, "bad_range", "the body is not as long as its Content-Range says");
		return -1;
	}
	if (have_of(ctx, job->peer, job->target, size, &have, &held) != HUB_OK) {
		hub_job_error(job, 503, "busy", "the hub could not read its photos: retry later");
		return -1;
	}
	if (held) {
		answer_json(job, 200, "held", size);
		return -1;
	}
	if (plan->start != have) {
		hub_job_error(job, 409, "wrong_offset", "resume from the offset in Maiam-Offset");
		set_offset(job, have);
		return -1;
	}
	proto_rules_day((time_t)now, 0, plan->day);
	if (hub_photo_day_get(ctx->db, job->peer, plan->day, &sent_today) != HUB_OK) {
		hub_job_error(job, 503, "busy", "the hub could not read its quotas: retry later");
		return -1;
	}
	if (sent_today + (int64_t)bytes > HUB_PHOTO_DAY_BYTES) {
		char secs[24];
		hub_job_error(job, 429, "quota_exceeded",
			      "this laptop sent its photo bytes of the day: retry tomorrow");
		snprintf(secs, sizeof(secs), "%lld", (long long)hub_seconds_to_vn_midnight(now));
		hub_job_header(job, "Retry-After", secs);
		return -1;
	}
	return 0;
}

/* len bytes at p appended to the partial and counted in the day's quota;
 * on a failure the partial is dropped (the job says so). 0 or -1. */
static int keep_bytes(hub_ctx *ctx, hub_job *job, const range_plan *plan, const uint8_t *p, size_t len,
		      int64_t now)
{
	if (hub_photo_partial_append(ctx, job->peer, job->target, plan->start, plan->total, p, len,
				     now) != HUB_OK ||
	    hub_photo_day_add(ctx->db, job->peer, plan->day, (int64_t)len) != HUB_OK) {
		hub_photo_partial_drop(ctx, job->peer, job->target);
		hub_job_error(job, 503, "busy",
			      "the hub could not keep this range: start the photo again");
		set_offset(job, 0);
		return -1;
	}
	return 0;
}

void hub_route_photo_put(hub_ctx *ctx, hub_job *job)
{
	int64_t now = (int64_t)time(NULL);
	range_plan plan;

	if (range_ok(ctx, job, job->len, job->len, now, &plan) ||
	    keep_bytes(ctx, job, &plan, job->body, job->len, now))
		return;
	if (plan.end + 1 == plan.total)
		finish(ctx, job, plan.total);
	else
		answer_json(job, 200, "partial", plan.end + 1);
}

/* The bytes of a range that came before its connection ended are kept by
 * the checks of a whole range (its Content-Length in job->declared, what
 * came in job->len, always fewer): the next HEAD or want resumes after
 * them. Nobody waits for an answer; nothing is kept past the range's END,
 * and a cut range is never the photo's last byte, so nothing is stored. */
void hub_route_photo_cut(hub_ctx *ctx, hub_job *job)
{
	int64_t now = (int64_t)time(NULL);
	range_plan plan;

	if (job->len == 0 || job->len >= job->declared ||
	    range_ok(ctx, job, job->declared, job->len, now, &plan) ||
	    keep_bytes(ctx, job, &plan, job->body, job->len, now))
		return;
	answer_json(job, 200, "partial", plan.start + (int64_t)job->len);
}
