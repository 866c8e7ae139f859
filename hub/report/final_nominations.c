/*
 * final_nominations.c - section "nominations within the quotas" of the
 * final report: the nominations for the Bằng khen of the provincial
 * People's Committee as award_list_load reads them from the ledger's
 * decisions (the same list as 'maiam-hub award list'), unit by unit in the
 * campaign's order, then each unit's places used against its quota.
 *
 * A returned nomination is not proposed any more and holds no place in the
 * quota: it is not in the table; a line under it counts the returned ones,
 * so that the reader knows the appraisal sent some back.
 */
#include <stdio.h>
#include <string.h>
#include "award.h"
#include "final_int.h"

static const final_col nominee_columns[] = {
	{ "STT", 0.06, '|' },
	{ "Đơn vị đề nghị", 0.20, '<' },
	{ "Tập thể / cá nhân", 0.10, '|' },
	{ "Tên tập thể, họ tên cá nhân", 0.20, '<' },
	{ "Chức vụ", 0.15, '<' },
	{ "Thẩm định", 0.18, '|' },
	{ "Tiêu chí 3.1.a", 0.11, '|' },
};
static const final_table nominee_table = { ARRAY_SIZE(nominee_columns), nominee_columns };

static const final_col quota_columns[] = {
	{ "STT", 0.06, '|' },
	{ "Đơn vị đề nghị", 0.42, '<' },
	{ "Tập thể (đã đề nghị / được đề xuất)", 0.26, '|' },
	{ "Cá nhân (đã đề nghị / được đề xuất)", 0.26, '|' },
};
static const final_table quota_table = { ARRAY_SIZE(quota_columns), quota_columns };

/* The status words of the workspace's /awards page (award_page.c). */
static const char *const status_words[] = { "Chờ thẩm định", "Đã chấp nhận", "Đã trả lại" };

/* The nominating units in the report's order: each district of the
 * campaign's targets, then the province's two groups. */
static size_t unit_count(const proto_campaign *c)
{
	return c->ntargets + 2;
}

static const char *unit_at(const proto_campaign *c, size_t i, char buf[16])
{
	if (i == c->ntargets)
		return AWARD_PROVINCE;
	if (i == c->ntargets + 1)
		return AWARD_WORKING_GROUP;
	snprintf(buf, 16, "%d", c->targets[i].district);
	return buf;
}

static void nominee_line(final_doc *doc, const award_nomination *a, size_t number)
{
	char stt[24];
	const char *cells[ARRAY_SIZE(nominee_columns)];

	snprintf(stt, sizeof(stt), "%zu", number);
	cells[0] = stt;
	cells[1] = award_unit_name(doc->c, a->unit, REPORT_VI);
	cells[2] = a->individual ? "Cá nhân" : "Tập thể";
	cells[3] = a->name;
	cells[4] = a->position;
	cells[5] = status_words[a->status];
	cells[6] = a->flagged ? "Chưa đạt" : NULL;
	final_table_row(doc, &nominee_table, cells, 0);
}

/* The table of the nominations still proposed or accepted: how many;
 * *flagged: how many of them carry the 3.1.a flag. */
static size_t nominees(final_doc *doc, const award_list *l, size_t *flagged)
{
	char buf[16];
	size_t u, i, shown = 0;

	for (u = 0; u < unit_count(doc->c); u++) {
		const char *unit = unit_at(doc->c, u, buf);

		for (i = 0; i < l->n; i++) {
			if (l->a[i].status == AWARD_RETURNED || strcmp(l->a[i].unit, unit) != 0)
				continue;
			if (!shown)
				final_table_head(doc, &nominee_table);
			nominee_line(doc, &l->a[i], ++shown);
			*flagged += l->a[i].flagged;
		}
	}
	return shown;
}

static void quotas(final_doc *doc, const award_list *l)
{
	char buf[16], stt[24], kinds[2][48];
	const char *cells[ARRAY_SIZE(quota_columns)];
	size_t u, k;

	final_intro(doc, "Số đề nghị so với số lượng được đề xuất của từng đơn vị:");
	final_table_head(doc, &quota_table);
	for (u = 0; u < unit_count(doc->c); u++) {
		const char *unit = unit_at(doc->c, u, buf);

		for (k = 0; k < 2; k++) {
			int used = award_places_used(l, unit, k == 1),
			    quota = award_quota(doc->c, unit, k == 1);

			/* the working group proposes no collective: nothing to count */
			if (used || quota)
				snprintf(kinds[k], sizeof(kinds[k]), "%d / %d", used, quota);
			else
				snprintf(kinds[k], sizeof(kinds[k]), "-");
		}
		snprintf(stt, sizeof(stt), "%zu", u + 1);
		cells[0] = stt;
		cells[1] = award_unit_name(doc->c, unit, REPORT_VI);
		cells[2] = kinds[0];
		cells[3] = kinds[1];
		final_table_row(doc, &quota_table, cells, 0);
	}
}

hub_result final_nominations(final_doc *doc)
{
	award_list l;
	hub_result rc;
	char text[256];
	size_t i, returned = 0, flagged = 0;

	rc = award_list_load(doc->db, doc->c, NULL, &l, doc->err, doc->errlen);
	if (rc != HUB_OK)
		return final_fail(doc, rc);
	final_heading(doc, "ĐỀ NGHỊ KHEN THƯỞNG");
	final_intro(doc, "Danh sách đề nghị Bằng khen của UBND tỉnh trong số lượng được đề xuất:");
	if (!nominees(doc, &l, &flagged))
		final_para(doc, "Chưa có đơn vị nào đề nghị khen thưởng.", FINAL_SIZE, FS_ITALIC,
			   PANGO_ALIGN_LEFT, 0);
	if (flagged) {
		/* the flag informs the appraisal, which decides (IV.4) */
		doc->y += 4;
		final_para(doc,
			   "Tiêu chí 3.1.a \"Chưa đạt\": tập thể thuộc huyện chưa hoàn thành 100% chỉ"
			   " tiêu đúng hạn; cơ quan thẩm định xem xét, quyết định.",
			   FINAL_SIZE, FS_ITALIC, PANGO_ALIGN_LEFT, 0);
	}
	for (i = 0; i < l.n; i++)
		returned += l.a[i].status == AWARD_RETURNED;
	if (returned) {
		snprintf(text, sizeof(text),
			 "Ngoài ra có %zu đề nghị đã bị trả lại sau thẩm định, không còn trong danh sách và"
			 " không tính vào số lượng được đề xuất.",
			 returned);
		doc->y += 4;
		final_para(doc, text, FINAL_SIZE, FS_ITALIC, PANGO_ALIGN_LEFT, 0);
	}
	doc->y += 8;
	quotas(doc, &l);
	doc->y += 6;
	award_list_release(&l);
	return HUB_OK;
}
