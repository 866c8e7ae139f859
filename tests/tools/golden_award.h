/*
 * golden_award.h - the fixed records of golden vector golden-3-award
 * (FORMAT.md, "Test vectors"): award nominations as the hub signs them,
 * decision records with fields 8..13, added to format version 3 without a
 * bump. Shared by the generator (gen_vectors.c) and the test that re-seals
 * them (test_seal.c). Header-only; include once per
 * program, beside golden_records.h (its campaign and creation stamp).
 */
#ifndef MAIAM_GOLDEN_AWARD_H
#define MAIAM_GOLDEN_AWARD_H

#include <string.h>
#include "maiam/changeset.h"
#include "maiam/schema.h"
#include "golden_records.h" /* GOLDEN_CAMPAIGN, GOLDEN_CREATED */

/* "UBND xã Đại Hải" */
#define GOLDEN_AWARD_NOMINEE "UBND x\xc3\xa3 \xc4\x90\xe1\xba\xa1i H\xe1\xba\xa3i"
/* "vận động 45 căn nhà, bàn giao đúng hạn" */
#define GOLDEN_AWARD_ACHIEVEMENTS \
	"v\xe1\xba\xadn \xc4\x91\xe1\xbb\x99ng 45 c\xc4\x83n nh\xc3\xa0, b\xc3\xa0n giao \xc4\x91\xc3\xbang" \
	" h\xe1\xba\xa1n"
/* The forgery changes the number of houses after signing: "45 c" to "95 c". */
#define GOLDEN_AWARD_TEXT "45 c"
#define GOLDEN_AWARD_FORGED_TEXT "95 c"
#define GOLDEN_AWARD_BACKING "0102030405060708-9 0102030405060708-12"

/* One text field of the record begun, when s is not NULL. */
static inline proto_result golden_award_text(proto_changeset *cs, uint8_t field, const char *s)
{
	return s ? proto_changeset_add_text(cs, field, 0, s, strlen(s)) : PROTO_OK;
}

/* A decision record of no household, serial n at c + n, its texts by field
 * id (index 2..13, NULL: absent). */
static inline proto_result golden_award_record(proto_changeset *cs, uint64_t origin, uint64_t c,
					       uint64_t n, const char *const texts[14])
{
	proto_result r = proto_changeset_begin(cs, PROTO_KIND_DECISION, (proto_id){ origin, n }, c + n,
					       origin);
	uint8_t f;

	for (f = PROTO_DE_OPERATOR; r == PROTO_OK && f <= PROTO_DE_BACKING; f++)
		r = golden_award_text(cs, f, texts[f]);
	return r;
}

/* Golden change-set 3-award (seq 1) for origin: a collective nominated with
 * two backing records, an individual with a position, the individual
 * returned with a note, the collective accepted. */
static inline proto_result golden_award_build(proto_changeset *cs, uint64_t origin)
{
	const uint64_t c = GOLDEN_CREATED;
	const char *const nominated_collective[14] = {
		[PROTO_DE_OPERATOR] = "L\xc3\xa2m V\xc4\x83n S\xc6\xa1n",
		[PROTO_DE_ACTION] = "nominated",
		[PROTO_DE_ITEM] = "A-1",
		[PROTO_DE_UNIT] = "943",
		[PROTO_DE_NOMINEE_KIND] = "collective",
		[PROTO_DE_NOMINEE] = GOLDEN_AWARD_NOMINEE,
		[PROTO_DE_ACHIEVEMENTS] = GOLDEN_AWARD_ACHIEVEMENTS,
		[PROTO_DE_BACKING] = GOLDEN_AWARD_BACKING,
	};
	const char *const nominated_individual[14] = {
		[PROTO_DE_OPERATOR] = "lan",
		[PROTO_DE_ACTION] = "nominated",
		[PROTO_DE_ITEM] = "A-2",
		[PROTO_DE_UNIT] = "working_group",
		[PROTO_DE_NOMINEE_KIND] = "individual",
		[PROTO_DE_NOMINEE] = "L\xc3\xaa V\xc4\x83n Ba",
		[PROTO_DE_POSITION] = "T\xe1\xbb\x95 tr\xc6\xb0\xe1\xbb\x9fng",
		[PROTO_DE_ACHIEVEMENTS] = "gi\xc3\xa1m s\xc3\xa1t 120 c\xc4\x83n",
	};
	const char *const returned[14] = {
		[PROTO_DE_OPERATOR] = "C\xc3\xb4ng an t\xe1\xbb\x89nh",
		[PROTO_DE_ACTION] = "returned",
		[PROTO_DE_ITEM] = "A-2",
		[PROTO_DE_NOTE] = "thi\xe1\xba\xbfu h\xe1\xbb\x93 s\xc6\xa1",
		[PROTO_DE_UNIT] = "working_group",
	};
	const char *const accepted[14] = {
		[PROTO_DE_OPERATOR] = "C\xc3\xb4ng an t\xe1\xbb\x89nh",
		[PROTO_DE_ACTION] = "accepted",
		[PROTO_DE_ITEM] = "A-1",
		[PROTO_DE_UNIT] = "943",
	};
	proto_result r = proto_changeset_init(cs, GOLDEN_CAMPAIGN, origin, 1, NULL, c);

	if (r == PROTO_OK)
		r = golden_award_record(cs, origin, c, 1, nominated_collective);
	if (r == PROTO_OK)
		r = golden_award_record(cs, origin, c, 2, nominated_individual);
	if (r == PROTO_OK)
		r = golden_award_record(cs, origin, c, 3, returned);
	if (r == PROTO_OK)
		r = golden_award_record(cs, origin, c, 4, accepted);
	return r;
}

#endif
