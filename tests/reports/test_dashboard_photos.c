/*
 * test_dashboard_photos.c - a household's page and its photos on the
 * dashboard of a real "maiam-hub serve" (127.0.0.1, port 0, real TLS): a
 * photo stored the way an upload stores it (hub_photo_store), another one
 * whose bytes have not come, the household's own photo. Without a session
 * neither /household nor /photo/X nor /photo/X/thumb gives any of it (no
 * JPEG byte, not the household's name), and the answer for a photo is the
 * same whether the hub holds it or not; with a session they do, the bytes
 * the right ones by SHA-256; a malformed hash is 400, an unknown one 404.
 * The reconcile page links its households and photos to these pages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "ctx.h"
#include "hub.h"
#include "photo_store.h"
#include "report.h"
#include "reptest.h"
#include "photo_gen.h"
#include "webtest.h"
#include "../hub/hubtest.h"

#define NAME "Lâm Thị Ảnh Chứng"
#define OTHER "Trần Văn Khác"
#define PASSWORD_FORM "name=lan&password=m%E1%BA%ADt+kh%E1%BA%A9u+d%C3%A0i"

static struct fixture {
	ht_hub hub;
	char hid[48], other_hid[48];
	char photo_record[48]; /* the id of the record of 'own' */
	char held[65];         /* stored at the hub */
	char waiting[65];      /* named by a record, bytes not come */
	char own[65];          /* the household's own photo, stored */
	uint8_t *jpeg;
	size_t jpeg_len;
	char cookie[128];
} fx;

static void sha_hex(const uint8_t *p, size_t n, char hex[65])
{
	uint8_t sha[32];

	proto_sha256(p, n, sha);
	proto_hex(sha, 32, hex);
}

/* A generated JPEG, stored as an upload stores it (partial, then checked). */
static void store_photo(const char *dir, uint32_t seed, char hex[65], uint8_t **keep, size_t *keep_len)
{
	char err[512];
	size_t len;
	uint8_t *jpg = photo_gen_jpeg(800, 600, seed, 80, NULL, &len);
	hub_ctx ctx;
	bool ok = false;

	assert_non_null(jpg);
	sha_hex(jpg, len, hex);
	if (hub_open(&ctx, dir, err, sizeof(err)) != HUB_OK)
		fail_msg("hub_open: %s", err);
	assert_int_equal(hub_photo_partial_append(&ctx, 7, hex, 0, (int64_t)len, jpg, len, time(NULL)),
			 HUB_OK);
	assert_int_equal(hub_photo_store(&ctx, 7, hex, time(NULL), &ok), HUB_OK);
	assert_true(ok);
	hub_close(&ctx);
	if (keep) {
		*keep = jpg;
		*keep_len = len;
	} else {
		free(jpg);
	}
}

/* The household with a handed-over milestone and three photos; a second
 * household with the same held photo (a same_photo item) and a surveyed
 * milestone without one (missing evidence). */
static void seed(const char *dir)
{
	char path[512], err[512], waiting_bytes[] = "never sent";
	sqlite3 *db;
	proto_campaign c;
	rt_batch b;
	proto_id h, o, m, pid;

	store_photo(dir, 11, fx.held, &fx.jpeg, &fx.jpeg_len);
	store_photo(dir, 12, fx.own, NULL, NULL);
	sha_hex((const uint8_t *)waiting_bytes, strlen(waiting_bytes), fx.waiting);
	snprintf(path, sizeof(path), "%s/hub.db", dir);
	assert_int_equal(proto_db_open(path, &db), PROTO_OK);
	assert_int_equal(proto_campaign_load(MAIAM_SOURCE_DIR "/campaigns/soc-trang-2023.campaign", &c,
					     err, sizeof(err)),
			 PROTO_OK);
	assert_int_equal(hub_report_migrate(db, err, sizeof(err)), HUB_OK);
	rt_batch_init(&b, 0x0e0e0e0e0e0e0e0eull);
	h = rt_household(&b, 31498, NAME, NULL, "approved");
	m = rt_milestone(&b, h, "handed_over", "2023-08-01", NULL);
	rt_photo_at(&b, m, PROTO_KIND_MILESTONE, fx.held, "2023-08-01T09:30:05+07:00");
	rt_photo_at(&b, m, PROTO_KIND_MILESTONE, fx.waiting, "2023-08-01T02:31:00Z");
	/* taken after it reached the hub: a photo_time item (T-<photo record>) */
	pid = rt_photo_at(&b, h, PROTO_KIND_HOUSEHOLD, fx.own, "2099-01-01T08:00:00+07:00");
	o = rt_household(&b, 31498, OTHER, NULL, "approved");
	rt_milestone(&b, o, "surveyed", "2023-06-20", NULL);
	rt_photo(&b, rt_milestone(&b, o, "handed_over", "2023-08-02", NULL), PROTO_KIND_MILESTONE,
		 fx.held);
	rt_flush(&b, db);
	rt_batch_release(&b);
	/* where and with what the stored one was taken (rt_photo has neither) */
	snprintf(path, sizeof(path),
		 "UPDATE photo SET lat = 96001004, lon = 1059700000, camera = 'samsung SM-A525F'"
		 " WHERE sha256 = '%s'",
		 fx.held);
	assert_int_equal(sqlite3_exec(db, path, NULL, NULL, NULL), SQLITE_OK);
	snprintf(fx.hid, sizeof(fx.hid), "%016llx-%llu", (unsigned long long)h.origin,
		 (unsigned long long)h.serial);
	snprintf(fx.photo_record, sizeof(fx.photo_record), "%016llx-%llu",
		 (unsigned long long)pid.origin, (unsigned long long)pid.serial);
	snprintf(fx.other_hid, sizeof(fx.other_hid), "%016llx-%llu", (unsigned long long)o.origin,
		 (unsigned long long)o.serial);
	sqlite3_close(db);
	proto_campaign_release(&c);
}

static int setup(void **state)
{
	char dir[300], cmd[1024];

	(void)state;
	memset(&fx, 0, sizeof(fx));
	assert_int_equal(ht_hub_init(&fx.hub), 0);
	snprintf(dir, sizeof(dir), "%s/hub", fx.hub.dir);
	seed(dir);
	snprintf(cmd, sizeof(cmd),
		 "printf '%%s\\n' 'mật khẩu dài' | '%s' operator add lan --role admin --dir '%s' >/dev/null",
		 MAIAM_HUB_BIN, dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ht_hub_start(&fx.hub, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ht_hub_stop(&fx.hub, 15);
	ht_hub_remove(&fx.hub);
	free(fx.jpeg);
	return 0;
}

static wt_resp r;

/* Does the answer hold a JPEG's start of image (FF D8 FF) anywhere? */
static int has_jpeg(void)
{
	size_t i;

	for (i = 0; i + 2 < r.len; i++)
		if ((uint8_t)r.body[i] == 0xff && (uint8_t)r.body[i + 1] == 0xd8 &&
		    (uint8_t)r.body[i + 2] == 0xff)
			return 1;
	return 0;
}

/* GET (or POST form) path over TLS with the cookie (NULL: none). */
static void get(const char *path, const char *cookie, const char *post)
{
	char url[1024], origin[64];
	wt_req q = { .cookie = cookie, .post = post, .insecure = 1, .origin = origin };

	snprintf(url, sizeof(url), "https://127.0.0.1:%d%s", fx.hub.port, path);
	snprintf(origin, sizeof(origin), "https://127.0.0.1:%d", fx.hub.port);
	assert_int_equal(wt_fetch(url, &q, &r), 0);
}

/* Nothing of the household or of a JPEG in the answer. */
static void nothing_given(void)
{
	assert_null(strstr(r.body, "Lâm Thị"));
	assert_false(has_jpeg());
	assert_null(strstr(r.body, "/photo/"));
}

static void login(void)
{
	get("/login", NULL, PASSWORD_FORM);
	assert_int_equal(r.status, 303);
	snprintf(fx.cookie, sizeof(fx.cookie), "%.*s", (int)strcspn(r.cookie, ";"), r.cookie);
	assert_non_null(strstr(fx.cookie, "maiam_session="));
}

static void test_nothing_without_a_session(void **state)
{
	char path[256], body[512];
	long status;

	(void)state;
	snprintf(path, sizeof(path), "/household?id=%s", fx.hid);
	get(path, NULL, NULL);
	assert_int_equal(r.status, 200); /* the sign-in page, as every page */
	assert_non_null(strstr(r.body, "Đăng nhập"));
	nothing_given();
	get(path, "maiam_session=00000000000000000000000000000000000000000000000000000000000000aa", NULL);
	assert_non_null(strstr(r.body, "Đăng nhập"));
	nothing_given();

	/* the held photo, its thumbnail, and one the hub does not hold: one answer */
	snprintf(path, sizeof(path), "/photo/%s", fx.held);
	get(path, NULL, NULL);
	status = r.status;
	assert_true(r.len < sizeof(body));
	memcpy(body, r.body, r.len + 1);
	assert_int_equal(status, 403);
	nothing_given();
	snprintf(path, sizeof(path), "/photo/%s/thumb", fx.held);
	get(path, NULL, NULL);
	assert_int_equal(r.status, status);
	assert_string_equal(r.body, body);
	nothing_given();
	snprintf(path, sizeof(path), "/photo/%s", fx.waiting);
	get(path, NULL, NULL);
	assert_int_equal(r.status, status);
	assert_string_equal(r.body, body);
	get("/photo/0000000000000000000000000000000000000000000000000000000000000001/thumb", NULL, NULL);
	assert_int_equal(r.status, status);
	assert_string_equal(r.body, body);
}

static void test_the_page_and_the_photos_with_a_session(void **state)
{
	char path[512], got[65];
	sqlite3 *db;
	sqlite3_stmt *st;

	(void)state;
	login();
	snprintf(path, sizeof(path), "/household?id=%s", fx.hid);
	get(path, fx.cookie, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.content_type, "text/html"));
	assert_non_null(strstr(r.csp, "img-src 'self'"));
	assert_non_null(strstr(r.body, NAME));
	assert_non_null(strstr(r.body, "Phường 5 (31498)"));
	assert_non_null(strstr(r.body, "Bàn giao")); /* the stage and the milestone's group */
	assert_non_null(strstr(r.body, "Ảnh của chính hộ"));
	snprintf(path, sizeof(path),
		 "<a href=\"/photo/%s\"><img src=\"/photo/%s/thumb\" width=\"240\" height=\"180\"",
		 fx.held, fx.held);
	assert_non_null(strstr(r.body, path));
	assert_non_null(strstr(r.body, "alt=\"Ảnh "));
	assert_non_null(strstr(r.body, "Chụp lúc: 01/08/2023 09:30"));
	assert_non_null(strstr(r.body, "Chụp lúc: 01/08/2023 09:31")); /* 02:31Z in Vietnam time */
	assert_non_null(strstr(r.body, "Vị trí: 9.60010, 105.97000"));
	assert_non_null(strstr(r.body, "không có vị trí"));
	assert_non_null(strstr(r.body, "samsung SM-A525F"));
	snprintf(path, sizeof(path), "<code>%.8s</code>", fx.waiting);
	assert_non_null(strstr(r.body, path));
	assert_non_null(strstr(r.body, "Máy chủ tỉnh chưa nhận được ảnh"));
	assert_non_null(strstr(r.body, "Đã nhận tại máy chủ tỉnh"));
	snprintf(path, sizeof(path), "/photo/%s/thumb", fx.waiting); /* no thumbnail of what is not held */
	assert_null(strstr(r.body, path));

	/* the photo: its bytes, named by their SHA-256 */
	snprintf(path, sizeof(path), "/photo/%s", fx.held);
	get(path, fx.cookie, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.content_type, "image/jpeg");
	assert_string_equal(r.nosniff, "nosniff");
	assert_non_null(strstr(r.cache_control, "private"));
	assert_non_null(strstr(r.cache_control, "max-age="));
	assert_int_equal(r.len, fx.jpeg_len);
	assert_memory_equal(r.body, fx.jpeg, fx.jpeg_len);
	sha_hex((const uint8_t *)r.body, r.len, got);
	assert_string_equal(got, fx.held);

	/* the thumbnail: the one made at ingest */
	snprintf(path, sizeof(path), "/photo/%s/thumb", fx.held);
	get(path, fx.cookie, NULL);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.content_type, "image/jpeg");
	assert_memory_equal(r.body, "\xff\xd8\xff", 3);
	snprintf(path, sizeof(path), "%s/hub/hub.db", fx.hub.dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT thumb FROM hub_photo WHERE lower(hex(sha256)) = ?1",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, fx.held, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(r.len, (size_t)sqlite3_column_bytes(st, 0));
	assert_memory_equal(r.body, sqlite3_column_blob(st, 0), r.len);
	sqlite3_finalize(st);
	sqlite3_close(db);

	/* not held: 404; malformed: 400 */
	snprintf(path, sizeof(path), "/photo/%s", fx.waiting);
	get(path, fx.cookie, NULL);
	assert_int_equal(r.status, 404);
	assert_false(has_jpeg());
	snprintf(path, sizeof(path), "/photo/%s/thumb", fx.waiting);
	get(path, fx.cookie, NULL);
	assert_int_equal(r.status, 404);
	get("/photo/ABCDEF", fx.cookie, NULL);
	assert_int_equal(r.status, 400);
	snprintf(path, sizeof(path), "/photo/%.63sG", fx.held);
	get(path, fx.cookie, NULL);
	assert_int_equal(r.status, 400);
	snprintf(path, sizeof(path), "/photo/%s/full", fx.held);
	get(path, fx.cookie, NULL);
	assert_int_equal(r.status, 400);
}

static void test_finding_a_household(void **state)
{
	(void)state;
	login();
	get("/", fx.cookie, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "action=\"/household\""));
	assert_non_null(strstr(r.body, "Tìm hộ"));
	get("/household?id=no+such+thing", fx.cookie, NULL);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "không phải là mã hộ"));
	get("/household?id=0123456789abcdef-12", fx.cookie, NULL);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "không có hộ nào"));
	get("/household", fx.cookie, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Tìm hộ"));
	/* the other household: a photo of the first one, a stage without one */
	{
		char path[128];
		snprintf(path, sizeof(path), "/household?id=+%s+", fx.other_hid);
		get(path, fx.cookie, NULL);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(r.body, OTHER));
		assert_null(strstr(r.body, NAME));
	}
}

static void test_the_reconcile_page_links(void **state)
{
	char link[256];

	(void)state;
	login();
	get("/report?kind=reconcile&format=html", fx.cookie, NULL);
	assert_int_equal(r.status, 200);
	/* the same photo on both households: each a link, and the photo too */
	snprintf(link, sizeof(link), "<a href=\"/household?id=%s\">%s</a>", fx.hid, fx.hid);
	assert_non_null(strstr(r.body, link));
	snprintf(link, sizeof(link), "<a href=\"/household?id=%s\">%s</a>", fx.other_hid, fx.other_hid);
	assert_non_null(strstr(r.body, link));
	snprintf(link, sizeof(link), "<a href=\"/photo/%s\">%s</a>", fx.held, fx.held);
	assert_non_null(strstr(r.body, link));
	assert_non_null(strstr(r.body, "E-")); /* missing evidence: the surveyed stage */
	/* the photo_time item: its household a link, its photo record's id (the
	 * same shape as a household's) not one */
	snprintf(link, sizeof(link), "T-%s", fx.photo_record);
	assert_non_null(strstr(r.body, link));
	snprintf(link, sizeof(link), "ảnh %s chụp lúc", fx.photo_record);
	assert_non_null(strstr(r.body, link));
	snprintf(link, sizeof(link), "/household?id=%s\"", fx.photo_record);
	assert_null(strstr(r.body, link));
	/* the CSV has no HTML */
	get("/report?kind=reconcile&format=csv", fx.cookie, NULL);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, "<a href"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_without_a_session),
		cmocka_unit_test(test_the_page_and_the_photos_with_a_session),
		cmocka_unit_test(test_finding_a_household),
		cmocka_unit_test(test_the_reconcile_page_links),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
