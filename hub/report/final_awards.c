/*
 * final_awards.c - section "award quotas" of the final report: the awards
 * grid (report_awards_grid), the number of nominations for the Bằng khen of
 * the provincial People's Committee each unit may make under the plan's
 * rules (IV.2), with whether the district handed over its whole target on
 * time: the same numbers as 'maiam-hub report awards'.
 */
#include <stdio.h>
#include "final_int.h"

/* The awards grid's columns (report_awards.c: award_cols). */
enum { G_NAME = 1, G_TARGET, G_ON_TIME, G_MET, G_COLLECTIVES, G_INDIVIDUALS };

static const final_col columns[] = {
	{ "STT", 0.06, '|' },
	{ "Đơn vị", 0.38, '<' },
	{ "Chỉ tiêu", 0.10, '>' },
	{ "Bàn giao đúng hạn", 0.12, '>' },
	{ "Đạt 100% chỉ tiêu đúng hạn", 0.14, '|' },
	{ "Tập thể", 0.10, '>' },
	{ "Cá nhân", 0.10, '>' },
};
static const final_table table = { ARRAY_SIZE(columns), columns };

hub_result final_awards(final_doc *doc)
{
	report_grid g;
	hub_result rc;
	char n[5][32], stt[24];
	const char *cells[ARRAY_SIZE(columns)];
	size_t r, k;

	rc = report_awards_grid(doc->db, doc->c, doc->as_of, 0, &g, doc->err, doc->errlen);
	if (rc != HUB_OK)
		return final_fail(doc, rc);
	final_heading(doc, "SỐ LƯỢNG ĐƯỢC ĐỀ XUẤT KHEN THƯỞNG");
	final_para(doc,
		   "Số lượng tối đa được đề xuất Bằng khen của UBND tỉnh theo quy định của Kế hoạch,"
		   " tính theo chỉ tiêu được giao (không phải số đã được khen thưởng):",
		   FINAL_SIZE, FS_NORMAL, PANGO_ALIGN_LEFT, 4);
	final_table_head(doc, &table);
	for (r = 0; r < g.nrows; r++) {
		for (k = 0; k < 5; k++) {
			const report_cell *v = final_cell(&g, r, G_TARGET + k);

			if (v->null)
				n[k][0] = '\0';
			else if (G_TARGET + k == G_MET)
				snprintf(n[k], sizeof(n[k]), "%s", v->i ? "Có" : "Không");
			else
				final_int(v->i, n[k], sizeof(n[k]));
		}
		snprintf(stt, sizeof(stt), "%zu", r + 1);
		cells[0] = g.total[r] ? NULL : stt;
		cells[1] = final_cell(&g, r, G_NAME)->s;
		for (k = 0; k < 5; k++)
			cells[2 + k] = n[k];
		final_table_row(doc, &table, cells, g.total[r]);
	}
	doc->y += 6;
	report_grid_release(&g);
	return HUB_OK;
}
