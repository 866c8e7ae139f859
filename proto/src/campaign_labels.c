/*
 * campaign_labels.c - the [labels] section of a campaign file: the
 * Vietnamese label of each code of each value list ("category.poor = Hộ
 * nghèo"). A list the file names must be labelled whole, and two codes of
 * one list must never read alike once folded (what a person types without
 * diacritics or punctuation must name one code), so a label file cannot
 * make input ambiguous. Lists the file leaves out keep proto's built-in labels.
 */
#include <stdlib.h>
#include <string.h>
#include "maiam/alloc.h"
#include "maiam/text.h"
#include "campaign_int.h"
#include "labels_int.h"

/* "LIST.CODE": the list and the code's index, or an error naming what is known. */
static proto_result split_key(const char *k, size_t kn, proto_list *list, size_t *index,
			      const char *path, long lineno, char *err, size_t errlen)
{
	const char *dot = memchr(k, '.', kn);
	const char *const *codes;
	size_t ln = dot ? (size_t)(dot - k) : kn, cn;
	char known[256];
	int l;

	for (l = 0; l < PROTO_LIST_N; l++) {
		const char *name = proto_list_name((proto_list)l);

		if (strlen(name) == ln && memcmp(k, name, ln) == 0)
			break;
	}
	if (!dot || l == PROTO_LIST_N) {
		campaign_err(err, errlen, path, lineno,
			     "'%.*s' is not LIST.CODE of a known list; lists: category, land_status, "
			     "support_kind, review_status, stage, source (e.g. 'category.poor = Hộ nghèo')",
			     (int)kn, k);
		return PROTO_EVALUE;
	}
	codes = proto_list_codes((proto_list)l);
	cn = kn - ln - 1;
	for (size_t i = 0; codes[i]; i++) {
		if (strlen(codes[i]) == cn && memcmp(dot + 1, codes[i], cn) == 0) {
			*list = (proto_list)l;
			*index = i;
			return PROTO_OK;
		}
	}
	known[0] = '\0';
	for (size_t i = 0, o = 0; codes[i] && o < sizeof known; i++)
		o += (size_t)snprintf(known + o, sizeof known - o, "%s%s", i ? ", " : "", codes[i]);
	campaign_err(err, errlen, path, lineno, "unknown code '%.*s' in list %s; its codes: %s", (int)cn,
		     dot + 1, proto_list_name((proto_list)l), known);
	return PROTO_EVALUE;
}

proto_result campaign_label_add(proto_labels *labels, campaign_label_lines *at, const char *k, size_t kn,
				const char *v, size_t vn, const char *path, long lineno, char *err,
				size_t errlen)
{
	proto_list list;
	size_t i;
	proto_result r = split_key(k, kn, &list, &i, path, lineno, err, errlen);

	if (r != PROTO_OK)
		return r;
	if (at->line[list][i]) {
		campaign_err(err, errlen, path, lineno,
			     "label of %.*s appears twice (first on line %ld); keep one", (int)kn, k,
			     at->line[list][i]);
		return PROTO_EVALUE;
	}
	if (vn > PROTO_LABEL_MAX) {
		campaign_err(err, errlen, path, lineno,
			     "label of %.*s is longer than %d bytes; "
			     "shorten it",
			     (int)kn, k, PROTO_LABEL_MAX);
		return PROTO_EVALUE;
	}
	labels->label[list][i] = proto_strndup(v, vn);
	if (!labels->label[list][i])
		return PROTO_ENOMEM;
	at->line[list][i] = lineno;
	return PROTO_OK;
}

/* The code a folded label would also be read as, or NULL. */
static const char *reads_as_code(const char *folded, const char *const *codes, size_t self)
{
	for (size_t i = 0; codes[i]; i++) {
		size_t n = strlen(codes[i]), j;

		if (i == self || strlen(folded) != n)
			continue;
		for (j = 0; j < n; j++) {
			char c = folded[j] == ' ' || folded[j] == '-' ? '_' : folded[j];

			if (c != codes[i][j])
				break;
		}
		if (j == n)
			return codes[i];
	}
	return NULL;
}

/* Two labels of one list that fold alike, or a label that spells another code. */
static proto_result check_distinct(const proto_labels *labels, const campaign_label_lines *at,
				   proto_list list, const char *path, char *err, size_t errlen)
{
	const char *const *codes = proto_list_codes(list);
	char *folded[PROTO_LIST_MAX_CODES] = { 0 };
	proto_result r = PROTO_OK;
	size_t n = 0, i, j;

	while (codes[n])
		n++;
	for (i = 0; i < n; i++) {
		folded[i] = labels_key(labels->label[list][i]);
		if (!folded[i]) {
			r = PROTO_ENOMEM;
			goto out;
		}
	}
	for (i = 0; i < n && r == PROTO_OK; i++) {
		const char *other = reads_as_code(folded[i], codes, i);

		if (other) {
			campaign_err(err, errlen, path, at->line[list][i],
				     "label '%s' of %s.%s reads as the code '%s'; choose another label",
				     labels->label[list][i], proto_list_name(list), codes[i], other);
			r = PROTO_EVALUE;
		}
		for (j = 0; j < i && r == PROTO_OK; j++) {
			if (strcmp(folded[i], folded[j]) == 0) {
				campaign_err(err, errlen, path, at->line[list][i],
					     "label '%s' of %s.%s reads the same as the label of %s.%s "
					     "(line %ld), with or without diacritics and punctuation; make them differ",
					     labels->label[list][i], proto_list_name(list), codes[i],
					     proto_list_name(list), codes[j], at->line[list][j]);
				r = PROTO_EVALUE;
			}
		}
	}
out:
	for (i = 0; i < n; i++)
		free(folded[i]);
	return r;
}

proto_result campaign_label_finish(const proto_labels *labels, const campaign_label_lines *at,
				   const char *path, long section_line, char *err, size_t errlen)
{
	for (int l = 0; l < PROTO_LIST_N; l++) {
		const char *const *codes = proto_list_codes((proto_list)l);
		size_t given = 0, i;
		proto_result r;

		for (i = 0; codes[i]; i++)
			given += at->line[l][i] != 0;
		if (given == 0)
			continue; /* the built-in labels stand */
		for (i = 0; codes[i]; i++) {
			if (!at->line[l][i]) {
				campaign_err(err, errlen, path, section_line,
					     "list %s has labels but none for code '%s'; add "
					     "'%s.%s = LABEL' (a list is labelled whole or not at all)",
					     proto_list_name((proto_list)l), codes[i],
					     proto_list_name((proto_list)l), codes[i]);
				return PROTO_EVALUE;
			}
		}
		r = check_distinct(labels, at, (proto_list)l, path, err, errlen);
		if (r == PROTO_ENOMEM)
			campaign_err(err, errlen, path, section_line, "out of memory");
		if (r != PROTO_OK)
			return r;
	}
	return PROTO_OK;
}
