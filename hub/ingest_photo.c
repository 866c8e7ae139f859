/*
 * ingest_photo.c - where a photo record (format version 2) belongs, for the
 * scope check at ingest, the pull index and the pulls: a photo is evidence
 * for a household, directly or through one of its milestones, so its area
 * is that household's. The hub holds the photo's row in the shared table
 * 'photo' once merged; before that, the change-set that carries it says.
 * And which records a laptop of an older format can read at all, and how
 * many photos one target may have; and, once merged, the photos the
 * records name whose bytes came first, into the near-duplicate index.
 */
#include <string.h>
#include "maiam/schema.h"
#include "photo_near.h"
#include "store.h"
#include "ingest.h"

/* One row of a one-off query on (origin, serial); *found. HUB_OK or HUB_EDB. */
static hub_result lookup(sqlite3 *db, const char *sql, proto_id id, sqlite3_stmt **st, bool *found)
{
	int rc;

	*found = false;
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_int64(*st, 1, proto_u2i(id.origin));
	sqlite3_bind_int64(*st, 2, proto_u2i(id.serial));
	rc = sqlite3_step(*st);
	*found = rc == SQLITE_ROW;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? HUB_OK : HUB_EDB;
}

hub_result hub_photo_household(sqlite3 *db, int64_t target_kind, proto_id target, proto_id *hh, bool *found)
{
	int64_t unit;
	int has_hh = 0;
	bool held;
	hub_result rc;

	*found = false;
	if (target_kind == PROTO_KIND_HOUSEHOLD) {
		*hh = target;
		*found = true;
		return HUB_OK;
	}
	if (target_kind != PROTO_KIND_MILESTONE)
		return HUB_OK;
	/* the event anchor query also answers for a contribution: ask for a milestone */
	rc = hub_entity_held(db, PROTO_KIND_MILESTONE, target, &held);
	if (rc != HUB_OK || !held)
		return rc;
	rc = hub_event_anchor(db, target, &has_hh, hh, &unit, found);
	*found = *found && has_hh;
	return rc;
}

hub_result hub_any_anchor(sqlite3 *db, proto_id id, int *has_hh, proto_id *hh, int64_t *unit, bool *found)
{
	sqlite3_stmt *st = NULL;
	hub_result rc = hub_event_anchor(db, id, has_hh, hh, unit, found);
	int64_t kind;
	proto_id target;

	if (rc != HUB_OK || *found)
		return rc;
	rc = lookup(db,
		    "SELECT target_kind, target_origin, target_serial FROM photo"
		    " WHERE id_origin = ?1 AND id_serial = ?2",
		    id, &st, found);
	if (rc == HUB_OK && *found) {
		kind = sqlite3_column_int64(st, 0);
		target.origin = proto_i2u(sqlite3_column_int64(st, 1));
		target.serial = proto_i2u(sqlite3_column_int64(st, 2));
		sqlite3_finalize(st);
		st = NULL;
		*unit = 0;
		rc = hub_photo_household(db, kind, target, hh, found);
		*has_hh = *found;
	}
	sqlite3_finalize(st);
	return rc;
}

hub_result hub_milestone_voided(sqlite3 *db, proto_id id, bool *voided)
{
	sqlite3_stmt *st = NULL;
	hub_result rc;

	rc = lookup(db,
		    "SELECT 1 FROM void_event WHERE target_origin = ?1 AND target_serial = ?2"
		    " AND target_kind = 2",
		    id, &st, voided);
	sqlite3_finalize(st);
	return rc;
}

int hub_record_readable(int reads, const proto_record *rec)
{
	const proto_field *k;

	if (proto_kind_since(rec->kind) > reads)
		return 0;
	if (rec->kind != PROTO_KIND_VOID)
		return 1;
	k = hub_record_field(rec, PROTO_VO_TARGET_KIND);
	return !k || k->value.type != PROTO_V_INT || k->value.i < 1 || k->value.i > PROTO_KIND_MAX ||
	       proto_kind_since((uint8_t)k->value.i) <= reads;
}

/* rec's target, as the record gives it: 0 when it names none. */
static int photo_target(const proto_record *rec, int64_t *kind, proto_id *target)
{
	const proto_field *t = hub_record_field(rec, PROTO_PH_TARGET);
	const proto_field *k = hub_record_field(rec, PROTO_PH_TARGET_KIND);

	if (!t || t->value.type != PROTO_V_REF || !k || k->value.type != PROTO_V_INT)
		return 0;
	*kind = k->value.i;
	*target = t->value.ref;
	return 1;
}

/* A photo record of cs with this id (the hub may hold it already: an edit). */
static int carried(const proto_changeset *cs, proto_id id)
{
	size_t i;

	for (i = 0; i < cs->nrecords; i++)
		if (cs->records[i].kind == PROTO_KIND_PHOTO && cs->records[i].id.origin == id.origin &&
		    cs->records[i].id.serial == id.serial)
			return 1;
	return 0;
}

hub_result hub_photo_count_check(sqlite3 *db, const proto_changeset *cs, const proto_record *rec,
				 const char *idt, hub_verdict *v)
{
	static const char sql[] = "SELECT id_origin, id_serial FROM photo p WHERE target_kind = ?3"
				  " AND target_origin = ?1 AND target_serial = ?2 AND" PROTO_SQL_PHOTO_LIVE(
					  "p");
	sqlite3_stmt *st = NULL;
	int64_t kind, other_kind;
	proto_id target, other, id;
	size_t i, n = 0;
	int step;
	hub_result rc = HUB_EDB;

	if (!photo_target(rec, &kind, &target))
		return HUB_OK; /* the rulebook and the scope check say what is wrong */
	/* this change-set's photos of the target, rec among them */
	for (i = 0; i < cs->nrecords; i++)
		if (cs->records[i].kind == PROTO_KIND_PHOTO &&
		    photo_target(&cs->records[i], &other_kind, &other) && other_kind == kind &&
		    other.origin == target.origin && other.serial == target.serial)
			n++;
	/* and those the hub holds that it does not carry again */
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, proto_u2i(target.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(target.serial));
	sqlite3_bind_int64(st, 3, kind);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		id.origin = proto_i2u(sqlite3_column_int64(st, 0));
		id.serial = proto_i2u(sqlite3_column_int64(st, 1));
		n += !carried(cs, id);
	}
	if (step != SQLITE_DONE)
		goto out;
	rc = HUB_OK;
	if (n > HUB_PHOTOS_PER_TARGET) {
		hub_verdict_reject(v, 422, "too_many_photos",
				   "photo %s would give its %s %zu photos, the hub takes %d for one:"
				   " nothing of the change-set was applied",
				   idt, kind == PROTO_KIND_MILESTONE ? "milestone" : "household", n,
				   HUB_PHOTOS_PER_TARGET);
		rc = HUB_REFUSED;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

hub_result hub_photo_records_noted(sqlite3 *db, const proto_changeset *cs)
{
	const proto_field *sha;
	hub_result rc = HUB_OK;
	size_t i;

	for (i = 0; rc == HUB_OK && i < cs->nrecords; i++) {
		if (cs->records[i].kind != PROTO_KIND_PHOTO)
			continue;
		sha = hub_record_field(&cs->records[i], PROTO_PH_SHA256);
		if (sha && sha->value.type == PROTO_V_TEXT)
			rc = hub_photo_near_named(db, sha->value.text, sha->value.len);
	}
	return rc;
}
