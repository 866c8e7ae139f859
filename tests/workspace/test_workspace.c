/*
 * test_workspace.c - the province's workspace as its operators use it, in
 * headless Chromium against a real "maiam-hub serve" (127.0.0.1, port 0,
 * its own TLS certificate) holding what real maiam-agent laptops of two
 * districts synced (workspace_laptops.sh), with a concurrent edit among it:
 *
 *   1. the admin signs in and adds a district operator on /operators;
 *   2. the district operator signs in and sees only its district, on "/"
 *      and on /households, and cannot reach another district's page or
 *      household by changing the address;
 *   3. it finds a household typing its name without diacritics;
 *   4. it resolves the household's conflict from the household's page;
 *   5. it approves a ticked row, then a filtered set after its
 *      confirmation page, in one signed hub change-set;
 *   6. it downloads the household list as .xlsx, which a real reader
 *      (openpyxl: tests/reports/xlsx_check.py, xlsx_review.py) checks
 *      against 'maiam-hub household list --district --json';
 *   7. a viewer sees the pages without forms, and its POSTs are refused
 *      (403) with nothing written.
 *
 * Every step leaves screenshots at 1366x768 and 390 px under the build tree
 * (tests/browser/workspace-*.png), and at 390 px nothing is wider than the
 * window. Every wait is on the page or on a file's arrival, never a clock.
 * Without chromium, chromedriver or python3's openpyxl it is skipped (77).
 */
#include <dirent.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include "browser.h"
#include "webtest.h"
#include "hubtest.h"

#define PYTHON "/usr/bin/python3"
#define ADMIN "lan"
#define ADMIN_PW "mật khẩu của Lan"
#define DISTRICT_OP "hạnh" /* a Vietnamese name, as operators have them */
#define DISTRICT_PW "mật khẩu của Hạnh"
#define VIEWER "xem"
#define VIEWER_PW "mật khẩu chỉ xem"
/* the district operator's: Thành phố Sóc Trăng (941); the other: Kế Sách (943) */
#define DISTRICT "941"
#define DISTRICT_NAME "Thành phố Sóc Trăng"
#define OTHER_DISTRICT "943"
#define OTHER_DISTRICT_NAME "Kế Sách"

static struct fixture {
	ht_hub hub;
	int started;
	char hubdir[300];
	char url[64];        /* the dashboard: https://127.0.0.1:PORT */
	char downloads[320]; /* where Chromium saves what it downloads */
	/* the households, by their head's family name (workspace_laptops.sh) */
	char nguyen[48], tran[48], lam[48], thach[48]; /* district 941 */
	char huynh[48], phan[48];                      /* district 943 */
	wb_browser w;
} fx;

/* The page's HTML as page_html last read it (malloc'd). */
static char *html;

/* What a district operator of 941 must never see: the other districts'
 * names (the campaign's targets), Kế Sách's households and its donor. */
static const char *const other_district[] = {
	OTHER_DISTRICT_NAME,
	"Mỹ Tú",
	"Ngã Năm",
	"Cù Lao Dung",
	"Châu Thành",
	"Trần Đề",
	"Long Phú",
	"Mỹ Xuyên",
	"Thạnh Trị",
	"Vĩnh Châu",
	"Huỳnh Văn Tám",
	"Phan Thị Út",
	"Công ty TNHH Thủy sản",
};

static void add_operator_cli(const char *name, const char *role, const char *password)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd),
		 "printf '%%s\\n' '%s' | '%s' operator add %s --role %s --dir '%s' >/dev/null", password,
		 MAIAM_HUB_BIN, name, role, fx.hubdir);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	char cmd[4096], out[512];
	FILE *p;

	(void)state;
	memset(&fx, 0, sizeof(fx));
	assert_int_equal(ht_hub_init(&fx.hub), 0);
	snprintf(fx.hubdir, sizeof(fx.hubdir), "%s/hub", fx.hub.dir);
	add_operator_cli(ADMIN, "admin", ADMIN_PW);
	add_operator_cli(VIEWER, "viewer", VIEWER_PW);
	assert_int_equal(ht_hub_start(&fx.hub, NULL), 0);
	fx.started = 1;
	snprintf(fx.url, sizeof(fx.url), "https://127.0.0.1:%d", fx.hub.port);
	/* the laptops check the hub's certificate: a name it was made for */
	snprintf(cmd, sizeof(cmd),
		 "sh '%s/tests/workspace/workspace_laptops.sh' '%s' '%s' '%s' '%s' 'https://localhost:%d'",
		 MAIAM_SOURCE_DIR, MAIAM_AGENT_BIN, MAIAM_HUB_BIN, fx.hubdir, fx.hub.dir, fx.hub.port);
	p = popen(cmd, "r");
	assert_non_null(p);
	out[fread(out, 1, sizeof(out) - 1, p)] = '\0';
	assert_int_equal(pclose(p), 0);
	assert_int_equal(sscanf(out, "%47s %47s %47s %47s %47s %47s", fx.nguyen, fx.tran, fx.lam,
				fx.thach, fx.huynh, fx.phan),
			 6);
	assert_int_equal(ht_sql(&fx.hub, "SELECT count(*) FROM household"), 6);
	assert_int_equal(ht_sql(&fx.hub, "SELECT count(*) FROM conflict"), 1);

	snprintf(fx.downloads, sizeof(fx.downloads), "%s/downloads", fx.hub.dir);
	assert_int_equal(mkdir(fx.downloads, 0700), 0);
	wb_start(&fx.w, fx.hub.dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	wb_stop(&fx.w);
	free(html);
	html = NULL;
	if (fx.started)
		ht_hub_stop(&fx.hub, 15);
	ht_hub_remove(&fx.hub);
	return 0;
}

/* ---- the browser's steps ------------------------------------------------- */

/* The page at a laptop's width and at a phone's, kept as
 * tests/browser/workspace-<name>-1366.png and -390.png under the build
 * tree; at 390 px nothing is wider than the window. The window is then a
 * laptop's again. */
static void shots(const char *name)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/tests/browser", MAIAM_BUILD_DIR);
	mkdir(path, 0755); /* may be there already */
	snprintf(path, sizeof(path), "%s/tests/browser/workspace-%s-1366.png", MAIAM_BUILD_DIR, name);
	wb_screenshot(&fx.w, path, 1366, 768);
	snprintf(path, sizeof(path), "%s/tests/browser/workspace-%s-390.png", MAIAM_BUILD_DIR, name);
	wb_screenshot(&fx.w, path, 390, 844);
	wb_wait_script(&fx.w, "return document.documentElement.scrollWidth <= window.innerWidth", "true");
	assert_int_equal(wb_call(&fx.w, "POST", "window/rect", "{\"width\":1366,\"height\":768}"), 200);
}

/* The page's HTML as the browser holds it now (not as WebDriver's JSON
 * answer quotes it), for page_has and page_lacks. */
static void page_html(void)
{
	json_t *root;
	const char *value;

	if (wb_call(&fx.w, "POST", "execute/sync",
		    "{\"script\":\"return document.documentElement.outerHTML\",\"args\":[]}") != 200)
		fail_msg("cannot read the page: %.1000s", fx.w.buf);
	root = json_loads(fx.w.buf, 0, NULL);
	value = root ? json_string_value(json_object_get(root, "value")) : NULL;
	assert_non_null(value);
	free(html);
	html = strdup(value);
	assert_non_null(html);
	json_decref(root);
}

/* Wait until the page's HTML holds text (quotes and '<' as written), up to
 * the browser's deadline; the page is then read (page_html). */
static void wait_html(const char *text)
{
	json_t *literal = json_string(text);
	char *js = literal ? json_dumps(literal, JSON_ENCODE_ANY) : NULL;
	char script[1024];

	assert_non_null(js);
	snprintf(script, sizeof(script), "return document.documentElement.outerHTML.includes(%s)",
		 js ? js : "null");
	free(js);
	json_decref(literal);
	wb_wait_script(&fx.w, script, "true");
	page_html();
}

/* Open path of the dashboard and wait until its HTML holds
 * text (NULL: until it is loaded). */
static void go(const char *path, const char *text)
{
	char url[512];

	snprintf(url, sizeof(url), "%s%s", fx.url, path);
	wb_go(&fx.w, url);
	if (text)
		wait_html(text);
}

/* The page (as page_html last read it) holds text, or does not. */
static void page_has(const char *text)
{
	if (!strstr(html, text))
		fail_msg("the page lacks \"%s\":\n%.3000s", text, html);
}

static void page_lacks(const char *text)
{
	if (strstr(html, text))
		fail_msg("the page shows \"%s\", which it must not:\n%.3000s", text, strstr(html, text));
}

/* Sign in as name; whoever was signed in before is signed out first. */
static void sign_in(const char *name, const char *password)
{
	go("/", NULL);
	wb_wait_for(&fx.w, "Đăng nhập dành cho", "Bảng theo dõi");
	if (!strstr(fx.w.buf, "Đăng nhập dành cho")) {
		wb_click(&fx.w, "form[action='/logout'] button");
		wb_wait_for(&fx.w, "Đăng nhập dành cho", NULL);
	}
	wb_type(&fx.w, "#name", name);
	wb_type(&fx.w, "#password", password);
	wb_click(&fx.w, "#submit");
	wb_wait_for(&fx.w, "Bảng theo dõi", NULL);
	page_html();
}

/* Sign out with the button of the dashboard's page. */
static void sign_out(void)
{
	go("/", "Bảng theo dõi");
	wb_click(&fx.w, "form[action='/logout'] button");
	wb_wait_for(&fx.w, "Đăng nhập dành cho", NULL);
}

/* The number the household browser says it found, once it says n. */
static void found(const char *n)
{
	char want[32];

	snprintf(want, sizeof(want), "\"%s\"", n);
	wb_wait_script(&fx.w, "return document.querySelector('#count b').textContent;", want);
	page_html();
}

/* ---- 1. the admin adds a district operator ----------------------------- */

static void test_admin_adds_district_operator(void **state)
{
	char out[4096];

	(void)state;
	sign_in(ADMIN, ADMIN_PW);
	shots("admin");
	wb_click(&fx.w, "#operators");
	wb_wait_for(&fx.w, "Thêm cán bộ", NULL);
	shots("operators");
	wb_type(&fx.w, "#name", DISTRICT_OP);
	wb_click(&fx.w, "#role option[value='district']");
	wb_click(&fx.w, "#district option[value='" DISTRICT "']");
	wb_type(&fx.w, "#pw", DISTRICT_PW);
	wb_type(&fx.w, "#pw2", DISTRICT_PW);
	wb_click(&fx.w, "#add-go");
	wait_html("Đã thêm cán bộ " DISTRICT_OP " (Cán bộ huyện).");
	page_has("<tr><td>" DISTRICT_OP "</td><td>Cán bộ huyện</td><td>" DISTRICT_NAME "</td>");
	shots("operator-added");
	/* the command line knows it too, with its role and district */
	assert_int_equal(ht_run(out, sizeof(out), "operator list --dir '%s'", fx.hubdir), 0);
	if (!strstr(out, DISTRICT_OP) || !strstr(out, "district"))
		fail_msg("operator list lacks the new district operator: %s", out);
	sign_out();
}

/* ---- 2. the district operator sees only its district -------------------- */

static void lacks_other_district(void)
{
	size_t i;

	for (i = 0; i < sizeof(other_district) / sizeof(other_district[0]); i++)
		page_lacks(other_district[i]);
}

static void test_district_sees_its_own(void **state)
{
	char path[128];

	(void)state;
	sign_in(DISTRICT_OP, DISTRICT_PW);
	page_html();
	page_has("<h2 id=\"district\">" DISTRICT_NAME "</h2>");
	page_has("<b id=\"who\">" DISTRICT_OP "</b>");
	page_lacks("id=\"province\""); /* no way up to the province */
	page_lacks("href=\"/operators\"");
	lacks_other_district();
	shots("district");

	/* the household browser: its district's four, no other */
	wb_click(&fx.w, "#households-link");
	wb_wait_for(&fx.w, "Tìm thấy", NULL);
	found("4");
	page_has("Nguyễn Văn Ân");
	page_has("Trần Thị Đào");
	page_has("Lâm Văn Sơn");
	page_has("Thạch Thị Sa Rươl");
	lacks_other_district();
	shots("households");

	/* another district by its address: as if it did not exist */
	go("/?district=" OTHER_DISTRICT, "Không có huyện này");
	lacks_other_district();
	go("/households?district=" OTHER_DISTRICT, "Tìm thấy");
	page_html();
	lacks_other_district();
	snprintf(path, sizeof(path), "/household?id=%s", fx.huynh);
	go(path, "Máy chủ tỉnh không có hộ nào mang mã");
	lacks_other_district();
	shots("other-district");

	/* the campaign's close, its district's alone: commune targets,
	 * scorecards, nominations */
	go("/targets", "</html>");
	page_html();
	page_has(DISTRICT_NAME);
	lacks_other_district();
	shots("targets");
	go("/scorecard", "</html>");
	page_html();
	page_has(DISTRICT_NAME);
	lacks_other_district();
	shots("scorecard");
	go("/awards", "</html>");
	page_html();
	page_has(DISTRICT_NAME);
	lacks_other_district();
	shots("awards");
}

/* ---- 3. a household found without diacritics ---------------------------- */

static void test_find_without_diacritics(void **state)
{
	(void)state;
	go("/households", "Tìm thấy");
	wb_type(&fx.w, "#q", "tran thi dao");
	wb_click(&fx.w, "#filter-go");
	found("1");
	page_has("Trần Thị Đào");
	page_lacks("Nguyễn Văn Ân");
	shots("find");
	wb_click(&fx.w, "#households tbody a");
	wait_html("Hộ Trần Thị Đào");
}

/* ---- 4. the concurrent edit resolved from the household's page ---------- */

static void test_resolve_conflict(void **state)
{
	long long item = ht_sql(&fx.hub, "SELECT id FROM conflict");
	long long loser = ht_sql(&fx.hub, "SELECT loser_value FROM conflict");
	long long winner = ht_sql(&fx.hub, "SELECT winner_value FROM conflict");
	char css[128], text[256], out[16384];

	(void)state;
	assert_true(loser != winner);
	/* the page of the household found above: its members are the winner's */
	assert_int_equal(ht_sql(&fx.hub, "SELECT members FROM household WHERE name = 'Trần Thị Đào'"),
			 winner);
	page_html();
	snprintf(text, sizeof(text),
		 "<tr id=\"item-C-%lld\"><td><code>C-%lld</code></td><td>Sửa đồng thời", item, item);
	page_has(text);
	shots("conflict");
	snprintf(css, sizeof(css), "#item-C-%lld summary", item);
	wb_click(&fx.w, css);
	snprintf(css, sizeof(css), "#resolve-C-%lld input[value='loser']", item);
	wb_click(&fx.w, css);
	snprintf(css, sizeof(css), "#resolve-C-%lld textarea", item);
	wb_type(&fx.w, css, "Đã hỏi lại xã: số người đúng là của máy kia");
	shots("conflict-form");
	snprintf(css, sizeof(css), "#resolve-C-%lld button", item);
	wb_click(&fx.w, css);
	wait_html("<span class=\"ok\">Đã xử lý</span> bởi <b>" DISTRICT_OP "</b>");
	shots("resolved");
	/* the value kept is the other laptop's, by a signed hub edit */
	assert_int_equal(ht_sql(&fx.hub, "SELECT members FROM household WHERE name = 'Trần Thị Đào'"),
			 loser);
	assert_int_equal(ht_run(out, sizeof(out), "report reconcile --all --format json --dir '%s'",
				fx.hubdir),
			 0);
	if (!strstr(out, "\"resolved_by\": \"" DISTRICT_OP "\""))
		fail_msg("the reconcile report does not say who resolved it: %s", out);
}

/* ---- 5. decisions in batches ---------------------------------------------- */

/* Choose value in the select css of the household browser's filters. */
static void choose(const char *select, const char *value)
{
	char css[128];

	snprintf(css, sizeof(css), "%s option[value='%s']", select, value);
	wb_click(&fx.w, css);
}

static long long approved(void)
{
	return ht_sql(&fx.hub, "SELECT count(*) FROM household WHERE review_status = 'approved'");
}

static void test_batch_decisions(void **state)
{
	char css[128], path[128];
	long long rows;

	(void)state;
	/* a row ticked and approved */
	go("/households", "Tìm thấy");
	snprintf(css, sizeof(css), "input[name='id'][value='%s']", fx.lam);
	wb_click(&fx.w, css);
	shots("batch-ticked");
	wb_click(&fx.w, "#batch-approve");
	wait_html("<p id=\"batch-done\" class=\"ok\">Đã xác nhận 1 hộ, bỏ qua 0 hộ");
	assert_int_equal(approved(), 1);

	/* the filtered set: the poor households not yet decided, 2 of them;
	 * asked first with the count and the filters in words, then done in one
	 * signed hub change-set */
	go("/households", "Tìm thấy");
	choose("#review", "proposed");
	choose("#category", "poor");
	wb_click(&fx.w, "#filter-go");
	found("2");
	page_has("Nguyễn Văn Ân");
	page_has("Thạch Thị Sa Rươl");
	shots("batch-filtered");
	rows = ht_sql(&fx.hub, "SELECT count(*) FROM hub_ledger");
	wb_click(&fx.w, "#all-approve");
	wait_html("<p id=\"confirm-question\"><b>Xác nhận 2 hộ?</b></p>");
	page_has("Diện hộ: Hộ nghèo");
	shots("batch-confirm");
	assert_int_equal(approved(), 1); /* asking wrote nothing */
	wb_click(&fx.w, "#confirm-go");
	wait_html("<p id=\"batch-done\" class=\"ok\">Đã xác nhận 2 hộ, bỏ qua 0 hộ");
	shots("batch-done");
	assert_int_equal(approved(), 3);
	assert_int_equal(ht_sql(&fx.hub, "SELECT count(*) FROM hub_ledger"), rows + 1);
	assert_int_equal(ht_sql(&fx.hub, "SELECT count(*) FROM household WHERE review_status IS NOT NULL"
					 " AND name IN ('Trần Thị Đào', 'Huỳnh Văn Tám', 'Phan Thị Út')"),
			 0);
	/* each household's history says who decided */
	snprintf(path, sizeof(path), "/household?id=%s", fx.thach);
	go(path, "<b id=\"review\">Đã xác nhận</b>");
	page_has("Quyết định của tỉnh: Đã xác nhận");
	page_has("Cán bộ: <b>" DISTRICT_OP "</b>");
}

/* ---- 6. the household list as Excel -------------------------------------- */

/* The name of the household list downloaded into fx.downloads, once
 * Chromium has finished writing it (it writes NAME.crdownload, then renames
 * it): waited for on the directory's events (inotify), up to the browser's
 * deadline. */
static void wait_download(char *name, size_t len)
{
	int fd = inotify_init1(IN_CLOEXEC);
	time_t deadline = time(NULL) + WB_DEADLINE_S;

	assert_true(fd >= 0);
	assert_true(inotify_add_watch(fd, fx.downloads, IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE) >= 0);
	for (;;) {
		DIR *dir = opendir(fx.downloads);
		struct dirent *e;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char events[4096];

		assert_non_null(dir);
		while ((e = readdir(dir))) {
			size_t n = strlen(e->d_name);

			if (strncmp(e->d_name, "danh-sach-ho-", 13) == 0 && n > 5 &&
			    strcmp(e->d_name + n - 5, ".xlsx") == 0) {
				snprintf(name, len, "%s", e->d_name);
				closedir(dir);
				close(fd);
				return;
			}
		}
		closedir(dir);
		if (time(NULL) >= deadline)
			break;
		if (poll(&p, 1, 1000 * (int)(deadline - time(NULL))) > 0 &&
		    read(fd, events, sizeof(events)) < 0)
			break;
	}
	close(fd);
	fail_msg("Chromium downloaded no household list into %s in %d s", fx.downloads, WB_DEADLINE_S);
}

static void test_download_xlsx(void **state)
{
	char name[256], day[11], cmd[4096], json[400], cdp[1024];

	(void)state;
	/* Chromium saves downloads where the test reads them */
	snprintf(cdp, sizeof(cdp),
		 "{\"cmd\":\"Browser.setDownloadBehavior\",\"params\":{\"behavior\":\"allow\","
		 "\"downloadPath\":\"%s\"}}",
		 fx.downloads);
	if (wb_call(&fx.w, "POST", "goog/cdp/execute", cdp) != 200)
		fail_msg("Chromium does not take a download directory: %.1000s", fx.w.buf);
	/* from the district operator's own page, as the operator would */
	go("/", "id=\"households-xlsx\"");
	wb_click(&fx.w, "#households-xlsx");
	wait_download(name, sizeof(name));
	/* danh-sach-ho-YYYY-MM-DD.xlsx: the day the list is of */
	assert_int_equal(sscanf(name, "danh-sach-ho-%10[0-9-].xlsx", day), 1);

	/* what the command line lists for the district, as JSON */
	snprintf(json, sizeof(json), "%s/d" DISTRICT ".json", fx.hub.dir);
	assert_int_equal(ht_run(NULL, 0, "household list --district " DISTRICT " --json --dir '%s' > '%s'",
				fx.hubdir, json),
			 0);
	/* sheet, title rows, headers, number cells, the rows (the same script as e2e_xlsx) */
	snprintf(cmd, sizeof(cmd), "%s '%s/tests/reports/xlsx_check.py' households '%s/%s' '%s' %s",
		 PYTHON, MAIAM_SOURCE_DIR, fx.downloads, name, json, day);
	assert_int_equal(system(cmd), 0);
	/* the decisions made above, and nothing of the other district */
	snprintf(cmd, sizeof(cmd),
		 "%s '%s/tests/workspace/xlsx_review.py' '%s/%s' '%s' 'Huỳnh Văn Tám' 'Phan Thị Út'",
		 PYTHON, MAIAM_SOURCE_DIR, fx.downloads, name, json);
	assert_int_equal(system(cmd), 0);
	sign_out();
}

/* ---- 7. a viewer decides nothing ----------------------------------------- */

static wt_resp r;

/* A request to the dashboard as cookie (NULL: none): GET path, or POST form. */
static void call(const char *path, const char *form, const char *cookie)
{
	char url[512];
	wt_req q = { .cookie = cookie, .post = form, .insecure = 1, .origin = fx.url };

	snprintf(url, sizeof(url), "%s%s", fx.url, path);
	assert_int_equal(wt_fetch(url, &q, &r), 0);
}

/* What a viewer may not do, each a POST of the dashboard's forms (the
 * household's id and the session's token added). */
static const struct {
	const char *path, *fields;
} refused[] = {
	{ "/household/decide", "decision=approve" },
	{ "/household/decide", "decision=reject&reason=x" },
	{ "/household/resolve", "item=C-1&note=x" },
	{ "/households/decide", "act=approve&query=" },
	{ "/operators", "action=add&name=ke.gian&role=admin&password=12345678&password2=12345678" },
};

static void test_viewer_refused(void **state)
{
	size_t i;
	char cookie[128], csrf[80], form[512], path[128];
	long long rows = ht_sql(&fx.hub, "SELECT count(*) FROM hub_ledger");
	const char *at;

	(void)state;
	/* in the browser: the pages, without a form to decide */
	sign_in(VIEWER, VIEWER_PW);
	snprintf(path, sizeof(path), "/household?id=%s", fx.tran);
	go(path, "Hộ Trần Thị Đào");
	page_lacks("id=\"approve\"");
	page_lacks("action=\"/household/decide\"");
	shots("viewer");
	go("/households", "Tìm thấy"); /* no boxes, no batch form */
	page_lacks("name=\"id\"");
	page_lacks("/households/decide");
	shots("viewer-households");

	/* a POST sent anyway, with the session's own token: refused, nothing written */
	call("/login", "name=" VIEWER "&password=m%E1%BA%ADt+kh%E1%BA%A9u+ch%E1%BB%89+xem", NULL);
	assert_int_equal(r.status, 303);
	snprintf(cookie, sizeof(cookie), "%.*s", (int)strcspn(r.cookie, ";"), r.cookie);
	call("/", NULL, cookie); /* its sign-out form holds the session's token */
	at = strstr(r.body, "name=\"csrf\" value=\"");
	assert_non_null(at);
	at += strlen("name=\"csrf\" value=\"");
	snprintf(csrf, sizeof(csrf), "%.*s", (int)strcspn(at, "\""), at);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(form, sizeof(form), "%s&id=%s&csrf=%s", refused[i].fields, fx.tran, csrf);
		call(refused[i].path, form, cookie);
		if (r.status != 403)
			fail_msg("a viewer's POST %s %s was answered %ld, not 403", refused[i].path,
				 refused[i].fields, r.status);
	}
	assert_int_equal(ht_sql(&fx.hub, "SELECT count(*) FROM hub_ledger"), rows);
	assert_int_equal(ht_sql(&fx.hub, "SELECT count(*) FROM report_operator WHERE name = 'ke.gian'"),
			 0);
	assert_int_equal(approved(), 3);
	assert_int_equal(ht_sql(&fx.hub, "SELECT count(*) FROM household WHERE review_status IS NOT NULL"),
			 3);
	/* what was decided left the hub whole: its ledger verifies */
	assert_int_equal(ht_run(NULL, 0, "audit verify --dir '%s' >/dev/null", fx.hubdir), 0);
}

/* python3 with openpyxl, the reader the workbook is checked with */
static int have_openpyxl(void)
{
	return system(PYTHON " -c 'import openpyxl' >/dev/null 2>&1") == 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_admin_adds_district_operator),
		cmocka_unit_test(test_district_sees_its_own),
		cmocka_unit_test(test_find_without_diacritics),
		cmocka_unit_test(test_resolve_conflict),
		cmocka_unit_test(test_batch_decisions),
		cmocka_unit_test(test_download_xlsx),
		cmocka_unit_test(test_viewer_refused),
	};

	if (!wb_available()) {
		printf("SKIP: chromium or chromedriver missing: run scripts/deps to install them\n");
		return 77; /* SKIP_RETURN_CODE in CMakeLists.txt */
	}
	if (!have_openpyxl()) {
		printf("SKIP: " PYTHON " has no openpyxl: run scripts/deps to install python3-openpyxl\n");
		return 77;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, setup, teardown);
}
