/*
 * campaign_awards.c - award quota rules: "LO-HI = COUNT" and "LO+ = COUNT"
 * lines of an [awards.*] section. Ranges must be listed in ascending order,
 * start at 0, touch without gap or overlap and end open-ended, so every
 * assigned target has exactly one rule and the plan's boundaries are explicit.
 */
#include <stdlib.h>
#include <string.h>

#include "maiam/alloc.h"
#include "campaign_int.h"

/* Parse "LO-HI" or "LO+"; hi = -1 for open-ended. 0 if ok. */
static int parse_range(const char *s, size_t n, int *lo, int *hi)
{
	const char *dash;

	if (n >= 2 && s[n - 1] == '+') {
		*hi = -1;
		return campaign_parse_uint(s, n - 1, CAMPAIGN_MAX_NUMBER, lo);
	}
	dash = memchr(s, '-', n);
	if (!dash)
		return -1;
	if (campaign_parse_uint(s, (size_t)(dash - s), CAMPAIGN_MAX_NUMBER, lo))
		return -1;
	return campaign_parse_uint(dash + 1, n - (size_t)(dash - s) - 1, CAMPAIGN_MAX_NUMBER, hi);
}

proto_result campaign_award_add(proto_award_rule *rule, const char *key, size_t keylen, const char *line,
				size_t linelen, const char *val, size_t vallen, const char *path,
				long lineno, char *err, size_t errlen)
{
	proto_award_range *a, *prev;
	int lo, hi, count;

	if (parse_range(key, keylen, &lo, &hi)) {
		campaign_err(err, errlen, path, lineno,
			     "range '%.*s' is not 'LO-HI' or 'LO+' (whole numbers, no spaces, e.g. '100-199')",
			     (int)keylen, key);
		return PROTO_EVALUE;
	}
	if (hi >= 0 && hi < lo) {
		campaign_err(err, errlen, path, lineno, "range '%.*s' ends before it starts",
			     (int)keylen, key);
		return PROTO_EVALUE;
	}
	if (vallen > 0 && val[0] == '-') {
		campaign_err(err, errlen, path, lineno, "count '%.*s' is negative; write 0 or more",
			     (int)vallen, val);
		return PROTO_EVALUE;
	}
	if (campaign_parse_uint(val, vallen, CAMPAIGN_MAX_NUMBER, &count)) {
		campaign_err(err, errlen, path, lineno,
			     "count '%.*s' is not a whole number of awards (digits only)", (int)vallen,
			     val);
		return PROTO_EVALUE;
	}
	prev = rule->n ? &rule->a[rule->n - 1] : NULL;
	if (!prev && lo != 0) {
		campaign_err(err, errlen, path, lineno,
			     "first range '%.*s' must start at 0 so that every target has a rule",
			     (int)keylen, key);
		return PROTO_EVALUE;
	}
	if (prev && prev->hi < 0) {
		campaign_err(err, errlen, path, lineno,
			     "range '%.*s' overlaps the open-ended range '%s' before it; "
			     "only the last range may be open-ended",
			     (int)keylen, key, prev->text);
		return PROTO_EVALUE;
	}
	if (prev && lo <= prev->hi) {
		campaign_err(err, errlen, path, lineno,
			     "range '%.*s' overlaps '%s'; list ranges in ascending order, each starting "
			     "at the previous end + 1 (%d)",
			     (int)keylen, key, prev->text, prev->hi + 1);
		return PROTO_EVALUE;
	}
	if (prev && lo > prev->hi + 1) {
		campaign_err(err, errlen, path, lineno,
			     "gap before range '%.*s': no rule for targets %d-%d; start it at %d",
			     (int)keylen, key, prev->hi + 1, lo - 1, prev->hi + 1);
		return PROTO_EVALUE;
	}
	a = proto_realloc(rule->a, (rule->n + 1) * sizeof(*a));
	if (!a) {
		campaign_err(err, errlen, path, lineno, "out of memory");
		return PROTO_ENOMEM;
	}
	rule->a = a;
	a[rule->n].lo = lo;
	a[rule->n].hi = hi;
	a[rule->n].count = count;
	a[rule->n].text = proto_strndup(line, linelen);
	if (!a[rule->n].text) {
		campaign_err(err, errlen, path, lineno, "out of memory");
		return PROTO_ENOMEM;
	}
	rule->n++;
	return PROTO_OK;
}

proto_result campaign_award_finish(const proto_award_rule *rule, const char *section, const char *path,
				   long lineno, char *err, size_t errlen)
{
	const proto_award_range *last;

	if (rule->n == 0) {
		campaign_err(err, errlen, path, lineno,
			     "section [%s] has no ranges; add lines such as '0-99 = 2' and '100+ = 3'",
			     section);
		return PROTO_EVALUE;
	}
	last = &rule->a[rule->n - 1];
	if (last->hi >= 0) {
		campaign_err(err, errlen, path, lineno,
			     "last range '%s' of [%s] must be open-ended ('%d+') so every target has a rule",
			     last->text, section, last->lo);
		return PROTO_EVALUE;
	}
	return PROTO_OK;
}

void campaign_award_release(proto_award_rule *rule)
{
	size_t i;

	for (i = 0; i < rule->n; i++)
		free(rule->a[i].text);
	free(rule->a);
	rule->a = NULL;
	rule->n = 0;
}

const proto_award_range *proto_award_lookup(const proto_award_rule *rule, int target)
{
	size_t i;

	if (!rule || target < 0)
		return NULL;
	for (i = 0; i < rule->n; i++) {
		const proto_award_range *r = &rule->a[i];
		if (target >= r->lo && (r->hi < 0 || target <= r->hi))
			return r;
	}
	return NULL;
}
