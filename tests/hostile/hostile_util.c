/*
 * hostile_util.c - the catalogue's plumbing: one hub per family with an
 * attacker and two honest laptops, requests over real TLS (libcurl, or raw
 * OpenSSL for bytes curl will not send), the digest of the replicated tables,
 * and change-sets sealed by the attacker, by the library or by hand.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sqlite3.h>
#include <zlib.h>
#include "zdict.h"
#include "hostile.h"

/* Anonymous requests come from 127.0.0.2 ... 127.0.0.239 in turn, over the
 * whole run (not per family): a per-address limit (enrolments per minute)
 * never sees the harness twice in a row. 240 and up are for rows that mean
 * to hit such a limit. */
static const char *next_addr(hs_env *e, char buf[16])
{
	static int next = 2;

	(void)e;
	if (next < 2 || next > 239)
		next = 2;
	snprintf(buf, 16, "127.0.0.%d", next++);
	return buf;
}

/* --- HTTPS with libcurl --- */

typedef struct sink {
	hs_answer *a;
	size_t n;
} sink;

static size_t on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	sink *s = arg;
	size_t n = size * nmemb, room = sizeof(s->a->body) - 1 - s->n;
	size_t k = n < room ? n : room;

	memcpy(s->a->body + s->n, p, k);
	s->n += k;
	s->a->body[s->n] = '\0';
	return n;
}

static size_t on_head(char *p, size_t size, size_t nmemb, void *arg)
{
	hs_answer *a = arg;
	size_t n = size * nmemb;

	if (n > 26 && strncasecmp(p, "Strict-Transport-Security:", 26) == 0)
		a->hsts = 1;
	ht_header_value(p, n, "Retry-After", a->retry_after, sizeof(a->retry_after));
	return n;
}

int hs_http(hs_env *e, const ht_agent *who, const char *method, const char *path, const void *body,
	    size_t len, const char *const *headers, const char *from, hs_answer *a)
{
	CURL *c = ht_curl(&e->hub, from, who, path, 30L);
	struct curl_slist *hl = NULL;
	sink s = { a, 0 };
	CURLcode cc;

	memset(a, 0, sizeof(*a));
	if (!c)
		return -1;
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_head);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, a);
	for (size_t i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	if (body || strcmp(method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a->status);
	else if (cc == CURLE_SSL_CONNECT_ERROR || cc == CURLE_SSL_CERTPROBLEM)
		a->status = HS_HANDSHAKE;
	else
		a->status = HS_CLOSED;
	a->chained = strstr(a->body, "\"chained\": true") != NULL;
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	return 0;
}

/* --- raw bytes over TLS --- */

/* Case-insensitive search of a header name in an answer. */
static const char *find_header(const char *s, const char *name)
{
	size_t n = strlen(name);

	for (; *s; s++)
		if (strncasecmp(s, name, n) == 0)
			return s;
	return NULL;
}

/* One raw TLS connection to the hub, its certificate checked against the hub's CA. */
typedef struct hs_conn {
	SSL_CTX *ctx;
	SSL *ssl;
	int fd;
} hs_conn;

/*
 * Connect as 'who' (NULL or no certificate: anonymous), at most TLS 1.2 if
 * tls12, reads timing out after wait_s. 0 connected, 1 the hub refused the
 * handshake, -1 no connection. hs_conn_close releases c in every case.
 */
static int hs_conn_open(hs_env *e, const ht_agent *who, int tls12, int wait_s, hs_conn *c)
{
	char ca[320];
	struct timeval tv = { wait_s, 0 };

	c->ssl = NULL;
	c->fd = -1;
	c->ctx = SSL_CTX_new(TLS_client_method());
	if (!c->ctx)
		return -1;
	snprintf(ca, sizeof(ca), "%s/hub/ca.pem", e->hub.dir);
	SSL_CTX_load_verify_locations(c->ctx, ca, NULL);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	if (tls12)
		SSL_CTX_set_max_proto_version(c->ctx, TLS1_2_VERSION);
	if (who && who->cert_path[0] &&
	    (SSL_CTX_use_certificate_file(c->ctx, who->cert_path, SSL_FILETYPE_PEM) != 1 ||
	     SSL_CTX_use_PrivateKey_file(c->ctx, who->key_path, SSL_FILETYPE_PEM) != 1))
		return -1;
	c->fd = ht_tcp_connect(e->hub.port);
	if (c->fd < 0)
		return -1;
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	c->ssl = SSL_new(c->ctx);
	if (!c->ssl || !SSL_set_fd(c->ssl, c->fd))
		return -1;
	SSL_set_tlsext_host_name(c->ssl, "localhost");
	return SSL_connect(c->ssl) == 1 ? 0 : 1;
}

static void hs_conn_close(hs_conn *c)
{
	if (c->ssl)
		SSL_free(c->ssl);
	SSL_CTX_free(c->ctx);
	if (c->fd >= 0)
		close(c->fd);
	ERR_clear_error();
}

int hs_raw(hs_env *e, const ht_agent *who, const void *req, size_t len, int tls12, hs_answer *a)
{
	hs_conn c;
	char resp[4096];
	size_t got = 0, sent = 0;
	int rc = -1, up;

	memset(a, 0, sizeof(*a));
	a->status = HS_CLOSED;
	up = hs_conn_open(e, who, tls12, 5, &c);
	if (up < 0)
		goto out;
	if (up > 0) {
		a->status = HS_HANDSHAKE;
		rc = 0;
		goto out;
	}
	while (sent < len) {
		int k = SSL_write(c.ssl, (const char *)req + sent,
				  (int)(len - sent > 65536 ? 65536 : len - sent));
		if (k <= 0)
			break;
		sent += (size_t)k;
	}
	for (;;) {
		int k = SSL_read(c.ssl, resp + got, (int)(sizeof(resp) - 1 - got));
		if (k <= 0) {
			/* an alert before any answer: the hub refused our certificate */
			if (got == 0 && SSL_get_error(c.ssl, k) == SSL_ERROR_SSL)
				a->status = HS_HANDSHAKE;
			break;
		}
		got += (size_t)k;
		resp[got] = '\0';
		/* one answer is enough: stop at the end of its body */
		{
			const char *end = strstr(resp, "\r\n\r\n");
			const char *cl = find_header(resp, "\r\nContent-Length: ");
			if (end && cl && cl < end &&
			    got >= (size_t)(end + 4 - resp) + strtoul(cl + 18, NULL, 10))
				break;
		}
		if (got + 1 >= sizeof(resp))
			break;
	}
	resp[got] = '\0';
	if (got > 12 && strncmp(resp, "HTTP/1.", 7) == 0) {
		const char *b = strstr(resp, "\r\n\r\n");
		a->status = strtol(resp + 9, NULL, 10);
		snprintf(a->body, sizeof(a->body), "%s", b ? b + 4 : "");
	}
	rc = 0;
out:
	hs_conn_close(&c);
	return rc;
}

int hs_raw_stall(hs_env *e, const void *req, size_t len, int wait_s, hs_answer *a)
{
	hs_conn c;
	char resp[512];
	int rc = -1, k;

	memset(a, 0, sizeof(*a));
	a->status = HS_CLOSED;
	if (hs_conn_open(e, NULL, 0, wait_s, &c) != 0 || SSL_write(c.ssl, req, (int)len) != (int)len)
		goto out;
	/* then nothing more: the hub must close on us before wait_s (a TLS 1.3
	 * session ticket may arrive first: SSL_read takes it and reads on) */
	k = SSL_read(c.ssl, resp, sizeof(resp) - 1);
	if (k > 12) {
		resp[k] = '\0';
		if (strncmp(resp, "HTTP/1.", 7) == 0)
			a->status = strtol(resp + 9, NULL, 10);
		snprintf(a->body, sizeof(a->body), "%s", resp);
	} else if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		   (SSL_get_error(c.ssl, k) == SSL_ERROR_WANT_READ ||
		    SSL_get_error(c.ssl, k) == SSL_ERROR_SYSCALL)) {
		a->status = HS_TIMEOUT;
		snprintf(a->body, sizeof(a->body), "still open after %d s", wait_s);
	}
	rc = 0;
out:
	hs_conn_close(&c);
	return rc;
}

/* --- enrolment --- */

int hs_enroll_body(hs_env *e, const char *json, hs_answer *a)
{
	static const char *const ct[] = { "Content-Type: application/json", NULL };
	char from[16];

	return hs_http(e, NULL, "POST", "/v1/enroll", json, strlen(json), ct, next_addr(e, from), a);
}

int hs_enrol(hs_env *e, ht_agent *a, const char *scope_opt, int code)
{
	char name[32], token[128], json[2048];
	hs_answer ans;

	snprintf(name, sizeof(name), "agent%d", e->nagents++);
	if (ht_agent_new(a, &e->hub, name) || ht_token(&e->hub, scope_opt, code, NULL, token) ||
	    ht_enroll_body(a, token, json, sizeof(json)) || hs_enroll_body(e, json, &ans))
		return -1;
	if (ans.status != 200 || ht_agent_keep_cert(a, ans.body)) {
		fprintf(stderr, "hostile: enrolment failed: %ld %s\n", ans.status, ans.body);
		return -1;
	}
	return 0;
}

/* --- pushes --- */

int hs_push_as(hs_env *e, const ht_agent *who, const proto_buf *b, hs_answer *a)
{
	static const char *const ct[] = { "Content-Type: application/octet-stream", NULL };

	return hs_http(e, who, "POST", "/v1/push", b->data, b->len, ct, NULL, a);
}

int hs_push_household(hs_env *e, ht_agent *from, const ht_agent *who, hs_answer *a)
{
	proto_buf b;
	int rc;

	proto_buf_init(&b, 1u << 20);
	rc = ht_households(from, NULL, HS_COMMUNE, 1, &b, 1);
	if (!rc)
		rc = hs_push_as(e, who, &b, a);
	proto_buf_release(&b);
	return rc;
}

int hs_push(hs_env *e, hs_answer *a)
{
	proto_header h;

	if (hs_push_as(e, &e->atk, &e->sealed, a))
		return -1;
	/* the attacker is a laptop that follows the protocol: it moves on past an
	 * applied or chained change-set, and keeps its head otherwise */
	if ((a->status == 200 || a->chained) && proto_peek(e->sealed.data, e->sealed.len, &h) == PROTO_OK &&
	    h.origin == e->atk.id && h.seq == e->atk.seq + 1) {
		e->atk.seq = h.seq;
		proto_sha256(e->sealed.data, e->sealed.len, e->atk.last_hash);
	}
	return 0;
}

int hs_import(hs_env *e, const uint8_t *data, size_t len, int raw, hs_answer *a)
{
	char path[320], out[2048];
	proto_buf bundle;
	FILE *f;
	int rc = -1;

	memset(a, 0, sizeof(*a));
	proto_buf_init(&bundle, 1u << 26);
	if (raw) {
		if (proto_buf_append(&bundle, data, len) != PROTO_OK)
			goto out;
	} else if (proto_bundle_write(&bundle, &data, &len, 1) != PROTO_OK) {
		goto out;
	}
	snprintf(path, sizeof(path), "%s/usb.bundle", e->hub.dir);
	f = fopen(path, "wb");
	if (!f)
		goto out;
	if (bundle.len && fwrite(bundle.data, 1, bundle.len, f) != bundle.len) {
		fclose(f);
		goto out;
	}
	fclose(f);
	a->status = ht_run(out, sizeof(out), "import --dir %s/hub %s 2>&1", e->hub.dir, path);
	snprintf(a->body, sizeof(a->body), "%s", out);
	rc = 0;
out:
	proto_buf_release(&bundle);
	return rc;
}

/* --- the digest of what a laptop can change --- */

int hs_digest(const hs_env *e, uint8_t out[32])
{
	static const char *const sql[] = {
		"SELECT * FROM household ORDER BY id_origin, id_serial",
		"SELECT * FROM household_stamp ORDER BY id_origin, id_serial, field",
		"SELECT * FROM milestone ORDER BY id_origin, id_serial",
		"SELECT * FROM contribution ORDER BY id_origin, id_serial",
		"SELECT * FROM void_event ORDER BY id_origin, id_serial",
	};
	char path[320];
	sqlite3 *db = NULL;
	proto_buf acc;
	int rc = -1;

	proto_buf_init(&acc, 1u << 30);
	snprintf(path, sizeof(path), "%s/hub/hub.db", e->hub.dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto out;
	sqlite3_busy_timeout(db, 5000);
	for (size_t t = 0; t < sizeof(sql) / sizeof(sql[0]); t++) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(db, sql[t], -1, &st, NULL) != SQLITE_OK)
			goto out;
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st); c++) {
				const unsigned char *v = sqlite3_column_text(st, c);
				proto_buf_appendf(&acc, "%d:%s|", sqlite3_column_type(st, c),
						  v ? (const char *)v : "");
			}
			proto_buf_append_byte(&acc, '\n');
		}
		sqlite3_finalize(st);
		proto_buf_append_str(&acc, "--\n");
	}
	proto_sha256(acc.data, acc.len, out);
	rc = 0;
out:
	sqlite3_close(db);
	proto_buf_release(&acc);
	return rc;
}

int hs_snapshot(hs_env *e, const char *code)
{
	char sql[200];

	if (hs_digest(e, e->snap))
		return -1;
	e->rej_total = ht_sql(&e->hub, "SELECT count(*) FROM hub_rejection");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM hub_rejection WHERE code = '%s'",
		 code ? code : "");
	e->rej_code = ht_sql(&e->hub, sql);
	e->same_serial0 = e->same.serial;
	return 0;
}

/* --- the attacker's change-sets --- */

uint64_t hs_serial(hs_env *e)
{
	return ++e->atk.serial;
}

int hs_cs_begin(hs_env *e, proto_changeset *cs)
{
	return proto_changeset_init(cs, HS_CAMPAIGN, e->atk.id, e->atk.seq + 1, e->atk.last_hash,
				    proto_hlc_now(&e->atk.clock, proto_wall_ms())) == PROTO_OK
		       ? 0
		       : -1;
}

int hs_cs_seal(hs_env *e, proto_changeset *cs)
{
	proto_result r;

	proto_buf_reset(&e->sealed);
	r = proto_seal(cs, e->atk.key, &e->sealed, NULL);
	proto_changeset_release(cs);
	if (r != PROTO_OK)
		fprintf(stderr, "hostile: cannot seal: %s\n", proto_strerror(r));
	return r == PROTO_OK ? 0 : -1;
}

int hs_add_household(hs_env *e, proto_changeset *cs, proto_id id, int commune)
{
	static const char name[] = "Trần Thị Mỹ";

	if (proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, id,
				  proto_hlc_now(&e->atk.clock, proto_wall_ms()), e->atk.id) ||
	    proto_changeset_add_text(cs, PROTO_HH_NAME, 0, name, strlen(name)) ||
	    proto_changeset_add_int(cs, PROTO_HH_COMMUNE, 0, commune) ||
	    proto_changeset_add_int(cs, PROTO_HH_MEMBERS, 0, 4) ||
	    proto_changeset_add_text(cs, PROTO_HH_CATEGORY, 0, "poor", 4))
		return -1;
	return 0;
}

int hs_add_void(hs_env *e, proto_changeset *cs, proto_id id, proto_id target, int64_t target_kind)
{
	if (proto_changeset_begin(cs, PROTO_KIND_VOID, id, proto_hlc_now(&e->atk.clock, proto_wall_ms()),
				  e->atk.id) ||
	    proto_changeset_add_ref(cs, PROTO_VO_TARGET, 0, target) ||
	    proto_changeset_add_int(cs, PROTO_VO_TARGET_KIND, 0, target_kind))
		return -1;
	return 0;
}

int hs_add_milestone(hs_env *e, proto_changeset *cs, proto_id id, proto_id hh, const char *stage,
		     const char *date)
{
	if (proto_changeset_begin(cs, PROTO_KIND_MILESTONE, id,
				  proto_hlc_now(&e->atk.clock, proto_wall_ms()), e->atk.id) ||
	    proto_changeset_add_ref(cs, PROTO_MS_HOUSEHOLD, 0, hh) ||
	    proto_changeset_add_text(cs, PROTO_MS_STAGE, 0, stage, strlen(stage)) ||
	    proto_changeset_add_text(cs, PROTO_MS_DATE, 0, date, strlen(date)))
		return -1;
	return 0;
}

int hs_deflate(const uint8_t *p, size_t n, int dict, proto_buf *out)
{
	z_stream s;
	uint8_t chunk[65536];
	int zr, rc = -1;

	memset(&s, 0, sizeof(s));
	if (deflateInit2(&s, 9, Z_DEFLATED, 15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	if (dict && deflateSetDictionary(&s, proto_zdict(), (uInt)proto_zdict_len()) != Z_OK)
		goto out;
	s.next_in = (Bytef *)p;
	s.avail_in = (uInt)n;
	do {
		s.next_out = chunk;
		s.avail_out = sizeof(chunk);
		zr = deflate(&s, Z_FINISH);
		if (zr == Z_STREAM_ERROR)
			goto out;
		if (proto_buf_append(out, chunk, sizeof(chunk) - s.avail_out) != PROTO_OK)
			goto out;
	} while (zr != Z_STREAM_END);
	rc = 0;
out:
	deflateEnd(&s);
	return rc;
}

int hs_seal_raw(hs_env *e, uint64_t seq, const uint8_t prev[32], uint32_t nrecords, uint32_t nchanges,
		const uint8_t *body, size_t blen, uint32_t body_len, const uint8_t *zbody, size_t zlen,
		proto_buf *out)
{
	/* created: now on a whole second, the unit the raw bodies use */
	uint64_t created = proto_hlc_make(proto_wall_ms() / 1000 * 1000, 0);
	uint8_t sig[PROTO_SIG_LEN];
	proto_buf z;
	size_t clen = strlen(HS_CAMPAIGN);
	int rc = -1;

	proto_buf_init(&z, 1u << 26);
	if (!zbody) {
		if (hs_deflate(body, blen, 1, &z))
			goto out;
		zbody = z.data;
		zlen = z.len;
	}
	proto_buf_reset(out);
	if (proto_buf_append(out, "MAIM", 4) || proto_buf_append_byte(out, 1) ||
	    proto_buf_append_byte(out, 0) || proto_buf_append_byte(out, (uint8_t)clen) ||
	    proto_buf_append(out, HS_CAMPAIGN, clen) || proto_buf_put_be64(out, e->atk.id) ||
	    proto_buf_put_be64(out, seq) || proto_buf_append(out, prev, 32) ||
	    proto_buf_put_be64(out, created) || proto_buf_put_be32(out, nrecords) ||
	    proto_buf_put_be32(out, nchanges) ||
	    proto_buf_put_be32(out, body_len ? body_len : (uint32_t)blen) ||
	    proto_buf_put_be32(out, (uint32_t)zlen) || proto_buf_append(out, zbody, zlen))
		goto out;
	if (proto_sign(e->atk.key, out->data, out->len, sig) != PROTO_OK ||
	    proto_buf_put_be64(out, e->atk.id) || proto_buf_append(out, sig, sizeof(sig)))
		goto out;
	rc = 0;
out:
	proto_buf_release(&z);
	return rc;
}

/* --- a family's world --- */

int hs_env_up(hs_env *e, const char *serve)
{
	char path[320];
	proto_buf b;
	hs_answer a;
	int rc = -1;

	memset(e, 0, sizeof(*e));
	memset(&a, 0, sizeof(a));
	proto_buf_init(&e->sealed, 1u << 26);
	proto_buf_init(&b, 1u << 24);
	if (ht_hub_init(&e->hub) || ht_hub_start(&e->hub, serve))
		goto out;
	snprintf(path, sizeof(path), "%s/hub/hub.key", e->hub.dir);
	if (proto_key_load_private(path, &e->hubkey) != PROTO_OK)
		goto out;
	if (hs_enrol(e, &e->atk, "--commune", HS_COMMUNE) ||
	    hs_enrol(e, &e->same, "--commune", HS_COMMUNE) ||
	    hs_enrol(e, &e->other, "--commune", HS_OTHER_COMMUNE))
		goto out;
	/* some honest data for the attacker to aim at */
	if (ht_households(&e->same, NULL, HS_COMMUNE, 2, &b, 0) || hs_push_as(e, &e->same, &b, &a) ||
	    a.status != 200)
		goto out;
	proto_buf_reset(&b);
	if (ht_households(&e->other, NULL, HS_OTHER_COMMUNE, 2, &b, 0) ||
	    hs_push_as(e, &e->other, &b, &a) || a.status != 200)
		goto out;
	proto_buf_reset(&b);
	if (ht_households(&e->atk, NULL, HS_COMMUNE, 2, &b, 0) || hs_push_as(e, &e->atk, &b, &a) ||
	    a.status != 200)
		goto out;
	/* the attacker's milestone (serial 3) on its household 1: a void target */
	{
		proto_changeset cs;
		if (hs_cs_begin(e, &cs) ||
		    hs_add_milestone(e, &cs, (proto_id){ e->atk.id, hs_serial(e) },
				     (proto_id){ e->atk.id, 1 }, "surveyed", HS_DATE)) {
			proto_changeset_release(&cs);
			goto out;
		}
		if (hs_cs_seal(e, &cs) || hs_push(e, &a) || a.status != 200)
			goto out;
	}
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "hostile: cannot set up the family's hub (%s): %ld %s\n", e->hub.dir,
			a.status, a.body);
	proto_buf_release(&b);
	return rc;
}

void hs_env_down(hs_env *e)
{
	if (e->hub.pid > 0)
		ht_hub_stop(&e->hub, SIGTERM);
	ht_agent_free(&e->atk);
	ht_agent_free(&e->same);
	ht_agent_free(&e->other);
	proto_key_free(e->hubkey);
	e->hubkey = NULL;
	proto_buf_release(&e->sealed);
	if (e->hub.dir[0] && !getenv("MAIAM_HOSTILE_KEEP"))
		ht_hub_remove(&e->hub);
}
