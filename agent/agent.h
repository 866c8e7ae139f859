/*
 * agent.h - what the files of maiam-agent share: the run context, exit codes,
 * the option parser, and the cross-file functions (prefix agent_). Only the
 * command table in cli.c and the store in store*.c touch the whole context.
 */
#ifndef MAIAM_AGENT_H
#define MAIAM_AGENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <libintl.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "stmt.h"

#define _(s) gettext(s)
#define N_(s) (s)

/* Exit codes (DESIGN.md): 3 and 4 are for sync. */
enum { AGENT_OK = 0, AGENT_FAIL = 1, AGENT_USAGE = 2, AGENT_NETWORK = 3, AGENT_REJECTED = 4 };
/* Returned by the option parser when --help was asked for. */
#define AGENT_HELP 100

#define AGENT_PATH_MAX 4096

/* State of one run. Owns db, key and stmts; agent_ctx_release frees them. */
typedef struct agent_ctx {
	const char *home_opt; /* --home, borrowed from argv */
	int json;             /* --json */
	FILE *out;            /* where results go (stdout; the bench uses /dev/null) */
	char home[AGENT_PATH_MAX];
	sqlite3 *db;
	proto_key *key;       /* loaded on demand (export) */
	uint64_t key_id;
	proto_hlc hlc;
	uint64_t next_serial;
	int meta_dirty;       /* hlc or serial changed in the open transaction */
	int commune;
	char commune_name[128];
	char campaign[PROTO_CAMPAIGN_MAX + 1];
	char period_start[11];
	char deadline[11];
	char period_end[11]; /* last day anything may be dated: the report due date */
	sqlite3_stmt *stmts[AGENT_STMT_COUNT]; /* cached by agent_stmt (store_stmt.c) */
} agent_ctx;

void agent_ctx_init(agent_ctx *ctx);
void agent_ctx_release(agent_ctx *ctx);
/* Run one command line (argv[0] is the command name). Returns an exit code. */
int agent_run(agent_ctx *ctx, int argc, char **argv);

/* "maiam-agent: <message>" on stderr, one line. */
void agent_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same for a failed proto_ call: what failed, why, what to do. */
void agent_err_proto(const char *what, proto_result r, const char *todo);

/* i18n.c */
void agent_i18n_init(void);

/* args.c: a small long-option parser with messages we control. */
typedef struct agent_opt {
	const char *name;   /* without the leading "--" */
	int takes_value;
	const char *value;  /* the value, or "" for a flag; NULL if not given */
} agent_opt;
/*
 * Parse argv[1..] (argv[0] is the command word, used in messages). Options
 * may come before or after positional arguments; "--" ends options.
 * Returns AGENT_OK, AGENT_HELP, or AGENT_USAGE after printing why.
 */
int agent_parse_opts(const char *cmd, int argc, char **argv, agent_opt *opts, size_t nopts,
		     char **pos, size_t maxpos, size_t *npos);
const char *agent_opt_get(const agent_opt *opts, size_t nopts, const char *name);
/* Strict decimal parse of the whole string into [lo, hi]; 0 on success. */
int agent_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out);

/* home.c */
/* ctx->home from --home, MAIAM_HOME, XDG_DATA_HOME or HOME: PROTO_EINVAL when
 * none is set, PROTO_ETOOBIG when too long (cmds.h's agent_home_ready says so). */
proto_result agent_home_resolve(agent_ctx *ctx);
int agent_mkdirs(const char *path, unsigned mode); /* 0 or -1 with errno */
int agent_data_path(const char *rel, char *out, size_t n); /* 0, -1 if too long */
int agent_path_join(char *out, size_t n, const char *dir, const char *name);
/* Today's date (local time) as YYYY-MM-DD. */
void agent_today(char out[11]);
/* Now as ISO 8601 UTC ("2023-07-01T12:00:00Z"), for last export/sync times. */
void agent_now_utc(char out[32]);

/* fold.c: lowercase, strip Vietnamese diacritics (đ -> d), collapse spaces. */
char *agent_fold(const char *s); /* free() */

/* table.c: text tables whose columns line up by display width (proto_utf8_width) */
typedef struct agent_table agent_table;
agent_table *agent_table_new(size_t ncols, const char *const *headers);
int agent_table_add(agent_table *t, const char *const *cells); /* copies; 0 or -1 */
void agent_table_print(const agent_table *t, FILE *out);
void agent_table_free(agent_table *t);

/* json.c */
void agent_json_str(FILE *out, const char *s); /* "..." or null */

/* ref.c: ids and short references */
void agent_id_format(proto_id id, char out[40]);
int agent_id_parse(const char *s, proto_id *out); /* 0 if s is a full id */
void agent_ref_make(uint64_t origin, uint64_t serial, char out[32]);
/* Canonical form of a typed reference (case, I/L/O folded); 0 if it is one. */
int agent_ref_normalize(const char *s, char out[32]);

#endif
