/*
 * hostile_import.c - the USB path: `maiam-hub import FILE` with damaged
 * bundles (magic, truncation, a zero length) and with bundles of change-sets
 * the push path would refuse (tampered, unknown agent, other campaign, out of
 * scope, squatted id, a value against the rulebook), plus a replay and an
 * empty bundle. The answer is the exit code (4: rejected) and its output.
 * Change-sets come from a throwaway laptop of the commune, so a refusal the
 * hub chains does not move the attacker's own chain.
 */
#include <stdio.h>
#include <string.h>
#include "hostile.h"

/* A laptop of HS_COMMUNE enrolled for one row. */
static int usb_laptop(hs_env *e, ht_agent *x)
{
	return hs_enrol(e, x, "--commune", HS_COMMUNE);
}

static int import_households(hs_env *e, hs_answer *a, int commune, int tamper)
{
	ht_agent x;
	proto_buf b;
	int rc = -1;

	proto_buf_init(&b, 1u << 20);
	if (usb_laptop(e, &x) || hs_snapshot(e, tamper ? "bad_signature" : "out_of_scope") ||
	    ht_households(&x, NULL, commune, 2, &b, 0))
		goto out;
	if (tamper)
		b.data[b.len - 3] ^= 1;
	rc = hs_import(e, b.data, b.len, 0, a);
out:
	proto_buf_release(&b);
	ht_agent_free(&x);
	return rc;
}

static int tampered(hs_env *e, hs_answer *a)
{
	return import_households(e, a, HS_COMMUNE, 1);
}
static int out_of_scope(hs_env *e, hs_answer *a)
{
	return import_households(e, a, HS_OTHER_COMMUNE, 0);
}

static int unknown_agent(hs_env *e, hs_answer *a)
{
	ht_agent x;
	proto_buf b;
	int rc = -1;

	proto_buf_init(&b, 1u << 20);
	if (!ht_agent_new(&x, &e->hub, "never-enrolled") && !ht_households(&x, NULL, HS_COMMUNE, 1, &b, 0))
		rc = hs_import(e, b.data, b.len, 0, a);
	proto_buf_release(&b);
	ht_agent_free(&x);
	return rc;
}

static int wrong_campaign(hs_env *e, hs_answer *a)
{
	ht_agent x;
	proto_buf b;
	int rc = -1;

	proto_buf_init(&b, 1u << 20);
	if (!usb_laptop(e, &x) && !hs_snapshot(e, "wrong_campaign") &&
	    !ht_households(&x, "other-2024", HS_COMMUNE, 1, &b, 0))
		rc = hs_import(e, b.data, b.len, 0, a);
	proto_buf_release(&b);
	ht_agent_free(&x);
	return rc;
}

/* A household with members 0, or one whose id is the same-commune laptop's next. */
static int usb_household(hs_env *e, hs_answer *a, int squat, const char *code)
{
	static const char name[] = "Danh Sà Phil";
	ht_agent x;
	proto_changeset cs;
	proto_buf b;
	uint8_t hash[32];
	int rc = -1;

	proto_buf_init(&b, 1u << 20);
	if (usb_laptop(e, &x) || hs_snapshot(e, code))
		goto out;
	if (proto_changeset_init(&cs, HS_CAMPAIGN, x.id, 1, NULL, proto_hlc_now(&x.clock, proto_wall_ms())))
		goto out;
	if (proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD,
				  squat ? (proto_id){ e->same.id, e->same.serial + 1 }
					: (proto_id){ x.id, 1 },
				  proto_hlc_now(&x.clock, proto_wall_ms()), x.id) ||
	    proto_changeset_add_text(&cs, PROTO_HH_NAME, 0, name, strlen(name)) ||
	    proto_changeset_add_int(&cs, PROTO_HH_COMMUNE, 0, HS_COMMUNE) ||
	    proto_changeset_add_int(&cs, PROTO_HH_MEMBERS, 0, squat ? 3 : 0) ||
	    proto_seal(&cs, x.key, &b, hash) != PROTO_OK) {
		proto_changeset_release(&cs);
		goto out;
	}
	proto_changeset_release(&cs);
	rc = hs_import(e, b.data, b.len, 0, a);
out:
	proto_buf_release(&b);
	ht_agent_free(&x);
	return rc;
}
static int members_zero(hs_env *e, hs_answer *a)
{
	return usb_household(e, a, 0, "invalid");
}
static int squat(hs_env *e, hs_answer *a)
{
	return usb_household(e, a, 1, "foreign_id");
}

static int replay(hs_env *e, hs_answer *a)
{
	return hs_import(e, e->sealed.data, e->sealed.len, 0, a);
}
static int empty(hs_env *e, hs_answer *a)
{
	return hs_import(e, (const uint8_t *)"MAIMBDL1", 8, 1, a);
}
static int bad_magic(hs_env *e, hs_answer *a)
{
	return hs_import(e, (const uint8_t *)"MAIMBDL2\0\0\0\1x", 13, 1, a);
}
static int zero_length(hs_env *e, hs_answer *a)
{
	return hs_import(e, (const uint8_t *)"MAIMBDL1\0\0\0\0", 12, 1, a);
}
static int huge_length(hs_env *e, hs_answer *a)
{
	return hs_import(e, (const uint8_t *)"MAIMBDL1\xff\xff\xff\xff", 12, 1, a);
}

static int truncated(hs_env *e, hs_answer *a)
{
	proto_buf b;
	int rc;

	proto_buf_init(&b, 1u << 20);
	if (proto_bundle_write(&b, (const uint8_t *const *)&e->sealed.data, &e->sealed.len, 1) !=
	    PROTO_OK) {
		proto_buf_release(&b);
		return -1;
	}
	rc = hs_import(e, b.data, b.len - 5, 1, a);
	proto_buf_release(&b);
	return rc;
}

#define I(name, needs, fn, ex, code, fl) \
	{ \
		name, needs, fn, ex, code, HS_EXIT | (fl), 0, NULL, NULL \
	}
static const hs_row rows[] = {
	I("tampered change-set", "", tampered, 4, "bad_signature", HS_REC),
	I("unknown agent", "", unknown_agent, 4, "unknown_agent", HS_REC),
	I("other campaign", "", wrong_campaign, 4, "wrong_campaign", HS_REC),
	I("out of scope", "", out_of_scope, 4, "out_of_scope", HS_REC),
	I("members 0", "rules,ingest", members_zero, 4, "invalid", HS_REC),
	I("squatted id", "ingest", squat, 4, "foreign_id", HS_REC),
	I("replay of an applied change-set", "", replay, 0, "1 already applied", 0),
	I("empty bundle", "", empty, 0, "0 change-sets", 0),
	I("bad magic", "", bad_magic, 4, "nothing imported", 0),
	I("item of length 0", "", zero_length, 4, "nothing imported", 0),
	I("item of length 2^32-1", "", huge_length, 4, "nothing imported", 0),
	I("truncated bundle", "", truncated, 4, "nothing imported", 0),
};

const hs_family hs_family_import = { "import", NULL, rows, sizeof(rows) / sizeof(rows[0]) };
