/*
 * households_list.c - the list behind the Households page (households.h):
 * the query's values checked one by one (a code of the rulebook or its
 * label, a hamlet some household names, a sort, a page number), every
 * household of the store kept in one walk (agent_hh_foreach; the hamlets'
 * list needs them all), those that pass the filters and the search
 * ("household find"'s, household_match.h) sorted through an index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/labels.h"
#include "maiam/schema.h"
#include "maiam/text.h"
#include "household_match.h"
#include "households.h"
#include "ui.h"
#include "validate.h"

const char *const agent_ui_hh_field[F_N] = { "q",      "hamlet", "category",  "stage",
					     "review", "sort",   "withdrawn", "page" };

const hh_sort_desc agent_ui_hh_sorts[SORT_N] = {
	[SORT_NAME] = { "name", N_("Head of household") },
	[SORT_REF] = { "ref", N_("Reference") },
	[SORT_HAMLET] = { "hamlet", N_("Hamlet") },
	[SORT_STAGE] = { "stage", N_("Stage") },
	[SORT_CHANGED] = { "changed", N_("Last change, newest first") },
};

void agent_ui_hh_release(hh_listing *l)
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
	hh_listing *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		hh_item *grown = realloc(l->items, cap * sizeof(*grown));

		if (!grown)
			return PROTO_ENOMEM;
		l->items = grown;
		l->cap = cap;
	}
	memset(&l->items[l->n], 0, sizeof(hh_item));
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
static int collect_hamlets(hh_listing *l)
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

static int known_hamlet(const hh_listing *l, const char *hamlet)
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

static void check_stage(hh_filters *f)
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

static void check_sort(hh_filters *f)
{
	for (size_t i = 0; i < SORT_N; i++) {
		if (strcmp(f->value[F_SORT], agent_ui_hh_sorts[i].code) == 0) {
			f->sort = (hh_sort)i;
			return;
		}
	}
	snprintf(f->error[F_SORT], ERROR_MAX,
		 _("'%s' is not a way to sort; choose one from the list (by name, reference, hamlet, "
		   "stage or last change)"),
		 f->value[F_SORT]);
}

static void check_page(hh_filters *f)
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
static void read_filters(hh_filters *f, const char *query, const hh_listing *l)
{
	char all[LABELS_MAX];

	memset(f, 0, sizeof(*f));
	f->stage = -1;
	f->page = 1;
	for (int i = 0; i < F_N; i++) {
		web_result r = web_query_value(query, agent_ui_hh_field[i], f->value[i], VALUE_MAX);

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
				 _("too long: at most %d bytes (fewer letters with diacritics); shorten it"),
				 VALUE_MAX - 1);
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

/* ---- filtering and sorting --------------------------------------------------- */

/* 1 when the row passes every good filter (the search aside). */
static int passes(const hh_filters *f, const agent_row *row)
{
	const char *hamlet = row->v[PROTO_HH_HAMLET];

	if (row->v[PROTO_HH_WITHDRAWN] && !f->withdrawn)
		return 0;
	if (f->value[F_HAMLET][0] && !hh_field_bad(f, F_HAMLET) &&
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
	hh_listing *l = arg;
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

static int cmp_order(const hh_item *a, const hh_item *b)
{
	return (a->order > b->order) - (a->order < b->order);
}

static int cmp_names(const hh_item *a, const hh_item *b)
{
	int c = strcmp(a->folded_name, b->folded_name);

	return c ? c : cmp_order(a, b);
}

static int by_name(const void *a, const void *b)
{
	return cmp_names(*(hh_item *const *)a, *(hh_item *const *)b);
}

static int by_ref(const void *a, const void *b)
{
	return cmp_order(*(hh_item *const *)a, *(hh_item *const *)b);
}

static int by_hamlet(const void *a, const void *b)
{
	const hh_item *x = *(hh_item *const *)a, *y = *(hh_item *const *)b;
	int c = strcmp(x->folded_hamlet, y->folded_hamlet);

	return c ? c : cmp_names(x, y);
}

static int by_stage(const void *a, const void *b)
{
	const hh_item *x = *(hh_item *const *)a, *y = *(hh_item *const *)b;

	return x->row.stage != y->row.stage ? x->row.stage - y->row.stage : cmp_names(x, y);
}

static int by_changed(const void *a, const void *b)
{
	const hh_item *x = *(hh_item *const *)a, *y = *(hh_item *const *)b;

	if (x->changed != y->changed)
		return x->changed < y->changed ? 1 : -1; /* newest first */
	return cmp_names(x, y);
}

/* The sort keys of it: its folded name always, the hamlet's for that sort. */
static int fold_keys(hh_item *it, hh_sort sort)
{
	const char *name = it->row.v[PROTO_HH_NAME], *hamlet = it->row.v[PROTO_HH_HAMLET];

	it->folded_name = proto_fold(name ? name : "");
	if (sort == SORT_HAMLET)
		it->folded_hamlet = proto_fold(hamlet ? hamlet : "");
	return it->folded_name && (sort != SORT_HAMLET || it->folded_hamlet) ? 0 : -1;
}

/* The items that pass f and the search, sorted, into l->shown. */
static proto_result select_rows(agent_ctx *ctx, hh_listing *l, const hh_filters *f)
{
	static int (*const cmp[])(const void *, const void *) = {
		[SORT_NAME] = by_name,   [SORT_REF] = by_ref,         [SORT_HAMLET] = by_hamlet,
		[SORT_STAGE] = by_stage, [SORT_CHANGED] = by_changed,
	};
	agent_hh_match match = { 0 };
	int searching = f->value[F_Q][0] && !hh_field_bad(f, F_Q);
	hh_item **sorted = NULL;
	proto_result r = PROTO_ENOMEM;

	l->shown = malloc((l->n ? l->n : 1) * sizeof(*l->shown));
	sorted = malloc((l->n ? l->n : 1) * sizeof(*sorted));
	if (!l->shown || !sorted || (searching && agent_hh_match_init(&match, f->value[F_Q]) != 0))
		goto out;
	l->nshown = 0;
	for (size_t i = 0; i < l->n; i++) {
		hh_item *it = &l->items[i];
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

proto_result agent_ui_hh_load(agent_ctx *ctx, const char *query, hh_listing *l, hh_filters *f)
{
	proto_result r = agent_hh_foreach(ctx, keep_row, l);

	if (r == PROTO_OK && collect_hamlets(l) != 0)
		r = PROTO_ENOMEM;
	if (r != PROTO_OK)
		return r;
	read_filters(f, query, l);
	return select_rows(ctx, l, f);
}
