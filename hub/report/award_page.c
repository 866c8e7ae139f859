/*
 * award_page.c - the workspace's /awards (read-write worker, like
 * /operators): each unit's quotas with the places used, the nominations
 * with their appraisal and the 3.1.a flag, the form to nominate (a district
 * operator for its district, an admin for every unit) and, for an
 * appraiser, accept and return. A step goes through award_nominate and
 * award_decide with the hub opened as the commands open it (its key
 * signs); done, it answers 303 back to /awards; refused, the page with why.
 * A district operator sees its own district's only. The page is the
 * dashboard's Vietnamese (HUBTEXT.md: HTML is not the process's locale).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "award.h"
#include "dashboard_int.h"

/* The most a unit's code may be as a form sends it. */
#define UNIT_FIELD_MAX (AWARD_UNIT_MAX + 1)

static const char page_style[] = "<style>td{vertical-align:top}form.row{display:inline;max-width:none}"
				 "p.ok{color:#17702f}.flag{color:#a33;font-weight:bold}"
				 "details.ret textarea{min-height:3em}form#nominate label,form#nominate"
				 " select{display:block}form#nominate select{margin:0.3em 0 0.8em}</style>";

static const char *const status_labels[] = { "Chờ thẩm định", "Đã chấp nhận", "Đã trả lại" };

static int cell(proto_buf *b, const char *s)
{
	return proto_buf_append_str(b, "<td>") || web_html_escape(b, s ? s : "—") ||
			       proto_buf_append_str(b, "</td>")
		       ? -1
		       : 0;
}

/* "dd/mm/yyyy hh:mm" in Vietnam of a decision's stamp. */
static void when_text(uint64_t stamp, char out[24])
{
	time_t t = (time_t)((stamp >> 16) / 1000) + 7 * 3600;
	struct tm tm;

	snprintf(out, 24, "—");
	if (stamp && gmtime_r(&t, &tm))
		strftime(out, 24, "%d/%m/%Y %H:%M", &tm);
}

/* May job's operator see unit (a district operator: its own district only)? */
static bool sees_unit(const hub_dashboard *d, const dash_job *job, const char *unit)
{
	int only = dash_scope_district(job);

	return !only || award_unit_district(&d->campaign, unit) == only;
}

/* A form posting action to /awards with the session's token. */
static int form_start(hub_dashboard *d, const dash_job *job, proto_buf *b, const char *attrs,
		      const char *action)
{
	return dash_form_start(d, job, b, attrs, "/awards", action);
}

/* One unit's line of the quotas table. */
static int quota_row(hub_dashboard *d, const award_list *l, const report_progress *p, const char *unit,
		     proto_buf *b)
{
	const proto_campaign *c = &d->campaign;
	int district = award_unit_district(c, unit);
	char on_time[48] = "—";
	size_t k;

	for (k = 0; district > 0 && k < p->n; k++)
		if (p->a[k].code == district)
			snprintf(on_time, sizeof(on_time), "%lld/%lld%s", (long long)p->a[k].on_time,
				 (long long)p->a[k].target,
				 p->a[k].on_time < p->a[k].target ? " (chưa đạt)" : "");
	return proto_buf_appendf(b, "<tr id=\"quota-%s\">", unit) ||
			       cell(b, award_unit_name(c, unit, REPORT_VI)) || cell(b, on_time) ||
			       proto_buf_appendf(b, "<td>%d / %d</td><td>%d / %d</td></tr>",
						 award_places_used(l, unit, false),
						 award_quota(c, unit, false),
						 award_places_used(l, unit, true),
						 award_quota(c, unit, true))
		       ? -1
		       : 0;
}

static int quotas_table(hub_dashboard *d, sqlite3 *db, const dash_job *job, const award_list *l,
			proto_buf *b)
{
	static const char *const groups[] = { AWARD_PROVINCE, AWARD_WORKING_GROUP };
	report_progress p;
	char err[256], unit[16];
	size_t i;
	int rc = -1;

	if (report_progress_load_in(db, &d->campaign, "9999-12-31", 0, 0, &p, err, sizeof(err)) != HUB_OK)
		return -1;
	if (proto_buf_append_str(b, "<h2>Số lượng được đề xuất khen thưởng</h2><div style=\"overflow-x:"
				    "auto\"><table id=\"quotas\"><thead><tr><th>Đơn vị</th><th>Bàn"
				    " giao đúng hạn / chỉ tiêu</th><th>Tập thể (đã đề nghị / được"
				    " đề xuất)</th><th>Cá nhân (đã đề nghị / được đề xuất)</th></tr>"
				    "</thead><tbody>"))
		goto out;
	for (i = 0; i < d->campaign.ntargets; i++) {
		snprintf(unit, sizeof(unit), "%d", d->campaign.targets[i].district);
		if (sees_unit(d, job, unit) && quota_row(d, l, &p, unit, b))
			goto out;
	}
	for (i = 0; i < 2; i++)
		if (sees_unit(d, job, groups[i]) && quota_row(d, l, &p, groups[i], b))
			goto out;
	rc = proto_buf_append_str(b, "</tbody></table></div>") ? -1 : 0;
out:
	report_progress_release(&p);
	return rc;
}

/* An appraiser's accept and return on a proposed nomination. */
static int appraisal_forms(hub_dashboard *d, const dash_job *job, const award_nomination *a, proto_buf *b)
{
	return form_start(d, job, b, " class=\"row\"", "accept") ||
			       proto_buf_appendf(b,
						 "<input type=\"hidden\" name=\"id\" value=\"%s\"><button"
						 " type=\"submit\" id=\"accept-%s\">Chấp nhận</button></form>"
						 "<details class=\"ret\"><summary>Trả lại</summary>",
						 a->id, a->id) ||
			       form_start(d, job, b, "", "return") ||
			       proto_buf_appendf(b,
						 "<input type=\"hidden\" name=\"id\" value=\"%s\"><label>Lý"
						 " do trả lại (bắt buộc)<textarea name=\"note\" required"
						 " maxlength=\"%u\"></textarea></label><button"
						 " type=\"submit\" id=\"return-%s\">Trả lại đề nghị</button>"
						 "</form></details>",
						 a->id, PROTO_MAX_TEXT, a->id)
		       ? -1
		       : 0;
}

static int nomination_row(hub_dashboard *d, const dash_job *job, const award_nomination *a, proto_buf *b)
{
	char at[24], decided[24];

	when_text(a->nominated_at, at);
	when_text(a->decided_at, decided);
	if (proto_buf_appendf(b, "<tr id=\"%s\"><td>%s</td>", a->id, a->id) ||
	    cell(b, award_unit_name(&d->campaign, a->unit, REPORT_VI)) ||
	    cell(b, a->individual ? "Cá nhân" : "Tập thể") || cell(b, a->name) || cell(b, a->position) ||
	    cell(b, a->achievements) || proto_buf_append_str(b, "<td>") ||
	    web_html_escape(b, a->nominated_by) || proto_buf_appendf(b, "<br>%s</td><td>", at) ||
	    (a->flagged && proto_buf_append_str(b, "<span class=\"flag\" title=\"Tiêu chí 3.1.a: huyện"
						   " chưa hoàn thành 100% chỉ tiêu đúng hạn\">Chưa"
						   " đạt 3.1.a</span>")) ||
	    proto_buf_appendf(b, "</td><td class=\"status\">%s", status_labels[a->status]))
		return -1;
	if (a->status != AWARD_PROPOSED &&
	    (proto_buf_append_str(b, "<br>") || web_html_escape(b, a->decided_by) ||
	     proto_buf_appendf(b, ", %s", decided) ||
	     (a->note && (proto_buf_append_str(b, "<br>") || web_html_escape(b, a->note)))))
		return -1;
	if (proto_buf_append_str(b, "</td><td>"))
		return -1;
	if (a->status == AWARD_PROPOSED && job->who.role == HUB_ROLE_APPRAISER &&
	    appraisal_forms(d, job, a, b))
		return -1;
	return proto_buf_append_str(b, "</td></tr>") ? -1 : 0;
}

/* The nominate form: the units job's operator may nominate for. */
static int nominate_form(hub_dashboard *d, const dash_job *job, proto_buf *b)
{
	size_t i;
	char unit[16];

	if (job->who.role != HUB_ROLE_ADMIN && job->who.role != HUB_ROLE_DISTRICT)
		return 0;
	if (proto_buf_append_str(b, "<h2>Đề nghị khen thưởng mới</h2>") ||
	    form_start(d, job, b, " id=\"nominate\"", "nominate") ||
	    proto_buf_append_str(b, "<label for=\"unit\">Đơn vị đề nghị</label><select id=\"unit\""
				    " name=\"unit\">"))
		return -1;
	for (i = 0; i < d->campaign.ntargets; i++) {
		snprintf(unit, sizeof(unit), "%d", d->campaign.targets[i].district);
		if (sees_unit(d, job, unit) &&
		    (proto_buf_appendf(b, "<option value=\"%s\">", unit) ||
		     web_html_escape(b, award_unit_name(&d->campaign, unit, REPORT_VI)) ||
		     proto_buf_append_str(b, "</option>")))
			return -1;
	}
	if (job->who.role == HUB_ROLE_ADMIN &&
	    (proto_buf_appendf(b, "<option value=\"%s\">%s</option><option value=\"%s\">%s</option>",
			       AWARD_PROVINCE, award_unit_name(&d->campaign, AWARD_PROVINCE, REPORT_VI),
			       AWARD_WORKING_GROUP,
			       award_unit_name(&d->campaign, AWARD_WORKING_GROUP, REPORT_VI))))
		return -1;
	return proto_buf_appendf(b,
				 "</select><label for=\"kind\">Tập thể hay cá nhân</label><select"
				 " id=\"kind\" name=\"kind\"><option value=\"collective\">Tập thể</option>"
				 "<option value=\"individual\">Cá nhân</option></select>"
				 "<label for=\"name\">Tên tập thể hoặc cá nhân (bắt buộc)</label><input"
				 " id=\"name\" name=\"name\" required maxlength=\"200\">"
				 "<label for=\"position\">Chức vụ (cá nhân)</label><input id=\"position\""
				 " name=\"position\" maxlength=\"200\"><label for=\"achievements\">Thành"
				 " tích (bắt buộc)</label><textarea id=\"achievements\""
				 " name=\"achievements\" required maxlength=\"%u\"></textarea><button"
				 " type=\"submit\" id=\"nominate-go\">Gửi đề nghị</button></form>",
				 PROTO_MAX_TEXT)
		       ? -1
		       : 0;
}

static int awards_page(hub_dashboard *d, sqlite3 *db, const dash_job *job, const char *error, proto_buf *b)
{
	char err[512];
	award_list l;
	size_t i;
	int rc = -1;

	proto_buf_reset(b);
	if (award_list_load(db, &d->campaign, NULL, &l, err, sizeof(err)) != HUB_OK)
		return -1;
	if (report_html_head(b, "Mái Ấm — Đề nghị khen thưởng") || proto_buf_append_str(b, page_style) ||
	    proto_buf_append_str(b, "<h1>Đề nghị khen thưởng</h1><p>Bằng khen của UBND tỉnh — ") ||
	    web_html_escape(b, d->campaign.name) ||
	    proto_buf_append_str(b, "</p><p><a href=\"/\">Về trang chính</a></p>"))
		goto out;
	if (error && (proto_buf_append_str(b, "<p class=\"err\" id=\"error\">") ||
		      web_html_escape(b, error) || proto_buf_append_str(b, "</p>")))
		goto out;
	if (quotas_table(d, db, job, &l, b) ||
	    proto_buf_append_str(b, "<h2>Các đề nghị</h2><div style=\"overflow-x:auto\"><table"
				    " id=\"nominations\"><thead><tr><th>Mã</th><th>Đơn vị</th><th>Loại"
				    "</th><th>Tên</th><th>Chức vụ</th><th>Thành tích</th><th>Người"
				    " đề nghị</th><th>Tiêu chí 3.1.a</th><th>Thẩm định</th><th></th>"
				    "</tr></thead><tbody>"))
		goto out;
	for (i = 0; i < l.n; i++)
		if (sees_unit(d, job, l.a[i].unit) && nomination_row(d, job, &l.a[i], b))
			goto out;
	if (proto_buf_append_str(b, "</tbody></table></div>") || nominate_form(d, job, b) ||
	    proto_buf_append_str(b, "</body></html>\n"))
		goto out;
	rc = 0;
out:
	award_list_release(&l);
	return rc;
}

/* A text field of the form into out ("" when absent): -1 when malformed or too long. */
static int form_text(const dash_job *job, const char *name, char *out, size_t outlen)
{
	web_result r = web_form_value((const char *)job->form.data, job->form.len, name, out, outlen);

	if (r == WEB_ABSENT)
		out[0] = '\0';
	return r == WEB_OK || r == WEB_ABSENT ? 0 : -1;
}

/* The step the form asks for, as job's operator: err "" when done, else why not. */
static void post_step(hub_ctx *ctx, const dash_job *job, const char *action, char *err, size_t errlen)
{
	char name[256], position[256], text[PROTO_MAX_TEXT + 1];
	char unit[UNIT_FIELD_MAX], kind[16], id[AWARD_ID_MAX];
	award_actor who = { job->who.name, job->who.role, job->who.district, false };
	hub_result rc;
	bool found = true;

	err[0] = '\0';
	if (strcmp(action, "nominate") == 0) {
		if (form_text(job, "unit", unit, sizeof(unit)) ||
		    form_text(job, "kind", kind, sizeof(kind)) ||
		    form_text(job, "name", name, sizeof(name)) ||
		    form_text(job, "position", position, sizeof(position)) ||
		    form_text(job, "achievements", text, sizeof(text))) {
			snprintf(err, errlen, "Biểu mẫu có trường quá dài hoặc không hợp lệ.");
			return;
		}
		rc = award_nominate(ctx, &who,
				    &(award_entry){ unit, strcmp(kind, "individual") == 0, name,
						    position[0] ? position : NULL, text, NULL, 0 },
				    REPORT_VI, id, err, errlen);
	} else {
		if (form_text(job, "id", id, sizeof(id)) || form_text(job, "note", text, sizeof(text))) {
			snprintf(err, errlen, "Biểu mẫu có trường quá dài hoặc không hợp lệ.");
			return;
		}
		rc = award_decide(ctx, &who, id, strcmp(action, "accept") == 0, text, REPORT_VI, &found,
				  err, errlen);
	}
	if (rc == HUB_OK && !found)
		snprintf(err, errlen, "Không có đề nghị %s.", id);
	else if (rc != HUB_OK && rc != HUB_REFUSED)
		snprintf(err, errlen, "Không ghi được: máy chủ tỉnh đang bận, hãy thử lại.");
}

void dash_awards_answer(hub_dashboard *d, sqlite3 *rw, dash_job *job)
{
	char action[16] = "", err[768];
	hub_ctx ctx;

	if (!job->form.len) {
		dash_answer_html(job, 200, awards_page(d, rw, job, NULL, &job->body));
		return;
	}
	if (form_text(job, "action", action, sizeof(action)) ||
	    (strcmp(action, "nominate") != 0 && strcmp(action, "accept") != 0 &&
	     strcmp(action, "return") != 0)) {
		dash_answer_html(job, 400,
				 awards_page(d, rw, job, "Biểu mẫu không rõ việc cần làm.", &job->body));
		return;
	}
	/* the hub as its commands open it: its key signs the step */
	if (hub_open(&ctx, d->dir, err, sizeof(err)) != HUB_OK) {
		dash_answer_text(job, 503, "cannot open the hub to record the nomination: try again");
		return;
	}
	post_step(&ctx, job, action, err, sizeof(err));
	hub_close(&ctx);
	if (err[0]) {
		dash_answer_html(job, 400, awards_page(d, rw, job, err, &job->body));
		return;
	}
	job->status = 303;
	job->ctype = "text/plain; charset=utf-8";
	job->location = "/awards";
}
