/*
 * validate.h - checks of everything a user types or imports (validate.c).
 * Each check returns 0 when the value is acceptable, otherwise -1 with a
 * translated reason in err that says what is expected. The caller names the
 * field (option or CSV column) in front of it.
 */
#ifndef MAIAM_AGENT_VALIDATE_H
#define MAIAM_AGENT_VALIDATE_H
#include <stddef.h>
#include <stdint.h>
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

int agent_check_national_id(const char *s, char *err, size_t n);
int agent_check_date(const char *s, const char *lo, const char *hi, char *err, size_t n);
int agent_check_text(const char *s, size_t max, char *err, size_t n);
int agent_check_enum(const char *s, const char *const *allowed, char *norm, size_t normlen,
		     char *err, size_t n);
int agent_check_amount(const char *s, int64_t lo, int64_t hi, int64_t *out, char *err, size_t n);

extern const char *const agent_sources[];
extern const char *const agent_categories[];
#endif
