/*
 * ui.h - "maiam-agent ui": the field worker's pages, served by the agent
 * itself on 127.0.0.1 (docs/AGENT.md, "The app"). serve.c runs the server
 * (the listener, the one-time secret, the browser, the signals); door.c
 * is every request's way in (Host, session, CSRF, security headers);
 * page_*.c build the pages from the store through the same functions as
 * the CLI's commands. One thread: evhttp's loop; the store is ctx's.
 *
 * Ownership: agent_ui lives on serve.c's stack for the life of the
 * command; ctx is borrowed from the command.
 */
#ifndef MAIAM_AGENT_UI_H
#define MAIAM_AGENT_UI_H
#include <stdint.h>
#include <sys/types.h>
#include "agent.h"
#include "maiam/web.h"

#define AGENT_UI_COOKIE "maiam_ui"
#define AGENT_UI_BODY_MAX (64 * 1024) /* no form without a file comes near */
/* A form with files (photos, a spreadsheet): multipart/form-data, at most
 * this much in all; evhttp refuses more before we see it (413). */
#define AGENT_UI_UPLOAD_MAX (48 << 20)
#define AGENT_UI_PAGE_MAX (4 << 20)

struct evhttp_request;
struct event;
struct event_base;

/*
 * job.c: a command of this binary run as a child process
 * ("/proc/self/exe --home HOME ARGS..."), its output and messages in files
 * of home/ui-tmp/, its end seen by a timer of the event loop: for what
 * takes too long to run inside the loop (a sync). One at a time per job.
 * Owns out, err and the timer (agent_ui_job_release).
 */
typedef struct agent_ui_job {
	char home[AGENT_PATH_MAX];
	char name[32];                 /* "sync": names its files */
	char progress[AGENT_PATH_MAX]; /* the --progress-file it was given */
	pid_t pid;
	int running; /* started and not yet seen to end */
	int done;    /* ended in this process: rc, out and err are its */
	int rc;      /* its exit code (AGENT_OK...), -1 killed by a signal */
	uint64_t started_ms;
	char *out, *err; /* once done: what it printed, its messages ("maiam-agent: " off) */
	struct event *timer;
} agent_ui_job;
/* Start args (NULL-terminated, the command first) unless the job runs
 * already (then 0 and nothing is done); with_progress adds
 * "--progress-file=FILE". 0, or -1 (said with agent_err). */
int agent_ui_job_start(agent_ui_job *job, struct event_base *base, const char *home, const char *name,
		       char *const args[], int with_progress);
/* Forget a finished job's result (not a running one). */
void agent_ui_job_reset(agent_ui_job *job);
/* At the app's end: a running child is stopped (SIGTERM) and reaped. */
void agent_ui_job_release(agent_ui_job *job);

typedef struct agent_ui {
	agent_ctx *ctx;
	int port;
	/* the URL's secret until its first use, then "" (it opens one session) */
	char secret[WEB_TOKEN_HEX + 1];
	int have_session;
	uint8_t session_hash[32]; /* web_token_hash of the session's cookie */
	uint8_t csrf_key[32];     /* random per process: web_csrf_token's key */
	agent_ui_job sync;        /* page_sync.c's "Sync now" */
} agent_ui;

/* door.c: evhttp's callback for every request; arg is the agent_ui. */
void agent_ui_door(struct evhttp_request *req, void *arg);

/*
 * One request that passed the door (Host, session and, for a POST, the
 * CSRF token and Origin). Borrowed for the handler's call only.
 */
typedef struct agent_ui_req {
	agent_ui *ui;
	struct evhttp_request *req;
	const char *path;  /* "/households", not decoded */
	const char *query; /* after '?', not decoded; NULL if none */
	int post;          /* a POST (else GET or HEAD) */
	/* a POST's body: x-www-form-urlencoded, or multipart/form-data with
	 * boundary (web_multipart_* in maiam/web.h); else NULL, 0, "" */
	const char *body;
	size_t body_len;
	int multipart;
	char boundary[72];
	char csrf[WEB_TOKEN_HEX + 1]; /* the token each form of the page carries */
} agent_ui_req;

/* A page: answers r itself (agent_ui_reply, agent_ui_redirect, agent_ui_said). */
typedef void (*agent_ui_handler)(agent_ui_req *r);

/* routes.c: path -> handler. A path ending in '/' takes every path it
 * begins ("/household/" answers "/household/7KQ2-15"). */
typedef struct agent_ui_route {
	const char *path;
	agent_ui_handler get;  /* GET and HEAD; NULL: 405 */
	agent_ui_handler post; /* POST; NULL: 405 */
} agent_ui_route;
extern const agent_ui_route agent_ui_routes[];
extern const size_t agent_ui_nroutes;

/* door.c: the answers a handler gives, with the security headers. */
void agent_ui_reply(agent_ui_req *r, int status, const proto_buf *page);
void agent_ui_reply_type(agent_ui_req *r, int status, const char *ctype, const void *data, size_t len);
/* 303 to location (a path of ours, "/household/7KQ2-15"): after a POST. */
void agent_ui_redirect(agent_ui_req *r, const char *location);
/* A short page: title and what to do. */
void agent_ui_said(agent_ui_req *r, int status, const char *title, const char *text);
/* 500 "the store cannot be read", for a handler whose query failed. */
void agent_ui_store_failed(agent_ui_req *r);
/* The value of a form field of r's POST body (either encoding) or, for
 * a GET, of its query string; web_form_value's results. A file part is
 * WEB_ABSENT here (see web_multipart_find). */
web_result agent_ui_field(const agent_ui_req *r, const char *key, char *out, size_t n);
/* <input type=hidden name=csrf ...> for a form of r's page. */
void agent_ui_csrf_input(proto_buf *b, const agent_ui_req *r);

/*
 * run.c: run a maiam-agent command as the CLI does (argv[0] its name,
 * argv NULL-terminated; options as "--name=VALUE", so no value is read as
 * an option), its output and its messages kept. The app writes only this
 * way: the same transactions, rulebook and messages as the CLI.
 */
typedef struct agent_ui_ran {
	int rc;    /* the command's exit code (AGENT_OK...) */
	char *out; /* what it printed ("" if nothing); owned */
	char *err; /* its messages, each line without "maiam-agent: "; owned */
} agent_ui_ran;
int agent_ui_run(agent_ui *ui, agent_ui_ran *ran, int json, char *const argv[]);
void agent_ui_ran_release(agent_ui_ran *ran);
/* err without the "maiam-agent: " that starts each line of a terminal's. */
void agent_ui_strip_prefixes(char *err);
/* The message of ran->err about option "--NAME" (its text after "--NAME: ")
 * into out; 1 found, 0 none (out ""). For showing it beside its field. */
int agent_ui_ran_field_error(const agent_ui_ran *ran, const char *option, char *out, size_t n);

/* page_home.c: GET "/". */
void agent_ui_home_page(agent_ui_req *r);
/* page_home.c: attention.c's text as `status` prints it, as a section of
 * b: its first line (the review's counts) and its items, each item a list
 * entry with its lines kept. 0, or -1 when the store cannot be read. */
int agent_ui_attention(agent_ui *ui, proto_buf *b);

/* page_sync.c: each non-empty line of text (NULL: none) escaped in its
 * own element <tag>...</tag> (a command's messages as list items...). */
void agent_ui_text_lines(proto_buf *b, const char *text, const char *tag);

/* page_sync.c: GET and POST "/sync"; page_export.c: GET and POST "/export". */
void agent_ui_sync_page(agent_ui_req *r);
void agent_ui_sync_start(agent_ui_req *r);
void agent_ui_export_page(agent_ui_req *r);
void agent_ui_export_post(agent_ui_req *r);

/* page_import.c: GET and POST "/import" (upload, preview, import), GET
 * "/import/bad?f=TOKEN" (the bad rows) and "/import/template.csv". */
void agent_ui_import_page(agent_ui_req *r);
void agent_ui_import_post(agent_ui_req *r);
void agent_ui_import_bad(agent_ui_req *r);
void agent_ui_import_template(agent_ui_req *r);

/*
 * The household's page (page_household.c): GET "/household/REF". Its
 * corrections (page_household_fix.c): POST "/household/REF/void" (form
 * fields kind, record, reason) and "/household/REF/withdraw" (reason),
 * written by "milestone|contribution|photo void" and "household withdraw".
 */
void agent_ui_household_page(agent_ui_req *r);
void agent_ui_household_post(agent_ui_req *r);

#define AGENT_UI_REASON_MAX 2048
/* A correction the CLI refused, shown again at its form on the page with
 * what was typed and the command's own words. Borrowed for one call. */
typedef struct agent_ui_refused {
	const char *kind;   /* "milestone", "contribution", "photo" or "withdraw" */
	const char *record; /* the record's short reference ("" for withdraw) */
	const char *reason; /* as typed */
	const char *error;  /* the CLI's message lines */
} agent_ui_refused;
/* page_household.c: the page of household text (a short reference or full
 * id, as the CLI takes it) with status, refused's form open when not NULL. */
void agent_ui_household_answer(agent_ui_req *r, const char *text, int status,
			       const agent_ui_refused *refused);
/* page_household_fix.c: the forms of the page. The void of record (of
 * kind) and the withdrawal of household hh_ref; refused: what to show again
 * (its kind and record say whether it is this form's). 1 when the form
 * showed refused, else 0. */
int agent_ui_void_form(proto_buf *b, const agent_ui_req *r, const char *hh_ref, const char *kind,
		       proto_id record, const agent_ui_refused *refused);
int agent_ui_withdraw_form(proto_buf *b, const agent_ui_req *r, const char *hh_ref,
			   const agent_ui_refused *refused);
/* The lines of a command's message as HTML text, a <br> between them. */
void agent_ui_lines(proto_buf *b, const char *text);

/* page_household_feedback.c: what the hub's feedback says of household hh
 * (edits not kept, its national id found elsewhere) as a warning box into
 * b; nothing when it says nothing. PROTO_EDB when the store cannot be read. */
proto_result agent_ui_hh_feedback(proto_buf *b, agent_ctx *ctx, proto_id hh);

/* page_photo.c: GET "/photo/SHA256HEX", a photo the store records. */
void agent_ui_photo(agent_ui_req *r);

/* page_households.c: GET "/households" (the query's values: docs/AGENT.md,
 * "Households") and GET "/js/households.js" (search as you type). The
 * render is the page without the request, for bench_agent: the page into
 * b, and the status it answers with (200, or 400 when a value of query
 * was refused and left out: the page says which); -1 when the store
 * cannot be read (said on stderr). query: after '?', not decoded; NULL if
 * none. */
int agent_ui_households_render(agent_ui *ui, const char *query, proto_buf *b);
void agent_ui_households_page(agent_ui_req *r);
void agent_ui_households_js(agent_ui_req *r);

/* page_home.c: the top and bottom every page shares (the inline style
 * sheet, the title escaped; css: the page's own rules or NULL), and the
 * header with the commune and the menu (here: the menu entry's path, "/",
 * "/households"...; it is marked as the current page). */
void agent_ui_page_open(proto_buf *b, const char *title, const char *css);
void agent_ui_header(proto_buf *b, const agent_ui *ui, const char *here);
void agent_ui_page_close(proto_buf *b);
/* Append s escaped for HTML text and attributes. */
void agent_ui_text(proto_buf *b, const char *s);
/* One <option> of a <select>, value and label escaped. */
void agent_ui_option(proto_buf *b, const char *value, const char *label, int selected);

#endif
