/*
 * page_household_feedback.c - what the hub's feedback says of one
 * household (ui.h), in a warning box on its page: a change-set the hub
 * refused that held a change of it, an edit of this laptop that another
 * writer's edit won over, and its national id found on a household of
 * another commune. The same lists 'status' shows under
 * "Needs attention" (store_attention.c), kept to this household and worded
 * for its own page, which need not name it.
 */
#include <string.h>
#include "attention.h"
#include "csv.h"
#include "refusal.h"
#include "sync.h"
#include "ui.h"
#include "validate.h"

typedef struct feedback {
	agent_ctx *ctx;
	proto_buf *b;
	proto_id id;
	size_t items;
} feedback;

static void item(feedback *f, const char *text)
{
	proto_buf_append_str(f->b, "<li>");
	agent_ui_text(f->b, text);
	proto_buf_append_str(f->b, "</li>\n");
	f->items++;
}

/* A value of field as shown: coded ones by their label. */
static const char *shown(int field, const char *v)
{
	return v ? agent_label(PROTO_KIND_HOUSEHOLD, (uint8_t)field, v) : _("(empty)");
}

/* Is rec a change of household hh: its own record, or a milestone or
 * contribution recorded for it. */
static int changes(const proto_record *rec, proto_id hh)
{
	uint8_t field = rec->kind == PROTO_KIND_MILESTONE      ? PROTO_MS_HOUSEHOLD
			: rec->kind == PROTO_KIND_CONTRIBUTION ? PROTO_CT_HOUSEHOLD
							       : 0;

	if (rec->kind == PROTO_KIND_HOUSEHOLD)
		return proto_id_eq(rec->id, hh);
	for (size_t i = 0; field && i < rec->nfields; i++)
		if (rec->fields[i].field == field && rec->fields[i].value.type == PROTO_V_REF)
			return proto_id_eq(rec->fields[i].value.ref, hh);
	return 0;
}

/* A refused change-set that held a change of the household. One the store
 * cannot open is left to 'status', which says so. */
static proto_result refused_item(void *arg, uint64_t origin, uint64_t seq, const char *when,
				 const char *code, const char *message)
{
	feedback *f = arg;
	proto_changeset cs;
	char why[640], text[1024];
	int found = 0, held = 0;
	proto_result r = agent_sealed_open(f->ctx, origin, seq, &cs, &found);

	(void)when;
	for (size_t i = 0; r == PROTO_OK && found && !held && i < cs.nrecords; i++)
		held = changes(&cs.records[i], f->id);
	proto_changeset_release(&cs);
	if (!held)
		return PROTO_OK;
	agent_refusal_text(code, message, why, sizeof(why));
	snprintf(text, sizeof(text),
		 _("The hub refused change-set %llu, which holds a change of this household: %s"),
		 (unsigned long long)seq, why);
	item(f, text);
	return PROTO_OK;
}

static proto_result lost_item(const agent_lost *l, void *arg)
{
	feedback *f = arg;
	char label[96], text[2048];

	if (!proto_id_eq(l->id, f->id))
		return PROTO_OK;
	agent_csv_column_label(l->field, label, sizeof(label));
	snprintf(text, sizeof(text),
		 _("Edit not kept: this laptop wrote \"%s\" as %s, the hub kept \"%s\" (written elsewhere at the same time); if yours is right, edit the household again"),
		 shown(l->field, l->mine), label, shown(l->field, l->kept));
	item(f, text);
	return PROTO_OK;
}

static proto_result duplicate_item(const agent_duplicate *d, void *arg)
{
	feedback *f = arg;
	char where[320], text[1024];

	if (!proto_id_eq(d->id, f->id))
		return PROTO_OK;
	if (d->commune_name)
		snprintf(where, sizeof(where), "%s (%lld)", d->commune_name, (long long)d->commune);
	else
		snprintf(where, sizeof(where), "%lld", (long long)d->commune);
	snprintf(text, sizeof(text),
		 _("The hub found national id %s on a household of commune %s too; check the number with the family and correct it, or tell the operator"),
		 d->national_id, where);
	item(f, text);
	return PROTO_OK;
}

proto_result agent_ui_hh_feedback(proto_buf *b, agent_ctx *ctx, proto_id hh)
{
	feedback f = { ctx, b, hh, 0 };
	size_t mark = b->len;
	proto_result r;

	proto_buf_appendf(b, "<section id=\"feedback\" class=\"warn\"><h2>%s</h2><ul>\n",
			  _("The hub's feedback"));
	r = agent_sealed_refused_each(ctx, refused_item, &f);
	if (r == PROTO_OK)
		r = agent_lost_each(ctx, lost_item, &f);
	if (r == PROTO_OK)
		r = agent_duplicates_each(ctx, duplicate_item, &f);
	if (!f.items) { /* nothing to say: no box */
		b->len = mark;
		return r;
	}
	proto_buf_append_str(b, "</ul></section>\n");
	return r;
}
