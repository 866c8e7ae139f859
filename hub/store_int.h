/*
 * store_int.h - what the store files share: the statements they run, named
 * by an enum, and the per-thread cache of those statements. Not for the
 * rest of the hub: SQL stays in store*.c.
 */
#ifndef HUB_STORE_INT_H
#define HUB_STORE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sqlite3.h>
#include "result.h"

/* Every statement of the store files; its SQL is hub_stmt_sql[id] (store_sql.c). */
typedef enum hub_stmt {
	HUB_STMT_META_GET,
	HUB_STMT_META_SET,
	HUB_STMT_TOKEN_ADD,
	HUB_STMT_TOKEN_FIND,
	HUB_STMT_TOKEN_USE,
	HUB_STMT_AGENT_INSERT,
	HUB_STMT_AGENT_GET,
	HUB_STMT_AGENT_REVOKE,
	HUB_STMT_TOKEN_REVOKE,
	HUB_STMT_AGENT_REVOKE_BY_TOKEN,
	HUB_STMT_TOKEN_REVOKE_BY_AGENT,
	HUB_STMT_AGENT_EACH,
	HUB_STMT_LEDGER_HEAD,
	HUB_STMT_REFUSED_HEAD,
	HUB_STMT_LEDGER_HASH_AT,
	HUB_STMT_LEDGER_INSERT,
	HUB_STMT_AREA_ADD,
	HUB_STMT_AREA_FOLLOW,
	HUB_STMT_MOVE_ADD,
	HUB_STMT_MOVED_FROM,
	HUB_STMT_LEDGER_ROW,
	HUB_STMT_LEDGER_BY_ORIGIN,
	HUB_STMT_REJECTION_ADD,
	HUB_STMT_HOUSEHOLD_COMMUNE,
	HUB_STMT_EVENT_ANCHOR,
	HUB_STMT_HOUSEHOLD_EACH,
	HUB_STMT_HOUSEHOLD_STAMP,
	HUB_STMT_HOUSEHOLD_SHOW,
	HUB_STMT_HOUSEHOLD_BY_REF,
	HUB_STMT_HOUSEHOLD_EVENTS,
	HUB_STMT_AREA_BY_COMMUNE,
	HUB_STMT_AREA_BY_DISTRICT,
	HUB_STMT_REFUSED_ADD,
	HUB_STMT_REFUSED_GET,
	HUB_STMT_QUOTA_GET,
	HUB_STMT_QUOTA_ADD,
	HUB_STMT_REJECTION_FIND,
	HUB_STMT_HELD_HOUSEHOLD,
	HUB_STMT_HELD_MILESTONE,
	HUB_STMT_HELD_CONTRIBUTION,
	HUB_STMT_HELD_VOID,
	/* the report tables' end of a change-set (schema_report.c's SQL) */
	HUB_STMT_REPORT_DIRTY_NOTE,
	HUB_STMT_REPORT_DIRTY_ANY,
	HUB_STMT_REPORT_NEW,
	HUB_STMT_REPORT_NEW_INC,
	HUB_STMT_REPORT_VOID_PROBE,
	HUB_STMT_REPORT_COUNT_MOVE,
	HUB_STMT_REPORT_HH_FRESH,
	HUB_STMT_REPORT_COUNT_FRESH,
	HUB_STMT_REPORT_DATES,
	HUB_STMT_REPORT_TWICE,
	HUB_STMT_REPORT_NEW_CLEAR,
	HUB_STMT_REPORT_DIRTY_CLEAR,
	HUB_STMT_REPORT_FUND_ANY,
	HUB_STMT_REPORT_FUND,
	HUB_STMT_REPORT_FUND_CLEAR,
	HUB_STMT_COUNT
} hub_stmt;

/* The SQL of HUB_STMT_REPORT_*: written next to the report tables'
 * rebuild, whose stage dates they must give (schema_report.c). */
extern const char hub_report_sql_dirty_note[], hub_report_sql_dirty_any[], hub_report_sql_new[],
	hub_report_sql_new_inc[], hub_report_sql_void_probe[], hub_report_sql_count_move[],
	hub_report_sql_hh_fresh[], hub_report_sql_count_fresh[], hub_report_sql_dates[],
	hub_report_sql_twice[], hub_report_sql_new_clear[], hub_report_sql_dirty_clear[],
	hub_report_sql_fund_any[], hub_report_sql_fund[], hub_report_sql_fund_clear[];

/* A statement for id; give it back with hub_store_unprep (reset if cached,
 * else finalized). NULL on error. */
sqlite3_stmt *hub_store_prep(sqlite3 *db, hub_stmt id);
void hub_store_unprep(sqlite3_stmt *st);
/* Step st for at most one row: *row true when there is one (read it now). */
hub_result hub_store_step(sqlite3_stmt *st, bool *row);
/* hub_store_step, where columns first.. first + n - 1 of the row must each
 * be a 32-byte hash: a row with anything else there is HUB_EDB (not what
 * the hub writes). */
hub_result hub_store_step_hashes(sqlite3_stmt *st, int first, int n, bool *row);
/* Step a statement that returns no row (INSERT, UPDATE): HUB_OK when done. */
hub_result hub_store_exec(sqlite3_stmt *st);
/* Step st through its rows, handing each to fn (which reads it, typically
 * into a struct for the caller's callback); fn returning non-zero ends the
 * walk early, still HUB_OK. st is given back (hub_store_unprep) here; NULL
 * (its hub_store_prep failed) is HUB_EDB. */
typedef int (*hub_store_row_fn)(void *arg, sqlite3_stmt *row);
hub_result hub_store_walk(sqlite3_stmt *st, hub_store_row_fn fn, void *arg);
/* hub_store_prep with ?1 and ?2 bound to a and b (an origin and its seq, or
 * an entity's origin and serial). */
sqlite3_stmt *hub_store_prep_pair(sqlite3 *db, hub_stmt id, uint64_t a, uint64_t b);

#endif
