/*
 * schema_report_flush.c - the end of a merged change-set (hub_report_flush,
 * schema.h): the report tables catch up with it in a few grouped statements
 * (schema_report.c holds their SQL and says what each does).
 *
 * The change-set's milestones are noted here, in C, one note a household
 * with the first date of each stage among them. A milestone is never
 * changed once stored (merge_event.c), only voided, and a household's
 * report_hh row holds the first dates of its milestones stored before; its
 * new dates are then the earlier of the two per stage, with no need to read
 * its milestones again. That holds unless a void takes one of them out:
 *   - a void of a milestone stored before notes its household as full
 *     (report_void_ai), whose dates are then read from all its milestones;
 *   - a void stored before the milestone it names (voids may come first)
 *     is looked for here, over the ids of the change-set's milestones, one
 *     probe an origin: any, and the change-set's households are all full;
 *   - a date or stage that is not text (what min() over the stored
 *     milestones would compare otherwise) makes its household full.
 * docs/REPORTS.md, "How reports stay fast"; docs/BENCHMARKS.md, "Report
 * upkeep per change-set".
 */
#include <stdio.h>
#include <string.h>
#include "maiam/schema.h"
#include "ingest.h"
#include "schema.h"
#include "store.h"
#include "store_int.h"
#include "i18n.h"

/* One household's note: the first date of each stage among the change-set's
 * milestones of it (borrowed from cs), whether one is dated, whether its
 * dates must be read from all its milestones. */
typedef struct hh_note {
	proto_id hh;
	const proto_value *d[8];
	int live, full;
} hh_note;

/* Origins whose ids the void probe covers: a change-set's new milestones are
 * its sender's; more origins than this and its households are all full. */
#define PROBE_ORIGINS 4

typedef struct id_span {
	uint64_t origin, lo, hi;
} id_span;

/* Step one of the flush's statements through (no rows): 0 when done. */
static int flush_step(sqlite3 *db, hub_stmt id)
{
	sqlite3_stmt *st = hub_store_prep(db, id);
	int rc = st && sqlite3_step(st) == SQLITE_DONE ? 0 : -1;

	hub_store_unprep(st);
	return rc;
}

/* Is there a row in what statement id reads (report_dirty, report_fund_due)? */
static int flush_any(sqlite3 *db, hub_stmt id, bool *any)
{
	sqlite3_stmt *st = hub_store_prep(db, id);
	int rc = st && hub_store_step(st, any) == HUB_OK ? 0 : -1;

	hub_store_unprep(st);
	return rc;
}

/* The household record r (a milestone) names, or NULL. */
static const proto_id *milestone_household(const proto_record *r)
{
	const proto_field *hh;

	if (r->kind != PROTO_KIND_MILESTONE)
		return NULL;
	hh = hub_record_field(r, PROTO_MS_HOUSEHOLD);
	return hh && hh->value.type == PROTO_V_REF ? &hh->value.ref : NULL;
}

/* Does cs hold a milestone that names a household? */
static bool names_households(const proto_changeset *cs)
{
	size_t i;

	for (i = 0; i < cs->nrecords; i++)
		if (milestone_household(&cs->records[i]))
			return true;
	return false;
}

/* a < b as SQLite compares two texts (BINARY: bytes, then length) */
static bool text_before(const proto_value *a, const proto_value *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->text, b->text, n);

	return c < 0 || (c == 0 && a->len < b->len);
}

/* Milestone r joins note n: its date, if dated, for its stage. */
static void note_add(hh_note *n, const proto_record *r)
{
	const proto_field *date = hub_record_field(r, PROTO_MS_DATE);
	const proto_field *stage = hub_record_field(r, PROTO_MS_STAGE);
	int k;

	if (!date || date->value.type == PROTO_V_NULL)
		return; /* undated: no date, and not live for the dates */
	if (date->value.type != PROTO_V_TEXT ||
	    (stage && stage->value.type != PROTO_V_TEXT && stage->value.type != PROTO_V_NULL)) {
		n->full = 1;
		return;
	}
	n->live = 1;
	if (!stage || stage->value.type != PROTO_V_TEXT)
		return;
	/* report_hh's d1..d8 are the stages in their order (FIRST_DATES) */
	k = proto_stage_rank(stage->value.text) - 1;
	if (k >= 0 && (!n->d[k] || text_before(&date->value, n->d[k])))
		n->d[k] = &date->value;
}

/* Write note n (HUB_STMT_REPORT_DIRTY_NOTE, prepared in *st). */
static int note_write(sqlite3 *db, sqlite3_stmt **st, const hh_note *n)
{
	int k;

	if (!*st && !(*st = hub_store_prep(db, HUB_STMT_REPORT_DIRTY_NOTE)))
		return -1;
	sqlite3_bind_int64(*st, 1, proto_u2i(n->hh.origin));
	sqlite3_bind_int64(*st, 2, proto_u2i(n->hh.serial));
	for (k = 0; k < 8; k++)
		if (n->d[k])
			sqlite3_bind_text(*st, 3 + k, n->d[k]->text, (int)n->d[k]->len, SQLITE_STATIC);
		else
			sqlite3_bind_null(*st, 3 + k);
	sqlite3_bind_int(*st, 11, n->live);
	sqlite3_bind_int(*st, 12, n->full);
	if (sqlite3_step(*st) != SQLITE_DONE)
		return -1;
	sqlite3_reset(*st);
	return 0;
}

/* Is a milestone with an id among spans voided already? *voided 1 if so, or
 * if the spans could not hold every milestone of cs (nspans > PROBE_ORIGINS). */
static int probe_voids(sqlite3 *db, const id_span *spans, size_t nspans, int *voided)
{
	sqlite3_stmt *st = NULL;
	bool any = false;
	int rc = -1;
	size_t i;

	*voided = nspans > PROBE_ORIGINS;
	for (i = 0; !*voided && i < nspans; i++) {
		/* a span across 2^63 is not one range of the stored (signed) serials */
		if ((spans[i].lo >> 63) != (spans[i].hi >> 63)) {
			*voided = 1;
			break;
		}
		if (!st && !(st = hub_store_prep(db, HUB_STMT_REPORT_VOID_PROBE)))
			goto out;
		sqlite3_bind_int64(st, 1, proto_u2i(spans[i].origin));
		sqlite3_bind_int64(st, 2, proto_u2i(spans[i].lo));
		sqlite3_bind_int64(st, 3, proto_u2i(spans[i].hi));
		if (hub_store_step(st, &any) != HUB_OK)
			goto out;
		sqlite3_reset(st);
		*voided = any;
	}
	rc = 0;
out:
	hub_store_unprep(st);
	return rc;
}

/* The ids of cs's milestones, an origin's lowest to highest, in spans[]
 * (at most PROBE_ORIGINS + 1: one more says there were more). */
static size_t milestone_spans(const proto_changeset *cs, id_span *spans)
{
	size_t i, j, n = 0;

	for (i = 0; i < cs->nrecords; i++) {
		const proto_record *r = &cs->records[i];

		if (!milestone_household(r))
			continue;
		for (j = 0; j < n && spans[j].origin != r->id.origin; j++)
			;
		if (j == n) {
			if (n > PROBE_ORIGINS)
				return n;
			spans[n++] = (id_span){ r->id.origin, r->id.serial, r->id.serial };
		} else if (r->id.serial < spans[j].lo) {
			spans[j].lo = r->id.serial;
		} else if (r->id.serial > spans[j].hi) {
			spans[j].hi = r->id.serial;
		}
	}
	return n;
}

/* The households cs's milestones name, noted in report_dirty with their
 * first dates of each stage among them (a record the merge had already is
 * noted too: it is stored as it is in cs, and its dates are already the
 * household's). A household's milestones follow one another in a
 * change-set: one note a run of them; a household in two runs is noted
 * twice, and the note keeps the earlier dates. */
static int note_milestones(sqlite3 *db, const proto_changeset *cs)
{
	id_span spans[PROBE_ORIGINS + 1];
	sqlite3_stmt *st = NULL;
	hh_note n;
	int rc = -1, voided;
	bool open = false;
	size_t i;

	if (probe_voids(db, spans, milestone_spans(cs, spans), &voided))
		return -1;
	for (i = 0; i < cs->nrecords; i++) {
		const proto_id *hh = milestone_household(&cs->records[i]);

		if (!hh)
			continue;
		if (open && !proto_id_eq(*hh, n.hh)) {
			if (note_write(db, &st, &n))
				goto out;
			open = false;
		}
		if (!open) {
			memset(&n, 0, sizeof(n));
			n.hh = *hh;
			n.full = voided;
			open = true;
		}
		note_add(&n, &cs->records[i]);
	}
	if (open && note_write(db, &st, &n))
		goto out;
	rc = 0;
out:
	hub_store_unprep(st);
	return rc;
}

hub_result hub_report_flush(sqlite3 *db, const proto_changeset *cs, char *err, size_t errlen)
{
	/* in this order: count_move reads the rows as they were; the fresh
	 * rows exist before their counters and before the contributions'
	 * sums read their commune */
	static const hub_stmt steps[] = { HUB_STMT_REPORT_NEW,         HUB_STMT_REPORT_NEW_INC,
					  HUB_STMT_REPORT_COUNT_MOVE,  HUB_STMT_REPORT_HH_FRESH,
					  HUB_STMT_REPORT_COUNT_FRESH, HUB_STMT_REPORT_DATES,
					  HUB_STMT_REPORT_TWICE,       HUB_STMT_REPORT_NEW_CLEAR,
					  HUB_STMT_REPORT_DIRTY_CLEAR };
	static const hub_stmt fund_steps[] = { HUB_STMT_REPORT_FUND, HUB_STMT_REPORT_FUND_CLEAR };
	bool named = names_households(cs), dirty = false, due = false;
	size_t i;

	/* a change-set that added no household, no milestone and no
	 * contribution, and voided none, has nothing to do */
	if (flush_any(db, HUB_STMT_REPORT_DIRTY_ANY, &dirty) ||
	    flush_any(db, HUB_STMT_REPORT_FUND_ANY, &due)) {
		snprintf(err, errlen, _("cannot bring the report tables up to date: %s"),
			 sqlite3_errmsg(db));
		return HUB_EDB;
	}
	if (!dirty && !due && !named)
		return HUB_OK;
	if (sqlite3_exec(db, "SAVEPOINT report_flush", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	/* the notes inside the savepoint: a flush that fails leaves none */
	if (named && note_milestones(db, cs))
		goto fail;
	dirty = dirty || named;
	for (i = 0; dirty && i < sizeof(steps) / sizeof(steps[0]); i++)
		if (flush_step(db, steps[i]))
			goto fail;
	for (i = 0; due && i < sizeof(fund_steps) / sizeof(fund_steps[0]); i++)
		if (flush_step(db, fund_steps[i]))
			goto fail;
	if (sqlite3_exec(db, "RELEASE report_flush", NULL, NULL, NULL) == SQLITE_OK)
		return HUB_OK;
fail:
	/* the message before the rollback's own */
	snprintf(err, errlen, _("cannot bring the report tables up to date: %s"), sqlite3_errmsg(db));
	sqlite3_exec(db, "ROLLBACK TO report_flush; RELEASE report_flush", NULL, NULL, NULL);
	return HUB_EDB;
}
