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
 */

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

#endif
