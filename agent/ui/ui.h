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
#include "agent.h"
#include "maiam/web.h"

#define AGENT_UI_COOKIE "maiam_ui"
#define AGENT_UI_BODY_MAX (64 * 1024) /* no form without a file comes near */
/* A form with files (photos, a spreadsheet): multipart/form-data, at most
 * this much in all; evhttp refuses more before we see it (413). */
#define AGENT_UI_UPLOAD_MAX (48 << 20)
#define AGENT_UI_PAGE_MAX (4 << 20)

struct evhttp_request;

typedef struct agent_ui {
	agent_ctx *ctx;
	int port;
	/* the URL's secret until its first use, then "" (it opens one session) */
	char secret[WEB_TOKEN_HEX + 1];
	int have_session;
	uint8_t session_hash[32]; /* web_token_hash of the session's cookie */
	uint8_t csrf_key[32];     /* random per process: web_csrf_token's key */
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
/* The message of ran->err about option "--NAME" (its text after "--NAME: ")
 * into out; 1 found, 0 none (out ""). For showing it beside its field. */
int agent_ui_ran_field_error(const agent_ui_ran *ran, const char *option, char *out, size_t n);

/* page_home.c: GET "/". */
void agent_ui_home_page(agent_ui_req *r);

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

#endif
