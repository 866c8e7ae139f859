/*
 * store_query.c - what the commands read from the shared tables (household,
 * household_stamp; the events are read in store_event.c). The merge code in
 * proto/ writes those tables; the agent only reads them here (with the SQL of
 * store_stmt.c), so a change to the shared schema touches one place of the
 * agent.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "store_int.h"

void agent_row_release(agent_row *r)
{
	for (int f = 0; f <= PROTO_HH_NFIELDS; f++)
		free(r->v[f]);
	memset(r, 0, sizeof *r);
}

/* The rank of the latest stage recorded on household id, 0 if none. */
static proto_result top_stage(agent_ctx *ctx, proto_id id, int *best)
{
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_HH_TOP_STAGE);
	int rc = SQLITE_DONE;

	*best = 0;
	if (!st)
		return PROTO_EDB;
	agent_bind_id(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int rank = proto_stage_rank(agent_col_text(st, 0));

		if (rank > *best)
			*best = rank;
	}
	sqlite3_reset(st);
	return agent_step_result(rc);
}

/* The latest stage of one household, for a walk of them all. */
typedef struct hh_stage {
	int64_t origin, serial;
	int rank;
} hh_stage;

static int cmp_stage(const void *pa, const void *pb)
{
	const hh_stage *a = pa, *b = pb;

	if (a->origin != b->origin)
		return a->origin < b->origin ? -1 : 1;
	return a->serial < b->serial ? -1 : a->serial > b->serial;
}

/*
 * Every live milestone's household and rank, in one scan of the milestone
 * table, sorted by household as the walk goes (SQLite's signed order of the
 * ids). A walk of 100,000 households asked top_stage 100,000 times, each a
 * search of the milestones' index and a look-up of each milestone: twice
 * the cost of this scan. *out is the caller's to free.
 */
static proto_result stages_load(agent_ctx *ctx, hh_stage **out, size_t *n)
{
	static const char sql[] = "SELECT household_origin, household_serial, stage FROM milestone m"
				  " WHERE household_origin IS NOT NULL AND household_serial IS NOT NULL"
				  " AND" PROTO_SQL_MILESTONE_LIVE("m");
	sqlite3_stmt *st = NULL;
	hh_stage *v = NULL;
	size_t cap = 0;
	proto_result r = PROTO_EDB;
	int rc = SQLITE_DONE;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	r = PROTO_OK;
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int rank = proto_stage_rank(agent_col_text(st, 2));

		if (rank <= 0)
			continue;
		if (*n == cap) {
			hh_stage *w = realloc(v, (cap = cap ? cap * 2 : 1024) * sizeof *v);

			if (!w) {
				r = PROTO_ENOMEM;
				break;
			}
			v = w;
		}
		v[(*n)++] = (hh_stage){ sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), rank };
	}
	if (r == PROTO_OK && rc != SQLITE_DONE)
		r = PROTO_EDB;
	if (r == PROTO_OK && *n > 1) /* qsort takes no NULL, even of none */
		qsort(v, *n, sizeof *v, cmp_stage);
out:
	sqlite3_finalize(st);
	if (r != PROTO_OK) {
		free(v);
		v = NULL;
		*n = 0;
	}
	*out = v;
	return r;
}

/* The highest rank of household id in the sorted stages from *at (which
 * moves past it: the walk asks in the same order), 0 if none. */
static int stage_of(const hh_stage *v, size_t n, size_t *at, proto_id id)
{
	const hh_stage key = { proto_u2i(id.origin), proto_u2i(id.serial), 0 };
	int best = 0;

	while (*at < n && cmp_stage(&v[*at], &key) < 0)
		(*at)++;
	for (; *at < n && cmp_stage(&v[*at], &key) == 0; (*at)++)
		if (v[*at].rank > best)
			best = v[*at].rank;
	return best;
}

/* A household row of HH_COLUMNS (store_stmt.c) into out, with its stage. */
static proto_result fill_row(sqlite3_stmt *st, agent_row *out)
{
	memset(out, 0, sizeof *out);
	out->id = agent_column_id(st, 0);
	for (int f = 1; f <= PROTO_HH_NFIELDS; f++) {
		const char *t = agent_col_text(st, f + 1);

		if (!t)
			continue;
		out->v[f] = strdup(t);
		if (!out->v[f]) {
			agent_row_release(out);
			return PROTO_ENOMEM;
		}
	}
	return PROTO_OK;
}

proto_result agent_hh_get(agent_ctx *ctx, proto_id id, agent_row *out, int *found)
{
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_HH_GET);
	proto_result r;
	int rc = SQLITE_DONE;

	*found = 0;
	if (!st)
		return PROTO_EDB;
	agent_bind_id(st, 1, id);
	rc = sqlite3_step(st);
	r = rc == SQLITE_ROW ? fill_row(st, out) : agent_step_result(rc);
	sqlite3_reset(st);
	if (r != PROTO_OK || rc != SQLITE_ROW)
		return r;
	r = top_stage(ctx, id, &out->stage);
	if (r != PROTO_OK) {
		agent_row_release(out);
		return r;
	}
	*found = 1;
	return PROTO_OK;
}

proto_result agent_hh_by_ref(agent_ctx *ctx, const char *ref, proto_id *out, int *n)
{
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_HH_BY_REF);
	int rc = SQLITE_DONE;

	*n = 0;
	if (!st)
		return PROTO_EDB;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((*n)++ == 0)
			*out = agent_column_id(st, 0);
	sqlite3_reset(st);
	assert(*n <= 2); /* LIMIT 2: one is the answer, two says "ambiguous" */
	return agent_step_result(rc);
}

proto_result agent_hh_by_national_id(agent_ctx *ctx, const char *nid, proto_id self, proto_id *other,
				     int *found)
{
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_HH_BY_NID);
	int rc = SQLITE_DONE;

	*found = 0;
	if (!st)
		return PROTO_EDB;
	sqlite3_bind_text(st, 1, nid, -1, SQLITE_STATIC);
	agent_bind_id(st, 2, self);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*other = agent_column_id(st, 0);
		*found = 1;
	}
	sqlite3_reset(st);
	return agent_step_result(rc);
}

proto_result agent_hh_field_stamp(agent_ctx *ctx, proto_id id, int field, uint64_t *stamp)
{
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_HH_STAMP);
	int rc = SQLITE_DONE;

	*stamp = 0;
	if (!st)
		return PROTO_EDB;
	agent_bind_id(st, 1, id);
	sqlite3_bind_int(st, 3, field);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*stamp = proto_i2u(sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	return agent_step_result(rc);
}

proto_result agent_hh_foreach_if(agent_ctx *ctx, int (*keep)(const agent_row *row, void *arg),
				 proto_result (*fn)(agent_row *row, void *arg), void *arg)
{
	/* a statement of its own: top_stage steps AGENT_STMT_HH_TOP_STAGE meanwhile */
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_HH_ALL);
	agent_row row, peek;
	hh_stage *stages = NULL;
	size_t nstages = 0, at = 0;
	proto_result r = PROTO_OK;
	int rc = SQLITE_DONE;

	if (!st)
		return PROTO_EDB;
	/* every row wanted: the stages in one scan; a search keeps few rows,
	 * and asks top_stage for those alone */
	if (!keep)
		r = stages_load(ctx, &stages, &nstages);
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (keep) {
			/* keep sees the id, the reference, the name and the national
			 * id in SQLite's own buffers: a search of 100,000 households
			 * copies and stages only those it keeps */
			int k;

			memset(&peek, 0, sizeof peek);
			peek.id = agent_column_id(st, 0);
			peek.v[PROTO_HH_REF] = (char *)agent_col_text(st, PROTO_HH_REF + 1);
			peek.v[PROTO_HH_NAME] = (char *)agent_col_text(st, PROTO_HH_NAME + 1);
			peek.v[PROTO_HH_NATIONAL_ID] = (char *)agent_col_text(st,
									      PROTO_HH_NATIONAL_ID + 1);
			k = keep(&peek, arg);
			if (k < 0) {
				r = PROTO_ENOMEM;
				break;
			}
			if (!k)
				continue;
		}
		r = fill_row(st, &row);
		if (r != PROTO_OK)
			break;
		if (keep)
			r = top_stage(ctx, row.id, &row.stage);
		else
			row.stage = stage_of(stages, nstages, &at, row.id);
		if (r == PROTO_OK)
			r = fn(&row, arg);
		agent_row_release(&row);
	}
	free(stages);
	return agent_walk_done(st, r, rc);
}

proto_result agent_hh_foreach(agent_ctx *ctx, proto_result (*fn)(agent_row *row, void *arg), void *arg)
{
	return agent_hh_foreach_if(ctx, NULL, fn, arg);
}

proto_result agent_hh_changed_foreach(agent_ctx *ctx,
				      proto_result (*fn)(proto_id id, uint64_t stamp, void *arg),
				      void *arg)
{
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_HH_CHANGED);
	proto_result r = PROTO_OK;
	int rc = SQLITE_DONE;

	if (!st)
		return PROTO_EDB;
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		r = fn(agent_column_id(st, 0), proto_i2u(sqlite3_column_int64(st, 2)), arg);
	return agent_walk_done(st, r, rc);
}

proto_result agent_nid_foreach(agent_ctx *ctx,
			       proto_result (*fn)(const char *nid, proto_id id, void *arg), void *arg)
{
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_HH_NIDS);
	proto_result r = PROTO_OK;
	int rc = SQLITE_DONE;

	if (!st)
		return PROTO_EDB;
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		r = fn(agent_col_text(st, 0), agent_column_id(st, 1), arg);
	return agent_walk_done(st, r, rc);
}
