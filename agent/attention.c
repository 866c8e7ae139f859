/*
 * attention.c - the "Needs attention" section of status (attention.h), the
 * same after sync and import, and the note when an event is recorded for a
 * household the review rejected. Every sentence says what to do; the hub's
 * refusal reasons come from the code table (refusal.c); national ids found
 * elsewhere too come from the hub's feedback (cmd_pull.c).
 */
#include <string.h>
#include "attention.h"
#include "cmds.h"
#include "csv.h"
#include "refusal.h"
#include "store.h"
#include "sync.h"
#include "validate.h"

/* A refused change-set shows at most this many of its records by name. */
#define RECORDS_SHOWN 20

typedef struct walk {
	agent_ctx *ctx;
	size_t n;     /* items shown so far in this list (the JSON commas) */
	size_t total; /* items in every list */
} walk;

static const char *kind_label(uint8_t kind)
{
	switch (kind) {
	case PROTO_KIND_HOUSEHOLD:
		return _("household");
	case PROTO_KIND_MILESTONE:
		return _("milestone");
	case PROTO_KIND_CONTRIBUTION:
		return _("contribution");
	default:
		return _("correction");
	}
}

/* One record of a refused change-set: its kind, id, and the household's
 * reference and name when it is one the store holds. */
static void refused_record(walk *w, const proto_record *rec)
{
	agent_ctx *ctx = w->ctx;
	agent_row row;
	char full[40];
	int found = 0;

	agent_id_format(rec->id, full);
	if (rec->kind != PROTO_KIND_HOUSEHOLD || agent_hh_get(ctx, rec->id, &row, &found) != PROTO_OK)
		found = 0;
	if (ctx->json) {
		fprintf(ctx->out, "%s{\"kind\":", w->n++ ? "," : "");
		agent_json_str(ctx->out, proto_kind_name(rec->kind));
		fprintf(ctx->out, ",\"id\":\"%s\",\"ref\":", full);
		agent_json_str(ctx->out, found ? row.v[PROTO_HH_REF] : NULL);
		fputc('}', ctx->out);
	} else if (found) {
		fprintf(ctx->out, "      %s %s (%s)\n", kind_label(rec->kind),
			row.v[PROTO_HH_REF] ? row.v[PROTO_HH_REF] : full,
			row.v[PROTO_HH_NAME] ? row.v[PROTO_HH_NAME] : "");
	} else {
		fprintf(ctx->out, "      %s %s\n", kind_label(rec->kind), full);
	}
	if (found)
		agent_row_release(&row);
}

/* The records a refused change-set held; a store that cannot open it says
 * so in the list rather than failing status. */
static void refused_records(walk *w, uint64_t origin, uint64_t seq)
{
	agent_ctx *ctx = w->ctx;
	proto_changeset cs;
	walk inner = { ctx, 0, 0 };
	int found = 0;
	proto_result r = agent_sealed_open(ctx, origin, seq, &cs, &found);

	if (ctx->json)
		fputs(",\"records\":[", ctx->out);
	for (size_t i = 0; found && i < cs.nrecords; i++) {
		if (!ctx->json && i == RECORDS_SHOWN) {
			fprintf(ctx->out, _("      and %zu more\n"), cs.nrecords - i);
			break;
		}
		refused_record(&inner, &cs.records[i]);
	}
	if (ctx->json)
		fputc(']', ctx->out);
	else if (!found)
		fprintf(ctx->out, _("      (its records cannot be read: %s; run 'maiam-agent check')\n"),
			r == PROTO_OK ? _("not in the store") : agent_store_cause(ctx, r));
	proto_changeset_release(&cs);
}

/* A refused change-set; origin: the retired key whose chain held it (a
 * re-enrolment moved it there), 0 for the current key's. */
static proto_result show_refused(void *arg, uint64_t origin, uint64_t seq, const char *when,
				 const char *code, const char *message)
{
	walk *w = arg;
	agent_ctx *ctx = w->ctx;
	char at[64], text[640], old[17];

	agent_refusal_text(code, message, text, sizeof text);
	proto_key_id_hex(origin, old);
	w->total++;
	if (ctx->json) {
		fprintf(ctx->out, "%s{\"seq\":%llu,\"old_key\":", w->n++ ? "," : "",
			(unsigned long long)seq);
		agent_json_str(ctx->out, origin ? old : NULL);
		fputs(",\"when\":", ctx->out);
		agent_json_str(ctx->out, when);
		fputs(",\"code\":", ctx->out);
		agent_json_str(ctx->out, code);
		fputs(",\"message\":", ctx->out);
		agent_json_str(ctx->out, message);
		fputs(",\"text\":", ctx->out);
		agent_json_str(ctx->out, text);
	} else {
		agent_show_time(when ? when : "?", at, sizeof at);
		if (origin)
			fprintf(ctx->out,
				_("  Refused by hub: change-set %llu of the old key %s (%s, %s): %s\n"),
				(unsigned long long)seq, old, code ? code : "?", at, text);
		else
			fprintf(ctx->out, _("  Refused by hub: change-set %llu (%s, %s): %s\n"),
				(unsigned long long)seq, code ? code : "?", at, text);
	}
	refused_records(w, origin, seq);
	if (ctx->json)
		fputc('}', ctx->out);
	return PROTO_OK;
}

/* A value of a lost field as shown: coded values by their label. */
static const char *shown_value(int field, const char *v)
{
	return v ? agent_label(PROTO_KIND_HOUSEHOLD, (uint8_t)field, v) : _("(empty)");
}

static proto_result show_lost(const agent_lost *l, void *arg)
{
	walk *w = arg;
	agent_ctx *ctx = w->ctx;
	const proto_field_desc *d = proto_field_lookup(PROTO_KIND_HOUSEHOLD, (uint8_t)l->field);
	char full[40], label[96];

	w->total++;
	agent_id_format(l->id, full);
	if (ctx->json) {
		fprintf(ctx->out, "%s{\"kind\":\"household\",\"id\":\"%s\",\"ref\":", w->n++ ? "," : "",
			full);
		agent_json_str(ctx->out, l->ref);
		fputs(",\"field\":", ctx->out);
		agent_json_str(ctx->out, d ? d->column : NULL);
		fputs(",\"mine\":", ctx->out);
		agent_json_str(ctx->out, l->mine);
		fputs(",\"kept\":", ctx->out);
		agent_json_str(ctx->out, l->kept);
		fputc('}', ctx->out);
		return PROTO_OK;
	}
	agent_csv_column_label(l->field, label, sizeof label);
	fprintf(ctx->out,
		_("  Edit not kept: household %s, field %s: this laptop wrote \"%s\", the hub kept \"%s\" (written elsewhere at the same time); if yours is right, record it again with 'maiam-agent household edit'\n"),
		l->ref ? l->ref : full, label, shown_value(l->field, l->mine),
		shown_value(l->field, l->kept));
	return PROTO_OK;
}

static proto_result show_rejected(const agent_review *v, void *arg)
{
	walk *w = arg;
	agent_ctx *ctx = w->ctx;
	char full[40];

	w->total++;
	agent_id_format(v->id, full);
	if (ctx->json) {
		fprintf(ctx->out, "%s{\"id\":\"%s\",\"ref\":", w->n++ ? "," : "", full);
		agent_json_str(ctx->out, v->ref);
		fputs(",\"name\":", ctx->out);
		agent_json_str(ctx->out, v->name);
		fputs(",\"reason\":", ctx->out);
		agent_json_str(ctx->out, v->reason);
		fputc('}', ctx->out);
		return PROTO_OK;
	}
	fprintf(ctx->out,
		_("  Rejected by the review: household %s (%s): %s; correct it with 'maiam-agent household edit' and tell the operator, or take it out with 'maiam-agent household withdraw'\n"),
		v->ref ? v->ref : full, v->name ? v->name : "",
		v->reason && *v->reason ? v->reason : _("no reason given"));
	return PROTO_OK;
}

/* A national id the hub found held by another household too: the other's
 * commune is named, never the other household (the hub does not say). */
static proto_result show_duplicate(const agent_duplicate *d, void *arg)
{
	walk *w = arg;
	agent_ctx *ctx = w->ctx;
	char full[40], where[320];

	w->total++;
	agent_id_format(d->id, full);
	if (ctx->json) {
		fprintf(ctx->out, "%s{\"id\":\"%s\",\"ref\":", w->n++ ? "," : "", full);
		agent_json_str(ctx->out, d->ref);
		fputs(",\"name\":", ctx->out);
		agent_json_str(ctx->out, d->name);
		fputs(",\"national_id\":", ctx->out);
		agent_json_str(ctx->out, d->national_id);
		fprintf(ctx->out, ",\"commune\":%lld,\"commune_name\":", (long long)d->commune);
		agent_json_str(ctx->out, d->commune_name);
		fputc('}', ctx->out);
		return PROTO_OK;
	}
	if (d->commune_name)
		snprintf(where, sizeof where, "%s (%lld)", d->commune_name, (long long)d->commune);
	else
		snprintf(where, sizeof where, "%lld", (long long)d->commune);
	fprintf(ctx->out,
		_("  National id also elsewhere: household %s (%s), national id %s: a household of commune %s has it too; check the number with the family and correct it with 'maiam-agent household edit', or tell the operator\n"),
		d->ref ? d->ref : full, d->name ? d->name : "", d->national_id, where);
	return PROTO_OK;
}

/* Every list, in --json as members of one object, in text as lines. */
static proto_result show_lists(walk *w)
{
	agent_ctx *ctx = w->ctx;
	proto_result r;

	if (ctx->json)
		fputs("\"refused\":[", ctx->out);
	w->n = 0;
	r = agent_sealed_refused_each(ctx, show_refused, w);
	if (ctx->json)
		fputs("],\"conflicts_lost\":[", ctx->out);
	w->n = 0;
	if (r == PROTO_OK)
		r = agent_lost_each(ctx, show_lost, w);
	if (ctx->json)
		fputs("],\"rejected\":[", ctx->out);
	w->n = 0;
	if (r == PROTO_OK)
		r = agent_rejected_each(ctx, show_rejected, w);
	if (ctx->json)
		fputs("],\"duplicate_national_ids\":[", ctx->out);
	w->n = 0;
	if (r == PROTO_OK)
		r = agent_duplicates_each(ctx, show_duplicate, w);
	if (ctx->json)
		fputc(']', ctx->out);
	return r;
}

int agent_attention_show(agent_ctx *ctx)
{
	walk w = { ctx, 0, 0 };
	agent_review_counts rc;
	proto_result r = agent_review_count(ctx, &rc);

	if (r != PROTO_OK)
		goto fail;
	if (ctx->json) {
		fputc(',', ctx->out);
		r = show_lists(&w);
		fprintf(ctx->out, ",\"review\":{\"proposed\":%lld,\"approved\":%lld,\"rejected\":%lld}",
			(long long)rc.proposed, (long long)rc.approved, (long long)rc.rejected);
		if (r != PROTO_OK)
			goto fail;
		return AGENT_OK;
	}
	fprintf(ctx->out,
		_("Review:         %lld approved, %lld rejected, %lld waiting for the hub's review\n"),
		(long long)rc.approved, (long long)rc.rejected, (long long)rc.proposed);
	fputs(_("Needs attention:\n"), ctx->out);
	r = show_lists(&w);
	if (r != PROTO_OK)
		goto fail;
	if (w.total == 0)
		fputs(_("  nothing\n"), ctx->out);
	return AGENT_OK;
fail:
	agent_err(_("cannot read what needs attention: %s"), agent_store_cause(ctx, r));
	return AGENT_FAIL;
}

/* Counting walks: fn adds one per item. */
static proto_result count_refused(void *arg, uint64_t origin, uint64_t seq, const char *when,
				  const char *code, const char *message)
{
	(void)origin, (void)seq, (void)when, (void)code, (void)message;
	(*(size_t *)arg)++;
	return PROTO_OK;
}

static proto_result count_lost(const agent_lost *l, void *arg)
{
	(void)l;
	(*(size_t *)arg)++;
	return PROTO_OK;
}

static proto_result count_rejected(const agent_review *v, void *arg)
{
	(void)v;
	(*(size_t *)arg)++;
	return PROTO_OK;
}

static proto_result count_duplicate(const agent_duplicate *d, void *arg)
{
	(void)d;
	(*(size_t *)arg)++;
	return PROTO_OK;
}

size_t agent_attention_count(agent_ctx *ctx)
{
	size_t n = 0;

	if (agent_sealed_refused_each(ctx, count_refused, &n) != PROTO_OK ||
	    agent_lost_each(ctx, count_lost, &n) != PROTO_OK ||
	    agent_rejected_each(ctx, count_rejected, &n) != PROTO_OK ||
	    agent_duplicates_each(ctx, count_duplicate, &n) != PROTO_OK)
		return 0;
	return n;
}

void agent_attention_after(agent_ctx *ctx)
{
	walk w = { ctx, 0, 0 };

	if (ctx->json || agent_attention_count(ctx) == 0)
		return;
	fputs(_("Needs attention:\n"), ctx->out);
	if (show_lists(&w) != PROTO_OK)
		agent_err(_("cannot read what needs attention; run 'maiam-agent status'"));
}

int agent_hh_rejected(agent_ctx *ctx, proto_id hh, char *reason, size_t n)
{
	agent_row row;
	int found = 0, rejected = 0;

	if (agent_hh_get(ctx, hh, &row, &found) == PROTO_OK && found) {
		rejected = row.v[PROTO_HH_REVIEW_STATUS] &&
			   strcmp(row.v[PROTO_HH_REVIEW_STATUS], "rejected") == 0;
		if (rejected)
			snprintf(reason, n, "%s",
				 row.v[PROTO_HH_REVIEW_REASON] ? row.v[PROTO_HH_REVIEW_REASON] : "");
		agent_row_release(&row);
	}
	return rejected;
}

void agent_note_rejected(const char *shown, const char *reason)
{
	agent_err(_("note: the hub's review rejected household %s (%s); this is kept, but ask the operator before recording more for it"),
		  shown, *reason ? reason : _("no reason given"));
}
