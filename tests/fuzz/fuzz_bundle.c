/*
 * fuzz_bundle.c - libFuzzer target for the USB bundle reader: the input is a
 * whole bundle file as a laptop hands it to `maiam-hub import`. Every item the
 * reader returns is peeked and opened with the committed test key, as the
 * import does, so a bundle of the golden vector reaches the inflater.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "maiam/bundle.h"
#include "maiam/fsutil.h"
#include "maiam/seal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static proto_key *load_pub(void)
{
	static proto_key *pub;
	proto_buf pem;

	if (pub)
		return pub;
	proto_buf_init(&pem, 1 << 16);
	if (proto_read_file(MAIAM_VECTORS_DIR "/codec-test.pub", &pem) != PROTO_OK ||
	    proto_key_from_public_pem((const char *)pem.data, pem.len, &pub) != PROTO_OK) {
		fprintf(stderr, "fuzz_bundle: cannot load '%s'\n", MAIAM_VECTORS_DIR "/codec-test.pub");
		abort(); /* a test harness, not the library: no key, no fuzzing */
	}
	proto_buf_release(&pem);
	return pub;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	proto_key *pub = load_pub();
	proto_bundle_reader br;
	const uint8_t *item;
	size_t len, n = 0;

	if (proto_bundle_open(&br, data, size) != PROTO_OK)
		return 0;
	while (proto_bundle_next(&br, &item, &len) == PROTO_OK && item) {
		proto_changeset cs;
		proto_header hdr;
		uint8_t hash[32];

		/* the reader's promise: every item lies inside the input, never empty */
		if (len == 0 || item < data || len > size || item + len > data + size)
			abort();
		(void)proto_peek(item, len, &hdr);
		(void)proto_open(item, len, pub, &cs, hash);
		proto_changeset_release(&cs);
		n++;
	}
	if (n != br.index) /* items counted by the reader are the items returned */
		abort();
	return 0;
}
