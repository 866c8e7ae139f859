/*
 * seal.h - sealing and opening change-sets: deflate, Ed25519, SHA-256 chain.
 *
 * sealed = header | deflate(body) | key id | signature(header | deflated body)
 * (exact bytes: proto/FORMAT.md). The hash of a sealed change-set is SHA-256
 * over all of its bytes; the next change-set from the same origin names it in
 * hdr.prev.
 *
 * Opening is careful with hostile input: the header is parsed with bounds
 * checks, the signature is verified over the compressed bytes BEFORE anything
 * is inflated, the declared inflated size is checked against its cap and the
 * compression ratio, and inflation writes into a buffer of exactly that size.
 */
#ifndef MAIAM_SEAL_H
#define MAIAM_SEAL_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "changeset.h"
#include "keys.h"
#include "result.h"

/* Encode, deflate and sign cs with key (whose id must be cs->hdr.origin).
 * Appends the sealed bytes to out; fills cs->hdr lengths; hash may be NULL. */
proto_result proto_seal(proto_changeset *cs, const proto_key *key, proto_buf *out, uint8_t hash[32]);
/*
 * proto_seal with the body in stored (uncompressed) deflate blocks: for a
 * body so regular that deflating it would pass PROTO_MAX_RATIO (PROTO_ERATIO
 * from proto_seal), as the hub's pull can make by relaying many alike
 * records. Any reader opens it like any other change-set.
 */
proto_result proto_seal_stored(proto_changeset *cs, const proto_key *key, proto_buf *out,
			       uint8_t hash[32]);
/*
 * proto_seal at zlib level 1..9 (proto_seal's is 9). The bytes differ, the
 * format does not: any reader opens it. For the hub's pull answers, sealed
 * once per laptop and pull, where level 9 was most of the sealing's CPU
 * (docs/BENCHMARKS.md, bench_campaign).
 */
proto_result proto_seal_level(proto_changeset *cs, const proto_key *key, proto_buf *out,
			      uint8_t hash[32], int level);

/*
 * Parse only the header, trusting nothing: to learn the origin (and so which
 * key to verify with) and the sequence. Checks magic, version, field ranges,
 * limits and that the total length matches the declared lengths exactly.
 */
proto_result proto_peek(const uint8_t *data, size_t len, proto_header *hdr);

/*
 * Verify with 'key' (the origin's public key), inflate and decode into out
 * (initialised here; release it with proto_changeset_release even on error).
 * hash (may be NULL) receives SHA-256 of data.
 */
proto_result proto_open(const uint8_t *data, size_t len, const proto_key *key, proto_changeset *out,
			uint8_t hash[32]);

/*
 * Open bytes that proto_open verified earlier and the caller stored with the
 * SHA-256 it returned (the hub's ledger): checks that SHA-256(data) equals
 * 'hash' (PROTO_EHASH if not: storage damage) instead of the signature, then
 * inflates and decodes with every check of proto_open. A hash costs about a
 * twentieth of an Ed25519 verification; whoever must prove the signatures
 * again (an audit) uses proto_open.
 */
proto_result proto_open_stored(const uint8_t *data, size_t len, const uint8_t hash[32],
			       proto_changeset *out);

#endif
