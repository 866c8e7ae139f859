/*
 * csv.c - RFC 4180 reader for the household lists communes keep in Excel:
 * optional UTF-8 BOM, CRLF or LF line ends, ',' ';' or tab separators,
 * quoted fields holding separators, doubled quotes and line breaks. Limits
 * on fields per row and bytes per field keep a hostile file from growing
 * memory without bound. The writer gives back rows Excel opens the same way.
 */
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "csv.h"

/* The first row decides: a header row names its columns with no separator
 * inside them, so counting outside quotes is enough. */
static char detect_sep(const char *p, size_t len)
{
	static const char cand[] = { ',', ';', '\t' };
	size_t count[3] = { 0 }, best = 0;
	int quoted = 0;

	for (size_t i = 0; i < len; i++) {
		if (p[i] == '"')
			quoted = !quoted;
		else if (!quoted && (p[i] == '\n' || p[i] == '\r'))
			break;
		else if (!quoted)
			for (size_t k = 0; k < 3; k++)
				count[k] += p[i] == cand[k];
	}
	for (size_t k = 1; k < 3; k++)
		if (count[k] > count[best])
			best = k;
	return cand[best];
}

void agent_csv_init(agent_csv *c, const char *data, size_t len)
{
	memset(c, 0, sizeof *c);
	c->p = data;
	c->len = len;
	c->line = 1;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		c->pos = 3;
	c->sep = detect_sep(data + c->pos, len - c->pos);
}

void agent_csv_release(agent_csv *c)
{
	free(c->buf);
	c->buf = NULL;
	c->buf_cap = 0;
}

static int put(agent_csv *c, size_t *o, char ch)
{
	if (*o + 1 >= c->buf_cap) {
		size_t cap = c->buf_cap ? c->buf_cap * 2 : 1024;
		char *b = realloc(c->buf, cap);

		if (!b)
			return -1;
		c->buf = b;
		c->buf_cap = cap;
	}
	c->buf[(*o)++] = ch;
	return 0;
}

/* Store offsets while the buffer may move; turn them into pointers at the end. */
int agent_csv_next(agent_csv *c)
{
	size_t starts[AGENT_CSV_MAX_FIELDS];
	size_t o = 0, flen = 0;
	int quoted = 0, after_quote = 0;

	c->nfields = 0;
	c->row_error = NULL;
	c->row_line = c->line;
	if (c->pos >= c->len)
		return 0;
	starts[0] = 0;
	c->nfields = 1;
	while (c->pos < c->len) {
		char ch = c->p[c->pos++];

		if (quoted) {
			if (ch == '"') {
				if (c->pos < c->len && c->p[c->pos] == '"') {
					c->pos++;
				} else {
					quoted = 0;
					after_quote = 1;
					continue;
				}
			} else if (ch == '\n') {
				c->line++;
			}
		} else if (ch == c->sep) {
			if (put(c, &o, '\0') != 0)
				return -1;
			if (c->nfields == AGENT_CSV_MAX_FIELDS) {
				if (!c->row_error)
					c->row_error = N_("too many columns");
			} else {
				starts[c->nfields++] = o;
			}
			flen = 0;
			after_quote = 0;
			continue;
		} else if (ch == '\n' || ch == '\r') {
			if (ch == '\r' && c->pos < c->len && c->p[c->pos] == '\n')
				c->pos++;
			c->line++;
			break;
		} else if (ch == '"') {
			if (flen == 0 && !after_quote) {
				quoted = 1;
				continue;
			}
			if (!c->row_error)
				c->row_error = N_(
					"a quote inside an unquoted field (quote the whole field and double the quote)");
		} else if (after_quote) {
			if (!c->row_error)
				c->row_error = N_("text after a closing quote");
		}
		if (ch == '\0' && !c->row_error)
			c->row_error = N_("a NUL byte in the text");
		if (flen >= AGENT_CSV_MAX_FIELD) {
			if (!c->row_error)
				c->row_error = N_("a field longer than 4096 bytes");
			continue;
		}
		if (put(c, &o, ch) != 0)
			return -1;
		flen++;
	}
	if (quoted) {
		c->row_error = N_("a quoted field is never closed");
		return -1;
	}
	if (put(c, &o, '\0') != 0)
		return -1;
	for (size_t i = 0; i < c->nfields; i++)
		c->fields[i] = c->buf + starts[i];
	return 1;
}

proto_result agent_csv_put_row(proto_buf *out, char sep, const char *const *fields, size_t n)
{
	proto_result r = PROTO_OK;

	for (size_t i = 0; i < n && r == PROTO_OK; i++) {
		const char *f = fields[i] ? fields[i] : "";
		char special[] = { sep, '"', '\r', '\n', '\0' };

		if (i)
			r = proto_buf_append_byte(out, (uint8_t)sep);
		if (r != PROTO_OK || !f[strcspn(f, special)]) {
			if (r == PROTO_OK)
				r = proto_buf_append_str(out, f);
			continue;
		}
		r = proto_buf_append_byte(out, '"');
		for (; *f && r == PROTO_OK; f++)
			r = *f == '"' ? proto_buf_append(out, "\"\"", 2)
				      : proto_buf_append_byte(out, (uint8_t)*f);
		if (r == PROTO_OK)
			r = proto_buf_append_byte(out, '"');
	}
	return r == PROTO_OK ? proto_buf_append(out, "\r\n", 2) : r;
}
