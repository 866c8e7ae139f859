/*
 * validate.h - what the agent does with a value a user types or imports
 * before the rulebook (maiam/rules.h) judges it: trims and squeezes text,
 * folds enum spellings ("Near-poor"), strips phone punctuation, parses
 * numbers; then it asks proto_rules_* and turns a broken rule into a
 * translated reason. Each check returns 0 when the value is acceptable,
 * otherwise -1 with the reason in err; the caller names the field (option or
 * CSV column) in front of it. No rule lives here: docs/RULES.md.
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
int agent_check_record(const agent_ctx *ctx, const proto_record *rec, const char **column,
		       char *err, size_t n);
int agent_check_changeset(const agent_ctx *ctx, const proto_changeset *cs, const char **column,
			  char *err, size_t n);

int agent_check_national_id(const char *s, char *err, size_t n);
/* A date: format, calendar, campaign period lo..hi ("" or NULL: none), not after today. */
int agent_check_date(const char *s, const char *lo, const char *hi, char *err, size_t n);
/* Free text of (kind, field): UTF-8, no control character, the field's maximum. */
int agent_check_text(uint8_t kind, uint8_t field, const char *s, char *err, size_t n);
/* An enum of (kind, field), any case and '-' or ' ' for '_'; norm gets the code. */
int agent_check_enum(uint8_t kind, uint8_t field, const char *s, char *norm, size_t normlen,
		     char *err, size_t n);
/* A whole number in digits for (kind, field), at least floor (the CLI may ask
 * more than the rulebook: a gift of 0 VND is a typing mistake) and within the
 * rulebook's range. */
int agent_check_amount(uint8_t kind, uint8_t field, const char *s, int64_t floor, int64_t *out,
		       char *err, size_t n);
#endif
