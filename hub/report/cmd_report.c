/*
 * cmd_report.c - maiam-hub report, reconcile resolve and operator add|password: parse
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
#include "household_ref.h"
#include "decision.h"
#include "i18n.h"

static const char report_usage[] =
	"report progress|awards|funds|reconcile [--format table|csv|json|html]"
	" [--json] [--as-of YYYY-MM-DD] [--by commune] [--all] [--limit N] [--page N] [--dir DIR]";

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
	static const char *const kinds[] = { "progress", "awards", "funds", "reconcile", NULL };
	static const char *const formats[] = { "table", "csv", "json", "html", NULL };
	static const char *const groupings[] = { "commune", "district", NULL };
	static const hub_group group = { "report", kinds, report_usage };
	const char *dir = hub_default_dir(), *as_of = NULL;
	hub_report_opts o;
	proto_buf out;
	char err[512];
	hub_ctx ctx;
	int format = -1, json = 0, by = -1, rc = HUB_EXIT_FAIL;
	const cli_opt opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_CHOICE("format", &format, formats, "table|csv|json|html",
			   N_("the output (table: in your language; csv, json, html: the same in every"
			      " language)")),
		CLI_FLAG("json", &json, N_("the same as --format json")),
		CLI_STRING("as-of", &as_of, "YYYY-MM-DD", N_("the day counted to (today in Vietnam)")),
		CLI_CHOICE("by", &by, groupings, "commune|district", N_("progress: one row per commune")),
		CLI_FLAG("all", &o.all, N_("reconcile: resolved items too")),
		CLI_INT64("limit", &o.limit, 1, 1000000, "N", N_("reconcile: items per page")),
		CLI_INT64("page", &o.page, 1, 1000000000, "N", N_("reconcile: which page, from 1")),
	};
	cli_spec spec = { CLI_TABLE(opts) };

	memset(&o, 0, sizeof(o));
	if (hub_parse_args(&group, "", &spec, argc, argv, &rc))
		return rc;
	o.kind = (hub_report_kind)cli_choice(kinds, argv[1]);
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
	if (open_hub(&ctx, dir))
		return HUB_EXIT_FAIL;
	proto_buf_init(&out, HUB_REPORT_MAX_OUT);
	if (hub_report_render(ctx.db, &ctx.cfg->campaign, &o, &out, err, sizeof(err)))
		hub_errorf("%s", err);
	else if (print_report(&out) == 0)
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
	    !hub_operator_name_ok(by)) {
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

/* One line of password: without echo from a terminal, else as piped in.
 * 0, or -1 with errno set when the terminal or standard input failed (0
 * when there was no line, or one too long). */
static int read_password(const char *prompt, char *out, size_t outlen)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO), rc = -1;
	size_t n;

	errno = 0; /* isatty sets it for a pipe */
	if (tty) {
		fputs(prompt, stderr);
		if (tcgetattr(STDIN_FILENO, &old) != 0)
			return -1;
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
			return -1;
	}
	if (fgets(out, (int)outlen, stdin)) {
		n = strlen(out);
		if (n && out[n - 1] == '\n')
			out[--n] = '\0';
		else if (n + 1 >= outlen)
			goto out; /* longer than any password we accept */
		if (n && out[n - 1] == '\r')
			out[--n] = '\0';
		rc = 0;
	}
out:
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	return rc;
}

/* "operator add NAME" makes a new operator; "operator password NAME" sets a
 * new password for one and ends all its dashboard sessions. */
int hub_operator_cmd(int argc, char **argv)
{
	static const char *const subs[] = { "add", "password", NULL };
	static const hub_group group = {
		"operator", subs,
		N_("operator add|password NAME [--dir DIR]"
		   "   (password from standard input, or asked for without echo)")
	};
	const char *dir = hub_default_dir(), *name = NULL, *sub = argc > 1 ? argv[1] : "";
	char pw[HUB_PASSWORD_MAX + 2], again[HUB_PASSWORD_MAX + 2], err[512], *pos[1];
	int adding = strcmp(sub, "add") == 0;
	hub_ctx ctx;
	hub_result r;
	bool exists;
	int rc = HUB_EXIT_FAIL;
	const cli_opt opts[] = { HUB_DIR_OPT(&dir) };
	cli_spec spec = { CLI_TABLE(opts), .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };

	if (hub_parse_args(&group, "NAME", &spec, argc, argv, &rc))
		return rc;
	name = spec.nargs ? pos[0] : NULL;
	if (!name) {
		hub_errorf(_("operator %s needs a NAME"), sub);
		return HUB_EXIT_USAGE;
	}
	memset(again, 0, sizeof(again));
	if (read_password(adding ? _("password: ") : _("new password: "), pw, sizeof(pw))) {
		if (errno)
			hub_errorf(_("cannot read the password from standard input: %s"), strerror(errno));
		else
			hub_errorf(_("no password read: type it, or pipe one line into standard input"));
		return HUB_EXIT_USAGE;
	}
	if (isatty(STDIN_FILENO) &&
	    (read_password(_("again: "), again, sizeof(again)) || strcmp(pw, again) != 0)) {
		hub_errorf(_("the two passwords differ: run 'operator %s' again"), sub);
		rc = HUB_EXIT_USAGE;
		goto wipe;
	}
	if (open_hub(&ctx, dir))
		goto wipe;
	if (hub_operator_exists(ctx.db, name, &exists) != HUB_OK) {
		hub_errorf(_("cannot read the operators: %s"), sqlite3_errmsg(ctx.db));
	} else if (adding && exists) {
		hub_errorf(_("operator '%s' exists: to change its password run 'maiam-hub operator"
			     " password %s'"),
			   name, name);
		rc = HUB_EXIT_USAGE;
	} else if (!adding && !exists) {
		hub_errorf(_("no operator '%s': add it with 'maiam-hub operator add %s'"), name, name);
		rc = HUB_EXIT_USAGE;
	} else if ((r = hub_operator_set(ctx.db, name, pw, err, sizeof(err))) != HUB_OK) {
		hub_errorf("%s", err);
		rc = r == HUB_REFUSED ? HUB_EXIT_USAGE : HUB_EXIT_FAIL;
	} else {
		if (adding)
			printf(_("operator '%s' can sign in to the dashboard\n"), name);
		else
			printf(_("operator '%s' has a new password; its dashboard sessions are ended\n"),
			       name);
		rc = HUB_EXIT_OK;
	}
	hub_close(&ctx);
wipe:
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(again, sizeof(again));
	return rc;
}
