/*
 * form.c - the fields every form of the field worker's pages writes the
 * same way (form.h): a label for each control, the value typed kept when
 * the command refused it, and the command's own message beside its field.
 * The command names the field as the CLI option it read ("--national-id:
 * ..."), and the form's field has that option's name, so the message finds
 * its place without the page knowing any message.
 */
#include <stdlib.h>
#include <string.h>
#include "maiam/labels.h"
#include "form.h"
#include "validate.h"

const char agent_form_css[] =
	"main.form{display:block;max-width:760px}"
	"form.card{background:#fff;border:1px solid #d5d9d0;border-radius:8px;padding:12px 16px}"
	".field{margin:0 0 16px}"
	".field label{display:block;font-weight:600;margin:0 0 4px}"
	".field label .hint{display:block;font-weight:400;font-size:.9em;color:#4a4f47}"
	".field .req{color:#b91c1c}"
	".field input,.field select,.field textarea{font:inherit;width:100%;max-width:34em;"
	"min-height:44px;padding:8px 10px;border:1px solid #7c8278;border-radius:6px;background:#fff;"
	"color:inherit}"
	".field textarea{min-height:5.5em}"
	".field [aria-invalid=true]{border:3px solid #b91c1c}"
	"p.error{color:#9b1010;font-weight:600;margin:6px 0 0}"
	"#err-form{background:#fdecec;border:2px solid #b91c1c;border-radius:6px;padding:10px 12px;"
	"margin:0 0 16px}"
	"button#save{font:inherit;font-weight:600;min-height:48px;min-width:10em;padding:10px 24px;"
	"border:0;border-radius:6px;background:#1f5130;color:#fff;cursor:pointer}"
	"p.back a{min-height:44px}";

void agent_form_init(agent_form *f, const agent_ui_req *r, const char *const *names, int refused)
{
	memset(f, 0, sizeof(*f));
	f->r = r;
	f->names = names;
	f->refused = refused;
}

void agent_form_release(agent_form *f)
{
	free(f->messages);
	f->messages = NULL;
}

/* Append text (and a newline when it lacks one) to the messages. */
static void add_lines(agent_form *f, const char *prefix, const char *text)
{
	size_t had = f->messages ? strlen(f->messages) : 0;
	size_t n = had + strlen(prefix) + strlen(text) + 2;
	char *m = realloc(f->messages, n);

	if (!m)
		return; /* the page is shown without the message; the refusal stands */
	snprintf(m + had, n - had, "%s%s%s", prefix, text,
		 *text && text[strlen(text) - 1] == '\n' ? "" : "\n");
	f->messages = m;
}

void agent_form_take(agent_form *f, const agent_ui_ran *ran)
{
	if (ran->err && *ran->err)
		add_lines(f, "", ran->err);
}

void agent_form_say(agent_form *f, const char *name, const char *text)
{
	char prefix[80];

	snprintf(prefix, sizeof(prefix), name ? "--%s: " : "%s", name ? name : "");
	add_lines(f, prefix, text);
}

int agent_form_has_messages(const agent_form *f)
{
	return f->messages && *f->messages;
}

/* The field a message line names ("--NAME: ..." or "--NAME ..."), as a
 * length into line after "--"; 0 for a line that names none. */
static size_t named_field(const char *line, size_t len)
{
	size_t n = 0;

	if (len < 3 || line[0] != '-' || line[1] != '-')
		return 0;
	while (2 + n < len && (line[2 + n] == '-' || (line[2 + n] >= 'a' && line[2 + n] <= 'z')))
		n++;
	if (2 + n >= len || (line[2 + n] != ':' && line[2 + n] != ' '))
		return 0;
	return n;
}

/* The first message about name into out (the reason after "--NAME: ", or
 * the whole line); 1 found, 0 none. */
static int field_error(const agent_form *f, const char *name, char *out, size_t n)
{
	size_t nlen = strlen(name);

	for (const char *line = f->messages; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (named_field(line, len) == nlen && strncmp(line + 2, name, nlen) == 0) {
			size_t skip = line[2 + nlen] == ':' ? 2 + nlen + 1 : 0;

			skip += skip && skip < len && line[skip] == ' ';
			snprintf(out, n, "%.*s", (int)(len - skip), line + skip);
			return 1;
		}
		line = nl ? nl + 1 : line + len;
	}
	out[0] = '\0';
	return 0;
}

int agent_form_has_error(const agent_form *f, const char *name)
{
	char unused[8];

	return field_error(f, name, unused, sizeof(unused));
}

/* 1 when a message line belongs beside one of the form's fields. */
static int line_of_a_field(const agent_form *f, const char *line, size_t len)
{
	size_t n = named_field(line, len);

	for (size_t i = 0; n && f->names && f->names[i]; i++)
		if (strlen(f->names[i]) == n && strncmp(line + 2, f->names[i], n) == 0)
			return 1;
	return 0;
}

void agent_form_open(proto_buf *b, agent_form *f, const char *action, int multipart)
{
	int any = 0;

	proto_buf_append_str(b, "<form class=\"card\" method=\"post\" action=\"");
	agent_ui_text(b, action);
	proto_buf_appendf(b, "\"%s accept-charset=\"utf-8\" novalidate>",
			  multipart ? " enctype=\"multipart/form-data\"" : "");
	agent_ui_csrf_input(b, f->r);
	proto_buf_append_str(b, "\n");
	for (const char *line = f->messages; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (len && !line_of_a_field(f, line, len)) {
			char text[1024];

			snprintf(text, sizeof(text), "%.*s", (int)len, line);
			proto_buf_append_str(b,
					     any++ ? "<br>"
						   : "<p class=\"error\" id=\"err-form\" role=\"alert\">");
			agent_ui_text(b, text);
		}
		line = nl ? nl + 1 : line + len;
	}
	if (any)
		proto_buf_append_str(b, "</p>\n");
}

void agent_form_close(proto_buf *b, const char *label)
{
	proto_buf_append_str(b, "<p><button type=\"submit\" id=\"save\">");
	agent_ui_text(b, label);
	proto_buf_append_str(b, "</button></p>\n</form>\n");
}

int agent_form_value(const agent_form *f, const char *name, const char *given, char *out, size_t n)
{
	web_result got;

	if (!f->refused) {
		snprintf(out, n, "%s", given ? given : "");
		return 1;
	}
	got = agent_ui_field(f->r, name, out, n);
	if (got != WEB_OK)
		out[0] = '\0';
	return got == WEB_OK ? 1 : got == WEB_ABSENT ? 0 : -1;
}

/* <label for=f-NAME>label *<span class=hint>hint</span></label> */
static void label_for(proto_buf *b, const char *name, const char *label, int required, const char *hint)
{
	proto_buf_append_str(b, "<div class=\"field\"><label for=\"f-");
	agent_ui_text(b, name);
	proto_buf_append_str(b, "\">");
	agent_ui_text(b, label);
	if (required)
		proto_buf_appendf(b, " <span class=\"req\" title=\"%s\">*</span>", _("required field"));
	if (hint) {
		proto_buf_append_str(b, "<span class=\"hint\">");
		agent_ui_text(b, hint);
		proto_buf_append_str(b, "</span>");
	}
	proto_buf_append_str(b, "</label>");
}

/* id, name and, with an error, aria-invalid and aria-describedby; then the
 * caller closes the tag. */
static void control_attrs(proto_buf *b, const char *name, int invalid)
{
	proto_buf_append_str(b, " id=\"f-");
	agent_ui_text(b, name);
	proto_buf_append_str(b, "\" name=\"");
	agent_ui_text(b, name);
	proto_buf_append_str(b, "\"");
	if (invalid) {
		proto_buf_append_str(b, " aria-invalid=\"true\" aria-describedby=\"err-");
		agent_ui_text(b, name);
		proto_buf_append_str(b, "\"");
	}
}

/* The error of field name after its control, and the field's end. */
static void error_after(proto_buf *b, const char *name, const char *error)
{
	if (error[0]) {
		proto_buf_append_str(b, "<p class=\"error\" id=\"err-");
		agent_ui_text(b, name);
		proto_buf_append_str(b, "\" role=\"alert\">");
		agent_ui_text(b, error);
		proto_buf_append_str(b, "</p>");
	}
	proto_buf_append_str(b, "</div>\n");
}

/* YYYY-MM-DD, the only value a date picker shows. */
static int iso_date(const char *s)
{
	static const char shape[] = "dddd-dd-dd";

	for (size_t i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
			return 0;
	return s[sizeof(shape) - 1] == '\0';
}

void agent_form_field(proto_buf *b, const agent_form *f, agent_field_kind kind, const char *name,
		      const char *label, const char *given, int required, const char *hint)
{
	char *value = malloc(AGENT_FORM_VALUE_MAX), error[1024];
	const char *type = "text", *extra = "";

	if (!value)
		return;
	agent_form_value(f, name, given, value, AGENT_FORM_VALUE_MAX);
	field_error(f, name, error, sizeof(error));
	label_for(b, name, label, required, hint);
	switch (kind) {
	case AGENT_FIELD_NUMBER:
		extra = " inputmode=\"numeric\""; /* text: "25.000.000" is a number too */
		break;
	case AGENT_FIELD_TEL:
		type = "tel";
		extra = " autocomplete=\"tel\"";
		break;
	case AGENT_FIELD_DATE:
		/* a date typed dd/mm/yyyy where no picker was shown stays as typed */
		if (!value[0] || iso_date(value))
			type = "date";
		else
			extra = " placeholder=\"dd/mm/yyyy\"";
		break;
	default:
		break;
	}
	if (kind == AGENT_FIELD_TEXTAREA) {
		proto_buf_append_str(b, "<textarea rows=\"3\"");
		control_attrs(b, name, error[0] != '\0');
		proto_buf_appendf(b, "%s>", required ? " required aria-required=\"true\"" : "");
		agent_ui_text(b, value);
		proto_buf_append_str(b, "</textarea>");
	} else {
		proto_buf_appendf(b, "<input type=\"%s\"", type);
		control_attrs(b, name, error[0] != '\0');
		proto_buf_appendf(b, "%s%s value=\"", extra,
				  required ? " required aria-required=\"true\"" : "");
		agent_ui_text(b, value);
		proto_buf_append_str(b, "\">");
	}
	error_after(b, name, error);
	free(value);
}

void agent_form_files(proto_buf *b, const agent_form *f, const char *name, const char *label,
		      const char *hint, const char *accept, const char *after)
{
	char error[1024];

	field_error(f, name, error, sizeof(error));
	label_for(b, name, label, 0, hint);
	proto_buf_append_str(b, "<input type=\"file\" multiple accept=\"");
	agent_ui_text(b, accept);
	proto_buf_append_str(b, "\"");
	control_attrs(b, name, error[0] != '\0');
	proto_buf_append_str(b, ">");
	proto_buf_append_str(b, after ? after : "");
	error_after(b, name, error);
}

void agent_form_select(proto_buf *b, const agent_form *f, uint8_t kind, uint8_t field, const char *name,
		       const char *label, const char *given, const char *empty_label)
{
	char value[256], error[1024];
	const char *const *codes = NULL, *chosen;
	proto_list list;
	int matched = 0;

	agent_form_value(f, name, given, value, sizeof(value));
	field_error(f, name, error, sizeof(error));
	if (proto_list_of(kind, field, &list))
		codes = proto_list_codes(list);
	/* a label typed where a code was expected (a bookmarked URL) still picks it */
	chosen = value[0] ? agent_enum_code(kind, field, value) : NULL;
	label_for(b, name, label, !empty_label, NULL);
	proto_buf_append_str(b, "<select");
	control_attrs(b, name, error[0] != '\0');
	proto_buf_append_str(b, ">");
	if (empty_label)
		agent_ui_option(b, "", empty_label, !value[0]);
	for (size_t i = 0; codes && codes[i]; i++) {
		int selected = chosen && strcmp(chosen, codes[i]) == 0;

		matched |= selected;
		agent_ui_option(b, codes[i], agent_label(kind, field, codes[i]), selected);
	}
	if (value[0] && !matched) /* what was sent is kept, and refused by the command */
		agent_ui_option(b, value, value, 1);
	proto_buf_append_str(b, "</select>");
	error_after(b, name, error);
}

void agent_form_hidden(proto_buf *b, const char *name, const char *value)
{
	proto_buf_append_str(b, "<input type=\"hidden\" name=\"");
	agent_ui_text(b, name);
	proto_buf_append_str(b, "\" value=\"");
	agent_ui_text(b, value);
	proto_buf_append_str(b, "\">");
}

int agent_form_arg(agent_form *f, const char *name, char *arg, size_t n, char **argv, int *argc)
{
	char *value = malloc(AGENT_FORM_VALUE_MAX);
	int rc = 0;

	if (!value)
		return -1;
	if (agent_form_value(f, name, NULL, value, AGENT_FORM_VALUE_MAX) < 0 ||
	    (value[0] && agent_form_option(arg, n, name, value) != 0)) {
		agent_form_say(f, name, _("this is too long; shorten it"));
		rc = -1;
	} else if (value[0]) {
		argv[(*argc)++] = arg;
		rc = 1;
	}
	free(value);
	return rc;
}

int agent_form_option(char *out, size_t n, const char *name, const char *value)
{
	int len = snprintf(out, n, "--%s=%s", name, value);

	return len < 0 || (size_t)len >= n ? -1 : 0;
}

int agent_form_json_ref(const char *out, char *ref, size_t n)
{
	const char *at = out ? strstr(out, "\"ref\":\"") : NULL;
	size_t len;

	ref[0] = '\0';
	if (!at)
		return 0;
	at += strlen("\"ref\":\"");
	len = strcspn(at, "\"");
	if (!at[len] || len == 0 || len >= n)
		return 0;
	memcpy(ref, at, len);
	ref[len] = '\0';
	return 1;
}

/* A short reference as the agent makes them: letters, digits and '-'. */
static int ref_shaped(const char *ref)
{
	size_t n = strlen(ref);

	return n > 0 && n < 32 &&
	       strspn(ref, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-") == n;
}

/* 404: no household has this reference. */
static void no_household(agent_ui_req *r, const char *ref)
{
	char text[512];

	snprintf(text, sizeof(text),
		 _("No household has the reference '%s' on this laptop; find it in the list of households."),
		 ref ? ref : "");
	agent_ui_said(r, 404, _("No household with this reference"), text);
}

int agent_form_household(agent_ui_req *r, const char *ref, agent_row *row)
{
	proto_id id = { 0, 0 };
	int n = 0, found = 0;

	memset(row, 0, sizeof(*row));
	if (ref && ref_shaped(ref) && agent_hh_by_ref(r->ui->ctx, ref, &id, &n) != PROTO_OK) {
		agent_ui_store_failed(r);
		return 0;
	}
	if (n == 1 && agent_hh_get(r->ui->ctx, id, row, &found) != PROTO_OK) {
		agent_ui_store_failed(r);
		return 0;
	}
	if (!found)
		no_household(r, ref);
	return found;
}

void agent_form_back_link(proto_buf *b, const char *ref)
{
	if (!ref)
		return;
	proto_buf_append_str(b, "<p class=\"back\"><a href=\"/household/");
	agent_ui_text(b, ref);
	proto_buf_appendf(b, "\">%s</a></p>\n", _("Back to the household without saving"));
}
