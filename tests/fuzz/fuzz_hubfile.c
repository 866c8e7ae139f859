/*
 * fuzz_hubfile.c - libFuzzer target for the hub files a laptop reads from a
 * USB stick (and the hub, from a bundle): the input is read as an enrolment
 * file, as an enrolment claim and as an update file
 * signed by the committed test key (the golden update files verify, so their
 * items are walked). Any returned item, and a version 2 file's feedback,
 * must lie inside the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/hubfile.h"
#include "fuzz_key.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	proto_key *pub = fuzz_test_key();
	proto_enrol_file e;
	proto_update_file u;
	proto_claim_file c;
	const uint8_t *item;
	size_t len, n = 0;

	if (proto_enrol_read(data, size, &e) == PROTO_OK && (strlen(e.token) == 0 || e.expires <= e.issued))
		abort(); /* the reader's promise: a read file meets every rule */
	if (proto_claim_read(data, size, &c) == PROTO_OK && strlen(c.token) == 0)
		abort();
	if (proto_update_read(data, size, pub, &u) != PROTO_OK)
		return 0;
	if (u.feedback && (u.feedback_len == 0 || (const uint8_t *)u.feedback < data ||
			   (const uint8_t *)u.feedback + u.feedback_len > data + size))
		abort();
	while (proto_update_next(&u, &item, &len) == PROTO_OK && item) {
		if (len == 0 || item < data || item + len > data + size)
			abort();
		n++;
	}
	if (n != u.nitems || u.cursor < u.after)
		abort();
	return 0;
}
