/*
 * store_ledger.c - the ledger of accepted change-sets (by origin and seq,
 * with the chain heads ingest checks against) and the area index pulls read
 * it by (hub_ledger_area, hub_move).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctx.h"
#include "store.h"
#include "store_int.h"

#define prep hub_store_prep
#define unprep hub_store_unprep
#define prep_pair hub_store_prep_pair

/* The highest seq of origin in one table (0 if none) and its hash; st is
 * given back here. */
static hub_result head_in(sqlite3_stmt *st, uint64_t origin, uint64_t *seq, uint8_t hash[32])
{
	hub_result rc;
	bool found;

	*seq = 0;
	memset(hash, 0, 32);
	if (!st)
		return HUB_EDB;
	sqlite3_bind_int64(st, 1, proto_u2i(origin));
	rc = hub_store_step_hashes(st, 1, 1, &found);
	if (found) {
		*seq = proto_i2u(sqlite3_column_int64(st, 0));
		memcpy(hash, sqlite3_column_blob(st, 1), 32);
	}
	unprep(st);
	return rc;
}

hub_result hub_ledger_head(sqlite3 *db, uint64_t origin, uint64_t *seq, uint8_t hash[32])
{
	uint64_t rseq = 0;
	uint8_t rhash[32];
	hub_result rc;

	/* two index lookups, not a sort of the union */
	rc = head_in(prep(db, HUB_STMT_LEDGER_HEAD), origin, seq, hash);
	if (rc == HUB_OK)
		rc = head_in(prep(db, HUB_STMT_REFUSED_HEAD), origin, &rseq, rhash);
	if (rc != HUB_OK)
		return rc;
	if (rseq > *seq) {
		*seq = rseq;
		memcpy(hash, rhash, 32);
	}
	return HUB_OK;
}

hub_result hub_ledger_hash_at(sqlite3 *db, uint64_t origin, uint64_t seq, uint8_t hash[32], hub_link_at *at)
{
	hub_refused_link link;
	sqlite3_stmt *st = prep_pair(db, HUB_STMT_LEDGER_HASH_AT, origin, seq);
	hub_result rc;
	bool found;

	*at = HUB_LINK_NONE;
	if (!st)
		return HUB_EDB;
	rc = hub_store_step_hashes(st, 0, 1, &found);
	if (found) {
		memcpy(hash, sqlite3_column_blob(st, 0), 32);
		*at = HUB_LINK_LEDGER;
	}
	unprep(st);
	if (rc != HUB_OK || found)
		return rc;
	rc = hub_refused_get(db, origin, seq, &link, &found);
	if (found) {
		memcpy(hash, link.hash, 32);
		*at = HUB_LINK_REFUSED;
	}
	return rc;
}

hub_result hub_ledger_insert(sqlite3 *db, uint64_t origin, uint64_t seq, const uint8_t hash[32],
			     const uint8_t *sealed, size_t len, int64_t now)
{
	sqlite3_stmt *st = prep_pair(db, HUB_STMT_LEDGER_INSERT, origin, seq);
	hub_result rc;

	if (!st)
		return HUB_EDB;
	sqlite3_bind_blob(st, 3, hash, 32, SQLITE_STATIC);
	sqlite3_bind_blob64(st, 4, sealed, len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	rc = hub_store_exec(st);
	unprep(st);
	return rc;
}

int64_t hub_ledger_last_id(sqlite3 *db)
{
	return sqlite3_last_insert_rowid(db);
}

/* Run an index statement (area, follow, move) with its int64 parameters. */
static hub_result index_exec(sqlite3 *db, hub_stmt id, const int64_t *a, int n)
{
	sqlite3_stmt *st = prep(db, id);
	hub_result rc;
	int i;

	if (!st)
		return HUB_EDB;
	for (i = 0; i < n; i++)
		sqlite3_bind_int64(st, i + 1, a[i]);
	rc = hub_store_exec(st);
	unprep(st);
	return rc;
}

hub_result hub_area_add(sqlite3 *db, int64_t ledger, int64_t commune, int64_t district)
{
	const int64_t a[] = { commune, ledger, district };
	return index_exec(db, HUB_STMT_AREA_ADD, a, 3);
}

hub_result hub_area_follow(sqlite3 *db, int64_t ledger, int64_t from, int64_t to, int64_t to_district)
{
	const int64_t a[] = { ledger, from, to, to_district };
	return index_exec(db, HUB_STMT_AREA_FOLLOW, a, 4);
}

hub_result hub_move_add(sqlite3 *db, int64_t ledger, proto_id household, int64_t from)
{
	const int64_t a[] = { ledger, proto_u2i(household.origin), proto_u2i(household.serial), from };
	return index_exec(db, HUB_STMT_MOVE_ADD, a, 4);
}

hub_result hub_moved_from(sqlite3 *db, int64_t ledger, proto_id household, int64_t *from, bool *found)
{
	sqlite3_stmt *st = prep(db, HUB_STMT_MOVED_FROM);
	hub_result rc;

	*found = false;
	if (!st)
		return HUB_EDB;
	sqlite3_bind_int64(st, 1, ledger);
	sqlite3_bind_int64(st, 2, proto_u2i(household.origin));
	sqlite3_bind_int64(st, 3, proto_u2i(household.serial));
	rc = hub_store_step(st, found);
	if (*found)
		*from = sqlite3_column_int64(st, 0);
	unprep(st);
	return rc;
}

/* origin, seq, hash, sealed from columns col.. of the current row of st. */
static void ledger_row_at(sqlite3_stmt *st, int col, int64_t id, hub_ledger_row *r)
{
	r->id = id;
	r->origin = proto_i2u(sqlite3_column_int64(st, col));
	r->seq = proto_i2u(sqlite3_column_int64(st, col + 1));
	r->hash = sqlite3_column_blob(st, col + 2);
	r->hash_len = (size_t)sqlite3_column_bytes(st, col + 2);
	r->sealed = sqlite3_column_blob(st, col + 3);
	r->len = (size_t)sqlite3_column_bytes(st, col + 3);
	r->received = 0;
}

hub_result hub_ledger_each_area(sqlite3 *db, const hub_scope *scope, int64_t after, int limit,
				hub_ledger_full_cb cb, void *arg)
{
	/* ids first (small, sorted), then each row's blob: the area part is an
	 * index range per commune or district, never a walk of the ledger */
	sqlite3_stmt *ids = NULL, *row = NULL;
	int64_t *list = NULL;
	uint64_t from = 1;
	hub_result rc = HUB_EDB;
	int step = SQLITE_DONE, n = 0, i;

	assert(limit > 0);
	if (hub_meta_get_u64(db, "area_from", &from) != HUB_OK)
		return HUB_EDB;
	list = proto_calloc((size_t)limit, sizeof(*list));
	if (!list)
		return HUB_ENOMEM;
	ids = prep(db, scope->kind == HUB_SCOPE_DISTRICT ? HUB_STMT_AREA_BY_DISTRICT
							 : HUB_STMT_AREA_BY_COMMUNE);
	if (!ids)
		goto out;
	sqlite3_bind_int64(ids, 1, after);
	sqlite3_bind_int64(ids, 2, from > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)from);
	sqlite3_bind_int64(ids, 3, scope->code);
	sqlite3_bind_int(ids, 4, limit);
	while (n < limit && (step = sqlite3_step(ids)) == SQLITE_ROW)
		list[n++] = sqlite3_column_int64(ids, 0);
	if (n < limit && step != SQLITE_DONE)
		goto out;
	unprep(ids);
	ids = NULL;
	row = prep(db, HUB_STMT_LEDGER_ROW);
	if (!row)
		goto out;
	for (i = 0; i < n; i++) {
		hub_ledger_row r;

		sqlite3_bind_int64(row, 1, list[i]);
		if (sqlite3_step(row) != SQLITE_ROW)
			goto out; /* the ids came from this same read transaction */
		ledger_row_at(row, 0, list[i], &r);
		if (cb(arg, &r))
			break;
		sqlite3_reset(row);
	}
	rc = HUB_OK;
out:
	unprep(ids);
	unprep(row);
	free(list);
	return rc;
}

/* hub_ledger_each_by_origin's walk: the caller's callback. */
typedef struct ledger_walk {
	hub_ledger_full_cb cb;
	void *arg;
} ledger_walk;

static int ledger_row_received(void *arg, sqlite3_stmt *st)
{
	const ledger_walk *w = arg;
	hub_ledger_row row;

	ledger_row_at(st, 1, sqlite3_column_int64(st, 0), &row);
	row.received = sqlite3_column_int64(st, 5);
	return w->cb(w->arg, &row);
}

hub_result hub_ledger_each_by_origin(sqlite3 *db, hub_ledger_full_cb cb, void *arg)
{
	ledger_walk w = { cb, arg };

	return hub_store_walk(prep(db, HUB_STMT_LEDGER_BY_ORIGIN), ledger_row_received, &w);
}
