/*
 * text.h - text as Vietnamese people type and read it: folding for matching
 * without diacritics, dates written 20/06/2023, money written 25.000.000,
 * and times shown in Vietnam time. Both programs share these so a laptop and
 * the hub read and write the same spellings (docs/CAMPAIGN.md, "Labels and
 * formats"). Values on the wire and in JSON stay YYYY-MM-DD and plain digits.
 *
 * Ownership: proto_fold returns memory the caller frees with free(); every
 * other function writes into a buffer the caller provides.
 */
#ifndef MAIAM_TEXT_H
#define MAIAM_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include "rules.h"

/* Lowercase, drop Vietnamese tone and vowel marks (precomposed or combining),
 * đ/Đ to d, white space runs to one space, none at the ends; an invalid
 * UTF-8 byte becomes '?'. The result is never longer than s. NULL: no memory. */
char *proto_fold(const char *s);

/* How an output writes its dates: one style per output. */
typedef enum proto_date_style {
	PROTO_DATES_ISO = 0, /* 2023-06-20, 2023-06-20 14:05 (the C locale, files, logs) */
	PROTO_DATES_VN = 1,  /* 20/06/2023, 20/06/2023 14:05 (Vietnamese) */
} proto_date_style;

/*
 * A date as typed: YYYY-MM-DD, or D/M/YYYY with one or two digits for day
 * and month (20/06/2023, 2/9/2023), spaces around it ignored. On success
 * out gets YYYY-MM-DD and PROTO_RULE_OK is returned; otherwise
 * PROTO_RULE_DATE_FORMAT (not a date spelling) or PROTO_RULE_DATE_CALENDAR
 * (30/02/2023) and out is "". Whether the day fits a campaign is the
 * rulebook's business (proto_rules_check_value).
 */
proto_rule proto_date_parse(const char *typed, char out[11]);
/* iso (YYYY-MM-DD) in style; text that is no such date is copied as it is,
 * cut to fit. n >= 11 holds every date. */
void proto_date_show(const char *iso, proto_date_style style, char *out, size_t n);
/*
 * An instant written as ISO 8601 UTC ("2023-06-20T07:05:00Z", as the agent
 * keeps its last sync) shown in Vietnam time (UTC+7, no daylight saving):
 * "20/06/2023 14:05" or "2023-06-20 14:05". Text that is no such instant is
 * copied as it is, cut to fit. n >= 17 holds every time.
 */
void proto_time_show(const char *iso_utc, proto_date_style style, char *out, size_t n);

/*
 * A whole amount as typed: digits only (25000000) or grouped by dots in
 * threes as Vietnamese write it (25.000.000); spaces around it ignored.
 * No sign, no decimals, no comma (a decimal comma in Vietnamese). 0 and *out
 * set, or -1 if it is neither spelling or above INT64_MAX.
 */
int proto_amount_parse(const char *typed, int64_t *out);
/* v with its digits grouped in threes by sep ('.' in Vietnamese: 40.000.000);
 * sep 0 writes plain digits. Cut to fit n; n >= 28 holds every int64. */
void proto_amount_show(int64_t v, char sep, char *out, size_t n);

#endif
