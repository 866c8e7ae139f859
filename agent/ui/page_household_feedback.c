/*
 * page_household_feedback.c - what the hub's feedback says of one
 * household (ui.h), in a warning box on its page: an edit of this laptop
 * that another writer's edit won over, and its national id found on a
 * household of another commune. The same lists 'status' shows under
 * "Needs attention" (store_attention.c), kept to this household and worded
 * for its own page, which need not name it.
 */
#include <string.h>
#include "attention.h"
#include "csv.h"
#include "ui.h"
#include "validate.h"

typedef struct feedback {
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
	feedback f = { b, hh, 0 };
	size_t mark = b->len;
	proto_result r;

	proto_buf_appendf(b, "<section id=\"feedback\" class=\"warn\"><h2>%s</h2><ul>\n",
			  _("The hub's feedback"));
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
