/*
 * page_households.c - GET /households: every household of the store, found
 * as "household find" finds them (household_match.h), narrowed by hamlet,
 * category, stage and the hub's review, sorted, 50 to a page. A plain GET
 * form that works without JavaScript; /js/households.js only sends it when
 * typing stops. Every value of the query is checked: one the page does not
 * know is said beside its control (answer 400) and left out of the search.
 *
 * The page is built in one pass over the store (agent_hh_foreach): every
 * row is kept (the hamlets' list needs them all), the ones that pass the
 * filters are sorted through an index, and only one page of them is
 * written. agent_ui_households_render is also what bench_agent times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/labels.h"
#include "maiam/schema.h"
#include "maiam/text.h"
#include "cmds.h"
#include "household_match.h"
#include "store.h"
#include "ui.h"
#include "validate.h"

#define PER_PAGE 50
#define VALUE_MAX 256   /* a query value: a search text, a hamlet's name */
#define LABELS_MAX 400  /* a list's labels, joined */
#define ERROR_MAX 720   /* one message, the value it names included */
#define PAGE_DIGITS 6   /* page numbers up to 999999: 49 million households */
#define PAGE_WINDOW 2   /* page links either side of the current one */
#define NO_STAGE "none" /* the stage filter's value for "no stage yet" */

/* The query's keys, also the form's field names (id "f-" + name). */
enum { F_Q, F_HAMLET, F_CATEGORY, F_STAGE, F_REVIEW, F_SORT, F_WITHDRAWN, F_PAGE, F_N };
static const char *const field_name[F_N] = { "q",      "hamlet", "category",  "stage",
					     "review", "sort",   "withdrawn", "page" };

typedef enum { SORT_NAME, SORT_REF, SORT_HAMLET, SORT_STAGE, SORT_CHANGED } sort_key;
static const struct {
	const char *code;
	const char *label;
} sorts[] = {
	[SORT_NAME] = { "name", N_("Head of household") },
	[SORT_REF] = { "ref", N_("Reference") },
	[SORT_HAMLET] = { "hamlet", N_("Hamlet") },
	[SORT_STAGE] = { "stage", N_("Stage") },
	[SORT_CHANGED] = { "changed", N_("Last change, newest first") },
};

/* What the query asks, each value checked; a bad one is left out of the
 * search and its message kept for the page. */
typedef struct filters {
	char value[F_N][VALUE_MAX]; /* as given: kept in the form */
	char error[F_N][ERROR_MAX]; /* "" when the value is good */
	char form_error[ERROR_MAX]; /* the query as a whole cannot be read */
	const char *category;       /* a code of the rulebook, or NULL: any */
	int stage;                  /* -1 any, 0 no stage yet, else the rank */
	const char *review;         /* a code, or NULL: any */
	sort_key sort;
	int withdrawn; /* show withdrawn households too */
	long page;     /* 1 and up; cut to the last page */
} filters;

/* One kept household: the row (owned) and what sorting needs. */
typedef struct item {
	agent_row row;
	char *folded_name;   /* sort keys, NULL until needed (owned) */
	char *folded_hamlet; /* sort by hamlet only */
	uint64_t changed;    /* sort by last change only */
	size_t order;        /* the store's order (by id), the last tie-break */
} item;

typedef struct listing {
	agent_ctx *ctx;
	item *items;
	size_t n, cap;
	size_t *shown; /* indexes of the items that pass the filters, sorted */
	size_t nshown;
	const char **hamlets; /* every distinct hamlet, borrowed from items */
	size_t nhamlets;
} listing;

static void listing_release(listing *l)
{
	for (size_t i = 0; i < l->n; i++) {
		agent_row_release(&l->items[i].row);
		free(l->items[i].folded_name);
		free(l->items[i].folded_hamlet);
	}
	free(l->items);
	free(l->shown);
	free(l->hamlets);
	memset(l, 0, sizeof(*l));
}

/* agent_hh_foreach: keep the row, its strings taken over from the walk. */
static proto_result keep_row(agent_row *row, void *arg)
{
	listing *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		item *grown = realloc(l->items, cap * sizeof(*grown));

		if (!grown)
			return PROTO_ENOMEM;
		l->items = grown;
		l->cap = cap;
	}
	memset(&l->items[l->n], 0, sizeof(item));
	l->items[l->n].row = *row;
	l->items[l->n].order = l->n;
	l->n++;
	memset(row->v, 0, sizeof(row->v)); /* the walk's release frees nothing now */
	return PROTO_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The hamlets the households name, each once, in byte order. */
static int collect_hamlets(listing *l)
{
	size_t n = 0;

	l->hamlets = malloc((l->n ? l->n : 1) * sizeof(*l->hamlets));
	if (!l->hamlets)
		return -1;
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].row.v[PROTO_HH_HAMLET] && l->items[i].row.v[PROTO_HH_HAMLET][0])
			l->hamlets[n++] = l->items[i].row.v[PROTO_HH_HAMLET];
	qsort(l->hamlets, n, sizeof(*l->hamlets), cmp_str);
	l->nhamlets = 0;
	for (size_t i = 0; i < n; i++)
		if (!l->nhamlets || strcmp(l->hamlets[l->nhamlets - 1], l->hamlets[i]) != 0)
			l->hamlets[l->nhamlets++] = l->hamlets[i];
	return 0;
}

static int known_hamlet(const listing *l, const char *hamlet)
{
	return bsearch(&hamlet, l->hamlets, l->nhamlets, sizeof(*l->hamlets), cmp_str) != NULL;
}

/* ---- the query ------------------------------------------------------------ */

/* A code of list for what was typed (a code or a label, diacritics and
 * case optional, as the CLI takes them), or NULL with the list's labels
 * in all for the message. */
static const char *list_code(const char *typed, proto_list list, char all[LABELS_MAX])
{
	const char *code = proto_label_code(agent_labels(), list, typed);

	if (!code)
		proto_label_all(agent_labels(), list, all, LABELS_MAX);
	return code;
}

static void check_stage(filters *f)
{
	const char *code;
	char all[LABELS_MAX];

	if (strcmp(f->value[F_STAGE], NO_STAGE) == 0) {
		f->stage = 0;
		return;
	}
	code = list_code(f->value[F_STAGE], PROTO_LIST_STAGE, all);
	if (code)
		f->stage = proto_stage_rank(code);
	else
		snprintf(f->error[F_STAGE], ERROR_MAX, _("'%s' is not a stage; choose one of: %s"),
			 f->value[F_STAGE], all);
}

static void check_sort(filters *f)
{
	for (size_t i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++) {
		if (strcmp(f->value[F_SORT], sorts[i].code) == 0) {
			f->sort = (sort_key)i;
			return;
		}
	}
	snprintf(f->error[F_SORT], ERROR_MAX,
		 _("'%s' is not a way to sort; choose one from the list (by name, reference, hamlet, "
		   "stage or last change)"),
		 f->value[F_SORT]);
}

static void check_page(filters *f)
{
	const char *v = f->value[F_PAGE];
	size_t digits = strspn(v, "0123456789");

	if (digits && !v[digits] && digits <= PAGE_DIGITS && strtol(v, NULL, 10) >= 1) {
		f->page = strtol(v, NULL, 10);
		return;
	}
	f->page = 1;
	snprintf(f->form_error, ERROR_MAX,
		 _("'%s' is not a page number; the first page is shown. Use the page links below "
		   "the list."),
		 v);
}

/* Each value of query into f, checked; a value that is not good is left
 * out (f's defaults) with its message. */
static void read_filters(filters *f, const char *query, const listing *l)
{
	char all[LABELS_MAX];

	memset(f, 0, sizeof(*f));
	f->stage = -1;
	f->page = 1;
	for (int i = 0; i < F_N; i++) {
		web_result r = web_query_value(query, field_name[i], f->value[i], VALUE_MAX);

		if (r == WEB_EMALFORMED) {
			memset(f->value, 0, sizeof(f->value));
			memset(f->error, 0, sizeof(f->error));
			snprintf(f->form_error, ERROR_MAX, "%s",
				 _("This address cannot be read (a broken %-escape or text that is not "
				   "UTF-8); every household is shown. Search again with the form."));
			return;
		}
		if (r == WEB_ETOOLONG)
			snprintf(f->error[i], ERROR_MAX,
				 _("too long: at most %d characters; shorten it"), VALUE_MAX - 1);
		else if (r == WEB_EDUPLICATE)
			snprintf(f->error[i], ERROR_MAX, "%s",
				 _("given twice in the address; choose one value with the form"));
		if (r != WEB_OK)
			f->value[i][0] = '\0';
	}
	if (f->value[F_HAMLET][0] && !known_hamlet(l, f->value[F_HAMLET]))
		snprintf(f->error[F_HAMLET], ERROR_MAX,
			 _("no household of this laptop is in hamlet '%s'; choose a hamlet from the list"),
			 f->value[F_HAMLET]);
	if (f->value[F_CATEGORY][0] &&
	    !(f->category = list_code(f->value[F_CATEGORY], PROTO_LIST_CATEGORY, all)))
		snprintf(f->error[F_CATEGORY], ERROR_MAX, _("'%s' is not a category; choose one of: %s"),
			 f->value[F_CATEGORY], all);
	if (f->value[F_STAGE][0])
		check_stage(f);
	if (f->value[F_REVIEW][0] &&
	    !(f->review = list_code(f->value[F_REVIEW], PROTO_LIST_REVIEW_STATUS, all)))
		snprintf(f->error[F_REVIEW], ERROR_MAX,
			 _("'%s' is not a review status of the province; choose one of: %s"),
			 f->value[F_REVIEW], all);
	if (f->value[F_SORT][0])
		check_sort(f);
	if (f->value[F_WITHDRAWN][0] && strcmp(f->value[F_WITHDRAWN], "1") != 0)
		snprintf(f->error[F_WITHDRAWN], ERROR_MAX, "%s",
			 _("use the box 'Show withdrawn households' (its value is 1)"));
	f->withdrawn = strcmp(f->value[F_WITHDRAWN], "1") == 0;
	if (f->value[F_PAGE][0])
		check_page(f);
}

static int field_bad(const filters *f, int field)
{
	return f->error[field][0] != '\0';
}

/* ---- filtering and sorting --------------------------------------------------- */

/* 1 when the row passes every good filter (the search aside). */
static int passes(const filters *f, const agent_row *row)
{
	const char *hamlet = row->v[PROTO_HH_HAMLET];

	if (row->v[PROTO_HH_WITHDRAWN] && !f->withdrawn)
		return 0;
	if (f->value[F_HAMLET][0] && !field_bad(f, F_HAMLET) &&
	    (!hamlet || strcmp(hamlet, f->value[F_HAMLET]) != 0))
		return 0;
	if (f->category && (!row->v[PROTO_HH_CATEGORY] || strcmp(row->v[PROTO_HH_CATEGORY], f->category)))
		return 0;
	if (f->stage >= 0 && row->stage != f->stage)
		return 0;
	if (f->review &&
	    (!row->v[PROTO_HH_REVIEW_STATUS] || strcmp(row->v[PROTO_HH_REVIEW_STATUS], f->review)))
		return 0;
	return 1;
}

/* agent_hh_changed_foreach: the stamp onto its item (found by id in the
 * store's order, which is the items'). */
static proto_result note_changed(proto_id id, uint64_t stamp, void *arg)
{
	listing *l = arg;
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		proto_id at = l->items[mid].row.id;

		/* the store's order: SQLite's, of the ids' signed integers */
		if (proto_u2i(at.origin) < proto_u2i(id.origin) ||
		    (at.origin == id.origin && proto_u2i(at.serial) < proto_u2i(id.serial)))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < l->n && proto_id_eq(l->items[lo].row.id, id))
		l->items[lo].changed = stamp;
	return PROTO_OK;
}

static int cmp_order(const item *a, const item *b)
{
	return (a->order > b->order) - (a->order < b->order);
}

static int cmp_names(const item *a, const item *b)
{
	int c = strcmp(a->folded_name, b->folded_name);

	return c ? c : cmp_order(a, b);
}

static int by_name(const void *a, const void *b)
{
	return cmp_names(*(item *const *)a, *(item *const *)b);
}

static int by_ref(const void *a, const void *b)
{
	return cmp_order(*(item *const *)a, *(item *const *)b);
}

static int by_hamlet(const void *a, const void *b)
{
	const item *x = *(item *const *)a, *y = *(item *const *)b;
	int c = strcmp(x->folded_hamlet, y->folded_hamlet);

	return c ? c : cmp_names(x, y);
}

static int by_stage(const void *a, const void *b)
{
	const item *x = *(item *const *)a, *y = *(item *const *)b;

	return x->row.stage != y->row.stage ? x->row.stage - y->row.stage : cmp_names(x, y);
}

static int by_changed(const void *a, const void *b)
{
	const item *x = *(item *const *)a, *y = *(item *const *)b;

	if (x->changed != y->changed)
		return x->changed < y->changed ? 1 : -1; /* newest first */
	return cmp_names(x, y);
}

/* The sort keys of it: its folded name always, the hamlet's for that sort. */
static int fold_keys(item *it, sort_key sort)
{
	const char *name = it->row.v[PROTO_HH_NAME], *hamlet = it->row.v[PROTO_HH_HAMLET];

	it->folded_name = proto_fold(name ? name : "");
	if (sort == SORT_HAMLET)
		it->folded_hamlet = proto_fold(hamlet ? hamlet : "");
	return it->folded_name && (sort != SORT_HAMLET || it->folded_hamlet) ? 0 : -1;
}

/* The items that pass f and the search, sorted, into l->shown. */
static proto_result select_rows(agent_ctx *ctx, listing *l, const filters *f)
{
	static int (*const cmp[])(const void *, const void *) = {
		[SORT_NAME] = by_name,   [SORT_REF] = by_ref,         [SORT_HAMLET] = by_hamlet,
		[SORT_STAGE] = by_stage, [SORT_CHANGED] = by_changed,
	};
	agent_hh_match match = { 0 };
	int searching = f->value[F_Q][0] && !field_bad(f, F_Q);
	item **sorted = NULL;
	proto_result r = PROTO_ENOMEM;

	l->shown = malloc((l->n ? l->n : 1) * sizeof(*l->shown));
	sorted = malloc((l->n ? l->n : 1) * sizeof(*sorted));
	if (!l->shown || !sorted || (searching && agent_hh_match_init(&match, f->value[F_Q]) != 0))
		goto out;
	l->nshown = 0;
	for (size_t i = 0; i < l->n; i++) {
		item *it = &l->items[i];
		int hit = passes(f, &it->row);

		if (hit && searching)
			hit = agent_hh_match_row(&match, &it->row);
		if (hit < 0 || (hit && fold_keys(it, f->sort) != 0))
			goto out;
		if (hit)
			sorted[l->nshown++] = it;
	}
	if (f->sort == SORT_CHANGED) {
		r = agent_hh_changed_foreach(ctx, note_changed, l);
		if (r != PROTO_OK)
			goto out;
	}
	qsort(sorted, l->nshown, sizeof(*sorted), cmp[f->sort]);
	for (size_t i = 0; i < l->nshown; i++)
		l->shown[i] = (size_t)(sorted[i] - l->items);
	r = PROTO_OK;
out:
	agent_hh_match_release(&match);
	free(sorted);
	return r;
}

/* ---- the page ------------------------------------------------------------------ */

static const char page_css[] =
	"main.list{display:block}"
	"#filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:10px 14px;"
	"align-items:end;background:#fff;border:1px solid #d5d9d0;border-radius:8px;padding:12px 16px;"
	"margin:0 0 12px}"
	"#filters .q,#filters .actions{grid-column:1/-1}"
	".actions{display:flex;flex-wrap:wrap;align-items:center;gap:8px 24px}"
	".actions .error{flex-basis:100%;margin:0}"
	".f label{display:block;font-weight:600;margin:0 0 4px}"
	".f input,.f select{width:100%;min-height:44px;font:inherit;padding:6px 8px;"
	"border:1px solid #7b8277;border-radius:6px;background:#fff;color:inherit}"
	".f [aria-invalid]{border:2px solid #a30000}"
	".f.check{display:flex;align-items:center;gap:10px;min-height:44px}"
	".f.check input{width:28px;min-height:28px;height:28px;margin:0;flex:none}"
	".f.check label{margin:0;font-weight:400}"
	"#save{min-height:44px;font:inherit;font-weight:600;padding:8px 24px;border:0;border-radius:6px;"
	"background:#1f5130;color:#fff;cursor:pointer}"
	".error{color:#a30000;font-weight:600;margin:4px 0 0;overflow-wrap:anywhere}"
	"#count{margin:0 0 8px;font-weight:600}"
	"#households{background:#fff;border:1px solid #d5d9d0}"
	"#households th{background:#e8ede4}"
	"#households td,#households th{padding:4px 8px;overflow-wrap:anywhere}"
	".tag{display:inline-block;background:#fde7c7;color:#6b3a00;border-radius:4px;padding:0 6px;"
	"margin-left:6px;font-size:.85em}"
	"tr.withdrawn{color:#555}"
	".vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}"
	".pages ul{display:flex;flex-wrap:wrap;gap:6px;list-style:none;padding:0;margin:12px 0}"
	".pages li{margin:0}"
	".pages a,.pages span{display:inline-block;min-width:44px;min-height:44px;padding:10px 12px;"
	"text-align:center;border-radius:6px;background:#fff;border:1px solid #d5d9d0}"
	".pages span[aria-current]{background:#1f5130;color:#fff;font-weight:600}"
	".pages span.gap{border:0;background:none;min-width:0}"
	"@media (max-width:600px){#filters{grid-template-columns:repeat(auto-fill,minmax(150px,1fr));"
	"padding:10px 12px}}"
	"@media (max-width:700px){#households thead{position:absolute;width:1px;height:1px;"
	"overflow:hidden;clip:rect(0 0 0 0)}"
	"#households,#households tbody,#households tr{display:block;width:100%;border:0;background:none}"
	"#households tr{background:#fff;border:1px solid #d5d9d0;border-radius:8px;margin:0 0 8px;"
	"padding:4px 12px}"
	"#households td{display:grid;grid-template-columns:8.5em 1fr;gap:8px;border:0;padding:2px 0}"
	"#households td::before{content:attr(data-label);font-weight:600}"
	/* a card opens with the name, its link as wide as the card */
	"#households td:first-child{display:block;font-weight:600}"
	"#households td:first-child::before{content:none}"
	"#households td:first-child a{display:block}}";

/* s %-encoded as a query value: every byte but the unreserved ones. */
static void url_value(proto_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p))
			proto_buf_append(b, p, 1);
		else
			proto_buf_appendf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
}

/* href="/households?...&amp;page=N": the good filters kept, another page. */
static void page_href(proto_buf *b, const filters *f, long page)
{
	proto_buf_append_str(b, " href=\"/households?");
	for (int i = 0; i < F_PAGE; i++) {
		if (!f->value[i][0] || field_bad(f, i))
			continue;
		proto_buf_appendf(b, "%s=", field_name[i]);
		url_value(b, f->value[i]);
		proto_buf_append_str(b, "&amp;");
	}
	proto_buf_appendf(b, "page=%ld\"", page);
}

/* The attributes of a control for field, and after it its message. */
static void control_attrs(proto_buf *b, const filters *f, int field)
{
	proto_buf_appendf(b, " id=\"f-%s\" name=\"%s\"", field_name[field], field_name[field]);
	if (field_bad(f, field))
		proto_buf_appendf(b, " aria-invalid=\"true\" aria-describedby=\"err-%s\"",
				  field_name[field]);
}

static void control_error(proto_buf *b, const filters *f, int field)
{
	if (!field_bad(f, field))
		return;
	proto_buf_appendf(b, "<p class=\"error\" id=\"err-%s\" role=\"alert\">", field_name[field]);
	agent_ui_text(b, f->error[field]);
	proto_buf_append_str(b, "</p>");
}

static void label(proto_buf *b, int field, const char *text)
{
	proto_buf_appendf(b, "<div class=\"f %s\"><label for=\"f-%s\">", field_name[field],
			  field_name[field]);
	agent_ui_text(b, text);
	proto_buf_append_str(b, "</label>");
}

static void option(proto_buf *b, const char *value, const char *text, int selected)
{
	proto_buf_append_str(b, "<option value=\"");
	agent_ui_text(b, value);
	proto_buf_appendf(b, "\"%s>", selected ? " selected" : "");
	agent_ui_text(b, text);
	proto_buf_append_str(b, "</option>");
}

/* A <select> of a rulebook list's codes with their labels (the stage's
 * with "no stage yet" too); first: the option that filters nothing. */
static void list_select(proto_buf *b, const filters *f, int field, const char *text, const char *first,
			proto_list list, uint8_t kind, uint8_t code_field, const char *chosen)
{
	const char *const *codes = proto_list_codes(list);

	label(b, field, text);
	proto_buf_append_str(b, "<select");
	control_attrs(b, f, field);
	proto_buf_append_str(b, ">");
	option(b, "", first, !chosen);
	if (field == F_STAGE)
		option(b, NO_STAGE, _("no stage yet"), f->stage == 0);
	for (size_t i = 0; codes && codes[i]; i++)
		option(b, codes[i], agent_label(kind, code_field, codes[i]),
		       chosen && !strcmp(chosen, codes[i]));
	proto_buf_append_str(b, "</select>");
	control_error(b, f, field);
	proto_buf_append_str(b, "</div>\n");
}

static void filter_form(proto_buf *b, const filters *f, const listing *l)
{
	int bad_hamlet = field_bad(f, F_HAMLET);

	proto_buf_appendf(b,
			  "<form id=\"filters\" method=\"get\" action=\"/households\" role=\"search\">\n");
	label(b, F_Q, _("Search: a name (diacritics optional), a national ID or a reference"));
	proto_buf_append_str(b, "<input type=\"search\" autocomplete=\"off\" value=\"");
	agent_ui_text(b, field_bad(f, F_Q) ? "" : f->value[F_Q]);
	proto_buf_append_str(b, "\"");
	control_attrs(b, f, F_Q);
	proto_buf_append_str(b, ">");
	control_error(b, f, F_Q);
	proto_buf_append_str(b, "</div>\n");

	label(b, F_HAMLET, _("Hamlet"));
	proto_buf_append_str(b, "<select");
	control_attrs(b, f, F_HAMLET);
	proto_buf_append_str(b, ">");
	option(b, "", _("All hamlets"), !f->value[F_HAMLET][0] || bad_hamlet);
	for (size_t i = 0; i < l->nhamlets; i++)
		option(b, l->hamlets[i], l->hamlets[i],
		       !bad_hamlet && !strcmp(f->value[F_HAMLET], l->hamlets[i]));
	proto_buf_append_str(b, "</select>");
	control_error(b, f, F_HAMLET);
	proto_buf_append_str(b, "</div>\n");

	list_select(b, f, F_CATEGORY, _("Category"), _("All categories"), PROTO_LIST_CATEGORY,
		    PROTO_KIND_HOUSEHOLD, PROTO_HH_CATEGORY, f->category);
	list_select(b, f, F_STAGE, _("Stage"), _("Any stage"), PROTO_LIST_STAGE, PROTO_KIND_MILESTONE,
		    PROTO_MS_STAGE, f->stage > 0 ? proto_stages[f->stage - 1] : NULL);
	list_select(b, f, F_REVIEW, _("Province's review"), _("Any review status"),
		    PROTO_LIST_REVIEW_STATUS, PROTO_KIND_HOUSEHOLD, PROTO_HH_REVIEW_STATUS, f->review);

	label(b, F_SORT, _("Sort by"));
	proto_buf_append_str(b, "<select");
	control_attrs(b, f, F_SORT);
	proto_buf_append_str(b, ">");
	for (size_t i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++)
		option(b, sorts[i].code, _(sorts[i].label), f->sort == (sort_key)i);
	proto_buf_append_str(b, "</select>");
	control_error(b, f, F_SORT);
	proto_buf_append_str(b, "</div>\n");

	/* the box and the button on a line of their own at every width */
	proto_buf_append_str(
		b, "<div class=\"actions\"><div class=\"f check\"><input type=\"checkbox\" value=\"1\"");
	control_attrs(b, f, F_WITHDRAWN);
	proto_buf_appendf(b, "%s><label for=\"f-withdrawn\">%s</label></div>",
			  f->withdrawn ? " checked" : "", _("Show withdrawn households"));
	control_error(b, f, F_WITHDRAWN);
	proto_buf_appendf(b, "<button type=\"submit\" id=\"save\">%s</button></div>\n</form>\n",
			  _("Search"));
}

/* One <td data-label=...> (the label heads the cell on a narrow screen). */
static void cell(proto_buf *b, const char *head, const char *text)
{
	proto_buf_append_str(b, "<td data-label=\"");
	agent_ui_text(b, head);
	proto_buf_append_str(b, "\">");
	agent_ui_text(b, text);
	proto_buf_append_str(b, "</td>");
}

static void row_html(proto_buf *b, const agent_row *row, const char *const heads[5])
{
	const char *name = row->v[PROTO_HH_NAME], *ref = row->v[PROTO_HH_REF];
	char made[32];
	int withdrawn = row->v[PROTO_HH_WITHDRAWN] != NULL;

	if (!ref) {
		agent_ref_make(row->id.origin, row->id.serial, made);
		ref = made;
	}
	proto_buf_appendf(b, "<tr%s><td data-label=\"", withdrawn ? " class=\"withdrawn\"" : "");
	agent_ui_text(b, heads[0]);
	proto_buf_append_str(b, "\"><a href=\"/household/");
	url_value(b, ref);
	proto_buf_append_str(b, "\">");
	agent_ui_text(b, name && *name ? name : ref);
	proto_buf_append_str(b, "</a>");
	if (withdrawn)
		proto_buf_appendf(b, "<span class=\"tag\">%s</span>", _("(withdrawn)"));
	proto_buf_append_str(b, "</td>");
	cell(b, heads[1], ref);
	cell(b, heads[2], row->v[PROTO_HH_HAMLET] ? row->v[PROTO_HH_HAMLET] : "");
	cell(b, heads[3],
	     row->stage >= 1 && row->stage <= 8
		     ? agent_label(PROTO_KIND_MILESTONE, PROTO_MS_STAGE, proto_stages[row->stage - 1])
		     : _("no stage yet"));
	cell(b, heads[4],
	     agent_label(PROTO_KIND_HOUSEHOLD, PROTO_HH_REVIEW_STATUS, row->v[PROTO_HH_REVIEW_STATUS]));
	proto_buf_append_str(b, "</tr>\n");
}

static void table(proto_buf *b, const listing *l, size_t first, size_t last)
{
	const char *const heads[5] = { _("Head of household"), _("Reference"), _("Hamlet"), _("Stage"),
				       _("Province's review") };

	proto_buf_appendf(b, "<table id=\"households\"><caption class=\"vh\">%s</caption><thead><tr>",
			  _("Households"));
	for (int i = 0; i < 5; i++) {
		proto_buf_append_str(b, "<th scope=\"col\">");
		agent_ui_text(b, heads[i]);
		proto_buf_append_str(b, "</th>");
	}
	proto_buf_append_str(b, "</tr></thead><tbody>\n");
	for (size_t i = first; i < last; i++)
		row_html(b, &l->items[l->shown[i]].row, heads);
	proto_buf_append_str(b, "</tbody></table>\n");
}

static void page_link(proto_buf *b, const filters *f, long page, long current, const char *text)
{
	char n[24];

	snprintf(n, sizeof(n), "%ld", page);
	proto_buf_append_str(b, "<li>");
	if (page == current) {
		proto_buf_appendf(b, "<span aria-current=\"page\">%s</span>", n);
	} else {
		proto_buf_append_str(b, "<a");
		page_href(b, f, page);
		proto_buf_append_str(b, ">");
		agent_ui_text(b, text ? text : n);
		proto_buf_append_str(b, "</a>");
	}
	proto_buf_append_str(b, "</li>");
}

/* Previous, the first, the pages around this one, the last, Next. */
static void pager(proto_buf *b, const filters *f, long page, long npages)
{
	if (npages <= 1)
		return;
	proto_buf_appendf(b, "<nav class=\"pages\" aria-label=\"%s\"><ul>", _("Pages"));
	if (page > 1)
		page_link(b, f, page - 1, page, _("Previous"));
	for (long p = 1; p <= npages; p++) {
		if (p != 1 && p != npages && (p < page - PAGE_WINDOW || p > page + PAGE_WINDOW)) {
			if (p == page - PAGE_WINDOW - 1 || p == page + PAGE_WINDOW + 1)
				proto_buf_append_str(b, "<li><span class=\"gap\">…</span></li>");
			continue;
		}
		page_link(b, f, p, page, NULL);
	}
	if (page < npages)
		page_link(b, f, page + 1, page, _("Next"));
	proto_buf_append_str(b, "</ul></nav>\n");
}

static void results(proto_buf *b, const filters *f, const listing *l)
{
	long npages = l->nshown ? (long)((l->nshown + PER_PAGE - 1) / PER_PAGE) : 1;
	long page = f->page < npages ? f->page : npages; /* an old link past the end: the last page */
	size_t first = (size_t)(page - 1) * PER_PAGE;
	size_t last = first + PER_PAGE < l->nshown ? first + PER_PAGE : l->nshown;

	if (!l->n) {
		proto_buf_appendf(b,
				  "<p id=\"count\" role=\"status\">%s <a href=\"/household/new\">%s</a></p>\n",
				  _("No households yet."), _("Add a household"));
		return;
	}
	if (!l->nshown) {
		proto_buf_appendf(b, "<p id=\"count\" role=\"status\">%s</p>\n",
				  _("No household matches this search and these filters."));
		return;
	}
	proto_buf_append_str(b, "<p id=\"count\" role=\"status\">");
	proto_buf_appendf(b, _("Rows %zu–%zu of %zu"), first + 1, last, l->nshown);
	proto_buf_append_str(b, "</p>\n");
	table(b, l, first, last);
	pager(b, f, page, npages);
}

int agent_ui_households_render(agent_ui *ui, const char *query, proto_buf *b)
{
	agent_ctx *ctx = ui->ctx;
	listing l = { 0 };
	filters *f = NULL; /* large: not on the stack */
	proto_result r;
	int status = -1, bad = 0;

	f = malloc(sizeof(*f));
	r = f ? agent_hh_foreach(ctx, keep_row, &l) : PROTO_ENOMEM;
	if (r == PROTO_OK && collect_hamlets(&l) != 0)
		r = PROTO_ENOMEM;
	if (r == PROTO_OK) {
		read_filters(f, query, &l);
		r = select_rows(ctx, &l, f);
	}
	if (r != PROTO_OK) {
		agent_err(_("cannot read the store: %s"), agent_store_cause(ctx, r));
		goto out;
	}
	for (int i = 0; i < F_N; i++)
		bad |= field_bad(f, i);
	bad |= f->form_error[0] != '\0';
	agent_ui_page_open(b, _("Households"), page_css);
	agent_ui_header(b, ui, "/households");
	proto_buf_appendf(b, "<main class=\"list\">\n<h1>%s</h1>\n", _("Households"));
	filter_form(b, f, &l);
	if (f->form_error[0]) {
		proto_buf_append_str(b, "<p class=\"error\" id=\"err-form\" role=\"alert\">");
		agent_ui_text(b, f->form_error);
		proto_buf_append_str(b, "</p>\n");
	}
	results(b, f, &l);
	proto_buf_append_str(b, "</main>\n<script src=\"/js/households.js\" defer></script>\n");
	agent_ui_page_close(b);
	/* the cap refuses an append whole: a page that came near it may be cut */
	if (b->len + 1024 > b->max) {
		agent_err(_("the households page does not fit in %zu bytes"), (size_t)b->max);
		goto out;
	}
	status = bad ? 400 : 200;
out:
	listing_release(&l);
	free(f);
	return status;
}

void agent_ui_households_page(agent_ui_req *r)
{
	proto_buf b;
	int status;

	proto_buf_init(&b, AGENT_UI_PAGE_MAX);
	status = agent_ui_households_render(r->ui, r->query, &b);
	if (status < 0)
		agent_ui_store_failed(r);
	else
		agent_ui_reply(r, status, &b);
	proto_buf_release(&b);
}

/* Search as you type: the form is sent when typing stops, and the search
 * box has the focus again on the page that answers. The form works the
 * same without it. */
static const char households_js[] = "(function () {\n"
				    "  var form = document.getElementById('filters'), q = document.getElementById('f-q');\n"
				    "  var timer = null, last;\n"
				    "  if (!form || !q) return;\n"
				    "  last = q.value;\n"
				    "  if (sessionStorage.getItem('maiam-hh-typing') === '1') {\n"
				    "    sessionStorage.removeItem('maiam-hh-typing');\n"
				    "    q.focus();\n"
				    "    q.setSelectionRange(q.value.length, q.value.length);\n"
				    "  }\n"
				    "  q.addEventListener('input', function () {\n"
				    "    clearTimeout(timer);\n"
				    "    timer = setTimeout(function () {\n"
				    "      if (q.value === last) return;\n"
				    "      sessionStorage.setItem('maiam-hh-typing', '1');\n"
				    "      form.submit();\n"
				    "    }, 400);\n"
				    "  });\n"
				    "})();\n";

void agent_ui_households_js(agent_ui_req *r)
{
	agent_ui_reply_type(r, 200, "text/javascript; charset=utf-8", households_js,
			    sizeof(households_js) - 1);
}
