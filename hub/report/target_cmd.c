/*
 * target_cmd.c - maiam-hub target set COMMUNE N [--by NAME] and target list
 * [--district CODE] [--json]: a commune's target signed as a decision
 * (target.h), and every district's communes with their targets, their sum
 * against the district's target and a warning while it is below.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "maiam/cli.h"
#include "maiam/rules.h"
#include "ctx.h"
#include "decision.h"
#include "hub.h"
#include "report_int.h"
#include "target.h"

/* A decision's stamp as the time in Vietnam (UTC+7): "2023-07-01 09:30". */
static void stamp_time(uint64_t stamp, char out[17])
{
	time_t t = (time_t)((stamp >> 16) / 1000) + 7 * 3600;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(out, 17, "%Y-%m-%d %H:%M", &tm))
		snprintf(out, 17, "?");
}

/* A whole number in 0..max from a word, or -1. */
static long long parse_count(const char *s, long long max)
{
	char *end;
	long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno || *end || v > max ? -1 : v;
}

static int list_json(const target_table *t)
{
	proto_buf b;
	char when[17];
	size_t i, j;
	int rc = -1;

	proto_buf_init(&b, HUB_REPORT_MAX_OUT);
	if (proto_buf_append_str(&b, "{\"districts\": ["))
		goto out;
	for (i = 0; i < t->ndistricts; i++) {
		const target_district *d = &t->districts[i];

		if (proto_buf_appendf(&b, "%s\n {\"code\": %d, \"name\": ", i ? "," : "", d->code) ||
		    hub_json_str(&b, d->name) ||
		    proto_buf_appendf(&b,
				      ", \"target\": %lld, \"communes_sum\": %lld, \"below\": %s,"
				      " \"communes\": [",
				      (long long)d->target, (long long)d->sum,
				      target_below(d) ? "true" : "false"))
			goto out;
		for (j = d->first; j < d->first + d->n; j++) {
			const target_commune *tc = &t->communes[j];

			if (proto_buf_appendf(&b, "%s\n  {\"code\": %d, \"name\": ",
					      j > d->first ? "," : "", tc->code) ||
			    hub_json_str(&b, tc->name))
				goto out;
			if (tc->houses < 0
				    ? proto_buf_append_str(&b, ", \"target\": null")
				    : proto_buf_appendf(&b, ", \"target\": %lld", (long long)tc->houses))
				goto out;
			stamp_time(tc->stamp, when);
			if (tc->stamp && (report_json_member(&b, "by", tc->by) ||
					  report_json_member(&b, "set_at", when)))
				goto out;
			if (proto_buf_append_byte(&b, '}'))
				goto out;
		}
		if (proto_buf_append_str(&b, "]}"))
			goto out;
	}
	if (proto_buf_append_str(&b, "]}\n"))
		goto out;
	rc = fwrite(b.data, 1, b.len, stdout) == b.len && fflush(stdout) == 0 ? 0 : -1;
out:
	if (rc)
		hub_errorf("%s", _("cannot write the list to standard output"));
	proto_buf_release(&b);
	return rc;
}

static void list_table(const target_table *t)
{
	char when[17];
	size_t i, j;

	for (i = 0; i < t->ndistricts; i++) {
		const target_district *d = &t->districts[i];

		printf(_("%d %s: target %lld houses; its communes' targets add up to %lld\n"), d->code,
		       d->name, (long long)d->target, (long long)d->sum);
		if (target_below(d))
			printf(_("  warning: %lld houses of the district's target are not given to any"
				 " commune yet\n"),
			       (long long)(d->target - d->sum));
		for (j = d->first; j < d->first + d->n; j++) {
			const target_commune *tc = &t->communes[j];

			if (tc->houses < 0) {
				printf(_("  %d %s: no target\n"), tc->code, tc->name);
				continue;
			}
			stamp_time(tc->stamp, when);
			printf(_("  %d %s: %lld houses (set by %s, %s)\n"), tc->code, tc->name,
			       (long long)tc->houses, tc->by, when);
		}
	}
}

static int target_list(const char *dir, int district, int json)
{
	char err[512];
	target_table t;
	hub_ctx ctx;
	int rc = HUB_EXIT_FAIL;

	if (hub_open(&ctx, dir, err, sizeof(err))) {
		hub_errorf("%s", err);
		return HUB_EXIT_FAIL;
	}
	if (district && !target_is_district(&ctx.cfg->campaign, district)) {
		hub_errorf(_("--district %d is not a district of the campaign: 'maiam-hub target list'"
			     " lists them all"),
			   district);
		rc = HUB_EXIT_USAGE;
		goto out;
	}
	if (target_load(ctx.db, &ctx.cfg->campaign, district, &t, err, sizeof(err)) != HUB_OK) {
		hub_errorf("%s", err);
		goto out;
	}
	if (json ? list_json(&t) == 0 : (list_table(&t), 1))
		rc = HUB_EXIT_OK;
	target_table_release(&t);
out:
	hub_close(&ctx);
	return rc;
}

static int target_set_cmd(const char *dir, const char *commune_word, const char *houses_word,
			  const char *by)
{
	char err[512], cli_operator[PROTO_OPERATOR_MAX + 1];
	long long commune = parse_count(commune_word, 999999999);
	long long houses = parse_count(houses_word, PROTO_RULE_TARGET_MAX);
	hub_ctx ctx;
	int rc = HUB_EXIT_FAIL;

	if (commune <= 0 || houses < 0) {
		hub_errorf(_("target set needs a commune's code and a number of houses 0 to %d"
			     " (0 clears the target): maiam-hub target set 31498 12"),
			   PROTO_RULE_TARGET_MAX);
		return HUB_EXIT_USAGE;
	}
	if (!by)
		by = hub_cli_operator(cli_operator, sizeof(cli_operator));
	if (hub_open(&ctx, dir, err, sizeof(err))) {
		hub_errorf("%s", err);
		return HUB_EXIT_FAIL;
	}
	switch (target_set(&ctx, by, (int)commune, houses, 0, err, sizeof(err))) {
	case HUB_OK:
		if (houses)
			printf(_("commune %lld: target %lld houses, set by %s\n"), commune, houses, by);
		else
			printf(_("commune %lld: target cleared by %s\n"), commune, by);
		rc = HUB_EXIT_OK;
		break;
	case HUB_REFUSED:
		hub_errorf("%s", err);
		rc = HUB_EXIT_USAGE;
		break;
	default:
		hub_errorf("%s", err);
		break;
	}
	hub_close(&ctx);
	return rc;
}

int hub_target_cmd(int argc, char **argv)
{
	static const char *const subs[] = { "set", "list", NULL };
	static const hub_group group = { "target", subs,
					 N_("target set COMMUNE N [--by NAME] | target list"
					    " [--district CODE] [--json] [--dir DIR]") };
	const char *dir = hub_default_dir(), *by = NULL;
	char *pos[2];
	int district = 0, json = 0, rc = HUB_EXIT_FAIL;
	const cli_opt opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_STRING("by", &by, "NAME",
			   N_("set: who gives the target, signed with it (default $USER@cli)")),
		CLI_INT("district", &district, 1, 999999, "CODE",
			N_("list: only this district's communes")),
		CLI_FLAG("json", &json, N_("list: as JSON")),
	};
	cli_spec spec = { CLI_TABLE(opts), .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };

	if (hub_parse_args(&group, "[COMMUNE N]", &spec, argc, argv, &rc))
		return rc;
	if (strcmp(argv[1], "list") == 0) {
		if (spec.nargs || by) {
			hub_errorf(_("target list takes no COMMUNE N nor --by: did you mean 'maiam-hub"
				     " target set'?"));
			return HUB_EXIT_USAGE;
		}
		return target_list(dir, district, json);
	}
	if (district || json) {
		hub_errorf(_("--district and --json apply to 'maiam-hub target list' only"));
		return HUB_EXIT_USAGE;
	}
	if (by && !hub_decision_name_ok(by)) {
		hub_errorf(_("--by must be 1 to %u bytes of UTF-8 text without control characters"),
			   PROTO_OPERATOR_MAX);
		return HUB_EXIT_USAGE;
	}
	return target_set_cmd(dir, spec.nargs > 0 ? pos[0] : NULL, spec.nargs > 1 ? pos[1] : NULL, by);
}
