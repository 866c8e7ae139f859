/*
 * log.h - serve's log: one line per event on stderr (journald keeps it, with
 * its own time stamp; ours is there for a file or a pipe), in a stable
 * key=value form that grep and a parser read alike (docs/OPERATIONS.md, "Logs"):
 *
 *   2026-12-01T17:02:03.123Z info request agent=1a2b3c4d5e6f7081 route=/v1/push
 *     status=200 bytes_in=5120 bytes_out=212 ms=12.3
 *
 * (one line). The time is UTC with milliseconds, then the level, then what
 * happened (one word), then its fields. A value with a blank, a quote, '=',
 * a backslash or a control character is quoted, with '"' and '\' escaped by
 * '\' and control characters as \n, \t or \xHH; an empty value is "".
 *
 * Thread-safe: a line is built in the caller's buffer and goes out in one
 * write(2), so lines of different threads never interleave (a line is
 * capped at HUB_LOG_LINE_MAX bytes, under PIPE_BUF, so a pipe takes it
 * whole too; a longer one ends in "...").
 *
 * Never log personal data: no household names, national IDs, phone numbers,
 * request bodies, passwords, tokens or cookies. What a request line carries
 * is the agent's key id, or the operator's name for the dashboard.
 */
#ifndef HUB_LOG_H
#define HUB_LOG_H

#include <stdarg.h>
#include <stddef.h>

typedef enum hub_log_level {
	HUB_LOG_ERROR = 0,
	HUB_LOG_WARN,
	HUB_LOG_INFO, /* the default */
	HUB_LOG_DEBUG,
} hub_log_level;

/* "error", "warn", "info", "debug", NULL: indexed by level, a CLI_CHOICE list. */
extern const char *const hub_log_level_names[];

#define HUB_LOG_LINE_MAX 4000

/*
 * From now on hub_errorf (ctx.h) writes log lines ("error message
 * msg=..."), and lines above 'level' are left out. serve calls it once its
 * options are read; without it hub_errorf stays the commands' plain
 * "maiam-hub: ..." on stderr.
 */
void hub_log_start(hub_log_level level);
/* Is the log on (hub_log_start), and does it write lines of this level? */
int hub_log_active(void);
int hub_log_wants(hub_log_level level);

/* One line being built (on the caller's stack). */
typedef struct hub_log_line {
	char buf[HUB_LOG_LINE_MAX + 8];
	size_t len;
	hub_log_level level;
	int cut; /* something did not fit: the line ends in "..." */
} hub_log_line;

/* Start a line: time, level and what (one word, not escaped: a literal). */
void hub_log_begin(hub_log_line *l, hub_log_level level, const char *what);
/* Fields: " key=value", value quoted and escaped as above (NULL is ""). */
void hub_log_str(hub_log_line *l, const char *key, const char *value);
void hub_log_int(hub_log_line *l, const char *key, long long value);
void hub_log_hex(hub_log_line *l, const char *key, unsigned long long value); /* 16 digits */
void hub_log_ms(hub_log_line *l, const char *key, double ms);                 /* "12.3" */
/* End the line and write it, when its level is wanted (else nothing). */
void hub_log_end(hub_log_line *l);

/* A line with one field, msg="...", made of fmt: the events with a message
 * for people (hub_errorf's, a signal's). */
void hub_logf(hub_log_level level, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same from a va_list (hub_errorf). */
void hub_vlogf(hub_log_level level, const char *what, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
