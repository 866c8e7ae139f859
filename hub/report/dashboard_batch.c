/*
 * dashboard_batch.c - decisions on many households from /households
 * (dashboard_batch.h). The browser's table sits in a form (id="batch")
 * for an operator who may decide: a box on each row, a reason, and four
 * buttons: the ticked rows confirmed or not, or the whole filtered set. The
 * whole set is asked about first: a confirmation page (form id
 * "batch-confirm") says how many households and which filters, and carries
 * a token binding the session, the action, the filters, the reason and
 * that count, so the second POST does exactly what was shown; a set that
 * changed in between (another count) is refused with the new count. Every
 * household is checked against the operator's district: a ticked id of
 * another district is answered as one the hub does not hold, and the
 * whole batch is refused, nothing written. Pages in Vietnamese, as every
 * page of the dashboard, with the glossary's words (the province's review
 * is "xác nhận").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "decision_batch.h"
#include "hub.h"
#include "dashboard_batch.h"
#include "dashboard_household.h"

/* ---- the form on /households ---------------------------------------------- */

int dash_batch_form_open(const hub_dashboard *d, const dash_job *job, const dash_households_ask *a,
			 proto_buf *b)
{
	proto_buf query;
	int rc = -1;

	if (!dash_may_decide(job))
		return 0;
	proto_buf_init(&query, 4 * DASH_QUERY_MAX);
	if (dash_households_query(&query, a, "&") || proto_buf_append_byte(&query, 0))
		goto out;
	if (proto_buf_append_str(b, "<form id=\"batch\" method=\"post\" action=\"/households/decide\">") ||
	    dash_csrf_field(d, job, b) ||
	    proto_buf_append_str(b, "<input type=\"hidden\" name=\"query\" value=\"") ||
	    web_html_escape(b, (const char *)query.data) || proto_buf_append_str(b, "\">"))
		goto out;
	rc = 0;
out:
	proto_buf_release(&query);
	return rc;
}

int dash_batch_checkbox(const dash_job *job, proto_id id, proto_buf *b)
{
	if (!dash_may_decide(job))
		return 0;
	return proto_buf_appendf(b,
				 "<td><input type=\"checkbox\" name=\"id\" value=\"%016llx-%llu\""
				 " aria-label=\"Chọn hộ này\"></td>",
				 (unsigned long long)id.origin, (unsigned long long)id.serial)
		       ? -1
		       : 0;
}

int dash_batch_form_close(const dash_job *job, int64_t total, proto_buf *b)
{
	char n[32];

	if (!dash_may_decide(job))
		return 0;
	report_fmt_group(total, n, sizeof(n));
	if (proto_buf_appendf(b,
			      "<fieldset id=\"batch-controls\"><legend>Xác nhận nhiều hộ một lúc</legend>"
			      "<label for=\"batch-reason\">Lý do (bắt buộc khi không xác nhận; máy tính"
			      " của xã sẽ thấy)</label><textarea id=\"batch-reason\" name=\"reason\""
			      " maxlength=\"%u\"></textarea><p>Các hộ đã đánh dấu: "
			      "<button id=\"batch-approve\" type=\"submit\" name=\"act\" value=\"approve\">"
			      "Xác nhận</button> <button id=\"batch-reject\" type=\"submit\" name=\"act\""
			      " value=\"reject\">Không xác nhận</button></p>",
			      PROTO_MAX_TEXT))
		return -1;
	/* the whole set only through its confirmation page */
	if (total > 0 &&
	    proto_buf_appendf(b,
			      "<p>Cả %s hộ tìm thấy (mọi trang): <button id=\"all-approve\" type=\"submit\""
			      " name=\"act\" value=\"approve-all\">Xác nhận cả %s hộ…</button> <button"
			      " id=\"all-reject\" type=\"submit\" name=\"act\" value=\"reject-all\">Không"
			      " xác nhận cả %s hộ…</button></p>",
			      n, n, n))
		return -1;
	return proto_buf_append_str(b, "</fieldset></form>") ? -1 : 0;
}

int dash_batch_banner(const char *query, proto_buf *b)
{
	char done[16] = "", num[24] = "", skipped[24] = "", n[32], m[32];
	char *end;
	long long decided, left;

	if (!query || web_query_value(query, "done", done, sizeof(done)) != WEB_OK ||
	    web_query_value(query, "n", num, sizeof(num)) != WEB_OK ||
	    web_query_value(query, "skipped", skipped, sizeof(skipped)) != WEB_OK)
		return 0;
	decided = strtoll(num, &end, 10);
	if (*end || decided < 0)
		return 0;
	left = strtoll(skipped, &end, 10);
	if (*end || left < 0)
		return 0;
	if (strcmp(done, "approve") != 0 && strcmp(done, "reject") != 0)
		return 0;
	report_fmt_group(decided, n, sizeof(n));
	report_fmt_group(left, m, sizeof(m));
	return proto_buf_appendf(b,
				 strcmp(done, "approve") == 0
					 ? "<p id=\"batch-done\" class=\"ok\">Đã xác nhận %s hộ, bỏ qua"
					   " %s hộ (đã xác nhận từ trước).</p>"
					 : "<p id=\"batch-done\" class=\"ok\">Đã ghi không xác nhận %s hộ,"
					   " bỏ qua %s hộ (đã không xác nhận từ trước).</p>",
				 n, m)
		       ? -1
		       : 0;
}

/* ---- the POST ---------------------------------------------------------------- */

/* What the POST sent besides the ticked ids. */
typedef struct batch_form {
	char act[16];
	char reason[PROTO_MAX_TEXT + 1];
	char query[DASH_QUERY_MAX];
	char count[24];
	char token[2 * EVP_MAX_MD_SIZE + 1];
	int approve, all;                   /* from act */
	char canonical[4 * DASH_QUERY_MAX]; /* the filters as dash_households_query writes them */
	dash_households_ask ask;
	int ask_ok; /* the query parsed */
} batch_form;

/* The households the batch covers. */
typedef struct batch_ids {
	proto_id *a;
	size_t n, cap;
} batch_ids;

static int ids_add(batch_ids *ids, proto_id id)
{
	proto_id *a = dash_hh_grown(ids->a, ids->n, &ids->cap, sizeof(*a));

	if (a) /* else ids keeps what it held, freed by the caller */
		(ids->a = a)[ids->n++] = id;
	return a ? 0 : -1;
}

/* The form's fields into f: 0, or -1 for one malformed, repeated or too long. */
static int read_form(const hub_dashboard *d, const dash_job *job, batch_form *f)
{
	proto_buf q;

	if (dash_hh_form_field(job, "act", f->act, sizeof(f->act)) ||
	    dash_hh_form_field(job, "reason", f->reason, sizeof(f->reason)) ||
	    dash_hh_form_field(job, "query", f->query, sizeof(f->query)) ||
	    dash_hh_form_field(job, "count", f->count, sizeof(f->count)) ||
	    dash_hh_form_field(job, "token", f->token, sizeof(f->token)) ||
	    !proto_utf8_valid(f->reason, strlen(f->reason)))
		return -1;
	dash_hh_trim(f->reason);
	f->approve = strncmp(f->act, "approve", 7) == 0;
	f->all = strcmp(f->act, "approve-all") == 0 || strcmp(f->act, "reject-all") == 0;
	if (!f->all && strcmp(f->act, "approve") != 0 && strcmp(f->act, "reject") != 0)
		return -1;
	/* filters the list cannot have had leave the ticked rows' answer
	 * without them; a whole set needs them right */
	f->ask_ok = dash_households_parse(d, f->query, &f->ask) == 0;
	if (!f->ask_ok)
		return f->all ? -1 : 0;
	proto_buf_init(&q, sizeof(f->canonical) - 1);
	if (dash_households_query(&q, &f->ask, "&") == 0)
		snprintf(f->canonical, sizeof(f->canonical), "%.*s", (int)q.len, (const char *)q.data);
	proto_buf_release(&q);
	return 0;
}

/* The ticked ids: each exactly one household the operator may decide for.
 * 0; -1 for a value malformed or too many (400); 1 for one the hub does not
 * hold or of another district (404: the same answer); -2 the database. */
static int ticked_ids(hub_dashboard *d, sqlite3 *rw, const dash_job *job, batch_ids *ids)
{
	const char *form = (const char *)job->form.data, *at = form, *end = form + job->form.len;

	while (at < end) {
		const char *amp = memchr(at, '&', (size_t)(end - at));
		size_t len = amp ? (size_t)(amp - at) : (size_t)(end - at);
		char typed[DASH_TYPED_MAX];
		hub_ref_match match = HUB_REF_MALFORMED;
		proto_id id;
		bool may = false;

		/* each "id=" pair alone, through the forms' own decoder */
		if (len > 3 && memcmp(at, "id=", 3) == 0) {
			if (web_form_value(at, len, "id", typed, sizeof(typed)) != WEB_OK ||
			    ids->n >= HUB_BROWSE_PAGE_MAX)
				return -1;
			if (hub_household_resolve(rw, typed, &id, &match) != HUB_OK ||
			    (match == HUB_REF_ONE &&
			     dash_may_see_household(d, rw, job, id, &may) != HUB_OK))
				return -2;
			if (match == HUB_REF_MALFORMED)
				return -1;
			if (match != HUB_REF_ONE || !may)
				return 1;
			if (ids_add(ids, id))
				return -2;
		}
		at += len + 1;
	}
	return 0;
}

/* The whole set's token: HMAC-SHA256 under the dashboard's form key of the
 * session, the action, the filters, the reason and the count, in hex. */
static int set_token(const hub_dashboard *d, const dash_job *job, const batch_form *f, int64_t count,
		     char out[2 * EVP_MAX_MD_SIZE + 1])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0, i;
	char num[24];
	proto_buf msg;
	int rc = -1;

	snprintf(num, sizeof(num), "%lld", (long long)count);
	proto_buf_init(&msg, 1 << 16);
	/* NUL between the parts: none of them holds one */
	if (proto_buf_append(&msg, job->tok, strlen(job->tok) + 1) ||
	    proto_buf_append(&msg, f->act, strlen(f->act) + 1) ||
	    proto_buf_append(&msg, f->canonical, strlen(f->canonical) + 1) ||
	    proto_buf_append(&msg, f->reason, strlen(f->reason) + 1) ||
	    proto_buf_append(&msg, num, strlen(num)))
		goto out;
	if (!HMAC(EVP_sha256(), d->csrf_key, sizeof(d->csrf_key), msg.data, msg.len, mac, &maclen))
		goto out;
	for (i = 0; i < maclen; i++)
		snprintf(out + 2 * i, 3, "%02x", mac[i]);
	rc = 0;
out:
	proto_buf_release(&msg);
	return rc;
}

/* A page saying why nothing was done, with the way back to the list. */
static void answer_page(hub_dashboard *d, dash_job *job, int status, const batch_form *f, const char *why)
{
	proto_buf *b = &job->body;
	int built;

	proto_buf_reset(b);
	built = report_html_head(b, "Mái Ấm — Xác nhận nhiều hộ") ||
		proto_buf_append_str(b, "<h1>Xác nhận nhiều hộ</h1><p>") ||
		web_html_escape(b, d->campaign.name) ||
		proto_buf_append_str(b, "</p><p class=\"err\" id=\"error\">") || web_html_escape(b, why) ||
		proto_buf_append_str(b, "</p><p><a id=\"batch-back\" href=\"/households?") ||
		web_html_escape(b, f->canonical) ||
		proto_buf_append_str(b, "\">Về danh sách hộ</a></p></body></html>\n");
	dash_answer_html(job, status, built);
}

/* One filter in words: "; Title: value" (the first without "; "). */
static int filter_words(proto_buf *b, int *first, const char *title, const char *value)
{
	if (!value || !value[0])
		return 0;
	if (proto_buf_appendf(b, "%s%s: ", *first ? "" : "; ", title) || web_html_escape(b, value))
		return -1;
	*first = 0;
	return 0;
}

static const char *unit_words(const proto_campaign *c, int code)
{
	const proto_unit *u = code ? proto_units_find(&c->units, code) : NULL;

	return u ? u->name : NULL;
}

static const char *list_words(const proto_campaign *c, proto_list list, const char *code)
{
	const char *label = code && code[0] ? proto_label(&c->labels, list, code) : NULL;

	return label ? label : code;
}

/* The filters of a in words, for the confirmation page. */
static int filters_in_words(const proto_campaign *c, const dash_households_ask *a, proto_buf *b)
{
	int first = 1;
	const char *stage = strcmp(a->stage, "none") == 0 ? "Chưa có mốc nào"
							  : list_words(c, PROTO_LIST_STAGE, a->stage);

	if (proto_buf_append_str(b, "<p id=\"confirm-filters\">Các hộ khớp bộ lọc: ") ||
	    filter_words(b, &first, "Tìm", a->text) ||
	    filter_words(b, &first, "Huyện", unit_words(c, a->q.district)) ||
	    filter_words(b, &first, "Xã", unit_words(c, a->q.commune)) ||
	    filter_words(b, &first, "Diện hộ", list_words(c, PROTO_LIST_CATEGORY, a->category)) ||
	    filter_words(b, &first, "Xác nhận của tỉnh",
			 list_words(c, PROTO_LIST_REVIEW_STATUS, a->review)) ||
	    filter_words(b, &first, "Giai đoạn đã đạt", stage) ||
	    filter_words(b, &first, "Thời hạn",
			 a->q.timing == HUB_BROWSE_ON_TIME ? "Bàn giao đúng hạn"
			 : a->q.timing == HUB_BROWSE_LATE  ? "Trễ hạn"
							   : NULL) ||
	    filter_words(b, &first, "Còn mục đối soát", a->q.open_items ? "có" : NULL) ||
	    filter_words(b, &first, "Thiếu ảnh", a->q.missing_photo ? "có" : NULL))
		return -1;
	return proto_buf_append_str(b, first ? "không lọc gì (mọi hộ anh/chị được xem).</p>" : ".</p>")
		       ? -1
		       : 0;
}

/* The whole set's confirmation page for count households (200), or the
 * same again after the set changed (409, the count it had before). */
static void confirm_page(hub_dashboard *d, dash_job *job, const batch_form *f, int64_t count, int64_t was)
{
	proto_buf *b = &job->body;
	char token[2 * EVP_MAX_MD_SIZE + 1], n[32], before[32];
	const char *doing = f->approve ? "Xác nhận" : "Không xác nhận";
	int built = -1;

	proto_buf_reset(b);
	report_fmt_group(count, n, sizeof(n));
	report_fmt_group(was, before, sizeof(before));
	if (set_token(d, job, f, count, token) || report_html_head(b, "Mái Ấm — Xác nhận nhiều hộ") ||
	    proto_buf_append_str(b, "<h1>Xác nhận nhiều hộ</h1><p>") ||
	    web_html_escape(b, d->campaign.name) || proto_buf_append_str(b, "</p>") ||
	    (was >= 0 && proto_buf_appendf(b,
					   "<p class=\"err\" id=\"error\">Danh sách đã thay đổi từ lúc"
					   " hỏi: nay có %s hộ, không phải %s. Chưa ghi gì: xem lại"
					   " rồi xác nhận lại.</p>",
					   n, before)) ||
	    proto_buf_appendf(b, "<p id=\"confirm-question\"><b>%s %s hộ?</b></p>", doing, n) ||
	    filters_in_words(&d->campaign, &f->ask, b) ||
	    (!f->approve && (proto_buf_append_str(b, "<p id=\"confirm-reason\">Lý do: ") ||
			     web_html_escape(b, f->reason) || proto_buf_append_str(b, "</p>"))) ||
	    proto_buf_append_str(b, "<form id=\"batch-confirm\" method=\"post\""
				    " action=\"/households/decide\">") ||
	    dash_csrf_field(d, job, b) ||
	    proto_buf_appendf(b, "<input type=\"hidden\" name=\"act\" value=\"%s\">", f->act) ||
	    proto_buf_append_str(b, "<input type=\"hidden\" name=\"query\" value=\"") ||
	    web_html_escape(b, f->canonical) ||
	    proto_buf_append_str(b, "\"><input type=\"hidden\" name=\"reason\" value=\"") ||
	    web_html_escape(b, f->reason) ||
	    proto_buf_appendf(b,
			      "\"><input type=\"hidden\" name=\"count\" value=\"%lld\"><input"
			      " type=\"hidden\" name=\"token\" value=\"%s\"><button id=\"confirm-go\""
			      " type=\"submit\">%s %s hộ</button></form>",
			      (long long)count, token, doing, n) ||
	    proto_buf_append_str(b, "<p><a id=\"confirm-back\" href=\"/households?") ||
	    web_html_escape(b, f->canonical) ||
	    proto_buf_append_str(b, "\">Quay lại danh sách, chưa ghi gì</a></p></body></html>\n"))
		goto out;
	built = 0;
out:
	dash_answer_html(job, was >= 0 ? 409 : 200, built);
}

static int add_browsed(void *arg, const hub_browse_row *row)
{
	return ids_add(arg, row->id);
}

/* The whole set: confirmation first, then (the token and the count the
 * same) its ids into ids. 0: ids ready; 1: answered. */
static int whole_set(hub_dashboard *d, sqlite3 *rw, dash_job *job, const batch_form *f, batch_ids *ids)
{
	char as_of[11], token[2 * EVP_MAX_MD_SIZE + 1], *end;
	int scope = dash_scope_district(job);
	int64_t total = 0;
	long long asked;

	hub_report_today(as_of);
	if (hub_browse(rw, &d->campaign, as_of, scope, &f->ask.q, NULL, NULL, &total) != HUB_OK) {
		answer_page(d, job, 503, f,
			    "Máy chủ tỉnh đang bận, chưa đếm được các hộ: thử lại sau ít phút.");
		return 1;
	}
	if (!f->token[0]) {
		if (total > 0)
			confirm_page(d, job, f, total, -1);
		else
			answer_page(d, job, 400, f, "Không có hộ nào khớp bộ lọc: chưa ghi gì.");
		return 1;
	}
	asked = strtoll(f->count, &end, 10);
	if (!f->count[0] || *end || asked < 0 || set_token(d, job, f, asked, token) ||
	    strlen(token) != strlen(f->token) || CRYPTO_memcmp(token, f->token, strlen(token)) != 0) {
		answer_page(d, job, 403, f,
			    "Trang xác nhận này đã cũ hoặc không phải của phiên đăng nhập này: chưa ghi"
			    " gì. Quay lại danh sách rồi làm lại.");
		return 1;
	}
	if (total != asked) {
		confirm_page(d, job, f, total, asked);
		return 1;
	}
	if (hub_browse_each(rw, &d->campaign, as_of, scope, &f->ask.q, add_browsed, ids) != HUB_OK) {
		answer_page(d, job, 503, f,
			    "Máy chủ tỉnh đang bận, chưa đọc được các hộ: thử lại sau ít phút.");
		return 1;
	}
	return 0;
}

/* Done: 303 to the list, the same filters, saying what was done. The
 * address may be longer than job->where: it is kept in job->form, whose
 * form has been read (the answer goes before the job is freed). */
static void done(hub_dashboard *d, dash_job *job, const batch_form *f, const hub_batch_count *c)
{
	proto_buf_reset(&job->form);
	if (proto_buf_appendf(&job->form, "/households?%s%sdone=%s&n=%zu&skipped=%zu", f->canonical,
			      f->canonical[0] ? "&" : "", f->approve ? "approve" : "reject", c->decided,
			      c->skipped + c->missing) ||
	    proto_buf_append_byte(&job->form, 0)) {
		answer_page(d, job, 503, f,
			    "Đã ghi xong nhưng máy chủ tỉnh hết bộ nhớ: mở lại danh sách hộ.");
		return;
	}
	job->location = (const char *)job->form.data;
	proto_buf_reset(&job->body);
	dash_answer_text(job, 303, "done: see the household list");
}

/* Sign the decisions of ids, as hub_decide_batch does for the command's code. */
static void decide(hub_dashboard *d, dash_job *job, const batch_form *f, const batch_ids *ids)
{
	hub_batch_count count;
	char err[512], why[768];
	hub_ctx ctx;
	hub_result r;

	if (hub_open(&ctx, d->dir, err, sizeof(err)) != HUB_OK) {
		answer_page(d, job, 503, f,
			    "Máy chủ tỉnh chưa mở được để ghi quyết định: thử lại sau ít phút.");
		return;
	}
	r = hub_decide_batch(&ctx, job->who.name, ids->a, ids->n, f->approve ? "approved" : "rejected",
			     f->approve ? NULL : f->reason, &count, err, sizeof(err));
	hub_close(&ctx);
	if (r == HUB_OK) {
		done(d, job, f, &count);
		return;
	}
	if (r == HUB_REFUSED) {
		answer_page(d, job, 400, f,
			    "Lý do này không ghi được (quá dài hoặc không phải văn bản): sửa lại rồi gửi"
			    " lại. Chưa ghi gì.");
		return;
	}
	/* change-sets written before the failure stay: a retry skips their households */
	snprintf(why, sizeof(why),
		 "Máy chủ tỉnh gặp lỗi sau khi đã ghi %zu hộ (%s): thử lại sau ít phút; các hộ đã ghi"
		 " sẽ được bỏ qua.",
		 count.decided, err);
	answer_page(d, job, 503, f, why);
}

void dash_batch_post(hub_dashboard *d, sqlite3 *rw, dash_job *job)
{
	batch_form *f = calloc(1, sizeof(*f));
	batch_ids ids = { 0 };
	int got;

	if (!f) {
		dash_answer_text(job, 503, "hub is out of memory: try again");
		return;
	}
	if (!dash_may_decide(job)) {
		dash_answer_text(job, 403,
				 "a viewer decides nothing: ask an admin or the district's operator");
		goto out;
	}
	if (read_form(d, job, f)) {
		dash_answer_text(job, 400,
				 "the form is malformed or a field is too long (a reason is at most 4096"
				 " bytes of UTF-8; act approve, reject, approve-all or reject-all; the"
				 " filters as /households has them): go back to the household list");
		goto out;
	}
	if (!f->approve && !f->reason[0]) {
		answer_page(d, job, 400, f,
			    "Không xác nhận thì phải ghi lý do (máy tính của xã sẽ thấy lý do này): ghi lý"
			    " do rồi bấm lại \"Không xác nhận\". Chưa ghi gì.");
		goto out;
	}
	if (f->all) {
		if (whole_set(d, rw, job, f, &ids))
			goto out;
	} else if ((got = ticked_ids(d, rw, job, &ids)) != 0) {
		if (got == -2)
			answer_page(d, job, 503, f,
				    "Máy chủ tỉnh đang bận, chưa đọc được các hộ: thử lại sau ít phút.");
		else if (got == 1)
			answer_page(d, job, 404, f,
				    "Trong các hộ đã đánh dấu có hộ máy chủ tỉnh không có: chưa ghi gì. Tải"
				    " lại danh sách rồi đánh dấu lại.");
		else
			answer_page(d, job, 400, f,
				    "Các hộ đánh dấu không đọc được (tối đa 500 hộ): chưa ghi gì.");
		goto out;
	}
	if (!ids.n) {
		answer_page(d, job, 400, f,
			    "Chưa đánh dấu hộ nào: đánh dấu các hộ trong bảng rồi bấm lại.");
		goto out;
	}
	decide(d, job, f, &ids);
out:
	free(ids.a);
	free(f);
}
