/*
 * dashboard_pages.c - what the dashboard's worker threads build: the sign-in
 * page, the throttled sign-in page, the operators' page as of a date (the
 * charts of chart_svg.c, the progress table, awards, the reconcile queue's
 * counts and newest items, downloads, the "Tìm hộ" form) and a district's
 * page (its line over time, its communes linking to their households),
 * report downloads, sign-in and sign-out, and which page a job gets. Nothing here touches evhttp: a job comes in parsed and leaves
 * with its status, headers and body filled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>
#include "hub.h"
#include "dashboard_int.h"
#include "metrics.h"
#include "dashboard_batch.h"
#include "dashboard_reconcile.h"
#include "dashboard_read_audit.h"
#include "dashboard_targets.h"
#include "chart.h"
#include "xlsx.h"

/* a chart or table wider than a phone scrolls by itself, not the page */
#define WIDE "<div style=\"overflow-x:auto;max-width:100%\">"

void dash_answer_text(dash_job *job, int status, const char *msg)
{
	proto_buf_reset(&job->body);
	job->status = status;
	job->ctype = "text/plain; charset=utf-8";
	if (proto_buf_appendf(&job->body, "%s\n", msg))
		proto_buf_reset(&job->body);
}

void dash_answer_html(dash_job *job, int status, int built)
{
	if (built != 0) {
		dash_answer_text(job, 500, "cannot build the page: see the hub's log");
		return;
	}
	job->status = status;
	job->ctype = "text/html; charset=utf-8";
}

int dash_login_page(hub_dashboard *d, proto_buf *b, const char *error)
{
	if (report_html_head(b, "Mái Ấm — Đăng nhập") || proto_buf_append_str(b, "<h1>Mái Ấm</h1><p>") ||
	    web_html_escape(b, d->campaign.name) ||
	    proto_buf_append_str(b, "</p><h2>Đăng nhập dành cho cán bộ vận hành</h2>"))
		return -1;
	if (error && (proto_buf_append_str(b, "<p class=\"err\" id=\"error\">") ||
		      web_html_escape(b, error) || proto_buf_append_str(b, "</p>")))
		return -1;
	return proto_buf_append_str(b, "<form method=\"post\" action=\"/login\">"
				       "<label for=\"name\">Tên đăng nhập</label>"
				       "<input id=\"name\" name=\"name\" autocomplete=\"username\" required>"
				       "<label for=\"password\">Mật khẩu</label>"
				       "<input id=\"password\" name=\"password\" type=\"password\""
				       " autocomplete=\"current-password\" required>"
				       "<button id=\"submit\" type=\"submit\">Đăng nhập</button></form>"
				       "</body></html>\n")
		       ? -1
		       : 0;
}

int dash_throttled_page(hub_dashboard *d, proto_buf *b, int64_t wait)
{
	time_t at = time(NULL) + (time_t)wait + 7 * 3600; /* Vietnam time, UTC+7 */
	struct tm tm;
	char when[64];

	if (!gmtime_r(&at, &tm) || !strftime(when, sizeof(when), "%H:%M:%S", &tm))
		snprintf(when, sizeof(when), "?");
	if (report_html_head(b, "Mái Ấm — Tạm khóa đăng nhập") ||
	    proto_buf_append_str(b, "<h1>Mái Ấm</h1><p>") || web_html_escape(b, d->campaign.name) ||
	    proto_buf_append_str(b, "</p><h2>Tạm khóa đăng nhập</h2><p class=\"err\" id=\"error\">"
				    "Đã có quá nhiều lần đăng nhập sai từ máy này hoặc cho tên"
				    " đăng nhập này.</p>") ||
	    proto_buf_appendf(b,
			      "<p id=\"retry\">Vui lòng thử lại sau <b>%lld giây</b>"
			      " (sau %s, giờ Việt Nam).</p>",
			      (long long)wait, when) ||
	    proto_buf_append_str(b, "<p>Nếu quên mật khẩu, hãy nhờ người quản trị máy chủ đặt lại"
				    " bằng lệnh <code>maiam-hub operator password</code>.</p>"
				    "<p><a href=\"/\">Quay lại trang đăng nhập</a></p></body></html>\n"))
		return -1;
	return 0;
}

int dash_not_found_page(hub_dashboard *d, proto_buf *b)
{
	if (report_html_head(b, "Mái Ấm — Không có trang này") ||
	    proto_buf_append_str(b, "<h1>Mái Ấm</h1><p>") || web_html_escape(b, d->campaign.name) ||
	    proto_buf_append_str(
		    b, "</p><h2>Không có trang này</h2><p class=\"err\" id=\"error\">"
		       "Địa chỉ vừa mở không phải là một trang của bảng theo dõi"
		       " (có thể gõ sai hoặc liên kết đã cũ).</p>"
		       "<p><a href=\"/\">Về trang chính của bảng theo dõi</a></p></body></html>\n"))
		return -1;
	return 0;
}

int dash_household_form(proto_buf *b, const char *typed)
{
	/* GET: the household's page is an address an operator may keep or send;
	 * one line on a laptop's screen, wrapped on a phone's */
	if (proto_buf_append_str(b, "<form id=\"find\" method=\"get\" action=\"/household\""
				    " style=\"display:flex;flex-wrap:wrap;align-items:center;gap:0.3em 0.6em;"
				    "max-width:none;margin:0.8em 0\">"
				    "<label for=\"hh\">Tìm hộ (mã hộ hoặc mã ngắn, ví dụ 36S0-2):</label>"
				    "<input id=\"hh\" name=\"id\" required style=\"display:inline-block;"
				    "width:12em;margin:0\" value=\"") ||
	    web_html_escape(b, typed) ||
	    proto_buf_append_str(b, "\"><button id=\"find-go\" type=\"submit\">Tìm hộ</button></form>"))
		return -1;
	return 0;
}

/* One row of the dashboard's list of the newest open rejections. */
typedef struct recent_rows {
	proto_buf *b;
	int rows;
	const hub_dashboard *d;
	const dash_job *job; /* its resolve forms for who may decide */
} recent_rows;

static hub_result recent_row(void *arg, int64_t id, int64_t received, const char *src, const char *code,
			     const char *msg)
{
	recent_rows *r = arg;
	time_t t = (time_t)received + 7 * 3600; /* Vietnam time */
	struct tm tm;
	char when[32] = "?";

	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%d/%m/%Y %H:%M", &tm);
	if ((r->rows++ == 0 &&
	     proto_buf_append_str(r->b, "<h3>Gói dữ liệu bị từ chối gần nhất</h3>" WIDE
					"<table id=\"recent\"><thead><tr><th>Mã mục</th><th>Lúc</th>"
					"<th>Nguồn</th><th>Lý do</th></tr></thead><tbody>")) ||
	    proto_buf_appendf(r->b, "<tr><td>R-%lld</td><td>%s</td><td>", (long long)id, when) ||
	    web_html_escape(r->b, src ? src : "?") || proto_buf_append_str(r->b, "</td><td>") ||
	    web_html_escape(r->b, code ? code : "?") || proto_buf_append_str(r->b, ": ") ||
	    web_html_escape(r->b, msg ? msg : "") || dash_rejection_form(r->d, r->job, id, r->b) ||
	    proto_buf_append_str(r->b, "</td></tr>"))
		return HUB_ENOMEM;
	return HUB_OK;
}

/* The newest open rejected change-sets (the kind a flood makes by the
 * hundred thousand), at most n: the whole queue is a download away, by
 * pages (hub_reconcile_page). */
static int recent_rejections(hub_dashboard *d, sqlite3 *ro, const dash_job *job, int district,
			     proto_buf *b)
{
	recent_rows r = { b, 0, d, job };

	if (report_reconcile_recent(ro, &d->campaign, district, d->lim.queue_items, recent_row, &r) !=
	    HUB_OK)
		return -1;
	return r.rows && proto_buf_append_str(b, "</tbody></table></div>") ? -1 : 0;
}

/* The queue's counts of district (0: the province) and its newest rejections. */
static int queue_table(hub_dashboard *d, sqlite3 *ro, const dash_job *job, const char *as_of,
		       int district, proto_buf *b)
{
	int64_t counts[NKINDS], resolved, open = 0;
	char err[256], n[32];
	int k;

	if (report_reconcile_counts(ro, &d->campaign, as_of, district, counts, &resolved, err, sizeof(err)))
		return -1;
	if (proto_buf_append_str(b, "<h2>Hàng đợi đối soát</h2>" WIDE "<table id=\"queue\"><thead><tr>"
				    "<th>Loại</th><th>Chờ xử lý</th></tr></thead><tbody>"))
		return -1;
	for (k = 0; k < NKINDS; k++) {
		open += counts[k];
		report_fmt_group(counts[k], n, sizeof(n));
		if (proto_buf_appendf(b, "<tr><td>%s</td><td class=\"n\">%s</td></tr>",
				      report_kind_labels[k], n))
			return -1;
	}
	report_fmt_group(open, n, sizeof(n));
	if (proto_buf_appendf(b, "<tr class=\"t\"><td>Tổng cộng</td><td class=\"n\">%s</td></tr>", n))
		return -1;
	report_fmt_group(resolved, n, sizeof(n));
	if (proto_buf_appendf(b,
			      "</tbody></table></div><p>Đã xử lý: %s mục. Toàn bộ hàng đợi, từng trang"
			      " %d mục: <a href=\"/report?kind=reconcile&amp;format=html&amp;page=1\">"
			      "trang 1</a>.</p>\n",
			      n, HUB_RECONCILE_PAGE))
		return -1;
	return recent_rejections(d, ro, job, district, b);
}

int dash_view_parse(const char *query, dash_view *v)
{
	char num[16], *end;
	long code;
	web_result r;

	memset(v, 0, sizeof(*v));
	if (!query)
		return 0;
	r = web_query_value(query, "as-of", v->as_of, sizeof(v->as_of));
	if ((r != WEB_OK && r != WEB_ABSENT) || (v->as_of[0] && !hub_report_valid_date(v->as_of)))
		return -1;
	r = web_query_value(query, "district", num, sizeof(num));
	if (r == WEB_ABSENT || (r == WEB_OK && !num[0]))
		return 0;
	if (r != WEB_OK)
		return -1;
	code = strtol(num, &end, 10);
	if (*end || code < 1 || code > 999999)
		return -1;
	v->district = (int)code;
	return 0;
}

/* The page's date: the one asked for, or today. What the links keep: the
 * as-of query ("as-of=D&amp;", "" for today). */
typedef struct page_date {
	char as_of[11];
	char keep[32];
} page_date;

static void page_date_of(const dash_view *v, page_date *pd)
{
	if (v->as_of[0]) {
		snprintf(pd->as_of, sizeof(pd->as_of), "%s", v->as_of);
		snprintf(pd->keep, sizeof(pd->keep), "as-of=%s&amp;", v->as_of);
	} else {
		hub_report_today(pd->as_of);
		pd->keep[0] = '\0';
	}
}

/* The head of both pages: title, campaign, date, operator, sign-out, the
 * date picker (a GET form: it works without script and its address can be
 * kept), and the "Tìm hộ" form. */
static int page_top(hub_dashboard *d, const dash_job *job, const char *title, const char *as_of,
		    int district, proto_buf *b)
{
	if (report_html_head(b, title) || proto_buf_append_str(b, "<h1>Mái Ấm — Bảng theo dõi</h1><p>") ||
	    web_html_escape(b, d->campaign.name) ||
	    proto_buf_appendf(b, "</p><p>Số liệu đến ngày %.2s/%.2s/%.4s. Cán bộ: <b id=\"who\">",
			      as_of + 8, as_of + 5, as_of) ||
	    web_html_escape(b, job->who.name) ||
	    proto_buf_append_str(b, "</b></p><form method=\"post\" action=\"/logout\">") ||
	    dash_csrf_field(d, job, b) ||
	    proto_buf_append_str(b, "<button type=\"submit\">Đăng xuất</button></form>") ||
	    proto_buf_append_str(b, "<p><a id=\"households-link\" href=\"/households\">Danh sách hộ"
				    " (tìm, lọc, sắp xếp)</a></p>") ||
	    proto_buf_append_str(
		    b, "<p><a id=\"targets-link\" href=\"/targets\">Chỉ tiêu các xã</a> · <a"
		       " id=\"scorecard-link\" href=\"/scorecard\">Đánh giá theo tiêu chí</a></p>") ||
	    (job->who.role == HUB_ROLE_ADMIN &&
	     proto_buf_append_str(b, "<p><a id=\"operators\" href=\"/operators\">Cán bộ vận hành"
				     "</a></p>")) ||
	    proto_buf_append_str(b, "<p><a id=\"awards-link\" href=\"/awards\">Đề nghị khen thưởng"
				    "</a></p>") ||
	    proto_buf_appendf(b,
			      "<form id=\"as-of-form\" method=\"get\" action=\"/\" style=\"display:flex;"
			      "flex-wrap:wrap;align-items:center;gap:0.3em 0.6em;max-width:none;"
			      "margin:0.8em 0\"><label for=\"as-of\">Xem số liệu đến ngày:</label>"
			      "<input id=\"as-of\" name=\"as-of\" type=\"date\" value=\"%s\""
			      " style=\"display:inline-block;width:auto;margin:0\">",
			      as_of) ||
	    (district &&
	     proto_buf_appendf(b, "<input type=\"hidden\" name=\"district\" value=\"%d\">", district)) ||
	    proto_buf_append_str(b, "<button id=\"as-of-go\" type=\"submit\">Xem</button></form>") ||
	    dash_household_form(b, ""))
		return -1;
	return 0;
}

/* Every district's hand-overs over time, side by side where they fit. */
static int timelines(hub_dashboard *d, sqlite3 *ro, const report_progress *p, const page_date *pd,
		     proto_buf *b)
{
	chart_series s;
	char err[256];
	size_t i;
	int rc = -1;

	if (chart_series_load(ro, &d->campaign, pd->as_of, &s, err, sizeof(err)))
		return -1;
	if (proto_buf_append_str(b, "<h2>Bàn giao theo thời gian</h2><div id=\"timelines\""
				    " style=\"display:flex;flex-wrap:wrap;gap:1em 2em\">"))
		goto out;
	for (i = 0; i < p->n && i < s.ndistricts; i++)
		if (proto_buf_appendf(b,
				      "<figure style=\"flex:1 1 22em;min-width:0;margin:0\"><figcaption>"
				      "<a href=\"/?%sdistrict=%d\">",
				      pd->keep, p->a[i].code) ||
		    web_html_escape(b, p->a[i].name) || proto_buf_append_str(b, "</a></figcaption>") ||
		    chart_handover_line(&d->campaign, p, &s, i, b) || proto_buf_append_str(b, "</figure>"))
			goto out;
	rc = proto_buf_append_str(b, "</div>") ? -1 : 0;
out:
	chart_series_release(&s);
	return rc;
}

/* The reports to download, as of the page's date: for a district
 * operator /report answers its district's alone. */
static int downloads(const page_date *pd, proto_buf *b)
{
	static const char *const kinds[] = { "progress", "awards", "funds", "reconcile" };
	char as_of[24] = "";
	size_t i;

	if (pd->keep[0])
		snprintf(as_of, sizeof(as_of), "&amp;as_of=%s", pd->as_of);
	if (proto_buf_append_str(b, "<h2>Tải báo cáo</h2><ul id=\"downloads\">"))
		return -1;
	for (i = 0; i < 4; i++)
		if (proto_buf_appendf(b,
				      "<li>%s: <a href=\"/report?kind=%s&amp;format=csv%s\">CSV</a>,"
				      " <a href=\"/report?kind=%s&amp;format=html%s\">HTML</a>,"
				      " <a href=\"/report?kind=%s&amp;format=json%s\">JSON</a>,"
				      " <a href=\"/report?kind=%s&amp;format=xlsx%s\">Excel</a></li>",
				      kinds[i], kinds[i], as_of, kinds[i], as_of, kinds[i], as_of,
				      kinds[i], as_of))
			return -1;
	return proto_buf_appendf(b,
				 "<li>Danh sách hộ: <a id=\"households-xlsx\""
				 " href=\"/report?kind=households&amp;format=xlsx%s\">Excel</a></li></ul>"
				 "</body></html>\n",
				 as_of)
		       ? -1
		       : 0;
}

/* The province: every district's bars, table, hand-overs over time, the
 * awards, the queue, the downloads. */
static int province_page(hub_dashboard *d, sqlite3 *ro, const dash_job *job, const page_date *pd,
			 proto_buf *b)
{
	report_progress p;
	report_grid g;
	char err[256], href[64];
	int rc = -1;

	if (report_progress_load(ro, &d->campaign, pd->as_of, 0, &p, err, sizeof(err)))
		return -1;
	snprintf(href, sizeof(href), "/?%sdistrict=", pd->keep);
	if (page_top(d, job, "Mái Ấm — Bảng theo dõi", pd->as_of, 0, b) ||
	    proto_buf_append_str(b, "<h2>Bàn giao so với chỉ tiêu theo huyện</h2>") ||
	    chart_progress_bars(&d->campaign, &p, b) || proto_buf_append_str(b, WIDE) ||
	    report_progress_table(&d->campaign, &p, href, b) ||
	    proto_buf_append_str(b, "</div><p>Chọn tên một huyện để xem tiến độ từng xã của huyện.</p>") ||
	    timelines(d, ro, &p, pd, b))
		goto out;
	if (report_awards_grid(ro, &d->campaign, pd->as_of, 0, &g, err, sizeof(err)))
		goto out;
	rc = proto_buf_append_str(b, WIDE) || report_grid_html_table(&g, b) ||
			     proto_buf_append_str(b, "</div>")
		     ? -1
		     : 0;
	report_grid_release(&g);
	if (rc || queue_table(d, ro, job, pd->as_of, 0, b)) {
		rc = -1;
		goto out;
	}
	rc = downloads(pd, b);
out:
	report_progress_release(&p);
	return rc;
}

/* The communes of district k (the k-th target) out of a progress by
 * commune, with the district's own line as their total. */
static void district_communes(const report_progress *all, const report_line *district, report_progress *sub)
{
	size_t i;

	*sub = *all;
	sub->a = NULL;
	sub->n = 0;
	for (i = 0; i < all->n; i++) {
		if (all->a[i].district != district->code)
			continue;
		if (!sub->a)
			sub->a = &all->a[i]; /* a district's communes come together */
		sub->n++;
	}
	sub->total = *district;
	sub->total.name = "Tổng cộng";
}

/* One district: its hand-overs over time, then its communes, each a link to
 * the list of its households. */
static int district_page(hub_dashboard *d, sqlite3 *ro, const dash_job *job, const page_date *pd,
			 size_t k, proto_buf *b)
{
	report_progress p, communes, sub;
	chart_series s;
	char err[256], title[256];
	int rc = -1;

	if (report_progress_load(ro, &d->campaign, pd->as_of, 0, &p, err, sizeof(err)))
		return -1;
	if (report_progress_load(ro, &d->campaign, pd->as_of, 1, &communes, err, sizeof(err))) {
		report_progress_release(&p);
		return -1;
	}
	if (chart_series_load(ro, &d->campaign, pd->as_of, &s, err, sizeof(err)))
		goto out_progress;
	district_communes(&communes, &p.a[k], &sub);
	snprintf(title, sizeof(title), "Mái Ấm — %s", p.a[k].name);
	if (page_top(d, job, title, pd->as_of, p.a[k].code, b) ||
	    /* a district operator's pages are its district's: no way up */
	    (!dash_scope_district(job) &&
	     proto_buf_appendf(b, "<p><a id=\"province\" href=\"/%s%s\">← Toàn tỉnh</a></p>",
			       pd->keep[0] ? "?as-of=" : "", pd->keep[0] ? pd->as_of : "")) ||
	    proto_buf_append_str(b, "<h2 id=\"district\">") || web_html_escape(b, p.a[k].name) ||
	    proto_buf_append_str(b, "</h2>") || chart_handover_line(&d->campaign, &p, &s, k, b) ||
	    proto_buf_append_str(b, "<h2>Tiến độ theo xã</h2>" WIDE) ||
	    report_progress_table(&d->campaign, &sub, "/households?commune=", b) ||
	    proto_buf_appendf(b,
			      "</div><p>Chọn tên một xã để xem danh sách hộ của xã, rồi mở một hộ để"
			      " xem trang của hộ. Cả huyện: <a id=\"district-households\""
			      " href=\"/households?district=%d\">danh sách hộ của huyện</a>.</p>",
			      p.a[k].code) ||
	    /* a district operator's queue is its district's (/report is scoped too) */
	    (dash_scope_district(job) &&
	     (queue_table(d, ro, job, pd->as_of, p.a[k].code, b) || downloads(pd, b))) ||
	    (!dash_scope_district(job) && proto_buf_append_str(b, "</body></html>\n")))
		goto out;
	rc = 0;
out:
	chart_series_release(&s);
out_progress:
	report_progress_release(&communes);
	report_progress_release(&p);
	return rc;
}

/* The page for a district code the campaign has no target for (404). */
static int no_district_page(hub_dashboard *d, int code, proto_buf *b)
{
	if (report_html_head(b, "Mái Ấm — Không có huyện này") ||
	    proto_buf_append_str(b, "<h1>Mái Ấm</h1><p>") || web_html_escape(b, d->campaign.name) ||
	    proto_buf_appendf(b,
			      "</p><h2>Không có huyện này</h2><p class=\"err\" id=\"error\">Mã %d không"
			      " phải là một huyện có chỉ tiêu trong đợt này.</p><p><a href=\"/\">Về"
			      " trang chính của bảng theo dõi</a> và chọn huyện trong bảng tiến độ.</p>"
			      "</body></html>\n",
			      code))
		return -1;
	return 0;
}

/* The district the page shows: the operator's own, whatever the address
 * says, or the one asked for (0: the province). */
static int page_district(const dash_job *job)
{
	int scope = dash_scope_district(job);

	return scope ? scope : job->view.district;
}

int dash_main_page(hub_dashboard *d, sqlite3 *ro, const dash_job *job, proto_buf *b)
{
	int district = page_district(job);
	page_date pd;
	size_t k;

	page_date_of(&job->view, &pd);
	if (!district)
		return province_page(d, ro, job, &pd, b);
	for (k = 0; k < d->campaign.ntargets; k++)
		if (d->campaign.targets[k].district == district)
			return district_page(d, ro, job, &pd, k, b);
	return -1; /* work_page answers 404 before: not reached */
}

/* The main page's answer: the province, a district, or 404 for a district
 * the campaign does not have, or another district than a district
 * operator's own (the same answer: no district's existence is told). */
static void work_page(hub_dashboard *d, sqlite3 *ro, dash_job *job)
{
	int district = page_district(job), scope = dash_scope_district(job);
	size_t k;

	for (k = 0; district && k < d->campaign.ntargets; k++)
		if (d->campaign.targets[k].district == district)
			break;
	if ((district && k == d->campaign.ntargets) ||
	    (scope && job->view.district && job->view.district != scope))
		dash_answer_html(job, 404, no_district_page(d, job->view.district, &job->body));
	else
		dash_answer_html(job, 200, dash_main_page(d, ro, job, &job->body));
}

static void work_login(hub_dashboard *d, sqlite3 *rw, dash_job *job)
{
	char tok[WEB_TOKEN_HEX + 1];
	bool signed_in = false;
	hub_result r = job->form_ok ? hub_operator_login(rw, job->name, job->pw, (int64_t)time(NULL),
							 d->ttl, tok, &signed_in)
				    : HUB_OK;

	OPENSSL_cleanse(job->pw, sizeof(job->pw));
	if (r != HUB_OK) {
		dash_answer_text(job, 503,
				 "cannot check the sign-in: the hub database is busy,"
				 " try again");
		return;
	}
	if (!signed_in) {
		dash_answer_html(job, 401,
				 dash_login_page(d, &job->body, "Sai tên đăng nhập hoặc mật khẩu."));
		return;
	}
	job->login_ok = 1;
	web_cookie_format(job->cookie, sizeof(job->cookie), HUB_SESSION_COOKIE, tok, d->ttl,
			  WEB_COOKIE_SESSION);
	OPENSSL_cleanse(tok, sizeof(tok));
	job->status = 303;
	job->ctype = "text/plain; charset=utf-8";
	job->location = "/";
}

static void work_report(hub_dashboard *d, sqlite3 *ro, dash_job *job)
{
	static const char *const ctypes[] = { "text/plain; charset=utf-8", "text/csv; charset=utf-8",
					      "application/json", "text/html; charset=utf-8", XLSX_MIME };
	char err[256];

	job->opts.district = dash_scope_district(job);
	if (hub_report_render(ro, &d->campaign, &job->opts, &job->body, err, sizeof(err))) {
		dash_answer_text(job, 500, err);
		return;
	}
	job->status = 200;
	job->ctype = ctypes[job->opts.format];
	hub_download_disposition(&job->opts, job->disposition, sizeof(job->disposition));
}

/* An admin's /metrics: the page itself is made on the loop (dashboard.c,
 * on_done), where the server's gauges may be read. */
static void dash_metrics_answer(dash_job *job)
{
	proto_buf_reset(&job->body);
	job->status = 200;
	job->ctype = HUB_METRICS_CTYPE;
}

void dash_work(hub_dashboard *d, sqlite3 *db, dash_job *job)
{
	bool signed_in = false;

	if (job->kind == DJ_LOGIN) {
		work_login(d, db, job);
		return;
	}
	if (job->kind == DJ_LOGOUT) {
		if (job->tok[0])
			report_session_end(db, job->tok);
		web_cookie_format(job->cookie, sizeof(job->cookie), HUB_SESSION_COOKIE, "", 0,
				  WEB_COOKIE_SESSION);
		job->status = 303;
		job->ctype = "text/plain; charset=utf-8";
		job->location = "/";
		return;
	}
	if (job->tok[0] &&
	    hub_session_operator(db, job->tok, (int64_t)time(NULL), &job->who, &signed_in) != HUB_OK)
		signed_in = false;
	/* a photo's answer is the same whether the hash is held or not: the
	 * session is checked before anything is looked up */
	if (!signed_in &&
	    (job->kind == DJ_REPORT ||
	     ((job->kind == DJ_OPERATORS || job->kind == DJ_AWARDS || job->kind == DJ_TARGETS) &&
	      job->form.len)))
		dash_answer_text(job, 401, "sign in first at /");
	else if (job->kind == DJ_METRICS && (!signed_in || job->who.role != HUB_ROLE_ADMIN))
		/* not there for anyone else: a stranger learns nothing of it */
		dash_answer_text(job, signed_in ? 403 : 404,
				 signed_in ? "only an admin operator reads /metrics"
					   : "no such page: open the dashboard at /");
	else if (job->kind == DJ_METRICS)
		dash_metrics_answer(job);
	else if (!signed_in && job->kind == DJ_PHOTO)
		dash_answer_text(job, 403, "sign in first at /: photos are for signed-in operators");
	else if (!signed_in)
		dash_answer_html(job, 200, dash_login_page(d, &job->body, NULL));
	else if (job->kind == DJ_REPORT)
		work_report(d, db, job);
	else if (job->kind == DJ_HOUSEHOLD)
		dash_household_answer(d, db, job);
	else if (job->kind == DJ_PHOTO)
		dash_photo_answer(d, db, job);
	else if (job->kind == DJ_OPERATORS)
		dash_operators_answer(d, db, job);
	else if (job->kind == DJ_AWARDS)
		dash_awards_answer(d, db, job);
	else if (job->kind == DJ_DECIDE || job->kind == DJ_RESOLVE)
		dash_household_post(d, db, job);
	else if (job->kind == DJ_HOUSEHOLDS)
		dash_households_answer(d, db, job);
	else if (job->kind == DJ_BATCH)
		dash_batch_post(d, db, job);
	else if (job->kind == DJ_REJECTION)
		dash_rejection_post(d, db, job);
	else if (job->kind == DJ_TARGETS)
		dash_targets_answer(d, db, job);
	else if (job->kind == DJ_SCORECARD)
		dash_scorecard_answer(d, db, job);
	else if (job->kind == DJ_READS)
		dash_reads_answer(d, db, job);
	else
		work_page(d, db, job);
	if (signed_in)
		dash_read_audit_note(d, db, job);
}
