/*
 * dashtest.c - the dashboard tests' server and client (dashtest.h).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include "hub.h"
#include "report.h"
#include "reptest.h"
#include "dashtest.h"

/* What the loop does: count the request, then the dashboard's own handler. */
static void counted(struct evhttp_request *r, void *arg)
{
	server *s = arg;
	atomic_fetch_add(&s->taken, 1);
	hub_dashboard_handle(r, s->dash);
}

/* Any other path, routed as hub/server.c does: the dashboard's claims
 * (everything outside /v1/) to its handler, the rest the API's 404. */
static void other(struct evhttp_request *r, void *arg)
{
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(r));

	if (hub_dashboard_path(path))
		counted(r, arg);
	else
		evhttp_send_reply(r, 404, "Not Found", NULL);
}

/* Something else the same loop serves (as /v1/health is in the hub). */
static void ping(struct evhttp_request *r, void *arg)
{
	(void)arg;
	evhttp_send_reply(r, 200, "OK", NULL);
}

static void *loop(void *arg)
{
	server *s = arg;
	event_base_dispatch(s->base);
	return NULL;
}

void dt_start(server *s, rt_db *t)
{
	struct evhttp_bound_socket *bound;
	char err[512];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	assert_int_equal(hub_meta_set(t->db, "campaign_path",
				      MAIAM_SOURCE_DIR "/campaigns/soc-trang-2023.campaign"),
			 HUB_OK);
	s->dash = hub_dashboard_new(t->dir, err, sizeof(err));
	if (!s->dash)
		fail_msg("dashboard: %s", err);
	assert_int_equal(evthread_use_pthreads(), 0);
	s->base = event_base_new();
	s->http = evhttp_new(s->base);
	{
		static const char *const paths[] = { "/", "/login", "/logout", "/report" };
		size_t i;
		for (i = 0; i < 4; i++)
			assert_int_equal(evhttp_set_cb(s->http, paths[i], counted, s), 0);
		assert_int_equal(evhttp_set_cb(s->http, "/ping", ping, s), 0);
		evhttp_set_gencb(s->http, other, s);
		atomic_init(&s->taken, 0);
	}
	bound = evhttp_bind_socket_with_handle(s->http, "127.0.0.1", 0);
	assert_non_null(bound);
	assert_int_equal(getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&ss, &sl), 0);
	s->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	assert_int_equal(pthread_create(&s->thread, NULL, loop, s), 0);
}

void dt_stop(server *s)
{
	event_base_loopbreak(s->base);
	pthread_join(s->thread, NULL);
	evhttp_free(s->http);
	hub_dashboard_free(s->dash); /* before the base: it frees its event on it */
	event_base_free(s->base);
}

void dt_open(rt_db *t, server *s)
{
	rt_db_open(t);
	dt_seed(t);
	dt_start(s, t);
}

void dt_close(rt_db *t, server *s)
{
	dt_stop(s);
	rt_db_close(t);
}

/* One request as 'h' says; cookie is "name=value" or NULL; post is the form or NULL. */
void dt_req_how(server *s, const how *h, const char *path, const char *cookie, const char *post, resp *r)
{
	wt_req q = { .cookie = cookie, .post = post };
	char url[256], own[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", s->port, path);
	snprintf(own, sizeof(own), "http://127.0.0.1:%d", s->port);
	if (h)
		q.from = h->from;
	if (post) {
		/* a form of our own page carries our origin unless h says otherwise */
		q.origin = !h || !h->origin ? own : h->origin[0] ? h->origin : NULL;
		q.referer = h && h->referer && h->referer[0] ? h->referer : NULL;
	}
	assert_int_equal(wt_fetch(url, &q, r), 0);
}

void dt_req(server *s, const char *path, const char *cookie, const char *post, resp *r)
{
	dt_req_how(s, NULL, path, cookie, post, r);
}

/* "maiam_session=<64 hex>" from a Set-Cookie value. */
void dt_session_of(const resp *r, char *out, size_t outlen)
{
	snprintf(out, outlen, "%.*s", (int)strcspn(r->cookie, ";"), r->cookie);
}

void dt_csrf(server *s, const char *session, char *out, size_t outlen)
{
	static const char field[] = "name=\"csrf\" value=\"";
	const char *at;
	resp r;

	dt_req(s, "/", session, NULL, &r);
	at = strstr(r.body, field);
	assert_non_null(at);
	at += strlen(field);
	snprintf(out, outlen, "csrf=%.*s", (int)strcspn(at, "\""), at);
}

void dt_seed(rt_db *t)
{
	rt_batch b;
	proto_id h;
	char err[256];
	int commune = 0;
	size_t i;

	for (i = 0; i < t->campaign.units.n && !commune; i++)
		if (t->campaign.units.a[i].level == PROTO_UNIT_COMMUNE &&
		    proto_units_district_of(&t->campaign.units, t->campaign.units.a[i].code) == 950)
			commune = t->campaign.units.a[i].code;
	assert_int_equal(rt_report_migrate(t), 0);
	rt_batch_init(&b, 0x0c0c0c0c0c0c0c0cull);
	for (i = 0; i < 37; i++) {
		char sha[65];

		h = rt_household(&b, commune, "Thạch Sà Rên", NULL, "approved");
		/* each hand-over with its own photo: no evidence is missing */
		snprintf(sha, sizeof(sha), "%064zx", i + 1);
		rt_photo(&b, rt_milestone(&b, h, "handed_over", "2023-08-01", NULL),
			 PROTO_KIND_MILESTONE, sha);
	}
	rt_flush(&b, t->db);
	rt_batch_release(&b);
	assert_int_equal(hub_operator_set(t->db, "lan", "mật khẩu dài", err, sizeof(err)), HUB_OK);
}

void dt_login_from(server *s, const char *from, const char *name, const char *pw, resp *r)
{
	how h = { from, NULL, NULL };
	char form[256];

	snprintf(form, sizeof(form), "name=%s&password=%s", name, pw);
	dt_req_how(s, &h, "/login", NULL, form, r);
}
