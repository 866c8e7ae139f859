/*
 * cmd_household.c - maiam-hub household list|show|approve|reject: what the
 * hub holds, and the review decision. A decision is a hub-origin change-set
 * (review_status, review_reason) stamped by the hub's clock, merged through
 * proto_merge and written to the ledger, from which pull carries it down.
 */
#include <stdio.h>
#include <string.h>
#include "maiam/cli.h"
#include "ctx.h"
#include "store.h"
#include "ingest.h"
#include "json.h"
#include "cmd.h"

typedef struct list_state {
	int json;
	int n;
} list_state;

static void json_or_null(const char *s)
{
	proto_buf b;

	if (!s) {
		fputs("null", stdout);
		return;
	}
	proto_buf_init(&b, 1 << 16);
	if (hub_json_str(&b, s) == 0)
		fwrite(b.data, 1, b.len, stdout);
	else
		fputs("null", stdout);
	proto_buf_release(&b);
}

static int print_household(void *arg, const hub_household_row *r)
{
	list_state *ls = arg;
	char hex[17];

	proto_key_id_hex(r->id.origin, hex);
	if (ls->json) {
		printf("%s{\"id\": \"%s-%llu\", \"commune\": ", ls->n ? ",\n " : "", hex,
		       (unsigned long long)r->id.serial);
		if (r->has_commune)
			printf("%lld", (long long)r->commune);
		else
			fputs("null", stdout);
		fputs(", \"ref\": ", stdout);
		json_or_null(r->ref);
		fputs(", \"name\": ", stdout);
		json_or_null(r->name);
		fputs(", \"national_id\": ", stdout);
		json_or_null(r->national_id);
		fputs(", \"category\": ", stdout);
		json_or_null(r->category);
		fputs(", \"review_status\": ", stdout);
		json_or_null(r->review_status);
		fputs("}", stdout);
	} else {
		printf("%s-%-6llu %-7lld %-10s %-30s %s\n", hex, (unsigned long long)r->id.serial,
		       (long long)r->commune, r->review_status ? r->review_status : "proposed",
		       r->name ? r->name : "-", r->ref ? r->ref : "");
	}
	ls->n++;
	return 0;
}

static void print_column(void *arg, const char *name, const char *value)
{
	(void)arg;
	printf("%-14s %s\n", name, value ? value : "");
}

static int decide(hub_ctx *ctx, proto_id id, const char *status, const char *reason)
{
	proto_changeset cs;
	uint8_t zeros[32] = { 0 };
	uint64_t last = 0, base_status = 0, base_reason = 0, stamp;
	int64_t commune;
	proto_hlc clock;
	char err[256];
	int rc = HUB_EXIT_FAIL;
	hub_result got;
	bool found;

	got = hub_household_commune(ctx->db, id, &commune, &found);
	if (got == HUB_OK && !found) {
		hub_errorf("no household with that id at the hub: see 'maiam-hub household list'");
		return HUB_EXIT_FAIL;
	}
	if (got != HUB_OK || hub_meta_get_u64(ctx->db, "hlc_last", &last) != HUB_OK ||
	    hub_household_stamp(ctx->db, id, PROTO_HH_REVIEW_STATUS, &base_status) != HUB_OK ||
	    hub_household_stamp(ctx->db, id, PROTO_HH_REVIEW_REASON, &base_reason) != HUB_OK) {
		hub_errorf("cannot read the hub database: %s", sqlite3_errmsg(ctx->db));
		return HUB_EXIT_FAIL;
	}
	/* the hub clock has observed every stamp it merged, so this one wins */
	proto_hlc_init(&clock, last);
	stamp = proto_hlc_now(&clock, proto_wall_ms());
	if (proto_changeset_init(&cs, ctx->cfg->campaign_id, ctx->cfg->key_id, 1, zeros, stamp) !=
	    PROTO_OK) {
		hub_errorf("cannot start the decision change-set");
		return HUB_EXIT_FAIL;
	}
	if (proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, id, stamp, ctx->cfg->key_id) != PROTO_OK ||
	    proto_changeset_add_text(&cs, PROTO_HH_REVIEW_STATUS, base_status, status,
				     strlen(status)) != PROTO_OK ||
	    (reason ? proto_changeset_add_text(&cs, PROTO_HH_REVIEW_REASON, base_reason, reason,
					       strlen(reason))
		    : proto_changeset_add_null(&cs, PROTO_HH_REVIEW_REASON, base_reason)) != PROTO_OK) {
		hub_errorf("the reason is not acceptable text (UTF-8, at most %u bytes)", PROTO_MAX_TEXT);
		rc = HUB_EXIT_USAGE;
		goto out;
	}
	if (hub_ingest_own(ctx, &cs, err, sizeof(err)) != HUB_OK) {
		hub_errorf("%s", err);
		goto out;
	}
	printf("household %016llx-%llu %s; laptops of commune %lld get it at their next sync\n",
	       (unsigned long long)id.origin, (unsigned long long)id.serial, status, (long long)commune);
	rc = HUB_EXIT_OK;
out:
	proto_changeset_release(&cs);
	return rc;
}

int hub_cmd_household(int argc, char **argv)
{
	static const char *const subs[] = { "list", "show", "approve", "reject", NULL };
	static const hub_group group = { "household", subs, "household list [--commune CODE] [--json];"
			     " household show ID; household approve|reject ID [--reason TEXT]" };
	const char *dir = hub_default_dir(), *sub = argc > 1 ? argv[1] : "";
	const char *idarg = NULL, *reason = NULL;
	list_state ls = { 0, 0 };
	int commune = 0;
	char err[512], *pos[1];
	proto_id id = { 0, 0 };
	hub_ctx ctx;
	int rc = HUB_EXIT_OK, is_list = strcmp(sub, "list") == 0;
	int is_decision = strcmp(sub, "approve") == 0 || strcmp(sub, "reject") == 0;
	const cli_opt list_opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_FLAG("json", &ls.json, "as JSON"),
		CLI_INT("commune", &commune, 1, 999999, "CODE", "only the households of this commune"),
	};
	const cli_opt show_opts[] = { HUB_DIR_OPT(&dir) };
	const cli_opt decision_opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_STRING("reason", &reason, "TEXT", "why (the laptop shows it)"),
	};
	cli_spec list_spec = { CLI_TABLE(list_opts) };
	cli_spec decision_spec = { CLI_TABLE(decision_opts), .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };
	cli_spec show_spec = { CLI_TABLE(show_opts), .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };
	cli_spec *spec = is_list ? &list_spec : is_decision ? &decision_spec : &show_spec;

	if (hub_parse_args(&group, is_list ? "" : "ID", spec, argc, argv, &rc))
		return rc;
	idarg = spec->nargs ? pos[0] : NULL;
	if (!is_list && (!idarg || hub_parse_household_id(idarg, &id))) {
		hub_errorf("household %s needs an ID like 0123456789abcdef-12 (from 'household list')",
			   sub);
		return HUB_EXIT_USAGE;
	}
	if (hub_open(&ctx, dir, err, sizeof(err))) {
		hub_errorf("%s", err);
		return HUB_EXIT_FAIL;
	}
	if (is_list) {
		if (ls.json)
			printf("[");
		if (hub_household_each(ctx.db, commune, print_household, &ls) != HUB_OK) {
			hub_errorf("cannot read households: %s", sqlite3_errmsg(ctx.db));
			rc = HUB_EXIT_FAIL;
		}
		if (ls.json)
			printf("]\n");
	} else if (!is_decision) {
		bool found;

		if (hub_household_show(ctx.db, id, print_column, NULL, &found) != HUB_OK) {
			hub_errorf("cannot read the household: %s", sqlite3_errmsg(ctx.db));
			rc = HUB_EXIT_FAIL;
		} else if (!found) {
			hub_errorf("no household '%s' at the hub: see 'maiam-hub household list'", idarg);
			rc = HUB_EXIT_FAIL;
		}
	} else {
		rc = decide(&ctx, id, strcmp(sub, "approve") == 0 ? "approved" : "rejected", reason);
	}
	hub_close(&ctx);
	return rc;
}
