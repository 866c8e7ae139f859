/*
 * tls.c - the hub's TLS material with OpenSSL 3: a small CA (P-256) that
 * signs the server certificate and, at enrolment, one client certificate per
 * laptop for the laptop's own Ed25519 key; and the server SSL_CTX (TLS 1.2
 * and 1.3 only, AEAD ciphers with forward secrecy, client certs optional at
 * the handshake and required by the push and pull routes, sessions resumed
 * from a cache in memory).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include "ctx.h"
#include "store.h"
#include "tls.h"
#include "i18n.h"

#define CA_DAYS 3650
#define LEAF_DAYS 825
/* TLS sessions kept for resumption: at most this many, each this long. */
#define HUB_TLS_SESSIONS 4096
#define HUB_TLS_SESSION_S 3600L
#define HUB_TLS_SESSION_CONTEXT "maiam-hub"

static int join(const char *dir, const char *name, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s", dir, name);
	return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

static int file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static EVP_PKEY *make_p256(void)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (!ext)
		return -1;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

/* A certificate skeleton: random serial, validity, subject CN, public key. */
static X509 *new_cert(const char *cn, EVP_PKEY *pub, int days)
{
	X509 *cert = X509_new();
	X509_NAME *name;
	ASN1_INTEGER *serial = NULL;
	BIGNUM *bn = NULL;

	if (!cert || !X509_set_version(cert, 2))
		goto fail;
	bn = BN_new();
	if (!bn || !BN_rand(bn, 120, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY))
		goto fail;
	serial = BN_to_ASN1_INTEGER(bn, NULL);
	if (!serial || !X509_set_serialNumber(cert, serial))
		goto fail;
	if (!X509_gmtime_adj(X509_getm_notBefore(cert), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(cert), (long)days * 86400))
		goto fail;
	name = X509_get_subject_name(cert);
	if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)"Mai Am hub",
					-1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0))
		goto fail;
	if (!X509_set_pubkey(cert, pub))
		goto fail;
	ASN1_INTEGER_free(serial);
	BN_free(bn);
	return cert;
fail:
	ASN1_INTEGER_free(serial);
	BN_free(bn);
	X509_free(cert);
	return NULL;
}

/* HUB_ECRYPTO when the PEM cannot be made, HUB_EIO (errno set) when the
 * file cannot be written. */
static hub_result write_pem(const char *path, mode_t mode, EVP_PKEY *key, X509 *cert, X509 *chain)
{
	BIO *mem = BIO_new(BIO_s_mem());
	char *data;
	long n;
	hub_result rc = HUB_ECRYPTO;

	if (!mem)
		return HUB_ECRYPTO;
	if (key && !PEM_write_bio_PrivateKey(mem, key, NULL, NULL, 0, NULL, NULL))
		goto out;
	if (cert && !PEM_write_bio_X509(mem, cert))
		goto out;
	if (chain && !PEM_write_bio_X509(mem, chain))
		goto out;
	n = BIO_get_mem_data(mem, &data);
	if (n <= 0)
		goto out;
	rc = proto_write_file_atomic(path, data, (size_t)n, mode) == PROTO_OK ? HUB_OK : HUB_EIO;
	OPENSSL_cleanse(data, (size_t)n);
out:
	BIO_free(mem);
	return rc;
}

static int add_san(X509 *cert, const char *const *hosts, size_t nhosts)
{
	char san[4096];
	size_t i, used;
	unsigned char tmp[16];
	int n;

	n = snprintf(san, sizeof(san), "DNS:localhost,IP:127.0.0.1");
	used = (size_t)n;
	for (i = 0; i < nhosts; i++) {
		int ip = inet_pton(AF_INET, hosts[i], tmp) == 1 || inet_pton(AF_INET6, hosts[i], tmp) == 1;
		const char *h = hosts[i];
		size_t k;
		if (!*h)
			return -1;
		for (k = 0; h[k]; k++) /* no list separators or spaces smuggled into the SAN */
			if (h[k] == ',' || h[k] == ' ' || (unsigned char)h[k] < 0x21)
				return -1;
		n = snprintf(san + used, sizeof(san) - used, ",%s:%s", ip ? "IP" : "DNS", h);
		if (n < 0 || (size_t)n >= sizeof(san) - used)
			return -1;
		used += (size_t)n;
	}
	return add_ext(cert, cert, NID_subject_alt_name, san);
}

hub_result hub_tls_init(const char *dir, const char *const *hosts, size_t nhosts, char *err, size_t errlen)
{
	char ca_path[PATH_MAX], ca_key_path[PATH_MAX], cert_path[PATH_MAX], key_path[PATH_MAX];
	const char *pem_path[] = { ca_key_path, key_path, ca_path, cert_path };
	EVP_PKEY *ca_key = NULL, *key = NULL;
	X509 *ca = NULL, *cert = NULL;
	hub_result rc = HUB_ECRYPTO;
	size_t i;

	if (join(dir, HUB_CA_FILE, ca_path, sizeof(ca_path)) ||
	    join(dir, HUB_CA_KEY_FILE, ca_key_path, sizeof(ca_key_path)) ||
	    join(dir, HUB_CERT_FILE, cert_path, sizeof(cert_path)) ||
	    join(dir, HUB_CERT_KEY_FILE, key_path, sizeof(key_path))) {
		snprintf(err, errlen, _("hub directory path '%s' is too long"), dir);
		return HUB_REFUSED;
	}
	if (file_exists(cert_path)) /* the operator brought a certificate, or init ran before */
		return HUB_OK;
	ca_key = make_p256();
	key = make_p256();
	if (!ca_key || !key)
		goto crypto;
	ca = new_cert("Mai Am hub CA", ca_key, CA_DAYS);
	if (!ca || !X509_set_issuer_name(ca, X509_get_subject_name(ca)) ||
	    add_ext(ca, ca, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
	    add_ext(ca, ca, NID_key_usage, "critical,keyCertSign,cRLSign") ||
	    add_ext(ca, ca, NID_subject_key_identifier, "hash") || !X509_sign(ca, ca_key, EVP_sha256()))
		goto crypto;
	cert = new_cert(nhosts ? hosts[0] : "localhost", key, LEAF_DAYS);
	if (!cert || !X509_set_issuer_name(cert, X509_get_subject_name(ca)) ||
	    add_ext(cert, ca, NID_basic_constraints, "critical,CA:FALSE") ||
	    add_ext(cert, ca, NID_key_usage, "critical,digitalSignature") ||
	    add_ext(cert, ca, NID_ext_key_usage, "serverAuth") ||
	    add_ext(cert, ca, NID_authority_key_identifier, "keyid:always")) {
		goto crypto;
	}
	if (add_san(cert, hosts, nhosts)) {
		snprintf(err, errlen, "%s",
			 _("a --host value is not a host name or IP address: "
			   "give names like 'hub.example.vn' or '10.0.0.5'"));
		rc = HUB_REFUSED;
		goto out;
	}
	if (!X509_sign(cert, ca_key, EVP_sha256()))
		goto crypto;
	/* keys first: a crash between files leaves no certificate without its key */
	i = 0;
	if ((rc = write_pem(pem_path[i++], 0600, ca_key, NULL, NULL)) != HUB_OK ||
	    (rc = write_pem(pem_path[i++], 0600, key, NULL, NULL)) != HUB_OK ||
	    (rc = write_pem(pem_path[i++], 0644, NULL, ca, NULL)) != HUB_OK ||
	    (rc = write_pem(pem_path[i++], 0644, NULL, cert, ca)) != HUB_OK) {
		if (rc != HUB_EIO)
			goto crypto;
		hub_eio(err, errlen, _("cannot write TLS file"), pem_path[i - 1],
			_("check the hub directory's permissions and free space"));
		goto out;
	}
	rc = HUB_OK;
	goto out;
crypto:
	snprintf(err, errlen, _("cannot make TLS certificates: OpenSSL error %lu"), ERR_get_error());
out:
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(key);
	X509_free(ca);
	X509_free(cert);
	return rc;
}

/* The CA's certificate and key from their files (the caller frees them). A
 * hub started with an operator's certificate has neither: HUB_REFUSED. */
static hub_result read_ca(const char *ca_path, const char *key_path, X509 **ca, EVP_PKEY **key,
			  char *err, size_t errlen)
{
	const char *failed = ca_path;
	FILE *f = fopen(ca_path, "r");

	if (f) {
		*ca = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
		failed = key_path;
		f = fopen(key_path, "r");
	}
	if (f) {
		*key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (!f && errno != ENOENT)
		return hub_eio(err, errlen, "cannot read the hub's CA file", failed,
			       "check its permissions");
	if (*ca && *key)
		return HUB_OK;
	snprintf(err, errlen,
		 "hub has no CA key '%s' to issue client certificates: "
		 "it was started with an operator certificate",
		 key_path);
	return HUB_REFUSED;
}

hub_result hub_tls_issue_client(const char *dir, const uint8_t pub[PROTO_PUBKEY_LEN], char **pem,
				char *err, size_t errlen)
{
	char ca_path[PATH_MAX], ca_key_path[PATH_MAX], cn[32], hex[17];
	EVP_PKEY *ca_key = NULL, *agent = NULL;
	X509 *ca = NULL, *cert = NULL;
	BIO *mem = NULL;
	char *data;
	long n;
	hub_result rc;

	*pem = NULL;
	if (join(dir, HUB_CA_FILE, ca_path, sizeof(ca_path)) ||
	    join(dir, HUB_CA_KEY_FILE, ca_key_path, sizeof(ca_key_path))) {
		snprintf(err, errlen, "hub directory path is too long");
		return HUB_REFUSED;
	}
	rc = read_ca(ca_path, ca_key_path, &ca, &ca_key, err, errlen);
	if (rc != HUB_OK)
		goto out;
	rc = HUB_ECRYPTO;
	agent = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, PROTO_PUBKEY_LEN);
	proto_key_id_hex(proto_key_id_of_raw(pub), hex);
	snprintf(cn, sizeof(cn), "agent %s", hex);
	if (!agent || !(cert = new_cert(cn, agent, LEAF_DAYS)) ||
	    !X509_set_issuer_name(cert, X509_get_subject_name(ca)) ||
	    add_ext(cert, ca, NID_basic_constraints, "critical,CA:FALSE") ||
	    add_ext(cert, ca, NID_key_usage, "critical,digitalSignature") ||
	    add_ext(cert, ca, NID_ext_key_usage, "clientAuth") ||
	    add_ext(cert, ca, NID_authority_key_identifier, "keyid:always") ||
	    !X509_sign(cert, ca_key, EVP_sha256()))
		goto crypto;
	mem = BIO_new(BIO_s_mem());
	if (!mem || !PEM_write_bio_X509(mem, cert))
		goto crypto;
	n = BIO_get_mem_data(mem, &data);
	*pem = proto_strndup(data, (size_t)n);
	if (!*pem)
		goto crypto;
	rc = HUB_OK;
	goto out;
crypto:
	snprintf(err, errlen, "cannot issue a client certificate: OpenSSL error %lu", ERR_get_error());
out:
	BIO_free(mem);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(agent);
	X509_free(ca);
	X509_free(cert);
	return rc;
}

static int revoked_idx = -1;

void hub_tls_set_revoked(SSL_CTX *ctx, const hub_idset *set)
{
	if (revoked_idx < 0)
		revoked_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	if (revoked_idx >= 0)
		SSL_CTX_set_ex_data(ctx, revoked_idx, (void *)set);
}

/* Accept a client certificate only if it chains to our CA and its key is
 * not revoked (a revoked laptop gets no connection at all, so it
 * cannot make the hub read, let alone buffer, a body); no certificate at
 * all is allowed at the handshake (enrolment needs none). */
static int verify_cb(int ok, X509_STORE_CTX *store)
{
	SSL *ssl;
	const hub_idset *set;
	X509 *cert;
	EVP_PKEY *pk;
	uint8_t raw[PROTO_PUBKEY_LEN];
	size_t n = sizeof(raw);

	if (!ok || X509_STORE_CTX_get_error_depth(store) != 0 || revoked_idx < 0)
		return ok;
	ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
	set = ssl ? SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), revoked_idx) : NULL;
	cert = X509_STORE_CTX_get_current_cert(store);
	if (!set || !cert)
		return ok;
	pk = X509_get0_pubkey(cert);
	if (pk && EVP_PKEY_get_base_id(pk) == EVP_PKEY_ED25519 &&
	    EVP_PKEY_get_raw_public_key(pk, raw, &n) == 1 && n == sizeof(raw) &&
	    hub_idset_has(set, proto_key_id_of_raw(raw))) {
		X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REVOKED);
		return 0;
	}
	return ok;
}

SSL_CTX *hub_tls_server_ctx(const char *dir, char *err, size_t errlen)
{
	char ca_path[PATH_MAX], cert_path[PATH_MAX], key_path[PATH_MAX];
	SSL_CTX *ctx = NULL;
	STACK_OF(X509_NAME) *names = NULL;

	if (join(dir, HUB_CA_FILE, ca_path, sizeof(ca_path)) ||
	    join(dir, HUB_CERT_FILE, cert_path, sizeof(cert_path)) ||
	    join(dir, HUB_CERT_KEY_FILE, key_path, sizeof(key_path))) {
		snprintf(err, errlen, "%s", _("hub directory path is too long"));
		return NULL;
	}
	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx)
		goto crypto;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
					 SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
	/* TLS 1.2: ECDHE + AEAD only; TLS 1.3 suites are all AEAD already */
	if (!SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
					  "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:"
					  "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305"))
		goto crypto;
	if (SSL_CTX_use_certificate_chain_file(ctx, cert_path) != 1) {
		snprintf(err, errlen,
			 _("cannot load certificate '%s': run 'maiam-hub init' or fix the file"),
			 cert_path);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key_path, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errlen, _("cannot load private key '%s' (or it does not match '%s')"),
			 key_path, cert_path);
		goto fail;
	}
	if (SSL_CTX_load_verify_locations(ctx, ca_path, NULL) != 1) {
		snprintf(err, errlen, _("cannot load CA '%s' for client certificates"), ca_path);
		goto fail;
	}
	names = SSL_load_client_CA_file(ca_path);
	if (names)
		SSL_CTX_set_client_CA_list(ctx, names);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
	SSL_CTX_set_verify_depth(ctx, 2);
	/* Resumption: a laptop whose upload was cut comes back with a short
	 * handshake (its certificate and signature are not sent again).
	 * Sessions stay in this process only (SSL_OP_NO_TICKET: a TLS 1.3
	 * ticket is then just the session's id, no ticket key to keep),
	 * bounded in count and age. A resumed handshake skips verify_cb: the
	 * revoked set is checked again after every handshake
	 * (hub_conn_check_peer, server_conn.c). A connection that ends without
	 * close_notify (a cut laptop's) is not an error that drops its
	 * session: HTTP's own framing tells a short body, which server_conn.c
	 * keeps as such (keep_cut_body). */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (SSL_CTX_set_session_id_context(ctx, (const unsigned char *)HUB_TLS_SESSION_CONTEXT,
					   sizeof(HUB_TLS_SESSION_CONTEXT) - 1) != 1 ||
	    SSL_CTX_set_num_tickets(ctx, 1) != 1)
		goto crypto;
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	SSL_CTX_sess_set_cache_size(ctx, HUB_TLS_SESSIONS);
	SSL_CTX_set_timeout(ctx, HUB_TLS_SESSION_S);
	return ctx;
crypto:
	snprintf(err, errlen, _("cannot set up TLS: OpenSSL error %lu"), ERR_get_error());
fail:
	SSL_CTX_free(ctx);
	return NULL;
}
