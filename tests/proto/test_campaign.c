/*
 * test_campaign.c - admin units CSV and campaign file loading: the real Sóc
 * Trăng data loads with the numbers of the plan, and every kind of bad file
 * is refused with the right code and a message that names file and line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "maiam/alloc.h"
#include "maiam/campaign.h"
#include "maiam/schema.h"
#include "testutil.h"

#define UNITS_CSV MAIAM_SOURCE_DIR "/data/soc-trang-units.csv"

static char *tmpdir;

static int setup(void **state)
{
	tmpdir = test_mkdtemp();
	return tmpdir ? 0 : -1;
}

static int teardown(void **state)
{
	test_rmtree(tmpdir);
	free(tmpdir);
	return 0;
}

/* Write text to tmpdir/name; returns the path in a static buffer. */
static const char *write_tmp(const char *name, const char *text, size_t len)
{
	static char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* ---- admin units ---- */

static void test_units_real(void **state)
{
	proto_units u;
	char err[512];
	size_t i, nprov = 0, ndist = 0, ncomm = 0;
	const proto_unit *un;

	assert_int_equal(proto_units_load(UNITS_CSV, &u, err, sizeof err), PROTO_OK);
	for (i = 0; i < u.n; i++) {
		nprov += u.a[i].level == PROTO_UNIT_PROVINCE;
		ndist += u.a[i].level == PROTO_UNIT_DISTRICT;
		ncomm += u.a[i].level == PROTO_UNIT_COMMUNE;
	}
	assert_int_equal(nprov, 1);
	assert_int_equal(ndist, 11);
	assert_int_equal(ncomm, 108);

	un = proto_units_find(&u, 943);
	assert_non_null(un);
	assert_string_equal(un->name, "Huyện Kế Sách");
	assert_string_equal(un->type, "Huyện");
	assert_int_equal(un->parent, 94);
	un = proto_units_find(&u, 94);
	assert_non_null(un);
	assert_int_equal(un->level, PROTO_UNIT_PROVINCE);
	assert_int_equal(un->parent, 0);
	assert_null(proto_units_find(&u, 12345));

	assert_int_equal(proto_units_district_of(&u, 31498), 941); /* Phường 5 */
	assert_int_equal(proto_units_district_of(&u, 31569), 942); /* TT Châu Thành */
	assert_int_equal(proto_units_district_of(&u, 943), 943);   /* a district itself */
	assert_int_equal(proto_units_district_of(&u, 94), 0);      /* the province */
	assert_int_equal(proto_units_district_of(&u, 99999), 0);   /* unknown */
	/* every commune lands in one of the 11 districts */
	for (i = 0; i < u.n; i++) {
		if (u.a[i].level == PROTO_UNIT_COMMUNE) {
			int d = proto_units_district_of(&u, u.a[i].code);
			const proto_unit *du = proto_units_find(&u, d);
			assert_non_null(du);
			assert_int_equal(du->level, PROTO_UNIT_DISTRICT);
		}
	}
	proto_units_release(&u);
	assert_null(u.a);
	assert_int_equal(u.n, 0);
	proto_units_release(&u); /* twice is harmless */
}

struct bad_units {
	const char *text;
	size_t len; /* 0: strlen */
	proto_result code;
	const char *where; /* ":LINE: " expected in the message */
	const char *what;  /* a word of the problem */
};

#define H "code,level,type,name,parent_code\n"
#define P "94,province,Tỉnh,Tỉnh Sóc Trăng,\n"
#define D "941,district,Thành phố,Thành phố Sóc Trăng,94\n"

static const struct bad_units bad_units[] = {
	{ "", 0, PROTO_EVALUE, ":1: ", "header" },
	{ "code,level,type,name\n" P, 0, PROTO_EVALUE, ":1: ", "header" },
	{ "Code,Level,Type,Name,Parent_code\n" P, 0, PROTO_EVALUE, ":1: ", "header" },
	{ H, 0, PROTO_EVALUE, ":1: ", "no units" },
	{ H P "941,district,Thành phố,Thành phố Sóc Trăng\n", 0, PROTO_EVALUE, ":3: ", "5 comma" },
	{ H P "941,district,Thành phố,Thành phố,Sóc Trăng,94\n", 0, PROTO_EVALUE, ":3: ", "5 comma" },
	{ H P "94x,district,Huyện,Huyện X,94\n", 0, PROTO_EVALUE, ":3: ", "'94x'" },
	{ H P "-941,district,Huyện,Huyện X,94\n", 0, PROTO_EVALUE, ":3: ", "'-941'" },
	{ H P ",district,Huyện,Huyện X,94\n", 0, PROTO_EVALUE, ":3: ", "code" },
	{ H P "0,district,Huyện,Huyện X,94\n", 0, PROTO_EVALUE, ":3: ", "code" },
	{ H P "99999999999,district,Huyện,Huyện X,94\n", 0, PROTO_EVALUE, ":3: ", "code" },
	{ H P "941,huyen,Huyện,Huyện X,94\n", 0, PROTO_EVALUE, ":3: ", "'huyen'" },
	{ H P "941,District,Huyện,Huyện X,94\n", 0, PROTO_EVALUE, ":3: ", "level" },
	{ H P "941,district,,Huyện X,94\n", 0, PROTO_EVALUE, ":3: ", "empty type" },
	{ H P "941,district,Huyện,,94\n", 0, PROTO_EVALUE, ":3: ", "empty name" },
	{ H "94,province,Tỉnh,Tỉnh Sóc Trăng,1\n", 0, PROTO_EVALUE, ":2: ", "empty parent" },
	{ H P "941,district,Huyện,Huyện X,\n", 0, PROTO_EVALUE, ":3: ", "parent_code" },
	{ H P "941,district,Huyện,Huyện X,95\n", 0, PROTO_EVALUE, ":3: ", "not in the file" },
	{ H P D "31498,commune,Phường,Phường 5,94\n", 0, PROTO_EVALUE, ":4: ", "is a province" },
	{ H P D "31498,commune,Phường,Phường 5,31501\n31501,commune,Phường,Phường 7,941\n", 0,
	  PROTO_EVALUE, ":4: ", "is a commune" },
	{ H P D "941,district,Huyện,Huyện Y,94\n", 0, PROTO_EVALUE, ":4: ", "duplicate code 941" },
	{ H P D "0941,district,Huyện,Huyện Y,94\n", 0, PROTO_EVALUE, ":4: ", "duplicate" },
	{ H P "\n" D, 0, PROTO_EVALUE, ":3: ", "empty line" },
	{ H P "941,district,\"Huyện\",Huyện X,94\n", 0, PROTO_EVALUE, ":3: ", "quoted" },
	{ H P "941,district,Huy\xe1\xbb,Huyện X,94\n", 0, PROTO_EUTF8, ":3: ", "UTF-8" },
	{ H P "941,district,Huy\xc0\xaf,Huyện X,94\n", 0, PROTO_EUTF8, ":3: ", "UTF-8" },
	{ H P "941,district,Huyện,Huyện\tX\x01,94\n", 0, PROTO_EUTF8, ":3: ", "control" },
	{ H P "941,district,Huyện,Huyện\0X,94\n", sizeof(H P "941,district,Huyện,Huyện\0X,94\n") - 1,
	  PROTO_EUTF8, ":3: ", "" },
};

static void test_units_bad(void **state)
{
	size_t i;

	for (i = 0; i < sizeof bad_units / sizeof bad_units[0]; i++) {
		const struct bad_units *b = &bad_units[i];
		proto_units u = { 99, (proto_unit *)&u };
		char err[512] = "";
		const char *path;
		proto_result r;

		path = write_tmp("bad.csv", b->text, b->len ? b->len : strlen(b->text));
		r = proto_units_load(path, &u, err, sizeof err);
		if (r != b->code || !strstr(err, b->where) || !strstr(err, b->what) ||
		    strncmp(err, path, strlen(path)) != 0)
			fail_msg("case %zu: got %d '%s', want %d with '%s' and '%s'", i, r, err, b->code,
				 b->where, b->what);
		assert_int_equal(u.n, 0);
		assert_null(u.a);
	}
}

static void test_units_limits(void **state)
{
	proto_units u;
	char err[512];
	char *big;
	size_t n = 2000, i;
	const char *path;

	/* a line over the cap */
	big = malloc(n + 64);
	assert_non_null(big);
	memcpy(big, H, strlen(H));
	for (i = strlen(H); i < n; i++)
		big[i] = 'a';
	big[n] = '\n';
	path = write_tmp("long.csv", big, n + 1);
	assert_int_equal(proto_units_load(path, &u, err, sizeof err), PROTO_ETOOBIG);
	assert_non_null(strstr(err, ":2: "));
	assert_non_null(strstr(err, "longer"));
	free(big);

	/* a file over the cap: refused before parsing */
	big = malloc(9u * 1024u * 1024u);
	assert_non_null(big);
	memset(big, '\n', 9u * 1024u * 1024u);
	path = write_tmp("huge.csv", big, 9u * 1024u * 1024u);
	assert_int_equal(proto_units_load(path, &u, err, sizeof err), PROTO_ETOOBIG);
	assert_non_null(strstr(err, "larger than"));
	free(big);

	/* missing file */
	assert_int_equal(proto_units_load("/nonexistent/units.csv", &u, err, sizeof err), PROTO_EIO);
	assert_non_null(strstr(err, "/nonexistent/units.csv: "));

	/* CRLF, a BOM and no final newline are tolerated; a tiny err buffer is safe */
	{
		static const char ok[] = "\xEF\xBB\xBF"
					 "code,level,type,name,parent_code\r\n"
					 "94,province,Tỉnh,Tỉnh Sóc Trăng,\r\n"
					 "941,district,Thành phố,Thành phố Sóc Trăng,94";
		path = write_tmp("ok.csv", ok, strlen(ok));
	}
	assert_int_equal(proto_units_load(path, &u, err, 4), PROTO_OK);
	assert_int_equal(u.n, 2);
	assert_string_equal(u.a[1].name, "Thành phố Sóc Trăng");
	proto_units_release(&u);
}

/* ---- campaign file ---- */

#define CAMPAIGN MAIAM_SOURCE_DIR "/campaigns/soc-trang-2023.campaign"

static void test_campaign_real(void **state)
{
	proto_campaign c;
	char err[512];
	int sum = 0;
	size_t i;

	if (proto_campaign_load(CAMPAIGN, &c, err, sizeof err) != PROTO_OK)
		fail_msg("%s", err);
	assert_string_equal(c.id, "soc-trang-2023");
	assert_non_null(strstr(c.name, "1.200 căn nhà"));
	assert_int_equal(c.province, 94);
	assert_string_equal(c.start, "2023-06-01");
	assert_string_equal(c.deadline, "2023-09-02");
	assert_string_equal(c.report_due, "2023-09-07");
	assert_int_equal(c.ntargets, 11);
	assert_int_equal(c.total_target, 1200);
	/* [evidence]: a photo of the survey and of the hand-over */
	assert_int_equal(c.evidence_stages, 1u << 0 | 1u << 7);
	assert_string_equal(proto_stages[0], "surveyed");
	assert_string_equal(proto_stages[7], "handed_over");
	assert_int_equal(c.evidence_max_days, 0);
	/* two photos of one household 500 m apart; the province's box */
	assert_int_equal(c.evidence_max_distance_m, 500);
	assert_int_equal(c.evidence_has_bounds, 1);
	assert_int_equal(c.evidence_lat_min, 91800000);
	assert_int_equal(c.evidence_lon_min, 1055100000);
	assert_int_equal(c.evidence_lat_max, 99900000);
	assert_int_equal(c.evidence_lon_max, 1063500000);
	for (i = 0; i < c.ntargets; i++)
		sum += c.targets[i].houses;
	assert_int_equal(sum, 1200);
	assert_int_equal(proto_campaign_target(&c, 943), 320);
	assert_int_equal(proto_campaign_target(&c, 941), 20);
	assert_int_equal(proto_campaign_target(&c, 94), -1);
	assert_int_equal(proto_campaign_target(&c, 31498), -1);
	assert_int_equal(c.units.n, 120);
	assert_int_equal(proto_units_district_of(&c.units, 31498), 941);
	/* the file labels every list, with the glossary's words */
	assert_string_equal(proto_label(&c.labels, PROTO_LIST_STAGE, "started"), "Khởi công");
	assert_string_equal(proto_label(&c.labels, PROTO_LIST_REVIEW_STATUS, "approved"), "Đã xác nhận");
	for (int l = 0; l < PROTO_LIST_N; l++)
		for (i = 0; proto_list_codes((proto_list)l)[i]; i++)
			assert_string_equal(c.labels.label[l][i],
					    proto_label(NULL, (proto_list)l,
							proto_list_codes((proto_list)l)[i]));
	proto_campaign_release(&c);
	assert_null(c.id);
	assert_null(c.units.a);
	proto_campaign_release(&c);
}

/* The real file with the units path made absolute, for mutation in a temp dir. */
static char *base_text(void)
{
	static const char rel[] = "units = ../data/soc-trang-units.csv";
	FILE *f = fopen(CAMPAIGN, "rb");
	char *raw, *out, *at;
	size_t n;

	assert_non_null(f);
	raw = calloc(1, 65536);
	assert_non_null(raw);
	n = fread(raw, 1, 65535, f);
	fclose(f);
	at = strstr(raw, rel);
	assert_non_null(at);
	out = calloc(1, n + 4096);
	assert_non_null(out);
	snprintf(out, n + 4096, "%.*sunits = %s%s", (int)(at - raw), raw, UNITS_CSV, at + strlen(rel));
	free(raw);
	return out;
}

/* Replace the first 'from' by 'to'; NULL 'to' cuts the text at 'from'. */
static char *mutate(const char *base, const char *from, const char *to)
{
	const char *at = strstr(base, from);
	size_t n = strlen(base) + (to ? strlen(to) : 0) + 1;
	char *out = malloc(n);

	if (!at)
		fail_msg("mutation source '%s' not in the campaign file", from);
	assert_non_null(out);
	if (to)
		snprintf(out, n, "%.*s%s%s", (int)(at - base), base, to, at + strlen(from));
	else
		snprintf(out, n, "%.*s", (int)(at - base), base);
	return out;
}

static long line_of(const char *text, const char *needle)
{
	const char *at = strstr(text, needle), *p;
	long line = 1;

	if (!at)
		fail_msg("marker '%s' not in the mutated file", needle);
	for (p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

struct bad_campaign {
	const char *name;
	const char *from, *to; /* mutation of the real file */
	const char *at;        /* error line is the line of this text (NULL: of 'to') */
	proto_result code;
	const char *what; /* a word the message must contain */
};

#define EV PROTO_EVALUE
/* the [evidence] lines of the real file that the forgeries replace */
#define BOUNDS "bounds = 9.18, 105.51, 9.99, 106.35"
#define DISTANCE "max_distance_m = 500"
static const struct bad_campaign bad_campaigns[] = {
	{ "unknown_key", "report_due = 2023-09-07", "report_due = 2023-09-07\ncolour = red", "colour",
	  EV, "unknown key 'colour'" },
	{ "unknown_section", "[awards.province]", "[awards.provinces]", NULL, EV, "unknown section" },
	{ "unknown_province_key", "working_group_individuals = 8", "working_group = 8", NULL, EV,
	  "unknown key 'working_group'" },
	{ "missing_deadline", "deadline = 2023-09-02\n", "", "[targets]", EV, "'deadline'" },
	{ "missing_id", "id = soc-trang-2023\n", "", "[targets]", EV, "'id'" },
	{ "missing_total", "total = 1200\n", "", "[targets]", EV, "'total'" },
	{ "missing_province_key", "working_group_individuals = 8", "", "[awards.province]", EV,
	  "'working_group_individuals'" },
	{ "format_not_first", "format = 1\n", "", "id = ", EV, "format = 1" },
	{ "format_future", "format = 1", "format = 2", NULL, PROTO_EVERSION, "not supported" },
	{ "format_word", "format = 1", "format = one", NULL, EV, "format 'one'" },
	{ "bad_id_upper", "id = soc-trang-2023", "id = Sóc Trăng 2023", NULL, EV, "id 'Sóc" },
	{ "bad_id_long", "id = soc-trang-2023",
	  "id = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL, EV, "1-64" },
	{ "bad_date_day", "start = 2023-06-01", "start = 2023-06-31", NULL, EV, "start '2023-06-31'" },
	{ "bad_date_feb29", "deadline = 2023-09-02", "deadline = 2023-02-29", NULL, EV,
	  "deadline '2023-02-29'" },
	{ "bad_date_format", "start = 2023-06-01", "start = 1/6/2023", NULL, EV, "YYYY-MM-DD" },
	{ "bad_date_month", "report_due = 2023-09-07", "report_due = 2023-13-07", NULL, EV, "report_due" },
	{ "start_equals_deadline", "start = 2023-06-01", "start = 2023-09-02", "deadline =", EV,
	  "after start" },
	{ "start_after_deadline", "start = 2023-06-01", "start = 2024-01-01", "deadline =", EV,
	  "after start" },
	{ "report_before_deadline", "report_due = 2023-09-07", "report_due = 2023-09-01", NULL, EV,
	  "report_due" },
	{ "unknown_district", "941 = 20", "999 = 20", NULL, EV, "999 is not in the units" },
	{ "commune_target", "941 = 20", "31498 = 20", NULL, EV, "not a district" },
	{ "province_target", "941 = 20", "94 = 20", NULL, EV, "not a district" },
	{ "evidence_unknown_stage", "stages = surveyed, handed_over", "stages = surveyed, handover",
	  NULL, EV, "unknown stage 'handover' in [evidence]" },
	{ "evidence_stage_twice", "stages = surveyed, handed_over", "stages = roof,surveyed , roof",
	  NULL, EV, "'roof' is named twice" },
	{ "evidence_empty_stage", "stages = surveyed, handed_over", "stages = surveyed,,roof", NULL, EV,
	  "unknown stage ''" },
	{ "evidence_unknown_key", "stages = surveyed, handed_over", "stage = surveyed", NULL, EV,
	  "unknown key 'stage' in [evidence]" },
	{ "evidence_days_zero", "stages = surveyed, handed_over",
	  "stages = surveyed\nmax_days_from_milestone = 0", "max_days", EV, "from 1 to 3660" },
	{ "evidence_key_twice", "stages = surveyed, handed_over", "stages = roof\nstages =  roof",
	  "stages =  roof", EV, "appears twice in [evidence]" },
	{ "evidence_distance_small", DISTANCE, "max_distance_m = 9", NULL, EV,
	  "'9' is not a whole number of metres from 10 to 100000" },
	{ "evidence_distance_large", DISTANCE, "max_distance_m = 100001", NULL, EV, "from 10 to 100000" },
	{ "evidence_distance_decimal", DISTANCE, "max_distance_m = 0.5", NULL, EV, "metres" },
	{ "evidence_distance_twice", DISTANCE, "max_distance_m = 500\nmax_distance_m = 600",
	  "max_distance_m = 600", EV, "'max_distance_m' appears twice in [evidence]" },
	{ "evidence_bounds_three", BOUNDS, "bounds = 9.18, 105.51, 9.99", NULL, EV,
	  "bounds has 3 numbers, not 4" },
	{ "evidence_bounds_five", BOUNDS, "bounds = 9.18, 105.51, 9.99, 106.35, 1", NULL, EV,
	  "bounds has 5 numbers, not 4" },
	{ "evidence_bounds_comma_decimal", BOUNDS, "bounds = 9,18, 105,51, 9,99, 106,35", NULL, EV,
	  "bounds has 8 numbers, not 4: write LAT_MIN" },
	{ "evidence_bounds_word", BOUNDS, "bounds = 9.18, 105.51, nine, 106.35", NULL, EV,
	  "bounds LAT_MAX 'nine' is not a number of degrees" },
	{ "evidence_bounds_dms", BOUNDS, "bounds = 9°11', 105.51, 9.99, 106.35", NULL, EV,
	  "bounds LAT_MIN '9°11'' is not a number" },
	{ "evidence_bounds_empty", BOUNDS, "bounds = 9.18, , 9.99, 106.35", NULL, EV,
	  "bounds LON_MIN '' is not a number" },
	{ "evidence_bounds_decimals", BOUNDS, "bounds = 9.123456789, 105.51, 9.99, 106.35", NULL, EV,
	  "at most 7 decimals" },
	{ "evidence_bounds_trailing_dot", BOUNDS, "bounds = 9., 105.51, 9.99, 106.35", NULL, EV,
	  "'9.' is not a number" },
	{ "evidence_bounds_lat_range", BOUNDS, "bounds = 9.18, 105.51, 99.9, 106.35", NULL, EV,
	  "bounds LAT_MAX '99.9' is outside -90 to 90 degrees" },
	{ "evidence_bounds_lon_range", BOUNDS, "bounds = 9.18, -180.5, 9.99, 106.35", NULL, EV,
	  "bounds LON_MIN '-180.5' is outside -180 to 180 degrees" },
	{ "evidence_bounds_swapped", BOUNDS, "bounds = 105.51, 9.18, 106.35, 9.99", NULL, EV,
	  "'105.51' is outside -90 to 90" },
	{ "evidence_bounds_lat_order", BOUNDS, "bounds = 9.99, 105.51, 9.18, 106.35", NULL, EV,
	  "bounds LAT_MIN is not below LAT_MAX" },
	{ "evidence_bounds_lon_equal", BOUNDS, "bounds = 9.18, 105.51, 9.99, 105.51", NULL, EV,
	  "bounds LON_MIN is not below LON_MAX" },
	{ "evidence_bounds_twice", BOUNDS, "bounds = 9.18, 105.51, 9.99, 106.35\nbounds = 9, 105, 10, 107",
	  "bounds = 9, 105,", EV, "'bounds' appears twice in [evidence]" },
	{ "evidence_unknown_key_names_all", BOUNDS, "box = 9.18, 105.51, 9.99, 106.35", NULL, EV,
	  "known: stages, max_days_from_milestone, max_distance_m, bounds" },
	{ "word_target", "941 = 20", "Kế Sách = 20", NULL, EV, "not a district code" },
	{ "duplicate_target", "944 = 40", "944 = 40\n944 =  40", "944 =  40", EV, "second target" },
	{ "sum_mismatch", "total = 1200", "total = 1201", NULL, EV, "1200" },
	{ "total_dotted", "total = 1200", "total = 1.200", NULL, EV, "'1.200'" },
	{ "district_without_target", "941 = 20\n", "", "[targets]", EV,
	  "941 'Thành phố Sóc Trăng' has no target" },
	{ "negative_target", "941 = 20", "941 = -20", NULL, EV, "negative" },
	{ "range_gap", "40-49 = 2", "41-49 = 2", NULL, EV, "gap" },
	{ "range_overlap", "50-99 = 3", "49-99 = 3", NULL, EV, "overlaps" },
	{ "range_not_from_zero", "0-39 = 1", "1-39 = 1", NULL, EV, "start at 0" },
	{ "range_not_open", "300+ = 9", "300-1000 = 9", NULL, EV, "open-ended" },
	{ "range_open_in_middle", "100-199 = 3", "100+ = 3", "200+ = 4", EV, "open-ended" },
	{ "range_backwards", "100-199 = 3", "199-100 = 3", NULL, EV, "ends before" },
	{ "range_spaces", "0-99 = 2", "0 - 99 = 2", NULL, EV, "LO-HI" },
	{ "range_negative_count", "0-99 = 2", "0-99 = -2", NULL, EV, "negative" },
	{ "province_negative_count", "collectives = 6", "collectives = -6", NULL, EV, "negative" },
	{ "duplicate_key", "id = soc-trang-2023", "id = soc-trang-2023\nid = other", "id = other", EV,
	  "appears twice" },
	{ "duplicate_province_key", "individuals = 6", "individuals = 6\nindividuals = 7",
	  "individuals = 7", EV, "appears twice" },
	{ "duplicate_section", "[awards.province]", "[targets] ", "[targets] ", EV, "appears twice" },
	{ "missing_section", "[awards.province]", NULL, NULL, EV, "[awards.province]" },
	{ "no_equals", "start = 2023-06-01", "start 2023-06-01", NULL, EV, "key = value" },
	{ "no_value", "start = 2023-06-01", "start =", NULL, EV, "no value" },
	{ "no_key", "start = 2023-06-01", "= 2023-06-01", NULL, EV, "missing key" },
	{ "bad_section_header", "[targets]", "[targets", NULL, EV, "section header" },
	{ "bad_utf8", "name = Đợt", "name = \xc3\x28t", NULL, PROTO_EUTF8, "UTF-8" },
	{ "utf8_surrogate", "name = Đợt", "name = \xed\xa0\x80t", NULL, PROTO_EUTF8, "UTF-8" },
	{ "control_char", "name = Đợt", "name = \x01t", NULL, PROTO_EUTF8, "control" },
	{ "province_not_province", "province = 94", "province = 941", NULL, EV, "not a province" },
	{ "label_unknown_code", "category.poor = Hộ nghèo", "category.rich = Hộ nghèo", NULL, EV,
	  "unknown code 'rich' in list category" },
	{ "label_unknown_list", "category.poor = Hộ nghèo", "colour.poor = Hộ nghèo", NULL, EV,
	  "not LIST.CODE" },
	{ "label_no_list", "category.poor = Hộ nghèo", "poor = Hộ nghèo", NULL, EV, "not LIST.CODE" },
	{ "label_missing", "category.poor = Hộ nghèo\n", "", "[labels]", EV, "none for code 'poor'" },
	{ "label_same", "category.near_poor = Hộ cận nghèo", "category.near_poor = HỘ NGHÈO", NULL, EV,
	  "reads the same as the label of category.poor" },
	{ "label_same_folded", "category.near_poor = Hộ cận nghèo", "category.near_poor = Ho ngheo",
	  NULL, EV, "with or without diacritics" },
	{ "label_twice", "stage.roof = Xong mái", "stage.roof = Xong mái\nstage.roof = Mái",
	  "stage.roof = Mái", EV, "appears twice" },
	{ "label_same_unpunctuated", "land_status.rented = Đất thuê, mượn",
	  "land_status.rented = Đất của gia đình dòng họ", NULL, EV,
	  "reads the same as the label of land_status.family_land" },
	{ "label_reads_as_code", "support_kind.repair = Sửa chữa", "support_kind.repair = New build",
	  NULL, EV, "reads as the code 'new_build'" },
	{ "label_too_long", "source.other = Khác",
	  "source.other = Khác khác khác khác khác khác khác khác khác khác khác", NULL, EV,
	  "longer than 64 bytes" },
	{ "label_no_value", "source.other = Khác", "source.other =", NULL, EV, "no value" },
	{ "units_missing", "units = ", "units = /nonexistent/x.csv\n# ", "units = ", PROTO_EIO,
	  "units file: /nonexistent/x.csv" },
};

static void run_bad_campaign(void **state)
{
	const struct bad_campaign *b = *state;
	char *base = base_text(), *text = mutate(base, b->from, b->to);
	proto_campaign c;
	char err[1024] = "", want[64];
	const char *path = write_tmp("bad.campaign", text, strlen(text));
	long line;
	proto_result r;

	if (!b->to) { /* cut: the error names the last line */
		line = 0;
		for (const char *p = text; *p; p++)
			line += *p == '\n';
	} else {
		line = line_of(text, b->at ? b->at : b->to);
	}
	snprintf(want, sizeof want, "bad.campaign:%ld: ", line);
	r = proto_campaign_load(path, &c, err, sizeof err);
	if (r != b->code || !strstr(err, want) || !strstr(err, b->what) ||
	    strncmp(err, path, strlen(path)) != 0)
		fail_msg("%s: got %d '%s', want %d with '%s' and '%s'", b->name, r, err, b->code, want,
			 b->what);
	/* nothing half-loaded is left behind */
	assert_null(c.id);
	assert_null(c.targets);
	assert_null(c.units.a);
	assert_null(c.collectives.a);
	free(text);
	free(base);
}

static void test_campaign_limits(void **state)
{
	char *base = base_text(), *text, *name;
	proto_campaign c;
	char err[1024];
	const char *path;
	size_t n = 70000;

	/* a line over the cap, on line 3 of the real file */
	name = malloc(2100);
	assert_non_null(name);
	memcpy(name, "name = ", 7);
	memset(name + 7, 'x', 2000);
	name[2007] = '\0';
	text = mutate(base, "name = Đợt", name);
	path = write_tmp("long.campaign", text, strlen(text));
	assert_int_equal(proto_campaign_load(path, &c, err, sizeof err), PROTO_ETOOBIG);
	snprintf(name, 2100, "long.campaign:%ld: ", line_of(text, "name = "));
	assert_non_null(strstr(err, name));
	free(text);
	free(name);

	/* a file over the cap */
	text = malloc(n);
	assert_non_null(text);
	memset(text, '#', n);
	path = write_tmp("huge.campaign", text, n);
	assert_int_equal(proto_campaign_load(path, &c, err, sizeof err), PROTO_ETOOBIG);
	assert_non_null(strstr(err, "larger than"));
	free(text);

	/* empty and comment-only files */
	path = write_tmp("empty.campaign", "", 0);
	assert_int_equal(proto_campaign_load(path, &c, err, sizeof err), PROTO_EVALUE);
	assert_non_null(strstr(err, "format = 1"));
	path = write_tmp("comments.campaign", "# nothing\n\n# here\n", 18);
	assert_int_equal(proto_campaign_load(path, &c, err, sizeof err), PROTO_EVALUE);
	assert_non_null(strstr(err, "comments.campaign:3: "));

	/* a missing file */
	assert_int_equal(proto_campaign_load("/nonexistent/x.campaign", &c, err, sizeof err), PROTO_EIO);
	assert_non_null(strstr(err, "/nonexistent/x.campaign: "));

	/* edge cases that are fine: report due on the deadline, a zero target, a BOM,
	 * CRLF line ends, '#' inside a value */
	text = mutate(base, "report_due = 2023-09-07", "report_due = 2023-09-02");
	path = write_tmp("ok.campaign", text, strlen(text));
	assert_int_equal(proto_campaign_load(path, &c, err, sizeof err), PROTO_OK);
	proto_campaign_release(&c);
	free(text);
	free(base);
}

static void test_campaign_zero_target(void **state)
{
	char *base = base_text(), *t1, *t2;
	proto_campaign c;
	char err[1024];
	const char *path;

	t1 = mutate(base, "941 = 20", "941 = 0");
	t2 = mutate(t1, "total = 1200", "total = 1180");
	path = write_tmp("zero.campaign", t2, strlen(t2));
	if (proto_campaign_load(path, &c, err, sizeof err) != PROTO_OK)
		fail_msg("%s", err);
	assert_int_equal(proto_campaign_target(&c, 941), 0);
	assert_int_equal(proto_award_lookup(&c.collectives, 0)->count, 2);
	proto_campaign_release(&c);
	free(t1);
	free(t2);
	free(base);
}

static void test_campaign_crlf_bom(void **state)
{
	char *base = base_text();
	size_t n = strlen(base), i, j = 3;
	char *crlf = malloc(2 * n + 4);
	proto_campaign c;
	char err[1024];
	const char *path;

	assert_non_null(crlf);
	memcpy(crlf, "\xEF\xBB\xBF", 3);
	for (i = 0; i < n; i++) {
		if (base[i] == '\n')
			crlf[j++] = '\r';
		crlf[j++] = base[i];
	}
	path = write_tmp("crlf.campaign", crlf, j);
	if (proto_campaign_load(path, &c, err, sizeof err) != PROTO_OK)
		fail_msg("%s", err);
	assert_string_equal(c.id, "soc-trang-2023");
	assert_string_equal(c.collectives.a[0].text, "0-99 = 2");
	proto_campaign_release(&c);
	free(crlf);
	free(base);
}

static void test_campaign_oom(void **state)
{
	proto_campaign c;
	char err[1024];
	long i;
	proto_result r;

	/* fail each allocation in turn: never a crash or leak, always a clean error */
	for (i = 0;; i++) {
		proto_alloc_fail_after(i);
		r = proto_campaign_load(CAMPAIGN, &c, err, sizeof err);
		proto_alloc_fail_after(-1);
		if (r == PROTO_OK)
			break;
		assert_int_equal(r, PROTO_ENOMEM);
		assert_null(c.id);
		assert_null(c.units.a);
		assert_true(i < 10000);
	}
	proto_campaign_release(&c);
}

int main(void)
{
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_units_real),        cmocka_unit_test(test_units_bad),
		cmocka_unit_test(test_units_limits),      cmocka_unit_test(test_campaign_real),
		cmocka_unit_test(test_campaign_limits),   cmocka_unit_test(test_campaign_zero_target),
		cmocka_unit_test(test_campaign_crlf_bom), cmocka_unit_test(test_campaign_oom),
	};
	enum {
		NFIXED = sizeof fixed / sizeof fixed[0],
		NBAD = sizeof bad_campaigns / sizeof bad_campaigns[0]
	};
	struct CMUnitTest tests[NFIXED + NBAD];
	size_t i;

	/* one named test per bad campaign file */
	memcpy(tests, fixed, sizeof fixed);
	for (i = 0; i < NBAD; i++) {
		struct CMUnitTest t = { bad_campaigns[i].name, run_bad_campaign, NULL, NULL,
					(void *)&bad_campaigns[i] };
		tests[NFIXED + i] = t;
	}
	return _cmocka_run_group_tests("test_campaign", tests, NFIXED + NBAD, setup, teardown);
}
