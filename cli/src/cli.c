/*
 * cli.c - the option parser of both programs (cli.h). Our own loop rather
 * than getopt_long: getopt keeps global state (the agent's bench runs many
 * commands in one process), permutes argv, accepts abbreviations ("--na" for
 * "--name") and prints English; here nothing is printed and nothing global.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "maiam/cli.h"

static cli_status fail(cli_error *err, cli_errcode code, const cli_opt *opt, const char *word,
		       const char *value)
{
	err->code = code;
	err->opt = opt;
	err->word = word;
	err->value = value;
	return CLI_ERROR;
}

int cli_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	const char *p = s;
	uint64_t mag = 0, limit = (uint64_t)INT64_MAX;
	int64_t v;
	int neg;

	if (!s)
		return -1;
	neg = *p == '-';
	if (neg) {
		p++;
		limit++; /* |INT64_MIN| */
	}
	if (!*p)
		return -1;
	for (; *p; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (*p < '0' || *p > '9' || mag > (limit - d) / 10)
			return -1;
		mag = mag * 10 + d;
	}
	if (neg)
		v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	else
		v = (int64_t)mag;
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int cli_choice(const char *const *choices, const char *s)
{
	for (int i = 0; choices && choices[i]; i++)
		if (strcmp(choices[i], s) == 0)
			return i;
	return -1;
}

char *cli_choices_join(const char *const *choices, char *out, size_t outlen)
{
	size_t used = 0;

	if (outlen)
		out[0] = '\0';
	for (size_t i = 0; choices && choices[i] && used < outlen; i++) {
		int n = snprintf(out + used, outlen - used, "%s%s", i ? ", " : "", choices[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return out;
}

char *cli_usage(const cli_opt *opts, size_t nopts, char *out, size_t outlen)
{
	size_t used = 0;

	if (outlen)
		out[0] = '\0';
	for (size_t i = 0; i < nopts && used < outlen; i++) {
		const cli_opt *o = &opts[i];
		int n = snprintf(out + used, outlen - used, "%s[--%s%s%s%s]", i ? " " : "", o->name,
				 o->kind == CLI_KIND_FLAG ? "" : " ",
				 o->kind == CLI_KIND_FLAG ? ""
				 : o->arg                 ? o->arg
							  : "VALUE",
				 o->kind == CLI_KIND_LIST ? " ..." : "");

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return out;
}

/* Write one value where its option says. */
static cli_status store(const cli_opt *o, const char *word, const char *value, cli_error *err)
{
	int64_t n = 0;
	int k;

	switch (o->kind) {
	case CLI_KIND_FLAG:
		*o->to.i = 1;
		return CLI_OK;
	case CLI_KIND_STRING:
		*o->to.str = value;
		return CLI_OK;
	case CLI_KIND_CHOICE:
		k = cli_choice(o->choices, value);
		if (k < 0)
			return fail(err, CLI_E_CHOICE, o, word, value);
		*o->to.i = k;
		return CLI_OK;
	case CLI_KIND_LIST:
		if (o->to.list->n >= o->to.list->max)
			return fail(err, CLI_E_LIST_FULL, o, word, value);
		o->to.list->v[o->to.list->n++] = value;
		return CLI_OK;
	case CLI_KIND_INT:
	case CLI_KIND_INT64:
	case CLI_KIND_SIZE:
	case CLI_KIND_UINT32:
		break;
	}
	if (cli_parse_int(value, o->lo, o->hi, &n) != 0)
		return fail(err, CLI_E_NOT_INT, o, word, value);
	/* the table's range fits its destination (asserted in cli_parse) */
	switch (o->kind) {
	case CLI_KIND_INT:
		*o->to.i = (int)n;
		break;
	case CLI_KIND_SIZE:
		*o->to.size = (size_t)n;
		break;
	case CLI_KIND_UINT32:
		*o->to.u32 = (uint32_t)n;
		break;
	default:
		*o->to.i64 = n;
		break;
	}
	return CLI_OK;
}

#ifndef NDEBUG
/* A number's range must fit the variable it is written to: a table error. */
static int range_fits(const cli_opt *o)
{
	switch (o->kind) {
	case CLI_KIND_INT:
		return o->lo >= INT32_MIN && o->hi <= INT32_MAX && o->lo <= o->hi;
	case CLI_KIND_SIZE:
		return o->lo >= 0 && (uint64_t)o->hi <= SIZE_MAX && o->lo <= o->hi;
	case CLI_KIND_UINT32:
		return o->lo >= 0 && o->hi <= (int64_t)UINT32_MAX && o->lo <= o->hi;
	case CLI_KIND_INT64:
		return o->lo <= o->hi;
	default:
		return 1;
	}
}
#endif

static const cli_opt *find(const cli_spec *spec, const char *name, size_t len)
{
	for (size_t k = 0; k < spec->nopts; k++)
		if (strlen(spec->opts[k].name) == len && memcmp(spec->opts[k].name, name, len) == 0)
			return &spec->opts[k];
	return NULL;
}

cli_status cli_parse(cli_spec *spec, int argc, char **argv, cli_error *err)
{
	unsigned char seen[CLI_MAX_OPTS] = { 0 };
	int pass = (spec->flags & CLI_PASS_UNKNOWN) != 0, only_args = 0;

	assert(spec->nopts <= CLI_MAX_OPTS);
	fail(err, CLI_E_NONE, NULL, NULL, NULL);
	spec->nargs = 0;
	for (int i = 0; i < argc; i++) {
		const char *word = argv[i], *eq = NULL, *value;
		const cli_opt *o = NULL;

		if (!only_args && strcmp(word, "--") == 0) {
			only_args = 1;
			if (!pass)
				continue;
		} else if (!only_args && word[0] == '-' && word[1] != '\0') {
			if (!pass && (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0))
				return CLI_HELP;
			eq = strchr(word, '=');
			if (word[1] == '-')
				o = find(spec, word + 2, eq ? (size_t)(eq - word - 2) : strlen(word + 2));
			if (!o && !pass)
				return fail(err, CLI_E_UNKNOWN, NULL, word, NULL);
		}
		if (!o) {
			/* a positional argument; args[nargs] is never after argv[i] */
			if (spec->nargs >= spec->maxargs)
				return fail(err, CLI_E_EXTRA, NULL, word, NULL);
			spec->args[spec->nargs++] = argv[i];
			continue;
		}
		assert(range_fits(o));
		if (seen[o - spec->opts]++ && o->kind != CLI_KIND_LIST)
			return fail(err, CLI_E_TWICE, o, word, NULL);
		if (o->kind == CLI_KIND_FLAG) {
			if (eq)
				return fail(err, CLI_E_FLAG_VALUE, o, word, eq + 1);
			value = "";
		} else if (eq) {
			value = eq + 1;
		} else if (i + 1 >= argc) {
			return fail(err, CLI_E_NO_VALUE, o, word, NULL);
		} else if (strncmp(argv[i + 1], "--", 2) == 0) {
			return fail(err, CLI_E_OPTION_VALUE, o, word, argv[i + 1]);
		} else {
			value = argv[++i];
		}
		if (!*value && o->kind != CLI_KIND_FLAG && (spec->flags & CLI_NONEMPTY))
			return fail(err, CLI_E_NO_VALUE, o, word, value);
		if (store(o, word, value, err) != CLI_OK)
			return CLI_ERROR;
	}
	return CLI_OK;
}
