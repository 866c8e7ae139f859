/*
 * report.c - the entry point of the reports: check the options, pick the
 * report, and date helpers. Dates are campaign dates in Vietnam (UTC+7): a
 * milestone recorded on 2 September is on time whatever the server's zone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "report_int.h"

int hub_report_valid_date(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long y, m, d;
	int i, leap;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = strtol(s, NULL, 10);
	m = strtol(s + 5, NULL, 10);
	d = strtol(s + 8, NULL, 10);
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

void hub_report_today(char out[11])
{
	time_t t = time(NULL) + 7 * 3600;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int hub_report_render(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
		      proto_buf *out, char *err, size_t errlen)
{
	hub_report_opts opts = *o;

	if (!opts.as_of[0])
		hub_report_today(opts.as_of);
	if (!hub_report_valid_date(opts.as_of)) {
		snprintf(err, errlen, "date '%s' is not a calendar date YYYY-MM-DD", opts.as_of);
		return -1;
	}
	switch (opts.kind) {
	case HUB_REPORT_PROGRESS:
		return report_progress_render(db, c, &opts, out, err, errlen);
	case HUB_REPORT_AWARDS:
		return report_awards_render(db, c, &opts, out, err, errlen);
	case HUB_REPORT_FUNDS:
		return report_funds_render(db, c, &opts, out, err, errlen);
	case HUB_REPORT_RECONCILE:
		return report_reconcile_render(db, c, &opts, out, err, errlen);
	}
	snprintf(err, errlen, "unknown report kind");
	return -1;
}
