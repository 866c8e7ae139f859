/*
 * decision.c - decisions signed with the operator's name (decision.h): the
 * household review the command line and the web interface share, the
 * decision record a reconcile resolution adds, and a household's history
 * of decisions read back from the decision table the merge fills.
 */
#include <stdlib.h>
#include <string.h>
#include "maiam/schema.h"
#include "decision.h"
#include "i18n.h"
#include "ingest.h"
#include "store.h"

const char *hub_cli_operator(char *buf, size_t len)
{
	const char *user = getenv("USER");

	/* a $USER too long to sign is cut on a character boundary */
	if (!user || !*user || !proto_utf8_valid(user, strlen(user)))
		user = "operator";
	snprintf(buf, len, "%.*s@cli", (int)(PROTO_OPERATOR_MAX - 4), user);
	while (!proto_utf8_valid(buf, strlen(buf)) && strlen(buf) > 4) {
		size_t n = strlen(buf);

		memmove(buf + n - 5, buf + n - 4, 5); /* drop the byte before "@cli" */
	}
	return buf;
}

int hub_decision_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0, i;

	if (n == 0 || n > PROTO_OPERATOR_MAX || !proto_utf8_valid(name, n))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return 0;
	return 1;
}

hub_result hub_operator_name_check(const char *name, char *err, size_t errlen)
{
	if (hub_decision_name_ok(name))
		return HUB_OK;
	snprintf(err, errlen,
		 _("the operator's name must be 1 to %u bytes of UTF-8 text without control"
		   " characters"),
		 PROTO_OPERATOR_MAX);
	return HUB_REFUSED;
}

/* A stamp of the hub's clock over every stamp it merged and over at_least. */
static hub_result decision_stamp(hub_ctx *ctx, uint64_t at_least, uint64_t *stamp)
{
	uint64_t last = 0;
	proto_hlc clock;

	if (hub_meta_get_u64(ctx->db, "hlc_last", &last) != HUB_OK)
		return HUB_EDB;
	/* the hub clock has observed every stamp it merged, so this one wins */
	proto_hlc_init(&clock, last > at_least ? last : at_least);
	*stamp = proto_hlc_now(&clock, proto_wall_ms());
	return HUB_OK;
}

hub_result hub_decision_sign(hub_ctx *ctx, uint64_t at_least, hub_decision_fill fill, void *arg,
			     proto_result *filled, char *err, size_t errlen)
{
	proto_changeset cs;
	uint8_t zeros[32] = { 0 };
	uint64_t stamp = 0;
	hub_result rc = HUB_EDB;
	int tries;

	*filled = PROTO_OK;
	for (tries = 0; tries < 3 && rc == HUB_EDB; tries++) {
		/* a later try starts after the stamp the other process took */
		if (decision_stamp(ctx, at_least > stamp ? at_least : stamp, &stamp) != HUB_OK) {
			snprintf(err, errlen, _("cannot read the hub database: %s"),
				 sqlite3_errmsg(ctx->db));
			return HUB_EDB;
		}
		if (proto_changeset_init(&cs, ctx->cfg->campaign_id, ctx->cfg->key_id, 1, zeros, stamp) !=
		    PROTO_OK) {
			snprintf(err, errlen, "%s", _("cannot start the change-set"));
			return HUB_ENOMEM;
		}
		*filled = fill(&cs, stamp, arg);
		if (*filled == PROTO_OK)
			rc = hub_ingest_own(ctx, &cs, err, errlen);
		else
			rc = *filled == PROTO_ENOMEM ? HUB_ENOMEM : HUB_REFUSED;
		proto_changeset_release(&cs);
	}
	return rc;
}

/* The decision record: its serial is its stamp, which the hub's clock never
 * gives twice, so no counter of decision ids is kept. */
static proto_result add_decision(proto_changeset *cs, uint64_t stamp, const proto_id *about,
				 const char *who, const char *action)
{
	proto_result r;

	r = proto_changeset_begin(cs, PROTO_KIND_DECISION, (proto_id){ cs->hdr.origin, stamp }, stamp,
				  cs->hdr.origin);
	if (r == PROTO_OK && about)
		r = proto_changeset_add_ref(cs, PROTO_DE_TARGET, 0, *about);
	if (r == PROTO_OK)
		r = proto_changeset_add_text(cs, PROTO_DE_OPERATOR, 0, who, strlen(who));
	if (r == PROTO_OK)
		r = proto_changeset_add_text(cs, PROTO_DE_ACTION, 0, action, strlen(action));
	return r;
}

static proto_result add_optional(proto_changeset *cs, uint8_t field, const char *text)
{
	return text ? proto_changeset_add_text(cs, field, 0, text, strlen(text)) : PROTO_OK;
}

proto_result hub_resolution_add(proto_changeset *cs, uint64_t stamp, const hub_resolution *r)
{
	proto_result res = add_decision(cs, stamp, r->about, r->operator_name, "resolved");

	if (res == PROTO_OK)
		res = add_optional(cs, PROTO_DE_ITEM, r->item);
	if (res == PROTO_OK)
		res = add_optional(cs, PROTO_DE_NOTE, r->note);
	if (res == PROTO_OK)
		res = add_optional(cs, PROTO_DE_KEEP, r->keep);
	return res;
}

proto_result hub_review_add(proto_changeset *cs, uint64_t stamp, const hub_review *v)
{
	proto_result r = proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, v->id, stamp, v->hub);

	if (r == PROTO_OK)
		r = proto_changeset_add_text(cs, PROTO_HH_REVIEW_STATUS, v->base[0], v->status,
					     strlen(v->status));
	if (r == PROTO_OK)
		r = v->reason ? proto_changeset_add_text(cs, PROTO_HH_REVIEW_REASON, v->base[1],
							 v->reason, strlen(v->reason))
			      : proto_changeset_add_null(cs, PROTO_HH_REVIEW_REASON, v->base[1]);
	if (r == PROTO_OK)
		r = add_decision(cs, stamp, &v->id, v->who, v->status);
	if (r == PROTO_OK)
		r = add_optional(cs, PROTO_DE_NOTE, v->reason);
	return r;
}

static proto_result fill_review(proto_changeset *cs, uint64_t stamp, void *arg)
{
	return hub_review_add(cs, stamp, arg);
}

hub_result hub_decide_household(hub_ctx *ctx, const char *operator_name, proto_id id, const char *status,
				const char *reason, int64_t *commune, bool *found, char *err,
				size_t errlen)
{
	hub_review v = { id, ctx->cfg->key_id, operator_name, status, reason, { 0, 0 } };
	int64_t where = 0;
	hub_result rc;
	proto_result filled;

	*found = false;
	if ((rc = hub_operator_name_check(operator_name, err, errlen)) != HUB_OK)
		return rc;
	rc = hub_household_commune(ctx->db, id, &where, found);
	if (rc == HUB_OK && *found)
		rc = hub_household_stamp(ctx->db, id, PROTO_HH_REVIEW_STATUS, &v.base[0]);
	if (rc == HUB_OK && *found)
		rc = hub_household_stamp(ctx->db, id, PROTO_HH_REVIEW_REASON, &v.base[1]);
	if (rc != HUB_OK) {
		snprintf(err, errlen, _("cannot read the household from the hub database: %s"),
			 sqlite3_errmsg(ctx->db));
		return rc;
	}
	if (!*found)
		return HUB_OK;
	if (commune)
		*commune = where;
	rc = hub_decision_sign(ctx, 0, fill_review, &v, &filled, err, errlen);
	if (rc == HUB_REFUSED && filled != PROTO_OK)
		snprintf(err, errlen, _("the reason is not acceptable text (UTF-8, at most %u bytes)"),
			 PROTO_MAX_TEXT);
	return rc;
}

_Static_assert(PROTO_HH_REVIEW_STATUS == 14, "history_sql: review_status's field number");

/* Columns of history_sql. */
enum { H_STAMP, H_OPERATOR, H_ACTION, H_ITEM, H_NOTE, H_KEEP, H_SIGNED };

/* The last review with no decision record at its stamp (decided before
 * version 3: laptops cannot write a review, hub_only_field), then the
 * decision records, oldest first. */
static const char history_sql[] = "SELECT s.stamp, NULL, h.review_status, NULL, h.review_reason, NULL, 0"
				  " FROM household_stamp s JOIN household h"
				  " ON h.id_origin = s.id_origin AND h.id_serial = s.id_serial"
				  " WHERE s.id_origin = ?1 AND s.id_serial = ?2 AND s.field = 14"
				  " AND NOT EXISTS (SELECT 1 FROM decision d WHERE d.target_origin = ?1"
				  " AND d.target_serial = ?2 AND d.stamp = s.stamp)"
				  " UNION ALL"
				  " SELECT stamp, operator, action, item, note, keep, 1 FROM decision"
				  " WHERE target_origin = ?1 AND target_serial = ?2"
				  " ORDER BY 1, 2";

hub_result hub_decision_each(sqlite3 *db, proto_id id, hub_decision_fn fn, void *arg)
{
	sqlite3_stmt *st = NULL;
	hub_decision_row row;
	hub_result rc = HUB_EDB;
	int step;

	if (sqlite3_prepare_v2(db, history_sql, -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_int64(st, 1, proto_u2i(id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(id.serial));
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		row.stamp = proto_i2u(sqlite3_column_int64(st, H_STAMP));
		/* the texts as the row's pointers: valid until the next step */
		row.operator_name = (const char *)sqlite3_column_text(st, H_OPERATOR);
		row.action = (const char *)sqlite3_column_text(st, H_ACTION);
		row.item = (const char *)sqlite3_column_text(st, H_ITEM);
		row.note = (const char *)sqlite3_column_text(st, H_NOTE);
		row.keep = (const char *)sqlite3_column_text(st, H_KEEP);
		row.signed_name = sqlite3_column_int(st, H_SIGNED) != 0;
		if (fn(arg, &row))
			break;
	}
	if (step == SQLITE_ROW || step == SQLITE_DONE)
		rc = HUB_OK;
	sqlite3_finalize(st);
	return rc;
}
