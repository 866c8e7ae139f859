/*
 * main.c - maiam-hub: the province server. git-style: the first argument
 * names a command group, looked up in the table below; each group lives in
 * its own cmd_*.c file. Only this file decides the process's exit code.
 */
#include <stdio.h>
#include <string.h>
#include "maiam/campaign.h"
#include "maiam/cli.h"
#include "maiam/i18n.h"
#include "ctx.h"
#include "cmd.h"
#include "i18n.h"
#include "report/report.h"
#include "report/award.h"
#include "report/target.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help; /* N_(): the syntax stays as typed, the words in brackets are prose */
} commands[] = {
	{ "init", hub_cmd_init, N_("init --dir DIR [--campaign FILE] [--host NAME|IP ...]") },
	{ "serve", hub_cmd_serve, N_("serve --dir DIR [--listen ADDR:PORT]") },
	{ "agent", hub_cmd_agent,
	  N_("agent add --commune CODE | --district CODE [--file FILE [--url URL]] [--json]; agent list"
	     " [--json]; agent revoke ID") },
	{ "import", hub_cmd_import, N_("import FILE...") },
	{ "export", hub_cmd_export,
	  N_("export --for AGENT --out FILE [--after CURSOR]   (update file for a laptop on USB)") },
	{ "audit", hub_cmd_audit,
	  N_("audit verify [--json]   (re-check every signature and chain, rebuild"
	     " state from the ledger, compare); audit reads [--operator NAME] [--household ID]"
	     " [--since DATE] [--json]   (who read which household)") },
	{ "household", hub_cmd_household,
	  N_("household list [--commune CODE] [--district CODE]"
	     " [--status proposed|approved|rejected] [--json];"
	     " household show ID|REF [--json]; household approve|reject ID|REF..."
	     " | --commune CODE [--status S] [--reason TEXT] [--yes]") },
	{ "report", hub_report_cmd,
	  N_("report progress|awards|funds|reconcile [--format table|csv|json|html|xlsx]"
	     " [--out FILE] [--as-of YYYY-MM-DD] [--by commune] [--all]") },
	{ "reconcile", hub_reconcile_cmd,
	  N_("reconcile resolve ID --note TEXT [--keep winner|loser] [--by NAME]") },
	{ "photo", hub_cmd_photo,
	  N_("photo export HASH FILE   (a stored photo's bytes, checked, to a file)") },
	{ "backup", hub_cmd_backup, N_("backup --to FILE [--with-keys [--passphrase-file FILE]]") },
	{ "restore", hub_cmd_restore, N_("restore FILE [--passphrase-file FILE]   (into --dir DIR)") },
	{ "target", hub_target_cmd,
	  N_("target set COMMUNE N [--by NAME]; target list [--district CODE] [--json]") },
	{ "operator", hub_operator_cmd,
	  N_("operator add|list|disable|password   (dashboard operators and their roles)") },
	{ "award", hub_award_cmd,
	  N_("award nominate|list|accept|return   (award nominations within the quotas)") },
};

/* The commands whose first word is a subcommand: "report --help" has no
 * subcommand to show the options of, so it is answered here. */
static const char *const groups[] = { "agent",    "audit", "household", "report", "reconcile",
				      "operator", "photo", "award",     "target", NULL };

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, _("usage: maiam-hub COMMAND [ARGS]   (every command takes --dir DIR, default"
		     " $MAIAM_HUB_DIR, else .; init needs one of the two)\n"));
	for (i = 0; i < CLI_ARRAY_SIZE(commands); i++)
		fprintf(f, "  maiam-hub %s\n", _(commands[i].help));
}

#ifndef MAIAM_LOCALEDIR
#define MAIAM_LOCALEDIR "/usr/share/locale"
#endif

int main(int argc, char **argv)
{
	size_t i;

	cli_i18n_init("maiam-hub", PROTO_TEXTDOMAIN, MAIAM_LOCALEDIR);
	if (argc < 2) {
		usage(stderr);
		return HUB_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return HUB_EXIT_OK;
	}
	for (i = 0; i < CLI_ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (cli_choice(groups, argv[1]) >= 0 && argc >= 3 &&
		    (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
			printf(_("usage: maiam-hub %s\n(each subcommand's options: maiam-hub %s SUBCOMMAND"
				 " --help)\n"),
			       _(commands[i].help), commands[i].name);
			return HUB_EXIT_OK;
		}
		return commands[i].fn(argc - 1, argv + 1);
	}
	hub_errorf(_("'%s' is not a command: see 'maiam-hub --help'"), argv[1]);
	return HUB_EXIT_USAGE;
}
