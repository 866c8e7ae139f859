/*
 * ctx.c - opening an initialised hub directory (database, hub key, campaign)
 * and the small helpers every command shares: paths, errors, number parsing.
 */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctx.h"
#include "schema.h"
#include "store.h"
#include "ingest.h"

void hub_errorf(const char *fmt, ...)
{
	va_list ap;

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

int hub_parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int hub_parse_keyid(const char *s, uint64_t *out)
{
	if (!s || strlen(s) != 16)
		return -1;
	return proto_key_id_parse(s, out);
}

int hub_open(hub_ctx *ctx, const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX], campaign_path[PATH_MAX], perr[256];
	proto_result r;
	hub_config *cfg;
	int rc = -1;

	memset(ctx, 0, sizeof(*ctx));
	cfg = proto_calloc(1, sizeof(*cfg));
	if (!cfg) {
		snprintf(err, errlen, "out of memory opening the hub in '%s'", dir);
		return -1;
	}
	ctx->cfg = ctx->owned = cfg;
	hub_limits_default(&cfg->limits);
	if ((size_t)snprintf(cfg->dir, sizeof(cfg->dir), "%s", dir) >= sizeof(cfg->dir)) {
		snprintf(err, errlen, "hub directory path '%s' is too long", dir);
		goto fail;
	}
	if (hub_path(ctx, HUB_DB_FILE, path, sizeof(path)))
		goto toolong;
	/* proto_db_open would create an empty database: refuse a directory that
	 * was never initialised instead of serving from nothing */
	{
		FILE *f = fopen(path, "rb");
		if (!f) {
			snprintf(err, errlen, "no hub in '%s': run 'maiam-hub init --dir %s' first",
				 dir, dir);
			goto fail;
		}
		fclose(f);
	}
	r = proto_db_open(path, &ctx->db);
	if (r != PROTO_OK) {
		snprintf(err, errlen, "cannot open '%s': %s", path, proto_strerror(r));
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
		snprintf(err, errlen, "cannot load hub key '%s': %s", path, proto_strerror(r));
		goto fail;
	}
	cfg->key_id = proto_key_id(cfg->key);
	if (hub_meta_get(ctx->db, "campaign_id", cfg->campaign_id, sizeof(cfg->campaign_id)) != 1 ||
	    hub_meta_get(ctx->db, "campaign_path", campaign_path, sizeof(campaign_path)) != 1) {
		snprintf(err, errlen, "hub in '%s' has no campaign: run 'maiam-hub init' again", dir);
		goto fail;
	}
	r = proto_campaign_load(campaign_path, &cfg->campaign, perr, sizeof(perr));
	if (r != PROTO_OK) {
		snprintf(err, errlen, "cannot load campaign: %s", perr);
		goto fail;
	}
	cfg->have_campaign = 1;
	if (strcmp(cfg->campaign.id, cfg->campaign_id) != 0) {
		snprintf(err, errlen, "campaign file '%s' now has id '%s' but the hub serves '%s'",
			 campaign_path, cfg->campaign.id, cfg->campaign_id);
		goto fail;
	}
	rc = 0;
	return rc;
toolong:
	snprintf(err, errlen, "hub directory path '%s' is too long", dir);
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
		       proto_units_district_of(&ctx->cfg->campaign.units, (int)commune) ==
			       scope->code;
	}
	return 0;
}

const char *hub_default_dir(void)
{
	const char *d = getenv("MAIAM_HUB_DIR");
	return d && *d ? d : ".";
}

int hub_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
	if (strcmp(argv[*i], name) != 0)
		return 0;
	if (*i + 1 >= argc || !argv[*i + 1][0]) {
		hub_errorf("option '%s' needs a value", name);
		*value = NULL;
		return -1;
	}
	*value = argv[++*i];
	return 1;
}

int hub_parse_household_id(const char *s, proto_id *out)
{
	long serial;

	if (!s || strlen(s) < 18 || s[16] != '-')
		return -1;
	if (proto_key_id_parse(s, &out->origin) || hub_parse_int(s + 17, 1, 0x7fffffffffffffffL, &serial))
		return -1;
	out->serial = (uint64_t)serial;
	return 0;
}
