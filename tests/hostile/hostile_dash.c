/*
 * hostile_dash.c - the operators' dashboard on the same port: reports
 * without a session, POSTs from another site's page (Origin), HSTS on every
 * HTTPS answer, and sign-in floods, which must lock out the flooding address
 * and not every operator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hostile.h"

#define OPERATOR "tinh"
#define PASSWORD "mat-khau-dai-du-42"

/* A form posted from the hub's own page: Origin is the hub's (scheme and Host). */
static const char *const *own_form(const hs_env *e)
{
	static char origin[64];
	static const char *h[] = { "Content-Type: application/x-www-form-urlencoded", origin, NULL };

	snprintf(origin, sizeof(origin), "Origin: https://localhost:%d", e->hub.port);
	return h;
}
static const char *const evil_origin[] = { "Content-Type: application/x-www-form-urlencoded",
					   "Origin: https://evil.example", NULL };

/* The operator, created once per hub. */
static int operator_ready(hs_env *e)
{
	char cmd[800];

	if (strcmp(e->tmp, "operator") == 0)
		return 0;
	snprintf(cmd, sizeof(cmd),
		 "printf '%%s\\n' '" PASSWORD "' | %s operator add --role admin --dir %s/hub " OPERATOR
		 " >/dev/null 2>&1",
		 MAIAM_HUB_BIN, e->hub.dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(e->tmp, sizeof(e->tmp), "operator");
	return 0;
}

static int login(hs_env *e, hs_answer *a, const char *name, const char *pw, const char *from,
		 const char *const *headers)
{
	char form[200];

	snprintf(form, sizeof(form), "name=%s&password=%s", name, pw);
	return hs_http(e, NULL, "POST", "/login", form, strlen(form), headers, from, a);
}

static int report_no_session(hs_env *e, hs_answer *a)
{
	return hs_http(e, NULL, "GET", "/report?kind=funds&format=csv", NULL, 0, NULL, NULL, a);
}

static int report_forged_cookie(hs_env *e, hs_answer *a)
{
	static const char *const h[] = { "Cookie: maiam_session=0000000000000000000000000000000000000000"
					 "000000000000000000000000",
					 NULL };
	return hs_http(e, NULL, "GET", "/report?kind=funds&format=csv", NULL, 0, h, NULL, a);
}

/* The right password, from another site's page: refused before it is checked. */
static int login_foreign_origin(hs_env *e, hs_answer *a)
{
	return operator_ready(e) ? -1 : login(e, a, OPERATOR, PASSWORD, NULL, evil_origin);
}

static int logout_foreign_origin(hs_env *e, hs_answer *a)
{
	return hs_http(e, NULL, "POST", "/logout", "", 0, evil_origin, NULL, a);
}

/* Every HTTPS answer carries Strict-Transport-Security: an answer without
 * it is reported as status 0 (so the row fails, saying so). */
static int hsts(hs_env *e, hs_answer *a, const char *path)
{
	if (hs_http(e, NULL, "GET", path, NULL, 0, NULL, NULL, a))
		return -1;
	if (!a->hsts) {
		a->status = 0;
		snprintf(a->body, sizeof(a->body), "no Strict-Transport-Security header on %s", path);
	}
	return 0;
}
static int hsts_health(hs_env *e, hs_answer *a)
{
	return hsts(e, a, "/v1/health");
}
static int hsts_login_page(hs_env *e, hs_answer *a)
{
	return hsts(e, a, "/");
}

static int login_form_too_big(hs_env *e, hs_answer *a)
{
	char form[9000];

	memset(form, 'a', sizeof(form) - 1);
	form[sizeof(form) - 1] = '\0';
	memcpy(form, "name=", 5);
	return hs_http(e, NULL, "POST", "/login", form, strlen(form), own_form(e), NULL, a);
}

/* Twelve wrong passwords from one address, then the operator signs in from
 * another: the flood must not lock the operator out. */
static int flood_locks_one_address(hs_env *e, hs_answer *a)
{
	if (operator_ready(e))
		return -1;
	for (int i = 0; i < 12; i++)
		if (login(e, a, "ke-gian", "sai", "127.0.0.240", own_form(e)))
			return -1;
	return login(e, a, OPERATOR, PASSWORD, "127.0.0.241", own_form(e));
}

/* Twelve wrong passwords from one address: it is told to slow down. */
static int flood_throttled(hs_env *e, hs_answer *a)
{
	for (int i = 0; i < 12; i++)
		if (login(e, a, "ke-gian-2", "sai", "127.0.0.242", own_form(e)))
			return -1;
	return 0;
}

#define D(name, needs, fn, st) \
	{ \
		name, needs, fn, st, NULL, 0, 0, NULL, NULL \
	}
static const hs_row rows[] = {
	D("report without a session", "", report_no_session, 401),
	D("report with a forged session cookie", "", report_forged_cookie, 401),
	D("sign-in form over its limit", "", login_form_too_big, 413),
	D("sign-in from another site's page", "dash", login_foreign_origin, 403),
	D("sign-out from another site's page", "dash", logout_foreign_origin, 403),
	D("HSTS on /v1/health", "dash", hsts_health, 200),
	D("HSTS on the sign-in page", "dash", hsts_login_page, 200),
	D("sign-in flood does not lock the operator out", "dash", flood_locks_one_address, 303),
	D("sign-in flood throttled", "", flood_throttled, 429),
};

const hs_family hs_family_dash = { "dash", NULL, rows, sizeof(rows) / sizeof(rows[0]) };
