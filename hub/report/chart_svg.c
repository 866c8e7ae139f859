/*
 * chart_svg.c - the dashboard's two charts as inline SVG (chart.h).
 *
 * Both fill the width of their container whatever it is (a laptop, a phone
 * at 390 px): horizontal positions are percentages of the SVG's width and
 * vertical ones pixels, so bars and lines stretch while the text keeps its
 * size. The line chart draws its lines in a nested SVG whose viewBox is
 * stretched across (preserveAspectRatio="none"), with strokes that do not
 * stretch (vector-effect), and writes its text in the outer one.
 */
#include <stdio.h>
#include <string.h>
#include "chart.h"

/* The state's colour goes with its words, never instead of them. */
#define COLOUR_ON "#2e7d32"     /* green */
#define COLOUR_BEHIND "#c62828" /* red */
#define COLOUR_NONE "#1565c0"   /* blue: no target to be on track for */
#define COLOUR_TARGET "#dde3ea" /* the target's bar behind the hand-overs' */
#define COLOUR_LINE "#555555"   /* the straight line and the deadline */

/* Heights in pixels. Bars: the legend's row, then per district a line of
 * words over its bar. Lines: the heading (the target at its right, over the
 * line's end), the plot, the dates, the legend. */
#define BAR_LEGEND_H 28
#define BAR_ROW_H 50
#define BAR_H 20
#define PLOT_TOP 26
#define PLOT_H 140
#define PLOT_W 1000 /* the plot's viewBox width, stretched to the chart's */
#define LINE_H (PLOT_TOP + PLOT_H + 76)

void chart_fmt_percent(double pct, char out[16])
{
	char *dot;

	snprintf(out, 16, "%.1f%%", pct < 0 ? 0.0 : pct > 9999.9 ? 9999.9 : pct);
	if ((dot = strchr(out, '.')) != NULL)
		*dot = ','; /* Vietnamese decimal comma */
}

static const char *track_words(report_track t)
{
	return t == TRACK_ON ? "Đúng tiến độ" : t == TRACK_BEHIND ? "Chậm tiến độ" : "Không có chỉ tiêu";
}

static const char *track_colour(report_track t)
{
	return t == TRACK_ON ? COLOUR_ON : t == TRACK_BEHIND ? COLOUR_BEHIND : COLOUR_NONE;
}

/* part of whole in percent of the width, 0..100 */
static double share(int64_t part, int64_t whole)
{
	if (whole <= 0 || part <= 0)
		return 0;
	return part >= whole ? 100.0 : 100.0 * (double)part / (double)whole;
}

/* One entry of a legend: a swatch at x% and its words. */
static hub_result legend_box(proto_buf *b, double x, int y, const char *fill, const char *words)
{
	return proto_buf_appendf(b,
				 "<rect x=\"%.1f%%\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\""
				 " stroke=\"#333\" stroke-width=\"0.5\"/><text x=\"%.1f%%\" dx=\"19\" y=\"%d\""
				 " font-size=\"13\">%s</text>\n",
				 x, y, fill, x, y + 12, words)
		       ? HUB_ENOMEM
		       : HUB_OK;
}

/* One district's words and bar; y is the top of its row. */
static hub_result bar_row(proto_buf *b, const proto_campaign *c, const report_progress *p,
			  const report_line *l, int64_t max, int y)
{
	report_track track = report_on_track(c, p->as_of, l);
	int64_t h = l->v[SLOT_HANDED_OVER], t = l->target > 0 ? l->target : 0;
	double tw = share(t, max), hw = share(h, max);
	char hs[32], ts[32], pct[16];
	int inside = hw > 55; /* a long bar carries its words inside, a short one after it */

	report_fmt_group(h, hs, sizeof(hs));
	report_fmt_group(t, ts, sizeof(ts));
	chart_fmt_percent(report_percent(l), pct);
	if (proto_buf_appendf(b, "<g class=\"bar\" data-code=\"%d\"><text x=\"0\" y=\"%d\" font-size=\"14\">",
			      l->code, y + 15) ||
	    web_html_escape(b, l->name) ||
	    proto_buf_appendf(b, " — <tspan font-weight=\"bold\" fill=\"%s\">%s</tspan></text>\n",
			      track_colour(track), track_words(track)) ||
	    proto_buf_appendf(b,
			      "<rect class=\"target\" x=\"0\" y=\"%d\" width=\"%.2f%%\" height=\"%d\""
			      " fill=\"" COLOUR_TARGET "\"/><rect class=\"handed-over\" x=\"0\" y=\"%d\""
			      " width=\"%.2f%%\" height=\"%d\" fill=\"%s\"/>\n",
			      y + 22, tw, BAR_H, y + 22, hw, BAR_H, track_colour(track)) ||
	    proto_buf_appendf(b,
			      "<text class=\"pct\" x=\"%.2f%%\" dx=\"%d\" y=\"%d\" font-size=\"13\""
			      " text-anchor=\"%s\" fill=\"%s\">%s · %s / %s</text></g>\n",
			      hw, inside ? -6 : 6, y + 22 + 15, inside ? "end" : "start",
			      inside ? "#ffffff" : "#000000", pct, hs, ts))
		return HUB_ENOMEM;
	return HUB_OK;
}

hub_result chart_progress_bars(const proto_campaign *c, const report_progress *p, proto_buf *out)
{
	int height = BAR_LEGEND_H + BAR_ROW_H * (int)p->n + 4;
	int64_t max = report_progress_widest(p);
	char d1[11];
	size_t i;

	report_vn_date(p->as_of, d1);
	if (proto_buf_appendf(out,
			      "<svg id=\"progress-chart\" xmlns=\"http://www.w3.org/2000/svg\""
			      " role=\"img\" aria-labelledby=\"progress-title progress-desc\""
			      " width=\"100%%\" height=\"%d\" style=\"display:block;max-width:48em\">\n"
			      "<title id=\"progress-title\">Bàn giao so với chỉ tiêu theo huyện</title>\n"
			      "<desc id=\"progress-desc\">Mỗi huyện một thanh: phần màu là số nhà đã"
			      " bàn giao đến ngày %s, phần xám phía sau là chỉ tiêu; trên thanh ghi"
			      " tỷ lệ phần trăm chỉ tiêu và số nhà; cạnh tên huyện ghi đúng tiến độ"
			      " hay chậm tiến độ.</desc>\n",
			      height, d1) ||
	    legend_box(out, 0, 4, COLOUR_ON, "Đúng tiến độ") ||
	    legend_box(out, 34, 4, COLOUR_BEHIND, "Chậm tiến độ") ||
	    legend_box(out, 68, 4, COLOUR_TARGET, "Chỉ tiêu"))
		return HUB_ENOMEM;
	for (i = 0; i < p->n; i++)
		if (bar_row(out, c, p, &p->a[i], max, BAR_LEGEND_H + BAR_ROW_H * (int)i))
			return HUB_ENOMEM;
	return proto_buf_append_str(out, "</svg>\n") ? HUB_ENOMEM : HUB_OK;
}

/* ---- hand-overs over time -------------------------------------------------- */

/* The line chart's scales: day to the plot's x (0..PLOT_W), count to its y. */
typedef struct line_scale {
	long start, end;
	int64_t top;
} line_scale;

static double x_of(const line_scale *sc, long day)
{
	if (day < sc->start)
		day = sc->start;
	return (double)PLOT_W * (double)(day - sc->start) / (double)(sc->end - sc->start);
}

static double y_of(const line_scale *sc, int64_t v)
{
	return (double)PLOT_H - (double)(PLOT_H - 10) * (double)(v < 0 ? 0 : v) / (double)sc->top;
}

/* A date of the axis under the plot at x (plot units), anchored to stay
 * inside the chart. */
static hub_result axis_date(proto_buf *b, double x, const char *before, const char *iso)
{
	char d[11];

	report_vn_date(iso, d);
	return proto_buf_appendf(
		       b, "<text x=\"%.2f%%\" y=\"%d\" font-size=\"12\" text-anchor=\"%s\">%s%s</text>\n",
		       x * 100.0 / PLOT_W, PLOT_TOP + PLOT_H + 16, x < PLOT_W * 0.2 ? "start" : "end",
		       before, d)
		       ? HUB_ENOMEM
		       : HUB_OK;
}

/* One line of the legend under the plot: a stroke and its words. */
static hub_result legend_line(proto_buf *b, int row, const char *stroke, const char *dash,
			      const char *words)
{
	int y = PLOT_TOP + PLOT_H + 32 + 16 * row;

	return proto_buf_appendf(
		       b,
		       "<line x1=\"0\" y1=\"%d\" x2=\"24\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2.5\""
		       " stroke-dasharray=\"%s\"/><text x=\"30\" y=\"%d\" font-size=\"12\">%s</text>\n",
		       y - 4, y - 4, stroke, dash, y, words)
		       ? HUB_ENOMEM
		       : HUB_OK;
}

/* The plot itself: the deadline, the straight line, the hand-overs. */
static hub_result plot(proto_buf *b, const line_scale *sc, const chart_series *s, size_t i,
		       int64_t target, const char *colour)
{
	double xd = x_of(sc, s->deadline);
	size_t k;

	if (proto_buf_appendf(b,
			      "<svg x=\"0\" y=\"%d\" width=\"100%%\" height=\"%d\" viewBox=\"0 0 %d %d\""
			      " preserveAspectRatio=\"none\" aria-hidden=\"true\">\n"
			      "<rect width=\"%d\" height=\"%d\" fill=\"#f5f7fa\"/>\n"
			      "<line class=\"deadline\" x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"" COLOUR_LINE
			      "\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\""
			      " vector-effect=\"non-scaling-stroke\"/>\n",
			      PLOT_TOP, PLOT_H, PLOT_W, PLOT_H, PLOT_W, PLOT_H, xd, xd, PLOT_H))
		return HUB_ENOMEM;
	if (target > 0 &&
	    proto_buf_appendf(b,
			      "<line class=\"target-line\" x1=\"0.0\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
			      " stroke=\"" COLOUR_LINE "\" stroke-width=\"2\" stroke-dasharray=\"8 5\""
			      " vector-effect=\"non-scaling-stroke\"/>\n",
			      y_of(sc, 0), xd, y_of(sc, target)))
		return HUB_ENOMEM;
	if (s->npoints) {
		if (proto_buf_appendf(b,
				      "<polyline class=\"handed-over\" fill=\"none\" stroke=\"%s\""
				      " stroke-width=\"3\" vector-effect=\"non-scaling-stroke\""
				      " points=\"0.0,%.1f",
				      colour, y_of(sc, s->before[i])))
			return HUB_ENOMEM;
		for (k = 0; k < s->npoints; k++) {
			long last = s->start + (long)(k + 1) * s->bucket - 1;
			if (proto_buf_appendf(b, " %.1f,%.1f", x_of(sc, last < s->shown ? last : s->shown),
					      y_of(sc, s->cum[i * s->npoints + k])))
				return HUB_ENOMEM;
		}
		if (proto_buf_append_str(b, "\"/>\n"))
			return HUB_ENOMEM;
	}
	return proto_buf_append_str(b, "</svg>\n") ? HUB_ENOMEM : HUB_OK;
}

hub_result chart_handover_line(const proto_campaign *c, const report_progress *p, const chart_series *s,
			       size_t i, proto_buf *out)
{
	const report_line *l = &p->a[i];
	report_track track = report_on_track(c, p->as_of, l);
	int64_t h = s->npoints ? s->cum[i * s->npoints + s->npoints - 1] : s->before[i];
	line_scale sc = { s->start, s->end, 1 };
	char hs[32], ts[32], d0[11], d1[11], d2[11];
	const char *by = s->bucket == 1   ? "theo ngày"
			 : s->bucket == 7 ? "theo tuần"
					  : "theo từng đợt ngày";

	sc.top = l->target > h ? l->target : h;
	if (sc.top < 1)
		sc.top = 1;
	report_fmt_group(l->v[SLOT_HANDED_OVER], hs, sizeof(hs));
	report_fmt_group(l->target > 0 ? l->target : 0, ts, sizeof(ts));
	report_vn_date(c->start, d0);
	report_vn_date(p->as_of, d1);
	report_vn_date(c->deadline, d2);
	if (proto_buf_appendf(out,
			      "<svg class=\"timeline\" id=\"timeline-%d\" xmlns=\"http://www.w3.org/2000/svg\""
			      " role=\"img\" aria-labelledby=\"timeline-%d-title timeline-%d-desc\""
			      " width=\"100%%\" height=\"%d\" style=\"display:block;max-width:60em\">\n"
			      "<title id=\"timeline-%d-title\">",
			      l->code, l->code, l->code, LINE_H, l->code) ||
	    web_html_escape(out, l->name) ||
	    proto_buf_appendf(out,
			      ": nhà đã bàn giao theo thời gian</title>\n<desc id=\"timeline-%d-desc\">"
			      "Số nhà đã bàn giao cộng dồn %s, từ %s đến %s: %s nhà. Đường thẳng"
			      " nét đứt đi từ 0 nhà ngày %s đến chỉ tiêu %s nhà ngày %s (hạn bàn"
			      " giao, vạch chấm). %s.</desc>\n",
			      l->code, by, d0, d1, hs, d0, ts, d2, track_words(track)) ||
	    proto_buf_appendf(out,
			      "<text x=\"0\" y=\"16\" font-size=\"14\">%s / %s — <tspan"
			      " font-weight=\"bold\" fill=\"%s\">%s</tspan></text>\n",
			      hs, ts, track_colour(track), track_words(track)) ||
	    plot(out, &sc, s, i, l->target, track_colour(track)))
		return HUB_ENOMEM;
	if (l->target > 0 &&
	    proto_buf_appendf(out,
			      "<text x=\"%.2f%%\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">"
			      "Chỉ tiêu %s</text>\n",
			      x_of(&sc, s->deadline) * 100.0 / PLOT_W, PLOT_TOP - 6, ts))
		return HUB_ENOMEM;
	if (axis_date(out, 0, "", c->start) ||
	    axis_date(out, x_of(&sc, s->deadline), "Hạn ", c->deadline) ||
	    legend_line(out, 0, track_colour(track), "none", "Đã bàn giao (cộng dồn)") ||
	    legend_line(out, 1, COLOUR_LINE, "8 5", "Đường thẳng đến chỉ tiêu") ||
	    legend_line(out, 2, COLOUR_LINE, "2 3", "Hạn bàn giao"))
		return HUB_ENOMEM;
	return proto_buf_append_str(out, "</svg>\n") ? HUB_ENOMEM : HUB_OK;
}
