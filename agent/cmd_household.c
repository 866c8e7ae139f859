/*
 * cmd_household.c - "household add|edit" and the household subcommand
 * table (list, show, find live in household_view.c, import in cmd_import.c).
 * add and edit are each one transaction: the row, its outbox record and the
 * clock all commit together or not at all.
 */
#include <assert.h>
#include <string.h>
#include "agent.h"
#include "cmds.h"
#include "store.h"
#include "validate.h"

static void help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent household add --name NAME --hamlet HAMLET --members N\n"
		  "                                 --category CATEGORY [--FIELD VALUE ...]\n"
		  "       maiam-agent household edit ID --FIELD VALUE ...\n"
		  "       maiam-agent household list|show ID|find TEXT [--json]\n"
		  "       maiam-agent household import FILE.csv [--dry-run] [--skip-bad]\n"
		  "       maiam-agent household withdraw ID --reason TEXT\n\n"
		  "Fields:\n"
		  "  --name NAME            head of household (required)\n"
		  "  --national-id CCCD     12 digits, optional, unique in this store\n"
		  "  --hamlet HAMLET        ấp / khóm (required)\n"
		  "  --address TEXT\n"
		  "  --members N            people in the household, 1-99 (required)\n"
		  "  --category C           poor, near_poor, housing_hardship, policy_family, other\n"
		  "  --land-status S        certified, uncertified, family_land, rented,\n"
		  "                         public_land, other\n"
		  "  --condition TEXT       current state of the house\n"
		  "  --phone NUMBER         0xxxxxxxxx or +84xxxxxxxxx\n"
		  "  --note TEXT\n"
		  "  --support-kind K       new_build or repair\n"
		  "ID is the short reference (e.g. 7KQ2-15) or the full id. An empty value\n"
		  "clears an optional field in edit.\n"));
}

/* The option table of add and edit: one option per user field, named after
 * its column ("national-id"); value[i] is what was typed, NULL if not given. */
typedef struct field_opts {
	char names[PROTO_HH_NFIELDS][24];
	const char *value[PROTO_HH_NFIELDS];
	cli_opt opts[PROTO_HH_NFIELDS];
} field_opts;
_Static_assert(PROTO_HH_NFIELDS <= CLI_MAX_OPTS, "more household fields than a table holds");

static void field_opts_init(field_opts *fo, cli_spec *spec)
{
	/* the user fields are some of the household's fields */
	assert(agent_hh_nuser_fields <= CLI_ARRAY_SIZE(fo->opts));
	for (size_t i = 0; i < agent_hh_nuser_fields; i++) {
		agent_hh_option_name(agent_hh_user_fields[i], fo->names[i], sizeof fo->names[i]);
		fo->value[i] = NULL;
		fo->opts[i] = (cli_opt)CLI_STRING(fo->names[i], &fo->value[i], "VALUE", NULL);
	}
	spec->opts = fo->opts;
	spec->nopts = agent_hh_nuser_fields;
}

/* Check every given option into h; prints "--field: reason" on the first bad one. */
static int collect(const field_opts *fo, agent_hh *h, int *ngiven)
{
	char err[512];

	*ngiven = 0;
	for (size_t i = 0; i < agent_hh_nuser_fields; i++) {
		if (!fo->value[i])
			continue;
		(*ngiven)++;
		if (agent_hh_set(h, agent_hh_user_fields[i], fo->value[i], err, sizeof err) != 0) {
			agent_err(_("--%s: %s"), fo->names[i], err);
			return AGENT_USAGE;
		}
	}
	return AGENT_OK;
}

static proto_result add_value(proto_changeset *cs, const agent_hh *h, int f, uint64_t base)
{
	const proto_field_desc *d = proto_field_lookup(PROTO_KIND_HOUSEHOLD, (uint8_t)f);

	if (h->is_null[f])
		return proto_changeset_add_null(cs, (uint8_t)f, base);
	if (d && (d->types & PROTO_T(PROTO_V_INT)))
		return proto_changeset_add_int(cs, (uint8_t)f, base, h->num[f]);
	return proto_changeset_add_text(cs, (uint8_t)f, base, h->text[f], strlen(h->text[f]));
}

proto_result agent_hh_build(agent_ctx *ctx, proto_changeset *cs, proto_id id, const struct agent_hh *h,
			    uint64_t stamp, int is_new)
{
	proto_result r = proto_changeset_begin(cs, PROTO_KIND_HOUSEHOLD, id, stamp, ctx->key_id);
	char ref[32];

	for (int f = 1; r == PROTO_OK && f <= PROTO_HH_NFIELDS; f++) {
		if (is_new && f == PROTO_HH_REF) {
			agent_ref_make(id.origin, id.serial, ref);
			r = proto_changeset_add_text(cs, (uint8_t)f, 0, ref, strlen(ref));
		} else if (is_new && f == PROTO_HH_COMMUNE) {
			r = proto_changeset_add_int(cs, (uint8_t)f, 0, ctx->commune);
		} else if (h->given[f] && !(is_new && h->is_null[f])) {
			uint64_t base = 0; /* an edit's base: the field's stamp now */

			if (!is_new)
				r = agent_hh_field_stamp(ctx, id, f, &base);
			if (r == PROTO_OK)
				r = add_value(cs, h, f, base);
		}
	}
	return r;
}

/* The national id is unique in this store: name the other household. */
static int nid_free(agent_ctx *ctx, const agent_hh *h, proto_id self, const char *label)
{
	proto_id other;
	agent_row row;
	proto_result r;
	int found = 0;

	if (!h->given[PROTO_HH_NATIONAL_ID] || h->is_null[PROTO_HH_NATIONAL_ID])
		return AGENT_OK;
	r = agent_hh_by_national_id(ctx, h->text[PROTO_HH_NATIONAL_ID], self, &other, &found);
	if (r == PROTO_OK && !found)
		return AGENT_OK;
	if (r == PROTO_OK)
		r = agent_hh_get(ctx, other, &row, &found);
	if (r == PROTO_OK && found) {
		agent_err(_("%s: '%s' is already the national id of household %s (%s); check the number or edit that household"),
			  label, h->text[PROTO_HH_NATIONAL_ID],
			  row.v[PROTO_HH_REF] ? row.v[PROTO_HH_REF] : "?",
			  row.v[PROTO_HH_NAME] ? row.v[PROTO_HH_NAME] : "?");
		agent_row_release(&row);
	} else {
		agent_err(_("cannot read the store: %s"), agent_store_cause(ctx, r));
	}
	return AGENT_FAIL;
}

/* Build, merge and queue one household change; commits on success. */
static int record(agent_ctx *ctx, proto_id id, const agent_hh *h, int is_new)
{
	proto_changeset cs;
	proto_result r = agent_cs_init(ctx, &cs);

	if (r == PROTO_OK)
		r = agent_hh_build(ctx, &cs, id, h, agent_stamp(ctx), is_new);
	return agent_record_commit(ctx, &cs, r, _("cannot record the household"));
}

static void print_added(agent_ctx *ctx, proto_id id, const char *verb)
{
	char full[40], ref[32];

	agent_id_format(id, full);
	agent_ref_make(id.origin, id.serial, ref);
	if (ctx->json)
		fprintf(ctx->out, "{\"id\":\"%s\",\"ref\":\"%s\"}\n", full, ref);
	else
		fprintf(ctx->out, "%s %s (%s)\n", verb, ref, full);
}

static int add(agent_ctx *ctx, int argc, char **argv)
{
	field_opts fo;
	cli_spec spec = { 0 };
	char opt[24];
	agent_hh h;
	proto_id id = { 0, 0 };
	int rc, ngiven, missing;

	memset(&h, 0, sizeof h);
	field_opts_init(&fo, &spec);
	if (agent_parse_args(ctx, "household add", &spec, help, argc, argv, &rc))
		return rc;
	rc = collect(&fo, &h, &ngiven);
	if (rc != AGENT_OK)
		goto out;
	missing = agent_hh_missing(&h);
	if (missing) {
		agent_hh_option_name(missing, opt, sizeof opt);
		agent_err(_("--%s is required for 'household add'; see 'maiam-agent household --help'"),
			  opt);
		rc = AGENT_USAGE;
		goto out;
	}
	rc = agent_tx_begin(ctx);
	if (rc != AGENT_OK)
		goto out;
	rc = nid_free(ctx, &h, id, "--national-id");
	if (rc != AGENT_OK) {
		agent_tx_rollback(ctx);
		goto out;
	}
	id.origin = ctx->key_id;
	id.serial = agent_take_serial(ctx);
	rc = record(ctx, id, &h, 1);
	if (rc == AGENT_OK)
		print_added(ctx, id, _("Added household"));
out:
	agent_hh_release(&h);
	return rc;
}

/* Drop the fields whose new value equals the stored one: an edit that
 * changes nothing must not create a change (nor a false conflict). */
static int drop_unchanged(agent_hh *h, const agent_row *cur)
{
	int left = 0;
	char num[32];

	for (int f = 1; f <= PROTO_HH_NFIELDS; f++) {
		const char *now;

		if (!h->given[f])
			continue;
		now = h->text[f];
		if (!h->is_null[f] && (f == PROTO_HH_MEMBERS)) {
			snprintf(num, sizeof num, "%lld", (long long)h->num[f]);
			now = num;
		}
		if (h->is_null[f] ? cur->v[f] == NULL : (cur->v[f] && strcmp(cur->v[f], now) == 0))
			h->given[f] = 0;
		else
			left++;
	}
	return left;
}

static int edit(agent_ctx *ctx, int argc, char **argv)
{
	field_opts fo;
	char *pos[1];
	cli_spec spec = { .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };
	agent_hh h;
	agent_row cur;
	proto_id id;
	proto_result r;
	int rc, ngiven, found;

	memset(&h, 0, sizeof h);
	field_opts_init(&fo, &spec);
	if (agent_parse_args(ctx, "household edit", &spec, help, argc, argv, &rc))
		return rc;
	rc = AGENT_OK;
	if (spec.nargs != 1) {
		agent_err(_(
			"'household edit' needs the household ID; e.g. 'household edit 7KQ2-15 --members 5'"));
		rc = AGENT_USAGE;
	}
	if (rc == AGENT_OK)
		rc = collect(&fo, &h, &ngiven);
	if (rc == AGENT_OK && ngiven == 0) {
		agent_err(_("nothing to change; give at least one --FIELD VALUE (see 'household --help')"));
		rc = AGENT_USAGE;
	}
	if (rc != AGENT_OK)
		goto out;
	rc = agent_tx_begin(ctx);
	if (rc != AGENT_OK)
		goto out;
	rc = agent_hh_resolve_here(ctx, pos[0], &id);
	if (rc == AGENT_OK)
		rc = nid_free(ctx, &h, id, "--national-id");
	if (rc != AGENT_OK) {
		agent_tx_rollback(ctx);
		goto out;
	}
	r = agent_hh_get(ctx, id, &cur, &found);
	if (r != PROTO_OK || !found) {
		agent_tx_rollback(ctx);
		agent_err(_("cannot read the store: %s"), agent_store_cause(ctx, r));
		rc = AGENT_FAIL;
		goto out;
	}
	if (drop_unchanged(&h, &cur) == 0) {
		agent_row_release(&cur);
		agent_tx_rollback(ctx);
		if (!ctx->json)
			fprintf(ctx->out, _("Nothing changed: household %s already has these values\n"),
				pos[0]);
		else
			print_added(ctx, id, "");
		goto out;
	}
	agent_row_release(&cur);
	rc = record(ctx, id, &h, 0);
	if (rc == AGENT_OK)
		print_added(ctx, id, _("Changed household"));
out:
	agent_hh_release(&h);
	return rc;
}

int agent_cmd_household(agent_ctx *ctx, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(agent_ctx *, int, char **);
	} subs[] = {
		{ "add", add },
		{ "edit", edit },
		{ "list", agent_hh_list },
		{ "show", agent_hh_show },
		{ "find", agent_hh_find },
		{ "import", agent_cmd_import },
		{ "withdraw", agent_hh_withdraw },
	};

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		help(argc < 2 ? stderr : ctx->out);
		return argc < 2 ? AGENT_USAGE : AGENT_OK;
	}
	for (size_t i = 0; i < CLI_ARRAY_SIZE(subs); i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].fn(ctx, argc - 1, argv + 1);
	agent_err(_("unknown household command '%s'; use add, edit, list, show, find, import or withdraw"),
		  argv[1]);
	return AGENT_USAGE;
}
