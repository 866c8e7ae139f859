/*
 * final_int.h - how the final report is drawn: a document (final_doc)
 * that the section writers fill one after the other, top to bottom, on A4
 * pages of a Cairo PDF surface, text set by Pango (Vietnamese shaped,
 * fonts embedded as subsets). Each section is a file of its own
 * (final_progress.c, final_funds.c, ...) listed once in final.c: adding a
 * section is adding a file and a line.
 */
#ifndef HUB_FINAL_INT_H
#define HUB_FINAL_INT_H

#include <stddef.h>
#include <stdint.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include "final.h"
#include "report_int.h"

/* A4 in points, with the margins of an administrative document (left 30 mm,
 * right 15 mm, top and bottom 20 mm). */
#define FINAL_PAGE_W 595.276
#define FINAL_PAGE_H 841.890
#define FINAL_LEFT 85.0
#define FINAL_RIGHT 42.5
#define FINAL_TOP 56.7
#define FINAL_BOTTOM 56.7
#define FINAL_TEXT_W (FINAL_PAGE_W - FINAL_LEFT - FINAL_RIGHT)

/* The fonts (fonts-dejavu-core): serif as the documents of the state are set. */
#define FINAL_FONT "DejaVu Serif"
#define FINAL_SIZE 12.0
#define FINAL_TABLE_SIZE 9.0

typedef enum final_style {
	FS_NORMAL = 0,
	FS_BOLD = 1,
	FS_ITALIC = 2,
} final_style;

/* The document being drawn; owned by final.c, lent to the writers. */
typedef struct final_doc {
	cairo_t *cr;
	PangoLayout *layout; /* reused for every piece of text */
	double y;            /* where the next piece goes on the page */
	int pages;
	int sections; /* numbered so far: the next heading's numeral */
	int failed;   /* Cairo reported an error: the report fails */
	sqlite3 *db;  /* read inside the report's one read transaction */
	const proto_campaign *c;
	char as_of[11];
	hub_final_ledger ledger;
	char *err;
	size_t errlen;
} final_doc;

/* A section writer: HUB_OK, or a failure with doc->err filled. */
typedef hub_result (*final_section_fn)(final_doc *doc);

/* ---- final_pdf.c: text and tables --------------------------------------- */

/* Lay out text (plain, not markup) at x, width w: its height in points. */
double final_measure(final_doc *doc, const char *text, double size, final_style st, double w);
/* Draw text at (x, doc->y) in width w, aligned; doc->y is not moved:
 * returns the height drawn. */
double final_put(final_doc *doc, const char *text, double size, final_style st, double x, double w,
		 PangoAlignment align);
/* A paragraph across the text width; a new page first when it does not fit.
 * doc->y moves under it, with space_after points more. */
void final_para(final_doc *doc, const char *text, double size, final_style st, PangoAlignment align,
		double space_after);
/* A line that introduces a table: a new page first unless it fits with
 * the table's header and first rows under it. */
void final_intro(final_doc *doc, const char *text);
/* A numbered section heading ("I. KẾT QUẢ ..."): the numeral is the next one. */
void final_heading(final_doc *doc, const char *title);
/* Go to a new page unless need points fit on this one. */
void final_need(final_doc *doc, double need);
/* A short horizontal line centred on [x, x + w] at doc->y. */
void final_rule(final_doc *doc, double x, double w, double len);

/* A column of a table: its header, its share of the text width (a table's
 * shares sum to 1), where its cells stand ('<' left, '>' right, '|' centred). */
typedef struct final_col {
	const char *head;
	double width;
	char align;
} final_col;
#define FINAL_MAX_COLS 12
/* A table (at most FINAL_MAX_COLS columns); the header is drawn again on
 * each new page. */
typedef struct final_table {
	size_t ncols;
	const final_col *cols;
} final_table;
/* The cell of row r, column c of a report grid. */
const report_cell *final_cell(const report_grid *g, size_t r, size_t c);
void final_table_head(final_doc *doc, const final_table *t);
/* One row of cells (NULL: empty); bold for a total line. */
void final_table_row(final_doc *doc, const final_table *t, const char *const *cells, int bold);

/* "1.200" into out (at least 32 bytes); "37,5" for a percentage. */
void final_int(int64_t v, char *out, size_t outlen);
void final_pct(double v, char *out, size_t outlen);
/* "ngày 02 tháng 9 năm 2023" from "2023-09-02" (months 1 and 2 as 01, 02). */
void final_vn_long_date(const char *iso, char *out, size_t outlen);

/* Say that a loader failed (its message is in doc->err already). */
hub_result final_fail(final_doc *doc, hub_result r);

/* ---- the sections, in the report's order (final.c lists them) ------------ */

hub_result final_header(final_doc *doc);      /* final_header.c: heading, title */
hub_result final_progress(final_doc *doc);    /* results by district against targets */
hub_result final_funds(final_doc *doc);       /* resources mobilised by source */
hub_result final_awards(final_doc *doc);      /* award quotas */
hub_result final_remains(final_doc *doc);     /* open items, houses not handed over */
hub_result final_scorecards(final_doc *doc);  /* the criteria's scorecards */
hub_result final_nominations(final_doc *doc); /* nominations within the quotas */
hub_result final_closing(final_doc *doc);     /* final_header.c: recipients, signer */

/* ---- final_sig.c: the ledger head and the signature file ----------------- */

/* The ledger as it stands (read in the caller's transaction). */
hub_result final_ledger_head(sqlite3 *db, hub_final_ledger *out, char *err, size_t errlen);
/* The signature file's text for these facts, signed with key, into out. */
hub_result final_sig_text(const proto_key *key, const uint8_t pdf_sha256[32], const char *as_of,
			  const hub_final_ledger *ledger, proto_buf *out, char *err, size_t errlen);
/* Parse a signature file's text and check it against the PDF's SHA-256
 * and key: HUB_OK (*what filled) or HUB_REFUSED with the reason in err. */
hub_result final_sig_check(const char *text, size_t len, const uint8_t pdf_sha256[32],
			   const proto_key *key, hub_final_signed *what, char *err, size_t errlen);

#endif
