/*
 * campaign.c - the campaign file (docs/CAMPAIGN.md): identity, dates, the
 * admin units it runs on, per-district targets and award rules. Everything
 * is checked at load so the hub and the reports can trust a proto_campaign;
 * the first problem is reported as "FILE:LINE: problem; what to do".
 */
#include <stdlib.h>
#include <string.h>

#include "maiam/alloc.h"
#include "campaign_int.h"

#define CAMPAIGN_FORMAT 1
#define CAMPAIGN_ID_MAX 64
#define PATH_MAX_LEN 4096

/* Sections before SEC_OPTIONAL are required. */
enum section {
	SEC_TOP,
	SEC_TARGETS,
	SEC_COLLECTIVES,
	SEC_INDIVIDUALS,
	SEC_PROVINCE,
	SEC_LABELS,
	SEC_EVIDENCE,
	SEC_REPORT,
	SEC_N
};
#define SEC_OPTIONAL SEC_LABELS

static const char *const section_names[SEC_N] = {
	"",         "targets", "awards.collectives", "awards.individuals", "awards.province", "labels",
	"evidence", "report",
};

/* Keys of the top of the file and of [awards.province]; index = slot in 'line'. */
enum key {
	K_FORMAT,
	K_ID,
	K_NAME,
	K_PROVINCE,
	K_UNITS,
	K_START,
	K_DEADLINE,
	K_REPORT_DUE,
	K_PCOLLECTIVES,
	K_PINDIVIDUALS,
	K_WORKING_GROUP,
	K_TOTAL,
	K_N
};

static const struct {
	const char *name;
	enum section sec;
} keys[K_N] = {
	{ "format", SEC_TOP },
	{ "id", SEC_TOP },
	{ "name", SEC_TOP },
	{ "province", SEC_TOP },
	{ "units", SEC_TOP },
	{ "start", SEC_TOP },
	{ "deadline", SEC_TOP },
	{ "report_due", SEC_TOP },
	{ "collectives", SEC_PROVINCE },
	{ "individuals", SEC_PROVINCE },
	{ "working_group_individuals", SEC_PROVINCE },
	{ "total", SEC_TARGETS },
};

/* Parser state: where each key and section was seen, for messages and checks. */
typedef struct parse_state {
	const char *path;
	proto_campaign *c;
	enum section sec;
	long key_line[K_N];
	long sec_line[SEC_N];
	long last_range_line[SEC_N];
	long *target_line; /* parallel to c->targets */
	campaign_label_lines label_line;
	campaign_evidence_lines evidence_line;
	campaign_report_lines report_line;
	char *units_path;
	long lastline;
	char *err;
	size_t errlen;
} parse_state;

static int key_eq(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

static proto_result bad(parse_state *st, long line, const char *what)
{
	campaign_err(st->err, st->errlen, st->path, line, "%s", CAMPAIGN_TEXT(what));
	return PROTO_EVALUE;
}

static proto_result parse_section(parse_state *st, const char *s, size_t n, long line)
{
	int i;

	if (n < 2 || s[n - 1] != ']')
		return bad(st, line, N_("section header must look like '[targets]'"));
	s++;
	n -= 2;
	campaign_trim(&s, &n);
	for (i = SEC_TARGETS; i < SEC_N; i++) {
		if (!key_eq(s, n, section_names[i]))
			continue;
		if (st->sec_line[i]) {
			campaign_err(st->err, st->errlen, st->path, line,
				     "section [%s] appears twice (first on line %ld); merge them",
				     section_names[i], st->sec_line[i]);
			return PROTO_EVALUE;
		}
		st->sec_line[i] = line;
		st->sec = (enum section)i;
		return PROTO_OK;
	}
	campaign_err(st->err, st->errlen, st->path, line,
		     "unknown section [%.*s]; known: [targets], [awards.collectives], "
		     "[awards.individuals], [awards.province], [labels], [evidence], [report]",
		     (int)n, s);
	return PROTO_EVALUE;
}

static proto_result number(parse_state *st, const char *key, const char *v, size_t vn, long line, int *out)
{
	if (vn > 0 && v[0] == '-') {
		campaign_err(st->err, st->errlen, st->path, line,
			     "%s '%.*s' is negative; write 0 or more", key, (int)vn, v);
		return PROTO_EVALUE;
	}
	if (campaign_parse_uint(v, vn, CAMPAIGN_MAX_NUMBER, out)) {
		campaign_err(st->err, st->errlen, st->path, line,
			     "%s '%.*s' is not a whole number up to %d (digits only, e.g. 1200)", key,
			     (int)vn, v, CAMPAIGN_MAX_NUMBER);
		return PROTO_EVALUE;
	}
	return PROTO_OK;
}

static proto_result set_id(parse_state *st, const char *v, size_t vn, long line)
{
	size_t i;

	if (vn == 0 || vn > CAMPAIGN_ID_MAX)
		goto fail;
	for (i = 0; i < vn; i++) {
		char ch = v[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
		      ch == '-'))
			goto fail;
	}
	st->c->id = proto_strndup(v, vn);
	return st->c->id ? PROTO_OK : PROTO_ENOMEM;
fail:
	campaign_err(st->err, st->errlen, st->path, line,
		     "id '%.*s' must be 1-64 of a-z 0-9 . _ - (e.g. soc-trang-2023)", (int)vn, v);
	return PROTO_EVALUE;
}

static proto_result set_date(parse_state *st, const char *key, char dst[11], const char *v, size_t vn,
			     long line)
{
	if (campaign_parse_date(v, vn)) {
		campaign_err(st->err, st->errlen, st->path, line,
			     "%s '%.*s' is not a real date written YYYY-MM-DD", key, (int)vn, v);
		return PROTO_EVALUE;
	}
	memcpy(dst, v, 10);
	dst[10] = '\0';
	return PROTO_OK;
}

/* A known key of the top or of [awards.province] / 'total' of [targets]. */
static proto_result set_key(parse_state *st, enum key k, const char *v, size_t vn, long line)
{
	proto_campaign *c = st->c;
	int format;
	proto_result r;

	if (st->key_line[k]) {
		campaign_err(st->err, st->errlen, st->path, line,
			     "key '%s' appears twice (first on line %ld); keep one", keys[k].name,
			     st->key_line[k]);
		return PROTO_EVALUE;
	}
	st->key_line[k] = line;
	switch (k) {
	case K_FORMAT:
		r = number(st, "format", v, vn, line, &format);
		if (r == PROTO_OK && format != CAMPAIGN_FORMAT) {
			campaign_err(st->err, st->errlen, st->path, line,
				     "campaign format %d is not supported (this program reads %d); "
				     "use a matching maiam version",
				     format, CAMPAIGN_FORMAT);
			return PROTO_EVERSION;
		}
		return r;
	case K_ID:
		return set_id(st, v, vn, line);
	case K_NAME:
		c->name = proto_strndup(v, vn);
		return c->name ? PROTO_OK : PROTO_ENOMEM;
	case K_PROVINCE:
		return number(st, "province", v, vn, line, &c->province);
	case K_UNITS:
		st->units_path = proto_strndup(v, vn);
		return st->units_path ? PROTO_OK : PROTO_ENOMEM;
	case K_START:
		return set_date(st, "start", c->start, v, vn, line);
	case K_DEADLINE:
		return set_date(st, "deadline", c->deadline, v, vn, line);
	case K_REPORT_DUE:
		return set_date(st, "report_due", c->report_due, v, vn, line);
	case K_PCOLLECTIVES:
		return number(st, "collectives", v, vn, line, &c->province_collectives);
	case K_PINDIVIDUALS:
		return number(st, "individuals", v, vn, line, &c->province_individuals);
	case K_WORKING_GROUP:
		return number(st, "working_group_individuals", v, vn, line, &c->working_group_individuals);
	case K_TOTAL:
		return number(st, "total", v, vn, line, &c->total_target);
	case K_N:
		break;
	}
	return PROTO_EINVAL;
}

/* "DISTRICT = HOUSES" in [targets]; checked against the units after the parse. */
static proto_result add_target(parse_state *st, const char *k, size_t kn, const char *v, size_t vn,
			       long line)
{
	proto_campaign *c = st->c;
	proto_target *t;
	long *tl;
	int code, houses;
	size_t i;
	proto_result r;

	if (campaign_parse_uint(k, kn, 999999999, &code) || code == 0) {
		campaign_err(st->err, st->errlen, st->path, line,
			     "'%.*s' is not a district code or 'total' (e.g. '943 = 320')", (int)kn, k);
		return PROTO_EVALUE;
	}
	/* the file names a district here, not a key: the word is the user's */
	r = number(st, CAMPAIGN_TEXT(N_("target")), v, vn, line, &houses);
	if (r != PROTO_OK)
		return r;
	for (i = 0; i < c->ntargets; i++) {
		if (c->targets[i].district == code) {
			campaign_err(st->err, st->errlen, st->path, line,
				     "district %d has a second target (first on line %ld); keep one",
				     code, st->target_line[i]);
			return PROTO_EVALUE;
		}
	}
	t = proto_realloc(c->targets, (c->ntargets + 1) * sizeof(*t));
	if (!t)
		return PROTO_ENOMEM;
	c->targets = t;
	tl = proto_realloc(st->target_line, (c->ntargets + 1) * sizeof(*tl));
	if (!tl)
		return PROTO_ENOMEM;
	st->target_line = tl;
	t[c->ntargets].district = code;
	t[c->ntargets].houses = houses;
	tl[c->ntargets] = line;
	c->ntargets++;
	return PROTO_OK;
}

static proto_result parse_kv(parse_state *st, const char *s, size_t n, long line)
{
	const char *eq = memchr(s, '=', n);
	const char *k = s, *v;
	size_t kn, vn;
	int i;

	if (!eq)
		return bad(st, line, N_("expected 'key = value', '[section]' or a '#' comment"));
	kn = (size_t)(eq - s);
	v = eq + 1;
	vn = n - kn - 1;
	campaign_trim(&k, &kn);
	campaign_trim(&v, &vn);
	if (kn == 0)
		return bad(st, line, N_("missing key before '='"));
	if (vn == 0) {
		campaign_err(st->err, st->errlen, st->path, line, "key '%.*s' has no value", (int)kn, k);
		return PROTO_EVALUE;
	}
	if (st->sec == SEC_COLLECTIVES || st->sec == SEC_INDIVIDUALS) {
		proto_award_rule *rule = st->sec == SEC_COLLECTIVES ? &st->c->collectives
								    : &st->c->individuals;
		st->last_range_line[st->sec] = line;
		return campaign_award_add(rule, k, kn, s, n, v, vn, st->path, line, st->err, st->errlen);
	}
	if (st->sec == SEC_LABELS)
		return campaign_label_add(&st->c->labels, &st->label_line, k, kn, v, vn, st->path, line,
					  st->err, st->errlen);
	if (st->sec == SEC_EVIDENCE)
		return campaign_evidence_add(st->c, &st->evidence_line, k, kn, v, vn, st->path, line,
					     st->err, st->errlen);
	if (st->sec == SEC_REPORT)
		return campaign_report_add(&st->c->report, &st->report_line, k, kn, v, vn, st->path,
					   line, st->err, st->errlen);
	for (i = 0; i < K_N; i++)
		if (keys[i].sec == st->sec && key_eq(k, kn, keys[i].name))
			return set_key(st, (enum key)i, v, vn, line);
	if (st->sec == SEC_TARGETS)
		return add_target(st, k, kn, v, vn, line);
	if (st->sec == SEC_TOP)
		campaign_err(st->err, st->errlen, st->path, line,
			     "unknown key '%.*s'; known: format, id, name, province, units, start, "
			     "deadline, report_due",
			     (int)kn, k);
	else
		campaign_err(st->err, st->errlen, st->path, line,
			     "unknown key '%.*s' in [awards.province]; known: collectives, "
			     "individuals, working_group_individuals",
			     (int)kn, k);
	return PROTO_EVALUE;
}

static proto_result parse_lines(parse_state *st, const char *text, size_t len)
{
	campaign_lines ls;
	const char *s;
	size_t n;
	int rc;
	proto_result r = PROTO_OK;

	campaign_lines_init(&ls, st->path, text, len);
	while ((rc = campaign_lines_next(&ls, &s, &n, st->err, st->errlen)) > 0) {
		campaign_trim(&s, &n);
		if (n == 0 || s[0] == '#')
			continue;
		/* The version decides how the rest is read, so it must come first. */
		if (!st->key_line[K_FORMAT] &&
		    !(st->sec == SEC_TOP && n >= 6 && memcmp(s, "format", 6) == 0))
			return bad(st, ls.lineno, N_("the first setting must be 'format = 1'"));
		if (s[0] == '[')
			r = parse_section(st, s, n, ls.lineno);
		else
			r = parse_kv(st, s, n, ls.lineno);
		if (r == PROTO_ENOMEM)
			campaign_err(st->err, st->errlen, st->path, ls.lineno, "out of memory");
		if (r != PROTO_OK)
			return r;
	}
	st->lastline = ls.lineno;
	if (rc < 0)
		return ls.why;
	if (!st->key_line[K_FORMAT])
		return bad(st, ls.lineno > 0 ? ls.lineno : 1,
			   N_("empty campaign file; it must start with 'format = 1'"));
	return PROTO_OK;
}

/* Every required key and section is present. */
static proto_result check_complete(parse_state *st)
{
	long where;
	int i;

	for (i = SEC_TARGETS; i < SEC_OPTIONAL; i++) {
		if (!st->sec_line[i]) {
			campaign_err(st->err, st->errlen, st->path, st->lastline,
				     "missing section [%s]; add it (see docs/CAMPAIGN.md)",
				     section_names[i]);
			return PROTO_EVALUE;
		}
	}
	for (i = 0; i < K_N; i++) {
		if (st->key_line[i])
			continue;
		where = keys[i].sec == SEC_TOP ? st->sec_line[SEC_TARGETS] : st->sec_line[keys[i].sec];
		if (keys[i].sec == SEC_TOP)
			campaign_err(st->err, st->errlen, st->path, where,
				     "missing required key '%s'; add it before the first section",
				     keys[i].name);
		else
			campaign_err(st->err, st->errlen, st->path, where,
				     "missing required key '%s' in [%s]; add it", keys[i].name,
				     section_names[keys[i].sec]);
		return PROTO_EVALUE;
	}
	if (!(strcmp(st->c->start, st->c->deadline) < 0))
		return bad(st, st->key_line[K_DEADLINE], N_("deadline must be after start"));
	if (!(strcmp(st->c->deadline, st->c->report_due) <= 0))
		return bad(st, st->key_line[K_REPORT_DUE], N_("report_due must not be before deadline"));
	return PROTO_OK;
}

/* Units path is relative to the campaign file's directory unless absolute. */
static proto_result load_units(parse_state *st)
{
	char full[PATH_MAX_LEN], uerr[512];
	const char *slash = strrchr(st->path, '/');
	int n;
	proto_result r;

	if (st->units_path[0] == '/' || !slash)
		n = snprintf(full, sizeof full, "%s", st->units_path);
	else
		n = snprintf(full, sizeof full, "%.*s/%s", (int)(slash - st->path), st->path,
			     st->units_path);
	if (n < 0 || (size_t)n >= sizeof full)
		return bad(st, st->key_line[K_UNITS], N_("units path is too long"));
	r = proto_units_load(full, &st->c->units, uerr, sizeof uerr);
	if (r != PROTO_OK)
		campaign_err(st->err, st->errlen, st->path, st->key_line[K_UNITS], "units file: %s", uerr);
	return r;
}

/* Targets name exactly the districts of the province and add up to total. */
static proto_result check_targets(parse_state *st)
{
	proto_campaign *c = st->c;
	const proto_unit *prov = proto_units_find(&c->units, c->province);
	long sum = 0;
	size_t i;

	if (!prov || prov->level != PROTO_UNIT_PROVINCE) {
		campaign_err(st->err, st->errlen, st->path, st->key_line[K_PROVINCE],
			     "province %d is not a province in the units file", c->province);
		return PROTO_EVALUE;
	}
	for (i = 0; i < c->ntargets; i++) {
		const proto_unit *u = proto_units_find(&c->units, c->targets[i].district);
		long line = st->target_line[i];

		if (!u) {
			campaign_err(st->err, st->errlen, st->path, line,
				     "district %d is not in the units file", c->targets[i].district);
			return PROTO_EVALUE;
		}
		if (u->level != PROTO_UNIT_DISTRICT) {
			campaign_err(st->err, st->errlen, st->path, line,
				     "%d '%s' is not a district; targets are set per district", u->code,
				     u->name);
			return PROTO_EVALUE;
		}
		if (u->parent != c->province) {
			campaign_err(st->err, st->errlen, st->path, line,
				     "district %d '%s' is not in province %d", u->code, u->name,
				     c->province);
			return PROTO_EVALUE;
		}
		sum += c->targets[i].houses;
	}
	for (i = 0; i < c->units.n; i++) {
		const proto_unit *u = &c->units.a[i];
		if (u->level == PROTO_UNIT_DISTRICT && u->parent == c->province &&
		    proto_campaign_target(c, u->code) < 0) {
			campaign_err(st->err, st->errlen, st->path, st->sec_line[SEC_TARGETS],
				     "district %d '%s' has no target; add '%d = N' (0 if it builds none)",
				     u->code, u->name, u->code);
			return PROTO_EVALUE;
		}
	}
	if (sum != c->total_target) {
		campaign_err(st->err, st->errlen, st->path, st->key_line[K_TOTAL],
			     "total %d differs from the sum of the district targets (%ld); fix one",
			     c->total_target, sum);
		return PROTO_EVALUE;
	}
	return PROTO_OK;
}

proto_result proto_campaign_load(const char *path, proto_campaign *out, char *err, size_t errlen)
{
	parse_state st;
	proto_buf file;
	proto_result r;

	if (err && errlen)
		err[0] = '\0';
	if (!path || !out)
		return PROTO_EINVAL;
	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	st.path = path;
	st.c = out;
	st.sec = SEC_TOP;
	st.err = err;
	st.errlen = errlen;
	r = campaign_read(path, CAMPAIGN_MAX_FILE, &file, err, errlen);
	if (r != PROTO_OK)
		goto out;
	r = parse_lines(&st, (const char *)file.data, file.len);
	if (r == PROTO_OK)
		r = check_complete(&st);
	if (r == PROTO_OK)
		r = campaign_award_finish(&out->collectives, section_names[SEC_COLLECTIVES], path,
					  st.last_range_line[SEC_COLLECTIVES]
						  ? st.last_range_line[SEC_COLLECTIVES]
						  : st.sec_line[SEC_COLLECTIVES],
					  err, errlen);
	if (r == PROTO_OK)
		r = campaign_award_finish(&out->individuals, section_names[SEC_INDIVIDUALS], path,
					  st.last_range_line[SEC_INDIVIDUALS]
						  ? st.last_range_line[SEC_INDIVIDUALS]
						  : st.sec_line[SEC_INDIVIDUALS],
					  err, errlen);
	if (r == PROTO_OK)
		r = campaign_label_finish(&out->labels, &st.label_line, path, st.sec_line[SEC_LABELS],
					  err, errlen);
	if (r == PROTO_OK)
		r = campaign_report_finish(&st.report_line, path, st.sec_line[SEC_REPORT], err, errlen);
	if (r == PROTO_OK)
		r = load_units(&st);
	if (r == PROTO_OK)
		r = check_targets(&st);
out:
	proto_buf_release(&file); /* campaign_read left it initialised even on failure */
	free(st.units_path);
	free(st.target_line);
	if (r != PROTO_OK)
		proto_campaign_release(out);
	return r;
}

void proto_campaign_release(proto_campaign *c)
{
	if (!c)
		return;
	free(c->id);
	free(c->name);
	proto_units_release(&c->units);
	free(c->targets);
	campaign_award_release(&c->collectives);
	campaign_award_release(&c->individuals);
	proto_labels_release(&c->labels);
	campaign_report_release(&c->report);
	memset(c, 0, sizeof(*c));
}

int proto_campaign_target(const proto_campaign *c, int district)
{
	size_t i;

	if (!c)
		return -1;
	for (i = 0; i < c->ntargets; i++)
		if (c->targets[i].district == district)
			return c->targets[i].houses;
	return -1;
}
