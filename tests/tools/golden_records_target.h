/*
 * golden_records_target.h - the fixed records of golden vector 3-target
 * (FORMAT.md, "Test vectors"): commune targets, decision field 7. Shared by
 * the generator (gen_vectors.c) and the test that re-seals them
 * (tests/targets/test_target_records.c). Header-only; include once per
 * program, after golden_records.h (GOLDEN_CAMPAIGN, GOLDEN_CREATED).
 */
#ifndef MAIAM_GOLDEN_RECORDS_TARGET_H
#define MAIAM_GOLDEN_RECORDS_TARGET_H

#include <string.h>
#include "maiam/changeset.h"
#include "maiam/schema.h"

/* Phường 5 and Phường 7 of Thành phố Sóc Trăng (941). */
#define GOLDEN_TARGET_COMMUNE "31498"
#define GOLDEN_TARGET_FORGED "31499"
#define GOLDEN_TARGET_SECOND "31501"
/* "Lâm Văn Sơn", a district operator signed in on the web */
#define GOLDEN_TARGET_WHO "L\xc3\xa2m V\xc4\x83n S\xc6\xa1n"

/* One target decision: id (origin, serial) at stamp, who gives commune n houses. */
static inline proto_result golden_target(proto_changeset *cs, uint64_t origin, uint64_t serial,
					 uint64_t stamp, const char *who, const char *commune,
					 int64_t houses)
{
	proto_result r = proto_changeset_begin(cs, PROTO_KIND_DECISION, (proto_id){ origin, serial },
					       stamp, origin);

	if (r == PROTO_OK)
		r = proto_changeset_add_text(cs, PROTO_DE_OPERATOR, 0, who, strlen(who));
	if (r == PROTO_OK)
		r = proto_changeset_add_text(cs, PROTO_DE_ACTION, 0, "target", 6);
	if (r == PROTO_OK)
		r = proto_changeset_add_text(cs, PROTO_DE_ITEM, 0, commune, strlen(commune));
	if (r == PROTO_OK)
		r = proto_changeset_add_int(cs, PROTO_DE_NUMBER, 0, houses);
	return r;
}

/*
 * Golden change-set 3-target (format version 3, same campaign, origin, seq 1
 * and created as the others): two targets of district 941's communes at
 * c+1 and c+2, 12 houses and 8, by the same operator (a remembered value of
 * the operator and action columns).
 */
static inline proto_result golden3_target_build(proto_changeset *cs, uint64_t origin)
{
	const uint64_t c = GOLDEN_CREATED;
	proto_result r = proto_changeset_init(cs, GOLDEN_CAMPAIGN, origin, 1, NULL, c);

	if (r == PROTO_OK)
		r = golden_target(cs, origin, 1, c + 1, GOLDEN_TARGET_WHO, GOLDEN_TARGET_COMMUNE, 12);
	if (r == PROTO_OK)
		r = golden_target(cs, origin, 2, c + 2, GOLDEN_TARGET_WHO, GOLDEN_TARGET_SECOND, 8);
	return r;
}

#endif
