/*
 * store.c - all SQL on the hub's own tables: meta, token, agent, ledger and
 * rejection, plus the read-only lookups of the shared tables that scope
 * checks and listings need. Callers own transactions; nothing here begins
 * one. The tables themselves are made in schema.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>
#include "hub.h"
#include "store_int.h"

#define prep hub_store_prep
#define unprep hub_store_unprep

/*
 * Statement cache. The serve threads each own one connection for their whole
 * life and run the same few statements for every push and pull, so preparing
 * them every time was a tenth of a push (docs/BENCHMARKS.md). A thread that
 * called hub_store_cache_begin(db) keeps the statements it prepares on db,
 * keyed by the SQL text's address (every call site passes a literal); other
 * callers (the one-shot commands) prepare and finalize as before, so
 * sqlite3_close never meets a leftover statement.
 */
#define CACHE_SLOTS 64 /* the statements one serve thread runs, with room */

typedef struct stmt_cache {
	sqlite3 *db;
	int n;
	const char *sql[CACHE_SLOTS];
	sqlite3_stmt *st[CACHE_SLOTS];
} stmt_cache;

static _Thread_local stmt_cache *tls_cache;

int hub_store_cache_begin(sqlite3 *db)
{
	if (tls_cache)
		hub_store_cache_end();
	tls_cache = proto_calloc(1, sizeof(*tls_cache));
	if (!tls_cache)
		return -1;
	tls_cache->db = db;
	return 0;
}

void hub_store_cache_end(void)
{
	int i;

	if (!tls_cache)
		return;
	for (i = 0; i < tls_cache->n; i++)
		sqlite3_finalize(tls_cache->st[i]);
	free(tls_cache);
	tls_cache = NULL;
}

sqlite3_stmt *hub_store_prep(sqlite3 *db, const char *sql)
{
	stmt_cache *c = tls_cache;
	sqlite3_stmt *st = NULL;
	int i;

	if (c && c->db == db) {
		for (i = 0; i < c->n; i++) {
			/* busy: a caller up the stack is still stepping it */
			if (c->sql[i] == sql && !sqlite3_stmt_busy(c->st[i]))
				return c->st[i];
		}
		if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
			return NULL;
		if (c->n < CACHE_SLOTS) {
			c->sql[c->n] = sql;
			c->st[c->n++] = st;
		}
		return st;
	}
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	return st;
}

/* The end of one use: a cached statement is reset for the next, any other finalized. */
void hub_store_unprep(sqlite3_stmt *st)
{
	stmt_cache *c = tls_cache;
	int i;

	if (!st)
		return;
	if (c) {
		for (i = 0; i < c->n; i++) {
			if (c->st[i] == st) {
				sqlite3_reset(st);
				sqlite3_clear_bindings(st);
				return;
			}
		}
	}
	sqlite3_finalize(st);
}

int hub_meta_get(sqlite3 *db, const char *key, char *out, size_t outlen)
{
	sqlite3_stmt *st = prep(db, "SELECT value FROM hub_meta WHERE key = ?");
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
	sqlite3_stmt *st = prep(db, "INSERT INTO hub_meta(key, value) VALUES (?, ?)"
				    " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
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

int hub_token_add(sqlite3 *db, const hub_scope *scope, int64_t now, int64_t ttl,
		  char token[65], int64_t *id)
{
	uint8_t raw[24], hash[32];
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -1;
	proto_hex(raw, sizeof(raw), token);
	proto_sha256((const uint8_t *)token, strlen(token), hash);
	st = prep(db, "INSERT INTO hub_token(hash, scope_kind, scope_code, created, expires)"
		      " VALUES (?, ?, ?, ?, ?)");
	if (!st)
		goto out;
	sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_int(st, 2, scope->kind);
	sqlite3_bind_int(st, 3, scope->code);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now + ttl);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	*id = sqlite3_last_insert_rowid(db);
	rc = 0;
out:
	unprep(st);
	return rc;
}

int hub_token_consume(sqlite3 *db, const char *token, int64_t now, uint64_t agent,
		      int *state, hub_scope *scope, int64_t *token_id)
{
	uint8_t hash[32];
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	proto_sha256((const uint8_t *)token, strlen(token), hash);
	st = prep(db, "SELECT id, scope_kind, scope_code, expires, used, revoked, agent"
		      " FROM hub_token WHERE hash = ?");
	if (!st)
		goto out;
	sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		*state = HUB_TOKEN_UNKNOWN;
		rc = 0;
		goto out;
	}
	if (step != SQLITE_ROW)
		goto out;
	*token_id = sqlite3_column_int64(st, 0);
	scope->kind = sqlite3_column_int(st, 1);
	scope->code = sqlite3_column_int(st, 2);
	if (sqlite3_column_type(st, 5) != SQLITE_NULL)
		*state = HUB_TOKEN_REVOKED;
	else if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		*state = sqlite3_column_type(st, 6) == SQLITE_INTEGER &&
				 proto_i2u(sqlite3_column_int64(st, 6)) == agent ?
			 HUB_TOKEN_AGAIN : HUB_TOKEN_USED;
	else if (sqlite3_column_int64(st, 3) <= now)
		*state = HUB_TOKEN_EXPIRED;
	else
		*state = HUB_TOKEN_OK;
	unprep(st);
	st = NULL;
	rc = 0;
	if (*state != HUB_TOKEN_OK)
		goto out;
	rc = -1;
	st = prep(db, "UPDATE hub_token SET used = ?, agent = ? WHERE id = ? AND used IS NULL");
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, proto_u2i(agent));
	sqlite3_bind_int64(st, 3, *token_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	if (sqlite3_changes(db) != 1)
		*state = HUB_TOKEN_USED;
	rc = 0;
out:
	unprep(st);
	return rc;
}

int hub_agent_insert(sqlite3 *db, const uint8_t pub[PROTO_PUBKEY_LEN], const hub_scope *scope,
		     int64_t now, int64_t token_id)
{
	sqlite3_stmt *st = prep(db, "INSERT INTO hub_agent(id, pub, scope_kind, scope_code,"
				    " enrolled, token) VALUES (?, ?, ?, ?, ?, ?)");
	int rc = -1;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, proto_u2i(proto_key_id_of_raw(pub)));
	sqlite3_bind_blob(st, 2, pub, PROTO_PUBKEY_LEN, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, scope->kind);
	sqlite3_bind_int(st, 4, scope->code);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, token_id);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	unprep(st);
	return rc;
}

int hub_agent_get(sqlite3 *db, uint64_t id, hub_agent *out)
{
	sqlite3_stmt *st = prep(db, "SELECT pub, scope_kind, scope_code, enrolled,"
				    " coalesce(revoked, 0) FROM hub_agent WHERE id = ?");
	int rc = -1, step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, proto_u2i(id));
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 0;
	} else if (step == SQLITE_ROW && sqlite3_column_bytes(st, 0) == PROTO_PUBKEY_LEN) {
		out->id = id;
		memcpy(out->pub, sqlite3_column_blob(st, 0), PROTO_PUBKEY_LEN);
		out->scope.kind = sqlite3_column_int(st, 1);
		out->scope.code = sqlite3_column_int(st, 2);
		out->enrolled = sqlite3_column_int64(st, 3);
		out->revoked = sqlite3_column_int64(st, 4);
		rc = 1;
	}
	unprep(st);
	return rc;
}

int hub_agent_revoke(sqlite3 *db, const char *id, int64_t now)
{
	sqlite3_stmt *st = NULL;
	uint64_t key;
	long num;
	int rc = -1;

	if (hub_parse_keyid(id, &key) == 0) {
		st = prep(db, "UPDATE hub_agent SET revoked = ? WHERE id = ? AND revoked IS NULL");
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 2, proto_u2i(key));
	} else if (hub_parse_int(id, 1, 0x7fffffffL, &num) == 0) {
		/* a token number: revoke the token and the agent enrolled with it */
		st = prep(db, "UPDATE hub_token SET revoked = ? WHERE id = ? AND revoked IS NULL");
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 2, num);
	} else {
		return 0;
	}
	sqlite3_bind_int64(st, 1, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	rc = sqlite3_changes(db) > 0;
	unprep(st);
	st = NULL;
	/* keep token and agent in step whichever way the operator named it */
	st = prep(db, "UPDATE hub_agent SET revoked = ?1 WHERE revoked IS NULL AND id IN"
		      " (SELECT agent FROM hub_token WHERE revoked IS NOT NULL AND agent IS NOT NULL);"
	     );
	if (!st || (sqlite3_bind_int64(st, 1, now), sqlite3_step(st)) != SQLITE_DONE)
		rc = -1;
	unprep(st);
	st = prep(db, "UPDATE hub_token SET revoked = ?1 WHERE revoked IS NULL AND agent IN"
		      " (SELECT id FROM hub_agent WHERE revoked IS NOT NULL)");
	if (!st || (sqlite3_bind_int64(st, 1, now), sqlite3_step(st)) != SQLITE_DONE)
		rc = -1;
out:
	unprep(st);
	return rc;
}

int hub_agent_each(sqlite3 *db, int64_t now, hub_agent_row_cb cb, void *arg)
{
	sqlite3_stmt *st = prep(db,
		"SELECT t.id, t.scope_kind, t.scope_code, t.created, t.expires, t.used, t.revoked,"
		" t.agent, (SELECT max(seq) FROM hub_ledger l WHERE l.origin = t.agent)"
		" FROM hub_token t ORDER BY t.id");
	int rc = -1, step;

	if (!st)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		hub_scope scope = { sqlite3_column_int(st, 1), sqlite3_column_int(st, 2) };
		const char *status = "pending";
		int64_t expires = sqlite3_column_int64(st, 4);

		if (sqlite3_column_type(st, 6) != SQLITE_NULL)
			status = "revoked";
		else if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			status = "enrolled";
		else if (expires <= now)
			status = "expired";
		if (cb(arg, sqlite3_column_int64(st, 0), status, &scope,
		       proto_i2u(sqlite3_column_int64(st, 7)), sqlite3_column_int64(st, 3), expires,
		       proto_i2u(sqlite3_column_int64(st, 8))))
			break;
	}
	if (step == SQLITE_DONE || step == SQLITE_ROW)
		rc = 0;
	unprep(st);
	return rc;
}

/* The highest seq of origin in one table (0 if none) and its hash. */
static int head_in(sqlite3 *db, sqlite3_stmt *st, uint64_t origin, uint64_t *seq, uint8_t hash[32])
{
	int rc = -1, step;

	(void)db;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, proto_u2i(origin));
	step = sqlite3_step(st);
	*seq = 0;
	memset(hash, 0, 32);
	if (step == SQLITE_DONE) {
		rc = 0;
	} else if (step == SQLITE_ROW && sqlite3_column_bytes(st, 1) == 32) {
		*seq = proto_i2u(sqlite3_column_int64(st, 0));
		memcpy(hash, sqlite3_column_blob(st, 1), 32);
		rc = 0;
	}
	unprep(st);
	return rc;
}

int hub_ledger_head(sqlite3 *db, uint64_t origin, uint64_t *seq, uint8_t hash[32])
{
	uint64_t rseq = 0;
	uint8_t rhash[32];

	/* two index lookups, not a sort of the union */
	if (head_in(db, prep(db, "SELECT seq, hash FROM hub_ledger WHERE origin = ?"
				 " ORDER BY seq DESC LIMIT 1"), origin, seq, hash) ||
	    head_in(db, prep(db, "SELECT seq, hash FROM hub_refused WHERE origin = ?"
				 " ORDER BY seq DESC LIMIT 1"), origin, &rseq, rhash))
		return -1;
	if (rseq > *seq) {
		*seq = rseq;
		memcpy(hash, rhash, 32);
	}
	return 0;
}

int hub_ledger_hash_at(sqlite3 *db, uint64_t origin, uint64_t seq, uint8_t hash[32])
{
	hub_refused_link link;
	sqlite3_stmt *st = prep(db, "SELECT hash FROM hub_ledger WHERE origin = ? AND seq = ?");
	int rc = -1, step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, proto_u2i(origin));
	sqlite3_bind_int64(st, 2, proto_u2i(seq));
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 0;
	} else if (step == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
		memcpy(hash, sqlite3_column_blob(st, 0), 32);
		rc = 1;
	}
	unprep(st);
	if (rc != 0)
		return rc;
	rc = hub_refused_get(db, origin, seq, &link);
	if (rc == 1) {
		memcpy(hash, link.hash, 32);
		rc = 2;
	}
	return rc;
}

int hub_ledger_insert(sqlite3 *db, uint64_t origin, uint64_t seq, const uint8_t hash[32],
		      const uint8_t *sealed, size_t len, int64_t now)
{
	sqlite3_stmt *st = prep(db, "INSERT INTO hub_ledger(origin, seq, hash, sealed, received)"
				    " VALUES (?, ?, ?, ?, ?)");
	int rc = -1;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, proto_u2i(origin));
	sqlite3_bind_int64(st, 2, proto_u2i(seq));
	sqlite3_bind_blob(st, 3, hash, 32, SQLITE_STATIC);
	sqlite3_bind_blob64(st, 4, sealed, len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	unprep(st);
	return rc;
}

int64_t hub_ledger_last_id(sqlite3 *db)
{
	return sqlite3_last_insert_rowid(db);
}

int hub_area_add(sqlite3 *db, int64_t ledger, int64_t commune, int64_t district)
{
	sqlite3_stmt *st = prep(db, "INSERT OR IGNORE INTO hub_ledger_area(commune, ledger, district)"
				    " VALUES (?, ?, ?)");
	int rc = -1;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, commune);
	sqlite3_bind_int64(st, 2, ledger);
	sqlite3_bind_int64(st, 3, district);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	unprep(st);
	return rc;
}

int hub_area_follow(sqlite3 *db, int64_t ledger, int64_t from, int64_t to, int64_t to_district)
{
	sqlite3_stmt *st = prep(db, "INSERT OR IGNORE INTO hub_ledger_area(commune, ledger, district)"
				    " SELECT ?3, ledger, ?4 FROM hub_ledger_area"
				    " WHERE commune = ?2 AND ledger <= ?1");
	int rc = -1;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ledger);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	sqlite3_bind_int64(st, 4, to_district);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	unprep(st);
	return rc;
}

int hub_move_add(sqlite3 *db, int64_t ledger, proto_id household, int64_t from)
{
	sqlite3_stmt *st = prep(db, "INSERT OR IGNORE INTO hub_move(ledger, id_origin, id_serial,"
				    " from_commune) VALUES (?, ?, ?, ?)");
	int rc = -1;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ledger);
	sqlite3_bind_int64(st, 2, proto_u2i(household.origin));
	sqlite3_bind_int64(st, 3, proto_u2i(household.serial));
	sqlite3_bind_int64(st, 4, from);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	unprep(st);
	return rc;
}

int hub_moved_from(sqlite3 *db, int64_t ledger, proto_id household, int64_t *from)
{
	sqlite3_stmt *st = prep(db, "SELECT from_commune FROM hub_move WHERE ledger = ?"
				    " AND id_origin = ? AND id_serial = ?");
	int rc = -1, step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ledger);
	sqlite3_bind_int64(st, 2, proto_u2i(household.origin));
	sqlite3_bind_int64(st, 3, proto_u2i(household.serial));
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*from = sqlite3_column_int64(st, 0);
		rc = 1;
	} else if (step == SQLITE_DONE) {
		rc = 0;
	}
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

int hub_ledger_each_area(sqlite3 *db, const hub_scope *scope, int64_t after, int limit,
			 hub_ledger_full_cb cb, void *arg)
{
	/* ids first (small, sorted), then each row's blob: the area part is an
	 * index range per commune or district, never a walk of the ledger */
	static const char by_commune[] =
		"SELECT id FROM hub_ledger WHERE id > ?1 AND id < ?2"
		" UNION SELECT ledger FROM hub_ledger_area WHERE commune = ?3 AND ledger > ?1"
		" ORDER BY 1 LIMIT ?4";
	static const char by_district[] =
		"SELECT id FROM hub_ledger WHERE id > ?1 AND id < ?2"
		" UNION SELECT ledger FROM hub_ledger_area WHERE district = ?3 AND ledger > ?1"
		" ORDER BY 1 LIMIT ?4";
	sqlite3_stmt *ids = NULL, *row = NULL;
	int64_t *list = NULL;
	uint64_t from = 1;
	int rc = -1, step = SQLITE_DONE, n = 0, i;

	if (limit <= 0 || hub_meta_get_u64(db, "area_from", &from) < 0)
		return -1;
	list = proto_calloc((size_t)limit, sizeof(*list));
	ids = prep(db, scope->kind == HUB_SCOPE_DISTRICT ? by_district : by_commune);
	if (!list || !ids)
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
	row = prep(db, "SELECT origin, seq, hash, sealed FROM hub_ledger WHERE id = ?");
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
	rc = 0;
out:
	unprep(ids);
	unprep(row);
	free(list);
	return rc;
}

int hub_ledger_each_by_origin(sqlite3 *db, hub_ledger_full_cb cb, void *arg)
{
	sqlite3_stmt *st = prep(db, "SELECT id, origin, seq, hash, sealed, received FROM hub_ledger"
				    " ORDER BY origin, seq");
	int rc = -1, step;

	if (!st)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		hub_ledger_row row;
		ledger_row_at(st, 1, sqlite3_column_int64(st, 0), &row);
		row.received = sqlite3_column_int64(st, 5);
		if (cb(arg, &row))
			break;
	}
	if (step == SQLITE_DONE || step == SQLITE_ROW)
		rc = 0;
	unprep(st);
	return rc;
}

int hub_rejection_add(sqlite3 *db, const char *source, uint64_t origin, uint64_t seq,
		      const char *code, const char *message, int64_t now)
{
	sqlite3_stmt *st = prep(db, "INSERT INTO hub_rejection(received, source, origin, seq,"
				    " code, message) VALUES (?, ?, ?, ?, ?, ?)");
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

int hub_household_commune(sqlite3 *db, proto_id id, int64_t *commune)
{
	sqlite3_stmt *st = prep(db, "SELECT commune FROM household"
				    " WHERE id_origin = ? AND id_serial = ?");
	int rc = -1, step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, proto_u2i(id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(id.serial));
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 0;
	} else if (step == SQLITE_ROW) {
		rc = sqlite3_column_type(st, 0) == SQLITE_INTEGER;
		*commune = sqlite3_column_int64(st, 0);
	}
	unprep(st);
	return rc;
}

int hub_event_anchor(sqlite3 *db, proto_id id, int *has_household, proto_id *household,
		     int64_t *unit)
{
	sqlite3_stmt *st = prep(db,
		"SELECT household_origin, household_serial, NULL FROM milestone"
		" WHERE id_origin = ?1 AND id_serial = ?2"
		" UNION ALL SELECT household_origin, household_serial, unit FROM contribution"
		" WHERE id_origin = ?1 AND id_serial = ?2");
	int rc = -1, step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, proto_u2i(id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(id.serial));
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 0;
	} else if (step == SQLITE_ROW) {
		*has_household = sqlite3_column_type(st, 0) == SQLITE_INTEGER;
		household->origin = proto_i2u(sqlite3_column_int64(st, 0));
		household->serial = proto_i2u(sqlite3_column_int64(st, 1));
		*unit = sqlite3_column_int64(st, 2);
		rc = 1;
	}
	unprep(st);
	return rc;
}

int hub_household_each(sqlite3 *db, int64_t commune, hub_household_cb cb, void *arg)
{
	sqlite3_stmt *st = prep(db,
		"SELECT id_origin, id_serial, ref, name, national_id, hamlet, category,"
		" review_status, commune, members FROM household"
		" WHERE ?1 = 0 OR commune = ?1 ORDER BY commune, id_origin, id_serial");
	int rc = -1, step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, commune);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		hub_household_row r;
		r.id.origin = proto_i2u(sqlite3_column_int64(st, 0));
		r.id.serial = proto_i2u(sqlite3_column_int64(st, 1));
		r.ref = (const char *)sqlite3_column_text(st, 2);
		r.name = (const char *)sqlite3_column_text(st, 3);
		r.national_id = (const char *)sqlite3_column_text(st, 4);
		r.hamlet = (const char *)sqlite3_column_text(st, 5);
		r.category = (const char *)sqlite3_column_text(st, 6);
		r.review_status = (const char *)sqlite3_column_text(st, 7);
		r.has_commune = sqlite3_column_type(st, 8) == SQLITE_INTEGER;
		r.commune = sqlite3_column_int64(st, 8);
		r.has_members = sqlite3_column_type(st, 9) == SQLITE_INTEGER;
		r.members = sqlite3_column_int64(st, 9);
		if (cb(arg, &r))
			break;
	}
	if (step == SQLITE_DONE || step == SQLITE_ROW)
		rc = 0;
	unprep(st);
	return rc;
}

int hub_household_stamp(sqlite3 *db, proto_id id, int field, uint64_t *stamp)
{
	sqlite3_stmt *st = prep(db, "SELECT stamp FROM household_stamp"
				    " WHERE id_origin = ? AND id_serial = ? AND field = ?");
	int rc = -1, step;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, proto_u2i(id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(id.serial));
	sqlite3_bind_int(st, 3, field);
	*stamp = 0;
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 0;
	} else if (step == SQLITE_ROW) {
		*stamp = proto_i2u(sqlite3_column_int64(st, 0));
		rc = 0;
	}
	unprep(st);
	return rc;
}

int hub_household_show(sqlite3 *db, proto_id id, hub_column_cb cb, void *arg)
{
	sqlite3_stmt *st = prep(db, "SELECT * FROM household WHERE id_origin = ? AND id_serial = ?");
	int rc = -1, step, i;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, proto_u2i(id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(id.serial));
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = 0;
	} else if (step == SQLITE_ROW) {
		for (i = 2; i < sqlite3_column_count(st); i++)
			cb(arg, sqlite3_column_name(st, i), (const char *)sqlite3_column_text(st, i));
		rc = 1;
	}
	unprep(st);
	return rc;
}
