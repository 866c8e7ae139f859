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

#include "maiam/campaign.h"
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
	{ H P D "31498,commune,Phường,Phường 5,31501\n31501,commune,Phường,Phường 7,941\n",
	  0, PROTO_EVALUE, ":4: ", "is a commune" },
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
			fail_msg("case %zu: got %d '%s', want %d with '%s' and '%s'", i, r, err,
				 b->code, b->where, b->what);
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
		static const char ok[] = "\xEF\xBB\xBF" "code,level,type,name,parent_code\r\n"
					 "94,province,Tỉnh,Tỉnh Sóc Trăng,\r\n"
					 "941,district,Thành phố,Thành phố Sóc Trăng,94";
		path = write_tmp("ok.csv", ok, strlen(ok));
	}
	assert_int_equal(proto_units_load(path, &u, err, 4), PROTO_OK);
	assert_int_equal(u.n, 2);
	assert_string_equal(u.a[1].name, "Thành phố Sóc Trăng");
	proto_units_release(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units_real),
		cmocka_unit_test(test_units_bad),
		cmocka_unit_test(test_units_limits),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
