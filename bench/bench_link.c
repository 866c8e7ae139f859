/*
 * bench_link.c - how faithful tests/tools/linkproxy is to the link it is
 * told to be: round trip of one byte against 2 x --delay, and goodput of a
 * bulk transfer each way against --rate (default 1 Mbit/s, 150 ms each way:
 * the weak link of the photo benches). Both ends are sockets of this
 * program on 127.0.0.1; the proxy's counts must equal what was sent.
 *
 *   bench_link [--linkproxy PATH] [--rate BITS_PER_S] [--delay MS] [--bytes N]
 *
 * Last line: one JSON object.
 */
#include <limits.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench_util.h"
#include "../tests/tools/linkpeer.h"

#define PINGS 5

/* linkproxy beside this program in the build tree, as CMake lays it out. */
static void default_proxy(char *out, size_t cap)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	if (n <= 0) {
		snprintf(out, cap, "linkproxy");
		return;
	}
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	if ((size_t)snprintf(out, cap, "%s/../tests/tools/linkproxy", self) >= cap)
		snprintf(out, cap, "linkproxy");
}

/* A connection through the proxy: the client end and the server end. */
static void open_pair(int proxy_port, int listener, int *client, int *server)
{
	*client = lp_connect(proxy_port);
	*server = *client >= 0 ? accept(listener, NULL, NULL) : -1;
	if (*client < 0 || *server < 0) {
		fprintf(stderr, "bench_link: cannot connect through the proxy\n");
		exit(1);
	}
}

/* Median seconds of one byte there and back (blocking sockets). */
static double ping_s(int proxy_port, int listener)
{
	double t[PINGS];
	int c, s;
	char b = 'x';

	open_pair(proxy_port, listener, &c, &s);
	for (int i = 0; i < PINGS; i++) {
		double t0 = bench_now_s();
		if (write(c, &b, 1) != 1 || read(s, &b, 1) != 1 || write(s, &b, 1) != 1 ||
		    read(c, &b, 1) != 1) {
			fprintf(stderr, "bench_link: a ping was lost\n");
			exit(1);
		}
		t[i] = bench_now_s() - t0;
	}
	close(c);
	close(s);
	qsort(t, PINGS, sizeof t[0], bench_cmp_double);
	return t[PINGS / 2];
}

/* Seconds from the first byte sent to the last byte (and the FIN) arrived:
 * n bytes from the client (up) or from the server (!up). */
static double bulk_s(int proxy_port, int listener, uint64_t n, bool up)
{
	lp_peer ends[2];
	int c, s;

	open_pair(proxy_port, listener, &c, &s);
	lp_peer_init(&ends[0], c, 1, up ? n : 0, true);
	lp_peer_init(&ends[1], s, 2, up ? 0 : n, true);
	double t0 = bench_now_s();
	lp_pump(ends, 2);
	double t = bench_now_s() - t0;
	close(c);
	close(s);
	if (ends[up ? 1 : 0].received != n) {
		fprintf(stderr, "bench_link: %llu of %llu bytes arrived\n",
			(unsigned long long)ends[up ? 1 : 0].received, (unsigned long long)n);
		exit(1);
	}
	return t;
}

/* "1000000", "1M", "512k": bits per second as linkproxy reads them. */
static double rate_of(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	return v * (*end == 'k' || *end == 'K' ? 1e3 : *end == 'M' ? 1e6 : *end == 'G' ? 1e9 : 1);
}

/* The value of "name": N in the proxy's stats line, or 0. */
static uint64_t stat_of(const char *json, const char *name)
{
	char key[64];
	snprintf(key, sizeof key, "\"%s\": ", name);
	const char *at = strstr(json, key);
	return at ? strtoull(at + strlen(key), NULL, 10) : 0;
}

int main(int argc, char **argv)
{
	char proxy[PATH_MAX], to[64], port_s[32], json[1024];
	const char *rate = "1000000", *delay = "150";
	uint64_t bytes = 1000000;
	int server_port = 0, out = -1, err = -1;
	bool bad = argc % 2 == 0; /* the program's name, then pairs */

	default_proxy(proxy, sizeof proxy);
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--linkproxy"))
			snprintf(proxy, sizeof proxy, "%s", argv[i + 1]);
		else if (!strcmp(argv[i], "--rate"))
			rate = argv[i + 1];
		else if (!strcmp(argv[i], "--delay"))
			delay = argv[i + 1];
		else if (!strcmp(argv[i], "--bytes"))
			bytes = strtoull(argv[i + 1], NULL, 10);
		else
			bad = true;
	}
	if (bad || bytes == 0 || rate_of(rate) <= 0) {
		fprintf(stderr,
			"usage: bench_link [--linkproxy PATH] [--rate BITS_PER_S] [--delay MS] [--bytes N]\n");
		return 2;
	}
	int listener = lp_listen(&server_port);
	snprintf(to, sizeof to, "127.0.0.1:%d", server_port);
	char *args[] = { proxy, "--to", to, "--rate", (char *)rate, "--delay", (char *)delay, NULL };
	pid_t pid = listener >= 0 ? lp_spawn(args, &out, &err) : -1;
	int proxy_port = pid > 0 ? lp_read_port(out) : -1;
	if (proxy_port <= 0) {
		fprintf(stderr,
			"bench_link: cannot start '%s' (build it: cmake --build build --target linkproxy)\n",
			proxy);
		return 1;
	}
	snprintf(port_s, sizeof port_s, "%d", proxy_port);

	double rate_bps = rate_of(rate), delay_ms = strtod(delay, NULL);
	double rtt = ping_s(proxy_port, listener);
	double up = bulk_s(proxy_port, listener, bytes, true);
	double down = bulk_s(proxy_port, listener, bytes, false);
	double up_bps = (double)bytes * 8 / up, down_bps = (double)bytes * 8 / down;

	if (lp_stop(pid) != 0) {
		fprintf(stderr, "bench_link: linkproxy did not stop cleanly\n");
		return 1;
	}
	struct rusage ru; /* the proxy is this program's only child */
	getrusage(RUSAGE_CHILDREN, &ru);
	double proxy_cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
			   (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	size_t len = 0;
	for (ssize_t n; len + 1 < sizeof json && (n = read(out, json + len, sizeof json - 1 - len)) > 0;)
		len += (size_t)n;
	json[len] = '\0';
	uint64_t wire_up = stat_of(json, "bytes_up"), wire_down = stat_of(json, "bytes_down");
	if (wire_up != bytes + PINGS || wire_down != bytes + PINGS) {
		fprintf(stderr, "bench_link: the proxy counted %llu bytes up and %llu down, not %llu\n",
			(unsigned long long)wire_up, (unsigned long long)wire_down,
			(unsigned long long)(bytes + PINGS));
		return 1;
	}
	printf("linkproxy on port %s: --rate %s --delay %s, %llu bytes each way\n", port_s, rate, delay,
	       (unsigned long long)bytes);
	printf("round trip of one byte: %.1f ms (2 x delay = %.0f ms)\n", rtt * 1000, 2 * delay_ms);
	printf("up:   %.0f bit/s in %.2f s, %.3f of the rate\n", up_bps, up, up_bps / rate_bps);
	printf("down: %.0f bit/s in %.2f s, %.3f of the rate\n", down_bps, down, down_bps / rate_bps);
	printf("proxy counted %llu bytes up, %llu down (sent %llu each way + %d pings); its CPU: %.2f s\n",
	       (unsigned long long)wire_up, (unsigned long long)wire_down, (unsigned long long)bytes,
	       PINGS, proxy_cpu);
	printf("{\"rate_bps\": %.0f, \"delay_ms\": %.0f, \"bytes\": %llu, \"rtt_ms\": %.1f, "
	       "\"rtt_over_2delay\": %.3f, \"up_goodput_bps\": %.0f, \"down_goodput_bps\": %.0f, "
	       "\"goodput_ratio\": %.3f, \"wire_bytes_up\": %llu, \"wire_bytes_down\": %llu, "
	       "\"proxy_cpu_s\": %.2f}\n",
	       rate_bps, delay_ms, (unsigned long long)bytes, rtt * 1000,
	       delay_ms > 0 ? rtt * 1000 / (2 * delay_ms) : 0.0, up_bps, down_bps,
	       (up_bps < down_bps ? up_bps : down_bps) / rate_bps, (unsigned long long)wire_up,
	       (unsigned long long)wire_down, proxy_cpu);
	close(out);
	close(err);
	close(listener);
	return 0;
}
