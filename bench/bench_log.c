/*
 * bench_log.c - what serve's log and /metrics cost per request (hub/log.c,
 * hub/metrics.c), against baselines measured in the same run:
 *
 *  - a request line (hub_log_begin ... hub_log_end: time stamp, escaping
 *    checks, one write(2)) to /dev/null, against one snprintf of the same
 *    fields and one write(2) of it (what a bare fprintf-style line costs);
 *  - the per-request metrics (a histogram observation and a push counter,
 *    relaxed atomics), against the same increments on plain integers;
 *  - one /metrics page (hub_metrics_render), once per scrape.
 *
 * Single thread, timed by its own CPU clock: the figures are the CPU each
 * request adds to the loop, steady on a shared machine.
 * Usage: bench_log [--n N]   (default 1,000,000 lines). The last line of
 * stdout is one JSON object.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "maiam/proto.h"
#include "log.h"
#include "metrics.h"

static double now_s(void)
{
	struct timespec ts;
	/* the thread's own CPU time (user and kernel, write(2) included): what
	 * a request adds to the loop, whatever else the cores are running */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void request_line(long i)
{
	hub_log_line l;

	hub_log_begin(&l, HUB_LOG_INFO, "request");
	hub_log_hex(&l, "agent", 0x9ec4215ceae85f3aull + (unsigned long long)i);
	hub_log_str(&l, "method", "POST");
	hub_log_str(&l, "route", "/v1/push");
	hub_log_int(&l, "status", 200);
	hub_log_int(&l, "bytes_in", 5120 + i % 100);
	hub_log_int(&l, "bytes_out", 165);
	hub_log_ms(&l, "ms", 12.3 + (double)(i % 10));
	hub_log_end(&l);
}

static void baseline_line(long i)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf),
			 "2026-12-01T17:02:03.123Z info request agent=%016llx method=POST"
			 " route=/v1/push status=200 bytes_in=%ld bytes_out=165 ms=%.1f\n",
			 0x9ec4215ceae85f3aull + (unsigned long long)i, 5120 + i % 100,
			 12.3 + (double)(i % 10));
	if (n > 0 && write(STDERR_FILENO, buf, (size_t)n) < 0)
		exit(1);
}

static volatile unsigned long long plain_bucket[16], plain_count, plain_sum, plain_push;

int main(int argc, char **argv)
{
	long n = 1000000, i, pages = 2000;
	double t0, line_us, base_us, met_ns, plain_ns, page_us;
	int null_fd, saved;
	proto_buf page;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--n") == 0 && i + 1 < argc)
			n = strtol(argv[++i], NULL, 10);
	if (n < 1000)
		n = 1000;
	null_fd = open("/dev/null", O_WRONLY);
	saved = dup(STDERR_FILENO);
	if (null_fd < 0 || saved < 0 || dup2(null_fd, STDERR_FILENO) < 0)
		return 1;
	hub_log_start(HUB_LOG_INFO);

	/* warm both, then time them one after the other, twice, keeping the
	 * faster of each (another engineer's build shares the cores) */
	line_us = base_us = 1e9;
	for (int round = 0; round < 2; round++) {
		t0 = now_s();
		for (i = 0; i < n; i++)
			request_line(i);
		if ((now_s() - t0) * 1e6 / (double)n < line_us)
			line_us = (now_s() - t0) * 1e6 / (double)n;
		t0 = now_s();
		for (i = 0; i < n; i++)
			baseline_line(i);
		if ((now_s() - t0) * 1e6 / (double)n < base_us)
			base_us = (now_s() - t0) * 1e6 / (double)n;
	}
	dup2(saved, STDERR_FILENO);

	t0 = now_s();
	for (i = 0; i < n; i++) {
		hub_metrics_sync_seconds(HUB_METRICS_PUSH, 0.001 * (double)(i % 200));
		hub_metrics_push(i % 50 ? "applied" : "gap");
	}
	met_ns = (now_s() - t0) * 1e9 / (double)n;
	t0 = now_s();
	for (i = 0; i < n; i++) {
		plain_bucket[i % 13]++;
		plain_count++;
		plain_sum += (unsigned long long)(i % 200) * 1000u;
		plain_push++;
	}
	plain_ns = (now_s() - t0) * 1e9 / (double)n;

	proto_buf_init(&page, 1 << 20);
	t0 = now_s();
	for (i = 0; i < pages; i++) {
		proto_buf_reset(&page);
		if (hub_metrics_render(&page) != HUB_OK)
			return 1;
	}
	page_us = (now_s() - t0) * 1e6 / (double)pages;

	printf("request lines: %ld, to /dev/null, one thread\n", n);
	printf("  hub_log line:            %8.3f us/line\n", line_us);
	printf("  baseline snprintf+write: %8.3f us/line   ratio %.2f\n", base_us, line_us / base_us);
	printf("request metrics (histogram + push counter):\n");
	printf("  relaxed atomics:         %8.1f ns/request\n", met_ns);
	printf("  baseline plain ++:       %8.1f ns/request   ratio %.2f\n", plain_ns, met_ns / plain_ns);
	printf("/metrics page (%zu bytes): %8.1f us/scrape\n", page.len, page_us);
	printf("{\"bench\": \"bench_log\", \"n\": %ld, \"line_us\": %.3f, \"baseline_line_us\": %.3f,"
	       " \"line_ratio\": %.2f, \"metrics_ns\": %.1f, \"baseline_metrics_ns\": %.1f,"
	       " \"metrics_ratio\": %.2f, \"page_us\": %.1f, \"page_bytes\": %zu}\n",
	       n, line_us, base_us, line_us / base_us, met_ns, plain_ns, met_ns / plain_ns, page_us,
	       page.len);
	proto_buf_release(&page);
	return 0;
}
