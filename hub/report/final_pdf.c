/*
 * final_pdf.c - text and tables of the final report: every piece of text
 * goes through one Pango layout on the document's Cairo context, sizes in
 * points (absolute sizes: no screen resolution in between), and the
 * writers move down the page; a piece that does not fit starts a new page.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "final_int.h"

#define CELL_PAD 3.0
#define LINE_W 0.5

static void set_font(final_doc *doc, double size, final_style st)
{
	PangoFontDescription *fd = pango_font_description_new();

	pango_font_description_set_family(fd, FINAL_FONT);
	pango_font_description_set_weight(fd, st & FS_BOLD ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_style(fd, st & FS_ITALIC ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_layout_set_font_description(doc->layout, fd);
	pango_font_description_free(fd);
}

static void set_text(final_doc *doc, const char *text, double size, final_style st, double w,
		     PangoAlignment align)
{
	set_font(doc, size, st);
	pango_layout_set_width(doc->layout, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(doc->layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(doc->layout, align);
	pango_layout_set_text(doc->layout, text, -1);
}

static double layout_height(final_doc *doc)
{
	int w, h;

	pango_layout_get_size(doc->layout, &w, &h);
	return (double)h / PANGO_SCALE;
}

double final_measure(final_doc *doc, const char *text, double size, final_style st, double w)
{
	set_text(doc, text, size, st, w, PANGO_ALIGN_LEFT);
	return layout_height(doc);
}

double final_put(final_doc *doc, const char *text, double size, final_style st, double x, double w,
		 PangoAlignment align)
{
	set_text(doc, text, size, st, w, align);
	cairo_move_to(doc->cr, x, doc->y);
	pango_cairo_show_layout(doc->cr, doc->layout);
	return layout_height(doc);
}

void final_need(final_doc *doc, double need)
{
	if (doc->y + need <= FINAL_PAGE_H - FINAL_BOTTOM || doc->y <= FINAL_TOP)
		return;
	cairo_show_page(doc->cr);
	doc->pages++;
	doc->y = FINAL_TOP;
}

void final_para(final_doc *doc, const char *text, double size, final_style st, PangoAlignment align,
		double space_after)
{
	final_need(doc, final_measure(doc, text, size, st, FINAL_TEXT_W));
	doc->y += final_put(doc, text, size, st, FINAL_LEFT, FINAL_TEXT_W, align) + space_after;
}

void final_intro(final_doc *doc, const char *text)
{
	final_need(doc, 2 * FINAL_SIZE + 6 * FINAL_TABLE_SIZE + 24);
	final_para(doc, text, FINAL_SIZE, FS_NORMAL, PANGO_ALIGN_LEFT, 4);
}

void final_heading(final_doc *doc, const char *title)
{
	static const char *const numerals[] = { "I",  "II",  "III",  "IV", "V",
						"VI", "VII", "VIII", "IX", "X" };
	char line[512];
	int n = doc->sections++;

	snprintf(line, sizeof(line), "%s. %s", n < 10 ? numerals[n] : "?", title);
	/* a heading is never the last line of a page: it keeps its first
	 * paragraph and the start of a table with it */
	final_need(doc, 6 * FINAL_SIZE + 6 * FINAL_TABLE_SIZE + 24);
	doc->y += 6;
	final_para(doc, line, FINAL_SIZE, FS_BOLD, PANGO_ALIGN_LEFT, 4);
}

void final_rule(final_doc *doc, double x, double w, double len)
{
	cairo_set_line_width(doc->cr, LINE_W);
	cairo_move_to(doc->cr, x + (w - len) / 2, doc->y);
	cairo_line_to(doc->cr, x + (w + len) / 2, doc->y);
	cairo_stroke(doc->cr);
}

static PangoAlignment pango_align(char align)
{
	return align == '>' ? PANGO_ALIGN_RIGHT : align == '|' ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT;
}

/* The height of a row of cells (the header's when head), and its drawing
 * when draw. */
static double row(final_doc *doc, const final_table *t, const char *const *cells, final_style st,
		  int head, int draw)
{
	double x = FINAL_LEFT, h = 0, cw;
	size_t i;

	for (i = 0; i < t->ncols; i++) {
		cw = t->cols[i].width * FINAL_TEXT_W - 2 * CELL_PAD;
		h = fmax(h, final_measure(doc, cells[i] ? cells[i] : "", FINAL_TABLE_SIZE, st, cw));
	}
	h += 2 * CELL_PAD;
	if (!draw)
		return h;
	for (i = 0; i < t->ncols; i++) {
		cw = t->cols[i].width * FINAL_TEXT_W;
		cairo_set_line_width(doc->cr, LINE_W);
		cairo_rectangle(doc->cr, x, doc->y, cw, h);
		cairo_stroke(doc->cr);
		doc->y += CELL_PAD;
		/* the header's words centred over their column */
		final_put(doc, cells[i] ? cells[i] : "", FINAL_TABLE_SIZE, st, x + CELL_PAD,
			  cw - 2 * CELL_PAD, head ? PANGO_ALIGN_CENTER : pango_align(t->cols[i].align));
		doc->y -= CELL_PAD;
		x += cw;
	}
	doc->y += h;
	return h;
}

/* The header row, at least one more row's room under it when need_room. */
static void header(final_doc *doc, const final_table *t, int need_room)
{
	const char *heads[FINAL_MAX_COLS];
	size_t i;

	for (i = 0; i < t->ncols && i < FINAL_MAX_COLS; i++)
		heads[i] = t->cols[i].head;
	if (need_room)
		final_need(doc, 2 * row(doc, t, heads, FS_BOLD, 1, 0));
	row(doc, t, heads, FS_BOLD, 1, 1);
}

void final_table_head(final_doc *doc, const final_table *t)
{
	header(doc, t, 1);
}

void final_table_row(final_doc *doc, const final_table *t, const char *const *cells, int bold)
{
	double h = row(doc, t, cells, bold ? FS_BOLD : FS_NORMAL, 0, 0);

	if (doc->y + h > FINAL_PAGE_H - FINAL_BOTTOM) {
		final_need(doc, FINAL_PAGE_H); /* a new page, the header again */
		header(doc, t, 0);
	}
	row(doc, t, cells, bold ? FS_BOLD : FS_NORMAL, 0, 1);
}

const report_cell *final_cell(const report_grid *g, size_t r, size_t c)
{
	return &g->cells[r * g->ncols + c];
}

void final_int(int64_t v, char *out, size_t outlen)
{
	if (report_fmt_group(v, out, outlen) != HUB_OK)
		snprintf(out, outlen, "%lld", (long long)v);
}

void final_pct(double v, char *out, size_t outlen)
{
	char *dot;

	snprintf(out, outlen, "%.1f", v);
	dot = strchr(out, '.');
	if (dot)
		*dot = ','; /* Vietnamese decimal comma: 37,5 */
}

void final_vn_long_date(const char *iso, char *out, size_t outlen)
{
	int y = 0, m = 0, d = 0;

	if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3)
		y = m = d = 0;
	/* the state's documents write days 1-9 and months 1-2 with a leading 0 */
	snprintf(out, outlen, m < 3 ? "ngày %02d tháng %02d năm %d" : "ngày %02d tháng %d năm %d", d, m,
		 y);
}

hub_result final_fail(final_doc *doc, hub_result r)
{
	if (r == HUB_ENOMEM && !doc->err[0])
		snprintf(doc->err, doc->errlen, "out of memory while drawing the final report");
	return r;
}
