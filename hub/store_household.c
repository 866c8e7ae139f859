/*
 * store_household.c - read-only lookups of the shared tables (household,
 * milestone...) that scope checks and the household listings need.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store.h"
#include "store_int.h"

#define prep hub_store_prep
#define unprep hub_store_unprep
#define prep_pair hub_store_prep_pair

hub_result hub_household_commune(sqlite3 *db, proto_id id, int64_t *commune, bool *found)
{
	sqlite3_stmt *st = prep_pair(db, HUB_STMT_HOUSEHOLD_COMMUNE, id.origin, id.serial);
	hub_result rc;

	*found = false;
	if (!st)
		return HUB_EDB;
	rc = hub_store_step(st, found);
	if (*found) { /* a household with no commune yet counts as none */
		*found = sqlite3_column_type(st, 0) == SQLITE_INTEGER;
		*commune = sqlite3_column_int64(st, 0);
	}
	unprep(st);
	return rc;
}

hub_result hub_event_anchor(sqlite3 *db, proto_id id, int *has_household, proto_id *household,
			    int64_t *unit, bool *found)
{
	sqlite3_stmt *st = prep_pair(db, HUB_STMT_EVENT_ANCHOR, id.origin, id.serial);
	hub_result rc;

	*found = false;
	if (!st)
		return HUB_EDB;
	rc = hub_store_step(st, found);
	if (*found) {
		*has_household = sqlite3_column_type(st, 0) == SQLITE_INTEGER;
		household->origin = proto_i2u(sqlite3_column_int64(st, 0));
		household->serial = proto_i2u(sqlite3_column_int64(st, 1));
		*unit = sqlite3_column_int64(st, 2);
	}
	unprep(st);
	return rc;
}

/* hub_household_each's walk: the caller's callback. */
typedef struct household_walk {
	hub_household_cb cb;
	void *arg;
} household_walk;

static int household_row(void *arg, sqlite3_stmt *st)
{
	const household_walk *w = arg;
	hub_household_row r;

	r.id.origin = proto_i2u(sqlite3_column_int64(st, 0));
	r.id.serial = proto_i2u(sqlite3_column_int64(st, 1));
	r.ref = (const char *)sqlite3_column_text(st, 2);
	r.name = (const char *)sqlite3_column_text(st, 3);
	r.national_id = (const char *)sqlite3_column_text(st, 4);
	r.hamlet = (const char *)sqlite3_column_text(st, 5);
	r.category = (const char *)sqlite3_column_text(st, 6);
	r.review_status = (const char *)sqlite3_column_text(st, 7);
	r.has_commune = sqlite3_column_type(st, 8) == SQLITE_INTEGER;
	r.commune = sqlite3_column_int64(st, 8);
	r.has_members = sqlite3_column_type(st, 9) == SQLITE_INTEGER;
	r.members = sqlite3_column_int64(st, 9);
	r.withdrawn = (const char *)sqlite3_column_text(st, 10);
	return w->cb(w->arg, &r);
}

hub_result hub_household_each(sqlite3 *db, int64_t commune, hub_household_cb cb, void *arg)
{
	sqlite3_stmt *st = prep(db, HUB_STMT_HOUSEHOLD_EACH);
	household_walk w = { cb, arg };

	if (st)
		sqlite3_bind_int64(st, 1, commune);
	return hub_store_walk(st, household_row, &w);
}

hub_result hub_household_by_ref(sqlite3 *db, const char *ref, hub_household_cb cb, void *arg)
{
	sqlite3_stmt *st = prep(db, HUB_STMT_HOUSEHOLD_BY_REF);
	household_walk w = { cb, arg };

	if (st)
		sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
	return hub_store_walk(st, household_row, &w);
}

/* hub_household_events' walk: the caller's callback. */
typedef struct event_walk {
	hub_event_cb cb;
	void *arg;
} event_walk;

static const char *text_at(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

static int event_row(void *arg, sqlite3_stmt *st)
{
	const event_walk *w = arg;
	hub_event_row e;

	memset(&e, 0, sizeof(e));
	e.kind = (uint8_t)sqlite3_column_int(st, 0);
	e.id.origin = proto_i2u(sqlite3_column_int64(st, 1));
	e.id.serial = proto_i2u(sqlite3_column_int64(st, 2));
	e.date = text_at(st, 3);
	e.note = text_at(st, 4);
	e.stage = text_at(st, 5);
	e.forced = text_at(st, 6);
	e.source = text_at(st, 7);
	e.donor = text_at(st, 8);
	e.material = text_at(st, 9);
	e.has_money = sqlite3_column_type(st, 10) == SQLITE_INTEGER;
	e.money = sqlite3_column_int64(st, 10);
	e.has_labour_days = sqlite3_column_type(st, 11) == SQLITE_INTEGER;
	e.labour_days = sqlite3_column_int64(st, 11);
	e.has_material_value = sqlite3_column_type(st, 12) == SQLITE_INTEGER;
	e.material_value = sqlite3_column_int64(st, 12);
	e.voided = sqlite3_column_int(st, 13);
	e.void_reason = text_at(st, 14);
	return w->cb(w->arg, &e);
}

hub_result hub_household_events(sqlite3 *db, proto_id id, hub_event_cb cb, void *arg)
{
	event_walk w = { cb, arg };

	return hub_store_walk(prep_pair(db, HUB_STMT_HOUSEHOLD_EVENTS, id.origin, id.serial), event_row,
			      &w);
}

hub_result hub_household_stamp(sqlite3 *db, proto_id id, int field, uint64_t *stamp)
{
	sqlite3_stmt *st = prep_pair(db, HUB_STMT_HOUSEHOLD_STAMP, id.origin, id.serial);
	hub_result rc;
	bool found;

	*stamp = 0;
	if (!st)
		return HUB_EDB;
	sqlite3_bind_int(st, 3, field);
	rc = hub_store_step(st, &found);
	if (found)
		*stamp = proto_i2u(sqlite3_column_int64(st, 0));
	unprep(st);
	return rc;
}

hub_result hub_household_show(sqlite3 *db, proto_id id, hub_column_cb cb, void *arg, bool *found)
{
	sqlite3_stmt *st = prep_pair(db, HUB_STMT_HOUSEHOLD_SHOW, id.origin, id.serial);
	hub_result rc;
	int i;

	*found = false;
	if (!st)
		return HUB_EDB;
	rc = hub_store_step(st, found);
	for (i = 2; *found && i < sqlite3_column_count(st); i++)
		cb(arg, sqlite3_column_name(st, i), (const char *)sqlite3_column_text(st, i));
	unprep(st);
	return rc;
}
