/*
 * fuzz_key.h - the committed test key (tests/vectors/codec-test.pub) the
 * golden vectors are sealed with, loaded once per fuzzer process: the targets
 * that open sealed change-sets verify them with it.
 */
#ifndef MAIAM_FUZZ_KEY_H
#define MAIAM_FUZZ_KEY_H
#include <stdio.h>
#include <stdlib.h>
#include "maiam/fsutil.h"
#include "maiam/keys.h"

static proto_key *fuzz_test_key(void)
{
	static proto_key *pub;
	proto_buf pem;

	if (pub)
		return pub;
	proto_buf_init(&pem, 1 << 16);
	if (proto_read_file(MAIAM_VECTORS_DIR "/codec-test.pub", &pem) != PROTO_OK ||
	    proto_key_from_public_pem((const char *)pem.data, pem.len, &pub) != PROTO_OK) {
		fprintf(stderr, "cannot load the test key '%s'\n", MAIAM_VECTORS_DIR "/codec-test.pub");
		abort(); /* a test harness, not the library: no key, no fuzzing */
	}
	proto_buf_release(&pem);
	return pub;
}
#endif
