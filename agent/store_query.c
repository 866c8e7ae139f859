/*
 * store_query.c - what the commands read from the shared tables (household,
 * household_stamp, milestone, contribution, void_event). The merge code in
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

static proto_id column_id(sqlite3_stmt *st, int col)
{
	proto_id id = { proto_i2u(sqlite3_column_int64(st, col)),
			proto_i2u(sqlite3_column_int64(st, col + 1)) };

	return id;
}

static void bind_id(sqlite3_stmt *st, int param, proto_id id)
{
	sqlite3_bind_int64(st, param, proto_u2i(id.origin));
	sqlite3_bind_int64(st, param + 1, proto_u2i(id.serial));
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* The rank of the latest stage recorded on household id, 0 if none. */
static proto_result top_stage(agent_ctx *ctx, proto_id id, int *best)
{
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_HH_TOP_STAGE);
	int rc = SQLITE_DONE;

	*best = 0;
	if (!st)
		return PROTO_EDB;
	bind_id(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int rank = proto_stage_rank(col_text(st, 0));

		if (rank > *best)
			*best = rank;
	}
	sqlite3_reset(st);
	return agent_step_result(rc);
}

/* A household row of HH_COLUMNS (store_stmt.c) into out, with its stage. */
static proto_result fill_row(sqlite3_stmt *st, agent_row *out)
{
	memset(out, 0, sizeof *out);
	out->id = column_id(st, 0);
	for (int f = 1; f <= PROTO_HH_NFIELDS; f++) {
		const char *t = col_text(st, f + 1);

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
	bind_id(st, 1, id);
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
			*out = column_id(st, 0);
	sqlite3_reset(st);
	assert(*n <= 2); /* LIMIT 2: one is the answer, two says "ambiguous" */
	return agent_step_result(rc);
}

proto_result agent_hh_by_national_id(agent_ctx *ctx, const char *nid, proto_id self,
				     proto_id *other, int *found)
{
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_HH_BY_NID);
	int rc = SQLITE_DONE;

	*found = 0;
	if (!st)
		return PROTO_EDB;
	sqlite3_bind_text(st, 1, nid, -1, SQLITE_STATIC);
	bind_id(st, 2, self);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*other = column_id(st, 0);
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
	bind_id(st, 1, id);
	sqlite3_bind_int(st, 3, field);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*stamp = proto_i2u(sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	return agent_step_result(rc);
}

proto_result agent_hh_foreach(agent_ctx *ctx, proto_result (*fn)(agent_row *row, void *arg), void *arg)
{
	/* a statement of its own: top_stage steps AGENT_STMT_HH_TOP_STAGE meanwhile */
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_HH_ALL);
	agent_row row;
	proto_result r = PROTO_OK;
	int rc = SQLITE_DONE;

	if (!st)
		return PROTO_EDB;
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = fill_row(st, &row);
		if (r != PROTO_OK)
			break;
		r = top_stage(ctx, row.id, &row.stage);
		if (r == PROTO_OK)
			r = fn(&row, arg);
		agent_row_release(&row);
	}
	return agent_walk_done(st, r, rc);
}

proto_result agent_nid_foreach(agent_ctx *ctx, proto_result (*fn)(const char *nid, proto_id id, void *arg),
			       void *arg)
{
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_HH_NIDS);
	proto_result r = PROTO_OK;
	int rc = SQLITE_DONE;

	if (!st)
		return PROTO_EDB;
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		r = fn(col_text(st, 0), column_id(st, 1), arg);
	return agent_walk_done(st, r, rc);
}

proto_result agent_ms_foreach(agent_ctx *ctx, proto_id hh, proto_result (*fn)(const agent_ms *m, void *arg),
			      void *arg)
{
	sqlite3_stmt *st = agent_stmt(ctx, AGENT_STMT_MS_OF);
	proto_result r = PROTO_OK;
	int rc = SQLITE_DONE;

	if (!st)
		return PROTO_EDB;
	bind_id(st, 1, hh);
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		agent_ms m;

		memset(&m, 0, sizeof m);
		m.id = column_id(st, 0);
		snprintf(m.stage, sizeof m.stage, "%s", col_text(st, 2) ? col_text(st, 2) : "");
		snprintf(m.date, sizeof m.date, "%s", col_text(st, 3) ? col_text(st, 3) : "");
		m.rank = proto_stage_rank(m.stage);
		m.note = col_text(st, 4);
		m.forced = col_text(st, 5);
		r = fn(&m, arg);
	}
	return agent_walk_done(st, r, rc);
}

/* An amount column: -1 when absent. */
static int64_t column_amount(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

proto_result agent_ct_foreach(agent_ctx *ctx, proto_id hh, proto_result (*fn)(const agent_ct *c, void *arg),
			      void *arg)
{
	sqlite3_stmt *st = agent_stmt(ctx, hh.serial ? AGENT_STMT_CT_OF : AGENT_STMT_CT_UNIT);
	proto_result r = PROTO_OK;
	int rc = SQLITE_DONE;

	if (!st)
		return PROTO_EDB;
	if (hh.serial)
		bind_id(st, 1, hh);
	else
		sqlite3_bind_int64(st, 1, (int64_t)hh.origin); /* the unit's admin code */
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		agent_ct c;

		c.id = column_id(st, 0);
		c.source = col_text(st, 2);
		c.donor = col_text(st, 3);
		c.money = column_amount(st, 4);
		c.labour = column_amount(st, 5);
		c.material = col_text(st, 6);
		c.material_value = column_amount(st, 7);
		c.date = col_text(st, 8);
		c.note = col_text(st, 9);
		r = fn(&c, arg);
	}
	return agent_walk_done(st, r, rc);
}
