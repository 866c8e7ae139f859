/*
 * browse.c - the household browser's query (browse.h): one SELECT built
 * from what is asked, every value bound, never spliced (only commune codes,
 * integers from the campaign file, are written into the SQL). The search
 * text is folded as the laptop folds it (proto_fold) and each of its words
 * becomes a prefix term of the FTS5 index (browse_schema.h), so "nguyen van
 * d" finds "Nguyễn Văn Đức" and "36s0 2" finds the ref 36S0-2.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/schema.h"
#include "maiam/text.h"
#include "browse.h"
#include "browse_schema.h"
#include "report_int.h"

const char *const hub_browse_sort_names[HUB_BROWSE_NSORTS] = { "name", "ref", "commune", "stage",
							       "changed" };

void hub_browse_query_init(hub_browse_query *q)
{
	memset(q, 0, sizeof(*q));
	q->stage = -1;
	q->page = 1;
	q->per_page = HUB_BROWSE_PAGE;
}

/* The reconcile queue's rules (browse_schema.h) on the day asked: what
 * the filters are judged by while browse_hh's flags cannot answer. */
#define MISSING_PHOTO_SQL BROWSE_MISSING_PHOTO_AT(":as_of", ":ev")
#define OPEN_ITEMS_SQL BROWSE_OPEN_ITEMS_AT(":as_of", ":deadline", ":ev")

/* The sorts, on browse_hh b's indexes; its rowid breaks ties. */
static const char *const order_sql[HUB_BROWSE_NSORTS] = {
	" ORDER BY b.name, b.id",
	" ORDER BY b.ref, b.id",
	" ORDER BY b.commune, b.name, b.id",
	" ORDER BY b.stage DESC, b.name, b.id",
	" ORDER BY b.changed DESC, b.id",
};

/* The same, written so that SQLite does not walk the sort's index (unary
 * +): for a page of few matches, found through the filters' indexes and
 * sorted. The statistics see a stage as 1 household in 9, and walked the
 * commune index over 1,000,000 households to find the 31 of one stage. */
static const char *const order_sorted_sql[HUB_BROWSE_NSORTS] = {
	" ORDER BY +b.name, b.id",
	" ORDER BY +b.ref, b.id",
	" ORDER BY +b.commune, +b.name, b.id",
	" ORDER BY +b.stage DESC, +b.name, b.id",
	" ORDER BY +b.changed DESC, b.id",
};

/* What a page shows of each household, for the browse_hh rows the
 * query chose (b.id IN (...)). */
#define COLUMNS \
	"SELECT h.id_origin, h.id_serial, h.ref, h.name, h.national_id, h.hamlet, h.category," \
	" h.review_status, h.withdrawn, h.commune, b.changed, r.r1, r.r2, r.r3, r.r4, r.r5, r.r6," \
	" r.r7, r.r8 FROM browse_hh b JOIN household h ON h.id_origin = b.id_origin AND" \
	" h.id_serial = b.id_serial LEFT JOIN report_hh r ON r.id_origin = h.id_origin AND" \
	" r.id_serial = h.id_serial WHERE b.id IN ("

/* The search text as an FTS5 query into out: each word of the folded
 * text a quoted prefix term ("nguyen"* "van"*), every word required.
 * Words are runs of letters and digits (any byte of a letter beyond
 * ASCII counts), as unicode61 splits them. "" when it has no word. */
static hub_result fts_query(const char *text, proto_buf *out)
{
	char *folded = proto_fold(text ? text : "");
	const unsigned char *p;
	hub_result rc = HUB_ENOMEM;
	int in_word = 0;

	if (!folded)
		return HUB_ENOMEM;
	for (p = (const unsigned char *)folded; *p; p++) {
		int word = isalnum(*p) || *p >= 0x80;

		if (word && !in_word && proto_buf_append_str(out, out->len ? " \"" : "\""))
			goto out;
		if (!word && in_word && proto_buf_append_str(out, "\"*"))
			goto out;
		if (word && proto_buf_append_byte(out, *p))
			goto out;
		in_word = word;
	}
	if (in_word && proto_buf_append_str(out, "\"*"))
		goto out;
	rc = proto_buf_append_byte(out, 0) ? HUB_ENOMEM : HUB_OK;
out:
	free(folded);
	return rc;
}

/* "<commune> IN (...)": the communes of district (none known: no row);
 * commune is " AND b.commune" or " AND +b.commune". */
static int append_district(proto_buf *sql, const proto_campaign *c, const char *commune, int district)
{
	size_t i;

	if (proto_buf_appendf(sql, "%s IN (0", commune))
		return -1;
	for (i = 0; i < c->units.n; i++)
		if (c->units.a[i].level == PROTO_UNIT_COMMUNE &&
		    proto_units_district_of(&c->units, c->units.a[i].code) == district &&
		    proto_buf_appendf(sql, ",%d", c->units.a[i].code))
			return -1;
	return proto_buf_append_str(sql, ")") ? -1 : 0;
}

static int query_valid(const hub_browse_query *q, int scope)
{
	return q->stage >= -1 && q->stage <= 8 && (int)q->sort >= 0 && q->sort < HUB_BROWSE_NSORTS &&
	       q->page >= 1 && q->per_page >= 1 && q->per_page <= HUB_BROWSE_PAGE_MAX && scope >= 0 &&
	       q->district >= 0 && q->commune >= 0 && (int)q->timing >= 0 && q->timing <= HUB_BROWSE_LATE;
}

static int has(const char *s)
{
	return s && *s;
}

/* Whether q narrows by anything but its words. */
static int narrowed(int scope, const hub_browse_query *q)
{
	return scope || q->district || q->commune || has(q->category) || has(q->review) ||
	       q->stage >= 0 || q->timing != HUB_BROWSE_ANY_TIME || q->open_items || q->missing_photo;
}

/* The FROM and WHERE every form of the query shares, into sql: browse_hh
 * alone for what it holds, with the household and its report row only for
 * the filters of the reconcile queue's items. walk: the page is to be
 * found by walking the sort's index and testing each row, not by
 * collecting every match and sorting them: each filter is written with a
 * unary + (SQLite then uses no index for it), but the sort's own first
 * column, whose range its index walks. */
static int append_where(proto_buf *sql, const proto_campaign *c, int scope, const hub_browse_query *q,
			int searching, int walk, int flags)
{
	int items = !flags && (q->open_items || q->missing_photo);
	const char *id = walk ? " AND +b.id" : " AND b.id";
	const char *commune = walk && q->sort != HUB_BROWSE_BY_COMMUNE ? " AND +b.commune"
								       : " AND b.commune";
	const char *plus = walk ? "+" : "";

	if (proto_buf_append_str(sql, " FROM browse_hh b") ||
	    (items &&
	     proto_buf_append_str(sql, " JOIN household h ON h.id_origin = b.id_origin AND"
				       " h.id_serial = b.id_serial LEFT JOIN report_hh r ON"
				       " r.id_origin = b.id_origin AND r.id_serial = b.id_serial")) ||
	    proto_buf_append_str(sql, " WHERE 1") ||
	    (searching &&
	     proto_buf_appendf(sql, "%s IN (SELECT rowid FROM browse_fts WHERE browse_fts MATCH :text)",
			       id)) ||
	    (scope && append_district(sql, c, commune, scope)) ||
	    (q->district && append_district(sql, c, commune, q->district)) ||
	    (q->commune && proto_buf_appendf(sql, "%s = :commune", commune)) ||
	    (has(q->category) && proto_buf_appendf(sql, " AND %sb.category = :category", plus)) ||
	    (has(q->review) && proto_buf_appendf(sql, " AND %sb.review = :review", plus)) ||
	    (q->stage >= 0 && proto_buf_appendf(sql, " AND %sb.stage = :stage",
						walk && q->sort != HUB_BROWSE_BY_STAGE ? "+" : "")) ||
	    (q->timing == HUB_BROWSE_ON_TIME &&
	     proto_buf_appendf(sql, " AND %sb.handed <= :deadline", plus)) ||
	    (q->timing == HUB_BROWSE_LATE &&
	     proto_buf_appendf(sql,
			       " AND (%sb.handed > :deadline OR (%sb.handed IS NULL AND :as_of > :deadline))",
			       plus, plus)) ||
	    (flags && q->open_items && proto_buf_appendf(sql, " AND %sb.open_since <= :as_of", plus)) ||
	    (flags && q->missing_photo && proto_buf_appendf(sql, " AND %sb.photo_since <= :as_of", plus)) ||
	    (!flags && q->open_items && proto_buf_append_str(sql, " AND " OPEN_ITEMS_SQL)) ||
	    (!flags && q->missing_photo && proto_buf_append_str(sql, " AND " MISSING_PHOTO_SQL)))
		return -1;
	return 0;
}

static void bind_named(sqlite3_stmt *st, const char *name, const char *value)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i > 0)
		sqlite3_bind_text(st, i, value, -1, SQLITE_TRANSIENT);
}

static void bind_query(sqlite3_stmt *st, const proto_campaign *c, const char *as_of,
		       const hub_browse_query *q, const char *fts)
{
	char ev[160];
	int i;

	hub_browse_evidence(c, ev, sizeof(ev));
	bind_named(st, ":text", fts);
	bind_named(st, ":category", q->category);
	bind_named(st, ":review", q->review);
	bind_named(st, ":deadline", c->deadline);
	bind_named(st, ":as_of", as_of);
	bind_named(st, ":ev", ev);
	if ((i = sqlite3_bind_parameter_index(st, ":commune")) > 0)
		sqlite3_bind_int(st, i, q->commune);
	if ((i = sqlite3_bind_parameter_index(st, ":stage")) > 0)
		sqlite3_bind_int(st, i, q->stage);
	if ((i = sqlite3_bind_parameter_index(st, ":limit")) > 0)
		sqlite3_bind_int64(st, i, q->per_page);
	if ((i = sqlite3_bind_parameter_index(st, ":offset")) > 0)
		sqlite3_bind_int64(st, i, (q->page - 1) * q->per_page);
}

static const char *text_at(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

/* Hand each row of st to cb. */
static hub_result walk_rows(sqlite3_stmt *st, hub_browse_cb cb, void *arg)
{
	hub_browse_row row;
	int s, k;

	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		row.id.origin = proto_i2u(sqlite3_column_int64(st, 0));
		row.id.serial = proto_i2u(sqlite3_column_int64(st, 1));
		row.ref = text_at(st, 2);
		row.name = text_at(st, 3);
		row.national_id = text_at(st, 4);
		row.hamlet = text_at(st, 5);
		row.category = text_at(st, 6);
		row.review_status = text_at(st, 7);
		row.withdrawn = text_at(st, 8);
		row.commune = sqlite3_column_int64(st, 9);
		row.changed = (uint64_t)sqlite3_column_int64(st, 10);
		for (k = 8; k >= 1 && !row.stage; k--) {
			const char *d = text_at(st, 10 + k);

			if (d && strcmp(d, "~") != 0) {
				row.stage = k;
				row.stage_date = d;
			}
		}
		if (cb(arg, &row))
			return HUB_ENOMEM;
	}
	return s == SQLITE_DONE ? HUB_OK : HUB_EDB;
}

/* Run the query in one of its forms: counted (into *total), a page (to cb)
 * or all of it (to cb, paged 0). walk: see append_where. */
static hub_result run(sqlite3 *db, const proto_campaign *c, const char *as_of, int scope,
		      const hub_browse_query *q, int form, int walk, hub_browse_cb cb, void *arg,
		      int64_t *total)
{
	proto_buf sql, fts;
	sqlite3_stmt *st = NULL;
	hub_result rc = HUB_ENOMEM;
	int searching;
	/* the flags browse_hh keeps, when they answer for this campaign; else
	 * the rules themselves, exact but ~20 µs a household */
	int flags = (q->open_items || q->missing_photo) && hub_browse_flags_usable(db, c);

	proto_buf_init(&sql, 1 << 20);
	proto_buf_init(&fts, 4 * HUB_BROWSE_TEXT_MAX + 16);
	if (fts_query(q->text, &fts) != HUB_OK)
		goto out;
	searching = fts.len > 1;
	/* words alone are counted by their index (every row of browse_fts
	 * has its browse_hh row), not by a lookup of each match; a page: its
	 * rows chosen on browse_hh and its indexes, then only they joined to
	 * what the page shows */
	if (form == 0 && searching && !narrowed(scope, q)) {
		if (proto_buf_append_str(&sql, "SELECT count(*) FROM browse_fts WHERE browse_fts MATCH"
					       " :text") ||
		    proto_buf_append_byte(&sql, 0))
			goto out;
	} else if (proto_buf_append_str(&sql, form == 0 ? "SELECT count(*)" : COLUMNS "SELECT b.id") ||
		   append_where(&sql, c, scope, q, searching, walk, flags) ||
		   (form == 1 &&
		    (proto_buf_append_str(&sql, (walk ? order_sql : order_sorted_sql)[q->sort]) ||
		     proto_buf_append_str(&sql, " LIMIT :limit OFFSET :offset)") ||
		     proto_buf_append_str(&sql, order_sql[q->sort]))) ||
		   (form == 2 && proto_buf_append_str(&sql, ") ORDER BY h.id_origin, h.id_serial")) ||
		   proto_buf_append_byte(&sql, 0))
		goto out;
	rc = HUB_EDB;
	if (sqlite3_prepare_v2(db, (const char *)sql.data, -1, &st, NULL) != SQLITE_OK)
		goto out;
	bind_query(st, c, as_of, q, (const char *)fts.data);
	if (form == 0) {
		if (sqlite3_step(st) != SQLITE_ROW)
			goto out;
		*total = sqlite3_column_int64(st, 0);
		rc = HUB_OK;
	} else {
		rc = walk_rows(st, cb, arg);
	}
out:
	sqlite3_finalize(st);
	proto_buf_release(&sql);
	proto_buf_release(&fts);
	return rc;
}

/* browse_hh's rows, about (its largest id: rows are never deleted); 0
 * when it cannot say. */
static int64_t rows_about(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int64_t n = 0;

	if (sqlite3_prepare_v2(db, "SELECT max(id) FROM browse_hh", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/*
 * Whether a page of q, whose matches number total, is found sooner by
 * walking its sort's index until the page is full than by collecting
 * every match and sorting them. The walk reads about (offset + page) *
 * rows / total rows of the index, the sort reads total: the walk wins
 * when total * total > rows * (offset + page). SQLite's planner, which
 * does not know how many match nor weigh the LIMIT, would sort 100,000
 * matches of a common word or a stage for a page of 50.
 */
static int walk_wins(sqlite3 *db, const hub_browse_query *q, int64_t total)
{
	double seen = (double)(q->page * q->per_page), rows;

	if (total <= 0)
		return 0;
	rows = (double)rows_about(db);
	return (double)total * (double)total > rows * seen;
}

hub_result hub_browse(sqlite3 *db, const proto_campaign *c, const char *as_of, int scope,
		      const hub_browse_query *q, hub_browse_cb cb, void *arg, int64_t *total)
{
	int64_t counted = -1;
	hub_result rc;

	if (!query_valid(q, scope))
		return HUB_REFUSED;
	if (total && (rc = run(db, c, as_of, scope, q, 0, 0, NULL, NULL, &counted)) != HUB_OK)
		return rc;
	if (total)
		*total = counted;
	if (!cb)
		return HUB_OK;
	return run(db, c, as_of, scope, q, 1, walk_wins(db, q, counted), cb, arg, NULL);
}

hub_result hub_browse_each(sqlite3 *db, const proto_campaign *c, const char *as_of, int scope,
			   const hub_browse_query *q, hub_browse_cb cb, void *arg)
{
	if (!query_valid(q, scope))
		return HUB_REFUSED;
	return run(db, c, as_of, scope, q, 2, 0, cb, arg, NULL);
}
