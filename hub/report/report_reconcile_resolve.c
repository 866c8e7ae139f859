/*
 * report_reconcile_resolve.c - settling an item of the reconcile queue:
 * find it (a rejection by its id, anything else by walking its kind),
 * check it is open and that --keep fits it, and append who resolved it and
 * how to report_resolution. Nothing is deleted or rewritten. The
 * resolution is signed: hub_reconcile_resolve seals one hub change-set with
 * the decision record naming the operator (decision.h) and, when a
 * conflict's losing value is kept, the household edit that keeps it. Its
 * refusals are for the operator (maiam-hub reconcile resolve, the web
 * interface): in the operator's language.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "decision.h"
#include "ingest.h"
#include "report_int.h"

typedef struct finder {
	const char *id;
	int found, resolved;
	char by[128];
} finder;

static rc_next find_item(void *arg, rc_item *it)
{
	finder *f = arg;

	if (strcmp(it->id, f->id) != 0)
		return RC_ON;
	f->found = 1;
	f->resolved = it->resolved;
	snprintf(f->by, sizeof(f->by), "%s", it->by);
	return RC_STOP;
}

/* The number after a two-byte prefix ("R-12", "C-3"), or -1 when it is not
 * a positive number: an id no item has. */
static long long item_number(const char *item)
{
	char *end;
	long long n = strtoll(item + 2, &end, 10);

	return *end || n <= 0 ? -1 : n;
}

/* Is item in the queue, open, and does keep fit it? HUB_OK yes, else why
 * not in err (HUB_REFUSED: it is not). */
static hub_result check_item(sqlite3 *db, const proto_campaign *c, const char *item, const char *keep,
			     char *err, size_t errlen)
{
	finder f = { .id = item };
	rc_request any = { .skip = 0, .limit = -1, .all = 1 };

	if (strncmp(item, "R-", 2) == 0) {
		/* a rejection is found by its id, not by walking them all */
		any.rejection_id = item_number(item);
		any.rejected = 1;
	}
	if (rc_walk_queue(db, c, "9999-12-31", 0, &any, find_item, &f) && !f.found) {
		snprintf(err, errlen, _("cannot read the reconcile queue: %s"), sqlite3_errmsg(db));
		return HUB_EDB;
	}
	if (!f.found) {
		snprintf(err, errlen, _("no reconcile item '%s': see 'maiam-hub report reconcile'"), item);
		return HUB_REFUSED;
	}
	if (f.resolved) {
		snprintf(err, errlen, _("item '%s' is already resolved by '%s': nothing recorded"), item,
			 f.by);
		return HUB_REFUSED;
	}
	if (keep && strncmp(item, "C-", 2) != 0) {
		snprintf(err, errlen, _("--keep applies to conflicts (C-...) only, not '%s'"), item);
		return HUB_REFUSED;
	}
	return HUB_OK;
}

/* Append the resolution (at now, seconds since 1970, written as UTC). */
static hub_result insert_resolution(sqlite3 *db, const char *item, const char *by, const char *note,
				    const char *keep, int64_t now)
{
	sqlite3_stmt *st = NULL;
	time_t t = (time_t)now;
	struct tm tm;
	char when[32];
	hub_result rc = HUB_EDB;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO report_resolution(item, resolved_at, resolved_by,"
			       " note, keep) VALUES (?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_text(st, 1, item, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, when, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, note, -1, SQLITE_STATIC);
	if (keep)
		sqlite3_bind_text(st, 5, keep, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = HUB_OK;
	sqlite3_finalize(st);
	return rc;
}

hub_result hub_reconcile_record(sqlite3 *db, const proto_campaign *c, const char *item, const char *by,
				const char *note, const char *keep, int64_t now, char *err, size_t errlen)
{
	hub_result rc;

	assert(item && by && note);
	rc = check_item(db, c, item, keep, err, errlen);
	if (rc != HUB_OK || now < 0)
		return rc; /* refused, failed, or only checking */
	if (insert_resolution(db, item, by, note, keep, now) != HUB_OK) {
		snprintf(err, errlen, _("cannot record the resolution: %s"), sqlite3_errmsg(db));
		return HUB_EDB;
	}
	return HUB_OK;
}

hub_result report_conflict_loser(sqlite3 *db, const char *item, proto_id *hh, int *field, int *type,
				 int64_t *ival, char *text, size_t textlen, bool *found)
{
	sqlite3_stmt *st = NULL;
	const char *s;
	long long id = strncmp(item, "C-", 2) == 0 ? item_number(item) : -1;
	hub_result rc = HUB_EDB;

	*found = false;
	if (id < 0)
		return HUB_OK;
	if (sqlite3_prepare_v2(db,
			       "SELECT id_origin, id_serial, field, loser_value FROM conflict"
			       " WHERE id = ? AND kind = 1",
			       -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_int64(st, 1, id);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		hh->origin = proto_i2u(sqlite3_column_int64(st, 0));
		hh->serial = proto_i2u(sqlite3_column_int64(st, 1));
		*field = sqlite3_column_int(st, 2);
		*type = sqlite3_column_type(st, 3);
		*ival = sqlite3_column_int64(st, 3);
		s = (const char *)sqlite3_column_text(st, 3);
		snprintf(text, textlen, "%s", s ? s : "");
		*found = true;
		rc = HUB_OK;
		break;
	case SQLITE_DONE:
		rc = HUB_OK;
		break;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The household an item of one household names in its id ("O-", "L-",
 * "S-", "E-" then the household's id): 1 and *hh, else 0. */
static int item_household(const char *item, proto_id *hh)
{
	unsigned long long origin, serial;
	int used = 0;

	if (!strchr("OLSE", item[0]) || item[1] != '-' ||
	    sscanf(item + 2, "%16llx-%llu%n", &origin, &serial, &used) != 2 || used < 18 ||
	    (item[2 + used] && item[2 + used] != '-') || serial == 0)
		return 0;
	hh->origin = origin;
	hh->serial = serial;
	return 1;
}

/* A household conflict: its household, and the losing value with the
 * stamp of the field it would edit (the base of keeping it). */
typedef struct loser_edit {
	proto_id hh;
	int field, type;
	int64_t ival;
	uint64_t base;
	char text[PROTO_MAX_TEXT + 1];
} loser_edit;

/* Conflict item, if it is about a household's field (*found). HUB_OK or
 * HUB_EDB (said in err). */
static hub_result read_conflict(hub_ctx *ctx, const char *item, loser_edit *e, bool *found, char *err,
				size_t errlen)
{
	if (report_conflict_loser(ctx->db, item, &e->hh, &e->field, &e->type, &e->ival, e->text,
				  sizeof(e->text), found) != HUB_OK) {
		snprintf(err, errlen, _("cannot read conflict '%s': %s"), item, sqlite3_errmsg(ctx->db));
		return HUB_EDB;
	}
	if (*found && hub_household_stamp(ctx->db, e->hh, e->field, &e->base) != HUB_OK) {
		snprintf(err, errlen, _("cannot read the hub database: %s"), sqlite3_errmsg(ctx->db));
		return HUB_EDB;
	}
	return HUB_OK;
}

/* What a resolution signs: the decision, and the kept loser (or NULL). */
typedef struct signed_resolution {
	const hub_resolution *res;
	const loser_edit *loser;
	uint64_t hub;
} signed_resolution;

static proto_result fill_resolution(proto_changeset *cs, uint64_t stamp, void *arg)
{
	const signed_resolution *s = arg;
	const loser_edit *e = s->loser;
	uint8_t f = e ? (uint8_t)e->field : 0;
	proto_result r = PROTO_OK;

	if (e)
		r = proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, e->hh, stamp, s->hub);
	if (e && r == PROTO_OK)
		r = e->type == SQLITE_INTEGER ? proto_changeset_add_int(cs, f, e->base, e->ival)
		    : e->type == SQLITE_NULL
			    ? proto_changeset_add_null(cs, f, e->base)
			    : proto_changeset_add_text(cs, f, e->base, e->text, strlen(e->text));
	if (r == PROTO_OK)
		r = hub_resolution_add(cs, stamp, s->res);
	return r;
}

/* The signed change-set of a resolution (and of its kept loser). */
static hub_result sign_resolution(hub_ctx *ctx, const hub_resolution *res, const loser_edit *loser,
				  char *err, size_t errlen)
{
	signed_resolution s = { res, loser, ctx->cfg->key_id };
	proto_result filled;
	hub_result rc;

	rc = hub_decision_sign(ctx, loser ? loser->base : 0, fill_resolution, &s, &filled, err, errlen);
	if (rc == HUB_REFUSED && filled != PROTO_OK)
		snprintf(err, errlen, _("cannot build the edit: %s"), proto_strerror(filled));
	return rc;
}

hub_result hub_reconcile_resolve(hub_ctx *ctx, const char *by, const char *item, const char *note,
				 const char *keep, char *err, size_t errlen)
{
	hub_resolution res = { by, item, note, keep, NULL };
	const int keeps_loser = keep && strcmp(keep, "loser") == 0;
	loser_edit *conflict = NULL;
	bool found = false;
	proto_id hh;
	hub_result rc;

	/* check the item first: an edit for a wrong id must not be sent */
	rc = hub_operator_name_check(by, err, errlen);
	if (rc == HUB_OK)
		rc = hub_reconcile_record(ctx->db, &ctx->cfg->campaign, item, by, note, keep, -1, err,
					  errlen);
	if (rc != HUB_OK)
		return rc;
	if (item_household(item, &hh))
		res.about = &hh;
	if (strncmp(item, "C-", 2) == 0) { /* about a household when it is one's field */
		if (!(conflict = calloc(1, sizeof(*conflict)))) {
			snprintf(err, errlen, "%s", _("cannot start the change-set"));
			return HUB_ENOMEM;
		}
		rc = read_conflict(ctx, item, conflict, &found, err, errlen);
		res.about = found ? &conflict->hh : NULL;
	}
	if (rc == HUB_OK && keeps_loser && !found) {
		snprintf(err, errlen, _("no conflict '%s': see 'maiam-hub report reconcile'"), item);
		rc = HUB_REFUSED;
	}
	if (rc == HUB_OK)
		rc = sign_resolution(ctx, &res, keeps_loser ? conflict : NULL, err, errlen);
	if (rc == HUB_OK)
		rc = hub_reconcile_record(ctx->db, &ctx->cfg->campaign, item, by, note, keep,
					  (int64_t)time(NULL), err, errlen);
	free(conflict);
	return rc;
}
