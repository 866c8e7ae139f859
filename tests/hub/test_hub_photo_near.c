/*
 * test_hub_photo_near.c - the near-duplicate index catches photos whichever
 * came first, through a real hub (docs/PHOTOS.md, "In the reconcile
 * queue"): bytes the hub held before any record named them are indexed
 * when a pushed record names them, and photos a hub stored without
 * indexing them (an older hub) are indexed by the backfill at the next
 * opening of the hub, once, however often it is opened again.
 *
 * And the items of a photo's position (photo_distance, photo_outside) in
 * the real binary's table, in Vietnamese under a vi locale and in English
 * under LANG=C, resolved with 'maiam-hub reconcile resolve'.
 *
 * The bytes' rows are written into hub_photo directly, as the photo store
 * writes them (sha256, size, arrival, agent, dHash) with no record naming
 * them yet: the dHashes are chosen, 3 bits apart for each near pair, so the
 * test needs no JPEG decoder. The index's own tables are read with ht_sql,
 * which opens the database without opening the hub (no backfill).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "hubtest.h"
#include "testmain.h"

#define COMMUNE 31498 /* Phường 5, district 941 */
#define HASH_X "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a"
#define HASH_Y "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
#define HASH_Z "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c"
#define HASH_W "0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d"
#define DHASH_XY 0x0123456789abcdefll /* X's; Y's is 3 bits from it */
#define DHASH_ZW 0x7edcba9876543210ll /* Z's; W's is 3 bits from it */

static ht_hub hub;
static ht_agent a;

static int group_setup(void **state)
{
	ht_net_setup(state);
	return ht_hub_up(&hub, &a, COMMUNE, NULL);
}

static int group_teardown(void **state)
{
	ht_hub_stop(&hub, SIGTERM);
	ht_agent_free(&a);
	if (ht_hub_remove(&hub))
		return -1;
	return ht_net_teardown(state);
}

/* The bytes of photo hex reached the hub (its row, as the store writes it). */
static void bytes_arrived(const char *hex, long long dhash)
{
	char path[320], sql[512];
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/hub/hub.db", hub.dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO hub_photo (sha256, bytes, stored_at, agent, dhash)"
		 " VALUES (x'%s', 1000, 1700000000, 1, %lld)",
		 hex, dhash);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* A photo record of a's naming photo hex as household hh's own evidence. */
static void add_photo(proto_changeset *cs, proto_id hh, const char *hex)
{
	proto_id id = { a.id, ++a.serial };

	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_PHOTO, id,
					       proto_hlc_now(&a.clock, proto_wall_ms()), a.id),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_ref(cs, PROTO_PH_TARGET, 0, hh), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_PH_TARGET_KIND, 0, PROTO_KIND_HOUSEHOLD),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_PH_SHA256, 0, hex, 64), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_PH_BYTES, 0, 1000), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_PH_TYPE, 0, "image/jpeg", 10), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_PH_WIDTH, 0, 640), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_PH_HEIGHT, 0, 480), PROTO_OK);
}

/* Push households (new ones: n_new of them into hh[]) and the photos
 * hex[i] of households of[i]. */
static void push(proto_id *hh, int n_new, const char *const *hex, const int *of, int nphotos)
{
	proto_changeset cs;
	int i;

	assert_int_equal(ht_cs_begin(&a, &cs), 0);
	for (i = 0; i < n_new; i++) {
		hh[i] = (proto_id){ a.id, ++a.serial };
		assert_int_equal(ht_cs_household(&a, &cs, hh[i], COMMUNE, 4), 0);
	}
	for (i = 0; i < nphotos; i++)
		add_photo(&cs, hh[of[i]], hex[i]);
	assert_int_equal(ht_cs_push(&hub, &a, &cs), 200);
}

/* The reconcile report as JSON, from the real binary (it opens the hub). */
static void reconcile(char *out, size_t outlen)
{
	assert_int_equal(ht_run(out, outlen,
				"report reconcile --format json --as-of 2023-12-31 --dir '%s/hub'",
				hub.dir),
			 0);
}

static void bytes_first_record_after(void **state)
{
	static const char *const y_only[] = { HASH_Y }, *const x_only[] = { HASH_X };
	static const int on_second[] = { 1 }, on_first[] = { 0 };
	proto_id hh[2], third[1];
	char out[16384];

	(void)state;
	/* the bytes of X and Y came while no record named them: nothing noted */
	bytes_arrived(HASH_X, DHASH_XY);
	bytes_arrived(HASH_Y, DHASH_XY ^ 0x10204ll);
	/* Y's record, on the second household: indexed as it is merged */
	push(hh, 2, y_only, on_second, 1);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM photo_dhash"), 1);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM hub_photo_near"), 0);
	/* X's record on the first household: indexed, and found near Y */
	push(hh, 0, x_only, on_first, 1);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM photo_dhash"), 2);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM hub_photo_near"), 1);
	assert_int_equal(ht_sql(&hub, "SELECT distance FROM hub_photo_near"), 3);
	reconcile(out, sizeof(out));
	assert_non_null(strstr(out, "\"kind\": \"near_photo\""));
	assert_non_null(strstr(out, "\"sha256\": \"" HASH_X "\""));
	assert_non_null(strstr(out, "\"near\": \"" HASH_Y "\""));
	/* Y named again, on a third household: noted again, it finds X, and
	 * the pair stays one row whichever way round */
	push(third, 1, y_only, on_first, 1);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM photo_dhash"), 3);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM hub_photo_near"), 1);
}

static void stored_before_the_index(void **state)
{
	static const char *const zw[] = { HASH_Z, HASH_W };
	static const int one_each[] = { 0, 1 };
	proto_id hh[2];
	char out[16384];
	long long indexed;

	(void)state;
	/* the records first, then the bytes stored by a hub that did not index them */
	push(hh, 2, zw, one_each, 2);
	bytes_arrived(HASH_Z, DHASH_ZW);
	bytes_arrived(HASH_W, DHASH_ZW ^ 0x70ll);
	indexed = ht_sql(&hub, "SELECT count(*) FROM photo_dhash");
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM hub_photo_near"), 1);
	/* the next opening of the hub indexes them: the pair is an item */
	reconcile(out, sizeof(out));
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM photo_dhash"), indexed + 2);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM hub_photo_near"), 2);
	/* in the order they were stored: W, the later one, found Z */
	assert_non_null(strstr(out, "\"sha256\": \"" HASH_W "\""));
	assert_non_null(strstr(out, "\"near\": \"" HASH_Z "\""));
	/* and once: the cursor is past them, another opening adds nothing */
	assert_true(ht_sql(&hub, "SELECT CAST(value AS INTEGER) FROM hub_meta"
				 " WHERE key = 'photo_near_backfill'") >=
		    ht_sql(&hub, "SELECT max(rowid) FROM hub_photo"));
	reconcile(out, sizeof(out));
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM photo_dhash"), indexed + 2);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM hub_photo_near"), 2);
}

/* The reconcile table of the real binary under LANG=lang holds each of want[]. */
static void table_says(const char *lang, const char *const *want, size_t n)
{
	char cmd[1024];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(cmd, sizeof(cmd),
			 "env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=%s %s report reconcile"
			 " --as-of 2023-12-31 --dir '%s/hub' | grep -qF \"%s\"",
			 lang, MAIAM_HUB_BIN, hub.dir, want[i]);
		if (system(cmd) != 0)
			fail_msg("LANG=%s: the table does not say '%s'", lang, want[i]);
	}
}

static void positions_in_both_languages(void **state)
{
	static const char *const vi[] = {
		"Ảnh chụp xa nhau",
		"ảnh e1e1e1e1 và e4e4e4e4 cách nhau 152493 m (quá 500 m)",
		"Ảnh ngoài tỉnh",
		"chụp tại 10.77690, 106.70090: ngoài khung tọa độ của tỉnh (vĩ độ 9.18000 đến 9.99000,"
		" kinh độ 105.51000 đến 106.35000)",
	};
	static const char *const en[] = {
		"Photos far apart",
		"photos e1e1e1e1 and e4e4e4e4 are 152493 m apart (more than 500 m)",
		"Photo outside the province",
		"taken at 10.77690, 106.70090: outside the province's box (latitude 9.18000 to 9.99000,"
		" longitude 105.51000 to 106.35000)",
	};
	static const char *const hashes[] = {
		"e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1",
		"e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2",
		"e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3e3",
		"e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4",
	};
	/* the old house, the roof 300 m off, a photo 925 m off, one in Hồ Chí
	 * Minh City (152 km: the household's farthest pair, and out of the box) */
	static const int32_t lat[] = { 96033000, 96060000, 96100000, 107769000 };
	static const int32_t lon[] = { 1059800000, 1059800000, 1059850000, 1067009000 };
	proto_changeset cs;
	proto_id hh = { a.id, 0 }, saigon = { 0, 0 };
	char out[16384], item[64];
	int i;

	(void)state;
	assert_int_equal(ht_cs_begin(&a, &cs), 0);
	hh.serial = ++a.serial;
	assert_int_equal(ht_cs_household(&a, &cs, hh, COMMUNE, 4), 0);
	for (i = 0; i < 4; i++) {
		add_photo(&cs, hh, hashes[i]);
		saigon = (proto_id){ a.id, a.serial }; /* the last one's */
		assert_int_equal(proto_changeset_add_int(&cs, PROTO_PH_LAT, 0, lat[i]), PROTO_OK);
		assert_int_equal(proto_changeset_add_int(&cs, PROTO_PH_LON, 0, lon[i]), PROTO_OK);
	}
	assert_int_equal(ht_cs_push(&hub, &a, &cs), 200);
	table_says("vi_VN.UTF-8", vi, sizeof(vi) / sizeof(vi[0]));
	table_says("C", en, sizeof(en) / sizeof(en[0]));
	/* a document is Vietnamese whatever the locale */
	reconcile(out, sizeof(out));
	assert_non_null(strstr(out, "\"kind\": \"photo_distance\""));
	assert_non_null(strstr(out, "\"kind\": \"photo_outside\""));
	assert_non_null(strstr(out, vi[1]));
	/* resolved from the command line, once */
	snprintf(item, sizeof(item), "B-%016llx-%llu", (unsigned long long)saigon.origin,
		 (unsigned long long)saigon.serial);
	assert_int_equal(ht_run(NULL, 0,
				"reconcile resolve %s --note 'máy mất định vị' --by lan --dir '%s/hub'",
				item, hub.dir),
			 0);
	assert_int_equal(ht_run(NULL, 0,
				"reconcile resolve %s --note again --by lan --dir '%s/hub' 2>/dev/null",
				item, hub.dir),
			 1);
	reconcile(out, sizeof(out));
	assert_null(strstr(out, item));
}

TEST_MAIN_WITH(group_setup, group_teardown, cmocka_unit_test(bytes_first_record_after),
	       cmocka_unit_test(stored_before_the_index), cmocka_unit_test(positions_in_both_languages))
