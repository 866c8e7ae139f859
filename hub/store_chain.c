/*
 * store_chain.c - the hub tables of ingest's checks: refused links
 * (hub_refused: verified change-sets refused on their content, holding their
 * places in the chain), the per agent per day quota counters (hub_quota),
 * whether the hub holds an entity, and audit findings kept once.
 */
#include <stdio.h>
#include <string.h>
#include "ingest.h"
#include "store.h"
#include "store_int.h"

#define prep hub_store_prep
#define unprep hub_store_unprep
#define prep_pair hub_store_prep_pair

hub_result hub_refused_add(sqlite3 *db, const hub_verdict *v, int64_t now)
{
	sqlite3_stmt *st = prep_pair(db, HUB_STMT_REFUSED_ADD, v->origin, v->seq);
	hub_result rc;

	if (!st)
		return HUB_EDB;
	sqlite3_bind_blob(st, 3, v->hash, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, v->prev, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int(st, 6, v->status);
	sqlite3_bind_text(st, 7, v->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, v->message, -1, SQLITE_STATIC);
	if (v->rule) {
		sqlite3_bind_text(st, 9, v->rule, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, v->record, -1, SQLITE_STATIC);
		if (v->field)
			sqlite3_bind_text(st, 11, v->field, -1, SQLITE_STATIC);
	}
	rc = hub_store_exec(st);
	unprep(st);
	return rc;
}

/* A text column into a buffer ("" if NULL). */
static void column_text(sqlite3_stmt *st, int col, char *out, size_t outlen)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	snprintf(out, outlen, "%s", t ? t : "");
}

hub_result hub_refused_get(sqlite3 *db, uint64_t origin, uint64_t seq, hub_refused_link *out, bool *found)
{
	sqlite3_stmt *st = prep_pair(db, HUB_STMT_REFUSED_GET, origin, seq);
	hub_result rc;

	*found = false;
	if (!st)
		return HUB_EDB;
	rc = hub_store_step_hashes(st, 0, 2, found);
	if (*found) {
		memcpy(out->hash, sqlite3_column_blob(st, 0), 32);
		memcpy(out->prev, sqlite3_column_blob(st, 1), 32);
		out->status = sqlite3_column_int(st, 2);
		column_text(st, 3, out->code, sizeof(out->code));
		column_text(st, 4, out->message, sizeof(out->message));
		column_text(st, 5, out->rule, sizeof(out->rule));
		column_text(st, 6, out->record, sizeof(out->record));
		column_text(st, 7, out->field, sizeof(out->field));
	}
	unprep(st);
	return rc;
}

hub_result hub_entity_held(sqlite3 *db, uint8_t kind, proto_id id, bool *held)
{
	sqlite3_stmt *st;
	hub_result rc;
	hub_stmt id_in;

	*held = false;
	switch (kind) {
	case PROTO_KIND_HOUSEHOLD:
		id_in = HUB_STMT_HELD_HOUSEHOLD;
		break;
	case PROTO_KIND_MILESTONE:
		id_in = HUB_STMT_HELD_MILESTONE;
		break;
	case PROTO_KIND_CONTRIBUTION:
		id_in = HUB_STMT_HELD_CONTRIBUTION;
		break;
	case PROTO_KIND_VOID:
		id_in = HUB_STMT_HELD_VOID;
		break;
	default:
		return HUB_OK;
	}
	st = prep_pair(db, id_in, id.origin, id.serial);
	if (!st)
		return HUB_EDB;
	rc = hub_store_step(st, held);
	unprep(st);
	return rc;
}

hub_result hub_quota_get(sqlite3 *db, uint64_t agent, const char *day, int64_t *records, int64_t *bytes)
{
	sqlite3_stmt *st = prep(db, HUB_STMT_QUOTA_GET);
	hub_result rc;
	bool found;

	*records = 0;
	*bytes = 0;
	if (!st)
		return HUB_EDB;
	sqlite3_bind_int64(st, 1, proto_u2i(agent));
	sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
	rc = hub_store_step(st, &found);
	if (found) {
		*records = sqlite3_column_int64(st, 0);
		*bytes = sqlite3_column_int64(st, 1);
	}
	unprep(st);
	return rc;
}

hub_result hub_quota_add(sqlite3 *db, uint64_t agent, const char *day, int64_t records, int64_t bytes)
{
	sqlite3_stmt *st = prep(db, HUB_STMT_QUOTA_ADD);
	hub_result rc;

	if (!st)
		return HUB_EDB;
	sqlite3_bind_int64(st, 1, proto_u2i(agent));
	sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, records);
	sqlite3_bind_int64(st, 4, bytes);
	rc = hub_store_exec(st);
	unprep(st);
	return rc;
}

hub_result hub_rejection_add_once(sqlite3 *db, const char *source, uint64_t origin, uint64_t seq,
				  const char *code, const char *message, int64_t now, bool *added)
{
	sqlite3_stmt *st = prep(db, HUB_STMT_REJECTION_FIND);
	hub_result rc;
	bool had;

	*added = false;
	if (!st)
		return HUB_EDB;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, proto_u2i(origin));
	sqlite3_bind_int64(st, 3, proto_u2i(seq));
	sqlite3_bind_text(st, 4, code, -1, SQLITE_STATIC);
	rc = hub_store_step(st, &had);
	unprep(st);
	if (rc != HUB_OK || had)
		return rc;
	rc = hub_rejection_add(db, source, origin, seq, code, message, now);
	*added = rc == HUB_OK;
	return rc;
}
