/*
 * enrol.c - one enrolment (enrol.h): check and use the token, record the
 * key, in one transaction, whichever way the key came.
 */
#include <string.h>
#include "enrol.h"
#include "store.h"

static const char *const token_codes[] = { "", "token_unknown", "token_used", "token_expired",
					   "token_revoked" };
static const char *const token_msgs[] = {
	"", "enrolment token is not known to this hub: check it or ask for a new one",
	"enrolment token was already used: ask the hub operator for a new one",
	"enrolment token has expired: ask the hub operator for a new one",
	"enrolment token was revoked: ask the hub operator for a new one"
};

static void refuse(hub_enrolment *out, int status, const char *code, const char *message)
{
	out->status = status;
	out->code = code;
	out->message = message;
}

void hub_enrol_token_refusal(int state, hub_enrolment *out)
{
	if (state <= HUB_TOKEN_OK || state >= HUB_TOKEN_AGAIN)
		state = HUB_TOKEN_USED; /* not a refusal: never asked for one */
	refuse(out, 403, token_codes[state], token_msgs[state]);
}

/*
 * A token made for a successor: out->predecessor is the agent it replaces,
 * which must still have none (two laptops claiming one revoked laptop's
 * records would both be allowed to send them). HUB_OK (go on), HUB_REFUSED
 * (out and *res filled) or HUB_EDB.
 */
static hub_result successor_check(sqlite3 *db, int64_t token_id, hub_enrolment *out, hub_result *res)
{
	uint64_t successor;
	bool found;

	if (hub_token_replaces(db, token_id, &out->predecessor, &found) != HUB_OK)
		return HUB_EDB;
	if (!found)
		return HUB_OK;
	if (hub_agent_successor(db, out->predecessor, &successor, &found) != HUB_OK)
		return HUB_EDB;
	if (!found)
		return HUB_OK;
	refuse(out, 409, "already_replaced",
	       "the revoked agent this token replaces already has"
	       " a successor: ask the hub operator for a new token");
	*res = HUB_REFUSED;
	return HUB_REFUSED;
}

hub_result hub_enrol(sqlite3 *db, const char *token, const uint8_t pub[PROTO_PUBKEY_LEN], int64_t now,
		     hub_enrolment *out)
{
	uint64_t id = proto_key_id_of_raw(pub);
	hub_agent existing;
	int64_t token_id = 0;
	int state = HUB_TOKEN_UNKNOWN;
	bool found;
	hub_result res = HUB_EDB;

	memset(out, 0, sizeof(*out));
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return HUB_EDB;
	if (hub_token_consume(db, token, now, id, &state, &out->scope, &token_id) != HUB_OK)
		goto rollback;
	if (state == HUB_TOKEN_AGAIN) {
		if (hub_agent_get(db, id, &existing, &found) != HUB_OK)
			goto rollback;
		if (found && existing.revoked) {
			refuse(out, 403, "revoked",
			       "agent was revoked by the hub operator:"
			       " ask the province for a new enrolment");
			res = HUB_REFUSED;
			goto rollback;
		}
		if (found) {
			out->scope = existing.scope;
			out->again = 1;
			if (hub_agent_predecessor(db, id, &out->predecessor, &found) != HUB_OK)
				goto rollback;
			res = HUB_OK;
			goto rollback; /* nothing was written */
		}
		state = HUB_TOKEN_USED; /* the token's agent is gone: treat as used */
	}
	if (state != HUB_TOKEN_OK) {
		hub_enrol_token_refusal(state, out);
		res = HUB_REFUSED;
		goto rollback;
	}
	if (hub_agent_get(db, id, &existing, &found) != HUB_OK)
		goto rollback;
	if (found) {
		refuse(out, 409, "already_enrolled",
		       "this public key is already enrolled:"
		       " each laptop enrols once with its own key");
		res = HUB_REFUSED;
		goto rollback;
	}
	if (successor_check(db, token_id, out, &res) != HUB_OK)
		goto rollback;
	if (hub_agent_insert(db, pub, &out->scope, now, token_id) != HUB_OK ||
	    (out->predecessor && hub_agent_set_predecessor(db, id, out->predecessor) != HUB_OK) ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto rollback;
	return HUB_OK;
rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return res;
}
