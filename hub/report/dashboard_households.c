/*
 * dashboard_households.c - the province's household browser for a
 * signed-in operator, GET /households?q=&district=&commune=&category=
 * &review=&stage=&timing=&open=1&photo=1&sort=&page= (browse.h asks the
 * database): a form of the filters, how many households match, one page
 * of them (each row links to its household's page, /household?id=ID) and
 * links to the pages before and after. For an operator who may decide,
 * the table sits in the batch form of dashboard_batch.c: a box on each row
 * and the buttons under it. Built by the pages' worker on its
 * read-only connection; Vietnamese, as every page of the dashboard. On a
 * phone the form's fields wrap and the table (one line per household)
 * scrolls sideways by itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "maiam/hlc.h"
#include "maiam/schema.h"
#include "browse.h"
#include "dashboard_batch.h"
#include "dashboard_int.h"

static const char households_style[] =
	"<style>form#filters{display:flex;flex-wrap:wrap;gap:0.4em 1em;max-width:none;"
	"align-items:flex-end;margin:0.8em 0}form#filters label{display:flex;flex-direction:column;"
	"font-size:0.9em;max-width:100%}form#filters input,form#filters select{display:block;"
	"margin:0.2em 0 0;width:auto;max-width:100%}form#filters label.tick{flex-direction:row;"
	"align-items:center;gap:0.3em}#q{min-width:14em}nav#pages a{margin-right:1em}"
	"#households td{white-space:nowrap}form#batch{max-width:none}"
	"#batch-controls{max-width:32em}</style>";

typedef dash_households_ask households_ask;

/* The values of timing= after "any" (HUB_BROWSE_ON_TIME, HUB_BROWSE_LATE). */
static const char *const timing_names[] = { "on_time", "late", NULL };

/* code's index among the first n of codes (n < 0: up to their NULL), or -1. */
static int code_index_n(const char *const *codes, int n, const char *code)
{
	int i;

	for (i = 0; (n < 0 || i < n) && codes[i]; i++)
		if (strcmp(codes[i], code) == 0)
			return i;
	return -1;
}

static int code_index(const char *const *codes, const char *code)
{
	return code_index_n(codes, -1, code);
}

/* A whole number 1..max, or -1. */
static long long whole(const char *s, long long max)
{
	char *end;
	long long v;

	if (!*s)
		return 0;
	v = strtoll(s, &end, 10);
	return *end || v < 1 || v > max ? -1 : v;
}

int dash_households_parse(const hub_dashboard *d, const char *query, households_ask *a)
{
	struct {
		const char *key;
		char *out;
		size_t n;
	} keys[] = {
		{ "q", a->text, sizeof(a->text) },
		{ "district", a->district, sizeof(a->district) },
		{ "commune", a->commune, sizeof(a->commune) },
		{ "category", a->category, sizeof(a->category) },
		{ "review", a->review, sizeof(a->review) },
		{ "stage", a->stage, sizeof(a->stage) },
		{ "timing", a->timing, sizeof(a->timing) },
		{ "open", a->open, sizeof(a->open) },
		{ "photo", a->photo, sizeof(a->photo) },
		{ "sort", a->sort, sizeof(a->sort) },
		{ "page", a->page, sizeof(a->page) },
	};
	const proto_unit *u;
	long long v;
	size_t i;
	int k = 0;

	memset(a, 0, sizeof(*a));
	hub_browse_query_init(&a->q);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		web_result r = web_query_value(query, keys[i].key, keys[i].out, keys[i].n);

		if (r != WEB_OK && r != WEB_ABSENT)
			return -1;
	}
	a->q.text = a->text;
	if ((v = whole(a->district, INT32_MAX)) < 0 ||
	    (v && (!(u = proto_units_find(&d->campaign.units, (int)v)) || u->level != PROTO_UNIT_DISTRICT)))
		return -1;
	a->q.district = (int)v;
	if ((v = whole(a->commune, INT32_MAX)) < 0 ||
	    (v && (!(u = proto_units_find(&d->campaign.units, (int)v)) || u->level != PROTO_UNIT_COMMUNE)))
		return -1;
	a->q.commune = (int)v;
	if (a->category[0] && code_index(proto_list_codes(PROTO_LIST_CATEGORY), a->category) < 0)
		return -1;
	a->q.category = a->category;
	if (a->review[0] && code_index(proto_list_codes(PROTO_LIST_REVIEW_STATUS), a->review) < 0)
		return -1;
	a->q.review = a->review;
	if (a->stage[0] && strcmp(a->stage, "none") == 0)
		a->q.stage = 0;
	else if (a->stage[0] && (k = code_index(proto_stages, a->stage)) >= 0)
		a->q.stage = k + 1;
	else if (a->stage[0])
		return -1;
	if (a->timing[0] && (k = code_index(timing_names, a->timing)) < 0)
		return -1;
	a->q.timing = a->timing[0] ? (hub_browse_timing)(k + 1) : HUB_BROWSE_ANY_TIME;
	if ((a->open[0] && strcmp(a->open, "1") != 0) || (a->photo[0] && strcmp(a->photo, "1") != 0))
		return -1;
	a->q.open_items = a->open[0] != 0;
	a->q.missing_photo = a->photo[0] != 0;
	if (a->sort[0] && (k = code_index_n(hub_browse_sort_names, HUB_BROWSE_NSORTS, a->sort)) < 0)
		return -1;
	a->q.sort = a->sort[0] ? (hub_browse_sort)k : HUB_BROWSE_BY_NAME;
	if ((v = whole(a->page, INT32_MAX)) < 0)
		return -1;
	a->q.page = v ? v : 1;
	return 0;
}

/* s percent-encoded for a query string's value. */
static int append_query_value(proto_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.';

		if (plain ? proto_buf_append_byte(b, *p)
			  : proto_buf_appendf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]))
			return -1;
	}
	return 0;
}

int dash_households_query(proto_buf *b, const households_ask *a, const char *sep)
{
	struct {
		const char *key, *value;
	} keys[] = {
		{ "q", a->text },          { "district", a->district },
		{ "commune", a->commune }, { "category", a->category },
		{ "review", a->review },   { "stage", a->stage },
		{ "timing", a->timing },   { "open", a->open },
		{ "photo", a->photo },     { "sort", a->sort },
	};
	const char *before = "";
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!keys[i].value[0])
			continue;
		if (proto_buf_appendf(b, "%s%s=", before, keys[i].key) ||
		    append_query_value(b, keys[i].value))
			return -1;
		before = sep;
	}
	return 0;
}

/* The address of page 'page' of the same query, HTML-escaped ("&amp;"). */
static int append_page_link(proto_buf *b, const households_ask *a, long long page)
{
	size_t before = b->len;

	if (proto_buf_append_str(b, "/households?") || dash_households_query(b, a, "&amp;"))
		return -1;
	return proto_buf_appendf(b, "%spage=%lld", b->len > before + 12 ? "&amp;" : "", page) ? -1 : 0;
}

/* <option value="code"[ selected]>label</option> */
static int append_option(proto_buf *b, const char *code, const char *label, const char *chosen)
{
	return proto_buf_append_str(b, "<option value=\"") || web_html_escape(b, code) ||
			       proto_buf_appendf(b, "\"%s>", strcmp(code, chosen) == 0 ? " selected" : "") ||
			       web_html_escape(b, label) || proto_buf_append_str(b, "</option>")
		       ? -1
		       : 0;
}

/* A <select> of a campaign list's codes by their labels, "" for any. */
static int append_list_select(proto_buf *b, const proto_campaign *c, const char *key, const char *title,
			      proto_list list, const char *chosen, const char *extra_code,
			      const char *extra_label)
{
	const char *const *codes = proto_list_codes(list);
	int i;

	if (proto_buf_appendf(b, "<label>%s<select id=\"%s\" name=\"%s\">", title, key, key) ||
	    append_option(b, "", "Tất cả", chosen) ||
	    (extra_code && append_option(b, extra_code, extra_label, chosen)))
		return -1;
	for (i = 0; codes[i]; i++) {
		const char *label = proto_label(&c->labels, list, codes[i]);

		if (append_option(b, codes[i], label ? label : codes[i], chosen))
			return -1;
	}
	return proto_buf_append_str(b, "</select></label>") ? -1 : 0;
}

/* A <select> of the campaign's units of one level, "" for any; only those
 * of district scope when it is not 0 (a district operator is not shown the
 * names of other districts and their communes). */
static int append_unit_select(proto_buf *b, const proto_campaign *c, const char *key, const char *title,
			      proto_unit_level level, const char *chosen, int scope)
{
	char code[16];
	size_t i;

	if (proto_buf_appendf(b, "<label>%s<select id=\"%s\" name=\"%s\">", title, key, key) ||
	    append_option(b, "", "Tất cả", chosen))
		return -1;
	for (i = 0; i < c->units.n; i++) {
		if (c->units.a[i].level != level ||
		    (scope &&
		     (level == PROTO_UNIT_DISTRICT ? c->units.a[i].code : c->units.a[i].parent) != scope))
			continue;
		snprintf(code, sizeof(code), "%d", c->units.a[i].code);
		if (append_option(b, code, c->units.a[i].name, chosen))
			return -1;
	}
	return proto_buf_append_str(b, "</select></label>") ? -1 : 0;
}

static int append_form(proto_buf *b, const proto_campaign *c, const households_ask *a, int scope)
{
	static const char *const sort_labels[HUB_BROWSE_NSORTS] = { "Tên chủ hộ", "Mã hộ", "Xã",
								    "Giai đoạn", "Thay đổi gần nhất" };
	int i;

	if (proto_buf_append_str(b, "<form id=\"filters\" method=\"get\" action=\"/households\">"
				    "<label>Tìm (tên, CCCD, mã hộ, ấp; gõ không dấu cũng được)"
				    "<input id=\"q\" name=\"q\" value=\"") ||
	    web_html_escape(b, a->text) || proto_buf_append_str(b, "\"></label>") ||
	    append_unit_select(b, c, "district", "Huyện", PROTO_UNIT_DISTRICT, a->district, scope) ||
	    append_unit_select(b, c, "commune", "Xã", PROTO_UNIT_COMMUNE, a->commune, scope) ||
	    append_list_select(b, c, "category", "Diện hộ", PROTO_LIST_CATEGORY, a->category, NULL, NULL) ||
	    append_list_select(b, c, "review", "Xác nhận của tỉnh", PROTO_LIST_REVIEW_STATUS, a->review,
			       NULL, NULL) ||
	    append_list_select(b, c, "stage", "Giai đoạn đã đạt", PROTO_LIST_STAGE, a->stage, "none",
			       "Chưa có mốc nào") ||
	    proto_buf_append_str(b, "<label>Thời hạn<select id=\"timing\" name=\"timing\">") ||
	    append_option(b, "", "Tất cả", a->timing) ||
	    append_option(b, "on_time", "Bàn giao đúng hạn", a->timing) ||
	    append_option(b, "late", "Trễ hạn", a->timing) ||
	    proto_buf_appendf(b,
			      "</select></label><label class=\"tick\"><input type=\"checkbox\" id=\"open\""
			      " name=\"open\" value=\"1\"%s>Còn mục đối soát</label>"
			      "<label class=\"tick\"><input type=\"checkbox\" id=\"photo\" name=\"photo\""
			      " value=\"1\"%s>Thiếu ảnh</label><label>Sắp xếp theo"
			      "<select id=\"sort\" name=\"sort\">",
			      a->q.open_items ? " checked" : "", a->q.missing_photo ? " checked" : ""))
		return -1;
	for (i = 0; i < HUB_BROWSE_NSORTS; i++)
		if (append_option(b, hub_browse_sort_names[i], sort_labels[i],
				  a->sort[0] ? a->sort : "name"))
			return -1;
	return proto_buf_append_str(b, "</select></label><button id=\"filter-go\" type=\"submit\">Lọc"
				       "</button></form>")
		       ? -1
		       : 0;
}

/* One row of the table. */
typedef struct households_rows {
	proto_buf *b;
	const proto_campaign *c;
	const dash_job *job; /* who looks: a box on each row for who may decide */
	int rows;
} households_rows;

static int cell(proto_buf *b, const char *text)
{
	return proto_buf_append_str(b, "<td>") || web_html_escape(b, text ? text : "") ||
			       proto_buf_append_str(b, "</td>")
		       ? -1
		       : 0;
}

static int list_cell(households_rows *h, proto_list list, const char *code)
{
	const char *label = code ? proto_label(&h->c->labels, list, code) : NULL;

	return cell(h->b, label ? label : code);
}

static int household_row(void *arg, const hub_browse_row *r)
{
	households_rows *h = arg;
	const proto_unit *u = proto_units_find(&h->c->units, (int)r->commune);
	char when[32] = "", date[11] = "";
	time_t t;
	struct tm tm;

	if (r->changed) {
		t = (time_t)(proto_hlc_ms(r->changed) / 1000) + 7 * 3600; /* Vietnam time */
		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%d/%m/%Y %H:%M", &tm);
	}
	if (r->stage_date)
		report_vn_date(r->stage_date, date);
	h->rows++;
	if (proto_buf_appendf(h->b, "<tr%s>", r->withdrawn ? " class=\"late\"" : "") ||
	    dash_batch_checkbox(h->job, r->id, h->b) ||
	    proto_buf_appendf(h->b, "<td><a href=\"/household?id=%016llx-%llu\">",
			      (unsigned long long)r->id.origin, (unsigned long long)r->id.serial) ||
	    web_html_escape(h->b, r->ref ? r->ref : "?") || proto_buf_append_str(h->b, "</a></td>") ||
	    cell(h->b, r->name) || cell(h->b, r->national_id) || cell(h->b, u ? u->name : "") ||
	    cell(h->b, r->hamlet) || list_cell(h, PROTO_LIST_CATEGORY, r->category) ||
	    list_cell(h, PROTO_LIST_REVIEW_STATUS, r->review_status ? r->review_status : "proposed") ||
	    proto_buf_append_str(h->b, "<td>"))
		return -1;
	if (r->stage && (web_html_escape(h->b, proto_label(&h->c->labels, PROTO_LIST_STAGE,
							   proto_stages[r->stage - 1])) ||
			 proto_buf_appendf(h->b, " (%s)", date)))
		return -1;
	if (r->withdrawn && (proto_buf_append_str(h->b, r->stage ? "; đã rút: " : "Đã rút: ") ||
			     web_html_escape(h->b, r->withdrawn)))
		return -1;
	return proto_buf_appendf(h->b, "</td><td>%s</td></tr>", when) ? -1 : 0;
}

static int append_paging(proto_buf *b, const households_ask *a, int64_t total)
{
	int64_t pages = (total + a->q.per_page - 1) / a->q.per_page;

	if (pages < 1)
		pages = 1;
	if (proto_buf_appendf(b, "<nav id=\"pages\"><span>Trang %lld/%lld</span> ", (long long)a->q.page,
			      (long long)pages))
		return -1;
	if (a->q.page > 1 &&
	    (proto_buf_append_str(b, "<a id=\"prev\" href=\"") ||
	     append_page_link(b, a, a->q.page - 1) || proto_buf_append_str(b, "\">Trang trước</a>")))
		return -1;
	if (a->q.page < pages &&
	    (proto_buf_append_str(b, "<a id=\"next\" href=\"") ||
	     append_page_link(b, a, a->q.page + 1) || proto_buf_append_str(b, "\">Trang sau</a>")))
		return -1;
	return proto_buf_append_str(b, "</nav>") ? -1 : 0;
}

/* The page; -1 when the buffer is full or the database failed. */
static int households_page(hub_dashboard *d, sqlite3 *ro, const households_ask *a, const dash_job *job,
			   proto_buf *b)
{
	households_rows rows = { b, &d->campaign, job, 0 };
	char as_of[11], n[32];
	int64_t total = 0;
	int scope = dash_scope_district(job), boxes = dash_may_decide(job);

	hub_report_today(as_of);
	if (report_html_head(b, "Mái Ấm — Danh sách hộ") || proto_buf_append_str(b, households_style) ||
	    proto_buf_append_str(b, "<h1>Danh sách hộ</h1><p>") || web_html_escape(b, d->campaign.name) ||
	    proto_buf_append_str(b, " · <a href=\"/\">Về bảng theo dõi</a></p>") ||
	    append_form(b, &d->campaign, a, scope) || dash_batch_banner(job->query, b))
		return -1;
	/* the count first: the rows go after it, into the same page */
	if (hub_browse(ro, &d->campaign, as_of, scope, &a->q, NULL, NULL, &total) != HUB_OK)
		return -1;
	report_fmt_group(total, n, sizeof(n));
	if (proto_buf_appendf(b, "<p id=\"count\">Tìm thấy <b>%s</b> hộ.</p>", n) ||
	    dash_batch_form_open(d, job, a, b) ||
	    proto_buf_append_str(b, "<div style=\"overflow-x:auto;max-width:100%\"><table id=\"households\">"
				    "<thead><tr>") ||
	    (boxes && proto_buf_append_str(b, "<th>Chọn</th>")) ||
	    proto_buf_append_str(b, "<th>Mã hộ</th><th>Chủ hộ</th><th>CCCD</th><th>Xã</th>"
				    "<th>Ấp</th><th>Diện hộ</th><th>Xác nhận</th><th>Giai đoạn đã đạt</th>"
				    "<th>Thay đổi gần nhất</th></tr></thead><tbody>"))
		return -1;
	if (hub_browse(ro, &d->campaign, as_of, scope, &a->q, household_row, &rows, NULL) != HUB_OK)
		return -1;
	if (!rows.rows && proto_buf_appendf(b, "<tr><td colspan=\"%d\">Không có hộ nào khớp.</td></tr>",
					    boxes ? 10 : 9))
		return -1;
	return proto_buf_append_str(b, "</tbody></table></div>") || dash_batch_form_close(job, total, b) ||
			       append_paging(b, a, total) || proto_buf_append_str(b, "</body></html>\n")
		       ? -1
		       : 0;
}

void dash_households_answer(hub_dashboard *d, sqlite3 *ro, dash_job *job)
{
	households_ask *a = calloc(1, sizeof(*a));

	if (!a) {
		dash_answer_text(job, 503, "hub is out of memory: try again");
		return;
	}
	if (dash_households_parse(d, job->query, a))
		dash_answer_text(job, 400,
				 "use /households?q=TEXT&district=CODE&commune=CODE&category=CODE"
				 "&review=proposed|approved|rejected&stage=STAGE|none&timing=on_time|late"
				 "&open=1&photo=1&sort=name|ref|commune|stage|changed&page=N"
				 " (codes as the campaign file has them; every key may be left out)");
	else
		dash_answer_html(job, 200, households_page(d, ro, a, job, &job->body));
	free(a);
}
