/*
 * xlsx_households.c - the household list ("Danh sách hộ") as a workbook:
 * one row per household the hub holds in the scope asked for, every field
 * with the campaign's labels for codes (the code itself where it has none),
 * the commune's and district's names, the furthest stage reached on or
 * before the day with the day it was reached (report_hh's r1..r8, kept by
 * triggers: no replay of milestones), and the sums of its live
 * contributions dated on or before the day. Withdrawn and rejected
 * households are listed too: it is the list, not a count; their status
 * columns say so. One statement walks the rows in commune and ref order.
 */
#include <stdio.h>
#include <string.h>
#include "xlsx_int.h"

/* The columns, in the order of the statement's first columns where they are
 * household fields; the Vietnamese words of 'household show' and the
 * laptop's forms. */
enum {
	HC_ID = 0,
	HC_REF,
	HC_NAME,
	HC_NATIONAL_ID,
	HC_COMMUNE,
	HC_COMMUNE_NAME,
	HC_DISTRICT_NAME,
	HC_HAMLET,
	HC_ADDRESS,
	HC_MEMBERS,
	HC_CATEGORY,
	HC_LAND_STATUS,
	HC_CONDITION,
	HC_PHONE,
	HC_NOTE,
	HC_SUPPORT_KIND,
	HC_REVIEW_STATUS,
	HC_REVIEW_REASON,
	HC_WITHDRAWN,
	HC_STAGE,
	HC_STAGE_DATE,
	HC_MONEY,
	HC_LABOUR_DAYS,
	HC_MATERIAL_VALUE,
	HC_NCOLS
};
_Static_assert(HC_NCOLS <= XLSX_MAX_COLS, "the list fits the book's columns");

/* in the order of the columns above */
static const char *const heads[] = {
	"Mã đầy đủ",
	"Mã",
	"Chủ hộ",
	"Số CCCD",
	"Mã xã",
	"Xã",
	"Huyện",
	"Ấp",
	"Địa chỉ",
	"Số nhân khẩu",
	"Diện hộ",
	"Tình trạng đất",
	"Hiện trạng nhà",
	"Điện thoại",
	"Ghi chú",
	"Hình thức hỗ trợ",
	"Xác nhận của tỉnh",
	"Lý do của tỉnh",
	"Lý do rút",
	"Giai đoạn đã đạt",
	"Ngày đạt",
	"Tiền",
	"Ngày công",
	"Giá trị vật tư",
};
_Static_assert(sizeof(heads) / sizeof(heads[0]) == HC_NCOLS, "a header for every column");

/* Statement columns: 0-1 the id, 2.. the household's text and number
 * fields (which list column and which household field each is), then r1..r8,
 * then the three sums. */
static const struct {
	int col;
	int field; /* PROTO_HH_*, for the labels of a coded field */
} field_cols[] = {
	{ HC_REF, PROTO_HH_REF },
	{ HC_NAME, PROTO_HH_NAME },
	{ HC_NATIONAL_ID, PROTO_HH_NATIONAL_ID },
	{ HC_COMMUNE, PROTO_HH_COMMUNE },
	{ HC_HAMLET, PROTO_HH_HAMLET },
	{ HC_ADDRESS, PROTO_HH_ADDRESS },
	{ HC_MEMBERS, PROTO_HH_MEMBERS },
	{ HC_CATEGORY, PROTO_HH_CATEGORY },
	{ HC_LAND_STATUS, PROTO_HH_LAND_STATUS },
	{ HC_CONDITION, PROTO_HH_CONDITION },
	{ HC_PHONE, PROTO_HH_PHONE },
	{ HC_NOTE, PROTO_HH_NOTE },
	{ HC_SUPPORT_KIND, PROTO_HH_SUPPORT_KIND },
	{ HC_REVIEW_STATUS, PROTO_HH_REVIEW_STATUS },
	{ HC_REVIEW_REASON, PROTO_HH_REVIEW_REASON },
	{ HC_WITHDRAWN, PROTO_HH_WITHDRAWN },
};
#define NFIELDS (sizeof(field_cols) / sizeof(field_cols[0]))
#define FIRST_FIELD 2
#define FIRST_REACHED (FIRST_FIELD + (int)NFIELDS) /* r1 */
#define FIRST_SUM (FIRST_REACHED + 8)

static const char households_sql[] =
	"SELECT h.id_origin, h.id_serial, h.ref, h.name, h.national_id, h.commune, h.hamlet,"
	" h.address, h.members, h.category, h.land_status, h.condition, h.phone, h.note,"
	" h.support_kind, h.review_status, h.review_reason, h.withdrawn,"
	" r.r1, r.r2, r.r3, r.r4, r.r5, r.r6, r.r7, r.r8, f.money, f.labour, f.material"
	" FROM household h LEFT JOIN report_hh r ON r.id_origin = h.id_origin AND"
	" r.id_serial = h.id_serial LEFT JOIN (SELECT c.household_origin AS o,"
	" c.household_serial AS s, sum(coalesce(c.money_vnd, 0)) AS money,"
	" sum(coalesce(c.labour_days, 0)) AS labour, sum(coalesce(c.material_value_vnd, 0))"
	" AS material FROM contribution c WHERE c.household_origin IS NOT NULL AND"
	" coalesce(c.date, '') <= ?1 AND" PROTO_SQL_CONTRIBUTION_LIVE(
		"c") "GROUP BY 1, 2) f"
		     " ON f.o = h.id_origin AND f.s = h.id_serial"
		     " WHERE (?2 = 0 OR h.commune = ?2) AND (?3 IS NULL OR coalesce(h.review_status, 'proposed') = ?3)"
		     " ORDER BY h.commune, h.ref, h.id_origin, h.id_serial";

static const char *text_of(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* A code's label in the campaign (the code where it has none). */
static const char *label_of(const proto_campaign *c, int field, const char *code)
{
	proto_list list;
	const char *label;

	if (!code || !proto_list_of(PROTO_KIND_HOUSEHOLD, (uint8_t)field, &list))
		return code;
	label = proto_label(&c->labels, list, code);
	return label ? label : code;
}

/* The furthest stage reached on or before as_of (index into proto_stages)
 * and the day, or -1. r1..r8 are the days each stage was reached, '~' for
 * never, and never decrease. */
static int stage_reached(sqlite3_stmt *st, const char *as_of, const char **day)
{
	int k, reached = -1;

	*day = NULL;
	for (k = 0; k < 8; k++) {
		const char *r = text_of(st, FIRST_REACHED + k);
		if (r && strcmp(r, "~") != 0 && strcmp(r, as_of) <= 0) {
			reached = k;
			*day = r;
		}
	}
	return reached;
}

static void write_household(xlsx_book *b, const proto_campaign *c, sqlite3_stmt *st, const char *as_of)
{
	char id[40], hex[17];
	const char *day;
	const proto_unit *u;
	size_t i;
	int stage, commune = 0;

	proto_key_id_hex(proto_i2u(sqlite3_column_int64(st, 0)), hex);
	snprintf(id, sizeof(id), "%s-%llu", hex,
		 (unsigned long long)proto_i2u(sqlite3_column_int64(st, 1)));
	xlsx_text(b, HC_ID, id, 0);
	for (i = 0; i < NFIELDS; i++) {
		int at = FIRST_FIELD + (int)i, col = field_cols[i].col;

		if (sqlite3_column_type(st, at) == SQLITE_NULL) {
			if (col == HC_REVIEW_STATUS) /* a household nobody decided on is proposed */
				xlsx_text(b, col, label_of(c, PROTO_HH_REVIEW_STATUS, "proposed"), 0);
			continue;
		}
		if (col == HC_COMMUNE || col == HC_MEMBERS) {
			xlsx_number(b, (size_t)col, col == HC_COMMUNE ? XC_CODE : XC_INT,
				    (double)sqlite3_column_int64(st, at), 0);
			if (col == HC_COMMUNE)
				commune = sqlite3_column_int(st, at);
			continue;
		}
		xlsx_text(b, (size_t)col, label_of(c, field_cols[i].field, text_of(st, at)), 0);
	}
	if (commune && (u = proto_units_find(&c->units, commune)) != NULL)
		xlsx_text(b, HC_COMMUNE_NAME, u->name, 0);
	if (commune &&
	    (u = proto_units_find(&c->units, proto_units_district_of(&c->units, commune))) != NULL)
		xlsx_text(b, HC_DISTRICT_NAME, u->name, 0);
	stage = stage_reached(st, as_of, &day);
	if (stage >= 0) {
		const char *label = proto_label(&c->labels, PROTO_LIST_STAGE, proto_stages[stage]);
		xlsx_text(b, HC_STAGE, label ? label : proto_stages[stage], 0);
		xlsx_date(b, HC_STAGE_DATE, day, 0);
	}
	xlsx_number(b, HC_MONEY, XC_MONEY, (double)sqlite3_column_int64(st, FIRST_SUM), 0);
	xlsx_number(b, HC_LABOUR_DAYS, XC_INT, (double)sqlite3_column_int64(st, FIRST_SUM + 1), 0);
	xlsx_number(b, HC_MATERIAL_VALUE, XC_MONEY, (double)sqlite3_column_int64(st, FIRST_SUM + 2), 0);
}

/* Does the household of row st belong to scope's district? */
static int in_district(const proto_campaign *c, sqlite3_stmt *st, int district)
{
	int at = FIRST_FIELD + 3; /* commune */

	if (!district)
		return 1;
	return sqlite3_column_type(st, at) == SQLITE_INTEGER &&
	       proto_units_district_of(&c->units, sqlite3_column_int(st, at)) == district;
}

hub_result hub_xlsx_households(sqlite3 *db, const proto_campaign *c, const char *as_of,
			       const hub_household_scope *scope, proto_buf *out, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	xlsx_book b;
	hub_result rc;
	char day[11], vn[11], note[96];
	int step;

	if (as_of && *as_of)
		snprintf(day, sizeof(day), "%s", as_of);
	else
		hub_report_today(day);
	if (!hub_report_valid_date(day)) {
		snprintf(err, errlen, "date '%s' is not a calendar date YYYY-MM-DD", day);
		return HUB_REFUSED;
	}
	if (sqlite3_prepare_v2(db, households_sql, -1, &st, NULL) != SQLITE_OK)
		return report_db_error(db, "read the households", err, errlen);
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, scope->commune);
	if (scope->status)
		sqlite3_bind_text(st, 3, scope->status, -1, SQLITE_STATIC);
	rc = xlsx_open(&b, "Danh sách hộ", err, errlen);
	if (rc != HUB_OK)
		goto out;
	report_vn_date(day, vn);
	snprintf(note, sizeof(note), "Tiền, ngày công và giai đoạn tính đến ngày %s", vn);
	xlsx_title(&b, c->name, "Danh sách hộ", note, day);
	xlsx_header(&b, heads, HC_NCOLS);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (!in_district(c, st, scope->district))
			continue;
		if (xlsx_next_row(&b)) {
			xlsx_close(&b, NULL, err, errlen);
			snprintf(err, errlen,
				 "more households than an Excel sheet holds: choose a district or a commune");
			rc = HUB_REFUSED;
			goto out;
		}
		write_household(&b, c, st, day);
	}
	if (step != SQLITE_DONE) {
		xlsx_close(&b, NULL, err, errlen);
		if (strstr(sqlite3_errmsg(db), "integer overflow")) {
			snprintf(err, errlen,
				 "a household's contributions overflow 64-bit integers: run maiam-hub audit verify");
			rc = HUB_ERANGE;
		} else {
			rc = report_db_error(db, "read the households", err, errlen);
		}
		goto out;
	}
	rc = xlsx_close(&b, out, err, errlen);
out:
	sqlite3_finalize(st);
	return rc;
}
