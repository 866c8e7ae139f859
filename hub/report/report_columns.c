/*
 * report_columns.c - every column the reports show people, defined once:
 * the JSON member it matches, its Vietnamese header (the documents: CSV
 * and HTML), its English header (the table, in the operator's language)
 * and how its cells are drawn. A report lists the columns it shows
 * (report_column), so "Mã" or "Đơn vị" read the same in every report.
 */
#include "report_int.h"

const report_col report_columns[NCOLUMNS] = {
	[COL_CODE] = { "code", "Mã", N_("Code"), RT_CODE },
	[COL_NAME] = { "name", "Đơn vị", N_("Unit"), RT_TEXT },
	[COL_TARGET] = { "target", "Chỉ tiêu", N_("Target"), RT_INT },

	[COL_REGISTERED] = { "registered", "Đăng ký", N_("Registered"), RT_INT },
	/* the province's review, not the stage "approved" (Được duyệt hỗ trợ) */
	[COL_APPROVED] = { "approved", "Đã xác nhận", N_("Confirmed by the province"), RT_INT },
	[COL_STARTED] = { "started", "Khởi công", N_("Started"), RT_INT },
	[COL_COMPLETED] = { "completed", "Hoàn thành", N_("Completed"), RT_INT },
	[COL_HANDED_OVER] = { "handed_over", "Bàn giao", N_("Handed over"), RT_INT },
	[COL_PERCENT] = { "percent", "Tỷ lệ", N_("Percent"), RT_PCT },
	[COL_ON_TRACK] = { "on_track", "Đúng tiến độ", N_("On track"), RT_BOOL },

	[COL_HANDED_OVER_ON_TIME] = { "handed_over_on_time", "Bàn giao đúng hạn",
				      N_("Handed over on time"), RT_INT },
	/* xgettext:no-c-format */
	[COL_MET_TARGET_ON_TIME] = { "met_target_on_time", "Đạt 100% đúng hạn", N_("100% on time"),
				     RT_BOOL },
	[COL_COLLECTIVES] = { "collectives", "Tập thể", N_("Collectives"), RT_INT },
	[COL_INDIVIDUALS] = { "individuals", "Cá nhân", N_("Individuals"), RT_INT },
	[COL_RULE] = { "rule", "Quy tắc áp dụng", N_("Rule applied"), RT_TEXT },

	[COL_SOURCE] = { "source", "Nguồn", N_("Source"), RT_TEXT },
	[COL_CONTRIBUTIONS] = { "contributions", "Số lượt", N_("Contributions"), RT_INT },
	[COL_MONEY] = { "money_vnd", "Tiền", N_("Money"), RT_MONEY },
	[COL_LABOUR_DAYS] = { "labour_days", "Ngày công", N_("Labour days"), RT_INT },
	[COL_MATERIALS] = { "materials", "Vật tư (lượt)", N_("Materials (count)"), RT_INT },
	[COL_MATERIAL_VALUE] = { "material_value_vnd", "Giá trị vật tư", N_("Material value"), RT_MONEY },

	[COL_ITEM_ID] = { "id", "Mã mục", N_("Item"), RT_TEXT },
	[COL_ITEM_KIND] = { "kind", "Loại", N_("Kind"), RT_TEXT },
	[COL_ITEM_SUBJECT] = { "subject", "Đối tượng", N_("Subject"), RT_TEXT },
	[COL_ITEM_DETAIL] = { "detail", "Chi tiết", N_("Detail"), RT_TEXT },
	[COL_ITEM_STATUS] = { "status", "Trạng thái", N_("Status"), RT_TEXT },

	[COL_CRITERION] = { "criterion", "Tiêu chí", N_("Criterion"), RT_TEXT },
	[COL_FIGURES] = { "numbers", "Số liệu", N_("Figures"), RT_TEXT },
	[COL_MET] = { "met", "Đạt", N_("Met"), RT_BOOL },
};
