/*
 * report.c - the entry point of the reports: check the options, pick the
 * report; and what every report uses: dates, sums read from SQL, JSON
 * members and the messages of failures. Dates are campaign dates in
 * Vietnam (UTC+7): a milestone recorded on 2 September is on time whatever
 * the server's zone.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "report_int.h"
#include "scorecard.h"
#include "xlsx.h"

bool hub_report_valid_date(const char *s)
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

void report_vn_date(const char *iso, char out[11])
{
	snprintf(out, 11, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}

hub_result report_sum_query(sqlite3 *db, const char *sql, const char *date, report_sum_row_fn fn, void *arg)
{
	sqlite3_stmt *st = NULL;
	hub_result rc;
	int step;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		rc = fn(arg, st);
		if (rc != HUB_OK)
			goto out;
	}
	if (step == SQLITE_DONE)
		rc = HUB_OK;
	else if (strstr(sqlite3_errmsg(db), "integer overflow"))
		rc = HUB_ERANGE;
	else
		rc = HUB_EDB;
out:
	sqlite3_finalize(st);
	return rc;
}

const char *report_say(report_lang lang, const char *vi, const char *msgid)
{
	return lang == REPORT_OPERATOR ? _(msgid) : vi;
}

hub_result report_json_member(proto_buf *b, const char *key, const char *value)
{
	if (proto_buf_appendf(b, ", \"%s\": ", key) || hub_json_str(b, value))
		return HUB_ENOMEM;
	return HUB_OK;
}

hub_result report_db_error(sqlite3 *db, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "cannot %s: %s", what, sqlite3_errmsg(db));
	return HUB_EDB;
}

hub_result report_too_large(char *err, size_t errlen)
{
	snprintf(err, errlen, "report too large or out of memory");
	return HUB_ENOMEM;
}

hub_result report_draw(const report_drawing *d, const void *numbers, const proto_campaign *c,
		       const hub_report_opts *o, proto_buf *out, char *err, size_t errlen)
{
	report_grid g;
	hub_result rc = HUB_ENOMEM, said = HUB_OK; /* said: the workbook's failure, err filled */
	hub_report_format f = o->format;
	/* the table is for the person at the terminal; the rest are documents */
	report_lang lang = f == HUB_FMT_TABLE ? REPORT_OPERATOR : REPORT_VI;

	report_grid_init(&g, lang, "", NULL, 0);
	if (f == HUB_FMT_JSON)
		rc = d->json(numbers, out);
	else if (d->grid(numbers, lang, &g) != HUB_OK)
		rc = HUB_ENOMEM;
	else if (f == HUB_FMT_XLSX)
		said = rc = report_xlsx_grid(&g, c, o, out, err, errlen);
	else
		rc = f == HUB_FMT_HTML && d->html_page ? d->html_page(numbers, &g, out)
						       : report_grid_render(&g, f, out);
	report_grid_release(&g);
	if (rc == HUB_OK || said != HUB_OK)
		return rc;
	return report_too_large(err, errlen);
}

hub_result hub_report_render(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
			     proto_buf *out, char *err, size_t errlen)
{
	hub_report_opts opts = *o;

	assert(db && c && out);
	if (!opts.as_of[0])
		hub_report_today(opts.as_of);
	if (!hub_report_valid_date(opts.as_of)) {
		snprintf(err, errlen, "date '%s' is not a calendar date YYYY-MM-DD", opts.as_of);
		return HUB_REFUSED;
	}
	switch (opts.kind) {
	case HUB_REPORT_PROGRESS:
	case HUB_REPORT_AWARDS:
		return report_progress_render(db, c, &opts, out, err, errlen);
	case HUB_REPORT_FUNDS:
		return report_funds_render(db, c, &opts, out, err, errlen);
	case HUB_REPORT_RECONCILE:
		return report_reconcile_render(db, c, &opts, out, err, errlen);
	case HUB_REPORT_SCORECARD:
		return report_scorecard_render(db, c, &opts, out, err, errlen);
	case HUB_REPORT_HOUSEHOLDS:
		if (opts.format != HUB_FMT_XLSX)
			break;
		return hub_xlsx_households(db, c, opts.as_of,
					   &(hub_household_scope){ .district = opts.district }, out, err,
					   errlen);
	}
	if (opts.kind == HUB_REPORT_HOUSEHOLDS) {
		snprintf(err, errlen,
			 "the household list is a report as xlsx only: for text or JSON run"
			 " 'maiam-hub household list'");
		return HUB_REFUSED;
	}
	snprintf(err, errlen, "unknown report kind");
	return HUB_REFUSED;
}
