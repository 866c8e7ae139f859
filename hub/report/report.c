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
	int y;

	return s && proto_rules_calendar_day(s, strlen(s), &y) == PROTO_RULE_OK && y >= 1900;
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
