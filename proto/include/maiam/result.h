/*
 * result.h - the one result type of the proto library.
 *
 * Every proto_ function that can fail returns a proto_result. PROTO_OK is 0,
 * every failure is a distinct code so that a caller (and a test) can tell a
 * truncated change-set from a forged one. proto_strerror() gives a short,
 * lowercase English text for logs and user messages.
 *
 * PROTO_EIO comes from a failed system call: proto_errno() keeps that call's
 * errno, so a message can say "No space left on device" and what to do about
 * it rather than "input/output error".
 */
#ifndef MAIAM_RESULT_H
#define MAIAM_RESULT_H

typedef enum proto_result {
	PROTO_OK = 0,
	PROTO_ENOMEM,  /* allocation failed */
	PROTO_EINVAL,  /* bad argument from the caller (a programming error) */
	PROTO_EIO,     /* file read/write/fsync/rename failed (see errno) */
	PROTO_ETOOBIG, /* a capped buffer would exceed its cap */

	/* decoding a sealed change-set: each rejection has its own code */
	PROTO_EMAGIC,     /* not a Mái Ấm change-set (bad magic) */
	PROTO_EVERSION,   /* format version this code does not read */
	PROTO_ETRUNCATED, /* input ends before a declared field or length */
	PROTO_ETRAILING,  /* bytes after the end of a declared structure */
	PROTO_EHEADER,    /* a header field has a forbidden value */
	PROTO_ELIMIT,     /* a declared length or count is over its limit */
	PROTO_EKEYID,     /* signature key id does not match the origin */
	PROTO_ESIGNATURE, /* Ed25519 signature does not verify */
	PROTO_ERATIO,     /* declared inflated size too large for its compressed size */
	PROTO_EINFLATE,   /* the deflate stream is corrupt */
	PROTO_ELENGTH,    /* inflated size differs from the declared size */
	PROTO_ECOUNT,     /* record or change count differs from the header */
	PROTO_EBODY,      /* malformed body: varint, kind, field, type or order */
	PROTO_EUTF8,      /* text that is not valid UTF-8 (or contains NUL) */
	PROTO_EVALUE,     /* a value out of its allowed range */

	/* keys and crypto */
	PROTO_ECRYPTO,  /* OpenSSL failed unexpectedly */
	PROTO_EKEYFILE, /* key file unreadable, malformed or not Ed25519 */

	/* clock */
	PROTO_ECLOCK, /* a remote stamp is too far ahead of the wall clock */

	/* database */
	PROTO_EDB,     /* SQLite returned an error */
	PROTO_ESCHEMA, /* database schema is newer than this program */

	/* stored data */
	PROTO_EHASH, /* stored bytes differ from the hash recorded with them */

	PROTO_RESULT_MAX
} proto_result;

/* Static text for a result code; never NULL, unknown codes included. */
const char *proto_strerror(proto_result r);

/*
 * The errno of the system call that made this thread's last PROTO_EIO
 * (proto_write_file_atomic, proto_read_file and the key and campaign loaders
 * built on them); 0 when none failed yet. Thread-local: each hub thread
 * reads its own. errno itself is left as the failing call set it, too.
 */
int proto_errno(void);
/* proto's own files: note err as the cause and return PROTO_EIO. */
proto_result proto_eio(int err);
/*
 * The cause of r as text for a message: strerror(proto_errno()) for a
 * PROTO_EIO with a known errno (in the C library's language), else
 * proto_strerror(r). Never NULL; the text may be overwritten by a later call.
 */
const char *proto_cause(proto_result r);

#endif
