/*
 * hostile_ids.c - no laptop can harm another: records
 * squatting other laptops' ids, records outside the attacker's area (with and
 * without an anchor inside the change-set), relayed records, hub-only fields,
 * and merges the merge rules refuse (an event id reused with other content).
 */
#include <stdio.h>
#include <string.h>
#include "hostile.h"

static int seal_push(hs_env *e, proto_changeset *cs, int bad, hs_answer *a)
{
	if (bad) {
		proto_changeset_release(cs);
		return -1;
	}
	return hs_cs_seal(e, cs) ? -1 : hs_push(e, a);
}

static uint64_t now_stamp(hs_env *e)
{
	return proto_hlc_now(&e->atk.clock, proto_wall_ms());
}

/* An edit of household hh stamped now, in writer's name: field set to v.
 * Nonzero when it cannot be added. */
static int household_edit(hs_env *e, proto_changeset *cs, proto_id hh, uint64_t writer, uint8_t field,
			  int64_t v)
{
	return proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, hh, now_stamp(e), writer) ||
	       proto_changeset_add_int(cs, field, 0, v);
}

/* A contribution id of 500,000 VND from a donor, stamped now by the attacker,
 * to household hh (NULL: to unit as a whole). Nonzero when it cannot be added. */
static int add_donation(hs_env *e, proto_changeset *cs, proto_id id, const proto_id *hh, int unit)
{
	return proto_changeset_begin(cs, PROTO_KIND_CONTRIBUTION, id, now_stamp(e), e->atk.id) ||
	       (hh ? proto_changeset_add_ref(cs, PROTO_CT_HOUSEHOLD, 0, *hh)
		   : proto_changeset_add_null(cs, PROTO_CT_HOUSEHOLD, 0)) ||
	       proto_changeset_add_int(cs, PROTO_CT_UNIT, 0, unit) ||
	       proto_changeset_add_text(cs, PROTO_CT_SOURCE, 0, "donor", 5) ||
	       proto_changeset_add_int(cs, PROTO_CT_MONEY, 0, 500000);
}

/* A new household whose id is the same-commune laptop's next id. */
static int squat_household(hs_env *e, hs_answer *a)
{
	proto_changeset cs;
	int bad = hs_cs_begin(e, &cs) ||
		  hs_add_household(e, &cs, (proto_id){ e->same.id, e->same.serial + 1 }, HS_COMMUNE);
	return seal_push(e, &cs, bad, a);
}

/* A milestone whose id is the other-district laptop's next id. */
static int squat_milestone(hs_env *e, hs_answer *a)
{
	proto_changeset cs;
	int bad = hs_cs_begin(e, &cs) ||
		  hs_add_milestone(e, &cs, (proto_id){ e->other.id, e->other.serial + 1 },
				   (proto_id){ e->atk.id, 1 }, "surveyed", HS_DATE);
	return seal_push(e, &cs, bad, a);
}

/* A contribution with the hub's own key id as its id origin. */
static int squat_hub_contribution(hs_env *e, hs_answer *a)
{
	proto_changeset cs;
	int bad = hs_cs_begin(e, &cs) || add_donation(e, &cs, (proto_id){ proto_key_id(e->hubkey), 77 },
						      &(proto_id){ e->atk.id, 1 }, HS_DISTRICT);
	return seal_push(e, &cs, bad, a);
}

/* A void of the attacker's own milestone, with an id of an origin nobody has. */
static int squat_void(hs_env *e, hs_answer *a)
{
	proto_changeset cs;
	int bad = hs_cs_begin(e, &cs) || hs_add_void(e, &cs, (proto_id){ 0x0102030405060708ull, 5 },
						     (proto_id){ e->atk.id, 3 }, PROTO_KIND_MILESTONE);
	return seal_push(e, &cs, bad, a);
}

/* A new household of an unknown origin, in the attacker's commune. */
static int squat_unknown_origin(hs_env *e, hs_answer *a)
{
	proto_changeset cs;
	int bad = hs_cs_begin(e, &cs) ||
		  hs_add_household(e, &cs, (proto_id){ 0x0a0b0c0d0e0f1011ull, 1 }, HS_COMMUNE);
	return seal_push(e, &cs, bad, a);
}

/* A new household in another district's commune. */
static int household_far(hs_env *e, hs_answer *a)
{
	proto_changeset cs;
	int bad = hs_cs_begin(e, &cs) ||
		  hs_add_household(e, &cs, (proto_id){ e->atk.id, hs_serial(e) }, HS_OTHER_COMMUNE);
	return seal_push(e, &cs, bad, a);
}

/* A new household in the same district's other commune. */
static int household_near(hs_env *e, hs_answer *a)
{
	proto_changeset cs;
	int bad = hs_cs_begin(e, &cs) ||
		  hs_add_household(e, &cs, (proto_id){ e->atk.id, hs_serial(e) }, HS_NEAR_COMMUNE);
	return seal_push(e, &cs, bad, a);
}

/* Pull the other district's household into the attacker's commune by an edit. */
static int move_far_household(hs_env *e, hs_answer *a)
{
	proto_changeset cs;
	int bad = hs_cs_begin(e, &cs) || household_edit(e, &cs, (proto_id){ e->other.id, 1 }, e->atk.id,
							PROTO_HH_COMMUNE, HS_COMMUNE);
	return seal_push(e, &cs, bad, a);
}

/* A milestone on the far household, after a record of the same change-set
 * "anchors" it in the attacker's commune: the hub's view must win. */
static int anchored_milestone(hs_env *e, hs_answer *a)
{
	proto_changeset cs;
	proto_id far = { e->other.id, 1 };
	int bad = hs_cs_begin(e, &cs) ||
		  household_edit(e, &cs, far, e->atk.id, PROTO_HH_COMMUNE, HS_COMMUNE) ||
		  hs_add_milestone(e, &cs, (proto_id){ e->atk.id, hs_serial(e) }, far, "surveyed",
				   HS_DATE);
	return seal_push(e, &cs, bad, a);
}

/* A milestone on the far household, no anchor. */
static int milestone_far(hs_env *e, hs_answer *a)
{
	proto_changeset cs;
	int bad = hs_cs_begin(e, &cs) ||
		  hs_add_milestone(e, &cs, (proto_id){ e->atk.id, hs_serial(e) },
				   (proto_id){ e->other.id, 1 }, "surveyed", HS_DATE);
	return seal_push(e, &cs, bad, a);
}

/* A contribution to another district as a whole. */
static int contribution_far_unit(hs_env *e, hs_answer *a)
{
	proto_changeset cs;
	int bad = hs_cs_begin(e, &cs) ||
		  add_donation(e, &cs, (proto_id){ e->atk.id, hs_serial(e) }, NULL, 942);
	return seal_push(e, &cs, bad, a);
}

/* A void of an event the hub does not hold. */
static int void_unknown_event(hs_env *e, hs_answer *a)
{
	proto_changeset cs;
	int bad = hs_cs_begin(e, &cs) || hs_add_void(e, &cs, (proto_id){ e->atk.id, hs_serial(e) },
						     (proto_id){ e->other.id, 999 }, PROTO_KIND_MILESTONE);
	return seal_push(e, &cs, bad, a);
}

/* An edit of the same-commune laptop's household claiming that laptop as writer. */
static int relayed(hs_env *e, hs_answer *a)
{
	proto_changeset cs;
	int bad = hs_cs_begin(e, &cs) ||
		  household_edit(e, &cs, (proto_id){ e->same.id, 1 }, e->same.id, PROTO_HH_MEMBERS, 9);
	return seal_push(e, &cs, bad, a);
}

static int hub_only(hs_env *e, hs_answer *a, uint8_t field, const char *v)
{
	proto_changeset cs;
	int bad = hs_cs_begin(e, &cs) ||
		  proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, (proto_id){ e->atk.id, 1 },
					now_stamp(e), e->atk.id) ||
		  proto_changeset_add_text(&cs, field, 0, v, strlen(v));
	return seal_push(e, &cs, bad, a);
}
static int review_status(hs_env *e, hs_answer *a)
{
	return hub_only(e, a, PROTO_HH_REVIEW_STATUS, "approved");
}
static int review_reason(hs_env *e, hs_answer *a)
{
	return hub_only(e, a, PROTO_HH_REVIEW_REASON, "tự duyệt");
}
/* A laptop signing a decision as if it were the hub's, in its own name. */
static int decision_record(hs_env *e, hs_answer *a)
{
	proto_changeset cs;
	int bad = hs_cs_begin(e, &cs) ||
		  proto_changeset_begin(&cs, PROTO_KIND_DECISION, (proto_id){ e->atk.id, hs_serial(e) },
					now_stamp(e), e->atk.id) ||
		  proto_changeset_add_ref(&cs, PROTO_DE_TARGET, 0, (proto_id){ e->atk.id, 1 }) ||
		  proto_changeset_add_text(&cs, PROTO_DE_OPERATOR, 0, "admin", 5) ||
		  proto_changeset_add_text(&cs, PROTO_DE_ACTION, 0, "approved", 8);
	return seal_push(e, &cs, bad, a);
}

/* An event id used again with other content: the merge refuses it
 * (PROTO_EVALUE), which must be a recorded 422, never a 500. */
static int event_id_reused(hs_env *e, hs_answer *a)
{
	proto_changeset cs;
	proto_id ms = { e->atk.id, hs_serial(e) };
	int bad = hs_cs_begin(e, &cs) ||
		  hs_add_milestone(e, &cs, ms, (proto_id){ e->atk.id, 1 }, "surveyed", HS_DATE);

	if (seal_push(e, &cs, bad, a) || a->status != 200)
		return -1;
	if (hs_snapshot(e, "invalid"))
		return -1;
	bad = hs_cs_begin(e, &cs) ||
	      hs_add_milestone(e, &cs, ms, (proto_id){ e->atk.id, 1 }, "approved", "2023-07-16");
	return seal_push(e, &cs, bad, a);
}

/* One (stamp, writer) naming two values of one household field. */
static int stamp_reused(hs_env *e, hs_answer *a)
{
	proto_changeset cs;
	uint64_t st = now_stamp(e);
	proto_id hh = { e->atk.id, 2 };
	int bad = hs_cs_begin(e, &cs) ||
		  proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, hh, st, e->atk.id) ||
		  proto_changeset_add_int(&cs, PROTO_HH_MEMBERS, 0, 5);

	if (seal_push(e, &cs, bad, a) || a->status != 200)
		return -1;
	if (hs_snapshot(e, "invalid"))
		return -1;
	bad = hs_cs_begin(e, &cs) || proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, hh, st, e->atk.id) ||
	      proto_changeset_add_int(&cs, PROTO_HH_MEMBERS, 0, 6);
	return seal_push(e, &cs, bad, a);
}

#define S(name, needs, fn, st, code) \
	{ \
		name, needs, fn, st, code, HS_REC | HS_CHAIN, 0, NULL, NULL \
	}
static const hs_row rows[] = {
	S("household with the same-commune laptop's next id", "ingest", squat_household, 403, "foreign_id"),
	S("milestone with another laptop's next id", "ingest", squat_milestone, 403, "foreign_id"),
	S("contribution with the hub key's origin", "ingest", squat_hub_contribution, 403, "foreign_id"),
	S("void with an unknown origin's id", "ingest", squat_void, 403, "foreign_id"),
	S("household with an unknown origin's id", "ingest", squat_unknown_origin, 403, "foreign_id"),
	S("event id reused with other content", "ingest", event_id_reused, 422, "invalid"),
	S("one stamp naming two values", "ingest", stamp_reused, 422, "invalid"),
	S("new household in another district", "", household_far, 403, "out_of_scope"),
	S("new household in a neighbour commune", "", household_near, 403, "out_of_scope"),
	S("edit moving a far household in", "", move_far_household, 403, "out_of_scope"),
	S("milestone on a far household, anchored", "", anchored_milestone, 403, "out_of_scope"),
	S("milestone on a far household", "", milestone_far, 403, "out_of_scope"),
	S("contribution to another district", "", contribution_far_unit, 403, "out_of_scope"),
	S("void of an event the hub lacks", "", void_unknown_event, 403, "out_of_scope"),
	S("record relayed as another writer", "", relayed, 403, "relayed_record"),
	S("review_status from a laptop", "", review_status, 403, "hub_only_field"),
	S("review_reason from a laptop", "", review_reason, 403, "hub_only_field"),
	S("decision record from a laptop", "", decision_record, 403, "hub_only_field"),
};

const hs_family hs_family_ids = { "ids", NULL, rows, sizeof(rows) / sizeof(rows[0]) };
