/*
 * household_match.h - what "household find" calls a match, for every
 * caller that searches households (the CLI's find, the app's households
 * page): the name with case and Vietnamese diacritics folded on both sides,
 * part of the national id (3 digits or more), the short reference or the
 * full id. One text, one rule, so a search gives the same households
 * wherever it is typed.
 *
 * Ownership: agent_hh_match_init allocates; agent_hh_match_release frees
 * (safe on a zeroed or released matcher). The row is borrowed.
 */
#ifndef MAIAM_AGENT_HOUSEHOLD_MATCH_H
#define MAIAM_AGENT_HOUSEHOLD_MATCH_H
#include "agent.h"
#include "store.h"

typedef struct agent_hh_match {
	char *folded; /* the text folded (maiam/text.h's proto_fold) */
	char *digits; /* the text when it is a national id or part of one, else NULL */
	char ref[32];
	int has_ref;
	proto_id id;
	int has_id;
} agent_hh_match;

/* A matcher for text: 0, or -1 out of memory (nothing to release). */
int agent_hh_match_init(agent_hh_match *m, const char *text);
/* 1 when row matches, 0 when not, -1 out of memory. */
int agent_hh_match_row(const agent_hh_match *m, const agent_row *row);
void agent_hh_match_release(agent_hh_match *m);

#endif
