/*
 * backup_file.h - the one-file container of a backup (docs/BACKUP.md,
 * "The backup file"). Text lines frame binary parts:
 *
 *   MAIAM-BACKUP 1 <kind>\n
 *   P <size> <name>\n <size bytes>          (one per part, in any number)
 *   M <size>\n <manifest: size bytes>
 *   E <SHA-256 hex of every byte before this line>\n
 *
 * The manifest holds "key value" lines the caller notes (hub key, ledger
 * head...), then one "part <SHA-256 hex> <size> <name>" line per part in
 * the order written. A file is whole when its end line is there, its hash
 * matches and every part matches its manifest line: a backup cut short or
 * damaged is refused before anything is restored from it.
 *
 * The writer writes "<path>.tmp.<pid>" and renames it over path only when
 * everything is written and fsync'd; a writer killed midway leaves that
 * temporary file, which the reader refuses. Results are hub_result with one
 * line in err naming the file and the way out.
 */
#ifndef HUB_BACKUP_FILE_H
#define HUB_BACKUP_FILE_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include "maiam/buf.h"
#include "result.h"

#define HUB_BACKUP_MAGIC "MAIAM-BACKUP 1"
#define HUB_BACKUP_NAME_MAX 200
#define HUB_BACKUP_MANIFEST_MAX (16u << 20)

typedef struct hub_backup_out {
	FILE *f;
	char path[PATH_MAX];
	char tmp[PATH_MAX];
	struct evp_md_ctx_st *all; /* SHA-256 of every byte written */
	proto_buf notes;           /* the manifest's "key value" lines */
	proto_buf parts;           /* its "part ..." lines */
} hub_backup_out;

/* Start a backup of this kind ("hub", "agent") at path. On HUB_OK the
 * caller ends with hub_backup_out_close or hub_backup_out_discard. */
hub_result hub_backup_out_open(hub_backup_out *o, const char *path, const char *kind, char *err,
			       size_t errlen);
/* Note "key value" in the manifest (neither with a newline). */
hub_result hub_backup_out_note(hub_backup_out *o, const char *key, const char *value, char *err,
			       size_t errlen);
/* One part: the bytes of the file src, or of data. */
hub_result hub_backup_out_file(hub_backup_out *o, const char *name, const char *src, char *err,
			       size_t errlen);
hub_result hub_backup_out_bytes(hub_backup_out *o, const char *name, const void *data, size_t len,
				char *err, size_t errlen);
/* The manifest and the end line, fsync, rename over path, fsync its folder.
 * Frees o whatever the result (a failure removes the temporary file). */
hub_result hub_backup_out_close(hub_backup_out *o, char *err, size_t errlen);
/* Give up: remove the temporary file and free o. */
void hub_backup_out_discard(hub_backup_out *o);

/*
 * Read the backup at path, which must be of this kind, to its end and check
 * it whole (see above). HUB_OK with the manifest in *manifest (the caller's
 * buffer, reset first), HUB_REFUSED when it is cut short, damaged, of
 * another kind or no backup, HUB_EIO when it cannot be read.
 */
hub_result hub_backup_check(const char *path, const char *kind, proto_buf *manifest, char *err,
			    size_t errlen);
/* A manifest's value for key, into out: 1 found, 0 not. */
int hub_backup_manifest_get(const proto_buf *manifest, const char *key, char *out, size_t outlen);

/*
 * Each part of a checked backup, in order: part(arg, name, in, size) reads
 * exactly size bytes from in (hub_backup_copy helps) or leaves them (the
 * walk skips what it did not read). A non-HUB_OK result stops the walk and
 * is returned, with err said by part.
 */
typedef hub_result (*hub_backup_part_fn)(void *arg, const char *name, FILE *in, uint64_t size, char *err,
					 size_t errlen);
hub_result hub_backup_each(const char *path, hub_backup_part_fn part, void *arg, char *err, size_t errlen);
/* Copy size bytes of in to a new file at dest (mode 0600, fsync'd). */
hub_result hub_backup_copy(FILE *in, uint64_t size, const char *dest, char *err, size_t errlen);
/* Read size bytes of in (at most max) into out (reset first). */
hub_result hub_backup_read(FILE *in, uint64_t size, size_t max, proto_buf *out, char *err, size_t errlen);

#endif
