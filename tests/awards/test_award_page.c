/*
 * test_award_page.c - the workspace's /awards on a real "maiam-hub serve"
 * (127.0.0.1, port 0, TLS) with four operators: a district operator sees
 * and nominates for its own district only (another district's nomination
 * refused with why, nothing written), a collective of a district below its
 * target on time carries the 3.1.a flag, the quota holds on the web too,
 * an appraiser accepts and returns (a return needs its note) and nominates
 * nothing, a viewer decides nothing, and every page escapes what it shows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "webtest.h"
#include "../hub/hubtest.h"

#define PASSWORD "mật khẩu dài"
#define PASSWORD_URL "m%E1%BA%ADt+kh%E1%BA%A9u+d%C3%A0i"

/* A signed-in operator: its cookie and its forms' CSRF token. */
typedef struct session {
	char cookie[128];
	char csrf[80];
} session;

static struct fixture {
	ht_hub hub;
	char hubdir[300];
	session district, admin, appraiser, viewer;
} fx;

static wt_resp r;

static void add_operator(const char *name, const char *role)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "printf '%%s\\n' '%s' | '%s' operator add %s %s --dir '%s' >/dev/null",
		 PASSWORD, MAIAM_HUB_BIN, name, role, fx.hubdir);
	assert_int_equal(system(cmd), 0);
}

/* GET path, or POST form (with s's CSRF token but for /login) as s. */
static void call(session *s, const char *path, const char *form)
{
	static char with_csrf[16384];
	char url[1024], own[64];
	wt_req q = { .cookie = s && s->cookie[0] ? s->cookie : NULL, .post = form, .insecure = 1 };

	if (form && s && s->csrf[0]) {
		snprintf(with_csrf, sizeof(with_csrf), "%s&csrf=%s", form, s->csrf);
		q.post = with_csrf;
	}
	snprintf(url, sizeof(url), "https://127.0.0.1:%d%s", fx.hub.port, path);
	snprintf(own, sizeof(own), "https://127.0.0.1:%d", fx.hub.port);
	q.origin = own;
	assert_int_equal(wt_fetch(url, &q, &r), 0);
}

static void sign_in(session *s, const char *name)
{
	char form[256];
	const char *at;

	snprintf(form, sizeof(form), "name=%s&password=%s", name, PASSWORD_URL);
	call(NULL, "/login", form);
	assert_int_equal(r.status, 303);
	snprintf(s->cookie, sizeof(s->cookie), "%.*s", (int)strcspn(r.cookie, ";"), r.cookie);
	call(s, "/awards", NULL);
	assert_int_equal(r.status, 200);
	at = strstr(r.body, "name=\"csrf\" value=\"");
	if (!at) { /* a page without forms: the main page's sign-out has one */
		call(s, "/", NULL);
		at = strstr(r.body, "name=\"csrf\" value=\"");
	}
	assert_non_null(at);
	at += strlen("name=\"csrf\" value=\"");
	snprintf(s->csrf, sizeof(s->csrf), "%.*s", (int)strcspn(at, "\""), at);
}

static void has(const char *text)
{
	if (!strstr(r.body, text))
		fail_msg("the answer (%ld) lacks \"%s\":\n%.4000s", r.status, text, r.body);
}

static void lacks(const char *text)
{
	if (strstr(r.body, text))
		fail_msg("the answer (%ld) has \"%s\":\n%.4000s", r.status, text, r.body);
}

/* How many nominations the hub holds, as 'maiam-hub award list --json' says. */
static int nominations(void)
{
	char cmd[1024], out[64];
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "'%s' award list --json --dir '%s' | python3 -c 'import json,sys;"
		 " print(len(json.load(sys.stdin)[\"nominations\"]))'",
		 MAIAM_HUB_BIN, fx.hubdir);
	p = popen(cmd, "r");
	assert_non_null(p);
	out[fread(out, 1, sizeof(out) - 1, p)] = '\0';
	assert_int_equal(pclose(p), 0);
	return atoi(out);
}

static int setup(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof(fx));
	assert_int_equal(ht_hub_init(&fx.hub), 0);
	snprintf(fx.hubdir, sizeof(fx.hubdir), "%s/hub", fx.hub.dir);
	add_operator("huyen", "--role district --district 950");
	add_operator("lan", "--role admin");
	add_operator("ca", "--role appraiser");
	add_operator("xem", "--role viewer");
	assert_int_equal(ht_hub_start(&fx.hub, NULL), 0);
	sign_in(&fx.district, "huyen");
	sign_in(&fx.admin, "lan");
	sign_in(&fx.appraiser, "ca");
	sign_in(&fx.viewer, "xem");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ht_hub_stop(&fx.hub, 15);
	ht_hub_remove(&fx.hub);
	return 0;
}

#define NOMINATE(unit, kind, name) \
	"action=nominate&unit=" unit "&kind=" kind "&name=" name \
	"&position=&achievements=v%E1%BA%ADn+%C4%91%E1%BB%99ng"

/* A district operator: its district only, the quota, the flag. */
static void district_operator(void **state)
{
	int i;

	(void)state;
	call(&fx.district, "/awards", NULL);
	assert_int_equal(r.status, 200);
	has("id=\"quota-950\"");
	lacks("id=\"quota-943\"");
	lacks("id=\"quota-province\"");
	has("<option value=\"950\">");
	lacks("<option value=\"province\">");
	call(&fx.district, "/awards", NOMINATE("943", "collective", "X"));
	assert_int_equal(r.status, 400);
	has("huyen không được đề nghị khen thưởng cho Huyện Kế Sách");
	assert_int_equal(nominations(), 0);
	/* Vĩnh Châu (260): 4 collectives; a name with markup is shown as text */
	for (i = 0; i < 4; i++) {
		call(&fx.district, "/awards", NOMINATE("950", "collective", "%3Cb%3EUBND%3C%2Fb%3E"));
		assert_int_equal(r.status, 303);
	}
	call(&fx.district, "/awards", NOMINATE("950", "collective", "UBND"));
	assert_int_equal(r.status, 400);
	has("Thị xã Vĩnh Châu được đề xuất tối đa 4 tập thể và đã có 4 đề nghị");
	call(&fx.district, "/awards", NOMINATE("950", "individual", "Nguy%E1%BB%85n+V%C4%83n+A"));
	assert_int_equal(r.status, 303);
	call(&fx.district, "/awards", NULL);
	has("&lt;b&gt;UBND&lt;/b&gt;");
	lacks("<b>UBND</b>");
	has("Chưa đạt 3.1.a"); /* nothing handed over: below target on time */
	has("4 / 4");
	has("Chờ thẩm định");
	lacks("id=\"accept-A-1\""); /* appraisal is not the district's */
	call(&fx.district, "/awards", "action=accept&id=A-1");
	assert_int_equal(r.status, 400);
	has("chỉ cán bộ thẩm định");
	assert_int_equal(nominations(), 5);
}

/* The appraiser accepts and returns; a return frees a place. */
static void appraiser(void **state)
{
	(void)state;
	call(&fx.appraiser, "/awards", NULL);
	assert_int_equal(r.status, 200);
	has("id=\"quota-943\"");
	has("id=\"accept-A-1\"");
	lacks("id=\"nominate\""); /* no form to nominate */
	call(&fx.appraiser, "/awards", NOMINATE("province", "collective", "X"));
	assert_int_equal(r.status, 400);
	call(&fx.appraiser, "/awards", "action=return&id=A-2&note=");
	assert_int_equal(r.status, 400);
	has("trả lại đề nghị cần ghi chú lý do");
	call(&fx.appraiser, "/awards", "action=return&id=A-2&note=thi%E1%BA%BFu+h%E1%BB%93+s%C6%A1");
	assert_int_equal(r.status, 303);
	call(&fx.appraiser, "/awards", "action=accept&id=A-1");
	assert_int_equal(r.status, 303);
	call(&fx.appraiser, "/awards", "action=accept&id=A-1");
	assert_int_equal(r.status, 400);
	has("đã được thẩm định");
	call(&fx.appraiser, "/awards", NULL);
	has("Đã chấp nhận");
	has("Đã trả lại");
	has("thiếu hồ sơ");
	lacks("id=\"accept-A-2\"");
	/* the returned place is free again */
	call(&fx.district, "/awards", NOMINATE("950", "collective", "UBND"));
	assert_int_equal(r.status, 303);
}

/* An admin nominates for the province's groups; a viewer decides nothing. */
static void admin_and_viewer(void **state)
{
	(void)state;
	call(&fx.admin, "/awards", NULL);
	has("<option value=\"working_group\">");
	call(&fx.admin, "/awards", NOMINATE("working_group", "individual", "L%C3%AA+V%C4%83n+Ba"));
	assert_int_equal(r.status, 303);
	call(&fx.admin, "/awards", NOMINATE("working_group", "collective", "T%E1%BB%95"));
	assert_int_equal(r.status, 400);
	has("được đề xuất tối đa 0 tập thể");
	call(&fx.viewer, "/awards", NULL);
	assert_int_equal(r.status, 200);
	lacks("id=\"nominate\"");
	lacks("id=\"accept-");
	call(&fx.viewer, "/awards", NOMINATE("950", "individual", "X"));
	assert_int_equal(r.status, 400);
	call(&fx.viewer, "/", NULL);
	has("href=\"/awards\"");
	/* not signed in: nothing written */
	call(NULL, "/awards", NOMINATE("950", "individual", "X"));
	assert_true(r.status == 401 || r.status == 403);
	assert_int_equal(nominations(), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(district_operator),
		cmocka_unit_test(appraiser),
		cmocka_unit_test(admin_and_viewer),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
