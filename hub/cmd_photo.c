/*
 * cmd_photo.c - maiam-hub photo export HASH FILE: a stored photo's bytes to
 * a file, for an operator (a complaint, an inspection). HASH is the full
 * SHA-256 or a prefix of at least 8 digits that names one stored photo (as
 * household show prints them). The bytes are checked against their name
 * before they are written; FILE is never overwritten.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "maiam/cli.h"
#include "maiam/fsutil.h"
#include "maiam/keys.h"
#include "ctx.h"
#include "cmd.h"
#include "i18n.h"
#include "photo_store.h"

/* The stored photo whose hash starts with prefix: 0 and hex, or an exit code (said). */
static int find_photo(const hub_ctx *ctx, const char *prefix, char hex[65])
{
	sqlite3_stmt *st = NULL;
	size_t i, len = strlen(prefix);
	int n = 0, step, rc = HUB_EXIT_FAIL;

	for (i = 0; i < len; i++)
		if (!((prefix[i] >= '0' && prefix[i] <= '9') || (prefix[i] >= 'a' && prefix[i] <= 'f')))
			break;
	if (len < 8 || len > 64 || i < len) {
		hub_errorf(_("'%s' is not a photo's hash: give its 64 hex digits, or at least the first 8"
			     " (as 'maiam-hub household show' prints them)"),
			   prefix);
		return HUB_EXIT_USAGE;
	}
	if (sqlite3_prepare_v2(ctx->db,
			       "SELECT lower(hex(sha256)) FROM hub_photo WHERE substr(lower(hex(sha256)), 1, ?2) = ?1"
			       " LIMIT 2",
			       -1, &st, NULL) != SQLITE_OK)
		goto db_error;
	sqlite3_bind_text(st, 1, prefix, (int)len, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, (int)len);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (n++ == 0)
			snprintf(hex, 65, "%s", (const char *)sqlite3_column_text(st, 0));
	if (step != SQLITE_DONE)
		goto db_error;
	if (n == 0)
		hub_errorf(_("the hub stores no photo %s: its laptop may not have sent the bytes yet"
			     " (see 'maiam-hub household show')"),
			   prefix);
	else if (n > 1)
		hub_errorf(_("more than one stored photo starts with %s: give more of its digits"),
			   prefix);
	else
		rc = HUB_EXIT_OK;
	sqlite3_finalize(st);
	return rc;
db_error:
	hub_errorf(_("cannot read the stored photos: %s"), sqlite3_errmsg(ctx->db));
	sqlite3_finalize(st);
	return HUB_EXIT_FAIL;
}

int hub_cmd_photo(int argc, char **argv)
{
	static const char *const subs[] = { "export", NULL };
	static const hub_group group = { "photo", subs, N_("photo export HASH FILE [--dir DIR]") };
	const char *dir = hub_default_dir();
	char err[512], hex[65], got[65], name[160], path[PATH_MAX], *pos[2];
	uint8_t sha[32];
	struct stat sb;
	proto_buf data;
	hub_ctx ctx;
	int rc = HUB_EXIT_FAIL, opened = 0;
	const cli_opt opts[] = { HUB_DIR_OPT(&dir) };
	cli_spec spec = { CLI_TABLE(opts), .args = pos, .maxargs = 2 };

	proto_buf_init(&data, HUB_PHOTO_MAX_BYTES);
	if (hub_parse_args(&group, "HASH FILE", &spec, argc, argv, &rc))
		goto out;
	if (spec.nargs != 2) {
		hub_errorf("%s", _("photo export needs a photo's hash and the file to write it to"));
		rc = HUB_EXIT_USAGE;
		goto out;
	}
	if (stat(pos[1], &sb) == 0) {
		hub_errorf(_("'%s' exists: choose a new file name, an export never overwrites"), pos[1]);
		goto out;
	}
	if (hub_open(&ctx, dir, err, sizeof(err))) {
		hub_errorf("%s", err);
		goto out;
	}
	opened = 1;
	rc = find_photo(&ctx, pos[0], hex);
	if (rc != HUB_EXIT_OK)
		goto out;
	rc = HUB_EXIT_FAIL;
	snprintf(name, sizeof(name), HUB_PHOTOS_DIR "/%.2s/%s", hex, hex);
	if (hub_path(&ctx, name, path, sizeof(path)) || proto_read_file(path, &data) != PROTO_OK) {
		hub_errorf(_("cannot read the stored photo %s: run 'maiam-hub audit verify'"), name);
		goto out;
	}
	proto_sha256(data.data, data.len, sha);
	proto_hex(sha, 32, got);
	if (strcmp(got, hex) != 0) {
		hub_errorf(_("the stored photo %s does not hash to its name (damaged): nothing written;"
			     " run 'maiam-hub audit verify'"),
			   hex);
		goto out;
	}
	if (proto_write_file_atomic(pos[1], data.data, data.len, 0644) != PROTO_OK) {
		hub_errorf(_("cannot write '%s': %s; check the folder and the free space"), pos[1],
			   strerror(proto_errno()));
		goto out;
	}
	printf(_("photo %s: %zu bytes written to %s\n"), hex, data.len, pos[1]);
	rc = HUB_EXIT_OK;
out:
	proto_buf_release(&data);
	if (opened)
		hub_close(&ctx);
	return rc;
}
