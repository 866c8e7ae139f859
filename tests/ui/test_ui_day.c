/*
 * test_ui_day.c - a field worker's day in the app, in headless Chromium,
 * against a real hub (maiam-hub serve over HTTPS, the laptop enrolled
 * with a one-time token and the hub's CA, as 'maiam-agent enroll' does):
 * open the URL "maiam-agent ui" printed; add a household with a bad
 * national id (the error at its field, what was typed kept), fix it and
 * save; on its page record "surveyed" with a photo; find it under
 * Households by typing "nguyen" without diacritics; record a contribution
 * and void it with a reason; sync; the province approves the household at
 * the hub; a second sync brings the approval back to the household page.
 * Every step is checked in the page and against the CLI or the hub.
 * Screenshots of the main pages at 1366x768 and 390 px are kept as
 * build/tests/ui/day-PAGE-1366.png and -390.png (day-nojs-... for the
 * second run).
 *
 * The same day runs again with JavaScript switched off in the browser
 * (DevTools' Emulation.setScriptExecutionDisabled, checked on a page of
 * our own): every form must work without it. WebDriver's own scripts
 * still run then; the test uses them only to read the page and to set a
 * date input, whose typing differs with the browser's locale.
 *
 * A step whose page is missing fails saying which step and what it
 * expected. Skipped (77) without chromium and chromedriver.
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
#include <jansson.h>
#include "browser.h"
#include "photo_gen.h"
#include "uitest.h"

#define ELEMENT_KEY "element-6066-11e4-a52e-4f735466cecf"
#define NAME "Nguyễn Thị Lan"
#define OTHER "Trần Văn Bé" /* a household "nguyen" must not find */
#define GOOD_ID "094078001111"
#define REASON "ghi nhầm số tiền"

/* The hub the laptop syncs with: maiam-hub serve in dir. */
typedef struct day_hub {
	char dir[1024];
	pid_t pid;
	FILE *out;
	char url[128];
} day_hub;

static ui_fixture fx;
static wb_browser w;
static day_hub hub;
static int scripts_on = 1;    /* the page's own JavaScript runs */
static const char *step = ""; /* the step of the day that runs */
static char photo_path[1024];

/* Fail the test naming the day's step. */
static void day_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void day_fail(const char *fmt, ...)
{
	char what[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fail_msg("field day%s, step '%s': %s", scripts_on ? "" : " without JavaScript", step, what);
}

/* The next step: named in the output, so that a failure of the browser
 * helpers (which do not know the step) reads under it. */
static void begin(const char *name)
{
	step = name;
	print_message("field day%s: %s\n", scripts_on ? "" : " without JavaScript", name);
}

/* ---- the hub ------------------------------------------------------------- */

/* "maiam-hub ARGS --dir HUB" (ARGS shell-quoted): its exit code, its
 * standard output into out. */
static int hub_run(char *out, size_t n, const char *args)
{
	char cmd[4096];
	FILE *p;
	size_t len;

	snprintf(cmd, sizeof(cmd), "'%s' %s --dir '%s'", MAIAM_HUB_BIN, args, hub.dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	len = fread(out, 1, n - 1, p);
	out[len] = '\0';
	return pclose(p);
}

/* A hub of its own (its CA, a certificate for 127.0.0.1) serving on a free
 * port, and the laptop enrolled with it by a token of commune 31498. */
static void hub_up_and_enrol(void)
{
	char log[1100], line[512], out[4096], args[2048], *tok;
	char *argv[] = { (char *)MAIAM_HUB_BIN,
			 (char *)"serve",
			 (char *)"--dir",
			 hub.dir,
			 (char *)"--listen",
			 (char *)"127.0.0.1:0",
			 NULL };
	int pipefd[2], port = 0;

	snprintf(hub.dir, sizeof(hub.dir), "%s/hub", fx.dir);
	if (hub_run(out, sizeof(out), "init") != 0)
		day_fail("maiam-hub init failed: %s", out);
	assert_int_equal(pipe(pipefd), 0);
	snprintf(log, sizeof(log), "%s/hub.log", fx.dir);
	hub.pid = wb_spawn(argv, pipefd[1], log);
	close(pipefd[1]);
	hub.out = fdopen(pipefd[0], "r");
	assert_non_null(hub.out);
	while (!port && fgets(line, sizeof(line), hub.out))
		if (sscanf(line, "listening on https://127.0.0.1:%d", &port) != 1)
			port = 0;
	if (!port)
		day_fail("maiam-hub serve did not say where it listens: see %s", log);
	snprintf(hub.url, sizeof(hub.url), "https://127.0.0.1:%d", port);
	if (hub_run(out, sizeof(out), "agent add --commune 31498 --json") != 0 ||
	    !(tok = strstr(out, "\"token\": \"")))
		day_fail("maiam-hub agent add gave no token: %s", out);
	tok += strlen("\"token\": \"");
	tok[strcspn(tok, "\"")] = '\0';
	snprintf(args, sizeof(args), "enroll --hub '%s' --ca '%s/ca.pem' --token '%s'", hub.url, hub.dir,
		 tok);
	ui_agent(&fx, args);
}

/* ---- the browser --------------------------------------------------------- */

/* The value a script (a function body) returns, as a string: its text
 * when it is one, else its JSON. */
static void script_value(const char *script, char *out, size_t n)
{
	json_t *body = json_pack("{s:s, s:[]}", "script", script, "args"), *root, *v;
	char *json = body ? json_dumps(body, JSON_COMPACT) : NULL, *text;

	assert_non_null(json);
	json_decref(body);
	if (wb_call(&w, "POST", "execute/sync", json) != 200)
		day_fail("the script '%s' failed: %.1000s", script, w.buf);
	free(json);
	root = json_loads(w.buf, 0, NULL);
	v = root ? json_object_get(root, "value") : NULL;
	if (json_is_string(v)) {
		snprintf(out, n, "%s", json_string_value(v));
	} else {
		text = v ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
		snprintf(out, n, "%s", text ? text : "");
		free(text);
	}
	json_decref(root);
}

/* Screenshots of the page as it is, at a laptop's and a phone's width;
 * the window goes back to the laptop's size for the next steps. */
static void shots(const char *page)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/tests/ui/day-%s%s-1366.png", MAIAM_BUILD_DIR,
		 scripts_on ? "" : "nojs-", page);
	wb_screenshot(&w, path, 1366, 768);
	snprintf(path, sizeof(path), "%s/tests/ui/day-%s%s-390.png", MAIAM_BUILD_DIR,
		 scripts_on ? "" : "nojs-", page);
	wb_screenshot(&w, path, 390, 844);
	/* nothing is wider than the phone's window */
	wb_wait_script(&w, "return document.documentElement.scrollWidth <= window.innerWidth", "true");
	assert_int_equal(wb_call(&w, "POST", "window/rect", "{\"width\":1366,\"height\":768}"), 200);
}

/* The current page is not the app's "no such page" (else fail saying
 * which page the step expected), and it speaks Vietnamese: its heading
 * has a letter of Vietnamese's own (every heading of the app's has one:
 * "Thêm hộ", "Đồng bộ"...; an English one has none). */
static void page_exists(const char *what)
{
	char path[512], heading[512];
	const unsigned char *c;

	script_value("return location.pathname + location.search", path, sizeof(path));
	wb_source(&w);
	if (strstr(w.buf, "Không có trang này") || strstr(w.buf, "No such page"))
		day_fail("%s is missing: %s answered 'no such page' (404)", what, path);
	script_value("const h = document.querySelector('h1'); return h ? h.textContent : ''", heading,
		     sizeof(heading));
	for (c = (const unsigned char *)heading; *c && *c < 0x80; c++)
		;
	if (!*c)
		day_fail("%s is not in Vietnamese: its heading is '%s'", what, heading);
}

/* Wait until the browser is at path (location.pathname). */
static void wait_path(const char *path)
{
	char want[512];

	snprintf(want, sizeof(want), "\"%s\"", path);
	wb_wait_script(&w, "return location.pathname", want);
}

/* Click css, which leaves the page (a link, a form's button), and wait
 * for the next page: the one left is marked first, so that no check that
 * follows can pass on it while the browser is still on its way. */
static void leave_by(const char *css)
{
	char done[16];

	script_value("document.documentElement.dataset.left = 'yes'; return 'marked'", done, sizeof(done));
	wb_click(&w, css);
	wb_wait_script(&w,
		       "return document.readyState !== 'loading' && !document.documentElement.dataset.left",
		       "true");
}

/* A link of the page's menu (nav a[href=PATH]), followed. */
static void menu(const char *path, const char *what)
{
	char css[256];

	snprintf(css, sizeof(css), "nav a[href='%s']", path);
	leave_by(css);
	wait_path(path);
	page_exists(what);
}

/* The form field named field (#f-FIELD) given value as a person would: a
 * pick-list's option chosen, a box typed into. */
static void fill(const char *field, const char *value)
{
	char script[256], tag[64], css[256];

	snprintf(script, sizeof(script),
		 "const e = document.getElementById('f-%s'); return e ? e.tagName : 'none'", field);
	script_value(script, tag, sizeof(tag));
	if (strcmp(tag, "none") == 0)
		day_fail("the form has no field #f-%s (to give it '%s')", field, value);
	if (strcmp(tag, "SELECT") == 0) {
		snprintf(css, sizeof(css), "#f-%s option[value='%s']", field, value);
		wb_click(&w, css);
	} else {
		snprintf(css, sizeof(css), "#f-%s", field);
		wb_type(&w, css, value);
	}
}

/* A date input set to day (YYYY-MM-DD): typed dates follow the browser's
 * locale, so WebDriver's script sets it, as the picker would. */
static void fill_date(const char *field, const char *day)
{
	char script[256], got[64];

	snprintf(script, sizeof(script),
		 "const e = document.getElementById('f-%s'); if (!e) return 'none';"
		 " e.value = '%s'; return e.value",
		 field, day);
	script_value(script, got, sizeof(got));
	if (strcmp(got, day) != 0)
		day_fail("the form's #f-%s did not take the date %s (%s)", field, day, got);
}

/* The file input css given the file at path (WebDriver types a path into
 * a file input; clearing one first is not allowed). */
static void choose_file(const char *css, const char *path)
{
	char json[2048], id[128];
	json_t *root;
	const char *s;

	snprintf(json, sizeof(json), "{\"using\":\"css selector\",\"value\":\"%s\"}", css);
	if (wb_call(&w, "POST", "element", json) != 200)
		day_fail("the form has no file input '%s': %.1000s", css, w.buf);
	root = json_loads(w.buf, 0, NULL);
	s = json_string_value(json_object_get(json_object_get(root, "value"), ELEMENT_KEY));
	assert_non_null(s);
	snprintf(id, sizeof(id), "element/%s/value", s);
	json_decref(root);
	snprintf(json, sizeof(json), "{\"text\":\"%s\"}", path);
	if (wb_call(&w, "POST", id, json) != 200)
		day_fail("the photo %s could not be chosen in '%s': %.1000s", path, css, w.buf);
}

/* The page's scripts off for the rest of the session, and proof of it: a
 * page whose script would change its text keeps it. */
static void scripts_off(void)
{
	const char *cmd = "{\"cmd\":\"Emulation.setScriptExecutionDisabled\",\"params\":{\"value\":true}}";

	if (wb_call(&w, "POST", "goog/cdp/execute", cmd) != 200)
		fail_msg("cannot switch JavaScript off: %.1000s", w.buf);
	wb_go(&w, "data:text/html,<p id=p>off</p><script>p.textContent='on'</script>");
	wb_wait_script(&w, "return document.getElementById('p').textContent", "\"off\"");
}

/* ---- what the CLI and the hub say ---------------------------------------- */

/* The member key of the laptop's household ref (household list --json),
 * as a string ("" for null). */
static void household_member(const char *ref, const char *key, char *out, size_t n)
{
	char *list = ui_agent_output(&fx, "household list --json");
	json_t *root = json_loads(list, 0, NULL), *h, *v;
	size_t i;

	out[0] = '\0';
	if (!json_is_array(root))
		day_fail("household list --json is no list: %.1000s", list);
	json_array_foreach(root, i, h) if (strcmp(json_string_value(json_object_get(h, "ref")), ref) == 0)
	{
		v = json_object_get(h, key);
		snprintf(out, n, "%s", json_is_string(v) ? json_string_value(v) : "");
		free(list);
		json_decref(root);
		return;
	}
	day_fail("the store has no household %s: %.2000s", ref, list);
}

/* An integer member of 'status --json'. */
static long long status_number(const char *key)
{
	char *out = ui_agent_output(&fx, "status --json");
	json_t *root = json_loads(out, 0, NULL);
	long long v;

	if (!json_is_integer(json_object_get(root, key)))
		day_fail("status --json has no number '%s': %s", key, out);
	v = json_integer_value(json_object_get(root, key));
	json_decref(root);
	free(out);
	return v;
}

/* 'status --json''s last_sync, as its JSON text ("null" before any). */
static void last_sync(char *out, size_t n)
{
	char *status = ui_agent_output(&fx, "status --json");
	json_t *root = json_loads(status, 0, NULL);
	char *text = root ? json_dumps(json_object_get(root, "last_sync"), JSON_ENCODE_ANY) : NULL;

	snprintf(out, n, "%s", text ? text : "null");
	free(text);
	json_decref(root);
	free(status);
}

/* The hub's review status of the laptop's household ref ("" while the
 * province has decided nothing); fails when the hub has no such household. */
static void hub_review(const char *ref, char *out, size_t n)
{
	static char list[1 << 16];
	json_t *root, *h;
	size_t i;
	int found = 0;

	if (hub_run(list, sizeof(list), "household list --json") != 0)
		day_fail("maiam-hub household list failed: %.1000s", list);
	root = json_loads(list, 0, NULL);
	out[0] = '\0';
	json_array_foreach(root, i, h)
	{
		const char *r = json_string_value(json_object_get(h, "ref"));
		const char *status = json_string_value(json_object_get(h, "review_status"));
		if (r && strcmp(r, ref) == 0) {
			found = 1;
			snprintf(out, n, "%s", status ? status : "");
		}
	}
	json_decref(root);
	if (!found)
		day_fail("the hub has no household %s: %.2000s", ref, list);
}

/* ---- the steps ----------------------------------------------------------- */

/* The Sync page, "Sync now" pressed, and the end awaited: the page shows
 * a result again (the last one is taken off first; a script may update
 * the page in place or the page reload itself), the store says it synced
 * (last_sync changed) and nothing is left to send. */
static void sync_now(void)
{
	char before[128], after[128];

	menu("/sync", "the Sync page (/sync)");
	last_sync(before, sizeof(before));
	script_value("const r = document.getElementById('sync-result'); if (r) r.remove(); return 'gone'",
		     after, sizeof(after));
	wb_click(&w, "#save");
	wb_wait_script(&w, "return !!document.getElementById('sync-result')", "true");
	last_sync(after, sizeof(after));
	if (strcmp(before, after) == 0)
		day_fail("the Sync page shows a result but the store did not sync (last_sync stays %s)",
			 before);
	if (status_number("pending_records") != 0 || status_number("sealed_unacked") != 0)
		day_fail("after the sync the laptop still has changes to send");
}

/* The household's page is shown: wait for it (after a save). */
static void at_household(const char *ref)
{
	char path[128];

	snprintf(path, sizeof(path), "/household/%s", ref);
	wait_path(path);
	wb_wait_for(&w, NAME, NULL);
}

static void add_a_household(char *ref, size_t n)
{
	char path[256], got[64], label[256];

	begin("add a household with a bad national id");
	menu("/household/new", "the form to add a household (/household/new)");
	/* in the field worker's words (the glossary's "chủ hộ") */
	script_value("const l = document.querySelector(\"label[for='f-name']\");"
		     " return l ? l.textContent : ''",
		     label, sizeof(label));
	if (!strstr(label, "hủ hộ"))
		day_fail("the name's label is '%s', not in Vietnamese (chủ hộ)", label);
	fill("name", NAME);
	fill("national-id", "12345");
	fill("hamlet", "Ấp 3");
	fill("members", "5");
	fill("category", "poor");
	leave_by("#save");
	wb_wait_script(&w, "return !!document.getElementById('err-national-id')", "true");
	wb_wait_script(&w, "return document.getElementById('f-national-id').getAttribute('aria-invalid')",
		       "\"true\"");
	wb_wait_script(&w, "return document.getElementById('f-name').value", "\"" NAME "\"");
	if (status_number("households") != 1)
		day_fail("the refused form wrote a household");
	shots("form-error");

	begin("fix the national id and save");
	fill("national-id", GOOD_ID);
	leave_by("#save");
	wb_wait_script(&w,
		       "return /^\\/household\\/[^/]+$/.test(location.pathname)"
		       " && location.pathname !== '/household/new'",
		       "true");
	script_value("return decodeURIComponent(location.pathname.slice('/household/'.length))", path,
		     sizeof(path));
	if (strlen(path) >= n)
		day_fail("the saved household's page %s has no short ref", path);
	memcpy(ref, path, strlen(path) + 1);
	at_household(ref);
	household_member(ref, "national_id", got, sizeof(got));
	if (strcmp(got, GOOD_ID) != 0)
		day_fail("household %s was saved with national id '%s', not " GOOD_ID, ref, got);
	shots("household");
}

static void record_surveyed(const char *ref)
{
	char got[64];

	begin("record surveyed with a photo");
	leave_by("#next-stage");
	wb_wait_script(&w, "return new URLSearchParams(location.search).get('stage')", "\"surveyed\"");
	page_exists("the form to record a stage (/milestone/new)");
	fill_date("date", "2023-06-05");
	choose_file("#f-photo", photo_path);
	shots("milestone");
	leave_by("#save");
	at_household(ref);
	/* the photo is on the timeline, served by the laptop */
	wb_wait_script(&w, "return document.querySelectorAll('#timeline img[src^=\"/photo/\"]').length",
		       "1");
	wb_wait_script(&w,
		       "const i = document.querySelector('#timeline img');"
		       " return i.complete && i.naturalWidth > 0",
		       "true");
	household_member(ref, "stage", got, sizeof(got));
	if (strcmp(got, "surveyed") != 0)
		day_fail("household %s is at stage '%s' in the store, not surveyed", ref, got);
}

static void search_nguyen(const char *ref)
{
	char script[512];

	begin("search \"nguyen\" without diacritics");
	menu("/households", "the Households page (/households)");
	wb_wait_for(&w, OTHER, NULL);
	wb_type(&w, "#filters input[name='q']", "nguyen");
	wb_click(&w, "#filters button[type='submit']");
	wb_wait_script(&w,
		       "const t = document.getElementById('households');"
		       " return !!t && t.textContent.includes('" NAME "')"
		       " && !t.textContent.includes('" OTHER "')",
		       "true");
	shots("households");
	/* its row leads to its page */
	snprintf(script, sizeof(script), "#households a[href='/household/%s']", ref);
	leave_by(script);
	at_household(ref);
}

static void contribution_voided(const char *ref)
{
	char rec[128], css[256], script[512];

	begin("record a contribution");
	leave_by("#add-contribution");
	wait_path("/contribution/new");
	page_exists("the form to record a contribution (/contribution/new)");
	fill("source", "donor");
	fill("money", "5000000");
	fill("donor", "Chị Hai");
	fill_date("date", "2023-06-12");
	shots("contribution");
	leave_by("#save");
	at_household(ref);
	wb_wait_script(&w, "return document.querySelectorAll('#contributions li[id^=\"rec-\"]').length",
		       "1");
	script_value("return document.querySelector('#contributions li[id^=\"rec-\"]').id", rec,
		     sizeof(rec));
	if (status_number("contributions") != 1)
		day_fail("the store has not the one contribution the page shows");

	begin("void the contribution with a reason");
	/* the void form waits in a <details>: opened as a person would */
	snprintf(css, sizeof(css), "#%s details.void > summary", rec);
	wb_click(&w, css);
	snprintf(css, sizeof(css), "#%s form input[name='reason']", rec);
	wb_type(&w, css, REASON);
	snprintf(css, sizeof(css), "#%s form button[type='submit']", rec);
	leave_by(css);
	at_household(ref);
	snprintf(script, sizeof(script),
		 "const e = document.getElementById('%s');"
		 " return !!e && e.classList.contains('voided') && e.textContent.includes('" REASON "')",
		 rec);
	wb_wait_script(&w, script, "true");
	shots("voided");
}

static void the_province_approves(const char *ref)
{
	char out[4096], args[256], got[64];

	begin("sync");
	sync_now();
	hub_review(ref, got, sizeof(got));
	if (strcmp(got, "") != 0 && strcmp(got, "proposed") != 0)
		day_fail("the hub holds household %s as '%s' before the province decided", ref, got);
	shots("sync");

	begin("the province approves the household at the hub");
	snprintf(args, sizeof(args), "household approve '%s' --yes", ref);
	if (hub_run(out, sizeof(out), args) != 0)
		day_fail("maiam-hub %s failed: %s", args, out);

	begin("a second sync brings the approval back");
	sync_now();
	household_member(ref, "review_status", got, sizeof(got));
	if (strcmp(got, "approved") != 0)
		day_fail("after the second sync household %s is '%s' in the store, not approved", ref,
			 got);
	menu("/households", "the Households page (/households)");
	snprintf(args, sizeof(args), "#households a[href='/household/%s']", ref);
	leave_by(args);
	at_household(ref);
	wb_wait_script(&w,
		       "const r = document.getElementById('review');"
		       " return !!r && r.textContent.includes('Đã xác nhận')",
		       "true");
	shots("approved");
}

/* A photo as a phone's, for the milestone. */
static void make_photo(void)
{
	size_t len;
	uint8_t *jpeg = photo_gen_jpeg(1200, 900, 7, 92, NULL, &len);
	FILE *f;

	assert_non_null(jpeg);
	snprintf(photo_path, sizeof(photo_path), "%s/nha-chi-lan.jpg", fx.dir);
	f = fopen(photo_path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(jpeg, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(jpeg);
}

static void field_day(int with_scripts)
{
	char ref[64];

	scripts_on = with_scripts;
	begin("a laptop's store, enrolled with a real hub");
	ui_store_new(&fx);
	hub_up_and_enrol();
	ui_agent(&fx, "household add --name '" OTHER "' --hamlet 'Ấp 3' --members 2 --category near_poor");
	make_photo();
	ui_start(&fx, "vi_VN.UTF-8");
	wb_start(&w, fx.dir);
	if (!with_scripts)
		scripts_off();

	begin("open the printed URL");
	wb_go(&w, fx.url);
	wb_wait_for(&w, "Số hộ theo tiến độ", NULL);
	shots("home");

	add_a_household(ref, sizeof(ref));
	record_surveyed(ref);
	search_nguyen(ref);
	contribution_voided(ref);
	the_province_approves(ref);
}

static void a_field_day(void **state)
{
	(void)state;
	field_day(1);
}

static void a_field_day_without_javascript(void **state)
{
	(void)state;
	field_day(0);
}

static int teardown(void **state)
{
	(void)state;
	wb_stop(&w);
	wb_kill(hub.pid);
	if (hub.out)
		fclose(hub.out);
	memset(&hub, 0, sizeof(hub));
	ui_stop(&fx);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(a_field_day, teardown),
		cmocka_unit_test_teardown(a_field_day_without_javascript, teardown),
	};
	/* cmocka's skip() counts as a pass: ctest must show the test as skipped */
	if (!wb_available()) {
		printf("SKIP: chromium or chromedriver missing: run scripts/deps to install them\n");
		return 77;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
