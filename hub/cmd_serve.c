/*
 * cmd_serve.c - maiam-hub serve: parse the options, open the hub directory
 * and hand over to server.c. The limits have defaults fit for a province of
 * a hundred laptops on 3G and can be tightened for tests.
 */
#include <stdio.h>
#include <string.h>
#include "ctx.h"
#include "server.h"
#include "cmd.h"
#include "report/report.h"

int hub_cmd_serve(int argc, char **argv)
{
	const char *dir = hub_default_dir(), *v;
	hub_serve_opts opts = { "127.0.0.1:8443", 512, 10, 60, 30, { 0, 0, 0, 0, 0, 0, 0 },
				{ NULL, NULL, NULL } };
	char err[512];
	hub_ctx ctx;
	hub_dashboard *dash;
	hub_limits limits;
	long n;
	int i, o, rc;

	hub_limits_default(&limits);
	hub_door_defaults(&opts.door);

	for (i = 1; i < argc; i++) {
		int *target = NULL;
		long lo = 1, hi = 3600;

		/* issue 9: the per-agent quotas of ingest (docs/HUB.md) */
		if ((o = hub_limits_opt(argc, argv, &i, &limits)) != 0) {
			if (o < 0)
				return HUB_EXIT_USAGE;
			continue;
		}

		if ((o = hub_opt(argc, argv, &i, "--dir", &v)) != 0) {
			if (o < 0)
				return HUB_EXIT_USAGE;
			dir = v;
			continue;
		}
		if ((o = hub_opt(argc, argv, &i, "--listen", &v)) != 0) {
			if (o < 0)
				return HUB_EXIT_USAGE;
			opts.listen = v;
			continue;
		}
		if ((o = hub_opt(argc, argv, &i, "--max-conns", &v)) != 0)
			target = &opts.max_conns, hi = 100000;
		else if ((o = hub_opt(argc, argv, &i, "--header-timeout", &v)) != 0)
			target = &opts.header_deadline_s;
		else if ((o = hub_opt(argc, argv, &i, "--idle-timeout", &v)) != 0)
			target = &opts.idle_timeout_s;
		else if ((o = hub_opt(argc, argv, &i, "--drain", &v)) != 0)
			target = &opts.drain_s;
		/* issue 9: server: the limits at the door (docs/HUB.md) */
		else if ((o = hub_opt(argc, argv, &i, "--anon-deadline", &v)) != 0)
			target = &opts.door.anon_deadline_s;
		else if ((o = hub_opt(argc, argv, &i, "--anon-grace", &v)) != 0)
			target = &opts.door.anon_grace_s;
		else if ((o = hub_opt(argc, argv, &i, "--anon-min-rate", &v)) != 0)
			target = &opts.door.anon_min_rate, lo = 0, hi = 1 << 20;
		else if ((o = hub_opt(argc, argv, &i, "--max-conns-per-addr", &v)) != 0)
			target = &opts.door.max_per_addr, hi = 100000;
		else if ((o = hub_opt(argc, argv, &i, "--max-conns-per-key", &v)) != 0)
			target = &opts.door.max_per_key, hi = 1000;
		else if ((o = hub_opt(argc, argv, &i, "--enroll-rate", &v)) != 0)
			target = &opts.door.enroll_per_min, hi = 100000;
		else if ((o = hub_opt(argc, argv, &i, "--max-buffered", &v)) != 0)
			target = &opts.door.max_buffered_mib, hi = 1 << 20;
		/* end issue 9: server */
		if (o < 0)
			return HUB_EXIT_USAGE;
		if (!target) {
			hub_errorf("unknown argument '%s' for 'serve': usage: maiam-hub serve --dir DIR"
				   " [--listen ADDR:PORT] [--max-conns N] [--header-timeout S]"
				   " [--idle-timeout S] [--drain S] [--anon-deadline S] [--anon-grace S]"
				   " [--anon-min-rate B] [--max-conns-per-addr N] [--max-conns-per-key N]"
				   " [--enroll-rate N] [--max-buffered MIB] " HUB_LIMITS_USAGE, argv[i]);
			return HUB_EXIT_USAGE;
		}
		if (hub_parse_int(v, lo, hi, &n)) {
			hub_errorf("'%s' for '%s' is not a number from %ld to %ld", v, argv[i - 1], lo, hi);
			return HUB_EXIT_USAGE;
		}
		*target = (int)n;
	}
	/* Before SQLite starts: no memory statistics. With them every SQLite
	 * allocation takes one process-wide mutex, which the writer, opener,
	 * reader and checkpointer threads would all queue on (the writer spent
	 * 8 % of its time in mutexes under bench_sync). Nothing here reads them. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (hub_open(&ctx, dir, err, sizeof(err))) {
		hub_errorf("%s", err);
		return HUB_EXIT_FAIL;
	}
	ctx.owned->limits = limits; /* before any thread starts */
	/* the operators' pages, served by the same loop */
	dash = hub_dashboard_new(ctx.cfg->dir, err, sizeof(err));
	if (!dash) {
		hub_errorf("cannot start the dashboard: %s", err);
		hub_close(&ctx);
		return HUB_EXIT_FAIL;
	}
	opts.pages.claims = hub_dashboard_path;
	opts.pages.handle = hub_dashboard_handle;
	opts.pages.arg = dash;
	rc = hub_serve(&ctx, &opts);
	hub_dashboard_free(dash);
	hub_close(&ctx);
	return rc;
}
