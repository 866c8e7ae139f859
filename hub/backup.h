/*
 * backup.h - a hub's backup and its restore (docs/OPERATIONS.md, "Backups"): the database
 * by SQLite's online backup (the hub may be serving), the certificates and
 * the photos, into one file (backup_file.h) whose manifest names the hub
 * (its key id), the campaign and the ledger's head. The private keys go in
 * only when a passphrase is given, each sealed with it (backup_keys.c).
 * A restore checks the whole file first, refuses another hub's backup
 * onto a hub directory and a directory a hub is serving from (its hub.db
 * open in another process), then puts each file in place by rename.
 */
#ifndef HUB_BACKUP_H
#define HUB_BACKUP_H

#include <stdint.h>
#include "maiam/buf.h"
#include "result.h"

/* What a backup holds, or what a restore put back. */
typedef struct hub_backup_summary {
	char hub_key_id[17];
	int64_t ledger_rows;
	int64_t ledger_last;
	int64_t photos;
	int with_keys;
	int keys_missing;     /* restore: the directory has no hub key (none in the backup either) */
	int needs_passphrase; /* restore refused: the keys are sealed and none was given */
} hub_backup_summary;

/* Test hook: when this variable names a FIFO, a backup stops after its
 * database part, writes a line to it and waits there to be killed. */
#define HUB_BACKUP_STALL_ENV "MAIAM_TEST_BACKUP_STALL"

/* Back up the hub in dir to the file to; passphrase NULL leaves the keys
 * out. HUB_OK, or an error with one line in err. */
hub_result hub_backup_make(const char *dir, const char *to, const char *passphrase,
			   hub_backup_summary *sum, char *err, size_t errlen);
/* Restore the backup file into dir (made if missing). passphrase opens the
 * keys, if the backup has them and dir has none. HUB_REFUSED: the backup
 * is cut short, damaged, another hub's, or its keys do not open, or dir's
 * hub.db is open in another process (a serving hub). */
hub_result hub_backup_restore(const char *file, const char *dir, const char *passphrase,
			      hub_backup_summary *sum, char *err, size_t errlen);

/* backup_keys.c: a key file's bytes sealed with the passphrase, bound to
 * the part's name; and opened again (HUB_REFUSED: wrong passphrase or
 * damaged). out is the caller's buffer, reset first. */
hub_result hub_backup_seal_key(const char *passphrase, const char *name, const uint8_t *plain,
			       size_t len, proto_buf *out, char *err, size_t errlen);
hub_result hub_backup_open_key(const char *passphrase, const char *name, const uint8_t *sealed,
			       size_t len, proto_buf *out, char *err, size_t errlen);

#endif
