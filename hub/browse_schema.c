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

/* browse_hh's row of household (o, s) */
#define KEY_OF(o, s) "(SELECT id FROM browse_hh WHERE id_origin = " o " AND id_serial = " s ")"

/* A stamp of household (o, s) makes its last change at least that new. */
#define TOUCH(o, s, stamp) \
	"INSERT INTO browse_hh(id_origin, id_serial, changed) VALUES (" o ", " s ", " stamp ")" \
	" ON CONFLICT(id_origin, id_serial) DO UPDATE SET changed = max(changed, excluded.changed);"

static const char tables_sql[] =
	"CREATE TABLE browse_hh (id INTEGER PRIMARY KEY, id_origin INTEGER NOT NULL,"
	" id_serial INTEGER NOT NULL, changed INTEGER NOT NULL DEFAULT 0,"
	" UNIQUE (id_origin, id_serial));"
	"CREATE INDEX browse_hh_changed ON browse_hh(changed);"
	"CREATE VIRTUAL TABLE browse_fts USING fts5(words,"
	" tokenize = 'unicode61 remove_diacritics 2');"
	/* the browser's sorts and filters over a million households */
	"CREATE INDEX IF NOT EXISTS browse_household_name ON household(name);"
	"CREATE INDEX IF NOT EXISTS browse_household_ref ON household(ref);"
	"CREATE INDEX IF NOT EXISTS browse_household_review ON household(review_status);"
	"CREATE INDEX IF NOT EXISTS browse_household_category ON household(category);";

static const char rebuild_sql[] =
	"INSERT INTO browse_hh(id_origin, id_serial, changed) SELECT id_origin, id_serial,"
	" max(stamp) FROM household_stamp GROUP BY 1, 2;"
	"INSERT INTO browse_hh(id_origin, id_serial, changed) SELECT household_origin,"
	" household_serial, max(stamp) FROM milestone WHERE household_origin IS NOT NULL"
	" GROUP BY 1, 2 ON CONFLICT(id_origin, id_serial) DO UPDATE SET"
	" changed = max(changed, excluded.changed);"
	"INSERT OR IGNORE INTO browse_hh(id_origin, id_serial) SELECT id_origin, id_serial"
	" FROM household WHERE true;"
	"INSERT INTO browse_fts(rowid, words) SELECT b.id, " WORDS(
		"h") " FROM household h"
		     " JOIN browse_hh b ON b.id_origin = h.id_origin AND b.id_serial = h.id_serial;";

/* merge_household.c inserts a household (OR IGNORE) and then sets one field
 * at a time: each of the four words' fields rewrites its index row. */
static const char triggers_sql[] =
	"CREATE TRIGGER browse_household_ai AFTER INSERT ON household BEGIN "
	"INSERT OR IGNORE INTO browse_hh(id_origin, id_serial) VALUES (NEW.id_origin, NEW.id_serial);"
	"DELETE FROM browse_fts WHERE rowid = " KEY_OF(
		"NEW.id_origin",
		"NEW.id_serial") ";"
				 "INSERT INTO browse_fts(rowid, words) VALUES (" KEY_OF("NEW.id_origin", "NEW.id_serial") ", " WORDS(
					 "NEW") "); END;"
						"CREATE TRIGGER browse_household_au AFTER UPDATE OF name, national_id, ref, hamlet"
						" ON household BEGIN "
						"DELETE FROM browse_fts WHERE rowid = " KEY_OF(
							"NEW.id_origin",
							"NEW.id_serial") ";"
									 "INSERT INTO browse_fts(rowid, words) VALUES (" KEY_OF("NEW.id_origin", "NEW.id_serial") ", " WORDS(
										 "NEW") "); END;"
											"CREATE TRIGGER browse_stamp_ai AFTER INSERT ON household_stamp BEGIN " TOUCH(
												"NEW.id_origin",
												"NEW.id_serial",
												"NEW.stamp") " END;"
													     "CREATE TRIGGER browse_stamp_au AFTER UPDATE OF stamp ON household_stamp BEGIN " TOUCH(
														     "NEW.id_origin",
														     "NEW.id_serial",
														     "NEW.stamp") " END;"
																  "CREATE TRIGGER browse_milestone_ai AFTER INSERT ON milestone"
																  " WHEN NEW.household_origin IS NOT NULL BEGIN " TOUCH(
																	  "NEW.household_origin",
																	  "NEW.household_serial",
																	  "NEW.stamp") " END;";

hub_result hub_browse_migrate(sqlite3 *db, char *err, size_t errlen)
{
	char have[16];
	hub_result rc = HUB_EDB;
	bool found;

	/* the common case (current tables) needs no write lock: serve may hold it */
	if (hub_meta_get(db, "browse_schema", have, sizeof(have), &found) == HUB_OK && found &&
	    strcmp(have, BROWSE_SCHEMA_VERSION) == 0)
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
	if (found && strcmp(have, BROWSE_SCHEMA_VERSION) == 0) {
		rc = HUB_OK;
		goto rollback; /* another process installed them meanwhile */
	}
	if (found) {
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
