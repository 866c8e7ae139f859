/*
 * rules.h - the rulebook: every rule a value must meet, in one place. The
 * agent's CLI and CSV import call it before they record anything; the hub's
 * ingest calls it before it merges anything, and `audit verify` replays it
 * over what was accepted before it existed. There is one copy of each rule.
 *
 * The body codec (changeset.h) checks shape: field known for the kind, value
 * type, UTF-8, PROTO_MAX_TEXT. The rulebook checks meaning: enums, ranges,
 * calendar dates inside the campaign, national ID, phone, text content.
 * Rules that belong to a campaign (its period, its units) come from the
 * proto_campaign the caller hands in; docs/RULES.md lists every rule, bound
 * and message.
 *
 * Ownership: a proto_rules borrows its campaign (it must outlive the rules);
 * a proto_violation owns nothing (value is a bounded, printable copy).
 */
#ifndef MAIAM_RULES_H
#define MAIAM_RULES_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "campaign.h"
#include "changeset.h"

/* Stated bounds (docs/RULES.md). Money and values are VND, whole numbers. */
#define PROTO_RULE_MEMBERS_MIN 1
#define PROTO_RULE_MEMBERS_MAX 99
#define PROTO_RULE_MONEY_MAX 100000000000LL /* 100 billion VND, one contribution */
#define PROTO_RULE_LABOUR_MAX 100000LL      /* labour days, one contribution */
#define PROTO_RULE_MATERIAL_VALUE_MAX 100000000000LL
#define PROTO_RULE_LAT_MAX 900000000LL  /* 90 degrees in 1e-7 degrees */
#define PROTO_RULE_LON_MAX 1800000000LL /* 180 degrees in 1e-7 degrees */
#define PROTO_RULE_CAMERA_MAX 128       /* bytes of a photo's camera make and model */
#define PROTO_RULE_AWARD_UNIT_MAX 32    /* bytes of a nomination's unit ("working_group") */
/* bytes of a nomination's backing ids: 16 ids of the longest form, spaced */
#define PROTO_RULE_AWARD_BACKING_MAX (16 * 38)
#define PROTO_RULE_TARGET_MAX 100000 /* houses a commune can be given as its target */

typedef enum proto_rule {
	PROTO_RULE_OK = 0,
	PROTO_RULE_REQUIRED,      /* a required field is missing, NULL or empty */
	PROTO_RULE_TYPE,          /* the value type is not the field's */
	PROTO_RULE_ENUM,          /* not one of the allowed codes */
	PROTO_RULE_RANGE,         /* an integer outside [min, max] */
	PROTO_RULE_DATE_FORMAT,   /* not YYYY-MM-DD */
	PROTO_RULE_DATE_CALENDAR, /* not a day of the calendar (2023-02-30) */
	PROTO_RULE_DATE_PERIOD,   /* before the campaign's start or after its report due date */
	PROTO_RULE_DATE_FUTURE,   /* after the latest day allowed (rules->latest) */
	PROTO_RULE_NATIONAL_ID,   /* not a CCCD number: 12 digits, province code, century digit */
	PROTO_RULE_PHONE,         /* not a Vietnamese phone number */
	PROTO_RULE_TEXT_LENGTH,   /* more bytes than the field allows */
	PROTO_RULE_TEXT_CONTROL,  /* a C0 or C1 control character, or DEL */
	PROTO_RULE_TEXT_UTF8,     /* not valid UTF-8 */
	PROTO_RULE_UNIT,          /* an admin code that is not a unit of the campaign */
	PROTO_RULE_SHA256,        /* not 64 lowercase hex digits */
	PROTO_RULE_TIMESTAMP,     /* not YYYY-MM-DDTHH:MM:SS with Z or +HH:MM, a real day and time */
	PROTO_RULE_MAX
} proto_rule;

typedef struct proto_rules {
	const proto_campaign *campaign; /* borrowed; NULL: no period and unit rules */
	char latest[11];                /* YYYY-MM-DD: no date may be later ("" = no limit) */
} proto_rules;

/* Which part of a rule broke, where one rule has several (proto_violation.detail). */
enum proto_rule_detail {
	PROTO_DETAIL_NONE = 0,
	PROTO_DETAIL_NID_DIGITS,   /* NATIONAL_ID: not 12 digits */
	PROTO_DETAIL_NID_PROVINCE, /* NATIONAL_ID: first 3 digits are no province code */
	PROTO_DETAIL_NID_CENTURY,  /* NATIONAL_ID: 4th digit (sex and century) above 3 */
	PROTO_DETAIL_BEFORE_START, /* DATE_PERIOD: before the campaign's start */
	PROTO_DETAIL_AFTER_DUE,    /* DATE_PERIOD: after the campaign's report due date */
};

/* One broken rule: where, what, which rule. value is the offending value,
 * cut to fit, with every control character shown as '?': safe to print. */
typedef struct proto_violation {
	proto_rule rule;
	uint8_t kind;     /* proto_kind of the record */
	uint8_t field;    /* field id (schema.h) */
	proto_id id;      /* the record's id */
	size_t record;    /* index of the record in its change-set */
	int64_t min, max; /* RANGE: the bounds; TEXT_LENGTH: max bytes; DATE_PERIOD: start and
			    * report due as YYYYMMDD; DATE_FUTURE: max is latest as YYYYMMDD */
	char value[80];
	/* additions */
	uint8_t detail; /* proto_rule_detail */
	uint8_t vtype;  /* proto_vtype of the value */
	size_t len;     /* TEXT: bytes of the whole value (value[] may be cut) */
} proto_violation;

/* Rules for a campaign (may be NULL); latest is the last day any date may
 * name: the agent passes its today, the hub the day it received the
 * change-set plus one (proto_rules_day). */
void proto_rules_init(proto_rules *r, const proto_campaign *campaign, const char *latest);
/* The calendar day of t in Vietnam time (UTC+7) plus add_days, as YYYY-MM-DD. */
void proto_rules_day(time_t t, int add_days, char out[11]);

/* Check one value of (kind, field). A NULL value (PROTO_V_NULL) is accepted
 * here; proto_rules_check_record knows which fields are required. */
proto_rule proto_rules_check_value(const proto_rules *r, uint8_t kind, uint8_t field,
				   const proto_value *v, proto_violation *out);
/* Check one record: every field it carries and, for events, the required
 * ones. Households carry register changes: only what is sent is checked. */
proto_rule proto_rules_check_record(const proto_rules *r, const proto_record *rec, proto_violation *out);
/* Check every record; the first violation goes to *out (out->record says where). */
proto_rule proto_rules_check_changeset(const proto_rules *r, const proto_changeset *cs,
				       proto_violation *out);

/* "range", "enum", ... (stable codes for JSON and logs); never NULL. */
const char *proto_rule_name(proto_rule rule);
/* One English line naming record, field, value and rule, e.g.
 * "milestone 1f2e3d4c5b6a7980-12: date '2023-02-30' is not a calendar day".
 * Returns what snprintf returns. */
int proto_violation_text(const proto_violation *v, char *out, size_t n);

/* The codes a field may take (NULL-terminated), or NULL if it is no enum. */
const char *const *proto_rules_enum(uint8_t kind, uint8_t field);

/* Additions. The most bytes a free-text field may hold, or 0 if it is no free text. */
size_t proto_rules_text_max(uint8_t kind, uint8_t field);
/* The bounds of an integer field with a range rule: 1 and *min, *max set; 0 if none. */
int proto_rules_range(uint8_t kind, uint8_t field, int64_t *min, int64_t *max);
/* The text rule alone: UTF-8, no C0/C1 control or DEL, at most max bytes
 * (max 0: no length limit). For callers that check text outside a record. */
proto_rule proto_rules_check_text(const char *s, size_t len, size_t max);
/* Write v printably into out (n >= 8): text cut at a character boundary with
 * "..." when cut, control characters and invalid UTF-8 bytes as '?'; an
 * integer in decimal; a reference as ORIGIN-SERIAL; NULL as "null". */
void proto_rules_show_value(const proto_value *v, char *out, size_t n);
/* The calendar rule alone: s[0..len) is YYYY-MM-DD and a day of the
 * proleptic Gregorian calendar (PROTO_RULE_OK, *year set if year is not
 * NULL), else PROTO_RULE_DATE_FORMAT or PROTO_RULE_DATE_CALENDAR. The one
 * date check of the rulebook, the campaign loader and the reports' --as-of. */
proto_rule proto_rules_calendar_day(const char *s, size_t len, int *year);
/* A date bound of a violation (YYYYMMDD, in min and max) as YYYY-MM-DD. */
void proto_rules_show_date(int64_t yyyymmdd, char out[11]);

#endif
