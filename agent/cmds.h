/*
 * cmds.h - the command functions, one file per command group (cmd_*.c).
 * Each takes argv with argv[0] = its own name and returns an exit code.
 * The store is open when the command needs it (cli.c opens it first).
 */
#ifndef MAIAM_AGENT_CMDS_H
#define MAIAM_AGENT_CMDS_H
#include "agent.h"

int agent_cmd_init(agent_ctx *ctx, int argc, char **argv);
int agent_cmd_household(agent_ctx *ctx, int argc, char **argv);
int agent_cmd_import(agent_ctx *ctx, int argc, char **argv); /* "household import" */
int agent_cmd_milestone(agent_ctx *ctx, int argc, char **argv);
int agent_cmd_contribution(agent_ctx *ctx, int argc, char **argv);
int agent_cmd_status(agent_ctx *ctx, int argc, char **argv);
int agent_cmd_check(agent_ctx *ctx, int argc, char **argv);
int agent_cmd_export(agent_ctx *ctx, int argc, char **argv);
int agent_cmd_enroll(agent_ctx *ctx, int argc, char **argv);
int agent_cmd_sync(agent_ctx *ctx, int argc, char **argv);

/* household_view.c: list, show, find */
int agent_hh_list(agent_ctx *ctx, int argc, char **argv);
int agent_hh_show(agent_ctx *ctx, int argc, char **argv);
int agent_hh_find(agent_ctx *ctx, int argc, char **argv);
/* Print one household as a JSON object (no newline). */
struct agent_row;
void agent_hh_json(agent_ctx *ctx, const struct agent_row *row);
/*
 * cmd_household.c: append one household record to cs. A new household gets
 * its reference, the commune and review status "proposed"; an edit carries
 * each field's current stamp as its base. Only the given fields are written.
 */
struct agent_hh;
proto_result agent_hh_build(agent_ctx *ctx, proto_changeset *cs, proto_id id,
			    const struct agent_hh *h, uint64_t stamp, int is_new);
#endif
