/*
 * hubtest.h - helpers for the hub's end-to-end tests: run maiam-hub as a
 * real process, talk to it over real TLS with libcurl (its CA pinned, checks
 * on), and build sealed change-sets with freshly generated agent keys.
 */
#ifndef HUBTEST_H
#define HUBTEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <curl/curl.h>
#include "maiam/proto.h"

typedef struct ht_hub {
	char dir[256];
	pid_t pid;
	int port;
} ht_hub;

typedef struct ht_agent {
	proto_key *key;
	uint64_t id;
	char key_path[300];
	char cert_path[300];
	uint64_t seq;
	uint8_t last_hash[32];
	uint64_t serial;
	proto_hlc clock;
} ht_agent;

typedef struct ht_resp {
	long status; /* 0: no HTTP answer (connection refused, reset...) */
	char body[8192];
	uint8_t *bin; /* whole body, free() */
	size_t bin_len;
	char cursor[32];      /* Maiam-Cursor header */
	char retry_after[32]; /* Retry-After header (ingest) */
} ht_resp;

/* Run "maiam-hub ARGS..." to completion; stdout into out (may be NULL). Exit code. */
int ht_run(char *out, size_t outlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* init a hub in a fresh temp dir (not started). */
int ht_hub_init(ht_hub *h);
/* start serve (extra args appended), read the port from its first line. */
int ht_hub_start(ht_hub *h, const char *extra);
/* ht_hub_start with the hub's stderr on a pipe: *err_fd is its read end
 * (close it after ht_hub_stop), for ht_wait_line. */
int ht_hub_start_watched(ht_hub *h, const char *extra, int *err_fd);
/* Read lines from fd (echoed to stderr) until one contains needle: 0, or -1
 * at the end of the stream. It waits on the hub, not on a clock. */
int ht_wait_line(int fd, const char *needle);
/* signal and wait; returns the exit status (or -1). */
int ht_hub_stop(ht_hub *h, int sig);
/* Wait (at most 45 s, then SIGKILL) for the hub to exit by itself: its
 * status as ht_hub_stop gives it. */
int ht_hub_wait(ht_hub *h);

/* init + start (extra serve args) + one agent enrolled for commune. 0 or -1. */
int ht_hub_up(ht_hub *h, ht_agent *a, int commune, const char *extra);
/* init + start, and the hub's private key (to check what it signs;
 * proto_key_free it). 0 or -1. */
int ht_hub_up_keyed(ht_hub *h, proto_key **hubkey);
/* rm -rf the hub's temp dir (after ht_hub_stop). 0 or -1. */
int ht_hub_remove(const ht_hub *h);

/* cmocka group setup/teardown of a test that talks to hubs: curl's global
 * state, and SIGPIPE ignored (a client may write to a connection the hub
 * closed; the write fails, the test goes on). */
int ht_net_setup(void **state);
int ht_net_teardown(void **state);

/* HTTPS request: method "GET"/"POST"; cert NULL for none. */
int ht_request(const ht_hub *h, const ht_agent *a, const char *method, const char *path,
	       const void *body, size_t len, ht_resp *r);
void ht_resp_free(ht_resp *r);

/* New agent key; enrol with a fresh token for commune (0: use 'token' as given). */
int ht_agent_new(ht_agent *a, const ht_hub *h, const char *name);
int ht_enroll(const ht_hub *h, ht_agent *a, const char *token, ht_resp *r);
/* The client certificate of an enrolment answer (its JSON body) saved beside
 * a's key (NAME.crt for NAME.key) and named in a->cert_path. 0 or -1. */
int ht_agent_keep_cert(ht_agent *a, const char *answer);
/* "maiam-hub agent add --commune C --json" -> token */
int ht_token(const ht_hub *h, const char *scope_opt, int code, const char *extra, char token[128]);
void ht_agent_free(ht_agent *a);

/* Seal a change-set of n new households in commune (campaign NULL: the hub's).
 * Uses and advances the agent's seq/hash unless 'keep' (for forged variants). */
int ht_households(ht_agent *a, const char *campaign, int commune, int n, proto_buf *out, int keep);

/*
 * Seal one change-set of n households in commune whose notes are note_bytes
 * of pseudo-random data in hex (incompressible: big on the wire and slow to
 * merge), from 'seed' (reproducible). Advances the agent's seq/hash. 0 or -1.
 */
int ht_big_households(ht_agent *a, int commune, int n, size_t note_bytes, unsigned seed, proto_buf *out);

/* A JSON string member of an answer ("\n" and "\x" unescaped; test-side, it
 * trusts the hub's escaping). 0 found, -1 not. */
int ht_json_member(const char *json, const char *key, char *out, size_t outlen);
/* Single-value SQL on the hub database (read only). */
long long ht_sql(const ht_hub *h, const char *sql);
/* The hub's /metrics page, read on 127.0.0.1 (no certificate needed): a
 * string to free(), or NULL when it did not answer 200. */
char *ht_metrics_page(const ht_hub *h);
/* The next sample of family on a page from *at on, a line
 * "family{labels} value" or "family value": its labels without the braces
 * into labels ("" if none), its value into *value; 1, or 0 when none is
 * left. *at starts at the page and moves past each sample found. */
int ht_metric_next(const char **at, const char *family, char *labels, size_t labels_len, double *value);
/* The value of family's sample with exactly these labels
 * ("reason=\"no_room\"", "" for none) on a page; -1 when there is none. */
double ht_metric(const char *page, const char *family, const char *labels);

/* ---- ingest: change-sets built record by record, for the ingest checks' tests ---- */

/* Start a change-set as the agent's next one (campaign: the hub's). */
int ht_cs_begin(ht_agent *a, proto_changeset *cs);
/* Seal cs with the agent's key; advances its seq/hash/serial unless keep. */
int ht_cs_seal(ht_agent *a, proto_changeset *cs, proto_buf *out, int keep);
/* Seal cs as a's next change-set (ht_cs_seal) and POST it to /v1/push: the
 * answer's HTTP status, or -1 when it could not be sealed or sent. cs is
 * released either way. */
int ht_cs_push(const ht_hub *h, ht_agent *a, proto_changeset *cs);
/* Add one new household record with id {origin, serial} to cs. */
int ht_cs_household(ht_agent *a, proto_changeset *cs, proto_id id, int commune, int64_t members);
/* Add one milestone "surveyed" on 2023-07-01 with id {origin, serial} for household hh. */
int ht_cs_milestone(ht_agent *a, proto_changeset *cs, proto_id id, proto_id hh, const char *stage);
/* Enrol one more agent on a running hub for commune. */
int ht_agent_enrol(const ht_hub *h, ht_agent *a, const char *name, int commune);
/* The same with any scope option ("--commune", "--district") and code. */
int ht_agent_enrol_scope(const ht_hub *h, ht_agent *a, const char *name, const char *scope_opt, int code);
/* A plain TCP connection to 127.0.0.1:port (raw bytes tests): fd, or -1. */
int ht_tcp_connect(int port);
/* The same from a chosen local address ("127.0.0.9"; NULL: any). */
int ht_tcp_connect_from(const char *src, int port);

/* ---- server limits: clients from chosen addresses, raw TLS, the hub's memory ---- */

/* A raw TLS connection (no certificate checks: these tests attack the hub). */
typedef struct ht_tls {
	int fd;
	struct ssl_ctx_st *ctx;
	struct ssl_st *ssl;
} ht_tls;
/* TCP from src ("127.0.0.2"; NULL: any) to the hub, then a TLS handshake with
 * a's client certificate (NULL: none). 0, or -1 (the handshake failed...). */
int ht_tls_open(ht_tls *t, const ht_hub *h, const char *src, const ht_agent *a);
struct ssl_session_st;
/* ht_tls_open offering session (NULL: none) to resume; *reused (may be
 * NULL) says whether the hub resumed it. */
int ht_tls_open_session(ht_tls *t, const ht_hub *h, const char *src, const ht_agent *a,
			struct ssl_session_st *session, int *reused);
/* t's session to resume later, NULL when the hub gave none it can resume
 * (TLS 1.3 gives it after the handshake: read an answer first). The
 * caller frees it with ht_tls_session_free. */
struct ssl_session_st *ht_tls_session(ht_tls *t);
void ht_tls_session_free(struct ssl_session_st *session);
int ht_tls_write(ht_tls *t, const void *p, size_t len); /* 0 or -1 */
/* Read what comes within timeout_ms of silence: bytes read (0: the hub
 * closed), -1 error, -2 nothing came. */
long ht_tls_read(ht_tls *t, char *buf, size_t len, int timeout_ms);
void ht_tls_close(ht_tls *t);
/* Cut the connection as a broken link would, after all written bytes: a
 * FIN, then wait (at most 30 s) for the hub to close its side, which it
 * does once it has read them all; then ht_tls_close. 0, or -1. */
int ht_tls_cut(ht_tls *t);
/* A curl handle for https://localhost:PORT<path> of hub h, the hub's CA
 * pinned and checked, from source address src (NULL: any), with a's client
 * certificate (NULL, or an agent without one: anonymous), given up after
 * timeout_s seconds. The caller adds its callbacks and method, and owns the
 * handle (curl_easy_cleanup). NULL when curl cannot make one. */
CURL *ht_curl(const ht_hub *h, const char *src, const ht_agent *a, const char *path, long timeout_s);
/* Header line p of n bytes (as a curl header callback sees it): when it is
 * "name: value", value without its line end goes into out (cut to outlen). */
void ht_header_value(const char *p, size_t n, const char *name, char *out, size_t outlen);
/* ht_request from source address src (NULL: any); ht_request is this with NULL. */
int ht_request_from(const ht_hub *h, const char *src, const ht_agent *a, const char *method,
		    const char *path, const void *body, size_t len, ht_resp *r);
/* An enrolment body for a's key with token. */
int ht_enroll_body(const ht_agent *a, const char *token, char *out, size_t outlen);
/* The same for any key (the hub's own, a key of another kind...). */
int ht_enroll_body_key(const proto_key *k, const char *token, char *out, size_t outlen);
/* VmRSS of pid in KiB, -1 if unknown. */
long ht_vmrss_kb(pid_t pid);

#endif
