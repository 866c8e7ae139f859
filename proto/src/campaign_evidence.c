/*
 * campaign_evidence.c - the [evidence] section of a campaign file: which
 * stages need a photo ("stages = surveyed, handed_over"), how many days
 * a photo may be taken from its milestone's date
 * ("max_days_from_milestone = 30"), how far apart two photos of one
 * household may be ("max_distance_m = 500") and the province's box
 * ("bounds = 9.18, 105.51, 9.99, 106.35"). All are optional; the hub's
 * reconcile queue reads them (docs/CAMPAIGN.md, "[evidence]").
 */
#include <stddef.h>
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

/* Degrees with at most 7 decimals ("-9.5", "105.51") in 1e-7 degrees,
 * within +-limit degrees: the unit a photo record's lat and lon are in.
 * 0 if ok, -1 if not a number, -2 if out of range. */
static int parse_degrees(const char *s, size_t n, int limit, int32_t *out)
{
	int64_t v = 0, scale = 10000000;
	size_t i = 0, digits = 0, decimals = 0;
	int negative = n > 0 && s[0] == '-', dot = 0;

	for (i = (size_t)negative; i < n; i++) {
		if (s[i] == '.' && !dot && digits > 0) {
			dot = 1;
			continue;
		}
		if (s[i] < '0' || s[i] > '9' || (!dot && digits >= 3) || (dot && decimals >= 7))
			return -1;
		if (dot) {
			decimals++;
			scale /= 10;
			v += (s[i] - '0') * scale;
		} else {
			digits++;
			v = v * 10 + (int64_t)(s[i] - '0') * 10000000;
		}
	}
	if (digits == 0 || (dot && decimals == 0))
		return -1;
	if (v > (int64_t)limit * 10000000)
		return -2;
	*out = (int32_t)(negative ? -v : v);
	return 0;
}

/* "LAT_MIN, LON_MIN, LAT_MAX, LON_MAX": four numbers of degrees, each in
 * range, the minimum of each below its maximum. */
static proto_result set_bounds(proto_campaign *c, const char *v, size_t vn, const char *path,
			       long lineno, char *err, size_t errlen)
{
	static const char *const names[4] = { "LAT_MIN", "LON_MIN", "LAT_MAX", "LON_MAX" };
	int32_t deg[4];
	size_t i, numbers = 1;
	int k;

	for (i = 0; i < vn; i++)
		numbers += v[i] == ',';
	if (numbers != 4) {
		campaign_err(err, errlen, path, lineno,
			     "bounds has %zu numbers, not 4: write LAT_MIN, LON_MIN, LAT_MAX, LON_MAX "
			     "in degrees with a dot for decimals (e.g. 9.18, 105.51, 9.99, 106.35)",
			     numbers);
		return PROTO_EVALUE;
	}
	for (k = 0; k < 4; k++) {
		const char *comma = memchr(v, ',', vn);
		size_t len = comma ? (size_t)(comma - v) : vn, n = len;
		const char *s = v;
		int limit = k % 2 ? 180 : 90, got;

		campaign_trim(&s, &n);
		got = parse_degrees(s, n, limit, &deg[k]);
		if (got == -1) {
			campaign_err(err, errlen, path, lineno,
				     "bounds %s '%.*s' is not a number of degrees: write it with a dot "
				     "and at most 7 decimals (e.g. 9.18; south and west negative)",
				     names[k], (int)n, s);
			return PROTO_EVALUE;
		}
		if (got == -2) {
			campaign_err(err, errlen, path, lineno,
				     "bounds %s '%.*s' is outside -%d to %d degrees: is it in its place? "
				     "(LAT_MIN, LON_MIN, LAT_MAX, LON_MAX)",
				     names[k], (int)n, s, limit, limit);
			return PROTO_EVALUE;
		}
		if (comma) {
			vn -= len + 1;
			v = comma + 1;
		}
	}
	for (k = 0; k < 2; k++)
		if (deg[k] >= deg[k + 2]) {
			campaign_err(err, errlen, path, lineno,
				     "bounds %s is not below %s: give the south-west corner first, then "
				     "the north-east one (LAT_MIN, LON_MIN, LAT_MAX, LON_MAX)",
				     names[k], names[k + 2]);
			return PROTO_EVALUE;
		}
	c->evidence_has_bounds = 1;
	c->evidence_lat_min = deg[0];
	c->evidence_lon_min = deg[1];
	c->evidence_lat_max = deg[2];
	c->evidence_lon_max = deg[3];
	return PROTO_OK;
}

/* The number of key, a whole number of unit from min to max (e.g. example),
 * into *out; else the message why on its line. */
static proto_result set_number(const char *key, const char *v, size_t vn, int min, int max,
			       const char *unit, int example, int *out, const char *path, long lineno,
			       char *err, size_t errlen)
{
	int n;

	if (campaign_parse_uint(v, vn, max, &n) == 0 && n >= min) {
		*out = n;
		return PROTO_OK;
	}
	campaign_err(err, errlen, path, lineno,
		     "%s '%.*s' is not a whole number of %s from %d to %d (e.g. %d)", key, (int)vn, v,
		     CAMPAIGN_TEXT(unit), min, max, example);
	return PROTO_EVALUE;
}

/* The line each key of [evidence] was set on, by name; NULL: no such key. */
static long *key_line(campaign_evidence_lines *at, const char *k, size_t kn)
{
	static const struct {
		const char *name;
		size_t offset;
	} keys[] = {
		{ "stages", offsetof(campaign_evidence_lines, stages) },
		{ "max_days_from_milestone", offsetof(campaign_evidence_lines, max_days) },
		{ "max_distance_m", offsetof(campaign_evidence_lines, max_distance) },
		{ "bounds", offsetof(campaign_evidence_lines, bounds) },
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].name) == kn && memcmp(keys[i].name, k, kn) == 0)
			return (long *)((char *)at + keys[i].offset);
	return NULL;
}

proto_result campaign_evidence_add(proto_campaign *c, campaign_evidence_lines *at, const char *k,
				   size_t kn, const char *v, size_t vn, const char *path, long lineno,
				   char *err, size_t errlen)
{
	long *seen = key_line(at, k, kn);

	if (!seen) {
		campaign_err(err, errlen, path, lineno,
			     "unknown key '%.*s' in [evidence]; known: stages, max_days_from_milestone, "
			     "max_distance_m, bounds",
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
	if (seen == &at->stages)
		return set_stages(c, v, vn, path, lineno, err, errlen);
	if (seen == &at->bounds)
		return set_bounds(c, v, vn, path, lineno, err, errlen);
	if (seen == &at->max_distance)
		return set_number("max_distance_m", v, vn, 10, 100000, N_("metres"), 500,
				  &c->evidence_max_distance_m, path, lineno, err, errlen);
	return set_number("max_days_from_milestone", v, vn, 1, 3660, N_("days"), 30,
			  &c->evidence_max_days, path, lineno, err, errlen);
}
