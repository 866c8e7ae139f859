/*
 * page_household_fix.c - corrections on a household's page (ui.h): the
 * void form of each milestone, contribution and photo, and the household's
 * withdrawal, each with a reason that is required; their POSTs are written
 * by the CLI's own "milestone|contribution|photo void ID --reason" and
 * "household withdraw ID --reason" (agent_ui_run), so a refusal (no reason,
 * already voided, another commune's) is the command's, in its words, shown
 * at the form with the reason as it was typed. Withdrawing asks twice
 * without any script: the form sits in a <details> that must be opened.
 */
#include <string.h>
#include "ui.h"

#define HH_PREFIX "/household/"

void agent_ui_lines(proto_buf *b, const char *text)
{
	for (const char *line = text; *line;) {
		size_t n = strcspn(line, "\n");
		char one[1024];

		snprintf(one, sizeof(one), "%.*s", (int)n, line);
		agent_ui_text(b, one);
		line += n;
		if (*line && *++line)
			proto_buf_append_str(b, "<br>");
	}
}

/* The refused form this one is, or NULL. */
static const agent_ui_refused *mine(const agent_ui_refused *refused, const char *kind, const char *record)
{
	if (!refused || strcmp(refused->kind, kind) != 0 || strcmp(refused->record, record) != 0)
		return NULL;
	return refused;
}

/* The reason's label, input and, when refused, its error; suffix makes the
 * ids unique on the page ("f-reason-ID", "err-reason-ID"). */
static void reason_field(proto_buf *b, const char *suffix, const char *label,
			 const agent_ui_refused *refused)
{
	proto_buf_appendf(b, "<label for=\"f-reason%s\">", suffix);
	agent_ui_text(b, label);
	proto_buf_appendf(b,
			  "</label><input type=\"text\" id=\"f-reason%s\" name=\"reason\" required"
			  " maxlength=\"%d\" autocomplete=\"off\"",
			  suffix, AGENT_UI_REASON_MAX - 1);
	if (refused) {
		proto_buf_append_str(b, " value=\"");
		agent_ui_text(b, refused->reason);
		proto_buf_appendf(b, "\" aria-invalid=\"true\" aria-describedby=\"err-reason%s\"", suffix);
	}
	proto_buf_append_str(b, ">");
	if (refused) {
		proto_buf_appendf(b, "<p class=\"error\" id=\"err-reason%s\" role=\"alert\">", suffix);
		agent_ui_lines(b, refused->error);
		proto_buf_append_str(b, "</p>");
	}
}

int agent_ui_void_form(proto_buf *b, const agent_ui_req *r, const char *hh_ref, const char *kind,
		       proto_id record, const agent_ui_refused *refused)
{
	char rid[32], suffix[48];
	const char *summary = strcmp(kind, "milestone") == 0 ? _("Void this stage…")
			      : strcmp(kind, "photo") == 0   ? _("Void this photo…")
							     : _("Void this contribution…");

	agent_ref_make(record.origin, record.serial, rid);
	refused = mine(refused, kind, rid);
	snprintf(suffix, sizeof(suffix), "-%s", rid);
	proto_buf_appendf(b, "<details class=\"void\"%s><summary>%s</summary>\n", refused ? " open" : "",
			  summary);
	proto_buf_appendf(b, "<form method=\"post\" action=\"" HH_PREFIX "%s/void#rec-%s\">", hh_ref, rid);
	agent_ui_csrf_input(b, r);
	proto_buf_appendf(b,
			  "<input type=\"hidden\" name=\"kind\" value=\"%s\">"
			  "<input type=\"hidden\" name=\"record\" value=\"%s\">",
			  kind, rid);
	reason_field(b, suffix,
		     _("Why is it voided? The reason stays with the record; nothing is deleted."),
		     refused);
	proto_buf_appendf(b, "<button type=\"submit\" id=\"void-%s\">%s</button></form></details>\n",
			  rid, _("Void it"));
	return refused != NULL;
}

int agent_ui_withdraw_form(proto_buf *b, const agent_ui_req *r, const char *hh_ref,
			   const agent_ui_refused *refused)
{
	refused = mine(refused, "withdraw", "");
	proto_buf_appendf(b, "<section id=\"withdraw\"><h2>%s</h2>\n", _("Withdraw the household"));
	proto_buf_appendf(b, "<details class=\"withdraw\"%s><summary>%s</summary>\n<p>",
			  refused ? " open" : "", _("Withdraw this household…"));
	agent_ui_text(b, _("Are you sure? A withdrawn household stays in the records with the reason, "
			   "but it is out of every count and nothing more can be recorded for it."));
	proto_buf_appendf(b, "</p><form method=\"post\" action=\"" HH_PREFIX "%s/withdraw#withdraw\">",
			  hh_ref);
	agent_ui_csrf_input(b, r);
	reason_field(b, "", _("Why is it withdrawn?"), refused);
	proto_buf_appendf(b,
			  "<button type=\"submit\" id=\"withdraw-save\">%s</button></form></details>"
			  "</section>\n",
			  _("Yes, withdraw the household"));
	return refused != NULL;
}

/* The household's text (REF) and what follows it in the path. */
static int split_path(const char *path, char *ref, size_t n, const char **action)
{
	const char *text = path + strlen(HH_PREFIX), *slash = strchr(text, '/');

	if (!slash || slash == text || (size_t)(slash - text) >= n)
		return -1;
	snprintf(ref, n, "%.*s", (int)(slash - text), text);
	*action = slash + 1;
	return 0;
}

/* Where the household's page shows a record of kind after its void. */
static const char *section_of(const char *kind)
{
	if (strcmp(kind, "milestone") == 0)
		return "timeline";
	if (strcmp(kind, "contribution") == 0)
		return "contributions";
	return "photos";
}

void agent_ui_household_post(agent_ui_req *r)
{
	char ref[64], kind[16] = "", record[64] = "", reason[AGENT_UI_REASON_MAX] = "",
		      opt[32 + AGENT_UI_REASON_MAX];
	char *argv[7] = { NULL };
	const char *action;
	agent_ui_ran ran;
	web_result got;
	int withdraw;

	if (split_path(r->path, ref, sizeof(ref), &action) != 0 ||
	    (strcmp(action, "void") != 0 && strcmp(action, "withdraw") != 0)) {
		agent_ui_said(r, 404, _("No such page"), _("Go back to the home page: /"));
		return;
	}
	withdraw = strcmp(action, "withdraw") == 0;
	got = agent_ui_field(r, "reason", reason, sizeof(reason));
	if ((got != WEB_OK && got != WEB_ABSENT && got != WEB_ETOOLONG) ||
	    (!withdraw &&
	     (agent_ui_field(r, "kind", kind, sizeof(kind)) != WEB_OK ||
	      agent_ui_field(r, "record", record, sizeof(record)) != WEB_OK ||
	      (strcmp(kind, "milestone") && strcmp(kind, "contribution") && strcmp(kind, "photo"))))) {
		agent_ui_said(
			r, 400, _("Form refused"),
			_("This form lacks what to void; go back to the household's page and try again."));
		return;
	}
	snprintf(opt, sizeof(opt), "--reason=%s", reason);
	argv[0] = withdraw ? "household" : kind;
	argv[1] = withdraw ? "withdraw" : "void";
	argv[2] = opt;
	argv[3] = "--";
	argv[4] = withdraw ? ref : record;
	/* a missing reason is the command's to refuse, in its words; one
	 * longer than the form holds is longer than any the rulebook takes */
	if (got == WEB_ETOOLONG) {
		memset(&ran, 0, sizeof(ran));
		ran.rc = AGENT_USAGE;
	} else {
		agent_ui_run(r->ui, &ran, 0, argv);
	}
	if (ran.rc == AGENT_OK) {
		char to[128];

		snprintf(to, sizeof(to), HH_PREFIX "%s#%s", ref,
			 withdraw ? "withdrawn" : section_of(kind));
		agent_ui_redirect(r, to);
	} else {
		agent_ui_refused refused = {
			.kind = withdraw ? "withdraw" : kind,
			.record = withdraw ? "" : record,
			.reason = got == WEB_OK ? reason : "",
			.error = got == WEB_ETOOLONG ? _("the reason is too long; say why in a few words")
				 : ran.err && *ran.err ? ran.err
						       : _("Nothing was written; try again."),
		};
		char said[1024];

		if (agent_ui_ran_field_error(&ran, "--reason", said, sizeof(said)))
			refused.error = said;
		agent_ui_household_answer(r, ref, 422, &refused);
	}
	agent_ui_ran_release(&ran);
}
