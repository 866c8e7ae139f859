/*
 * hubtest.c - see hubtest.h. Processes are started with fork/exec and
 * stopped by their pid; nothing here touches processes it did not start.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <curl/curl.h>
#include <sqlite3.h>
#include "hubtest.h"

int ht_run(char *out, size_t outlen, const char *fmt, ...)
{
	char args[2048], cmd[2400];
	va_list ap;
	FILE *p;
	size_t n = 0;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s %s", MAIAM_HUB_BIN, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (out && outlen) {
		n = fread(out, 1, outlen - 1, p);
		out[n] = '\0';
	} else {
		char sink[512];
		while (fread(sink, 1, sizeof(sink), p) > 0)
			;
	}
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int ht_hub_init(ht_hub *h)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->dir, sizeof(h->dir), "/tmp/maiam-hubtest-XXXXXX");
	if (!mkdtemp(h->dir))
		return -1;
	return ht_run(NULL, 0, "init --dir %s/hub --host hub.test", h->dir) == 0 ? 0 : -1;
}

/* serve, its stdout on a pipe until the port is read; its stderr on a pipe
 * of its own (*err_fd, the read end) when err_fd is not NULL. */
static int hub_start(ht_hub *h, const char *extra, int *err_fd)
{
	int fds[2], efds[2] = { -1, -1 };
	char line[256], dir[300];
	size_t n = 0;
	pid_t pid;

	if (pipe(fds))
		return -1;
	if (err_fd && pipe(efds)) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s/hub", h->dir);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char cmd[1024];
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		if (err_fd) {
			dup2(efds[1], 2);
			close(efds[0]);
			close(efds[1]);
		}
		snprintf(cmd, sizeof(cmd), "exec %s serve --dir %s --listen 127.0.0.1:0 %s",
			 MAIAM_HUB_BIN, dir, extra ? extra : "");
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	if (err_fd) {
		close(efds[1]);
		*err_fd = efds[0];
	}
	h->pid = pid;
	while (n < sizeof(line) - 1) {
		ssize_t k = read(fds[0], line + n, 1);
		if (k <= 0)
			break;
		if (line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	close(fds[0]);
	{
		const char *colon = strrchr(line, ':');
		h->port = colon ? (int)strtol(colon + 1, NULL, 10) : 0;
	}
	return h->port > 0 ? 0 : -1;
}

int ht_hub_start(ht_hub *h, const char *extra)
{
	return hub_start(h, extra, NULL);
}

int ht_hub_start_watched(ht_hub *h, const char *extra, int *err_fd)
{
	return hub_start(h, extra, err_fd);
}

int ht_wait_line(int fd, const char *needle)
{
	char line[1024];
	size_t n = 0;
	char ch;

	for (;;) {
		ssize_t k = read(fd, &ch, 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1; /* the hub closed its stderr (exited) first */
		fputc(ch, stderr); /* what the hub says stays in the test's log */
		if (ch != '\n') {
			if (n < sizeof(line) - 1)
				line[n++] = ch;
			continue;
		}
		line[n] = '\0';
		if (strstr(line, needle))
			return 0;
		n = 0;
	}
}

int ht_hub_wait(ht_hub *h)
{
	int st;

	if (h->pid <= 0)
		return -1;
	/* a hub that does not stop within 45 s is a failure, not a hung test */
	for (int i = 0; i < 450; i++) {
		pid_t w = waitpid(h->pid, &st, WNOHANG);
		if (w == h->pid)
			goto reaped;
		if (w < 0)
			return -1;
		usleep(100000);
	}
	kill(h->pid, SIGKILL);
	waitpid(h->pid, &st, 0);
	h->pid = 0;
	return -1;
reaped:
	h->pid = 0;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

int ht_hub_stop(ht_hub *h, int sig)
{
	if (h->pid <= 0)
		return -1;
	kill(h->pid, sig);
	return ht_hub_wait(h);
}

static size_t on_data(char *p, size_t size, size_t nmemb, void *arg)
{
	ht_resp *r = arg;
	size_t n = size * nmemb;
	uint8_t *grown = realloc(r->bin, r->bin_len + n + 1);

	if (!grown)
		return 0;
	r->bin = grown;
	memcpy(r->bin + r->bin_len, p, n);
	r->bin_len += n;
	return n;
}

/* Header line p (n bytes) named "Name: " copied into out, without its line
 * end; out is left as it was when the line has another name. */
void ht_header_value(const char *p, size_t n, const char *name, char *out, size_t outlen)
{
	size_t k = strlen(name);

	if (n > k + 2 && strncasecmp(p, name, k) == 0 && p[k] == ':' && p[k + 1] == ' ')
		snprintf(out, outlen, "%.*s", (int)strcspn(p + k + 2, "\r\n"), p + k + 2);
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	ht_resp *r = arg;
	size_t n = size * nmemb;

	ht_header_value(p, n, "Maiam-Cursor", r->cursor, sizeof(r->cursor));
	ht_header_value(p, n, "Retry-After", r->retry_after, sizeof(r->retry_after));
	return n;
}

CURL *ht_curl(const ht_hub *h, const char *src, const ht_agent *a, const char *path, long timeout_s)
{
	CURL *c = curl_easy_init();
	char url[4200], ca[320];

	if (!c)
		return NULL;
	snprintf(url, sizeof(url), "https://localhost:%d%s", h->port, path);
	snprintf(ca, sizeof(ca), "%s/hub/ca.pem", h->dir);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (src)
		curl_easy_setopt(c, CURLOPT_INTERFACE, src);
	if (a && a->cert_path[0]) {
		curl_easy_setopt(c, CURLOPT_SSLCERT, a->cert_path);
		curl_easy_setopt(c, CURLOPT_SSLKEY, a->key_path);
	}
	return c;
}

int ht_request_from(const ht_hub *h, const char *src, const ht_agent *a, const char *method,
		    const char *path, const void *body, size_t len, ht_resp *r)
{
	CURL *c = ht_curl(h, src, a, path, 60L);
	CURLcode cc;

	memset(r, 0, sizeof(*r));
	if (!c)
		return -1;
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->bin) {
		size_t k = r->bin_len < sizeof(r->body) - 1 ? r->bin_len : sizeof(r->body) - 1;
		memcpy(r->body, r->bin, k);
		r->body[k] = '\0';
	}
	curl_easy_cleanup(c);
	return cc == CURLE_OK ? 0 : -1;
}

int ht_request(const ht_hub *h, const ht_agent *a, const char *method, const char *path,
	       const void *body, size_t len, ht_resp *r)
{
	return ht_request_from(h, NULL, a, method, path, body, len, r);
}

int ht_net_setup(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

int ht_net_teardown(void **state)
{
	(void)state;
	curl_global_cleanup();
	return 0;
}

void ht_resp_free(ht_resp *r)
{
	free(r->bin);
	r->bin = NULL;
}

int ht_agent_new(ht_agent *a, const ht_hub *h, const char *name)
{
	memset(a, 0, sizeof(*a));
	if (proto_key_generate(&a->key) != PROTO_OK)
		return -1;
	a->id = proto_key_id(a->key);
	snprintf(a->key_path, sizeof(a->key_path), "%s/%s.key", h->dir, name);
	proto_hlc_init(&a->clock, 0);
	return proto_key_save_private(a->key, a->key_path) == PROTO_OK ? 0 : -1;
}

void ht_agent_free(ht_agent *a)
{
	proto_key_free(a->key);
	a->key = NULL;
}

int ht_token(const ht_hub *h, const char *scope_opt, int code, const char *extra, char token[128])
{
	char out[1024];
	const char *p;

	if (ht_run(out, sizeof(out), "agent add --dir %s/hub %s %d --json %s", h->dir, scope_opt, code,
		   extra ? extra : "") != 0)
		return -1;
	p = strstr(out, "\"token\": \"");
	if (!p)
		return -1;
	p += 10;
	snprintf(token, 128, "%.*s", (int)strcspn(p, "\""), p);
	return 0;
}

int ht_json_member(const char *json, const char *key, char *out, size_t outlen)
{
	char pat[64];
	const char *p;
	size_t o = 0;

	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	p = strstr(json, pat);
	if (!p)
		return -1;
	for (p += strlen(pat); *p && *p != '"' && o + 1 < outlen; p++) {
		if (*p == '\\' && p[1] == 'n') {
			out[o++] = '\n';
			p++;
		} else if (*p == '\\' && p[1]) {
			out[o++] = *++p;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
	return 0;
}

int ht_enroll(const ht_hub *h, ht_agent *a, const char *token, ht_resp *r)
{
	char *pem = NULL, body[2048];
	proto_buf esc;

	if (proto_key_public_pem(a->key, &pem) != PROTO_OK)
		return -1;
	proto_buf_init(&esc, 4096);
	for (const char *p = pem; *p; p++) {
		if (*p == '\n')
			proto_buf_append_str(&esc, "\\n");
		else
			proto_buf_append_byte(&esc, (uint8_t)*p);
	}
	proto_buf_append_byte(&esc, 0);
	snprintf(body, sizeof(body), "{\"token\": \"%s\", \"public_key\": \"%s\"}", token,
		 (const char *)esc.data);
	proto_buf_release(&esc);
	free(pem);
	if (ht_request(h, NULL, "POST", "/v1/enroll", body, strlen(body), r))
		return -1;
	if (r->status != 200)
		return 0;
	return ht_agent_keep_cert(a, r->body);
}

int ht_agent_keep_cert(ht_agent *a, const char *answer)
{
	char cert[4096];
	FILE *f;

	if (ht_json_member(answer, "client_cert", cert, sizeof(cert)))
		return -1;
	snprintf(a->cert_path, sizeof(a->cert_path), "%.*s.crt", (int)(strlen(a->key_path) - 4),
		 a->key_path);
	f = fopen(a->cert_path, "w");
	if (!f)
		return -1;
	fputs(cert, f);
	return fclose(f) == 0 ? 0 : -1;
}

/* Change-set seq a->seq + 1 of campaign from agent a, chained to its last. */
static int cs_begin_in(ht_agent *a, proto_changeset *cs, const char *campaign)
{
	return proto_changeset_init(cs, campaign, a->id, a->seq + 1, a->last_hash,
				    proto_hlc_now(&a->clock, proto_wall_ms())) == PROTO_OK
		       ? 0
		       : -1;
}

/* A household record id stamped now by a, with the fields every test
 * household has: a name and its commune. 0 or -1. */
static int cs_household_named(ht_agent *a, proto_changeset *cs, proto_id id, const char *name, int commune)
{
	uint64_t st = proto_hlc_now(&a->clock, proto_wall_ms());

	if (proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, id, st, a->id) ||
	    proto_changeset_add_text(cs, PROTO_HH_NAME, 0, name, strlen(name)) ||
	    proto_changeset_add_int(cs, PROTO_HH_COMMUNE, 0, commune))
		return -1;
	return 0;
}

int ht_households(ht_agent *a, const char *campaign, int commune, int n, proto_buf *out, int keep)
{
	proto_changeset cs;
	char name[64];
	int i, rc = -1;

	if (cs_begin_in(a, &cs, campaign ? campaign : "soc-trang-2023"))
		return -1;
	for (i = 0; i < n; i++) {
		proto_id id = { a->id, a->serial + 1 + (uint64_t)i };
		snprintf(name, sizeof(name), "Nguyễn Văn %llu-%d", (unsigned long long)cs.hdr.seq, i);
		if (cs_household_named(a, &cs, id, name, commune) ||
		    proto_changeset_add_int(&cs, PROTO_HH_MEMBERS, 0, 1 + i % 9) ||
		    proto_changeset_add_text(&cs, PROTO_HH_CATEGORY, 0, "poor", 4))
			goto out;
	}
	rc = ht_cs_seal(a, &cs, out, keep);
out:
	proto_changeset_release(&cs);
	return rc;
}

char *ht_metrics_page(const ht_hub *h)
{
	ht_resp r;
	char *page = NULL;

	if (ht_request(h, NULL, "GET", "/metrics", NULL, 0, &r) == 0 && r.status == 200 &&
	    (page = malloc(r.bin_len + 1)) != NULL) {
		if (r.bin_len)
			memcpy(page, r.bin, r.bin_len);
		page[r.bin_len] = '\0';
	}
	ht_resp_free(&r);
	return page;
}

int ht_metric_next(const char **at, const char *family, char *labels, size_t labels_len, double *value)
{
	size_t n = strlen(family);
	const char *p = *at;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *v = p + n, *end;
		if (strncmp(p, family, n) != 0 || (*v != '{' && *v != ' '))
			continue; /* another family, a longer name, or a comment */
		labels[0] = '\0';
		if (*v == '{') {
			end = strstr(v, "} ");
			if (!end || memchr(v, '\n', (size_t)(end - v)) ||
			    (size_t)(end - v - 1) >= labels_len)
				continue;
			memcpy(labels, v + 1, (size_t)(end - v - 1));
			labels[end - v - 1] = '\0';
			v = end + 1;
		}
		*value = strtod(v + 1, NULL);
		end = strchr(v, '\n');
		*at = end ? end + 1 : v + strlen(v);
		return 1;
	}
	*at = p;
	return 0;
}

double ht_metric(const char *page, const char *family, const char *labels)
{
	char got[256];
	double v;

	while (page && ht_metric_next(&page, family, got, sizeof(got), &v))
		if (strcmp(got, labels) == 0)
			return v;
	return -1;
}

long long ht_sql(const ht_hub *h, const char *sql)
{
	char path[320];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;

	snprintf(path, sizeof(path), "%s/hub/hub.db", h->dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto out;
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

int ht_hub_up(ht_hub *h, ht_agent *a, int commune, const char *extra)
{
	char token[128];
	ht_resp r;
	int rc;

	if (ht_hub_init(h) || ht_hub_start(h, extra) || ht_agent_new(a, h, "agent") ||
	    ht_token(h, "--commune", commune, NULL, token))
		return -1;
	if (ht_enroll(h, a, token, &r))
		return -1;
	rc = r.status == 200 ? 0 : -1;
	ht_resp_free(&r);
	return rc;
}

int ht_hub_up_keyed(ht_hub *h, proto_key **hubkey)
{
	char path[400];

	if (ht_hub_init(h) || ht_hub_start(h, NULL))
		return -1;
	snprintf(path, sizeof(path), "%s/hub/hub.key", h->dir);
	return proto_key_load_private(path, hubkey) == PROTO_OK ? 0 : -1;
}

int ht_hub_remove(const ht_hub *h)
{
	char cmd[400];

	if (!strstr(h->dir, "maiam-hubtest-"))
		return -1; /* only ever our own scratch directories */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", h->dir);
	return system(cmd) == 0 ? 0 : -1;
}

int ht_big_households(ht_agent *a, int commune, int n, size_t note_bytes, unsigned seed, proto_buf *out)
{
	proto_changeset cs;
	uint8_t rnd[64];
	char note[2 * sizeof(rnd) + 1];
	int rc = -1;

	if (note_bytes > sizeof(rnd) || ht_cs_begin(a, &cs))
		return -1;
	for (int i = 0; i < n; i++) {
		proto_id id = { a->id, a->serial + 1 + (uint64_t)i };
		for (size_t k = 0; k < note_bytes; k++)
			rnd[k] = (uint8_t)rand_r(&seed);
		proto_hex(rnd, note_bytes, note);
		if (cs_household_named(a, &cs, id, "Lâm Thị Sà Rên", commune) ||
		    proto_changeset_add_text(&cs, PROTO_HH_NOTE, 0, note, strlen(note)))
			goto out;
	}
	rc = ht_cs_seal(a, &cs, out, 0);
out:
	proto_changeset_release(&cs);
	return rc;
}

/* ---- ingest: change-sets built record by record, for the ingest checks' tests ---- */

int ht_cs_begin(ht_agent *a, proto_changeset *cs)
{
	return cs_begin_in(a, cs, "soc-trang-2023");
}

int ht_cs_seal(ht_agent *a, proto_changeset *cs, proto_buf *out, int keep)
{
	uint8_t hash[32];
	size_t i;

	if (proto_seal(cs, a->key, out, hash) != PROTO_OK)
		return -1;
	if (!keep) {
		a->seq = cs->hdr.seq;
		memcpy(a->last_hash, hash, 32);
		for (i = 0; i < cs->nrecords; i++)
			if (cs->records[i].id.origin == a->id && cs->records[i].id.serial > a->serial)
				a->serial = cs->records[i].id.serial;
	}
	return 0;
}

int ht_cs_push(const ht_hub *h, ht_agent *a, proto_changeset *cs)
{
	proto_buf buf;
	ht_resp r;
	int status = -1;

	proto_buf_init(&buf, 1 << 24);
	if (ht_cs_seal(a, cs, &buf, 0) == 0 &&
	    ht_request(h, a, "POST", "/v1/push", buf.data, buf.len, &r) == 0) {
		status = (int)r.status;
		ht_resp_free(&r);
	}
	proto_buf_release(&buf);
	proto_changeset_release(cs);
	return status;
}

int ht_cs_household(ht_agent *a, proto_changeset *cs, proto_id id, int commune, int64_t members)
{
	if (cs_household_named(a, cs, id, "Trần Thị Bình", commune) ||
	    proto_changeset_add_int(cs, PROTO_HH_MEMBERS, 0, members) ||
	    proto_changeset_add_text(cs, PROTO_HH_CATEGORY, 0, "poor", 4))
		return -1;
	return 0;
}

int ht_cs_milestone(ht_agent *a, proto_changeset *cs, proto_id id, proto_id hh, const char *stage)
{
	uint64_t st = proto_hlc_now(&a->clock, proto_wall_ms());

	if (proto_changeset_begin(cs, PROTO_KIND_MILESTONE, id, st, a->id) ||
	    proto_changeset_add_ref(cs, PROTO_MS_HOUSEHOLD, 0, hh) ||
	    proto_changeset_add_text(cs, PROTO_MS_STAGE, 0, stage, strlen(stage)) ||
	    proto_changeset_add_text(cs, PROTO_MS_DATE, 0, "2023-07-01", 10))
		return -1;
	return 0;
}

int ht_agent_enrol(const ht_hub *h, ht_agent *a, const char *name, int commune)
{
	return ht_agent_enrol_scope(h, a, name, "--commune", commune);
}

int ht_agent_enrol_scope(const ht_hub *h, ht_agent *a, const char *name, const char *scope_opt, int code)
{
	char token[128];
	ht_resp r;
	int rc;

	if (ht_agent_new(a, h, name) || ht_token(h, scope_opt, code, NULL, token) ||
	    ht_enroll(h, a, token, &r))
		return -1;
	rc = r.status == 200 ? 0 : -1;
	ht_resp_free(&r);
	return rc;
}

int ht_tcp_connect(int port)
{
	return ht_tcp_connect_from(NULL, port);
}

int ht_tcp_connect_from(const char *src, int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	if (src && (inet_pton(AF_INET, src, &sa.sin_addr) != 1 ||
		    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0))
		goto fail;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/* ---- server limits: clients from chosen addresses, raw TLS, the hub's memory ---- */

#include <poll.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

int ht_tls_open(ht_tls *t, const ht_hub *h, const char *src, const ht_agent *a)
{
	return ht_tls_open_session(t, h, src, a, NULL, NULL);
}

int ht_tls_open_session(ht_tls *t, const ht_hub *h, const char *src, const ht_agent *a,
			struct ssl_session_st *session, int *reused)
{
	memset(t, 0, sizeof(*t));
	t->fd = ht_tcp_connect_from(src, h->port);
	if (t->fd < 0)
		return -1;
	t->ctx = SSL_CTX_new(TLS_client_method());
	if (!t->ctx)
		goto fail;
	if (a && a->cert_path[0] &&
	    (SSL_CTX_use_certificate_file(t->ctx, a->cert_path, SSL_FILETYPE_PEM) != 1 ||
	     SSL_CTX_use_PrivateKey_file(t->ctx, a->key_path, SSL_FILETYPE_PEM) != 1))
		goto fail;
	t->ssl = SSL_new(t->ctx);
	if (!t->ssl || !SSL_set_fd(t->ssl, t->fd) ||
	    (session && SSL_set_session(t->ssl, session) != 1) || SSL_connect(t->ssl) != 1)
		goto fail;
	if (reused)
		*reused = SSL_session_reused(t->ssl);
	/* a read that finds only TLS 1.3 tickets returns (WANT_READ) instead of
	 * blocking for data: ht_tls_read's poll then bounds the wait */
	SSL_clear_mode(t->ssl, SSL_MODE_AUTO_RETRY);
	return 0;
fail:
	ht_tls_close(t);
	return -1;
}

int ht_tls_write(ht_tls *t, const void *p, size_t len)
{
	const char *c = p;

	while (len) {
		int n;
		ERR_clear_error();
		n = SSL_write(t->ssl, c, len > (1u << 20) ? 1 << 20 : (int)len);
		if (n <= 0)
			return -1;
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

long ht_tls_read(ht_tls *t, char *buf, size_t len, int timeout_ms)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd pfd = { t->fd, POLLIN, 0 };
		int n;
		if (!SSL_pending(t->ssl) && poll(&pfd, 1, timeout_ms) <= 0)
			return got ? (long)got : -2;
		ERR_clear_error(); /* SSL_get_error reads the thread's whole queue */
		n = SSL_read(t->ssl, buf + got, (int)(len - got));
		if (n <= 0) {
			int e = SSL_get_error(t->ssl, n);
			if (e == SSL_ERROR_WANT_READ)
				continue;
			/* a close (clean or not) after an answer is still the answer */
			return got ? (long)got
			       : (e == SSL_ERROR_ZERO_RETURN || e == SSL_ERROR_SYSCALL ||
				  e == SSL_ERROR_SSL)
				       ? 0
				       : -1;
		}
		got += (size_t)n;
	}
	return (long)got;
}

struct ssl_session_st *ht_tls_session(ht_tls *t)
{
	SSL_SESSION *s = SSL_get0_session(t->ssl);

	/* a copy: closing t without close_notify marks t's own session as not
	 * to be resumed, as a client that loses its link would not */
	return s && SSL_SESSION_is_resumable(s) ? SSL_SESSION_dup(s) : NULL;
}

void ht_tls_session_free(struct ssl_session_st *session)
{
	SSL_SESSION_free(session);
}

void ht_tls_close(ht_tls *t)
{
	if (t->ssl)
		SSL_free(t->ssl);
	if (t->ctx)
		SSL_CTX_free(t->ctx);
	if (t->fd >= 0)
		close(t->fd);
	t->ssl = NULL;
	t->ctx = NULL;
	t->fd = -1;
}

int ht_tls_cut(ht_tls *t)
{
	char junk[4096];
	int rc = -1;

	/* every byte written goes before the FIN (a close with unread bytes,
	 * the hub's TLS tickets, would reset the connection and could drop
	 * them); the hub's close then ends the read */
	if (shutdown(t->fd, SHUT_WR) == 0) {
		for (;;) {
			struct pollfd pfd = { t->fd, POLLIN, 0 };
			ssize_t n;
			if (poll(&pfd, 1, 30000) <= 0)
				break;
			n = read(t->fd, junk, sizeof(junk));
			if (n <= 0) {
				rc = 0;
				break;
			}
		}
	}
	ht_tls_close(t);
	return rc;
}

int ht_enroll_body(const ht_agent *a, const char *token, char *out, size_t outlen)
{
	return ht_enroll_body_key(a->key, token, out, outlen);
}

int ht_enroll_body_key(const proto_key *k, const char *token, char *out, size_t outlen)
{
	char *pem = NULL, esc[1024];
	size_t o = 0;
	int n;

	if (proto_key_public_pem(k, &pem) != PROTO_OK)
		return -1;
	for (const char *p = pem; *p && o + 3 < sizeof(esc); p++) {
		if (*p == '\n') {
			esc[o++] = '\\';
			esc[o++] = 'n';
		} else {
			esc[o++] = *p;
		}
	}
	esc[o] = '\0';
	free(pem);
	n = snprintf(out, outlen, "{\"token\": \"%s\", \"public_key\": \"%s\"}", token, esc);
	return n > 0 && (size_t)n < outlen ? 0 : -1;
}

long ht_vmrss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}
