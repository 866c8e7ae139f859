/*
 * photo_index.c - the near-duplicate photo index (photo_index.h): table
 * photo_dhash, one row per (photo, household) with the photo's 64-bit
 * difference hash and its four 16-bit bands, each band indexed together
 * with the whole hash so that a probe reads the index alone.
 *
 * A lookup within distance d gives each band i a radius r_i, the d + 1
 * "slots" shared out as evenly as four bands allow (r_i = s_i - 1, the s_i
 * summing to d + 1). A stored hash within d of the asked one has some band
 * i differing in at most r_i bits: were every band i off by s_i bits or
 * more, the whole would be off by d + 1 or more. So the lookup probes, in
 * each band, every value within r_i bits of the asked band (sum over k <= r_i
 * of C(16, k) values), and checks each row it finds with a popcount. A row
 * found in several bands is reported from the first band whose radius holds
 * it, so each row is handed out once without remembering any.
 *
 * The statements are the module's own, kept in a small per-thread cache like
 * the store's (store_sql.c): the index is one table that no store file
 * touches, and keeping its SQL here keeps the band layout in one file.
 */
#include <assert.h>
#include <string.h>
#include "photo_index.h"

#define BANDS 4
#define BAND_BITS 16
#define BAND_MASK 0xffffu

enum photo_stmt {
	PHOTO_STMT_ADD,
	PHOTO_STMT_ROW,
	PHOTO_STMT_BEGIN,
	PHOTO_STMT_COMMIT,
	PHOTO_STMT_BAND0, /* the three other bands follow */
	PHOTO_STMT_COUNT = PHOTO_STMT_BAND0 + BANDS
};

static const char *const stmt_sql[PHOTO_STMT_COUNT] = {
	[PHOTO_STMT_ADD] = "INSERT INTO photo_dhash(photo, household_origin, household_serial, dhash,"
			   " band0, band1, band2, band3) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
			   " ON CONFLICT(photo, household_origin, household_serial) DO NOTHING",
	[PHOTO_STMT_ROW] = "SELECT photo, household_origin, household_serial FROM photo_dhash WHERE id = ?",
	[PHOTO_STMT_BEGIN] = "BEGIN",
	[PHOTO_STMT_COMMIT] = "COMMIT",
	[PHOTO_STMT_BAND0 + 0] = "SELECT id, dhash FROM photo_dhash WHERE band0 = ?",
	[PHOTO_STMT_BAND0 + 1] = "SELECT id, dhash FROM photo_dhash WHERE band1 = ?",
	[PHOTO_STMT_BAND0 + 2] = "SELECT id, dhash FROM photo_dhash WHERE band2 = ?",
	[PHOTO_STMT_BAND0 + 3] = "SELECT id, dhash FROM photo_dhash WHERE band3 = ?",
};

/* The bands are checked against the hash: a row whose bands disagree with
 * it could hide from lookups. */
static const char install_sql[] =
	"CREATE TABLE IF NOT EXISTS photo_dhash("
	" id INTEGER PRIMARY KEY,"
	" photo BLOB NOT NULL CHECK(length(photo) = 32),"
	" household_origin INTEGER NOT NULL,"
	" household_serial INTEGER NOT NULL,"
	" dhash INTEGER NOT NULL,"
	" band0 INTEGER NOT NULL CHECK(band0 = dhash & 65535),"
	" band1 INTEGER NOT NULL CHECK(band1 = (dhash >> 16) & 65535),"
	" band2 INTEGER NOT NULL CHECK(band2 = (dhash >> 32) & 65535),"
	" band3 INTEGER NOT NULL CHECK(band3 = (dhash >> 48) & 65535),"
	" UNIQUE(photo, household_origin, household_serial));"
	"CREATE INDEX IF NOT EXISTS photo_dhash_band0 ON photo_dhash(band0, dhash);"
	"CREATE INDEX IF NOT EXISTS photo_dhash_band1 ON photo_dhash(band1, dhash);"
	"CREATE INDEX IF NOT EXISTS photo_dhash_band2 ON photo_dhash(band2, dhash);"
	"CREATE INDEX IF NOT EXISTS photo_dhash_band3 ON photo_dhash(band3, dhash);";

/* This thread's kept statements, on one connection (db NULL: none kept).
 * Static, so keeping them allocates nothing. */
static _Thread_local struct {
	sqlite3 *db;
	sqlite3_stmt *st[PHOTO_STMT_COUNT];
} kept;

hub_result hub_photo_index_cache_begin(sqlite3 *db)
{
	hub_photo_index_cache_end();
	kept.db = db;
	return db ? HUB_OK : HUB_REFUSED;
}

void hub_photo_index_cache_end(void)
{
	int id;

	for (id = 0; id < PHOTO_STMT_COUNT; id++) {
		sqlite3_finalize(kept.st[id]); /* NULL is harmless */
		kept.st[id] = NULL;
	}
	kept.db = NULL;
}

sqlite3 *hub_photo_index_cache_db(void)
{
	return kept.db;
}

/* A statement ready to bind, or NULL. One in use up the stack (a callback
 * that looks up again) gets a fresh copy, finalized by unprep. */
static sqlite3_stmt *prep(sqlite3 *db, enum photo_stmt id)
{
	sqlite3_stmt **slot = kept.db && kept.db == db ? &kept.st[id] : NULL;
	sqlite3_stmt *st = NULL;

	assert(id < PHOTO_STMT_COUNT);
	if (slot && *slot && !sqlite3_stmt_busy(*slot))
		return *slot;
	if (sqlite3_prepare_v3(db, stmt_sql[id], -1, slot ? SQLITE_PREPARE_PERSISTENT : 0, &st, NULL) !=
	    SQLITE_OK)
		return NULL;
	if (slot && !*slot)
		*slot = st;
	return st;
}

/* Done with a statement from prep: a cached one is reset for its next use. */
static void unprep(sqlite3_stmt *st)
{
	int id;

	for (id = 0; st && id < PHOTO_STMT_COUNT; id++)
		if (kept.st[id] == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return;
		}
	sqlite3_finalize(st);
}

static unsigned band_of(uint64_t hash, int band)
{
	return (unsigned)(hash >> (band * BAND_BITS)) & BAND_MASK;
}

static unsigned bits_apart(uint64_t a, uint64_t b)
{
	return (unsigned)__builtin_popcountll(a ^ b);
}

hub_result hub_photo_index_install(sqlite3 *db)
{
	if (!db)
		return HUB_REFUSED;
	return sqlite3_exec(db, install_sql, NULL, NULL, NULL) == SQLITE_OK ? HUB_OK : HUB_EDB;
}

hub_result hub_photo_index_add(sqlite3 *db, const uint8_t photo[32], proto_id household, uint64_t dhash)
{
	sqlite3_stmt *st;
	hub_result rc = HUB_EDB;
	int band;

	if (!db || !photo)
		return HUB_REFUSED;
	st = prep(db, PHOTO_STMT_ADD);
	if (!st)
		return HUB_EDB;
	if (sqlite3_bind_blob(st, 1, photo, 32, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, proto_u2i(household.origin)) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, proto_u2i(household.serial)) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, proto_u2i(dhash)) != SQLITE_OK)
		goto out;
	for (band = 0; band < BANDS; band++)
		if (sqlite3_bind_int(st, 5 + band, (int)band_of(dhash, band)) != SQLITE_OK)
			goto out;
	rc = sqlite3_step(st) == SQLITE_DONE ? HUB_OK : HUB_EDB;
out:
	unprep(st);
	return rc;
}

/* One lookup's state, shared by the probes of every band. */
typedef struct near_walk {
	sqlite3 *db;
	const uint8_t *photo; /* rows of this photo are left out; may be NULL */
	uint64_t dhash;
	unsigned max_distance;
	int radius[BANDS]; /* -1: the band is not probed */
	hub_photo_near_cb cb;
	void *arg;
	int stopped; /* the callback asked to stop */
} near_walk;

/* Was a row that the probes of band found already handed out by an
 * earlier band's (the first band whose radius holds it reports it)? */
static int seen_before(const near_walk *w, uint64_t stored, int band)
{
	int j;

	for (j = 0; j < band; j++)
		if ((int)bits_apart(band_of(stored, j), band_of(w->dhash, j)) <= w->radius[j])
			return 1;
	return 0;
}

/* Hand a verified row to the callback, unless it is the asked photo. */
static hub_result report(near_walk *w, sqlite3_int64 id, uint64_t stored)
{
	sqlite3_stmt *st = prep(w->db, PHOTO_STMT_ROW);
	hub_photo_near match;
	hub_result rc = HUB_EDB;
	int step;

	if (!st)
		return HUB_EDB;
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
		goto out;
	step = sqlite3_step(st);
	if (step != SQLITE_ROW || sqlite3_column_bytes(st, 0) != 32)
		goto out; /* the id came from the index of this very table */
	memcpy(match.photo, sqlite3_column_blob(st, 0), 32);
	match.household.origin = proto_i2u(sqlite3_column_int64(st, 1));
	match.household.serial = proto_i2u(sqlite3_column_int64(st, 2));
	match.dhash = stored;
	match.distance = bits_apart(stored, w->dhash);
	rc = HUB_OK;
	if (w->photo && memcmp(w->photo, match.photo, 32) == 0)
		goto out;
	/* the callback runs with this statement reset: it may look up again */
	unprep(st);
	st = NULL;
	if (w->cb(w->arg, &match))
		w->stopped = 1;
out:
	unprep(st);
	return rc;
}

/* Every row whose band holds value, checked against the whole hash. */
static hub_result probe(near_walk *w, sqlite3_stmt *st, int band, unsigned value)
{
	hub_result rc = HUB_OK;
	uint64_t stored;
	int step = SQLITE_DONE;

	if (sqlite3_bind_int(st, 1, (int)value) != SQLITE_OK)
		return HUB_EDB;
	while (rc == HUB_OK && !w->stopped && (step = sqlite3_step(st)) == SQLITE_ROW) {
		stored = proto_i2u(sqlite3_column_int64(st, 1));
		if (bits_apart(stored, w->dhash) <= w->max_distance && !seen_before(w, stored, band))
			rc = report(w, sqlite3_column_int64(st, 0), stored);
	}
	if (rc == HUB_OK && !w->stopped && step != SQLITE_DONE)
		rc = HUB_EDB;
	sqlite3_reset(st);
	return rc;
}

/* Probe band with every value within its radius of the asked band: the
 * flips of k of its bits for k = 0..radius, each k's masks in increasing
 * order (the next mask with as many bits set: Gosper's step). */
static hub_result probe_band(near_walk *w, int band)
{
	const uint32_t limit = 1u << BAND_BITS;
	unsigned center = band_of(w->dhash, band);
	sqlite3_stmt *st;
	hub_result rc = HUB_OK;
	uint32_t mask, low, ripple;
	int k;

	if (w->radius[band] < 0)
		return HUB_OK;
	st = prep(w->db, (enum photo_stmt)(PHOTO_STMT_BAND0 + band));
	if (!st)
		return HUB_EDB;
	for (k = 0; rc == HUB_OK && !w->stopped && k <= w->radius[band]; k++) {
		for (mask = (1u << k) - 1; rc == HUB_OK && !w->stopped && mask < limit;) {
			rc = probe(w, st, band, center ^ mask);
			if (mask == 0)
				break;
			low = mask & -mask;
			ripple = mask + low;
			mask = (((ripple ^ mask) >> 2) / low) | ripple;
		}
	}
	unprep(st);
	return rc;
}

/* Run a statement without rows (BEGIN, COMMIT). */
static hub_result run(sqlite3 *db, enum photo_stmt id)
{
	sqlite3_stmt *st = prep(db, id);
	hub_result rc;

	if (!st)
		return HUB_EDB;
	rc = sqlite3_step(st) == SQLITE_DONE ? HUB_OK : HUB_EDB;
	unprep(st);
	return rc;
}

hub_result hub_photo_index_near(sqlite3 *db, const uint8_t *photo, uint64_t dhash, unsigned max_distance,
				hub_photo_near_cb cb, void *arg)
{
	near_walk w = {
		.db = db, .photo = photo, .dhash = dhash, .max_distance = max_distance, .cb = cb, .arg = arg
	};
	hub_result rc = HUB_OK;
	int band, own_transaction;

	if (!db || !cb || max_distance > HUB_PHOTO_NEAR_MAX)
		return HUB_REFUSED;
	/* hundreds of probes: outside a transaction each would be a read
	 * transaction of its own (a lock and a look at the WAL each); one
	 * for all of them is also one snapshot of the table */
	own_transaction = sqlite3_get_autocommit(db);
	if (own_transaction && (rc = run(db, PHOTO_STMT_BEGIN)) != HUB_OK)
		return rc;
	/* d + 1 slots over the bands, as evenly as they go (Hermite's identity:
	 * the floors below sum to d + 1); a band with no slot is not probed */
	for (band = 0; band < BANDS; band++)
		w.radius[band] = (int)((max_distance + 1 + (unsigned)band) / BANDS) - 1;
	for (band = 0; rc == HUB_OK && !w.stopped && band < BANDS; band++)
		rc = probe_band(&w, band);
	if (own_transaction && sqlite3_get_autocommit(db) == 0) {
		if (rc == HUB_OK)
			rc = run(db, PHOTO_STMT_COMMIT);
		if (rc != HUB_OK)
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}
