/*
 * cmd_household_photos.c - household show's photos (cmd_household_photos.h):
 * grouped by what they are evidence of, a milestone of the household (in
 * the milestones' order) or the household itself; each with its short
 * hash, size, width x height, when and where it was taken and whether its
 * bytes have reached the hub (the laptop sends them after the records).
 */
#include <stdio.h>
#include <string.h>
#include "maiam/proto.h"
#include "maiam/schema.h"
#include "maiam/text.h"
#include "cmd_household.h"
#include "cmd_household_photos.h"
#include "i18n.h"
#include "json.h"
#include "photo_store.h"

/* Columns of the query below. */
enum {
	C_ORIGIN,
	C_SERIAL,
	C_KIND,
	C_TORIGIN,
	C_TSERIAL,
	C_STAGE,
	C_DATE,
	C_SHA,
	C_BYTES,
	C_TYPE,
	C_WIDTH,
	C_HEIGHT,
	C_TAKEN,
	C_LAT,
	C_LON,
	C_CAMERA,
	C_NOTE
};

static const char photos_sql[] =
	"SELECT p.id_origin, p.id_serial, p.target_kind, p.target_origin, p.target_serial,"
	" m.stage, m.date, p.sha256, p.bytes, p.type, p.width, p.height, p.taken_at, p.lat, p.lon,"
	" p.camera, p.note FROM photo p LEFT JOIN milestone m ON p.target_kind = ?4"
	" AND m.id_origin = p.target_origin AND m.id_serial = p.target_serial"
	" WHERE ((p.target_kind = ?3 AND p.target_origin = ?1 AND p.target_serial = ?2)"
	" OR (p.target_kind = ?4 AND m.household_origin = ?1 AND m.household_serial = ?2))"
	" AND" PROTO_SQL_PHOTO_LIVE(
		"p") "ORDER BY p.target_kind = ?3, m.date, m.id_origin, m.id_serial, p.taken_at, p.id_origin,"
		     " p.id_serial";

/* The operator reads Vietnamese: the catalogue translates the section's title. */
static int vietnamese(void)
{
	static const char title[] = N_("photos:");

	return _(title) != title;
}

static long long days_from_civil(long long y, int m, int d)
{
	long long era;
	int yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (int)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* taken_at (ISO 8601 with Z or an offset) as a UTC instant ("...Z") for
 * proto_time_show; text that is not such an instant is copied as it is. */
static void taken_utc(const char *taken, char *out, size_t n)
{
	int y, mo, d, hh, mi, ss, oh = 0, om = 0, used = 0;
	char sign = 'Z';
	long long t, days;

	snprintf(out, n, "%s", taken ? taken : "");
	if (!taken || sscanf(taken, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &hh, &mi, &ss, &used) != 6 ||
	    mo < 1 || mo > 12 || d < 1 || d > 31)
		return;
	sign = taken[used];
	if ((sign == '+' || sign == '-') && sscanf(taken + used + 1, "%2d:%2d", &oh, &om) != 2)
		return;
	if (sign != 'Z' && sign != '+' && sign != '-')
		return;
	t = days_from_civil(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss;
	t -= (sign == '-' ? -1 : sign == '+' ? 1 : 0) * (oh * 3600LL + om * 60);
	days = (t >= 0 ? t : t - 86399) / 86400;
	t -= days * 86400;
	/* civil_from_days */
	{
		long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
		long long doe = z - era * 146097;
		long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
		long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
		int dd = (int)(doy - (153 * mp + 2) / 5 + 1), mm = (int)(mp < 10 ? mp + 3 : mp - 9);

		snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02dZ",
			 (int)((yoe + era * 400 + (mm <= 2)) % 10000), mm, dd % 100,
			 (int)(t / 3600) % 100, (int)(t / 60 % 60), (int)(t % 60));
	}
}

static void json_text(const char *name, const char *value)
{
	proto_buf b;

	printf(", \"%s\": ", name);
	proto_buf_init(&b, 1 << 16);
	if (value && hub_json_str(&b, value) == HUB_OK)
		printf("%.*s", (int)b.len, (const char *)b.data);
	else
		fputs("null", stdout);
	proto_buf_release(&b);
}

static void json_int(sqlite3_stmt *st, const char *name, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_INTEGER)
		printf(", \"%s\": %lld", name, (long long)sqlite3_column_int64(st, col));
	else
		printf(", \"%s\": null", name);
}

static const char *text_at(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

static void print_json(sqlite3_stmt *st, size_t n, bool held)
{
	printf("%s{\"id\": \"%016llx-%llu\"", n ? ", " : "",
	       (unsigned long long)sqlite3_column_int64(st, C_ORIGIN),
	       (unsigned long long)sqlite3_column_int64(st, C_SERIAL));
	printf(", \"target\": \"%016llx-%llu\", \"target_kind\": \"%s\"",
	       (unsigned long long)sqlite3_column_int64(st, C_TORIGIN),
	       (unsigned long long)sqlite3_column_int64(st, C_TSERIAL),
	       sqlite3_column_int(st, C_KIND) == PROTO_KIND_MILESTONE ? "milestone" : "household");
	json_text("stage", text_at(st, C_STAGE));
	json_text("sha256", text_at(st, C_SHA));
	json_int(st, "bytes", C_BYTES);
	json_text("type", text_at(st, C_TYPE));
	json_int(st, "width", C_WIDTH);
	json_int(st, "height", C_HEIGHT);
	json_text("taken_at", text_at(st, C_TAKEN));
	json_int(st, "lat_e7", C_LAT);
	json_int(st, "lon_e7", C_LON);
	json_text("camera", text_at(st, C_CAMERA));
	json_text("note", text_at(st, C_NOTE));
	printf(", \"stored\": %s}", held ? "true" : "false");
}

/* 1e-7 degrees as decimal degrees, the C way (LC_NUMERIC stays C). */
static void degrees(long long e7, char *out, size_t n)
{
	unsigned long long a = (unsigned long long)(e7 < 0 ? -e7 : e7);

	snprintf(out, n, "%s%llu.%07llu", e7 < 0 ? "-" : "", a / 10000000ULL, a % 10000000ULL);
}

/* A group's heading when the target changes: the milestone, or the household. */
static void print_heading(const hub_ctx *ctx, sqlite3_stmt *st, int vi)
{
	char date[16];

	if (sqlite3_column_int(st, C_KIND) != PROTO_KIND_MILESTONE) {
		printf("  %s\n", _("the household itself:"));
		return;
	}
	proto_date_show(text_at(st, C_DATE) ? text_at(st, C_DATE) : "-",
			vi ? PROTO_DATES_VN : PROTO_DATES_ISO, date, sizeof(date));
	printf("  %016llx-%llu  %s  %s\n", (unsigned long long)sqlite3_column_int64(st, C_TORIGIN),
	       (unsigned long long)sqlite3_column_int64(st, C_TSERIAL), date,
	       hub_label_of(ctx, PROTO_LIST_STAGE, text_at(st, C_STAGE)));
}

static void print_text(sqlite3_stmt *st, bool held, int vi)
{
	const char *sha = text_at(st, C_SHA);
	char utc[64], when[64], lat[24], lon[24];

	taken_utc(text_at(st, C_TAKEN), utc, sizeof(utc));
	proto_time_show(utc[0] ? utc : "-", vi ? PROTO_DATES_VN : PROTO_DATES_ISO, when, sizeof(when));
	printf("    %.8s  %lld KB  %lldx%lld  %s", sha ? sha : "-",
	       ((long long)sqlite3_column_int64(st, C_BYTES) + 1023) / 1024,
	       (long long)sqlite3_column_int64(st, C_WIDTH),
	       (long long)sqlite3_column_int64(st, C_HEIGHT), when);
	if (sqlite3_column_type(st, C_LAT) == SQLITE_INTEGER &&
	    sqlite3_column_type(st, C_LON) == SQLITE_INTEGER) {
		degrees(sqlite3_column_int64(st, C_LAT), lat, sizeof(lat));
		degrees(sqlite3_column_int64(st, C_LON), lon, sizeof(lon));
		printf("  %s, %s", lat, lon);
	}
	printf("  %s\n", held ? _("stored") : _("waiting for the laptop's upload"));
}

hub_result hub_household_photos_show(const hub_ctx *ctx, proto_id id, int json, size_t width,
				     const char *none_word)
{
	sqlite3_stmt *st = NULL;
	long long last_origin = 0, last_serial = 0, last_kind = -1;
	hub_result rc = HUB_EDB;
	size_t n = 0, w;
	int step, vi = vietnamese();

	if (sqlite3_prepare_v2(ctx->db, photos_sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, proto_u2i(id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(id.serial));
	sqlite3_bind_int(st, 3, PROTO_KIND_HOUSEHOLD);
	sqlite3_bind_int(st, 4, PROTO_KIND_MILESTONE);
	if (json)
		fputs(", \"photos\": [", stdout);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *sha = text_at(st, C_SHA);
		bool held = false;

		if (sha && hub_photo_hex_ok(sha) && hub_photo_held(ctx->db, sha, &held) != HUB_OK)
			goto out;
		if (json) {
			print_json(st, n++, held);
			continue;
		}
		if (n++ == 0)
			puts(_("photos:"));
		if (sqlite3_column_int(st, C_KIND) != last_kind ||
		    sqlite3_column_int64(st, C_TORIGIN) != last_origin ||
		    sqlite3_column_int64(st, C_TSERIAL) != last_serial)
			print_heading(ctx, st, vi);
		last_kind = sqlite3_column_int(st, C_KIND);
		last_origin = sqlite3_column_int64(st, C_TORIGIN);
		last_serial = sqlite3_column_int64(st, C_TSERIAL);
		print_text(st, held, vi);
	}
	if (step != SQLITE_DONE)
		goto out;
	if (json) {
		putchar(']');
	} else if (n == 0) {
		fputs(_("photos:"), stdout);
		for (w = proto_utf8_width(_("photos:")); w < width + 1; w++)
			putchar(' ');
		puts(none_word);
	}
	rc = HUB_OK;
out:
	sqlite3_finalize(st);
	return rc;
}
