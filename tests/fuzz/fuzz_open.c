/*
 * fuzz_open.c - libFuzzer target for everything that reads change-set bytes:
 * proto_peek and proto_open (with the committed test public key, so inputs
 * derived from the golden vector reach the inflater only if signed), and
 * proto_body_decode directly on the raw input, which needs no signature.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "maiam/fsutil.h"
#include "maiam/seal.h"
#include "fuzz_key.h"
#include "../tools/golden_records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	proto_key *pub = fuzz_test_key();
	proto_changeset cs;
	proto_header hdr;
	uint8_t hash[32];

	(void)proto_peek(data, size, &hdr);
	(void)proto_open(data, size, pub, &cs, hash);
	proto_changeset_release(&cs);

	/*
	 * raw body: the first two bytes are the counts the header would declare;
	 * created is the golden vector's, so its inflated body (a seed) decodes
	 */
	if (size >= 2 &&
	    proto_changeset_init(&cs, "fuzz", proto_key_id(pub), 1, NULL, GOLDEN_CREATED) == PROTO_OK) {
		cs.hdr.nrecords = data[0];
		cs.hdr.nchanges = data[1];
		(void)proto_body_decode(&cs, data + 2, size - 2);
		proto_changeset_release(&cs);
	}
	return 0;
}
