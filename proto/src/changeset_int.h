/*
 * changeset_int.h - private helpers shared by the change-set builder
 * (changeset.c), the body codec (body_encode.c, body_decode.c), the seal
 * (seal.c) and the merge (merge.c). The same checks run when building,
 * encoding, decoding and merging, so the encoder can never emit bytes that
 * the decoder would refuse, nor the decoder hand the merge a record it
 * would refuse.
 */
#ifndef MAIAM_CHANGESET_INT_H
#define MAIAM_CHANGESET_INT_H

#include "maiam/changeset.h"

/* 1 if campaign is 1..PROTO_CAMPAIGN_MAX bytes of [a-z0-9._-]. */
int proto_cs_campaign_ok(const char *campaign, size_t len);
/* One field of a record of 'kind' stamped 'stamp': schema, type, base, value. */
proto_result proto_cs_check_field(uint8_t kind, uint64_t stamp, const proto_field *f);
/*
 * A whole record: kind, id, stamp, field order, each field, required fields.
 * The one check of a record: the builder, the body codec and the merge call it.
 */
proto_result proto_cs_check_record(const proto_record *rec);
/* Append an empty record slot (zeroed); fails with ELIMIT past PROTO_MAX_RECORDS. */
proto_result proto_cs_push_record(proto_changeset *cs, proto_record **out);
/* Free what a record owns (texts, fields); the record itself is not freed. */
void proto_cs_record_release(proto_record *rec);

#endif
