/*
 * reptest.h - helpers for the report tests: a hub-schema database in a temp
 * directory with the Sóc Trăng campaign, and a batch writer that records
 * households, milestones, contributions and voids as change-sets applied
 * with proto_merge, the way the hub applies them.
 */
#ifndef REPTEST_H
#define REPTEST_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "report.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

typedef struct rt_db {
	char *dir;
	char path[512];
	sqlite3 *db;
	proto_campaign campaign;
} rt_db;

typedef struct rt_batch {
	proto_changeset cs;
	int open;
	uint64_t origin;
	uint64_t serial;
	uint64_t stamp;
} rt_batch;

/* A fresh hub-schema DB (shared + hub + report tables) and the campaign. */
void rt_db_open(rt_db *t);
void rt_db_close(rt_db *t);
/* Create the report tables now (after data), or -1 (tests of the rebuild). */
int rt_report_migrate(rt_db *t);

void rt_batch_init(rt_batch *b, uint64_t origin);
proto_id rt_household(rt_batch *b, int commune, const char *name, const char *nid, const char *status);
/* Set one text field of an existing household (base 0: a concurrent edit;
 * value NULL: back to NULL). */
void rt_household_set(rt_batch *b, proto_id hh, uint8_t field, const char *value, uint64_t base);
void rt_household_set_int(rt_batch *b, proto_id hh, uint8_t field, int64_t v, uint64_t base);
proto_id rt_milestone(rt_batch *b, proto_id hh, const char *stage, const char *date, const char *forced);
/* unit is always recorded; with hh the household's commune decides. material may be NULL. */
proto_id rt_contribution(rt_batch *b, const proto_id *hh, int unit, const char *source, int64_t money,
			 int64_t labour, const char *material, int64_t value, const char *date);
proto_id rt_void(rt_batch *b, proto_id target, int kind);
/* A photo record of target (a household, target_kind 1, or a milestone, 2)
 * naming the photo by sha256 (64 lowercase hex). */
proto_id rt_photo(rt_batch *b, proto_id target, int target_kind, const char *sha256);
/* The same with the time it was taken (ISO 8601 with offset; NULL: none). */
proto_id rt_photo_at(rt_batch *b, proto_id target, int target_kind, const char *sha256,
		     const char *taken_at);
/* Merge what is pending into db (asserts success). */
void rt_flush(rt_batch *b, sqlite3 *db);
void rt_batch_release(rt_batch *b);

/* The options of a report: everything but kind, format and as_of (NULL:
 * today) left at its default. */
hub_report_opts rt_opts(int kind, int format, const char *as_of);
/* Render o into *text (NUL-terminated, free()); hub_report_render's result.
 * On failure *text is NULL and err says why. */
int rt_render(rt_db *t, const hub_report_opts *o, char **text, char *err, size_t errlen);
/* Render a report into a NUL-terminated malloc'd string (asserts success). */
char *rt_report(rt_db *t, int kind, int format, const char *as_of, int by_commune);
/* The first commune of district in the campaign's order (0: none). */
int rt_commune_of(const rt_db *t, int district);
/* The integer after "key": in json, starting the search at 'from' (or -1). */
long long rt_json_int(const char *json, const char *from, const char *key);

/* Open items of one kind, from the reconcile report's JSON as of the day. */
long long rt_open_of(rt_db *t, const char *kind, const char *as_of);
/* The reconcile report in format as of the day holds text (present 1) or not. */
void rt_expect_reconcile_text(rt_db *t, int format, const char *as_of, const char *text, int present);
/* The reconcile report as of the day is the same after the report tables
 * are rebuilt from the data. */
void rt_expect_rebuild_same(rt_db *t, const char *as_of);

#endif
