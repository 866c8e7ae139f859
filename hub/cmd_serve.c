/*
 * cmd_serve.c - maiam-hub serve: parse the options, open the hub directory
 * and hand over to server.c. The limits have defaults fit for a province of
 * a hundred laptops on 3G and can be tightened for tests.
 */
#include <stdio.h>
#include <string.h>
#include "maiam/cli.h"
#include "config.h"
#include "ctx.h"
#include "log.h"
#include "server.h"
#include "cmd.h"
#include "i18n.h"
#include "report/report.h"

static void dashboard_stop(void *dash)
{
	hub_dashboard_free(dash);
}

int hub_cmd_serve(int argc, char **argv)
{
	const char *dir = ".", *config = NULL; /* $MAIAM_HUB_DIR: through settings */
	static const char *const not_in_file[] = { "config", NULL };
	hub_settings settings;
	int check_config = 0, log_level = HUB_LOG_INFO;
	hub_serve_opts opts = { "127.0.0.1:8443",          512, 10, 60, 30, { 0, 0, 0, 0, 0, 0, 0 },
				{ NULL, NULL, NULL, NULL } };
	char err[512];
	hub_ctx ctx;
	hub_dashboard *dash;
	hub_limits limits;
	struct hub_door_opts *door = &opts.door;
	int rc;
	const cli_opt options[] = {
		HUB_DIR_OPT(&dir),
		CLI_STRING("config", &config, "FILE",
			   N_("settings, 'key = value' (/etc/maiam/hub.conf when there)")),
		CLI_FLAG("check-config", &check_config,
			 N_("print the settings and where each came from, then exit")),
		CLI_STRING("listen", &opts.listen, "ADDR:PORT", N_("where to listen (127.0.0.1:8443)")),
		CLI_INT("max-conns", &opts.max_conns, 1, 100000, "N", N_("connections at once (512)")),
		CLI_INT("header-timeout", &opts.header_deadline_s, 1, 3600, "S",
			N_("for request headers (10)")),
		CLI_INT("idle-timeout", &opts.idle_timeout_s, 1, 3600, "S",
			N_("a silent connection lives (60)")),
		CLI_CHOICE("log-level", &log_level, hub_log_level_names, "LEVEL",
			   N_("error, warn, info or debug (info): the lines on stderr")),
		CLI_INT("drain", &opts.drain_s, 1, 3600, "S", N_("SIGTERM waits for work in flight (30)")),
		/* the limits at the door (docs/HUB.md, "Limits at the door") */
		CLI_INT("anon-deadline", &door->anon_deadline_s, 1, 3600, "S",
			N_("anonymous request (30)")),
		CLI_INT("anon-grace", &door->anon_grace_s, 1, 3600, "S", N_("then --anon-min-rate (5)")),
		CLI_INT("anon-min-rate", &door->anon_min_rate, 0, 1 << 20, "B", N_("bytes/s, 0: off (64)")),
		CLI_INT("max-conns-per-addr", &door->max_per_addr, 1, 100000, "N", N_("anonymous (32)")),
		CLI_INT("max-conns-per-key", &door->max_per_key, 1, 1000, "N", N_("per agent key (4)")),
		CLI_INT("enroll-rate", &door->enroll_per_min, 1, 100000, "N",
			N_("per address a minute (10)")),
		CLI_INT("max-buffered", &door->max_buffered_mib, 1, 1 << 20, "MIB",
			N_("request bodies (256)")),
		/* the per-agent quotas of ingest (docs/HUB.md, "Quotas at ingest") */
		HUB_LIMITS_OPTS(&limits),
	};
	cli_spec spec = { CLI_TABLE(options) };

	hub_limits_default(&limits);
	hub_door_defaults(door);
	if (hub_settings_load(&settings, options, CLI_ARRAY_SIZE(options), not_in_file, argc, argv, err,
			      sizeof(err)) != HUB_OK) {
		hub_errorf("%s", err);
		hub_settings_free(&settings);
		return HUB_EXIT_USAGE;
	}
	if (hub_parse_args(NULL, "", &spec, argc, argv, &rc)) {
		hub_settings_free(&settings);
		return rc;
	}
	if (check_config) {
		rc = HUB_EXIT_OK;
		if (hub_settings_check(&settings, not_in_file, dir, stdout, err, sizeof(err))) {
			hub_errorf("%s", err);
			rc = HUB_EXIT_USAGE;
		}
		hub_settings_free(&settings);
		return rc;
	}
	/* from here on every message is a log line (log.h, docs/OPERATIONS.md) */
	hub_log_start((hub_log_level)log_level);
	/* Before SQLite starts: no memory statistics. With them every SQLite
	 * allocation takes one process-wide mutex, which the writer, opener,
	 * reader and checkpointer threads would all queue on (the writer spent
	 * 8 % of its time in mutexes under bench_sync). Nothing here reads them. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (hub_open(&ctx, dir, err, sizeof(err))) {
		hub_errorf("%s", err);
		hub_settings_free(&settings);
		return HUB_EXIT_FAIL;
	}
	ctx.owned->limits = limits; /* before any thread starts */
	/* the operators' pages, served by the same loop */
	dash = hub_dashboard_new(ctx.cfg->dir, err, sizeof(err));
	if (!dash) {
		hub_errorf(_("cannot start the dashboard: %s"), err);
		hub_close(&ctx);
		hub_settings_free(&settings);
		return HUB_EXIT_FAIL;
	}
	opts.pages.claims = hub_dashboard_path;
	opts.pages.handle = hub_dashboard_handle;
	opts.pages.stop = dashboard_stop; /* hub_serve frees it, before its loop's base */
	opts.pages.arg = dash;
	switch (hub_serve(&ctx, &opts)) {
	case HUB_OK:
		rc = HUB_EXIT_OK;
		break;
	case HUB_REFUSED:
		rc = HUB_EXIT_USAGE;
		break;
	case HUB_ENET:
		rc = HUB_EXIT_NETWORK;
		break;
	default:
		rc = HUB_EXIT_FAIL;
		break;
	}
	hub_close(&ctx);
	hub_settings_free(&settings);
	return rc;
}
