/*
 * final_scorecards.c - section "scorecards against the plan's criteria"
 * of the final report: each district (criteria IV.1.2) and commune
 * (IV.1.3) beside the numbers that back each criterion.
 *
 * NEEDSWORK: the scorecards' loader (hub/report/scorecard.h) is not on this
 * branch yet; until it is, the section is its heading and a line saying the
 * figures are not in this report. Fill it from that loader, as
 * final_progress.c does from the progress report's.
 */
#include "final_int.h"

hub_result final_scorecards(final_doc *doc)
{
	final_heading(doc, "KẾT QUẢ THEO TIÊU CHÍ THI ĐUA");
	final_para(doc, "(Bảng chấm điểm theo tiêu chí chưa có trong báo cáo này.)", FINAL_SIZE,
		   FS_ITALIC, PANGO_ALIGN_LEFT, 6);
	return HUB_OK;
}
