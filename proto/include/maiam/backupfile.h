/*
 * backupfile.h - what the backups of both programs share (docs/BACKUP.md):
 * a secret sealed with a passphrase, the passphrase's line, and a file
 * copied with its SHA-256 taken on the way.
 *
 * Sealed layout: "MAIAM-SEALED-KEY 1\n", salt (16), nonce (12), ciphertext,
 * tag (16). scrypt (N 2^15, r 8, p 1: about 32 MiB and a tenth of a second)
 * derives an AES-256-GCM key from the passphrase and the salt; aad (the
 * secret's name) is authenticated with it, so a sealed secret cannot be
 * passed off as another.
 */
#ifndef MAIAM_BACKUPFILE_H
#define MAIAM_BACKUPFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "buf.h"
#include "result.h"

#define PROTO_PASSPHRASE_MIN 10   /* characters a new backup's passphrase has at least */
#define PROTO_PASSPHRASE_MAX 1024 /* bytes of the line, its newline included */

/* plain sealed with passphrase, bound to aad, into out (reset first).
 * PROTO_OK, PROTO_ENOMEM, or PROTO_ECRYPTO (OpenSSL or the random source). */
proto_result proto_passphrase_seal(const char *passphrase, const char *aad, const uint8_t *plain,
				   size_t len, proto_buf *out);
/* The sealed bytes opened into out (reset first): PROTO_OK, PROTO_EMAGIC
 * (not sealed bytes), PROTO_ESIGNATURE (a wrong passphrase, another aad, or
 * damaged), PROTO_ENOMEM. */
proto_result proto_passphrase_open(const char *passphrase, const char *aad, const uint8_t *sealed,
				   size_t len, proto_buf *out);
/* The first line of file, or of standard input for "-", without its line
 * end, into out (size at least PROTO_PASSPHRASE_MAX): PROTO_OK; PROTO_EIO
 * (proto_errno) when the file cannot be read; PROTO_EINVAL for "-" on a
 * terminal (where it would show); PROTO_EVALUE when the line is empty or
 * longer than size. */
proto_result proto_passphrase_read(const char *file, char *out, size_t size);
/* Copy src to the new file dest (mode, O_EXCL: the caller picks a fresh
 * name), fsync'd, with the SHA-256 and size of the bytes copied; dest NULL:
 * only the hash and size. PROTO_EIO (proto_errno) on a failed call; dest
 * is removed then. */
proto_result proto_copy_file_sha256(const char *src, const char *dest, mode_t mode, uint8_t sha[32],
				    uint64_t *size);

#endif
