/*
 * test_ui_forms_browser.c - the forms of "maiam-agent ui" in headless
 * Chromium (tests/support/browser.c): a household typed with a wrong
 * national id shows the error at the field with what was typed kept, then
 * is added once it is fixed; the stage form offers the next stage and shows
 * a preview of a chosen photo (/js/photos.js). Screenshots at 1366x768 and
 * 390 px are kept under the build tree (tests/ui/ui-form-household-*.png,
 * ui-form-milestone-*.png, ui-form-contribution-*.png): look at them.
 * Skipped (77) without chromium and chromedriver.
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
#include "photo_gen.h"
#include "uitest.h"

static ui_fixture fx;
static wb_browser w;

static void go(const char *path)
{
	char url[1400];

	snprintf(url, sizeof(url), "%s%s", fx.base, path);
	wb_go(&w, url);
}

static void a_household_with_a_mistake_then_a_stage(void **state)
{
	char ref[64], path[128], photo[1100], js[1400];
	size_t len = 0;
	uint8_t *jpeg = photo_gen_jpeg(640, 480, 3, 90, NULL, &len);
	FILE *f;

	(void)state;
	assert_non_null(jpeg);
	ui_store_new(&fx);
	ui_start(&fx, "vi_VN.UTF-8");
	wb_start(&w, fx.dir);
	wb_go(&w, fx.url);
	wb_wait_for(&w, "Số hộ theo tiến độ", NULL);
	go("household/new");
	wb_wait_script(&w, "return !!document.getElementById('f-national-id')", "true");
	wb_type(&w, "#f-name", "Nguyễn Thị Mai");
	wb_type(&w, "#f-national-id", "07912345");
	wb_type(&w, "#f-hamlet", "Ấp Hòa Thành");
	wb_type(&w, "#f-members", "5");
	wb_type(&w, "#f-phone", "0912 345 678");
	wb_click(&w, "#save");
	wb_wait_script(&w, "return !!document.getElementById('err-national-id')", "true");
	wb_wait_script(&w, "return document.getElementById('f-name').value", "\"Nguyễn Thị Mai\"");
	wb_wait_script(&w, "return document.getElementById('f-national-id').getAttribute('aria-invalid')",
		       "\"true\"");
	ui_shots(&w, "ui-form-household");
	/* fixed: added, and the browser is sent on to the household */
	wb_type(&w, "#f-national-id", "079123456789");
	wb_click(&w, "#save");
	wb_wait_script(&w,
		       "return location.pathname.startsWith('/household/') && "
		       "location.pathname !== '/household/new'",
		       "true");
	ui_agent_ref(&fx, "household find 'Nguyen Thi Mai'", ref, sizeof(ref));
	assert_true(ref[0] != '\0');

	/* the stage form: the next stage offered, a photo's preview */
	snprintf(path, sizeof(path), "milestone/new?hh=%s", ref);
	go(path);
	wb_wait_script(&w, "return !!document.getElementById('f-photo')", "true");
	wb_wait_script(&w, "return document.getElementById('f-stage').value", "\"surveyed\"");
	snprintf(photo, sizeof(photo), "%s/mai-nha.jpg", fx.dir);
	f = fopen(photo, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(jpeg, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	snprintf(js, sizeof(js), "{\"text\":\"%s\"}", photo);
	{
		char elem[256];
		const char *at;

		assert_int_equal(wb_call(&w, "POST", "element",
					 "{\"using\":\"css selector\",\"value\":\"#f-photo\"}"),
				 200);
		at = strstr(w.buf, "\"element-6066-11e4-a52e-4f735466cecf\":\"");
		assert_non_null(at);
		at += strlen("\"element-6066-11e4-a52e-4f735466cecf\":\"");
		snprintf(elem, sizeof(elem), "element/%.*s/value", (int)strcspn(at, "\""), at);
		assert_int_equal(wb_call(&w, "POST", elem, js), 200);
	}
	wb_wait_script(&w,
		       "return document.querySelectorAll('#photo-preview img[src^=\"data:image/jpeg\"]').length",
		       "1");
	wb_type(&w, "#f-note", "Nhà tạm, mái lá dột");
	/* the preview and the button in sight */
	wb_wait_script(&w, "document.getElementById('save').scrollIntoView(false); return true", "true");
	ui_shots(&w, "ui-form-milestone");
	go("contribution/new");
	wb_wait_script(&w, "return !!document.getElementById('f-source')", "true");
	ui_shots(&w, "ui-form-contribution");
	free(jpeg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_household_with_a_mistake_then_a_stage),
	};

	return ui_browser_main(tests, sizeof(tests) / sizeof(tests[0]), &w, &fx);
}
