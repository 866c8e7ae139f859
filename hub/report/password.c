/*
 * password.c - dashboard operators and their sessions. Passwords are kept
 * as PBKDF2-HMAC-SHA256 (210,000 iterations, 16-byte random salt, OpenSSL)
 * and compared in constant time; a session token is 32 random bytes of which
 * only the SHA-256 is stored, so a copy of hub.db opens no session.
 * hub_operator_set's and hub_operator_add's refusals are for the operator
 * at the terminal (maiam-hub operator add|password): in the operator's
 * language. A disabled operator opens no session and keeps none.
 */
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include "maiam/web.h"
#include "report_int.h"
#include "operator.h"

#define SALT_LEN 16

hub_result hub_password_hash(const char *password, const uint8_t *salt, size_t saltlen, int iter,
			     uint8_t out[32])
{
	if (!password || iter < 1)
		return HUB_REFUSED;
	return PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, (int)saltlen, iter, EVP_sha256(),
				 32, out) == 1
		       ? HUB_OK
		       : HUB_ECRYPTO;
}

/* Store name's password: a new operator with add's role and district
 * (refused when the name is taken), or with add NULL a new password for an
 * operator (one made here is an admin). */
static hub_result operator_store(sqlite3 *db, const char *name, const char *password,
				 const hub_operator *add, char *err, size_t errlen)
{
	uint8_t salt[SALT_LEN], hash[32];
	sqlite3_stmt *st = NULL;
	size_t plen = password ? strlen(password) : 0;
	hub_result rc = HUB_EDB;
	int in_tx = 0;

	if (!name || !hub_operator_name_ok(name)) {
		snprintf(err, errlen, _("operator name '%s' must be 1 to %d letters, digits or . _ - @"),
			 name ? name : "", HUB_OPERATOR_NAME_MAX);
		return HUB_REFUSED;
	}
	if (plen < 8 || plen > HUB_PASSWORD_MAX || !proto_utf8_valid(password, plen)) {
		snprintf(err, errlen,
			 _("the password must be 8 to %d bytes of UTF-8 text: choose another"),
			 HUB_PASSWORD_MAX);
		return HUB_REFUSED;
	}
	if (RAND_bytes(salt, sizeof(salt)) != 1 ||
	    hub_password_hash(password, salt, sizeof(salt), HUB_PBKDF2_ITER, hash) != HUB_OK) {
		snprintf(err, errlen, "%s", _("cannot hash the password (OpenSSL failed)"));
		return HUB_ECRYPTO;
	}
	/* the new password and the end of every session opened with the old
	 * one are one change: no moment where both work */
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	in_tx = 1;
	if (sqlite3_prepare_v2(db,
			       add ? "INSERT INTO report_operator(name, salt, hash, iter, created, role,"
				     " district) VALUES (?, ?, ?, ?, strftime('%s', 'now'), ?, ?)"
				   : "INSERT INTO report_operator(name, salt, hash, iter, created)"
				     " VALUES (?, ?, ?, ?, strftime('%s', 'now')) ON CONFLICT(name) DO"
				     " UPDATE SET salt = excluded.salt, hash = excluded.hash,"
				     " iter = excluded.iter",
			       -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, salt, sizeof(salt), SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, hash, sizeof(hash), SQLITE_STATIC);
	sqlite3_bind_int(st, 4, HUB_PBKDF2_ITER);
	if (add) {
		sqlite3_bind_text(st, 5, hub_role_names[add->role], -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 6, add->district);
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (add && sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_PRIMARYKEY) {
			snprintf(err, errlen,
				 _("operator '%s' exists: to change its password run 'maiam-hub operator"
				   " password %s'"),
				 name, name);
			rc = HUB_REFUSED;
			goto out;
		}
		goto dberr;
	}
	if (hub_operator_sessions_end(db, name) != HUB_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	in_tx = 0;
	rc = HUB_OK;
	goto out;
dberr:
	snprintf(err, errlen, _("cannot store the operator: %s"), sqlite3_errmsg(db));
out:
	OPENSSL_cleanse(hash, sizeof(hash));
	sqlite3_finalize(st);
	if (in_tx)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

hub_result hub_operator_sessions_end(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = NULL;
	int step;

	if (sqlite3_prepare_v2(db, "DELETE FROM report_session WHERE operator = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? HUB_OK : HUB_EDB;
}

hub_result hub_operator_set(sqlite3 *db, const char *name, const char *password, char *err, size_t errlen)
{
	return operator_store(db, name, password, NULL, err, errlen);
}

hub_result hub_operator_add(sqlite3 *db, const proto_campaign *c, const char *name, hub_role role,
			    int district, const char *password, char *err, size_t errlen)
{
	hub_operator add = { .role = role, .district = district };
	hub_result rc = hub_operator_valid(c, name, role, district, err, errlen);

	return rc != HUB_OK ? rc : operator_store(db, name, password, &add, err, errlen);
}

/* As hub_operator_check; on a match, the stored hash the password matched
 * is copied to matched (hub_operator_login ties the session to it). */
static hub_result operator_check(sqlite3 *db, const char *name, const char *password,
				 uint8_t matched[32], bool *match)
{
	static const uint8_t dummy_salt[SALT_LEN];
	uint8_t want[32], got[32];
	sqlite3_stmt *st = NULL;
	hub_result rc = HUB_EDB;
	int step, found = 0, iter = HUB_PBKDF2_ITER;
	const uint8_t *salt = dummy_salt;
	uint8_t salt_copy[SALT_LEN];

	*match = false;
	memset(want, 0, sizeof(want));
	memset(got, 0, sizeof(got));
	if (!name || !password || strlen(password) > HUB_PASSWORD_MAX)
		return HUB_OK;
	if (sqlite3_prepare_v2(db, "SELECT salt, hash, iter FROM report_operator WHERE name = ?", -1,
			       &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW && sqlite3_column_bytes(st, 0) == SALT_LEN &&
	    sqlite3_column_bytes(st, 1) == 32 && sqlite3_column_int(st, 2) > 0) {
		memcpy(salt_copy, sqlite3_column_blob(st, 0), SALT_LEN);
		memcpy(want, sqlite3_column_blob(st, 1), 32);
		iter = sqlite3_column_int(st, 2);
		salt = salt_copy;
		found = 1;
	} else if (step != SQLITE_DONE && step != SQLITE_ROW) {
		goto out;
	}
	/* hash even for an unknown name, so the time taken does not tell */
	rc = hub_password_hash(password, salt, SALT_LEN, iter, got);
	if (rc != HUB_OK)
		goto out;
	*match = (CRYPTO_memcmp(want, got, 32) == 0) & found;
	if (*match)
		memcpy(matched, want, 32);
out:
	OPENSSL_cleanse(got, sizeof(got));
	OPENSSL_cleanse(want, sizeof(want));
	sqlite3_finalize(st);
	return rc;
}

hub_result hub_operator_check(sqlite3 *db, const char *name, const char *password, bool *match)
{
	uint8_t matched[32];
	hub_result rc = operator_check(db, name, password, matched, match);

	OPENSSL_cleanse(matched, sizeof(matched));
	return rc;
}

/* Step st for at most one row (*row), then finalize it. */
static hub_result step_once(sqlite3_stmt *st, bool *row)
{
	int step = sqlite3_step(st);

	*row = step == SQLITE_ROW;
	sqlite3_finalize(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? HUB_OK : HUB_EDB;
}

hub_result hub_operator_exists(sqlite3 *db, const char *name, bool *exists)
{
	sqlite3_stmt *st = NULL;

	*exists = false;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM report_operator WHERE name = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	return step_once(st, exists);
}

hub_result report_session_new(sqlite3 *db, const char *name, int64_t now, int ttl, char token[65])
{
	uint8_t hash[32];
	sqlite3_stmt *st = NULL;
	bool row;

	if (web_token_new(token) != WEB_OK)
		return HUB_ECRYPTO;
	web_token_hash(token, hash);
	/* expired sessions are of no use to anyone: this table is not history */
	sqlite3_exec(db, "DELETE FROM report_session WHERE expires < strftime('%s', 'now')", NULL, NULL,
		     NULL);
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO report_session(hash, operator, created, expires)"
			       " VALUES (?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, now + ttl);
	return step_once(st, &row);
}

hub_result report_session_check(sqlite3 *db, const char *token, int64_t now, char *name, size_t namelen,
				bool *valid)
{
	uint8_t hash[32];
	sqlite3_stmt *st = NULL;
	hub_result rc;

	*valid = false;
	if (strlen(token) != 64)
		return HUB_OK;
	web_token_hash(token, hash);
	if (sqlite3_prepare_v2(db,
			       "SELECT s.operator FROM report_session s JOIN report_operator o"
			       " ON o.name = s.operator WHERE s.hash = ? AND s.expires > ? AND NOT o.disabled",
			       -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		snprintf(name, namelen, "%s", (const char *)sqlite3_column_text(st, 0));
		*valid = true;
		rc = HUB_OK;
		break;
	case SQLITE_DONE:
		rc = HUB_OK;
		break;
	default:
		rc = HUB_EDB;
	}
	sqlite3_finalize(st);
	return rc;
}

hub_result report_session_end(sqlite3 *db, const char *token)
{
	uint8_t hash[32];
	sqlite3_stmt *st = NULL;
	bool row;

	web_token_hash(token, hash);
	if (sqlite3_prepare_v2(db, "DELETE FROM report_session WHERE hash = ?", -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	return step_once(st, &row);
}

hub_result hub_operator_login(sqlite3 *db, const char *name, const char *password, int64_t now, int ttl,
			      char token[65], bool *signed_in)
{
	uint8_t hash[32], matched[32];
	sqlite3_stmt *st = NULL;
	hub_result rc;
	bool match;
	int step;

	token[0] = '\0';
	*signed_in = false;
	rc = operator_check(db, name, password, matched, &match);
	if (rc != HUB_OK || !match)
		goto out;
	rc = HUB_ECRYPTO;
	if (web_token_new(token) != WEB_OK)
		goto out;
	rc = HUB_EDB;
	web_token_hash(token, hash);
	sqlite3_exec(db, "DELETE FROM report_session WHERE expires < strftime('%s', 'now')", NULL, NULL,
		     NULL);
	/* only if the password is still the one just checked: a password
	 * changed during the slow hash opens no session with the old one; and
	 * never for a disabled operator */
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO report_session(hash, operator, created, expires)"
			       " SELECT ?, name, ?, ? FROM report_operator WHERE name = ? AND"
			       " hash = ? AND NOT disabled",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, now + ttl);
	sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, matched, 32, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		rc = HUB_OK;
		*signed_in = sqlite3_changes(db) == 1;
	}
out:
	if (!*signed_in)
		OPENSSL_cleanse(token, 65);
	OPENSSL_cleanse(matched, sizeof(matched));
	sqlite3_finalize(st);
	return rc;
}
