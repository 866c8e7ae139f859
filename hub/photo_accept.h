/*
 * photo_accept.h - the last step of a photo's bytes into the hub, whichever
 * way they came: by HTTPS (route_photos.c, once an upload's last range is
 * in the agent's partial) or whole on a USB stick (cmd_import.c, a bundle's
 * photo item). The checks an upload passes, then the one store
 * (photo_store.c: SHA-256, durable file, thumbnail, dHash, near-duplicate
 * index, hub_photo row). docs/HUB.md, "Photos".
 *
 * Runs where the store runs: the serve writer thread, or the import
 * command. Nothing here keeps a pointer to the offer after the call.
 */
#ifndef HUB_PHOTO_ACCEPT_H
#define HUB_PHOTO_ACCEPT_H

#include <stddef.h>
#include <stdint.h>
#include "ctx.h"
#include "result.h"

/* Bytes offered to the hub as a photo. */
typedef struct hub_photo_offer {
	uint64_t agent;       /* who sends it: the TLS peer, or the bundle item's origin */
	const char *hex;      /* its name: 64 lowercase hex digits (checked here) */
	const uint8_t *bytes; /* the whole photo, or NULL: the agent's partial of hex
			       * holds it, every range checked as it came (an upload) */
	size_t len;           /* bytes' length (0 with NULL bytes) */
	int64_t now;          /* Unix seconds: the stored time and the quota's day */
} hub_photo_offer;

typedef enum hub_photo_outcome {
	HUB_PHOTO_STORED, /* checked and stored now */
	HUB_PHOTO_HELD,   /* the hub had it already: nothing done */
	HUB_PHOTO_REFUSED /* v->code says why; nothing stored */
} hub_photo_outcome;

typedef struct hub_photo_verdict {
	hub_photo_outcome outcome;
	/* "stored", "held", or the refusal: "bad_hash" (not 64 lowercase hex),
	 * "not_named" (no accepted record of the agent or the agents it
	 * succeeds names it), "too_big" (over HUB_PHOTO_MAX_BYTES),
	 * "wrong_size" (not the size its record gives it), "quota_exceeded"
	 * (the agent's photo bytes of the day, HUB_PHOTO_DAY_BYTES),
	 * "wrong_hash" (the bytes do not hash to its name) */
	const char *code;
} hub_photo_verdict;

/*
 * Check the offer and store it. Whole bytes pass every check an upload's
 * ranges pass (named, bounds, already held, the day's quota, which they
 * count) and go through the agent's partial, as an upload's last range
 * does; then, for both, the SHA-256 is checked and the photo stored.
 * HUB_OK with *v filled (a refusal is HUB_OK too), or HUB_EDB, HUB_EIO,
 * HUB_ENOMEM: nothing stored, the offer may be made again.
 */
hub_result hub_photo_accept(hub_ctx *ctx, const hub_photo_offer *offer, hub_photo_verdict *v);

#endif
