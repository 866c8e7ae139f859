/*
 * report_int.h - what the files of hub/report share: the loaded report
 * models (the numbers, computed once) and the grid every human format is
 * drawn from (table, CSV, HTML). JSON is written from the models directly,
 * because each report's JSON shape is fixed by issue 5.
 */
#ifndef HUB_REPORT_INT_H
#define HUB_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "report.h"
#include "hub.h" /* hub_json_str */

/* ---- report_grid.c: cells, formats, Vietnamese numbers ------------------ */

typedef enum report_type {
	RT_TEXT = 0,
	RT_INT,   /* 1.200 */
	RT_MONEY, /* 40.000.000 đ */
	RT_PCT,   /* 37,5% */
	RT_BOOL,  /* Có / Không */
} report_type;

typedef struct report_col {
	const char *key;   /* CSV/JSON-like machine name */
	const char *label; /* Vietnamese header shown to people */
	report_type type;
} report_col;

typedef struct report_cell {
	int null;
	int64_t i;
	double d;
	char *s; /* owned */
} report_cell;

typedef struct report_grid {
	const char *title;
	char note[512];       /* one line under the title */
	size_t ncols;
	const report_col *cols;
	size_t nrows, cap;
	report_cell *cells;   /* nrows * ncols */
	unsigned char *total; /* per row: 1 for a total line */
} report_grid;

void report_grid_init(report_grid *g, const char *title, const report_col *cols, size_t ncols);
void report_grid_release(report_grid *g);
/* Add a row of null cells; its index, or -1 when out of memory. */
long report_grid_add(report_grid *g, int total);
int report_grid_text(report_grid *g, long row, size_t col, const char *s);
void report_grid_int(report_grid *g, long row, size_t col, int64_t v);
void report_grid_pct(report_grid *g, long row, size_t col, double v);
/* Draw as table, CSV or HTML (a whole page) into out. */
int report_grid_render(const report_grid *g, hub_report_format f, proto_buf *out);
/* Only the <table> (and title) of a grid, for pages that show several. */
int report_grid_html_table(const report_grid *g, proto_buf *out);

int report_fmt_group(int64_t v, char *out, size_t outlen);  /* 1.200 */
int report_fmt_money(int64_t v, char *out, size_t outlen);  /* 40.000.000 đ */
int report_csv_field(proto_buf *b, const char *s);
int report_html_text(proto_buf *b, const char *s);
int report_html_head(proto_buf *b, const char *title);

/* ---- report_progress.c ------------------------------------------------- */

enum { SLOT_REGISTERED = 0, SLOT_STARTED = 3, SLOT_COMPLETED = 7, SLOT_HANDED_OVER = 8,
       SLOT_APPROVED = 9, NSLOTS = 10 };

typedef struct report_line {
	int code;
	const char *name;      /* borrowed from the campaign */
	int district;          /* for a commune line */
	int64_t target;        /* -1: none (communes have no target) */
	int64_t v[NSLOTS];     /* households per slot as of the date */
	int64_t on_time;       /* handed over on or before the deadline */
} report_line;

typedef struct report_progress {
	char as_of[11];
	int by_commune;
	size_t n;
	report_line *a;        /* districts (or communes) in campaign order */
	report_line total;
	int64_t unplaced;      /* registered households whose commune is not in the campaign */
} report_progress;

int report_progress_load(sqlite3 *db, const proto_campaign *c, const char *as_of,
			 int by_commune, report_progress *p, char *err, size_t errlen);
void report_progress_release(report_progress *p);
double report_percent(const report_line *l);       /* < 0 when no target */
/* 1 on track, 0 not, -1 no target. Rule: docs/REPORTS.md "On track". */
int report_on_track(const proto_campaign *c, const char *as_of, const report_line *l);
int report_progress_render(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
			   proto_buf *out, char *err, size_t errlen);
/* The progress table alone (an HTML <table>), for the dashboard. */
int report_progress_table(const proto_campaign *c, const report_progress *p, proto_buf *out);
/* The inline SVG bar chart of handed over against target per district. */
int report_progress_svg(const report_progress *p, proto_buf *out);

/* ---- report_awards.c ---------------------------------------------------- */

int report_awards_grid(sqlite3 *db, const proto_campaign *c, const char *as_of,
		       report_grid *g, char *err, size_t errlen);
int report_awards_render(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
			 proto_buf *out, char *err, size_t errlen);

/* ---- report_funds.c ------------------------------------------------------ */

int report_funds_render(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
			proto_buf *out, char *err, size_t errlen);

/* ---- report_reconcile.c ------------------------------------------------- */

enum { RK_CONFLICT = 0, RK_DUPLICATE, RK_ORDER, RK_LATE, RK_REJECTED, NKINDS };
extern const char *const report_kind_names[NKINDS];
extern const char *const report_kind_labels[NKINDS];

/* Open items per kind (and resolved ones in *resolved). */
int report_reconcile_counts(sqlite3 *db, const proto_campaign *c, const char *as_of,
			    int64_t counts[NKINDS], int64_t *resolved, char *err, size_t errlen);
int report_reconcile_render(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
			    proto_buf *out, char *err, size_t errlen);

/* A household conflict's losing value (to keep it instead): 1 found, 0 no
 * such conflict, -1 error. *type is SQLITE_INTEGER, SQLITE_TEXT or SQLITE_NULL. */
int report_conflict_loser(sqlite3 *db, const char *item, proto_id *hh, int *field, int *type,
			  int64_t *ival, char *text, size_t textlen);

/* ---- password.c: sessions (only a token's SHA-256 is stored) ------------ */

int report_session_new(sqlite3 *db, const char *name, int64_t now, int ttl, char token[65]);
/* 1 valid (operator name copied), 0 unknown or expired, -1 error. */
int report_session_check(sqlite3 *db, const char *token, int64_t now, char *name, size_t namelen);
int report_session_end(sqlite3 *db, const char *token);

#endif
