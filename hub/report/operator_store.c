/*
 * operator_store.c - the rules for an operator's name and role, and the
 * rows of report_operator read and disabled (adding one hashes a password:
 * password.c). A disabled operator is kept, not deleted: the decisions it
 * signed still name it, and its name cannot be taken by someone else.
 */
#include <stdio.h>
#include <string.h>
#include "operator.h"
#include "report_int.h"
#include "i18n.h"

const char *const hub_role_names[] = { "admin", "district", "viewer", "appraiser", NULL };

int hub_role_parse(const char *s, hub_role *role)
{
	int i;

	for (i = 0; s && hub_role_names[i]; i++)
		if (strcmp(s, hub_role_names[i]) == 0) {
			*role = (hub_role)i;
			return 0;
		}
	return -1;
}

/* A letter of a Vietnamese (or other Latin) name: the accented letters,
 * their combining marks (a name typed decomposed) and the Vietnamese
 * letters of Latin Extended Additional. No spaces, no invisible or
 * direction-changing characters: a name must look like what it is. */
static bool name_letter(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		       (cp >= '0' && cp <= '9') || cp == '.' || cp == '_' || cp == '-' || cp == '@';
	return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x300 && cp <= 0x36F) ||
	       (cp >= 0x1E00 && cp <= 0x1EFF);
}

bool hub_operator_name_ok(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n = name ? strlen(name) : 0;

	if (n < 1 || n > HUB_OPERATOR_NAME_MAX || !proto_utf8_valid(name, n))
		return false;
	while (*p)
		if (!name_letter(proto_utf8_next(&p)))
			return false;
	return true;
}

const char *hub_district_name(const proto_campaign *c, int code)
{
	const proto_unit *u = proto_units_find(&c->units, code);

	return u && u->level == PROTO_UNIT_DISTRICT ? u->name : "?";
}

hub_result hub_operator_valid(const proto_campaign *c, const char *name, hub_role role, int district,
			      char *err, size_t errlen)
{
	const proto_unit *u;

	if (!hub_operator_name_ok(name)) {
		snprintf(err, errlen, _("operator name '%s' must be 1 to %d letters, digits or . _ - @"),
			 name ? name : "", HUB_OPERATOR_NAME_MAX);
		return HUB_REFUSED;
	}
	if (role == HUB_ROLE_DISTRICT && !district) {
		snprintf(err, errlen, "%s",
			 _("a district operator needs its district: add --district CODE (see"
			   " 'maiam-hub report progress' for the codes)"));
		return HUB_REFUSED;
	}
	if (role != HUB_ROLE_DISTRICT && district) {
		snprintf(err, errlen, _("--district is only for --role district: leave it out for a %s"),
			 hub_role_names[role]);
		return HUB_REFUSED;
	}
	if (role == HUB_ROLE_DISTRICT &&
	    (!(u = proto_units_find(&c->units, district)) || u->level != PROTO_UNIT_DISTRICT)) {
		snprintf(err, errlen,
			 _("--district %d is not a district of campaign '%s': see 'maiam-hub report"
			   " progress' for the codes"),
			 district, c->id);
		return HUB_REFUSED;
	}
	return HUB_OK;
}

static void operator_row(sqlite3_stmt *st, hub_operator *op)
{
	hub_role role = HUB_ROLE_VIEWER; /* an unknown role decides nothing */

	memset(op, 0, sizeof(*op));
	snprintf(op->name, sizeof(op->name), "%s", (const char *)sqlite3_column_text(st, 0));
	hub_role_parse((const char *)sqlite3_column_text(st, 1), &role);
	op->role = role;
	op->district = role == HUB_ROLE_DISTRICT ? sqlite3_column_int(st, 2) : 0;
	op->disabled = sqlite3_column_int(st, 3) != 0;
	op->created = sqlite3_column_int64(st, 4);
}

/* Every operator by name, or only the one named name (NULL: all). */
static hub_result operators_walk(sqlite3 *db, const char *name, hub_operator_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	hub_operator op;
	hub_result rc = HUB_OK;
	int step;

	if (sqlite3_prepare_v2(db,
			       "SELECT name, role, district, disabled, created FROM report_operator"
			       " WHERE ?1 IS NULL OR name = ?1 ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		operator_row(st, &op);
		if ((rc = cb(arg, &op)) != HUB_OK)
			break;
	}
	if (rc == HUB_OK && step != SQLITE_DONE)
		rc = HUB_EDB;
	sqlite3_finalize(st);
	return rc;
}

hub_result hub_operator_each(sqlite3 *db, hub_operator_cb cb, void *arg)
{
	return operators_walk(db, NULL, cb, arg);
}

/* hub_operator_get's one row. */
typedef struct found_operator {
	hub_operator *op;
	bool *found;
} found_operator;

static hub_result copy_operator(void *arg, const hub_operator *op)
{
	found_operator *f = arg;

	*f->op = *op;
	*f->found = true;
	return HUB_OK;
}

hub_result hub_operator_get(sqlite3 *db, const char *name, hub_operator *op, bool *found)
{
	found_operator f = { op, found };

	*found = false;
	return name ? operators_walk(db, name, copy_operator, &f) : HUB_OK;
}

hub_result hub_operator_disable(sqlite3 *db, const char *name, bool *found)
{
	sqlite3_stmt *st = NULL;
	hub_result rc = HUB_EDB;
	int in_tx = 0;

	*found = false;
	/* the flag and the end of its sessions together: no page served after */
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	in_tx = 1;
	if (sqlite3_prepare_v2(db, "UPDATE report_operator SET disabled = 1 WHERE name = ?", -1, &st,
			       NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	*found = sqlite3_changes(db) == 1;
	if (hub_operator_sessions_end(db, name) != HUB_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	in_tx = 0;
	rc = HUB_OK;
out:
	sqlite3_finalize(st);
	if (in_tx)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

hub_result hub_session_operator(sqlite3 *db, const char *token, int64_t now, hub_operator *op, bool *valid)
{
	char name[HUB_OPERATOR_NAME_MAX + 1];
	hub_result rc;
	bool found = false;

	rc = report_session_check(db, token, now, name, sizeof(name), valid);
	if (rc != HUB_OK || !*valid)
		return rc;
	rc = hub_operator_get(db, name, op, &found);
	*valid = rc == HUB_OK && found && !op->disabled;
	return rc;
}
