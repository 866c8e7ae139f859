/*
 * decision.h - the decisions the hub signs with the operator's name
 * (decision.c): approving or rejecting a household, resolving a reconcile
 * item. Each is one hub change-set holding what the decision changes and a
 * decision record (proto/FORMAT.md, kind 6, format version 3) naming who
 * decided; its stamp is when. The command line and the web interface call
 * the same functions: the command line with --by NAME (or the terminal's
 * user, hub_cli_operator), the web interface with the signed-in operator.
 */
#ifndef HUB_DECISION_H
#define HUB_DECISION_H

#include <stdbool.h>
#include <stddef.h>
#include "maiam/proto.h"
#include "ctx.h"
#include "result.h"

/*
 * Who decides at the hub's terminal when no --by NAME is given: "$USER@cli"
 * ("operator@cli" without $USER), written into buf (len bytes, at least
 * PROTO_OPERATOR_MAX + 1). The "@cli" keeps a terminal's user apart from a
 * web operator account of the same name. Returns buf.
 */
const char *hub_cli_operator(char *buf, size_t len);

/* 1 if name can be signed as an operator's name: 1..PROTO_OPERATOR_MAX
 * bytes of UTF-8 without control characters; else 0. */
int hub_decision_name_ok(const char *name);
/* The same, saying why not in err (the operator's language): HUB_OK or HUB_REFUSED. */
hub_result hub_operator_name_check(const char *name, char *err, size_t errlen);

/*
 * Approve or reject household id as operator_name: status "approved" or
 * "rejected", reason NULL for none. One hub change-set (the household's
 * review_status and review_reason, and the decision record), stamped by the
 * hub's clock so it wins, merged and ledgered by hub_ingest_own: it reaches
 * the laptops of the household's commune at their next sync (the decision
 * record stays at the hub). *commune (may be NULL) gets the household's
 * commune. HUB_OK with *found false: no such household, nothing written.
 * HUB_REFUSED: the name or the reason is not acceptable text (err says, in
 * the operator's language as hub_ingest_own's). HUB_EDB, HUB_ENOMEM.
 */
hub_result hub_decide_household(hub_ctx *ctx, const char *operator_name, proto_id id, const char *status,
				const char *reason, int64_t *commune, bool *found, char *err,
				size_t errlen);

/* A review as hub_decide_household signs it: the household's
 * review_status and review_reason over their stamps (base), and a
 * decision record naming who. Strings borrowed. */
typedef struct hub_review {
	proto_id id;
	uint64_t hub; /* the hub's key id: the writer of the household record */
	const char *who, *status, *reason;
	uint64_t base[2]; /* of review_status, review_reason */
} hub_review;

/* Add v's household record and decision record to cs at stamp (the
 * decision record's serial; unique on the hub's clock): for a change-set
 * holding many reviews (decision_batch.c). PROTO_OK or the codec's refusal. */
proto_result hub_review_add(proto_changeset *cs, uint64_t stamp, const hub_review *v);

/* What a reconcile resolution signs (report_reconcile_resolve.c). */
typedef struct hub_resolution {
	const char *operator_name;
	const char *item;      /* "C-3", "R-12", "O-0123456789abcdef-4" ... */
	const char *note;      /* how it was settled: required */
	const char *keep;      /* "winner", "loser" or NULL */
	const proto_id *about; /* the household the item is about, or NULL */
} hub_resolution;

/*
 * Add the decision record of r to cs at stamp (cs begun by the hub, its
 * origin the hub's key): its serial is the stamp, unique on the hub's clock.
 * For a change-set that also carries what the resolution changes (keeping a
 * conflict's losing value). PROTO_OK or the codec's refusal.
 */
proto_result hub_resolution_add(proto_changeset *cs, uint64_t stamp, const hub_resolution *r);

/* Adds a decision's records to cs (begun by the hub at stamp). */
typedef proto_result (*hub_decision_fill)(proto_changeset *cs, uint64_t stamp, void *arg);

/*
 * Seal what fill adds as the hub's next change-set, at a stamp of the hub's
 * clock over every stamp it merged and over at_least (a field's base), and
 * ledger it (hub_ingest_own). The stamp is the decision record's id: two
 * processes deciding in one millisecond (the web interface and the command
 * line) may take the same one, and the second merge is refused; it is tried
 * again at a later stamp, three times at most. HUB_OK; HUB_REFUSED with
 * *filled set when fill failed (the caller says why); else hub_ingest_own's
 * result, said in err.
 */
hub_result hub_decision_sign(hub_ctx *ctx, uint64_t at_least, hub_decision_fill fill, void *arg,
			     proto_result *filled, char *err, size_t errlen);

/* One signed decision, as the decision table holds it (borrowed by the
 * callback for the call only). */
typedef struct hub_decision_row {
	uint64_t stamp; /* when (hybrid logical clock: ms since 1970 << 16) */
	const char *operator_name, *action, *item, *note, *keep; /* NULL: none */
	bool signed_name; /* false: a review decided before decisions carried a name */
} hub_decision_row;
typedef int (*hub_decision_fn)(void *arg, const hub_decision_row *row); /* non-0 stops */

/*
 * Each decision about household id, oldest first: the decision records, and
 * first, when the household's last review has no decision record at its
 * stamp (a decision from before version 3; only the hub writes a review),
 * that review with no name (signed_name false). Any connection to hub.db,
 * a read-only one too (the web interface's page worker). HUB_OK or HUB_EDB.
 */
hub_result hub_decision_each(sqlite3 *db, proto_id id, hub_decision_fn fn, void *arg);

#endif
