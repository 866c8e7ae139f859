/*
 * origin.c - is a POST from one of our own pages (web.h)? The server's
 * origin, Origin and Referer are parsed with libcurl's URL API, so the
 * scheme, host and port compared are the ones a URL parser sees, not a
 * prefix of a string: "http://host:80.evil.example/" has no valid port and
 * "http://host:80@evil/" names the host evil.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>
#include "maiam/web.h"

typedef struct origin {
	char *scheme, *host, *port;
} origin;

static void origin_release(origin *o)
{
	curl_free(o->scheme);
	curl_free(o->host);
	curl_free(o->port);
	memset(o, 0, sizeof(*o));
}

/* Scheme, host and port (the scheme's default when none is given) of url.
 * No user name; with bare set the URL must be an origin and nothing more:
 * no path, query or fragment either. 0 ok, -1 not a URL of an http(s) origin. */
static int origin_of(const char *url, int bare, origin *o)
{
	CURLU *u = curl_url();
	char *part = NULL;
	int rc = -1;

	memset(o, 0, sizeof(*o));
	if (!u || !url || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &o->scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &o->host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &o->port, CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto out;
	if (strcasecmp(o->scheme, "http") != 0 && strcasecmp(o->scheme, "https") != 0)
		goto out;
	/* a browser never sends a user name in Origin or Referer */
	if (curl_url_get(u, CURLUPART_USER, &part, 0) != CURLUE_NO_USER)
		goto out;
	if (bare) {
		/* a browser serialises an origin as scheme://host[:port], no '/' after */
		const char *rest = strstr(url, "://");
		if (!rest || strpbrk(rest + 3, "/?#"))
			goto out;
	}
	rc = 0;
out:
	curl_free(part);
	curl_url_cleanup(u);
	if (rc)
		origin_release(o);
	return rc;
}

static int origin_equal(const origin *a, const origin *b)
{
	return strcasecmp(a->scheme, b->scheme) == 0 && strcasecmp(a->host, b->host) == 0 &&
	       strcmp(a->port, b->port) == 0;
}

int web_same_origin(const char *scheme, const char *host, const char *origin_hdr, const char *referer)
{
	origin want, got;
	char url[300];
	size_t n;
	int same = 0;

	/* a Host header is "name[:port]" and nothing that would move the URL on */
	if (!scheme || !host || !host[0] || strpbrk(host, "/@?#\\ \t"))
		return 0;
	n = (size_t)snprintf(url, sizeof(url), "%s://%s", scheme, host);
	if (n >= sizeof(url) || origin_of(url, 1, &want))
		return 0;
	if (origin_hdr) {
		if (origin_of(origin_hdr, 1, &got) == 0) {
			same = origin_equal(&want, &got);
			origin_release(&got);
		}
	} else if (referer && origin_of(referer, 0, &got) == 0) {
		same = origin_equal(&want, &got);
		origin_release(&got);
	}
	origin_release(&want);
	return same;
}
