/*
 * chart.h - the dashboard's charts, drawn on the hub as inline SVG (no
 * script: the pages' policy allows none): the progress bars of the
 * districts, and each district's hand-overs over time against the straight
 * line to its target at the deadline. The figures are the progress report's
 * (report_progress_load), so a chart never says other than the table under
 * it. The on-track state is written in words beside its colour, never by
 * colour alone, and every chart has a <title>, a <desc> and a legend.
 *
 * Results follow report.h. Output is appended to a proto_buf the caller
 * owns; everything passed in is borrowed for the call.
 */
#ifndef HUB_CHART_H
#define HUB_CHART_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "report_int.h"

/* The x axis never has more points than this: past it, a point is a week
 * (or more days) instead of a day. */
#define CHART_MAX_POINTS 120

/*
 * Hand-overs of every district with a target (in the campaign's order, as
 * report_progress has them), summed into points of 'bucket' days from the
 * campaign's start, each point the total handed over up to its last day (or
 * the last day shown, for the last point). Owns cum (chart_series_release).
 */
typedef struct chart_series {
	long start, deadline, as_of; /* days since 1970-01-01 (report_days) */
	/* the line's last day: the as-of date, or, after the deadline, the later
	 * of the deadline and the last hand-over (nothing changes after it) */
	long shown;
	long end;          /* the axis' last day: the deadline or shown */
	int bucket;        /* days a point covers: 1, 7 or more */
	size_t npoints;    /* points up to the last day shown (0 before the start) */
	size_t ndistricts; /* the campaign's targets */
	int64_t *before;   /* per district: handed over before the start */
	int64_t *cum;      /* ndistricts * npoints, cumulative */
} chart_series;

/* Read the hand-overs as of as_of (YYYY-MM-DD) into s. HUB_OK, HUB_EDB,
 * HUB_ENOMEM or HUB_ERANGE, with err filled. */
hub_result chart_series_load(sqlite3 *db, const proto_campaign *c, const char *as_of, chart_series *s,
			     char *err, size_t errlen);
void chart_series_release(chart_series *s);

/* The districts' bars (p by district): hand-overs against the target, the
 * percentage written on each bar, the on-track state in words and colour,
 * a legend. The SVG fills its container's width: nothing to scroll. */
hub_result chart_progress_bars(const proto_campaign *c, const report_progress *p, proto_buf *out);

/* District i's (p->a[i], s's i-th district) hand-overs over time, as a
 * line of the cumulative total against the straight line from nothing on
 * the start day to the target on the deadline, the deadline marked. */
hub_result chart_handover_line(const proto_campaign *c, const report_progress *p, const chart_series *s,
			       size_t i, proto_buf *out);

/* "14,2%" (one decimal, the Vietnamese comma) of a percentage >= 0. */
void chart_fmt_percent(double pct, char out[16]);

#endif
