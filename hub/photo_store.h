/*
 * photo_store.h - the photos' bytes at the hub (docs/HUB.md, "Photos"):
 * stored content-addressed beside hub.db as photos/XX/<64 hex> (XX: the
 * first two digits), each written to a temporary name, fsync'd, renamed and
 * its folder fsync'd, then its row in hub_photo (size, when, which agent,
 * thumbnail, dHash). An upload grows a partial file of its own per agent,
 * partial/<agent 16 hex>/<64 hex>, one range at a time, until its last byte
 * comes and its SHA-256 is checked.
 *
 * Everything here runs on the serve writer thread (uploads) or reads on the
 * reader; results are hub_result (HUB_EIO: a file failed, HUB_EDB: the
 * database did). Hashes are 64 lowercase hex digits, as photo records
 * carry them (PROTO_PH_SHA256); the caller checks them with hub_photo_hex_ok
 * before any path is made of them.
 */
#ifndef HUB_PHOTO_STORE_H
#define HUB_PHOTO_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include "ctx.h"
#include "result.h"

#define HUB_PHOTOS_DIR "photos"
#define HUB_PARTIAL_DIR "partial"

/* A photo is the laptop's reduction (1600 px, quality 80: well under 1 MB);
 * 8 MiB is the most the hub takes for one, whatever its record says. */
#define HUB_PHOTO_MAX_BYTES (8 << 20)
/* Hashes one want request may ask about: a night of a busy laptop. */
#define HUB_PHOTO_WANT_MAX 1000
/* Partial uploads one agent may leave at the hub: at most this many, this
 * many bytes in all (room for 4 photos of the largest size), none older
 * than this; past a bound the oldest is dropped (its laptop starts it over). */
#define HUB_PARTIALS_PER_AGENT 8
#define HUB_PARTIAL_BYTES_PER_AGENT (32LL << 20)
#define HUB_PARTIAL_MAX_AGE_S (7 * 24 * 3600)
/* Photo bytes one agent may send a day (Vietnam's day, as hub_quota): a
 * milestone day of a laptop is a few dozen photos, well under this. */
#define HUB_PHOTO_DAY_BYTES (256LL << 20)

/* 1 when hex is 64 lowercase hex digits, else 0. */
int hub_photo_hex_ok(const char *hex);

/* An accepted photo record names hex and was written by agent or by one of
 * its line of predecessors (the agent it succeeds, that one's, ...):
 * *found, and the record's size in *bytes. */
hub_result hub_photo_named(sqlite3 *db, uint64_t agent, const char *hex, int64_t *bytes, bool *found);
/* Whether agent may send photo hex at all, the first checks of every way
 * bytes come in (want, HEAD, PUT, a USB bundle's photo item): *refusal is
 * NULL when hex is 64 lowercase hex digits and named (hub_photo_named) with
 * a size of 1 byte to HUB_PHOTO_MAX_BYTES, in *bytes; else "bad_hash",
 * "not_named" or "too_big". HUB_OK or HUB_EDB. */
hub_result hub_photo_may_send(sqlite3 *db, uint64_t agent, const char *hex, int64_t *bytes,
			      const char **refusal);
/* The hub has stored the photo (its row in hub_photo): *held. */
hub_result hub_photo_held(sqlite3 *db, const char *hex, bool *held);

/* Bytes of agent's partial upload of hex so far (0: none). HUB_OK or HUB_EIO. */
hub_result hub_photo_partial_size(const hub_ctx *ctx, uint64_t agent, const char *hex, int64_t *size);
/*
 * Append len bytes at offset start of the partial (which the caller found
 * to be start bytes long), fsync'd. A new partial (start 0) first makes
 * room under the per-agent bounds (hub_photo_partials_bound). HUB_OK or
 * HUB_EIO.
 */
hub_result hub_photo_partial_append(const hub_ctx *ctx, uint64_t agent, const char *hex, int64_t start,
				    int64_t total, const uint8_t *p, size_t len, int64_t now);
/* Remove agent's partial of hex (no error when there is none). */
void hub_photo_partial_drop(const hub_ctx *ctx, uint64_t agent, const char *hex);
/*
 * Keep agent's partials under the bounds with 'incoming' more bytes to
 * come: those older than HUB_PARTIAL_MAX_AGE_S go, then the oldest until
 * one more partial fits HUB_PARTIALS_PER_AGENT and the bytes fit
 * HUB_PARTIAL_BYTES_PER_AGENT. HUB_OK or HUB_EIO.
 */
hub_result hub_photo_partials_bound(const hub_ctx *ctx, uint64_t agent, int64_t incoming, int64_t now);

/*
 * The partial is whole: check its SHA-256 against hex (*hash_ok false: it is
 * dropped and nothing stored), store it durably under photos/, make its
 * thumbnail and dHash (a photo the JPEG decoder cannot read is stored
 * without them) and write its row. HUB_OK, HUB_EIO, HUB_EDB or HUB_ENOMEM.
 */
hub_result hub_photo_store(hub_ctx *ctx, uint64_t agent, const char *hex, int64_t now, bool *hash_ok);

/* Photo bytes agent sent on Vietnam day 'day' (YYYY-MM-DD), and more of them. */
hub_result hub_photo_day_get(sqlite3 *db, uint64_t agent, const char *day, int64_t *bytes);
hub_result hub_photo_day_add(sqlite3 *db, uint64_t agent, const char *day, int64_t bytes);

#endif
