/*
 * browse_schema.c - the household browser's search index and last-change
 * stamps (browse_schema.h): tables, the triggers that keep them current on
 * every merge, and the rebuild that fills them from a hub that already
 * holds households. Plain SQL only: any connection that merges (the
 * server's, a command's, the audit's scratch rebuild) runs the triggers
 * without a function of ours registered on it.
 */
#include <stdio.h>
#include <string.h>
#include "browse_schema.h"
#include "store.h"
#include "i18n.h"

#define BROWSE_SCHEMA_VERSION "1"

/* The words household row r is found by; đ/Đ as d, the rest the tokenizer
 * folds (case and every other Vietnamese mark). */
#define WORDS(r) \
	"replace(replace(coalesce(" r ".name, '') || ' ' || coalesce(" r ".national_id, '') || ' ' ||" \
	" coalesce(" r ".ref, '') || ' ' || coalesce(" r ".hamlet, ''), 'đ', 'd'), 'Đ', 'D')"

/* The stage report_hh row r has reached: r1..r8 are '~' until reached,
 * and a stage reached means every earlier one is too (schema_report.c). */
#define STAGE_OF(r) \
	"((" r ".r1 <> '~') + (" r ".r2 <> '~') + (" r ".r3 <> '~') + (" r ".r4 <> '~') + (" r ".r5" \
	" <> '~') + (" r ".r6 <> '~') + (" r ".r7 <> '~') + (" r ".r8 <> '~'))"

/* household (o, s) */
#define IS(o, s) " WHERE id_origin = " o " AND id_serial = " s

/* The browser's copy of what it filters and sorts by, one row per
 * household row (a milestone of a household not yet arrived waits for it),
 * so that a filter, a sort and a count read one table and its indexes. */
static const char tables_sql[] =
	"DROP TRIGGER IF EXISTS browse_household_ai; DROP TRIGGER IF EXISTS browse_household_words;"
	"DROP TRIGGER IF EXISTS browse_household_au; DROP TRIGGER IF EXISTS browse_stamp_ai;"
	"DROP TRIGGER IF EXISTS browse_stamp_au; DROP TRIGGER IF EXISTS browse_milestone_ai;"
	"DROP TRIGGER IF EXISTS browse_report_ai; DROP TRIGGER IF EXISTS browse_report_au;"
	"DROP TABLE IF EXISTS browse_hh; DROP TABLE IF EXISTS browse_fts;"
	"CREATE TABLE browse_hh (id INTEGER PRIMARY KEY, id_origin INTEGER NOT NULL,"
	" id_serial INTEGER NOT NULL, changed INTEGER NOT NULL DEFAULT 0, name TEXT, ref TEXT,"
	" commune INTEGER NOT NULL DEFAULT 0, category TEXT, review TEXT NOT NULL DEFAULT 'proposed',"
	" stage INTEGER NOT NULL DEFAULT 0, handed TEXT, UNIQUE (id_origin, id_serial));"
	"CREATE INDEX browse_hh_name ON browse_hh(name);"
	"CREATE INDEX browse_hh_ref ON browse_hh(ref);"
	"CREATE INDEX browse_hh_commune ON browse_hh(commune, name);"
	"CREATE INDEX browse_hh_review ON browse_hh(review, name);"
	"CREATE INDEX browse_hh_category ON browse_hh(category, name);"
	"CREATE INDEX browse_hh_stage ON browse_hh(stage DESC, name);"
	"CREATE INDEX browse_hh_handed ON browse_hh(handed);"
	"CREATE INDEX browse_hh_changed ON browse_hh(changed);"
	"CREATE VIRTUAL TABLE browse_fts USING fts5(words,"
	" tokenize = 'unicode61 remove_diacritics 2');";

static const char rebuild_sql[] =
	"INSERT INTO browse_hh(id_origin, id_serial, name, ref, commune, category, review, stage,"
	" handed) SELECT h.id_origin, h.id_serial, h.name, h.ref, coalesce(h.commune, 0), h.category,"
	" coalesce(h.review_status, 'proposed'), coalesce(" STAGE_OF(
		"r") ", 0), r.d8 FROM household h"
		     " LEFT JOIN report_hh r ON r.id_origin = h.id_origin AND r.id_serial = h.id_serial;"
		     "UPDATE browse_hh SET changed = max(coalesce((SELECT max(stamp) FROM household_stamp s"
		     " WHERE s.id_origin = browse_hh.id_origin AND s.id_serial = browse_hh.id_serial), 0),"
		     " coalesce((SELECT max(stamp) FROM milestone m WHERE m.household_origin = browse_hh.id_origin"
		     " AND m.household_serial = browse_hh.id_serial), 0));"
		     "INSERT INTO browse_fts(rowid, words) SELECT b.id, " WORDS(
			     "h") " FROM household h"
				  " JOIN browse_hh b ON b.id_origin = h.id_origin AND b.id_serial = h.id_serial;";

/* merge_household.c inserts a household (OR IGNORE) and then sets one field
 * at a time, a new household's to the values it was inserted with: only a
 * value that changes rewrites the browser's row or its words. The
 * stage comes from report_hh, which its own triggers keep; a report schema
 * upgrade drops report_hh and these triggers on it with it, and
 * hub_browse_migrate then builds everything again. */
static const char triggers_sql[] =
	"CREATE TRIGGER browse_household_ai AFTER INSERT ON household BEGIN "
	"INSERT OR IGNORE INTO browse_hh(id_origin, id_serial, name, ref, commune, category, review,"
	" stage, handed) VALUES (NEW.id_origin, NEW.id_serial, NEW.name, NEW.ref,"
	" coalesce(NEW.commune, 0), NEW.category, coalesce(NEW.review_status, 'proposed'),"
	" coalesce((SELECT " STAGE_OF("r") " FROM report_hh r" IS(
		"NEW.id_origin",
		"NEW.id_serial") "), 0),"
				 " (SELECT d8 FROM report_hh r" IS(
					 "NEW.id_origin",
					 "NEW.id_serial") "));"
							  "INSERT INTO browse_fts(rowid, words) SELECT id, " WORDS("NEW") " FROM browse_hh" IS(
								  "NEW.id_origin",
								  "NEW.id_serial") "; END;"
										   "CREATE TRIGGER browse_household_words AFTER UPDATE OF name, national_id, ref, hamlet"
										   " ON household WHEN OLD.name IS NOT NEW.name OR OLD.national_id IS NOT NEW.national_id OR"
										   " OLD.ref IS NOT NEW.ref OR OLD.hamlet IS NOT NEW.hamlet BEGIN "
										   "DELETE FROM browse_fts WHERE rowid = (SELECT id FROM browse_hh" IS(
											   "NEW.id_origin",
											   "NEW.id_serial") ");"
													    "INSERT INTO browse_fts(rowid, words) SELECT id, " WORDS("NEW") " FROM browse_hh" IS(
														    "NEW.id_origin",
														    "NEW.id_serial") "; END;"
																     "CREATE TRIGGER browse_household_au AFTER UPDATE OF name, ref, commune, category, review_status"
																     " ON household WHEN OLD.name IS NOT NEW.name OR OLD.ref IS NOT NEW.ref OR OLD.commune IS NOT"
																     " NEW.commune OR OLD.category IS NOT NEW.category OR OLD.review_status IS NOT NEW.review_status"
																     " BEGIN UPDATE browse_hh SET name = NEW.name, ref = NEW.ref,"
																     " commune = coalesce(NEW.commune, 0), category = NEW.category,"
																     " review = coalesce(NEW.review_status, 'proposed')" IS(
																	     "NEW.id_origin",
																	     "NEW.id_serial") "; END;"
																			      "CREATE TRIGGER browse_stamp_ai AFTER INSERT ON household_stamp BEGIN UPDATE browse_hh SET"
																			      " changed = NEW.stamp" IS(
																				      "NEW.id_origin",
																				      "NEW.id_serial") " AND changed < NEW.stamp; END;"
																						       "CREATE TRIGGER browse_stamp_au AFTER UPDATE OF stamp ON household_stamp BEGIN UPDATE browse_hh"
																						       " SET changed = NEW.stamp" IS(
																							       "NEW.id_origin",
																							       "NEW.id_serial") " AND changed < NEW.stamp; END;"
																										"CREATE TRIGGER browse_milestone_ai AFTER INSERT ON milestone WHEN NEW.household_origin IS NOT"
																										" NULL BEGIN UPDATE browse_hh SET changed = NEW.stamp" IS(
																											"NEW.household_origin",
																											"NEW.household_serial") " AND changed < NEW.stamp; END;"
																														"CREATE TRIGGER browse_report_ai AFTER INSERT ON report_hh BEGIN UPDATE browse_hh SET"
																														" stage = " STAGE_OF("NEW") ", handed = NEW.d8" IS(
																															"NEW.id_origin",
																															"NEW.id_serial") "; END;"
																																	 "CREATE TRIGGER browse_report_au AFTER UPDATE OF d1, d2, d3, d4, d5, d6, d7, d8 ON report_hh"
																																	 " BEGIN UPDATE browse_hh SET stage = " STAGE_OF(
																																		 "NEW") ", handed = NEW.d8" IS("NEW.id_origin",
																																					       "NEW.id_serial") "; END;";

/* 1 when the trigger on report_hh is there (a report schema upgrade drops
 * it with its table). */
static int report_trigger_there(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int there = 0;

	if (sqlite3_prepare_v2(db,
			       "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND"
			       " name = 'browse_report_au'",
			       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		there = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return there;
}

hub_result hub_browse_migrate(sqlite3 *db, char *err, size_t errlen)
{
	char have[16];
	hub_result rc = HUB_EDB;
	bool found;

	/* the common case (current tables) needs no write lock: serve may hold it */
	if (hub_meta_get(db, "browse_schema", have, sizeof(have), &found) == HUB_OK && found &&
	    strcmp(have, BROWSE_SCHEMA_VERSION) == 0 && report_trigger_there(db))
		return HUB_OK;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen,
			 _("hub database is busy (%s): stop the other maiam-hub and try"
			   " again"),
			 sqlite3_errmsg(db));
		return HUB_EDB;
	}
	if (hub_meta_get(db, "browse_schema", have, sizeof(have), &found) != HUB_OK)
		goto dberr;
	if (found && strcmp(have, BROWSE_SCHEMA_VERSION) == 0 && report_trigger_there(db)) {
		rc = HUB_OK;
		goto rollback; /* another process installed them meanwhile */
	}
	if (found && strcmp(have, BROWSE_SCHEMA_VERSION) != 0) {
		snprintf(err, errlen,
			 _("household browser tables are version '%s', this maiam-hub knows '%s':"
			   " use a newer maiam-hub"),
			 have, BROWSE_SCHEMA_VERSION);
		rc = HUB_REFUSED;
		goto rollback;
	}
	if (sqlite3_exec(db, tables_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, rebuild_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, triggers_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    hub_meta_set(db, "browse_schema", BROWSE_SCHEMA_VERSION) ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	return HUB_OK;
dberr:
	snprintf(err, errlen, _("cannot create the household browser's tables: %s"), sqlite3_errmsg(db));
rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
