/*
 * csv.h - an RFC 4180 CSV reader over bytes in memory (csv.c).
 * Ownership: the reader borrows the input; a row's fields point into the
 * reader's own buffer and stay valid until the next call or release.
 */
#ifndef MAIAM_AGENT_CSV_H
#define MAIAM_AGENT_CSV_H
#include <stddef.h>

#define AGENT_CSV_MAX_FIELDS 64
#define AGENT_CSV_MAX_FIELD 4096

typedef struct agent_csv {
	const char *p;
	size_t len;
	size_t pos;
	size_t line;           /* physical line where the next row starts (1-based) */
	char *buf;             /* field text of the current row */
	size_t buf_cap;
	size_t nfields;
	char *fields[AGENT_CSV_MAX_FIELDS];
	size_t row_line;       /* line where the current row started */
	const char *row_error; /* non-NULL: the current row is malformed (why) */
} agent_csv;

/* Skips a UTF-8 byte order mark. No allocation. */
void agent_csv_init(agent_csv *c, const char *data, size_t len);
/*
 * Read the next row: 1 with a row (check row_error: a malformed row is still
 * consumed up to its end so the caller can report it and go on), 0 at the end
 * of input, -1 when the rest of the input cannot be read as CSV (a quoted
 * field that never closes; row_error says why) or on allocation failure.
 */
int agent_csv_next(agent_csv *c);
void agent_csv_release(agent_csv *c);
#endif
