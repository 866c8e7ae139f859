/*
 * report.h - the province's reports (progress, awards, funds, reconcile),
 * the reconciliation queue, operators and the dashboard of maiam-hub.
 * Reports read derived tables that SQLite triggers keep current as merges
 * write (hub/schema_report.c), so each report costs milliseconds, not a scan.
 * docs/REPORTS.md describes what every number means.
 *
 * Results: the functions below return a hub_result (result.h), with the
 * message (what failed, and what to do) in err where they take one:
 * HUB_REFUSED when the request does not fit the data (a date that is not
 * one, no such item, already resolved...: nothing was written), HUB_EDB,
 * HUB_ENOMEM (memory or the output cap), HUB_ERANGE (a sum passed 64-bit
 * integers). Predicates return bool. Output is appended to a proto_buf the
 * caller owns; strings passed in are borrowed for the call.
 */
#ifndef HUB_REPORT_H
#define HUB_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "result.h"

typedef enum hub_report_kind {
	HUB_REPORT_PROGRESS = 0,
	HUB_REPORT_AWARDS,
	HUB_REPORT_FUNDS,
	HUB_REPORT_RECONCILE,
	HUB_REPORT_HOUSEHOLDS, /* the household list: as xlsx only (xlsx.h) */
	HUB_REPORT_SCORECARD,  /* each unit against the plan's criteria (scorecard.h) */
} hub_report_kind;

typedef enum hub_report_format {
	HUB_FMT_TABLE = 0, /* aligned text, Vietnamese number grouping */
	HUB_FMT_CSV,       /* UTF-8 with BOM, CRLF, RFC 4180 quoting (for Excel) */
	HUB_FMT_JSON,
	HUB_FMT_HTML, /* one self-contained page */
	HUB_FMT_XLSX, /* an Excel workbook (xlsx.h) */
} hub_report_format;

typedef struct hub_report_opts {
	hub_report_kind kind;
	hub_report_format format;
	char as_of[11]; /* YYYY-MM-DD; "" means today in Vietnam (UTC+7) */
	int by_commune; /* progress: one row per commune */
	int all;        /* reconcile: resolved items too */
	int64_t limit;  /* reconcile: items per page (0: HUB_RECONCILE_PAGE) */
	int64_t page;   /* reconcile: which page, from 1 (0: the first) */
	int links;      /* HTML reconcile: households and photos link to the dashboard's pages */
	int district;   /* 0 every district, else only this one's lines (an operator's scope,
			 * or report scorecard --district) */
} hub_report_opts;

/* Report outputs are capped: a report is never larger than this. */
#define HUB_REPORT_MAX_OUT ((size_t)512 << 20)

/* The report tables and their triggers are made with the rest of the hub's
 * schema when the hub opens its database (hub/schema.h). */
#include "schema.h"

/* Render one report into out (appended); err says what failed. */
hub_result hub_report_render(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
			     proto_buf *out, char *err, size_t errlen);

/* Is "2023-09-02" a real calendar date (year 1900 or later)? */
bool hub_report_valid_date(const char *s);
/* Today in Vietnam (UTC+7) as YYYY-MM-DD. */
void hub_report_today(char out[11]);

/*
 * Record how a reconcile item was resolved. keep is NULL, "winner" or
 * "loser" (conflicts only: "loser" is applied by the caller as a new hub
 * edit, see hub_reconcile_resolve). Nothing is deleted: resolutions are appended.
 * With now < 0 nothing is written, the item is only checked. HUB_OK
 * recorded (or open and keep fits it), HUB_REFUSED no open item with that
 * id or keep does not fit it, HUB_EDB the database failed.
 */
hub_result hub_reconcile_record(sqlite3 *db, const proto_campaign *c, const char *item, const char *by,
				const char *note, const char *keep, int64_t now, char *err, size_t errlen);
/*
 * Resolve reconcile item as operator 'by' (1..PROTO_OPERATOR_MAX bytes): the
 * item is checked, then one signed hub change-set holds the decision record
 * (decision.h: who, the item, the note, keep, the household it is about) and,
 * for keep "loser", the household edit that keeps the conflict's losing
 * value; then the resolution is recorded. What maiam-hub reconcile resolve
 * and the web interface call. HUB_OK, HUB_REFUSED (err says why, nothing
 * written), HUB_EDB, HUB_ENOMEM.
 */
struct hub_ctx;
hub_result hub_reconcile_resolve(struct hub_ctx *ctx, const char *by, const char *item, const char *note,
				 const char *keep, char *err, size_t errlen);

/* ---- operators (password.c) -------------------------------------------- */

#define HUB_PBKDF2_ITER 210000 /* OWASP 2023 figure for PBKDF2-HMAC-SHA256 */
#define HUB_OPERATOR_NAME_MAX 64
#define HUB_PASSWORD_MAX 1024

/* PBKDF2-HMAC-SHA256 of password with salt: HUB_OK, HUB_REFUSED (no
 * password, iter < 1) or HUB_ECRYPTO. */
hub_result hub_password_hash(const char *password, const uint8_t *salt, size_t saltlen, int iter,
			     uint8_t out[32]);
/* Add an operator or set a new password for one, ending all its sessions
 * (one transaction). HUB_REFUSED for a name or password that cannot be one
 * (err says which rule), else as the store (err). */
hub_result hub_operator_set(sqlite3 *db, const char *name, const char *password, char *err, size_t errlen);
/* *match: name and password match (false gives no hint which did not). */
hub_result hub_operator_check(sqlite3 *db, const char *name, const char *password, bool *match);

/* dash: does the operator exist? */
hub_result hub_operator_exists(sqlite3 *db, const char *name, bool *exists);
/* dash: check name and password and open a session (token: 64 hex, only its
 * SHA-256 stored) tied to the password just checked. *signed_in false for a
 * wrong name or password (or one changed meanwhile). hub_operator_set ends
 * every session of the operator whose password it sets. */
hub_result hub_operator_login(sqlite3 *db, const char *name, const char *password, int64_t now, int ttl,
			      char token[65], bool *signed_in);

/* ---- the dashboard (dashboard.c) ----------------------------------------- */

struct evhttp;
struct evhttp_request;
typedef struct hub_dashboard hub_dashboard;

#define HUB_SESSION_TTL_S (8 * 3600)

/*
 * Open the hub directory's database twice: read-only for the pages, and a
 * small read-write connection for sign-in and sessions (busy timeout), so the
 * dashboard never goes through the hub's writer thread. NULL on error (err).
 * The campaign is loaded from the hub directory.
 */
hub_dashboard *hub_dashboard_new(const char *dir, char *err, size_t errlen);
void hub_dashboard_free(hub_dashboard *d);
/* Session lifetime in seconds (tests shorten it). */
void hub_dashboard_set_ttl(hub_dashboard *d, int seconds);

/* ---- dash: the dashboard's limits (docs/REPORTS.md, "Dashboard security") */

/* Sign-in throttle: a client address and an operator name each have a free
 * allowance of failed sign-ins; past it, each further failure doubles the
 * wait before the next try (429 + Retry-After), up to a cap. Failures are
 * forgotten after a quiet period. The table is fixed-size: when it is full a
 * slot no longer waiting is reused first, else the one whose wait ends first. */
#define HUB_LOGIN_FREE_ADDR 5    /* failures from one address before waiting */
#define HUB_LOGIN_FREE_NAME 5    /* failures for one operator name before waiting */
#define HUB_LOGIN_BACKOFF_S 2    /* the first wait, doubled at each further failure */
#define HUB_LOGIN_MAX_ADDR_S 900 /* an address waits at most 15 minutes */
#define HUB_LOGIN_MAX_NAME_S \
	60                      /* a name at most a minute: a stranger cannot lock
				   * an operator out for longer than that per guess */
#define HUB_LOGIN_FORGET_S 3600 /* failures older than an hour are forgotten */
#define HUB_LOGIN_SLOTS 1024    /* throttle table entries (addresses + names) */
/* Work queued for the dashboard's two worker threads: past these, 503. */
#define HUB_DASH_LOGIN_QUEUE 16     /* sign-ins waiting for their PBKDF2 */
#define HUB_DASH_PAGE_QUEUE 64      /* pages and reports waiting to be built */
#define HUB_DASH_QUEUE_ITEMS 20     /* reconcile items listed on the page (newest) */
#define HUB_HSTS "max-age=31536000" /* Strict-Transport-Security on every answer */

typedef struct hub_dashboard_limits {
	int free_addr, free_name, backoff_s, max_addr_s, max_name_s, forget_s, slots;
	int login_queue, page_queue, queue_items;
} hub_dashboard_limits;

/* The defaults above. */
void hub_dashboard_limits_default(hub_dashboard_limits *lim);
/* Change the limits (tests make them small); call before serving. HUB_OK,
 * HUB_REFUSED (a limit below its least: 2 slots, 1 s, a queue of 1) or
 * HUB_ENOMEM. */
hub_result hub_dashboard_set_limits(hub_dashboard *d, const hub_dashboard_limits *lim);
/* Serve "/", "/login", "/logout", "/report" and "/household" on http. HUB_REFUSED when
 * http already serves one of those paths. */
hub_result hub_dashboard_register(struct evhttp *http, hub_dashboard *d);
/* Is path one of the dashboard's? (for a server that routes by itself, as
 * hub/server.c does: evhttp_set_cb callbacks changed how it drops slow
 * clients, see docs/REPORTS.md) */
int hub_dashboard_path(const char *path);
/* The handler itself; arg is the hub_dashboard. */
void hub_dashboard_handle(struct evhttp_request *req, void *arg);

/* ---- command entry points, as in hub/main.c's table: argv[0] is the group
 * name ("report"...), the rest its arguments; they return DESIGN exit codes */

int hub_report_cmd(int argc, char **argv);
int hub_reconcile_cmd(int argc, char **argv);
int hub_operator_cmd(int argc, char **argv);

/* ---- the reconcile queue by pages (report_reconcile_page.c) ------------- */

/* Items a reconcile page lists unless told otherwise (--limit). */
#define HUB_RECONCILE_PAGE 1000
/* conflict, duplicate, out of order, late, stage twice, same photo, near
 * photo, missing evidence, photo time, photo distance, photo outside,
 * rejected (always last) */
#define HUB_RECONCILE_NKINDS 12

/*
 * Open items per kind (in the order above) and resolved items, without
 * reading the queue: rejected change-sets are counted by SQL, so a flood of
 * them costs an index count, not a walk.
 */
hub_result hub_reconcile_counts(sqlite3 *db, const proto_campaign *c, const char *as_of,
				int64_t counts[HUB_RECONCILE_NKINDS], int64_t *resolved, char *err,
				size_t errlen);
/*
 * One page of the reconcile report in o->format: o->limit items (0: the
 * default) of page o->page (1-based), conflicts, duplicates, disorder and
 * late items first, then rejected change-sets most recent first; only that
 * page's rows are read. *more (may be NULL) gets how many matching items
 * follow the page. Counts cover the whole queue.
 */
hub_result hub_reconcile_page(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
			      proto_buf *out, int64_t *more, char *err, size_t errlen);
/*
 * The n newest open rejected change-sets, newest first, by the primary key's
 * index (the dashboard's short list). Strings are borrowed for the call; cb
 * returning anything but HUB_OK stops the walk, which returns that. HUB_OK
 * (a hub without the table has none), HUB_EDB on a database error.
 */
typedef hub_result (*hub_rejection_row_cb)(void *arg, int64_t id, int64_t received, const char *source,
					   const char *code, const char *message);
hub_result hub_reconcile_recent(sqlite3 *db, int n, hub_rejection_row_cb cb, void *arg);

#endif
