/*
 * photo_near.c - noting a stored photo in the near-duplicate index and
 * recording the photos of other households near it (photo_near.h): when its
 * bytes are stored, when a record names it after its bytes came, and, for
 * photos stored before either was done, by a backfill in bounded steps.
 */
#include <stdbool.h>
#include <string.h>
#include "maiam/proto.h"
#include "photo_index.h"
#include "photo_near.h"
#include "store.h"

/* The households a photo is evidence for: its target when that is a
 * household, else the household of its milestone; live records only. */
static const char households_sql[] =
	"SELECT DISTINCT coalesce(m.household_origin, p.target_origin),"
	" coalesce(m.household_serial, p.target_serial) FROM photo p LEFT JOIN milestone m"
	" ON p.target_kind = 2 AND m.id_origin = p.target_origin AND m.id_serial = p.target_serial"
	" AND" PROTO_SQL_MILESTONE_LIVE("m") "WHERE p.sha256 = ?1 AND (p.target_kind = 1"
					     " OR m.id_origin IS NOT NULL) AND" PROTO_SQL_PHOTO_LIVE(
						     "p") "LIMIT 64";

#define MAX_HOUSEHOLDS 64

typedef struct near_ctx {
	sqlite3_stmt *insert;
	const char *hex;
	const proto_id *own;
	size_t nown;
	hub_result rc;
} near_ctx;

/* A match on a household the new photo is not on: a row of hub_photo_near. */
static int note_match(void *arg, const hub_photo_near *match)
{
	near_ctx *n = arg;
	char other[65];
	size_t i;

	for (i = 0; i < n->nown; i++)
		if (n->own[i].origin == match->household.origin &&
		    n->own[i].serial == match->household.serial)
			return 0;
	proto_hex(match->photo, 32, other);
	sqlite3_bind_text(n->insert, 1, n->hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(n->insert, 2, other, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(n->insert, 3, (int)match->distance);
	if (sqlite3_step(n->insert) != SQLITE_DONE)
		n->rc = HUB_EDB;
	sqlite3_reset(n->insert);
	return n->rc != HUB_OK;
}

hub_result hub_photo_near_note(sqlite3 *db, const uint8_t sha[32], uint64_t dhash)
{
	sqlite3_stmt *st = NULL;
	proto_id own[MAX_HOUSEHOLDS];
	char hex[65];
	near_ctx n = { .hex = hex, .own = own, .rc = HUB_OK };
	hub_result rc = HUB_EDB;
	size_t i;
	int step = SQLITE_DONE;

	proto_hex(sha, 32, hex);
	if (sqlite3_prepare_v2(db, households_sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	while (n.nown < MAX_HOUSEHOLDS && (step = sqlite3_step(st)) == SQLITE_ROW) {
		own[n.nown].origin = proto_i2u(sqlite3_column_int64(st, 0));
		own[n.nown].serial = proto_i2u(sqlite3_column_int64(st, 1));
		n.nown++;
	}
	if (n.nown < MAX_HOUSEHOLDS && step != SQLITE_DONE)
		goto out;
	for (i = 0; i < n.nown; i++)
		if ((rc = hub_photo_index_add(db, sha, own[i], dhash)) != HUB_OK)
			goto out;
	rc = HUB_EDB;
	if (n.nown == 0) {
		rc = HUB_OK;
		goto out;
	}
	/* a pair is one row whichever photo was noted first: noting the other
	 * one later (its record came after its bytes) adds no second row */
	if (sqlite3_prepare_v2(db,
			       "INSERT OR IGNORE INTO hub_photo_near (photo, other, distance)"
			       " SELECT ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1 FROM hub_photo_near"
			       " WHERE photo = ?2 AND other = ?1)",
			       -1, &n.insert, NULL) != SQLITE_OK)
		goto out;
	rc = hub_photo_index_near(db, sha, dhash, HUB_PHOTO_NEAR_DISTANCE, note_match, &n);
	if (rc == HUB_OK)
		rc = n.rc;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(n.insert);
	return rc;
}

/* 64 hex digits into 32 bytes; 0 if ok, -1 if not. */
static int sha_of_hex(const char *hex, size_t len, uint8_t sha[32])
{
	size_t i;
	int hi, lo;

	if (len != 64)
		return -1;
	for (i = 0; i < 32; i++) {
		hi = proto_hex_digit((unsigned char)hex[2 * i]);
		lo = proto_hex_digit((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		sha[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

hub_result hub_photo_near_named(sqlite3 *db, const char *hex, size_t len)
{
	sqlite3_stmt *st = NULL;
	uint8_t sha[32];
	uint64_t dhash;
	hub_result rc = HUB_EDB;
	int step;

	if (sha_of_hex(hex, len, sha))
		return HUB_OK; /* no photo of the hub's has such a name */
	if (sqlite3_prepare_v2(db, "SELECT dhash FROM hub_photo WHERE sha256 = ?1 AND dhash IS NOT NULL",
			       -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_DONE)
		rc = HUB_OK; /* the bytes have not come (or do not decode): noted when stored */
	else if (step == SQLITE_ROW) {
		dhash = proto_i2u(sqlite3_column_int64(st, 0));
		sqlite3_finalize(st);
		st = NULL;
		rc = hub_photo_near_note(db, sha, dhash);
	}
	sqlite3_finalize(st);
	return rc;
}

/* A stored photo the backfill reads: its row, its name, its hash. */
typedef struct stored_photo {
	sqlite3_int64 rowid;
	uint8_t sha[32];
	uint64_t dhash;
	int has_dhash;
} stored_photo;

#define BACKFILL_BATCH 256

/* Up to BACKFILL_BATCH stored photos after rowid 'after', in rowid order. */
static hub_result read_batch(sqlite3 *db, sqlite3_int64 after, stored_photo *batch, size_t *n)
{
	sqlite3_stmt *st = NULL;
	hub_result rc = HUB_EDB;
	int step = SQLITE_DONE;

	*n = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT rowid, sha256, dhash FROM hub_photo WHERE rowid > ?1"
			       " ORDER BY rowid LIMIT ?2",
			       -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, BACKFILL_BATCH);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		stored_photo *p = &batch[(*n)++];

		if (sqlite3_column_bytes(st, 1) != 32)
			goto out; /* the hub writes 32 bytes, a CHECK-less column: say so */
		p->rowid = sqlite3_column_int64(st, 0);
		memcpy(p->sha, sqlite3_column_blob(st, 1), 32);
		p->has_dhash = sqlite3_column_type(st, 2) != SQLITE_NULL;
		p->dhash = proto_i2u(sqlite3_column_int64(st, 2));
	}
	if (step == SQLITE_DONE)
		rc = HUB_OK;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Is the photo in the index already (for any household)? */
static hub_result indexed(sqlite3 *db, const uint8_t sha[32], bool *yes)
{
	sqlite3_stmt *st = NULL;
	int step;

	*yes = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM photo_dhash WHERE photo = ?1 LIMIT 1", -1, &st, NULL) !=
	    SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
	step = sqlite3_step(st);
	sqlite3_finalize(st);
	*yes = step == SQLITE_ROW;
	return step == SQLITE_ROW || step == SQLITE_DONE ? HUB_OK : HUB_EDB;
}

hub_result hub_photo_near_backfill(sqlite3 *db, size_t max_photos, size_t *noted, bool *more)
{
	stored_photo batch[BACKFILL_BATCH];
	uint64_t cursor;
	size_t n = 0, i, read = 0, done = 0;
	bool yes, own_cache = hub_photo_index_cache_db() == NULL;
	hub_result rc;

	if (more)
		*more = false;
	rc = hub_meta_get_u64(db, HUB_PHOTO_BACKFILL_KEY, &cursor);
	if (rc != HUB_OK)
		return rc;
	/* hundreds of index probes a photo: keep their statements meanwhile */
	if (own_cache && (rc = hub_photo_index_cache_begin(db)) != HUB_OK)
		return rc;
	while (rc == HUB_OK && read < max_photos) {
		rc = read_batch(db, (sqlite3_int64)cursor, batch, &n);
		for (i = 0; rc == HUB_OK && i < n && read < max_photos; i++, read++) {
			cursor = (uint64_t)batch[i].rowid;
			if (!batch[i].has_dhash)
				continue; /* a JPEG the hub could not read: no hash to compare */
			rc = indexed(db, batch[i].sha, &yes);
			if (rc == HUB_OK && !yes) {
				rc = hub_photo_near_note(db, batch[i].sha, batch[i].dhash);
				done++;
			}
		}
		if (n < BACKFILL_BATCH && i == n)
			break; /* the last stored photo is behind the cursor */
	}
	if (rc == HUB_OK)
		rc = hub_meta_set_u64(db, HUB_PHOTO_BACKFILL_KEY, cursor);
	if (rc == HUB_OK && more)
		*more = read == max_photos;
	if (noted)
		*noted = done;
	if (own_cache)
		hub_photo_index_cache_end();
	return rc;
}
