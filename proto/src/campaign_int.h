/*
 * campaign_int.h - private helpers shared by the campaign and admin-unit
 * loaders: a line cursor over a whole file read into memory, strict number
 * and date parsing, and "FILE:LINE: problem" error formatting.
 */
#ifndef MAIAM_CAMPAIGN_INT_H
#define MAIAM_CAMPAIGN_INT_H

#include <libintl.h>
#include <stddef.h>
#include "maiam/buf.h"
#include "maiam/campaign.h"

/* Caps: a hostile file never makes us read or allocate without bound. */
#define CAMPAIGN_MAX_FILE (64u * 1024u)     /* a campaign file is ~5 KiB */
#define CAMPAIGN_MAX_LINE 1024u             /* bytes, without the newline */
#define UNITS_MAX_FILE (8u * 1024u * 1024u) /* all of Viet Nam is < 1 MiB */
#define CAMPAIGN_MAX_NUMBER 1000000         /* largest target, count or bound */

/* Cursor over the lines of a file held in memory. */
typedef struct campaign_lines {
	const char *path; /* for messages; borrowed */
	const char *p;    /* whole file; borrowed */
	size_t len;
	size_t pos;
	long lineno;      /* number of the line last returned (1-based) */
	proto_result why; /* after a -1 from campaign_lines_next: ETOOBIG or EUTF8 */
} campaign_lines;

void campaign_lines_init(campaign_lines *ls, const char *path, const char *p, size_t len);
/*
 * Next line without its LF (and without one CR before it). Returns 1 and
 * sets *line and *n, 0 at end of file, -1 after writing an error for a line that
 * is too long, not UTF-8 or holds a control character other than TAB.
 */
int campaign_lines_next(campaign_lines *ls, const char **line, size_t *n, char *err, size_t errlen);

/* Read a whole file with a cap; errors go to err as "PATH: problem". */
proto_result campaign_read(const char *path, size_t max, proto_buf *out, char *err, size_t errlen);

/* A message in the user's language (PROTO_TEXTDOMAIN); N_ marks one kept
 * in a variable, translated where it is written. ctest proto_po_complete
 * fails on a message of campaign_err or N_ that proto/po/vi.po lacks. */
#define CAMPAIGN_TEXT(s) dgettext(PROTO_TEXTDOMAIN, s)
#define N_(s) (s)

/* "PATH:LINE: " + message, always NUL-terminated, never overflowing; fmt is
 * translated (CAMPAIGN_TEXT), its arguments are not. */
void campaign_err(char *err, size_t errlen, const char *path, long lineno, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Decimal digits only, 1..CAMPAIGN_MAX_NUMBER range checked; 0 if ok, -1 if not. */
int campaign_parse_uint(const char *s, size_t n, int max, int *out);
/* YYYY-MM-DD that names a real calendar day; 0 if ok, -1 if not. */
int campaign_parse_date(const char *s, size_t n);
/* Trim spaces and tabs at both ends of [*s, *s+*n). */
void campaign_trim(const char **s, size_t *n);

/* Award rules (campaign_awards.c). */
proto_result campaign_award_add(proto_award_rule *rule, const char *key, size_t keylen, const char *line,
				size_t linelen, const char *val, size_t vallen, const char *path,
				long lineno, char *err, size_t errlen);
/* Final check of a section: starts at 0, open-ended at the top. */
proto_result campaign_award_finish(const proto_award_rule *rule, const char *section, const char *path,
				   long lineno, char *err, size_t errlen);
void campaign_award_release(proto_award_rule *rule);

/* Value-list labels (campaign_labels.c): the line each label was set on. */
typedef struct campaign_label_lines {
	long line[PROTO_LIST_N][PROTO_LIST_MAX_CODES];
} campaign_label_lines;
/* "LIST.CODE = LABEL" in [labels]. */
proto_result campaign_label_add(proto_labels *labels, campaign_label_lines *at, const char *k, size_t kn,
				const char *v, size_t vn, const char *path, long lineno, char *err,
				size_t errlen);
/* Final check: each list named is labelled whole and reads unambiguously. */
proto_result campaign_label_finish(const proto_labels *labels, const campaign_label_lines *at,
				   const char *path, long section_line, char *err, size_t errlen);

/* [evidence] (campaign_evidence.c): the line each key was set on. */
typedef struct campaign_evidence_lines {
	long stages, max_days, max_distance, bounds;
} campaign_evidence_lines;
/* "stages = STAGE, ...", "max_days_from_milestone = DAYS", "max_distance_m =
 * METRES" or "bounds = LAT_MIN, LON_MIN, LAT_MAX, LON_MAX" in [evidence]. */
proto_result campaign_evidence_add(proto_campaign *c, campaign_evidence_lines *at, const char *k,
				   size_t kn, const char *v, size_t vn, const char *path, long lineno,
				   char *err, size_t errlen);

/* [report] (campaign_report.c): the line each key was set on. */
#define CAMPAIGN_REPORT_NKEYS 6
typedef struct campaign_report_lines {
	long line[CAMPAIGN_REPORT_NKEYS];
} campaign_report_lines;
/* "KEY = TEXT" in [report]: issuing_body, number, place, signer, superior,
 * recipients. */
proto_result campaign_report_add(proto_report_heading *h, campaign_report_lines *at, const char *k,
				 size_t kn, const char *v, size_t vn, const char *path, long lineno,
				 char *err, size_t errlen);
/* Final check: a [report] section (section_line 0: none) sets every
 * required key. */
proto_result campaign_report_finish(const campaign_report_lines *at, const char *path, long section_line,
				    char *err, size_t errlen);
void campaign_report_release(proto_report_heading *h);

#endif
