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
int agent_cmd_update_import(agent_ctx *ctx, int argc, char **argv); /* "import FILE" */
int agent_cmd_photo(agent_ctx *ctx, int argc, char **argv);         /* cmd_photo.c */
int agent_cmd_ui(agent_ctx *ctx, int argc, char **argv);            /* ui/serve.c */
int agent_cmd_backup(agent_ctx *ctx, int argc, char **argv);        /* cmd_backup.c */
int agent_cmd_restore(agent_ctx *ctx, int argc, char **argv);       /* cmd_backup.c */

/*
 * cmd_store.c: the store for the commands. Each prints what failed (one
 * line: what, why, what to do) and returns an exit code: AGENT_OK,
 * AGENT_FAIL, or AGENT_USAGE for a household reference that is not one.
 */
int agent_home_ready(agent_ctx *ctx); /* agent_home_resolve */
int agent_store_open(agent_ctx *ctx); /* the store in ctx->home, loaded into ctx */
int agent_tx_begin(agent_ctx *ctx);   /* agent_store_begin */
int agent_tx_commit(agent_ctx *ctx);  /* agent_store_commit; rolls back on failure */
/* Resolve a typed full id or short reference to a household of the store. */
int agent_hh_resolve(agent_ctx *ctx, const char *text, proto_id *out);
/*
 * The same, for recording on the household: refused (AGENT_FAIL, said why)
 * when it has moved to another commune, as a pull tells a laptop. The hub
 * would refuse the change as outside this laptop's area, and a refused
 * change-set stops every later sync of the laptop until an operator acts.
 */
int agent_hh_resolve_here(agent_ctx *ctx, const char *text, proto_id *out);
/*
 * The end of every recording command, inside its transaction: check cs
 * against the rulebook (AGENT_USAGE, naming the column), merge it and queue
 * its records (AGENT_FAIL: what, why, try again), commit. built is how
 * building cs went; cs is released, and rolled back on any failure.
 */
int agent_record_commit(agent_ctx *ctx, proto_changeset *cs, proto_result built, const char *what);
/* export and sync: load the key, seal the outbox into the chain, in its own transaction. */
int agent_seal_pending(agent_ctx *ctx, size_t *ncs, size_t *nrecords);
/* The hub this laptop enrolled with into info when *enrolled (sync.h). */
struct agent_hub_info;
int agent_enrolment_load(agent_ctx *ctx, struct agent_hub_info *info, int *enrolled);
/* Why r failed, for a message: SQLite's own words for PROTO_EDB. */
const char *agent_store_cause(const agent_ctx *ctx, proto_result r);

/* cmd_net.c: agent_net_open (net.h) for enroll and sync: AGENT_OK, AGENT_USAGE
 * for a --hub that is not https://host[:port], or AGENT_FAIL (printed). */
struct agent_net;
int agent_net_start(struct agent_net *n, const char *base, const char *ca, const char *cert,
		    const char *key);

/* cmd_enroll.c: does the enrolment's area cover this laptop's commune; the
 * area's kind ("commune", "district") as a word of the user's language. */
int agent_scope_covers(agent_ctx *ctx, const struct agent_hub_info *info);
const char *agent_scope_word(const char *kind);

/* cmd_usb.c: a laptop that lives on USB sticks (proto/FORMAT.md, "Hub files").
 * "enroll --file FILE": the hub's enrolment file instead of the network;
 * an exit code, the failure said. */
int agent_enroll_file(agent_ctx *ctx, const char *path);
/* Read a whole file a USB stick brought (b initialised here, at most max
 * bytes, what names it in the message); 0, or -1 said. */
int agent_usb_read(const char *path, size_t max, proto_buf *b, const char *what);
/* Put this laptop's enrolment claim first in bundle (a whole bundle, replaced
 * on success) while the hub has not answered it; *carried says if it did. */
proto_result agent_claim_prepend(agent_ctx *ctx, proto_buf *bundle, int *carried);

/* household_view.c: list, show, find */
int agent_hh_list(agent_ctx *ctx, int argc, char **argv);
int agent_hh_show(agent_ctx *ctx, int argc, char **argv);
int agent_hh_find(agent_ctx *ctx, int argc, char **argv);
/* The name 'household show' gives a household column ("national_id") in
 * the user's language, or NULL where it has none (English shows the column). */
const char *agent_hh_field_name(const char *column);
/* contribution_view.c: "contribution list"; one contribution's amounts in
 * words ("50000000 VND, 3 labour days"), and as a JSON object (no newline). */
int agent_ct_list(agent_ctx *ctx, int argc, char **argv);
struct agent_ct;
void agent_ct_given(const struct agent_ct *c, char *out, size_t n);
void agent_ct_json(agent_ctx *ctx, const struct agent_ct *c);
/*
 * correct.c: corrections, each a signed change like any other. A void names
 * its target's id and kind; "household withdraw" is an edit of the household.
 * agent_event_void: "milestone void" and "contribution void" (kind says which;
 * argv[0] is "void"). agent_hh_withdraw: "household withdraw".
 */
int agent_event_void(agent_ctx *ctx, uint8_t kind, int argc, char **argv);
int agent_hh_withdraw(agent_ctx *ctx, int argc, char **argv);
/*
 * Inside a transaction: the live event of kind that text names (full id or
 * short reference) into *id, checked to be correctable here: known, not
 * voided, of this commune. Otherwise says why and returns AGENT_FAIL (or
 * AGENT_USAGE for a text that is no id).
 */
int agent_event_resolve_live(agent_ctx *ctx, uint8_t kind, const char *text, proto_id *id);
/*
 * The start every correction shares: parse argv against spec (one positional
 * ID; *reason is where spec puts --reason), require the ID (else needs_id is
 * said) and a reason that is not empty and fits the rulebook for (kind,
 * field), then begin the transaction. 0: go on, inside it; 1: done, with
 * *exit_code (help shown, or the mistake said).
 */
typedef struct agent_correction {
	const char *cmd; /* "milestone void", for messages */
	void (*help)(FILE *);
	const char *needs_id; /* translated */
	uint8_t kind, field;  /* where the reason is stored */
} agent_correction;
int agent_correction_begin(agent_ctx *ctx, const agent_correction *c, cli_spec *spec,
			   const char *const *reason, int argc, char **argv, int *exit_code);
/* Append a void of target (of target_kind) with reason to cs. */
proto_result agent_void_build(agent_ctx *ctx, proto_changeset *cs, proto_id target, uint8_t target_kind,
			      const char *reason);
/* Inside the correction's transaction: record that void alone and commit
 * (agent_record_commit; what names the failure). */
int agent_void_commit(agent_ctx *ctx, proto_id target, uint8_t target_kind, const char *reason,
		      const char *what);
/* Print one household as a JSON object (no newline). */
struct agent_row;
void agent_hh_json(agent_ctx *ctx, const struct agent_row *row);
/*
 * cmd_household.c: append one household record to cs. A new household gets
 * its reference, the commune and review status "proposed"; an edit carries
 * each field's current stamp as its base. Only the given fields are written.
 */
struct agent_hh;
proto_result agent_hh_build(agent_ctx *ctx, proto_changeset *cs, proto_id id, const struct agent_hh *h,
			    uint64_t stamp, int is_new);
#endif
