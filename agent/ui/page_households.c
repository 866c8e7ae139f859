/*
 * page_households.c - GET /households: every household of the store, found
 * as "household find" finds them (household_match.h), narrowed by hamlet,
 * category, stage and the hub's review, sorted, 50 to a page. A plain GET
 * form that works without JavaScript; /js/households.js only sends it when
 * typing stops. Every value of the query is checked: one the page does not
 * know is said beside its control (answer 400) and left out of the search.
 *
 * The list itself (the query checked, the rows filtered and sorted) is
 * households_list.c's; this file writes one page of it.
 * agent_ui_households_render is also what bench_agent times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/labels.h"
#include "maiam/schema.h"
#include "cmds.h"
#include "households.h"
#include "store.h"
#include "ui.h"
#include "validate.h"

#define PER_PAGE 50
#define PAGE_WINDOW 2 /* page links either side of the current one */

/* ---- the page ------------------------------------------------------------------ */

static const char page_css[] =
	"main.list{display:block}"
	"#filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:10px 14px;"
	"align-items:end;background:#fff;border:1px solid #d5d9d0;border-radius:8px;padding:12px 16px;"
	"margin:0 0 12px}"
	"#filters .q,#filters .actions{grid-column:1/-1}"
	".actions{display:flex;flex-wrap:wrap;align-items:center;gap:8px 24px}"
	".actions .error{flex-basis:100%;margin:0}"
	".f label{display:block;font-weight:600;margin:0 0 4px}"
	".f input,.f select{width:100%;min-height:44px;font:inherit;padding:6px 8px;"
	"border:1px solid #7b8277;border-radius:6px;background:#fff;color:inherit}"
	".f [aria-invalid]{border:2px solid #a30000}"
	".f.check{display:flex;align-items:center;gap:10px;min-height:44px}"
	".f.check input{width:28px;min-height:28px;height:28px;margin:0;flex:none}"
	".f.check label{margin:0;font-weight:400}"
	"#save{min-height:44px;font:inherit;font-weight:600;padding:8px 24px;border:0;border-radius:6px;"
	"background:#1f5130;color:#fff;cursor:pointer}"
	".error{color:#a30000;font-weight:600;margin:4px 0 0;overflow-wrap:anywhere}"
	"#count{margin:0 0 8px;font-weight:600}"
	"#households{background:#fff;border:1px solid #d5d9d0}"
	"#households th{background:#e8ede4}"
	"#households td,#households th{padding:4px 8px;overflow-wrap:anywhere}"
	".tag{display:inline-block;background:#fde7c7;color:#6b3a00;border-radius:4px;padding:0 6px;"
	"margin-left:6px;font-size:.85em}"
	"tr.withdrawn{color:#555}"
	".vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}"
	".pages ul{display:flex;flex-wrap:wrap;gap:6px;list-style:none;padding:0;margin:12px 0}"
	".pages li{margin:0}"
	".pages a,.pages span{display:inline-block;min-width:44px;min-height:44px;padding:10px 12px;"
	"text-align:center;border-radius:6px;background:#fff;border:1px solid #d5d9d0}"
	".pages span[aria-current]{background:#1f5130;color:#fff;font-weight:600}"
	".pages span.gap{border:0;background:none;min-width:0}"
	"@media (max-width:600px){#filters{grid-template-columns:repeat(auto-fill,minmax(150px,1fr));"
	"padding:10px 12px}}"
	"@media (max-width:700px){#households thead{position:absolute;width:1px;height:1px;"
	"overflow:hidden;clip:rect(0 0 0 0)}"
	"#households,#households tbody,#households tr{display:block;width:100%;border:0;background:none}"
	"#households tr{background:#fff;border:1px solid #d5d9d0;border-radius:8px;margin:0 0 8px;"
	"padding:4px 12px}"
	"#households td{display:grid;grid-template-columns:8.5em 1fr;gap:8px;border:0;padding:2px 0}"
	"#households td::before{content:attr(data-label);font-weight:600}"
	/* a card opens with the name, its link as wide as the card */
	"#households td:first-child{display:block;font-weight:600}"
	"#households td:first-child::before{content:none}"
	"#households td:first-child a{display:block}}";

/* s %-encoded as a query value: every byte but the unreserved ones. */
static void url_value(proto_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p))
			proto_buf_append(b, p, 1);
		else
			proto_buf_appendf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
}

/* href="/households?...&amp;page=N": the good filters kept, another page. */
static void page_href(proto_buf *b, const hh_filters *f, long page)
{
	proto_buf_append_str(b, " href=\"/households?");
	for (int i = 0; i < F_PAGE; i++) {
		if (!f->value[i][0] || hh_field_bad(f, i))
			continue;
		proto_buf_appendf(b, "%s=", agent_ui_hh_field[i]);
		url_value(b, f->value[i]);
		proto_buf_append_str(b, "&amp;");
	}
	proto_buf_appendf(b, "page=%ld\"", page);
}

/* The attributes of a control for field, and after it its message. */
static void control_attrs(proto_buf *b, const hh_filters *f, int field)
{
	proto_buf_appendf(b, " id=\"f-%s\" name=\"%s\"", agent_ui_hh_field[field],
			  agent_ui_hh_field[field]);
	if (hh_field_bad(f, field))
		proto_buf_appendf(b, " aria-invalid=\"true\" aria-describedby=\"err-%s\"",
				  agent_ui_hh_field[field]);
}

static void control_error(proto_buf *b, const hh_filters *f, int field)
{
	if (!hh_field_bad(f, field))
		return;
	proto_buf_appendf(b, "<p class=\"error\" id=\"err-%s\" role=\"alert\">", agent_ui_hh_field[field]);
	agent_ui_text(b, f->error[field]);
	proto_buf_append_str(b, "</p>");
}

static void label(proto_buf *b, int field, const char *text)
{
	proto_buf_appendf(b, "<div class=\"f %s\"><label for=\"f-%s\">", agent_ui_hh_field[field],
			  agent_ui_hh_field[field]);
	agent_ui_text(b, text);
	proto_buf_append_str(b, "</label>");
}

/* A <select> of a rulebook list's codes with their labels (the stage's
 * with "no stage yet" too); first: the option that filters nothing. */
static void list_select(proto_buf *b, const hh_filters *f, int field, const char *text, const char *first,
			proto_list list, uint8_t kind, uint8_t code_field, const char *chosen)
{
	const char *const *codes = proto_list_codes(list);

	label(b, field, text);
	proto_buf_append_str(b, "<select");
	control_attrs(b, f, field);
	proto_buf_append_str(b, ">");
	agent_ui_option(b, "", first, !chosen);
	if (field == F_STAGE)
		agent_ui_option(b, NO_STAGE, _("no stage yet"), f->stage == 0);
	for (size_t i = 0; codes && codes[i]; i++)
		agent_ui_option(b, codes[i], agent_label(kind, code_field, codes[i]),
				chosen && !strcmp(chosen, codes[i]));
	proto_buf_append_str(b, "</select>");
	control_error(b, f, field);
	proto_buf_append_str(b, "</div>\n");
}

static void filter_form(proto_buf *b, const hh_filters *f, const hh_listing *l)
{
	int bad_hamlet = hh_field_bad(f, F_HAMLET);

	proto_buf_appendf(b,
			  "<form id=\"filters\" method=\"get\" action=\"/households\" role=\"search\">\n");
	label(b, F_Q, _("Search: a name (diacritics optional), a national ID or a reference"));
	proto_buf_append_str(b, "<input type=\"search\" autocomplete=\"off\" value=\"");
	agent_ui_text(b, hh_field_bad(f, F_Q) ? "" : f->value[F_Q]);
	proto_buf_append_str(b, "\"");
	control_attrs(b, f, F_Q);
	proto_buf_append_str(b, ">");
	control_error(b, f, F_Q);
	proto_buf_append_str(b, "</div>\n");

	label(b, F_HAMLET, _("Hamlet"));
	proto_buf_append_str(b, "<select");
	control_attrs(b, f, F_HAMLET);
	proto_buf_append_str(b, ">");
	agent_ui_option(b, "", _("All hamlets"), !f->value[F_HAMLET][0] || bad_hamlet);
	for (size_t i = 0; i < l->nhamlets; i++)
		agent_ui_option(b, l->hamlets[i], l->hamlets[i],
				!bad_hamlet && !strcmp(f->value[F_HAMLET], l->hamlets[i]));
	proto_buf_append_str(b, "</select>");
	control_error(b, f, F_HAMLET);
	proto_buf_append_str(b, "</div>\n");

	list_select(b, f, F_CATEGORY, _("Category"), _("All categories"), PROTO_LIST_CATEGORY,
		    PROTO_KIND_HOUSEHOLD, PROTO_HH_CATEGORY, f->category);
	list_select(b, f, F_STAGE, _("Stage"), _("Any stage"), PROTO_LIST_STAGE, PROTO_KIND_MILESTONE,
		    PROTO_MS_STAGE, f->stage > 0 ? proto_stages[f->stage - 1] : NULL);
	list_select(b, f, F_REVIEW, _("Province's review"), _("Any review status"),
		    PROTO_LIST_REVIEW_STATUS, PROTO_KIND_HOUSEHOLD, PROTO_HH_REVIEW_STATUS, f->review);

	label(b, F_SORT, _("Sort by"));
	proto_buf_append_str(b, "<select");
	control_attrs(b, f, F_SORT);
	proto_buf_append_str(b, ">");
	for (size_t i = 0; i < SORT_N; i++)
		agent_ui_option(b, agent_ui_hh_sorts[i].code, _(agent_ui_hh_sorts[i].label),
				f->sort == (hh_sort)i);
	proto_buf_append_str(b, "</select>");
	control_error(b, f, F_SORT);
	proto_buf_append_str(b, "</div>\n");

	/* the box and the button on a line of their own at every width */
	proto_buf_append_str(
		b, "<div class=\"actions\"><div class=\"f check\"><input type=\"checkbox\" value=\"1\"");
	control_attrs(b, f, F_WITHDRAWN);
	proto_buf_appendf(b, "%s><label for=\"f-withdrawn\">%s</label></div>",
			  f->withdrawn ? " checked" : "", _("Show withdrawn households"));
	control_error(b, f, F_WITHDRAWN);
	proto_buf_appendf(b, "<button type=\"submit\" id=\"save\">%s</button></div>\n</form>\n",
			  _("Search"));
}

/* One <td data-label=...> (the label heads the cell on a narrow screen). */
static void cell(proto_buf *b, const char *head, const char *text)
{
	proto_buf_append_str(b, "<td data-label=\"");
	agent_ui_text(b, head);
	proto_buf_append_str(b, "\">");
	agent_ui_text(b, text);
	proto_buf_append_str(b, "</td>");
}

static void row_html(proto_buf *b, const agent_row *row, const char *const heads[5])
{
	const char *name = row->v[PROTO_HH_NAME], *ref = row->v[PROTO_HH_REF];
	char made[32];
	int withdrawn = row->v[PROTO_HH_WITHDRAWN] != NULL;

	if (!ref) {
		agent_ref_make(row->id.origin, row->id.serial, made);
		ref = made;
	}
	proto_buf_appendf(b, "<tr%s><td data-label=\"", withdrawn ? " class=\"withdrawn\"" : "");
	agent_ui_text(b, heads[0]);
	proto_buf_append_str(b, "\"><a href=\"/household/");
	url_value(b, ref);
	proto_buf_append_str(b, "\">");
	agent_ui_text(b, name && *name ? name : ref);
	proto_buf_append_str(b, "</a>");
	if (withdrawn)
		proto_buf_appendf(b, "<span class=\"tag\">%s</span>", _("(withdrawn)"));
	proto_buf_append_str(b, "</td>");
	cell(b, heads[1], ref);
	cell(b, heads[2], row->v[PROTO_HH_HAMLET] ? row->v[PROTO_HH_HAMLET] : "");
	cell(b, heads[3],
	     row->stage >= 1 && row->stage <= 8
		     ? agent_label(PROTO_KIND_MILESTONE, PROTO_MS_STAGE, proto_stages[row->stage - 1])
		     : _("no stage yet"));
	cell(b, heads[4],
	     agent_label(PROTO_KIND_HOUSEHOLD, PROTO_HH_REVIEW_STATUS, row->v[PROTO_HH_REVIEW_STATUS]));
	proto_buf_append_str(b, "</tr>\n");
}

static void table(proto_buf *b, const hh_listing *l, size_t first, size_t last)
{
	const char *const heads[5] = { _("Head of household"), _("Reference"), _("Hamlet"), _("Stage"),
				       _("Province's review") };

	proto_buf_appendf(b, "<table id=\"households\"><caption class=\"vh\">%s</caption><thead><tr>",
			  _("Households"));
	for (int i = 0; i < 5; i++) {
		proto_buf_append_str(b, "<th scope=\"col\">");
		agent_ui_text(b, heads[i]);
		proto_buf_append_str(b, "</th>");
	}
	proto_buf_append_str(b, "</tr></thead><tbody>\n");
	for (size_t i = first; i < last; i++)
		row_html(b, &l->items[l->shown[i]].row, heads);
	proto_buf_append_str(b, "</tbody></table>\n");
}

static void page_link(proto_buf *b, const hh_filters *f, long page, long current, const char *text)
{
	char n[24];

	snprintf(n, sizeof(n), "%ld", page);
	proto_buf_append_str(b, "<li>");
	if (page == current) {
		proto_buf_appendf(b, "<span aria-current=\"page\">%s</span>", n);
	} else {
		proto_buf_append_str(b, "<a");
		page_href(b, f, page);
		proto_buf_append_str(b, ">");
		agent_ui_text(b, text ? text : n);
		proto_buf_append_str(b, "</a>");
	}
	proto_buf_append_str(b, "</li>");
}

/* Previous, the first, the pages around this one, the last, Next. */
static void pager(proto_buf *b, const hh_filters *f, long page, long npages)
{
	if (npages <= 1)
		return;
	proto_buf_appendf(b, "<nav class=\"pages\" aria-label=\"%s\"><ul>", _("Pages"));
	if (page > 1)
		page_link(b, f, page - 1, page, _("Previous"));
	for (long p = 1; p <= npages; p++) {
		if (p != 1 && p != npages && (p < page - PAGE_WINDOW || p > page + PAGE_WINDOW)) {
			if (p == page - PAGE_WINDOW - 1 || p == page + PAGE_WINDOW + 1)
				proto_buf_append_str(b, "<li><span class=\"gap\">…</span></li>");
			continue;
		}
		page_link(b, f, p, page, NULL);
	}
	if (page < npages)
		page_link(b, f, page + 1, page, _("Next"));
	proto_buf_append_str(b, "</ul></nav>\n");
}

static void results(proto_buf *b, const hh_filters *f, const hh_listing *l)
{
	long npages = l->nshown ? (long)((l->nshown + PER_PAGE - 1) / PER_PAGE) : 1;
	long page = f->page < npages ? f->page : npages; /* an old link past the end: the last page */
	size_t first = (size_t)(page - 1) * PER_PAGE;
	size_t last = first + PER_PAGE < l->nshown ? first + PER_PAGE : l->nshown;

	if (!l->n) {
		proto_buf_appendf(b,
				  "<p id=\"count\" role=\"status\">%s <a href=\"/household/new\">%s</a></p>\n",
				  _("No households yet."), _("Add a household"));
		return;
	}
	if (!l->nshown) {
		proto_buf_appendf(b, "<p id=\"count\" role=\"status\">%s</p>\n",
				  _("No household matches this search and these filters."));
		return;
	}
	proto_buf_append_str(b, "<p id=\"count\" role=\"status\">");
	proto_buf_appendf(b, _("Rows %zu–%zu of %zu"), first + 1, last, l->nshown);
	proto_buf_append_str(b, "</p>\n");
	table(b, l, first, last);
	pager(b, f, page, npages);
}

int agent_ui_households_render(agent_ui *ui, const char *query, proto_buf *b)
{
	agent_ctx *ctx = ui->ctx;
	hh_listing l = { 0 };
	hh_filters *f = NULL; /* large: not on the stack */
	proto_result r;
	int status = -1, bad = 0;

	f = calloc(1, sizeof(*f));
	r = f ? agent_ui_hh_load(ctx, query, &l, f) : PROTO_ENOMEM;
	if (r != PROTO_OK) {
		agent_err(_("cannot read the store: %s"), agent_store_cause(ctx, r));
		goto out;
	}
	for (int i = 0; i < F_N; i++)
		bad |= hh_field_bad(f, i);
	bad |= f->form_error[0] != '\0';
	agent_ui_page_open(b, _("Households"), page_css);
	agent_ui_header(b, ui, "/households");
	proto_buf_appendf(b, "<main class=\"list\">\n<h1>%s</h1>\n", _("Households"));
	filter_form(b, f, &l);
	if (f->form_error[0]) {
		proto_buf_append_str(b, "<p class=\"error\" id=\"err-form\" role=\"alert\">");
		agent_ui_text(b, f->form_error);
		proto_buf_append_str(b, "</p>\n");
	}
	results(b, f, &l);
	proto_buf_append_str(b, "</main>\n<script src=\"/js/households.js\" defer></script>\n");
	agent_ui_page_close(b);
	/* the cap refuses an append whole: a page that came near it may be cut */
	if (b->len + 1024 > b->max) {
		agent_err(_("the households page does not fit in %zu bytes"), (size_t)b->max);
		goto out;
	}
	status = bad ? 400 : 200;
out:
	agent_ui_hh_release(&l);
	free(f);
	return status;
}

void agent_ui_households_page(agent_ui_req *r)
{
	proto_buf b;
	int status;

	proto_buf_init(&b, AGENT_UI_PAGE_MAX);
	status = agent_ui_households_render(r->ui, r->query, &b);
	if (status < 0)
		agent_ui_store_failed(r);
	else
		agent_ui_reply(r, status, &b);
	proto_buf_release(&b);
}

/* Search as you type: the form is sent when typing stops (not while an
 * input method such as Telex is still composing a letter), and the search
 * box has the focus again on the page that answers. The form works the
 * same without it; a browser that keeps no session storage only loses the
 * focus. */
static const char households_js[] =
	"(function () {\n"
	"  var form = document.getElementById('filters'), q = document.getElementById('f-q');\n"
	"  var timer = null, last, key = 'maiam-hh-typing';\n"
	"  function remember(v) { try { if (v) sessionStorage.setItem(key, v);\n"
	"    else sessionStorage.removeItem(key); } catch (e) {} }\n"
	"  function recalled() { try { return sessionStorage.getItem(key); } catch (e) { return null; } }\n"
	"  if (!form || !q) return;\n"
	"  last = q.value;\n"
	"  if (recalled() === '1') {\n"
	"    remember(null);\n"
	"    q.focus();\n"
	"    q.setSelectionRange(q.value.length, q.value.length);\n"
	"  }\n"
	"  function later() {\n"
	"    clearTimeout(timer);\n"
	"    timer = setTimeout(function () {\n"
	"      if (q.value === last) return;\n"
	"      remember('1');\n"
	"      form.submit();\n"
	"    }, 400);\n"
	"  }\n"
	"  q.addEventListener('input', function (e) { if (!e.isComposing) later(); });\n"
	"  q.addEventListener('compositionend', later);\n"
	"})();\n";

void agent_ui_households_js(agent_ui_req *r)
{
	agent_ui_reply_type(r, 200, "text/javascript; charset=utf-8", households_js,
			    sizeof(households_js) - 1);
}
