/*
 * report_reconcile_position.c - the reconcile items of a photo's position
 * (report_reconcile_kinds.h): two live photos of one household farther
 * apart than the campaign's [evidence] max_distance_m (G-<household>,
 * photo_distance), and a live photo outside its [evidence] bounds
 * (B-<photo>, photo_outside). Like every photo item they are read from
 * the records when the queue is read. A photo without a position is in
 * neither: missing evidence is its own item.
 *
 * Positions are a photo record's lat and lon, integers in 1e-7 degrees, so
 * the box is compared in integers; the distance is the haversine great
 * circle on a sphere of the Earth's mean radius, in C (maiam_distance_m),
 * because SQLite's maths functions are a compile-time option.
 */
#include <math.h>
#include <stdio.h>
#include "report_reconcile_kinds.h"

#define EARTH_MEAN_RADIUS_M 6371008.8 /* IUGG mean radius */
#define DEG_TO_RAD (3.14159265358979323846 / 180.0)
#define E7 10000000.0 /* a record's lat and lon are 1e-7 degrees */

double rc_distance_m(double lat1, double lon1, double lat2, double lon2)
{
	double dlat = (lat2 - lat1) * DEG_TO_RAD, dlon = (lon2 - lon1) * DEG_TO_RAD;
	double a = sin(dlat / 2) * sin(dlat / 2) +
		   cos(lat1 * DEG_TO_RAD) * cos(lat2 * DEG_TO_RAD) * sin(dlon / 2) * sin(dlon / 2);

	/* rounding can take a past 1 for two antipodes */
	return 2 * EARTH_MEAN_RADIUS_M * asin(sqrt(a < 1 ? a : 1));
}

/* maiam_distance_m(lat1, lon1, lat2, lon2) in 1e-7 degrees; NULL if one is. */
static void distance_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
			sqlite3_result_null(ctx);
			return;
		}
	sqlite3_result_double(ctx, rc_distance_m(sqlite3_value_int64(argv[0]) / E7,
						 sqlite3_value_int64(argv[1]) / E7,
						 sqlite3_value_int64(argv[2]) / E7,
						 sqlite3_value_int64(argv[3]) / E7));
}

hub_result rc_position_install(sqlite3 *db)
{
	int rc = sqlite3_create_function_v2(db, "maiam_distance_m", 4,
					    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
					    distance_fn, NULL, NULL, NULL);

	/* SQLite answers busy only when asked to replace the function while
	 * statements run on the connection: it is registered already */
	return rc == SQLITE_OK || rc == SQLITE_BUSY ? HUB_OK : HUB_EDB;
}

hub_result rc_describe_photo_record(rc_walk *w, sqlite3_stmt *row, const char *id_prefix, char pid[48])
{
	char hid[48];

	rc_record_id(pid, 48, sqlite3_column_int64(row, 4), sqlite3_column_int64(row, 5));
	snprintf(w->it.id, sizeof(w->it.id), "%s%s", id_prefix, pid);
	return rc_describe_household(w, row, NULL, hid);
}

/* Each live photo record with a position, with the household it is
 * evidence for (its target, or its live milestone's household). */
#define POSITIONED \
	"WITH pos AS (SELECT p.id_origin AS po, p.id_serial AS ps, p.sha256 AS sha, p.lat AS lat," \
	" p.lon AS lon, coalesce(m.household_origin, p.target_origin) AS ho," \
	" coalesce(m.household_serial, p.target_serial) AS hs FROM photo p LEFT JOIN milestone m" \
	" ON p.target_kind = 2 AND m.id_origin = p.target_origin AND m.id_serial = p.target_serial" \
	" AND" PROTO_SQL_MILESTONE_LIVE( \
		"m") "WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL" \
		     " AND (p.target_kind = 1 OR m.id_origin IS NOT NULL) AND" PROTO_SQL_PHOTO_LIVE("p") ") "

/* ?1: max_distance_m (0: not checked). Each pair once, the farthest pair
 * of a household kept (SQLite takes the bare columns from max()'s row). */
const char rc_distance_sql[] = POSITIONED
	", far AS (SELECT a.ho, a.hs, a.sha AS sha_a, b.sha AS sha_b,"
	" maiam_distance_m(a.lat, a.lon, b.lat, b.lon) AS d FROM pos a JOIN pos b"
	" ON b.ho = a.ho AND b.hs = a.hs AND (b.po, b.ps) > (a.po, a.ps) WHERE ?1 > 0)"
	" SELECT h.id_origin, h.id_serial, h.name, h.commune, f.sha_a, f.sha_b, max(f.d) FROM far f"
	" JOIN household h ON h.id_origin = f.ho AND h.id_serial = f.hs WHERE f.d > ?1"
	" AND" PROTO_SQL_HOUSEHOLD_COUNTS("h") "GROUP BY h.id_origin, h.id_serial"
					       " ORDER BY h.id_origin, h.id_serial";

void rc_bind_distance(rc_walk *w, sqlite3_stmt *st)
{
	sqlite3_bind_int(st, 1, w->c->evidence_max_distance_m);
}

/* The first 8 hex digits of a photo's SHA-256, as household show lists it. */
static const char *short_hash(sqlite3_stmt *row, int col, char out[9])
{
	const char *sha = (const char *)sqlite3_column_text(row, col);

	snprintf(out, 9, "%.8s", sha ? sha : "?");
	return out;
}

hub_result rc_describe_distance(rc_walk *w, sqlite3_stmt *row, sqlite3_stmt *aux)
{
	long long metres = llround(sqlite3_column_double(row, 6));
	char hid[48], a[9], b[9];

	(void)aux;
	if (rc_describe_household(w, row, "G-", hid))
		return HUB_ENOMEM;
	if (!w->detail)
		return HUB_OK;
	if (proto_buf_appendf(&w->it.detail,
			      report_say(w->req.lang, "ảnh %s và %s cách nhau %lld m (quá %d m)",
					 N_("photos %s and %s are %lld m apart (more than %d m)")),
			      short_hash(row, 4, a), short_hash(row, 5, b), metres,
			      w->c->evidence_max_distance_m) ||
	    proto_buf_append_str(&w->it.extra, ", \"photos\": [") ||
	    hub_json_str(&w->it.extra, (const char *)sqlite3_column_text(row, 4)) ||
	    proto_buf_append_str(&w->it.extra, ", ") ||
	    hub_json_str(&w->it.extra, (const char *)sqlite3_column_text(row, 5)) ||
	    proto_buf_appendf(&w->it.extra, "], \"distance_m\": %lld, \"max_distance_m\": %d", metres,
			      w->c->evidence_max_distance_m))
		return HUB_ENOMEM;
	return HUB_OK;
}

/* ?1: the campaign has bounds; ?2-?5: LAT_MIN, LON_MIN, LAT_MAX, LON_MAX. */
const char rc_outside_sql[] = POSITIONED
	"SELECT h.id_origin, h.id_serial, h.name, h.commune, pos.po, pos.ps, pos.sha, pos.lat,"
	" pos.lon FROM pos JOIN household h ON h.id_origin = pos.ho AND h.id_serial = pos.hs"
	" WHERE ?1 AND (pos.lat < ?2 OR pos.lat > ?4 OR pos.lon < ?3 OR pos.lon > ?5) AND" PROTO_SQL_HOUSEHOLD_COUNTS(
		"h") "ORDER BY pos.po, pos.ps";

void rc_bind_outside(rc_walk *w, sqlite3_stmt *st)
{
	const proto_campaign *c = w->c;

	sqlite3_bind_int(st, 1, c->evidence_has_bounds);
	sqlite3_bind_int(st, 2, c->evidence_lat_min);
	sqlite3_bind_int(st, 3, c->evidence_lon_min);
	sqlite3_bind_int(st, 4, c->evidence_lat_max);
	sqlite3_bind_int(st, 5, c->evidence_lon_max);
}

/* Degrees from 1e-7 degrees, 5 decimals (about a metre), as text. */
static const char *degrees(int64_t e7, char out[16])
{
	snprintf(out, 16, "%.5f", (double)e7 / E7);
	return out;
}

hub_result rc_describe_outside(rc_walk *w, sqlite3_stmt *row, sqlite3_stmt *aux)
{
	const proto_campaign *c = w->c;
	char pid[48], sh[9], lat[16], lon[16], box[4][16];

	(void)aux;
	if (rc_describe_photo_record(w, row, "B-", pid))
		return HUB_ENOMEM;
	if (!w->detail)
		return HUB_OK;
	degrees(sqlite3_column_int64(row, 7), lat);
	degrees(sqlite3_column_int64(row, 8), lon);
	if (proto_buf_appendf(
		    &w->it.detail,
		    report_say(w->req.lang,
			       "ảnh %s (%s) chụp tại %s, %s: ngoài khung tọa độ của tỉnh (vĩ độ %s đến "
			       "%s, kinh độ %s đến %s)",
			       N_("photo %s (%s) taken at %s, %s: outside the province's box (latitude "
				  "%s to %s, longitude %s to %s)")),
		    short_hash(row, 6, sh), pid, lat, lon, degrees(c->evidence_lat_min, box[0]),
		    degrees(c->evidence_lat_max, box[1]), degrees(c->evidence_lon_min, box[2]),
		    degrees(c->evidence_lon_max, box[3])) ||
	    report_json_member(&w->it.extra, "photo", pid) ||
	    report_json_member(&w->it.extra, "sha256", (const char *)sqlite3_column_text(row, 6)) ||
	    proto_buf_appendf(&w->it.extra, ", \"lat\": %.7f, \"lon\": %.7f",
			      (double)sqlite3_column_int64(row, 7) / E7,
			      (double)sqlite3_column_int64(row, 8) / E7))
		return HUB_ENOMEM;
	return HUB_OK;
}
