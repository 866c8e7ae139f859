/*
 * result.h - what a hub function below the command layer returns: one
 * result type for all of them (store, ingest, reports). A lookup that may
 * find nothing returns HUB_OK and says so through an out-parameter. The
 * commands map results to exit codes; hub_strerror names a result for a
 * message, which also names the subject and the way out.
 */
#ifndef HUB_RESULT_H
#define HUB_RESULT_H

#include <stddef.h>

typedef enum hub_result {
	HUB_OK = 0,  /* done; for a change-set: applied, or already applied */
	HUB_REFUSED, /* the input was refused; the verdict (or err) says why */
	HUB_EDB,     /* the database failed; the message has SQLite's words */
	HUB_ENOMEM,  /* out of memory, or a capped output buffer is full */
	HUB_EIO,     /* a file failed; the message has strerror(errno) */
	HUB_ERANGE,  /* a sum passed 64-bit integers (a report is exact or fails) */
	HUB_ECRYPTO, /* the random source or a key operation failed */
	HUB_ENET,    /* the network: an address cannot be listened on */
	HUB_RESULT_COUNT
} hub_result;

/* A short English phrase for r ("refused", "database error"...). */
const char *hub_strerror(hub_result r);

/*
 * A file failed: "<what> '<path>': <strerror(errno)>[: <way_out>]" into
 * err (way_out may be NULL), then HUB_EIO. Call it straight after the
 * failing call, while errno is its.
 */
hub_result hub_eio(char *err, size_t errlen, const char *what, const char *path, const char *way_out);

#endif
