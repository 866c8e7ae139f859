/*
 * household_view.c - "household list|show|find": read-only views; show is
 * the household's audit trail (every event with its id, voided or not). find
 * folds case and Vietnamese diacritics on both sides, so a worker typing on
 * a keyboard without Telex still finds "Nguyễn Văn Ân"; it also matches the
 * national id and the short reference. show lists the household's photos
 * and each milestone's under it, by the first 8 digits of their hash.
 */
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "cmds.h"
#include "household_match.h"
#include "photo_store.h"
#include "store.h"
#include "maiam/text.h"
#include "validate.h"

static const char *stage_name(int rank)
{
	return rank >= 1 && rank <= 8 ? proto_stages[rank - 1] : NULL;
}

/* The household's members as JSON, without the closing brace. */
static void hh_json_open(agent_ctx *ctx, const agent_row *row)
{
	char full[40];

	agent_id_format(row->id, full);
	fprintf(ctx->out, "{\"id\":\"%s\"", full);
	for (int f = 1; f <= PROTO_HH_NFIELDS; f++) {
		const proto_field_desc *d = proto_field_lookup(PROTO_KIND_HOUSEHOLD, (uint8_t)f);

		fprintf(ctx->out, ",\"%s\":", d->column);
		if (row->v[f] && (d->types & PROTO_T(PROTO_V_INT)))
			fputs(row->v[f], ctx->out); /* SQLite's text of an INTEGER */
		else
			agent_json_str(ctx->out, row->v[f]);
	}
	fputs(",\"stage\":", ctx->out);
	agent_json_str(ctx->out, stage_name(row->stage));
}

void agent_hh_json(agent_ctx *ctx, const agent_row *row)
{
	hh_json_open(ctx, row);
	fputc('}', ctx->out);
}

/* Callbacks of show: ctx plus how many items went out (for the commas). */
typedef struct show_state {
	agent_ctx *ctx;
	size_t n;
} show_state;

typedef struct view {
	agent_ctx *ctx;
	agent_table *table;
	size_t n;
	agent_hh_match match; /* find only */
} view;

static proto_result emit(agent_row *row, void *arg)
{
	view *v = arg;
	char members[8] = "";

	if (v->ctx->json) {
		fputs(v->n ? ",\n" : "\n", v->ctx->out);
		agent_hh_json(v->ctx, row);
	} else {
		const char *cells[8];

		cells[0] = row->v[PROTO_HH_REF];
		cells[1] = row->v[PROTO_HH_NAME];
		cells[2] = row->v[PROTO_HH_NATIONAL_ID];
		cells[3] = row->v[PROTO_HH_HAMLET];
		snprintf(members, sizeof members, "%s",
			 row->v[PROTO_HH_MEMBERS] ? row->v[PROTO_HH_MEMBERS] : "");
		cells[4] = members;
		cells[5] = agent_label(PROTO_KIND_HOUSEHOLD, PROTO_HH_CATEGORY, row->v[PROTO_HH_CATEGORY]);
		/* out of every count: the list says so where the progress would be */
		cells[6] = row->v[PROTO_HH_WITHDRAWN] ? _("(withdrawn)")
						      : agent_label(PROTO_KIND_MILESTONE, PROTO_MS_STAGE,
								    stage_name(row->stage));
		/* the hub's review: "proposed" until it decides (store_stmt.c) */
		cells[7] = agent_label(PROTO_KIND_HOUSEHOLD, PROTO_HH_REVIEW_STATUS,
				       row->v[PROTO_HH_REVIEW_STATUS]);
		if (agent_table_add(v->table, cells) != 0)
			return PROTO_ENOMEM;
	}
	v->n++;
	return PROTO_OK;
}

static int show_all(agent_ctx *ctx, view *v, int (*keep)(const agent_row *, void *))
{
	const char *heads[8] = { _("REF"),     _("NAME"),     _("NATIONAL ID"), _("HAMLET"),
				 _("MEMBERS"), _("CATEGORY"), _("STAGE"),       _("REVIEW") };
	proto_result r;

	v->ctx = ctx;
	if (!ctx->json && !(v->table = agent_table_new(8, heads))) {
		agent_err(_("out of memory"));
		return AGENT_FAIL;
	}
	if (ctx->json)
		fputc('[', ctx->out);
	r = agent_hh_foreach_if(ctx, keep, emit, v);
	if (ctx->json)
		fputs(v->n ? "\n]\n" : "]\n", ctx->out);
	else if (v->n)
		agent_table_print(v->table, ctx->out);
	agent_table_free(v->table);
	if (r != PROTO_OK) {
		agent_err(_("cannot read the store: %s"), agent_store_cause(ctx, r));
		return AGENT_FAIL;
	}
	return AGENT_OK;
}

static void view_help(FILE *f)
{
	fprintf(f, "%s",
		_("usage: maiam-agent household list [--json]\n"
		  "       maiam-agent household show ID [--json]\n"
		  "       maiam-agent household find TEXT [--json]\n"
		  "find ignores case and Vietnamese diacritics, and also matches the national\n"
		  "id (or part of it) and the short reference. show lists every milestone and\n"
		  "contribution with its id, voided ones marked with the reason, and the\n"
		  "photos by the first 8 digits of their hash; list marks\n"
		  "withdrawn households and shows the hub's review of each (REVIEW).\n"));
}

int agent_hh_list(agent_ctx *ctx, int argc, char **argv)
{
	view v;
	cli_spec spec = { 0 };
	int rc;

	if (agent_parse_args(ctx, "household list", &spec, view_help, argc, argv, &rc))
		return rc;
	memset(&v, 0, sizeof v);
	rc = show_all(ctx, &v, NULL);
	if (rc == AGENT_OK && !ctx->json && v.n == 0)
		fprintf(ctx->out, "%s",
			_("No households yet; add one with 'maiam-agent household add'\n"));
	return rc;
}

/* find's filter, before a row is copied and staged (agent_hh_foreach_if). */
static int matches(const agent_row *row, void *arg)
{
	const view *v = arg;

	return agent_hh_match_row(&v->match, row);
}

int agent_hh_find(agent_ctx *ctx, int argc, char **argv)
{
	char *pos[8], text[1024];
	cli_spec spec = { .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };
	size_t npos, o = 0;
	view v;
	int rc;

	if (agent_parse_args(ctx, "household find", &spec, view_help, argc, argv, &rc))
		return rc;
	npos = spec.nargs;
	if (npos == 0) {
		agent_err(_(
			"'household find' needs a text to look for; e.g. 'household find nguyen van an'"));
		return AGENT_USAGE;
	}
	text[0] = '\0';
	/* Unquoted words are one search: "find nguyen van an". */
	for (size_t i = 0; i < npos; i++) {
		int w = snprintf(text + o, sizeof text - o, "%s%s", i ? " " : "", pos[i]);

		if (w < 0 || (size_t)w >= sizeof text - o) {
			agent_err(_("the search text is too long; shorten it"));
			return AGENT_USAGE;
		}
		o += (size_t)w;
	}
	memset(&v, 0, sizeof v);
	if (agent_hh_match_init(&v.match, text) != 0) {
		agent_err(_("out of memory"));
		return AGENT_FAIL;
	}
	rc = show_all(ctx, &v, matches);
	if (rc == AGENT_OK && !ctx->json && v.n == 0)
		fprintf(ctx->out, _("No household matches '%s'\n"), text);
	agent_hh_match_release(&v.match);
	return rc;
}

/* "  [voided: reason]" after an event that no longer counts. */
static void voided_mark(agent_ctx *ctx, int voided, const char *reason)
{
	if (!voided)
		return;
	if (reason)
		fprintf(ctx->out, _("  [voided: %s]"), reason);
	else
		fputs(_("  [voided]"), ctx->out);
}

static void json_voided(agent_ctx *ctx, proto_id id, int voided, const char *reason)
{
	char full[40], ref[32];

	agent_id_format(id, full);
	agent_ref_make(id.origin, id.serial, ref);
	fprintf(ctx->out, ",\"id\":\"%s\",\"ref\":\"%s\",\"voided\":%s,\"void_reason\":", full, ref,
		voided ? "true" : "false");
	agent_json_str(ctx->out, reason);
}

/* The photos of one household or milestone as show walks them. */
typedef struct photo_state {
	agent_ctx *ctx;
	size_t n;
	const char *indent; /* text: before each line */
} photo_state;

/* One photo of the household or of a milestone, in show's layout. */
static proto_result show_photo(const agent_photo *p, void *arg)
{
	photo_state *s = arg;

	if (s->ctx->json) {
		fputs(s->n++ ? "," : "", s->ctx->out);
		agent_photo_json(s->ctx, p);
	} else {
		agent_photo_show(s->ctx, p, s->indent);
	}
	return PROTO_OK;
}

/* The photos of target: ,"photos":[...] in --json, else a line each. */
static proto_result show_photos(agent_ctx *ctx, proto_id target, uint8_t kind)
{
	/* a milestone's photos stand under it, the household's in their list */
	photo_state st = { ctx, 0, kind == PROTO_KIND_MILESTONE ? "             " : "  " };
	proto_result r;

	if (ctx->json)
		fputs(",\"photos\":[", ctx->out);
	r = agent_photo_walk(ctx, target, kind, show_photo, &st);
	if (ctx->json)
		fputc(']', ctx->out);
	return r;
}

static proto_result show_ms(const agent_ms *m, void *arg)
{
	show_state *s = arg;
	agent_ctx *ctx = s->ctx;
	char ref[32];
	proto_result r;

	if (ctx->json) {
		fprintf(ctx->out, "%s{\"stage\":", s->n++ ? "," : "");
		agent_json_str(ctx->out, m->stage);
		fputs(",\"date\":", ctx->out);
		agent_json_str(ctx->out, m->date);
		fputs(",\"note\":", ctx->out);
		agent_json_str(ctx->out, m->note);
		fputs(",\"forced\":", ctx->out);
		agent_json_str(ctx->out, m->forced);
		json_voided(ctx, m->id, m->voided, m->void_reason);
		r = show_photos(ctx, m->id, PROTO_KIND_MILESTONE);
		fputs("}", ctx->out);
	} else {
		char day[16];

		agent_ref_make(m->id.origin, m->id.serial, ref);
		agent_show_date(m->date, day);
		fprintf(ctx->out, "  %-10s %s  ", ref, day);
		agent_pad(ctx->out, agent_label(PROTO_KIND_MILESTONE, PROTO_MS_STAGE, m->stage), 12);
		fprintf(ctx->out, " %s", m->note ? m->note : "");
		if (m->forced)
			fprintf(ctx->out, _("  [forced: %s]"), m->forced);
		voided_mark(ctx, m->voided, m->void_reason);
		fputc('\n', ctx->out);
		r = show_photos(ctx, m->id, PROTO_KIND_MILESTONE);
	}
	return r;
}

static proto_result show_ct(const agent_ct *c, void *arg)
{
	show_state *s = arg;
	agent_ctx *ctx = s->ctx;
	char ref[32], given[160];

	if (ctx->json) {
		fputs(s->n++ ? "," : "", ctx->out);
		agent_ct_json(ctx, c);
	} else {
		char day[16];

		agent_ref_make(c->id.origin, c->id.serial, ref);
		agent_ct_given(c, given, sizeof given);
		agent_show_date(c->date ? c->date : "", day);
		fprintf(ctx->out, "  %-10s %s  ", ref, day);
		agent_pad(ctx->out, agent_label(PROTO_KIND_CONTRIBUTION, PROTO_CT_SOURCE, c->source), 18);
		fprintf(ctx->out, " %s", given);
		if (c->donor)
			fprintf(ctx->out, " (%s)", c->donor);
		voided_mark(ctx, c->voided, c->void_reason);
		fputc('\n', ctx->out);
	}
	return PROTO_OK;
}
/* The field names, as the hub's 'household show' words them: gettext
 * leaves an untranslated name as it is, and English shows the column. */
static const char *const field_names[] = {
	N_("household show: id"),
	N_("household show: ref"),
	N_("household show: name"),
	N_("household show: national_id"),
	N_("household show: commune"),
	N_("household show: hamlet"),
	N_("household show: address"),
	N_("household show: members"),
	N_("household show: category"),
	N_("household show: land_status"),
	N_("household show: condition"),
	N_("household show: phone"),
	N_("household show: note"),
	N_("household show: support_kind"),
	N_("household show: review_status"),
	N_("household show: review_reason"),
	N_("household show: withdrawn"),
};

const char *agent_hh_field_name(const char *column)
{
	static const char prefix[] = "household show: ";

	for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++) {
		const char *t;

		if (strcmp(field_names[i] + sizeof prefix - 1, column) != 0)
			continue;
		t = _(field_names[i]);
		if (t != field_names[i] && strcmp(t, field_names[i]) != 0)
			return t;
		break;
	}
	return NULL;
}

/* One "name: value" line, names padded by the width a terminal shows. */
static void show_field(agent_ctx *ctx, const char *column, const char *value)
{
	const char *name = agent_hh_field_name(column);
	char label[64];

	snprintf(label, sizeof label, "%s:", name ? name : column);
	/* English keeps the layout scripts read; the longest Vietnamese name
	 * ("Xác nhận của tỉnh:") is 18 columns */
	agent_pad(ctx->out, label, agent_lang_vi() ? 19 : 14);
	fprintf(ctx->out, " %s\n", value);
}

int agent_hh_show(agent_ctx *ctx, int argc, char **argv)
{
	char *pos[1], full[40];
	agent_row row;
	proto_id id;
	show_state st = { ctx, 0 };
	agent_event_filter f = { 0 };
	cli_spec spec = { .args = pos, .maxargs = CLI_ARRAY_SIZE(pos) };
	proto_result r;
	int found = 0;
	int rc;

	if (agent_parse_operands(ctx, "household show", &spec, view_help, argc, argv,
				 _("'household show' needs the household ID; e.g. 'household show 7KQ2-15'"),
				 &rc))
		return rc;
	rc = agent_hh_resolve(ctx, pos[0], &id);
	if (rc != AGENT_OK)
		return rc;
	r = agent_hh_get(ctx, id, &row, &found);
	if (r != PROTO_OK || !found) {
		agent_err(_("cannot read the store: %s"), agent_store_cause(ctx, r));
		return AGENT_FAIL;
	}
	/* every event, voided ones marked: the household's audit trail */
	f.has_household = 1;
	f.household = id;
	if (ctx->json) {
		hh_json_open(ctx, &row);
		fputs(",\"milestones\":[", ctx->out);
		st.n = 0;
		r = agent_ms_walk(ctx, &f, show_ms, &st);
		fputs("],\"contributions\":[", ctx->out);
		st.n = 0;
		if (r == PROTO_OK)
			r = agent_ct_walk(ctx, &f, show_ct, &st);
		fputc(']', ctx->out);
		if (r == PROTO_OK)
			r = show_photos(ctx, id, PROTO_KIND_HOUSEHOLD);
		fputs("}\n", ctx->out);
	} else {
		agent_id_format(id, full);
		show_field(ctx, "id", full);
		for (int fl = 1; fl <= PROTO_HH_NFIELDS; fl++) {
			const proto_field_desc *d = proto_field_lookup(PROTO_KIND_HOUSEHOLD, (uint8_t)fl);

			show_field(ctx, d->column,
				   row.v[fl] ? agent_label(PROTO_KIND_HOUSEHOLD, (uint8_t)fl, row.v[fl])
					     : "-");
		}
		fprintf(ctx->out, "%s\n", _("milestones:"));
		r = agent_ms_walk(ctx, &f, show_ms, &st);
		fprintf(ctx->out, "%s\n", _("contributions:"));
		if (r == PROTO_OK)
			r = agent_ct_walk(ctx, &f, show_ct, &st);
		fprintf(ctx->out, "%s\n", _("photos:"));
		if (r == PROTO_OK)
			r = show_photos(ctx, id, PROTO_KIND_HOUSEHOLD);
	}
	agent_row_release(&row);
	if (r != PROTO_OK) {
		agent_err(_("cannot read the store: %s"), agent_store_cause(ctx, r));
		return AGENT_FAIL;
	}
	return AGENT_OK;
}
