/*
 * test_store_check.c - what "check" finds (agent_store_check) on a crafted
 * store: records written through the store's own API, some sealed into
 * change-sets and some left in the outbox, then damaged by hand. The counts
 * asserted are the ones the check gave before it merged sorted records with
 * the tables (issue 17): a row of ours without its record, each record
 * without its row (a household edited twice: two), an outbox row twice (one
 * duplicate), and nothing for a row of another laptop.
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
#include "maiam/keys.h"
#include "store.h"

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

/* One record of kind on target (a household's id, or its own for a household). */
static proto_id record(agent_ctx *ctx, uint8_t kind, const proto_id *household, const char *text)
{
	proto_changeset cs;
	proto_id id = { ctx->key_id, 0 };
	proto_result r;

	id.serial = agent_take_serial(ctx);
	if (household && kind == PROTO_KIND_HOUSEHOLD)
		id = *household; /* an edit of the household */
	r = agent_cs_init(ctx, &cs);
	if (!r)
		r = proto_changeset_begin(&cs, kind, id, agent_stamp(ctx), ctx->key_id);
	if (!r && kind == PROTO_KIND_HOUSEHOLD)
		r = proto_changeset_add_text(&cs, PROTO_HH_NAME, 0, text, strlen(text));
	if (!r && kind == PROTO_KIND_MILESTONE) {
		r = proto_changeset_add_ref(&cs, PROTO_MS_HOUSEHOLD, 0, *household);
		if (!r)
			r = proto_changeset_add_text(&cs, PROTO_MS_STAGE, 0, text, strlen(text));
		if (!r)
			r = proto_changeset_add_text(&cs, PROTO_MS_DATE, 0, "2023-06-10", 10);
	}
	if (!r)
		r = agent_store_record(ctx, &cs);
	proto_changeset_release(&cs);
	assert_int_equal(r, PROTO_OK);
	return id;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	agent_init_info info = {
		0, COMMUNE, "Phường 5", "soc-trang-2023", "2023-06-01", "2023-09-02", "2023-09-07", NULL
	};
	char keypath[128];
	proto_key *key = NULL;

	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/maiam-store-check.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(keypath, sizeof keypath, "%s/agent.key", f->dir);
	if (proto_key_generate(&key) != PROTO_OK || proto_key_save_private(key, keypath) != PROTO_OK)
		return -1;
	info.key_id = proto_key_id(key);
	proto_key_free(key);
	agent_ctx_init(&f->ctx);
	snprintf(f->ctx.home, sizeof f->ctx.home, "%s", f->dir);
	if (agent_store_create(&f->ctx, &info) != PROTO_OK)
		return -1;
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

static void check_finds_what_it_found_before(void **state)
{
	fixture *f = *state;
	agent_ctx *ctx = &f->ctx;
	agent_check_report rep;
	proto_id a, b;
	size_t ncs = 0, nrec = 0;
	char sql[512];

	/* households A (edited once: two records) and B, two milestones of A, sealed */
	assert_int_equal(agent_store_begin(ctx), PROTO_OK);
	a = record(ctx, PROTO_KIND_HOUSEHOLD, NULL, "Nguyễn Văn Ân");
	record(ctx, PROTO_KIND_HOUSEHOLD, &a, "Nguyễn Văn Ân (con)");
	b = record(ctx, PROTO_KIND_HOUSEHOLD, NULL, "Trần Thị Bé");
	record(ctx, PROTO_KIND_MILESTONE, &a, "surveyed");
	record(ctx, PROTO_KIND_MILESTONE, &a, "approved");
	assert_int_equal(agent_store_seal(ctx, &ncs, &nrec), PROTO_OK);
	assert_int_equal(nrec, 5);
	/* and a milestone of B left in the outbox */
	record(ctx, PROTO_KIND_MILESTONE, &b, "surveyed");
	assert_int_equal(agent_store_commit(ctx), PROTO_OK);

	assert_int_equal(agent_store_check(ctx, &rep), PROTO_OK);
	assert_true(rep.integrity_ok);
	assert_int_equal(rep.records, 6);
	assert_int_equal(rep.duplicates, 0);
	assert_int_equal(rep.missing, 0);
	assert_int_equal(rep.bad_chain, 0);

	/* damage: A's row gone (its two records lack it), a row of ours with
	 * no record, a row of another laptop (not ours: fine), the outbox's
	 * row twice */
	snprintf(sql, sizeof sql,
		 "DELETE FROM household WHERE id_origin = %lld AND id_serial = %lld;"
		 "INSERT INTO household (id_origin, id_serial, name) VALUES (%lld, 999, 'ghost');"
		 "INSERT INTO household (id_origin, id_serial, name) VALUES (7, 1, 'pulled');"
		 "INSERT INTO outbox (stamp, nchanges, record)"
		 " SELECT stamp, nchanges, record FROM outbox;",
		 (long long)proto_u2i(a.origin), (long long)proto_u2i(a.serial),
		 (long long)proto_u2i(ctx->key_id));
	exec(ctx, sql);
	assert_int_equal(agent_store_check(ctx, &rep), PROTO_OK);
	assert_int_equal(rep.records, 7);
	assert_int_equal(rep.duplicates, 1);
	assert_int_equal(rep.missing, 3);
	assert_int_equal(rep.bad_chain, 0);

	/* a milestone's row gone too, and the check runs twice alike */
	exec(ctx, "DELETE FROM milestone WHERE stage = 'approved'");
	assert_int_equal(agent_store_check(ctx, &rep), PROTO_OK);
	assert_int_equal(rep.missing, 4);
	assert_int_equal(agent_store_check(ctx, &rep), PROTO_OK);
	assert_int_equal(rep.missing, 4);
	assert_int_equal(rep.duplicates, 1);
}

/* A new laptop's store: nothing recorded, nothing to find (and, under the
 * sanitizers, nothing to sort). */
static void check_of_an_empty_store(void **state)
{
	fixture *f = *state;
	agent_check_report rep;

	assert_int_equal(agent_store_check(&f->ctx, &rep), PROTO_OK);
	assert_true(rep.integrity_ok);
	assert_int_equal(rep.records, 0);
	assert_int_equal(rep.duplicates, 0);
	assert_int_equal(rep.missing, 0);
	assert_int_equal(rep.bad_chain, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(check_finds_what_it_found_before, setup, teardown),
		cmocka_unit_test_setup_teardown(check_of_an_empty_store, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
