/*
 * hostile_http.c - HTTP and TLS: push and pull without a client certificate,
 * wrong methods and paths, bad pull queries, bodies and headers over the
 * limits, two Content-Length headers, a certificate of another CA, and a
 * revoked agent's certificate (refused in the handshake once `server` is in).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "hostile.h"

static int req(hs_env *e, hs_answer *a, const ht_agent *who, const char *method, const char *path)
{
	return hs_http(e, who, method, path, NULL, 0, NULL, NULL, a);
}

static int push_no_cert(hs_env *e, hs_answer *a)
{
	return hs_push_household(e, &e->atk, NULL, a);
}

static int pull_no_cert(hs_env *e, hs_answer *a)
{
	return req(e, a, NULL, "GET", "/v1/pull?after=0");
}
static int get_push(hs_env *e, hs_answer *a)
{
	return req(e, a, &e->atk, "GET", "/v1/push");
}
static int post_pull(hs_env *e, hs_answer *a)
{
	return hs_http(e, &e->atk, "POST", "/v1/pull?after=0", "x", 1, NULL, NULL, a);
}
static int get_enroll(hs_env *e, hs_answer *a)
{
	return req(e, a, NULL, "GET", "/v1/enroll");
}
static int put_push(hs_env *e, hs_answer *a)
{
	return req(e, a, &e->atk, "PUT", "/v1/push");
}
static int unknown_path(hs_env *e, hs_answer *a)
{
	return req(e, a, &e->atk, "GET", "/v1/nope");
}
static int traversal(hs_env *e, hs_answer *a)
{
	return req(e, a, NULL, "GET", "/v1/../hub.key");
}
static int root(hs_env *e, hs_answer *a)
{
	return req(e, a, NULL, "GET", "/v2/push");
}
static int pull_negative(hs_env *e, hs_answer *a)
{
	return req(e, a, &e->atk, "GET", "/v1/pull?after=-1");
}
static int pull_text(hs_env *e, hs_answer *a)
{
	return req(e, a, &e->atk, "GET", "/v1/pull?after=abc");
}
static int pull_twice(hs_env *e, hs_answer *a)
{
	return req(e, a, &e->atk, "GET", "/v1/pull?after=1&after=2");
}
static int pull_extra(hs_env *e, hs_answer *a)
{
	return req(e, a, &e->atk, "GET", "/v1/pull?after=0&x=1");
}
static int pull_empty(hs_env *e, hs_answer *a)
{
	return req(e, a, &e->atk, "GET", "/v1/pull?after=");
}
static int pull_hex(hs_env *e, hs_answer *a)
{
	return req(e, a, &e->atk, "GET", "/v1/pull?after=0x10");
}
static int pull_overflow(hs_env *e, hs_answer *a)
{
	return req(e, a, &e->atk, "GET", "/v1/pull?after=99999999999999999999999");
}
static int pull_long_query(hs_env *e, hs_answer *a)
{
	char path[400];

	snprintf(path, sizeof(path), "/v1/pull?after=0&%0300d", 0);
	return req(e, a, &e->atk, "GET", path);
}

/* 17 MiB of zeros: over the body limit. */
static int oversized(hs_env *e, hs_answer *a)
{
	size_t n = 17u << 20;
	uint8_t *big = calloc(1, n);
	int rc;

	if (!big)
		return -1;
	rc = hs_http(e, &e->atk, "POST", "/v1/push", big, n, NULL, NULL, a);
	free(big);
	return rc;
}

/* Request headers over 8 KiB. */
static int huge_headers(hs_env *e, hs_answer *a)
{
	static char line[10000];
	const char *h[] = { line, NULL };

	snprintf(line, sizeof(line), "X-Junk: %09000d", 0);
	return hs_http(e, &e->atk, "GET", "/v1/pull?after=0", NULL, 0, h, NULL, a);
}

/* 70 KiB of enrolment from a stranger: past its 64 KiB budget. */
static int stranger_big_enroll(hs_env *e, hs_answer *a)
{
	size_t n = 70u << 10;
	char *big = malloc(n + 1);
	int rc;

	if (!big)
		return -1;
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	big[n] = '\0';
	rc = hs_http(e, NULL, "POST", "/v1/enroll", big, n, NULL, NULL, a);
	free(big);
	return rc;
}

static int raw(hs_env *e, hs_answer *a, const ht_agent *who, const char *text)
{
	return hs_raw(e, who, text, strlen(text), 0, a);
}

static int raw_tls12(hs_env *e, hs_answer *a, const ht_agent *who, const char *text)
{
	return hs_raw(e, who, text, strlen(text), 1, a);
}

/* Two lengths for one body, on a path that ignores bodies (main answers 200:
 * evhttp takes one of them and the health route never looks). */
static int two_content_length(hs_env *e, hs_answer *a)
{
	return raw(e, a, NULL,
		   "POST /v1/health HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n"
		   "Content-Length: 3\r\n\r\n{}x");
}

static int negative_content_length(hs_env *e, hs_answer *a)
{
	return raw(e, a, NULL,
		   "POST /v1/enroll HTTP/1.1\r\nHost: localhost\r\nContent-Length: -5\r\n\r\n{}");
}

static int bad_request_line(hs_env *e, hs_answer *a)
{
	return raw(e, a, NULL, "GARBAGE\r\n\r\n");
}

static int http10_no_host(hs_env *e, hs_answer *a)
{
	return raw(e, a, &e->atk, "GET /v1/nope HTTP/1.0\r\n\r\n");
}

/* A client certificate of a CA the hub never saw. */
static int foreign_ca(hs_env *e, hs_answer *a)
{
	ht_agent x;
	char cmd[1200];
	int rc;

	memset(&x, 0, sizeof(x));
	snprintf(x.key_path, sizeof(x.key_path), "%s/foreign.key", e->hub.dir);
	snprintf(x.cert_path, sizeof(x.cert_path), "%s/foreign.crt", e->hub.dir);
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey ed25519 -nodes -days 1 -subj /CN=laptop"
		 " -keyout %s -out %s >/dev/null 2>&1",
		 x.key_path, x.cert_path);
	if (system(cmd) != 0)
		return -1;
	rc = raw_tls12(e, a, &x, "GET /v1/pull?after=0 HTTP/1.1\r\nHost: localhost\r\n\r\n");
	return rc;
}

/* An agent enrolled, then revoked: its certificate no longer opens a connection. */
static int revoked_handshake(hs_env *e, hs_answer *a)
{
	ht_agent x;
	char hex[17];
	int rc = -1;

	if (hs_enrol(e, &x, "--commune", HS_COMMUNE))
		return -1;
	proto_key_id_hex(x.id, hex);
	/* the serving hub learns of the revocation (another process) on its next
	 * sweep: try for up to 3 s, and report what the last try got */
	if (ht_run(NULL, 0, "agent revoke --dir %s/hub %s", e->hub.dir, hex) == 0) {
		for (int i = 0; i < 30; i++) {
			rc = raw_tls12(e, a, &x,
				       "GET /v1/pull?after=0 HTTP/1.1\r\nHost: localhost\r\n\r\n");
			if (rc || a->status == HS_HANDSHAKE)
				break;
			usleep(100000);
		}
	}
	ht_agent_free(&x);
	return rc;
}

/* The revoked key's push (TLS 1.2, so a refusal is the handshake's). */
static int revoked_push(hs_env *e, hs_answer *a)
{
	ht_agent x;
	char hex[17];
	proto_buf b;
	int rc = -1;

	if (hs_enrol(e, &x, "--commune", HS_COMMUNE))
		return -1;
	proto_key_id_hex(x.id, hex);
	proto_buf_init(&b, 1u << 20);
	if (ht_run(NULL, 0, "agent revoke --dir %s/hub %s", e->hub.dir, hex) == 0 &&
	    ht_households(&x, NULL, HS_COMMUNE, 1, &b, 0) == 0) {
		char head[160];
		proto_buf r;
		int k = snprintf(head, sizeof(head),
				 "POST /v1/push HTTP/1.1\r\nHost: localhost\r\n"
				 "Content-Length: %zu\r\n\r\n",
				 b.len);
		proto_buf_init(&r, 1u << 21);
		if (proto_buf_append(&r, head, (size_t)k) == PROTO_OK &&
		    proto_buf_append(&r, b.data, b.len) == PROTO_OK)
			rc = hs_raw(e, &x, r.data, r.len, 1, a);
		proto_buf_release(&r);
	}
	proto_buf_release(&b);
	ht_agent_free(&x);
	return rc;
}

#define H(name, needs, fn, st, code) \
	{ \
		name, needs, fn, st, code, 0, 0, NULL, NULL \
	}
static const hs_row rows[] = {
	H("push without client certificate", "", push_no_cert, 401, "certificate_required"),
	H("pull without client certificate", "", pull_no_cert, 401, "certificate_required"),
	H("GET /v1/push", "", get_push, 405, "method_not_allowed"),
	H("POST /v1/pull", "", post_pull, 405, "method_not_allowed"),
	H("GET /v1/enroll", "", get_enroll, 405, "method_not_allowed"),
	H("PUT /v1/push", "", put_push, 405, "method_not_allowed"),
	H("unknown path", "", unknown_path, 404, "not_found"),
	H("path with ..", "", traversal, 404, "not_found"),
	H("/v2/push", "", root, 404, "not_found"),
	H("pull after=-1", "", pull_negative, 400, "bad_request"),
	H("pull after=abc", "", pull_text, 400, "bad_request"),
	H("pull after twice", "", pull_twice, 400, "bad_request"),
	H("pull with another parameter", "", pull_extra, 400, "bad_request"),
	H("pull after= (empty)", "", pull_empty, 400, "bad_request"),
	H("pull after=0x10", "", pull_hex, 400, "bad_request"),
	H("pull after past 2^64", "", pull_overflow, 400, "bad_request"),
	H("pull query of 300 bytes", "", pull_long_query, 414, "bad_request"),
	{ "17 MiB push", "", oversized, HS_CLOSED, NULL, HS_SLOW, 413, NULL, NULL },
	{ "headers over 8 KiB", "", huge_headers, HS_CLOSED, NULL, 0, 400, NULL, NULL },
	{ "stranger sends 70 KiB", "", stranger_big_enroll, HS_CLOSED, NULL, 0, 413, NULL, NULL },
	H("GARBAGE request line", "", bad_request_line, 400, NULL),
	H("HTTP/1.0 without Host", "", http10_no_host, 404, "not_found"),
	H("Content-Length -5", "", negative_content_length, 400, NULL),
	H("two Content-Length headers", "server", two_content_length, 400, NULL),
	H("certificate of another CA", "", foreign_ca, HS_HANDSHAKE, NULL),
	H("revoked key: handshake fails", "server", revoked_handshake, HS_HANDSHAKE, NULL),
	/* main answers 403 revoked (recorded); with `server` the handshake fails */
	{ "revoked key: push", "", revoked_push, 403, "revoked", HS_REC, HS_HANDSHAKE, NULL, NULL },
};

const hs_family hs_family_http = { "http", NULL, rows, sizeof(rows) / sizeof(rows[0]) };
