/*
 * ingest_area.c - the area index of a ledger row (docs/HUB.md, "Pull and the
 * area index"): which communes and districts an accepted change-set touches,
 * written in its own transaction so that a pull reads only its area's rows.
 */
#include <stdlib.h>
#include <string.h>
#include "ctx.h"
#include "store.h"
#include "ingest.h"

const proto_field *hub_record_field(const proto_record *rec, uint8_t field)
{
	size_t i;
	for (i = 0; i < rec->nfields; i++)
		if (rec->fields[i].field == field)
			return &rec->fields[i];
	return NULL;
}

typedef struct area_set {
	size_t n, cap;
	int64_t (*a)[2]; /* commune (0: district as a whole), district */
} area_set;

static hub_result area_put(area_set *s, int64_t commune, int64_t district)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->a[i][0] == commune && s->a[i][1] == district)
			return HUB_OK;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		int64_t(*a)[2] = proto_calloc(cap, sizeof(*a));
		if (!a)
			return HUB_ENOMEM;
		if (s->n)
			memcpy(a, s->a, s->n * sizeof(*a));
		free(s->a);
		s->a = a;
		s->cap = cap;
	}
	s->a[s->n][0] = commune;
	s->a[s->n][1] = district;
	s->n++;
	return HUB_OK;
}

static int64_t district_of(const hub_ctx *ctx, int64_t commune)
{
	if (!ctx->cfg->have_campaign || commune <= 0 || commune > 0x7fffffff)
		return 0;
	return proto_units_district_of(&ctx->cfg->campaign.units, (int)commune);
}

/* A contribution's unit: a commune, or a district as a whole (commune 0). */
static hub_result area_put_unit(const hub_ctx *ctx, area_set *s, int64_t unit)
{
	const proto_unit *u;

	if (unit <= 0 || unit > 0x7fffffff)
		return HUB_OK;
	u = ctx->cfg->have_campaign ? proto_units_find(&ctx->cfg->campaign.units, (int)unit) : NULL;
	if (u && u->level != PROTO_UNIT_COMMUNE)
		return area_put(s, 0, unit);
	return area_put(s, unit, district_of(ctx, unit));
}

void hub_commune_memo_clear(hub_commune_memo *m)
{
	if (m)
		memset(m, 0, sizeof(*m));
}

hub_result hub_commune_memo_get(hub_ctx *ctx, hub_commune_memo *m, proto_id id, int64_t *commune,
				bool *found)
{
	size_t i;
	hub_result rc;

	if (!m)
		return hub_household_commune(ctx->db, id, commune, found);
	/* the top bits of a multiplicative hash of both halves of the id */
	i = (size_t)(((id.origin ^ (id.serial * 0x9e3779b97f4a7c15ULL)) * 0xbf58476d1ce4e5b9ULL) >> 57);
	_Static_assert(HUB_COMMUNE_MEMO_SLOTS == 128, "7 bits of the hash pick the slot");
	if (m->slot[i].state && m->slot[i].id.origin == id.origin && m->slot[i].id.serial == id.serial) {
		*found = m->slot[i].state == 2;
		*commune = m->slot[i].commune;
		return HUB_OK;
	}
	*commune = 0;
	rc = hub_household_commune(ctx->db, id, commune, found);
	if (rc == HUB_OK) {
		m->slot[i].id = id;
		m->slot[i].commune = *found ? *commune : 0;
		m->slot[i].state = *found ? 2 : 1;
	}
	return rc;
}

static hub_result area_put_household(hub_ctx *ctx, hub_commune_memo *memo, area_set *s, proto_id hh)
{
	int64_t commune = 0;
	bool found;
	hub_result rc = hub_commune_memo_get(ctx, memo, hh, &commune, &found);

	if (rc != HUB_OK || !found)
		return rc;
	return area_put(s, commune, district_of(ctx, commune));
}

/* The communes (as the hub stores them before the merge) of the households
 * this change-set writes: old[i] for record i, -1 if none or not a household. */
hub_result hub_ingest_communes_before(hub_ctx *ctx, const proto_changeset *cs, hub_commune_memo *memo,
				      int64_t **old)
{
	size_t i;

	*old = cs->nrecords ? proto_calloc(cs->nrecords, sizeof(int64_t)) : NULL;
	if (cs->nrecords && !*old)
		return HUB_ENOMEM;
	for (i = 0; i < cs->nrecords; i++) {
		int64_t c = -1;
		bool found;
		if (cs->records[i].kind == PROTO_KIND_HOUSEHOLD &&
		    (hub_commune_memo_get(ctx, memo, cs->records[i].id, &c, &found) != HUB_OK || !found))
			c = -1;
		(*old)[i] = c;
	}
	return HUB_OK;
}

/*
 * Index ledger row 'ledger' (already merged) under every commune it touches:
 * each household's commune before and after the merge, each event's
 * household or unit. A household that moved takes the history indexed under
 * its old commune along (hub_area_follow), so the new commune's laptops see
 * the rows that built it, as a full scan of the ledger would have shown them;
 * and the move is noted (hub_move), so the old commune's laptops are told.
 */
hub_result hub_ingest_index_area(hub_ctx *ctx, const proto_changeset *cs, const int64_t *old,
				 int64_t ledger, hub_commune_memo *memo)
{
	area_set s = { 0, 0, NULL };
	size_t i;
	hub_result rc = HUB_OK;

	hub_commune_memo_clear(memo); /* the merge may have moved a household */

	for (i = 0; i < cs->nrecords; i++) {
		const proto_record *rec = &cs->records[i];
		const proto_field *f, *f2;
		int64_t now = 0, unit = 0;
		proto_id hh = { 0, 0 };
		int has_hh = 0;
		bool found;

		switch (rec->kind) {
		case PROTO_KIND_HOUSEHOLD:
			rc = hub_commune_memo_get(ctx, memo, rec->id, &now, &found);
			if (rc == HUB_OK && old[i] > 0)
				rc = area_put(&s, old[i], district_of(ctx, old[i]));
			if (rc == HUB_OK && found)
				rc = area_put(&s, now, district_of(ctx, now));
			if (rc == HUB_OK && found && old[i] > 0 && old[i] != now) {
				rc = hub_area_follow(ctx->db, ledger, old[i], now, district_of(ctx, now));
				if (rc == HUB_OK)
					rc = hub_move_add(ctx->db, ledger, rec->id, old[i]);
			}
			/* the communes the pull thread remembers are stale now */
			if (rc == HUB_OK && old[i] > 0 && (!found || old[i] != now))
				rc = hub_meta_set_u64(ctx->db, HUB_META_COMMUNE_CHANGED, (uint64_t)ledger);
			break;
		case PROTO_KIND_MILESTONE:
		case PROTO_KIND_CONTRIBUTION:
			f = hub_record_field(rec, rec->kind == PROTO_KIND_MILESTONE ? PROTO_MS_HOUSEHOLD
										    : PROTO_CT_HOUSEHOLD);
			if (f && f->value.type == PROTO_V_REF) {
				rc = area_put_household(ctx, memo, &s, f->value.ref);
				break;
			}
			f = rec->kind == PROTO_KIND_CONTRIBUTION ? hub_record_field(rec, PROTO_CT_UNIT)
								 : NULL;
			if (f && f->value.type == PROTO_V_INT)
				rc = area_put_unit(ctx, &s, f->value.i);
			break;
		case PROTO_KIND_VOID:
			f = hub_record_field(rec, PROTO_VO_TARGET);
			if (!f || f->value.type != PROTO_V_REF)
				break;
			rc = hub_any_anchor(ctx->db, f->value.ref, &has_hh, &hh, &unit, &found);
			if (rc == HUB_OK && found)
				rc = has_hh ? area_put_household(ctx, memo, &s, hh)
					    : area_put_unit(ctx, &s, unit);
			break;
		case PROTO_KIND_PHOTO: /* its household's area, through a milestone or not */
			f = hub_record_field(rec, PROTO_PH_TARGET);
			f2 = hub_record_field(rec, PROTO_PH_TARGET_KIND);
			if (!f || f->value.type != PROTO_V_REF || !f2 || f2->value.type != PROTO_V_INT)
				break;
			rc = hub_photo_household(ctx->db, f2->value.i, f->value.ref, &hh, &found);
			if (rc == HUB_OK && found)
				rc = area_put_household(ctx, memo, &s, hh);
			break;
		default:
			break;
		}
		if (rc != HUB_OK)
			goto out;
	}
	for (i = 0; i < s.n && rc == HUB_OK; i++)
		rc = hub_area_add(ctx->db, ledger, s.a[i][0], s.a[i][1]);
out:
	free(s.a);
	return rc;
}
