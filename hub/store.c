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

int hub_meta_get(sqlite3 *db, const char *key, char *out, size_t outlen)
{
	sqlite3_stmt *st = prep(db, HUB_STMT_META_GET);
	int rc = -1, step;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 0;
	} else if (step == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		if (v && (size_t)snprintf(out, outlen, "%s", v) < outlen)
			rc = 1;
	}
	unprep(st);
	return rc;
}

int hub_meta_set(sqlite3 *db, const char *key, const char *value)
{
	sqlite3_stmt *st = prep(db, HUB_STMT_META_SET);
	int rc = -1;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	unprep(st);
	return rc;
}

int hub_meta_get_u64(sqlite3 *db, const char *key, uint64_t *out)
{
	char v[32], *end;
	int rc = hub_meta_get(db, key, v, sizeof(v));

	*out = 0;
	if (rc <= 0)
		return rc;
	*out = strtoull(v, &end, 10);
	return *end ? -1 : 1;
}

int hub_meta_set_u64(sqlite3 *db, const char *key, uint64_t v)
{
	char s[32];
	snprintf(s, sizeof(s), "%llu", (unsigned long long)v);
	return hub_meta_set(db, key, s);
}

int hub_rejection_add(sqlite3 *db, const char *source, uint64_t origin, uint64_t seq,
		      const char *code, const char *message, int64_t now)
{
	sqlite3_stmt *st = prep(db, HUB_STMT_REJECTION_ADD);
	int rc = -1;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, source, -1, SQLITE_STATIC);
	if (origin)
		sqlite3_bind_int64(st, 3, proto_u2i(origin));
	if (seq)
		sqlite3_bind_int64(st, 4, proto_u2i(seq));
	sqlite3_bind_text(st, 5, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, message, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	unprep(st);
	return rc;
}
