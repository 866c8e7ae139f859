/*
 * scorecard_draw.c - the scorecards drawn (scorecard.h): each criterion of
 * the plan's part IV.1 in its own words (copied from the plan as issued,
 * its spelling kept), the numbers that back it, and whether they show it
 * met; as JSON from the numbers, and as a grid for the table, CSV, HTML and
 * the workbook (maiam-hub report scorecard, hub_report_render).
 */
#include <stdio.h>
#include <string.h>
#include "hub.h"
#include "report_int.h"
#include "scorecard.h"

/* IV.1.2, the districts (UBND các huyện, thị xã, thành phố) */
static const char *const district_criteria[] = {
	"Phần đầu hoàn thành 100% chỉ tiêu về xây dựng nhà ở cho người nghèo, người có khó khăn về"
	" nhà ở đúng tiến độ.",
	"Phối hợp, tham mưu tích cực, rà soát, lựa chọn các hộ dân hỗ trợ xây dựng nhà ở theo chủ"
	" trương của Bộ Công an và Tỉnh ủy, UBND tỉnh đảm bảo đúng đối tượng.",
	"Huy động được mọi nguồn lực tham gia thực hiện hỗ trợ xây dựng nhà ở cho người nghèo, người"
	" có khó khăn về nhà ở tại địa phương.",
	"Vận động được các tổ chức, cá nhân cùng tham gia, đóng góp tiền, nguyên vật liệu để hỗ trợ"
	" xây dựng nhà ở cho người nghèo, người có khó khăn về nhà ở.",
	"Phân bổ, sử dụng kinh phí và quyết toán đúng quy định.",
};
static const char *const district_refs[] = { "IV.1.2 (1)", "IV.1.2 (2)", "IV.1.2 (3)", "IV.1.2 (4)",
					     "IV.1.2 (5)" };
/* IV.1.3, the communes (UBND các xã, phường, thị trấn) */
static const char *const commune_criteria[] = {
	"Phần đầu hoàn thành 100% chỉ tiêu (do UBND cấp huyện giao) về xây dựng nhà ở cho người"
	" nghèo, người có khó khăn về nhà ở đúng tiến độ.",
	"Rà soát, lựa chọn các hộ dân hỗ trợ xây dựng nhà ở đảm bảo đúng đối tượng.",
	"Tham mưu tích cực, có giải pháp, sáng kiến trong quá trình thực hiện đợt thi đua.",
	"Huy động có hiệu quả nguồn lực nhân dân, cộng đồng thực hiện tốt chính sách xây dựng nhà ở"
	" cho người nghèo, người có khó khăn về nhà ở.",
};
static const char *const commune_refs[] = { "IV.1.3 (1)", "IV.1.3 (2)", "IV.1.3 (3)", "IV.1.3 (4)" };
_Static_assert(ARRAY_SIZE(district_criteria) <= SCORECARD_MAX_CRITERIA, "criteria fit");

/* Sources by index in the rulebook's order: businesses and donors are the
 * "tổ chức, cá nhân" of IV.1.2 (4). */
enum { SRC_BUSINESS = 3, SRC_DONOR = 4 };

/* 1.200 */
static const char *num(int64_t v, char buf[32])
{
	report_fmt_group(v, buf, 32);
	return buf;
}

static const char *money(int64_t v, char buf[40])
{
	report_fmt_money(v, buf, 40);
	return buf;
}

static void target_numbers(const proto_campaign *c, const scorecard_unit *u, report_lang lang,
			   scorecard_criterion *k)
{
	char a[32], b[32], d[32], due[11];

	report_vn_date(c->deadline, due);
	if (u->target < 0) {
		snprintf(k->numbers, sizeof(k->numbers),
			 report_say(lang, "Chưa được huyện giao chỉ tiêu; đã bàn giao %s căn",
				    N_("No target given by the district; %s houses handed over")),
			 num(u->handed_over, a));
		k->met = -1;
		return;
	}
	snprintf(k->numbers, sizeof(k->numbers),
		 report_say(lang, "Chỉ tiêu %s căn; đã bàn giao %s, đúng hạn %s (%s); %s",
			    N_("Target %s houses; %s handed over, %s on time (by %s); %s")),
		 num(u->target, a), num(u->handed_over, b), num(u->on_time, d), due,
		 u->on_track ? report_say(lang, "đúng tiến độ", N_("on track"))
			     : report_say(lang, "chậm tiến độ", N_("behind")));
	k->met = u->on_time >= u->target;
}

static void beneficiary_numbers(const scorecard_unit *u, report_lang lang, scorecard_criterion *k)
{
	char a[32], b[32], d[32], e[32], f[32];

	snprintf(k->numbers, sizeof(k->numbers),
		 report_say(lang,
			    "Đã xác nhận %s hộ, không xác nhận %s hộ; chưa xử lý: trùng CCCD %s, sửa"
			    " đồng thời %s, thiếu ảnh %s",
			    N_("%s households confirmed, %s rejected; open: duplicate national IDs %s,"
			       " concurrent edits %s, missing photos %s")),
		 num(u->approved, a), num(u->rejected, b), num(u->open_duplicates, d),
		 num(u->open_conflicts, e), num(u->open_missing_evidence, f));
	k->met = u->open_duplicates == 0 && u->open_conflicts == 0 && u->open_missing_evidence == 0;
}

/* The sums of f, then each source that gave anything. */
static void fund_numbers(const scorecard_unit *u, report_lang lang, scorecard_criterion *k)
{
	char a[40], b[32], d[32], e[40];
	size_t i, len;

	snprintf(k->numbers, sizeof(k->numbers),
		 report_say(lang, "Tiền %s; ngày công %s; vật tư %s lượt, trị giá %s",
			    N_("Money %s; labour days %s; materials %s times, worth %s")),
		 money(u->fund.money, a), num(u->fund.labour, b), num(u->fund.mat_n, d),
		 money(u->fund.mat_value, e));
	for (i = 0; i < SCORECARD_NSOURCES; i++) {
		const scorecard_fund *f = &u->funds[i];

		len = strlen(k->numbers);
		if (!f->n || len + 1 >= sizeof(k->numbers))
			continue;
		snprintf(k->numbers + len, sizeof(k->numbers) - len, "%s%s: %s, %s %s",
			 len && strchr(k->numbers, '|') ? "; " : " | ", report_fund_source(lang, i),
			 money(f->money, a), num(f->labour, b),
			 report_say(lang, "ngày công", N_("labour days")));
	}
	k->met = -1; /* how much is enough is the appraisal's */
}

static void donor_numbers(const scorecard_unit *u, report_lang lang, scorecard_criterion *k)
{
	const scorecard_fund *biz = &u->funds[SRC_BUSINESS], *don = &u->funds[SRC_DONOR];
	char a[32], b[40], d[40];

	snprintf(k->numbers, sizeof(k->numbers),
		 report_say(lang, "Doanh nghiệp và nhà hảo tâm: %s lượt, tiền %s, vật tư trị giá %s",
			    N_("Businesses and donors: %s contributions, money %s, materials worth %s")),
		 num(biz->n + don->n, a), money(biz->money + don->money, b),
		 money(biz->mat_value + don->mat_value, d));
	k->met = -1;
}

size_t scorecard_criteria(const proto_campaign *c, const report_scorecard *s, const scorecard_unit *u,
			  int lang_int, scorecard_criterion out[SCORECARD_MAX_CRITERIA])
{
	report_lang lang = (report_lang)lang_int;
	char a[32];
	size_t i, n = u->commune ? ARRAY_SIZE(commune_criteria) : ARRAY_SIZE(district_criteria);

	(void)s;
	for (i = 0; i < n; i++) {
		out[i].ref = u->commune ? commune_refs[i] : district_refs[i];
		out[i].text = u->commune ? commune_criteria[i] : district_criteria[i];
		out[i].numbers[0] = '\0';
		out[i].met = -1;
	}
	target_numbers(c, u, lang, &out[0]);
	beneficiary_numbers(u, lang, &out[1]);
	if (u->commune) {
		snprintf(out[2].numbers, sizeof(out[2].numbers), "%s",
			 report_say(lang, "Không tính được từ dữ liệu: Ban Chỉ đạo đánh giá",
				    N_("Not something the data can show: the steering committee judges it")));
		fund_numbers(u, lang, &out[3]);
		return n;
	}
	fund_numbers(u, lang, &out[2]);
	donor_numbers(u, lang, &out[3]);
	snprintf(out[4].numbers, sizeof(out[4].numbers),
		 report_say(lang, "Mục đối soát chưa xử lý: %s", N_("Open reconcile items: %s")),
		 num(u->open_items, a));
	out[4].met = u->open_items == 0;
	return n;
}

/* What the drawings get: the campaign and the scorecards. */
typedef struct scorecard_view {
	const proto_campaign *c;
	const report_scorecard *s;
} scorecard_view;

static const report_column scorecard_cols[] = { COL_CODE, COL_NAME, COL_CRITERION, COL_FIGURES, COL_MET };

static hub_result scorecard_grid(const void *numbers, report_lang lang, report_grid *g)
{
	const scorecard_view *v = numbers;
	scorecard_criterion k[SCORECARD_MAX_CRITERIA];
	char d1[11], line[1024];
	size_t i, j, n, r;

	report_grid_init(g, lang,
			 report_say(lang, "Đánh giá theo tiêu chí thi đua (mục IV.1 của Kế hoạch)",
				    N_("Scorecards against the plan's criteria (part IV.1)")),
			 scorecard_cols, ARRAY_SIZE(scorecard_cols));
	report_vn_date(v->s->as_of, d1);
	snprintf(g->note, sizeof(g->note), report_say(lang, "Tính đến ngày %s", N_("As of %s")), d1);
	for (i = 0; i < v->s->n; i++) {
		const scorecard_unit *u = &v->s->units[i];

		n = scorecard_criteria(v->c, v->s, u, lang, k);
		for (j = 0; j < n; j++) {
			if (report_grid_add(g, 0, &r))
				return HUB_ENOMEM;
			report_grid_int(g, r, 0, u->code);
			snprintf(line, sizeof(line), "%s %s", k[j].ref, k[j].text);
			if (report_grid_text(g, r, 1, u->name) || report_grid_text(g, r, 2, line) ||
			    report_grid_text(g, r, 3, k[j].numbers))
				return HUB_ENOMEM;
			if (k[j].met >= 0)
				report_grid_int(g, r, 4, k[j].met);
		}
	}
	return HUB_OK;
}

static hub_result json_fund(proto_buf *b, const scorecard_fund *f)
{
	return proto_buf_appendf(b,
				 "{\"contributions\": %lld, \"money_vnd\": %lld, \"labour_days\": %lld,"
				 " \"materials\": %lld, \"material_value_vnd\": %lld}",
				 (long long)f->n, (long long)f->money, (long long)f->labour,
				 (long long)f->mat_n, (long long)f->mat_value)
		       ? HUB_ENOMEM
		       : HUB_OK;
}

static hub_result json_unit(proto_buf *b, const scorecard_view *v, const scorecard_unit *u)
{
	const char *const *keys = proto_rules_enum(PROTO_KIND_CONTRIBUTION, PROTO_CT_SOURCE);
	scorecard_criterion k[SCORECARD_MAX_CRITERIA];
	size_t i, n = scorecard_criteria(v->c, v->s, u, REPORT_VI, k);

	if (proto_buf_appendf(b, "{\"code\": %d, \"name\": ", u->code) || hub_json_str(b, u->name) ||
	    proto_buf_appendf(b, ", \"level\": \"%s\", \"district\": %d, ",
			      u->commune ? "commune" : "district", u->district) ||
	    (u->target < 0 ? proto_buf_append_str(b, "\"target\": null")
			   : proto_buf_appendf(b, "\"target\": %lld", (long long)u->target)) ||
	    proto_buf_appendf(b,
			      ", \"registered\": %lld, \"approved\": %lld, \"rejected\": %lld,"
			      " \"handed_over\": %lld, \"handed_over_on_time\": %lld, \"on_track\": %s,"
			      " \"open_conflicts\": %lld, \"open_duplicate_national_ids\": %lld,"
			      " \"open_missing_evidence\": %lld, \"open_reconcile_items\": %lld,"
			      " \"funds\": ",
			      (long long)u->registered, (long long)u->approved, (long long)u->rejected,
			      (long long)u->handed_over, (long long)u->on_time,
			      u->target < 0 ? "null"
			      : u->on_track ? "true"
					    : "false",
			      (long long)u->open_conflicts, (long long)u->open_duplicates,
			      (long long)u->open_missing_evidence, (long long)u->open_items) ||
	    json_fund(b, &u->fund) || proto_buf_append_str(b, ", \"funds_by_source\": {"))
		return HUB_ENOMEM;
	for (i = 0; keys && i < SCORECARD_NSOURCES && keys[i]; i++)
		if (proto_buf_appendf(b, "%s\"%s\": ", i ? ", " : "", keys[i]) ||
		    json_fund(b, &u->funds[i]))
			return HUB_ENOMEM;
	if (proto_buf_append_str(b, "}, \"criteria\": ["))
		return HUB_ENOMEM;
	for (i = 0; i < n; i++)
		if (proto_buf_appendf(b, "%s{\"ref\": \"%s\", \"text\": ", i ? ", " : "", k[i].ref) ||
		    hub_json_str(b, k[i].text) || proto_buf_append_str(b, ", \"numbers\": ") ||
		    hub_json_str(b, k[i].numbers) ||
		    proto_buf_appendf(b, ", \"met\": %s}",
				      k[i].met < 0 ? "null"
				      : k[i].met   ? "true"
						   : "false"))
			return HUB_ENOMEM;
	return proto_buf_append_str(b, "]}") ? HUB_ENOMEM : HUB_OK;
}

static hub_result scorecard_json(const void *numbers, proto_buf *b)
{
	const scorecard_view *v = numbers;
	size_t i;

	if (proto_buf_append_str(b, "{\"as_of\": ") || hub_json_str(b, v->s->as_of) ||
	    proto_buf_append_str(b, ", \"deadline\": ") || hub_json_str(b, v->c->deadline) ||
	    proto_buf_append_str(b, ", \"units\": ["))
		return HUB_ENOMEM;
	for (i = 0; i < v->s->n; i++)
		if ((i && proto_buf_append_str(b, ",")) || proto_buf_append_str(b, "\n  ") ||
		    json_unit(b, v, &v->s->units[i]))
			return HUB_ENOMEM;
	return proto_buf_append_str(b, "]}\n") ? HUB_ENOMEM : HUB_OK;
}

static const report_drawing scorecard_drawing = { scorecard_json, scorecard_grid, NULL };

hub_result report_scorecard_render(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
				   proto_buf *out, char *err, size_t errlen)
{
	report_scorecard s;
	hub_report_opts opts = *o;
	hub_result rc;

	if (!opts.as_of[0])
		hub_report_today(opts.as_of);
	rc = report_scorecard_load(db, c, opts.as_of, opts.district, &s, err, errlen);
	if (rc != HUB_OK)
		return rc;
	opts.kind = HUB_REPORT_SCORECARD;
	rc = report_draw(&scorecard_drawing, &(scorecard_view){ c, &s }, c, &opts, out, err, errlen);
	report_scorecard_free(&s);
	return rc;
}

hub_result report_scorecard_table(sqlite3 *db, const proto_campaign *c, const char *as_of, int district,
				  proto_buf *out, char *err, size_t errlen)
{
	report_scorecard s;
	report_grid g;
	hub_result rc;

	rc = report_scorecard_load(db, c, as_of, district, &s, err, errlen);
	if (rc != HUB_OK)
		return rc;
	report_grid_init(&g, REPORT_VI, "", NULL, 0);
	rc = scorecard_grid(&(scorecard_view){ c, &s }, REPORT_VI, &g);
	if (rc == HUB_OK)
		rc = report_grid_html_table(&g, out);
	report_grid_release(&g);
	report_scorecard_free(&s);
	return rc == HUB_OK ? rc : report_too_large(err, errlen);
}
