/*
 * backup.h - a laptop's backup in a folder (a USB stick) and its restore
 * (docs/BACKUP.md, "The laptop's backup"). The folder mirrors the home:
 * agent.db (a snapshot by SQLite's online backup), the certificates and
 * other files as they are, photos/XX/<hex>, and each key file
 * (agent.key...) only sealed with the passphrase, as <name>.sealed. Its
 * MANIFEST is written last, atomically: "maiam-agent backup 1", the key id,
 * one "file|sealed <SHA-256> <size> <name>" line per file and an end line
 * with the SHA-256 of the lines before. A folder without a whole MANIFEST
 * (a backup interrupted) or with a file that differs from its line is
 * refused before anything is restored.
 */
#ifndef MAIAM_AGENT_BACKUP_H
#define MAIAM_AGENT_BACKUP_H

#include "agent.h"

#define AGENT_BACKUP_MANIFEST "MANIFEST"
#define AGENT_BACKUP_HEAD "maiam-agent backup 1"

typedef struct agent_backup_count {
	char key_id[17];
	unsigned files;  /* the store, certificates and other files */
	unsigned photos; /* photos/XX/<hex> */
	unsigned keys;   /* sealed key files */
} agent_backup_count;

/* Back up the open store's home into dir (made if missing); every key file
 * sealed with passphrase. AGENT_OK, or AGENT_FAIL (said). */
int agent_backup_write(agent_ctx *ctx, const char *dir, const char *passphrase, agent_backup_count *n);
/* Restore the backup in dir into ctx->home, which must hold no store.
 * AGENT_OK; AGENT_USAGE when the backup is refused (cut, damaged, a wrong
 * passphrase) or the home has a store; AGENT_FAIL when a file fails (all
 * said). */
int agent_backup_restore(agent_ctx *ctx, const char *dir, const char *passphrase, agent_backup_count *n);

#endif
