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

#define prep hub_store_prep
#define unprep hub_store_unprep
#define row hub_store_row

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
	st = prep(db, HUB_STMT_TOKEN_ADD);
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

/* The token's row: 1 found (st on it, HUB_STMT_TOKEN_FIND's columns), 0
 * unknown, -1 error. *st is to be given back with unprep in every case. */
static int token_find(sqlite3 *db, const char *token, sqlite3_stmt **st)
{
	uint8_t hash[32];

	proto_sha256((const uint8_t *)token, strlen(token), hash);
	*st = prep(db, HUB_STMT_TOKEN_FIND);
	if (!*st || sqlite3_bind_blob(*st, 1, hash, sizeof(hash), SQLITE_TRANSIENT) != SQLITE_OK)
		return -1;
	return row(*st);
}

/* The state (HUB_TOKEN_*) of the token row st is on, for 'agent' at 'now'. */
static int token_state(sqlite3_stmt *st, int64_t now, uint64_t agent)
{
	if (sqlite3_column_type(st, 5) != SQLITE_NULL)
		return HUB_TOKEN_REVOKED;
	if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		return sqlite3_column_type(st, 6) == SQLITE_INTEGER &&
				       proto_i2u(sqlite3_column_int64(st, 6)) == agent ?
			       HUB_TOKEN_AGAIN :
			       HUB_TOKEN_USED;
	if (sqlite3_column_int64(st, 3) <= now)
		return HUB_TOKEN_EXPIRED;
	return HUB_TOKEN_OK;
}

int hub_token_peek(sqlite3 *db, const char *token, int64_t now, uint64_t agent, int *state)
{
	sqlite3_stmt *st = NULL;
	int rc = token_find(db, token, &st);

	if (rc >= 0)
		*state = rc == 1 ? token_state(st, now, agent) : HUB_TOKEN_UNKNOWN;
	unprep(st);
	return rc < 0 ? -1 : 0;
}

int hub_token_consume(sqlite3 *db, const char *token, int64_t now, uint64_t agent,
		      int *state, hub_scope *scope, int64_t *token_id)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	switch (token_find(db, token, &st)) {
	case 0:
		*state = HUB_TOKEN_UNKNOWN;
		rc = 0;
		goto out;
	case 1:
		break;
	default:
		goto out;
	}
	*token_id = sqlite3_column_int64(st, 0);
	scope->kind = sqlite3_column_int(st, 1);
	scope->code = sqlite3_column_int(st, 2);
	*state = token_state(st, now, agent);
	unprep(st);
	st = NULL;
	rc = 0;
	if (*state != HUB_TOKEN_OK)
		goto out;
	rc = -1;
	st = prep(db, HUB_STMT_TOKEN_USE);
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
	sqlite3_stmt *st = prep(db, HUB_STMT_AGENT_INSERT);
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
	sqlite3_stmt *st = prep(db, HUB_STMT_AGENT_GET);
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
	int64_t num;
	int rc = -1;

	if (hub_parse_keyid(id, &key) == 0) {
		st = prep(db, HUB_STMT_AGENT_REVOKE);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 2, proto_u2i(key));
	} else if (cli_parse_int(id, 1, 0x7fffffffL, &num) == 0) {
		/* a token number: revoke the token and the agent enrolled with it */
		st = prep(db, HUB_STMT_TOKEN_REVOKE);
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
	st = prep(db, HUB_STMT_AGENT_REVOKE_BY_TOKEN);
	if (!st || (sqlite3_bind_int64(st, 1, now), sqlite3_step(st)) != SQLITE_DONE)
		rc = -1;
	unprep(st);
	st = prep(db, HUB_STMT_TOKEN_REVOKE_BY_AGENT);
	if (!st || (sqlite3_bind_int64(st, 1, now), sqlite3_step(st)) != SQLITE_DONE)
		rc = -1;
out:
	unprep(st);
	return rc;
}

int hub_agent_each(sqlite3 *db, int64_t now, hub_agent_row_cb cb, void *arg)
{
	sqlite3_stmt *st = prep(db, HUB_STMT_AGENT_EACH);
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
