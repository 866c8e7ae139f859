/*
 * hostile_rules.c - the rulebook family: change-sets sealed by an enrolled
 * laptop, well-formed and in scope, each with one value that breaks a rule of
 * proto/include/maiam/rules.h. The hub must answer
 * 422 `invalid` naming the field, apply nothing, keep the refusal and chain it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "hostile.h"

/* The attacker's own household (from the family's setup) and its milestone. */
static proto_id own_hh(const hs_env *e)
{
	return (proto_id){ e->atk.id, 1 };
}

/* A new household in HS_COMMUNE: name, commune, members, category, with
 * field 'bad' set to the given value instead (or added). */
static int hh_bad(hs_env *e, hs_answer *a, uint8_t bad, int type, int64_t iv, const char *s, size_t len)
{
	static const char name[] = "Thạch Thị Sa";
	proto_changeset cs;
	uint8_t order[] = { PROTO_HH_NAME, PROTO_HH_COMMUNE, PROTO_HH_MEMBERS, PROTO_HH_CATEGORY };
	int done = 0;

	if (hs_cs_begin(e, &cs) ||
	    proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, (proto_id){ e->atk.id, hs_serial(e) },
				  proto_hlc_now(&e->atk.clock, proto_wall_ms()), e->atk.id))
		goto fail;
	for (size_t i = 0; i <= sizeof(order); i++) {
		uint8_t f = i < sizeof(order) ? order[i] : 64;
		proto_result r = PROTO_OK;
		if (!done && bad <= f) {
			r = type == PROTO_V_INT ? proto_changeset_add_int(&cs, bad, 0, iv)
						: proto_changeset_add_text(&cs, bad, 0, s, len);
			done = 1;
			if (r != PROTO_OK)
				goto fail;
			if (bad == f)
				continue;
		}
		if (f == PROTO_HH_NAME)
			r = proto_changeset_add_text(&cs, f, 0, name, strlen(name));
		else if (f == PROTO_HH_COMMUNE)
			r = proto_changeset_add_int(&cs, f, 0, HS_COMMUNE);
		else if (f == PROTO_HH_MEMBERS)
			r = proto_changeset_add_int(&cs, f, 0, 3);
		else if (f == PROTO_HH_CATEGORY)
			r = proto_changeset_add_text(&cs, f, 0, "poor", 4);
		if (r != PROTO_OK)
			goto fail;
	}
	if (hs_cs_seal(e, &cs))
		return -1;
	return hs_push(e, a);
fail:
	proto_changeset_release(&cs);
	return -1;
}

/* A milestone on the attacker's household: stage and date as given, and an
 * optional forced text. */
static int ms_bad(hs_env *e, hs_answer *a, const char *stage, const char *date, const char *forced,
		  size_t flen)
{
	proto_changeset cs;

	if (hs_cs_begin(e, &cs) ||
	    hs_add_milestone(e, &cs, (proto_id){ e->atk.id, hs_serial(e) }, own_hh(e), stage, date) ||
	    (forced && proto_changeset_add_text(&cs, PROTO_MS_FORCED, 0, forced, flen))) {
		proto_changeset_release(&cs);
		return -1;
	}
	if (hs_cs_seal(e, &cs))
		return -1;
	return hs_push(e, a);
}

/* A contribution to the attacker's household: unit 941, source donor, one
 * money or other field overridden. */
typedef struct ct_spec {
	int64_t unit;
	const char *source;
	const char *donor;
	int has_money, has_labour, has_mvalue;
	int64_t money, labour, mvalue;
	const char *date;
} ct_spec;

static int ct_bad(hs_env *e, hs_answer *a, const ct_spec *sp)
{
	proto_changeset cs;
	const char *src = sp->source ? sp->source : "donor";

	if (hs_cs_begin(e, &cs) ||
	    proto_changeset_begin(&cs, PROTO_KIND_CONTRIBUTION, (proto_id){ e->atk.id, hs_serial(e) },
				  proto_hlc_now(&e->atk.clock, proto_wall_ms()), e->atk.id) ||
	    proto_changeset_add_ref(&cs, PROTO_CT_HOUSEHOLD, 0, own_hh(e)) ||
	    proto_changeset_add_int(&cs, PROTO_CT_UNIT, 0, sp->unit ? sp->unit : HS_DISTRICT) ||
	    proto_changeset_add_text(&cs, PROTO_CT_SOURCE, 0, src, strlen(src)) ||
	    (sp->donor && proto_changeset_add_text(&cs, PROTO_CT_DONOR, 0, sp->donor, strlen(sp->donor))) ||
	    (sp->has_money && proto_changeset_add_int(&cs, PROTO_CT_MONEY, 0, sp->money)) ||
	    (sp->has_labour && proto_changeset_add_int(&cs, PROTO_CT_LABOUR, 0, sp->labour)) ||
	    (sp->has_mvalue && proto_changeset_add_text(&cs, PROTO_CT_MATERIAL, 0, "xi măng", 8)) ||
	    (sp->has_mvalue && proto_changeset_add_int(&cs, PROTO_CT_MATERIAL_VALUE, 0, sp->mvalue)) ||
	    proto_changeset_add_text(&cs, PROTO_CT_DATE, 0, sp->date ? sp->date : HS_DATE,
				     strlen(sp->date ? sp->date : HS_DATE))) {
		proto_changeset_release(&cs);
		return -1;
	}
	if (hs_cs_seal(e, &cs))
		return -1;
	return hs_push(e, a);
}

/* A void of the attacker's setup milestone (serial 3) with target kind k. */
static int void_kind(hs_env *e, hs_answer *a, int64_t k)
{
	proto_changeset cs;

	if (hs_cs_begin(e, &cs) ||
	    hs_add_void(e, &cs, (proto_id){ e->atk.id, hs_serial(e) }, (proto_id){ e->atk.id, 3 }, k) ||
	    proto_changeset_add_text(&cs, PROTO_VO_REASON, 0, "nhập trùng", 11)) {
		proto_changeset_release(&cs);
		return -1;
	}
	if (hs_cs_seal(e, &cs))
		return -1;
	return hs_push(e, a);
}

#define HH_INT(fn, f, v) \
	static int fn(hs_env *e, hs_answer *a) \
	{ \
		return hh_bad(e, a, f, PROTO_V_INT, v, NULL, 0); \
	}
#define HH_TXT(fn, f, s) \
	static int fn(hs_env *e, hs_answer *a) \
	{ \
		return hh_bad(e, a, f, PROTO_V_TEXT, 0, s, sizeof(s) - 1); \
	}
#define MS(fn, stage, date) \
	static int fn(hs_env *e, hs_answer *a) \
	{ \
		return ms_bad(e, a, stage, date, NULL, 0); \
	}
#define CT(fn, ...) \
	static int fn(hs_env *e, hs_answer *a) \
	{ \
		ct_spec sp = { __VA_ARGS__ }; \
		return ct_bad(e, a, &sp); \
	}

/* 2 x INT64_MAX, as the reproduction wrapped it into a signed 64-bit value */
CT(money_wrapped, .has_money = 1, .money = (int64_t)((uint64_t)INT64_MAX * 2u))
CT(money_int64_max, .has_money = 1, .money = INT64_MAX)
CT(money_one_past, .has_money = 1, .money = PROTO_RULE_MONEY_MAX + 1)
CT(money_negative, .has_money = 1, .money = -1)
CT(labour_huge_negative, .has_labour = 1, .labour = -9200000000000000000LL)
CT(labour_one_past, .has_labour = 1, .labour = PROTO_RULE_LABOUR_MAX + 1)
CT(material_value_one_past, .has_mvalue = 1, .mvalue = PROTO_RULE_MATERIAL_VALUE_MAX + 1)
CT(source_evil, .source = "evil", .has_money = 1, .money = 1000000)
CT(unit_not_of_campaign, .unit = 99999, .has_money = 1, .money = 1000000)
CT(ct_date_calendar, .has_money = 1, .money = 1000000, .date = "2023-13-01")
CT(donor_control, .donor = "Công ty\x07TNHH", .has_money = 1, .money = 1000000)
HH_INT(members_minus_7, PROTO_HH_MEMBERS, -7)
HH_INT(members_zero, PROTO_HH_MEMBERS, 0)
HH_INT(members_100, PROTO_HH_MEMBERS, 100)
HH_TXT(category_evil, PROTO_HH_CATEGORY, "evil")
HH_TXT(support_kind_bogus, PROTO_HH_SUPPORT_KIND, "palace")
HH_TXT(land_status_bogus, PROTO_HH_LAND_STATUS, "castle")
HH_TXT(national_id_not_cccd, PROTO_HH_NATIONAL_ID, "not-a-cccd")
HH_TXT(national_id_bad_province, PROTO_HH_NATIONAL_ID, "000123456789")
HH_TXT(national_id_century, PROTO_HH_NATIONAL_ID, "094923456789")
HH_TXT(national_id_11_digits, PROTO_HH_NATIONAL_ID, "09412345678")
HH_TXT(phone_short, PROTO_HH_PHONE, "12345")
HH_TXT(phone_plus84_short, PROTO_HH_PHONE, "+8491234567")
HH_TXT(name_c0, PROTO_HH_NAME, "Lâm\x01Văn")
HH_TXT(hamlet_del, PROTO_HH_HAMLET, "Ấp\x7fMỹ")
HH_TXT(note_csi_u009b, PROTO_HH_NOTE,
       "ghi chú \xc2\x9b"
       "31m đỏ")
HH_TXT(address_newline_esc, PROTO_HH_ADDRESS, "số 5\x1b[2J")
MS(stage_bogus, "bogus_stage", HS_DATE)
MS(date_9999, "surveyed", "9999-99-99")
MS(handed_over_feb_30, "handed_over", "2023-02-30")
MS(date_june_31, "started", "2023-06-31")
MS(date_before_start, "surveyed", "2023-05-31")
MS(date_after_report_due, "walls", "2023-09-08")
MS(date_not_iso, "roof", "15/07/2023")

/* A date after the day the hub receives it plus one (today + 2, Vietnam time). */
static int date_after_hub_day(hs_env *e, hs_answer *a)
{
	/* proto_rules_day is the `rules` part's; the same day computed here:
	 * Vietnam time (UTC+7) plus two days */
	time_t t = time(NULL) + 7 * 3600 + 2 * 86400;
	struct tm tm;
	char day[16];

	gmtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	return ms_bad(e, a, "surveyed", day, NULL, 0);
}

/* Texts one byte past their maximum (name 200, notes 2000, forced 500). */
static int long_text(hs_env *e, hs_answer *a, int kind, size_t n)
{
	char buf[2100];
	int rc;

	memset(buf, 'a', n);
	buf[n] = '\0';
	if (kind == 0)
		rc = hh_bad(e, a, PROTO_HH_NAME, PROTO_V_TEXT, 0, buf, n);
	else if (kind == 1)
		rc = hh_bad(e, a, PROTO_HH_NOTE, PROTO_V_TEXT, 0, buf, n);
	else
		rc = ms_bad(e, a, "walls", HS_DATE, buf, n);
	return rc;
}
static int name_201(hs_env *e, hs_answer *a)
{
	return long_text(e, a, 0, 201);
}
static int note_2001(hs_env *e, hs_answer *a)
{
	return long_text(e, a, 1, 2001);
}
static int forced_501(hs_env *e, hs_answer *a)
{
	return long_text(e, a, 2, 501);
}
static int void_kind_9(hs_env *e, hs_answer *a)
{
	return void_kind(e, a, 9);
}
static int void_kind_household(hs_env *e, hs_answer *a)
{
	return void_kind(e, a, PROTO_KIND_HOUSEHOLD);
}

#define R(name, fn, also) \
	{ \
		name, "rules,ingest", fn, 422, "invalid", HS_REC | HS_CHAIN, 0, NULL, also \
	}
static const hs_row rows[] = {
	R("money 2xINT64_MAX wrapped", money_wrapped, "money_vnd"),
	R("money INT64_MAX", money_int64_max, "money_vnd"),
	R("money one past 100 billion", money_one_past, "money_vnd"),
	R("money -1", money_negative, "money_vnd"),
	R("labour -9.2e18", labour_huge_negative, "labour_days"),
	R("labour one past 100000", labour_one_past, "labour_days"),
	R("material value one past", material_value_one_past, "material_value_vnd"),
	R("source evil", source_evil, "source"),
	R("unit not of the campaign", unit_not_of_campaign, "unit"),
	R("contribution date 2023-13-01", ct_date_calendar, "date"),
	R("donor with BEL", donor_control, "donor"),
	R("members -7", members_minus_7, "members"),
	R("members 0", members_zero, "members"),
	R("members 100", members_100, "members"),
	R("category evil", category_evil, "category"),
	R("support kind palace", support_kind_bogus, "support_kind"),
	R("land status castle", land_status_bogus, "land_status"),
	R("national id not-a-cccd", national_id_not_cccd, "national_id"),
	R("national id province 000", national_id_bad_province, "national_id"),
	R("national id 4th digit 9", national_id_century, "national_id"),
	R("national id 11 digits", national_id_11_digits, "national_id"),
	R("phone 12345", phone_short, "phone"),
	R("phone +84 and 8 digits", phone_plus84_short, "phone"),
	R("name with C0", name_c0, "name"),
	R("hamlet with DEL", hamlet_del, "hamlet"),
	R("note with U+009B", note_csi_u009b, "note"),
	R("address with ESC", address_newline_esc, "address"),
	R("name 201 bytes", name_201, "name"),
	R("note 2001 bytes", note_2001, "note"),
	R("forced 501 bytes", forced_501, "forced"),
	R("stage bogus_stage", stage_bogus, "stage"),
	R("date 9999-99-99", date_9999, "date"),
	R("handed_over 2023-02-30", handed_over_feb_30, "date"),
	R("date 2023-06-31", date_june_31, "date"),
	R("date before campaign start", date_before_start, "date"),
	R("date after report due", date_after_report_due, "date"),
	R("date after hub day + 1", date_after_hub_day, "date"),
	R("date 15/07/2023", date_not_iso, "date"),
	R("void target kind 9", void_kind_9, "target_kind"),
	R("void target kind household", void_kind_household, "target_kind"),
};

const hs_family hs_family_rules = { "rules", NULL, rows, sizeof(rows) / sizeof(rows[0]) };
