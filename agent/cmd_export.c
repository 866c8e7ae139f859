/*
 * cmd_export.c - "export --out FILE": seal every pending change into signed
 * change-sets (one transaction: outbox -> sealed), then write every sealed
 * change-set the hub has not acknowledged to FILE as a bundle, atomically,
 * followed by the photos the hub is not known to hold (not in photo_upload),
 * up to PROTO_BUNDLE_PHOTOS_MAX bytes of them (--no-photos: none).
 * Exporting again without new changes seals nothing and writes the same
 * change-sets and photos; they stay pending until a hub acknowledges them
 * (a sync marks the photos the hub holds).
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include "maiam/bundle.h"
#include "maiam/fsutil.h"
#include "agent.h"
#include "cmds.h"
#include "store.h"
#include "photo_store.h"
#include "sync_photos.h"

static void help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent export --out FILE [--no-photos] [--json]\n\n"
		  "Seals the pending changes into signed change-sets and writes every\n"
		  "change-set not yet acknowledged by the hub to FILE, for a USB stick,\n"
		  "then the photos the hub is not known to hold (at most 256 MiB of them;\n"
		  "--no-photos: none). Import it on the hub with 'maiam-hub import FILE'.\n"));
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

/* The photos one export carries, and those it leaves. */
typedef struct photo_carry {
	agent_ctx *ctx;
	proto_buf *bundle;
	proto_buf file;
	size_t carried, left, skipped;
	uint64_t bytes, bytes_left;
	proto_result error; /* the bundle could not grow: the export fails */
} photo_carry;

/* One photo the hub is not known to hold: into the bundle when it fits and
 * its file is the photo its record names, else counted (and a bad file
 * said). Non-zero stops the walk (an error). */
static int carry_photo(void *arg, const char *hex, int64_t bytes)
{
	photo_carry *pc = arg;
	char path[AGENT_PATH_MAX];
	uint8_t sha[32];
	proto_bundle_photo photo = { pc->ctx->key_id, sha, NULL, 0 };
	const char *why = _("its file is missing from the home's photos folder");

	if (bytes < 1 || (uint64_t)bytes > PROTO_BUNDLE_PHOTO_MAX ||
	    pc->bytes + (uint64_t)bytes > PROTO_BUNDLE_PHOTOS_MAX) {
		pc->left++;
		pc->bytes_left += bytes > 0 ? (uint64_t)bytes : 0;
		return 0;
	}
	for (size_t i = 0; i < 32; i++)
		sha[i] = (uint8_t)(proto_hex_digit(hex[2 * i]) << 4 | proto_hex_digit(hex[2 * i + 1]));
	proto_buf_reset(&pc->file);
	if (agent_photo_path(pc->ctx->home, hex, path, sizeof path) == 0 &&
	    proto_read_file(path, &pc->file) == PROTO_OK) {
		photo.bytes = pc->file.data;
		photo.len = pc->file.len;
		why = _("its file in the home's photos folder is damaged: it is not the photo its record names");
	}
	if (!photo.bytes || photo.len != (size_t)bytes || proto_bundle_photo_verify(&photo) != PROTO_OK) {
		agent_err(_("note: photo %.12s is not in the file (%s); run 'maiam-agent check'"), hex,
			  why);
		pc->skipped++;
		return 0;
	}
	pc->error = proto_bundle_put_photo(pc->bundle, photo.origin, sha, photo.bytes, photo.len);
	if (pc->error != PROTO_OK)
		return 1;
	pc->carried++;
	pc->bytes += (uint64_t)bytes;
	return 0;
}

/* Append the photo items after the bundle's change-sets. */
static proto_result carry_photos(agent_ctx *ctx, proto_buf *bundle, photo_carry *pc)
{
	proto_result r;

	memset(pc, 0, sizeof(*pc));
	pc->ctx = ctx;
	pc->bundle = bundle;
	proto_buf_init(&pc->file, PROTO_BUNDLE_PHOTO_MAX);
	r = agent_photo_pending(ctx, SIZE_MAX / 2, carry_photo, pc);
	proto_buf_release(&pc->file);
	return r != PROTO_OK ? r : pc->error;
}

int agent_cmd_export(agent_ctx *ctx, int argc, char **argv)
{
	const char *out = NULL;
	int no_photos = 0;
	const cli_opt opts[] = { CLI_STRING("out", &out, "FILE", NULL),
				 CLI_FLAG("no-photos", &no_photos, NULL) };
	cli_spec spec = { CLI_TABLE(opts) };
	char when[32], line[AGENT_PATH_MAX + 64];
	size_t ncs = 0, nrec = 0, nall = 0;
	int claimed = 0;
	photo_carry pc;
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
	memset(&pc, 0, sizeof(pc));
	if (!no_photos && ctx->key_id)
		r = carry_photos(ctx, &bundle, &pc);
	if (r != PROTO_OK) {
		proto_buf_release(&bundle);
		agent_err_proto(
			_("cannot put the photos in the file"), r,
			_("nothing was written; export again, or with --no-photos for the records alone"));
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
		fprintf(ctx->out,
			",\"enrolment_claim\":%s,\"photos_in_file\":%zu,\"photo_bytes_in_file\":%llu,"
			"\"photos_left\":%zu,\"photos_skipped\":%zu}\n",
			claimed ? "true" : "false", pc.carried, (unsigned long long)pc.bytes, pc.left,
			pc.skipped);
	} else {
		fprintf(ctx->out,
			_("Sealed %zu new change-sets (%zu changes); wrote %zu change-sets to %s\n"),
			ncs, nrec, nall, out);
		if (claimed)
			fprintf(ctx->out, "%s",
				_("The file also carries this laptop's key and enrolment token for the hub.\n"));
		if (pc.carried)
			fprintf(ctx->out,
				_("It carries %zu photos (%llu bytes) the hub is not known to hold.\n"),
				pc.carried, (unsigned long long)pc.bytes);
		if (pc.left)
			fprintf(ctx->out,
				_("%zu photos (%llu bytes) did not fit in the file's 256 MiB of photos: they go with the next export or a sync.\n"),
				pc.left, (unsigned long long)pc.bytes_left);
	}
	return AGENT_OK;
}
