/*
 * test_keys.c - Ed25519 keys: generate, save (0600, atomic), load, public
 * export, key ids, signatures that fail when anything changes; atomic writes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "maiam/fsutil.h"
#include "maiam/keys.h"
#include "protofix.h"
#include "testmain.h"

static void save_load_sign_verify(void **state)
{
	const char *path = protofix_file(*state, "agent.key");
	proto_key *k = NULL, *k2 = NULL, *pub = NULL;
	uint8_t raw[32], raw2[32], sig[64];
	const uint8_t msg[] = "Nguyễn Văn Ân, ấp Phú Thành";
	struct stat st;

	assert_int_equal(proto_key_generate(&k), PROTO_OK);
	assert_true(proto_key_has_private(k));
	assert_int_equal(proto_key_save_private(k, path), PROTO_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	assert_int_equal(proto_key_load_private(path, &k2), PROTO_OK);
	proto_key_public_raw(k, raw);
	proto_key_public_raw(k2, raw2);
	assert_memory_equal(raw, raw2, 32);
	assert_true(proto_key_id(k) == proto_key_id(k2));
	assert_true(proto_key_id(k) == proto_key_id_of_raw(raw));

	assert_int_equal(proto_sign(k2, msg, sizeof msg, sig), PROTO_OK);
	assert_int_equal(proto_key_from_public(raw, &pub), PROTO_OK);
	assert_false(proto_key_has_private(pub));
	assert_int_equal(proto_verify(pub, msg, sizeof msg, sig), PROTO_OK);
	/* a public key cannot sign */
	assert_int_equal(proto_sign(pub, msg, sizeof msg, sig), PROTO_EINVAL);

	/* any changed bit of message or signature fails */
	uint8_t m2[sizeof msg];
	memcpy(m2, msg, sizeof msg);
	m2[3] ^= 1;
	assert_int_equal(proto_verify(pub, m2, sizeof m2, sig), PROTO_ESIGNATURE);
	sig[10] ^= 0x40;
	assert_int_equal(proto_verify(pub, msg, sizeof msg, sig), PROTO_ESIGNATURE);

	proto_key_free(k);
	proto_key_free(k2);
	proto_key_free(pub);
	proto_key_free(NULL);
}

static void other_key_does_not_verify(void **state)
{
	proto_key *a = NULL, *b = NULL;
	uint8_t sig[64];

	assert_int_equal(proto_key_generate(&a), PROTO_OK);
	assert_int_equal(proto_key_generate(&b), PROTO_OK);
	assert_true(proto_key_id(a) != proto_key_id(b));
	assert_int_equal(proto_sign(a, (const uint8_t *)"x", 1, sig), PROTO_OK);
	assert_int_equal(proto_verify(b, (const uint8_t *)"x", 1, sig), PROTO_ESIGNATURE);
	proto_key_free(a);
	proto_key_free(b);
}

static void public_pem_roundtrip(void **state)
{
	proto_key *k = NULL, *p = NULL;
	char *pem = NULL;

	assert_int_equal(proto_key_generate(&k), PROTO_OK);
	assert_int_equal(proto_key_public_pem(k, &pem), PROTO_OK);
	assert_non_null(strstr(pem, "BEGIN PUBLIC KEY"));
	assert_null(strstr(pem, "PRIVATE"));
	assert_int_equal(proto_key_from_public_pem(pem, strlen(pem), &p), PROTO_OK);
	assert_true(proto_key_id(k) == proto_key_id(p));
	proto_key_free(p);
	assert_int_equal(proto_key_from_public_pem("garbage", 7, &p), PROTO_EKEYFILE);
	assert_null(p);
	free(pem);
	proto_key_free(k);
}

static void bad_key_files_are_refused(void **state)
{
	struct protofix *f = *state;
	proto_key *k = (proto_key *)1;
	/* an RSA or EC key is not an Ed25519 key */
	const char *ec = "-----BEGIN PRIVATE KEY-----\n"
			 "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg+TVWKLSx/rkNvlRV\n"
			 "hgHqGHrjrZ2UNSVRF5xF4N/YgEyhRANCAAT4rwT37W0AqHkhREmbXBXo3hcKURrv\n"
			 "FQG0emUitl6scXJQ5u73mgOFb3xTgFBv1nSd4vn8pcn9+wyclZfD0XCm\n"
			 "-----END PRIVATE KEY-----\n";

	assert_int_equal(proto_key_load_private(protofix_file(f, "none.key"), &k), PROTO_EIO);
	assert_null(k);
	assert_int_equal(proto_write_file_atomic(protofix_file(f, "junk.key"), "not a key\n", 10, 0600),
			 PROTO_OK);
	assert_int_equal(proto_key_load_private(f->file, &k), PROTO_EKEYFILE);
	assert_int_equal(proto_write_file_atomic(protofix_file(f, "ec.key"), ec, strlen(ec), 0600),
			 PROTO_OK);
	assert_int_equal(proto_key_load_private(f->file, &k), PROTO_EKEYFILE);
	assert_null(k);
}

static void atomic_write_replaces_whole_file(void **state)
{
	struct protofix *f = *state;
	const char *path = protofix_file(f, "state");
	proto_buf b;
	struct stat st;
	char cmd[4300];

	assert_int_equal(proto_write_file_atomic(path, "old content", 11, 0644), PROTO_OK);
	assert_int_equal(proto_write_file_atomic(path, "new", 3, 0600), PROTO_OK);
	proto_buf_init(&b, 100);
	assert_int_equal(proto_read_file(path, &b), PROTO_OK);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "new", 3);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	proto_buf_release(&b);
	/* a read bounded below the file size is refused, not truncated */
	proto_buf_init(&b, 2);
	assert_int_equal(proto_read_file(path, &b), PROTO_ETOOBIG);
	proto_buf_release(&b);
	/* no temporary file is left behind */
	snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", f->dir);
	assert_int_equal(system(cmd), 0);
	/* a directory that does not exist fails cleanly */
	assert_int_equal(proto_write_file_atomic(protofix_file(f, "no/such/dir/file"), "x", 1, 0600),
			 PROTO_EIO);
}

/* Key ids are read back from what proto_key_id_hex writes, in either case,
 * and nothing else: every digit checked, a short or broken id refused. */
static void key_id_parse_roundtrip(void **state)
{
	char hex[17];
	uint64_t v = 0;

	(void)state;
	proto_key_id_hex(0x1f2e3d4c5b6a7980ull, hex);
	assert_int_equal(proto_key_id_parse(hex, &v), 0);
	assert_true(v == 0x1f2e3d4c5b6a7980ull);
	assert_int_equal(proto_key_id_parse("FFFFFFFFFFFFFFFF", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(proto_key_id_parse("0000000000000000-12", &v), 0); /* stops at 16 */
	assert_true(v == 0);
	assert_int_equal(proto_key_id_parse("1f2e3d4c5b6a798", &v), -1); /* 15 digits */
	assert_int_equal(proto_key_id_parse("1f2e3d4c5b6a798g", &v), -1);
	assert_int_equal(proto_key_id_parse("1f2e3d4c 5b6a7980", &v), -1);
	assert_int_equal(proto_key_id_parse(NULL, &v), -1);
	assert_int_equal(proto_hex_digit('0'), 0);
	assert_int_equal(proto_hex_digit('9'), 9);
	assert_int_equal(proto_hex_digit('a'), 10);
	assert_int_equal(proto_hex_digit('F'), 15);
	assert_int_equal(proto_hex_digit('g'), -1);
	assert_int_equal(proto_hex_digit('/'), -1);
	assert_int_equal(proto_hex_digit(':'), -1);
	assert_int_equal(proto_hex_digit('@'), -1);
	assert_int_equal(proto_hex_digit(0), -1);
}

TEST_MAIN(PROTOFIX_TEST(save_load_sign_verify), cmocka_unit_test(other_key_does_not_verify),
	  cmocka_unit_test(public_pem_roundtrip), PROTOFIX_TEST(bad_key_files_are_refused),
	  PROTOFIX_TEST(atomic_write_replaces_whole_file), cmocka_unit_test(key_id_parse_roundtrip))
