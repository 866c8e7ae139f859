/*
 * dashboard_household_post.c - deciding from a household's page: approve
 * it, or reject it with a reason (POST /household/decide), and resolve one
 * of its reconcile items, keeping a conflict's winner or loser, with a note
 * (POST /household/resolve). Each goes through the code of the command that
 * does it ('maiam-hub household approve|reject', hub_decide_household;
 * 'maiam-hub reconcile resolve', hub_reconcile_resolve), on the read-write
 * worker, with the hub opened as those commands open it (its key signs the
 * decision). A refusal writes nothing and answers the page with why; a
 * decision done answers 303 back to the page (reloading it sends nothing).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "maiam/schema.h"
#include "maiam/text.h"
#include "decision.h"
#include "ctx.h"
#include "household_ref.h"
#include "dashboard_household.h"

/* ---- the forms ------------------------------------------------------------ */

/*
 * A form of the page, posting to action with the household's id and the
 * session's CSRF token. Every POST of the dashboard is checked in one
 * place (dashboard.c: Origin and the token); this is the one start of
 * every form of the page. Without a token (a viewer, who decides nothing)
 * the page has no forms.
 */
static int form_open(proto_buf *b, const char *action, const char *form_id, proto_id id, const char *csrf)
{
	char hid[48];

	dash_hh_id(id, hid);
	if (proto_buf_appendf(b,
			      "<form method=\"post\" action=\"%s\" id=\"%s\">"
			      "<input type=\"hidden\" name=\"id\" value=\"%s\">",
			      action, form_id, hid))
		return -1;
	if (!csrf || !csrf[0])
		return 0;
	return proto_buf_append_str(b, "<input type=\"hidden\" name=\"csrf\" value=\"") ||
			       web_html_escape(b, csrf) || proto_buf_append_str(b, "\">")
		       ? -1
		       : 0;
}

int dash_hh_decide_form(proto_buf *b, proto_id id, const char *review, const char *csrf)
{
	if (proto_buf_append_str(b, "<h2 id=\"decide\">Xác nhận của tỉnh</h2><p>Hiện nay: <b "
				    "id=\"review\">") ||
	    web_html_escape(b, strcmp(review, "approved") == 0   ? "Đã xác nhận"
			       : strcmp(review, "rejected") == 0 ? "Không xác nhận"
								 : "Chờ xác nhận") ||
	    proto_buf_append_str(b, "</b></p>"))
		return -1;
	if (!csrf || !csrf[0])
		return 0;
	if (proto_buf_append_str(b, "<div class=\"acts\">"))
		return -1;
	/* approved once is enough; rejected may be reconsidered, with a new reason */
	if (strcmp(review, "approved") != 0 &&
	    (form_open(b, "/household/decide", "approve-form", id, csrf) ||
	     proto_buf_append_str(b, "<input type=\"hidden\" name=\"decision\" value=\"approve\">"
				     "<button id=\"approve\" type=\"submit\">Xác nhận hộ này</button>"
				     "</form>")))
		return -1;
	if (form_open(b, "/household/decide", "reject-form", id, csrf) ||
	    proto_buf_appendf(b,
			      "<input type=\"hidden\" name=\"decision\" value=\"reject\">"
			      "<label for=\"reason\">Lý do không xác nhận (bắt buộc)</label>"
			      "<textarea id=\"reason\" name=\"reason\" required maxlength=\"%u\">"
			      "</textarea><button id=\"reject\" type=\"submit\">Không xác nhận</button>"
			      "</form></div>",
			      PROTO_MAX_TEXT))
		return -1;
	return 0;
}

int dash_hh_resolve_form(proto_buf *b, proto_id id, const char *item, const char *csrf)
{
	char form_id[128];

	if (!csrf || !csrf[0])
		return 0;
	snprintf(form_id, sizeof(form_id), "resolve-%.96s", item);
	/* closed until asked for: a row of the table stays one line */
	if (proto_buf_append_str(b, "<details class=\"rsv\"><summary>Xử lý mục này</summary>") ||
	    form_open(b, "/household/resolve", form_id, id, csrf) ||
	    proto_buf_append_str(b, "<input type=\"hidden\" name=\"item\" value=\"") ||
	    web_html_escape(b, item) || proto_buf_append_str(b, "\">"))
		return -1;
	if (strncmp(item, "C-", 2) == 0 &&
	    proto_buf_append_str(b, "<p><label><input type=\"radio\" name=\"keep\" value=\"winner\""
				    " checked> Giữ giá trị đang thắng</label><br><label><input"
				    " type=\"radio\" name=\"keep\" value=\"loser\"> Lấy giá trị"
				    " kia</label></p>"))
		return -1;
	return proto_buf_appendf(b,
				 "<label>Ghi chú: đã xử lý thế nào (bắt buộc)<textarea name=\"note\""
				 " required maxlength=\"%u\"></textarea></label>"
				 "<button type=\"submit\">Ghi nhận đã xử lý</button></form></details>",
				 PROTO_MAX_TEXT)
		       ? -1
		       : 0;
}

/* ---- the answers ---------------------------------------------------------- */

/* What a POST sent: its fields, each well formed or the whole is refused. */
typedef struct post_form {
	char id[DASH_TYPED_MAX];
	char decision[16];
	char item[96];
	char keep[16];
	char text[PROTO_MAX_TEXT + 1]; /* reason or note */
} post_form;

/* A field that may be absent ("" then); -1 when it is malformed, repeated or too long. */
int dash_hh_form_field(const dash_job *job, const char *key, char *out, size_t n)
{
	web_result r = web_form_value((const char *)job->form.data, job->form.len, key, out, n);

	return r == WEB_OK || r == WEB_ABSENT ? 0 : -1;
}

/* s without blanks at either end, in place. */
void dash_hh_trim(char *s)
{
	size_t start = 0, len = strlen(s);

	while (len && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	while (isspace((unsigned char)s[start]))
		start++;
	memmove(s, s + start, len - start + 1);
}

/* The household's page again, with why nothing was done, as job's answer. */
static void refuse(hub_dashboard *d, sqlite3 *db, dash_job *job, proto_id id, int status, const char *why)
{
	char hid[48];
	char csrf[WEB_TOKEN_HEX + 1];
	bool found = false;
	int built;

	dash_hh_id(id, hid);
	proto_buf_reset(&job->body);
	if (web_csrf_token(d->csrf_key, job->tok, csrf) != WEB_OK)
		csrf[0] = '\0';
	built = dash_household_page(d, db, id, hid, why, csrf[0] ? csrf : NULL, &job->body, &found);
	dash_answer_html(job, status, built || !found);
}

/* Done: back to the household's page, which shows what changed. */
static void done(dash_job *job, proto_id id)
{
	char hid[48];

	dash_hh_id(id, hid);
	snprintf(job->where, sizeof(job->where), "/household?id=%s", hid);
	job->location = job->where;
	proto_buf_reset(&job->body);
	dash_answer_text(job, 303, "done: see the household's page");
}

/* Approve, or reject with a reason: through 'household approve|reject'. */
static void decide(hub_dashboard *d, sqlite3 *db, dash_job *job, hub_ctx *ctx, proto_id id,
		   const post_form *f)
{
	int approve = strcmp(f->decision, "approve") == 0;
	char err[512];
	int64_t commune = 0;
	bool found = false;
	hub_result r;

	if (!approve && strcmp(f->decision, "reject") != 0) {
		dash_answer_text(job, 400, "decision must be approve or reject");
		return;
	}
	if (!approve && !f->text[0]) {
		refuse(d, db, job, id, 400,
		       "Không xác nhận thì phải ghi lý do (máy tính của xã sẽ thấy lý do này):"
		       " ghi lý do rồi bấm lại \"Không xác nhận\". Chưa ghi gì.");
		return;
	}
	/* signed with the operator's name, as the CLI's with --by */
	r = hub_decide_household(ctx, job->who.name, id, approve ? "approved" : "rejected",
				 approve ? NULL : f->text, &commune, &found, err, sizeof(err));
	if (r == HUB_OK && found) {
		done(job, id);
		return;
	}
	if (r == HUB_OK) {
		dash_answer_text(job, 404, "no such household at the hub");
		return;
	}
	refuse(d, db, job, id, r == HUB_REFUSED ? 400 : 503,
	       r == HUB_REFUSED ? "Lý do này không ghi được (quá dài hoặc không phải văn bản):"
				  " sửa lại rồi gửi lại. Chưa ghi gì."
				: "Máy chủ tỉnh đang bận hoặc gặp lỗi, chưa ghi được quyết định:"
				  " thử lại sau ít phút.");
}

/* Resolve one of the household's open items, as 'reconcile resolve' does. */
static void resolve(hub_dashboard *d, sqlite3 *db, dash_job *job, hub_ctx *ctx, proto_id id,
		    const post_form *f, const char *who)
{
	hh_items items = { 0 };
	char err[512], why[768];
	size_t i;
	hub_result r;

	/* only an item of this household, from this household's page: the
	 * page is the operator's scope */
	if (dash_hh_reconcile(d, db, id, NULL, &items, NULL)) {
		dash_answer_text(job, 503, "cannot read the reconcile queue: try again");
		goto out;
	}
	for (i = 0; i < items.n && strcmp(items.a[i].id, f->item) != 0; i++)
		;
	if (i == items.n) {
		refuse(d, db, job, id, 404, "Hộ này không có mục cần xử lý mang mã đó. Chưa ghi gì.");
		goto out;
	}
	if (!items.a[i].open) {
		refuse(d, db, job, id, 409, "Mục này đã được xử lý rồi. Chưa ghi gì thêm.");
		goto out;
	}
	if (!f->text[0]) {
		refuse(d, db, job, id, 400,
		       "Xử lý một mục thì phải ghi chú đã xử lý thế nào: ghi rồi gửi lại. Chưa ghi gì.");
		goto out;
	}
	if (f->keep[0] && (strncmp(f->item, "C-", 2) != 0 ||
			   (strcmp(f->keep, "winner") != 0 && strcmp(f->keep, "loser") != 0))) {
		refuse(d, db, job, id, 400,
		       "Chỉ mục sửa cùng lúc (C-…) mới chọn giữ giá trị nào. Chưa ghi gì.");
		goto out;
	}
	r = hub_reconcile_resolve(ctx, who, f->item, f->text, f->keep[0] ? f->keep : NULL, err,
				  sizeof(err));
	if (r == HUB_OK) {
		done(job, id);
		goto out;
	}
	snprintf(why, sizeof(why), "Chưa ghi được việc xử lý mục %s (%s): thử lại sau ít phút.", f->item,
		 err);
	refuse(d, db, job, id, r == HUB_REFUSED ? 409 : 503, why);
out:
	hh_items_release(&items);
}

void dash_household_post(hub_dashboard *d, sqlite3 *rw, dash_job *job)
{
	bool may = false;
	post_form f;
	hub_ref_match match = HUB_REF_MALFORMED;
	char err[512];
	hub_ctx ctx;
	proto_id id;

	memset(&f, 0, sizeof(f));
	if (dash_hh_form_field(job, "id", f.id, sizeof(f.id)) ||
	    dash_hh_form_field(job, "decision", f.decision, sizeof(f.decision)) ||
	    dash_hh_form_field(job, "item", f.item, sizeof(f.item)) ||
	    dash_hh_form_field(job, "keep", f.keep, sizeof(f.keep)) ||
	    dash_hh_form_field(job, job->kind == DJ_DECIDE ? "reason" : "note", f.text, sizeof(f.text)) ||
	    !proto_utf8_valid(f.text, strlen(f.text))) {
		dash_answer_text(job, 400,
				 "the form is malformed or a field is too long (a reason or note"
				 " is at most 4096 bytes of UTF-8): go back to the household's page");
		return;
	}
	dash_hh_trim(f.id);
	dash_hh_trim(f.text);
	if (hub_household_resolve(rw, f.id, &id, &match) != HUB_OK) {
		dash_answer_text(job, 503,
				 "cannot read the households: the hub database is busy, try again");
		return;
	}
	/* another district's household is one the hub does not hold, as on
	 * its page; a viewer decides nothing */
	if (match == HUB_REF_ONE && dash_may_see_household(d, rw, job, id, &may) != HUB_OK) {
		dash_answer_text(job, 503,
				 "cannot read the households: the hub database is busy, try again");
		return;
	}
	if (match != HUB_REF_ONE || !may) {
		dash_answer_text(job, match == HUB_REF_MANY ? 400 : 404,
				 "the form names no single household: open its page and try again");
		return;
	}
	if (!dash_may_decide(job)) {
		dash_answer_text(job, 403,
				 "a viewer decides nothing: ask an admin or the district's operator");
		return;
	}
	/* the hub as its commands open it: its key signs the decision */
	if (hub_open(&ctx, d->dir, err, sizeof(err)) != HUB_OK) {
		dash_answer_text(job, 503, "cannot open the hub to record the decision: try again");
		return;
	}
	if (job->kind == DJ_DECIDE)
		decide(d, rw, job, &ctx, id, &f);
	else
		resolve(d, rw, job, &ctx, id, &f, job->who.name);
	hub_close(&ctx);
}
