/*
 * agent.h - what the files of maiam-agent share: the run context, exit codes,
 * the option parsing, and the cross-file functions (prefix agent_). Only the
 * command table in cli.c and the store in store*.c touch the whole context.
 */
#ifndef MAIAM_AGENT_H
#define MAIAM_AGENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <libintl.h>
#include <sqlite3.h>
#include "maiam/cli.h"
#include "maiam/proto.h"
#include "stmt.h"

#define _(s) gettext(s)
#define N_(s) (s)

/* Exit codes (DESIGN.md): 3 and 4 are for sync. */
enum { AGENT_OK = 0, AGENT_FAIL = 1, AGENT_USAGE = 2, AGENT_NETWORK = 3, AGENT_REJECTED = 4 };

#define AGENT_PATH_MAX 4096
/* How long a write waits for another process's transaction on the store. */
#define AGENT_BUSY_WAIT_MS 15000

/* State of one run. Owns db, key and stmts; agent_ctx_release frees them. */
typedef struct agent_ctx {
	const char *home_opt; /* --home, borrowed from argv */
	int json;             /* --json */
	FILE *out;            /* where results go (stdout; the bench uses /dev/null) */
	char home[AGENT_PATH_MAX];
	sqlite3 *db;
	char db_error[256]; /* why db could not be opened: SQLite's words, "" if it was */
	proto_key *key;     /* loaded on demand (export) */
	uint64_t key_id;
	proto_hlc hlc;
	uint64_t next_serial;
	int meta_dirty; /* hlc or serial changed in the open transaction */
	int commune;
	char commune_name[128];
	char campaign[PROTO_CAMPAIGN_MAX + 1];
	char period_start[11];
	char deadline[11];
	char period_end[11];                   /* last day anything may be dated: the report due date */
	sqlite3_stmt *stmts[AGENT_STMT_COUNT]; /* cached by agent_stmt (store_stmt.c) */
} agent_ctx;

void agent_ctx_init(agent_ctx *ctx);
void agent_ctx_release(agent_ctx *ctx);
/* Run one command line (argv[0] is the command name). Returns an exit code. */
int agent_run(agent_ctx *ctx, int argc, char **argv);

/* "maiam-agent: <message>" on stderr, one line. */
void agent_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Where agent_err writes from now on (NULL: stderr again); the one before.
 * The app runs a command this way to show its messages on the page. */
FILE *agent_err_redirect(FILE *to);
/* The same for a failed proto_ call: what failed, why, what to do. */
void agent_err_proto(const char *what, proto_result r, const char *todo);

/* i18n.c */
void agent_i18n_init(void);

/* args.c: the commands' side of the shared option parser (maiam/cli.h). */
/*
 * Parse a command's words (argv[0] is the command word; cmd names it in
 * messages, e.g. "household add") against spec. Returns 0 to go on, or 1 when
 * the command is done: help(ctx->out) was shown (*exit_code AGENT_OK) or the
 * mistake was said on stderr (*exit_code AGENT_USAGE).
 */
int agent_parse_args(agent_ctx *ctx, const char *cmd, cli_spec *spec, void (*help)(FILE *), int argc,
		     char **argv, int *exit_code);
/* agent_parse_args for a command whose operands must fill spec->args
 * (spec->maxargs of them): when fewer are given, missing (a whole message:
 * what is needed, with an example) is said and *exit_code is AGENT_USAGE. */
int agent_parse_operands(agent_ctx *ctx, const char *cmd, cli_spec *spec, void (*help)(FILE *), int argc,
			 char **argv, const char *missing, int *exit_code);
/* Take --home DIR and --json out of argv wherever they stand (before "--")
 * into ctx; *argc becomes the words left. AGENT_OK or AGENT_USAGE (said). */
int agent_take_globals(agent_ctx *ctx, int *argc, char **argv);

/* home.c */
/* ctx->home from --home, MAIAM_HOME, XDG_DATA_HOME or HOME: PROTO_EINVAL when
 * none is set, PROTO_ETOOBIG when too long (cmds.h's agent_home_ready says so). */
proto_result agent_home_resolve(agent_ctx *ctx);
int agent_mkdirs(const char *path, unsigned mode);         /* 0 or -1 with errno */
int agent_data_path(const char *rel, char *out, size_t n); /* 0, -1 if too long */
int agent_path_join(char *out, size_t n, const char *dir, const char *name);
/* Write name in the laptop's home atomically with mode; on failure say the
 * cause and todo (what the user does next) and return -1. */
int agent_home_write(agent_ctx *ctx, const char *name, const void *data, size_t len, int mode,
		     const char *todo);
/* Today's date (local time) as YYYY-MM-DD. */
void agent_today(char out[11]);
/* Now as ISO 8601 UTC ("2023-07-01T12:00:00Z"), for last export/sync times. */
void agent_now_utc(char out[32]);

/* table.c: text tables whose columns line up by display width (proto_utf8_width) */
typedef struct agent_table agent_table;
agent_table *agent_table_new(size_t ncols, const char *const *headers);
int agent_table_add(agent_table *t, const char *const *cells); /* copies; 0 or -1 */
void agent_table_print(const agent_table *t, FILE *out);
void agent_table_free(agent_table *t);
/* s (NULL: "") then spaces up to width display columns, where "%-12s" would count bytes */
void agent_pad(FILE *out, const char *s, size_t width);

/* json.c */
void agent_json_str(FILE *out, const char *s); /* "..." or null */

/* ref.c: ids and short references */
void agent_id_format(proto_id id, char out[40]);
int agent_id_parse(const char *s, proto_id *out); /* 0 if s is a full id */
void agent_ref_make(uint64_t origin, uint64_t serial, char out[32]);
/* Canonical form of a typed reference (case, I/L/O folded); 0 if it is one. */
int agent_ref_normalize(const char *s, char out[32]);

#endif
