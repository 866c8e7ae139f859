/*
 * test_hub_pull.c - what a pull returns now that it reads only the ledger
 * rows the area index names: each laptop gets the records of its own area and
 * nothing else, a district laptop gets its communes, and a household moved
 * by an edit from one commune to another reaches the new commune's laptops
 * with the records that built it before the move, and the old commune's
 * laptops get the move itself. A hub made before the index existed keeps
 * serving its older rows after the upgrade, and gets a ledger epoch. Every
 * pull answer names the epoch and the hub's head of the puller's chain; a
 * pull naming another epoch is answered from the start, one naming a
 * malformed one is refused (docs/SYNC.md, "After the hub was restored").
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

#define COMMUNE_A 31498 /* Phường 5, district 941 */
#define COMMUNE_B 31501 /* district 941 too */
#define DISTRICT 941
#define FAR_COMMUNE 31510 /* another district's commune */

static ht_hub hub;
static ht_agent a1, b1, b2, dist, far;
static proto_key *hubkey;

static void enrol(ht_agent *a, const char *name, const char *opt, int code)
{
	assert_int_equal(ht_agent_enrol_scope(&hub, a, name, opt, code), 0);
}

static int group_setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return ht_hub_up_keyed(&hub, &hubkey);
}

static int group_teardown(void **state)
{
	char cmd[400];

	(void)state;
	ht_hub_stop(&hub, SIGTERM);
	ht_agent_free(&a1);
	ht_agent_free(&b1);
	ht_agent_free(&b2);
	ht_agent_free(&dist);
	ht_agent_free(&far);
	proto_key_free(hubkey);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", hub.dir);
	if (system(cmd) != 0)
		return -1;
	curl_global_cleanup();
	return 0;
}

static void push_ok(ht_agent *a, const proto_buf *b)
{
	ht_resp r;

	assert_int_equal(ht_request(&hub, a, "POST", "/v1/push", b->data, b->len, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"status\": \"applied\""));
	ht_resp_free(&r);
}

/* n new households of a in commune, pushed and applied. */
static void push_households(ht_agent *a, int commune, int n)
{
	proto_buf b;

	proto_buf_init(&b, 1 << 24);
	assert_int_equal(ht_households(a, NULL, commune, n, &b, 0), 0);
	push_ok(a, &b);
	proto_buf_release(&b);
}

/* What one pull holds: household records by writer and the communes named. */
typedef struct seen {
	int status;
	char cursor[32];
	size_t records;
	size_t by_writer[5];      /* a1, b1, b2, dist, far */
	int names_of_a1;          /* household records of a1 that carry a name */
	int commune_a, commune_b; /* records naming each commune */
} seen;

/* GET /v1/pull?after=AFTER as a: the answer must have status want (200 or
 * 204); what it holds goes into s. */
static void pull(ht_agent *a, const char *after, int want, seen *s)
{
	const ht_agent *who[5] = { &a1, &b1, &b2, &dist, &far };
	proto_changeset cs;
	char path[64];
	ht_resp r;
	size_t i, k, w;

	memset(s, 0, sizeof(*s));
	snprintf(path, sizeof(path), "/v1/pull?after=%s", after);
	assert_int_equal(ht_request(&hub, a, "GET", path, NULL, 0, &r), 0);
	s->status = (int)r.status;
	snprintf(s->cursor, sizeof(s->cursor), "%s", r.cursor);
	assert_int_equal(r.status, want);
	if (r.status == 204) {
		ht_resp_free(&r);
		return;
	}
	assert_int_equal(proto_open(r.bin, r.bin_len, hubkey, &cs, NULL), PROTO_OK);
	s->records = cs.nrecords;
	for (i = 0; i < cs.nrecords; i++) {
		const proto_record *rec = &cs.records[i];
		for (w = 0; w < 5; w++)
			if (rec->writer == who[w]->id)
				s->by_writer[w]++;
		for (k = 0; k < rec->nfields; k++) {
			const proto_field *f = &rec->fields[k];
			if (f->field == PROTO_HH_NAME && rec->writer == a1.id)
				s->names_of_a1++;
			if (f->field == PROTO_HH_COMMUNE && f->value.type == PROTO_V_INT) {
				s->commune_a += f->value.i == COMMUNE_A;
				s->commune_b += f->value.i == COMMUNE_B;
			}
		}
	}
	proto_changeset_release(&cs);
	ht_resp_free(&r);
}

/* dist moves a1's first household to commune B (a field edit, nothing else). */
static void seal_move(proto_buf *out)
{
	proto_changeset cs;
	proto_id id = { a1.id, 1 };
	uint8_t hash[32];
	uint64_t seq = dist.seq + 1;

	assert_int_equal(proto_changeset_init(&cs, "soc-trang-2023", dist.id, seq, dist.last_hash,
					      proto_hlc_now(&dist.clock, proto_wall_ms())),
			 PROTO_OK);
	assert_int_equal(proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, id,
					       proto_hlc_now(&dist.clock, proto_wall_ms()), dist.id),
			 PROTO_OK);
	assert_int_equal(proto_changeset_add_int(&cs, PROTO_HH_COMMUNE, 0, COMMUNE_B), PROTO_OK);
	assert_int_equal(proto_seal(&cs, dist.key, out, hash), PROTO_OK);
	dist.seq = seq;
	memcpy(dist.last_hash, hash, 32);
	proto_changeset_release(&cs);
}

static void test_pull_by_area(void **state)
{
	seen s;

	(void)state;
	enrol(&a1, "a1", "--commune", COMMUNE_A);
	enrol(&b1, "b1", "--commune", COMMUNE_B);
	enrol(&b2, "b2", "--commune", COMMUNE_B);
	enrol(&dist, "dist", "--district", DISTRICT);
	enrol(&far, "far", "--commune", FAR_COMMUNE);
	push_households(&a1, COMMUNE_A, 3);
	push_households(&b1, COMMUNE_B, 2);
	/* every ledger row is indexed under the commune it touches */
	assert_true(ht_sql(&hub, "SELECT count(*) FROM hub_ledger_area WHERE commune = 31498") == 1);
	assert_true(ht_sql(&hub, "SELECT count(*) FROM hub_ledger_area WHERE district = 941") == 2);

	/* b2 gets b1's two households and nothing of commune A */
	pull(&b2, "0", 200, &s);
	assert_int_equal(s.records, 2);
	assert_int_equal(s.by_writer[1], 2);
	assert_int_equal(s.commune_a, 0);
	/* b1 is not sent its own records back */
	pull(&b1, "0", 204, &s);
	/* the district laptop gets both communes */
	pull(&dist, "0", 200, &s);
	assert_int_equal(s.records, 5);
	assert_int_equal(s.commune_a, 3);
	assert_int_equal(s.commune_b, 2);
	/* another district: nothing, and a cursor that does not go backwards */
	pull(&far, "0", 204, &s);
	assert_string_equal(s.cursor, "0");
}

static void test_moved_household_follows(void **state)
{
	char cursor_b2[32], sql[160];
	proto_buf b;
	seen s;

	(void)state;
	pull(&b2, "0", 200, &s);
	snprintf(cursor_b2, sizeof(cursor_b2), "%s", s.cursor);
	proto_buf_init(&b, 1 << 20);
	seal_move(&b);
	push_ok(&dist, &b);
	proto_buf_release(&b);
	snprintf(sql, sizeof(sql),
		 "SELECT commune FROM household WHERE id_origin = %lld"
		 " AND id_serial = 1",
		 (long long)proto_u2i(a1.id));
	assert_true(ht_sql(&hub, sql) == COMMUNE_B);
	/* a1's creating row is now indexed under B as well */
	assert_true(ht_sql(&hub, "SELECT count(*) FROM hub_ledger_area WHERE commune = 31501") == 3);

	/* a new laptop of commune B (cursor 0) gets the moved household whole:
	 * a1's record that created it (its name) as well as the move */
	pull(&b2, "0", 200, &s);
	assert_int_equal(s.names_of_a1, 1);
	assert_int_equal(s.by_writer[3], 1);
	assert_int_equal(s.by_writer[1], 2);
	/* a laptop already past a1's row gets the move itself */
	pull(&b2, cursor_b2, 200, &s);
	assert_int_equal(s.records, 1);
	assert_int_equal(s.by_writer[3], 1);
	assert_int_equal(s.commune_b, 1);
	/* commune A's laptops are told it left: the move itself, and nothing
	 * else (a1 wrote the rest; the records of households in A now are
	 * a1's own too) */
	pull(&a1, "0", 200, &s);
	assert_int_equal(s.records, 1);
	assert_int_equal(s.by_writer[3], 1);
	assert_int_equal(s.commune_b, 1);
	assert_true(ht_sql(&hub, "SELECT count(*) FROM hub_move WHERE from_commune = 31498") == 1);
	/* and the far commune still nothing */
	pull(&far, "0", 204, &s);
}

/* ---- the ledger epoch's headers ---- */

typedef struct epoch_resp {
	long status;
	char epoch[40], acked[32], cursor[32];
	proto_buf body;
} epoch_resp;

static size_t epoch_body(char *p, size_t size, size_t n, void *arg)
{
	epoch_resp *r = arg;

	return proto_buf_append(&r->body, p, size * n) == PROTO_OK ? size * n : 0;
}

static size_t epoch_header(char *p, size_t size, size_t n, void *arg)
{
	epoch_resp *r = arg;

	ht_header_value(p, size * n, "Maiam-Epoch", r->epoch, sizeof(r->epoch));
	ht_header_value(p, size * n, "Maiam-Acked", r->acked, sizeof(r->acked));
	ht_header_value(p, size * n, "Maiam-Cursor", r->cursor, sizeof(r->cursor));
	return size * n;
}

/* GET /v1/pull?after=AFTER as a with the header line 'line' (NULL: none);
 * r->body released by the caller. */
static void pull_epoch(ht_agent *a, const char *after, const char *line, epoch_resp *r)
{
	char path[64];
	CURL *c;
	struct curl_slist *headers = line ? curl_slist_append(NULL, line) : NULL;

	memset(r, 0, sizeof(*r));
	proto_buf_init(&r->body, 1 << 24);
	snprintf(path, sizeof(path), "/v1/pull?after=%s", after);
	c = ht_curl(&hub, NULL, a, path, 60L);
	assert_non_null(c);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, epoch_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, epoch_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	if (headers)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(c);
	curl_slist_free_all(headers);
}

/* How many records a 200 answer holds, opened with the hub's key. */
static size_t answer_records(const epoch_resp *r)
{
	proto_changeset cs;
	size_t n;

	assert_int_equal(proto_open(r->body.data, r->body.len, hubkey, &cs, NULL), PROTO_OK);
	n = cs.nrecords;
	proto_changeset_release(&cs);
	return n;
}

static void test_epoch_headers(void **state)
{
	epoch_resp first, r;
	char line[64];

	(void)state;
	/* no Maiam-Epoch (an older laptop): as before, and the answer names the
	 * epoch and b1's head (its one change-set) */
	pull_epoch(&b2, "0", NULL, &first);
	assert_int_equal(first.status, 200);
	assert_int_equal(strlen(first.epoch), 16);
	assert_string_equal(first.acked, "0"); /* b2 sent nothing */
	pull_epoch(&b1, "0", NULL, &r);
	assert_string_equal(r.epoch, first.epoch);
	assert_string_equal(r.acked, "1");
	proto_buf_release(&r.body);
	/* the current epoch: from the cursor (nothing new) */
	snprintf(line, sizeof(line), "Maiam-Epoch: %s", first.epoch);
	pull_epoch(&b2, first.cursor, line, &r);
	assert_int_equal(r.status, 204);
	assert_string_equal(r.cursor, first.cursor);
	proto_buf_release(&r.body);
	/* an epoch this ledger never had: all again, from the start */
	pull_epoch(&b2, first.cursor, "Maiam-Epoch: 0123456789abcdef", &r);
	assert_int_equal(r.status, 200);
	/* the same records as the first answer (its bytes may differ: the
	 * answer's creation stamp is taken when it is sealed) */
	assert_int_equal(answer_records(&r), answer_records(&first));
	assert_string_equal(r.cursor, first.cursor);
	proto_buf_release(&r.body);
	/* not an epoch: refused, saying what is wrong */
	pull_epoch(&b2, "0", "Maiam-Epoch: 0123456789ABCDEF", &r);
	assert_int_equal(r.status, 400);
	assert_int_equal(proto_buf_append_byte(&r.body, 0), PROTO_OK);
	assert_non_null(strstr((const char *)r.body.data, "Maiam-Epoch must be"));
	proto_buf_release(&r.body);
	proto_buf_release(&first.body);
}

/* Turn the stopped hub's database back into a version-1 one (no index). */
static void make_v1(void)
{
	char path[400];
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/hub/hub.db", hub.dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "DROP TABLE hub_ledger_area;"
				      " DELETE FROM hub_meta WHERE key IN ('area_from', 'ledger_epoch',"
				      " 'ledger_epochs');"
				      " UPDATE hub_meta SET value = '1' WHERE key = 'hub_schema'",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
}

static void test_upgrade_keeps_old_rows(void **state)
{
	seen s;

	(void)state;
	assert_int_equal(ht_hub_stop(&hub, SIGTERM), 0);
	make_v1();
	assert_int_equal(ht_hub_start(&hub, NULL), 0);
	assert_true(ht_sql(&hub, "SELECT value FROM hub_meta WHERE key = 'hub_schema'") == 6);
	assert_true(ht_sql(&hub, "SELECT value FROM hub_meta WHERE key = 'area_from'") == 4);
	assert_true(ht_sql(&hub, "SELECT count(*) FROM hub_ledger_area") == 0);
	/* a ledger epoch, as every hub.db older than epochs gets at open */
	assert_true(ht_sql(&hub, "SELECT count(*) FROM hub_meta WHERE key = 'ledger_epoch'"
				 " AND length(value) = 16") == 1);
	/* the three old rows are read by every pull, as before the index */
	pull(&b2, "0", 200, &s);
	assert_int_equal(s.by_writer[1], 2);
	assert_int_equal(s.names_of_a1, 1);
	assert_int_equal(s.by_writer[3], 1);
	pull(&far, "0", 204, &s);
	/* a new row is indexed, and reaches its commune only */
	push_households(&b1, COMMUNE_B, 1);
	assert_true(ht_sql(&hub, "SELECT count(*) FROM hub_ledger_area WHERE ledger = 4") == 1);
	pull(&b2, "3", 200, &s);
	assert_int_equal(s.records, 1);
	assert_int_equal(s.by_writer[1], 1);
	pull(&a1, "3", 204, &s);
}

TEST_MAIN_WITH(group_setup, group_teardown, cmocka_unit_test(test_pull_by_area),
	       cmocka_unit_test(test_moved_household_follows), cmocka_unit_test(test_epoch_headers),
	       cmocka_unit_test(test_upgrade_keeps_old_rows))
