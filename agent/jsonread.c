/*
 * jsonread.c - just enough JSON reading for the hub's answers: find a member
 * of the top-level object (or of one nested object) and return a string or an
 * integer. The whole text is walked by a strict recursive-descent skipper with
 * a depth limit, so a malformed or hostile answer is refused, never misread.
 */
#include <string.h>
#include "net.h"

#define MAX_DEPTH 16

typedef struct jcur {
	const char *p, *end;
} jcur;

static void ws(jcur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int hex4(const char *p, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char ch = p[i];

		*v <<= 4;
		if (ch >= '0' && ch <= '9')
			*v |= (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			*v |= (unsigned)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			*v |= (unsigned)(ch - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* Append one code point as UTF-8; -1 if out is full. */
static int put_utf8(char *out, size_t outlen, size_t *o, unsigned cp)
{
	char tmp[4];
	size_t n;

	if (cp < 0x80) {
		tmp[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		tmp[0] = (char)(0xc0 | (cp >> 6));
		tmp[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		tmp[0] = (char)(0xe0 | (cp >> 12));
		tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		tmp[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		tmp[0] = (char)(0xf0 | (cp >> 18));
		tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		tmp[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (!out)
		return 0;
	if (*o + n >= outlen)
		return -1;
	memcpy(out + *o, tmp, n);
	*o += n;
	return 0;
}

/* A string at c->p (on its '"'); unescaped into out when out != NULL. */
static int string(jcur *c, char *out, size_t outlen)
{
	size_t o = 0;

	if (c->p >= c->end || *c->p != '"')
		return -1;
	c->p++;
	while (c->p < c->end && *c->p != '"') {
		unsigned char ch = (unsigned char)*c->p;
		unsigned cp, lo;

		if (ch < 0x20)
			return -1;
		if (ch != '\\') {
			if (out) {
				if (o + 1 >= outlen)
					return -1;
				out[o++] = (char)ch;
			}
			c->p++;
			continue;
		}
		if (c->end - c->p < 2)
			return -1;
		c->p++;
		switch (*c->p) {
		case '"': cp = '"'; break;
		case '\\': cp = '\\'; break;
		case '/': cp = '/'; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (c->end - c->p < 5 || hex4(c->p + 1, &cp) != 0)
				return -1;
			c->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (c->end - c->p < 7 || c->p[1] != '\\' || c->p[2] != 'u' ||
				    hex4(c->p + 3, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
					return -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				c->p += 6;
			} else if ((cp >= 0xdc00 && cp < 0xe000) || cp == 0) {
				return -1; /* lone surrogate, or a NUL inside a C string */
			}
			break;
		default:
			return -1;
		}
		if (put_utf8(out, outlen, &o, cp) != 0)
			return -1;
		c->p++;
	}
	if (c->p >= c->end)
		return -1;
	c->p++;
	if (out) {
		if (o >= outlen)
			return -1;
		out[o] = '\0';
	}
	return 0;
}

static int number(jcur *c)
{
	const char *s = c->p;

	if (c->p < c->end && *c->p == '-')
		c->p++;
	if (c->p >= c->end || *c->p < '0' || *c->p > '9')
		return -1;
	while (c->p < c->end && ((*c->p >= '0' && *c->p <= '9') || *c->p == '.' || *c->p == 'e' ||
				 *c->p == 'E' || *c->p == '+' || *c->p == '-'))
		c->p++;
	return c->p > s ? 0 : -1;
}

static int literal(jcur *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return -1;
	c->p += n;
	return 0;
}

static int value(jcur *c, int depth);

/* Walk an object; for the member named key (when key), leave *at on its value. */
static int object(jcur *c, int depth, const char *key, size_t keylen, const char **at)
{
	char name[64];

	if (depth > MAX_DEPTH || c->p >= c->end || *c->p != '{')
		return -1;
	c->p++;
	ws(c);
	if (c->p < c->end && *c->p == '}') {
		c->p++;
		return 0;
	}
	for (;;) {
		jcur save = *c;

		/* a member name longer than ours cannot be ours: skip it unread */
		if (string(c, name, sizeof name) != 0) {
			*c = save;
			if (string(c, NULL, 0) != 0)
				return -1;
			name[0] = '\0';
		}
		ws(c);
		if (c->p >= c->end || *c->p != ':')
			return -1;
		c->p++;
		ws(c);
		if (key && at && !*at && strlen(name) == keylen && memcmp(name, key, keylen) == 0)
			*at = c->p;
		if (value(c, depth + 1) != 0)
			return -1;
		ws(c);
		if (c->p < c->end && *c->p == '}') {
			c->p++;
			return 0;
		}
		if (c->p >= c->end || *c->p != ',')
			return -1;
		c->p++;
		ws(c);
	}
}

static int array(jcur *c, int depth)
{
	int first = 1;

	if (depth > MAX_DEPTH)
		return -1;
	c->p++;
	for (;;) {
		ws(c);
		if (c->p < c->end && *c->p == ']') {
			c->p++;
			return 0;
		}
		if (!first) {
			if (c->p >= c->end || *c->p != ',')
				return -1;
			c->p++;
			ws(c);
		}
		first = 0;
		if (value(c, depth + 1) != 0)
			return -1;
	}
}

static int value(jcur *c, int depth)
{
	if (c->p >= c->end)
		return -1;
	switch (*c->p) {
	case '{': return object(c, depth, NULL, 0, NULL);
	case '[': return array(c, depth);
	case '"': return string(c, NULL, 0);
	case 't': return literal(c, "true");
	case 'f': return literal(c, "false");
	case 'n': return literal(c, "null");
	default: return number(c);
	}
}

/* Validate the whole text and find path's value: 1 with *at set, 0 absent, -1 malformed. */
static int find(const char *json, size_t len, const char *path, const char **at, const char **end)
{
	const char *dot = strchr(path, '.');
	size_t k1 = dot ? (size_t)(dot - path) : strlen(path);
	jcur c = { json, json + len };
	const char *outer = NULL;

	ws(&c);
	if (object(&c, 0, path, k1, &outer) != 0)
		return -1;
	ws(&c);
	if (c.p != c.end)
		return -1;
	*end = json + len;
	if (!outer)
		return 0;
	if (!dot) {
		*at = outer;
		return 1;
	}
	c.p = outer;
	*at = NULL;
	if (*outer != '{' || object(&c, 1, dot + 1, strlen(dot + 1), at) != 0)
		return *outer == '{' ? -1 : 0;
	return *at ? 1 : 0;
}

int agent_json_get_str(const char *json, size_t len, const char *path, char *out, size_t outlen)
{
	const char *at = NULL, *end = NULL;
	int rc = find(json, len, path, &at, &end);
	jcur c;

	if (rc != 1)
		return rc;
	c.p = at;
	c.end = end;
	if (*at != '"' || outlen == 0)
		return -1;
	return string(&c, out, outlen) == 0 ? 1 : -1;
}

int agent_json_get_int(const char *json, size_t len, const char *path, int64_t *out)
{
	const char *at = NULL, *end = NULL;
	char num[24];
	size_t n = 0;
	int rc = find(json, len, path, &at, &end);

	if (rc != 1)
		return rc;
	while (at + n < end && n + 1 < sizeof num &&
	       ((at[n] >= '0' && at[n] <= '9') || (n == 0 && at[n] == '-')))
		n++;
	memcpy(num, at, n);
	num[n] = '\0';
	/* 1.5 or 1e3 are not integers */
	if (at + n < end && (at[n] == '.' || at[n] == 'e' || at[n] == 'E' || (at[n] >= '0' && at[n] <= '9')))
		return -1;
	if (n == 0 || (num[0] == '-' ? agent_parse_int(num + 1, 0, INT64_MAX, out)
				      : agent_parse_int(num, 0, INT64_MAX, out)) != 0)
		return -1;
	if (num[0] == '-')
		*out = -*out;
	return 1;
}
