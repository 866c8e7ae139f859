/*
 * dashboard_int.h - what the dashboard's files share: the hub_dashboard
 * itself, a request handed from the event loop to a worker (dash_job), the
 * sign-in throttle (dashboard_throttle.c), the page builders
 * (dashboard_pages.c), a household's page (dashboard_household.c) and its
 * photos (dashboard_photo.c), what the signed-in operator may see and do
 * (operator_scope.c) and the admins' /operators (operator_page.c). Only
 * dashboard.c touches evhttp, on the loop thread.
 */
#ifndef HUB_DASHBOARD_INT_H
#define HUB_DASHBOARD_INT_H

#include <limits.h>
#include <pthread.h>
#include "maiam/web.h"
#include "maiam/web_throttle.h"
#include "report.h"
#include "report_int.h"
#include "operator.h"

/* The session cookie: HttpOnly, Secure, SameSite=Strict, Path=/ */
#define HUB_SESSION_COOKIE "maiam_session"

/* DJ_HOUSEHOLD: /household?id=REF; DJ_PHOTO: /photo/<64 hex>[/thumb];
 * DJ_OPERATORS: /operators, the admins' page (GET) and its forms (POST);
 * DJ_DECIDE, DJ_RESOLVE: POST /household/decide, /household/resolve (the
 * read-write worker's); DJ_HOUSEHOLDS: /households?... (the browser) */
typedef enum dash_kind {
	DJ_PAGE,
	DJ_REPORT,
	DJ_LOGIN,
	DJ_LOGOUT,
	DJ_HOUSEHOLD,
	DJ_PHOTO,
	DJ_OPERATORS,
	DJ_DECIDE,
	DJ_RESOLVE,
	DJ_HOUSEHOLDS,
	DJ_BATCH,     /* POST /households/decide (dashboard_batch.h; read-write worker) */
	DJ_REJECTION, /* POST /reconcile/resolve (dashboard_reconcile.h; read-write worker) */
	DJ_AWARDS,    /* /awards: the nominations (GET) and their steps (POST), award_page.c */
	DJ_TARGETS,   /* /targets (read-write worker: its POST signs) */
	DJ_SCORECARD, /* /scorecard?as-of=&district= (job->view) */
	DJ_READS,     /* /operators/reads: the read audit (dashboard_read_audit.h) */
	DJ_METRICS    /* /metrics for an admin (made on the loop: hub_metrics_render) */
} dash_kind;

/* The most a POSTed form may send: a household page's (a reason or note
 * of PROTO_MAX_TEXT bytes, percent-encoded, and the other fields), or a
 * batch's (the same reason, a page's ticked ids and its filters). */
#define DASH_POST_FORM_MAX (3 * 4096 + 8192)

/* The query string of /households (the browser's filters), NUL included. */
#define DASH_QUERY_MAX 2048

/* What /household?id= may be: a full id (16 hex, '-', a serial) or a short
 * ref, with room for spaces typed around it. */
#define DASH_TYPED_MAX 64

/* A photo's bytes never change under its name (its SHA-256): a browser may
 * keep it, but only for this operator (private), and the dashboard's pages
 * stay uncached (no-store). */
#define DASH_PHOTO_CACHE "private, max-age=31536000, immutable"

/* What "/" shows: the figures as of a date ("" today) of the province, or of
 * one district (0: the province) by commune. */
typedef struct dash_view {
	char as_of[11];
	int district;
} dash_view;

/* One request: filled on the loop, worked on by a worker, answered on the
 * loop. The worker never sees req; the loop never sees the connections. */
typedef struct dash_job {
	struct dash_job *next;
	struct evhttp_request *req; /* loop only */
	dash_kind kind;
	char tok[WEB_TOKEN_HEX + 1];          /* session cookie, "" if none */
	char name[HUB_OPERATOR_NAME_MAX + 1]; /* DJ_LOGIN */
	char pw[HUB_PASSWORD_MAX + 1];        /* DJ_LOGIN, wiped when done */
	int form_ok;                          /* DJ_LOGIN: both fields parsed */
	hub_report_opts opts;                 /* DJ_REPORT */
	dash_view view;                       /* DJ_PAGE at "/" */
	char typed[DASH_TYPED_MAX];           /* DJ_HOUSEHOLD: the id as typed, "" none */
	char photo[65];                       /* DJ_PHOTO: 64 lowercase hex */
	int thumb;                            /* DJ_PHOTO: the thumbnail, not the photo */
	char query[DASH_QUERY_MAX];           /* DJ_HOUSEHOLDS: the query string, "" none */
	char addr[64];                        /* client address (throttle) */
	proto_buf form;                       /* DJ_OPERATORS' POST: the form, wiped when done */
	hub_operator who;                     /* the signed-in operator (worker, dash_work) */
	/* the answer */
	int status;
	const char *ctype;
	proto_buf body;
	char cookie[256];
	const char *location;
	char where[160];           /* a Location built for this answer (location points here) */
	const char *cache_control; /* NULL: no-store */
	char disposition[96];      /* Content-Disposition of a download, "" none */
	int login_ok;
} dash_job;

/* A worker thread with its own queue and its own SQLite connection. */
typedef struct dash_worker {
	pthread_t thread;
	int started;
	sqlite3 *db;
	dash_job *head, *tail;
	int pending; /* queued or being worked on; loop-side count */
	struct hub_dashboard *d;
} dash_worker;

struct hub_dashboard {
	char dir[PATH_MAX];
	proto_campaign campaign;
	int have_campaign;
	int ttl;
	hub_dashboard_limits lim;
	/* loop only: the throttle, and the event the workers wake the loop with */
	web_throttle *throttle;
	struct event *done_ev;
	/* shared: queues and the answered list, under mu */
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int stopping;
	dash_job *done;
	dash_worker login, page; /* login: sign-in/out (read-write); page: pages (read-only) */
	/* keys the forms' CSRF tokens to the session (web_csrf_token): random
	 * for each hub process, so a restart only asks for a page reload */
	uint8_t csrf_key[32];
};

/* ---- operator_scope.c (worker threads): what the operator may see ------- */

/* 0: every district; else the only district job's operator sees. */
int dash_scope_district(const dash_job *job);
/* May job's operator decide (approve, reject, resolve)? admin and district
 * operators yes, viewers no. */
int dash_may_decide(const dash_job *job);
/* May job's operator see household id? A household of another district is
 * answered as one the hub does not hold (404): no leak of what exists. */
hub_result dash_may_see_household(hub_dashboard *d, sqlite3 *ro, const dash_job *job, proto_id id,
				  bool *may);
/* May it see the photo of SHA-256 hex (64 lowercase hex)? Yes when one of the
 * households the photo is evidence for is in its district. */
hub_result dash_may_see_photo(hub_dashboard *d, sqlite3 *ro, const dash_job *job, const char *hex,
			      bool *may);
/* The hidden field carrying job's session's CSRF token, for every form
 * posted to the dashboard but /login: 0, or -1 when b is full. */
int dash_csrf_field(const hub_dashboard *d, const dash_job *job, proto_buf *b);
/* "<form ATTRS method=post action=PATH>" with that field and a hidden
 * "action" of value action (/operators, /awards): 0, or -1 when b is full. */
int dash_form_start(const hub_dashboard *d, const dash_job *job, proto_buf *b, const char *attrs,
		    const char *path, const char *action);

/* ---- operator_page.c (login worker: it writes) --------------------------- */

/* /operators: the list and the add form (GET), or an add or a disable
 * (POST, the form in job->form, its CSRF token already checked): job's
 * answer. Only for admins (403 for others). */
void dash_operators_answer(hub_dashboard *d, sqlite3 *rw, dash_job *job);
/* /awards (award_page.c, login worker: its steps are signed): the page
 * (GET), or a nomination, accept or return (POST, CSRF checked). */
void dash_awards_answer(hub_dashboard *d, sqlite3 *rw, dash_job *job);

/* ---- dashboard_throttle.c (loop thread only) ---------------------------- */

/* The sign-in throttle keys a client address "a:ADDR" and an operator name
 * "n:NAME" in one web_throttle, each kind with its own rule. */
_Static_assert(HUB_OPERATOR_NAME_MAX + 2 <= WEB_THROTTLE_KEY_MAX, "a name key fits the throttle");

/* Seconds to wait before addr may try again or name may be tried again
 * (the longer of the two), 0 if it may try now. */
int64_t dash_throttle_wait(hub_dashboard *d, const char *addr, const char *name, int64_t now);
/* Count an attempt as failed before it is checked (so parallel guesses
 * count at once); dash_throttle_success undoes it for a right password. */
void dash_throttle_attempt(hub_dashboard *d, const char *addr, const char *name, int64_t now);
void dash_throttle_success(hub_dashboard *d, const char *addr, const char *name);

/* ---- dashboard_pages.c (worker threads) --------------------------------- */

int dash_login_page(hub_dashboard *d, proto_buf *b, const char *error);
/* The page for a throttled sign-in: wait 'wait' seconds. */
int dash_throttled_page(hub_dashboard *d, proto_buf *b, int64_t wait);
/* The page for a path the dashboard does not have (404): 0, or -1 when b is full. */
int dash_not_found_page(hub_dashboard *d, proto_buf *b);
/* "/?as-of=YYYY-MM-DD&district=CODE" (both optional) into v: 0, or -1 for
 * a query that is neither (answered 400 with DASH_VIEW_USAGE). (loop) */
int dash_view_parse(const char *query, dash_view *v);
#define DASH_VIEW_USAGE "use /?as-of=YYYY-MM-DD&district=CODE (both optional; CODE a district's code)"
/* The province's page, or the district's of job->view (a district
 * operator's own, always): 0, or -1 when b is full or the database failed. */
int dash_main_page(hub_dashboard *d, sqlite3 *ro, const dash_job *job, proto_buf *b);
/* The "Tìm hộ" form (GET /household), the text typed shown in it. */
int dash_household_form(proto_buf *b, const char *typed);

/* Fill job's answer. */
void dash_work(hub_dashboard *d, sqlite3 *db, dash_job *job);
void dash_answer_text(dash_job *job, int status, const char *msg);
/* job's answer an HTML page of status, or a 500 when it was not built
 * (built != 0: the buffer was full or the database failed). */
void dash_answer_html(dash_job *job, int status, int built);

/* ---- dashboard_household.c (page worker) -------------------------------- */

/* The page of the household job->typed names (its data, its photos by
 * milestone), or the page saying why there is none: job's status and body. */
void dash_household_answer(hub_dashboard *d, sqlite3 *ro, dash_job *job);

/* POST /household/decide (id, decision approve|reject, reason) and
 * /household/resolve (id, item, keep winner|loser|"", note) by the
 * signed-in operator 'who', on the read-write worker's connection rw: done
 * through the commands' own code, then 303 back to the household's page;
 * refused with the page and why (dashboard_household_post.c). */
void dash_household_post(hub_dashboard *d, sqlite3 *rw, dash_job *job);
/* ---- dashboard_households.c (page worker) ------------------------------- */

/* The household browser, /households?..., for job->query: job's status and
 * body (400 for a filter out of range). */
void dash_households_answer(hub_dashboard *d, sqlite3 *ro, dash_job *job);

/* ---- dashboard_photo.c -------------------------------------------------- */

/* Is path under /photo/? (loop) */
int dash_photo_path(const char *path);
/* /photo/<64 hex> or /photo/<64 hex>/thumb into hex and *thumb: 0, or -1
 * for any other path under /photo/ (400). (loop) */
int dash_photo_parse(const char *path, char hex[65], int *thumb);
/* The photo's bytes or its thumbnail as job's answer (page worker): 200
 * image/jpeg, or 404 when the hub holds none. The caller has checked the
 * session. */
void dash_photo_answer(hub_dashboard *d, sqlite3 *ro, dash_job *job);

#endif
