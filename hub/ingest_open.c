/*
 * ingest_open.c - the checks of a change-set that write nothing: the sender's
 * enrolment, the header, the signature, the body, the campaign, the
 * per-change-set quotas and the rulebook. Serve's opening thread runs them on
 * a read-only connection ahead of the writer (hub_ingest_open); ingest.c runs
 * them itself for an import, and again for the sender's enrolment, where
 * revocations are written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ctx.h"
#include "store.h"
#include "ingest.h"
#include "ingest_int.h"

#define reject hub_verdict_reject

/* The sender's enrolment, as this connection sees it: HUB_OK, HUB_REFUSED
 * (v says why) or HUB_EDB. */
hub_result hub_ingest_agent(hub_ctx *ctx, uint64_t origin, hub_agent *agent, hub_verdict *v)
{
	char hex[17];
	bool found;

	if (hub_agent_get(ctx->db, origin, agent, &found) != HUB_OK)
		return HUB_EDB;
	proto_key_id_hex(origin, hex);
	if (!found) {
		reject(v, 403, "unknown_agent",
		       "origin %s is not enrolled at this hub:"
		       " enrol the laptop with a token first",
		       hex);
		return HUB_REFUSED;
	}
	if (agent->revoked) {
		reject(v, 403, "revoked",
		       "agent %s was revoked by the hub operator:"
		       " ask the province for a new enrolment",
		       hex);
		return HUB_REFUSED;
	}
	return HUB_OK;
}

/* The signature of sealed bytes, checked without inflating anything (the
 * frame: header | zbody | key id | signature, proto/FORMAT.md). */
static bool frame_verifies(const uint8_t *data, size_t len, const proto_header *hdr, const proto_key *key)
{
	const uint8_t *kid;
	uint64_t id = 0;
	int i;

	if (len < 72)
		return false;
	kid = data + len - 72;
	for (i = 0; i < 8; i++)
		id = (id << 8) | kid[i];
	return id == hdr->origin && proto_verify(key, data, len - 72, data + len - 64) == PROTO_OK;
}

/*
 * Everything that needs no write: the header, the sender, the signature, the
 * body, the campaign, the per-change-set quotas. HUB_OK: *cs holds the
 * records (release it). HUB_REFUSED: v says why; *on_content when it was
 * verified but refused on its content, so that it takes its chain position.
 * HUB_EDB: the database could not tell.
 */
hub_result hub_ingest_open_step(hub_ctx *ctx, const uint8_t *data, size_t len, uint64_t peer,
				hub_agent *agent, proto_changeset *cs, hub_verdict *v, bool *on_content)
{
	const hub_limits *lim = &ctx->cfg->limits;
	proto_header hdr;
	proto_key *key = NULL;
	char hex[17];
	proto_result r;
	size_t text;
	hub_result rc;
	bool verified;

	memset(cs, 0, sizeof(*cs));
	*on_content = false;
	r = proto_peek(data, len, &hdr);
	if (r != PROTO_OK) {
		reject(v, 400, "malformed", "not a valid change-set: %s", proto_strerror(r));
		return HUB_REFUSED;
	}
	v->origin = hdr.origin;
	v->seq = hdr.seq;
	v->nrecords = hdr.nrecords;
	memcpy(v->prev, hdr.prev, 32);
	proto_key_id_hex(hdr.origin, hex);
	if (peer && peer != hdr.origin) {
		char phex[17];
		proto_key_id_hex(peer, phex);
		reject(v, 403, "origin_mismatch",
		       "change-set of origin %s sent by agent %s:"
		       " an agent pushes only its own change-sets",
		       hex, phex);
		return HUB_REFUSED;
	}
	rc = hub_ingest_agent(ctx, hdr.origin, agent, v);
	if (rc != HUB_OK)
		return rc;
	if (len > lim->max_sealed) {
		reject(v, 413, "too_large",
		       "change-set %s/%llu is %zu bytes, over this hub's limit"
		       " of %zu: seal fewer records per change-set",
		       hex, (unsigned long long)hdr.seq, len, lim->max_sealed);
		return HUB_REFUSED;
	}
	if (proto_key_from_public(agent->pub, &key) != PROTO_OK)
		return HUB_EDB; /* a key the hub stored itself: its table is damaged */
	if (hdr.nrecords > lim->max_records) {
		/* refused before the body is inflated or decoded: only the
		 * signature, so that it can hold its place in the chain */
		verified = frame_verifies(data, len, &hdr, key);
		proto_key_free(key);
		if (!verified) {
			reject(v, 422, "bad_signature",
			       "change-set %s/%llu does not verify with the"
			       " agent's key: it was altered or not signed by it",
			       hex, (unsigned long long)hdr.seq);
			return HUB_REFUSED;
		}
		proto_sha256(data, len, v->hash);
		reject(v, 413, "too_many_records",
		       "change-set %s/%llu holds %u records, over this"
		       " hub's limit of %u per change-set: nothing of it was applied",
		       hex, (unsigned long long)hdr.seq, hdr.nrecords, lim->max_records);
		*on_content = true;
		return HUB_REFUSED;
	}
	r = proto_open(data, len, key, cs, v->hash);
	proto_key_free(key);
	rc = HUB_REFUSED;
	if (r == PROTO_ESIGNATURE || r == PROTO_EKEYID)
		reject(v, 422, "bad_signature",
		       "change-set %s/%llu does not verify with the"
		       " agent's key: it was altered or not signed by it",
		       hex, (unsigned long long)hdr.seq);
	else if (r != PROTO_OK)
		reject(v, 422, "invalid", "change-set %s/%llu is invalid: %s", hex,
		       (unsigned long long)hdr.seq, proto_strerror(r));
	else if (strcmp(cs->hdr.campaign, ctx->cfg->campaign_id) != 0)
		reject(v, 422, "wrong_campaign",
		       "change-set is for campaign '%s' but this hub"
		       " serves '%s'",
		       cs->hdr.campaign, ctx->cfg->campaign_id);
	else if ((text = hub_changeset_text_bytes(cs)) > lim->max_text) {
		reject(v, 413, "too_much_text",
		       "change-set %s/%llu decodes to %zu bytes of text,"
		       " over this hub's limit of %zu: nothing of it was applied",
		       hex, (unsigned long long)hdr.seq, text, lim->max_text);
		*on_content = true;
	} else
		rc = HUB_OK;
	if (rc != HUB_OK)
		proto_changeset_release(cs);
	return rc;
}

hub_result hub_ingest_open(hub_ctx *ctx, const uint8_t *data, size_t len, uint64_t peer, hub_opened *o)
{
	hub_agent agent;

	memset(o, 0, sizeof(*o));
	o->res = hub_ingest_open_step(ctx, data, len, peer, &agent, &o->cs, &o->v, &o->on_content);
	return o->res;
}

void hub_opened_free(hub_opened *o)
{
	if (!o)
		return;
	if (o->res == HUB_OK)
		proto_changeset_release(&o->cs);
	free(o);
}

/* The rulebook over every record (proto/include/maiam/rules.h): the latest
 * day any date may name is the day the hub received it plus one. HUB_OK, or
 * HUB_REFUSED with v saying which rule. */
hub_result hub_ingest_rules(hub_ctx *ctx, const proto_changeset *cs, hub_verdict *v)
{
	proto_rules rules;
	proto_violation bad;
	const proto_field_desc *fd;
	char day[11], text[sizeof(v->message)], hex[17];

	proto_rules_day((time_t)(proto_wall_ms() / 1000), 1, day);
	proto_rules_init(&rules, ctx->cfg->have_campaign ? &ctx->cfg->campaign : NULL, day);
	memset(&bad, 0, sizeof(bad));
	if (proto_rules_check_changeset(&rules, cs, &bad) == PROTO_RULE_OK)
		return HUB_OK;
	proto_violation_text(&bad, text, sizeof(text));
	reject(v, 422, "invalid",
	       "%.160s: nothing of this change-set was applied; record the"
	       " value again, correctly",
	       text);
	v->rule = proto_rule_name(bad.rule);
	proto_key_id_hex(bad.id.origin, hex);
	snprintf(v->record, sizeof(v->record), "%s-%llu", hex, (unsigned long long)bad.id.serial);
	fd = proto_field_lookup(bad.kind, bad.field);
	v->field = fd ? fd->column : NULL;
	return HUB_REFUSED;
}
