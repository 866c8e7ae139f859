/*
 * dashboard_household.c - a household's page for a signed-in operator,
 * GET /household?id=REF (REF: the full id or the short ref that maiam-hub
 * household show takes, household_ref.c): its sections in order (its
 * record, what to decide, its milestones and contributions, its photos, its
 * reconcile items, its history; dashboard_household.h says which file
 * draws which), or the page saying why there is none. The photos are
 * drawn here: those of the household itself (its survey evidence) first,
 * then those of each live milestone by date, each its thumbnail linking to
 * the photo itself (dashboard_photo.c), with when it was taken (Vietnam
 * time), where, the camera, its short hash and whether the hub holds its
 * bytes yet. Built by the pages' worker on its read-only connection (and
 * after a refused decision, by the read-write one); words in Vietnamese, as
 * every page of the dashboard.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/photo.h"
#include "maiam/schema.h"
#include "maiam/text.h"
#include "household_ref.h"
#include "photo_store.h"
#include "store.h"
#include "dashboard_household.h"

/* The thumbnails wrap in rows; one is never wider than a phone's screen. */
static const char household_style[] =
	"<style>.phs{display:flex;flex-wrap:wrap;gap:1em;margin:0.5em 0 1.5em}"
	"figure.ph{margin:0;width:240px;max-width:100%;border:1px solid #bbb;padding:0.4em;"
	"background:#fafafa}"
	"figure.ph img{display:block;max-width:100%;height:auto;background:#ddd}"
	"figure.ph figcaption{font-size:0.9em;margin-top:0.3em;overflow-wrap:anywhere}"
	".wait{display:flex;align-items:center;justify-content:center;height:120px;background:#eee;"
	"color:#555;text-align:center;padding:0 0.5em}.held{color:#17702f}"
	"table{max-width:100%}td{overflow-wrap:anywhere}"
	/* a section's table scrolls inside itself on a phone, never the page */
	".wide{overflow-x:auto;max-width:100%}.void{text-decoration:line-through;color:#777}"
	".why{color:#7a1f1f}.acts{display:flex;flex-wrap:wrap;gap:1em;margin:0.5em 0 1em}"
	".acts form{border:1px solid #bbb;padding:0.6em;max-width:100%;margin:0}"
	".acts textarea,.rsv textarea{width:100%;box-sizing:border-box;min-height:3em}"
	".rsv{margin:0.3em 0}.rsv summary{cursor:pointer;color:#0645ad}"
	/* a choice's button beside its words, not a line of its own (input's rule) */
	".rsv input[type=radio]{display:inline;width:auto;margin:0 0.4em 0 0}"
	".ok{color:#17702f}.open{color:#7a1f1f;font-weight:bold}"
	/* a laptop's screen: the record beside what to decide; a phone: one column */
	".top{display:flex;flex-wrap:wrap;gap:0 2.5em;align-items:flex-start}"
	".top>section{min-width:0;max-width:100%}.side{flex:1 1 22em}"
	/* a phone: each row of a table of records is a card, its cells one
	 * under the other, those that need it with their column's name */
	"@media (max-width:40em){table.cards,table.cards tbody,table.cards tr,table.cards td{"
	"display:block}table.cards thead{display:none}table.cards tr{border:1px solid #bbb;"
	"margin:0.5em 0;padding:0.3em}table.cards td{border:0;padding:0.1em 0.3em;text-align:left}"
	"table.cards td:empty{display:none}table.cards td[data-l]::before{content:attr(data-l) \": \";"
	"font-weight:bold}}ol.hist{padding-left:1.5em}ol.hist>li{margin:0.4em 0}"
	"ol.hist ul{margin:0.2em 0;padding-left:1.2em}</style>";

const char *dash_hh_unit_name(const proto_campaign *c, int code)
{
	const proto_unit *u = code ? proto_units_find(&c->units, code) : NULL;

	return u ? u->name : NULL;
}

void dash_hh_id(proto_id id, char out[48])
{
	snprintf(out, 48, "%016llx-%llu", (unsigned long long)id.origin, (unsigned long long)id.serial);
}

const char *dash_hh_label(const proto_campaign *c, proto_list list, const char *code)
{
	const char *l = code ? proto_label(&c->labels, list, code) : NULL;

	return l ? l : code ? code : "?";
}

/* The furthest stage of the household's live milestones (index into
 * proto_stages), -1 when none is recorded. */
static hub_result furthest_stage(sqlite3 *ro, proto_id id, int *stage)
{
	sqlite3_stmt *st = NULL;
	int step, k;

	*stage = -1;
	if (sqlite3_prepare_v2(ro,
			       "SELECT DISTINCT m.stage FROM milestone m WHERE m.household_origin = ?1"
			       " AND m.household_serial = ?2 AND" PROTO_SQL_MILESTONE_LIVE("m"),
			       -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_int64(st, 1, proto_u2i(id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(id.serial));
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);

		for (k = 0; code && proto_stages[k]; k++)
			if (strcmp(proto_stages[k], code) == 0 && k > *stage)
				*stage = k;
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? HUB_OK : HUB_EDB;
}

/* ---- the photos ------------------------------------------------------------ */

/* Columns of photos_sql. */
enum {
	P_KIND,
	P_TORIGIN,
	P_TSERIAL,
	P_STAGE,
	P_DATE,
	P_SHA,
	P_WIDTH,
	P_HEIGHT,
	P_TAKEN,
	P_LAT,
	P_LON,
	P_CAMERA
};

/*
 * The live photo records of household ?1-?2: on the household itself (kind
 * ?3, its survey evidence) first, then on each of its live milestones (kind
 * ?4) by date. The time taken in Vietnam time, by SQLite's reading of the
 * ISO text with its offset.
 */
static const char photos_sql[] =
	"SELECT p.target_kind, p.target_origin, p.target_serial, m.stage, m.date, p.sha256, p.width,"
	" p.height, strftime('%d/%m/%Y %H:%M', p.taken_at, '+7 hours'), p.lat, p.lon, p.camera"
	" FROM photo p LEFT JOIN milestone m ON p.target_kind = ?4 AND m.id_origin = p.target_origin"
	" AND m.id_serial = p.target_serial AND" PROTO_SQL_MILESTONE_LIVE("m") "WHERE" PROTO_SQL_PHOTO_LIVE(
		"p") "AND ((p.target_kind = ?3 AND p.target_origin = ?1"
		     " AND p.target_serial = ?2) OR (m.household_origin = ?1"
		     " AND m.household_serial = ?2))"
		     " ORDER BY p.target_kind <> ?3, m.date, m.id_origin, m.id_serial,"
		     " p.taken_at, p.id_origin, p.id_serial";

static const char *column_text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

/* 1e-7 degrees to 5 decimals (about a metre), rounded: "9.60010". */
static void degrees5(int64_t e7, char *out, size_t n)
{
	int64_t a = e7 < 0 ? -e7 : e7, r = (a + 50) / 100;

	snprintf(out, n, "%s%lld.%05lld", e7 < 0 ? "-" : "", (long long)(r / 100000),
		 (long long)(r % 100000));
}

/* The thumbnail's size from the photo's: its long side PHOTO_THUMB_LONG_SIDE,
 * never larger than the photo (photo_thumbnail's rule). */
static void thumb_size(int64_t w, int64_t h, int *tw, int *th)
{
	int64_t lng = w > h ? w : h;

	if (w <= 0 || h <= 0) {
		*tw = *th = PHOTO_THUMB_LONG_SIDE;
		return;
	}
	if (lng <= PHOTO_THUMB_LONG_SIDE) {
		*tw = (int)w;
		*th = (int)h;
		return;
	}
	*tw = (int)((w * PHOTO_THUMB_LONG_SIDE + lng / 2) / lng);
	*th = (int)((h * PHOTO_THUMB_LONG_SIDE + lng / 2) / lng);
}

typedef struct photo_walk {
	const proto_campaign *c;
	sqlite3 *ro;
	proto_buf *b;
	size_t n;
	int open; /* a group's <div class="phs"> is open */
	long long kind, origin, serial;
} photo_walk;

static int start_group(photo_walk *w, sqlite3_stmt *st, int own)
{
	char date[16], id[48];

	if (w->open && proto_buf_append_str(w->b, "</div>"))
		return -1;
	w->open = 1;
	if (own)
		return proto_buf_append_str(w->b, "<h3>Ảnh của chính hộ (minh chứng khảo sát)</h3>"
						  "<div class=\"phs\">")
			       ? -1
			       : 0;
	proto_date_show(column_text(st, P_DATE) ? column_text(st, P_DATE) : "-", PROTO_DATES_VN, date,
			sizeof(date));
	snprintf(id, sizeof(id), "%016llx-%llu", (unsigned long long)sqlite3_column_int64(st, P_TORIGIN),
		 (unsigned long long)sqlite3_column_int64(st, P_TSERIAL));
	if (proto_buf_append_str(w->b, "<h3>") ||
	    web_html_escape(w->b, dash_hh_label(w->c, PROTO_LIST_STAGE, column_text(st, P_STAGE))) ||
	    proto_buf_appendf(w->b, " — ngày %s <small>(mốc %s)</small></h3><div class=\"phs\">", date, id))
		return -1;
	return 0;
}

/* One photo: its thumbnail (or where it will be) and what is known of it. */
static int photo_figure(photo_walk *w, sqlite3_stmt *st, const char *what)
{
	const char *sha = column_text(st, P_SHA), *taken = column_text(st, P_TAKEN);
	const char *camera = column_text(st, P_CAMERA);
	char lat[24], lon[24];
	bool held = false;
	int tw, th;

	if (!sha || !hub_photo_hex_ok(sha))
		return 0; /* a record without a well-formed hash names no bytes */
	if (hub_photo_held(w->ro, sha, &held) != HUB_OK)
		return -1;
	thumb_size(sqlite3_column_int64(st, P_WIDTH), sqlite3_column_int64(st, P_HEIGHT), &tw, &th);
	if (proto_buf_append_str(w->b, "<figure class=\"ph\">"))
		return -1;
	if (held) {
		if (proto_buf_appendf(w->b,
				      "<a href=\"/photo/%s\"><img src=\"/photo/%s/thumb\" width=\"%d\""
				      " height=\"%d\" alt=\"Ảnh ",
				      sha, sha, tw, th) ||
		    web_html_escape(w->b, what) ||
		    proto_buf_appendf(w->b, ", chụp lúc %s, mã ảnh %.8s\"></a>",
				      taken ? taken : "không rõ", sha))
			return -1;
	} else if (proto_buf_append_str(w->b, "<div class=\"wait\">Máy chủ tỉnh chưa nhận được ảnh"
					      " này</div>")) {
		return -1;
	}
	if (proto_buf_appendf(w->b, "<figcaption>Chụp lúc: %s<br>Vị trí: ", taken ? taken : "không rõ"))
		return -1;
	if (sqlite3_column_type(st, P_LAT) == SQLITE_INTEGER &&
	    sqlite3_column_type(st, P_LON) == SQLITE_INTEGER) {
		degrees5(sqlite3_column_int64(st, P_LAT), lat, sizeof(lat));
		degrees5(sqlite3_column_int64(st, P_LON), lon, sizeof(lon));
		if (proto_buf_appendf(w->b, "%s, %s", lat, lon))
			return -1;
	} else if (proto_buf_append_str(w->b, "không có vị trí")) {
		return -1;
	}
	if (proto_buf_append_str(w->b, "<br>Máy ảnh: ") ||
	    web_html_escape(w->b, camera && camera[0] ? camera : "không rõ") ||
	    proto_buf_appendf(w->b, "<br>Mã ảnh: <code>%.8s</code><br>", sha) ||
	    proto_buf_append_str(w->b, held ? "<span class=\"held\">Đã nhận tại máy chủ tỉnh</span>"
					    : "Chưa nhận: chờ máy tính của xã gửi ảnh lên") ||
	    proto_buf_append_str(w->b, "</figcaption></figure>"))
		return -1;
	w->n++;
	return 0;
}

/* Every photo of the household, grouped by what it is evidence of. */
static int photos_section(hub_dashboard *d, sqlite3 *ro, proto_id id, const char *name, proto_buf *b)
{
	photo_walk w = { .c = &d->campaign, .ro = ro, .b = b, .kind = -1 };
	sqlite3_stmt *st = NULL;
	char what[512];
	int step, rc = -1;

	if (proto_buf_append_str(b, "<h2 id=\"photos\">Ảnh minh chứng</h2>") ||
	    sqlite3_prepare_v2(ro, photos_sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, proto_u2i(id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(id.serial));
	sqlite3_bind_int(st, 3, PROTO_KIND_HOUSEHOLD);
	sqlite3_bind_int(st, 4, PROTO_KIND_MILESTONE);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int own = sqlite3_column_int(st, P_KIND) == PROTO_KIND_HOUSEHOLD;

		if ((sqlite3_column_int(st, P_KIND) != w.kind ||
		     sqlite3_column_int64(st, P_TORIGIN) != w.origin ||
		     sqlite3_column_int64(st, P_TSERIAL) != w.serial) &&
		    start_group(&w, st, own))
			goto out;
		w.kind = sqlite3_column_int(st, P_KIND);
		w.origin = sqlite3_column_int64(st, P_TORIGIN);
		w.serial = sqlite3_column_int64(st, P_TSERIAL);
		snprintf(what, sizeof(what), "%s của hộ %s",
			 own ? "khảo sát" : dash_hh_label(w.c, PROTO_LIST_STAGE, column_text(st, P_STAGE)),
			 name);
		if (photo_figure(&w, st, what))
			goto out;
	}
	if (step != SQLITE_DONE || (w.open && proto_buf_append_str(b, "</div>")))
		goto out;
	rc = w.n                                                                          ? 0
	     : proto_buf_append_str(b, "<p id=\"no-photos\">Hộ này chưa có ảnh nào.</p>") ? -1
											  : 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* ---- the page ------------------------------------------------------------- */

/* The page's top: title, the way back, the search form. */
static int page_top(proto_buf *b, const char *title, const char *typed)
{
	if (report_html_head(b, title) || proto_buf_append_str(b, household_style) ||
	    proto_buf_append_str(b, "<p style=\"margin:0\"><a href=\"/\">← Về bảng theo dõi</a></p>") ||
	    dash_household_form(b, typed))
		return -1;
	return 0;
}

static int page_end(proto_buf *b)
{
	return proto_buf_append_str(b, "</body></html>\n") ? -1 : 0;
}

static void ignore_column(void *arg, const char *name, const char *value)
{
	(void)arg, (void)name, (void)value;
}

/* The page's sections in the order an operator reads them: what the
 * household is, what to decide, how far it got and with what, what needs a
 * human, then who recorded what. */
int dash_household_page(hub_dashboard *d, sqlite3 *db, proto_id id, const char *typed, const char *error,
			const char *csrf, proto_buf *b, bool *found)
{
	household_info h;
	hh_items items = { 0 };
	char hid[48];
	int stage, rc = -1;

	memset(&h, 0, sizeof(h));
	if (hub_household_show(db, id, ignore_column, NULL, found) != HUB_OK)
		return -1;
	if (!*found)
		return 0;
	dash_hh_id(id, hid);
	/* a refusal first: where the operator looks after sending a form */
	if (furthest_stage(db, id, &stage) != HUB_OK || page_top(b, "Mái Ấm — Hộ", typed) ||
	    (error && (proto_buf_append_str(b, "<p class=\"err\" id=\"error\">") ||
		       web_html_escape(b, error) || proto_buf_append_str(b, "</p>"))) ||
	    dash_hh_fields(d, db, id, &h, b))
		goto out;
	if (proto_buf_append_str(b, "<section class=\"side\"><h2>Tiến độ</h2><p id=\"stage\"><b>") ||
	    web_html_escape(b, stage >= 0
				       ? dash_hh_label(&d->campaign, PROTO_LIST_STAGE, proto_stages[stage])
				       : "chưa ghi mốc nào") ||
	    proto_buf_append_str(b, "</b></p>") ||
	    dash_hh_decide_form(b, id, h.review[0] ? h.review : "proposed", csrf) ||
	    proto_buf_append_str(b, "</section></div>") || dash_hh_events(d, db, id, b) ||
	    photos_section(d, db, id, h.name[0] ? h.name : hid, b) ||
	    dash_hh_reconcile(d, db, id, csrf, &items, b) ||
	    dash_hh_history(d, db, id, h.commune, &items, b) || page_end(b))
		goto out;
	rc = 0;
out:
	hh_items_release(&items);
	return rc;
}

/* The candidates of a short ref: the page, and the operator they are for. */
typedef struct candidates {
	proto_buf *b;
	hub_dashboard *d;
	sqlite3 *ro;
	const dash_job *job;
	int shown;
} candidates;

/* The households a short ref names, each a link to its own page (those the
 * operator may see: dash_may_see_household). */
static int candidate_row(void *arg, const hub_household_row *r)
{
	candidates *cs = arg;
	proto_buf *b = cs->b;
	char hid[48];
	bool may = false;

	if (dash_may_see_household(cs->d, cs->ro, cs->job, r->id, &may) != HUB_OK)
		return -1;
	if (!may)
		return 0;
	cs->shown++;
	snprintf(hid, sizeof(hid), "%016llx-%llu", (unsigned long long)r->id.origin,
		 (unsigned long long)r->id.serial);
	if (proto_buf_appendf(b, "<li><a href=\"/household?id=%s\">%s</a> ", hid, hid) ||
	    web_html_escape(b, r->name ? r->name : "?") ||
	    proto_buf_appendf(b, " (%lld)</li>", (long long)r->commune))
		return -1;
	return 0;
}

/* The start of a page that names no household: why (NULL: nothing wrong),
 * and the form again; the caller ends it (page_end). */
static int search_page(proto_buf *b, const char *typed, const char *why)
{
	if (page_top(b, "Mái Ấm — Tìm hộ", typed) || proto_buf_append_str(b, "<h1>Tìm hộ</h1>") ||
	    (why && (proto_buf_append_str(b, "<p class=\"err\" id=\"error\">") ||
		     web_html_escape(b, why) || proto_buf_append_str(b, "</p>"))))
		return -1;
	return 0;
}

/* typed without the spaces around it. */
static void trimmed(const char *typed, char *out, size_t n)
{
	size_t len;

	while (isspace((unsigned char)*typed))
		typed++;
	len = strlen(typed);
	while (len && isspace((unsigned char)typed[len - 1]))
		len--;
	snprintf(out, n, "%.*s", (int)len, typed);
}

void dash_household_answer(hub_dashboard *d, sqlite3 *ro, dash_job *job)
{
	char typed[DASH_TYPED_MAX], why[DASH_TYPED_MAX + 200];
	hub_ref_match match = HUB_REF_MALFORMED;
	candidates cs = { &job->body, d, ro, job, 0 };
	proto_id id;
	bool may = true, found = false;
	char csrf[WEB_TOKEN_HEX + 1] = "";
	int built;

	proto_buf_reset(&job->body);
	trimmed(job->typed, typed, sizeof(typed));
	if (!typed[0]) {
		dash_answer_html(job, 200, search_page(&job->body, "", NULL) || page_end(&job->body));
		return;
	}
	/* another district's household is answered as one the hub does not hold */
	if (hub_household_resolve(ro, typed, &id, &match) != HUB_OK ||
	    (match == HUB_REF_ONE && dash_may_see_household(d, ro, job, id, &may) != HUB_OK)) {
		dash_answer_text(job, 503,
				 "cannot read the households: the hub database is busy, try again");
		return;
	}
	if (!may)
		match = HUB_REF_NONE;
	switch (match) {
	case HUB_REF_ONE:
		/* a viewer gets no forms: it decides nothing */
		if (dash_may_decide(job) && web_csrf_token(d->csrf_key, job->tok, csrf) != WEB_OK)
			csrf[0] = '\0';
		built = dash_household_page(d, ro, id, typed, NULL, csrf[0] ? csrf : NULL, &job->body,
					    &found);
		dash_answer_html(job, 200, built || !found);
		return;
	case HUB_REF_MANY:
		built = search_page(&job->body, typed, NULL) ||
			proto_buf_append_str(&job->body, "<p>Có nhiều hộ cùng mã ngắn này; chọn một hộ:</p>"
							 "<ul id=\"candidates\">") ||
			hub_household_ref_each(ro, typed, candidate_row, &cs) != HUB_OK ||
			proto_buf_append_str(&job->body, "</ul>") || page_end(&job->body);
		if (built || cs.shown) {
			dash_answer_html(job, 200, built);
			return;
		}
		/* none of them is the operator's to see */
		proto_buf_reset(&job->body);
		/* fall through */
	case HUB_REF_NONE:
		snprintf(why, sizeof(why), "Máy chủ tỉnh không có hộ nào mang mã %s.", typed);
		dash_answer_html(job, 404, search_page(&job->body, typed, why) || page_end(&job->body));
		return;
	case HUB_REF_MALFORMED:
		break;
	}
	snprintf(why, sizeof(why),
		 "'%s' không phải là mã hộ: nhập mã đầy đủ (0123456789abcdef-12) hoặc mã ngắn"
		 " (36S0-2).",
		 typed);
	dash_answer_html(job, 400, search_page(&job->body, typed, why) || page_end(&job->body));
}
