/*
 * dashboard_household_history.c - what needs a human about one household
 * and what happened to it: its items of the reconcile queue (open ones with
 * the form that resolves them), and its history read from the hub's ledger,
 * the signed change-sets themselves: which laptop (its key id and commune)
 * recorded what and when, which decisions the hub signed, and when the
 * operators resolved its items and how.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "maiam/schema.h"
#include "maiam/seal.h"
#include "maiam/text.h"
#include "ingest.h"
#include "store.h"
#include "dashboard_household.h"

/* The newest change-sets of the household's commune read for its history:
 * a bound on the page's work in a commune with a long ledger. */
#define HISTORY_CHANGESETS 5000

/* ---- the reconcile items -------------------------------------------------- */

void *dash_hh_grown(void *a, size_t n, size_t *cap, size_t size)
{
	size_t more = *cap ? *cap * 2 : 16;
	void *bigger;

	if (n < *cap)
		return a;
	bigger = realloc(a, more * size);
	if (bigger)
		*cap = more;
	return bigger;
}

void hh_items_release(hh_items *items)
{
	free(items->a);
	memset(items, 0, sizeof(*items));
}

static int items_add(hh_items *items, const char *id, int open)
{
	hh_item *a = dash_hh_grown(items->a, items->n, &items->cap, sizeof(*a));

	if (!a)
		return -1;
	items->a = a;
	snprintf(a[items->n].id, sizeof(a[0].id), "%s", id);
	a[items->n++].open = open;
	return 0;
}

typedef struct items_walk {
	proto_id hh;
	const char *csrf;
	char hid[48];
	hh_items *items;
	proto_buf *b;
} items_walk;

/*
 * What the item says. An item about several households (one national ID,
 * one photo, two near photos) lists the others by their ids, each a link to
 * its own page, and not by name: the page of one household shows nothing
 * of another that its own page would not (an operator's scope may end
 * there).
 */
static int item_detail(items_walk *w, const rc_item *it)
{
	static const char key[] = "\"households\": [";
	const char *detail = (const char *)it->detail.data;
	const char *p = strstr((const char *)it->extra.data, key), *end;
	char head[256], other[48];
	size_t n;

	if (!p)
		return web_html_escape(w->b, detail);
	/* the detail's words before its list of households: "2 hộ cùng ảnh" */
	snprintf(head, sizeof(head), "%.*s", (int)strcspn(detail, ":"), detail);
	if (web_html_escape(w->b, head) || proto_buf_append_str(w->b, ":"))
		return -1;
	p += sizeof(key) - 1;
	end = strchr(p, ']');
	while (end && (p = strchr(p, '"')) && p < end) {
		n = strcspn(p + 1, "\"");
		snprintf(other, sizeof(other), "%.*s", (int)(n < sizeof(other) ? n : 0), p + 1);
		p += n + 2;
		if (strcmp(other, w->hid) == 0) {
			if (proto_buf_append_str(w->b, " hộ này;"))
				return -1;
		} else if (other[0] && strspn(other, "0123456789abcdef-") == strlen(other) &&
			   proto_buf_appendf(w->b, " <a href=\"/household?id=%s\">%s</a>;", other, other)) {
			return -1;
		}
	}
	return 0;
}

static int item_row(items_walk *w, const rc_item *it)
{
	proto_buf *b = w->b;

	if (w->items->n == 1 &&
	    proto_buf_append_str(b, "<div class=\"wide\"><table id=\"items\" class=\"cards\"><thead><tr><th>Mã mục</th>"
				    "<th>Loại</th><th>Nội dung</th><th>Tình trạng</th></tr></thead>"
				    "<tbody>"))
		return -1;
	if (proto_buf_append_str(b, "<tr id=\"item-") || web_html_escape(b, it->id) ||
	    proto_buf_append_str(b, "\"><td><code>") || web_html_escape(b, it->id) ||
	    proto_buf_append_str(b, "</code></td><td>") ||
	    web_html_escape(b, report_kind_labels[it->kind]) || proto_buf_append_str(b, "</td><td>") ||
	    item_detail(w, it) || proto_buf_append_str(b, "</td><td>"))
		return -1;
	if (it->resolved) {
		if (proto_buf_append_str(b, "<span class=\"ok\">Đã xử lý</span> bởi <b>") ||
		    web_html_escape(b, it->by) || proto_buf_append_str(b, "</b>: ") ||
		    web_html_escape(b, it->note) || proto_buf_append_str(b, "</td></tr>"))
			return -1;
		return 0;
	}
	if (proto_buf_append_str(b, "<span class=\"open\">Chờ xử lý</span>") ||
	    dash_hh_resolve_form(b, w->hh, it->id, w->csrf) || proto_buf_append_str(b, "</td></tr>"))
		return -1;
	return 0;
}

static rc_next item_found(void *arg, rc_item *it)
{
	items_walk *w = arg;

	/* a rejected change-set names no household; every other item names
	 * its households in its JSON members */
	if (it->kind == RK_REJECTED || !it->extra.len)
		return RC_ON;
	/* the walk's buffers are not NUL-ended: end them for strstr and the escapes */
	if (proto_buf_append_byte(&it->extra, '\0') || proto_buf_append_byte(&it->detail, '\0'))
		return RC_FAIL;
	it->extra.len--;
	it->detail.len--;
	if (!rc_item_names_household((const char *)it->extra.data, w->hid))
		return RC_ON;
	if (items_add(w->items, it->id, !it->resolved))
		return RC_FAIL;
	if (w->b && item_row(w, it))
		return RC_FAIL;
	return RC_ON;
}

int dash_hh_reconcile(hub_dashboard *d, sqlite3 *db, proto_id id, const char *csrf, hh_items *items,
		      proto_buf *b)
{
	/* resolved items too, as of today (a late item is late by today) */
	rc_request req = { .skip = 0, .limit = -1, .all = 1, .lang = REPORT_VI };
	items_walk w = { .hh = id, .csrf = csrf, .items = items, .b = b };
	char today[11];

	dash_hh_id(id, w.hid);
	hub_report_today(today);
	if (b && proto_buf_append_str(b, "<h2 id=\"reconcile\">Cần xử lý (đối soát)</h2>"))
		return -1;
	/* NEEDSWORK: the whole queue is walked for one household's items; a
	 * queue of a million households wants an index by household */
	if (rc_walk_queue(db, &d->campaign, today, 1, &req, item_found, &w) != HUB_OK)
		return -1;
	if (!b)
		return 0;
	if (!items->n)
		return proto_buf_append_str(b, "<p id=\"no-items\">Không có mục nào cần xử lý về hộ"
					       " này.</p>")
			       ? -1
			       : 0;
	return proto_buf_append_str(b, "</tbody></table></div>") ? -1 : 0;
}

/* ---- the history ------------------------------------------------------------ */

/* One line of the history, kept until all are read and put in order. */
typedef struct history_line {
	int64_t at_ms; /* when it was recorded (ms since 1970, UTC) */
	int64_t order; /* ties: the ledger's order */
	size_t index;  /* then the order it was read in (qsort is not stable) */
	char *html;    /* its cells, malloc'd */
} history_line;

typedef struct history {
	hub_dashboard *d;
	sqlite3 *db;
	proto_id hh;
	proto_id *events; /* the household's milestones, contributions, photos */
	size_t nevents, capevents;
	history_line *a;
	size_t n, cap;
	proto_buf cell; /* the line being written */
	int failed;
} history;

static int events_add(history *h, proto_id id)
{
	proto_id *a = dash_hh_grown(h->events, h->nevents, &h->capevents, sizeof(*a));

	if (!a)
		return -1;
	h->events = a;
	a[h->nevents++] = id;
	return 0;
}

static int is_event(const history *h, proto_id id)
{
	size_t i;

	for (i = 0; i < h->nevents; i++)
		if (h->events[i].origin == id.origin && h->events[i].serial == id.serial)
			return 1;
	return 0;
}

static int same(proto_id a, proto_id b)
{
	return a.origin == b.origin && a.serial == b.serial;
}

static int collect_event(void *arg, const hub_event_row *e)
{
	return events_add(arg, e->id) ? 1 : 0;
}

/* Keep h->cell as a line recorded at at_ms; the cell is emptied. */
static int line_keep(history *h, int64_t at_ms, int64_t order)
{
	history_line *a = dash_hh_grown(h->a, h->n, &h->cap, sizeof(*a));
	char *html;

	if (!a)
		return -1;
	h->a = a;
	html = malloc(h->cell.len + 1);
	if (!html)
		return -1;
	memcpy(html, h->cell.data, h->cell.len);
	html[h->cell.len] = '\0';
	h->a[h->n] = (history_line){ at_ms, order, h->n, html };
	h->n++;
	proto_buf_reset(&h->cell);
	return 0;
}

/* Who sent change-set origin: the hub itself, or a laptop and its area. */
static int who_cell(history *h, uint64_t origin, proto_buf *b)
{
	hub_agent agent;
	const char *unit;
	bool found = false;
	char hex[17];

	if (hub_agent_get(h->db, origin, &agent, &found) != HUB_OK)
		return -1;
	if (!found) /* every laptop is enrolled: only the hub signs without being one */
		return proto_buf_append_str(b, "Máy chủ tỉnh") ? -1 : 0;
	proto_key_id_hex(origin, hex);
	unit = dash_hh_unit_name(&h->d->campaign, agent.scope.code);
	if (proto_buf_appendf(b, "Máy tính của %s <code>%s</code> (",
			      agent.scope.kind == HUB_SCOPE_DISTRICT ? "huyện" : "xã", hex) ||
	    web_html_escape(b, unit ? unit : "?") || proto_buf_appendf(b, ", %d)", agent.scope.code))
		return -1;
	return 0;
}

static const char *field_text(const proto_record *rec, uint8_t field)
{
	const proto_field *f = hub_record_field(rec, field);

	return f && f->value.type == PROTO_V_TEXT ? f->value.text : NULL;
}

static int record_ref_is(const proto_record *rec, uint8_t field, proto_id id)
{
	const proto_field *f = hub_record_field(rec, field);

	return f && f->value.type == PROTO_V_REF && same(f->value.ref, id);
}

/* A household record: a decision of the province's, or fields written. */
static int household_what(history *h, const proto_record *rec, proto_buf *b, int *decision)
{
	const char *status = field_text(rec, PROTO_HH_REVIEW_STATUS);
	const char *reason = field_text(rec, PROTO_HH_REVIEW_REASON);
	size_t i;

	if (hub_record_field(rec, PROTO_HH_REVIEW_STATUS)) {
		*decision = 1;
		if (proto_buf_append_str(b, "<b>Quyết định của tỉnh: ") ||
		    web_html_escape(b, dash_hh_label(&h->d->campaign, PROTO_LIST_REVIEW_STATUS,
						     status ? status : "proposed")) ||
		    proto_buf_append_str(b, "</b>"))
			return -1;
		if (reason && (proto_buf_append_str(b, ". Lý do: ") || web_html_escape(b, reason)))
			return -1;
		return 0;
	}
	if (proto_buf_append_str(b, "Ghi thông tin hộ: "))
		return -1;
	for (i = 0; i < rec->nfields; i++) {
		const proto_field_desc *f = proto_field_lookup(PROTO_KIND_HOUSEHOLD, rec->fields[i].field);

		if (web_html_escape(b, dash_hh_field_title(f ? f->column : "?")) ||
		    proto_buf_append_str(b, i + 1 < rec->nfields ? ", " : ""))
			return -1;
	}
	return 0;
}

/* What one record about the household did, in words; 0 with nothing
 * written when it is not about the household. */
static int record_what(history *h, const proto_record *rec, proto_buf *b, int *decision)
{
	const char *text;
	char date[16], hid[48];
	const proto_field *f;

	switch (rec->kind) {
	case PROTO_KIND_HOUSEHOLD:
		return same(rec->id, h->hh) ? household_what(h, rec, b, decision) : 0;
	case PROTO_KIND_MILESTONE:
		if (!record_ref_is(rec, PROTO_MS_HOUSEHOLD, h->hh))
			return 0;
		text = field_text(rec, PROTO_MS_DATE);
		proto_date_show(text ? text : "-", PROTO_DATES_VN, date, sizeof(date));
		return proto_buf_append_str(b, "Ghi mốc ") ||
				       web_html_escape(b, dash_hh_label(&h->d->campaign, PROTO_LIST_STAGE,
									field_text(rec, PROTO_MS_STAGE))) ||
				       proto_buf_appendf(b, " ngày %s", date)
			       ? -1
			       : 0;
	case PROTO_KIND_CONTRIBUTION:
		if (!record_ref_is(rec, PROTO_CT_HOUSEHOLD, h->hh))
			return 0;
		return proto_buf_append_str(b, "Ghi đóng góp: ") ||
				       web_html_escape(b, dash_hh_label(&h->d->campaign, PROTO_LIST_SOURCE,
									field_text(rec, PROTO_CT_SOURCE)))
			       ? -1
			       : 0;
	case PROTO_KIND_PHOTO:
		f = hub_record_field(rec, PROTO_PH_TARGET);
		if (!f || f->value.type != PROTO_V_REF ||
		    !(same(f->value.ref, h->hh) || is_event(h, f->value.ref)))
			return 0;
		text = field_text(rec, PROTO_PH_SHA256);
		if (events_add(h, rec->id)) /* a void may name it later */
			return -1;
		return proto_buf_appendf(b, "Gửi ảnh minh chứng <code>%.8s</code>", text ? text : "?")
			       ? -1
			       : 0;
	case PROTO_KIND_VOID:
		f = hub_record_field(rec, PROTO_VO_TARGET);
		if (!f || f->value.type != PROTO_V_REF || !is_event(h, f->value.ref))
			return 0;
		dash_hh_id(f->value.ref, hid);
		text = field_text(rec, PROTO_VO_REASON);
		return proto_buf_appendf(b, "Hủy mục <code>%s</code>, lý do: ", hid) ||
				       web_html_escape(b, text ? text : "không ghi")
			       ? -1
			       : 0;
	}
	return 0;
}

/* When, in Vietnam time: "02/09/2023 14:05". */
static void vn_time(int64_t ms, char *out, size_t n)
{
	time_t t = (time_t)(ms / 1000) + 7 * 3600;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(out, n, "%d/%m/%Y %H:%M", &tm))
		snprintf(out, n, "?");
}

/*
 * One change-set of the ledger: one entry of the history when any of its
 * records is about the household, each such record a line with when it was
 * recorded. A hub decision names its operator from the decision record
 * signed beside it (format version 3); one from before names is "—".
 */
static int changeset_lines(history *h, sqlite3_stmt *row)
{
	proto_changeset cs;
	proto_buf what;
	int64_t order = sqlite3_column_int64(row, 0), first = -1;
	size_t i;
	int rc = -1, decision = 0;
	const char *by = NULL;
	char when[32];

	proto_buf_init(&what, 1 << 20);
	memset(&cs, 0, sizeof(cs));
	if (sqlite3_column_bytes(row, 3) != 32 ||
	    proto_open_stored(sqlite3_column_blob(row, 2), (size_t)sqlite3_column_bytes(row, 2),
			      sqlite3_column_blob(row, 3), &cs) != PROTO_OK) {
		/* the ledger's bytes no longer match their hash: said, not hidden */
		rc = proto_buf_appendf(&h->cell,
				       "<li class=\"why\">Không đọc được gói dữ liệu số %lld của sổ"
				       " cái: chạy <code>maiam-hub audit verify</code></li>",
				       (long long)order) ||
				     line_keep(h, 0, order)
			     ? -1
			     : 0;
		goto out;
	}
	for (i = 0; i < cs.nrecords; i++) {
		const proto_record *rec = &cs.records[i];
		size_t start = what.len, said;

		if (rec->kind == PROTO_KIND_DECISION && !by)
			by = field_text(rec, PROTO_DE_OPERATOR);

		vn_time((int64_t)proto_hlc_ms(rec->stamp), when, sizeof(when));
		if (proto_buf_appendf(&what, "<li>%s: ", when))
			goto out;
		said = what.len;
		if (record_what(h, rec, &what, &decision))
			goto out;
		if (what.len == said) {
			what.len = start; /* not about the household */
			continue;
		}
		if (proto_buf_append_str(&what, "</li>"))
			goto out;
		if (first < 0)
			first = (int64_t)proto_hlc_ms(rec->stamp);
	}
	if (first < 0) {
		rc = 0;
		goto out;
	}
	vn_time(sqlite3_column_int64(row, 4) * 1000, when, sizeof(when));
	if (proto_buf_append_str(&h->cell, "<li>") || who_cell(h, cs.hdr.origin, &h->cell) ||
	    proto_buf_appendf(&h->cell, ", gói dữ liệu số %llu, máy chủ nhận lúc %s",
			      (unsigned long long)cs.hdr.seq, when) ||
	    (decision &&
	     (proto_buf_append_str(&h->cell, by ? ". Cán bộ: <b>" : ". Cán bộ: —") ||
	      (by && (web_html_escape(&h->cell, by) || proto_buf_append_str(&h->cell, "</b>"))))) ||
	    proto_buf_append_str(&h->cell, "<ul>") || proto_buf_append(&h->cell, what.data, what.len) ||
	    proto_buf_append_str(&h->cell, "</ul></li>") || line_keep(h, first, order))
		goto out;
	rc = 0;
out:
	proto_changeset_release(&cs);
	proto_buf_release(&what);
	return rc;
}

/* The household's commune's newest change-sets, oldest first. */
static const char history_sql[] =
	"SELECT id, origin, sealed, hash, received FROM (SELECT l.id, l.origin, l.sealed, l.hash,"
	" l.received FROM hub_ledger l"
	" WHERE l.id IN (SELECT ledger FROM hub_ledger_area WHERE commune = ?1) ORDER BY l.id DESC"
	" LIMIT ?2) ORDER BY id";

static int ledger_lines(history *h, int commune, int64_t *read)
{
	sqlite3_stmt *st = NULL;
	int step, rc = -1;

	*read = 0;
	if (sqlite3_prepare_v2(h->db, history_sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, commune);
	sqlite3_bind_int(st, 2, HISTORY_CHANGESETS);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		(*read)++;
		if (changeset_lines(h, st))
			goto out;
	}
	rc = step == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(st);
	return rc;
}

/* The resolutions of the household's items: by whom, when, how. */
static int resolution_lines(history *h, const hh_items *items)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int step = SQLITE_DONE, rc = -1;

	if (sqlite3_prepare_v2(h->db,
			       "SELECT id, strftime('%s', resolved_at) * 1000, resolved_by, note, keep"
			       " FROM report_resolution WHERE item = ? ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	for (i = 0; i < items->n; i++) {
		sqlite3_bind_text(st, 1, items->a[i].id, -1, SQLITE_STATIC);
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			const char *by = (const char *)sqlite3_column_text(st, 2);
			const char *note = (const char *)sqlite3_column_text(st, 3);
			const char *keep = (const char *)sqlite3_column_text(st, 4);
			/* resolved_at is to the second: ordered after what else
			 * happened in that second (a decision just before it) */
			int64_t at = sqlite3_column_int64(st, 1);
			char when[32];

			vn_time(at, when, sizeof(when));
			if (proto_buf_append_str(&h->cell, "<li>Máy chủ tỉnh. Cán bộ: <b>") ||
			    web_html_escape(&h->cell, by ? by : "—") ||
			    proto_buf_appendf(&h->cell, "</b><ul><li>%s: <b>Xử lý mục ", when) ||
			    web_html_escape(&h->cell, items->a[i].id) ||
			    proto_buf_append_str(&h->cell, "</b>") ||
			    (keep && proto_buf_append_str(&h->cell, strcmp(keep, "loser") == 0
									    ? " (lấy giá trị kia)"
									    : " (giữ giá trị đang thắng)")) ||
			    proto_buf_append_str(&h->cell, ": ") ||
			    web_html_escape(&h->cell, note ? note : "") ||
			    proto_buf_append_str(&h->cell, "</li></ul></li>") ||
			    line_keep(h, at + 999, INT64_MAX))
				goto out;
		}
		sqlite3_reset(st);
		if (step != SQLITE_DONE)
			goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

static int by_time(const void *a, const void *b)
{
	const history_line *x = a, *y = b;

	if (x->at_ms != y->at_ms)
		return x->at_ms < y->at_ms ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

int dash_hh_history(hub_dashboard *d, sqlite3 *db, proto_id id, int commune, const hh_items *items,
		    proto_buf *b)
{
	history h = { .d = d, .db = db, .hh = id };
	int64_t read = 0;
	size_t i;
	int rc = -1;

	proto_buf_init(&h.cell, 1 << 20);
	if (hub_household_events(db, id, collect_event, &h) != HUB_OK ||
	    ledger_lines(&h, commune, &read) || resolution_lines(&h, items))
		goto out;
	if (h.n) /* a has none to sort: NULL */
		qsort(h.a, h.n, sizeof(h.a[0]), by_time);
	if (proto_buf_append_str(b, "<h2 id=\"history\">Lịch sử ghi nhận</h2>"))
		goto out;
	if (!h.n) {
		rc = proto_buf_append_str(b, "<p id=\"no-history\">Sổ cái của máy chủ tỉnh chưa có gói"
					     " dữ liệu nào về hộ này.</p>")
			     ? -1
			     : 0;
		goto out;
	}
	if (proto_buf_append_str(b, "<p>Giờ Việt Nam; mới nhất ở cuối.</p><ol id=\"ledger\""
				    " class=\"hist\">"))
		goto out;
	for (i = 0; i < h.n; i++)
		if (proto_buf_append_str(b, h.a[i].html))
			goto out;
	if (proto_buf_append_str(b, "</ol>") ||
	    (read == HISTORY_CHANGESETS &&
	     proto_buf_appendf(b, "<p>Chỉ đọc %d gói dữ liệu mới nhất của xã.</p>", HISTORY_CHANGESETS)))
		goto out;
	rc = 0;
out:
	for (i = 0; i < h.n; i++)
		free(h.a[i].html);
	free(h.a);
	free(h.events);
	proto_buf_release(&h.cell);
	return rc;
}
