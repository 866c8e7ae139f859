/*
 * operator.h - the dashboard's operators with their roles: an admin runs
 * the whole campaign (and its operators), a district operator sees and
 * decides only for its district, a viewer reads everything and decides
 * nothing, an appraiser reads everything and decides on nominations only. The rows live in report_operator (hub/schema_report.c); the
 * passwords and sessions are password.c's, these functions operator_store.c's.
 * Strings passed in are borrowed for the call; a hub_operator is plain data.
 */
#ifndef HUB_OPERATOR_H
#define HUB_OPERATOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "result.h"
#include "report.h"

/* The order is the one the command and the page offer them in. An
 * appraiser (the provincial police with Home Affairs) sees everything and
 * decides only on award nominations: accept or return (award.h). */
typedef enum hub_role {
	HUB_ROLE_ADMIN = 0,
	HUB_ROLE_DISTRICT,
	HUB_ROLE_VIEWER,
	HUB_ROLE_APPRAISER,
	HUB_ROLE_COUNT
} hub_role;

/* "admin", "district", "viewer", "appraiser" (as stored, typed and shown in JSON) */
extern const char *const hub_role_names[];

typedef struct hub_operator {
	char name[HUB_OPERATOR_NAME_MAX + 1];
	hub_role role;
	int district; /* HUB_ROLE_DISTRICT: the district's code; else 0 */
	int disabled;
	int64_t created; /* Unix seconds */
} hub_operator;

/* The role named s into *role: 0, or -1 for no role of that name. */
int hub_role_parse(const char *s, hub_role *role);

/*
 * Check a new operator against the rules and the campaign c: a name of 1 to
 * HUB_OPERATOR_NAME_MAX bytes of UTF-8 letters (Vietnamese ones too), digits
 * or . _ - @; a district code for a district operator (and only for one)
 * that is a district of c. HUB_OK, or HUB_REFUSED with err saying what to
 * type instead (in the operator's language).
 */
hub_result hub_operator_valid(const proto_campaign *c, const char *name, hub_role role, int district,
			      char *err, size_t errlen);
/* Is name one an operator may have (the rule above)? */
bool hub_operator_name_ok(const char *name);

/*
 * Add a new operator with its role and first password (hub_operator_valid's
 * rules and the password's). HUB_REFUSED (err) for a name already taken or
 * a value that breaks a rule, HUB_ECRYPTO, HUB_EDB (err).
 */
hub_result hub_operator_add(sqlite3 *db, const proto_campaign *c, const char *name, hub_role role,
			    int district, const char *password, char *err, size_t errlen);
/* Disable an operator: it cannot sign in, and its sessions end in the same
 * transaction. *found false for no such operator (nothing written). */
hub_result hub_operator_disable(sqlite3 *db, const char *name, bool *found);
/* End every session of operator name (inside the caller's transaction). */
hub_result hub_operator_sessions_end(sqlite3 *db, const char *name);
/* One operator by name (*found). */
hub_result hub_operator_get(sqlite3 *db, const char *name, hub_operator *op, bool *found);
/* Every operator by name, handed to cb (borrowed for the call); cb returning
 * anything but HUB_OK stops the walk, which returns that. */
typedef hub_result (*hub_operator_cb)(void *arg, const hub_operator *op);
hub_result hub_operator_each(sqlite3 *db, hub_operator_cb cb, void *arg);
/* The operator of a live session of an operator still enabled (*valid). */
hub_result hub_session_operator(sqlite3 *db, const char *token, int64_t now, hub_operator *op,
				bool *valid);

/* The name of district code in c ("?" when c has none). */
const char *hub_district_name(const proto_campaign *c, int code);

#endif
