/*
 * report_columns.c - every column the reports show people, defined once:
 * the JSON member it matches, its Vietnamese header and how its cells are
 * drawn. A report lists the columns it shows (report_column), so "Mã" or
 * "Đơn vị" read the same in every report.
 */
#include "report_int.h"

const report_col report_columns[NCOLUMNS] = {
	[COL_CODE] = { "code", "Mã", RT_CODE },
	[COL_NAME] = { "name", "Đơn vị", RT_TEXT },
	[COL_TARGET] = { "target", "Chỉ tiêu", RT_INT },

	[COL_REGISTERED] = { "registered", "Đăng ký", RT_INT },
	/* the province's review, not the stage "approved" (Được duyệt hỗ trợ) */
	[COL_APPROVED] = { "approved", "Đã xác nhận", RT_INT },
	[COL_STARTED] = { "started", "Khởi công", RT_INT },
	[COL_COMPLETED] = { "completed", "Hoàn thành", RT_INT },
	[COL_HANDED_OVER] = { "handed_over", "Bàn giao", RT_INT },
	[COL_PERCENT] = { "percent", "Tỷ lệ", RT_PCT },
	[COL_ON_TRACK] = { "on_track", "Đúng tiến độ", RT_BOOL },

	[COL_HANDED_OVER_ON_TIME] = { "handed_over_on_time", "Bàn giao đúng hạn", RT_INT },
	[COL_MET_TARGET_ON_TIME] = { "met_target_on_time", "Đạt 100% đúng hạn", RT_BOOL },
	[COL_COLLECTIVES] = { "collectives", "Tập thể", RT_INT },
	[COL_INDIVIDUALS] = { "individuals", "Cá nhân", RT_INT },
	[COL_RULE] = { "rule", "Quy tắc áp dụng", RT_TEXT },

	[COL_SOURCE] = { "source", "Nguồn", RT_TEXT },
	[COL_CONTRIBUTIONS] = { "contributions", "Số lượt", RT_INT },
	[COL_MONEY] = { "money_vnd", "Tiền", RT_MONEY },
	[COL_LABOUR_DAYS] = { "labour_days", "Ngày công", RT_INT },
	[COL_MATERIALS] = { "materials", "Vật tư (lượt)", RT_INT },
	[COL_MATERIAL_VALUE] = { "material_value_vnd", "Giá trị vật tư", RT_MONEY },

	[COL_ITEM_ID] = { "id", "Mã mục", RT_TEXT },
	[COL_ITEM_KIND] = { "kind", "Loại", RT_TEXT },
	[COL_ITEM_SUBJECT] = { "subject", "Đối tượng", RT_TEXT },
	[COL_ITEM_DETAIL] = { "detail", "Chi tiết", RT_TEXT },
	[COL_ITEM_STATUS] = { "status", "Trạng thái", RT_TEXT },
};
