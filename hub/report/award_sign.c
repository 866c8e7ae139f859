/*
 * award_sign.c - the steps of a nomination the hub signs (award.h): a
 * nomination checked against who may make it and its unit's quota, and an
 * appraiser's accept or return. Each is one hub change-set of one decision
 * record (hub_decision_sign), ledgered like every other hub edit.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "maiam/rules.h"
#include "maiam/schema.h"
#include "award.h"
#include "decision.h"
#include "i18n.h"

/* A decision record's text fields, in field order; NULL values are left out. */
typedef struct award_record {
	const char *values[PROTO_DE_BACKING + 1]; /* by field id */
} award_record;

/* The record in cs, begun at stamp: its own origin and the stamp as serial
 * (the hub's clock never gives a stamp twice), no household as target. */
static proto_result fill_record(proto_changeset *cs, uint64_t stamp, void *arg)
{
	const award_record *rec = arg;
	proto_result r;
	uint8_t f;

	r = proto_changeset_begin(cs, PROTO_KIND_DECISION, (proto_id){ cs->hdr.origin, stamp }, stamp,
				  cs->hdr.origin);
	for (f = PROTO_DE_OPERATOR; r == PROTO_OK && f <= PROTO_DE_BACKING; f++)
		if (rec->values[f])
			r = proto_changeset_add_text(cs, f, 0, rec->values[f], strlen(rec->values[f]));
	return r;
}

/* Free text a field accepts: 1..max bytes (0 allowed when !required) of
 * UTF-8 without control characters. */
static bool text_ok(const char *s, size_t max, bool required)
{
	size_t n = s ? strlen(s) : 0, i;

	if (n == 0)
		return !required;
	if (n > max || !proto_utf8_valid(s, n))
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static hub_result refuse(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static hub_result refuse(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return HUB_REFUSED;
}

/* May who nominate for unit (a district's code, or 0 for the province's
 * groups)? The terminal and admins for every unit, a district operator for
 * its own district. */
static bool may_nominate(const award_actor *who, int district)
{
	if (who->terminal || who->role == HUB_ROLE_ADMIN)
		return true;
	return who->role == HUB_ROLE_DISTRICT && district > 0 && who->district == district;
}

/* Does the hub hold a record of id (household, milestone, contribution, photo)? */
static hub_result record_held(sqlite3 *db, proto_id id, bool *held)
{
	static const char sql[] = "SELECT 1 FROM household WHERE id_origin = ?1 AND id_serial = ?2"
				  " UNION ALL SELECT 1 FROM milestone WHERE id_origin = ?1 AND id_serial = ?2"
				  " UNION ALL SELECT 1 FROM contribution WHERE id_origin = ?1 AND"
				  " id_serial = ?2 UNION ALL SELECT 1 FROM photo WHERE id_origin = ?1 AND"
				  " id_serial = ?2";
	sqlite3_stmt *st = NULL;
	int step;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return HUB_EDB;
	sqlite3_bind_int64(st, 1, proto_u2i(id.origin));
	sqlite3_bind_int64(st, 2, proto_u2i(id.serial));
	step = sqlite3_step(st);
	*held = step == SQLITE_ROW;
	sqlite3_finalize(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? HUB_OK : HUB_EDB;
}

/* The backing ids of e, each a record the hub holds, as one spaced list in
 * out (the form listings print). */
static hub_result backing_text(sqlite3 *db, const award_entry *e, report_lang lang, char *out,
			       size_t outlen, char *err, size_t errlen)
{
	size_t i, used = 0;
	proto_id id;
	bool held;

	out[0] = '\0';
	if (e->nbacking > AWARD_BACKING_MAX)
		return refuse(err, errlen,
			      report_say(lang, "một đề nghị chỉ nêu tối đa %d hồ sơ minh chứng",
					 N_("a nomination names at most %d backing records")),
			      AWARD_BACKING_MAX);
	for (i = 0; i < e->nbacking; i++) {
		if (hub_parse_household_id(e->backing[i], &id))
			return refuse(err, errlen,
				      report_say(lang,
						 "'%s' không phải mã hồ sơ: ghi mã đầy đủ như"
						 " danh sách in ra (0123456789abcdef-12)",
						 N_("'%s' is not a record id: give the full id as"
						    " listings print it (0123456789abcdef-12)")),
				      e->backing[i]);
		if (record_held(db, id, &held) != HUB_OK)
			return report_db_error(db, "read the backing records", err, errlen);
		if (!held)
			return refuse(err, errlen,
				      report_say(lang, "máy chủ tỉnh không có hồ sơ '%s'",
						 N_("the hub holds no record '%s'")),
				      e->backing[i]);
		used += (size_t)snprintf(out + used, outlen - used, "%s%016llx-%llu", i ? " " : "",
					 (unsigned long long)id.origin, (unsigned long long)id.serial);
	}
	return HUB_OK;
}

/* The texts of e: the name and the achievements required, a position optional. */
static hub_result entry_texts_ok(const award_entry *e, report_lang lang, char *err, size_t errlen)
{
	if (!text_ok(e->name, 200, true))
		return refuse(err, errlen,
			      report_say(lang,
					 "tên người hoặc tập thể được đề nghị phải có 1 đến 200 byte"
					 " chữ UTF-8, không có ký tự điều khiển",
					 N_("the nominee's name must be 1 to 200 bytes of UTF-8 text"
					    " without control characters")));
	if (!text_ok(e->position, 200, false))
		return refuse(err, errlen,
			      report_say(lang,
					 "chức vụ tối đa 200 byte chữ UTF-8, không có ký tự điều khiển",
					 N_("the position must be at most 200 bytes of UTF-8 text"
					    " without control characters")));
	if (!text_ok(e->achievements, PROTO_MAX_TEXT, true))
		return refuse(err, errlen,
			      report_say(lang,
					 "thành tích phải có 1 đến %u byte chữ UTF-8, một dòng, không"
					 " có ký tự điều khiển",
					 N_("the achievements must be 1 to %u bytes of UTF-8 text on one"
					    " line, without control characters")),
			      PROTO_MAX_TEXT);
	return HUB_OK;
}

/* Is there a place left in e's unit's quota? The count is read from the
 * nominations the hub holds, so a returned one gives its place back. */
static hub_result quota_left(hub_ctx *ctx, const award_entry *e, report_lang lang, int *next, char *err,
			     size_t errlen)
{
	const proto_campaign *c = &ctx->cfg->campaign;
	award_list all;
	hub_result rc;
	int quota = award_quota(c, e->unit, e->individual), used;

	if ((rc = award_list_load(ctx->db, c, NULL, &all, err, errlen)) != HUB_OK)
		return rc;
	used = award_places_used(&all, e->unit, e->individual);
	*next = (int)all.n + 1; /* nominations are never taken back: n is the last number */
	award_list_release(&all);
	if (used < quota)
		return HUB_OK;
	return refuse(err, errlen,
		      e->individual ? report_say(lang,
						 "%s được đề xuất tối đa %d cá nhân và đã có %d đề nghị:"
						 " không thể thêm; một đề nghị bị trả lại sẽ trả chỗ",
						 N_("%s may nominate %d individuals and already has %d"
						    " nominations: no more can be added; a returned"
						    " nomination frees its place"))
				    : report_say(lang,
						 "%s được đề xuất tối đa %d tập thể và đã có %d đề nghị:"
						 " không thể thêm; một đề nghị bị trả lại sẽ trả chỗ",
						 N_("%s may nominate %d collectives and already has %d"
						    " nominations: no more can be added; a returned"
						    " nomination frees its place")),
		      award_unit_name(c, e->unit, lang), quota, used);
}

hub_result award_nominate(hub_ctx *ctx, const award_actor *who, const award_entry *e, report_lang lang,
			  char *id, char *err, size_t errlen)
{
	const proto_campaign *c = &ctx->cfg->campaign;
	char backing[PROTO_RULE_AWARD_BACKING_MAX + 64];
	award_record rec = { { NULL } };
	int district = award_unit_district(c, e->unit), next = 0;
	hub_result rc;
	proto_result filled;

	id[0] = '\0';
	if ((rc = hub_operator_name_check(who->name, err, errlen)) != HUB_OK)
		return rc;
	if (district < 0)
		return refuse(err, errlen,
			      report_say(lang,
					 "'%s' không phải đơn vị đề nghị khen thưởng: ghi mã huyện (xem"
					 " 'maiam-hub report awards'), 'province' hoặc 'working_group'",
					 N_("'%s' is not a nominating unit: give a district's code (see"
					    " 'maiam-hub report awards'), 'province' or 'working_group'")),
			      e->unit ? e->unit : "");
	if (!may_nominate(who, district))
		return refuse(err, errlen,
			      report_say(lang,
					 "%s không được đề nghị khen thưởng cho %s: cán bộ huyện đề nghị"
					 " cho huyện của mình, quản trị cho tỉnh và tổ giúp việc",
					 N_("%s may not nominate for %s: district operators nominate for"
					    " their own district, admins for the province and the"
					    " working group")),
			      who->name, award_unit_name(c, e->unit, lang));
	if ((rc = entry_texts_ok(e, lang, err, errlen)) != HUB_OK ||
	    (rc = backing_text(ctx->db, e, lang, backing, sizeof(backing), err, errlen)) != HUB_OK ||
	    (rc = quota_left(ctx, e, lang, &next, err, errlen)) != HUB_OK)
		return rc;
	snprintf(id, AWARD_ID_MAX, "A-%d", next);
	rec.values[PROTO_DE_OPERATOR] = who->name;
	rec.values[PROTO_DE_ACTION] = "nominated";
	rec.values[PROTO_DE_ITEM] = id;
	rec.values[PROTO_DE_UNIT] = e->unit;
	rec.values[PROTO_DE_NOMINEE_KIND] = award_kind_names[e->individual];
	rec.values[PROTO_DE_NOMINEE] = e->name;
	rec.values[PROTO_DE_POSITION] = e->position && e->position[0] ? e->position : NULL;
	rec.values[PROTO_DE_ACHIEVEMENTS] = e->achievements;
	rec.values[PROTO_DE_BACKING] = backing[0] ? backing : NULL;
	rc = hub_decision_sign(ctx, 0, fill_record, &rec, &filled, err, errlen);
	if (rc == HUB_REFUSED && filled != PROTO_OK)
		snprintf(err, errlen, "%s",
			 report_say(lang, "không ghi được đề nghị: dữ liệu không hợp lệ",
				    N_("the nomination cannot be written: a value is not acceptable")));
	if (rc != HUB_OK)
		id[0] = '\0';
	return rc;
}

/* The nomination id of the hub's (a copy into *out), *found. */
static hub_result nomination_of(hub_ctx *ctx, const char *id, award_nomination *out, bool *found,
				char *err, size_t errlen)
{
	award_list all;
	hub_result rc;
	size_t i;

	*found = false;
	if ((rc = award_list_load(ctx->db, &ctx->cfg->campaign, NULL, &all, err, errlen)) != HUB_OK)
		return rc;
	for (i = 0; i < all.n && !*found; i++)
		if (strcmp(all.a[i].id, id) == 0) {
			*found = true;
			*out = all.a[i];
			/* only the plain fields are read after the list is gone */
			out->name = out->position = out->achievements = out->backing = NULL;
			out->nominated_by = out->decided_by = out->note = NULL;
		}
	award_list_release(&all);
	return HUB_OK;
}

hub_result award_decide(hub_ctx *ctx, const award_actor *who, const char *id, bool accept,
			const char *note, report_lang lang, bool *found, char *err, size_t errlen)
{
	award_record rec = { { NULL } };
	award_nomination a;
	hub_result rc;
	proto_result filled;

	*found = false;
	if ((rc = hub_operator_name_check(who->name, err, errlen)) != HUB_OK)
		return rc;
	if (!who->terminal && who->role != HUB_ROLE_APPRAISER)
		return refuse(err, errlen, "%s",
			      report_say(lang,
					 "chỉ cán bộ thẩm định (Công an tỉnh với Sở Nội vụ) mới chấp"
					 " nhận hoặc trả lại đề nghị khen thưởng",
					 N_("only an appraiser (the provincial police with Home Affairs)"
					    " accepts or returns nominations")));
	if (!text_ok(note, PROTO_MAX_TEXT, !accept))
		return refuse(err, errlen,
			      report_say(lang,
					 "trả lại đề nghị cần ghi chú lý do: 1 đến %u byte chữ UTF-8,"
					 " một dòng, không có ký tự điều khiển",
					 N_("returning a nomination needs a note saying why: 1 to %u bytes"
					    " of UTF-8 text on one line, without control characters")),
			      PROTO_MAX_TEXT);
	if ((rc = nomination_of(ctx, id, &a, found, err, errlen)) != HUB_OK || !*found)
		return rc;
	if (a.status != AWARD_PROPOSED)
		return refuse(err, errlen,
			      report_say(lang, "đề nghị %s đã được thẩm định (%s): không quyết định lại",
					 N_("nomination %s was already appraised (%s): it is not"
					    " decided again")),
			      id, award_status_names[a.status]);
	rec.values[PROTO_DE_OPERATOR] = who->name;
	rec.values[PROTO_DE_ACTION] = accept ? "accepted" : "returned";
	rec.values[PROTO_DE_ITEM] = a.id;
	rec.values[PROTO_DE_NOTE] = note && note[0] ? note : NULL;
	rec.values[PROTO_DE_UNIT] = a.unit;
	rc = hub_decision_sign(ctx, 0, fill_record, &rec, &filled, err, errlen);
	if (rc == HUB_REFUSED && filled != PROTO_OK)
		snprintf(err, errlen, "%s",
			 report_say(lang, "không ghi được quyết định: dữ liệu không hợp lệ",
				    N_("the decision cannot be written: a value is not acceptable")));
	return rc;
}
