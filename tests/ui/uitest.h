/*
 * uitest.h - the fixture of the tests of "maiam-agent ui": a laptop's
 * store made by the real CLI in a scratch home, the real "maiam-agent ui
 * --no-browser --port 0" started on it (its process group killed at the
 * end, as tests/support/browser.c does for any server), and the first line
 * it prints: the URL with its one-time secret.
 */
#ifndef MAIAM_UITEST_H
#define MAIAM_UITEST_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

typedef struct ui_fixture {
	char *dir; /* scratch: home/ is the agent's home */
	pid_t ui;
	FILE *ui_out;
	int port;
	char url[512];    /* as printed: http://127.0.0.1:PORT/?k=SECRET */
	char base[64];    /* http://127.0.0.1:PORT/ */
	char cookie[128]; /* "maiam_ui=TOKEN" once ui_session took it */
	int open_browser; /* set before ui_start: leave --no-browser out */
} ui_fixture;

/* A scratch home with a store of commune 31498 (init) and MAIAM_HOME set
 * to it for every process started after. */
void ui_store_new(ui_fixture *f);
/* ui_store_new with two households of hamlet "Ấp 3", the first surveyed. */
void ui_store_two_households(ui_fixture *f);
/* The hub's feedback as a pull keeps it: a household of the store has a
 * national id a household of commune 31499 (named commune_name) holds too. */
void ui_store_duplicate(ui_fixture *f, const char *commune_name);
/* Run "maiam-agent ARGS" (a shell-quoted string) on that home; must exit 0. */
void ui_agent(ui_fixture *f, const char *args);
/* The same with --json added: the "ref" it prints into ref. */
void ui_agent_ref(ui_fixture *f, const char *args, char *ref, size_t n);
/* Start "maiam-agent ui --no-browser --port 0" (without --no-browser when
 * f->open_browser) under locale lang
 * ("vi_VN.UTF-8", "C") and read its URL. */
void ui_start(ui_fixture *f, const char *lang);
/* GET the URL: it must answer 303 to "/" with the session cookie, kept in
 * f->cookie. */
void ui_session(ui_fixture *f);
/* Stop the server, remove the scratch directory. */
void ui_stop(ui_fixture *f);

/* The CSRF token of the form on page path ("/import") into out. */
void ui_csrf(ui_fixture *f, const char *path, char *out, size_t n);
/* A form with a file POSTed to path as a browser sends it
 * (multipart/form-data): csrf, then field holding len bytes of data
 * named filename. The answer into r (wt_resp of webtest.h). */
struct wt_resp;
void ui_post_file(ui_fixture *f, const char *path, const char *csrf, const char *field,
		  const char *filename, const void *data, size_t len, struct wt_resp *r);
/* The main of a browser test: 77, which ctest shows as skipped, without
 * chromium and chromedriver (cmocka's skip() would count as a pass); else
 * the n tests run, then the browser w and the server of f are stopped, and
 * the number that failed. */
struct CMUnitTest;
struct wb_browser;
int ui_browser_main(const struct CMUnitTest *tests, size_t n, struct wb_browser *w, ui_fixture *f);
/* The CSRF token the forms of page (its HTML) carry into out; fails the
 * test when there is none. */
void ui_csrf_of(const char *page, char *out, size_t n);
/* ui_agent with --json added: the text of its first member named member
 * ("id", "ref") into out; the test fails without one. */
void ui_agent_member(ui_fixture *f, const char *args, const char *member, char *out, size_t n);

struct CMUnitTest;
struct wb_browser;
/* The main() of a browser test file: 77 (ctest's skip) without chromium
 * and chromedriver, else libcurl set up and the n tests run as one group
 * named name; the number that failed. */
int ui_browser_tests(const char *name, const struct CMUnitTest *tests, size_t n);
/* ui_store_new with the households the Households page's tests filter,
 * added in this order: "Trần Văn Bé" (Ấp 3, poor), "Nguyễn Văn Ân" (Ấp 1,
 * poor, national id 094078001234, surveyed), "Lâm Thị Hoa" (Ấp 3,
 * near_poor, surveyed, approved by the province), "Nguyễn Thị Mai" (Ấp 2,
 * policy_family, withdrawn); then nbulk households "Hộ Thử NNN" (NNN from
 * 001) of hamlet "Ấp 9", category other, imported from a CSV file. */
void ui_store_households(ui_fixture *f, int nbulk);

/* A browser test's main: 77 (ctest shows it skipped) without chromium and
 * chromedriver, else libcurl set up and tests[0..n) run as one group named
 * name with setup and teardown (either NULL); the two mains above are it. */
struct CMUnitTest;
int ui_browser_run(const char *name, const struct CMUnitTest *tests, size_t n, int (*setup)(void **),
		   int (*teardown)(void **));
/* The browser's window at width x height, its screenshot kept as
 * build/tests/ui/NAME.png; ui_shots: NAME-1366.png at 1366x768, then
 * NAME-390.png at 390x844 (the window stays at 390 px). */
struct wb_browser;
/* A browser test's end: the browser, then the server and the scratch
 * directory (wb_stop, ui_stop); 0, for a cmocka teardown to return. */
int ui_browser_end(struct wb_browser *w, ui_fixture *f);
void ui_shot(struct wb_browser *w, const char *name, int width, int height);
void ui_shots(struct wb_browser *w, const char *name);
/* "maiam-agent ARGS" on that home (a shell-quoted string), its whole
 * standard output, malloc'd (the caller frees it); it must exit 0. */
char *ui_agent_output(ui_fixture *f, const char *args);

#endif
