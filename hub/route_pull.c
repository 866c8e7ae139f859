/*
 * route_pull.c - GET /v1/pull?after=CURSOR: what the hub holds for the
 * agent's area since its cursor (review decisions, records other laptops
 * sent), as one change-set sealed with the hub key. The ledger is the feed:
 * the cursor is a ledger row id, and relayed records keep their writer and
 * stamps so the laptop's merge orders them exactly as the hub did. Runs on
 * the reader thread's read-only connection; only the ledger rows the area
 * index names for the agent's commune or district are opened.
 */
#include <stdio.h>
#include <string.h>
#include "hub.h"

#define PULL_MAX_ROWS 512
#define PULL_MAX_RECORDS 20000

typedef struct pull_state {
	hub_ctx *ctx;
	hub_agent agent;
	proto_changeset out;
	int64_t cursor;
	int rows;
	int more;
	int failed;
	int64_t row; /* the ledger row being read */
	/* the last household asked about: a household's events follow it */
	proto_id last_hh;
	int last_in;
} pull_state;

static const proto_field *field_of(const proto_record *rec, uint8_t field)
{
	size_t i;
	for (i = 0; i < rec->nfields; i++)
		if (rec->fields[i].field == field)
			return &rec->fields[i];
	return NULL;
}

static int household_in(pull_state *ps, proto_id id)
{
	int64_t commune;

	if (id.origin == ps->last_hh.origin && id.serial == ps->last_hh.serial && id.serial)
		return ps->last_in;
	ps->last_hh = id;
	ps->last_in = hub_household_commune(ps->ctx->db, id, &commune) == 1 &&
		      hub_in_scope(ps->ctx, &ps->agent.scope, commune);
	return ps->last_in;
}

/* Did the row being read move this household out of the agent's area? Its
 * laptops then get the record that says where it went (and nothing after). */
static int moved_out(pull_state *ps, proto_id id)
{
	int64_t from;

	return hub_moved_from(ps->ctx->db, ps->row, id, &from) == 1 &&
	       hub_in_scope(ps->ctx, &ps->agent.scope, from);
}

static int anchor_in(pull_state *ps, int has_hh, proto_id hh, int64_t unit)
{
	if (has_hh)
		return household_in(ps, hh);
	return hub_in_scope(ps->ctx, &ps->agent.scope, unit) ||
	       (ps->agent.scope.kind == HUB_SCOPE_DISTRICT && unit == ps->agent.scope.code);
}

/* Does this record concern the agent's area, as the hub knows it now? */
static int record_in(pull_state *ps, const proto_record *rec)
{
	const proto_field *f;
	proto_id hh = { 0, 0 };
	int has_hh = 0;
	int64_t unit = 0;

	switch (rec->kind) {
	case PROTO_KIND_HOUSEHOLD:
		return household_in(ps, rec->id) || moved_out(ps, rec->id);
	case PROTO_KIND_MILESTONE:
		f = field_of(rec, PROTO_MS_HOUSEHOLD);
		return f && f->value.type == PROTO_V_REF && household_in(ps, f->value.ref);
	case PROTO_KIND_CONTRIBUTION:
		f = field_of(rec, PROTO_CT_HOUSEHOLD);
		if (f && f->value.type == PROTO_V_REF)
			return household_in(ps, f->value.ref);
		f = field_of(rec, PROTO_CT_UNIT);
		return f && f->value.type == PROTO_V_INT && anchor_in(ps, 0, hh, f->value.i);
	case PROTO_KIND_VOID:
		f = field_of(rec, PROTO_VO_TARGET);
		if (!f || f->value.type != PROTO_V_REF ||
		    hub_event_anchor(ps->ctx->db, f->value.ref, &has_hh, &hh, &unit) != 1)
			return 0;
		return anchor_in(ps, has_hh, hh, unit);
	default:
		return 0;
	}
}

static int on_row(void *arg, const hub_ledger_row *row)
{
	pull_state *ps = arg;
	const proto_changeset *cs;
	proto_changeset scratch;
	size_t i;
	int stop = 0;

	ps->rows++;
	ps->row = row->id;
	if (row->origin == ps->agent.id) { /* its own change-sets: nothing new for it */
		ps->cursor = row->id;
		return 0;
	}
	/* the signature was verified when the row was ledgered; its hash proves
	 * the bytes are still those (a mismatch is damage: the pull fails) */
	if (hub_pull_cache_open(ps->ctx->pull_cache, row, &cs, &scratch) != PROTO_OK) {
		ps->failed = 1;
		stop = 1;
		goto out;
	}
	for (i = 0; i < cs->nrecords; i++) {
		const proto_record *rec = &cs->records[i];
		if (rec->writer == ps->agent.id || !record_in(ps, rec))
			continue;
		if (proto_changeset_copy_record(&ps->out, rec) != PROTO_OK) {
			ps->failed = 1;
			stop = 1;
			goto out;
		}
	}
	ps->cursor = row->id;
	if (ps->out.nrecords >= PULL_MAX_RECORDS) {
		ps->more = 1;
		stop = 1;
	}
out:
	proto_changeset_release(&scratch);
	return stop;
}

/* The only parameter is after=<decimal>; anything else is refused. */
static int parse_after(const char *query, int64_t *after)
{
	long v;

	*after = 0;
	if (!query[0])
		return 0;
	if (strncmp(query, "after=", 6) != 0 || hub_parse_int(query + 6, 0, 0x7fffffffffffffffL, &v))
		return -1;
	*after = v;
	return 0;
}

void hub_route_pull(hub_ctx *ctx, hub_job *job)
{
	pull_state ps;
	uint8_t zeros[32] = { 0 };
	uint64_t last = 0;
	proto_hlc clock;
	char num[32];
	int64_t after;
	int found;

	memset(&ps, 0, sizeof(ps));
	ps.ctx = ctx;
	if (!ctx->pull_cache) /* out of memory: rows are opened each time */
		ctx->pull_cache = hub_pull_cache_new();
	if (parse_after(job->query, &after)) {
		hub_job_error(job, 400, "bad_request", "pull takes one parameter, after=CURSOR"
			      " (a number from the previous pull, 0 at first)");
		return;
	}
	found = hub_agent_get(ctx->db, job->peer, &ps.agent);
	if (found != 1) {
		hub_job_error(job, found < 0 ? 500 : 403, found < 0 ? "internal" : "unknown_agent",
			      found < 0 ? "hub database error" : "this client certificate's key is"
			      " not enrolled at this hub");
		return;
	}
	if (ps.agent.revoked) {
		hub_job_error(job, 403, "revoked", "agent was revoked by the hub operator:"
			      " ask the province for a new enrolment");
		return;
	}
	hub_meta_get_u64(ctx->db, "hlc_last", &last);
	proto_hlc_init(&clock, last);
	if (proto_changeset_init(&ps.out, ctx->campaign_id, ctx->key_id, 1, zeros,
				 proto_hlc_now(&clock, proto_wall_ms())) != PROTO_OK) {
		hub_job_error(job, 500, "internal", "cannot start the pull change-set");
		return;
	}
	ps.cursor = after;
	/* a snapshot: rows committed while we read do not tear the answer */
	sqlite3_exec(ctx->db, "BEGIN", NULL, NULL, NULL);
	if (hub_ledger_each_area(ctx->db, &ps.agent.scope, after, PULL_MAX_ROWS, on_row, &ps) ||
	    ps.failed) {
		sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
		hub_job_error(job, 500, "internal", "cannot read the hub ledger");
		goto out;
	}
	sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL);
	if (ps.rows == PULL_MAX_ROWS)
		ps.more = 1;
	snprintf(num, sizeof(num), "%lld", (long long)ps.cursor);
	hub_job_header(job, "Maiam-Cursor", num);
	hub_job_header(job, "Maiam-More", ps.more ? "1" : "0");
	if (ps.out.nrecords == 0) {
		job->status = 204;
		job->ctype = NULL;
		goto out;
	}
	proto_buf_reset(&job->resp);
	if (proto_seal(&ps.out, ctx->key, &job->resp, NULL) != PROTO_OK) {
		hub_job_error(job, 500, "internal", "cannot seal the pull change-set");
		goto out;
	}
	job->status = 200;
	job->ctype = "application/octet-stream";
out:
	proto_changeset_release(&ps.out);
}
