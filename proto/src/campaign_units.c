/*
 * campaign_units.c - the admin units CSV (code,level,type,name,parent_code):
 * province, districts and communes. The file is treated as hostile: exact
 * header, no quoting, numeric codes, known levels, unique codes, and every
 * parent present one level up, each problem reported as "FILE:LINE: ...".
 */
#include <stdlib.h>
#include <string.h>

#include "maiam/alloc.h"
#include "campaign_int.h"

#define UNITS_HEADER "code,level,type,name,parent_code"
#define UNITS_MAX_CODE 999999999

/* Split one CSV line into exactly five fields; -1 on any other count or a quote. */
static int split5(const char *s, size_t n, const char *f[5], size_t fl[5])
{
	size_t i, start = 0;
	int k = 0;

	if (memchr(s, '"', n))
		return -2;
	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == ',') {
			if (k == 5)
				return -1;
			f[k] = s + start;
			fl[k] = i - start;
			k++;
			start = i + 1;
		}
	}
	return k == 5 ? 0 : -1;
}

static int parse_level(const char *s, size_t n, proto_unit_level *lv)
{
	if (n == 8 && memcmp(s, "province", 8) == 0)
		*lv = PROTO_UNIT_PROVINCE;
	else if (n == 8 && memcmp(s, "district", 8) == 0)
		*lv = PROTO_UNIT_DISTRICT;
	else if (n == 7 && memcmp(s, "commune", 7) == 0)
		*lv = PROTO_UNIT_COMMUNE;
	else
		return -1;
	return 0;
}

static const char *level_name(proto_unit_level lv)
{
	switch (lv) {
	case PROTO_UNIT_PROVINCE:
		return "province";
	case PROTO_UNIT_DISTRICT:
		return "district";
	case PROTO_UNIT_COMMUNE:
		return "commune";
	}
	return "?";
}

/* One data line into u->a[u->n]; the caller has made room. */
static proto_result parse_unit(proto_units *u, const char *s, size_t n, const char *path, long lineno,
			       char *err, size_t errlen)
{
	const char *f[5];
	size_t fl[5];
	proto_unit *un = &u->a[u->n];
	int rc;

	memset(un, 0, sizeof(*un));
	rc = split5(s, n, f, fl);
	if (rc == -2) {
		campaign_err(err, errlen, path, lineno,
			     "quoted fields are not supported; remove the '\"'");
		return PROTO_EVALUE;
	}
	if (rc < 0) {
		campaign_err(err, errlen, path, lineno, "expected 5 comma-separated fields (%s)",
			     UNITS_HEADER);
		return PROTO_EVALUE;
	}
	if (campaign_parse_uint(f[0], fl[0], UNITS_MAX_CODE, &un->code) || un->code == 0) {
		campaign_err(err, errlen, path, lineno, "code '%.*s' is not a positive number",
			     (int)fl[0], f[0]);
		return PROTO_EVALUE;
	}
	if (parse_level(f[1], fl[1], &un->level)) {
		campaign_err(err, errlen, path, lineno,
			     "level '%.*s' is not one of province, district, commune", (int)fl[1], f[1]);
		return PROTO_EVALUE;
	}
	if (fl[2] == 0 || fl[3] == 0) {
		campaign_err(err, errlen, path, lineno, "unit %d has an empty %s", un->code,
			     fl[2] == 0 ? "type" : "name");
		return PROTO_EVALUE;
	}
	if (un->level == PROTO_UNIT_PROVINCE) {
		if (fl[4] != 0) {
			campaign_err(err, errlen, path, lineno,
				     "province %d must have an empty parent_code", un->code);
			return PROTO_EVALUE;
		}
	} else if (campaign_parse_uint(f[4], fl[4], UNITS_MAX_CODE, &un->parent) || un->parent == 0) {
		campaign_err(err, errlen, path, lineno, "parent_code '%.*s' is not a positive number",
			     (int)fl[4], f[4]);
		return PROTO_EVALUE;
	}
	un->type = proto_strndup(f[2], fl[2]);
	un->name = proto_strndup(f[3], fl[3]);
	u->n++; /* counted now so that release frees a half-built unit */
	if (!un->type || !un->name) {
		campaign_err(err, errlen, path, lineno, "out of memory");
		return PROTO_ENOMEM;
	}
	return PROTO_OK;
}

/* Codes unique, parents exist one level up; lines[i] is unit i's line number. */
static proto_result check_tree(const proto_units *u, const long *lines, const char *path, char *err,
			       size_t errlen)
{
	size_t i, j;

	/* NEEDSWORK: quadratic; fine for one province (120 units), ~10^8 steps for
	 * the whole country. Sort an index if a national file is ever loaded. */
	for (i = 0; i < u->n; i++) {
		const proto_unit *un = &u->a[i];
		const proto_unit *parent = NULL;

		for (j = 0; j < u->n; j++) {
			if (j < i && u->a[j].code == un->code) {
				campaign_err(err, errlen, path, lines[i],
					     "duplicate code %d (first on line %ld)", un->code, lines[j]);
				return PROTO_EVALUE;
			}
			if (un->level != PROTO_UNIT_PROVINCE && u->a[j].code == un->parent)
				parent = &u->a[j];
		}
		if (un->level == PROTO_UNIT_PROVINCE)
			continue;
		if (!parent) {
			campaign_err(err, errlen, path, lines[i],
				     "parent_code %d of unit %d is not in the file", un->parent, un->code);
			return PROTO_EVALUE;
		}
		if ((int)parent->level != (int)un->level - 1) {
			campaign_err(err, errlen, path, lines[i],
				     "parent %d of %s %d is a %s, expected a %s", un->parent,
				     level_name(un->level), un->code, level_name(parent->level),
				     level_name((proto_unit_level)(un->level - 1)));
			return PROTO_EVALUE;
		}
	}
	return PROTO_OK;
}

proto_result proto_units_load(const char *path, proto_units *units, char *err, size_t errlen)
{
	proto_buf file;
	campaign_lines ls;
	const char *line;
	size_t n, cap = 0;
	long *lines = NULL;
	proto_result r;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!path || !units)
		return PROTO_EINVAL;
	units->n = 0;
	units->a = NULL;
	r = campaign_read(path, UNITS_MAX_FILE, &file, err, errlen);
	if (r != PROTO_OK)
		return r;
	campaign_lines_init(&ls, path, (const char *)file.data, file.len);
	rc = campaign_lines_next(&ls, &line, &n, err, errlen);
	if (rc < 0) {
		r = ls.why;
		goto out;
	}
	if (rc == 0 || n != strlen(UNITS_HEADER) || memcmp(line, UNITS_HEADER, n) != 0) {
		campaign_err(err, errlen, path, 1, "header must be exactly '%s'", UNITS_HEADER);
		r = PROTO_EVALUE;
		goto out;
	}
	while ((rc = campaign_lines_next(&ls, &line, &n, err, errlen)) > 0) {
		if (n == 0) {
			campaign_err(err, errlen, path, ls.lineno, "empty line; remove it");
			r = PROTO_EVALUE;
			goto out;
		}
		if (units->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			proto_unit *a = proto_realloc(units->a, ncap * sizeof(*a));
			long *l;

			if (!a) {
				campaign_err(err, errlen, path, ls.lineno, "out of memory");
				r = PROTO_ENOMEM;
				goto out;
			}
			units->a = a;
			l = proto_realloc(lines, ncap * sizeof(*l));
			if (!l) {
				campaign_err(err, errlen, path, ls.lineno, "out of memory");
				r = PROTO_ENOMEM;
				goto out;
			}
			lines = l;
			cap = ncap;
		}
		lines[units->n] = ls.lineno;
		r = parse_unit(units, line, n, path, ls.lineno, err, errlen);
		if (r != PROTO_OK)
			goto out;
	}
	if (rc < 0) {
		r = ls.why;
		goto out;
	}
	if (units->n == 0) {
		campaign_err(err, errlen, path, 1, "no units after the header");
		r = PROTO_EVALUE;
		goto out;
	}
	r = check_tree(units, lines, path, err, errlen);
out:
	free(lines);
	proto_buf_release(&file);
	if (r != PROTO_OK)
		proto_units_release(units);
	return r;
}

const proto_unit *proto_units_find(const proto_units *u, int code)
{
	size_t i;

	if (!u)
		return NULL;
	for (i = 0; i < u->n; i++)
		if (u->a[i].code == code)
			return &u->a[i];
	return NULL;
}

int proto_units_district_of(const proto_units *u, int code)
{
	const proto_unit *un = proto_units_find(u, code);

	if (!un)
		return 0;
	if (un->level == PROTO_UNIT_DISTRICT)
		return un->code;
	if (un->level == PROTO_UNIT_COMMUNE)
		return un->parent; /* load checked the parent is a district */
	return 0;
}

void proto_units_release(proto_units *u)
{
	size_t i;

	if (!u)
		return;
	for (i = 0; i < u->n; i++) {
		free(u->a[i].type);
		free(u->a[i].name);
	}
	free(u->a);
	u->a = NULL;
	u->n = 0;
}
