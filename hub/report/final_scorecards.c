/*
 * final_scorecards.c - section "scorecards against the plan's criteria"
 * of the final report: the scorecards' loader (report_scorecard_load) and
 * their criteria (scorecard_criteria), so every figure is the one
 * 'maiam-hub report scorecard' gives for the date. Each district gets a
 * line with its target and its on-time hand-overs, then a table of the
 * criteria of IV.1.2 in the plan's words beside their numbers; its
 * communes (IV.1.3) follow summarised in one table, a line each, so that
 * a province of a hundred communes stays a few pages.
 */
#include <stdio.h>
#include <string.h>
#include "final_int.h"
#include "scorecard.h"

static const final_col criteria_columns[] = {
	{ "Tiêu chí (mục IV.1.2 của Kế hoạch)", 0.46, '<' },
	{ "Số liệu", 0.40, '<' },
	{ "Đánh giá", 0.14, '|' },
};
static const final_table criteria_table = { ARRAY_SIZE(criteria_columns), criteria_columns };

static const final_col commune_columns[] = {
	{ "STT", 0.06, '|' },
	{ "Xã, phường, thị trấn", 0.25, '<' },
	{ "Chỉ tiêu", 0.12, '>' },
	{ "Bàn giao", 0.10, '>' },
	{ "Bàn giao đúng hạn", 0.11, '>' },
	{ "Tiêu chí (1)", 0.11, '|' },
	{ "Tiêu chí (2)", 0.11, '|' },
	{ "Việc đối soát chưa xử lý", 0.14, '>' },
};
static const final_table commune_table = { ARRAY_SIZE(commune_columns), commune_columns };

/* What the numbers say of a criterion (scorecard_criterion.met). */
static const char *verdict(int met)
{
	return met > 0 ? "Đạt" : met == 0 ? "Chưa đạt" : "Ban Chỉ đạo đánh giá";
}

static void district_criteria(final_doc *doc, const report_scorecard *s, const scorecard_unit *u,
			      size_t number)
{
	scorecard_criterion k[SCORECARD_MAX_CRITERIA];
	char line[512], target[32], handed[32], on_time[32], criterion[1024];
	const char *cells[ARRAY_SIZE(criteria_columns)];
	size_t i, n = scorecard_criteria(doc->c, s, u, REPORT_VI, k);

	final_int(u->target < 0 ? 0 : u->target, target, sizeof(target));
	final_int(u->handed_over, handed, sizeof(handed));
	final_int(u->on_time, on_time, sizeof(on_time));
	/* the unit's lines are never the last of a page: its table follows */
	final_need(doc, 4 * FINAL_SIZE + 6 * FINAL_TABLE_SIZE + 24);
	snprintf(line, sizeof(line), "%zu. %s", number, u->name);
	final_para(doc, line, FINAL_SIZE, FS_BOLD, PANGO_ALIGN_LEFT, 2);
	snprintf(line, sizeof(line), "Chỉ tiêu %s căn; đã bàn giao %s, đúng hạn %s.", target, handed,
		 on_time);
	final_para(doc, line, FINAL_SIZE, FS_NORMAL, PANGO_ALIGN_LEFT, 4);
	final_table_head(doc, &criteria_table);
	for (i = 0; i < n; i++) {
		/* "(1) Phần đầu ...": the criterion's number in IV.1.2, its words */
		snprintf(criterion, sizeof(criterion), "%s %s",
			 strchr(k[i].ref, '(') ? strchr(k[i].ref, '(') : k[i].ref, k[i].text);
		cells[0] = criterion;
		cells[1] = k[i].numbers;
		cells[2] = verdict(k[i].met);
		final_table_row(doc, &criteria_table, cells, 0);
	}
	doc->y += 6;
}

static void commune_line(final_doc *doc, const report_scorecard *s, const scorecard_unit *u, size_t number)
{
	scorecard_criterion k[SCORECARD_MAX_CRITERIA];
	char stt[24], n[4][32];
	const char *cells[ARRAY_SIZE(commune_columns)];

	scorecard_criteria(doc->c, s, u, REPORT_VI, k);
	snprintf(stt, sizeof(stt), "%zu", number);
	if (u->target < 0)
		snprintf(n[0], sizeof(n[0]), "Chưa giao");
	else
		final_int(u->target, n[0], sizeof(n[0]));
	final_int(u->handed_over, n[1], sizeof(n[1]));
	final_int(u->on_time, n[2], sizeof(n[2]));
	final_int(u->open_items, n[3], sizeof(n[3]));
	cells[0] = stt;
	cells[1] = u->name;
	cells[2] = n[0];
	cells[3] = n[1];
	cells[4] = n[2];
	/* a commune without a target is not judged on it: the cell stays empty */
	cells[5] = k[0].met < 0 ? NULL : verdict(k[0].met);
	cells[6] = verdict(k[1].met);
	cells[7] = n[3];
	final_table_row(doc, &commune_table, cells, 0);
}

/* Has a commune anything to judge: a target, a household, an open item or
 * a contribution? A commune without any would read "met" on criterion (2)
 * for want of households: it is counted, not listed. */
static int active(const scorecard_unit *u)
{
	return u->target >= 0 || u->registered || u->rejected || u->open_items || u->fund.n;
}

/* The communes of the district at units[d], which follow it in s. */
static void communes(final_doc *doc, const report_scorecard *s, size_t d)
{
	char text[256];
	size_t i, shown = 0, idle = 0;

	for (i = d + 1; i < s->n && s->units[i].commune; i++) {
		if (!active(&s->units[i])) {
			idle++;
			continue;
		}
		if (!shown++) {
			final_intro(doc, "Các xã, phường, thị trấn (tiêu chí mục IV.1.3 của Kế hoạch):");
			final_table_head(doc, &commune_table);
		}
		commune_line(doc, s, &s->units[i], shown);
	}
	if (idle) {
		snprintf(text, sizeof(text),
			 shown ? "Còn %zu xã, phường, thị trấn chưa được giao chỉ tiêu, chưa có hộ đăng ký."
			       : "Cả %zu xã, phường, thị trấn chưa được giao chỉ tiêu, chưa có hộ đăng ký.",
			 idle);
		doc->y += 2;
		final_para(doc, text, FINAL_SIZE, FS_ITALIC, PANGO_ALIGN_LEFT, 0);
	}
	doc->y += 10;
}

hub_result final_scorecards(final_doc *doc)
{
	report_scorecard s;
	hub_result rc;
	char day[11], text[1024];
	size_t i, districts = 0;

	rc = report_scorecard_load(doc->db, doc->c, doc->as_of, 0, &s, doc->err, doc->errlen);
	if (rc != HUB_OK)
		return final_fail(doc, rc);
	final_heading(doc, "KẾT QUẢ THEO TIÊU CHÍ THI ĐUA");
	report_vn_date(doc->as_of, day);
	snprintf(text, sizeof(text),
		 "Đánh giá từng huyện, thị xã, thành phố theo tiêu chí mục IV.1.2 và từng xã, phường,"
		 " thị trấn theo tiêu chí mục IV.1.3 của Kế hoạch, theo số liệu đến ngày %s. \"Đạt\","
		 " \"Chưa đạt\" là những gì số liệu cho thấy; tiêu chí số liệu không thể hiện được do"
		 " Ban Chỉ đạo đánh giá. Tiêu chí (1): hoàn thành 100%% chỉ tiêu đúng tiến độ; tiêu chí"
		 " (2): lựa chọn hộ đúng đối tượng.",
		 day);
	final_para(doc, text, FINAL_SIZE, FS_NORMAL, PANGO_ALIGN_LEFT, 6);
	for (i = 0; i < s.n; i++) {
		if (s.units[i].commune)
			continue;
		district_criteria(doc, &s, &s.units[i], ++districts);
		communes(doc, &s, i);
	}
	report_scorecard_free(&s);
	return HUB_OK;
}
