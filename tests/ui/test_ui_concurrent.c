/*
 * test_ui_concurrent.c - the app and the CLI write to one store at the
 * same time and lose nothing: 100 households through the app's form
 * (POST /household/new, libcurl) while a child process runs 100
 * "maiam-agent household add" on the same home; then "household list"
 * has all 200, each once, with distinct refs, and "check" passes. And a
 * form the door or the command refuses writes nothing: without the
 * session, with a wrong Host, without or with a wrong CSRF token, from
 * another Origin, with a bad value, and a photo sent to the milestone
 * form (multipart/form-data) without the token or from another Origin;
 * the households, the outbox ("status --json") and the kept photos stay
 * as they were (and the same photo with the token is taken).
 *
 * Both need the app's "add a household" page: while GET /household/new
 * answers 404, they fail saying the route is missing (not skipped).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include "browser.h"
#include "photo_gen.h"
#include "testmain.h"
#include "uitest.h"
#include "webtest.h"

#define EACH 100 /* households written by each side */

static ui_fixture fx;
static wt_resp resp; /* large: not on the stack */
static char origin[64];
static char csrf[128];

static int setup(void **state)
{
	(void)state;
	ui_store_new(&fx);
	ui_start(&fx, "C");
	ui_session(&fx);
	snprintf(origin, sizeof(origin), "http://127.0.0.1:%d", fx.port);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ui_stop(&fx);
	return 0;
}

/* GET /household/new in the session: the form, and its CSRF token. */
static void open_the_form(void)
{
	char url[128];
	wt_req q = { .cookie = fx.cookie };

	snprintf(url, sizeof(url), "%shousehold/new", fx.base);
	assert_int_equal(wt_fetch(url, &q, &resp), 0);
	if (resp.status == 404)
		fail_msg("the app has no 'add a household' page: GET /household/new answered 404; "
			 "this test writes through its form (POST /household/new, 303 when saved)");
	if (resp.status != 200)
		fail_msg("GET /household/new answered %ld, not the form: %.2000s", resp.status, resp.body);
	ui_csrf_of(resp.body, csrf, sizeof(csrf));
}

/* A household form's body: name, hamlet, members, category; the CSRF
 * token when with_csrf, and extra (a "&field=value" tail) when not NULL. */
static void form_body(char *out, size_t n, const char *name, int with_csrf, const char *extra)
{
	CURL *c = curl_easy_init();
	char *esc_name = curl_easy_escape(c, name, 0), *esc_hamlet = curl_easy_escape(c, "Ấp 1", 0);

	assert_non_null(esc_name);
	assert_non_null(esc_hamlet);
	snprintf(out, n, "%s%s%sname=%s&hamlet=%s&members=4&category=poor%s", with_csrf ? "csrf=" : "",
		 with_csrf ? csrf : "", with_csrf ? "&" : "", esc_name, esc_hamlet, extra ? extra : "");
	curl_free(esc_name);
	curl_free(esc_hamlet);
	curl_easy_cleanup(c);
}

/* POST the household named name through the form: it must be saved (303
 * to its page). */
static void add_through_the_app(const char *name)
{
	char url[128], body[1024];
	wt_req q = { .cookie = fx.cookie, .origin = origin, .post = body };

	snprintf(url, sizeof(url), "%shousehold/new", fx.base);
	form_body(body, sizeof(body), name, 1, NULL);
	assert_int_equal(wt_fetch(url, &q, &resp), 0);
	if (resp.status != 303 || strncmp(resp.location, "/household/", strlen("/household/")) != 0)
		fail_msg("POST /household/new of '%s' answered %ld (Location '%s'), not 303 to the "
			 "household's page: %.2000s",
			 name, resp.status, resp.location, resp.body);
}

/* A child process that adds EACH households with the CLI, one command
 * each, on the same home, and says so on *progress (a line after each, so
 * the app's writes can be paced by the CLI's: each of the app's households
 * is written while the CLI's next command runs). Its pid. */
static pid_t cli_adds_in_the_background(FILE **progress)
{
	static const char script[] = "i=0; while [ $i -lt $1 ]; do"
				     " \"$0\" household add --name \"Nguyễn Văn CLI $i\" --hamlet 'Ấp 2'"
				     " --members 2 --category near_poor >/dev/null || exit 1;"
				     " echo \"$i\" >&3; i=$((i + 1)); done";
	char each[16];
	int p[2];
	pid_t pid;

	snprintf(each, sizeof(each), "%d", EACH);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		if (dup2(p[1], 3) == 3) {
			execl("/bin/sh", "sh", "-c", script, MAIAM_AGENT_BIN, each, (char *)NULL);
		}
		_exit(127);
	}
	close(p[1]);
	*progress = fdopen(p[0], "r");
	assert_non_null(*progress);
	return pid;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The households the store lists: n in all, each name of the app's and
 * of the CLI's once, no ref twice. */
static void assert_all_listed(size_t n)
{
	char *out = ui_agent_output(&fx, "household list --json"), name[64];
	json_error_t err;
	json_t *list = json_loads(out, 0, &err), *h;
	const char **refs;
	size_t i, j;

	if (!json_is_array(list))
		fail_msg("household list --json is no JSON list (%s): %.2000s", err.text, out);
	if (json_array_size(list) != n)
		fail_msg("household list has %zu households, want %zu: some writes were lost",
			 json_array_size(list), n);
	refs = calloc(n, sizeof(*refs));
	assert_non_null(refs);
	json_array_foreach(list, i, h)
	{
		refs[i] = json_string_value(json_object_get(h, "ref"));
		assert_non_null(refs[i]);
	}
	qsort(refs, n, sizeof(*refs), compare_strings);
	for (i = 1; i < n; i++)
		if (strcmp(refs[i - 1], refs[i]) == 0)
			fail_msg("two households have the ref %s", refs[i]);
	for (j = 0; j < 2 * EACH; j++) {
		int found = 0;
		snprintf(name, sizeof(name), "Nguyễn Văn %s %zu", j < EACH ? "UI" : "CLI", j % EACH);
		json_array_foreach(list, i, h)
			found += strcmp(json_string_value(json_object_get(h, "name")), name) == 0;
		if (found != 1)
			fail_msg("'%s' is listed %d times, want once", name, found);
	}
	free(refs);
	json_decref(list);
	free(out);
}

static void the_app_and_the_cli_at_once_lose_nothing(void **state)
{
	char name[64], line[32];
	FILE *progress;
	pid_t cli;
	int st, i;

	(void)state;
	open_the_form();
	cli = cli_adds_in_the_background(&progress);
	for (i = 0; i < EACH; i++) {
		if (!fgets(line, sizeof(line), progress))
			fail_msg("the CLI stopped after %d households beside the app", i);
		snprintf(name, sizeof(name), "Nguyễn Văn UI %d", i);
		add_through_the_app(name);
	}
	fclose(progress);
	assert_int_equal(waitpid(cli, &st, 0), cli);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("one of the CLI's 'household add' failed beside the app (status %d)", st);
	assert_all_listed(2 * EACH);
	free(ui_agent_output(&fx, "check"));
}

/* Send c (its body set) to path of the app with the session's cookie,
 * Origin from_origin and, when host is not NULL, that Host; the answer's
 * body into resp.body. The HTTP status; c is cleaned up. */
static long send_to(CURL *c, const char *path, const char *from_origin, const char *host)
{
	struct curl_slist *h = NULL;
	char line[128], url[128];
	long status = 0;
	wt_sink sink = { resp.body, 0, sizeof(resp.body) };

	if (host) {
		snprintf(line, sizeof(line), "Host: %s", host);
		h = curl_slist_append(h, line);
	}
	snprintf(line, sizeof(line), "Origin: %s", from_origin);
	h = curl_slist_append(h, line);
	snprintf(url, sizeof(url), "%s%s", fx.base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_COOKIE, fx.cookie);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, wt_sink_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return status;
}

/* A POST to /household/new with Host host (the session's cookie and CSRF
 * token, our Origin): the HTTP status. */
static long post_with_host(const char *host, const char *body)
{
	CURL *c = curl_easy_init();

	assert_non_null(c);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	return send_to(c, "household/new", origin, host);
}

/* POST body to /household/new as q says: it must be refused with want. */
static void refused(const char *why, wt_req *q, const char *body, long want)
{
	char url[128];

	snprintf(url, sizeof(url), "%shousehold/new", fx.base);
	q->post = body;
	assert_int_equal(wt_fetch(url, q, &resp), 0);
	if (resp.status != want)
		fail_msg("a form %s answered %ld, want %ld: %.2000s", why, resp.status, want, resp.body);
}

/* The files under the agent's home/photos (its kept photos), counted. */
static int kept_photos(void)
{
	char cmd[1100], out[64] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "find '%s/home/photos' -type f 2>/dev/null | wc -l", fx.dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (!fgets(out, sizeof(out), p))
		out[0] = '\0';
	pclose(p);
	return atoi(out);
}

/* A phone's photo of household ref sent to the milestone form as
 * multipart/form-data (hh, stage, date, photo), with the session's cookie,
 * from Origin from_origin, with the CSRF token when with_csrf: the HTTP
 * status. */
static long post_photo(const char *ref, int with_csrf, const char *from_origin)
{
	CURL *c = curl_easy_init();
	curl_mime *form = curl_mime_init(c);
	curl_mimepart *part;
	const char *const fields[][2] = { { "hh", ref }, { "stage", "surveyed" }, { "date", "2023-06-05" } };
	size_t i, len;
	uint8_t *jpeg = photo_gen_jpeg(800, 600, 3, 90, NULL, &len);
	long status;

	assert_non_null(jpeg);
	if (with_csrf) {
		part = curl_mime_addpart(form);
		curl_mime_name(part, "csrf");
		curl_mime_data(part, csrf, CURL_ZERO_TERMINATED);
	}
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		part = curl_mime_addpart(form);
		curl_mime_name(part, fields[i][0]);
		curl_mime_data(part, fields[i][1], CURL_ZERO_TERMINATED);
	}
	part = curl_mime_addpart(form);
	curl_mime_name(part, "photo");
	curl_mime_filename(part, "IMG_0001.jpg");
	curl_mime_type(part, "image/jpeg");
	curl_mime_data(part, (const char *)jpeg, len);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, form);
	status = send_to(c, "milestone/new", from_origin, NULL);
	curl_mime_free(form);
	free(jpeg);
	return status;
}

static void a_refused_form_writes_nothing(void **state)
{
	char body[1024], ref[64], *status_before, *status_after, *list_before, *list_after;
	int photos_before;

	(void)state;
	ui_agent_ref(&fx, "household add --name 'Lâm Thị Hoa' --hamlet 'Ấp 3' --members 4 --category poor",
		     ref, sizeof(ref));
	open_the_form();
	status_before = ui_agent_output(&fx, "status --json");
	list_before = ui_agent_output(&fx, "household list --json");
	photos_before = kept_photos();

	form_body(body, sizeof(body), "Nguyễn Văn Mới", 1, NULL);
	{
		wt_req q = { .origin = origin };
		refused("without the session", &q, body, 403);
	}
	{
		wt_req q = { .cookie = fx.cookie, .origin = "http://evil.example" };
		refused("from another Origin", &q, body, 403);
	}
	if (post_with_host("evil.example", body) != 421)
		fail_msg("a form with Host evil.example was not refused with 421: %.2000s", resp.body);
	{
		char port_host[64];
		snprintf(port_host, sizeof(port_host), "127.0.0.1:%d.evil.example", fx.port);
		if (post_with_host(port_host, body) != 421)
			fail_msg("a form with Host %s was not refused with 421", port_host);
	}
	form_body(body, sizeof(body), "Nguyễn Văn Mới", 0, NULL);
	{
		wt_req q = { .cookie = fx.cookie, .origin = origin };
		refused("without the CSRF token", &q, body, 403);
	}
	{
		char forged[1200];
		wt_req q = { .cookie = fx.cookie, .origin = origin };
		snprintf(forged, sizeof(forged),
			 "csrf=0000000000000000000000000000000000000000000000000000000000000000&%s", body);
		refused("with a made-up CSRF token", &q, forged, 403);
	}
	/* a bad value: the same form again, the error beside its field */
	form_body(body, sizeof(body), "Nguyễn Văn Mới", 1, "&national-id=123");
	{
		char url[128];
		wt_req q = { .cookie = fx.cookie, .origin = origin, .post = body };
		snprintf(url, sizeof(url), "%shousehold/new", fx.base);
		assert_int_equal(wt_fetch(url, &q, &resp), 0);
		if (resp.status != 200 && resp.status != 422)
			fail_msg("a form with a 3-digit national id answered %ld, want the form again "
				 "(200 or 422): %.2000s",
				 resp.status, resp.body);
		if (!strstr(resp.body, "id=\"err-national-id\""))
			fail_msg("the refused form shows no error at the national id (#err-national-id): "
				 "%.3000s",
				 resp.body);
		if (!strstr(resp.body, "Nguyễn Văn Mới"))
			fail_msg("the refused form lost the name typed: %.3000s", resp.body);
	}

	/* a photo upload (multipart) without the token or from another Origin */
	if (post_photo(ref, 0, origin) != 403)
		fail_msg("a photo sent without the CSRF token was not refused with 403: %.2000s",
			 resp.body);
	if (post_photo(ref, 1, "http://evil.example") != 403)
		fail_msg("a photo sent from another Origin was not refused with 403: %.2000s", resp.body);

	status_after = ui_agent_output(&fx, "status --json");
	list_after = ui_agent_output(&fx, "household list --json");
	if (kept_photos() != photos_before)
		fail_msg("a refused upload left a photo in the agent's home");
	if (strcmp(list_before, list_after) != 0)
		fail_msg("a refused form changed the households:\nbefore %s\nafter %s", list_before,
			 list_after);
	if (strcmp(status_before, status_after) != 0)
		fail_msg("a refused form changed the outbox:\nbefore %s\nafter %s", status_before,
			 status_after);
	free(status_before);
	free(status_after);
	free(list_before);
	free(list_after);
	/* the same upload with the token is taken: the refusals were the token's */
	if (post_photo(ref, 1, origin) != 303)
		fail_msg("the photo sent with the CSRF token was not saved (303): %.2000s", resp.body);
	if (kept_photos() != photos_before + 1)
		fail_msg("the saved milestone's photo is not kept in the agent's home");
}

TEST_MAIN(cmocka_unit_test_setup_teardown(the_app_and_the_cli_at_once_lose_nothing, setup, teardown),
	  cmocka_unit_test_setup_teardown(a_refused_form_writes_nothing, setup, teardown))
