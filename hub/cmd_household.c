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
#include "cmd_household_photos.h"
#include "cmd_household_history.h"
#include "decision.h"
#include "household_ref.h"
#include "cmd.h"
#include "cmd_household.h"
#include "i18n.h"
#include "report/xlsx.h"

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

/* The column heads, from one message (no other message can share its
 * words); the English ones if the translation has not NCOLS heads. */
typedef struct list_heads {
	char text[256];
	const char *cell[NCOLS];
} list_heads;

static void heads_of(list_heads *h)
{
	/* TRANSLATORS: the heads of 'maiam-hub household list', in this order,
	   separated by |: the full household id, the short ref read on the phone,
	   the commune's code, the head of household, the category, the province's
	   review. */
	const char *all[] = { _("ID|REF|COMMUNE|NAME|CATEGORY|REVIEW"),
			      "ID|REF|COMMUNE|NAME|CATEGORY|REVIEW" };
	size_t i, k;
	char *p;

	for (k = 0; k < 2; k++) {
		snprintf(h->text, sizeof(h->text), "%s", all[k]);
		for (i = 0, p = h->text; i < NCOLS && p; i++) {
			h->cell[i] = p;
			if ((p = strchr(p, '|')) != NULL)
				*p++ = '\0';
		}
		if (i == NCOLS && !p)
			return;
	}
}

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
	snprintf(c->review, sizeof(c->review), r->withdrawn ? _("%s (withdrawn)") : "%s",
		 hub_label_of(ctx, PROTO_LIST_REVIEW_STATUS,
			      r->review_status ? r->review_status : "proposed"));
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
	list_heads heads;
	hub_result r = HUB_OK;
	size_t i;

	if (json) {
		printf("[");
		r = hub_household_each(ctx->db, f->commune, list_row, &ls);
		printf("]\n");
	} else {
		heads_of(&heads);
		for (i = 0; i < NCOLS; i++)
			ls.width[i] = proto_utf8_width(heads.cell[i]);
		ls.measuring = 1;
		r = hub_household_each(ctx->db, f->commune, list_row, &ls);
		ls.measuring = 0;
		if (r == HUB_OK && ls.n == 0)
			printf("%s", _("no household at the hub matches\n"));
		if (r == HUB_OK && ls.n) {
			print_line(&ls, heads.cell);
			ls.n = 0;
			r = hub_household_each(ctx->db, f->commune, list_row, &ls);
		}
	}
	if (r != HUB_OK) {
		hub_errorf(_("cannot read households: %s"), sqlite3_errmsg(ctx->db));
		return HUB_EXIT_FAIL;
	}
	return HUB_EXIT_OK;
}

/* The list as an Excel workbook (hub/report/xlsx.h) written to path. */
static int list_workbook(hub_ctx *ctx, const household_filter *f, const char *as_of, const char *path)
{
	hub_household_scope scope = { f->commune, f->district, f->status };
	char err[512];
	proto_buf b;
	int rc = HUB_EXIT_FAIL;

	proto_buf_init(&b, HUB_REPORT_MAX_OUT);
	if (hub_xlsx_households(ctx->db, &ctx->cfg->campaign, as_of, &scope, &b, err, sizeof(err)))
		hub_errorf("%s", err);
	else if (hub_report_write_out(&b, path) == 0)
		rc = HUB_EXIT_OK;
	proto_buf_release(&b);
	return rc;
}

/* ---- household show ---------------------------------------------------- */

/*
 * What 'household show' calls the household's stored columns: in English
 * the column names themselves (as --json has them), in Vietnamese the
 * words of the laptop's forms. Each message names its context ("household
 * show: ...") so that no other message shares it; untranslated, the column
 * name is shown. A column missing here shows its name.
 */
static const struct {
	const char *column, *title;
} show_fields[] = {
	/* TRANSLATORS: after "household show:", the title of a field of a
	   household; translate only the title. The full id (ORIGINHEX-SERIAL). */
	{ "id", N_("household show: id") },
	/* TRANSLATORS: the short reference read on the phone (36S0-2) */
	{ "ref", N_("household show: ref") },
	/* TRANSLATORS: the head of household's name */
	{ "name", N_("household show: name") },
	{ "national_id", N_("household show: national_id") },
	/* TRANSLATORS: the household's commune (its code) */
	{ "commune", N_("household show: commune") },
	{ "hamlet", N_("household show: hamlet") },
	{ "address", N_("household show: address") },
	{ "members", N_("household show: members") },
	{ "category", N_("household show: category") },
	{ "land_status", N_("household show: land_status") },
	/* TRANSLATORS: the house's condition */
	{ "condition", N_("household show: condition") },
	{ "phone", N_("household show: phone") },
	{ "note", N_("household show: note") },
	{ "support_kind", N_("household show: support_kind") },
	/* TRANSLATORS: the province's review of the household (xác nhận) */
	{ "review_status", N_("household show: review_status") },
	{ "review_reason", N_("household show: review_reason") },
	/* TRANSLATORS: the reason the household left the campaign */
	{ "withdrawn", N_("household show: withdrawn") },
};

#define SHOW_FIELDS (sizeof(show_fields) / sizeof(show_fields[0]))

/* msgid's translation, or english where the catalogue has none. */
static const char *translated_or(const char *msgid, const char *english)
{
	const char *t = _(msgid);

	return strcmp(t, msgid) == 0 ? english : t;
}

static const char *field_title(const char *column)
{
	size_t i;

	for (i = 0; i < SHOW_FIELDS; i++)
		if (strcmp(show_fields[i].column, column) == 0)
			return translated_or(show_fields[i].title, column);
	return column;
}

/* A section with nothing in it. */
static const char *none_word(void)
{
	/* TRANSLATORS: translate only "none": a section (milestones,
	   contributions) of 'household show' with nothing in it */
	return translated_or(N_("household show: none"), "none");
}

/* hub_household_show's and hub_household_events' printer: the titles'
 * column, and which sections were opened. */
typedef struct show_state {
	const hub_ctx *ctx;
	size_t width;
	size_t milestones, contributions;
} show_state;

/* The titles' display width: 14 in English, more if a translation is longer. */
static size_t titles_width(void)
{
	const char *sections[] = { _("milestones:"), _("contributions:") };
	size_t i, w, width = 14;

	for (i = 0; i < SHOW_FIELDS + 2; i++) {
		w = proto_utf8_width(i < SHOW_FIELDS ? field_title(show_fields[i].column)
						     : sections[i - SHOW_FIELDS]);
		width = w > width ? w : width;
	}
	return width;
}

/* "title   value", the title padded to the titles' display width. */
static void print_titled(const show_state *s, const char *title, const char *value)
{
	size_t w;

	fputs(title, stdout);
	for (w = proto_utf8_width(title); w < s->width + 1; w++)
		putchar(' ');
	puts(value);
}

static void print_column(void *arg, const char *name, const char *value)
{
	const show_state *s = arg;
	const proto_field_desc *d = proto_field_by_name(PROTO_KIND_HOUSEHOLD, name);
	proto_list list;

	if (d && d->field == PROTO_HH_REVIEW_STATUS && !value)
		value = "proposed"; /* no decision yet */
	if (value && d && proto_list_of(PROTO_KIND_HOUSEHOLD, d->field, &list))
		value = hub_label_of(s->ctx, list, value);
	print_titled(s, field_title(name), value ? value : "");
}

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
			print_titled(s, _("milestones:"), none_word());
		puts(_("contributions:"));
	} else if (e->kind == PROTO_KIND_MILESTONE && !s->milestones) {
		puts(_("milestones:"));
	}
	proto_key_id_hex(e->id.origin, hex);
	proto_date_show(e->date ? e->date : "-", PROTO_DATES_VN, date, sizeof(date));
	printf("  %s-%llu  %s", hex, (unsigned long long)e->id.serial, date);
	if (e->kind == PROTO_KIND_MILESTONE) {
		s->milestones++;
		printf("  %s", hub_label_of(s->ctx, PROTO_LIST_STAGE, e->stage));
		if (e->forced)
			printf(_("  (out of order: %s)"), e->forced);
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
		printf(_("  VOIDED: %s"), e->void_reason ? e->void_reason : "");
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
	show_state s = { ctx, 0, 0, 0 };
	hub_ref_match match;
	char err[2048], hex[17], full[40];
	proto_id id;
	bool found;
	hub_result r;

	if (hub_household_name(ctx->db, typed, &id, &match, err, sizeof(err)) != HUB_OK) {
		hub_errorf("%s", err);
		return match == HUB_REF_MALFORMED ? HUB_EXIT_USAGE : HUB_EXIT_FAIL;
	}
	proto_key_id_hex(id.origin, hex);
	snprintf(full, sizeof(full), "%s-%llu", hex, (unsigned long long)id.serial);
	s.width = titles_width();
	if (json)
		printf("{\"id\": \"%s\"", full);
	else
		print_titled(&s, field_title("id"), full);
	r = hub_household_show(ctx->db, id, json ? json_column : print_column, &s, &found);
	if (r == HUB_OK && json)
		printf(", \"milestones\": [");
	if (r == HUB_OK)
		r = hub_household_events(ctx->db, id, json ? json_event : print_event, &s);
	if (r != HUB_OK) {
		if (json)
			putchar('\n');
		hub_errorf(_("cannot read the household: %s"), sqlite3_errmsg(ctx->db));
		return HUB_EXIT_FAIL;
	}
	if (json)
		printf("%s]", s.contributions ? "" : "], \"contributions\": [");
	if (!json && !s.milestones && !s.contributions)
		print_titled(&s, _("milestones:"), none_word());
	if (!json && !s.contributions)
		print_titled(&s, _("contributions:"), none_word());
	if (hub_household_photos_show(ctx, id, json, s.width, none_word()) != HUB_OK ||
	    hub_household_history_show(ctx, id, json, s.width, none_word()) != HUB_OK) {
		hub_errorf(_("cannot read the household: %s"), sqlite3_errmsg(ctx->db));
		return HUB_EXIT_FAIL;
	}
	if (json)
		puts("}");
	return HUB_EXIT_OK;
}

/* ---- the command -------------------------------------------------------- */

/* Check the filter against the campaign: 0, or an exit code (said). */
static int check_filter(hub_ctx *ctx, household_filter *f, const char *status)
{
	const proto_unit *u;

	f->units = &ctx->cfg->campaign.units;
	if (f->commune && (u = proto_units_find(f->units, f->commune)) && u->level != PROTO_UNIT_COMMUNE) {
		hub_errorf(_("%d is %s, not a commune: use --district %d"), f->commune, u->name,
			   f->commune);
		return HUB_EXIT_USAGE;
	}
	if (f->district &&
	    (!(u = proto_units_find(f->units, f->district)) || u->level != PROTO_UNIT_DISTRICT)) {
		hub_errorf(_("--district %d is not a district of campaign '%s': see 'maiam-hub report"
			     " progress' for the codes"),
			   f->district, ctx->cfg->campaign_id);
		return HUB_EXIT_USAGE;
	}
	if (status && !(f->status = proto_label_code(&ctx->cfg->campaign.labels,
						     PROTO_LIST_REVIEW_STATUS, status))) {
		hub_errorf(_("--status '%s' is not a review status: use proposed, approved or rejected"),
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
		"household list [--commune CODE] [--district CODE] [--status S] [--json]"
		" [--format table|json|xlsx --out FILE --as-of YYYY-MM-DD];"
		" household show ID|REF [--json]; household approve|reject ID|REF... | --commune CODE"
		" [--district CODE] [--status S] [--reason TEXT] [--by NAME] [--yes]"
	};
	const char *dir = hub_default_dir(), *sub = argc > 1 ? argv[1] : "";
	const char *reason = NULL, *status = NULL, *out_path = NULL, *as_of = NULL;
	static const char *const list_formats[] = { "table", "json", "xlsx", NULL };
	hub_report_opts book = { .kind = HUB_REPORT_HOUSEHOLDS, .format = HUB_FMT_XLSX };
	int list_format = -1;
	household_filter f = { 0, 0, NULL, NULL };
	hub_decision d = { sub, NULL, NULL, NULL, 0 };
	char cli_operator[PROTO_OPERATOR_MAX + 1];
	char err[512], *pos[MAX_IDS];
	int json = 0, rc = HUB_EXIT_OK, is_list = strcmp(sub, "list") == 0;
	int is_decision = strcmp(sub, "approve") == 0 || strcmp(sub, "reject") == 0;
	hub_ctx ctx;
	const cli_opt list_opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_FLAG("json", &json, N_("as JSON (codes, not labels)")),
		CLI_CHOICE("format", &list_format, list_formats, "table|json|xlsx",
			   N_("table: in your language; json: codes; xlsx: the list (Danh sách hộ) with"
			      " every field, stage and money")),
		CLI_STRING("out", &out_path, "FILE",
			   N_("write the report to FILE (required with --format xlsx)")),
		CLI_STRING("as-of", &as_of, "YYYY-MM-DD",
			   N_("xlsx: stage and money as of this day (today)")),
		CLI_INT("commune", &f.commune, 1, 999999, "CODE",
			N_("only the households of this commune")),
		CLI_INT("district", &f.district, 1, 999999, "CODE", N_("only those of this district")),
		CLI_STRING("status", &status, "proposed|approved|rejected",
			   N_("only those with this review status")),
	};
	const cli_opt show_opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_FLAG("json", &json, N_("as JSON (codes, not labels), with the events")),
	};
	const cli_opt decision_opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_STRING("reason", &reason, "TEXT", N_("why (the laptop shows it)")),
		CLI_INT("commune", &f.commune, 1, 999999, "CODE", N_("every household of this commune")),
		CLI_INT("district", &f.district, 1, 999999, "CODE", N_("every household of this district")),
		CLI_STRING("status", &status, "proposed|approved|rejected",
			   N_("only those with this review status")),
		CLI_FLAG("yes", &d.yes, N_("decide several without asking (where there is no terminal)")),
		CLI_STRING("by", &d.by, "NAME", N_("who decides, signed with it (default $USER@cli)")),
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
		hub_errorf(is_decision ? _("household %s needs an ID like 0123456789abcdef-12 or a"
					   " reference like 36S0-2 (from 'household list'), or a"
					   " filter such as --commune CODE --status proposed")
				       : _("household %s needs an ID like 0123456789abcdef-12 or a"
					   " reference like 36S0-2 (from 'household list')"),
			   sub);
		return HUB_EXIT_USAGE;
	}
	if (is_list && as_of && !hub_report_valid_date(as_of)) {
		hub_errorf(_("--as-of '%s' is not a date: write it as YYYY-MM-DD"), as_of);
		return HUB_EXIT_USAGE;
	}
	if (as_of) /* the day the suggested file name carries */
		snprintf(book.as_of, sizeof(book.as_of), "%s", as_of);
	if (is_list && list_format == 2 && hub_report_needs_out(&book, out_path))
		return HUB_EXIT_USAGE;
	if (is_decision && spec->nargs && filtered) {
		hub_errorf(_("household %s takes household ids or a filter, not both"), sub);
		return HUB_EXIT_USAGE;
	}
	if (hub_open(&ctx, dir, err, sizeof(err))) {
		hub_errorf("%s", err);
		return HUB_EXIT_FAIL;
	}
	if ((rc = check_filter(&ctx, &f, status)) != 0)
		goto out;
	if (is_list && list_format == 2) {
		rc = list_workbook(&ctx, &f, as_of, out_path);
	} else if (is_list) {
		rc = list_households(&ctx, &f, json || list_format == 1);
	} else if (!is_decision) {
		rc = show_household(&ctx, pos[0], json);
	} else {
		d.status = strcmp(sub, "approve") == 0 ? "approved" : "rejected";
		d.reason = reason;
		if (!d.by)
			d.by = hub_cli_operator(cli_operator, sizeof(cli_operator));
		rc = hub_household_decide(&ctx, &d, pos, spec->nargs, &f);
	}
out:
	hub_close(&ctx);
	return rc;
}
