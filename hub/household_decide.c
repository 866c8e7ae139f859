/*
 * household_decide.c - one review decision (approved or rejected, with its
 * reason) as the hub's own change-set: stamped by the hub's clock so it
 * wins, sealed with the hub's key, merged and ledgered by hub_ingest_own,
 * so it reaches only the laptops of its household's commune. Nothing is
 * printed: the command and the dashboard each say the outcome their way.
 */
#include <stdio.h>
#include <string.h>
#include "ingest.h"
#include "store.h"
#include "household_decide.h"
#include "i18n.h"

hub_result hub_household_decide_one(hub_ctx *ctx, proto_id id, const char *status, const char *reason,
				    bool *found, int64_t *commune, char *err, size_t errlen)
{
	proto_changeset cs;
	uint8_t zeros[32] = { 0 };
	uint64_t last = 0, base_status = 0, base_reason = 0, stamp;
	proto_hlc clock;
	hub_result rc;

	*found = false;
	rc = hub_household_commune(ctx->db, id, commune, found);
	if (rc == HUB_OK && !*found)
		return HUB_OK;
	if (rc != HUB_OK || hub_meta_get_u64(ctx->db, "hlc_last", &last) != HUB_OK ||
	    hub_household_stamp(ctx->db, id, PROTO_HH_REVIEW_STATUS, &base_status) != HUB_OK ||
	    hub_household_stamp(ctx->db, id, PROTO_HH_REVIEW_REASON, &base_reason) != HUB_OK) {
		snprintf(err, errlen, _("cannot read the household from the hub database: %s"),
			 sqlite3_errmsg(ctx->db));
		return HUB_EDB;
	}
	/* the hub clock has observed every stamp it merged, so this one wins */
	proto_hlc_init(&clock, last);
	stamp = proto_hlc_now(&clock, proto_wall_ms());
	if (proto_changeset_init(&cs, ctx->cfg->campaign_id, ctx->cfg->key_id, 1, zeros, stamp) !=
	    PROTO_OK) {
		snprintf(err, errlen, "%s", _("cannot start the decision change-set"));
		return HUB_ENOMEM;
	}
	if (proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, id, stamp, ctx->cfg->key_id) != PROTO_OK ||
	    proto_changeset_add_text(&cs, PROTO_HH_REVIEW_STATUS, base_status, status, strlen(status)) !=
		    PROTO_OK ||
	    (reason ? proto_changeset_add_text(&cs, PROTO_HH_REVIEW_REASON, base_reason, reason,
					       strlen(reason))
		    : proto_changeset_add_null(&cs, PROTO_HH_REVIEW_REASON, base_reason)) != PROTO_OK) {
		snprintf(err, errlen, _("the reason is not acceptable text (UTF-8, at most %u bytes)"),
			 PROTO_MAX_TEXT);
		rc = HUB_REFUSED;
		goto out;
	}
	rc = hub_ingest_own(ctx, &cs, err, errlen);
	if (rc == HUB_REFUSED)
		rc = HUB_ECRYPTO; /* the hub's own sealing refused it: not the reason's fault */
out:
	proto_changeset_release(&cs);
	return rc;
}
