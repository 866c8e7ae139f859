/*
 * cmd_export.c - "export --out FILE": seal every pending change into signed
 * change-sets (one transaction: outbox -> sealed), then write every sealed
 * change-set the hub has not acknowledged to FILE as a bundle, atomically.
 * Exporting again without new changes seals nothing and writes the same
 * change-sets; they stay pending until a hub acknowledges them.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include "maiam/bundle.h"
#include "agent.h"
#include "cmds.h"
#include "store.h"

static void help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent export --out FILE [--json]\n\n"
		  "Seals the pending changes into signed change-sets and writes every\n"
		  "change-set not yet acknowledged by the hub to FILE, for a USB stick.\n"
		  "Import it on the hub with 'maiam-hub import FILE'.\n"));
}

/* What to do when the file could not be written, by what stopped it (the
 * cause itself, strerror's words, is said before this). */
static const char *write_advice(proto_result r)
{
	switch (r == PROTO_EIO ? proto_errno() : 0) {
	case ENOSPC:
	case EDQUOT:
	case EFBIG: /* the file is larger than the stick's file system allows (FAT: 4 GiB) */
		return _("free space on the USB stick or use another one, then export again");
	case ENOENT:
	case ENOTDIR:
		return _("the folder is not there: check the path (is the USB stick plugged in and mounted?), then export again");
	case EROFS:
		return _("the USB stick is read-only (its lock switch?) or mounted read-only; use another one, then export again");
	case EACCES:
	case EPERM:
		return _("this user may not write in that folder; choose another one, then export again");
	case EISDIR:
		return _("that is a folder: give a file name in it, e.g. 'FOLDER/xa.maiam', then export again");
	default:
		return _("check that the USB stick is mounted and writable, then export again");
	}
}

int agent_cmd_export(agent_ctx *ctx, int argc, char **argv)
{
	const char *out = NULL;
	const cli_opt opts[] = { CLI_STRING("out", &out, "FILE", NULL) };
	cli_spec spec = { CLI_TABLE(opts) };
	char when[32], line[AGENT_PATH_MAX + 64];
	size_t ncs = 0, nrec = 0, nall = 0;
	int claimed = 0;
	proto_buf bundle;
	proto_result r;
	int rc;

	if (agent_parse_args(ctx, "export", &spec, help, argc, argv, &rc))
		return rc;
	if (!out || !*out) {
		agent_err(_(
			"--out FILE is required; e.g. 'maiam-agent export --out /media/usb/xa-31498.maiam'"));
		return AGENT_USAGE;
	}
	rc = agent_seal_pending(ctx, &ncs, &nrec);
	if (rc != AGENT_OK)
		return rc;
	/* Sealed change-sets are safe in the store now; writing the file may
	 * fail and be retried without sealing anything twice. */
	proto_buf_init(&bundle, (size_t)1 << 30);
	r = agent_store_bundle(ctx, &bundle, &nall);
	if (r == PROTO_OK)
		r = agent_claim_prepend(ctx, &bundle, &claimed);
	if (r != PROTO_OK) {
		proto_buf_release(&bundle);
		agent_err_proto(_("cannot read the sealed change-sets from the store"), r,
				_("they are kept; run 'maiam-agent check', then export again"));
		return AGENT_FAIL;
	}
	r = proto_write_file_atomic(out, bundle.data ? bundle.data : (const uint8_t *)"", bundle.len,
				    0644);
	proto_buf_release(&bundle);
	if (r != PROTO_OK) {
		agent_err(_("cannot write '%s': %s; %s"), out, proto_cause(r), write_advice(r));
		return AGENT_FAIL;
	}
	agent_now_utc(when);
	snprintf(line, sizeof line, "%s %s", when, out);
	if (agent_meta_set(ctx, "last_export", line) != PROTO_OK)
		agent_err(_("note: the export was written but its time was not saved"));
	if (ctx->json)
		fprintf(ctx->out,
			"{\"sealed_now\":%zu,\"records_sealed_now\":%zu,\"changesets_in_file\":%zu,\"file\":",
			ncs, nrec, nall);
	if (ctx->json) {
		agent_json_str(ctx->out, out);
		fprintf(ctx->out, ",\"enrolment_claim\":%s}\n", claimed ? "true" : "false");
	} else {
		fprintf(ctx->out,
			_("Sealed %zu new change-sets (%zu changes); wrote %zu change-sets to %s\n"),
			ncs, nrec, nall, out);
		if (claimed)
			fprintf(ctx->out, "%s",
				_("The file also carries this laptop's key and enrolment token for the hub.\n"));
	}
	return AGENT_OK;
}
