/*
 * operator_cmd.c - maiam-hub operator add|list|disable|password: the
 * dashboard's operators from the command line. A new operator has a role
 * (admin, district with its district, viewer); a password is read from
 * standard input, or asked for twice without echo at a terminal.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include "maiam/cli.h"
#include "hub.h"
#include "operator.h"
#include "report_int.h"
#include "json.h"
#include "i18n.h"

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

/* One operator on a line of 'operator list': a table row, or a JSON object
 * of the array. */
typedef struct list_state {
	const proto_campaign *c;
	int json;
	int n;
	proto_buf b;
} list_state;

/* s and spaces up to its column's width (Vietnamese letters are one
 * column each, however many bytes they take). */
static int pad(proto_buf *b, const char *s, size_t width)
{
	size_t w = proto_utf8_width(s);

	return proto_buf_appendf(b, "%s%*s", s, (int)(w < width ? width - w : 1), "") ? -1 : 0;
}

static hub_result list_row(void *arg, const hub_operator *op)
{
	list_state *ls = arg;
	time_t t = (time_t)op->created + 7 * 3600; /* Vietnam time */
	const char *district = op->district ? hub_district_name(ls->c, op->district) : "-";
	char created[32] = "?";
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(created, sizeof(created), "%Y-%m-%d %H:%M", &tm);
	proto_buf_reset(&ls->b);
	if (ls->json) {
		if (proto_buf_append_str(&ls->b, ls->n ? ",\n {\"name\": " : "{\"name\": ") ||
		    hub_json_str(&ls->b, op->name) ||
		    proto_buf_appendf(&ls->b,
				      ", \"role\": \"%s\", \"district\": ", hub_role_names[op->role]) ||
		    (op->district ? proto_buf_appendf(&ls->b, "%d", op->district)
				  : proto_buf_append_str(&ls->b, "null")) ||
		    proto_buf_append_str(&ls->b, ", \"district_name\": ") ||
		    hub_json_str(&ls->b, op->district ? district : NULL) ||
		    proto_buf_appendf(&ls->b, ", \"disabled\": %s, \"created\": %lld}",
				      op->disabled ? "true" : "false", (long long)op->created))
			return HUB_ENOMEM;
	} else if (pad(&ls->b, op->name, 21) || pad(&ls->b, hub_role_names[op->role], 10) ||
		   pad(&ls->b, district, 25) ||
		   proto_buf_appendf(&ls->b, "%-9s %s\n", op->disabled ? "yes" : "-", created)) {
		return HUB_ENOMEM;
	}
	ls->n++;
	return fwrite(ls->b.data, 1, ls->b.len, stdout) == ls->b.len ? HUB_OK : HUB_EIO;
}

static int list_operators(hub_ctx *ctx, int json)
{
	list_state ls = { .c = &ctx->cfg->campaign, .json = json };
	hub_result r;

	proto_buf_init(&ls.b, 4096);
	if (json)
		printf("[");
	else
		/* column names, as --json's keys: the same in every language */
		printf("NAME                 ROLE      DISTRICT                 DISABLED  CREATED\n");
	r = hub_operator_each(ctx->db, list_row, &ls);
	if (json && r == HUB_OK)
		printf("]\n");
	proto_buf_release(&ls.b);
	if (r == HUB_OK && fflush(stdout) == 0)
		return HUB_EXIT_OK;
	hub_errorf(_("cannot list the operators: %s"),
		   r == HUB_EDB ? sqlite3_errmsg(ctx->db) : strerror(errno));
	return HUB_EXIT_FAIL;
}

static int disable_operator(hub_ctx *ctx, const char *name)
{
	bool found;

	if (hub_operator_disable(ctx->db, name, &found) != HUB_OK) {
		hub_errorf(_("cannot disable the operator: %s"), sqlite3_errmsg(ctx->db));
		return HUB_EXIT_FAIL;
	}
	if (!found) {
		hub_errorf(_("no operator '%s': see 'maiam-hub operator list'"), name);
		return HUB_EXIT_USAGE;
	}
	printf(_("operator '%s' is disabled: it cannot sign in, and its dashboard sessions are"
		 " ended\n"),
	       name);
	return HUB_EXIT_OK;
}

/* The password for add or password: 0, or an exit code (said). */
static int ask_password(const char *sub, int adding, char *pw, char *again, size_t len)
{
	if (read_password(adding ? _("password: ") : _("new password: "), pw, len)) {
		if (errno)
			hub_errorf(_("cannot read the password from standard input: %s"), strerror(errno));
		else
			hub_errorf(_("no password read: type it, or pipe one line into standard input"));
		return HUB_EXIT_USAGE;
	}
	if (isatty(STDIN_FILENO) && (read_password(_("again: "), again, len) || strcmp(pw, again) != 0)) {
		hub_errorf(_("the two passwords differ: run 'operator %s' again"), sub);
		return HUB_EXIT_USAGE;
	}
	return 0;
}

/* A new password for an existing operator (its sessions end). */
static int set_password(hub_ctx *ctx, const char *name, const char *pw)
{
	char err[512];
	hub_result r;
	bool exists;

	if (hub_operator_exists(ctx->db, name, &exists) != HUB_OK) {
		hub_errorf(_("cannot read the operators: %s"), sqlite3_errmsg(ctx->db));
		return HUB_EXIT_FAIL;
	}
	if (!exists) {
		hub_errorf(_("no operator '%s': add it with 'maiam-hub operator add %s'"), name, name);
		return HUB_EXIT_USAGE;
	}
	if ((r = hub_operator_set(ctx->db, name, pw, err, sizeof(err))) != HUB_OK) {
		hub_errorf("%s", err);
		return r == HUB_REFUSED ? HUB_EXIT_USAGE : HUB_EXIT_FAIL;
	}
	printf(_("operator '%s' has a new password; its dashboard sessions are ended\n"), name);
	return HUB_EXIT_OK;
}

/* "operator add NAME --role R [--district CODE]" makes a new operator;
 * "operator password NAME" sets a new password for one and ends all its
 * dashboard sessions; "operator disable NAME" ends them for good;
 * "operator list" shows them all. */
int hub_operator_cmd(int argc, char **argv)
{
	static const char *const subs[] = { "add", "list", "disable", "password", NULL };
	static const hub_group group = {
		"operator", subs,
		N_("operator add NAME --role admin|district|viewer|appraiser [--district CODE]; operator list"
		   " [--json]; operator disable NAME; operator password NAME; [--dir DIR]"
		   "   (passwords from standard input, or asked for without echo)")
	};
	const char *dir = hub_default_dir(), *name = NULL, *sub = argc > 1 ? argv[1] : "";
	char pw[HUB_PASSWORD_MAX + 2], again[HUB_PASSWORD_MAX + 2], err[512], *pos[1];
	int adding = strcmp(sub, "add") == 0, listing = strcmp(sub, "list") == 0;
	int role = -1, district = 0, json = 0;
	hub_ctx ctx;
	hub_result r;
	int rc = HUB_EXIT_FAIL;
	const cli_opt opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_CHOICE("role", &role, hub_role_names, "admin|district|viewer|appraiser",
			   N_("add: what the operator may do (required)")),
		CLI_INT("district", &district, 1, 999999, "CODE",
			N_("add: the district of a district operator")),
		CLI_FLAG("json", &json, N_("list: as JSON")),
	};
	cli_spec spec = { CLI_TABLE(opts), .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };

	if (hub_parse_args(&group, listing ? "" : "NAME", &spec, argc, argv, &rc))
		return rc;
	name = spec.nargs ? pos[0] : NULL;
	if (!listing && !name) {
		hub_errorf(_("operator %s needs a NAME"), sub);
		return HUB_EXIT_USAGE;
	}
	if (listing && name) {
		hub_errorf(_("operator list takes no NAME: run 'maiam-hub operator list'"));
		return HUB_EXIT_USAGE;
	}
	if ((!adding && (role >= 0 || district)) || (!listing && json)) {
		hub_errorf(_("--role and --district are for 'operator add', --json for 'operator list'"));
		return HUB_EXIT_USAGE;
	}
	if (adding && role < 0) {
		hub_errorf(_("operator add needs --role admin|district|viewer|appraiser: what may '%s' do?"),
			   name);
		return HUB_EXIT_USAGE;
	}
	memset(pw, 0, sizeof(pw));
	memset(again, 0, sizeof(again));
	if (hub_open(&ctx, dir, err, sizeof(err))) {
		hub_errorf("%s", err);
		return HUB_EXIT_FAIL;
	}
	if (listing) {
		rc = list_operators(&ctx, json);
	} else if (strcmp(sub, "disable") == 0) {
		rc = disable_operator(&ctx, name);
	} else if (adding && hub_operator_valid(&ctx.cfg->campaign, name, (hub_role)role, district, err,
						sizeof(err)) != HUB_OK) {
		/* the rules first: no password is asked for an operator that cannot be */
		hub_errorf("%s", err);
		rc = HUB_EXIT_USAGE;
	} else if ((rc = ask_password(sub, adding, pw, again, sizeof(pw))) != 0) {
		/* said */
	} else if (!adding) {
		rc = set_password(&ctx, name, pw);
	} else if ((r = hub_operator_add(ctx.db, &ctx.cfg->campaign, name, (hub_role)role, district, pw,
					 err, sizeof(err))) != HUB_OK) {
		hub_errorf("%s", err);
		rc = r == HUB_REFUSED ? HUB_EXIT_USAGE : HUB_EXIT_FAIL;
	} else {
		printf(_("operator '%s' can sign in to the dashboard\n"), name);
		rc = HUB_EXIT_OK;
	}
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(again, sizeof(again));
	hub_close(&ctx);
	return rc;
}
