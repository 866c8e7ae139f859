/*
 * labels_int.h - what labels.c shares with the campaign's [labels] checks:
 * the one key two spellings of a label are compared by.
 */
#ifndef MAIAM_LABELS_INT_H
#define MAIAM_LABELS_INT_H

/* s folded (proto_fold) with ',', '.' and ';' dropped and spaces squeezed
 * again: "Đất thuê, mượn" and "dat thue muon" give one key. free(); NULL if
 * out of memory. */
char *labels_key(const char *s);

#endif
