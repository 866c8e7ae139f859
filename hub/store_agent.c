/*
 * store_agent.c - enrolment: one-time tokens (only their SHA-256 is
 * stored), the agents they enrolled, and revocation of either.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>
#include "maiam/cli.h"
#include "ctx.h"
#include "store.h"
#include "store_int.h"
#include "enrol.h"

#define prep hub_store_prep
#define unprep hub_store_unprep

hub_result hub_token_add(sqlite3 *db, const hub_scope *scope, int64_t now, int64_t ttl, char token[65],
			 int64_t *id)
{
	uint8_t raw[24], hash[32];
	sqlite3_stmt *st = NULL;
	hub_result rc;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return HUB_ECRYPTO;
	proto_hex(raw, sizeof(raw), token);
	proto_sha256((const uint8_t *)token, strlen(token), hash);
	st = prep(db, HUB_STMT_TOKEN_ADD);
	if (!st)
		return HUB_EDB;
	sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_int(st, 2, scope->kind);
	sqlite3_bind_int(st, 3, scope->code);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now + ttl);
	rc = hub_store_exec(st);
	if (rc == HUB_OK)
		*id = sqlite3_last_insert_rowid(db);
	unprep(st);
	return rc;
}

/* The token's row: *found (st on it, HUB_STMT_TOKEN_FIND's columns) or
 * not. *st is to be given back with unprep in every case. */
static hub_result token_find(sqlite3 *db, const char *token, sqlite3_stmt **st, bool *found)
{
	uint8_t hash[32];

	*found = false;
	proto_sha256((const uint8_t *)token, strlen(token), hash);
	*st = prep(db, HUB_STMT_TOKEN_FIND);
	if (!*st || sqlite3_bind_blob(*st, 1, hash, sizeof(hash), SQLITE_TRANSIENT) != SQLITE_OK)
		return HUB_EDB;
	return hub_store_step(*st, found);
}

/* The state (HUB_TOKEN_*) of the token row st is on, for 'agent' at 'now'. */
static int token_state(sqlite3_stmt *st, int64_t now, uint64_t agent)
{
	if (sqlite3_column_type(st, 5) != SQLITE_NULL)
		return HUB_TOKEN_REVOKED;
	if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		return sqlite3_column_type(st, 6) == SQLITE_INTEGER &&
				       proto_i2u(sqlite3_column_int64(st, 6)) == agent
			       ? HUB_TOKEN_AGAIN
			       : HUB_TOKEN_USED;
	if (sqlite3_column_int64(st, 3) <= now)
		return HUB_TOKEN_EXPIRED;
	return HUB_TOKEN_OK;
}

hub_result hub_token_peek(sqlite3 *db, const char *token, int64_t now, uint64_t agent, int *state)
{
	sqlite3_stmt *st = NULL;
	bool found;
	hub_result rc = token_find(db, token, &st, &found);

	if (rc == HUB_OK)
		*state = found ? token_state(st, now, agent) : HUB_TOKEN_UNKNOWN;
	unprep(st);
	return rc;
}

hub_result hub_token_consume(sqlite3 *db, const char *token, int64_t now, uint64_t agent, int *state,
			     hub_scope *scope, int64_t *token_id)
{
	sqlite3_stmt *st = NULL;
	bool found;
	hub_result rc = token_find(db, token, &st, &found);

	if (rc != HUB_OK)
		goto out;
	if (!found) {
		*state = HUB_TOKEN_UNKNOWN;
		goto out;
	}
	*token_id = sqlite3_column_int64(st, 0);
	scope->kind = sqlite3_column_int(st, 1);
	scope->code = sqlite3_column_int(st, 2);
	*state = token_state(st, now, agent);
	unprep(st);
	st = NULL;
	if (*state != HUB_TOKEN_OK)
		goto out;
	rc = HUB_EDB;
	st = prep(db, HUB_STMT_TOKEN_USE);
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, proto_u2i(agent));
	sqlite3_bind_int64(st, 3, *token_id);
	rc = hub_store_exec(st);
	if (rc == HUB_OK && sqlite3_changes(db) != 1)
		*state = HUB_TOKEN_USED;
out:
	unprep(st);
	return rc;
}

hub_result hub_agent_insert(sqlite3 *db, const uint8_t pub[PROTO_PUBKEY_LEN], const hub_scope *scope,
			    int64_t now, int64_t token_id)
{
	sqlite3_stmt *st = prep(db, HUB_STMT_AGENT_INSERT);
	hub_result rc;

	if (!st)
		return HUB_EDB;
	sqlite3_bind_int64(st, 1, proto_u2i(proto_key_id_of_raw(pub)));
	sqlite3_bind_blob(st, 2, pub, PROTO_PUBKEY_LEN, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, scope->kind);
	sqlite3_bind_int(st, 4, scope->code);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, token_id);
	rc = hub_store_exec(st);
	unprep(st);
	return rc;
}

hub_result hub_agent_get(sqlite3 *db, uint64_t id, hub_agent *out, bool *found)
{
	sqlite3_stmt *st = prep(db, HUB_STMT_AGENT_GET);
	hub_result rc;

	*found = false;
	if (!st)
		return HUB_EDB;
	sqlite3_bind_int64(st, 1, proto_u2i(id));
	rc = hub_store_step(st, found);
	if (*found && sqlite3_column_bytes(st, 0) != PROTO_PUBKEY_LEN) {
		*found = false; /* not a key the hub wrote */
		rc = HUB_EDB;
	}
	if (*found) {
		out->id = id;
		memcpy(out->pub, sqlite3_column_blob(st, 0), PROTO_PUBKEY_LEN);
		out->scope.kind = sqlite3_column_int(st, 1);
		out->scope.code = sqlite3_column_int(st, 2);
		out->enrolled = sqlite3_column_int64(st, 3);
		out->revoked = sqlite3_column_int64(st, 4);
		out->reads = sqlite3_column_int(st, 5);
	}
	unprep(st);
	return rc;
}

hub_result hub_agent_set_reads(sqlite3 *db, uint64_t id, int reads)
{
	sqlite3_stmt *st = NULL;
	hub_result rc = HUB_EDB;

	/* rare (once per laptop upgrade): not worth a cached statement */
	if (sqlite3_prepare_v2(db, "UPDATE hub_agent SET reads = ?2 WHERE id = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, proto_u2i(id));
	sqlite3_bind_int(st, 2, reads);
	rc = sqlite3_step(st) == SQLITE_DONE ? HUB_OK : HUB_EDB;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Run one of the revocation statements whose ?1 is the time. */
static hub_result revoke_step(sqlite3 *db, hub_stmt id, int64_t now)
{
	sqlite3_stmt *st = prep(db, id);
	hub_result rc;

	if (!st)
		return HUB_EDB;
	sqlite3_bind_int64(st, 1, now);
	rc = hub_store_exec(st);
	unprep(st);
	return rc;
}

hub_result hub_agent_revoke(sqlite3 *db, const char *id, int64_t now, bool *done)
{
	sqlite3_stmt *st = NULL;
	uint64_t key;
	int64_t num;
	hub_result rc;

	*done = false;
	if (hub_parse_keyid(id, &key) == 0) {
		st = prep(db, HUB_STMT_AGENT_REVOKE);
		if (!st)
			return HUB_EDB;
		sqlite3_bind_int64(st, 2, proto_u2i(key));
	} else if (cli_parse_int(id, 1, 0x7fffffffL, &num) == 0) {
		/* a token number: revoke the token and the agent enrolled with it */
		st = prep(db, HUB_STMT_TOKEN_REVOKE);
		if (!st)
			return HUB_EDB;
		sqlite3_bind_int64(st, 2, num);
	} else {
		return HUB_OK;
	}
	sqlite3_bind_int64(st, 1, now);
	rc = hub_store_exec(st);
	*done = rc == HUB_OK && sqlite3_changes(db) > 0;
	unprep(st);
	/* keep token and agent in step whichever way the operator named it */
	if (rc == HUB_OK)
		rc = revoke_step(db, HUB_STMT_AGENT_REVOKE_BY_TOKEN, now);
	if (rc == HUB_OK)
		rc = revoke_step(db, HUB_STMT_TOKEN_REVOKE_BY_AGENT, now);
	return rc;
}

/* hub_agent_each's walk: the time statuses are judged at, the caller's callback. */
typedef struct agent_walk {
	int64_t now;
	hub_agent_row_cb cb;
	void *arg;
} agent_walk;

static int agent_row(void *arg, sqlite3_stmt *st)
{
	const agent_walk *w = arg;
	hub_scope scope = { sqlite3_column_int(st, 1), sqlite3_column_int(st, 2) };
	const char *status = "pending";
	int64_t expires = sqlite3_column_int64(st, 4);

	if (sqlite3_column_type(st, 6) != SQLITE_NULL)
		status = "revoked";
	else if (sqlite3_column_type(st, 5) != SQLITE_NULL)
		status = "enrolled";
	else if (expires <= w->now)
		status = "expired";
	return w->cb(w->arg, sqlite3_column_int64(st, 0), status, &scope,
		     proto_i2u(sqlite3_column_int64(st, 7)), sqlite3_column_int64(st, 3), expires,
		     proto_i2u(sqlite3_column_int64(st, 8)));
}

hub_result hub_agent_each(sqlite3 *db, int64_t now, hub_agent_row_cb cb, void *arg)
{
	agent_walk w = { now, cb, arg };

	return hub_store_walk(prep(db, HUB_STMT_AGENT_EACH), agent_row, &w);
}

/*
 * Succession (docs/HUB.md, "Re-enrolment"): a token may name the revoked
 * agent it replaces; the agent it enrols records that one as its
 * predecessor. These statements are rare (an operator's command, an
 * enrolment, a record re-sealed under a successor), so they are prepared
 * where they run rather than cached with the statements of store_sql.c.
 */
static const char succession_sql[][128] = {
	"UPDATE hub_token SET replaces = ?2 WHERE id = ?1",
	"SELECT replaces FROM hub_token WHERE id = ?1 AND replaces IS NOT NULL",
	"UPDATE hub_agent SET predecessor = ?2 WHERE id = ?1",
	"SELECT predecessor FROM hub_agent WHERE id = ?1 AND predecessor IS NOT NULL",
	"SELECT id FROM hub_agent WHERE predecessor = ?1 LIMIT 1",
};
enum { SET_REPLACES, GET_REPLACES, SET_PREDECESSOR, GET_PREDECESSOR, GET_SUCCESSOR };

/* Run succession statement which with ?1 = a and ?2 = b (when has_b); a
 * row's first column into *out, *found saying if there was one (out NULL:
 * a statement without rows). */
static hub_result succession_run(sqlite3 *db, int which, int64_t a, bool has_b, uint64_t b,
				 uint64_t *out, bool *found)
{
	sqlite3_stmt *st = NULL;
	bool row = false;
	hub_result rc = HUB_EDB;

	if (found)
		*found = false;
	if (sqlite3_prepare_v2(db, succession_sql[which], -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, a);
	if (has_b)
		sqlite3_bind_int64(st, 2, proto_u2i(b));
	if (!out) {
		rc = hub_store_exec(st);
		goto out;
	}
	rc = hub_store_step(st, &row);
	if (rc == HUB_OK && row) {
		*out = proto_i2u(sqlite3_column_int64(st, 0));
		*found = true;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

hub_result hub_token_set_replaces(sqlite3 *db, int64_t token_id, uint64_t old_agent)
{
	return succession_run(db, SET_REPLACES, token_id, true, old_agent, NULL, NULL);
}

hub_result hub_token_replaces(sqlite3 *db, int64_t token_id, uint64_t *old_agent, bool *found)
{
	return succession_run(db, GET_REPLACES, token_id, false, 0, old_agent, found);
}

hub_result hub_agent_set_predecessor(sqlite3 *db, uint64_t agent, uint64_t predecessor)
{
	return succession_run(db, SET_PREDECESSOR, proto_u2i(agent), true, predecessor, NULL, NULL);
}

hub_result hub_agent_predecessor(sqlite3 *db, uint64_t agent, uint64_t *predecessor, bool *found)
{
	return succession_run(db, GET_PREDECESSOR, proto_u2i(agent), false, 0, predecessor, found);
}

hub_result hub_agent_successor(sqlite3 *db, uint64_t agent, uint64_t *successor, bool *found)
{
	return succession_run(db, GET_SUCCESSOR, proto_u2i(agent), false, 0, successor, found);
}

hub_result hub_agent_lineage(sqlite3 *db, uint64_t agent, uint64_t lineage[HUB_SUCCESSION_MAX], int *n)
{
	uint64_t at = agent;
	bool found = true;
	hub_result rc = HUB_OK;

	*n = 0;
	/* a chain of laptops rebuilt one after another; the bound only guards
	 * against a loop in a database the hub did not write */
	while (*n < HUB_SUCCESSION_MAX) {
		rc = hub_agent_predecessor(db, at, &at, &found);
		if (rc != HUB_OK || !found)
			break;
		lineage[(*n)++] = at;
	}
	return rc;
}

hub_result hub_agent_succeeds(sqlite3 *db, uint64_t agent, uint64_t ancestor, bool *yes)
{
	uint64_t lineage[HUB_SUCCESSION_MAX];
	int n;
	hub_result rc = hub_agent_lineage(db, agent, lineage, &n);

	*yes = false;
	for (int i = 0; rc == HUB_OK && i < n && !*yes; i++)
		*yes = lineage[i] == ancestor;
	return rc;
}
