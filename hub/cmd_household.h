/*
 * cmd_household.h - what the household commands' two files share:
 * cmd_household.c (list, show, the command itself) and
 * cmd_household_decide.c (approve and reject, one household or a batch).
 */
#ifndef HUB_CMD_HOUSEHOLD_H
#define HUB_CMD_HOUSEHOLD_H

#include <stddef.h>
#include "maiam/proto.h"
#include "ctx.h"
#include "store.h"

/* Which households a listing or a batch decision covers. */
typedef struct household_filter {
	int commune;        /* 0: any (done in SQL) */
	int district;       /* 0: any */
	const char *status; /* a review status code; NULL: any */
	const proto_units *units;
} household_filter;

/* 1 if the household row passes the filter's district and status (its
 * commune was chosen by the walk, hub_household_each). */
int hub_household_filter_match(const household_filter *f, const hub_household_row *r);

/* The Vietnamese label of a code for people (the campaign's [labels]); the
 * code itself if it has none, "" for NULL. Borrowed from the campaign. */
const char *hub_label_of(const hub_ctx *ctx, proto_list list, const char *code);

/* A review decision as the command line gives it. */
typedef struct hub_decision {
	const char *verb;   /* "approve" | "reject" */
	const char *status; /* "approved" | "rejected" */
	const char *reason;
	const char *by; /* the operator's name signed with it (decision.h) */
	int yes;
} hub_decision;

/*
 * Decide the typed households (ids or refs), or those the filter matches
 * when none is typed: one typed household at once; a batch listed, then
 * confirmed on the terminal or by d->yes. One hub change-set per household.
 * Returns an exit code (said).
 */
int hub_household_decide(hub_ctx *ctx, const hub_decision *d, char **typed, size_t ntyped,
			 const household_filter *f);

#endif
