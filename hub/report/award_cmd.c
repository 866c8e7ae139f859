/*
 * award_cmd.c - maiam-hub award nominate|list|accept|return: award
 * nominations within the quotas from the hub's terminal (award.h). The
 * terminal may do every step; --by names who, signed into the decision
 * (default $USER@cli).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "maiam/cli.h"
#include "award.h"
#include "decision.h"
#include "hub.h"
#include "i18n.h"
#include "json.h"

/* The stamp's time in Vietnam, "YYYY-MM-DD HH:MM" (or "" for 0). */
static void stamp_text(uint64_t stamp, char out[20])
{
	time_t t = (time_t)((stamp >> 16) / 1000) + 7 * 3600;
	struct tm tm;

	out[0] = '\0';
	if (stamp && gmtime_r(&t, &tm))
		strftime(out, 20, "%Y-%m-%d %H:%M", &tm);
}

static int json_nomination(proto_buf *b, const award_nomination *a, bool first)
{
	char at[20], decided[20];

	stamp_text(a->nominated_at, at);
	stamp_text(a->decided_at, decided);
	return proto_buf_append_str(b, first ? "\n  {\"id\": " : ",\n  {\"id\": ") ||
	       hub_json_str(b, a->id) || proto_buf_append_str(b, ", \"unit\": ") ||
	       hub_json_str(b, a->unit) ||
	       proto_buf_appendf(b, ", \"kind\": \"%s\", \"name\": ", award_kind_names[a->individual]) ||
	       hub_json_str(b, a->name) || proto_buf_append_str(b, ", \"position\": ") ||
	       hub_json_str(b, a->position) || proto_buf_append_str(b, ", \"achievements\": ") ||
	       hub_json_str(b, a->achievements) || proto_buf_append_str(b, ", \"backing\": ") ||
	       hub_json_str(b, a->backing) || proto_buf_append_str(b, ", \"nominated_by\": ") ||
	       hub_json_str(b, a->nominated_by) || proto_buf_append_str(b, ", \"nominated_at\": ") ||
	       hub_json_str(b, at) ||
	       proto_buf_appendf(b,
				 ", \"status\": \"%s\", \"decided_by\": ", award_status_names[a->status]) ||
	       hub_json_str(b, a->decided_by) || proto_buf_append_str(b, ", \"decided_at\": ") ||
	       hub_json_str(b, a->decided_at ? decided : NULL) ||
	       proto_buf_append_str(b, ", \"note\": ") || hub_json_str(b, a->note) ||
	       proto_buf_appendf(b, ", \"below_target_on_time\": %s}", a->flagged ? "true" : "false");
}

/* Each unit's quotas and places used: every district, then the province's groups. */
typedef int (*unit_fn)(void *arg, const char *unit);
static int each_unit(const proto_campaign *c, const char *only, unit_fn fn, void *arg)
{
	char code[16];
	size_t i;

	for (i = 0; i < c->ntargets; i++) {
		snprintf(code, sizeof(code), "%d", c->targets[i].district);
		if ((!only || strcmp(only, code) == 0) && fn(arg, code))
			return -1;
	}
	if ((!only || strcmp(only, AWARD_PROVINCE) == 0) && fn(arg, AWARD_PROVINCE))
		return -1;
	return (!only || strcmp(only, AWARD_WORKING_GROUP) == 0) && fn(arg, AWARD_WORKING_GROUP) ? -1 : 0;
}

typedef struct quota_out {
	const proto_campaign *c;
	const award_list *l;
	proto_buf *b;
	int json, n;
} quota_out;

static int quota_line(void *arg, const char *unit)
{
	quota_out *q = arg;
	int cq = award_quota(q->c, unit, false), iq = award_quota(q->c, unit, true);
	int cu = award_places_used(q->l, unit, false), iu = award_places_used(q->l, unit, true);

	if (!q->json) {
		char coll[24], ind[24];

		snprintf(coll, sizeof(coll), "%d/%d", cu, cq);
		snprintf(ind, sizeof(ind), "%d/%d", iu, iq);
		return proto_buf_appendf(q->b, "%-14s %-11s %-11s %s\n", unit, coll, ind,
					 award_unit_name(q->c, unit, REPORT_OPERATOR))
			       ? -1
			       : 0;
	}
	return proto_buf_append_str(q->b, q->n++ ? ",\n  {\"unit\": " : "\n  {\"unit\": ") ||
			       hub_json_str(q->b, unit) || proto_buf_append_str(q->b, ", \"name\": ") ||
			       hub_json_str(q->b, award_unit_name(q->c, unit, REPORT_VI)) ||
			       proto_buf_appendf(q->b,
						 ", \"collectives\": %d, \"collectives_used\": %d,"
						 " \"individuals\": %d, \"individuals_used\": %d}",
						 cq, cu, iq, iu)
		       ? -1
		       : 0;
}

static int list_nominations(hub_ctx *ctx, const char *unit, int json)
{
	const proto_campaign *c = &ctx->cfg->campaign;
	quota_out q = { c, NULL, NULL, json, 0 };
	char err[512], at[20];
	award_list l;
	proto_buf b;
	size_t i;
	int bad = 0;

	if (award_list_load(ctx->db, c, unit, &l, err, sizeof(err)) != HUB_OK) {
		hub_errorf(_("cannot read the award nominations: %s"), err);
		return HUB_EXIT_FAIL;
	}
	proto_buf_init(&b, 4096);
	q.l = &l;
	q.b = &b;
	if (json)
		bad |= proto_buf_append_str(&b, "{\"nominations\": [") != PROTO_OK;
	else /* column names, as --json's keys: the same in every language */
		bad |= proto_buf_append_str(&b,
					    "ID     UNIT           KIND        STATUS    3.1.a  NAME\n") !=
		       PROTO_OK;
	for (i = 0; i < l.n && !bad; i++) {
		const award_nomination *a = &l.a[i];

		stamp_text(a->nominated_at, at);
		if (json)
			bad |= json_nomination(&b, a, i == 0);
		else
			bad |= proto_buf_appendf(&b, "%-6s %-14s %-11s %-9s %-6s %s (%s, %s)\n", a->id,
						 a->unit, award_kind_names[a->individual],
						 award_status_names[a->status], a->flagged ? "yes" : "-",
						 a->name, a->nominated_by, at) != PROTO_OK;
	}
	if (json)
		bad |= proto_buf_append_str(&b, "],\n \"quotas\": [") != PROTO_OK;
	else
		bad |= proto_buf_append_str(
			       &b, "\nUNIT           COLLECTIVES INDIVIDUALS NAME   (used/quota)\n") !=
		       PROTO_OK;
	bad |= each_unit(c, unit, quota_line, &q) != 0;
	if (json)
		bad |= proto_buf_append_str(&b, "]}\n") != PROTO_OK;
	if (!bad)
		bad = fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) != 0;
	proto_buf_release(&b);
	award_list_release(&l);
	if (!bad)
		return HUB_EXIT_OK;
	hub_errorf("%s", _("cannot write the award nominations to standard output"));
	return HUB_EXIT_FAIL;
}

/* The exit code of a refused or failed step (said). */
static int failed(hub_result r, const char *err)
{
	hub_errorf("%s", err);
	return r == HUB_REFUSED ? HUB_EXIT_USAGE : HUB_EXIT_FAIL;
}

int hub_award_cmd(int argc, char **argv)
{
	static const char *const subs[] = { "nominate", "list", "accept", "return", NULL };
	static const hub_group group = {
		"award", subs,
		N_("award nominate --unit UNIT --kind collective|individual --name NAME [--position TEXT]"
		   " --achievements TEXT [--backing ID...] [--by NAME]; award list [--unit UNIT] [--json];"
		   " award accept ID [--by NAME]; award return ID --note TEXT [--by NAME]; [--dir DIR]"
		   "   (UNIT: a district's code, province or working_group)")
	};
	const char *dir = hub_default_dir(), *sub = argc > 1 ? argv[1] : "", *unit = NULL, *name = NULL;
	const char *position = NULL, *achievements = NULL, *note = NULL, *by = NULL,
		   *backing[AWARD_BACKING_MAX + 1];
	char cli_operator[PROTO_OPERATOR_MAX + 1], err[768], id[AWARD_ID_MAX], *pos[1];
	cli_list backing_list = { backing, CLI_ARRAY_SIZE(backing), 0 };
	int kind = -1, json = 0, rc = HUB_EXIT_FAIL;
	bool nominating = strcmp(sub, "nominate") == 0, listing = strcmp(sub, "list") == 0, found;
	award_actor who = { NULL, HUB_ROLE_ADMIN, 0, true };
	hub_ctx ctx;
	hub_result r;
	const cli_opt opts[] = {
		HUB_DIR_OPT(&dir),
		CLI_STRING("unit", &unit, "UNIT",
			   N_("nominate, list: a district's code, province or working_group")),
		CLI_CHOICE("kind", &kind, award_kind_names, "collective|individual",
			   N_("nominate: a collective or an individual (required)")),
		CLI_STRING("name", &name, "NAME", N_("nominate: who is nominated (required)")),
		CLI_STRING("position", &position, "TEXT", N_("nominate: an individual's position")),
		CLI_STRING("achievements", &achievements, "TEXT",
			   N_("nominate: the achievements in words (required)")),
		CLI_LIST("backing", &backing_list, "ID",
			 N_("nominate: a record that backs them (repeatable)")),
		CLI_STRING("note", &note, "TEXT", N_("return: why (required); accept: optional")),
		CLI_STRING("by", &by, "NAME", N_("who does it, signed with it (default $USER@cli)")),
		CLI_FLAG("json", &json, N_("list: as JSON")),
	};
	cli_spec spec = { CLI_TABLE(opts), .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };

	if (hub_parse_args(&group, nominating || listing ? "" : "ID", &spec, argc, argv, &rc))
		return rc;
	if ((nominating || listing) && spec.nargs) {
		hub_errorf(_("an option given is not one of 'award %s': see 'maiam-hub award %s --help'"),
			   sub, sub);
		return HUB_EXIT_USAGE;
	}
	if (!nominating && !listing && !spec.nargs) {
		hub_errorf(_("award %s needs a nomination ID (from 'maiam-hub award list')"), sub);
		return HUB_EXIT_USAGE;
	}
	if (nominating && (!unit || kind < 0 || !name || !achievements)) {
		hub_errorf("%s", _("award nominate needs --unit UNIT, --kind collective|individual, --name"
				   " NAME and --achievements TEXT"));
		return HUB_EXIT_USAGE;
	}
	if ((!nominating && (kind >= 0 || name || position || achievements || backing_list.n)) ||
	    (!listing && json) || (!nominating && !listing && unit) || ((nominating || listing) && note)) {
		hub_errorf(_("an option given is not one of 'award %s': see 'maiam-hub award %s --help'"),
			   sub, sub);
		return HUB_EXIT_USAGE;
	}
	who.name = by ? by : hub_cli_operator(cli_operator, sizeof(cli_operator));
	if (hub_open(&ctx, dir, err, sizeof(err)) != HUB_OK) {
		hub_errorf("%s", err);
		return HUB_EXIT_FAIL;
	}
	if (listing && unit && award_unit_district(&ctx.cfg->campaign, unit) < 0) {
		hub_errorf(_("'%s' is not a nominating unit: give a district's code (see"
			     " 'maiam-hub report awards'), 'province' or 'working_group'"),
			   unit);
		rc = HUB_EXIT_USAGE;
	} else if (listing) {
		rc = list_nominations(&ctx, unit, json);
	} else if (nominating) {
		award_entry e = { unit, kind == 1, name, position, achievements, backing, backing_list.n };

		r = award_nominate(&ctx, &who, &e, REPORT_OPERATOR, id, err, sizeof(err));
		if (r != HUB_OK) {
			rc = failed(r, err);
		} else {
			printf(_("%s: %s nominated for %s by %s\n"), id, name,
			       award_unit_name(&ctx.cfg->campaign, unit, REPORT_OPERATOR), who.name);
			rc = HUB_EXIT_OK;
		}
	} else {
		bool accept = strcmp(sub, "accept") == 0;

		r = award_decide(&ctx, &who, pos[0], accept, note, REPORT_OPERATOR, &found, err,
				 sizeof(err));
		if (r != HUB_OK) {
			rc = failed(r, err);
		} else if (!found) {
			hub_errorf(_("no nomination '%s': see 'maiam-hub award list'"), pos[0]);
			rc = HUB_EXIT_USAGE;
		} else {
			printf(accept ? _("%s accepted by %s\n")
				      : _("%s returned by %s: its place is free\n"),
			       pos[0], who.name);
			rc = HUB_EXIT_OK;
		}
	}
	hub_close(&ctx);
	return rc;
}
