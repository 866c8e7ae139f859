/*
 * browser.c - Chromium through chromedriver for the page tests, and the
 * processes they start, cleaned up on every way out (browser.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
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
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include "browser.h"
#include "webtest.h"

extern char **environ;

#define ELEMENT_KEY "element-6066-11e4-a52e-4f735466cecf"
#define WB_ANSWER_MAX (16 << 20) /* a screenshot of a tall page, in base64 */
#define MAX_GROUPS 16

/* ---- the processes, and the watchdog that outlives the test -------------- */

static pid_t groups[MAX_GROUPS]; /* live process groups this test started */
static int watch_fd = -1;        /* write end of the watchdog's pipe */

/* The watchdog: reads group ids (negative: forget one) until its pipe
 * closes, which happens when the test process ends in any way at all; then
 * kills what is left. It runs in a process group of its own, so a kill of
 * the test's group does not take it along. */
static void watchdog(int fd)
{
	pid_t live[MAX_GROUPS] = { 0 }, v;
	int i, null = open("/dev/null", O_RDWR);

	/* hold nothing of the test's open: not a server's output pipe the test
	 * waits on, not ctest's pipe that ends when the test's output ends */
	for (i = 0; i < 3; i++)
		dup2(null, i);
	for (i = 3; i < 1024; i++)
		if (i != fd)
			close(i);
	setpgid(0, 0);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	for (;;) {
		ssize_t n = read(fd, &v, sizeof(v));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(v))
			break;
		for (i = 0; i < MAX_GROUPS; i++)
			if (v > 0 ? live[i] == 0 : live[i] == -v) {
				live[i] = v > 0 ? v : 0;
				break;
			}
	}
	for (i = 0; i < MAX_GROUPS; i++)
		if (live[i] > 0)
			kill(-live[i], SIGKILL);
	_exit(0);
}

static void kill_all(void)
{
	int i;

	for (i = 0; i < MAX_GROUPS; i++)
		wb_kill(groups[i]);
}

static void watch(pid_t v)
{
	int p[2];
	pid_t w;

	if (watch_fd < 0) {
		/* close-on-exec: no server or driver may hold the pipe open */
		assert_int_equal(pipe(p), 0);
		assert_int_equal(fcntl(p[1], F_SETFD, FD_CLOEXEC), 0);
		assert_int_equal(fcntl(p[0], F_SETFD, FD_CLOEXEC), 0);
		w = fork();
		assert_true(w >= 0);
		if (w == 0) {
			close(p[1]);
			watchdog(p[0]);
		}
		close(p[0]);
		watch_fd = p[1];
		atexit(kill_all);
	}
	assert_int_equal(write(watch_fd, &v, sizeof(v)), (ssize_t)sizeof(v));
}

int wb_available(void)
{
	return access(WB_CHROMIUM, X_OK) == 0 && access(WB_CHROMEDRIVER, X_OK) == 0;
}

pid_t wb_spawn(char *const argv[], int out_fd, const char *log)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	pid_t pid;
	int i;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&at, 0);
	if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (posix_spawn(&pid, argv[0], &fa, &at, argv, environ) != 0)
		fail_msg("cannot start '%s'", argv[0]);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	watch(pid);
	for (i = 0; i < MAX_GROUPS && groups[i]; i++)
		;
	assert_true(i < MAX_GROUPS);
	groups[i] = pid;
	return pid;
}

void wb_kill(pid_t pid)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	siginfo_t si;
	int i, st;

	if (pid <= 0)
		return;
	for (i = 0; i < MAX_GROUPS; i++)
		if (groups[i] == pid)
			groups[i] = 0;
	kill(-pid, SIGTERM);
	/* a grace to finish, then the rest of the group goes while the
	 * leader's pid (a zombie until reaped) still holds the group's id */
	for (i = 0; i < 500; i++) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid)
			break;
		nanosleep(&pause, NULL);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, &st, 0);
	if (watch_fd >= 0) {
		pid_t forget = -pid;
		if (write(watch_fd, &forget, sizeof(forget)) != (ssize_t)sizeof(forget))
			fprintf(stderr, "watchdog gone: process group %d not forgotten\n", (int)pid);
	}
}

/* ---- WebDriver ----------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pause_a_little(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

long wb_call(wb_browser *b, const char *method, const char *path, const char *json)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	wt_sink sink = { b->buf, 0, WB_ANSWER_MAX };
	char url[512];

	b->buf[0] = '\0';
	b->status = 0;
	if (path[0] == '/')
		snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", b->port, path);
	else
		snprintf(url, sizeof(url), "http://127.0.0.1:%d/session/%s%s%s", b->port, b->session,
			 path[0] ? "/" : "", path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, wt_sink_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	/* a page load may take the whole deadline; the call a little more */
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)WB_DEADLINE_S + 60);
	if (json)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &b->status);
	b->len = sink.len;
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return b->status;
}

/* The string at answer.value[key] (key NULL: answer.value itself) into out. */
static void answer_string(wb_browser *b, const char *key, char *out, size_t outlen)
{
	json_t *root = json_loads(b->buf, 0, NULL), *v = root ? json_object_get(root, "value") : NULL;
	const char *s;

	if (key && v)
		v = json_object_get(v, key);
	s = json_string_value(v);
	if (!s || strlen(s) >= outlen) {
		json_decref(root);
		fail_msg("WebDriver answer without value%s%s: %.1000s", key ? "." : "", key ? key : "",
			 b->buf);
	}
	snprintf(out, outlen, "%s", s);
	json_decref(root);
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

void wb_start(wb_browser *b, const char *dir)
{
	char log[1024], portarg[32], caps[2048], timeouts[128];
	char *argv[] = { (char *)WB_CHROMEDRIVER, portarg, NULL };
	double deadline = now_s() + WB_DEADLINE_S;

	memset(b, 0, sizeof(*b));
	b->buf = malloc(WB_ANSWER_MAX);
	assert_non_null(b->buf);
	b->port = free_port();
	snprintf(portarg, sizeof(portarg), "--port=%d", b->port);
	snprintf(log, sizeof(log), "%s/chromedriver.log", dir);
	b->driver = wb_spawn(argv, -1, log);
	while (wb_call(b, "GET", "/status", NULL) != 200 && now_s() < deadline)
		pause_a_little();
	if (b->status != 200)
		fail_msg("chromedriver did not come up in %d s: see %s", WB_DEADLINE_S, log);
	snprintf(caps, sizeof(caps),
		 "{\"capabilities\":{\"alwaysMatch\":{\"browserName\":\"chrome\","
		 "\"acceptInsecureCerts\":true,\"goog:chromeOptions\":{\"binary\":\"" WB_CHROMIUM "\","
		 "\"args\":[\"--headless\",\"--no-sandbox\",\"--disable-gpu\",\"--disable-quic\","
		 "\"--no-first-run\",\"--disable-background-networking\",\"--disable-component-update\","
		 "\"--disable-sync\",\"--window-size=1200,1800\",\"--user-data-dir=%s/profile\"]}}}}",
		 dir);
	if (wb_call(b, "POST", "/session", caps) != 200)
		fail_msg("no Chromium session: %.1000s", b->buf);
	answer_string(b, "sessionId", b->session, sizeof(b->session));
	snprintf(timeouts, sizeof(timeouts), "{\"pageLoad\":%d000,\"script\":%d000}", WB_DEADLINE_S,
		 WB_DEADLINE_S);
	assert_int_equal(wb_call(b, "POST", "timeouts", timeouts), 200);
}

void wb_stop(wb_browser *b)
{
	if (b->session[0] && b->buf)
		wb_call(b, "DELETE", "", NULL);
	b->session[0] = '\0';
	wb_kill(b->driver);
	b->driver = 0;
	free(b->buf);
	b->buf = NULL;
}

/* Until document.readyState is "complete" (a click's navigation may not
 * have ended when the click's answer comes). */
static void wait_ready(wb_browser *b)
{
	double deadline = now_s() + WB_DEADLINE_S;
	char state[32] = "";

	do {
		if (wb_call(b, "POST", "execute/sync",
			    "{\"script\":\"return document.readyState\",\"args\":[]}") == 200)
			answer_string(b, NULL, state, sizeof(state));
		if (strcmp(state, "complete") == 0)
			return;
		pause_a_little();
	} while (now_s() < deadline);
	fail_msg("the page did not finish loading in %d s (%s)", WB_DEADLINE_S, state);
}

void wb_go(wb_browser *b, const char *url)
{
	char json[512];

	snprintf(json, sizeof(json), "{\"url\":\"%s\"}", url);
	if (wb_call(b, "POST", "url", json) != 200)
		fail_msg("cannot open %s: %.1000s", url, b->buf);
	wait_ready(b);
}

void wb_source(wb_browser *b)
{
	if (wb_call(b, "GET", "source", NULL) != 200)
		fail_msg("no page source: %.1000s", b->buf);
}

/* The element css, waited for until the deadline: its WebDriver id. */
static void find(wb_browser *b, const char *css, char *id, size_t idlen)
{
	double deadline = now_s() + WB_DEADLINE_S;
	char json[256];

	snprintf(json, sizeof(json), "{\"using\":\"css selector\",\"value\":\"%s\"}", css);
	while (wb_call(b, "POST", "element", json) != 200) {
		if (now_s() >= deadline)
			fail_msg("no element '%s' on the page in %d s: %.2000s", css, WB_DEADLINE_S,
				 b->buf);
		pause_a_little();
	}
	answer_string(b, ELEMENT_KEY, id, idlen);
}

/* POST element/ID/what with json; the status. */
static long element_call(wb_browser *b, const char *id, const char *what, const char *json)
{
	char path[256];

	snprintf(path, sizeof(path), "element/%s/%s", id, what);
	return wb_call(b, "POST", path, json);
}

void wb_type(wb_browser *b, const char *css, const char *text)
{
	char id[128], json[512];

	find(b, css, id, sizeof(id));
	if (element_call(b, id, "clear", "{}") != 200)
		fail_msg("cannot clear '%s': %.1000s", css, b->buf);
	snprintf(json, sizeof(json), "{\"text\":\"%s\"}", text);
	if (element_call(b, id, "value", json) != 200)
		fail_msg("cannot type into '%s': %.1000s", css, b->buf);
}

void wb_click(wb_browser *b, const char *css)
{
	char id[128];

	find(b, css, id, sizeof(id));
	if (element_call(b, id, "click", "{}") != 200)
		fail_msg("cannot click '%s': %.1000s", css, b->buf);
}

void wb_wait_for(wb_browser *b, const char *a, const char *alt)
{
	double deadline = now_s() + WB_DEADLINE_S;

	for (;;) {
		wait_ready(b);
		wb_source(b);
		if (strstr(b->buf, a) || (alt && strstr(b->buf, alt)))
			return;
		if (now_s() >= deadline)
			break;
		pause_a_little();
	}
	fail_msg("the page never showed '%s' in %d s: %.2000s", a, WB_DEADLINE_S, b->buf);
}

void wb_wait_script(wb_browser *b, const char *script, const char *want)
{
	double deadline = now_s() + WB_DEADLINE_S;
	json_t *body = json_pack("{s:s, s:[]}", "script", script, "args");
	char *json = body ? json_dumps(body, JSON_COMPACT) : NULL, got[256] = "";

	assert_non_null(json);
	json_decref(body);
	for (;;) {
		if (wb_call(b, "POST", "execute/sync", json) == 200) {
			json_t *root = json_loads(b->buf, 0, NULL);
			char *v = root ? json_dumps(json_object_get(root, "value"), JSON_ENCODE_ANY)
				       : NULL;

			snprintf(got, sizeof(got), "%s", v ? v : "?");
			free(v);
			json_decref(root);
			if (strcmp(got, want) == 0)
				break;
		}
		if (now_s() >= deadline) {
			free(json);
			fail_msg("'%s' returned %s, not %s, in %d s", script, got, want, WB_DEADLINE_S);
		}
		pause_a_little();
	}
	free(json);
}

void wb_screenshot(wb_browser *b, const char *path, int width, int height)
{
	char json[128];
	const char *b64;
	unsigned char *png;
	size_t n;
	FILE *out;
	int len;

	snprintf(json, sizeof(json), "{\"width\":%d,\"height\":%d}", width, height);
	assert_int_equal(wb_call(b, "POST", "window/rect", json), 200);
	wait_ready(b);
	assert_int_equal(wb_call(b, "GET", "screenshot", NULL), 200);
	b64 = strstr(b->buf, "\"value\":\"");
	assert_non_null(b64);
	b64 += 9;
	n = strcspn(b64, "\"");
	png = malloc(n);
	assert_non_null(png);
	len = EVP_DecodeBlock(png, (const unsigned char *)b64, (int)n);
	assert_true(len > 1000);
	assert_memory_equal(png, "\x89PNG", 4);
	out = fopen(path, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(png, 1, (size_t)len, out), (size_t)len);
	fclose(out);
	free(png);
	printf("screenshot: %s\n", path);
}
