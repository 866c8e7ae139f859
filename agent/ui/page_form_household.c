/*
 * page_form_household.c - add a household (/household/new) and edit one
 * (/edit/REF). The form's fields are the CLI's options (agent_hh_user_fields,
 * named as agent_hh_option_name names them), and a save runs "household
 * add" or "household edit" (run.c): the same checks, transaction and
 * messages as the CLI. Before that, every field is checked as the command
 * checks it (agent_hh_set), so a form with three mistakes shows the three
 * at once, where the command stops at the first.
 */
#include <stdlib.h>
#include <string.h>
#include "form.h"
#include "validate.h"

#define ARG_MAX (AGENT_FORM_VALUE_MAX + 32)

/* How each user field is asked for. */
static const struct hh_field {
	int field;
	const char *label, *hint; /* N_() */
	agent_field_kind kind;
	int required;      /* as agent_hh_missing asks of an add */
	const char *empty; /* a pick-list's "no value" choice (N_()), NULL: no pick-list */
	int list;          /* a pick-list of the rulebook */
} hh_fields[] = {
	{ PROTO_HH_NAME, N_("Name of the head of household"), NULL, AGENT_FIELD_TEXT, 1, NULL, 0 },
	{ PROTO_HH_NATIONAL_ID, N_("National ID (CCCD)"), N_("12 digits; leave empty if not known"),
	  AGENT_FIELD_NUMBER, 0, NULL, 0 },
	{ PROTO_HH_HAMLET, N_("Hamlet or quarter"), NULL, AGENT_FIELD_TEXT, 1, NULL, 0 },
	{ PROTO_HH_ADDRESS, N_("Address (house number, road)"), NULL, AGENT_FIELD_TEXT, 0, NULL, 0 },
	{ PROTO_HH_MEMBERS, N_("Number of members"), N_("people in the household, 1 to 99"),
	  AGENT_FIELD_NUMBER, 1, NULL, 0 },
	{ PROTO_HH_CATEGORY, N_("Household category"), NULL, AGENT_FIELD_TEXT, 1, NULL, 1 },
	{ PROTO_HH_LAND_STATUS, N_("Status of the land"), NULL, AGENT_FIELD_TEXT, 0,
	  N_("(not known yet)"), 1 },
	{ PROTO_HH_CONDITION, N_("Condition of the house"), NULL, AGENT_FIELD_TEXTAREA, 0, NULL, 0 },
	{ PROTO_HH_PHONE, N_("Phone number"), N_("0xxxxxxxxx or +84xxxxxxxxx"), AGENT_FIELD_TEL, 0, NULL,
	  0 },
	{ PROTO_HH_NOTE, N_("Note, if any"), NULL, AGENT_FIELD_TEXTAREA, 0, NULL, 0 },
	{ PROTO_HH_SUPPORT_KIND, N_("Kind of support"), NULL, AGENT_FIELD_TEXT, 0,
	  N_("(not decided yet)"), 1 },
};
#define NFIELDS (sizeof(hh_fields) / sizeof(hh_fields[0]))

/* The form's field names ("national-id"), NULL-terminated, for form.c. */
static char names_buf[NFIELDS][24];
static const char *field_names[NFIELDS + 1];

static void names_init(void)
{
	for (size_t i = 0; i < NFIELDS; i++) {
		agent_hh_option_name(hh_fields[i].field, names_buf[i], sizeof(names_buf[i]));
		field_names[i] = names_buf[i];
	}
	field_names[NFIELDS] = NULL;
}

/* The page: the form, filled from row (an edit, NULL for an add) or from
 * the refused POST. ref: the edited household's, NULL for an add. */
static void page(agent_ui_req *r, agent_form *f, const agent_row *row, const char *ref, int status)
{
	char title[256], action[64];
	proto_buf b;

	proto_buf_init(&b, AGENT_UI_PAGE_MAX);
	if (ref)
		snprintf(title, sizeof(title), _("Edit household %s"), ref);
	else
		snprintf(title, sizeof(title), "%s", _("Add a household"));
	snprintf(action, sizeof(action), ref ? "/edit/%s" : "/household/new", ref ? ref : "");
	agent_ui_page_open(&b, title, agent_form_css);
	agent_ui_header(&b, r->ui, ref ? NULL : "/household/new");
	proto_buf_append_str(&b, "<main class=\"form\"><h1>");
	agent_ui_text(&b, title);
	proto_buf_append_str(&b, "</h1>\n");
	agent_form_open(&b, f, action, 0);
	for (size_t i = 0; i < NFIELDS; i++) {
		const struct hh_field *hf = &hh_fields[i];
		const char *given = row ? row->v[hf->field] : NULL;

		if (hf->list)
			agent_form_select(&b, f, PROTO_KIND_HOUSEHOLD, (uint8_t)hf->field, field_names[i],
					  _(hf->label), given, hf->empty ? _(hf->empty) : NULL);
		else
			agent_form_field(&b, f, hf->kind, field_names[i], _(hf->label), given,
					 hf->required, hf->hint ? _(hf->hint) : NULL);
	}
	agent_form_close(&b, ref ? _("Save the changes") : _("Add the household"));
	agent_form_back_link(&b, ref);
	proto_buf_append_str(&b, "</main>\n");
	agent_ui_page_close(&b);
	agent_ui_reply(r, status, &b);
	proto_buf_release(&b);
}

/* Each field of the POST as the command will check it; the reasons beside
 * their fields. Empty required fields are said so (an edit leaves a field
 * it was not sent as it is). 0 all good, -1 not. */
static int precheck(agent_form *f, int is_edit)
{
	char *value = malloc(AGENT_FORM_VALUE_MAX), err[512];
	agent_hh h;
	int bad = 0;

	if (!value)
		return -1;
	memset(&h, 0, sizeof(h));
	for (size_t i = 0; i < NFIELDS; i++) {
		int sent = agent_form_value(f, field_names[i], NULL, value, AGENT_FORM_VALUE_MAX);

		if (sent < 0) {
			agent_form_say(f, field_names[i], _("this is too long; shorten it"));
			bad = 1;
			continue;
		}
		if (!sent && is_edit)
			continue; /* left as it is */
		if (!value[0]) {
			if (hh_fields[i].required) {
				agent_form_say(f, field_names[i], _("fill this in"));
				bad = 1;
			}
			continue;
		}
		if (agent_hh_set(&h, hh_fields[i].field, value, err, sizeof(err)) != 0) {
			agent_form_say(f, field_names[i], err);
			bad = 1;
		}
	}
	agent_hh_release(&h);
	free(value);
	return bad ? -1 : 0;
}

/* Run "household add" (ref NULL) or "household edit -- REF" with the
 * POST's fields; 303 to the household, or the form again with the
 * command's messages. */
static void save(agent_ui_req *r, const char *ref)
{
	char args[NFIELDS][ARG_MAX], *value = malloc(AGENT_FORM_VALUE_MAX), done[32];
	char *argv[NFIELDS + 6];
	agent_ui_ran ran = { 0 };
	agent_form f;
	int argc = 0;

	names_init();
	agent_form_init(&f, r, field_names, 1);
	if (!value) {
		agent_ui_store_failed(r);
		return;
	}
	if (precheck(&f, ref != NULL) != 0)
		goto refused;
	argv[argc++] = "household";
	argv[argc++] = ref ? "edit" : "add";
	for (size_t i = 0; i < NFIELDS; i++) {
		int sent = agent_form_value(&f, field_names[i], NULL, value, AGENT_FORM_VALUE_MAX);

		/* an add leaves an empty field out; an edit clears it, and leaves
		 * a field the form did not send as it is */
		if (!sent || (!value[0] && !ref))
			continue;
		if (agent_form_option(args[i], sizeof(args[i]), field_names[i], value) != 0) {
			agent_form_say(&f, field_names[i], _("this is too long; shorten it"));
			goto refused;
		}
		argv[argc++] = args[i];
	}
	if (ref) {
		argv[argc++] = "--";
		argv[argc++] = (char *)ref;
	}
	argv[argc] = NULL;
	if (agent_ui_run(r->ui, &ran, 1, argv) == AGENT_OK &&
	    agent_form_json_ref(ran.out, done, sizeof(done))) {
		char location[64];

		snprintf(location, sizeof(location), "/household/%s", done);
		agent_ui_redirect(r, location);
		goto out;
	}
	agent_form_take(&f, &ran);
	if (!agent_form_has_messages(&f))
		agent_form_say(&f, NULL, _("The household was not saved; try again."));
refused:
	page(r, &f, NULL, ref, 422);
out:
	agent_ui_ran_release(&ran);
	agent_form_release(&f);
	free(value);
}

void agent_ui_household_new_page(agent_ui_req *r)
{
	agent_form f;

	names_init();
	agent_form_init(&f, r, field_names, 0);
	page(r, &f, NULL, NULL, 200);
	agent_form_release(&f);
}

void agent_ui_household_new_save(agent_ui_req *r)
{
	save(r, NULL);
}

/* The REF of "/edit/REF". */
static const char *edit_ref(const agent_ui_req *r)
{
	return r->path + strlen("/edit/");
}

void agent_ui_household_edit_page(agent_ui_req *r)
{
	const char *ref = edit_ref(r);
	agent_row row;
	agent_form f;

	if (!agent_form_household(r, ref, &row))
		return;
	names_init();
	agent_form_init(&f, r, field_names, 0);
	page(r, &f, &row, row.v[PROTO_HH_REF] ? row.v[PROTO_HH_REF] : ref, 200);
	agent_form_release(&f);
	agent_row_release(&row);
}

void agent_ui_household_edit_save(agent_ui_req *r)
{
	const char *ref = edit_ref(r);
	agent_row row;

	if (!agent_form_household(r, ref, &row))
		return;
	agent_row_release(&row);
	save(r, ref);
}
