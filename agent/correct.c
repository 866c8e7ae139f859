/*
 * correct.c - corrections with an audit trail: "milestone void",
 * "contribution void" and "household withdraw". Nothing recorded is ever
 * edited away: a void is a signed event naming its target's id and kind
 * (proto's void_event, so the hub and every laptop leave the target out of
 * their counts), and a household, which a void cannot target, is withdrawn
 * by a signed edit of its "withdrawn" field holding the reason. Each is one
 * transaction, exported and synced like any other change.
 */
#include <string.h>
#include "agent.h"
#include "cmds.h"
#include "store.h"
#include "validate.h"

/* What a correction needs to know of its target event. */
typedef struct target_state {
	int found; /* 1 found; 0 not; -1 (set by the caller) an event of the other kind */
	int voided;
	char void_reason[512];
	int64_t commune; /* -1: unknown (its household is not in the store) */
	char household_ref[32];
} target_state;

static void target_note(target_state *t, int voided, const char *reason, int64_t commune,
			const char *household_ref)
{
	t->found = 1;
	t->voided = voided;
	snprintf(t->void_reason, sizeof t->void_reason, "%s", reason ? reason : "");
	t->commune = commune;
	snprintf(t->household_ref, sizeof t->household_ref, "%s", household_ref ? household_ref : "?");
}

static proto_result note_ms(const agent_ms *m, void *arg)
{
	target_note(arg, m->voided, m->void_reason, m->commune, m->household_ref);
	return PROTO_OK;
}

static proto_result note_ct(const agent_ct *c, void *arg)
{
	target_note(arg, c->voided, c->void_reason, c->commune,
		    c->has_household ? c->household_ref : NULL);
	return PROTO_OK;
}

static int read_failed(agent_ctx *ctx, proto_result r)
{
	agent_err(_("cannot read the store: %s"), agent_store_cause(ctx, r));
	return AGENT_FAIL;
}

/* The id text names (full id or short reference) into *id; *found 0 if none. */
static int find_event(agent_ctx *ctx, uint8_t kind, const char *text, proto_id *id, target_state *t)
{
	agent_event_filter f = { .has_id = 1 };
	char ref[32];
	proto_result r;
	int n = 0;

	memset(t, 0, sizeof *t);
	if (agent_id_parse(text, id) != 0) {
		if (agent_ref_normalize(text, ref) != 0) {
			if (kind == PROTO_KIND_MILESTONE)
				agent_err(_("'%s' is not a milestone id; give one like 7KQ2-15 or a full id, as 'household show' lists them"),
					  text);
			else
				agent_err(_("'%s' is not a contribution id; give one like 7KQ2-15 or a full id, as 'contribution list' shows them"),
					  text);
			return AGENT_USAGE;
		}
		r = agent_event_by_ref(ctx, kind, ref, id, &n);
		if (r != PROTO_OK)
			return read_failed(ctx, r);
		if (n == 0)
			return AGENT_OK;
		if (n > 1) {
			agent_err(_("'%s' names more than one record; use the full id from the --json output"),
				  text);
			return AGENT_FAIL;
		}
	}
	f.id = *id;
	r = kind == PROTO_KIND_MILESTONE ? agent_ms_walk(ctx, &f, note_ms, t)
					 : agent_ct_walk(ctx, &f, note_ct, t);
	return r == PROTO_OK ? AGENT_OK : read_failed(ctx, r);
}

int agent_event_resolve_live(agent_ctx *ctx, uint8_t kind, const char *text, proto_id *id)
{
	int ms = kind == PROTO_KIND_MILESTONE;
	target_state t;
	int rc = find_event(ctx, kind, text, id, &t);

	if (rc != AGENT_OK)
		return rc;
	if (!t.found) {
		/* the id of the other kind of event: say which command takes it */
		target_state other;
		proto_id other_id;

		rc = find_event(ctx, ms ? PROTO_KIND_CONTRIBUTION : PROTO_KIND_MILESTONE, text,
				&other_id, &other);
		if (rc != AGENT_OK)
			return rc;
		t.found = other.found ? -1 : 0;
	}
	if (t.found < 0 && ms)
		agent_err(_("'%s' is a contribution, not a milestone; use 'maiam-agent contribution void %s'"),
			  text, text);
	else if (t.found < 0)
		agent_err(_("'%s' is a milestone, not a contribution; use 'maiam-agent milestone void %s'"),
			  text, text);
	else if (!t.found && ms)
		agent_err(_("milestone '%s' not found; 'maiam-agent household show ID' lists each milestone with its id"),
			  text);
	else if (!t.found)
		agent_err(_("contribution '%s' not found; 'maiam-agent contribution list' shows each contribution with its id"),
			  text);
	else if (t.voided && ms)
		agent_err(_("milestone '%s' is already voided (%s); nothing to do"), text, t.void_reason);
	else if (t.voided)
		agent_err(_("contribution '%s' is already voided (%s); nothing to do"), text,
			  t.void_reason);
	else if (t.commune >= 0 && t.commune != ctx->commune && ms)
		agent_err(_("milestone '%s' is of household %s in commune %lld; it is corrected on that commune's laptops"),
			  text, t.household_ref, (long long)t.commune);
	else if (t.commune >= 0 && t.commune != ctx->commune)
		agent_err(_("contribution '%s' belongs to commune %lld; it is corrected on that commune's laptops"),
			  text, (long long)t.commune);
	else
		return AGENT_OK;
	return AGENT_FAIL;
}

static int check_reason(const char *reason, uint8_t kind, uint8_t field)
{
	char err[512];

	if (!reason || !*reason) {
		agent_err(_("--reason is required: say why, in a few words; it stays in the audit trail"));
		return AGENT_USAGE;
	}
	if (agent_check_text(kind, field, reason, err, sizeof err) != 0) {
		agent_err(_("--reason: %s"), err);
		return AGENT_USAGE;
	}
	return AGENT_OK;
}

int agent_correction_begin(agent_ctx *ctx, const agent_correction *c, cli_spec *spec,
			   const char *const *reason, int argc, char **argv, int *exit_code)
{
	if (agent_parse_args(ctx, c->cmd, spec, c->help, argc, argv, exit_code))
		return 1;
	if (spec->nargs != 1) {
		agent_err("%s", c->needs_id);
		*exit_code = AGENT_USAGE;
		return 1;
	}
	*exit_code = check_reason(*reason, c->kind, c->field);
	if (*exit_code == AGENT_OK)
		*exit_code = agent_tx_begin(ctx);
	return *exit_code != AGENT_OK;
}

proto_result agent_void_build(agent_ctx *ctx, proto_changeset *cs, proto_id target, uint8_t target_kind,
			      const char *reason)
{
	proto_id id = { ctx->key_id, agent_take_serial(ctx) };
	proto_result r = proto_changeset_begin(cs, PROTO_KIND_VOID, id, agent_stamp(ctx), ctx->key_id);

	if (!r)
		r = proto_changeset_add_ref(cs, PROTO_VO_TARGET, 0, target);
	if (!r)
		r = proto_changeset_add_int(cs, PROTO_VO_TARGET_KIND, 0, target_kind);
	if (!r)
		r = proto_changeset_add_text(cs, PROTO_VO_REASON, 0, reason, strlen(reason));
	return r;
}

int agent_void_commit(agent_ctx *ctx, proto_id target, uint8_t target_kind, const char *reason,
		      const char *what)
{
	proto_changeset cs;
	proto_result r = agent_cs_init(ctx, &cs);

	if (!r)
		r = agent_void_build(ctx, &cs, target, target_kind, reason);
	return agent_record_commit(ctx, &cs, r, what);
}

static void void_help_ms(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent milestone void ID --reason TEXT\n\n"
		  "Voids a milestone recorded by mistake: a signed record that takes it out of\n"
		  "every count, kept with the reason. ID is the milestone's id as\n"
		  "'household show' lists it (e.g. 7KQ2-16). The stage may then be recorded\n"
		  "again.\n"));
}

static void void_help_ct(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent contribution void ID --reason TEXT\n\n"
		  "Voids a contribution recorded by mistake: a signed record that takes it out\n"
		  "of every count, kept with the reason. ID is the contribution's id as\n"
		  "'contribution list' shows it. To replace it with the right values in one\n"
		  "step, use 'contribution correct'.\n"));
}

int agent_event_void(agent_ctx *ctx, uint8_t kind, int argc, char **argv)
{
	int ms = kind == PROTO_KIND_MILESTONE;
	const char *reason = NULL;
	char *pos[1], full[40];
	const cli_opt opts[] = { CLI_STRING("reason", &reason, "TEXT", NULL) };
	cli_spec spec = { CLI_TABLE(opts), .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };
	const agent_correction c = {
		ms ? "milestone void" : "contribution void",
		ms ? void_help_ms : void_help_ct,
		ms ? _("'milestone void' needs the milestone's ID; e.g. 'milestone void 7KQ2-16 --reason \"wrong house\"'")
		   : _("'contribution void' needs the contribution's ID; e.g. 'contribution void 7KQ2-20 --reason \"entered twice\"'"),
		PROTO_KIND_VOID,
		PROTO_VO_REASON,
	};
	proto_id target;
	int rc;

	if (agent_correction_begin(ctx, &c, &spec, &reason, argc, argv, &rc))
		return rc;
	rc = agent_event_resolve_live(ctx, kind, pos[0], &target);
	if (rc != AGENT_OK) {
		agent_tx_rollback(ctx);
		return rc;
	}
	rc = agent_void_commit(ctx, target, kind, reason,
			       ms ? _("cannot void the milestone") : _("cannot void the contribution"));
	if (rc != AGENT_OK)
		return rc;
	agent_id_format(target, full);
	if (ctx->json)
		fprintf(ctx->out, "{\"voided\":\"%s\",\"kind\":\"%s\"}\n", full, proto_kind_name(kind));
	else if (ms)
		fprintf(ctx->out, _("Voided milestone %s: %s\n"), pos[0], reason);
	else
		fprintf(ctx->out, _("Voided contribution %s: %s\n"), pos[0], reason);
	return AGENT_OK;
}

static void withdraw_help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent household withdraw ID --reason TEXT\n\n"
		  "Takes a household out of every count (it moved away, was registered twice,\n"
		  "does not qualify...): a signed edit of the household that keeps the reason.\n"
		  "It stays in the store and in 'household list', marked as withdrawn; its\n"
		  "milestones and contributions no longer count either.\n"));
}

int agent_hh_withdraw(agent_ctx *ctx, int argc, char **argv)
{
	const char *reason = NULL;
	char *pos[1], ref[32];
	const cli_opt opts[] = { CLI_STRING("reason", &reason, "TEXT", NULL) };
	cli_spec spec = { CLI_TABLE(opts), .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };
	const agent_correction c = {
		"household withdraw",
		withdraw_help,
		_("'household withdraw' needs the household ID; e.g. 'household withdraw 7KQ2-15 --reason \"moved away\"'"),
		PROTO_KIND_HOUSEHOLD,
		PROTO_HH_WITHDRAWN,
	};
	proto_changeset cs;
	agent_row row;
	proto_id id;
	proto_result r;
	uint64_t base = 0;
	int rc, found = 0;

	if (agent_correction_begin(ctx, &c, &spec, &reason, argc, argv, &rc))
		return rc;
	rc = agent_hh_resolve_here(ctx, pos[0], &id);
	if (rc != AGENT_OK)
		goto fail;
	r = agent_hh_get(ctx, id, &row, &found);
	if (r == PROTO_OK && !found)
		r = PROTO_EDB; /* agent_hh_resolve_here found it in this transaction */
	if (r != PROTO_OK) {
		rc = read_failed(ctx, r);
		goto fail;
	}
	if (row.v[PROTO_HH_WITHDRAWN]) {
		agent_err(_("household %s is already withdrawn (%s); nothing to do"), pos[0],
			  row.v[PROTO_HH_WITHDRAWN]);
		agent_row_release(&row);
		rc = AGENT_FAIL;
		goto fail;
	}
	agent_row_release(&row);
	/* an edit of a register: its base is the field's stamp now, as household edit does */
	r = agent_cs_init(ctx, &cs);
	if (!r)
		r = agent_hh_field_stamp(ctx, id, PROTO_HH_WITHDRAWN, &base);
	if (!r)
		r = proto_changeset_begin(&cs, PROTO_KIND_HOUSEHOLD, id, agent_stamp(ctx), ctx->key_id);
	if (!r)
		r = proto_changeset_add_text(&cs, PROTO_HH_WITHDRAWN, base, reason, strlen(reason));
	rc = agent_record_commit(ctx, &cs, r, _("cannot withdraw the household"));
	if (rc != AGENT_OK)
		return rc;
	agent_ref_make(id.origin, id.serial, ref);
	if (ctx->json) {
		fprintf(ctx->out, "{\"ref\":\"%s\",\"withdrawn\":", ref);
		agent_json_str(ctx->out, reason);
		fputs("}\n", ctx->out);
	} else {
		fprintf(ctx->out, _("Withdrew household %s from every count: %s\n"), ref, reason);
	}
	return AGENT_OK;
fail:
	agent_tx_rollback(ctx);
	return rc;
}
