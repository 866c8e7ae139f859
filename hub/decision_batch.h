/*
 * decision_batch.h - approving or rejecting many households at once
 * (decision_batch.c): each household gets the very review and decision
 * record hub_decide_household signs for one, but many of them share one
 * hub change-set, so a batch of thousands makes a handful of ledger
 * entries, not thousands. The web interface's batch decisions call it.
 */
#ifndef HUB_DECISION_BATCH_H
#define HUB_DECISION_BATCH_H

#include <stddef.h>
#include "maiam/proto.h"
#include "ctx.h"
#include "result.h"

/* The most households one change-set of a batch holds. A batch's
 * change-set is also kept under HUB_BATCH_BODY bytes of records (measured
 * before sealing), and split in halves when the seal refuses it (a body
 * that compresses too well: the same reason repeated). */
#define HUB_BATCH_PER_CHANGESET 1000u
#define HUB_BATCH_BODY (1u << 20)

/* What a batch did. */
typedef struct hub_batch_count {
	size_t decided;    /* households given the decision */
	size_t skipped;    /* already of that review status: nothing written */
	size_t missing;    /* ids the hub does not hold: nothing written */
	size_t changesets; /* hub change-sets (ledger entries) written */
} hub_batch_count;

/*
 * Approve or reject (status "approved" or "rejected"; reason NULL for none)
 * the n households of ids as operator_name. The caller has checked that the
 * operator may decide for each of them. Those already of that status are
 * skipped; each other one gets hub_decide_household's review and decision
 * record, HUB_BATCH_PER_CHANGESET at most in one change-set. A failure
 * stops the batch: the change-sets written before stay (each is whole),
 * *count says how far it went. HUB_OK; HUB_REFUSED (the name or the reason
 * is not acceptable text: nothing written), HUB_EDB, HUB_ENOMEM (err says,
 * in the operator's language).
 */
hub_result hub_decide_batch(hub_ctx *ctx, const char *operator_name, const proto_id *ids, size_t n,
			    const char *status, const char *reason, hub_batch_count *count, char *err,
			    size_t errlen);

#endif
