/*
 * photo_store.h - the laptop's photos: the bytes that travel (photo_reduce's
 * output) kept content-addressed in the home, and the signed photo records
 * (kind 5) that name them by their SHA-256.
 *
 * Layout (docs/AGENT.md, "Photo store"; the upload reads it):
 *   <home>/photos/XX/<64 lowercase hex>   XX = the first two hex digits
 * Each file is written atomically (a temporary file in the same folder,
 * fsync, rename, fsync of the folder) and never replaced while it holds the
 * right number of bytes: the same hash is the same bytes.
 *
 * Ownership: an agent_photo_batch owns its reduced photos until
 * agent_photo_batch_release; the strings an agent_photo walk hands over are
 * valid during the callback only.
 */
#ifndef MAIAM_AGENT_PHOTO_STORE_H
#define MAIAM_AGENT_PHOTO_STORE_H

#include "agent.h"
#include "maiam/photo.h"

#define AGENT_PHOTO_DIR "photos"
#define AGENT_PHOTO_TYPE "image/jpeg"
/* Photos one command takes at most: each reduced copy stays in memory
 * until the transaction commits (about 130 kB each). */
#define AGENT_PHOTOS_MAX 32

/* Files reduced and waiting to be stored and recorded together. */
typedef struct agent_photo_batch {
	size_t n;
	photo_reduced item[AGENT_PHOTOS_MAX];
	char hex[AGENT_PHOTOS_MAX][65]; /* SHA-256 of item[i].jpeg, lowercase */
	int created[AGENT_PHOTOS_MAX];  /* agent_photo_batch_store wrote a new file */
	proto_id id[AGENT_PHOTOS_MAX];  /* each record's id (agent_photo_batch_build) */
} agent_photo_batch;

void agent_photo_batch_init(agent_photo_batch *b);
void agent_photo_batch_release(agent_photo_batch *b);
/*
 * Read each of the n files (at most PHOTO_MAX_INPUT_BYTES) and reduce it
 * into b, before anything is stored or recorded: a file that is no photo
 * refuses the whole command. AGENT_OK, or the file and what to do said
 * (AGENT_USAGE for a file that is not a photo, AGENT_FAIL otherwise).
 */
int agent_photo_batch_reduce(agent_photo_batch *b, const char *const *files, size_t n);
/* Store every photo of b in ctx->home; AGENT_OK or AGENT_FAIL said. On
 * failure the files this call created are removed again. */
int agent_photo_batch_store(agent_ctx *ctx, agent_photo_batch *b);
/* Remove the files agent_photo_batch_store created (the records were not
 * committed, so no record names them). */
void agent_photo_batch_unstore(agent_ctx *ctx, agent_photo_batch *b);
/* Append one photo record per photo of b to cs, each naming target (a
 * household, PROTO_KIND_HOUSEHOLD, or a milestone, PROTO_KIND_MILESTONE). */
proto_result agent_photo_batch_build(agent_ctx *ctx, proto_changeset *cs, agent_photo_batch *b,
				     proto_id target, uint8_t target_kind);
/* After the commit: one line per photo recorded ("Recorded photo ..."), or
 * in --json the members ,"photos":[...] of the command's object. */
void agent_photo_batch_report(agent_ctx *ctx, const agent_photo_batch *b);

/* The path of the photo with this hash in home into out; 0, -1 if too long. */
int agent_photo_path(const char *home, const char *hex, char *out, size_t n);

/* A photo record as the walks hand it over. */
typedef struct agent_photo {
	proto_id id;
	proto_id target;
	int target_kind;
	const char *sha256, *type, *taken_at, *camera, *note; /* taken_at, camera, note may be NULL */
	int64_t bytes, width, height;
	int has_position;
	int64_t lat, lon; /* 1e-7 degrees */
	int voided;
} agent_photo;

/* The photos of one household or milestone, in the order they were recorded. */
proto_result agent_photo_walk(agent_ctx *ctx, proto_id target, uint8_t target_kind,
			      proto_result (*fn)(const agent_photo *p, void *arg), void *arg);
/* The photo record text names (its full id, or its short reference as
 * household show lists it) into *out (the walk's fields valid during the
 * call only: copy what is needed); *n 0, 1, or 2 for two or more. */
proto_result agent_photo_find(agent_ctx *ctx, const char *text, agent_photo *out, int *n);
/* The distinct hashes of recorded photos that start with prefix (lowercase
 * hex): fn for each, in order; *n how many. */
proto_result agent_photo_by_prefix(agent_ctx *ctx, const char *prefix,
				   proto_result (*fn)(const char *hex, void *arg), void *arg, size_t *n);

/* cmd_photo.c: one photo as household show lists it (a line, or a JSON
 * object without newline). */
void agent_photo_show(agent_ctx *ctx, const agent_photo *p, const char *indent);
void agent_photo_json(agent_ctx *ctx, const agent_photo *p);
/* The message of a photo_result in the user's language. */
const char *agent_photo_cause(photo_result r);

#endif
