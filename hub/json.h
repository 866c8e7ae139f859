/*
 * json.h - the small JSON the protocol needs (json.c).
 */
#ifndef HUB_JSON_H
#define HUB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include "maiam/proto.h"
#include "result.h"

/* Append s as a JSON string (with quotes), or null when s is NULL:
 * HUB_OK, or HUB_ENOMEM (memory or b's cap). */
hub_result hub_json_str(proto_buf *b, const char *s);
/* Find "key": "string" in a flat JSON object of string members; the value
 * copied, unescaped, when *found. HUB_OK, or HUB_REFUSED for a body that is
 * not such an object (or a value that does not fit out). */
hub_result hub_json_get_str(const char *json, size_t len, const char *key, char *out, size_t outlen,
			    bool *found);
/* Append a JSON error object (as hub_json_str). */
hub_result hub_json_error(proto_buf *b, const char *code, const char *message);

#endif
