/*
 * test_file_errors.c - a file that cannot be written or read says why: the
 * errno of the failing system call travels from proto's file functions
 * (proto_errno, proto_cause) into the message, instead of "input/output
 * error". Each case makes the kernel really fail: a file-size limit
 * (RLIMIT_FSIZE with SIGXFSZ ignored gives EFBIG, as a full FAT stick gives
 * ENOSPC or EFBIG), a directory that is not there, a directory read as a file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>
#include "maiam/fsutil.h"

static char dir[] = "/tmp/maiam-file-errors.XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[sizeof dir + 16];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Over the file-size limit: EFBIG, and no temporary file is left behind. */
static void write_over_the_limit(void **state)
{
	static uint8_t data[64 * 1024];
	struct rlimit old, small = { 4096, 0 };
	char path[sizeof dir + 32], tmp[sizeof path + 32];
	void (*was)(int);
	proto_result r;

	(void)state;
	snprintf(path, sizeof path, "%s/big.maiam", dir);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small.rlim_max = old.rlim_max;
	was = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	r = proto_write_file_atomic(path, data, sizeof data, 0644);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, was);

	assert_int_equal(r, PROTO_EIO);
	assert_int_equal(proto_errno(), EFBIG);
	assert_string_equal(proto_cause(r), strerror(EFBIG));
	assert_int_equal(access(path, F_OK), -1);
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	assert_int_equal(access(tmp, F_OK), -1);
	/* the same write without the limit works */
	assert_int_equal(proto_write_file_atomic(path, data, sizeof data, 0644), PROTO_OK);
}

static void write_into_missing_dir(void **state)
{
	char path[sizeof dir + 32];
	proto_result r;

	(void)state;
	snprintf(path, sizeof path, "%s/no/such/x.maiam", dir);
	r = proto_write_file_atomic(path, "x", 1, 0644);
	assert_int_equal(r, PROTO_EIO);
	assert_int_equal(proto_errno(), ENOENT);
	assert_string_equal(proto_cause(r), strerror(ENOENT));
}

static void read_a_directory(void **state)
{
	proto_buf b;
	proto_result r;

	(void)state;
	proto_buf_init(&b, 1024);
	r = proto_read_file(dir, &b);
	proto_buf_release(&b);
	assert_int_equal(r, PROTO_EIO);
	assert_int_equal(proto_errno(), EISDIR);
	assert_int_equal(errno, EISDIR); /* callers that read errno still can */
}

/* Not an I/O failure: the text of the result itself, whatever errno was last. */
static void other_results_keep_their_text(void **state)
{
	(void)state;
	assert_string_equal(proto_cause(PROTO_EDB), proto_strerror(PROTO_EDB));
	assert_string_equal(proto_cause(PROTO_ENOMEM), proto_strerror(PROTO_ENOMEM));
}

static void *errno_of_new_thread(void *arg)
{
	*(int *)arg = proto_errno();
	return NULL;
}

/* Each thread has its own: a hub thread never reads another's cause. */
static void per_thread(void **state)
{
	pthread_t t;
	int seen = -1;

	(void)state;
	assert_int_equal(proto_read_file(dir, &(proto_buf){ 0 }), PROTO_EIO);
	assert_int_equal(pthread_create(&t, NULL, errno_of_new_thread, &seen), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(seen, 0);
	assert_int_equal(proto_errno(), EISDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(write_over_the_limit), cmocka_unit_test(write_into_missing_dir),
		cmocka_unit_test(read_a_directory),     cmocka_unit_test(other_results_keep_their_text),
		cmocka_unit_test(per_thread),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
