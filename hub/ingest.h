/*
 * ingest.h - the one path a change-set takes into the hub (ingest.c):
 * verify, check scope and quotas, merge, ledger, in one transaction.
 */
#ifndef HUB_INGEST_H
#define HUB_INGEST_H

#include "ctx.h"
#include "result.h"
#include "store.h"

typedef struct hub_verdict {
	int status;       /* HTTP status: 200 applied/already, 4xx rejected, 500 */
	const char *code; /* "applied", "already_applied", or the error code */
	char message[256];
	uint64_t origin, seq;
	uint64_t expected_seq; /* gap/fork: what the hub expects next (0: none) */
	int has_expected_hash;
	uint8_t expected_hash[32];
	uint8_t hash[32];
	proto_merge_stats stats;
	/* a refusal after the signature and chain position were
	 * verified takes its place in the chain (docs/HUB.md, "Refused links") */
	int chained;
	uint8_t prev[32];    /* the change-set's prev (from its header) */
	uint32_t nrecords;   /* its record count (from its header) */
	const char *rule;    /* invalid by the rulebook: proto_rule_name, else NULL */
	char record[40];     /* ... the record's id ("ORIGINHEX-SERIAL") */
	const char *field;   /* ... the field's column name (or NULL) */
	int64_t retry_after; /* 429: seconds until the quota opens again (0: none) */
} hub_verdict;

/*
 * Check one sealed change-set and, if every check passes, merge it with its
 * ledger row in one transaction. 'peer' is the key id the sender proved over
 * TLS (0 for a USB import). A rejection is stored with its reason.
 * Returns HUB_OK when accepted (applied or already applied), HUB_REFUSED
 * when rejected, HUB_EDB on an internal error (v->status 500, v->message
 * says what failed). 'pre': see hub_ingest_open (or NULL).
 */
typedef struct hub_opened hub_opened;
hub_result hub_ingest(hub_ctx *ctx, const uint8_t *data, size_t len, uint64_t peer, const char *source,
		      const hub_opened *pre, hub_verdict *v);
/*
 * The checks that write nothing (header, sender, signature, body, campaign),
 * made ahead of the writer on a read-only connection by serve's opening
 * thread: the writer is the one thread that cannot be multiplied, so it
 * should not spend a tenth of its time verifying signatures (BENCHMARKS.md).
 * o->res: HUB_OK opened (o->cs), HUB_REFUSED (o->v says why, not yet
 * recorded; o->on_content when it verified but its content is refused, so
 * it takes its chain position), HUB_EDB could not tell (the writer then
 * opens it itself).
 */
struct hub_opened {
	hub_result res;
	bool on_content;
	hub_verdict v;
	proto_changeset cs;
};
hub_result hub_ingest_open(hub_ctx *ctx, const uint8_t *data, size_t len, uint64_t peer, hub_opened *o);
void hub_opened_free(hub_opened *o); /* NULL is fine */
/* hub_ingest inside a write transaction the caller holds (the writer's group
 * commit): the change-set goes in its own savepoint, undone alone if it fails;
 * nothing is durable until the caller commits. 'pre' (or NULL) is what
 * hub_ingest_open found for these bytes; the sender's enrolment is checked
 * again on ctx's connection, which sees every revocation. */
hub_result hub_ingest_batched(hub_ctx *ctx, const uint8_t *data, size_t len, uint64_t peer,
			      const char *source, const hub_opened *pre, hub_verdict *v);
/* Seal records with the hub key as the hub's next change-set and ledger it.
 * For the hub's own commands: err is in the operator's language where it is
 * this function's own (hub/i18n.h). */
hub_result hub_ingest_own(hub_ctx *ctx, proto_changeset *cs, char *err, size_t errlen);
/* Is commune inside scope (using the campaign's units)? */
int hub_in_scope(const hub_ctx *ctx, const hub_scope *scope, int64_t commune);

/* Text bytes the records of cs decode to. */
size_t hub_changeset_text_bytes(const proto_changeset *cs);
/* Seconds from t to the next midnight in Vietnam (UTC+7). */
int64_t hub_seconds_to_vn_midnight(int64_t t);

/* The communes of the households one change-set names, as the hub stores
 * them, each read once however many of its records name the household:
 * a night's change-set names a household in its scope check, its area index
 * and (a household record) the communes before the merge, once a record
 * each. Direct mapped, a collision only reads again. Valid while nothing
 * writes a household: the scope check and the communes before the merge
 * share one; hub_ingest_index_area forgets what it held (the merge may have
 * moved a household). */
#define HUB_COMMUNE_MEMO_SLOTS 128
typedef struct hub_commune_memo {
	struct {
		proto_id id;
		int64_t commune;
		unsigned char state; /* 0 not read, 1 no commune, 2 commune */
	} slot[HUB_COMMUNE_MEMO_SLOTS];
} hub_commune_memo;
void hub_commune_memo_clear(hub_commune_memo *m);
/* hub_household_commune through m (NULL: straight to the store). */
hub_result hub_commune_memo_get(hub_ctx *ctx, hub_commune_memo *m, proto_id id, int64_t *commune,
				bool *found);

/* ingest_area.c: the communes (as stored before the merge) of the households
 * cs writes, *old[i] for record i (-1 none); free() it. Then, after the
 * merge, index ledger row 'ledger' under every commune it touches. memo (or
 * NULL) as above; hub_ingest_index_area clears it first. */
hub_result hub_ingest_communes_before(hub_ctx *ctx, const proto_changeset *cs, hub_commune_memo *memo,
				      int64_t **old);
hub_result hub_ingest_index_area(hub_ctx *ctx, const proto_changeset *cs, const int64_t *old,
				 int64_t ledger, hub_commune_memo *memo);
/* The field of rec with this number, or NULL (ingest_area.c). */
const proto_field *hub_record_field(const proto_record *rec, uint8_t field);

/*
 * Photo records (ingest_photo.c), read only. hub_photo_household: the
 * household a photo of target_kind (1 household, 2 milestone) and target is
 * evidence for, as the hub holds it (*found false for a milestone it does
 * not hold, or another target kind). hub_any_anchor: hub_event_anchor for
 * any event a void may name, photos too. hub_milestone_voided: a void names
 * the milestone. HUB_OK or HUB_EDB.
 */
hub_result hub_photo_household(sqlite3 *db, int64_t target_kind, proto_id target, proto_id *hh,
			       bool *found);
hub_result hub_any_anchor(sqlite3 *db, proto_id id, int *has_hh, proto_id *hh, int64_t *unit, bool *found);
hub_result hub_milestone_voided(sqlite3 *db, proto_id id, bool *voided);
/*
 * Can a laptop that reads format versions up to 'reads' read rec
 * (proto/FORMAT.md, "How the format evolves")? Not a kind newer than that,
 * nor a void of one: a laptop of version 1 has no photo to void. 1 or 0.
 */
int hub_record_readable(int reads, const proto_record *rec);
/* Live photos one household or one milestone may have as evidence: a
 * milestone's few views of the house, well under this. */
#define HUB_PHOTOS_PER_TARGET 10
/* ingest_photo.c: the photo record rec (of cs) would not take its target
 * past HUB_PHOTOS_PER_TARGET live photos, those held and the new ones of
 * cs counted. HUB_OK, HUB_REFUSED (v filled: too_many_photos) or HUB_EDB. */
hub_result hub_photo_count_check(sqlite3 *db, const proto_changeset *cs, const proto_record *rec,
				 const char *idt, hub_verdict *v);
/* Fill a refusal (ingest.c and ingest_scope.c). */
void hub_verdict_reject(hub_verdict *v, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* ingest_scope.c: every record inside the agent's area, written by the agent,
 * no hub-only field, a new entity only under the sender's own id. HUB_OK
 * good, HUB_REFUSED (v filled), HUB_EDB or HUB_ENOMEM. */
hub_result hub_ingest_check_scope(hub_ctx *ctx, const proto_changeset *cs, const hub_scope *scope,
				  hub_commune_memo *memo, hub_verdict *v);

#endif
