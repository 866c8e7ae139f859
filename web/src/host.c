/*
 * host.c - is a Host header the loopback server's own name (web.h). A
 * server on 127.0.0.1 is reached by a browser as 127.0.0.1:PORT or
 * localhost:PORT; any other name means a page of another site made its own
 * name resolve here (DNS rebinding), and the request is not ours to answer.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "maiam/web.h"

int web_host_loopback(const char *host, int port)
{
	char want[32];
	size_t n;

	if (!host || port < 1 || port > 65535)
		return 0;
	n = (size_t)snprintf(want, sizeof(want), ":%d", port);
	if (strlen(host) < n || strcmp(host + strlen(host) - n, want) != 0)
		return 0;
	n = strlen(host) - n; /* the name before ":PORT" */
	return (n == 9 && strncmp(host, "127.0.0.1", n) == 0) ||
	       (n == 9 && strncasecmp(host, "localhost", n) == 0);
}
