/*
 * scorecard.h - each district and commune against the criteria of the
 * plan, part IV.1 (IV.1.2 for the districts, IV.1.3 for the communes), as
 * of a date: each criterion in the plan's own Vietnamese words beside the
 * numbers that back it. The numbers come from the loaders of the other
 * reports (progress by district and by commune with the communes' targets,
 * the reconcile queue's walk, the contributions' sums of report_fund), so a
 * scorecard never says other than the reports. docs/REPORTS.md, "Commune
 * targets and scorecards".
 *
 * What maiam-hub report scorecard, the /scorecard page and the final
 * report draw. A report_scorecard owns its units (report_scorecard_free);
 * names are borrowed from the campaign, which must outlive it.
 */
#ifndef HUB_SCORECARD_H
#define HUB_SCORECARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "maiam/proto.h"
#include "report.h"
#include "result.h"

/* The contribution sources, in the rulebook's order (proto_rules_enum). */
#define SCORECARD_NSOURCES 7

/* Contributions of one source: count, money (VND), labour days, materials
 * (count) and their estimated value (VND). */
typedef struct scorecard_fund {
	int64_t n, money, labour, mat_n, mat_value;
} scorecard_fund;

typedef struct scorecard_unit {
	int code;
	const char *name;
	bool commune;   /* else a district */
	int district;   /* a commune's district; a district's own code */
	int64_t target; /* -1: none (a commune its district gave none) */
	/* criterion 1: the target on time */
	int64_t registered, approved, handed_over, on_time;
	bool on_track; /* report_on_track: the line kept up, or met it after the deadline */
	/* criterion 2: the right beneficiaries */
	int64_t rejected;                               /* households the province rejected (now) */
	int64_t open_conflicts, open_duplicates;        /* open reconcile items */
	int64_t open_missing_evidence;                  /* stages without the photo they need */
	int64_t open_items;                             /* every open reconcile item of the unit */
	scorecard_fund funds[SCORECARD_NSOURCES], fund; /* by source, and all of them */
} scorecard_unit;

typedef struct report_scorecard {
	char as_of[11];
	int district;          /* 0: every district */
	size_t n;              /* each district, followed by its communes */
	scorecard_unit *units; /* owned */
} report_scorecard;

/*
 * Load the scorecards of every district and commune (district 0), or of one
 * district and its communes, as of as_of (YYYY-MM-DD, valid). Any connection
 * to hub.db (the page worker's read-only one too). HUB_OK, HUB_EDB,
 * HUB_ENOMEM, HUB_ERANGE (err says, in English as the other loaders).
 */
hub_result report_scorecard_load(sqlite3 *db, const proto_campaign *c, const char *as_of, int district,
				 report_scorecard *out, char *err, size_t errlen);
void report_scorecard_free(report_scorecard *s);

/* One criterion of a unit's scorecard: the plan's words, the numbers that
 * back it (Vietnamese, for documents), and whether the numbers show it met:
 * 1 met, 0 not, -1 not something the data can judge (the steering
 * committee's appraisal). text is static; numbers is the caller's buffer. */
typedef struct scorecard_criterion {
	const char *ref;  /* "IV.1.2 (1)" */
	const char *text; /* the plan's words */
	char numbers[512];
	int met;
} scorecard_criterion;

#define SCORECARD_MAX_CRITERIA 5
/* The criteria of u into out (IV.1.2: 5 for a district, IV.1.3: 4 for a
 * commune) with numbers in lang's words: how many. */
size_t scorecard_criteria(const proto_campaign *c, const report_scorecard *s, const scorecard_unit *u,
			  int lang, scorecard_criterion out[SCORECARD_MAX_CRITERIA]);

/* The scorecard report in o->format (table, csv, json, html, xlsx). */
hub_result report_scorecard_render(sqlite3 *db, const proto_campaign *c, const hub_report_opts *o,
				   proto_buf *out, char *err, size_t errlen);
/* The scorecards as one HTML <table> in Vietnamese (the /scorecard page):
 * as report_scorecard_load, as_of valid. */
hub_result report_scorecard_table(sqlite3 *db, const proto_campaign *c, const char *as_of, int district,
				  proto_buf *out, char *err, size_t errlen);

#endif
