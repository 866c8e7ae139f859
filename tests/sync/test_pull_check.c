/*
 * test_pull_check.c - what the laptop refuses in a pull answer that verifies
 * with the pinned hub key (agent/pull_check.c): a record in the laptop's own
 * name, or one outside its commune or district, before and after the merge;
 * and what it must still take (a household moving out, a void it never saw);
 * photo records by their household's area.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <unistd.h>
#include "cmds.h"
#include "store.h"
#include "sync.h"
#include "protofix.h"
#include "testmain.h"
#include "../tools/golden_records.h"

#define OWN 0x1111111111111111ull     /* this laptop's key id */
#define PEER 0x2222222222222222ull    /* another laptop of the same commune */
#define RETIRED 0x4444444444444444ull /* this laptop's key before a re-enrolment */
#define HUB 0x3333333333333333ull
#define HERE 31498  /* Phường 5, district 941 */
#define THERE 31501 /* Phường 7, district 941 */
#define FAR 31569   /* district 942 */

static uint64_t stamp = 1700000000000ull << 16;

static void begin(proto_changeset *cs)
{
	uint8_t zeros[32] = { 0 };

	assert_int_equal(proto_changeset_init(cs, "test", HUB, 1, zeros, stamp), PROTO_OK);
}

static void household(proto_changeset *cs, proto_id id, uint64_t writer, int64_t commune)
{
	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, id, ++stamp, writer), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_HH_NAME, 0, "Lâm Thị Hoa",
						  strlen("Lâm Thị Hoa")),
			 PROTO_OK);
	if (commune)
		assert_int_equal(proto_changeset_add_int(cs, PROTO_HH_COMMUNE, 0, commune), PROTO_OK);
}

static void milestone(proto_changeset *cs, proto_id id, proto_id hh)
{
	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_MILESTONE, id, ++stamp, PEER), PROTO_OK);
	assert_int_equal(proto_changeset_add_ref(cs, PROTO_MS_HOUSEHOLD, 0, hh), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_MS_STAGE, 0, "surveyed", 8), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_MS_DATE, 0, "2023-06-01", 10), PROTO_OK);
}

static void unit_money(proto_changeset *cs, proto_id id, int64_t unit)
{
	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_CONTRIBUTION, id, ++stamp, PEER), PROTO_OK);
	assert_int_equal(proto_changeset_add_null(cs, PROTO_CT_HOUSEHOLD, 0), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_CT_UNIT, 0, unit), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_CT_SOURCE, 0, "donor", 5), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_CT_MONEY, 0, 5000000), PROTO_OK);
}

static void void_of(proto_changeset *cs, proto_id id, proto_id target, int kind)
{
	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_VOID, id, ++stamp, PEER), PROTO_OK);
	assert_int_equal(proto_changeset_add_ref(cs, PROTO_VO_TARGET, 0, target), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_VO_TARGET_KIND, 0, kind), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_VO_REASON, 0, "typo", 4), PROTO_OK);
}

/* The checks as agent_pull_apply runs them: own, mark, merge, area. 0/1.
 * pending: the answer said "more" (NULL: the last answer). */
static int check_answer(sqlite3 *db, const agent_area *a, const proto_changeset *cs,
			agent_pull_pending *pending)
{
	char why[256] = "";
	uint8_t before[64];
	int k = -1;

	assert_true(cs->nrecords <= sizeof before);
	assert_int_equal(agent_pull_check_own((uint64_t[]){ OWN }, 1, cs, &k, why, sizeof why), PROTO_OK);
	if (k)
		return k;
	assert_int_equal(agent_pull_area_mark(db, a, cs, before), PROTO_OK);
	assert_int_equal(sqlite3_exec(db, "SAVEPOINT t", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(proto_merge(db, cs, NULL), PROTO_OK);
	k = -1;
	assert_int_equal(agent_pull_area_check(db, a, cs, before, pending, &k, why, sizeof why), PROTO_OK);
	assert_true(k == 0 || k == 1);
	if (k) {
		assert_non_null(strstr(why, "outside"));
		sqlite3_exec(db, "ROLLBACK TO t", NULL, NULL, NULL);
	}
	sqlite3_exec(db, "RELEASE t", NULL, NULL, NULL);
	return k;
}

/* check_answer, then cs released: each answer is checked once. */
static int check_more(sqlite3 *db, const agent_area *a, proto_changeset *cs, agent_pull_pending *pending)
{
	int k = check_answer(db, a, cs, pending);

	proto_changeset_release(cs);
	return k;
}

static int check(sqlite3 *db, const agent_area *a, proto_changeset *cs)
{
	return check_more(db, a, cs, NULL);
}

/* Seed a store: H1 in HERE, H2 in THERE (known from an earlier area), a
 * milestone of H2 and a contribution to THERE as a whole. */
static sqlite3 *store(void)
{
	proto_changeset cs;
	sqlite3 *db = NULL;

	assert_int_equal(proto_db_open(":memory:", &db), PROTO_OK);
	begin(&cs);
	household(&cs, (proto_id){ PEER, 1 }, PEER, HERE);
	household(&cs, (proto_id){ PEER, 2 }, PEER, THERE);
	milestone(&cs, (proto_id){ PEER, 3 }, (proto_id){ PEER, 2 });
	unit_money(&cs, (proto_id){ PEER, 4 }, THERE);
	assert_int_equal(proto_merge(db, &cs, NULL), PROTO_OK);
	proto_changeset_release(&cs);
	return db;
}

static void test_own_writer(void **state)
{
	agent_area a = { .code = HERE };
	proto_changeset cs;
	sqlite3 *db = store();
	char why[256];
	int refused = 0;

	(void)state;
	/* a new household in our commune, but "written" by this laptop */
	begin(&cs);
	household(&cs, (proto_id){ PEER, 9 }, PEER, HERE);
	household(&cs, (proto_id){ OWN, 7 }, OWN, HERE);
	assert_int_equal(agent_pull_check_own((uint64_t[]){ OWN }, 1, &cs, &refused, why, sizeof why),
			 PROTO_OK);
	assert_int_equal(refused, 1);
	assert_non_null(strstr(why, "record 2"));
	assert_int_equal(check(db, &a, &cs), 1);
	/* our id, another writer: an edit of ours relayed from a peer, taken */
	begin(&cs);
	household(&cs, (proto_id){ OWN, 7 }, PEER, HERE);
	assert_int_equal(check(db, &a, &cs), 0);
	/* written by the key this laptop had before a re-enrolment: its own
	 * work too, which the hub never relays back to its successor */
	begin(&cs);
	household(&cs, (proto_id){ PEER, 9 }, PEER, HERE);
	household(&cs, (proto_id){ RETIRED, 3 }, RETIRED, HERE);
	assert_int_equal(agent_pull_check_own((uint64_t[]){ OWN, RETIRED }, 2, &cs, &refused, why,
					      sizeof why),
			 PROTO_OK);
	assert_int_equal(refused, 1);
	assert_non_null(strstr(why, "record 2"));
	proto_changeset_release(&cs);
	/* an edit of one of its households by another laptop is not */
	begin(&cs);
	household(&cs, (proto_id){ RETIRED, 3 }, PEER, HERE);
	assert_int_equal(agent_pull_check_own((uint64_t[]){ OWN, RETIRED }, 2, &cs, &refused, why,
					      sizeof why),
			 PROTO_OK);
	assert_int_equal(refused, 0);
	proto_changeset_release(&cs);
	sqlite3_close(db);
}

static void test_commune_area(void **state)
{
	agent_area a = { .code = HERE };
	proto_changeset cs;
	sqlite3 *db = store();

	(void)state;
	/* in the area: a new household here, an edit of H1, a milestone of H1 */
	begin(&cs);
	household(&cs, (proto_id){ PEER, 10 }, PEER, HERE);
	household(&cs, (proto_id){ PEER, 1 }, PEER, 0);
	milestone(&cs, (proto_id){ PEER, 11 }, (proto_id){ PEER, 1 });
	unit_money(&cs, (proto_id){ PEER, 12 }, HERE);
	assert_int_equal(check(db, &a, &cs), 0);
	/* a household of another commune, new to this laptop */
	begin(&cs);
	household(&cs, (proto_id){ PEER, 13 }, PEER, HERE);
	household(&cs, (proto_id){ PEER, 14 }, PEER, THERE);
	assert_int_equal(check(db, &a, &cs), 1);
	/* nothing of a refused answer stays: H13 was rolled back with it */
	begin(&cs);
	household(&cs, (proto_id){ PEER, 13 }, PEER, 0);
	assert_int_equal(check(db, &a, &cs), 1);
	/* an edit of a household held in another commune, a milestone of it,
	 * money for another commune, a void of an event of another commune */
	begin(&cs);
	household(&cs, (proto_id){ PEER, 2 }, PEER, 0);
	assert_int_equal(check(db, &a, &cs), 1);
	begin(&cs);
	milestone(&cs, (proto_id){ PEER, 15 }, (proto_id){ PEER, 2 });
	assert_int_equal(check(db, &a, &cs), 1);
	begin(&cs);
	unit_money(&cs, (proto_id){ PEER, 16 }, THERE);
	assert_int_equal(check(db, &a, &cs), 1);
	begin(&cs);
	unit_money(&cs, (proto_id){ PEER, 16 }, 941); /* the district: not a commune's */
	assert_int_equal(check(db, &a, &cs), 1);
	begin(&cs);
	void_of(&cs, (proto_id){ PEER, 17 }, (proto_id){ PEER, 3 }, PROTO_KIND_MILESTONE);
	assert_int_equal(check(db, &a, &cs), 1);
	begin(&cs);
	void_of(&cs, (proto_id){ PEER, 17 }, (proto_id){ PEER, 4 }, PROTO_KIND_CONTRIBUTION);
	assert_int_equal(check(db, &a, &cs), 1);
	/* a void of an event this laptop never held: nothing shown changes */
	begin(&cs);
	void_of(&cs, (proto_id){ PEER, 18 }, (proto_id){ HUB, 99 }, PROTO_KIND_MILESTONE);
	assert_int_equal(check(db, &a, &cs), 0);
	/* H1 moves out of the area: the record that says where is taken, and
	 * a milestone of it in the same answer too (it was ours before) */
	begin(&cs);
	milestone(&cs, (proto_id){ PEER, 19 }, (proto_id){ PEER, 1 });
	household(&cs, (proto_id){ PEER, 1 }, PEER, THERE);
	assert_int_equal(check(db, &a, &cs), 0);
	/* H2 moves in: taken, and its later edits too */
	begin(&cs);
	household(&cs, (proto_id){ PEER, 2 }, PEER, HERE);
	assert_int_equal(check(db, &a, &cs), 0);
	begin(&cs);
	household(&cs, (proto_id){ PEER, 2 }, PEER, 0);
	assert_int_equal(check(db, &a, &cs), 0);
	sqlite3_close(db);
}

static void test_district_area(void **state)
{
	agent_area a;
	proto_changeset cs;
	sqlite3 *db = store();

	(void)state;
	assert_int_equal(agent_area_load(&a, "district", 941), PROTO_OK);
	assert_true(agent_area_has(&a, HERE));
	assert_true(agent_area_has(&a, THERE));
	assert_false(agent_area_has(&a, FAR));
	assert_false(agent_area_has(&a, 941)); /* a district is not one of its communes */
	/* every commune of the district, and money for the district itself */
	begin(&cs);
	household(&cs, (proto_id){ PEER, 20 }, PEER, THERE);
	household(&cs, (proto_id){ PEER, 2 }, PEER, 0);
	unit_money(&cs, (proto_id){ PEER, 21 }, 941);
	unit_money(&cs, (proto_id){ PEER, 22 }, THERE);
	assert_int_equal(check(db, &a, &cs), 0);
	begin(&cs);
	household(&cs, (proto_id){ PEER, 23 }, PEER, FAR);
	assert_int_equal(check(db, &a, &cs), 1);
	begin(&cs);
	unit_money(&cs, (proto_id){ PEER, 24 }, 942);
	assert_int_equal(check(db, &a, &cs), 1);
	agent_area_release(&a);
	assert_int_equal(agent_area_load(&a, "province", 94), PROTO_EVALUE);
	agent_area_release(&a);
	sqlite3_close(db);
}

/* A household that moved into the area comes with its history first; when
 * the hub splits the pull between that history and the move, the first
 * answer says "more" and the household is settled at the end of the pull. */
static void test_pending(void **state)
{
	agent_area a = { .code = HERE };
	agent_pull_pending p = { 0 };
	proto_changeset cs;
	sqlite3 *db = store();
	int refused = -1;
	char why[256];

	(void)state;
	begin(&cs);
	household(&cs, (proto_id){ PEER, 30 }, PEER, THERE);
	milestone(&cs, (proto_id){ PEER, 31 }, (proto_id){ PEER, 30 });
	assert_int_equal(check_more(db, &a, &cs, &p), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(agent_pull_pending_check(db, &a, &p, &refused, why, sizeof why), PROTO_OK);
	assert_int_equal(refused, 1);
	assert_non_null(strstr(why, "outside"));
	begin(&cs);
	household(&cs, (proto_id){ PEER, 30 }, PEER, HERE);
	assert_int_equal(check(db, &a, &cs), 0);
	assert_int_equal(agent_pull_pending_check(db, &a, &p, &refused, why, sizeof why), PROTO_OK);
	assert_int_equal(refused, 0);
	/* "more" is no licence for what the laptop already knows is elsewhere */
	begin(&cs);
	household(&cs, (proto_id){ PEER, 2 }, PEER, 0);
	assert_int_equal(check_more(db, &a, &cs, &p), 1);
	begin(&cs);
	unit_money(&cs, (proto_id){ PEER, 32 }, THERE);
	assert_int_equal(check_more(db, &a, &cs, &p), 1);
	agent_pull_pending_release(&p);
	sqlite3_close(db);
}

/* agent_pull_apply of cs as answer up to cursor 9, then cs released. */
static int apply(agent_ctx *ctx, const agent_area *a, proto_changeset *cs, proto_merge_stats *st)
{
	int r = agent_pull_apply(ctx, a, cs, 9, NULL, st);

	proto_changeset_release(cs);
	return r;
}

/* What the laptop holds: this many households, and its pull cursor. */
static void expect_store(agent_ctx *ctx, long long households, const char *cursor)
{
	char got[32];

	assert_int_equal(protofix_query_int(ctx->db, "SELECT count(*) FROM household"), households);
	assert_int_equal(agent_meta_get(ctx, "pull_cursor", got, sizeof got, NULL), PROTO_OK);
	assert_string_equal(got, cursor);
}

/* agent_pull_apply on a real laptop store: a refused answer leaves nothing,
 * not even its good records, and the cursor where it was. */
static void test_apply(void **state)
{
	char home[] = "/tmp/maiam-pull-check-XXXXXX", rm[64];
	char *init[] = { "init", "--commune", "31498", NULL };
	agent_ctx ctx;
	agent_area a = { .code = HERE };
	proto_merge_stats st;
	proto_changeset cs;
	uint64_t own;

	(void)state;
	assert_non_null(mkdtemp(home));
	agent_ctx_init(&ctx);
	ctx.home_opt = home;
	ctx.out = fopen("/dev/null", "w");
	assert_non_null(ctx.out);
	assert_int_equal(agent_run(&ctx, 3, init), AGENT_OK);
	fclose(ctx.out);
	agent_ctx_release(&ctx);
	agent_ctx_init(&ctx);
	ctx.home_opt = home;
	assert_int_equal(agent_store_open(&ctx), AGENT_OK);
	own = ctx.key_id;
	assert_int_equal(agent_cursor_save(&ctx, 7), PROTO_OK);
	memset(&st, 0, sizeof st);

	/* one good record, one in this laptop's name */
	begin(&cs);
	household(&cs, (proto_id){ PEER, 1 }, PEER, HERE);
	household(&cs, (proto_id){ own, 1 }, own, HERE);
	assert_int_equal(apply(&ctx, &a, &cs, &st), AGENT_HUB_REFUSED);
	/* one good record, one of another commune */
	begin(&cs);
	household(&cs, (proto_id){ PEER, 1 }, PEER, HERE);
	household(&cs, (proto_id){ PEER, 2 }, PEER, THERE);
	assert_int_equal(apply(&ctx, &a, &cs, &st), AGENT_HUB_REFUSED);
	expect_store(&ctx, 0, "7");
	assert_int_equal(st.applied, 0);
	/* the good answer alone is merged, with its cursor */
	begin(&cs);
	household(&cs, (proto_id){ PEER, 1 }, PEER, HERE);
	assert_int_equal(apply(&ctx, &a, &cs, &st), AGENT_OK);
	expect_store(&ctx, 1, "9");
	agent_ctx_release(&ctx);
	snprintf(rm, sizeof rm, "rm -rf '%s'", home);
	assert_int_equal(system(rm), 0);
}

static void photo(proto_changeset *cs, proto_id id, proto_id target, int target_kind)
{
	static const char sha[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

	assert_int_equal(golden_photo(cs, id, ++stamp, PEER, target, target_kind, sha, 1000, 800, 600),
			 PROTO_OK);
}

/* Photo records (format version 2) are in the area when their household is,
 * directly or through the milestone they are evidence for; they merge, and
 * a void of one takes it out of the live photos. */
static void test_photos(void **state)
{
	agent_area a = { .code = HERE };
	proto_changeset cs;
	sqlite3 *db = store();

	(void)state;
	begin(&cs);
	milestone(&cs, (proto_id){ PEER, 20 }, (proto_id){ PEER, 1 });
	photo(&cs, (proto_id){ PEER, 21 }, (proto_id){ PEER, 20 }, PROTO_KIND_MILESTONE);
	photo(&cs, (proto_id){ PEER, 22 }, (proto_id){ PEER, 1 }, PROTO_KIND_HOUSEHOLD);
	void_of(&cs, (proto_id){ PEER, 23 }, (proto_id){ PEER, 22 }, PROTO_KIND_PHOTO);
	assert_int_equal(check(db, &a, &cs), 0);
	assert_int_equal(protofix_query_int(db, "SELECT count(*) FROM photo"), 2);
	assert_int_equal(protofix_query_int(db, "SELECT id_serial FROM photo p WHERE" PROTO_SQL_PHOTO_LIVE(
							"p")),
			 21);
	/* a photo of a household of another commune, or of its milestone */
	begin(&cs);
	photo(&cs, (proto_id){ PEER, 24 }, (proto_id){ PEER, 2 }, PROTO_KIND_HOUSEHOLD);
	assert_int_equal(check(db, &a, &cs), 1);
	begin(&cs);
	photo(&cs, (proto_id){ PEER, 25 }, (proto_id){ PEER, 3 }, PROTO_KIND_MILESTONE);
	assert_int_equal(check(db, &a, &cs), 1);
	assert_int_equal(protofix_query_int(db, "SELECT count(*) FROM photo"), 2);
	sqlite3_close(db);
}

TEST_MAIN(cmocka_unit_test(test_own_writer), cmocka_unit_test(test_commune_area),
	  cmocka_unit_test(test_district_area), cmocka_unit_test(test_pending),
	  cmocka_unit_test(test_apply), cmocka_unit_test(test_photos))
