/*
 * test_browser.c - the dashboard in a real browser: a real "maiam-hub serve"
 * on 127.0.0.1 port 0 over TLS, Debian's headless Chromium driven through
 * chromedriver's WebDriver HTTP API (libcurl). It signs in through the form
 * (a wrong password first), checks the page's districts and numbers, and
 * saves a screenshot under the build tree (tests/reports/dashboard.png).
 * Only this test's browser accepts the hub's self-made CA
 * (acceptInsecureCerts); scripts/deps installs chromium and chromium-driver,
 * and without them the test is skipped, saying so.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include "hub.h"
#include "report.h"
#include "reptest.h"
#include "testutil.h"

extern char **environ;

#define CHROMIUM "/usr/bin/chromium"
#define CHROMEDRIVER "/usr/bin/chromedriver"
#define ELEMENT_KEY "element-6066-11e4-a52e-4f735466cecf"

typedef struct wd {
	int port;
	char session[128];
	char buf[4 << 20];
	size_t len;
	long status;
} wd;

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	wd *w = arg;
	size_t len = size * n;
	if (w->len + len >= sizeof(w->buf))
		len = sizeof(w->buf) - w->len - 1;
	memcpy(w->buf + w->len, p, len);
	w->len += len;
	w->buf[w->len] = '\0';
	return size * n;
}

/* One WebDriver call; the answer is in w->buf. Returns the HTTP status. */
static long call(wd *w, const char *method, const char *path, const char *json)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	char url[512];

	w->len = 0;
	w->buf[0] = '\0';
	w->status = 0;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", w->port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, w);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	if (json)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &w->status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return w->status;
}

/* The JSON string value after "key":" in w->buf (no escapes expected). */
static int string_after(const wd *w, const char *key, char *out, size_t outlen)
{
	char pat[128];
	const char *p, *e;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(w->buf, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	e = strchr(p, '"');
	if (!e || (size_t)(e - p) >= outlen)
		return -1;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return 0;
}

/* "/session/ID" + a + b (b may be "") */
static void sessf(wd *w, char *out, size_t outlen, const char *a, const char *b)
{
	snprintf(out, outlen, "/session/%s%s%s", w->session, a, b);
}

static void find(wd *w, const char *css, char *id, size_t idlen)
{
	char path[512], json[256];

	sessf(w, path, sizeof(path), "/element", "");
	snprintf(json, sizeof(json), "{\"using\":\"css selector\",\"value\":\"%s\"}", css);
	if (call(w, "POST", path, json) != 200)
		fail_msg("no element '%s' on the page: %.2000s", css, w->buf);
	assert_int_equal(string_after(w, ELEMENT_KEY, id, idlen), 0);
}

static void type_into(wd *w, const char *css, const char *text)
{
	char id[128], path[512], json[512];

	find(w, css, id, sizeof(id));
	sessf(w, path, sizeof(path), "/element/", id);
	strncat(path, "/clear", sizeof(path) - strlen(path) - 1);
	call(w, "POST", path, "{}");
	sessf(w, path, sizeof(path), "/element/", id);
	strncat(path, "/value", sizeof(path) - strlen(path) - 1);
	snprintf(json, sizeof(json), "{\"text\":\"%s\"}", text);
	assert_int_equal(call(w, "POST", path, json), 200);
}

static void click(wd *w, const char *css)
{
	char id[128], path[512];

	find(w, css, id, sizeof(id));
	sessf(w, path, sizeof(path), "/element/", id);
	strncat(path, "/click", sizeof(path) - strlen(path) - 1);
	assert_int_equal(call(w, "POST", path, "{}"), 200);
}

static void page_source(wd *w)
{
	char path[512];
	sessf(w, path, sizeof(path), "/source", "");
	assert_int_equal(call(w, "GET", path, NULL), 200);
}

/* The page at width x height, saved as build/tests/reports/<name>.png. */
static void screenshot(wd *w, const char *name, int width, int height)
{
	char path[512], json[128], shot[1024];
	const char *b64;
	unsigned char *png;
	size_t n;
	FILE *out;
	int len;

	sessf(w, path, sizeof(path), "/window/rect", "");
	snprintf(json, sizeof(json), "{\"width\":%d,\"height\":%d}", width, height);
	assert_int_equal(call(w, "POST", path, json), 200);
	sessf(w, path, sizeof(path), "/screenshot", "");
	assert_int_equal(call(w, "GET", path, NULL), 200);
	b64 = strstr(w->buf, "\"value\":\"");
	assert_non_null(b64);
	b64 += 9;
	n = strcspn(b64, "\"");
	png = malloc(n);
	assert_non_null(png);
	len = EVP_DecodeBlock(png, (const unsigned char *)b64, (int)n);
	assert_true(len > 1000);
	assert_memory_equal(png, "\x89PNG", 4);
	snprintf(shot, sizeof(shot), "%s/tests/reports/%s.png", MAIAM_BUILD_DIR, name);
	out = fopen(shot, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(png, 1, (size_t)len, out), (size_t)len);
	fclose(out);
	free(png);
	printf("screenshot: %s\n", shot);
}

typedef struct held_login {
	int port;
	long status;
	volatile int done;
	pthread_t th;
} held_login;

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p, (void)arg;
	return size * n;
}

/* A plain HTTPS request to the hub (its CA is the test's own: not checked). */
static long hub_call(int port, const char *from, const char *path, const char *post)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char url[256], origin[128];
	long status = 0;

	snprintf(url, sizeof(url), "https://127.0.0.1:%d%s", port, path);
	snprintf(origin, sizeof(origin), "Origin: https://127.0.0.1:%d", port);
	h = curl_slist_append(h, origin);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	if (from)
		curl_easy_setopt(c, CURLOPT_INTERFACE, from);
	if (post)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return status;
}

static void *held_main(void *arg)
{
	held_login *l = arg;
	l->status = hub_call(l->port, "127.0.0.2", "/login",
			     "name=lan&password=m%E1%BA%ADt+kh%E1%BA%A9u+d%C3%A0i");
	__atomic_store_n(&l->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* The real hub answers /v1/health while a sign-in waits in the dashboard's
 * worker (the test holds hub.db's write lock, so the sign-in cannot finish). */
static void health_while_login_waits(const char *dir, int port)
{
	char path[1024];
	sqlite3 *db;
	held_login l;

	snprintf(path, sizeof(path), "%s/hub.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	memset(&l, 0, sizeof(l));
	l.port = port;
	assert_int_equal(pthread_create(&l.th, NULL, held_main, &l), 0);
	usleep(300000); /* only lets the sign-in arrive first; nothing is timed */
	assert_int_equal(hub_call(port, NULL, "/v1/health", NULL), 200);
	assert_int_equal(__atomic_load_n(&l.done, __ATOMIC_SEQ_CST), 0);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	pthread_join(l.th, NULL);
	assert_int_equal(l.status, 303);
	sqlite3_close(db);
}

/* Poll the page until it shows a or b (a form's answer may still be on
 * its way when the click returns); fails after about a minute. */
static void wait_for(wd *w, const char *a, const char *b)
{
	int i;

	for (i = 0; i < 600; i++) {
		page_source(w);
		if (strstr(w->buf, a) || (b && strstr(w->buf, b)))
			return;
		usleep(100000);
	}
	fail_msg("the page never showed '%s': %.2000s", a, w->buf);
}

static void go(wd *w, int port)
{
	char path[512], url[256];

	snprintf(url, sizeof(url), "{\"url\":\"https://127.0.0.1:%d/\"}", port);
	sessf(w, path, sizeof(path), "/url", "");
	assert_int_equal(call(w, "POST", path, url), 200);
}

static int free_port(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* Start argv with stdout to out_fd (or a log file); its pid. */
static pid_t spawn(char *const argv[], int out_fd, const char *log)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	assert_int_equal(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

static void stop(pid_t pid)
{
	int st;
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
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
					     &t.campaign, err, sizeof(err)), PROTO_OK);
	assert_int_equal(hub_report_migrate(t.db, err, sizeof(err)), 0);
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
	snprintf(cmd, sizeof(cmd), "printf '%%s\\n' 'mật khẩu dài' | '%s' operator add lan --dir '%s'"
		 " >/dev/null", MAIAM_HUB_BIN, dir);
	assert_int_equal(system(cmd), 0);
}

static void test_sign_in_in_chromium(void **state)
{
	static wd w;
	char *dir, log[1024], url[256], path[512], caps[2048], line[256], cmd[2048];
	int pipefd[2], hub_port = 0, i;
	pid_t hub, driver;
	FILE *f;

	(void)state;
	dir = test_mkdtemp();
	assert_non_null(dir);
	make_hub(dir);

	/* the real server, on a port the kernel picks */
	assert_int_equal(pipe(pipefd), 0);
	snprintf(log, sizeof(log), "%s/serve.log", dir);
	{
		char *argv[] = { (char *)MAIAM_HUB_BIN, (char *)"serve", (char *)"--dir", dir,
				 (char *)"--listen", (char *)"127.0.0.1:0", NULL };
		hub = spawn(argv, pipefd[1], log);
	}
	close(pipefd[1]);
	f = fdopen(pipefd[0], "r");
	assert_non_null(fgets(line, sizeof(line), f));
	assert_int_equal(sscanf(line, "listening on https://127.0.0.1:%d", &hub_port), 1);

	w.port = free_port();
	snprintf(log, sizeof(log), "%s/chromedriver.log", dir);
	{
		char portarg[32];
		char *argv[] = { (char *)CHROMEDRIVER, portarg, NULL };
		snprintf(portarg, sizeof(portarg), "--port=%d", w.port);
		driver = spawn(argv, -1, log);
	}
	for (i = 0; i < 100 && call(&w, "GET", "/status", NULL) != 200; i++)
		usleep(100000);
	assert_int_equal(w.status, 200);

	snprintf(caps, sizeof(caps),
		 "{\"capabilities\":{\"alwaysMatch\":{\"browserName\":\"chrome\","
		 "\"acceptInsecureCerts\":true,\"goog:chromeOptions\":{\"binary\":\"" CHROMIUM "\","
		 "\"args\":[\"--headless\",\"--no-sandbox\",\"--disable-gpu\",\"--disable-quic\","
		 "\"--no-first-run\",\"--disable-background-networking\",\"--disable-component-update\","
		 "\"--disable-sync\",\"--window-size=1200,1800\",\"--user-data-dir=%s/profile\"]}}}}",
		 dir);
	assert_int_equal(call(&w, "POST", "/session", caps), 200);
	assert_int_equal(string_after(&w, "sessionId", w.session, sizeof(w.session)), 0);

	snprintf(url, sizeof(url), "{\"url\":\"https://127.0.0.1:%d/\"}", hub_port);
	sessf(&w, path, sizeof(path), "/url", "");
	assert_int_equal(call(&w, "POST", path, url), 200);
	page_source(&w);
	assert_non_null(strstr(w.buf, "Đăng nhập"));
	assert_null(strstr(w.buf, "Thị xã Vĩnh Châu"));

	/* a wrong password: told so, still outside */
	type_into(&w, "#name", "lan");
	type_into(&w, "#password", "sai mật khẩu");
	click(&w, "#submit");
	wait_for(&w, "Sai tên đăng nhập hoặc mật khẩu", NULL);
	assert_null(strstr(w.buf, "Thị xã Vĩnh Châu"));

	type_into(&w, "#name", "lan");
	type_into(&w, "#password", "mật khẩu dài");
	click(&w, "#submit");
	wait_for(&w, "Bảng theo dõi", NULL);
	assert_non_null(strstr(w.buf, "Thị xã Vĩnh Châu"));
	assert_non_null(strstr(w.buf, "Huyện Kế Sách"));
	assert_non_null(strstr(w.buf, "37 / 260"));   /* the chart's label */
	assert_non_null(strstr(w.buf, "1.200"));      /* the province target */
	assert_non_null(strstr(w.buf, "Hàng đợi đối soát"));

	/* HSTS and the same-origin POST worked in a real browser; the pages
	 * at a laptop's and at a phone's width, under the build tree */
	screenshot(&w, "dashboard", 1366, 768);
	screenshot(&w, "dashboard-390", 390, 844);

	/* a new password set on the command line ends the browser's session */
	snprintf(cmd, sizeof(cmd), "printf '%%s\\n' 'mật khẩu khác hẳn' | '%s' operator password lan"
		 " --dir '%s' >/dev/null", MAIAM_HUB_BIN, dir);
	assert_int_equal(system(cmd), 0);
	go(&w, hub_port);
	wait_for(&w, "Đăng nhập dành cho", NULL);
	assert_null(strstr(w.buf, "Thị xã Vĩnh Châu"));

	/* guessing from this address: after the free tries, the throttled page */
	for (i = 0; i < 12; i++) {
		go(&w, hub_port); /* a fresh page, without the last answer on it */
		wait_for(&w, "Đăng nhập dành cho", NULL);
		type_into(&w, "#name", "khach");
		type_into(&w, "#password", "doan bua doan bua");
		click(&w, "#submit");
		wait_for(&w, "Tạm khóa đăng nhập", "Sai tên đăng nhập hoặc mật khẩu");
		if (strstr(w.buf, "Tạm khóa đăng nhập"))
			break;
	}
	assert_non_null(strstr(w.buf, "Tạm khóa đăng nhập"));
	assert_non_null(strstr(w.buf, "thử lại sau"));
	screenshot(&w, "login-throttled", 1366, 768);
	screenshot(&w, "login-throttled-390", 390, 844);

	/* the loop is not the dashboard's: health answers while a sign-in waits
	 * (from another address: this one is throttled now) */
	snprintf(cmd, sizeof(cmd), "printf '%%s\\n' 'mật khẩu dài' | '%s' operator password lan"
		 " --dir '%s' >/dev/null", MAIAM_HUB_BIN, dir);
	assert_int_equal(system(cmd), 0);
	health_while_login_waits(dir, hub_port);

	sessf(&w, path, sizeof(path), "", "");
	call(&w, "DELETE", path, NULL);
	stop(driver);
	stop(hub);
	fclose(f);
	test_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_in_in_chromium),
	};
	/* cmocka's skip() counts as a pass: ctest must show the test as skipped */
	if (access(CHROMIUM, X_OK) != 0 || access(CHROMEDRIVER, X_OK) != 0) {
		printf("SKIP: chromium or chromedriver missing: run scripts/deps to install them\n");
		return 77; /* SKIP_RETURN_CODE in CMakeLists.txt */
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
