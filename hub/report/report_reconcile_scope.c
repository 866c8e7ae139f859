/*
 * report_reconcile_scope.c - the reconcile queue of one district (a
 * district operator's, rc_request.district). An item about households
 * belongs to the district of each of them: a national ID or a photo
 * shared by households of two districts is in both queues, and either
 * district's operator may settle it. A rejected change-set belongs to the
 * district of the laptop that sent it (its enrolment: a commune's laptop
 * to that commune's district, a district's to that district); one from no
 * enrolled laptop (a stranger's, a garbled one) stays the province's
 * admins'. Rejected change-sets are many and read by SQL pages, so their
 * district is a clause of their SQL (RC_REJECTION_OF), not a check after.
 */
#include <stdio.h>
#include <string.h>
#include "ctx.h"
#include "report_reconcile_kinds.h"

_Static_assert(HUB_SCOPE_COMMUNE == 1 && HUB_SCOPE_DISTRICT == 2,
	       "RC_REJECTION_OF spells the scope kinds");

void rc_note_commune(rc_walk *w, int64_t commune)
{
	if (w->req.district && commune > 0 && commune <= INT32_MAX &&
	    proto_units_district_of(&w->c->units, (int)commune) == w->req.district)
		w->it.in_district = 1;
}

int rc_district_communes(const proto_campaign *c, int district, char *out, size_t outlen)
{
	size_t i, n = (size_t)snprintf(out, outlen, ",");

	for (i = 0; i < c->units.n && n < outlen; i++)
		if (c->units.a[i].level == PROTO_UNIT_COMMUNE &&
		    proto_units_district_of(&c->units, c->units.a[i].code) == district)
			n += (size_t)snprintf(out + n, outlen - n, "%d,", c->units.a[i].code);
	return n < outlen ? 0 : -1;
}

void rc_bind_district(sqlite3_stmt *st, const proto_campaign *c, int district, int at)
{
	char communes[RC_COMMUNES_MAX];

	/* a district of more communes than fit is left with none: its
	 * district's own laptops still match */
	if (rc_district_communes(c, district, communes, sizeof(communes)))
		snprintf(communes, sizeof(communes), ",");
	sqlite3_bind_int(st, at, district);
	sqlite3_bind_text(st, at + 1, communes, -1, SQLITE_TRANSIENT);
}
