/*
 * store.c - the hub's key-value settings (hub_meta) and its log of
 * rejections. All SQL on the hub's own tables lives in store_sql.c, each
 * statement named by an enum (store_int.h) and run by the store_*.c file of
 * its subject: store_agent.c (enrolment), store_ledger.c (the ledger and its
 * area index), store_chain.c (refused links, quotas), store_household.c
 * (read-only lookups of the shared tables), store_anon.c (anonymous
 * refusals). Callers own transactions; nothing here begins one. The tables
 * themselves are made in schema.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store.h"
#include "store_int.h"

#define prep hub_store_prep
#define unprep hub_store_unprep

hub_result hub_meta_get(sqlite3 *db, const char *key, char *out, size_t outlen, bool *found)
{
	sqlite3_stmt *st = prep(db, HUB_STMT_META_GET);
	hub_result rc;

	*found = false;
	if (!st)
		return HUB_EDB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = hub_store_step(st, found);
	if (*found) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		if (!v || (size_t)snprintf(out, outlen, "%s", v) >= outlen)
			*found = false, rc = HUB_EDB; /* not what the hub writes */
	}
	unprep(st);
	return rc;
}

hub_result hub_meta_set(sqlite3 *db, const char *key, const char *value)
{
	sqlite3_stmt *st = prep(db, HUB_STMT_META_SET);
	hub_result rc;

	if (!st)
		return HUB_EDB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = hub_store_exec(st);
	unprep(st);
	return rc;
}

hub_result hub_meta_get_u64(sqlite3 *db, const char *key, uint64_t *out)
{
	char v[32], *end;
	bool found;
	hub_result rc = hub_meta_get(db, key, v, sizeof(v), &found);

	*out = 0;
	if (rc != HUB_OK || !found)
		return rc;
	*out = strtoull(v, &end, 10);
	return *end ? HUB_EDB : HUB_OK;
}

hub_result hub_meta_set_u64(sqlite3 *db, const char *key, uint64_t v)
{
	char s[32];
	snprintf(s, sizeof(s), "%llu", (unsigned long long)v);
	return hub_meta_set(db, key, s);
}

hub_result hub_rejection_add(sqlite3 *db, const char *source, uint64_t origin, uint64_t seq,
			     const char *code, const char *message, int64_t now)
{
	return hub_rejection_add_sealed(db, source, origin, seq, NULL, code, message, now);
}

hub_result hub_rejection_add_sealed(sqlite3 *db, const char *source, uint64_t origin, uint64_t seq,
				    const uint8_t hash[32], const char *code, const char *message,
				    int64_t now)
{
	sqlite3_stmt *st = prep(db, HUB_STMT_REJECTION_ADD);
	hub_result rc;

	if (!st)
		return HUB_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
	if (origin)
		sqlite3_bind_int64(st, 3, proto_u2i(origin));
	if (seq)
		sqlite3_bind_int64(st, 4, proto_u2i(seq));
	sqlite3_bind_text(st, 5, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, message, -1, SQLITE_STATIC);
	if (hash)
		sqlite3_bind_blob(st, 7, hash, 32, SQLITE_STATIC);
	rc = hub_store_exec(st);
	unprep(st);
	return rc;
}
