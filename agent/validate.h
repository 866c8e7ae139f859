/*
 * validate.h - what the agent does with a value a user types or imports
 * before the rulebook (maiam/rules.h) judges it: trims and squeezes text,
 * reads value lists by code or Vietnamese label ("Near-poor", "hộ nghèo",
 * "ho ngheo"), dates as 20/06/2023 or 2023-06-20, money as 25.000.000 or
 * 25000000, strips phone punctuation; then it asks proto_rules_* and turns a
 * broken rule into a translated reason. Each check returns 0 when the value
 * is acceptable, otherwise -1 with the reason in err; the caller names the
 * field (option or CSV column) in front of it. No rule lives here:
 * docs/RULES.md; the spellings: docs/CAMPAIGN.md, "Labels and formats".
 *
 * The other way, values shown to people in their language (i18n.c): labels
 * and dd/mm/yyyy in Vietnamese, codes and YYYY-MM-DD under LANG=C; --json
 * and files never go through these.
 */
#ifndef MAIAM_AGENT_VALIDATE_H
#define MAIAM_AGENT_VALIDATE_H
#include <stddef.h>
#include <stdint.h>
#include "agent.h"
#include "maiam/rules.h"
#include "maiam/schema.h"

/* A household field as typed, checked and normalised (trimmed, lowercased
 * enums, stripped phone). Text is owned; agent_hh_release frees it. */
typedef struct agent_hh {
	int given[PROTO_HH_NFIELDS + 1];   /* the field was provided */
	int is_null[PROTO_HH_NFIELDS + 1]; /* provided empty: clear it */
	int64_t num[PROTO_HH_NFIELDS + 1];
	char *text[PROTO_HH_NFIELDS + 1];
} agent_hh;

void agent_hh_release(agent_hh *h);
/* Check raw for field and store the normalised value in h. */
int agent_hh_set(agent_hh *h, int field, const char *raw, char *err, size_t n);
/* The fields an add (or an import row) must have: name, hamlet, members, category.
 * Returns the first missing field id, or 0. */
int agent_hh_missing(const agent_hh *h);
/* Fields a user may set, in the order of the CLI and the CSV. */
extern const int agent_hh_user_fields[];
extern const size_t agent_hh_nuser_fields;
/* CLI option name for a field ("national-id"), column with '-' for '_'. */
void agent_hh_option_name(int field, char *out, size_t n);

/*
 * The rulebook as this laptop applies it: the campaign period it was set up
 * with (meta: period_start, period_end = report due, deadline) and today as
 * the latest day. The agent keeps no admin units (its commune was checked
 * against them at init), so the unit rule is not applied here; the hub
 * applies it. camp is filled in and borrowed by r: keep both together.
 */
void agent_rules_init(const agent_ctx *ctx, proto_rules *r, proto_campaign *camp);
/* A broken rule in the user's language, e.g. "'2023-02-30' is not a real calendar date". */
void agent_rule_message(const proto_violation *v, char *err, size_t n);
/* Check every record of cs before it is recorded; on a violation the field's
 * column goes to *column and the reason to err. */
int agent_check_record(const agent_ctx *ctx, const proto_record *rec, const char **column, char *err,
		       size_t n);
int agent_check_changeset(const agent_ctx *ctx, const proto_changeset *cs, const char **column,
			  char *err, size_t n);

int agent_check_national_id(const char *s, char *err, size_t n);
/* A date: format, calendar, campaign period lo..hi ("" or NULL: none), not after today. */
int agent_check_date(const char *s, const char *lo, const char *hi, char *err, size_t n);
/* Free text of (kind, field): UTF-8, no control character, the field's maximum. */
int agent_check_text(uint8_t kind, uint8_t field, const char *s, char *err, size_t n);
/* An enum of (kind, field) typed as its code (any case, '-' or ' ' for '_')
 * or its label (diacritics and case optional); norm gets the code. */
int agent_check_enum(uint8_t kind, uint8_t field, const char *s, char *norm, size_t normlen, char *err,
		     size_t n);
/* The code of (kind, field) that typed names, as agent_check_enum reads it
 * (a static string), or NULL. */
const char *agent_enum_code(uint8_t kind, uint8_t field, const char *typed);
/* A date typed DD/MM/YYYY (or D/M/YYYY) or YYYY-MM-DD, checked as
 * agent_check_date; out gets it as YYYY-MM-DD, the only spelling recorded. */
int agent_parse_date(const char *typed, const char *lo, const char *hi, char out[11], char *err, size_t n);
/* A whole number for (kind, field), written 25000000 or 25.000.000, at least
 * floor (the CLI may ask more than the rulebook: a gift of 0 VND is a typing
 * mistake) and within the rulebook's range. */
int agent_check_amount(uint8_t kind, uint8_t field, const char *s, int64_t floor, int64_t *out,
		       char *err, size_t n);

/* i18n.c: values in the user's language. */
int agent_lang_vi(void); /* 1 when messages are Vietnamese (set by agent_i18n_init) */
/* The labels of the store's campaign (agent_store_load_meta), taken over:
 * *labels is emptied, and what an earlier call gave is released. Until
 * then, and for the lists they leave out, the built-in labels. */
void agent_labels_use(proto_labels *labels);
const proto_labels *agent_labels(void);
/* The label of code for (kind, field) in Vietnamese, else code itself; a
 * value that is no code of the list (or NULL) is returned as it is. */
const char *agent_label(uint8_t kind, uint8_t field, const char *code);
/* A stored date (YYYY-MM-DD) as this output writes dates. */
void agent_show_date(const char *iso, char out[16]);
/* A stored UTC instant ("2023-06-20T07:05:09Z") in Vietnam time, same date
 * style; text after the instant ("TIME PATH" of the last export) is kept. */
void agent_show_time(const char *text, char *out, size_t n);
/* Money grouped with its unit: "40.000.000 đ", or "40,000,000 VND" in English. */
void agent_show_money(int64_t vnd, char *out, size_t n);
#endif
