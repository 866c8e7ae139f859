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
#define AGENT_UI_BODY_MAX (64 * 1024) /* no form of ours comes near */
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

/* page_home.c: the home page into b; csrf is the session's token for
 * the page's forms. 0, or -1 when the store cannot be read or b is full
 * (said on stderr). */
int agent_ui_home(agent_ui *ui, proto_buf *b, const char *csrf);

/* page_home.c: the top and bottom every page shares (the inline style
 * sheet, the title escaped). */
void agent_ui_page_open(proto_buf *b, const char *title);
void agent_ui_page_close(proto_buf *b);
/* Append s escaped for HTML text and attributes. */
void agent_ui_text(proto_buf *b, const char *s);

#endif
