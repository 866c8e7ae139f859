/*
 * page_export.c - "/export" of the field worker's pages (ui.h): the file
 * for the district written by "maiam-agent export" itself (agent_ui_run),
 * onto a USB stick the laptop has mounted under /media, into a folder
 * typed, or into a download. The file is named maiam-COMMUNE-DATE.maiam
 * (maiam-31498-2023-07-01.maiam): the commune and the day say whose and
 * how fresh it is; a second export of the day replaces the first, which
 * it contains (every change-set the hub has not acknowledged).
 * MAIAM_MOUNTS and MAIAM_MEDIA_DIR replace /proc/self/mounts and /media
 * for the tests, which cannot plug in a stick.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include "maiam/bundle.h"
#include "maiam/fsutil.h"
#include "net.h"
#include "home_crypt.h" /* home_crypt_unescape: the mounts file's escapes */
#include "store.h"
#include "ui.h"
#include "validate.h"

#define MAX_STICKS 16
#define MOUNTS_MAX (1 << 20)
/* the whole bundle in memory for a download: records and photos at most */
#define DOWNLOAD_MAX ((size_t)PROTO_BUNDLE_PHOTOS_MAX + ((size_t)256 << 20))

typedef struct stick {
	char path[AGENT_PATH_MAX];
	char label[256]; /* the last part of its path: the stick's name */
	double free_gb;
} stick;

/* What the form sent, kept to show it again with its error. */
typedef struct export_form {
	char target[AGENT_PATH_MAX];
	char folder[AGENT_PATH_MAX];
	char err_folder[1024];
	char err_form[2048];
} export_form;

static const char export_css[] =
	"main{display:block;max-width:900px}"
	"fieldset{border:0;margin:0 0 12px;padding:0}"
	"legend{font-weight:600;margin:0 0 8px}"
	".choice{display:flex;align-items:center;gap:10px;min-height:48px;flex-wrap:wrap}"
	".choice input[type=radio]{width:24px;height:24px;margin:0;flex:none}"
	".choice label{flex:1;min-width:0}"
	"input[type=text]{font:inherit;min-height:44px;padding:6px 8px;width:100%;max-width:32em;"
	"border:1px solid #8a8f85;border-radius:6px}"
	".error{color:#9b1c1c;font-weight:600;margin:4px 0}"
	".ok{border-color:#1f7a3f;border-width:3px}"
	"button{font:inherit;min-height:48px;padding:10px 24px;border-radius:8px;border:0;"
	"background:#1f5130;color:#fff;cursor:pointer}"
	"code{overflow-wrap:anywhere}";

/* The mount points under the media folder, one or two levels down
 * (/media/STICK, /media/USER/STICK, as udisks mounts them): at most max
 * into a; how many. */
static size_t sticks_find(stick *a, size_t max)
{
	const char *mounts = getenv("MAIAM_MOUNTS"), *media = getenv("MAIAM_MEDIA_DIR");
	proto_buf file;
	size_t n = 0, mlen;
	char *line, *next;

	if (!mounts || !*mounts)
		mounts = "/proc/self/mounts";
	if (!media || !*media)
		media = "/media";
	mlen = strlen(media);
	proto_buf_init(&file, MOUNTS_MAX);
	if (proto_read_file(mounts, &file) != PROTO_OK || !file.len ||
	    proto_buf_append(&file, "", 1) != PROTO_OK) {
		proto_buf_release(&file);
		return 0;
	}
	for (line = (char *)file.data; line && *line && n < max; line = next) {
		char dev[256], where[AGENT_PATH_MAX];
		const char *rest, *slash;
		struct statvfs vfs;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (sscanf(line, "%255s %4095s", dev, where) != 2)
			continue;
		home_crypt_unescape(where);
		rest = where + mlen;
		if (strncmp(where, media, mlen) != 0 || rest[0] != '/' || !rest[1])
			continue;
		slash = strchr(rest + 1, '/');
		if (slash && (!slash[1] || strchr(slash + 1, '/')))
			continue; /* deeper than a stick of a user's */
		snprintf(a[n].path, sizeof(a[n].path), "%s", where);
		snprintf(a[n].label, sizeof(a[n].label), "%s", strrchr(where, '/') + 1);
		a[n].free_gb = statvfs(where, &vfs) == 0
				       ? (double)vfs.f_bavail * (double)vfs.f_frsize / 1e9
				       : 0.0;
		n++;
	}
	proto_buf_release(&file);
	return n;
}

/* maiam-COMMUNE-DATE.maiam */
static void file_name(const agent_ctx *ctx, char *out, size_t n)
{
	char today[11];

	agent_today(today);
	snprintf(out, n, "maiam-%d-%s.maiam", ctx->commune, today);
}

/* An error paragraph of the contract: id err-NAME, read by screen readers. */
static void error_line(proto_buf *b, const char *name, const char *text)
{
	if (!text || !*text)
		return;
	proto_buf_appendf(b, "<p class=\"error\" id=\"err-%s\" role=\"alert\">", name);
	agent_ui_text(b, text);
	proto_buf_append_str(b, "</p>\n");
}

static void choice(proto_buf *b, const char *id, const char *value, int checked, const char *label)
{
	proto_buf_appendf(b,
			  "<div class=\"choice\"><input type=\"radio\" name=\"target\" id=\"%s\" value=\"",
			  id);
	agent_ui_text(b, value);
	proto_buf_appendf(b, "\"%s><label for=\"%s\">", checked ? " checked" : "", id);
	agent_ui_text(b, label);
	proto_buf_append_str(b, "</label></div>\n");
}

/* The form, with what was sent and its errors when f is not empty. */
static void export_form_html(agent_ui_req *r, proto_buf *b, const export_form *f)
{
	stick sticks[MAX_STICKS];
	size_t n = sticks_find(sticks, MAX_STICKS);
	char name[64], line[AGENT_PATH_MAX + 128], id[48];
	const char *want = f->target[0] ? f->target : n ? sticks[0].path : "folder";

	file_name(r->ui->ctx, name, sizeof(name));
	proto_buf_append_str(b, "<section id=\"export-form\">");
	error_line(b, "form", f->err_form);
	proto_buf_append_str(b, "<form method=\"post\" action=\"/export\">");
	agent_ui_csrf_input(b, r);
	proto_buf_appendf(b, "<fieldset><legend>%s</legend>\n", _("Where to write the file"));
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "f-target-stick-%zu", i + 1);
		snprintf(line, sizeof(line), _("USB stick %s (%s), %.1f GB free"), sticks[i].label,
			 sticks[i].path, sticks[i].free_gb);
		choice(b, id, sticks[i].path, strcmp(want, sticks[i].path) == 0, line);
	}
	if (!n)
		proto_buf_appendf(b, "<p id=\"no-stick\">%s <a href=\"/export\">%s</a></p>\n",
				  _("No USB stick is plugged in: plug one in, wait a moment, then"),
				  _("look again"));
	choice(b, "f-target-folder", "folder", strcmp(want, "folder") == 0, _("A folder:"));
	proto_buf_appendf(b,
			  "<label for=\"f-folder\">%s</label> <input type=\"text\" name=\"folder\" "
			  "id=\"f-folder\" value=\"",
			  _("Folder (its whole path, e.g. /media/usb)"));
	agent_ui_text(b, f->folder);
	proto_buf_append_str(b, "\"");
	if (f->err_folder[0])
		proto_buf_append_str(b, " aria-invalid=\"true\" aria-describedby=\"err-folder\"");
	proto_buf_append_str(b, ">\n");
	error_line(b, "folder", f->err_folder);
	choice(b, "f-target-download", "download", strcmp(want, "download") == 0,
	       _("Download the file (the browser saves it)"));
	proto_buf_append_str(b, "</fieldset>\n<p>");
	snprintf(line, sizeof(line), _("The file is named %s."), name);
	agent_ui_text(b, line);
	proto_buf_appendf(b, "</p>\n<button type=\"submit\" id=\"save\">%s</button></form></section>\n",
			  _("Export"));
}

/* The page around the form, or around the result (result: escaped HTML). */
static void export_page(agent_ui_req *r, int status, const export_form *f, const proto_buf *result)
{
	char raw[AGENT_PATH_MAX + 64] = "", shown[AGENT_PATH_MAX + 128], line[AGENT_PATH_MAX + 256];
	int found = 0;
	proto_buf b;

	proto_buf_init(&b, AGENT_UI_PAGE_MAX);
	agent_ui_page_open(&b, _("Export to USB"), export_css);
	agent_ui_header(&b, r->ui, "/export");
	proto_buf_appendf(&b, "<main>\n<h1>%s</h1>\n", _("Export to USB"));
	if (result)
		proto_buf_append(&b, result->data, result->len);
	proto_buf_append_str(&b, "<p>");
	agent_ui_text(&b,
		      _("The file carries every change the hub has not acknowledged yet, and the "
			"photos it lacks. Take it to the district: it is imported into the hub there."));
	proto_buf_append_str(&b, "</p>\n");
	export_form_html(r, &b, f);
	agent_meta_get(r->ui->ctx, "last_export", raw, sizeof(raw), &found);
	agent_show_time(raw, shown, sizeof(shown));
	snprintf(line, sizeof(line), _("Last export: %s"), found && raw[0] ? shown : _("never"));
	proto_buf_append_str(&b, "<p id=\"last-export\">");
	agent_ui_text(&b, line);
	proto_buf_append_str(&b, "</p>\n</main>\n");
	agent_ui_page_close(&b);
	agent_ui_reply(r, status, &b);
	proto_buf_release(&b);
}

void agent_ui_export_page(agent_ui_req *r)
{
	export_form f;

	memset(&f, 0, sizeof(f));
	export_page(r, 200, &f, NULL);
}

/* export --json's answer in words into result. */
static void said(proto_buf *result, const agent_ui_ran *ran, const char *path, int on_stick)
{
	const char *json = ran->out ? ran->out : "";
	size_t len = strlen(json);
	int64_t ncs = 0, photos = 0, left = 0;
	char line[AGENT_PATH_MAX + 256];

	agent_json_get_int(json, len, "changesets_in_file", &ncs);
	agent_json_get_int(json, len, "photos_in_file", &photos);
	agent_json_get_int(json, len, "photos_left", &left);
	proto_buf_appendf(result, "<section id=\"export-result\" class=\"ok\"><h2>%s</h2>\n<p>",
			  _("The file is written"));
	snprintf(line, sizeof(line), _("%lld change-sets and %lld photos are in %s."), (long long)ncs,
		 (long long)photos, path);
	agent_ui_text(result, line);
	proto_buf_append_str(result, "</p>\n");
	if (left) {
		snprintf(line, sizeof(line),
			 _("%lld photos did not fit; they go with the next export or sync."),
			 (long long)left);
		proto_buf_append_str(result, "<p>");
		agent_ui_text(result, line);
		proto_buf_append_str(result, "</p>\n");
	}
	proto_buf_append_str(result, "<p><strong>");
	agent_ui_text(result,
		      on_stick ? _("Take the stick to the district. Eject it safely before you pull it out.")
			       : _("Copy the file to a USB stick and take it to the district."));
	proto_buf_append_str(result, "</strong></p>\n");
	agent_ui_text_lines(result, ran->err, "p"); /* notes: a photo left out... */
	proto_buf_append_str(result, "</section>\n");
}

/* export --out=path: 0 written (ran kept for the caller to release), or
 * -1 with the CLI's messages in err (ran released). */
static int run_export(agent_ui *ui, agent_ui_ran *ran, const char *path, char *err, size_t n)
{
	char out_opt[AGENT_PATH_MAX + 16];
	char *argv[] = { "export", out_opt, NULL };

	snprintf(out_opt, sizeof(out_opt), "--out=%s", path);
	if (agent_ui_run(ui, ran, 1, argv) == AGENT_OK)
		return 0;
	snprintf(err, n, "%s", ran->err && ran->err[0] ? ran->err : _("The export failed."));
	err[strcspn(err, "\n")] = '\0'; /* its first message says what and what to do */
	agent_ui_ran_release(ran);
	return -1;
}

/* The bundle as an attachment: written to home/ui-tmp, read, removed. */
static void download(agent_ui_req *r, export_form *f)
{
	agent_ctx *ctx = r->ui->ctx;
	char name[64], tmp[AGENT_PATH_MAX], rel[128], disposition[128];
	agent_ui_ran ran;
	proto_buf file;

	file_name(ctx, name, sizeof(name));
	snprintf(rel, sizeof(rel), "ui-tmp/download-%ld.maiam", (long)getpid());
	if (agent_path_join(tmp, sizeof(tmp), ctx->home, "ui-tmp") != 0 ||
	    agent_mkdirs(tmp, 0700) != 0 || agent_path_join(tmp, sizeof(tmp), ctx->home, rel) != 0) {
		snprintf(f->err_form, sizeof(f->err_form), _("cannot make the folder '%s/ui-tmp': %s"),
			 ctx->home, strerror(errno));
		export_page(r, 500, f, NULL);
		return;
	}
	if (run_export(r->ui, &ran, tmp, f->err_form, sizeof(f->err_form))) {
		export_page(r, 422, f, NULL);
		return;
	}
	agent_ui_ran_release(&ran);
	proto_buf_init(&file, DOWNLOAD_MAX);
	if (proto_read_file(tmp, &file) != PROTO_OK) {
		unlink(tmp);
		proto_buf_release(&file);
		snprintf(f->err_form, sizeof(f->err_form), "%s",
			 _("The file was written but cannot be read back for the download; export to a "
			   "folder instead."));
		export_page(r, 500, f, NULL);
		return;
	}
	unlink(tmp);
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"", name);
	evhttp_add_header(evhttp_request_get_output_headers(r->req), "Content-Disposition", disposition);
	agent_ui_reply_type(r, 200, "application/octet-stream", file.data ? file.data : (uint8_t *)"",
			    file.len);
	proto_buf_release(&file);
}

void agent_ui_export_post(agent_ui_req *r)
{
	stick sticks[MAX_STICKS];
	size_t n;
	char name[64], path[AGENT_PATH_MAX + 80];
	const char *dir = NULL;
	export_form f;
	agent_ui_ran ran;
	proto_buf result;

	memset(&f, 0, sizeof(f));
	agent_ui_field(r, "target", f.target, sizeof(f.target));
	agent_ui_field(r, "folder", f.folder, sizeof(f.folder));
	if (!f.target[0] && f.folder[0])
		snprintf(f.target, sizeof(f.target), "folder");
	/* a folder typed while a stick or the download stays chosen: ask,
	 * rather than write where the field worker may not look */
	if (f.folder[0] && strcmp(f.target, "folder") != 0) {
		snprintf(f.err_folder, sizeof(f.err_folder), "%s",
			 _("You typed a folder but chose another place: choose 'A folder:' to write there, "
			   "or empty this field"));
		export_page(r, 422, &f, NULL);
		return;
	}
	if (strcmp(f.target, "download") == 0) {
		download(r, &f);
		return;
	}
	if (strcmp(f.target, "folder") == 0) {
		if (f.folder[0] != '/') {
			snprintf(f.err_folder, sizeof(f.err_folder), "%s",
				 _("Type the whole path of the folder, starting with /"));
			export_page(r, 422, &f, NULL);
			return;
		}
		dir = f.folder;
	} else {
		n = sticks_find(sticks, MAX_STICKS);
		for (size_t i = 0; i < n && !dir; i++)
			if (strcmp(sticks[i].path, f.target) == 0)
				dir = sticks[i].path;
		if (!dir) {
			snprintf(f.err_form, sizeof(f.err_form), "%s",
				 _("That USB stick is not plugged in any more: plug it in, then choose it "
				   "again below."));
			f.target[0] = '\0';
			export_page(r, 422, &f, NULL);
			return;
		}
	}
	file_name(r->ui->ctx, name, sizeof(name));
	snprintf(path, sizeof(path), "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
	if (run_export(r->ui, &ran, path, dir == f.folder ? f.err_folder : f.err_form,
		       dir == f.folder ? sizeof(f.err_folder) : sizeof(f.err_form))) {
		export_page(r, 422, &f, NULL);
		return;
	}
	proto_buf_init(&result, AGENT_UI_PAGE_MAX / 2);
	said(&result, &ran, path, dir != f.folder);
	agent_ui_ran_release(&ran);
	export_page(r, 200, &f, &result);
	proto_buf_release(&result);
}
