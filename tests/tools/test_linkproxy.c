/*
 * test_linkproxy.c - the weak-link proxy of the benches (tests/tools/linkproxy):
 * bytes go through unchanged both ways, cuts fall after exactly the bytes
 * asked for and on the connections asked for, its counts and port file say
 * what happened, and a bad command line exits 2 with a clear message. Every
 * check is on counts and contents, none on time: rate and delay accuracy is
 * bench/bench_link.c's business.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include "linkpeer.h"
#include "testmain.h"
#include "testutil.h"

#define MB (1024u * 1024u)

static const char *linkproxy_bin(void)
{
	const char *env = getenv("MAIAM_LINKPROXY"); /* e.g. a sanitizer build of it */
	return env && *env ? env : LINKPROXY_BIN;
}

/* A running proxy in front of a listening "server" socket of the test. */
typedef struct proxy_run {
	char *dir;
	char port_file[4200], stats_file[4200];
	pid_t pid;
	int out, err;
	int port;
	int server_fd;
} proxy_run;

/* Start linkproxy --to (our listener) with extra arguments (NULL-terminated). */
static void proxy_start(proxy_run *r, const char *extra, ...)
{
	char to[64];
	char *argv[32];
	int n = 0, server_port = 0;
	va_list ap;

	memset(r, 0, sizeof *r);
	r->dir = test_mkdtemp();
	assert_non_null(r->dir);
	r->server_fd = lp_listen(&server_port);
	assert_true(r->server_fd >= 0);
	snprintf(to, sizeof to, "127.0.0.1:%d", server_port);
	snprintf(r->port_file, sizeof r->port_file, "%s/port", r->dir);
	snprintf(r->stats_file, sizeof r->stats_file, "%s/stats.json", r->dir);
	argv[n++] = (char *)linkproxy_bin();
	argv[n++] = "--to";
	argv[n++] = to;
	argv[n++] = "--port-file";
	argv[n++] = r->port_file;
	argv[n++] = "--stats";
	argv[n++] = r->stats_file;
	va_start(ap, extra);
	for (const char *a = extra; a && n < 31; a = va_arg(ap, const char *))
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	r->pid = lp_spawn(argv, &r->out, &r->err);
	assert_true(r->pid > 0);
	r->port = lp_read_port(r->out);
	assert_true(r->port > 0);

	/* the port file is written (atomically) before the port is printed */
	FILE *f = fopen(r->port_file, "r");
	int filed = -1;
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &filed), 1);
	fclose(f);
	assert_int_equal(filed, r->port);
}

/* SIGTERM the proxy: it must exit 0 and leave its counts in the stats file. */
static json_t *proxy_stop(proxy_run *r)
{
	json_error_t jerr;

	assert_int_equal(lp_stop(r->pid), 0);
	json_t *stats = json_load_file(r->stats_file, 0, &jerr);
	assert_non_null(stats);
	close(r->out);
	close(r->err);
	if (r->server_fd >= 0)
		close(r->server_fd);
	test_rmtree(r->dir);
	free(r->dir);
	return stats;
}

static uint64_t stat_of(json_t *stats, const char *name)
{
	json_t *v = json_object_get(stats, name);
	assert_true(json_is_integer(v));
	return (uint64_t)json_integer_value(v);
}

static void hash_chunk(void *arg, const unsigned char *p, size_t n)
{
	assert_int_equal(EVP_DigestUpdate(arg, p, n), 1);
}

/* SHA-256 of the first n bytes of stream seed. */
static void stream_digest(uint64_t seed, uint64_t n, unsigned char out[32])
{
	unsigned char buf[16384];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL), 1);
	while (n) {
		size_t k = n < sizeof buf ? (size_t)n : sizeof buf;
		lp_stream(&seed, buf, k);
		EVP_DigestUpdate(ctx, buf, k);
		n -= k;
	}
	assert_int_equal(EVP_DigestFinal_ex(ctx, out, NULL), 1);
	EVP_MD_CTX_free(ctx);
}

/* One connection through the proxy: the client sends up_bytes of stream 1,
 * the server down_bytes of stream 2, each shutting its side when
 * done; both digests of what arrived must match what left, byte for byte,
 * as far as it arrived. Returns the two ends, sockets closed. */
static void exchange(proxy_run *r, uint64_t up_bytes, uint64_t down_bytes, bool server_shuts,
		     lp_peer *client, lp_peer *server)
{
	EVP_MD_CTX *at_server = EVP_MD_CTX_new(), *at_client = EVP_MD_CTX_new();
	unsigned char got[32], want[32];
	int cfd = lp_connect(r->port);

	assert_true(cfd >= 0);
	int sfd = accept(r->server_fd, NULL, NULL);
	assert_true(sfd >= 0);
	lp_peer_init(client, cfd, 1, up_bytes, true);
	lp_peer_init(server, sfd, 2, down_bytes, server_shuts);
	EVP_DigestInit_ex(at_server, EVP_sha256(), NULL);
	EVP_DigestInit_ex(at_client, EVP_sha256(), NULL);
	server->on_recv = hash_chunk;
	server->recv_arg = at_server;
	client->on_recv = hash_chunk;
	client->recv_arg = at_client;
	lp_peer both[2] = { *client, *server };
	lp_pump(both, 2);
	*client = both[0];
	*server = both[1];
	close(cfd);
	close(sfd);

	EVP_DigestFinal_ex(at_server, got, NULL);
	stream_digest(1, server->received, want);
	assert_memory_equal(got, want, 32);
	EVP_DigestFinal_ex(at_client, got, NULL);
	stream_digest(2, client->received, want);
	assert_memory_equal(got, want, 32);
	EVP_MD_CTX_free(at_server);
	EVP_MD_CTX_free(at_client);
}

static void check_8mb_each_way(proxy_run *r)
{
	lp_peer client, server;

	exchange(r, 8 * MB, 8 * MB, true, &client, &server);
	assert_int_equal(server.received, 8 * MB);
	assert_int_equal(client.received, 8 * MB);
	assert_false(client.reset);
	assert_false(server.reset);

	json_t *stats = proxy_stop(r);
	assert_int_equal(stat_of(stats, "connections"), 1);
	assert_int_equal(stat_of(stats, "open"), 0);
	assert_int_equal(stat_of(stats, "cuts"), 0);
	assert_int_equal(stat_of(stats, "bytes_up"), 8 * MB);
	assert_int_equal(stat_of(stats, "bytes_down"), 8 * MB);
	assert_int_equal(stat_of(stats, "bytes_up_read"), 8 * MB);
	assert_int_equal(stat_of(stats, "bytes_down_read"), 8 * MB);
	json_decref(stats);
}

static void passes_8mb_each_way_unchanged(void **state)
{
	proxy_run r;
	proxy_start(&r, NULL);
	check_8mb_each_way(&r);
}

/* Through the token buckets and the delay lines the bytes are the same. */
static void shaped_and_delayed_bytes_are_unchanged(void **state)
{
	proxy_run r;
	proxy_start(&r, "--rate", "400M", "--delay", "3", NULL);
	check_8mb_each_way(&r);
}

/* --cut-after 0,300000: the first connection is left alone, the second is
 * reset once exactly 300,000 client bytes reached the server, the third
 * (past the list) is left alone. */
static void cut_after_resets_the_nth_connection_after_its_bytes(void **state)
{
	proxy_run r;
	lp_peer client, server;

	proxy_start(&r, "--cut-after", "0,300000", NULL);
	exchange(&r, 400000, 50000, true, &client, &server);
	assert_int_equal(server.received, 400000);
	assert_int_equal(client.received, 50000);
	assert_false(client.reset);

	exchange(&r, 1000000, 0, false, &client, &server);
	assert_int_equal(server.received, 300000); /* and they were the stream's first bytes */
	assert_true(server.reset);                 /* an RST, not a FIN */
	assert_true(client.reset);
	assert_true(client.sent >= 300000);

	exchange(&r, 1000000, 1000, true, &client, &server);
	assert_int_equal(server.received, 1000000);
	assert_int_equal(client.received, 1000);
	assert_false(client.reset);

	json_t *stats = proxy_stop(&r);
	assert_int_equal(stat_of(stats, "connections"), 3);
	assert_int_equal(stat_of(stats, "cuts"), 1);
	assert_int_equal(stat_of(stats, "bytes_up"), 400000 + 300000 + 1000000);
	assert_int_equal(stat_of(stats, "bytes_down"), 50000 + 1000);
	assert_true(stat_of(stats, "bytes_up_read") >= 400000 + 300000 + 1000000);
	json_decref(stats);
}

/* --cut-every 100000 counts the client bytes of all connections together:
 * 60,000 pass on the first, the second is cut after 40,000 more, the third
 * after 100,000. */
static void cut_every_cuts_at_each_multiple_of_the_total(void **state)
{
	proxy_run r;
	lp_peer client, server;

	proxy_start(&r, "--cut-every", "100000", NULL);
	exchange(&r, 60000, 0, true, &client, &server);
	assert_int_equal(server.received, 60000);
	assert_false(server.reset);
	exchange(&r, 250000, 0, false, &client, &server);
	assert_int_equal(server.received, 40000);
	assert_true(server.reset);
	assert_true(client.reset);
	exchange(&r, 250000, 0, false, &client, &server);
	assert_int_equal(server.received, 100000);
	assert_true(server.reset);

	json_t *stats = proxy_stop(&r);
	assert_int_equal(stat_of(stats, "connections"), 3);
	assert_int_equal(stat_of(stats, "cuts"), 2);
	assert_int_equal(stat_of(stats, "bytes_up"), 200000);
	json_decref(stats);
}

/* When the server cannot be reached the client gets a reset, not a hang. */
static void a_refused_upstream_resets_the_client(void **state)
{
	proxy_run r;
	lp_peer client;

	proxy_start(&r, NULL);
	close(r.server_fd); /* nobody listens on --to any more */
	r.server_fd = -1;
	int cfd = lp_connect(r.port);
	assert_true(cfd >= 0);
	lp_peer_init(&client, cfd, 1, 1000, true);
	lp_pump(&client, 1);
	close(cfd);
	assert_true(client.reset);
	assert_int_equal(client.received, 0);

	json_t *stats = proxy_stop(&r);
	assert_int_equal(stat_of(stats, "connections"), 1);
	assert_int_equal(stat_of(stats, "open"), 0);
	assert_int_equal(stat_of(stats, "cuts"), 0);
	assert_int_equal(stat_of(stats, "bytes_up"), 0);
	json_decref(stats);
}

/* Run linkproxy with args; it must exit 2 and say want on stderr. */
static void refused(const char *want, const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[] = { (char *)linkproxy_bin(), (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL };
	char err[2048];
	size_t len = 0;
	int out = -1, errfd = -1, status;
	pid_t pid = lp_spawn(argv, &out, &errfd);

	assert_true(pid > 0);
	for (ssize_t n; len + 1 < sizeof err && (n = read(errfd, err + len, sizeof err - 1 - len)) != 0;)
		if (n > 0)
			len += (size_t)n;
		else if (errno != EINTR)
			break;
	err[len] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(out);
	close(errfd);
	if (!strstr(err, want))
		fail_msg("stderr of linkproxy lacks \"%s\": %s", want, err);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
}

static void bad_arguments_exit_2_and_say_why(void **state)
{
	refused("unknown option or argument '--bogus'", "--bogus", NULL, NULL, NULL);
	refused("missing --to HOST:PORT", "--rate", "1M", NULL, NULL);
	refused("--rate 'fast' is not a rate", "--to", "127.0.0.1:1", "--rate", "fast");
	refused("--rate '0' is not a rate", "--to", "127.0.0.1:1", "--rate", "0");
	refused("--rate '1Mbit' is not a rate", "--to", "127.0.0.1:1", "--rate", "1Mbit");
	refused("--delay '-5' is not a whole number from 0 to 60000", "--to", "127.0.0.1:1", "--delay",
		"-5");
	refused("--cut-after '10,,20' is not a list", "--to", "127.0.0.1:1", "--cut-after", "10,,20");
	refused("--cut-every 'x' is not a whole number", "--to", "127.0.0.1:1", "--cut-every", "x");
	refused("--to '127.0.0.1' is not HOST:PORT", "--to", "127.0.0.1", NULL, NULL);
	refused("--to '127.0.0.1:0' is not HOST:PORT", "--to", "127.0.0.1:0", NULL, NULL);
	refused("cannot resolve 'no-such-host.invalid' of --to", "--to", "no-such-host.invalid:443",
		NULL, NULL);
}

/* Exactly n bytes from fd (blocking), or a failed assertion. */
static void read_exactly(int fd, char *buf, size_t n)
{
	for (size_t got = 0; got < n;) {
		ssize_t k = read(fd, buf + got, n - got);
		assert_true(k > 0);
		got += (size_t)k;
	}
}

/* Turns are the round trips a client waits for: three request/answer
 * exchanges are three turns, however the answer is split, and what the
 * server says after the client's FIN (its close) is none. */
static void counts_a_turn_per_answer_the_client_waited_for(void **state)
{
	proxy_run r;
	char buf[64];

	proxy_start(&r, "--delay", "2", NULL);
	int cfd = lp_connect(r.port);
	assert_true(cfd >= 0);
	int sfd = accept(r.server_fd, NULL, NULL);
	assert_true(sfd >= 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(write(cfd, "request!", 8), 8);
		read_exactly(sfd, buf, 8);
		assert_int_equal(write(sfd, "ans", 3), 3);
		assert_int_equal(write(sfd, "wer", 3), 3);
		read_exactly(cfd, buf, 6);
	}
	assert_int_equal(shutdown(cfd, SHUT_WR), 0);
	assert_int_equal(read(sfd, buf, sizeof buf), 0); /* the client's FIN came through */
	assert_int_equal(write(sfd, "bye", 3), 3);
	read_exactly(cfd, buf, 3);
	close(sfd);
	assert_int_equal(read(cfd, buf, sizeof buf), 0);
	close(cfd);

	json_t *stats = proxy_stop(&r);
	assert_int_equal(stat_of(stats, "connections"), 1);
	assert_int_equal(stat_of(stats, "turns"), 3);
	json_decref(stats);
}

TEST_MAIN(cmocka_unit_test(passes_8mb_each_way_unchanged),
	  cmocka_unit_test(shaped_and_delayed_bytes_are_unchanged),
	  cmocka_unit_test(cut_after_resets_the_nth_connection_after_its_bytes),
	  cmocka_unit_test(cut_every_cuts_at_each_multiple_of_the_total),
	  cmocka_unit_test(a_refused_upstream_resets_the_client),
	  cmocka_unit_test(counts_a_turn_per_answer_the_client_waited_for),
	  cmocka_unit_test(bad_arguments_exit_2_and_say_why))
