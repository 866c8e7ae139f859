/*
 * cmd_net.c - the connection to the hub as enroll and sync open it: what
 * net.c reports as a proto_result becomes a message and an exit code here.
 */
#include "agent.h"
#include "cmds.h"
#include "net.h"

int agent_net_start(agent_net *n, const char *base, const char *ca, const char *cert, const char *key)
{
	proto_result r = agent_net_open(n, base, ca, cert, key);

	switch (r) {
	case PROTO_OK:
		return AGENT_OK;
	case PROTO_EINVAL:
		agent_err(_("hub address '%s' is not an https:// URL; use e.g. --hub https://hub.soctrang.example:8443"),
			  base);
		return AGENT_USAGE;
	case PROTO_ETOOBIG:
		agent_err(_("a file path is too long; use a shorter --home"));
		return AGENT_FAIL;
	case PROTO_ENOMEM:
		agent_err(_("cannot start the network library: out of memory"));
		return AGENT_FAIL;
	default:
		agent_err(_("cannot start the network library; try again"));
		return AGENT_FAIL;
	}
}
