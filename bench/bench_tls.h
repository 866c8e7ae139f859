/*
 * bench_tls.h - the load generator's HTTPS client: HTTP/1.1 keep-alive over
 * OpenSSL, one connection per simulated laptop, each with the laptop's own
 * client certificate, the hub's CA pinned and the host name checked.
 *
 * Why not libcurl, which the real agent uses: libcurl 7.88 makes a new
 * SSL_CTX for every connection and parses the CA, certificate and key files
 * again; under OpenSSL 3 that was most of the load generator's CPU
 * (docs/BENCHMARKS.md), on the same two cores as the hub under test. A real
 * laptop spends that on its own processor. Here one SSL_CTX holds the CA
 * and every laptop's certificate and key are parsed before the window, so
 * what is left is what the hub sees: a full TLS handshake with a client
 * certificate per laptop, then requests. Header-only: each bench is one
 * program.
 */
#ifndef MAIAM_BENCH_TLS_H
#define MAIAM_BENCH_TLS_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/* A laptop's identity, parsed before the window. */
typedef struct btls_id {
	X509 *cert;
	EVP_PKEY *key;
} btls_id;

typedef struct btls_conn {
	int fd;
	SSL *ssl;
	char in[16384]; /* bytes read past the previous answer */
	size_t have;
} btls_conn;

/* One answer: status, the first part of the body, the two pull headers. */
typedef struct btls_answer {
	int status;
	char body[512];
	size_t body_len; /* whole body, also when longer than body[] */
	char cursor[32]; /* Maiam-Cursor */
	int more;        /* Maiam-More: 1 */
	int close;       /* Connection: close */
} btls_answer;

/* The client context: TLS 1.2+, peer verified against the CA file. */
static inline SSL_CTX *btls_ctx(const char *ca_file)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (!ctx)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static inline int btls_id_load(btls_id *id, const char *cert_path, const char *key_path)
{
	FILE *f = fopen(cert_path, "r");

	memset(id, 0, sizeof *id);
	if (f) {
		id->cert = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	f = fopen(key_path, "r");
	if (f) {
		id->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	return id->cert && id->key ? 0 : -1;
}

static inline void btls_id_free(btls_id *id)
{
	X509_free(id->cert);
	EVP_PKEY_free(id->key);
	memset(id, 0, sizeof *id);
}

static inline void btls_close(btls_conn *c)
{
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	if (c->fd >= 0)
		close(c->fd);
	c->ssl = NULL;
	c->fd = -1;
	c->have = 0;
}

/* TCP to 127.0.0.1:port, then the handshake as 'id', checking "localhost". */
static inline int btls_connect(btls_conn *c, SSL_CTX *ctx, const btls_id *id, int port)
{
	struct sockaddr_in sa;
	struct timeval tv = { 60, 0 };
	int one = 1;

	memset(c, 0, sizeof *c);
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		goto fail;
	c->ssl = SSL_new(ctx);
	if (!c->ssl || SSL_use_certificate(c->ssl, id->cert) != 1 ||
	    SSL_use_PrivateKey(c->ssl, id->key) != 1 || SSL_set1_host(c->ssl, "localhost") != 1 ||
	    SSL_set_tlsext_host_name(c->ssl, "localhost") != 1 || SSL_set_fd(c->ssl, c->fd) != 1 ||
	    SSL_connect(c->ssl) != 1)
		goto fail;
	return 0;
fail:
	btls_close(c);
	return -1;
}

static inline int btls_write_all(btls_conn *c, const void *p, size_t n)
{
	while (n > 0) {
		int k = SSL_write(c->ssl, p, n > 1 << 30 ? 1 << 30 : (int)n);
		if (k <= 0)
			return -1;
		p = (const char *)p + k;
		n -= (size_t)k;
	}
	return 0;
}

/* Where the blank line after the headers starts in c->in, or NULL. */
static inline char *btls_headers_end(btls_conn *c)
{
	for (size_t i = 0; i + 4 <= c->have; i++)
		if (memcmp(c->in + i, "\r\n\r\n", 4) == 0)
			return c->in + i;
	return NULL;
}

/* More bytes into c->in; -1 on error or end of stream. */
static inline int btls_fill(btls_conn *c)
{
	int k;

	if (c->have == sizeof c->in)
		return -1; /* headers longer than we accept */
	k = SSL_read(c->ssl, c->in + c->have, (int)(sizeof c->in - c->have));
	if (k <= 0)
		return -1;
	c->have += (size_t)k;
	return 0;
}

/* The value of header 'name' in the header block h (NUL-terminated), or NULL. */
static inline const char *btls_header(const char *h, const char *name, size_t *len)
{
	size_t n = strlen(name);

	for (const char *p = strstr(h, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
		const char *v = p + 2;
		if (strncasecmp(v, name, n) == 0 && v[n] == ':') {
			v += n + 1;
			while (*v == ' ')
				v++;
			*len = strcspn(v, "\r\n");
			return v;
		}
	}
	return NULL;
}

/*
 * One request on the connection; the answer's body must carry a
 * Content-Length (the hub's always does). 0, or -1 when the connection
 * failed (the caller may reconnect and send again: pushes are idempotent).
 */
static inline int btls_request(btls_conn *c, const char *method, const char *path, const void *body,
			       size_t len, btls_answer *a)
{
	char head[512], *end;
	const char *v;
	size_t hlen, vlen, clen = 0, got;
	int n;

	memset(a, 0, sizeof *a);
	n = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: localhost\r\n%s%zu\r\n\r\n", method, path,
		     body ? "Content-Type: application/octet-stream\r\nContent-Length: "
			  : "Content-Length: ",
		     body ? len : (size_t)0);
	if (n < 0 || (size_t)n >= sizeof head || btls_write_all(c, head, (size_t)n) ||
	    (body && len && btls_write_all(c, body, len)))
		return -1;
	for (;;) {
		end = btls_headers_end(c);
		if (end)
			break;
		if (btls_fill(c))
			return -1;
	}
	hlen = (size_t)(end - c->in) + 4;
	end[2] = '\0'; /* the block ends with its last header's CRLF */
	if (sscanf(c->in, "HTTP/1.%*d %d", &a->status) != 1)
		return -1;
	if ((v = btls_header(c->in, "Content-Length", &vlen)) != NULL)
		clen = strtoul(v, NULL, 10);
	if ((v = btls_header(c->in, "Maiam-Cursor", &vlen)) != NULL && vlen < sizeof a->cursor)
		memcpy(a->cursor, v, vlen);
	if ((v = btls_header(c->in, "Maiam-More", &vlen)) != NULL)
		a->more = *v == '1';
	if ((v = btls_header(c->in, "Connection", &vlen)) != NULL)
		a->close = strncasecmp(v, "close", 5) == 0;
	/* the body: what is buffered after the headers, then the rest */
	memmove(c->in, c->in + hlen, c->have - hlen);
	c->have -= hlen;
	a->body_len = clen;
	for (got = 0; got < clen;) {
		size_t take;
		if (c->have == 0 && btls_fill(c))
			return -1;
		take = c->have < clen - got ? c->have : clen - got;
		if (got < sizeof a->body - 1) {
			size_t keep = take < sizeof a->body - 1 - got ? take : sizeof a->body - 1 - got;
			memcpy(a->body + got, c->in, keep);
		}
		memmove(c->in, c->in + take, c->have - take);
		c->have -= take;
		got += take;
	}
	a->body[clen < sizeof a->body - 1 ? clen : sizeof a->body - 1] = '\0';
	if (a->close)
		btls_close(c);
	return 0;
}

#endif
