/*
 * test_ui_import_browser.c - importing a spreadsheet in a real browser:
 * headless Chromium chooses a file in the import form as a field worker
 * does, sees the preview with the bad row marked and its reason, and
 * imports the good rows. Screenshots of the preview at a laptop's 1366x768
 * and a phone's 390 px width are kept under the build tree
 * (tests/ui/ui-import-1366.png, ui-import-390.png). Skipped (77) without
 * chromium and chromedriver.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "browser.h"
#include "uitest.h"

static ui_fixture fx;
static wb_browser w;

/* A list as Excel saves it on Vietnamese Windows, one row bad (line 4). */
static const char list[] = "\xef\xbb\xbfSTT;Họ và tên;Số CCCD;Ấp;Số nhân khẩu;Diện hộ;Địa chỉ\r\n"
			   "1;Nguyễn Thị Ánh Tuyết;094123456789;Ấp Hòa Mỹ;4;poor;\"Số 12; đường 30/4\"\r\n"
			   "2;Thạch Thị Sô Phây;;Ấp Trà Canh;5;near_poor;\r\n"
			   "3;Lý Văn Sai;94123456788;Ấp Hòa Mỹ;3;poor;\r\n"
			   "4;Trần Văn Út;;Ấp 2;2;housing_hardship;Kênh xáng\r\n";

static void the_preview_at_both_sizes_then_the_good_rows(void **state)
{
	char path[1024], url[128];
	FILE *f;

	(void)state;
	ui_store_two_households(&fx);
	snprintf(path, sizeof(path), "%s/danh-sach-ho.csv", fx.dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(list, f);
	assert_int_equal(fclose(f), 0);
	ui_start(&fx, "vi_VN.UTF-8");
	wb_start(&w, fx.dir);
	wb_go(&w, fx.url);
	wb_wait_for(&w, "Số hộ theo tiến độ", NULL);
	snprintf(url, sizeof(url), "%simport", fx.base);
	wb_go(&w, url);
	wb_wait_for(&w, "Kiểm tra tệp", NULL);
	wb_type(&w, "#f-file", path);
	wb_click(&w, "#save");
	wb_wait_for(&w, "Kiểm tra bảng tính trước khi nhập", NULL);
	wb_wait_script(&w, "return document.querySelectorAll('#preview tbody tr.bad th')[0].textContent",
		       "\"4\"");
	wb_wait_script(&w, "return document.querySelector('.counts').textContent",
		       "\"3 dòng đúng, 1 dòng sai trong 'danh-sach-ho.csv'\"");
	/* the laptop's shot shows the rows, the bad one among them */
	wb_wait_script(&w, "document.querySelector('#preview').scrollIntoView(); return true", "true");
	snprintf(path, sizeof(path), "%s/tests/ui/ui-import-1366.png", MAIAM_BUILD_DIR);
	wb_screenshot(&w, path, 1366, 768);
	snprintf(path, sizeof(path), "%s/tests/ui/ui-import-390.png", MAIAM_BUILD_DIR);
	wb_wait_script(&w, "window.scrollTo(0, 0); return true", "true");
	wb_screenshot(&w, path, 390, 844);
	/* the wide table scrolls in its own box: the page is no wider than the window */
	wb_wait_script(&w, "return document.documentElement.scrollWidth <= window.innerWidth", "true");
	wb_click(&w, "#save");
	wb_wait_for(&w, "Đã nhập 3 hộ", NULL);
	wb_wait_script(&w,
		       "return document.querySelector('#bad-rows').getAttribute('href').startsWith('/import/bad?f=')",
		       "true");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_preview_at_both_sizes_then_the_good_rows),
	};

	return ui_browser_main(tests, sizeof(tests) / sizeof(tests[0]), &w, &fx);
}
