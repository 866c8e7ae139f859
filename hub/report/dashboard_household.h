/*
 * dashboard_household.h - what the files of a household's page share:
 * the page itself and its photos (dashboard_household.c), its fields,
 * milestones and contributions (dashboard_household_fields.c), its
 * reconcile items and its history from the ledger
 * (dashboard_household_history.c), and the forms that decide it or resolve
 * its items (dashboard_household_post.c). Each section appends HTML to a
 * buffer the caller owns and returns 0, or -1 when the buffer is full or
 * the database failed. Every value read is escaped on its way out.
 */
#ifndef HUB_DASHBOARD_HOUSEHOLD_H
#define HUB_DASHBOARD_HOUSEHOLD_H

#include <stdbool.h>
#include "household_ref.h"
#include "dashboard_int.h"

/* What the page says of the household, from its stored columns. */
typedef struct household_info {
	char name[256], ref[HUB_REF_MAX], hamlet[256], review[64], withdrawn[256];
	int commune, has_withdrawn;
} household_info;

/* "0123456789abcdef-12" */
void dash_hh_id(proto_id id, char out[48]);

/* The name of unit 'code' in the campaign, NULL if it has none. */
const char *dash_hh_unit_name(const proto_campaign *c, int code);

/* A code's Vietnamese label in the campaign, or the code itself ("?": none). */
const char *dash_hh_label(const proto_campaign *c, proto_list list, const char *code);

/*
 * The household's page (every section) into b, for the operator who is
 * signed in: typed is what the search form shows, error (NULL: none) a
 * refusal said at the top, csrf (NULL: none yet) the session's token every
 * form of the page carries in its hidden csrf field. *found false (and
 * nothing in b) when there is no such household.
 */
int dash_household_page(hub_dashboard *d, sqlite3 *db, proto_id id, const char *typed, const char *error,
			const char *csrf, proto_buf *b, bool *found);

/* The heading, then every stored field in a table with the campaign's
 * labels, filling h: the first column of a <div class="top"> the caller
 * closes (its second: what to decide). */
int dash_hh_fields(hub_dashboard *d, sqlite3 *db, proto_id id, household_info *h, proto_buf *b);
/* The milestones by date (voided ones struck through, with why), then
 * the contributions (money in đồng with dots, labour days, materials). */
int dash_hh_events(hub_dashboard *d, sqlite3 *db, proto_id id, proto_buf *b);
/* A household's reconcile items: their ids, and whether each is open. */
typedef struct hh_item {
	char id[96];
	int open;
} hh_item;
typedef struct hh_items {
	hh_item *a;
	size_t n, cap;
} hh_items;
void hh_items_release(hh_items *items);
/* The items about household id (open and resolved) into items (initialised
 * zero by the caller, released by it), and, when b is not NULL, the page's
 * section of them, each open one with its form. */
int dash_hh_reconcile(hub_dashboard *d, sqlite3 *db, proto_id id, const char *csrf, hh_items *items,
		      proto_buf *b);
/* Who recorded what and when (the ledger's change-sets about it) and the
 * decisions made on it (review, and the resolutions of items), oldest
 * first. */
int dash_hh_history(hub_dashboard *d, sqlite3 *db, proto_id id, int commune, const hh_items *items,
		    proto_buf *b);
/* Room for one more of a growing array a of n elements of size bytes
 * (*cap allocated): a itself or its larger copy (*cap updated), NULL out
 * of memory (a is then unchanged and still the caller's). */
void *dash_hh_grown(void *a, size_t n, size_t *cap, size_t size);
/* The title 'household show' gives a household column in Vietnamese. */
const char *dash_hh_field_title(const char *column);
/* The approve / reject form of a household whose review is 'review'. */
int dash_hh_decide_form(proto_buf *b, proto_id id, const char *review, const char *csrf);
/* One open item's resolve form (keep winner or loser only for a conflict). */
int dash_hh_resolve_form(proto_buf *b, proto_id id, const char *item, const char *csrf);
/* A field of job's POSTed form that may be absent ("" then): 0, or -1 when
 * it is malformed, repeated or too long (the batch forms use it too). */
int dash_hh_form_field(const dash_job *job, const char *key, char *out, size_t n);
/* s without blanks at either end, in place. */
void dash_hh_trim(char *s);

#endif
