/*
 * text_format.c - dates, amounts and times in the spellings Vietnamese
 * people use (text.h), for input and for display. Parsing accepts exactly
 * the documented spellings so a typo is refused instead of read as another
 * value; the calendar itself is the rulebook's (proto_rules_calendar_day).
 */
#include <stdio.h>
#include <string.h>
#include "maiam/text.h"
#include "rules_int.h"

/* s[0..len) without the spaces and tabs at both ends. */
static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* 1 or 2 (or exactly want, if want > 0) digits at *s; advances. -1 if none. */
static int take_digits(const char **s, const char *end, int maxdigits, int want)
{
	int v = 0, n = 0;

	while (*s < end && **s >= '0' && **s <= '9' && n < maxdigits) {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	if (n == 0 || (want && n != want))
		return -1;
	return v;
}

proto_rule proto_date_parse(const char *typed, char out[11])
{
	const char *s = typed, *end;
	size_t len = typed ? strlen(typed) : 0;
	char iso[40]; /* room for any int, though the digits are at most 2, 2 and 4 */
	int d, m, y;
	proto_rule r;

	out[0] = '\0';
	if (!typed)
		return PROTO_RULE_DATE_FORMAT;
	trim(&s, &len);
	end = s + len;
	if (len == 10 && s[4] == '-') {
		memcpy(iso, s, 10);
	} else if (memchr(s, '/', len)) {
		d = take_digits(&s, end, 2, 0);
		if (d < 0 || s == end || *s++ != '/')
			return PROTO_RULE_DATE_FORMAT;
		m = take_digits(&s, end, 2, 0);
		if (m < 0 || s == end || *s++ != '/')
			return PROTO_RULE_DATE_FORMAT;
		y = take_digits(&s, end, 4, 4);
		if (y < 0 || s != end)
			return PROTO_RULE_DATE_FORMAT;
		snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
	} else {
		return PROTO_RULE_DATE_FORMAT;
	}
	r = proto_rules_calendar_day(iso, 10, NULL);
	if (r == PROTO_RULE_OK) {
		memcpy(out, iso, 10);
		out[10] = '\0';
	}
	return r;
}

void proto_date_show(const char *iso, proto_date_style style, char *out, size_t n)
{
	if (!out || n == 0)
		return;
	if (!iso)
		iso = "";
	if (style == PROTO_DATES_VN && proto_rules_calendar_day(iso, strlen(iso), NULL) == PROTO_RULE_OK)
		snprintf(out, n, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	else
		snprintf(out, n, "%s", iso);
}

/* "YYYY-MM-DDTHH:MM" of an ISO UTC instant: 0 and the parts, or -1. */
static int split_instant(const char *s, int *y, int *m, int *d, int *hh, int *mm)
{
	const char *p = s + 11, *end;

	if (strlen(s) < 16 || s[10] != 'T' || s[13] != ':' ||
	    proto_rules_calendar_day(s, 10, y) != PROTO_RULE_OK)
		return -1;
	end = s + 16;
	*hh = take_digits(&p, end, 2, 2);
	p++; /* the ':' checked above */
	*mm = take_digits(&p, end, 2, 2);
	if (*hh < 0 || *hh > 23 || *mm < 0 || *mm > 59)
		return -1;
	/* the rest is seconds and the zone: UTC is all the agent writes */
	if (s[strlen(s) - 1] != 'Z')
		return -1;
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	return 0;
}

void proto_time_show(const char *iso_utc, proto_date_style style, char *out, size_t n)
{
	int y, m, d, hh, mm;

	if (!out || n == 0)
		return;
	if (!iso_utc || split_instant(iso_utc, &y, &m, &d, &hh, &mm) != 0) {
		snprintf(out, n, "%s", iso_utc ? iso_utc : "");
		return;
	}
	/* Vietnam keeps UTC+7 all year; the day may roll over, and with it the month and year */
	hh += 7;
	if (hh >= 24) {
		hh -= 24;
		if (++d > proto_rules_days_in_month(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	if (style == PROTO_DATES_VN)
		snprintf(out, n, "%02d/%02d/%04d %02d:%02d", d, m, y, hh, mm);
	else
		snprintf(out, n, "%04d-%02d-%02d %02d:%02d", y, m, d, hh, mm);
}

int proto_amount_parse(const char *typed, int64_t *out)
{
	const char *s = typed;
	size_t len = typed ? strlen(typed) : 0, i, run = 0;
	int grouped = 0;
	uint64_t v = 0;

	trim(&s, &len);
	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			/* a group of one to three digits first, then exactly three each */
			if (run == 0 || run > 3 || (grouped && run != 3))
				return -1;
			grouped = 1;
			run = 0;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > ((uint64_t)INT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
		run++;
	}
	if (run == 0 || (grouped && run != 3))
		return -1;
	*out = (int64_t)v;
	return 0;
}

void proto_amount_show(int64_t v, char sep, char *out, size_t n)
{
	char digits[24], buf[40];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t nd = 0, o = 0;

	if (!out || n == 0)
		return;
	do {
		digits[nd++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		buf[o++] = '-';
	while (nd) {
		buf[o++] = digits[--nd];
		if (sep && nd && nd % 3 == 0)
			buf[o++] = sep;
	}
	buf[o] = '\0';
	snprintf(out, n, "%s", buf);
}
