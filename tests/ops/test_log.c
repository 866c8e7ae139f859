/*
 * test_log.c - hub/log.c's lines as a reader parses them (the time, the
 * level, one word, then key=value with quotes and escapes where a value
 * needs them), the level filter, the cap on a line; and hub/metrics.c's
 * label escaping and counters in the page. stderr goes to a temporary file
 * for each check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "ctx.h"
#include "log.h"
#include "metrics.h"

/* Run fn with stderr on a temporary file; its bytes into out. */
static size_t capture(void (*fn)(void), char *out, size_t outlen)
{
	FILE *f = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n;

	assert_non_null(f);
	assert_true(saved >= 0);
	fflush(stderr);
	assert_true(dup2(fileno(f), STDERR_FILENO) >= 0);
	fn();
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	rewind(f);
	n = fread(out, 1, outlen - 1, f);
	out[n] = '\0';
	fclose(f);
	return n;
}

static void one_request(void)
{
	hub_log_line l;

	hub_log_begin(&l, HUB_LOG_INFO, "request");
	hub_log_hex(&l, "agent", 0x1a2b3c4d5e6f7081ull);
	hub_log_str(&l, "route", "/v1/push");
	hub_log_int(&l, "status", 200);
	hub_log_int(&l, "bytes_in", 5120);
	hub_log_ms(&l, "ms", 12.34);
	hub_log_end(&l);
}

static void test_request_line(void **state)
{
	char out[8192];

	(void)state;
	hub_log_start(HUB_LOG_INFO);
	capture(one_request, out, sizeof(out));
	/* 2026-12-01T17:02:03.123Z: 24 characters, then the rest as it is */
	assert_int_equal(strlen(out), 24 + strlen(" info request agent=1a2b3c4d5e6f7081 route=/v1/push"
						  " status=200 bytes_in=5120 ms=12.3\n"));
	assert_int_equal(out[4], '-');
	assert_int_equal(out[10], 'T');
	assert_int_equal(out[19], '.');
	assert_int_equal(out[23], 'Z');
	assert_string_equal(out + 24, " info request agent=1a2b3c4d5e6f7081 route=/v1/push"
				      " status=200 bytes_in=5120 ms=12.3\n");
}

static void quoted(void)
{
	hub_log_line l;

	hub_log_begin(&l, HUB_LOG_WARN, "x");
	hub_log_str(&l, "a", "two words");
	hub_log_str(&l, "b", "say \"hi\" \\ back");
	hub_log_str(&l, "c", "line\nbreak\tand\x01");
	hub_log_str(&l, "d", "");
	hub_log_str(&l, "e", NULL);
	hub_log_str(&l, "f", "k=v");
	hub_log_str(&l, "g", "Sóc_Trăng");
	hub_log_end(&l);
}

static void test_quotes_and_escapes(void **state)
{
	char out[8192];

	(void)state;
	hub_log_start(HUB_LOG_INFO);
	capture(quoted, out, sizeof(out));
	assert_string_equal(out + 24, " warn x a=\"two words\" b=\"say \\\"hi\\\" \\\\ back\""
				      " c=\"line\\nbreak\\tand\\x01\" d=\"\" e=\"\" f=\"k=v\""
				      " g=Sóc_Trăng\n");
}

static void debug_and_info(void)
{
	hub_log_line l;

	hub_log_begin(&l, HUB_LOG_DEBUG, "noisy");
	hub_log_end(&l);
	hub_log_begin(&l, HUB_LOG_INFO, "usual");
	hub_log_end(&l);
	hub_logf(HUB_LOG_WARN, "warned", "%d things", 3);
	hub_errorf("cannot %s", "listen");
}

static void test_levels(void **state)
{
	char out[8192];

	(void)state;
	hub_log_start(HUB_LOG_WARN);
	capture(debug_and_info, out, sizeof(out));
	assert_null(strstr(out, "noisy"));
	assert_null(strstr(out, "usual"));
	assert_non_null(strstr(out, " warn warned msg=\"3 things\"\n"));
	assert_non_null(strstr(out, " error message msg=\"cannot listen\"\n"));
	hub_log_start(HUB_LOG_DEBUG);
	capture(debug_and_info, out, sizeof(out));
	assert_non_null(strstr(out, " debug noisy\n"));
	assert_non_null(strstr(out, " info usual\n"));
	hub_log_start(HUB_LOG_ERROR);
	capture(debug_and_info, out, sizeof(out));
	assert_null(strstr(out, "warned"));
	assert_non_null(strstr(out, " error message msg=\"cannot listen\"\n"));
}

static void too_long(void)
{
	static char big[3 * HUB_LOG_LINE_MAX];
	hub_log_line l;

	memset(big, 'x', sizeof(big) - 1);
	hub_log_begin(&l, HUB_LOG_INFO, "long");
	hub_log_str(&l, "route", big);
	hub_log_end(&l);
	hub_log_begin(&l, HUB_LOG_INFO, "after");
	hub_log_end(&l);
}

static void test_line_cap(void **state)
{
	char out[4 * HUB_LOG_LINE_MAX];
	char *nl;

	(void)state;
	hub_log_start(HUB_LOG_INFO);
	capture(too_long, out, sizeof(out));
	nl = strchr(out, '\n');
	assert_non_null(nl);
	assert_true((size_t)(nl - out) <= HUB_LOG_LINE_MAX + 3);
	assert_memory_equal(nl - 3, "...", 3);
	assert_non_null(strstr(nl + 1, " info after\n"));
}

/* Lines of s that start with prefix. */
static int count_lines(const char *s, const char *prefix)
{
	int n = 0;

	for (; s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
		n += strncmp(s, prefix, strlen(prefix)) == 0;
	return n;
}

static void test_metrics_page(void **state)
{
	proto_buf b;
	int i;

	(void)state;
	proto_buf_init(&b, 1 << 20);
	assert_int_equal(hub_metrics_label(&b, "a\"b\\c\nd"), HUB_OK);
	assert_int_equal(b.len, strlen("a\\\"b\\\\c\\nd"));
	assert_memory_equal(b.data, "a\\\"b\\\\c\\nd", b.len);
	proto_buf_reset(&b);
	hub_metrics_push("applied");
	hub_metrics_push("applied");
	hub_metrics_push("bad\"code");
	hub_metrics_sync_seconds(HUB_METRICS_PULL, 0.2);
	hub_metrics_group(3);
	hub_metrics_login_failed();
	hub_metrics_conn_closed(HUB_CLOSED_EVICTED_PER_ADDR);
	hub_metrics_conn_closed(HUB_CLOSED_EVICTED_PER_ADDR);
	hub_metrics_conn_closed(HUB_CLOSED_TLS_HANDSHAKE);
	hub_metrics_conn_closed(HUB_CLOSED_NONE); /* a client that left: no refusal */
	hub_metrics_conn_closed(HUB_CLOSED_N);
	assert_int_equal(hub_metrics_render(&b), HUB_OK);
	assert_int_equal(proto_buf_append(&b, "", 1), PROTO_OK);
	assert_non_null(strstr((char *)b.data, "maiam_hub_pushes_total{code=\"applied\"} 2\n"));
	assert_non_null(strstr((char *)b.data, "maiam_hub_pushes_total{code=\"bad\\\"code\"} 1\n"));
	assert_non_null(strstr((char *)b.data,
			       "maiam_hub_sync_duration_seconds_bucket{route=\"pull\",le=\"0.1\"} 0\n"
			       "maiam_hub_sync_duration_seconds_bucket{route=\"pull\",le=\"0.25\"} 1\n"));
	assert_non_null(strstr((char *)b.data, "maiam_hub_group_commit_pushes_bucket{le=\"2\"} 0\n"
					       "maiam_hub_group_commit_pushes_bucket{le=\"4\"} 1\n"));
	assert_non_null(strstr((char *)b.data, "maiam_hub_login_failures_total 1\n"));
	/* every reason on the page from the start, named, at 0 if none */
	assert_non_null(strstr((char *)b.data,
			       "# TYPE maiam_hub_connections_closed_total counter\n"
			       "maiam_hub_connections_closed_total{reason=\"evicted_max_conns_per_addr\"} 2\n"
			       "maiam_hub_connections_closed_total{reason=\"evicted_max_conns\"} 0\n"));
	assert_non_null(strstr((char *)b.data,
			       "maiam_hub_connections_closed_total{reason=\"tls_handshake\"} 1\n"));
	assert_non_null(
		strstr((char *)b.data, "maiam_hub_connections_closed_total{reason=\"too_slow\"} 0\n"));
	for (i = HUB_CLOSED_NONE + 1; i < HUB_CLOSED_N; i++) {
		char line[128];
		assert_non_null(hub_closed_name((hub_closed)i));
		snprintf(line, sizeof(line), "\nmaiam_hub_connections_closed_total{reason=\"%s\"} ",
			 hub_closed_name((hub_closed)i));
		assert_non_null(strstr((char *)b.data, line));
	}
	assert_null(hub_closed_name(HUB_CLOSED_NONE));
	assert_null(hub_closed_name(HUB_CLOSED_N));
	assert_int_equal(count_lines((char *)b.data, "maiam_hub_connections_closed_total{"),
			 HUB_CLOSED_N - 1);
	/* no server: no gauges rather than made-up ones */
	assert_null(strstr((char *)b.data, "maiam_hub_wal_bytes"));
	proto_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_line), cmocka_unit_test(test_quotes_and_escapes),
		cmocka_unit_test(test_levels),       cmocka_unit_test(test_line_cap),
		cmocka_unit_test(test_metrics_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
