/*
 * uitest.c - the fixture of the "maiam-agent ui" tests (uitest.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
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
	char cmd[4096], out[4096] = "", *at;
	FILE *p;
	size_t len;

	(void)f;
	snprintf(cmd, sizeof(cmd), "'%s' %s --json", MAIAM_AGENT_BIN, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	len = fread(out, 1, sizeof(out) - 1, p);
	out[len] = '\0';
	if (pclose(p) != 0 || !(at = strstr(out, "\"ref\":\"")))
		fail_msg("maiam-agent %s --json failed or named no ref: %s", args, out);
	at += strlen("\"ref\":\"");
	snprintf(ref, n, "%.*s", (int)strcspn(at, "\""), at);
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

void ui_csrf_of(const char *html, const char *page, char *out, size_t n)
{
	static const char mark[] = "name=\"csrf\" value=\"";
	const char *at = strstr(html, mark);

	if (!at)
		fail_msg("%s has no form with a csrf field: %.2000s", page, html);
	at += strlen(mark);
	snprintf(out, n, "%.*s", (int)strcspn(at, "\""), at);
}
