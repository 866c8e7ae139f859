/*
 * rules.c - the rulebook (rules.h): one table saying which rule each field of
 * each kind obeys, and the checks behind it. The agent's CLI, its CSV import
 * and the hub's ingest all call these functions; docs/RULES.md explains every
 * bound. The texts (names, proto_violation_text) are in rules_text.c.
 */
#include <string.h>
#include "maiam/rules.h"
#include "maiam/schema.h"
#include "fields_int.h"
#include "rules_int.h"

static const char *const categories[] = { "poor",          "near_poor", "housing_hardship",
					  "policy_family", "other",     NULL };
static const char *const land_statuses[] = { "certified",   "uncertified", "family_land", "rented",
					     "public_land", "other",       NULL };
static const char *const support_kinds[] = { "new_build", "repair", NULL };
static const char *const decision_actions[] = { "approved",  "rejected", "resolved", "target",
						"nominated", "accepted", "returned", NULL };
static const char *const nominee_kinds[] = { "collective", "individual", NULL };
static const char *const decision_keeps[] = { "winner", "loser", NULL };
static const char *const review_statuses[] = { "proposed", "approved", "rejected", NULL };
static const char *const photo_types[] = { "image/jpeg", NULL };
static const char *const sources[] = {
	"mps", "provincial_police", "fatherland_front", "business", "donor", "household", "other", NULL
};

/* The 63 province codes that open a CCCD number (Circular 59/2021/TT-BCA). */
static const short provinces[] = {
	1,  2,  4,  6,  8,  10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33,
	34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66,
	67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
};

typedef enum check {
	CK_TEXT,  /* free text: UTF-8, no control character, at most max bytes */
	CK_ENUM,  /* one of codes */
	CK_RANGE, /* integer in [min, max] */
	CK_DATE,  /* YYYY-MM-DD, calendar day, campaign period, not after latest */
	CK_NATIONAL_ID,
	CK_PHONE,
	CK_COMMUNE,    /* a commune of the campaign */
	CK_UNIT,       /* a commune or district of the campaign */
	CK_EVENT_KIND, /* the kind of an event a void may target */
	CK_REF,        /* an id: the codec already checked its shape */
	CK_SHA256,     /* 64 lowercase hex digits */
	CK_TIMESTAMP,  /* ISO 8601 date and time with its offset from UTC */
} check;

typedef struct field_rule {
	uint8_t kind;
	uint8_t field;
	check check;
	int64_t min, max;         /* CK_RANGE: bounds; CK_TEXT: max bytes in max */
	const char *const *codes; /* CK_ENUM */
} field_rule;

#define TEXT(k, f, n) \
	{ \
		k, f, CK_TEXT, 0, n, NULL \
	}
#define ENUM(k, f, c) \
	{ \
		k, f, CK_ENUM, 0, 0, c \
	}
#define RANGE(k, f, lo, hi) \
	{ \
		k, f, CK_RANGE, lo, hi, NULL \
	}
#define ONE(k, f, c) \
	{ \
		k, f, c, 0, 0, NULL \
	}

enum { SHORT_TEXT = 200, LONG_TEXT = 500, NOTE_TEXT = 2000, REF_TEXT = 32 };

static const field_rule table[] = {
	TEXT(PROTO_KIND_HOUSEHOLD, PROTO_HH_REF, REF_TEXT),
	TEXT(PROTO_KIND_HOUSEHOLD, PROTO_HH_NAME, SHORT_TEXT),
	ONE(PROTO_KIND_HOUSEHOLD, PROTO_HH_NATIONAL_ID, CK_NATIONAL_ID),
	ONE(PROTO_KIND_HOUSEHOLD, PROTO_HH_COMMUNE, CK_COMMUNE),
	TEXT(PROTO_KIND_HOUSEHOLD, PROTO_HH_HAMLET, SHORT_TEXT),
	TEXT(PROTO_KIND_HOUSEHOLD, PROTO_HH_ADDRESS, LONG_TEXT),
	RANGE(PROTO_KIND_HOUSEHOLD, PROTO_HH_MEMBERS, PROTO_RULE_MEMBERS_MIN, PROTO_RULE_MEMBERS_MAX),
	ENUM(PROTO_KIND_HOUSEHOLD, PROTO_HH_CATEGORY, categories),
	ENUM(PROTO_KIND_HOUSEHOLD, PROTO_HH_LAND_STATUS, land_statuses),
	TEXT(PROTO_KIND_HOUSEHOLD, PROTO_HH_CONDITION, LONG_TEXT),
	ONE(PROTO_KIND_HOUSEHOLD, PROTO_HH_PHONE, CK_PHONE),
	TEXT(PROTO_KIND_HOUSEHOLD, PROTO_HH_NOTE, NOTE_TEXT),
	ENUM(PROTO_KIND_HOUSEHOLD, PROTO_HH_SUPPORT_KIND, support_kinds),
	ENUM(PROTO_KIND_HOUSEHOLD, PROTO_HH_REVIEW_STATUS, review_statuses),
	TEXT(PROTO_KIND_HOUSEHOLD, PROTO_HH_REVIEW_REASON, LONG_TEXT),
	TEXT(PROTO_KIND_HOUSEHOLD, PROTO_HH_WITHDRAWN, LONG_TEXT),

	ONE(PROTO_KIND_MILESTONE, PROTO_MS_HOUSEHOLD, CK_REF),
	ENUM(PROTO_KIND_MILESTONE, PROTO_MS_STAGE, proto_stages),
	ONE(PROTO_KIND_MILESTONE, PROTO_MS_DATE, CK_DATE),
	TEXT(PROTO_KIND_MILESTONE, PROTO_MS_NOTE, NOTE_TEXT),
	TEXT(PROTO_KIND_MILESTONE, PROTO_MS_FORCED, LONG_TEXT),

	ONE(PROTO_KIND_CONTRIBUTION, PROTO_CT_HOUSEHOLD, CK_REF),
	ONE(PROTO_KIND_CONTRIBUTION, PROTO_CT_UNIT, CK_UNIT),
	ENUM(PROTO_KIND_CONTRIBUTION, PROTO_CT_SOURCE, sources),
	TEXT(PROTO_KIND_CONTRIBUTION, PROTO_CT_DONOR, SHORT_TEXT),
	RANGE(PROTO_KIND_CONTRIBUTION, PROTO_CT_MONEY, 0, PROTO_RULE_MONEY_MAX),
	RANGE(PROTO_KIND_CONTRIBUTION, PROTO_CT_LABOUR, 0, PROTO_RULE_LABOUR_MAX),
	TEXT(PROTO_KIND_CONTRIBUTION, PROTO_CT_MATERIAL, LONG_TEXT),
	RANGE(PROTO_KIND_CONTRIBUTION, PROTO_CT_MATERIAL_VALUE, 0, PROTO_RULE_MATERIAL_VALUE_MAX),
	ONE(PROTO_KIND_CONTRIBUTION, PROTO_CT_DATE, CK_DATE),
	TEXT(PROTO_KIND_CONTRIBUTION, PROTO_CT_NOTE, NOTE_TEXT),

	ONE(PROTO_KIND_VOID, PROTO_VO_TARGET, CK_REF),
	ONE(PROTO_KIND_VOID, PROTO_VO_TARGET_KIND, CK_EVENT_KIND),
	TEXT(PROTO_KIND_VOID, PROTO_VO_REASON, LONG_TEXT),

	ONE(PROTO_KIND_PHOTO, PROTO_PH_TARGET, CK_REF),
	RANGE(PROTO_KIND_PHOTO, PROTO_PH_TARGET_KIND, PROTO_KIND_HOUSEHOLD, PROTO_KIND_MILESTONE),
	ONE(PROTO_KIND_PHOTO, PROTO_PH_SHA256, CK_SHA256),
	RANGE(PROTO_KIND_PHOTO, PROTO_PH_BYTES, 1, PROTO_PHOTO_MAX_BYTES),
	ENUM(PROTO_KIND_PHOTO, PROTO_PH_TYPE, photo_types),
	RANGE(PROTO_KIND_PHOTO, PROTO_PH_WIDTH, 1, PROTO_PHOTO_MAX_SIDE),
	RANGE(PROTO_KIND_PHOTO, PROTO_PH_HEIGHT, 1, PROTO_PHOTO_MAX_SIDE),
	ONE(PROTO_KIND_PHOTO, PROTO_PH_TAKEN_AT, CK_TIMESTAMP),
	RANGE(PROTO_KIND_PHOTO, PROTO_PH_LAT, -PROTO_RULE_LAT_MAX, PROTO_RULE_LAT_MAX),
	RANGE(PROTO_KIND_PHOTO, PROTO_PH_LON, -PROTO_RULE_LON_MAX, PROTO_RULE_LON_MAX),
	TEXT(PROTO_KIND_PHOTO, PROTO_PH_CAMERA, PROTO_RULE_CAMERA_MAX),
	TEXT(PROTO_KIND_PHOTO, PROTO_PH_NOTE, NOTE_TEXT),

	ONE(PROTO_KIND_DECISION, PROTO_DE_TARGET, CK_REF),
	TEXT(PROTO_KIND_DECISION, PROTO_DE_OPERATOR, PROTO_OPERATOR_MAX),
	ENUM(PROTO_KIND_DECISION, PROTO_DE_ACTION, decision_actions),
	TEXT(PROTO_KIND_DECISION, PROTO_DE_ITEM, REF_TEXT + 32),
	TEXT(PROTO_KIND_DECISION, PROTO_DE_NOTE, PROTO_MAX_TEXT),
	ENUM(PROTO_KIND_DECISION, PROTO_DE_KEEP, decision_keeps),
	RANGE(PROTO_KIND_DECISION, PROTO_DE_NUMBER, 0, PROTO_RULE_TARGET_MAX),
	TEXT(PROTO_KIND_DECISION, PROTO_DE_UNIT, PROTO_RULE_AWARD_UNIT_MAX),
	ENUM(PROTO_KIND_DECISION, PROTO_DE_NOMINEE_KIND, nominee_kinds),
	TEXT(PROTO_KIND_DECISION, PROTO_DE_NOMINEE, SHORT_TEXT),
	TEXT(PROTO_KIND_DECISION, PROTO_DE_POSITION, SHORT_TEXT),
	TEXT(PROTO_KIND_DECISION, PROTO_DE_ACHIEVEMENTS, PROTO_MAX_TEXT),
	TEXT(PROTO_KIND_DECISION, PROTO_DE_BACKING, PROTO_RULE_AWARD_BACKING_MAX),
};

static const field_rule *rule_of(uint8_t kind, uint8_t field)
{
	/* 59 rows: a scan is cheaper than the merge's own work per value */
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].kind == kind && table[i].field == field)
			return &table[i];
	return NULL;
}

const char *const *proto_rules_enum(uint8_t kind, uint8_t field)
{
	const field_rule *fr = rule_of(kind, field);

	return fr && fr->check == CK_ENUM ? fr->codes : NULL;
}

size_t proto_rules_text_max(uint8_t kind, uint8_t field)
{
	const field_rule *fr = rule_of(kind, field);

	return fr && fr->check == CK_TEXT ? (size_t)fr->max : 0;
}

int proto_rules_range(uint8_t kind, uint8_t field, int64_t *min, int64_t *max)
{
	const field_rule *fr = rule_of(kind, field);

	if (!fr || fr->check != CK_RANGE)
		return 0;
	*min = fr->min;
	*max = fr->max;
	return 1;
}

void proto_rules_init(proto_rules *r, const proto_campaign *campaign, const char *latest)
{
	memset(r, 0, sizeof *r);
	r->campaign = campaign;
	if (latest && strlen(latest) == 10)
		memcpy(r->latest, latest, 11);
}

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. Written out
 * (not timegm/gmtime_r) so the answer does not depend on the C library. */
static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int proto_rules_days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12)
		return 0;
	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t year = 1970;

	/* whole 400-year cycles (146097 days) first, then years, then months */
	year += 400 * (z / 146097);
	z %= 146097;
	if (z < 0) {
		z += 146097;
		year -= 400;
	}
	for (;;) {
		int len = is_leap(year) ? 366 : 365;

		if (z < len)
			break;
		z -= len;
		year++;
	}
	*m = 1;
	while (z >= proto_rules_days_in_month((int)year, *m)) {
		z -= proto_rules_days_in_month((int)year, *m);
		(*m)++;
	}
	*y = (int)year;
	*d = (int)z + 1;
}

void proto_rules_day(time_t t, int add_days, char out[11])
{
	/* Vietnam keeps UTC+7 all year (no daylight saving) */
	int64_t s = (int64_t)t + 7 * 3600;
	int64_t days = s / 86400 - (s % 86400 < 0);
	char buf[40];
	int y, m, d;

	civil_from_days(days + add_days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		memcpy(out, y < 0 ? "0000-01-01" : "9999-12-31", 11);
		return;
	}
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
	memcpy(out, buf, 11);
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int unit_in(const proto_campaign *c, int64_t code, int communes_only)
{
	const proto_unit *u;

	if (code < 0 || code > 0x7fffffff)
		return 0;
	u = proto_units_find(&c->units, (int)code);
	if (!u)
		return 0;
	return u->level == PROTO_UNIT_COMMUNE || (!communes_only && u->level == PROTO_UNIT_DISTRICT);
}

/* YYYYMMDD as a number, for the bounds of a date violation. */
static int64_t date_num(const char *s)
{
	int64_t n = 0;

	for (int i = 0; i < 10; i++)
		if (s[i] >= '0' && s[i] <= '9')
			n = n * 10 + (s[i] - '0');
	return n;
}

proto_rule proto_rules_calendar_day(const char *s, size_t len, int *year)
{
	int y, m, d;

	if (!s || len != 10 || s[4] != '-' || s[7] != '-' || !all_digits(s, 4) ||
	    !all_digits(s + 5, 2) || !all_digits(s + 8, 2))
		return PROTO_RULE_DATE_FORMAT;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || d < 1 || d > proto_rules_days_in_month(y, m))
		return PROTO_RULE_DATE_CALENDAR;
	if (year)
		*year = y;
	return PROTO_RULE_OK;
}

static proto_rule check_date(const proto_rules *r, const char *s, size_t len, proto_violation *out)
{
	proto_rule rule = proto_rules_calendar_day(s, len, NULL);

	if (rule != PROTO_RULE_OK)
		return rule;
	/* a day that has not come yet is wrong whatever the campaign: say that first */
	if (r->latest[0] && strcmp(s, r->latest) > 0) {
		out->max = date_num(r->latest);
		return PROTO_RULE_DATE_FUTURE;
	}
	if (r->campaign && r->campaign->start[0] && strcmp(s, r->campaign->start) < 0) {
		out->detail = PROTO_DETAIL_BEFORE_START;
		goto period;
	}
	if (r->campaign && r->campaign->report_due[0] && strcmp(s, r->campaign->report_due) > 0) {
		out->detail = PROTO_DETAIL_AFTER_DUE;
		goto period;
	}
	return PROTO_RULE_OK;
period:
	out->min = date_num(r->campaign->start);
	out->max = date_num(r->campaign->report_due);
	return PROTO_RULE_DATE_PERIOD;
}

static proto_rule check_national_id(const char *s, size_t len, proto_violation *out)
{
	int code, found = 0;

	if (len != 12 || !all_digits(s, 12)) {
		out->detail = PROTO_DETAIL_NID_DIGITS;
		return PROTO_RULE_NATIONAL_ID;
	}
	code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	for (size_t i = 0; i < sizeof provinces / sizeof provinces[0]; i++)
		found |= provinces[i] == code;
	if (!found) {
		out->detail = PROTO_DETAIL_NID_PROVINCE;
		return PROTO_RULE_NATIONAL_ID;
	}
	/* 4th digit: sex and century of birth; 0-3 cover births 1900-2099 */
	if (s[3] > '3') {
		out->detail = PROTO_DETAIL_NID_CENTURY;
		return PROTO_RULE_NATIONAL_ID;
	}
	return PROTO_RULE_OK;
}

/* 10 digits from 0, or +84 and 9 digits: the form the agent stores. */
static proto_rule check_phone(const char *s, size_t len)
{
	if (len == 10 && s[0] == '0' && all_digits(s, 10))
		return PROTO_RULE_OK;
	if (len == 12 && memcmp(s, "+84", 3) == 0 && all_digits(s + 3, 9))
		return PROTO_RULE_OK;
	return PROTO_RULE_PHONE;
}

proto_rule proto_rules_check_text(const char *s, size_t len, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!proto_utf8_valid(s, len))
		return PROTO_RULE_TEXT_UTF8;
	for (size_t i = 0; i < len; i++) {
		/* C0, DEL, and C1 (U+0080..U+009F, which UTF-8 writes C2 80..C2 9F) */
		if (p[i] < 0x20 || p[i] == 0x7f || (p[i] == 0xc2 && i + 1 < len && p[i + 1] < 0xa0))
			return PROTO_RULE_TEXT_CONTROL;
	}
	if (max && len > max)
		return PROTO_RULE_TEXT_LENGTH;
	return PROTO_RULE_OK;
}

static int lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Two digits at s as a number no larger than max, else -1. */
static int two_digits(const char *s, int max)
{
	int v;

	if (!all_digits(s, 2))
		return -1;
	v = (s[0] - '0') * 10 + (s[1] - '0');
	return v <= max ? v : -1;
}

/*
 * YYYY-MM-DDTHH:MM:SS then Z or +HH:MM / -HH:MM (ISO 8601, as a camera's
 * clock and offset give it): a calendar day, a time of day, an offset of at
 * most 14 hours. No fraction, no leap second: one spelling per instant.
 */
static proto_rule check_timestamp(const char *s, size_t len)
{
	if (len != 20 && len != 25)
		return PROTO_RULE_TIMESTAMP;
	if (proto_rules_calendar_day(s, 10, NULL) != PROTO_RULE_OK || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':')
		return PROTO_RULE_TIMESTAMP;
	if (two_digits(s + 11, 23) < 0 || two_digits(s + 14, 59) < 0 || two_digits(s + 17, 59) < 0)
		return PROTO_RULE_TIMESTAMP;
	if (len == 20)
		return s[19] == 'Z' ? PROTO_RULE_OK : PROTO_RULE_TIMESTAMP;
	if ((s[19] != '+' && s[19] != '-') || s[22] != ':' || two_digits(s + 20, 14) < 0 ||
	    two_digits(s + 23, 59) < 0)
		return PROTO_RULE_TIMESTAMP;
	return PROTO_RULE_OK;
}

static proto_rule check_text_value(const field_rule *fr, const proto_rules *r, const proto_value *v,
				   proto_violation *out)
{
	proto_rule rule;

	switch (fr->check) {
	case CK_TEXT:
		out->max = fr->max;
		return proto_rules_check_text(v->text, v->len, (size_t)fr->max);
	case CK_ENUM:
		rule = proto_rules_check_text(v->text, v->len, 0);
		if (rule != PROTO_RULE_OK)
			return rule;
		for (size_t i = 0; v->len && fr->codes[i]; i++)
			if (strlen(fr->codes[i]) == v->len && memcmp(fr->codes[i], v->text, v->len) == 0)
				return PROTO_RULE_OK;
		return PROTO_RULE_ENUM;
	case CK_DATE:
		rule = proto_rules_check_text(v->text, v->len, 0);
		return rule != PROTO_RULE_OK ? rule : check_date(r, v->text, v->len, out);
	case CK_NATIONAL_ID:
		rule = proto_rules_check_text(v->text, v->len, 0);
		return rule != PROTO_RULE_OK ? rule : check_national_id(v->text, v->len, out);
	case CK_PHONE:
		rule = proto_rules_check_text(v->text, v->len, 0);
		return rule != PROTO_RULE_OK ? rule : check_phone(v->text, v->len);
	case CK_SHA256:
		return v->len == 64 && lower_hex(v->text, v->len) ? PROTO_RULE_OK : PROTO_RULE_SHA256;
	case CK_TIMESTAMP:
		rule = proto_rules_check_text(v->text, v->len, 0);
		return rule != PROTO_RULE_OK ? rule : check_timestamp(v->text, v->len);
	default:
		return PROTO_RULE_TYPE;
	}
}

static proto_rule check_int_value(const field_rule *fr, const proto_rules *r, const proto_value *v,
				  proto_violation *out)
{
	/* the units of a campaign; without one (or with no units) nothing to hold it to */
	int have_units = r->campaign && r->campaign->units.n > 0;

	switch (fr->check) {
	case CK_RANGE:
		out->min = fr->min;
		out->max = fr->max;
		return v->i < fr->min || v->i > fr->max ? PROTO_RULE_RANGE : PROTO_RULE_OK;
	case CK_COMMUNE:
	case CK_UNIT:
		if (!have_units)
			return PROTO_RULE_OK;
		return unit_in(r->campaign, v->i, fr->check == CK_COMMUNE) ? PROTO_RULE_OK
									   : PROTO_RULE_UNIT;
	case CK_EVENT_KIND:
		return v->i == PROTO_KIND_MILESTONE || v->i == PROTO_KIND_CONTRIBUTION ||
				       v->i == PROTO_KIND_PHOTO
			       ? PROTO_RULE_OK
			       : PROTO_RULE_ENUM;
	default:
		return PROTO_RULE_TYPE;
	}
}

static void start_violation(proto_violation *out, uint8_t kind, uint8_t field, const proto_value *v)
{
	memset(out, 0, sizeof *out);
	out->kind = kind;
	out->field = field;
	if (v) {
		out->vtype = (uint8_t)v->type;
		if (v->type == PROTO_V_TEXT)
			out->len = v->len;
		proto_rules_show_value(v, out->value, sizeof out->value);
	}
}

proto_rule proto_rules_check_value(const proto_rules *r, uint8_t kind, uint8_t field,
				   const proto_value *v, proto_violation *out)
{
	const proto_field_desc *d = proto_field_lookup(kind, field);
	const field_rule *fr = rule_of(kind, field);
	proto_violation scratch;
	proto_rules none;

	if (!out)
		out = &scratch;
	if (!r) {
		proto_rules_init(&none, NULL, NULL);
		r = &none;
	}
	start_violation(out, kind, field, v);
	if (!v || !d || !fr || (unsigned)v->type > PROTO_V_REF)
		out->rule = PROTO_RULE_TYPE;
	else if (v->type == PROTO_V_NULL)
		out->rule = PROTO_RULE_OK; /* required or not: proto_rules_check_record */
	else if (!(d->types & PROTO_T(v->type)))
		out->rule = PROTO_RULE_TYPE;
	else if (v->type == PROTO_V_REF)
		out->rule = PROTO_RULE_OK; /* its shape is the codec's */
	else if (v->type == PROTO_V_TEXT)
		out->rule = v->text || v->len == 0 ? check_text_value(fr, r, v, out) : PROTO_RULE_TYPE;
	else
		out->rule = check_int_value(fr, r, v, out);
	return out->rule;
}

static const proto_field *field_of(const proto_record *rec, uint8_t f)
{
	for (size_t i = 0; i < rec->nfields; i++)
		if (rec->fields[i].field == f && rec->fields[i].value.type != PROTO_V_NULL)
			return &rec->fields[i];
	return NULL;
}

/*
 * A commune target (a decision with action "target") names the commune by
 * its code in item and the houses in number: both required, and the code
 * one of the campaign's communes when the campaign has units. The fields
 * were each checked alone before.
 */
static proto_rule check_target(const proto_rules *r, const proto_record *rec, proto_violation *out)
{
	const proto_field *action, *item;
	int64_t code = 0;

	if (rec->kind != PROTO_KIND_DECISION)
		return PROTO_RULE_OK;
	action = field_of(rec, PROTO_DE_ACTION);
	item = field_of(rec, PROTO_DE_ITEM);
	if (!action || action->value.len != 6 || memcmp(action->value.text, "target", 6) != 0)
		return PROTO_RULE_OK;
	if (!item || !field_of(rec, PROTO_DE_NUMBER)) {
		start_violation(out, rec->kind, item ? PROTO_DE_NUMBER : PROTO_DE_ITEM, NULL);
		return out->rule = PROTO_RULE_REQUIRED;
	}
	for (size_t i = 0; i < item->value.len && i < 10; i++)
		code = code * 10 + (item->value.text[i] - '0');
	if (item->value.len == 0 || item->value.len > 9 || item->value.text[0] == '0' ||
	    !all_digits(item->value.text, item->value.len) ||
	    (r && r->campaign && r->campaign->units.n > 0 && !unit_in(r->campaign, code, 1))) {
		start_violation(out, rec->kind, PROTO_DE_ITEM, &item->value);
		return out->rule = PROTO_RULE_UNIT;
	}
	return PROTO_RULE_OK;
}

proto_rule proto_rules_check_record(const proto_rules *r, const proto_record *rec, proto_violation *out)
{
	const proto_kind_fields *kf;
	proto_violation scratch;
	uint64_t seen = 0, missing;

	if (!out)
		out = &scratch;
	for (size_t i = 0; i < rec->nfields; i++) {
		const proto_field *fl = &rec->fields[i];
		const proto_field_desc *d = proto_field_lookup(rec->kind, fl->field);

		/* an event is written once, whole: a required field may not be NULL or empty */
		if (rec->kind != PROTO_KIND_HOUSEHOLD && d && d->required &&
		    (fl->value.type == PROTO_V_NULL ||
		     (fl->value.type == PROTO_V_TEXT && fl->value.len == 0))) {
			start_violation(out, rec->kind, fl->field, &fl->value);
			out->rule = PROTO_RULE_REQUIRED;
			goto bad;
		}
		if (proto_rules_check_value(r, rec->kind, fl->field, &fl->value, out) != PROTO_RULE_OK)
			goto bad;
		if (fl->field >= 1 && fl->field <= PROTO_MAX_FIELDS)
			seen |= PROTO_FIELD_BIT(fl->field);
	}
	kf = proto_kind_fields_of(rec->kind);
	missing = kf ? kf->required & ~seen : 0;
	if (missing) {
		uint8_t f = 1;

		while (!(missing & PROTO_FIELD_BIT(f)))
			f++; /* the lowest missing field, as the message names one */
		start_violation(out, rec->kind, f, NULL);
		out->rule = PROTO_RULE_REQUIRED;
		goto bad;
	}
	if (check_target(r, rec, out) != PROTO_RULE_OK)
		goto bad;
	memset(out, 0, sizeof *out);
	out->kind = rec->kind;
	out->id = rec->id;
	return PROTO_RULE_OK;
bad:
	out->kind = rec->kind;
	out->id = rec->id;
	return out->rule;
}

proto_rule proto_rules_check_changeset(const proto_rules *r, const proto_changeset *cs,
				       proto_violation *out)
{
	proto_violation scratch;

	if (!out)
		out = &scratch;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < cs->nrecords; i++) {
		if (proto_rules_check_record(r, &cs->records[i], out) != PROTO_RULE_OK) {
			out->record = i;
			return out->rule;
		}
	}
	return PROTO_RULE_OK;
}
