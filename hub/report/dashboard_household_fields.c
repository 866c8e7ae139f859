/*
 * dashboard_household_fields.c - the household page's record: every stored
 * field under the titles 'maiam-hub household show' gives them in
 * Vietnamese, codes as the campaign's labels; then its milestones by date
 * and its contributions, a voided one struck through with the reason it
 * was voided (nothing is deleted, so the page shows it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/schema.h"
#include "maiam/text.h"
#include "store.h"
#include "dashboard_household.h"

/* The fields' titles by field number: the words of 'household show' in
 * Vietnamese (hub/po/vi.po), which are the laptop's forms' words. A column
 * without one shows its own name. */
static const char *const field_titles[PROTO_HH_NFIELDS + 1] = {
	[PROTO_HH_REF] = "Mã",
	[PROTO_HH_NAME] = "Chủ hộ",
	[PROTO_HH_NATIONAL_ID] = "Số CCCD",
	[PROTO_HH_COMMUNE] = "Xã",
	[PROTO_HH_HAMLET] = "Ấp",
	[PROTO_HH_ADDRESS] = "Địa chỉ",
	[PROTO_HH_MEMBERS] = "Số nhân khẩu",
	[PROTO_HH_CATEGORY] = "Diện hộ",
	[PROTO_HH_LAND_STATUS] = "Tình trạng đất",
	[PROTO_HH_CONDITION] = "Hiện trạng nhà",
	[PROTO_HH_PHONE] = "Điện thoại",
	[PROTO_HH_NOTE] = "Ghi chú",
	[PROTO_HH_SUPPORT_KIND] = "Hình thức hỗ trợ",
	[PROTO_HH_REVIEW_STATUS] = "Xác nhận của tỉnh",
	[PROTO_HH_REVIEW_REASON] = "Lý do của tỉnh",
	[PROTO_HH_WITHDRAWN] = "Lý do rút",
};

const char *dash_hh_field_title(const char *column)
{
	const proto_field_desc *f = proto_field_by_name(PROTO_KIND_HOUSEHOLD, column);

	return f && f->field <= PROTO_HH_NFIELDS && field_titles[f->field] ? field_titles[f->field]
									   : column;
}

typedef struct fields_walk {
	hub_dashboard *d;
	household_info *h;
	proto_buf rows;
	int failed;
} fields_walk;

static void keep_column(char *out, size_t n, const char *value)
{
	snprintf(out, n, "%s", value ? value : "");
}

/* One stored column: what the page needs of it into h, its row into rows. */
static void field_row(void *arg, const char *name, const char *value)
{
	fields_walk *w = arg;
	const proto_field_desc *f = proto_field_by_name(PROTO_KIND_HOUSEHOLD, name);
	household_info *h = w->h;
	const char *shown = value;
	char commune[320];
	proto_list list;

	if (strcmp(name, "name") == 0)
		keep_column(h->name, sizeof(h->name), value);
	else if (strcmp(name, "ref") == 0)
		keep_column(h->ref, sizeof(h->ref), value);
	else if (strcmp(name, "hamlet") == 0)
		keep_column(h->hamlet, sizeof(h->hamlet), value);
	else if (strcmp(name, "review_status") == 0)
		keep_column(h->review, sizeof(h->review), value);
	else if (strcmp(name, "withdrawn") == 0 && value) {
		h->has_withdrawn = 1;
		keep_column(h->withdrawn, sizeof(h->withdrawn), value);
	}
	if (f && f->field == PROTO_HH_REVIEW_STATUS && !value)
		shown = "proposed"; /* no decision yet */
	if (strcmp(name, "commune") == 0 && value) {
		const char *unit;

		h->commune = (int)strtol(value, NULL, 10);
		unit = dash_hh_unit_name(&w->d->campaign, h->commune);
		snprintf(commune, sizeof(commune), "%s (%s)", unit ? unit : "?", value);
		shown = commune;
	} else if (shown && f && proto_list_of(PROTO_KIND_HOUSEHOLD, f->field, &list)) {
		shown = dash_hh_label(&w->d->campaign, list, shown);
	}
	if (proto_buf_appendf(&w->rows, "<tr id=\"f-%s\"><th>", f ? f->column : "x") ||
	    web_html_escape(&w->rows, dash_hh_field_title(name)) ||
	    proto_buf_append_str(&w->rows, "</th><td>") ||
	    web_html_escape(&w->rows, shown ? shown : "—") || proto_buf_append_str(&w->rows, "</td></tr>"))
		w->failed = 1;
}

int dash_hh_fields(hub_dashboard *d, sqlite3 *db, proto_id id, household_info *h, proto_buf *b)
{
	fields_walk w = { .d = d, .h = h };
	char hid[48];
	bool found = false;
	int rc = -1;

	proto_buf_init(&w.rows, b->max);
	dash_hh_id(id, hid);
	if (hub_household_show(db, id, field_row, &w, &found) != HUB_OK || !found || w.failed)
		goto out;
	if (proto_buf_append_str(b, "<h1 id=\"hh-name\">Hộ ") ||
	    web_html_escape(b, h->name[0] ? h->name : hid) ||
	    proto_buf_appendf(b,
			      "</h1><nav id=\"jump\">Đi tới: <a href=\"#decide\">Xác nhận</a> · <a"
			      " href=\"#milestones\">Mốc tiến độ</a> · <a href=\"#contributions\">Đóng"
			      " góp</a> · <a href=\"#photos\">Ảnh</a> · <a href=\"#reconcile\">Đối"
			      " soát</a> · <a href=\"#history\">Lịch sử</a></nav>"
			      "<div class=\"top\"><section><h2 id=\"fields\">Thông tin hộ</h2>"
			      "<div class=\"wide\"><table id=\"household\"><tbody><tr><th>Mã đầy"
			      " đủ</th><td>%s</td></tr>",
			      hid) ||
	    proto_buf_append(b, w.rows.data, w.rows.len) ||
	    proto_buf_append_str(b, "</tbody></table></div></section>"))
		goto out;
	rc = 0;
out:
	proto_buf_release(&w.rows);
	return rc;
}

/* ---- milestones and contributions ----------------------------------------- */

typedef struct events_walk {
	hub_dashboard *d;
	proto_buf *b;
	size_t milestones, contributions;
	int failed;
} events_walk;

/* "1.200.000 đ" */
static void money(int64_t v, char *out, size_t n)
{
	char digits[32];

	proto_amount_show(v, '.', digits, sizeof(digits));
	snprintf(out, n, "%s đ", digits);
}

static const char milestones_head[] =
	"<h2 id=\"milestones\">Các mốc tiến độ</h2><div class=\"wide\"><table id=\"timeline\" class=\"cards\">"
	"<thead><tr><th>Ngày</th><th>Mốc</th><th>Ghi chú</th><th>Mã mốc</th></tr></thead><tbody>";
static const char contributions_head[] =
	"<h2 id=\"contributions\">Đóng góp</h2><div class=\"wide\"><table id=\"contribs\" class=\"cards\">"
	"<thead><tr><th>Ngày</th><th>Nguồn</th><th>Người, đơn vị góp</th><th class=\"n\">Tiền</th>"
	"<th class=\"n\">Ngày công</th><th>Vật liệu</th><th>Mã</th></tr></thead><tbody>";

/* The row's start: struck through when voided. */
static int row_start(proto_buf *b, const hub_event_row *e, const char *hid)
{
	return proto_buf_appendf(b, "<tr id=\"e-%s\"%s><td>", hid, e->voided ? " class=\"void\"" : "");
}

/* The row's end: its id, and why it was voided (not struck: it is the
 * reason, read in full). */
static int row_end(proto_buf *b, const hub_event_row *e, const char *hid, int columns)
{
	if (proto_buf_appendf(b, "</td><td data-l=\"Mã\"><code>%s</code></td></tr>", hid))
		return -1;
	if (!e->voided)
		return 0;
	return proto_buf_appendf(b, "<tr class=\"why\"><td colspan=\"%d\">Đã hủy mục trên, lý do: ",
				 columns) ||
			       web_html_escape(b, e->void_reason ? e->void_reason : "không ghi") ||
			       proto_buf_append_str(b, "</td></tr>")
		       ? -1
		       : 0;
}

static int milestone_row(events_walk *w, const hub_event_row *e, const char *date, const char *hid)
{
	proto_buf *b = w->b;

	if (!w->milestones++ && proto_buf_append_str(b, milestones_head))
		return -1;
	if (row_start(b, e, hid) || proto_buf_appendf(b, "%s</td><td>", date) ||
	    web_html_escape(b, dash_hh_label(&w->d->campaign, PROTO_LIST_STAGE, e->stage)) ||
	    proto_buf_append_str(b, "</td><td data-l=\"Ghi chú\">") ||
	    web_html_escape(b, e->note ? e->note : "") ||
	    (e->forced && (proto_buf_append_str(b, " <i>(ghi sai thứ tự: ") ||
			   web_html_escape(b, e->forced) || proto_buf_append_str(b, ")</i>"))))
		return -1;
	return row_end(b, e, hid, 4);
}

static int contribution_row(events_walk *w, const hub_event_row *e, const char *date, const char *hid)
{
	proto_buf *b = w->b;
	char amount[48] = "", value[48];

	if (!w->milestones && !w->contributions &&
	    proto_buf_append_str(b, "<h2 id=\"milestones\">Các mốc tiến độ</h2>"
				    "<p>Chưa ghi mốc nào.</p>"))
		return -1;
	if (w->milestones && !w->contributions && proto_buf_append_str(b, "</tbody></table></div>"))
		return -1;
	if (!w->contributions++ && proto_buf_append_str(b, contributions_head))
		return -1;
	if (e->has_money && e->money)
		money(e->money, amount, sizeof(amount));
	if (row_start(b, e, hid) || proto_buf_appendf(b, "%s</td><td>", date) ||
	    web_html_escape(b, dash_hh_label(&w->d->campaign, PROTO_LIST_SOURCE, e->source)) ||
	    proto_buf_append_str(b, "</td><td>") || web_html_escape(b, e->donor ? e->donor : "") ||
	    proto_buf_appendf(b,
			      "</td><td class=\"n\" data-l=\"Tiền\">%s</td><td class=\"n\""
			      " data-l=\"Ngày công\">",
			      amount) ||
	    (e->has_labour_days && e->labour_days &&
	     proto_buf_appendf(b, "%lld", (long long)e->labour_days)) ||
	    proto_buf_append_str(b, "</td><td data-l=\"Vật liệu\">") ||
	    web_html_escape(b, e->material ? e->material : ""))
		return -1;
	if (e->has_material_value && e->material_value) {
		money(e->material_value, value, sizeof(value));
		if (proto_buf_appendf(b, " (%s)", value))
			return -1;
	}
	if (e->note && (proto_buf_append_str(b, "<br><i>") || web_html_escape(b, e->note) ||
			proto_buf_append_str(b, "</i>")))
		return -1;
	return row_end(b, e, hid, 7);
}

static int event_row(void *arg, const hub_event_row *e)
{
	events_walk *w = arg;
	char hid[48], date[16];

	dash_hh_id(e->id, hid);
	proto_date_show(e->date ? e->date : "-", PROTO_DATES_VN, date, sizeof(date));
	if ((e->kind == PROTO_KIND_MILESTONE ? milestone_row(w, e, date, hid)
					     : contribution_row(w, e, date, hid)) != 0) {
		w->failed = 1;
		return 1;
	}
	return 0;
}

int dash_hh_events(hub_dashboard *d, sqlite3 *db, proto_id id, proto_buf *b)
{
	events_walk w = { .d = d, .b = b };

	if (hub_household_events(db, id, event_row, &w) != HUB_OK || w.failed)
		return -1;
	if (!w.milestones && !w.contributions)
		return proto_buf_append_str(b, "<h2 id=\"milestones\">Các mốc tiến độ</h2><p>Chưa ghi mốc"
					       " nào.</p><h2 id=\"contributions\">Đóng góp</h2>"
					       "<p>Chưa có đóng góp nào.</p>")
			       ? -1
			       : 0;
	if (!w.contributions)
		return proto_buf_append_str(b, "</tbody></table></div><h2 id=\"contributions\">Đóng"
					       " góp</h2><p>Chưa có đóng góp nào.</p>")
			       ? -1
			       : 0;
	return proto_buf_append_str(b, "</tbody></table></div>") ? -1 : 0;
}
