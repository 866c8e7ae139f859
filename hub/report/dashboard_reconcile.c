/*
 * dashboard_reconcile.c - a rejected change-set settled from the
 * operator's page (dashboard_reconcile.h): its resolve form, and the POST
 * that checks the item is in the operator's queue (a district operator's
 * is its laptops', report_reconcile_scope.c) and signs the resolution
 * through hub_reconcile_resolve, as the command does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctx.h"
#include "dashboard_household.h"
#include "dashboard_reconcile.h"

int dash_rejection_form(const hub_dashboard *d, const dash_job *job, int64_t id, proto_buf *b)
{
	if (!dash_may_decide(job))
		return 0;
	if (proto_buf_appendf(b,
			      "<details class=\"rsv\"><summary>Xử lý mục này</summary><form"
			      " id=\"resolve-R-%lld\" method=\"post\" action=\"/reconcile/resolve\">",
			      (long long)id) ||
	    dash_csrf_field(d, job, b))
		return -1;
	return proto_buf_appendf(b,
				 "<input type=\"hidden\" name=\"item\" value=\"R-%lld\"><label>Ghi"
				 " chú: đã xử lý thế nào (bắt buộc)<textarea name=\"note\" required"
				 " maxlength=\"%u\"></textarea></label><button type=\"submit\">Ghi"
				 " nhận đã xử lý</button></form></details>",
				 (long long)id, PROTO_MAX_TEXT)
		       ? -1
		       : 0;
}

/* What the walk found of the rejection asked for. */
typedef struct found_item {
	int found, resolved;
} found_item;

static rc_next found(void *arg, rc_item *it)
{
	found_item *f = arg;

	f->found = 1;
	f->resolved = it->resolved;
	return RC_STOP;
}

/* A page saying what happened, with the way back to the operator's page. */
static void answer(hub_dashboard *d, dash_job *job, int status, const char *why)
{
	proto_buf *b = &job->body;

	proto_buf_reset(b);
	dash_answer_html(job, status,
			 report_html_head(b, "Mái Ấm — Xử lý gói dữ liệu bị từ chối") ||
				 proto_buf_append_str(b, "<h1>Xử lý gói dữ liệu bị từ chối</h1><p class=\"err\""
							 " id=\"error\">") ||
				 web_html_escape(b, why) ||
				 proto_buf_append_str(b, "</p><p><a id=\"back\" href=\"/\">Về trang chính"
							 "</a></p></body></html>\n"));
}

void dash_rejection_post(hub_dashboard *d, sqlite3 *rw, dash_job *job)
{
	char item[32], note[PROTO_MAX_TEXT + 1], err[512], why[768], *end;
	found_item f = { 0, 0 };
	rc_request req = { .limit = 1, .all = 1, .rejected = 1, .district = dash_scope_district(job) };
	hub_ctx ctx;
	hub_result r;

	if (!dash_may_decide(job)) {
		dash_answer_text(job, 403,
				 "a viewer decides nothing: ask an admin or the district's operator");
		return;
	}
	if (dash_hh_form_field(job, "item", item, sizeof(item)) ||
	    dash_hh_form_field(job, "note", note, sizeof(note)) || strncmp(item, "R-", 2) != 0 ||
	    (req.rejection_id = strtoll(item + 2, &end, 10)) <= 0 || *end ||
	    !proto_utf8_valid(note, strlen(note))) {
		dash_answer_text(job, 400,
				 "the form is malformed: item=R-N (a rejected change-set of your queue)"
				 " and a note of at most 4096 bytes of UTF-8");
		return;
	}
	dash_hh_trim(note);
	if (rc_walk_queue(rw, &d->campaign, "9999-12-31", 0, &req, found, &f) != HUB_OK) {
		answer(d, job, 503, "Máy chủ tỉnh đang bận, chưa đọc được hàng đợi: thử lại sau ít phút.");
		return;
	}
	if (!f.found || f.resolved || !note[0]) {
		answer(d, job,
		       !f.found     ? 404
		       : f.resolved ? 409
				    : 400,
		       !f.found ? "Hàng đợi của anh/chị không có mục này: chưa ghi gì."
		       : f.resolved ? "Mục này đã được xử lý rồi. Chưa ghi gì thêm."
				    : "Xử lý một mục thì phải ghi chú đã xử lý thế nào: ghi rồi gửi lại."
				      " Chưa ghi gì.");
		return;
	}
	if (hub_open(&ctx, d->dir, err, sizeof(err)) != HUB_OK) {
		answer(d, job, 503, "Máy chủ tỉnh chưa mở được để ghi: thử lại sau ít phút.");
		return;
	}
	r = hub_reconcile_resolve(&ctx, job->who.name, item, note, NULL, err, sizeof(err));
	hub_close(&ctx);
	if (r != HUB_OK) {
		snprintf(why, sizeof(why), "Chưa ghi được việc xử lý mục %s (%s): thử lại sau ít phút.",
			 item, err);
		answer(d, job, r == HUB_REFUSED ? 409 : 503, why);
		return;
	}
	job->location = "/";
	proto_buf_reset(&job->body);
	dash_answer_text(job, 303, "done: see the reconcile queue");
}
