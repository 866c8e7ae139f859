/*
 * cmd_init.c - "init --commune CODE": make the local store and the laptop's
 * Ed25519 key, offline. The commune is checked against the admin units the
 * agent ships with; the campaign's id and period go into meta until
 * enrolment brings the hub's copy. An existing store is never overwritten.
 */
#include <errno.h>
#include <string.h>
#include "agent.h"
#include "cmds.h"
#include "store.h"

#define DEFAULT_CAMPAIGN "campaigns/soc-trang-2023.campaign"

static void help(FILE *f)
{
	fprintf(f, "%s", _("usage: maiam-agent init --commune CODE [--campaign FILE] [--home DIR]\n\n"
			   "Creates the local store and this laptop's key pair. Works offline.\n"
			   "  --commune CODE   the commune's administrative code (data/soc-trang-units.csv)\n"
			   "  --campaign FILE  campaign file (default: the one shipped with the agent)\n"
			   "  --home DIR       where to keep the store (default $MAIAM_HOME or\n"
			   "                   $XDG_DATA_HOME/maiam)\n"));
}

/* Generate the key and create the store; the home directory exists. */
static int create(agent_ctx *ctx, const proto_campaign *camp, const proto_unit *unit)
{
	char keypath[AGENT_PATH_MAX];
	proto_key *key = NULL;
	agent_init_info info;
	proto_result r;
	int rc = AGENT_FAIL;

	if (agent_path_join(keypath, sizeof keypath, ctx->home, "agent.key") != 0)
		goto out;
	r = proto_key_generate(&key);
	if (r == PROTO_OK)
		r = proto_key_save_private(key, keypath);
	if (r != PROTO_OK) {
		agent_err(_("cannot create the key '%s': %s; check the directory's permissions"), keypath,
			  proto_cause(r));
		goto out;
	}
	memset(&info, 0, sizeof info);
	info.key_id = proto_key_id(key);
	info.commune = unit->code;
	info.commune_name = unit->name;
	info.campaign = camp->id;
	info.period_start = camp->start;
	info.deadline = camp->deadline;
	info.period_end = camp->report_due;
	r = agent_store_create(ctx, &info);
	if (r != PROTO_OK) {
		char dbpath[AGENT_PATH_MAX];

		agent_path_join(dbpath, sizeof dbpath, ctx->home, "agent.db"); /* fits: keypath did */
		agent_err(_("cannot create the store '%s': %s; check the disk and try again"), dbpath,
			  agent_store_cause(ctx, r));
		agent_store_close(ctx);
		goto out;
	}
	rc = AGENT_OK;
out:
	proto_key_free(key);
	return rc;
}

int agent_cmd_init(agent_ctx *ctx, int argc, char **argv)
{
	const char *code_s = NULL, *camp_path = NULL;
	const cli_opt opts[] = {
		CLI_STRING("commune", &code_s, "CODE", NULL),
		CLI_STRING("campaign", &camp_path, "FILE", NULL),
	};
	cli_spec spec = { CLI_TABLE(opts) };
	char path[AGENT_PATH_MAX], err[512], hex[17];
	proto_campaign camp;
	const proto_unit *unit;
	int64_t code;
	int rc;

	memset(&camp, 0, sizeof camp);
	if (agent_parse_args(ctx, "init", &spec, help, argc, argv, &rc))
		return rc;
	if (!code_s) {
		agent_err(_("option '--commune' is required; e.g. 'maiam-agent init --commune 31498'"));
		return AGENT_USAGE;
	}
	if (!camp_path) {
		if (agent_data_path(DEFAULT_CAMPAIGN, path, sizeof path) != 0) {
			agent_err(_("the data directory path is too long; set MAIAM_DATA_DIR"));
			return AGENT_FAIL;
		}
		camp_path = path;
	}
	err[0] = '\0';
	if (proto_campaign_load(camp_path, &camp, err, sizeof err) != PROTO_OK) {
		agent_err(_("cannot load the campaign '%s': %s; check the file or set MAIAM_DATA_DIR"),
			  camp_path, err[0] ? err : _("unreadable"));
		return AGENT_FAIL;
	}
	rc = AGENT_USAGE;
	unit = cli_parse_int(code_s, 1, 99999, &code) == 0 ? proto_units_find(&camp.units, (int)code)
							       : NULL;
	if (!unit || unit->level != PROTO_UNIT_COMMUNE) {
		agent_err(_("--commune '%s' is not a commune of this campaign's province; see data/soc-trang-units.csv for the codes"),
			  code_s);
		goto out;
	}
	rc = AGENT_FAIL;
	if (agent_home_ready(ctx) != AGENT_OK)
		goto out;
	if (agent_mkdirs(ctx->home, 0700) != 0) {
		agent_err(_("cannot create the home directory '%s': %s; pass another --home DIR"),
			  ctx->home, strerror(errno));
		goto out;
	}
	if (agent_store_exists(ctx->home)) {
		agent_err(_("a store already exists in '%s'; use it, or pass another --home DIR"), ctx->home);
		goto out;
	}
	rc = create(ctx, &camp, unit);
	if (rc != AGENT_OK)
		goto out;
	proto_key_id_hex(ctx->key_id, hex);
	if (ctx->json) {
		fprintf(ctx->out, "{\"home\":");
		agent_json_str(ctx->out, ctx->home);
		fprintf(ctx->out, ",\"commune\":%d,\"commune_name\":", unit->code);
		agent_json_str(ctx->out, unit->name);
		fprintf(ctx->out, ",\"campaign\":");
		agent_json_str(ctx->out, camp.id);
		fprintf(ctx->out, ",\"key_id\":\"%s\"}\n", hex);
	} else {
		fprintf(ctx->out, _("Store created in %s\nCommune: %s (%d)\nCampaign: %s (%s to %s)\nKey id: %s\n"),
			ctx->home, unit->name, unit->code, camp.id, camp.start, camp.deadline, hex);
	}
out:
	proto_campaign_release(&camp);
	return rc;
}
