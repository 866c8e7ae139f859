/*
 * xlsx_int.h - what the workbook writers share (xlsx.c: the book, the
 * reports' grids; xlsx_households.c: the household list): one sheet written
 * row after row (libxlsxwriter's constant-memory mode, so a list of a
 * million households does not sit in memory), its cells typed, its column
 * widths measured as the rows go. Functions return hub_result as xlsx.h.
 */
#ifndef HUB_REPORT_XLSX_INT_H
#define HUB_REPORT_XLSX_INT_H

#include <limits.h>
#include <xlsxwriter.h>
#include "report_int.h"
#include "xlsx.h"

/* How a cell is written: the format it gets in the workbook. */
typedef enum xlsx_cell {
	XC_TEXT = 0,
	XC_INT,   /* a count: #,##0 */
	XC_CODE,  /* an administrative code: a number never grouped */
	XC_MONEY, /* đồng: #,##0 "đ" */
	XC_PCT,   /* a fraction shown as a percent with one decimal: 0.0% */
	XC_DATE,  /* a day: dd/mm/yyyy */
	XC_NKINDS
} xlsx_cell;

#define XLSX_MAX_COLS 32
#define XLSX_FIRST_ROW 4 /* the header's row (0-based): title, note, day, a blank row before it */

/* One workbook of one sheet being written; a row is left for good when the
 * next one starts. */
typedef struct xlsx_book {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *fmt[XC_NKINDS][2]; /* [kind][bold: a total line] */
	lxw_format *title, *header;
	char path[PATH_MAX]; /* the temporary file */
	size_t ncols;
	double width[XLSX_MAX_COLS]; /* the widest cell of each column, in characters */
	lxw_row_t row;               /* the row being written */
	lxw_error failed;            /* the first error of libxlsxwriter, or LXW_NO_ERROR */
} xlsx_book;

/* Start a workbook in a temporary file, its one sheet named sheet (at most
 * 31 characters, none of []:*?/\). */
hub_result xlsx_open(xlsx_book *b, const char *sheet, char *err, size_t errlen);
/* The rows above the header: the campaign and title, the note (may be ""),
 * and the day the figures stand at (YYYY-MM-DD) as a date. */
void xlsx_title(xlsx_book *b, const char *campaign, const char *title, const char *note,
		const char *as_of);
/* The header row (n <= XLSX_MAX_COLS names), frozen above the rows. */
void xlsx_header(xlsx_book *b, const char *const *names, size_t n);
/* Go to the next row of data: 0, or -1 when the sheet is full (Excel's
 * 1,048,576 rows). */
int xlsx_next_row(xlsx_book *b);
/* Cells of the current row; NULL text leaves the cell empty. */
void xlsx_text(xlsx_book *b, size_t col, const char *s, int bold);
void xlsx_number(xlsx_book *b, size_t col, xlsx_cell kind, double v, int bold);
/* A YYYY-MM-DD day as a date cell; anything else is written as text. */
void xlsx_date(xlsx_book *b, size_t col, const char *iso, int bold);
/* Close the workbook, append it to out (NULL: drop it) and remove the
 * temporary file. HUB_OK, or why not in err. */
hub_result xlsx_close(xlsx_book *b, proto_buf *out, char *err, size_t errlen);

#endif
