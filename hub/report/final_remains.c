/*
 * final_remains.c - section "what remains" of the final report: the open
 * items of the reconcile queue by kind (report_reconcile_counts, as
 * 'maiam-hub report reconcile' counts them), and per district the
 * registered households not yet handed over (the progress report's loader).
 */
#include <stdio.h>
#include "final_int.h"

static const final_col kind_columns[] = {
	{ "STT", 0.08, '|' },
	{ "Loại việc cần xử lý (đối soát)", 0.62, '<' },
	{ "Số việc chưa xử lý", 0.30, '>' },
};
static const final_table kind_table = { ARRAY_SIZE(kind_columns), kind_columns };

static const final_col household_columns[] = {
	{ "STT", 0.08, '|' },         { "Đơn vị", 0.38, '<' },        { "Số hộ đăng ký", 0.18, '>' },
	{ "Đã bàn giao", 0.18, '>' }, { "Chưa bàn giao", 0.18, '>' },
};
static const final_table hh_table = { ARRAY_SIZE(household_columns), household_columns };

static hub_result open_items(final_doc *doc)
{
	int64_t counts[NKINDS], resolved, total = 0;
	char stt[24], n[32];
	const char *cells[3];
	hub_result rc;
	size_t k, shown = 0;

	rc = report_reconcile_counts(doc->db, doc->c, doc->as_of, 0, counts, &resolved, doc->err,
				     doc->errlen);
	if (rc != HUB_OK)
		return final_fail(doc, rc);
	final_intro(doc, "1. Các việc cần xử lý (đối soát) còn mở:");
	final_table_head(doc, &kind_table);
	for (k = 0; k < NKINDS; k++) {
		if (!counts[k])
			continue;
		snprintf(stt, sizeof(stt), "%zu", ++shown);
		final_int(counts[k], n, sizeof(n));
		cells[0] = stt;
		cells[1] = report_kind_labels[k];
		cells[2] = n;
		final_table_row(doc, &kind_table, cells, 0);
		total += counts[k];
	}
	final_int(total, n, sizeof(n));
	cells[0] = NULL;
	cells[1] = "Tổng cộng";
	cells[2] = n;
	final_table_row(doc, &kind_table, cells, 1);
	return HUB_OK;
}

static void household_line(final_doc *doc, const char *stt, const report_line *l)
{
	char n[3][32];
	const char *cells[5];

	final_int(l->v[SLOT_REGISTERED], n[0], sizeof(n[0]));
	final_int(l->v[SLOT_HANDED_OVER], n[1], sizeof(n[1]));
	final_int(l->v[SLOT_REGISTERED] - l->v[SLOT_HANDED_OVER], n[2], sizeof(n[2]));
	cells[0] = stt;
	cells[1] = stt ? l->name : "Tổng cộng";
	cells[2] = n[0];
	cells[3] = n[1];
	cells[4] = n[2];
	final_table_row(doc, &hh_table, cells, stt == NULL);
}

static hub_result not_handed_over(final_doc *doc)
{
	report_progress p;
	hub_result rc;
	char stt[24];
	size_t i;

	rc = report_progress_load(doc->db, doc->c, doc->as_of, 0, &p, doc->err, doc->errlen);
	if (rc != HUB_OK)
		return final_fail(doc, rc);
	doc->y += 8;
	final_intro(doc, "2. Các hộ đã đăng ký nhưng chưa bàn giao nhà:");
	final_table_head(doc, &hh_table);
	for (i = 0; i < p.n; i++) {
		snprintf(stt, sizeof(stt), "%zu", i + 1);
		household_line(doc, stt, &p.a[i]);
	}
	household_line(doc, NULL, &p.total);
	report_progress_release(&p);
	return HUB_OK;
}

hub_result final_remains(final_doc *doc)
{
	hub_result rc;

	final_heading(doc, "NHỮNG VIỆC CÒN TỒN ĐỌNG");
	rc = open_items(doc);
	if (rc == HUB_OK)
		rc = not_handed_over(doc);
	doc->y += 6;
	return rc;
}
