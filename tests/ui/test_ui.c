/*
 * test_ui.c - "maiam-agent ui" from outside, as a browser and an attacker
 * see it: the real binary on a store the CLI made, spoken to with libcurl.
 * The URL's secret gives a session cookie and a redirect, once; without
 * the cookie no data; a Host that is not the loopback server's own name
 * is refused; a POST without the session's CSRF token is refused; the home
 * page shows the commune, the households by stage (one added by the CLI
 * while the server runs among them), in Vietnamese, and in English under
 * LANG=C; SIGTERM ends it cleanly.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "browser.h"
#include "testmain.h"
#include "uitest.h"
#include "webtest.h"

static ui_fixture fx;
static wt_resp resp; /* large: not on the stack */

static int setup(void **state)
{
	(void)state;
	ui_store_two_households(&fx);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ui_stop(&fx);
	return 0;
}

static void get_home(void)
{
	wt_req q = { .cookie = fx.cookie };

	assert_int_equal(wt_fetch(fx.base, &q, &resp), 0);
}

/* The count of households the home page shows for the stage labelled label. */
static void assert_stage_count(const char *label, int n)
{
	char want[256];

	snprintf(want, sizeof(want), "<th scope=\"row\">%s</th><td class=\"n\">%d</td>", label, n);
	if (!strstr(resp.body, want))
		fail_msg("the home page lacks '%s':\n%s", want, resp.body);
}

static void the_secret_opens_one_session_once(void **state)
{
	(void)state;
	ui_start(&fx, "vi_VN.UTF-8");
	/* before the secret: a page that says where the link is, and no data */
	assert_int_equal(wt_fetch(fx.base, NULL, &resp), 0);
	assert_int_equal(resp.status, 403);
	assert_non_null(strstr(resp.body, "maiam-agent ui"));
	assert_null(strstr(resp.body, "Phường 5"));
	ui_session(&fx);
	/* the secret works once: a copy of the URL opens nothing */
	assert_int_equal(wt_fetch(fx.url, NULL, &resp), 0);
	assert_int_equal(resp.status, 403);
	assert_string_equal(resp.cookie, "");
	assert_null(strstr(resp.body, "Phường 5"));
	/* a made-up session is no session */
	{
		wt_req q = {
			.cookie = "maiam_ui=0000000000000000000000000000000000000000000000000000000000000000"
		};
		assert_int_equal(wt_fetch(fx.base, &q, &resp), 0);
		assert_int_equal(resp.status, 403);
		assert_null(strstr(resp.body, "Phường 5"));
	}
	/* another path is no page, whatever its shape */
	{
		char url[128];
		wt_req q = { .cookie = fx.cookie };
		snprintf(url, sizeof(url), "%snope", fx.base);
		assert_int_equal(wt_fetch(url, &q, &resp), 0);
		assert_int_equal(resp.status, 404);
		snprintf(url, sizeof(url), "%s/nope", fx.base);
		assert_int_equal(wt_fetch(url, &q, &resp), 0);
		assert_int_equal(resp.status, 404);
	}
	/* the URL again in the session's own tab: back home, no new cookie */
	{
		wt_req q = { .cookie = fx.cookie };
		assert_int_equal(wt_fetch(fx.url, &q, &resp), 0);
		assert_int_equal(resp.status, 303);
		assert_string_equal(resp.location, "/");
		assert_string_equal(resp.cookie, "");
	}
	get_home();
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.cache_control, "no-store");
	assert_string_equal(resp.nosniff, "nosniff");
	assert_non_null(strstr(resp.csp, "default-src 'self'"));
	assert_non_null(strstr(resp.csp, "frame-ancestors 'none'"));
}

/* A Host other than 127.0.0.1:PORT or localhost:PORT: a page of another
 * site reaching us through a name it pointed here (DNS rebinding). */
static long get_with_host(const char *host)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char line[128];
	long status = 0;

	assert_non_null(c);
	snprintf(line, sizeof(line), "Host: %s", host);
	h = curl_slist_append(h, line);
	curl_easy_setopt(c, CURLOPT_URL, fx.base);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_COOKIE, fx.cookie);
	curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return status;
}

/* Host: NAME:PORT, NAME:PORTTAIL, NAME alone: 1 the server answers, 0 421. */
static int host_answered(const char *name, int port, const char *tail)
{
	char host[64];
	long status;

	if (port)
		snprintf(host, sizeof(host), "%s:%d%s", name, port, tail);
	else
		snprintf(host, sizeof(host), "%s", name);
	status = get_with_host(host);
	if (status != 200 && status != 421)
		fail_msg("Host: %s got %ld", host, status);
	return status == 200;
}

static void a_wrong_host_is_refused(void **state)
{
	(void)state;
	ui_start(&fx, "vi_VN.UTF-8");
	ui_session(&fx);
	assert_false(host_answered("evil.example", fx.port, ""));
	assert_false(host_answered("127.0.0.1", fx.port, ".evil.example"));
	assert_false(host_answered("localhost.evil.example", fx.port, ""));
	assert_false(host_answered("127.0.0.1", fx.port + 1, ""));
	assert_false(host_answered("127.0.0.1", 0, ""));
	assert_true(host_answered("LocalHost", fx.port, ""));
	assert_true(host_answered("127.0.0.1", fx.port, ""));
}

static void a_post_needs_the_csrf_token(void **state)
{
	char origin[64];

	(void)state;
	ui_start(&fx, "vi_VN.UTF-8");
	ui_session(&fx);
	snprintf(origin, sizeof(origin), "http://127.0.0.1:%d", fx.port);
	{
		wt_req q = { .cookie = fx.cookie, .origin = origin, .post = "name=x" };
		assert_int_equal(wt_fetch(fx.base, &q, &resp), 0);
		assert_int_equal(resp.status, 403);
	}
	{
		wt_req q = {
			.cookie = fx.cookie,
			.origin = origin,
			.post = "csrf=0000000000000000000000000000000000000000000000000000000000000000"
		};
		assert_int_equal(wt_fetch(fx.base, &q, &resp), 0);
		assert_int_equal(resp.status, 403);
	}
	{
		wt_req q = { .cookie = fx.cookie, .origin = "http://evil.example", .post = "name=x" };
		assert_int_equal(wt_fetch(fx.base, &q, &resp), 0);
		assert_int_equal(resp.status, 403);
	}
	{
		wt_req q = { .post = "name=x" }; /* no session at all */
		assert_int_equal(wt_fetch(fx.base, &q, &resp), 0);
		assert_int_equal(resp.status, 403);
	}
	/* nothing was written: the store still holds what the CLI recorded */
	get_home();
	assert_int_equal(resp.status, 200);
	assert_non_null(strstr(resp.body, "2 hộ"));
}

/* The words the home page shows in one language. */
typedef struct home_words {
	const char *lang, *html_lang, *heading, *surveyed, *no_stage, *attention, *never;
} home_words;

static const home_words vietnamese = { "vi_VN.UTF-8", "<html lang=\"vi\"", "Số hộ theo tiến độ",
				       "Khảo sát",    "chưa có tiến độ",   "Cần xử lý",
				       "chưa bao giờ" };
static const home_words english = { "C",        "<html lang=\"en\"", "Households by stage",
				    "surveyed", "no stage yet",      "Needs attention",
				    "never" };

/* The home page under w->lang: the commune, the two households by stage,
 * what needs attention, never synced. */
static void home_page_in(const home_words *w)
{
	ui_start(&fx, w->lang);
	ui_session(&fx);
	get_home();
	assert_int_equal(resp.status, 200);
	assert_non_null(strstr(resp.body, w->html_lang));
	assert_non_null(strstr(resp.body, "Phường 5"));
	assert_non_null(strstr(resp.body, w->heading));
	assert_stage_count(w->surveyed, 1);
	assert_stage_count(w->no_stage, 1);
	assert_non_null(strstr(resp.body, w->attention));
	assert_non_null(strstr(resp.body, w->never));
}

static void the_home_page_in_vietnamese(void **state)
{
	(void)state;
	home_page_in(&vietnamese);
	/* a household the CLI adds while the server runs shows on the next load */
	ui_agent(&fx, "household add --name 'Thạch Thị Sa' --hamlet 'Ấp 4' --members 3 --category poor");
	get_home();
	assert_stage_count("chưa có tiến độ", 2);
	assert_non_null(strstr(resp.body, "3 hộ"));
}

static void the_home_page_in_english_under_lang_c(void **state)
{
	(void)state;
	home_page_in(&english);
	assert_null(strstr(resp.body, vietnamese.surveyed));
}

static void sigterm_ends_it_cleanly(void **state)
{
	siginfo_t si;

	(void)state;
	ui_start(&fx, "C");
	ui_session(&fx);
	assert_int_equal(kill(fx.ui, SIGTERM), 0);
	memset(&si, 0, sizeof(si));
	assert_int_equal(waitid(P_PID, (id_t)fx.ui, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(si.si_code, CLD_EXITED);
	assert_int_equal(si.si_status, 0);
}

/* s with & < > " ' escaped as the page escapes text, into out. */
static void html_escaped(const char *s, char *out, size_t n)
{
	size_t o = 0;

	for (; *s && o + 7 < n; s++) {
		const char *e = *s == '&'    ? "&amp;"
				: *s == '<'  ? "&lt;"
				: *s == '>'  ? "&gt;"
				: *s == '"'  ? "&quot;"
				: *s == '\'' ? "&#39;"
					     : NULL;
		o += (size_t)snprintf(out + o, n - o, "%s", e ? e : (char[]){ *s, '\0' });
	}
	out[o] = '\0';
}

/* What needs attention is status's own list, word for word: a national id
 * the hub found elsewhere too (its feedback, put in the store as a pull
 * puts it), with a commune name that must be escaped. */
static void needs_attention_is_status_own_list(void **state)
{
	char cmd[2048], status[8192] = "", *item, *end, want[8192];
	FILE *p;
	size_t len;

	(void)state;
	ui_store_duplicate(&fx, "Xã <b>Khác</b> & \"co\"");
	snprintf(cmd, sizeof(cmd), "LANG=C LANGUAGE= '%s' status", MAIAM_AGENT_BIN);
	p = popen(cmd, "r");
	assert_non_null(p);
	len = fread(status, 1, sizeof(status) - 1, p);
	status[len] = '\0';
	assert_int_equal(pclose(p), 0);
	item = strstr(status, "  National id also elsewhere: ");
	if (!item)
		fail_msg("status lists no duplicate national id:\n%s", status);
	item += 2;
	end = strchr(item, '\n');
	assert_non_null(end);
	*end = '\0';
	html_escaped(item, want, sizeof(want));

	ui_start(&fx, "C");
	ui_session(&fx);
	get_home();
	assert_int_equal(resp.status, 200);
	if (!strstr(resp.body, want))
		fail_msg("the home page lacks status's item\n%s\n:\n%s", want, resp.body);
	assert_null(strstr(resp.body, "<b>Khác"));
	assert_null(strstr(resp.body, "nothing"));
}

/* Without --no-browser: xdg-open (a stand-in that tells the test what it
 * got, through a FIFO) is given a 0600 file that forwards to the URL, never
 * the URL itself, which any user could read in the process list; the file
 * goes when the server ends. */
static void the_browser_gets_a_private_file_not_the_url(void **state)
{
	char bin[1024], run[1024], fifo[1024], script[8192], path[2048], old_path[4096];
	char got[4096] = "";
	const char *p = getenv("PATH");
	siginfo_t si;
	FILE *f;
	size_t len;
	unsigned mode = 0;

	(void)state;
	snprintf(old_path, sizeof(old_path), "%s", p ? p : "/usr/bin:/bin");
	snprintf(bin, sizeof(bin), "%s/bin", fx.dir);
	snprintf(run, sizeof(run), "%s/run", fx.dir);
	snprintf(fifo, sizeof(fifo), "%s/xdg-open.fifo", fx.dir);
	assert_int_equal(mkdir(bin, 0700), 0);
	assert_int_equal(mkdir(run, 0700), 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	snprintf(path, sizeof(path), "%s/xdg-open", bin);
	snprintf(script, sizeof(script),
		 "#!/bin/sh\n{ echo \"$#\"; echo \"$1\"; stat -c %%a \"$1\"; cat \"$1\"; } > '%s'\n",
		 fifo);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(script, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0700), 0);
	snprintf(script, sizeof(script), "%s:%s", bin, old_path);
	setenv("PATH", script, 1);
	setenv("XDG_RUNTIME_DIR", run, 1);
	fx.open_browser = 1;
	ui_start(&fx, "C");
	setenv("PATH", old_path, 1);
	unsetenv("XDG_RUNTIME_DIR");

	f = fopen(fifo, "r"); /* blocks until the stand-in opens it */
	assert_non_null(f);
	len = fread(got, 1, sizeof(got) - 1, f);
	got[len] = '\0';
	fclose(f);
	/* one argument: a file of the runtime dir, mode 600, that holds the URL */
	if (sscanf(got, "1\n%2047s\n%o\n", path, &mode) != 2)
		fail_msg("xdg-open got: %s", got);
	assert_int_equal(strncmp(path, run, strlen(run)), 0);
	assert_null(strstr(path, "k="));
	assert_int_equal(mode, 0600);
	assert_non_null(strstr(got, fx.url));
	assert_non_null(strstr(got, "http-equiv=\"refresh\""));
	assert_int_equal(access(path, F_OK), 0);

	assert_int_equal(kill(fx.ui, SIGTERM), 0);
	memset(&si, 0, sizeof(si));
	assert_int_equal(waitid(P_PID, (id_t)fx.ui, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(si.si_status, 0);
	assert_int_equal(access(path, F_OK), -1);
}

TEST_MAIN(cmocka_unit_test_setup_teardown(the_secret_opens_one_session_once, setup, teardown),
	  cmocka_unit_test_setup_teardown(a_wrong_host_is_refused, setup, teardown),
	  cmocka_unit_test_setup_teardown(a_post_needs_the_csrf_token, setup, teardown),
	  cmocka_unit_test_setup_teardown(the_home_page_in_vietnamese, setup, teardown),
	  cmocka_unit_test_setup_teardown(the_home_page_in_english_under_lang_c, setup, teardown),
	  cmocka_unit_test_setup_teardown(sigterm_ends_it_cleanly, setup, teardown),
	  cmocka_unit_test_setup_teardown(needs_attention_is_status_own_list, setup, teardown),
	  cmocka_unit_test_setup_teardown(the_browser_gets_a_private_file_not_the_url, setup, teardown))
