/*
 * test_browser.c - the dashboard in a real browser: a real "maiam-hub serve"
 * on 127.0.0.1 port 0 over TLS, Debian's headless Chromium driven through
 * chromedriver (tests/support/browser.c). It signs in through the form (a
 * wrong password first), checks the page's districts and numbers, and saves
 * screenshots under the build tree (tests/reports/dashboard.png...). Every
 * wait is on the page (its ready state, its text), with a deadline made for
 * a loaded machine; the hub, chromedriver and Chromium are stopped in the
 * teardown, at exit and by a watchdog if the test process is killed.
 * Only this test's browser accepts the hub's self-made CA
 * (acceptInsecureCerts); scripts/deps installs chromium and chromium-driver,
 * and without them the test is skipped, saying so.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "hub.h"
#include "report.h"
#include "reptest.h"
#include "testutil.h"
#include "browser.h"
#include "webtest.h"

/* What the test started, for the teardown to stop whatever happened. */
static struct fixture {
	char *dir;
	pid_t hub;
	FILE *hub_out;
	int hub_port;
	wb_browser w;
} fx;

typedef struct held_login {
	int port;
	long status;
	int sent, done;
	pthread_t th;
} held_login;

/* A plain HTTPS request to the hub (its CA is the test's own: not checked),
 * from a local address, with the hub's own Origin; the status. */
static long hub_call(int port, const char *from, const char *path, const char *post, int *sent)
{
	static __thread wt_resp r;
	char url[256], origin[128];
	wt_req q = { .from = from, .origin = origin, .post = post, .insecure = 1, .sent = sent };

	snprintf(url, sizeof(url), "https://127.0.0.1:%d%s", port, path);
	snprintf(origin, sizeof(origin), "https://127.0.0.1:%d", port);
	q.timeout_s = WB_DEADLINE_S;
	return wt_fetch(url, &q, &r) == 0 ? r.status : 0;
}

static void *held_main(void *arg)
{
	held_login *l = arg;
	l->status = hub_call(l->port, "127.0.0.2", "/login",
			     "name=lan&password=m%E1%BA%ADt+kh%E1%BA%A9u+d%C3%A0i", &l->sent);
	__atomic_store_n(&l->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* The real hub answers /v1/health while a sign-in waits in the dashboard's
 * worker (the test holds hub.db's write lock, so the sign-in cannot finish). */
static void health_while_login_waits(const char *dir, int port)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	char path[1024];
	sqlite3 *db;
	held_login l;

	snprintf(path, sizeof(path), "%s/hub.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	memset(&l, 0, sizeof(l));
	l.port = port;
	assert_int_equal(pthread_create(&l.th, NULL, held_main, &l), 0);
	/* the sign-in is on the wire before health is asked (or it failed) */
	while (!__atomic_load_n(&l.sent, __ATOMIC_SEQ_CST) && !__atomic_load_n(&l.done, __ATOMIC_SEQ_CST))
		nanosleep(&pause, NULL);
	assert_int_equal(hub_call(port, NULL, "/v1/health", NULL, NULL), 200);
	assert_int_equal(__atomic_load_n(&l.done, __ATOMIC_SEQ_CST), 0);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	pthread_join(l.th, NULL);
	assert_int_equal(l.status, 303);
	sqlite3_close(db);
}

/* The dashboard's first page, fresh. */
static void go_home(wb_browser *w, int port)
{
	char url[128];

	snprintf(url, sizeof(url), "https://127.0.0.1:%d/", port);
	wb_go(w, url);
}

/* The page at a laptop's and at a phone's width, saved under the build
 * tree as <name>.png and <name>-390.png. */
static void shots(wb_browser *w, const char *name)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/tests/reports/%s.png", MAIAM_BUILD_DIR, name);
	wb_screenshot(w, path, 1366, 768);
	snprintf(path, sizeof(path), "%s/tests/reports/%s-390.png", MAIAM_BUILD_DIR, name);
	wb_screenshot(w, path, 390, 844);
}

/* "maiam-hub operator VERB lan" with the password on its standard input. */
static void operator_lan(const char *dir, const char *verb, const char *password)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "printf '%%s\\n' '%s' | '%s' operator %s lan --dir '%s' >/dev/null",
		 password, MAIAM_HUB_BIN, verb, dir);
	assert_int_equal(system(cmd), 0);
}

/* Start the real server, on a port the kernel picks. */
static void start_hub(void)
{
	char log[1024], line[256];
	char *argv[] = { (char *)MAIAM_HUB_BIN,
			 (char *)"serve",
			 (char *)"--dir",
			 fx.dir,
			 (char *)"--listen",
			 (char *)"127.0.0.1:0",
			 NULL };
	int pipefd[2];

	assert_int_equal(pipe(pipefd), 0);
	snprintf(log, sizeof(log), "%s/serve.log", fx.dir);
	fx.hub = wb_spawn(argv, pipefd[1], log);
	close(pipefd[1]);
	fx.hub_out = fdopen(pipefd[0], "r");
	assert_non_null(fx.hub_out);
	if (!fgets(line, sizeof(line), fx.hub_out) ||
	    sscanf(line, "listening on https://127.0.0.1:%d", &fx.hub_port) != 1)
		fail_msg("maiam-hub serve did not start: see %s", log);
}

/* A hub with the campaign, 37 houses handed over in Vĩnh Châu, an operator. */
static void make_hub(const char *dir)
{
	char cmd[2048], path[1024], err[512];
	rt_db t;
	rt_batch b;
	size_t i;
	int commune = 0;

	snprintf(cmd, sizeof(cmd), "'%s' init --dir '%s' >/dev/null", MAIAM_HUB_BIN, dir);
	assert_int_equal(system(cmd), 0);
	memset(&t, 0, sizeof(t));
	snprintf(path, sizeof(path), "%s/hub.db", dir);
	assert_int_equal(proto_db_open(path, &t.db), PROTO_OK);
	assert_int_equal(proto_campaign_load(MAIAM_SOURCE_DIR "/campaigns/soc-trang-2023.campaign",
					     &t.campaign, err, sizeof(err)),
			 PROTO_OK);
	assert_int_equal(hub_report_migrate(t.db, err, sizeof(err)), HUB_OK);
	for (i = 0; i < t.campaign.units.n && !commune; i++)
		if (t.campaign.units.a[i].level == PROTO_UNIT_COMMUNE &&
		    proto_units_district_of(&t.campaign.units, t.campaign.units.a[i].code) == 950)
			commune = t.campaign.units.a[i].code;
	rt_batch_init(&b, 0x0d0d0d0d0d0d0d0dull);
	for (i = 0; i < 37; i++) {
		proto_id h = rt_household(&b, commune, "Thạch Thị Sà Rên", NULL, "approved");
		rt_milestone(&b, h, "handed_over", "2023-08-01", NULL);
	}
	rt_flush(&b, t.db);
	rt_batch_release(&b);
	sqlite3_close(t.db);
	proto_campaign_release(&t.campaign);
	operator_lan(dir, "add", "mật khẩu dài");
}

static void test_sign_in_in_chromium(void **state)
{
	wb_browser *w = &fx.w;
	int i;

	(void)state;
	fx.dir = test_mkdtemp();
	assert_non_null(fx.dir);
	make_hub(fx.dir);
	start_hub();
	wb_start(w, fx.dir);

	go_home(w, fx.hub_port);
	wb_wait_for(w, "Đăng nhập", NULL);
	assert_null(strstr(w->buf, "Thị xã Vĩnh Châu"));

	/* a wrong password: told so, still outside */
	wb_type(w, "#name", "lan");
	wb_type(w, "#password", "sai mật khẩu");
	wb_click(w, "#submit");
	wb_wait_for(w, "Sai tên đăng nhập hoặc mật khẩu", NULL);
	assert_null(strstr(w->buf, "Thị xã Vĩnh Châu"));

	wb_type(w, "#name", "lan");
	wb_type(w, "#password", "mật khẩu dài");
	wb_click(w, "#submit");
	wb_wait_for(w, "Bảng theo dõi", NULL);
	assert_non_null(strstr(w->buf, "Thị xã Vĩnh Châu"));
	assert_non_null(strstr(w->buf, "Huyện Kế Sách"));
	assert_non_null(strstr(w->buf, "37 / 260")); /* the chart's label */
	assert_non_null(strstr(w->buf, "1.200"));    /* the province target */
	assert_non_null(strstr(w->buf, "Hàng đợi đối soát"));

	/* HSTS and the same-origin POST worked in a real browser; the pages
	 * at a laptop's and at a phone's width, under the build tree */
	shots(w, "dashboard");

	/* a new password set on the command line ends the browser's session */
	operator_lan(fx.dir, "password", "mật khẩu khác hẳn");
	go_home(w, fx.hub_port);
	wb_wait_for(w, "Đăng nhập dành cho", NULL);
	assert_null(strstr(w->buf, "Thị xã Vĩnh Châu"));

	/* guessing from this address: after the free tries, the throttled page */
	for (i = 0; i < 12; i++) {
		go_home(w, fx.hub_port); /* a fresh page, without the last answer on it */
		wb_wait_for(w, "Đăng nhập dành cho", NULL);
		wb_type(w, "#name", "khach");
		wb_type(w, "#password", "doan bua doan bua");
		wb_click(w, "#submit");
		wb_wait_for(w, "Tạm khóa đăng nhập", "Sai tên đăng nhập hoặc mật khẩu");
		if (strstr(w->buf, "Tạm khóa đăng nhập"))
			break;
	}
	assert_non_null(strstr(w->buf, "Tạm khóa đăng nhập"));
	assert_non_null(strstr(w->buf, "thử lại sau"));
	shots(w, "login-throttled");

	/* the loop is not the dashboard's: health answers while a sign-in waits
	 * (from another address: this one is throttled now) */
	operator_lan(fx.dir, "password", "mật khẩu dài");
	health_while_login_waits(fx.dir, fx.hub_port);
}

/* Whatever happened in the test: the browser, the driver and the hub stop,
 * the scratch directory goes. */
static int teardown(void **state)
{
	(void)state;
	wb_stop(&fx.w);
	wb_kill(fx.hub);
	fx.hub = 0;
	if (fx.hub_out)
		fclose(fx.hub_out);
	fx.hub_out = NULL;
	test_rmtree(fx.dir);
	free(fx.dir);
	fx.dir = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_sign_in_in_chromium, teardown),
	};
	/* cmocka's skip() counts as a pass: ctest must show the test as skipped */
	if (!wb_available()) {
		printf("SKIP: chromium or chromedriver missing: run scripts/deps to install them\n");
		return 77; /* SKIP_RETURN_CODE in CMakeLists.txt */
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
