/*
 * dashtest.h - what the dashboard tests share: the dashboard's handlers on an
 * evhttp listener of the test's own (127.0.0.1, port 0, a loop thread),
 * requests from a chosen local address with a chosen Origin (webtest.h), and a
 * hub database with 37 houses handed over and the operator "lan".
 */
#ifndef DASHTEST_H
#define DASHTEST_H

#include <stdatomic.h>
#include <pthread.h>
#include <event2/event.h>
#include <event2/http.h>
#include "hub.h"
#include "report.h"
#include "reptest.h"
#include "webtest.h"

typedef struct server {
	struct event_base *base;
	struct evhttp *http;
	hub_dashboard *dash;
	int port;
	pthread_t thread;
	atomic_int taken; /* requests the loop has handed to the dashboard */
} server;

/* The answer: status, body, Set-Cookie, Location, Retry-After, HSTS... */
typedef wt_resp resp;

/* How a request is sent: from which local address, with which Origin or
 * Referer ("" sends none; NULL sends our own origin on a POST). */
typedef struct how {
	const char *from;
	const char *origin;
	const char *referer;
} how;

#define GOOD_PW "m%E1%BA%ADt+kh%E1%BA%A9u+d%C3%A0i" /* "mật khẩu dài", lan's password, urlencoded */

/* Start the dashboard on t's hub directory (campaign set), with /ping on the
 * same loop; stop frees it all. */
void dt_start(server *s, rt_db *t);
void dt_stop(server *s);
/* A fresh seeded hub database (dt_seed) with the dashboard started on it;
 * dt_close stops the dashboard and closes the database. */
void dt_open(rt_db *t, server *s);
void dt_close(rt_db *t, server *s);
/* One request as h says (NULL: from 127.0.0.1, our own Origin on a POST);
 * cookie is "name=value" or NULL; post is the form or NULL. */
void dt_req_how(server *s, const how *h, const char *path, const char *cookie, const char *post, resp *r);
void dt_req(server *s, const char *path, const char *cookie, const char *post, resp *r);
/* "maiam_session=<64 hex>" from a Set-Cookie value. */
void dt_session_of(const resp *r, char *out, size_t outlen);
/* "csrf=<token>": the form field of session's forms, read from its main page. */
void dt_csrf(server *s, const char *session, char *out, size_t outlen);
/* 37 houses handed over in Vĩnh Châu and the operator lan. */
void dt_seed(rt_db *t);
/* POST /login from a local address. */
void dt_login_from(server *s, const char *from, const char *name, const char *pw, resp *r);

#endif
