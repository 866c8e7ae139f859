/*
 * dashboard_read_audit.h - the dashboard's side of the read audit
 * (read_audit.h): noting what a worker just answered, and /operators/reads,
 * the admins' page of the newest reads. Worker threads only.
 */
#ifndef HUB_DASHBOARD_READ_AUDIT_H
#define HUB_DASHBOARD_READ_AUDIT_H

#include "dashboard_int.h"

/* How many reads /operators/reads shows, newest first: the terminal's
 * 'maiam-hub audit reads' lists them all, with filters. */
#define DASH_READS_SHOWN 500

/*
 * After dash_work answered job for its signed-in operator: a household
 * page, a full photo or a /report answer of 200 is written to the read
 * audit (ro: the worker's own connection, to name the household). Each
 * worker thread writes through a read-write connection of its own, opened
 * on its first read and closed when the thread ends. A read that cannot be
 * recorded is not given: the answer becomes a 503.
 */
void dash_read_audit_note(hub_dashboard *d, sqlite3 *ro, dash_job *job);

/* /operators/reads: the newest reads (admins only; 403 for others). */
void dash_reads_answer(hub_dashboard *d, sqlite3 *ro, dash_job *job);

#endif
