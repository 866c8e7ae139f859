/*
 * webtest.c - the web tests' HTTP client (webtest.h), on libcurl.
 */
#include <stdio.h>
#include <string.h>
#include <curl/curl.h>
#include "webtest.h"

size_t wt_sink_write(char *p, size_t size, size_t n, void *arg)
{
	wt_sink *k = arg;
	size_t len = size * n;

	if (k->len + len >= k->cap)
		len = k->cap - k->len - 1;
	memcpy(k->buf + k->len, p, len);
	k->len += len;
	k->buf[k->len] = '\0';
	return size * n;
}

/* Tells q->sent once the request has gone out: the test may then count
 * on the server having it (an event, not a guess at how long it takes). */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	int *sent = arg;

	(void)dltotal, (void)dlnow;
	if (ultotal > 0 && ulnow == ultotal)
		__atomic_store_n(sent, 1, __ATOMIC_SEQ_CST);
	return 0;
}

/* The last answer's header name into out ("" if it sent none). */
static void header(CURL *c, const char *name, char *out, size_t outlen)
{
	struct curl_header *h = NULL;

	out[0] = '\0';
	if (curl_easy_header(c, name, 0, CURLH_HEADER, -1, &h) == CURLHE_OK)
		snprintf(out, outlen, "%s", h->value);
}

/* "Name: value" appended to the list when value is set. */
static struct curl_slist *add_line(struct curl_slist *l, const char *name, const char *value)
{
	char line[512];

	if (!value)
		return l;
	snprintf(line, sizeof(line), "%s: %s", name, value);
	return curl_slist_append(l, line);
}

int wt_fetch(const char *url, const wt_req *q, wt_resp *r)
{
	static const wt_req plain;
	CURL *c = curl_easy_init();
	struct curl_slist *hdr = NULL;
	char hsts[128];
	CURLcode rc = CURLE_OUT_OF_MEMORY;
	wt_sink body = { r->body, 0, sizeof(r->body) };

	memset(r, 0, sizeof(*r));
	if (!q)
		q = &plain;
	if (!c)
		return rc;
	hdr = add_line(add_line(hdr, "Origin", q->origin), "Referer", q->referer);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, wt_sink_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, q->timeout_s > 0 ? q->timeout_s : 120L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	if (q->from)
		curl_easy_setopt(c, CURLOPT_INTERFACE, q->from);
	if (q->cookie)
		curl_easy_setopt(c, CURLOPT_COOKIE, q->cookie);
	if (q->post)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->post);
	if (q->method && strcmp(q->method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (q->method)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
	if (q->sent) {
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, q->sent);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	}
	if (q->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	rc = curl_easy_perform(c);
	r->len = body.len;
	if (rc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
		header(c, "Set-Cookie", r->cookie, sizeof(r->cookie));
		header(c, "Location", r->location, sizeof(r->location));
		header(c, "Retry-After", r->retry_after, sizeof(r->retry_after));
		header(c, "Content-Type", r->content_type, sizeof(r->content_type));
		header(c, "Cache-Control", r->cache_control, sizeof(r->cache_control));
		header(c, "Content-Security-Policy", r->csp, sizeof(r->csp));
		header(c, "X-Content-Type-Options", r->nosniff, sizeof(r->nosniff));
		header(c, "Strict-Transport-Security", hsts, sizeof(hsts));
		r->hsts = strncmp(hsts, "max-age=", 8) == 0;
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return (int)rc;
}
