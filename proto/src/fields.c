/*
 * fields.c - the field table of every entity kind: wire field id, SQLite
 * column, accepted value types, and whether an event must carry it.
 * The codec validates against it, the merge maps it onto columns, and the
 * programs use the column names in their CLI and JSON.
 */
#include <assert.h>
#include <pthread.h>
#include <string.h>
#include "maiam/schema.h"
#include "fields_int.h"

/*
 * A household field is a register: any edit may clear it (NULL). An event
 * field is either required (its one type, never NULL) or optional (its type
 * or NULL).
 */
#define REGISTER(f, column, t) \
	{ \
		PROTO_KIND_HOUSEHOLD, f, column, PROTO_T(t) | PROTO_T(PROTO_V_NULL), 0 \
	}
#define REQUIRED(kind, f, column, t) \
	{ \
		kind, f, column, PROTO_T(t), 1 \
	}
#define OPTIONAL(kind, f, column, t) \
	{ \
		kind, f, column, PROTO_T(t) | PROTO_T(PROTO_V_NULL), 0 \
	}

static const proto_field_desc fields[] = {
	REGISTER(PROTO_HH_REF, "ref", PROTO_V_TEXT),
	REGISTER(PROTO_HH_NAME, "name", PROTO_V_TEXT),
	REGISTER(PROTO_HH_NATIONAL_ID, "national_id", PROTO_V_TEXT),
	REGISTER(PROTO_HH_COMMUNE, "commune", PROTO_V_INT),
	REGISTER(PROTO_HH_HAMLET, "hamlet", PROTO_V_TEXT),
	REGISTER(PROTO_HH_ADDRESS, "address", PROTO_V_TEXT),
	REGISTER(PROTO_HH_MEMBERS, "members", PROTO_V_INT),
	REGISTER(PROTO_HH_CATEGORY, "category", PROTO_V_TEXT),
	REGISTER(PROTO_HH_LAND_STATUS, "land_status", PROTO_V_TEXT),
	REGISTER(PROTO_HH_CONDITION, "condition", PROTO_V_TEXT),
	REGISTER(PROTO_HH_PHONE, "phone", PROTO_V_TEXT),
	REGISTER(PROTO_HH_NOTE, "note", PROTO_V_TEXT),
	REGISTER(PROTO_HH_SUPPORT_KIND, "support_kind", PROTO_V_TEXT),
	REGISTER(PROTO_HH_REVIEW_STATUS, "review_status", PROTO_V_TEXT),
	REGISTER(PROTO_HH_REVIEW_REASON, "review_reason", PROTO_V_TEXT),
	/* added after version 1: older change-sets simply never carry it */
	REGISTER(PROTO_HH_WITHDRAWN, "withdrawn", PROTO_V_TEXT),

	REQUIRED(PROTO_KIND_MILESTONE, PROTO_MS_HOUSEHOLD, "household", PROTO_V_REF),
	REQUIRED(PROTO_KIND_MILESTONE, PROTO_MS_STAGE, "stage", PROTO_V_TEXT),
	REQUIRED(PROTO_KIND_MILESTONE, PROTO_MS_DATE, "date", PROTO_V_TEXT),
	OPTIONAL(PROTO_KIND_MILESTONE, PROTO_MS_NOTE, "note", PROTO_V_TEXT),
	OPTIONAL(PROTO_KIND_MILESTONE, PROTO_MS_FORCED, "forced", PROTO_V_TEXT),

	/* without a household: given to a commune or district as a whole */
	OPTIONAL(PROTO_KIND_CONTRIBUTION, PROTO_CT_HOUSEHOLD, "household", PROTO_V_REF),
	REQUIRED(PROTO_KIND_CONTRIBUTION, PROTO_CT_UNIT, "unit", PROTO_V_INT),
	REQUIRED(PROTO_KIND_CONTRIBUTION, PROTO_CT_SOURCE, "source", PROTO_V_TEXT),
	OPTIONAL(PROTO_KIND_CONTRIBUTION, PROTO_CT_DONOR, "donor", PROTO_V_TEXT),
	OPTIONAL(PROTO_KIND_CONTRIBUTION, PROTO_CT_MONEY, "money_vnd", PROTO_V_INT),
	OPTIONAL(PROTO_KIND_CONTRIBUTION, PROTO_CT_LABOUR, "labour_days", PROTO_V_INT),
	OPTIONAL(PROTO_KIND_CONTRIBUTION, PROTO_CT_MATERIAL, "material", PROTO_V_TEXT),
	OPTIONAL(PROTO_KIND_CONTRIBUTION, PROTO_CT_MATERIAL_VALUE, "material_value_vnd", PROTO_V_INT),
	OPTIONAL(PROTO_KIND_CONTRIBUTION, PROTO_CT_DATE, "date", PROTO_V_TEXT),
	OPTIONAL(PROTO_KIND_CONTRIBUTION, PROTO_CT_NOTE, "note", PROTO_V_TEXT),

	REQUIRED(PROTO_KIND_VOID, PROTO_VO_TARGET, "target", PROTO_V_REF),
	REQUIRED(PROTO_KIND_VOID, PROTO_VO_TARGET_KIND, "target_kind", PROTO_V_INT),
	OPTIONAL(PROTO_KIND_VOID, PROTO_VO_REASON, "reason", PROTO_V_TEXT),

	/* format version 2 */
	REQUIRED(PROTO_KIND_PHOTO, PROTO_PH_TARGET, "target", PROTO_V_REF),
	REQUIRED(PROTO_KIND_PHOTO, PROTO_PH_TARGET_KIND, "target_kind", PROTO_V_INT),
	REQUIRED(PROTO_KIND_PHOTO, PROTO_PH_SHA256, "sha256", PROTO_V_TEXT),
	REQUIRED(PROTO_KIND_PHOTO, PROTO_PH_BYTES, "bytes", PROTO_V_INT),
	REQUIRED(PROTO_KIND_PHOTO, PROTO_PH_TYPE, "type", PROTO_V_TEXT),
	REQUIRED(PROTO_KIND_PHOTO, PROTO_PH_WIDTH, "width", PROTO_V_INT),
	REQUIRED(PROTO_KIND_PHOTO, PROTO_PH_HEIGHT, "height", PROTO_V_INT),
	OPTIONAL(PROTO_KIND_PHOTO, PROTO_PH_TAKEN_AT, "taken_at", PROTO_V_TEXT),
	OPTIONAL(PROTO_KIND_PHOTO, PROTO_PH_LAT, "lat", PROTO_V_INT),
	OPTIONAL(PROTO_KIND_PHOTO, PROTO_PH_LON, "lon", PROTO_V_INT),
	OPTIONAL(PROTO_KIND_PHOTO, PROTO_PH_CAMERA, "camera", PROTO_V_TEXT),
	OPTIONAL(PROTO_KIND_PHOTO, PROTO_PH_NOTE, "note", PROTO_V_TEXT),

	/* format version 3 */
	OPTIONAL(PROTO_KIND_DECISION, PROTO_DE_TARGET, "target", PROTO_V_REF),
	REQUIRED(PROTO_KIND_DECISION, PROTO_DE_OPERATOR, "operator", PROTO_V_TEXT),
	REQUIRED(PROTO_KIND_DECISION, PROTO_DE_ACTION, "action", PROTO_V_TEXT),
	OPTIONAL(PROTO_KIND_DECISION, PROTO_DE_ITEM, "item", PROTO_V_TEXT),
	OPTIONAL(PROTO_KIND_DECISION, PROTO_DE_NOTE, "note", PROTO_V_TEXT),
	OPTIONAL(PROTO_KIND_DECISION, PROTO_DE_KEEP, "keep", PROTO_V_TEXT),
	/* added to version 3 without a bump: a commune target */
	OPTIONAL(PROTO_KIND_DECISION, PROTO_DE_NUMBER, "number", PROTO_V_INT),
	/* an award nomination's, added to version 3 without a bump */
	OPTIONAL(PROTO_KIND_DECISION, PROTO_DE_UNIT, "unit", PROTO_V_TEXT),
	OPTIONAL(PROTO_KIND_DECISION, PROTO_DE_NOMINEE_KIND, "nominee_kind", PROTO_V_TEXT),
	OPTIONAL(PROTO_KIND_DECISION, PROTO_DE_NOMINEE, "nominee", PROTO_V_TEXT),
	OPTIONAL(PROTO_KIND_DECISION, PROTO_DE_POSITION, "position", PROTO_V_TEXT),
	OPTIONAL(PROTO_KIND_DECISION, PROTO_DE_ACHIEVEMENTS, "achievements", PROTO_V_TEXT),
	OPTIONAL(PROTO_KIND_DECISION, PROTO_DE_BACKING, "backing", PROTO_V_TEXT),
};

/*
 * The decoder, the record check and the merge look a field up for every value
 * they touch, so lookups go through an index by (kind, field) built from the
 * table above, with each kind's required fields as a mask. Built once, on
 * first use, from any thread (the hub merges on a worker).
 */
static proto_kind_fields kinds[PROTO_KIND_MAX + 1];
static pthread_once_t kinds_once = PTHREAD_ONCE_INIT;

static void build_index(void)
{
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const proto_field_desc *d = &fields[i];

		assert(d->kind >= 1 && d->kind <= PROTO_KIND_MAX);
		assert(d->field >= 1 && d->field <= PROTO_MAX_FIELDS);
		assert(!kinds[d->kind].by_id[d->field]); /* one entry per (kind, field) */
		/* a register may always be cleared, so no household field is required */
		assert(!d->required || d->kind != PROTO_KIND_HOUSEHOLD);
		kinds[d->kind].by_id[d->field] = d;
		if (d->required)
			kinds[d->kind].required |= PROTO_FIELD_BIT(d->field);
	}
}

const proto_kind_fields *proto_kind_fields_of(uint8_t kind)
{
	if (kind < 1 || kind > PROTO_KIND_MAX)
		return NULL;
	pthread_once(&kinds_once, build_index);
	return &kinds[kind];
}

const proto_field_desc *proto_field_lookup(uint8_t kind, uint8_t field)
{
	const proto_kind_fields *kf = proto_kind_fields_of(kind);

	if (!kf || field > PROTO_MAX_FIELDS)
		return NULL;
	return kf->by_id[field];
}

const proto_field_desc *proto_field_by_name(uint8_t kind, const char *column)
{
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (fields[i].kind == kind && strcmp(fields[i].column, column) == 0)
			return &fields[i];
	return NULL;
}

const char *proto_kind_name(uint8_t kind)
{
	switch (kind) {
	case PROTO_KIND_HOUSEHOLD:
		return "household";
	case PROTO_KIND_MILESTONE:
		return "milestone";
	case PROTO_KIND_CONTRIBUTION:
		return "contribution";
	case PROTO_KIND_VOID:
		return "void";
	case PROTO_KIND_PHOTO:
		return "photo";
	case PROTO_KIND_DECISION:
		return "decision";
	default:
		return NULL;
	}
}

uint8_t proto_kind_since(uint8_t kind)
{
	if (kind >= PROTO_KIND_HOUSEHOLD && kind <= PROTO_KIND_VOID)
		return 1;
	if (kind == PROTO_KIND_PHOTO)
		return 2;
	return kind == PROTO_KIND_DECISION ? 3 : 0;
}

uint8_t proto_records_version(const proto_record *records, size_t n)
{
	uint8_t version = PROTO_FORMAT_VERSION_MIN;

	for (size_t i = 0; i < n; i++) {
		uint8_t since = proto_kind_since(records[i].kind);

		if (since > version)
			version = since;
	}
	return version;
}

const char *const proto_stages[9] = {
	"surveyed", "approved",  "started",     "foundation", "walls",
	"roof",     "completed", "handed_over", NULL,
};

int proto_stage_rank(const char *stage)
{
	for (int i = 0; i < 8; i++)
		if (strcmp(proto_stages[i], stage) == 0)
			return i + 1;
	return 0;
}
