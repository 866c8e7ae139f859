/*
 * photo_index.h - the hub's near-duplicate photo index: every stored photo's
 * perceptual hash (a 64-bit difference hash of its thumbnail), kept in the
 * hub's database, so that a new photo's near-duplicates on other households
 * are found by index lookups, not by comparing it with every stored photo.
 *
 * Near means within a Hamming distance of the two hashes (bits that differ);
 * HUB_PHOTO_NEAR_DISTANCE is the default the reconcile check uses.
 *
 * How (multi-index hashing, docs/HUB.md "Near-duplicate photos"): the 64
 * bits are cut into four 16-bit bands, each an indexed column. Two hashes
 * within distance d differ in at most d bits over the four bands, so by
 * pigeonhole some band differs in at most about d/4 of its bits; a lookup
 * reads, for each band, the rows whose band is one of the few values that
 * close to the new photo's, and keeps the rows whose whole hash is within d.
 *
 * Every function returns a hub_result (result.h): HUB_OK, HUB_REFUSED for
 * bad arguments (a NULL database, photo or callback, a distance over
 * HUB_PHOTO_NEAR_MAX), HUB_EDB when the database fails or holds a row the
 * hub never writes, HUB_ENOMEM. Callers own transactions. Nothing returned
 * is owned by the caller: a match is borrowed for the callback's call.
 */
#ifndef HUB_PHOTO_INDEX_H
#define HUB_PHOTO_INDEX_H

#include <stdint.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "result.h"

/* The distance under which two photos are flagged as near-duplicates by
 * default: 10 of 64 bits. A re-encode, a resize or a small crop of the same
 * picture moves a difference hash by a few bits; two different pictures
 * differ in about 32 (docs/HUB.md). */
#define HUB_PHOTO_NEAR_DISTANCE 10u
/* The largest distance a lookup takes (64 would name every photo). */
#define HUB_PHOTO_NEAR_MAX 63u

/* A stored photo a lookup found near the asked one. */
typedef struct hub_photo_near {
	uint8_t photo[32];  /* SHA-256 of the photo's bytes */
	proto_id household; /* the household it was stored for */
	uint64_t dhash;     /* its difference hash */
	unsigned distance;  /* bits in which dhash differs from the asked hash */
} hub_photo_near;

/* Return non-zero to stop the lookup (still HUB_OK). */
typedef int (*hub_photo_near_cb)(void *arg, const hub_photo_near *match);

/* Make the index's table and its band indexes if they are not there yet
 * (the schema calls it; running it again changes nothing). */
hub_result hub_photo_index_install(sqlite3 *db);

/*
 * Store a photo's hash for a household. Adding the same photo for the same
 * household again changes nothing (its first hash stays: the hash is a
 * function of the photo's bytes). The same photo on two households is two
 * rows: a near photo of either then names both.
 */
hub_result hub_photo_index_add(sqlite3 *db, const uint8_t photo[32], proto_id household, uint64_t dhash);

/*
 * Every stored photo whose hash is within max_distance bits of dhash, each
 * (photo, household) row once, handed to cb in no stated order. Rows of the
 * photo itself (same SHA-256) are left out; photo may be NULL to leave out
 * nothing. Outside a transaction the lookup takes a read transaction of
 * its own for all its probes, ended before it returns (a callback that
 * writes writes inside it); inside the caller's it takes none. The callback
 * must not add to the index. Cost (docs/HUB.md): for the default distance, 428 index probes
 * and the rows they find, about 650 at 100,000 photos of random hashes.
 */
hub_result hub_photo_index_near(sqlite3 *db, const uint8_t *photo, uint64_t dhash, unsigned max_distance,
				hub_photo_near_cb cb, void *arg);

/*
 * Keep this thread's prepared statements of the index on db until
 * hub_photo_index_cache_end, which must come before db is closed (as
 * hub_store_cache_begin does for the store's). Without it each call
 * prepares and finalizes its own statements.
 */
hub_result hub_photo_index_cache_begin(sqlite3 *db);
void hub_photo_index_cache_end(void);
/* The connection this thread keeps statements for, or NULL. */
sqlite3 *hub_photo_index_cache_db(void);

#endif
