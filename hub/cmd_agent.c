/*
 * cmd_agent.c - maiam-hub agent add|list|revoke: one-time enrolment tokens
 * scoped to a commune or a district, the laptops enrolled with them, and
 * revocation. The token is shown once and stored only as its SHA-256.
 */
#include <stdio.h>
#include <string.h>
#include "maiam/cli.h"
#include "ctx.h"
#include "store.h"
#include "cmd.h"

static int agent_add(hub_ctx *ctx, const hub_scope *scope, long ttl, int json, const char *file,
		     const char *url)
{
	const proto_unit *u = proto_units_find(&ctx->cfg->campaign.units, scope->code);
	proto_unit_level want = scope->kind == HUB_SCOPE_COMMUNE ? PROTO_UNIT_COMMUNE
								 : PROTO_UNIT_DISTRICT;
	char token[65];
	int64_t id, now = (int64_t)(proto_wall_ms() / 1000);
	hub_result r;

	if (!u || u->level != want) {
		hub_errorf("%d is not a %s of campaign '%s': see data/soc-trang-units.csv for codes",
			   scope->code, scope->kind == HUB_SCOPE_COMMUNE ? "commune" : "district",
			   ctx->cfg->campaign_id);
		return HUB_EXIT_USAGE;
	}
	r = hub_token_add(ctx->db, scope, now, ttl, token, &id);
	if (r == HUB_ECRYPTO) {
		hub_errorf("cannot make a token: the system's random source failed; try again");
		return HUB_EXIT_FAIL;
	}
	if (r != HUB_OK) {
		hub_errorf("cannot store the token: %s", sqlite3_errmsg(ctx->db));
		return HUB_EXIT_FAIL;
	}
	if (file && hub_usb_enrol_file(ctx, scope, token, now, ttl, url, file))
		return HUB_EXIT_FAIL;
	if (file && json) {
		printf("{\"file\": \"%s\", \"id\": %lld, \"scope\": {\"kind\": \"%s\","
		       " \"code\": %d}, \"expires_in\": %ld}\n", file, (long long)id,
		       scope->kind == HUB_SCOPE_COMMUNE ? "commune" : "district", scope->code, ttl);
		return HUB_EXIT_OK;
	}
	if (file) {
		printf("wrote enrolment file '%s' (token %lld for %s, one use, expires in %ld hours);"
		       " give it to the laptop: maiam-agent enroll --file FILE\n", file, (long long)id,
		       u->name, ttl / 3600);
		return HUB_EXIT_OK;
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
	static const char *const subs[] = { "add", "list", "revoke", NULL };
	static const hub_group group = { "agent", subs, "agent add --commune CODE | --district CODE"
							" [--json]; agent list [--json]; agent revoke ID" };
	const char *dir = hub_default_dir(), *sub = argc > 1 ? argv[1] : "", *target = NULL;
	const char *file = NULL, *url = NULL;
	hub_scope scope = { 0, 0 };
	list_state ls = { 0, 0 };
	char err[512], *pos[1];
	hub_ctx ctx;
	int commune = 0, district = 0, ttl = HUB_TOKEN_TTL_S, is_add = strcmp(sub, "add") == 0;
	int is_revoke = strcmp(sub, "revoke") == 0, rc;
	const cli_opt add_opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_FLAG("json", &ls.json, "the token as JSON"),
		CLI_INT("commune", &commune, 1, 999999, "CODE", "the token enrols a laptop of this commune"),
		CLI_INT("district", &district, 1, 999999, "CODE", "... or of any commune of this district"),
		CLI_INT("ttl", &ttl, 1, 366 * 86400, "SECONDS", "how long the token stays valid (a week)"),
		CLI_STRING("file", &file, "FILE", "write a signed enrolment file for a laptop with no network"),
		CLI_STRING("url", &url, "URL", "the hub's https:// address to put in the file (if any)"),
	};
	const cli_opt other_opts[] = { HUB_DIR_OPT(&dir), CLI_FLAG("json", &ls.json, "as JSON") };
	cli_spec spec = is_add ? (cli_spec){ CLI_TABLE(add_opts) }
			       : (cli_spec){ CLI_TABLE(other_opts), .args = pos,
					  .maxargs = is_revoke ? CLI_ARRAY_SIZE(pos) : 0 };

	if (hub_parse_args(&group, is_revoke ? "ID" : "", &spec, argc, argv, &rc))
		return rc;
	if (commune && district) {
		hub_errorf("give one --commune CODE or --district CODE, not both");
		return HUB_EXIT_USAGE;
	}
	scope.kind = commune ? HUB_SCOPE_COMMUNE : district ? HUB_SCOPE_DISTRICT : 0;
	scope.code = commune ? commune : district;
	target = spec.nargs ? pos[0] : NULL;
	if (url && !file) {
		hub_errorf("--url goes with --file: it is the address written into the enrolment file");
		return HUB_EXIT_USAGE;
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
		rc = agent_add(&ctx, &scope, ttl, ls.json, file, url);
	} else if (strcmp(sub, "list") == 0) {
		if (ls.json)
			printf("[");
		else
			printf("ID    STATUS    SCOPE    CODE   AGENT            LAST_SEQ\n");
		if (hub_agent_each(ctx.db, (int64_t)(proto_wall_ms() / 1000), print_row, &ls) !=
		    HUB_OK) {
			hub_errorf("cannot read agents: %s", sqlite3_errmsg(ctx.db));
			rc = HUB_EXIT_FAIL;
		}
		if (ls.json)
			printf("]\n");
	} else {
		bool done;

		if (hub_agent_revoke(ctx.db, target, (int64_t)(proto_wall_ms() / 1000), &done) !=
		    HUB_OK) {
			hub_errorf("cannot revoke: %s", sqlite3_errmsg(ctx.db));
			rc = HUB_EXIT_FAIL;
		} else if (done) {
			printf("revoked '%s': its pushes and pulls are refused from now on\n", target);
		} else {
			hub_errorf("no active agent or token '%s': see 'maiam-hub agent list'", target);
			rc = HUB_EXIT_FAIL;
		}
	}
	hub_close(&ctx);
	return rc;
}
