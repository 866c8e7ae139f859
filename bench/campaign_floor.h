/*
 * campaign_floor.h - two parts of bench_campaign's floor, each timed on its
 * own, as the hub's side of them costs: full TLS handshakes with a client
 * certificate (the hub's own server certificate and key, the client's
 * checked against the hub's CA, as hub/tls.c sets its context), and Ed25519
 * verifications. The third part, raw inserts of the night's rows, lives in
 * bench_campaign.c beside the rows. Header-only: each bench is one program.
 */
#ifndef MAIAM_BENCH_CAMPAIGN_FLOOR_H
#define MAIAM_BENCH_CAMPAIGN_FLOOR_H

#include <pthread.h>
#include "bench_tls.h"
#include "campaign_cpu.h"

typedef struct cfloor_tls {
	SSL_CTX *client;    /* the load generator's context (the hub's CA) */
	const btls_id *ids; /* laptop identities, ids_stride bytes apart */
	size_t nids, ids_stride;
	size_t n; /* handshakes */
	int port;
	size_t failed;
} cfloor_tls;

/* The laptops' side: n handshakes in a row, each waiting for the server's
 * one byte so the server's work is whole before the connection closes. */
static void *cfloor_client(void *arg)
{
	cfloor_tls *t = arg;

	for (size_t i = 0; i < t->n; i++) {
		const btls_id *id = (const btls_id *)((const char *)t->ids + i % t->nids * t->ids_stride);
		btls_conn c;
		char byte;

		if (btls_connect(&c, t->client, id, t->port) || SSL_read(c.ssl, &byte, 1) != 1)
			t->failed++;
		btls_close(&c);
	}
	return NULL;
}

/*
 * Server CPU seconds (this thread's) of n full handshakes with client
 * certificates, as the nids laptop identities 'stride' bytes apart from ids
 * (in turn, again from the first when n > nids).
 * hubdir holds server.pem, server.key and ca.pem. -1 when it cannot run.
 */
static inline double cfloor_tls_s(const char *hubdir, SSL_CTX *client, const btls_id *ids, size_t nids,
				  size_t stride, size_t n, size_t *failed)
{
	char path[600], ca[600];
	struct sockaddr_in sa;
	socklen_t salen = sizeof sa;
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	cfloor_tls t = { client, ids, nids, stride, n, 0, 0 };
	pthread_t th;
	double cpu = 0;
	int lfd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	*failed = n;
	snprintf(ca, sizeof ca, "%s/ca.pem", hubdir);
	if (!ctx || lfd < 0)
		goto out;
	/* as hub/tls.c: TLS 1.2+, no tickets, the client's certificate required */
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
					 SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
	snprintf(path, sizeof path, "%s/server.pem", hubdir);
	if (SSL_CTX_use_certificate_chain_file(ctx, path) != 1)
		goto out;
	snprintf(path, sizeof path, "%s/server.key", hubdir);
	if (SSL_CTX_use_PrivateKey_file(ctx, path, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1)
		goto out;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_verify_depth(ctx, 2);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) || listen(lfd, 64) ||
	    getsockname(lfd, (struct sockaddr *)&sa, &salen))
		goto out;
	t.port = ntohs(sa.sin_port);
	if (pthread_create(&th, NULL, cfloor_client, &t))
		goto out;
	*failed = 0;
	for (size_t i = 0; i < n; i++) {
		int fd = accept(lfd, NULL, NULL);
		SSL *ssl;
		double t0;

		if (fd < 0) {
			(*failed)++;
			continue;
		}
		t0 = ccpu_thread_s();
		ssl = SSL_new(ctx);
		if (!ssl || SSL_set_fd(ssl, fd) != 1 || SSL_accept(ssl) != 1 || SSL_write(ssl, "x", 1) != 1)
			(*failed)++;
		SSL_free(ssl);
		cpu += ccpu_thread_s() - t0;
		close(fd);
	}
	pthread_join(th, NULL);
	*failed += t.failed;
out:
	if (lfd >= 0)
		close(lfd);
	SSL_CTX_free(ctx);
	return *failed == n ? -1 : cpu;
}

#endif
