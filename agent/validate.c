/*
 * validate.c - the agent's side of the rulebook: what a person typed or a
 * spreadsheet held is normalised here (trim, squeeze, enum spelling, phone
 * punctuation, digits to a number), then judged by proto_rules_* - the same
 * rules the hub applies - and a broken rule is said in the user's language.
 * The same for the CLI and CSV import. Rules: docs/RULES.md.
 */
#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "maiam/labels.h"
#include "maiam/text.h"
#include "utf8.h"
#include "validate.h"

const int agent_hh_user_fields[] = {
	PROTO_HH_NAME,    PROTO_HH_NATIONAL_ID, PROTO_HH_HAMLET,       PROTO_HH_ADDRESS,
	PROTO_HH_MEMBERS, PROTO_HH_CATEGORY,    PROTO_HH_LAND_STATUS,  PROTO_HH_CONDITION,
	PROTO_HH_PHONE,   PROTO_HH_NOTE,        PROTO_HH_SUPPORT_KIND,
};
const size_t agent_hh_nuser_fields = sizeof agent_hh_user_fields / sizeof agent_hh_user_fields[0];

void agent_hh_option_name(int field, char *out, size_t n)
{
	const proto_field_desc *d = proto_field_lookup(PROTO_KIND_HOUSEHOLD, (uint8_t)field);
	size_t i = 0;

	for (const char *p = d ? d->column : "?"; *p && i + 1 < n; p++)
		out[i++] = *p == '_' ? '-' : *p;
	out[i] = '\0';
}

/* The allowed values, as the user reads them: labels in Vietnamese, codes otherwise. */
static void enum_list(const proto_violation *v, char *list, size_t n)
{
	const char *const *codes = proto_rules_enum(v->kind, v->field);
	proto_list pl;
	size_t l = 0;

	if (agent_lang_vi() && proto_list_of(v->kind, v->field, &pl)) {
		proto_label_all(agent_labels(), pl, list, n);
		return;
	}
	list[0] = '\0';
	for (size_t i = 0; codes && codes[i]; i++) {
		int w = snprintf(list + l, n - l, "%s%s", i ? ", " : "", codes[i]);

		if (w < 0 || (size_t)w >= n - l)
			break;
		l += (size_t)w;
	}
}

void agent_rule_message(const proto_violation *v, char *err, size_t n)
{
	char a[11], b[11], list[256], day[16], from[16], to[16];

	switch (v->rule) {
	case PROTO_RULE_REQUIRED:
		snprintf(err, n, "%s", _("must not be empty"));
		break;
	case PROTO_RULE_ENUM:
		enum_list(v, list, sizeof list);
		snprintf(err, n, _("'%s' is not one of: %s"), v->value, list);
		break;
	case PROTO_RULE_RANGE:
		if (v->kind == PROTO_KIND_HOUSEHOLD && v->field == PROTO_HH_MEMBERS)
			snprintf(err, n, _("'%s' must be a whole number of people from %lld to %lld"),
				 v->value, (long long)v->min, (long long)v->max);
		else
			snprintf(err, n, _("'%s' must be a whole number from %lld to %lld, digits only"),
				 v->value, (long long)v->min, (long long)v->max);
		break;
	case PROTO_RULE_DATE_FORMAT:
		snprintf(err, n, _("'%s' is not a date; write it as YYYY-MM-DD, e.g. 2023-07-15"),
			 v->value);
		break;
	case PROTO_RULE_DATE_CALENDAR:
		snprintf(err, n, _("'%s' is not a real calendar date"), v->value);
		break;
	case PROTO_RULE_DATE_PERIOD:
		/* a real day by now: every date of the message in the user's style */
		proto_rules_show_date(v->min, a);
		proto_rules_show_date(v->max, b);
		agent_show_date(v->value, day);
		agent_show_date(a, from);
		agent_show_date(b, to);
		snprintf(err, n, _("'%s' is outside the campaign period %s to %s"), day, from, to);
		break;
	case PROTO_RULE_DATE_FUTURE:
		proto_rules_show_date(v->max, a);
		agent_show_date(v->value, day);
		agent_show_date(a, to);
		snprintf(err, n, _("'%s' is in the future (today is %s)"), day, to);
		break;
	case PROTO_RULE_NATIONAL_ID:
		if (v->detail == PROTO_DETAIL_NID_PROVINCE)
			snprintf(err, n,
				 _("starts with %.3s, which is not a province code; check the CCCD card"),
				 v->value);
		else if (v->detail == PROTO_DETAIL_NID_CENTURY)
			snprintf(err, n,
				 _("4th digit %c is not a valid sex/century digit (0-3); check the CCCD card"),
				 v->value[3]);
		else
			snprintf(err, n, "%s", _("must be exactly 12 digits (the CCCD number)"));
		break;
	case PROTO_RULE_PHONE:
		snprintf(err, n,
			 _("'%s' is not a Vietnamese phone number (10 digits starting with 0, or +84 and 9 digits)"),
			 v->value);
		break;
	case PROTO_RULE_TEXT_LENGTH:
		snprintf(err, n, _("is too long (%zu bytes, at most %zu)"), v->len, (size_t)v->max);
		break;
	case PROTO_RULE_TEXT_CONTROL:
		snprintf(err, n, "%s", _("contains a control character; remove it"));
		break;
	case PROTO_RULE_TEXT_UTF8:
		snprintf(err, n, "%s", _("is not valid UTF-8 text; save the file as 'CSV UTF-8'"));
		break;
	case PROTO_RULE_UNIT:
		snprintf(err, n, _("'%s' is not a commune or district of this campaign"), v->value);
		break;
	default:
		snprintf(err, n, _("'%s' breaks the rule '%s'"), v->value, proto_rule_name(v->rule));
		break;
	}
}

void agent_rules_init(const agent_ctx *ctx, proto_rules *r, proto_campaign *camp)
{
	char today[11];

	memset(camp, 0, sizeof *camp);
	memcpy(camp->start, ctx->period_start, sizeof camp->start);
	memcpy(camp->deadline, ctx->deadline, sizeof camp->deadline);
	memcpy(camp->report_due, ctx->period_end, sizeof camp->report_due);
	agent_today(today);
	proto_rules_init(r, camp, today);
}

/* Judge one value with the rulebook; 0, or -1 with the translated reason. */
static int judge(const proto_rules *r, uint8_t kind, uint8_t field, const proto_value *v, char *err,
		 size_t n)
{
	proto_violation vi;

	if (proto_rules_check_value(r, kind, field, v, &vi) == PROTO_RULE_OK)
		return 0;
	agent_rule_message(&vi, err, n);
	return -1;
}

static int judge_text(const proto_rules *r, uint8_t kind, uint8_t field, const char *s, char *err, size_t n)
{
	proto_value v = { .type = PROTO_V_TEXT, .text = s, .len = strlen(s) };

	return judge(r, kind, field, &v, err, n);
}

int agent_check_record(const agent_ctx *ctx, const proto_record *rec, const char **column, char *err,
		       size_t n)
{
	const proto_field_desc *d;
	proto_campaign camp;
	proto_violation vi;
	proto_rules r;

	agent_rules_init(ctx, &r, &camp);
	if (proto_rules_check_record(&r, rec, &vi) == PROTO_RULE_OK)
		return 0;
	d = proto_field_lookup(vi.kind, vi.field);
	*column = d ? d->column : "?";
	agent_rule_message(&vi, err, n);
	return -1;
}

int agent_check_changeset(const agent_ctx *ctx, const proto_changeset *cs, const char **column,
			  char *err, size_t n)
{
	for (size_t i = 0; i < cs->nrecords; i++)
		if (agent_check_record(ctx, &cs->records[i], column, err, n) != 0)
			return -1;
	return 0;
}

int agent_check_national_id(const char *s, char *err, size_t n)
{
	return judge_text(NULL, PROTO_KIND_HOUSEHOLD, PROTO_HH_NATIONAL_ID, s, err, n);
}

int agent_check_date(const char *s, const char *lo, const char *hi, char *err, size_t n)
{
	proto_campaign camp;
	proto_rules r;
	char today[11];

	memset(&camp, 0, sizeof camp);
	snprintf(camp.start, sizeof camp.start, "%s", lo ? lo : "");
	snprintf(camp.report_due, sizeof camp.report_due, "%s", hi ? hi : "");
	agent_today(today);
	proto_rules_init(&r, &camp, today);
	/* every date field obeys the same rule: the milestone's stands for all */
	return judge_text(&r, PROTO_KIND_MILESTONE, PROTO_MS_DATE, s, err, n);
}

int agent_check_text(uint8_t kind, uint8_t field, const char *s, char *err, size_t n)
{
	return judge_text(NULL, kind, field, s, err, n);
}

const char *agent_enum_code(uint8_t kind, uint8_t field, const char *typed)
{
	proto_list list;

	return proto_list_of(kind, field, &list) ? proto_label_code(agent_labels(), list, typed) : NULL;
}

int agent_check_enum(uint8_t kind, uint8_t field, const char *s, char *norm, size_t normlen, char *err,
		     size_t n)
{
	const char *code = agent_enum_code(kind, field, s);
	proto_value v = { .type = PROTO_V_TEXT, .text = s, .len = strlen(s) };
	proto_violation vi;

	if (code && strlen(code) < normlen) {
		snprintf(norm, normlen, "%s", code);
		return judge_text(NULL, kind, field, norm, err, n);
	}
	/* name what was typed, not a folded spelling */
	if (proto_rules_check_value(NULL, kind, field, &v, &vi) == PROTO_RULE_OK)
		vi.rule = PROTO_RULE_ENUM; /* a code in another spelling than the list's */
	agent_rule_message(&vi, err, n);
	return -1;
}

int agent_parse_date(const char *typed, const char *lo, const char *hi, char out[11], char *err, size_t n)
{
	char shown[80];
	proto_rule r = proto_date_parse(typed, out);

	if (r == PROTO_RULE_DATE_FORMAT) {
		snprintf(shown, sizeof shown, "%s", typed);
		snprintf(err, n,
			 _("'%s' is not a date; write it as DD/MM/YYYY or YYYY-MM-DD, e.g. 20/06/2023"),
			 agent_utf8_printable(shown));
		return -1;
	}
	if (r != PROTO_RULE_OK) {
		snprintf(shown, sizeof shown, "%s", typed);
		snprintf(err, n, _("'%s' is not a real calendar date"), agent_utf8_printable(shown));
		return -1;
	}
	return agent_check_date(out, lo, hi, err, n);
}

int agent_check_amount(uint8_t kind, uint8_t field, const char *s, int64_t floor, int64_t *out,
		       char *err, size_t n)
{
	proto_value v = { .type = PROTO_V_INT };
	int64_t lo = floor, hi = INT64_MAX;

	if (proto_rules_range(kind, field, &lo, &hi) && floor > lo)
		lo = floor;
	/* dots group thousands (Vietnamese), strictly in threes: "5.5" or "5,000" is refused,
	 * never read as a different amount */
	if (proto_amount_parse(s, &v.i) != 0 || v.i < lo) {
		snprintf(err, n,
			 _("'%s' must be a whole number from %lld to %lld, in digits (25000000 or 25.000.000)"),
			 s, (long long)lo, (long long)hi);
		return -1;
	}
	if (judge(NULL, kind, field, &v, err, n) != 0)
		return -1;
	*out = v.i;
	return 0;
}

/* Copy s without leading/trailing white space and with inner runs of
 * spaces, tabs and line breaks collapsed to one space. */
static char *squeeze(const char *s)
{
	char *out = malloc(strlen(s) + 1);
	size_t o = 0;
	int space = 0;

	if (!out)
		return NULL;
	for (; *s; s++) {
		/* a line break inside an Excel cell (Alt+Enter) is just a space */
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = o > 0;
			continue;
		}
		if (space)
			out[o++] = ' ';
		space = 0;
		out[o++] = *s;
	}
	out[o] = '\0';
	return out;
}

/* People write "0912 345 678" or "0912.345.678": keep the digits and '+'. */
static void strip_phone(char *s)
{
	size_t o = 0;

	for (size_t i = 0; s[i]; i++)
		if (s[i] != ' ' && s[i] != '.' && s[i] != '-')
			s[o++] = s[i];
	s[o] = '\0';
}

void agent_hh_release(agent_hh *h)
{
	for (int f = 0; f <= PROTO_HH_NFIELDS; f++)
		free(h->text[f]);
	memset(h, 0, sizeof *h);
}

/* Check *vp (owned) for field; an enum's code may replace it. */
static int check_field(agent_hh *h, int field, char **vp, char *err, size_t n)
{
	const uint8_t hh = PROTO_KIND_HOUSEHOLD;
	char norm[64], *v = *vp, *code;
	proto_value num = { .type = PROTO_V_INT };

	switch (field) {
	case PROTO_HH_NAME:
	case PROTO_HH_HAMLET:
	case PROTO_HH_ADDRESS:
	case PROTO_HH_CONDITION:
	case PROTO_HH_NOTE:
		return agent_check_text(hh, (uint8_t)field, v, err, n);
	case PROTO_HH_NATIONAL_ID:
		return agent_check_national_id(v, err, n);
	case PROTO_HH_PHONE:
		strip_phone(v);
		return judge_text(NULL, hh, (uint8_t)field, v, err, n);
	case PROTO_HH_MEMBERS:
		if (cli_parse_int(v, INT64_MIN, INT64_MAX, &num.i) != 0) {
			int64_t lo = 0, hi = 0;

			proto_rules_range(hh, PROTO_HH_MEMBERS, &lo, &hi);
			snprintf(err, n, _("'%s' must be a whole number of people from %lld to %lld"), v,
				 (long long)lo, (long long)hi);
			return -1;
		}
		if (judge(NULL, hh, (uint8_t)field, &num, err, n) != 0)
			return -1;
		h->num[field] = num.i;
		return 0;
	case PROTO_HH_CATEGORY:
	case PROTO_HH_LAND_STATUS:
	case PROTO_HH_SUPPORT_KIND:
		if (agent_check_enum(hh, (uint8_t)field, v, norm, sizeof norm, err, n) != 0)
			return -1;
		/* the code replaces what was typed (a label may be shorter: "Khác") */
		code = strdup(norm);
		if (!code) {
			snprintf(err, n, "%s", _("out of memory"));
			return -1;
		}
		free(*vp);
		*vp = code;
		return 0;
	default:
		snprintf(err, n, "%s", _("cannot be set here"));
		return -1;
	}
}

/* field was given: v (owned from now on) is its value, NULL to clear it. */
static void set_given(agent_hh *h, int field, char *v)
{
	assert(field >= 1 && field <= PROTO_HH_NFIELDS);
	free(h->text[field]);
	h->text[field] = v;
	h->given[field] = 1;
	h->is_null[field] = v == NULL;
}

int agent_hh_set(agent_hh *h, int field, const char *raw, char *err, size_t n)
{
	char *v = squeeze(raw);

	if (!v) {
		snprintf(err, n, "%s", _("out of memory"));
		return -1;
	}
	if (!*v) {
		free(v);
		if (field == PROTO_HH_NAME || field == PROTO_HH_HAMLET || field == PROTO_HH_MEMBERS ||
		    field == PROTO_HH_CATEGORY) {
			snprintf(err, n, "%s", _("must not be empty"));
			return -1;
		}
		set_given(h, field, NULL); /* an empty value clears the field */
		return 0;
	}
	if (check_field(h, field, &v, err, n) != 0) {
		free(v);
		return -1;
	}
	set_given(h, field, v);
	return 0;
}

int agent_hh_missing(const agent_hh *h)
{
	static const int required[] = { PROTO_HH_NAME, PROTO_HH_HAMLET, PROTO_HH_MEMBERS,
					PROTO_HH_CATEGORY };

	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
		if (!h->given[required[i]] || h->is_null[required[i]])
			return required[i];
	return 0;
}
