/*
 * browser.h - a real browser for the tests of web pages: Debian's headless
 * Chromium driven through chromedriver's WebDriver HTTP API (libcurl), and
 * the processes a page test starts (a server, the driver) cleaned up on
 * every way out: wb_stop in the test's teardown and at exit, and, if the
 * test process dies without either (a crash, ctest's kill at its timeout),
 * a watchdog process that kills their process groups when its pipe from
 * the test closes.
 *
 * Waiting is on events: the page's ready state and its elements are polled
 * until a deadline generous enough for a loaded machine, never slept for.
 * The functions fail the running cmocka test (fail_msg) on an error.
 */
#ifndef MAIAM_BROWSER_H
#define MAIAM_BROWSER_H

#include <stddef.h>
#include <sys/types.h>

#define WB_CHROMIUM "/usr/bin/chromium"
#define WB_CHROMEDRIVER "/usr/bin/chromedriver"
/* How long a page may take on a busy machine before the test gives up. */
#define WB_DEADLINE_S 180

typedef struct wb_browser {
	pid_t driver; /* chromedriver, leader of its process group (Chromium in it) */
	int port;
	char session[128];
	char *buf; /* the last answer, NUL-terminated (WB_ANSWER_MAX) */
	size_t len;
	long status;
} wb_browser;

/* 1 when chromium and chromedriver are installed (scripts/deps). */
int wb_available(void);

/* Start argv[0] in a process group of its own, stdout to out_fd (or to the
 * file log when out_fd < 0), stderr appended to log; the watchdog knows it.
 * Its pid (= its process group). */
pid_t wb_spawn(char *const argv[], int out_fd, const char *log);
/* SIGTERM to the process group, then SIGKILL after a grace, and reap it;
 * pid <= 0 is a no-op. The watchdog forgets it. */
void wb_kill(pid_t pid);

/* chromedriver on a free port (log in dir/chromedriver.log), then a headless
 * Chromium session with its profile in dir/profile and page-load and
 * script timeouts of WB_DEADLINE_S. */
void wb_start(wb_browser *b, const char *dir);
/* End the session and kill chromedriver and its Chromium. Safe to call
 * twice and on a browser that never started (zeroed). */
void wb_stop(wb_browser *b);

/* One WebDriver call on the session ("" for path + session-less paths start
 * with '/'): method, path under /session/ID, JSON body or NULL. The HTTP
 * status; the answer is in b->buf. */
long wb_call(wb_browser *b, const char *method, const char *path, const char *json);
/* Open url and wait until the document is complete. */
void wb_go(wb_browser *b, const char *url);
/* The page's HTML into b->buf. */
void wb_source(wb_browser *b);
/* Clear the element css and type text; click the element css. */
void wb_type(wb_browser *b, const char *css, const char *text);
void wb_click(wb_browser *b, const char *css);
/* Poll until the complete page shows a (or b, if not NULL), up to
 * WB_DEADLINE_S; the page's HTML is then in b->buf. Fails the test with
 * the page it last saw. */
void wb_wait_for(wb_browser *b, const char *a, const char *alt);
/* Poll until the script (a function body: "return ...") returns the value
 * whose JSON text is want ("3", "true", "\"image/jpeg\""), up to
 * WB_DEADLINE_S; fails the test with the last value it got. */
void wb_wait_script(wb_browser *b, const char *script, const char *want);
/* The window at width x height, its screenshot saved as PNG at path. */
void wb_screenshot(wb_browser *b, const char *path, int width, int height);

#endif
