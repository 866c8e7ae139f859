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

/* "maiam-agent ARGS" on that home (a shell-quoted string), its whole
 * standard output, malloc'd (the caller frees it); it must exit 0. */
char *ui_agent_output(ui_fixture *f, const char *args);
/* The CSRF token of the first form of a page (html) into out, which holds
 * at least 65 bytes; fails the test naming page when there is none. */
void ui_csrf_of(const char *html, const char *page, char *out, size_t n);

#endif
