/*
 * cmd_contribution.c - "contribution add": money (VND, whole numbers),
 * labour days or materials given by a source, for one household or for the
 * commune as a whole. An append-only event; a wrong one is voided later
 * ("contribution void", correct.c), never edited: "contribution correct"
 * voids it and records the right values in its place, in one transaction.
 * "contribution list" is in contribution_view.c.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "attention.h"
#include "cmds.h"
#include "store.h"
#include "validate.h"

#define CT PROTO_KIND_CONTRIBUTION

static void help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent contribution add [--household ID] --source SOURCE\n"
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
	char day[11];                          /* the date as recorded: YYYY-MM-DD */
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
		agent_err(_(
			"--source is required; use one of mps, provincial_police, fatherland_front, business, donor, household, other"));
		return AGENT_USAGE;
	}
	if (!in->money_arg && !in->labour_arg && !in->material) {
		agent_err(_(
			"a contribution needs --money, --labour-days or --material; give at least one"));
		return AGENT_USAGE;
	}
	if (agent_check_enum(CT, PROTO_CT_SOURCE, in->source_arg, in->source, sizeof in->source, err,
			     sizeof err))
		bad = "source";
	else if (in->donor && agent_check_text(CT, PROTO_CT_DONOR, in->donor, err, sizeof err))
		bad = "donor";
	/* a gift of 0 VND or 0 days is a typing mistake here, though the rulebook allows it */
	else if (in->money_arg &&
		 agent_check_amount(CT, PROTO_CT_MONEY, in->money_arg, 1, &in->money, err, sizeof err))
		bad = "money";
	else if (in->labour_arg &&
		 agent_check_amount(CT, PROTO_CT_LABOUR, in->labour_arg, 1, &in->labour, err, sizeof err))
		bad = "labour-days";
	else if (in->material && (!*in->material || agent_check_text(CT, PROTO_CT_MATERIAL, in->material,
								     err, sizeof err))) {
		if (!*in->material)
			snprintf(err, sizeof err, "%s", _("must not be empty"));
		bad = "material";
	} else if (in->material_value_arg &&
		   agent_check_amount(CT, PROTO_CT_MATERIAL_VALUE, in->material_value_arg, 0,
				      &in->material_value, err, sizeof err))
		bad = "material-value";
	else if (agent_parse_date(in->date, ctx->period_start, ctx->period_end, in->day, err, sizeof err))
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

	if (!r)
		r = hh ? proto_changeset_add_ref(cs, PROTO_CT_HOUSEHOLD, 0, *hh)
		       : proto_changeset_add_null(cs, PROTO_CT_HOUSEHOLD, 0);
	if (!r)
		r = proto_changeset_add_int(cs, PROTO_CT_UNIT, 0, ctx->commune);
	if (!r)
		r = proto_changeset_add_text(cs, PROTO_CT_SOURCE, 0, in->source, strlen(in->source));
	if (!r && in->donor)
		r = proto_changeset_add_text(cs, PROTO_CT_DONOR, 0, in->donor, strlen(in->donor));
	if (!r && in->money >= 0)
		r = proto_changeset_add_int(cs, PROTO_CT_MONEY, 0, in->money);
	if (!r && in->labour >= 0)
		r = proto_changeset_add_int(cs, PROTO_CT_LABOUR, 0, in->labour);
	if (!r && in->material)
		r = proto_changeset_add_text(cs, PROTO_CT_MATERIAL, 0, in->material, strlen(in->material));
	if (!r && in->material_value >= 0)
		r = proto_changeset_add_int(cs, PROTO_CT_MATERIAL_VALUE, 0, in->material_value);
	if (!r)
		r = proto_changeset_add_text(cs, PROTO_CT_DATE, 0, in->day, strlen(in->day));
	if (!r && in->note)
		r = proto_changeset_add_text(cs, PROTO_CT_NOTE, 0, in->note, strlen(in->note));
	return r;
}

/* 1 when household hh is withdrawn (a read error counts as not: this only adds a note). */
static int is_withdrawn(agent_ctx *ctx, proto_id hh)
{
	agent_row row;
	int found = 0, withdrawn = 0;

	if (agent_hh_get(ctx, hh, &row, &found) == PROTO_OK && found) {
		withdrawn = row.v[PROTO_HH_WITHDRAWN] != NULL;
		agent_row_release(&row);
	}
	return withdrawn;
}

/* The options of a contribution's values, into the ct_in in (add and correct). */
#define CT_VALUE_OPTS(in) \
	CLI_STRING("household", &(in).household, "ID", NULL), \
		CLI_STRING("source", &(in).source_arg, "SOURCE", NULL), \
		CLI_STRING("donor", &(in).donor, "NAME", NULL), \
		CLI_STRING("money", &(in).money_arg, "VND", NULL), \
		CLI_STRING("labour-days", &(in).labour_arg, "N", NULL), \
		CLI_STRING("material", &(in).material, "TEXT", NULL), \
		CLI_STRING("material-value", &(in).material_value_arg, "VND", NULL), \
		CLI_STRING("date", &(in).date, "YYYY-MM-DD", NULL), \
		CLI_STRING("note", &(in).note, "TEXT", NULL)

static int add(agent_ctx *ctx, int argc, char **argv)
{
	ct_in in = { 0 };
	const cli_opt opts[] = { CT_VALUE_OPTS(in) };
	cli_spec spec = { CLI_TABLE(opts) };
	char today[11], full[40];
	proto_changeset cs;
	proto_id hh, id;
	proto_result r;
	char review_reason[512] = "";
	int rc, withdrawn, rejected;

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
	withdrawn = in.household && is_withdrawn(ctx, hh);
	rejected = in.household && agent_hh_rejected(ctx, hh, review_reason, sizeof review_reason);
	id.origin = ctx->key_id;
	id.serial = agent_take_serial(ctx);
	r = agent_cs_init(ctx, &cs);
	if (!r)
		r = build(ctx, &cs, id, &in, in.household ? &hh : NULL);
	rc = agent_record_commit(ctx, &cs, r, _("cannot record the contribution"));
	if (rc != AGENT_OK)
		return rc;
	agent_id_format(id, full);
	if (ctx->json)
		fprintf(ctx->out, "{\"id\":\"%s\"}\n", full);
	else
		fprintf(ctx->out, _("Recorded contribution %s\n"), full);
	if (withdrawn)
		agent_err(_("note: household %s is withdrawn; the contribution is kept but counts nowhere"),
			  in.household);
	if (rejected)
		agent_note_rejected(in.household, review_reason);
	return AGENT_OK;
fail:
	agent_tx_rollback(ctx);
	return rc;
}

static void correct_help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent contribution correct ID --reason TEXT [--household ID]\n"
		  "           [--source SOURCE] [--money VND] [--labour-days N] [--material TEXT]\n"
		  "           [--material-value VND] [--donor NAME] [--date YYYY-MM-DD] [--note TEXT]\n\n"
		  "Voids contribution ID and records the corrected one in its place, in one\n"
		  "step. Every value not given is kept from the old contribution, its household\n"
		  "too; an empty value (--donor '') leaves an optional one out, and\n"
		  "--household '' makes it a contribution of the whole commune. The reason\n"
		  "stays with the void.\n"));
}

/* The values of the contribution being corrected, as typed text would give them. */
typedef struct ct_old {
	char *source, *donor, *material, *date, *note;
	char money[24], labour[24], material_value[24];
	int has_household;
	proto_id household;
	int oom;
} ct_old;

static char *dup_or_null(const char *s, int *oom)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*oom = 1;
	return d;
}

static void amount_text(int64_t v, char out[24])
{
	if (v >= 0)
		snprintf(out, 24, "%" PRId64, v);
	else
		out[0] = '\0';
}

static proto_result keep_old(const agent_ct *c, void *arg)
{
	ct_old *o = arg;

	o->source = dup_or_null(c->source, &o->oom);
	o->donor = dup_or_null(c->donor, &o->oom);
	o->material = dup_or_null(c->material, &o->oom);
	o->date = dup_or_null(c->date, &o->oom);
	o->note = dup_or_null(c->note, &o->oom);
	amount_text(c->money, o->money);
	amount_text(c->labour, o->labour);
	amount_text(c->material_value, o->material_value);
	o->has_household = c->has_household;
	o->household = c->household;
	return o->oom ? PROTO_ENOMEM : PROTO_OK;
}

static void ct_old_release(ct_old *o)
{
	free(o->source);
	free(o->donor);
	free(o->material);
	free(o->date);
	free(o->note);
}

/* A value not typed comes from the old contribution; one typed empty is left out. */
static const char *merged(const char *typed, const char *old)
{
	if (!typed)
		return old && *old ? old : NULL;
	return *typed ? typed : NULL;
}

static int correct(agent_ctx *ctx, int argc, char **argv)
{
	ct_in in = { 0 }, typed = { 0 };
	const char *reason = NULL;
	char *pos[1], today[11], ref[32], full[40], new_full[40];
	const cli_opt opts[] = { CLI_STRING("reason", &reason, "TEXT", NULL), CT_VALUE_OPTS(typed) };
	cli_spec spec = { CLI_TABLE(opts), .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };
	const agent_correction c = {
		"contribution correct",
		correct_help,
		_("'contribution correct' needs the contribution's ID; e.g. 'contribution correct 7KQ2-20 --money 5000000 --reason \"typing mistake\"'"),
		PROTO_KIND_VOID,
		PROTO_VO_REASON,
	};
	agent_event_filter f = { .has_id = 1 };
	ct_old old;
	proto_changeset cs;
	proto_id hh, id;
	proto_result r;
	char review_reason[512] = "", hh_ref[32];
	int rc, has_hh, rejected;

	memset(&old, 0, sizeof old);
	if (agent_correction_begin(ctx, &c, &spec, &reason, argc, argv, &rc))
		return rc;
	rc = agent_event_resolve_live(ctx, PROTO_KIND_CONTRIBUTION, pos[0], &f.id);
	if (rc != AGENT_OK)
		goto fail;
	r = agent_ct_walk(ctx, &f, keep_old, &old);
	if (r != PROTO_OK) {
		agent_err(_("cannot read the store: %s"), agent_store_cause(ctx, r));
		rc = AGENT_FAIL;
		goto fail;
	}
	in.source_arg = typed.source_arg ? typed.source_arg : old.source;
	in.donor = merged(typed.donor, old.donor);
	in.money_arg = merged(typed.money_arg, old.money);
	in.labour_arg = merged(typed.labour_arg, old.labour);
	in.material = merged(typed.material, old.material);
	in.material_value_arg = merged(typed.material_value_arg, old.material_value);
	in.date = typed.date ? typed.date : old.date;
	in.note = merged(typed.note, old.note);
	agent_today(today);
	rc = check(ctx, &in, today);
	if (rc != AGENT_OK)
		goto fail;
	has_hh = old.has_household;
	hh = old.household;
	if (typed.household && !*typed.household) {
		has_hh = 0;
	} else if (typed.household) {
		has_hh = 1;
		rc = agent_hh_resolve_here(ctx, typed.household, &hh);
		if (rc != AGENT_OK)
			goto fail;
	}
	/* the same note as 'contribution add' when the review rejected it */
	rejected = has_hh && agent_hh_rejected(ctx, hh, review_reason, sizeof review_reason);
	/* the void first: it names the old one; then the new one, under its own id */
	r = agent_cs_init(ctx, &cs);
	if (!r)
		r = agent_void_build(ctx, &cs, f.id, PROTO_KIND_CONTRIBUTION, reason);
	id.origin = ctx->key_id;
	id.serial = agent_take_serial(ctx);
	if (!r)
		r = build(ctx, &cs, id, &in, has_hh ? &hh : NULL);
	ct_old_release(&old);
	rc = agent_record_commit(ctx, &cs, r, _("cannot correct the contribution"));
	if (rc != AGENT_OK)
		return rc;
	agent_ref_make(id.origin, id.serial, ref);
	agent_id_format(f.id, full);
	agent_id_format(id, new_full);
	if (ctx->json)
		fprintf(ctx->out, "{\"voided\":\"%s\",\"id\":\"%s\",\"ref\":\"%s\"}\n", full, new_full,
			ref);
	else
		fprintf(ctx->out, _("Corrected contribution %s: voided it and recorded %s in its place\n"),
			pos[0], ref);
	if (rejected) {
		agent_ref_make(hh.origin, hh.serial, hh_ref);
		agent_note_rejected(typed.household ? typed.household : hh_ref, review_reason);
	}
	return AGENT_OK;
fail:
	ct_old_release(&old);
	agent_tx_rollback(ctx);
	return rc;
}

static void group_help(FILE *f)
{
	help(f);
	fprintf(f, "%s",
		_("\n       maiam-agent contribution list [--household ID] [--commune-level] [--json]\n"
		  "       maiam-agent contribution void ID --reason TEXT\n"
		  "       maiam-agent contribution correct ID [--FIELD VALUE ...] --reason TEXT\n"
		  "Each has its own --help.\n"));
}

int agent_cmd_contribution(agent_ctx *ctx, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return add(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return agent_ct_list(ctx, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "void") == 0)
		return agent_event_void(ctx, PROTO_KIND_CONTRIBUTION, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "correct") == 0)
		return correct(ctx, argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		group_help(ctx->out);
		return AGENT_OK;
	}
	if (argc >= 2)
		agent_err(_("unknown contribution command '%s'; use add, list, void or correct (see 'maiam-agent contribution --help')"),
			  argv[1]);
	else
		agent_err(_(
			"use 'maiam-agent contribution add ...'; see 'maiam-agent contribution --help'"));
	return AGENT_USAGE;
}
