/*
 * result.c - text for every proto_result. Kept short and lowercase so callers
 * can embed it in "what failed: why; what to do" messages.
 */
#include <string.h>
#include "maiam/result.h"

/* the errno behind this thread's last PROTO_EIO (see proto_eio) */
static _Thread_local int last_errno;

static const char *const texts[PROTO_RESULT_MAX] = {
	[PROTO_OK] = "ok",
	[PROTO_ENOMEM] = "out of memory",
	[PROTO_EINVAL] = "invalid argument",
	[PROTO_EIO] = "input/output error",
	[PROTO_ETOOBIG] = "data larger than its limit",
	[PROTO_EMAGIC] = "not a Mái Ấm change-set (bad magic)",
	[PROTO_EVERSION] = "unsupported change-set format version",
	[PROTO_ETRUNCATED] = "change-set is truncated",
	[PROTO_ETRAILING] = "unexpected bytes after the end of the change-set",
	[PROTO_EHEADER] = "change-set header has a forbidden value",
	[PROTO_ELIMIT] = "declared length or count is over its limit",
	[PROTO_EKEYID] = "signature key id does not match the change-set origin",
	[PROTO_ESIGNATURE] = "signature does not verify",
	[PROTO_ERATIO] = "declared size is too large for the compressed data (possible zip bomb)",
	[PROTO_EINFLATE] = "compressed body is corrupt",
	[PROTO_ELENGTH] = "inflated body size differs from the declared size",
	[PROTO_ECOUNT] = "record or change count differs from the header",
	[PROTO_EBODY] = "malformed change-set body",
	[PROTO_EUTF8] = "text is not valid UTF-8",
	[PROTO_EVALUE] = "value out of range",
	[PROTO_ECRYPTO] = "cryptographic operation failed",
	[PROTO_EKEYFILE] = "key file is unreadable or not an Ed25519 key",
	[PROTO_ECLOCK] = "stamp is too far ahead of the local clock",
	[PROTO_EDB] = "database error",
	[PROTO_EHASH] = "stored change-set does not match its recorded hash",
	[PROTO_ESCHEMA] = "database was written by a newer version of Mái Ấm",
};

const char *proto_strerror(proto_result r)
{
	if ((unsigned)r >= PROTO_RESULT_MAX || !texts[r])
		return "unknown error";
	return texts[r];
}

int proto_errno(void)
{
	return last_errno;
}

proto_result proto_eio(int err)
{
	last_errno = err;
	return PROTO_EIO;
}

const char *proto_cause(proto_result r)
{
	if (r == PROTO_EIO && last_errno != 0)
		return strerror(last_errno);
	return proto_strerror(r);
}
