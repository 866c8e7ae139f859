/*
 * test_ui_sync.c - the Sync and Export pages of "maiam-agent ui" against a
 * real hub (tests/hub/hubtest.c): a laptop the CLI enrolled syncs from the
 * page, which shows the progress while the hub is held still (SIGSTOP)
 * and the result once it answers, and the hub holds the records; with the
 * hub stopped the result says no network and nothing is lost. Export
 * writes the file into a folder typed or onto a USB stick (a mounts file
 * the test writes stands for /proc/self/mounts), "maiam-hub import" takes
 * it, a download gives the same bytes, and a folder that is not there is
 * refused beside the field with the CLI's words. In headless Chromium
 * (when installed) screenshots of both pages are kept at 1366 and 390 px
 * as build/tests/ui/ui-sync-1366.png, ui-export-390.png...
 */
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <sqlite3.h>
#include "browser.h"
#include "hubtest.h"
#include "testmain.h"
#include "uitest.h"
#include "webtest.h"

static ui_fixture fx;
static ht_hub hub;
static wb_browser w;
static wt_resp resp; /* large: not on the stack */
static char csrf[128];

static int setup(void **state)
{
	(void)state;
	memset(&hub, 0, sizeof(hub));
	/* a hub that is down is said after one try, not after the backoffs */
	setenv("MAIAM_NET_TRIES", "1", 1);
	setenv("MAIAM_NET_BACKOFF_MS", "100", 1);
	setenv("no_proxy", "127.0.0.1,localhost", 1);
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	ui_store_two_households(&fx);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	wb_stop(&w);
	memset(&w, 0, sizeof(w));
	ui_stop(&fx);
	if (hub.pid > 0) {
		kill(hub.pid, SIGCONT);
		ht_hub_stop(&hub, SIGTERM);
	}
	if (hub.dir[0])
		ht_hub_remove(&hub);
	memset(&hub, 0, sizeof(hub));
	unsetenv("MAIAM_MOUNTS");
	unsetenv("MAIAM_MEDIA_DIR");
	return 0;
}

/* A hub of its own and the laptop enrolled with it, as the operator and
 * the field worker do it with the CLI. */
static void enrolled_with_a_hub(void)
{
	char token[128], cmd[1024];

	assert_int_equal(ht_hub_init(&hub), 0);
	assert_int_equal(ht_hub_start(&hub, NULL), 0);
	assert_int_equal(ht_token(&hub, "--commune", 31498, NULL, token), 0);
	snprintf(cmd, sizeof(cmd), "enroll --hub https://127.0.0.1:%d --ca '%s/hub/ca.pem' --token '%s'",
		 hub.port, hub.dir, token);
	ui_agent(&fx, cmd);
}

static void get(const char *path)
{
	char url[256];
	wt_req q = { .cookie = fx.cookie };

	snprintf(url, sizeof(url), "%s%s", fx.base, path);
	assert_int_equal(wt_fetch(url, &q, &resp), 0);
}

/* POST form (without the csrf: the last page's is added) to path. */
static void post(const char *path, const char *form)
{
	char url[256], body[4096];
	wt_req q = { .cookie = fx.cookie, .post = body };

	snprintf(url, sizeof(url), "%s%s", fx.base, path);
	snprintf(body, sizeof(body), "csrf=%s%s%s", csrf, *form ? "&" : "", form);
	assert_int_equal(wt_fetch(url, &q, &resp), 0);
}

/* GET /sync until the page holds want: the page is asked again as the
 * browser's refresh asks it, and the end is the sync's, not a clock's. */
static void sync_page_until(const char *want)
{
	struct timespec pause = { 0, 50 * 1000 * 1000 };

	for (int i = 0; i < WB_DEADLINE_S * 20; i++) {
		get("sync");
		assert_int_equal(resp.status, 200);
		if (strstr(resp.body, want))
			return;
		nanosleep(&pause, NULL);
	}
	fail_msg("/sync never showed '%s'; it last showed:\n%s", want, resp.body);
}

static void must_show(const char *what)
{
	if (!strstr(resp.body, what))
		fail_msg("the page lacks '%s':\n%s", what, resp.body);
}

/* One value of the laptop's store. */
static long long agent_sql(const char *sql)
{
	char path[1024];
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v;

	snprintf(path, sizeof(path), "%s/home/agent.db", fx.dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Headless Chromium on path with this session's cookie (the URL's secret
 * is spent), when installed; 0 when it is not. */
static int browser_on(const char *path)
{
	char json[512], url[256];
	const char *token = strchr(fx.cookie, '=') + 1;

	if (!wb_available())
		return 0;
	if (!w.driver) { /* started once per test */
		wb_start(&w, fx.dir);
		wb_go(&w, fx.base); /* the cookie needs a page of the site */
		snprintf(json, sizeof(json),
			 "{\"cookie\":{\"name\":\"maiam_ui\",\"value\":\"%s\",\"path\":\"/\"}}", token);
		assert_int_equal(wb_call(&w, "POST", "cookie", json), 200);
	}
	snprintf(url, sizeof(url), "%s%s", fx.base, path);
	wb_go(&w, url);
	return 1;
}

/* Screenshots of the page at a laptop's and a phone's width, as
 * build/tests/ui/NAME-1366.png and NAME-390.png; nothing wider than 390. */
static void shots(const char *name)
{
	static const int size[][2] = { { 1366, 768 }, { 390, 844 } };
	char path[1024];

	for (size_t i = 0; i < sizeof(size) / sizeof(size[0]); i++) {
		snprintf(path, sizeof(path), "%s/tests/ui/%s-%d.png", MAIAM_BUILD_DIR, name, size[i][0]);
		wb_screenshot(&w, path, size[i][0], size[i][1]);
	}
	wb_wait_script(&w, "return document.documentElement.scrollWidth <= window.innerWidth", "true");
}

/* The server in English, and its session. */
static void ui_up(void)
{
	ui_start(&fx, "C");
	ui_session(&fx);
}

static void not_enrolled_says_how(void **state)
{
	(void)state;
	ui_up();
	get("sync");
	assert_int_equal(resp.status, 200);
	must_show("id=\"not-enrolled\"");
	must_show("maiam-agent enroll --hub URL --ca FILE --token TOKEN");
	must_show("href=\"/export\"");
	assert_null(strstr(resp.body, "id=\"save\""));
	get("export");
	ui_csrf_of(resp.body, csrf, sizeof(csrf));
	/* nothing to start: the page says the same */
	post("sync", "");
	assert_int_equal(resp.status, 303);
	get("sync");
	must_show("id=\"not-enrolled\"");
}

/* A photo (a real JPEG when bytes is 0) and its record on the first
 * household of the laptop, waiting for a sync. */
static void photo_recorded(int bytes, int seed)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "'%s' '%s/home' %d %d >/dev/null", MAIAM_PHOTO_RECORD, fx.dir, bytes,
		 seed);
	assert_int_equal(system(cmd), 0);
}

static void sync_from_the_page(void **state)
{
	char cmd[1200], progress[1024], line[512] = "";
	FILE *f;

	(void)state;
	enrolled_with_a_hub();
	photo_recorded(0, 1);
	ui_up();
	get("sync");
	must_show("id=\"last-sync\">Last sync: never");
	must_show("<button type=\"submit\" id=\"save\">Sync now</button>");
	ui_csrf_of(resp.body, csrf, sizeof(csrf));

	/* the hub holds still: the sync waits for its first answer */
	assert_int_equal(kill(hub.pid, SIGSTOP), 0);
	post("sync", "");
	assert_int_equal(resp.status, 303);
	assert_string_equal(resp.location, "/sync");
	sync_page_until("Sending records: 0 of 1 change-sets");
	must_show("<meta http-equiv=\"refresh\" content=\"2\">");
	must_show("id=\"sync-progress\"");
	/* a second "Sync now" shows the running one */
	post("sync", "");
	assert_int_equal(resp.status, 303);
	get("sync");
	must_show("id=\"sync-progress\"");
	/* the pages answer meanwhile */
	get("");
	assert_int_equal(resp.status, 200);
	if (browser_on("sync")) {
		wb_wait_for(&w, "Sending records: 0 of 1 change-sets", NULL);
		shots("ui-sync-progress");
	}

	assert_int_equal(kill(hub.pid, SIGCONT), 0);
	sync_page_until("id=\"sync-result\"");
	must_show("data-rc=\"0\"><h2>Sync done</h2>");
	must_show("id=\"sync-received\">Received: ");
	must_show("Sent: 1 change-sets");
	must_show("<li>Photos: 1 sent, 0 left for the next sync</li>");
	must_show("id=\"attention\"");
	assert_null(strstr(resp.body, "Last sync: never"));
	assert_null(strstr(resp.body, "http-equiv=\"refresh\""));
	assert_int_equal(ht_sql(&hub, "select count(*) from household"), 2);
	assert_int_equal(ht_sql(&hub, "select count(*) from milestone"), 1);
	assert_int_equal(agent_sql("select count(*) from sealed where acked_at is null"), 0);
	if (browser_on("sync")) {
		wb_wait_for(&w, "Sync done", NULL);
		shots("ui-sync");
	}
	/* what the page reads: the progress file's last line, the photos' step */
	photo_recorded(300000, 2);
	snprintf(progress, sizeof(progress), "%s/progress.json", fx.dir);
	snprintf(cmd, sizeof(cmd), "sync --progress-file '%s'", progress);
	ui_agent(&fx, cmd);
	f = fopen(progress, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	if (!strstr(line, "{\"step\":\"photos\",\"changesets_sent\":1,\"changesets\":1,") ||
	    !strstr(line, "\"photos\":1,") || !strstr(line, "\"photo_bytes\":300000,"))
		fail_msg("the progress file says: %s", line);

	/* the hub is gone: no network, and the new household waits on the laptop */
	assert_int_equal(ht_hub_stop(&hub, SIGTERM), 0);
	hub.pid = 0;
	ui_agent(&fx, "household add --name 'Võ Văn Tư' --hamlet 'Ấp 3' --members 3 --category poor");
	ui_csrf_of(resp.body, csrf, sizeof(csrf));
	post("sync", "");
	assert_int_equal(resp.status, 303);
	sync_page_until("id=\"sync-result\"");
	must_show("data-rc=\"3\"><h2>No network: nothing is lost</h2>");
	must_show("id=\"sync-messages\"");
	must_show("nothing is lost: run &#39;maiam-agent sync&#39; again later");
	must_show("Sync again</button>");
	assert_int_equal(agent_sql("select count(*) from sealed where acked_at is null"), 1);
	assert_int_equal(agent_sql("select count(*) from household"), 3);
}

/* The one file of dir whose name begins maiam-31498-: into path. */
static void exported_file(const char *dir, char *path, size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strncmp(e->d_name, "maiam-31498-", 12) == 0 &&
		    strcmp(e->d_name + strlen(e->d_name) - 6, ".maiam") == 0) {
			snprintf(path, n, "%s/%s", dir, e->d_name);
			found++;
		}
	closedir(d);
	assert_int_equal(found, 1);
}

static void export_to_a_folder_a_stick_and_a_download(void **state)
{
	char dir[1024], stick[1024], media[1024], mounts[1024], file[1200], form[2048];
	char *esc;
	FILE *f;
	struct stat st;
	CURL *c = curl_easy_init();

	(void)state;
	assert_non_null(c);
	enrolled_with_a_hub();
	snprintf(dir, sizeof(dir), "%s/out", fx.dir);
	snprintf(media, sizeof(media), "%s/media", fx.dir);
	snprintf(stick, sizeof(stick), "%s/media/ubnd/KINGSTON 8GB", fx.dir);
	snprintf(mounts, sizeof(mounts), "%s/mounts", fx.dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(mkdir(media, 0700), 0);
	snprintf(file, sizeof(file), "%s/ubnd", media);
	assert_int_equal(mkdir(file, 0700), 0);
	assert_int_equal(mkdir(stick, 0700), 0);
	f = fopen(mounts, "w");
	assert_non_null(f);
	fprintf(f,
		"/dev/sda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\n"
		"/dev/sdb1 %s/media/ubnd/KINGSTON\\0408GB vfat rw,nosuid 0 0\n",
		fx.dir);
	fclose(f);
	setenv("MAIAM_MOUNTS", mounts, 1);
	setenv("MAIAM_MEDIA_DIR", media, 1);
	ui_up();

	get("export");
	assert_int_equal(resp.status, 200);
	must_show("USB stick KINGSTON 8GB (");
	must_show("id=\"f-target-stick-1\"");
	must_show("<label for=\"f-folder\">");
	must_show("id=\"f-target-download\"");
	must_show("<button type=\"submit\" id=\"save\">Export</button>");
	ui_csrf_of(resp.body, csrf, sizeof(csrf));

	/* a folder that is not there: the CLI's words beside the field */
	esc = curl_easy_escape(c, dir, 0);
	snprintf(form, sizeof(form), "target=folder&folder=%s%%2Fnot-there", esc);
	post("export", form);
	assert_int_equal(resp.status, 422);
	must_show("aria-invalid=\"true\" aria-describedby=\"err-folder\"");
	must_show("<p class=\"error\" id=\"err-folder\" role=\"alert\">cannot write &#39;");
	must_show("the folder is not there");
	must_show("/out/not-there\"");
	/* a folder typed while the stick stays chosen: asked, nothing written */
	post("export", "target=download&folder=%2Ftmp");
	assert_int_equal(resp.status, 422);
	must_show("id=\"err-folder\" role=\"alert\">You typed a folder but chose another place");
	must_show("value=\"download\" checked>");
	/* a folder without its whole path */
	post("export", "target=folder&folder=out");
	assert_int_equal(resp.status, 422);
	must_show("id=\"err-folder\" role=\"alert\">Type the whole path");

	/* the folder: a file the hub imports */
	snprintf(form, sizeof(form), "target=folder&folder=%s", esc);
	curl_free(esc);
	post("export", form);
	assert_int_equal(resp.status, 200);
	must_show("id=\"export-result\"");
	must_show("1 change-sets and 0 photos are in ");
	must_show("Copy the file to a USB stick");
	exported_file(dir, file, sizeof(file));
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(ht_run(NULL, 0, "import --dir '%s/hub' '%s'", hub.dir, file), 0);
	assert_int_equal(ht_sql(&hub, "select count(*) from household"), 2);

	/* the download: the same bytes, as an attachment */
	post("export", "target=download");
	assert_int_equal(resp.status, 200);
	assert_string_equal(resp.content_type, "application/octet-stream");
	assert_int_equal(resp.len, (size_t)st.st_size);
	{
		char *want = malloc((size_t)st.st_size);

		f = fopen(file, "rb");
		assert_non_null(f);
		assert_int_equal(fread(want, 1, (size_t)st.st_size, f), (size_t)st.st_size);
		fclose(f);
		assert_memory_equal(resp.body, want, (size_t)st.st_size);
		free(want);
	}

	/* the stick: chosen by its path, the file written there */
	esc = curl_easy_escape(c, stick, 0);
	snprintf(form, sizeof(form), "target=%s", esc);
	curl_free(esc);
	post("export", form);
	assert_int_equal(resp.status, 200);
	must_show("Take the stick to the district.");
	exported_file(stick, file, sizeof(file));
	/* a stick that is not mounted is not written to */
	post("export", "target=%2Ftmp");
	assert_int_equal(resp.status, 422);
	must_show("id=\"err-form\" role=\"alert\">That USB stick is not plugged in");
	curl_easy_cleanup(c);

	if (browser_on("export")) {
		wb_wait_for(&w, "KINGSTON 8GB", NULL);
		wb_click(&w, "#f-target-folder");
		wb_type(&w, "#f-folder", dir);
		wb_click(&w, "#save");
		wb_wait_for(&w, "export-result", NULL);
		shots("ui-export");
	}
}

TEST_MAIN_WITH(ht_net_setup, ht_net_teardown,
	       cmocka_unit_test_setup_teardown(not_enrolled_says_how, setup, teardown),
	       cmocka_unit_test_setup_teardown(sync_from_the_page, setup, teardown),
	       cmocka_unit_test_setup_teardown(export_to_a_folder_a_stick_and_a_download, setup, teardown))
