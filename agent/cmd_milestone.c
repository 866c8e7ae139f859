/*
 * cmd_milestone.c - "milestone ID STAGE": one construction stage of a house,
 * an append-only event. Stages go in order (surveyed ... handed_over); a
 * stage whose predecessor is missing or dated later, or a stage recorded
 * twice, is refused unless --force REASON, and the reason is kept with it.
 * "milestone void" (correct.c) takes one recorded by mistake back out.
 * --photo FILE (repeatable) records photos of the stage in the same
 * transaction: every file is reduced first, so a bad one records nothing.
 */
#include <string.h>
#include "agent.h"
#include "attention.h"
#include "cmds.h"
#include "photo_store.h"
#include "store.h"
#include "validate.h"

static void help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent milestone ID STAGE [--date YYYY-MM-DD] [--note TEXT]\n"
		  "                                  [--force REASON] [--photo FILE]...\n\n"
		  "Stages, in order: surveyed, approved, started, foundation, walls, roof,\n"
		  "completed, handed_over. --date defaults to today and must fall in the\n"
		  "campaign period. A stage before its predecessor is refused unless\n"
		  "--force REASON, which records why. Each --photo FILE (JPEG or PNG) is\n"
		  "kept as evidence of the stage, as 'photo add' does.\n"));
	fprintf(f, "%s",
		_("\n       maiam-agent milestone void ID --reason TEXT\n"
		  "takes a milestone recorded by mistake out of every count (see its --help).\n"));
}

typedef struct stages {
	int have[9];
	char date[9][11];
} stages;

static proto_result note_stage(const agent_ms *m, void *arg)
{
	stages *s = arg;

	if (m->rank >= 1 && m->rank <= 8) {
		/* keep the earliest date of each stage */
		if (!s->have[m->rank] || strcmp(m->date, s->date[m->rank]) < 0)
			snprintf(s->date[m->rank], 11, "%s", m->date);
		s->have[m->rank] = 1;
	}
	return PROTO_OK;
}

/* Why the stage is out of order, or NULL. */
static const char *out_of_order(const stages *s, int rank, const char *date, char *why, size_t n,
				const char *ref)
{
	const char *stage = agent_label(PROTO_KIND_MILESTONE, PROTO_MS_STAGE, proto_stages[rank - 1]);
	const char *before = rank > 1 ? agent_label(PROTO_KIND_MILESTONE, PROTO_MS_STAGE,
						    proto_stages[rank - 2])
				      : NULL;
	char on[16], prev_on[16];

	if (s->have[rank]) {
		agent_show_date(s->date[rank], on);
		snprintf(why, n, _("stage '%s' is already recorded for household %s (%s)"), stage, ref,
			 on);
		return why;
	}
	if (rank > 1 && !s->have[rank - 1]) {
		snprintf(why, n, _("stage '%s' comes after '%s', which household %s does not have yet"),
			 stage, before, ref);
		return why;
	}
	if (rank > 1 && strcmp(date, s->date[rank - 1]) < 0) {
		agent_show_date(date, on);
		agent_show_date(s->date[rank - 1], prev_on);
		snprintf(why, n, _("stage '%s' on %s would be before '%s' on %s"), stage, on, before,
			 prev_on);
		return why;
	}
	return NULL;
}

int agent_cmd_milestone(agent_ctx *ctx, int argc, char **argv)
{
	const char *date_opt = NULL, *note = NULL, *force = NULL, *date, *ref;
	char *pos[2], today[11], day[11], on[16], prev[16], err[512], why[512], full[40];
	const char *stage;
	const char *photo_files[AGENT_PHOTOS_MAX];
	cli_list photos = { photo_files, AGENT_PHOTOS_MAX, 0 };
	const cli_opt opts[] = {
		CLI_STRING("date", &date_opt, "YYYY-MM-DD", NULL),
		CLI_STRING("note", &note, "TEXT", NULL),
		CLI_STRING("force", &force, "REASON", NULL),
		CLI_LIST("photo", &photos, "FILE", NULL),
	};
	cli_spec spec = { CLI_TABLE(opts), .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };
	proto_changeset cs;
	agent_row row;
	stages s;
	proto_id hh, id;
	proto_result r;
	int found = 0, withdrawn, rejected;
	char review_reason[512] = "";
	agent_photo_batch batch;
	int rank, rc;

	if (argc >= 2 && strcmp(argv[1], "void") == 0)
		return agent_event_void(ctx, PROTO_KIND_MILESTONE, argc - 1, argv + 1);
	if (agent_parse_args(ctx, "milestone", &spec, help, argc, argv, &rc))
		return rc;
	if (spec.nargs != 2) {
		agent_err(_(
			"'milestone' needs a household ID and a stage; e.g. 'milestone 7KQ2-15 roof --date 2023-07-20'"));
		return AGENT_USAGE;
	}
	stage = agent_enum_code(PROTO_KIND_MILESTONE, PROTO_MS_STAGE, pos[1]); /* code or label */
	rank = stage ? proto_stage_rank(stage) : 0;
	if (!rank) {
		agent_err(_("stage '%s' is unknown; use one of surveyed, approved, started, foundation, walls, roof, completed, handed_over"),
			  pos[1]);
		return AGENT_USAGE;
	}
	agent_today(today);
	if (agent_parse_date(date_opt ? date_opt : today, ctx->period_start, ctx->period_end, day, err,
			     sizeof err) != 0) {
		agent_err(_("--date: %s%s"), err,
			  date_opt ? "" : _(" (no --date given: pass the day the stage was reached)"));
		return AGENT_USAGE;
	}
	if (note && agent_check_text(PROTO_KIND_MILESTONE, PROTO_MS_NOTE, note, err, sizeof err) != 0) {
		agent_err(_("--note: %s"), err);
		return AGENT_USAGE;
	}
	if (force && !*force) {
		agent_err(_("--force: give the reason why the stage is recorded out of order"));
		return AGENT_USAGE;
	}
	if (force && agent_check_text(PROTO_KIND_MILESTONE, PROTO_MS_FORCED, force, err, sizeof err) != 0) {
		agent_err(_("--force: %s"), err);
		return AGENT_USAGE;
	}
	date = day;
	agent_photo_batch_init(&batch);
	/* every photo reduced before anything is stored or recorded */
	rc = agent_photo_batch_reduce(&batch, photos.v, photos.n);
	if (rc == AGENT_OK)
		rc = agent_tx_begin(ctx);
	if (rc != AGENT_OK)
		goto out;
	rc = agent_hh_resolve_here(ctx, pos[0], &hh);
	if (rc != AGENT_OK)
		goto out;
	memset(&s, 0, sizeof s);
	rc = AGENT_FAIL;
	r = agent_hh_get(ctx, hh, &row, &found);
	if (r == PROTO_OK && !found)
		r = PROTO_EDB; /* agent_hh_resolve_here found it in this transaction */
	if (r == PROTO_OK) {
		r = agent_ms_foreach(ctx, hh, note_stage, &s);
		if (r != PROTO_OK)
			agent_row_release(&row);
	}
	if (r != PROTO_OK) {
		agent_err(_("cannot read the store: %s"), agent_store_cause(ctx, r));
		goto out;
	}
	ref = row.v[PROTO_HH_REF] ? row.v[PROTO_HH_REF] : pos[0];
	if (out_of_order(&s, rank, date, why, sizeof why, ref) && !force) {
		agent_err(_("%s; record the stages in order, or add --force REASON"), why);
		agent_row_release(&row);
		goto out;
	}
	withdrawn = row.v[PROTO_HH_WITHDRAWN] != NULL;
	agent_row_release(&row);
	rejected = agent_hh_rejected(ctx, hh, review_reason, sizeof review_reason);
	id.origin = ctx->key_id;
	id.serial = agent_take_serial(ctx);
	r = agent_cs_init(ctx, &cs);
	if (!r)
		r = proto_changeset_begin(&cs, PROTO_KIND_MILESTONE, id, agent_stamp(ctx), ctx->key_id);
	if (!r)
		r = proto_changeset_add_ref(&cs, PROTO_MS_HOUSEHOLD, 0, hh);
	if (!r)
		r = proto_changeset_add_text(&cs, PROTO_MS_STAGE, 0, stage, strlen(stage));
	if (!r)
		r = proto_changeset_add_text(&cs, PROTO_MS_DATE, 0, date, strlen(date));
	if (!r && note)
		r = proto_changeset_add_text(&cs, PROTO_MS_NOTE, 0, note, strlen(note));
	if (!r && force)
		r = proto_changeset_add_text(&cs, PROTO_MS_FORCED, 0, force, strlen(force));
	if (!r && batch.n)
		r = agent_photo_batch_build(ctx, &cs, &batch, id, PROTO_KIND_MILESTONE);
	if (!r && batch.n && agent_photo_batch_store(ctx, &batch) != AGENT_OK) {
		proto_changeset_release(&cs);
		rc = AGENT_FAIL;
		goto out;
	}
	rc = agent_record_commit(ctx, &cs, r, _("cannot record the milestone"));
	if (rc != AGENT_OK) {
		agent_photo_batch_unstore(ctx, &batch);
		goto out;
	}
	agent_id_format(id, full);
	if (ctx->json) {
		fprintf(ctx->out, "{\"id\":\"%s\",\"stage\":\"%s\",\"date\":\"%s\"", full, stage, date);
		if (batch.n)
			agent_photo_batch_report(ctx, &batch);
		fputs("}\n", ctx->out);
	} else {
		agent_show_date(date, on);
		fprintf(ctx->out, _("Recorded stage '%s' on %s for household %s\n"),
			agent_label(PROTO_KIND_MILESTONE, PROTO_MS_STAGE, stage), on, pos[0]);
		agent_photo_batch_report(ctx, &batch);
	}
	if (withdrawn)
		agent_err(_("note: household %s is withdrawn; the stage is kept but counts nowhere"),
			  pos[0]);
	if (rejected)
		agent_note_rejected(pos[0], review_reason);
	if (rank >= 7 && strcmp(date, ctx->deadline) > 0) {
		agent_show_date(date, on);
		agent_show_date(ctx->deadline, prev);
		agent_err(_("note: %s is after the campaign deadline %s; it will be reported as late"),
			  on, prev);
	}
	rc = AGENT_OK;
out:
	if (rc != AGENT_OK)
		agent_tx_rollback(ctx); /* nothing when no transaction is open */
	agent_photo_batch_release(&batch);
	return rc;
}
