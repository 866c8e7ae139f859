/*
 * cmd_report.c - maiam-hub report and reconcile resolve: parse
 * the arguments, open the hub directory, and hand over to the report code.
 * A resolution is signed with the operator's name (hub_reconcile_resolve);
 * keeping the losing value of a conflict is a new hub edit in the same
 * change-set (in the ledger, pulled by the laptops), never a rewrite.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include "maiam/cli.h"
#include "hub.h"
#include "report_int.h"
#include "xlsx.h"
#include "final.h"
#include "household_ref.h"
#include "decision.h"
#include "i18n.h"
#include "target.h"

static const char report_usage[] =
	"report progress|awards|funds|reconcile|scorecard [--format table|csv|json|html|xlsx] [--out FILE]"
	" [--json] [--as-of YYYY-MM-DD] [--by commune] [--all] [--limit N] [--page N] [--district CODE]"
	" [--dir DIR]\n"
	"       report final --out FILE.pdf [--as-of YYYY-MM-DD] | verify FILE.pdf [--key HUBKEY.pub]";

/* Open the hub (which makes the report tables if they are missing). */
static int open_hub(hub_ctx *ctx, const char *dir)
{
	char err[512];

	if (hub_open(ctx, dir, err, sizeof(err))) {
		hub_errorf("%s", err);
		return -1;
	}
	return 0;
}

/* Write a rendered report to standard output: 0, or -1 said. */
static int print_report(const proto_buf *out)
{
	if (out->len && (fwrite(out->data, 1, out->len, stdout) != out->len || fflush(stdout))) {
		hub_errorf(_("cannot write the report to standard output: %s"), strerror(errno));
		return -1;
	}
	return 0;
}

int hub_report_cmd(int argc, char **argv)
{
	/* in the order of hub_report_kind and hub_report_format */
	static const char *const kinds[] = { "progress",  "awards",    "funds",
					     "reconcile", "scorecard", NULL };
	static const char *const formats[] = { "table", "csv", "json", "html", "xlsx", NULL };
	static const char *const groupings[] = { "commune", "district", NULL };
	static const hub_group group = { "report", kinds, report_usage };
	const char *dir = hub_default_dir(), *as_of = NULL, *out_path = NULL;
	hub_report_opts o;
	proto_buf out;
	char err[512];
	hub_ctx ctx;
	int format = -1, json = 0, by = -1, rc = HUB_EXIT_FAIL;
	const cli_opt opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_CHOICE("format", &format, formats, "table|csv|json|html|xlsx",
			   N_("the output (table: in your language; csv, json, html: the same in every"
			      " language)")),
		CLI_FLAG("json", &json, N_("the same as --format json")),
		CLI_STRING("out", &out_path, "FILE",
			   N_("write the report to FILE (required with --format xlsx)")),
		CLI_STRING("as-of", &as_of, "YYYY-MM-DD", N_("the day counted to (today in Vietnam)")),
		CLI_CHOICE("by", &by, groupings, "commune|district", N_("progress: one row per commune")),
		CLI_FLAG("all", &o.all, N_("reconcile: resolved items too")),
		CLI_INT64("limit", &o.limit, 1, 1000000, "N", N_("reconcile: items per page")),
		CLI_INT64("page", &o.page, 1, 1000000000, "N", N_("reconcile: which page, from 1")),
		CLI_INT("district", &o.district, 1, 999999, "CODE",
			N_("scorecard: only this district and its communes")),
	};
	cli_spec spec = { CLI_TABLE(opts) };

	if (argc > 1 && (strcmp(argv[1], "final") == 0 || strcmp(argv[1], "verify") == 0))
		return hub_final_cmd(argc, argv); /* a PDF and its signature: final_cmd.c */
	memset(&o, 0, sizeof(o));
	if (hub_parse_args(&group, "", &spec, argc, argv, &rc))
		return rc;
	o.kind = (hub_report_kind)cli_choice(kinds, argv[1]);
	if (strcmp(argv[1], "scorecard") == 0) /* the household list, between, is no word here */
		o.kind = HUB_REPORT_SCORECARD;
	if (json)
		o.format = HUB_FMT_JSON;
	if (format >= 0)
		o.format = (hub_report_format)format;
	if (as_of && !hub_report_valid_date(as_of)) {
		hub_errorf(_("--as-of '%s' is not a date: write it as YYYY-MM-DD"), as_of);
		return HUB_EXIT_USAGE;
	}
	if (as_of)
		snprintf(o.as_of, sizeof(o.as_of), "%s", as_of);
	o.by_commune = by == 0;
	if (o.by_commune && o.kind != HUB_REPORT_PROGRESS) {
		hub_errorf(_("--by commune applies to 'report progress' only"));
		return HUB_EXIT_USAGE;
	}
	if ((o.limit || o.page) && o.kind != HUB_REPORT_RECONCILE) {
		hub_errorf(_("--limit and --page apply to 'report reconcile' only"));
		return HUB_EXIT_USAGE;
	}
	if (o.district && o.kind != HUB_REPORT_SCORECARD) {
		hub_errorf(_("--district applies to 'report scorecard' only"));
		return HUB_EXIT_USAGE;
	}
	if (hub_report_needs_out(&o, out_path))
		return HUB_EXIT_USAGE;
	if (open_hub(&ctx, dir))
		return HUB_EXIT_FAIL;
	if (o.district && !target_is_district(&ctx.cfg->campaign, o.district)) {
		hub_errorf(_("--district %d is not a district of the campaign: 'maiam-hub target list'"
			     " lists them all"),
			   o.district);
		hub_close(&ctx);
		return HUB_EXIT_USAGE;
	}
	proto_buf_init(&out, HUB_REPORT_MAX_OUT);
	if (hub_report_render(ctx.db, &ctx.cfg->campaign, &o, &out, err, sizeof(err)))
		hub_errorf("%s", err);
	else if (out_path ? hub_report_write_out(&out, out_path) == 0 : print_report(&out) == 0)
		rc = HUB_EXIT_OK;
	proto_buf_release(&out);
	hub_close(&ctx);
	return rc;
}

/*
 * An item about one household (out of order "O-", late "L-") may name it by
 * the short reference read on the phone ("O-36S0-2"): *id becomes the item's
 * own id, written into buf. 0, or -1 (said: no such household, or a ref
 * several share, with the candidates).
 */
static int household_item(hub_ctx *ctx, const char **id, char *buf, size_t buflen)
{
	char ref[HUB_REF_MAX], err[2048];
	proto_id hh;

	if (((*id)[0] != 'O' && (*id)[0] != 'L') || (*id)[1] != '-' || hub_ref_normalize(*id + 2, ref) != 0)
		return 0; /* not about a household, or its full id: looked up as it is */
	if (hub_household_name(ctx->db, *id + 2, &hh, NULL, err, sizeof(err)) != HUB_OK) {
		hub_errorf("%s", err);
		return -1;
	}
	snprintf(buf, buflen, "%c-%016llx-%llu", (*id)[0], (unsigned long long)hh.origin,
		 (unsigned long long)hh.serial);
	*id = buf;
	return 0;
}

int hub_reconcile_cmd(int argc, char **argv)
{
	static const char *const keeps[] = { "winner", "loser", NULL };
	const char *dir = hub_default_dir(), *id = NULL, *note = NULL, *keep = NULL;
	const char *by = NULL;
	char cli_operator[PROTO_OPERATOR_MAX + 1];
	static const char *const subs[] = { "resolve", NULL };
	static const hub_group group = { "reconcile", subs,
					 N_("reconcile resolve ID --note TEXT"
					    " [--keep winner|loser] [--by NAME] [--dir DIR]"
					    "   (an O- or L- item also by its household's ref: O-36S0-2)") };
	char err[512], item[64], *pos[1];
	hub_ctx ctx;
	hub_result r;
	int kept = -1, rc = HUB_EXIT_FAIL;
	const cli_opt opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_STRING("note", &note, "TEXT", N_("how it was settled (required)")),
		CLI_CHOICE("keep", &kept, keeps, "winner|loser", N_("which value stays")),
		CLI_STRING("by", &by, "NAME", N_("who settled it, signed with it (default $USER@cli)")),
	};
	cli_spec spec = { CLI_TABLE(opts), .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };

	if (hub_parse_args(&group, "ID", &spec, argc, argv, &rc))
		return rc;
	id = spec.nargs ? pos[0] : NULL;
	keep = kept >= 0 ? keeps[kept] : NULL;
	if (!id || !note || !*note) {
		hub_errorf(_("reconcile resolve needs an item ID (from 'maiam-hub report reconcile') and"
			     " --note saying how it was settled"));
		return HUB_EXIT_USAGE;
	}
	if (!by)
		by = hub_cli_operator(cli_operator, sizeof(cli_operator));
	if (strlen(note) > PROTO_MAX_TEXT || !proto_utf8_valid(note, strlen(note)) ||
	    !hub_decision_name_ok(by)) {
		hub_errorf(_("--note and --by must be UTF-8 text (note at most %u bytes, name 128)"),
			   PROTO_MAX_TEXT);
		return HUB_EXIT_USAGE;
	}
	if (open_hub(&ctx, dir))
		return HUB_EXIT_FAIL;
	if (household_item(&ctx, &id, item, sizeof(item)))
		goto out;
	r = hub_reconcile_resolve(&ctx, by, id, note, keep, err, sizeof(err));
	if (r != HUB_OK) {
		hub_errorf("%s", err);
		goto out;
	}
	if (keep) /* keep stays as typed: winner or loser */
		printf(_("%s resolved by %s; kept the %s\n"), id, by, keep);
	else
		printf(_("%s resolved by %s\n"), id, by);
	rc = HUB_EXIT_OK;
out:
	hub_close(&ctx);
	return rc;
}
