/*
 * fields_int.h - private to proto: the field table (fields.c) indexed by kind
 * and wire id, with each kind's required fields as a bit mask. The one record
 * check (changeset.c) and the merge's column layout read it, so a field's
 * type, column and "required" are written once, in fields.c.
 */
#ifndef MAIAM_FIELDS_INT_H
#define MAIAM_FIELDS_INT_H

#include <stdint.h>
#include "maiam/schema.h"

/* Bit of field id f (1..PROTO_MAX_FIELDS) in a 64-bit field set. */
#define PROTO_FIELD_BIT(f) ((uint64_t)1 << ((f)-1))

typedef struct proto_kind_fields {
	const proto_field_desc *by_id[PROTO_MAX_FIELDS + 1]; /* NULL: no such field */
	uint64_t required; /* PROTO_FIELD_BIT(f): an event must carry f (households: 0) */
} proto_kind_fields;

/*
 * The fields of kind 1..PROTO_KIND_MAX, or NULL for any other kind. Static
 * storage, built on first use from any thread; never freed.
 */
const proto_kind_fields *proto_kind_fields_of(uint8_t kind);

#endif
