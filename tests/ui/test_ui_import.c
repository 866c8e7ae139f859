/*
 * test_ui_import.c - importing a commune's spreadsheet from the app, from
 * outside: the real "maiam-agent ui" on a store of two households, files
 * uploaded as a browser sends them (multipart/form-data, libcurl). The
 * preview writes nothing and names each bad row by its row; importing the
 * good rows imports them and the bad one downloads with its reason; a
 * clean list of Vietnamese names imports whole and intact; tokens that are
 * not ours reach no file; files too large, in UTF-16 or as a workbook are
 * refused in words; the kept files go when the ui process ends.
 */
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "testmain.h"
#include "uitest.h"
#include "webtest.h"

static ui_fixture fx;
static wt_resp resp; /* large: not on the stack */
static char csrf[128];

/* Two good rows around a bad one (line 3: members "x"). */
static const char mixed_csv[] = "name,hamlet,members,category\n"
				"Nguyễn Văn Ân,Ấp 1,4,poor\n"
				"Lý Văn Sai,Ấp 1,x,poor\n"
				"Trần Thị Út,Ấp 2,3,near_poor\n";

static int setup(void **state)
{
	(void)state;
	ui_store_two_households(&fx);
	ui_start(&fx, "vi_VN.UTF-8");
	ui_session(&fx);
	ui_csrf(&fx, "/import", csrf, sizeof(csrf));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ui_stop(&fx);
	return 0;
}

static void assert_has(const char *text)
{
	if (!strstr(resp.body, text))
		fail_msg("the page (%ld) lacks '%s':\n%s", resp.status, text, resp.body);
}

/* The number of households in the store, and whether one is named name. */
static int households(const char *name)
{
	char path[1024];
	sqlite3 *db;
	sqlite3_stmt *st;
	int n;

	snprintf(path, sizeof(path), "%s/home/agent.db", fx.dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    name ? "SELECT count(*) FROM household WHERE name = ?1"
						 : "SELECT count(*) FROM household",
					    -1, &st, NULL),
			 SQLITE_OK);
	if (name)
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	return n;
}

static void upload(const char *filename, const char *data, size_t len)
{
	ui_post_file(&fx, "/import", csrf, "file", filename, data, len, &resp);
}

/* The token the preview's form carries into token. */
static void token_of_preview(char *token, size_t n)
{
	const char *at = strstr(resp.body, "name=\"f\" value=\"");

	if (!at)
		fail_msg("the preview offers no import:\n%s", resp.body);
	at += strlen("name=\"f\" value=\"");
	snprintf(token, n, "%.*s", (int)strcspn(at, "\""), at);
	assert_int_equal(strlen(token), 32);
}

/* POST /import with the token and action (a form of the preview). */
static void import_kept(const char *token, const char *action)
{
	char body[512];
	wt_req q = { .cookie = fx.cookie, .post = body };

	char url[128];

	snprintf(url, sizeof(url), "%simport", fx.base);
	snprintf(body, sizeof(body), "csrf=%s&f=%s&action=%s&name=danh-sach.csv", csrf, token, action);
	assert_int_equal(wt_fetch(url, &q, &resp), 0);
}

static void get(const char *path_and_query)
{
	char url[1024];
	wt_req q = { .cookie = fx.cookie };

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", fx.port, path_and_query);
	assert_int_equal(wt_fetch(url, &q, &resp), 0);
}

/* The files of the imports this ui keeps (home/ui-tmp/import-*). */
static int kept_files(void)
{
	char dir[1024];
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/home/ui-tmp", fx.dir);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, "import-", 7) == 0;
	closedir(d);
	return n;
}

/* SIGTERM, as Ctrl+C, and wait for the ui process's clean exit. */
static void stop_cleanly(void)
{
	siginfo_t si;

	assert_int_equal(kill(fx.ui, SIGTERM), 0);
	memset(&si, 0, sizeof(si));
	assert_int_equal(waitid(P_PID, (id_t)fx.ui, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(si.si_code, CLD_EXITED);
	assert_int_equal(si.si_status, 0);
}

static void the_preview_writes_nothing_and_names_the_bad_row(void **state)
{
	(void)state;
	upload("danh-sach.csv", mixed_csv, strlen(mixed_csv));
	assert_int_equal(resp.status, 200);
	assert_has("2 dòng đúng, 1 dòng sai trong &#39;danh-sach.csv&#39;");
	/* the bad row by its row, with the CLI's reason; no path of the laptop */
	assert_has("<li>Dòng 3: cột &#39;members&#39;: &#39;x&#39;");
	assert_has("<tr class=\"bad\"><th scope=\"row\">3</th><td class=\"why\">cột &#39;members&#39;: "
		   "&#39;x&#39; phải là số người, nguyên, từ 1 đến 99</td><td>Lý Văn Sai</td>");
	assert_has("<tr><th scope=\"row\">4</th><td class=\"why\"></td><td>Trần Thị Út</td>");
	assert_null(strstr(resp.body, "ui-tmp"));
	assert_null(strstr(resp.body, fx.dir));
	/* with a bad row, only the good rows are offered */
	assert_has("name=\"action\" value=\"good\"");
	assert_has("Nhập các dòng đúng");
	assert_null(strstr(resp.body, "Nhập tất cả"));
	assert_has("href=\"/import/bad?f=");
	assert_int_equal(households(NULL), 2);
	assert_int_equal(households("Nguyễn Văn Ân"), 0);
}

static void importing_the_good_rows_leaves_the_bad_one_to_download(void **state)
{
	char token[64], path[256];

	(void)state;
	upload("danh-sach.csv", mixed_csv, strlen(mixed_csv));
	token_of_preview(token, sizeof(token));
	import_kept(token, "good");
	assert_int_equal(resp.status, 200);
	assert_has("<p id=\"result\" class=\"counts\">Đã nhập 2 hộ</p>");
	assert_has("href=\"/households\"");
	assert_int_equal(households(NULL), 4);
	assert_int_equal(households("Trần Thị Út"), 1);
	assert_int_equal(households("Lý Văn Sai"), 0);
	/* the bad row, as the CLI's errors file has it: BOM, header, reason */
	snprintf(path, sizeof(path), "/import/bad?f=%s", token);
	assert_has(path);
	get(path);
	assert_int_equal(resp.status, 200);
	assert_non_null(strstr(resp.content_type, "text/csv"));
	assert_int_equal(strncmp(resp.body, "\xef\xbb\xbfname,hamlet,members,category,Lý do\r\n",
				 strlen("\xef\xbb\xbfname,hamlet,members,category,Lý do\r\n")),
			 0);
	assert_has("Lý Văn Sai,Ấp 1,x,poor,");
	assert_has("'x' phải là số người");
	assert_null(strstr(resp.body, "Trần Thị Út"));
	/* imported: the upload is gone, the same form again does nothing */
	import_kept(token, "good");
	assert_int_equal(resp.status, 404);
	assert_has("Tải tệp lên lại");
	assert_int_equal(households(NULL), 4);
	/* the bad rows go when the ui process ends */
	assert_int_equal(kept_files(), 1);
	stop_cleanly();
	assert_int_equal(kept_files(), 0);
}

/* A clean list as Excel saves it on Vietnamese Windows: BOM, ';', the
 * columns by their Vietnamese names, names in composed Unicode. */
static void a_clean_list_imports_all_its_vietnamese_names_intact(void **state)
{
	static const char list[] = "\xef\xbb\xbfSTT;Họ và tên;Số CCCD;Ấp;Số nhân khẩu;Diện hộ;Địa chỉ\r\n"
				   "1;Nguyễn Thị Ánh Tuyết;094123456789;Ấp Hòa Mỹ;4;poor;\"Số 12; đường 30/4\"\r\n"
				   "2;Thạch Thị Sô Phây;;Ấp Trà Canh;5;near_poor;\r\n";
	char token[64];

	(void)state;
	upload("Danh sách hộ nghèo.csv", list, strlen(list));
	assert_int_equal(resp.status, 200);
	assert_has("2 dòng đúng, 0 dòng sai trong &#39;Danh sách hộ nghèo.csv&#39;");
	assert_has("<th scope=\"col\">Chủ hộ</th>");
	assert_has("Nhập tất cả");
	assert_has("name=\"action\" value=\"all\"");
	assert_null(strstr(resp.body, "/import/bad"));
	token_of_preview(token, sizeof(token));
	assert_int_equal(households(NULL), 2);
	import_kept(token, "all");
	assert_int_equal(resp.status, 200);
	assert_has("Đã nhập 2 hộ");
	assert_null(strstr(resp.body, "/import/bad"));
	assert_int_equal(households(NULL), 4);
	assert_int_equal(households("Nguyễn Thị Ánh Tuyết"), 1);
	assert_int_equal(households("Thạch Thị Sô Phây"), 1);
	assert_int_equal(kept_files(), 0);
}

static void a_token_that_is_not_ours_reaches_no_file(void **state)
{
	static const char *const hostile[] = {
		"../../agent.db",
		"..%2F..%2Fagent.db",
		"0123456789ABCDEF0123456789ABCDEF", /* ours are lowercase */
		"0123456789abcdef0123456789abcdef0",
		"0123456789abcdef0123456789abcde",
		"0123456789abcdef/123456789abcdef",
		"",
	};
	char path[256], token[64];

	(void)state;
	upload("danh-sach.csv", mixed_csv, strlen(mixed_csv));
	token_of_preview(token, sizeof(token));
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		import_kept(hostile[i], "good");
		assert_int_equal(resp.status, 400);
		assert_has("Tải tệp lên lại");
		snprintf(path, sizeof(path), "/import/bad?f=%s", hostile[i]);
		get(path);
		assert_int_equal(resp.status, 400);
		assert_null(strstr(resp.body, "Lý Văn Sai"));
	}
	/* well formed but unknown: no such import */
	import_kept("0123456789abcdef0123456789abcdef", "all");
	assert_int_equal(resp.status, 404);
	assert_has("Tải tệp lên lại");
	get("/import/bad?f=0123456789abcdef0123456789abcdef");
	assert_int_equal(resp.status, 404);
	/* ours, with an action the page never offers */
	import_kept(token, "everything");
	assert_int_equal(resp.status, 400);
	assert_int_equal(households(NULL), 2);
	/* a newer upload replaces the older one */
	upload("danh-sach.csv", mixed_csv, strlen(mixed_csv));
	import_kept(token, "good");
	assert_int_equal(resp.status, 404);
	assert_int_equal(households(NULL), 2);
}

static void files_that_are_no_list_are_refused_in_words(void **state)
{
	static const char unknown_column[] = "name,hamlet,members,category,tuổi\nA,B,1,poor,3\n";
	size_t big = (16u << 20) + 1;
	char *data = malloc(big);

	(void)state;
	assert_non_null(data);
	memset(data, 'a', big);
	upload("lon.csv", data, big);
	free(data);
	assert_int_equal(resp.status, 413);
	assert_has("id=\"err-file\" role=\"alert\"");
	assert_has("&#39;lon.csv&#39; lớn hơn 16 MiB");
	/* UTF-16 (Excel's "Unicode Text"): the CLI's own message, the file by its name */
	upload("unicode.txt", "\xff\xfen\0a\0m\0e\0", 10);
	assert_int_equal(resp.status, 422);
	assert_has("aria-describedby=\"err-file\"");
	assert_has("&#39;unicode.txt&#39; là");
	assert_has("UTF-16");
	assert_null(strstr(resp.body, "ui-tmp"));
	/* a workbook, not its CSV */
	upload("danh-sach.xlsx", "PK\x03\x04rest", 8);
	assert_int_equal(resp.status, 422);
	assert_has("CSV UTF-8");
	/* an unknown column stops the file: nothing to import, the upload gone */
	upload("cot.csv", unknown_column, strlen(unknown_column));
	assert_int_equal(resp.status, 422);
	assert_has("tuổi");
	assert_null(strstr(resp.body, "name=\"f\""));
	assert_int_equal(kept_files(), 0);
	/* no file at all */
	upload("", "", 0);
	assert_int_equal(resp.status, 422);
	assert_has("id=\"err-file\"");
	assert_int_equal(households(NULL), 2);
}

static void the_template_is_a_header_row_the_import_reads(void **state)
{
	char *template;

	(void)state;
	get("/import");
	assert_int_equal(resp.status, 200);
	assert_has("enctype=\"multipart/form-data\"");
	assert_has("<label for=\"f-file\">");
	assert_has("<button type=\"submit\" id=\"save\">");
	get("/import/template.csv");
	assert_int_equal(resp.status, 200);
	assert_non_null(strstr(resp.content_type, "text/csv"));
	assert_memory_equal(resp.body, "\xef\xbb\xbf", 3);
	assert_has("Chủ hộ,Số CCCD,Ấp,");
	assert_non_null(strstr(resp.body, "\r\n"));
	template = strdup(resp.body); /* the upload's answer goes to resp */
	assert_non_null(template);
	upload("mau.csv", template, strlen(template));
	free(template);
	assert_int_equal(resp.status, 200);
	assert_has("0 dòng đúng, 0 dòng sai");
}

TEST_MAIN(cmocka_unit_test_setup_teardown(the_preview_writes_nothing_and_names_the_bad_row, setup,
					  teardown),
	  cmocka_unit_test_setup_teardown(importing_the_good_rows_leaves_the_bad_one_to_download, setup,
					  teardown),
	  cmocka_unit_test_setup_teardown(a_clean_list_imports_all_its_vietnamese_names_intact, setup,
					  teardown),
	  cmocka_unit_test_setup_teardown(a_token_that_is_not_ours_reaches_no_file, setup, teardown),
	  cmocka_unit_test_setup_teardown(files_that_are_no_list_are_refused_in_words, setup, teardown),
	  cmocka_unit_test_setup_teardown(the_template_is_a_header_row_the_import_reads, setup, teardown))
