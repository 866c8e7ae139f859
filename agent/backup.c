/*
 * backup.c - the laptop's backup to a folder and its restore (backup.h).
 * A restore reads the whole backup first (every file against its MANIFEST
 * line, the keys opened with the passphrase) and only then writes into the
 * home, each file under a temporary name renamed into place, the store
 * last: a refused backup leaves the home as it was.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include "maiam/backupfile.h"
#include "maiam/fsutil.h"
#include "maiam/keys.h"
#include "backup.h"
#include "photo_store.h"
#include "store.h"

#define MANIFEST_MAX (16u << 20)
#define KEY_FILE_MAX (64u << 10)
#define KEYS_MAX 8
#define DB_NAME "agent.db"
#define SEALED_SUFFIX ".sealed"

static int is_key_file(const char *name)
{
	return strncmp(name, "agent.key", 9) == 0;
}

/* Files of the home a backup leaves: the store's journals (the snapshot
 * holds their content), temporary files, hidden ones. */
static int left_out(const char *name)
{
	return name[0] == '.' || strncmp(name, DB_NAME "-", strlen(DB_NAME) + 1) == 0 ||
	       strstr(name, ".tmp") != NULL || strstr(name, ".part") != NULL ||
	       strstr(name, ".restore") != NULL;
}

static int hex64(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 64;
}

static int join(char *out, const char *dir, const char *name)
{
	return agent_path_join(out, AGENT_PATH_MAX, dir, name);
}

/* src into dir/name by a temporary name and rename; its line in man. */
static int put_file(const char *src, const char *dir, const char *name, const char *kind, proto_buf *man)
{
	char dest[AGENT_PATH_MAX], part[AGENT_PATH_MAX + 8], hex[65];
	uint8_t sha[32];
	uint64_t size;
	proto_result r;

	if (join(dest, dir, name) != 0) {
		agent_err(_("the backup folder's path is too long: '%s'"), dir);
		return -1;
	}
	snprintf(part, sizeof part, "%s.part", dest);
	unlink(part);
	r = proto_copy_file_sha256(src, part, 0600, sha, &size);
	if (r != PROTO_OK || rename(part, dest) != 0) {
		agent_err(_("cannot copy '%s' into the backup folder '%s': %s; check the USB stick (space,"
			    " read-only?), then back up again"),
			  src, dir, r != PROTO_OK ? proto_cause(r) : strerror(errno));
		unlink(part);
		return -1;
	}
	proto_hex(sha, 32, hex);
	return proto_buf_appendf(man, "%s %s %" PRIu64 " %s\n", kind, hex, size, name) ? -1 : 0;
}

/* The store as one consistent snapshot, by SQLite's online backup. */
static int put_store(agent_ctx *ctx, const char *dir, proto_buf *man)
{
	char snap[AGENT_PATH_MAX + 16], path[AGENT_PATH_MAX];
	sqlite3 *to = NULL;
	sqlite3_backup *b = NULL;
	int rc = -1, step = SQLITE_ERROR;

	if (join(path, dir, DB_NAME ".snapshot") != 0)
		return -1;
	snprintf(snap, sizeof snap, "%s", path);
	unlink(snap);
	if (sqlite3_open_v2(snap, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) == SQLITE_OK &&
	    (b = sqlite3_backup_init(to, "main", ctx->db, "main")) != NULL)
		while ((step = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || step == SQLITE_LOCKED)
			sqlite3_sleep(50);
	if (b && sqlite3_backup_finish(b) == SQLITE_OK && step == SQLITE_DONE)
		rc = 0;
	else
		agent_err(_("cannot copy the store into '%s': %s; check the USB stick, then back up again"),
			  snap, to ? sqlite3_errmsg(to) : "out of memory");
	sqlite3_close(to);
	if (rc == 0)
		rc = put_file(snap, dir, DB_NAME, "file", man);
	unlink(snap);
	return rc;
}

static int put_key(const char *src, const char *dir, const char *name, const char *passphrase,
		   proto_buf *man)
{
	char dest[AGENT_PATH_MAX], sealed_name[NAME_MAX + 16], hex[65];
	proto_buf plain, sealed;
	uint8_t sha[32];
	int rc = -1;

	proto_buf_init(&plain, KEY_FILE_MAX);
	proto_buf_init(&sealed, KEY_FILE_MAX * 2);
	snprintf(sealed_name, sizeof sealed_name, "%s" SEALED_SUFFIX, name);
	if (join(dest, dir, sealed_name) != 0 || proto_read_file(src, &plain) != PROTO_OK ||
	    proto_passphrase_seal(passphrase, name, plain.data, plain.len, &sealed) != PROTO_OK ||
	    proto_write_file_atomic(dest, sealed.data, sealed.len, 0600) != PROTO_OK) {
		agent_err(_("cannot seal the key '%s' into the backup folder '%s': %s; check the key file"
			    " and the USB stick, then back up again"),
			  src, dir, proto_errno() ? strerror(proto_errno()) : "OpenSSL");
		goto out;
	}
	proto_sha256(sealed.data, sealed.len, sha);
	proto_hex(sha, 32, hex);
	rc = proto_buf_appendf(man, "sealed %s %zu %s\n", hex, sealed.len, name) ? -1 : 0;
out:
	if (plain.data)
		OPENSSL_cleanse(plain.data, plain.len);
	proto_buf_release(&plain);
	proto_buf_release(&sealed);
	return rc;
}

static int put_photos(agent_ctx *ctx, const char *dir, proto_buf *man, agent_backup_count *n)
{
	char src[AGENT_PATH_MAX], dest[AGENT_PATH_MAX], name[2 * NAME_MAX + 16];
	struct dirent *fan, *e;
	DIR *top, *sub;
	int rc = 0;

	if (join(src, ctx->home, AGENT_PHOTO_DIR) != 0 || !(top = opendir(src)))
		return 0; /* no photos yet */
	while (rc == 0 && (fan = readdir(top))) {
		if (strlen(fan->d_name) != 2 || fan->d_name[0] == '.')
			continue;
		snprintf(name, sizeof name, "%s/%s", AGENT_PHOTO_DIR, fan->d_name);
		if (join(src, ctx->home, name) != 0 || !(sub = opendir(src)))
			continue;
		join(dest, dir, name);
		agent_mkdirs(dest, 0700);
		while (rc == 0 && (e = readdir(sub))) {
			if (!hex64(e->d_name))
				continue;
			snprintf(name, sizeof name, "%s/%s/%s", AGENT_PHOTO_DIR, fan->d_name, e->d_name);
			rc = join(src, ctx->home, name) != 0 ? -1 : put_file(src, dir, name, "file", man);
			n->photos++;
		}
		closedir(sub);
	}
	closedir(top);
	return rc;
}

/* The end line: SHA-256 of every line before it. */
static int seal_manifest(proto_buf *man)
{
	uint8_t sha[32];
	char hex[65];

	proto_sha256(man->data, man->len, sha);
	proto_hex(sha, 32, hex);
	return proto_buf_appendf(man, "end %s\n", hex) ? -1 : 0;
}

int agent_backup_write(agent_ctx *ctx, const char *dir, const char *passphrase, agent_backup_count *n)
{
	char path[AGENT_PATH_MAX], src[AGENT_PATH_MAX];
	proto_buf man;
	struct dirent *e;
	DIR *home = NULL;
	int rc = AGENT_FAIL;

	memset(n, 0, sizeof *n);
	proto_buf_init(&man, MANIFEST_MAX);
	proto_key_id_hex(ctx->key_id, n->key_id);
	if (agent_mkdirs(dir, 0700) != 0 || join(path, dir, AGENT_BACKUP_MANIFEST) != 0) {
		agent_err(_("cannot make the backup folder '%s': %s; check the USB stick is mounted and"
			    " writable"),
			  dir, strerror(errno));
		goto out;
	}
	unlink(path); /* an older backup here is no longer whole until the new MANIFEST */
	if (proto_buf_appendf(&man, "%s\nkey_id %s\ncreated %lld\n", AGENT_BACKUP_HEAD, n->key_id,
			      (long long)time(NULL)) ||
	    put_store(ctx, dir, &man))
		goto out;
	n->files++;
	if (!(home = opendir(ctx->home))) {
		agent_err(_("cannot read the home '%s': %s"), ctx->home, strerror(errno));
		goto out;
	}
	while ((e = readdir(home))) {
		struct stat st;

		if (left_out(e->d_name) || strcmp(e->d_name, DB_NAME) == 0 ||
		    join(src, ctx->home, e->d_name) != 0 || stat(src, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (is_key_file(e->d_name) ? put_key(src, dir, e->d_name, passphrase, &man)
					   : put_file(src, dir, e->d_name, "file", &man))
			goto out;
		if (is_key_file(e->d_name))
			n->keys++;
		else
			n->files++;
	}
	if (put_photos(ctx, dir, &man, n) || seal_manifest(&man))
		goto out;
	if (proto_write_file_atomic(path, man.data, man.len, 0600) != PROTO_OK) {
		agent_err(_("cannot write the backup's MANIFEST '%s': %s; check the USB stick, then back"
			    " up again"),
			  path, strerror(proto_errno()));
		goto out;
	}
	rc = AGENT_OK;
out:
	if (home)
		closedir(home);
	proto_buf_release(&man);
	return rc;
}

/* ---- restore ---- */

/* One line of the MANIFEST: "file|sealed <hex> <size> <name>". */
typedef struct entry {
	int sealed;
	char hex[65];
	uint64_t size;
	const char *name; /* into the manifest's text */
} entry;

static int parse_entry(char *line, entry *en)
{
	char *p, *end;

	if (strncmp(line, "file ", 5) == 0)
		en->sealed = 0;
	else if (strncmp(line, "sealed ", 7) == 0)
		en->sealed = 1;
	else
		return 0;
	p = strchr(line, ' ') + 1;
	if (strlen(p) < 67 || p[64] != ' ')
		return -1;
	memcpy(en->hex, p, 64);
	en->hex[64] = '\0';
	errno = 0;
	en->size = strtoull(p + 65, &end, 10);
	if (!hex64(en->hex) || errno || *end != ' ')
		return -1;
	en->name = end + 1;
	/* a name the backup writes: no way out of the home */
	if (!*en->name || en->name[0] == '/' || strstr(en->name, "..") ||
	    (strchr(en->name, '/') && strncmp(en->name, AGENT_PHOTO_DIR "/", 7) != 0) ||
	    (en->sealed && !is_key_file(en->name)))
		return -1;
	return 1;
}

static int refuse(const char *dir, const char *why)
{
	agent_err(_("the backup in '%s' cannot be restored: %s; nothing was restored; use another"
		    " backup"),
		  dir, why);
	return AGENT_USAGE;
}

/* The MANIFEST whole: its head and its end line's hash. */
static int read_manifest(const char *dir, proto_buf *man, char *key_id)
{
	char path[AGENT_PATH_MAX], hex[65], *text, *end_line;
	uint8_t sha[32];

	if (join(path, dir, AGENT_BACKUP_MANIFEST) != 0 || proto_read_file(path, man) != PROTO_OK ||
	    proto_buf_append_byte(man, '\0') != PROTO_OK)
		return refuse(dir, _("it has no MANIFEST (the backup was interrupted, or this is not a"
				     " backup folder)"));
	text = (char *)man->data;
	end_line = strstr(text, "\nend ");
	if (strncmp(text, AGENT_BACKUP_HEAD "\n", strlen(AGENT_BACKUP_HEAD) + 1) != 0 || !end_line)
		return refuse(dir, _("its MANIFEST is cut short or not a backup's"));
	end_line++;
	proto_sha256(man->data, (size_t)(end_line - text), sha);
	proto_hex(sha, 32, hex);
	if (strncmp(end_line + 4, hex, 64) != 0 || strcmp(end_line + 68, "\n") != 0)
		return refuse(dir, _("its MANIFEST is damaged"));
	*end_line = '\0';
	if (!strstr(text, "\nkey_id ") || sscanf(strstr(text, "\nkey_id ") + 8, "%16s", key_id) != 1)
		return refuse(dir, _("its MANIFEST names no laptop key"));
	return AGENT_OK;
}

/* Every file as its line says (hash only), the keys opened. */
static int check_files(const char *dir, char *text, const char *passphrase, proto_buf *keys,
		       const char **key_names, size_t *nkeys)
{
	char path[AGENT_PATH_MAX], sealed_name[AGENT_PATH_MAX], hex[65];
	proto_buf sealed;
	uint8_t sha[32];
	uint64_t size;
	entry en;
	int rc = AGENT_OK, k;

	proto_buf_init(&sealed, KEY_FILE_MAX * 2);
	for (char *line = text, *nl; rc == AGENT_OK && line && *line; line = nl) {
		if ((nl = strchr(line, '\n')))
			*nl++ = '\0';
		if ((k = parse_entry(line, &en)) == 0)
			continue;
		snprintf(sealed_name, sizeof sealed_name, "%s%s", en.name, en.sealed ? SEALED_SUFFIX : "");
		if (k < 0 || join(path, dir, sealed_name) != 0) {
			rc = refuse(dir, _("its MANIFEST has a line no backup writes"));
			break;
		}
		if (proto_copy_file_sha256(path, NULL, 0, sha, &size) != PROTO_OK ||
		    (proto_hex(sha, 32, hex), strcmp(hex, en.hex) != 0) || size != en.size) {
			agent_err(_("'%s' of the backup is missing or differs from its MANIFEST line"),
				  path);
			rc = refuse(dir, _("a file is damaged or missing"));
			break;
		}
		if (!en.sealed)
			continue;
		if (*nkeys >= KEYS_MAX || proto_read_file(path, &sealed) != PROTO_OK) {
			rc = refuse(dir, _("its keys cannot be read"));
			break;
		}
		if (proto_passphrase_open(passphrase, en.name, sealed.data, sealed.len, &keys[*nkeys]) !=
		    PROTO_OK) {
			agent_err(_("the passphrase does not open the laptop's key in the backup: give the"
				    " passphrase the backup was made with"));
			rc = AGENT_USAGE;
			break;
		}
		key_names[(*nkeys)++] = en.name;
	}
	proto_buf_release(&sealed);
	return rc;
}

/* The files into the home by temporary names and renames, the store last. */
static int copy_files(agent_ctx *ctx, const char *dir, const char *text, agent_backup_count *n)
{
	char src[AGENT_PATH_MAX], dest[AGENT_PATH_MAX], tmp[AGENT_PATH_MAX + 16], sub[AGENT_PATH_MAX];
	uint8_t sha[32];
	uint64_t size;
	entry en;

	for (const char *line = text; *line; line += strlen(line) + 1) {
		if (parse_entry((char *)line, &en) != 1 || en.sealed)
			continue;
		if (join(src, dir, en.name) != 0 || join(dest, ctx->home, en.name) != 0)
			return AGENT_FAIL;
		if (strncmp(en.name, AGENT_PHOTO_DIR "/", 7) == 0) {
			snprintf(sub, sizeof sub, "%.*s", (int)(strrchr(dest, '/') - dest), dest);
			agent_mkdirs(sub, 0700);
			n->photos++;
		} else {
			n->files++;
		}
		snprintf(tmp, sizeof tmp, "%s.restore", dest);
		unlink(tmp);
		if (proto_copy_file_sha256(src, tmp, 0600, sha, &size) != PROTO_OK ||
		    (strcmp(en.name, DB_NAME) != 0 && rename(tmp, dest) != 0)) {
			agent_err(_("cannot restore '%s' into '%s': %s; check the disk, then restore again"),
				  src, dest, strerror(errno));
			return AGENT_FAIL;
		}
	}
	return AGENT_OK;
}

int agent_backup_restore(agent_ctx *ctx, const char *dir, const char *passphrase, agent_backup_count *n)
{
	char path[AGENT_PATH_MAX], tmp[AGENT_PATH_MAX + 16];
	const char *key_names[KEYS_MAX];
	proto_buf man, keys[KEYS_MAX];
	size_t nkeys = 0, i;
	char *copy = NULL;
	int rc;

	memset(n, 0, sizeof *n);
	proto_buf_init(&man, MANIFEST_MAX);
	for (i = 0; i < KEYS_MAX; i++)
		proto_buf_init(&keys[i], KEY_FILE_MAX);
	if (agent_store_exists(ctx->home)) {
		agent_err(_("'%s' already holds a store: restore into an empty home (--home DIR), or"
			    " move that store away first"),
			  ctx->home);
		rc = AGENT_USAGE;
		goto out;
	}
	if ((rc = read_manifest(dir, &man, n->key_id)) != AGENT_OK)
		goto out;
	/* check_files cuts the lines it reads: copy_files walks a copy */
	if (!(copy = proto_malloc(man.len))) {
		rc = AGENT_FAIL;
		goto out;
	}
	memcpy(copy, man.data, man.len);
	if ((rc = check_files(dir, (char *)man.data, passphrase, keys, key_names, &nkeys)) != AGENT_OK)
		goto out;
	for (char *p = copy; (p = strchr(p, '\n')); p++)
		*p = '\0';
	rc = AGENT_FAIL;
	if (agent_mkdirs(ctx->home, 0700) != 0) {
		agent_err(_("cannot create the home directory '%s': %s; pass another --home DIR"),
			  ctx->home, strerror(errno));
		goto out;
	}
	if ((rc = copy_files(ctx, dir, copy, n)) != AGENT_OK)
		goto out;
	for (i = 0; i < nkeys; i++, n->keys++)
		if (join(path, ctx->home, key_names[i]) != 0 ||
		    proto_write_file_atomic(path, keys[i].data, keys[i].len, 0600) != PROTO_OK) {
			agent_err(_("cannot write the key '%s': check the disk, then restore again"),
				  path);
			rc = AGENT_FAIL;
			goto out;
		}
	join(path, ctx->home, DB_NAME);
	snprintf(tmp, sizeof tmp, "%s.restore", path);
	if (rename(tmp, path) != 0) {
		agent_err(_("cannot restore '%s': %s; check the disk, then restore again"), path,
			  strerror(errno));
		rc = AGENT_FAIL;
	}
out:
	for (i = 0; i < KEYS_MAX; i++) {
		if (keys[i].data)
			OPENSSL_cleanse(keys[i].data, keys[i].len);
		proto_buf_release(&keys[i]);
	}
	free(copy);
	proto_buf_release(&man);
	return rc;
}
