/*
 * fuzz_bundle.c - libFuzzer target for the USB bundle reader: the input is a
 * whole bundle file as a laptop hands it to `maiam-hub import`. Every item the
 * reader returns is peeked and opened with the committed test key, as the
 * import does, so a bundle of the golden vector reaches the inflater; a
 * photo item is read and its hash checked, as the import does.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "maiam/bundle.h"
#include "maiam/fsutil.h"
#include "maiam/seal.h"
#include "fuzz_key.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	proto_key *pub = fuzz_test_key();
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
		if (proto_bundle_is_photo(item, len)) {
			proto_bundle_photo ph;

			/* a photo read lies inside its item, never empty */
			if (proto_bundle_photo_open(item, len, &ph) == PROTO_OK &&
			    (ph.len == 0 || ph.bytes + ph.len != item + len ||
			     proto_bundle_photo_verify(&ph) == PROTO_EINVAL))
				abort();
			n++;
			continue;
		}
		(void)proto_peek(item, len, &hdr);
		(void)proto_open(item, len, pub, &cs, hash);
		proto_changeset_release(&cs);
		n++;
	}
	if (n != br.index) /* items counted by the reader are the items returned */
		abort();
	return 0;
}
