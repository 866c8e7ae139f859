/*
 * fsutil.c - atomic file replacement (git's lockfile habit) and bounded reads.
 * A laptop may lose power at any instant: a state file is either the old one
 * or the new one, never a torn mix.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "maiam/fsutil.h"

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync the directory holding path so the rename itself is durable. */
static int sync_parent(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, rc;

	if (!slash) {
		snprintf(dir, sizeof dir, ".");
	} else if (slash == path) {
		snprintf(dir, sizeof dir, "/");
	} else {
		if ((size_t)(slash - path) >= sizeof dir) {
			errno = ENAMETOOLONG;
			return -1;
		}
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

proto_result proto_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	char tmp[PATH_MAX];
	int fd = -1, n;
	proto_result r = PROTO_EIO;

	assert(path && (data || len == 0));
	n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof tmp)
		return PROTO_EINVAL;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		goto out;
	/* the umask may have narrowed mode; a key must not end up wider either */
	if (fchmod(fd, mode) != 0)
		goto out;
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0)
		goto out;
	/* a full disk may only show here, when the kernel writes the pages back */
	n = close(fd);
	fd = -1;
	if (n != 0)
		goto out;
	if (rename(tmp, path) != 0)
		goto out;
	if (sync_parent(path) != 0)
		goto out;
	r = PROTO_OK;
out:
	if (r != PROTO_OK) {
		int saved = errno;

		if (fd >= 0)
			close(fd);
		unlink(tmp);
		errno = saved;
		r = proto_eio(saved);
	}
	return r;
}

proto_result proto_read_file(const char *path, proto_buf *out)
{
	uint8_t chunk[65536];
	proto_result r = PROTO_OK;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return proto_eio(errno);
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = proto_eio(errno);
			break;
		}
		if (n == 0)
			break;
		r = proto_buf_append(out, chunk, (size_t)n);
		if (r != PROTO_OK)
			break;
	}
	close(fd);
	if (r == PROTO_EIO)
		errno = proto_errno(); /* close() may have changed it; callers read it */
	return r;
}
