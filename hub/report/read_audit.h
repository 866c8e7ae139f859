/*
 * read_audit.h - who read which household's data: the read audit. The
 * dashboard's workers note each household page, full photo and /report
 * download a signed-in operator was answered (one insert each), and an
 * admin lists them with 'maiam-hub audit reads' or on /operators/reads.
 * Households' names, ID and phone numbers are personal data (Decree
 * 13/2023/NĐ-CP); the audit says who saw them.
 *
 * The table (read_audit) lives in hub.db and is made, if missing, by the
 * first note or list: an older hub.db simply has no reads yet. Strings
 * passed in are borrowed for the call.
 */
#ifndef HUB_READ_AUDIT_H
#define HUB_READ_AUDIT_H

#include <stdbool.h>
#include <stdint.h>
#include <sqlite3.h>
#include "result.h"

/* One read: what was read ("household", "photo", "report"), the household's
 * full id when it was a household page ("" else), and the detail (the
 * photo's SHA-256, the report's kind and format). */
typedef struct hub_read {
	int64_t at; /* Unix seconds */
	const char *operator_name;
	const char *what;
	const char *household;
	const char *detail;
} hub_read;

/* Which reads to list: each "" or 0 for any. household is a full id
 * (16 hex '-' serial); since is a Unix time. */
typedef struct hub_read_filter {
	const char *operator_name;
	const char *household;
	int64_t since;
} hub_read_filter;

/* Make the table if it is missing (rw: a read-write connection). */
hub_result hub_read_audit_schema(sqlite3 *rw);
/* Record r (its at is taken as given). The INSERT stays prepared on rw
 * for the next call: close rw with hub_read_audit_close. */
hub_result hub_read_audit_add(sqlite3 *rw, const hub_read *r);
/* Finalize rw's statements (the cached INSERT among them) and close it. */
void hub_read_audit_close(sqlite3 *rw);
/* The reads f keeps, newest first, at most limit (0: all), handed to cb
 * (borrowed for the call); cb returning anything but HUB_OK stops the walk,
 * which returns that. A hub.db without the table has no reads: HUB_OK. */
typedef hub_result (*hub_read_cb)(void *arg, const hub_read *r);
hub_result hub_read_audit_each(sqlite3 *db, const hub_read_filter *f, int64_t limit, hub_read_cb cb,
			       void *arg);

/* 'maiam-hub audit reads' (read_audit_cmd.c): argv[0] is "audit". */
int hub_read_audit_cmd(int argc, char **argv);

#endif
