/*
 * epoch.h - the ledger's epoch (docs/SYNC.md, "After the hub was restored").
 * A pull cursor is a row of one hub's ledger. A restore from a backup makes
 * a ledger that agrees with the old one up to the backup's last row and
 * then writes other rows at the very positions laptops had already passed.
 * So every ledger carries an epoch, a random id made at 'init' (or at the
 * first open of an older hub.db) and made anew by every 'restore', with the
 * row the restore ended at; a laptop names the epoch of its cursor, and a
 * pull from another epoch is answered from where the ledgers still agree.
 *
 * hub_meta keys: HUB_META_EPOCH (the current epoch, 16 hex digits),
 * HUB_META_RESTORED_AT (the last row of the restored ledger; absent for a
 * ledger that was never restored) and HUB_META_EPOCHS (the epochs this
 * ledger went through, oldest first, "EPOCH:ROW" for a restore and
 * "EPOCH:-" for a new ledger, at most HUB_EPOCHS_MAX, separated by spaces).
 */
#ifndef HUB_EPOCH_H
#define HUB_EPOCH_H

#include <stdint.h>
#include <sqlite3.h>
#include "result.h"

#define HUB_EPOCH_LEN 16 /* hex digits */
#define HUB_META_EPOCH "ledger_epoch"
#define HUB_META_RESTORED_AT "restored_at"
#define HUB_META_EPOCHS "ledger_epochs"
/* the oldest epochs past this are forgotten: a laptop still on one of them
 * is answered from the ledger's start (a whole pull again, harmless) */
#define HUB_EPOCHS_MAX 32
/* room for HUB_META_EPOCHS: an epoch, ':', a row id, a space each */
#define HUB_EPOCHS_TEXT (HUB_EPOCHS_MAX * (HUB_EPOCH_LEN + 22) + 1)

/* Is s an epoch as the hub writes them (16 lowercase hex digits)? */
int hub_epoch_valid(const char *s);

/*
 * Where a pull after cursor 'after' starts for a laptop whose cursor is of
 * epoch 'theirs' ("" or NULL: it named none, an older agent) on a ledger
 * with this history (HUB_META_EPOCHS). The current epoch, or none: 'after'.
 * An older epoch of this history: the lowest restore point since it, if
 * below 'after' (every row after that point may differ from what the
 * laptop read). An epoch the history does not hold: 0, from the start.
 * Pure: no database.
 */
int64_t hub_epoch_start(const char *history, const char *theirs, int64_t after);

/* The current epoch (out: HUB_EPOCH_LEN + 1 bytes) and the history (hist:
 * histlen bytes, may be NULL). HUB_EDB when the ledger has none. */
hub_result hub_epoch_get(sqlite3 *db, char *out, char *hist, size_t histlen);

/*
 * A new epoch for db's ledger, in the caller's transaction: restored_at is
 * the restored ledger's last row, or -1 for a new ledger (init, or an older
 * hub.db that had none). HUB_ECRYPTO without random bytes.
 */
hub_result hub_epoch_new(sqlite3 *db, int64_t restored_at);

/* An epoch for a ledger that has none (an older hub.db), in the caller's
 * transaction; one that has one is left as it is. */
hub_result hub_epoch_ensure(sqlite3 *db);

/*
 * What a pull of agent 'agent' after 'after' needs to know of epochs, from
 * db: *after lowered for a laptop of another epoch (hub_epoch_start, theirs
 * from its Maiam-Epoch), the current epoch into epoch (HUB_EPOCH_LEN + 1
 * bytes, for the answer's Maiam-Epoch) and into *acked the highest seq of
 * the agent's chain the hub holds (a ledgered or a refused link: the
 * answer's Maiam-Acked; 0 for none). HUB_OK or HUB_EDB.
 */
hub_result hub_epoch_pull(sqlite3 *db, uint64_t agent, const char *theirs, int64_t *after, char *epoch,
			  uint64_t *acked);

#endif
