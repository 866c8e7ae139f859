/*
 * cmd_household_history.c - household show's history (cmd_household_history.h):
 * each decision the hub signed about the household, read from the decision
 * records the ledger gave (decision.c), with the operator's name as signed.
 * Times are shown in Vietnam (UTC+7), where the campaign is run; --json
 * gives them in UTC.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "maiam/hlc.h"
#include "maiam/text.h"
#include "cmd_household.h"
#include "cmd_household_history.h"
#include "decision.h"
#include "i18n.h"
#include "json.h"

#define VN_OFFSET_S (7 * 3600)

typedef struct history_state {
	const hub_ctx *ctx;
	int json;
	size_t width, n;
} history_state;

/* The stamp's time: "YYYY-MM-DD HH:MM" in Vietnam, or ISO 8601 in UTC. */
static void stamp_time(uint64_t stamp, int utc, char *out, size_t n)
{
	time_t t = (time_t)(proto_hlc_ms(stamp) / 1000) + (utc ? 0 : VN_OFFSET_S);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, utc ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M", &tm);
}

static void json_text(const char *name, const char *s)
{
	proto_buf b;

	printf(", \"%s\": ", name);
	proto_buf_init(&b, 1 << 16);
	if (s && hub_json_str(&b, s) == 0)
		fwrite(b.data, 1, b.len, stdout);
	else
		fputs("null", stdout);
	proto_buf_release(&b);
}

static void print_json(history_state *s, const hub_decision_row *row)
{
	char at[32];

	stamp_time(row->stamp, 1, at, sizeof(at));
	printf("%s{\"at\": \"%s\", \"stamp\": %llu", s->n ? ", " : "", at, (unsigned long long)row->stamp);
	json_text("operator", row->operator_name);
	json_text("action", row->action);
	json_text("item", row->item);
	json_text("note", row->note);
	json_text("keep", row->keep);
	printf(", \"signed\": %s}", row->signed_name ? "true" : "false");
}

/* What was decided and by whom, in the operator's language. */
static void describe(const history_state *s, const hub_decision_row *row, char *out, size_t n)
{
	const char *action = row->action ? row->action : "";
	const char *label = hub_label_of(s->ctx, PROTO_LIST_REVIEW_STATUS, action);

	if (!row->signed_name)
		/* TRANSLATORS: household show's history: a review (its label) from
		 * before decisions were signed with the operator's name */
		snprintf(out, n, _("%s, decided before decisions carried the operator's name"), label);
	else if (row->item && row->keep)
		/* TRANSLATORS: a reconcile item, who resolved it, and which value
		 * was kept (winner or loser, as typed) */
		snprintf(out, n, _("%s resolved by %s, kept the %s"), row->item, row->operator_name,
			 row->keep);
	else if (row->item)
		snprintf(out, n, _("%s resolved by %s"), row->item, row->operator_name);
	else
		/* TRANSLATORS: household show's history: the review (its label)
		 * and the operator who decided it */
		snprintf(out, n, _("%s by %s"), label, row->operator_name);
}

static int print_text(history_state *s, const hub_decision_row *row)
{
	char when[32], what[512];
	const char *title = s->n ? "" : _("history:");
	size_t w;

	stamp_time(row->stamp, 0, when, sizeof(when));
	describe(s, row, what, sizeof(what));
	fputs(title, stdout);
	for (w = proto_utf8_width(title); w < s->width + 1; w++)
		putchar(' ');
	printf("%s  %s%s%s\n", when, what, row->note ? ": " : "", row->note ? row->note : "");
	return 0;
}

static int one(void *arg, const hub_decision_row *row)
{
	history_state *s = arg;

	if (s->json)
		print_json(s, row);
	else
		print_text(s, row);
	s->n++;
	return 0;
}

hub_result hub_household_history_show(const hub_ctx *ctx, proto_id id, int json, size_t width,
				      const char *none_word)
{
	history_state s = { ctx, json, width, 0 };
	hub_result rc;
	size_t w;

	if (json)
		fputs(", \"history\": [", stdout);
	rc = hub_decision_each(ctx->db, id, one, &s);
	if (json) {
		putchar(']');
		return rc;
	}
	if (rc == HUB_OK && !s.n) {
		fputs(_("history:"), stdout);
		for (w = proto_utf8_width(_("history:")); w < width + 1; w++)
			putchar(' ');
		puts(none_word);
	}
	return rc;
}
