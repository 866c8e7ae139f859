/*
 * hostile_door.c - strangers who hold a connection (slow uploads): an
 * anonymous enrolment whose body never comes, and headers that stop half
 * way, must be cut by the whole-request deadline of
 * connections without a client certificate (`serve --anon-deadline`), here
 * 2 s; the row waits at most 6 s for the hub to close.
 */
#include <string.h>
#include "hostile.h"

static int stalled_body(hs_env *e, hs_answer *a)
{
	static const char req[] = "POST /v1/enroll HTTP/1.1\r\nHost: localhost\r\n"
				  "Content-Type: application/json\r\nContent-Length: 60000\r\n\r\n{\"tok";
	return hs_raw_stall(e, req, sizeof(req) - 1, 6, a);
}

static int stalled_headers(hs_env *e, hs_answer *a)
{
	static const char req[] = "POST /v1/enroll HTTP/1.1\r\nHost: loc";
	return hs_raw_stall(e, req, sizeof(req) - 1, 6, a);
}

static const hs_row rows[] = {
	{ "anonymous body that never comes", "server", stalled_body, HS_CLOSED, NULL, HS_SLOW, 0, NULL,
	  NULL },
	{ "anonymous headers stop half way", "server", stalled_headers, HS_CLOSED, NULL, HS_SLOW, 0,
	  NULL, NULL },
};

const hs_family hs_family_door = { "door", "--anon-deadline 2 --anon-grace 1 --header-timeout 10", rows,
				   sizeof(rows) / sizeof(rows[0]) };
