/*
 * target.h - commune targets: the houses a district gives each of its
 * communes to build (the plan: "chỉ tiêu do UBND cấp huyện giao"). An
 * assignment is a decision record the hub signs (proto/FORMAT.md, decision
 * action "target", item the commune's code, number the houses; 0 clears
 * it), so it is in the ledger with who and when; the current target of a
 * commune is its latest assignment by stamp, read from the decision table
 * the merge fills (rebuilt from the ledger like every merged record).
 *
 * Results follow report.h. A target_table owns its rows
 * (target_table_release); names are borrowed from the campaign.
 */
#ifndef HUB_TARGET_H
#define HUB_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "result.h"

struct hub_ctx;
struct report_progress;

/* One commune of a district, with its target or none. */
typedef struct target_commune {
	int code;
	const char *name;
	int64_t houses; /* -1: no target (never given, or cleared with 0) */
	uint64_t stamp; /* of the assignment (0: none) */
	char by[PROTO_OPERATOR_MAX + 1];
} target_commune;

/* One district of the campaign: its own target and its communes'. */
typedef struct target_district {
	int code;
	const char *name;
	int64_t target;  /* the campaign's target for the district */
	int64_t sum;     /* of its communes' targets */
	size_t first, n; /* its communes in target_table.communes */
} target_district;

typedef struct target_table {
	size_t ndistricts, ncommunes;
	target_district *districts; /* in campaign order */
	target_commune *communes;   /* by district, in the campaign's unit order */
} target_table;

/* Is the district's sum below its target (the warning shown)? */
static inline bool target_below(const target_district *d)
{
	return d->sum < d->target;
}

/*
 * Load every district's communes and their current targets (district 0:
 * every district; else that one only). Any connection to hub.db, a read-only
 * one too. HUB_OK, HUB_EDB, HUB_ENOMEM (err says).
 */
hub_result target_load(sqlite3 *db, const proto_campaign *c, int district, target_table *t, char *err,
		       size_t errlen);
void target_table_release(target_table *t);
/* The commune's current target, or -1 for none. */
int64_t target_of(const target_table *t, int commune);

/*
 * Give commune its target, houses 0..PROTO_RULE_TARGET_MAX (0 clears it),
 * signed by operator_name: one hub change-set holding the decision record,
 * ledgered (hub_decision_sign). district: 0 for any commune (the command
 * line, an admin), else the commune must be in that district (a district
 * operator). HUB_OK; HUB_REFUSED (err, in the operator's language: not a
 * commune, another district's, a number out of range, a name that cannot
 * be signed); else as hub_decision_sign.
 */
hub_result target_set(struct hub_ctx *ctx, const char *operator_name, int commune, int64_t houses,
		      int district, char *err, size_t errlen);

/*
 * Why commune cannot be given a target by an operator of district (0: any):
 * HUB_OK when it can; else HUB_REFUSED with *why 1 not a commune of the
 * campaign, 2 a commune of another district. For callers that say it in
 * their own words (the web page).
 */
hub_result target_commune_check(const proto_campaign *c, int commune, int district, int *why);

/* Is code a district of the campaign with a target (one the reports list)? */
bool target_is_district(const proto_campaign *c, int code);

/* Put the communes' targets into the commune lines of a progress loaded by
 * commune (report_progress_load_in): percent and on-track follow them. */
hub_result target_fill_progress(sqlite3 *db, const proto_campaign *c, struct report_progress *p,
				char *err, size_t errlen);

/* maiam-hub target set COMMUNE N [--by NAME] | target list [--district CODE] [--json] */
int hub_target_cmd(int argc, char **argv);

#endif
