/*
 * args.c - option parsing for every command. Our own parser rather than
 * getopt_long: getopt prints English messages we cannot translate, keeps
 * global state (the bench runs many commands in one process), and we want
 * "--name value" and "--name=value" with one clear message for each mistake.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"

static agent_opt *find_opt(agent_opt *opts, size_t nopts, const char *name, size_t len)
{
	for (size_t i = 0; i < nopts; i++)
		if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
			return &opts[i];
	return NULL;
}

int agent_parse_opts(const char *cmd, int argc, char **argv, agent_opt *opts, size_t nopts,
		     char **pos, size_t maxpos, size_t *npos)
{
	int only_pos = 0;

	*npos = 0;
	for (size_t i = 0; i < nopts; i++)
		opts[i].value = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *eq;
		agent_opt *o;
		size_t len;

		if (!only_pos && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0))
			return AGENT_HELP;
		if (!only_pos && strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (only_pos || a[0] != '-' || a[1] == '\0') {
			if (*npos >= maxpos) {
				agent_err(_("unexpected argument '%s' for '%s'; see 'maiam-agent %s --help'"),
					  a, cmd, cmd);
				return AGENT_USAGE;
			}
			pos[(*npos)++] = argv[i];
			continue;
		}
		if (a[1] != '-') {
			agent_err(_("unknown option '%s' for '%s'; see 'maiam-agent %s --help'"), a, cmd, cmd);
			return AGENT_USAGE;
		}
		a += 2;
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		o = find_opt(opts, nopts, a, len);
		if (!o) {
			agent_err(_("unknown option '%s' for '%s'; see 'maiam-agent %s --help'"), argv[i],
				  cmd, cmd);
			return AGENT_USAGE;
		}
		if (o->value) {
			agent_err(_("option '--%s' given twice; give it once"), o->name);
			return AGENT_USAGE;
		}
		if (!o->takes_value) {
			if (eq) {
				agent_err(_("option '--%s' takes no value; remove '=%s'"), o->name, eq + 1);
				return AGENT_USAGE;
			}
			o->value = "";
		} else if (eq) {
			o->value = eq + 1;
		} else if (i + 1 < argc) {
			o->value = argv[++i];
		} else {
			agent_err(_("option '--%s' needs a value; see 'maiam-agent %s --help'"), o->name, cmd);
			return AGENT_USAGE;
		}
	}
	return AGENT_OK;
}

const char *agent_opt_get(const agent_opt *opts, size_t nopts, const char *name)
{
	for (size_t i = 0; i < nopts; i++)
		if (strcmp(opts[i].name, name) == 0)
			return opts[i].value;
	return NULL;
}

int agent_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	char *end = NULL;
	long long v;

	if (!s || !*s)
		return -1;
	for (const char *p = s; *p; p++)
		if ((*p < '0' || *p > '9') && !(p == s && *p == '-'))
			return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}
