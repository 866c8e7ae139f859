/*
 * xlsx.c - a report as an Excel workbook: the book every workbook is written
 * with (one sheet, typed cells, measured columns), a report's grid drawn
 * into it, the names downloads are saved under, and saving a rendered
 * report atomically.
 *
 * Numbers: Excel keeps the number and draws it by the format; a format's
 * "," means "the reader's thousands separator", so #,##0 shows 1.234.567
 * in Excel set to Vietnamese and 1,234,567 in English. We keep numbers as
 * numbers (sums and filters work) rather than forcing dots with text.
 * Money in đồng: #,##0 "đ". Percentages are fractions shown as 0.0%.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "maiam/fsutil.h"
#include "xlsx_int.h"

#define XLSX_MAX_WIDTH 60.0 /* a long note wraps into view, it does not widen its column */
#define XLSX_MAX_TEXT 32767 /* Excel's limit on a cell's characters */

static const char *const number_formats[XC_NKINDS] = {
	[XC_TEXT] = NULL,           [XC_INT] = "#,##0", [XC_CODE] = "0",
	[XC_MONEY] = "#,##0 \"đ\"", [XC_PCT] = "0.0%",  [XC_DATE] = "dd/mm/yyyy",
};

static void note_error(xlsx_book *b, lxw_error e)
{
	if (e != LXW_NO_ERROR && b->failed == LXW_NO_ERROR)
		b->failed = e;
}

/* The temporary file's directory: TMPDIR, else /tmp. */
static const char *temp_dir(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

hub_result xlsx_open(xlsx_book *b, const char *sheet, char *err, size_t errlen)
{
	lxw_workbook_options opts = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
	int k, bold, fd;

	memset(b, 0, sizeof(*b));
	if ((size_t)snprintf(b->path, sizeof(b->path), "%s/maiam-xlsx-XXXXXX", temp_dir()) >=
	    sizeof(b->path)) {
		snprintf(err, errlen, "TMPDIR is too long a path: set it to a shorter directory");
		return HUB_EIO;
	}
	fd = mkstemp(b->path);
	if (fd < 0)
		return hub_eio(err, errlen, "cannot make the workbook's temporary file in", temp_dir(),
			       "set TMPDIR to a writable directory");
	close(fd);
	opts.tmpdir = (char *)temp_dir();
	b->wb = workbook_new_opt(b->path, &opts);
	b->ws = b->wb ? workbook_add_worksheet(b->wb, sheet) : NULL;
	if (!b->ws) {
		if (b->wb)
			workbook_close(b->wb);
		unlink(b->path);
		snprintf(err, errlen,
			 "cannot start the workbook (sheet '%s') in %s: out of memory, or the directory"
			 " is not writable (set TMPDIR)",
			 sheet, temp_dir());
		return HUB_EIO;
	}
	for (k = 0; k < XC_NKINDS; k++)
		for (bold = 0; bold < 2; bold++) {
			lxw_format *f = workbook_add_format(b->wb);
			if (number_formats[k])
				format_set_num_format(f, number_formats[k]);
			if (bold)
				format_set_bold(f);
			b->fmt[k][bold] = f;
		}
	b->title = workbook_add_format(b->wb);
	format_set_bold(b->title);
	format_set_font_size(b->title, 13);
	b->header = workbook_add_format(b->wb);
	format_set_bold(b->header);
	format_set_text_wrap(b->header);
	format_set_bg_color(b->header, 0xEEF3F8);
	format_set_bottom(b->header, LXW_BORDER_THIN);
	return HUB_OK;
}

/* Widen column col to hold w characters. */
static void measure(xlsx_book *b, size_t col, double w)
{
	if (col < XLSX_MAX_COLS && w > b->width[col])
		b->width[col] = w;
}

/* s cut to Excel's limit, at a character's start, into a buffer the caller
 * frees (or s itself, *owned NULL, when it fits). */
static const char *fit_text(const char *s, char **owned)
{
	size_t n = strlen(s);

	*owned = NULL;
	if (n <= XLSX_MAX_TEXT)
		return s;
	n = XLSX_MAX_TEXT;
	while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	*owned = strndup(s, n);
	return *owned ? *owned : "";
}

static void put_text(xlsx_book *b, lxw_row_t row, size_t col, const char *s, lxw_format *f)
{
	char *owned;
	const char *t = fit_text(s, &owned);

	note_error(b, worksheet_write_string(b->ws, row, (lxw_col_t)col, t, f));
	free(owned);
}

/* Characters a day takes: dd/mm/yyyy. */
#define DATE_WIDTH 10

static int parse_day(const char *iso, lxw_datetime *dt)
{
	memset(dt, 0, sizeof(*dt));
	if (!hub_report_valid_date(iso))
		return -1;
	dt->year = (int)strtol(iso, NULL, 10);
	dt->month = (int)strtol(iso + 5, NULL, 10);
	dt->day = (int)strtol(iso + 8, NULL, 10);
	return dt->year <= 9999 ? 0 : -1;
}

void xlsx_title(xlsx_book *b, const char *campaign, const char *title, const char *note, const char *as_of)
{
	char line[1024];
	lxw_datetime dt;

	snprintf(line, sizeof(line), "%s%s%s", campaign ? campaign : "",
		 campaign && *campaign ? " — " : "", title);
	put_text(b, 0, 0, line, b->title);
	if (note && *note)
		put_text(b, 1, 0, note, NULL);
	put_text(b, 2, 0, "Số liệu tính đến ngày", NULL);
	if (parse_day(as_of, &dt) == 0)
		note_error(b, worksheet_write_datetime(b->ws, 2, 1, &dt, b->fmt[XC_DATE][1]));
	b->row = XLSX_FIRST_ROW;
}

void xlsx_header(xlsx_book *b, const char *const *names, size_t n)
{
	size_t i;

	b->ncols = n < XLSX_MAX_COLS ? n : XLSX_MAX_COLS;
	for (i = 0; i < b->ncols; i++) {
		put_text(b, b->row, i, names[i], b->header);
		/* a header may wrap onto two lines: half its width is enough */
		measure(b, i, (double)proto_utf8_width(names[i]) / 2 + 2);
	}
	worksheet_freeze_panes(b->ws, (lxw_row_t)(b->row + 1), 0);
}

int xlsx_next_row(xlsx_book *b)
{
	if (b->row + 1 >= LXW_ROW_MAX)
		return -1;
	b->row++;
	return 0;
}

void xlsx_text(xlsx_book *b, size_t col, const char *s, int bold)
{
	if (!s || !*s || col >= b->ncols)
		return;
	put_text(b, b->row, col, s, bold ? b->fmt[XC_TEXT][1] : NULL);
	measure(b, col, (double)proto_utf8_width(s) + 1);
}

void xlsx_number(xlsx_book *b, size_t col, xlsx_cell kind, double v, int bold)
{
	char shown[64];
	double w;

	if (col >= b->ncols)
		return;
	note_error(b, worksheet_write_number(b->ws, b->row, (lxw_col_t)col, v, b->fmt[kind][bold != 0]));
	w = (double)snprintf(shown, sizeof(shown), "%.0f", v < 0 ? -v : v);
	if (kind == XC_INT || kind == XC_MONEY)
		w += (w - 1) / 3; /* the grouping separators */
	if (kind == XC_MONEY)
		w += 2;
	if (kind == XC_PCT)
		w = 7;
	measure(b, col, w + 2);
}

void xlsx_date(xlsx_book *b, size_t col, const char *iso, int bold)
{
	lxw_datetime dt;

	if (!iso || col >= b->ncols)
		return;
	if (parse_day(iso, &dt) != 0) {
		xlsx_text(b, col, iso, bold);
		return;
	}
	note_error(b, worksheet_write_datetime(b->ws, b->row, (lxw_col_t)col, &dt,
					       b->fmt[XC_DATE][bold != 0]));
	measure(b, col, DATE_WIDTH + 2);
}

hub_result xlsx_close(xlsx_book *b, proto_buf *out, char *err, size_t errlen)
{
	hub_result rc = HUB_OK;
	proto_result read;
	lxw_error closed;
	size_t i;

	for (i = 0; i < b->ncols; i++)
		note_error(b, worksheet_set_column(b->ws, (lxw_col_t)i, (lxw_col_t)i,
						   b->width[i] < XLSX_MAX_WIDTH ? b->width[i]
										: XLSX_MAX_WIDTH,
						   NULL));
	closed = workbook_close(b->wb);
	b->wb = NULL;
	note_error(b, closed);
	if (out && b->failed != LXW_NO_ERROR) {
		snprintf(err, errlen, "cannot write the workbook: %s", lxw_strerror(b->failed));
		rc = b->failed == LXW_ERROR_MEMORY_MALLOC_FAILED ? HUB_ENOMEM : HUB_EIO;
	} else if (out && (read = proto_read_file(b->path, out)) != PROTO_OK) {
		if (read == PROTO_EIO) {
			errno = proto_errno();
			rc = hub_eio(err, errlen, "cannot read back the workbook", b->path,
				     "set TMPDIR to a directory with room");
		} else {
			rc = report_too_large(err, errlen);
		}
	}
	unlink(b->path);
	return rc;
}

/* ---- a report's grid ------------------------------------------------------ */

/* The sheet of each report: Excel allows 31 characters and none of []:*?/\ */
static const char *sheet_name(const hub_report_opts *o)
{
	switch (o->kind) {
	case HUB_REPORT_PROGRESS:
		return o->by_commune ? "Tiến độ theo xã" : "Tiến độ";
	case HUB_REPORT_AWARDS:
		return "Khen thưởng";
	case HUB_REPORT_FUNDS:
		return "Nguồn lực";
	case HUB_REPORT_RECONCILE:
		return "Đối soát";
	case HUB_REPORT_HOUSEHOLDS:
		break;
	}
	return "Báo cáo";
}

static xlsx_cell cell_kind(report_type t)
{
	switch (t) {
	case RT_INT:
		return XC_INT;
	case RT_MONEY:
		return XC_MONEY;
	case RT_PCT:
		return XC_PCT;
	case RT_CODE:
		return XC_CODE;
	case RT_TEXT:
	case RT_BOOL:
		break;
	}
	return XC_TEXT;
}

/* Is grid row r one of district's lines? Totals are the province's: never. */
static int in_district(const report_grid *g, const proto_campaign *c, size_t r, int district)
{
	size_t i;

	if (!district)
		return 1;
	if (g->total[r])
		return 0;
	for (i = 0; i < g->ncols; i++) {
		const report_cell *cell = &g->cells[r * g->ncols + i];
		if (g->cols[i] == COL_CODE && !cell->null)
			return cell->i == district ||
			       proto_units_district_of(&c->units, (int)cell->i) == district;
	}
	return 0;
}

static void grid_cell(xlsx_book *b, const report_grid *g, size_t r, size_t i)
{
	const report_cell *cell = &g->cells[r * g->ncols + i];
	const report_col *col = &report_columns[g->cols[i]];
	int bold = g->total[r];

	if (cell->null)
		return;
	switch (col->type) {
	case RT_TEXT:
		xlsx_text(b, i, cell->s, bold);
		break;
	case RT_BOOL:
		xlsx_text(b, i, cell->i ? "Có" : "Không", bold);
		break;
	case RT_PCT:
		xlsx_number(b, i, XC_PCT, cell->d / 100.0, bold);
		break;
	case RT_INT:
	case RT_MONEY:
	case RT_CODE:
		xlsx_number(b, i, cell_kind(col->type), (double)cell->i, bold);
		break;
	}
}

hub_result report_xlsx_grid(const report_grid *g, const proto_campaign *c, const hub_report_opts *o,
			    proto_buf *out, char *err, size_t errlen)
{
	const char *heads[XLSX_MAX_COLS];
	xlsx_book b;
	hub_result rc;
	size_t r, i;

	rc = xlsx_open(&b, sheet_name(o), err, errlen);
	if (rc != HUB_OK)
		return rc;
	for (i = 0; i < g->ncols && i < XLSX_MAX_COLS; i++)
		heads[i] = report_columns[g->cols[i]].label;
	xlsx_title(&b, c->name, g->title, g->note, o->as_of);
	xlsx_header(&b, heads, g->ncols);
	for (r = 0; r < g->nrows; r++) {
		/* the queue's page was walked for the district already */
		if (o->kind != HUB_REPORT_RECONCILE && !in_district(g, c, r, o->district))
			continue;
		if (xlsx_next_row(&b)) {
			xlsx_close(&b, NULL, err, errlen);
			snprintf(err, errlen, "the report has more rows than an Excel sheet holds");
			return HUB_REFUSED;
		}
		for (i = 0; i < g->ncols; i++)
			grid_cell(&b, g, r, i);
	}
	return xlsx_close(&b, out, err, errlen);
}

/* ---- names and saving ------------------------------------------------------ */

void hub_download_name(const hub_report_opts *o, char *out, size_t outlen)
{
	/* in the order of hub_report_kind and hub_report_format */
	static const char *const names[] = { "tien-do", "khen-thuong", "nguon-luc", "doi-soat",
					     "danh-sach-ho" };
	static const char *const exts[] = { "txt", "csv", "json", "html", "xlsx" };
	const char *name = (size_t)o->kind < ARRAY_SIZE(names) ? names[o->kind] : "bao-cao";
	const char *ext = (size_t)o->format < ARRAY_SIZE(exts) ? exts[o->format] : "txt";
	char today[11];

	hub_report_today(today);
	snprintf(out, outlen, "%s-%.10s.%s", name, o->as_of[0] ? o->as_of : today, ext);
}

void hub_download_disposition(const hub_report_opts *o, char *out, size_t outlen)
{
	char name[64];

	out[0] = '\0';
	if (o->format != HUB_FMT_CSV && o->format != HUB_FMT_XLSX)
		return;
	hub_download_name(o, name, sizeof(name));
	snprintf(out, outlen, "attachment; filename=\"%s\"", name);
}

hub_result hub_report_save(const proto_buf *b, const char *path, char *err, size_t errlen)
{
	if (proto_write_file_atomic(path, b->data, b->len, 0644) != PROTO_OK) {
		errno = proto_errno();
		return hub_eio(err, errlen, "cannot write", path,
			       "check the directory exists and has room, or choose another --out");
	}
	return HUB_OK;
}
