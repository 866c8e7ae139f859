/*
 * photo_accept.c - the checks and the store every photo's bytes pass into
 * the hub (photo_accept.h). An upload's ranges are checked one by one as
 * they come (route_photos.c); bytes that arrive whole, from a USB bundle,
 * are checked here in the same order and with the same bounds, then both
 * end in hub_photo_store.
 */
#include <string.h>
#include "maiam/rules.h"
#include "photo_accept.h"
#include "photo_store.h"

static hub_result refuse(hub_photo_verdict *v, const char *code)
{
	v->outcome = HUB_PHOTO_REFUSED;
	v->code = code;
	return HUB_OK;
}

/* Whole bytes, checked as an upload's ranges are, then written as the
 * agent's partial (from its first byte) and counted in the day's quota.
 * *go is true when the store is next. */
static hub_result admit_whole(hub_ctx *ctx, const hub_photo_offer *o, hub_photo_verdict *v, bool *go)
{
	int64_t bytes = 0, sent_today = 0;
	bool held = false;
	const char *refusal = NULL;
	char day[11];
	hub_result rc;

	*go = false;
	rc = hub_photo_may_send(ctx->db, o->agent, o->hex, &bytes, &refusal);
	if (rc != HUB_OK || refusal)
		return rc != HUB_OK ? rc : refuse(v, refusal);
	if (o->len > HUB_PHOTO_MAX_BYTES)
		return refuse(v, "too_big");
	if ((int64_t)o->len != bytes)
		return refuse(v, "wrong_size");
	rc = hub_photo_held(ctx->db, o->hex, &held);
	if (rc != HUB_OK || held) {
		v->outcome = HUB_PHOTO_HELD;
		v->code = "held";
		return rc;
	}
	proto_rules_day((time_t)o->now, 0, day);
	rc = hub_photo_day_get(ctx->db, o->agent, day, &sent_today);
	if (rc != HUB_OK)
		return rc;
	if (sent_today + bytes > HUB_PHOTO_DAY_BYTES)
		return refuse(v, "quota_exceeded");
	rc = hub_photo_partial_append(ctx, o->agent, o->hex, 0, bytes, o->bytes, o->len, o->now);
	if (rc == HUB_OK)
		rc = hub_photo_day_add(ctx->db, o->agent, day, bytes);
	if (rc != HUB_OK) {
		hub_photo_partial_drop(ctx, o->agent, o->hex);
		return rc;
	}
	*go = true;
	return HUB_OK;
}

hub_result hub_photo_accept(hub_ctx *ctx, const hub_photo_offer *offer, hub_photo_verdict *v)
{
	bool go = true, hash_ok = false;
	hub_result rc = HUB_OK;

	v->outcome = HUB_PHOTO_REFUSED;
	v->code = "bad_hash";
	if (offer->bytes)
		rc = admit_whole(ctx, offer, v, &go);
	if (rc != HUB_OK || !go)
		return rc;
	rc = hub_photo_store(ctx, offer->agent, offer->hex, offer->now, &hash_ok);
	if (rc != HUB_OK) {
		/* whole bytes are offered again whole: no partial waits for them */
		if (offer->bytes)
			hub_photo_partial_drop(ctx, offer->agent, offer->hex);
		return rc;
	}
	if (!hash_ok)
		return refuse(v, "wrong_hash");
	v->outcome = HUB_PHOTO_STORED;
	v->code = "stored";
	return HUB_OK;
}
