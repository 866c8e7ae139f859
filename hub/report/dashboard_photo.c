/*
 * dashboard_photo.c - a stored photo for a signed-in operator:
 * /photo/<sha256> its bytes as the laptop signed them, /photo/<sha256>/thumb
 * the thumbnail the hub made when they arrived (hub_photo.thumb). The
 * address is parsed on the event loop; the file and the row are read by the
 * pages' worker on its read-only connection, never by the loop. The bytes are
 * checked against their name before they are sent: a damaged file is not
 * shown as evidence.
 */
#include <stdio.h>
#include <string.h>
#include "maiam/fsutil.h"
#include "ctx.h"
#include "photo_store.h"
#include "dashboard_int.h"

#define PHOTO_PREFIX "/photo/"

int dash_photo_path(const char *path)
{
	return path && strncmp(path, PHOTO_PREFIX, strlen(PHOTO_PREFIX)) == 0;
}

int dash_photo_parse(const char *path, char hex[65], int *thumb)
{
	const char *p = path + strlen(PHOTO_PREFIX), *rest = p + 64;

	hex[0] = '\0';
	*thumb = 0;
	if (strnlen(p, 65) < 64)
		return -1;
	snprintf(hex, 65, "%.64s", p);
	if (!hub_photo_hex_ok(hex))
		return -1;
	if (strcmp(rest, "/thumb") == 0)
		*thumb = 1;
	else if (rest[0] != '\0')
		return -1;
	return 0;
}

/* The row of hub_photo for hex: *found, and the thumbnail into out when
 * thumb (*found false also for a photo stored without one). */
static hub_result photo_row(sqlite3 *ro, const char *hex, int thumb, proto_buf *out, bool *found)
{
	sqlite3_stmt *st = NULL;
	uint8_t sha[32];
	hub_result rc = HUB_EDB;
	int step, i;

	*found = false;
	for (i = 0; i < 32; i++) /* hex is 64 hex digits (dash_photo_parse) */
		sha[i] = (uint8_t)(proto_hex_digit(hex[2 * i]) << 4 | proto_hex_digit(hex[2 * i + 1]));
	if (sqlite3_prepare_v2(ro, "SELECT thumb FROM hub_photo WHERE sha256 = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*found = !thumb || sqlite3_column_type(st, 0) == SQLITE_BLOB;
		rc = HUB_OK;
		if (thumb && *found &&
		    proto_buf_append(out, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0)))
			rc = HUB_ENOMEM;
	} else if (step == SQLITE_DONE) {
		rc = HUB_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The stored file photos/XX/<hex> into out, checked against its name: HUB_OK,
 * HUB_EIO (unreadable) or HUB_REFUSED (it does not hash to its name). */
static hub_result photo_file(const hub_dashboard *d, const char *hex, proto_buf *out)
{
	char path[PATH_MAX + 96], got[65];
	uint8_t sha[32];

	if ((size_t)snprintf(path, sizeof(path), "%s/" HUB_PHOTOS_DIR "/%.2s/%s", d->dir, hex, hex) >=
		    sizeof(path) ||
	    proto_read_file(path, out) != PROTO_OK)
		return HUB_EIO;
	proto_sha256(out->data, out->len, sha);
	proto_hex(sha, 32, got);
	return strcmp(got, hex) == 0 ? HUB_OK : HUB_REFUSED;
}

void dash_photo_answer(hub_dashboard *d, sqlite3 *ro, dash_job *job)
{
	bool found = false, may = false;
	hub_result rc;

	/* no stored file is larger than an upload may be: never read more */
	proto_buf_release(&job->body);
	proto_buf_init(&job->body, HUB_PHOTO_MAX_BYTES);
	rc = photo_row(ro, job->photo, job->thumb, &job->body, &found);
	if (rc == HUB_OK && found)
		rc = dash_may_see_photo(d, ro, job, job->photo, &may);
	if (rc != HUB_OK) {
		dash_answer_text(job, 503,
				 "cannot read the stored photos: the hub database is busy, try again");
		return;
	}
	if (!found || !may) { /* another district's photo: as one the hub does not hold */
		dash_answer_text(job, 404,
				 job->thumb ? "the hub holds no thumbnail of this photo"
					    : "the hub holds no photo of this hash: its laptop may not have"
					      " sent the bytes yet");
		return;
	}
	if (!job->thumb && (rc = photo_file(d, job->photo, &job->body)) != HUB_OK) {
		dash_answer_text(job, 500,
				 rc == HUB_REFUSED
					 ? "the stored photo does not hash to its name (damaged):"
					   " run 'maiam-hub audit verify'"
					 : "cannot read the stored photo: run 'maiam-hub audit verify'");
		return;
	}
	job->status = 200;
	job->ctype = "image/jpeg";
	job->cache_control = DASH_PHOTO_CACHE;
}
