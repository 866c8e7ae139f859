/*
 * operator_scope.c - what a signed-in operator may see and do, asked by
 * every route of the dashboard (dashboard_int.h): a district operator only
 * its district's households and their photos, a viewer no decision. What
 * another district holds is answered as what the hub does not hold, so a
 * changed URL tells nothing. The forms' CSRF field is made here too.
 */
#include <stdio.h>
#include <string.h>
#include "maiam/proto.h"
#include "dashboard_int.h"

int dash_scope_district(const dash_job *job)
{
	return job->who.role == HUB_ROLE_DISTRICT ? job->who.district : 0;
}

int dash_may_decide(const dash_job *job)
{
	return job->who.role == HUB_ROLE_ADMIN || job->who.role == HUB_ROLE_DISTRICT;
}

/* Is commune (a household's) in the district the job's operator sees? */
static bool in_scope(const hub_dashboard *d, const dash_job *job, int commune)
{
	int district = dash_scope_district(job);

	return !district || (commune && proto_units_district_of(&d->campaign.units, commune) == district);
}

hub_result dash_may_see_household(hub_dashboard *d, sqlite3 *ro, const dash_job *job, proto_id id,
				  bool *may)
{
	sqlite3_stmt *st = NULL;
	hub_result rc = HUB_EDB;
	int step;

	*may = !dash_scope_district(job);
	if (*may)
		return HUB_OK;
	if (sqlite3_prepare_v2(ro, "SELECT commune FROM household WHERE id_origin = ?1 AND id_serial = ?2",
			       -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_int64(st, 1, proto_u2i(id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(id.serial));
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*may = in_scope(d, job, sqlite3_column_int(st, 0));
	if (step == SQLITE_ROW || step == SQLITE_DONE)
		rc = HUB_OK;
	sqlite3_finalize(st);
	return rc;
}

/* The communes of the households a photo is evidence for: the household
 * itself, or the household of its milestone or contribution. */
static const char photo_communes_sql[] =
	"SELECT h.commune FROM photo p JOIN household h ON h.id_origin = p.target_origin"
	" AND h.id_serial = p.target_serial WHERE p.sha256 = ?1 AND p.target_kind = 1"
	" UNION ALL SELECT h.commune FROM photo p JOIN milestone m ON m.id_origin = p.target_origin"
	" AND m.id_serial = p.target_serial JOIN household h ON h.id_origin = m.household_origin"
	" AND h.id_serial = m.household_serial WHERE p.sha256 = ?1 AND p.target_kind = 2"
	" UNION ALL SELECT h.commune FROM photo p JOIN contribution c ON c.id_origin = p.target_origin"
	" AND c.id_serial = p.target_serial JOIN household h ON h.id_origin = c.household_origin"
	" AND h.id_serial = c.household_serial WHERE p.sha256 = ?1 AND p.target_kind = 3";
_Static_assert(PROTO_KIND_HOUSEHOLD == 1 && PROTO_KIND_MILESTONE == 2 && PROTO_KIND_CONTRIBUTION == 3,
	       "photo_communes_sql spells the kinds' numbers");

hub_result dash_may_see_photo(hub_dashboard *d, sqlite3 *ro, const dash_job *job, const char *hex,
			      bool *may)
{
	sqlite3_stmt *st = NULL;
	int step = SQLITE_DONE;

	*may = !dash_scope_district(job);
	if (*may)
		return HUB_OK;
	if (sqlite3_prepare_v2(ro, photo_communes_sql, -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	while (!*may && (step = sqlite3_step(st)) == SQLITE_ROW)
		*may = in_scope(d, job, sqlite3_column_int(st, 0));
	sqlite3_finalize(st);
	return *may || step == SQLITE_DONE ? HUB_OK : HUB_EDB;
}

int dash_form_start(const hub_dashboard *d, const dash_job *job, proto_buf *b, const char *attrs,
		    const char *path, const char *action)
{
	return proto_buf_appendf(b, "<form%s method=\"post\" action=\"%s\">", attrs, path) ||
			       dash_csrf_field(d, job, b) ||
			       proto_buf_appendf(b, "<input type=\"hidden\" name=\"action\" value=\"%s\">",
						 action)
		       ? -1
		       : 0;
}

int dash_csrf_field(const hub_dashboard *d, const dash_job *job, proto_buf *b)
{
	char token[WEB_TOKEN_HEX + 1];

	if (web_csrf_token(d->csrf_key, job->tok, token) != WEB_OK)
		return -1;
	return proto_buf_appendf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", token) ? -1 : 0;
}
