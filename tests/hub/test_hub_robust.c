/*
 * test_hub_robust.c - maiam-hub under hostile or unlucky conditions, each
 * with a real hub process: a client dripping its headers one byte a second
 * and one sending nothing are both dropped in bounded time while another
 * agent pushes normally; SIGTERM lets an in-flight upload finish and be
 * merged; SIGKILL during a merge loses nothing and applies nothing twice.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <poll.h>
#include <unistd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <openssl/ssl.h>
#include "hubtest.h"
#include "testmain.h"

#define COMMUNE 31498

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct slow_result {
	int port;
	double dropped_after; /* seconds until the hub closed on us; < 0 never */
	int mode;             /* 0: drip headers over TLS, 1: send nothing */
} slow_result;

static void *slow_client(void *arg)
{
	slow_result *sr = arg;
	static const char req[] = "POST /v1/push HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1\r\n"
				  "X-Slower: 2\r\nX-Slowest: 3\r\n";
	double t0 = now_s();
	int fd = ht_tcp_connect(sr->port);
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	char c;
	size_t i;

	sr->dropped_after = -1;
	if (fd < 0)
		return NULL;
	if (sr->mode == 1) {
		/* nothing at all, not even a TLS hello: wait for the hub's close */
		struct timeval tv = { 15, 0 };
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (recv(fd, &c, 1, 0) <= 0 && now_s() - t0 < 15)
			sr->dropped_after = now_s() - t0;
		close(fd);
		return NULL;
	}
	ctx = SSL_CTX_new(TLS_client_method());
	ssl = ctx ? SSL_new(ctx) : NULL;
	if (!ssl || !SSL_set_fd(ssl, fd) || SSL_connect(ssl) != 1)
		goto out;
	for (i = 0; i < sizeof(req) - 1; i++) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		if (SSL_write(ssl, &req[i], 1) != 1)
			break;
		/* a second between bytes, but notice at once when the hub hangs up */
		if (poll(&pfd, 1, 1000) > 0 && SSL_read(ssl, &c, 1) <= 0)
			break;
		if (now_s() - t0 > 20)
			goto out;
	}
	sr->dropped_after = now_s() - t0;
out:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	return NULL;
}

static void test_slow_clients_dropped(void **state)
{
	ht_hub h;
	ht_agent a;
	pthread_t t1, t2;
	slow_result drip = { 0, 0, 0 }, mute = { 0, 0, 1 };
	proto_buf b;
	ht_resp r;
	double t0;
	int i;

	(void)state;
	assert_int_equal(ht_hub_up(&h, &a, COMMUNE, "--header-timeout 3"), 0);
	drip.port = mute.port = h.port;
	assert_int_equal(pthread_create(&t1, NULL, slow_client, &drip), 0);
	assert_int_equal(pthread_create(&t2, NULL, slow_client, &mute), 0);
	/* meanwhile a normal agent syncs, several times, without waiting on them */
	proto_buf_init(&b, 1 << 24);
	for (i = 0; i < 5; i++) {
		proto_buf_reset(&b);
		assert_int_equal(ht_households(&a, NULL, COMMUNE, 10, &b, 0), 0);
		t0 = now_s();
		assert_int_equal(ht_request(&h, &a, "POST", "/v1/push", b.data, b.len, &r), 0);
		assert_int_equal(r.status, 200);
		assert_true(now_s() - t0 < 2.0);
		ht_resp_free(&r);
		usleep(300000);
	}
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	/* header deadline 3 s (+ a sweep, + the drip's 1 s steps) */
	assert_true(drip.dropped_after > 2.5 && drip.dropped_after < 7);
	assert_true(mute.dropped_after > 2.5 && mute.dropped_after < 7);
	assert_true(ht_sql(&h, "SELECT count(*) FROM hub_ledger") == 5);
	assert_int_equal(ht_hub_stop(&h, SIGTERM), 0);
	proto_buf_release(&b);
	ht_agent_free(&a);
	assert_int_equal(ht_hub_remove(&h), 0);
}

typedef struct slow_push {
	ht_hub *h;
	ht_agent *a;
	const proto_buf *b;
	long status;
	char body[512];
	long speed;      /* bytes/s, 0 unlimited */
	atomic_int done; /* read by the test thread while the push runs */
	int sent_fd;     /* written once when the body starts going out (or the push ended) */
	atomic_int told;
} slow_push;

/* Tell the test thread, once, that the push has come this far. */
static void tell(slow_push *sp)
{
	char one = 1;

	if (sp->sent_fd >= 0 && !atomic_exchange(&sp->told, 1))
		(void)!write(sp->sent_fd, &one, 1);
}

/* curl's progress: the first body bytes are out, so the hub accepted the
 * connection and has (or will have) the request's headers in its socket. */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal;
	if (ulnow > 0)
		tell(arg);
	return 0;
}

static void *push_thread(void *arg)
{
	slow_push *sp = arg;
	CURL *c = curl_easy_init();
	char url[128], ca[320];
	FILE *sink = fopen("/dev/null", "w");

	snprintf(url, sizeof(url), "https://localhost:%d/v1/push", sp->h->port);
	snprintf(ca, sizeof(ca), "%s/hub/ca.pem", sp->h->dir);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	curl_easy_setopt(c, CURLOPT_SSLCERT, sp->a->cert_path);
	curl_easy_setopt(c, CURLOPT_SSLKEY, sp->a->key_path);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, sp->b->data);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)sp->b->len);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, sink);
	if (sp->speed)
		curl_easy_setopt(c, CURLOPT_MAX_SEND_SPEED_LARGE, (curl_off_t)sp->speed);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, sp);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &sp->status);
	curl_easy_cleanup(c);
	if (sink)
		fclose(sink);
	sp->done = 1;
	tell(sp); /* a push that never sent its body must not leave the test waiting */
	return NULL;
}

static void test_sigterm_finishes_inflight(void **state)
{
	ht_hub h;
	ht_agent a;
	proto_buf b;
	slow_push sp;
	pthread_t t;
	ht_resp r;

	int sent[2], err_fd = -1;
	char ch;

	(void)state;
	assert_int_equal(ht_hub_up(&h, &a, COMMUNE, NULL), 0);
	/* again, with its stderr where this test can wait for what it says */
	assert_int_equal(ht_hub_stop(&h, SIGTERM), 0);
	assert_int_equal(ht_hub_start_watched(&h, NULL, &err_fd), 0);
	proto_buf_init(&b, 1 << 24);
	assert_int_equal(ht_big_households(&a, COMMUNE, 2000, 48, (unsigned)getpid(), &b), 0);
	assert_int_equal(pipe(sent), 0);
	memset(&sp, 0, sizeof(sp));
	sp.h = &h, sp.a = &a, sp.b = &b;
	sp.sent_fd = sent[1];
	sp.speed = (long)b.len / 2; /* about two seconds of upload */
	assert_int_equal(pthread_create(&t, NULL, push_thread, &sp), 0);
	/* in flight: the body has started going out... */
	assert_int_equal(read(sent[0], &ch, 1), 1);
	assert_false(sp.done);
	/* ...and the hub's loop has read what came before this answer, so the
	 * push's connection is no longer idle there */
	assert_int_equal(ht_request(&h, &a, "GET", "/v1/health", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	ht_resp_free(&r);
	kill(h.pid, SIGTERM);
	assert_int_equal(ht_wait_line(err_fd, "no new connections"), 0);
	/* no new connections once stopping */
	assert_int_not_equal(ht_request(&h, &a, "GET", "/v1/health", NULL, 0, &r), 0);
	ht_resp_free(&r);
	pthread_join(t, NULL);
	assert_int_equal(sp.status, 200);
	/* exits cleanly by itself, once its answer is sent and its store closed
	 * (another signal now would race that last step) */
	assert_int_equal(ht_hub_wait(&h), 0);
	close(err_fd);
	close(sent[0]);
	close(sent[1]);
	assert_true(ht_sql(&h, "SELECT count(*) FROM hub_ledger") == 1);
	assert_true(ht_sql(&h, "SELECT count(*) FROM household") == 2000);
	proto_buf_release(&b);
	ht_agent_free(&a);
	assert_int_equal(ht_hub_remove(&h), 0);
}

static void test_sigkill_mid_merge(void **state)
{
	ht_hub h;
	ht_agent a;
	proto_buf b;
	int trial, households = 0;

	(void)state;
	assert_int_equal(ht_hub_up(&h, &a, COMMUNE, "--max-records 65536"), 0);
	proto_buf_init(&b, 1 << 25);
	for (trial = 0; trial < 4; trial++) {
		slow_push sp;
		pthread_t t;
		ht_resp r;

		proto_buf_reset(&b);
		assert_int_equal(ht_big_households(&a, COMMUNE, 20000, 48, (unsigned)getpid(), &b), 0);
		households += 20000;
		memset(&sp, 0, sizeof(sp));
		sp.h = &h, sp.a = &a, sp.b = &b;
		sp.sent_fd = -1;
		assert_int_equal(pthread_create(&t, NULL, push_thread, &sp), 0);
		usleep(100000 + (useconds_t)trial * 150000);
		kill(h.pid, SIGKILL);
		pthread_join(t, NULL);
		ht_hub_stop(&h, SIGKILL);
		assert_int_equal(ht_hub_start(&h, "--max-records 65536"), 0);
		/* the laptop retries: applied now, or already applied before the kill */
		assert_int_equal(ht_request(&h, &a, "POST", "/v1/push", b.data, b.len, &r), 0);
		assert_int_equal(r.status, 200);
		ht_resp_free(&r);
		assert_true(ht_sql(&h, "SELECT count(*) FROM hub_ledger") == trial + 1);
		assert_true(ht_sql(&h, "SELECT count(*) FROM household") == households);
	}
	assert_int_equal(ht_hub_stop(&h, SIGTERM), 0);
	proto_buf_release(&b);
	ht_agent_free(&a);
	assert_int_equal(ht_hub_remove(&h), 0);
}

/* the slow client writes to a socket the hub closed: ht_net_setup ignores SIGPIPE */
TEST_MAIN_WITH(ht_net_setup, ht_net_teardown, cmocka_unit_test(test_slow_clients_dropped),
	       cmocka_unit_test(test_sigterm_finishes_inflight), cmocka_unit_test(test_sigkill_mid_merge))
