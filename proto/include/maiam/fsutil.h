/*
 * fsutil.h - file helpers: atomic replace, bounded read.
 */
#ifndef MAIAM_FSUTIL_H
#define MAIAM_FSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "buf.h"
#include "result.h"

/*
 * Write data to path atomically: write to "path.tmp.<pid>", fsync, rename over
 * path, fsync the directory. Either the old or the new content survives a
 * crash, never a mix. mode is applied at creation (e.g. 0600 for keys).
 * PROTO_EIO when a system call fails (the temporary file is removed):
 * proto_errno() says why, e.g. ENOSPC for a full USB stick.
 */
proto_result proto_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* Read a whole file into out (its cap bounds the size: PROTO_ETOOBIG if
 * larger); PROTO_EIO with proto_errno() set when it cannot be opened or read. */
proto_result proto_read_file(const char *path, proto_buf *out);

#endif
