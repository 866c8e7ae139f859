/*
 * merge.h - the merge rules: apply a change-set to a Mái Ấm SQLite store.
 *
 * The same code runs on the agent (its own edits, hub updates) and on the hub.
 *  - Household fields are last-writer-wins registers, ordered by
 *    (stamp, writer). A change whose base is not the stored stamp and whose
 *    value differs from the stored one was concurrent: the winner is applied
 *    and both values are kept in the conflict table.
 *  - Events (milestone, contribution, void) are inserted by id, never twice.
 *  - Applying the same change-set again changes nothing.
 * The whole change-set is applied inside one SAVEPOINT: all or nothing. If
 * the caller already holds a transaction (the hub writes its ledger row in the
 * same one), the savepoint nests in it.
 */
#ifndef MAIAM_MERGE_H
#define MAIAM_MERGE_H

#include <stddef.h>
#include <sqlite3.h>
#include "changeset.h"
#include "result.h"

typedef struct proto_merge_stats {
	size_t applied;   /* field changes and events that changed the store */
	size_t already;   /* identical change already present (re-apply) */
	size_t stale;     /* field changes that lost to a newer stored value */
	size_t conflicts; /* new conflict records written */
} proto_merge_stats;

/*
 * Apply every record of cs. stats may be NULL; it is added to, not reset.
 * On error nothing of cs is applied (the savepoint is rolled back).
 */
proto_result proto_merge(sqlite3 *db, const proto_changeset *cs, proto_merge_stats *stats);

/*
 * The same rules for a long-lived writer (the hub): a proto_merger keeps its
 * prepared statements from one change-set to the next, where proto_merge
 * prepares them for every call (with triggers on the tables, preparing is a
 * quarter of a small change-set's merge time). It borrows db, which must
 * outlive it; one merger per connection, used by one thread at a time.
 * proto_merger_free(NULL) is a no-op.
 */
typedef struct proto_merge_ctx proto_merger;
proto_result proto_merger_new(sqlite3 *db, proto_merger **out);
proto_result proto_merger_apply(proto_merger *m, const proto_changeset *cs, proto_merge_stats *stats);
void proto_merger_free(proto_merger *m);

#endif
