/*
 * store_event.c - the milestones and contributions as the commands read
 * them: voided or not, with the household they name, for "household show",
 * "contribution list" and the corrections (void, correct), which must see
 * what they are about to void. The SQL is in store_stmt.c.
 */
#include <string.h>
#include "agent.h"
#include "store_int.h"

/* Bind the filter's parameters (?1..?6 of the walk statements). */
static void bind_filter(sqlite3_stmt *st, const agent_event_filter *f)
{
	if (f->has_id)
		agent_bind_id(st, 1, f->id);
	if (f->has_household)
		agent_bind_id(st, 3, f->household);
	if (f->live_only)
		sqlite3_bind_int(st, 5, 1);
	if (f->unit_level_only)
		sqlite3_bind_int(st, 6, 1);
}

/* An INTEGER column, or fallback when it is NULL. */
static int64_t column_int_or(sqlite3_stmt *st, int col, int64_t fallback)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? fallback : sqlite3_column_int64(st, col);
}

typedef proto_result (*ms_fn)(const agent_ms *m, void *arg);
typedef proto_result (*ct_fn)(const agent_ct *c, void *arg);

/* The caller's callback, of the walk's kind, and its argument. */
typedef struct walk_state {
	union {
		ms_fn ms;
		ct_fn ct;
	} fn;
	void *arg;
} walk_state;

static proto_result walk(agent_ctx *ctx, agent_stmt_id sid, const agent_event_filter *f,
			 proto_result (*row)(sqlite3_stmt *st, const walk_state *w), const walk_state *w)
{
	sqlite3_stmt *st = agent_stmt(ctx, sid);
	proto_result r = PROTO_OK;
	int rc = SQLITE_DONE;

	if (!st)
		return PROTO_EDB;
	bind_filter(st, f);
	while (r == PROTO_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		r = row(st, w);
	return agent_walk_done(st, r, rc);
}

static proto_result ms_row(sqlite3_stmt *st, const walk_state *w)
{
	agent_ms m;
	const char *stage = agent_col_text(st, 2), *date = agent_col_text(st, 3);

	memset(&m, 0, sizeof m);
	m.id = agent_column_id(st, 0);
	snprintf(m.stage, sizeof m.stage, "%s", stage ? stage : "");
	snprintf(m.date, sizeof m.date, "%s", date ? date : "");
	m.rank = proto_stage_rank(m.stage);
	m.note = agent_col_text(st, 4);
	m.forced = agent_col_text(st, 5);
	m.household = agent_column_id(st, 6);
	m.household_ref = agent_col_text(st, 8);
	m.commune = column_int_or(st, 9, -1);
	m.withdrawn = agent_col_text(st, 10);
	m.voided = sqlite3_column_int(st, 11);
	m.void_reason = agent_col_text(st, 12);
	return w->fn.ms(&m, w->arg);
}

static proto_result ct_row(sqlite3_stmt *st, const walk_state *w)
{
	agent_ct c;

	memset(&c, 0, sizeof c);
	c.id = agent_column_id(st, 0);
	c.source = agent_col_text(st, 2);
	c.donor = agent_col_text(st, 3);
	c.money = column_int_or(st, 4, -1);
	c.labour = column_int_or(st, 5, -1);
	c.material = agent_col_text(st, 6);
	c.material_value = column_int_or(st, 7, -1);
	c.date = agent_col_text(st, 8);
	c.note = agent_col_text(st, 9);
	c.has_household = sqlite3_column_type(st, 11) != SQLITE_NULL;
	if (c.has_household)
		c.household = agent_column_id(st, 10);
	c.household_ref = agent_col_text(st, 12);
	c.unit = column_int_or(st, 13, -1);
	c.commune = c.has_household ? column_int_or(st, 14, -1) : c.unit;
	c.withdrawn = agent_col_text(st, 15);
	c.voided = sqlite3_column_int(st, 16);
	c.void_reason = agent_col_text(st, 17);
	return w->fn.ct(&c, w->arg);
}

proto_result agent_ms_walk(agent_ctx *ctx, const agent_event_filter *f,
			   proto_result (*fn)(const agent_ms *m, void *arg), void *arg)
{
	walk_state w = { .fn.ms = fn, .arg = arg };

	return walk(ctx, AGENT_STMT_MS_WALK, f, ms_row, &w);
}

proto_result agent_ms_foreach(agent_ctx *ctx, proto_id hh,
			      proto_result (*fn)(const agent_ms *m, void *arg), void *arg)
{
	agent_event_filter f = { .has_household = 1, .household = hh, .live_only = 1 };

	return agent_ms_walk(ctx, &f, fn, arg);
}

proto_result agent_ct_walk(agent_ctx *ctx, const agent_event_filter *f,
			   proto_result (*fn)(const agent_ct *c, void *arg), void *arg)
{
	walk_state w = { .fn.ct = fn, .arg = arg };

	return walk(ctx, AGENT_STMT_CT_WALK, f, ct_row, &w);
}

proto_result agent_event_by_ref(agent_ctx *ctx, uint8_t kind, const char *ref, proto_id *out, int *n)
{
	sqlite3_stmt *st = agent_stmt(ctx, kind == PROTO_KIND_MILESTONE ? AGENT_STMT_MS_BY_SERIAL
									: AGENT_STMT_CT_BY_SERIAL);
	const char *dash = strchr(ref, '-');
	char mine[32];
	int64_t serial;
	int rc = SQLITE_DONE;

	*n = 0;
	if (!st)
		return PROTO_EDB;
	/* a normalised reference (agent_ref_normalize): 4 characters, '-', serial */
	if (!dash || cli_parse_int(dash + 1, 1, INT64_MAX, &serial) != 0)
		return PROTO_OK;
	sqlite3_bind_int64(st, 1, serial);
	/* the serial narrows it down; the origin's top 20 bits decide */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		proto_id id = agent_column_id(st, 0);

		agent_ref_make(id.origin, id.serial, mine);
		if (strcmp(mine, ref) != 0)
			continue;
		if ((*n)++ == 0)
			*out = id;
		if (*n == 2)
			break;
	}
	sqlite3_reset(st);
	return agent_step_result(rc);
}
