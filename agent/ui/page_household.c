/*
 * page_household.c - one household's page (ui.h): every field by the name
 * 'household show' gives it, the province's review, withdrawal, what the
 * hub's feedback says of it, the timeline of milestones with their photos,
 * the household's own photos and its contributions, voided records struck
 * through with their reason. Links lead to the forms that record more;
 * each record carries its void form and the household its withdrawal
 * (page_household_fix.c writes them). Everything is read with the store
 * functions 'household show' walks; a reference is resolved by the CLI's
 * own agent_hh_resolve, so a page that is not found says what it says.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "maiam/schema.h"
#include "cmds.h"
#include "photo_store.h"
#include "store.h"
#include "ui.h"
#include "validate.h"

#define NSTAGES 8
#define HH_PREFIX "/household/"
#define UI_APPEND_MARGIN (64 * 1024)

static const char household_style[] =
	".hh h1 .ref{font-weight:400;color:#4b5563;font-size:.8em;margin-left:8px}"
	".actions{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 12px}"
	".actions a,.void summary,.withdraw summary,form button{display:inline-block;min-height:44px;"
	"padding:10px 14px;border-radius:6px;font:inherit;cursor:pointer}"
	".actions a{background:#1f5130;color:#fff;text-decoration:none}"
	".actions a.second{background:#fff;color:#1f5130;border:2px solid #1f5130;padding:8px 12px}"
	"ol.timeline{list-style:none;padding:0;margin:0}"
	"ol.timeline>li,ul.records>li{border-left:4px solid #1f5130;padding:4px 0 8px 12px;margin:0 0 12px}"
	"ul.records{list-style:none;padding:0}"
	".what{font-weight:600}.when{color:#374151;margin-left:8px}"
	".rid{color:#6b7280;font-size:.85em;margin-left:8px}ul.photos .rid{display:block;margin:0}"
	".voided>.line{text-decoration:line-through;color:#6b7280}"
	"ol.timeline>li.voided,ul.records>li.voided{border-left-color:#9ca3af}"
	".why{margin:2px 0;color:#7c2d12}"
	"ul.photos{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:8px;margin:6px 0}"
	"ul.photos li{margin:0;width:172px}"
	"ul.photos a{padding:0;min-height:0;display:block}"
	"ul.photos img{display:block;width:160px;height:120px;object-fit:cover;border-radius:4px;"
	"border:1px solid #d5d9d0;background:#e5e7eb}"
	"ul.photos li.voided img{opacity:.4}"
	"@media (max-width:600px){ul.photos li{width:136px}ul.photos img{width:128px;height:96px}}"
	".void summary,.withdraw summary{color:#7c2d12;padding:10px 0}"
	"summary:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}"
	".void form,.withdraw form{display:flex;flex-wrap:wrap;gap:6px;align-items:center}"
	"form label{flex-basis:100%}"
	"form input[type=text]{font:inherit;min-height:44px;padding:8px;border:1px solid #6b7280;"
	"border-radius:6px;flex:1 1 14em;max-width:100%}"
	"form button{background:#7c2d12;color:#fff;border:0}"
	"p.error{flex-basis:100%;color:#b91c1c;font-weight:600;margin:4px 0}"
	"[aria-invalid=true]{border:2px solid #b91c1c}"
	".banner{background:#fef3c7;border:3px solid #b45309;border-radius:8px;padding:8px 16px;"
	"margin:0 0 12px}"
	"@media (min-width:900px){main.hh{grid-template-columns:2fr 3fr}"
	".hh>h1,.hh>.actions,.hh>.banner,#feedback,#err-form{grid-column:1/-1}}";

/* The page being built. */
typedef struct hh_page {
	agent_ui_req *r;
	proto_buf *b;
	proto_id id;
	agent_row row;
	char ref[32]; /* the household's short reference, in every link */
	/* why nothing may be recorded here (the CLI's words: moved away), or "" */
	char moved[512];
	int writable; /* neither withdrawn nor moved: the forms are offered */
	const agent_ui_refused *refused;
	int refused_shown; /* a form showed it; else it goes at err_at */
	size_t err_at;
	size_t items;      /* items written so far: a list without any is left out */
	proto_result read; /* a walk that failed */
} hh_page;

/*
 * Resolve text as the CLI does, its message (agent_err's line, without
 * the program's name) into msg: AGENT_OK or the command's exit code. here:
 * agent_hh_resolve_here, which also refuses a household moved away.
 */
static int resolve(agent_ctx *ctx, const char *text, int here, proto_id *id, char *msg, size_t n)
{
	static const char prefix[] = "maiam-agent: ";
	char *said = NULL, *at;
	size_t len = 0;
	FILE *mem = open_memstream(&said, &len), *saved;
	int rc;

	msg[0] = '\0';
	if (!mem)
		return AGENT_FAIL;
	saved = agent_err_redirect(mem);
	rc = here ? agent_hh_resolve_here(ctx, text, id) : agent_hh_resolve(ctx, text, id);
	agent_err_redirect(saved);
	if (fclose(mem) == 0 && said) {
		at = strncmp(said, prefix, sizeof(prefix) - 1) == 0 ? said + sizeof(prefix) - 1 : said;
		at[strcspn(at, "\n")] = '\0';
		snprintf(msg, n, "%s", at);
	}
	free(said);
	return rc;
}

/* A column's name as 'household show' gives it; in English, the column's
 * own words ("national_id": "National id"). */
static void field_name(const char *column, char *out, size_t n)
{
	const char *name = agent_hh_field_name(column);

	snprintf(out, n, "%s", name ? name : column);
	if (name)
		return;
	for (char *c = out; *c; c++)
		if (*c == '_')
			*c = ' ';
	out[0] = (char)toupper((unsigned char)out[0]);
}

static void fact(proto_buf *b, const char *term, const char *value)
{
	proto_buf_append_str(b, "<dt>");
	agent_ui_text(b, term);
	proto_buf_append_str(b, "</dt><dd>");
	agent_ui_text(b, value && *value ? value : "-");
	proto_buf_append_str(b, "</dd>\n");
}

static void field_fact(hh_page *p, int field)
{
	const proto_field_desc *d = proto_field_lookup(PROTO_KIND_HOUSEHOLD, (uint8_t)field);
	const agent_ctx *ctx = p->r->ui->ctx;
	const char *v = p->row.v[field];
	char name[96], commune[192], code[16];

	field_name(d->column, name, sizeof(name));
	/* this laptop's commune by its name too */
	snprintf(code, sizeof(code), "%d", ctx->commune);
	if (field == PROTO_HH_COMMUNE && v && strcmp(v, code) == 0) {
		snprintf(commune, sizeof(commune), "%s (%s)", ctx->commune_name, v);
		v = commune;
	}
	fact(p->b, name, v ? agent_label(PROTO_KIND_HOUSEHOLD, (uint8_t)field, v) : NULL);
}

static void details(hh_page *p)
{
	proto_buf_appendf(p->b, "<section id=\"details\"><h2>%s</h2><dl>\n", _("About the household"));
	for (int f = 1; f <= PROTO_HH_NFIELDS; f++)
		if (f != PROTO_HH_REVIEW_STATUS && f != PROTO_HH_REVIEW_REASON && f != PROTO_HH_WITHDRAWN)
			field_fact(p, f);
	proto_buf_append_str(p->b, "</dl></section>\n");
}

/* The province's decision: approved, rejected with its reason, or waiting. */
static void review(hh_page *p)
{
	const char *status = p->row.v[PROTO_HH_REVIEW_STATUS];
	int rejected = status && strcmp(status, "rejected") == 0;

	proto_buf_appendf(p->b, "<section id=\"review\"%s><h2>%s</h2><dl>\n",
			  rejected ? " class=\"warn\"" : "", _("The province's review"));
	field_fact(p, PROTO_HH_REVIEW_STATUS);
	if (rejected || p->row.v[PROTO_HH_REVIEW_REASON])
		field_fact(p, PROTO_HH_REVIEW_REASON);
	proto_buf_append_str(p->b, "</dl></section>\n");
}

/* before, "label text" escaped, after. */
static void labelled(proto_buf *b, const char *before, const char *label, const char *text,
		     const char *after)
{
	proto_buf_append_str(b, before);
	agent_ui_text(b, label);
	proto_buf_append_str(b, " ");
	agent_ui_text(b, text);
	proto_buf_append_str(b, after);
}

/* "Voided: REASON" under a struck-through record. */
static void void_reason(proto_buf *b, const char *reason)
{
	labelled(b, "<p class=\"why\">", _("Voided:"), reason && *reason ? reason : _("no reason given"),
		 "</p>\n");
}

static proto_result photo_item(const agent_photo *ph, void *arg)
{
	hh_page *p = arg;
	char rid[32], day[16] = "", date[11], alt[128];

	agent_ref_make(ph->id.origin, ph->id.serial, rid);
	if (ph->taken_at && strlen(ph->taken_at) >= 10) {
		snprintf(date, sizeof(date), "%.10s", ph->taken_at);
		agent_show_date(date, day);
	}
	if (day[0])
		snprintf(alt, sizeof(alt), _("Photo taken %s"), day);
	else
		snprintf(alt, sizeof(alt), "%s", _("Photo of the household"));
	proto_buf_appendf(p->b, "<li id=\"rec-%s\"%s><a href=\"/photo/%s\">", rid,
			  ph->voided ? " class=\"voided\"" : "", ph->sha256);
	proto_buf_appendf(p->b, "<img src=\"/photo/%s?thumb=1\" width=\"160\" height=\"120\" alt=\"",
			  ph->sha256);
	agent_ui_text(p->b, alt);
	proto_buf_appendf(p->b, "\" loading=\"lazy\"></a><span class=\"rid\">%s</span>", rid);
	if (ph->voided)
		void_reason(p->b, NULL);
	else if (p->writable)
		p->refused_shown |= agent_ui_void_form(p->b, p->r, p->ref, "photo", ph->id, p->refused);
	proto_buf_append_str(p->b, "</li>\n");
	p->items++;
	return PROTO_OK;
}

/* The photos of target, as thumbnails linked to the whole photo. */
static proto_result photos(hh_page *p, proto_id target, uint8_t kind)
{
	size_t mark = p->b->len, before = p->items;
	proto_result r;

	proto_buf_append_str(p->b, "<ul class=\"photos\">");
	r = agent_photo_walk(p->r->ui->ctx, target, kind, photo_item, p);
	if (p->items == before)
		p->b->len = mark;
	else
		proto_buf_append_str(p->b, "</ul>\n");
	return r;
}

static proto_result milestone_item(const agent_ms *m, void *arg)
{
	hh_page *p = arg;
	char rid[32], day[16];

	agent_ref_make(m->id.origin, m->id.serial, rid);
	agent_show_date(m->date, day);
	proto_buf_appendf(p->b, "<li id=\"rec-%s\"%s><p class=\"line\"><span class=\"what\">", rid,
			  m->voided ? " class=\"voided\"" : "");
	agent_ui_text(p->b, agent_label(PROTO_KIND_MILESTONE, PROTO_MS_STAGE, m->stage));
	proto_buf_appendf(p->b,
			  "</span> <time class=\"when\" datetime=\"%s\">%s</time><span class=\"rid\">%s</span>",
			  m->date, day, rid);
	if (m->note) {
		proto_buf_append_str(p->b, "<br>");
		agent_ui_text(p->b, m->note);
	}
	proto_buf_append_str(p->b, "</p>\n");
	if (m->forced)
		labelled(p->b, "<p class=\"forced\">", _("Recorded out of order:"), m->forced, "</p>\n");
	if (m->voided)
		void_reason(p->b, m->void_reason);
	p->read = photos(p, m->id, PROTO_KIND_MILESTONE);
	if (!m->voided && p->writable)
		p->refused_shown |= agent_ui_void_form(p->b, p->r, p->ref, "milestone", m->id, p->refused);
	proto_buf_append_str(p->b, "</li>\n");
	p->items++;
	return p->read;
}

static proto_result contribution_item(const agent_ct *c, void *arg)
{
	hh_page *p = arg;
	char rid[32], day[16] = "", amount[64];

	agent_ref_make(c->id.origin, c->id.serial, rid);
	if (c->date)
		agent_show_date(c->date, day);
	proto_buf_appendf(p->b, "<li id=\"rec-%s\"%s><p class=\"line\"><span class=\"what\">", rid,
			  c->voided ? " class=\"voided\"" : "");
	agent_ui_text(p->b, agent_label(PROTO_KIND_CONTRIBUTION, PROTO_CT_SOURCE, c->source));
	proto_buf_appendf(
		p->b,
		"</span> <time class=\"when\" datetime=\"%s\">%s</time><span class=\"rid\">%s</span><br>",
		c->date ? c->date : "", day, rid);
	/* the amounts in 'contribution list''s words */
	agent_ct_given(c, amount, sizeof(amount));
	agent_ui_text(p->b, amount);
	if (c->material_value >= 0) {
		char value[48];

		agent_show_money(c->material_value, value, sizeof(value));
		labelled(p->b, " (", _("material worth"), value, ")");
	}
	if (c->donor)
		labelled(p->b, "<br>", _("Donor:"), c->donor, "");
	if (c->note) {
		proto_buf_append_str(p->b, "<br>");
		agent_ui_text(p->b, c->note);
	}
	proto_buf_append_str(p->b, "</p>\n");
	if (c->voided)
		void_reason(p->b, c->void_reason);
	else if (p->writable)
		p->refused_shown |= agent_ui_void_form(p->b, p->r, p->ref, "contribution", c->id,
						       p->refused);
	proto_buf_append_str(p->b, "</li>\n");
	p->items++;
	return PROTO_OK;
}

/* A list section: heading, the walk's items (tag: "ol" or "ul", of class
 * cls), or a line saying there are none. */
static proto_result records(hh_page *p, const char *id, const char *heading, const char *none,
			    const char *tag, const char *cls, proto_result (*walk)(hh_page *p))
{
	size_t mark, before = p->items;
	proto_result r;

	proto_buf_appendf(p->b, "<section id=\"%s\"><h2>%s</h2>\n", id, heading);
	mark = p->b->len;
	proto_buf_appendf(p->b, "<%s class=\"%s\">\n", tag, cls);
	r = walk(p);
	proto_buf_appendf(p->b, "</%s>\n", tag);
	if (p->items == before) {
		p->b->len = mark;
		proto_buf_append_str(p->b, "<p>");
		agent_ui_text(p->b, none);
		proto_buf_append_str(p->b, "</p>\n");
	}
	proto_buf_append_str(p->b, "</section>\n");
	return r;
}

static proto_result walk_milestones(hh_page *p)
{
	agent_event_filter f = { .has_household = 1, .household = p->id };
	proto_result r = agent_ms_walk(p->r->ui->ctx, &f, milestone_item, p);

	return r != PROTO_OK ? r : p->read;
}

static proto_result walk_contributions(hh_page *p)
{
	agent_event_filter f = { .has_household = 1, .household = p->id };

	return agent_ct_walk(p->r->ui->ctx, &f, contribution_item, p);
}

static proto_result walk_photos(hh_page *p)
{
	return agent_photo_walk(p->r->ui->ctx, p->id, PROTO_KIND_HOUSEHOLD, photo_item, p);
}

/* The buttons to the forms that record more (the next stage by the
 * rulebook's order, a contribution, an edit). */
static void actions(hh_page *p)
{
	int rank = p->row.stage;

	if (!p->writable)
		return;
	proto_buf_append_str(p->b, "<p class=\"actions\">");
	if (rank >= 0 && rank < NSTAGES) {
		proto_buf_appendf(p->b, "<a id=\"next-stage\" href=\"/milestone/new?hh=%s&amp;stage=%s\">",
				  p->ref, proto_stages[rank]);
		agent_ui_text(p->b, _("Record the next stage:"));
		proto_buf_append_str(p->b, " ");
		agent_ui_text(p->b, agent_label(PROTO_KIND_MILESTONE, PROTO_MS_STAGE, proto_stages[rank]));
		proto_buf_append_str(p->b, "</a>");
	}
	proto_buf_appendf(p->b,
			  "<a class=\"second\" id=\"add-contribution\" href=\"/contribution/new?hh=%s\">%s</a>",
			  p->ref, _("Record a contribution"));
	proto_buf_appendf(p->b, "<a class=\"second\" id=\"edit\" href=\"/edit/%s\">%s</a></p>\n", p->ref,
			  _("Edit the household's details"));
}

/* The banners above everything: withdrawn, moved away. */
static void banners(hh_page *p)
{
	const char *withdrawn = p->row.v[PROTO_HH_WITHDRAWN];

	if (withdrawn)
		labelled(p->b, "<p class=\"banner\" id=\"withdrawn\">",
			 _("This household is withdrawn: it is out of every count. Reason:"), withdrawn,
			 "</p>\n");
	if (p->moved[0]) {
		proto_buf_append_str(p->b, "<p class=\"banner\" id=\"moved\">");
		agent_ui_text(p->b, p->moved);
		proto_buf_append_str(p->b, "</p>\n");
	}
}

/* A refusal whose form the page no longer shows (the record was voided
 * meanwhile, the household withdrawn): said under the heading. */
static proto_result refused_on_top(hh_page *p)
{
	proto_buf err;
	proto_result r;

	proto_buf_init(&err, AGENT_UI_REASON_MAX * 8);
	proto_buf_append_str(&err, "<p class=\"error banner\" id=\"err-form\" role=\"alert\">");
	agent_ui_lines(&err, p->refused->error);
	proto_buf_append_str(&err, "</p>\n");
	r = proto_buf_reserve(p->b, err.len);
	if (r == PROTO_OK) {
		memmove(p->b->data + p->err_at + err.len, p->b->data + p->err_at, p->b->len - p->err_at);
		memcpy(p->b->data + p->err_at, err.data, err.len);
		p->b->len += err.len;
	}
	proto_buf_release(&err);
	return r;
}

static proto_result body(hh_page *p)
{
	char title[512];
	proto_result r;

	snprintf(title, sizeof(title), _("Household %s: %s"), p->ref,
		 p->row.v[PROTO_HH_NAME] ? p->row.v[PROTO_HH_NAME] : "");
	agent_ui_page_open(p->b, title, household_style);
	agent_ui_header(p->b, p->r->ui, "/households");
	proto_buf_append_str(p->b, "<main class=\"hh\">\n<h1>");
	agent_ui_text(p->b, p->row.v[PROTO_HH_NAME]);
	proto_buf_appendf(p->b, "<span class=\"ref\">%s</span></h1>\n", p->ref);
	p->err_at = p->b->len;
	banners(p);
	actions(p);
	r = agent_ui_hh_feedback(p->b, p->r->ui->ctx, p->id);
	/* two columns on a wide screen: who they are, what was recorded */
	proto_buf_append_str(p->b, "<div class=\"facts\">\n");
	details(p);
	review(p);
	proto_buf_append_str(p->b, "</div><div class=\"events\">\n");
	if (r == PROTO_OK)
		r = records(p, "timeline", _("Stages recorded"), _("No stage recorded yet."), "ol",
			    "timeline", walk_milestones);
	if (r == PROTO_OK)
		r = records(p, "photos", _("Photos of the household"), _("No photos of the household."),
			    "ul", "photos", walk_photos);
	if (r == PROTO_OK)
		r = records(p, "contributions", _("Contributions to this household"),
			    _("No contributions recorded."), "ul", "records", walk_contributions);
	if (r == PROTO_OK && p->writable)
		p->refused_shown |= agent_ui_withdraw_form(p->b, p->r, p->ref, p->refused);
	proto_buf_append_str(p->b, "</div>\n");
	if (r == PROTO_OK && p->refused && !p->refused_shown)
		r = refused_on_top(p);
	proto_buf_append_str(p->b, "</main>\n");
	agent_ui_page_close(p->b);
	return r;
}

void agent_ui_household_answer(agent_ui_req *r, const char *text, int status,
			       const agent_ui_refused *refused)
{
	agent_ctx *ctx = r->ui->ctx;
	hh_page p = { .r = r, .refused = refused };
	char said[512];
	proto_buf b;
	int found = 0, rc;
	proto_result read;

	proto_buf_init(&b, AGENT_UI_PAGE_MAX);
	p.b = &b;
	rc = resolve(ctx, text, 1, &p.id, p.moved, sizeof(p.moved));
	/* moved away: shown as 'household show' shows it, nothing recorded */
	if (rc != AGENT_OK && resolve(ctx, text, 0, &p.id, said, sizeof(said)) != AGENT_OK) {
		agent_ui_said(r, 404, _("This household is not on this laptop"), said[0] ? said : p.moved);
		goto out;
	}
	if (rc == AGENT_OK)
		p.moved[0] = '\0';
	read = agent_hh_get(ctx, p.id, &p.row, &found);
	if (read != PROTO_OK || !found) {
		agent_ui_store_failed(r);
		goto out;
	}
	snprintf(p.ref, sizeof(p.ref), "%s", p.row.v[PROTO_HH_REF] ? p.row.v[PROTO_HH_REF] : "");
	p.writable = rc == AGENT_OK && !p.row.v[PROTO_HH_WITHDRAWN];
	read = body(&p);
	agent_row_release(&p.row);
	/* an append the cap refused leaves the buffer as it was; no one
	 * append is longer than the margin */
	if (read != PROTO_OK || b.len + UI_APPEND_MARGIN > b.max)
		agent_ui_store_failed(r);
	else
		agent_ui_reply(r, status, &b);
out:
	proto_buf_release(&b);
}

void agent_ui_household_page(agent_ui_req *r)
{
	const char *text = r->path + strlen(HH_PREFIX);
	char ref[64];

	/* "/household/REF" only: the corrections are POSTs of their own */
	if (!*text || strchr(text, '/') || strlen(text) >= sizeof(ref)) {
		agent_ui_said(r, 404, _("No such page"), _("Go back to the home page: /"));
		return;
	}
	snprintf(ref, sizeof(ref), "%s", text);
	agent_ui_household_answer(r, ref, 200, NULL);
}
