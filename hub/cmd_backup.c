/*
 * cmd_backup.c - maiam-hub backup and restore: the options, the passphrase
 * and what the operator reads; the work is backup.c's. The passphrase comes
 * from --passphrase-file, or, at a terminal, is asked for without echo
 * (twice for a new backup: a typo there would seal the keys for good).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include "maiam/backupfile.h"
#include "maiam/cli.h"
#include "backup.h"
#include "ctx.h"
#include "cmd.h"
#include "i18n.h"

/* One line from the terminal on standard input, not echoed: 0, or -1
 * (nothing read, or a line longer than size). */
static int ask_line(const char *prompt, char *out, size_t size)
{
	struct termios old, quiet;
	int rc = -1, restore = 0;
	size_t n;

	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	if (fgets(out, (int)size, stdin)) {
		n = strcspn(out, "\r\n");
		if (out[n] || feof(stdin)) /* the line ended within size */
			rc = 0;
		out[n] = '\0';
	}
	if (restore)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr); /* the newline typed was not echoed */
	return rc;
}

/* The passphrase asked at the terminal (making: twice, the same both
 * times): 0, or -1 (said). */
static int ask_passphrase(int making, char *out, size_t size)
{
	char again[PROTO_PASSPHRASE_MAX];
	int rc = -1;

	if (ask_line(making ? _("Passphrase to seal the keys (at least 10 characters): ")
			    : _("Passphrase the backup's keys were sealed with: "),
		     out, size) != 0 ||
	    !*out) {
		hub_errorf(_("no passphrase was typed: type it, or give --passphrase-file FILE"));
		goto done;
	}
	if (making && strlen(out) < PROTO_PASSPHRASE_MIN) {
		hub_errorf(_("the passphrase has %zu characters: give one of at least %d"), strlen(out),
			   PROTO_PASSPHRASE_MIN);
		goto done;
	}
	if (making && (ask_line(_("The same passphrase again: "), again, sizeof(again)) != 0 ||
		       strcmp(again, out) != 0)) {
		hub_errorf(_("the two passphrases differ: nothing was written; run the backup again"));
		goto done;
	}
	rc = 0;
done:
	OPENSSL_cleanse(again, sizeof(again));
	return rc;
}

/* The passphrase from file ("-": standard input; asked for without echo
 * when that is a terminal): 0, or -1 (said). A new backup's (making) must
 * not be short. */
static int read_passphrase(const char *file, int making, char *out, size_t size)
{
	proto_result r;

	if (strcmp(file, "-") == 0 && isatty(STDIN_FILENO))
		return ask_passphrase(making, out, size);
	r = proto_passphrase_read(file, out, size);
	if (r == PROTO_EIO)
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
			   N_("the passphrase's first line ('-': standard input; asked at a terminal if not given)")),
	};
	cli_spec spec = { CLI_TABLE(options) };

	if (hub_parse_args(NULL, "", &spec, argc, argv, &rc))
		return rc;
	if (!to) {
		hub_errorf(_("backup needs --to FILE: where to write the backup"));
		return HUB_EXIT_USAGE;
	}
	if (with_keys && !pass_file && !isatty(STDIN_FILENO)) {
		hub_errorf(_("--with-keys needs --passphrase-file FILE: the keys are sealed with it"
			     " (at a terminal it is asked for)"));
		return HUB_EXIT_USAGE;
	}
	if (with_keys && !pass_file)
		pass_file = "-"; /* asked at the terminal */
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
			   N_("opens the backup's keys ('-': standard input; asked at a terminal if not given)")),
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
	if (r == HUB_REFUSED && sum.needs_passphrase && !pass_file && isatty(STDIN_FILENO)) {
		/* the keys are sealed and nothing was written: ask, and once more */
		if (ask_passphrase(0, passphrase, sizeof(passphrase)))
			return HUB_EXIT_USAGE;
		r = hub_backup_restore(file[0], dir, passphrase, &sum, err, sizeof(err));
	}
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
