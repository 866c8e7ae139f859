/*
 * test_hub_poison.c - no ledger row can stop the pulls of an area ("pull
 * poisoning", docs/HUB.md). Laptops of one commune push households that repeat a
 * long note: each change-set is small on the wire but names megabytes of
 * text through the column dictionary, and together they hold more text than
 * one sealed change-set may. Every pull of the commune and of its district
 * must still answer, in bounded pieces, with every record and with the
 * hub's review decisions; a change-set at the ingest cap on decoded text is
 * relayed whole, in an answer of its own; alike records that deflate past
 * the ratio a reader accepts are relayed all the same.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "hubtest.h"
#include "../../hub/hub.h"
#include "testmain.h"

#define COMMUNE_A 31498 /* Phường 5, district 941 */
#define DISTRICT 941
#define NWRITERS 4
#define NOTE_LEN 2000           /* the rulebook's longest note */
#define POISON_TEXT (36u << 20) /* more than proto's text budget of one body (32 MiB) */
#ifndef ALIKE
#define ALIKE 2000 /* alike households in one change-set (test_alike_records_are_relayed) */
#endif
#ifndef HUB_MAX_DECODED_TEXT
/* the ingest cap on decoded text (hub.h); this value where hub.h does not say it */
#define HUB_MAX_DECODED_TEXT (8u << 20)
#endif

/* every household its own name (of one length): a change-set of thousands
 * of identical households would deflate past the ratio a laptop may send */
#define NAME_LEN (sizeof("Lâm Thị Sà Rên 00000") - 1)
static ht_hub hub;
static ht_agent w[NWRITERS], reader, dist, late;
static proto_key *hubkey;
static char note[NOTE_LEN + 1];

static void enrol(ht_agent *a, const char *who, const char *opt, int code)
{
	assert_int_equal(ht_agent_enrol_scope(&hub, a, who, opt, code), 0);
}

static int group_setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	memset(note, 'n', NOTE_LEN);
	return ht_hub_up_keyed(&hub, &hubkey);
}

static int group_teardown(void **state)
{
	(void)state;
	ht_hub_stop(&hub, SIGTERM);
	for (int i = 0; i < NWRITERS; i++)
		ht_agent_free(&w[i]);
	ht_agent_free(&reader);
	ht_agent_free(&dist);
	ht_agent_free(&late);
	proto_key_free(hubkey);
	if (ht_hub_remove(&hub))
		return -1;
	curl_global_cleanup();
	return 0;
}

/* One change-set of households whose notes are notes[i] bytes of the same text. */
static void seal_noted(ht_agent *a, const size_t *notes, size_t n, proto_buf *out)
{
	proto_changeset cs;
	uint8_t hash[32];
	uint64_t seq = a->seq + 1;

	assert_int_equal(proto_changeset_init(&cs, "soc-trang-2023", a->id, seq, a->last_hash,
					      proto_hlc_now(&a->clock, proto_wall_ms())),
			 PROTO_OK);
	for (size_t i = 0; i < n; i++) {
		proto_id id = { a->id, ++a->serial };
		char name[NAME_LEN + 1];

		snprintf(name, sizeof(name), "Lâm Thị Sà Rên %05u", (unsigned)(a->serial % 100000));
		assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, id,
						       proto_hlc_now(&a->clock, proto_wall_ms()), a->id),
				 PROTO_OK);
		assert_int_equal(proto_changeset_add_text(&cs, PROTO_HH_NAME, 0, name, strlen(name)),
				 PROTO_OK);
		assert_int_equal(proto_changeset_add_int(&cs, PROTO_HH_COMMUNE, 0, COMMUNE_A), PROTO_OK);
		assert_int_equal(proto_changeset_add_int(&cs, PROTO_HH_MEMBERS, 0, 4), PROTO_OK);
		assert_int_equal(proto_changeset_add_text(&cs, PROTO_HH_CATEGORY, 0, "poor", 4), PROTO_OK);
		assert_int_equal(proto_changeset_add_text(&cs, PROTO_HH_NOTE, 0, note, notes[i]),
				 PROTO_OK);
	}
	assert_int_equal(proto_seal(&cs, a->key, out, hash), PROTO_OK);
	a->seq = seq;
	memcpy(a->last_hash, hash, 32);
	proto_changeset_release(&cs);
}

static void push_ok(ht_agent *a, const proto_buf *b)
{
	ht_resp r;

	assert_int_equal(ht_request(&hub, a, "POST", "/v1/push", b->data, b->len, &r), 0);
	if (r.status != 200)
		fprintf(stderr, "push: %ld %s\n", r.status, r.body);
	assert_int_equal(r.status, 200);
	ht_resp_free(&r);
}

/* What a laptop gets by pulling until the hub has nothing more. */
typedef struct pulled {
	size_t answers, records, largest, decisions;
	size_t first_records; /* records of the first answer with any */
} pulled;

static void pull_all(ht_agent *a, const char *from, pulled *p, char *cursor, size_t cursorlen)
{
	char path[80], after[32];
	uint64_t hub_id = proto_key_id(hubkey);

	memset(p, 0, sizeof(*p));
	snprintf(after, sizeof(after), "%s", from);
	for (int i = 0; i < 200; i++) {
		proto_changeset cs;
		ht_resp r;

		snprintf(path, sizeof(path), "/v1/pull?after=%s", after);
		assert_int_equal(ht_request(&hub, a, "GET", path, NULL, 0, &r), 0);
		if (r.status != 200 && r.status != 204)
			fprintf(stderr, "pull after %s: %ld %s\n", after, r.status, r.body);
		assert_true(r.status == 200 || r.status == 204);
		snprintf(after, sizeof(after), "%s", r.cursor);
		if (r.status == 204) {
			ht_resp_free(&r);
			break;
		}
		assert_int_equal(proto_open(r.bin, r.bin_len, hubkey, &cs, NULL), PROTO_OK);
		p->answers++;
		if (!p->first_records)
			p->first_records = cs.nrecords;
		p->records += cs.nrecords;
		if (cs.nrecords > p->largest)
			p->largest = cs.nrecords;
		assert_true(cs.nrecords <= HUB_PULL_MAX_RECORDS);
		for (size_t k = 0; k < cs.nrecords; k++)
			for (size_t f = 0; f < cs.records[k].nfields; f++)
				if (cs.records[k].writer == hub_id &&
				    cs.records[k].fields[f].field == PROTO_HH_REVIEW_STATUS)
					p->decisions++;
		proto_changeset_release(&cs);
		ht_resp_free(&r);
	}
	if (cursor)
		snprintf(cursor, cursorlen, "%s", after);
}

static void test_poisoned_area_keeps_pulling(void **state)
{
	size_t per = NAME_LEN + 4 + NOTE_LEN, nhh, ncs, total = 0;
	size_t *notes;
	char out[512], id[64];
	struct timespec t0, t1;
	proto_buf b;
	pulled p;

	(void)state;
	for (int i = 0; i < NWRITERS; i++) {
		char who[16]; /* "wN": room for any int, as gcc -O1 asks */
		snprintf(who, sizeof(who), "w%d", i);
		enrol(&w[i], who, "--commune", COMMUNE_A);
	}
	enrol(&reader, "reader", "--commune", COMMUNE_A);
	enrol(&dist, "dist", "--district", DISTRICT);
	/* change-sets under the ingest cap whose texts together pass proto's budget */
	nhh = HUB_MAX_DECODED_TEXT / per < 1000 ? HUB_MAX_DECODED_TEXT / per : 1000;
	ncs = POISON_TEXT / (nhh * per) + 1;
	notes = calloc(nhh, sizeof(*notes));
	assert_non_null(notes);
	for (size_t i = 0; i < nhh; i++)
		notes[i] = NOTE_LEN;
	proto_buf_init(&b, 1 << 24);
	for (size_t c = 0; c < ncs; c++) {
		proto_buf_reset(&b);
		seal_noted(&w[c % NWRITERS], notes, nhh, &b);
		assert_true(b.len < 64 * 1024); /* small on the wire */
		push_ok(&w[c % NWRITERS], &b);
		total += nhh;
	}
	proto_buf_release(&b);
	free(notes);
	/* the hub decides on one of them: the decision must reach the laptops */
	snprintf(id, sizeof(id), "%016llx-1", (unsigned long long)w[0].id);
	assert_int_equal(ht_run(out, sizeof(out), "household approve %s --dir %s/hub", id, hub.dir), 0);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pull_all(&reader, "0", &p, NULL, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# commune laptop: %zu records in %zu answers (largest %zu), %.2f s\n", p.records,
	       p.answers, p.largest, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	assert_int_equal(p.records, total + 1);
	assert_int_equal(p.decisions, 1);
	assert_true(p.answers > 1);
	pull_all(&dist, "0", &p, NULL, 0);
	assert_int_equal(p.records, total + 1);
	assert_int_equal(p.decisions, 1);
	/* the pushing laptops get the others' records and the decision too */
	pull_all(&w[1], "0", &p, NULL, 0);
	assert_int_equal(p.decisions, 1);
	assert_true(p.records > 0 && p.records < total + 1);
}

/*
 * A change-set at the ingest cap on decoded text is relayed whole, and alone:
 * the arithmetic of docs/HUB.md ("Pull answers are bounded") says it always
 * can be; a small change-set after it comes in the next answer.
 */
static void test_row_at_cap_goes_alone(void **state)
{
	size_t per = NAME_LEN + 4, n = 0, cap = HUB_MAX_DECODED_TEXT, left = cap, sum = 0;
	size_t *notes = calloc(cap / per + 2, sizeof(*notes));
	char cursor[32];
	proto_buf b;
	pulled p;

	(void)state;
	assert_non_null(notes);
	enrol(&late, "late", "--commune", COMMUNE_A);
	pull_all(&late, "0", &p, cursor, sizeof(cursor));
	while (left > 0) {
		size_t note_len = left - per < NOTE_LEN ? left - per : NOTE_LEN;
		/* leave room for one more household if a sliver would be left */
		if (left - per - note_len > 0 && left - per - note_len <= per)
			note_len -= per + 1;
		notes[n++] = note_len;
		left -= per + note_len;
	}
	for (size_t i = 0; i < n; i++)
		sum += per + notes[i];
	assert_int_equal(sum, cap);
	proto_buf_init(&b, 1 << 24);
	seal_noted(&w[0], notes, n, &b);
	push_ok(&w[0], &b);
	proto_buf_reset(&b);
	notes[0] = 10;
	seal_noted(&w[1], notes, 1, &b);
	push_ok(&w[1], &b);
	proto_buf_release(&b);
	free(notes);
	pull_all(&late, cursor, &p, NULL, 0);
	printf("# a change-set of %zu households, %zu text bytes: answers %zu, first %zu\n", n, cap,
	       p.answers, p.first_records);
	assert_int_equal(p.first_records, n);
	assert_int_equal(p.records, n + 1);
	assert_int_equal(p.answers, 2);
}

/* n alike households (one name, one note, stamps a second apart),
 * sealed by origin 'by' as if written by a: what a laptop sends, or what a
 * pull relays when by is the hub. The seal's result. */
static proto_result seal_alike(const ht_agent *a, const proto_key *by, uint64_t serial0, size_t n,
			       proto_buf *out, uint64_t seq, const uint8_t prev[32], uint8_t hash[32])
{
	static const char same[] = "Lâm Thị Sà Rên";
	uint64_t t0 = (uint64_t)1690000000000ull << 16; /* 2023-07-22, a whole second */
	proto_changeset cs;
	proto_result r;

	assert_int_equal(proto_changeset_init(&cs, "soc-trang-2023", proto_key_id(by), seq, prev,
					      t0 + ((uint64_t)n * 1000 << 16)),
			 PROTO_OK);
	for (size_t i = 0; i < n; i++) {
		proto_id id = { a->id, serial0 + i };
		assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, id,
						       t0 + ((uint64_t)i * 1000 << 16), a->id),
				 PROTO_OK);
		assert_int_equal(proto_changeset_add_text(&cs, PROTO_HH_NAME, 0, same, strlen(same)),
				 PROTO_OK);
		assert_int_equal(proto_changeset_add_int(&cs, PROTO_HH_COMMUNE, 0, COMMUNE_A), PROTO_OK);
		assert_int_equal(proto_changeset_add_int(&cs, PROTO_HH_MEMBERS, 0, 4), PROTO_OK);
		assert_int_equal(proto_changeset_add_text(&cs, PROTO_HH_CATEGORY, 0, "poor", 4), PROTO_OK);
		assert_int_equal(proto_changeset_add_text(&cs, PROTO_HH_NOTE, 0, note, NOTE_LEN),
				 PROTO_OK);
	}
	r = proto_seal(&cs, by, out, hash);
	proto_changeset_release(&cs);
	return r;
}

/*
 * Alike records relayed together can deflate better than the 100:1 a reader
 * accepts (the relay adds the writer and id origin, 16 identical bytes, to
 * each): the pull seals that answer in stored blocks instead of failing.
 */
static void test_alike_records_are_relayed(void **state)
{
	size_t n = ALIKE;
	uint8_t hash[32], zeros[32] = { 0 };
	char cursor[32];
	proto_buf b;
	pulled p;

	(void)state;
	pull_all(&late, "0", &p, cursor, sizeof(cursor));
	proto_buf_init(&b, 1 << 24);
	/* the pull's own seal of these records would be refused for its ratio */
	assert_int_equal(seal_alike(&w[2], hubkey, w[2].serial + 1, n, &b, 1, zeros, hash), PROTO_ERATIO);
	proto_buf_reset(&b);
	assert_int_equal(seal_alike(&w[2], w[2].key, w[2].serial + 1, n, &b, w[2].seq + 1,
				    w[2].last_hash, hash),
			 PROTO_OK);
	w[2].seq++;
	w[2].serial += n;
	memcpy(w[2].last_hash, hash, 32);
	push_ok(&w[2], &b);
	proto_buf_release(&b);
	pull_all(&late, cursor, &p, NULL, 0);
	assert_int_equal(p.records, n);
	assert_int_equal(p.answers, 1);
	/* nothing had to be passed over on the way */
	assert_true(ht_sql(&hub, "SELECT count(*) FROM hub_rejection WHERE code = 'unrelayable'") == 0);
}

TEST_MAIN_WITH(group_setup, group_teardown, cmocka_unit_test(test_poisoned_area_keeps_pulling),
	       cmocka_unit_test(test_row_at_cap_goes_alone),
	       cmocka_unit_test(test_alike_records_are_relayed))
