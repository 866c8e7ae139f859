/*
 * attention.h - what needs the field worker's attention after a sync or an
 * update file: change-sets the hub refused (and which records they held),
 * edits of this laptop another writer's edit won over, households the hub's
 * review rejected, and national ids the hub found twice (its feedback after
 * a pull, or in an update file: agent_feedback_apply in cmd_pull.c).
 * store_attention.c reads them; attention.c shows them.
 */
#ifndef MAIAM_AGENT_ATTENTION_H
#define MAIAM_AGENT_ATTENTION_H
#include "agent.h"

/* One household field where another writer's value was kept over this
 * laptop's (the conflict table the merge keeps). Strings live during the
 * callback only; mine/kept are NULL for an empty value. */
typedef struct agent_lost {
	proto_id id;
	const char *ref; /* NULL when the store lacks the household */
	int field;       /* PROTO_HH_* */
	const char *mine, *kept;
} agent_lost;

/* A household the hub's review decided on (strings: callback only). */
typedef struct agent_review {
	proto_id id;
	const char *ref, *name, *reason;
} agent_review;

/* A national id a household of this laptop holds that the hub found held
 * by another household too, in commune (strings: callback only). */
typedef struct agent_duplicate {
	proto_id id;            /* this laptop's household */
	const char *ref, *name; /* NULL when the store lacks the household */
	const char *national_id;
	int64_t commune;          /* the other household's commune */
	const char *commune_name; /* as the hub named it; NULL when it did not */
} agent_duplicate;

typedef struct agent_review_counts {
	int64_t proposed, approved, rejected; /* households not withdrawn */
} agent_review_counts;

/* The walks call fn for each item; fn returns PROTO_OK to go on. PROTO_EDB
 * when the store cannot be read. */
proto_result agent_lost_each(agent_ctx *ctx, proto_result (*fn)(const agent_lost *l, void *arg),
			     void *arg);
/* Households rejected by the review and not withdrawn, by reference. */
proto_result agent_rejected_each(agent_ctx *ctx, proto_result (*fn)(const agent_review *r, void *arg),
				 void *arg);
proto_result agent_review_count(agent_ctx *ctx, agent_review_counts *out);
/* The hub's last list of duplicate national ids, households withdrawn here
 * left out. */
proto_result agent_duplicates_each(agent_ctx *ctx,
				   proto_result (*fn)(const agent_duplicate *d, void *arg), void *arg);
/* Replacing that list, inside the caller's transaction: clear, then add
 * each (ref and name are not stored). PROTO_EDB on a store error. */
proto_result agent_duplicates_clear(agent_ctx *ctx);
proto_result agent_duplicate_add(agent_ctx *ctx, const agent_duplicate *d);
/* The records of sealed change-set seq into cs (release it), when *found;
 * origin 0: of the current chain, else of the retired key origin's. */
proto_result agent_sealed_open(agent_ctx *ctx, uint64_t origin, uint64_t seq, proto_changeset *cs,
			       int *found);

/* The review status and reason of household hh: 1 when the hub rejected it
 * (its reason, "" if none, into reason), 0 otherwise or on a read error:
 * this only adds a note. */
int agent_hh_rejected(agent_ctx *ctx, proto_id hh, char *reason, size_t n);
/* The note after recording an event for a rejected household shown as shown. */
void agent_note_rejected(const char *shown, const char *reason);

/* status: the "Needs attention" section, or in --json the members
 * ,"refused":[...],"conflicts_lost":[...],"rejected":[...],
 * "duplicate_national_ids":[...],"review":{...} of status's object. Returns AGENT_OK or AGENT_FAIL (said why). */
int agent_attention_show(agent_ctx *ctx);
/* How many items need attention (0 on a read error). */
size_t agent_attention_count(agent_ctx *ctx);
/* After sync or import, in text: the section when something needs attention. */
void agent_attention_after(agent_ctx *ctx);

#endif
