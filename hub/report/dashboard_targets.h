/*
 * dashboard_targets.h - the workspace's /targets and /scorecard pages
 * (dashboard_targets.c): the communes' targets, set by a district operator
 * for its own communes and by an admin for any, read by everyone else; and
 * the scorecards against the plan's criteria as of a date. In Vietnamese,
 * as every dashboard page.
 */
#ifndef HUB_DASHBOARD_TARGETS_H
#define HUB_DASHBOARD_TARGETS_H

#include "dashboard_int.h"

/* /targets on the read-write worker: the page (GET), or a commune's target
 * set from its form (POST: commune, houses, the CSRF token already checked
 * on the loop), signed with the operator's name, then 303 back to the page.
 * A viewer's POST, or a commune of another district by a district
 * operator, is refused 403 and nothing is written. */
void dash_targets_answer(hub_dashboard *d, sqlite3 *rw, dash_job *job);

/* /scorecard?as-of=YYYY-MM-DD&district=CODE on the page worker (the query
 * in job->view): a district operator sees its own district only (another
 * is answered 404, as the main page does). */
void dash_scorecard_answer(hub_dashboard *d, sqlite3 *ro, dash_job *job);

#endif
