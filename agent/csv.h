/*
 * csv.h - an RFC 4180 CSV reader over bytes in memory, and the matching
 * writer (csv.c). Ownership: the reader borrows the input; a row's fields
 * point into the reader's own buffer and stay valid until the next call or
 * release. The writer appends to a caller's proto_buf.
 */
#ifndef MAIAM_AGENT_CSV_H
#define MAIAM_AGENT_CSV_H
#include <stddef.h>
#include "maiam/buf.h"

#define AGENT_CSV_MAX_FIELDS 64
#define AGENT_CSV_MAX_FIELD 4096

typedef struct agent_csv {
	const char *p;
	size_t len;
	size_t pos;
	size_t line; /* physical line where the next row starts (1-based) */
	char *buf;   /* field text of the current row */
	size_t buf_cap;
	size_t nfields;
	char *fields[AGENT_CSV_MAX_FIELDS];
	size_t row_line;       /* line where the current row started */
	const char *row_error; /* non-NULL: the current row is malformed (why) */
	char sep;              /* ',', ';' or '\t': detected from the first row */
} agent_csv;

/*
 * Skips a UTF-8 byte order mark and detects the separator: whichever of
 * ',', ';' and tab is most frequent outside quotes in the first row (Excel
 * writes ';' where the list separator is ';', as on Vietnamese Windows, and
 * tabs for "Text"); ',' when none is. No allocation.
 */
void agent_csv_init(agent_csv *c, const char *data, size_t len);
/*
 * Read the next row: 1 with a row (check row_error: a malformed row is still
 * consumed up to its end so the caller can report it and go on), 0 at the end
 * of input, -1 when the rest of the input cannot be read as CSV (a quoted
 * field that never closes; row_error says why) or on allocation failure.
 */
int agent_csv_next(agent_csv *c);
void agent_csv_release(agent_csv *c);

/*
 * Append one row to out as Excel reads it back: fields joined by sep, quoted
 * (quotes doubled) when they hold sep, a quote or a line break, and CRLF.
 */
proto_result agent_csv_put_row(proto_buf *out, char sep, const char *const *fields, size_t n);

/* csv_columns.c: the household field (PROTO_HH_*) a header cell names, 0 for
 * a column read and ignored (STT, an errors file's reason), -1 if unknown. */
int agent_csv_household_column(const char *text);
/* A column as messages name it, its CSV name and its usual Vietnamese one:
 * "'members' (Số nhân khẩu)". */
void agent_csv_column_label(int field, char *out, size_t n);
/* 1 when value, in the column of field, is a number Excel mangled (a CCCD or
 * phone without its leading 0, scientific notation), with the reason in err. */
int agent_csv_excel_mangled(int field, const char *value, char *err, size_t n);
#endif
