/*
 * cmd_household.c - maiam-hub household list|show|approve|reject: what the
 * hub holds, shown with the campaign's Vietnamese labels, and the command
 * itself; the province's review of households (xác nhận: approved or
 * rejected, never to be confused with the construction stage "approved",
 * Được duyệt hỗ trợ) is in cmd_household_decide.c.
 */
#include <stdio.h>
#include <string.h>
#include "maiam/cli.h"
#include "maiam/text.h"
#include "ctx.h"
#include "store.h"
#include "json.h"
#include "household_ref.h"
#include "cmd.h"
#include "cmd_household.h"

#define MAX_IDS 256 /* households one decision names on its command line */

int hub_household_filter_match(const household_filter *f, const hub_household_row *r)
{
	const char *status = r->review_status ? r->review_status : "proposed";

	if (f->district &&
	    (!r->has_commune || proto_units_district_of(f->units, (int)r->commune) != f->district))
		return 0;
	return !f->status || strcmp(status, f->status) == 0;
}

const char *hub_label_of(const hub_ctx *ctx, proto_list list, const char *code)
{
	const char *label = code ? proto_label(&ctx->cfg->campaign.labels, list, code) : NULL;

	return label ? label : code ? code : "";
}

static void json_or_null(const char *s)
{
	proto_buf b;

	if (!s) {
		fputs("null", stdout);
		return;
	}
	proto_buf_init(&b, 1 << 16);
	if (hub_json_str(&b, s) == 0)
		fwrite(b.data, 1, b.len, stdout);
	else
		fputs("null", stdout);
	proto_buf_release(&b);
}

/* ---- household list ---------------------------------------------------- */

enum { COL_ID, COL_REF, COL_COMMUNE, COL_NAME, COL_CATEGORY, COL_REVIEW, NCOLS };
static const char *const list_heads[NCOLS] = { "ID", "REF", "COMMUNE", "NAME", "CATEGORY", "REVIEW" };

/*
 * The text listing is aligned by display width (a Vietnamese name takes
 * fewer columns than bytes) without holding every row: a first walk
 * measures the columns, a second prints.
 */
typedef struct list_state {
	const hub_ctx *ctx;
	const household_filter *filter;
	int json, measuring;
	size_t n;
	size_t width[NCOLS];
} list_state;

/* One row's cells; the buffers hold what is not borrowed from the row. */
typedef struct list_cells {
	char id[40], commune[24], review[PROTO_LABEL_MAX + 16];
	const char *cell[NCOLS];
} list_cells;

static void cells_of(const hub_ctx *ctx, const hub_household_row *r, list_cells *c)
{
	char hex[17];

	proto_key_id_hex(r->id.origin, hex);
	snprintf(c->id, sizeof(c->id), "%s-%llu", hex, (unsigned long long)r->id.serial);
	if (r->has_commune)
		snprintf(c->commune, sizeof(c->commune), "%lld", (long long)r->commune);
	else
		snprintf(c->commune, sizeof(c->commune), "-");
	snprintf(c->review, sizeof(c->review), "%s%s",
		 hub_label_of(ctx, PROTO_LIST_REVIEW_STATUS,
			      r->review_status ? r->review_status : "proposed"),
		 r->withdrawn ? " (withdrawn)" : "");
	c->cell[COL_ID] = c->id;
	c->cell[COL_REF] = r->ref ? r->ref : "-";
	c->cell[COL_COMMUNE] = c->commune;
	c->cell[COL_NAME] = r->name ? r->name : "-";
	c->cell[COL_CATEGORY] = r->category ? hub_label_of(ctx, PROTO_LIST_CATEGORY, r->category) : "-";
	c->cell[COL_REVIEW] = c->review;
}

static void print_line(const list_state *ls, const char *const *cell)
{
	size_t i, w;

	const char *p;

	for (i = 0; i < NCOLS; i++) {
		for (p = cell[i]; *p; p++) /* a row stays one line: a newline in a name is a space */
			putchar((unsigned char)*p < 0x20 ? ' ' : *p);
		if (i + 1 < NCOLS)
			for (w = proto_utf8_width(cell[i]); w < ls->width[i] + 2; w++)
				putchar(' ');
	}
	putchar('\n');
}

static void print_json(const list_state *ls, const hub_household_row *r)
{
	char hex[17];

	proto_key_id_hex(r->id.origin, hex);
	printf("%s{\"id\": \"%s-%llu\", \"commune\": ", ls->n ? ",\n " : "", hex,
	       (unsigned long long)r->id.serial);
	if (r->has_commune)
		printf("%lld", (long long)r->commune);
	else
		fputs("null", stdout);
	fputs(", \"ref\": ", stdout);
	json_or_null(r->ref);
	fputs(", \"name\": ", stdout);
	json_or_null(r->name);
	fputs(", \"national_id\": ", stdout);
	json_or_null(r->national_id);
	fputs(", \"category\": ", stdout);
	json_or_null(r->category);
	fputs(", \"review_status\": ", stdout);
	json_or_null(r->review_status);
	fputs("}", stdout);
}

static int list_row(void *arg, const hub_household_row *r)
{
	list_state *ls = arg;
	list_cells c;
	size_t i, w;

	if (!hub_household_filter_match(ls->filter, r))
		return 0;
	if (ls->json) {
		print_json(ls, r);
	} else {
		cells_of(ls->ctx, r, &c);
		if (!ls->measuring)
			print_line(ls, c.cell);
		for (i = 0; ls->measuring && i < NCOLS; i++)
			if ((w = proto_utf8_width(c.cell[i])) > ls->width[i])
				ls->width[i] = w;
	}
	ls->n++;
	return 0;
}

static int list_households(hub_ctx *ctx, const household_filter *f, int json)
{
	list_state ls = { .ctx = ctx, .filter = f, .json = json };
	hub_result r = HUB_OK;
	size_t i;

	if (json) {
		printf("[");
		r = hub_household_each(ctx->db, f->commune, list_row, &ls);
		printf("]\n");
	} else {
		for (i = 0; i < NCOLS; i++)
			ls.width[i] = proto_utf8_width(list_heads[i]);
		ls.measuring = 1;
		r = hub_household_each(ctx->db, f->commune, list_row, &ls);
		ls.measuring = 0;
		if (r == HUB_OK && ls.n == 0)
			printf("no household at the hub matches\n");
		if (r == HUB_OK && ls.n) {
			print_line(&ls, list_heads);
			ls.n = 0;
			r = hub_household_each(ctx->db, f->commune, list_row, &ls);
		}
	}
	if (r != HUB_OK) {
		hub_errorf("cannot read households: %s", sqlite3_errmsg(ctx->db));
		return HUB_EXIT_FAIL;
	}
	return HUB_EXIT_OK;
}

/* ---- household show ---------------------------------------------------- */

static void print_column(void *arg, const char *name, const char *value)
{
	const hub_ctx *ctx = arg;
	const proto_field_desc *d = proto_field_by_name(PROTO_KIND_HOUSEHOLD, name);
	proto_list list;

	if (d && d->field == PROTO_HH_REVIEW_STATUS && !value)
		value = "proposed"; /* no decision yet */
	if (value && d && proto_list_of(PROTO_KIND_HOUSEHOLD, d->field, &list))
		value = hub_label_of(ctx, list, value);
	printf("%-14s %s\n", name, value ? value : "");
}

/* hub_household_events' printer: which sections were opened. */
typedef struct show_state {
	const hub_ctx *ctx;
	size_t milestones, contributions;
} show_state;

static void money_text(int64_t v, char *out, size_t n)
{
	char digits[32];

	proto_amount_show(v, '.', digits, sizeof(digits));
	snprintf(out, n, "%s đ", digits);
}

static int print_event(void *arg, const hub_event_row *e)
{
	show_state *s = arg;
	char hex[17], date[16], amount[40];

	if (e->kind == PROTO_KIND_CONTRIBUTION && !s->contributions) {
		if (!s->milestones)
			printf("milestones:    none\n");
		printf("contributions:\n");
	} else if (e->kind == PROTO_KIND_MILESTONE && !s->milestones) {
		printf("milestones:\n");
	}
	proto_key_id_hex(e->id.origin, hex);
	proto_date_show(e->date ? e->date : "-", PROTO_DATES_VN, date, sizeof(date));
	printf("  %s-%llu  %s", hex, (unsigned long long)e->id.serial, date);
	if (e->kind == PROTO_KIND_MILESTONE) {
		s->milestones++;
		printf("  %s", hub_label_of(s->ctx, PROTO_LIST_STAGE, e->stage));
		if (e->forced)
			printf("  (out of order: %s)", e->forced);
	} else {
		s->contributions++;
		printf("  %s", hub_label_of(s->ctx, PROTO_LIST_SOURCE, e->source));
		if (e->donor)
			printf("  %s", e->donor);
		if (e->has_money && e->money) {
			money_text(e->money, amount, sizeof(amount));
			printf("  %s", amount);
		}
		if (e->has_labour_days && e->labour_days)
			printf("  %lld ngày công", (long long)e->labour_days);
		if (e->material)
			printf("  %s", e->material);
		if (e->has_material_value && e->material_value) {
			money_text(e->material_value, amount, sizeof(amount));
			printf(" (%s)", amount);
		}
	}
	if (e->note)
		printf("  \"%s\"", e->note);
	if (e->voided)
		printf("  VOIDED: %s", e->void_reason ? e->void_reason : "");
	putchar('\n');
	return 0;
}

/* show --json: a stored column, codes as they are, numbers as numbers. */
static void json_column(void *arg, const char *name, const char *value)
{
	const proto_field_desc *d = proto_field_by_name(PROTO_KIND_HOUSEHOLD, name);

	(void)arg;
	printf(", \"%s\": ", name); /* a column name of the shared schema: plain ASCII */
	if (value && d && (d->types & PROTO_T(PROTO_V_INT)))
		fputs(value, stdout);
	else
		json_or_null(value);
}

static void json_amount(const char *name, int has, int64_t v)
{
	if (has)
		printf(", \"%s\": %lld", name, (long long)v);
	else
		printf(", \"%s\": null", name);
}

static int json_event(void *arg, const hub_event_row *e)
{
	show_state *s = arg;
	size_t *n = e->kind == PROTO_KIND_MILESTONE ? &s->milestones : &s->contributions;

	if (e->kind == PROTO_KIND_CONTRIBUTION && !s->contributions)
		printf("], \"contributions\": [");
	printf("%s{\"id\": \"%016llx-%llu\", \"date\": ", (*n)++ ? ", " : "",
	       (unsigned long long)e->id.origin, (unsigned long long)e->id.serial);
	json_or_null(e->date);
	if (e->kind == PROTO_KIND_MILESTONE) {
		fputs(", \"stage\": ", stdout);
		json_or_null(e->stage);
		fputs(", \"forced\": ", stdout);
		json_or_null(e->forced);
	} else {
		fputs(", \"source\": ", stdout);
		json_or_null(e->source);
		fputs(", \"donor\": ", stdout);
		json_or_null(e->donor);
		json_amount("money_vnd", e->has_money, e->money);
		json_amount("labour_days", e->has_labour_days, e->labour_days);
		fputs(", \"material\": ", stdout);
		json_or_null(e->material);
		json_amount("material_value_vnd", e->has_material_value, e->material_value);
	}
	fputs(", \"note\": ", stdout);
	json_or_null(e->note);
	printf(", \"voided\": %s, \"void_reason\": ", e->voided ? "true" : "false");
	json_or_null(e->voided ? e->void_reason : NULL);
	putchar('}');
	return 0;
}

static int show_household(hub_ctx *ctx, const char *typed, int json)
{
	show_state s = { ctx, 0, 0 };
	hub_ref_match match;
	char err[2048], hex[17];
	proto_id id;
	bool found;
	hub_result r;

	if (hub_household_name(ctx->db, typed, &id, &match, err, sizeof(err)) != HUB_OK) {
		hub_errorf("%s", err);
		return match == HUB_REF_MALFORMED ? HUB_EXIT_USAGE : HUB_EXIT_FAIL;
	}
	proto_key_id_hex(id.origin, hex);
	if (json)
		printf("{\"id\": \"%s-%llu\"", hex, (unsigned long long)id.serial);
	else
		printf("%-14s %s-%llu\n", "id", hex, (unsigned long long)id.serial);
	r = hub_household_show(ctx->db, id, json ? json_column : print_column, ctx, &found);
	if (r == HUB_OK && json)
		printf(", \"milestones\": [");
	if (r == HUB_OK)
		r = hub_household_events(ctx->db, id, json ? json_event : print_event, &s);
	if (r != HUB_OK) {
		if (json)
			putchar('\n');
		hub_errorf("cannot read the household: %s", sqlite3_errmsg(ctx->db));
		return HUB_EXIT_FAIL;
	}
	if (json)
		printf("%s]}\n", s.contributions ? "" : "], \"contributions\": [");
	else if (!s.milestones && !s.contributions)
		printf("milestones:    none\ncontributions: none\n");
	else if (!s.contributions)
		printf("contributions: none\n");
	return HUB_EXIT_OK;
}

/* ---- the command -------------------------------------------------------- */

/* Check the filter against the campaign: 0, or an exit code (said). */
static int check_filter(hub_ctx *ctx, household_filter *f, const char *status)
{
	const proto_unit *u;

	f->units = &ctx->cfg->campaign.units;
	if (f->commune && (u = proto_units_find(f->units, f->commune)) && u->level != PROTO_UNIT_COMMUNE) {
		hub_errorf("%d is %s, not a commune: use --district %d", f->commune, u->name, f->commune);
		return HUB_EXIT_USAGE;
	}
	if (f->district &&
	    (!(u = proto_units_find(f->units, f->district)) || u->level != PROTO_UNIT_DISTRICT)) {
		hub_errorf("--district %d is not a district of campaign '%s': see 'maiam-hub report"
			   " progress' for the codes",
			   f->district, ctx->cfg->campaign_id);
		return HUB_EXIT_USAGE;
	}
	if (status && !(f->status = proto_label_code(&ctx->cfg->campaign.labels,
						     PROTO_LIST_REVIEW_STATUS, status))) {
		hub_errorf("--status '%s' is not a review status: use proposed, approved or rejected",
			   status);
		return HUB_EXIT_USAGE;
	}
	return 0;
}

int hub_cmd_household(int argc, char **argv)
{
	static const char *const subs[] = { "list", "show", "approve", "reject", NULL };
	static const hub_group group = {
		"household", subs,
		"household list [--commune CODE] [--district CODE] [--status S] [--json];"
		" household show ID|REF [--json]; household approve|reject ID|REF... | --commune CODE"
		" [--district CODE] [--status S] [--reason TEXT] [--yes]"
	};
	const char *dir = hub_default_dir(), *sub = argc > 1 ? argv[1] : "";
	const char *reason = NULL, *status = NULL;
	household_filter f = { 0, 0, NULL, NULL };
	hub_decision d = { sub, NULL, NULL, 0 };
	char err[512], *pos[MAX_IDS];
	int json = 0, rc = HUB_EXIT_OK, is_list = strcmp(sub, "list") == 0;
	int is_decision = strcmp(sub, "approve") == 0 || strcmp(sub, "reject") == 0;
	hub_ctx ctx;
	const cli_opt list_opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_FLAG("json", &json, "as JSON (codes, not labels)"),
		CLI_INT("commune", &f.commune, 1, 999999, "CODE", "only the households of this commune"),
		CLI_INT("district", &f.district, 1, 999999, "CODE", "only those of this district"),
		CLI_STRING("status", &status, "proposed|approved|rejected",
			   "only those with this review status"),
	};
	const cli_opt show_opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_FLAG("json", &json, "as JSON (codes, not labels), with the events"),
	};
	const cli_opt decision_opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_STRING("reason", &reason, "TEXT", "why (the laptop shows it)"),
		CLI_INT("commune", &f.commune, 1, 999999, "CODE", "every household of this commune"),
		CLI_INT("district", &f.district, 1, 999999, "CODE", "every household of this district"),
		CLI_STRING("status", &status, "proposed|approved|rejected",
			   "only those with this review status"),
		CLI_FLAG("yes", &d.yes, "decide several without asking (where there is no terminal)"),
	};
	cli_spec list_spec = { CLI_TABLE(list_opts) };
	cli_spec decision_spec = { CLI_TABLE(decision_opts), .args = pos, .maxargs = MAX_IDS };
	cli_spec show_spec = { CLI_TABLE(show_opts), .args = pos, .maxargs = 1 };
	cli_spec *spec = is_list ? &list_spec : is_decision ? &decision_spec : &show_spec;
	int filtered;

	if (hub_parse_args(&group,
			   is_list       ? ""
			   : is_decision ? "ID|REF..."
					 : "ID|REF",
			   spec, argc, argv, &rc))
		return rc;
	filtered = f.commune || f.district || status;
	if (!is_list && !spec->nargs && !(is_decision && filtered)) {
		hub_errorf("household %s needs an ID like 0123456789abcdef-12 or a reference like"
			   " 36S0-2 (from 'household list')%s",
			   sub,
			   is_decision ? ", or a filter such as --commune CODE --status proposed" : "");
		return HUB_EXIT_USAGE;
	}
	if (is_decision && spec->nargs && filtered) {
		hub_errorf("household %s takes household ids or a filter, not both", sub);
		return HUB_EXIT_USAGE;
	}
	if (hub_open(&ctx, dir, err, sizeof(err))) {
		hub_errorf("%s", err);
		return HUB_EXIT_FAIL;
	}
	if ((rc = check_filter(&ctx, &f, status)) != 0)
		goto out;
	if (is_list) {
		rc = list_households(&ctx, &f, json);
	} else if (!is_decision) {
		rc = show_household(&ctx, pos[0], json);
	} else {
		d.status = strcmp(sub, "approve") == 0 ? "approved" : "rejected";
		d.reason = reason;
		rc = hub_household_decide(&ctx, &d, pos, spec->nargs, &f);
	}
out:
	hub_close(&ctx);
	return rc;
}
