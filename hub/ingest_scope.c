/*
 * ingest_scope.c - whose records a change-set may carry: each record inside
 * the sender's area, written by the sender, no hub-only field, and a new
 * entity only under the sender's own id (no laptop can take another's next
 * id). Where the hub already holds an entity, its stored place decides,
 * never what the change-set claims about it (docs/HUB.md, "Rules at ingest").
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctx.h"
#include "enrol.h"
#include "store.h"
#include "ingest.h"

/* Where a household of this change-set sits (its commune field), sorted by id. */
typedef struct anchor {
	proto_id id;
	int64_t place; /* commune (-1: not an integer) */
} anchor;

typedef struct anchors {
	size_t n;
	anchor *a;
	hub_commune_memo *memo; /* the hub's stored communes, read once each */
} anchors;

void hub_verdict_reject(hub_verdict *v, int status, const char *code, const char *fmt, ...)
{
	va_list ap;

	v->status = status;
	v->code = code;
	va_start(ap, fmt);
	vsnprintf(v->message, sizeof(v->message), fmt, ap);
	va_end(ap);
}

static int cmp_id(proto_id a, proto_id b)
{
	if (a.origin != b.origin)
		return a.origin < b.origin ? -1 : 1;
	if (a.serial != b.serial)
		return a.serial < b.serial ? -1 : 1;
	return 0;
}

static int cmp_anchor(const void *x, const void *y)
{
	const anchor *a = x, *b = y;
	return cmp_id(a->id, b->id);
}

static int build_anchors(const proto_changeset *cs, anchors *out)
{
	size_t i;

	out->n = 0;
	out->a = cs->nrecords ? proto_calloc(cs->nrecords, sizeof(anchor)) : NULL;
	if (cs->nrecords && !out->a)
		return -1;
	for (i = 0; i < cs->nrecords; i++) {
		const proto_record *rec = &cs->records[i];
		const proto_field *f;

		if (rec->kind != PROTO_KIND_HOUSEHOLD)
			continue;
		f = hub_record_field(rec, PROTO_HH_COMMUNE);
		if (!f)
			continue;
		out->a[out->n].id = rec->id;
		out->a[out->n].place = f->value.type == PROTO_V_INT ? f->value.i : -1;
		out->n++;
	}
	qsort(out->a, out->n, sizeof(anchor), cmp_anchor);
	return 0;
}

static const anchor *find_anchor(const anchors *as, proto_id id)
{
	size_t lo = 0, hi = as->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_id(as->a[mid].id, id);
		if (c == 0)
			return &as->a[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The commune of a household: the hub's stored one when the hub holds it (a
 * change-set cannot vouch for someone else's household), else the one this
 * change-set gives it; *found false when neither knows one. */
static hub_result household_commune(hub_ctx *ctx, const anchors *as, proto_id id, int64_t *commune,
				    bool *found)
{
	const anchor *an;
	bool held;
	hub_result rc = hub_commune_memo_get(ctx, as->memo, id, commune, found);

	if (rc != HUB_OK || *found)
		return rc;
	rc = hub_entity_held(ctx->db, PROTO_KIND_HOUSEHOLD, id, &held);
	if (rc != HUB_OK || held)
		return rc; /* held without a commune: in no area */
	an = find_anchor(as, id);
	if (an) {
		*commune = an->place;
		*found = true;
	}
	return HUB_OK;
}

static hub_result event_in_scope(hub_ctx *ctx, const anchors *as, const hub_scope *scope, int has_hh,
				 proto_id hh, int64_t unit, int *inside)
{
	int64_t commune = 0;
	bool found;

	*inside = 0;
	if (has_hh) {
		if (household_commune(ctx, as, hh, &commune, &found) != HUB_OK)
			return HUB_EDB;
		*inside = found && hub_in_scope(ctx, scope, commune);
		return HUB_OK;
	}
	/* a contribution to a commune or a district as a whole */
	*inside = hub_in_scope(ctx, scope, unit) ||
		  (scope->kind == HUB_SCOPE_DISTRICT && unit == scope->code);
	return HUB_OK;
}

/* An event record's own anchor, from its own fields (never another record's
 * that shares its id). */
static void event_anchor(const proto_record *rec, int *has_hh, proto_id *hh, int64_t *unit)
{
	const proto_field *f = hub_record_field(rec, rec->kind == PROTO_KIND_MILESTONE
							     ? PROTO_MS_HOUSEHOLD
							     : PROTO_CT_HOUSEHOLD);

	*has_hh = 0;
	*unit = 0;
	if (f && f->value.type == PROTO_V_REF) {
		*has_hh = 1;
		*hh = f->value.ref;
	}
	f = rec->kind == PROTO_KIND_CONTRIBUTION ? hub_record_field(rec, PROTO_CT_UNIT) : NULL;
	if (f && f->value.type == PROTO_V_INT)
		*unit = f->value.i;
}

/* A record of kind in cs with this id, or NULL. */
static const proto_record *cs_record(const proto_changeset *cs, uint8_t kind, proto_id id)
{
	for (size_t i = 0; i < cs->nrecords; i++)
		if (cs->records[i].kind == kind && cmp_id(cs->records[i].id, id) == 0)
			return &cs->records[i];
	return NULL;
}

/* Does a void of cs name this milestone? */
static int cs_voids_milestone(const proto_changeset *cs, proto_id id)
{
	for (size_t i = 0; i < cs->nrecords; i++) {
		const proto_record *rec = &cs->records[i];
		const proto_field *t = hub_record_field(rec, PROTO_VO_TARGET);
		const proto_field *k = hub_record_field(rec, PROTO_VO_TARGET_KIND);

		if (rec->kind == PROTO_KIND_VOID && t && t->value.type == PROTO_V_REF && k &&
		    k->value.type == PROTO_V_INT && k->value.i == PROTO_KIND_MILESTONE &&
		    cmp_id(t->value.ref, id) == 0)
			return 1;
	}
	return 0;
}

/*
 * The household photo record rec is evidence for: its target household, or
 * its target milestone's, the hub's stored milestone first, else one of cs.
 * *found false when the target is not known (a household is known when the
 * hub holds it or cs carries it). *voided (may be NULL) when the milestone
 * is voided at the hub or by cs.
 */
static hub_result photo_household(hub_ctx *ctx, const proto_changeset *cs, const proto_record *rec,
				  proto_id *hh, bool *found, bool *voided)
{
	const proto_field *t = hub_record_field(rec, PROTO_PH_TARGET);
	const proto_field *k = hub_record_field(rec, PROTO_PH_TARGET_KIND);
	const proto_record *ms;
	int has_hh = 0;
	int64_t unit;
	hub_result rc;

	*found = false;
	if (voided)
		*voided = false;
	if (!t || t->value.type != PROTO_V_REF || !k || k->value.type != PROTO_V_INT)
		return HUB_OK;
	if (k->value.i == PROTO_KIND_HOUSEHOLD) {
		*hh = t->value.ref;
		rc = hub_entity_held(ctx->db, PROTO_KIND_HOUSEHOLD, *hh, found);
		if (rc == HUB_OK && !*found)
			*found = cs_record(cs, PROTO_KIND_HOUSEHOLD, *hh) != NULL;
		return rc;
	}
	if (k->value.i != PROTO_KIND_MILESTONE)
		return HUB_OK;
	rc = hub_photo_household(ctx->db, PROTO_KIND_MILESTONE, t->value.ref, hh, found);
	if (rc == HUB_OK && !*found && (ms = cs_record(cs, PROTO_KIND_MILESTONE, t->value.ref))) {
		event_anchor(ms, &has_hh, hh, &unit);
		*found = has_hh;
	}
	if (rc == HUB_OK && *found && voided) {
		rc = hub_milestone_voided(ctx->db, t->value.ref, voided);
		*voided = *voided || cs_voids_milestone(cs, t->value.ref);
	}
	return rc;
}

/* The target of a void: the hub's stored event if it holds one, else an event
 * of this change-set; *found false when neither has it. */
static hub_result void_target(hub_ctx *ctx, const proto_changeset *cs, proto_id target, int *has_hh,
			      proto_id *hh, int64_t *unit, bool *found)
{
	size_t i;
	hub_result rc = hub_any_anchor(ctx->db, target, has_hh, hh, unit, found);

	if (rc != HUB_OK || *found)
		return rc;
	for (i = 0; i < cs->nrecords && !*found; i++) {
		const proto_record *rec = &cs->records[i];
		if ((rec->kind == PROTO_KIND_MILESTONE || rec->kind == PROTO_KIND_CONTRIBUTION) &&
		    cmp_id(rec->id, target) == 0) {
			event_anchor(rec, has_hh, hh, unit);
			*found = true;
		}
	}
	for (i = 0; i < cs->nrecords && !*found; i++) {
		const proto_record *rec = &cs->records[i];
		if (rec->kind == PROTO_KIND_PHOTO && cmp_id(rec->id, target) == 0) {
			*unit = 0;
			rc = photo_household(ctx, cs, rec, hh, found, NULL);
			*has_hh = *found;
		}
	}
	return rc;
}

/*
 * *own: origin is the sender's, or a key the sender succeeds (a laptop whose
 * key was revoked re-seals its pending records under its new key, keeping
 * their ids and writer: docs/HUB.md, "Re-enrolment").
 */
static hub_result own_origin(hub_ctx *ctx, const proto_changeset *cs, uint64_t origin, bool *own)
{
	*own = origin == cs->hdr.origin;
	if (*own)
		return HUB_OK;
	return hub_agent_succeeds(ctx->db, cs->hdr.origin, origin, own);
}

static void id_text(proto_id id, char out[40])
{
	char hex[17];
	proto_key_id_hex(id.origin, hex);
	snprintf(out, 40, "%s-%llu", hex, (unsigned long long)id.serial);
}

/*
 * Ids: a record that creates an entity the hub does not hold must carry the
 * sender's origin (or, re-sealed by a re-enrolled laptop, that of a key the
 * sender succeeds); only a household the hub holds may be edited under a
 * foreign origin (the scope check then decides by its stored commune).
 * Events are immutable and only ever sent by their author, so an event with
 * a foreign origin is refused even if the hub holds it: a resend comes from
 * its own laptop. HUB_OK fine, HUB_REFUSED (v filled), HUB_EDB.
 */
static hub_result check_id(hub_ctx *ctx, const proto_changeset *cs, const proto_record *rec,
			   const char *idt, hub_verdict *v)
{
	bool held;

	if (own_origin(ctx, cs, rec->id.origin, &held) != HUB_OK)
		return HUB_EDB;
	if (held)
		return HUB_OK;
	if (rec->kind == PROTO_KIND_HOUSEHOLD) {
		if (hub_entity_held(ctx->db, rec->kind, rec->id, &held) != HUB_OK)
			return HUB_EDB;
		if (held)
			return HUB_OK;
		hub_verdict_reject(v, 403, "foreign_id",
				   "household %s is new to the hub but its id"
				   " belongs to another laptop: a laptop creates records only under"
				   " its own id",
				   idt);
		return HUB_REFUSED;
	}
	hub_verdict_reject(v, 403, "foreign_id",
			   "%s %s carries another laptop's id: events are"
			   " sent only by the laptop that recorded them",
			   proto_kind_name(rec->kind) ? proto_kind_name(rec->kind) : "record", idt);
	return HUB_REFUSED;
}

/*
 * A photo is evidence for a household or a milestone the hub holds (or this
 * change-set carries), inside the sender's area; a voided milestone takes no
 * new evidence. HUB_OK, HUB_REFUSED (v filled) or HUB_EDB.
 */
static hub_result check_photo(hub_ctx *ctx, const proto_changeset *cs, const anchors *as,
			      const hub_scope *scope, const proto_record *rec, const char *idt,
			      hub_verdict *v)
{
	const proto_field *t = hub_record_field(rec, PROTO_PH_TARGET);
	const proto_field *k = hub_record_field(rec, PROTO_PH_TARGET_KIND);
	int is_ms = k && k->value.type == PROTO_V_INT && k->value.i == PROTO_KIND_MILESTONE;
	proto_id hh = { 0, 0 };
	char target[40];
	bool found, voided;
	int inside = 0;

	if (photo_household(ctx, cs, rec, &hh, &found, &voided) != HUB_OK)
		return HUB_EDB;
	id_text(t && t->value.type == PROTO_V_REF ? t->value.ref : (proto_id){ 0, 0 }, target);
	if (!found) {
		hub_verdict_reject(v, 422, "photo_target_unknown",
				   "photo %s is evidence for %s %s, which the hub does not hold:"
				   " send its records first",
				   idt, is_ms ? "milestone" : "household", target);
		return HUB_REFUSED;
	}
	if (voided) {
		hub_verdict_reject(v, 422, "photo_target_voided",
				   "photo %s is evidence for milestone %s, which was voided:"
				   " attach the photo to the milestone that replaced it",
				   idt, target);
		return HUB_REFUSED;
	}
	if (event_in_scope(ctx, as, scope, 1, hh, 0, &inside) != HUB_OK)
		return HUB_EDB;
	if (!inside) {
		hub_verdict_reject(v, 403, "out_of_scope",
				   "photo %s is evidence for a household outside this agent's area", idt);
		return HUB_REFUSED;
	}
	return hub_photo_count_check(ctx->db, cs, rec, idt, v);
}

hub_result hub_ingest_check_scope(hub_ctx *ctx, const proto_changeset *cs, const hub_scope *scope,
				  hub_commune_memo *memo, hub_verdict *v)
{
	anchors as = { 0, NULL, memo };
	size_t i;
	hub_result rc = HUB_ENOMEM;

	if (build_anchors(cs, &as))
		goto out;
	rc = HUB_EDB;
	for (i = 0; i < cs->nrecords; i++) {
		const proto_record *rec = &cs->records[i];
		const proto_field *f;
		char idt[40];
		int inside = 0, has_hh = 0;
		hub_result checked;
		bool found;
		int64_t commune = 0, unit = 0;
		proto_id hh = { 0, 0 };

		id_text(rec->id, idt);
		if (own_origin(ctx, cs, rec->writer, &found) != HUB_OK)
			goto out;
		if (!found) {
			hub_verdict_reject(v, 403, "relayed_record",
					   "record %s was written by another"
					   " origin: agents send only their own changes",
					   idt);
			rc = HUB_REFUSED;
			goto out;
		}
		if (rec->kind < PROTO_KIND_HOUSEHOLD || rec->kind > PROTO_KIND_MAX) {
			hub_verdict_reject(v, 422, "invalid", "record %s has unknown kind %u", idt,
					   rec->kind);
			rc = HUB_REFUSED;
			goto out;
		}
		checked = check_id(ctx, cs, rec, idt, v);
		if (checked != HUB_OK) {
			rc = checked;
			goto out;
		}
		switch (rec->kind) {
		case PROTO_KIND_HOUSEHOLD:
			if (hub_record_field(rec, PROTO_HH_REVIEW_STATUS) ||
			    hub_record_field(rec, PROTO_HH_REVIEW_REASON)) {
				hub_verdict_reject(v, 403, "hub_only_field",
						   "household %s: the review"
						   " status is decided by the hub only",
						   idt);
				rc = HUB_REFUSED;
				goto out;
			}
			/* both the commune it has on the hub and any it is moved to */
			if (household_commune(ctx, &as, rec->id, &commune, &found) != HUB_OK)
				goto out;
			if (found && !hub_in_scope(ctx, scope, commune)) {
				hub_verdict_reject(v, 403, "out_of_scope",
						   "household %s is in commune"
						   " %lld, outside this agent's area",
						   idt, (long long)commune);
				rc = HUB_REFUSED;
				goto out;
			}
			f = hub_record_field(rec, PROTO_HH_COMMUNE);
			if (f) {
				found = true;
				commune = f->value.type == PROTO_V_INT ? f->value.i : -1;
			}
			inside = found && hub_in_scope(ctx, scope, commune);
			if (!inside) {
				hub_verdict_reject(v, 403, "out_of_scope",
						   "household %s: commune %lld is"
						   " outside this agent's area",
						   idt, (long long)commune);
				rc = HUB_REFUSED;
				goto out;
			}
			break;
		case PROTO_KIND_MILESTONE:
		case PROTO_KIND_CONTRIBUTION:
			event_anchor(rec, &has_hh, &hh, &unit);
			if (event_in_scope(ctx, &as, scope, has_hh, hh, unit, &inside))
				goto out;
			if (!inside) {
				hub_verdict_reject(v, 403, "out_of_scope",
						   "%s %s names a household or"
						   " unit outside this agent's area",
						   proto_kind_name(rec->kind), idt);
				rc = HUB_REFUSED;
				goto out;
			}
			break;
		case PROTO_KIND_DECISION:
			hub_verdict_reject(v, 403, "hub_only_field",
					   "decision %s: decisions are signed by the hub only", idt);
			rc = HUB_REFUSED;
			goto out;
		case PROTO_KIND_PHOTO:
			checked = check_photo(ctx, cs, &as, scope, rec, idt, v);
			if (checked != HUB_OK) {
				rc = checked;
				goto out;
			}
			break;
		default: /* PROTO_KIND_VOID */
			f = hub_record_field(rec, PROTO_VO_TARGET);
			if (!f || f->value.type != PROTO_V_REF) {
				hub_verdict_reject(v, 422, "invalid", "void %s names no target", idt);
				rc = HUB_REFUSED;
				goto out;
			}
			if (void_target(ctx, cs, f->value.ref, &has_hh, &hh, &unit, &found) != HUB_OK)
				goto out;
			if (found && event_in_scope(ctx, &as, scope, has_hh, hh, unit, &inside))
				goto out;
			if (!inside) {
				hub_verdict_reject(v, 403, "out_of_scope",
						   "void %s targets an event the"
						   " hub does not hold in this agent's area",
						   idt);
				rc = HUB_REFUSED;
				goto out;
			}
			break;
		}
	}
	rc = HUB_OK;
out:
	free(as.a);
	return rc;
}
