/*
 * test_ui_forms.c - the forms of "maiam-agent ui" from outside, with
 * libcurl: the real binary on a store the CLI made. A household added with
 * a mistake shows the error at its field, keeps what was typed and writes
 * nothing; fixed, it is added (303 to its page) and the CLI shows it with
 * its diacritics; an edit changes it; a stage is recorded with a JPEG sent
 * as a browser sends a file (multipart); a stage out of order is refused
 * with the command's message and the field for the reason, then recorded
 * with one; a contribution is recorded with a date typed dd/mm/yyyy; a
 * form without its CSRF token is refused and writes nothing; under LANG=C
 * the forms speak English.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "photo_gen.h"
#include "testmain.h"
#include "uitest.h"
#include "webtest.h"

static ui_fixture fx;
static wt_resp resp; /* large: not on the stack */
static char csrf[80];
static char origin[64];

/* A new store and "maiam-agent ui" on it under locale lang, with a session. */
static int start_in(const char *lang)
{
	ui_store_new(&fx);
	ui_start(&fx, lang);
	ui_session(&fx);
	snprintf(origin, sizeof(origin), "http://127.0.0.1:%d", fx.port);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	return start_in("vi_VN.UTF-8");
}

static int setup_english(void **state)
{
	(void)state;
	return start_in("C");
}

static int teardown(void **state)
{
	(void)state;
	ui_stop(&fx);
	return 0;
}

/* GET path (after the base's '/'), into resp; and the page's CSRF token. */
static void get(const char *path)
{
	char url[1024];
	wt_req q = { .cookie = fx.cookie };
	const char *at;

	snprintf(url, sizeof(url), "%s%s", fx.base, path);
	assert_int_equal(wt_fetch(url, &q, &resp), 0);
	at = strstr(resp.body, "name=\"csrf\" value=\"");
	if (at) {
		at += strlen("name=\"csrf\" value=\"");
		snprintf(csrf, sizeof(csrf), "%.*s", (int)strcspn(at, "\""), at);
	}
}

/* POST the url-encoded form (without the token: with_csrf adds it). */
static void post(const char *path, const char *form, int with_csrf)
{
	char url[1024], body[4096];
	wt_req q = { .cookie = fx.cookie, .origin = origin, .post = body };

	snprintf(url, sizeof(url), "%s%s", fx.base, path);
	snprintf(body, sizeof(body), "%s%s%s", with_csrf ? "csrf=" : "", with_csrf ? csrf : "",
		 with_csrf ? (form[0] ? "&" : "") : "");
	strncat(body, form, sizeof(body) - strlen(body) - 1);
	assert_int_equal(wt_fetch(url, &q, &resp), 0);
}

/* What "maiam-agent ARGS" prints under LANG=C (its words stay the same
 * whatever the test's locale), into out. */
static void cli(char *out, size_t n, const char *fmt, ...)
{
	char cmd[2048], args[1024];
	size_t len;
	va_list ap;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "LANG=C '%s' %s 2>&1", MAIAM_AGENT_BIN, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	len = fread(out, 1, n - 1, p);
	out[len] = '\0';
	pclose(p);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' is not in:\n%s", needle, hay);
}

/* assert_contains for each string up to NULL. */
static void assert_has(const char *hay, ...)
{
	va_list ap;

	va_start(ap, hay);
	for (const char *needle = va_arg(ap, const char *); needle; needle = va_arg(ap, const char *))
		assert_contains(hay, needle);
	va_end(ap);
}

/* Add a household through the form; its ref (from the 303) into ref. */
static void add_household(const char *form, char *ref, size_t n)
{
	get("household/new");
	post("household/new", form, 1);
	assert_int_equal(resp.status, 303);
	assert_true(strncmp(resp.location, "/household/", 11) == 0);
	assert_true(strlen(resp.location + 11) < n);
	memcpy(ref, resp.location + 11, strlen(resp.location + 11) + 1);
}

static void a_mistake_is_shown_at_its_field_and_nothing_is_written(void **state)
{
	char out[8192], ref[32];

	(void)state;
	get("household/new");
	assert_int_equal(resp.status, 200);
	assert_has(resp.body, "<label for=\"f-national-id\">", "<button type=\"submit\" id=\"save\">",
		   NULL);
	/* the category's pick-list: codes as values, the rulebook's labels */
	assert_contains(resp.body, "<option value=\"near_poor\">Hộ cận nghèo</option>");
	post("household/new",
	     "name=Tr%E1%BA%A7n+Th%E1%BB%8B+B%C3%A9&national-id=12345&hamlet=%E1%BA%A4p+3"
	     "&members=4&category=poor",
	     1);
	assert_int_equal(resp.status, 422);
	/* the command's reason beside the national id, in Vietnamese */
	assert_has(resp.body, "aria-invalid=\"true\" aria-describedby=\"err-national-id\"",
		   "<p class=\"error\" id=\"err-national-id\" role=\"alert\">", "12 chữ số", NULL);
	/* what was typed is kept */
	assert_has(resp.body, "value=\"Trần Thị Bé\"", "value=\"12345\"",
		   "<option value=\"poor\" selected>", NULL);
	/* a field with no mistake has no error */
	assert_null(strstr(resp.body, "err-name"));
	cli(out, sizeof(out), "household list");
	assert_null(strstr(out, "Bé"));

	/* fixed: added, and the CLI shows it with its diacritics */
	post("household/new",
	     "name=Tr%E1%BA%A7n+Th%E1%BB%8B+B%C3%A9&national-id=079123456789&hamlet=%E1%BA%A4p+3"
	     "&address=&members=4&category=poor&land-status=rented&support-kind=",
	     1);
	assert_int_equal(resp.status, 303);
	assert_true(strncmp(resp.location, "/household/", 11) == 0);
	assert_true(strlen(resp.location + 11) < sizeof(ref));
	memcpy(ref, resp.location + 11, strlen(resp.location + 11) + 1);
	cli(out, sizeof(out), "household show %s", ref);
	assert_has(out, "Trần Thị Bé", "079123456789", "Ấp 3", "rented", NULL);
}

static void several_mistakes_at_once_and_a_required_field(void **state)
{
	char form[3000];
	size_t at;

	(void)state;
	get("household/new");
	snprintf(form, sizeof(form),
		 "name=&hamlet=%%E1%%BA%%A4p+3&members=120&category=poor&phone=12&note=");
	at = strlen(form);
	memset(form + at, 'x', 2100); /* longer than any field the form reads */
	form[at + 2100] = '\0';
	post("household/new", form, 1);
	assert_int_equal(resp.status, 422);
	assert_has(resp.body, "id=\"err-name\"", "id=\"err-members\"", "id=\"err-phone\"",
		   "id=\"err-note\"", NULL);
	assert_null(strstr(resp.body, "id=\"err-hamlet\""));
	assert_contains(resp.body, "value=\"120\"");
}

static void a_national_id_held_by_another_household(void **state)
{
	char first[32];

	(void)state;
	add_household("name=An&national-id=079123456789&hamlet=A&members=2&category=poor", first,
		      sizeof(first));
	post("household/new", "name=Binh&national-id=079123456789&hamlet=A&members=2&category=poor", 1);
	assert_int_equal(resp.status, 422);
	assert_has(resp.body, "id=\"err-national-id\"", first, NULL);
}

static void an_edit_changes_the_household(void **state)
{
	char ref[32], path[64], out[8192];

	(void)state;
	add_household("name=L%C3%A2m+Hoa&hamlet=%E1%BA%A4p+3&members=4&category=poor&phone=0912345678",
		      ref, sizeof(ref));
	snprintf(path, sizeof(path), "edit/%s", ref);
	get(path);
	assert_int_equal(resp.status, 200);
	assert_has(resp.body, "value=\"Lâm Hoa\"", "value=\"0912345678\"",
		   "<option value=\"poor\" selected>", NULL);
	/* members changed, the phone cleared, the rest as it was */
	post(path,
	     "name=L%C3%A2m+Hoa&national-id=&hamlet=%E1%BA%A4p+3&address=&members=6&category=near_poor"
	     "&land-status=&condition=&phone=&note=&support-kind=repair",
	     1);
	assert_int_equal(resp.status, 303);
	snprintf(out, sizeof(out), "/household/%s", ref);
	assert_string_equal(resp.location, out);
	cli(out, sizeof(out), "household show %s", ref);
	assert_has(out, "members:       6", "near_poor", "repair", "phone:         -", NULL);
	/* a field the form does not send is left as it is */
	post(path, "members=7", 1);
	assert_int_equal(resp.status, 303);
	cli(out, sizeof(out), "household show %s", ref);
	assert_has(out, "members:       7", "Lâm Hoa", "repair", NULL);
	/* a mistake in an edit keeps what was typed and changes nothing */
	post(path, "name=L%C3%A2m+Hoa&hamlet=%E1%BA%A4p+3&members=0&category=poor", 1);
	assert_int_equal(resp.status, 422);
	assert_contains(resp.body, "id=\"err-members\"");
	cli(out, sizeof(out), "household show %s", ref);
	assert_contains(out, "members:       7");
	/* no such household */
	get("edit/ZZZZ-99");
	assert_int_equal(resp.status, 404);
}

/* A multipart POST of the milestone form as a browser sends it: text
 * fields, then each photo as a file part. */
static void post_milestone(const char *fields[][2], const uint8_t *photo, size_t photo_len)
{
	char url[1024], cookie[256], origin_h[128];
	CURL *c = curl_easy_init();
	curl_mime *mime;
	curl_mimepart *part;
	struct curl_slist *h = NULL;
	wt_sink sink = { resp.body, 0, sizeof(resp.body) };
	struct curl_header *lh;

	assert_non_null(c);
	mime = curl_mime_init(c);
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "csrf");
	curl_mime_data(part, csrf, CURL_ZERO_TERMINATED);
	for (size_t i = 0; fields[i][0]; i++) {
		part = curl_mime_addpart(mime);
		curl_mime_name(part, fields[i][0]);
		curl_mime_data(part, fields[i][1], CURL_ZERO_TERMINATED);
	}
	part = curl_mime_addpart(mime);
	curl_mime_name(part, "photo");
	if (photo) {
		curl_mime_data(part, (const char *)photo, photo_len);
		curl_mime_filename(part, "mái nhà.jpg");
		curl_mime_type(part, "image/jpeg");
	} else { /* no file chosen: an empty file part, as browsers send it */
		curl_mime_data(part, "", 0);
		curl_mime_filename(part, "");
		curl_mime_type(part, "application/octet-stream");
	}
	snprintf(url, sizeof(url), "%smilestone/new", fx.base);
	snprintf(cookie, sizeof(cookie), "%s", fx.cookie);
	snprintf(origin_h, sizeof(origin_h), "Origin: %s", origin);
	h = curl_slist_append(h, origin_h);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, wt_sink_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	resp.body[0] = '\0';
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
	resp.location[0] = '\0';
	if (curl_easy_header(c, "Location", 0, CURLH_HEADER, -1, &lh) == CURLHE_OK)
		snprintf(resp.location, sizeof(resp.location), "%.63s", lh->value);
	curl_slist_free_all(h);
	curl_mime_free(mime);
	curl_easy_cleanup(c);
}

static void a_stage_with_a_photo_then_one_out_of_order(void **state)
{
	char ref[32], path[96], out[8192], want[96];
	size_t jpeg_len = 0;
	uint8_t *jpeg = photo_gen_jpeg(800, 600, 7, 90, NULL, &jpeg_len);

	(void)state;
	assert_non_null(jpeg);
	add_household("name=Tr%E1%BA%A7n+V%C4%83n+B%C3%A9&hamlet=%E1%BA%A4p+3&members=2&category=poor",
		      ref, sizeof(ref));
	/* the form offers the next stage: the first, for a new household */
	snprintf(path, sizeof(path), "milestone/new?hh=%s", ref);
	get(path);
	assert_int_equal(resp.status, 200);
	assert_has(resp.body, "<option value=\"surveyed\" selected>Khảo sát</option>",
		   "enctype=\"multipart/form-data\"", "type=\"date\"", "id=\"f-photo\" name=\"photo\"",
		   "<script src=\"/js/photos.js\" defer>", NULL);
	/* the reason field waits until it is needed */
	assert_null(strstr(resp.body, "f-force"));
	{
		const char *fields[][2] = { { "hh", ref },
					    { "stage", "surveyed" },
					    { "date", "2023-06-20" },
					    { "note", "nhà dột" },
					    { NULL, NULL } };

		post_milestone(fields, jpeg, jpeg_len);
	}
	assert_int_equal(resp.status, 303);
	snprintf(want, sizeof(want), "/household/%s#timeline", ref);
	assert_string_equal(resp.location, want);
	cli(out, sizeof(out), "household show %s", ref);
	assert_has(out, "surveyed", "2023-06-20", "surveyed     nhà dột\n             photo ", "800x600",
		   NULL);
	/* the photo's temporary file is gone */
	{
		char cmd[1200];

		snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s/home/ui-tmp')\"", fx.dir);
		assert_int_equal(system(cmd), 0);
	}
	/* walls before approved: refused with the command's words, the reason asked */
	get(path);
	assert_contains(resp.body, "<option value=\"approved\" selected>");
	{
		const char *fields[][2] = { { "hh", ref },
					    { "stage", "walls" },
					    { "date", "2023-06-21" },
					    { "note", "" },
					    { NULL, NULL } };

		post_milestone(fields, NULL, 0);
	}
	assert_int_equal(resp.status, 422);
	assert_has(resp.body, "<p class=\"error\" id=\"err-form\" role=\"alert\">", "Xong tường",
		   "id=\"f-force\" name=\"force\"", "<option value=\"walls\" selected>",
		   "value=\"2023-06-21\"", "hãy nêu lý do ở ô bên dưới", NULL);
	/* the command's option is no word for a form */
	assert_null(strstr(resp.body, "--force"));
	{
		const char *fields[][2] = { { "hh", ref },
					    { "stage", "walls" },
					    { "date", "21/06/2023" },
					    { "force", "duyệt muộn, đã xây xong tường" },
					    { NULL, NULL } };

		post_milestone(fields, NULL, 0);
	}
	assert_int_equal(resp.status, 303);
	cli(out, sizeof(out), "household show %s", ref);
	assert_has(out, "walls", "forced: duyệt muộn, đã xây xong tường", NULL);
	/* a file that is no photo: refused beside the photo field, by the name given */
	{
		const char *fields[][2] = {
			{ "hh", ref }, { "stage", "roof" }, { "date", "2023-06-22" }, { NULL, NULL }
		};

		post_milestone(fields, (const uint8_t *)"not a photo", 11);
	}
	assert_int_equal(resp.status, 422);
	assert_has(resp.body, "id=\"err-photo\"", "mái nhà.jpg", NULL);
	assert_null(strstr(resp.body, "ui-tmp"));
	free(jpeg);
}

static void a_contribution_for_a_household(void **state)
{
	char ref[32], path[96], out[8192], want[96];

	(void)state;
	add_household("name=An&hamlet=A&members=2&category=poor", ref, sizeof(ref));
	snprintf(path, sizeof(path), "contribution/new?hh=%s", ref);
	get(path);
	assert_int_equal(resp.status, 200);
	assert_has(resp.body, "<option value=\"fatherland_front\">Mặt trận Tổ quốc</option>",
		   "id=\"f-labour-days\"", NULL);
	/* nothing given: said in plain words, nothing written */
	snprintf(out, sizeof(out), "hh=%s&source=donor&money=&date=20%%2F06%%2F2023", ref);
	post("contribution/new", out, 1);
	assert_int_equal(resp.status, 422);
	assert_contains(resp.body, "id=\"err-form\"");
	/* no date */
	snprintf(out, sizeof(out), "hh=%s&source=donor&money=1000&date=", ref);
	post("contribution/new", out, 1);
	assert_int_equal(resp.status, 422);
	assert_contains(resp.body, "id=\"err-date\"");
	/* a value without its material */
	snprintf(out, sizeof(out), "hh=%s&source=donor&material-value=500000&date=20%%2F06%%2F2023", ref);
	post("contribution/new", out, 1);
	assert_int_equal(resp.status, 422);
	assert_contains(resp.body, "id=\"err-material-value\"");
	/* a bad amount at its field */
	snprintf(out, sizeof(out), "hh=%s&source=donor&money=abc&date=20%%2F06%%2F2023", ref);
	post("contribution/new", out, 1);
	assert_int_equal(resp.status, 422);
	assert_has(resp.body, "id=\"err-money\"", "value=\"abc\"", NULL);
	snprintf(out, sizeof(out),
		 "hh=%s&source=fatherland_front&money=25.000.000&labour-days=&material=&material-value="
		 "&donor=Nh%%C3%%B3m+thi%%E1%%BB%%87n+nguy%%E1%%BB%%87n&date=20%%2F06%%2F2023&note=",
		 ref);
	post("contribution/new", out, 1);
	assert_int_equal(resp.status, 303);
	snprintf(want, sizeof(want), "/household/%s#contributions", ref);
	assert_string_equal(resp.location, want);
	cli(out, sizeof(out), "contribution list --household %s", ref);
	assert_has(out, "2023-06-20", "fatherland_front", "25,000,000 VND", "Nhóm thiện nguyện", NULL);
}

static void a_form_without_its_token_writes_nothing(void **state)
{
	char out[8192];

	(void)state;
	get("household/new");
	post("household/new", "name=Kh%C3%B4ng+Token&hamlet=A&members=2&category=poor", 0);
	assert_int_equal(resp.status, 403);
	post("contribution/new", "source=donor&money=1000", 0);
	assert_int_equal(resp.status, 403);
	cli(out, sizeof(out), "household list");
	assert_null(strstr(out, "Token"));
	cli(out, sizeof(out), "contribution list");
	assert_null(strstr(out, "donor"));
}

static void the_photo_preview_script(void **state)
{
	(void)state;
	get("js/photos.js");
	assert_int_equal(resp.status, 200);
	assert_contains(resp.content_type, "javascript");
	assert_contains(resp.body, "FileReader");
}

static void the_forms_in_english_under_lang_c(void **state)
{
	(void)state;
	get("household/new");
	assert_int_equal(resp.status, 200);
	/* English words; the value lists' codes, as the CLI shows them */
	assert_has(resp.body, "<html lang=\"en\"", "Name of the head of household",
		   "<option value=\"near_poor\">near_poor</option>", "Add the household", NULL);
	post("household/new", "name=An&national-id=123&hamlet=A&members=2&category=poor", 1);
	assert_int_equal(resp.status, 422);
	assert_has(resp.body, "<p class=\"error\" id=\"err-national-id\" role=\"alert\">", "12 digits",
		   NULL);
}

TEST_MAIN(cmocka_unit_test_setup_teardown(a_mistake_is_shown_at_its_field_and_nothing_is_written, setup,
					  teardown),
	  cmocka_unit_test_setup_teardown(several_mistakes_at_once_and_a_required_field, setup, teardown),
	  cmocka_unit_test_setup_teardown(a_national_id_held_by_another_household, setup, teardown),
	  cmocka_unit_test_setup_teardown(an_edit_changes_the_household, setup, teardown),
	  cmocka_unit_test_setup_teardown(a_stage_with_a_photo_then_one_out_of_order, setup, teardown),
	  cmocka_unit_test_setup_teardown(a_contribution_for_a_household, setup, teardown),
	  cmocka_unit_test_setup_teardown(a_form_without_its_token_writes_nothing, setup, teardown),
	  cmocka_unit_test_setup_teardown(the_photo_preview_script, setup, teardown),
	  cmocka_unit_test_setup_teardown(the_forms_in_english_under_lang_c, setup_english, teardown))
