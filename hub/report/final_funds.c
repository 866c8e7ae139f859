/*
 * final_funds.c - section "resources mobilised" of the final report: the
 * funds report's grid (report_funds_grid), so every number is the one
 * 'maiam-hub report funds' gives for the date: the province's totals by
 * source, then each district's subtotal.
 */
#include <stdio.h>
#include <string.h>
#include "final_int.h"

/* The funds grid's columns (report_funds.c: fund_cols). */
enum { G_NAME = 1, G_SOURCE = 2, G_N = 3, G_MONEY, G_LABOUR, G_MATERIALS, G_MAT_VALUE };

static const final_col columns[] = {
	{ "STT", 0.06, '|' },
	{ "Nguồn / Đơn vị", 0.28, '<' },
	{ "Số khoản", 0.09, '>' },
	{ "Tiền (đồng)", 0.17, '>' },
	{ "Ngày công", 0.10, '>' },
	{ "Vật liệu", 0.10, '>' },
	{ "Giá trị vật liệu (đồng)", 0.20, '>' },
};
static const final_table table = { ARRAY_SIZE(columns), columns };

/* Row r of the grid as a line named by column name_col: stt NULL for a total. */
static void line(final_doc *doc, const report_grid *g, size_t r, const char *stt, size_t name_col, int bold)
{
	char n[5][32];
	const char *cells[ARRAY_SIZE(columns)];
	size_t k;

	for (k = 0; k < 5; k++)
		final_int(final_cell(g, r, G_N + k)->i, n[k], sizeof(n[k]));
	cells[0] = stt;
	cells[1] = final_cell(g, r, name_col)->s;
	for (k = 0; k < 5; k++)
		cells[2 + k] = n[k];
	final_table_row(doc, &table, cells, bold);
}

/* Is row r a unit's subtotal line ("Cộng", as funds_grid writes it)? */
static int subtotal(const report_grid *g, size_t r)
{
	const char *s = final_cell(g, r, G_SOURCE)->s;

	return !g->total[r] && s && strcmp(s, "Cộng") == 0;
}

hub_result final_funds(final_doc *doc)
{
	report_grid g;
	hub_result rc;
	char stt[24], day[11], text[512];
	size_t r, n = 0;

	rc = report_funds_grid(doc->db, doc->c, doc->as_of, 0, &g, doc->err, doc->errlen);
	if (rc != HUB_OK)
		return final_fail(doc, rc);
	final_heading(doc, "NGUỒN LỰC HUY ĐỘNG");
	report_vn_date(doc->as_of, day);
	snprintf(text, sizeof(text),
		 "Tiền, ngày công và vật liệu đã huy động đến ngày %s, không tính các khoản đã hủy.", day);
	final_para(doc, text, FINAL_SIZE, FS_NORMAL, PANGO_ALIGN_LEFT, 4);
	final_intro(doc, "1. Theo nguồn đóng góp:");
	final_table_head(doc, &table);
	for (r = 0; r < g.nrows; r++) {
		if (!g.total[r])
			continue;
		snprintf(stt, sizeof(stt), "%zu", ++n);
		/* the last total line is that of all sources */
		line(doc, &g, r, r + 1 < g.nrows ? stt : NULL, G_SOURCE, r + 1 == g.nrows);
	}
	doc->y += 8;
	final_intro(doc, "2. Theo địa bàn:");
	final_table_head(doc, &table);
	for (r = n = 0; r < g.nrows; r++) {
		if (!subtotal(&g, r))
			continue;
		snprintf(stt, sizeof(stt), "%zu", ++n);
		line(doc, &g, r, stt, G_NAME, 0);
	}
	doc->y += 6;
	report_grid_release(&g);
	return HUB_OK;
}
