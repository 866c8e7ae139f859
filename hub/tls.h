/*
 * tls.h - the hub's certificates (its CA, server and agents') and the
 * server's TLS context.
 */
#ifndef HUB_TLS_H
#define HUB_TLS_H

#include <stddef.h>
#include <stdint.h>
#include "maiam/proto.h"
#include "result.h"

struct hub_idset;

/* Make ca.pem/ca.key and server.pem/server.key in dir unless server.pem exists. */
hub_result hub_tls_init(const char *dir, const char *const *hosts, size_t nhosts, char *err,
			size_t errlen);
/* A client certificate for an agent's Ed25519 key, signed by the hub CA (PEM, free()). */
hub_result hub_tls_issue_client(const char *dir, const uint8_t pub[PROTO_PUBKEY_LEN], char **pem,
				char *err, size_t errlen);
struct ssl_ctx_st;
/* The server context: TLS 1.2+, modern ciphers, optional client certificates. */
struct ssl_ctx_st *hub_tls_server_ctx(const char *dir, char *err, size_t errlen);

/* tls.c: the verify callback refuses a client certificate whose key is in
 * *set (borrowed: it must outlive ctx or be unset with NULL). */
void hub_tls_set_revoked(struct ssl_ctx_st *ctx, const struct hub_idset *set);

#endif
