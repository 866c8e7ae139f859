/*
 * cmd_backup.c - maiam-hub backup and restore: the options, the passphrase
 * and what the operator reads; the work is backup.c's.
 */
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include "maiam/backupfile.h"
#include "maiam/cli.h"
#include "backup.h"
#include "ctx.h"
#include "cmd.h"
#include "i18n.h"

/* The passphrase from file ("-": standard input): 0, or -1 (said). A new
 * backup's (making) must not be short. */
static int read_passphrase(const char *file, int making, char *out, size_t size)
{
	proto_result r = proto_passphrase_read(file, out, size);

	if (r == PROTO_EINVAL)
		hub_errorf(_("'--passphrase-file -' reads a pipe, not the terminal, where the"
			     " passphrase would show: give a file"));
	else if (r == PROTO_EIO)
		hub_errorf(_("cannot read the passphrase file '%s': check its name and permissions"),
			   file);
	else if (r != PROTO_OK)
		hub_errorf(_("the passphrase is empty: put it on the first line of '%s'"), file);
	else if (making && strlen(out) < PROTO_PASSPHRASE_MIN)
		hub_errorf(_("the passphrase has %zu characters: give one of at least %d"), strlen(out),
			   PROTO_PASSPHRASE_MIN);
	else
		return 0;
	return -1;
}

static int exit_code(hub_result r)
{
	return r == HUB_REFUSED ? HUB_EXIT_USAGE : HUB_EXIT_FAIL;
}

int hub_cmd_backup(int argc, char **argv)
{
	const char *dir = hub_default_dir(), *to = NULL, *pass_file = NULL;
	char err[1024], passphrase[PROTO_PASSPHRASE_MAX];
	int with_keys = 0, rc;
	hub_backup_summary sum;
	hub_result r;
	const cli_opt options[] = {
		HUB_DIR_OPT(&dir),
		CLI_STRING("to", &to, "FILE", N_("the backup file to write (required)")),
		CLI_FLAG("with-keys", &with_keys, N_("include the hub's keys, sealed with a passphrase")),
		CLI_STRING("passphrase-file", &pass_file, "FILE",
			   N_("the passphrase's first line ('-': standard input)")),
	};
	cli_spec spec = { CLI_TABLE(options) };

	if (hub_parse_args(NULL, "", &spec, argc, argv, &rc))
		return rc;
	if (!to) {
		hub_errorf(_("backup needs --to FILE: where to write the backup"));
		return HUB_EXIT_USAGE;
	}
	if (with_keys && !pass_file) {
		hub_errorf(_("--with-keys needs --passphrase-file FILE: the keys are sealed with it"));
		return HUB_EXIT_USAGE;
	}
	if (with_keys && read_passphrase(pass_file, 1, passphrase, sizeof(passphrase)))
		return HUB_EXIT_USAGE;
	r = hub_backup_make(dir, to, with_keys ? passphrase : NULL, &sum, err, sizeof(err));
	OPENSSL_cleanse(passphrase, sizeof(passphrase));
	if (r != HUB_OK) {
		hub_errorf(_("no backup made: %s"), err);
		return exit_code(r);
	}
	printf(_("backup of hub %s written to %s: %lld ledger rows, %lld photos, keys %s\n"),
	       sum.hub_key_id, to, (long long)sum.ledger_rows, (long long)sum.photos,
	       sum.with_keys ? _("included (sealed with the passphrase)") : _("left out"));
	return HUB_EXIT_OK;
}

int hub_cmd_restore(int argc, char **argv)
{
	const char *dir = hub_default_dir(), *pass_file = NULL;
	char err[1024], passphrase[PROTO_PASSPHRASE_MAX], *file[1] = { NULL };
	int rc;
	hub_backup_summary sum;
	hub_result r;
	const cli_opt options[] = {
		HUB_DIR_OPT(&dir),
		CLI_STRING("passphrase-file", &pass_file, "FILE",
			   N_("opens the backup's keys ('-': standard input)")),
	};
	cli_spec spec = { CLI_TABLE(options), .args = file, .maxargs = 1 };

	if (hub_parse_args(NULL, "FILE", &spec, argc, argv, &rc))
		return rc;
	if (!file[0]) {
		hub_errorf(_("restore needs the backup file: maiam-hub restore FILE --dir DIR"));
		return HUB_EXIT_USAGE;
	}
	passphrase[0] = '\0';
	if (pass_file && read_passphrase(pass_file, 0, passphrase, sizeof(passphrase)))
		return HUB_EXIT_USAGE;
	r = hub_backup_restore(file[0], dir, *passphrase ? passphrase : NULL, &sum, err, sizeof(err));
	OPENSSL_cleanse(passphrase, sizeof(passphrase));
	if (r != HUB_OK) {
		hub_errorf(_("not restored: %s"), err);
		return exit_code(r);
	}
	printf(_("hub %s restored into %s: %lld ledger rows, %lld photos\n"), sum.hub_key_id, dir,
	       (long long)sum.ledger_rows, (long long)sum.photos);
	if (sum.keys_missing)
		printf(_("the backup has no keys: copy hub.key, ca.key and server.key of hub %s into"
			 " %s before 'maiam-hub serve', then run 'maiam-hub audit verify --dir %s'\n"),
		       sum.hub_key_id, dir, dir);
	else
		printf(_("check it with 'maiam-hub audit verify --dir %s' before serving it\n"), dir);
	return HUB_EXIT_OK;
}
