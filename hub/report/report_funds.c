/*
 * report_funds.c - resources mobilised: money (VND), labour days and
 * materials (count and estimated value) by source, per district, with
 * totals. A household's contribution counts in the household's district, a
 * contribution to a unit in that unit's district; voided ones not at all
 * (report_fund is kept that way by the triggers of hub/schema_report.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report_int.h"

static const char *const source_keys[] = {
	"mps", "provincial_police", "fatherland_front", "business", "donor", "household", "other",
};
static const char *const source_labels[] = {
	"Bộ Công an",  "Công an tỉnh", "Mặt trận Tổ quốc", "Doanh nghiệp", "Nhà hảo tâm",
	"Hộ gia đình", "Khác",
};
/* the same, for a table in the operator's language */
static const char *const source_english[] = {
	N_("Ministry of Public Security"),
	N_("Provincial police"),
	N_("Fatherland Front"),
	N_("Businesses"),
	N_("Donors"),
	N_("Households"),
	N_("Other"),
};
#define NSOURCES 7
_Static_assert(ARRAY_SIZE(source_labels) == NSOURCES && ARRAY_SIZE(source_english) == NSOURCES,
	       "one label of each language per source");

static const char *source_label(report_lang lang, int source)
{
	return report_say(lang, source_labels[source], source_english[source]);
}

const char *report_fund_source(report_lang lang, size_t i)
{
	return i < NSOURCES ? source_label(lang, (int)i) : "?";
}

/* The names of the lines that are no unit of the campaign's, in Vietnamese
 * (JSON and documents); unit_name() gives them in a table's language. */
static const char province_vi[] = "Cấp tỉnh", unplaced_vi[] = "Chưa rõ địa bàn", total_vi[] = "Tổng cộng";
enum { F_N = 0, F_MONEY, F_LABOUR, F_MAT_N, F_MAT_VALUE, NF };

typedef struct fund_unit {
	int code;
	const char *name;
	int64_t v[NSOURCES][NF];
	int64_t sum[NF];
} fund_unit;

typedef struct fund_model {
	size_t n; /* districts, then the province, then "unplaced" */
	fund_unit *a;
	fund_unit total;
	int district; /* 0: every district; else only this one's contributions */
} fund_model;

static int source_index(const char *s)
{
	int i;

	for (i = 0; s && i < NSOURCES - 1; i++)
		if (strcmp(s, source_keys[i]) == 0)
			return i;
	return NSOURCES - 1; /* unknown sources count as "other" */
}

static fund_unit *unit_of(fund_model *m, const proto_campaign *c, int code)
{
	int d = code == c->province ? code : proto_units_district_of(&c->units, code);
	size_t i;

	for (i = 0; d && i + 1 < m->n; i++)
		if (m->a[i].code == d)
			return &m->a[i];
	return &m->a[m->n - 1];
}

/*
 * Add one row of sums to its unit and to the total, every addition checked:
 * a report is exact or it fails. HUB_OK, or HUB_ERANGE with *bad naming
 * the line that overflowed.
 */
static hub_result add_sums(fund_model *m, fund_unit *f, int s, const int64_t *v, const fund_unit **bad)
{
	int k;

	for (k = 0; k < NF; k++) {
		if (__builtin_add_overflow(f->v[s][k], v[k], &f->v[s][k]) ||
		    __builtin_add_overflow(f->sum[k], v[k], &f->sum[k])) {
			*bad = f;
			return HUB_ERANGE;
		}
		if (__builtin_add_overflow(m->total.v[s][k], v[k], &m->total.v[s][k]) ||
		    __builtin_add_overflow(m->total.sum[k], v[k], &m->total.sum[k])) {
			*bad = &m->total;
			return HUB_ERANGE;
		}
	}
	return HUB_OK;
}

static void model_reset(fund_model *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		memset(m->a[i].v, 0, sizeof(m->a[i].v));
		memset(m->a[i].sum, 0, sizeof(m->a[i].sum));
	}
	memset(m->total.v, 0, sizeof(m->total.v));
	memset(m->total.sum, 0, sizeof(m->total.sum));
}

/* Where a sum of report_fund goes. */
typedef struct fund_sum {
	fund_model *m;
	const proto_campaign *c;
	const fund_unit **bad;
} fund_sum;

/* One row (unit, source, n, money, labour, mat_n, mat_value, not_integer). */
static hub_result add_row(void *arg, sqlite3_stmt *row)
{
	fund_sum *fs = arg;
	fund_unit *f = unit_of(fs->m, fs->c, sqlite3_column_int(row, 0));
	int s = source_index((const char *)sqlite3_column_text(row, 1)), k;
	int64_t v[NF];

	if (fs->m->district &&
	    proto_units_district_of(&fs->c->units, sqlite3_column_int(row, 0)) != fs->m->district)
		return HUB_OK; /* another district's, or the province's: not in this view */
	for (k = 0; k < NF; k++)
		v[k] = sqlite3_column_int64(row, 2 + k);
	if (sqlite3_column_int(row, 2 + NF)) {
		*fs->bad = f;
		return HUB_ERANGE;
	}
	return add_sums(fs->m, f, s, v, fs->bad);
}

/*
 * Sum report_fund into the model. A stored value that is not an integer can
 * only come from a counter addition that overflowed in a trigger (SQLite
 * turns that into a float), so it fails the report too. When SQL overflows
 * inside a group, the rows are summed again one by one here, to name the
 * district. HUB_OK, HUB_ERANGE (*bad, or NULL if SQL could not say where)
 * or HUB_EDB.
 */
static hub_result sum_rows(sqlite3 *db, const proto_campaign *c, const char *as_of, int by_row,
			   fund_model *m, const fund_unit **bad)
{
	static const char grouped[] =
		"SELECT unit, source, sum(n), sum(money), sum(labour), sum(mat_n), sum(mat_value),"
		" max(typeof(n) <> 'integer' OR typeof(money) <> 'integer' OR typeof(labour) <>"
		" 'integer' OR typeof(mat_n) <> 'integer' OR typeof(mat_value) <> 'integer')"
		" FROM report_fund WHERE date <= ?1 GROUP BY unit, source";
	static const char rows[] = "SELECT unit, source, n, money, labour, mat_n, mat_value,"
				   " typeof(n) <> 'integer' OR typeof(money) <> 'integer' OR typeof(labour) <>"
				   " 'integer' OR typeof(mat_n) <> 'integer' OR typeof(mat_value) <> 'integer'"
				   " FROM report_fund WHERE date <= ?1";
	fund_sum fs = { m, c, bad };

	*bad = NULL;
	model_reset(m);
	return report_sum_query(db, by_row ? rows : grouped, as_of, add_row, &fs);
}

static hub_result load(sqlite3 *db, const proto_campaign *c, const char *as_of, int district,
		       fund_model *m, char *err, size_t errlen)
{
	const proto_unit *u;
	const fund_unit *bad = NULL;
	size_t i;
	hub_result r;

	memset(m, 0, sizeof(*m));
	m->a = calloc(c->ntargets + 2, sizeof(*m->a));
	if (!m->a) {
		snprintf(err, errlen, "out of memory");
		return HUB_ENOMEM;
	}
	m->district = district;
	for (i = 0; i < c->ntargets; i++) {
		if (district && c->targets[i].district != district)
			continue;
		u = proto_units_find(&c->units, c->targets[i].district);
		m->a[m->n].code = c->targets[i].district;
		m->a[m->n++].name = u ? u->name : "?";
	}
	u = proto_units_find(&c->units, c->province);
	m->a[m->n].code = c->province;
	m->a[m->n++].name = u ? u->name : province_vi;
	m->a[m->n].code = 0;
	m->a[m->n++].name = unplaced_vi;
	m->total.name = total_vi;
	r = sum_rows(db, c, as_of, 0, m, &bad);
	if (r == HUB_ERANGE && !bad) /* SQL overflowed inside a group: find where */
		r = sum_rows(db, c, as_of, 1, m, &bad);
	if (r == HUB_OK)
		return HUB_OK;
	if (r != HUB_ERANGE)
		report_db_error(db, "read contributions", err, errlen);
	else if (bad == &m->total || !bad)
		snprintf(err, errlen,
			 "funds of the whole campaign overflow 64-bit integers (over"
			 " 9,223,372,036,854,775,807): run maiam-hub audit verify");
	else
		snprintf(err, errlen,
			 "funds of %s %s (%d) overflow 64-bit integers (over"
			 " 9,223,372,036,854,775,807): run maiam-hub audit verify",
			 bad->code == c->province ? "province"
			 : bad->code              ? "district"
						  : "unplaced units",
			 bad->name, bad->code);
	free(m->a);
	m->a = NULL;
	return r;
}

static const report_column fund_cols[] = { COL_CODE,  COL_NAME,        COL_SOURCE,    COL_CONTRIBUTIONS,
					   COL_MONEY, COL_LABOUR_DAYS, COL_MATERIALS, COL_MATERIAL_VALUE };

/* A unit's name in the grid's language: the names the campaign gives stay. */
static const char *unit_name(const report_grid *g, const fund_unit *f)
{
	if (f->name == province_vi)
		return report_say(g->lang, province_vi, N_("Province level"));
	if (f->name == unplaced_vi)
		return report_say(g->lang, unplaced_vi, N_("Unknown area"));
	if (f->name == total_vi)
		return report_say(g->lang, total_vi, N_("Total"));
	return f->name;
}

static hub_result grid_row(report_grid *g, const fund_unit *f, const char *source, const int64_t *v,
			   int total)
{
	size_t r;
	int k;

	if (report_grid_add(g, total, &r) || report_grid_text(g, r, 1, unit_name(g, f)) ||
	    report_grid_text(g, r, 2, source))
		return HUB_ENOMEM;
	if (f->code)
		report_grid_int(g, r, 0, f->code);
	for (k = 0; k < NF; k++)
		report_grid_int(g, r, 3 + (size_t)k, v[k]);
	return HUB_OK;
}

/* What the funds report draws: the sums and the day they stand at. */
typedef struct funds_view {
	const fund_model *m;
	const char *as_of;
} funds_view;

static hub_result funds_grid(const void *numbers, report_lang lang, report_grid *g)
{
	const fund_model *m = ((const funds_view *)numbers)->m;
	const char *as_of = ((const funds_view *)numbers)->as_of;
	char day[11];
	size_t i;
	int s;

	report_grid_init(g, lang,
			 report_say(lang, "Nguồn lực huy động theo huyện",
				    N_("Resources mobilised by district")),
			 fund_cols, ARRAY_SIZE(fund_cols));
	report_vn_date(as_of, day);
	snprintf(g->note, sizeof(g->note),
		 report_say(lang, "Tính đến ngày %s; không tính các khoản đã hủy",
			    N_("As of %s; voided contributions not counted")),
		 day);
	for (i = 0; i < m->n; i++) {
		const fund_unit *f = &m->a[i];
		int is_district = i + 2 < m->n;

		if (!is_district && f->sum[F_N] == 0)
			continue; /* province and unplaced lines only when they hold something */
		for (s = 0; s < NSOURCES; s++)
			if (f->v[s][F_N] && grid_row(g, f, source_label(lang, s), f->v[s], 0))
				return HUB_ENOMEM;
		if (grid_row(g, f, report_say(lang, "Cộng", N_("Subtotal")), f->sum, 0))
			return HUB_ENOMEM;
	}
	for (s = 0; s < NSOURCES; s++)
		if (m->total.v[s][F_N] && grid_row(g, &m->total, source_label(lang, s), m->total.v[s], 1))
			return HUB_ENOMEM;
	return grid_row(g, &m->total, report_say(lang, "Tất cả nguồn", N_("All sources")), m->total.sum,
			1);
}

static hub_result json_sums(proto_buf *b, const int64_t *v)
{
	return proto_buf_appendf(b,
				 "\"contributions\": %lld, \"money_vnd\": %lld, \"labour_days\": %lld,"
				 " \"materials\": %lld, \"material_value_vnd\": %lld",
				 (long long)v[F_N], (long long)v[F_MONEY], (long long)v[F_LABOUR],
				 (long long)v[F_MAT_N], (long long)v[F_MAT_VALUE])
		       ? HUB_ENOMEM
		       : HUB_OK;
}

static hub_result json_unit(proto_buf *b, const fund_unit *f, int named)
{
	int s;

	if (proto_buf_append_byte(b, '{'))
		return HUB_ENOMEM;
	if (named && (proto_buf_appendf(b, "\"code\": %d, \"name\": ", f->code) ||
		      hub_json_str(b, f->name) || proto_buf_append_str(b, ", ")))
		return HUB_ENOMEM;
	if (json_sums(b, f->sum) || proto_buf_append_str(b, ", \"by_source\": {"))
		return HUB_ENOMEM;
	for (s = 0; s < NSOURCES; s++)
		if (proto_buf_appendf(b, "%s\"%s\": {", s ? ", " : "", source_keys[s]) ||
		    json_sums(b, f->v[s]) || proto_buf_append_byte(b, '}'))
			return HUB_ENOMEM;
	return proto_buf_append_str(b, "}}") ? HUB_ENOMEM : HUB_OK;
}

static hub_result funds_json(const void *numbers, proto_buf *b)
{
	const fund_model *m = ((const funds_view *)numbers)->m;
	const char *as_of = ((const funds_view *)numbers)->as_of;
	size_t i;

	if (proto_buf_append_str(b, "{\"as_of\": ") || hub_json_str(b, as_of) ||
	    proto_buf_append_str(b, ", \"districts\": ["))
		return HUB_ENOMEM;
	for (i = 0; i + 2 < m->n; i++)
		if ((i && proto_buf_append_byte(b, ',')) || proto_buf_append_str(b, "\n  ") ||
		    json_unit(b, &m->a[i], 1))
			return HUB_ENOMEM;
	return proto_buf_append_str(b, "],\n \"province\": ") || json_unit(b, &m->a[m->n - 2], 1) ||
			       proto_buf_append_str(b, ",\n \"unplaced\": ") ||
			       json_unit(b, &m->a[m->n - 1], 0) ||
			       proto_buf_append_str(b, ",\n \"total\": ") ||
			       json_unit(b, &m->total, 0) || proto_buf_append_str(b, "}\n")
		       ? HUB_ENOMEM
		       : HUB_OK;
}

static const report_drawing funds_drawing = { funds_json, funds_grid, NULL };

hub_result report_funds_render(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
			       proto_buf *out, char *err, size_t errlen)
{
	fund_model m;
	hub_result rc;

	rc = load(db, c, o->as_of, o->district, &m, err, errlen);
	if (rc != HUB_OK)
		return rc;
	rc = report_draw(&funds_drawing, &(funds_view){ &m, o->as_of }, c, o, out, err, errlen);
	free(m.a);
	return rc;
}

hub_result report_funds_grid(sqlite3 *db, const proto_campaign *c, const char *as_of, int district,
			     report_grid *g, char *err, size_t errlen)
{
	fund_model m;
	hub_result rc;

	rc = load(db, c, as_of, district, &m, err, errlen);
	if (rc != HUB_OK)
		return rc;
	rc = funds_grid(&(funds_view){ &m, as_of }, REPORT_VI, g);
	if (rc != HUB_OK) {
		report_too_large(err, errlen);
		report_grid_release(g);
	}
	free(m.a);
	return rc;
}
