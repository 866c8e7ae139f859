/*
 * hostile_chain.c - the seal and the chain: change-sets of the enrolled
 * attacker altered after sealing (header, body, key id, signature, seq),
 * replayed, forked, leaving a gap, for another campaign, stamped days ahead,
 * or signed by another laptop and sent over the attacker's connection.
 */
#include <stdio.h>
#include <string.h>
#include "hostile.h"

/* A valid next change-set of one household, sealed into e->sealed. */
static int next_cs(hs_env *e)
{
	proto_changeset cs;

	if (hs_cs_begin(e, &cs) ||
	    hs_add_household(e, &cs, (proto_id){ e->atk.id, hs_serial(e) }, HS_COMMUNE)) {
		proto_changeset_release(&cs);
		return -1;
	}
	return hs_cs_seal(e, &cs);
}

static size_t clen(void)
{
	return strlen(HS_CAMPAIGN);
}

/* Flip one bit at offset 'at' (negative: from the end) of the next change-set. */
static int flip(hs_env *e, hs_answer *a, long at)
{
	if (next_cs(e))
		return -1;
	e->sealed.data[at >= 0 ? (size_t)at : e->sealed.len - (size_t)-at] ^= 0x04;
	return hs_push(e, a);
}

static int flip_created(hs_env *e, hs_answer *a)
{
	return flip(e, a, (long)(55 + clen() + 7));
}
static int flip_body(hs_env *e, hs_answer *a)
{
	return flip(e, a, (long)(79 + clen() + 8));
}
static int flip_signature(hs_env *e, hs_answer *a)
{
	return flip(e, a, -10);
}
static int flip_key_id(hs_env *e, hs_answer *a)
{
	return flip(e, a, -65);
}
static int flip_prev(hs_env *e, hs_answer *a)
{
	return flip(e, a, (long)(23 + clen() + 3));
}

/* The right next seq's content, renumbered one further (a replay under a new number). */
static int renumbered(hs_env *e, hs_answer *a)
{
	if (next_cs(e))
		return -1;
	e->sealed.data[15 + clen() + 7] += 1;
	return hs_push(e, a);
}

/* The last change-set the attacker sent, again. */
static int replay_last(hs_env *e, hs_answer *a)
{
	return hs_push(e, a); /* e->sealed: the attacker's last applied change-set */
}

/* Different content at an applied seq. */
static int fork_applied(hs_env *e, hs_answer *a)
{
	ht_agent save = e->atk;
	int rc;

	e->atk.seq -= 1;
	memset(e->atk.last_hash, 0x11, 32); /* any prev: the seq is taken */
	rc = next_cs(e);
	e->atk.seq = save.seq;
	memcpy(e->atk.last_hash, save.last_hash, 32);
	return rc ? rc : hs_push(e, a);
}

/* The next seq, but naming another previous change-set. */
static int fork_prev(hs_env *e, hs_answer *a)
{
	uint8_t keep[32];
	int rc;

	memcpy(keep, e->atk.last_hash, 32);
	memset(e->atk.last_hash, 0x5a, 32);
	rc = next_cs(e);
	memcpy(e->atk.last_hash, keep, 32);
	return rc ? rc : hs_push(e, a);
}

static int gap(hs_env *e, hs_answer *a)
{
	int rc;

	e->atk.seq += 1;
	rc = next_cs(e);
	e->atk.seq -= 1;
	return rc ? rc : hs_push(e, a);
}

static int wrong_campaign(hs_env *e, hs_answer *a)
{
	proto_buf b;
	int rc;

	proto_buf_init(&b, 1u << 20);
	rc = ht_households(&e->atk, "other-2024", HS_COMMUNE, 1, &b, 1);
	if (!rc) {
		proto_buf_reset(&e->sealed);
		rc = proto_buf_append(&e->sealed, b.data, b.len) == PROTO_OK ? 0 : -1;
	}
	proto_buf_release(&b);
	return rc ? rc : hs_push(e, a);
}

/* A record stamped two days ahead of the hub's clock. */
static int clock_ahead(hs_env *e, hs_answer *a)
{
	proto_changeset cs;
	proto_hlc later;
	uint64_t ahead = proto_wall_ms() + 2ull * 24 * 3600 * 1000;

	proto_hlc_init(&later, proto_hlc_make(ahead, 0));
	if (proto_changeset_init(&cs, HS_CAMPAIGN, e->atk.id, e->atk.seq + 1, e->atk.last_hash,
				 proto_hlc_now(&e->atk.clock, proto_wall_ms())) != PROTO_OK ||
	    proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, (proto_id){ e->atk.id, hs_serial(e) },
				  proto_hlc_now(&later, ahead), e->atk.id) ||
	    proto_changeset_add_int(&cs, PROTO_HH_COMMUNE, 0, HS_COMMUNE) ||
	    proto_changeset_add_int(&cs, PROTO_HH_MEMBERS, 0, 2)) {
		proto_changeset_release(&cs);
		return -1;
	}
	return hs_cs_seal(e, &cs) ? -1 : hs_push(e, a);
}

/* The same-commune laptop's next change-set, pushed over the attacker's connection. */
static int origin_mismatch(hs_env *e, hs_answer *a)
{
	return hs_push_household(e, &e->same, &e->atk, a);
}

/* A change-set signed by a key the hub never enrolled, over the attacker's connection. */
static int stranger_key(hs_env *e, hs_answer *a)
{
	ht_agent x;
	proto_buf b;
	int rc;

	if (ht_agent_new(&x, &e->hub, "stranger"))
		return -1;
	proto_buf_init(&b, 1u << 20);
	rc = ht_households(&x, NULL, HS_COMMUNE, 1, &b, 0);
	if (!rc)
		rc = hs_push_as(e, &e->atk, &b, a);
	proto_buf_release(&b);
	ht_agent_free(&x);
	return rc;
}

#define M(name, fn, st, code, fl) \
	{ \
		name, "", fn, st, code, fl, 0, NULL, NULL \
	}
static const hs_row rows[] = {
	M("bit flip in header (created)", flip_created, 422, "bad_signature", HS_REC),
	M("bit flip in header (prev)", flip_prev, 422, "bad_signature", HS_REC),
	M("bit flip in compressed body", flip_body, 422, "bad_signature", HS_REC),
	M("bit flip in signature", flip_signature, 422, "bad_signature", HS_REC),
	M("bit flip in key id", flip_key_id, 422, "bad_signature", HS_REC),
	M("renumbered seq", renumbered, 422, "bad_signature", HS_REC),
	M("replay of the last change-set", replay_last, 200, "already_applied", 0),
	M("fork at an applied seq", fork_applied, 409, "fork", HS_REC),
	M("fork: next seq, wrong prev", fork_prev, 409, "fork", HS_REC),
	{ "gap: seq head + 2", "", gap, 409, "gap", HS_REC, 0, NULL, "\"expected_seq\": " },
	M("wrong campaign", wrong_campaign, 422, "wrong_campaign", HS_REC),
	M("stamps two days ahead", clock_ahead, 422, "clock_ahead", HS_REC),
	M("another laptop's change-set", origin_mismatch, 403, "origin_mismatch", HS_REC),
	M("a stranger's key over our connection", stranger_key, 403, "origin_mismatch", HS_REC),
};

const hs_family hs_family_chain = { "chain", NULL, rows, sizeof(rows) / sizeof(rows[0]) };
