/*
 * args.c - the agent's side of the shared option parser (maiam/cli.h): the
 * command declares its table, cli_parse fills it, and every mistake is said
 * here, once, in the user's language. The globals (--home, --json) are taken
 * out of the command line first, wherever they stand. The agent's tables
 * leave the help text NULL: each command's help() is written (and
 * translated) whole, as users read it.
 */
#include <string.h>
#include "agent.h"

/* One line for a parse mistake; cmd is NULL for the global options. */
static void say(const char *cmd, const cli_error *e)
{
	const char *name = e->opt ? e->opt->name : "";
	char list[256];

	switch (e->code) {
	case CLI_E_UNKNOWN:
		agent_err(_("unknown option '%s' for '%s'; see 'maiam-agent %s --help'"), e->word, cmd,
			  cmd);
		break;
	case CLI_E_EXTRA:
		agent_err(_("unexpected argument '%s' for '%s'; see 'maiam-agent %s --help'"), e->word,
			  cmd, cmd);
		break;
	case CLI_E_TWICE:
		agent_err(_("option '--%s' given twice; give it once"), name);
		break;
	case CLI_E_FLAG_VALUE:
		agent_err(_("option '--%s' takes no value; remove '=%s'"), name, e->value);
		break;
	case CLI_E_NO_VALUE:
		if (cmd)
			agent_err(_("option '--%s' needs a value; see 'maiam-agent %s --help'"), name,
				  cmd);
		else
			agent_err(_("option '--%s' needs a value; see 'maiam-agent --help'"), name);
		break;
	case CLI_E_OPTION_VALUE:
		agent_err(_("option '--%s' needs a value, not the option '%s'; for a value that starts with '--' write '--%s=%s'"),
			  name, e->value, name, e->value);
		break;
	case CLI_E_NOT_INT:
		agent_err(_("option '--%s': '%s' is not a number from %lld to %lld"), name, e->value,
			  (long long)e->opt->lo, (long long)e->opt->hi);
		break;
	case CLI_E_CHOICE:
		agent_err(_("option '--%s': '%s' is not one of %s"), name, e->value,
			  cli_choices_join(e->opt->choices, list, sizeof list));
		break;
	case CLI_E_LIST_FULL:
		agent_err(_("option '--%s' given more than %zu times; give fewer"), name,
			  e->opt->to.list->max);
		break;
	case CLI_E_NONE:
		break;
	}
}

int agent_parse_args(agent_ctx *ctx, const char *cmd, cli_spec *spec, void (*help)(FILE *), int argc,
		     char **argv, int *exit_code)
{
	cli_error err;

	*exit_code = AGENT_OK;
	switch (cli_parse(spec, argc - 1, argv + 1, &err)) {
	case CLI_OK:
		return 0;
	case CLI_HELP:
		help(ctx->out);
		return 1;
	case CLI_ERROR:
		break;
	}
	say(cmd, &err);
	*exit_code = AGENT_USAGE;
	return 1;
}

int agent_parse_operands(agent_ctx *ctx, const char *cmd, cli_spec *spec, void (*help)(FILE *), int argc,
			 char **argv, const char *missing, int *exit_code)
{
	if (agent_parse_args(ctx, cmd, spec, help, argc, argv, exit_code))
		return 1;
	if (spec->nargs == spec->maxargs)
		return 0;
	agent_err("%s", missing);
	*exit_code = AGENT_USAGE;
	return 1;
}

int agent_take_globals(agent_ctx *ctx, int *argc, char **argv)
{
	const cli_opt globals[] = {
		CLI_STRING("home", &ctx->home_opt, "DIR", NULL),
		CLI_FLAG("json", &ctx->json, NULL),
	};
	cli_spec spec = { CLI_TABLE(globals), .args = argv, .maxargs = (size_t)*argc,
			  .flags = CLI_PASS_UNKNOWN };
	cli_error err;

	if (cli_parse(&spec, *argc, argv, &err) != CLI_OK) {
		say(NULL, &err);
		return AGENT_USAGE;
	}
	*argc = (int)spec.nargs;
	return AGENT_OK;
}
