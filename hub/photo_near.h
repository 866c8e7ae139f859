/*
 * photo_near.h - near-duplicate photos on two households, noted when a
 * photo's bytes are stored: its difference hash goes into the index
 * (photo_index.h) for each household whose live photo record names it, and
 * each photo of another household the index finds within
 * HUB_PHOTO_NEAR_DISTANCE becomes a row of hub_photo_near, which the
 * reconcile queue reads (docs/REPORTS.md, "reconcile"; docs/PHOTOS.md).
 */
#ifndef HUB_PHOTO_NEAR_H
#define HUB_PHOTO_NEAR_H

#include <stdint.h>
#include <sqlite3.h>
#include "result.h"

/*
 * Note the stored photo (sha: the SHA-256 of its bytes) with difference
 * hash dhash. Noting it again changes nothing. A photo whose
 * record has not arrived yet names no household: nothing is noted.
 * HUB_OK, HUB_EDB, HUB_ENOMEM; the caller owns the transaction.
 */
hub_result hub_photo_near_note(sqlite3 *db, const uint8_t sha[32], uint64_t dhash);

#endif
