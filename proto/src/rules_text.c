/*
 * rules_text.c - the rulebook's words: stable rule names for JSON and logs,
 * a printable copy of an offending value (it came from outside and may hold
 * terminal escapes), and the one English line the hub answers with.
 */
#include <inttypes.h>
#include <string.h>
#include "maiam/rules.h"
#include "maiam/schema.h"

static const char *const names[PROTO_RULE_MAX] = {
	[PROTO_RULE_OK] = "ok",
	[PROTO_RULE_REQUIRED] = "required",
	[PROTO_RULE_TYPE] = "type",
	[PROTO_RULE_ENUM] = "enum",
	[PROTO_RULE_RANGE] = "range",
	[PROTO_RULE_DATE_FORMAT] = "date_format",
	[PROTO_RULE_DATE_CALENDAR] = "date_calendar",
	[PROTO_RULE_DATE_PERIOD] = "date_period",
	[PROTO_RULE_DATE_FUTURE] = "date_future",
	[PROTO_RULE_NATIONAL_ID] = "national_id",
	[PROTO_RULE_PHONE] = "phone",
	[PROTO_RULE_TEXT_LENGTH] = "text_length",
	[PROTO_RULE_TEXT_CONTROL] = "text_control",
	[PROTO_RULE_TEXT_UTF8] = "text_utf8",
	[PROTO_RULE_UNIT] = "unit",
	[PROTO_RULE_SHA256] = "sha256",
	[PROTO_RULE_TIMESTAMP] = "timestamp",
};

const char *proto_rule_name(proto_rule rule)
{
	if ((unsigned)rule >= PROTO_RULE_MAX || !names[rule])
		return "unknown";
	return names[rule];
}

/* Bytes of the valid UTF-8 character at p (at most n bytes), 0 if none starts there. */
static size_t char_len(const unsigned char *p, size_t n)
{
	size_t want = p[0] < 0x80 ? 1 : p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : 2;

	if (want > n || !proto_utf8_valid((const char *)p, want))
		return 0;
	return want;
}

void proto_rules_show_value(const proto_value *v, char *out, size_t n)
{
	const unsigned char *p;
	size_t i = 0, o = 0;

	if (n < 8) {
		if (n)
			out[0] = '\0';
		return;
	}
	switch (v->type) {
	case PROTO_V_NULL:
		snprintf(out, n, "null");
		return;
	case PROTO_V_INT:
		snprintf(out, n, "%" PRId64, v->i);
		return;
	case PROTO_V_REF:
		snprintf(out, n, "%016" PRIx64 "-%" PRIu64, v->ref.origin, v->ref.serial);
		return;
	case PROTO_V_TEXT:
		break;
	default:
		snprintf(out, n, "?");
		return;
	}
	p = (const unsigned char *)v->text;
	while (p && i < v->len) {
		size_t cl = char_len(p + i, v->len - i);
		int control = cl == 0 || p[i] < 0x20 || p[i] == 0x7f || (p[i] == 0xc2 && p[i + 1] < 0xa0);
		size_t put = control ? 1 : cl;

		/* keep room for "..." and the terminator */
		if (o + put + 4 > n) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (control)
			out[o] = '?';
		else
			memcpy(out + o, p + i, cl);
		o += put;
		i += control && cl == 0 ? 1 : cl;
	}
	out[o] = '\0';
}

void proto_rules_show_date(int64_t d, char out[11])
{
	char buf[40];

	snprintf(buf, sizeof buf, "%04d-%02d-%02d", (int)(d / 10000 % 10000), (int)(d / 100 % 100),
		 (int)(d % 100));
	memcpy(out, buf, 10);
	out[10] = '\0';
}

static int what(const proto_violation *v, char *out, size_t n)
{
	char a[11], b[11];

	switch (v->rule) {
	case PROTO_RULE_REQUIRED:
		return snprintf(out, n, "is required");
	case PROTO_RULE_TYPE:
		return snprintf(out, n, "has the wrong type for this field");
	case PROTO_RULE_ENUM:
		return snprintf(out, n, "is not one of the allowed codes");
	case PROTO_RULE_RANGE:
		return snprintf(out, n, "is outside %" PRId64 "..%" PRId64, v->min, v->max);
	case PROTO_RULE_DATE_FORMAT:
		return snprintf(out, n, "is not a date written YYYY-MM-DD");
	case PROTO_RULE_DATE_CALENDAR:
		return snprintf(out, n, "is not a calendar day");
	case PROTO_RULE_DATE_PERIOD:
		proto_rules_show_date(v->min, a);
		proto_rules_show_date(v->max, b);
		return snprintf(out, n, "is outside the campaign period %s to %s", a, b);
	case PROTO_RULE_DATE_FUTURE:
		proto_rules_show_date(v->max, a);
		return snprintf(out, n, "is later than %s", a);
	case PROTO_RULE_NATIONAL_ID:
		return snprintf(out, n, "%s",
				v->detail == PROTO_DETAIL_NID_PROVINCE
					? "is not a national ID (its first 3 digits are no province code)"
				: v->detail == PROTO_DETAIL_NID_CENTURY
					? "is not a national ID (4th digit above 3)"
					: "is not a national ID (12 digits)");
	case PROTO_RULE_PHONE:
		return snprintf(out, n, "is not a phone number (10 digits from 0, or +84 and 9 digits)");
	case PROTO_RULE_TEXT_LENGTH:
		return snprintf(out, n, "is %zu bytes, more than %" PRId64, v->len, v->max);
	case PROTO_RULE_TEXT_CONTROL:
		return snprintf(out, n, "contains a control character");
	case PROTO_RULE_TEXT_UTF8:
		return snprintf(out, n, "is not valid UTF-8");
	case PROTO_RULE_UNIT:
		return snprintf(out, n, "is not a unit of the campaign");
	case PROTO_RULE_SHA256:
		return snprintf(out, n, "is not a SHA-256 (64 lowercase hex digits)");
	case PROTO_RULE_TIMESTAMP:
		return snprintf(out, n, "is not a time written YYYY-MM-DDTHH:MM:SS+HH:MM");
	default:
		return snprintf(out, n, "breaks rule %s", proto_rule_name(v->rule));
	}
}

int proto_violation_text(const proto_violation *v, char *out, size_t n)
{
	const proto_field_desc *d = proto_field_lookup(v->kind, v->field);
	const char *kind = proto_kind_name(v->kind);
	char why[160];
	char field[16];

	what(v, why, sizeof why);
	if (!d)
		snprintf(field, sizeof field, "field %u", (unsigned)v->field);
	if (v->rule == PROTO_RULE_REQUIRED && v->vtype == PROTO_V_NULL)
		return snprintf(out, n, "%s %016" PRIx64 "-%" PRIu64 ": %s %s", kind ? kind : "record",
				v->id.origin, v->id.serial, d ? d->column : field, why);
	return snprintf(out, n, "%s %016" PRIx64 "-%" PRIu64 ": %s '%s' %s", kind ? kind : "record",
			v->id.origin, v->id.serial, d ? d->column : field, v->value, why);
}
