/*
 * page_form_contribution.c - record a contribution (/contribution/new?hh=REF,
 * or without hh for the commune as a whole): the source, money, labour days
 * or a material with its value, the donor, the day and a note. A save runs
 * "contribution add" (run.c) with the CLI's options: the same checks,
 * transaction and messages as the CLI.
 */
#include <stdlib.h>
#include <string.h>
#include "form.h"
#include "validate.h"

#define ARG_MAX (AGENT_FORM_VALUE_MAX + 32)

/* The typed fields, in the form's order, as the command's options. */
static const struct ct_field {
	const char *name, *label, *hint; /* label, hint: N_() */
	agent_field_kind kind;
} ct_fields[] = {
	{ "money", N_("Money (VND)"), N_("whole đồng, e.g. 25.000.000"), AGENT_FIELD_NUMBER },
	{ "labour-days", N_("Labour days given"), NULL, AGENT_FIELD_NUMBER },
	{ "material", N_("Material given"), N_("what was given, e.g. 50 bags of cement"),
	  AGENT_FIELD_TEXT },
	{ "material-value", N_("Value of the material (VND)"), NULL, AGENT_FIELD_NUMBER },
	{ "donor", N_("Name of the donor"), N_("who gave it, if known"), AGENT_FIELD_TEXT },
	{ "date", N_("Date given"), N_("the day it was given (dd/mm/yyyy)"), AGENT_FIELD_DATE },
	{ "note", N_("Note, if any"), NULL, AGENT_FIELD_TEXTAREA },
};
#define NFIELDS (sizeof(ct_fields) / sizeof(ct_fields[0]))

static const char *const field_names[] = {
	"source", "money", "labour-days", "material", "material-value", "donor", "date", "note", NULL,
};

/* row: the household, or NULL for the commune as a whole. */
static void page(agent_ui_req *r, agent_form *f, const agent_row *row, int status)
{
	const char *ref = row && row->v[PROTO_HH_REF] ? row->v[PROTO_HH_REF] : NULL;
	char title[256], today[11];
	proto_buf b;

	proto_buf_init(&b, AGENT_UI_PAGE_MAX);
	agent_today(today);
	if (ref)
		snprintf(title, sizeof(title), _("Record a contribution: %s"),
			 row->v[PROTO_HH_NAME] ? row->v[PROTO_HH_NAME] : ref);
	else
		snprintf(title, sizeof(title), "%s", _("Record a contribution for the whole commune"));
	agent_ui_page_open(&b, title, agent_form_css);
	agent_ui_header(&b, r->ui, NULL);
	proto_buf_append_str(&b, "<main class=\"form\"><h1>");
	agent_ui_text(&b, title);
	proto_buf_append_str(&b, "</h1>\n");
	if (ref) {
		proto_buf_append_str(&b, "<p class=\"who\">");
		agent_ui_text(&b, ref);
		proto_buf_append_str(&b, " · ");
		agent_ui_text(&b, row->v[PROTO_HH_HAMLET]);
		proto_buf_append_str(&b, "</p>\n");
	}
	agent_form_open(&b, f, "/contribution/new", 0);
	if (ref)
		agent_form_hidden(&b, "hh", ref);
	agent_form_select(&b, f, PROTO_KIND_CONTRIBUTION, PROTO_CT_SOURCE, "source",
			  _("Source of the contribution"), NULL, NULL);
	for (size_t i = 0; i < NFIELDS; i++)
		agent_form_field(&b, f, ct_fields[i].kind, ct_fields[i].name, _(ct_fields[i].label),
				 strcmp(ct_fields[i].name, "date") == 0 ? today : NULL,
				 strcmp(ct_fields[i].name, "date") == 0,
				 ct_fields[i].hint ? _(ct_fields[i].hint) : NULL);
	agent_form_close(&b, _("Record the contribution"));
	agent_form_back_link(&b, ref);
	proto_buf_append_str(&b, "</main>\n");
	agent_ui_page_close(&b);
	agent_ui_reply(r, status, &b);
	proto_buf_release(&b);
}

/* The household of hh (query or form), or none: 1 found (release row), 0
 * commune-level, -1 answered (no such household, the store unreadable). */
static int household_of(agent_ui_req *r, agent_row *row)
{
	char ref[64] = "";

	memset(row, 0, sizeof(*row));
	if (agent_ui_field(r, "hh", ref, sizeof(ref)) != WEB_OK || !ref[0])
		return 0;
	return agent_form_household(r, ref, row) ? 1 : -1;
}

void agent_ui_contribution_new_page(agent_ui_req *r)
{
	agent_row row;
	agent_form f;
	int hh = household_of(r, &row);

	if (hh < 0)
		return;
	agent_form_init(&f, r, field_names, 0);
	page(r, &f, hh ? &row : NULL, 200);
	agent_form_release(&f);
	if (hh)
		agent_row_release(&row);
}

void agent_ui_contribution_new_save(agent_ui_req *r)
{
	static char args[NFIELDS + 2][ARG_MAX];
	char *value = malloc(AGENT_FORM_VALUE_MAX), location[96];
	char *argv[NFIELDS + 6];
	agent_ui_ran ran = { 0 };
	agent_row row;
	agent_form f;
	int argc = 0, hh = household_of(r, &row), gave[NFIELDS] = { 0 };

	if (hh < 0) {
		free(value);
		return;
	}
	agent_form_init(&f, r, field_names, 1);
	if (!value)
		goto refused;
	argv[argc++] = "contribution";
	argv[argc++] = "add";
	if (hh && agent_form_option(args[0], sizeof(args[0]), "household", row.v[PROTO_HH_REF]) == 0)
		argv[argc++] = args[0];
	agent_form_value(&f, "source", NULL, value, AGENT_FORM_VALUE_MAX);
	if (agent_form_option(args[1], sizeof(args[1]), "source", value) == 0)
		argv[argc++] = args[1];
	for (size_t i = 0; i < NFIELDS; i++) {
		int got = agent_form_arg(&f, ct_fields[i].name, args[i + 2], sizeof(args[i + 2]), argv,
					 &argc);

		if (got < 0)
			goto refused;
		gave[i] = got;
	}
	argv[argc] = NULL;
	/* ct_fields: money, labour days, material, material value, donor, date */
	if (!gave[5]) { /* the command would take today: the form asks */
		agent_form_say(&f, "date", _("fill this in"));
		goto refused;
	}
	if (gave[3] && !gave[2]) {
		agent_form_say(&f, "material-value", _("say which material this is the value of"));
		goto refused;
	}
	if (!gave[0] && !gave[1] && !gave[2]) {
		agent_form_say(&f, NULL, _("Fill in the money, the labour days or the material given."));
		goto refused;
	}
	if (agent_ui_run(r->ui, &ran, 1, argv) == AGENT_OK) {
		if (hh)
			snprintf(location, sizeof(location), "/household/%s#contributions",
				 row.v[PROTO_HH_REF]);
		else
			snprintf(location, sizeof(location), "/");
		agent_ui_redirect(r, location);
		goto out;
	}
	agent_form_take(&f, &ran);
	if (!agent_form_has_messages(&f))
		agent_form_say(&f, NULL, _("The contribution was not recorded; try again."));
refused:
	page(r, &f, hh ? &row : NULL, 422);
out:
	agent_ui_ran_release(&ran);
	agent_form_release(&f);
	if (hh)
		agent_row_release(&row);
	free(value);
}
