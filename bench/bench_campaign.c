/*
 * bench_campaign.c - a whole campaign's nights against one real hub that
 * keeps everything (issue 17). 1,000 laptops (each its own Ed25519 key and
 * client certificate, enrolled through the real enrol route), every night
 * from 1 June to 7 September (99 nights): each laptop pushes its day (about
 * 30 changes in the campaign's rhythm: registrations early, stages in order
 * as the summer goes, hand-overs at the end, contributions along the way)
 * and pulls since its cursor. A pool of client threads plays the laptops,
 * one TLS connection each (bench_tls.h).
 *
 * Measured per night: the hub's CPU (schedstat of every hub thread, from
 * before the first request until the hub is quiet again, so the group
 * commits and WAL checkpoints are in) and wall time; for nights 1, 10, 30,
 * 60 and the last, the floor beside it: the night's TLS handshakes with
 * client certificates, one Ed25519 verification per change-set, and raw
 * prepared inserts of the night's rows into a hub-schema database that has
 * the same history (each timed on its own). At the end the report times.
 * The change-sets of a night are sealed by worker threads before its
 * window, so generating them never counts.
 *
 * bench_arrivals (open-loop arrivals, the rural link) runs as a subprocess
 * when it is built (MAIAM_ARRIVALS_BIN) or named by BENCH_ARRIVALS_BIN, and
 * its figures are carried into this program's last line.
 *
 * Usage: bench_campaign [--laptops N] [--nights N] [--clients C] [--smoke]
 *                       [--no-arrivals] [--keep]
 * The last line is one JSON object (docs/BENCHMARKS.md).
 */
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "gen.h"
#include "bench_util.h"
#include "gen_rows.h"
#include "bench_tls.h"
#include "campaign_cpu.h"
#include "campaign_floor.h"
#include "../tests/hub/hubtest.h"
#include "../hub/store.h"

#define NSTAGES 8
#define MAX_COMMUNES 256
#define MAX_NIGHTS 99
/* a sealed header (magic, version, flags, campaign, origin, seq, prev,
 * created, four counts) is under this many bytes, all in btls_answer.body */
#define CAMPAIGN_PEEK_MAX (PROTO_CAMPAIGN_MAX + 96)
_Static_assert(CAMPAIGN_PEEK_MAX < sizeof(((btls_answer *)0)->body), "pull header kept whole");
#define SEALERS 2 /* the machine's cores: sealing happens between windows */

/* A household one laptop registered, and how far it has come. */
typedef struct home {
	gen_household h;
	uint64_t serial;
	int stage;   /* milestones recorded so far (the next is proto_stages[stage]) */
	int contrib; /* contributions recorded so far */
} home;

/* One change of tonight: a new household, its next milestone, or a
 * contribution; 'serial' is the record's id serial. */
typedef struct event {
	uint8_t kind; /* PROTO_KIND_* */
	uint8_t k;    /* milestone stage, or contribution number */
	uint32_t home;
	uint64_t serial;
} event;

typedef struct laptop {
	ht_agent a;
	int commune;
	btls_id tls;
	home *homes;
	size_t nhomes, cap_homes, next_ms; /* next_ms: where tonight's milestone scan starts */
	uint64_t serial;
	event ev[64];
	size_t nev, changes;
	proto_buf set; /* tonight's sealed change-set (every laptop's night fits one) */
	char cursor[32];
	size_t pulled_bytes, connects, retries;
	/* tonight's pull answers and the records they relayed (from each
	 * answer's header): what the hub's reader did, to divide its CPU by */
	size_t pulls, pulled_records;
	int failed;
	char why[200];
} laptop;

typedef struct night_fig {
	double hub_cpu_s, wall_s, sync_p99_ms;
	size_t changes, sets, connects, retries;
	size_t pulls, pulled_records;
	double reader_s, writer_s, loop_s; /* hub-reader, hub-writer, maiam-hub (event loop) */
	double tls_s, verify_s, insert_s;  /* the floor, on measured nights */
	int floor_done;
	char threads[400];
} night_fig;

typedef struct bench {
	ht_hub hub;
	laptop *l;
	size_t nl, clients;
	atomic_size_t next;
	int phase; /* 0 tokens, 1 enrol, 2 seal, 3 sync */
	int night, nights;
	char date[16]; /* YYYY-MM-DD */
	SSL_CTX *tls;
	char (*tokens)[128];
	int communes[MAX_COMMUNES];
	size_t ncommunes;
	double *lat;
	gen_rng rng;
} bench;

static void die(const char *what)
{
	fprintf(stderr, "bench_campaign: %s\n", what);
	exit(1);
}

/* The night's date: 1 June 2023 + the night's day in the 99 days of the
 * campaign (a shorter run spreads its nights over the same summer). */
static void night_date(int night, int nights, char out[16])
{
	static const int mdays[] = { 30, 31, 31, 30 };
	int d = nights > 1 ? night * (MAX_NIGHTS - 1) / (nights - 1) : 0, m = 0;

	while (m < 3 && d >= mdays[m])
		d -= mdays[m++];
	snprintf(out, 16, "2023-%02d-%02d", (6 + m) % 100, (1 + d) % 100);
}

/* Communes of the campaign's units file, so every laptop's scope is real. */
static void load_communes(bench *b)
{
	char path[600], line[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/data/soc-trang-units.csv", MAIAM_SOURCE_DIR);
	f = fopen(path, "r");
	if (!f)
		die("cannot open data/soc-trang-units.csv");
	while (fgets(line, sizeof line, f) && b->ncommunes < MAX_COMMUNES) {
		char *comma = strchr(line, ',');
		if (comma && strncmp(comma + 1, "commune,", 8) == 0)
			b->communes[b->ncommunes++] = (int)strtol(line, NULL, 10);
	}
	fclose(f);
	if (b->ncommunes == 0)
		die("no communes in data/soc-trang-units.csv");
}

static int household_changes(const gen_household *h)
{
	return 12 + (h->note != NULL);
}

/* ---- the campaign's rhythm ------------------------------------------------- */

/* Tonight's events of one laptop, about 30 changes: registrations in the
 * first 30% of the nights, then each household's next stage once the summer
 * has come that far (stage k from k/8 of the way, so hand-overs come at the
 * end), one stage per household a night; the grant and a donor once a
 * house is started, labour days while it is built; what is left of the
 * night's budget goes to more labour days. */
static void plan_night(bench *b, laptop *lp, size_t idx)
{
	double f = b->nights > 1 ? (double)b->night / (b->nights - 1) : 0;
	int budget = 26 + (int)gen_pick(&b->rng, 9), reg_nights = (b->nights * 3 + 9) / 10;
	size_t left = (size_t)budget;

	lp->nev = 0;
	lp->changes = 0;
	if (b->night < reg_nights) {
		for (int r = 0; r < 2 && left >= 13; r++) {
			home *hm;
			unsigned g = (unsigned)(idx * 1000 + lp->nhomes);
			if (lp->nhomes == lp->cap_homes) {
				size_t cap = lp->cap_homes ? lp->cap_homes * 2 : 16;
				home *n = realloc(lp->homes, cap * sizeof *n);
				if (!n)
					die("out of memory");
				lp->homes = n;
				lp->cap_homes = cap;
			}
			hm = &lp->homes[lp->nhomes];
			memset(hm, 0, sizeof *hm);
			gen_household_make(&b->rng, g + 1, &hm->h);
			hm->h.commune = lp->commune;
			/* unique CCCD per household: duplicates would be reconcile work */
			snprintf(hm->h.national_id, sizeof hm->h.national_id, "094%u%02u%06u",
				 g / 6000000u % 4, 40 + g / 100000u % 60, g % 1000000u);
			hm->serial = ++lp->serial;
			lp->ev[lp->nev++] = (event){ PROTO_KIND_HOUSEHOLD, 0, (uint32_t)lp->nhomes,
						     hm->serial };
			lp->nhomes++;
			left -= (size_t)household_changes(&hm->h);
		}
	}
	/* stages in order, as far as the summer allows */
	for (size_t s = 0; s < lp->nhomes && left > 0 && lp->nev < 40; s++) {
		size_t i = (lp->next_ms + s) % lp->nhomes;
		home *hm = &lp->homes[i];
		if (hm->stage >= NSTAGES || f + 1e-9 < (double)hm->stage / NSTAGES * 0.95)
			continue;
		lp->ev[lp->nev++] = (event){ PROTO_KIND_MILESTONE, (uint8_t)hm->stage, (uint32_t)i,
					     ++lp->serial };
		hm->stage++;
		left--;
		lp->next_ms = i + 1;
	}
	/* the grant and a donor for started houses, labour while they are built */
	for (size_t i = 0; i < lp->nhomes && left > 0 && lp->nev < 56; i++) {
		home *hm = &lp->homes[i];
		if (hm->stage < 3 || hm->contrib >= 2)
			continue;
		lp->ev[lp->nev++] = (event){ PROTO_KIND_CONTRIBUTION, (uint8_t)hm->contrib, (uint32_t)i,
					     ++lp->serial };
		hm->contrib++;
		left--;
	}
	while (left > 0 && lp->nhomes > 0 && lp->nev < 64) {
		size_t i = gen_pick(&b->rng, (unsigned)lp->nhomes);
		home *hm = &lp->homes[i];
		lp->ev[lp->nev++] = (event){ PROTO_KIND_CONTRIBUTION, (uint8_t)(2 + hm->contrib % 5),
					     (uint32_t)i, ++lp->serial };
		hm->contrib++;
		left--;
	}
	lp->changes = (size_t)budget - left;
}

/* ---- sealing ---------------------------------------------------------------- */

static void add_text(proto_changeset *cs, uint8_t field, const char *s)
{
	if (s && proto_changeset_add_text(cs, field, 0, s, strlen(s)) != PROTO_OK)
		die("add text");
}

static void add_int(proto_changeset *cs, uint8_t field, int64_t v)
{
	if (proto_changeset_add_int(cs, field, 0, v) != PROTO_OK)
		die("add int");
}

static void begin(proto_changeset *cs, uint8_t kind, proto_id id, laptop *lp)
{
	if (proto_changeset_begin(cs, kind, id, proto_hlc_now(&lp->a.clock, proto_wall_ms()), lp->a.id))
		die("begin record");
}

/* Contribution number k: the ministry's grant, a donor, then labour. */
static const char *ct_source(int k)
{
	return k == 0 ? "mps" : k == 1 ? "donor" : "household";
}

static void seal_night(const bench *b, laptop *lp)
{
	proto_changeset cs;

	proto_buf_init(&lp->set, PROTO_MAX_ZBODY + 4096);
	if (lp->nev == 0)
		return;
	if (proto_changeset_init(&cs, "soc-trang-2023", lp->a.id, lp->a.seq + 1, lp->a.last_hash,
				 proto_hlc_now(&lp->a.clock, proto_wall_ms())) != PROTO_OK)
		die("changeset init");
	for (size_t e = 0; e < lp->nev; e++) {
		const event *ev = &lp->ev[e];
		const home *hm = &lp->homes[ev->home];
		proto_id hid = { lp->a.id, hm->serial }, id = { lp->a.id, ev->serial };

		begin(&cs, ev->kind, id, lp);
		if (ev->kind == PROTO_KIND_HOUSEHOLD) {
			if (gen_add_household(&cs, &hm->h) != PROTO_OK)
				die("add household fields");
			continue;
		}
		if (proto_changeset_add_ref(&cs,
					    ev->kind == PROTO_KIND_MILESTONE ? PROTO_MS_HOUSEHOLD
									     : PROTO_CT_HOUSEHOLD,
					    0, hid))
			die("add ref");
		if (ev->kind == PROTO_KIND_MILESTONE) {
			add_text(&cs, PROTO_MS_STAGE, proto_stages[ev->k]);
			add_text(&cs, PROTO_MS_DATE, b->date);
			continue;
		}
		add_int(&cs, PROTO_CT_UNIT, hm->h.commune);
		add_text(&cs, PROTO_CT_SOURCE, ct_source(ev->k));
		if (ev->k == 0) {
			add_int(&cs, PROTO_CT_MONEY, 40000000);
		} else if (ev->k == 1) {
			add_text(&cs, PROTO_CT_DONOR, "Công ty TNHH Xây dựng Phú Lợi");
			add_int(&cs, PROTO_CT_MONEY, 5000000);
		} else {
			add_int(&cs, PROTO_CT_LABOUR, ev->k);
		}
		add_text(&cs, PROTO_CT_DATE, b->date);
	}
	if (proto_seal(&cs, lp->a.key, &lp->set, lp->a.last_hash) != PROTO_OK)
		die("seal");
	lp->a.seq++;
	proto_changeset_release(&cs);
}

/* ---- raw insert floor --------------------------------------------------------- */

/* The night's rows straight into a hub-schema database holding the nights
 * before (made by 'maiam-hub init', so its indexes and triggers are the
 * hub's), prepared statements, one transaction. CPU seconds of this
 * thread, as the hub's figure is its threads' time on a core: on a loaded
 * machine the wall clock counts the other programs' turns too. */
static double raw_insert_night(sqlite3 *db, const bench *b)
{
	static sqlite3_stmt *st[3];
	const char *sql[3] = {
		"INSERT INTO household(id_origin,id_serial,ref,name,national_id,commune,hamlet,address,"
		"members,category,land_status,condition,phone,note,support_kind)"
		" VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		"INSERT INTO milestone(id_origin,id_serial,stamp,writer,household_origin,household_serial,"
		"stage,date) VALUES(?,?,?,?,?,?,?,?)",
		"INSERT INTO contribution(id_origin,id_serial,stamp,writer,household_origin,household_serial,"
		"unit,source,donor,money_vnd,labour_days,date) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
	};
	double t0, t1;

	if (!db) {
		for (int i = 0; i < 3; i++) {
			sqlite3_finalize(st[i]);
			st[i] = NULL;
		}
		return 0;
	}
	for (int i = 0; i < 3; i++)
		if (!st[i] && sqlite3_prepare_v2(db, sql[i], -1, &st[i], NULL) != SQLITE_OK)
			die(sqlite3_errmsg(db));
	t0 = ccpu_thread_s();
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		die("raw: begin");
	for (size_t a = 0; a < b->nl; a++) {
		const laptop *lp = &b->l[a];
		int64_t origin = proto_u2i(lp->a.id);
		int64_t stamp = proto_u2i(proto_hlc_make(proto_wall_ms(), 1));
		for (size_t e = 0; e < lp->nev; e++) {
			const event *ev = &lp->ev[e];
			const home *hm = &lp->homes[ev->home];
			sqlite3_stmt *s;
			if (ev->kind == PROTO_KIND_HOUSEHOLD) {
				s = st[0];
				sqlite3_bind_int64(s, 1, origin);
				sqlite3_bind_int64(s, 2, (int64_t)hm->serial);
				gen_bind_household(s, 3, &hm->h);
			} else if (ev->kind == PROTO_KIND_MILESTONE) {
				s = st[1];
				sqlite3_bind_int64(s, 1, origin);
				sqlite3_bind_int64(s, 2, (int64_t)ev->serial);
				sqlite3_bind_int64(s, 3, stamp);
				sqlite3_bind_int64(s, 4, origin);
				sqlite3_bind_int64(s, 5, origin);
				sqlite3_bind_int64(s, 6, (int64_t)hm->serial);
				bench_bind_text(s, 7, proto_stages[ev->k]);
				bench_bind_text(s, 8, b->date);
			} else {
				s = st[2];
				sqlite3_bind_int64(s, 1, origin);
				sqlite3_bind_int64(s, 2, (int64_t)ev->serial);
				sqlite3_bind_int64(s, 3, stamp);
				sqlite3_bind_int64(s, 4, origin);
				sqlite3_bind_int64(s, 5, origin);
				sqlite3_bind_int64(s, 6, (int64_t)hm->serial);
				sqlite3_bind_int(s, 7, hm->h.commune);
				bench_bind_text(s, 8, ct_source(ev->k));
				bench_bind_text(s, 9, ev->k == 1 ? "Công ty TNHH Xây dựng Phú Lợi" : NULL);
				if (ev->k < 2)
					sqlite3_bind_int64(s, 10, ev->k == 0 ? 40000000 : 5000000);
				else
					sqlite3_bind_int(s, 11, ev->k);
				bench_bind_text(s, 12, b->date);
			}
			bench_step_reset("bench_campaign: raw insert", db, s);
			sqlite3_clear_bindings(s);
		}
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die("raw: commit");
	t1 = ccpu_thread_s();
	return t1 - t0;
}

/* One Ed25519 verification per change-set of the night, of its bytes, as
 * the hub verifies a push. CPU seconds of this thread. */
static double verify_night(const bench *b)
{
	uint8_t(*sig)[PROTO_SIG_LEN] = calloc(b->nl, PROTO_SIG_LEN);
	double t0, t1;

	if (!sig)
		die("out of memory");
	for (size_t i = 0; i < b->nl; i++)
		if (b->l[i].set.len &&
		    proto_sign(b->l[i].a.key, b->l[i].set.data, b->l[i].set.len, sig[i]) != PROTO_OK)
			die("sign");
	t0 = ccpu_thread_s();
	for (size_t i = 0; i < b->nl; i++)
		if (b->l[i].set.len &&
		    proto_verify(b->l[i].a.key, b->l[i].set.data, b->l[i].set.len, sig[i]) != PROTO_OK)
			die("verify");
	t1 = ccpu_thread_s();
	free(sig);
	return t1 - t0;
}

/* ---- the load generator ------------------------------------------------------ */

static int request(bench *b, laptop *lp, btls_conn *c, const char *method, const char *path,
		   const proto_buf *body, btls_answer *r)
{
	/* a laptop whose connection was cut tries again a little later (the
	 * hub answers a resent push already_applied, and a pull is a read) */
	for (int attempt = 0; attempt < 5; attempt++) {
		if (attempt) {
			struct timespec pause = { 0, 100L * 1000 * 1000 * attempt };
			nanosleep(&pause, NULL);
			lp->retries++;
		}
		if (c->fd < 0) {
			if (btls_connect(c, b->tls, &lp->tls, b->hub.port))
				continue;
			lp->connects++;
		}
		if (btls_request(c, method, path, body ? body->data : NULL, body ? body->len : 0, r) == 0)
			return 0;
		btls_close(c);
	}
	return -1;
}

/* Push tonight's change-set, then pull from the laptop's cursor until the
 * hub has nothing more. */
static void sync_laptop(bench *b, laptop *lp, size_t idx)
{
	btls_conn c = { .fd = -1 };
	btls_answer r;
	char path[64];
	double t0 = bench_now_s();

	if (lp->set.len && (request(b, lp, &c, "POST", "/v1/push", &lp->set, &r) || r.status != 200 ||
			    (!strstr(r.body, "\"status\": \"applied\"") &&
			     !(lp->retries && strstr(r.body, "\"status\": \"already_applied\""))))) {
		snprintf(lp->why, sizeof lp->why, "night %d push: HTTP %d %.150s", b->night + 1,
			 r.status, r.body);
		goto fail;
	}
	for (int round = 0; round < 10000; round++) {
		snprintf(path, sizeof path, "/v1/pull?after=%s", lp->cursor);
		if (request(b, lp, &c, "GET", path, NULL, &r) || (r.status != 200 && r.status != 204) ||
		    !r.cursor[0]) {
			snprintf(lp->why, sizeof lp->why, "night %d pull: HTTP %d %.150s", b->night + 1,
				 r.status, r.body);
			goto fail;
		}
		lp->pulled_bytes += r.body_len;
		lp->pulls++;
		/* the answer's header is in the first bytes kept (body[]): proto_peek
		 * reads only the header, and checks the declared lengths against
		 * the whole body's length */
		if (r.status == 200) {
			proto_header hdr;
			if (proto_peek((const uint8_t *)r.body, r.body_len, &hdr) == PROTO_OK)
				lp->pulled_records += hdr.nrecords;
		}
		snprintf(lp->cursor, sizeof lp->cursor, "%s", r.cursor);
		if (!r.more)
			break;
	}
	b->lat[idx] = (bench_now_s() - t0) * 1000.0;
	goto out;
fail:
	lp->failed = 1;
out:
	btls_close(&c);
}

static void enroll_laptop(bench *b, size_t i)
{
	laptop *lp = &b->l[i];
	char name[32];
	ht_resp r;

	snprintf(name, sizeof name, "laptop%zu", i);
	if (ht_agent_new(&lp->a, &b->hub, name))
		die("laptop key");
	if (ht_enroll(&b->hub, &lp->a, b->tokens[i], &r) || r.status != 200) {
		fprintf(stderr, "bench_campaign: enrol %zu: HTTP %ld %s\n", i, r.status, r.body);
		exit(1);
	}
	ht_resp_free(&r);
}

static void *worker(void *arg)
{
	bench *b = arg;
	size_t i;

	while ((i = atomic_fetch_add(&b->next, 1)) < b->nl) {
		laptop *lp = &b->l[i];
		if (b->phase == 0) {
			if (ht_token(&b->hub, "--commune", lp->commune, NULL, b->tokens[i]))
				die("maiam-hub agent add failed");
		} else if (b->phase == 1) {
			enroll_laptop(b, i);
		} else if (b->phase == 2) {
			seal_night(b, lp);
		} else {
			sync_laptop(b, lp, i);
		}
	}
	return NULL;
}

static void run_phase(bench *b, int phase, size_t nthreads)
{
	pthread_t *t = calloc(nthreads, sizeof *t);
	pthread_attr_t attr;

	if (!t)
		die("out of memory");
	b->phase = phase;
	atomic_store(&b->next, 0);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256u << 10); /* hundreds of threads */
	for (size_t i = 0; i < nthreads; i++)
		if (pthread_create(&t[i], &attr, worker, b))
			die("pthread_create");
	for (size_t i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	pthread_attr_destroy(&attr);
	free(t);
}

/* ---- bench_arrivals' figures ------------------------------------------------- */

static const char *const arrival_keys[] = {
	"p50_ms_at_20",
	"p99_ms_at_20",
	"p50_ms_at_50",
	"p99_ms_at_50",
	"p50_ms_at_100",
	"p99_ms_at_100",
	"p99_over_1s_rate",
	"rural_round_trips",
	"rural_bytes_up",
	"rural_bytes_down",
	"rural_speedup_vs_per_record",
};
#define NARRIVAL (sizeof arrival_keys / sizeof arrival_keys[0])

/* The number after "key": in a JSON line; 0 found, -1 absent or not a number. */
static int json_number(const char *line, const char *key, double *out)
{
	char pat[80];
	const char *p;
	char *end;

	snprintf(pat, sizeof pat, "\"%s\":", key);
	p = strstr(line, pat);
	if (!p)
		return -1;
	*out = strtod(p + strlen(pat), &end);
	return end == p + strlen(pat) || !isfinite(*out) ? -1 : 0;
}

/* Run bench_arrivals (its --smoke when ours is) and keep its last line's
 * figures: how many were found, or -1 when it could not run or failed. */
static int run_arrivals(const char *bin, int smoke, double val[NARRIVAL], int have[NARRIVAL])
{
	char cmd[1200], line[4096], last[4096] = "";
	FILE *p;
	int st, found = 0;

	snprintf(cmd, sizeof cmd, "'%s'%s", bin, smoke ? " --smoke" : "");
	if (strchr(bin, '\'') || !(p = popen(cmd, "r")))
		return -1;
	while (fgets(line, sizeof line, p))
		if (line[0] != '\n')
			snprintf(last, sizeof last, "%s", line);
	st = pclose(p);
	if (st != 0 || last[0] != '{')
		return -1;
	for (size_t i = 0; i < NARRIVAL; i++) {
		have[i] = json_number(last, arrival_keys[i], &val[i]) == 0;
		found += have[i];
	}
	return found;
}

/* ---- main ---------------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: bench_campaign [--laptops N] [--nights N (1-99)] [--clients C] [--smoke]"
			" [--no-arrivals] [--keep]\n");
	exit(2);
}

static size_t arg_size(const char *s, size_t lo, size_t hi)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || v < lo || v > hi)
		usage();
	return v;
}

/* Microseconds of s per item (0 when there were none). */
static double per_us(double s, size_t n)
{
	return n ? s * 1e6 / (double)n : 0;
}

/* A figure, or null when it was not measured (< 0). */
static void json_num(double v)
{
	if (v < 0)
		printf("null");
	else
		printf("%.3f", v);
}

static int measured_night(int n, int nights)
{
	return n == 0 || n == 9 || n == 29 || n == 59 || n == nights - 1;
}

/* One report command on the hub directory, timed; -1 when it failed. */
static double time_report(const bench *b, const char *kind)
{
	double t0 = bench_now_s();
	int rc = ht_run(NULL, 0, "report %s --dir %s/hub --format json", kind, b->hub.dir);

	if (rc != 0) {
		fprintf(stderr, "bench_campaign: report %s exited %d\n", kind, rc);
		return -1;
	}
	return bench_now_s() - t0;
}

int main(int argc, char **argv)
{
	bench b;
	night_fig fig[MAX_NIGHTS];
	int keep = 0, smoke = 0, no_arrivals = 0, failed = 0;
	char ca[340], hubdir[300], extra[200], floor_path[400];
	size_t total_sets = 0, total_changes = 0, total_homes = 0;
	double t0, rep_progress, rep_funds, rep_reconcile, arr[NARRIVAL];
	int arr_have[NARRIVAL] = { 0 }, arr_found = -1;
	const char *arrivals_bin = getenv("BENCH_ARRIVALS_BIN");
	sqlite3 *floor_db = NULL;

	memset(&b, 0, sizeof b);
	memset(fig, 0, sizeof fig);
	b.nl = 1000;
	b.nights = MAX_NIGHTS;
	b.clients = 256;
	b.rng.s = 2023;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--laptops") && i + 1 < argc)
			b.nl = arg_size(argv[++i], 1, 100000);
		else if (!strcmp(argv[i], "--nights") && i + 1 < argc)
			b.nights = (int)arg_size(argv[++i], 1, MAX_NIGHTS);
		else if (!strcmp(argv[i], "--clients") && i + 1 < argc)
			b.clients = arg_size(argv[++i], 1, 1000);
		else if (!strcmp(argv[i], "--smoke"))
			smoke = 1;
		else if (!strcmp(argv[i], "--no-arrivals"))
			no_arrivals = 1;
		else if (!strcmp(argv[i], "--keep"))
			keep = 1;
		else
			usage();
	}
	if (smoke && b.nl > 5)
		b.nl = 5;
	if (smoke && b.nights > 3)
		b.nights = 3;
	if (b.clients > b.nl)
		b.clients = b.nl;
#ifdef MAIAM_ARRIVALS_BIN
	if (!arrivals_bin)
		arrivals_bin = MAIAM_ARRIVALS_BIN;
#endif
	if (no_arrivals)
		arrivals_bin = NULL;
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	load_communes(&b);
	b.l = calloc(b.nl, sizeof *b.l);
	b.tokens = calloc(b.nl, sizeof *b.tokens);
	b.lat = calloc(b.nl, sizeof *b.lat);
	if (!b.l || !b.tokens || !b.lat)
		die("out of memory");
	if (ht_hub_init(&b.hub))
		die("maiam-hub init failed");

	/* the floor's database: the hub's schema, its own file */
	{
		ht_hub fh;
		if (ht_hub_init(&fh))
			die("maiam-hub init (floor database) failed");
		snprintf(floor_path, sizeof floor_path, "%s/hub/hub.db", fh.dir);
		if (sqlite3_open(floor_path, &floor_db) != SQLITE_OK)
			die("cannot open the floor database");
		/* the hub writer's connection settings (hub/store.h): with
		 * SQLite's default 2 MiB page cache the floor re-read from the
		 * OS the index pages the writer keeps in its 64 MiB, and counted
		 * work the hub does not do (night 99's inserts 1.27 s, 0.70 s
		 * with the writer's cache: docs/BENCHMARKS.md) */
		sqlite3_exec(floor_db,
			     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; " HUB_SERVE_TEMP_SQL
			     "; " HUB_SERVE_CACHE_SQL,
			     NULL, NULL, NULL);
		snprintf(floor_path, sizeof floor_path, "%s", fh.dir);
	}

	/* setup, outside every window: tokens, serve, enrolment */
	t0 = bench_now_s();
	for (size_t i = 0; i < b.nl; i++) {
		b.l[i].commune = b.communes[i % b.ncommunes];
		snprintf(b.l[i].cursor, sizeof b.l[i].cursor, "0");
	}
	run_phase(&b, 0, 4);
	/* limits for this load: every client thread may hold a connection and
	 * the hub still holds the ones just closed (at least the default 512),
	 * the province enrols all its laptops from one address at once, every
	 * client thread may be in its handshake at once from that address
	 * (unknown until its certificate is read: at the default 32 the hub
	 * evicted the oldest, 15-34 cut connections a night), and a laptop's
	 * whole campaign is far within a day's quota */
	snprintf(extra, sizeof extra,
		 "--max-conns %zu --max-conns-per-addr %zu --enroll-rate %zu --day-records %zu",
		 b.clients * 2 + 64 > 512 ? b.clients * 2 + 64 : 512, b.clients + 32, b.nl + 10,
		 (size_t)b.nights * 64 + 1000);
	if (ht_hub_start(&b.hub, extra))
		die("maiam-hub serve did not start");
	run_phase(&b, 1, 8);
	fprintf(stderr, "bench_campaign: %zu laptops in %zu communes enrolled in %.1f s\n", b.nl,
		b.ncommunes, bench_now_s() - t0);
	snprintf(hubdir, sizeof hubdir, "%s/hub", b.hub.dir);
	snprintf(ca, sizeof ca, "%s/ca.pem", hubdir);
	b.tls = btls_ctx(ca);
	if (!b.tls)
		die("cannot load the hub's ca.pem into a TLS context");
	for (size_t i = 0; i < b.nl; i++)
		if (btls_id_load(&b.l[i].tls, b.l[i].a.cert_path, b.l[i].a.key_path))
			die("cannot read a laptop's certificate or key");

	for (b.night = 0; b.night < b.nights && !failed; b.night++) {
		night_fig *nf = &fig[b.night];
		ccpu_use c0, c1;
		double w0;

		night_date(b.night, b.nights, b.date);
		for (size_t i = 0; i < b.nl; i++) {
			plan_night(&b, &b.l[i], i);
			b.l[i].connects = b.l[i].retries = 0;
			b.l[i].pulls = b.l[i].pulled_records = 0;
		}
		run_phase(&b, 2, SEALERS);
		for (size_t i = 0; i < b.nl; i++) {
			nf->changes += b.l[i].changes;
			nf->sets += b.l[i].set.len > 0;
		}
		ccpu_snapshot(b.hub.pid, &c0);
		w0 = bench_now_s();
		run_phase(&b, 3, b.clients);
		nf->wall_s = bench_now_s() - w0;
		ccpu_settle(b.hub.pid, &c1, 10);
		nf->hub_cpu_s = c1.total_s - c0.total_s;
		nf->reader_s = ccpu_run_of(&c0, &c1, "hub-reader");
		nf->writer_s = ccpu_run_of(&c0, &c1, "hub-writer");
		nf->loop_s = ccpu_run_of(&c0, &c1, "maiam-hub");
		{
			FILE *m = fmemopen(nf->threads, sizeof nf->threads - 1, "w");
			if (m) {
				ccpu_print(m, &c0, &c1);
				fclose(m);
			}
		}
		for (size_t i = 0; i < b.nl; i++) {
			if (b.l[i].failed) {
				if (failed++ < 5)
					fprintf(stderr, "bench_campaign: laptop %zu: %s\n", i, b.l[i].why);
			}
			nf->connects += b.l[i].connects;
			nf->retries += b.l[i].retries;
			nf->pulls += b.l[i].pulls;
			nf->pulled_records += b.l[i].pulled_records;
		}
		qsort(b.lat, b.nl, sizeof *b.lat, bench_cmp_double);
		nf->sync_p99_ms = b.lat[(b.nl * 99) / 100 < b.nl ? (b.nl * 99) / 100 : b.nl - 1];
		/* the floor: the rows every night (the floor database keeps the
		 * same history as the hub), handshakes and signatures on the
		 * nights that are printed */
		nf->insert_s = raw_insert_night(floor_db, &b);
		if (measured_night(b.night, b.nights)) {
			size_t tls_failed;
			nf->tls_s = cfloor_tls_s(hubdir, b.tls, &b.l[0].tls, b.nl, sizeof(laptop),
						 nf->connects ? nf->connects : b.nl, &tls_failed);
			if (nf->tls_s < 0 || tls_failed)
				die("the TLS floor's handshakes failed");
			nf->verify_s = verify_night(&b);
			nf->floor_done = 1;
		}
		for (size_t i = 0; i < b.nl; i++) {
			total_sets += b.l[i].set.len > 0;
			proto_buf_release(&b.l[i].set);
		}
		total_changes += nf->changes;
		/* a short run tells every night (per-thread CPU of each) */
		if (measured_night(b.night, b.nights) || (b.night + 1) % 10 == 0 || b.nights <= 20)
			fprintf(stderr,
				"bench_campaign: night %d (%s): %zu changes, hub cpu %.2f s, wall %.2f s,"
				" %zu connections, %zu retries, %zu pulls relaying %zu records;%s\n",
				b.night + 1, b.date, nf->changes, nf->hub_cpu_s, nf->wall_s,
				nf->connects, nf->retries, nf->pulls, nf->pulled_records, nf->threads);
	}
	if (failed) {
		fprintf(stderr, "bench_campaign: %d laptops failed on night %d\n", failed, b.night);
		ht_hub_stop(&b.hub, SIGTERM);
		return 1;
	}

	/* the reports an operator reads at the end, on the whole campaign */
	rep_progress = time_report(&b, "progress");
	rep_funds = time_report(&b, "funds");
	rep_reconcile = time_report(&b, "reconcile");

	/* what the hub holds must be exactly what was pushed */
	long long ledger = ht_sql(&b.hub, "SELECT count(*) FROM hub_ledger");
	long long households = ht_sql(&b.hub, "SELECT count(*) FROM household");
	for (size_t i = 0; i < b.nl; i++)
		total_homes += b.l[i].nhomes;
	if (ht_hub_stop(&b.hub, SIGTERM) != 0)
		fprintf(stderr, "bench_campaign: the hub did not stop cleanly\n");
	if (ledger != (long long)total_sets || households != (long long)total_homes ||
	    rep_progress < 0 || rep_funds < 0 || rep_reconcile < 0) {
		fprintf(stderr,
			"bench_campaign: hub holds %lld change-sets / %lld households, pushed %zu / %zu\n",
			ledger, households, total_sets, total_homes);
		return 1;
	}
	if (arrivals_bin) {
		arr_found = run_arrivals(arrivals_bin, smoke, arr, arr_have);
		if (arr_found < 0)
			fprintf(stderr, "bench_campaign: %s failed; its figures are null\n", arrivals_bin);
	}

	/* the table */
	int last = b.nights - 1;
	night_fig *f1 = &fig[0], *fl = &fig[last], *f10 = b.nights >= 10 ? &fig[9] : NULL;
	double floor1 = f1->tls_s + f1->verify_s + f1->insert_s,
	       floorl = fl->tls_s + fl->verify_s + fl->insert_s;
	double hub_cpu = 0;
	for (int n = 0; n < b.nights; n++)
		hub_cpu += fig[n].hub_cpu_s;
	printf("campaign: %zu laptops (%zu client threads) in %zu communes, %d nights, %zu changes in %zu"
	       " change-sets; the hub holds %lld households\n",
	       b.nl, b.clients, b.ncommunes, b.nights, total_changes, total_sets, households);
	printf("night  changes  conns  hub_cpu_s  wall_s  p99_ms  floor_s (tls + verify + insert)  hub/floor"
	       "  pulled  reader_us/rec  writer_us/chg  hub threads (run+wait s)\n");
	for (int n = 0; n < b.nights; n++) {
		night_fig *nf = &fig[n];
		double fl_s = nf->tls_s + nf->verify_s + nf->insert_s;
		if (!nf->floor_done)
			continue;
		printf("%5d  %7zu  %5zu  %9.2f  %6.2f  %6.0f  %7.2f (%.2f + %.3f + %.2f)  %9.2f  %6zu  %13.1f  %13.1f "
		       "%s\n",
		       n + 1, nf->changes, nf->connects, nf->hub_cpu_s, nf->wall_s, nf->sync_p99_ms,
		       fl_s, nf->tls_s, nf->verify_s, nf->insert_s, nf->hub_cpu_s / fl_s,
		       nf->pulled_records, per_us(nf->reader_s, nf->pulled_records),
		       per_us(nf->writer_s, nf->changes), nf->threads);
	}
	printf("night %d / night 1 hub cpu: %.2f (goal <= 1.2); last night hub cpu / floor: %.2f (goal <= 2)\n",
	       b.nights, fl->hub_cpu_s / f1->hub_cpu_s, fl->hub_cpu_s / floorl);
	/* the floor is the night's unavoidable work: when it grows between
	 * night 1 and the last, the hub cannot stay flatter than it; the hub's
	 * own growth is the ratio of the two multiples */
	printf("night %d / night 1 floor: %.2f; hub over floor, night %d / night 1: %.2f\n", b.nights,
	       floorl / floor1, b.nights, (fl->hub_cpu_s / floorl) / (f1->hub_cpu_s / floor1));
	int worst = 0;
	for (int n = 0; n < b.nights; n++) {
		night_fig *nf = &fig[n];
		if (nf->floor_done &&
		    nf->hub_cpu_s / (nf->tls_s + nf->verify_s + nf->insert_s) >
			    fig[worst].hub_cpu_s /
				    (fig[worst].tls_s + fig[worst].verify_s + fig[worst].insert_s))
			worst = n;
	}
	double worst_ratio = fig[worst].hub_cpu_s /
			     (fig[worst].tls_s + fig[worst].verify_s + fig[worst].insert_s);
	printf("the dearest measured night against its floor: night %d, %.2f\n", worst + 1, worst_ratio);
	/* night 1 relays half a night and every record is a new household:
	 * night 10 is the first ordinary night (docs/BENCHMARKS.md) */
	if (f10)
		printf("night %d / night 10 hub cpu: %.2f\n", b.nights, fl->hub_cpu_s / f10->hub_cpu_s);
	printf("reports on the whole campaign: progress %.2f s, funds %.2f s, reconcile %.2f s\n",
	       rep_progress, rep_funds, rep_reconcile);
	printf("{\"laptops\": %zu, \"nights\": %d, \"changes\": %zu, \"changesets\": %zu, \"households\": %lld, "
	       "\"night1_hub_cpu_s\": %.3f, \"last_night_hub_cpu_s\": %.3f, \"night_ratio\": %.3f, "
	       "\"night1_wall_s\": %.3f, \"last_night_wall_s\": %.3f, \"floor_cpu_s\": %.3f, "
	       "\"floor_tls_s\": %.3f, \"floor_verify_s\": %.3f, \"floor_insert_s\": %.3f, "
	       "\"hub_cpu_s\": %.3f, \"campaign_hub_cpu_s\": %.3f, \"cpu_vs_floor\": %.3f, "
	       "\"night1_cpu_vs_floor\": %.3f, \"report_progress_s\": %.3f, \"report_funds_s\": %.3f, "
	       "\"report_reconcile_s\": %.3f",
	       b.nl, b.nights, total_changes, total_sets, households, f1->hub_cpu_s, fl->hub_cpu_s,
	       fl->hub_cpu_s / f1->hub_cpu_s, f1->wall_s, fl->wall_s, floorl, fl->tls_s, fl->verify_s,
	       fl->insert_s, fl->hub_cpu_s, hub_cpu, fl->hub_cpu_s / floorl, f1->hub_cpu_s / floor1,
	       rep_progress, rep_funds, rep_reconcile);
	printf(", \"night10_hub_cpu_s\": ");
	json_num(f10 ? f10->hub_cpu_s : -1);
	printf(", \"last_over_night10\": ");
	json_num(f10 ? fl->hub_cpu_s / f10->hub_cpu_s : -1);
	printf(", \"night1_pulled_records\": %zu, \"last_night_pulled_records\": %zu, "
	       "\"night1_reader_s\": %.3f, \"last_night_reader_s\": %.3f, "
	       "\"night1_writer_s\": %.3f, \"last_night_writer_s\": %.3f, "
	       "\"night1_loop_s\": %.3f, \"last_night_loop_s\": %.3f, "
	       "\"night1_reader_us_per_record\": %.2f, \"last_night_reader_us_per_record\": %.2f",
	       f1->pulled_records, fl->pulled_records, f1->reader_s, fl->reader_s, f1->writer_s,
	       fl->writer_s, f1->loop_s, fl->loop_s, per_us(f1->reader_s, f1->pulled_records),
	       per_us(fl->reader_s, fl->pulled_records));
	printf(", \"night1_floor_cpu_s\": %.3f, \"floor_ratio\": %.3f, \"night_ratio_over_floor_ratio\": %.3f, "
	       "\"max_cpu_vs_floor\": %.3f, \"max_cpu_vs_floor_night\": %d",
	       floor1, floorl / floor1, (fl->hub_cpu_s / f1->hub_cpu_s) / (floorl / floor1), worst_ratio,
	       worst + 1);
	for (size_t i = 0; i < NARRIVAL; i++) {
		if (arr_found >= 0 && arr_have[i])
			printf(", \"%s\": %.6g", arrival_keys[i], arr[i]);
		else
			printf(", \"%s\": null", arrival_keys[i]);
	}
	printf("}\n");

	raw_insert_night(NULL, &b);
	sqlite3_close(floor_db);
	if (!keep) {
		char cmd[800];
		snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", b.hub.dir, floor_path);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_campaign: could not remove %s\n", b.hub.dir);
	} else {
		fprintf(stderr, "bench_campaign: hub directory kept: %s/hub\n", b.hub.dir);
		fprintf(stderr, "bench_campaign: floor directory kept: %s\n", floor_path);
	}
	for (size_t i = 0; i < b.nl; i++) {
		free(b.l[i].homes);
		ht_agent_free(&b.l[i].a);
		btls_id_free(&b.l[i].tls);
	}
	SSL_CTX_free(b.tls);
	free(b.l);
	free(b.tokens);
	free(b.lat);
	curl_global_cleanup();
	return 0;
}
