/*
 * cmd_household.c - maiam-hub household list|show|approve|reject: what the
 * hub holds, and the province's review of a household (xác nhận: approved or
 * rejected, never to be confused with the construction stage "approved",
 * Được duyệt hỗ trợ). A decision is a hub-origin change-set (review_status,
 * review_reason) stamped by the hub's clock, merged through proto_merge and
 * written to the ledger, from which pull carries it down: one change-set per
 * household, so each reaches only the laptops of its own commune.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "maiam/cli.h"
#include "maiam/text.h"
#include "ctx.h"
#include "store.h"
#include "ingest.h"
#include "json.h"
#include "household_ref.h"
#include "cmd.h"

/* Households a decision names without asking: one typed id. More (or a
 * filter) are shown and confirmed; up to this many are listed by name. */
#define LIST_BEFORE_CONFIRM 20
#define MAX_IDS 256

/* Which households a listing or a batch decision covers. */
typedef struct household_filter {
	int commune;        /* 0: any (done in SQL) */
	int district;       /* 0: any */
	const char *status; /* a review status code; NULL: any */
	const proto_units *units;
} household_filter;

static int filter_match(const household_filter *f, const hub_household_row *r)
{
	const char *status = r->review_status ? r->review_status : "proposed";

	if (f->district && (!r->has_commune ||
			    proto_units_district_of(f->units, (int)r->commune) != f->district))
		return 0;
	return !f->status || strcmp(status, f->status) == 0;
}

/* The Vietnamese label of a code for people; the code itself if it has none. */
static const char *label_of(const hub_ctx *ctx, proto_list list, const char *code)
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
static const char *const list_heads[NCOLS] = { "ID", "REF", "COMMUNE", "NAME", "CATEGORY",
					       "REVIEW" };

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
		 label_of(ctx, PROTO_LIST_REVIEW_STATUS,
			  r->review_status ? r->review_status : "proposed"),
		 r->withdrawn ? " (withdrawn)" : "");
	c->cell[COL_ID] = c->id;
	c->cell[COL_REF] = r->ref ? r->ref : "-";
	c->cell[COL_COMMUNE] = c->commune;
	c->cell[COL_NAME] = r->name ? r->name : "-";
	c->cell[COL_CATEGORY] = r->category ? label_of(ctx, PROTO_LIST_CATEGORY, r->category) : "-";
	c->cell[COL_REVIEW] = c->review;
}

static void print_line(const list_state *ls, const char *const *cell)
{
	size_t i, w;

	for (i = 0; i < NCOLS; i++) {
		fputs(cell[i], stdout);
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

	if (!filter_match(ls->filter, r))
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
		value = label_of(ctx, list, value);
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
		printf("  %s", label_of(s->ctx, PROTO_LIST_STAGE, e->stage));
		if (e->forced)
			printf("  (out of order: %s)", e->forced);
	} else {
		s->contributions++;
		printf("  %s", label_of(s->ctx, PROTO_LIST_SOURCE, e->source));
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

static int show_household(hub_ctx *ctx, const char *typed)
{
	show_state s = { ctx, 0, 0 };
	hub_ref_match match;
	char err[2048], hex[17];
	proto_id id;
	bool found;

	if (hub_household_name(ctx->db, typed, &id, &match, err, sizeof(err)) != HUB_OK) {
		hub_errorf("%s", err);
		return match == HUB_REF_MALFORMED ? HUB_EXIT_USAGE : HUB_EXIT_FAIL;
	}
	proto_key_id_hex(id.origin, hex);
	printf("%-14s %s-%llu\n", "id", hex, (unsigned long long)id.serial);
	if (hub_household_show(ctx->db, id, print_column, ctx, &found) != HUB_OK ||
	    hub_household_events(ctx->db, id, print_event, &s) != HUB_OK) {
		hub_errorf("cannot read the household: %s", sqlite3_errmsg(ctx->db));
		return HUB_EXIT_FAIL;
	}
	if (!s.milestones && !s.contributions)
		printf("milestones:    none\n");
	if (!s.contributions)
		printf("contributions: none\n");
	return HUB_EXIT_OK;
}

/* ---- household approve|reject ------------------------------------------ */

static int decide(hub_ctx *ctx, proto_id id, const char *status, const char *reason)
{
	proto_changeset cs;
	uint8_t zeros[32] = { 0 };
	uint64_t last = 0, base_status = 0, base_reason = 0, stamp;
	int64_t commune;
	proto_hlc clock;
	char err[256];
	int rc = HUB_EXIT_FAIL;
	hub_result got;
	bool found;

	got = hub_household_commune(ctx->db, id, &commune, &found);
	if (got == HUB_OK && !found) {
		hub_errorf("no household with that id at the hub: see 'maiam-hub household list'");
		return HUB_EXIT_FAIL;
	}
	if (got != HUB_OK || hub_meta_get_u64(ctx->db, "hlc_last", &last) != HUB_OK ||
	    hub_household_stamp(ctx->db, id, PROTO_HH_REVIEW_STATUS, &base_status) != HUB_OK ||
	    hub_household_stamp(ctx->db, id, PROTO_HH_REVIEW_REASON, &base_reason) != HUB_OK) {
		hub_errorf("cannot read the hub database: %s", sqlite3_errmsg(ctx->db));
		return HUB_EXIT_FAIL;
	}
	/* the hub clock has observed every stamp it merged, so this one wins */
	proto_hlc_init(&clock, last);
	stamp = proto_hlc_now(&clock, proto_wall_ms());
	if (proto_changeset_init(&cs, ctx->cfg->campaign_id, ctx->cfg->key_id, 1, zeros, stamp) !=
	    PROTO_OK) {
		hub_errorf("cannot start the decision change-set");
		return HUB_EXIT_FAIL;
	}
	if (proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, id, stamp, ctx->cfg->key_id) != PROTO_OK ||
	    proto_changeset_add_text(&cs, PROTO_HH_REVIEW_STATUS, base_status, status,
				     strlen(status)) != PROTO_OK ||
	    (reason ? proto_changeset_add_text(&cs, PROTO_HH_REVIEW_REASON, base_reason, reason,
					       strlen(reason))
		    : proto_changeset_add_null(&cs, PROTO_HH_REVIEW_REASON, base_reason)) != PROTO_OK) {
		hub_errorf("the reason is not acceptable text (UTF-8, at most %u bytes)", PROTO_MAX_TEXT);
		rc = HUB_EXIT_USAGE;
		goto out;
	}
	if (hub_ingest_own(ctx, &cs, err, sizeof(err)) != HUB_OK) {
		hub_errorf("%s", err);
		goto out;
	}
	printf("household %016llx-%llu: review %s (%s); laptops of commune %lld get it at their"
	       " next sync\n", (unsigned long long)id.origin, (unsigned long long)id.serial, status,
	       label_of(ctx, PROTO_LIST_REVIEW_STATUS, status), (long long)commune);
	rc = HUB_EXIT_OK;
out:
	proto_changeset_release(&cs);
	return rc;
}

/* The households a batch decision covers, with what the confirmation shows. */
typedef struct batch_item {
	proto_id id;
	int64_t commune;
	char ref[HUB_REF_MAX];
	char name[128];
	int known; /* ref, name and commune read */
} batch_item;

typedef struct batch {
	batch_item *a;
	size_t n, cap;
	const household_filter *filter;
	int failed; /* out of memory */
} batch;

static batch_item *batch_find(const batch *b, proto_id id)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->a[i].id.origin == id.origin && b->a[i].id.serial == id.serial)
			return &b->a[i];
	return NULL;
}

static batch_item *batch_add(batch *b, proto_id id)
{
	batch_item *it = batch_find(b, id);

	if (it)
		return it; /* named twice: decided once */
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		batch_item *a = realloc(b->a, cap * sizeof(*a));

		if (!a) {
			b->failed = 1;
			return NULL;
		}
		b->a = a;
		b->cap = cap;
	}
	it = &b->a[b->n++];
	memset(it, 0, sizeof(*it));
	it->id = id;
	return it;
}

static void batch_describe(batch_item *it, const hub_household_row *r)
{
	snprintf(it->ref, sizeof(it->ref), "%s", r->ref ? r->ref : "-");
	snprintf(it->name, sizeof(it->name), "%s", r->name ? r->name : "-");
	it->commune = r->commune;
	it->known = 1;
}

/* A filter's walk: every household it matches joins the batch. */
static int batch_take(void *arg, const hub_household_row *r)
{
	batch *b = arg;
	batch_item *it;

	if (!filter_match(b->filter, r))
		return 0;
	if (!(it = batch_add(b, r->id)))
		return 1;
	batch_describe(it, r);
	return 0;
}

/* Typed ids' walk: what the confirmation shows of each. */
static int batch_fill(void *arg, const hub_household_row *r)
{
	batch_item *it = batch_find(arg, r->id);

	if (it)
		batch_describe(it, r);
	return 0;
}

/* Ask on the terminal; 1 for yes. */
static int confirm(const char *verb, size_t n)
{
	char line[32];

	fprintf(stderr, "%s these %zu households? [y/N] ", verb, n);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "y") == 0 || strcmp(line, "Y") == 0 || strcmp(line, "yes") == 0 ||
	       strcmp(line, "có") == 0 || strcmp(line, "co") == 0 || strcmp(line, "c") == 0;
}

typedef struct decision {
	const char *verb;   /* "approve" | "reject" */
	const char *status; /* "approved" | "rejected" */
	const char *reason;
	int yes;
} decision;

static int decide_batch(hub_ctx *ctx, const decision *d, char **typed, size_t ntyped,
			const household_filter *f)
{
	batch b = { NULL, 0, 0, f, 0 };
	hub_ref_match match;
	char err[2048];
	proto_id id;
	size_t i, done = 0;
	int rc = HUB_EXIT_FAIL;

	for (i = 0; i < ntyped; i++) {
		if (hub_household_name(ctx->db, typed[i], &id, &match, err, sizeof(err)) != HUB_OK) {
			hub_errorf("%s", err);
			rc = match == HUB_REF_MALFORMED ? HUB_EXIT_USAGE : HUB_EXIT_FAIL;
			goto out; /* nothing decided while any name is wrong */
		}
		if (!batch_add(&b, id))
			break;
	}
	if (!ntyped && hub_household_each(ctx->db, f->commune, batch_take, &b) != HUB_OK) {
		hub_errorf("cannot read households: %s", sqlite3_errmsg(ctx->db));
		goto out;
	}
	if (b.failed) {
		hub_errorf("out of memory collecting the households to %s", d->verb);
		goto out;
	}
	if (b.n == 0) {
		printf("no household matches: nothing to %s\n", d->verb);
		rc = HUB_EXIT_OK;
		goto out;
	}
	if (ntyped != 1) { /* a batch: say what it covers, then ask */
		if (b.n <= LIST_BEFORE_CONFIRM && ntyped &&
		    hub_household_each(ctx->db, 0, batch_fill, &b) != HUB_OK) {
			hub_errorf("cannot read households: %s", sqlite3_errmsg(ctx->db));
			goto out;
		}
		printf("%s %zu households (review: %s):\n", d->verb, b.n,
		       label_of(ctx, PROTO_LIST_REVIEW_STATUS, d->status));
		for (i = 0; i < b.n && b.n <= LIST_BEFORE_CONFIRM; i++)
			printf("  %s  %s  commune %lld  %016llx-%llu\n", b.a[i].ref, b.a[i].name,
			       (long long)b.a[i].commune, (unsigned long long)b.a[i].id.origin,
			       (unsigned long long)b.a[i].id.serial);
		fflush(stdout);
		if (!d->yes && !isatty(STDIN_FILENO)) {
			hub_errorf("%s %zu households: there is no terminal to confirm on; add --yes",
				   d->verb, b.n);
			rc = HUB_EXIT_USAGE;
			goto out;
		}
		if (!d->yes && !confirm(d->verb, b.n)) {
			hub_errorf("nothing decided");
			goto out;
		}
	}
	for (i = 0; i < b.n; i++) {
		if ((rc = decide(ctx, b.a[i].id, d->status, d->reason)) != HUB_EXIT_OK) {
			if (b.n > 1)
				hub_errorf("stopped after %zu of %zu households", done, b.n);
			goto out;
		}
		done++;
	}
	rc = HUB_EXIT_OK;
out:
	free(b.a);
	return rc;
}

/* ---- the command -------------------------------------------------------- */

/* Check the filter against the campaign: 0, or an exit code (said). */
static int check_filter(hub_ctx *ctx, household_filter *f, const char *status)
{
	const proto_unit *u;

	f->units = &ctx->cfg->campaign.units;
	if (f->commune && (u = proto_units_find(f->units, f->commune)) &&
	    u->level != PROTO_UNIT_COMMUNE) {
		hub_errorf("%d is %s, not a commune: use --district %d", f->commune, u->name,
			   f->commune);
		return HUB_EXIT_USAGE;
	}
	if (f->district && (!(u = proto_units_find(f->units, f->district)) ||
			    u->level != PROTO_UNIT_DISTRICT)) {
		hub_errorf("--district %d is not a district of campaign '%s': see 'maiam-hub report"
			   " progress' for the codes", f->district, ctx->cfg->campaign_id);
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
	static const hub_group group = { "household", subs,
		"household list [--commune CODE] [--district CODE] [--status S] [--json];"
		" household show ID|REF; household approve|reject ID|REF... | --commune CODE"
		" [--district CODE] [--status S] [--reason TEXT] [--yes]" };
	const char *dir = hub_default_dir(), *sub = argc > 1 ? argv[1] : "";
	const char *reason = NULL, *status = NULL;
	household_filter f = { 0, 0, NULL, NULL };
	decision d = { sub, NULL, NULL, 0 };
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
	const cli_opt show_opts[] = { HUB_DIR_OPT(&dir) };
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

	if (hub_parse_args(&group, is_list ? "" : is_decision ? "ID|REF..." : "ID|REF", spec, argc,
			   argv, &rc))
		return rc;
	filtered = f.commune || f.district || status;
	if (!is_list && !spec->nargs && !(is_decision && filtered)) {
		hub_errorf("household %s needs an ID like 0123456789abcdef-12 or a reference like"
			   " 36S0-2 (from 'household list')%s", sub,
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
		rc = show_household(&ctx, pos[0]);
	} else {
		d.status = strcmp(sub, "approve") == 0 ? "approved" : "rejected";
		d.reason = reason;
		rc = decide_batch(&ctx, &d, pos, spec->nargs, &f);
	}
out:
	hub_close(&ctx);
	return rc;
}
