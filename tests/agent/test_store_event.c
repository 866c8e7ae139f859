/*
 * test_store_event.c - the reads behind the corrections (store_event.c) and
 * the counts (agent_store_counts), on a real store with rows written as the
 * merge writes them: a void counts only when it names its target's id AND
 * kind; a withdrawn household takes its events out of the counts; the walk
 * filters; a short reference of an event resolves by serial and the origin's
 * top 20 bits, and two laptops sharing those bits make it ambiguous.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "agent.h"
#include "store.h"

#define ORIGIN 0x25f33fe1941e8f4bull
/* the same top 20 bits as ORIGIN: the same 4-character reference prefix */
#define TWIN 0x25f33000000000aaull
#define COMMUNE 31498

typedef struct fixture {
	char dir[64];
	agent_ctx ctx;
} fixture;

static void exec(agent_ctx *ctx, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(ctx->db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
}

/*
 * Household 1 with milestones 2 and 3 (3 voided) and contribution 4; household
 * 5 withdrawn, with milestone 6 and contribution 7; contribution 8 for the
 * commune as a whole, with a void that names the wrong kind; contribution 9
 * voided. A milestone of the twin origin with serial 2 shares 2's reference.
 */
static void fill(agent_ctx *ctx)
{
	char sql[4096];

	snprintf(sql, sizeof sql,
		 "INSERT INTO household (id_origin, id_serial, ref, commune) VALUES"
		 " (%1$lld, 1, 'A', %2$d), (%1$lld, 5, 'B', %2$d);"
		 "UPDATE household SET withdrawn = 'moved away' WHERE id_serial = 5;"
		 "INSERT INTO milestone (id_origin, id_serial, stamp, writer, household_origin,"
		 " household_serial, stage, date) VALUES"
		 " (%1$lld, 2, 2, 1, %1$lld, 1, 'surveyed', '2023-06-10'),"
		 " (%1$lld, 3, 3, 1, %1$lld, 1, 'approved', '2023-06-11'),"
		 " (%1$lld, 6, 6, 1, %1$lld, 5, 'surveyed', '2023-06-12');"
		 "INSERT INTO contribution (id_origin, id_serial, stamp, writer, household_origin,"
		 " household_serial, unit, source, money_vnd) VALUES"
		 " (%1$lld, 4, 4, 1, %1$lld, 1, %2$d, 'mps', 100),"
		 " (%1$lld, 7, 7, 1, %1$lld, 5, %2$d, 'mps', 200),"
		 " (%1$lld, 8, 8, 1, NULL, NULL, %2$d, 'business', 300),"
		 " (%1$lld, 9, 9, 1, NULL, NULL, %2$d, 'donor', 400);"
		 "INSERT INTO void_event (id_origin, id_serial, stamp, writer, target_origin,"
		 " target_serial, target_kind, reason) VALUES"
		 " (%1$lld, 10, 10, 1, %1$lld, 3, 2, 'wrong date'),"
		 " (%1$lld, 11, 11, 1, %1$lld, 8, 2, 'names a milestone'),"
		 " (%1$lld, 12, 12, 1, %1$lld, 9, 3, 'twice');",
		 (long long)ORIGIN, COMMUNE);
	exec(ctx, sql);
	snprintf(sql, sizeof sql,
		 "INSERT INTO milestone (id_origin, id_serial, stamp, writer, household_origin,"
		 " household_serial, stage, date) VALUES (%lld, 2, 13, 1, 1, 1, 'surveyed', '2023-06-10')",
		 (long long)TWIN);
	exec(ctx, sql);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	agent_init_info info = { ORIGIN,       COMMUNE,      "Phường 5",   "soc-trang-2023",
				 "2023-06-01", "2023-09-02", "2023-09-07", NULL };

	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/maiam-store-event.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	agent_ctx_init(&f->ctx);
	snprintf(f->ctx.home, sizeof f->ctx.home, "%s", f->dir);
	if (agent_store_create(&f->ctx, &info) != PROTO_OK)
		return -1;
	fill(&f->ctx);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	char cmd[128];
	int rc;

	agent_ctx_release(&f->ctx);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	rc = system(cmd);
	free(f);
	return rc == 0 ? 0 : -1;
}

/* A walk's visits as "serial:voided" words, for comparing. */
typedef struct seen {
	char text[256];
} seen;

static void note(seen *s, proto_id id, int voided, const char *reason)
{
	size_t o = strlen(s->text);

	snprintf(s->text + o, sizeof s->text - o, "%s%llu:%d%s%s", o ? " " : "",
		 (unsigned long long)id.serial, voided, reason ? "/" : "", reason ? reason : "");
}

static proto_result see_ct(const agent_ct *c, void *arg)
{
	note(arg, c->id, c->voided, c->void_reason);
	return PROTO_OK;
}

static proto_result see_ms(const agent_ms *m, void *arg)
{
	if (m->id.origin == ORIGIN)
		note(arg, m->id, m->voided, m->void_reason);
	return PROTO_OK;
}

static void counts_follow_voids_and_withdrawals(void **state)
{
	fixture *f = *state;
	agent_counts c;

	assert_int_equal(agent_store_counts(&f->ctx, &c), PROTO_OK);
	assert_int_equal(c.households, 1); /* B is withdrawn */
	assert_int_equal(c.withdrawn, 1);
	/* 2 and the twin's (its household is not in the store); 3 voided, 6 of B */
	assert_int_equal(c.milestones, 2);
	/* 4, and 8: its void names a milestone, so it voids nothing; 7 of B, 9 voided */
	assert_int_equal(c.contributions, 2);
}

/* The counts of events as the join of every event with its household said
 * them before agent_store_counts subtracted the few (issue 17). */
static int64_t joined_count(agent_ctx *ctx, const char *table, int kind)
{
	char sql[512];
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM %s m LEFT JOIN household h ON h.id_origin = m.household_origin"
		 " AND h.id_serial = m.household_serial WHERE NOT EXISTS (SELECT 1 FROM void_event v"
		 " WHERE v.target_origin = m.id_origin AND v.target_serial = m.id_serial"
		 " AND v.target_kind = %d) AND h.withdrawn IS NULL",
		 table, kind);
	assert_int_equal(sqlite3_prepare_v2(ctx->db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void counts_equal_the_join(void **state)
{
	fixture *f = *state;
	agent_counts c;
	char sql[2048];

	/* more of what the subtraction could get wrong: a milestone voided
	 * twice, a voided one of the withdrawn household, a withdrawal with an
	 * empty reason, an event of a household the store lacks, voided */
	snprintf(sql, sizeof sql,
		 "INSERT INTO household (id_origin, id_serial, ref, commune, withdrawn) VALUES"
		 " (%1$lld, 20, 'C', %2$d, '');"
		 "INSERT INTO milestone (id_origin, id_serial, stamp, writer, household_origin,"
		 " household_serial, stage, date) VALUES"
		 " (%1$lld, 21, 21, 1, %1$lld, 1, 'started', '2023-06-13'),"
		 " (%1$lld, 22, 22, 1, %1$lld, 5, 'approved', '2023-06-13'),"
		 " (%1$lld, 23, 23, 1, %1$lld, 20, 'surveyed', '2023-06-13'),"
		 " (%1$lld, 24, 24, 1, %1$lld, 77, 'surveyed', '2023-06-13'),"
		 " (%1$lld, 25, 25, 1, %1$lld, 77, 'approved', '2023-06-13');"
		 "INSERT INTO contribution (id_origin, id_serial, stamp, writer, household_origin,"
		 " household_serial, unit, source, money_vnd) VALUES"
		 " (%1$lld, 26, 26, 1, %1$lld, 20, %2$d, 'mps', 100);"
		 "INSERT INTO void_event (id_origin, id_serial, stamp, writer, target_origin,"
		 " target_serial, target_kind, reason) VALUES"
		 " (%1$lld, 30, 30, 1, %1$lld, 21, 2, 'once'), (%1$lld, 31, 31, 1, %1$lld, 21, 2, 'twice'),"
		 " (%1$lld, 32, 32, 1, %1$lld, 22, 2, 'withdrawn and voided'),"
		 " (%1$lld, 33, 33, 1, %1$lld, 25, 2, 'no household');",
		 (long long)ORIGIN, COMMUNE);
	exec(&f->ctx, sql);
	assert_int_equal(agent_store_counts(&f->ctx, &c), PROTO_OK);
	assert_int_equal(c.milestones, joined_count(&f->ctx, "milestone", 2));
	assert_int_equal(c.contributions, joined_count(&f->ctx, "contribution", 3));
	/* 2, the twin's, 24 (no household in the store) */
	assert_int_equal(c.milestones, 3);
	assert_int_equal(c.contributions, 2);
	assert_int_equal(c.withdrawn, 2);
}

/* Each household's stage as "serial:rank" words, in the walk's order. */
static proto_result note_stage(agent_row *row, void *arg)
{
	char *text = arg;
	size_t o = strlen(text);

	snprintf(text + o, 256 - o, "%s%llu:%d", o ? " " : "", (unsigned long long)row->id.serial,
		 row->stage);
	return PROTO_OK;
}

static int keep_all(const agent_row *row, void *arg)
{
	(void)row;
	(void)arg;
	return 1;
}

/* The walk of every household takes the stages from one scan of the
 * milestones; a filtered walk asks each household's own: the same. */
static void stages_one_scan_or_each(void **state)
{
	fixture *f = *state;
	char all[256] = "", each[256] = "", sql[1024];

	/* household 40: stages out of order, the highest voided, one of
	 * another origin, and one with an unknown stage text */
	snprintf(sql, sizeof sql,
		 "INSERT INTO household (id_origin, id_serial, ref, commune) VALUES"
		 " (%1$lld, 40, 'D', %2$d), (%1$lld, 41, 'E', %2$d);"
		 "INSERT INTO milestone (id_origin, id_serial, stamp, writer, household_origin,"
		 " household_serial, stage, date) VALUES"
		 " (%1$lld, 42, 42, 1, %1$lld, 40, 'walls', '2023-06-13'),"
		 " (%1$lld, 43, 43, 1, %1$lld, 40, 'surveyed', '2023-06-10'),"
		 " (%1$lld, 44, 44, 1, %1$lld, 40, 'handed_over', '2023-06-20'),"
		 " (7, 45, 45, 1, %1$lld, 40, 'roof', '2023-06-14'),"
		 " (%1$lld, 46, 46, 1, %1$lld, 41, 'no such stage', '2023-06-14');"
		 "INSERT INTO void_event (id_origin, id_serial, stamp, writer, target_origin,"
		 " target_serial, target_kind, reason) VALUES"
		 " (%1$lld, 47, 47, 1, %1$lld, 44, 2, 'not yet');",
		 (long long)ORIGIN, COMMUNE);
	exec(&f->ctx, sql);
	assert_int_equal(agent_hh_foreach(&f->ctx, note_stage, all), PROTO_OK);
	assert_int_equal(agent_hh_foreach_if(&f->ctx, keep_all, note_stage, each), PROTO_OK);
	assert_string_equal(all, each);
	/* 1: surveyed (approved voided); 5: surveyed; 40: roof (another
	 * laptop's, handed_over voided); 41: none */
	assert_string_equal(all, "1:1 5:1 40:6 41:0");
}

/* What a walk visits, as text. */
static const char *ct_seen(fixture *f, const agent_event_filter *filter, seen *s)
{
	memset(s, 0, sizeof *s);
	assert_int_equal(agent_ct_walk(&f->ctx, filter, see_ct, s), PROTO_OK);
	return s->text;
}

static const char *ms_seen(fixture *f, const agent_event_filter *filter, seen *s)
{
	memset(s, 0, sizeof *s);
	assert_int_equal(agent_ms_walk(&f->ctx, filter, see_ms, s), PROTO_OK);
	return s->text;
}

static void walks_mark_voided_and_filter(void **state)
{
	fixture *f = *state;
	agent_event_filter all = { 0 };
	agent_event_filter of_a = { .has_household = 1, .household = { ORIGIN, 1 } };
	agent_event_filter commune = { .unit_level_only = 1 };
	agent_event_filter live_a = of_a;
	agent_event_filter one = { .has_id = 1, .id = { ORIGIN, 9 } };
	seen s;

	live_a.live_only = 1;
	assert_string_equal(ct_seen(f, &all, &s), "4:0 7:0 8:0 9:1/twice");
	assert_string_equal(ct_seen(f, &commune, &s), "8:0 9:1/twice");
	assert_string_equal(ct_seen(f, &one, &s), "9:1/twice");
	assert_string_equal(ms_seen(f, &of_a, &s), "2:0 3:1/wrong date");
	assert_string_equal(ms_seen(f, &live_a, &s), "2:0");
}

static proto_result keep_ct(const agent_ct *c, void *arg)
{
	agent_ct *out = arg;

	*out = *c;
	out->household_ref = out->withdrawn = out->void_reason = NULL; /* the row's, gone after */
	out->source = out->donor = out->material = out->date = out->note = NULL;
	return PROTO_OK;
}

static void an_event_knows_its_commune(void **state)
{
	fixture *f = *state;
	agent_event_filter hh = { .has_id = 1, .id = { ORIGIN, 7 } };
	agent_event_filter unit = { .has_id = 1, .id = { ORIGIN, 8 } };
	agent_ct c;

	assert_int_equal(agent_ct_walk(&f->ctx, &hh, keep_ct, &c), PROTO_OK);
	assert_true(c.has_household);
	assert_int_equal(c.commune, COMMUNE);
	exec(&f->ctx, "UPDATE household SET commune = 31471 WHERE id_serial = 5");
	assert_int_equal(agent_ct_walk(&f->ctx, &hh, keep_ct, &c), PROTO_OK);
	assert_int_equal(c.commune, 31471); /* moved with its household */
	assert_int_equal(agent_ct_walk(&f->ctx, &unit, keep_ct, &c), PROTO_OK);
	assert_false(c.has_household);
	assert_int_equal(c.commune, COMMUNE); /* its unit */
}

static void short_references_of_events(void **state)
{
	fixture *f = *state;
	char ref[32];
	proto_id id = { 0, 0 };
	int n = -1;

	agent_ref_make(ORIGIN, 4, ref);
	assert_int_equal(agent_event_by_ref(&f->ctx, PROTO_KIND_CONTRIBUTION, ref, &id, &n), PROTO_OK);
	assert_int_equal(n, 1);
	assert_true(id.origin == ORIGIN && id.serial == 4);
	/* the same reference names no milestone */
	assert_int_equal(agent_event_by_ref(&f->ctx, PROTO_KIND_MILESTONE, ref, &id, &n), PROTO_OK);
	assert_int_equal(n, 0);
	/* the twin laptop recorded a milestone with serial 2 too */
	agent_ref_make(ORIGIN, 2, ref);
	assert_int_equal(agent_event_by_ref(&f->ctx, PROTO_KIND_MILESTONE, ref, &id, &n), PROTO_OK);
	assert_int_equal(n, 2);
	/* a serial that is there under another prefix only */
	agent_ref_make(0x0000100000000000ull, 6, ref);
	assert_int_equal(agent_event_by_ref(&f->ctx, PROTO_KIND_MILESTONE, ref, &id, &n), PROTO_OK);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(counts_follow_voids_and_withdrawals, setup, teardown),
		cmocka_unit_test_setup_teardown(counts_equal_the_join, setup, teardown),
		cmocka_unit_test_setup_teardown(stages_one_scan_or_each, setup, teardown),
		cmocka_unit_test_setup_teardown(walks_mark_voided_and_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(an_event_knows_its_commune, setup, teardown),
		cmocka_unit_test_setup_teardown(short_references_of_events, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
