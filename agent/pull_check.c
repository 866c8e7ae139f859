/*
 * pull_check.c - the laptop trusts only what is its own: a pull answer that
 * verifies with the pinned hub key is still refused as a whole when one of
 * its records claims this laptop's own writer id or lands outside the
 * laptop's area (docs/SYNC.md, "What the laptop refuses from the hub").
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "store.h"
#include "sync.h"

proto_result agent_area_load(agent_area *a, const char *kind, int64_t code)
{
	char path[AGENT_PATH_MAX], err[256];
	proto_result r;

	memset(a, 0, sizeof *a);
	a->code = code;
	if (strcmp(kind, "commune") == 0)
		return PROTO_OK;
	if (strcmp(kind, "district") != 0)
		return PROTO_EVALUE;
	a->district = 1;
	/* which communes a district holds: without the units we could not say,
	 * and a check that cannot say must not pass */
	if (agent_data_path("data/soc-trang-units.csv", path, sizeof path) != 0)
		return PROTO_EINVAL;
	r = proto_units_load(path, &a->units, err, sizeof err);
	if (r != PROTO_OK)
		return r;
	a->have_units = 1;
	return PROTO_OK;
}

void agent_area_release(agent_area *a)
{
	if (a && a->have_units)
		proto_units_release(&a->units);
	if (a)
		a->have_units = 0;
}

int agent_area_has(const agent_area *a, int64_t commune)
{
	const proto_unit *u;

	if (commune <= 0 || commune > 0x7fffffff)
		return 0;
	if (!a->district)
		return commune == a->code;
	u = a->have_units ? proto_units_find(&a->units, (int)commune) : NULL;
	return u && u->level == PROTO_UNIT_COMMUNE &&
	       proto_units_district_of(&a->units, (int)commune) == a->code;
}

/* A contribution to a unit as a whole: a commune of the area, or the district itself. */
static int unit_in(const agent_area *a, int64_t unit)
{
	return agent_area_has(a, unit) || (a->district && unit == a->code);
}

static const char *kind_name(uint8_t kind)
{
	const char *n = proto_kind_name(kind);
	return n ? n : "record";
}

static int is_own(const uint64_t *own, size_t nown, uint64_t writer)
{
	for (size_t k = 0; k < nown; k++)
		if (own[k] == writer)
			return 1;
	return 0;
}

proto_result agent_pull_check_own(const uint64_t *own, size_t nown, const proto_changeset *cs,
				  int *refused, char *why, size_t n)
{
	char id[40];

	*refused = 0;
	/* the hub never relays a laptop's own records back to it, nor those of
	 * the keys it had before a re-enrolment (route_pull.c): one that claims
	 * one of our writer ids was made by someone else in our name */
	for (size_t i = 0; i < cs->nrecords; i++) {
		if (!is_own(own, nown, cs->records[i].writer))
			continue;
		agent_id_format(cs->records[i].id, id);
		snprintf(why, n, _("record %zu (%s %s) claims to be written by this laptop"), i + 1,
			 kind_name(cs->records[i].kind), id);
		*refused = 1;
		break;
	}
	return PROTO_OK;
}

static const proto_field *field_of(const proto_record *rec, uint8_t field)
{
	for (size_t i = 0; i < rec->nfields; i++)
		if (rec->fields[i].field == field)
			return &rec->fields[i];
	return NULL;
}

/*
 * Prepare sql, whose ?1 and ?2 are the origin and serial of id, into *st
 * (the caller finalizes it) and step it once: SQLITE_ROW, SQLITE_DONE or an
 * error code.
 */
static int step_by_id(sqlite3 *db, const char *sql, proto_id id, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(*st, 1, proto_u2i(id.origin));
	sqlite3_bind_int64(*st, 2, proto_u2i(id.serial));
	return sqlite3_step(*st);
}

/* *commune of household id when *found: the store holds it, with a commune. */
static proto_result household_commune(sqlite3 *db, proto_id id, int64_t *commune, int *found)
{
	sqlite3_stmt *st = NULL;
	int step;

	*found = 0;
	step = step_by_id(db,
			  "SELECT commune FROM household WHERE id_origin = ?1 AND id_serial = ?2"
			  " AND commune IS NOT NULL",
			  id, &st);
	if (step == SQLITE_ROW) {
		*commune = sqlite3_column_int64(st, 0);
		*found = 1;
	}
	sqlite3_finalize(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? PROTO_OK : PROTO_EDB;
}

/* Where a record's anchor is, by the store: */
enum { AREA_OUT = 0, AREA_IN = 1, AREA_UNKNOWN = 2 /* a household the store does not hold */ };

static proto_result household_in(sqlite3 *db, const agent_area *a, proto_id id, int *in, proto_id *hh)
{
	int64_t commune = 0;
	int found;
	proto_result r = household_commune(db, id, &commune, &found);

	if (r != PROTO_OK)
		return r;
	*hh = id;
	*in = !found ? AREA_UNKNOWN : agent_area_has(a, commune) ? AREA_IN : AREA_OUT;
	return PROTO_OK;
}

/* The anchor of an event the store holds: its household, or its unit. */
static proto_result event_in(sqlite3 *db, const agent_area *a, proto_id target, int *in, proto_id *hh)
{
	sqlite3_stmt *st = NULL;
	proto_result r = PROTO_EDB;
	int step;

	step = step_by_id(db,
			  "SELECT household_origin, household_serial, NULL FROM milestone"
			  " WHERE id_origin = ?1 AND id_serial = ?2 UNION ALL"
			  " SELECT household_origin, household_serial, unit FROM contribution"
			  " WHERE id_origin = ?1 AND id_serial = ?2 UNION ALL"
			  /* a photo: its household, or its milestone's */
			  " SELECT CASE p.target_kind WHEN 1 THEN p.target_origin ELSE m.household_origin END,"
			  " CASE p.target_kind WHEN 1 THEN p.target_serial ELSE m.household_serial END,"
			  " NULL FROM photo p"
			  " LEFT JOIN milestone m ON p.target_kind = 2 AND m.id_origin = p.target_origin"
			  " AND m.id_serial = p.target_serial"
			  " WHERE p.id_origin = ?1 AND p.id_serial = ?2 LIMIT 1",
			  target, &st);
	if (step == SQLITE_DONE) {
		/* a void of an event this laptop never held voids nothing it shows;
		 * if the event comes later, it is checked then */
		*in = AREA_IN;
		r = PROTO_OK;
	} else if (step == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
			proto_id id = { proto_i2u(sqlite3_column_int64(st, 0)),
					proto_i2u(sqlite3_column_int64(st, 1)) };

			r = household_in(db, a, id, in, hh);
			/* an event of ours anchors a household we hold: unknown is out */
			if (*in == AREA_UNKNOWN)
				*in = AREA_OUT;
		} else {
			*in = unit_in(a, sqlite3_column_int64(st, 2)) ? AREA_IN : AREA_OUT;
			r = PROTO_OK;
		}
	}
	sqlite3_finalize(st);
	return r;
}

/* Is this record's anchor (household, unit or voided event) in the area, by
 * the store now? AREA_*; *hh is the anchor household, if one. */
static proto_result record_in(sqlite3 *db, const agent_area *a, const proto_record *rec, int *in,
			      proto_id *hh)
{
	const proto_field *f, *k;

	*in = AREA_OUT;
	hh->origin = hh->serial = 0;
	switch (rec->kind) {
	case PROTO_KIND_HOUSEHOLD:
		return household_in(db, a, rec->id, in, hh);
	case PROTO_KIND_MILESTONE:
		f = field_of(rec, PROTO_MS_HOUSEHOLD);
		return f && f->value.type == PROTO_V_REF ? household_in(db, a, f->value.ref, in, hh)
							 : PROTO_OK;
	case PROTO_KIND_CONTRIBUTION:
		f = field_of(rec, PROTO_CT_HOUSEHOLD);
		if (f && f->value.type == PROTO_V_REF)
			return household_in(db, a, f->value.ref, in, hh);
		f = field_of(rec, PROTO_CT_UNIT);
		*in = f && f->value.type == PROTO_V_INT && unit_in(a, f->value.i) ? AREA_IN : AREA_OUT;
		return PROTO_OK;
	case PROTO_KIND_VOID:
		f = field_of(rec, PROTO_VO_TARGET);
		return f && f->value.type == PROTO_V_REF ? event_in(db, a, f->value.ref, in, hh)
							 : PROTO_OK;
	case PROTO_KIND_PHOTO: /* evidence for a household, or for one of its milestones */
		f = field_of(rec, PROTO_PH_TARGET);
		k = field_of(rec, PROTO_PH_TARGET_KIND);
		if (!f || f->value.type != PROTO_V_REF || !k)
			return PROTO_OK;
		return k->value.i == PROTO_KIND_HOUSEHOLD ? household_in(db, a, f->value.ref, in, hh)
							  : event_in(db, a, f->value.ref, in, hh);
	default:
		return PROTO_OK;
	}
}

proto_result agent_pull_area_mark(sqlite3 *db, const agent_area *a, const proto_changeset *cs,
				  uint8_t *before)
{
	proto_result r = PROTO_OK;

	for (size_t i = 0; r == PROTO_OK && i < cs->nrecords; i++) {
		proto_id hh;
		int in = AREA_OUT;

		r = record_in(db, a, &cs->records[i], &in, &hh);
		before[i] = (uint8_t)in;
	}
	return r;
}

static void outside(const agent_area *a, size_t i, const char *kind, proto_id id, char *why, size_t n)
{
	char ids[40];

	agent_id_format(id, ids);
	snprintf(why, n, _("record %zu (%s %s) is outside this laptop's %s %lld"), i, kind, ids,
		 a->district ? _("district") : _("commune"), (long long)a->code);
}

/* Note hh as pending: PROTO_ELIMIT past AGENT_PULL_PENDING_MAX. */
static proto_result pending_add(agent_pull_pending *p, proto_id hh)
{
	if (p->n > 0 && proto_id_eq(p->a[p->n - 1], hh))
		return PROTO_OK;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		proto_id *a;

		if (cap > AGENT_PULL_PENDING_MAX)
			return PROTO_ELIMIT;
		a = proto_realloc(p->a, cap * sizeof *a);
		if (!a)
			return PROTO_ENOMEM;
		p->a = a;
		p->cap = cap;
	}
	assert(p->n < p->cap);
	p->a[p->n++] = hh;
	return PROTO_OK;
}

proto_result agent_pull_area_check(sqlite3 *db, const agent_area *a, const proto_changeset *cs,
				   const uint8_t *before, agent_pull_pending *pending, int *refused,
				   char *why, size_t n)
{
	*refused = 0;
	for (size_t i = 0; i < cs->nrecords; i++) {
		proto_id hh;
		int in;
		proto_result r;

		/* in the area after the merge, or before it: a household that
		 * moved out of the area comes with the record that says where */
		if (before[i] == AREA_IN)
			continue;
		r = record_in(db, a, &cs->records[i], &in, &hh);
		if (r != PROTO_OK)
			return r;
		if (in == AREA_IN)
			continue;
		/* a household new to the laptop and elsewhere: its history, relayed
		 * in ledger order, may precede the record that moves it in, in a
		 * later answer of the same pull; it is settled at the end */
		if (pending && before[i] == AREA_UNKNOWN && hh.serial) {
			r = pending_add(pending, hh);
			if (r == PROTO_OK)
				continue;
			if (r != PROTO_ELIMIT)
				return r;
		}
		outside(a, i + 1, kind_name(cs->records[i].kind), cs->records[i].id, why, n);
		*refused = 1;
		break;
	}
	return PROTO_OK;
}

proto_result agent_pull_pending_check(sqlite3 *db, const agent_area *a, const agent_pull_pending *pending,
				      int *refused, char *why, size_t n)
{
	*refused = 0;
	for (size_t i = 0; i < pending->n; i++) {
		proto_id hh;
		int in;
		proto_result r = household_in(db, a, pending->a[i], &in, &hh);

		if (r != PROTO_OK)
			return r;
		if (in == AREA_IN)
			continue;
		outside(a, i + 1, _("household"), pending->a[i], why, n);
		*refused = 1;
		break;
	}
	return PROTO_OK;
}

void agent_pull_pending_release(agent_pull_pending *p)
{
	free(p->a);
	memset(p, 0, sizeof *p);
}
