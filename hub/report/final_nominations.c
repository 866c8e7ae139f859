/*
 * final_nominations.c - section "nominations within the quotas" of the
 * final report: the nominations proposed for the Bằng khen of the
 * provincial People's Committee, as a table, unit by unit.
 *
 * NEEDSWORK: the nominations' loader (hub/report/award.h) is not on this
 * branch yet; until it is, the section is its heading and a line saying the
 * nominations are not in this report. Fill it from that loader, as
 * final_awards.c does from the awards report's grid.
 */
#include "final_int.h"

hub_result final_nominations(final_doc *doc)
{
	final_heading(doc, "ĐỀ NGHỊ KHEN THƯỞNG");
	final_para(doc, "(Danh sách đề nghị khen thưởng chưa có trong báo cáo này.)", FINAL_SIZE,
		   FS_ITALIC, PANGO_ALIGN_LEFT, 6);
	return HUB_OK;
}
