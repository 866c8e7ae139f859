/*
 * enrol.h - one enrolment of a laptop's key with a one-time token, for the
 * two ways a key reaches the hub: POST /v1/enroll (route_enroll.c) and the
 * claim that rides first in a USB bundle (cmd_usb.c, proto/FORMAT.md "Hub
 * files"). The same rules either way: the token is used up in the
 * transaction that records the key, and the same key with the same token
 * again is the same enrolment again (its first answer may have been lost).
 */
#ifndef HUB_ENROL_H
#define HUB_ENROL_H

#include <stdbool.h>
#include "ctx.h"
#include "result.h"

typedef struct hub_enrolment {
	hub_scope scope;      /* the token's area, on HUB_OK */
	int again;            /* this key was enrolled with this token before */
	uint64_t predecessor; /* the revoked agent this key succeeds, 0 if none */
	/* on HUB_REFUSED: the HTTP status, a code and an English message */
	int status;
	const char *code;
	const char *message;
} hub_enrolment;

/*
 * Enrol pub with token at now, in a transaction of its own on db. HUB_OK
 * (out->scope, out->again), HUB_REFUSED (out->status, code, message: an
 * unknown, used, expired or revoked token, a revoked agent, a key enrolled
 * with another token, a successor for an agent that already has one) or
 * HUB_EDB (nothing written). A token made with --replaces records the new
 * agent as the successor of the revoked one (out->predecessor).
 */
hub_result hub_enrol(sqlite3 *db, const char *token, const uint8_t pub[PROTO_PUBKEY_LEN], int64_t now,
		     hub_enrolment *out);

/*
 * Succession: a laptop whose key was revoked (stolen, rebuilt) enrols a new
 * key with a token made for it ('agent add --replaces OLD'); the new agent
 * records the old one as its predecessor and may send records whose ids and
 * writer are its predecessors' (the change-sets re-sealed under the new key,
 * docs/HUB.md "Re-enrolment"). The functions below are store_agent.c's.
 */
#define HUB_SUCCESSION_MAX 64 /* predecessors followed, at most */
/* The revoked agent token_id enrols a successor for; *found false if none. */
hub_result hub_token_set_replaces(sqlite3 *db, int64_t token_id, uint64_t old_agent);
hub_result hub_token_replaces(sqlite3 *db, int64_t token_id, uint64_t *old_agent, bool *found);
hub_result hub_agent_set_predecessor(sqlite3 *db, uint64_t agent, uint64_t predecessor);
hub_result hub_agent_predecessor(sqlite3 *db, uint64_t agent, uint64_t *predecessor, bool *found);
/* The agent that succeeded agent, if any. */
hub_result hub_agent_successor(sqlite3 *db, uint64_t agent, uint64_t *successor, bool *found);
/* agent's predecessors, nearest first, into lineage[0..*n): the keys whose
 * records are its own work. */
hub_result hub_agent_lineage(sqlite3 *db, uint64_t agent, uint64_t lineage[HUB_SUCCESSION_MAX], int *n);
/* *yes when ancestor is agent's predecessor, or its predecessor's, and so on. */
hub_result hub_agent_succeeds(sqlite3 *db, uint64_t agent, uint64_t ancestor, bool *yes);

/* The refusal for a token state other than HUB_TOKEN_OK / _AGAIN (store.h),
 * for the checks that come before hub_enrol. */
void hub_enrol_token_refusal(int state, hub_enrolment *out);

#endif
