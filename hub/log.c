/*
 * log.c - serve's log lines (log.h): built on the caller's stack, written
 * in one write(2) each, so the threads of serve (the loop, the writer, the
 * reader, the opener, the dashboard's workers) never cut into each other's
 * lines and need no lock.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "log.h"

const char *const hub_log_level_names[] = { "error", "warn", "info", "debug", NULL };

/* -1 off (the commands' plain messages), else the highest level written;
 * set once by serve before its threads start, read by all of them */
static atomic_int log_level = -1;

void hub_log_start(hub_log_level level)
{
	atomic_store(&log_level, (int)level);
}

int hub_log_active(void)
{
	return atomic_load_explicit(&log_level, memory_order_relaxed) >= 0;
}

int hub_log_wants(hub_log_level level)
{
	return (int)level <= atomic_load_explicit(&log_level, memory_order_relaxed);
}

/* Room left before the cap (the buffer keeps 8 bytes past it for the
 * "...\n" of a cut line). */
static size_t room(const hub_log_line *l)
{
	return l->len < HUB_LOG_LINE_MAX ? HUB_LOG_LINE_MAX - l->len : 0;
}

static void put(hub_log_line *l, const char *p, size_t n)
{
	if (l->cut)
		return;
	if (n > room(l)) {
		l->cut = 1;
		return;
	}
	memcpy(l->buf + l->len, p, n);
	l->len += n;
}

static void putf(hub_log_line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(hub_log_line *l, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		l->cut = 1;
	else
		put(l, tmp, (size_t)n);
}

void hub_log_begin(hub_log_line *l, hub_log_level level, const char *what)
{
	/* the date and time to the second, made once a second per thread:
	 * gmtime_r and strftime were a third of a line's cost (bench_log) */
	static _Thread_local time_t last_sec = -1;
	static _Thread_local char when[32];
	static _Thread_local size_t when_len;
	struct timespec ts;
	struct tm tm;

	l->len = 0;
	l->cut = 0;
	l->level = level;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != last_sec) {
		gmtime_r(&ts.tv_sec, &tm);
		when_len = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		last_sec = ts.tv_sec;
	}
	put(l, when, when_len);
	putf(l, ".%03ldZ %s %s", ts.tv_nsec / 1000000L,
	     hub_log_level_names[level <= HUB_LOG_DEBUG ? level : HUB_LOG_DEBUG], what);
}

/* Does v need quotes: empty, or a byte a reader would split or misread at. */
static int needs_quotes(const char *v)
{
	const unsigned char *p = (const unsigned char *)v;

	if (!*p)
		return 1;
	for (; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == '=' || *p == '\\' || *p == 0x7f)
			return 1;
	return 0;
}

void hub_log_str(hub_log_line *l, const char *key, const char *value)
{
	const unsigned char *p;

	if (!value)
		value = "";
	put(l, " ", 1);
	put(l, key, strlen(key));
	put(l, "=", 1);
	if (!needs_quotes(value)) {
		put(l, value, strlen(value));
		return;
	}
	put(l, "\"", 1);
	for (p = (const unsigned char *)value; *p && !l->cut; p++) {
		if (*p == '"' || *p == '\\') {
			char e[2] = { '\\', (char)*p };
			put(l, e, 2);
		} else if (*p == '\n') {
			put(l, "\\n", 2);
		} else if (*p == '\t') {
			put(l, "\\t", 2);
		} else if (*p < ' ' || *p == 0x7f) {
			putf(l, "\\x%02x", *p);
		} else {
			put(l, (const char *)p, 1); /* UTF-8 passes as it is */
		}
	}
	put(l, "\"", 1);
}

void hub_log_int(hub_log_line *l, const char *key, long long value)
{
	put(l, " ", 1);
	put(l, key, strlen(key));
	putf(l, "=%lld", value);
}

void hub_log_hex(hub_log_line *l, const char *key, unsigned long long value)
{
	put(l, " ", 1);
	put(l, key, strlen(key));
	putf(l, "=%016llx", value);
}

void hub_log_ms(hub_log_line *l, const char *key, double ms)
{
	put(l, " ", 1);
	put(l, key, strlen(key));
	putf(l, "=%.1f", ms);
}

void hub_log_end(hub_log_line *l)
{
	const char *p = l->buf;
	size_t left;
	ssize_t n;

	if (!hub_log_wants(l->level))
		return;
	if (l->cut) { /* the buffer keeps 8 bytes past the cap for this */
		memcpy(l->buf + l->len, "...", 3);
		l->len += 3;
	}
	l->buf[l->len++] = '\n';
	left = l->len;
	/* one write is one line; a short write (a full pipe interrupted by a
	 * signal) finishes the same line before anything else could */
	while (left > 0) {
		n = write(STDERR_FILENO, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* stderr gone: nothing else to tell it with */
		p += n;
		left -= (size_t)n;
	}
}

void hub_vlogf(hub_log_level level, const char *what, const char *fmt, va_list ap)
{
	hub_log_line l;
	char msg[HUB_LOG_LINE_MAX / 2];
	size_t n;

	if (!hub_log_wants(level))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* the line has its own newline (one inside is escaped) */
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	hub_log_begin(&l, level, what);
	hub_log_str(&l, "msg", msg);
	hub_log_end(&l);
}

void hub_logf(hub_log_level level, const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hub_vlogf(level, what, fmt, ap);
	va_end(ap);
}
