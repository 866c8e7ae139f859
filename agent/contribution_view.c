/*
 * contribution_view.c - "contribution list": every contribution in the
 * store with the id a correction takes, those given to the commune as a
 * whole included; voided ones stay listed, marked with the reason, so the
 * list is the audit trail. household_view.c prints a household's own with
 * the same words (agent_ct_given, agent_ct_json).
 */
#include <string.h>
#include "agent.h"
#include "cmds.h"
#include "validate.h"
#include "store.h"

static void list_help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent contribution list [--household ID] [--commune-level] [--json]\n\n"
		  "Lists every contribution with its id, voided ones marked with the reason.\n"
		  "--household ID: only those of one household; --commune-level: only those\n"
		  "given to the commune as a whole. Counts leave out voided contributions and\n"
		  "those of withdrawn households.\n"));
}

void agent_ct_given(const agent_ct *c, char *out, size_t n)
{
	char money[48];
	size_t o = 0;
	int w;

	out[0] = '\0';
	agent_show_money(c->money, money, sizeof money);
	if (c->money >= 0 && o < n && (w = snprintf(out + o, n - o, "%s", money)) > 0)
		o += (size_t)w;
	if (c->labour >= 0 && o < n &&
	    (w = snprintf(out + o, n - o, _("%s%lld labour days"), o ? ", " : "", (long long)c->labour)) >
		    0)
		o += (size_t)w;
	if (c->material && o < n)
		snprintf(out + o, n - o, "%s%s", o ? ", " : "", c->material);
}

static void json_amount(FILE *out, const char *name, int64_t v)
{
	fprintf(out, ",\"%s\":", name);
	if (v < 0)
		fputs("null", out);
	else
		fprintf(out, "%lld", (long long)v);
}

static void json_text(FILE *out, const char *name, const char *v)
{
	fprintf(out, ",\"%s\":", name);
	agent_json_str(out, v);
}

void agent_ct_json(agent_ctx *ctx, const agent_ct *c)
{
	char full[40], ref[32];

	agent_id_format(c->id, full);
	agent_ref_make(c->id.origin, c->id.serial, ref);
	fprintf(ctx->out, "{\"id\":\"%s\",\"ref\":\"%s\"", full, ref);
	agent_id_format(c->household, full);
	json_text(ctx->out, "household", c->has_household ? full : NULL);
	json_text(ctx->out, "household_ref", c->household_ref);
	json_amount(ctx->out, "unit", c->unit);
	json_text(ctx->out, "source", c->source);
	json_text(ctx->out, "donor", c->donor);
	json_amount(ctx->out, "money_vnd", c->money);
	json_amount(ctx->out, "labour_days", c->labour);
	json_text(ctx->out, "material", c->material);
	json_amount(ctx->out, "material_value_vnd", c->material_value);
	json_text(ctx->out, "date", c->date);
	json_text(ctx->out, "note", c->note);
	fprintf(ctx->out, ",\"voided\":%s", c->voided ? "true" : "false");
	json_text(ctx->out, "void_reason", c->void_reason);
	fputc('}', ctx->out);
}

typedef struct list_state {
	agent_ctx *ctx;
	agent_table *table;
	size_t n;
} list_state;

static proto_result list_one(const agent_ct *c, void *arg)
{
	list_state *s = arg;
	char ref[32], given[160], voided[600] = "";
	const char *cells[7];

	if (s->ctx->json) {
		fputs(s->n++ ? ",\n" : "\n", s->ctx->out);
		agent_ct_json(s->ctx, c);
		return PROTO_OK;
	}
	agent_ref_make(c->id.origin, c->id.serial, ref);
	agent_ct_given(c, given, sizeof given);
	if (c->voided)
		snprintf(voided, sizeof voided, "%s", c->void_reason ? c->void_reason : _("voided"));
	cells[0] = ref;
	cells[1] = c->date;
	cells[2] = !c->has_household ? _("(commune)") : c->household_ref ? c->household_ref : "?";
	cells[3] = c->source;
	cells[4] = given;
	cells[5] = c->donor;
	cells[6] = voided;
	s->n++;
	return agent_table_add(s->table, cells) == 0 ? PROTO_OK : PROTO_ENOMEM;
}

int agent_ct_list(agent_ctx *ctx, int argc, char **argv)
{
	const char *household = NULL;
	int commune_level = 0;
	const cli_opt opts[] = {
		CLI_STRING("household", &household, "ID", NULL),
		CLI_FLAG("commune-level", &commune_level, NULL),
	};
	cli_spec spec = { CLI_TABLE(opts) };
	const char *heads[7] = { _("ID"),    _("DATE"),  _("HOUSEHOLD"), _("SOURCE"),
				 _("GIVEN"), _("DONOR"), _("VOIDED") };
	agent_event_filter f = { 0 };
	list_state s = { ctx, NULL, 0 };
	proto_result r;
	int rc;

	if (agent_parse_args(ctx, "contribution list", &spec, list_help, argc, argv, &rc))
		return rc;
	if (household && commune_level) {
		agent_err(_("--household and --commune-level exclude each other; give one of them"));
		return AGENT_USAGE;
	}
	if (household) {
		rc = agent_hh_resolve(ctx, household, &f.household);
		if (rc != AGENT_OK)
			return rc;
		f.has_household = 1;
	}
	f.unit_level_only = commune_level;
	if (!ctx->json && !(s.table = agent_table_new(7, heads))) {
		agent_err(_("out of memory"));
		return AGENT_FAIL;
	}
	if (ctx->json)
		fputc('[', ctx->out);
	r = agent_ct_walk(ctx, &f, list_one, &s);
	if (ctx->json)
		fputs(s.n ? "\n]\n" : "]\n", ctx->out);
	else if (s.n)
		agent_table_print(s.table, ctx->out);
	else if (r == PROTO_OK)
		fprintf(ctx->out, "%s",
			_("No contributions yet; record one with 'maiam-agent contribution add'\n"));
	agent_table_free(s.table);
	if (r != PROTO_OK) {
		agent_err(_("cannot read the store: %s"), agent_store_cause(ctx, r));
		return AGENT_FAIL;
	}
	return AGENT_OK;
}
