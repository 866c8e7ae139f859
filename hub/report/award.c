/*
 * award.c - the nominations read back from the decision records the hub
 * signed (award.h), the units that nominate and their quotas. A
 * nomination's state is the latest "accepted" or "returned" decision naming
 * it; a returned one no longer holds a place in its unit's quota.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/alloc.h"
#include "maiam/cli.h"
#include "award.h"
#include "i18n.h"

const char *const award_status_names[] = { "proposed", "accepted", "returned", NULL };
const char *const award_kind_names[] = { "collective", "individual", NULL };

int award_unit_district(const proto_campaign *c, const char *unit)
{
	const proto_unit *u;
	int64_t code;

	if (!unit)
		return -1;
	if (strcmp(unit, AWARD_PROVINCE) == 0 || strcmp(unit, AWARD_WORKING_GROUP) == 0)
		return 0;
	if (cli_parse_int(unit, 1, 999999, &code))
		return -1;
	u = proto_units_find(&c->units, (int)code);
	return u && u->level == PROTO_UNIT_DISTRICT ? (int)code : -1;
}

const char *award_unit_name(const proto_campaign *c, const char *unit, report_lang lang)
{
	int district = award_unit_district(c, unit);

	if (district > 0)
		return hub_district_name(c, district);
	if (district < 0)
		return unit ? unit : "?";
	if (strcmp(unit, AWARD_PROVINCE) == 0)
		return report_say(lang, "Ban Chỉ đạo, sở, ban ngành, đoàn thể tỉnh",
				  N_("Steering committee, provincial departments and organisations"));
	return report_say(lang, "Tổ giúp việc Ban Chỉ đạo và Tổ giám sát thi công",
			  N_("Working group and construction supervision team"));
}

int award_quota(const proto_campaign *c, const char *unit, bool individual)
{
	int district = award_unit_district(c, unit), target;
	const proto_award_range *r;

	if (district < 0)
		return 0;
	if (district == 0 && strcmp(unit, AWARD_PROVINCE) == 0)
		return individual ? c->province_individuals : c->province_collectives;
	if (district == 0) /* the working group proposes individuals only */
		return individual ? c->working_group_individuals : 0;
	target = proto_campaign_target(c, district);
	r = proto_award_lookup(individual ? &c->individuals : &c->collectives, target < 0 ? 0 : target);
	return r ? r->count : 0;
}

int award_places_used(const award_list *l, const char *unit, bool individual)
{
	int n = 0;
	size_t i;

	for (i = 0; i < l->n; i++)
		n += strcmp(l->a[i].unit, unit) == 0 && l->a[i].individual == individual &&
		     l->a[i].status != AWARD_RETURNED;
	return n;
}

void award_list_release(award_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		award_nomination *a = &l->a[i];

		free(a->name);
		free(a->position);
		free(a->achievements);
		free(a->backing);
		free(a->nominated_by);
		free(a->decided_by);
		free(a->note);
	}
	free(l->a);
	memset(l, 0, sizeof(*l));
}

/* Columns of list_sql. */
enum {
	L_ITEM,
	L_UNIT,
	L_KIND,
	L_NAME,
	L_POSITION,
	L_ACHIEVEMENTS,
	L_BACKING,
	L_BY,
	L_AT,
	L_ACTION,
	L_DECIDED_BY,
	L_DECIDED_AT,
	L_NOTE
};

/* Each nomination with its latest appraisal (stamps never repeat). */
static const char list_sql[] =
	"SELECT n.item, n.unit, n.nominee_kind, n.nominee, n.position, n.achievements, n.backing,"
	" n.operator, n.stamp, d.action, d.operator, d.stamp, d.note FROM decision n"
	" LEFT JOIN decision d ON d.item = n.item AND d.action IN ('accepted', 'returned')"
	" AND d.stamp = (SELECT max(x.stamp) FROM decision x WHERE x.item = n.item"
	" AND x.action IN ('accepted', 'returned'))"
	" WHERE n.action = 'nominated' AND n.item IS NOT NULL AND n.unit IS NOT NULL"
	" AND (?1 IS NULL OR n.unit = ?1) ORDER BY n.stamp";

/* A copy of column col of st, or NULL (for NULL, or out of memory: *oom). */
static char *column_dup(sqlite3_stmt *st, int col, bool *oom)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	char *copy;

	if (!s)
		return NULL;
	copy = strdup(s);
	if (!copy)
		*oom = true;
	return copy;
}

static bool read_row(sqlite3_stmt *st, award_nomination *a)
{
	const char *action = (const char *)sqlite3_column_text(st, L_ACTION);
	const char *kind = (const char *)sqlite3_column_text(st, L_KIND);
	bool oom = false;

	memset(a, 0, sizeof(*a));
	snprintf(a->id, sizeof(a->id), "%s", (const char *)sqlite3_column_text(st, L_ITEM));
	snprintf(a->unit, sizeof(a->unit), "%s", (const char *)sqlite3_column_text(st, L_UNIT));
	a->individual = kind && strcmp(kind, "individual") == 0;
	a->name = column_dup(st, L_NAME, &oom);
	a->position = column_dup(st, L_POSITION, &oom);
	a->achievements = column_dup(st, L_ACHIEVEMENTS, &oom);
	a->backing = column_dup(st, L_BACKING, &oom);
	a->nominated_by = column_dup(st, L_BY, &oom);
	a->nominated_at = proto_i2u(sqlite3_column_int64(st, L_AT));
	if (action) {
		a->status = strcmp(action, "accepted") == 0 ? AWARD_ACCEPTED : AWARD_RETURNED;
		a->decided_by = column_dup(st, L_DECIDED_BY, &oom);
		a->decided_at = proto_i2u(sqlite3_column_int64(st, L_DECIDED_AT));
		a->note = column_dup(st, L_NOTE, &oom);
	}
	return !oom;
}

/* Flag the collectives of each district below 100 % of its target on time. */
static hub_result flag_late(sqlite3 *db, const proto_campaign *c, award_list *l, char *err, size_t errlen)
{
	report_progress p;
	hub_result rc;
	size_t i, k;

	/* on time is by the deadline: a date past every one counts them all */
	rc = report_progress_load_in(db, c, "9999-12-31", 0, 0, &p, err, errlen);
	if (rc != HUB_OK)
		return rc;
	for (i = 0; i < l->n; i++) {
		award_nomination *a = &l->a[i];

		a->district = award_unit_district(c, a->unit);
		if (a->district < 0)
			a->district = 0;
		for (k = 0; !a->individual && a->district > 0 && k < p.n; k++)
			if (p.a[k].code == a->district)
				a->flagged = p.a[k].target > 0 && p.a[k].on_time < p.a[k].target;
	}
	report_progress_release(&p);
	return HUB_OK;
}

hub_result award_list_load(sqlite3 *db, const proto_campaign *c, const char *unit, award_list *out,
			   char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	hub_result rc = HUB_EDB;
	size_t cap = 0;
	int step;

	memset(out, 0, sizeof(*out));
	if (sqlite3_prepare_v2(db, list_sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, unit, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			size_t grown = cap ? cap * 2 : 16;
			award_nomination *a = proto_realloc(out->a, grown * sizeof(*a));

			if (!a) {
				rc = HUB_ENOMEM;
				goto out;
			}
			out->a = a;
			cap = grown;
		}
		/* counted before it is checked, so a half-read row is released */
		if (!read_row(st, &out->a[out->n++])) {
			rc = HUB_ENOMEM;
			goto out;
		}
	}
	if (step == SQLITE_DONE)
		rc = HUB_OK;
out:
	if (rc == HUB_EDB)
		report_db_error(db, "read the award nominations", err, errlen);
	else if (rc == HUB_ENOMEM)
		snprintf(err, errlen, "out of memory reading the award nominations");
	sqlite3_finalize(st);
	if (rc == HUB_OK) /* says its own error */
		rc = flag_late(db, c, out, err, errlen);
	if (rc != HUB_OK)
		award_list_release(out);
	return rc;
}
