/*
 * cmd_store.c - the store as the commands use it: open it, run one write
 * transaction, find the household a user typed. The store files return a
 * proto_result and print nothing; here each failure becomes one message
 * (what failed, why, what to do) and an exit code (DESIGN.md).
 */
#include <assert.h>
#include "agent.h"
#include "cmds.h"
#include "store.h"
#include "sync.h"
#include "validate.h"

const char *agent_store_cause(const agent_ctx *ctx, proto_result r)
{
	if (r == PROTO_EDB && ctx->db)
		return sqlite3_errmsg(ctx->db);
	if (r == PROTO_EDB && ctx->db_error[0])
		return ctx->db_error; /* the store did not open: no handle to ask */
	return proto_cause(r);
}

int agent_home_ready(agent_ctx *ctx)
{
	proto_result r = agent_home_resolve(ctx);

	if (r == PROTO_EINVAL) {
		agent_err(_("cannot tell where the agent's home is; pass --home DIR or set MAIAM_HOME"));
		return AGENT_FAIL;
	}
	if (r != PROTO_OK) {
		agent_err(_("home directory path is too long; pass a shorter --home DIR"));
		return AGENT_FAIL;
	}
	return AGENT_OK;
}

int agent_store_open(agent_ctx *ctx)
{
	char path[AGENT_PATH_MAX];
	proto_result r;

	if (ctx->db)
		return AGENT_OK;
	if (agent_home_ready(ctx) != AGENT_OK)
		return AGENT_FAIL;
	if (agent_path_join(path, sizeof path, ctx->home, "agent.db") != 0)
		return AGENT_FAIL;
	if (!agent_store_exists(ctx->home)) {
		agent_err(_("no store in '%s'; run 'maiam-agent init --commune CODE' first, or pass --home DIR"),
			  ctx->home);
		return AGENT_FAIL;
	}
	r = agent_store_open_db(ctx, path);
	if (r != PROTO_OK) {
		agent_err(_("cannot open the store '%s': %s; check the file or pass another --home"),
			  path, agent_store_cause(ctx, r));
		goto fail;
	}
	r = agent_store_upgrade(ctx);
	if (r == PROTO_ESCHEMA) {
		agent_err(_("the store '%s' was made by a newer maiam-agent; install that version"), path);
		goto fail;
	}
	if (r != PROTO_OK) {
		agent_err(_("cannot upgrade the store '%s': %s; is another maiam-agent running?"), path,
			  agent_store_cause(ctx, r));
		goto fail;
	}
	r = agent_store_load_meta(ctx);
	if (r != PROTO_OK) {
		agent_err(_("the store '%s' is damaged (its settings cannot be read); restore a backup"),
			  path);
		goto fail;
	}
	return AGENT_OK;
fail:
	agent_store_close(ctx);
	return AGENT_FAIL;
}

int agent_tx_begin(agent_ctx *ctx)
{
	proto_result r = agent_store_begin(ctx);

	if (r == PROTO_EDB) {
		agent_err(_("cannot write to the store: %s; is another maiam-agent running?"),
			  sqlite3_errmsg(ctx->db));
		return AGENT_FAIL;
	}
	if (r != PROTO_OK) {
		agent_err(_("the store's settings cannot be read; restore a backup"));
		return AGENT_FAIL;
	}
	return AGENT_OK;
}

int agent_tx_commit(agent_ctx *ctx)
{
	proto_result r = agent_store_commit(ctx);

	if (r != PROTO_OK) {
		agent_err(_("cannot save to the store: %s; nothing was recorded, try again"),
			  agent_store_cause(ctx, r));
		agent_tx_rollback(ctx);
		return AGENT_FAIL;
	}
	return AGENT_OK;
}

static int read_failed(agent_ctx *ctx, proto_result r)
{
	agent_err(_("cannot read the store: %s"), agent_store_cause(ctx, r));
	return AGENT_FAIL;
}

int agent_hh_resolve(agent_ctx *ctx, const char *text, proto_id *out)
{
	char ref[32];
	agent_row row;
	proto_result r;
	int n = 0;

	if (agent_id_parse(text, out) == 0) {
		r = agent_hh_get(ctx, *out, &row, &n);
		if (r != PROTO_OK)
			return read_failed(ctx, r);
		if (n) {
			agent_row_release(&row);
			return AGENT_OK;
		}
		agent_err(_("household '%s' not found; see 'maiam-agent household list'"), text);
		return AGENT_FAIL;
	}
	if (agent_ref_normalize(text, ref) != 0) {
		agent_err(_("'%s' is not a household reference; give one like 7KQ2-15 or a full id"),
			  text);
		return AGENT_USAGE;
	}
	r = agent_hh_by_ref(ctx, ref, out, &n);
	if (r != PROTO_OK)
		return read_failed(ctx, r);
	if (n == 1)
		return AGENT_OK;
	if (n == 0)
		agent_err(_("household '%s' not found; see 'maiam-agent household find TEXT'"), text);
	else
		agent_err(_("reference '%s' names more than one household; use the full id from 'household find'"),
			  text);
	return AGENT_FAIL;
}

int agent_hh_resolve_here(agent_ctx *ctx, const char *text, proto_id *out)
{
	agent_row row;
	int64_t commune;
	proto_result r;
	int rc = agent_hh_resolve(ctx, text, out), found;

	if (rc != AGENT_OK)
		return rc;
	r = agent_hh_get(ctx, *out, &row, &found);
	if (r == PROTO_OK && !found)
		r = PROTO_EDB; /* resolved a moment ago in the same transaction */
	if (r != PROTO_OK)
		return read_failed(ctx, r);
	if (row.v[PROTO_HH_COMMUNE] && cli_parse_int(row.v[PROTO_HH_COMMUNE], 1, 99999, &commune) == 0 &&
	    commune != ctx->commune) {
		agent_err(_("household '%s' has moved to commune %lld: it is recorded on that commune's laptops now"),
			  text, (long long)commune);
		rc = AGENT_FAIL;
	}
	agent_row_release(&row);
	return rc;
}

int agent_enrolment_load(agent_ctx *ctx, agent_hub_info *info, int *enrolled)
{
	proto_result r = agent_hub_load(ctx, info, enrolled);

	if (r == PROTO_EDB)
		return read_failed(ctx, r);
	if (r != PROTO_OK) {
		agent_err(_("the store's enrolment is damaged; restore a backup of the home"));
		return AGENT_FAIL;
	}
	return AGENT_OK;
}

int agent_record_commit(agent_ctx *ctx, proto_changeset *cs, proto_result built, const char *what)
{
	const char *column = NULL;
	char err[512];
	proto_result r = built;

	assert(!sqlite3_get_autocommit(ctx->db)); /* inside the command's agent_tx_begin */
	if (r == PROTO_OK && agent_check_changeset(ctx, cs, &column, err, sizeof err) != 0) {
		/* the command checked each value: this is the rulebook's last word */
		proto_changeset_release(cs);
		agent_tx_rollback(ctx);
		agent_err(_("%s: %s"), column, err);
		return AGENT_USAGE;
	}
	if (r == PROTO_OK)
		r = agent_store_record(ctx, cs);
	proto_changeset_release(cs);
	if (r != PROTO_OK) {
		agent_tx_rollback(ctx);
		agent_err_proto(what, r, _("nothing was recorded; try again"));
		return AGENT_FAIL;
	}
	return agent_tx_commit(ctx);
}

int agent_seal_pending(agent_ctx *ctx, size_t *ncs, size_t *nrecords)
{
	proto_result r = agent_store_load_key(ctx);

	*ncs = *nrecords = 0;
	if (r != PROTO_OK) {
		agent_err_proto(_("cannot load the key 'agent.key'"), r,
				_("the store's key is missing or damaged; restore it from a backup"));
		return AGENT_FAIL;
	}
	if (agent_tx_begin(ctx) != AGENT_OK)
		return AGENT_FAIL;
	r = agent_store_seal(ctx, ncs, nrecords);
	if (r != PROTO_OK) {
		agent_tx_rollback(ctx);
		agent_err_proto(_("cannot seal the pending changes"), r,
				_("nothing was changed; try again"));
		return AGENT_FAIL;
	}
	return agent_tx_commit(ctx);
}
