/*
 * browse_schema.h - what the household browser (hub/report/browse.c) reads
 * besides the households themselves: a search index of each household's
 * words without diacritics and the stamp of its last change, kept current
 * by triggers on every merge and rebuilt from the data the first time.
 */
#ifndef HUB_BROWSE_SCHEMA_H
#define HUB_BROWSE_SCHEMA_H

#include <stddef.h>
#include <sqlite3.h>
#include "maiam/campaign.h"
#include "maiam/schema.h"
#include "result.h"

/*
 * browse_hh: one row per household row, with what the browser filters and
 *   sorts by: name, ref, commune (0 unknown), category, review ('proposed'
 *   when none), stage (0 none reached, 1..8, from report_hh), handed (the
 *   hand-over date, NULL none), changed (the newest stamp, HLC, among its
 *   fields and milestones); id is the rowid of its browse_fts row.
 * browse_fts: FTS5 over name, national ID, ref and hamlet, tokenized by
 *   unicode61 with diacritics removed; đ and Đ (which Unicode does not
 *   decompose) are written d before the tokenizer sees them.
 * browse_words_due: households merged (or whose words changed) whose words
 *   browse_fts does not have yet: a merge leaves them there and the
 *   change-set's ledger row (hub_ledger, written by ingest in the same
 *   transaction) writes them all into browse_fts in one statement, as
 *   hub_browse_words_flush does for a merge that writes no ledger row.
 * browse_hh.open_since, .photo_since: the first as-of day on which the
 *   household has an open item of its own in the reconcile queue (any of
 *   BROWSE_OPEN_ITEMS_AT) / a missing photo (BROWSE_MISSING_PHOTO_AT), NULL
 *   when it has none on any day; '' when from the start. Both rules only
 *   ever become true as the as-of day moves later (each as-of test is
 *   "recorded by that day"), so "has one on day D" is exactly
 *   "since <= D", and the filter is an index range. They are judged with
 *   the campaign's deadline and evidence stages kept in browse_basis
 *   (hub_browse_flags_basis); browse.c uses them only when browse_basis
 *   holds the campaign it is asked with.
 * browse_flags_due: households whose flags a change may have moved (by
 *   triggers on household, milestone, photo, void_event, conflict and
 *   report_resolution); the change-set's ledger row judges them again in
 *   one statement, as it writes the search words.
 */

/*
 * The reconcile queue's rules for one household (report_reconcile_items.c's
 * kinds that name one household), as SQL over household h and its report_hh
 * row r (LEFT JOINed), with the as-of day A, the deadline D and the
 * evidence stages E (",surveyed,handed_over,") as SQL expressions.
 */
/* clang-format off */
/* An item of the queue by that id, not yet resolved. */
#define BROWSE_OPEN(item) " NOT EXISTS (SELECT 1 FROM report_resolution s WHERE s.item = " item ")"
/* A household's id as its items in the reconcile queue spell it (rc_record_id). */
#define BROWSE_HID "printf('%016x-%d', h.id_origin, h.id_serial)"

/* E-, on milestone m of household h: a stage of the campaign's [evidence]
 * (E) on a live milestone, with no live photo on any live record of that
 * stage (nor, for the survey, on the household itself), unresolved; the
 * household's rule below adds "recorded by A" (m.date <= A). */
#define BROWSE_PHOTO_MISSING_ON(E)                                                                 \
	" m.household_origin = h.id_origin AND m.household_serial = h.id_serial AND"             \
	" instr(" E ", ',' || m.stage || ',') > 0 AND"                                            \
	PROTO_SQL_MILESTONE_LIVE("m") "AND NOT EXISTS (SELECT 1 FROM milestone e JOIN photo p"   \
	" ON p.target_kind = 2 AND p.target_origin = e.id_origin AND p.target_serial = e.id_serial" \
	" WHERE e.household_origin = h.id_origin AND e.household_serial = h.id_serial"            \
	" AND e.stage = m.stage AND" PROTO_SQL_MILESTONE_LIVE("e") "AND"                          \
	PROTO_SQL_PHOTO_LIVE("p") ") AND NOT (m.stage = 'surveyed' AND EXISTS (SELECT 1"         \
	" FROM photo p WHERE p.target_kind = 1 AND p.target_origin = h.id_origin AND"            \
	" p.target_serial = h.id_serial AND" PROTO_SQL_PHOTO_LIVE("p") ")) AND"                   \
	BROWSE_OPEN("'E-' || " BROWSE_HID " || '-' || m.stage") " "
#define BROWSE_MISSING_PHOTO_AT(A, E)                                                              \
	"(h.withdrawn IS NULL AND EXISTS (SELECT 1 FROM milestone m WHERE"                       \
	BROWSE_PHOTO_MISSING_ON(E) "AND m.date <= " A "))"

/* The household's own items: a concurrent edit (C-), its national ID in
 * another household too (N-), stages out of order (O-), completed or
 * handed over late (L-), one stage on two days (S-), a missing photo (E-);
 * each while no resolution closes it. Photo pairs and rejected change-sets
 * are items of the queue, not of a household. C-, N- and O- do not depend
 * on the day. */
#define BROWSE_ITEM_C                                                                              \
	"EXISTS (SELECT 1 FROM conflict c WHERE c.resolved_at IS NULL AND"                       \
	" c.id_origin = h.id_origin AND c.id_serial = h.id_serial AND"                           \
	BROWSE_OPEN("'C-' || c.id") ")"
#define BROWSE_ITEM_N                                                                              \
	"(h.withdrawn IS NULL AND h.national_id <> '' AND"                                       \
	" EXISTS (SELECT 1 FROM report_nid n WHERE n.national_id = h.national_id AND n.n > 1)"   \
	" AND" BROWSE_OPEN("'N-' || h.national_id") ")"
#define BROWSE_ITEM_O "(r.disorder AND" BROWSE_OPEN("'O-' || " BROWSE_HID) ")"
#define BROWSE_ITEM_L_OPEN BROWSE_OPEN("'L-' || " BROWSE_HID)
#define BROWSE_ITEM_L_AT(A, D)                                                                     \
	"(((r.d8 > " D " AND r.d8 <= " A ") OR (r.d7 > " D " AND r.d7 <= " A ")) AND"            \
	BROWSE_ITEM_L_OPEN ")"
/* S-: two laptops, two days, by A, among the live milestones of stage
 * t.stage (a report_twice row t of household h) */
#define BROWSE_TWICE_BY(A)                                                                         \
	"(SELECT count(DISTINCT m.id_origin) > 1 AND count(DISTINCT m.date) > 1 FROM milestone m" \
	" WHERE m.household_origin = t.id_origin AND m.household_serial = t.id_serial"           \
	" AND m.stage = t.stage AND m.date <= " A " AND" PROTO_SQL_MILESTONE_LIVE("m") ")"
#define BROWSE_ITEM_S_OPEN BROWSE_OPEN("'S-' || " BROWSE_HID " || '-' || t.stage")
#define BROWSE_ITEM_S_AT(A)                                                                        \
	"EXISTS (SELECT 1 FROM report_twice t WHERE t.id_origin = h.id_origin AND"               \
	" t.id_serial = h.id_serial AND " BROWSE_TWICE_BY(A) " AND" BROWSE_ITEM_S_OPEN ")"
#define BROWSE_OPEN_ITEMS_AT(A, D, E)                                                              \
	"(" BROWSE_ITEM_C " OR " BROWSE_ITEM_N " OR (r.counted AND (" BROWSE_ITEM_O " OR "        \
	BROWSE_ITEM_L_AT(A, D) " OR " BROWSE_ITEM_S_AT(A) ")) OR " BROWSE_MISSING_PHOTO_AT(A, E) ")"
/* clang-format on */

/*
 * Make (or upgrade) the browser's tables, indexes and triggers on db in
 * one transaction; the first time (and after a report schema upgrade,
 * which drops report_hh with the triggers on it) they are filled from the
 * households already there. The version lives in hub_meta under "browse_schema".
 * One line in err (the operator's language); HUB_REFUSED when a newer
 * maiam-hub made them.
 */
hub_result hub_browse_migrate(sqlite3 *db, char *err, size_t errlen);

/*
 * Write the words of the households browse_words_due names into the
 * search index now, in the caller's transaction if there is one: for a
 * caller that merges with proto_merge and writes no ledger row (tests,
 * benchmarks). HUB_OK or HUB_EDB (sqlite3_errmsg(db) says why).
 */
hub_result hub_browse_words_flush(sqlite3 *db);

/* The campaign's evidence stages as the rules read them (",surveyed,handed_over,"). */
void hub_browse_evidence(const proto_campaign *c, char *out, size_t outlen);

/*
 * Judge every household's flags (browse_hh.open_since, .photo_since) with
 * c's deadline and evidence stages, unless browse_basis already holds them
 * (then nothing is written: serve may hold the write lock). Called when a
 * hub is opened (hub_open); until it has run, the browser judges the
 * filters by the rules themselves (exact, slower). HUB_OK, or HUB_EDB
 * (sqlite3_errmsg(db) says why; the database is as it was).
 */
hub_result hub_browse_flags_basis(sqlite3 *db, const proto_campaign *c);

/*
 * 1 when browse_hh's flags answer for c: browse_basis holds c's deadline
 * and evidence stages and no household waits in browse_flags_due (a merge
 * not yet closed by its ledger row); 0 otherwise.
 */
int hub_browse_flags_usable(sqlite3 *db, const proto_campaign *c);

#endif
