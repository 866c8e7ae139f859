/*
 * linkproxy.c - a weak link in userspace, for tests and benches: a TCP proxy
 * that forwards raw bytes (so TLS stays end to end, certificates untouched)
 * through a rate limit, a one-way delay and injected cuts. This machine's
 * kernel has tbf but no netem, hence this. docs/TESTING.md says how to use
 * it; linkshape.c moves the bytes, this file parses, listens and reports.
 *
 * Exit codes: 0 after SIGTERM/SIGINT, 1 when it cannot listen, 2 for a bad
 * command line.
 */
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <event2/event.h>
#include <event2/listener.h>
#include "maiam/cli.h"
#include "maiam/fsutil.h"
#include "linkshape.h"

#define PROG "linkproxy"

/* The command line as given (strings borrowed from argv). */
typedef struct options {
	const char *listen, *to, *rate, *cut_after, *port_file, *stats_path;
	int delay_ms;
	int64_t cut_every;
} options;

static void usage(FILE *f, const cli_opt *opts, size_t nopts)
{
	char line[512];
	fprintf(f, "usage: " PROG " %s\n", cli_usage(opts, nopts, line, sizeof line));
	for (size_t i = 0; i < nopts; i++)
		fprintf(f, "  --%-10s %-11s %s\n", opts[i].name, opts[i].arg ? opts[i].arg : "",
			opts[i].help);
	fprintf(f, "Prints the port it listens on, forwards each connection to --to, and\n"
		   "writes its counts as JSON at SIGTERM/SIGINT (to stdout and --stats).\n");
}

/* One line for a command-line mistake, and the way out. */
static void say_cli_error(const cli_error *e)
{
	const char *name = e->opt ? e->opt->name : "";

	switch (e->code) {
	case CLI_E_UNKNOWN:
	case CLI_E_EXTRA:
		fprintf(stderr, PROG ": unknown option or argument '%s'; see '" PROG " --help'\n",
			e->word);
		break;
	case CLI_E_NOT_INT:
		fprintf(stderr, PROG ": --%s '%s' is not a whole number from %lld to %lld\n", name,
			e->value, (long long)e->opt->lo, (long long)e->opt->hi);
		break;
	default:
		fprintf(stderr, PROG ": option '--%s' is given wrongly ('%s'); see '" PROG " --help'\n",
			name, e->word ? e->word : "");
		break;
	}
}

/* "1000000", "1M", "512k", "2G": bits per second (SI multiples, as tc's). */
static int parse_rate(const char *s, uint64_t *bits_per_s)
{
	char digits[32];
	size_t n = strspn(s, "0123456789");
	uint64_t mult = 1;
	int64_t v;

	if (n == 0 || n >= sizeof digits)
		return -1;
	if (s[n] == 'k' || s[n] == 'K')
		mult = 1000;
	else if (s[n] == 'M')
		mult = 1000000;
	else if (s[n] == 'G')
		mult = 1000000000;
	else if (s[n] != '\0')
		return -1;
	if (mult != 1 && s[n + 1] != '\0')
		return -1;
	memcpy(digits, s, n);
	digits[n] = '\0';
	if (cli_parse_int(digits, 1, INT64_C(100000000000) / (int64_t)mult, &v) < 0)
		return -1;
	*bits_per_s = (uint64_t)v * mult;
	return *bits_per_s >= 8 ? 0 : -1;
}

/* "N[,N...]": bytes after which the 1st, 2nd... connection is cut. */
static int parse_cut_list(const char *s, link_proxy *px)
{
	char word[32];

	px->ncut_after = 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		int64_t v;
		if (n == 0 || n >= sizeof word || px->ncut_after == LINK_MAX_CUT_LIST)
			return -1;
		memcpy(word, s, n);
		word[n] = '\0';
		if (cli_parse_int(word, 0, INT64_MAX, &v) < 0)
			return -1;
		px->cut_after[px->ncut_after++] = (uint64_t)v;
		s += n;
		if (*s == ',' && *++s == '\0')
			return -1;
	}
	return px->ncut_after ? 0 : -1;
}

/* "HOST:PORT" or "[V6]:PORT" resolved for option opt. 0, or -1 said. */
static int resolve(const char *opt, const char *spec, bool passive, struct sockaddr_storage *out,
		   socklen_t *outlen)
{
	char host[256];
	const char *colon = strrchr(spec, ':');
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0) };
	struct addrinfo *res = NULL;
	int64_t port;

	size_t hlen = colon ? (size_t)(colon - spec) : 0;
	if (hlen >= 2 && spec[0] == '[' && spec[hlen - 1] == ']') {
		spec++;
		hlen -= 2;
	}
	if (!colon || hlen == 0 || hlen >= sizeof host ||
	    cli_parse_int(colon + 1, passive ? 0 : 1, 65535, &port) < 0) {
		fprintf(stderr, PROG ": --%s '%s' is not HOST:PORT; give e.g. 127.0.0.1:%s\n", opt, spec,
			passive ? "0" : "8443");
		return -1;
	}
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	int rc = getaddrinfo(host, colon + 1, &hints, &res);
	if (rc != 0) {
		fprintf(stderr,
			PROG
			": cannot resolve '%s' of --%s: %s; give an address or a name this machine resolves\n",
			host, opt, gai_strerror(rc));
		return -1;
	}
	memcpy(out, res->ai_addr, res->ai_addrlen);
	*outlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* Check the command line into px. 0, or -1 with the mistake said. */
static int setup(link_proxy *px, const options *o, struct sockaddr_storage *listen_addr,
		 socklen_t *listen_len)
{
	uint64_t rate = 0;

	if (!o->to) {
		fprintf(stderr,
			PROG ": missing --to HOST:PORT (where to forward); see '" PROG " --help'\n");
		return -1;
	}
	if (o->rate && parse_rate(o->rate, &rate) < 0) {
		fprintf(stderr,
			PROG
			": --rate '%s' is not a rate; give bits per second from 8 to 100G, e.g. 1000000 or 1M\n",
			o->rate);
		return -1;
	}
	if (o->cut_after && parse_cut_list(o->cut_after, px) < 0) {
		fprintf(stderr,
			PROG
			": --cut-after '%s' is not a list of byte counts; give e.g. 0,300000 (at most %d)\n",
			o->cut_after, LINK_MAX_CUT_LIST);
		return -1;
	}
	link_bucket_init(&px->up_bucket, rate);
	link_bucket_init(&px->down_bucket, rate);
	px->delay_us = (int64_t)o->delay_ms * 1000;
	px->cut_every = (uint64_t)o->cut_every;
	px->next_cut_at = px->cut_every;
	if (resolve("listen", o->listen, true, listen_addr, listen_len) < 0 ||
	    resolve("to", o->to, false, &px->target, &px->target_len) < 0)
		return -1;
	return 0;
}

static const char *stats_path_of_run;

/* The counts as one JSON object and a newline, into out. */
static void stats_json(const link_proxy *px, char *out, size_t cap)
{
	const link_stats *s = &px->st;
	snprintf(out, cap,
		 "{\"connections\": %" PRIu64 ", \"open\": %zu, \"refused\": %" PRIu64 ", \"cuts\": %" PRIu64
		 ", \"bytes_up\": %" PRIu64 ", \"bytes_down\": %" PRIu64 ", \"bytes_up_read\": %" PRIu64
		 ", \"bytes_down_read\": %" PRIu64 ", \"turns\": %" PRIu64 "}\n",
		 s->connections, px->nconns, s->refused, s->cuts, s->up_written, s->down_written,
		 s->up_read, s->down_read, s->turns);
}

/* Rewrite --stats (atomically) whenever a connection ends, so a bench may
 * read it while the proxy runs. */
static void write_stats(link_proxy *px)
{
	char json[512];

	if (!stats_path_of_run)
		return;
	stats_json(px, json, sizeof json);
	proto_result r = proto_write_file_atomic(stats_path_of_run, json, strlen(json), 0644);
	if (r != PROTO_OK)
		fprintf(stderr, PROG ": cannot write --stats '%s': %s\n", stats_path_of_run,
			proto_cause(r));
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
		      void *arg)
{
	(void)link_accept(arg, fd);
}

static void on_stop(evutil_socket_t sig, short what, void *arg)
{
	event_base_loopbreak(arg);
}

/* The port the listener got, printed and written to port_file (atomically,
 * so a waiting test never reads half a number). 0, or -1 said. */
static int announce_port(struct evconnlistener *l, const char *port_file)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char line[16];
	int port;

	if (getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&ss, &len) < 0)
		return -1;
	port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					      : ((struct sockaddr_in *)&ss)->sin_port);
	snprintf(line, sizeof line, "%d\n", port);
	proto_result r = port_file ? proto_write_file_atomic(port_file, line, strlen(line), 0644)
				   : PROTO_OK;
	if (r != PROTO_OK) {
		fprintf(stderr, PROG ": cannot write --port-file '%s': %s\n", port_file, proto_cause(r));
		return -1;
	}
	fputs(line, stdout);
	fflush(stdout);
	return 0;
}

/* Listen and forward until SIGTERM/SIGINT. 0, or 1 when it cannot. */
static int run(link_proxy *px, const options *o, struct sockaddr_storage *addr, socklen_t addrlen)
{
	struct event_config *cfg = event_config_new();
	struct evconnlistener *l = NULL;
	struct event *sigs[2] = { NULL, NULL };
	char json[512];
	int rc = 1;

	if (!cfg)
		goto out;
	/* the delays are milliseconds: the coarse clock's ticks are too rough */
	event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
	px->base = event_base_new_with_config(cfg);
	if (!px->base)
		goto out;
	l = evconnlistener_new_bind(px->base, on_accept, px, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
				    -1, (struct sockaddr *)addr, (int)addrlen);
	if (!l) {
		fprintf(stderr, PROG ": cannot listen on '%s': %s; choose another --listen\n", o->listen,
			strerror(errno));
		goto out;
	}
	sigs[0] = evsignal_new(px->base, SIGTERM, on_stop, px->base);
	sigs[1] = evsignal_new(px->base, SIGINT, on_stop, px->base);
	if (!sigs[0] || !sigs[1] || evsignal_add(sigs[0], NULL) < 0 || evsignal_add(sigs[1], NULL) < 0)
		goto out;
	stats_path_of_run = o->stats_path;
	px->on_change = write_stats;
	if (announce_port(l, o->port_file) < 0)
		goto out;
	write_stats(px);
	event_base_dispatch(px->base);
	rc = 0;
out:
	if (px->base)
		link_close_all(px);
	px->on_change = NULL;
	if (rc == 0) {
		write_stats(px);
		stats_json(px, json, sizeof json);
		fputs(json, stdout);
	}
	for (int i = 0; i < 2; i++)
		if (sigs[i])
			event_free(sigs[i]);
	if (l)
		evconnlistener_free(l);
	if (px->base)
		event_base_free(px->base);
	if (cfg)
		event_config_free(cfg);
	return rc;
}

int main(int argc, char **argv)
{
	options o = { .listen = "127.0.0.1:0" };
	static link_proxy px;
	struct sockaddr_storage listen_addr;
	socklen_t listen_len = 0;
	cli_error err;
	const cli_opt opts[] = {
		CLI_STRING("listen", &o.listen, "HOST:PORT", "where to listen (default 127.0.0.1:0)"),
		CLI_STRING("to", &o.to, "HOST:PORT", "where to forward each connection (required)"),
		CLI_STRING("rate", &o.rate, "BITS_PER_S", "shape each direction to this rate (1M = 10^6)"),
		CLI_INT("delay", &o.delay_ms, 0, 60000, "MS", "delay each direction by MS (RTT + 2 x MS)"),
		CLI_STRING("cut-after", &o.cut_after, "N[,N...]",
			   "reset the Nth connection after N client bytes (0: not cut)"),
		CLI_INT64("cut-every", &o.cut_every, 1, INT64_MAX, "BYTES",
			  "reset the connection carrying each BYTES of client bytes"),
		CLI_STRING("port-file", &o.port_file, "FILE", "write the port bound here too"),
		CLI_STRING("stats", &o.stats_path, "FILE", "keep the counts (JSON) in this file"),
	};
	cli_spec spec = { CLI_TABLE(opts), .args = NULL, .maxargs = 0, .flags = CLI_NONEMPTY };

	switch (cli_parse(&spec, argc - 1, argv + 1, &err)) {
	case CLI_HELP:
		usage(stdout, opts, CLI_ARRAY_SIZE(opts));
		return 0;
	case CLI_ERROR:
		say_cli_error(&err);
		return 2;
	case CLI_OK:
		break;
	}
	if (setup(&px, &o, &listen_addr, &listen_len) < 0)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	return run(&px, &o, &listen_addr, listen_len);
}
