/*
 * test_hub_photo_upload.c - photos' bytes through a real hub (docs/PROTOCOL.md,
 * "Photos"): A pushes the records of a real JPEG, of bytes that lie about
 * their hash and of many small photos; want lists the JPEG and refuses a
 * hash no record names; the JPEG goes up in two ranges with a connection
 * cut in the middle of the second, whose bytes that came the hub keeps,
 * and resumes from the offset the hub says;
 * a wrong START is refused with that offset; the lying bytes are refused
 * and their partial dropped; an agent of the same commune cannot upload
 * A's photo; the stored file is named by its hash, its row has a thumbnail
 * and a dHash; A's partials stay under their bounds, the oldest dropped;
 * audit verify re-hashes the stored photos: it passes, then fails naming a
 * photo whose file had a byte flipped, then one whose file was deleted;
 * household show lists the photos; photo export writes a stored photo's
 * bytes, checked; a household past its photos per target is refused.
 * Cuts: the bytes of a range cut short are kept only where the whole
 * range would have been (not for an unnamed photo, a wrong START, no
 * certificate, no body byte, another laptop's photo, past the day's
 * quota); a photo cut 20 times is stored with each byte sent once; two
 * uploads of one laptop side by side; the third laptop of a line uploads
 * the photo its first one's record names. A laptop resumes its TLS session
 * after a cut, but not once revoked.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <dirent.h>
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>
#include "hubtest.h"
#include "maiam/rules.h"
#include "photo_gen.h"
#include "testmain.h"

#define COMMUNE 31498
#define NSMALL 10       /* small photos: more than the 8 partials an agent keeps */
#define SMALL_BYTES 100 /* each */
#define MAX_PARTIALS 8  /* HUB_PARTIALS_PER_AGENT */

static ht_hub hub;
static ht_agent a, b;
static proto_id hh; /* A's household: the photos' (one through its milestone) */
static uint8_t *jpeg, liar[3000], small[NSMALL][SMALL_BYTES];
static size_t jpeg_len;
static char jpeg_hex[65], liar_hex[65], small_hex[NSMALL][65];
#define CUT_BYTES 200000 /* the photo cut 20 times */
#define PAIR_BYTES 60000 /* each of the two sent side by side */
#define SENTINEL_BYTES 100000
#define DAY_BYTES (256LL << 20) /* HUB_PHOTO_DAY_BYTES */

static uint8_t *cut_photo, *pair[2], *sentinel, *line_photo;
static char cut_hex[65], pair_hex[2][65], sentinel_hex[65], line_hex[65];
static long long sentinel_at; /* the sentinel's bytes at the hub */
static const char unnamed_hex[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

static int group_setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	signal(SIGPIPE, SIG_IGN); /* the cut writes to a connection it then drops */
	return ht_hub_up(&hub, &a, COMMUNE, NULL);
}

static int group_teardown(void **state)
{
	(void)state;
	ht_hub_stop(&hub, SIGTERM);
	ht_agent_free(&a);
	ht_agent_free(&b);
	free(jpeg);
	free(cut_photo);
	free(pair[0]);
	free(pair[1]);
	free(sentinel);
	free(line_photo);
	if (ht_hub_remove(&hub))
		return -1;
	curl_global_cleanup();
	return 0;
}

/* ---- requests with the headers of the photo routes ---- */

typedef struct photo_resp {
	long status;
	char body[8192];
	size_t len;
	long long offset; /* Maiam-Offset, -1 absent */
} photo_resp;

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	photo_resp *r = arg;
	size_t k = size * n;

	if (r->len + k < sizeof(r->body)) {
		memcpy(r->body + r->len, p, k);
		r->len += k;
		r->body[r->len] = '\0';
	}
	return k;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	photo_resp *r = arg;
	char v[32] = "";

	ht_header_value(p, size * n, "Maiam-Offset", v, sizeof(v));
	if (v[0])
		r->offset = atoll(v);
	return size * n;
}

/* method on /v1/photos/<rest> as ag; range "" for no Content-Range. */
static void photo_req(ht_agent *ag, const char *method, const char *rest, const char *range,
		      const uint8_t *body, size_t len, photo_resp *r)
{
	char path[128], hdr[128];
	struct curl_slist *headers = NULL;
	CURL *c;

	snprintf(path, sizeof(path), "/v1/photos/%s", rest);
	c = ht_curl(&hub, NULL, ag, path, 60L);
	assert_non_null(c);
	memset(r, 0, sizeof(*r));
	r->offset = -1;
	if (range[0]) {
		snprintf(hdr, sizeof(hdr), "Content-Range: %s", range);
		headers = curl_slist_append(headers, hdr);
	}
	headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? (const char *)body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	}
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(c);
	curl_slist_free_all(headers);
}

/* PUT bytes [start, end] of data (total bytes) as ag. */
static void put_range(ht_agent *ag, const char *hex, const uint8_t *data, size_t start, size_t end,
		      size_t total, photo_resp *r)
{
	char range[96];

	snprintf(range, sizeof(range), "bytes %zu-%zu/%zu", start, end, total);
	photo_req(ag, "PUT", hex, range, data + start, end - start + 1, r);
}

static void want(ht_agent *ag, const char *json, photo_resp *r)
{
	photo_req(ag, "POST", "want", "", (const uint8_t *)json, strlen(json), r);
}

/* The item of hex in a want answer: its text up to its closing brace. */
static void want_item(const photo_resp *r, const char *hex, char *out, size_t n)
{
	const char *p = strstr(r->body, hex);
	const char *end = p ? strchr(p, '}') : NULL;

	assert_non_null(end);
	snprintf(out, n, "%.*s", (int)(end - p), p);
}

static void photo_record(proto_changeset *cs, proto_id id, proto_id target, int target_kind,
			 const char *hex, size_t bytes)
{
	uint64_t st = proto_hlc_now(&a.clock, proto_wall_ms());

	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_PHOTO, id, st, a.id), PROTO_OK);
	assert_int_equal(proto_changeset_add_ref(cs, PROTO_PH_TARGET, 0, target), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_PH_TARGET_KIND, 0, target_kind), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_PH_SHA256, 0, hex, 64), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_PH_BYTES, 0, (int64_t)bytes), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_PH_TYPE, 0, "image/jpeg", 10), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_PH_WIDTH, 0, 640), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_PH_HEIGHT, 0, 480), PROTO_OK);
}

static void hex_of(const uint8_t *p, size_t len, char out[65])
{
	uint8_t sha[32];

	proto_sha256(p, len, sha);
	proto_hex(sha, 32, out);
}

/* ---- the tests, in order ---- */

static void records_first(void **state)
{
	proto_changeset cs;
	uint64_t serial = a.serial;
	proto_id ms;
	uint8_t other[sizeof(liar)];
	size_t i;

	(void)state;
	jpeg = photo_gen_jpeg(640, 480, 7, 90, NULL, &jpeg_len);
	assert_non_null(jpeg);
	assert_true(jpeg_len > 4096); /* two ranges of real size */
	hex_of(jpeg, jpeg_len, jpeg_hex);
	/* the liar's record names the hash of other bytes of the same size */
	memset(liar, 'L', sizeof(liar));
	memset(other, 'O', sizeof(other));
	hex_of(other, sizeof(other), liar_hex);
	assert_int_equal(ht_cs_begin(&a, &cs), 0);
	hh = (proto_id){ a.id, ++serial };
	ms = (proto_id){ a.id, ++serial };
	assert_int_equal(ht_cs_household(&a, &cs, hh, COMMUNE, 4), 0);
	assert_int_equal(ht_cs_milestone(&a, &cs, ms, hh, "surveyed"), 0);
	/* the JPEG is the milestone's evidence, taken 09:12 Vietnam time, with a position */
	photo_record(&cs, (proto_id){ a.id, ++serial }, ms, PROTO_KIND_MILESTONE, jpeg_hex, jpeg_len);
	assert_int_equal(proto_changeset_add_text(&cs, PROTO_PH_TAKEN_AT, 0, "2023-07-01T02:12:00Z", 20),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_int(&cs, PROTO_PH_LAT, 0, 96012345), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(&cs, PROTO_PH_LON, 0, 1059801234), PROTO_OK);
	/* the liar too: the household has the small ones, as many as the hub takes */
	photo_record(&cs, (proto_id){ a.id, ++serial }, ms, PROTO_KIND_MILESTONE, liar_hex, sizeof(liar));
	for (i = 0; i < NSMALL; i++) {
		memset(small[i], (int)('a' + i), SMALL_BYTES);
		hex_of(small[i], SMALL_BYTES, small_hex[i]);
		photo_record(&cs, (proto_id){ a.id, ++serial }, hh, PROTO_KIND_HOUSEHOLD, small_hex[i],
			     SMALL_BYTES);
	}
	assert_int_equal(ht_cs_push(&hub, &a, &cs), 200);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM photo"), 2 + NSMALL);
	assert_int_equal(ht_agent_enrol(&hub, &b, "b", COMMUNE), 0);
}

static void want_lists_only_named_photos(void **state)
{
	char json[512], item[256];
	photo_resp r;

	(void)state;
	snprintf(json, sizeof(json), "{\"photos\": [\"%s\", \"%s\"]}", jpeg_hex, unnamed_hex);
	want(&a, json, &r);
	assert_int_equal(r.status, 200);
	want_item(&r, jpeg_hex, item, sizeof(item));
	assert_non_null(strstr(item, "\"status\": \"wanted\", \"offset\": 0"));
	want_item(&r, unnamed_hex, item, sizeof(item));
	assert_non_null(strstr(item, "\"status\": \"refused\", \"error\": \"not_named\""));
	/* B is of the same commune, but no record of B names A's photo */
	want(&b, json, &r);
	want_item(&r, jpeg_hex, item, sizeof(item));
	assert_non_null(strstr(item, "not_named"));
	/* no JSON list, or a hash that is not one */
	want(&a, "[]", &r);
	assert_int_equal(r.status, 400);
	want(&a, "{\"photos\": [\"abc\"]}", &r);
	assert_int_equal(r.status, 400);
}

static void upload_cut_and_resumed(void **state)
{
	size_t half = jpeg_len / 2;
	photo_resp r;
	ht_tls t;
	char head[512];
	int i;

	(void)state;
	put_range(&a, jpeg_hex, jpeg, 0, half - 1, jpeg_len, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.offset, (long long)half);
	/* the second range is cut after 100 of its bytes: the hub keeps them */
	assert_int_equal(ht_tls_open(&t, &hub, NULL, &a), 0);
	snprintf(head, sizeof(head),
		 "PUT /v1/photos/%s HTTP/1.1\r\nHost: localhost\r\nContent-Range: bytes %zu-%zu/%zu\r\n"
		 "Content-Length: %zu\r\n\r\n",
		 jpeg_hex, half, jpeg_len - 1, jpeg_len, jpeg_len - half);
	assert_int_equal(ht_tls_write(&t, head, strlen(head)), 0);
	assert_int_equal(ht_tls_write(&t, jpeg + half, 100), 0);
	assert_int_equal(ht_tls_cut(&t), 0);
	/* where to resume: HEAD says the cut, once the hub has seen the
	 * connection end (polled, a bounded number of times) */
	for (i = 0; i < 2000; i++) {
		photo_req(&a, "HEAD", jpeg_hex, "", NULL, 0, &r);
		assert_int_equal(r.status, 200);
		if (r.offset != (long long)half)
			break;
	}
	assert_int_equal(r.offset, (long long)half + 100);
	/* a START that is not there is refused, with the offset to resume from */
	put_range(&a, jpeg_hex, jpeg, 0, jpeg_len - 1, jpeg_len, &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body, "wrong_offset"));
	assert_int_equal(r.offset, (long long)half + 100);
	put_range(&a, jpeg_hex, jpeg, half, jpeg_len - 1, jpeg_len, &r);
	assert_int_equal(r.status, 409);
	assert_int_equal(r.offset, (long long)half + 100);
	/* a TOTAL that is not the record's size */
	put_range(&a, jpeg_hex, jpeg, half + 100, jpeg_len - 2, jpeg_len - 1, &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "wrong_size"));
	/* resumed from the hub's offset: stored */
	put_range(&a, jpeg_hex, jpeg, half + 100, jpeg_len - 1, jpeg_len, &r);
	assert_int_equal(r.status, 201);
	assert_non_null(strstr(r.body, "stored"));
}

static void stored_by_its_hash_with_thumbnail(void **state)
{
	char path[512], hex[65], json[256], item[256], sql[256];
	uint8_t *data;
	size_t len;
	FILE *f;
	photo_resp r;

	(void)state;
	snprintf(path, sizeof(path), "%s/hub/photos/%.2s/%s", hub.dir, jpeg_hex, jpeg_hex);
	f = fopen(path, "rb");
	assert_non_null(f);
	data = malloc(jpeg_len + 1);
	assert_non_null(data);
	len = fread(data, 1, jpeg_len + 1, f);
	fclose(f);
	assert_int_equal(len, jpeg_len);
	hex_of(data, len, hex);
	assert_string_equal(hex, jpeg_hex);
	free(data);
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM hub_photo WHERE hex(sha256) = upper('%s') AND bytes = %zu"
		 " AND length(thumb) > 100 AND dhash IS NOT NULL",
		 jpeg_hex, jpeg_len);
	assert_int_equal(ht_sql(&hub, sql), 1);
	/* its partial is gone; want now says the hub holds it, a PUT changes nothing */
	snprintf(path, sizeof(path), "%s/hub/partial/%016llx/%s", hub.dir, (unsigned long long)a.id,
		 jpeg_hex);
	assert_null(fopen(path, "rb"));
	snprintf(json, sizeof(json), "{\"photos\": [\"%s\"]}", jpeg_hex);
	want(&a, json, &r);
	want_item(&r, jpeg_hex, item, sizeof(item));
	assert_non_null(strstr(item, "\"status\": \"held\""));
	put_range(&a, jpeg_hex, jpeg, 0, jpeg_len - 1, jpeg_len, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "held"));
}

static void wrong_hash_and_unnamed_refused(void **state)
{
	char path[512];
	photo_resp r;

	(void)state;
	put_range(&a, liar_hex, liar, 0, 999, sizeof(liar), &r);
	assert_int_equal(r.status, 200);
	put_range(&a, liar_hex, liar, 1000, sizeof(liar) - 1, sizeof(liar), &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "wrong_hash"));
	snprintf(path, sizeof(path), "%s/hub/partial/%016llx/%s", hub.dir, (unsigned long long)a.id,
		 liar_hex);
	assert_null(fopen(path, "rb"));
	snprintf(path, sizeof(path), "%s/hub/photos/%.2s/%s", hub.dir, liar_hex, liar_hex);
	assert_null(fopen(path, "rb"));
	photo_req(&a, "HEAD", liar_hex, "", NULL, 0, &r);
	assert_int_equal(r.offset, 0);
	/* bytes no accepted record names, or named by another laptop's record */
	put_range(&a, unnamed_hex, liar, 0, 99, 100, &r);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "not_named"));
	put_range(&b, small_hex[0], small[0], 0, SMALL_BYTES - 1, SMALL_BYTES, &r);
	assert_int_equal(r.status, 403);
	/* not a hash; no Content-Range; a body longer than its range */
	put_range(&a, "ABC", liar, 0, 9, 10, &r);
	assert_int_equal(r.status, 400);
	photo_req(&a, "PUT", small_hex[0], "", small[0], SMALL_BYTES, &r);
	assert_int_equal(r.status, 400);
	photo_req(&a, "PUT", small_hex[0], "bytes 0-9/100", small[0], 20, &r);
	assert_int_equal(r.status, 400);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM hub_photo"), 1);
}

static int count_partials(void)
{
	char dir[512];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/hub/partial/%016llx", hub.dir, (unsigned long long)a.id);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += strlen(de->d_name) == 64;
	closedir(d);
	return n;
}

static void partials_bounded_oldest_dropped(void **state)
{
	char json[2048], item[256];
	photo_resp r;
	size_t i, n;

	(void)state;
	for (i = 0; i < NSMALL; i++) {
		put_range(&a, small_hex[i], small[i], 0, 9, SMALL_BYTES, &r);
		assert_int_equal(r.status, 200);
		assert_true(count_partials() <= MAX_PARTIALS);
	}
	assert_int_equal(count_partials(), MAX_PARTIALS);
	n = (size_t)snprintf(json, sizeof(json), "{\"photos\": [");
	for (i = 0; i < NSMALL; i++)
		n += (size_t)snprintf(json + n, sizeof(json) - n, "%s\"%s\"", i ? ", " : "", small_hex[i]);
	snprintf(json + n, sizeof(json) - n, "]}");
	want(&a, json, &r);
	assert_int_equal(r.status, 200);
	/* the two oldest were dropped: they start over; the others resume */
	for (i = 0; i < NSMALL; i++) {
		want_item(&r, small_hex[i], item, sizeof(item));
		assert_non_null(
			strstr(item, i < NSMALL - MAX_PARTIALS ? "\"offset\": 0," : "\"offset\": 10,"));
	}
	/* a dropped one starts over and is stored */
	put_range(&a, small_hex[0], small[0], 0, SMALL_BYTES - 1, SMALL_BYTES, &r);
	assert_int_equal(r.status, 201);
	/* an over-long want is refused */
	{
		size_t cap = 1001 * 70 + 32, k;
		char *big = malloc(cap);

		assert_non_null(big);
		k = (size_t)snprintf(big, cap, "{\"photos\": [");
		for (i = 0; i < 1001; i++)
			k += (size_t)snprintf(big + k, cap - k, "%s\"%s\"", i ? ", " : "", unnamed_hex);
		snprintf(big + k, cap - k, "]}");
		want(&a, big, &r);
		assert_int_equal(r.status, 413);
		free(big);
	}
}

static void household_show_lists_photos(void **state)
{
	static char out[32768];
	char line[256], head[96];

	(void)state;
	setenv("LANG", "C", 1);
	assert_int_equal(ht_run(out, sizeof(out), "household show --dir %s/hub %016llx-%llu", hub.dir,
				(unsigned long long)hh.origin, (unsigned long long)hh.serial),
			 0);
	assert_non_null(strstr(out, "\nphotos:\n"));
	/* the JPEG under its milestone, stored; taken at 09:12 in Vietnam */
	snprintf(line, sizeof(line),
		 "    %.8s  %zu KB  640x480  2023-07-01 09:12  9.6012345, 105.9801234  stored\n",
		 jpeg_hex, (jpeg_len + 1023) / 1024);
	assert_non_null(strstr(out, line));
	/* under its milestone's heading (the milestone is the household's next serial) */
	snprintf(head, sizeof(head), "  %016llx-%llu  2023-07-01  ", (unsigned long long)hh.origin,
		 (unsigned long long)hh.serial + 1);
	assert_non_null(strstr(out, head));
	assert_true(strstr(out, head) < strstr(out, line));
	/* the household's own: the first small one stored, the others waiting */
	assert_non_null(strstr(out, "  the household itself:\n"));
	snprintf(line, sizeof(line), "    %.8s  1 KB  640x480  -  stored\n", small_hex[0]);
	assert_non_null(strstr(out, line));
	snprintf(line, sizeof(line), "    %.8s  1 KB  640x480  -  waiting for the laptop's upload\n",
		 small_hex[1]);
	assert_non_null(strstr(out, line));
	assert_int_equal(ht_run(out, sizeof(out), "household show --json --dir %s/hub %016llx-%llu",
				hub.dir, (unsigned long long)hh.origin, (unsigned long long)hh.serial),
			 0);
	snprintf(line, sizeof(line),
		 "\"target_kind\": \"milestone\", \"stage\": \"surveyed\", \"sha256\": \"%s\"", jpeg_hex);
	assert_non_null(strstr(out, line));
	assert_non_null(strstr(out, "\"taken_at\": \"2023-07-01T02:12:00Z\", \"lat_e7\": 96012345"));
	assert_non_null(strstr(out, "\"stored\": false}"));
	assert_non_null(strstr(out, "\"stored\": true}"));
	assert_non_null(strstr(out, "]}\n"));
	/* Vietnamese: dd/mm/yyyy */
	setenv("LANGUAGE", "vi", 1);
	setenv("LANG", "C.UTF-8", 1);
	assert_int_equal(ht_run(out, sizeof(out), "household show --dir %s/hub %016llx-%llu", hub.dir,
				(unsigned long long)hh.origin, (unsigned long long)hh.serial),
			 0);
	unsetenv("LANGUAGE");
	setenv("LANG", "C", 1);
	assert_non_null(strstr(out, "01/07/2023 09:12"));
	assert_null(strstr(out, "2023-07-01"));
}

/* Flip one bit of the stored file of hex at offset at (twice: it is back). */
static void flip_stored_byte(const char *hex, long at)
{
	char path[512];
	FILE *f;
	int c;

	snprintf(path, sizeof(path), "%s/hub/photos/%.2s/%s", hub.dir, hex, hex);
	f = fopen(path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, at, SEEK_SET), 0);
	c = fgetc(f);
	assert_int_not_equal(c, EOF);
	assert_int_equal(fseek(f, at, SEEK_SET), 0);
	assert_int_equal(fputc(c ^ 1, f), c ^ 1);
	assert_int_equal(fclose(f), 0);
}

static void audit_rehashes_stored_photos(void **state)
{
	static char out[32768];
	char path[512];

	(void)state;
	/* the JPEG and the first small photo are stored */
	assert_int_equal(ht_run(out, sizeof(out), "audit verify --dir %s/hub", hub.dir), 0);
	assert_non_null(strstr(out, "photos: 2 stored"));
	assert_non_null(strstr(out, "audit passed"));
	flip_stored_byte(jpeg_hex, (long)jpeg_len / 2);
	assert_int_equal(ht_run(out, sizeof(out), "audit verify --dir %s/hub", hub.dir), 1);
	assert_non_null(strstr(out, "audit FAILED: 1 problem(s)"));
	assert_non_null(strstr(out, jpeg_hex));
	assert_non_null(strstr(out, "not to their name"));
	assert_int_equal(ht_run(out, sizeof(out), "audit verify --json --dir %s/hub", hub.dir), 1);
	assert_non_null(strstr(out, "\"ok\": false"));
	assert_non_null(strstr(out, "\"photos_checked\": 2"));
	assert_non_null(strstr(out, jpeg_hex));
	flip_stored_byte(jpeg_hex, (long)jpeg_len / 2);
	assert_int_equal(ht_run(out, sizeof(out), "audit verify --dir %s/hub", hub.dir), 0);
	/* a stored photo's file deleted */
	snprintf(path, sizeof(path), "%s/hub/photos/%.2s/%s", hub.dir, small_hex[0], small_hex[0]);
	assert_int_equal(remove(path), 0);
	assert_int_equal(ht_run(out, sizeof(out), "audit verify --dir %s/hub", hub.dir), 1);
	assert_non_null(strstr(out, small_hex[0]));
	assert_non_null(strstr(out, "cannot be read"));
	assert_null(strstr(out, jpeg_hex));
}

static void photo_export_checked(void **state)
{
	char file[512], hex[65];
	proto_buf got;

	(void)state;
	snprintf(file, sizeof(file), "%s/exported.jpg", hub.dir);
	/* by the short hash household show prints */
	assert_int_equal(ht_run(NULL, 0, "photo export --dir %s/hub %.8s %s", hub.dir, jpeg_hex, file), 0);
	proto_buf_init(&got, 1 << 24);
	assert_int_equal(proto_read_file(file, &got), PROTO_OK);
	assert_int_equal(got.len, jpeg_len);
	hex_of(got.data, got.len, hex);
	assert_string_equal(hex, jpeg_hex);
	proto_buf_release(&got);
	/* never over a file; not a hash; no such photo; a deleted file (audit above) */
	assert_int_equal(ht_run(NULL, 0, "photo export --dir %s/hub %s %s 2>/dev/null", hub.dir,
				jpeg_hex, file),
			 1);
	assert_int_equal(remove(file), 0);
	assert_int_equal(ht_run(NULL, 0, "photo export --dir %s/hub xyz %s 2>/dev/null", hub.dir, file),
			 2);
	assert_int_equal(ht_run(NULL, 0, "photo export --dir %s/hub %s %s 2>/dev/null", hub.dir,
				unnamed_hex, file),
			 1);
	assert_int_equal(ht_run(NULL, 0, "photo export --dir %s/hub %s %s 2>/dev/null", hub.dir,
				small_hex[0], file),
			 1);
	assert_int_equal(ht_run(NULL, 0, "photo export --dir %s/hub 2>/dev/null", hub.dir), 2);
}

/* One more photo record of A on target (a new serial), pushed: the hub's status. */
static long push_one_photo(proto_id target, int kind, ht_resp *r)
{
	proto_changeset cs;
	proto_buf buf;
	char hex[65];
	uint8_t bytes[SMALL_BYTES];
	long status;

	memset(bytes, 'z', sizeof(bytes));
	bytes[0] = (uint8_t)kind;
	hex_of(bytes, sizeof(bytes), hex);
	assert_int_equal(ht_cs_begin(&a, &cs), 0);
	photo_record(&cs, (proto_id){ a.id, a.serial + 1000 + (uint64_t)kind }, target, kind, hex,
		     sizeof(bytes));
	proto_buf_init(&buf, 1 << 20);
	assert_int_equal(ht_cs_seal(&a, &cs, &buf, 0), 0);
	assert_int_equal(ht_request(&hub, &a, "POST", "/v1/push", buf.data, buf.len, r), 0);
	status = r->status;
	proto_buf_release(&buf);
	proto_changeset_release(&cs);
	return status;
}

static void photos_per_target_bounded(void **state)
{
	proto_id ms = { hh.origin, hh.serial + 1 };
	ht_resp r;

	(void)state;
	/* the household has the 10 the hub takes: an 11th is refused, with its code */
	assert_int_equal(push_one_photo(hh, PROTO_KIND_HOUSEHOLD, &r), 422);
	assert_non_null(strstr((const char *)r.body, "too_many_photos"));
	ht_resp_free(&r);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM photo"), 2 + NSMALL);
	/* the milestone has 2: a third is taken */
	assert_int_equal(push_one_photo(ms, PROTO_KIND_MILESTONE, &r), 200);
	ht_resp_free(&r);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM photo"), 3 + NSMALL);
}

/* ---- a range cut short: the hub keeps the bytes that came ---- */

static uint8_t *noise(size_t n, unsigned seed)
{
	uint8_t *p = malloc(n);
	size_t i;

	assert_non_null(p);
	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
	return p;
}

static void cut_records(void **state)
{
	proto_changeset cs;
	proto_id home = { a.id, a.serial + 3000 };
	uint64_t serial = home.serial;

	(void)state;
	cut_photo = noise(CUT_BYTES, 1);
	pair[0] = noise(PAIR_BYTES, 2);
	pair[1] = noise(PAIR_BYTES, 3);
	sentinel = noise(SENTINEL_BYTES, 4);
	line_photo = noise(5000, 5);
	hex_of(cut_photo, CUT_BYTES, cut_hex);
	hex_of(pair[0], PAIR_BYTES, pair_hex[0]);
	hex_of(pair[1], PAIR_BYTES, pair_hex[1]);
	hex_of(sentinel, SENTINEL_BYTES, sentinel_hex);
	hex_of(line_photo, 5000, line_hex);
	assert_int_equal(ht_cs_begin(&a, &cs), 0);
	assert_int_equal(ht_cs_household(&a, &cs, home, COMMUNE, 3), 0);
	photo_record(&cs, (proto_id){ a.id, ++serial }, home, PROTO_KIND_HOUSEHOLD, cut_hex, CUT_BYTES);
	photo_record(&cs, (proto_id){ a.id, ++serial }, home, PROTO_KIND_HOUSEHOLD, pair_hex[0],
		     PAIR_BYTES);
	photo_record(&cs, (proto_id){ a.id, ++serial }, home, PROTO_KIND_HOUSEHOLD, pair_hex[1],
		     PAIR_BYTES);
	photo_record(&cs, (proto_id){ a.id, ++serial }, home, PROTO_KIND_HOUSEHOLD, sentinel_hex,
		     SENTINEL_BYTES);
	photo_record(&cs, (proto_id){ a.id, ++serial }, home, PROTO_KIND_HOUSEHOLD, line_hex, 5000);
	assert_int_equal(ht_cs_push(&hub, &a, &cs), 200);
}

/* As ag (NULL: no certificate), the headers of a PUT of range [start, end]
 * of a photo of total bytes, then 'sent' bytes of its body from data +
 * start, and the connection cut. The bytes written, headers and body. */
static size_t cut_put(ht_agent *ag, const char *hex, const uint8_t *data, size_t start, size_t end,
		      size_t total, size_t sent)
{
	char head[512];
	ht_tls t;

	snprintf(head, sizeof(head),
		 "PUT /v1/photos/%s HTTP/1.1\r\nHost: localhost\r\nContent-Range: bytes %zu-%zu/%zu\r\n"
		 "Content-Length: %zu\r\n\r\n",
		 hex, start, end, total, end - start + 1);
	assert_int_equal(ht_tls_open(&t, &hub, NULL, ag), 0);
	assert_int_equal(ht_tls_write(&t, head, strlen(head)), 0);
	if (sent)
		assert_int_equal(ht_tls_write(&t, data + start, sent), 0);
	/* it returns when the hub has closed its side: the cut's bytes are with
	 * its writer, ahead of whatever comes next */
	assert_int_equal(ht_tls_cut(&t), 0);
	return strlen(head) + sent;
}

static long long offset_of(ht_agent *ag, const char *hex)
{
	photo_resp r;

	photo_req(ag, "HEAD", hex, "", NULL, 0, &r);
	assert_int_equal(r.status, 200);
	return r.offset;
}

/* HEAD until the offset is 'want' (the writer appends the cut after the
 * connection ended), a bounded number of times. */
static void wait_offset(ht_agent *ag, const char *hex, long long want)
{
	long long got = -1;
	int i;

	for (i = 0; i < 2000 && got != want; i++)
		got = offset_of(ag, hex);
	assert_int_equal(got, want);
}

/* 10 more bytes of the sentinel, cut: once the hub has them, every cut
 * before this one has been judged (the writer takes jobs in order). */
static void sentinel_cut(void)
{
	cut_put(&a, sentinel_hex, sentinel, (size_t)sentinel_at, SENTINEL_BYTES - 1, SENTINEL_BYTES, 10);
	sentinel_at += 10;
	wait_offset(&a, sentinel_hex, sentinel_at);
}

static void sql_write(const char *sql)
{
	char path[512];
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/hub/hub.db", hub.dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void cut_kept_only_where_a_range_would_be(void **state)
{
	char path[512], sql[256], day[11];
	long long i64a = (long long)proto_u2i(a.id);

	(void)state;
	/* nothing of the sentinel yet: its first cut starts it */
	assert_int_equal(offset_of(&a, sentinel_hex), 0);
	sentinel_cut();
	/* a photo no record names; a START that is not where the partial ends
	 * (nothing yet: 0); no client certificate; the headers and no byte of
	 * the body; an agent whose records do not name it */
	cut_put(&a, unnamed_hex, cut_photo, 0, 999, 1000, 500);
	cut_put(&a, cut_hex, cut_photo, 10, CUT_BYTES - 1, CUT_BYTES, 500);
	cut_put(NULL, cut_hex, cut_photo, 0, CUT_BYTES - 1, CUT_BYTES, 500);
	cut_put(&a, cut_hex, cut_photo, 0, CUT_BYTES - 1, CUT_BYTES, 0);
	cut_put(&b, cut_hex, cut_photo, 0, CUT_BYTES - 1, CUT_BYTES, 500);
	/* over the day's quota: 50 bytes left, 500 came (the sentinel's 10 fit) */
	proto_rules_day(time(NULL), 0, day);
	snprintf(sql, sizeof(sql),
		 "INSERT OR REPLACE INTO hub_photo_quota (day, agent, bytes) VALUES ('%s', %lld, %lld)",
		 day, i64a, DAY_BYTES - 50);
	sql_write(sql);
	cut_put(&a, cut_hex, cut_photo, 0, CUT_BYTES - 1, CUT_BYTES, 500);
	sentinel_cut();
	snprintf(sql, sizeof(sql), "DELETE FROM hub_photo_quota WHERE agent = %lld", i64a);
	sql_write(sql);
	assert_int_equal(offset_of(&a, cut_hex), 0);
	snprintf(path, sizeof(path), "%s/hub/partial/%016llx/%s", hub.dir, (unsigned long long)a.id,
		 unnamed_hex);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/hub/partial/%016llx/%s", hub.dir, (unsigned long long)a.id,
		 cut_hex);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/hub/partial/%016llx/%s", hub.dir, (unsigned long long)b.id,
		 cut_hex);
	assert_int_equal(access(path, F_OK), -1);
}

static void twenty_cuts_one_photo_stored(void **state)
{
	size_t step = CUT_BYTES / 21, at = 0, body = 0, headers = 0, sent;
	photo_resp r;
	int i;

	(void)state;
	/* each try sends the rest as one range, as the laptop does, and is cut
	 * after step bytes: the next resumes where it was cut */
	for (i = 0; i < 20; i++) {
		sent = cut_put(&a, cut_hex, cut_photo, at, CUT_BYTES - 1, CUT_BYTES, step);
		headers += sent - step;
		body += step;
		at += step;
		wait_offset(&a, cut_hex, (long long)at);
	}
	put_range(&a, cut_hex, cut_photo, at, CUT_BYTES - 1, CUT_BYTES, &r);
	assert_int_equal(r.status, 201);
	assert_non_null(strstr(r.body, "stored"));
	body += CUT_BYTES - at;
	/* every byte of the photo went up once: the cuts cost their headers */
	assert_int_equal(body, CUT_BYTES);
	assert_true((double)body <= 1.02 * CUT_BYTES);
	print_message("20 cuts: %zu body bytes, %zu header bytes for a photo of %d\n", body, headers,
		      CUT_BYTES);
	assert_int_equal(offset_of(&a, cut_hex), CUT_BYTES);
}

static void two_puts_side_by_side(void **state)
{
	char head[512], status[13];
	ht_tls t[2];
	size_t half = PAIR_BYTES / 2;
	int i;

	(void)state;
	/* two connections of one laptop, a photo each, their bytes interleaved */
	for (i = 0; i < 2; i++) {
		snprintf(head, sizeof(head),
			 "PUT /v1/photos/%s HTTP/1.1\r\nHost: localhost\r\nContent-Range: bytes 0-%d/%d\r\n"
			 "Content-Length: %d\r\n\r\n",
			 pair_hex[i], PAIR_BYTES - 1, PAIR_BYTES, PAIR_BYTES);
		assert_int_equal(ht_tls_open(&t[i], &hub, NULL, &a), 0);
		assert_int_equal(ht_tls_write(&t[i], head, strlen(head)), 0);
		assert_int_equal(ht_tls_write(&t[i], pair[i], half), 0);
	}
	for (i = 0; i < 2; i++)
		assert_int_equal(ht_tls_write(&t[i], pair[i] + half, PAIR_BYTES - half), 0);
	for (i = 0; i < 2; i++) {
		memset(status, 0, sizeof(status));
		assert_int_equal(ht_tls_read(&t[i], status, 12, 30000), 12);
		assert_string_equal(status, "HTTP/1.1 201");
		ht_tls_close(&t[i]);
		assert_int_equal(offset_of(&a, pair_hex[i]), PAIR_BYTES);
	}
}

/* The next laptop of lost's line: lost revoked, a token that replaces it. */
static void succeed(ht_agent *lost, ht_agent *next, const char *name)
{
	char hex[17], extra[64], token[128];
	ht_resp r;

	proto_key_id_hex(lost->id, hex);
	assert_int_equal(ht_run(NULL, 0, "agent revoke %s --dir %s/hub", hex, hub.dir), 0);
	snprintf(extra, sizeof(extra), "--replaces %s", hex);
	assert_int_equal(ht_token(&hub, "--commune", COMMUNE, extra, token), 0);
	assert_int_equal(ht_agent_new(next, &hub, name), 0);
	assert_int_equal(ht_enroll(&hub, next, token, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(ht_agent_keep_cert(next, r.body), 0);
	ht_resp_free(&r);
}

static void photo_of_the_whole_line(void **state)
{
	ht_agent a2, a3;
	char json[256], item[256];
	photo_resp r;

	(void)state;
	/* A's laptop is lost, its successor's too: the third of the line
	 * uploads the photo A's record names */
	succeed(&a, &a2, "a2");
	succeed(&a2, &a3, "a3");
	snprintf(json, sizeof(json), "{\"photos\": [\"%s\"]}", line_hex);
	want(&a3, json, &r);
	assert_int_equal(r.status, 200);
	want_item(&r, line_hex, item, sizeof(item));
	assert_non_null(strstr(item, "\"status\": \"wanted\", \"offset\": 0"));
	cut_put(&a3, line_hex, line_photo, 0, 4999, 5000, 2000);
	wait_offset(&a3, line_hex, 2000);
	put_range(&a3, line_hex, line_photo, 2000, 4999, 5000, &r);
	assert_int_equal(r.status, 201);
	/* B is of the commune but not of the line */
	want(&b, json, &r);
	want_item(&r, line_hex, item, sizeof(item));
	assert_non_null(strstr(item, "not_named"));
	ht_agent_free(&a2);
	ht_agent_free(&a3);
}

/* POST /v1/photos/want of no photo on t (an answer only to a laptop the
 * hub knows by its certificate): 1 when answered 200, else 0. */
static int want_on(ht_tls *t)
{
	static const char req[] = "POST /v1/photos/want HTTP/1.1\r\nHost: hub.test\r\n"
				  "Content-Type: application/json\r\nContent-Length: 14\r\n\r\n"
				  "{\"photos\": []}";
	char buf[12];

	return ht_tls_write(t, req, sizeof(req) - 1) == 0 && ht_tls_read(t, buf, 12, 5000) == 12 &&
	       memcmp(buf, "HTTP/1.1 200", 12) == 0;
}

/* A full handshake of r, answered: 1; refused or unanswered: 0. */
static int full_handshake_answered(ht_agent *r)
{
	ht_tls t;
	int ok;

	if (ht_tls_open(&t, &hub, NULL, r) != 0)
		return 0;
	ok = want_on(&t);
	ht_tls_close(&t);
	return ok;
}

/* After a cut the laptop resumes its TLS session (a short handshake, no
 * certificate sent again), even though the cut left no close_notify; a
 * laptop revoked since gets nothing from a resumed session (the handshake
 * that checks the revoked set is skipped on resumption). */
static void resumed_session_not_for_the_revoked(void **state)
{
	struct ssl_session_st *session;
	ht_agent r;
	ht_tls t;
	char hex[17];
	int reused = 0, i;

	(void)state;
	assert_int_equal(ht_agent_enrol(&hub, &r, "resumer", COMMUNE), 0);
	assert_int_equal(ht_tls_open(&t, &hub, NULL, &r), 0);
	assert_true(want_on(&t));
	session = ht_tls_session(&t);
	assert_non_null(session);
	ht_tls_close(&t); /* no close_notify: as a cut leaves it */
	assert_int_equal(ht_tls_open_session(&t, &hub, NULL, &r, session, &reused), 0);
	assert_int_equal(reused, 1);
	assert_true(want_on(&t));
	ht_tls_close(&t);
	/* revoked: once the hub refuses its full handshakes, its session gets
	 * no answer either, resumed or not */
	proto_key_id_hex(r.id, hex);
	assert_int_equal(ht_run(NULL, 0, "agent revoke %s --dir %s/hub", hex, hub.dir), 0);
	for (i = 0; i < 100 && full_handshake_answered(&r); i++)
		usleep(100000);
	assert_true(i < 100);
	if (ht_tls_open_session(&t, &hub, NULL, &r, session, &reused) == 0) {
		assert_false(want_on(&t));
		ht_tls_close(&t);
	}
	ht_tls_session_free(session);
	ht_agent_free(&r);
}

TEST_MAIN_WITH(group_setup, group_teardown, cmocka_unit_test(records_first),
	       cmocka_unit_test(want_lists_only_named_photos), cmocka_unit_test(upload_cut_and_resumed),
	       cmocka_unit_test(stored_by_its_hash_with_thumbnail),
	       cmocka_unit_test(wrong_hash_and_unnamed_refused),
	       cmocka_unit_test(partials_bounded_oldest_dropped),
	       cmocka_unit_test(household_show_lists_photos),
	       cmocka_unit_test(audit_rehashes_stored_photos), cmocka_unit_test(photo_export_checked),
	       cmocka_unit_test(photos_per_target_bounded), cmocka_unit_test(cut_records),
	       cmocka_unit_test(cut_kept_only_where_a_range_would_be),
	       cmocka_unit_test(twenty_cuts_one_photo_stored), cmocka_unit_test(two_puts_side_by_side),
	       cmocka_unit_test(photo_of_the_whole_line),
	       cmocka_unit_test(resumed_session_not_for_the_revoked))
