/*
 * validate.c - the rules a value must meet before the agent records it: the
 * same for the CLI and for CSV import, so a list imported from Excel is held
 * to exactly the standard of one typed by hand. Rules are in docs/AGENT.md.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "validate.h"

const char *const agent_categories[] = { "poor", "near_poor", "housing_hardship",
					 "policy_family", "other", NULL };
static const char *const land_statuses[] = { "certified", "uncertified", "family_land",
					     "rented", "public_land", "other", NULL };
static const char *const support_kinds[] = { "new_build", "repair", NULL };
const char *const agent_sources[] = { "mps", "provincial_police", "fatherland_front", "business",
				      "donor", "household", "other", NULL };

const int agent_hh_user_fields[] = {
	PROTO_HH_NAME, PROTO_HH_NATIONAL_ID, PROTO_HH_HAMLET, PROTO_HH_ADDRESS,
	PROTO_HH_MEMBERS, PROTO_HH_CATEGORY, PROTO_HH_LAND_STATUS, PROTO_HH_CONDITION,
	PROTO_HH_PHONE, PROTO_HH_NOTE, PROTO_HH_SUPPORT_KIND,
};
const size_t agent_hh_nuser_fields = sizeof agent_hh_user_fields / sizeof agent_hh_user_fields[0];

/* The 63 province codes that open a CCCD number (Circular 59/2021/TT-BCA). */
static const short provinces[] = {
	1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33,
	34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64,
	66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94,
	95, 96,
};

void agent_hh_option_name(int field, char *out, size_t n)
{
	const proto_field_desc *d = proto_field_lookup(PROTO_KIND_HOUSEHOLD, (uint8_t)field);
	size_t i = 0;

	for (const char *p = d ? d->column : "?"; *p && i + 1 < n; p++)
		out[i++] = *p == '_' ? '-' : *p;
	out[i] = '\0';
}

int agent_check_national_id(const char *s, char *err, size_t n)
{
	int code;
	int found = 0;

	if (strlen(s) != 12 || strspn(s, "0123456789") != 12) {
		snprintf(err, n, _("must be exactly 12 digits (the CCCD number)"));
		return -1;
	}
	code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
	for (size_t i = 0; i < sizeof provinces / sizeof provinces[0]; i++)
		found |= provinces[i] == code;
	if (!found) {
		snprintf(err, n, _("starts with %.3s, which is not a province code; check the CCCD card"), s);
		return -1;
	}
	/* 4th digit: sex and century of birth; 0-3 cover births 1900-2099. */
	if (s[3] > '3') {
		snprintf(err, n, _("4th digit %c is not a valid sex/century digit (0-3); check the CCCD card"), s[3]);
		return -1;
	}
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

int agent_check_date(const char *s, const char *lo, const char *hi, char *err, size_t n)
{
	char today[11];
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || strspn(s, "0123456789") != 4 ||
	    strspn(s + 5, "0123456789") != 2 || strspn(s + 8, "0123456789") != 2) {
		snprintf(err, n, _("'%s' is not a date; write it as YYYY-MM-DD, e.g. 2023-07-15"), s);
		return -1;
	}
	y = (int)strtol(s, NULL, 10);
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
		snprintf(err, n, _("'%s' is not a real calendar date"), s);
		return -1;
	}
	agent_today(today);
	if (strcmp(s, today) > 0) {
		snprintf(err, n, _("'%s' is in the future (today is %s)"), s, today);
		return -1;
	}
	if ((lo && *lo && strcmp(s, lo) < 0) || (hi && *hi && strcmp(s, hi) > 0)) {
		snprintf(err, n, _("'%s' is outside the campaign period %s to %s"), s, lo, hi);
		return -1;
	}
	return 0;
}

int agent_check_text(const char *s, size_t max, char *err, size_t n)
{
	size_t len = strlen(s);

	if (len > max) {
		snprintf(err, n, _("is too long (%zu bytes, at most %zu)"), len, max);
		return -1;
	}
	if (!proto_utf8_valid(s, len)) {
		snprintf(err, n, _("is not valid UTF-8 text; save the file as 'CSV UTF-8'"));
		return -1;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(err, n, _("contains a control character; remove it"));
			return -1;
		}
	return 0;
}

int agent_check_enum(const char *s, const char *const *allowed, char *norm, size_t normlen,
		     char *err, size_t n)
{
	size_t i, o = 0;
	char list[256] = "";
	size_t l = 0;

	/* Spreadsheets say "Near-poor": accept any case and '-' or ' ' for '_'. */
	for (i = 0; s[i] && o + 1 < normlen; i++) {
		char c = (char)tolower((unsigned char)s[i]);

		norm[o++] = (c == '-' || c == ' ') ? '_' : c;
	}
	norm[o] = '\0';
	for (i = 0; allowed[i]; i++)
		if (!s[strlen(norm)] && strcmp(norm, allowed[i]) == 0)
			return 0;
	for (i = 0; allowed[i]; i++) {
		int w = snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", allowed[i]);

		if (w > 0 && (size_t)w < sizeof list - l)
			l += (size_t)w;
	}
	snprintf(err, n, _("'%s' is not one of: %s"), s, list);
	return -1;
}

int agent_check_amount(const char *s, int64_t lo, int64_t hi, int64_t *out, char *err, size_t n)
{
	if (agent_parse_int(s, lo, hi, out) != 0) {
		snprintf(err, n, _("'%s' must be a whole number from %lld to %lld, digits only"), s,
			 (long long)lo, (long long)hi);
		return -1;
	}
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

static int check_phone(char *s, char *err, size_t n)
{
	size_t o = 0;
	size_t digits;

	for (size_t i = 0; s[i]; i++)
		if (s[i] != ' ' && s[i] != '.' && s[i] != '-')
			s[o++] = s[i];
	s[o] = '\0';
	digits = strspn(s + (s[0] == '+'), "0123456789");
	if (digits + (s[0] == '+') != o ||
	    !((s[0] == '0' && o == 10) || (strncmp(s, "+84", 3) == 0 && o == 12))) {
		snprintf(err, n, _("'%s' is not a Vietnamese phone number (10 digits starting with 0, or +84 and 9 digits)"), s);
		return -1;
	}
	return 0;
}

void agent_hh_release(agent_hh *h)
{
	for (int f = 0; f <= PROTO_HH_NFIELDS; f++)
		free(h->text[f]);
	memset(h, 0, sizeof *h);
}

static int check_field(agent_hh *h, int field, char *v, char *err, size_t n)
{
	char norm[64];

	switch (field) {
	case PROTO_HH_NAME:
	case PROTO_HH_HAMLET:
		return agent_check_text(v, 200, err, n);
	case PROTO_HH_ADDRESS:
	case PROTO_HH_CONDITION:
		return agent_check_text(v, 500, err, n);
	case PROTO_HH_NOTE:
		return agent_check_text(v, 2000, err, n);
	case PROTO_HH_NATIONAL_ID:
		return agent_check_national_id(v, err, n);
	case PROTO_HH_PHONE:
		return check_phone(v, err, n);
	case PROTO_HH_MEMBERS:
		if (agent_parse_int(v, 1, 99, &h->num[field]) != 0) {
			snprintf(err, n, _("'%s' must be a whole number of people from 1 to 99"), v);
			return -1;
		}
		return 0;
	case PROTO_HH_CATEGORY:
	case PROTO_HH_LAND_STATUS:
	case PROTO_HH_SUPPORT_KIND:
		if (agent_check_enum(v, field == PROTO_HH_CATEGORY ? agent_categories
					: field == PROTO_HH_LAND_STATUS ? land_statuses : support_kinds,
				     norm, sizeof norm, err, n) != 0)
			return -1;
		memcpy(v, norm, strlen(norm) + 1); /* norm is never longer than v */
		return 0;
	default:
		snprintf(err, n, _("cannot be set here"));
		return -1;
	}
}

int agent_hh_set(agent_hh *h, int field, const char *raw, char *err, size_t n)
{
	char *v = squeeze(raw);

	if (!v) {
		snprintf(err, n, _("out of memory"));
		return -1;
	}
	if (!*v) {
		if (field == PROTO_HH_NAME || field == PROTO_HH_HAMLET || field == PROTO_HH_MEMBERS ||
		    field == PROTO_HH_CATEGORY) {
			snprintf(err, n, _("must not be empty"));
			free(v);
			return -1;
		}
		free(h->text[field]);
		h->text[field] = NULL;
		h->given[field] = 1;
		h->is_null[field] = 1;
		free(v);
		return 0;
	}
	if (check_field(h, field, v, err, n) != 0) {
		free(v);
		return -1;
	}
	free(h->text[field]);
	h->text[field] = v;
	h->given[field] = 1;
	h->is_null[field] = 0;
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
