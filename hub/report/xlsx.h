/*
 * xlsx.h - the reports and the household list as Excel workbooks (.xlsx),
 * written with libxlsxwriter: one sheet with a Vietnamese name, a title row
 * (the campaign and the report), the day the figures stand at as a date
 * cell, Vietnamese headers (the labels the other formats use), numbers as
 * numbers with a grouping format, dates as dates (dd/mm/yyyy), the header
 * frozen and the columns as wide as what they hold. docs/REPORTS.md, "Excel".
 *
 * libxlsxwriter writes to a file: the workbook is built in a temporary file
 * of TMPDIR (else /tmp), read back into the caller's proto_buf and removed,
 * so the command line and the dashboard hand it on the same way. Results
 * follow report.h: HUB_REFUSED (a request the data cannot answer: a
 * district's share of the reconcile queue), HUB_EDB, HUB_ENOMEM (memory or
 * HUB_REPORT_MAX_OUT), HUB_EIO (the temporary file, or libxlsxwriter's
 * words in err). Strings passed in are borrowed for the call.
 */
#ifndef HUB_REPORT_XLSX_H
#define HUB_REPORT_XLSX_H

#include <stddef.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "report.h"

/* Which households the list holds: 0 and NULL mean any. district is how a
 * district operator's scope is passed. */
typedef struct hub_household_scope {
	int commune;
	int district;
	const char *status; /* a review status code: proposed, approved or rejected */
} hub_household_scope;

/*
 * The household list ("Danh sách hộ") as a workbook appended to out: every
 * field of each household in scope, with labels for codes, the review
 * status, the furthest stage reached on or before as_of ("" today) and the
 * day it was reached, and the money, labour days and material value of its
 * live contributions dated on or before as_of.
 */
hub_result hub_xlsx_households(sqlite3 *db, const proto_campaign *c, const char *as_of,
			       const hub_household_scope *scope, proto_buf *out, char *err, size_t errlen);

/*
 * The name a download of report o->kind (HUB_REPORT_HOUSEHOLDS: the
 * household list) in o->format is saved under: the report's Vietnamese name
 * without diacritics and the day (o->as_of, "" today),
 * "tien-do-2023-08-31.xlsx", "danh-sach-ho-2023-08-31.xlsx".
 */
void hub_download_name(const hub_report_opts *o, char *out, size_t outlen);

/* The media type of a workbook. */
#define XLSX_MIME "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* The Content-Disposition of a download: 'attachment; filename="NAME"' with
 * hub_download_name's name for a CSV or xlsx report, "" for the formats a
 * browser shows (HTML, JSON, text). */
void hub_download_disposition(const hub_report_opts *o, char *out, size_t outlen);

/* For the reports' files (report_int.h): a report's grid as a workbook
 * appended to out, its sheet named by o->kind; with o->district != 0, only
 * that district's lines (no totals). */
struct report_grid;
hub_result report_xlsx_grid(const struct report_grid *g, const proto_campaign *c,
			    const hub_report_opts *o, proto_buf *out, char *err, size_t errlen);

/*
 * Write a rendered workbook (or any report) to path, atomically: a
 * temporary file beside it, then renamed over it, so a reader never finds
 * half a workbook. HUB_OK, or HUB_EIO with the reason and the way out in err.
 */
hub_result hub_report_save(const proto_buf *b, const char *path, char *err, size_t errlen);

/* ---- for the commands (xlsx_cmd.c): they print what they say ----------- */

/* --format xlsx without --out is a usage error (a workbook never goes to a
 * terminal): 0, or -1 said with an example file name. */
int hub_report_needs_out(const hub_report_opts *o, const char *out_path);
/* Save out to path (hub_report_save) and say where: 0, or -1 said. */
int hub_report_write_out(const proto_buf *out, const char *path);

#endif
