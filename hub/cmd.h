/*
 * cmd.h - the commands of maiam-hub (cmd_*.c), called by main.c: they parse
 * their options, call the hub's parts and map results to exit codes.
 */
#ifndef HUB_CMD_H
#define HUB_CMD_H

int hub_cmd_init(int argc, char **argv);
int hub_cmd_serve(int argc, char **argv);
int hub_cmd_agent(int argc, char **argv);
int hub_cmd_import(int argc, char **argv);
int hub_cmd_household(int argc, char **argv);
int hub_cmd_audit(int argc, char **argv);
int hub_cmd_export(int argc, char **argv);
int hub_cmd_photo(int argc, char **argv);
int hub_cmd_backup(int argc, char **argv), hub_cmd_restore(int argc, char **argv); /* cmd_backup.c */

/* cmd_usb.c: a commune that is never online (proto/FORMAT.md "Hub files").
 * The signed enrolment file for a token just made; 0, or -1 (said). */
int hub_usb_enrol_file(hub_ctx *ctx, const hub_scope *scope, const char *token, int64_t issued,
		       int64_t ttl, const char *url, const char *path);
/* A bundle's enrolment claim (an item starting with PROTO_CLAIM_MAGIC):
 * 0 enrolled (or already), 1 refused (said, and kept for the operator),
 * -1 database error (said). */
int hub_usb_claim(hub_ctx *ctx, const uint8_t *item, size_t len, const char *source);
/* cmd_refusal.c: what the operator reads of a refusal with this code and
 * the hub's English detail: a sentence in the operator's language, or
 * detail where none is translated. Static or detail; never NULL. */
const char *hub_refusal_text(const char *code, const char *detail);

#endif
