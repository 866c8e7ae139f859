/*
 * report_reconcile.c - the queue of what needs a human: concurrent edits
 * (both values), one national ID in several households, milestones out of
 * order, completions and hand-overs after the deadline, and change-sets the
 * hub rejected. Every item has a stable id (C-, N-, O-, L-, R- + its key) so
 * that "maiam-hub reconcile resolve ID" can record who settled it and how.
 *
 * The queue is read by pages (docs/REPORTS.md, "Paging"): rejected
 * change-sets can number hundreds of thousands (an enrolment flood), so
 * their page is an SQL LIMIT/OFFSET, most recent first, and their counts are
 * SQL counts; nothing here reads the whole hub_rejection table into memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "hub.h"
#include "report_int.h"

const char *const report_kind_names[NKINDS] = {
	"conflict", "duplicate_national_id", "out_of_order", "late", "rejected_changeset",
};
const char *const report_kind_labels[NKINDS] = {
	"Sửa đồng thời", "Trùng CCCD", "Mốc sai thứ tự", "Quá hạn", "Gói dữ liệu bị từ chối",
};

typedef struct rc_item {
	int kind;
	char id[96];
	proto_buf subject, detail, extra; /* extra: JSON members, each starting with ", " */
	int resolved;
	char by[128];
	char note[512];
} rc_item;

typedef int (*item_cb)(void *arg, rc_item *it);

typedef struct walk {
	sqlite3 *db;
	const proto_campaign *c;
	const char *as_of;
	int detail; /* 0: only ids and kinds (counts) */
	item_cb cb;
	void *arg;
	rc_item it;
	sqlite3_stmt *res; /* the latest resolution of an item */
	/* the page: items passed over, items still wanted (-1: all), resolved
	 * ones too; stop set once the page is full */
	int64_t skip, left;
	int all, stop;
	int rejected;         /* walk rejected change-sets: 0 no, 1 yes */
	int64_t rejection_id; /* > 0: that rejection only, nothing else */
} walk;

static void hh_id(char *out, size_t outlen, int64_t origin, int64_t serial)
{
	snprintf(out, outlen, "%016llx-%llu", (unsigned long long)proto_i2u(origin),
		 (unsigned long long)proto_i2u(serial));
}

static const char *text_or(sqlite3_stmt *st, int col, const char *dflt)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	return s ? s : dflt;
}

static const char *unit_name(const proto_campaign *c, int code)
{
	const proto_unit *u = proto_units_find(&c->units, code);
	return u ? u->name : "?";
}

static int emit(walk *w)
{
	rc_item *it = &w->it;
	int rc;

	it->resolved = 0;
	it->by[0] = it->note[0] = '\0';
	sqlite3_reset(w->res);
	sqlite3_bind_text(w->res, 1, it->id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(w->res);
	if (rc == SQLITE_ROW) {
		it->resolved = 1;
		snprintf(it->by, sizeof(it->by), "%s", text_or(w->res, 0, ""));
		snprintf(it->note, sizeof(it->note), "%s", text_or(w->res, 1, ""));
	} else if (rc != SQLITE_DONE) {
		return -1;
	}
	sqlite3_reset(w->res);
	if (it->resolved && !w->all)
		rc = 0;
	else if (w->skip > 0)
		w->skip--, rc = 0;
	else if (w->left == 0)
		w->stop = 1, rc = 1;
	else {
		rc = w->cb(w->arg, it);
		if (rc > 0)
			w->stop = 1;
		if (w->left > 0)
			w->left--;
	}
	proto_buf_reset(&it->subject);
	proto_buf_reset(&it->detail);
	proto_buf_reset(&it->extra);
	return rc;
}

static int walk_conflicts(walk *w)
{
	sqlite3_stmt *st = NULL;
	int step, rc = -1;

	if (sqlite3_prepare_v2(w->db,
		"SELECT c.id, c.id_origin, c.id_serial, c.field, c.winner_value, c.loser_value,"
		" h.name, h.commune, c.resolved_at FROM conflict c LEFT JOIN household h"
		" ON h.id_origin = c.id_origin AND h.id_serial = c.id_serial ORDER BY c.id",
		-1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const proto_field_desc *f = proto_field_lookup(PROTO_KIND_HOUSEHOLD,
							       (uint8_t)sqlite3_column_int(st, 3));
		const char *field = f ? f->column : "?";
		char hid[48];

		if (sqlite3_column_type(st, 8) != SQLITE_NULL)
			continue; /* settled in the conflict table itself */
		w->it.kind = RK_CONFLICT;
		snprintf(w->it.id, sizeof(w->it.id), "C-%lld", (long long)sqlite3_column_int64(st, 0));
		hh_id(hid, sizeof(hid), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2));
		if (w->detail &&
		    (proto_buf_appendf(&w->it.subject, "%s %s (%s)", hid, text_or(st, 6, "?"),
				       unit_name(w->c, sqlite3_column_int(st, 7))) ||
		     proto_buf_appendf(&w->it.detail, "%s: giữ '%s', giá trị kia '%s'", field,
				       text_or(st, 4, ""), text_or(st, 5, "")) ||
		     proto_buf_appendf(&w->it.extra, ", \"household\": \"%s\", \"field\": \"%s\","
				       " \"winner\": ", hid, field) ||
		     hub_json_str(&w->it.extra, (const char *)sqlite3_column_text(st, 4)) ||
		     proto_buf_append_str(&w->it.extra, ", \"loser\": ") ||
		     hub_json_str(&w->it.extra, (const char *)sqlite3_column_text(st, 5))))
			goto out;
		if (emit(w))
			goto out;
	}
	rc = step == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(st);
	return rc;
}

static int walk_duplicates(walk *w)
{
	sqlite3_stmt *st = NULL, *hh = NULL;
	int step, rc = -1;

	if (sqlite3_prepare_v2(w->db, "SELECT national_id, n FROM report_nid WHERE n > 1"
				      " ORDER BY national_id", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(w->db, "SELECT id_origin, id_serial, name, commune FROM household"
				      " WHERE national_id = ? ORDER BY id_origin, id_serial",
			       -1, &hh, NULL) != SQLITE_OK)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *nid = text_or(st, 0, "");
		int first = 1;

		w->it.kind = RK_DUPLICATE;
		snprintf(w->it.id, sizeof(w->it.id), "N-%s", nid);
		if (w->detail) {
			if (proto_buf_appendf(&w->it.subject, "CCCD %s", nid) ||
			    proto_buf_appendf(&w->it.detail, "%lld hộ cùng số:",
					      (long long)sqlite3_column_int64(st, 1)) ||
			    proto_buf_append_str(&w->it.extra, ", \"national_id\": ") ||
			    hub_json_str(&w->it.extra, nid) ||
			    proto_buf_append_str(&w->it.extra, ", \"households\": ["))
				goto out;
			sqlite3_bind_text(hh, 1, nid, -1, SQLITE_TRANSIENT);
			while (sqlite3_step(hh) == SQLITE_ROW) {
				char hid[48];
				hh_id(hid, sizeof(hid), sqlite3_column_int64(hh, 0),
				      sqlite3_column_int64(hh, 1));
				if (proto_buf_appendf(&w->it.detail, " %s %s (%s);", hid,
						      text_or(hh, 2, "?"),
						      unit_name(w->c, sqlite3_column_int(hh, 3))) ||
				    proto_buf_appendf(&w->it.extra, "%s\"%s\"", first ? "" : ", ", hid))
					goto out;
				first = 0;
			}
			sqlite3_reset(hh);
			if (proto_buf_append_byte(&w->it.extra, ']'))
				goto out;
		}
		if (emit(w))
			goto out;
	}
	rc = step == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(hh);
	return rc;
}

/* Each pair of stages where the later one is dated before the earlier one,
 * the latest stage recorded while an earlier one is missing, and the
 * reasons given for forced milestones. */
static int order_detail(walk *w, sqlite3_stmt *st, sqlite3_stmt *forced, const char *hid)
{
	const char *d[9];
	int j, k, first = 1;

	for (k = 1; k <= 8; k++)
		d[k] = (const char *)sqlite3_column_text(st, 3 + k);
	if (proto_buf_appendf(&w->it.extra, ", \"household\": \"%s\", \"pairs\": [", hid))
		return -1;
	for (j = 1; j <= 8; j++)
		for (k = j + 1; k <= 8; k++)
			if (d[j] && d[k] && strcmp(d[k], d[j]) < 0) {
				if (proto_buf_appendf(&w->it.detail, "%s%s %s trước %s %s",
						      first ? "" : "; ", proto_stages[k - 1], d[k],
						      proto_stages[j - 1], d[j]) ||
				    proto_buf_appendf(&w->it.extra, "%s[\"%s\", \"%s\"]", first ? "" : ", ",
						      proto_stages[k - 1], proto_stages[j - 1]))
					return -1;
				first = 0;
			}
	/* a stage recorded while an earlier one never was: name the latest missing one */
	if (proto_buf_append_str(&w->it.extra, "], \"missing\": ["))
		return -1;
	for (k = 8, j = 0; k >= 2; k--) {
		int gap = 0;
		if (!d[k])
			continue;
		for (gap = k - 1; gap >= 1 && d[gap]; gap--)
			;
		if (gap < 1)
			break;
		if (proto_buf_appendf(&w->it.detail, "%s%s %s khi chưa có %s", first ? "" : "; ",
				      proto_stages[k - 1], d[k], proto_stages[gap - 1]) ||
		    proto_buf_appendf(&w->it.extra, "%s[\"%s\", \"%s\"]", j ? ", " : "",
				      proto_stages[k - 1], proto_stages[gap - 1]))
			return -1;
		first = 0;
		j = 1;
		break; /* the latest recorded stage is the one a human checks */
	}
	if (proto_buf_append_str(&w->it.extra, "], \"forced\": ["))
		return -1;
	sqlite3_bind_int64(forced, 1, sqlite3_column_int64(st, 0));
	sqlite3_bind_int64(forced, 2, sqlite3_column_int64(st, 1));
	first = 1;
	while (sqlite3_step(forced) == SQLITE_ROW) {
		if (proto_buf_appendf(&w->it.detail, "; %s được ghi ngoài thứ tự, lý do: %s",
				      text_or(forced, 0, "?"), text_or(forced, 1, "")) ||
		    proto_buf_appendf(&w->it.extra, "%s{\"stage\": ", first ? "" : ", ") ||
		    hub_json_str(&w->it.extra, text_or(forced, 0, "?")) ||
		    proto_buf_append_str(&w->it.extra, ", \"reason\": ") ||
		    hub_json_str(&w->it.extra, text_or(forced, 1, "")) ||
		    proto_buf_append_byte(&w->it.extra, '}'))
			return -1;
		first = 0;
	}
	sqlite3_reset(forced);
	return proto_buf_append_byte(&w->it.extra, ']') ? -1 : 0;
}

#define HH_COLS "r.id_origin, r.id_serial, h.name, h.commune, r.d1, r.d2, r.d3, r.d4, r.d5," \
		" r.d6, r.d7, r.d8 FROM report_hh r LEFT JOIN household h ON" \
		" h.id_origin = r.id_origin AND h.id_serial = r.id_serial"

static int walk_order(walk *w)
{
	sqlite3_stmt *st = NULL, *forced = NULL;
	int step, rc = -1;

	if (sqlite3_prepare_v2(w->db, "SELECT " HH_COLS " WHERE r.disorder AND r.counted"
				      " ORDER BY r.id_origin, r.id_serial", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(w->db, "SELECT stage, forced FROM milestone m WHERE"
				      " household_origin = ? AND household_serial = ? AND"
				      " forced IS NOT NULL AND" PROTO_SQL_MILESTONE_LIVE("m") "ORDER BY date",
			       -1, &forced, NULL) != SQLITE_OK)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		char hid[48];

		hh_id(hid, sizeof(hid), sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
		w->it.kind = RK_ORDER;
		snprintf(w->it.id, sizeof(w->it.id), "O-%s", hid);
		if (w->detail && (proto_buf_appendf(&w->it.subject, "%s %s (%s)", hid,
						    text_or(st, 2, "?"),
						    unit_name(w->c, sqlite3_column_int(st, 3))) ||
				  order_detail(w, st, forced, hid)))
			goto out;
		if (emit(w))
			goto out;
	}
	rc = step == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(forced);
	return rc;
}

static int walk_late(walk *w)
{
	sqlite3_stmt *st = NULL;
	int step, rc = -1;

	/* two index ranges (d7, d8) instead of a scan of every household */
	if (sqlite3_prepare_v2(w->db,
		"SELECT " HH_COLS " WHERE (r.id_origin, r.id_serial) IN"
		" (SELECT id_origin, id_serial FROM report_hh WHERE d8 > ?1 AND d8 <= ?2"
		"  UNION SELECT id_origin, id_serial FROM report_hh WHERE d7 > ?1 AND d7 <= ?2)"
		" AND r.counted ORDER BY r.id_origin, r.id_serial", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, w->c->deadline, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, w->as_of, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *done = (const char *)sqlite3_column_text(st, 10);
		const char *handed = (const char *)sqlite3_column_text(st, 11);
		char hid[48];

		hh_id(hid, sizeof(hid), sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
		w->it.kind = RK_LATE;
		snprintf(w->it.id, sizeof(w->it.id), "L-%s", hid);
		if (w->detail &&
		    (proto_buf_appendf(&w->it.subject, "%s %s (%s)", hid, text_or(st, 2, "?"),
				       unit_name(w->c, sqlite3_column_int(st, 3))) ||
		     proto_buf_appendf(&w->it.detail, "hoàn thành %s, bàn giao %s; hạn %s",
				       done ? done : "chưa", handed ? handed : "chưa", w->c->deadline) ||
		     proto_buf_appendf(&w->it.extra, ", \"household\": \"%s\", \"completed\": ", hid) ||
		     hub_json_str(&w->it.extra, done) ||
		     proto_buf_append_str(&w->it.extra, ", \"handed_over\": ") ||
		     hub_json_str(&w->it.extra, handed)))
			goto out;
		if (emit(w))
			goto out;
	}
	rc = step == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(st);
	return rc;
}

static int walk_rejected(walk *w)
{
	sqlite3_stmt *st = NULL;
	int step, rc = -1;

	/* hub_rejection belongs to the hub (store.c); a hub without it has none.
	 * Most recent first; the page's offset and length are SQL's, so a page
	 * reads its own rows (and the index of resolutions) only. */
	if (sqlite3_prepare_v2(w->db, "SELECT id, received, source, origin, seq, code, message"
				      " FROM hub_rejection r WHERE (?1 = 0 OR id = ?1) AND (?2 OR NOT"
				      " EXISTS (SELECT 1 FROM report_resolution s WHERE s.item ="
				      " 'R-' || r.id)) ORDER BY id DESC LIMIT ?3 OFFSET ?4", -1, &st,
			       NULL) != SQLITE_OK)
		return sqlite3_errcode(w->db) == SQLITE_ERROR &&
		       strstr(sqlite3_errmsg(w->db), "no such table") ? 0 : -1;
	sqlite3_bind_int64(st, 1, w->rejection_id);
	sqlite3_bind_int(st, 2, w->all);
	sqlite3_bind_int64(st, 3, w->left);
	sqlite3_bind_int64(st, 4, w->skip);
	w->skip = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		w->it.kind = RK_REJECTED;
		snprintf(w->it.id, sizeof(w->it.id), "R-%lld", (long long)sqlite3_column_int64(st, 0));
		if (w->detail &&
		    (proto_buf_appendf(&w->it.subject, "%s %016llx #%lld", text_or(st, 2, "?"),
				       (unsigned long long)proto_i2u(sqlite3_column_int64(st, 3)),
				       (long long)sqlite3_column_int64(st, 4)) ||
		     proto_buf_appendf(&w->it.detail, "%s: %s", text_or(st, 5, "?"),
				       text_or(st, 6, "")) ||
		     proto_buf_appendf(&w->it.extra, ", \"received\": %lld, \"source\": ",
				       (long long)sqlite3_column_int64(st, 1)) ||
		     hub_json_str(&w->it.extra, text_or(st, 2, "")) ||
		     proto_buf_appendf(&w->it.extra, ", \"origin\": \"%016llx\", \"seq\": %lld,"
				       " \"code\": ", (unsigned long long)proto_i2u(sqlite3_column_int64(st, 3)),
				       (long long)sqlite3_column_int64(st, 4)) ||
		     hub_json_str(&w->it.extra, text_or(st, 5, "")) ||
		     proto_buf_append_str(&w->it.extra, ", \"message\": ") ||
		     hub_json_str(&w->it.extra, text_or(st, 6, ""))))
			goto out;
		if (emit(w))
			goto out;
	}
	rc = step == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(st);
	return rc;
}

/* One kind's walk, unless the page is already full; stopping is not failing. */
static int walk_step(walk *w, int (*fn)(walk *))
{
	if (w->stop)
		return 0;
	return fn(w) && !w->stop ? -1 : 0;
}

/* What walk_all reads: a page of the queue, or one rejection. */
typedef struct page_req {
	int64_t skip, limit; /* limit -1: no limit */
	int all;             /* resolved items too */
	int rejected;        /* rejected change-sets too */
	int64_t rejection_id;
} page_req;

static int walk_all(sqlite3 *db, const proto_campaign *c, const char *as_of, int detail,
		    const page_req *p, item_cb cb, void *arg)
{
	walk w;
	int rc = -1;

	memset(&w, 0, sizeof(w));
	w.db = db;
	w.c = c;
	w.as_of = as_of;
	w.detail = detail;
	w.cb = cb;
	w.arg = arg;
	w.skip = p->skip;
	w.left = p->limit;
	w.all = p->all;
	w.rejected = p->rejected;
	w.rejection_id = p->rejection_id;
	proto_buf_init(&w.it.subject, 1 << 20);
	proto_buf_init(&w.it.detail, 1 << 20);
	proto_buf_init(&w.it.extra, 1 << 20);
	if (sqlite3_prepare_v2(db, "SELECT resolved_by, note FROM report_resolution WHERE item = ?"
				   " ORDER BY id DESC LIMIT 1", -1, &w.res, NULL) != SQLITE_OK)
		goto out;
	/* a walk stopped by its callback (page full, item found) is done */
	if (!w.rejection_id &&
	    (walk_step(&w, walk_conflicts) || walk_step(&w, walk_duplicates) ||
	     walk_step(&w, walk_order) || walk_step(&w, walk_late)))
		goto out;
	if (w.rejected && w.left != 0 && walk_step(&w, walk_rejected))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(w.res);
	proto_buf_release(&w.it.subject);
	proto_buf_release(&w.it.detail);
	proto_buf_release(&w.it.extra);
	return rc;
}

typedef struct counter {
	int64_t *counts;
	int64_t resolved;
} counter;

static int count_item(void *arg, rc_item *it)
{
	counter *k = arg;

	if (it->resolved)
		k->resolved++;
	else
		k->counts[it->kind]++;
	return 0;
}

/* Rejected change-sets and how many of them are resolved, counted by SQL. */
static int count_rejected(sqlite3 *db, int64_t *all, int64_t *resolved)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	*all = *resolved = 0;
	if (sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM hub_rejection), (SELECT"
				   " count(DISTINCT item) FROM report_resolution WHERE item >= 'R-'"
				   " AND item < 'R.')", -1, &st, NULL) != SQLITE_OK)
		return sqlite3_errcode(db) == SQLITE_ERROR &&
		       strstr(sqlite3_errmsg(db), "no such table") ? 0 : -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*all = sqlite3_column_int64(st, 0);
		*resolved = sqlite3_column_int64(st, 1);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int report_reconcile_counts(sqlite3 *db, const proto_campaign *c, const char *as_of,
			    int64_t counts[NKINDS], int64_t *resolved, char *err, size_t errlen)
{
	counter k = { counts, 0 };
	page_req p = { 0, -1, 1, 0, 0 };
	int64_t rejected, rejected_resolved;

	memset(counts, 0, sizeof(int64_t) * NKINDS);
	if (walk_all(db, c, as_of, 0, &p, count_item, &k) ||
	    count_rejected(db, &rejected, &rejected_resolved)) {
		snprintf(err, errlen, "cannot read the reconcile queue: %s", sqlite3_errmsg(db));
		return -1;
	}
	counts[RK_REJECTED] = rejected - rejected_resolved;
	*resolved = k.resolved + rejected_resolved;
	return 0;
}

int hub_reconcile_counts(sqlite3 *db, const proto_campaign *c, const char *as_of,
			 int64_t counts[HUB_RECONCILE_NKINDS], int64_t *resolved, char *err,
			 size_t errlen)
{
	return report_reconcile_counts(db, c, as_of, counts, resolved, err, errlen);
}

static const report_col item_cols[] = {
	{ "id", "Mã mục", RT_TEXT },
	{ "kind", "Loại", RT_TEXT },
	{ "subject", "Đối tượng", RT_TEXT },
	{ "detail", "Chi tiết", RT_TEXT },
	{ "status", "Trạng thái", RT_TEXT },
};

typedef struct sink {
	const hub_report_opts *o;
	report_grid *g;
	proto_buf *json;
	int64_t n;
} sink;

static const char *cstr(proto_buf *b)
{
	if (proto_buf_append_byte(b, 0))
		return NULL;
	b->len--; /* keep the terminator out of the length */
	return (const char *)b->data;
}

static int add_item(void *arg, rc_item *it)
{
	sink *s = arg;
	const char *subject = cstr(&it->subject), *detail = cstr(&it->detail);
	const char *extra = cstr(&it->extra);
	char status[700];

	if (!subject || !detail || !extra)
		return -1;
	if (it->resolved)
		snprintf(status, sizeof(status), "đã xử lý (%s): %s", it->by, it->note);
	else
		snprintf(status, sizeof(status), "chờ xử lý");
	if (s->json) {
		if (proto_buf_append_str(s->json, s->n ? ",\n  {\"id\": " : "\n  {\"id\": ") ||
		    hub_json_str(s->json, it->id) ||
		    proto_buf_appendf(s->json, ", \"kind\": \"%s\", \"subject\": ",
				      report_kind_names[it->kind]) ||
		    hub_json_str(s->json, subject) || proto_buf_append_str(s->json, ", \"detail\": ") ||
		    hub_json_str(s->json, detail) ||
		    proto_buf_appendf(s->json, ", \"resolved\": %s", it->resolved ? "true" : "false") ||
		    (it->resolved && (proto_buf_append_str(s->json, ", \"resolved_by\": ") ||
				      hub_json_str(s->json, it->by) ||
				      proto_buf_append_str(s->json, ", \"note\": ") ||
				      hub_json_str(s->json, it->note))) ||
		    proto_buf_append_str(s->json, extra) || proto_buf_append_byte(s->json, '}'))
			return -1;
	} else {
		long r = report_grid_add(s->g, 0);
		if (r < 0 || report_grid_text(s->g, r, 0, it->id) ||
		    report_grid_text(s->g, r, 1, report_kind_labels[it->kind]) ||
		    report_grid_text(s->g, r, 2, subject) || report_grid_text(s->g, r, 3, detail) ||
		    report_grid_text(s->g, r, 4, status))
			return -1;
	}
	s->n++;
	return 0;
}

int hub_reconcile_page(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
		       proto_buf *out, int64_t *more_out, char *err, size_t errlen)
{
	report_grid g;
	sink s;
	int rc = -1, k;
	int64_t open = 0, resolved = 0, counts[NKINDS], total, more;
	int64_t limit = o->limit > 0 ? o->limit : HUB_RECONCILE_PAGE;
	int64_t page = o->page > 0 ? o->page : 1;
	page_req p = { 0, limit, o->all, 1, 0 };
	char left[160] = "";

	memset(&s, 0, sizeof(s));
	report_grid_init(&g, "Các mục cần xử lý (đối soát)", item_cols, 5);
	if (page - 1 > INT64_MAX / limit) {
		snprintf(err, errlen, "--page %lld is past any queue: ask for a smaller page",
			 (long long)page);
		goto out;
	}
	p.skip = (page - 1) * limit;
	if (report_reconcile_counts(db, c, o->as_of, counts, &resolved, err, errlen))
		goto out;
	s.o = o;
	s.g = &g;
	if (o->format == HUB_FMT_JSON) {
		s.json = out;
		if (proto_buf_append_str(out, "{\"as_of\": ") || hub_json_str(out, o->as_of) ||
		    proto_buf_append_str(out, ", \"items\": ["))
			goto oom;
	}
	if (walk_all(db, c, o->as_of, 1, &p, add_item, &s)) {
		snprintf(err, errlen, "cannot read the reconcile queue: %s", sqlite3_errmsg(db));
		goto out;
	}
	for (k = 0; k < NKINDS; k++)
		open += counts[k];
	/* what matches the listing, less this page and the pages before it */
	total = open + (o->all ? resolved : 0);
	more = total - p.skip - s.n;
	if (more < 0)
		more = 0;
	if (more_out)
		*more_out = more;
	if (o->format == HUB_FMT_JSON) {
		if (proto_buf_append_str(out, "],\n \"counts\": {"))
			goto oom;
		for (k = 0; k < NKINDS; k++)
			if (proto_buf_appendf(out, "%s\"%s\": %lld", k ? ", " : "", report_kind_names[k],
					      (long long)counts[k]))
				goto oom;
		if (proto_buf_appendf(out, "}, \"open\": %lld, \"resolved\": %lld, \"page\": %lld,"
				      " \"limit\": %lld, \"more\": %lld}\n", (long long)open,
				      (long long)resolved, (long long)page, (long long)limit,
				      (long long)more))
			goto oom;
	} else {
		if (more)
			snprintf(left, sizeof(left), "; trang %lld, còn %lld mục nữa (--page %lld)",
				 (long long)page, (long long)more, (long long)page + 1);
		else if (page > 1)
			snprintf(left, sizeof(left), "; trang %lld, trang cuối", (long long)page);
		snprintf(g.note, sizeof(g.note), "%lld mục chờ xử lý, %lld mục đã xử lý; số liệu đến"
			 " ngày %.2s/%.2s/%.4s%s", (long long)open, (long long)resolved,
			 o->as_of + 8, o->as_of + 5, o->as_of, left);
		if (report_grid_render(&g, o->format, out))
			goto oom;
	}
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "report too large or out of memory");
out:
	report_grid_release(&g);
	return rc;
}

int report_reconcile_render(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
			    proto_buf *out, char *err, size_t errlen)
{
	return hub_reconcile_page(db, c, o, out, NULL, err, errlen);
}

typedef struct finder {
	const char *id;
	int found, resolved;
	char by[128];
} finder;

static int find_item(void *arg, rc_item *it)
{
	finder *f = arg;

	if (strcmp(it->id, f->id) != 0)
		return 0;
	f->found = 1;
	f->resolved = it->resolved;
	snprintf(f->by, sizeof(f->by), "%s", it->by);
	return 1; /* stop */
}

int hub_reconcile_record(sqlite3 *db, const proto_campaign *c, const char *item, const char *by,
			 const char *note, const char *keep, int64_t now, char *err, size_t errlen)
{
	finder f;
	sqlite3_stmt *st = NULL;
	char when[32];
	int rc = -1, walked;
	time_t t = (time_t)now;
	struct tm tm;
	page_req p = { 0, -1, 1, 0, 0 };
	char *end;

	memset(&f, 0, sizeof(f));
	f.id = item;
	/* a rejection is found by its id, not by walking them all */
	if (strncmp(item, "R-", 2) == 0) {
		p.rejection_id = strtoll(item + 2, &end, 10);
		if (*end || p.rejection_id <= 0)
			p.rejection_id = -1; /* no such item */
		p.rejected = 1;
	}
	walked = walk_all(db, c, "9999-12-31", 0, &p, find_item, &f);
	if (walked < 0 && !f.found) {
		snprintf(err, errlen, "cannot read the reconcile queue: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (!f.found) {
		snprintf(err, errlen, "no reconcile item '%s': see 'maiam-hub report reconcile'", item);
		return 1;
	}
	if (f.resolved) {
		snprintf(err, errlen, "item '%s' is already resolved by '%s': nothing recorded", item,
			 f.by);
		return 1;
	}
	if (keep && strncmp(item, "C-", 2) != 0) {
		snprintf(err, errlen, "--keep applies to conflicts (C-...) only, not '%s'", item);
		return 1;
	}
	if (now < 0)
		return 2; /* only checking */
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (sqlite3_prepare_v2(db, "INSERT INTO report_resolution(item, resolved_at, resolved_by,"
				   " note, keep) VALUES (?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, item, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, when, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, note, -1, SQLITE_STATIC);
	if (keep)
		sqlite3_bind_text(st, 5, keep, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dberr;
	rc = 0;
	goto out;
dberr:
	snprintf(err, errlen, "cannot record the resolution: %s", sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	return rc;
}

int report_conflict_loser(sqlite3 *db, const char *item, proto_id *hh, int *field, int *type,
			  int64_t *ival, char *text, size_t textlen)
{
	sqlite3_stmt *st = NULL;
	char *end;
	long long id;
	int rc = -1;

	if (strncmp(item, "C-", 2) != 0)
		return 0;
	id = strtoll(item + 2, &end, 10);
	if (*end || id <= 0)
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT id_origin, id_serial, field, loser_value FROM conflict"
				   " WHERE id = ? AND kind = 1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		hh->origin = proto_i2u(sqlite3_column_int64(st, 0));
		hh->serial = proto_i2u(sqlite3_column_int64(st, 1));
		*field = sqlite3_column_int(st, 2);
		*type = sqlite3_column_type(st, 3);
		*ival = sqlite3_column_int64(st, 3);
		snprintf(text, textlen, "%s", text_or(st, 3, ""));
		rc = 1;
		break;
	case SQLITE_DONE:
		rc = 0;
		break;
	}
	sqlite3_finalize(st);
	return rc;
}

int hub_reconcile_recent(sqlite3 *db, int n, hub_rejection_row_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int step, rc = -1;

	if (sqlite3_prepare_v2(db, "SELECT r.id, r.received, r.source, r.code, r.message"
				   " FROM hub_rejection r WHERE NOT EXISTS (SELECT 1 FROM"
				   " report_resolution s WHERE s.item = 'R-' || r.id)"
				   " ORDER BY r.id DESC LIMIT ?", -1, &st, NULL) != SQLITE_OK)
		return strstr(sqlite3_errmsg(db), "no such table") ? 0 : -1;
	sqlite3_bind_int(st, 1, n);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (cb(arg, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		       (const char *)sqlite3_column_text(st, 2),
		       (const char *)sqlite3_column_text(st, 3),
		       (const char *)sqlite3_column_text(st, 4)))
			goto out;
	if (step == SQLITE_DONE)
		rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}
