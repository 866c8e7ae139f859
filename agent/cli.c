/*
 * cli.c - the command table and dispatch (git's builtin table): global
 * options (args.c), --help, opening the store for the commands that need it. enroll
 * and sync (cmd_enroll.c, cmd_sync.c) are the only commands that go online.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "utf8.h"
#include "cmds.h"
#include "store.h"

#ifndef MAIAM_VERSION
#define MAIAM_VERSION "dev"
#endif

#define NEED_STORE 1u

static const struct agent_cmd {
	const char *name;
	int (*fn)(agent_ctx *ctx, int argc, char **argv);
	unsigned flags;
	const char *summary;
} commands[] = {
	{ "init", agent_cmd_init, 0, N_("create the local store and key pair (offline)") },
	{ "enroll", agent_cmd_enroll, NEED_STORE,
	  N_("register this laptop with the hub (online, or from the hub's file)") },
	{ "household", agent_cmd_household, NEED_STORE,
	  N_("add, edit, list, show, find, import households") },
	{ "milestone", agent_cmd_milestone, NEED_STORE, N_("record a construction stage of a house") },
	{ "photo", agent_cmd_photo, NEED_STORE,
	  N_("add photos to a household or milestone; write one back out") },
	{ "contribution", agent_cmd_contribution, NEED_STORE,
	  N_("record money, labour days or materials") },
	{ "status", agent_cmd_status, NEED_STORE,
	  N_("pending changes, last export or sync, commune, key") },
	{ "check", agent_cmd_check, NEED_STORE, N_("verify the local store is whole") },
	{ "sync", agent_cmd_sync, NEED_STORE, N_("send pending changes to the hub, then fetch updates") },
	{ "export", agent_cmd_export, NEED_STORE,
	  N_("write signed change-sets to a file for a USB stick") },
	{ "import", agent_cmd_update_import, NEED_STORE,
	  N_("read the hub's update file from a USB stick") },
	{ "ui", agent_cmd_ui, NEED_STORE, N_("open this laptop's pages in the browser") },
	{ "backup", agent_cmd_backup, NEED_STORE, N_("copy the store, photos and key to a USB stick") },
	{ "restore", agent_cmd_restore, 0, N_("put a backup back onto a new laptop") },
};

static FILE *err_to; /* NULL: stderr */

FILE *agent_err_redirect(FILE *to)
{
	FILE *was = err_to;

	err_to = to;
	return was;
}

void agent_err(const char *fmt, ...)
{
	char line[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* errors quote the hub's words and file contents: no terminal controls */
	fprintf(err_to ? err_to : stderr, "maiam-agent: %s\n", agent_utf8_printable(line));
}

void agent_err_proto(const char *what, proto_result r, const char *todo)
{
	/* proto_cause: "No space left on device" rather than "input/output error" */
	agent_err("%s: %s; %s", what, proto_cause(r), todo);
}

void agent_ctx_init(agent_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->out = stdout;
}

void agent_ctx_release(agent_ctx *ctx)
{
	agent_store_close(ctx);
	proto_key_free(ctx->key);
	ctx->key = NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent [--home DIR] [--json] COMMAND [ARGS]\n\n"
		  "Records households, construction milestones and contributions on the\n"
		  "commune laptop, offline. Commands:\n"));
	for (size_t i = 0; i < CLI_ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-14s %s\n", commands[i].name, _(commands[i].summary));
	fprintf(f, "%s",
		_("\n'maiam-agent COMMAND --help' explains a command.\n"
		  "Exit codes: 0 done, 1 failed, 2 usage error, 3 network, 4 rejected by the hub.\n"));
}

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

int agent_run(agent_ctx *ctx, int argc, char **argv)
{
	const struct agent_cmd *cmd = NULL;
	int rc = agent_take_globals(ctx, &argc, argv);

	if (rc != AGENT_OK)
		return rc;
	if (argc < 1) {
		usage(stderr);
		return AGENT_USAGE;
	}
	if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "help") == 0) {
		usage(ctx->out);
		return AGENT_OK;
	}
	if (strcmp(argv[0], "--version") == 0) {
		fprintf(ctx->out, "maiam-agent %s\n", MAIAM_VERSION);
		return AGENT_OK;
	}
	for (size_t i = 0; i < CLI_ARRAY_SIZE(commands); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			cmd = &commands[i];
	if (!cmd) {
		agent_err(_("unknown command '%s'; see 'maiam-agent --help'"), argv[0]);
		return AGENT_USAGE;
	}
	if ((cmd->flags & NEED_STORE) && !wants_help(argc, argv)) {
		rc = agent_store_open(ctx);
		if (rc != AGENT_OK)
			return rc;
	}
	fflush(ctx->out);
	rc = cmd->fn(ctx, argc, argv);
	fflush(ctx->out);
	return rc;
}
