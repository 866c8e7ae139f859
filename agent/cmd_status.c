/*
 * cmd_status.c - "status" (what is waiting to go to the hub, when it last
 * went, which commune and key this laptop is, what needs the field worker's
 * attention: attention.c) and "check" (prove the store
 * is whole after a crash: see store_check.c).
 */
#include <string.h>
#include "agent.h"
#include "attention.h"
#include "cmds.h"
#include "home_crypt.h"
#include "store.h"
#include "sync.h"
#include "validate.h"

/* Room for a whole setting: "TIME PATH" of the last export (cmd_export.c
 * writes at most AGENT_PATH_MAX + 64), "TIME URL" of the last sync. Paths
 * are shown whole: a folder on a USB stick is rarely short. */
#define STATUS_META_MAX (AGENT_PATH_MAX + 640)

static void status_help(FILE *f)
{
	fputs(_("usage: maiam-agent status [--json]\n\n"
		"Shows pending changes, the last export and sync, the commune and the key id,\n"
		"and what needs attention: change-sets the hub refused, edits not kept,\n"
		"households the hub's review rejected.\n"),
	      f);
}

static void check_help(FILE *f)
{
	fputs(_("usage: maiam-agent check [--json]\n\n"
		"Verifies the store: SQLite integrity, every sealed change-set signed and\n"
		"chained, every recorded row with its change, nothing twice.\n"),
	      f);
}

int agent_cmd_status(agent_ctx *ctx, int argc, char **argv)
{
	char hex[17], last_export[STATUS_META_MAX] = "", last_sync[STATUS_META_MAX] = "";
	char hub[STATUS_META_MAX] = "", from[16], to[16], at[sizeof last_export + 16];
	agent_counts c;
	cli_spec spec = { 0 };
	int found, enrolled = 0;
	int rc;

	if (agent_parse_args(ctx, "status", &spec, status_help, argc, argv, &rc))
		return rc;
	memset(&c, 0, sizeof c);
	if (agent_store_counts(ctx, &c) != PROTO_OK) {
		agent_err(_("cannot read the store: %s"), sqlite3_errmsg(ctx->db));
		return AGENT_FAIL;
	}
	/* each may be unset yet ("never", "not enrolled yet") */
	agent_meta_get(ctx, "last_export", last_export, sizeof last_export, &found);
	agent_meta_get(ctx, "last_sync", last_sync, sizeof last_sync, &found);
	agent_meta_get(ctx, "hub_url", hub, sizeof hub, &enrolled);
	proto_key_id_hex(ctx->key_id, hex);
	if (ctx->json) {
		fprintf(ctx->out, "{\"commune\":%d,\"commune_name\":", ctx->commune);
		agent_json_str(ctx->out, ctx->commune_name);
		fprintf(ctx->out, ",\"campaign\":");
		agent_json_str(ctx->out, ctx->campaign);
		fprintf(ctx->out, ",\"key_id\":\"%s\",\"home\":", hex);
		agent_json_str(ctx->out, ctx->home);
		fprintf(ctx->out,
			",\"pending_records\":%lld,\"sealed_unacked\":%lld,"
			"\"sealed_unacked_records\":%lld,\"households\":%lld,\"milestones\":%lld,"
			"\"contributions\":%lld,\"last_export\":",
			(long long)c.outbox, (long long)c.sealed, (long long)c.sealed_records,
			(long long)c.households, (long long)c.milestones, (long long)c.contributions);
		agent_json_str(ctx->out, *last_export ? last_export : NULL);
		fputs(",\"last_sync\":", ctx->out);
		agent_json_str(ctx->out, *last_sync ? last_sync : NULL);
		fputs(",\"hub\":", ctx->out);
		agent_json_str(ctx->out, *hub ? hub : NULL);
		fprintf(ctx->out, ",\"enrolled\":%s", enrolled ? "true" : "false");
		agent_home_at_rest(ctx, 0);
		rc = agent_attention_show(ctx);
		fputs("}\n", ctx->out);
		return rc;
	}
	fprintf(ctx->out, _("Commune:        %s (%d)\n"), ctx->commune_name, ctx->commune);
	agent_show_date(ctx->period_start, from);
	agent_show_date(ctx->deadline, to);
	fprintf(ctx->out, _("Campaign:       %s (%s to %s)\n"), ctx->campaign, from, to);
	fprintf(ctx->out, _("Key id:         %s\n"), hex);
	fprintf(ctx->out, _("Store:          %s\n"), ctx->home);
	fprintf(ctx->out, _("Recorded:       %lld households, %lld milestones, %lld contributions\n"),
		(long long)c.households, (long long)c.milestones, (long long)c.contributions);
	fprintf(ctx->out, _("Pending:        %lld changes not exported yet\n"), (long long)c.outbox);
	fprintf(ctx->out,
		_("Awaiting hub:   %lld change-sets (%lld changes) exported or sent, not yet acknowledged\n"),
		(long long)c.sealed, (long long)c.sealed_records);
	agent_show_time(last_export, at, sizeof at);
	fprintf(ctx->out, _("Last export:    %s\n"), *last_export ? at : _("never"));
	agent_show_time(last_sync, at, sizeof at);
	fprintf(ctx->out, _("Last sync:      %s\n"), *last_sync ? at : _("never"));
	fprintf(ctx->out, _("Hub:            %s\n"),
		*hub       ? hub
		: enrolled ? _("enrolled from a file, no address: USB sticks only (export, import)")
			   : _("not enrolled yet"));
	agent_home_at_rest(ctx, 1);
	return agent_attention_show(ctx);
}

int agent_cmd_check(agent_ctx *ctx, int argc, char **argv)
{
	agent_check_report rep;
	proto_result r;
	cli_spec spec = { 0 };
	int ok, rc;

	if (agent_parse_args(ctx, "check", &spec, check_help, argc, argv, &rc))
		return rc;
	r = agent_store_check(ctx, &rep);
	if (r != PROTO_OK) {
		agent_err_proto(_("cannot check the store"), r, _("check the key file and the disk"));
		return AGENT_FAIL;
	}
	ok = rep.integrity_ok && !rep.duplicates && !rep.missing && !rep.bad_chain;
	if (ctx->json) {
		fprintf(ctx->out,
			"{\"ok\":%s,\"integrity_ok\":%s,\"records\":%lld,\"duplicates\":%lld,"
			"\"missing\":%lld,\"bad_chain\":%lld",
			ok ? "true" : "false", rep.integrity_ok ? "true" : "false", (long long)rep.records,
			(long long)rep.duplicates, (long long)rep.missing, (long long)rep.bad_chain);
		agent_home_at_rest(ctx, 0);
		fputs("}\n", ctx->out);
	} else {
		fprintf(ctx->out,
			_("integrity: %s; records: %lld; duplicated: %lld; rows without their change: %lld; bad change-sets: %lld\n"),
			rep.integrity_ok ? "ok" : _("DAMAGED"), (long long)rep.records,
			(long long)rep.duplicates, (long long)rep.missing, (long long)rep.bad_chain);
		agent_home_at_rest(ctx, 0);
	}
	if (!ok) {
		agent_err(_("the store is not whole; keep a copy of '%s' and ask for help"), ctx->home);
		return AGENT_FAIL;
	}
	return AGENT_OK;
}
