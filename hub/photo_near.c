/*
 * photo_near.c - noting a stored photo in the near-duplicate index and
 * recording the photos of other households near it (photo_near.h).
 */
#include "maiam/proto.h"
#include "photo_index.h"
#include "photo_near.h"

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
	if (sqlite3_prepare_v2(
		    db, "INSERT OR IGNORE INTO hub_photo_near (photo, other, distance) VALUES (?1, ?2, ?3)",
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
