/*
 * cmd_serve.c - maiam-hub serve: parse the options, open the hub directory
 * and hand over to server.c. The limits have defaults fit for a province of
 * a hundred laptops on 3G and can be tightened for tests.
 */
#include <stdio.h>
#include <string.h>
#include "maiam/cli.h"
#include "hub.h"

int hub_cmd_serve(int argc, char **argv)
{
	const char *dir = hub_default_dir();
	hub_serve_opts opts = { "127.0.0.1:8443", 512, 10, 60, 30, { 0, 0, 0, 0, 0, 0, 0 } };
	char err[512];
	hub_ctx ctx;
	hub_limits limits;
	int rc;
	const cli_opt options[] = {
		HUB_DIR_OPT(&dir),
		CLI_STRING("listen", &opts.listen, "ADDR:PORT", "where to listen (127.0.0.1:8443)"),
		CLI_INT("max-conns", &opts.max_conns, 1, 100000, "N", "connections open at once (512)"),
		CLI_INT("header-timeout", &opts.header_deadline_s, 1, 3600, "S",
			"seconds for a request's headers (10)"),
		CLI_INT("idle-timeout", &opts.idle_timeout_s, 1, 3600, "S",
			"seconds a silent connection is kept (60)"),
		CLI_INT("drain", &opts.drain_s, 1, 3600, "S", "seconds SIGTERM waits for work in flight (30)"),
		/* the limits at the door (docs/HUB.md) */
		CLI_INT("anon-deadline", &opts.door.anon_deadline_s, 1, 3600, "S",
			"seconds for a whole anonymous request (30)"),
		CLI_INT("anon-grace", &opts.door.anon_grace_s, 1, 3600, "S",
			"seconds before --anon-min-rate applies (5)"),
		CLI_INT("anon-min-rate", &opts.door.anon_min_rate, 0, 1 << 20, "B",
			"bytes/s an anonymous request must keep up, 0: off (64)"),
		CLI_INT("max-conns-per-addr", &opts.door.max_per_addr, 1, 100000, "N",
			"anonymous connections per client address (32)"),
		CLI_INT("max-conns-per-key", &opts.door.max_per_key, 1, 1000, "N",
			"connections per agent key (4)"),
		CLI_INT("enroll-rate", &opts.door.enroll_per_min, 1, 100000, "N",
			"enrolments per client address a minute (10)"),
		CLI_INT("max-buffered", &opts.door.max_buffered_mib, 1, 1 << 20, "MIB",
			"request bodies held at once, all connections (256)"),
		/* the per-agent quotas of ingest (docs/HUB.md) */
		HUB_LIMITS_OPTS(&limits),
	};
	cli_spec spec = { CLI_TABLE(options) };

	hub_limits_default(&limits);
	hub_door_defaults(&opts.door);
	if (hub_parse_args(NULL, "", &spec, argc, argv, &rc))
		return rc;
	/* Before SQLite starts: no memory statistics. With them every SQLite
	 * allocation takes one process-wide mutex, which the writer, opener,
	 * reader and checkpointer threads would all queue on (the writer spent
	 * 8 % of its time in mutexes under bench_sync). Nothing here reads them. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	hub_limits_set(&limits); /* before any thread starts */
	if (hub_open(&ctx, dir, err, sizeof(err))) {
		hub_errorf("%s", err);
		return HUB_EXIT_FAIL;
	}
	rc = hub_serve(&ctx, &opts);
	hub_close(&ctx);
	return rc;
}
