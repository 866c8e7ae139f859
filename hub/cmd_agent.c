/*
 * cmd_agent.c - maiam-hub agent add|list|revoke: one-time enrolment tokens
 * scoped to a commune or a district, the laptops enrolled with them, and
 * revocation. The token is shown once and stored only as its SHA-256. A
 * token made with --replaces enrols the successor of a revoked agent (its
 * laptop re-enrols with a new key: docs/HUB.md, "Re-enrolment").
 */
#include <stdio.h>
#include <string.h>
#include "maiam/cli.h"
#include "ctx.h"
#include "enrol.h"
#include "store.h"
#include "cmd.h"
#include "i18n.h"

/*
 * --replaces OLD: OLD must be an agent this hub revoked and that has no
 * successor yet. 0 fine (*old set), else the exit code (said why).
 */
static int replaces_check(hub_ctx *ctx, const char *replaces, uint64_t *old)
{
	hub_agent agent;
	uint64_t successor;
	char hex[17];
	bool found, taken = false;

	if (hub_parse_keyid(replaces, old) != 0) {
		hub_errorf(_("--replaces '%s' is not an agent key id (16 hex digits): see 'maiam-hub"
			     " agent list'"),
			   replaces);
		return HUB_EXIT_USAGE;
	}
	if (hub_agent_get(ctx->db, *old, &agent, &found) != HUB_OK ||
	    (found && hub_agent_successor(ctx->db, *old, &successor, &taken) != HUB_OK)) {
		hub_errorf(_("cannot read agents: %s"), sqlite3_errmsg(ctx->db));
		return HUB_EXIT_FAIL;
	}
	if (!found) {
		hub_errorf(_("--replaces '%s': no agent with this key id enrolled here; see"
			     " 'maiam-hub agent list'"),
			   replaces);
		return HUB_EXIT_USAGE;
	}
	if (!agent.revoked) {
		hub_errorf(_("--replaces '%s': that agent is not revoked; revoke it first"
			     " ('maiam-hub agent revoke %s'), then make the token"),
			   replaces, replaces);
		return HUB_EXIT_USAGE;
	}
	if (taken) {
		proto_key_id_hex(successor, hex);
		hub_errorf(_("--replaces '%s': agent %s already succeeds it; to replace that laptop too,"
			     " revoke %s and give --replaces %s"),
			   replaces, hex, hex, hex);
		return HUB_EXIT_USAGE;
	}
	return 0;
}

static int agent_add(hub_ctx *ctx, const hub_scope *scope, long ttl, int json, const char *file,
		     const char *url, const char *replaces_id)
{
	const proto_unit *u = proto_units_find(&ctx->cfg->campaign.units, scope->code);
	proto_unit_level want = scope->kind == HUB_SCOPE_COMMUNE ? PROTO_UNIT_COMMUNE
								 : PROTO_UNIT_DISTRICT;
	char token[65], old_hex[17] = "";
	int64_t id, now = (int64_t)(proto_wall_ms() / 1000);
	uint64_t replaces = 0;
	hub_result r;
	int rc;

	if (!u || u->level != want) {
		hub_errorf(scope->kind == HUB_SCOPE_COMMUNE
				   ? _("%d is not a commune of campaign '%s': see data/soc-trang-units.csv"
				       " for codes")
				   : _("%d is not a district of campaign '%s': see data/soc-trang-units.csv"
				       " for codes"),
			   scope->code, ctx->cfg->campaign_id);
		return HUB_EXIT_USAGE;
	}
	if (replaces_id && (rc = replaces_check(ctx, replaces_id, &replaces)) != 0)
		return rc;
	if (sqlite3_exec(ctx->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		hub_errorf(_("cannot store the token: %s"), sqlite3_errmsg(ctx->db));
		return HUB_EXIT_FAIL;
	}
	r = hub_token_add(ctx->db, scope, now, ttl, token, &id);
	if (r == HUB_OK && replaces)
		r = hub_token_set_replaces(ctx->db, id, replaces);
	if (r == HUB_OK && sqlite3_exec(ctx->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		r = HUB_EDB;
	if (r != HUB_OK)
		sqlite3_exec(ctx->db, "ROLLBACK", NULL, NULL, NULL);
	if (r == HUB_ECRYPTO) {
		hub_errorf("%s", _("cannot make a token: the system's random source failed; try again"));
		return HUB_EXIT_FAIL;
	}
	if (r != HUB_OK) {
		hub_errorf(_("cannot store the token: %s"), sqlite3_errmsg(ctx->db));
		return HUB_EXIT_FAIL;
	}
	if (file && hub_usb_enrol_file(ctx, scope, token, now, ttl, url, file))
		return HUB_EXIT_FAIL;
	if (file && json) {
		printf("{\"file\": \"%s\", \"id\": %lld, \"scope\": {\"kind\": \"%s\","
		       " \"code\": %d}, \"expires_in\": %ld}\n",
		       file, (long long)id, scope->kind == HUB_SCOPE_COMMUNE ? "commune" : "district",
		       scope->code, ttl);
		return HUB_EXIT_OK;
	}
	if (file) {
		printf(_("wrote enrolment file '%s' (token %lld for %s, one use, expires in %ld hours);"
			 " give it to the laptop: maiam-agent enroll --file FILE\n"),
		       file, (long long)id, u->name, ttl / 3600);
		return HUB_EXIT_OK;
	}
	if (replaces)
		proto_key_id_hex(replaces, old_hex);
	if (json)
		printf("{\"token\": \"%s\", \"id\": %lld, \"scope\": {\"kind\": \"%s\", \"code\": %d},"
		       " \"expires_in\": %ld%s%s%s}\n",
		       token, (long long)id, scope->kind == HUB_SCOPE_COMMUNE ? "commune" : "district",
		       scope->code, ttl, replaces ? ", \"replaces\": \"" : "", replaces ? old_hex : "",
		       replaces ? "\"" : "");
	else if (replaces)
		printf(_("%s\n(token %lld for %s, one use, expires in %ld hours; it enrols a new key as"
			 " the successor of revoked agent %s: on that laptop, maiam-agent enroll"
			 " --new-key --token ...)\n"),
		       token, (long long)id, u->name, ttl / 3600, old_hex);
	else
		printf(_("%s\n(token %lld for %s, one use, expires in %ld hours; give it to the laptop:"
			 " maiam-agent enroll --token ...)\n"),
		       token, (long long)id, u->name, ttl / 3600);
	return HUB_EXIT_OK;
}

typedef struct list_state {
	int json;
	int n;
	sqlite3 *db; /* for the succession of each row */
	int failed;  /* reading it failed: the walk stopped */
} list_state;

static int print_row(void *arg, int64_t token_id, const char *status, const hub_scope *scope,
		     uint64_t agent, int64_t created, int64_t expires, uint64_t last_seq)
{
	list_state *ls = arg;
	char hex[17] = "-", old_hex[17] = "-";
	uint64_t replaces = 0;
	bool found = false;

	if (agent)
		proto_key_id_hex(agent, hex);
	/* the token's, which is also the agent's it enrolled (hub_enrol) */
	if (hub_token_replaces(ls->db, token_id, &replaces, &found) != HUB_OK) {
		ls->failed = 1;
		return -1;
	}
	if (found)
		proto_key_id_hex(replaces, old_hex);
	if (ls->json)
		printf("%s{\"id\": %lld, \"status\": \"%s\", \"scope\": {\"kind\": \"%s\", \"code\": %d},"
		       " \"agent\": %s%s%s, \"created\": %lld, \"expires\": %lld, \"last_seq\": %llu,"
		       " \"replaces\": %s%s%s}",
		       ls->n ? ",\n " : "", (long long)token_id, status,
		       scope->kind == HUB_SCOPE_COMMUNE ? "commune" : "district", scope->code,
		       agent ? "\"" : "", agent ? hex : "null", agent ? "\"" : "", (long long)created,
		       (long long)expires, (unsigned long long)last_seq, found ? "\"" : "",
		       found ? old_hex : "null", found ? "\"" : "");
	else
		printf("%-5lld %-9s %-8s %-6d %-16s %-8llu %s\n", (long long)token_id, status,
		       scope->kind == HUB_SCOPE_COMMUNE ? "commune" : "district", scope->code, hex,
		       (unsigned long long)last_seq, old_hex);
	ls->n++;
	return 0;
}

int hub_cmd_agent(int argc, char **argv)
{
	static const char *const subs[] = { "add", "list", "revoke", NULL };
	static const hub_group group = {
		"agent", subs,
		N_("agent add --commune CODE | --district CODE"
		   " [--replaces AGENTID] [--json]; agent list [--json]; agent revoke ID")
	};
	const char *dir = hub_default_dir(), *sub = argc > 1 ? argv[1] : "", *target = NULL;
	const char *file = NULL, *url = NULL, *replaces = NULL;
	hub_scope scope = { 0, 0 };
	list_state ls = { 0, 0, NULL, 0 };
	char err[512], *pos[1];
	hub_ctx ctx;
	int commune = 0, district = 0, ttl = HUB_TOKEN_TTL_S, is_add = strcmp(sub, "add") == 0;
	int is_revoke = strcmp(sub, "revoke") == 0, rc;
	const cli_opt add_opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_FLAG("json", &ls.json, N_("the token as JSON")),
		CLI_INT("commune", &commune, 1, 999999, "CODE",
			N_("the token enrols a laptop of this commune")),
		CLI_INT("district", &district, 1, 999999, "CODE",
			N_("... or of any commune of this district")),
		CLI_INT("ttl", &ttl, 1, 366 * 86400, "SECONDS",
			N_("how long the token stays valid (a week)")),
		CLI_STRING("file", &file, "FILE",
			   N_("write a signed enrolment file for a laptop with no network")),
		CLI_STRING("url", &url, "URL",
			   N_("the hub's https:// address to put in the file (if any)")),
		CLI_STRING("replaces", &replaces, "AGENTID",
			   N_("the token enrols the successor of this revoked agent")),
	};
	const cli_opt other_opts[] = { HUB_DIR_OPT(&dir), CLI_FLAG("json", &ls.json, N_("as JSON")) };
	cli_spec spec = is_add ? (cli_spec){ CLI_TABLE(add_opts) }
			       : (cli_spec){ CLI_TABLE(other_opts), .args = pos,
					     .maxargs = is_revoke ? CLI_ARRAY_SIZE(pos) : 0 };

	if (hub_parse_args(&group, is_revoke ? "ID" : "", &spec, argc, argv, &rc))
		return rc;
	if (commune && district) {
		hub_errorf("%s", _("give one --commune CODE or --district CODE, not both"));
		return HUB_EXIT_USAGE;
	}
	scope.kind = commune ? HUB_SCOPE_COMMUNE : district ? HUB_SCOPE_DISTRICT : 0;
	scope.code = commune ? commune : district;
	target = spec.nargs ? pos[0] : NULL;
	if (url && !file) {
		hub_errorf("%s",
			   _("--url goes with --file: it is the address written into the enrolment file"));
		return HUB_EXIT_USAGE;
	}
	if (replaces && file) {
		hub_errorf("%s", _("--replaces goes with a token for the network: a re-enrolled laptop"
				   " enrols online ('maiam-agent enroll --new-key'), not from a file"));
		return HUB_EXIT_USAGE;
	}
	if (strcmp(sub, "add") == 0 && !scope.kind) {
		hub_errorf("%s", _("agent add needs --commune CODE or --district CODE"));
		return HUB_EXIT_USAGE;
	}
	if (strcmp(sub, "revoke") == 0 && !target) {
		hub_errorf("%s",
			   _("agent revoke needs an ID: a number or an agent key id from 'agent list'"));
		return HUB_EXIT_USAGE;
	}
	if (hub_open(&ctx, dir, err, sizeof(err))) {
		hub_errorf("%s", err);
		return HUB_EXIT_FAIL;
	}
	rc = HUB_EXIT_OK;
	ls.db = ctx.db;
	if (is_add) {
		rc = agent_add(&ctx, &scope, ttl, ls.json, file, url, replaces);
	} else if (strcmp(sub, "list") == 0) {
		if (ls.json)
			printf("[");
		else
			/* column names, as --json's keys: the same in every language */
			printf("ID    STATUS    SCOPE    CODE   AGENT            LAST_SEQ REPLACES\n");
		if (hub_agent_each(ctx.db, (int64_t)(proto_wall_ms() / 1000), print_row, &ls) != HUB_OK ||
		    ls.failed) {
			hub_errorf(_("cannot read agents: %s"), sqlite3_errmsg(ctx.db));
			rc = HUB_EXIT_FAIL;
		}
		if (ls.json)
			printf("]\n");
	} else {
		bool done;

		if (hub_agent_revoke(ctx.db, target, (int64_t)(proto_wall_ms() / 1000), &done) != HUB_OK) {
			hub_errorf(_("cannot revoke: %s"), sqlite3_errmsg(ctx.db));
			rc = HUB_EXIT_FAIL;
		} else if (done) {
			printf(_("revoked '%s': its pushes and pulls are refused from now on\n"), target);
		} else {
			hub_errorf(_("no active agent or token '%s': see 'maiam-hub agent list'"), target);
			rc = HUB_EXIT_FAIL;
		}
	}
	hub_close(&ctx);
	return rc;
}
