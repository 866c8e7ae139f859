/*
 * photo_near.h - near-duplicate photos on two households, noted when a
 * photo's bytes are stored, or when a record names a photo whose bytes came
 * first: its difference hash goes into the index (photo_index.h) for each
 * household whose live photo record names it, and each photo of another
 * household the index finds within HUB_PHOTO_NEAR_DISTANCE becomes a row
 * of hub_photo_near (a pair once, whichever photo came first), which the
 * reconcile queue reads (docs/REPORTS.md, "reconcile"; docs/PHOTOS.md).
 * Photos stored before the hub did either are noted by a backfill.
 */
#ifndef HUB_PHOTO_NEAR_H
#define HUB_PHOTO_NEAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "maiam/changeset.h"
#include "result.h"

/* Stored photos the backfill reads at each opening of the hub. One not in
 * the index yet costs a lookup: 0.45 ms of CPU each over 100,000 photos
 * (0.86 ms wall on a loaded machine), so an opening spends a few seconds at
 * most on a backlog and the rest goes on at the next opening; once past
 * it, an opening reads only the photos stored since the last (0.05 ms). */
#define HUB_PHOTO_BACKFILL_PER_OPEN 10000
/* hub_meta key: the rowid of hub_photo the backfill has read up to. */
#define HUB_PHOTO_BACKFILL_KEY "photo_near_backfill"

/*
 * Note the stored photo (sha: the SHA-256 of its bytes) with difference
 * hash dhash. Noting it again changes nothing. A photo whose
 * record has not arrived yet names no household: nothing is noted.
 * HUB_OK, HUB_EDB, HUB_ENOMEM; the caller owns the transaction.
 */
hub_result hub_photo_near_note(sqlite3 *db, const uint8_t sha[32], uint64_t dhash);

/*
 * A record naming the photo hex (len bytes, 64 lowercase hex) was merged:
 * when the hub holds its bytes and their dHash, note it now (its bytes
 * came before the record, or the record names it for another household).
 * A photo without bytes yet is noted when they come. HUB_OK, HUB_EDB,
 * HUB_ENOMEM; inside the caller's transaction.
 */
hub_result hub_photo_near_named(sqlite3 *db, const char *hex, size_t len);

/*
 * Every photo record of cs merged into db (ingest_photo.c, after the merge,
 * in its transaction): hub_photo_near_named for each.
 */
hub_result hub_photo_records_noted(sqlite3 *db, const proto_changeset *cs);

/*
 * The backfill: read at most max_photos stored photos (hub_photo rows)
 * after the cursor HUB_PHOTO_BACKFILL_KEY, in the order they were stored,
 * and note each one with a dHash that is not in the index yet (those no
 * live record names add nothing: their record notes them when it comes).
 * The cursor moves past what was read, so a call reads only photos stored
 * since the last one, and calling again changes nothing. *noted (may be
 * NULL): photos handed to hub_photo_near_note; *more (may be NULL): the
 * bound stopped the call. Keeps the index's statements meanwhile unless
 * the thread keeps some already. The caller owns the transaction.
 */
hub_result hub_photo_near_backfill(sqlite3 *db, size_t max_photos, size_t *noted, bool *more);

#endif
