/*
 * page_form_milestone.c - record a stage of a household's house
 * (/milestone/new?hh=REF&stage=CODE): the stage (the next one chosen), the
 * day, a note and photos; a save runs "milestone REF STAGE" (run.c) with
 * each photo as --photo, so the photos are checked and recorded with the
 * stage in one transaction, as the CLI does. A stage out of order is
 * refused by the command; its message is shown with the field for the
 * reason (--force), which the form shows only then. The photos wait in
 * 0600 files under the agent's home (ui-tmp/) while the command reads
 * them, and are removed after. /js/photos.js shows them before they are
 * sent; the form works without it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "form.h"
#include "photo_store.h"
#include "validate.h"

#define ARG_MAX (AGENT_FORM_VALUE_MAX + 32)

static const char *const field_names[] = { "stage", "date", "note", "force", "photo", NULL };

static const char milestone_css[] =
	".who{margin:0 0 12px}"
	"#photo-preview{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0 0}"
	"#photo-preview figure{margin:0;width:120px}"
	"#photo-preview img{width:120px;height:90px;object-fit:cover;border-radius:4px;display:block}"
	"#photo-preview figcaption{font-size:.8em;overflow-wrap:anywhere}";

/* A preview of the photos chosen: optional, the form works without it. */
static const char photos_js[] = "/* photos.js: small pictures of the photos chosen, before they are sent */\n"
				"(function () {\n"
				"  'use strict';\n"
				"  var input = document.getElementById('f-photo');\n"
				"  var box = document.getElementById('photo-preview');\n"
				"  if (!input || !box || !window.FileReader) return;\n"
				"  input.addEventListener('change', function () {\n"
				"    while (box.firstChild) box.removeChild(box.firstChild);\n"
				"    Array.prototype.forEach.call(input.files, function (file) {\n"
				"      if (!/^image\\//.test(file.type)) return;\n"
				"      var fig = document.createElement('figure');\n"
				"      var img = document.createElement('img');\n"
				"      var cap = document.createElement('figcaption');\n"
				"      var reader = new FileReader();\n"
				"      img.alt = file.name;\n"
				"      cap.textContent = file.name;\n"
				"      reader.onload = function () { img.src = reader.result; };\n"
				"      reader.readAsDataURL(file);\n"
				"      fig.appendChild(img);\n"
				"      fig.appendChild(cap);\n"
				"      box.appendChild(fig);\n"
				"    });\n"
				"  });\n"
				"}());\n";

void agent_ui_photos_js(agent_ui_req *r)
{
	agent_ui_reply_type(r, 200, "text/javascript; charset=utf-8", photos_js, sizeof(photos_js) - 1);
}

/* The photos of a POST, each in its own 0600 file under home/ui-tmp/. */
typedef struct uploads {
	size_t n;
	char path[AGENT_PHOTOS_MAX][AGENT_PATH_MAX];
	char name[AGENT_PHOTOS_MAX][256]; /* the name the browser gave */
} uploads;

static void uploads_remove(uploads *u)
{
	for (size_t i = 0; i < u->n; i++)
		unlink(u->path[i]);
	u->n = 0;
}

/* One file of the upload into a new 0600 file; 0, or -1 (said in f). */
static int upload_keep(agent_ui *ui, uploads *u, const web_part *part, agent_form *f)
{
	char dir[AGENT_PATH_MAX];
	int fd;

	if (u->n == AGENT_PHOTOS_MAX) {
		char text[256];

		snprintf(text, sizeof(text),
			 _("at most %d photos at once; record the others afterwards"), AGENT_PHOTOS_MAX);
		agent_form_say(f, "photo", text);
		return -1;
	}
	if ((size_t)snprintf(dir, sizeof(dir), "%s/ui-tmp", ui->ctx->home) >= sizeof(dir) ||
	    (size_t)snprintf(u->path[u->n], sizeof(u->path[u->n]), "%s/photo-XXXXXX", dir) >=
		    sizeof(u->path[u->n]) ||
	    (mkdir(dir, 0700) != 0 && errno != EEXIST)) {
		agent_form_say(f, "photo",
			       _("the photo cannot be kept on this laptop for a moment; check the disk"));
		return -1;
	}
	fd = mkstemp(u->path[u->n]); /* 0600 */
	if (fd < 0) {
		agent_form_say(f, "photo",
			       _("the photo cannot be kept on this laptop for a moment; check the disk"));
		return -1;
	}
	snprintf(u->name[u->n], sizeof(u->name[u->n]), "%s", part->filename);
	u->n++; /* removed by uploads_remove from here on */
	for (size_t done = 0; done < part->len;) {
		ssize_t w = write(fd, part->data + done, part->len - done);

		if (w <= 0 && errno != EINTR) {
			close(fd);
			agent_form_say(
				f, "photo",
				_("the photo cannot be kept on this laptop for a moment; check the disk"));
			return -1;
		}
		done += w > 0 ? (size_t)w : 0;
	}
	if (close(fd) != 0) {
		agent_form_say(f, "photo",
			       _("the photo cannot be kept on this laptop for a moment; check the disk"));
		return -1;
	}
	return 0;
}

/* Every file part "photo" of a multipart POST (an empty file input sends
 * one without bytes: no photo). */
static int uploads_take(agent_ui_req *r, uploads *u, agent_form *f)
{
	size_t pos = 0;
	web_part part;
	web_result got;

	u->n = 0;
	if (!r->multipart)
		return 0;
	while ((got = web_multipart_next(r->body, r->body_len, r->boundary, &pos, &part)) == WEB_OK)
		if (strcmp(part.name, "photo") == 0 && part.is_file && part.len > 0 &&
		    upload_keep(r->ui, u, &part, f) != 0)
			return -1;
	return got == WEB_ABSENT ? 0 : -1;
}

/* A message of "milestone" that ends as an out-of-order stage's does
 * ("...; record the stages in order, or add --force REASON", in the
 * user's language) loses that end, which speaks of an option: 1 it was
 * one. The form then asks for the reason in a field. */
static int out_of_order(char *text)
{
	const char *format = _("%s; record the stages in order, or add --force REASON");
	const char *tail = strstr(format, "%s");
	size_t len = strlen(text), tlen;

	if (!tail)
		return 0;
	tail += 2;
	tlen = strlen(tail);
	if (len < tlen || strcmp(text + len - tlen, tail) != 0)
		return 0;
	text[len - tlen] = '\0';
	return 1;
}

/* The command's messages into f: a line naming a photo's temporary file
 * names the photo as the user chose it and goes beside the photo field.
 * 1 when one said the stage is out of order. */
static int take_messages(agent_form *f, const agent_ui_ran *ran, const uploads *u)
{
	int asked = 0;

	for (const char *line = ran->err; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char text[2048];
		int photo = 0;

		snprintf(text, sizeof(text), "%.*s", (int)len, line);
		for (size_t i = 0; i < u->n; i++) {
			char *at = strstr(text, u->path[i]);

			if (at) {
				size_t plen = strlen(u->path[i]), nlen = strlen(u->name[i]);

				if (strlen(text) - plen + nlen < sizeof(text)) {
					memmove(at + nlen, at + plen, strlen(at + plen) + 1);
					memcpy(at, u->name[i], nlen);
				}
				photo = 1;
			}
		}
		if (out_of_order(text)) {
			asked = 1;
			snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s",
				 _("; to record it anyway, say why below"));
		}
		agent_form_say(f, photo ? "photo" : NULL, text);
		line = nl ? nl + 1 : line + len;
	}
	return asked;
}

/* The form asks for the reason of an out-of-order stage only after the
 * command asked for it (asked), or when one was typed. */
static int force_wanted(const agent_form *f, int asked)
{
	char force[8];
	int typed = agent_form_value(f, "force", NULL, force, sizeof(force));

	return asked || typed < 0 /* longer than force[] */ || force[0] ||
	       agent_form_has_error(f, "force");
}

/* ask_force: the command refused the stage as out of order. */
static void page(agent_ui_req *r, agent_form *f, const agent_row *row, const char *stage, int ask_force,
		 int status)
{
	const char *ref = row->v[PROTO_HH_REF] ? row->v[PROTO_HH_REF] : "";
	char title[256], today[11], css[4096]; /* the forms' rules and this page's */
	proto_buf b;

	proto_buf_init(&b, AGENT_UI_PAGE_MAX);
	agent_today(today);
	snprintf(css, sizeof(css), "%s%s", agent_form_css, milestone_css);
	snprintf(title, sizeof(title), _("Record a stage: %s"),
		 row->v[PROTO_HH_NAME] ? row->v[PROTO_HH_NAME] : ref);
	agent_ui_page_open(&b, title, css);
	proto_buf_append_str(&b, "<script src=\"/js/photos.js\" defer></script>\n");
	agent_ui_header(&b, r->ui, NULL);
	proto_buf_append_str(&b, "<main class=\"form\"><h1>");
	agent_ui_text(&b, title);
	proto_buf_append_str(&b, "</h1>\n<p class=\"who\">");
	agent_ui_text(&b, ref);
	proto_buf_append_str(&b, " · ");
	agent_ui_text(&b, row->v[PROTO_HH_HAMLET]);
	proto_buf_append_str(&b, " · ");
	agent_ui_text(&b, row->stage >= 1 && row->stage <= 8
				  ? agent_label(PROTO_KIND_MILESTONE, PROTO_MS_STAGE,
						proto_stages[row->stage - 1])
				  : _("no stage yet"));
	proto_buf_append_str(&b, "</p>\n");
	agent_form_open(&b, f, "/milestone/new", 1);
	agent_form_hidden(&b, "hh", ref);
	agent_form_select(&b, f, PROTO_KIND_MILESTONE, PROTO_MS_STAGE, "stage", _("Stage reached"),
			  stage, NULL);
	agent_form_field(&b, f, AGENT_FIELD_DATE, "date", _("Date reached"), today, 1,
			 _("the day the stage was reached (dd/mm/yyyy)"));
	agent_form_field(&b, f, AGENT_FIELD_TEXTAREA, "note", _("Note, if any"), NULL, 0, NULL);
	if (force_wanted(f, ask_force))
		agent_form_field(&b, f, AGENT_FIELD_TEXTAREA, "force", _("Why record it out of order"),
				 NULL, 1, _("the stages are recorded in order; say why this one is not"));
	agent_form_files(&b, f, "photo", _("Photos of the stage"),
			 _("JPEG or PNG photos of the stage; several at once"), "image/jpeg,image/png",
			 "<div id=\"photo-preview\" aria-live=\"polite\"></div>");
	agent_form_close(&b, _("Record the stage"));
	agent_form_back_link(&b, ref);
	proto_buf_append_str(&b, "</main>\n");
	agent_ui_page_close(&b);
	agent_ui_reply(r, status, &b);
	proto_buf_release(&b);
}

/* The stage to offer: the one asked for, else the one after the latest. */
static const char *stage_offered(const agent_row *row, const char *asked)
{
	if (asked && *asked)
		return asked;
	return proto_stages[row->stage >= 0 && row->stage < 8 ? row->stage : 7];
}

void agent_ui_milestone_new_page(agent_ui_req *r)
{
	char ref[64] = "", stage[64] = "";
	agent_row row;
	agent_form f;

	web_query_value(r->query, "hh", ref, sizeof(ref));
	web_query_value(r->query, "stage", stage, sizeof(stage));
	if (!agent_form_household(r, ref, &row))
		return;
	agent_form_init(&f, r, field_names, 0);
	page(r, &f, &row, stage_offered(&row, stage), 0, 200);
	agent_form_release(&f);
	agent_row_release(&row);
}

void agent_ui_milestone_new_save(agent_ui_req *r)
{
	static char date_arg[ARG_MAX], note_arg[ARG_MAX], force_arg[ARG_MAX];
	static char photo_args[AGENT_PHOTOS_MAX][AGENT_PATH_MAX + 16];
	static uploads u; /* large: one request at a time (evhttp's one thread) */
	char ref[64] = "", stage[64] = "", location[96];
	char *argv[8 + AGENT_PHOTOS_MAX];
	agent_ui_ran ran = { 0 };
	agent_row row;
	agent_form f;
	int argc = 0, ask_force = 0, dated;

	agent_ui_field(r, "hh", ref, sizeof(ref));
	agent_ui_field(r, "stage", stage, sizeof(stage));
	if (!agent_form_household(r, ref, &row))
		return;
	agent_form_init(&f, r, field_names, 1);
	u.n = 0;
	argv[argc++] = "milestone";
	if (!stage[0])
		agent_form_say(&f, "stage", _("choose the stage"));
	dated = agent_form_arg(&f, "date", date_arg, sizeof(date_arg), argv, &argc);
	if (dated == 0) /* the command would take today: the form asks */
		agent_form_say(&f, "date", _("fill this in"));
	if (dated <= 0 || agent_form_arg(&f, "note", note_arg, sizeof(note_arg), argv, &argc) < 0 ||
	    agent_form_arg(&f, "force", force_arg, sizeof(force_arg), argv, &argc) < 0 || !stage[0])
		goto refused;
	if (uploads_take(r, &u, &f) != 0) {
		if (!agent_form_has_messages(&f))
			agent_form_say(&f, "photo",
				       _("the photos did not arrive whole; choose them again"));
		goto refused;
	}
	for (size_t i = 0; i < u.n; i++) {
		snprintf(photo_args[i], sizeof(photo_args[i]), "--photo=%s", u.path[i]);
		argv[argc++] = photo_args[i];
	}
	argv[argc++] = "--";
	argv[argc++] = row.v[PROTO_HH_REF] ? row.v[PROTO_HH_REF] : ref;
	argv[argc++] = stage;
	argv[argc] = NULL;
	if (agent_ui_run(r->ui, &ran, 1, argv) == AGENT_OK) {
		snprintf(location, sizeof(location), "/household/%s#timeline", argv[argc - 2]);
		agent_ui_redirect(r, location);
		goto out;
	}
	ask_force = take_messages(&f, &ran, &u);
	if (!agent_form_has_messages(&f))
		agent_form_say(&f, NULL, _("The stage was not recorded; try again."));
refused:
	if (u.n && !agent_form_has_error(&f, "photo"))
		agent_form_say(
			&f, "photo",
			_("choose the photos again: a browser does not keep them after a refused form"));
	page(r, &f, &row, stage, ask_force, 422);
out:
	uploads_remove(&u);
	agent_ui_ran_release(&ran);
	agent_form_release(&f);
	agent_row_release(&row);
}
