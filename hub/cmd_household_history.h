/*
 * cmd_household_history.h - the history section of maiam-hub household show
 * (cmd_household_history.c): who decided what about the household, and when.
 */
#ifndef HUB_CMD_HOUSEHOLD_HISTORY_H
#define HUB_CMD_HOUSEHOLD_HISTORY_H

#include <stddef.h>
#include "maiam/proto.h"
#include "ctx.h"

/*
 * Print the household's decisions, oldest first (hub_decision_each): in text
 * a "history:" section, its title padded to width, one line per decision
 * with its time in Vietnam, what was decided, the operator's name and the
 * reason or note, none_word when there is none; in JSON the member
 * ', "history": [...]' (time in UTC, operator null for a decision made
 * before decisions carried a name). HUB_OK, or HUB_EDB (the caller says so).
 */
hub_result hub_household_history_show(const hub_ctx *ctx, proto_id id, int json, size_t width,
				      const char *none_word);

#endif
