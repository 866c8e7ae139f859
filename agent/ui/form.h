/*
 * form.h - what every form of the field worker's pages shares (form.c):
 * a field with its label, the value typed kept, and the error of the
 * refused command beside it (UI-CONTRACT: id "f-NAME", error
 * "err-NAME"); pick-lists from the rulebook's value lists, codes as
 * values, labels in the user's language; the messages that name no field
 * of the form at its top ("err-form").
 *
 * The messages are the CLI's own (agent_ui_ran's err): a line
 * "--NAME: reason" goes beside field NAME, a line "--NAME ..." too (the
 * whole line); the page may add messages of its own (agent_form_say).
 *
 * Ownership: an agent_form borrows its request and the names of its
 * fields (static strings) and owns its messages (agent_form_release).
 */
#ifndef MAIAM_AGENT_UI_FORM_H
#define MAIAM_AGENT_UI_FORM_H
#include <stdint.h>
#include "store.h"
#include "ui.h"

#define AGENT_FORM_VALUE_MAX 2048 /* one field as typed; the rulebook's texts are shorter */

typedef struct agent_form {
	const agent_ui_req *r;
	int refused;              /* a POST was refused: values come from it */
	const char *const *names; /* the form's field names, NULL-terminated */
	char *messages;           /* lines "--NAME: text" or form-wide ones; owned */
} agent_form;

/* A form of r with these field names; refused: the POST's values are shown
 * (else the values each field is given). */
void agent_form_init(agent_form *f, const agent_ui_req *r, const char *const *names, int refused);
void agent_form_release(agent_form *f);
/* Take the refused command's messages (ran->err), as they are. */
void agent_form_take(agent_form *f, const agent_ui_ran *ran);
/* A message of the page's own: beside field name, or form-wide when name is NULL. */
void agent_form_say(agent_form *f, const char *name, const char *text);
/* 1 when some message is about field name. */
int agent_form_has_error(const agent_form *f, const char *name);
/* 1 when any message was taken or said. */
int agent_form_has_messages(const agent_form *f);

/* <form method=post action=ACTION ...> with the CSRF token, then the
 * form-wide messages (those naming no field of f->names). multipart: a
 * form with files. */
void agent_form_open(proto_buf *b, agent_form *f, const char *action, int multipart);
/* The submit button (id "save") and </form>. */
void agent_form_close(proto_buf *b, const char *label);

/* Field kinds: how an <input> is written. */
typedef enum agent_field_kind {
	AGENT_FIELD_TEXT,
	AGENT_FIELD_NUMBER, /* digits: a numeric keyboard, grouped dots allowed */
	AGENT_FIELD_TEL,
	AGENT_FIELD_DATE, /* YYYY-MM-DD from the picker; dd/mm/yyyy typed is read too */
	AGENT_FIELD_TEXTAREA,
} agent_field_kind;

/* The value field name shows: the POST's when the form was refused, else
 * given (NULL: "") into out (n: AGENT_FORM_VALUE_MAX for a text). 1 there,
 * 0 the POST lacks it, -1 it was sent but cannot be read (too long, not
 * UTF-8); out is "" unless 1. */
int agent_form_value(const agent_form *f, const char *name, const char *given, char *out, size_t n);
/* A field: label, input (required: marked so) with its value kept, its
 * error after it, and hint (or NULL) as its description. */
void agent_form_field(proto_buf *b, const agent_form *f, agent_field_kind kind, const char *name,
		      const char *label, const char *given, int required, const char *hint);
/* A pick-list of the value list of (kind, field): codes as values, labels
 * shown; empty_label (or NULL: none) is a first choice "" (no value). */
void agent_form_select(proto_buf *b, const agent_form *f, uint8_t kind, uint8_t field, const char *name,
		       const char *label, const char *given, const char *empty_label);
/* <input type=file multiple> of the types accept ("image/jpeg"), then
 * after (the page's own HTML, or NULL), then its error. A browser sends no
 * file again after a refusal: the hint should say what to choose. */
void agent_form_files(proto_buf *b, const agent_form *f, const char *name, const char *label,
		      const char *hint, const char *accept, const char *after);
/* <input type=hidden>. */
void agent_form_hidden(proto_buf *b, const char *name, const char *value);

/* The POST's field name as "--NAME=VALUE" into arg (n bytes), appended to
 * argv at *argc when it was filled in: 1 appended, 0 empty, -1 too long
 * or unreadable (said beside the field; f->refused must be set). */
int agent_form_arg(agent_form *f, const char *name, char *arg, size_t n, char **argv, int *argc);
/* An argument "--NAME=VALUE" into out; 0, or -1 when it does not fit. */
int agent_form_option(char *out, size_t n, const char *name, const char *value);

/* The "ref" of a command's --json output into ref; 1, or 0 when none. */
int agent_form_json_ref(const char *out, char *ref, size_t n);
/* The household whose short reference is ref (from a URL: anything) into
 * row: 1 found (agent_row_release it), 0 not and r answered (404 no such
 * household, 500 the store cannot be read). */
int agent_form_household(agent_ui_req *r, const char *ref, agent_row *row);
/* "Back to the household without saving": a link to ref's page (NULL: none). */
void agent_form_back_link(proto_buf *b, const char *ref);

/* The extra CSS the form pages give agent_ui_page_open. */
extern const char agent_form_css[];

/* The pages (routes.c). page_form_household.c: GET and POST /household/new
 * and /edit/REF; page_form_milestone.c: /milestone/new?hh=REF&stage=CODE
 * and its /js/photos.js; page_form_contribution.c: /contribution/new?hh=REF. */
void agent_ui_household_new_page(agent_ui_req *r);
void agent_ui_household_new_save(agent_ui_req *r);
void agent_ui_household_edit_page(agent_ui_req *r);
void agent_ui_household_edit_save(agent_ui_req *r);
void agent_ui_milestone_new_page(agent_ui_req *r);
void agent_ui_milestone_new_save(agent_ui_req *r);
void agent_ui_photos_js(agent_ui_req *r);
void agent_ui_contribution_new_page(agent_ui_req *r);
void agent_ui_contribution_new_save(agent_ui_req *r);

#endif
