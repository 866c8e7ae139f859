/*
 * ctx.h - what every part of maiam-hub needs: exit codes and file names,
 * the configuration every thread reads (directory, key, campaign, ingest
 * limits), one thread's context (its connection, merger, pull cache), the
 * scope of an agent, and the helpers of ctx.c. Only main.c decides to
 * exit; everything below the command layer returns a result.
 */
#ifndef HUB_CTX_H
#define HUB_CTX_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "result.h"

/* Exit codes (DESIGN.md): the same numbers the agent uses. */
#define HUB_EXIT_OK 0
#define HUB_EXIT_FAIL 1
#define HUB_EXIT_USAGE 2
#define HUB_EXIT_NETWORK 3
#define HUB_EXIT_REJECTED 4

#define HUB_DB_FILE "hub.db"
#define HUB_KEY_FILE "hub.key"
#define HUB_CA_FILE "ca.pem"
#define HUB_CA_KEY_FILE "ca.key"
#define HUB_CERT_FILE "server.pem"
#define HUB_CERT_KEY_FILE "server.key"

#define HUB_TOKEN_TTL_S (7 * 24 * 3600)
#define HUB_MAX_BODY (PROTO_MAX_ZBODY + 4096u) /* one sealed change-set */
#define HUB_MAX_HEADERS 8192

/*
 * Per-agent quotas (docs/HUB.md, "Quotas at ingest"), settings of serve and
 * import. A change-set over a per-change-set cap is refused (413) before it
 * is merged; records or bytes of one agent over its daily cap: 429
 * quota_exceeded with Retry-After (the day is Vietnam's, UTC+7).
 * HUB_MAX_DECODED_TEXT is the most text one change-set may decode to: a pull
 * answer can then always relay any accepted change-set alone (its body stays
 * far below PROTO_MAX_BODY); --max-text may lower it, never raise it.
 */
#define HUB_DEFAULT_MAX_RECORDS 8192u       /* records per change-set (agent seals 4096) */
#define HUB_DEFAULT_MAX_SEALED HUB_MAX_BODY /* sealed bytes per change-set */
#define HUB_MAX_DECODED_TEXT (8u << 20)     /* decoded text bytes per change-set */
#define HUB_DEFAULT_DAY_RECORDS 1000000LL   /* records per agent per day */
#define HUB_DEFAULT_DAY_BYTES (512LL << 20) /* sealed bytes per agent per day */

typedef struct hub_limits {
	uint32_t max_records;
	size_t max_sealed;
	size_t max_text;
	int64_t day_records;
	int64_t day_bytes;
} hub_limits;

/* The defaults above. */
void hub_limits_default(hub_limits *l);
/* The quota options serve and import share, as entries of their option
 * tables (maiam/cli.h) writing into *l. */
#define HUB_LIMITS_OPTS(l) \
	CLI_UINT32("max-records", &(l)->max_records, 1, PROTO_MAX_RECORDS, "N", \
		   "records in one change-set"), \
		CLI_SIZE("max-sealed-bytes", &(l)->max_sealed, 1, HUB_MAX_BODY, "N", \
			 "bytes of one sealed change-set"), \
		CLI_SIZE("max-text-bytes", &(l)->max_text, 1, HUB_MAX_DECODED_TEXT, "N", \
			 "text bytes one change-set decodes to"), \
		CLI_INT64("day-records", &(l)->day_records, 1, 1000000000L, "N", \
			  "records one agent may send a day"), \
		CLI_INT64("day-bytes", &(l)->day_bytes, 1, 0x7fffffffL, "N", \
			  "sealed bytes one agent may send a day")

#define HUB_SCOPE_COMMUNE 1
#define HUB_SCOPE_DISTRICT 2

typedef struct hub_scope {
	int kind; /* HUB_SCOPE_* */
	int code;
} hub_scope;

/* What every thread of the hub reads and none writes: made by hub_open,
 * freed by hub_close of the context that opened it. */
typedef struct hub_config {
	char dir[PATH_MAX];
	proto_key *key; /* the hub's private key */
	uint64_t key_id;
	char campaign_id[PROTO_CAMPAIGN_MAX + 1];
	proto_campaign campaign;
	int have_campaign;
	hub_limits limits; /* what ingest allows (defaults; serve and import set them) */
} hub_config;

/* One thread's hub: the shared configuration, and what only this thread
 * touches. Each serve thread has a context of its own (worker.c). */
typedef struct hub_ctx {
	const hub_config *cfg;
	sqlite3 *db; /* this thread's connection */
	/* set by the serve writer thread for its connection (NULL elsewhere):
	 * merges keep their prepared statements across change-sets */
	proto_merger *merger;
	/* the serve pull thread's decoded ledger rows (pull_cache.c), or NULL */
	struct hub_pull_cache *pull_cache;
	hub_config *owned; /* hub_open's configuration, freed by hub_close; else NULL */
} hub_ctx;

/* Path of a file in the hub directory; fails (-1) if it does not fit. */
int hub_path(const hub_ctx *ctx, const char *name, char *out, size_t outlen);
/* Open an initialised hub directory: its configuration (key, campaign) and
 * a connection to its database, whose schema it makes or upgrades
 * (schema.c). err gets one line; HUB_REFUSED when the directory is not a
 * hub's (or its campaign no longer matches). */
hub_result hub_open(hub_ctx *ctx, const char *dir, char *err, size_t errlen);
void hub_close(hub_ctx *ctx);
/* Print "maiam-hub: <msg>" on stderr; under serve, once its log is on
 * (log.h), an error line of the log instead. */
void hub_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* --dir default: $MAIAM_HUB_DIR, else the current directory. */
const char *hub_default_dir(void);
/* A command group ("agent add|list|revoke"): its word, its subcommands
 * (NULL-terminated), and the usage said when argv[1] is none of them. */
typedef struct hub_group {
	const char *name;
	const char *const *subs;
	const char *usage;
} hub_group;
struct cli_spec; /* maiam/cli.h, included by the commands that parse */
/*
 * Parse a command's words against spec, whose empty values count as missing:
 * those after argv[0] (the command), or with a group those after argv[1],
 * which must be one of its subcommands. operands names the positional
 * arguments in the usage ("" if none). Returns 0 to go on, or 1 with
 * *exit_code: HUB_EXIT_OK after --help (usage and options on stdout),
 * HUB_EXIT_USAGE after saying the mistake on stderr.
 */
int hub_parse_args(const hub_group *group, const char *operands, struct cli_spec *spec, int argc,
		   char **argv, int *exit_code);
/* The --dir option every command takes (default: hub_default_dir()). */
#define HUB_DIR_OPT(p) \
	CLI_STRING("dir", (p), "DIR", "the hub directory (default $MAIAM_HUB_DIR, else .)")
/* Household id as "ORIGINHEX-SERIAL" (the form listings print). */
int hub_parse_household_id(const char *s, proto_id *out);
/* 16 hex digits -> key id; -1 if not exactly that. */
int hub_parse_keyid(const char *s, uint64_t *out);

#endif
