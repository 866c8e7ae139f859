/*
 * page_sync.c - "/sync" of the field worker's pages (ui.h): "Sync now"
 * runs "maiam-agent sync" itself as a child process (job.c), so the CLI's
 * very code does the work while the pages go on answering; the page shows
 * how far it is from the command's --progress-file and refreshes itself
 * every 2 s (no script needed), then the result in words from its exit
 * code and its --json summary, its own messages, and what needs attention
 * now (the home page's list, agent_ui_attention).
 */
#include <stdlib.h>
#include <string.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include "maiam/fsutil.h"
#include "net.h"
#include "store.h"
#include "sync.h"
#include "ui.h"
#include "validate.h"

#define META_MAX 1024
#define PROGRESS_MAX 4096

static const char sync_css[] = "main{display:block;max-width:900px}"
			       "#sync-progress p{font-size:1.15em;margin:0 0 8px}"
			       ".ok{border-color:#1f7a3f;border-width:3px}"
			       "form{margin:0}"
			       "button{font:inherit;min-height:48px;padding:10px 24px;border-radius:8px;border:0;"
			       "background:#1f5130;color:#fff;cursor:pointer}"
			       "pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0;font:inherit}";

/* One paragraph of text, escaped. */
static void para(proto_buf *b, const char *text)
{
	proto_buf_append_str(b, "<p>");
	agent_ui_text(b, text);
	proto_buf_append_str(b, "</p>\n");
}

void agent_ui_text_lines(proto_buf *b, const char *text, const char *tag)
{
	for (const char *line = text; line && *line;) {
		size_t n = strcspn(line, "\n");
		char one[2048];

		if (n) {
			snprintf(one, sizeof(one), "%.*s", (int)n, line);
			proto_buf_appendf(b, "<%s>", tag);
			agent_ui_text(b, one);
			proto_buf_appendf(b, "</%s>\n", tag);
		}
		line += n + (line[n] == '\n');
	}
}

/* "Last sync: ..." from the store's meta, as the home page says it. */
static void last_sync(agent_ui *ui, proto_buf *b)
{
	char raw[META_MAX] = "", shown[META_MAX + 32], line[META_MAX + 128];
	int found = 0;

	agent_meta_get(ui->ctx, "last_sync", raw, sizeof(raw), &found);
	agent_show_time(raw, shown, sizeof(shown));
	snprintf(line, sizeof(line), _("Last sync: %s"), found && raw[0] ? shown : _("never"));
	proto_buf_append_str(b, "<p id=\"last-sync\">");
	agent_ui_text(b, line);
	proto_buf_append_str(b, "</p>\n");
}

static void sync_form(proto_buf *b, const agent_ui_req *r, const char *label)
{
	proto_buf_append_str(b, "<form method=\"post\" action=\"/sync\">");
	agent_ui_csrf_input(b, r);
	proto_buf_appendf(b, "<button type=\"submit\" id=\"save\">%s</button></form>\n", label);
}

/* Not enrolled: how to get there, or how to do without. */
static void not_enrolled(proto_buf *b)
{
	proto_buf_appendf(b, "<section id=\"not-enrolled\" class=\"warn\"><h2>%s</h2>\n",
			  _("This laptop is not enrolled with the province hub"));
	para(b, _("It cannot sync over the network yet. Ask the district for the hub's address, its "
		  "certificate file and a one-time code, then run in a terminal:"));
	proto_buf_append_str(b,
			     "<p><code>maiam-agent enroll --hub URL --ca FILE --token TOKEN</code></p>\n");
	para(b, _("A commune that is never online gets an enrolment file from the district instead: "
		  "maiam-agent enroll --file FILE."));
	proto_buf_appendf(b, "<p>%s <a href=\"/export\">%s</a></p>\n",
			  _("Until then, the changes travel on a USB stick:"), _("Export to USB"));
	proto_buf_append_str(b, "</section>\n");
}

/* The step of a running sync, from its progress file, in words. */
static void progress(agent_ui_job *job, proto_buf *b)
{
	proto_buf file;
	const char *json;
	char step[32] = "", line[256];
	int64_t sent = 0, total = 0, updates = 0, photos_sent = 0, photos = 0, bytes_sent = 0, bytes = 0;
	uint64_t secs = (proto_wall_ms() - job->started_ms) / 1000;

	proto_buf_init(&file, PROGRESS_MAX);
	if (proto_read_file(job->progress, &file) == PROTO_OK && file.len) {
		json = (const char *)file.data;
		agent_json_get_str(json, file.len, "step", step, sizeof(step));
		agent_json_get_int(json, file.len, "changesets_sent", &sent);
		agent_json_get_int(json, file.len, "changesets", &total);
		agent_json_get_int(json, file.len, "updates", &updates);
		agent_json_get_int(json, file.len, "photos_sent", &photos_sent);
		agent_json_get_int(json, file.len, "photos", &photos);
		agent_json_get_int(json, file.len, "photo_bytes_sent", &bytes_sent);
		agent_json_get_int(json, file.len, "photo_bytes", &bytes);
	}
	proto_buf_release(&file);
	proto_buf_appendf(b, "<section id=\"sync-progress\" aria-live=\"polite\"><h2>%s</h2>\n",
			  _("Syncing…"));
	if (strcmp(step, "photos") == 0)
		snprintf(line, sizeof(line), _("Sending photos: %lld of %lld, %.1f of %.1f MB"),
			 (long long)photos_sent, (long long)photos, (double)bytes_sent / 1e6,
			 (double)bytes / 1e6);
	else if (strcmp(step, "receiving") == 0)
		snprintf(line, sizeof(line), _("Receiving the hub's updates: %lld so far"),
			 (long long)updates);
	else if (strcmp(step, "sending") == 0)
		snprintf(line, sizeof(line), _("Sending records: %lld of %lld change-sets"),
			 (long long)sent, (long long)total);
	else
		snprintf(line, sizeof(line), "%s", _("Getting the changes ready to send"));
	para(b, line);
	snprintf(line, sizeof(line), _("Started %llu s ago. This page refreshes itself."),
		 (unsigned long long)secs);
	para(b, line);
	para(b, _("You may go on working on other pages: the sync goes on, and stopping it loses "
		  "nothing."));
	proto_buf_append_str(b, "</section>\n");
}

/* What an exit code of sync means (its help, in the words of the page). */
static void verdict(int rc, const char **title, const char **text)
{
	switch (rc) {
	case AGENT_OK:
		*title = _("Sync done");
		*text = _("The hub has every change of this laptop, and this laptop has the hub's "
			  "updates.");
		break;
	case AGENT_NETWORK:
		*title = _("No network: nothing is lost");
		*text = _("The hub could not be reached. Every change stays on this laptop; sync again "
			  "later, or take an export to the district on a USB stick.");
		break;
	case AGENT_REJECTED:
		*title = _("The hub refused some changes");
		*text = _("The hub's reasons are below and under 'Needs attention'. The other changes "
			  "went through; tell the district what it refused.");
		break;
	default:
		*title = _("The sync failed");
		*text = _("Its messages are below. Nothing is lost: sync again, and if it fails the "
			  "same way, run 'maiam-agent check' and ask the district for help.");
		break;
	}
}

/* The --json summary's figures (a sync that got that far) in words. */
static void figures(proto_buf *b, const char *json)
{
	int64_t pushed = 0, already = 0, pulled = 0, merged = 0, conflicts = 0, photos = 0, left = 0;
	size_t len = strlen(json);
	char line[256];

	if (agent_json_get_int(json, len, "pushed", &pushed) != 1)
		return; /* it stopped before its summary */
	agent_json_get_int(json, len, "already_there", &already);
	agent_json_get_int(json, len, "pulled", &pulled);
	agent_json_get_int(json, len, "merged", &merged);
	agent_json_get_int(json, len, "conflicts", &conflicts);
	agent_json_get_int(json, len, "photos_sent", &photos);
	agent_json_get_int(json, len, "photos_left", &left);
	proto_buf_append_str(b, "<ul id=\"sync-figures\">\n<li>");
	snprintf(line, sizeof(line), _("Sent: %lld change-sets (%lld the hub already had)"),
		 (long long)(pushed + already), (long long)already);
	agent_ui_text(b, line);
	proto_buf_append_str(b, "</li>\n<li id=\"sync-received\">");
	snprintf(line, sizeof(line),
		 _("Received: %lld updates from the hub (review decisions, other laptops' records), "
		   "%lld of them new here"),
		 (long long)pulled, (long long)merged);
	agent_ui_text(b, line);
	if (conflicts) {
		proto_buf_append_str(b, "</li>\n<li>");
		snprintf(line, sizeof(line), _("Edits not kept: %lld (see 'Needs attention')"),
			 (long long)conflicts);
		agent_ui_text(b, line);
	}
	if (photos || left) {
		proto_buf_append_str(b, "</li>\n<li>");
		snprintf(line, sizeof(line), _("Photos: %lld sent, %lld left for the next sync"),
			 (long long)photos, (long long)left);
		agent_ui_text(b, line);
	}
	proto_buf_append_str(b, "</li>\n</ul>\n");
}

/* The finished sync of this app: its verdict, figures and messages. */
static void result(const agent_ui_job *job, proto_buf *b)
{
	const char *title, *text;

	verdict(job->rc, &title, &text);
	proto_buf_appendf(b, "<section id=\"sync-result\" class=\"%s\" data-rc=\"%d\"><h2>",
			  job->rc == AGENT_OK ? "ok" : "warn", job->rc);
	agent_ui_text(b, title);
	proto_buf_append_str(b, "</h2>\n");
	para(b, text);
	figures(b, job->out ? job->out : "");
	if (job->err && job->err[0]) {
		proto_buf_appendf(b, "<h3>%s</h3><ul id=\"sync-messages\">\n", _("What the sync said"));
		agent_ui_text_lines(b, job->err, "li");
		proto_buf_append_str(b, "</ul>\n");
	}
	proto_buf_append_str(b, "</section>\n");
}

/* The page into b: 0, or -1 when the store cannot be read. */
static int sync_page(agent_ui_req *r, proto_buf *b)
{
	agent_ui *ui = r->ui;
	agent_hub_info info;
	int enrolled = 0;

	memset(&info, 0, sizeof(info));
	if (agent_hub_load(ui->ctx, &info, &enrolled) != PROTO_OK)
		return -1;
	agent_ui_page_open(b, _("Sync"), sync_css);
	agent_ui_header(b, ui, "/sync");
	proto_buf_appendf(b, "<main>\n<h1>%s</h1>\n", _("Sync with the province hub"));
	if (ui->sync.running) {
		/* refreshed by the browser itself, script or not */
		proto_buf_append_str(b, "<meta http-equiv=\"refresh\" content=\"2\">\n");
		progress(&ui->sync, b);
	} else if (!enrolled) {
		not_enrolled(b);
	} else {
		if (ui->sync.done)
			result(&ui->sync, b);
		proto_buf_append_str(b, "<section id=\"sync-start\">");
		last_sync(ui, b);
		para(b, _("Sync sends this laptop's changes and photos to the hub and brings back its "
			  "decisions. It needs the network; it may take minutes on a slow link."));
		sync_form(b, r, ui->sync.done ? _("Sync again") : _("Sync now"));
		proto_buf_append_str(b, "</section>\n");
		if (agent_ui_attention(ui, b))
			return -1;
	}
	proto_buf_append_str(b, "</main>\n");
	agent_ui_page_close(b);
	return 0;
}

void agent_ui_sync_page(agent_ui_req *r)
{
	proto_buf b;

	proto_buf_init(&b, AGENT_UI_PAGE_MAX);
	if (sync_page(r, &b)) {
		agent_ui_store_failed(r);
	} else {
		if (r->ui->sync.running)
			evhttp_add_header(evhttp_request_get_output_headers(r->req), "Refresh", "2");
		agent_ui_reply(r, 200, &b);
	}
	proto_buf_release(&b);
}

void agent_ui_sync_start(agent_ui_req *r)
{
	agent_ui *ui = r->ui;
	char *args[] = { "--json", "sync", NULL };
	agent_hub_info info;
	int enrolled = 0;

	memset(&info, 0, sizeof(info));
	if (agent_hub_load(ui->ctx, &info, &enrolled) != PROTO_OK) {
		agent_ui_store_failed(r);
		return;
	}
	/* a second "Sync now" while one runs shows the running one */
	if (enrolled && !ui->sync.running &&
	    agent_ui_job_start(&ui->sync, evhttp_connection_get_base(evhttp_request_get_connection(r->req)),
			       ui->ctx->home, "sync", args, 1) != 0) {
		agent_ui_said(r, 500, _("Cannot start the sync"),
			      _("The laptop could not start 'maiam-agent sync'; run it in a terminal to "
				"see why."));
		return;
	}
	agent_ui_redirect(r, "/sync");
}
