/*
 * cmd_init.c - maiam-hub init: make a hub directory usable. Idempotent: a
 * second run keeps the key, the database and the certificates it finds, so
 * an operator can safely re-run it (to add nothing, or to finish a cut run).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "maiam/cli.h"
#include "ctx.h"
#include "schema.h"
#include "store.h"
#include "tls.h"
#include "cmd.h"
#include "i18n.h"

#ifndef MAIAM_DATA_DIR
#define MAIAM_DATA_DIR "."
#endif
#define MAX_HOSTS 16

static int make_key(const char *path, uint64_t *id)
{
	proto_key *key = NULL;
	struct stat st;
	proto_result r;

	if (stat(path, &st) == 0)
		r = proto_key_load_private(path, &key);
	else if ((r = proto_key_generate(&key)) == PROTO_OK)
		r = proto_key_save_private(key, path);
	if (r != PROTO_OK) {
		hub_errorf(_("cannot make hub key '%s': %s"), path, proto_strerror(r));
		proto_key_free(key);
		return -1;
	}
	*id = proto_key_id(key);
	proto_key_free(key);
	return 0;
}

int hub_cmd_init(int argc, char **argv)
{
	const char *dir = NULL, *env_dir = getenv("MAIAM_HUB_DIR"), *campaign_arg = NULL;
	const char *hosts[MAX_HOSTS];
	char campaign_path[PATH_MAX], def[PATH_MAX], path[PATH_MAX], err[512], have[80], hex[17];
	const char *data = getenv("MAIAM_DATA_DIR");
	proto_campaign campaign;
	hub_ctx ctx;
	hub_config cfg; /* only its directory: init makes what hub_open reads */
	bool found;
	cli_list host_list = { hosts, CLI_ARRAY_SIZE(hosts), 0 };
	uint64_t key_id = 0;
	int rc = HUB_EXIT_FAIL, loaded = 0, usage_rc;
	const cli_opt opts[] = {
		CLI_STRING("dir", &dir, "DIR",
			   N_("the hub directory to make (default $MAIAM_HUB_DIR; one is needed)")),
		CLI_STRING("campaign", &campaign_arg, "FILE",
			   N_("the campaign (default: campaigns/soc-trang-2023.campaign)")),
		CLI_LIST("host", &host_list, "NAME|IP",
			 N_("a name the server certificate covers (repeatable)")),
	};
	cli_spec spec = { CLI_TABLE(opts) };

	memset(&ctx, 0, sizeof(ctx));
	memset(&cfg, 0, sizeof(cfg));
	if (hub_parse_args(NULL, "", &spec, argc, argv, &usage_rc))
		return usage_rc;
	/* the working folder is no default here: a hub's keys written into
	 * whatever folder the shell was in are easily lost or leaked */
	if (!dir && env_dir && *env_dir)
		dir = env_dir;
	if (!dir) {
		hub_errorf("%s", _("init needs the hub directory: give --dir DIR (or set MAIAM_HUB_DIR)"));
		return HUB_EXIT_USAGE;
	}
	if (!campaign_arg) {
		snprintf(def, sizeof(def), "%s/campaigns/soc-trang-2023.campaign",
			 data && *data ? data : MAIAM_DATA_DIR);
		campaign_arg = def;
	}
	if (!realpath(campaign_arg, campaign_path)) {
		hub_errorf(_("cannot find campaign file '%s': give one with --campaign FILE"),
			   campaign_arg);
		return HUB_EXIT_FAIL;
	}
	if (proto_campaign_load(campaign_path, &campaign, err, sizeof(err)) != PROTO_OK) {
		hub_errorf(_("campaign refused: %s"), err);
		return HUB_EXIT_FAIL;
	}
	loaded = 1;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		hub_errorf(_("cannot create hub directory '%s': %s"), dir, strerror(errno));
		goto out;
	}
	ctx.cfg = &cfg;
	if ((size_t)snprintf(cfg.dir, sizeof(cfg.dir), "%s", dir) >= sizeof(cfg.dir) ||
	    hub_path(&ctx, HUB_DB_FILE, path, sizeof(path))) {
		hub_errorf(_("hub directory path '%s' is too long"), dir);
		goto out;
	}
	if (proto_db_open(path, &ctx.db) != PROTO_OK) {
		hub_errorf(_("cannot create the hub database '%s': check the directory and disk"), path);
		goto out;
	}
	if (hub_schema_install(ctx.db, err, sizeof(err))) {
		hub_errorf("'%s': %s", path, err);
		goto out;
	}
	if (hub_meta_get(ctx.db, "campaign_id", have, sizeof(have), &found) != HUB_OK) {
		hub_errorf(_("cannot read the hub database '%s': %s"), path, sqlite3_errmsg(ctx.db));
		goto out;
	}
	if (found && strcmp(have, campaign.id) != 0) {
		hub_errorf(_("hub in '%s' already serves campaign '%s', not '%s': use another"
			     " directory for another campaign"),
			   dir, have, campaign.id);
		goto out;
	}
	if (hub_path(&ctx, HUB_KEY_FILE, path, sizeof(path)) || make_key(path, &key_id))
		goto out;
	proto_key_id_hex(key_id, hex);
	if (hub_meta_set(ctx.db, "campaign_id", campaign.id) ||
	    hub_meta_set(ctx.db, "campaign_path", campaign_path) ||
	    hub_meta_set(ctx.db, "hub_key_id", hex)) {
		hub_errorf(_("cannot write the hub database: %s"), sqlite3_errmsg(ctx.db));
		goto out;
	}
	if (hub_tls_init(dir, hosts, host_list.n, err, sizeof(err))) {
		hub_errorf("%s", err);
		goto out;
	}
	printf(_("hub ready in '%s': campaign '%s', hub key %s\n"
		 "laptops pin '%s/%s'; start it with: maiam-hub serve --dir %s\n"),
	       dir, campaign.id, hex, dir, HUB_CA_FILE, dir);
	rc = HUB_EXIT_OK;
out:
	if (ctx.db)
		sqlite3_close(ctx.db);
	if (loaded)
		proto_campaign_release(&campaign);
	return rc;
}
