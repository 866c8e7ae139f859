/*
 * report_int.h - what the files of hub/report share: the loaded report
 * models (the numbers, computed once), the grid every human format is
 * drawn from (table, CSV, HTML) and the walk over the reconcile queue. JSON
 * is written from the models directly, because each report's JSON shape is
 * fixed by docs/REPORTS.md.
 *
 * Results follow report.h: a hub_result (HUB_ERANGE for a sum that passed
 * 64-bit integers). A function that takes err fills it.
 */
#ifndef HUB_REPORT_INT_H
#define HUB_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "report.h"
#include "hub.h"       /* hub_json_str */
#include "maiam/web.h" /* web_html_escape */
#include "i18n.h"

/*
 * The language of a report's words. CSV, HTML, the dashboard and the prose
 * inside JSON are documents read by many people and opened by programs:
 * their words are Vietnamese whatever the process's locale. The table
 * (--format table) is for the person at the terminal: in the operator's
 * language (gettext; English under LANG=C).
 */
typedef enum report_lang {
	REPORT_VI = 0,   /* a document: the fixed Vietnamese */
	REPORT_OPERATOR, /* a table: the operator's language */
} report_lang;

/* vi for a document; for a table, the operator's translation of msgid, an
 * English N_() message whose Vietnamese in hub/po/vi.po reads as vi. */
const char *report_say(report_lang lang, const char *vi, const char *msgid)
	__attribute__((format_arg(2), format_arg(3)));

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* ---- report.c: helpers every report uses ---------------------------------- */

/* The reports' dates for people: "02/09/2023" from "2023-09-02". */
void report_vn_date(const char *iso, char out[11]);

/* Called for each row of a sum: HUB_OK, or HUB_ERANGE when adding the row
 * overflowed (the callback remembers where); the caller names where, and
 * says to run maiam-hub audit verify (a report is exact or it fails). */
typedef hub_result (*report_sum_row_fn)(void *arg, sqlite3_stmt *row);
/*
 * Run sql with ?1 bound to date and hand each row to fn. SQL's sum() is
 * exact or raises "integer overflow" (never total(), a float): that is
 * HUB_ERANGE too. HUB_OK, HUB_ERANGE or HUB_EDB (the database's message is
 * in sqlite3_errmsg).
 */
hub_result report_sum_query(sqlite3 *db, const char *sql, const char *date, report_sum_row_fn fn,
			    void *arg);

/* JSON object members: ', "key": "value"' (value may be NULL: null). */
hub_result report_json_member(proto_buf *b, const char *key, const char *value);

/* The message for a database error: "cannot <what>: <sqlite's message>";
 * returns HUB_EDB. */
hub_result report_db_error(sqlite3 *db, const char *what, char *err, size_t errlen);
/* The message for a report that did not fit in memory or HUB_REPORT_MAX_OUT;
 * returns HUB_ENOMEM. */
hub_result report_too_large(char *err, size_t errlen);

/* How a report is drawn from its loaded numbers: JSON from the numbers
 * directly (each report's JSON shape is fixed by docs/REPORTS.md), every
 * other format from the grid it builds. Each function returns HUB_OK or
 * HUB_ENOMEM (memory or the output cap), as do the grid's functions below. */
struct report_grid;
typedef struct report_drawing {
	hub_result (*json)(const void *numbers, proto_buf *out);
	/* initialises g, its words in lang */
	hub_result (*grid)(const void *numbers, report_lang lang, struct report_grid *g);
	/* NULL, or the whole HTML page when it shows more than the grid */
	hub_result (*html_page)(const void *numbers, const struct report_grid *g, proto_buf *out);
} report_drawing;

/* Draw numbers in o->format into out: HUB_OK, or HUB_ENOMEM with "report
 * too large or out of memory" in err (an xlsx workbook: as xlsx.h). */
hub_result report_draw(const report_drawing *d, const void *numbers, const proto_campaign *c,
		       const hub_report_opts *o, proto_buf *out, char *err, size_t errlen);

/* ---- report_columns.c: every column a report shows, once --------------- */

typedef enum report_type {
	RT_TEXT = 0,
	RT_INT,   /* 1.200 */
	RT_MONEY, /* 40.000.000 đ */
	RT_PCT,   /* 37,5% */
	RT_BOOL,  /* Có / Không */
	RT_CODE,  /* 31498: an administrative code, a number never grouped */
} report_type;

typedef struct report_col {
	const char *key;     /* the JSON member the column matches */
	const char *label;   /* Vietnamese header of the documents (CSV, HTML) */
	const char *english; /* the table's header, translated where it is drawn */
	report_type type;
} report_col;

typedef enum report_column {
	/* the unit a line is about */
	COL_CODE = 0,
	COL_NAME,
	COL_TARGET,
	/* progress */
	COL_REGISTERED,
	COL_APPROVED,
	COL_STARTED,
	COL_COMPLETED,
	COL_HANDED_OVER,
	COL_PERCENT,
	COL_ON_TRACK,
	/* awards */
	COL_HANDED_OVER_ON_TIME,
	COL_MET_TARGET_ON_TIME,
	COL_COLLECTIVES,
	COL_INDIVIDUALS,
	COL_RULE,
	/* funds */
	COL_SOURCE,
	COL_CONTRIBUTIONS,
	COL_MONEY,
	COL_LABOUR_DAYS,
	COL_MATERIALS,
	COL_MATERIAL_VALUE,
	/* reconcile */
	COL_ITEM_ID,
	COL_ITEM_KIND,
	COL_ITEM_SUBJECT,
	COL_ITEM_DETAIL,
	COL_ITEM_STATUS,
	NCOLUMNS
} report_column;

extern const report_col report_columns[NCOLUMNS];

/* ---- report_grid.c: cells, formats, Vietnamese numbers ------------------ */

typedef struct report_cell {
	int null;
	int64_t i;
	double d;
	char *s;    /* owned */
	char *html; /* owned: the text cell as HTML (escaped, with links), or NULL */
} report_cell;

/* A grid owns its cells; the title and the column list are borrowed (static). */
typedef struct report_grid {
	report_lang lang; /* of the title, the note, the headers and the cells' words */
	const char *title;
	char note[512]; /* one line under the title */
	size_t ncols;
	const report_column *cols; /* which of report_columns, in order */
	size_t nrows, cap;
	report_cell *cells;   /* nrows * ncols */
	unsigned char *total; /* per row: 1 for a total line */
} report_grid;

void report_grid_init(report_grid *g, report_lang lang, const char *title, const report_column *cols,
		      size_t ncols);
void report_grid_release(report_grid *g);
/* Add a row of null cells (a total line when total); its index in *row. */
hub_result report_grid_add(report_grid *g, int total, size_t *row);
hub_result report_grid_text(report_grid *g, size_t row, size_t col, const char *s);
/* What a text cell shows in HTML instead of its escaped text (html is
 * already HTML); the other formats show its text. */
hub_result report_grid_html(report_grid *g, size_t row, size_t col, const char *html);
void report_grid_int(report_grid *g, size_t row, size_t col, int64_t v);
void report_grid_pct(report_grid *g, size_t row, size_t col, double v);
/* Draw as table, CSV or HTML (a whole page) into out. */
hub_result report_grid_render(const report_grid *g, hub_report_format f, proto_buf *out);
/* Only the <table> (and title) of a grid, for pages that show several. */
hub_result report_grid_html_table(const report_grid *g, proto_buf *out);

hub_result report_fmt_group(int64_t v, char *out, size_t outlen); /* 1.200 */
hub_result report_fmt_money(int64_t v, char *out, size_t outlen); /* 40.000.000 đ */
hub_result report_csv_field(proto_buf *b, const char *s);
hub_result report_html_head(proto_buf *b, const char *title);

/* ---- report_progress.c ------------------------------------------------- */

enum {
	SLOT_REGISTERED = 0,
	SLOT_STARTED = 3,
	SLOT_COMPLETED = 7,
	SLOT_HANDED_OVER = 8,
	SLOT_APPROVED = 9,
	NSLOTS = 10
};

typedef struct report_line {
	int code;
	const char *name;  /* borrowed from the campaign */
	int district;      /* for a commune line */
	int64_t target;    /* -1: none (communes have no target) */
	int64_t v[NSLOTS]; /* households per slot as of the date */
	int64_t on_time;   /* handed over on or before the deadline */
} report_line;

/* Owns a (report_progress_release); names are borrowed from the campaign. */
typedef struct report_progress {
	char as_of[11];
	int by_commune;
	size_t n;
	report_line *a; /* districts (or communes) in campaign order */
	report_line total;
	int64_t unplaced; /* registered households whose commune is not in the campaign */
	int district;     /* 0: every district; else only this one's lines and counts */
} report_progress;

/* Where the campaign stands: what the progress and awards reports draw. */
typedef struct report_standing {
	const proto_campaign *c;
	const report_progress *p;
} report_standing;

hub_result report_progress_load(sqlite3 *db, const proto_campaign *c, const char *as_of, int by_commune,
				report_progress *p, char *err, size_t errlen);
/* The same for one district only (0: every district): a district
 * operator's view, where other districts are neither lines nor counts. */
hub_result report_progress_load_in(sqlite3 *db, const proto_campaign *c, const char *as_of, int by_commune,
				   int district, report_progress *p, char *err, size_t errlen);
void report_progress_release(report_progress *p);
double report_percent(const report_line *l); /* < 0 when no target */
/* Days since 1970-01-01 of a valid YYYY-MM-DD (proleptic Gregorian). */
long report_days(const char *iso);

/* Where a line stands against its target. Rule: docs/REPORTS.md "On track". */
typedef enum report_track {
	TRACK_NO_TARGET = -1, /* a commune line: no target of its own */
	TRACK_BEHIND = 0,
	TRACK_ON = 1,
} report_track;
report_track report_on_track(const proto_campaign *c, const char *as_of, const report_line *l);
/* The progress or the awards report (o->kind): both are drawn from the
 * progress of the districts. */
hub_result report_progress_render(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
				  proto_buf *out, char *err, size_t errlen);
/* The progress table alone (an HTML <table>), for the dashboard; with
 * href (HTML, escaped) each line's name links to href followed by its code. */
hub_result report_progress_table(const proto_campaign *c, const report_progress *p, const char *href,
				 proto_buf *out);
/* The largest target or hand-over count of p's lines (at least 1): a
 * chart's bars are shares of it. */
int64_t report_progress_widest(const report_progress *p);
/* The inline SVG bar chart of handed over against target per district. */
hub_result report_progress_svg(const report_progress *p, proto_buf *out);

/* ---- report_awards.c ---------------------------------------------------- */

/* The awards grid in Vietnamese, for the dashboard (g initialised here;
 * the caller releases it). */
hub_result report_awards_grid(sqlite3 *db, const proto_campaign *c, const char *as_of, int district,
			      report_grid *g, char *err, size_t errlen);
/* The awards report drawn from the progress: numbers is a report_standing. */
extern const report_drawing report_awards_drawing;

/* ---- report_funds.c ------------------------------------------------------ */

hub_result report_funds_render(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
			       proto_buf *out, char *err, size_t errlen);

/* ---- the reconcile queue (report_reconcile_*.c) --------------------------- */

enum {
	RK_CONFLICT = 0,
	RK_DUPLICATE,
	RK_ORDER,
	RK_LATE,
	RK_TWICE,
	RK_SAME_PHOTO,
	RK_NEAR_PHOTO,
	RK_EVIDENCE,
	RK_PHOTO_TIME,
	RK_PHOTO_DISTANCE,
	RK_PHOTO_OUTSIDE,
	RK_REJECTED,
	NKINDS
};
_Static_assert(NKINDS == HUB_RECONCILE_NKINDS, "report.h counts the kinds of items too");
extern const char *const report_kind_names[NKINDS];
extern const char *const report_kind_labels[NKINDS];  /* Vietnamese, for documents */
extern const char *const report_kind_english[NKINDS]; /* N_(): translated for a table */

/* One item of the queue as a walk hands it over; every field is the walk's
 * and valid during the callback only. */
typedef struct rc_item {
	int kind;
	char id[96];
	proto_buf subject, detail, extra; /* extra: JSON members, each starting with ", " */
	int resolved;
	char by[128];
	char note[512];
	int in_district; /* of the walk's req.district (rc_note_commune) */
} rc_item;

/* What an item callback tells the walk. */
typedef enum rc_next {
	RC_FAIL = -1, /* stop: the walk fails */
	RC_ON = 0,    /* go on */
	RC_STOP = 1,  /* stop: the walk is done (the item was found) */
} rc_next;
typedef rc_next (*rc_item_fn)(void *arg, rc_item *it);

/* What a walk reads: a page of the queue, or one rejection. */
typedef struct rc_request {
	int64_t skip, limit;  /* items passed over, then listed (limit -1: all) */
	int all;              /* resolved items too */
	int rejected;         /* rejected change-sets too */
	int64_t rejection_id; /* > 0: that rejection only, nothing else; < 0: none */
	report_lang lang;     /* of the items' subjects and details */
	int district;         /* > 0: only that district's items (report_reconcile_scope.c) */
} rc_request;

/* A walk in progress (report_reconcile_walk.c); the sources read it. */
typedef struct rc_walk {
	sqlite3 *db;
	const proto_campaign *c;
	const char *as_of;
	int detail; /* 0: only ids and kinds (counts) */
	rc_item_fn fn;
	void *arg;
	rc_item it;
	sqlite3_stmt *resolution; /* the latest resolution of an item */
	rc_request req;           /* skip and limit count down as items pass */
	int stop;                 /* the page is full or the callback is done */
} rc_walk;

/*
 * One kind of item (report_reconcile_items.c): the rows that make it, in
 * the queue's order, and how a row becomes an item. aux_sql, when set, is
 * prepared once for describe to read more rows per item.
 */
typedef struct rc_source {
	int kind;
	const char *sql;
	const char *aux_sql;
	int hub_table; /* reads a table of the hub's (store.c): one without it has none */
	void (*bind)(rc_walk *w, sqlite3_stmt *st); /* NULL: nothing to bind */
	/* Fill w->it.id and, when w->detail, the subject, detail and extra. */
	hub_result (*describe)(rc_walk *w, sqlite3_stmt *row, sqlite3_stmt *aux);
} rc_source;

extern const rc_source rc_sources[NKINDS]; /* in the queue's order */

/* Did the last statement fail because a table of the hub's is missing? */
int rc_missing_table(sqlite3 *db);
/* Does an item's JSON members (NUL-ended) name household id ("household":
 * "ID", or in "households": [...]; report_reconcile_page.c)? */
int rc_item_names_household(const char *extra, const char *id);

/* Walk the queue: fn gets each item req selects. HUB_OK (also when fn
 * stopped the walk), HUB_EDB, or a describer's HUB_ENOMEM. */
hub_result rc_walk_queue(sqlite3 *db, const proto_campaign *c, const char *as_of, int detail,
			 const rc_request *req, rc_item_fn fn, void *arg);

/* Open items per kind (and resolved ones in *resolved), of district (0:
 * every one; report_reconcile_scope.c says which items are a district's). */
hub_result report_reconcile_counts(sqlite3 *db, const proto_campaign *c, const char *as_of, int district,
				   int64_t counts[NKINDS], int64_t *resolved, char *err, size_t errlen);
/* hub_reconcile_recent of district's laptops only (0: every one; c then
 * may be NULL). */
hub_result report_reconcile_recent(sqlite3 *db, const proto_campaign *c, int district, int n,
				   hub_rejection_row_cb cb, void *arg);
hub_result report_reconcile_render(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
				   proto_buf *out, char *err, size_t errlen);

/* A household conflict's losing value (to keep it instead); *found false
 * when item names no such conflict. *type is SQLITE_INTEGER, SQLITE_TEXT or
 * SQLITE_NULL. */
hub_result report_conflict_loser(sqlite3 *db, const char *item, proto_id *hh, int *field, int *type,
				 int64_t *ival, char *text, size_t textlen, bool *found);

/* ---- password.c: sessions (only a token's SHA-256 is stored) ------------ */

hub_result report_session_new(sqlite3 *db, const char *name, int64_t now, int ttl, char token[65]);
/* *valid (operator name copied) false for an unknown or expired session. */
hub_result report_session_check(sqlite3 *db, const char *token, int64_t now, char *name, size_t namelen,
				bool *valid);
hub_result report_session_end(sqlite3 *db, const char *token);

#endif
