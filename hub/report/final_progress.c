/*
 * final_progress.c - section "results by district against targets" of the
 * final report: the progress report's loader (report_progress_load), so
 * every number is the one 'maiam-hub report progress' gives for the date.
 */
#include <stdio.h>
#include "final_int.h"

static const final_col columns[] = {
	{ "STT", 0.06, '|' },
	{ "Đơn vị", 0.26, '<' },
	{ "Chỉ tiêu", 0.08, '>' },
	{ "Đăng ký", 0.09, '>' },
	{ "Khởi công", 0.09, '>' },
	{ "Hoàn thành", 0.10, '>' },
	{ "Bàn giao", 0.10, '>' },
	{ "Bàn giao đúng hạn", 0.11, '>' },
	{ "Tỷ lệ bàn giao (%)", 0.11, '>' },
};
static const final_table table = { ARRAY_SIZE(columns), columns };

/* One line of the table: stt NULL for the total. */
static void line(final_doc *doc, const char *stt, const report_line *l)
{
	char n[7][32], pct[32];
	const char *cells[ARRAY_SIZE(columns)];
	double p = report_percent(l);

	final_int(l->target, n[0], sizeof(n[0]));
	final_int(l->v[SLOT_REGISTERED], n[1], sizeof(n[1]));
	final_int(l->v[SLOT_STARTED], n[2], sizeof(n[2]));
	final_int(l->v[SLOT_COMPLETED], n[3], sizeof(n[3]));
	final_int(l->v[SLOT_HANDED_OVER], n[4], sizeof(n[4]));
	final_int(l->on_time, n[5], sizeof(n[5]));
	final_pct(p < 0 ? 0 : p, pct, sizeof(pct));
	cells[0] = stt;
	cells[1] = stt ? l->name : "Tổng cộng";
	for (size_t i = 0; i < 6; i++)
		cells[2 + i] = n[i];
	cells[8] = pct;
	final_table_row(doc, &table, cells, stt == NULL);
}

hub_result final_progress(final_doc *doc)
{
	report_progress p;
	hub_result rc;
	char stt[24], day[11], deadline[11], text[1024], done[32], target[32], on_time[32];
	size_t i;

	rc = report_progress_load(doc->db, doc->c, doc->as_of, 0, &p, doc->err, doc->errlen);
	if (rc != HUB_OK)
		return final_fail(doc, rc);
	final_heading(doc, "KẾT QUẢ THỰC HIỆN CHỈ TIÊU THEO ĐỊA BÀN");
	report_vn_date(doc->as_of, day);
	report_vn_date(doc->c->deadline, deadline);
	final_int(p.total.v[SLOT_HANDED_OVER], done, sizeof(done));
	final_int(p.total.target, target, sizeof(target));
	final_int(p.total.on_time, on_time, sizeof(on_time));
	snprintf(text, sizeof(text),
		 "Đến ngày %s, toàn tỉnh đã bàn giao %s/%s căn nhà theo chỉ tiêu được giao, trong đó"
		 " %s căn bàn giao đúng hạn (đến hết ngày %s). Số hộ theo từng huyện, thị xã, thành"
		 " phố (không tính các hộ không được xác nhận):",
		 day, done, target, on_time, deadline);
	final_para(doc, text, FINAL_SIZE, FS_NORMAL, PANGO_ALIGN_LEFT, 4);
	final_table_head(doc, &table);
	for (i = 0; i < p.n; i++) {
		snprintf(stt, sizeof(stt), "%zu", i + 1);
		line(doc, stt, &p.a[i]);
	}
	line(doc, NULL, &p.total);
	doc->y += 6;
	report_progress_release(&p);
	return HUB_OK;
}
