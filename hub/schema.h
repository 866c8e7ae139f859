/*
 * schema.h - the hub's tables, all made in one place (schema.c and
 * schema_report.c) when the hub opens its database.
 */
#ifndef HUB_SCHEMA_H
#define HUB_SCHEMA_H

#include <stddef.h>
#include <sqlite3.h>
#include "maiam/changeset.h"
#include "result.h"

/*
 * Make (or upgrade) every hub-only table and the report tables with their
 * triggers on db, which proto_db_open made. Each part runs its own
 * transaction. One line in err (for the terminal: in the operator's
 * language, hub/i18n.h) naming the way out; HUB_REFUSED when a
 * newer maiam-hub made the tables.
 */
hub_result hub_schema_install(sqlite3 *db, char *err, size_t errlen);

/* The parts of hub_schema_install, for tests that build a hub database
 * step by step (data first, reports after). */
/* The hub-only tables (store.c's and store_anon.c's): HUB_OK, HUB_EDB, or
 * HUB_REFUSED for tables of a newer maiam-hub. */
hub_result hub_store_migrate(sqlite3 *db);
/*
 * The report tables and triggers; the first time (or on an upgrade) they
 * are filled from the data already there. The version lives in hub_meta
 * under "report_schema". Message in err; HUB_REFUSED for tables of a newer
 * maiam-hub.
 */
hub_result hub_report_migrate(sqlite3 *db, char *err, size_t errlen);
/*
 * The end of merged change-set cs, in the caller's transaction: the report
 * tables catch up with the households it added (report_dirty, noted by a
 * trigger), the households its milestones name (noted here, from cs: one
 * note a household instead of a trigger a milestone, with the first date of
 * each stage among them; schema_report_flush.c), the milestones its
 * voids take out (a trigger) and its contributions (report_fund_due). Every
 * merge into a hub database calls it with the change-set it merged, before
 * its commit (ingest does, after proto_merge); until then the households'
 * stage dates lag. HUB_OK, or HUB_EDB with the message in err (nothing of it
 * written).
 */
hub_result hub_report_flush(sqlite3 *db, const proto_changeset *cs, char *err, size_t errlen);

#endif
