/*
 * rules_int.h - what rules.c and rules_text.c share and nobody else needs.
 */
#ifndef MAIAM_RULES_INT_H
#define MAIAM_RULES_INT_H

/* Days of month m (1..12) of year y, proleptic Gregorian; 0 for a bad month. */
int proto_rules_days_in_month(int y, int m);

#endif
