/*
 * test_ui_household.c - a household's page of "maiam-agent ui" from
 * outside (libcurl), on a household the CLI recorded (uihousehold.h): every
 * field by its Vietnamese name, the review, the timeline with its photos,
 * the household's photo, the contributions with the voided one struck
 * through with its reason, the links to the forms; English under LANG=C.
 * A void with a reason writes what "contribution void" writes, one record;
 * a void without a reason, or of a record already voided, is refused in
 * the CLI's words and writes nothing; withdrawing asks a reason too. The
 * photo route serves only a photo the store records, by its exact hash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "testmain.h"
#include "uihousehold.h"
#include "uitest.h"
#include "webtest.h"

static ui_fixture fx;
static ui_household hh;
static wt_resp resp; /* large: not on the stack */
static char csrf[80];

static int setup(void **state)
{
	(void)state;
	ui_store_household(&fx, &hh);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ui_stop(&fx);
	return 0;
}

static void start(const char *lang)
{
	ui_start(&fx, lang);
	ui_session(&fx);
}

/* GET path (after the base's "/"); the page's CSRF token kept for a POST. */
static void get(const char *path)
{
	char url[512];
	const char *at;
	wt_req q = { .cookie = fx.cookie };

	snprintf(url, sizeof(url), "%s%s", fx.base, path);
	assert_int_equal(wt_fetch(url, &q, &resp), 0);
	at = strstr(resp.body, "name=\"csrf\" value=\"");
	if (at)
		snprintf(csrf, sizeof(csrf), "%.64s", at + strlen("name=\"csrf\" value=\""));
}

/* POST form (without its csrf, which is added) to path. */
static void post(const char *path, const char *form)
{
	char url[512], body[4096], origin[64];
	wt_req q = { .cookie = fx.cookie, .origin = origin, .post = body };

	snprintf(url, sizeof(url), "%s%s", fx.base, path);
	snprintf(origin, sizeof(origin), "http://127.0.0.1:%d", fx.port);
	snprintf(body, sizeof(body), "csrf=%s&%s", csrf, form);
	assert_int_equal(wt_fetch(url, &q, &resp), 0);
}

static void has(const char *text)
{
	if (!strstr(resp.body, text))
		fail_msg("the page lacks '%s':\n%s", text, resp.body);
}

static void lacks(const char *text)
{
	if (strstr(resp.body, text))
		fail_msg("the page has '%s':\n%s", text, resp.body);
}

/* has() of a formatted text */
static void hasf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void hasf(const char *fmt, ...)
{
	char want[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	has(want);
}

/* One statement on the store beside the running server, as a pull or the
 * hub's answer would have left it. */
static void store_exec(const char *sql)
{
	char path[1024];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/home/agent.db", fx.dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static long long written(void);

/* POST form to path: refused with status, and the store as it was
 * (before: written() then). */
static void refused(const char *path, const char *form, long status, long long before)
{
	post(path, form);
	assert_int_equal(resp.status, status);
	assert_int_equal(written(), before);
}

/* One number the store answers (a count), read beside the running server. */
static long long store_count(const char *sql)
{
	char path[1024];
	sqlite3 *db;
	sqlite3_stmt *st;
	long long n;

	snprintf(path, sizeof(path), "%s/home/agent.db", fx.dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	return n;
}

static long long written(void)
{
	return store_count(
		"SELECT (SELECT count(*) FROM outbox) * 1000 + (SELECT count(*) FROM void_event)");
}

static void household_page(void);

/* The server in Vietnamese, the household's page loaded (its CSRF token
 * kept): what the store holds written so far (written()). */
static long long open_the_page(void)
{
	start("vi_VN.UTF-8");
	household_page();
	return written();
}

static void household_page(void)
{
	char path[64];

	snprintf(path, sizeof(path), "household/%s", hh.ref);
	get(path);
}

static void the_page_shows_the_household(void **state)
{
	char path[128];

	(void)state;
	start("vi_VN.UTF-8");
	household_page();
	assert_int_equal(resp.status, 200);
	has("<html lang=\"vi\"");
	/* every field by 'household show''s names, coded ones by their labels */
	has("<h1>Lâm Thị Hoa<span class=\"ref\">");
	has("<dt>Số CCCD</dt><dd>094078001234</dd>");
	has("<dt>Ấp</dt><dd>Ấp 3</dd>");
	has("<dt>Địa chỉ</dt><dd>Số 12, đường Lê Lợi</dd>");
	has("<dt>Số nhân khẩu</dt><dd>4</dd>");
	has("<dt>Diện hộ</dt><dd>Hộ nghèo</dd>");
	has("<dt>Tình trạng đất</dt><dd>Có giấy chứng nhận</dd>");
	has("<dt>Hiện trạng nhà</dt><dd>Nhà tạm, mái dột</dd>");
	has("<dt>Điện thoại</dt><dd>0912345678</dd>");
	has("<dt>Hình thức hỗ trợ</dt><dd>Xây mới</dd>");
	has("<dt>Xã</dt><dd>Phường 5 (31498)</dd>");
	has("<dt>Xác nhận của tỉnh</dt><dd>Chờ xác nhận</dd>");
	/* the timeline, its dates as dd/mm/yyyy, and the photos under the stage */
	hasf("<li id=\"rec-%s\"><p class=\"line\"><span class=\"what\">Khảo sát</span> "
	     "<time class=\"when\" datetime=\"2023-06-20\">20/06/2023</time>",
	     hh.surveyed);
	has("Mái dột nặng");
	has("<span class=\"what\">Được duyệt hỗ trợ</span>");
	hasf("<a href=\"/photo/%s\"><img src=\"/photo/", hh.photo_hex);
	hasf("<img src=\"/photo/%s?thumb=1\"", hh.photo_hex);
	{
		size_t imgs = 0;
		for (const char *at = resp.body; (at = strstr(at, "<img ")); at++)
			imgs++;
		assert_int_equal(imgs, 3); /* two of the stage, one of the house */
	}
	/* the contributions: money as the CLI writes it, the voided one struck */
	has("<span class=\"what\">Nhà hảo tâm</span>");
	has("25.000.000 đ");
	has("Ông Tư");
	hasf("<li id=\"rec-%s\" class=\"voided\">", hh.labour);
	has("<p class=\"why\">Đã hủy: ghi nhầm</p>");
	/* a void form for each live record, none for the voided one */
	hasf("id=\"f-reason-%s\"", hh.gift);
	hasf("id=\"f-reason-%s\"", hh.surveyed);
	snprintf(path, sizeof(path), "id=\"f-reason-%s\"", hh.labour);
	lacks(path);
	/* the next stage by the rulebook's order, and the other forms */
	hasf("href=\"/milestone/new?hh=%s&amp;stage=started\"", hh.ref);
	has("Khởi công");
	hasf("href=\"/contribution/new?hh=%s\"", hh.ref);
	hasf("href=\"/edit/%s\"", hh.ref);
	/* nothing from the hub about it: no feedback box */
	lacks("id=\"feedback\"");
	/* the photo's bytes are the stored file's */
	{
		char file[1024];
		struct stat st;

		snprintf(path, sizeof(path), "photo/%s?thumb=1", hh.photo_hex);
		get(path);
		assert_int_equal(resp.status, 200);
		assert_string_equal(resp.content_type, "image/jpeg");
		assert_string_equal(resp.cache_control, "private, max-age=86400");
		assert_string_equal(resp.nosniff, "nosniff");
		snprintf(file, sizeof(file), "%s/home/photos/%.2s/%s", fx.dir, hh.photo_hex, hh.photo_hex);
		assert_int_equal(stat(file, &st), 0);
		assert_int_equal(resp.len, (size_t)st.st_size);
	}
}

static void the_hubs_feedback_shows_on_the_page(void **state)
{
	char cmd[1024];

	(void)state;
	ui_store_duplicate(&fx, "Phường Vĩnh Phước");
	/* the hub refused the change-set that carried the household */
	snprintf(cmd, sizeof(cmd), "export --out '%s/usb.bundle' --no-photos", fx.dir);
	ui_agent(&fx, cmd);
	store_exec("UPDATE sealed SET acked_at = '2023-07-01T00:00:00Z', refused_code = 'invalid',"
		   " refused_message = 'members: out of range' WHERE seq = 1");
	/* the province's review said no, with its reason */
	store_exec("UPDATE household SET review_status = 'rejected', review_reason = 'Sai diện hộ'");
	start("vi_VN.UTF-8");
	household_page();
	assert_int_equal(resp.status, 200);
	has("<section id=\"feedback\" class=\"warn\">");
	has("094078001234");
	has("Phường Vĩnh Phước (31499)");
	has("Máy chủ tỉnh từ chối gói dữ liệu 1, trong đó có thay đổi của hộ này: ");
	has("<section id=\"review\" class=\"warn\">");
	has("<dt>Xác nhận của tỉnh</dt><dd>Không xác nhận</dd>");
	has("<dt>Lý do của tỉnh</dt><dd>Sai diện hộ</dd>");
}

static void the_page_in_english_under_lang_c(void **state)
{
	(void)state;
	start("C");
	household_page();
	assert_int_equal(resp.status, 200);
	has("<html lang=\"en\"");
	has("<dt>National id</dt><dd>094078001234</dd>");
	has("<h2>Stages recorded</h2>");
	has("25,000,000 VND");
	has("Voided: ghi nhầm");
	lacks("Khảo sát");
}

static void a_void_with_a_reason_writes_what_the_cli_writes(void **state)
{
	char form[256], where[128], cmd[512], gift3[48];
	long long before;

	(void)state;
	before = open_the_page();
	snprintf(form, sizeof(form), "kind=contribution&record=%s&reason=Nh%%E1%%BA%%ADp+tr%%C3%%B9ng",
		 hh.gift);
	snprintf(where, sizeof(where), "household/%s/void", hh.ref);
	post(where, form);
	assert_int_equal(resp.status, 303);
	snprintf(where, sizeof(where), "/household/%s#contributions", hh.ref);
	assert_string_equal(resp.location, where);
	/* one void record, one change waiting to go */
	assert_int_equal(written(), before + 1001);
	household_page();
	hasf("<li id=\"rec-%s\" class=\"voided\">", hh.gift);
	has("Đã hủy: Nhập trùng");
	/* the CLI's own void of another contribution: the same record */
	snprintf(cmd, sizeof(cmd),
		 "contribution add --household '%s' --source business --money 1000000 --date 2023-06-28",
		 hh.ref);
	ui_agent_member(&fx, cmd, "id", gift3, sizeof(gift3));
	snprintf(cmd, sizeof(cmd), "contribution void '%s' --reason 'Nhập trùng'", gift3);
	ui_agent(&fx, cmd);
	assert_int_equal(store_count("SELECT count(DISTINCT writer || '/' || id_origin || '/' || target_kind || '/' ||"
				     " reason) FROM void_event WHERE reason = 'Nhập trùng'"),
			 1);
	assert_int_equal(
		store_count(
			"SELECT count(*) FROM void_event WHERE reason = 'Nhập trùng' AND target_kind = 3"),
		2);
	/* a stage and a photo are voided the same way */
	snprintf(form, sizeof(form), "kind=milestone&record=%s&reason=sai+ng%%C3%%A0y", hh.approved);
	snprintf(where, sizeof(where), "household/%s/void", hh.ref);
	post(where, form);
	assert_int_equal(resp.status, 303);
	household_page();
	hasf("<li id=\"rec-%s\" class=\"voided\">", hh.approved);
	has("Đã hủy: sai ngày");
	assert_int_equal(store_count("SELECT count(*) FROM void_event WHERE target_kind = 5"), 0);
	{
		const char *at = strstr(resp.body, "name=\"kind\" value=\"photo\"><input type=\"hidden\" "
						   "name=\"record\" value=\"");
		char photo[32];

		assert_non_null(at);
		at = strstr(at, "name=\"record\" value=\"") + strlen("name=\"record\" value=\"");
		snprintf(photo, sizeof(photo), "%.*s", (int)strcspn(at, "\""), at);
		snprintf(form, sizeof(form), "kind=photo&record=%s&reason=nh%%C3%%A0+kh%%C3%%A1c", photo);
		post(where, form);
		assert_int_equal(resp.status, 303);
		snprintf(where, sizeof(where), "/household/%s#photos", hh.ref);
		assert_string_equal(resp.location, where);
	}
	assert_int_equal(store_count("SELECT count(*) FROM void_event WHERE target_kind = 5"), 1);
}

static void a_void_without_a_reason_is_refused(void **state)
{
	static char body_long[4200];
	char form[1024], where[128], want[256], reason[700];
	long long before;

	(void)state;
	before = open_the_page();
	snprintf(where, sizeof(where), "household/%s/void", hh.ref);
	snprintf(form, sizeof(form), "kind=contribution&record=%s&reason=", hh.gift);
	refused(where, form, 422, before);
	/* the CLI's words at the form, which is open, the field marked */
	hasf("<p class=\"error\" id=\"err-reason-%s\" role=\"alert\">thiếu --reason", hh.gift);
	hasf("aria-invalid=\"true\" aria-describedby=\"err-reason-%s\"", hh.gift);
	has("<details class=\"void\" open>");
	/* a reason the rulebook refuses is kept as typed */
	memset(reason, 'x', 600);
	reason[600] = '\0';
	snprintf(form, sizeof(form), "kind=contribution&record=%s&reason=%s", hh.gift, reason);
	refused(where, form, 422, before);
	snprintf(want, sizeof(want), "value=\"%.40s", reason);
	has(want);
	has("600");
	/* one longer than the form holds: refused without the command */
	{
		static char longer[3100];

		memset(longer, 'x', 3000);
		snprintf(form, sizeof(form), "kind=contribution&record=%s&reason=", hh.gift);
		snprintf(body_long, sizeof(body_long), "%s%s", form, longer);
		refused(where, body_long, 422, before);
		hasf("<p class=\"error\" id=\"err-reason-%s\" role=\"alert\">lý do quá dài", hh.gift);
	}
	/* a record already voided: said above the page, nothing written */
	snprintf(form, sizeof(form), "kind=contribution&record=%s&reason=l%%E1%%BA%%A7n+n%%E1%%BB%%AFa",
		 hh.labour);
	refused(where, form, 422, before);
	has("<p class=\"error banner\" id=\"err-form\" role=\"alert\">");
	has("đã bị hủy (ghi nhầm)");
	/* a form without what to void */
	refused(where, "reason=x", 400, before);
	snprintf(form, sizeof(form), "kind=household&record=%s&reason=x", hh.ref);
	refused(where, form, 400, before);
}

static void withdrawing_asks_a_reason(void **state)
{
	char where[128], want[256];
	long long before;

	(void)state;
	before = open_the_page();
	has("<details class=\"withdraw\">");
	snprintf(where, sizeof(where), "household/%s/withdraw", hh.ref);
	refused(where, "reason=", 422, before);
	has("<p class=\"error\" id=\"err-reason\" role=\"alert\">");
	has("<details class=\"withdraw\" open>");
	post(where, "reason=Chuy%E1%BB%83n+%C4%91i+n%C6%A1i+kh%C3%A1c");
	assert_int_equal(resp.status, 303);
	snprintf(want, sizeof(want), "/household/%s#withdrawn", hh.ref);
	assert_string_equal(resp.location, want);
	assert_int_equal(written(), before + 1000);
	household_page();
	assert_int_equal(resp.status, 200);
	has("<p class=\"banner\" id=\"withdrawn\">");
	has("Chuyển đi nơi khác");
	/* nothing more is offered for it */
	lacks("f-reason");
	lacks("/milestone/new");
}

/* GET /photo/NAME: its status. */
static long photo_status(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "photo/%s", name);
	get(path);
	return resp.status;
}

static void the_photo_route_serves_recorded_photos_only(void **state)
{
	char name[160], file[1024], upper[65];
	FILE *f;

	(void)state;
	start("vi_VN.UTF-8");
	assert_int_equal(photo_status(hh.photo_hex), 200);
	snprintf(upper, sizeof(upper), "%s", hh.photo_hex);
	for (char *c = upper; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	assert_int_equal(photo_status(upper), 404);
	snprintf(name, sizeof(name), "%.63s", hh.photo_hex);
	assert_int_equal(photo_status(name), 404);
	snprintf(name, sizeof(name), "%s0", hh.photo_hex);
	assert_int_equal(photo_status(name), 404);
	snprintf(name, sizeof(name), "%s/", hh.photo_hex);
	assert_int_equal(photo_status(name), 404);
	assert_int_equal(photo_status("../agent.key"), 404);
	assert_int_equal(photo_status("%2e%2e/agent.key"), 404);
	assert_int_equal(photo_status(""), 404);
	has("<html");
	/* a file in the photo folder that no record names is not served */
	memset(name, '0', 64);
	name[64] = '\0';
	snprintf(file, sizeof(file), "%s/home/photos/00", fx.dir);
	mkdir(file, 0700);
	snprintf(file, sizeof(file), "%s/home/photos/00/%s", fx.dir, name);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("not a photo", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(photo_status(name), 404);
	/* a recorded photo whose file was damaged is not shown as evidence */
	snprintf(file, sizeof(file), "%s/home/photos/%.2s/%s", fx.dir, hh.photo_hex, hh.photo_hex);
	f = fopen(file, "r+");
	assert_non_null(f);
	fputs("XX", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(photo_status(hh.photo_hex), 500);
	assert_string_equal(resp.content_type, "text/html; charset=utf-8");
}

static void an_unknown_household_is_a_page_in_words(void **state)
{
	(void)state;
	start("vi_VN.UTF-8");
	get("household/ZZZZ-99");
	assert_int_equal(resp.status, 404);
	has("ZZZZ-99");
	has("<h1>");
	get("household/not%20a%20ref");
	assert_int_equal(resp.status, 404);
	get("household/");
	assert_int_equal(resp.status, 404);
	get("household/ZZZZ-99/void");
	assert_int_equal(resp.status, 404);
}

/* A household the store holds in another commune (moved there, as a pull
 * tells a laptop): shown as 'household show' shows it, with the CLI's
 * words why nothing is recorded for it here, and no form. */
static void a_household_moved_away_is_shown_without_forms(void **state)
{
	(void)state;
	store_exec("UPDATE household SET commune = 31499");
	start("vi_VN.UTF-8");
	household_page();
	assert_int_equal(resp.status, 200);
	has("<p class=\"banner\" id=\"moved\">");
	has("31499");
	has("Lâm Thị Hoa");
	lacks("f-reason");
	lacks("/milestone/new");
}

TEST_MAIN(cmocka_unit_test_setup_teardown(the_page_shows_the_household, setup, teardown),
	  cmocka_unit_test_setup_teardown(the_hubs_feedback_shows_on_the_page, setup, teardown),
	  cmocka_unit_test_setup_teardown(the_page_in_english_under_lang_c, setup, teardown),
	  cmocka_unit_test_setup_teardown(a_void_with_a_reason_writes_what_the_cli_writes, setup, teardown),
	  cmocka_unit_test_setup_teardown(a_void_without_a_reason_is_refused, setup, teardown),
	  cmocka_unit_test_setup_teardown(withdrawing_asks_a_reason, setup, teardown),
	  cmocka_unit_test_setup_teardown(the_photo_route_serves_recorded_photos_only, setup, teardown),
	  cmocka_unit_test_setup_teardown(an_unknown_household_is_a_page_in_words, setup, teardown),
	  cmocka_unit_test_setup_teardown(a_household_moved_away_is_shown_without_forms, setup, teardown))
