/*
 * target.c - commune targets (target.h): read the latest assignment of each
 * commune from the decision table, check and sign a new one, and lend them
 * to the progress by commune.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/rules.h"
#include "maiam/schema.h"
#include "ctx.h"
#include "decision.h"
#include "report_int.h"
#include "target.h"

/* The latest target decision of each commune (the index decision_action
 * serves the max); a commune's code is its item. */
static const char latest_sql[] = "SELECT d.item, d.number, d.stamp, d.operator FROM decision d"
				 " WHERE d.action = 'target' AND d.stamp = (SELECT max(e.stamp)"
				 " FROM decision e WHERE e.action = 'target' AND e.item = d.item)";

static target_commune *find_commune(const target_table *t, int code)
{
	size_t i;

	for (i = 0; i < t->ncommunes; i++)
		if (t->communes[i].code == code)
			return &t->communes[i];
	return NULL;
}

int64_t target_of(const target_table *t, int commune)
{
	const target_commune *tc = find_commune(t, commune);

	return tc ? tc->houses : -1;
}

/* The districts (of the view) and all their communes, without targets yet. */
static hub_result add_units(const proto_campaign *c, int district, target_table *t)
{
	size_t i, j;

	t->districts = calloc(c->ntargets + 1, sizeof(*t->districts));
	t->communes = calloc(c->units.n + 1, sizeof(*t->communes));
	if (!t->districts || !t->communes)
		return HUB_ENOMEM;
	for (i = 0; i < c->ntargets; i++) {
		const proto_unit *u = proto_units_find(&c->units, c->targets[i].district);
		target_district *d;

		if (district && c->targets[i].district != district)
			continue;
		d = &t->districts[t->ndistricts++];
		d->code = c->targets[i].district;
		d->name = u ? u->name : "?";
		d->target = c->targets[i].houses;
		d->first = t->ncommunes;
		for (j = 0; j < c->units.n; j++) {
			const proto_unit *cu = &c->units.a[j];
			target_commune *tc;

			if (cu->level != PROTO_UNIT_COMMUNE ||
			    proto_units_district_of(&c->units, cu->code) != d->code)
				continue;
			tc = &t->communes[t->ncommunes++];
			tc->code = cu->code;
			tc->name = cu->name;
			tc->houses = -1;
			d->n++;
		}
	}
	return HUB_OK;
}

/* Each latest assignment onto its commune (one of the view's, else skipped). */
static hub_result read_latest(sqlite3 *db, target_table *t)
{
	sqlite3_stmt *st = NULL;
	int step;

	if (sqlite3_prepare_v2(db, latest_sql, -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *item = (const char *)sqlite3_column_text(st, 0);
		const char *by = (const char *)sqlite3_column_text(st, 3);
		target_commune *tc = item ? find_commune(t, (int)strtol(item, NULL, 10)) : NULL;
		int64_t houses = sqlite3_column_int64(st, 1);

		if (!tc)
			continue;
		/* 0 clears: the commune has no target again */
		tc->houses = houses > 0 ? houses : -1;
		tc->stamp = proto_i2u(sqlite3_column_int64(st, 2));
		snprintf(tc->by, sizeof(tc->by), "%s", by ? by : "");
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? HUB_OK : HUB_EDB;
}

hub_result target_load(sqlite3 *db, const proto_campaign *c, int district, target_table *t, char *err,
		       size_t errlen)
{
	hub_result rc;
	size_t i, j;

	memset(t, 0, sizeof(*t));
	if ((rc = add_units(c, district, t)) != HUB_OK) {
		target_table_release(t);
		snprintf(err, errlen, "%s", _("out of memory"));
		return rc;
	}
	if ((rc = read_latest(db, t)) != HUB_OK) {
		report_db_error(db, "read the commune targets", err, errlen);
		target_table_release(t);
		return rc;
	}
	for (i = 0; i < t->ndistricts; i++) {
		target_district *d = &t->districts[i];

		for (j = d->first; j < d->first + d->n; j++)
			if (t->communes[j].houses > 0)
				d->sum += t->communes[j].houses; /* each at most 100,000 */
	}
	return HUB_OK;
}

void target_table_release(target_table *t)
{
	free(t->districts);
	free(t->communes);
	memset(t, 0, sizeof(*t));
}

bool target_is_district(const proto_campaign *c, int code)
{
	size_t i;

	for (i = 0; i < c->ntargets; i++)
		if (c->targets[i].district == code)
			return true;
	return false;
}

hub_result target_commune_check(const proto_campaign *c, int commune, int district, int *why)
{
	const proto_unit *u = proto_units_find(&c->units, commune);

	*why = 0;
	if (!u || u->level != PROTO_UNIT_COMMUNE)
		*why = 1;
	else if (district && proto_units_district_of(&c->units, commune) != district)
		*why = 2;
	return *why ? HUB_REFUSED : HUB_OK;
}

/* What target_set signs. */
typedef struct assignment {
	const char *who;
	char item[16];
	int64_t houses;
} assignment;

static proto_result fill_target(proto_changeset *cs, uint64_t stamp, void *arg)
{
	const assignment *a = arg;
	proto_result r;

	r = proto_changeset_begin(cs, PROTO_KIND_DECISION, (proto_id){ cs->hdr.origin, stamp }, stamp,
				  cs->hdr.origin);
	if (r == PROTO_OK)
		r = proto_changeset_add_text(cs, PROTO_DE_OPERATOR, 0, a->who, strlen(a->who));
	if (r == PROTO_OK)
		r = proto_changeset_add_text(cs, PROTO_DE_ACTION, 0, "target", 6);
	if (r == PROTO_OK)
		r = proto_changeset_add_text(cs, PROTO_DE_ITEM, 0, a->item, strlen(a->item));
	if (r == PROTO_OK)
		r = proto_changeset_add_int(cs, PROTO_DE_NUMBER, 0, a->houses);
	return r;
}

hub_result target_set(struct hub_ctx *ctx, const char *operator_name, int commune, int64_t houses,
		      int district, char *err, size_t errlen)
{
	const proto_campaign *c = &ctx->cfg->campaign;
	assignment a = { operator_name, "", houses };
	proto_result filled;
	hub_result rc;
	int why;

	if ((rc = hub_operator_name_check(operator_name, err, errlen)) != HUB_OK)
		return rc;
	if (target_commune_check(c, commune, district, &why) != HUB_OK) {
		if (why == 1)
			snprintf(err, errlen,
				 _("%d is not a commune of the campaign: 'maiam-hub target list'"
				   " shows the communes and their codes"),
				 commune);
		else
			snprintf(err, errlen,
				 _("commune %d is in district %d, not in district %d: a district"
				   " sets only its own communes' targets"),
				 commune, proto_units_district_of(&c->units, commune), district);
		return HUB_REFUSED;
	}
	if (houses < 0 || houses > PROTO_RULE_TARGET_MAX) {
		snprintf(err, errlen, _("a commune's target is 0 to %d houses (0 clears it), not %lld"),
			 PROTO_RULE_TARGET_MAX, (long long)houses);
		return HUB_REFUSED;
	}
	snprintf(a.item, sizeof(a.item), "%d", commune);
	rc = hub_decision_sign(ctx, 0, fill_target, &a, &filled, err, errlen);
	if (rc == HUB_REFUSED && filled != PROTO_OK)
		snprintf(err, errlen, "%s", _("cannot write the target into a change-set"));
	return rc;
}

hub_result target_fill_progress(sqlite3 *db, const proto_campaign *c, report_progress *p, char *err,
				size_t errlen)
{
	target_table t;
	hub_result rc;
	size_t i;

	if (!p->by_commune)
		return HUB_OK;
	if ((rc = target_load(db, c, p->district, &t, err, errlen)) != HUB_OK)
		return rc;
	for (i = 0; i < p->n; i++)
		p->a[i].target = target_of(&t, p->a[i].code);
	target_table_release(&t);
	return HUB_OK;
}
