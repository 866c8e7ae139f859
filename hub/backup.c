/*
 * backup.c - maiam-hub backup and restore (backup.h). The database is
 * copied with SQLite's online backup API into a scratch file beside the
 * backup, in one step, so the copy is one consistent snapshot of the
 * ledger however busy the serving hub's writer is; the photos are taken
 * after it, so every photo row of the snapshot has its file (a photo's file
 * is in place before its row is written, photo_store.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include "maiam/cli.h"
#include "maiam/fsutil.h"
#include "maiam/keys.h"
#include "backup.h"
#include "backup_file.h"
#include "ctx.h"
#include "epoch.h"
#include "photo_store.h"
#include "i18n.h"

#define KEY_PART_PREFIX "keys/"
#define KEY_MAX_BYTES (64u << 10)

/* The files of a hub directory a backup carries as they are, and the
 * private keys it carries sealed. */
static const char *const public_files[] = { HUB_CA_FILE, HUB_CERT_FILE, NULL };
static const char *const key_files[] = { HUB_KEY_FILE, HUB_CA_KEY_FILE, HUB_CERT_KEY_FILE, NULL };

static hub_result db_error(sqlite3 *db, const char *what, const char *path, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s '%s': %s", what, path, db ? sqlite3_errmsg(db) : "out of memory");
	return HUB_EDB;
}

/* The ledger's size and head, and the hub's key id, from a database. */
static hub_result read_head(sqlite3 *db, const char *path, hub_backup_summary *sum, char *err,
			    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	hub_result rc = HUB_EDB;

	if (sqlite3_prepare_v2(db,
			       "SELECT count(*), coalesce(max(id), 0),"
			       " (SELECT value FROM hub_meta WHERE key = 'hub_key_id')"
			       " FROM hub_ledger",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		db_error(db, _("cannot read the ledger of"), path, err, errlen);
		goto done;
	}
	sum->ledger_rows = sqlite3_column_int64(st, 0);
	sum->ledger_last = sqlite3_column_int64(st, 1);
	snprintf(sum->hub_key_id, sizeof(sum->hub_key_id), "%s",
		 sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "");
	rc = HUB_OK;
done:
	sqlite3_finalize(st);
	return rc;
}

/* dir's hub.db, as one snapshot, into the new file copy. */
static hub_result snapshot(const char *dir, const char *copy, hub_backup_summary *sum, char *err,
			   size_t errlen)
{
	char src[PATH_MAX];
	sqlite3 *from = NULL, *to = NULL;
	sqlite3_backup *b;
	hub_result rc = HUB_EDB;
	int step;

	snprintf(src, sizeof(src), "%s/%s", dir, HUB_DB_FILE);
	if (access(src, R_OK) != 0) {
		snprintf(err, errlen, _("no hub in '%s': give the hub's directory with --dir"), dir);
		return HUB_REFUSED;
	}
	if (sqlite3_open_v2(src, &from, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		db_error(from, _("cannot open"), src, err, errlen);
		goto done;
	}
	sqlite3_busy_timeout(from, 10000);
	if (sqlite3_open_v2(copy, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		db_error(to, _("cannot create"), copy, err, errlen);
		goto done;
	}
	b = sqlite3_backup_init(to, "main", from, "main");
	if (!b) {
		db_error(to, _("cannot start the copy of"), src, err, errlen);
		goto done;
	}
	/* all pages in one step: one read transaction, one snapshot */
	while ((step = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || step == SQLITE_LOCKED)
		sqlite3_sleep(50);
	if (sqlite3_backup_finish(b) != SQLITE_OK || step != SQLITE_DONE) {
		db_error(to, _("cannot copy"), src, err, errlen);
		goto done;
	}
	rc = read_head(to, copy, sum, err, errlen);
done:
	sqlite3_close(from);
	sqlite3_close(to);
	return rc;
}

/* The test hook (backup.h): say where we are, then wait to be killed. */
static void test_stall(void)
{
	const char *fifo = getenv(HUB_BACKUP_STALL_ENV);
	int fd;

	if (!fifo || !*fifo || (fd = open(fifo, O_WRONLY | O_CLOEXEC)) < 0)
		return;
	if (write(fd, "stalled\n", 8) == 8)
		for (;;)
			pause();
	close(fd);
}

static hub_result put_photos(hub_backup_out *o, const char *dir, hub_backup_summary *sum, char *err,
			     size_t errlen)
{
	char path[PATH_MAX + 2 * NAME_MAX + 16], name[2 * NAME_MAX + 16];
	struct dirent *fan, *e;
	DIR *top, *sub = NULL;
	hub_result rc = HUB_OK;

	snprintf(path, sizeof(path), "%s/%s", dir, HUB_PHOTOS_DIR);
	if (!(top = opendir(path)))
		return errno == ENOENT ? HUB_OK
				       : hub_eio(err, errlen, _("cannot read the photos of"), path,
						 _("check its permissions"));
	while (rc == HUB_OK && (fan = readdir(top))) {
		if (strlen(fan->d_name) != 2 || fan->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", dir, HUB_PHOTOS_DIR, fan->d_name);
		if (!(sub = opendir(path)))
			continue;
		while (rc == HUB_OK && (e = readdir(sub))) {
			if (!hub_photo_hex_ok(e->d_name)) /* "." and files being written */
				continue;
			snprintf(name, sizeof(name), "%s/%s/%s", HUB_PHOTOS_DIR, fan->d_name, e->d_name);
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			rc = hub_backup_out_file(o, name, path, err, errlen);
			sum->photos++;
		}
		closedir(sub);
	}
	closedir(top);
	return rc;
}

static hub_result put_keys(hub_backup_out *o, const char *dir, const char *passphrase, char *err,
			   size_t errlen)
{
	char path[PATH_MAX], name[64];
	proto_buf plain, sealed;
	hub_result rc = HUB_OK;

	proto_buf_init(&plain, KEY_MAX_BYTES);
	proto_buf_init(&sealed, KEY_MAX_BYTES * 2);
	for (size_t i = 0; rc == HUB_OK && key_files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, key_files[i]);
		snprintf(name, sizeof(name), KEY_PART_PREFIX "%s", key_files[i]);
		if (proto_read_file(path, &plain) != PROTO_OK) {
			errno = proto_errno();
			rc = hub_eio(err, errlen, _("cannot read the key"), path,
				     _("check its permissions (run as the hub's user)"));
			break;
		}
		rc = hub_backup_seal_key(passphrase, name, plain.data, plain.len, &sealed, err, errlen);
		if (rc == HUB_OK)
			rc = hub_backup_out_bytes(o, name, sealed.data, sealed.len, err, errlen);
		OPENSSL_cleanse(plain.data, plain.len);
	}
	proto_buf_release(&plain);
	proto_buf_release(&sealed);
	return rc;
}

hub_result hub_backup_make(const char *dir, const char *to, const char *passphrase,
			   hub_backup_summary *sum, char *err, size_t errlen)
{
	char copy[PATH_MAX], path[PATH_MAX], num[32];
	hub_backup_out out;
	hub_result rc;

	memset(sum, 0, sizeof(*sum));
	if ((size_t)snprintf(copy, sizeof(copy), "%s.db.%ld", to, (long)getpid()) >= sizeof(copy)) {
		snprintf(err, errlen, _("the backup's file name is too long: '%s'"), to);
		return HUB_REFUSED;
	}
	unlink(copy);
	if ((rc = snapshot(dir, copy, sum, err, errlen)) != HUB_OK)
		goto done;
	sum->with_keys = passphrase != NULL;
	if ((rc = hub_backup_out_open(&out, to, "hub", err, errlen)) != HUB_OK)
		goto done;
	snprintf(num, sizeof(num), "%" PRId64, sum->ledger_rows);
	if ((rc = hub_backup_out_note(&out, "hub_key_id", sum->hub_key_id, err, errlen)) ||
	    (rc = hub_backup_out_note(&out, "ledger_rows", num, err, errlen)))
		goto fail;
	snprintf(num, sizeof(num), "%" PRId64, sum->ledger_last);
	if ((rc = hub_backup_out_note(&out, "ledger_last", num, err, errlen)))
		goto fail;
	snprintf(num, sizeof(num), "%lld", (long long)time(NULL));
	if ((rc = hub_backup_out_note(&out, "created", num, err, errlen)) ||
	    (rc = hub_backup_out_note(&out, "keys", passphrase ? "sealed" : "none", err, errlen)) ||
	    (rc = hub_backup_out_file(&out, HUB_DB_FILE, copy, err, errlen)))
		goto fail;
	test_stall();
	for (size_t i = 0; public_files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, public_files[i]);
		if (access(path, F_OK) == 0 &&
		    (rc = hub_backup_out_file(&out, public_files[i], path, err, errlen)))
			goto fail;
	}
	if ((rc = put_photos(&out, dir, sum, err, errlen)) ||
	    (passphrase && (rc = put_keys(&out, dir, passphrase, err, errlen))))
		goto fail;
	rc = hub_backup_out_close(&out, err, errlen);
	goto done;
fail:
	hub_backup_out_discard(&out);
done:
	unlink(copy);
	return rc;
}

/* ---- restore ---- */

typedef struct restore_walk {
	const char *dir;
	const char *passphrase;
	int keys_pass; /* 1: only the sealed keys are read (and opened); 0: the rest is written */
	hub_backup_summary *sum;
	proto_buf sealed;
	proto_buf keys[3]; /* key_files' bytes, opened */
} restore_walk;

/* Where a part goes: its path under dir, or -1 for a name no hub backup
 * writes (a damaged or forged file; checked before anything is written). */
static int part_path(const restore_walk *w, const char *name, char *path, size_t size)
{
	const char *hex = name + strlen(HUB_PHOTOS_DIR) + 4;

	if (strcmp(name, HUB_DB_FILE) == 0 || cli_choice(public_files, name) >= 0)
		return snprintf(path, size, "%s/%s", w->dir, name) < (int)size ? 0 : -1;
	if (strncmp(name, HUB_PHOTOS_DIR "/", strlen(HUB_PHOTOS_DIR) + 1) == 0 &&
	    strlen(name) == strlen(HUB_PHOTOS_DIR) + 4 + 64 && hub_photo_hex_ok(hex) &&
	    memcmp(name + strlen(HUB_PHOTOS_DIR) + 1, hex, 2) == 0 && hex[-1] == '/')
		return snprintf(path, size, "%s/%s", w->dir, name) < (int)size ? 0 : -1;
	return -1;
}

static hub_result restore_part(void *arg, const char *name, FILE *in, uint64_t size, char *err,
			       size_t errlen)
{
	restore_walk *w = arg;
	char path[PATH_MAX], tmp[PATH_MAX + 16];
	int k;
	hub_result rc;

	if (strncmp(name, KEY_PART_PREFIX, strlen(KEY_PART_PREFIX)) == 0) {
		k = cli_choice(key_files, name + strlen(KEY_PART_PREFIX));
		if (!w->keys_pass || !w->passphrase || k < 0)
			return HUB_OK; /* the second pass, or keys this restore leaves */
		if ((rc = hub_backup_read(in, size, KEY_MAX_BYTES * 2, &w->sealed, err, errlen)) ||
		    (rc = hub_backup_open_key(w->passphrase, name, w->sealed.data, w->sealed.len,
					      &w->keys[k], err, errlen)))
			return rc;
		return HUB_OK;
	}
	if (w->keys_pass)
		return HUB_OK;
	if (part_path(w, name, path, sizeof(path))) {
		snprintf(err, errlen,
			 _("the backup holds '%s', which no hub's backup holds: it is"
			   " not restored; use another backup"),
			 name);
		return HUB_REFUSED;
	}
	if (strncmp(name, HUB_PHOTOS_DIR "/", strlen(HUB_PHOTOS_DIR) + 1) == 0) {
		snprintf(tmp, sizeof(tmp), "%s/%s", w->dir, HUB_PHOTOS_DIR);
		mkdir(tmp, 0700);
		snprintf(tmp, sizeof(tmp), "%s/%.*s", w->dir, (int)strlen(HUB_PHOTOS_DIR) + 3, name);
		mkdir(tmp, 0700);
		w->sum->photos++;
	}
	/* the database is put in place last, by hub_backup_restore */
	snprintf(tmp, sizeof(tmp), "%s.restore", path);
	if ((rc = hub_backup_copy(in, size, tmp, err, errlen)) != HUB_OK)
		return rc;
	if (strcmp(name, HUB_DB_FILE) != 0 && rename(tmp, path) != 0)
		return hub_eio(err, errlen, _("cannot put in place"), path,
			       _("check the directory's permissions"));
	return HUB_OK;
}

/* The hub key id of dir's hub.key into out ("" when there is none). */
static hub_result dir_key_id(const char *dir, char out[17], char *err, size_t errlen)
{
	char path[PATH_MAX];
	proto_key *key = NULL;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, HUB_KEY_FILE);
	if (access(path, F_OK) != 0)
		return HUB_OK;
	if (proto_key_load_private(path, &key) != PROTO_OK) {
		snprintf(err, errlen, _("cannot read the hub key '%s': check its permissions"), path);
		return HUB_EIO;
	}
	proto_key_id_hex(proto_key_id(key), out);
	proto_key_free(key);
	return HUB_OK;
}

/* Refuses a directory whose hub.db another process has open: a serving hub
 * (or a command running on it) would keep writing to the database restore
 * is about to replace, and its WAL would be deleted under it. Every SQLite
 * connection to a WAL database holds a shared lock while open, so an
 * exclusive lock taken at once, without waiting, says nobody else has it.
 * The lock is let go before the restore writes: a hub started in the
 * moments between is the operator's doing (the guide says stop it first). */
static hub_result refuse_live(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	sqlite3 *db = NULL;
	hub_result rc = HUB_OK;
	int r;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, HUB_DB_FILE) >= sizeof(path) ||
	    access(path, F_OK) != 0)
		return HUB_OK; /* nothing to replace */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		rc = db_error(db, _("cannot open"), path, err, errlen);
		goto done;
	}
	r = sqlite3_exec(db, "PRAGMA locking_mode = EXCLUSIVE", NULL, NULL, NULL);
	if (r == SQLITE_OK)
		r = sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL);
	if ((r & 0xff) == SQLITE_BUSY || (r & 0xff) == SQLITE_LOCKED) {
		snprintf(err, errlen,
			 _("a hub is serving from '%s' (or another maiam-hub command has its"
			   " database open): stop it first ('systemctl stop maiam-hub'), then"
			   " restore again, or restore into another directory"),
			 dir);
		rc = HUB_REFUSED;
	}
	/* any other answer (a damaged hub.db) is for the restore to replace */
done:
	sqlite3_close(db);
	return rc;
}

/*
 * The restored ledger gets an epoch of its own (epoch.h) before it is put in
 * place: its rows after the backup's last one will not be the old hub's, and
 * the laptops that read those must be told. Done on the staged copy, so the
 * database a restore puts in place always has its new epoch.
 */
static hub_result new_epoch(const restore_walk *w, char *err, size_t errlen)
{
	char path[PATH_MAX];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t last = 0;
	hub_result rc = HUB_EDB;

	snprintf(path, sizeof(path), "%s/%s.restore", w->dir, HUB_DB_FILE);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
	    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) FROM hub_ledger", -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto out;
	last = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	rc = hub_epoch_new(db, last);
	if (rc == HUB_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = HUB_EDB;
out:
	if (rc != HUB_OK) {
		if (rc == HUB_ECRYPTO)
			snprintf(err, errlen, "%s",
				 _("cannot make the restored ledger's epoch: no random bytes; try again"));
		else
			db_error(db, _("cannot mark the restored ledger in"), path, err, errlen);
		if (db)
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

/* The opened keys into dir, and the database over the old one (its WAL
 * and shared-memory files first: they belong to the old database). */
static hub_result put_in_place(restore_walk *w, char *err, size_t errlen)
{
	char path[PATH_MAX], tmp[PATH_MAX + 16];

	for (size_t k = 0; key_files[k]; k++) {
		if (!w->keys[k].len)
			continue;
		snprintf(path, sizeof(path), "%s/%s", w->dir, key_files[k]);
		if (proto_write_file_atomic(path, w->keys[k].data, w->keys[k].len, 0600) != PROTO_OK) {
			errno = proto_errno();
			return hub_eio(err, errlen, _("cannot write the key"), path,
				       _("check the directory's permissions"));
		}
	}
	snprintf(path, sizeof(path), "%s/%s-wal", w->dir, HUB_DB_FILE);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s-shm", w->dir, HUB_DB_FILE);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", w->dir, HUB_DB_FILE);
	snprintf(tmp, sizeof(tmp), "%s.restore", path);
	if (rename(tmp, path) != 0)
		return hub_eio(err, errlen, _("cannot put in place"), path,
			       _("check the directory's permissions"));
	return HUB_OK;
}

/* The restored database holds the ledger the manifest promised. */
static hub_result check_restored(const restore_walk *w, const proto_buf *manifest, char *err, size_t errlen)
{
	char path[PATH_MAX], want[32], got[32];
	hub_backup_summary head = { 0 };
	sqlite3 *db = NULL;
	hub_result rc = HUB_EDB;

	snprintf(path, sizeof(path), "%s/%s", w->dir, HUB_DB_FILE);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		db_error(db, _("cannot open"), path, err, errlen);
		goto done;
	}
	if ((rc = read_head(db, path, &head, err, errlen)) != HUB_OK)
		goto done;
	snprintf(got, sizeof(got), "%" PRId64, head.ledger_rows);
	rc = HUB_REFUSED; /* a ledger other than the manifest's */
	if (!hub_backup_manifest_get(manifest, "ledger_rows", want, sizeof(want)) ||
	    strcmp(want, got) != 0) {
		snprintf(err, errlen,
			 _("the restored database holds %s ledger rows, the backup says %s:"
			   " use another backup"),
			 got, want);
		goto done;
	}
	rc = HUB_OK;
	w->sum->ledger_rows = head.ledger_rows;
	w->sum->ledger_last = head.ledger_last;
done:
	sqlite3_close(db);
	return rc;
}

hub_result hub_backup_restore(const char *file, const char *dir, const char *passphrase,
			      hub_backup_summary *sum, char *err, size_t errlen)
{
	char have[17], keys[16];
	proto_buf manifest;
	restore_walk w = { .dir = dir, .passphrase = passphrase, .sum = sum };
	hub_result rc;

	memset(sum, 0, sizeof(*sum));
	proto_buf_init(&manifest, HUB_BACKUP_MANIFEST_MAX + 1);
	proto_buf_init(&w.sealed, KEY_MAX_BYTES * 2);
	for (size_t k = 0; k < 3; k++)
		proto_buf_init(&w.keys[k], KEY_MAX_BYTES);
	if ((rc = hub_backup_check(file, "hub", &manifest, err, errlen)) != HUB_OK)
		goto done;
	if (!hub_backup_manifest_get(&manifest, "hub_key_id", sum->hub_key_id, sizeof(sum->hub_key_id)) ||
	    !hub_backup_manifest_get(&manifest, "keys", keys, sizeof(keys))) {
		rc = HUB_REFUSED;
		snprintf(err, errlen,
			 _("the backup '%s' does not say which hub it is of: use another"
			   " backup"),
			 file);
		goto done;
	}
	sum->with_keys = strcmp(keys, "sealed") == 0;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		rc = hub_eio(err, errlen, _("cannot make the hub directory"), dir,
			     _("check its parent's permissions"));
		goto done;
	}
	if ((rc = dir_key_id(dir, have, err, errlen)) != HUB_OK)
		goto done;
	if (*have && strcmp(have, sum->hub_key_id) != 0) {
		snprintf(err, errlen,
			 _("'%s' is a backup of hub %s but '%s' holds hub %s: restore it into an"
			   " empty directory, or give this hub's backup"),
			 file, sum->hub_key_id, dir, have);
		rc = HUB_REFUSED;
		goto done;
	}
	if (!*have && sum->with_keys && !passphrase) {
		snprintf(err, errlen,
			 _("the backup's keys are sealed with a passphrase: give it with"
			   " --passphrase-file FILE"));
		sum->needs_passphrase = 1;
		rc = HUB_REFUSED;
		goto done;
	}
	if ((rc = refuse_live(dir, err, errlen)) != HUB_OK)
		goto done;
	sum->keys_missing = !*have && !sum->with_keys;
	if (*have)
		w.passphrase = NULL; /* the directory's own keys stay */
	w.keys_pass = 1;             /* a wrong passphrase is said before anything is written */
	if ((rc = hub_backup_each(file, restore_part, &w, err, errlen)) != HUB_OK)
		goto done;
	w.keys_pass = 0;
	if ((rc = hub_backup_each(file, restore_part, &w, err, errlen)) != HUB_OK ||
	    (rc = new_epoch(&w, err, errlen)) != HUB_OK || (rc = put_in_place(&w, err, errlen)) != HUB_OK)
		goto done;
	rc = check_restored(&w, &manifest, err, errlen);
done:
	proto_buf_release(&manifest);
	proto_buf_release(&w.sealed);
	for (size_t k = 0; k < 3; k++) {
		if (w.keys[k].data)
			OPENSSL_cleanse(w.keys[k].data, w.keys[k].len);
		proto_buf_release(&w.keys[k]);
	}
	return rc;
}
