/*
 * result.h - what a hub function below the command layer returns: one
 * result type for all of them (ingest first; the rest of the store still
 * returns 0/-1 and found/not counts, named in each declaration). The
 * commands map results to exit codes; hub_strerror names a result for a
 * message, which also names the subject and the way out.
 */
#ifndef HUB_RESULT_H
#define HUB_RESULT_H

typedef enum hub_result {
	HUB_OK = 0,   /* done; for a change-set: applied, or already applied */
	HUB_REFUSED,  /* the input was refused; the verdict (or err) says why */
	HUB_EDB,      /* the database failed; the message has SQLite's words */
	HUB_ENOMEM,   /* out of memory */
	HUB_RESULT_COUNT
} hub_result;

/* A short English phrase for r ("refused", "database error"...). */
const char *hub_strerror(hub_result r);

#endif
