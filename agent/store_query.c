/*
 * store_query.c - what the commands read from the shared tables (household,
 * household_stamp, milestone, contribution, void_event). The merge code in
 * proto/ writes those tables; the agent only reads them here, so a change
 * to the shared schema touches one file of the agent.
 */
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "store.h"

enum { Q_HH_GET = 16, Q_HH_BY_REF, Q_HH_BY_NID, Q_HH_STAMP, Q_MS_OF, Q_CT_OF, Q_CT_UNIT,
       Q_HH_TOP_STAGE };

/*
 * Column i + 2 of this list is household field i + 1 (schema.h order).
 * Only the hub writes review_status; until it decides, a household is
 * "proposed" (docs/AGENT.md).
 */
#define HH_COLUMNS "id_origin, id_serial, ref, name, national_id, commune, hamlet, address," \
		   " members, category, land_status, condition, phone, note, support_kind,"  \
		   " coalesce(review_status, 'proposed'), review_reason"


void agent_row_release(agent_row *r)
{
	for (int f = 0; f <= PROTO_HH_NFIELDS; f++)
		free(r->v[f]);
	memset(r, 0, sizeof *r);
}

static int fill_row(sqlite3_stmt *st, agent_row *out)
{
	memset(out, 0, sizeof *out);
	out->id.origin = proto_i2u(sqlite3_column_int64(st, 0));
	out->id.serial = proto_i2u(sqlite3_column_int64(st, 1));
	for (int f = 1; f <= PROTO_HH_NFIELDS; f++) {
		const unsigned char *t = sqlite3_column_text(st, f + 1);

		if (!t)
			continue;
		out->v[f] = strdup((const char *)t);
		if (!out->v[f]) {
			agent_row_release(out);
			return -1;
		}
	}
	return 0;
}

static int top_stage(agent_ctx *ctx, proto_id id)
{
	sqlite3_stmt *st = agent_stmt(ctx, Q_HH_TOP_STAGE,
		"SELECT stage FROM milestone m WHERE household_origin = ? AND household_serial = ?"
		" AND" PROTO_SQL_MILESTONE_LIVE("m"));
	int best = 0;

	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, proto_u2i(id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(id.serial));
	while (sqlite3_step(st) == SQLITE_ROW) {
		int r = proto_stage_rank((const char *)sqlite3_column_text(st, 0));

		if (r > best)
			best = r;
	}
	sqlite3_reset(st);
	return best;
}

int agent_hh_get(agent_ctx *ctx, proto_id id, agent_row *out)
{
	sqlite3_stmt *st = agent_stmt(ctx, Q_HH_GET, "SELECT " HH_COLUMNS " FROM household"
						     " WHERE id_origin = ? AND id_serial = ?");
	int rc, res = -1;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, proto_u2i(id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(id.serial));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		res = fill_row(st, out) == 0 ? 1 : -1;
	else if (rc == SQLITE_DONE)
		res = 0;
	sqlite3_reset(st);
	if (res == 1)
		out->stage = top_stage(ctx, id);
	return res;
}

int agent_hh_resolve(agent_ctx *ctx, const char *text, proto_id *out)
{
	char ref[32];
	sqlite3_stmt *st;
	int n = 0;
	agent_row row;

	if (agent_id_parse(text, out) == 0) {
		int found = agent_hh_get(ctx, *out, &row);

		if (found == 1) {
			agent_row_release(&row);
			return AGENT_OK;
		}
		if (found < 0)
			goto dberr;
		agent_err(_("household '%s' not found; see 'maiam-agent household list'"), text);
		return AGENT_FAIL;
	}
	if (agent_ref_normalize(text, ref) != 0) {
		agent_err(_("'%s' is not a household reference; give one like 7KQ2-15 or a full id"), text);
		return AGENT_USAGE;
	}
	st = agent_stmt(ctx, Q_HH_BY_REF, "SELECT id_origin, id_serial FROM household WHERE ref = ? LIMIT 2");
	if (!st)
		goto dberr;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n++ == 0) {
			out->origin = proto_i2u(sqlite3_column_int64(st, 0));
			out->serial = proto_i2u(sqlite3_column_int64(st, 1));
		}
	}
	sqlite3_reset(st);
	if (n == 1)
		return AGENT_OK;
	if (n == 0)
		agent_err(_("household '%s' not found; see 'maiam-agent household find TEXT'"), text);
	else
		agent_err(_("reference '%s' names more than one household; use the full id from 'household find'"),
			  text);
	return AGENT_FAIL;
dberr:
	agent_err(_("cannot read the store: %s"), sqlite3_errmsg(ctx->db));
	return AGENT_FAIL;
}

int agent_hh_resolve_here(agent_ctx *ctx, const char *text, proto_id *out)
{
	agent_row row;
	int64_t commune;
	int rc = agent_hh_resolve(ctx, text, out), found;

	if (rc != AGENT_OK)
		return rc;
	found = agent_hh_get(ctx, *out, &row);
	if (found != 1) {
		agent_err(_("cannot read the store: %s"), sqlite3_errmsg(ctx->db));
		return AGENT_FAIL;
	}
	if (row.v[PROTO_HH_COMMUNE] &&
	    cli_parse_int(row.v[PROTO_HH_COMMUNE], 1, 99999, &commune) == 0 &&
	    commune != ctx->commune) {
		agent_err(_("household '%s' has moved to commune %lld: it is recorded on that commune's laptops now"),
			  text, (long long)commune);
		rc = AGENT_FAIL;
	}
	agent_row_release(&row);
	return rc;
}

int agent_hh_by_national_id(agent_ctx *ctx, const char *nid, proto_id self, proto_id *other)
{
	sqlite3_stmt *st = agent_stmt(ctx, Q_HH_BY_NID, "SELECT id_origin, id_serial FROM household"
				      " WHERE national_id = ? AND NOT (id_origin = ? AND id_serial = ?) LIMIT 1");
	int rc, res = -1;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, nid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, proto_u2i(self.origin));
	sqlite3_bind_int64(st, 3, proto_u2i(self.serial));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		other->origin = proto_i2u(sqlite3_column_int64(st, 0));
		other->serial = proto_i2u(sqlite3_column_int64(st, 1));
		res = 1;
	} else if (rc == SQLITE_DONE) {
		res = 0;
	}
	sqlite3_reset(st);
	return res;
}

uint64_t agent_hh_field_stamp(agent_ctx *ctx, proto_id id, int field)
{
	sqlite3_stmt *st = agent_stmt(ctx, Q_HH_STAMP, "SELECT stamp FROM household_stamp"
				      " WHERE id_origin = ? AND id_serial = ? AND field = ?");
	uint64_t stamp = 0;

	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, proto_u2i(id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(id.serial));
	sqlite3_bind_int(st, 3, field);
	if (sqlite3_step(st) == SQLITE_ROW)
		stamp = proto_i2u(sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	return stamp;
}

int agent_hh_foreach(agent_ctx *ctx, int (*fn)(agent_row *row, void *arg), void *arg)
{
	sqlite3_stmt *st = NULL;
	agent_row row;
	int rc, res = 0;

	/* Not cached: top_stage runs while this one is still stepping. */
	if (sqlite3_prepare_v2(ctx->db, "SELECT " HH_COLUMNS " FROM household"
			       " ORDER BY id_origin, id_serial", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fill_row(st, &row) != 0) {
			res = -1;
			break;
		}
		row.stage = top_stage(ctx, row.id);
		res = fn(&row, arg);
		agent_row_release(&row);
		if (res)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		res = -1;
	sqlite3_finalize(st);
	return res;
}

int agent_nid_foreach(agent_ctx *ctx, int (*fn)(const char *nid, proto_id id, void *arg), void *arg)
{
	sqlite3_stmt *st = NULL;
	int rc, res = 0;

	if (sqlite3_prepare_v2(ctx->db, "SELECT national_id, id_origin, id_serial FROM household"
			       " WHERE national_id IS NOT NULL", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		proto_id id = { proto_i2u(sqlite3_column_int64(st, 1)),
				proto_i2u(sqlite3_column_int64(st, 2)) };

		res = fn((const char *)sqlite3_column_text(st, 0), id, arg);
		if (res)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		res = -1;
	sqlite3_finalize(st);
	return res;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int agent_ms_foreach(agent_ctx *ctx, proto_id hh, int (*fn)(const agent_ms *m, void *arg), void *arg)
{
	sqlite3_stmt *st = agent_stmt(ctx, Q_MS_OF,
		"SELECT id_origin, id_serial, stage, date, note, forced FROM milestone m"
		" WHERE household_origin = ? AND household_serial = ? AND" PROTO_SQL_MILESTONE_LIVE("m")
		" ORDER BY date, stamp");
	int rc, res = 0;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, proto_u2i(hh.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(hh.serial));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		agent_ms m;

		memset(&m, 0, sizeof m);
		m.id.origin = proto_i2u(sqlite3_column_int64(st, 0));
		m.id.serial = proto_i2u(sqlite3_column_int64(st, 1));
		snprintf(m.stage, sizeof m.stage, "%s", col_text(st, 2) ? col_text(st, 2) : "");
		snprintf(m.date, sizeof m.date, "%s", col_text(st, 3) ? col_text(st, 3) : "");
		m.rank = proto_stage_rank(m.stage);
		m.note = col_text(st, 4);
		m.forced = col_text(st, 5);
		res = fn(&m, arg);
		if (res)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		res = -1;
	sqlite3_reset(st);
	return res;
}

int agent_ct_foreach(agent_ctx *ctx, proto_id hh, int (*fn)(const agent_ct *c, void *arg), void *arg)
{
	static const char cols[] = "SELECT id_origin, id_serial, source, donor, money_vnd, labour_days,"
				   " material, material_value_vnd, date, note FROM contribution c WHERE ";
	char sql[512];
	sqlite3_stmt *st;
	int rc, res = 0;

	if (hh.serial) {
		snprintf(sql, sizeof sql, "%shousehold_origin = ? AND household_serial = ? AND"
			 PROTO_SQL_CONTRIBUTION_LIVE("c") "ORDER BY stamp", cols);
		st = agent_stmt(ctx, Q_CT_OF, sql);
	} else {
		snprintf(sql, sizeof sql, "%shousehold_serial IS NULL AND unit = ? AND"
			 PROTO_SQL_CONTRIBUTION_LIVE("c") "ORDER BY stamp", cols);
		st = agent_stmt(ctx, Q_CT_UNIT, sql);
	}
	if (!st)
		return -1;
	if (hh.serial) {
		sqlite3_bind_int64(st, 1, proto_u2i(hh.origin));
		sqlite3_bind_int64(st, 2, proto_u2i(hh.serial));
	} else {
		sqlite3_bind_int64(st, 1, (int64_t)hh.origin);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		agent_ct c;

		c.id.origin = proto_i2u(sqlite3_column_int64(st, 0));
		c.id.serial = proto_i2u(sqlite3_column_int64(st, 1));
		c.source = col_text(st, 2);
		c.donor = col_text(st, 3);
		c.money = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 4);
		c.labour = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 5);
		c.material = col_text(st, 6);
		c.material_value = sqlite3_column_type(st, 7) == SQLITE_NULL ? -1
						: sqlite3_column_int64(st, 7);
		c.date = col_text(st, 8);
		c.note = col_text(st, 9);
		res = fn(&c, arg);
		if (res)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		res = -1;
	sqlite3_reset(st);
	return res;
}
