/*
 * test_hub_photo.c - photo records (format version 2) through a real hub,
 * and how the format evolves without breaking the field (proto/FORMAT.md):
 * laptop A sends its household, milestones, photos and voids; two laptops
 * of the same commune pull. One that says it reads version 2 (at enrolment
 * and with Maiam-Reads) gets everything in a version 2 change-set; an old
 * one that says nothing gets the household, the milestones and the void of
 * a milestone in a version 1 change-set, with neither photo nor the void of
 * a photo, and its cursor past them all. Both answers open with the hub's
 * key; so do the USB update files made for them. At ingest a photo needs a
 * target the hub holds, in the sender's area, and a milestone that was not
 * voided.
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
#include <sqlite3.h>
#include "hubtest.h"
#include "testmain.h"
#include "../tools/golden_records.h"

#define COMMUNE 31498     /* Phường 5, district 941 */
#define FAR_COMMUNE 31510 /* another district's commune */
#define SHA_A "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define SHA_B "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"

static ht_hub hub;
static ht_agent a, reader2, old, far;
static proto_key *hubkey;
/* what A sent: its household, two milestones (the second voided), a photo
 * of the first milestone, a photo of the household (voided) */
static proto_id hh, ms1, ms2, photo_ms, photo_hh, far_hh;

static int group_setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return ht_hub_up_keyed(&hub, &hubkey);
}

static int group_teardown(void **state)
{
	(void)state;
	ht_hub_stop(&hub, SIGTERM);
	ht_agent_free(&a);
	ht_agent_free(&reader2);
	ht_agent_free(&old);
	ht_agent_free(&far);
	proto_key_free(hubkey);
	if (ht_hub_remove(&hub))
		return -1;
	curl_global_cleanup();
	return 0;
}

/* Enrol a new agent of commune with body member "reads" (NULL: none, as
 * every laptop before format version 2). The HTTP status. */
static long enrol_reading(ht_agent *ag, const char *name, int commune, const char *reads)
{
	char token[128], body[4096];
	ht_resp r;
	size_t n;
	long status;

	assert_int_equal(ht_agent_new(ag, &hub, name), 0);
	assert_int_equal(ht_token(&hub, "--commune", commune, NULL, token), 0);
	assert_int_equal(ht_enroll_body(ag, token, body, sizeof(body)), 0);
	n = strlen(body);
	if (reads) {
		assert_true(n > 1 && body[n - 1] == '}');
		snprintf(body + n - 1, sizeof(body) - n + 1, ", \"reads\": %s}", reads);
	}
	assert_int_equal(ht_request(&hub, NULL, "POST", "/v1/enroll", body, strlen(body), &r), 0);
	status = r.status;
	if (status == 200)
		assert_int_equal(ht_agent_keep_cert(ag, r.body), 0);
	ht_resp_free(&r);
	return status;
}

/* ---- a pull with or without Maiam-Reads ---- */

typedef struct pull_resp {
	long status;
	proto_buf body;
	char cursor[32];
} pull_resp;

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	pull_resp *r = arg;

	return proto_buf_append(&r->body, p, size * n) == PROTO_OK ? size * n : 0;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	pull_resp *r = arg;

	ht_header_value(p, size * n, "Maiam-Cursor", r->cursor, sizeof(r->cursor));
	return size * n;
}

/* GET path as ag, with the header line 'reads' ("Maiam-Reads: 2") unless NULL. */
static void get(ht_agent *ag, const char *path, const char *reads, pull_resp *r)
{
	CURL *c = ht_curl(&hub, NULL, ag, path, 60L);
	struct curl_slist *headers = reads ? curl_slist_append(NULL, reads) : NULL;

	memset(r, 0, sizeof(*r));
	proto_buf_init(&r->body, 1 << 24);
	assert_non_null(c);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	if (headers)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(c);
	curl_slist_free_all(headers);
}

/* ---- A's change-sets ---- */

static void photo(ht_agent *ag, proto_changeset *cs, proto_id id, proto_id target, int target_kind,
		  const char *sha)
{
	uint64_t st = proto_hlc_now(&ag->clock, proto_wall_ms());

	assert_int_equal(golden_photo(cs, id, st, ag->id, target, target_kind, sha, 345678, 1600, 1200),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_text(cs, PROTO_PH_TAKEN_AT, 0, "2023-07-01T09:30:00+07:00",
						  25),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_PH_LAT, 0, 96031234), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_PH_LON, 0, 1059745678), PROTO_OK);
}

static void void_of(ht_agent *ag, proto_changeset *cs, proto_id id, proto_id target, int target_kind)
{
	uint64_t st = proto_hlc_now(&ag->clock, proto_wall_ms());

	assert_int_equal(proto_changeset_begin(cs, PROTO_KIND_VOID, id, st, ag->id), PROTO_OK);
	assert_int_equal(proto_changeset_add_ref(cs, PROTO_VO_TARGET, 0, target), PROTO_OK);
	assert_int_equal(proto_changeset_add_int(cs, PROTO_VO_TARGET_KIND, 0, target_kind), PROTO_OK);
}

static proto_id next_id(ht_agent *ag, uint64_t *serial)
{
	return (proto_id){ ag->id, ++*serial };
}

/* Push cs as ag; the answer's status, its body copied into body. */
static long push(ht_agent *ag, proto_changeset *cs, char *body, size_t n)
{
	proto_buf b;
	ht_resp r;
	long status;

	proto_buf_init(&b, 1 << 24);
	assert_int_equal(ht_cs_seal(ag, cs, &b, 0), 0);
	assert_int_equal(ht_request(&hub, ag, "POST", "/v1/push", b.data, b.len, &r), 0);
	status = r.status;
	snprintf(body, n, "%s", r.body);
	ht_resp_free(&r);
	proto_buf_release(&b);
	proto_changeset_release(cs);
	return status;
}

static void enrolments_say_what_they_read(void **state)
{
	(void)state;
	assert_int_equal(ht_agent_enrol(&hub, &a, "a", COMMUNE), 0);
	assert_int_equal(enrol_reading(&reader2, "reader2", COMMUNE, "\"2\""), 200);
	assert_int_equal(enrol_reading(&old, "old", COMMUNE, NULL), 200);
	assert_int_equal(ht_agent_enrol(&hub, &far, "far", FAR_COMMUNE), 0);
	/* what each agent reads is kept: 1 for a laptop that said nothing */
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM hub_agent WHERE reads = 2"), 1);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM hub_agent WHERE reads = 1"), 3);
	assert_int_equal(ht_sql(&hub, "SELECT value FROM hub_meta WHERE key = 'hub_schema'"), 6);
	/* a "reads" that is no version is refused, the token kept */
	{
		ht_agent bad;

		assert_int_equal(enrol_reading(&bad, "bad", COMMUNE, "\"two\""), 400);
		ht_agent_free(&bad);
		assert_int_equal(enrol_reading(&bad, "bad2", COMMUNE, "\"0\""), 400);
		ht_agent_free(&bad);
	}
}

static void a_sends_photos_and_voids(void **state)
{
	proto_changeset cs;
	uint64_t serial = 0;
	char body[8192];

	(void)state;
	hh = next_id(&a, &serial);
	ms1 = next_id(&a, &serial);
	ms2 = next_id(&a, &serial);
	photo_ms = next_id(&a, &serial);
	photo_hh = next_id(&a, &serial);
	assert_int_equal(ht_cs_begin(&a, &cs), 0);
	assert_int_equal(ht_cs_household(&a, &cs, hh, COMMUNE, 4), 0);
	assert_int_equal(ht_cs_milestone(&a, &cs, ms1, hh, "surveyed"), 0);
	assert_int_equal(ht_cs_milestone(&a, &cs, ms2, hh, "approved"), 0);
	photo(&a, &cs, photo_ms, ms1, PROTO_KIND_MILESTONE, SHA_A);
	photo(&a, &cs, photo_hh, hh, PROTO_KIND_HOUSEHOLD, SHA_B);
	void_of(&a, &cs, next_id(&a, &serial), photo_hh, PROTO_KIND_PHOTO);
	void_of(&a, &cs, next_id(&a, &serial), ms2, PROTO_KIND_MILESTONE);
	assert_int_equal(push(&a, &cs, body, sizeof(body)), 200);
	assert_non_null(strstr(body, "\"status\": \"applied\""));
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM photo"), 2);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM void_event WHERE target_kind = 5"), 1);
	a.serial = serial;
}

/* A pull answer opened with the hub's key is of this format version and
 * holds what 'want' says: the records of each kind, and the voids of photos. */
static void expect_answer(const pull_resp *r, uint8_t version, const char *want)
{
	int counts[PROTO_KIND_MAX + 1] = { 0 }, photo_voids = 0;
	proto_changeset cs;
	proto_header h;
	char got[160];

	assert_int_equal(r->status, 200);
	assert_int_equal(proto_peek(r->body.data, r->body.len, &h), PROTO_OK);
	assert_int_equal(h.version, version);
	assert_int_equal(proto_open(r->body.data, r->body.len, hubkey, &cs, NULL), PROTO_OK);
	for (size_t i = 0; i < cs.nrecords; i++) {
		const proto_record *rec = &cs.records[i];

		counts[rec->kind]++;
		if (rec->kind == PROTO_KIND_VOID && rec->fields[1].value.i == PROTO_KIND_PHOTO)
			photo_voids++;
	}
	proto_changeset_release(&cs);
	snprintf(got, sizeof(got), "%d households, %d milestones, %d photos, %d voids (%d of a photo)",
		 counts[PROTO_KIND_HOUSEHOLD], counts[PROTO_KIND_MILESTONE], counts[PROTO_KIND_PHOTO],
		 counts[PROTO_KIND_VOID], photo_voids);
	assert_string_equal(got, want);
}

static void pulls_by_what_each_reads(void **state)
{
	pull_resp r2, r1, again;
	char path[64];

	(void)state;
	/* a laptop that reads version 2: everything, sealed as version 2 */
	get(&reader2, "/v1/pull?after=0", "Maiam-Reads: 2", &r2);
	expect_answer(&r2, 2, "1 households, 2 milestones, 2 photos, 2 voids (1 of a photo)");

	/* an old laptop (no Maiam-Reads): no photo, no void of a photo, a
	 * version 1 change-set as today's laptops read, the cursor as far */
	get(&old, "/v1/pull?after=0", NULL, &r1);
	expect_answer(&r1, 1, "1 households, 2 milestones, 0 photos, 1 voids (0 of a photo)");
	assert_true(r1.cursor[0] != '\0');
	assert_string_equal(r1.cursor, r2.cursor);
	snprintf(path, sizeof(path), "/v1/pull?after=%s", r1.cursor);
	get(&old, path, NULL, &again);
	assert_int_equal(again.status, 204);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM hub_agent WHERE reads = 1"), 3);

	/* the old laptop upgraded says so on its next sync: it is noted */
	get(&old, path, "Maiam-Reads: 2", &again);
	assert_int_equal(again.status, 204);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM hub_agent WHERE reads = 2"), 2);
	proto_buf_release(&again.body);
	/* a Maiam-Reads that is no version is refused */
	get(&old, path, "Maiam-Reads: two", &again);
	assert_int_equal(again.status, 400);
	proto_buf_release(&again.body);
	proto_buf_release(&r1.body);
	proto_buf_release(&r2.body);
}

/* The update file 'export --for' writes for a laptop (the pull answer made
 * by the same function) holds what the laptop reads, as the hub keeps it. */
static void update_file(ht_agent *ag, const char *name, const char *want, uint8_t version)
{
	char hex[17], path[400];
	proto_update_file f;
	proto_buf file;
	pull_resp r;
	const uint8_t *item;
	size_t len;

	proto_key_id_hex(ag->id, hex);
	snprintf(path, sizeof(path), "%s/%s", hub.dir, name);
	assert_int_equal(ht_run(NULL, 0, "export --dir %s/hub --for %s --out %s", hub.dir, hex, path), 0);
	proto_buf_init(&file, 1 << 24);
	assert_int_equal(proto_read_file(path, &file), PROTO_OK);
	assert_int_equal(proto_update_read(file.data, file.len, hubkey, &f), PROTO_OK);
	assert_int_equal(proto_update_next(&f, &item, &len), PROTO_OK);
	assert_non_null(item);
	memset(&r, 0, sizeof(r));
	r.status = 200;
	proto_buf_init(&r.body, 1 << 24);
	assert_int_equal(proto_buf_append(&r.body, item, len), PROTO_OK);
	expect_answer(&r, version, want);
	proto_buf_release(&r.body);
	proto_buf_release(&file);
}

static void usb_update_files_by_what_each_reads(void **state)
{
	ht_agent old2;

	(void)state;
	assert_int_equal(enrol_reading(&old2, "old2", COMMUNE, NULL), 200);
	update_file(&old2, "old2.maiam", "1 households, 2 milestones, 0 photos, 1 voids (0 of a photo)",
		    1);
	update_file(&reader2, "reader2.maiam",
		    "1 households, 2 milestones, 2 photos, 2 voids (1 of a photo)", 2);
	ht_agent_free(&old2);
}

static void ingest_refuses_misplaced_photos(void **state)
{
	proto_buf voided;
	ht_resp r;
	proto_changeset cs;
	uint64_t far_serial = 0, serial = a.serial;
	char body[8192];

	(void)state;
	/* a household of another district */
	far_hh = next_id(&far, &far_serial);
	assert_int_equal(ht_cs_begin(&far, &cs), 0);
	assert_int_equal(ht_cs_household(&far, &cs, far_hh, FAR_COMMUNE, 3), 0);
	assert_int_equal(push(&far, &cs, body, sizeof(body)), 200);

	/* A's photo of that household: outside its area */
	assert_int_equal(ht_cs_begin(&a, &cs), 0);
	photo(&a, &cs, next_id(&a, &serial), far_hh, PROTO_KIND_HOUSEHOLD, SHA_A);
	assert_int_equal(push(&a, &cs, body, sizeof(body)), 403);
	assert_non_null(strstr(body, "out_of_scope"));
	assert_non_null(strstr(body, "outside this agent's area"));

	/* a photo of the voided milestone */
	assert_int_equal(ht_cs_begin(&a, &cs), 0);
	photo(&a, &cs, next_id(&a, &serial), ms2, PROTO_KIND_MILESTONE, SHA_A);
	proto_buf_init(&voided, 1 << 20);
	assert_int_equal(proto_seal(&cs, a.key, &voided, NULL), PROTO_OK);
	assert_int_equal(push(&a, &cs, body, sizeof(body)), 422);
	assert_non_null(strstr(body, "photo_target_voided"));
	assert_non_null(strstr(body, "was voided"));

	/* the refused change-set sent again is refused again, by its code */
	assert_int_equal(ht_request(&hub, &a, "POST", "/v1/push", voided.data, voided.len, &r), 0);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "photo_target_voided"));
	ht_resp_free(&r);
	proto_buf_release(&voided);

	/* a photo whose hash is no SHA-256: the rulebook's */
	assert_int_equal(ht_cs_begin(&a, &cs), 0);
	photo(&a, &cs, next_id(&a, &serial), ms1, PROTO_KIND_MILESTONE,
	      "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08");
	assert_int_equal(push(&a, &cs, body, sizeof(body)), 422);
	assert_non_null(strstr(body, "sha256"));

	/* a photo of a milestone the hub never saw */
	assert_int_equal(ht_cs_begin(&a, &cs), 0);
	photo(&a, &cs, next_id(&a, &serial), (proto_id){ a.id, 999 }, PROTO_KIND_MILESTONE, SHA_A);
	assert_int_equal(push(&a, &cs, body, sizeof(body)), 422);
	assert_non_null(strstr(body, "photo_target_unknown"));

	/* none of them was stored; a good photo after the refusals is */
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM photo"), 2);
	assert_int_equal(ht_cs_begin(&a, &cs), 0);
	photo(&a, &cs, next_id(&a, &serial), ms1, PROTO_KIND_MILESTONE, SHA_B);
	assert_int_equal(push(&a, &cs, body, sizeof(body)), 200);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM photo"), 3);
}

/* A version 4 hub.db (before hub_agent.reads) gains the column; its
 * agents read version 1 until they say otherwise. */
static void version_4_hub_gains_reads(void **state)
{
	char path[400];
	sqlite3 *db = NULL;

	(void)state;
	assert_int_equal(ht_hub_stop(&hub, SIGTERM), 0);
	snprintf(path, sizeof(path), "%s/hub/hub.db", hub.dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "ALTER TABLE hub_agent DROP COLUMN reads;"
				      " UPDATE hub_meta SET value = '4' WHERE key = 'hub_schema'",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(ht_hub_start(&hub, NULL), 0);
	assert_int_equal(ht_sql(&hub, "SELECT value FROM hub_meta WHERE key = 'hub_schema'"), 6);
	assert_int_equal(ht_sql(&hub, "SELECT count(*) FROM hub_agent WHERE reads IS NULL"), 5);
	/* and an old laptop of it still pulls, without photos */
	{
		pull_resp r;

		get(&reader2, "/v1/pull?after=0", NULL, &r);
		expect_answer(&r, 1, "1 households, 2 milestones, 0 photos, 1 voids (0 of a photo)");
		proto_buf_release(&r.body);
	}
}

TEST_MAIN_WITH(group_setup, group_teardown, cmocka_unit_test(enrolments_say_what_they_read),
	       cmocka_unit_test(a_sends_photos_and_voids), cmocka_unit_test(pulls_by_what_each_reads),
	       cmocka_unit_test(usb_update_files_by_what_each_reads),
	       cmocka_unit_test(ingest_refuses_misplaced_photos),
	       cmocka_unit_test(version_4_hub_gains_reads))
