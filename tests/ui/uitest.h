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

/* The main of a browser test: 77 (ctest's skip) without chromium and
 * chromedriver, else libcurl set up and the n tests run in order. */
struct CMUnitTest;
int ui_browser_main(const struct CMUnitTest *tests, size_t n);
/* Screenshots of w's page as build/tests/ui/NAME-1366.png (1366x768) and
 * NAME-390.png (390 px wide), then a check that nothing on it is wider
 * than 390 px. */
struct wb_browser;
void ui_shots(struct wb_browser *w, const char *name);
/* A cmocka teardown for a browser test: stops the browser and the server
 * of the test that ui_browser_track named (a test that failed midway too). */
void ui_browser_track(ui_fixture *f, struct wb_browser *w);
int ui_browser_teardown(void **state);

#endif
