/*
 * report_progress.c - progress per district (or commune) against the
 * campaign's targets: registered, approved, started, completed, handed over,
 * percent of target and whether the district is on track for the deadline.
 * The counts come from report_count (one row per commune, stage and date), so
 * --as-of is a range sum, not a replay.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report_int.h"
#include "target.h"

long report_days(const char *d)
{
	long y = strtol(d, NULL, 10), m = strtol(d + 5, NULL, 10), day = strtol(d + 8, NULL, 10);
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

double report_percent(const report_line *l)
{
	if (l->target <= 0)
		return -1;
	return 100.0 * (double)l->v[SLOT_HANDED_OVER] / (double)l->target;
}

/*
 * On track: once the deadline has passed, only 100% handed over on time
 * counts. Before it, a district is on track when its hand-overs keep up with
 * a straight line from nothing on the start day to the target on the
 * deadline (rounded down, so the first days never count against anyone).
 */
report_track report_on_track(const proto_campaign *c, const char *as_of, const report_line *l)
{
	long start, end, now;
	int64_t expected;

	if (l->target < 0)
		return TRACK_NO_TARGET;
	if (strcmp(as_of, c->deadline) >= 0)
		return l->on_time >= l->target ? TRACK_ON : TRACK_BEHIND;
	if (strcmp(as_of, c->start) < 0)
		return TRACK_ON;
	start = report_days(c->start);
	end = report_days(c->deadline);
	now = report_days(as_of);
	assert(start <= now && now < end);
	expected = l->target * (int64_t)(now - start + 1) / (int64_t)(end - start + 1);
	return l->v[SLOT_HANDED_OVER] >= expected ? TRACK_ON : TRACK_BEHIND;
}

static report_line *find_line(report_progress *p, const proto_campaign *c, int commune)
{
	int code = commune;
	size_t i;

	if (!p->by_commune)
		code = proto_units_district_of(&c->units, commune);
	for (i = 0; code && i < p->n; i++)
		if (p->a[i].code == code)
			return &p->a[i];
	return NULL;
}

static hub_result add_lines(report_progress *p, const proto_campaign *c)
{
	size_t i, j;

	p->a = calloc(c->units.n + c->ntargets + 1, sizeof(*p->a));
	if (!p->a)
		return HUB_ENOMEM;
	p->total.target = p->district ? 0 : c->total_target;
	for (i = 0; i < c->ntargets; i++) {
		const proto_unit *d = proto_units_find(&c->units, c->targets[i].district);
		if (p->district && c->targets[i].district != p->district)
			continue;
		if (p->district)
			p->total.target += c->targets[i].houses;
		if (!p->by_commune) {
			report_line *l = &p->a[p->n++];
			l->code = c->targets[i].district;
			l->name = d ? d->name : "?";
			l->district = l->code;
			l->target = c->targets[i].houses;
			continue;
		}
		for (j = 0; j < c->units.n; j++) {
			const proto_unit *u = &c->units.a[j];
			if (u->level != PROTO_UNIT_COMMUNE ||
			    proto_units_district_of(&c->units, u->code) != c->targets[i].district)
				continue;
			p->a[p->n].code = u->code;
			p->a[p->n].name = u->name;
			p->a[p->n].district = c->targets[i].district;
			p->a[p->n].target = -1;
			p->n++;
		}
	}
	p->total.name = "Tổng cộng";
	return HUB_OK;
}

/* Where the rows of report_count go: into the slots or the on-time count. */
typedef struct count_sum {
	report_progress *p;
	const proto_campaign *c;
	int on_time;
} count_sum;

/* One row (commune, slot, n); every addition checked. */
static hub_result add_count(void *arg, sqlite3_stmt *row)
{
	count_sum *cs = arg;
	report_progress *p = cs->p;
	int commune = sqlite3_column_int(row, 0), slot = sqlite3_column_int(row, 1);
	int64_t n = sqlite3_column_int64(row, 2);
	report_line *l = find_line(p, cs->c, commune);

	if (slot < 0 || slot >= NSLOTS ||
	    (p->district && proto_units_district_of(&cs->c->units, commune) != p->district))
		return HUB_OK; /* another district's: not in this view, not even as unplaced */
	if (sqlite3_column_type(row, 2) != SQLITE_INTEGER)
		return HUB_ERANGE; /* a trigger's addition overflowed into a float */
	if (!l) {
		if (!cs->on_time && slot == SLOT_REGISTERED &&
		    __builtin_add_overflow(p->unplaced, n, &p->unplaced))
			return HUB_ERANGE;
		return HUB_OK;
	}
	if (cs->on_time ? __builtin_add_overflow(l->on_time, n, &l->on_time) ||
				  __builtin_add_overflow(p->total.on_time, n, &p->total.on_time)
			: __builtin_add_overflow(l->v[slot], n, &l->v[slot]) ||
				  __builtin_add_overflow(p->total.v[slot], n, &p->total.v[slot]))
		return HUB_ERANGE;
	return HUB_OK;
}

/* Sum the report_count rows sql selects as of date into the lines. */
static hub_result sum_counts(sqlite3 *db, report_progress *p, const proto_campaign *c, const char *sql,
			     const char *date, int on_time)
{
	count_sum cs = { p, c, on_time };

	return report_sum_query(db, sql, date, add_count, &cs);
}

hub_result report_progress_load(sqlite3 *db, const proto_campaign *c, const char *as_of, int by_commune,
				report_progress *p, char *err, size_t errlen)
{
	return report_progress_load_in(db, c, as_of, by_commune, 0, p, err, errlen);
}

hub_result report_progress_load_in(sqlite3 *db, const proto_campaign *c, const char *as_of, int by_commune,
				   int district, report_progress *p, char *err, size_t errlen)
{
	const char *on_time_by = strcmp(as_of, c->deadline) < 0 ? as_of : c->deadline;
	hub_result r;

	memset(p, 0, sizeof(*p));
	snprintf(p->as_of, sizeof(p->as_of), "%s", as_of);
	p->by_commune = by_commune;
	p->district = district;
	if (add_lines(p, c)) {
		snprintf(err, errlen, "out of memory");
		return HUB_ENOMEM;
	}
	if ((r = sum_counts(db, p, c,
			    "SELECT commune, slot, sum(n) FROM report_count WHERE"
			    " date <= ?1 GROUP BY commune, slot",
			    as_of, 0)) ||
	    (r = sum_counts(db, p, c,
			    "SELECT commune, slot, sum(n) FROM report_count WHERE"
			    " slot = 8 AND date <= ?1 GROUP BY commune",
			    on_time_by, 1))) {
		if (r == HUB_ERANGE)
			snprintf(err, errlen,
				 "progress counts overflow 64-bit integers: run maiam-hub"
				 " audit verify");
		else
			report_db_error(db, "read progress", err, errlen);
		report_progress_release(p);
		return r;
	}
	/* a commune's line counts against the target its district gave it */
	if ((r = target_fill_progress(db, c, p, err, errlen)) != HUB_OK)
		report_progress_release(p);
	return r;
}

void report_progress_release(report_progress *p)
{
	free(p->a);
	p->a = NULL;
	p->n = 0;
}

static const report_column progress_cols[] = { COL_CODE,     COL_NAME,    COL_TARGET,    COL_REGISTERED,
					       COL_APPROVED, COL_STARTED, COL_COMPLETED, COL_HANDED_OVER,
					       COL_PERCENT,  COL_ON_TRACK };

static hub_result grid_line(report_grid *g, const proto_campaign *c, const report_progress *p,
			    const report_line *l, int total)
{
	report_track track = report_on_track(c, p->as_of, l);
	size_t r;

	if (report_grid_add(g, total, &r))
		return HUB_ENOMEM;
	if (!total)
		report_grid_int(g, r, 0, l->code);
	if (report_grid_text(g, r, 1, total ? report_say(g->lang, l->name, N_("Total")) : l->name))
		return HUB_ENOMEM;
	if (l->target >= 0)
		report_grid_int(g, r, 2, l->target);
	report_grid_int(g, r, 3, l->v[SLOT_REGISTERED]);
	report_grid_int(g, r, 4, l->v[SLOT_APPROVED]);
	report_grid_int(g, r, 5, l->v[SLOT_STARTED]);
	report_grid_int(g, r, 6, l->v[SLOT_COMPLETED]);
	report_grid_int(g, r, 7, l->v[SLOT_HANDED_OVER]);
	report_grid_pct(g, r, 8, report_percent(l));
	if (track != TRACK_NO_TARGET)
		report_grid_int(g, r, 9, track == TRACK_ON);
	return HUB_OK;
}

/* The grid of the progress (numbers: a report_standing). */
static hub_result progress_grid(const void *numbers, report_lang lang, report_grid *g)
{
	const proto_campaign *c = ((const report_standing *)numbers)->c;
	const report_progress *p = ((const report_standing *)numbers)->p;
	char d1[11], d2[11];
	size_t i;

	report_grid_init(g, lang,
			 p->by_commune ? report_say(lang, "Tiến độ xây dựng và bàn giao nhà theo xã",
						    N_("Building and hand-over of houses by commune"))
				       : report_say(lang, "Tiến độ xây dựng và bàn giao nhà theo huyện",
						    N_("Building and hand-over of houses by district")),
			 progress_cols, ARRAY_SIZE(progress_cols));
	report_vn_date(p->as_of, d1);
	report_vn_date(c->deadline, d2);
	snprintf(g->note, sizeof(g->note),
		 report_say(lang, "Tính đến ngày %s; hạn bàn giao %s",
			    N_("As of %s; hand-over deadline %s")),
		 d1, d2);
	for (i = 0; i < p->n; i++)
		if (grid_line(g, c, p, &p->a[i], 0))
			return HUB_ENOMEM;
	return grid_line(g, c, p, &p->total, 1);
}

static hub_result json_line(proto_buf *b, const proto_campaign *c, const report_progress *p,
			    const report_line *l, int total)
{
	double pct = report_percent(l);
	report_track track = report_on_track(c, p->as_of, l);

	if (proto_buf_append_byte(b, '{'))
		return HUB_ENOMEM;
	if (!total && (proto_buf_appendf(b, "\"code\": %d, \"name\": ", l->code) ||
		       hub_json_str(b, l->name) || proto_buf_append_str(b, ", ")))
		return HUB_ENOMEM;
	if (!total && p->by_commune && proto_buf_appendf(b, "\"district\": %d, ", l->district))
		return HUB_ENOMEM;
	if (l->target >= 0 ? proto_buf_appendf(b, "\"target\": %lld", (long long)l->target)
			   : proto_buf_append_str(b, "\"target\": null"))
		return HUB_ENOMEM;
	if (proto_buf_appendf(b,
			      ", \"registered\": %lld, \"approved\": %lld, \"started\": %lld,"
			      " \"completed\": %lld, \"handed_over\": %lld",
			      (long long)l->v[SLOT_REGISTERED], (long long)l->v[SLOT_APPROVED],
			      (long long)l->v[SLOT_STARTED], (long long)l->v[SLOT_COMPLETED],
			      (long long)l->v[SLOT_HANDED_OVER]))
		return HUB_ENOMEM;
	if (pct >= 0 ? proto_buf_appendf(b, ", \"percent\": %.1f", pct)
		     : proto_buf_append_str(b, ", \"percent\": null"))
		return HUB_ENOMEM;
	if (proto_buf_appendf(b, ", \"handed_over_on_time\": %lld, \"on_track\": %s}",
			      (long long)l->on_time,
			      track == TRACK_NO_TARGET ? "null"
			      : track == TRACK_ON      ? "true"
						       : "false"))
		return HUB_ENOMEM;
	return HUB_OK;
}

static hub_result progress_json(const void *numbers, proto_buf *b)
{
	const proto_campaign *c = ((const report_standing *)numbers)->c;
	const report_progress *p = ((const report_standing *)numbers)->p;
	size_t i;

	if (proto_buf_append_str(b, "{\"as_of\": ") || hub_json_str(b, p->as_of) ||
	    proto_buf_append_str(b, ", \"deadline\": ") || hub_json_str(b, c->deadline) ||
	    proto_buf_appendf(b, ", \"%s\": [", p->by_commune ? "communes" : "districts"))
		return HUB_ENOMEM;
	for (i = 0; i < p->n; i++)
		if ((i && proto_buf_append_str(b, ",")) || proto_buf_append_str(b, "\n  ") ||
		    json_line(b, c, p, &p->a[i], 0))
			return HUB_ENOMEM;
	if (proto_buf_append_str(b, "],\n \"total\": ") || json_line(b, c, p, &p->total, 1) ||
	    proto_buf_appendf(b, ",\n \"unplaced\": %lld}\n", (long long)p->unplaced))
		return HUB_ENOMEM;
	return HUB_OK;
}

int64_t report_progress_widest(const report_progress *p)
{
	int64_t max = 1;
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (p->a[i].target > max)
			max = p->a[i].target;
		if (p->a[i].v[SLOT_HANDED_OVER] > max)
			max = p->a[i].v[SLOT_HANDED_OVER];
	}
	return max;
}

hub_result report_progress_svg(const report_progress *p, proto_buf *b)
{
	const int label_w = 190, bar_w = 400, row_h = 28, top = 10;
	int64_t max = report_progress_widest(p);
	size_t i;

	if (proto_buf_appendf(b,
			      "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\""
			      " aria-label=\"Bàn giao so với chỉ tiêu\" width=\"%d\" height=\"%d\">\n",
			      label_w + bar_w + 120, top + row_h * (int)p->n + 10))
		return HUB_ENOMEM;
	for (i = 0; i < p->n; i++) {
		const report_line *l = &p->a[i];
		int y = top + row_h * (int)i;
		int64_t t = l->target > 0 ? l->target : 0, h = l->v[SLOT_HANDED_OVER];
		int tw = (int)(t * bar_w / max), hw = (int)(h * bar_w / max);
		char hs[32], ts[32];

		report_fmt_group(h, hs, sizeof(hs));
		report_fmt_group(t, ts, sizeof(ts));
		if (proto_buf_appendf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"13\">",
				      label_w - 8, y + 17) ||
		    web_html_escape(b, l->name) ||
		    proto_buf_appendf(
			    b,
			    "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\""
			    " fill=\"#dde3ea\"/><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\""
			    " fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"13\">%s / %s</text>\n",
			    label_w, y + 3, tw, label_w, y + 3, hw, h >= t ? "#2e7d32" : "#1565c0",
			    label_w + (tw > hw ? tw : hw) + 6, y + 17, hs, ts))
			return HUB_ENOMEM;
	}
	return proto_buf_append_str(b, "</svg>\n") ? HUB_ENOMEM : HUB_OK;
}

/* Each line's name in g a link to href followed by its code. */
static hub_result link_names(report_grid *g, const report_progress *p, const char *href)
{
	proto_buf a;
	hub_result rc = HUB_OK;
	size_t i;

	proto_buf_init(&a, 4096);
	for (i = 0; rc == HUB_OK && i < p->n; i++) {
		proto_buf_reset(&a);
		if (proto_buf_appendf(&a, "<a href=\"%s%d\">", href, p->a[i].code) ||
		    web_html_escape(&a, p->a[i].name) || proto_buf_append_str(&a, "</a>") ||
		    proto_buf_append_byte(&a, '\0'))
			rc = HUB_ENOMEM;
		else
			rc = report_grid_html(g, i, 1, (const char *)a.data);
	}
	proto_buf_release(&a);
	return rc;
}

hub_result report_progress_table(const proto_campaign *c, const report_progress *p, const char *href,
				 proto_buf *out)
{
	report_grid g;
	hub_result rc = HUB_ENOMEM;

	report_grid_init(&g, REPORT_VI, "", progress_cols, ARRAY_SIZE(progress_cols));
	if (progress_grid(&(report_standing){ c, p }, REPORT_VI, &g) == 0 &&
	    (!href || link_names(&g, p, href) == 0))
		rc = report_grid_html_table(&g, out);
	report_grid_release(&g);
	return rc;
}

/* The page: a heading, the bar chart of the districts, and the table. */
static hub_result progress_page(const void *numbers, const report_grid *g, proto_buf *out)
{
	const report_standing *st = numbers;

	if (report_html_head(out, g->title) || proto_buf_append_str(out, "<h1>Mái Ấm</h1>\n") ||
	    (!st->p->by_commune && report_progress_svg(st->p, out)) || report_grid_html_table(g, out) ||
	    proto_buf_append_str(out, "</body></html>\n"))
		return HUB_ENOMEM;
	return HUB_OK;
}

static const report_drawing progress_drawing = { progress_json, progress_grid, progress_page };

hub_result report_progress_render(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
				  proto_buf *out, char *err, size_t errlen)
{
	int awards = o->kind == HUB_REPORT_AWARDS;
	report_progress p;
	hub_result rc;

	assert(awards || o->kind == HUB_REPORT_PROGRESS);
	rc = report_progress_load_in(db, c, o->as_of, awards ? 0 : o->by_commune, o->district, &p, err,
				     errlen);
	if (rc != HUB_OK)
		return rc;
	rc = report_draw(awards ? &report_awards_drawing : &progress_drawing,
			 &(report_standing){ c, &p }, c, o, out, err, errlen);
	report_progress_release(&p);
	return rc;
}
