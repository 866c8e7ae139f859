/*
 * browse.h - the province's household browser: households found by words
 * typed without diacritics (name, national ID, ref, hamlet), narrowed by
 * filters, sorted and cut into pages. The dashboard's /households page
 * (dashboard_households.c) and bench_reports ask here. It reads the search
 * index and last-change stamps of browse_schema.h and the stage dates of
 * report_hh (schema_report.c).
 *
 * Ownership: a query's strings are borrowed from the caller; a row's
 * strings are borrowed for the callback only.
 */
#ifndef HUB_REPORT_BROWSE_H
#define HUB_REPORT_BROWSE_H

#include <stdbool.h>
#include <stdint.h>
#include <sqlite3.h>
#include "maiam/campaign.h"
#include "maiam/proto.h"
#include "result.h"

#define HUB_BROWSE_PAGE 50      /* rows a page shows unless asked otherwise */
#define HUB_BROWSE_PAGE_MAX 500 /* rows a page may show */
#define HUB_BROWSE_TEXT_MAX 200 /* bytes of a search text */
#define HUB_BROWSE_CODE_MAX 64  /* bytes of a category or review code */

typedef enum hub_browse_sort {
	HUB_BROWSE_BY_NAME = 0,
	HUB_BROWSE_BY_REF,
	HUB_BROWSE_BY_COMMUNE,
	HUB_BROWSE_BY_STAGE,   /* the stage reached, furthest first */
	HUB_BROWSE_BY_CHANGED, /* the last change, newest first */
	HUB_BROWSE_NSORTS
} hub_browse_sort;

/* Whether a household was handed over in time (the progress report's rule:
 * on time is on or before the campaign's deadline). */
typedef enum hub_browse_timing {
	HUB_BROWSE_ANY_TIME = 0,
	HUB_BROWSE_ON_TIME, /* handed over on or before the deadline */
	HUB_BROWSE_LATE,    /* handed over after it, or not yet and it has passed */
} hub_browse_timing;

/* The sort keys as the page's address spells them ("name", "ref", ...). */
extern const char *const hub_browse_sort_names[HUB_BROWSE_NSORTS];

typedef struct hub_browse_query {
	const char *text;     /* words typed, "" or NULL: every household */
	int district;         /* 0: any */
	int commune;          /* 0: any */
	const char *category; /* a category code; NULL or "": any */
	const char *review;   /* proposed | approved | rejected; NULL or "": any */
	int stage;            /* -1: any; 0: none reached; 1..8: the stage reached (proto_stages) */
	hub_browse_timing timing;
	bool open_items;    /* only those with an open item of their own in the reconcile queue */
	bool missing_photo; /* only those with a stage the campaign wants a photo of, without one */
	hub_browse_sort sort;
	int64_t page;     /* 1.. */
	int64_t per_page; /* 1..HUB_BROWSE_PAGE_MAX */
} hub_browse_query;

/* A query with nothing narrowed: every household by name, page 1. */
void hub_browse_query_init(hub_browse_query *q);

typedef struct hub_browse_row {
	proto_id id;
	const char *ref, *name, *national_id, *hamlet, *category, *review_status; /* NULL: none */
	const char *withdrawn;  /* the reason it left every count, or NULL */
	const char *stage_date; /* the day it reached its stage, or NULL */
	int64_t commune;        /* 0: unknown */
	int stage;              /* 0: none reached; 1..8 */
	uint64_t changed;       /* the newest stamp (HLC) of its fields and milestones, 0 none */
} hub_browse_row;

/* Nonzero stops the walk (and hub_browse returns HUB_ENOMEM). */
typedef int (*hub_browse_cb)(void *arg, const hub_browse_row *row);

/*
 * The households q matches within scope (a district's code, 0: the whole
 * province), its page of them handed to cb in q's order, and how many
 * match in all into *total (may be NULL: not counted; cb NULL: only
 * counted). as_of (YYYY-MM-DD)
 * is the day "late" and "missing photo" are judged on. HUB_OK, HUB_EDB,
 * HUB_ENOMEM, or HUB_REFUSED for a query out of range.
 */
hub_result hub_browse(sqlite3 *db, const proto_campaign *c, const char *as_of, int scope,
		      const hub_browse_query *q, hub_browse_cb cb, void *arg, int64_t *total);

/* Each household q matches within scope (no paging, in id order): what a
 * decision on a whole filtered set covers. */
hub_result hub_browse_each(sqlite3 *db, const proto_campaign *c, const char *as_of, int scope,
			   const hub_browse_query *q, hub_browse_cb cb, void *arg);

#endif
