/*
 * page_import.c - importing a commune's spreadsheet from the app (ui.h):
 * GET /import is the upload form; POST /import with the file keeps it as
 * a 0600 file of the agent's home named by a random token and shows what
 * "household import --dry-run" finds (every row checked, nothing written);
 * POST /import with that token (never the data) runs the real import, all
 * rows or the good ones (--skip-bad). The bad rows are the CLI's own
 * errors file (FILE-loi.csv, written beside the input), downloaded from
 * /import/bad. /import/template.csv is an empty list with its header row.
 *
 * The files of an import and the CLI's messages about them: import.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event2/http.h>
#include "maiam/fsutil.h"
#include "csv.h"
#include "import.h"
#include "net.h"
#include "validate.h"

#define IMPORT_UPLOAD_MAX ((size_t)16 << 20)
#define IMPORT_PREVIEW_ROWS 20
#define IMPORT_LOI_MAX ((size_t)64 << 20) /* the rows, each with its reason */

/* Large targets; a wide table scrolls in its own box, not the page. */
static const char import_css[] = "main.import{display:block;max-width:1200px}"
				 "form p,.field{margin:0 0 12px}"
				 "label{display:block;font-weight:600;margin:0 0 4px}"
				 "input[type=file]{font:inherit;min-height:44px;max-width:100%}"
				 "button{font:inherit;min-height:44px;padding:10px 20px;border:0;border-radius:6px;"
				 "background:#1f5130;color:#fff;cursor:pointer}"
				 ".error{color:#a3001b;font-weight:600;margin:4px 0 8px}"
				 ".counts{font-size:1.1em;font-weight:600}"
				 ".scroll{overflow-x:auto;max-width:100%}"
				 "#preview th,#preview td{white-space:nowrap}"
				 "#preview tr.bad td{background:#fdecea}"
				 "#preview td.why{white-space:normal;min-width:14em;max-width:24em;color:#a3001b}"
				 "#errors li{margin:0 0 4px}"
				 ".actions{display:flex;flex-wrap:wrap;align-items:center;gap:8px 28px}"
				 ".actions form{margin:0}";

/* The field a header cell names, by its name in the user's language (as
 * 'household show' words it) or else its CSV name; a column the import
 * ignores or does not know, as the file has it. */
static const char *column_label(const char *header)
{
	int field = agent_csv_household_column(header);
	const proto_field_desc *d;
	char msgid[96];
	const char *t;

	if (field <= 0 || !(d = proto_field_lookup(PROTO_KIND_HOUSEHOLD, (uint8_t)field)))
		return header;
	snprintf(msgid, sizeof(msgid), "household show: %s", d->column);
	t = _(msgid); /* the catalogue's own text, or msgid itself when untranslated */
	return t != msgid && strcmp(t, msgid) != 0 ? t : d->column;
}

/* Run "household import [--dry-run] [--skip-bad] --json -- PATH" on the upload. */
static void run_import(agent_ui_req *r, const agent_ui_import_names *nm, int dry_run, int skip_bad,
		       agent_ui_ran *ran)
{
	char *argv[8];
	int argc = 0;

	argv[argc++] = "household";
	argv[argc++] = "import";
	if (dry_run)
		argv[argc++] = "--dry-run";
	if (skip_bad)
		argv[argc++] = "--skip-bad";
	argv[argc++] = "--json";
	argv[argc++] = "--";
	argv[argc++] = (char *)nm->path;
	argv[argc] = NULL;
	agent_ui_run(r->ui, ran, 1, argv);
}

static size_t count_of(const agent_ui_ran *ran, const char *key)
{
	int64_t v = 0;

	if (!ran->out || agent_json_get_int(ran->out, strlen(ran->out), key, &v) != 1 || v < 0)
		return 0;
	return (size_t)v;
}

static void page_start(proto_buf *b, const agent_ui_req *r, const char *title)
{
	proto_buf_init(b, AGENT_UI_PAGE_MAX);
	agent_ui_page_open(b, title, import_css);
	agent_ui_header(b, r->ui, "/import");
	proto_buf_append_str(b, "<main class=\"import\">\n<h1>");
	agent_ui_text(b, title);
	proto_buf_append_str(b, "</h1>\n");
}

static void page_end(agent_ui_req *r, proto_buf *b, int status)
{
	proto_buf_append_str(b, "</main>\n");
	agent_ui_page_close(b);
	agent_ui_reply(r, status, b);
	proto_buf_release(b);
}

/* The columns a list may have, in the user's words, with their CSV names. */
static void columns_help(proto_buf *b)
{
	proto_buf_appendf(b, "<section id=\"columns\"><h2>%s</h2>\n<p>", _("The columns"));
	agent_ui_text(b, _("Save the list from Excel as \"CSV UTF-8\". The first row names the columns, "
			   "in any order, in Vietnamese or English; an STT column is ignored. Required: "
			   "the head of household, hamlet, members and category. Each row is checked as "
			   "when a household is added by hand, and nothing is written before you have "
			   "seen every error."));
	proto_buf_append_str(b, "</p>\n<ul>");
	for (size_t k = 0; k < agent_hh_nuser_fields; k++) {
		const proto_field_desc *d = proto_field_lookup(PROTO_KIND_HOUSEHOLD,
							       (uint8_t)agent_hh_user_fields[k]);
		char label[160];

		agent_csv_column_label(agent_hh_user_fields[k], label, sizeof(label));
		proto_buf_append_str(b, "<li><strong>");
		agent_ui_text(b, column_label(d->column));
		proto_buf_append_str(b, "</strong>: ");
		agent_ui_text(b, label);
		proto_buf_append_str(b, "</li>");
	}
	proto_buf_appendf(b,
			  "</ul>\n<p><a href=\"/import/template.csv\" id=\"template\" download>%s</a></p>\n"
			  "</section>\n",
			  _("Download an empty list with the header row"));
}

/* The upload form; err: what was wrong with the last file (lines), or NULL. */
static void upload_form(agent_ui_req *r, int status, const agent_ui_import_names *nm, const char *err)
{
	proto_buf b;

	page_start(&b, r, _("Import a spreadsheet"));
	proto_buf_append_str(&b, "<section><form method=\"post\" action=\"/import\" "
				 "enctype=\"multipart/form-data\">");
	agent_ui_csrf_input(&b, r);
	proto_buf_appendf(
		&b,
		"<div class=\"field\"><label for=\"f-file\">%s</label>"
		"<input type=\"file\" id=\"f-file\" name=\"file\" accept=\".csv,text/csv\" required%s>",
		_("The list of households (CSV file)"),
		err ? " aria-invalid=\"true\" aria-describedby=\"err-file\"" : "");
	if (err) {
		proto_buf_append_str(&b, "<p class=\"error\" id=\"err-file\" role=\"alert\">");
		if (nm) /* the CLI's lines */
			agent_ui_import_say_lines(&b, nm, err, 0, "", "<br>\n");
		else
			agent_ui_text(&b, err);
		proto_buf_append_str(&b, "</p>");
	}
	proto_buf_appendf(&b,
			  "</div><p><button type=\"submit\" id=\"save\">%s</button></p></form></section>\n",
			  _("Check the file"));
	columns_help(&b);
	page_end(r, &b, status);
}

void agent_ui_import_page(agent_ui_req *r)
{
	upload_form(r, 200, NULL, NULL);
}

/* A token that names no kept upload (or not a token at all). */
static void upload_again(agent_ui_req *r, int status)
{
	proto_buf b;

	page_start(&b, r, _("Upload the file again"));
	proto_buf_append_str(&b, "<p id=\"err-form\" class=\"error\" role=\"alert\">");
	agent_ui_text(&b, _("This import is no longer on the laptop: a newer one replaced it, it was "
			    "imported already, or the app was restarted. Nothing was written."));
	proto_buf_appendf(&b, "</p>\n<p><a href=\"/import\">%s</a></p>\n", _("Upload the file again"));
	page_end(r, &b, status);
}

/* The first rows of the upload as a table, each bad one with its reason. */
static void preview_rows(proto_buf *b, const agent_ui_import_names *nm, const char *err)
{
	proto_buf data;
	agent_csv csv;
	size_t ncols, rows = 0;
	char why[1024];

	proto_buf_init(&data, IMPORT_UPLOAD_MAX + 1);
	if (proto_read_file(nm->path, &data) != PROTO_OK) {
		proto_buf_release(&data);
		return;
	}
	agent_csv_init(&csv, data.data ? (const char *)data.data : "", data.len);
	if (agent_csv_next(&csv) != 1 || csv.row_error)
		goto out;
	ncols = csv.nfields;
	proto_buf_appendf(b,
			  "<section><h2>%s</h2>\n<div class=\"scroll\" tabindex=\"0\" role=\"region\" "
			  "aria-label=\"%s\"><table id=\"preview\"><thead><tr><th scope=\"col\">%s</th>"
			  "<th scope=\"col\">%s</th>",
			  _("The first rows"), _("The first rows"), _("Row"), _("Why the row is bad"));
	for (size_t i = 0; i < ncols; i++) {
		proto_buf_append_str(b, "<th scope=\"col\">");
		agent_ui_text(b, column_label(csv.fields[i]));
		proto_buf_append_str(b, "</th>");
	}
	proto_buf_append_str(b, "</tr></thead>\n<tbody>\n");
	while (rows < IMPORT_PREVIEW_ROWS && agent_csv_next(&csv) == 1) {
		int bad = agent_ui_import_reason(nm, err, csv.row_line, why, sizeof(why));

		/* the reason first: a wide list scrolls, the reason stays in sight */
		proto_buf_appendf(b, "<tr%s><th scope=\"row\">%zu</th><td class=\"why\">",
				  bad ? " class=\"bad\"" : "", csv.row_line);
		agent_ui_text(b, bad ? why : "");
		proto_buf_append_str(b, "</td>");
		for (size_t i = 0; i < ncols; i++) {
			proto_buf_append_str(b, "<td>");
			agent_ui_text(b, i < csv.nfields ? csv.fields[i] : "");
			proto_buf_append_str(b, "</td>");
		}
		proto_buf_append_str(b, "</tr>\n");
		rows++;
	}
	proto_buf_append_str(b, "</tbody></table></div></section>\n");
out:
	agent_csv_release(&csv);
	proto_buf_release(&data);
}

/* The counts in a paragraph opened by p_open, and the rows imported
 * before (skipped, not errors) when there are any. */
static void say_counts(proto_buf *b, const char *p_open, const char *counts, size_t already)
{
	char text[256];

	proto_buf_append_str(b, p_open);
	agent_ui_text(b, counts);
	proto_buf_append_str(b, "</p>\n");
	if (!already)
		return;
	snprintf(text, sizeof(text),
		 _("%zu rows were imported before: they are skipped, never imported twice"), already);
	proto_buf_append_str(b, "<p>");
	agent_ui_text(b, text);
	proto_buf_append_str(b, "</p>\n");
}

/* What the dry run of token's upload found, and the button to go on.
 * failed: the real import's refusal, said first, or NULL. */
static void preview(agent_ui_req *r, const char *token, const agent_ui_import_names *nm,
		    const agent_ui_ran *failed)
{
	agent_ui_ran ran;
	proto_buf b;
	size_t good, bad, already;
	char text[512];

	/* --skip-bad: a dry run with bad rows still counts them (--json); the
	 * file's own faults (its header, UTF-16, a quote never closed) stop it */
	run_import(r, nm, 1, 1, &ran);
	if (ran.rc != AGENT_OK && !failed) {
		unlink(nm->path);
		unlink(nm->loi); /* rows bad before a quote that never closed */
		upload_form(r, 422, nm, ran.err);
		agent_ui_ran_release(&ran);
		return;
	}
	good = count_of(&ran, "good");
	bad = count_of(&ran, "bad");
	already = count_of(&ran, "already_imported");
	page_start(&b, r, _("Check the spreadsheet before importing"));
	if (failed) {
		proto_buf_append_str(&b, "<div id=\"err-form\" class=\"error\" role=\"alert\"><p>");
		agent_ui_text(&b, _("Nothing was imported:"));
		proto_buf_append_str(&b, "</p><ul>");
		agent_ui_import_say_lines(&b, nm, failed->err, 0, "<li>", "</li>\n");
		proto_buf_append_str(&b, "</ul></div>\n");
	}
	proto_buf_append_str(&b, "<section id=\"summary\">");
	snprintf(text, sizeof(text), _("%zu good rows, %zu bad rows in '%s'"), good, bad, nm->name);
	say_counts(&b, "<p class=\"counts\">", text, already);
	if (ran.rc == AGENT_OK && good && !bad)
		snprintf(text, sizeof(text), "%s",
			 _("Every row is good. Nothing is written until you import."));
	else if (ran.rc == AGENT_OK && good)
		snprintf(text, sizeof(text), "%s",
			 _("You can import the good rows now and download the bad ones to fix them, or fix "
			   "the file and upload it again."));
	else
		snprintf(text, sizeof(text), "%s",
			 _("There is nothing to import: fix the file and upload it again."));
	proto_buf_append_str(&b, "<p>");
	agent_ui_text(&b, text);
	proto_buf_append_str(&b, "</p>\n");
	/* the way on, a link to the bad rows and another file: one row on a screen */
	proto_buf_append_str(&b, "<div class=\"actions\">");
	if (ran.rc == AGENT_OK && good) {
		proto_buf_append_str(&b, "<form method=\"post\" action=\"/import\">");
		agent_ui_csrf_input(&b, r);
		proto_buf_appendf(&b,
				  "<input type=\"hidden\" name=\"f\" value=\"%s\">"
				  "<input type=\"hidden\" name=\"action\" value=\"%s\">"
				  "<input type=\"hidden\" name=\"name\" value=\"",
				  token, bad ? "good" : "all");
		agent_ui_text(&b, nm->name);
		proto_buf_appendf(&b, "\"><button type=\"submit\" id=\"save\">%s</button></form>\n",
				  bad ? _("Import the good rows") : _("Import all"));
	}
	if (bad && access(nm->loi, F_OK) == 0)
		proto_buf_appendf(&b, "<a id=\"bad-rows\" href=\"/import/bad?f=%s\" download>%s</a>\n",
				  token, _("Download the bad rows (CSV) to fix them"));
	proto_buf_appendf(&b, "<a href=\"/import\">%s</a></div></section>\n", _("Choose another file"));
	preview_rows(&b, nm, ran.err);
	if (ran.err && *ran.err) {
		proto_buf_appendf(&b, "<section id=\"errors\"><h2>%s</h2><ul>\n", _("Errors in the file"));
		agent_ui_import_say_lines(&b, nm, ran.err, 1, "<li>", "</li>\n");
		proto_buf_append_str(&b, "</ul></section>\n");
	}
	agent_ui_ran_release(&ran);
	page_end(r, &b, 200);
}

/* The upload's first bytes say it is an Excel workbook (.xlsx is a zip,
 * .xls an OLE file), which the CSV reader would take for garbled text. */
static int is_workbook(const uint8_t *data, size_t len)
{
	return (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0) ||
	       (len >= 4 && memcmp(data, "\xd0\xcf\x11\xe0", 4) == 0);
}

/* POST /import with the file: keep it and show its dry run. */
static void upload(agent_ui_req *r)
{
	web_part part;
	size_t pos = 0;
	int found = 0;
	char token[AGENT_UI_IMPORT_TOKEN_HEX + 1], msg[1024];
	agent_ui_import_names nm;

	memset(&part, 0, sizeof(part));
	while (!found && web_multipart_next(r->body, r->body_len, r->boundary, &pos, &part) == WEB_OK)
		found = strcmp(part.name, "file") == 0 && part.is_file;
	if (!found || (!part.len && !part.filename[0])) {
		upload_form(r, 422, NULL, _("Choose the CSV file of the list first."));
		return;
	}
	if (!part.len)
		snprintf(msg, sizeof(msg), _("'%s' is empty: choose the file that holds the list"),
			 part.filename);
	else if (part.len > IMPORT_UPLOAD_MAX)
		snprintf(msg, sizeof(msg),
			 _("'%s' is over 16 MiB: split the list into several files and import each"),
			 part.filename);
	else if (is_workbook(part.data, part.len))
		snprintf(msg, sizeof(msg),
			 _("'%s' is an Excel workbook, not a CSV file: in Excel choose Save As, \"CSV UTF-8 "
			   "(Comma delimited)\", and import that file"),
			 part.filename);
	else
		msg[0] = '\0';
	if (msg[0]) {
		upload_form(r, part.len > IMPORT_UPLOAD_MAX ? 413 : 422, NULL, msg);
		return;
	}
	if (agent_ui_import_keep(r->ui->ctx, part.data, part.len, token) != 0 ||
	    agent_ui_import_names_of(r->ui->ctx, token, part.filename, &nm) != 0) {
		snprintf(msg, sizeof(msg),
			 _("The file could not be kept in the agent's folder (%s); check the disk, then "
			   "upload it again."),
			 strerror(errno));
		agent_ui_said(r, 500, _("Cannot keep the file"), msg);
		return;
	}
	preview(r, token, &nm, NULL);
}

/* The import done: what it did, in words. */
static void imported(agent_ui_req *r, const char *token, const agent_ui_ran *ran)
{
	size_t n = count_of(ran, "imported"), bad = count_of(ran, "bad"),
	       already = count_of(ran, "already_imported");
	char text[512];
	proto_buf b;

	page_start(&b, r, _("Import done"));
	snprintf(text, sizeof(text), _("%zu households imported"), n);
	proto_buf_append_str(&b, "<section>");
	say_counts(&b, "<p id=\"result\" class=\"counts\">", text, already);
	if (bad) {
		snprintf(text, sizeof(text), _("%zu bad rows were not imported."), bad);
		proto_buf_append_str(&b, "<p>");
		agent_ui_text(&b, text);
		proto_buf_appendf(&b,
				  " <a id=\"bad-rows\" href=\"/import/bad?f=%s\" download>%s</a></p>\n<p>",
				  token, _("Download the bad rows (CSV) to fix them"));
		agent_ui_text(&b, _("Each has the reason in its last column. Correct them there and import "
				    "that file: the reason column is ignored."));
		proto_buf_append_str(&b, "</p>\n");
	}
	proto_buf_appendf(&b,
			  "<p><a href=\"/households\">%s</a></p><p><a href=\"/import\">%s</a></p></section>\n",
			  _("See the households"), _("Import another spreadsheet"));
	page_end(r, &b, 200);
}

/* POST /import with f (the token) and action: the real import. */
static void import_kept(agent_ui_req *r)
{
	char token[AGENT_UI_IMPORT_TOKEN_HEX + 2], action[8], name[AGENT_UI_IMPORT_NAME_MAX];
	agent_ui_import_names nm;
	agent_ui_ran ran;

	if (agent_ui_field(r, "f", token, sizeof(token)) != WEB_OK || !agent_ui_import_token_valid(token)) {
		upload_again(r, 400);
		return;
	}
	if (agent_ui_field(r, "action", action, sizeof(action)) != WEB_OK ||
	    (strcmp(action, "all") != 0 && strcmp(action, "good") != 0)) {
		agent_ui_said(r, 400, _("Not allowed"), _("Use the page's links and buttons."));
		return;
	}
	if (agent_ui_field(r, "name", name, sizeof(name)) != WEB_OK)
		name[0] = '\0';
	if (agent_ui_import_names_of(r->ui->ctx, token, name, &nm) != 0 || access(nm.path, F_OK) != 0) {
		upload_again(r, 404);
		return;
	}
	run_import(r, &nm, 0, strcmp(action, "good") == 0, &ran);
	if (ran.rc == AGENT_OK) {
		unlink(nm.path); /* imported: the errors file stays for its download */
		imported(r, token, &ran);
	} else {
		preview(r, token, &nm, &ran);
	}
	agent_ui_ran_release(&ran);
}

void agent_ui_import_post(agent_ui_req *r)
{
	if (r->multipart)
		upload(r);
	else
		import_kept(r);
}

/* A CSV download, as an attachment named name. */
static void reply_csv(agent_ui_req *r, const char *name, const void *data, size_t len)
{
	char disposition[128];

	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"", name);
	evhttp_add_header(evhttp_request_get_output_headers(r->req), "Content-Disposition", disposition);
	agent_ui_reply_type(r, 200, "text/csv; charset=utf-8", data, len);
}

/* GET /import/bad?f=TOKEN: the CLI's errors file of that import. */
void agent_ui_import_bad(agent_ui_req *r)
{
	char token[AGENT_UI_IMPORT_TOKEN_HEX + 2];
	agent_ui_import_names nm;
	proto_buf data;

	if (agent_ui_field(r, "f", token, sizeof(token)) != WEB_OK || !agent_ui_import_token_valid(token)) {
		upload_again(r, 400);
		return;
	}
	proto_buf_init(&data, IMPORT_LOI_MAX);
	if (agent_ui_import_names_of(r->ui->ctx, token, NULL, &nm) != 0 ||
	    proto_read_file(nm.loi, &data) != PROTO_OK)
		upload_again(r, 404);
	else
		reply_csv(r, "danh-sach-loi.csv", data.data, data.len);
	proto_buf_release(&data);
}

/* GET /import/template.csv: the header row alone, UTF-8 with a BOM so Excel
 * reads it as such; each column by its name in the user's language when
 * the import knows that name, else by its CSV name. */
void agent_ui_import_template(agent_ui_req *r)
{
	const char *cells[AGENT_CSV_MAX_FIELDS];
	size_t n = 0;
	proto_buf b;

	proto_buf_init(&b, 4096);
	for (size_t k = 0; k < agent_hh_nuser_fields && n < AGENT_CSV_MAX_FIELDS; k++) {
		int field = agent_hh_user_fields[k];
		const char *column = proto_field_lookup(PROTO_KIND_HOUSEHOLD, (uint8_t)field)->column;
		const char *label = column_label(column);

		cells[n++] = agent_csv_household_column(label) == field ? label : column;
	}
	if (proto_buf_append(&b, "\xef\xbb\xbf", 3) != PROTO_OK ||
	    agent_csv_put_row(&b, ',', cells, n) != PROTO_OK)
		agent_ui_said(r, 500, _("Cannot make the file"),
			      _("The laptop is out of memory; close other programs and try again."));
	else
		reply_csv(r, "danh-sach-ho.csv", b.data, b.len);
	proto_buf_release(&b);
}
