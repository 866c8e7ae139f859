/*
 * cmd_backup.c - "backup --to DIR" and "restore DIR": the laptop's store,
 * photos and key (sealed with a passphrase) to a folder on a USB stick and
 * back onto a new laptop (backup.c does the work). A laptop that dies
 * before its sync loses nothing; if the old one comes back and records
 * too, the hub sees two histories of one key and refuses the later one.
 */
#include <string.h>
#include <openssl/crypto.h>
#include "maiam/backupfile.h"
#include "backup.h"
#include "cmds.h"

static void backup_help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent backup --to DIR --passphrase-file FILE\n\n"
		  "Copies the store, the photos and the laptop's key into the folder DIR\n"
		  "(a USB stick); the key is sealed with the passphrase on the first line\n"
		  "of FILE ('-': standard input), at least 10 characters. Keep the\n"
		  "passphrase apart from the stick. 'maiam-agent restore DIR' puts it\n"
		  "back on another laptop.\n"));
}

static void restore_help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent restore DIR --passphrase-file FILE [--home DIR]\n\n"
		  "Restores a backup made by 'maiam-agent backup' into an empty home, the\n"
		  "key opened with the passphrase it was sealed with. Then sync. Never use\n"
		  "the old laptop again: the hub refuses a second history of the same key.\n"));
}

/* The passphrase: 0, or -1 (said). */
static int passphrase_of(const char *file, int making, char *out, size_t size)
{
	proto_result r;

	if (!file) {
		agent_err(_("--passphrase-file FILE is required: the laptop's key is sealed with the"
			    " passphrase on its first line"));
		return -1;
	}
	switch ((r = proto_passphrase_read(file, out, size))) {
	case PROTO_OK:
		if (!making || strlen(out) >= PROTO_PASSPHRASE_MIN)
			return 0;
		agent_err(_("the passphrase has %zu characters: give one of at least %d"), strlen(out),
			  PROTO_PASSPHRASE_MIN);
		return -1;
	case PROTO_EINVAL:
		agent_err(_("'--passphrase-file -' reads a pipe, not the terminal, where the passphrase"
			    " would show: give a file"));
		return -1;
	case PROTO_EIO:
		agent_err(_("cannot read the passphrase file '%s': %s"), file, proto_cause(r));
		return -1;
	default:
		agent_err(_("the passphrase is empty: put it on the first line of '%s'"), file);
		return -1;
	}
}

/* A backup of the home into dir (restoring 0), or a restore of the backup
 * in dir into the home (1), with the passphrase of pass_file; what it did
 * said as JSON or a sentence. An exit code. */
static int run(agent_ctx *ctx, int restoring, const char *dir, const char *pass_file)
{
	char passphrase[PROTO_PASSPHRASE_MAX];
	agent_backup_count n;
	int rc;

	if (passphrase_of(pass_file, !restoring, passphrase, sizeof passphrase))
		return AGENT_USAGE;
	rc = restoring ? agent_backup_restore(ctx, dir, passphrase, &n)
		       : agent_backup_write(ctx, dir, passphrase, &n);
	OPENSSL_cleanse(passphrase, sizeof passphrase);
	if (rc != AGENT_OK)
		return rc;
	if (ctx->json)
		fprintf(ctx->out, "{\"key_id\":\"%s\",\"files\":%u,\"photos\":%u,\"keys\":%u}\n",
			n.key_id, n.files, n.photos, n.keys);
	else
		fprintf(ctx->out,
			restoring ? _("restored laptop %s into %s: the store and %u other files, %u"
				      " photos, %u keys; sync now, and do not use the old laptop again\n")
				  : _("backed up laptop %s to %s: the store and %u other files, %u photos,"
				      " %u keys (sealed with the passphrase)\n"),
			n.key_id, restoring ? ctx->home : dir, n.files - 1, n.photos, n.keys);
	return AGENT_OK;
}

int agent_cmd_backup(agent_ctx *ctx, int argc, char **argv)
{
	const char *to = NULL, *pass_file = NULL;
	const cli_opt opts[] = { CLI_STRING("to", &to, "DIR", NULL),
				 CLI_STRING("passphrase-file", &pass_file, "FILE", NULL) };
	cli_spec spec = { CLI_TABLE(opts) };
	int rc;

	if (agent_parse_args(ctx, "backup", &spec, backup_help, argc, argv, &rc))
		return rc;
	if (!to) {
		agent_err(_("--to DIR is required; e.g. 'maiam-agent backup --to /media/usb/sao-luu"
			    " --passphrase-file -'"));
		return AGENT_USAGE;
	}
	return run(ctx, 0, to, pass_file);
}

int agent_cmd_restore(agent_ctx *ctx, int argc, char **argv)
{
	const char *pass_file = NULL;
	char *dir[1] = { NULL };
	const cli_opt opts[] = { CLI_STRING("passphrase-file", &pass_file, "FILE", NULL) };
	cli_spec spec = { CLI_TABLE(opts), .args = dir, .maxargs = 1 };
	int rc;

	if (agent_parse_operands(ctx, "restore", &spec, restore_help, argc, argv,
				 _("restore needs the backup's folder; e.g. 'maiam-agent restore"
				   " /media/usb/sao-luu --passphrase-file -'"),
				 &rc))
		return rc;
	if (agent_home_ready(ctx) != AGENT_OK)
		return AGENT_FAIL;
	return run(ctx, 1, dir[0], pass_file);
}
