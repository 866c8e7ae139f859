/*
 * net.c - HTTPS to the hub with libcurl. The hub's CA is pinned (CAINFO),
 * peer and host checks stay on, the client certificate proves the laptop's
 * key over TLS (the key file is read by OpenSSL, never sent). Network errors
 * and 5xx are retried with exponential backoff and full jitter, because fifty
 * laptops that lost the same 3G cell must not come back in lockstep.
 */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include <openssl/ssl.h>
#include "maiam/changeset.h"
#include "net.h"
#include "utf8.h"

/* PROTO_FORMAT_VERSION as text, for the Maiam-Reads header */
#define STR_(x) #x
#define STR(x) STR_(x)
#define PROTO_FORMAT_VERSION_TEXT STR(PROTO_FORMAT_VERSION)

#ifndef MAIAM_VERSION
#define MAIAM_VERSION "dev"
#endif

#define CONNECT_TIMEOUT_S 15L
/* A transfer slower than LOW_SPEED bytes/s for LOW_TIME s is dead: retry. */
#define LOW_SPEED 64L
#define LOW_TIME_S 30L
/* Whole request, generous: 16 MiB over a poor 3G link. */
#define TOTAL_TIMEOUT_S 900L
#define BACKOFF_MAX_MS 8000L

/* The laptop's TLS records carry at most this many bytes. The hub can keep
 * only whole records of a photo range cut short (it cannot open a part of
 * one), so the smaller they are the less a cut throws away: about half a
 * record per cut, against about 22 bytes of framing per record (0.5 %).
 * 2 KiB saved a little more at a cut every 50 kB and cost more without
 * cuts (bench_photos, docs/BENCHMARKS.md). */
#define AGENT_TLS_FRAGMENT 4096

static uint64_t jitter_state;

static uint64_t next_random(void)
{
	/* xorshift64: jitter needs spread, not secrecy */
	jitter_state ^= jitter_state << 13;
	jitter_state ^= jitter_state >> 7;
	jitter_state ^= jitter_state << 17;
	return jitter_state;
}

static long env_long(const char *name, long lo, long hi, long def)
{
	const char *s = getenv(name);
	int64_t v;

	if (!s || !*s || cli_parse_int(s, lo, hi, &v) != 0)
		return def;
	return (long)v;
}

int agent_net_base(const char *url, char *base, size_t n)
{
	size_t len, hostlen;
	const char *host;

	if (!url || strncasecmp(url, "https://", 8) != 0)
		return -1;
	host = url + 8;
	hostlen = strcspn(host, "/");
	if (hostlen == 0)
		return -1;
	/* no credentials, query, fragment, spaces or control bytes in a stored URL */
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '@' || *p == '?' || *p == '#' ||
		    *p == '\\')
			return -1;
	len = strlen(url);
	while (len > 8 + hostlen && url[len - 1] == '/')
		len--;
	if (len + 1 > n)
		return -1;
	memcpy(base, "https://", 8);
	memcpy(base + 8, url + 8, len - 8);
	base[len] = '\0';
	return 0;
}

proto_result agent_net_open(agent_net *n, const char *base, const char *ca, const char *cert,
			    const char *key)
{
	static int global_done;

	memset(n, 0, sizeof *n);
	if (agent_net_base(base, n->base, sizeof n->base) != 0)
		return PROTO_EINVAL;
	if (snprintf(n->ca, sizeof n->ca, "%s", ca) >= (int)sizeof n->ca ||
	    snprintf(n->cert, sizeof n->cert, "%s", cert ? cert : "") >= (int)sizeof n->cert ||
	    snprintf(n->key, sizeof n->key, "%s", key ? key : "") >= (int)sizeof n->key)
		return PROTO_ETOOBIG;
	if (!global_done) {
		/* fails only when memory or the TLS library cannot be set up */
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return PROTO_ECRYPTO;
		global_done = 1;
	}
	n->curl = curl_easy_init();
	n->share = curl_share_init();
	/* the photo uploads' handles take the connection the records used, and
	 * resume its TLS session after a cut (a short handshake) */
	if (!n->curl || !n->share ||
	    curl_share_setopt(n->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) != CURLSHE_OK ||
	    curl_share_setopt(n->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
		agent_net_close(n);
		return PROTO_ENOMEM;
	}
	n->tries = (int)env_long("MAIAM_NET_TRIES", 1, 20, 4);
	n->backoff_ms = env_long("MAIAM_NET_BACKOFF_MS", 0, 60000, 500);
	jitter_state = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid() ^ 1u;
	return PROTO_OK;
}

void agent_net_close(agent_net *n)
{
	if (n->curl)
		curl_easy_cleanup(n->curl);
	n->curl = NULL;
	/* after every handle that used it: the shared connections close here */
	if (n->share)
		curl_share_cleanup(n->share);
	n->share = NULL;
}

void agent_http_init(agent_http *h)
{
	memset(h, 0, sizeof *h);
	proto_buf_init(&h->body, AGENT_MAX_ANSWER);
	h->cursor = -1;
	h->acked = -1;
}

void agent_http_release(agent_http *h)
{
	proto_buf_release(&h->body);
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	agent_http *h = arg;
	size_t len = size * nmemb;

	/* returning less than len aborts the transfer: an answer over the cap */
	return proto_buf_append(&h->body, p, len) == PROTO_OK ? len : 0;
}

/*
 * A Maiam- header of the final answer as a number: -1 when it is absent, not
 * a whole number in [0, INT64_MAX], or there more than once (a hostile or
 * broken hub does not get to pick which one we believe). libcurl has parsed
 * and bounded the header block; we only read it (curl_easy_header).
 */
static int64_t answer_number(CURL *c, const char *name)
{
	struct curl_header *hdr = NULL;
	int64_t v;

	if (curl_easy_header(c, name, 0, CURLH_HEADER, -1, &hdr) != CURLHE_OK || !hdr)
		return -1;
	if (hdr->amount != 1)
		return -1;
	return cli_parse_int(hdr->value, 0, INT64_MAX, &v) == 0 ? v : -1;
}

/* Maiam-Epoch into out (17 bytes): 16 lowercase hex digits, once; ""
 * otherwise (an older hub says none; anything else is not believed). */
static void answer_epoch(CURL *c, char *out)
{
	struct curl_header *hdr = NULL;
	size_t i;

	out[0] = '\0';
	if (curl_easy_header(c, "Maiam-Epoch", 0, CURLH_HEADER, -1, &hdr) != CURLHE_OK || !hdr ||
	    hdr->amount != 1 || strlen(hdr->value) != 16)
		return;
	for (i = 0; i < 16; i++)
		if (!((hdr->value[i] >= '0' && hdr->value[i] <= '9') ||
		      (hdr->value[i] >= 'a' && hdr->value[i] <= 'f')))
			return;
	memcpy(out, hdr->value, 17);
}

/* The paging headers of a pull answer (docs/PROTOCOL.md) into h. */
static void read_answer_headers(CURL *c, agent_http *h)
{
	h->cursor = answer_number(c, "Maiam-Cursor");
	h->more = answer_number(c, "Maiam-More") == 1;
	h->offset = answer_number(c, "Maiam-Offset");
	h->acked = answer_number(c, "Maiam-Acked");
	answer_epoch(c, h->epoch);
}

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	agent_net *n = arg;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	if (n->tick)
		n->tick(n->tick_arg);
	return 0;
}

/* libcurl made the TLS context of a new connection (libcurl's TLS is
 * OpenSSL's: see CMakeLists.txt): our records' size on it. */
static CURLcode on_ssl_ctx(CURL *curl, void *ssl_ctx, void *arg)
{
	(void)curl, (void)arg;
	return SSL_CTX_set_max_send_fragment((SSL_CTX *)ssl_ctx, AGENT_TLS_FRAGMENT) == 1
		       ? CURLE_OK
		       : CURLE_FAILED_INIT;
}

/* Every request's numeric settings, in one place to audit: certificates
 * always checked, TLS 1.2 at least, no redirects, bounded in time. */
static const struct {
	CURLoption option;
	long value;
} fixed_options[] = {
	{ CURLOPT_SSL_VERIFYPEER, 1L },
	{ CURLOPT_SSL_VERIFYHOST, 2L },
	{ CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2 },
	{ CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S },
	{ CURLOPT_TIMEOUT, TOTAL_TIMEOUT_S },
	{ CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED },
	{ CURLOPT_LOW_SPEED_TIME, LOW_TIME_S },
	{ CURLOPT_NOSIGNAL, 1L },
	{ CURLOPT_FOLLOWLOCATION, 0L },
	{ CURLOPT_NOPROGRESS, 0L }, /* on_progress ticks */
};

static void set_options(agent_net *n, CURL *c, const char *url, struct curl_slist *headers, agent_http *out)
{
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_SHARE, n->share);
	for (size_t i = 0; i < sizeof fixed_options / sizeof fixed_options[0]; i++)
		curl_easy_setopt(c, fixed_options[i].option, fixed_options[i].value);
	curl_easy_setopt(c, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
	/* the pinned CA only; never the system store */
	curl_easy_setopt(c, CURLOPT_CAINFO, n->ca);
	curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
	if (n->cert[0]) {
		curl_easy_setopt(c, CURLOPT_SSLCERT, n->cert);
		curl_easy_setopt(c, CURLOPT_SSLKEY, n->key);
	}
	curl_easy_setopt(c, CURLOPT_USERAGENT, "maiam-agent/" MAIAM_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, out->error);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, n);
	/* Proxies: libcurl reads https_proxy/no_proxy itself; we leave that on. */
}

/* What kind of failure a curl code is: retry it, or report it as it is. */
static int classify(CURLcode cc)
{
	switch (cc) {
	case CURLE_PEER_FAILED_VERIFICATION:
#if LIBCURL_VERSION_NUM < 0x073e00
	case CURLE_SSL_CACERT:
#endif
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return AGENT_NET_TLS;
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_OUT_OF_MEMORY:
	case CURLE_WRITE_ERROR:
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_FAILED_INIT:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_CIPHER:
		return AGENT_NET_LOCAL;
	default:
		return AGENT_NET_DOWN;
	}
}

long agent_net_backoff_ms(agent_net *n, int attempt)
{
	long cap = n->backoff_ms;

	for (int i = 2; i < attempt && cap < BACKOFF_MAX_MS; i++)
		cap *= 2;
	if (cap > BACKOFF_MAX_MS)
		cap = BACKOFF_MAX_MS;
	/* full jitter, but never less than half the step */
	return cap / 2 + (cap > 0 ? (long)(next_random() % (uint64_t)(cap / 2 + 1)) : 0);
}

/* Sleep the backoff before attempt 'attempt' (2, 3...) in short slices, ticking. */
static void backoff(agent_net *n, int attempt)
{
	long ms = agent_net_backoff_ms(n, attempt);
	struct timespec ts;

	while (ms > 0) {
		long slice = ms > 100 ? 100 : ms;

		ts.tv_sec = 0;
		ts.tv_nsec = slice * 1000000L;
		nanosleep(&ts, NULL);
		ms -= slice;
		if (n->tick)
			n->tick(n->tick_arg);
	}
}

/* The request's headers: no "Expect: 100-continue" round trip before a
 * change-set; the highest change-set format version this laptop reads, so
 * that the hub sends no record kind it cannot (proto/FORMAT.md); the epoch
 * of the pull cursor, so that a restored hub answers from where its ledger
 * and the one the laptop read agree (docs/SYNC.md); the body's type and
 * range. NULL when out of memory. */
static struct curl_slist *request_headers(const agent_net *net, const char *ctype,
					  const char *content_range)
{
	const char *lines[5] = { "Expect:", "Maiam-Reads: " PROTO_FORMAT_VERSION_TEXT };
	struct curl_slist *headers = NULL, *more;
	char ct[96], range[96], epoch[48];
	size_t n = 2;

	if (net->epoch[0]) {
		snprintf(epoch, sizeof epoch, "Maiam-Epoch: %.16s", net->epoch);
		lines[n++] = epoch;
	}

	if (ctype) {
		snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
		lines[n++] = ct;
	}
	if (content_range) {
		snprintf(range, sizeof range, "Content-Range: %s", content_range);
		lines[n++] = range;
	}
	for (size_t i = 0; i < n; i++) {
		more = curl_slist_append(headers, lines[i]);
		if (!more) {
			curl_slist_free_all(headers);
			return NULL;
		}
		headers = more;
	}
	return headers;
}

int agent_req_init(agent_req *rq, const agent_net *n, const char *method, const char *path,
		   const char *ctype, const char *content_range, const uint8_t *body, size_t len,
		   agent_http *out)
{
	assert(path[0] == '/' && (body || len == 0));
	memset(rq, 0, sizeof *rq);
	rq->method = method;
	rq->body = body;
	rq->len = len;
	rq->send_once = content_range != NULL;
	if (snprintf(rq->url, sizeof rq->url, "%s%s", n->base, path) >= (int)sizeof rq->url) {
		snprintf(out->error, sizeof out->error, "request URL too long");
		return AGENT_NET_LOCAL;
	}
	rq->headers = request_headers(n, ctype, content_range);
	if (!rq->headers) {
		snprintf(out->error, sizeof out->error, "out of memory");
		return AGENT_NET_LOCAL;
	}
	return AGENT_NET_ANSWER;
}

void agent_req_release(agent_req *rq)
{
	curl_slist_free_all(rq->headers);
	rq->headers = NULL;
}

/* libcurl asks for the next bytes of a send_once body. */
static size_t read_once(char *buf, size_t size, size_t nitems, void *arg)
{
	agent_req *rq = arg;
	size_t n = size * nitems, left = rq->len - rq->sent;

	if (n > left)
		n = left;
	memcpy(buf, rq->body + rq->sent, n);
	rq->sent += n;
	return n;
}

/* libcurl wants a send_once body from its start again: only before a byte
 * of it went. Refused after, so that a cut try ends with
 * CURLE_SEND_FAIL_REWIND instead of sending the range again from its start
 * on a fresh connection (the retry libcurl makes when a reused connection
 * dies before any answer). */
static int seek_once(void *arg, curl_off_t offset, int origin)
{
	agent_req *rq = arg;

	return origin == SEEK_SET && offset == 0 && rq->sent == 0 ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
}

/* libcurl opens a socket for a send_once body: refused once a byte of the
 * body went on this try. After a cut libcurl connects again to send the
 * body again from its start (and only then finds it cannot rewind it): a
 * TLS handshake for nothing. */
static int sockopt_once(void *arg, curl_socket_t fd, curlsocktype purpose)
{
	const agent_req *rq = arg;

	(void)fd, (void)purpose;
	return rq->sent == 0 ? CURL_SOCKOPT_OK : CURL_SOCKOPT_ERROR;
}

void agent_req_arm(agent_net *n, void *curl, agent_req *rq, agent_http *out)
{
	proto_buf_reset(&out->body);
	out->status = 0;
	out->cursor = -1;
	out->more = 0;
	out->offset = -1;
	out->acked = -1;
	out->epoch[0] = '\0';
	out->error[0] = '\0';
	set_options(n, curl, rq->url, rq->headers, out);
	if (strcmp(rq->method, "HEAD") == 0) {
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	} else if (strcmp(rq->method, "POST") == 0 || strcmp(rq->method, "PUT") == 0) {
		curl_easy_setopt(curl, CURLOPT_POST, 1L);
		if (rq->method[1] == 'U')
			curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
		if (rq->send_once) {
			rq->sent = 0;
			curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_once);
			curl_easy_setopt(curl, CURLOPT_READDATA, rq);
			curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, seek_once);
			curl_easy_setopt(curl, CURLOPT_SEEKDATA, rq);
			curl_easy_setopt(curl, CURLOPT_SOCKOPTFUNCTION, sockopt_once);
			curl_easy_setopt(curl, CURLOPT_SOCKOPTDATA, rq);
		} else {
			curl_easy_setopt(curl, CURLOPT_POSTFIELDS, rq->body ? (const char *)rq->body : "");
		}
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->len);
	}
}

int agent_req_done(void *curl, int cc, agent_http *out)
{
	if (cc == CURLE_OK) {
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
		read_answer_headers(curl, out);
		if (out->status >= 500)
			snprintf(out->error, sizeof out->error, "HTTP %ld", out->status);
		return AGENT_NET_ANSWER;
	}
	if (cc == CURLE_WRITE_ERROR)
		snprintf(out->error, sizeof out->error, "the hub's answer is larger than %u bytes",
			 AGENT_MAX_ANSWER);
	else if (cc == CURLE_SEND_FAIL_REWIND || cc == CURLE_ABORTED_BY_CALLBACK) /* *_once */
		snprintf(out->error, sizeof out->error, "the connection was cut during the upload");
	else if (!out->error[0])
		snprintf(out->error, sizeof out->error, "%s", curl_easy_strerror((CURLcode)cc));
	return classify((CURLcode)cc);
}

int agent_net_request(agent_net *n, const char *method, const char *path, const char *ctype,
		      const uint8_t *body, size_t len, agent_http *out)
{
	agent_req rq;
	int rc;

	assert(n->curl);
	rc = agent_req_init(&rq, n, method, path, ctype, NULL, body, len, out);
	for (int attempt = 1; rc == AGENT_NET_ANSWER; attempt++) {
		agent_req_arm(n, n->curl, &rq, out);
		rc = agent_req_done(n->curl, curl_easy_perform(n->curl), out);
		/* a 5xx is final only after the last try */
		if ((rc == AGENT_NET_ANSWER && out->status < 500) ||
		    (rc != AGENT_NET_ANSWER && rc != AGENT_NET_DOWN) || attempt >= n->tries)
			break;
		backoff(n, attempt + 1);
		rc = AGENT_NET_ANSWER;
	}
	agent_req_release(&rq);
	return rc;
}

void agent_http_message(const agent_http *h, char *out, size_t n)
{
	const char *json = (const char *)h->body.data;

	if (json && agent_json_get_str(json, h->body.len, "message", out, n) == 1 && *out) {
		/* one line, and no terminal control (ESC, CSI U+009B...): the hub's
		 * text is shown as it is, but not trusted */
		agent_utf8_printable(out);
		return;
	}
	snprintf(out, n, _("the hub answered HTTP %ld without an explanation"), h->status);
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

int agent_pem_single(const char *pem, const char *label)
{
	char begin[64], end[64];
	const char *p = skip_space(pem), *e;
	size_t bl, el;

	snprintf(begin, sizeof begin, "-----BEGIN %s-----", label);
	snprintf(end, sizeof end, "-----END %s-----", label);
	bl = strlen(begin);
	el = strlen(end);
	if (strncmp(p, begin, bl) != 0)
		return 0;
	e = strstr(p + bl, end);
	/* no second block, of any label, inside or after this one */
	if (!e || strstr(p + bl, "-----BEGIN") != NULL)
		return 0;
	if (strstr(e + el, "-----") != NULL)
		return 0;
	return *skip_space(e + el) == '\0';
}
