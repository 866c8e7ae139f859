/*
 * cmd_import.c - maiam-hub import FILE...: USB bundles of sealed change-sets
 * and the photos they name. A file's framing is checked whole before any
 * item is ingested (a damaged file changes nothing); then each change-set
 * goes through hub_ingest, the very path of HTTPS push, and after all of
 * them each photo through hub_photo_accept, the very step of an upload's
 * last range: a second import of the same file is a no-op, and a photo
 * refused leaves the records in.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "maiam/bundle.h"
#include "maiam/cli.h"
#include "maiam/hubfile.h"
#include "ctx.h"
#include "store.h"
#include "ingest.h"
#include "photo_accept.h"
#include "cmd.h"
#include "i18n.h"

#define IMPORT_MAX_FILE ((size_t)1 << 30)

static int check_framing(const proto_buf *b, size_t *count, size_t *photos, char *err, size_t errlen)
{
	proto_bundle_reader br;
	const uint8_t *item;
	size_t len;
	proto_result r = proto_bundle_open(&br, b->data, b->len);

	*count = 0;
	*photos = 0;
	if (r != PROTO_OK) {
		snprintf(err, errlen, _("not a Mái Ấm bundle: %s"), proto_strerror(r));
		return -1;
	}
	for (;;) {
		r = proto_bundle_next(&br, &item, &len);
		if (r != PROTO_OK) {
			snprintf(err, errlen, _("item %zu is damaged: %s"), *count + 1, proto_strerror(r));
			return -1;
		}
		if (!item)
			return 0;
		(*count)++;
		*photos += (size_t)proto_bundle_is_photo(item, len);
	}
}

/* " (record ID)": which record broke the rules, where the operator's
 * language replaced the hub's English that names it */
static const char *record_named(const char *record, char *out, size_t n)
{
	snprintf(out, n, _(" (record %s)"), record);
	return out;
}

/* Why a photo was refused, in the operator's language, by its code
 * (photo_accept.h; "malformed": its item does not read): the codes and
 * their sentences, in the same order. */
static const char *const photo_codes[] = { "malformed",  "not_named",      "too_big",
					   "wrong_size", "quota_exceeded", "wrong_hash" };
static const char *const photo_sentences[] = {
	N_("its item in the file is damaged: export again on the laptop"),
	N_("no accepted record of this laptop names it: import the file that carries its record first"),
	N_("the hub takes photos of at most 8 MiB"),
	N_("it is not the size its record gives it: export again on the laptop"),
	N_("this laptop's photo bytes of the day are used up: import the file again tomorrow"),
	N_("its bytes do not hash to its name (the file was changed or damaged): export again on the laptop"),
};
_Static_assert(sizeof(photo_codes) == sizeof(photo_sentences), "one sentence per code");

/* The sentence of a refusal code, or the code itself when it has none. */
static const char *photo_refusal_text(const char *code)
{
	for (size_t i = 0; i < sizeof(photo_codes) / sizeof(photo_codes[0]); i++)
		if (strcmp(photo_codes[i], code) == 0)
			return _(photo_sentences[i]);
	return code;
}

/* One photo item through the upload's checks and store: its outcome
 * counted in counts[] (stored, held, refused) and a refusal said. 0, or
 * -1 when the hub itself failed (said). */
static int import_photo(hub_ctx *ctx, const char *path, const uint8_t *item, size_t len, size_t counts[3])
{
	proto_bundle_photo photo;
	hub_photo_verdict v = { HUB_PHOTO_REFUSED, "malformed" };
	char hex[65] = "(unreadable)";
	proto_result pr = proto_bundle_photo_open(item, len, &photo);
	hub_result rc = HUB_OK;

	if (pr == PROTO_ELIMIT)
		v.code = "too_big";
	if (pr == PROTO_OK) {
		hub_photo_offer offer = { photo.origin, hex, photo.bytes, photo.len, (int64_t)time(NULL) };

		proto_hex(photo.sha256, 32, hex);
		rc = hub_photo_accept(ctx, &offer, &v);
	}
	if (rc != HUB_OK) {
		hub_errorf(_("'%s': photo %.12s could not be stored: %s; import the file again"), path,
			   hex, hub_strerror(rc));
		return -1;
	}
	counts[v.outcome]++;
	if (v.outcome == HUB_PHOTO_REFUSED) {
		printf(_("%s: photo %.12s refused: %s: %s\n"), path, hex, v.code,
		       photo_refusal_text(v.code));
	}
	return 0;
}

/* The file's photo items, after its change-sets. 0, or -1 (said). */
static int import_photos(hub_ctx *ctx, const char *path, const proto_buf *b, size_t photos, int *rejected)
{
	proto_bundle_reader br;
	const uint8_t *item;
	size_t len, counts[3] = { 0, 0, 0 };

	proto_bundle_open(&br, b->data, b->len);
	while (proto_bundle_next(&br, &item, &len) == PROTO_OK && item) {
		if (proto_bundle_is_photo(item, len) && import_photo(ctx, path, item, len, counts))
			return -1;
	}
	printf(_("%s: %zu photos: %zu stored, %zu already held, %zu refused\n"), path, photos,
	       counts[HUB_PHOTO_STORED], counts[HUB_PHOTO_HELD], counts[HUB_PHOTO_REFUSED]);
	if (counts[HUB_PHOTO_REFUSED])
		*rejected = 1;
	return 0;
}

static int import_file(hub_ctx *ctx, const char *path, int *rejected)
{
	proto_buf b;
	proto_bundle_reader br;
	const uint8_t *item;
	char err[256], source[PATH_MAX + 16], hex[17], named[80];
	size_t len, count, photos, n = 0, applied = 0, already = 0, claims = 0;
	proto_result r;
	int rc = -1;

	proto_buf_init(&b, IMPORT_MAX_FILE);
	r = proto_read_file(path, &b);
	if (r != PROTO_OK) {
		hub_errorf(_("cannot read '%s': %s"), path, proto_strerror(r));
		goto out;
	}
	if (check_framing(&b, &count, &photos, err, sizeof(err))) {
		hub_errorf(_("'%s' refused, nothing imported: %s"), path, err);
		*rejected = 1;
		rc = 0;
		goto out;
	}
	snprintf(source, sizeof(source), "import:%s", path);
	proto_bundle_open(&br, b.data, b.len);
	while (proto_bundle_next(&br, &item, &len) == PROTO_OK && item) {
		hub_verdict v;
		hub_result ir;

		n++;
		if (proto_bundle_is_photo(item, len))
			continue; /* after every change-set: the records that name it first */
		if (len >= PROTO_HUBFILE_MAGIC_LEN &&
		    memcmp(item, PROTO_CLAIM_MAGIC, PROTO_HUBFILE_MAGIC_LEN) == 0) {
			/* a laptop enrolled from a file sends its key first */
			int cr = hub_usb_claim(ctx, item, len, source);

			if (cr < 0)
				goto out;
			*rejected |= cr;
			claims++;
			continue;
		}
		ir = hub_ingest(ctx, item, len, 0, source, NULL, &v);
		proto_key_id_hex(v.origin, hex);
		if (ir != HUB_OK && ir != HUB_REFUSED) {
			hub_errorf(_("'%s' item %zu: %s"), path, n, v.message);
			goto out;
		}
		if (ir == HUB_REFUSED) {
			const char *why = hub_refusal_text(v.code, v.message);

			*rejected = 1;
			printf(_("%s: item %zu (%s/%llu) rejected: %s: %s%s%s\n"), path, n, hex,
			       (unsigned long long)v.seq, v.code, why,
			       why != v.message && v.record[0]
				       ? record_named(v.record, named, sizeof(named))
				       : "",
			       v.chained ? _(" (a refused link: skipped, the later ones go on)") : "");
		} else if (strcmp(v.code, "applied") == 0) {
			applied++;
		} else {
			already++;
		}
	}
	count -= claims + photos;
	printf(_("%s: %zu change-sets: %zu applied, %zu already applied, %zu rejected\n"), path, count,
	       applied, already, count - applied - already);
	rc = photos ? import_photos(ctx, path, &b, photos, rejected) : 0;
out:
	proto_buf_release(&b);
	return rc;
}

int hub_cmd_import(int argc, char **argv)
{
	const char *dir = hub_default_dir();
	char err[512];
	hub_ctx ctx;
	hub_limits limits;
	size_t i, nfiles;
	int rejected = 0, rc = HUB_EXIT_OK;
	/* the same quotas as serve: the same options, the same defaults */
	const cli_opt opts[] = { HUB_DIR_OPT(&dir), HUB_LIMITS_OPTS(&limits) };
	/* the files are gathered in place, at the front of argv + 1 */
	cli_spec spec = { CLI_TABLE(opts), .args = argv + 1, .maxargs = (size_t)(argc - 1) };

	hub_limits_default(&limits);
	if (hub_parse_args(NULL, "FILE...", &spec, argc, argv, &rc))
		return rc;
	nfiles = spec.nargs;
	if (!nfiles) {
		hub_errorf("%s", _("import needs at least one bundle FILE (from 'maiam-agent export')"));
		return HUB_EXIT_USAGE;
	}
	if (hub_open(&ctx, dir, err, sizeof(err))) {
		hub_errorf("%s", err);
		return HUB_EXIT_FAIL;
	}
	ctx.owned->limits = limits;
	for (i = 0; i < nfiles; i++) {
		if (import_file(&ctx, spec.args[i], &rejected)) {
			rc = HUB_EXIT_FAIL;
			break;
		}
	}
	hub_close(&ctx);
	if (rc == HUB_EXIT_OK && rejected)
		rc = HUB_EXIT_REJECTED;
	return rc;
}
