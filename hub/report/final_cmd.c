/*
 * final_cmd.c - maiam-hub report final and report verify: parse the
 * arguments, open the hub directory or the key, and hand over to final.c.
 */
#include <stdio.h>
#include <string.h>
#include "maiam/cli.h"
#include "maiam/fsutil.h"
#include "hub.h"
#include "final.h"
#include "report_int.h"
#include "i18n.h"

static const char final_usage[] = "report final --out FILE.pdf [--as-of YYYY-MM-DD] [--dir DIR]\n"
				  "       report verify FILE.pdf [--key HUBKEY.pub] [--dir DIR]";

/* The key to verify with: the PEM file given (a public key, or a private
 * one), else the hub directory's own key. NULL, said, when there is none. */
static proto_key *verify_key(const char *key_path, const char *dir)
{
	char path[4096];
	proto_buf pem;
	proto_key *key = NULL;

	if (!key_path) {
		snprintf(path, sizeof(path), "%s/%s", dir, HUB_KEY_FILE);
		if (proto_key_load_private(path, &key) != PROTO_OK)
			hub_errorf(_("no --key given and no hub key in '%s': give the hub's public key"
				     " with --key HUBKEY.pub"),
				   dir);
		return key;
	}
	proto_buf_init(&pem, 64 * 1024);
	if (proto_read_file(key_path, &pem) != PROTO_OK ||
	    (proto_key_from_public_pem((const char *)pem.data, pem.len, &key) != PROTO_OK &&
	     proto_key_load_private(key_path, &key) != PROTO_OK)) {
		hub_errorf(_("cannot read a key from '%s': give the hub's public key as PEM (for example"
			     " 'openssl pkey -in hub.key -pubout')"),
			   key_path);
		key = NULL;
	}
	proto_buf_release(&pem);
	return key;
}

static int verify(const char *pdf_path, const char *key_path, const char *dir)
{
	proto_key *key = verify_key(key_path, dir);
	hub_final_signed what;
	char err[1024], keyid[17], head[65];
	int rc = HUB_EXIT_FAIL;

	if (!key)
		return HUB_EXIT_FAIL;
	if (hub_final_verify(pdf_path, key, &what, err, sizeof(err)) != HUB_OK) {
		hub_errorf(_("%s is NOT verified: %s"), pdf_path, err);
		goto out;
	}
	proto_key_id_hex(what.key_id, keyid);
	proto_hex(what.ledger.head, 32, head);
	printf(_("%s is verified: signed by hub key %s; figures as of %s, from a ledger of %lld"
		 " change-sets (head %s)\n"),
	       pdf_path, keyid, what.as_of, (long long)what.ledger.changesets, head);
	rc = HUB_EXIT_OK;
out:
	proto_key_free(key);
	return rc;
}

int hub_final_cmd(int argc, char **argv)
{
	static const char *const subs[] = { "final", "verify", NULL };
	static const hub_group group = { "report", subs, final_usage };
	const char *dir = hub_default_dir(), *as_of = NULL, *out_path = NULL, *key_path = NULL;
	char day[11], err[1024], *pos[1];
	hub_ctx ctx;
	int rc = HUB_EXIT_FAIL, pages = 0;
	const cli_opt opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_STRING("out", &out_path, "FILE.pdf",
			   N_("final: write the report to FILE.pdf and its signature to FILE.pdf.sig")),
		CLI_STRING("as-of", &as_of, "YYYY-MM-DD",
			   N_("final: the day counted to (today in Vietnam)")),
		CLI_STRING("key", &key_path, "HUBKEY.pub",
			   N_("verify: the hub's public key (default: the key of the hub in --dir)")),
	};
	cli_spec spec = { CLI_TABLE(opts), .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };

	if (hub_parse_args(&group, "[FILE.pdf]", &spec, argc, argv, &rc))
		return rc;
	if (strcmp(argv[1], "verify") == 0) {
		if (!spec.nargs || out_path || as_of) {
			hub_errorf(_("report verify needs the report's file, and takes only --key and"
				     " --dir: maiam-hub report verify FILE.pdf [--key HUBKEY.pub]"));
			return HUB_EXIT_USAGE;
		}
		return verify(pos[0], key_path, dir);
	}
	if (!out_path || spec.nargs || key_path) {
		hub_errorf(_("report final needs --out FILE.pdf (the signature goes beside it, as"
			     " FILE.pdf.sig) and takes no other file"));
		return HUB_EXIT_USAGE;
	}
	if (as_of && !hub_report_valid_date(as_of)) {
		hub_errorf(_("--as-of '%s' is not a date: write it as YYYY-MM-DD"), as_of);
		return HUB_EXIT_USAGE;
	}
	if (as_of)
		snprintf(day, sizeof(day), "%s", as_of);
	else
		hub_report_today(day);
	if (hub_open(&ctx, dir, err, sizeof(err)) != HUB_OK) {
		hub_errorf("%s", err);
		return HUB_EXIT_FAIL;
	}
	if (hub_final_write(ctx.db, &ctx.cfg->campaign, day, ctx.cfg->key, out_path, &pages, err,
			    sizeof(err)) != HUB_OK)
		hub_errorf(_("cannot make the final report: %s"), err);
	else {
		printf(_("wrote %s (%d pages, figures as of %s) and its signature %s.sig\n"), out_path,
		       pages, day, out_path);
		rc = HUB_EXIT_OK;
	}
	hub_close(&ctx);
	hub_final_release_fonts();
	return rc;
}
