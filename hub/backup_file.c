/*
 * backup_file.c - writing and reading the backup container (backup_file.h).
 * Parts are streamed through a small buffer: a province's photos are
 * gigabytes, so nothing holds a whole part but the small ones asked for.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>
#include "maiam/alloc.h"
#include "backup_file.h"
#include "i18n.h"

#define CHUNK (64u << 10)
#define LINE_MAX_BYTES (HUB_BACKUP_NAME_MAX + 64)

static void hex32(const uint8_t h[32], char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

static void digest_hex(EVP_MD_CTX *md, char out[65])
{
	uint8_t h[32];
	unsigned n = 0;

	EVP_DigestFinal_ex(md, h, &n);
	hex32(h, out);
}

static hub_result out_write(hub_backup_out *o, const void *p, size_t n, char *err, size_t errlen)
{
	if (fwrite(p, 1, n, o->f) != n)
		return hub_eio(err, errlen, _("cannot write the backup"), o->tmp,
			       _("check the free space where it goes"));
	EVP_DigestUpdate(o->all, p, n);
	return HUB_OK;
}

static int name_ok(const char *name)
{
	size_t n = strlen(name);

	return n && n <= HUB_BACKUP_NAME_MAX && !strchr(name, '\n') && !strstr(name, "..") &&
	       name[0] != '/';
}

hub_result hub_backup_out_open(hub_backup_out *o, const char *path, const char *kind, char *err,
			       size_t errlen)
{
	char head[64];
	int fd;

	memset(o, 0, sizeof(*o));
	proto_buf_init(&o->notes, HUB_BACKUP_MANIFEST_MAX / 2);
	proto_buf_init(&o->parts, HUB_BACKUP_MANIFEST_MAX / 2);
	if ((size_t)snprintf(o->path, sizeof(o->path), "%s", path) >= sizeof(o->path) ||
	    (size_t)snprintf(o->tmp, sizeof(o->tmp), "%s.tmp.%ld", path, (long)getpid()) >=
		    sizeof(o->tmp)) {
		snprintf(err, errlen, _("the backup's file name is too long: '%s'"), path);
		return HUB_REFUSED;
	}
	o->all = EVP_MD_CTX_new();
	if (!o->all || !EVP_DigestInit_ex(o->all, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(o->all);
		snprintf(err, errlen, _("cannot start SHA-256 for the backup"));
		return HUB_ECRYPTO;
	}
	fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || !(o->f = fdopen(fd, "wb"))) {
		hub_result rc = hub_eio(err, errlen, _("cannot create the backup"), o->tmp,
					_("check that its folder exists and can be written"));
		if (fd >= 0)
			close(fd);
		EVP_MD_CTX_free(o->all);
		return rc;
	}
	snprintf(head, sizeof(head), "%s %s\n", HUB_BACKUP_MAGIC, kind);
	if (out_write(o, head, strlen(head), err, errlen) != HUB_OK) {
		hub_backup_out_discard(o);
		return HUB_EIO;
	}
	return HUB_OK;
}

hub_result hub_backup_out_note(hub_backup_out *o, const char *key, const char *value, char *err,
			       size_t errlen)
{
	if (proto_buf_appendf(&o->notes, "%s %s\n", key, value) != PROTO_OK) {
		snprintf(err, errlen, _("out of memory writing the backup's manifest"));
		return HUB_ENOMEM;
	}
	return HUB_OK;
}

/* The part's header, then bytes from in or data, then its manifest line. */
static hub_result put_part(hub_backup_out *o, const char *name, FILE *in, const char *src,
			   const void *data, uint64_t size, char *err, size_t errlen)
{
	char line[LINE_MAX_BYTES], hex[65];
	uint8_t *chunk = NULL;
	uint64_t left = size;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	hub_result rc = HUB_ENOMEM;

	if (!name_ok(name)) {
		snprintf(err, errlen, _("'%s' cannot name a part of a backup"), name);
		rc = HUB_REFUSED;
		goto done;
	}
	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL) || (in && !(chunk = proto_malloc(CHUNK)))) {
		snprintf(err, errlen, _("out of memory writing the backup"));
		goto done;
	}
	snprintf(line, sizeof(line), "P %" PRIu64 " %s\n", size, name);
	if ((rc = out_write(o, line, strlen(line), err, errlen)) != HUB_OK)
		goto done;
	while (left > 0) {
		size_t n = left < CHUNK ? (size_t)left : CHUNK;
		const void *p = data;

		if (in) {
			if (fread(chunk, 1, n, in) != n) {
				if (!ferror(in))
					errno = EIO; /* it shrank while being read */
				rc = hub_eio(err, errlen, _("cannot read"), src,
					     _("check the file, then back up again"));
				goto done;
			}
			p = chunk;
		}
		EVP_DigestUpdate(md, p, n);
		if ((rc = out_write(o, p, n, err, errlen)) != HUB_OK)
			goto done;
		left -= n;
		if (!in)
			data = (const uint8_t *)data + n;
	}
	digest_hex(md, hex);
	rc = HUB_OK;
	if (proto_buf_appendf(&o->parts, "part %s %" PRIu64 " %s\n", hex, size, name) != PROTO_OK) {
		snprintf(err, errlen, _("out of memory writing the backup's manifest"));
		rc = HUB_ENOMEM;
	}
done:
	free(chunk);
	EVP_MD_CTX_free(md);
	return rc;
}

hub_result hub_backup_out_file(hub_backup_out *o, const char *name, const char *src, char *err,
			       size_t errlen)
{
	FILE *in = fopen(src, "rbe");
	hub_result rc;
	off_t size;

	if (!in || fseeko(in, 0, SEEK_END) != 0 || (size = ftello(in)) < 0 ||
	    fseeko(in, 0, SEEK_SET) != 0) {
		rc = hub_eio(err, errlen, _("cannot read"), src, _("check its permissions"));
		if (in)
			fclose(in);
		return rc;
	}
	rc = put_part(o, name, in, src, NULL, (uint64_t)size, err, errlen);
	fclose(in);
	return rc;
}

hub_result hub_backup_out_bytes(hub_backup_out *o, const char *name, const void *data, size_t len,
				char *err, size_t errlen)
{
	return put_part(o, name, NULL, name, data, len, err, errlen);
}

static void out_free(hub_backup_out *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	EVP_MD_CTX_free(o->all);
	o->all = NULL;
	proto_buf_release(&o->notes);
	proto_buf_release(&o->parts);
}

void hub_backup_out_discard(hub_backup_out *o)
{
	out_free(o);
	unlink(o->tmp);
}

/* fsync the folder holding path, so that a rename into it is durable. */
static int sync_folder(const char *path)
{
	char copy[PATH_MAX];
	int fd, rc;

	snprintf(copy, sizeof(copy), "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

hub_result hub_backup_out_close(hub_backup_out *o, char *err, size_t errlen)
{
	char line[96], hex[65];
	hub_result rc;

	snprintf(line, sizeof(line), "M %zu\n", o->notes.len + o->parts.len);
	if ((rc = out_write(o, line, strlen(line), err, errlen)) != HUB_OK ||
	    (o->notes.len && (rc = out_write(o, o->notes.data, o->notes.len, err, errlen)) != HUB_OK) ||
	    (o->parts.len && (rc = out_write(o, o->parts.data, o->parts.len, err, errlen)) != HUB_OK))
		goto fail;
	digest_hex(o->all, hex);
	snprintf(line, sizeof(line), "E %s\n", hex);
	if (fwrite(line, 1, strlen(line), o->f) != strlen(line) || fflush(o->f) != 0 ||
	    fsync(fileno(o->f)) != 0) {
		rc = hub_eio(err, errlen, _("cannot write the backup"), o->tmp,
			     _("check the free space where it goes"));
		goto fail;
	}
	if (rename(o->tmp, o->path) != 0 || sync_folder(o->path) != 0) {
		rc = hub_eio(err, errlen, _("cannot put the backup in place"), o->path,
			     _("check that its folder can be written"));
		goto fail;
	}
	out_free(o);
	return HUB_OK;
fail:
	hub_backup_out_discard(o);
	return rc;
}

/* ---- reading ---- */

/* One framing line of at most LINE_MAX_BYTES, without its newline: 1, or 0
 * at the end of the file or on a line too long (cut or damaged). */
static int read_line(FILE *in, char *line, size_t size)
{
	size_t n;

	if (!fgets(line, (int)size, in))
		return 0;
	n = strlen(line);
	if (n == 0 || line[n - 1] != '\n')
		return 0;
	line[n - 1] = '\0';
	return 1;
}

/* "P <size> <name>": 1 with *size and *name (into line), else 0. */
static int part_head(char *line, uint64_t *size, const char **name)
{
	char *end;

	if (strncmp(line, "P ", 2) != 0 || line[2] < '0' || line[2] > '9')
		return 0;
	errno = 0;
	*size = strtoull(line + 2, &end, 10);
	if (errno || *end != ' ' || !name_ok(end + 1))
		return 0;
	*name = end + 1;
	return 1;
}

static hub_result cut_short(const char *path, char *err, size_t errlen)
{
	snprintf(err, errlen,
		 _("the backup '%s' is cut short or damaged (it was interrupted, or its copy was"
		   " not finished): nothing was restored; use another backup"),
		 path);
	return HUB_REFUSED;
}

/* Hash size bytes of in into md (and all), or skip them (md NULL, all NULL). */
static int pass_bytes(FILE *in, uint64_t size, EVP_MD_CTX *md, EVP_MD_CTX *all, uint8_t *chunk)
{
	while (size > 0) {
		size_t n = size < CHUNK ? (size_t)size : CHUNK;

		if (fread(chunk, 1, n, in) != n)
			return -1;
		if (md)
			EVP_DigestUpdate(md, chunk, n);
		if (all)
			EVP_DigestUpdate(all, chunk, n);
		size -= n;
	}
	return 0;
}

static FILE *open_in(const char *path, const char *kind, char *line, size_t size, char *err,
		     size_t errlen, hub_result *rc)
{
	FILE *in = fopen(path, "rbe");
	char want[64];

	if (!in) {
		*rc = hub_eio(err, errlen, _("cannot read the backup"), path,
			      _("check the file's name and permissions"));
		return NULL;
	}
	snprintf(want, sizeof(want), "%s %s", HUB_BACKUP_MAGIC, kind);
	if (!read_line(in, line, size) || strcmp(line, want) != 0) {
		if (strncmp(line, HUB_BACKUP_MAGIC " ", strlen(HUB_BACKUP_MAGIC) + 1) == 0)
			snprintf(err, errlen,
				 _("'%s' is a backup of a %s, not of a %s: give a backup made by"
				   " 'maiam-%s backup'"),
				 path, line + strlen(HUB_BACKUP_MAGIC) + 1, kind, kind);
		else
			snprintf(err, errlen,
				 _("'%s' is not a backup of a %s: give a file made by 'maiam-%s"
				   " backup'"),
				 path, kind, kind);
		*rc = HUB_REFUSED;
		fclose(in);
		return NULL;
	}
	return in;
}

hub_result hub_backup_check(const char *path, const char *kind, proto_buf *manifest, char *err,
			    size_t errlen)
{
	char line[LINE_MAX_BYTES], hex[65], whole[65];
	const char *name, *parts;
	uint8_t *chunk = proto_malloc(CHUNK);
	EVP_MD_CTX *all = EVP_MD_CTX_new(), *md = EVP_MD_CTX_new();
	proto_buf seen;
	uint64_t size;
	FILE *in = NULL;
	hub_result rc = HUB_ENOMEM;

	proto_buf_reset(manifest);
	proto_buf_init(&seen, HUB_BACKUP_MANIFEST_MAX);
	if (!chunk || !all || !md || !EVP_DigestInit_ex(all, EVP_sha256(), NULL)) {
		snprintf(err, errlen, _("out of memory reading the backup"));
		goto done;
	}
	if (!(in = open_in(path, kind, line, sizeof(line), err, errlen, &rc)))
		goto done;
	rc = cut_short(path, err, errlen);
	snprintf(hex, sizeof(hex), "%s %s\n", HUB_BACKUP_MAGIC, kind); /* the head, hashed */
	EVP_DigestUpdate(all, hex, strlen(hex));
	for (;;) {
		if (!read_line(in, line, sizeof(line)))
			goto done;
		if (!part_head(line, &size, &name))
			break;
		EVP_DigestUpdate(all, line, strlen(line));
		EVP_DigestUpdate(all, "\n", 1);
		if (!EVP_DigestInit_ex(md, EVP_sha256(), NULL) || pass_bytes(in, size, md, all, chunk))
			goto done;
		digest_hex(md, hex);
		if (proto_buf_appendf(&seen, "part %s %" PRIu64 " %s\n", hex, size, name))
			goto done;
	}
	/* the manifest */
	if (strncmp(line, "M ", 2) != 0 ||
	    (size = strtoull(line + 2, NULL, 10)) > HUB_BACKUP_MANIFEST_MAX ||
	    proto_buf_reserve(manifest, (size_t)size + 1) != PROTO_OK ||
	    fread(manifest->data, 1, (size_t)size, in) != size)
		goto done;
	EVP_DigestUpdate(all, line, strlen(line));
	EVP_DigestUpdate(all, "\n", 1);
	EVP_DigestUpdate(all, manifest->data, (size_t)size);
	manifest->len = (size_t)size;
	manifest->data[size] = '\0';
	digest_hex(all, whole);
	if (!read_line(in, line, sizeof(line)) || strncmp(line, "E ", 2) != 0 ||
	    strcmp(line + 2, whole) != 0 || fgetc(in) != EOF)
		goto done;
	/* every part as the manifest lists it, and no other */
	parts = (const char *)manifest->data;
	if (strncmp(parts, "part ", 5) != 0 && (parts = strstr(parts, "\npart ")))
		parts++;
	if (seen.len ? !parts || strlen(parts) != seen.len || memcmp(parts, seen.data, seen.len)
		     : parts != NULL)
		goto done;
	rc = HUB_OK;
done:
	if (in)
		fclose(in);
	free(chunk);
	EVP_MD_CTX_free(all);
	EVP_MD_CTX_free(md);
	proto_buf_release(&seen);
	return rc;
}

int hub_backup_manifest_get(const proto_buf *manifest, const char *key, char *out, size_t outlen)
{
	const char *p = (const char *)manifest->data, *end = p ? p + manifest->len : NULL;
	size_t klen = strlen(key);

	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			nl = end;
		if ((size_t)(nl - p) > klen && memcmp(p, key, klen) == 0 && p[klen] == ' ') {
			snprintf(out, outlen, "%.*s", (int)(nl - p - (ptrdiff_t)klen - 1), p + klen + 1);
			return 1;
		}
		p = nl + 1;
	}
	return 0;
}

hub_result hub_backup_each(const char *path, hub_backup_part_fn part, void *arg, char *err, size_t errlen)
{
	char line[LINE_MAX_BYTES];
	const char *name;
	uint64_t size;
	off_t start;
	FILE *in = fopen(path, "rbe");
	hub_result rc = HUB_OK;

	if (!in)
		return hub_eio(err, errlen, _("cannot read the backup"), path,
			       _("check the file's name and permissions"));
	if (!read_line(in, line, sizeof(line))) /* the head, checked by hub_backup_check */
		rc = cut_short(path, err, errlen);
	while (rc == HUB_OK && read_line(in, line, sizeof(line)) && part_head(line, &size, &name)) {
		char copy[HUB_BACKUP_NAME_MAX + 1];

		snprintf(copy, sizeof(copy), "%s", name);
		start = ftello(in);
		rc = part(arg, copy, in, size, err, errlen);
		if (rc == HUB_OK && fseeko(in, start + (off_t)size, SEEK_SET) != 0)
			rc = cut_short(path, err, errlen);
	}
	fclose(in);
	return rc;
}

hub_result hub_backup_copy(FILE *in, uint64_t size, const char *dest, char *err, size_t errlen)
{
	int fd = open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	uint8_t *chunk = proto_malloc(CHUNK);
	hub_result rc = HUB_OK;

	if (fd < 0 || !chunk) {
		rc = hub_eio(err, errlen, _("cannot write"), dest, _("check the folder's permissions"));
		goto done;
	}
	while (size > 0) {
		size_t n = size < CHUNK ? (size_t)size : CHUNK;

		if (fread(chunk, 1, n, in) != n) {
			errno = EIO;
			rc = hub_eio(err, errlen, _("cannot read the backup for"), dest,
				     _("check the backup's medium"));
			goto done;
		}
		if (write(fd, chunk, n) != (ssize_t)n) {
			rc = hub_eio(err, errlen, _("cannot write"), dest,
				     _("check the free space there"));
			goto done;
		}
		size -= n;
	}
	if (fsync(fd) != 0)
		rc = hub_eio(err, errlen, _("cannot write"), dest, _("check the free space there"));
done:
	if (fd >= 0)
		close(fd);
	free(chunk);
	return rc;
}

hub_result hub_backup_read(FILE *in, uint64_t size, size_t max, proto_buf *out, char *err, size_t errlen)
{
	proto_buf_reset(out);
	if (size > max || proto_buf_reserve(out, (size_t)size) != PROTO_OK ||
	    fread(out->data, 1, (size_t)size, in) != size) {
		snprintf(err, errlen, _("a part of the backup is larger than it may be"));
		return HUB_REFUSED;
	}
	out->len = (size_t)size;
	return HUB_OK;
}
