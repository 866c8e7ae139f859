/*
 * test_dashboard_roles.c - operators with roles on the dashboard
 * (dashtest.c's listener): a district operator sees its district only (the
 * main page, the reports, a household's page, a photo: another district's
 * is a 404 like an unknown one), a viewer's form is refused, every POST
 * but the sign-in carries its session's CSRF token, an admin adds and
 * disables operators at /operators; the rules of names and roles, and an
 * operator table made before roles (its operators become admins).
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
#include "reptest.h"
#include "dashtest.h"

#define OWN 950 /* Thị xã Vĩnh Châu: dt_seed's houses */
#define PW "mật khẩu dài"

/* The hub holds a thumbnail for the photo of sha256 hex. */
static void hold_thumb(rt_db *t, const char *hex, const char *thumb)
{
	uint8_t sha[32];
	sqlite3_stmt *st;
	int i;

	for (i = 0; i < 32; i++)
		sha[i] = (uint8_t)(proto_hex_digit(hex[2 * i]) << 4 | proto_hex_digit(hex[2 * i + 1]));
	assert_int_equal(sqlite3_prepare_v2(t->db,
					    "INSERT INTO hub_photo(sha256, bytes, stored_at, agent, thumb)"
					    " VALUES (?, 1000, 0, 1, ?)",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, thumb, (int)strlen(thumb), SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* A district of the campaign with a target, other than OWN. */
static int other_district(const rt_db *t)
{
	size_t i;

	for (i = 0; i < t->campaign.ntargets; i++)
		if (t->campaign.targets[i].district != OWN)
			return t->campaign.targets[i].district;
	fail_msg("the campaign has one district only");
	return 0;
}

typedef struct fixture {
	rt_db t;
	server s;
	int other;         /* another district's code */
	char other_id[48]; /* its household's full id */
	char other_photo[65], own_photo[65];
} fixture;

static fixture fx;

/* dt_seed's 37 houses of OWN, a household of another district with a
 * photo, a thumbnail of each; the operators huyen (district OWN), xem
 * (viewer) and lan (admin, dt_seed's). */
static int setup(void **state)
{
	rt_batch b;
	proto_id h;
	char err[256];

	(void)state;
	memset(&fx, 0, sizeof(fx));
	rt_db_open(&fx.t);
	dt_seed(&fx.t);
	fx.other = other_district(&fx.t);
	rt_batch_init(&b, 0x0d0d0d0d0d0d0d0dull);
	h = rt_household(&b, rt_commune_of(&fx.t, fx.other), "Lâm Thị Ngoại", NULL, "approved");
	snprintf(fx.other_photo, sizeof(fx.other_photo), "%064x", 0xabcdef);
	rt_photo(&b, rt_milestone(&b, h, "handed_over", "2023-08-01", NULL), PROTO_KIND_MILESTONE,
		 fx.other_photo);
	rt_flush(&b, fx.t.db);
	rt_batch_release(&b);
	snprintf(fx.other_id, sizeof(fx.other_id), "%016llx-%llu", (unsigned long long)h.origin,
		 (unsigned long long)h.serial);
	snprintf(fx.own_photo, sizeof(fx.own_photo), "%064x", 1); /* dt_seed's first */
	hold_thumb(&fx.t, fx.own_photo, "OWN-THUMB");
	hold_thumb(&fx.t, fx.other_photo, "OTHER-THUMB");
	assert_int_equal(hub_operator_add(fx.t.db, &fx.t.campaign, "huyen", HUB_ROLE_DISTRICT, OWN, PW,
					  err, sizeof(err)),
			 HUB_OK);
	assert_int_equal(hub_operator_add(fx.t.db, &fx.t.campaign, "xem", HUB_ROLE_VIEWER, 0, PW, err,
					  sizeof(err)),
			 HUB_OK);
	dt_start(&fx.s, &fx.t);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dt_close(&fx.t, &fx.s);
	return 0;
}

/* Sign name in: its session cookie into session. */
static void sign_in(const char *name, char *session, size_t len)
{
	char form[256];
	resp r;

	snprintf(form, sizeof(form), "name=%s&password=%s", name, GOOD_PW);
	dt_req(&fx.s, "/login", NULL, form, &r);
	assert_int_equal(r.status, 303);
	dt_session_of(&r, session, len);
}

static void get(const char *path, const char *session, resp *r)
{
	dt_req(&fx.s, path, session, NULL, r);
}

static void test_district_sees_its_own(void **state)
{
	static resp r;
	char admin[128], huyen[128], path[256], unknown[64], other_name[128];
	const proto_unit *u = proto_units_find(&fx.t.campaign.units, fx.other);

	(void)state;
	snprintf(other_name, sizeof(other_name), "%s", u->name);
	sign_in("lan", admin, sizeof(admin));
	sign_in("huyen", huyen, sizeof(huyen));

	/* the main page: the admin sees every district, huyen its own */
	get("/", admin, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, other_name));
	assert_non_null(strstr(r.body, "href=\"/operators\""));
	get("/", huyen, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, ">huyen</b>"));
	assert_non_null(strstr(r.body, "Thị xã Vĩnh Châu"));
	assert_null(strstr(r.body, other_name));
	assert_null(strstr(r.body, "href=\"/operators\""));

	/* the reports: only its district's line, and its totals */
	get("/report?kind=progress&format=csv", huyen, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Thị xã Vĩnh Châu"));
	assert_null(strstr(r.body, other_name));
	get("/report?kind=funds&format=csv", huyen, &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, other_name));
	get("/report?kind=progress&format=csv", admin, &r);
	assert_non_null(strstr(r.body, other_name));
	/* the reconcile queue: its district's items (test_batch.c has them) */
	get("/report?kind=reconcile&format=json", huyen, &r);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "Lâm Thị Ngoại"));

	/* another district's household: the answer of an unknown one */
	snprintf(path, sizeof(path), "/household?id=%s", fx.other_id);
	get(path, admin, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Lâm Thị Ngoại"));
	get(path, huyen, &r);
	assert_int_equal(r.status, 404);
	assert_null(strstr(r.body, "Lâm Thị Ngoại"));
	assert_non_null(strstr(r.body, "Máy chủ tỉnh không có hộ nào mang mã"));
	snprintf(unknown, sizeof(unknown), "%s", fx.other_id);
	unknown[0] = unknown[0] == 'f' ? 'e' : 'f';
	snprintf(path, sizeof(path), "/household?id=%s", unknown);
	get(path, huyen, &r);
	assert_int_equal(r.status, 404);

	/* its photo too; its own photo is there */
	snprintf(path, sizeof(path), "/photo/%s/thumb", fx.other_photo);
	get(path, admin, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "OTHER-THUMB");
	get(path, huyen, &r);
	assert_int_equal(r.status, 404);
	assert_null(strstr(r.body, "OTHER"));
	snprintf(path, sizeof(path), "/photo/%s/thumb", fx.own_photo);
	get(path, huyen, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "OWN-THUMB");

	/* and /operators is the admins' */
	get("/operators", huyen, &r);
	assert_int_equal(r.status, 403);
}

static void test_forms_need_their_token(void **state)
{
	static resp r;
	char admin[128], viewer[128], csrf[80], viewer_csrf[80], form[512];
	hub_operator op;
	bool found = false;

	(void)state;
	sign_in("lan", admin, sizeof(admin));
	sign_in("xem", viewer, sizeof(viewer));
	dt_csrf(&fx.s, admin, csrf, sizeof(csrf));
	dt_csrf(&fx.s, viewer, viewer_csrf, sizeof(viewer_csrf));

	/* without the token, or with another session's: refused, nothing done */
	dt_req(&fx.s, "/operators", admin, "action=disable&name=xem", &r);
	assert_int_equal(r.status, 403);
	snprintf(form, sizeof(form), "%s&action=disable&name=xem", viewer_csrf);
	dt_req(&fx.s, "/operators", admin, form, &r);
	assert_int_equal(r.status, 403);
	dt_req(&fx.s, "/logout", viewer, "", &r);
	assert_int_equal(r.status, 403);
	get("/", viewer, &r);
	assert_non_null(strstr(r.body, ">xem</b>"));

	/* a viewer's form, token and all: refused */
	snprintf(form, sizeof(form), "%s&action=disable&name=huyen", viewer_csrf);
	dt_req(&fx.s, "/operators", viewer, form, &r);
	assert_int_equal(r.status, 403);
	assert_int_equal(hub_operator_get(fx.t.db, "huyen", &op, &found), HUB_OK);
	assert_true(found);
	assert_false(op.disabled);

	/* the admin adds a district operator with a Vietnamese name */
	snprintf(form, sizeof(form),
		 "%s&action=add&name=ph%%C6%%B0%%E1%%BB%%9Bc&role=district&district=%d"
		 "&password=%s&password2=%s",
		 csrf, OWN, GOOD_PW, GOOD_PW);
	dt_req(&fx.s, "/operators", admin, form, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Đã thêm cán bộ phước"));
	assert_int_equal(hub_operator_get(fx.t.db, "phước", &op, &found), HUB_OK);
	assert_true(found);
	assert_int_equal(op.role, HUB_ROLE_DISTRICT);
	assert_int_equal(op.district, OWN);
	/* refusals: the passwords differ, a district for a viewer, a taken name */
	snprintf(form, sizeof(form), "%s&action=add&name=an&role=viewer&password=%s&password2=other-one",
		 csrf, GOOD_PW);
	dt_req(&fx.s, "/operators", admin, form, &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "Hai lần nhập mật khẩu không giống nhau"));
	snprintf(form, sizeof(form),
		 "%s&action=add&name=an&role=viewer&district=%d&password=%s&password2=%s", csrf, OWN,
		 GOOD_PW, GOOD_PW);
	dt_req(&fx.s, "/operators", admin, form, &r);
	assert_int_equal(r.status, 400);
	snprintf(form, sizeof(form), "%s&action=add&name=xem&role=viewer&password=%s&password2=%s", csrf,
		 GOOD_PW, GOOD_PW);
	dt_req(&fx.s, "/operators", admin, form, &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "đã có"));

	/* disabling xem ends its session at once and its sign-in for good */
	snprintf(form, sizeof(form), "%s&action=disable&name=xem", csrf);
	dt_req(&fx.s, "/operators", admin, form, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Đã khóa tài khoản xem"));
	get("/", viewer, &r);
	assert_non_null(strstr(r.body, "Đăng nhập"));
	assert_null(strstr(r.body, ">xem</b>"));
	dt_req(&fx.s, "/login", NULL, "name=xem&password=" GOOD_PW, &r);
	assert_int_equal(r.status, 401);

	/* the list shows them all, escaped */
	get("/operators", admin, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "phước"));
	assert_non_null(strstr(r.body, "Đã khóa"));
	assert_non_null(strstr(r.body, "name=\"csrf\""));
}

static void test_names_and_roles(void **state)
{
	char err[256], longest[HUB_OPERATOR_NAME_MAX + 2];
	const proto_campaign *c = &fx.t.campaign;

	(void)state;
	assert_true(hub_operator_name_ok("lan"));
	assert_true(hub_operator_name_ok("nguyễn.văn-an@sóc_trăng"));
	assert_false(hub_operator_name_ok(""));
	assert_false(hub_operator_name_ok("bad name"));
	assert_false(hub_operator_name_ok("a\xe2\x80\x8b"
					  "b")); /* zero-width space */
	assert_false(hub_operator_name_ok("a\xe2\x80\xae"
					  "b")); /* right-to-left override */
	assert_false(hub_operator_name_ok("a<b"));
	assert_false(hub_operator_name_ok("\xff"));
	memset(longest, 'a', sizeof(longest));
	longest[HUB_OPERATOR_NAME_MAX] = '\0';
	assert_true(hub_operator_name_ok(longest));
	longest[HUB_OPERATOR_NAME_MAX] = 'a';
	longest[HUB_OPERATOR_NAME_MAX + 1] = '\0';
	assert_false(hub_operator_name_ok(longest));

	assert_int_equal(hub_operator_valid(c, "an", HUB_ROLE_DISTRICT, 0, err, sizeof(err)), HUB_REFUSED);
	assert_non_null(strstr(err, "--district"));
	assert_int_equal(hub_operator_valid(c, "an", HUB_ROLE_ADMIN, OWN, err, sizeof(err)), HUB_REFUSED);
	assert_int_equal(hub_operator_valid(c, "an", HUB_ROLE_DISTRICT, 94101, err, sizeof(err)),
			 HUB_REFUSED);
	assert_non_null(strstr(err, "is not a district"));
	assert_int_equal(hub_operator_valid(c, "an", HUB_ROLE_DISTRICT, OWN, err, sizeof(err)), HUB_OK);
	assert_int_equal(hub_operator_add(fx.t.db, c, "lan", HUB_ROLE_VIEWER, 0, PW, err, sizeof(err)),
			 HUB_REFUSED);
	assert_non_null(strstr(err, "exists"));
}

/* The operator table as hubs made it before roles. */
static const char old_operator_sql[] = "DROP TABLE report_operator;"
				       "CREATE TABLE report_operator (name TEXT PRIMARY KEY, salt BLOB NOT NULL,"
				       " hash BLOB NOT NULL, iter INTEGER NOT NULL, created INTEGER NOT NULL);";

static void test_old_operators_become_admins(void **state)
{
	static const uint8_t salt[16] = { 1, 2, 3 };
	uint8_t hash[32];
	char token[65];
	sqlite3_stmt *st;
	hub_operator op;
	rt_db t;
	char err[256];
	bool found = false, in = false;

	(void)state;
	rt_db_open(&t);
	assert_int_equal(rt_report_migrate(&t), 0);
	assert_int_equal(sqlite3_exec(t.db, old_operator_sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(hub_password_hash(PW, salt, sizeof(salt), 1000, hash), HUB_OK);
	assert_int_equal(sqlite3_prepare_v2(t.db,
					    "INSERT INTO report_operator VALUES ('cũ', ?, ?, 1000, 1700000000)",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_blob(st, 1, salt, sizeof(salt), SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, hash, sizeof(hash), SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	/* before the upgrade the roles are not there to read */
	assert_int_equal(hub_operator_get(t.db, "cũ", &op, &found), HUB_EDB);

	assert_int_equal(hub_report_migrate(t.db, err, sizeof(err)), HUB_OK);
	assert_int_equal(hub_operator_get(t.db, "cũ", &op, &found), HUB_OK);
	assert_true(found);
	assert_int_equal(op.role, HUB_ROLE_ADMIN);
	assert_int_equal(op.district, 0);
	assert_false(op.disabled);
	assert_int_equal(op.created, 1700000000);
	/* the same password still signs it in; a second open changes nothing */
	assert_int_equal(hub_operator_login(t.db, "cũ", PW, 1000, 60, token, &in), HUB_OK);
	assert_true(in);
	assert_int_equal(hub_report_migrate(t.db, err, sizeof(err)), HUB_OK);
	assert_int_equal(hub_operator_get(t.db, "cũ", &op, &found), HUB_OK);
	assert_int_equal(op.role, HUB_ROLE_ADMIN);
	rt_db_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_district_sees_its_own),
		cmocka_unit_test(test_forms_need_their_token),
		cmocka_unit_test(test_names_and_roles),
		cmocka_unit_test(test_old_operators_become_admins),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
