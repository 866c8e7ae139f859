/*
 * award.h - nominations for the provincial certificate of merit within the
 * quotas of the campaign's award rules (docs/REPORTS.md, "Award
 * nominations"). Each step is a decision record the hub signs with who and
 * when (proto/FORMAT.md, kind 6, fields 8..13): "nominated" carries the
 * nominee, "accepted" or "returned" (with a note) an appraiser's decision on
 * it; the nominations are read back from the decision table, never kept
 * apart. A nominating unit is a district (its code), "province" (the
 * steering committee and departments) or "working_group" (the working group
 * and supervision team). award.c reads and counts, award_sign.c decides,
 * award_cmd.c is 'maiam-hub award', award_page.c the workspace's /awards.
 */
#ifndef HUB_AWARD_H
#define HUB_AWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "ctx.h"
#include "operator.h"
#include "report_int.h"
#include "result.h"

#define AWARD_PROVINCE "province"
#define AWARD_WORKING_GROUP "working_group"
#define AWARD_ID_MAX 24      /* "A-<n>", NUL included */
#define AWARD_UNIT_MAX 32    /* PROTO_RULE_AWARD_UNIT_MAX */
#define AWARD_BACKING_MAX 16 /* records one nomination may name */

/* What a nomination is now: waiting for the appraisal, or decided. */
typedef enum award_status { AWARD_PROPOSED = 0, AWARD_ACCEPTED, AWARD_RETURNED } award_status;
/* "proposed", "accepted", "returned" (JSON and the decision's action) */
extern const char *const award_status_names[];
/* "collective", "individual" (the decision's nominee_kind) */
extern const char *const award_kind_names[];

/* One nomination; its strings are owned by the award_list holding it. */
typedef struct award_nomination {
	char id[AWARD_ID_MAX]; /* "A-7" */
	char unit[AWARD_UNIT_MAX + 1];
	int district;    /* the unit's district code; 0 for province and working_group */
	bool individual; /* else a collective */
	char *name, *position, *achievements, *backing; /* position and backing may be NULL */
	char *nominated_by;
	uint64_t nominated_at; /* the decision's stamp (hybrid clock: ms << 16) */
	award_status status;
	char *decided_by, *note; /* the appraisal's; NULL while proposed */
	uint64_t decided_at;     /* 0 while proposed */
	/* a collective of a district that did not hand over 100 % of its
	 * target on time (criterion 3.1.a): shown, not refused */
	bool flagged;
} award_nomination;

/* Owns its nominations (award_list_release). */
typedef struct award_list {
	size_t n;
	award_nomination *a; /* in the order they were made */
} award_list;

/*
 * The nominations of unit (a district's code as text, "province",
 * "working_group"; NULL: every unit) of campaign c, oldest first, each
 * with its appraisal and its 3.1.a flag (hand-overs up to the deadline).
 * Any connection to hub.db, a read-only one too. HUB_OK, HUB_EDB or
 * HUB_ENOMEM with err (English). For the final report as for the commands.
 */
hub_result award_list_load(sqlite3 *db, const proto_campaign *c, const char *unit, award_list *out,
			   char *err, size_t errlen);
void award_list_release(award_list *l);

/* The district a unit names (0 for province and working_group), or -1
 * when unit names none of c's units. */
int award_unit_district(const proto_campaign *c, const char *unit);
/* The unit's name as people read it ("Huyện Kế Sách"; for the province's
 * groups the plan's words in lang). */
const char *award_unit_name(const proto_campaign *c, const char *unit, report_lang lang);
/* How many nominations of a kind the rules allow unit (by a district's
 * assigned target; the province's own numbers), 0 for an unknown unit. */
int award_quota(const proto_campaign *c, const char *unit, bool individual);
/* How many of l's nominations of unit and kind hold a place in its quota:
 * every one not returned. */
int award_places_used(const award_list *l, const char *unit, bool individual);

/* Who acts: the signed-in operator, or the hub's terminal (who holds the
 * hub's directory holds its key, and may do every step). */
typedef struct award_actor {
	const char *name; /* signed into the decision */
	hub_role role;
	int district; /* HUB_ROLE_DISTRICT's */
	bool terminal;
} award_actor;

/* What a nomination says (strings borrowed for the call). */
typedef struct award_entry {
	const char *unit;
	bool individual;
	const char *name, *position, *achievements; /* position may be NULL */
	const char *const *backing; /* record ids ("0123456789abcdef-12"), nbacking of them */
	size_t nbacking;
} award_entry;

/*
 * Nominate e as who: checked (the unit, who may nominate for it, the texts,
 * the backing records the hub holds, the quota: over it is refused with the
 * quota and the count), then signed. id gets "A-<n>" (AWARD_ID_MAX bytes).
 * HUB_OK; HUB_REFUSED with err saying why and what to do, in lang (the
 * terminal: REPORT_OPERATOR; a page: REPORT_VI); HUB_EDB, HUB_ENOMEM.
 */
hub_result award_nominate(hub_ctx *ctx, const award_actor *who, const award_entry *e, report_lang lang,
			  char *id, char *err, size_t errlen);
/*
 * Accept (accept true) or return nomination id as who, an appraiser (or
 * the terminal); a return needs a note, which frees its place. Only a
 * proposed nomination is decided. *found false: no such nomination,
 * nothing written. Results and err as award_nominate.
 */
hub_result award_decide(hub_ctx *ctx, const award_actor *who, const char *id, bool accept,
			const char *note, report_lang lang, bool *found, char *err, size_t errlen);

/* 'maiam-hub award nominate|list|accept|return' (award_cmd.c). */
int hub_award_cmd(int argc, char **argv);

#endif
