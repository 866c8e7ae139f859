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

#include "ctx.h"
#include "result.h"

typedef struct hub_enrolment {
	hub_scope scope;     /* the token's area, on HUB_OK */
	int again;           /* this key was enrolled with this token before */
	/* on HUB_REFUSED: the HTTP status, a code and an English message */
	int status;
	const char *code;
	const char *message;
} hub_enrolment;

/*
 * Enrol pub with token at now, in a transaction of its own on db. HUB_OK
 * (out->scope, out->again), HUB_REFUSED (out->status, code, message: an
 * unknown, used, expired or revoked token, a revoked agent, a key enrolled
 * with another token) or HUB_EDB (nothing written).
 */
hub_result hub_enrol(sqlite3 *db, const char *token, const uint8_t pub[PROTO_PUBKEY_LEN],
		     int64_t now, hub_enrolment *out);

/* The refusal for a token state other than HUB_TOKEN_OK / _AGAIN (store.h),
 * for the checks that come before hub_enrol. */
void hub_enrol_token_refusal(int state, hub_enrolment *out);

#endif
