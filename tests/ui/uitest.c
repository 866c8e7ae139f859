/*
 * uitest.c - the fixture of the "maiam-agent ui" tests (uitest.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <sqlite3.h>
#include "browser.h"
#include "testutil.h"
#include "uitest.h"
#include "webtest.h"

void ui_agent(ui_fixture *f, const char *args)
{
	char cmd[4096];

	(void)f;
	snprintf(cmd, sizeof(cmd), "'%s' %s >/dev/null", MAIAM_AGENT_BIN, args);
	if (system(cmd) != 0)
		fail_msg("maiam-agent %s failed", args);
}

void ui_agent_ref(ui_fixture *f, const char *args, char *ref, size_t n)
{
	ui_agent_member(f, args, "ref", ref, n);
}

void ui_store_new(ui_fixture *f)
{
	char home[1024];

	memset(f, 0, sizeof(*f));
	f->dir = test_mkdtemp();
	assert_non_null(f->dir);
	snprintf(home, sizeof(home), "%s/home", f->dir);
	setenv("MAIAM_HOME", home, 1);
	setenv("HOME", f->dir, 1);
	unsetenv("XDG_DATA_HOME");
	ui_agent(f, "init --commune 31498");
}

void ui_store_two_households(ui_fixture *f)
{
	char ref[64], cmd[128];

	ui_store_new(f);
	ui_agent_ref(f, "household add --name 'Lâm Thị Hoa' --hamlet 'Ấp 3' --members 4 --category poor",
		     ref, sizeof(ref));
	ui_agent(f, "household add --name 'Trần Văn Bé' --hamlet 'Ấp 3' --members 2 --category poor");
	snprintf(cmd, sizeof(cmd), "milestone '%s' surveyed --date 2023-06-05", ref);
	ui_agent(f, cmd);
}

void ui_store_duplicate(ui_fixture *f, const char *commune_name)
{
	char path[1024];
	sqlite3 *db;
	sqlite3_stmt *st;

	snprintf(path, sizeof(path), "%s/home/agent.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "INSERT INTO hub_duplicate(id_origin, id_serial, national_id,"
					    " commune, commune_name) SELECT id_origin, id_serial,"
					    " '094078001234', 31499, ?1 FROM household LIMIT 1",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, commune_name, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

void ui_start(ui_fixture *f, const char *lang)
{
	char log[1024], line[512];
	char *argv[] = { (char *)MAIAM_AGENT_BIN, (char *)"ui", (char *)"--port", (char *)"0",
			 (char *)"--no-browser",  NULL };
	int pipefd[2];

	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	unsetenv("LANGUAGE");
	setenv("LANG", lang, 1);
	if (f->open_browser)
		argv[4] = NULL;
	assert_int_equal(pipe(pipefd), 0);
	snprintf(log, sizeof(log), "%s/ui.log", f->dir);
	f->ui = wb_spawn(argv, pipefd[1], log);
	close(pipefd[1]);
	f->ui_out = fdopen(pipefd[0], "r");
	assert_non_null(f->ui_out);
	if (!fgets(line, sizeof(line), f->ui_out) || sscanf(line, "http://127.0.0.1:%d/?k=", &f->port) != 1)
		fail_msg("maiam-agent ui did not print its URL: see %s", log);
	line[strcspn(line, "\n")] = '\0';
	snprintf(f->url, sizeof(f->url), "%s", line);
	snprintf(f->base, sizeof(f->base), "http://127.0.0.1:%d/", f->port);
}

void ui_session(ui_fixture *f)
{
	static wt_resp r;

	assert_int_equal(wt_fetch(f->url, NULL, &r), 0);
	assert_int_equal(r.status, 303);
	assert_string_equal(r.location, "/");
	assert_non_null(strstr(r.cookie, "HttpOnly"));
	assert_non_null(strstr(r.cookie, "SameSite=Strict"));
	assert_non_null(strstr(r.cookie, "Path=/"));
	assert_true(strncmp(r.cookie, "maiam_ui=", 9) == 0);
	snprintf(f->cookie, sizeof(f->cookie), "%.*s", (int)strcspn(r.cookie, ";"), r.cookie);
}

void ui_stop(ui_fixture *f)
{
	wb_kill(f->ui);
	f->ui = 0;
	if (f->ui_out)
		fclose(f->ui_out);
	f->ui_out = NULL;
	if (f->dir)
		test_rmtree(f->dir);
	free(f->dir);
	f->dir = NULL;
}

void ui_csrf(ui_fixture *f, const char *path, char *out, size_t n)
{
	static wt_resp r;
	wt_req q = { .cookie = f->cookie };
	char url[1024];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", f->port, path);
	assert_int_equal(wt_fetch(url, &q, &r), 0);
	if (r.status != 200)
		fail_msg("%s answered %ld: %s", path, r.status, r.body);
	ui_csrf_of(r.body, out, n);
}

void ui_post_file(ui_fixture *f, const char *path, const char *csrf, const char *field,
		  const char *filename, const void *data, size_t len, wt_resp *r)
{
	CURL *c = curl_easy_init();
	curl_mime *form;
	curl_mimepart *part;
	wt_sink body = { r->body, 0, sizeof(r->body) };
	char url[1024];
	const char *type = NULL;

	assert_non_null(c);
	memset(r, 0, sizeof(*r));
	form = curl_mime_init(c);
	part = curl_mime_addpart(form);
	curl_mime_name(part, "csrf");
	curl_mime_data(part, csrf, CURL_ZERO_TERMINATED);
	part = curl_mime_addpart(form);
	curl_mime_name(part, field);
	curl_mime_filename(part, filename);
	curl_mime_type(part, "text/csv");
	curl_mime_data(part, data, len);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", f->port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, form);
	curl_easy_setopt(c, CURLOPT_COOKIE, f->cookie);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, wt_sink_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
	snprintf(r->content_type, sizeof(r->content_type), "%s", type ? type : "");
	r->len = body.len;
	curl_mime_free(form);
	curl_easy_cleanup(c);
}

static wb_browser *browser_to_stop;
static ui_fixture *server_to_stop;

/* the browser before the server it shows */
static int stop_browser_and_server(void **state)
{
	(void)state;
	wb_stop(browser_to_stop);
	ui_stop(server_to_stop);
	return 0;
}

/* 77 when there is no browser to run: cmocka's skip() counts as a pass,
 * and ctest must show the test as skipped */
static int no_browser(void)
{
	if (wb_available())
		return 0;
	printf("SKIP: chromium or chromedriver missing: run scripts/deps to install them\n");
	return 1;
}

int ui_browser_run(const char *name, const struct CMUnitTest *tests, size_t n, int (*setup)(void **),
		   int (*teardown)(void **))
{
	if (no_browser())
		return 77;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return _cmocka_run_group_tests(name, tests, n, setup, teardown);
}

int ui_browser_main(const struct CMUnitTest *tests, size_t n, wb_browser *w, ui_fixture *f)
{
	browser_to_stop = w;
	server_to_stop = f;
	return ui_browser_run("ui browser", tests, n, NULL, stop_browser_and_server);
}

int ui_browser_tests(const char *name, const struct CMUnitTest *tests, size_t n)
{
	return ui_browser_run(name, tests, n, NULL, NULL);
}

void ui_csrf_of(const char *page, char *out, size_t n)
{
	const char *at = strstr(page, "name=\"csrf\" value=\"");

	if (!at)
		fail_msg("the page has no form with a CSRF token: %.300s", page);
	at += strlen("name=\"csrf\" value=\"");
	snprintf(out, n, "%.*s", (int)strcspn(at, "\""), at);
}

void ui_agent_member(ui_fixture *f, const char *args, const char *member, char *out, size_t n)
{
	char cmd[4096], got[4096] = "", key[64], *at;
	FILE *p;
	size_t len;

	(void)f;
	snprintf(cmd, sizeof(cmd), "'%s' %s --json", MAIAM_AGENT_BIN, args);
	snprintf(key, sizeof(key), "\"%s\":\"", member);
	p = popen(cmd, "r");
	assert_non_null(p);
	len = fread(got, 1, sizeof(got) - 1, p);
	got[len] = '\0';
	if (pclose(p) != 0 || !(at = strstr(got, key)))
		fail_msg("maiam-agent %s --json failed or named no %s: %s", args, member, got);
	at += strlen(key);
	snprintf(out, n, "%.*s", (int)strcspn(at, "\""), at);
}

void ui_store_households(ui_fixture *f, int nbulk)
{
	char an[64], hoa[64], mai[64], cmd[1200], path[1024];
	sqlite3 *db;
	FILE *csv;

	ui_store_new(f);
	ui_agent(f, "household add --name 'Trần Văn Bé' --hamlet 'Ấp 3' --members 2 --category poor");
	ui_agent_ref(f,
		     "household add --name 'Nguyễn Văn Ân' --hamlet 'Ấp 1' --members 5 --category poor"
		     " --national-id 094078001234",
		     an, sizeof(an));
	ui_agent_ref(f,
		     "household add --name 'Lâm Thị Hoa' --hamlet 'Ấp 3' --members 4 --category near_poor",
		     hoa, sizeof(hoa));
	ui_agent_ref(f,
		     "household add --name 'Nguyễn Thị Mai' --hamlet 'Ấp 2' --members 3 --category policy_family",
		     mai, sizeof(mai));
	snprintf(cmd, sizeof(cmd), "milestone '%s' surveyed --date 2023-06-01", an);
	ui_agent(f, cmd);
	snprintf(cmd, sizeof(cmd), "milestone '%s' surveyed --date 2023-06-05", hoa);
	ui_agent(f, cmd);
	snprintf(cmd, sizeof(cmd), "household withdraw '%s' --reason 'moved away'", mai);
	ui_agent(f, cmd);
	/* the province's decision, as a pull writes it */
	snprintf(path, sizeof(path), "%s/home/agent.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db,
			     "UPDATE household SET review_status = 'approved' WHERE name = 'Lâm Thị Hoa'",
			     NULL, NULL, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	if (nbulk <= 0)
		return;
	snprintf(path, sizeof(path), "%s/bulk.csv", f->dir);
	csv = fopen(path, "w");
	assert_non_null(csv);
	fputs("name,hamlet,members,category\n", csv);
	for (int i = 1; i <= nbulk; i++)
		fprintf(csv, "Hộ Thử %03d,Ấp 9,3,other\n", i);
	assert_int_equal(fclose(csv), 0);
	snprintf(cmd, sizeof(cmd), "household import '%s'", path);
	ui_agent(f, cmd);
}

int ui_browser_end(struct wb_browser *w, ui_fixture *f)
{
	wb_stop(w);
	ui_stop(f);
	return 0;
}

void ui_shot(struct wb_browser *w, const char *name, int width, int height)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/tests/ui/%s.png", MAIAM_BUILD_DIR, name);
	wb_screenshot(w, path, width, height);
}

void ui_shots(struct wb_browser *w, const char *name)
{
	char shot[256];

	snprintf(shot, sizeof(shot), "%s-1366", name);
	ui_shot(w, shot, 1366, 768);
	snprintf(shot, sizeof(shot), "%s-390", name);
	ui_shot(w, shot, 390, 844);
	/* nothing wider than a phone's window: no sideways scrolling */
	wb_wait_script(w, "return document.documentElement.scrollWidth <= window.innerWidth", "true");
}

char *ui_agent_output(ui_fixture *f, const char *args)
{
	char cmd[4096], *out = NULL;
	size_t len = 0, cap = 0, got;
	FILE *p;

	(void)f;
	snprintf(cmd, sizeof(cmd), "'%s' %s", MAIAM_AGENT_BIN, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	do {
		if (len + 4096 + 1 > cap) {
			cap = 2 * cap + 8192;
			out = realloc(out, cap);
			assert_non_null(out);
		}
		got = fread(out + len, 1, cap - len - 1, p);
		len += got;
	} while (got > 0);
	out[len] = '\0';
	if (pclose(p) != 0)
		fail_msg("maiam-agent %s failed; it printed: %.2000s", args, out);
	return out;
}
