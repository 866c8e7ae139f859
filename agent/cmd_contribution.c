/*
 * cmd_contribution.c - "contribution add": money (VND, whole numbers),
 * labour days or materials given by a source, for one household or for the
 * commune as a whole. An append-only event; a wrong one is voided later,
 * never edited.
 */
#include <string.h>
#include "agent.h"
#include "cmds.h"
#include "store.h"
#include "validate.h"

#define CT PROTO_KIND_CONTRIBUTION

static void help(FILE *f)
{
	fprintf(f, "%s", _("usage: maiam-agent contribution add [--household ID] --source SOURCE\n"
			   "           (--money VND | --labour-days N | --material TEXT [--material-value VND])\n"
			   "           [--donor NAME] [--date YYYY-MM-DD] [--note TEXT] [--json]\n\n"
			   "SOURCE: mps, provincial_police, fatherland_front, business, donor,\n"
			   "household, other. Money is whole VND written with digits only\n"
			   "(50000000). Without --household it counts for the whole commune.\n"));
}

typedef struct ct_in {
	const char *household, *donor, *material, *note, *date;
	const char *source_arg, *money_arg, *labour_arg, *material_value_arg; /* as typed */
	char source[32];
	char day[11]; /* the date as recorded: YYYY-MM-DD */
	int64_t money, labour, material_value; /* -1: not given */
} ct_in;

/* Check every option; prints "--option: reason" on the first bad one. */
static int check(agent_ctx *ctx, ct_in *in, const char *today)
{
	char err[512];
	const char *bad = NULL;

	if (!in->date)
		in->date = today;
	in->money = in->labour = in->material_value = -1;
	if (!in->source_arg) {
		agent_err(_("--source is required; use one of mps, provincial_police, fatherland_front, business, donor, household, other"));
		return AGENT_USAGE;
	}
	if (!in->money_arg && !in->labour_arg && !in->material) {
		agent_err(_("a contribution needs --money, --labour-days or --material; give at least one"));
		return AGENT_USAGE;
	}
	if (agent_check_enum(CT, PROTO_CT_SOURCE, in->source_arg, in->source, sizeof in->source, err,
			     sizeof err))
		bad = "source";
	else if (in->donor && agent_check_text(CT, PROTO_CT_DONOR, in->donor, err, sizeof err))
		bad = "donor";
	/* a gift of 0 VND or 0 days is a typing mistake here, though the rulebook allows it */
	else if (in->money_arg && agent_check_amount(CT, PROTO_CT_MONEY, in->money_arg, 1, &in->money,
						     err, sizeof err))
		bad = "money";
	else if (in->labour_arg && agent_check_amount(CT, PROTO_CT_LABOUR, in->labour_arg, 1,
						      &in->labour, err, sizeof err))
		bad = "labour-days";
	else if (in->material && (!*in->material ||
				  agent_check_text(CT, PROTO_CT_MATERIAL, in->material, err, sizeof err))) {
		if (!*in->material)
			snprintf(err, sizeof err, "%s", _("must not be empty"));
		bad = "material";
	} else if (in->material_value_arg &&
		   agent_check_amount(CT, PROTO_CT_MATERIAL_VALUE, in->material_value_arg, 0,
				      &in->material_value, err, sizeof err))
		bad = "material-value";
	else if (agent_parse_date(in->date, ctx->period_start, ctx->period_end, in->day, err,
				  sizeof err))
		bad = "date";
	else if (in->note && agent_check_text(CT, PROTO_CT_NOTE, in->note, err, sizeof err))
		bad = "note";
	if (bad) {
		agent_err(_("--%s: %s"), bad, err);
		return AGENT_USAGE;
	}
	if (in->material_value_arg && !in->material) {
		agent_err(_("--material-value needs --material (what was given)"));
		return AGENT_USAGE;
	}
	return AGENT_OK;
}

static proto_result build(agent_ctx *ctx, proto_changeset *cs, proto_id id, const ct_in *in,
			  const proto_id *hh)
{
	proto_result r = proto_changeset_begin(cs, PROTO_KIND_CONTRIBUTION, id, agent_stamp(ctx),
					       ctx->key_id);

	if (!r) r = hh ? proto_changeset_add_ref(cs, PROTO_CT_HOUSEHOLD, 0, *hh)
		       : proto_changeset_add_null(cs, PROTO_CT_HOUSEHOLD, 0);
	if (!r) r = proto_changeset_add_int(cs, PROTO_CT_UNIT, 0, ctx->commune);
	if (!r) r = proto_changeset_add_text(cs, PROTO_CT_SOURCE, 0, in->source, strlen(in->source));
	if (!r && in->donor) r = proto_changeset_add_text(cs, PROTO_CT_DONOR, 0, in->donor, strlen(in->donor));
	if (!r && in->money >= 0) r = proto_changeset_add_int(cs, PROTO_CT_MONEY, 0, in->money);
	if (!r && in->labour >= 0) r = proto_changeset_add_int(cs, PROTO_CT_LABOUR, 0, in->labour);
	if (!r && in->material)
		r = proto_changeset_add_text(cs, PROTO_CT_MATERIAL, 0, in->material, strlen(in->material));
	if (!r && in->material_value >= 0)
		r = proto_changeset_add_int(cs, PROTO_CT_MATERIAL_VALUE, 0, in->material_value);
	if (!r) r = proto_changeset_add_text(cs, PROTO_CT_DATE, 0, in->day, strlen(in->day));
	if (!r && in->note) r = proto_changeset_add_text(cs, PROTO_CT_NOTE, 0, in->note, strlen(in->note));
	return r;
}

static int add(agent_ctx *ctx, int argc, char **argv)
{
	ct_in in = { 0 };
	const cli_opt opts[] = {
		CLI_STRING("household", &in.household, "ID", NULL),
		CLI_STRING("source", &in.source_arg, "SOURCE", NULL),
		CLI_STRING("donor", &in.donor, "NAME", NULL),
		CLI_STRING("money", &in.money_arg, "VND", NULL),
		CLI_STRING("labour-days", &in.labour_arg, "N", NULL),
		CLI_STRING("material", &in.material, "TEXT", NULL),
		CLI_STRING("material-value", &in.material_value_arg, "VND", NULL),
		CLI_STRING("date", &in.date, "YYYY-MM-DD", NULL),
		CLI_STRING("note", &in.note, "TEXT", NULL),
	};
	cli_spec spec = { CLI_TABLE(opts) };
	char today[11], full[40];
	proto_changeset cs;
	proto_id hh, id;
	proto_result r;
	int rc;

	if (agent_parse_args(ctx, "contribution add", &spec, help, argc, argv, &rc))
		return rc;
	agent_today(today);
	rc = check(ctx, &in, today);
	if (rc != AGENT_OK)
		return rc;
	rc = agent_tx_begin(ctx);
	if (rc != AGENT_OK)
		return rc;
	if (in.household && (rc = agent_hh_resolve_here(ctx, in.household, &hh)) != AGENT_OK)
		goto fail;
	id.origin = ctx->key_id;
	id.serial = agent_take_serial(ctx);
	r = agent_cs_init(ctx, &cs);
	if (!r) r = build(ctx, &cs, id, &in, in.household ? &hh : NULL);
	rc = agent_record_commit(ctx, &cs, r, _("cannot record the contribution"));
	if (rc != AGENT_OK)
		return rc;
	agent_id_format(id, full);
	if (ctx->json)
		fprintf(ctx->out, "{\"id\":\"%s\"}\n", full);
	else
		fprintf(ctx->out, _("Recorded contribution %s\n"), full);
	return AGENT_OK;
fail:
	agent_tx_rollback(ctx);
	return rc;
}

int agent_cmd_contribution(agent_ctx *ctx, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return add(ctx, argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		help(ctx->out);
		return AGENT_OK;
	}
	agent_err(_("use 'maiam-agent contribution add ...'; see 'maiam-agent contribution --help'"));
	return AGENT_USAGE;
}
