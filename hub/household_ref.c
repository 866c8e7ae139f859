/*
 * household_ref.c - one resolver for every hub command that takes a
 * household: a full id is looked up as it is, a short reference by the ref
 * the household stores (docs/HUB.md, "Households").
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "maiam/cli.h"
#include "household_ref.h"
#include "i18n.h"

/* The digits of a short reference: Crockford's base32, without I L O U. */
static const char ref_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int hub_ref_normalize(const char *typed, char out[HUB_REF_MAX])
{
	int64_t serial;
	int i;

	if (!typed || strlen(typed) < 6 || typed[4] != '-' || !isdigit((unsigned char)typed[5]))
		return -1;
	for (i = 0; i < 4; i++) {
		char c = (char)toupper((unsigned char)typed[i]);

		c = c == 'I' || c == 'L' ? '1' : c == 'O' ? '0' : c;
		if (!c || !strchr(ref_alphabet, c))
			return -1;
		out[i] = c;
	}
	if (cli_parse_int(typed + 5, 1, INT64_MAX, &serial))
		return -1;
	snprintf(out + 4, HUB_REF_MAX - 4, "-%lld", (long long)serial);
	return 0;
}

/* hub_household_resolve's count of the households a ref names. */
typedef struct ref_count {
	size_t n;
	proto_id first;
} ref_count;

static int count_one(void *arg, const hub_household_row *row)
{
	ref_count *c = arg;

	if (c->n++ == 0)
		c->first = row->id;
	return 0;
}

hub_result hub_household_resolve(sqlite3 *db, const char *typed, proto_id *id, hub_ref_match *match)
{
	char ref[HUB_REF_MAX];
	ref_count count = { 0, { 0, 0 } };
	hub_result rc;
	bool held;

	*match = HUB_REF_MALFORMED;
	if (hub_parse_household_id(typed, id) == 0) {
		rc = hub_entity_held(db, PROTO_KIND_HOUSEHOLD, *id, &held);
		if (rc == HUB_OK)
			*match = held ? HUB_REF_ONE : HUB_REF_NONE;
		return rc;
	}
	if (hub_ref_normalize(typed, ref))
		return HUB_OK;
	rc = hub_household_by_ref(db, ref, count_one, &count);
	if (rc != HUB_OK)
		return rc;
	*match = count.n == 0 ? HUB_REF_NONE : count.n == 1 ? HUB_REF_ONE : HUB_REF_MANY;
	if (count.n == 1)
		*id = count.first;
	return HUB_OK;
}

hub_result hub_household_ref_each(sqlite3 *db, const char *typed, hub_household_cb cb, void *arg)
{
	char ref[HUB_REF_MAX];

	if (hub_ref_normalize(typed, ref))
		return HUB_OK;
	return hub_household_by_ref(db, ref, cb, arg);
}

/* The candidates of an ambiguous ref, one line each, into a message. */
typedef struct candidates {
	char *out;
	size_t len, cap, n;
} candidates;

static int say_candidate(void *arg, const hub_household_row *row)
{
	candidates *c = arg;
	char hex[17];
	int w;

	if (c->n++ >= 10 || c->len >= c->cap)
		return 0; /* the count says how many more */
	proto_key_id_hex(row->id.origin, hex);
	w = snprintf(c->out + c->len, c->cap - c->len, _("\n  %s  %s  commune %lld  %s-%llu"),
		     row->ref ? row->ref : "-", row->name ? row->name : "-", (long long)row->commune,
		     hex, (unsigned long long)row->id.serial);
	c->len = w < 0 ? c->cap : c->len + (size_t)w < c->cap ? c->len + (size_t)w : c->cap;
	return 0;
}

hub_result hub_household_name(sqlite3 *db, const char *typed, proto_id *id, hub_ref_match *match,
			      char *err, size_t errlen)
{
	hub_ref_match m;
	candidates c;
	hub_result rc = hub_household_resolve(db, typed, id, &m);
	int w;

	if (match)
		*match = m;
	if (rc != HUB_OK) {
		snprintf(err, errlen, _("cannot read the households: %s"), sqlite3_errmsg(db));
		return rc;
	}
	switch (m) {
	case HUB_REF_ONE:
		return HUB_OK;
	case HUB_REF_MALFORMED:
		snprintf(err, errlen,
			 _("'%s' is neither a household id (0123456789abcdef-12) nor a"
			   " reference (36S0-2): see 'maiam-hub household list'"),
			 typed);
		return HUB_REFUSED;
	case HUB_REF_NONE:
		snprintf(err, errlen, _("no household '%s' at the hub: see 'maiam-hub household list'"),
			 typed);
		return HUB_REFUSED;
	case HUB_REF_MANY:
		break;
	}
	w = snprintf(err, errlen,
		     _("reference '%s' names more than one household; give the full id"
		       " of the one you mean:"),
		     typed);
	c.out = err;
	c.cap = errlen;
	c.len = w < 0 ? 0 : (size_t)w < errlen ? (size_t)w : errlen;
	c.n = 0;
	if (hub_household_ref_each(db, typed, say_candidate, &c) != HUB_OK) {
		snprintf(err, errlen, _("cannot read the households: %s"), sqlite3_errmsg(db));
		return HUB_EDB;
	}
	if (c.n > 10 && c.len < c.cap)
		snprintf(c.out + c.len, c.cap - c.len, _("\n  ... and %zu more"), c.n - 10);
	return HUB_REFUSED;
}
