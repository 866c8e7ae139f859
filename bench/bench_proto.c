/*
 * bench_proto.c - what a night's sync costs on the wire and at the hub.
 *
 * On one generated data set (households, milestones, contributions) it
 * measures, in the same run:
 *  - bytes on the wire per household: our sealed change-sets, against the
 *    SQLite session extension's changeset of the same rows deflated with zlib,
 *    and against one OpenRosa-style XML submission per record;
 *  - merge throughput: open (verify + inflate + decode) + merge + commit, in
 *    changes per second, against raw prepared-statement inserts of the same
 *    rows in one transaction.
 * Usage: bench_proto [--households N] [--chunk H] [--dir DIR]
 * The last line is one JSON object (docs/BENCHMARKS.md).
 */
/* Debian's libsqlite3 is built with the session extension; its API is only
 * declared when these are set before sqlite3.h. */
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>
#include <zlib.h>
#include "maiam/proto.h"
#include "gen.h"
#include "bench_util.h"
#include "gen_rows.h"
/* private to proto/, included by path: the secondary baseline compresses with
 * the same preset dictionary as our change-sets, to separate its share */
#include "../proto/src/zdict.h"

#define NORIGINS 4
#define NSTAGES 8
#define NCONTRIB 2

typedef struct dataset {
	size_t n;
	gen_household *h;
} dataset;

static void die(const char *what, int code)
{
	fprintf(stderr, "bench_proto: %s failed: %d (%s)\n", what, code,
		code >= 0 && code < PROTO_RESULT_MAX ? proto_strerror((proto_result)code) : "");
	exit(1);
}

#define CHECK(expr) \
	do { \
		proto_result r_ = (expr); \
		if (r_ != PROTO_OK) \
			die(#expr, (int)r_); \
	} while (0)

static const char *stage_date(size_t stage)
{
	static const char *const d[NSTAGES] = { "2023-06-05", "2023-06-12", "2023-06-20", "2023-06-28",
						"2023-07-10", "2023-07-25", "2023-08-15", "2023-08-28" };
	return d[stage];
}

static int64_t contribution_money(size_t i, size_t k)
{
	return k == 0 ? 40000000 : (int64_t)(1 + i % 5) * 500000;
}

/* ---- our format ---------------------------------------------------------- */

static void add_text(proto_changeset *cs, uint8_t field, const char *s)
{
	if (s)
		CHECK(proto_changeset_add_text(cs, field, 0, s, strlen(s)));
}

/* One change-set: households [from, to) recorded by origin key. Returns the
 * number of logical changes (household field changes + events). */
/*
 * Ids and stamps as an agent makes them: one serial counter per laptop for
 * every kind (household 1, its milestones 2..9, ...), and one stamp per record
 * typed by a person, 20 s to 5 min apart, from a wall clock the agent reads
 * in whole seconds (sub-second precision buys nothing for typed records).
 */
static uint64_t serial_of(size_t i, size_t k)
{
	return (uint64_t)i * (1 + NSTAGES + NCONTRIB) + k + 1;
}

static uint64_t typing_clock(proto_hlc *clock, uint64_t *wall, gen_rng *r)
{
	*wall += (20 + gen_pick(r, 280)) * 1000ull;
	return proto_hlc_now(clock, *wall);
}

static size_t build_changeset(proto_changeset *cs, const dataset *d, size_t from, size_t to,
			      uint64_t origin, uint64_t seq, const uint8_t prev[32], proto_hlc *clock)
{
	size_t changes = 0;
	static uint64_t wall = 1686000000000ull;
	static gen_rng r = { 7 };

	CHECK(proto_changeset_init(cs, "soc-trang-2023", origin, seq, prev, proto_hlc_now(clock, wall)));
	for (size_t i = from; i < to; i++) {
		const gen_household *h = &d->h[i];
		proto_id hid = { origin, serial_of(i, 0) };
		size_t before;

		CHECK(proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, hid,
					    typing_clock(clock, &wall, &r), origin));
		before = cs->records[cs->nrecords - 1].nfields;
		CHECK(gen_add_household(cs, h));
		add_text(cs, PROTO_HH_REVIEW_STATUS, "proposed");
		changes += cs->records[cs->nrecords - 1].nfields - before;

		for (size_t s = 0; s < NSTAGES; s++) {
			proto_id mid = { origin, serial_of(i, 1 + s) };
			CHECK(proto_changeset_begin(cs, PROTO_KIND_MILESTONE, mid,
						    typing_clock(clock, &wall, &r), origin));
			CHECK(proto_changeset_add_ref(cs, PROTO_MS_HOUSEHOLD, 0, hid));
			add_text(cs, PROTO_MS_STAGE, proto_stages[s]);
			add_text(cs, PROTO_MS_DATE, stage_date(s));
			changes++;
		}
		for (size_t k = 0; k < NCONTRIB; k++) {
			proto_id cid = { origin, serial_of(i, 1 + NSTAGES + k) };
			CHECK(proto_changeset_begin(cs, PROTO_KIND_CONTRIBUTION, cid,
						    typing_clock(clock, &wall, &r), origin));
			CHECK(proto_changeset_add_ref(cs, PROTO_CT_HOUSEHOLD, 0, hid));
			CHECK(proto_changeset_add_int(cs, PROTO_CT_UNIT, 0, h->commune));
			add_text(cs, PROTO_CT_SOURCE, k == 0 ? "mps" : "donor");
			if (k == 1)
				add_text(cs, PROTO_CT_DONOR, "Công ty TNHH Xây dựng Phú Lợi");
			CHECK(proto_changeset_add_int(cs, PROTO_CT_MONEY, 0, contribution_money(i, k)));
			add_text(cs, PROTO_CT_DATE, stage_date(2 + k));
			changes++;
		}
	}
	return changes;
}

/* ---- SQLite session changeset + zlib -------------------------------------- */

static const char plain_schema[] =
	"CREATE TABLE household(id INTEGER PRIMARY KEY, ref TEXT, name TEXT, national_id TEXT,"
	" commune INTEGER, hamlet TEXT, address TEXT, members INTEGER, category TEXT, land_status TEXT,"
	" condition TEXT, phone TEXT, note TEXT, support_kind TEXT, review_status TEXT);"
	"CREATE TABLE milestone(id INTEGER PRIMARY KEY, household INTEGER, stage TEXT, date TEXT);"
	"CREATE TABLE contribution(id INTEGER PRIMARY KEY, household INTEGER, unit INTEGER,"
	" source TEXT, donor TEXT, money_vnd INTEGER, date TEXT);";

/* Contribution k of household i from parameter 'first' on: household serial,
 * unit, source, donor, money, date (the same order in both schemas). */
static void bind_contribution(sqlite3_stmt *st, int first, const gen_household *h, size_t i, size_t k)
{
	sqlite3_bind_int64(st, first, (int64_t)serial_of(i, 0));
	sqlite3_bind_int(st, first + 1, h->commune);
	bench_bind_text(st, first + 2, k == 0 ? "mps" : "donor");
	bench_bind_text(st, first + 3, k == 1 ? "Công ty TNHH Xây dựng Phú Lợi" : NULL);
	sqlite3_bind_int64(st, first + 4, contribution_money(i, k));
	bench_bind_text(st, first + 5, stage_date(2 + k));
}

/* Insert households [from, to) with their events into db's plain_schema
 * tables (ids as single integers: the session extension needs a PK). */
static void plain_insert(sqlite3 *db, sqlite3_stmt **st, const dataset *d, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const gen_household *h = &d->h[i];
		sqlite3_bind_int64(st[0], 1, (int64_t)serial_of(i, 0));
		gen_bind_household(st[0], 2, h);
		bench_bind_text(st[0], 15, "proposed");
		bench_step_reset("bench_proto", db, st[0]);
		for (size_t s = 0; s < NSTAGES; s++) {
			sqlite3_bind_int64(st[1], 1, (int64_t)serial_of(i, 1 + s));
			sqlite3_bind_int64(st[1], 2, (int64_t)serial_of(i, 0));
			bench_bind_text(st[1], 3, proto_stages[s]);
			bench_bind_text(st[1], 4, stage_date(s));
			bench_step_reset("bench_proto", db, st[1]);
		}
		for (size_t k = 0; k < NCONTRIB; k++) {
			sqlite3_bind_int64(st[2], 1, (int64_t)serial_of(i, 1 + NSTAGES + k));
			bind_contribution(st[2], 2, h, i, k);
			bench_step_reset("bench_proto", db, st[2]);
		}
	}
}

static void prepare_plain(sqlite3 *db, sqlite3_stmt **st)
{
	const char *sql[3] = {
		"INSERT INTO household VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		"INSERT INTO milestone VALUES(?,?,?,?)",
		"INSERT INTO contribution VALUES(?,?,?,?,?,?,?)",
	};
	for (int i = 0; i < 3; i++)
		if (sqlite3_prepare_v2(db, sql[i], -1, &st[i], NULL) != SQLITE_OK) {
			fprintf(stderr, "bench_proto: %s\n", sqlite3_errmsg(db));
			exit(1);
		}
}

/* zlib level 9 size of p (compress2's settings, memLevel 8, so the primary
 * baseline is what it always was), with our preset dictionary or without. */
static size_t zlib_size(const void *p, size_t n, int with_dict)
{
	z_stream s;
	Bytef *z;
	size_t zlen;

	memset(&s, 0, sizeof s);
	if (deflateInit2(&s, 9, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2", 0);
	if (with_dict && deflateSetDictionary(&s, proto_zdict(), (uInt)proto_zdict_len()) != Z_OK)
		die("deflateSetDictionary", 0);
	zlen = deflateBound(&s, (uLong)n);
	z = malloc(zlen);
	if (!z)
		die("malloc", 0);
	s.next_in = (Bytef *)p;
	s.avail_in = (uInt)n;
	s.next_out = z;
	s.avail_out = (uInt)zlen;
	if (deflate(&s, Z_FINISH) != Z_STREAM_END)
		die("deflate", 0);
	zlen = s.total_out;
	deflateEnd(&s);
	free(z);
	return zlen;
}

/*
 * The baseline: one session changeset per chunk, deflated with zlib at level 9. *dict_total gets the same changesets deflated
 * with our preset dictionary, so readers can tell the layout's share of our
 * gain from the dictionary's.
 */
static size_t session_zlib_bytes(const dataset *d, size_t chunk, size_t *dict_total)
{
	sqlite3 *db;
	sqlite3_stmt *st[3];
	size_t total = 0;

	*dict_total = 0;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, plain_schema, NULL, NULL, NULL) != SQLITE_OK)
		die("session db", 0);
	prepare_plain(db, st);
	for (size_t from = 0; from < d->n; from += chunk) {
		size_t to = from + chunk < d->n ? from + chunk : d->n;
		sqlite3_session *s;
		void *cs;
		int n;

		if (sqlite3session_create(db, "main", &s) != SQLITE_OK ||
		    sqlite3session_attach(s, NULL) != SQLITE_OK)
			die("sqlite3session_create", 0);
		plain_insert(db, st, d, from, to);
		if (sqlite3session_changeset(s, &n, &cs) != SQLITE_OK)
			die("sqlite3session_changeset", 0);
		total += zlib_size(cs, (size_t)n, 0);
		*dict_total += zlib_size(cs, (size_t)n, 1);
		sqlite3_free(cs);
		sqlite3session_delete(s);
	}
	for (int i = 0; i < 3; i++)
		sqlite3_finalize(st[i]);
	sqlite3_close(db);
	return total;
}

/* ---- OpenRosa-style XML: one submission per record ------------------------- */

static void xml_text(proto_buf *b, const char *tag, const char *v)
{
	if (!v)
		return;
	proto_buf_appendf(b, "<%s>", tag);
	for (const char *p = v; *p; p++) {
		switch (*p) {
		case '<':
			proto_buf_append_str(b, "&lt;");
			break;
		case '>':
			proto_buf_append_str(b, "&gt;");
			break;
		case '&':
			proto_buf_append_str(b, "&amp;");
			break;
		default:
			proto_buf_append_byte(b, (uint8_t)*p);
		}
	}
	proto_buf_appendf(b, "</%s>", tag);
}

/* Start a new submission of form in b (what was in b is dropped). */
static void xml_open(proto_buf *b, const char *form)
{
	proto_buf_reset(b);
	proto_buf_appendf(b,
			  "<?xml version='1.0' ?><data id=\"%s\" version=\"2023061501\" "
			  "xmlns:orx=\"http://openrosa.org/xforms\">",
			  form);
}

/* End the submission with its instance id; returns its size in bytes. */
static size_t xml_close(proto_buf *b, gen_rng *r)
{
	uint64_t a = gen_next(r), c = gen_next(r);
	proto_buf_appendf(b,
			  "<meta><orx:instanceID>uuid:%08x-%04x-4%03x-%04x-%012llx</orx:instanceID>"
			  "</meta></data>",
			  (unsigned)a, (unsigned)(a >> 32) & 0xffff, (unsigned)(a >> 48) & 0xfff,
			  (unsigned)(c & 0x3fff) | 0x8000, (unsigned long long)(c >> 16));
	return b->len;
}

static size_t openrosa_bytes(const dataset *d)
{
	proto_buf b;
	gen_rng r = { 42 };
	size_t total = 0;
	char num[32];

	proto_buf_init(&b, 1 << 20);
	for (size_t i = 0; i < d->n; i++) {
		const gen_household *h = &d->h[i];
		xml_open(&b, "maiam_household");
		xml_text(&b, "ref", h->ref);
		xml_text(&b, "name", h->name);
		xml_text(&b, "national_id", h->national_id);
		snprintf(num, sizeof num, "%d", h->commune);
		xml_text(&b, "commune", num);
		xml_text(&b, "hamlet", h->hamlet);
		xml_text(&b, "address", h->address);
		snprintf(num, sizeof num, "%d", h->members);
		xml_text(&b, "members", num);
		xml_text(&b, "category", h->category);
		xml_text(&b, "land_status", h->land_status);
		xml_text(&b, "condition", h->condition);
		xml_text(&b, "phone", h->phone);
		xml_text(&b, "note", h->note);
		xml_text(&b, "support_kind", h->support_kind);
		xml_text(&b, "review_status", "proposed");
		total += xml_close(&b, &r);
		for (size_t s = 0; s < NSTAGES; s++) {
			xml_open(&b, "maiam_milestone");
			xml_text(&b, "household", h->ref);
			xml_text(&b, "stage", proto_stages[s]);
			xml_text(&b, "date", stage_date(s));
			total += xml_close(&b, &r);
		}
		for (size_t k = 0; k < NCONTRIB; k++) {
			xml_open(&b, "maiam_contribution");
			xml_text(&b, "household", h->ref);
			snprintf(num, sizeof num, "%d", h->commune);
			xml_text(&b, "unit", num);
			xml_text(&b, "source", k == 0 ? "mps" : "donor");
			xml_text(&b, "donor", k == 1 ? "Công ty TNHH Xây dựng Phú Lợi" : NULL);
			snprintf(num, sizeof num, "%lld", (long long)contribution_money(i, k));
			xml_text(&b, "money_vnd", num);
			xml_text(&b, "date", stage_date(2 + k));
			total += xml_close(&b, &r);
		}
	}
	proto_buf_release(&b);
	return total;
}

/* ---- merge throughput vs raw inserts -------------------------------------- */

typedef struct sealed {
	uint8_t *data;
	size_t len;
} sealed;

static void exec_or_die(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_proto: %s: %s\n", sql, sqlite3_errmsg(db));
		exit(1);
	}
}

/*
 * commit_each: a durable commit (fsync) after every change-set, as the hub
 * answers one push; otherwise one transaction around all of them, as the
 * baseline does (each change-set still in its own savepoint).
 */
static double merge_seconds(const char *path, const sealed *s, size_t n, proto_key **keys, int commit_each)
{
	sqlite3 *db;
	double t0, t1;
	proto_merge_stats stats = { 0 };

	unlink(path);
	CHECK(proto_db_open(path, &db));
	t0 = bench_now_s();
	if (!commit_each)
		exec_or_die(db, "BEGIN IMMEDIATE");
	for (size_t i = 0; i < n; i++) {
		proto_header hdr;
		proto_changeset cs;
		const proto_key *key = NULL;

		CHECK(proto_peek(s[i].data, s[i].len, &hdr));
		for (int k = 0; k < NORIGINS; k++)
			if (proto_key_id(keys[k]) == hdr.origin)
				key = keys[k];
		if (!key)
			die("key lookup", 0);
		CHECK(proto_open(s[i].data, s[i].len, key, &cs, NULL));
		if (commit_each)
			exec_or_die(db, "BEGIN IMMEDIATE");
		CHECK(proto_merge(db, &cs, &stats));
		if (commit_each)
			exec_or_die(db, "COMMIT");
		proto_changeset_release(&cs);
	}
	if (!commit_each)
		exec_or_die(db, "COMMIT");
	t1 = bench_now_s();
	sqlite3_close(db);
	if (stats.conflicts || stats.stale)
		die("merge produced conflicts on fresh data", 0);
	return t1 - t0;
}

/* The same rows, straight into the same tables, one transaction. */
static double raw_insert_seconds(const char *path, const dataset *d, size_t chunk, proto_key **keys)
{
	sqlite3 *db;
	sqlite3_stmt *st[3];
	double t0, t1;
	const char *sql[3] = {
		"INSERT INTO household(id_origin,id_serial,ref,name,national_id,commune,hamlet,address,"
		"members,category,land_status,condition,phone,note,support_kind,review_status)"
		" VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		"INSERT INTO milestone(id_origin,id_serial,stamp,writer,household_origin,household_serial,"
		"stage,date) VALUES(?,?,?,?,?,?,?,?)",
		"INSERT INTO contribution(id_origin,id_serial,stamp,writer,household_origin,household_serial,"
		"unit,source,donor,money_vnd,date) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
	};

	unlink(path);
	CHECK(proto_db_open(path, &db));
	for (int i = 0; i < 3; i++)
		if (sqlite3_prepare_v2(db, sql[i], -1, &st[i], NULL) != SQLITE_OK)
			die(sqlite3_errmsg(db), 0);
	t0 = bench_now_s();
	exec_or_die(db, "BEGIN IMMEDIATE");
	for (size_t i = 0; i < d->n; i++) {
		const gen_household *h = &d->h[i];
		/* same ids and stamp widths as the merged rows */
		int64_t origin = proto_u2i(proto_key_id(keys[(i / chunk) % NORIGINS]));
		int64_t stamp = proto_u2i(proto_hlc_make(1686000000000ull + i * 60000ull, 1));
		sqlite3_bind_int64(st[0], 1, origin);
		sqlite3_bind_int64(st[0], 2, (int64_t)serial_of(i, 0));
		gen_bind_household(st[0], 3, h);
		bench_bind_text(st[0], 16, "proposed");
		bench_step_reset("bench_proto", db, st[0]);
		for (size_t s = 0; s < NSTAGES; s++) {
			sqlite3_bind_int64(st[1], 1, origin);
			sqlite3_bind_int64(st[1], 2, (int64_t)serial_of(i, 1 + s));
			sqlite3_bind_int64(st[1], 3, stamp);
			sqlite3_bind_int64(st[1], 4, origin);
			sqlite3_bind_int64(st[1], 5, origin);
			sqlite3_bind_int64(st[1], 6, (int64_t)serial_of(i, 0));
			bench_bind_text(st[1], 7, proto_stages[s]);
			bench_bind_text(st[1], 8, stage_date(s));
			bench_step_reset("bench_proto", db, st[1]);
		}
		for (size_t k = 0; k < NCONTRIB; k++) {
			sqlite3_bind_int64(st[2], 1, origin);
			sqlite3_bind_int64(st[2], 2, (int64_t)serial_of(i, 1 + NSTAGES + k));
			sqlite3_bind_int64(st[2], 3, stamp);
			sqlite3_bind_int64(st[2], 4, origin);
			sqlite3_bind_int64(st[2], 5, origin);
			bind_contribution(st[2], 6, h, i, k);
			bench_step_reset("bench_proto", db, st[2]);
		}
	}
	exec_or_die(db, "COMMIT");
	t1 = bench_now_s();
	for (int i = 0; i < 3; i++)
		sqlite3_finalize(st[i]);
	sqlite3_close(db);
	return t1 - t0;
}

#define RUNS 3

/* Median of RUNS timings: the machine is shared, one run can be unlucky. */
static double median(double *t)
{
	qsort(t, RUNS, sizeof *t, bench_cmp_double);
	return t[RUNS / 2];
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_proto [--households N] [--chunk H] [--dir DIR]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	size_t nh = 4400, chunk = 25;
	const char *dir = NULL;
	char tmpl[] = "/tmp/maiam-bench-XXXXXX", merge_db[4200], raw_db[4200];
	dataset d;
	gen_rng rng = { 2023 };
	proto_key *keys[NORIGINS];
	uint8_t prev[NORIGINS][32];
	uint64_t seq[NORIGINS];
	proto_hlc clock;
	sealed *s;
	size_t ns = 0, wire = 0, changes = 0, rows;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--households") && i + 1 < argc)
			nh = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--chunk") && i + 1 < argc)
			chunk = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else
			usage();
	}
	if (nh == 0 || chunk == 0 || nh > 1000000)
		usage();
	if (!dir && !(dir = mkdtemp(tmpl)))
		die("mkdtemp", 0);
	snprintf(merge_db, sizeof merge_db, "%s/merge.db", dir);
	snprintf(raw_db, sizeof raw_db, "%s/raw.db", dir);
	unlink(merge_db);
	unlink(raw_db);

	d.n = nh;
	d.h = calloc(nh, sizeof *d.h);
	for (size_t i = 0; i < nh; i++)
		gen_household_make(&rng, (unsigned)i + 1, &d.h[i]);
	for (int k = 0; k < NORIGINS; k++) {
		CHECK(proto_key_generate(&keys[k]));
		memset(prev[k], 0, 32);
		seq[k] = 0;
	}
	proto_hlc_init(&clock, 0);

	/* seal: one change-set per 'chunk' households, origins take turns */
	s = calloc(nh / chunk + 2, sizeof *s);
	for (size_t from = 0, c = 0; from < nh; from += chunk, c++) {
		size_t to = from + chunk < nh ? from + chunk : nh;
		int k = (int)(c % NORIGINS);
		proto_changeset cs;
		proto_buf out;

		changes += build_changeset(&cs, &d, from, to, proto_key_id(keys[k]), ++seq[k], prev[k],
					   &clock);
		proto_buf_init(&out, PROTO_MAX_ZBODY + 4096);
		CHECK(proto_seal(&cs, keys[k], &out, prev[k]));
		wire += out.len;
		s[ns].data = proto_buf_detach(&out, &s[ns].len);
		ns++;
		proto_changeset_release(&cs);
	}
	rows = nh * (1 + NSTAGES + NCONTRIB);

	size_t session_dict;
	size_t session = session_zlib_bytes(&d, chunk, &session_dict);
	size_t xml = openrosa_bytes(&d);
	double tm[RUNS], te[RUNS], tr[RUNS];
	for (int run = 0; run < RUNS; run++) {
		tm[run] = merge_seconds(merge_db, s, ns, keys, 0);
		te[run] = merge_seconds(merge_db, s, ns, keys, 1);
		tr[run] = raw_insert_seconds(raw_db, &d, chunk, keys);
	}
	double merge_s = median(tm), each_s = median(te), raw_s = median(tr);

	double bph = (double)wire / nh, sph = (double)session / nh, xph = (double)xml / nh;
	double sdph = (double)session_dict / nh;
	double merge_rate = changes / merge_s, merge_rows = rows / merge_s, raw_rate = rows / raw_s;

	printf("data: %zu households, %zu milestones, %zu contributions (%zu rows); %zu change-sets of %zu households\n",
	       nh, nh * NSTAGES, nh * NCONTRIB, rows, ns, chunk);
	printf("wire bytes per household: maiam %.1f | sqlite session+zlib %.1f | openrosa xml %.1f\n",
	       bph, sph, xph);
	printf("  ratio maiam/session+zlib %.3f (goal <= 0.70), maiam/openrosa %.3f\n", bph / sph,
	       bph / xph);
	printf("  secondary: session+zlib with our preset dictionary %.1f (maiam/that %.3f)\n", sdph,
	       bph / sdph);
	printf("merge (open+verify+inflate+decode+merge, 1 commit): %zu changes in %.3f s = %.0f changes/s"
	       " (%.0f rows/s)\n",
	       changes, merge_s, merge_rate, merge_rows);
	printf("merge with a durable commit per change-set: %.3f s = %.0f changes/s (%zu commits)\n",
	       each_s, changes / each_s, ns);
	printf("raw insert: %zu rows in %.3f s = %.0f rows/s, 1 commit (medians of %d runs)\n", rows,
	       raw_s, raw_rate, RUNS);
	printf("  ratio merge changes/s / raw rows/s %.3f (goal >= 0.50); per row %.3f\n",
	       merge_rate / raw_rate, merge_rows / raw_rate);
	printf("{\"households\": %zu, \"changes\": %zu, \"changesets\": %zu, \"bytes_per_household\": %.1f, "
	       "\"session_zlib_bytes_per_household\": %.1f, \"openrosa_bytes_per_household\": %.1f, "
	       "\"wire_ratio_vs_session\": %.3f, \"merge_changes_per_s\": %.0f, \"merge_rows_per_s\": %.0f, "
	       "\"raw_insert_rows_per_s\": %.0f, \"merge_ratio\": %.3f, "
	       "\"session_zlib_dict_bytes_per_household\": %.1f, \"merge_commit_each_changes_per_s\": %.0f}\n",
	       nh, changes, ns, bph, sph, xph, bph / sph, merge_rate, merge_rows, raw_rate,
	       merge_rate / raw_rate, sdph, changes / each_s);

	for (size_t i = 0; i < ns; i++)
		free(s[i].data);
	free(s);
	free(d.h);
	for (int k = 0; k < NORIGINS; k++)
		proto_key_free(keys[k]);
	unlink(merge_db);
	unlink(raw_db);
	if (dir == tmpl) {
		char cmd[4200];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_proto: could not remove %s\n", tmpl);
	}
	return 0;
}
