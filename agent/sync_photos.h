/*
 * sync_photos.h - the photo step of sync (sync_photos.c, docs/SYNC.md
 * "Photos"): after the change-sets are accepted and the pull is done, the
 * bytes of this laptop's photos go to the hub, resumable, and never at the
 * cost of the records.
 */
#ifndef MAIAM_AGENT_SYNC_PHOTOS_H
#define MAIAM_AGENT_SYNC_PHOTOS_H
#include "agent.h"
#include "net.h"

/* Hashes asked about in one sync: the hub's cap on one want request. */
#define AGENT_PHOTO_WANT_MAX 1000
/* Bytes of one PUT: a cut loses at most the range in flight, and a range
 * is long beside a round trip (256 KiB at 1 Mbit/s is 2 s, at 300 ms RTT). */
#define AGENT_PHOTO_RANGE (256u << 10)
/* The most the hub takes for one photo (docs/PROTOCOL.md). */
#define AGENT_PHOTO_MAX_BYTES (8u << 20)

/* What the photo step did, for the progress line and the summary. */
typedef struct agent_photo_sync {
	size_t asked;                     /* photos of this laptop not yet known to be at the hub */
	size_t wanted;                    /* those the hub lacks */
	size_t sent;                      /* stored by the hub in this sync */
	size_t held;                      /* the hub already had them (another laptop's upload...) */
	size_t left;                      /* not sent this time: the next sync tries again */
	uint64_t bytes_total, bytes_sent; /* of the wanted photos, from their offsets */
	uint64_t start_ms;                /* when the uploads began (0: not yet) */
	int active;                       /* uploading now: the progress line is theirs */
} agent_photo_sync;

/*
 * Ask the hub which of this laptop's photos it lacks and upload them from
 * home/photos/XX/<hex>, each from the offset the hub gives, in ranges of
 * AGENT_PHOTO_RANGE, two photos at once on two connections (the first the
 * one n's requests used: n's connections are shared); a photo the hub
 * stores is marked in photo_upload. Whatever fails is said on stderr as a
 * note and left for the next sync: the change-sets are already the hub's.
 * Returns the number of notes said (0: every photo is at the hub).
 */
int agent_sync_photos(agent_ctx *ctx, agent_net *n, agent_photo_sync *ps);

/* store.c: this laptop's photos (its own records) not marked uploaded, at
 * most max, oldest first: cb(arg, hex, bytes) for each, non-zero stops. */
typedef int (*agent_photo_cb)(void *arg, const char *hex, int64_t bytes);
proto_result agent_photo_pending(agent_ctx *ctx, size_t max, agent_photo_cb cb, void *arg);
/* The hub holds the photo hex: never asked about again. */
proto_result agent_photo_uploaded(agent_ctx *ctx, const char *hex, const char *when);

#endif
