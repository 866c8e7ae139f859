/*
 * campaign_evidence.c - the [evidence] section of a campaign file: which
 * stages need a photo ("stages = surveyed, handed_over") and how many days
 * a photo may be taken from its milestone's date
 * ("max_days_from_milestone = 30"). Both are optional; the hub's reconcile
 * queue reads them (docs/CAMPAIGN.md, "[evidence]").
 */
#include <string.h>
#include "campaign_int.h"
#include "maiam/schema.h"

/* The index of the stage code [s, s+n) in proto_stages, or -1. */
static int stage_index(const char *s, size_t n)
{
	int i;

	for (i = 0; proto_stages[i]; i++)
		if (strlen(proto_stages[i]) == n && memcmp(proto_stages[i], s, n) == 0)
			return i;
	return -1;
}

/* "surveyed, handed_over": each a stage code, none twice. */
static proto_result set_stages(proto_campaign *c, const char *v, size_t vn, const char *path,
			       long lineno, char *err, size_t errlen)
{
	unsigned bits = 0;

	while (vn > 0) {
		const char *comma = memchr(v, ',', vn);
		size_t len = comma ? (size_t)(comma - v) : vn, n = len;
		const char *s = v;
		int k;

		campaign_trim(&s, &n);
		k = stage_index(s, n);
		if (k < 0) {
			campaign_err(err, errlen, path, lineno,
				     "unknown stage '%.*s' in [evidence] stages; known: surveyed, "
				     "approved, started, foundation, walls, roof, completed, handed_over",
				     (int)n, s);
			return PROTO_EVALUE;
		}
		if (bits & (1u << k)) {
			campaign_err(err, errlen, path, lineno,
				     "stage '%s' is named twice in [evidence] stages; keep one",
				     proto_stages[k]);
			return PROTO_EVALUE;
		}
		bits |= 1u << k;
		if (!comma)
			break;
		vn -= len + 1;
		v = comma + 1;
	}
	c->evidence_stages = bits;
	return PROTO_OK;
}

proto_result campaign_evidence_add(proto_campaign *c, campaign_evidence_lines *at, const char *k,
				   size_t kn, const char *v, size_t vn, const char *path, long lineno,
				   char *err, size_t errlen)
{
	int stages = kn == 6 && memcmp(k, "stages", 6) == 0;
	long *seen = stages ? &at->stages : &at->max_days;

	if (!stages && !(kn == 23 && memcmp(k, "max_days_from_milestone", 23) == 0)) {
		campaign_err(err, errlen, path, lineno,
			     "unknown key '%.*s' in [evidence]; known: stages, max_days_from_milestone",
			     (int)kn, k);
		return PROTO_EVALUE;
	}
	if (*seen) {
		campaign_err(err, errlen, path, lineno,
			     "key '%.*s' appears twice in [evidence] (first on line %ld); keep one",
			     (int)kn, k, *seen);
		return PROTO_EVALUE;
	}
	*seen = lineno;
	if (stages)
		return set_stages(c, v, vn, path, lineno, err, errlen);
	if (campaign_parse_uint(v, vn, 3660, &c->evidence_max_days) || c->evidence_max_days == 0) {
		campaign_err(err, errlen, path, lineno,
			     "max_days_from_milestone '%.*s' is not a whole number of days from 1 to "
			     "3660 (e.g. 30)",
			     (int)vn, v);
		return PROTO_EVALUE;
	}
	return PROTO_OK;
}
