/*
 * ctx.c - opening an initialised hub directory (database, hub key, campaign)
 * and the small helpers every command shares: paths, errors, the commands'
 * side of the option parser (maiam/cli.h).
 */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "maiam/cli.h"
#include "ctx.h"
#include "browse_schema.h"
#include "schema.h"
#include "store.h"
#include "ingest.h"
#include "i18n.h"
#include "log.h"

void hub_errorf(const char *fmt, ...)
{
	va_list ap;

	if (hub_log_active()) { /* serve: a log line (log.h) */
		va_start(ap, fmt);
		hub_vlogf(HUB_LOG_ERROR, "message", fmt, ap);
		va_end(ap);
		return;
	}
	fputs("maiam-hub: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int hub_path(const hub_ctx *ctx, const char *name, char *out, size_t outlen)
{
	int n;

	assert(ctx->cfg); /* hub_open's, or the caller's own (init) */
	n = snprintf(out, outlen, "%s/%s", ctx->cfg->dir, name);
	return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

int hub_parse_keyid(const char *s, uint64_t *out)
{
	if (!s || strlen(s) != 16)
		return -1;
	return proto_key_id_parse(s, out);
}

hub_result hub_open(hub_ctx *ctx, const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX], campaign_path[PATH_MAX], perr[256];
	proto_result r;
	hub_config *cfg;
	bool found;
	hub_result rc = HUB_REFUSED;

	memset(ctx, 0, sizeof(*ctx));
	cfg = proto_calloc(1, sizeof(*cfg));
	if (!cfg) {
		snprintf(err, errlen, _("out of memory opening the hub in '%s'"), dir);
		return HUB_ENOMEM;
	}
	ctx->cfg = ctx->owned = cfg;
	hub_limits_default(&cfg->limits);
	if ((size_t)snprintf(cfg->dir, sizeof(cfg->dir), "%s", dir) >= sizeof(cfg->dir) ||
	    hub_path(ctx, HUB_DB_FILE, path, sizeof(path)))
		goto toolong;
	/* proto_db_open would create an empty database: refuse a directory that
	 * was never initialised instead of serving from nothing. Checked without
	 * opening it: closing any descriptor of the file drops every POSIX lock
	 * this process holds on it, those of its other SQLite connections too
	 * (the dashboard opens the hub inside serve) */
	if (access(path, R_OK) != 0) {
		if (errno == ENOENT)
			snprintf(err, errlen, _("no hub in '%s': run 'maiam-hub init --dir %s' first"),
				 dir, dir);
		else
			rc = hub_eio(err, errlen, _("cannot read the hub database"), path,
				     _("check its permissions"));
		goto fail;
	}
	rc = HUB_EDB;
	r = proto_db_open(path, &ctx->db);
	if (r != PROTO_OK) {
		snprintf(err, errlen, _("cannot open '%s': %s"), path, proto_strerror(r));
		goto fail;
	}
	if (hub_schema_install(ctx->db, perr, sizeof(perr))) {
		snprintf(err, errlen, "'%s': %s", path, perr);
		goto fail;
	}
	if (hub_path(ctx, HUB_KEY_FILE, path, sizeof(path)))
		goto toolong;
	r = proto_key_load_private(path, &cfg->key);
	if (r != PROTO_OK) {
		snprintf(err, errlen, _("cannot load hub key '%s': %s"), path, proto_strerror(r));
		rc = r == PROTO_EIO ? HUB_EIO : HUB_ECRYPTO;
		goto fail;
	}
	cfg->key_id = proto_key_id(cfg->key);
	if (hub_meta_get(ctx->db, "campaign_id", cfg->campaign_id, sizeof(cfg->campaign_id), &found) !=
		    HUB_OK ||
	    !found ||
	    hub_meta_get(ctx->db, "campaign_path", campaign_path, sizeof(campaign_path), &found) != HUB_OK ||
	    !found) {
		snprintf(err, errlen, _("hub in '%s' has no campaign: run 'maiam-hub init' again"), dir);
		goto fail;
	}
	/* the file init was given, moved or taken away since: said whole in
	 * the operator's language (proto's loader speaks English, for the
	 * one who writes campaign files), with the way back */
	if (access(campaign_path, R_OK) != 0) {
		char way_out[PATH_MAX + 160];
		int why = errno;

		if (why == EACCES)
			snprintf(way_out, sizeof(way_out), "%s", _("check its permissions"));
		else
			snprintf(way_out, sizeof(way_out),
				 _("put it back, or tell the hub where it is now with 'maiam-hub init"
				   " --dir %s --campaign FILE' (the hub's data and key stay)"),
				 dir);
		errno = why;
		rc = hub_eio(err, errlen, _("cannot read the campaign file this hub was set up with"),
			     campaign_path, way_out);
		goto fail;
	}
	rc = HUB_REFUSED;
	r = proto_campaign_load(campaign_path, &cfg->campaign, perr, sizeof(perr));
	if (r != PROTO_OK) {
		snprintf(err, errlen, _("cannot load campaign: %s"), perr);
		goto fail;
	}
	cfg->have_campaign = 1;
	if (strcmp(cfg->campaign.id, cfg->campaign_id) != 0) {
		snprintf(err, errlen, _("campaign file '%s' now has id '%s' but the hub serves '%s'"),
			 campaign_path, cfg->campaign.id, cfg->campaign_id);
		goto fail;
	}
	/* the browser's flags judged by this campaign's deadline and evidence
	 * stages; busy or failing, the browser judges by the rules (exact) */
	(void)hub_browse_flags_basis(ctx->db, &cfg->campaign);
	return HUB_OK;
toolong:
	snprintf(err, errlen, _("hub directory path '%s' is too long"), dir);
	rc = HUB_REFUSED;
fail:
	hub_close(ctx);
	return rc;
}

void hub_close(hub_ctx *ctx)
{
	hub_config *cfg = ctx->owned;

	if (ctx->db)
		sqlite3_close(ctx->db);
	ctx->db = NULL;
	ctx->cfg = ctx->owned = NULL;
	if (!cfg)
		return;
	proto_key_free(cfg->key);
	if (cfg->have_campaign)
		proto_campaign_release(&cfg->campaign);
	free(cfg);
}

int hub_in_scope(const hub_ctx *ctx, const hub_scope *scope, int64_t commune)
{
	if (commune <= 0 || commune > 0x7fffffff)
		return 0;
	if (scope->kind == HUB_SCOPE_COMMUNE)
		return commune == scope->code;
	if (scope->kind == HUB_SCOPE_DISTRICT) {
		const proto_unit *u = proto_units_find(&ctx->cfg->campaign.units, (int)commune);
		return u && u->level == PROTO_UNIT_COMMUNE &&
		       proto_units_district_of(&ctx->cfg->campaign.units, (int)commune) == scope->code;
	}
	return 0;
}

const char *hub_default_dir(void)
{
	const char *d = getenv("MAIAM_HUB_DIR");
	return d && *d ? d : ".";
}

/* --help: the usage line, then one line per option. The option names stay
 * as typed; their help is translated where the command's table marked it
 * N_() (gettext gives an unmarked one back as it is). */
static void show_help(const char *cmd, const char *operands, const cli_spec *spec)
{
	char line[1024], opt[64];

	printf(_("usage: maiam-hub %s %s%s%s\n"), cmd,
	       cli_usage(spec->opts, spec->nopts, line, sizeof(line)), *operands ? " " : "", operands);
	for (size_t i = 0; i < spec->nopts; i++) {
		const cli_opt *o = &spec->opts[i];

		snprintf(opt, sizeof(opt), "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		/* never gettext(""): that is the catalogue's header */
		printf("  %-26s %s\n", opt, o->help && *o->help ? _(o->help) : "");
	}
}

/* One line on stderr for a parse mistake, with the usage where it helps. */
static void say(const char *cmd, const char *operands, const cli_spec *spec, const cli_error *e)
{
	const char *name = e->opt ? e->opt->name : "";
	char line[1024];

	switch (e->code) {
	case CLI_E_UNKNOWN:
	case CLI_E_EXTRA:
		hub_errorf(e->code == CLI_E_UNKNOWN ? _("unknown option '%s' for '%s': usage: maiam-hub"
							" %s %s%s%s")
						    : _("unexpected argument '%s' for '%s': usage:"
							" maiam-hub %s %s%s%s"),
			   e->word, cmd, cmd, cli_usage(spec->opts, spec->nopts, line, sizeof(line)),
			   *operands ? " " : "", operands);
		break;
	case CLI_E_TWICE:
		hub_errorf(_("option '--%s' given twice: give it once"), name);
		break;
	case CLI_E_FLAG_VALUE:
		hub_errorf(_("option '--%s' takes no value: remove '=%s'"), name, e->value);
		break;
	case CLI_E_NO_VALUE:
		hub_errorf(_("option '--%s' needs a value"), name);
		break;
	case CLI_E_OPTION_VALUE:
		hub_errorf(_("option '--%s' needs a value, not the option '%s': for a value that starts"
			     " with '--' write '--%s=%s'"),
			   name, e->value, name, e->value);
		break;
	case CLI_E_NOT_INT:
		hub_errorf(_("'%s' for '--%s' is not a number from %lld to %lld"), e->value, name,
			   (long long)e->opt->lo, (long long)e->opt->hi);
		break;
	case CLI_E_CHOICE:
		hub_errorf(_("--%s '%s' is not one of %s"), name, e->value,
			   cli_choices_join(e->opt->choices, line, sizeof(line)));
		break;
	case CLI_E_LIST_FULL:
		hub_errorf(_("at most %zu --%s values"), e->opt->to.list->max, name);
		break;
	case CLI_E_NONE:
		break;
	}
}

int hub_parse_args(const hub_group *group, const char *operands, cli_spec *spec, int argc, char **argv,
		   int *exit_code)
{
	char cmd[64];
	cli_error err;
	cli_status st;

	if (group && (argc < 2 || cli_choice(group->subs, argv[1]) < 0)) {
		hub_errorf(_("usage: maiam-hub %s"), _(group->usage));
		*exit_code = HUB_EXIT_USAGE;
		return 1;
	}
	if (group) {
		snprintf(cmd, sizeof(cmd), "%s %s", group->name, argv[1]);
		argc--;
		argv++;
	} else {
		snprintf(cmd, sizeof(cmd), "%s", argv[0]);
	}
	spec->flags |= CLI_NONEMPTY;
	st = cli_parse(spec, argc - 1, argv + 1, &err);
	if (st == CLI_OK)
		return 0;
	if (st == CLI_HELP) {
		show_help(cmd, operands, spec);
		*exit_code = HUB_EXIT_OK;
	} else {
		say(cmd, operands, spec, &err);
		*exit_code = HUB_EXIT_USAGE;
	}
	return 1;
}

int hub_parse_household_id(const char *s, proto_id *out)
{
	int64_t serial;

	if (!s || strlen(s) < 18 || s[16] != '-')
		return -1;
	if (proto_key_id_parse(s, &out->origin) || cli_parse_int(s + 17, 1, INT64_MAX, &serial))
		return -1;
	out->serial = (uint64_t)serial;
	return 0;
}
