/*
 * campaign_text.c - the strict text layer under the campaign and admin-unit
 * loaders: capped file read, a line cursor that rejects over-long lines,
 * bad UTF-8 and control bytes, and number/date parsers that accept exactly
 * one spelling so a typo is an error instead of a different value.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "maiam/changeset.h"
#include "maiam/fsutil.h"
#include "maiam/rules.h"
#include "campaign_int.h"

void campaign_err(char *err, size_t errlen, const char *path, long lineno, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || errlen == 0)
		return;
	if (lineno > 0)
		n = snprintf(err, errlen, "%s:%ld: ", path, lineno);
	else
		n = snprintf(err, errlen, "%s: ", path);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, CAMPAIGN_TEXT(fmt), ap);
	va_end(ap);
}

proto_result campaign_read(const char *path, size_t max, proto_buf *out, char *err, size_t errlen)
{
	proto_result r;

	proto_buf_init(out, max);
	r = proto_read_file(path, out);
	if (r == PROTO_ETOOBIG)
		campaign_err(err, errlen, path, 0,
			     "file is larger than %zu bytes; is it the right file?", max);
	else if (r == PROTO_EIO)
		campaign_err(err, errlen, path, 0, "unable to read file (%s); check the path",
			     strerror(errno));
	else if (r != PROTO_OK)
		campaign_err(err, errlen, path, 0, "unable to read file (%s)", proto_strerror(r));
	if (r != PROTO_OK)
		proto_buf_release(out);
	return r;
}

void campaign_lines_init(campaign_lines *ls, const char *path, const char *p, size_t len)
{
	ls->path = path;
	ls->p = p;
	ls->len = len;
	ls->pos = 0;
	ls->lineno = 0;
	ls->why = PROTO_OK;
	/* A UTF-8 byte order mark (Windows Notepad) carries no meaning: skip it. */
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		ls->pos = 3;
}

int campaign_lines_next(campaign_lines *ls, const char **line, size_t *n, char *err, size_t errlen)
{
	const char *s, *nl;
	size_t left, len, i;

	if (ls->pos >= ls->len)
		return 0;
	s = ls->p + ls->pos;
	left = ls->len - ls->pos;
	nl = memchr(s, '\n', left);
	len = nl ? (size_t)(nl - s) : left;
	ls->pos += nl ? len + 1 : len;
	ls->lineno++;
	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (len > CAMPAIGN_MAX_LINE) {
		campaign_err(err, errlen, ls->path, ls->lineno,
			     "line is longer than %u bytes; shorten it", CAMPAIGN_MAX_LINE);
		ls->why = PROTO_ETOOBIG;
		return -1;
	}
	if (!proto_utf8_valid(s, len)) {
		campaign_err(err, errlen, ls->path, ls->lineno,
			     "line is not valid UTF-8; save the file as UTF-8");
		ls->why = PROTO_EUTF8;
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			campaign_err(err, errlen, ls->path, ls->lineno,
				     "control character 0x%02x at column %zu; remove it", c, i + 1);
			ls->why = PROTO_EUTF8;
			return -1;
		}
	}
	*line = s;
	*n = len;
	return 1;
}

void campaign_trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

int campaign_parse_uint(const char *s, size_t n, int max, int *out)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 9)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = (int)v;
	return 0;
}

int campaign_parse_date(const char *s, size_t n)
{
	int y;

	/* a campaign of this century or the last: a year 0023 is a typing slip */
	return proto_rules_calendar_day(s, n, &y) == PROTO_RULE_OK && y >= 1900 ? 0 : -1;
}
