/*
 * schema.h - the fields of each entity kind and the shared SQLite schema.
 *
 * Field ids are part of the wire format (FORMAT.md): never renumber, only add.
 * The SQLite tables written by the merge rules are the same on agent and hub:
 * household, household_stamp, milestone, contribution, void_event, photo,
 * conflict.
 * Both programs add their own tables (outbox, ledger...) beside them.
 *
 * 64-bit ids and stamps are stored in SQLite INTEGER columns as the signed
 * reinterpretation of the uint64_t (proto_u2i/proto_i2u).
 */
#ifndef MAIAM_SCHEMA_H
#define MAIAM_SCHEMA_H

#include <stdint.h>
#include <sqlite3.h>
#include "changeset.h"
#include "result.h"

enum proto_household_field {
	PROTO_HH_REF = 1,            /* TEXT short reference, read aloud on the phone */
	PROTO_HH_NAME = 2,           /* TEXT head of household */
	PROTO_HH_NATIONAL_ID = 3,    /* TEXT CCCD, 12 digits, or NULL */
	PROTO_HH_COMMUNE = 4,        /* INT admin code */
	PROTO_HH_HAMLET = 5,         /* TEXT */
	PROTO_HH_ADDRESS = 6,        /* TEXT */
	PROTO_HH_MEMBERS = 7,        /* INT 1..99 */
	PROTO_HH_CATEGORY = 8,       /* TEXT poor|near_poor|housing_hardship|policy_family|other */
	PROTO_HH_LAND_STATUS = 9,    /* TEXT */
	PROTO_HH_CONDITION = 10,     /* TEXT current house condition */
	PROTO_HH_PHONE = 11,         /* TEXT */
	PROTO_HH_NOTE = 12,          /* TEXT */
	PROTO_HH_SUPPORT_KIND = 13,  /* TEXT new_build|repair */
	PROTO_HH_REVIEW_STATUS = 14, /* TEXT proposed|approved|rejected (hub decides) */
	PROTO_HH_REVIEW_REASON = 15, /* TEXT */
	PROTO_HH_WITHDRAWN = 16,     /* TEXT why the household was taken out of every
				     * count; NULL while it counts (FORMAT.md) */
};
#define PROTO_HH_NFIELDS 16

enum proto_milestone_field {
	PROTO_MS_HOUSEHOLD = 1, /* REF */
	PROTO_MS_STAGE = 2,     /* TEXT surveyed..handed_over */
	PROTO_MS_DATE = 3,      /* TEXT YYYY-MM-DD */
	PROTO_MS_NOTE = 4,      /* TEXT */
	PROTO_MS_FORCED = 5,    /* TEXT why an out-of-order stage was forced */
};

enum proto_contribution_field {
	PROTO_CT_HOUSEHOLD = 1, /* REF or NULL (for a commune/district as a whole) */
	PROTO_CT_UNIT = 2,      /* INT admin code of commune or district */
	PROTO_CT_SOURCE = 3, /* TEXT mps|provincial_police|fatherland_front|business|donor|household|other */
	PROTO_CT_DONOR = 4,          /* TEXT */
	PROTO_CT_MONEY = 5,          /* INT VND >= 0 */
	PROTO_CT_LABOUR = 6,         /* INT labour days >= 0 */
	PROTO_CT_MATERIAL = 7,       /* TEXT description */
	PROTO_CT_MATERIAL_VALUE = 8, /* INT VND >= 0 */
	PROTO_CT_DATE = 9,           /* TEXT YYYY-MM-DD */
	PROTO_CT_NOTE = 10,          /* TEXT */
};

enum proto_void_field {
	PROTO_VO_TARGET = 1,      /* REF the event voided */
	PROTO_VO_TARGET_KIND = 2, /* INT proto_kind of the target */
	PROTO_VO_REASON = 3,      /* TEXT */
};

/* A photo record (format version 2): the evidence of one photo, signed by
 * its hash; the image bytes travel apart (FORMAT.md). */
enum proto_photo_field {
	PROTO_PH_TARGET = 1,      /* REF the household or milestone it is evidence for */
	PROTO_PH_TARGET_KIND = 2, /* INT 1 household or 2 milestone */
	PROTO_PH_SHA256 = 3,      /* TEXT 64 lowercase hex: SHA-256 of the bytes that travel */
	PROTO_PH_BYTES = 4,       /* INT 1..PROTO_PHOTO_MAX_BYTES */
	PROTO_PH_TYPE = 5,        /* TEXT "image/jpeg" */
	PROTO_PH_WIDTH = 6,       /* INT 1..PROTO_PHOTO_MAX_SIDE */
	PROTO_PH_HEIGHT = 7,      /* INT 1..PROTO_PHOTO_MAX_SIDE */
	PROTO_PH_TAKEN_AT = 8,    /* TEXT ISO 8601 with offset, e.g. 2023-07-01T09:30:00+07:00 */
	PROTO_PH_LAT = 9,         /* INT 1e-7 degrees, -90..90 degrees */
	PROTO_PH_LON = 10,        /* INT 1e-7 degrees, -180..180 degrees */
	PROTO_PH_CAMERA = 11,     /* TEXT make and model, at most 128 bytes */
	PROTO_PH_NOTE = 12,       /* TEXT */
};

/* A decision record (format version 3): the hub's signature on who decided
 * what, written by the hub only, in the same change-set as what the decision
 * changes (FORMAT.md). Its stamp is when. */
enum proto_decision_field {
	PROTO_DE_TARGET = 1,   /* REF the household decided on, or NULL (an item of no household) */
	PROTO_DE_OPERATOR = 2, /* TEXT the operator's name, 1..PROTO_OPERATOR_MAX bytes */
	PROTO_DE_ACTION = 3,   /* TEXT "approved", "rejected", "resolved", "target",
				  "nominated", "accepted" or "returned" */
	PROTO_DE_ITEM = 4,     /* TEXT the reconcile item resolved ("C-3"), a commune's
				  code (a target), the nomination ("A-1"), or NULL */
	PROTO_DE_NOTE = 5,     /* TEXT the reason or the note, or NULL */
	PROTO_DE_KEEP = 6,     /* TEXT a conflict's "winner" or "loser", or NULL */
	/* added to version 3 without a bump (FORMAT.md): a commune target */
	PROTO_DE_NUMBER = 7, /* INT a commune's target in houses (0 clears it), or NULL */
	/* an award nomination ("nominated"; FORMAT.md): added without a version bump */
	PROTO_DE_UNIT = 8,          /* TEXT the nominating unit: a district's code, "province"
				       or "working_group" */
	PROTO_DE_NOMINEE_KIND = 9,  /* TEXT "collective" or "individual" */
	PROTO_DE_NOMINEE = 10,      /* TEXT the nominee's name */
	PROTO_DE_POSITION = 11,     /* TEXT an individual's position, or NULL */
	PROTO_DE_ACHIEVEMENTS = 12, /* TEXT the achievements in words */
	PROTO_DE_BACKING = 13,      /* TEXT ids of records that back them, space-separated, or NULL */
};
#define PROTO_OPERATOR_MAX 128          /* bytes of an operator's name in a decision */
#define PROTO_PHOTO_MAX_BYTES (8 << 20) /* bytes of the copy that travels */
#define PROTO_PHOTO_MAX_SIDE 1600       /* pixels of either side */

/* Bit mask of the value types a field accepts: 1 << PROTO_V_xxx. */
#define PROTO_T(t) (1u << (t))

typedef struct proto_field_desc {
	uint8_t kind;
	uint8_t field;
	const char *column; /* SQLite column and CLI/JSON name */
	unsigned types;     /* PROTO_T(...) mask */
	int required;       /* events: must be present */
} proto_field_desc;

/* The descriptor of (kind, field), or NULL if unknown. */
const proto_field_desc *proto_field_lookup(uint8_t kind, uint8_t field);
/* The descriptor by column name for a kind, or NULL. */
const proto_field_desc *proto_field_by_name(uint8_t kind, const char *column);
const char *proto_kind_name(uint8_t kind); /* "household"... or NULL */

/* Milestone stages in order; index + 1 is the stage's rank. */
extern const char *const proto_stages[9]; /* NULL-terminated */
int proto_stage_rank(const char *stage);  /* 1..8, 0 if unknown */

#define PROTO_SCHEMA_VERSION 8

/*
 * Open (creating if needed) a SQLite database with the settings every Mái Ấm
 * store uses: WAL, synchronous=FULL, foreign keys, a busy timeout; then
 * migrate the shared tables to PROTO_SCHEMA_VERSION (PRAGMA user_version).
 * A database newer than this code is refused with PROTO_ESCHEMA.
 * On failure *out is NULL. The caller closes it with sqlite3_close.
 */
proto_result proto_db_open(const char *path, sqlite3 **out);
/* The same; on failure SQLite's own words ("file is not a database", "unable
 * to open database file") go to why (n bytes) when it is not NULL. */
proto_result proto_db_open_why(const char *path, sqlite3 **out, char *why, size_t n);
/* Migrate the shared tables of an already-open database. */
proto_result proto_schema_migrate(sqlite3 *db);
/*
 * Switch the SQL guard behind the rulebook on (1) or off (0) in this store:
 * triggers that abort an INSERT or UPDATE writing members outside 1..99 or a
 * negative or non-integer amount (docs/RULES.md). Off in a new store; the
 * hub turns it on in its live store. A store that replays rows accepted
 * before the rulebook (the audit's rebuild, a laptop) leaves it off. The
 * setting is kept in the file (table proto_rule_guard).
 */
proto_result proto_db_guard(sqlite3 *db, int on);

static inline int64_t proto_u2i(uint64_t v)
{
	return (int64_t)v;
}
static inline uint64_t proto_i2u(int64_t v)
{
	return (uint64_t)v;
}

/*
 * SQL: the event of table alias t (a milestone, contribution or photo) counts,
 * i.e. no void_event names it. A void names its target by id and kind
 * (PROTO_VO_TARGET, PROTO_VO_TARGET_KIND); both must match, so a void that
 * names the wrong kind voids nothing, on the laptop and at the hub alike.
 * The kind numbers are PROTO_KIND_MILESTONE, PROTO_KIND_CONTRIBUTION and
 * PROTO_KIND_PHOTO (checked in schema.c).
 */
#define PROTO_SQL_LIVE_(t, kind) \
	" NOT EXISTS (SELECT 1 FROM void_event v WHERE v.target_origin = " t ".id_origin" \
	" AND v.target_serial = " t ".id_serial AND v.target_kind = " kind ") "
#define PROTO_SQL_MILESTONE_LIVE(t) PROTO_SQL_LIVE_(t, "2")
#define PROTO_SQL_CONTRIBUTION_LIVE(t) PROTO_SQL_LIVE_(t, "3")
#define PROTO_SQL_PHOTO_LIVE(t) PROTO_SQL_LIVE_(t, "5")
/*
 * SQL: household alias h counts, i.e. it was not withdrawn (PROTO_HH_WITHDRAWN
 * holds the reason of a withdrawal, any text, even empty; NULL otherwise).
 * A withdrawn household's milestones and contributions leave the counts with it.
 */
#define PROTO_SQL_HOUSEHOLD_COUNTS(h) " " h ".withdrawn IS NULL "

#endif
