/*
 * arrivals_link.h - the rural half of bench_arrivals: a real maiam-agent
 * laptop syncing through linkproxy (tests/tools) shaped as the evening's
 * link, against the same records sent "the ODK way" (one HTTPS request a
 * record) through the same proxy. The proxy counts bytes each way and
 * turns: server bytes reaching a client that spoke since the last turn,
 * i.e. the round trips a client waited for, the TLS handshake's included.
 * Header-only, included once by bench_arrivals.c after bench_tls.h.
 */
#ifndef MAIAM_BENCH_ARRIVALS_LINK_H
#define MAIAM_BENCH_ARRIVALS_LINK_H

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>
#include "bench_tls.h"
#include "bench_util.h"
#include "../tests/hub/hubtest.h"

typedef struct arr_proxy {
	pid_t pid;
	int port;
	char stats[420];
} arr_proxy;

/* What linkproxy counted (its --stats JSON). */
typedef struct arr_counts {
	double connections, up, down, turns, open;
} arr_counts;

/* Run a shell command line; its stdout into out (NUL-ended, may be cut);
 * the exit code, or -1. */
static int arr_run(char *out, size_t outlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int arr_run(char *out, size_t outlen, const char *fmt, ...)
{
	char cmd[4096], sink[4096];
	va_list ap;
	size_t n = 0;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (out && n + 1 < outlen && fgets(out + n, (int)(outlen - n), p))
		n += strlen(out + n);
	while (fgets(sink, sizeof sink, p))
		;
	if (out)
		out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The number after "key": in a JSON text, or -1. */
static double arr_json_num(const char *json, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof k, "\"%s\"", key);
	p = strstr(json, k);
	if (!p)
		return -1;
	p += strlen(k);
	while (*p == ' ' || *p == ':')
		p++;
	return strtod(p, NULL);
}

/* A proxy to the hub on 127.0.0.1:port (0: any port; the same port again
 * for a laptop whose enrolment recorded it). */
static void arr_proxy_start(arr_proxy *px, const char *dir, int hub_port, int port, const char *shape)
{
	char cmd[1024], line[64] = "";
	int fds[2];
	FILE *f;

	snprintf(px->stats, sizeof px->stats, "%s/linkproxy.json", dir);
	snprintf(cmd, sizeof cmd, "exec %s --listen 127.0.0.1:%d --to 127.0.0.1:%d --stats %s %s",
		 MAIAM_LINKPROXY_BIN, port, hub_port, px->stats, shape);
	if (pipe(fds))
		arr_die("no pipe for linkproxy");
	px->pid = fork();
	if (px->pid < 0)
		arr_die("cannot fork linkproxy");
	if (px->pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	arr_child_proxy = px->pid;
	f = fdopen(fds[0], "r");
	if (!f || !fgets(line, sizeof line, f))
		arr_die("linkproxy printed no port");
	fclose(f);
	px->port = (int)strtol(line, NULL, 10);
	if (px->port <= 0)
		arr_die("linkproxy printed no port");
}

static void arr_counts_parse(const char *json, arr_counts *c)
{
	c->connections = arr_json_num(json, "connections");
	c->up = arr_json_num(json, "bytes_up");
	c->down = arr_json_num(json, "bytes_down");
	c->turns = arr_json_num(json, "turns");
	c->open = arr_json_num(json, "open");
}

static void arr_read_stats(const arr_proxy *px, arr_counts *c)
{
	char buf[2048];
	FILE *f = fopen(px->stats, "r");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	arr_counts_parse(buf, c);
}

/* SIGTERM the proxy: it closes what is open and writes its final counts,
 * exact whatever its connections were doing (a --stats file read while it
 * runs is as old as the last connection that ended). */
static void arr_proxy_stop(arr_proxy *px, arr_counts *c)
{
	int st;

	kill(px->pid, SIGTERM);
	waitpid(px->pid, &st, 0);
	arr_child_proxy = 0;
	arr_read_stats(px, c);
	unlink(px->stats);
}

/* The rural figures. */
typedef struct arr_rural {
	int changes;        /* the laptop's changes pushed by its sync */
	int pulled;         /* records another laptop put in the hub for it to pull */
	int odk_records;    /* the same records, one request each */
	size_t odk_body;    /* the padded body of one such request */
	double connections; /* our sync's TLS connections */
	double round_trips; /* turns after each connection's handshake */
	double up, down, seconds;
	double odk_round_trips, odk_up, odk_down, odk_seconds;
} arr_rural;

/* Changes waiting in a laptop's outbox (a record carries nchanges), read
 * from its agent.db read-only; -1 when it cannot be read. */
static int arr_outbox_changes(const char *home)
{
	char path[500];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int n = -1;

	snprintf(path, sizeof path, "%s/agent.db", home);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT coalesce(sum(nchanges), 0) FROM outbox", -1, &st, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/*
 * One maiam-agent laptop (its own home, key and certificate) with about
 * 'changes' changes in its outbox, enrolled through the proxy (the URL it
 * keeps is the proxy's). Returns the changes waiting, and the number of
 * records they make into *records.
 */
static int arr_laptop(const char *home, const ht_hub *h, int proxy_port, int commune, int changes,
		      int *records)
{
	static const char *const names[] = { "Trần Văn Bình", "Nguyễn Thị Lan", "Lê Văn Hùng",
					     "Phạm Thị Mai",  "Huỳnh Văn Tài",  "Võ Thị Hoa",
					     "Đặng Văn Minh", "Bùi Thị Thu" };
	char out[8192], tok[128];
	int pending = 0;

	*records = 0;
	if (arr_run(NULL, 0, "%s --home %s init --commune %d >/dev/null 2>&1", MAIAM_AGENT_BIN, home,
		    commune) != 0)
		arr_die("maiam-agent init failed");
	for (int i = 0; pending < changes && i < 1000; i++) {
		const char *p;
		char ref[64];
		if (arr_run(out, sizeof out,
			    "%s --home %s --json household add --name '%s' --hamlet 'Ấp Phú Thành' "
			    "--members %d --category poor",
			    MAIAM_AGENT_BIN, home, names[i % 8], 2 + i % 6) != 0)
			arr_die("maiam-agent household add failed");
		p = strstr(out, "\"ref\"");
		p = p ? strchr(p + 5, '"') : NULL;
		if (!p)
			arr_die("household add printed no ref");
		snprintf(ref, sizeof ref, "%.*s", (int)strcspn(p + 1, "\""), p + 1);
		++*records;
		if (arr_run(NULL, 0, "%s --home %s milestone %s surveyed --date 2023-06-20 >/dev/null",
			    MAIAM_AGENT_BIN, home, ref) != 0)
			arr_die("maiam-agent milestone failed");
		++*records;
		pending = arr_outbox_changes(home);
		if (pending < 0)
			arr_die("cannot count the laptop's outbox (agent.db)");
	}
	if (ht_token(h, "--commune", commune, NULL, tok) != 0 ||
	    arr_run(NULL, 0,
		    "%s --home %s enroll --hub https://127.0.0.1:%d --ca %s/hub/ca.pem --token %s >/dev/null",
		    MAIAM_AGENT_BIN, home, proxy_port, h->dir, tok) != 0)
		arr_die("maiam-agent enroll through linkproxy failed");
	return pending;
}

/* The laptop's sync: wall seconds; its JSON answer into out. */
static double arr_laptop_sync(const char *home, char *out, size_t outlen)
{
	double t0 = bench_now_s();
	int rc = arr_run(out, outlen, "LANGUAGE=en %s --home %s --json sync 2>/dev/null",
			 MAIAM_AGENT_BIN, home);
	if (rc != 0) {
		fprintf(stderr, "bench_arrivals: maiam-agent sync exited %d: %s\n", rc, out);
		arr_die("the rural sync failed");
	}
	return bench_now_s() - t0;
}

/* Text of n characters from a 64-letter alphabet, from seed: about six
 * bits a character after zlib, as the free text of a real form is not. */
static void arr_noise(char *out, size_t n, unsigned *seed)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .";

	for (size_t i = 0; i < n; i++)
		out[i] = abc[(unsigned)rand_r(seed) % 64u];
	out[n] = '\0';
}

/*
 * n sealed one-record change-sets, each one household whose note (2,000
 * bytes), address and condition (500 each: the rulebook's caps) are
 * filled with text zlib cannot shrink much: about 2.5 kB sealed, as large
 * as one record of ours can be. A real OpenRosa submission of a housing
 * survey is an XML document of 4-8 kB (and ODK Collect sends it as it is):
 * these bodies are smaller, so the comparison leans toward the ODK way.
 * *body gets the first set's size.
 */
static proto_buf *arr_odk_sets(ht_agent *a, int commune, int n, size_t *body)
{
	proto_buf *sets = calloc((size_t)n, sizeof *sets);
	char note[2001], address[501], condition[501];
	unsigned seed = 4242;

	if (!sets)
		arr_die("out of memory");
	for (int i = 0; i < n; i++) {
		proto_changeset cs;
		proto_id id = { a->id, a->serial + 1 };
		arr_noise(note, sizeof note - 1, &seed);
		arr_noise(address, sizeof address - 1, &seed);
		arr_noise(condition, sizeof condition - 1, &seed);
		proto_buf_init(&sets[i], PROTO_MAX_ZBODY + 4096);
		/* fields in their numbers' order, as a change-set holds them */
		if (ht_cs_begin(a, &cs) ||
		    proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, id,
					  proto_hlc_now(&a->clock, proto_wall_ms()), a->id) ||
		    proto_changeset_add_text(&cs, PROTO_HH_NAME, 0, "Lâm Thị Sà Rên",
					     strlen("Lâm Thị Sà Rên")) ||
		    proto_changeset_add_int(&cs, PROTO_HH_COMMUNE, 0, commune) ||
		    proto_changeset_add_text(&cs, PROTO_HH_ADDRESS, 0, address, strlen(address)) ||
		    proto_changeset_add_int(&cs, PROTO_HH_MEMBERS, 0, 1 + i % 9) ||
		    proto_changeset_add_text(&cs, PROTO_HH_CATEGORY, 0, "poor", 4) ||
		    proto_changeset_add_text(&cs, PROTO_HH_CONDITION, 0, condition, strlen(condition)) ||
		    proto_changeset_add_text(&cs, PROTO_HH_NOTE, 0, note, strlen(note)) ||
		    ht_cs_seal(a, &cs, &sets[i], 0))
			arr_die("cannot seal an ODK-sized change-set");
		proto_changeset_release(&cs);
	}
	*body = sets[0].len;
	return sets;
}

/* The ODK way: one TLS connection kept alive (the most favourable case for
 * it), one POST /v1/push a record. Wall seconds. */
static double arr_odk_send(SSL_CTX *ctx, const btls_id *id, int port, proto_buf *sets, int n)
{
	btls_conn c = { .fd = -1 };
	btls_answer r;
	double t0 = bench_now_s();

	for (int i = 0; i < n; i++) {
		if (c.fd < 0 && btls_connect(&c, ctx, id, port))
			arr_die("ODK way: no TLS connection through linkproxy");
		if (btls_request(&c, "POST", "/v1/push", sets[i].data, sets[i].len, &r) ||
		    r.status != 200 || !strstr(r.body, "\"status\": \"applied\"")) {
			fprintf(stderr, "bench_arrivals: ODK way, record %d: HTTP %d %.200s\n", i + 1,
				r.status, r.body);
			arr_die("the hub refused a one-record change-set");
		}
	}
	btls_close(&c);
	return bench_now_s() - t0;
}

/*
 * The whole rural measurement on hub h (running), in a commune no other
 * laptop of the run records in (so the pull is exactly the writer's): a writer laptop puts
 * 'pull_n' households in the commune first (straight to the hub), then the
 * rural laptop syncs its ~'changes' changes and pulls them through the
 * proxy shaped by 'shape'; then another laptop sends as many records as the
 * rural one pushed, one request each (arr_odk_sets), through the same proxy.
 */
static void arr_rural_run(const ht_hub *h, SSL_CTX *ctx, int commune, const char *shape, int changes,
			  int pull_n, arr_rural *rr)
{
	char home[400], out[16384];
	arr_proxy px;
	arr_counts c;
	ht_agent writer, odk;
	proto_buf set;
	ht_resp r;
	btls_id id;
	proto_buf *sets;
	int records;

	memset(rr, 0, sizeof *rr);
	/* the updates to pull: another laptop's households in the same commune */
	if (ht_agent_enrol(h, &writer, "writer", commune))
		arr_die("cannot enrol the writer laptop");
	proto_buf_init(&set, PROTO_MAX_ZBODY + 4096);
	if (ht_households(&writer, NULL, commune, pull_n, &set, 0) ||
	    ht_request(h, &writer, "POST", "/v1/push", set.data, set.len, &r) || r.status != 200)
		arr_die("the writer laptop's push failed");
	ht_resp_free(&r);
	proto_buf_release(&set);
	rr->pulled = pull_n;

	/* each step through a proxy of its own, stopped for its exact counts:
	 * the enrolment's, the sync's (on the port the laptop recorded), the ODK way's */
	arr_proxy_start(&px, h->dir, h->port, 0, shape);
	snprintf(home, sizeof home, "%s/rural", h->dir);
	rr->changes = arr_laptop(home, h, px.port, commune, changes, &records);
	arr_proxy_stop(&px, &c);
	arr_proxy_start(&px, h->dir, h->port, px.port, shape);
	rr->seconds = arr_laptop_sync(home, out, sizeof out);
	arr_proxy_stop(&px, &c);
	rr->connections = c.connections;
	rr->round_trips = c.turns - c.connections; /* one turn a handshake: TLS 1.3's one round trip */
	rr->up = c.up;
	rr->down = c.down;
	fprintf(stderr, "bench_arrivals: the rural sync said: %s", out);
	if (arr_json_num(out, "pulled") != pull_n || arr_json_num(out, "pushed") < 1)
		arr_die("the rural sync did not push its change-set and pull every update");

	/* the same records the ODK way, through the same link */
	rr->odk_records = records;
	if (ht_agent_enrol(h, &odk, "odk", commune) || btls_id_load(&id, odk.cert_path, odk.key_path))
		arr_die("cannot enrol the ODK-way laptop");
	sets = arr_odk_sets(&odk, commune, records, &rr->odk_body);
	arr_proxy_start(&px, h->dir, h->port, 0, shape);
	rr->odk_seconds = arr_odk_send(ctx, &id, px.port, sets, records);
	arr_proxy_stop(&px, &c);
	rr->odk_round_trips = c.turns - c.connections;
	rr->odk_up = c.up;
	rr->odk_down = c.down;
	for (int i = 0; i < records; i++)
		proto_buf_release(&sets[i]);
	free(sets);
	btls_id_free(&id);
	ht_agent_free(&odk);
	ht_agent_free(&writer);
}

#endif
