/*
 * test_pull_cache.c - the pull thread's cache of opened ledger rows
 * (hub/pull_cache.c) and the shared records of a pull answer
 * (proto_changeset_add_shared). A pull answer shares the records of the
 * rows it relays instead of copying them, so a row the current answer uses
 * must not be freed by a later row of the same answer that maps to the same
 * slot (ids HUB_PULL_CACHE_SLOTS apart, as an area's rows can be): that row
 * is opened outside the cache, and the first stays readable until the next
 * answer starts. Under ASan a freed row read here is a failure, not luck.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "maiam/keys.h"
#include "maiam/schema.h"
#include "maiam/seal.h"
#include "server.h"
#include "testmain.h"

#define SLOTS 4096 /* HUB_PULL_CACHE_SLOTS: rows this far apart share a slot */

typedef struct sealed_row {
	proto_buf bytes;
	uint8_t hash[32];
	hub_ledger_row row;
} sealed_row;

/* A change-set of one milestone whose stage is 'stage', as ledger row 'id'. */
static void make_row(const proto_key *key, int64_t id, const char *stage, sealed_row *out)
{
	proto_changeset cs;
	uint8_t zeros[32] = { 0 };

	assert_int_equal(proto_changeset_init(&cs, "test", proto_key_id(key), 1, zeros, 1000), PROTO_OK);
	assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_MILESTONE, (proto_id){ 7, 1 }, 5, 7),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_ref(&cs, PROTO_MS_HOUSEHOLD, 0, (proto_id){ 7, 2 }),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_text(&cs, PROTO_MS_STAGE, 0, stage, strlen(stage)), PROTO_OK);
	assert_int_equal(proto_changeset_add_text(&cs, PROTO_MS_DATE, 0, "2026-06-01", 10), PROTO_OK);
	proto_buf_init(&out->bytes, 1 << 20);
	assert_int_equal(proto_seal(&cs, key, &out->bytes, out->hash), PROTO_OK);
	proto_changeset_release(&cs);
	memset(&out->row, 0, sizeof(out->row));
	out->row.id = id;
	out->row.origin = proto_key_id(key);
	out->row.seq = 1;
	out->row.hash = out->hash;
	out->row.hash_len = 32;
	out->row.sealed = out->bytes.data;
	out->row.len = out->bytes.len;
}

static const char *stage_of(const proto_changeset *cs)
{
	assert_int_equal(cs->nrecords, 1);
	assert_int_equal(cs->records[0].nfields, 3);
	return cs->records[0].fields[1].value.text;
}

static void answer_rows_sharing_a_slot_stay_apart(void **state)
{
	proto_key *key;
	sealed_row a, b;
	hub_pull_cache *c = hub_pull_cache_new();
	const proto_changeset *ca, *cb, *again;
	proto_changeset sa, sb, sc;

	(void)state;
	assert_non_null(c);
	assert_int_equal(proto_key_generate(&key), PROTO_OK);
	make_row(key, 3, "roof", &a);
	make_row(key, 3 + SLOTS, "walls", &b);

	/* one answer: a is cached and shared; b, in a's slot, is opened apart */
	hub_pull_cache_pin(c);
	assert_int_equal(hub_pull_cache_open(c, &a.row, &ca, &sa), PROTO_OK);
	assert_ptr_not_equal(ca, &sa);
	assert_int_equal(hub_pull_cache_open(c, &b.row, &cb, &sb), PROTO_OK);
	assert_ptr_equal(cb, &sb);
	assert_string_equal(stage_of(ca), "roof"); /* not freed by b */
	assert_string_equal(stage_of(cb), "walls");
	/* a again in the same answer: still the cached one */
	assert_int_equal(hub_pull_cache_open(c, &a.row, &again, &sc), PROTO_OK);
	assert_ptr_equal(again, ca);
	proto_changeset_release(&sb);
	proto_changeset_release(&sc);

	/* the next answer may take the slot: b is cached now, a opened again */
	hub_pull_cache_pin(c);
	assert_int_equal(hub_pull_cache_open(c, &b.row, &cb, &sb), PROTO_OK);
	assert_ptr_not_equal(cb, &sb);
	assert_string_equal(stage_of(cb), "walls");
	assert_int_equal(hub_pull_cache_open(c, &a.row, &ca, &sa), PROTO_OK);
	assert_ptr_equal(ca, &sa);
	assert_string_equal(stage_of(ca), "roof");
	assert_string_equal(stage_of(cb), "walls");
	proto_changeset_release(&sa);

	hub_pull_cache_free(c);
	proto_buf_release(&a.bytes);
	proto_buf_release(&b.bytes);
	proto_key_free(key);
}

/* Shared records seal into the same records, and the answer frees only its
 * array (LeakSanitizer and ASan: no leak, no double free). */
static void shared_records_seal_as_copies(void **state)
{
	proto_key *key;
	sealed_row a;
	proto_changeset src, ans, back;
	proto_buf out;
	uint8_t zeros[32] = { 0 };

	(void)state;
	assert_int_equal(proto_key_generate(&key), PROTO_OK);
	make_row(key, 1, "roof", &a);
	assert_int_equal(proto_open_stored(a.row.sealed, a.row.len, a.hash, &src), PROTO_OK);
	assert_int_equal(proto_changeset_init(&ans, "test", proto_key_id(key), 1, zeros, 2000), PROTO_OK);
	assert_int_equal(proto_changeset_add_shared(&ans, &src.records[0]), PROTO_OK);
	assert_int_equal(proto_changeset_add_shared(&ans, &src.records[0]), PROTO_OK);
	proto_buf_init(&out, 1 << 20);
	assert_int_equal(proto_seal_level(&ans, key, &out, NULL, 6), PROTO_OK);
	assert_int_equal(proto_seal_level(&ans, key, &out, NULL, 0), PROTO_EINVAL);
	assert_int_equal(proto_open(out.data, out.len, key, &back, NULL), PROTO_OK);
	assert_int_equal(back.nrecords, 2);
	assert_string_equal(stage_of(&src), "roof");
	assert_string_equal(back.records[1].fields[1].value.text, "roof");
	/* a shared change-set takes no records of its own */
	assert_int_equal(proto_changeset_begin(&ans, PROTO_KIND_MILESTONE, (proto_id){ 7, 3 }, 5, 7),
			 PROTO_EINVAL);
	assert_int_equal(proto_changeset_add_text(&ans, PROTO_MS_NOTE, 0, "x", 1), PROTO_EINVAL);
	proto_changeset_release(&ans); /* the array only: src still owns the texts */
	proto_changeset_release(&back);
	proto_changeset_release(&src);
	proto_buf_release(&out);
	proto_buf_release(&a.bytes);
	proto_key_free(key);
}

TEST_MAIN(cmocka_unit_test(answer_rows_sharing_a_slot_stay_apart),
	  cmocka_unit_test(shared_records_seal_as_copies))
