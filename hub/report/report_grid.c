/*
 * report_grid.c - one grid of cells drawn three ways for people: an aligned
 * text table (widths by what a terminal shows, not bytes: "Huyện Kế Sách" is
 * 13 columns and 17 bytes), CSV that Excel opens with Vietnamese text intact
 * (BOM, CRLF, RFC 4180 quotes), and a self-contained HTML page. Numbers use
 * Vietnamese grouping: 1.200 and 40.000.000 đ. Headers and Có/Không are in
 * the grid's language (report_lang): the operator's for a table, Vietnamese
 * for CSV and HTML.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report_int.h"

void report_grid_init(report_grid *g, report_lang lang, const char *title, const report_column *cols,
		      size_t ncols)
{
	size_t i;

	for (i = 0; i < ncols; i++)
		assert(cols[i] < NCOLUMNS);
	memset(g, 0, sizeof(*g));
	g->lang = lang;
	g->title = title;
	g->cols = cols;
	g->ncols = ncols;
}

void report_grid_release(report_grid *g)
{
	size_t i;

	for (i = 0; i < g->nrows * g->ncols; i++) {
		free(g->cells[i].s);
		free(g->cells[i].html);
	}
	free(g->cells);
	free(g->total);
	g->cells = NULL;
	g->total = NULL;
	g->nrows = g->cap = 0;
}

hub_result report_grid_add(report_grid *g, int total, size_t *row)
{
	size_t i;

	assert(g->nrows <= g->cap);
	if (g->nrows == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 32;
		report_cell *cells = realloc(g->cells, cap * g->ncols * sizeof(*cells));
		unsigned char *t;

		if (!cells)
			return HUB_ENOMEM;
		g->cells = cells;
		t = realloc(g->total, cap);
		if (!t)
			return HUB_ENOMEM;
		g->total = t;
		g->cap = cap;
	}
	for (i = 0; i < g->ncols; i++) {
		report_cell *c = &g->cells[g->nrows * g->ncols + i];
		memset(c, 0, sizeof(*c));
		c->null = 1;
	}
	g->total[g->nrows] = (unsigned char)(total != 0);
	*row = g->nrows++;
	return HUB_OK;
}

static report_cell *cell(report_grid *g, size_t row, size_t col)
{
	assert(row < g->nrows && col < g->ncols);
	return &g->cells[row * g->ncols + col];
}

static const report_col *column(const report_grid *g, size_t col)
{
	return &report_columns[g->cols[col]];
}

/* A column's header in the grid's language. */
static const char *header(const report_grid *g, size_t col)
{
	return report_say(g->lang, column(g, col)->label, column(g, col)->english);
}

hub_result report_grid_text(report_grid *g, size_t row, size_t col, const char *s)
{
	report_cell *c = cell(g, row, col);

	free(c->s);
	c->s = NULL;
	c->null = s == NULL;
	if (s && !(c->s = strdup(s)))
		return HUB_ENOMEM;
	return HUB_OK;
}

hub_result report_grid_html(report_grid *g, size_t row, size_t col, const char *html)
{
	report_cell *c = cell(g, row, col);

	free(c->html);
	c->html = strdup(html);
	return c->html ? HUB_OK : HUB_ENOMEM;
}

void report_grid_int(report_grid *g, size_t row, size_t col, int64_t v)
{
	report_cell *c = cell(g, row, col);
	c->null = 0;
	c->i = v;
}

void report_grid_pct(report_grid *g, size_t row, size_t col, double v)
{
	report_cell *c = cell(g, row, col);
	c->null = v < 0;
	c->d = v;
}

hub_result report_fmt_group(int64_t v, char *out, size_t outlen)
{
	char digits[32], tmp[48];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n, i, j = 0;

	n = (size_t)snprintf(digits, sizeof(digits), "%llu", (unsigned long long)u);
	if (v < 0)
		tmp[j++] = '-';
	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			tmp[j++] = '.';
		tmp[j++] = digits[i];
	}
	tmp[j] = '\0';
	return (size_t)snprintf(out, outlen, "%s", tmp) < outlen ? HUB_OK : HUB_ENOMEM;
}

hub_result report_fmt_money(int64_t v, char *out, size_t outlen)
{
	char g[48];

	if (report_fmt_group(v, g, sizeof(g)))
		return HUB_ENOMEM;
	return (size_t)snprintf(out, outlen, "%s đ", g) < outlen ? HUB_OK : HUB_ENOMEM;
}

hub_result report_csv_field(proto_buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && !(s[0] && s[strlen(s) - 1] == ' '))
		return proto_buf_append_str(b, s) ? HUB_ENOMEM : HUB_OK;
	if (proto_buf_append_byte(b, '"'))
		return HUB_ENOMEM;
	for (; *s; s++)
		if ((*s == '"' && proto_buf_append_byte(b, '"')) || proto_buf_append_byte(b, (uint8_t)*s))
			return HUB_ENOMEM;
	return proto_buf_append_byte(b, '"') ? HUB_ENOMEM : HUB_OK;
}

static const char html_style[] = "<style>body{font-family:sans-serif;margin:1.5em;color:#222}"
				 "table{border-collapse:collapse;margin:0.5em 0 1.5em}"
				 "th,td{border:1px solid #bbb;padding:0.25em 0.6em}th{background:#eef3f8}"
				 "td.n{text-align:right;font-variant-numeric:tabular-nums}"
				 "tr.t td{font-weight:bold;background:#f6f6f6}.ok{color:#17702f}.late{color:#b3261e}"
				 "form{max-width:20em}input{display:block;margin:0.3em 0 0.8em;width:100%}"
				 ".err{color:#b3261e}svg text{font-family:sans-serif}</style>";

hub_result report_html_head(proto_buf *b, const char *title)
{
	if (proto_buf_append_str(b, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
				    "<meta name=\"viewport\" content=\"width=device-width\"><title>") ||
	    web_html_escape(b, title) || proto_buf_append_str(b, "</title>") ||
	    proto_buf_append_str(b, html_style) || proto_buf_append_str(b, "</head><body>\n"))
		return HUB_ENOMEM;
	return HUB_OK;
}

/* The text shown for a cell in a table or HTML; CSV wants plain numbers. */
static hub_result cell_text(const report_grid *g, size_t col_index, const report_cell *c, int plain,
			    char *out, size_t outlen)
{
	const report_col *col = column(g, col_index);

	out[0] = '\0';
	if (c->null)
		return HUB_OK;
	switch (col->type) {
	case RT_TEXT:
		return HUB_OK; /* the caller uses c->s */
	case RT_CODE:
		return snprintf(out, outlen, "%lld", (long long)c->i) < 0 ? HUB_ENOMEM : HUB_OK;
	case RT_INT:
		if (plain)
			return snprintf(out, outlen, "%lld", (long long)c->i) < 0 ? HUB_ENOMEM : HUB_OK;
		return report_fmt_group(c->i, out, outlen);
	case RT_MONEY:
		if (plain)
			return snprintf(out, outlen, "%lld", (long long)c->i) < 0 ? HUB_ENOMEM : HUB_OK;
		return report_fmt_money(c->i, out, outlen);
	case RT_PCT: {
		char *dot;
		if (plain)
			return snprintf(out, outlen, "%.1f", c->d) < 0 ? HUB_ENOMEM : HUB_OK;
		if (snprintf(out, outlen, "%.1f%%", c->d) < 0)
			return HUB_ENOMEM;
		if ((dot = strchr(out, '.')) != NULL)
			*dot = ','; /* Vietnamese decimal comma */
		return HUB_OK;
	}
	case RT_BOOL:
		return snprintf(out, outlen, "%s",
				c->i ? report_say(g->lang, "Có", N_("Yes"))
				     : report_say(g->lang, "Không", N_("No"))) < 0
			       ? HUB_ENOMEM
			       : HUB_OK;
	}
	return HUB_OK;
}

static const char *shown(const report_col *col, const report_cell *c, const char *buf)
{
	if (col->type == RT_TEXT)
		return c->null || !c->s ? "" : c->s;
	return buf;
}

/* Table cells are one line: control characters (a newline in a name) show as spaces. */
static hub_result append_oneline(proto_buf *b, const char *s)
{
	for (; *s; s++)
		if (proto_buf_append_byte(b, (unsigned char)*s < 0x20 ? ' ' : (uint8_t)*s))
			return HUB_ENOMEM;
	return HUB_OK;
}

/* n times the byte c */
static hub_result repeat(proto_buf *b, char c, size_t n)
{
	while (n--)
		if (proto_buf_append_byte(b, (uint8_t)c))
			return HUB_ENOMEM;
	return HUB_OK;
}

static hub_result pad(proto_buf *b, size_t n)
{
	return repeat(b, ' ', n);
}

/* The line under the header and above the totals. */
static hub_result rule_line(proto_buf *b, size_t width)
{
	return repeat(b, '-', width) || proto_buf_append_byte(b, '\n') ? HUB_ENOMEM : HUB_OK;
}

/* One cell of a table line, width columns wide: two spaces before all but
 * the first, numbers to the right, text padded unless it ends the line. */
static hub_result table_cell(const report_grid *g, size_t i, size_t width, const char *s, proto_buf *out)
{
	size_t cw = proto_utf8_width(s);
	int right = column(g, i)->type != RT_TEXT;

	assert(cw <= width);
	if ((i && pad(out, 2)) || (right && pad(out, width - cw)) || append_oneline(out, s) ||
	    (!right && i + 1 < g->ncols && pad(out, width - cw)))
		return HUB_ENOMEM;
	return HUB_OK;
}

static hub_result render_table(const report_grid *g, proto_buf *out)
{
	size_t *w = calloc(g->ncols ? g->ncols : 1, sizeof(*w));
	char buf[64];
	size_t r, i, total_w = 0;
	hub_result rc = HUB_ENOMEM;

	if (!w)
		return HUB_ENOMEM;
	for (i = 0; i < g->ncols; i++)
		w[i] = proto_utf8_width(header(g, i));
	for (r = 0; r < g->nrows; r++)
		for (i = 0; i < g->ncols; i++) {
			const report_cell *c = &g->cells[r * g->ncols + i];
			size_t cw;
			if (cell_text(g, i, c, 0, buf, sizeof(buf)))
				goto out;
			cw = proto_utf8_width(shown(column(g, i), c, buf));
			if (cw > w[i])
				w[i] = cw;
		}
	for (i = 0; i < g->ncols; i++)
		total_w += w[i] + (i ? 2 : 0);
	if (proto_buf_appendf(out, "%s\n", g->title) ||
	    (g->note[0] && proto_buf_appendf(out, "%s\n", g->note)) || proto_buf_append_byte(out, '\n'))
		goto out;
	for (i = 0; i < g->ncols; i++)
		if (table_cell(g, i, w[i], header(g, i), out))
			goto out;
	if (proto_buf_append_byte(out, '\n') || rule_line(out, total_w))
		goto out;
	for (r = 0; r < g->nrows; r++) {
		if (g->total[r] && r > 0 && !g->total[r - 1] && rule_line(out, total_w))
			goto out;
		for (i = 0; i < g->ncols; i++) {
			const report_cell *c = &g->cells[r * g->ncols + i];

			if (cell_text(g, i, c, 0, buf, sizeof(buf)) ||
			    table_cell(g, i, w[i], shown(column(g, i), c, buf), out))
				goto out;
		}
		if (proto_buf_append_byte(out, '\n'))
			goto out;
	}
	rc = HUB_OK;
out:
	free(w);
	return rc;
}

static hub_result render_csv(const report_grid *g, proto_buf *out)
{
	char buf[64];
	size_t r, i;

	if (proto_buf_append_str(out, "\xEF\xBB\xBF"))
		return HUB_ENOMEM;
	for (i = 0; i < g->ncols; i++)
		if ((i && proto_buf_append_byte(out, ',')) || report_csv_field(out, header(g, i)))
			return HUB_ENOMEM;
	if (proto_buf_append_str(out, "\r\n"))
		return HUB_ENOMEM;
	for (r = 0; r < g->nrows; r++) {
		for (i = 0; i < g->ncols; i++) {
			const report_cell *c = &g->cells[r * g->ncols + i];
			if (cell_text(g, i, c, 1, buf, sizeof(buf)) ||
			    (i && proto_buf_append_byte(out, ',')) ||
			    report_csv_field(out, shown(column(g, i), c, buf)))
				return HUB_ENOMEM;
		}
		if (proto_buf_append_str(out, "\r\n"))
			return HUB_ENOMEM;
	}
	return HUB_OK;
}

hub_result report_grid_html_table(const report_grid *g, proto_buf *out)
{
	char buf[64];
	size_t r, i;

	if (proto_buf_append_str(out, "<h2>") || web_html_escape(out, g->title) ||
	    proto_buf_append_str(out, "</h2>\n"))
		return HUB_ENOMEM;
	if (g->note[0] && (proto_buf_append_str(out, "<p>") || web_html_escape(out, g->note) ||
			   proto_buf_append_str(out, "</p>\n")))
		return HUB_ENOMEM;
	if (proto_buf_append_str(out, "<table><thead><tr>"))
		return HUB_ENOMEM;
	for (i = 0; i < g->ncols; i++)
		if (proto_buf_append_str(out, "<th>") || web_html_escape(out, header(g, i)) ||
		    proto_buf_append_str(out, "</th>"))
			return HUB_ENOMEM;
	if (proto_buf_append_str(out, "</tr></thead><tbody>\n"))
		return HUB_ENOMEM;
	for (r = 0; r < g->nrows; r++) {
		if (proto_buf_append_str(out, g->total[r] ? "<tr class=\"t\">" : "<tr>"))
			return HUB_ENOMEM;
		for (i = 0; i < g->ncols; i++) {
			const report_cell *c = &g->cells[r * g->ncols + i];
			if (cell_text(g, i, c, 0, buf, sizeof(buf)) ||
			    proto_buf_append_str(out, column(g, i)->type == RT_TEXT ? "<td>"
										    : "<td class=\"n\">") ||
			    (c->html ? proto_buf_append_str(out, c->html) != 0
				     : web_html_escape(out, shown(column(g, i), c, buf)) != 0) ||
			    proto_buf_append_str(out, "</td>"))
				return HUB_ENOMEM;
		}
		if (proto_buf_append_str(out, "</tr>\n"))
			return HUB_ENOMEM;
	}
	return proto_buf_append_str(out, "</tbody></table>\n") ? HUB_ENOMEM : HUB_OK;
}

hub_result report_grid_render(const report_grid *g, hub_report_format f, proto_buf *out)
{
	switch (f) {
	case HUB_FMT_TABLE:
		return render_table(g, out);
	case HUB_FMT_CSV:
		return render_csv(g, out);
	case HUB_FMT_HTML:
		if (report_html_head(out, g->title) || report_grid_html_table(g, out) ||
		    proto_buf_append_str(out, "</body></html>\n"))
			return HUB_ENOMEM;
		return HUB_OK;
	case HUB_FMT_JSON:
	case HUB_FMT_XLSX: /* xlsx.c writes the workbook */
		break;
	}
	return HUB_REFUSED; /* JSON is written from the numbers, never from a grid */
}
