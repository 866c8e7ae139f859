/*
 * ingest.c - the one path by which a sealed change-set enters the hub, shared
 * by HTTPS push and USB import so both make exactly the same checks. Nothing
 * is written before every check has passed; then the merge and the ledger row
 * go in one transaction. Every rejection is kept with its reason.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hub.h"

/* Where an entity of this change-set sits: households by commune, events by
 * their household or unit. Sorted by id for lookups. */
typedef struct anchor {
	proto_id id;
	uint8_t kind;
	int has_household;
	proto_id household;
	int64_t place; /* household: commune (-1 none); contribution: unit (0 none) */
} anchor;

typedef struct anchors {
	size_t n;
	anchor *a;
} anchors;

static void reject(hub_verdict *v, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void reject(hub_verdict *v, int status, const char *code, const char *fmt, ...)
{
	va_list ap;

	v->status = status;
	v->code = code;
	va_start(ap, fmt);
	vsnprintf(v->message, sizeof(v->message), fmt, ap);
	va_end(ap);
}

static int cmp_id(proto_id a, proto_id b)
{
	if (a.origin != b.origin)
		return a.origin < b.origin ? -1 : 1;
	if (a.serial != b.serial)
		return a.serial < b.serial ? -1 : 1;
	return 0;
}

static int cmp_anchor(const void *x, const void *y)
{
	const anchor *a = x, *b = y;
	int c = cmp_id(a->id, b->id);
	return c ? c : (int)a->kind - (int)b->kind;
}

static const proto_field *find_field(const proto_record *rec, uint8_t field)
{
	size_t i;
	for (i = 0; i < rec->nfields; i++)
		if (rec->fields[i].field == field)
			return &rec->fields[i];
	return NULL;
}

static int build_anchors(const proto_changeset *cs, anchors *out)
{
	size_t i;

	out->n = 0;
	out->a = cs->nrecords ? proto_calloc(cs->nrecords, sizeof(anchor)) : NULL;
	if (cs->nrecords && !out->a)
		return -1;
	for (i = 0; i < cs->nrecords; i++) {
		const proto_record *rec = &cs->records[i];
		const proto_field *f;
		anchor *an = &out->a[out->n];

		memset(an, 0, sizeof(*an));
		an->id = rec->id;
		an->kind = rec->kind;
		if (rec->kind == PROTO_KIND_HOUSEHOLD) {
			f = find_field(rec, PROTO_HH_COMMUNE);
			if (!f)
				continue;
			an->place = f->value.type == PROTO_V_INT ? f->value.i : -1;
		} else if (rec->kind == PROTO_KIND_MILESTONE || rec->kind == PROTO_KIND_CONTRIBUTION) {
			f = find_field(rec, rec->kind == PROTO_KIND_MILESTONE ? PROTO_MS_HOUSEHOLD
									 : PROTO_CT_HOUSEHOLD);
			if (f && f->value.type == PROTO_V_REF) {
				an->has_household = 1;
				an->household = f->value.ref;
			}
			f = rec->kind == PROTO_KIND_CONTRIBUTION ? find_field(rec, PROTO_CT_UNIT) : NULL;
			if (f && f->value.type == PROTO_V_INT)
				an->place = f->value.i;
		} else {
			continue;
		}
		out->n++;
	}
	qsort(out->a, out->n, sizeof(anchor), cmp_anchor);
	return 0;
}

static const anchor *find_anchor(const anchors *as, proto_id id, int household)
{
	size_t lo = 0, hi = as->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_id(as->a[mid].id, id);
		if (c == 0) {
			/* several records may share an id (one household edited twice, or
			 * an event id reused across kinds): take any of the wanted side */
			size_t k = mid;
			while (k > 0 && cmp_id(as->a[k - 1].id, id) == 0)
				k--;
			for (; k < as->n && cmp_id(as->a[k].id, id) == 0; k++)
				if ((as->a[k].kind == PROTO_KIND_HOUSEHOLD) == household)
					return &as->a[k];
			return NULL;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The commune of a household named in this change-set or held by the hub.
 * 1 found, 0 unknown, -1 database error. */
static int household_commune(hub_ctx *ctx, const anchors *as, proto_id id, int64_t *commune)
{
	const anchor *an = find_anchor(as, id, 1);

	if (an) {
		*commune = an->place;
		return 1;
	}
	return hub_household_commune(ctx->db, id, commune);
}

static int event_in_scope(hub_ctx *ctx, const anchors *as, const hub_scope *scope, int has_hh,
			  proto_id hh, int64_t unit, int *inside)
{
	int64_t commune = 0;
	int rc;

	*inside = 0;
	if (has_hh) {
		rc = household_commune(ctx, as, hh, &commune);
		if (rc < 0)
			return -1;
		*inside = rc == 1 && hub_in_scope(ctx, scope, commune);
		return 0;
	}
	/* a contribution to a commune or a district as a whole */
	*inside = hub_in_scope(ctx, scope, unit) ||
		  (scope->kind == HUB_SCOPE_DISTRICT && unit == scope->code);
	return 0;
}

static void id_text(proto_id id, char out[40])
{
	char hex[17];
	proto_key_id_hex(id.origin, hex);
	snprintf(out, 40, "%s-%llu", hex, (unsigned long long)id.serial);
}

/* Every record inside the agent's area, written by the agent itself, and no
 * hub-only field. 0 all good, 1 rejected (v filled), -1 internal error. */
static int check_scope(hub_ctx *ctx, const proto_changeset *cs, const hub_scope *scope,
		       hub_verdict *v)
{
	anchors as = { 0, NULL };
	size_t i;
	int rc = -1;

	if (build_anchors(cs, &as))
		goto out;
	for (i = 0; i < cs->nrecords; i++) {
		const proto_record *rec = &cs->records[i];
		const proto_field *f;
		char idt[40];
		int inside = 0, found;
		int64_t commune = 0;

		id_text(rec->id, idt);
		if (rec->writer != cs->hdr.origin) {
			reject(v, 403, "relayed_record", "record %s was written by another origin:"
			       " agents send only their own changes", idt);
			rc = 1;
			goto out;
		}
		switch (rec->kind) {
		case PROTO_KIND_HOUSEHOLD:
			if (find_field(rec, PROTO_HH_REVIEW_STATUS) || find_field(rec, PROTO_HH_REVIEW_REASON)) {
				reject(v, 403, "hub_only_field", "household %s: the review status is"
				       " decided by the hub only", idt);
				rc = 1;
				goto out;
			}
			/* both the commune it has on the hub and any it is moved to */
			found = hub_household_commune(ctx->db, rec->id, &commune);
			if (found < 0)
				goto out;
			if (found == 1 && !hub_in_scope(ctx, scope, commune)) {
				reject(v, 403, "out_of_scope", "household %s is in commune %lld, outside"
				       " this agent's area", idt, (long long)commune);
				rc = 1;
				goto out;
			}
			f = find_field(rec, PROTO_HH_COMMUNE);
			if (f) {
				found = 1;
				commune = f->value.type == PROTO_V_INT ? f->value.i : -1;
			} else if (found != 1) {
				found = household_commune(ctx, &as, rec->id, &commune);
				if (found < 0)
					goto out;
			}
			inside = found == 1 && hub_in_scope(ctx, scope, commune);
			if (!inside) {
				reject(v, 403, "out_of_scope", "household %s: commune %lld is outside"
				       " this agent's area", idt, (long long)commune);
				rc = 1;
				goto out;
			}
			break;
		case PROTO_KIND_MILESTONE:
		case PROTO_KIND_CONTRIBUTION: {
			const anchor *an = find_anchor(&as, rec->id, 0);
			if (!an || event_in_scope(ctx, &as, scope, an->has_household, an->household,
						  an->place, &inside))
				goto out;
			if (!inside) {
				reject(v, 403, "out_of_scope", "%s %s names a household or unit outside"
				       " this agent's area", proto_kind_name(rec->kind), idt);
				rc = 1;
				goto out;
			}
			break;
		}
		case PROTO_KIND_VOID: {
			const anchor *an;
			proto_id hh = { 0, 0 };
			int has_hh = 0;
			int64_t unit = 0;

			f = find_field(rec, PROTO_VO_TARGET);
			if (!f || f->value.type != PROTO_V_REF) {
				reject(v, 422, "invalid", "void %s names no target", idt);
				rc = 1;
				goto out;
			}
			an = find_anchor(&as, f->value.ref, 0);
			if (an) {
				has_hh = an->has_household;
				hh = an->household;
				unit = an->place;
				found = 1;
			} else {
				found = hub_event_anchor(ctx->db, f->value.ref, &has_hh, &hh, &unit);
				if (found < 0)
					goto out;
			}
			if (found == 1 && event_in_scope(ctx, &as, scope, has_hh, hh, unit, &inside))
				goto out;
			if (!inside) {
				reject(v, 403, "out_of_scope", "void %s targets an event the hub does not"
				       " hold in this agent's area", idt);
				rc = 1;
				goto out;
			}
			break;
		}
		default:
			reject(v, 422, "invalid", "record %s has unknown kind %u", idt, rec->kind);
			rc = 1;
			goto out;
		}
	}
	rc = 0;
out:
	free(as.a);
	return rc;
}

/* Refuse stamps from a laptop whose clock is far ahead: they would win every
 * later edit and drag the hub clock forward. Returns the largest stamp. */
static int check_clock(const proto_changeset *cs, uint64_t *max_stamp)
{
	uint64_t wall = proto_wall_ms(), m = cs->hdr.created;
	proto_hlc probe;
	size_t i;

	for (i = 0; i < cs->nrecords; i++)
		if (cs->records[i].stamp > m)
			m = cs->records[i].stamp;
	proto_hlc_init(&probe, 0);
	*max_stamp = m;
	return proto_hlc_observe(&probe, m, wall) == PROTO_OK ? 0 : -1;
}

/* Move the hub clock past 'stamp' inside the current transaction. */
static int observe_stamp(sqlite3 *db, uint64_t stamp)
{
	uint64_t last;
	proto_hlc c;

	if (hub_meta_get_u64(db, "hlc_last", &last) < 0)
		return -1;
	proto_hlc_init(&c, last);
	if (proto_hlc_observe(&c, stamp, proto_wall_ms()) != PROTO_OK)
		return -1;
	return c.last == last ? 0 : hub_meta_set_u64(db, "hlc_last", c.last);
}

/* ---- the area index (docs/HUB.md, "Pull and the area index") ------------ */

typedef struct area_set {
	size_t n, cap;
	int64_t (*a)[2]; /* commune (0: district as a whole), district */
} area_set;

static int area_put(area_set *s, int64_t commune, int64_t district)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->a[i][0] == commune && s->a[i][1] == district)
			return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		int64_t (*a)[2] = proto_calloc(cap, sizeof(*a));
		if (!a)
			return -1;
		if (s->n)
			memcpy(a, s->a, s->n * sizeof(*a));
		free(s->a);
		s->a = a;
		s->cap = cap;
	}
	s->a[s->n][0] = commune;
	s->a[s->n][1] = district;
	s->n++;
	return 0;
}

static int64_t district_of(const hub_ctx *ctx, int64_t commune)
{
	if (!ctx->have_campaign || commune <= 0 || commune > 0x7fffffff)
		return 0;
	return proto_units_district_of(&ctx->campaign.units, (int)commune);
}

/* A contribution's unit: a commune, or a district as a whole (commune 0). */
static int area_put_unit(const hub_ctx *ctx, area_set *s, int64_t unit)
{
	const proto_unit *u;

	if (unit <= 0 || unit > 0x7fffffff)
		return 0;
	u = ctx->have_campaign ? proto_units_find(&ctx->campaign.units, (int)unit) : NULL;
	if (u && u->level != PROTO_UNIT_COMMUNE)
		return area_put(s, 0, unit);
	return area_put(s, unit, district_of(ctx, unit));
}

static int area_put_household(hub_ctx *ctx, area_set *s, proto_id hh)
{
	int64_t commune = 0;
	int rc = hub_household_commune(ctx->db, hh, &commune);

	if (rc < 0)
		return -1;
	return rc == 1 ? area_put(s, commune, district_of(ctx, commune)) : 0;
}

/* The communes (as the hub stores them before the merge) of the households
 * this change-set writes: old[i] for record i, -1 if none or not a household. */
static int communes_before(hub_ctx *ctx, const proto_changeset *cs, int64_t **old)
{
	size_t i;

	*old = cs->nrecords ? proto_calloc(cs->nrecords, sizeof(int64_t)) : NULL;
	if (cs->nrecords && !*old)
		return -1;
	for (i = 0; i < cs->nrecords; i++) {
		int64_t c = -1;
		if (cs->records[i].kind == PROTO_KIND_HOUSEHOLD &&
		    hub_household_commune(ctx->db, cs->records[i].id, &c) != 1)
			c = -1;
		(*old)[i] = c;
	}
	return 0;
}

/*
 * Index ledger row 'ledger' (already merged) under every commune it touches:
 * each household's commune before and after the merge, each event's
 * household or unit. A household that moved takes the history indexed under
 * its old commune along (hub_area_follow), so the new commune's laptops see
 * the rows that built it, as a full scan of the ledger would have shown them;
 * and the move is noted (hub_move), so the old commune's laptops are told.
 */
static int index_area(hub_ctx *ctx, const proto_changeset *cs, const int64_t *old, int64_t ledger)
{
	area_set s = { 0, 0, NULL };
	size_t i;
	int rc = -1;

	for (i = 0; i < cs->nrecords; i++) {
		const proto_record *rec = &cs->records[i];
		const proto_field *f;
		int64_t now = 0, unit = 0;
		proto_id hh = { 0, 0 };
		int has_hh = 0, found;

		switch (rec->kind) {
		case PROTO_KIND_HOUSEHOLD:
			found = hub_household_commune(ctx->db, rec->id, &now);
			if (found < 0)
				goto out;
			if (old[i] > 0 && area_put(&s, old[i], district_of(ctx, old[i])))
				goto out;
			if (found == 1 && area_put(&s, now, district_of(ctx, now)))
				goto out;
			if (found == 1 && old[i] > 0 && old[i] != now &&
			    (hub_area_follow(ctx->db, ledger, old[i], now, district_of(ctx, now)) ||
			     hub_move_add(ctx->db, ledger, rec->id, old[i])))
				goto out;
			break;
		case PROTO_KIND_MILESTONE:
		case PROTO_KIND_CONTRIBUTION:
			f = find_field(rec, rec->kind == PROTO_KIND_MILESTONE ? PROTO_MS_HOUSEHOLD
									 : PROTO_CT_HOUSEHOLD);
			if (f && f->value.type == PROTO_V_REF) {
				if (area_put_household(ctx, &s, f->value.ref))
					goto out;
				break;
			}
			f = rec->kind == PROTO_KIND_CONTRIBUTION ? find_field(rec, PROTO_CT_UNIT) : NULL;
			if (f && f->value.type == PROTO_V_INT && area_put_unit(ctx, &s, f->value.i))
				goto out;
			break;
		case PROTO_KIND_VOID:
			f = find_field(rec, PROTO_VO_TARGET);
			if (!f || f->value.type != PROTO_V_REF)
				break;
			found = hub_event_anchor(ctx->db, f->value.ref, &has_hh, &hh, &unit);
			if (found < 0)
				goto out;
			if (found == 1 && (has_hh ? area_put_household(ctx, &s, hh)
						  : area_put_unit(ctx, &s, unit)))
				goto out;
			break;
		default:
			break;
		}
	}
	for (i = 0; i < s.n; i++)
		if (hub_area_add(ctx->db, ledger, s.a[i][0], s.a[i][1]))
			goto out;
	rc = 0;
out:
	free(s.a);
	return rc;
}

/* Inside the caller's transaction: merge cs, ledger its sealed bytes, index
 * the row's area and move the hub clock. */
static int merge_and_ledger(hub_ctx *ctx, const proto_changeset *cs, const uint8_t *data,
			    size_t len, const uint8_t hash[32], uint64_t max_stamp,
			    proto_merge_stats *stats, char *err, size_t errlen)
{
	int64_t *old = NULL;
	proto_result r;
	int rc = -1;

	if (communes_before(ctx, cs, &old)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	r = ctx->merger ? proto_merger_apply(ctx->merger, cs, stats) : proto_merge(ctx->db, cs, stats);
	if (r != PROTO_OK) {
		snprintf(err, errlen, "merge failed: %s", proto_strerror(r));
		goto out;
	}
	if (hub_ledger_insert(ctx->db, cs->hdr.origin, cs->hdr.seq, hash, data, len,
			      (int64_t)(proto_wall_ms() / 1000)) ||
	    index_area(ctx, cs, old, hub_ledger_last_id(ctx->db)) ||
	    observe_stamp(ctx->db, max_stamp)) {
		snprintf(err, errlen, "ledger write failed: %s", sqlite3_errmsg(ctx->db));
		goto out;
	}
	rc = 0;
out:
	free(old);
	return rc;
}

/* Its own transaction, or (batched: the writer's group commit holds one) its
 * own savepoint, so a failing change-set is undone alone. */
static int commit_merge(hub_ctx *ctx, const proto_changeset *cs, const uint8_t *data, size_t len,
			const uint8_t hash[32], uint64_t max_stamp, proto_merge_stats *stats,
			int batched, char *err, size_t errlen)
{
	if (sqlite3_exec(ctx->db, batched ? "SAVEPOINT hub_ingest" : "BEGIN IMMEDIATE", NULL, NULL,
			 NULL) != SQLITE_OK) {
		snprintf(err, errlen, "database busy: %s", sqlite3_errmsg(ctx->db));
		return -1;
	}
	if (merge_and_ledger(ctx, cs, data, len, hash, max_stamp, stats, err, errlen))
		goto fail;
	if (sqlite3_exec(ctx->db, batched ? "RELEASE hub_ingest" : "COMMIT", NULL, NULL,
			 NULL) != SQLITE_OK) {
		snprintf(err, errlen, "commit failed: %s", sqlite3_errmsg(ctx->db));
		goto fail;
	}
	return 0;
fail:
	if (batched)
		sqlite3_exec(ctx->db, "ROLLBACK TO hub_ingest; RELEASE hub_ingest", NULL, NULL, NULL);
	else
		sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* The sender's enrolment, as this connection sees it: 0, 1 refused, -1 error. */
static int agent_step(hub_ctx *ctx, uint64_t origin, hub_agent *agent, hub_verdict *v)
{
	char hex[17];
	int found = hub_agent_get(ctx->db, origin, agent);

	if (found < 0)
		return -1;
	proto_key_id_hex(origin, hex);
	if (found == 0) {
		reject(v, 403, "unknown_agent", "origin %s is not enrolled at this hub:"
		       " enrol the laptop with a token first", hex);
		return 1;
	}
	if (agent->revoked) {
		reject(v, 403, "revoked", "agent %s was revoked by the hub operator:"
		       " ask the province for a new enrolment", hex);
		return 1;
	}
	return 0;
}

/*
 * Everything that needs no write: the header, the sender, the signature, the
 * body, the campaign. On 0 *cs holds the records (release it); 1 refused
 * (v says why), -1 database error.
 */
static int open_step(hub_ctx *ctx, const uint8_t *data, size_t len, uint64_t peer,
		     hub_agent *agent, proto_changeset *cs, hub_verdict *v)
{
	proto_header hdr;
	proto_key *key = NULL;
	char hex[17];
	proto_result r;
	int rc;

	memset(cs, 0, sizeof(*cs));
	r = proto_peek(data, len, &hdr);
	if (r != PROTO_OK) {
		reject(v, 400, "malformed", "not a valid change-set: %s", proto_strerror(r));
		return 1;
	}
	v->origin = hdr.origin;
	v->seq = hdr.seq;
	proto_key_id_hex(hdr.origin, hex);
	if (peer && peer != hdr.origin) {
		char phex[17];
		proto_key_id_hex(peer, phex);
		reject(v, 403, "origin_mismatch", "change-set of origin %s sent by agent %s:"
		       " an agent pushes only its own change-sets", hex, phex);
		return 1;
	}
	rc = agent_step(ctx, hdr.origin, agent, v);
	if (rc)
		return rc;
	if (proto_key_from_public(agent->pub, &key) != PROTO_OK)
		return -1;
	r = proto_open(data, len, key, cs, v->hash);
	proto_key_free(key);
	rc = 1;
	if (r == PROTO_ESIGNATURE || r == PROTO_EKEYID)
		reject(v, 422, "bad_signature", "change-set %s/%llu does not verify with the"
		       " agent's key: it was altered or not signed by it", hex,
		       (unsigned long long)hdr.seq);
	else if (r != PROTO_OK)
		reject(v, 422, "invalid", "change-set %s/%llu is invalid: %s", hex,
		       (unsigned long long)hdr.seq, proto_strerror(r));
	else if (strcmp(cs->hdr.campaign, ctx->campaign_id) != 0)
		reject(v, 422, "wrong_campaign", "change-set is for campaign '%s' but this hub"
		       " serves '%s'", cs->hdr.campaign, ctx->campaign_id);
	else
		rc = 0;
	if (rc)
		proto_changeset_release(cs);
	return rc;
}

int hub_ingest_open(hub_ctx *ctx, const uint8_t *data, size_t len, uint64_t peer, hub_opened *o)
{
	hub_agent agent;

	memset(o, 0, sizeof(*o));
	o->rc = open_step(ctx, data, len, peer, &agent, &o->cs, &o->v);
	return o->rc;
}

void hub_opened_free(hub_opened *o)
{
	if (!o)
		return;
	if (o->rc == 0)
		proto_changeset_release(&o->cs);
	free(o);
}

static int ingest(hub_ctx *ctx, const uint8_t *data, size_t len, uint64_t peer, const char *source,
		  int batched, const hub_opened *pre, hub_verdict *v)
{
	proto_changeset own, *cs = &own;
	hub_agent agent;
	uint8_t at[32], head_hash[32];
	uint64_t head = 0, max_stamp = 0;
	char hex[17], err[200];
	int rc = -1, opened = 0;

	memset(v, 0, sizeof(*v));
	if (pre && pre->rc >= 0) {
		/* opened on the opening stage's read-only connection; the sender's
		 * enrolment is checked again here, where revocations are written */
		*v = pre->v;
		if (pre->rc == 1)
			goto rejected;
		cs = (proto_changeset *)&pre->cs;
		rc = agent_step(ctx, v->origin, &agent, v);
	} else {
		rc = open_step(ctx, data, len, peer, &agent, cs, v);
		opened = rc == 0;
	}
	if (rc < 0)
		goto internal;
	if (rc > 0)
		goto rejected;
	proto_key_id_hex(v->origin, hex);
	/* the chain: resend, fork, gap */
	if (hub_ledger_head(ctx->db, v->origin, &head, head_hash))
		goto internal;
	rc = hub_ledger_hash_at(ctx->db, v->origin, v->seq, at);
	if (rc < 0)
		goto internal;
	if (rc == 1 && memcmp(at, v->hash, 32) == 0) {
		v->status = 200;
		v->code = "already_applied";
		snprintf(v->message, sizeof(v->message), "change-set %s/%llu was already applied",
			 hex, (unsigned long long)v->seq);
		rc = 0;
		goto out;
	}
	v->expected_seq = head + 1;
	if (rc == 1 || (v->seq == head + 1 && memcmp(cs->hdr.prev, head_hash, 32) != 0)) {
		v->has_expected_hash = head > 0;
		memcpy(v->expected_hash, head_hash, 32);
		reject(v, 409, "fork", "change-set %s/%llu forks the chain: the hub holds a"
		       " different history; it expects seq %llu after the hash it names", hex,
		       (unsigned long long)v->seq, (unsigned long long)(head + 1));
		goto rejected;
	}
	if (v->seq != head + 1) {
		reject(v, 409, "gap", "change-set %s/%llu leaves a gap: the hub expects seq %llu;"
		       " send the missing change-sets first", hex, (unsigned long long)v->seq,
		       (unsigned long long)(head + 1));
		goto rejected;
	}
	v->expected_seq = 0;
	rc = check_scope(ctx, cs, &agent.scope, v);
	if (rc < 0)
		goto internal;
	if (rc > 0)
		goto rejected;
	if (check_clock(cs, &max_stamp)) {
		reject(v, 422, "clock_ahead", "change-set %s/%llu carries stamps more than a day"
		       " ahead of the hub: fix the laptop's date and time", hex,
		       (unsigned long long)v->seq);
		goto rejected;
	}
	if (commit_merge(ctx, cs, data, len, v->hash, max_stamp, &v->stats, batched, err,
			 sizeof(err))) {
		/* a concurrent writer (import, approve) may have taken the seq meanwhile */
		if (hub_ledger_hash_at(ctx->db, v->origin, v->seq, at) == 1 &&
		    memcmp(at, v->hash, 32) == 0) {
			v->status = 200;
			v->code = "already_applied";
			snprintf(v->message, sizeof(v->message), "change-set %s/%llu was already applied",
				 hex, (unsigned long long)v->seq);
			rc = 0;
			goto out;
		}
		reject(v, 500, "internal", "%s", err);
		rc = -1;
		goto out;
	}
	v->status = 200;
	v->code = "applied";
	snprintf(v->message, sizeof(v->message), "change-set %s/%llu applied", hex,
		 (unsigned long long)v->seq);
	rc = 0;
	goto out;
internal:
	reject(v, 500, "internal", "hub database error: %s", sqlite3_errmsg(ctx->db));
	rc = -1;
	goto out;
rejected:
	rc = 1;
	if (hub_rejection_add(ctx->db, source, v->origin, v->seq, v->code, v->message,
			      (int64_t)(proto_wall_ms() / 1000)))
		rc = -1; /* not kept: the caller must not pretend it was */
out:
	if (opened)
		proto_changeset_release(&own);
	return rc;
}

int hub_ingest(hub_ctx *ctx, const uint8_t *data, size_t len, uint64_t peer, const char *source,
	       const hub_opened *pre, hub_verdict *v)
{
	return ingest(ctx, data, len, peer, source, 0, pre, v);
}

int hub_ingest_batched(hub_ctx *ctx, const uint8_t *data, size_t len, uint64_t peer,
		       const char *source, const hub_opened *pre, hub_verdict *v)
{
	return ingest(ctx, data, len, peer, source, 1, pre, v);
}

int hub_ingest_own(hub_ctx *ctx, proto_changeset *cs, char *err, size_t errlen)
{
	proto_buf sealed;
	uint8_t hash[32], head_hash[32];
	uint64_t head = 0, max_stamp = cs->hdr.created;
	proto_result r;
	size_t i;
	int rc = -1;

	proto_buf_init(&sealed, HUB_MAX_BODY);
	for (i = 0; i < cs->nrecords; i++)
		if (cs->records[i].stamp > max_stamp)
			max_stamp = cs->records[i].stamp;
	if (sqlite3_exec(ctx->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "hub database is busy: try again");
		goto out;
	}
	/* the hub's own chain, continued inside the write lock */
	if (hub_ledger_head(ctx->db, ctx->key_id, &head, head_hash))
		goto fail;
	cs->hdr.seq = head + 1;
	memcpy(cs->hdr.prev, head_hash, 32);
	r = proto_seal(cs, ctx->key, &sealed, hash);
	if (r != PROTO_OK) {
		snprintf(err, errlen, "cannot seal the hub change-set: %s", proto_strerror(r));
		goto rollback;
	}
	if (merge_and_ledger(ctx, cs, sealed.data, sealed.len, hash, max_stamp, NULL, err, errlen))
		goto rollback;
	if (sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	rc = 0;
	goto out;
fail:
	snprintf(err, errlen, "hub database error: %s", sqlite3_errmsg(ctx->db));
rollback:
	sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
out:
	proto_buf_release(&sealed);
	return rc;
}
