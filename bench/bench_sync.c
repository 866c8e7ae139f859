/*
 * bench_sync.c - the hub under a night's load: many laptops (each with its
 * own Ed25519 key and client certificate, enrolled through the real enrol
 * route with tokens from 'maiam-hub agent add') push their change-sets over
 * HTTPS to one real 'maiam-hub serve' and then pull. A pool of client
 * threads plays the laptops, one TLS connection each (bench_tls.h).
 *
 * Measured: changes merged per second end to end (first request to last
 * acknowledged push; the hub answers a push only after its durable commit),
 * against raw prepared inserts of the same rows into a proto_db_open database
 * in one transaction (bench_proto's baseline), and p99 of one agent's sync
 * (push all + pull); then the same syncs again, every push now answered
 * already_applied: what TLS, HTTP and the checks cost without any merge.
 * Where the CPU went is read from /proc per hub thread. Enrolment and
 * sealing happen before the window.
 * Usage: bench_sync [--agents N] [--changes-per-agent M] [--changes-per-set S]
 *                   [--clients C] [--no-pull] [--no-replay] [--keep]
 * The last line is one JSON object (docs/BENCHMARKS.md).
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <curl/curl.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "gen.h"
#include "bench_util.h"
#include "gen_rows.h"
#include "bench_tls.h"
#include "../tests/hub/hubtest.h"

#define NSTAGES 8
#define MAX_COMMUNES 256

/* One household an agent records tonight, with its events. */
typedef struct plan {
	gen_household h;
	uint64_t serial; /* household id serial; events follow it */
	int nms, nct;    /* milestones (stages in order), contributions */
} plan;

typedef struct agent {
	ht_agent a;
	int commune;
	plan *plans;
	size_t nplans;
	size_t nsets;
	proto_buf *sets; /* sealed change-sets, in seq order */
	size_t changes;
	double t_start, t_acked, t_end;
	size_t pulled_bytes;
	btls_id tls; /* its client certificate and key, parsed before the window */
	int failed;
	char why[200];
} agent;

typedef struct bench {
	ht_hub hub;
	agent *agents;
	size_t nagents;
	atomic_size_t next;
	int phase;    /* 0 tokens, 1 enrol, 2 sync */
	int no_pull;  /* diagnosis: push only, to see what the pulls cost */
	int replay;   /* the second window: every push is answered already_applied */
	SSL_CTX *tls; /* the load generator's client context: the hub's CA */
	char (*tokens)[128];
	int communes[MAX_COMMUNES];
	size_t ncommunes;
} bench;

static void die(const char *what)
{
	fprintf(stderr, "bench_sync: %s\n", what);
	exit(1);
}

static const char *stage_date(int stage)
{
	static const char *const d[NSTAGES] = { "2023-06-05", "2023-06-12", "2023-06-20", "2023-06-28",
						"2023-07-10", "2023-07-25", "2023-08-15", "2023-08-28" };
	return d[stage];
}

/* Communes of the campaign's units file, so every agent's scope is real. */
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

/* Field changes of one household record (the fields gen fills). */
static int household_changes(const gen_household *h)
{
	return 12 + (h->note != NULL);
}

/* Tonight's work of one agent: households until exactly m changes; what is
 * left when a household does not fit goes to extra contributions. */
static void plan_agent(agent *ag, size_t idx, size_t m, gen_rng *r)
{
	size_t left = m, cap = m / 12 + 2;
	uint64_t serial = 0;

	ag->plans = calloc(cap, sizeof(plan));
	if (!ag->plans)
		die("out of memory");
	while (left > 0) {
		plan *p;
		gen_household h;
		int hc;
		unsigned g = (unsigned)(idx * 1000 + ag->nplans);

		gen_household_make(r, g + 1, &h);
		h.commune = ag->commune;
		/* unique CCCD per household: duplicates would be reconcile work */
		snprintf(h.national_id, sizeof h.national_id, "094%u%02u%06u", g / 6000000u % 4,
			 40 + g / 100000u % 60, g % 1000000u);
		hc = household_changes(&h);
		if ((size_t)hc > left || ag->nplans == cap) {
			if (ag->nplans == 0)
				die("--changes-per-agent must be at least 13");
			ag->plans[ag->nplans - 1].nct += (int)left;
			break;
		}
		p = &ag->plans[ag->nplans++];
		p->h = h;
		p->serial = serial + 1;
		left -= (size_t)hc;
		p->nms = 1 + (int)gen_pick(r, NSTAGES);
		if ((size_t)p->nms > left)
			p->nms = (int)left;
		left -= (size_t)p->nms;
		p->nct = (int)gen_pick(r, 3);
		if ((size_t)p->nct > left)
			p->nct = (int)left;
		left -= (size_t)p->nct;
		serial += 1 + NSTAGES + 64; /* room for extra contributions */
	}
	ag->changes = m;
}

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

static void begin(proto_changeset *cs, uint8_t kind, proto_id id, agent *ag)
{
	if (proto_changeset_begin(cs, kind, id, proto_hlc_now(&ag->a.clock, proto_wall_ms()), ag->a.id))
		die("begin record");
}

/* Contribution k of a household: the ministry's grant, a donor, then labour. */
static void contribution(proto_changeset *cs, const plan *p, int k, agent *ag, proto_id hid)
{
	proto_id cid = { ag->a.id, p->serial + 1 + NSTAGES + (uint64_t)k };

	begin(cs, PROTO_KIND_CONTRIBUTION, cid, ag);
	if (proto_changeset_add_ref(cs, PROTO_CT_HOUSEHOLD, 0, hid))
		die("add ref");
	add_int(cs, PROTO_CT_UNIT, p->h.commune);
	if (k == 0) {
		add_text(cs, PROTO_CT_SOURCE, "mps");
		add_int(cs, PROTO_CT_MONEY, 40000000);
	} else if (k == 1) {
		add_text(cs, PROTO_CT_SOURCE, "donor");
		add_text(cs, PROTO_CT_DONOR, "Công ty TNHH Xây dựng Phú Lợi");
		add_int(cs, PROTO_CT_MONEY, 5000000);
	} else {
		add_text(cs, PROTO_CT_SOURCE, "household");
		add_int(cs, PROTO_CT_LABOUR, 2 + k % 5);
	}
	add_text(cs, PROTO_CT_DATE, stage_date(2 + k % 6));
}

typedef struct sealer {
	agent *ag;
	proto_changeset cs;
	int open;
	size_t in_set, per_set;
} sealer;

static void set_flush(sealer *s)
{
	agent *ag = s->ag;
	proto_buf *out;

	if (!s->open)
		return;
	out = &ag->sets[ag->nsets];
	proto_buf_init(out, PROTO_MAX_ZBODY + 4096);
	if (proto_seal(&s->cs, ag->a.key, out, ag->a.last_hash) != PROTO_OK)
		die("seal");
	ag->nsets++;
	ag->a.seq++;
	proto_changeset_release(&s->cs);
	s->open = 0;
	s->in_set = 0;
}

/* Start a new change-set when the current one holds per_set changes. */
static proto_changeset *set_for(sealer *s, size_t changes)
{
	agent *ag = s->ag;

	if (s->open && s->in_set + changes > s->per_set && s->in_set > 0)
		set_flush(s);
	if (!s->open) {
		if (proto_changeset_init(&s->cs, "soc-trang-2023", ag->a.id, ag->a.seq + 1, ag->a.last_hash,
					 proto_hlc_now(&ag->a.clock, proto_wall_ms())) != PROTO_OK)
			die("changeset init");
		s->open = 1;
	}
	s->in_set += changes;
	return &s->cs;
}

static void seal_agent(agent *ag, size_t per_set)
{
	sealer s;

	memset(&s, 0, sizeof s);
	s.ag = ag;
	s.per_set = per_set;

	ag->sets = calloc(ag->changes + 1, sizeof(proto_buf)); /* a set holds >= 1 change */
	if (!ag->sets)
		die("out of memory");
	for (size_t i = 0; i < ag->nplans; i++) {
		const plan *p = &ag->plans[i];
		const gen_household *h = &p->h;
		proto_id hid = { ag->a.id, p->serial };
		proto_changeset *cs = set_for(&s, (size_t)household_changes(h));

		begin(cs, PROTO_KIND_HOUSEHOLD, hid, ag);
		if (gen_add_household(cs, h) != PROTO_OK)
			die("add household fields");
		for (int k = 0; k < p->nms; k++) {
			proto_id mid = { ag->a.id, p->serial + 1 + (uint64_t)k };
			cs = set_for(&s, 1);
			begin(cs, PROTO_KIND_MILESTONE, mid, ag);
			if (proto_changeset_add_ref(cs, PROTO_MS_HOUSEHOLD, 0, hid))
				die("add ref");
			add_text(cs, PROTO_MS_STAGE, proto_stages[k]);
			add_text(cs, PROTO_MS_DATE, stage_date(k));
		}
		for (int k = 0; k < p->nct; k++)
			contribution(set_for(&s, 1), p, k, ag, hid);
	}
	set_flush(&s);
}

/* ---- raw insert baseline (bench_proto's approach) ------------------------ */

/* The same rows straight into the same tables, one transaction; rows out. */
static double raw_insert_seconds(const char *path, const bench *b, size_t *rows)
{
	sqlite3 *db;
	sqlite3_stmt *st[3];
	double t0, t1;
	const char *sql[3] = {
		"INSERT INTO household(id_origin,id_serial,ref,name,national_id,commune,hamlet,address,"
		"members,category,land_status,condition,phone,note,support_kind)"
		" VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		"INSERT INTO milestone(id_origin,id_serial,stamp,writer,household_origin,household_serial,"
		"stage,date) VALUES(?,?,?,?,?,?,?,?)",
		"INSERT INTO contribution(id_origin,id_serial,stamp,writer,household_origin,household_serial,"
		"unit,source,donor,money_vnd,labour_days,date) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
	};

	unlink(path);
	*rows = 0;
	if (proto_db_open(path, &db) != PROTO_OK)
		die("raw: proto_db_open");
	for (int i = 0; i < 3; i++)
		if (sqlite3_prepare_v2(db, sql[i], -1, &st[i], NULL) != SQLITE_OK)
			die(sqlite3_errmsg(db));
	t0 = bench_now_s();
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		die("raw: begin");
	for (size_t a = 0; a < b->nagents; a++) {
		const agent *ag = &b->agents[a];
		int64_t origin = proto_u2i(ag->a.id);
		for (size_t i = 0; i < ag->nplans; i++) {
			const plan *p = &ag->plans[i];
			const gen_household *h = &p->h;
			int64_t stamp = proto_u2i(proto_hlc_make(proto_wall_ms(), 1));
			sqlite3_bind_int64(st[0], 1, origin);
			sqlite3_bind_int64(st[0], 2, (int64_t)p->serial);
			gen_bind_household(st[0], 3, h);
			bench_step_reset("bench_sync: raw insert", db, st[0]);
			for (int k = 0; k < p->nms; k++) {
				sqlite3_bind_int64(st[1], 1, origin);
				sqlite3_bind_int64(st[1], 2, (int64_t)(p->serial + 1 + (uint64_t)k));
				sqlite3_bind_int64(st[1], 3, stamp);
				sqlite3_bind_int64(st[1], 4, origin);
				sqlite3_bind_int64(st[1], 5, origin);
				sqlite3_bind_int64(st[1], 6, (int64_t)p->serial);
				bench_bind_text(st[1], 7, proto_stages[k]);
				bench_bind_text(st[1], 8, stage_date(k));
				bench_step_reset("bench_sync: raw insert", db, st[1]);
			}
			for (int k = 0; k < p->nct; k++) {
				sqlite3_bind_int64(st[2], 1, origin);
				sqlite3_bind_int64(st[2], 2,
						   (int64_t)(p->serial + 1 + NSTAGES + (uint64_t)k));
				sqlite3_bind_int64(st[2], 3, stamp);
				sqlite3_bind_int64(st[2], 4, origin);
				sqlite3_bind_int64(st[2], 5, origin);
				sqlite3_bind_int64(st[2], 6, (int64_t)p->serial);
				sqlite3_bind_int(st[2], 7, h->commune);
				bench_bind_text(st[2], 8,
						k == 0   ? "mps"
						: k == 1 ? "donor"
							 : "household");
				bench_bind_text(st[2], 9, k == 1 ? "Công ty TNHH Xây dựng Phú Lợi" : NULL);
				if (k < 2)
					sqlite3_bind_int64(st[2], 10, k == 0 ? 40000000 : 5000000);
				else
					sqlite3_bind_int(st[2], 11, 2 + k % 5);
				bench_bind_text(st[2], 12, stage_date(2 + k % 6));
				bench_step_reset("bench_sync: raw insert", db, st[2]);
				/* money or labour: the other stays NULL for the next row */
				sqlite3_clear_bindings(st[2]);
			}
			*rows += 1 + (size_t)p->nms + (size_t)p->nct;
		}
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die("raw: commit");
	t1 = bench_now_s();
	for (int i = 0; i < 3; i++)
		sqlite3_finalize(st[i]);
	sqlite3_close(db);
	unlink(path);
	return t1 - t0;
}

/* ---- where the CPU went ----------------------------------------------------- */

/* CPU seconds by thread name of the hub and of this process (from each
 * thread's schedstat: time on a core, and time runnable but waiting for
 * one), plus the machine's idle time; read at the window's start and end. */
#define CPU_NAMES 8
typedef struct cpu_use {
	char name[CPU_NAMES][64]; /* a /proc comm line fits */
	double run_s[CPU_NAMES], wait_s[CPU_NAMES];
	size_t n;
	double idle_s;
} cpu_use;

/* The load generator's threads add their own schedstat when they end. */
static pthread_mutex_t gen_lock = PTHREAD_MUTEX_INITIALIZER;
static double gen_run_s, gen_wait_s;

static void gen_thread_done(void)
{
	unsigned long long run, wait;
	FILE *f = fopen("/proc/thread-self/schedstat", "r");

	if (f && fscanf(f, "%llu %llu", &run, &wait) == 2) {
		pthread_mutex_lock(&gen_lock);
		gen_run_s += (double)run / 1e9;
		gen_wait_s += (double)wait / 1e9;
		pthread_mutex_unlock(&gen_lock);
	}
	if (f)
		fclose(f);
}

static void cpu_add(cpu_use *u, const char *name, double run, double wait)
{
	size_t i;

	for (i = 0; i < u->n && strcmp(u->name[i], name); i++)
		;
	if (i == u->n) {
		if (u->n == CPU_NAMES)
			return;
		/* thread names are at most 15 bytes; a longer 'as' is cut */
		snprintf(u->name[u->n++], sizeof u->name[0], "%.*s", (int)sizeof u->name[0] - 1, name);
	}
	u->run_s[i] += run;
	u->wait_s[i] += wait;
}

/* Every thread of process pid, under its name (or 'as' when given). */
static void cpu_tasks(cpu_use *u, pid_t pid, const char *as)
{
	char path[300], comm[64];
	unsigned long long run, wait;
	struct dirent *e;
	DIR *d;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	d = opendir(path);
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%s/comm", (int)pid, e->d_name);
		f = fopen(path, "r");
		if (!f || !fgets(comm, sizeof comm, f))
			snprintf(comm, sizeof comm, "?");
		if (f)
			fclose(f);
		comm[strcspn(comm, "\n")] = '\0';
		snprintf(path, sizeof path, "/proc/%d/task/%s/schedstat", (int)pid, e->d_name);
		f = fopen(path, "r");
		if (f && fscanf(f, "%llu %llu", &run, &wait) == 2)
			cpu_add(u, as ? as : comm, (double)run / 1e9, (double)wait / 1e9);
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
}

static void cpu_snapshot(pid_t hub, cpu_use *u)
{
	unsigned long long user, nice, sys, idle;
	FILE *f;

	memset(u, 0, sizeof *u);
	cpu_tasks(u, hub, NULL);
	cpu_add(u, "bench_sync", gen_run_s, gen_wait_s); /* its threads have ended */
	f = fopen("/proc/stat", "r");
	if (f && fscanf(f, "cpu %llu %llu %llu %llu", &user, &nice, &sys, &idle) == 4)
		u->idle_s = (double)idle / (double)sysconf(_SC_CLK_TCK);
	if (f)
		fclose(f);
}

/* What each thread of the hub and the load generator used in the window. */
static void cpu_print(const cpu_use *a, const cpu_use *b, double window)
{
	printf("cpu in the window (%.2f s x %ld cores), on a core + waiting for one:", window,
	       sysconf(_SC_NPROCESSORS_ONLN));
	for (size_t i = 0; i < b->n; i++) {
		double run = 0, wait = 0;
		for (size_t k = 0; k < a->n; k++)
			if (!strcmp(a->name[k], b->name[i])) {
				run = a->run_s[k];
				wait = a->wait_s[k];
			}
		printf(" %s %.2f + %.2f s;", b->name[i], b->run_s[i] - run, b->wait_s[i] - wait);
	}
	printf(" idle %.2f s\n", b->idle_s - a->idle_s);
}

/* ---- the load generator --------------------------------------------------- */

/* One request, on the agent's connection or a new one when the hub closed
 * it (pushes and pulls may be sent again: the hub answers a resent push
 * already_applied). 0, or -1 when two connections failed. */
static int request(bench *b, agent *ag, btls_conn *c, const char *method, const char *path,
		   const proto_buf *body, btls_answer *r)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		if (c->fd < 0 && btls_connect(c, b->tls, &ag->tls, b->hub.port))
			continue;
		if (btls_request(c, method, path, body ? body->data : NULL, body ? body->len : 0, r) == 0)
			return 0;
		btls_close(c);
	}
	return -1;
}

static void sync_agent(bench *b, agent *ag)
{
	btls_conn c = { .fd = -1 };
	btls_answer r;
	char path[64], cursor[32];

	ag->t_start = bench_now_s();
	for (size_t i = 0; i < ag->nsets; i++) {
		if (request(b, ag, &c, "POST", "/v1/push", &ag->sets[i], &r) || r.status != 200 ||
		    !strstr(r.body,
			    b->replay ? "\"status\": \"already_applied\"" : "\"status\": \"applied\"")) {
			snprintf(ag->why, sizeof ag->why, "push %zu: HTTP %d %.150s", i + 1, r.status,
				 r.body);
			goto fail;
		}
	}
	ag->t_acked = bench_now_s();
	if (b->no_pull)
		goto done;
	/* then pull from the start of tonight (cursor 0) until nothing more */
	snprintf(cursor, sizeof cursor, "0");
	for (int round = 0; round < 10000; round++) {
		snprintf(path, sizeof path, "/v1/pull?after=%s", cursor);
		if (request(b, ag, &c, "GET", path, NULL, &r) || (r.status != 200 && r.status != 204) ||
		    !r.cursor[0]) {
			snprintf(ag->why, sizeof ag->why, "pull: HTTP %d %.150s", r.status, r.body);
			goto fail;
		}
		ag->pulled_bytes += r.body_len;
		snprintf(cursor, sizeof cursor, "%s", r.cursor);
		if (!r.more)
			break;
	}
done:
	ag->t_end = bench_now_s();
	goto out;
fail:
	ag->failed = 1;
out:
	btls_close(&c);
}

static void enroll_agent(bench *b, size_t i)
{
	agent *ag = &b->agents[i];
	char name[32];
	ht_resp r;

	snprintf(name, sizeof name, "agent%zu", i);
	if (ht_agent_new(&ag->a, &b->hub, name))
		die("agent key");
	if (ht_enroll(&b->hub, &ag->a, b->tokens[i], &r) || r.status != 200) {
		fprintf(stderr, "bench_sync: enrol %zu: HTTP %ld %s\n", i, r.status, r.body);
		exit(1);
	}
	ht_resp_free(&r);
}

static void *worker(void *arg)
{
	bench *b = arg;
	size_t i;

	while ((i = atomic_fetch_add(&b->next, 1)) < b->nagents) {
		agent *ag = &b->agents[i];
		if (b->phase == 0) {
			if (ht_token(&b->hub, "--commune", ag->commune, NULL, b->tokens[i]))
				die("maiam-hub agent add failed");
		} else if (b->phase == 1) {
			enroll_agent(b, i);
		} else {
			sync_agent(b, ag);
		}
	}
	if (b->phase == 2)
		gen_thread_done();
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

/* One measured window: every agent syncs once; first request to last push
 * answered, to last pull. Returns how many agents failed. */
typedef struct sync_window {
	double t_first, t_acked, t_end, *lat;
	size_t pulled;
	cpu_use cpu0, cpu1;
} sync_window;

static size_t run_window(bench *b, size_t clients, sync_window *w)
{
	size_t failed = 0;

	for (size_t i = 0; i < b->nagents; i++) {
		agent *ag = &b->agents[i];
		ag->t_start = ag->t_acked = ag->t_end = 0;
		ag->pulled_bytes = 0;
	}
	gen_run_s = gen_wait_s = 0;
	cpu_snapshot(b->hub.pid, &w->cpu0);
	w->t_first = bench_now_s();
	run_phase(b, 2, clients);
	cpu_snapshot(b->hub.pid, &w->cpu1);
	for (size_t i = 0; i < b->nagents; i++) {
		agent *ag = &b->agents[i];
		if (ag->failed) {
			if (failed++ < 5)
				fprintf(stderr, "bench_sync: agent %zu: %s\n", i, ag->why);
			continue;
		}
		if (ag->t_acked > w->t_acked)
			w->t_acked = ag->t_acked;
		if (ag->t_end > w->t_end)
			w->t_end = ag->t_end;
		w->lat[i - failed] = (ag->t_end - ag->t_start) * 1000.0;
		w->pulled += ag->pulled_bytes;
	}
	if (failed)
		fprintf(stderr, "bench_sync: %zu agents failed%s\n", failed,
			b->replay ? " in the replay" : "");
	return failed;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_sync [--agents N] [--changes-per-agent M] [--changes-per-set S]"
			" [--clients C] [--no-pull] [--no-replay] [--keep]\n");
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

int main(int argc, char **argv)
{
	bench b;
	size_t m = 200, per_set = 50, clients = 256, nsets = 0, changes = 0, rows = 0, failed = 0;
	int keep = 0;
	gen_rng rng = { 2023 };
	double t0, raw_s;
	char ca[320];
	sync_window w, wr;
	int no_replay = 0;
	char raw_path[400];

	memset(&b, 0, sizeof b);
	b.nagents = 1000;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--agents") && i + 1 < argc)
			b.nagents = arg_size(argv[++i], 1, 100000);
		else if (!strcmp(argv[i], "--changes-per-agent") && i + 1 < argc)
			m = arg_size(argv[++i], 13, 1000000);
		else if (!strcmp(argv[i], "--changes-per-set") && i + 1 < argc)
			per_set = arg_size(argv[++i], 1, 100000);
		else if (!strcmp(argv[i], "--clients") && i + 1 < argc)
			clients = arg_size(argv[++i], 1, 1000);
		else if (!strcmp(argv[i], "--no-pull"))
			b.no_pull = 1;
		else if (!strcmp(argv[i], "--no-replay"))
			no_replay = 1;
		else if (!strcmp(argv[i], "--keep"))
			keep = 1;
		else
			usage();
	}
	if (clients > b.nagents)
		clients = b.nagents;
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	load_communes(&b);
	b.agents = calloc(b.nagents, sizeof(agent));
	b.tokens = calloc(b.nagents, sizeof *b.tokens);
	memset(&w, 0, sizeof w);
	memset(&wr, 0, sizeof wr);
	w.lat = calloc(b.nagents, sizeof *w.lat);
	wr.lat = calloc(b.nagents, sizeof *wr.lat);
	if (!b.agents || !b.tokens || !w.lat || !wr.lat)
		die("out of memory");
	if (ht_hub_init(&b.hub))
		die("maiam-hub init failed");

	/* setup, outside the window: tokens, serve, enrolment, sealing */
	t0 = bench_now_s();
	for (size_t i = 0; i < b.nagents; i++)
		b.agents[i].commune = b.communes[i % b.ncommunes];
	run_phase(&b, 0, 4);
	if (ht_hub_start(&b.hub, NULL))
		die("maiam-hub serve did not start");
	run_phase(&b, 1, 8);
	fprintf(stderr, "bench_sync: %zu agents in %zu communes enrolled in %.1f s\n", b.nagents,
		b.ncommunes, bench_now_s() - t0);
	snprintf(ca, sizeof ca, "%s/hub/ca.pem", b.hub.dir);
	b.tls = btls_ctx(ca);
	if (!b.tls)
		die("cannot load the hub's ca.pem into a TLS context");
	for (size_t i = 0; i < b.nagents; i++)
		if (btls_id_load(&b.agents[i].tls, b.agents[i].a.cert_path, b.agents[i].a.key_path))
			die("cannot read an agent's certificate or key");
	for (size_t i = 0; i < b.nagents; i++) {
		plan_agent(&b.agents[i], i, m, &rng);
		seal_agent(&b.agents[i], per_set);
		nsets += b.agents[i].nsets;
		changes += b.agents[i].changes;
	}

	fprintf(stderr, "bench_sync: %zu change-sets sealed; the window starts\n", nsets);
	failed = run_window(&b, clients, &w);
	if (!failed && !no_replay) {
		b.replay = 1;
		failed = run_window(&b, clients, &wr);
	}

	/* what the hub holds must be exactly what was pushed */
	long long ledger = ht_sql(&b.hub, "SELECT count(*) FROM hub_ledger");
	long long households = ht_sql(&b.hub, "SELECT count(*) FROM household");
	size_t want_hh = 0;
	for (size_t i = 0; i < b.nagents; i++)
		want_hh += b.agents[i].nplans;
	if (ht_hub_stop(&b.hub, SIGTERM) != 0)
		fprintf(stderr, "bench_sync: the hub did not stop cleanly\n");
	if (failed || ledger != (long long)nsets || households != (long long)want_hh) {
		fprintf(stderr,
			"bench_sync: hub holds %lld change-sets / %lld households, pushed %zu / %zu\n",
			ledger, households, nsets, want_hh);
		return 1;
	}

	snprintf(raw_path, sizeof raw_path, "%s/raw.db", b.hub.dir);
	raw_s = raw_insert_seconds(raw_path, &b, &rows);

	size_t n = b.nagents;
	qsort(w.lat, n, sizeof *w.lat, bench_cmp_double);
	double total = w.t_end - w.t_first, window = w.t_acked - w.t_first;
	double e2e = (double)changes / window, raw = (double)rows / raw_s;
	double p50 = w.lat[n / 2], p99 = w.lat[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
	double rwindow = wr.t_acked - wr.t_first;

	printf("load: %zu agents (%zu client threads) in %zu communes, %zu changes each, %zu change-sets"
	       " (~%zu changes each), %zu rows\n",
	       n, clients, b.ncommunes, m, nsets, per_set, rows);
	printf("e2e: %zu changes merged in %.3f s (first request -> last acknowledged push) = %.0f changes/s\n",
	       changes, window, e2e);
	printf("all syncs (push + pull) done in %.3f s; pulled %.1f MB; per agent sync p50 %.1f ms, p99 %.1f ms\n",
	       total, (double)w.pulled / 1e6, p50, p99);
	cpu_print(&w.cpu0, &w.cpu1, total);
	printf("raw insert: %zu rows in %.3f s = %.0f rows/s; ratio e2e/raw %.3f (goal >= 0.35)\n", rows,
	       raw_s, raw, e2e / raw);
	if (!no_replay) {
		printf("replay (the same syncs again, every push answered already_applied: TLS, HTTP,"
		       " signature, inflate and chain checks, no merge): last push answered after %.3f s"
		       " = %.0f changes/s, ratio to raw %.3f\n",
		       rwindow, (double)changes / rwindow, (double)changes / rwindow / raw);
		cpu_print(&wr.cpu0, &wr.cpu1, wr.t_end - wr.t_first);
	}
	printf("{\"agents\": %zu, \"clients\": %zu, \"changes\": %zu, \"changesets\": %zu, \"total_s\": %.3f, "
	       "\"push_window_s\": %.3f, \"e2e_changes_per_s\": %.0f, \"raw_insert_rows_per_s\": %.0f, "
	       "\"e2e_ratio\": %.3f, \"sync_p50_ms\": %.1f, \"sync_p99_ms\": %.1f, \"pull\": %s, "
	       "\"replay_push_window_s\": %.3f, \"replay_ratio\": %.3f}\n",
	       n, clients, changes, nsets, total, window, e2e, raw, e2e / raw, p50, p99,
	       b.no_pull ? "false" : "true", no_replay ? 0.0 : rwindow,
	       no_replay ? 0.0 : (double)changes / rwindow / raw);

	if (!keep) {
		char cmd[400];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", b.hub.dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_sync: could not remove %s\n", b.hub.dir);
	} else {
		fprintf(stderr, "bench_sync: hub directory kept: %s/hub\n", b.hub.dir);
	}
	for (size_t i = 0; i < b.nagents; i++) {
		for (size_t k = 0; k < b.agents[i].nsets; k++)
			proto_buf_release(&b.agents[i].sets[k]);
		free(b.agents[i].sets);
		free(b.agents[i].plans);
		ht_agent_free(&b.agents[i].a);
		btls_id_free(&b.agents[i].tls);
	}
	SSL_CTX_free(b.tls);
	free(b.agents);
	free(b.tokens);
	free(w.lat);
	free(wr.lat);
	curl_global_cleanup();
	return 0;
}
