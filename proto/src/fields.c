/*
 * fields.c - the field table of every entity kind: wire field id, SQLite
 * column, accepted value types, and whether an event must carry it.
 * The codec validates against it, the merge maps it onto columns, and the
 * programs use the column names in their CLI and JSON.
 */
#include <pthread.h>
#include <string.h>
#include "maiam/schema.h"

#define TXT PROTO_T(PROTO_V_TEXT)
#define INT PROTO_T(PROTO_V_INT)
#define REF PROTO_T(PROTO_V_REF)
#define NUL PROTO_T(PROTO_V_NULL)

/* Household fields are registers: any may be cleared (NULL) by an edit. */
static const proto_field_desc fields[] = {
	{ PROTO_KIND_HOUSEHOLD, PROTO_HH_REF, "ref", TXT | NUL, 0 },
	{ PROTO_KIND_HOUSEHOLD, PROTO_HH_NAME, "name", TXT | NUL, 0 },
	{ PROTO_KIND_HOUSEHOLD, PROTO_HH_NATIONAL_ID, "national_id", TXT | NUL, 0 },
	{ PROTO_KIND_HOUSEHOLD, PROTO_HH_COMMUNE, "commune", INT | NUL, 0 },
	{ PROTO_KIND_HOUSEHOLD, PROTO_HH_HAMLET, "hamlet", TXT | NUL, 0 },
	{ PROTO_KIND_HOUSEHOLD, PROTO_HH_ADDRESS, "address", TXT | NUL, 0 },
	{ PROTO_KIND_HOUSEHOLD, PROTO_HH_MEMBERS, "members", INT | NUL, 0 },
	{ PROTO_KIND_HOUSEHOLD, PROTO_HH_CATEGORY, "category", TXT | NUL, 0 },
	{ PROTO_KIND_HOUSEHOLD, PROTO_HH_LAND_STATUS, "land_status", TXT | NUL, 0 },
	{ PROTO_KIND_HOUSEHOLD, PROTO_HH_CONDITION, "condition", TXT | NUL, 0 },
	{ PROTO_KIND_HOUSEHOLD, PROTO_HH_PHONE, "phone", TXT | NUL, 0 },
	{ PROTO_KIND_HOUSEHOLD, PROTO_HH_NOTE, "note", TXT | NUL, 0 },
	{ PROTO_KIND_HOUSEHOLD, PROTO_HH_SUPPORT_KIND, "support_kind", TXT | NUL, 0 },
	{ PROTO_KIND_HOUSEHOLD, PROTO_HH_REVIEW_STATUS, "review_status", TXT | NUL, 0 },
	{ PROTO_KIND_HOUSEHOLD, PROTO_HH_REVIEW_REASON, "review_reason", TXT | NUL, 0 },

	{ PROTO_KIND_MILESTONE, PROTO_MS_HOUSEHOLD, "household", REF, 1 },
	{ PROTO_KIND_MILESTONE, PROTO_MS_STAGE, "stage", TXT, 1 },
	{ PROTO_KIND_MILESTONE, PROTO_MS_DATE, "date", TXT, 1 },
	{ PROTO_KIND_MILESTONE, PROTO_MS_NOTE, "note", TXT | NUL, 0 },
	{ PROTO_KIND_MILESTONE, PROTO_MS_FORCED, "forced", TXT | NUL, 0 },

	{ PROTO_KIND_CONTRIBUTION, PROTO_CT_HOUSEHOLD, "household", REF | NUL, 0 },
	{ PROTO_KIND_CONTRIBUTION, PROTO_CT_UNIT, "unit", INT, 1 },
	{ PROTO_KIND_CONTRIBUTION, PROTO_CT_SOURCE, "source", TXT, 1 },
	{ PROTO_KIND_CONTRIBUTION, PROTO_CT_DONOR, "donor", TXT | NUL, 0 },
	{ PROTO_KIND_CONTRIBUTION, PROTO_CT_MONEY, "money_vnd", INT | NUL, 0 },
	{ PROTO_KIND_CONTRIBUTION, PROTO_CT_LABOUR, "labour_days", INT | NUL, 0 },
	{ PROTO_KIND_CONTRIBUTION, PROTO_CT_MATERIAL, "material", TXT | NUL, 0 },
	{ PROTO_KIND_CONTRIBUTION, PROTO_CT_MATERIAL_VALUE, "material_value_vnd", INT | NUL, 0 },
	{ PROTO_KIND_CONTRIBUTION, PROTO_CT_DATE, "date", TXT | NUL, 0 },
	{ PROTO_KIND_CONTRIBUTION, PROTO_CT_NOTE, "note", TXT | NUL, 0 },

	{ PROTO_KIND_VOID, PROTO_VO_TARGET, "target", REF, 1 },
	{ PROTO_KIND_VOID, PROTO_VO_TARGET_KIND, "target_kind", INT, 1 },
	{ PROTO_KIND_VOID, PROTO_VO_REASON, "reason", TXT | NUL, 0 },
};

/*
 * The decoder and the merge look a field up for every value they touch, so
 * lookups go through an index by (kind, field) built from the table above.
 * Built once, on first use, from any thread (the hub merges on a worker).
 */
static const proto_field_desc *by_id[PROTO_KIND_MAX + 1][PROTO_MAX_FIELDS + 1];
static pthread_once_t by_id_once = PTHREAD_ONCE_INIT;

static void build_index(void)
{
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		by_id[fields[i].kind][fields[i].field] = &fields[i];
}

const proto_field_desc *proto_field_lookup(uint8_t kind, uint8_t field)
{
	if (kind > PROTO_KIND_MAX || field > PROTO_MAX_FIELDS)
		return NULL;
	pthread_once(&by_id_once, build_index);
	return by_id[kind][field];
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
	case PROTO_KIND_HOUSEHOLD: return "household";
	case PROTO_KIND_MILESTONE: return "milestone";
	case PROTO_KIND_CONTRIBUTION: return "contribution";
	case PROTO_KIND_VOID: return "void";
	default: return NULL;
	}
}

const char *const proto_stages[9] = {
	"surveyed", "approved", "started", "foundation", "walls", "roof", "completed", "handed_over", NULL,
};

int proto_stage_rank(const char *stage)
{
	for (int i = 0; i < 8; i++)
		if (strcmp(proto_stages[i], stage) == 0)
			return i + 1;
	return 0;
}
