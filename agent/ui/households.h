/*
 * households.h - between the two halves of the Households page: the list
 * (households_list.c: the query's values checked, the store's households
 * kept, filtered and sorted) and the page (page_households.c: the form,
 * the table, the page links). Private to agent/ui.
 *
 * Ownership: agent_ui_hh_load fills a hh_listing the caller releases with
 * agent_ui_hh_release (also after a failed load); its rows own their
 * strings; hh_filters' codes are the rulebook's static strings.
 */
#ifndef MAIAM_AGENT_UI_HOUSEHOLDS_H
#define MAIAM_AGENT_UI_HOUSEHOLDS_H
#include "store.h"

#define VALUE_MAX 256   /* a query value: a search text, a hamlet's name */
#define LABELS_MAX 400  /* a list's labels, joined */
#define ERROR_MAX 720   /* one message, the value it names included */
#define PAGE_DIGITS 6   /* page numbers up to 999999: 49 million households */
#define NO_STAGE "none" /* the stage filter's value for "no stage yet" */

/* The query's keys, also the form's field names (id "f-" + name). */
enum { F_Q, F_HAMLET, F_CATEGORY, F_STAGE, F_REVIEW, F_SORT, F_WITHDRAWN, F_PAGE, F_N };
extern const char *const agent_ui_hh_field[F_N];

typedef enum { SORT_NAME, SORT_REF, SORT_HAMLET, SORT_STAGE, SORT_CHANGED, SORT_N } hh_sort;
/* Each sort's query value and its label (N_: translate with _()). */
typedef struct hh_sort_desc {
	const char *code;
	const char *label;
} hh_sort_desc;
extern const hh_sort_desc agent_ui_hh_sorts[SORT_N];

/* What the query asks, each value checked; a bad one is left out of the
 * search and its message kept for the page. */
typedef struct hh_filters {
	char value[F_N][VALUE_MAX]; /* as given: kept in the form */
	char error[F_N][ERROR_MAX]; /* "" when the value is good */
	char form_error[ERROR_MAX]; /* the query as a whole cannot be read */
	const char *category;       /* a code of the rulebook, or NULL: any */
	int stage;                  /* -1 any, 0 no stage yet, else the rank */
	const char *review;         /* a code, or NULL: any */
	hh_sort sort;
	int withdrawn; /* show withdrawn households too */
	long page;     /* 1 and up; the page cuts it to the last page */
} hh_filters;

/* One kept household: the row (owned) and what sorting needs. */
typedef struct hh_item {
	agent_row row;
	char *folded_name;   /* sort keys, NULL until needed (owned) */
	char *folded_hamlet; /* sort by hamlet only */
	uint64_t changed;    /* sort by last change only */
	size_t order;        /* the store's order (by id), the last tie-break */
} hh_item;

typedef struct hh_listing {
	hh_item *items; /* every household of the store */
	size_t n, cap;
	size_t *shown; /* indexes of the items that pass the filters, sorted */
	size_t nshown;
	const char **hamlets; /* every distinct hamlet, borrowed from items */
	size_t nhamlets;
} hh_listing;

/* Read query into f (checked) and the store's households into l, those
 * that pass f sorted into l->shown. PROTO_OK, or why the store could not
 * be read (PROTO_ENOMEM too). l and f zeroed by the caller. */
proto_result agent_ui_hh_load(agent_ctx *ctx, const char *query, hh_listing *l, hh_filters *f);
void agent_ui_hh_release(hh_listing *l);

static inline int hh_field_bad(const hh_filters *f, int field)
{
	return f->error[field][0] != '\0';
}

#endif
