/*
 * test_ops_conn.c - a laptop killed while the hub holds its push comes back
 * at once (tests/sync/e2e_interrupt.sh's case, made certain here): its old
 * connection, in CLOSE_WAIT until the hub writes the answer, no longer
 * counts against --max-conns-per-key. The push is held for sure by a write
 * lock the test takes on hub.db (the writer waits on it), and /metrics,
 * read from 127.0.0.1, says when the writer holds it and that it still did
 * when the new connection was let in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "hubtest.h"

#define COMMUNE 31498

/* maiam_hub_writer_queue_depth from /metrics: the value, or -1. */
static long writer_queue(const ht_hub *h)
{
	char *page = ht_metrics_page(h);
	long v = (long)ht_metric(page, "maiam_hub_writer_queue_depth", "");

	free(page);
	return v;
}

/* Wait (at most ~60 s, polling) for the writer's queue to be n. */
static int wait_queue(const ht_hub *h, long n)
{
	int i;

	for (i = 0; i < 600; i++) {
		if (writer_queue(h) == n)
			return 0;
		usleep(100 * 1000);
	}
	return -1;
}

static void test_killed_sync_frees_its_slot(void **state)
{
	ht_hub h;
	ht_agent a;
	ht_tls t;
	proto_buf b;
	ht_resp r;
	sqlite3 *lock = NULL;
	char path[400], hdr[256];
	long long rows;
	int n;

	(void)state;
	assert_int_equal(ht_hub_up(&h, &a, COMMUNE, "--max-conns-per-key 1"), 0);
	rows = ht_sql(&h, "SELECT count(*) FROM hub_ledger");
	/* the writer's merges wait while the test holds the write lock */
	snprintf(path, sizeof(path), "%s/hub/hub.db", h.dir);
	assert_int_equal(sqlite3_open_v2(path, &lock, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(lock, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

	/* the laptop's push, on a connection of its own */
	proto_buf_init(&b, 1 << 20);
	assert_int_equal(ht_households(&a, NULL, COMMUNE, 3, &b, 0), 0);
	n = snprintf(hdr, sizeof(hdr),
		     "POST /v1/push HTTP/1.1\r\nHost: hub.test\r\n"
		     "Content-Type: application/octet-stream\r\nContent-Length: %zu\r\n\r\n",
		     b.len);
	assert_int_equal(ht_tls_open(&t, &h, NULL, &a), 0);
	assert_int_equal(ht_tls_write(&t, hdr, (size_t)n), 0);
	assert_int_equal(ht_tls_write(&t, b.data, b.len), 0);
	assert_int_equal(wait_queue(&h, 1), 0); /* the writer holds it */

	/* killed: the socket closes, no TLS goodbye */
	ht_tls_close(&t);
	/* and back at once, on the one connection its key may have */
	assert_int_equal(ht_request(&h, &a, "GET", "/v1/feedback", NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	ht_resp_free(&r);
	/* the old connection was still held when the new one was let in */
	assert_int_equal(writer_queue(&h), 1);

	/* the lock goes: the held push is merged (its answer goes nowhere) */
	assert_int_equal(sqlite3_exec(lock, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(lock);
	assert_int_equal(wait_queue(&h, 0), 0);
	assert_int_equal(ht_sql(&h, "SELECT count(*) FROM hub_ledger"), rows + 1);
	assert_int_equal(ht_hub_stop(&h, SIGTERM), 0);
	proto_buf_release(&b);
	ht_agent_free(&a);
	assert_int_equal(ht_hub_remove(&h), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_killed_sync_frees_its_slot),
	};
	/* ht_net_setup ignores SIGPIPE: the test writes to connections the hub closed */
	return cmocka_run_group_tests(tests, ht_net_setup, ht_net_teardown);
}
