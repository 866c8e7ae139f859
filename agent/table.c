/*
 * table.c - aligned text tables for listings. Columns are padded by display
 * width, not bytes: "Nguyễn" is 6 columns but 9 bytes (or more, with
 * combining marks), and byte padding would skew every Vietnamese row.
 * agent_pad does the same for one value printed on its own.
 */
#include <stdlib.h>
#include <string.h>
#include "agent.h"

struct agent_table {
	size_t ncols;
	size_t nrows; /* including the header row */
	size_t cap;
	char **cells; /* nrows * ncols, owned */
};

agent_table *agent_table_new(size_t ncols, const char *const *headers)
{
	agent_table *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->ncols = ncols;
	if (agent_table_add(t, headers) != 0) {
		agent_table_free(t);
		return NULL;
	}
	return t;
}

int agent_table_add(agent_table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **c = realloc(t->cells, cap * t->ncols * sizeof *c);

		if (!c)
			return -1;
		t->cells = c;
		t->cap = cap;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		char *v = strdup(cells[i] ? cells[i] : "");

		if (!v) {
			for (size_t j = 0; j < i; j++)
				free(t->cells[t->nrows * t->ncols + j]);
			return -1;
		}
		t->cells[t->nrows * t->ncols + i] = v;
	}
	t->nrows++;
	return 0;
}

void agent_table_print(const agent_table *t, FILE *out)
{
	size_t *w = calloc(t->ncols, sizeof *w);

	if (!w)
		return;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t cw = proto_utf8_width(t->cells[r * t->ncols + c]);

			if (cw > w[c])
				w[c] = cw;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *v = t->cells[r * t->ncols + c];

			fputs(v, out);
			if (c + 1 < t->ncols)
				for (size_t k = proto_utf8_width(v); k < w[c] + 2; k++)
					fputc(' ', out);
		}
		fputc('\n', out);
	}
	free(w);
}

void agent_table_free(agent_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void agent_pad(FILE *out, const char *s, size_t width)
{
	if (!s)
		s = "";
	fputs(s, out);
	for (size_t k = proto_utf8_width(s); k < width; k++)
		fputc(' ', out);
}
