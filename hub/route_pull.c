/*
 * route_pull.c - GET /v1/pull?after=CURSOR: what the hub holds for the
 * agent's area since its cursor (review decisions, records other laptops
 * sent), as one change-set sealed with the hub key. The ledger is the feed:
 * the cursor is a ledger row id, and relayed records keep their writer and
 * stamps so the laptop's merge orders them exactly as the hub did. Runs on
 * the reader thread's read-only connection; only the ledger rows the area
 * index names for the agent's commune or district are opened.
 *
 * An answer is bounded before it is sealed (docs/HUB.md, "Pull answers are
 * bounded"): rows are taken whole while the running bound of what they add
 * stays under the HUB_PULL_MAX_* budget; a row over it alone is an answer of
 * its own; a row that cannot be sealed even alone is passed over and
 * recorded for the operator, so no ledger row can stop an area's pulls.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/cli.h"
#include "maiam/schema.h"
#include "ctx.h"
#include "store.h"
#include "ingest.h"
#include "enrol.h"
#include "epoch.h"
#include "json.h"
#include "server.h"

#define HUB_PULL_SEEN_SLOTS 512

typedef struct skipped_row {
	int64_t id;
	uint64_t origin, seq;
	proto_result why;
} skipped_row;

typedef struct pull_state {
	hub_ctx *ctx;
	hub_agent agent;
	/* the keys the agent succeeds (re-enrolment): their records are its own */
	uint64_t lineage[HUB_SUCCESSION_MAX];
	int nlineage;
	/* the answer: its records are shared with the pull cache's rows or with
	 * kept[] (proto_changeset_add_shared), never copied: give it back with
	 * answer_release */
	proto_changeset out;
	proto_changeset *kept; /* rows opened outside the cache, owned here */
	size_t nkept, cap_kept;
	int64_t cursor;
	int rows;
	int more;
	int failed;
	int64_t row; /* the ledger row being read */
	/* what the answer holds so far: bounds of its body and text */
	uint64_t body, text;
	int answer_rows; /* rows with records in the answer */
	int max_answer_rows;
	skipped_row last; /* the last row put in the answer */
	uint8_t *pick;    /* per record of the row being read: relay it? */
	size_t npick;
	/* households asked about in this answer's read transaction, direct
	 * mapped: a row's events name its laptop's households again and again,
	 * and one lookup each was a quarter of the reader under bench_campaign */
	struct {
		proto_id id;
		uint32_t gen; /* valid when == gen below */
		int in;
	} seen[HUB_PULL_SEEN_SLOTS];
	uint32_t gen;
	/* the communes kept across pulls (pull_cache.c); NULL when this
	 * transaction could not tell whether they still hold */
	hub_pull_cache *homes;
} pull_state;

/* Written by the agent, or by a revoked key it succeeds: the laptop holds
 * those records already (it re-sealed what the hub had not accepted). */
static int own_writer(const pull_state *ps, uint64_t writer)
{
	for (int i = 0; i < ps->nlineage; i++)
		if (ps->lineage[i] == writer)
			return 1;
	return writer == ps->agent.id;
}

static int household_in(pull_state *ps, proto_id id)
{
	uint64_t h = (id.origin ^ (id.serial * 0x9e3779b97f4a7c15ull)) * 0xbf58476d1ce4e5b9ull;
	size_t slot = (size_t)(h >> 32) % HUB_PULL_SEEN_SLOTS;
	int64_t commune;
	bool found;

	if (ps->seen[slot].gen == ps->gen && ps->seen[slot].id.origin == id.origin &&
	    ps->seen[slot].id.serial == id.serial)
		return ps->seen[slot].in;
	ps->seen[slot].id = id;
	ps->seen[slot].gen = ps->gen;
	if (hub_pull_cache_commune(ps->homes, id, &commune)) {
		found = true;
	} else {
		found = hub_household_commune(ps->ctx->db, id, &commune, &found) == HUB_OK && found;
		if (found)
			hub_pull_cache_commune_put(ps->homes, id, commune);
	}
	ps->seen[slot].in = found && hub_in_scope(ps->ctx, &ps->agent.scope, commune);
	return ps->seen[slot].in;
}

/* Did the row being read move this household out of the agent's area? Its
 * laptops then get the record that says where it went (and nothing after). */
static int moved_out(pull_state *ps, proto_id id)
{
	int64_t from;
	bool found;

	return hub_moved_from(ps->ctx->db, ps->row, id, &from, &found) == HUB_OK && found &&
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
	const proto_field *f, *kind;
	proto_id hh = { 0, 0 };
	int has_hh = 0;
	int64_t unit = 0;
	bool found;

	switch (rec->kind) {
	case PROTO_KIND_HOUSEHOLD:
		return household_in(ps, rec->id) || moved_out(ps, rec->id);
	case PROTO_KIND_MILESTONE:
		f = hub_record_field(rec, PROTO_MS_HOUSEHOLD);
		return f && f->value.type == PROTO_V_REF && household_in(ps, f->value.ref);
	case PROTO_KIND_CONTRIBUTION:
		f = hub_record_field(rec, PROTO_CT_HOUSEHOLD);
		if (f && f->value.type == PROTO_V_REF)
			return household_in(ps, f->value.ref);
		f = hub_record_field(rec, PROTO_CT_UNIT);
		return f && f->value.type == PROTO_V_INT && anchor_in(ps, 0, hh, f->value.i);
	case PROTO_KIND_VOID:
		f = hub_record_field(rec, PROTO_VO_TARGET);
		if (!f || f->value.type != PROTO_V_REF ||
		    hub_any_anchor(ps->ctx->db, f->value.ref, &has_hh, &hh, &unit, &found) != HUB_OK ||
		    !found)
			return 0;
		return anchor_in(ps, has_hh, hh, unit);
	case PROTO_KIND_PHOTO:
		f = hub_record_field(rec, PROTO_PH_TARGET);
		kind = hub_record_field(rec, PROTO_PH_TARGET_KIND);
		if (!f || f->value.type != PROTO_V_REF || !kind || kind->value.type != PROTO_V_INT ||
		    hub_photo_household(ps->ctx->db, kind->value.i, f->value.ref, &hh, &found) != HUB_OK ||
		    !found)
			return 0;
		return household_in(ps, hh);
	default:
		return 0;
	}
}

/* Give back the answer and the rows it shared that the cache does not own. */
static void answer_release(pull_state *ps)
{
	proto_changeset_release(&ps->out); /* the array only: shared records */
	for (size_t i = 0; i < ps->nkept; i++)
		proto_changeset_release(&ps->kept[i]);
	ps->nkept = 0;
}

/* Keep a row opened outside the cache (*scratch, emptied) while the answer
 * shares its records. 0, or -1 (out of memory, scratch still the caller's). */
static int keep_row(pull_state *ps, proto_changeset *scratch)
{
	if (ps->nkept == ps->cap_kept) {
		size_t ncap = ps->cap_kept ? ps->cap_kept * 2 : 8;
		proto_changeset *p = proto_realloc(ps->kept, ncap * sizeof(*p));

		if (!p)
			return -1;
		ps->kept = p;
		ps->cap_kept = ncap;
	}
	ps->kept[ps->nkept++] = *scratch;
	memset(scratch, 0, sizeof(*scratch));
	return 0;
}

/* Would n more records with these bounds take the answer past its budget? */
static int over_budget(const pull_state *ps, size_t n, uint64_t body, uint64_t text)
{
	return ps->out.nrecords + n > HUB_PULL_MAX_RECORDS || ps->text + text > HUB_PULL_MAX_TEXT ||
	       proto_body_fixed_max() + ps->body + body > HUB_PULL_MAX_BODY;
}

/* Which records of cs go to this agent, and what they add (pick[] set). */
static int choose(pull_state *ps, const proto_changeset *cs, size_t *n, uint64_t *body, uint64_t *text)
{
	size_t i;

	if (cs->nrecords > ps->npick) {
		uint8_t *p = proto_realloc(ps->pick, cs->nrecords);
		if (!p)
			return -1;
		ps->pick = p;
		ps->npick = cs->nrecords;
	}
	*n = 0;
	*body = *text = 0;
	for (i = 0; i < cs->nrecords; i++) {
		const proto_record *rec = &cs->records[i];
		proto_record_bound b;

		ps->pick[i] = !own_writer(ps, rec->writer) &&
			      hub_record_readable(ps->agent.reads, rec) && record_in(ps, rec);
		if (!ps->pick[i])
			continue;
		if (proto_record_measure(rec, &b) != PROTO_OK)
			return -1;
		(*n)++;
		*body += b.body;
		*text += b.text;
	}
	return 0;
}

static int on_row(void *arg, const hub_ledger_row *row)
{
	pull_state *ps = arg;
	const proto_changeset *cs;
	proto_changeset scratch;
	uint64_t body, text;
	size_t i, n;
	int stop = 0;

	ps->rows++;
	ps->row = row->id;
	if (own_writer(ps, row->origin)) { /* its own change-sets: nothing new for it */
		ps->cursor = row->id;
		return 0;
	}
	/* the signature was verified when the row was ledgered; its hash proves
	 * the bytes are still those (a mismatch is damage: the pull fails) */
	if (hub_pull_cache_open(ps->ctx->pull_cache, row, &cs, &scratch) != PROTO_OK ||
	    choose(ps, cs, &n, &body, &text)) {
		ps->failed = 1;
		stop = 1;
		goto out;
	}
	if (n == 0) {
		ps->cursor = row->id;
		goto out;
	}
	/* stop before the row that would overflow: it starts the next answer */
	if (ps->answer_rows > 0 &&
	    (ps->answer_rows >= ps->max_answer_rows || over_budget(ps, n, body, text))) {
		ps->more = 1;
		stop = 1;
		goto out;
	}
	/* shared, not copied: the cache keeps the row until the next answer
	 * (pinned), or the answer keeps it; seal checks each record */
	if (cs == &scratch) {
		if (keep_row(ps, &scratch)) {
			ps->failed = 1;
			stop = 1;
			goto out;
		}
		cs = &ps->kept[ps->nkept - 1];
	}
	for (i = 0; i < cs->nrecords; i++) {
		if (ps->pick[i] && proto_changeset_add_shared(&ps->out, &cs->records[i]) != PROTO_OK) {
			ps->failed = 1;
			stop = 1;
			goto out;
		}
	}
	ps->body += body;
	ps->text += text;
	ps->answer_rows++;
	ps->last.id = row->id;
	ps->last.origin = row->origin;
	ps->last.seq = row->seq;
	ps->cursor = row->id;
	/* a row over the budget alone is an answer of its own */
	if (over_budget(ps, 0, 0, 0)) {
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
	int64_t v;

	*after = 0;
	if (!query[0])
		return 0;
	if (strncmp(query, "after=", 6) != 0 || cli_parse_int(query + 6, 0, INT64_MAX, &v))
		return -1;
	*after = v;
	return 0;
}

/*
 * Record the rows a pull passed over, once each (the pull cache remembers
 * them; a restart may record one again). The reader's connection is read
 * only, so a connection of its own writes them; rare by construction.
 */
static void record_skips(hub_ctx *ctx, const skipped_row *a, int n)
{
	char path[PATH_MAX], msg[256];
	sqlite3 *db = NULL;
	int i;

	for (i = 0; i < n; i++)
		hub_errorf("ledger row %lld (origin %016llx seq %llu) cannot be relayed by pulls:"
			   " %s; it is kept, and listed in the reconcile queue",
			   (long long)a[i].id, (unsigned long long)a[i].origin,
			   (unsigned long long)a[i].seq, proto_strerror(a[i].why));
	if (hub_path(ctx, HUB_DB_FILE, path, sizeof(path)) ||
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 5000) != SQLITE_OK)
		goto out;
	for (i = 0; i < n; i++) {
		snprintf(msg, sizeof(msg),
			 "ledger row %lld cannot be relayed to the laptops of its"
			 " area (%s): it stays at the hub; ask its commune to send the records again"
			 " in smaller change-sets",
			 (long long)a[i].id, proto_strerror(a[i].why));
		hub_rejection_add(db, "pull", a[i].origin, a[i].seq, "unrelayable", msg,
				  (int64_t)(proto_wall_ms() / 1000));
	}
out:
	sqlite3_close(db);
}

/* Read one answer's rows after 'after' into ps->out. 0, or -1 (500). */
static int gather(pull_state *ps, int64_t after, int max_answer_rows, uint64_t created)
{
	hub_ctx *ctx = ps->ctx;
	uint8_t zeros[32] = { 0 };
	uint64_t mark = 0;
	int rc = 0;

	answer_release(ps);
	/* rows the last try shared may go now */
	hub_pull_cache_pin(ctx->pull_cache);
	if (proto_changeset_init(&ps->out, ctx->cfg->campaign_id, ctx->cfg->key_id, 1, zeros, created) !=
	    PROTO_OK)
		return -1;
	ps->cursor = after;
	ps->rows = ps->more = ps->failed = ps->answer_rows = 0;
	ps->body = ps->text = 0;
	ps->max_answer_rows = max_answer_rows;
	memset(&ps->last, 0, sizeof(ps->last));
	/* what was seen is true of the transaction it was read in only */
	ps->gen++;
	/* a snapshot: rows committed while we read do not tear the answer */
	sqlite3_exec(ctx->db, "BEGIN", NULL, NULL, NULL);
	/* the communes earlier pulls read hold if none changed since */
	ps->homes = NULL;
	if (hub_meta_get_u64(ctx->db, HUB_META_COMMUNE_CHANGED, &mark) == HUB_OK) {
		hub_pull_cache_moves(ctx->pull_cache, proto_u2i(mark));
		ps->homes = ctx->pull_cache;
	}
	if (hub_ledger_each_area(ctx->db, &ps->agent.scope, after, HUB_PULL_MAX_ROWS, on_row, ps) ||
	    ps->failed)
		rc = -1;
	sqlite3_exec(ctx->db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
	if (ps->rows == HUB_PULL_MAX_ROWS)
		ps->more = 1;
	return rc;
}

hub_result hub_pull_answer(hub_ctx *ctx, const hub_agent *agent, int64_t after, proto_buf *out,
			   int64_t *cursor, int *more)
{
	pull_state ps;
	skipped_row skips[HUB_PULL_MAX_SKIPS], fresh[HUB_PULL_MAX_SKIPS];
	int nskips = 0, nfresh = 0, max_rows = HUB_PULL_MAX_ROWS, i;
	uint64_t last = 0, created;
	hub_result res = HUB_OK;
	proto_result r;
	proto_hlc clock;

	memset(&ps, 0, sizeof(ps));
	ps.ctx = ctx;
	ps.agent = *agent;
	if (ps.agent.reads < PROTO_FORMAT_VERSION_MIN)
		ps.agent.reads = PROTO_FORMAT_VERSION_MIN;
	if (hub_agent_lineage(ctx->db, agent->id, ps.lineage, &ps.nlineage) != HUB_OK) {
		res = HUB_EDB;
		goto out;
	}
	if (!ctx->pull_cache) /* out of memory: rows are opened each time */
		ctx->pull_cache = hub_pull_cache_new();
	hub_meta_get_u64(ctx->db, "hlc_last", &last);
	proto_hlc_init(&clock, last);
	created = proto_hlc_now(&clock, proto_wall_ms());
	proto_buf_reset(out);
	for (;;) {
		if (gather(&ps, after, max_rows, created)) {
			res = HUB_EDB;
			goto out;
		}
		if (ps.out.nrecords == 0)
			break;
		proto_buf_reset(out);
		r = proto_seal_level(&ps.out, ctx->cfg->key, out, NULL, HUB_PULL_DEFLATE_LEVEL);
		/* alike records deflate too well for the ratio readers accept:
		 * the same body in stored blocks (the bound keeps it small) */
		if (r == PROTO_ERATIO)
			r = proto_seal_stored(&ps.out, ctx->cfg->key, out, NULL);
		if (r == PROTO_OK)
			break;
		if (r != PROTO_ELIMIT && r != PROTO_ERATIO) {
			res = r == PROTO_ENOMEM ? HUB_ENOMEM : HUB_EDB;
			goto out;
		}
		/* the bound held but deflate did not: fewer rows, down to one */
		if (ps.answer_rows > 1) {
			max_rows = ps.answer_rows / 2;
			continue;
		}
		/* one row that cannot be sealed even alone: pass over it */
		skips[nskips] = ps.last;
		skips[nskips++].why = r;
		after = ps.last.id;
		max_rows = HUB_PULL_MAX_ROWS;
		if (nskips == HUB_PULL_MAX_SKIPS) {
			answer_release(&ps);
			memset(&ps.out, 0, sizeof(ps.out));
			ps.cursor = after;
			ps.more = 1;
			break;
		}
	}
	for (i = 0; i < nskips; i++)
		if (hub_pull_cache_note_skip(ctx->pull_cache, skips[i].id))
			fresh[nfresh++] = skips[i];
	if (nfresh)
		record_skips(ctx, fresh, nfresh);
	if (ps.out.nrecords == 0)
		proto_buf_reset(out);
	*cursor = ps.cursor;
	*more = ps.more;
out:
	answer_release(&ps);
	free(ps.kept);
	free(ps.pick);
	return res;
}

/* ---- feedback: what the field worker must look at ---------------------- */

/* Each list of a feedback answer holds at most this many items. */
#define FEEDBACK_MAX_ITEMS 1000

/*
 * National ids held by a live household of the agent's area and by another
 * live household (withdrawn ones do not count, as in the reports): the area
 * household's id, the national id, and the other household's commune (code
 * and name; never that household's name or id: a laptop learns only that
 * the number is held, and where). A district agent's area is checked row by
 * row.
 */
static hub_result feedback_duplicates(hub_ctx *ctx, const hub_agent *agent, proto_buf *out)
{
	/* report_nid (schema_report.c) counts the live households of each
	 * national id, as the reconcile queue's N- items: only its n > 1 rows
	 * are read, in any area */
	static const char sql[] =
		"SELECT DISTINCT h.id_origin, h.id_serial, h.commune, h.national_id, o.commune"
		" FROM report_nid r JOIN household h ON h.national_id = r.national_id"
		" JOIN household o ON o.national_id = r.national_id"
		" WHERE r.n > 1 AND (?1 = 0 OR h.commune = ?1) AND" PROTO_SQL_HOUSEHOLD_COUNTS(
			"h") "AND" PROTO_SQL_HOUSEHOLD_COUNTS("o") "AND (o.id_origin <> h.id_origin OR"
								   " o.id_serial <> h.id_serial)"
								   " ORDER BY h.id_origin, h.id_serial, o.commune";
	sqlite3_stmt *st = NULL;
	hub_result res = HUB_EDB;
	int rc = SQLITE_DONE, n = 0;

	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, agent->scope.kind == HUB_SCOPE_COMMUNE ? agent->scope.code : 0);
	res = HUB_OK;
	while (res == HUB_OK && n < FEEDBACK_MAX_ITEMS && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t other = sqlite3_column_int64(st, 4);
		const proto_unit *u = ctx->cfg->have_campaign
					      ? proto_units_find(&ctx->cfg->campaign.units, (int)other)
					      : NULL;

		if (!hub_in_scope(ctx, &agent->scope, sqlite3_column_int64(st, 2)))
			continue;
		if (proto_buf_appendf(out, "%s{\"household\": \"%016llx-%llu\", \"national_id\": ",
				      n++ ? ", " : "", (unsigned long long)sqlite3_column_int64(st, 0),
				      (unsigned long long)sqlite3_column_int64(st, 1)) ||
		    hub_json_str(out, (const char *)sqlite3_column_text(st, 3)) ||
		    proto_buf_appendf(out, ", \"commune\": %lld, \"commune_name\": ", (long long)other) ||
		    hub_json_str(out, u ? u->name : NULL) || proto_buf_append_byte(out, '}'))
			res = HUB_ENOMEM;
	}
	if (res == HUB_OK && n < FEEDBACK_MAX_ITEMS && rc != SQLITE_DONE)
		res = HUB_EDB;
out:
	sqlite3_finalize(st);
	return res;
}

/* The agent's change-sets the hub refused as links of its chain, with the
 * code and message its push was answered with (the latest ones first). */
static hub_result feedback_refused(hub_ctx *ctx, const hub_agent *agent, proto_buf *out)
{
	static const char sql[] = "SELECT seq, code, message FROM hub_refused WHERE origin = ?1"
				  " ORDER BY seq DESC LIMIT ?2";
	sqlite3_stmt *st = NULL;
	hub_result res = HUB_EDB;
	int rc = SQLITE_DONE, n = 0;

	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, (int64_t)agent->id);
	sqlite3_bind_int(st, 2, FEEDBACK_MAX_ITEMS);
	res = HUB_OK;
	while (res == HUB_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		if (proto_buf_appendf(out, "%s{\"seq\": %lld, \"code\": ", n++ ? ", " : "",
				      (long long)sqlite3_column_int64(st, 0)) ||
		    hub_json_str(out, (const char *)sqlite3_column_text(st, 1)) ||
		    proto_buf_append_str(out, ", \"message\": ") ||
		    hub_json_str(out, (const char *)sqlite3_column_text(st, 2)) ||
		    proto_buf_append_byte(out, '}'))
			res = HUB_ENOMEM;
	if (res == HUB_OK && rc != SQLITE_DONE)
		res = HUB_EDB;
out:
	sqlite3_finalize(st);
	return res;
}

hub_result hub_feedback_answer(hub_ctx *ctx, const hub_agent *agent, proto_buf *out)
{
	hub_result res;

	proto_buf_reset(out);
	/* one snapshot for both lists */
	sqlite3_exec(ctx->db, "BEGIN", NULL, NULL, NULL);
	res = proto_buf_append_str(out, "{\"duplicates\": [") ? HUB_ENOMEM : HUB_OK;
	if (res == HUB_OK)
		res = feedback_duplicates(ctx, agent, out);
	if (res == HUB_OK && proto_buf_append_str(out, "], \"refused\": ["))
		res = HUB_ENOMEM;
	if (res == HUB_OK)
		res = feedback_refused(ctx, agent, out);
	if (res == HUB_OK && proto_buf_append_str(out, "]}\n"))
		res = HUB_ENOMEM;
	sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL);
	return res;
}

/* The enrolled, unrevoked agent of the job's certificate: 0, or -1 answered. */
static int job_agent(hub_ctx *ctx, hub_job *job, hub_agent *agent)
{
	bool found;

	if (hub_agent_get(ctx->db, job->peer, agent, &found) != HUB_OK) {
		hub_job_error(job, 500, "internal", "hub database error");
		return -1;
	}
	if (!found) {
		hub_job_error(job, 403, "unknown_agent",
			      "this client certificate's key is not"
			      " enrolled at this hub");
		return -1;
	}
	if (agent->revoked) {
		hub_job_error(job, 403, "revoked",
			      "agent was revoked by the hub operator:"
			      " ask the province for a new enrolment");
		return -1;
	}
	return 0;
}

void hub_route_feedback(hub_ctx *ctx, hub_job *job)
{
	hub_agent agent;

	if (job->query[0]) {
		hub_job_error(job, 400, "bad_request", "feedback takes no parameter");
		return;
	}
	if (job_agent(ctx, job, &agent))
		return;
	switch (hub_feedback_answer(ctx, &agent, &job->resp)) {
	case HUB_OK:
		job->status = 200;
		job->ctype = "application/json";
		return;
	case HUB_EDB:
		hub_job_error(job, 500, "internal", "cannot read the hub database");
		return;
	default:
		hub_job_error(job, 500, "internal", "hub is out of memory: retry later");
		return;
	}
}

/* Keep what the laptop says it reads when it changes (an upgrade), for the
 * update file made for it: on a connection of its own, as the reader's is
 * read only. A failure is a log line: this pull answers by the header. */
static void note_reads(hub_ctx *ctx, const hub_agent *agent, int reads)
{
	char path[PATH_MAX];
	sqlite3 *db = NULL;

	if (reads == agent->reads)
		return;
	if (hub_path(ctx, HUB_DB_FILE, path, sizeof(path)) ||
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
	    hub_agent_set_reads(db, agent->id, reads) != HUB_OK)
		hub_errorf("cannot note that agent %016llx reads format version %d: %s",
			   (unsigned long long)agent->id, reads,
			   db ? sqlite3_errmsg(db) : "out of memory");
	sqlite3_close(db);
}

void hub_route_pull(hub_ctx *ctx, hub_job *job)
{
	hub_agent agent;
	int64_t after, cursor = 0;
	int more = 0;
	char num[32], epoch[HUB_EPOCH_LEN + 1];
	uint64_t acked = 0;

	if (parse_after(job->query, &after)) {
		hub_job_error(job, 400, "bad_request",
			      "pull takes one parameter, after=CURSOR"
			      " (a number from the previous pull, 0 at first)");
		return;
	}
	if (job_agent(ctx, job, &agent))
		return;
	/* the request says what this laptop reads now (no header: 1) */
	note_reads(ctx, &agent, job->reads);
	agent.reads = job->reads;
	/* a cursor of another ledger epoch (a restore since): from where the
	 * ledgers agree; and the chain head, for a laptop ahead of it (epoch.h) */
	if (hub_epoch_pull(ctx->db, agent.id, job->epoch, &after, epoch, &acked) != HUB_OK) {
		hub_job_error(job, 500, "internal", "cannot read the hub ledger");
		return;
	}
	switch (hub_pull_answer(ctx, &agent, after, &job->resp, &cursor, &more)) {
	case HUB_OK:
		break;
	case HUB_EDB:
		hub_job_error(job, 500, "internal", "cannot read the hub ledger");
		return;
	default:
		hub_job_error(job, 500, "internal", "cannot seal the pull change-set");
		return;
	}
	snprintf(num, sizeof(num), "%lld", (long long)cursor);
	hub_job_header(job, "Maiam-Cursor", num);
	hub_job_header(job, "Maiam-More", more ? "1" : "0");
	hub_job_header(job, "Maiam-Epoch", epoch);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)acked);
	hub_job_header(job, "Maiam-Acked", num);
	if (job->resp.len == 0) {
		job->status = 204;
		job->ctype = NULL;
		return;
	}
	job->status = 200;
	job->ctype = "application/octet-stream";
}
