/*
 * page_home.c - the home page of the field worker's pages (ui.h): the
 * commune, households by stage, what waits to go to the hub, the last sync
 * and export, and what needs attention. Every figure comes from the store
 * functions `status` uses; the attention list is attention.c's own text
 * (agent_attention_show), so the page and the CLI say the same thing.
 * Also the frame every page shares: one inline style sheet, readable from
 * a 390 px window to a 1366 px screen, large targets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/schema.h"
#include "attention.h"
#include "store.h"
#include "ui.h"
#include "validate.h"

#define META_MAX (AGENT_PATH_MAX + 640) /* "TIME PATH" of the last export */
#define NSTAGES 8
#define UI_APPEND_MARGIN (64 * 1024)

static const char page_style[] =
	"*{box-sizing:border-box}"
	"body{margin:0;font:18px/1.5 system-ui,'Noto Sans',sans-serif;color:#1b1b1b;background:#f4f5f2}"
	"header{background:#1f5130;color:#fff;padding:12px 16px}"
	"header p.where{margin:0 0 4px;font-size:.95em}"
	"header nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 6px}"
	"header nav li{margin:0}"
	"header nav a{color:#fff;padding:10px 12px;border-radius:6px;text-decoration:none;"
	"background:#2c6a41}"
	"header nav a[aria-current]{background:#fff;color:#1f5130;font-weight:600}"
	"a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,"
	"textarea:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}"
	"h1{font-size:1.4em;margin:4px 0 12px}"
	"main{max-width:1200px;margin:0 auto;padding:12px}"
	"@media (min-width:900px){main{display:grid;grid-template-columns:1fr 1fr;gap:0 12px;"
	"align-items:start}#stages{grid-column:2;grid-row:1/span 2}}"
	"section{background:#fff;border:1px solid #d5d9d0;border-radius:8px;padding:12px 16px;"
	"margin:0 0 12px}"
	"h2{font-size:1.15em;margin:0 0 8px}"
	"table{border-collapse:collapse;width:100%}"
	"td,th{padding:8px 4px;border-bottom:1px solid #e4e7e0;text-align:left}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums;width:5em}"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px;margin:0}"
	"dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}"
	"ul{margin:0;padding-left:1.2em}li{margin:0 0 8px;overflow-wrap:anywhere}"
	".warn{border-color:#b45309;border-width:3px}"
	"a{color:#0b4f8a;display:inline-block;min-height:44px;padding:10px 0}"
	"@media (max-width:600px){body{font-size:17px}header{padding:8px 10px}"
	"header nav ul{gap:4px}header nav a{padding:10px 8px;font-size:.9em}dl{grid-template-columns:1fr}"
	"dd{margin-bottom:6px}main{padding:8px}}";

void agent_ui_text(proto_buf *b, const char *s)
{
	web_html_escape(b, s ? s : ""); /* a full buffer is seen at the end (home) */
}

void agent_ui_option(proto_buf *b, const char *value, const char *label, int selected)
{
	proto_buf_append_str(b, "<option value=\"");
	agent_ui_text(b, value);
	proto_buf_appendf(b, "\"%s>", selected ? " selected" : "");
	agent_ui_text(b, label);
	proto_buf_append_str(b, "</option>");
}

void agent_ui_page_open(proto_buf *b, const char *title, const char *css)
{
	proto_buf_appendf(b,
			  "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
			  "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>",
			  agent_lang_vi() ? "vi" : "en");
	agent_ui_text(b, title);
	proto_buf_appendf(b, "</title><style>%s%s</style></head><body>\n", page_style, css ? css : "");
}

/* The menu: every page a field worker goes to, in the order of a day. */
static const struct {
	const char *path;
	const char *label;
} menu[] = {
	{ "/", N_("Home") },
	{ "/households", N_("Households") },
	{ "/household/new", N_("Add a household") },
	{ "/import", N_("Import a spreadsheet") },
	{ "/sync", N_("Sync") },
	{ "/export", N_("Export to USB") },
};

void agent_ui_header(proto_buf *b, const agent_ui *ui, const char *here)
{
	const agent_ctx *ctx = ui->ctx;

	proto_buf_append_str(b, "<header><p class=\"where\"><strong class=\"commune\">");
	agent_ui_text(b, ctx->commune_name);
	proto_buf_appendf(b, "</strong> · %s %d · ", _("Commune"), ctx->commune);
	agent_ui_text(b, ctx->campaign);
	proto_buf_appendf(b, "</p><nav aria-label=\"%s\"><ul>", _("Menu"));
	for (size_t i = 0; i < sizeof(menu) / sizeof(menu[0]); i++) {
		int current = here && strcmp(here, menu[i].path) == 0;

		proto_buf_appendf(b, "<li><a href=\"%s\"%s>%s</a></li>", menu[i].path,
				  current ? " aria-current=\"page\"" : "", _(menu[i].label));
	}
	proto_buf_append_str(b, "</ul></nav></header>\n");
}

void agent_ui_page_close(proto_buf *b)
{
	proto_buf_append_str(b, "</body></html>\n");
}

/* Households not withdrawn, by the rank of their latest stage (0: none). */
static proto_result count_stage(agent_row *row, void *arg)
{
	int64_t *by_rank = arg;

	if (!row->v[PROTO_HH_WITHDRAWN] && row->stage >= 0 && row->stage <= NSTAGES)
		by_rank[row->stage]++;
	return PROTO_OK;
}

static void stage_rows(proto_buf *b, const int64_t by_rank[NSTAGES + 1])
{
	proto_buf_appendf(b, "<section id=\"stages\"><h2>%s</h2><table>\n", _("Households by stage"));
	for (int rank = 0; rank <= NSTAGES; rank++) {
		proto_buf_append_str(b, "<tr><th scope=\"row\">");
		agent_ui_text(b, rank ? agent_label(PROTO_KIND_MILESTONE, PROTO_MS_STAGE,
						    proto_stages[rank - 1])
				      : _("no stage yet"));
		proto_buf_appendf(b, "</th><td class=\"n\">%lld</td></tr>\n", (long long)by_rank[rank]);
	}
	proto_buf_append_str(b, "</table></section>\n");
}

/* One "term: value" line of a <dl>. */
static void fact(proto_buf *b, const char *term, const char *value)
{
	proto_buf_append_str(b, "<dt>");
	agent_ui_text(b, term);
	proto_buf_append_str(b, "</dt><dd>");
	agent_ui_text(b, value);
	proto_buf_append_str(b, "</dd>\n");
}

/* A meta time ("TIME[ PATH]") as the CLI shows it, or "never". */
static void fact_time(agent_ui *ui, proto_buf *b, const char *term, const char *key)
{
	char raw[META_MAX] = "", shown[META_MAX + 32];
	int found = 0;

	agent_meta_get(ui->ctx, key, raw, sizeof(raw), &found);
	agent_show_time(raw, shown, sizeof(shown));
	fact(b, term, found && raw[0] ? shown : _("never"));
}

static void summary(agent_ui *ui, proto_buf *b, const agent_counts *c)
{
	char n[256];

	proto_buf_appendf(b, "<section id=\"summary\"><h2>%s</h2><dl>\n", _("This laptop"));
	snprintf(n, sizeof(n), _("%lld changes not exported yet"), (long long)c->outbox);
	fact(b, _("Pending"), n);
	snprintf(n, sizeof(n), _("%lld change-sets (%lld changes) exported or sent, not yet acknowledged"),
		 (long long)c->sealed, (long long)c->sealed_records);
	fact(b, _("Awaiting hub"), n);
	fact_time(ui, b, _("Last sync"), "last_sync");
	fact_time(ui, b, _("Last export"), "last_export");
	snprintf(n, sizeof(n), _("%lld households, %lld milestones, %lld contributions"),
		 (long long)c->households, (long long)c->milestones, (long long)c->contributions);
	fact(b, _("Recorded"), n);
	proto_buf_append_str(b, "</dl></section>\n");
}

/* "Review:         1 approved, ...": the colon's padding, which lines up
 * a terminal's columns, left out of a paragraph. */
static void aligned_line(proto_buf *b, const char *line)
{
	const char *colon = strchr(line, ':');
	char head[256];

	snprintf(head, sizeof(head), "%.*s", colon ? (int)(colon - line) + 1 : (int)strlen(line), line);
	proto_buf_append_str(b, "<p>");
	agent_ui_text(b, head);
	if (colon && colon[1]) {
		proto_buf_append_str(b, " ");
		agent_ui_text(b, colon + 1 + strspn(colon + 1, " "));
	}
	proto_buf_append_str(b, "</p>\n");
}

int agent_ui_attention(agent_ui *ui, proto_buf *b)
{
	agent_ctx *ctx = ui->ctx;
	FILE *saved = ctx->out, *mem;
	char *text = NULL, *line, *next;
	size_t len = 0, indent;
	int json = ctx->json, rc, items = 0;
	const char *heading = _("Needs attention:\n");

	mem = open_memstream(&text, &len);
	if (!mem)
		return -1;
	ctx->out = mem;
	ctx->json = 0;
	rc = agent_attention_show(ctx);
	ctx->out = saved;
	ctx->json = json;
	if (fclose(mem) != 0 || rc != AGENT_OK) {
		free(text);
		return -1;
	}
	/* a frame that stands out while something waits for the field worker */
	proto_buf_appendf(b, "<section id=\"attention\"%s><h2>%s</h2>\n",
			  agent_attention_count(ctx) ? " class=\"warn\"" : "", _("Needs attention"));
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[0] != ' ') { /* "Review: ..." and the heading the <h2> replaces */
			if (strlen(line) + 1 != strlen(heading) || strncmp(line, heading, strlen(line)))
				aligned_line(b, line);
			continue;
		}
		indent = strspn(line, " ");
		if (indent <= 2 || !items) /* an item starts two spaces in, its records deeper */
			proto_buf_appendf(b, "%s<li>", items++ ? "</li>\n" : "<ul>\n");
		else
			proto_buf_append_str(b, "<br>");
		agent_ui_text(b, line + indent);
	}
	if (items)
		proto_buf_append_str(b, "</li>\n</ul>\n");
	proto_buf_append_str(b, "</section>\n");
	free(text);
	return 0;
}

/* The home page into b: 0, or -1 when the store cannot be read or b is
 * full (said on stderr). */
static int home(agent_ui *ui, proto_buf *b)
{
	agent_ctx *ctx = ui->ctx;
	int64_t by_rank[NSTAGES + 1] = { 0 };
	agent_counts c;
	char title[256];

	memset(&c, 0, sizeof(c));
	if (agent_store_counts(ctx, &c) != PROTO_OK ||
	    agent_hh_foreach(ctx, count_stage, by_rank) != PROTO_OK) {
		agent_err(_("cannot read the store: %s"), sqlite3_errmsg(ctx->db));
		return -1;
	}
	snprintf(title, sizeof(title), _("Mái Ấm: %s"), ctx->commune_name);
	agent_ui_page_open(b, title, NULL);
	agent_ui_header(b, ui, "/");
	proto_buf_append_str(b, "<main>\n");
	/* what to do first; on a wide screen the stages stand beside both */
	if (agent_ui_attention(ui, b))
		return -1;
	summary(ui, b, &c);
	stage_rows(b, by_rank);
	proto_buf_append_str(b, "</main>\n");
	agent_ui_page_close(b);
	/* an append the cap refused leaves the buffer as it was, and no one
	 * append is longer than the margin (a line of the attention list, a
	 * label, the style sheet): a page cut short came within it */
	if (b->len + UI_APPEND_MARGIN > b->max) {
		agent_err(_("the home page does not fit in %zu bytes"), (size_t)b->max);
		return -1;
	}
	return 0;
}

void agent_ui_home_page(agent_ui_req *r)
{
	proto_buf b;

	proto_buf_init(&b, AGENT_UI_PAGE_MAX);
	if (home(r->ui, &b))
		agent_ui_store_failed(r);
	else
		agent_ui_reply(r, 200, &b);
	proto_buf_release(&b);
}
