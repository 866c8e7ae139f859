/*
 * report_reconcile_page.c - the reconcile report: how many items of each
 * kind are open and resolved (rejected change-sets counted by SQL), and one
 * page of the queue as a table, CSV, HTML or JSON (the dashboard's HTML with
 * its households and photos as links to their pages); also the dashboard's
 * short list of the newest rejections.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "report_reconcile_kinds.h"
#include "xlsx.h"

/* ---- counts ------------------------------------------------------------- */

typedef struct counter {
	int64_t *counts;
	int64_t resolved;
} counter;

static rc_next count_item(void *arg, rc_item *it)
{
	counter *k = arg;

	if (it->resolved)
		k->resolved++;
	else
		k->counts[it->kind]++;
	return RC_ON;
}

/* Rejected change-sets and how many of them are resolved, counted by SQL:
 * the province's by the resolutions' index, a district's by its laptops'. */
static hub_result count_rejected(sqlite3 *db, const proto_campaign *c, int district, int64_t *all,
				 int64_t *resolved)
{
	sqlite3_stmt *st = NULL;
	hub_result rc = HUB_EDB;

	*all = *resolved = 0;
	if (sqlite3_prepare_v2(db,
			       district ? "SELECT count(*), count(s.item) FROM hub_rejection r LEFT JOIN"
					  " (SELECT DISTINCT item FROM report_resolution WHERE item >= 'R-'"
					  " AND item < 'R.') s ON s.item = 'R-' || r.id"
					  " WHERE" RC_REJECTION_OF("?1", "?2")
					: "SELECT (SELECT count(*) FROM hub_rejection), (SELECT"
					  " count(DISTINCT item) FROM report_resolution WHERE item >= 'R-'"
					  " AND item < 'R.')",
			       -1, &st, NULL) != SQLITE_OK)
		return rc_missing_table(db) ? HUB_OK : HUB_EDB;
	if (district)
		rc_bind_district(st, c, district, 1);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*all = sqlite3_column_int64(st, 0);
		*resolved = sqlite3_column_int64(st, 1);
		rc = HUB_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

hub_result report_reconcile_counts(sqlite3 *db, const proto_campaign *c, const char *as_of, int district,
				   int64_t counts[NKINDS], int64_t *resolved, char *err, size_t errlen)
{
	counter k = { counts, 0 };
	rc_request everything = { .skip = 0, .limit = -1, .all = 1, .district = district };
	int64_t rejected, rejected_resolved;

	memset(counts, 0, sizeof(int64_t) * NKINDS);
	if (rc_walk_queue(db, c, as_of, 0, &everything, count_item, &k) ||
	    count_rejected(db, c, district, &rejected, &rejected_resolved))
		return report_db_error(db, "read the reconcile queue", err, errlen);
	assert(rejected >= rejected_resolved);
	counts[RK_REJECTED] = rejected - rejected_resolved;
	*resolved = k.resolved + rejected_resolved;
	return HUB_OK;
}

hub_result hub_reconcile_counts(sqlite3 *db, const proto_campaign *c, const char *as_of,
				int64_t counts[HUB_RECONCILE_NKINDS], int64_t *resolved, char *err,
				size_t errlen)
{
	return report_reconcile_counts(db, c, as_of, 0, counts, resolved, err, errlen);
}

/* ---- a page -------------------------------------------------------------- */

static const report_column item_cols[] = { COL_ITEM_ID, COL_ITEM_KIND, COL_ITEM_SUBJECT, COL_ITEM_DETAIL,
					   COL_ITEM_STATUS };

/* Where the items of a page go: the JSON (json set) or the grid. */
typedef struct sink {
	report_grid *g;
	proto_buf *json;
	int links; /* the grid's HTML links households and photos to the dashboard */
	int64_t n;
} sink;

/* The buffer's bytes as a C string (the terminator kept out of its length). */
static const char *cstr(proto_buf *b)
{
	if (proto_buf_append_byte(b, 0))
		return NULL;
	b->len--;
	return (const char *)b->data;
}

static hub_result item_json(proto_buf *json, int first, const rc_item *it, const char *subject,
			    const char *detail, const char *extra)
{
	if (proto_buf_append_str(json, first ? "\n  {\"id\": " : ",\n  {\"id\": ") ||
	    hub_json_str(json, it->id) ||
	    proto_buf_appendf(json, ", \"kind\": \"%s\"", report_kind_names[it->kind]) ||
	    report_json_member(json, "subject", subject) || report_json_member(json, "detail", detail) ||
	    proto_buf_appendf(json, ", \"resolved\": %s", it->resolved ? "true" : "false") ||
	    (it->resolved && (report_json_member(json, "resolved_by", it->by) ||
			      report_json_member(json, "note", it->note))) ||
	    proto_buf_append_str(json, extra) || proto_buf_append_byte(json, '}'))
		return HUB_ENOMEM;
	return HUB_OK;
}

/* ---- links to the dashboard's pages ----------------------------------------- */

/* Length of the run of lowercase hex digits at p. */
static size_t hex_run(const char *p)
{
	return strspn(p, "0123456789abcdef");
}

/* Is id one of the households the item is about, as its JSON members name
 * them ("household": "ID" or in "households": [...])? A photo record's id
 * has the same shape and is not one. */
int rc_item_names_household(const char *extra, const char *id)
{
	char one[128], quoted[96];
	const char *list = strstr(extra, "\"households\": ["), *end;

	snprintf(one, sizeof(one), "\"household\": \"%s\"", id);
	snprintf(quoted, sizeof(quoted), "\"%s\"", id);
	if (strstr(extra, one))
		return 1;
	if (!list || !(end = strchr(list, ']')))
		return 0;
	list = strstr(list, quoted);
	return list && list < end;
}

/* Is hex a photo the item names by its hash ("sha256" or "near")? */
static int item_photo(const char *extra, const char *hex)
{
	char a[128], b[128];

	snprintf(a, sizeof(a), "\"sha256\": \"%s\"", hex);
	snprintf(b, sizeof(b), "\"near\": \"%s\"", hex);
	return strstr(extra, a) || strstr(extra, b);
}

static hub_result escape_byte(proto_buf *b, char c)
{
	const char *e = c == '&'    ? "&amp;"
			: c == '<'  ? "&lt;"
			: c == '>'  ? "&gt;"
			: c == '"'  ? "&quot;"
			: c == '\'' ? "&#39;"
				    : NULL;

	if (e)
		return proto_buf_append_str(b, e) ? HUB_ENOMEM : HUB_OK;
	return proto_buf_append_byte(b, (uint8_t)c) ? HUB_ENOMEM : HUB_OK;
}

/* text as HTML into out: each household of the item (ORIGIN-SERIAL) a link
 * to its page, each photo it names by hash a link to the photo. */
static hub_result linked_html(const char *text, const char *extra, proto_buf *out)
{
	const char *p = text;
	char token[80];
	size_t run, serial;

	proto_buf_reset(out);
	while (*p) {
		run = hex_run(p);
		if (run && p > text && (hex_run(p - 1) || p[-1] == '-'))
			run = 0; /* inside a longer word */
		serial = run == 16 && p[16] == '-' ? strspn(p + 17, "0123456789") : 0;
		if (serial && serial < 21) {
			snprintf(token, sizeof(token), "%.*s", (int)(17 + serial), p);
			if (rc_item_names_household(extra, token)) {
				if (proto_buf_appendf(out, "<a href=\"/household?id=%s\">%s</a>", token,
						      token))
					return HUB_ENOMEM;
				p += 17 + serial;
				continue;
			}
		}
		if (run == 64) {
			snprintf(token, sizeof(token), "%.64s", p);
			if (item_photo(extra, token)) {
				if (proto_buf_appendf(out, "<a href=\"/photo/%s\">%s</a>", token, token))
					return HUB_ENOMEM;
				p += 64;
				continue;
			}
		}
		/* a word that is no link goes out whole, so no link starts inside it */
		for (run = run ? run : 1; run--; p++)
			if (escape_byte(out, *p))
				return HUB_ENOMEM;
	}
	return proto_buf_append_byte(out, 0) ? HUB_ENOMEM : HUB_OK;
}

/* The subject's and the detail's cells as linked HTML too. */
static hub_result item_links(report_grid *g, size_t r, const char *subject, const char *detail,
			     const char *extra)
{
	proto_buf html;
	hub_result rc;

	proto_buf_init(&html, HUB_REPORT_MAX_OUT);
	rc = linked_html(subject, extra, &html);
	if (rc == HUB_OK)
		rc = report_grid_html(g, r, 2, (const char *)html.data);
	if (rc == HUB_OK)
		rc = linked_html(detail, extra, &html);
	if (rc == HUB_OK)
		rc = report_grid_html(g, r, 3, (const char *)html.data);
	proto_buf_release(&html);
	return rc;
}

static hub_result item_row(report_grid *g, const rc_item *it, const char *subject, const char *detail,
			   const char *extra)
{
	char status[700];
	size_t r;

	if (it->resolved)
		snprintf(status, sizeof(status),
			 report_say(g->lang, "đã xử lý (%s): %s", N_("resolved (%s): %s")), it->by,
			 it->note);
	else
		snprintf(status, sizeof(status), "%s", report_say(g->lang, "chờ xử lý", N_("open")));
	if (report_grid_add(g, 0, &r) || report_grid_text(g, r, 0, it->id) ||
	    report_grid_text(g, r, 1,
			     report_say(g->lang, report_kind_labels[it->kind],
					report_kind_english[it->kind])) ||
	    report_grid_text(g, r, 2, subject) || report_grid_text(g, r, 3, detail) ||
	    report_grid_text(g, r, 4, status) || (extra && item_links(g, r, subject, detail, extra)))
		return HUB_ENOMEM;
	return HUB_OK;
}

static rc_next add_item(void *arg, rc_item *it)
{
	sink *s = arg;
	const char *subject = cstr(&it->subject), *detail = cstr(&it->detail);
	const char *extra = cstr(&it->extra);

	if (!subject || !detail || !extra)
		return RC_FAIL;
	if (s->json ? item_json(s->json, s->n == 0, it, subject, detail, extra)
		    : item_row(s->g, it, subject, detail, s->links ? extra : NULL))
		return RC_FAIL;
	s->n++;
	return RC_ON;
}

/* The JSON after the items: the counts and where the page stands. */
static hub_result page_json_tail(proto_buf *out, const int64_t counts[NKINDS], int64_t open,
				 int64_t resolved, int64_t page, int64_t limit, int64_t more)
{
	int k;

	if (proto_buf_append_str(out, "],\n \"counts\": {"))
		return HUB_ENOMEM;
	for (k = 0; k < NKINDS; k++)
		if (proto_buf_appendf(out, "%s\"%s\": %lld", k ? ", " : "", report_kind_names[k],
				      (long long)counts[k]))
			return HUB_ENOMEM;
	if (proto_buf_appendf(out,
			      "}, \"open\": %lld, \"resolved\": %lld, \"page\": %lld,"
			      " \"limit\": %lld, \"more\": %lld}\n",
			      (long long)open, (long long)resolved, (long long)page, (long long)limit,
			      (long long)more))
		return HUB_ENOMEM;
	return HUB_OK;
}

/* The line under the title: open and resolved items, and where the page stands. */
static void page_note(report_grid *g, const char *as_of, int64_t open, int64_t resolved, int64_t page,
		      int64_t more)
{
	char left[160] = "", day[11];

	if (more)
		snprintf(left, sizeof(left),
			 report_say(g->lang, "; trang %lld, còn %lld mục nữa (--page %lld)",
				    N_("; page %lld, %lld more items (--page %lld)")),
			 (long long)page, (long long)more, (long long)page + 1);
	else if (page > 1)
		snprintf(left, sizeof(left),
			 report_say(g->lang, "; trang %lld, trang cuối", N_("; page %lld, the last")),
			 (long long)page);
	report_vn_date(as_of, day);
	snprintf(g->note, sizeof(g->note),
		 report_say(g->lang, "%lld mục chờ xử lý, %lld mục đã xử lý; số liệu đến ngày %s%s",
			    N_("%lld open items, %lld resolved; figures as of %s%s")),
		 (long long)open, (long long)resolved, day, left);
}

hub_result hub_reconcile_page(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
			      proto_buf *out, int64_t *more_out, char *err, size_t errlen)
{
	report_grid g;
	sink s = { .g = &g, .links = o->links && o->format == HUB_FMT_HTML };
	hub_result rc = HUB_REFUSED, walked;
	int k;
	int64_t open = 0, resolved = 0, counts[NKINDS], total, more;
	int64_t limit = o->limit > 0 ? o->limit : HUB_RECONCILE_PAGE;
	int64_t page = o->page > 0 ? o->page : 1;
	/* the table is for the person at the terminal; the rest are documents */
	report_lang lang = o->format == HUB_FMT_TABLE ? REPORT_OPERATOR : REPORT_VI;
	rc_request req = {
		.limit = limit, .all = o->all, .rejected = 1, .lang = lang, .district = o->district
	};

	report_grid_init(&g, lang,
			 report_say(lang, "Các mục cần xử lý (đối soát)",
				    N_("Items to settle (reconciliation)")),
			 item_cols, ARRAY_SIZE(item_cols));
	if (page - 1 > INT64_MAX / limit) {
		snprintf(err, errlen, "--page %lld is past any queue: ask for a smaller page",
			 (long long)page);
		goto out;
	}
	req.skip = (page - 1) * limit;
	rc = report_reconcile_counts(db, c, o->as_of, o->district, counts, &resolved, err, errlen);
	if (rc != HUB_OK)
		goto out;
	if (o->format == HUB_FMT_JSON) {
		s.json = out;
		if (proto_buf_append_str(out, "{\"as_of\": ") || hub_json_str(out, o->as_of) ||
		    proto_buf_append_str(out, ", \"items\": ["))
			goto too_large;
	}
	walked = rc_walk_queue(db, c, o->as_of, 1, &req, add_item, &s);
	if (walked == HUB_ENOMEM)
		goto too_large;
	if (walked != HUB_OK) {
		rc = report_db_error(db, "read the reconcile queue", err, errlen);
		goto out;
	}
	for (k = 0; k < NKINDS; k++)
		open += counts[k];
	/* what matches the listing, less this page and the pages before it */
	total = open + (o->all ? resolved : 0);
	more = total - req.skip - s.n;
	if (more < 0)
		more = 0;
	if (more_out)
		*more_out = more;
	if (o->format == HUB_FMT_JSON) {
		if (page_json_tail(out, counts, open, resolved, page, limit, more))
			goto too_large;
	} else {
		page_note(&g, o->as_of, open, resolved, page, more);
		if (o->format == HUB_FMT_XLSX) {
			rc = report_xlsx_grid(&g, c, o, out, err, errlen);
			goto out;
		}
		if (report_grid_render(&g, o->format, out))
			goto too_large;
	}
	rc = HUB_OK;
	goto out;
too_large:
	rc = report_too_large(err, errlen);
out:
	report_grid_release(&g);
	return rc;
}

hub_result report_reconcile_render(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
				   proto_buf *out, char *err, size_t errlen)
{
	return hub_reconcile_page(db, c, o, out, NULL, err, errlen);
}

/* ---- the dashboard's short list ----------------------------------------- */

hub_result hub_reconcile_recent(sqlite3 *db, int n, hub_rejection_row_cb cb, void *arg)
{
	return report_reconcile_recent(db, NULL, 0, n, cb, arg);
}

hub_result report_reconcile_recent(sqlite3 *db, const proto_campaign *c, int district, int n,
				   hub_rejection_row_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	hub_result rc = HUB_EDB;
	int step;

	if (sqlite3_prepare_v2(db,
			       "SELECT r.id, r.received, r.source, r.code, r.message"
			       " FROM hub_rejection r WHERE NOT EXISTS (SELECT 1 FROM"
			       " report_resolution s WHERE s.item = 'R-' || r.id) AND" RC_REJECTION_OF(
				       "?2", "?3") " ORDER BY r.id DESC LIMIT ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return rc_missing_table(db) ? HUB_OK : HUB_EDB;
	sqlite3_bind_int(st, 1, n);
	if (district)
		rc_bind_district(st, c, district, 2);
	else
		sqlite3_bind_int(st, 2, 0);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		rc = cb(arg, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
			(const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
			(const char *)sqlite3_column_text(st, 4));
		if (rc != HUB_OK)
			goto out;
	}
	rc = step == SQLITE_DONE ? HUB_OK : HUB_EDB;
out:
	sqlite3_finalize(st);
	return rc;
}
