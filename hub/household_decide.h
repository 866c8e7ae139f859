/*
 * household_decide.h - the province's review of one household, as a signed
 * hub edit: the one code under 'maiam-hub household approve|reject'
 * (cmd_household_decide.c) and the dashboard's household page
 * (report/dashboard_household_post.c).
 */
#ifndef HUB_HOUSEHOLD_DECIDE_H
#define HUB_HOUSEHOLD_DECIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "maiam/proto.h"
#include "ctx.h"

/*
 * Record one review decision (status "approved" or "rejected", reason NULL
 * for none) as a hub-origin change-set, merged and ledgered: the code under
 * 'household approve|reject' and the dashboard's household page. HUB_OK
 * with *found false: no such household, nothing written; HUB_OK with
 * *found: decided, *commune its commune; HUB_REFUSED: the reason is not
 * acceptable text; else the database or sealing failed. err gets one line
 * (in the operator's language) for every result but HUB_OK.
 */
hub_result hub_household_decide_one(hub_ctx *ctx, proto_id id, const char *status, const char *reason,
				    bool *found, int64_t *commune, char *err, size_t errlen);

#endif
