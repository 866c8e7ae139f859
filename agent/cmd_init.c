/*
 * cmd_init.c - "init --commune CODE": make the local store and the laptop's
 * Ed25519 key, offline. The commune, given by its code or its name, is
 * checked against the admin units the agent ships with; the campaign's id
 * and period go into meta until enrolment brings the hub's copy. An
 * existing store is never overwritten.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "maiam/text.h"
#include "agent.h"
#include "cmds.h"
#include "store.h"

#define DEFAULT_CAMPAIGN "campaigns/soc-trang-2023.campaign"

static void help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent init --commune CODE|NAME [--campaign FILE] [--home DIR]\n\n"
		  "Creates the local store and this laptop's key pair. Works offline.\n"
		  "  --commune CODE   the commune's administrative code (data/soc-trang-units.csv)\n"
		  "                   or its name, diacritics optional: \"Phú Tân\", \"phu tan\"\n"
		  "  --campaign FILE  campaign file (default: the one shipped with the agent)\n"
		  "  --home DIR       where to keep the store (default $MAIAM_HOME or\n"
		  "                   $XDG_DATA_HOME/maiam)\n"));
}

/* The units a message offers, in one line: "31639 Thị trấn Long Phú (Huyện Long
 * Phú), 31669 ..."; with_district adds each one's district. */
typedef struct offer_list {
	char text[4096];
	size_t len;
} offer_list;

static void offer(offer_list *l, const proto_units *units, const proto_unit *u, int with_district)
{
	const proto_unit *district = with_district ? proto_units_find(units, u->parent) : NULL;
	int w;

	if (l->len >= sizeof l->text - 1)
		return; /* the province has about a hundred communes: never reached */
	w = snprintf(l->text + l->len, sizeof l->text - l->len, "%s%d %s%s%s%s", l->len ? ", " : "",
		     u->code, u->name, district ? " (" : "", district ? district->name : "",
		     district ? ")" : "");
	l->len += w > 0 ? (size_t)w : 0;
	if (l->len > sizeof l->text - 1)
		l->len = sizeof l->text - 1;
}

/* A code that is not a commune's: say what it is, and offer what to type. */
static void not_a_commune(const proto_units *units, const char *typed, const proto_unit *unit)
{
	offer_list l = { .len = 0 };

	if (unit && unit->level == PROTO_UNIT_DISTRICT) {
		for (size_t i = 0; i < units->n; i++)
			if (units->a[i].level == PROTO_UNIT_COMMUNE && units->a[i].parent == unit->code)
				offer(&l, units, &units->a[i], 0);
		agent_err(_("--commune '%s' is %s, a district; give the code or name of one of its communes: %s"),
			  typed, unit->name, l.text);
	} else if (unit) {
		agent_err(_("--commune '%s' is %s, the province; give a commune's code or name, e.g. --commune 31498 or --commune \"Phú Tân\" (see data/soc-trang-units.csv)"),
			  typed, unit->name);
	} else {
		agent_err(_("--commune '%s' is not a commune of this campaign's province; see data/soc-trang-units.csv for the codes"),
			  typed);
	}
}

/* "xa phu tan" and "phu tan" both name "Xã Phú Tân": the name with and without its type. */
static int names(const proto_unit *u, const char *folded, int partly)
{
	char *full = proto_fold(u->name);
	size_t tlen = strlen(u->type);
	char *bare = strncmp(u->name, u->type, tlen) == 0 && u->name[tlen] == ' '
			     ? proto_fold(u->name + tlen + 1)
			     : NULL;
	int hit = 0;

	if (full && !partly)
		hit = strcmp(full, folded) == 0 || (bare && strcmp(bare, folded) == 0);
	else if (full)
		hit = strstr(full, folded) != NULL;
	free(full);
	free(bare);
	return hit;
}

/*
 * The commune typed after --commune: a code, or a name (diacritics and case
 * optional). NULL when it is none, said why in one line (with the candidates
 * to choose from when a name fits several or a code is a district's).
 */
static const proto_unit *find_commune(const proto_units *units, const char *typed)
{
	const proto_unit *unit = NULL;
	offer_list l = { .len = 0 };
	char *folded;
	size_t n = 0;
	int64_t code;

	if (cli_parse_int(typed, 1, 99999, &code) == 0) {
		unit = proto_units_find(units, (int)code);
		if (unit && unit->level == PROTO_UNIT_COMMUNE)
			return unit;
		not_a_commune(units, typed, unit);
		return NULL;
	}
	folded = proto_fold(typed);
	if (!folded) {
		agent_err(_("out of memory"));
		return NULL;
	}
	for (int partly = 0; partly < 2 && n == 0; partly++) {
		for (size_t i = 0; i < units->n; i++)
			if (units->a[i].level == PROTO_UNIT_COMMUNE && *folded &&
			    names(&units->a[i], folded, partly) && n++ == 0)
				unit = &units->a[i];
		if (n == 1 && !partly)
			goto out;
		if (n == 0)
			continue;
		for (size_t i = 0; i < units->n; i++)
			if (units->a[i].level == PROTO_UNIT_COMMUNE && names(&units->a[i], folded, partly))
				offer(&l, units, &units->a[i], 1);
		if (partly)
			agent_err(_("--commune '%s': no commune has this name; these names contain it, give the code or the whole name of the one you mean: %s"),
				  typed, l.text);
		else
			agent_err(_("--commune '%s' names %zu communes; give the code of the one you mean: %s"),
				  typed, n, l.text);
	}
	if (n == 0)
		agent_err(_("--commune '%s': no commune of this campaign's province has this name; see data/soc-trang-units.csv for the names and codes"),
			  typed);
	unit = NULL;
out:
	free(folded);
	return unit;
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
		agent_err(_("cannot create the key '%s': %s; check the directory's permissions"),
			  keypath, proto_cause(r));
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
	info.labels = &camp->labels;
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
	/* no file there to read: said whole in the user's language, with the
	 * way out (proto's loader speaks English, for whoever writes a
	 * campaign file, and its mistakes are told below) */
	if (access(camp_path, R_OK) != 0) {
		agent_err(_("cannot read the campaign file '%s': %s; give it with --campaign FILE, or set"
			    " MAIAM_DATA_DIR to the folder that holds campaigns/"),
			  camp_path, strerror(errno));
		return AGENT_FAIL;
	}
	err[0] = '\0';
	if (proto_campaign_load(camp_path, &camp, err, sizeof err) != PROTO_OK) {
		agent_err(_("cannot load the campaign '%s': %s; check the file or set MAIAM_DATA_DIR"),
			  camp_path, err[0] ? err : _("unreadable"));
		return AGENT_FAIL;
	}
	rc = AGENT_USAGE;
	unit = find_commune(&camp.units, code_s);
	if (!unit)
		goto out;
	rc = AGENT_FAIL;
	if (agent_home_ready(ctx) != AGENT_OK)
		goto out;
	if (agent_mkdirs(ctx->home, 0700) != 0) {
		agent_err(_("cannot create the home directory '%s': %s; pass another --home DIR"),
			  ctx->home, strerror(errno));
		goto out;
	}
	if (agent_store_exists(ctx->home)) {
		agent_err(_("a store already exists in '%s'; use it, or pass another --home DIR"),
			  ctx->home);
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
		fprintf(ctx->out,
			_("Store created in %s\nCommune: %s (%d)\nCampaign: %s (%s to %s)\nKey id: %s\n"),
			ctx->home, unit->name, unit->code, camp.id, camp.start, camp.deadline, hex);
	}
out:
	proto_campaign_release(&camp);
	return rc;
}
