/*
 * final_sig.c - what the final report's signature states, and its text
 * (docs/REPORTS.md, "The final report's signature"):
 *
 *   maiam final report signature 1
 *   pdf-sha256: <64 hex digits: SHA-256 of the PDF file>
 *   as-of: <YYYY-MM-DD: the day the figures are counted to>
 *   ledger: <change-sets in the ledger> <64 hex digits: the ledger head>
 *   key: <16 hex digits: the id of the hub key that signed>
 *   signature: <128 hex digits: Ed25519 over every byte above this line>
 *
 * each line ended by one LF. The ledger head is the SHA-256 over every
 * origin's chain head in the order of the origins as unsigned numbers:
 * origin (8 bytes, big-endian), seq (8 bytes, big-endian) and the head's
 * hash (32 bytes). Each change-set's hash chains its origin's earlier ones,
 * so the head pins the whole ledger the figures were computed from.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include "final_int.h"

#define SIG_MAGIC "maiam final report signature 1\n"

static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

hub_result final_ledger_head(sqlite3 *db, hub_final_ledger *out, char *err, size_t errlen)
{
	/* origins are key ids stored as signed 64-bit integers: ordered as unsigned
	 * by flipping the sign bit (so the order is the ids' hex order) */
	static const char heads[] = "SELECT origin, seq, hash FROM hub_ledger WHERE (origin, seq) IN"
				    " (SELECT origin, max(seq) FROM hub_ledger GROUP BY origin)"
				    " ORDER BY (origin < 0), origin";
	sqlite3_stmt *st = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t link[48];
	unsigned int len = 0;
	hub_result rc = HUB_EDB;
	int step;

	memset(out, 0, sizeof(*out));
	if (!md) {
		snprintf(err, errlen, "out of memory");
		return HUB_ENOMEM;
	}
	if (!EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		rc = HUB_ECRYPTO;
		goto out;
	}
	if (sqlite3_prepare_v2(db, heads, -1, &st, NULL) != SQLITE_OK)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 2) != 32) {
			snprintf(err, errlen,
				 "the ledger holds a chain head whose hash is not 32 bytes (origin %016" PRIx64
				 "): run maiam-hub audit verify",
				 (uint64_t)sqlite3_column_int64(st, 0));
			rc = HUB_REFUSED;
			goto out;
		}
		put_u64(link, (uint64_t)sqlite3_column_int64(st, 0));
		put_u64(link + 8, (uint64_t)sqlite3_column_int64(st, 1));
		memcpy(link + 16, sqlite3_column_blob(st, 2), 32);
		if (!EVP_DigestUpdate(md, link, sizeof(link))) {
			rc = HUB_ECRYPTO;
			goto out;
		}
	}
	if (step != SQLITE_DONE)
		goto out;
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM hub_ledger", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto out;
	out->changesets = sqlite3_column_int64(st, 0);
	rc = EVP_DigestFinal_ex(md, out->head, &len) && len == 32 ? HUB_OK : HUB_ECRYPTO;
out:
	if (rc == HUB_EDB)
		report_db_error(db, "read the ledger's head", err, errlen);
	else if (rc == HUB_ECRYPTO)
		snprintf(err, errlen, "cannot compute the ledger's head: SHA-256 failed");
	sqlite3_finalize(st);
	EVP_MD_CTX_free(md);
	return rc;
}

/* The signed lines, without the signature. */
static hub_result statement(const uint8_t pdf_sha256[32], const char *as_of,
			    const hub_final_ledger *ledger, uint64_t key_id, proto_buf *out)
{
	char pdf[65], head[65], key[17];

	proto_hex(pdf_sha256, 32, pdf);
	proto_hex(ledger->head, 32, head);
	proto_key_id_hex(key_id, key);
	return proto_buf_appendf(out, SIG_MAGIC "pdf-sha256: %s\nas-of: %s\nledger: %lld %s\nkey: %s\n",
				 pdf, as_of, (long long)ledger->changesets, head, key)
		       ? HUB_ENOMEM
		       : HUB_OK;
}

hub_result final_sig_text(const proto_key *key, const uint8_t pdf_sha256[32], const char *as_of,
			  const hub_final_ledger *ledger, proto_buf *out, char *err, size_t errlen)
{
	uint8_t sig[PROTO_SIG_LEN];
	char hex[2 * PROTO_SIG_LEN + 1];
	size_t start = out->len;

	if (statement(pdf_sha256, as_of, ledger, proto_key_id(key), out)) {
		snprintf(err, errlen, "out of memory");
		return HUB_ENOMEM;
	}
	if (proto_sign(key, out->data + start, out->len - start, sig) != PROTO_OK) {
		snprintf(err, errlen, "cannot sign the final report with the hub's key");
		return HUB_ECRYPTO;
	}
	proto_hex(sig, sizeof(sig), hex);
	if (proto_buf_appendf(out, "signature: %s\n", hex)) {
		snprintf(err, errlen, "out of memory");
		return HUB_ENOMEM;
	}
	return HUB_OK;
}

/* n bytes of lowercase hex at s into out: 0, or -1 if they are not. */
static int unhex(const char *s, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = proto_hex_digit((unsigned char)s[2 * i]),
		    lo = proto_hex_digit((unsigned char)s[2 * i + 1]);

		if (hi < 0 || lo < 0 || (s[2 * i] >= 'A' && s[2 * i] <= 'F') ||
		    (s[2 * i + 1] >= 'A' && s[2 * i + 1] <= 'F'))
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Read the statement's facts out of text (NUL-ended): 0, or -1 if the
 * text is not a signature file of this format. *signed_len: the bytes the
 * signature covers. */
static int parse(const char *text, hub_final_signed *w, uint8_t sig[PROTO_SIG_LEN], size_t *signed_len)
{
	const char *p = text;
	char pdf[65], head[65], key[17], as_of[11], hex[129];
	long long n;
	int used = 0;

	if (strncmp(p, SIG_MAGIC, strlen(SIG_MAGIC)) != 0)
		return -1;
	p += strlen(SIG_MAGIC);
	if (sscanf(p, "pdf-sha256: %64[0-9a-f]\nas-of: %10[0-9-]\nledger: %lld %64[0-9a-f]\nkey: %16[0-9a-f]\n%n",
		   pdf, as_of, &n, head, key, &used) != 5 ||
	    used == 0 || strlen(pdf) != 64 || strlen(head) != 64 || strlen(key) != 16 || n < 0 ||
	    !hub_report_valid_date(as_of))
		return -1;
	p += used;
	*signed_len = (size_t)(p - text);
	/* "signature: " then exactly 128 hex digits, one LF, and the end */
	if (strncmp(p, "signature: ", 11) != 0 || strlen(p + 11) != 129 || p[11 + 128] != '\n')
		return -1;
	memcpy(hex, p + 11, 128);
	hex[128] = '\0';
	if (unhex(pdf, 32, w->pdf_sha256) || unhex(head, 32, w->ledger.head) || unhex(hex, 64, sig) ||
	    proto_key_id_parse(key, &w->key_id))
		return -1;
	w->ledger.changesets = n;
	memcpy(w->as_of, as_of, sizeof(w->as_of));
	return 0;
}

hub_result final_sig_check(const char *text, size_t len, const uint8_t pdf_sha256[32],
			   const proto_key *key, hub_final_signed *what, char *err, size_t errlen)
{
	uint8_t sig[PROTO_SIG_LEN];
	char want[17], have[65], file[65];
	size_t signed_len = 0;
	proto_buf again;
	hub_result rc = HUB_REFUSED;

	memset(what, 0, sizeof(*what));
	if (memchr(text, '\0', len) || parse(text, what, sig, &signed_len)) {
		snprintf(err, errlen,
			 "not a signature of a final report (the format of docs/REPORTS.md): write it"
			 " again with 'maiam-hub report final'");
		return HUB_REFUSED;
	}
	/* the text must be exactly what the hub writes for these facts: one
	 * spelling of each statement, so no two files verify for one signature */
	proto_buf_init(&again, 4096);
	if (statement(what->pdf_sha256, what->as_of, &what->ledger, what->key_id, &again) ||
	    again.len != signed_len || memcmp(again.data, text, signed_len) != 0) {
		snprintf(err, errlen,
			 "not a signature of a final report (its lines are not as the hub writes"
			 " them): write it again with 'maiam-hub report final'");
		goto out;
	}
	if (what->key_id != proto_key_id(key)) {
		proto_key_id_hex(what->key_id, have);
		proto_key_id_hex(proto_key_id(key), want);
		snprintf(err, errlen,
			 "signed with hub key %s, not with the key given (%s): check with the key of"
			 " the hub that wrote the report",
			 have, want);
		goto out;
	}
	if (CRYPTO_memcmp(what->pdf_sha256, pdf_sha256, 32) != 0) {
		proto_hex(what->pdf_sha256, 32, have);
		proto_hex(pdf_sha256, 32, file);
		snprintf(err, errlen,
			 "the PDF is not the one signed: its SHA-256 is %s, the signature is for %s"
			 " (the file was changed, or the signature is another report's)",
			 file, have);
		goto out;
	}
	if (proto_verify(key, (const uint8_t *)text, signed_len, sig) != PROTO_OK) {
		snprintf(err, errlen,
			 "the signature does not verify with hub key %s: the signature file was changed",
			 (proto_key_id_hex(what->key_id, want), want));
		goto out;
	}
	rc = HUB_OK;
out:
	proto_buf_release(&again);
	return rc;
}
