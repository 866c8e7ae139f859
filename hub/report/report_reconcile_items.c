/*
 * report_reconcile_items.c - the kinds of items in the queue of what needs
 * a human: concurrent edits (both values), one national ID in several
 * households, milestones out of order, completions and hand-overs after the
 * deadline, one stage recorded by two laptops on different days, one photo
 * or two near ones on two households, a stage the campaign wants a photo
 * of without one, a photo's time or position that does not fit (those of
 * the position in report_reconcile_position.c), and change-sets the hub
 * rejected. For each kind: the rows that make its items, in the queue's
 * order, and how a row becomes an item with a stable id (C-, N-, O-, L-,
 * S-, P-, D-, E-, T-, G-, B-, R- + its key) that
 * "maiam-hub reconcile resolve ID" names. Photo items are read from the
 * records when the queue is read (near photos from the pairs noted as the
 * bytes and the records came, hub_photo_near, rechecked against the
 * records): they stay out of the report tables.
 */
#include <stdio.h>
#include <string.h>
#include "report_reconcile_kinds.h"
#include "dashboard_household.h" /* dash_hh_field_title: the forms' words for a field */

const char *const report_kind_names[NKINDS] = {
	"conflict",       "duplicate_national_id", "out_of_order",
	"late",           "stage_two_dates",       "same_photo",
	"near_photo",     "missing_evidence",      "photo_time",
	"photo_distance", "photo_outside",         "rejected_changeset",
};
const char *const report_kind_labels[NKINDS] = {
	"Sửa đồng thời",     "Trùng CCCD",       "Mốc sai thứ tự", "Quá hạn",
	"Một mốc, hai ngày", "Trùng ảnh",        "Ảnh gần giống",  "Thiếu ảnh",
	"Giờ chụp ảnh",      "Ảnh chụp xa nhau", "Ảnh ngoài tỉnh", "Gói dữ liệu bị từ chối",
};
const char *const report_kind_english[NKINDS] = {
	N_("Concurrent edit"),
	N_("Duplicate national ID"),
	N_("Stages out of order"),
	N_("Late"),
	N_("One stage, two days"),
	N_("Same photo"),
	N_("Near-duplicate photo"),
	N_("Missing photo"),
	N_("Photo time"),
	N_("Photos far apart"),
	N_("Photo outside the province"),
	N_("Rejected change-set"),
};

/* A detail's words: Vietnamese in documents, the operator's in a table. */
static const char *say(const rc_walk *w, const char *vi, const char *msgid)
	__attribute__((format_arg(2), format_arg(3)));
static const char *say(const rc_walk *w, const char *vi, const char *msgid)
{
	return report_say(w->req.lang, vi, msgid);
}

void rc_record_id(char *out, size_t outlen, int64_t origin, int64_t serial)
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

hub_result rc_describe_household(rc_walk *w, sqlite3_stmt *row, const char *id_prefix, char hid[48])
{
	rc_record_id(hid, 48, sqlite3_column_int64(row, 0), sqlite3_column_int64(row, 1));
	if (id_prefix)
		snprintf(w->it.id, sizeof(w->it.id), "%s%s", id_prefix, hid);
	rc_note_commune(w, sqlite3_column_int64(row, 3));
	if (!w->detail)
		return HUB_OK;
	if (proto_buf_appendf(&w->it.subject, "%s %s (%s)", hid, text_or(row, 2, "?"),
			      unit_name(w->c, sqlite3_column_int(row, 3))) ||
	    report_json_member(&w->it.extra, "household", hid))
		return HUB_ENOMEM;
	return HUB_OK;
}

/* Each row of st as one element of a JSON array in w->it.extra (whose "["
 * the caller wrote), each through element; the array closed after them. */
static hub_result each_row(rc_walk *w, sqlite3_stmt *st,
			   hub_result (*element)(rc_walk *w, sqlite3_stmt *row, int first))
{
	hub_result rc = HUB_OK;
	int step, first = 1;

	while (rc == HUB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		rc = element(w, st, first);
		first = 0;
	}
	sqlite3_reset(st);
	if (rc != HUB_OK)
		return rc;
	if (step != SQLITE_DONE)
		return HUB_EDB;
	return proto_buf_append_byte(&w->it.extra, ']') ? HUB_ENOMEM : HUB_OK;
}

/* ---- conflicts: both values of a field two laptops edited at once ------- */

static hub_result describe_conflict(rc_walk *w, sqlite3_stmt *row, sqlite3_stmt *aux)
{
	const proto_field_desc *f = proto_field_lookup(PROTO_KIND_HOUSEHOLD,
						       (uint8_t)sqlite3_column_int(row, 5));
	const char *field = f ? f->column : "?";
	char hid[48];

	(void)aux;
	snprintf(w->it.id, sizeof(w->it.id), "C-%lld", (long long)sqlite3_column_int64(row, 4));
	if (rc_describe_household(w, row, NULL, hid))
		return HUB_ENOMEM;
	if (w->detail &&
	    (proto_buf_appendf(&w->it.detail,
			       say(w, "%s: giữ '%s', giá trị kia '%s'",
				   N_("%s: kept '%s', the other value '%s'")),
			       /* a document in Vietnamese names the field as the forms do */
			       w->req.lang == REPORT_VI ? dash_hh_field_title(field) : field,
			       text_or(row, 6, ""), text_or(row, 7, "")) ||
	     report_json_member(&w->it.extra, "field", field) ||
	     report_json_member(&w->it.extra, "winner", (const char *)sqlite3_column_text(row, 6)) ||
	     report_json_member(&w->it.extra, "loser", (const char *)sqlite3_column_text(row, 7))))
		return HUB_ENOMEM;
	return HUB_OK;
}

/* ---- duplicates: one national ID in several households ------------------ */

/* One household of a shared national ID: in the detail and the list. */
static hub_result duplicate_household(rc_walk *w, sqlite3_stmt *row, int first)
{
	char hid[48];

	rc_record_id(hid, sizeof(hid), sqlite3_column_int64(row, 0), sqlite3_column_int64(row, 1));
	rc_note_commune(w, sqlite3_column_int64(row, 3));
	if (proto_buf_appendf(&w->it.detail, " %s %s (%s);", hid, text_or(row, 2, "?"),
			      unit_name(w->c, sqlite3_column_int(row, 3))) ||
	    proto_buf_appendf(&w->it.extra, "%s\"%s\"", first ? "" : ", ", hid))
		return HUB_ENOMEM;
	return HUB_OK;
}

static hub_result describe_duplicate(rc_walk *w, sqlite3_stmt *row, sqlite3_stmt *households)
{
	const char *nid = text_or(row, 0, "");

	snprintf(w->it.id, sizeof(w->it.id), "N-%s", nid);
	if (!w->detail)
		return HUB_OK;
	if (proto_buf_appendf(&w->it.subject, say(w, "CCCD %s", N_("national ID %s")), nid) ||
	    proto_buf_appendf(&w->it.detail,
			      say(w, "%lld hộ cùng số:", N_("%lld households with this number:")),
			      (long long)sqlite3_column_int64(row, 1)) ||
	    report_json_member(&w->it.extra, "national_id", nid) ||
	    proto_buf_append_str(&w->it.extra, ", \"households\": ["))
		return HUB_ENOMEM;
	sqlite3_bind_text(households, 1, nid, -1, SQLITE_TRANSIENT);
	return each_row(w, households, duplicate_household);
}

/* ---- out of order: stages dated before earlier ones, or skipped --------- */

/* Each pair of stages where the later one is dated before the earlier one. */
static hub_result order_pairs(rc_walk *w, const char *const d[9], int *first)
{
	int j, k;

	if (proto_buf_append_str(&w->it.extra, ", \"pairs\": ["))
		return HUB_ENOMEM;
	for (j = 1; j <= 8; j++)
		for (k = j + 1; k <= 8; k++) {
			if (!d[j] || !d[k] || strcmp(d[k], d[j]) >= 0)
				continue;
			if (proto_buf_append_str(&w->it.detail, *first ? "" : "; ") ||
			    proto_buf_appendf(&w->it.detail,
					      say(w, "%s %s trước %s %s", N_("%s %s before %s %s")),
					      proto_stages[k - 1], d[k], proto_stages[j - 1], d[j]) ||
			    proto_buf_appendf(&w->it.extra, "%s[\"%s\", \"%s\"]", *first ? "" : ", ",
					      proto_stages[k - 1], proto_stages[j - 1]))
				return HUB_ENOMEM;
			*first = 0;
		}
	return proto_buf_append_byte(&w->it.extra, ']') ? HUB_ENOMEM : HUB_OK;
}

/* The latest stage recorded while an earlier one never was: a human checks
 * that one, so only it is named. */
static hub_result order_missing(rc_walk *w, const char *const d[9], int *first)
{
	int k, gap;

	if (proto_buf_append_str(&w->it.extra, ", \"missing\": ["))
		return HUB_ENOMEM;
	for (k = 8; k >= 2 && !d[k]; k--)
		;
	for (gap = k - 1; gap >= 1 && d[gap]; gap--)
		;
	if (k >= 2 && gap >= 1) {
		if (proto_buf_append_str(&w->it.detail, *first ? "" : "; ") ||
		    proto_buf_appendf(&w->it.detail,
				      say(w, "%s %s khi chưa có %s", N_("%s %s while %s is missing")),
				      proto_stages[k - 1], d[k], proto_stages[gap - 1]) ||
		    proto_buf_appendf(&w->it.extra, "[\"%s\", \"%s\"]", proto_stages[k - 1],
				      proto_stages[gap - 1]))
			return HUB_ENOMEM;
		*first = 0;
	}
	return proto_buf_append_byte(&w->it.extra, ']') ? HUB_ENOMEM : HUB_OK;
}

/* A reason given for a milestone recorded out of order on purpose. */
static hub_result forced_reason(rc_walk *w, sqlite3_stmt *forced, int first)
{
	if (proto_buf_appendf(&w->it.detail,
			      say(w, "; %s được ghi ngoài thứ tự, lý do: %s",
				  N_("; %s recorded out of order, reason: %s")),
			      text_or(forced, 0, "?"), text_or(forced, 1, "")) ||
	    proto_buf_append_str(&w->it.extra, first ? "{\"stage\": " : ", {\"stage\": ") ||
	    hub_json_str(&w->it.extra, text_or(forced, 0, "?")) ||
	    report_json_member(&w->it.extra, "reason", text_or(forced, 1, "")) ||
	    proto_buf_append_byte(&w->it.extra, '}'))
		return HUB_ENOMEM;
	return HUB_OK;
}

/* The reasons given for the household's forced milestones. */
static hub_result order_forced(rc_walk *w, sqlite3_stmt *row, sqlite3_stmt *forced)
{
	if (proto_buf_append_str(&w->it.extra, ", \"forced\": ["))
		return HUB_ENOMEM;
	sqlite3_bind_int64(forced, 1, sqlite3_column_int64(row, 0));
	sqlite3_bind_int64(forced, 2, sqlite3_column_int64(row, 1));
	return each_row(w, forced, forced_reason);
}

static hub_result describe_order(rc_walk *w, sqlite3_stmt *row, sqlite3_stmt *forced)
{
	const char *d[9] = { NULL };
	char hid[48];
	int k, first = 1;

	if (rc_describe_household(w, row, "O-", hid))
		return HUB_ENOMEM;
	if (!w->detail)
		return HUB_OK;
	for (k = 1; k <= 8; k++)
		d[k] = (const char *)sqlite3_column_text(row, 3 + k);
	if (order_pairs(w, d, &first) || order_missing(w, d, &first))
		return HUB_ENOMEM;
	return order_forced(w, row, forced);
}

/* ---- late: completed or handed over after the deadline ------------------ */

static void bind_late(rc_walk *w, sqlite3_stmt *st)
{
	sqlite3_bind_text(st, 1, w->c->deadline, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, w->as_of, -1, SQLITE_STATIC);
}

static hub_result describe_late(rc_walk *w, sqlite3_stmt *row, sqlite3_stmt *aux)
{
	const char *done = (const char *)sqlite3_column_text(row, 10);
	const char *handed = (const char *)sqlite3_column_text(row, 11);
	const char *not_yet = say(w, "chưa", N_("not yet"));
	char hid[48];

	(void)aux;
	if (rc_describe_household(w, row, "L-", hid))
		return HUB_ENOMEM;
	if (w->detail &&
	    (proto_buf_appendf(&w->it.detail,
			       say(w, "hoàn thành %s, bàn giao %s; hạn %s",
				   N_("completed %s, handed over %s; deadline %s")),
			       done ? done : not_yet, handed ? handed : not_yet, w->c->deadline) ||
	     report_json_member(&w->it.extra, "completed", done) ||
	     report_json_member(&w->it.extra, "handed_over", handed)))
		return HUB_ENOMEM;
	return HUB_OK;
}

/* ---- one stage, two laptops, two days ---------------------------------- */

/* ?1: records dated after the report's date are left out, as everywhere. */
static void bind_twice(rc_walk *w, sqlite3_stmt *st)
{
	sqlite3_bind_text(st, 1, w->as_of, -1, SQLITE_STATIC);
}

/* One record of the stage: its date, the laptop (origin) and its id. */
static hub_result twice_record(rc_walk *w, sqlite3_stmt *rec, int first)
{
	const char *date = text_or(rec, 0, "?");
	unsigned long long laptop = proto_i2u(sqlite3_column_int64(rec, 1));
	char id[48];

	rc_record_id(id, sizeof(id), sqlite3_column_int64(rec, 1), sqlite3_column_int64(rec, 2));
	if (proto_buf_append_str(&w->it.detail, first ? " " : ", ") ||
	    proto_buf_appendf(&w->it.detail, say(w, "%s (máy %016llx)", N_("%s (laptop %016llx)")), date,
			      laptop) ||
	    proto_buf_appendf(&w->it.extra, "%s{\"date\": ", first ? "" : ", ") ||
	    hub_json_str(&w->it.extra, date) ||
	    proto_buf_appendf(&w->it.extra, ", \"laptop\": \"%016llx\"", laptop) ||
	    report_json_member(&w->it.extra, "milestone", id) || proto_buf_append_byte(&w->it.extra, '}'))
		return HUB_ENOMEM;
	return HUB_OK;
}

static hub_result describe_twice(rc_walk *w, sqlite3_stmt *row, sqlite3_stmt *records)
{
	const char *stage = text_or(row, 4, "?");
	const char *label = proto_label(&w->c->labels, PROTO_LIST_STAGE, stage);
	char hid[48];

	rc_record_id(hid, sizeof(hid), sqlite3_column_int64(row, 0), sqlite3_column_int64(row, 1));
	snprintf(w->it.id, sizeof(w->it.id), "S-%s-%s", hid, stage);
	if (rc_describe_household(w, row, NULL, hid))
		return HUB_ENOMEM;
	if (!w->detail)
		return HUB_OK;
	if (proto_buf_appendf(&w->it.detail,
			      say(w, "%s ghi ngày khác nhau:", N_("%s recorded on different days:")),
			      label ? label : stage) ||
	    report_json_member(&w->it.extra, "stage", stage) ||
	    proto_buf_append_str(&w->it.extra, ", \"records\": ["))
		return HUB_ENOMEM;
	sqlite3_bind_int64(records, 1, sqlite3_column_int64(row, 0));
	sqlite3_bind_int64(records, 2, sqlite3_column_int64(row, 1));
	sqlite3_bind_text(records, 3, stage, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(records, 4, w->as_of, -1, SQLITE_STATIC);
	return each_row(w, records, twice_record);
}

/* ---- the same photo (one sha256) on several households ----------------- */

static hub_result describe_same_photo(rc_walk *w, sqlite3_stmt *row, sqlite3_stmt *households)
{
	const char *sha = text_or(row, 0, "");

	snprintf(w->it.id, sizeof(w->it.id), "P-%s", sha);
	if (!w->detail)
		return HUB_OK;
	if (proto_buf_appendf(&w->it.subject, say(w, "ảnh %s", N_("photo %s")), sha) ||
	    proto_buf_appendf(&w->it.detail,
			      say(w, "%lld hộ cùng ảnh:", N_("%lld households with this photo:")),
			      (long long)sqlite3_column_int64(row, 1)) ||
	    report_json_member(&w->it.extra, "sha256", sha) ||
	    proto_buf_append_str(&w->it.extra, ", \"households\": ["))
		return HUB_ENOMEM;
	sqlite3_bind_text(households, 1, sha, -1, SQLITE_TRANSIENT);
	return each_row(w, households, duplicate_household);
}

/* ---- near photos (hub_photo_near, noted when the bytes were stored) ----- */

static hub_result describe_near_photo(rc_walk *w, sqlite3_stmt *row, sqlite3_stmt *households)
{
	const char *photo = text_or(row, 1, ""), *other = text_or(row, 2, "");

	snprintf(w->it.id, sizeof(w->it.id), "D-%lld", (long long)sqlite3_column_int64(row, 0));
	if (!w->detail)
		return HUB_OK;
	if (proto_buf_appendf(&w->it.subject, say(w, "ảnh %s", N_("photo %s")), photo) ||
	    proto_buf_appendf(&w->it.detail,
			      say(w,
				  "gần giống ảnh %s (khác %d bit):", N_("near photo %s (%d bits apart):")),
			      other, sqlite3_column_int(row, 3)) ||
	    report_json_member(&w->it.extra, "sha256", photo) ||
	    report_json_member(&w->it.extra, "near", other) ||
	    proto_buf_appendf(&w->it.extra, ", \"distance\": %d, \"households\": [",
			      sqlite3_column_int(row, 3)))
		return HUB_ENOMEM;
	sqlite3_bind_text(households, 1, photo, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(households, 2, other, -1, SQLITE_TRANSIENT);
	return each_row(w, households, duplicate_household);
}

/* ---- missing evidence: a stage the campaign wants a photo of, without --- */

/* ?1: the campaign's [evidence] stages as ",surveyed,handed_over,"; ?2: the
 * report's date (milestones after it have not happened yet). */
static void bind_evidence(rc_walk *w, sqlite3_stmt *st)
{
	char list[160] = ",";
	size_t k, n = 1;

	for (k = 0; proto_stages[k] && n < sizeof(list); k++)
		if (w->c->evidence_stages & (1u << k))
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s,", proto_stages[k]);
	sqlite3_bind_text(st, 1, list, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, w->as_of, -1, SQLITE_STATIC);
}

static hub_result describe_evidence(rc_walk *w, sqlite3_stmt *row, sqlite3_stmt *aux)
{
	const char *stage = text_or(row, 4, "?");
	const char *label = proto_label(&w->c->labels, PROTO_LIST_STAGE, stage);
	char hid[48];

	(void)aux;
	rc_record_id(hid, sizeof(hid), sqlite3_column_int64(row, 0), sqlite3_column_int64(row, 1));
	snprintf(w->it.id, sizeof(w->it.id), "E-%s-%s", hid, stage);
	if (rc_describe_household(w, row, NULL, hid))
		return HUB_ENOMEM;
	if (w->detail && (proto_buf_appendf(&w->it.detail,
					    say(w, "%s ngày %s chưa có ảnh", N_("%s on %s has no photo")),
					    label ? label : stage, text_or(row, 5, "?")) ||
			  report_json_member(&w->it.extra, "stage", stage) ||
			  report_json_member(&w->it.extra, "date", text_or(row, 5, ""))))
		return HUB_ENOMEM;
	return HUB_OK;
}

/* ---- photo time: far from its milestone's date, or after it arrived ---- */

/* ?1: the campaign's max_days_from_milestone (0: that half not checked). */
static void bind_photo_time(rc_walk *w, sqlite3_stmt *st)
{
	sqlite3_bind_int(st, 1, w->c->evidence_max_days);
}

static hub_result describe_photo_time(rc_walk *w, sqlite3_stmt *row, sqlite3_stmt *aux)
{
	const char *taken = text_or(row, 6, "?"), *date = (const char *)sqlite3_column_text(row, 8);
	const char *stage = text_or(row, 7, "?");
	const char *label = proto_label(&w->c->labels, PROTO_LIST_STAGE, stage);
	char pid[48];

	(void)aux;
	if (rc_describe_photo_record(w, row, "T-", pid))
		return HUB_ENOMEM;
	if (!w->detail)
		return HUB_OK;
	if (proto_buf_appendf(&w->it.detail, say(w, "ảnh %s chụp lúc %s", N_("photo %s taken at %s")),
			      pid, taken) ||
	    (date && proto_buf_appendf(&w->it.detail, say(w, "; %s ngày %s", N_("; %s on %s")),
				       label ? label : stage, date)) ||
	    (sqlite3_column_type(row, 9) != SQLITE_NULL &&
	     proto_buf_appendf(&w->it.detail, say(w, "; ảnh đến hub lúc %s", N_("; the photo arrived %s")),
			       text_or(row, 9, "?"))) ||
	    report_json_member(&w->it.extra, "photo", pid) ||
	    report_json_member(&w->it.extra, "taken_at", taken) ||
	    report_json_member(&w->it.extra, "milestone_date", date) ||
	    report_json_member(&w->it.extra, "arrived", (const char *)sqlite3_column_text(row, 9)))
		return HUB_ENOMEM;
	return HUB_OK;
}

/* ---- rejected change-sets (hub_rejection, the hub's own table) ---------- */

/* Most recent first; the page's offset and length are SQL's, so a page
 * reads its own rows (and the index of resolutions) only. */
static void bind_rejected(rc_walk *w, sqlite3_stmt *st)
{
	sqlite3_bind_int64(st, 1, w->req.rejection_id);
	sqlite3_bind_int(st, 2, w->req.all);
	sqlite3_bind_int64(st, 3, w->req.limit);
	sqlite3_bind_int64(st, 4, w->req.skip);
	rc_bind_district(st, w->c, w->req.district, 5);
	w->req.skip = 0; /* SQL passed over them */
}

static hub_result describe_rejected(rc_walk *w, sqlite3_stmt *row, sqlite3_stmt *aux)
{
	unsigned long long origin = proto_i2u(sqlite3_column_int64(row, 3));
	long long seq = (long long)sqlite3_column_int64(row, 4);

	(void)aux;
	snprintf(w->it.id, sizeof(w->it.id), "R-%lld", (long long)sqlite3_column_int64(row, 0));
	w->it.in_district = 1; /* the SQL kept only the district's */
	if (w->detail &&
	    (proto_buf_appendf(&w->it.subject, "%s %016llx #%lld", text_or(row, 2, "?"), origin, seq) ||
	     proto_buf_appendf(&w->it.detail, "%s: %s", text_or(row, 5, "?"), text_or(row, 6, "")) ||
	     proto_buf_appendf(&w->it.extra, ", \"received\": %lld",
			       (long long)sqlite3_column_int64(row, 1)) ||
	     report_json_member(&w->it.extra, "source", text_or(row, 2, "")) ||
	     proto_buf_appendf(&w->it.extra, ", \"origin\": \"%016llx\", \"seq\": %lld", origin, seq) ||
	     report_json_member(&w->it.extra, "code", text_or(row, 5, "")) ||
	     report_json_member(&w->it.extra, "message", text_or(row, 6, ""))))
		return HUB_ENOMEM;
	return HUB_OK;
}

/* ---- the queue, in order ------------------------------------------------- */

/* The live records of one household's stage as of a date, by date then laptop. */
#define TWICE_RECORDS \
	"SELECT m.date, m.id_origin, m.id_serial FROM milestone m WHERE m.household_origin = ?1" \
	" AND m.household_serial = ?2 AND m.stage = ?3 AND m.date <= ?4 AND" PROTO_SQL_MILESTONE_LIVE( \
		"m") "ORDER BY m.date, m.id_origin, m.id_serial"

/* Household columns 0-3 (describe_household), then the stage dates d1-d8. */
#define HH_COLS \
	"r.id_origin, r.id_serial, h.name, h.commune, r.d1, r.d2, r.d3, r.d4, r.d5," \
	" r.d6, r.d7, r.d8 FROM report_hh r LEFT JOIN household h ON" \
	" h.id_origin = r.id_origin AND h.id_serial = r.id_serial"

/*
 * Each live photo record with the household it is evidence for: its target
 * when that is a household, else the household of its live milestone; only
 * households that count (not withdrawn).
 */
#define PHOTO_HOUSEHOLDS \
	"WITH ph AS (SELECT p.sha256 AS sha, coalesce(m.household_origin, p.target_origin) AS ho," \
	" coalesce(m.household_serial, p.target_serial) AS hs FROM photo p LEFT JOIN milestone m" \
	" ON p.target_kind = 2 AND m.id_origin = p.target_origin AND m.id_serial = p.target_serial" \
	" AND" PROTO_SQL_MILESTONE_LIVE( \
		"m") "WHERE p.sha256 IS NOT NULL AND (p.target_kind = 1" \
		     " OR m.id_origin IS NOT NULL) AND" PROTO_SQL_PHOTO_LIVE( \
			     "p") ")," \
				  " phh AS (SELECT ph.sha, h.id_origin, h.id_serial, h.name, h.commune FROM ph JOIN household h" \
				  " ON h.id_origin = ph.ho AND h.id_serial = ph.hs WHERE" PROTO_SQL_HOUSEHOLD_COUNTS( \
					  "h") ") "

/*
 * Missing photos, read one report_hh row a household (not by grouping every
 * milestone of the province: an [evidence] stage is one milestone in three
 * or four): report_hh's d1..d8 are the first date of each stage among its
 * live milestones (FIRST_DATES in schema_report.c, proto_stages' order), and
 * the first date on or before the report's date is the first date when that
 * one is. The stages are listed by name (the queue's order within a
 * household), so a page is read in order without sorting every item first.
 * ?1: the [evidence] stages (",surveyed,handed_over,"); ?2: the report's date.
 */
#define EVIDENCE_STAGES \
	"(VALUES ('approved', 2), ('completed', 7), ('foundation', 4), ('handed_over', 8)," \
	" ('roof', 6), ('started', 3), ('surveyed', 1), ('walls', 5)) e"
#define EVIDENCE_FIRST \
	"CASE e.column2 WHEN 1 THEN r.d1 WHEN 2 THEN r.d2 WHEN 3 THEN r.d3 WHEN 4 THEN r.d4" \
	" WHEN 5 THEN r.d5 WHEN 6 THEN r.d6 WHEN 7 THEN r.d7 WHEN 8 THEN r.d8 END"
/* The (household, stage) pairs with a live photo on a live milestone of the
 * stage, gathered once from the photos (a few a household) rather than
 * looked for among every milestone of each household the queue reads. */
#define EVIDENCE_SHOT \
	"WITH shot AS MATERIALIZED (SELECT DISTINCT m2.household_origin AS o," \
	" m2.household_serial AS s, m2.stage AS stage FROM photo p CROSS JOIN milestone m2" \
	" ON m2.id_origin = p.target_origin AND m2.id_serial = p.target_serial" \
	" WHERE p.target_kind = 2 AND" PROTO_SQL_PHOTO_LIVE("p") "AND" PROTO_SQL_MILESTONE_LIVE("m2") ") "

const rc_source rc_sources[NKINDS] = {
	{ RK_CONFLICT,
	  "SELECT c.id_origin, c.id_serial, h.name, h.commune, c.id, c.field, c.winner_value,"
	  " c.loser_value FROM conflict c LEFT JOIN household h ON h.id_origin = c.id_origin"
	  " AND h.id_serial = c.id_serial"
	  " WHERE c.resolved_at IS NULL" /* else settled in the conflict table itself */
	  " ORDER BY c.id",
	  NULL, 0, NULL, describe_conflict },
	{ RK_DUPLICATE, "SELECT national_id, n FROM report_nid WHERE n > 1 ORDER BY national_id",
	  "SELECT id_origin, id_serial, name, commune FROM household h WHERE national_id = ?"
	  " AND" PROTO_SQL_HOUSEHOLD_COUNTS("h") "ORDER BY id_origin, id_serial",
	  0, NULL, describe_duplicate },
	{ RK_ORDER, "SELECT " HH_COLS " WHERE r.disorder AND r.counted ORDER BY r.id_origin, r.id_serial",
	  "SELECT stage, forced FROM milestone m WHERE household_origin = ? AND"
	  " household_serial = ? AND forced IS NOT NULL AND" PROTO_SQL_MILESTONE_LIVE("m") "ORDER BY date",
	  0, NULL, describe_order },
	{ RK_LATE, /* two index ranges (d7, d8) instead of a scan of every household */
	  "SELECT " HH_COLS " WHERE (r.id_origin, r.id_serial) IN"
	  " (SELECT id_origin, id_serial FROM report_hh WHERE d8 > ?1 AND d8 <= ?2"
	  "  UNION SELECT id_origin, id_serial FROM report_hh WHERE d7 > ?1 AND d7 <= ?2)"
	  " AND r.counted ORDER BY r.id_origin, r.id_serial",
	  NULL, 0, bind_late, describe_late },
	{ RK_TWICE, /* the candidates of report_twice still live as of ?1 */
	  "SELECT t.id_origin, t.id_serial, h.name, h.commune, t.stage FROM report_twice t"
	  " JOIN report_hh r ON r.id_origin = t.id_origin AND r.id_serial = t.id_serial"
	  " LEFT JOIN household h ON h.id_origin = t.id_origin AND h.id_serial = t.id_serial"
	  " WHERE r.counted AND (SELECT count(DISTINCT m.id_origin) > 1 AND"
	  " count(DISTINCT m.date) > 1 FROM milestone m WHERE m.household_origin = t.id_origin"
	  " AND m.household_serial = t.id_serial AND m.stage = t.stage AND m.date <= ?1 AND" PROTO_SQL_MILESTONE_LIVE(
		  "m") ") ORDER BY t.id_origin, t.id_serial, t.stage",
	  TWICE_RECORDS, 0, bind_twice, describe_twice },
	{ RK_SAME_PHOTO,
	  /* only hashes of two records or more (photo_sha256, index only): two
	   * households need two records, and every photo's household is not read */
	  PHOTO_HOUSEHOLDS "SELECT sha, count(DISTINCT id_origin || '-' || id_serial) AS n FROM phh"
			   " WHERE sha IN (SELECT sha256 FROM photo WHERE sha256 IS NOT NULL"
			   " GROUP BY sha256 HAVING count(*) > 1) GROUP BY sha HAVING n > 1 ORDER BY sha",
	  PHOTO_HOUSEHOLDS "SELECT DISTINCT id_origin, id_serial, name, commune FROM phh WHERE sha = ?"
			   " ORDER BY id_origin, id_serial",
	  0, NULL, describe_same_photo },
	{ RK_NEAR_PHOTO, /* still two photos of two households that count */
	  PHOTO_HOUSEHOLDS
	  "SELECT n.id, n.photo, n.other, n.distance FROM hub_photo_near n"
	  " WHERE EXISTS (SELECT 1 FROM phh a JOIN phh b ON a.sha = n.photo AND b.sha = n.other"
	  " AND (a.id_origin <> b.id_origin OR a.id_serial <> b.id_serial)) ORDER BY n.id",
	  PHOTO_HOUSEHOLDS "SELECT DISTINCT id_origin, id_serial, name, commune FROM phh"
			   " WHERE sha IN (?1, ?2) ORDER BY id_origin, id_serial",
	  1, NULL, describe_near_photo },
	{ RK_EVIDENCE, /* a photo on any live record of the stage will do */
	  EVIDENCE_SHOT
	  "SELECT h.id_origin, h.id_serial, h.name, h.commune, e.column1, " EVIDENCE_FIRST
	  " AS d FROM report_hh r CROSS JOIN " EVIDENCE_STAGES " CROSS JOIN household h"
	  " ON h.id_origin = r.id_origin AND h.id_serial = r.id_serial"
	  " WHERE instr(?1, ',' || e.column1 || ',') > 0 AND d <= ?2 AND" PROTO_SQL_HOUSEHOLD_COUNTS(
		  "h") "AND NOT EXISTS (SELECT 1 FROM shot WHERE shot.o = r.id_origin"
		       " AND shot.s = r.id_serial AND shot.stage = e.column1) AND NOT (e.column1 = 'surveyed' AND EXISTS"
		       " (SELECT 1 FROM photo p WHERE p.target_kind = 1 AND p.target_origin = h.id_origin"
		       " AND p.target_serial = h.id_serial AND" PROTO_SQL_PHOTO_LIVE(
			       "p") ")) ORDER BY r.id_origin, r.id_serial, e.column1",
	  NULL, 0, bind_evidence, describe_evidence },
	{ RK_PHOTO_TIME, /* the bytes' arrival from hub_photo, the hub's own table */
	  "WITH arrived AS (SELECT lower(hex(sha256)) AS sha, stored_at FROM hub_photo)"
	  " SELECT h.id_origin, h.id_serial, h.name, h.commune, p.id_origin, p.id_serial, p.taken_at,"
	  " m.stage, m.date, CASE WHEN a.stored_at IS NULL THEN NULL ELSE"
	  " strftime('%Y-%m-%dT%H:%M:%SZ', a.stored_at, 'unixepoch') END FROM photo p"
	  " LEFT JOIN milestone m ON p.target_kind = 2 AND m.id_origin = p.target_origin"
	  " AND m.id_serial = p.target_serial AND" PROTO_SQL_MILESTONE_LIVE(
		  "m") "JOIN household h"
		       " ON h.id_origin = coalesce(m.household_origin, p.target_origin)"
		       " AND h.id_serial = coalesce(m.household_serial, p.target_serial)"
		       " LEFT JOIN arrived a ON a.sha = p.sha256"
		       " WHERE p.taken_at IS NOT NULL AND (p.target_kind = 1 OR m.id_origin IS NOT NULL) AND" PROTO_SQL_PHOTO_LIVE(
			       "p") "AND" PROTO_SQL_HOUSEHOLD_COUNTS("h") "AND ((?1 > 0 AND m.date IS NOT NULL AND"
									  " abs(julianday(substr(p.taken_at, 1, 10)) - julianday(m.date)) > ?1)"
									  " OR CAST(strftime('%s', p.taken_at) AS INTEGER) > a.stored_at)"
									  " ORDER BY p.id_origin, p.id_serial",
	  NULL, 1, bind_photo_time, describe_photo_time },
	{ RK_PHOTO_DISTANCE, rc_distance_sql, NULL, 0, rc_bind_distance, rc_describe_distance },
	{ RK_PHOTO_OUTSIDE, rc_outside_sql, NULL, 0, rc_bind_outside, rc_describe_outside },
	{ RK_REJECTED,
	  "SELECT id, received, source, origin, seq, code, message FROM hub_rejection r"
	  " WHERE (?1 = 0 OR id = ?1) AND (?2 OR NOT EXISTS (SELECT 1 FROM report_resolution s"
	  " WHERE s.item = 'R-' || r.id)) AND" RC_REJECTION_OF("?5", "?6") " ORDER BY id DESC"
									   " LIMIT ?3 OFFSET ?4",
	  NULL, 1, bind_rejected, describe_rejected },
};
