/*
 * dashboard_targets.c - /targets and /scorecard (dashboard_targets.h).
 * /targets lists each district the operator sees with its target, the sum
 * of its communes' targets (a warning while it is below) and every commune
 * with its target, who gave it and when; an admin, or a district operator
 * for its own district, has a form per commune. A target is set through
 * the command's own code (target_set, the hub opened as 'maiam-hub target
 * set' opens it, its key signing the decision). /scorecard draws the
 * scorecards of report_scorecard_table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "maiam/rules.h"
#include "ctx.h"
#include "dashboard_targets.h"
#include "scorecard.h"
#include "target.h"

static const char targets_style[] = "<style>form.row{display:inline-flex;gap:0.4em;max-width:none;margin:0}"
				    "form.row input{width:7em;margin:0}form.row button{margin:0}"
				    "p.warn{color:#a15c00;font-weight:bold}p.ok{color:#17702f}</style>";

/* May job's operator set the targets of district's communes? */
static int may_set(const dash_job *job, int district)
{
	return job->who.role == HUB_ROLE_ADMIN ||
	       (job->who.role == HUB_ROLE_DISTRICT && job->who.district == district);
}

static int commune_row(hub_dashboard *d, const dash_job *job, const target_commune *tc, int editable,
		       proto_buf *b)
{
	char when[32] = "";
	time_t t = (time_t)((tc->stamp >> 16) / 1000) + 7 * 3600; /* Vietnam time */
	struct tm tm;

	if (tc->stamp && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%d/%m/%Y %H:%M", &tm);
	if (proto_buf_appendf(b, "<tr id=\"c-%d\"><td>%d</td><td>", tc->code, tc->code) ||
	    web_html_escape(b, tc->name) || proto_buf_append_str(b, "</td><td class=\"target\">"))
		return -1;
	if (tc->houses < 0 ? proto_buf_append_str(b, "—")
			   : proto_buf_appendf(b, "%lld", (long long)tc->houses))
		return -1;
	if (proto_buf_append_str(b, "</td><td>") || web_html_escape(b, tc->by) ||
	    proto_buf_appendf(b, "</td><td>%s</td><td>", when))
		return -1;
	if (editable &&
	    (proto_buf_append_str(b, "<form class=\"row\" method=\"post\" action=\"/targets\">") ||
	     dash_csrf_field(d, job, b) ||
	     proto_buf_appendf(b,
			       "<input type=\"hidden\" name=\"commune\" value=\"%d\">"
			       "<input name=\"houses\" type=\"number\" min=\"0\" max=\"%d\" required"
			       " aria-label=\"Chỉ tiêu mới\" value=\"%lld\"><button type=\"submit\">"
			       "Giao</button></form>",
			       tc->code, PROTO_RULE_TARGET_MAX,
			       (long long)(tc->houses < 0 ? 0 : tc->houses))))
		return -1;
	return proto_buf_append_str(b, "</td></tr>");
}

static int district_part(hub_dashboard *d, const dash_job *job, const target_table *t,
			 const target_district *td, proto_buf *b)
{
	int editable = may_set(job, td->code);
	size_t j;

	if (proto_buf_appendf(b, "<h2 id=\"d-%d\">", td->code) || web_html_escape(b, td->name) ||
	    proto_buf_appendf(b,
			      "</h2><p>Chỉ tiêu của huyện: <b>%lld</b> căn; tổng chỉ tiêu đã giao cho các"
			      " xã: <b id=\"sum-%d\">%lld</b> căn.</p>",
			      (long long)td->target, td->code, (long long)td->sum))
		return -1;
	if (target_below(td) &&
	    proto_buf_appendf(b,
			      "<p class=\"warn\" id=\"below-%d\">Cảnh báo: còn %lld căn của chỉ tiêu huyện"
			      " chưa giao cho xã nào.</p>",
			      td->code, (long long)(td->target - td->sum)))
		return -1;
	/* a phone scrolls the table, not the page */
	if (proto_buf_append_str(b, "<div style=\"overflow-x:auto;max-width:100%\"><table><tr><th>Mã</th><th>Xã</th><th>Chỉ tiêu</th><th>Người"
				    " giao</th><th>Lúc</th><th></th></tr>"))
		return -1;
	for (j = td->first; j < td->first + td->n; j++)
		if (commune_row(d, job, &t->communes[j], editable, b))
			return -1;
	return proto_buf_append_str(b, "</table></div>");
}

static int targets_page(hub_dashboard *d, sqlite3 *db, const dash_job *job, const char *error,
			proto_buf *b)
{
	char err[512];
	target_table t;
	size_t i;
	int rc = -1;

	if (target_load(db, &d->campaign, dash_scope_district(job), &t, err, sizeof(err)) != HUB_OK)
		return -1;
	if (report_html_head(b, "Mái Ấm — Chỉ tiêu các xã") || proto_buf_append_str(b, targets_style) ||
	    proto_buf_append_str(b, "<h1>Chỉ tiêu các xã</h1><p><a href=\"/\">← Bảng theo dõi</a> · <a"
				    " href=\"/scorecard\">Đánh giá theo tiêu chí</a></p><p>Chỉ tiêu"
				    " do UBND cấp huyện giao cho từng xã. Mỗi lần giao được ký với tên"
				    " cán bộ và ghi vào sổ cái; giao 0 là bỏ chỉ tiêu của xã.</p>"))
		goto out;
	if (error && (proto_buf_append_str(b, "<p class=\"err\" id=\"error\">") ||
		      web_html_escape(b, error) || proto_buf_append_str(b, "</p>")))
		goto out;
	for (i = 0; i < t.ndistricts; i++)
		if (district_part(d, job, &t, &t.districts[i], b))
			goto out;
	rc = proto_buf_append_str(b, "</body></html>\n") ? -1 : 0;
out:
	target_table_release(&t);
	return rc;
}

/* The form's whole number field, or -1. */
static long long form_number(const dash_job *job, const char *key, long long max)
{
	char v[16], *end;
	long long n;

	if (web_form_value((const char *)job->form.data, job->form.len, key, v, sizeof(v)) != WEB_OK ||
	    v[0] < '0' || v[0] > '9')
		return -1;
	n = strtoll(v, &end, 10);
	return *end || n > max ? -1 : n;
}

static void set_target(hub_dashboard *d, sqlite3 *rw, dash_job *job)
{
	long long commune = form_number(job, "commune", 999999999);
	long long houses = form_number(job, "houses", PROTO_RULE_TARGET_MAX);
	int scope = dash_scope_district(job), why = 0;
	char err[512];
	hub_ctx ctx;
	hub_result r;

	if (commune <= 0 || houses < 0) {
		dash_answer_html(job, 400,
				 targets_page(d, rw, job, "Chỉ tiêu là một số căn từ 0 đến 100000.",
					      &job->body));
		return;
	}
	if (target_commune_check(&d->campaign, (int)commune, scope, &why) != HUB_OK) {
		dash_answer_html(job, why == 2 ? 403 : 400,
				 targets_page(d, rw, job,
					      why == 2 ? "Xã này thuộc huyện khác: cán bộ huyện chỉ giao chỉ"
							 " tiêu cho các xã của huyện mình."
						       : "Mã này không phải là một xã của đợt này.",
					      &job->body));
		return;
	}
	if (hub_open(&ctx, d->dir, err, sizeof(err)) != HUB_OK) {
		dash_answer_text(job, 503, "cannot open the hub to sign the target: try again");
		return;
	}
	r = target_set(&ctx, job->who.name, (int)commune, houses, scope, err, sizeof(err));
	hub_close(&ctx);
	if (r != HUB_OK) {
		dash_answer_text(job, r == HUB_REFUSED ? 400 : 503,
				 "the target was not written: reload the page and try again");
		return;
	}
	snprintf(job->where, sizeof(job->where), "/targets#c-%lld", commune);
	job->location = job->where;
	job->status = 303;
	job->ctype = "text/plain; charset=utf-8";
}

void dash_targets_answer(hub_dashboard *d, sqlite3 *rw, dash_job *job)
{
	if (!job->form.len) {
		dash_answer_html(job, 200, targets_page(d, rw, job, NULL, &job->body));
		return;
	}
	if (job->who.role != HUB_ROLE_ADMIN && job->who.role != HUB_ROLE_DISTRICT) {
		dash_answer_text(job, 403,
				 "this operator reads the targets and sets none: a district's operator"
				 " or an admin sets them");
		return;
	}
	set_target(d, rw, job);
}

void dash_scorecard_answer(hub_dashboard *d, sqlite3 *ro, dash_job *job)
{
	int scope = dash_scope_district(job), district = scope ? scope : job->view.district;
	char as_of[11], err[512], day[11];
	proto_buf *b = &job->body;
	int built = -1;

	if ((scope && job->view.district && job->view.district != scope) ||
	    (district && !proto_units_find(&d->campaign.units, district))) {
		dash_answer_html(job, 404, dash_not_found_page(d, b));
		return;
	}
	if (job->view.as_of[0])
		snprintf(as_of, sizeof(as_of), "%s", job->view.as_of);
	else
		hub_report_today(as_of);
	report_vn_date(as_of, day);
	if (report_html_head(b, "Mái Ấm — Đánh giá theo tiêu chí") ||
	    proto_buf_appendf(b,
			      "<h1>Đánh giá theo tiêu chí thi đua</h1><p><a href=\"/\">← Bảng theo dõi</a>"
			      " · <a href=\"/targets\">Chỉ tiêu các xã</a></p><p>Tiêu chí của mục IV.1"
			      " Kế hoạch (IV.1.2: huyện; IV.1.3: xã), nguyên văn, bên cạnh số liệu tính"
			      " đến ngày <b id=\"as-of\">%s</b>.</p><form method=\"get\" action=\"/scorecard\">"
			      "<label for=\"d\">Đến ngày</label><input id=\"d\" name=\"as-of\" type=\"date\""
			      " value=\"%s\"><button type=\"submit\">Xem</button></form>",
			      day, as_of))
		goto out;
	/* a phone scrolls the table, not the page */
	if (proto_buf_append_str(b, "<div style=\"overflow-x:auto;max-width:100%\">") ||
	    report_scorecard_table(ro, &d->campaign, as_of, district, b, err, sizeof(err)) != HUB_OK)
		goto out;
	built = proto_buf_append_str(b, "</div></body></html>\n") ? -1 : 0;
out:
	dash_answer_html(job, 200, built);
}
