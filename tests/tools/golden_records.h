/*
 * golden_records.h - the fixed records of golden vectors 1, 2 and 3 (FORMAT.md,
 * "Test vectors"). Shared by the generator (gen_vectors.c) and the test that
 * re-seals them (test_seal.c), so both build exactly the same change-sets;
 * other tests build their photo records with golden_photo, as vector 2 does.
 * Header-only; include once per program.
 */
#ifndef MAIAM_GOLDEN_RECORDS_H
#define MAIAM_GOLDEN_RECORDS_H

#include <string.h>
#include "maiam/changeset.h"
#include "maiam/hlc.h"
#include "maiam/schema.h"

#define GOLDEN_CAMPAIGN "soc-trang-2023"
#define GOLDEN_FOREIGN 0x0102030405060708ull
/* 2023-07-01T00:00:00Z, logical 0 */
#define GOLDEN_CREATED proto_hlc_make(1688169600000ull, 0)
/* The forged copy changes this text in the inflated body to GOLDEN_FORGED_TEXT. */
#define GOLDEN_TEXT "ST-0001"
#define GOLDEN_FORGED_TEXT "ST-0007"

#define G_TEXT(f, base, s) proto_changeset_add_text(cs, (f), (base), (s), strlen(s))

/* Build golden change-set 1 (seq 1) for 'origin'. Returns the first failure. */
static inline proto_result golden_build(proto_changeset *cs, uint64_t origin)
{
	const uint64_t c = GOLDEN_CREATED;
	proto_result r;

	r = proto_changeset_init(cs, GOLDEN_CAMPAIGN, origin, 1, NULL, c);
	if (r != PROTO_OK)
		return r;
	/* household 1, a new registration */
	if ((r = proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, (proto_id){ origin, 1 }, c + 1, origin)) ||
	    (r = G_TEXT(PROTO_HH_REF, 0, GOLDEN_TEXT)) ||
	    (r = G_TEXT(PROTO_HH_NAME, 0, "Nguy\xe1\xbb\x85n V\xc4\x83n \xc3\x82n")) ||
	    (r = G_TEXT(PROTO_HH_NATIONAL_ID, 0, "094123456789")) ||
	    (r = proto_changeset_add_int(cs, PROTO_HH_COMMUNE, 0, 31471)) ||
	    (r = G_TEXT(PROTO_HH_HAMLET, 0, "\xe1\xba\xa4p Ph\xc3\xba Th\xc3\xa0nh")) ||
	    (r = proto_changeset_add_int(cs, PROTO_HH_MEMBERS, 0, 5)) ||
	    (r = G_TEXT(PROTO_HH_CATEGORY, 0, "poor")) ||
	    (r = G_TEXT(PROTO_HH_SUPPORT_KIND, 0, "new_build")))
		return r;
	/* household 2, no national id yet */
	if ((r = proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, (proto_id){ origin, 2 }, c + 2, origin)) ||
	    (r = G_TEXT(PROTO_HH_REF, 0, "ST-0002")) ||
	    (r = G_TEXT(PROTO_HH_NAME, 0, "L\xc3\xa2m Th\xe1\xbb\x8b Hoa")) ||
	    (r = proto_changeset_add_null(cs, PROTO_HH_NATIONAL_ID, 0)) ||
	    (r = proto_changeset_add_int(cs, PROTO_HH_MEMBERS, 0, 3)) ||
	    (r = G_TEXT(PROTO_HH_CATEGORY, 0, "near_poor")))
		return r;
	/* a relayed edit of a foreign household (explicit id origin and writer) */
	if ((r = proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, (proto_id){ GOLDEN_FOREIGN, 9 }, c + 5,
				       GOLDEN_FOREIGN)) ||
	    (r = G_TEXT(PROTO_HH_HAMLET, c - 100, "\xe1\xba\xa4p M\xe1\xbb\xb9 L\xe1\xbb\xa3i")))
		return r;
	/* household 1 edited: members 5 -> 6, base = the stamp of the value replaced */
	if ((r = proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, (proto_id){ origin, 1 }, c + 10, origin)) ||
	    (r = proto_changeset_add_int(cs, PROTO_HH_MEMBERS, c + 1, 6)))
		return r;
	if ((r = proto_changeset_begin(cs, PROTO_KIND_MILESTONE, (proto_id){ origin, 3 }, c + 20, origin)) ||
	    (r = proto_changeset_add_ref(cs, PROTO_MS_HOUSEHOLD, 0, (proto_id){ origin, 1 })) ||
	    (r = G_TEXT(PROTO_MS_STAGE, 0, "surveyed")) || (r = G_TEXT(PROTO_MS_DATE, 0, "2023-06-15")))
		return r;
	if ((r = proto_changeset_begin(cs, PROTO_KIND_MILESTONE, (proto_id){ origin, 4 }, c + 21, origin)) ||
	    (r = proto_changeset_add_ref(cs, PROTO_MS_HOUSEHOLD, 0, (proto_id){ GOLDEN_FOREIGN, 9 })) ||
	    (r = G_TEXT(PROTO_MS_STAGE, 0, "surveyed")) || (r = G_TEXT(PROTO_MS_DATE, 0, "2023-06-16")) ||
	    (r = proto_changeset_add_null(cs, PROTO_MS_NOTE, 0)))
		return r;
	if ((r = proto_changeset_begin(cs, PROTO_KIND_CONTRIBUTION, (proto_id){ origin, 5 }, c + 30,
				       origin)) ||
	    (r = proto_changeset_add_ref(cs, PROTO_CT_HOUSEHOLD, 0, (proto_id){ origin, 1 })) ||
	    (r = proto_changeset_add_int(cs, PROTO_CT_UNIT, 0, 941)) ||
	    (r = G_TEXT(PROTO_CT_SOURCE, 0, "mps")) ||
	    (r = G_TEXT(PROTO_CT_DONOR, 0, "B\xe1\xbb\x99 C\xc3\xb4ng an")) ||
	    (r = proto_changeset_add_int(cs, PROTO_CT_MONEY, 0, 60000000)))
		return r;
	if ((r = proto_changeset_begin(cs, PROTO_KIND_CONTRIBUTION, (proto_id){ origin, 6 }, c + 31,
				       origin)) ||
	    (r = proto_changeset_add_null(cs, PROTO_CT_HOUSEHOLD, 0)) ||
	    (r = proto_changeset_add_int(cs, PROTO_CT_UNIT, 0, 943)) ||
	    (r = G_TEXT(PROTO_CT_SOURCE, 0, "business")) ||
	    (r = G_TEXT(PROTO_CT_DONOR, 0, "C\xc3\xb4ng ty TNHH Minh Ph\xc3\xa1t")) ||
	    (r = proto_changeset_add_int(cs, PROTO_CT_LABOUR, 0, 12)) ||
	    (r = G_TEXT(PROTO_CT_MATERIAL, 0, "xi m\xc4\x83ng 50 bao")) ||
	    (r = proto_changeset_add_int(cs, PROTO_CT_MATERIAL_VALUE, 0, 4500000)))
		return r;
	/* the last contribution was entered twice by mistake: void it */
	if ((r = proto_changeset_begin(cs, PROTO_KIND_VOID, (proto_id){ origin, 7 }, c + 40, origin)) ||
	    (r = proto_changeset_add_ref(cs, PROTO_VO_TARGET, 0, (proto_id){ origin, 6 })) ||
	    (r = proto_changeset_add_int(cs, PROTO_VO_TARGET_KIND, 0, PROTO_KIND_CONTRIBUTION)) ||
	    (r = G_TEXT(PROTO_VO_REASON, 0, "nh\xe1\xba\xadp tr\xc3\xb9ng")))
		return r;
	return PROTO_OK;
}

/*
 * Golden change-set 2 (format version 2): a household, its survey milestone,
 * a photo of the milestone with every field, a photo of the household with
 * only the required ones, and a void of that second photo. The forgery
 * changes GOLDEN2_SHA256's first digit in the body.
 */
#define GOLDEN2_SHA256 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define GOLDEN2_SHA256_B "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"

/* Begin photo record id (stamp, writer) with its required fields: evidence
 * for target of target_kind, a JPEG of 'bytes' bytes and width x height
 * pixels whose SHA-256 is sha (64 lowercase hex). Optional fields may follow. */
static inline proto_result golden_photo(proto_changeset *cs, proto_id id, uint64_t stamp,
					uint64_t writer, proto_id target, int64_t target_kind,
					const char *sha, int64_t bytes, int64_t width, int64_t height)
{
	proto_result r;

	if ((r = proto_changeset_begin(cs, PROTO_KIND_PHOTO, id, stamp, writer)) ||
	    (r = proto_changeset_add_ref(cs, PROTO_PH_TARGET, 0, target)) ||
	    (r = proto_changeset_add_int(cs, PROTO_PH_TARGET_KIND, 0, target_kind)) ||
	    (r = G_TEXT(PROTO_PH_SHA256, 0, sha)) ||
	    (r = proto_changeset_add_int(cs, PROTO_PH_BYTES, 0, bytes)) ||
	    (r = G_TEXT(PROTO_PH_TYPE, 0, "image/jpeg")) ||
	    (r = proto_changeset_add_int(cs, PROTO_PH_WIDTH, 0, width)))
		return r;
	return proto_changeset_add_int(cs, PROTO_PH_HEIGHT, 0, height);
}

static inline proto_result golden2_build(proto_changeset *cs, uint64_t origin)
{
	const uint64_t c = GOLDEN_CREATED;
	const proto_id hh = { origin, 1 }, ms = { origin, 2 }, second = { origin, 4 };
	proto_result r;

	r = proto_changeset_init(cs, GOLDEN_CAMPAIGN, origin, 1, NULL, c);
	if (r != PROTO_OK)
		return r;
	if ((r = proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, hh, c + 1, origin)) ||
	    (r = G_TEXT(PROTO_HH_REF, 0, "ST-0101")) ||
	    (r = G_TEXT(PROTO_HH_NAME, 0, "Tráº§n VÄn BÃ¬nh")) ||
	    (r = proto_changeset_add_int(cs, PROTO_HH_COMMUNE, 0, 31471)))
		return r;
	if ((r = proto_changeset_begin(cs, PROTO_KIND_MILESTONE, ms, c + 2, origin)) ||
	    (r = proto_changeset_add_ref(cs, PROTO_MS_HOUSEHOLD, 0, hh)) ||
	    (r = G_TEXT(PROTO_MS_STAGE, 0, "surveyed")) || (r = G_TEXT(PROTO_MS_DATE, 0, "2023-07-01")))
		return r;
	/* the survey's photo, with its evidence */
	if ((r = golden_photo(cs, (proto_id){ origin, 3 }, c + 3, origin, ms, PROTO_KIND_MILESTONE,
			      GOLDEN2_SHA256, 412345, 1600, 1200)) ||
	    (r = G_TEXT(PROTO_PH_TAKEN_AT, 0, "2023-07-01T09:30:00+07:00")) ||
	    (r = proto_changeset_add_int(cs, PROTO_PH_LAT, 0, 96031234)) ||
	    (r = proto_changeset_add_int(cs, PROTO_PH_LON, 0, 1059745678)) ||
	    (r = G_TEXT(PROTO_PH_CAMERA, 0, "Samsung SM-A135F")) ||
	    (r = G_TEXT(PROTO_PH_NOTE, 0, "nhÃ  táº¡m")))
		return r;
	/* a photo of the household itself, no evidence read from it */
	r = golden_photo(cs, second, c + 4, origin, hh, PROTO_KIND_HOUSEHOLD, GOLDEN2_SHA256_B, 1, 1, 1);
	if (r != PROTO_OK)
		return r;
	/* the wrong household's photo: voided */
	if ((r = proto_changeset_begin(cs, PROTO_KIND_VOID, (proto_id){ origin, 5 }, c + 5, origin)) ||
	    (r = proto_changeset_add_ref(cs, PROTO_VO_TARGET, 0, second)) ||
	    (r = proto_changeset_add_int(cs, PROTO_VO_TARGET_KIND, 0, PROTO_KIND_PHOTO)))
		return r;
	return PROTO_OK;
}

/*
 * Golden change-set 3 (format version 3): decisions the hub signs with the
 * operator's name. A laptop's household (F,9) rejected with a reason, and the
 * decision record naming who rejected it; a conflict about it resolved by
 * another operator keeping the losing value; a reconcile item of no
 * household resolved by the first. The forgery changes the first operator's
 * name (GOLDEN3_WHO to GOLDEN3_FORGED_WHO) in the body.
 */
#define GOLDEN3_OPERATOR \
	"Tr\xe1\xba\xa7n Th\xe1\xbb\x8b B\xc3\xad" \
	"ch"
#define GOLDEN3_WHO \
	"B\xc3\xad" \
	"ch"
#define GOLDEN3_FORGED_WHO \
	"B\xc3\xa1" \
	"ch"
#define GOLDEN3_REASON "thi\xe1\xba\xbfu gi\xe1\xba\xa5y t\xe1\xbb\x9d \xc4\x91\xe1\xba\xa5t"

/* Begin decision record id at stamp, written by origin, naming who and what. */
static inline proto_result golden_decision(proto_changeset *cs, proto_id id, uint64_t stamp,
					   uint64_t origin, const proto_id *target, const char *who,
					   const char *action)
{
	proto_result r;

	if ((r = proto_changeset_begin(cs, PROTO_KIND_DECISION, id, stamp, origin)) ||
	    (r = target ? proto_changeset_add_ref(cs, PROTO_DE_TARGET, 0, *target) : PROTO_OK) ||
	    (r = G_TEXT(PROTO_DE_OPERATOR, 0, who)))
		return r;
	return G_TEXT(PROTO_DE_ACTION, 0, action);
}

static inline proto_result golden3_build(proto_changeset *cs, uint64_t origin)
{
	const uint64_t c = GOLDEN_CREATED;
	const proto_id hh = { GOLDEN_FOREIGN, 9 };
	proto_result r;

	r = proto_changeset_init(cs, GOLDEN_CAMPAIGN, origin, 1, NULL, c);
	if (r != PROTO_OK)
		return r;
	/* the review, as every decision before version 3 wrote it */
	if ((r = proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, hh, c + 1, origin)) ||
	    (r = G_TEXT(PROTO_HH_REVIEW_STATUS, c - 100, "rejected")) ||
	    (r = G_TEXT(PROTO_HH_REVIEW_REASON, 0, GOLDEN3_REASON)))
		return r;
	/* ... and who decided it */
	if ((r = golden_decision(cs, (proto_id){ origin, 1 }, c + 1, origin, &hh, GOLDEN3_OPERATOR,
				 "rejected")) ||
	    (r = G_TEXT(PROTO_DE_NOTE, 0, GOLDEN3_REASON)))
		return r;
	if ((r = golden_decision(cs, (proto_id){ origin, 2 }, c + 2, origin, &hh,
				 "L\xc3\xa2m V\xc4\x83n S\xc6\xa1n", "resolved")) ||
	    (r = G_TEXT(PROTO_DE_ITEM, 0, "C-3")) ||
	    (r = G_TEXT(PROTO_DE_NOTE, 0, "gi\xe1\xbb\xaf t\xc3\xaan theo CCCD")) ||
	    (r = G_TEXT(PROTO_DE_KEEP, 0, "loser")))
		return r;
	if ((r = golden_decision(cs, (proto_id){ origin, 3 }, c + 3, origin, NULL, GOLDEN3_OPERATOR,
				 "resolved")) ||
	    (r = G_TEXT(PROTO_DE_ITEM, 0, "R-12")) ||
	    (r = G_TEXT(PROTO_DE_NOTE, 0, "m\xc3\xa1y c\xc5\xa9")))
		return r;
	return PROTO_OK;
}

#undef G_TEXT
#endif
