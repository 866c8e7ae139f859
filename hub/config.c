/*
 * config.c - a command's settings from its configuration file and the
 * environment (config.h). Each value becomes the word "--key=value" and goes
 * through cli_parse with a one-entry table, so the file, the environment and
 * the command line accept exactly the same values.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "maiam/alloc.h"
#include "maiam/buf.h"
#include "maiam/fsutil.h"
#include "config.h"
#include "ctx.h"
#include "i18n.h"

#define CONFIG_MAX_BYTES (64u << 10) /* a few dozen lines; more is not a configuration */

/* Whether the file and the environment may set this option. */
static int settable(const cli_opt *o, const char *const *skip)
{
	if (o->kind == CLI_KIND_FLAG || o->kind == CLI_KIND_LIST)
		return 0;
	return !skip || cli_choice(skip, o->name) < 0;
}

static int find_opt(const hub_settings *s, const char *name, size_t len)
{
	for (size_t i = 0; i < s->nopts; i++)
		if (strlen(s->opts[i].name) == len && memcmp(s->opts[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* "--name=value" as a word s owns (cli_parse borrows string values). */
static char *own_word(hub_settings *s, const char *name, const char *value, size_t vlen)
{
	size_t len = strlen(name) + vlen + 4;
	char **grown, *w = proto_malloc(len);

	if (!w)
		return NULL;
	snprintf(w, len, "--%s=%.*s", name, (int)vlen, value);
	grown = proto_realloc(s->words, (s->nwords + 1) * sizeof(*grown));
	if (!grown) {
		free(w);
		return NULL;
	}
	s->words = grown;
	s->words[s->nwords++] = w;
	return w;
}

/* Set option i from value; where names the file and line or the variable
 * for a refusal. HUB_OK, HUB_REFUSED or HUB_ENOMEM (err said). */
static hub_result set_value(hub_settings *s, int i, const char *value, size_t vlen, const char *where,
			    char *err, size_t errlen)
{
	const cli_opt *o = &s->opts[i];
	cli_spec one = { .opts = o, .nopts = 1, .flags = CLI_NONEMPTY };
	char *word = own_word(s, o->name, value, vlen), choices[256];
	cli_error e;

	if (!word) {
		snprintf(err, errlen, _("out of memory reading the settings"));
		return HUB_ENOMEM;
	}
	if (cli_parse(&one, 1, &word, &e) == CLI_OK)
		return HUB_OK;
	if (e.code == CLI_E_NOT_INT)
		snprintf(err, errlen, _("%s: '%s' for '%s' is not a number from %lld to %lld"), where,
			 e.value, o->name, (long long)o->lo, (long long)o->hi);
	else if (e.code == CLI_E_CHOICE)
		snprintf(err, errlen, _("%s: '%s' for '%s' is not one of %s"), where, e.value, o->name,
			 cli_choices_join(o->choices, choices, sizeof(choices)));
	else
		snprintf(err, errlen, _("%s: '%s' needs a value"), where, o->name);
	return HUB_REFUSED;
}

static const char *trim(const char *p, const char *end, size_t *len)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*len = (size_t)(end - p);
	return p;
}

/* One line of the file, number n: blank, a comment or "key = value". */
static hub_result file_line(hub_settings *s, const char *const *skip, const char *line, const char *end,
			    unsigned n, char *err, size_t errlen)
{
	const char *eq = memchr(line, '=', (size_t)(end - line)), *key, *value;
	size_t klen, vlen;
	char where[PATH_MAX + 32];
	int i;

	key = trim(line, end, &klen);
	if (klen == 0 || *key == '#')
		return HUB_OK;
	snprintf(where, sizeof(where), "%s:%u", s->file, n);
	if (!eq) {
		snprintf(err, errlen, _("%s: '%.*s' is not 'key = value'"), where, (int)klen, key);
		return HUB_REFUSED;
	}
	key = trim(line, eq, &klen);
	value = trim(eq + 1, end, &vlen);
	i = find_opt(s, key, klen);
	if (i < 0 || !settable(&s->opts[i], skip)) {
		snprintf(err, errlen,
			 _("%s: unknown key '%.*s': the keys are the options of 'maiam-hub serve"
			   " --help' without their '--'"),
			 where, (int)klen, key);
		return HUB_REFUSED;
	}
	if (s->from[i].origin == HUB_FROM_FILE) {
		snprintf(err, errlen, _("%s: '%.*s' was already set on line %u: keep one of the two"),
			 where, (int)klen, key, s->from[i].line);
		return HUB_REFUSED;
	}
	if (s->from[i].origin == HUB_FROM_DEFAULT) {
		s->from[i].origin = HUB_FROM_FILE;
		s->from[i].line = n;
	}
	return set_value(s, i, value, vlen, where, err, errlen);
}

static hub_result read_file(hub_settings *s, const char *const *skip, char *err, size_t errlen)
{
	proto_buf text;
	const char *p, *end, *nl;
	unsigned n = 0;
	hub_result rc = HUB_OK;

	proto_buf_init(&text, CONFIG_MAX_BYTES);
	if (proto_read_file(s->file, &text) != PROTO_OK) {
		errno = proto_errno() ? proto_errno() : EFBIG;
		rc = hub_eio(err, errlen, _("cannot read the configuration file"), s->file,
			     _("give another with --config FILE"));
		goto done;
	}
	p = (const char *)text.data;
	end = p + text.len;
	while (rc == HUB_OK && p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		rc = file_line(s, skip, p, nl, ++n, err, errlen);
		p = nl + 1;
	}
done:
	proto_buf_release(&text);
	return rc;
}

/* The variable of o: MAIAM_HUB_MAX_CONNS for max-conns. */
static const char *env_name(const cli_opt *o, char *var, size_t size)
{
	size_t n = (size_t)snprintf(var, size, "%s", HUB_CONFIG_ENV_PREFIX), k;

	for (k = 0; o->name[k] && n + 1 < size; k++, n++) {
		char c = o->name[k];
		var[n] = c == '-' ? '_' : (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
	}
	var[n] = '\0';
	return var;
}

/* The environment's values, over the file's. */
static hub_result read_env(hub_settings *s, const char *const *skip, char *err, size_t errlen)
{
	char var[96];
	const char *v;
	hub_result rc;

	for (size_t i = 0; i < s->nopts; i++) {
		if (!settable(&s->opts[i], skip))
			continue;
		v = getenv(env_name(&s->opts[i], var, sizeof(var)));
		if (!v || !*v) /* an empty variable is an unset one, as $MAIAM_HUB_DIR always was */
			continue;
		rc = set_value(s, (int)i, v, strlen(v), var, err, errlen);
		if (rc != HUB_OK)
			return rc;
		s->from[i].origin = HUB_FROM_ENV;
	}
	return HUB_OK;
}

/* The options argv names (words before "--" that start with "--") are
 * the command line's; --config's value, if given, in *config. */
static void scan_args(hub_settings *s, int argc, char **argv, const char **config)
{
	for (int a = 1; a < argc; a++) {
		const char *w = argv[a], *eq;
		size_t len;
		int i;

		if (strcmp(w, "--") == 0)
			break;
		if (strncmp(w, "--", 2) != 0)
			continue;
		eq = strchr(w, '=');
		len = eq ? (size_t)(eq - w - 2) : strlen(w + 2);
		if (len == 6 && strncmp(w + 2, "config", 6) == 0)
			*config = eq ? eq + 1 : (a + 1 < argc ? argv[a + 1] : NULL);
		if ((i = find_opt(s, w + 2, len)) >= 0)
			s->from[i].origin = HUB_FROM_ARGS;
	}
}

hub_result hub_settings_load(hub_settings *s, const cli_opt *opts, size_t nopts, const char *const *skip,
			     int argc, char **argv, char *err, size_t errlen)
{
	const char *config = NULL, *env = getenv(HUB_CONFIG_ENV);
	hub_setting_origin given[CLI_MAX_OPTS];
	hub_result rc = HUB_OK;

	memset(s, 0, sizeof(*s));
	s->opts = opts;
	s->nopts = nopts < CLI_MAX_OPTS ? nopts : CLI_MAX_OPTS;
	scan_args(s, argc, argv, &config);
	for (size_t i = 0; i < s->nopts; i++) {
		given[i] = s->from[i].origin;
		s->from[i].origin = HUB_FROM_DEFAULT;
	}
	if (!config && env && *env)
		config = env;
	if (!config && access(HUB_CONFIG_DEFAULT, F_OK) == 0)
		config = HUB_CONFIG_DEFAULT;
	if (config && *config) {
		if ((size_t)snprintf(s->file, sizeof(s->file), "%s", config) >= sizeof(s->file)) {
			snprintf(err, errlen, _("the configuration file's name is too long: '%s'"),
				 config);
			return HUB_REFUSED;
		}
		rc = read_file(s, skip, err, errlen);
	}
	if (rc == HUB_OK)
		rc = read_env(s, skip, err, errlen);
	for (size_t i = 0; i < s->nopts; i++)
		if (given[i] == HUB_FROM_ARGS)
			s->from[i].origin = HUB_FROM_ARGS;
	return rc;
}

static void print_value(const cli_opt *o, FILE *f)
{
	int64_t v = 0;

	if (o->kind == CLI_KIND_STRING)
		fputs(*o->to.str ? *o->to.str : "", f);
	else if (o->kind == CLI_KIND_CHOICE)
		fputs(o->choices[*o->to.i], f);
	if (o->kind == CLI_KIND_STRING || o->kind == CLI_KIND_CHOICE)
		return;
	if (o->kind == CLI_KIND_INT)
		v = *o->to.i;
	else if (o->kind == CLI_KIND_INT64)
		v = *o->to.i64;
	else if (o->kind == CLI_KIND_SIZE)
		v = (int64_t)*o->to.size; /* each size option's range fits */
	else if (o->kind == CLI_KIND_UINT32)
		v = *o->to.u32;
	fprintf(f, "%" PRId64, v);
}

void hub_settings_print(const hub_settings *s, const char *const *skip, FILE *f)
{
	char var[96];

	fprintf(f, "# %s %s\n", _("configuration file:"), *s->file ? s->file : _("none"));
	for (size_t i = 0; i < s->nopts; i++) {
		const cli_opt *o = &s->opts[i];

		if (!settable(o, skip))
			continue;
		fprintf(f, "%s = ", o->name);
		print_value(o, f);
		switch (s->from[i].origin) {
		case HUB_FROM_DEFAULT:
			fprintf(f, "   # %s\n", _("default"));
			break;
		case HUB_FROM_FILE:
			fprintf(f, "   # %s:%u\n", s->file, s->from[i].line);
			break;
		case HUB_FROM_ENV:
			fprintf(f, "   # $%s\n", env_name(o, var, sizeof(var)));
			break;
		case HUB_FROM_ARGS:
			fprintf(f, "   # %s\n", _("command line"));
			break;
		}
	}
}

hub_result hub_settings_check(const hub_settings *s, const char *const *skip, const char *dir, FILE *f,
			      char *err, size_t errlen)
{
	char db[PATH_MAX];

	hub_settings_print(s, skip, f);
	if ((size_t)snprintf(db, sizeof(db), "%s/%s", dir, HUB_DB_FILE) < sizeof(db) &&
	    access(db, R_OK) == 0)
		return HUB_OK;
	snprintf(err, errlen,
		 _("the settings are valid but '%s' holds no hub: set 'dir' to the hub's directory, or"
		   " run 'maiam-hub init --dir %s'"),
		 dir, dir);
	return HUB_REFUSED;
}

void hub_settings_free(hub_settings *s)
{
	for (size_t i = 0; i < s->nwords; i++)
		free(s->words[i]);
	free(s->words);
	s->words = NULL;
	s->nwords = 0;
}
