/*
 * report_awards.c - the quota of awards each district may propose under the
 * campaign's rules (proto_award_lookup on its assigned target), the rule
 * text that gave each number, whether it handed over 100% of its target by
 * the deadline, and the province-level quotas. The numbers depend on the
 * target only; the on-time flag on the hand-over dates.
 */
#include <stdio.h>
#include <string.h>
#include "report_int.h"

static const report_column award_cols[] = {
	COL_CODE,        COL_NAME,        COL_TARGET, COL_HANDED_OVER_ON_TIME, COL_MET_TARGET_ON_TIME,
	COL_COLLECTIVES, COL_INDIVIDUALS, COL_RULE
};

/* The rules that gave a district its numbers, as the campaign file writes
 * them, in lang (JSON's "rule" is a document's: REPORT_VI). */
static void rule_text(const proto_campaign *c, report_lang lang, int target, char *out, size_t outlen)
{
	const proto_award_range *col = proto_award_lookup(&c->collectives, target);
	const proto_award_range *ind = proto_award_lookup(&c->individuals, target);

	snprintf(out, outlen,
		 report_say(lang, "tập thể: %s; cá nhân: %s", N_("collectives: %s; individuals: %s")),
		 col ? col->text : "?", ind ? ind->text : "?");
}

static int award_count(const proto_award_rule *rule, int target)
{
	const proto_award_range *r = proto_award_lookup(rule, target);
	return r ? r->count : 0;
}

/* A province-level line: no district, no target, awards of its own. */
static hub_result province_line(report_grid *g, const char *name, int collectives, int individuals)
{
	size_t r;

	if (report_grid_add(g, 0, &r) || report_grid_text(g, r, 1, name) ||
	    report_grid_text(g, r, 7, report_say(g->lang, "cấp tỉnh", N_("province level"))))
		return HUB_ENOMEM;
	report_grid_int(g, r, 5, collectives);
	report_grid_int(g, r, 6, individuals);
	return HUB_OK;
}

/* The grid of the awards (numbers: a report_standing). */
static hub_result awards_grid(const void *numbers, report_lang lang, report_grid *g)
{
	const proto_campaign *c = ((const report_standing *)numbers)->c;
	const report_progress *p = ((const report_standing *)numbers)->p;
	int64_t coll = 0, ind = 0;
	char rule[512], deadline[11], as_of[11];
	size_t i, r;

	/* the numbers are what the rules allow a district by its assigned
	 * target: a quota of nominations, not awards earned or given */
	report_grid_init(g, lang,
			 report_say(lang, "Số lượng được đề xuất khen thưởng theo chỉ tiêu",
				    N_("Award nominations allowed by target")),
			 award_cols, ARRAY_SIZE(award_cols));
	report_vn_date(c->deadline, deadline);
	report_vn_date(p->as_of, as_of);
	snprintf(g->note, sizeof(g->note),
		 report_say(lang,
			    "Bằng khen của UBND tỉnh: số lượng tối đa được đề xuất"
			    " theo quy tắc của kế hoạch, tính theo chỉ tiêu được giao, không phải số"
			    " khen thưởng đã đạt; hạn bàn giao %s; số liệu đến ngày %s",
			    N_("Certificates of merit of the provincial People's Committee: these are"
			       " the quotas the rules allow by target, not awards earned; hand-over"
			       " deadline %s; figures as of %s")),
		 deadline, as_of);
	for (i = 0; i < p->n; i++) {
		const report_line *l = &p->a[i];
		int t = (int)l->target;

		if (report_grid_add(g, 0, &r))
			return HUB_ENOMEM;
		rule_text(c, lang, t, rule, sizeof(rule));
		report_grid_int(g, r, 0, l->code);
		report_grid_int(g, r, 2, t);
		report_grid_int(g, r, 3, l->on_time);
		report_grid_int(g, r, 4, l->on_time >= l->target);
		report_grid_int(g, r, 5, award_count(&c->collectives, t));
		report_grid_int(g, r, 6, award_count(&c->individuals, t));
		if (report_grid_text(g, r, 1, l->name) || report_grid_text(g, r, 7, rule))
			return HUB_ENOMEM;
		coll += award_count(&c->collectives, t);
		ind += award_count(&c->individuals, t);
	}
	if (province_line(g,
			  report_say(lang, "Ban Chỉ đạo, sở, ban ngành, đoàn thể tỉnh",
				     N_("Steering committee, provincial departments and organisations")),
			  c->province_collectives, c->province_individuals) ||
	    province_line(g,
			  report_say(lang, "Tổ giúp việc Ban Chỉ đạo và Tổ giám sát thi công",
				     N_("Working group and construction supervision team")),
			  0, c->working_group_individuals) ||
	    report_grid_add(g, 1, &r) ||
	    report_grid_text(g, r, 1, report_say(lang, "Tổng cộng", N_("Total"))))
		return HUB_ENOMEM;
	report_grid_int(g, r, 2, c->total_target);
	report_grid_int(g, r, 3, p->total.on_time);
	report_grid_int(g, r, 5, coll + c->province_collectives);
	report_grid_int(g, r, 6, ind + c->province_individuals + c->working_group_individuals);
	return HUB_OK;
}

static hub_result awards_json(const void *numbers, proto_buf *b)
{
	const proto_campaign *c = ((const report_standing *)numbers)->c;
	const report_progress *p = ((const report_standing *)numbers)->p;
	int64_t coll = 0, ind = 0;
	char rule[512];
	size_t i;

	if (proto_buf_append_str(b, "{\"as_of\": ") || hub_json_str(b, p->as_of) ||
	    proto_buf_append_str(b, ", \"deadline\": ") || hub_json_str(b, c->deadline) ||
	    proto_buf_append_str(b, ", \"districts\": ["))
		return HUB_ENOMEM;
	for (i = 0; i < p->n; i++) {
		const report_line *l = &p->a[i];
		int t = (int)l->target;
		const proto_award_range *cr = proto_award_lookup(&c->collectives, t);
		const proto_award_range *ir = proto_award_lookup(&c->individuals, t);

		rule_text(c, REPORT_VI, t, rule, sizeof(rule));
		if ((i && proto_buf_append_byte(b, ',')) ||
		    proto_buf_appendf(b, "\n  {\"code\": %d, \"name\": ", l->code) ||
		    hub_json_str(b, l->name) ||
		    proto_buf_appendf(b,
				      ", \"target\": %d, \"collectives\": %d, \"individuals\": %d,"
				      " \"rule\": ",
				      t, cr ? cr->count : 0, ir ? ir->count : 0) ||
		    hub_json_str(b, rule) || proto_buf_append_str(b, ", \"collectives_rule\": ") ||
		    hub_json_str(b, cr ? cr->text : NULL) ||
		    proto_buf_append_str(b, ", \"individuals_rule\": ") ||
		    hub_json_str(b, ir ? ir->text : NULL) ||
		    proto_buf_appendf(b, ", \"handed_over_on_time\": %lld, \"met_target_on_time\": %s}",
				      (long long)l->on_time, l->on_time >= l->target ? "true" : "false"))
			return HUB_ENOMEM;
		coll += cr ? cr->count : 0;
		ind += ir ? ir->count : 0;
	}
	return proto_buf_appendf(b,
				 "],\n \"province\": {\"collectives\": %d, \"individuals\": %d,"
				 " \"working_group_individuals\": %d},\n"
				 " \"total\": {\"target\": %d, \"handed_over_on_time\": %lld,"
				 " \"district_collectives\": %lld, \"district_individuals\": %lld,"
				 " \"collectives\": %lld, \"individuals\": %lld}}\n",
				 c->province_collectives, c->province_individuals,
				 c->working_group_individuals, c->total_target,
				 (long long)p->total.on_time, (long long)coll, (long long)ind,
				 (long long)(coll + c->province_collectives),
				 (long long)(ind + c->province_individuals + c->working_group_individuals))
		       ? HUB_ENOMEM
		       : HUB_OK;
}

const report_drawing report_awards_drawing = { awards_json, awards_grid, NULL };

hub_result report_awards_grid(sqlite3 *db, const proto_campaign *c, const char *as_of, int district,
			      report_grid *g, char *err, size_t errlen)
{
	report_progress p;
	hub_result rc;

	rc = report_progress_load_in(db, c, as_of, 0, district, &p, err, errlen);
	if (rc != HUB_OK)
		return rc;
	rc = awards_grid(&(report_standing){ c, &p }, REPORT_VI, g);
	if (rc != HUB_OK) {
		snprintf(err, errlen, "out of memory");
		report_grid_release(g);
	}
	report_progress_release(&p);
	return rc;
}
