/*
 * decision_batch.c - many households' reviews signed in few change-sets
 * (decision_batch.h). Each household's review is hub_review_add's, the
 * one a single decision signs; the i-th of a change-set sealed at stamp S
 * is stamped S + i, so every decision record keeps an id of its own on the
 * hub's clock (the merge observes the largest, and the next decision's
 * stamp comes after it).
 */
#include <stdlib.h>
#include <string.h>
#include "maiam/schema.h"
#include "decision.h"
#include "decision_batch.h"
#include "i18n.h"
#include "store.h"

/* The reviews of one change-set. */
typedef struct batch_set {
	hub_review *a;
	size_t n;
} batch_set;

static proto_result fill_batch(proto_changeset *cs, uint64_t stamp, void *arg)
{
	const batch_set *set = arg;
	proto_result r = PROTO_OK;
	size_t i;

	for (i = 0; i < set->n && r == PROTO_OK; i++)
		r = hub_review_add(cs, stamp + i, &set->a[i]);
	return r;
}

/* What one household of the batch is: to decide, to skip, or unknown. */
typedef enum batch_need { NEED_DECIDE, NEED_SKIP, NEED_MISSING } batch_need;

/* Read household id's review status and its fields' stamps into v. */
static hub_result read_household(sqlite3 *db, sqlite3_stmt *st, proto_id id, const char *status,
				 hub_review *v, batch_need *need)
{
	const unsigned char *now;
	int step;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, proto_u2i(id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(id.serial));
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		*need = NEED_MISSING;
		return HUB_OK;
	}
	if (step != SQLITE_ROW)
		return HUB_EDB;
	now = sqlite3_column_text(st, 0);
	/* a household with no review yet is "proposed" */
	if (strcmp(now ? (const char *)now : "proposed", status) == 0) {
		*need = NEED_SKIP;
		return HUB_OK;
	}
	*need = NEED_DECIDE;
	v->id = id;
	if (hub_household_stamp(db, id, PROTO_HH_REVIEW_STATUS, &v->base[0]) != HUB_OK ||
	    hub_household_stamp(db, id, PROTO_HH_REVIEW_REASON, &v->base[1]) != HUB_OK)
		return HUB_EDB;
	return HUB_OK;
}

/* The body bytes one review may add at most: the texts twice over (the
 * reason is the review's and the decision's note), the rest generously. */
static size_t review_bound(const char *who, const char *reason)
{
	return 512 + strlen(who) + 2 * (reason ? strlen(reason) : 0);
}

/* HUB_EDB, said in err. */
static hub_result db_error(hub_ctx *ctx, char *err, size_t errlen)
{
	snprintf(err, errlen, _("cannot read the household from the hub database: %s"),
		 sqlite3_errmsg(ctx->db));
	return HUB_EDB;
}

hub_result hub_decide_batch(hub_ctx *ctx, const char *operator_name, const proto_id *ids, size_t n,
			    const char *status, const char *reason, hub_batch_count *count, char *err,
			    size_t errlen)
{
	hub_review *set = NULL;
	sqlite3_stmt *st = NULL;
	size_t pos = 0, per_set = HUB_BATCH_PER_CHANGESET, bound = review_bound(operator_name, reason);
	hub_result rc;
	proto_result filled;

	memset(count, 0, sizeof(*count));
	if ((rc = hub_operator_name_check(operator_name, err, errlen)) != HUB_OK)
		return rc;
	if (reason && (strlen(reason) > PROTO_MAX_TEXT || !proto_utf8_valid(reason, strlen(reason)))) {
		snprintf(err, errlen, _("the reason is not acceptable text (UTF-8, at most %u bytes)"),
			 PROTO_MAX_TEXT);
		return HUB_REFUSED;
	}
	if (per_set > HUB_BATCH_BODY / bound)
		per_set = HUB_BATCH_BODY / bound;
	set = calloc(per_set, sizeof(*set));
	if (!set) {
		snprintf(err, errlen, "%s", _("out of memory"));
		return HUB_ENOMEM;
	}
	if (sqlite3_prepare_v2(ctx->db,
			       "SELECT review_status FROM household WHERE id_origin = ?1 AND id_serial = ?2",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = db_error(ctx, err, errlen);
		goto out;
	}
	while (pos < n) {
		batch_set b = { set, 0 };
		size_t next = pos, skipped = 0, missing = 0;
		batch_need need;

		/* the next change-set's reviews; the counts are kept once it is written */
		for (; next < n && b.n < per_set; next++) {
			hub_review *v = &set[b.n];

			memset(v, 0, sizeof(*v));
			v->hub = ctx->cfg->key_id;
			v->who = operator_name;
			v->status = status;
			v->reason = reason;
			if (read_household(ctx->db, st, ids[next], status, v, &need) != HUB_OK) {
				rc = db_error(ctx, err, errlen);
				goto out;
			}
			skipped += need == NEED_SKIP;
			missing += need == NEED_MISSING;
			b.n += need == NEED_DECIDE;
		}
		if (b.n) {
			rc = hub_decision_sign(ctx, 0, fill_batch, &b, &filled, err, errlen);
			if (rc == HUB_REFUSED && filled == PROTO_OK && b.n > 1) {
				/* the seal refused the whole (its body compressed too
				 * well): the same households again, by halves */
				per_set = b.n / 2;
				continue;
			}
			if (rc == HUB_REFUSED && filled != PROTO_OK)
				snprintf(err, errlen, "%s",
					 _("cannot add the decisions to the change-set"));
			if (rc != HUB_OK)
				goto out;
			count->changesets++;
		}
		count->decided += b.n;
		count->skipped += skipped;
		count->missing += missing;
		pos = next;
	}
	rc = HUB_OK;
out:
	sqlite3_finalize(st);
	free(set);
	return rc;
}
