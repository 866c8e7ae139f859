/*
 * audit_photos.c - audit verify's photo check (audit_photos.h): the bytes of
 * a photo are evidence, stored apart from the signed ledger, so the audit
 * reads every one back and proves it is still the photo its records name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "maiam/keys.h"
#include "audit_photos.h"
#include "i18n.h"
#include "photo_store.h"
#include "store_int.h"

/* One stored photo: its row, and what the accepted records say of it. */
typedef struct stored_photo {
	char hex[65];
	long long row_bytes;    /* hub_photo.bytes */
	long long records;      /* accepted photo records naming the hash */
	long long record_bytes; /* a size those records give (the largest) */
	long long sized;        /* those of them whose size is the row's */
} stored_photo;

/* Read the file whole (it is at most HUB_PHOTO_MAX_BYTES: larger is a
 * finding, not read) and compare its hash and size with what it must be. */
static hub_result check_file(const hub_ctx *ctx, const stored_photo *ph, hub_audit_report report, void *arg)
{
	char name[160], path[PATH_MAX], got[65];
	uint8_t sha[32], *data = NULL;
	struct stat sb;
	size_t len;
	FILE *f = NULL;
	hub_result rc = HUB_OK;

	snprintf(name, sizeof(name), HUB_PHOTOS_DIR "/%.2s/%s", ph->hex, ph->hex);
	if (hub_path(ctx, name, path, sizeof(path)))
		goto out; /* hub_open checked the directory's path: cannot happen */
	f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &sb) != 0) {
		report(arg, N_("photo %s: its file %s cannot be read (%s); restore it from a backup"),
		       ph->hex, name, strerror(errno));
		goto out;
	}
	if (sb.st_size != ph->row_bytes || sb.st_size > HUB_PHOTO_MAX_BYTES) {
		report(arg,
		       N_("photo %s: its file holds %lld bytes, its row says %lld; restore it from a backup"),
		       ph->hex, (long long)sb.st_size, ph->row_bytes);
		goto out;
	}
	data = malloc((size_t)sb.st_size + 1);
	if (!data) {
		rc = HUB_ENOMEM;
		goto out;
	}
	len = fread(data, 1, (size_t)sb.st_size + 1, f);
	if (len != (size_t)sb.st_size) {
		report(arg, N_("photo %s: its file %s changed size while being read; run the audit again"),
		       ph->hex, name);
		goto out;
	}
	proto_sha256(data, len, sha);
	proto_hex(sha, 32, got);
	if (strcmp(got, ph->hex) != 0)
		report(arg,
		       N_("photo %s: its bytes hash to %s, not to their name (altered or damaged);"
			  " restore it from a backup"),
		       ph->hex, got);
out:
	free(data);
	if (f)
		fclose(f);
	return rc;
}

/* What the ledger says of a stored photo: named, and of its size. */
static void check_records(const stored_photo *ph, hub_audit_report report, void *arg)
{
	if (ph->records == 0)
		report(arg, N_("photo %s: stored, but no accepted photo record names it"), ph->hex);
	else if (ph->sized == 0)
		report(arg, N_("photo %s: stored with %lld bytes, its photo records say %lld"), ph->hex,
		       ph->row_bytes, ph->record_bytes);
}

/* hub_store_walk's state: where findings go, and how far it got. */
typedef struct photo_walk {
	const hub_ctx *ctx;
	hub_audit_report report;
	void *arg;
	size_t checked;
	hub_result failed; /* a file could not be checked for want of memory */
} photo_walk;

static int check_row(void *arg, sqlite3_stmt *st)
{
	photo_walk *w = arg;
	const char *hex = (const char *)sqlite3_column_text(st, 0);
	stored_photo ph = {
		.row_bytes = sqlite3_column_int64(st, 1),
		.records = sqlite3_column_int64(st, 2),
		.record_bytes = sqlite3_column_int64(st, 3),
		.sized = sqlite3_column_int64(st, 4),
	};

	w->checked++;
	snprintf(ph.hex, sizeof(ph.hex), "%s", hex ? hex : "");
	if (!hex || strlen(hex) != 64 || !hub_photo_hex_ok(ph.hex)) {
		w->report(w->arg,
			  N_("hub_photo: a row's hash '%s' is not 32 bytes; restore hub.db from a backup"),
			  ph.hex);
		return 0;
	}
	check_records(&ph, w->report, w->arg);
	w->failed = check_file(w->ctx, &ph, w->report, w->arg);
	return w->failed != HUB_OK;
}

hub_result hub_audit_photos(const hub_ctx *ctx, hub_audit_report report, void *arg, size_t *checked)
{
	static const char sql[] = "SELECT lower(hex(h.sha256)), h.bytes, count(p.sha256), max(p.bytes),"
				  " count(CASE WHEN p.bytes = h.bytes THEN 1 END)"
				  " FROM hub_photo h LEFT JOIN photo p ON p.sha256 = lower(hex(h.sha256))"
				  " GROUP BY h.sha256 ORDER BY h.sha256";
	photo_walk w = { ctx, report, arg, 0, HUB_OK };
	sqlite3_stmt *st = NULL;
	hub_result rc;

	if (sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL) != SQLITE_OK)
		st = NULL; /* hub_store_walk says HUB_EDB */
	rc = hub_store_walk(st, check_row, &w);
	*checked = w.checked;
	return w.failed != HUB_OK ? w.failed : rc;
}
