/*
 * browse_schema.c - the household browser's search index and last-change
 * stamps (browse_schema.h): tables, the triggers that keep them current on
 * every merge, and the rebuild that fills them from a hub that already
 * holds households. Plain SQL only: any connection that merges (the
 * server's, a command's, the audit's scratch rebuild) runs the triggers
 * without a function of ours registered on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "browse_schema.h"
#include "store.h"
#include "i18n.h"

/* 2: indexes for the filters asked together (a commune with a review
 * status or a category), the planner's statistics written with the tables,
 * and triggers that write a row only when a value it holds changes. An
 * older version is dropped and built again. */
/* 3: a household's open-item and missing-photo flags (open_since,
 * photo_since), judged when a change-set's ledger row is written. */
/* 4: the flags' flush judges the missing-photo rule once a household (the
 * same flags; the triggers that hold the flush are made again). */
/* 5: a milestone marks its household only when it can move a flag by
 * itself (an evidence stage, a late-rule stage, a stage in report_twice);
 * the stage dates mark it when they move its out-of-order test
 * (browse_flags_disorder), report_twice's new pairs when added
 * (browse_flags_twice). */
#define BROWSE_SCHEMA_VERSION 5

/* The SQL below is laid out by hand, one clause a line, for whoever reads
 * or changes it; clang-format would scatter the macro-joined strings. */
/* clang-format off */

/* The words household row r is found by; đ/Đ as d, the rest the tokenizer
 * folds (case and every other Vietnamese mark). */
#define WORDS(r)                                                               \
	"replace(replace("                                                     \
	"coalesce(" r ".name, '') || ' ' || coalesce(" r ".national_id, '')"   \
	" || ' ' || coalesce(" r ".ref, '') || ' ' || coalesce(" r ".hamlet, '')," \
	" 'đ', 'd'), 'Đ', 'D')"

/* The stage report_hh row r has reached: r1..r8 are '~' until reached,
 * and a stage reached means every earlier one is too (schema_report.c). */
#define STAGE_OF(r)                                                            \
	"((" r ".r1 <> '~') + (" r ".r2 <> '~') + (" r ".r3 <> '~')"          \
	" + (" r ".r4 <> '~') + (" r ".r5 <> '~') + (" r ".r6 <> '~')"        \
	" + (" r ".r7 <> '~') + (" r ".r8 <> '~'))"

/* browse_hh's row of household (o, s) */
#define ROW_OF(o, s) " WHERE id_origin = " o " AND id_serial = " s

/* The words of the households browse_words_due names, into browse_fts
 * (their old words out first), in one statement each: FTS5 writes what it
 * holds as a new segment at every statement's savepoint, ~150 µs, so a
 * household's words written by its own merge statement cost more than the
 * rest of the browser's triggers together. */
#define WORDS_FLUSH                                                            \
	" DELETE FROM browse_fts WHERE rowid IN (SELECT id FROM browse_words_due);" \
	" INSERT INTO browse_fts(rowid, words)"                                  \
	"  SELECT b.id, " WORDS("h") " FROM browse_words_due d"                  \
	"  CROSS JOIN browse_hh b ON b.id = d.id"                                \
	"  JOIN household h"                                                     \
	"  ON h.id_origin = b.id_origin AND h.id_serial = b.id_serial;"          \
	" DELETE FROM browse_words_due;"

/* household (o, s)'s browse_hh row, to be judged again */
#define MARK(o, s) " INSERT OR IGNORE INTO browse_flags_due(id) SELECT id FROM browse_hh" ROW_OF(o, s) ";"

/* the browse_hh rows of the households holding national ID n (the N- rule
 * of each of them moves with one more or one fewer) */
#define MARK_NID(n)                                                            \
	" INSERT OR IGNORE INTO browse_flags_due(id) SELECT b.id FROM household x" \
	" JOIN browse_hh b ON b.id_origin = x.id_origin AND b.id_serial = x.id_serial" \
	" WHERE x.national_id = " n " AND " n " <> '';"

/* the browse_hh row of the household of milestone (o, s) */
#define MARK_MILESTONE(o, s)                                                   \
	" INSERT OR IGNORE INTO browse_flags_due(id) SELECT b.id FROM milestone e" \
	" JOIN browse_hh b ON b.id_origin = e.household_origin"                  \
	" AND b.id_serial = e.household_serial"                                  \
	" WHERE e.id_origin = " o " AND e.id_serial = " s ";"

/* hex digit i (1-based) of text t, 0..15 */
#define HEX(t, i) "(instr('0123456789abcdef', substr(" t ", " #i ", 1)) - 1)"
/* the origin an item's id spells from its third character (rc_record_id:
 * 16 hex digits, then '-' and the serial) */
#define ITEM_ORIGIN(t)                                                         \
	"((" HEX(t, 3) " << 60) | (" HEX(t, 4) " << 56) | (" HEX(t, 5) " << 52)" \
	" | (" HEX(t, 6) " << 48) | (" HEX(t, 7) " << 44) | (" HEX(t, 8) " << 40)" \
	" | (" HEX(t, 9) " << 36) | (" HEX(t, 10) " << 32) | (" HEX(t, 11) " << 28)" \
	" | (" HEX(t, 12) " << 24) | (" HEX(t, 13) " << 20) | (" HEX(t, 14) " << 16)" \
	" | (" HEX(t, 15) " << 12) | (" HEX(t, 16) " << 8) | (" HEX(t, 17) " << 4)" \
	" | " HEX(t, 18) ")"
#define ITEM_SERIAL(t) "CAST(substr(" t ", 20) AS INTEGER)"

/* The first as-of day on which each rule holds for household h (report_hh
 * r, browse_basis k): NULL when it never does, '' when from the start.
 * Each of the rules' as-of tests is "a date <= the day", so the first day
 * is the least date that passes the rest of its test: the first day of
 * the missing-photo rule is the least date of a milestone it names; of
 * the late rule the hand-over or completion date past the deadline; of a
 * stage on two days the least of that stage's dates by which two laptops
 * and two days are there; of the household's items the least of all
 * these, or '' when one that does not depend on the day holds. */
#define PHOTO_SINCE                                                            \
	"(CASE WHEN h.withdrawn IS NULL THEN (SELECT min(m.date) FROM milestone m" \
	" WHERE" BROWSE_PHOTO_MISSING_ON("k.ev") ") END)"
#define LATE_SINCE                                                             \
	"(CASE WHEN r.counted AND" BROWSE_ITEM_L_OPEN " THEN (SELECT min(v) FROM"  \
	" (SELECT CASE WHEN r.d8 > k.deadline THEN r.d8 END AS v"                \
	"  UNION ALL SELECT CASE WHEN r.d7 > k.deadline THEN r.d7 END)) END)"
#define TWICE_SINCE                                                            \
	"(CASE WHEN r.counted THEN (SELECT min(m1.date) FROM report_twice t"     \
	" JOIN milestone m1 ON m1.household_origin = t.id_origin"                \
	" AND m1.household_serial = t.id_serial AND m1.stage = t.stage"          \
	" WHERE t.id_origin = h.id_origin AND t.id_serial = h.id_serial AND"     \
	PROTO_SQL_MILESTONE_LIVE("m1") "AND " BROWSE_TWICE_BY("m1.date")         \
	" AND" BROWSE_ITEM_S_OPEN ") END)"
/* photo: the missing-photo rule's first day, judged already (PHOTO_SINCE) */
#define OPEN_SINCE(photo)                                                      \
	"(SELECT min(v) FROM (SELECT CASE WHEN " BROWSE_ITEM_C " OR " BROWSE_ITEM_N \
	"  OR (r.counted AND " BROWSE_ITEM_O ") THEN '' END AS v"                \
	" UNION ALL SELECT " LATE_SINCE " UNION ALL SELECT " TWICE_SINCE          \
	" UNION ALL SELECT " photo "))"

/* The flags of the households browse_flags_due names, judged again (by
 * browse_basis's deadline and evidence stages) and written into browse_hh
 * where they moved: most merges move none, and browse_hh's flag indexes
 * are then not touched. */
#define FLAGS_OF                                                               \
	"  FROM browse_hh b JOIN household h"                                    \
	"  ON h.id_origin = b.id_origin AND h.id_serial = b.id_serial"           \
	"  LEFT JOIN report_hh r ON r.id_origin = h.id_origin AND r.id_serial = h.id_serial," \
	"  browse_basis k WHERE b.id = browse_flags_due.id"
/* The missing-photo rule first, then the open items with its day as one of
 * theirs: judged once a household, not twice (the rule walks the
 * household's milestones and their photos; the flush was a fifth of the
 * writer's merge of a night of milestones, BENCHMARKS.md "The writer per
 * change on event nights"). */
#define FLAGS_FLUSH                                                            \
	" UPDATE browse_flags_due SET photo_since = (SELECT " PHOTO_SINCE        \
	   FLAGS_OF ");"                                                         \
	" UPDATE browse_flags_due SET open_since = (SELECT "                     \
	   OPEN_SINCE("browse_flags_due.photo_since") FLAGS_OF ");"             \
	" UPDATE browse_hh SET (open_since, photo_since) ="                      \
	"  (SELECT d.open_since, d.photo_since FROM browse_flags_due d"          \
	"  WHERE d.id = browse_hh.id) WHERE id IN (SELECT d.id"                  \
	"  FROM browse_flags_due d CROSS JOIN browse_hh b ON b.id = d.id"        \
	"  WHERE b.open_since IS NOT d.open_since"                               \
	"  OR b.photo_since IS NOT d.photo_since);"                              \
	" DELETE FROM browse_flags_due;"

/* Every trigger and table this file has made, under any version. */
static const char drop_sql[] =
	"DROP TRIGGER IF EXISTS browse_household_ai;"
	"DROP TRIGGER IF EXISTS browse_household_words;"
	"DROP TRIGGER IF EXISTS browse_household_au;"
	"DROP TRIGGER IF EXISTS browse_stamp_ai;"
	"DROP TRIGGER IF EXISTS browse_stamp_au;"
	"DROP TRIGGER IF EXISTS browse_milestone_ai;"
	"DROP TRIGGER IF EXISTS browse_report_ai;"
	"DROP TRIGGER IF EXISTS browse_report_au;"
	"DROP TRIGGER IF EXISTS browse_report_stage;"
	"DROP TRIGGER IF EXISTS browse_report_handed;"
	"DROP TRIGGER IF EXISTS browse_words_ledger;"
	"DROP TRIGGER IF EXISTS browse_flags_household;"
	"DROP TRIGGER IF EXISTS browse_flags_milestone;"
	"DROP TRIGGER IF EXISTS browse_flags_disorder;"
	"DROP TRIGGER IF EXISTS browse_flags_twice;"
	"DROP TRIGGER IF EXISTS browse_flags_photo;"
	"DROP TRIGGER IF EXISTS browse_flags_void;"
	"DROP TRIGGER IF EXISTS browse_flags_conflict_ai;"
	"DROP TRIGGER IF EXISTS browse_flags_conflict_au;"
	"DROP TRIGGER IF EXISTS browse_flags_resolution;"
	"DROP TRIGGER IF EXISTS browse_flags_ledger;"
	"DROP TABLE IF EXISTS browse_flags_due;"
	"DROP TABLE IF EXISTS browse_basis;"
	"DROP TABLE IF EXISTS browse_words_due;"
	"DROP TABLE IF EXISTS browse_hh;"
	"DROP TABLE IF EXISTS browse_fts;";

/* The browser's copy of what it filters and sorts by, one row per
 * household row (a milestone of a household not yet arrived waits for it),
 * so that a filter, a sort and a count read one table and its indexes:
 * an index per sort, one per filter with the name second (a page in name
 * order is then the index's order), and one per pair of filters the
 * dashboard offers together within a commune. */
static const char tables_sql[] =
	"CREATE TABLE browse_hh ("
	" id INTEGER PRIMARY KEY,"
	" id_origin INTEGER NOT NULL, id_serial INTEGER NOT NULL,"
	" changed INTEGER NOT NULL DEFAULT 0,"
	" name TEXT, ref TEXT,"
	" commune INTEGER NOT NULL DEFAULT 0,"
	" category TEXT,"
	" review TEXT NOT NULL DEFAULT 'proposed',"
	" stage INTEGER NOT NULL DEFAULT 0,"
	" handed TEXT,"
	" open_since TEXT, photo_since TEXT,"
	" UNIQUE (id_origin, id_serial));"
	"CREATE INDEX browse_hh_name ON browse_hh(name);"
	"CREATE INDEX browse_hh_ref ON browse_hh(ref);"
	"CREATE INDEX browse_hh_changed ON browse_hh(changed DESC);"
	"CREATE INDEX browse_hh_commune ON browse_hh(commune, name);"
	"CREATE INDEX browse_hh_commune_review ON browse_hh(commune, review, name);"
	"CREATE INDEX browse_hh_commune_category ON browse_hh(commune, category, name);"
	"CREATE INDEX browse_hh_review ON browse_hh(review, name);"
	"CREATE INDEX browse_hh_category ON browse_hh(category, name);"
	"CREATE INDEX browse_hh_stage ON browse_hh(stage DESC, name);"
	"CREATE INDEX browse_hh_handed ON browse_hh(handed);"
	/* the flags: only the households that have one are in these */
	"CREATE INDEX browse_hh_open ON browse_hh(open_since) WHERE open_since IS NOT NULL;"
	"CREATE INDEX browse_hh_photo ON browse_hh(photo_since) WHERE photo_since IS NOT NULL;"
	"CREATE INDEX browse_hh_commune_open ON browse_hh(commune, open_since)"
	" WHERE open_since IS NOT NULL;"
	"CREATE INDEX browse_hh_commune_photo ON browse_hh(commune, photo_since)"
	" WHERE photo_since IS NOT NULL;"
	"CREATE TABLE browse_basis (deadline TEXT, ev TEXT);"
	"CREATE TABLE browse_flags_due (id INTEGER PRIMARY KEY, open_since TEXT, photo_since TEXT);"
	"CREATE VIRTUAL TABLE browse_fts USING fts5(words,"
	" tokenize = 'unicode61 remove_diacritics 2');"
	"CREATE TABLE browse_words_due (id INTEGER PRIMARY KEY);";

/* What the planner knows of browse_hh (sqlite_stat1: the rows, then per
 * index how many rows share a value of its first column, of its first two,
 * ...), for a province of 1,000,000 households in ~100 communes, 3 review
 * statuses, ~5 categories and 9 stages, written once rather than measured
 * by ANALYZE: a hub starts empty and fills by merges, and the plans that
 * suit a province suit a commune's first households too. Without them
 * SQLite guesses that every equality narrows alike, and walks 600,000
 * approved households to find a commune's 5,000. */
static const char stats_sql[] =
	"ANALYZE browse_hh;" /* makes sqlite_stat1 */
	"DELETE FROM sqlite_stat1 WHERE tbl = 'browse_hh';"
	"INSERT INTO sqlite_stat1(tbl, idx, stat) VALUES"
	" ('browse_hh', NULL, '1000000'),"
	" ('browse_hh', 'sqlite_autoindex_browse_hh_1', '1000000 10000 1'),"
	" ('browse_hh', 'browse_hh_name', '1000000 20'),"
	" ('browse_hh', 'browse_hh_ref', '1000000 1'),"
	" ('browse_hh', 'browse_hh_changed', '1000000 1'),"
	" ('browse_hh', 'browse_hh_commune', '1000000 10000 2'),"
	" ('browse_hh', 'browse_hh_commune_review', '1000000 10000 4000 2'),"
	" ('browse_hh', 'browse_hh_commune_category', '1000000 10000 2000 1'),"
	" ('browse_hh', 'browse_hh_review', '1000000 400000 20 noskipscan'),"
	" ('browse_hh', 'browse_hh_category', '1000000 200000 20 noskipscan'),"
	" ('browse_hh', 'browse_hh_stage', '1000000 150000 20 noskipscan'),"
	" ('browse_hh', 'browse_hh_handed', '1000000 10000'),"
	" ('browse_hh', 'browse_hh_open', '200000 20000'),"
	" ('browse_hh', 'browse_hh_photo', '100000 10000'),"
	" ('browse_hh', 'browse_hh_commune_open', '200000 2000 200'),"
	" ('browse_hh', 'browse_hh_commune_photo', '100000 1000 100');"
	"ANALYZE sqlite_schema;"; /* this connection reads them again */

static const char rebuild_sql[] =
	"INSERT INTO browse_hh(id_origin, id_serial, name, ref, commune, category,"
	" review, stage, handed)"
	" SELECT h.id_origin, h.id_serial, h.name, h.ref, coalesce(h.commune, 0),"
	" h.category, coalesce(h.review_status, 'proposed'),"
	" coalesce(" STAGE_OF("r") ", 0), r.d8"
	" FROM household h LEFT JOIN report_hh r"
	" ON r.id_origin = h.id_origin AND r.id_serial = h.id_serial;"
	"UPDATE browse_hh SET changed = max("
	" coalesce((SELECT max(stamp) FROM household_stamp s"
	"  WHERE s.id_origin = browse_hh.id_origin"
	"  AND s.id_serial = browse_hh.id_serial), 0),"
	" coalesce((SELECT max(stamp) FROM milestone m"
	"  WHERE m.household_origin = browse_hh.id_origin"
	"  AND m.household_serial = browse_hh.id_serial), 0));"
	"INSERT INTO browse_fts(rowid, words)"
	" SELECT b.id, " WORDS("h") " FROM household h"
	" JOIN browse_hh b ON b.id_origin = h.id_origin AND b.id_serial = h.id_serial;";

/* merge_household.c inserts a household (OR IGNORE) and then sets one field
 * at a time, a new household's to the values it was inserted with: only a
 * value that changes rewrites the browser's row or its words, and each
 * trigger writes only the columns (and so the indexes) that change. A
 * household's words wait in browse_words_due for the change-set's ledger
 * row (ingest.c writes it in the merge's transaction), whose trigger
 * writes them all at once (WORDS_FLUSH). The stage comes from report_hh, which its own triggers keep; a report schema
 * upgrade drops report_hh and these triggers on it with it, and
 * hub_browse_migrate then builds everything again. */
static const char triggers_sql[] =
	"CREATE TRIGGER browse_household_ai AFTER INSERT ON household BEGIN"
	" INSERT OR IGNORE INTO browse_hh(id_origin, id_serial, name, ref, commune,"
	"  category, review, stage, handed)"
	" SELECT NEW.id_origin, NEW.id_serial, NEW.name, NEW.ref,"
	"  coalesce(NEW.commune, 0), NEW.category,"
	"  coalesce(NEW.review_status, 'proposed'),"
	"  coalesce(" STAGE_OF("r") ", 0), r.d8"
	"  FROM (SELECT 1) LEFT JOIN report_hh r"
	"  ON r.id_origin = NEW.id_origin AND r.id_serial = NEW.id_serial;"
	" INSERT OR IGNORE INTO browse_words_due(id)"
	"  SELECT id FROM browse_hh" ROW_OF("NEW.id_origin", "NEW.id_serial") ";"
	MARK_NID("NEW.national_id")
	MARK("NEW.id_origin", "NEW.id_serial")
	" END;"

	"CREATE TRIGGER browse_household_words"
	" AFTER UPDATE OF name, national_id, ref, hamlet ON household"
	" WHEN OLD.name IS NOT NEW.name OR OLD.national_id IS NOT NEW.national_id"
	"  OR OLD.ref IS NOT NEW.ref OR OLD.hamlet IS NOT NEW.hamlet BEGIN"
	" INSERT OR IGNORE INTO browse_words_due(id)"
	"  SELECT id FROM browse_hh" ROW_OF("NEW.id_origin", "NEW.id_serial") ";"
	" END;"

	"CREATE TRIGGER browse_household_au"
	" AFTER UPDATE OF name, ref, commune, category, review_status ON household"
	" WHEN OLD.name IS NOT NEW.name OR OLD.ref IS NOT NEW.ref"
	"  OR OLD.commune IS NOT NEW.commune OR OLD.category IS NOT NEW.category"
	"  OR OLD.review_status IS NOT NEW.review_status BEGIN"
	" UPDATE browse_hh SET name = NEW.name, ref = NEW.ref,"
	"  commune = coalesce(NEW.commune, 0), category = NEW.category,"
	"  review = coalesce(NEW.review_status, 'proposed')"
	   ROW_OF("NEW.id_origin", "NEW.id_serial") ";"
	" END;"

	"CREATE TRIGGER browse_stamp_ai AFTER INSERT ON household_stamp BEGIN"
	" UPDATE browse_hh SET changed = NEW.stamp"
	   ROW_OF("NEW.id_origin", "NEW.id_serial") " AND changed < NEW.stamp;"
	" END;"

	"CREATE TRIGGER browse_stamp_au AFTER UPDATE OF stamp ON household_stamp BEGIN"
	" UPDATE browse_hh SET changed = NEW.stamp"
	   ROW_OF("NEW.id_origin", "NEW.id_serial") " AND changed < NEW.stamp;"
	" END;"

	"CREATE TRIGGER browse_milestone_ai AFTER INSERT ON milestone"
	" WHEN NEW.household_origin IS NOT NULL BEGIN"
	" UPDATE browse_hh SET changed = NEW.stamp"
	   ROW_OF("NEW.household_origin", "NEW.household_serial")
	"  AND changed < NEW.stamp;"
	" END;"

	"CREATE TRIGGER browse_report_ai AFTER INSERT ON report_hh BEGIN"
	" UPDATE browse_hh SET stage = " STAGE_OF("NEW") ", handed = NEW.d8"
	   ROW_OF("NEW.id_origin", "NEW.id_serial") ";"
	" END;"

	/* a milestone moves one stage's first date: most do not change the
	 * stage reached, fewer the hand-over day */
	"CREATE TRIGGER browse_report_stage"
	" AFTER UPDATE OF d1, d2, d3, d4, d5, d6, d7, d8 ON report_hh"
	" WHEN " STAGE_OF("OLD") " <> " STAGE_OF("NEW") " BEGIN"
	" UPDATE browse_hh SET stage = " STAGE_OF("NEW")
	   ROW_OF("NEW.id_origin", "NEW.id_serial") ";"
	" END;"

	"CREATE TRIGGER browse_report_handed AFTER UPDATE OF d8 ON report_hh"
	" WHEN OLD.d8 IS NOT NEW.d8 BEGIN"
	" UPDATE browse_hh SET handed = NEW.d8"
	   ROW_OF("NEW.id_origin", "NEW.id_serial") ";"
	" END;"

	"CREATE TRIGGER browse_words_ledger AFTER INSERT ON hub_ledger"
	" WHEN EXISTS (SELECT 1 FROM browse_words_due) BEGIN"
	WORDS_FLUSH
	" END;"

	/* What the rules read, marking the households whose flags it may
	 * move (report_hh, report_nid and report_twice follow from these) */
	"CREATE TRIGGER browse_flags_household"
	" AFTER UPDATE OF national_id, withdrawn, review_status ON household"
	" WHEN OLD.national_id IS NOT NEW.national_id OR OLD.withdrawn IS NOT NEW.withdrawn"
	"  OR OLD.review_status IS NOT NEW.review_status BEGIN"
	MARK("NEW.id_origin", "NEW.id_serial")
	MARK_NID("OLD.national_id")
	MARK_NID("NEW.national_id")
	" END;"

	/* A milestone moves a rule through what the rule reads of it: the
	 * missing-photo rule the milestones of an evidence stage, the late
	 * rule d7 and d8 (completed, handed over), the stage-on-two-days rule
	 * the milestones of a stage in report_twice. It marks its household
	 * for those alone; the rest can move only the out-of-order rule,
	 * through its household's stage dates, and the trigger after this one
	 * marks the household when they move it. A pair report_twice gains at
	 * the end of the change-set marks its household (browse_flags_twice).
	 * The night a stage opens, judging every household of a milestone in
	 * order was a fifth of the writer (BENCHMARKS.md, "Night 60's flush");
	 * what this costs a milestone of another stage is one look at
	 * browse_basis and one at report_twice, nothing at report_hh (the
	 * version of 2026-12-02 that tested the order there cost the
	 * registrations a third more, "The browser's flags on the night a
	 * stage opens"). */
	"CREATE TRIGGER browse_flags_milestone AFTER INSERT ON milestone"
	" WHEN NEW.household_origin IS NOT NULL AND (NEW.stage IS NULL OR NEW.date IS NULL"
	"  OR NEW.stage IN ('completed', 'handed_over')"
	"  OR coalesce((SELECT instr(k.ev, ',' || NEW.stage || ',') > 0"
	"  FROM browse_basis k), 1)"
	"  OR EXISTS (SELECT 1 FROM report_twice t"
	"  WHERE t.id_origin = NEW.household_origin"
	"  AND t.id_serial = NEW.household_serial AND t.stage = NEW.stage)) BEGIN"
	MARK("NEW.household_origin", "NEW.household_serial")
	" END;"
	/* the out-of-order rule reads disorder (report_hh's stored test of
	 * its stage dates), which the report flush moves */
	"CREATE TRIGGER browse_flags_disorder"
	" AFTER UPDATE OF d1, d2, d3, d4, d5, d6, d7, d8 ON report_hh"
	" WHEN OLD.disorder IS NOT NEW.disorder BEGIN"
	MARK("NEW.id_origin", "NEW.id_serial")
	" END;"
	"CREATE TRIGGER browse_flags_twice AFTER INSERT ON report_twice BEGIN"
	MARK("NEW.id_origin", "NEW.id_serial")
	" END;"

	"CREATE TRIGGER browse_flags_photo AFTER INSERT ON photo BEGIN"
	MARK("NEW.target_origin", "NEW.target_serial")
	MARK_MILESTONE("NEW.target_origin", "NEW.target_serial")
	" END;"

	"CREATE TRIGGER browse_flags_void AFTER INSERT ON void_event BEGIN"
	MARK_MILESTONE("NEW.target_origin", "NEW.target_serial")
	" INSERT OR IGNORE INTO browse_flags_due(id) SELECT b.id FROM photo p"
	"  JOIN browse_hh b ON b.id_origin = p.target_origin AND b.id_serial = p.target_serial"
	"  WHERE p.id_origin = NEW.target_origin AND p.id_serial = NEW.target_serial;"
	" INSERT OR IGNORE INTO browse_flags_due(id) SELECT b.id FROM photo p"
	"  JOIN milestone e ON e.id_origin = p.target_origin AND e.id_serial = p.target_serial"
	"  JOIN browse_hh b ON b.id_origin = e.household_origin"
	"  AND b.id_serial = e.household_serial"
	"  WHERE p.id_origin = NEW.target_origin AND p.id_serial = NEW.target_serial;"
	" END;"

	"CREATE TRIGGER browse_flags_conflict_ai AFTER INSERT ON conflict BEGIN"
	MARK("NEW.id_origin", "NEW.id_serial")
	" END;"

	"CREATE TRIGGER browse_flags_conflict_au AFTER UPDATE OF resolved_at ON conflict BEGIN"
	MARK("NEW.id_origin", "NEW.id_serial")
	" END;"

	/* a resolution, written by an operator's decision (which may write
	 * no ledger row in its transaction), is judged at once */
	"CREATE TRIGGER browse_flags_resolution AFTER INSERT ON report_resolution BEGIN"
	" INSERT OR IGNORE INTO browse_flags_due(id) SELECT b.id FROM conflict c"
	"  JOIN browse_hh b ON b.id_origin = c.id_origin AND b.id_serial = c.id_serial"
	"  WHERE NEW.item LIKE 'C-%' AND c.id = CAST(substr(NEW.item, 3) AS INTEGER);"
	" INSERT OR IGNORE INTO browse_flags_due(id) SELECT b.id FROM household x"
	"  JOIN browse_hh b ON b.id_origin = x.id_origin AND b.id_serial = x.id_serial"
	"  WHERE NEW.item LIKE 'N-%' AND x.national_id = substr(NEW.item, 3);"
	" INSERT OR IGNORE INTO browse_flags_due(id) SELECT id FROM browse_hh"
	"  WHERE substr(NEW.item, 1, 2) IN ('O-', 'L-', 'S-', 'E-')"
	"  AND id_origin = " ITEM_ORIGIN("NEW.item")
	"  AND id_serial = " ITEM_SERIAL("NEW.item") ";"
	FLAGS_FLUSH
	" END;"

	"CREATE TRIGGER browse_flags_ledger AFTER INSERT ON hub_ledger"
	" WHEN EXISTS (SELECT 1 FROM browse_flags_due) BEGIN"
	FLAGS_FLUSH
	" END;";

static const char flush_sql[] =
	"SAVEPOINT browse_words;" WORDS_FLUSH FLAGS_FLUSH "RELEASE browse_words;";

/* Every household judged again with a new basis. */
static const char flags_all_sql[] =
	"INSERT OR IGNORE INTO browse_flags_due(id) SELECT id FROM browse_hh;" FLAGS_FLUSH;

/* clang-format on */

/* 1 when the triggers on report_hh, report_twice and hub_ledger are there
 * (a schema upgrade that makes one of those tables again drops them with
 * it). */
static int triggers_there(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int there = 0;

	if (sqlite3_prepare_v2(db,
			       "SELECT count(*) = 5 FROM sqlite_master WHERE type = 'trigger' AND"
			       " name IN ('browse_report_stage', 'browse_words_ledger',"
			       " 'browse_flags_ledger', 'browse_flags_disorder', 'browse_flags_twice')",
			       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		there = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return there;
}

/* The version of the browser's tables in db into *version (0: none yet). */
static hub_result version_in(sqlite3 *db, long *version)
{
	char have[16];
	bool found;
	hub_result rc = hub_meta_get(db, "browse_schema", have, sizeof(have), &found);

	*version = rc == HUB_OK && found ? strtol(have, NULL, 10) : 0;
	return rc;
}

hub_result hub_browse_migrate(sqlite3 *db, char *err, size_t errlen)
{
	char have[24], knows[24];
	hub_result rc = HUB_EDB;
	long version;

	/* the common case (current tables) needs no write lock: serve may hold it */
	if (version_in(db, &version) == HUB_OK && version == BROWSE_SCHEMA_VERSION && triggers_there(db))
		return HUB_OK;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen,
			 _("hub database is busy (%s): stop the other maiam-hub and try"
			   " again"),
			 sqlite3_errmsg(db));
		return HUB_EDB;
	}
	if (version_in(db, &version) != HUB_OK)
		goto dberr;
	if (version == BROWSE_SCHEMA_VERSION && triggers_there(db)) {
		rc = HUB_OK;
		goto rollback; /* another process installed them meanwhile */
	}
	if (version > BROWSE_SCHEMA_VERSION) {
		snprintf(have, sizeof(have), "%ld", version);
		snprintf(knows, sizeof(knows), "%d", BROWSE_SCHEMA_VERSION);
		snprintf(err, errlen,
			 _("household browser tables are version '%s', this maiam-hub knows '%s':"
			   " use a newer maiam-hub"),
			 have, knows);
		rc = HUB_REFUSED;
		goto rollback;
	}
	snprintf(knows, sizeof(knows), "%d", BROWSE_SCHEMA_VERSION);
	if (sqlite3_exec(db, drop_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, tables_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, stats_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, rebuild_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, triggers_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    hub_meta_set(db, "browse_schema", knows) ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	return HUB_OK;
dberr:
	snprintf(err, errlen, _("cannot create the household browser's tables: %s"), sqlite3_errmsg(db));
rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

hub_result hub_browse_words_flush(sqlite3 *db)
{
	if (sqlite3_exec(db, flush_sql, NULL, NULL, NULL) == SQLITE_OK)
		return HUB_OK;
	sqlite3_exec(db, "ROLLBACK TO browse_words; RELEASE browse_words", NULL, NULL, NULL);
	return HUB_EDB;
}

void hub_browse_evidence(const proto_campaign *c, char *out, size_t outlen)
{
	size_t k, n = 1;

	if (outlen < 2)
		return;
	snprintf(out, outlen, ",");
	for (k = 0; proto_stages[k] && n < outlen; k++)
		if (c->evidence_stages & (1u << k))
			n += (size_t)snprintf(out + n, outlen - n, "%s,", proto_stages[k]);
}

/* 1 when browse_basis holds c's deadline and evidence stages ev. */
static int basis_is(sqlite3 *db, const proto_campaign *c, const char *ev)
{
	sqlite3_stmt *st = NULL;
	int is = 0;

	if (sqlite3_prepare_v2(db,
			       "SELECT count(*) = 1 AND sum(deadline IS ?1 AND ev IS ?2) = 1"
			       " FROM browse_basis",
			       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, c->deadline, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, ev, -1, SQLITE_STATIC) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		is = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return is;
}

int hub_browse_flags_usable(sqlite3 *db, const proto_campaign *c)
{
	sqlite3_stmt *st = NULL;
	char ev[160];
	int due = 1;

	hub_browse_evidence(c, ev, sizeof(ev));
	if (!basis_is(db, c, ev))
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT EXISTS (SELECT 1 FROM browse_flags_due)", -1, &st, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		due = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return !due;
}

hub_result hub_browse_flags_basis(sqlite3 *db, const proto_campaign *c)
{
	sqlite3_stmt *st = NULL;
	char ev[160];

	hub_browse_evidence(c, ev, sizeof(ev));
	if (basis_is(db, c, ev))
		return HUB_OK; /* the common case: no write lock needed */
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return HUB_EDB;
	if (sqlite3_exec(db, "DELETE FROM browse_basis", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO browse_basis(deadline, ev) VALUES (?1, ?2)", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, c->deadline, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, ev, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_exec(db, flags_all_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return HUB_OK;
fail:
	sqlite3_finalize(st);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return HUB_EDB;
}
