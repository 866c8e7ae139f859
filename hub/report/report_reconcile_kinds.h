/*
 * report_reconcile_kinds.h - what the files of the reconcile queue's kinds
 * share: how an item names its household (report_reconcile_items.c) and
 * the two kinds of a photo's position (report_reconcile_position.c): two
 * photos of one household far apart (G-<household>, photo_distance) and a
 * photo outside the province's box (B-<photo>, photo_outside), both by the
 * campaign file's [evidence] (docs/CAMPAIGN.md); and which items are one
 * district's (report_reconcile_scope.c).
 */
#ifndef HUB_REPORT_RECONCILE_KINDS_H
#define HUB_REPORT_RECONCILE_KINDS_H

#include "report_int.h"

/* "origin-serial" of a record, as every item id and subject writes it. */
void rc_record_id(char *out, size_t outlen, int64_t origin, int64_t serial);
/*
 * The household of columns 0-3 (origin, serial, name, commune) that an item
 * is about: id_prefix + its id as the item's id (unless NULL), and, with
 * detail, "id name (commune)" as the subject and its id as "household".
 * HUB_OK or HUB_ENOMEM.
 */
hub_result rc_describe_household(rc_walk *w, sqlite3_stmt *row, const char *id_prefix, char hid[48]);
/* The same for an item about a photo record of columns 4-5 (origin,
 * serial) of that household: id_prefix + the record's id (into pid) as the
 * item's id. */
hub_result rc_describe_photo_record(rc_walk *w, sqlite3_stmt *row, const char *id_prefix, char pid[48]);

/* The SQL function the position kinds' SQL calls, maiam_distance_m(lat1,
 * lon1, lat2, lon2): metres along the great circle between two positions
 * in 1e-7 degrees (a photo record's lat and lon). Registered on db once per
 * walk; HUB_OK or HUB_EDB. */
hub_result rc_position_install(sqlite3 *db);
/* Metres along the great circle (haversine, mean Earth radius) between two
 * positions in degrees. */
double rc_distance_m(double lat1, double lon1, double lat2, double lon2);

/* photo_distance: the farthest pair of a household's positioned photos,
 * when more than max_distance_m apart. */
extern const char rc_distance_sql[];
void rc_bind_distance(rc_walk *w, sqlite3_stmt *st);
hub_result rc_describe_distance(rc_walk *w, sqlite3_stmt *row, sqlite3_stmt *aux);

/* photo_outside: a positioned photo outside the campaign's bounds. */
extern const char rc_outside_sql[];
void rc_bind_outside(rc_walk *w, sqlite3_stmt *st);
hub_result rc_describe_outside(rc_walk *w, sqlite3_stmt *row, sqlite3_stmt *aux);

/* ---- one district's queue (report_reconcile_scope.c) ---------------------- */

/* An item about a household of commune is of the walk's district: noted in
 * w->it.in_district (a walk of every district needs no note). */
void rc_note_commune(rc_walk *w, int64_t commune);

/* The district's communes as ",c1,c2,...," into out: 0, or -1 when they
 * do not fit. */
#define RC_COMMUNES_MAX 8192
int rc_district_communes(const proto_campaign *c, int district, char *out, size_t outlen);

/*
 * A rejection r (hub_rejection) is of the district bound at parameter d
 * (0: every district) when the laptop that sent it is enrolled for that
 * district or one of the communes bound at parameter cs (",c1,c2,"):
 * rc_bind_district binds both, d at 'at' and cs at 'at' + 1.
 */
#define RC_REJECTION_OF(d, cs) \
	" (" d " = 0 OR r.origin IN (SELECT a.id FROM hub_agent a WHERE (a.scope_kind = 2" \
	" AND a.scope_code = " d ") OR (a.scope_kind = 1 AND instr(" cs ", ',' || a.scope_code" \
	" || ',') > 0)))"
void rc_bind_district(sqlite3_stmt *st, const proto_campaign *c, int district, int at);

#endif
