/*
 * uihousehold.c - the household of the household page's tests (uihousehold.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "photo_gen.h"
#include "uihousehold.h"

void ui_photo_file(const char *dir, const char *name, unsigned seed)
{
	const photo_gen_exif exif = { .datetime = "2023:06:20 09:30:05", .offset = "+07:00" };
	char path[1024];
	size_t len = 0;
	uint8_t *jpeg = photo_gen_jpeg(1200, 900, seed, 90, &exif, &len);
	FILE *f;

	assert_non_null(jpeg);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(jpeg, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(jpeg);
}

/* A member of a JSON object as text into out; the test fails without it. */
static void member(json_t *o, const char *key, char *out, size_t n)
{
	const char *v = json_string_value(json_object_get(o, key));

	if (!v)
		fail_msg("no \"%s\" in household show's JSON", key);
	snprintf(out, n, "%s", v);
}

/* The short references 'household show --json' gives the events, and the
 * hash of the first milestone's first photo. */
static void event_refs(ui_household *h)
{
	char cmd[1024], out[1 << 16];
	json_t *all, *ms, *ct;
	json_error_t err;
	size_t len;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "'%s' household show '%s' --json", MAIAM_AGENT_BIN, h->ref);
	p = popen(cmd, "r");
	assert_non_null(p);
	len = fread(out, 1, sizeof(out) - 1, p);
	out[len] = '\0';
	assert_int_equal(pclose(p), 0);
	all = json_loads(out, 0, &err);
	if (!all)
		fail_msg("household show --json: %s\n%s", err.text, out);
	ms = json_object_get(all, "milestones");
	ct = json_object_get(all, "contributions");
	assert_int_equal(json_array_size(ms), 2);
	assert_int_equal(json_array_size(ct), 2);
	member(json_array_get(ms, 0), "ref", h->surveyed, sizeof(h->surveyed));
	member(json_array_get(ms, 1), "ref", h->approved, sizeof(h->approved));
	member(json_array_get(ct, 0), "ref", h->gift, sizeof(h->gift));
	member(json_array_get(ct, 1), "ref", h->labour, sizeof(h->labour));
	member(json_array_get(json_object_get(json_array_get(ms, 0), "photos"), 0), "sha256",
	       h->photo_hex, sizeof(h->photo_hex));
	json_decref(all);
}

void ui_store_household(ui_fixture *f, ui_household *h)
{
	char cmd[2048];

	memset(h, 0, sizeof(*h));
	ui_store_new(f);
	ui_photo_file(f->dir, "front.jpg", 7);
	ui_photo_file(f->dir, "side.jpg", 8);
	ui_photo_file(f->dir, "house.jpg", 9);
	ui_agent_ref(f,
		     "household add --name 'Lâm Thị Hoa' --hamlet 'Ấp 3' --members 4 --category poor"
		     " --national-id 094078001234 --address 'Số 12, đường Lê Lợi' --land-status certified"
		     " --condition 'Nhà tạm, mái dột' --phone 0912345678 --note 'Con nhỏ' --support-kind new_build",
		     h->ref, sizeof(h->ref));
	snprintf(cmd, sizeof(cmd),
		 "milestone '%s' surveyed --date 2023-06-20 --note 'Mái dột nặng' --photo '%s/front.jpg'"
		 " --photo '%s/side.jpg'",
		 h->ref, f->dir, f->dir);
	ui_agent(f, cmd);
	snprintf(cmd, sizeof(cmd), "milestone '%s' approved --date 2023-06-25", h->ref);
	ui_agent(f, cmd);
	snprintf(cmd, sizeof(cmd), "photo add '%s' '%s/house.jpg'", h->ref, f->dir);
	ui_agent(f, cmd);
	snprintf(cmd, sizeof(cmd),
		 "contribution add --household '%s' --source donor --money 25000000 --donor 'Ông Tư'"
		 " --date 2023-06-26",
		 h->ref);
	ui_agent(f, cmd);
	snprintf(cmd, sizeof(cmd),
		 "contribution add --household '%s' --source household --labour-days 12 --date 2023-06-27",
		 h->ref);
	ui_agent(f, cmd);
	event_refs(h);
	snprintf(cmd, sizeof(cmd), "contribution void '%s' --reason 'ghi nhầm'", h->labour);
	ui_agent(f, cmd);
}
