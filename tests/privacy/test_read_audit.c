/*
 * test_read_audit.c - the hub's read audit (hub/report/read_audit.c) on the
 * dashboard (tests/reports/dashtest.c's listener): a district operator
 * opens a household's page and downloads the household list; the audit
 * lists both under its name, filtered by operator and by household; a
 * thumbnail and a refused page are not reads; /operators/reads shows them
 * to an admin and to nobody else.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hub.h"
#include "report.h"
#include "operator.h"
#include "read_audit.h"
#include "reptest.h"
#include "dashtest.h"
#include "testmain.h"

#define OWN 950 /* Thị xã Vĩnh Châu: dt_seed's houses */
#define PW "mật khẩu dài"

static rt_db t;
static server s;
static char own_id[48];

static int setup(void **state)
{
	rt_batch b;
	proto_id h;
	char err[256];

	(void)state;
	rt_db_open(&t);
	dt_seed(&t);
	rt_batch_init(&b, 0x0e0e0e0e0e0e0e0eull);
	h = rt_household(&b, rt_commune_of(&t, OWN), "Sơn Thị Phước", NULL, "approved");
	rt_flush(&b, t.db);
	rt_batch_release(&b);
	snprintf(own_id, sizeof(own_id), "%016llx-%llu", (unsigned long long)h.origin,
		 (unsigned long long)h.serial);
	assert_int_equal(hub_operator_add(t.db, &t.campaign, "huyen", HUB_ROLE_DISTRICT, OWN, PW, err,
					  sizeof(err)),
			 HUB_OK);
	dt_start(&s, &t);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dt_close(&t, &s);
	return 0;
}

static void sign_in(const char *name, char *session, size_t len)
{
	char form[256];
	resp r;

	snprintf(form, sizeof(form), "name=%s&password=%s", name, GOOD_PW);
	dt_req(&s, "/login", NULL, form, &r);
	assert_int_equal(r.status, 303);
	dt_session_of(&r, session, len);
}

/* The reads f keeps, as "what|household|detail" lines (operator checked). */
typedef struct {
	char lines[2048];
	const char *operator_name;
	int n;
} seen;

static hub_result keep(void *arg, const hub_read *r)
{
	seen *sn = arg;
	size_t used = strlen(sn->lines);

	if (sn->operator_name)
		assert_string_equal(r->operator_name, sn->operator_name);
	assert_true(r->at > 0);
	snprintf(sn->lines + used, sizeof(sn->lines) - used, "%s|%s|%s\n", r->what, r->household,
		 r->detail);
	sn->n++;
	return HUB_OK;
}

static void a_district_operators_reads_are_listed(void **state)
{
	static resp r;
	char huyen[128], admin[128], path[256], want[256];
	hub_read_filter by_name = { "huyen", "", 0 }, by_household = { "", own_id, 0 };
	seen sn = { .operator_name = "huyen" };

	(void)state;
	sign_in("huyen", huyen, sizeof(huyen));
	sign_in("lan", admin, sizeof(admin));

	snprintf(path, sizeof(path), "/household?id=%s", own_id);
	dt_req(&s, path, huyen, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Sơn Thị Phước"));
	dt_req(&s, "/report?kind=households&format=xlsx&as_of=2023-09-01", huyen, NULL, &r);
	assert_int_equal(r.status, 200);
	/* not reads of a household's data: a thumbnail (its page was one), a
	 * search form, an unknown household, the main page */
	snprintf(path, sizeof(path), "/photo/%064x/thumb", 1);
	dt_req(&s, path, huyen, NULL, &r);
	dt_req(&s, "/household", huyen, NULL, &r);
	assert_int_equal(r.status, 200);
	dt_req(&s, "/household?id=ffffffffffffffff-9", huyen, NULL, &r);
	assert_int_equal(r.status, 404);
	dt_req(&s, "/", huyen, NULL, &r);
	assert_int_equal(r.status, 200);

	/* the answers came after their rows were written: no waiting */
	assert_int_equal(hub_read_audit_each(t.db, &by_name, 0, keep, &sn), HUB_OK);
	assert_int_equal(sn.n, 2);
	/* newest first */
	snprintf(want, sizeof(want), "report||danh-sach-ho-2023-09-01.xlsx\nhousehold|%s|%s\n", own_id,
		 own_id);
	assert_string_equal(sn.lines, want);

	memset(&sn, 0, sizeof(sn));
	sn.operator_name = "huyen";
	assert_int_equal(hub_read_audit_each(t.db, &by_household, 0, keep, &sn), HUB_OK);
	assert_int_equal(sn.n, 1);
	by_name.operator_name = "lan";
	memset(&sn, 0, sizeof(sn));
	assert_int_equal(hub_read_audit_each(t.db, &by_name, 0, keep, &sn), HUB_OK);
	assert_int_equal(sn.n, 0);
	by_household.since = (int64_t)time(NULL) + 3600;
	assert_int_equal(hub_read_audit_each(t.db, &by_household, 0, keep, &sn), HUB_OK);
	assert_int_equal(sn.n, 0);

	/* the admins' page */
	dt_req(&s, "/operators/reads", huyen, NULL, &r);
	assert_int_equal(r.status, 403);
	dt_req(&s, "/operators/reads", admin, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<td>huyen</td><td>household</td>"));
	assert_non_null(strstr(r.body, own_id));
	assert_non_null(strstr(r.body, "danh-sach-ho-2023-09-01.xlsx"));
	dt_req(&s, "/operators/reads", NULL, NULL, &r);
	assert_null(strstr(r.body, "huyen"));
}

static void an_older_database_has_no_reads_yet(void **state)
{
	sqlite3 *db;
	hub_read_filter all = { "", "", 0 };
	seen sn = { 0 };

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(hub_read_audit_each(db, &all, 0, keep, &sn), HUB_OK);
	assert_int_equal(sn.n, 0);
	sqlite3_close(db);
}

TEST_MAIN_WITH(setup, teardown, cmocka_unit_test(a_district_operators_reads_are_listed),
	       cmocka_unit_test(an_older_database_has_no_reads_yet))
