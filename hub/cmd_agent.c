/*
 * cmd_agent.c - maiam-hub agent add|list|revoke: one-time enrolment tokens
 * scoped to a commune or a district, the laptops enrolled with them, and
 * revocation. The token is shown once and stored only as its SHA-256.
 */
#include <stdio.h>
#include <string.h>
#include "ctx.h"
#include "store.h"
#include "cmd.h"

static int agent_add(hub_ctx *ctx, const hub_scope *scope, long ttl, int json)
{
	const proto_unit *u = proto_units_find(&ctx->cfg->campaign.units, scope->code);
	proto_unit_level want = scope->kind == HUB_SCOPE_COMMUNE ? PROTO_UNIT_COMMUNE
								 : PROTO_UNIT_DISTRICT;
	char token[65];
	int64_t id;

	if (!u || u->level != want) {
		hub_errorf("%d is not a %s of campaign '%s': see data/soc-trang-units.csv for codes",
			   scope->code, scope->kind == HUB_SCOPE_COMMUNE ? "commune" : "district",
			   ctx->cfg->campaign_id);
		return HUB_EXIT_USAGE;
	}
	if (hub_token_add(ctx->db, scope, (int64_t)(proto_wall_ms() / 1000), ttl, token, &id)) {
		hub_errorf("cannot store the token: %s", sqlite3_errmsg(ctx->db));
		return HUB_EXIT_FAIL;
	}
	if (json)
		printf("{\"token\": \"%s\", \"id\": %lld, \"scope\": {\"kind\": \"%s\", \"code\": %d},"
		       " \"expires_in\": %ld}\n", token, (long long)id,
		       scope->kind == HUB_SCOPE_COMMUNE ? "commune" : "district", scope->code, ttl);
	else
		printf("%s\n(token %lld for %s, one use, expires in %ld hours; give it to the laptop:"
		       " maiam-agent enroll --token ...)\n", token, (long long)id, u->name, ttl / 3600);
	return HUB_EXIT_OK;
}

typedef struct list_state {
	int json;
	int n;
} list_state;

static int print_row(void *arg, int64_t token_id, const char *status, const hub_scope *scope,
		     uint64_t agent, int64_t created, int64_t expires, uint64_t last_seq)
{
	list_state *ls = arg;
	char hex[17] = "-";

	if (agent)
		proto_key_id_hex(agent, hex);
	if (ls->json)
		printf("%s{\"id\": %lld, \"status\": \"%s\", \"scope\": {\"kind\": \"%s\", \"code\": %d},"
		       " \"agent\": %s%s%s, \"created\": %lld, \"expires\": %lld, \"last_seq\": %llu}",
		       ls->n ? ",\n " : "", (long long)token_id, status,
		       scope->kind == HUB_SCOPE_COMMUNE ? "commune" : "district", scope->code,
		       agent ? "\"" : "", agent ? hex : "null", agent ? "\"" : "",
		       (long long)created, (long long)expires, (unsigned long long)last_seq);
	else
		printf("%-5lld %-9s %-8s %-6d %-16s %llu\n", (long long)token_id, status,
		       scope->kind == HUB_SCOPE_COMMUNE ? "commune" : "district", scope->code, hex,
		       (unsigned long long)last_seq);
	ls->n++;
	return 0;
}

int hub_cmd_agent(int argc, char **argv)
{
	const char *dir = hub_default_dir(), *v, *sub = argc > 1 ? argv[1] : "", *target = NULL;
	hub_scope scope = { 0, 0 };
	list_state ls = { 0, 0 };
	char err[512];
	hub_ctx ctx;
	long code, ttl = HUB_TOKEN_TTL_S;
	int i, o, rc;

	if (strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "revoke")) {
		hub_errorf("usage: maiam-hub agent add --commune CODE | --district CODE [--json];"
			   " agent list [--json]; agent revoke ID");
		return HUB_EXIT_USAGE;
	}
	for (i = 2; i < argc; i++) {
		int kind = 0;
		if ((o = hub_opt(argc, argv, &i, "--dir", &v)) != 0) {
			if (o < 0)
				return HUB_EXIT_USAGE;
			dir = v;
			continue;
		}
		if (strcmp(argv[i], "--json") == 0) {
			ls.json = 1;
			continue;
		}
		if ((o = hub_opt(argc, argv, &i, "--commune", &v)) != 0)
			kind = HUB_SCOPE_COMMUNE;
		else if ((o = hub_opt(argc, argv, &i, "--district", &v)) != 0)
			kind = HUB_SCOPE_DISTRICT;
		else if ((o = hub_opt(argc, argv, &i, "--ttl", &v)) != 0) {
			if (o < 0 || hub_parse_int(v, 1, 366L * 86400, &ttl)) {
				hub_errorf("--ttl takes seconds, 1 to a year");
				return HUB_EXIT_USAGE;
			}
			continue;
		}
		if (o < 0)
			return HUB_EXIT_USAGE;
		if (kind && strcmp(sub, "add") == 0) {
			if (scope.kind || hub_parse_int(v, 1, 999999, &code)) {
				hub_errorf("give one --commune CODE or --district CODE (a number)");
				return HUB_EXIT_USAGE;
			}
			scope.kind = kind;
			scope.code = (int)code;
		} else if (!kind && strcmp(sub, "revoke") == 0 && !target && argv[i][0] != '-') {
			target = argv[i];
		} else {
			hub_errorf("unknown argument '%s' for 'agent %s'", argv[i], sub);
			return HUB_EXIT_USAGE;
		}
	}
	if (strcmp(sub, "add") == 0 && !scope.kind) {
		hub_errorf("agent add needs --commune CODE or --district CODE");
		return HUB_EXIT_USAGE;
	}
	if (strcmp(sub, "revoke") == 0 && !target) {
		hub_errorf("agent revoke needs an ID: a number or an agent key id from 'agent list'");
		return HUB_EXIT_USAGE;
	}
	if (hub_open(&ctx, dir, err, sizeof(err))) {
		hub_errorf("%s", err);
		return HUB_EXIT_FAIL;
	}
	rc = HUB_EXIT_OK;
	if (strcmp(sub, "add") == 0) {
		rc = agent_add(&ctx, &scope, ttl, ls.json);
	} else if (strcmp(sub, "list") == 0) {
		if (ls.json)
			printf("[");
		else
			printf("ID    STATUS    SCOPE    CODE   AGENT            LAST_SEQ\n");
		if (hub_agent_each(ctx.db, (int64_t)(proto_wall_ms() / 1000), print_row, &ls)) {
			hub_errorf("cannot read agents: %s", sqlite3_errmsg(ctx.db));
			rc = HUB_EXIT_FAIL;
		}
		if (ls.json)
			printf("]\n");
	} else {
		switch (hub_agent_revoke(ctx.db, target, (int64_t)(proto_wall_ms() / 1000))) {
		case 1:
			printf("revoked '%s': its pushes and pulls are refused from now on\n", target);
			break;
		case 0:
			hub_errorf("no active agent or token '%s': see 'maiam-hub agent list'", target);
			rc = HUB_EXIT_FAIL;
			break;
		default:
			hub_errorf("cannot revoke: %s", sqlite3_errmsg(ctx.db));
			rc = HUB_EXIT_FAIL;
		}
	}
	hub_close(&ctx);
	return rc;
}
