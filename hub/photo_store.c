/*
 * photo_store.c - the photos' bytes at the hub: partial uploads per agent,
 * their bounds, the durable store, the hub_photo row with its thumbnail and
 * dHash, and the daily photo bytes of each agent (photo_store.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "maiam/photo.h"
#include "enrol.h"
#include "photo_near.h"
#include "photo_store.h"

int hub_photo_hex_ok(const char *hex)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
			return 0;
	return hex[64] == '\0';
}

/* One row of a one-off query binding (text 1, agent 2): *found; the
 * statement stays open on a row for the caller's columns. */
static hub_result query_row(sqlite3 *db, const char *sql, const char *hex, uint64_t agent,
			    sqlite3_stmt **st, bool *found)
{
	int rc;

	*found = false;
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_text(*st, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(*st, 2, proto_u2i(agent));
	rc = sqlite3_step(*st);
	*found = rc == SQLITE_ROW;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? HUB_OK : HUB_EDB;
}

/* Step a statement that writes and finalize it: HUB_OK when it was done. */
static hub_result step_done(sqlite3_stmt *st)
{
	hub_result rc = sqlite3_step(st) == SQLITE_DONE ? HUB_OK : HUB_EDB;

	sqlite3_finalize(st);
	return rc;
}

hub_result hub_photo_named(sqlite3 *db, uint64_t agent, const char *hex, int64_t *bytes, bool *found)
{
	/* the agent and its line of predecessors (a laptop rebuilt after one
	 * rebuilt, ...), at most HUB_SUCCESSION_MAX back as hub_agent_lineage
	 * goes: the bound only guards against a loop the hub did not write.
	 * The largest size their records give it: a record of the same hash with
	 * a smaller size then fails at the end, on its hash. */
	static const char sql[] =
		"WITH RECURSIVE line(id, depth) AS (SELECT ?2, 0 UNION ALL"
		" SELECT a.predecessor, line.depth + 1 FROM hub_agent a JOIN line ON a.id = line.id"
		" WHERE a.predecessor IS NOT NULL AND line.depth < ?3)"
		" SELECT max(bytes) FROM photo WHERE sha256 = ?1 AND writer IN (SELECT id FROM line)"
		" HAVING count(*) > 0";
	sqlite3_stmt *st = NULL;
	hub_result rc = HUB_EDB;
	int step;

	*found = false;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, proto_u2i(agent));
	sqlite3_bind_int(st, 3, HUB_SUCCESSION_MAX);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*found = true;
		*bytes = sqlite3_column_int64(st, 0);
	}
	if (step == SQLITE_ROW || step == SQLITE_DONE)
		rc = HUB_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

hub_result hub_photo_may_send(sqlite3 *db, uint64_t agent, const char *hex, int64_t *bytes,
			      const char **refusal)
{
	bool named = false;
	hub_result rc;

	*bytes = 0;
	*refusal = "bad_hash";
	if (!hub_photo_hex_ok(hex))
		return HUB_OK;
	rc = hub_photo_named(db, agent, hex, bytes, &named);
	if (rc != HUB_OK)
		return rc;
	if (!named)
		*refusal = "not_named";
	else if (*bytes < 1 || *bytes > HUB_PHOTO_MAX_BYTES)
		*refusal = "too_big";
	else
		*refusal = NULL;
	return HUB_OK;
}

hub_result hub_photo_held(sqlite3 *db, const char *hex, bool *held)
{
	sqlite3_stmt *st = NULL;
	uint8_t sha[32];
	size_t i;
	hub_result rc = HUB_EDB;

	for (i = 0; i < 32; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return HUB_EDB;
		sha[i] = (uint8_t)v;
	}
	*held = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM hub_photo WHERE sha256 = ?1", -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*held = true;
		/* fall through */
	case SQLITE_DONE:
		rc = HUB_OK;
		break;
	default:
		break;
	}
	sqlite3_finalize(st);
	return rc;
}

/* <hubdir>/partial/<agent> into out, with "/<hex>" unless hex is NULL. */
static int partial_path(const hub_ctx *ctx, uint64_t agent, const char *hex, char *out, size_t n)
{
	int len = snprintf(out, n, "%s/%s/%016llx%s%s", ctx->cfg->dir, HUB_PARTIAL_DIR,
			   (unsigned long long)agent, hex ? "/" : "", hex ? hex : "");

	return len < 0 || (size_t)len >= n ? -1 : 0;
}

/* mkdir that is fine when the folder is there. */
static int make_dir(const char *path)
{
	return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

/* fsync a folder, so that a name made or renamed in it survives a crash. */
static int sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

hub_result hub_photo_partial_size(const hub_ctx *ctx, uint64_t agent, const char *hex, int64_t *size)
{
	char path[PATH_MAX];
	struct stat sb;

	*size = 0;
	if (partial_path(ctx, agent, hex, path, sizeof(path)))
		return HUB_EIO;
	if (stat(path, &sb) != 0)
		return errno == ENOENT ? HUB_OK : HUB_EIO;
	*size = (int64_t)sb.st_size;
	return HUB_OK;
}

void hub_photo_partial_drop(const hub_ctx *ctx, uint64_t agent, const char *hex)
{
	char path[PATH_MAX];

	if (partial_path(ctx, agent, hex, path, sizeof(path)) == 0)
		unlink(path);
}

typedef struct partial_entry {
	char name[65];
	int64_t size;
	int64_t mtime;
} partial_entry;

hub_result hub_photo_partials_bound(const hub_ctx *ctx, uint64_t agent, int64_t incoming, int64_t now)
{
	partial_entry list[HUB_PARTIALS_PER_AGENT * 4];
	char dir[PATH_MAX], path[PATH_MAX + 80];
	struct dirent *de;
	struct stat sb;
	size_t n = 0, i;
	int64_t bytes = 0;
	DIR *d;

	if (partial_path(ctx, agent, NULL, dir, sizeof(dir)))
		return HUB_EIO;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? HUB_OK : HUB_EIO;
	while ((de = readdir(d)) != NULL) {
		if (!hub_photo_hex_ok(de->d_name))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path) ||
		    stat(path, &sb) != 0)
			continue;
		/* too old, or more than this list holds (never, under the bounds) */
		if (now - (int64_t)sb.st_mtime > HUB_PARTIAL_MAX_AGE_S ||
		    n == sizeof(list) / sizeof(list[0])) {
			unlink(path);
			continue;
		}
		memcpy(list[n].name, de->d_name, 65);
		list[n].size = (int64_t)sb.st_size;
		list[n].mtime = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
		bytes += list[n].size;
		n++;
	}
	closedir(d);
	/* the oldest go first until one more fits, in count and in bytes */
	while (n > 0 &&
	       (n + 1 > HUB_PARTIALS_PER_AGENT || bytes + incoming > HUB_PARTIAL_BYTES_PER_AGENT)) {
		size_t old = 0;
		for (i = 1; i < n; i++)
			if (list[i].mtime < list[old].mtime)
				old = i;
		hub_photo_partial_drop(ctx, agent, list[old].name);
		bytes -= list[old].size;
		list[old] = list[--n];
	}
	return HUB_OK;
}

/* Write all len bytes at p to fd. 0 or -1. */
static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

hub_result hub_photo_partial_append(const hub_ctx *ctx, uint64_t agent, const char *hex, int64_t start,
				    int64_t total, const uint8_t *p, size_t len, int64_t now)
{
	char path[PATH_MAX];
	int fd = -1, fresh = start == 0;
	hub_result rc = HUB_EIO;

	if (fresh && hub_photo_partials_bound(ctx, agent, total, now) != HUB_OK)
		return HUB_EIO;
	if (hub_path(ctx, HUB_PARTIAL_DIR, path, sizeof(path)) || make_dir(path) ||
	    partial_path(ctx, agent, NULL, path, sizeof(path)) || make_dir(path) ||
	    partial_path(ctx, agent, hex, path, sizeof(path)))
		goto out;
	/* a fresh partial replaces whatever was there; a next range is appended
	 * where the last ended (the caller checked start against its size) */
	fd = open(path, O_WRONLY | O_CREAT | (fresh ? O_TRUNC : O_APPEND), 0600);
	if (fd < 0 || write_all(fd, p, len) || fsync(fd))
		goto out;
	if (fresh && partial_path(ctx, agent, NULL, path, sizeof(path)) == 0 && sync_dir(path))
		goto out;
	rc = HUB_OK;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The whole partial into *data (malloc'd; free it), at most cap bytes. */
static hub_result read_partial(const char *path, uint8_t **data, size_t *len, size_t cap)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long size;
	hub_result rc = HUB_EIO;

	*data = NULL;
	if (!f)
		return HUB_EIO;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || (size_t)size > cap || fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc(size ? (size_t)size : 1);
	if (!buf) {
		rc = HUB_ENOMEM;
		goto out;
	}
	if (fread(buf, 1, (size_t)size, f) != (size_t)size)
		goto out;
	*data = buf;
	*len = (size_t)size;
	buf = NULL;
	rc = HUB_OK;
out:
	free(buf);
	fclose(f);
	return rc;
}

/* The photo's bytes at photos/XX/<hex>: a temporary name, fsync, rename,
 * fsync of the folder. HUB_OK or HUB_EIO. */
static hub_result store_file(const hub_ctx *ctx, const char *hex, const uint8_t *p, size_t len)
{
	char dir[PATH_MAX], path[PATH_MAX + 80], tmp[PATH_MAX + 80];
	int fd = -1;
	hub_result rc = HUB_EIO;

	if (hub_path(ctx, HUB_PHOTOS_DIR, dir, sizeof(dir)) || make_dir(dir))
		return HUB_EIO;
	if (snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/%.2s", hex) < 0 || make_dir(dir))
		return HUB_EIO;
	if (snprintf(path, sizeof(path), "%s/%s", dir, hex) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, hex) >= (int)sizeof(tmp))
		return HUB_EIO;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write_all(fd, p, len) || fsync(fd))
		goto out;
	close(fd);
	fd = -1;
	if (rename(tmp, path) || sync_dir(dir))
		goto out;
	rc = HUB_OK;
out:
	if (fd >= 0)
		close(fd);
	if (rc != HUB_OK)
		unlink(tmp);
	return rc;
}

static hub_result insert_row(sqlite3 *db, const uint8_t sha[32], size_t len, int64_t now, uint64_t agent,
			     const photo_jpeg *thumb, const uint64_t *dhash)
{
	static const char sql[] = "INSERT OR IGNORE INTO hub_photo (sha256, bytes, stored_at, agent, thumb,"
				  " dhash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)len);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, proto_u2i(agent));
	if (thumb->bytes)
		sqlite3_bind_blob(st, 5, thumb->bytes, (int)thumb->len, SQLITE_STATIC);
	if (dhash)
		sqlite3_bind_int64(st, 6, proto_u2i(*dhash));
	return step_done(st);
}

hub_result hub_photo_store(hub_ctx *ctx, uint64_t agent, const char *hex, int64_t now, bool *hash_ok)
{
	char path[PATH_MAX], got[65];
	uint8_t *data = NULL, sha[32];
	size_t len = 0;
	photo_jpeg thumb;
	uint64_t dhash;
	int have_dhash;
	hub_result rc;

	*hash_ok = false;
	photo_jpeg_init(&thumb);
	if (partial_path(ctx, agent, hex, path, sizeof(path)))
		return HUB_EIO;
	rc = read_partial(path, &data, &len, HUB_PHOTO_MAX_BYTES);
	if (rc != HUB_OK)
		goto out;
	proto_sha256(data, len, sha);
	proto_hex(sha, 32, got);
	if (strcmp(got, hex) != 0) {
		unlink(path); /* a wrong photo is dropped, never stored */
		goto out;
	}
	*hash_ok = true;
	rc = store_file(ctx, hex, data, len);
	if (rc != HUB_OK)
		goto out;
	/* both from the photo as it was signed; a failure leaves them out and
	 * the photo stored: its bytes are still the evidence its record names */
	if (photo_thumbnail(data, len, &thumb) != PHOTO_OK)
		photo_jpeg_init(&thumb);
	have_dhash = photo_dhash(data, len, &dhash) == PHOTO_OK;
	rc = insert_row(ctx->db, sha, len, now, agent, &thumb, have_dhash ? &dhash : NULL);
	if (rc == HUB_OK && have_dhash)
		rc = hub_photo_near_note(ctx->db, sha, dhash);
	if (rc == HUB_OK)
		unlink(path);
out:
	photo_jpeg_release(&thumb);
	free(data);
	return rc;
}

hub_result hub_photo_day_get(sqlite3 *db, uint64_t agent, const char *day, int64_t *bytes)
{
	sqlite3_stmt *st = NULL;
	bool found;
	hub_result rc = query_row(db, "SELECT bytes FROM hub_photo_quota WHERE day = ?1 AND agent = ?2",
				  day, agent, &st, &found);

	*bytes = rc == HUB_OK && found ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc;
}

hub_result hub_photo_day_add(sqlite3 *db, uint64_t agent, const char *day, int64_t bytes)
{
	static const char sql[] = "INSERT INTO hub_photo_quota (day, agent, bytes) VALUES (?1, ?2, ?3)"
				  " ON CONFLICT (agent, day) DO UPDATE SET bytes = bytes + excluded.bytes";
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, proto_u2i(agent));
	sqlite3_bind_int64(st, 3, bytes);
	return step_done(st);
}
