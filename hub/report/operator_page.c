/*
 * operator_page.c - /operators, the admins' page of the dashboard: every
 * operator with its role, district and state, a form to add one (name,
 * role, district, password typed twice) and a button to disable one. The
 * forms are posted with their CSRF token, checked on the loop before the
 * form gets here (dashboard.c); this runs on the read-write worker. The page
 * speaks Vietnamese whatever the hub's locale, as every dashboard page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>
#include "hub.h"
#include "dashboard_int.h"

/* The roles as the page names them, in hub_role's order. */
static const char *const role_labels[] = { "Quản trị (cả tỉnh)", "Cán bộ huyện", "Chỉ xem",
					   "Thẩm định khen thưởng" };
_Static_assert(sizeof role_labels / sizeof role_labels[0] == HUB_ROLE_COUNT, "a label for each role");

static const char page_style[] = "<style>form.row{display:inline;max-width:none}"
				 "form.row button{margin:0}select{display:block;margin:0.3em 0 0.8em}"
				 "p.ok{color:#17702f}td{vertical-align:middle}</style>";

/* The start of a form of this page doing action, with the session's token. */
static int form_start(hub_dashboard *d, const dash_job *job, proto_buf *b, const char *cls,
		      const char *action)
{
	return dash_form_start(d, job, b, cls, "/operators", action);
}

typedef struct list_rows {
	hub_dashboard *d;
	const dash_job *job;
	proto_buf *b;
} list_rows;

static hub_result list_row(void *arg, const hub_operator *op)
{
	list_rows *l = arg;
	proto_buf *b = l->b;
	time_t t = (time_t)op->created + 7 * 3600; /* Vietnam time */
	char when[32] = "?";
	struct tm tm;

	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%d/%m/%Y", &tm);
	if (proto_buf_append_str(b, "<tr><td>") || web_html_escape(b, op->name) ||
	    proto_buf_appendf(b, "</td><td>%s</td><td>", role_labels[op->role]) ||
	    web_html_escape(b, op->district ? hub_district_name(&l->d->campaign, op->district) : "—") ||
	    proto_buf_appendf(b, "</td><td>%s</td><td>%s</td><td>", when,
			      op->disabled ? "Đã khóa" : "Đang dùng"))
		return HUB_ENOMEM;
	/* an admin does not lock itself out by a stray click */
	if (!op->disabled && strcmp(op->name, l->job->who.name) != 0 &&
	    (form_start(l->d, l->job, b, " class=\"row\"", "disable") ||
	     proto_buf_append_str(b, "<input type=\"hidden\" name=\"name\" value=\"") ||
	     web_html_escape(b, op->name) ||
	     proto_buf_append_str(b, "\"><button type=\"submit\">Khóa tài khoản</button></form>")))
		return HUB_ENOMEM;
	return proto_buf_append_str(b, "</td></tr>") ? HUB_ENOMEM : HUB_OK;
}

/* The form to add an operator: the districts of the campaign to choose. */
static int add_form(hub_dashboard *d, const dash_job *job, proto_buf *b)
{
	size_t i;
	int r;

	if (proto_buf_append_str(b, "<h2>Thêm cán bộ</h2>") ||
	    form_start(d, job, b, " id=\"add\"", "add") ||
	    proto_buf_appendf(b,
			      "<label for=\"name\">Tên đăng nhập (chữ, số hoặc . _ - @, không dấu cách,"
			      " tối đa %d byte)</label><input id=\"name\" name=\"name\" required"
			      " autocomplete=\"off\"><label for=\"role\">Vai trò</label>"
			      "<select id=\"role\" name=\"role\">",
			      HUB_OPERATOR_NAME_MAX))
		return -1;
	for (r = 0; r < HUB_ROLE_COUNT; r++)
		/* the least a new operator may do, unless the admin chooses more */
		if (proto_buf_appendf(b, "<option value=\"%s\"%s>%s</option>", hub_role_names[r],
				      r == HUB_ROLE_VIEWER ? " selected" : "", role_labels[r]))
			return -1;
	if (proto_buf_append_str(b,
				 "</select><label for=\"district\">Huyện (chỉ cho cán bộ huyện)</label>"
				 "<select id=\"district\" name=\"district\"><option value=\"\">—</option>"))
		return -1;
	for (i = 0; i < d->campaign.units.n; i++) {
		const proto_unit *u = &d->campaign.units.a[i];
		if (u->level != PROTO_UNIT_DISTRICT)
			continue;
		if (proto_buf_appendf(b, "<option value=\"%d\">", u->code) ||
		    web_html_escape(b, u->name) || proto_buf_append_str(b, "</option>"))
			return -1;
	}
	return proto_buf_appendf(b,
				 "</select><label for=\"pw\">Mật khẩu (ít nhất 8 ký tự)</label>"
				 "<input id=\"pw\" name=\"password\" type=\"password\" required"
				 " autocomplete=\"new-password\"><label for=\"pw2\">Nhập lại mật khẩu</label>"
				 "<input id=\"pw2\" name=\"password2\" type=\"password\" required"
				 " autocomplete=\"new-password\"><button id=\"add-go\" type=\"submit\">"
				 "Thêm cán bộ</button></form>")
		       ? -1
		       : 0;
}

/* The whole page, with what the last form did (ok) or why it was refused
 * (error), or neither. */
static int operators_page(hub_dashboard *d, sqlite3 *db, const dash_job *job, const char *ok,
			  const char *error, proto_buf *b)
{
	list_rows l = { d, job, b };

	proto_buf_reset(b);
	if (report_html_head(b, "Mái Ấm — Cán bộ vận hành") || proto_buf_append_str(b, page_style) ||
	    proto_buf_append_str(b, "<h1>Cán bộ vận hành</h1><p>") ||
	    web_html_escape(b, d->campaign.name) ||
	    proto_buf_append_str(b, "</p><p><a href=\"/\">Về trang chính</a></p>"))
		return -1;
	if (ok && (proto_buf_append_str(b, "<p class=\"ok\" id=\"done\">") || web_html_escape(b, ok) ||
		   proto_buf_append_str(b, "</p>")))
		return -1;
	if (error && (proto_buf_append_str(b, "<p class=\"err\" id=\"error\">") ||
		      web_html_escape(b, error) || proto_buf_append_str(b, "</p>")))
		return -1;
	if (proto_buf_append_str(b, "<div style=\"overflow-x:auto;max-width:100%\"><table id=\"operators\">"
				    "<thead><tr><th>Tên đăng nhập</th><th>Vai trò</th><th>Huyện</th>"
				    "<th>Ngày tạo</th><th>Trạng thái</th><th></th></tr></thead><tbody>") ||
	    hub_operator_each(db, list_row, &l) != HUB_OK ||
	    proto_buf_append_str(b, "</tbody></table></div>") || add_form(d, job, b) ||
	    proto_buf_append_str(b, "</body></html>\n"))
		return -1;
	return 0;
}

/* The fields of the add form into the operator *op and the two passwords:
 * NULL, or why the form cannot make an operator (in Vietnamese). */
static const char *add_fields(hub_dashboard *d, sqlite3 *db, const proto_buf *form, hub_operator *op,
			      char *pw, char *pw2, size_t pwlen)
{
	const char *f = (const char *)form->data;
	char role[16] = "", district[16] = "", *end;
	const proto_unit *u;
	size_t plen;
	bool exists = false;
	long code = 0;

	memset(op, 0, sizeof(*op));
	if (web_form_value(f, form->len, "name", op->name, sizeof(op->name)) != WEB_OK ||
	    !hub_operator_name_ok(op->name))
		return "Tên đăng nhập phải gồm 1 đến 64 byte chữ cái (có thể có dấu), chữ số"
		       " hoặc . _ - @, không có dấu cách.";
	if (web_form_value(f, form->len, "role", role, sizeof(role)) != WEB_OK ||
	    hub_role_parse(role, &op->role))
		return "Hãy chọn một vai trò.";
	if (web_form_value(f, form->len, "district", district, sizeof(district)) != WEB_OK)
		district[0] = '\0';
	if (district[0])
		code = strtol(district, &end, 10);
	if (district[0] && (*end || code <= 0 || code > 999999))
		return "Huyện đã chọn không phải là một mã huyện.";
	op->district = (int)code;
	if (op->role == HUB_ROLE_DISTRICT && !op->district)
		return "Cán bộ huyện cần có huyện: hãy chọn huyện.";
	if (op->role != HUB_ROLE_DISTRICT && op->district)
		return "Chỉ cán bộ huyện mới có huyện: hãy để trống ô Huyện.";
	if (op->district && (!(u = proto_units_find(&d->campaign.units, op->district)) ||
			     u->level != PROTO_UNIT_DISTRICT))
		return "Huyện đã chọn không thuộc đợt vận động này.";
	if (web_form_value(f, form->len, "password", pw, pwlen) != WEB_OK ||
	    web_form_value(f, form->len, "password2", pw2, pwlen) != WEB_OK)
		return "Hãy nhập mật khẩu hai lần.";
	if (strcmp(pw, pw2) != 0)
		return "Hai lần nhập mật khẩu không giống nhau: hãy nhập lại.";
	plen = strlen(pw);
	if (plen < 8 || plen > HUB_PASSWORD_MAX)
		return "Mật khẩu phải dài ít nhất 8 ký tự.";
	if (hub_operator_exists(db, op->name, &exists) == HUB_OK && exists)
		return "Tên đăng nhập này đã có: hãy chọn tên khác.";
	return NULL;
}

static void add_operator(hub_dashboard *d, sqlite3 *db, dash_job *job, char *done, size_t donelen)
{
	char pw[HUB_PASSWORD_MAX + 1], pw2[HUB_PASSWORD_MAX + 1], err[512];
	const char *why;
	hub_operator op;

	why = add_fields(d, db, &job->form, &op, pw, pw2, sizeof(pw));
	if (!why && hub_operator_add(db, &d->campaign, op.name, op.role, op.district, pw, err,
				     sizeof(err)) != HUB_OK)
		why = "Không lưu được cán bộ mới: xem nhật ký của máy chủ tỉnh và thử lại.";
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(pw2, sizeof(pw2));
	if (why) {
		dash_answer_html(job, 400, operators_page(d, db, job, NULL, why, &job->body));
		return;
	}
	snprintf(done, donelen, "Đã thêm cán bộ %s (%s).", op.name, role_labels[op.role]);
	dash_answer_html(job, 200, operators_page(d, db, job, done, NULL, &job->body));
}

static void disable_operator(hub_dashboard *d, sqlite3 *db, dash_job *job, char *done, size_t donelen)
{
	char name[HUB_OPERATOR_NAME_MAX + 1];
	bool found = false;

	if (web_form_value((const char *)job->form.data, job->form.len, "name", name, sizeof(name)) !=
		    WEB_OK ||
	    strcmp(name, job->who.name) == 0) {
		dash_answer_html(job, 400,
				 operators_page(d, db, job, NULL, "Hãy chọn một cán bộ khác để khóa.",
						&job->body));
		return;
	}
	if (hub_operator_disable(db, name, &found) != HUB_OK) {
		dash_answer_text(job, 503,
				 "cannot disable the operator: the hub database is busy, try again");
		return;
	}
	if (!found) {
		dash_answer_html(job, 404,
				 operators_page(d, db, job, NULL, "Không có cán bộ này.", &job->body));
		return;
	}
	snprintf(done, donelen, "Đã khóa tài khoản %s: cán bộ này không đăng nhập được nữa.", name);
	dash_answer_html(job, 200, operators_page(d, db, job, done, NULL, &job->body));
}

void dash_operators_answer(hub_dashboard *d, sqlite3 *rw, dash_job *job)
{
	char action[16] = "", done[256];

	if (job->who.role != HUB_ROLE_ADMIN) {
		dash_answer_text(job, 403,
				 "only an admin operator manages the operators: ask one of the"
				 " province's admins");
		return;
	}
	if (!job->form.len) {
		dash_answer_html(job, 200, operators_page(d, rw, job, NULL, NULL, &job->body));
		return;
	}
	if (web_form_value((const char *)job->form.data, job->form.len, "action", action,
			   sizeof(action)) == WEB_OK &&
	    strcmp(action, "add") == 0)
		add_operator(d, rw, job, done, sizeof(done));
	else if (strcmp(action, "disable") == 0)
		disable_operator(d, rw, job, done, sizeof(done));
	else
		dash_answer_html(job, 400,
				 operators_page(d, rw, job, NULL, "Biểu mẫu không rõ việc cần làm.",
						&job->body));
}
