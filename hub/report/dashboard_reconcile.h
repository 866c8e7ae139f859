/*
 * dashboard_reconcile.h - rejected change-sets settled from the dashboard
 * (dashboard_reconcile.c): they have no household page, so the list of the
 * newest ones on the operator's page carries a resolve form under each,
 * for an operator who may decide, and POST /reconcile/resolve settles one
 * of the operator's queue as 'maiam-hub reconcile resolve R-N' does.
 */
#ifndef HUB_DASHBOARD_RECONCILE_H
#define HUB_DASHBOARD_RECONCILE_H

#include "dashboard_int.h"

/* The resolve form of rejection R-id (form id "resolve-R-<id>"), for an
 * operator who may decide; nothing for others. 0, or -1 when b is full. */
int dash_rejection_form(const hub_dashboard *d, const dash_job *job, int64_t id, proto_buf *b);

/* POST /reconcile/resolve (item=R-N, note; the CSRF token checked) on the
 * read-write worker: 303 back to "/" when done; a rejection that is not in
 * the operator's queue (another district's laptop's, a stranger's for a
 * district operator) is 404 as one the hub does not hold, nothing written. */
void dash_rejection_post(hub_dashboard *d, sqlite3 *rw, dash_job *job);

#endif
